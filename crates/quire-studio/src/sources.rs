//! Adding a source to the site's bibliography from the citation dialog:
//! pasted BibTeX (checked by quire-cite's reader), a DOI (its BibTeX
//! fetched from the DOI resolver by content negotiation), or a web page
//! (an `@online` entry with its title and the access date). The entry is
//! appended to the site's `.bib` file, the rest of which is left as it is;
//! a key the site already has is refused. Must not know: HTTP routing,
//! HTML.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use quire_cite::Bibliography;

use crate::index::{self, BibEntry};
use crate::{paths, store};

/// The public DOI resolver.
pub const DOI_RESOLVER: &str = "https://doi.org";

/// How long a DOI look-up may take.
const DOI_TIMEOUT: Duration = Duration::from_secs(10);

/// The file new entries go to when the site has no `.bib` file yet.
const DEFAULT_FILE: &str = "bibliography/sources.bib";

/// A source to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewSource {
    /// BibTeX/BibLaTeX text with one or more entries.
    Bibtex(String),
    /// A DOI (`10.…`, or a doi.org address).
    Doi(String),
    /// A web page: its address and title.
    Web {
        /// `http(s)://…`.
        url: String,
        /// The page's title.
        title: String,
    },
}

/// What was added.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Added {
    /// The site-relative file written.
    pub file: String,
    /// The entries added.
    pub entries: Vec<BibEntry>,
}

/// The site's `.bib` file new entries go to: the first of `bibliography/`
/// (by name), else `bibliography/sources.bib`.
pub fn target_file(root: &Path) -> String {
    let mut bibs: Vec<String> = std::fs::read_dir(root.join("bibliography"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(".bib") && !n.starts_with('.'))
        .collect();
    bibs.sort();
    bibs.first()
        .map_or_else(|| DEFAULT_FILE.to_string(), |n| format!("bibliography/{n}"))
}

/// The DOI in `input` (`10.…`, `doi:10.…` or a doi.org address).
pub fn normalize_doi(input: &str) -> Result<String, String> {
    let s = input.trim();
    let s = [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi:",
    ]
    .iter()
    .find_map(|p| {
        s.get(..p.len())
            .filter(|h| h.eq_ignore_ascii_case(p))
            .map(|_| &s[p.len()..])
    })
    .unwrap_or(s)
    .trim();
    let valid = s.starts_with("10.")
        && s.contains('/')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid {
        Ok(s.to_string())
    } else {
        Err(format!(
            "“{}” is not a DOI: a DOI starts with 10. and has a slash, like 10.1000/xyz123",
            input.trim()
        ))
    }
}

/// The BibTeX of `doi` from `resolver` (content negotiation,
/// `Accept: application/x-bibtex`), with a timeout; errors in plain words.
pub fn fetch_doi(resolver: &str, doi: &str) -> Result<String, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(DOI_TIMEOUT))
        .http_status_as_error(false)
        .user_agent(concat!("quire-studio/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    // Each path segment encoded, the slashes kept.
    let path: Vec<String> = doi
        .split('/')
        .map(|seg| {
            percent_encoding::utf8_percent_encode(seg, percent_encoding::NON_ALPHANUMERIC)
                .to_string()
                .replace("%2E", ".")
                .replace("%2D", "-")
                .replace("%5F", "_")
        })
        .collect();
    let url = format!("{}/{}", resolver.trim_end_matches('/'), path.join("/"));
    let mut response = match agent
        .get(&url)
        .header("Accept", "application/x-bibtex; charset=utf-8")
        .call()
    {
        Ok(r) => r,
        Err(ureq::Error::Timeout(_)) => {
            return Err(format!(
                "the DOI resolver did not answer within {} seconds: try again, or paste the BibTeX",
                DOI_TIMEOUT.as_secs()
            ));
        }
        Err(e) => {
            return Err(format!(
                "cannot reach the DOI resolver (are you offline?): {e}. Paste the source's BibTeX instead"
            ));
        }
    };
    match response.status().as_u16() {
        200 => {}
        404 => return Err(format!("no DOI {doi} is registered: check it for typos")),
        s => {
            return Err(format!(
                "the DOI resolver answered {s} for {doi}: try again later, or paste the BibTeX"
            ));
        }
    }
    let text = response
        .body_mut()
        .with_config()
        .limit(1024 * 1024)
        .read_to_string()
        .map_err(|e| format!("the DOI resolver's answer could not be read: {e}"))?;
    if !text.trim_start().starts_with('@') {
        return Err(format!(
            "the DOI resolver sent no BibTeX for {doi}: paste the source's BibTeX instead"
        ));
    }
    Ok(text)
}

/// A BibLaTeX field value: braces and backslashes (which would end or
/// escape the field) left out, whitespace folded.
fn field(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '{' | '}' | '\\'))
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// An `@online` entry for a web page, accessed on `today` (YYYY-MM-DD),
/// with a key not in `taken`.
pub fn web_entry(
    url: &str,
    title: &str,
    today: &str,
    taken: &BTreeSet<String>,
) -> Result<String, String> {
    let url = url.trim();
    if !(url.starts_with("https://") || url.starts_with("http://"))
        || url
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '{' | '}' | '\\'))
    {
        return Err("give the page's full address, starting with https://".into());
    }
    let title = field(title);
    if title.is_empty() {
        return Err("give the page's title".into());
    }
    let words: Vec<String> = quire_core::slugify(&title)
        .split('-')
        .filter(|w| !w.is_empty())
        .take(3)
        .map(str::to_string)
        .collect();
    let year = today.get(..4).unwrap_or("");
    let base = format!(
        "{}{year}",
        if words.is_empty() {
            "web".into()
        } else {
            words.join("")
        }
    );
    let mut key = base.clone();
    let mut n = 1;
    while taken.contains(&key) {
        n += 1;
        key = format!("{base}-{n}");
    }
    Ok(format!(
        "@online{{{key},\n  title   = {{{title}}},\n  url     = {{{url}}},\n  urldate = {{{today}}},\n}}\n"
    ))
}

/// Adds `bibtex` (one or more entries) to the site's `.bib` file unless
/// it does not parse or names a key in `taken`.
pub fn append(root: &Path, bibtex: &str, taken: &BTreeSet<String>) -> Result<Added, String> {
    let bibtex = bibtex.trim();
    if bibtex.is_empty() {
        return Err("paste a BibTeX entry (it starts with @, like @article{key, …})".into());
    }
    let parsed = Bibliography::parse("pasted.bib", bibtex).map_err(|ds| {
        ds.iter()
            .map(|d| d.to_string().replacen("pasted.bib", "the pasted BibTeX", 1))
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    if parsed.is_empty() {
        return Err("no BibTeX entry found: an entry starts with @, like @article{key, …}".into());
    }
    let dup: Vec<String> = parsed
        .keys()
        .into_iter()
        .filter(|k| taken.contains(k))
        .collect();
    if !dup.is_empty() {
        return Err(format!(
            "the bibliography already has {}: cite it from the search, or give the new entry another key",
            dup.join(", ")
        ));
    }
    let library = hayagriva::io::from_biblatex_str(bibtex)
        .map_err(|_| "the BibTeX cannot be read".to_string())?;
    let file = target_file(root);
    let path = paths::resolve(root, &file).map_err(|e| e.0)?;
    let old = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("cannot read {file}: {e}")),
    };
    let nl = if old.contains("\r\n") { "\r\n" } else { "\n" };
    let mut text = old.clone();
    if !text.is_empty() {
        if !text.ends_with('\n') {
            text.push_str(nl);
        }
        text.push_str(nl);
    }
    text.push_str(&bibtex.replace("\r\n", "\n").replace('\n', nl));
    text.push_str(nl);
    // The whole file must still read (and keep every entry it had).
    let before = if old.is_empty() {
        0
    } else {
        Bibliography::parse(&file, &old)
            .map(|b| b.len())
            .unwrap_or(0)
    };
    match Bibliography::parse(&file, &text) {
        Ok(b) if b.len() >= before + parsed.len() => {}
        _ => {
            return Err(format!(
                "{file} would not read with this entry added; nothing was written"
            ));
        }
    }
    store::write_atomic(&path, text.as_bytes()).map_err(|e| format!("cannot write {file}: {e}"))?;
    Ok(Added {
        file,
        entries: index::entries(&library),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dois_are_recognised_in_their_usual_forms() {
        for s in [
            "10.1000/xyz123",
            " https://doi.org/10.1000/xyz123 ",
            "doi:10.1000/xyz123",
        ] {
            assert_eq!(normalize_doi(s).unwrap(), "10.1000/xyz123");
        }
        assert!(
            normalize_doi("11.1000/x")
                .unwrap_err()
                .contains("not a DOI")
        );
        assert!(normalize_doi("10.1000").is_err());
    }

    #[test]
    fn web_entries_get_a_free_key_and_the_access_date() {
        let taken: BTreeSet<String> = ["riverportsreport2026".to_string()].into();
        let e = web_entry(
            "https://example.org/r",
            "River {Ports} Report\\",
            "2026-12-08",
            &taken,
        )
        .unwrap();
        assert_eq!(
            e,
            "@online{riverportsreport2026-2,\n  title   = {River Ports Report},\n  url     = {https://example.org/r},\n  urldate = {2026-12-08},\n}\n"
        );
        assert!(Bibliography::parse("a.bib", &e).is_ok());
        assert!(web_entry("example.org", "T", "2026-01-01", &taken).is_err());
        assert!(web_entry("https://example.org", " ", "2026-01-01", &taken).is_err());
    }

    #[test]
    fn entries_are_appended_and_bad_or_duplicate_ones_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("bibliography")).unwrap();
        let old = "% kept as it is\n@book{a1, title = {One}, author = {Ng, Mei}, year = {2001}}";
        std::fs::write(dir.path().join("bibliography/refs.bib"), old).unwrap();
        let taken: BTreeSet<String> = ["a1".to_string()].into();
        let added = append(
            dir.path(),
            "@article{b2, title = {Two}, author = {Lund, Ola}, journal = {J}, year = {2020}}",
            &taken,
        )
        .unwrap();
        assert_eq!(added.file, "bibliography/refs.bib");
        assert_eq!(added.entries[0].key, "b2");
        assert_eq!(added.entries[0].year, "2020");
        let text = std::fs::read_to_string(dir.path().join("bibliography/refs.bib")).unwrap();
        assert!(
            text.starts_with(&format!("{old}\n\n@article{{b2,")),
            "{text}"
        );
        let e = append(dir.path(), "@book{a1, title = {Again}}", &taken).unwrap_err();
        assert!(e.contains("already has a1"), "{e}");
        let e = append(dir.path(), "@book{c3, title = {Unclosed}", &taken).unwrap_err();
        assert!(e.contains("the pasted BibTeX"), "{e}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("bibliography/refs.bib")).unwrap(),
            text
        );
    }
}
