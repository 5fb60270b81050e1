//! The `[citations]` table of `quire.toml` and the per-language term
//! overrides of `i18n/<lang>.toml`.
//!
//! Owns: the raw, strictly parsed shape of both. Must not know: files on
//! disk, styles or rendering.

use serde::Deserialize;

/// `[citations]` in quire.toml.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CitationConfig {
    /// A built-in style name (`chicago-notes`, `chicago-shortened-notes`,
    /// `apa`, `chicago-author-date`, or any name hayagriva archives) or a
    /// path to a `.csl` file relative to the site root.
    pub style: String,
    /// Render every recognised hand-written ibid. marker ("Same place.",
    /// "a.g.e.", …) as the page language's ibid. term.
    pub normalize_ibid: bool,
    /// Add a Wayback Machine link to web sources that carry an access date.
    pub archive_links: bool,
    /// Print a reference list at the end of articles in a note style too
    /// (author-date styles always print one).
    pub references: bool,
}

impl Default for CitationConfig {
    fn default() -> Self {
        CitationConfig {
            style: "chicago-notes".to_string(),
            normalize_ibid: false,
            archive_links: true,
            references: false,
        }
    }
}

/// Per-language term overrides a site sets in `i18n/<lang>.toml` under
/// `[citations]` (e.g. `ibid = "Aynı yer"`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TermOverrides {
    /// The ibid. term, used as written (no case change).
    pub ibid: Option<String>,
    /// The term before an access date ("accessed").
    pub accessed: Option<String>,
    /// The label of the Wayback Machine link ("archived").
    pub archived: Option<String>,
}
