//! "Cite this analysis": an article as a citable record, rendered in the
//! site's style, and exported as BibTeX, RIS and CSL-JSON.
//!
//! Owns: the mapping from an article's metadata to each format, with each
//! format's escaping. Must not know: pages, templates or where the files are
//! written.

use serde_json::{Value, json};

use crate::article::ArticleRef;
use crate::article::split_name;
use crate::bibliography::Bibliography;
use crate::engine::CitationEngine;
use crate::html::{Extras, to_html, to_plain};

fn iso((y, m, d): (i32, u8, u8)) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

/// A key BibTeX accepts: letters, digits and `-_:.` only.
fn bibtex_key(key: &str) -> String {
    let k: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_:.".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    if k.is_empty() {
        "article".to_string()
    } else {
        k
    }
}

/// Escapes BibTeX's special characters inside a braced field value.
fn bibtex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '&' | '%' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            _ => out.push(c),
        }
    }
    out
}

/// The article as a BibLaTeX `@online` entry.
pub fn export_bibtex(a: &ArticleRef) -> String {
    let authors: Vec<String> = a
        .authors
        .iter()
        .map(|n| match split_name(n) {
            (family, given) if given.is_empty() => format!("{{{}}}", bibtex_escape(&family)),
            (family, given) => format!("{}, {}", bibtex_escape(&family), bibtex_escape(&given)),
        })
        .collect();
    let mut fields: Vec<(&str, String)> = Vec::new();
    if !authors.is_empty() {
        fields.push(("author", authors.join(" and ")));
    }
    // Double braces keep the title's case in styles that change it.
    fields.push(("title", format!("{{{}}}", bibtex_escape(&a.title))));
    fields.push(("date", iso(a.date)));
    fields.push(("organization", bibtex_escape(&a.publisher)));
    fields.push(("url", a.url.clone()));
    fields.push(("langid", bibtex_escape(&a.lang)));
    if !a.section.is_empty() {
        fields.push(("type", bibtex_escape(&a.section)));
    }
    if let Some(u) = a.updated {
        fields.push(("note", format!("Updated {}", iso(u))));
    }
    let mut out = format!("@online{{{},\n", bibtex_key(&a.key));
    for (name, value) in fields {
        out.push_str(&format!("  {name} = {{{value}}},\n"));
    }
    out.push_str("}\n");
    out
}

/// The article as a RIS record (`TY  - ELEC` … `ER  - `).
pub fn export_ris(a: &ArticleRef) -> String {
    // RIS values are one line each: line breaks inside a value would start a
    // new (bogus) tag.
    let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut lines: Vec<(&str, String)> = vec![("TY", "ELEC".to_string())];
    lines.push(("TI", one_line(&a.title)));
    for name in &a.authors {
        let (family, given) = split_name(name);
        lines.push((
            "AU",
            if given.is_empty() {
                family
            } else {
                format!("{family}, {given}")
            },
        ));
    }
    let (y, m, d) = a.date;
    lines.push(("PY", format!("{y:04}")));
    lines.push(("DA", format!("{y:04}/{m:02}/{d:02}/")));
    lines.push(("PB", one_line(&a.publisher)));
    lines.push(("UR", one_line(&a.url)));
    lines.push(("LA", one_line(&a.lang)));
    if !a.section.is_empty() {
        lines.push(("M3", one_line(&a.section)));
    }
    if let Some(u) = a.updated {
        lines.push(("N1", format!("Updated {}", iso(u))));
    }
    lines.push(("ER", String::new()));
    lines
        .into_iter()
        .map(|(tag, value)| format!("{tag}  - {value}\n"))
        .collect()
}

/// The article as a CSL-JSON array with one item.
pub fn export_csl_json(a: &ArticleRef) -> String {
    let (y, m, d) = a.date;
    let authors: Vec<Value> = a
        .authors
        .iter()
        .map(|n| match split_name(n) {
            (family, given) if given.is_empty() => json!({ "literal": family }),
            (family, given) => json!({ "family": family, "given": given }),
        })
        .collect();
    let mut item = json!({
        "id": a.key,
        "type": "webpage",
        "title": a.title,
        "author": authors,
        "issued": { "date-parts": [[y, m, d]] },
        "URL": a.url,
        "container-title": a.publisher,
        "publisher": a.publisher,
        "language": a.lang,
        "genre": a.section,
    });
    if let (Some(u), Some(obj)) = (a.updated, item.as_object_mut()) {
        obj.insert("note".into(), json!(format!("Updated {}", iso(u))));
    }
    let mut out = serde_json::to_string_pretty(&Value::Array(vec![item])).unwrap_or_default();
    out.push('\n');
    out
}

/// The article in the Hayagriva schema, read by hayagriva's own reader.
fn article_entry(a: &ArticleRef) -> Option<hayagriva::Entry> {
    let authors: Vec<Value> = a
        .authors
        .iter()
        .map(|n| match split_name(n) {
            (family, given) if given.is_empty() => json!({ "name": family }),
            (family, given) => json!({ "name": family, "given-name": given }),
        })
        .collect();
    // A verbatim string keeps the title as written: hayagriva would
    // otherwise read braces and dollar signs in it as markup and change its
    // case. It must be nested (`value.value`): hayagriva's untagged reader
    // takes a flat `{value, verbatim}` as `{value, short}` and drops the flag.
    let verbatim = |s: &str| json!({ "value": { "value": s, "verbatim": true } });
    let entry = json!({
        "type": "web",
        "title": verbatim(&a.title),
        "author": authors,
        "date": iso(a.date),
        "url": a.url,
        "language": a.lang,
        "parent": { "type": "web", "title": verbatim(&a.publisher) },
    });
    let library = hayagriva::io::from_yaml_str(&json!({ "article": entry }).to_string()).ok()?;
    library.into_iter().next()
}

impl CitationEngine {
    /// The "cite this analysis" citation of an article in the site's style
    /// and `lang`, as safe HTML (the style's reference-list form where it
    /// has one).
    pub fn cite_article(&self, article: &ArticleRef, lang: &str) -> String {
        // A template fill costs less than remembering its result, so only
        // the articles hayagriva renders whole are remembered.
        if self.memo_enabled() {
            let render = |a: &ArticleRef| self.render_article(a, lang);
            if let Some(html) = self.memo().templates.cite(article, lang, render) {
                return html;
            }
        }
        self.memo()
            .article(lang, article, || self.render_article(article, lang))
    }

    /// One hayagriva run for the article.
    pub(crate) fn render_article(&self, article: &ArticleRef, lang: &str) -> String {
        let Some(entry) = article_entry(article) else {
            return crate::html::escape(&article.title);
        };
        let pack = self.lang_pack(lang);
        let style = self.styles().for_lang(lang);
        let rendered =
            crate::engine::render_one(self.styles().list_only(lang), style, &pack, &[&entry]);
        match rendered.bibliography.as_ref().and_then(|b| b.items.first()) {
            Some(item) => to_html(&item.content, lang, &Extras::default()),
            None => rendered
                .citations
                .first()
                .map(|c| to_html(&c.citation, lang, &Extras::default()))
                .unwrap_or_default(),
        }
    }

    /// Plain-text rendering of each given source (for Highwire
    /// `citation_reference` meta), in the order given; unknown keys are
    /// skipped.
    pub fn reference_strings(
        &self,
        bib: &Bibliography,
        keys: &[String],
        lang: &str,
    ) -> Vec<String> {
        let pack = self.lang_pack(lang);
        let style = self.styles().for_lang(lang);
        // Each record alone: a reference string must not depend on the other
        // records of the page (no "———" for a repeated author), and so it can
        // be rendered once per build.
        keys.iter()
            .filter_map(|k| bib.get(k))
            .map(|entry| {
                let render = |entry: &hayagriva::Entry| {
                    let rendered = crate::engine::render_one(
                        self.styles().list_only(lang),
                        style,
                        &pack,
                        &[entry],
                    );
                    rendered
                        .bibliography
                        .as_ref()
                        .and_then(|b| b.items.first())
                        .map(|it| to_plain(&it.content, lang))
                        .or_else(|| {
                            rendered
                                .citations
                                .first()
                                .map(|c| to_plain(&c.citation, lang))
                        })
                        .unwrap_or_default()
                };
                match self.memo_enabled() {
                    true => self.memo().reference(lang, entry, render),
                    false => render(entry),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_on_the_last_word() {
        assert_eq!(
            split_name("Ayşe Nur Yılmaz"),
            ("Yılmaz".into(), "Ayşe Nur".into())
        );
        assert_eq!(split_name("UNICEF"), ("UNICEF".into(), String::new()));
    }

    #[test]
    fn bibtex_specials_are_escaped() {
        assert_eq!(
            bibtex_escape("a & b_c {d} 50%"),
            "a \\& b\\_c \\{d\\} 50\\%"
        );
        assert_eq!(bibtex_key("my key/ü"), "my-key--");
    }
}
