//! Translations: which articles exist in which languages, where the
//! versions of one article disagree (notes, cited sources, highlights,
//! authors, dates), and which translations are stale — their original
//! changed since `quire check --mark-translated` recorded its fingerprint
//! (see [`crate::fingerprint`] for the stored format).
//!
//! Must not know: how notes are rendered, terminals, or writing files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use quire_build::derive::Derived;
use quire_core::Diagnostic;
use quire_site::{Corpus, LoadOptions, Page};
use serde::Serialize;

use crate::fingerprint::{self, Fingerprint};

/// Which articles of one section exist in which languages.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SectionMatrix {
    /// Section id; empty for pages outside sections.
    pub section: String,
    /// Language codes, in configuration order (the columns).
    pub languages: Vec<String>,
    /// One row per article.
    pub rows: Vec<MatrixRow>,
}

/// One article's versions.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MatrixRow {
    /// The article: its bundle folder, or its default-language source path.
    pub article: String,
    /// The source path per language (index-aligned with the languages), `None` where missing.
    pub versions: Vec<Option<String>>,
}

/// Builds the matrix and adds inconsistency and staleness findings to
/// `found`. Without `derived` (citations could not be set up) notes and
/// cited sources are not compared.
pub fn check(
    corpus: &Corpus,
    derived: Option<&Derived>,
    found: &mut Vec<Diagnostic>,
) -> Vec<SectionMatrix> {
    let languages = corpus.config.language_codes();
    let default = corpus.config.default_language().code.clone();
    let mut by_section: BTreeMap<String, Vec<MatrixRow>> = BTreeMap::new();
    for group in &corpus.groups {
        let Some(anchor) = group.representative(&default) else {
            continue;
        };
        let anchor = &corpus.pages[anchor];
        let article = anchor
            .bundle_dir
            .clone()
            .unwrap_or_else(|| anchor.source_path.clone());
        let versions = languages
            .iter()
            .map(|l| {
                group
                    .versions
                    .get(l)
                    .map(|&i| corpus.pages[i].source_path.clone())
            })
            .collect();
        by_section
            .entry(anchor.section.clone().unwrap_or_default())
            .or_default()
            .push(MatrixRow { article, versions });

        let original = group.versions.get(&default).map(|&i| &corpus.pages[i]);
        for &i in group.versions.values() {
            let page = &corpus.pages[i];
            match original {
                Some(o) if o.index != page.index => {
                    compare(o, page, derived, found);
                    stale(o, page, found);
                }
                _ => {
                    if page.front.translated_from.is_some() {
                        found.push(at_key(
                            page,
                            "translated_from",
                            Diagnostic::warning(
                                page.source_path.clone(),
                                "`translated_from` on a version that is not a translation of a default-language original; remove it",
                            ),
                        ));
                    }
                }
            }
        }
    }
    by_section
        .into_iter()
        .map(|(section, mut rows)| {
            rows.sort_by(|a, b| a.article.cmp(&b.article));
            SectionMatrix {
                section,
                languages: languages.clone(),
                rows,
            }
        })
        .collect()
}

fn at_key(page: &Page, key: &str, d: Diagnostic) -> Diagnostic {
    let source = quire_core::SourceText::new(&page.source_text);
    match page.front.key_offsets.get(key) {
        Some(&o) => d.at(&source, o),
        None => d.at_line(&source, 1, 1),
    }
}

/// Differences between the original and one translation.
fn compare(original: &Page, page: &Page, derived: Option<&Derived>, found: &mut Vec<Diagnostic>) {
    let o = &original.source_path;
    let warn = |key: &str, message: String| {
        at_key(
            page,
            key,
            Diagnostic::warning(page.source_path.clone(), message),
        )
    };
    let (of, pf) = (&original.front, &page.front);
    if pf.highlights.len() != of.highlights.len() {
        found.push(warn(
            "highlights",
            format!(
                "{} highlights, but {o} has {}",
                pf.highlights.len(),
                of.highlights.len()
            ),
        ));
    }
    if pf.authors != of.authors {
        found.push(warn(
            "authors",
            format!(
                "authors [{}] differ from {o}: [{}]",
                pf.authors.join(", "),
                of.authors.join(", ")
            ),
        ));
    }
    let date =
        |d: &Option<quire_site::PubDate>| d.map(|d| d.rfc3339()).unwrap_or_else(|| "none".into());
    for (key, mine, theirs) in [
        ("date", &pf.date, &of.date),
        ("updated", &pf.updated, &of.updated),
    ] {
        if mine != theirs {
            found.push(warn(
                key,
                format!("{key} {} differs from {o}: {}", date(mine), date(theirs)),
            ));
        }
    }
    let Some(derived) = derived else { return };
    let (ob, pb) = (&derived.bodies[original.index], &derived.bodies[page.index]);
    if ob.notes.len() != pb.notes.len() {
        found.push(warn(
            "",
            format!("{} notes, but {o} has {}", pb.notes.len(), ob.notes.len()),
        ));
    }
    let sources = |b: &quire_build::notes::PageBody| -> (BTreeSet<String>, BTreeSet<String>) {
        let all = b.notes.iter().flat_map(|n| n.sources.iter().cloned());
        let (urls, _): (BTreeSet<String>, BTreeSet<String>) =
            all.partition(|s| s.starts_with("http://") || s.starts_with("https://"));
        (urls, b.cited_keys.iter().cloned().collect())
    };
    let ((ou, ok), (pu, pk)) = (sources(ob), sources(pb));
    for (what, mine, theirs) in [("URLs", &pu, &ou), ("keys", &pk, &ok)] {
        if mine != theirs {
            let only_here: Vec<&String> = mine.difference(theirs).collect();
            let only_there: Vec<&String> = theirs.difference(mine).collect();
            let list = |v: &[&String]| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
            let mut parts = Vec::new();
            if !only_here.is_empty() {
                parts.push(format!("only here: {}", list(&only_here)));
            }
            if !only_there.is_empty() {
                parts.push(format!("only in {o}: {}", list(&only_there)));
            }
            found.push(warn(
                "",
                format!("cited {what} differ from {o} ({})", parts.join("; ")),
            ));
        }
    }
}

/// A translation whose original changed since it was marked.
fn stale(original: &Page, page: &Page, found: &mut Vec<Diagnostic>) {
    let Some(value) = &page.front.translated_from else {
        return;
    };
    let Some(recorded) = Fingerprint::decode(value) else {
        found.push(at_key(
            page,
            "translated_from",
            Diagnostic::error(
                page.source_path.clone(),
                format!(
                    "`translated_from` is not a fingerprint written by quire; run `quire check --mark-translated {}`",
                    page.source_path
                ),
            ),
        ));
        return;
    };
    let body = &original.source_text[original.body_offset..];
    if fingerprint::fingerprint(body).body == recorded.body {
        return;
    }
    let changes = fingerprint::diff(&recorded.paragraphs, &fingerprint::hashed_paragraphs(body));
    let body_line = quire_core::SourceText::new(&original.source_text)
        .line_col(original.body_offset)
        .0;
    let lines: Vec<String> = changes
        .changed
        .iter()
        .map(|p| (body_line + p.line - 1).to_string())
        .collect();
    let mut what = Vec::new();
    if !lines.is_empty() {
        what.push(format!(
            "paragraphs at lines {} changed or added",
            lines.join(", ")
        ));
    }
    if changes.removed > 0 {
        what.push(format!("{} paragraph(s) removed", changes.removed));
    }
    if what.is_empty() {
        what.push("paragraphs were reordered".to_string());
    }
    found.push(at_key(
        page,
        "translated_from",
        Diagnostic::warning(
            page.source_path.clone(),
            format!(
                "stale translation: {} changed since it was translated ({}); update it, then run `quire check --mark-translated {}`",
                original.source_path,
                what.join("; "),
                page.source_path
            ),
        ),
    ));
    let source = quire_core::SourceText::new(&original.source_text);
    for p in &changes.changed {
        found.push(
            crate::notes::info(
                &original.source_path,
                format!("changed since {} was translated", page.source_path),
            )
            .at_line(&source, body_line + p.line - 1, 1),
        );
    }
}

/// A translation with its new fingerprint, to be written by the caller.
#[derive(Debug, Clone)]
pub struct Marked {
    /// The file to write.
    pub file: PathBuf,
    /// Its new text.
    pub text: String,
    /// The original it was marked against (site-relative).
    pub original: String,
    /// The fingerprint written.
    pub fingerprint: String,
}

/// Records in the translation at `path` (site-relative, or a path to the
/// file) the fingerprint of its original's current body. Errors name the
/// file and say what to do.
pub fn mark_translated(root: &Path, path: &Path) -> Result<Marked, String> {
    let rel = if path.is_absolute() {
        crate::site_relative(root, path)
    } else if root.join(path).is_file() {
        Some(path.to_string_lossy().replace('\\', "/"))
    } else {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| crate::site_relative(root, &cwd.join(path)))
    }
    .ok_or_else(|| {
        format!(
            "{} is not a file of the site at {}",
            path.display(),
            root.display()
        )
    })?;
    let rel = rel.trim_start_matches("./").to_string();
    let loaded = quire_site::load_site(root, &LoadOptions::default());
    let corpus = loaded.corpus.ok_or_else(|| {
        let first = loaded
            .diagnostics
            .0
            .first()
            .map(|d| d.to_string())
            .unwrap_or_default();
        format!("the site cannot be loaded: {first}")
    })?;
    let page = corpus
        .pages
        .iter()
        .find(|p| p.source_path == rel)
        .ok_or_else(|| format!("{rel}: not a published article or page of the site (a draft, or not under content/?)"))?;
    let default = &corpus.config.default_language().code;
    let original = corpus.groups[page.group]
        .versions
        .get(default)
        .map(|&i| &corpus.pages[i])
        .filter(|o| o.index != page.index)
        .ok_or_else(|| {
            format!("{rel}: not a translation (it has no {default} original beside it); mark translations, not originals")
        })?;
    let fp = fingerprint::fingerprint(&original.source_text[original.body_offset..]).encode();
    let text = set_translated_from(&rel, &page.source_text, &fp)?;
    Ok(Marked {
        file: root.join(&rel),
        text,
        original: original.source_path.clone(),
        fingerprint: fp,
    })
}

/// `text` with its front matter's `translated_from` set to `value`
/// (replaced where present, else added as a top-level key).
pub fn set_translated_from(path: &str, text: &str, value: &str) -> Result<String, String> {
    let split = quire_site::frontmatter::split(path, text)
        .map_err(|d| d.to_string())?
        .ok_or_else(|| {
            format!("{path}: has no front matter to record the original's version in")
        })?;
    let (line, is_key): (String, fn(&str) -> bool) = if split.yaml {
        (format!("translated_from: \"{value}\"\n"), |l| {
            l.starts_with("translated_from:")
        })
    } else {
        (format!("translated_from = \"{value}\"\n"), |l| {
            l.strip_prefix("translated_from")
                .is_some_and(|r| r.trim_start().starts_with('='))
        })
    };
    let matter = split.matter;
    let mut out = String::with_capacity(text.len() + line.len());
    out.push_str(&text[..split.matter_offset]);
    let mut done = false;
    let mut pending: Vec<&str> = Vec::new();
    for l in matter.split_inclusive('\n') {
        if !done && is_key(l) {
            out.push_str(&line);
            done = true;
            continue;
        }
        // A TOML key after a `[table]` header would land in that table: add
        // ours before the first header instead.
        if !done && !split.yaml && l.trim_start().starts_with('[') {
            pending.push(l);
            continue;
        }
        if pending.is_empty() {
            out.push_str(l);
        } else {
            pending.push(l);
        }
    }
    if !done {
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&line);
    }
    for l in pending {
        out.push_str(l);
    }
    out.push_str(&text[split.matter_offset + matter.len()..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translated_from_is_added_replaced_and_kept_out_of_tables() {
        let text = "+++\ntitle = \"Başlık\"\n[extra]\nx = 1\n+++\nGövde.\n";
        let once = set_translated_from("a.tr.md", text, "v1").unwrap();
        assert_eq!(
            once,
            "+++\ntitle = \"Başlık\"\ntranslated_from = \"v1\"\n[extra]\nx = 1\n+++\nGövde.\n"
        );
        let twice = set_translated_from("a.tr.md", &once, "v2").unwrap();
        assert_eq!(twice, once.replace("v1", "v2"));
        let yaml = "---\ntitle: Заголовок\n---\nТекст.\n";
        assert_eq!(
            set_translated_from("a.ru.md", yaml, "v").unwrap(),
            "---\ntitle: Заголовок\ntranslated_from: \"v\"\n---\nТекст.\n"
        );
        assert!(set_translated_from("a.md", "no front matter", "v").is_err());
    }
}
