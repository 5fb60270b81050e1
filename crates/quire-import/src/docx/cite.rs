//! Reference-manager citations: Zotero (`ADDIN ZOTERO_ITEM CSL_CITATION
//! {…}`) and Mendeley (`ADDIN CSL_CITATION {…}`) field codes → Pandoc
//! citations (`[see @smith2013comparison, p. 4]`), and their CSL-JSON items
//! for the site's bibliography.
//!
//! Owns: stable keys (`surname` + year + first title word, a letter added
//! on a clash), deduplication by DOI, URL or title against the site's
//! CSL-JSON files and within the document, and checking each new item with
//! the site's own bibliography reader so that the build accepts it.
//! Must not know: Word XML, files.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Map, Value};

/// Locator labels of CSL → Pandoc's abbreviations.
const LABELS: &[(&str, &str)] = &[
    ("page", "p."),
    ("book", "bk."),
    ("chapter", "ch."),
    ("column", "col."),
    ("figure", "fig."),
    ("folio", "fol."),
    ("number", "no."),
    ("line", "l."),
    ("note", "n."),
    ("opus", "op."),
    ("paragraph", "para."),
    ("part", "pt."),
    ("section", "sec."),
    ("sub verbo", "s.v."),
    ("verse", "v."),
    ("volume", "vol."),
];

const STOPWORDS: &[&str] = &[
    "a", "an", "the", "on", "of", "in", "and", "to", "for", "at", "by", "with", "from", "der",
    "die", "das", "le", "la", "les", "el", "los", "bir", "ve",
];

/// The citations of one import.
#[derive(Debug, Default)]
pub(crate) struct Citations {
    /// Keys anywhere in the site's bibliography.
    taken: BTreeSet<String>,
    /// Identity (`doi:…`, `url:…`, `title:…`, `uri:…`) → key.
    known: HashMap<String, String>,
    /// Items to add, with their `id` set to the key.
    pub new_items: Vec<Value>,
    /// Keys of the site's bibliography this document cites.
    pub reused: BTreeSet<String>,
    /// Citation clusters read.
    pub clusters: usize,
}

fn identities(item: &Map<String, Value>) -> Vec<String> {
    let s = |k: &str| item.get(k).and_then(Value::as_str).map(str::trim);
    let mut out = Vec::new();
    if let Some(doi) = s("DOI").filter(|d| !d.is_empty()) {
        let doi = doi
            .trim_start_matches("https://doi.org/")
            .trim_start_matches("http://dx.doi.org/")
            .to_lowercase();
        out.push(format!("doi:{doi}"));
    }
    if let Some(url) = s("URL").filter(|u| !u.is_empty()) {
        out.push(format!("url:{}", url.trim_end_matches('/')));
    }
    if let Some(title) = s("title") {
        let t: String = title
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        if t.len() > 8 {
            out.push(format!("title:{t}"));
        }
    }
    out
}

fn year(item: &Map<String, Value>) -> Option<String> {
    let issued = item.get("issued")?;
    if let Some(y) = issued
        .get("date-parts")
        .and_then(|p| p.get(0))
        .and_then(|p| p.get(0))
    {
        let y = match y {
            Value::Number(n) => n.to_string(),
            Value::String(s) => s.trim().to_string(),
            _ => String::new(),
        };
        if !y.is_empty() {
            return Some(y);
        }
    }
    let raw = issued.get("raw").and_then(Value::as_str)?;
    let digits: Vec<char> = raw.chars().collect();
    digits
        .windows(4)
        .find(|w| w.iter().all(char::is_ascii_digit))
        .map(|w| w.iter().collect())
}

fn ascii_word(s: &str) -> String {
    quire_core::slugify(s).replace('-', "")
}

/// `surname` + year + first significant title word.
fn base_key(item: &Map<String, Value>) -> String {
    let person = ["author", "editor"]
        .iter()
        .find_map(|k| item.get(*k).and_then(|v| v.get(0)))
        .and_then(|p| {
            p.get("family")
                .or_else(|| p.get("literal"))
                .and_then(Value::as_str)
                .map(|s| s.split_whitespace().next().unwrap_or("").to_string())
        })
        .map(|s| ascii_word(&s))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "anon".into());
    let year = year(item)
        .map(|y| ascii_word(&y))
        .unwrap_or_else(|| "nd".into());
    let word = item
        .get("title")
        .and_then(Value::as_str)
        .map(|t| {
            quire_core::slugify(t)
                .split('-')
                .find(|w| !STOPWORDS.contains(w) && w.chars().any(|c| c.is_alphabetic()))
                .unwrap_or("")
                .to_string()
        })
        .unwrap_or_default();
    format!("{person}{year}{word}")
}

impl Citations {
    /// Starts with the site's bibliography: all its keys, and the items of
    /// its CSL-JSON files for deduplication.
    pub fn new(keys: BTreeSet<String>, csl_items: &[Value]) -> Self {
        let mut c = Citations {
            taken: keys,
            ..Citations::default()
        };
        for item in csl_items {
            let (Some(obj), Some(id)) = (item.as_object(), item.get("id")) else {
                continue;
            };
            let id = match id {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                _ => continue,
            };
            for ident in identities(obj) {
                c.known.entry(ident).or_insert_with(|| id.clone());
            }
        }
        c
    }

    /// The key for an item, adding it to the new items when the site does
    /// not have it yet.
    fn key_for(&mut self, data: &Map<String, Value>, uris: &[String]) -> Result<String, String> {
        let mut idents: Vec<String> = uris.iter().map(|u| format!("uri:{u}")).collect();
        idents.extend(identities(data));
        if let Some(key) = idents.iter().find_map(|i| self.known.get(i)).cloned() {
            if !self.new_items.iter().any(|v| v["id"] == key.as_str()) {
                self.reused.insert(key.clone());
            }
            for i in idents {
                self.known.entry(i).or_insert_with(|| key.clone());
            }
            return Ok(key);
        }
        let base = base_key(data);
        let mut key = base.clone();
        let mut suffix = b'b';
        while self.taken.contains(&key) {
            if suffix > b'z' {
                return Err("no free citation key".into());
            }
            key = format!("{base}{}", suffix as char);
            suffix += 1;
        }
        let mut item = data.clone();
        item.insert("id".into(), Value::String(key.clone()));
        // Checked with the site's own reader, so that the build accepts it.
        let text = Value::Array(vec![Value::Object(item.clone())]).to_string();
        if let Err(ds) = quire_cite::Bibliography::parse("bibliography/imported.json", &text) {
            let why = ds.first().map(|d| d.message.clone()).unwrap_or_default();
            return Err(format!("its CSL-JSON item is not usable: {why}"));
        }
        self.taken.insert(key.clone());
        for i in idents {
            self.known.entry(i).or_insert_with(|| key.clone());
        }
        self.new_items.push(Value::Object(item));
        Ok(key)
    }

    /// One field code's JSON → a Pandoc citation cluster.
    pub fn cluster(&mut self, json: &str) -> Result<String, String> {
        let value: Value =
            serde_json::from_str(json.trim()).map_err(|e| format!("malformed JSON: {e}"))?;
        let items = value
            .get("citationItems")
            .and_then(Value::as_array)
            .ok_or("no citationItems")?;
        let mut parts = Vec::new();
        for ci in items {
            let data = ci
                .get("itemData")
                .and_then(Value::as_object)
                .ok_or("a citation item has no itemData")?;
            let uris: Vec<String> = ci
                .get("uris")
                .or_else(|| ci.get("uri"))
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|u| u.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let key = self.key_for(data, &uris)?;
            let text = |k: &str| {
                ci.get(k)
                    .and_then(|v| match v {
                        Value::String(s) => Some(s.clone()),
                        Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    })
                    .map(|s| clean(&s))
                    .filter(|s| !s.is_empty())
            };
            let mut part = String::new();
            if let Some(prefix) = text("prefix") {
                part.push_str(&prefix);
                part.push(' ');
            }
            if ci.get("suppress-author").and_then(Value::as_bool) == Some(true) {
                part.push('-');
            }
            part.push('@');
            part.push_str(&key);
            if let Some(locator) = text("locator") {
                let label = ci.get("label").and_then(Value::as_str).unwrap_or("page");
                let abbr = LABELS
                    .iter()
                    .find(|(l, _)| *l == label)
                    .map(|(_, a)| *a)
                    .unwrap_or("p.");
                part.push_str(&format!(", {abbr} {locator}"));
            }
            if let Some(suffix) = text("suffix") {
                if text("locator").is_none() && !suffix.starts_with(',') {
                    part.push(',');
                }
                part.push(' ');
                part.push_str(suffix.trim_start_matches(',').trim());
            }
            parts.push(part);
        }
        if parts.is_empty() {
            return Err("no cited items".into());
        }
        self.clusters += 1;
        Ok(format!("[{}]", parts.join("; ")))
    }
}

/// Prefix, suffix or locator text made safe inside a citation cluster.
fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '[' | ']' | ';' | '@'))
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_surname_year_word_and_deduplicated() {
        let mut c = Citations::new(BTreeSet::from(["smith2013comparison".to_string()]), &[]);
        let item = json!({"citationItems": [{"itemData": {"id": 1, "type": "article-journal",
            "title": "A comparison of things", "author": [{"family": "Smith", "given": "D."}],
            "issued": {"date-parts": [["2013", 12]]}, "DOI": "10.1/X"}, "locator": "2", "label": "page",
            "prefix": "see"}]});
        let md = c.cluster(&item.to_string()).unwrap();
        assert_eq!(md, "[see @smith2013comparisonb, p. 2]");
        // The same DOI again: the same key, no second item.
        let again = json!({"citationItems": [{"itemData": {"id": 7, "type": "article-journal",
            "title": "Other title", "DOI": "https://doi.org/10.1/x"}}]});
        assert_eq!(
            c.cluster(&again.to_string()).unwrap(),
            "[@smith2013comparisonb]"
        );
        assert_eq!(c.new_items.len(), 1);
        assert_eq!(c.clusters, 2);
    }

    #[test]
    fn site_items_are_reused_by_doi() {
        let site = vec![json!({"id": "mine", "type": "book", "title": "X", "DOI": "10.5/abc"})];
        let mut c = Citations::new(BTreeSet::from(["mine".to_string()]), &site);
        let item = json!({"citationItems": [{"itemData": {"type": "book", "title": "X", "DOI": "10.5/ABC"}}]});
        assert_eq!(c.cluster(&item.to_string()).unwrap(), "[@mine]");
        assert!(c.new_items.is_empty());
        assert!(c.reused.contains("mine"));
    }
}
