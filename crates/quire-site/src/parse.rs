//! Per-file parsing, in parallel and pure: front matter + Markdown body.
//!
//! A [`ParseCache`] lets a long-running caller (`quire serve`) skip files
//! whose text did not change since the previous load; parsing is a pure
//! function of (path, text, kind, taxonomy names), so a cached result is the
//! same value a fresh parse would give.

use std::collections::HashMap;
use std::sync::Mutex;

use quire_core::{Diagnostic, Diagnostics, SourceText};
use quire_markdown::{RawHtml, Rendered};
use rayon::prelude::*;

use crate::config::Config;
use crate::discover::{SiteFiles, SourceKind};
use crate::frontmatter::{self, FrontMatter};

/// A source file after parsing.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// Its front matter (default when the file has none).
    pub front: FrontMatter,
    /// Byte offset of the body in the file.
    pub body_offset: usize,
    /// The rendered body (offsets relative to the body).
    pub rendered: Rendered,
}

/// Parses every source; index-aligned with `files.sources`, `None` where the
/// file has errors that stop it from being used.
pub fn parse_all(
    config: &Config,
    files: &SiteFiles,
    diagnostics: &mut Diagnostics,
) -> Vec<Option<Parsed>> {
    parse_all_cached(config, files, diagnostics, None)
}

/// Parse results remembered between loads of the same site, keyed by the
/// file's path and checked against its text, kind and the taxonomy names.
#[derive(Default)]
pub struct ParseCache {
    entries: Mutex<HashMap<String, CacheEntry>>,
}

/// One remembered parse: the inputs it was made from and its result.
struct CacheEntry {
    text: std::sync::Arc<str>,
    kind: SourceKind,
    taxonomies: Vec<String>,
    raw_html: RawHtml,
    result: (Option<Parsed>, Vec<Diagnostic>),
}

impl ParseCache {
    /// An empty cache.
    pub fn new() -> Self {
        ParseCache::default()
    }

    /// Number of files remembered.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// True when nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, CacheEntry>> {
        // A panic while holding the lock leaves at worst a stale map, and
        // every entry is checked against its inputs before use.
        quire_core::sync::lock(&self.entries)
    }
}

/// [`parse_all`] reusing `cache` (when given) for files whose text, kind,
/// taxonomy names and raw HTML policy are unchanged; afterwards the cache holds exactly the
/// current sources.
pub fn parse_all_cached(
    config: &Config,
    files: &SiteFiles,
    diagnostics: &mut Diagnostics,
    cache: Option<&ParseCache>,
) -> Vec<Option<Parsed>> {
    let taxonomies: Vec<String> = config.taxonomies.iter().map(|t| t.name.clone()).collect();
    let raw_html = config.security.raw_html.for_markdown();
    let mut previous = cache.map(|c| std::mem::take(&mut *c.lock()));
    let hits: Vec<Option<(Option<Parsed>, Vec<Diagnostic>)>> = files
        .sources
        .iter()
        .map(|source| {
            let entry = previous.as_mut()?.remove(&source.path)?;
            (entry.text == source.text
                && entry.kind == source.kind
                && entry.taxonomies == taxonomies
                && entry.raw_html == raw_html)
                .then_some(entry.result)
        })
        .collect();
    drop(previous);
    let results: Vec<(Option<Parsed>, Vec<Diagnostic>)> = files
        .sources
        .par_iter()
        .zip(hits)
        .map(|(source, hit)| {
            hit.unwrap_or_else(|| {
                parse_one(
                    &source.path,
                    &source.text,
                    &source.kind,
                    &taxonomies,
                    raw_html,
                )
            })
        })
        .collect();
    if let Some(cache) = cache {
        let mut entries = cache.lock();
        for (source, result) in files.sources.iter().zip(&results) {
            entries.insert(
                source.path.clone(),
                CacheEntry {
                    text: source.text.clone(),
                    kind: source.kind.clone(),
                    taxonomies: taxonomies.clone(),
                    raw_html,
                    result: result.clone(),
                },
            );
        }
    }
    let mut out = Vec::with_capacity(results.len());
    for (parsed, ds) in results {
        diagnostics.extend(ds);
        out.push(parsed);
    }
    out
}

/// Parses one file's text, treating raw HTML in its body as `raw_html` says.
pub fn parse_one(
    path: &str,
    text: &str,
    kind: &SourceKind,
    taxonomies: &[String],
    raw_html: RawHtml,
) -> (Option<Parsed>, Vec<Diagnostic>) {
    let mut ds = Vec::new();
    let split = match frontmatter::split(path, text) {
        Ok(s) => s,
        Err(d) => return (None, vec![d]),
    };
    let (front, body, body_offset) = match split {
        Some(split) => match frontmatter::parse(path, text, &split, taxonomies) {
            Ok(front) => (front, split.body, split.body_offset),
            Err(errors) => return (None, errors),
        },
        None => {
            if matches!(kind, SourceKind::Article { .. }) {
                let source = SourceText::new(text);
                return (
                    None,
                    vec![Diagnostic::error(
                        path,
                        "this article has no front matter; start the file with a `+++` line, then title = \"…\" and date = YYYY-MM-DD, then `+++`",
                    )
                    .at_line(&source, 1, 1)],
                );
            }
            (FrontMatter::default(), text, 0)
        }
    };
    let source = SourceText::new(text);
    if matches!(kind, SourceKind::Article { .. } | SourceKind::Page { .. })
        && front.title.trim().is_empty()
    {
        ds.push(Diagnostic::error(path, "missing `title` in front matter").at(&source, 0));
    }
    if matches!(kind, SourceKind::Article { .. }) && front.date.is_none() {
        ds.push(
            Diagnostic::error(
                path,
                "missing `date` in front matter; add date = YYYY-MM-DD",
            )
            .at(&source, 0),
        );
    }
    // Body problems (an undefined footnote…) are reported but the page is
    // kept, so later phases can report their own errors about it too.
    let front_ok = !ds.iter().any(Diagnostic::is_error);
    let rendered = quire_markdown::render_with(body, raw_html);
    for problem in &rendered.problems {
        let mut d = Diagnostic::error(path, problem.message.clone())
            .at(&source, body_offset + problem.offset);
        d.severity = problem.severity;
        ds.push(d);
    }
    (
        front_ok.then_some(Parsed {
            front,
            body_offset,
            rendered,
        }),
        ds,
    )
}
