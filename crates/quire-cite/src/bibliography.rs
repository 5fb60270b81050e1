//! Bibliography records parsed from BibLaTeX/BibTeX, CSL-JSON and Hayagriva
//! YAML, keyed by citation key.
//!
//! Owns: reading one file's text into records, merging files, key look-up
//! and "did you mean" suggestions. Must not know: styles, languages, notes
//! or where the files live on disk (the caller reads them).

use std::collections::BTreeMap;

use hayagriva::Entry;
use hayagriva::io::BibLaTeXError;
use quire_core::{Diagnostic, SourceText};

use crate::crossref::biblatex_link_problems;
use serde_json::{Map, Value, json};

/// A record's citation key and web address, from [`Bibliography::links`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordLink<'a> {
    /// The citation key.
    pub key: &'a str,
    /// Its URL, if any.
    pub url: Option<String>,
    /// True when the record says when the URL was visited.
    pub accessed: bool,
}

/// Parsed bibliography records, keyed by citation key.
#[derive(Debug, Clone, Default)]
pub struct Bibliography {
    entries: BTreeMap<String, Entry>,
}

impl Bibliography {
    /// Parses one file's text; format from the extension (`.bib`
    /// BibLaTeX/BibTeX, `.json` CSL-JSON, `.yaml`/`.yml` Hayagriva). `path` is
    /// site-relative and used in diagnostics, with line numbers where the
    /// parser gives a position.
    pub fn parse(path: &str, text: &str) -> Result<Bibliography, Vec<Diagnostic>> {
        let ext = path
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        let source = SourceText::new(text);
        let library = match ext.as_str() {
            "bib" => {
                // biblatex resolves `crossref`/`xdata` by unbounded recursion:
                // a cycle overflows the stack and a long chain is quadratic.
                let problems = biblatex_link_problems(path, text);
                if !problems.is_empty() {
                    return Err(problems);
                }
                hayagriva::io::from_biblatex_str(text).map_err(|errors| {
                    errors
                        .iter()
                        .map(|e| {
                            let (offset, message) = match e {
                                BibLaTeXError::Parse(p) => (p.span.start, p.kind.to_string()),
                                BibLaTeXError::Type(t) => (t.span.start, t.kind.to_string()),
                            };
                            Diagnostic::error(path, format!("malformed BibLaTeX: {message}"))
                                .at(&source, offset)
                        })
                        .collect::<Vec<_>>()
                })?
            }
            "yaml" | "yml" => hayagriva::io::from_yaml_str(text).map_err(|e| {
                let d = Diagnostic::error(path, format!("malformed Hayagriva YAML: {e}"));
                vec![match e.location() {
                    Some(loc) => d.at_line(&source, loc.line(), loc.column()),
                    None => d,
                }]
            })?,
            "json" => parse_csl_json(path, text, &source)?,
            _ => {
                return Err(vec![Diagnostic::error(
                    path,
                    "unknown bibliography format: use .bib, .json (CSL-JSON), .yaml or .yml",
                )]);
            }
        };
        let entries = library
            .into_iter()
            .map(|e| (e.key().to_string(), e))
            .collect();
        Ok(Bibliography { entries })
    }

    /// Entries of `other` added (other wins on duplicate keys).
    pub fn merge(&mut self, other: Bibliography) {
        self.entries.extend(other.entries);
    }

    /// True when a record has this key.
    pub fn contains(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    /// All keys, sorted.
    pub fn keys(&self) -> Vec<String> {
        self.entries.keys().cloned().collect()
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are no records.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Up to 3 existing keys nearest to `key` (edit distance), for "did you
    /// mean". Keys too far away to be a typo are not suggested.
    pub fn suggest(&self, key: &str) -> Vec<String> {
        let wanted: Vec<char> = key.to_lowercase().chars().collect();
        let limit = (wanted.len() / 3).max(2);
        let mut scored: Vec<(usize, &String)> = self
            .entries
            .keys()
            .map(|k| {
                (
                    edit_distance(&wanted, &k.to_lowercase().chars().collect::<Vec<_>>()),
                    k,
                )
            })
            .filter(|(d, _)| *d <= limit)
            .collect();
        scored.sort();
        scored.into_iter().take(3).map(|(_, k)| k.clone()).collect()
    }

    /// Each record's key and web address (with whether it says when the
    /// address was visited), sorted by key: what `quire check` looks at.
    pub fn links(&self) -> impl Iterator<Item = RecordLink<'_>> {
        self.entries.iter().map(|(key, e)| {
            let url = e.url();
            RecordLink {
                key,
                url: url.map(|u| u.value.to_string()),
                accessed: url.is_some_and(|u| u.visit_date.is_some()),
            }
        })
    }

    /// The record with this key.
    pub(crate) fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.get(key)
    }
}

/// Levenshtein distance over characters.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut row = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            row[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(row[j] + 1);
        }
        prev = row;
    }
    prev[b.len()]
}

/// CSL-JSON → records. hayagriva's CSL-JSON items (`citationberg::json::Item`)
/// cannot share one citation run with its own `Entry` records (the driver is
/// generic over a single, sealed entry type), so each item is mapped to the
/// Hayagriva schema and read by hayagriva's own reader.
fn parse_csl_json(
    path: &str,
    text: &str,
    source: &SourceText<'_>,
) -> Result<hayagriva::Library, Vec<Diagnostic>> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        vec![
            Diagnostic::error(path, format!("malformed CSL-JSON: {e}")).at_line(
                source,
                e.line(),
                e.column(),
            ),
        ]
    })?;
    let Value::Array(items) = value else {
        return Err(vec![Diagnostic::error(
            path,
            "malformed CSL-JSON: expected an array of items",
        )]);
    };
    let mut errors = Vec::new();
    let mut converted = Map::new();
    for (i, item) in items.iter().enumerate() {
        let id = item.get("id").and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        });
        let Some(id) = id else {
            errors.push(Diagnostic::error(
                path,
                format!("malformed CSL-JSON: item {} has no \"id\"", i + 1),
            ));
            continue;
        };
        let at = |d: Diagnostic| match text.find(&format!("\"{id}\"")) {
            Some(offset) => d.at(source, offset),
            None => d,
        };
        match item.as_object().map(csl_item_to_hayagriva) {
            Some(Ok(v)) => {
                // Each item goes through the reader alone so an error names its item.
                let one = Value::Object(Map::from_iter([(id.clone(), v.clone())]));
                match hayagriva::io::from_yaml_str(&one.to_string()) {
                    Ok(_) => {
                        converted.insert(id, v);
                    }
                    Err(e) => errors.push(at(Diagnostic::error(
                        path,
                        format!("CSL-JSON item `{id}`: {e}"),
                    ))),
                }
            }
            Some(Err(message)) => errors.push(at(Diagnostic::error(
                path,
                format!("CSL-JSON item `{id}`: {message}"),
            ))),
            None => errors.push(at(Diagnostic::error(
                path,
                format!("CSL-JSON item `{id}` is not an object"),
            ))),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    hayagriva::io::from_yaml_str(&Value::Object(converted).to_string())
        .map_err(|e| vec![Diagnostic::error(path, format!("malformed CSL-JSON: {e}"))])
}

/// One CSL-JSON item in the Hayagriva schema (`docs/file-format.md` of
/// hayagriva). Fields without a Hayagriva counterpart are dropped.
fn csl_item_to_hayagriva(item: &Map<String, Value>) -> Result<Value, String> {
    let s = |k: &str| match item.get(k) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let csl_type = s("type").unwrap_or_default();
    let (kind, parent_kind) = match csl_type.as_str() {
        "book" => ("book", None),
        "chapter" => ("chapter", Some("book")),
        "article-journal" => ("article", Some("periodical")),
        "article-magazine" => ("article", Some("periodical")),
        "article-newspaper" => ("article", Some("newspaper")),
        "paper-conference" => ("article", Some("proceedings")),
        "webpage" => ("web", Some("web")),
        "post-weblog" => ("article", Some("blog")),
        "report" => ("report", None),
        "thesis" => ("thesis", None),
        "manuscript" => ("manuscript", None),
        "entry-encyclopedia" | "entry-dictionary" => ("entry", Some("reference")),
        _ => ("misc", None),
    };
    let mut out = Map::new();
    out.insert("type".into(), json!(kind));
    if let Some(t) = s("title") {
        out.insert("title".into(), json!(t));
    }
    for (csl, hay) in [("author", "author"), ("editor", "editor")] {
        if let Some(v) = item.get(csl) {
            out.insert(hay.into(), persons(v)?);
        }
    }
    if let Some(d) = item.get("issued") {
        out.insert("date".into(), json!(date(d)?));
    }
    if let Some(url) = s("URL") {
        match item.get("accessed") {
            Some(d) => out.insert("url".into(), json!({ "value": url, "date": date(d)? })),
            None => out.insert("url".into(), json!(url)),
        };
    }
    let mut serial = Map::new();
    for (csl, hay) in [("DOI", "doi"), ("ISBN", "isbn"), ("ISSN", "issn")] {
        if let Some(v) = s(csl) {
            serial.insert(hay.into(), json!(v));
        }
    }
    if !serial.is_empty() {
        out.insert("serial-number".into(), Value::Object(serial));
    }
    if let Some(p) = s("publisher") {
        match s("publisher-place") {
            Some(place) => out.insert("publisher".into(), json!({ "name": p, "location": place })),
            None => out.insert("publisher".into(), json!(p)),
        };
    }
    for (csl, hay) in [
        ("page", "page-range"),
        ("language", "language"),
        ("note", "note"),
        ("abstract", "abstract"),
        ("genre", "genre"),
        ("edition", "edition"),
    ] {
        if let Some(v) = s(csl) {
            out.insert(hay.into(), json!(v));
        }
    }
    let container = s("container-title");
    let (volume, issue) = (s("volume"), s("issue"));
    match (parent_kind, container) {
        (Some(pk), Some(title)) => {
            let mut parent = Map::new();
            parent.insert("type".into(), json!(pk));
            parent.insert("title".into(), json!(title));
            if let Some(v) = volume {
                parent.insert("volume".into(), json!(v));
            }
            if let Some(i) = issue {
                parent.insert("issue".into(), json!(i));
            }
            out.insert("parent".into(), Value::Object(parent));
        }
        (_, container) => {
            if let Some(title) = container {
                out.insert("organization".into(), json!(title));
            }
            if let Some(v) = volume {
                out.insert("volume".into(), json!(v));
            }
            if let Some(i) = issue {
                out.insert("issue".into(), json!(i));
            }
        }
    }
    Ok(Value::Object(out))
}

/// CSL-JSON names → Hayagriva persons.
fn persons(v: &Value) -> Result<Value, String> {
    let Value::Array(list) = v else {
        return Err("names must be a list".into());
    };
    list.iter()
        .map(|p| {
            let get = |k: &str| p.get(k).and_then(Value::as_str);
            if let Some(literal) = get("literal") {
                return Ok(json!({ "name": literal }));
            }
            let family = get("family").ok_or("a name has neither \"family\" nor \"literal\"")?;
            let mut person = Map::new();
            person.insert("name".into(), json!(family));
            if let Some(given) = get("given") {
                person.insert("given-name".into(), json!(given));
            }
            if let Some(prefix) = get("non-dropping-particle") {
                person.insert("prefix".into(), json!(prefix));
            }
            Ok(Value::Object(person))
        })
        .collect::<Result<Vec<_>, String>>()
        .map(Value::Array)
}

/// A CSL-JSON date (`date-parts` or `raw`) → `YYYY[-MM[-DD]]`.
fn date(v: &Value) -> Result<String, String> {
    if let Some(raw) = v.get("raw").and_then(Value::as_str) {
        return Ok(raw.to_string());
    }
    let parts = v
        .get("date-parts")
        .and_then(|p| p.get(0))
        .and_then(Value::as_array)
        .ok_or("a date needs \"date-parts\" or \"raw\"")?;
    let nums: Vec<i64> = parts
        .iter()
        .map(|p| match p {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        })
        .collect::<Option<_>>()
        .ok_or("date parts must be numbers")?;
    match nums.as_slice() {
        [y] => Ok(format!("{y:04}")),
        [y, m] => Ok(format!("{y:04}-{m:02}")),
        [y, m, d, ..] => Ok(format!("{y:04}-{m:02}-{d:02}")),
        [] => Err("empty date".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_characters_not_bytes() {
        let d = |a: &str, b: &str| {
            edit_distance(
                &a.chars().collect::<Vec<_>>(),
                &b.chars().collect::<Vec<_>>(),
            )
        };
        assert_eq!(d("özel", "ozel"), 1);
        assert_eq!(d("kitten", "sitting"), 3);
        assert_eq!(d("", "ab"), 2);
    }

    #[test]
    fn csl_dates_become_iso_prefixes() {
        assert_eq!(
            date(&json!({"date-parts": [[2024, 4, 3]]})).unwrap(),
            "2024-04-03"
        );
        assert_eq!(date(&json!({"date-parts": [["2021"]]})).unwrap(), "2021");
        assert!(date(&json!({"date-parts": [["x"]]})).is_err());
    }
}
