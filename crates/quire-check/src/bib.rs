//! Bibliography records: entries never cited (info), web records without
//! an access date (warning) and URLs that are never published as links
//! (warning), located in their file.
//!
//! Owns: the findings about record keys, URLs and visit dates of the
//! site's bibliography files (read by quire-cite's reader). Malformed files
//! are reported by the build.
//! Must not know: citation styles or pages.

use std::collections::BTreeSet;

use quire_build::derive::Derived;
use quire_core::Diagnostic;
use quire_site::Corpus;

/// A record as far as check cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Citation key.
    pub key: String,
    /// Its URL, if any.
    pub url: Option<String>,
    /// True when the record says when the URL was visited.
    pub accessed: bool,
}

/// Adds bibliography findings to `found`.
pub fn check(corpus: &Corpus, derived: &Derived, found: &mut Vec<Diagnostic>) {
    let cited: BTreeSet<&str> = derived
        .bodies
        .iter()
        .flat_map(|b| b.cited_keys.iter().map(String::as_str))
        .collect();
    for (path, text) in &corpus.files.bibliography {
        let Some(records) = records(path, text) else {
            continue;
        };
        for record in records {
            let offset = key_offset(text, &record.key);
            if !cited.contains(record.key.as_str()) {
                found.push(crate::at(
                    crate::notes::info(path, format!("`{}` is never cited", record.key)),
                    text,
                    offset,
                ));
            }
            if let Some(url) = &record.url
                && !quire_core::link::is_allowed_link(url)
            {
                found.push(crate::at(
                    Diagnostic::warning(
                        path.clone(),
                        format!(
                            "`{}` has the URL `{}`, which is shown as text, not as a link: only http, https, mailto, tel and relative links are published",
                            record.key,
                            quire_core::link::shorten(url, 60)
                        ),
                    ),
                    text,
                    offset,
                ));
                continue;
            }
            if let (Some(url), false) = (&record.url, record.accessed) {
                found.push(crate::at(
                    Diagnostic::warning(
                        path.clone(),
                        format!(
                            "`{}` cites {url} without an access date; add `urldate` (BibLaTeX), `accessed` (CSL-JSON) or `url: {{value, date}}` (Hayagriva)",
                            record.key
                        ),
                    ),
                    text,
                    offset,
                ));
            }
        }
    }
}

/// The records of one bibliography file, read by quire-cite's reader (the
/// one the build uses); `None` when it cannot be read (the build reports why).
pub fn records(path: &str, text: &str) -> Option<Vec<Record>> {
    let bibliography = quire_cite::Bibliography::parse(path, text).ok()?;
    Some(
        bibliography
            .links()
            .map(|link| Record {
                key: link.key.to_string(),
                url: link.url,
                accessed: link.accessed,
            })
            .collect(),
    )
}

/// Byte offset of a record's key in its file: `{key,` (BibLaTeX), `"key"`
/// (CSL-JSON) or `key:` at a line start (YAML); 0 when not found.
fn key_offset(text: &str, key: &str) -> usize {
    [
        format!("{{{key},"),
        format!("\"{key}\""),
        format!("\n{key}:"),
    ]
    .iter()
    .find_map(|pat| {
        text.find(pat.as_str())
            .map(|i| i + pat.len() - key.len() - 1)
    })
    .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_access_dates_in_every_format() {
        let bib = "@online{a,\n  title = {A},\n  url = {https://a.example},\n  urldate = {2024-01-02},\n}\n@online{b,\n  title = {B},\n  url = {https://b.example},\n}\n";
        let got = records("x.bib", bib).unwrap();
        assert_eq!(got.len(), 2);
        assert!(got.iter().any(|r| r.key == "a" && r.accessed));
        assert!(
            got.iter()
                .any(|r| r.key == "b" && !r.accessed && r.url.is_some())
        );
        let json = r#"[{"id": "c", "type": "webpage", "title": "C", "URL": "https://c.example"}]"#;
        let got = records("x.json", json).unwrap();
        assert_eq!(got[0].key, "c");
        assert!(!got[0].accessed);
        assert_eq!(&bib[key_offset(bib, "b")..][..2], "b,");
        let hostile = "@online{j,\n  title = {J},\n  url = {javascript:alert(1)},\n}\n";
        let got = records("x.bib", hostile).unwrap();
        assert_eq!(got[0].url.as_deref(), Some("javascript:alert(1)"));
        assert_eq!(&json[key_offset(json, "c")..][..1], "c");
    }

    #[test]
    fn crossref_cycles_are_left_to_the_build_not_followed() {
        // Before the guard this overflowed the stack (exit 134).
        assert_eq!(records("x.bib", "@inbook{self, crossref={self}}\n"), None);
        let chain: String = (0..3_000)
            .map(|i| format!("@book{{e{i}, crossref={{e{}}}}}\n", i + 1))
            .collect();
        assert_eq!(records("x.bib", &chain), None);
    }
}
