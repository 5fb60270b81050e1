//! Typed settings of the components configured by tables of `quire.toml`
//! (`[citations]`, `[similar]`, `[search]`), with located errors.

use quire_core::{Diagnostic, Diagnostics};
use quire_site::config::Extension;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// `[search]`: the static search index.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchConfig {
    /// Build the index and the search pages (default true).
    pub enabled: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig { enabled: true }
    }
}

/// Deserialises one table; an error names `quire.toml`, the table's line
/// and the problem, and the default is used so the build can go on
/// collecting other errors.
pub fn read<T: DeserializeOwned + Default>(
    name: &str,
    ext: &Extension,
    diagnostics: &mut Diagnostics,
) -> T {
    match T::deserialize(toml::Value::Table(ext.table.clone())) {
        Ok(v) => v,
        Err(e) => {
            let mut d =
                Diagnostic::error("quire.toml", format!("[{name}]: {}", e.message().trim()));
            d.line = ext.line;
            d.col = 1;
            diagnostics.push(d);
            T::default()
        }
    }
}
