//! Front matter: splitting it from the body and reading it strictly.
//!
//! TOML between `+++` lines, or YAML between `---` lines. Unknown keys are
//! errors (a mistyped `higlights` must not vanish); taxonomy keys are the
//! ones configured in `quire.toml`; free-form data goes in `[extra]`.

use std::collections::BTreeMap;

use quire_core::{Diagnostic, SourceText};
use serde::Deserialize;

use crate::date::PubDate;
use crate::toml_error::{key_offset, toml_diagnostic};

/// The front matter block of a file, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The text between the fences.
    pub matter: &'a str,
    /// Byte offset of `matter` in the file.
    pub matter_offset: usize,
    /// True for YAML (`---`), false for TOML (`+++`).
    pub yaml: bool,
    /// The body after the closing fence.
    pub body: &'a str,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
}

/// Splits the front matter from the body. `Ok(None)` means the file has no
/// front matter; `Err` is an unclosed block.
pub fn split<'a>(path: &str, text: &'a str) -> Result<Option<Split<'a>>, Diagnostic> {
    let first_line_end = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    let fence = text[..first_line_end].trim_end();
    let yaml = match fence {
        "+++" => false,
        "---" => true,
        _ => return Ok(None),
    };
    let mut offset = first_line_end;
    for line in text[first_line_end..].split_inclusive('\n') {
        if line.trim_end() == fence {
            return Ok(Some(Split {
                matter: &text[first_line_end..offset],
                matter_offset: first_line_end,
                yaml,
                body: &text[offset + line.len()..],
                body_offset: offset + line.len(),
            }));
        }
        offset += line.len();
    }
    let source = SourceText::new(text);
    Err(Diagnostic::error(
        path,
        format!("the front matter opened with `{fence}` on line 1 is never closed; add a line `{fence}` after it"),
    )
    .at(&source, 0))
}

#[derive(Deserialize)]
struct RawFrontMatter {
    title: Option<String>,
    date: Option<toml::Value>,
    updated: Option<toml::Value>,
    #[serde(default)]
    authors: Vec<String>,
    #[serde(default)]
    highlights: Vec<String>,
    summary: Option<String>,
    description: Option<String>,
    slug: Option<String>,
    translation_key: Option<String>,
    #[serde(default)]
    draft: bool,
    image: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    bibliography: Option<StringOrList>,
    weight: Option<i64>,
    template: Option<String>,
    translated_from: Option<String>,
    pdf: Option<RawPdf>,
    paginate: Option<usize>,
    schema_type: Option<String>,
    references: Option<bool>,
    #[serde(default)]
    extra: toml::Table,
    #[serde(flatten)]
    rest: BTreeMap<String, toml::Value>,
}

/// `pdf`: a hand-made PDF's path, or whether the typeset edition is made.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawPdf {
    File(String),
    Edition(bool),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum StringOrList {
    One(String),
    Many(Vec<String>),
}

/// Front matter of any content file, read and checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    /// The title.
    pub title: String,
    /// Publication date (required for articles).
    pub date: Option<PubDate>,
    /// Last substantive update.
    pub updated: Option<PubDate>,
    /// Author ids.
    pub authors: Vec<String>,
    /// Key points shown under the title.
    pub highlights: Vec<String>,
    /// Summary for listings, feeds and the meta description.
    pub summary: Option<String>,
    /// Description (section and home `_index.md`).
    pub description: Option<String>,
    /// Terms per configured taxonomy.
    pub taxonomies: BTreeMap<String, Vec<String>>,
    /// URL segment for this version.
    pub slug: Option<String>,
    /// Links translations that live apart.
    pub translation_key: Option<String>,
    /// Excluded unless building with drafts.
    pub draft: bool,
    /// Cover and social image, relative to the bundle.
    pub image: Option<String>,
    /// Old URLs that redirect here.
    pub aliases: Vec<String>,
    /// Bibliography files of this article, relative to its folder.
    pub bibliography: Vec<String>,
    /// Manual ordering weight for pages.
    pub weight: Option<i64>,
    /// A template to render this page with instead of the default.
    pub template: Option<String>,
    /// Content hash of the original this translation was made from.
    pub translated_from: Option<String>,
    /// A hand-made PDF version, relative to the bundle (`pdf = "x.pdf"`);
    /// it replaces the typeset edition.
    pub pdf: Option<String>,
    /// Whether the site's typeset PDF edition includes this version
    /// (`pdf = false` leaves it out; default true).
    pub pdf_edition: bool,
    /// Listing page size (sections).
    pub paginate: Option<usize>,
    /// schema.org type of the JSON-LD (set on a section's `_index.md` for its
    /// articles, e.g. `Report`; default `ScholarlyArticle`).
    pub schema_type: Option<String>,
    /// Show (`true`) or hide (`false`) the reference list at the end of this
    /// article, overriding `[citations] references`.
    pub references: Option<bool>,
    /// Free-form data for templates.
    pub extra: serde_json::Value,
    /// Byte offset of each top-level key in the file, for later errors.
    pub key_offsets: BTreeMap<String, usize>,
}

/// Reads a front matter block. `taxonomies` are the configured taxonomy
/// keys. Errors are located in the file whose full text is `file_text`.
pub fn parse(
    path: &str,
    file_text: &str,
    split: &Split<'_>,
    taxonomies: &[String],
) -> Result<FrontMatter, Vec<Diagnostic>> {
    let source = SourceText::new(file_text);
    let raw: RawFrontMatter = if split.yaml {
        serde_saphyr::from_str(split.matter).map_err(|e| {
            let message = e.to_string();
            let line = yaml_error_line(&message);
            let d = Diagnostic::error(path, format!("invalid YAML front matter: {message}"));
            let base_line = source.line_col(split.matter_offset).0;
            vec![d.at_line(&source, base_line + line.saturating_sub(1), 1)]
        })?
    } else {
        toml::from_str(split.matter)
            .map_err(|e| vec![toml_diagnostic(path, file_text, split.matter_offset, &e)])?
    };
    let at = |key: &str, message: String| {
        let d = Diagnostic::error(path, message);
        match key_offset(split.matter, key) {
            Some(o) => d.at(&source, split.matter_offset + o),
            None => d.at(&source, split.matter_offset),
        }
    };
    let mut errors = Vec::new();
    let RawFrontMatter {
        title,
        date,
        updated,
        authors,
        highlights,
        summary,
        description,
        slug,
        translation_key,
        draft,
        image,
        aliases,
        bibliography,
        weight,
        template,
        translated_from,
        pdf,
        paginate,
        schema_type,
        references,
        extra,
        rest,
    } = raw;

    let mut taxonomy_terms = BTreeMap::new();
    for (key, value) in rest {
        if taxonomies.contains(&key) {
            match value {
                toml::Value::Array(items) => {
                    let mut terms = Vec::new();
                    for item in items {
                        match item {
                            toml::Value::String(s) if !s.trim().is_empty() => {
                                terms.push(s.trim().to_string())
                            }
                            _ => errors.push(at(
                                &key,
                                format!("`{key}` must be a list of non-empty strings"),
                            )),
                        }
                    }
                    taxonomy_terms.insert(key, terms);
                }
                toml::Value::String(s) => {
                    taxonomy_terms.insert(key, vec![s.trim().to_string()]);
                }
                _ => errors.push(at(&key, format!("`{key}` must be a list of strings"))),
            }
        } else {
            let hint = suggestion(&key, taxonomies);
            errors.push(at(
                &key,
                format!("unknown front matter key `{key}`{hint}; put free-form data under [extra]"),
            ));
        }
    }
    let mut read_date = |key: &str, value: Option<toml::Value>| -> Option<PubDate> {
        let text = match value? {
            toml::Value::Datetime(d) => d.to_string(),
            toml::Value::String(s) => s,
            other => {
                errors.push(at(
                    key,
                    format!("`{key}` must be a date, not {}", other.type_str()),
                ));
                return None;
            }
        };
        match PubDate::parse(&text) {
            Ok(d) => Some(d),
            Err(msg) => {
                errors.push(at(key, format!("`{key}`: {msg}")));
                None
            }
        }
    };
    let date = read_date("date", date);
    let updated = read_date("updated", updated);
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut key_offsets = BTreeMap::new();
    for line_key in [
        "title",
        "date",
        "updated",
        "authors",
        "highlights",
        "slug",
        "aliases",
        "image",
        "bibliography",
        "translation_key",
        "pdf",
    ] {
        if let Some(o) = key_offset(split.matter, line_key) {
            key_offsets.insert(line_key.to_string(), split.matter_offset + o);
        }
    }
    for key in taxonomy_terms.keys() {
        if let Some(o) = key_offset(split.matter, key) {
            key_offsets.insert(key.clone(), split.matter_offset + o);
        }
    }
    Ok(FrontMatter {
        title: title.unwrap_or_default(),
        date,
        updated,
        authors,
        highlights,
        summary,
        description,
        taxonomies: taxonomy_terms,
        slug,
        translation_key,
        draft,
        image,
        aliases,
        bibliography: match bibliography {
            None => Vec::new(),
            Some(StringOrList::One(s)) => vec![s],
            Some(StringOrList::Many(v)) => v,
        },
        weight,
        template,
        translated_from,
        pdf_edition: !matches!(pdf, Some(RawPdf::Edition(false))),
        pdf: match pdf {
            Some(RawPdf::File(file)) => Some(file),
            _ => None,
        },
        paginate,
        schema_type,
        references,
        extra: serde_json::to_value(&extra).unwrap_or(serde_json::Value::Null),
        key_offsets,
    })
}

/// The front matter keys quire itself reads (a taxonomy adds its own).
pub const KNOWN_KEYS: &[&str] = &[
    "title",
    "date",
    "updated",
    "authors",
    "highlights",
    "summary",
    "description",
    "slug",
    "translation_key",
    "draft",
    "image",
    "aliases",
    "bibliography",
    "weight",
    "template",
    "translated_from",
    "pdf",
    "paginate",
    "schema_type",
    "references",
    "extra",
];

fn suggestion(key: &str, taxonomies: &[String]) -> String {
    let known = KNOWN_KEYS;
    let best = known
        .iter()
        .copied()
        .chain(taxonomies.iter().map(String::as_str))
        .map(|k| (edit_distance(key, k), k))
        .min();
    match best {
        Some((d, k)) if d <= 2 => format!(" (did you mean `{k}`?)"),
        _ => String::new(),
    }
}

/// Levenshtein distance, for "did you mean" hints.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

fn yaml_error_line(message: &str) -> usize {
    message
        .split("line ")
        .nth(1)
        .and_then(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<FrontMatter, Vec<Diagnostic>> {
        let s = split("a.md", text).unwrap().unwrap();
        parse("a.md", text, &s, &["tags".to_string()])
    }

    #[test]
    fn reads_toml_and_yaml_alike() {
        let t = read(
            "+++\ntitle = \"T\"\ndate = 2024-04-02\ntags = [\"Çin\"]\n[extra]\nx = 1\n+++\nBody",
        )
        .unwrap();
        let y = read("---\ntitle: T\ndate: 2024-04-02\ntags: [Çin]\nextra:\n  x: 1\n---\nBody")
            .unwrap();
        assert_eq!(t.title, "T");
        assert_eq!(t.date.unwrap().iso_date(), "2024-04-02");
        assert_eq!(t.taxonomies["tags"], ["Çin"]);
        assert_eq!(t.title, y.title);
        assert_eq!(t.date, y.date);
        assert_eq!(t.taxonomies, y.taxonomies);
        assert_eq!(y.extra["x"], 1);
    }

    #[test]
    fn unknown_key_is_an_error_on_its_line_with_a_hint() {
        let errs = read("+++\ntitle = \"T\"\nhiglights = [\"a\"]\n+++\n").unwrap_err();
        assert_eq!(errs[0].line, 3);
        assert!(
            errs[0].message.contains("did you mean `highlights`"),
            "{}",
            errs[0].message
        );
    }

    #[test]
    fn invalid_date_is_located() {
        let errs = read("+++\ntitle = \"T\"\ndate = \"2024-02-30\"\n+++\n").unwrap_err();
        assert_eq!(errs[0].line, 3);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let e = split("a.md", "+++\ntitle = \"x\"\n").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("never closed"));
    }

    #[test]
    fn crlf_fences_work() {
        let s = split("a.md", "+++\r\ntitle = \"x\"\r\n+++\r\nBody")
            .unwrap()
            .unwrap();
        assert_eq!(s.body, "Body");
    }
}
