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
    bio: BTreeMap<String, toml::Spanned<String>>,
    #[serde(default)]
    links: BTreeMap<String, toml::Spanned<String>>,
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
    /// The biography rendered to HTML per language, its raw HTML treated
    /// as the site's `[security] raw_html` says.
    pub bio_html: BTreeMap<String, String>,
    /// Profile links: label → URL. Links whose scheme may not be published
    /// (`javascript:`…) are left out with a warning.
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
/// used to check that a relative photo exists; `raw_html` is the site's
/// policy for raw HTML in the bio. What the bio's sanitizing removes and the
/// links left out are added to `warnings`.
pub fn parse(
    id: &str,
    path: &str,
    text: &str,
    files: &[String],
    raw_html: quire_markdown::RawHtml,
    warnings: &mut Vec<Diagnostic>,
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
        && !is_web_url(photo)
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
    let mut bio_html = BTreeMap::new();
    for (lang, markdown) in &bio {
        let rendered = quire_markdown::render_with(markdown.get_ref(), raw_html);
        for problem in &rendered.problems {
            let offset = string_offset(text, markdown, problem.offset);
            warnings.push(
                Diagnostic::warning(path, format!("bio `{lang}`: {}", problem.message))
                    .at(&source, offset),
            );
        }
        bio_html.insert(lang.clone(), rendered.html);
    }
    let mut kept_links = BTreeMap::new();
    for (label, url) in links {
        if quire_core::link::is_allowed_link(url.get_ref()) {
            kept_links.insert(label, url.into_inner());
        } else {
            warnings.push(
                Diagnostic::warning(
                    path,
                    format!(
                        "link `{label}` to `{}` left out: only http, https, mailto, tel and relative links are published",
                        quire_core::link::shorten(url.get_ref(), 60)
                    ),
                )
                .at(&source, url.span().start),
            );
        }
    }
    Ok(Author {
        id: id.to_string(),
        name,
        names,
        photo: photo.map(|p| {
            if p.starts_with('/') || is_web_url(&p) {
                p
            } else {
                format!("authors/{p}")
            }
        }),
        role,
        affiliation,
        bio: bio
            .into_iter()
            .map(|(lang, b)| (lang, b.into_inner()))
            .collect(),
        bio_html,
        links: kept_links,
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

/// True for an `http://` or `https://` URL (any other name is a file under
/// `authors/`, so `https-x:…` never reaches an `src`).
fn is_web_url(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// The byte in `text` of byte `at` of the TOML string `value`: exact when
/// the string is written without escapes, else the string's start.
fn string_offset(text: &str, value: &toml::Spanned<String>, at: usize) -> usize {
    let span = value.span();
    let written = text.get(span.clone()).unwrap_or("");
    match written.find(value.get_ref().as_str()) {
        Some(start) if !value.get_ref().is_empty() => span.start + start + at,
        _ => span.start,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_links_are_left_out_and_bio_html_is_sanitized() {
        let text = "name = \"M\"\n[links]\nsite = \"https://m.org\"\nx = \" JaVa\\tscript:alert(1)\"\n[bio]\nen = \"Writes <script>alert(1)</script>about *ports*.\"\n";
        let mut warnings = Vec::new();
        let a = parse(
            "m",
            "authors/m.toml",
            text,
            &[],
            quire_markdown::RawHtml::Sanitize,
            &mut warnings,
        )
        .unwrap();
        assert_eq!(a.links.keys().collect::<Vec<_>>(), ["site"]);
        assert_eq!(a.bio_html["en"], "<p>Writes about <em>ports</em>.</p>\n");
        let found: Vec<(usize, usize, &str)> = warnings
            .iter()
            .map(|d| (d.line, d.col, d.message.as_str()))
            .collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!((found[0].0, found[0].1), (6, 14), "{found:?}");
        assert!(
            found[0].2.contains("bio `en`: raw HTML <script> removed"),
            "{found:?}"
        );
        assert_eq!(found[1].0, 4);
        assert!(found[1].2.contains("link `x`"), "{found:?}");

        let mut warnings = Vec::new();
        let trusted = parse(
            "m",
            "authors/m.toml",
            text,
            &[],
            quire_markdown::RawHtml::Trust,
            &mut warnings,
        )
        .unwrap();
        assert!(trusted.bio_html["en"].contains("<script>"));
        // A photo is a web URL or a file: `httpx:…` is neither.
        let photo = "name = \"M\"\nphoto = \"httpx:alert(1)\"\n";
        let errors = parse(
            "m",
            "authors/m.toml",
            photo,
            &[],
            quire_markdown::RawHtml::Sanitize,
            &mut warnings,
        )
        .unwrap_err();
        assert!(
            errors[0]
                .message
                .contains("photo `httpx:alert(1)` not found"),
            "{errors:?}"
        );
        assert_eq!(trusted.links.len(), 1, "the link rule holds when trusted");
    }
}
