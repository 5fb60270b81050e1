//! `authors/<id>.toml`: one author, with per-language bio, role and name.

use std::collections::BTreeMap;

use quire_core::Diagnostic;
use serde::Deserialize;

use crate::toml_error::toml_diagnostic;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAuthor {
    name: String,
    #[serde(default)]
    names: BTreeMap<String, String>,
    photo: Option<String>,
    #[serde(default)]
    role: BTreeMap<String, String>,
    affiliation: Option<String>,
    #[serde(default)]
    bio: BTreeMap<String, String>,
    #[serde(default)]
    links: BTreeMap<String, String>,
    email: Option<String>,
    #[serde(default)]
    extra: toml::Table,
}

/// An author, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Author {
    /// The id (file stem), used in front matter and URLs.
    pub id: String,
    /// The name in the default language.
    pub name: String,
    /// The name written in other languages (`ru = "…"`).
    pub names: BTreeMap<String, String>,
    /// The photo file, site-relative (`authors/jane.jpg`) or a site path (`/img/jane.jpg`).
    pub photo: Option<String>,
    /// Job title per language.
    pub role: BTreeMap<String, String>,
    /// Organisation, for JSON-LD `affiliation`.
    pub affiliation: Option<String>,
    /// Biography per language (Markdown allowed inline).
    pub bio: BTreeMap<String, String>,
    /// Profile links: label → URL.
    pub links: BTreeMap<String, String>,
    /// Public e-mail address.
    pub email: Option<String>,
    /// Free-form data for templates.
    pub extra: serde_json::Value,
}

impl Author {
    /// The name to show on a page in `lang`.
    pub fn name_in(&self, lang: &str) -> &str {
        self.names.get(lang).unwrap_or(&self.name)
    }
}

/// Reads one author file. `files` are the other files under `authors/`,
/// used to check that a relative photo exists.
pub fn parse(
    id: &str,
    path: &str,
    text: &str,
    files: &[String],
) -> Result<Author, Vec<Diagnostic>> {
    let raw: RawAuthor =
        toml::from_str(text).map_err(|e| vec![toml_diagnostic(path, text, 0, &e)])?;
    let RawAuthor {
        name,
        names,
        photo,
        role,
        affiliation,
        bio,
        links,
        email,
        extra,
    } = raw;
    let source = quire_core::SourceText::new(text);
    if let Some(photo) = &photo
        && !photo.starts_with('/')
        && !photo.starts_with("http")
    {
        let wanted = format!("authors/{photo}");
        if photo.contains("..") || !files.contains(&wanted) {
            let d = Diagnostic::error(
                path,
                format!(
                    "photo `{photo}` not found: put the image in authors/ beside this file, or give a site path like /images/x.jpg"
                ),
            );
            let d = match crate::toml_error::key_offset(text, "photo") {
                Some(o) => d.at(&source, o),
                None => d,
            };
            return Err(vec![d]);
        }
    }
    if id.is_empty() || quire_core::slugify(id) != id {
        return Err(vec![Diagnostic::error(
            path,
            "author file names must be lower-case ASCII slugs like `jane-doe.toml`",
        )]);
    }
    Ok(Author {
        id: id.to_string(),
        name,
        names,
        photo: photo.map(|p| {
            if p.starts_with('/') || p.starts_with("http") {
                p
            } else {
                format!("authors/{p}")
            }
        }),
        role,
        affiliation,
        bio,
        links,
        email,
        extra: serde_json::to_value(&extra).unwrap_or(serde_json::Value::Null),
    })
}

/// A warning for a per-language entry (`[bio]`, `[role]`, `[names]`) of the
/// author file `path` in a language the site does not configure: nothing
/// would ever show it. Placed at the entry's line when it can be found.
pub fn unconfigured_language(path: &str, text: &str, table: &str, lang: &str) -> Diagnostic {
    let d = Diagnostic::warning(
        path,
        format!(
            "[{table}] has an entry for `{lang}`, a language quire.toml does not configure, so no page shows it; add [languages.{lang}] or fix the code"
        ),
    );
    let source = quire_core::SourceText::new(text);
    let header = format!("[{table}]");
    let mut offset = 0;
    let mut inside = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            inside = trimmed == header;
        } else if inside
            && let Some(rest) = trimmed
                .strip_prefix(lang)
                .or_else(|| trimmed.strip_prefix(&format!("\"{lang}\"")))
            && rest.trim_start().starts_with('=')
        {
            return d.at(&source, offset + (line.len() - line.trim_start().len()));
        }
        offset += line.len();
    }
    match crate::toml_error::key_offset(text, table) {
        Some(o) => d.at(&source, o),
        None => d,
    }
}
