//! Derive: pure functions of the corpus, computed before rendering —
//! notes and citations per page, similar posts, search documents.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use quire_cite::{Bibliography, CitationConfig, CitationEngine, TermOverrides};
use quire_core::{Diagnostic, Diagnostics};
use quire_similar::{Match, SimilarConfig, SimilarDoc};
use quire_site::{Corpus, Page, PageKind};
use quire_text::WordCounts;
use rayon::prelude::*;

use crate::cache::{BuildCache, key_of};
use crate::extensions;
use crate::notes::{self, PageBody};

/// What the render phase needs beyond the corpus.
pub struct Derived {
    /// Final body and notes per page (index-aligned with `corpus.pages`).
    pub bodies: Vec<PageBody>,
    /// Similar articles per page, best first, with scores and reasons.
    pub similar: Vec<Vec<Match>>,
    /// The citation engine (for "cite this analysis"); shared with later
    /// builds through a [`BuildCache`].
    pub cite: Arc<CitationEngine>,
    /// Search settings.
    pub search: extensions::SearchConfig,
    /// The articles' words, counted for similar posts and kept for the
    /// search index; empty when search is off.
    pub words: ArticleWords,
}

/// The words of every article (title, highlights, body), segmented and
/// counted once for both similar posts and the search index.
#[derive(Default)]
pub struct ArticleWords {
    /// Document `i` is the `i`-th article in page order; fields as
    /// [`quire_similar::COUNTED_FIELDS`] and [`quire_search::COUNTED_FIELDS`]
    /// (the same: title, highlights, body).
    pub counts: WordCounts,
    /// Per page: its document in `counts`, `None` for other pages.
    pub of_page: Vec<Option<usize>>,
}

impl ArticleWords {
    /// Counts the words of the articles of `corpus`.
    pub fn count(corpus: &Corpus) -> ArticleWords {
        let mut of_page = vec![None; corpus.pages.len()];
        let mut texts = Vec::new();
        for page in corpus.pages.iter().filter(|p| p.kind == PageKind::Article) {
            of_page[page.index] = Some(texts.len());
            let mut fields = vec![(0, page.front.title.as_str())];
            fields.extend(page.front.highlights.iter().map(|h| (1, h.as_str())));
            fields.push((2, page.rendered.plain_text.as_str()));
            texts.push(fields);
        }
        ArticleWords {
            counts: WordCounts::count(quire_similar::COUNTED_FIELDS, &texts),
            of_page,
        }
    }
}

/// Computes everything derived. Errors are added to `diagnostics`.
pub fn derive(corpus: &Corpus, base_path: &str, diagnostics: &mut Diagnostics) -> Option<Derived> {
    derive_cached(corpus, base_path, diagnostics, None)
}

/// [`derive`] keeping the citation engine, and so its memo of rendered
/// notes, in `cache` while its configuration and style are unchanged.
pub fn derive_cached(
    corpus: &Corpus,
    base_path: &str,
    diagnostics: &mut Diagnostics,
    cache: Option<&BuildCache>,
) -> Option<Derived> {
    derive_inner(corpus, base_path, diagnostics, cache, None)
}

/// [`derive_cached`] with the similar posts given instead of ranked again
/// (`quire studio`'s preview of one page reuses an earlier ranking of the
/// same pages: ranking every article is most of the derive phase). The
/// articles' words are not counted, so `words` is empty: a search index
/// must not be built from the result.
pub fn derive_cached_with_similar(
    corpus: &Corpus,
    base_path: &str,
    diagnostics: &mut Diagnostics,
    cache: Option<&BuildCache>,
    similar: Vec<Vec<Match>>,
) -> Option<Derived> {
    derive_inner(corpus, base_path, diagnostics, cache, Some(similar))
}

fn derive_inner(
    corpus: &Corpus,
    base_path: &str,
    diagnostics: &mut Diagnostics,
    cache: Option<&BuildCache>,
    given_similar: Option<Vec<Vec<Match>>>,
) -> Option<Derived> {
    let cite_config: CitationConfig =
        extensions::read("citations", &corpus.config.citations, diagnostics);
    let similar_config: SimilarConfig =
        extensions::read("similar", &corpus.config.similar, diagnostics);
    let search: extensions::SearchConfig =
        extensions::read("search", &corpus.config.search, diagnostics);
    let overrides = term_overrides(corpus, diagnostics);
    let root = &corpus.files.root;
    let engine_key = engine_key(&cite_config, root, &overrides);
    let made = match cache {
        Some(cache) => cache.engine(engine_key, || {
            CitationEngine::new(&cite_config, root, overrides)
        }),
        None => CitationEngine::new(&cite_config, root, overrides).map(Arc::new),
    };
    let cite = match made {
        Ok(engine) => engine,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    // Similar posts first: their index is large while it is built and
    // small once done, so it is made before the bodies are held.
    let (similar, words) = match given_similar {
        Some(similar) => (similar, ArticleWords::default()),
        None => {
            let words = match similar_config.count > 0 || search.enabled {
                true => ArticleWords::count(corpus),
                false => ArticleWords::default(),
            };
            let similar = similar_posts_counted(corpus, &similar_config, &words);
            let words = match search.enabled {
                true => words,
                false => ArticleWords::default(),
            };
            (similar, words)
        }
    };
    let site_bib = site_bibliography(corpus, diagnostics);
    let site_bib_key = cache.map(|_| key_of(&corpus.files.bibliography));
    let bundle_bibs = bundle_bibliographies(corpus);

    let results: Vec<(PageBody, Vec<Diagnostic>)> = corpus
        .pages
        .par_iter()
        .map(|page| {
            let own_files = own_bibliography_files(page, &bundle_bibs);
            let resolve = || {
                let mut ds = Vec::new();
                let bib = page_bibliography(corpus, page, &own_files, &site_bib, &mut ds);
                let body = notes::resolve(
                    page,
                    &cite,
                    bib.as_ref().unwrap_or(&site_bib),
                    base_path,
                    &mut ds,
                );
                (body, ds)
            };
            match cache {
                // A page with bibliography files of its own reads them
                // afresh each time.
                Some(cache) if own_files.is_empty() => {
                    let key = key_of(&(
                        engine_key,
                        site_bib_key,
                        base_path,
                        &page.source_path,
                        &page.source_text,
                        &page.lang,
                        page.front.references,
                        &page.link_urls,
                        &page.rendered.html,
                        format!("{:?}", page.rendered.notes),
                    ));
                    cache.body(&page.source_path, key, resolve)
                }
                _ => resolve(),
            }
        })
        .collect();
    let mut bodies = Vec::with_capacity(results.len());
    for (body, ds) in results {
        diagnostics.extend(ds);
        bodies.push(body);
    }
    Some(Derived {
        bodies,
        similar,
        cite,
        search,
        words,
    })
}

/// Everything a citation engine is made from: the configuration, the term
/// overrides and, for a style file of the site, its text.
fn engine_key(
    config: &CitationConfig,
    root: &std::path::Path,
    overrides: &BTreeMap<String, TermOverrides>,
) -> crate::cache::Key {
    let style_file = config
        .style
        .ends_with(".csl")
        .then(|| std::fs::read(root.join(&config.style)).ok());
    key_of(&(
        format!("{config:?}"),
        format!("{overrides:?}"),
        root,
        style_file,
    ))
}

/// `[citations]` tables of the site's `i18n/<lang>.toml` files.
fn term_overrides(
    corpus: &Corpus,
    diagnostics: &mut Diagnostics,
) -> BTreeMap<String, TermOverrides> {
    let mut out = BTreeMap::new();
    for (lang, path, text) in &corpus.files.i18n {
        let Ok(table) = toml::from_str::<toml::Table>(text) else {
            continue; // syntax errors are reported with the UI strings
        };
        if let Some(value) = table.get("citations") {
            match TermOverrides::deserialize(value.clone()) {
                Ok(o) => {
                    out.insert(lang.clone(), o);
                }
                Err(e) => diagnostics.push(Diagnostic::error(
                    path.clone(),
                    format!("[citations]: {}", e.message()),
                )),
            }
        }
    }
    out
}

use serde::Deserialize;

pub(crate) fn site_bibliography(corpus: &Corpus, diagnostics: &mut Diagnostics) -> Bibliography {
    let mut bib = Bibliography::default();
    for (path, text) in &corpus.files.bibliography {
        let known = [".bib", ".json", ".yaml", ".yml"];
        if !known.iter().any(|ext| path.ends_with(ext)) {
            continue;
        }
        match Bibliography::parse(path, text) {
            Ok(b) => bib.merge(b),
            Err(ds) => diagnostics.extend(ds),
        }
    }
    bib
}

/// The `.bib` files lying directly in each bundle folder, by folder.
pub(crate) fn bundle_bibliographies(corpus: &Corpus) -> HashMap<&str, Vec<&str>> {
    let mut out: HashMap<&str, Vec<&str>> = HashMap::new();
    for (dir, file) in &corpus.files.bundle_assets {
        if file.ends_with(".bib") && !file.contains('/') {
            out.entry(dir.as_str()).or_default().push(file.as_str());
        }
    }
    out
}

/// The page's own bibliography files, site-relative: front matter
/// `bibliography` (relative to its folder), then the `.bib` files in its
/// bundle.
pub(crate) fn own_bibliography_files(
    page: &Page,
    bundle_bibs: &HashMap<&str, Vec<&str>>,
) -> Vec<String> {
    let folder = match &page.bundle_dir {
        Some(dir) => dir.clone(),
        None => page
            .source_path
            .rsplit_once('/')
            .map(|(d, _)| d.to_string())
            .unwrap_or_default(),
    };
    let mut files: Vec<String> = page
        .front
        .bibliography
        .iter()
        .map(|f| format!("{folder}/{f}"))
        .collect();
    if let Some(dir) = &page.bundle_dir {
        for f in bundle_bibs.get(dir.as_str()).into_iter().flatten() {
            let full = format!("{dir}/{f}");
            if !files.contains(&full) {
                files.push(full);
            }
        }
    }
    files
}

/// The page's own bibliography `files` merged over the site's; `None` when
/// it has none.
pub(crate) fn page_bibliography(
    corpus: &Corpus,
    page: &Page,
    files: &[String],
    site: &Bibliography,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Bibliography> {
    if files.is_empty() {
        return None;
    }
    let mut bib = site.clone();
    for rel in files {
        if rel.contains("..") {
            diagnostics.push(Diagnostic::error(
                page.source_path.clone(),
                format!("bibliography `{rel}` must be inside the article's folder"),
            ));
            continue;
        }
        let mut ds = Diagnostics::default();
        let Some(text) =
            quire_site::discover::read_text(&corpus.files.root.join(rel), rel, &mut ds)
        else {
            diagnostics.push(Diagnostic::error(
                page.source_path.clone(),
                format!("bibliography file `{rel}` cannot be read; check the `bibliography` front matter"),
            ));
            continue;
        };
        diagnostics.extend(ds.0);
        match Bibliography::parse(rel, &text) {
            Ok(b) => bib.merge(b),
            Err(ds) => diagnostics.extend(ds),
        }
    }
    Some(bib)
}

/// Similar posts for every page (empty for pages outside sections).
pub fn similar_posts(corpus: &Corpus, config: &SimilarConfig) -> Vec<Vec<Match>> {
    similar_posts_counted(corpus, config, &ArticleWords::count(corpus))
}

/// [`similar_posts`] from the articles' words counted beforehand.
fn similar_posts_counted(
    corpus: &Corpus,
    config: &SimilarConfig,
    words: &ArticleWords,
) -> Vec<Vec<Match>> {
    let (articles, docs) = similar_docs(corpus);
    let ranked = quire_similar::rank_all_counted(&docs, &words.counts, config);
    let mut out = vec![Vec::new(); corpus.pages.len()];
    for (doc_index, matches) in ranked.into_iter().enumerate() {
        let page = articles[doc_index].index;
        out[page] = matches
            .into_iter()
            .map(|m| Match {
                doc: articles[m.doc].index,
                ..m
            })
            .collect();
    }
    out
}

/// The articles of `corpus` in page order, and
/// each as the similar-posts ranking sees it, `docs[i]` for `articles[i]`.
pub fn similar_docs(corpus: &Corpus) -> (Vec<&Page>, Vec<SimilarDoc<'_>>) {
    let articles: Vec<&Page> = corpus
        .pages
        .iter()
        .filter(|p| p.kind == PageKind::Article)
        .collect();
    let default_lang = &corpus.config.default_language().code;
    let docs = articles
        .iter()
        .map(|p| {
            let group = &corpus.groups[p.group];
            let original = match group.versions.get(default_lang) {
                Some(&i) => i == p.index,
                None => group.versions.values().min() == Some(&p.index),
            };
            SimilarDoc {
                lang: p.lang.clone(),
                title: p.front.title.clone(),
                highlights: p.front.highlights.clone(),
                body: std::borrow::Cow::Borrowed(&p.rendered.plain_text),
                terms: p
                    .front
                    .taxonomies
                    .iter()
                    .flat_map(|(tax, terms)| {
                        terms
                            .iter()
                            .map(move |t| format!("{tax}/{}", quire_core::slugify(t)))
                    })
                    .collect(),
                authors: p.front.authors.clone(),
                section: p.section.clone().unwrap_or_default(),
                date: p.front.date.map(|d| d.rfc3339()).unwrap_or_default(),
                url: p.path.clone(),
                group: p.group,
                original,
            }
        })
        .collect();
    (articles, docs)
}
