//! Live preview: the page for a file's unsaved text, rendered by quire's
//! own pipeline exactly as `quire build` would render it once published
//! (theme, numbered notes, ibid., citations, similar posts), with the
//! findings for that file.
//!
//! Runs the build's public phases — configure, discover, parse (cached),
//! assemble, derive (cached citation engine and notes), render — with the
//! one source's text replaced in memory and the page marked published, and
//! renders only that page. Nothing is written. Between previews it keeps
//! the files it found (until the site changes on disk) and the ranking of
//! similar posts (until a file other than the previewed one changes): the
//! similar posts shown are ranked with the previewed article's text as it
//! was at its first preview or last save; everything else is exact.
//!
//! After a full preview of a page the assembled and derived site is kept
//! (a [`Session`]); while the site on disk is unchanged, an edit of that
//! page that changes only its body (same front matter, same internal link
//! targets) parses that one text, swaps it into the kept site and derives
//! that one page again (`quire_build::preview::rederive_page`), instead of
//! assembling and deriving every page. A session is only used when it
//! says about the page what a full preview says (checked when it is made),
//! and not for a page whose summary comes from its body.
//! Must not know: HTTP.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use quire_build::BuildCache;
use quire_build::cache::Key;
use quire_core::{Diagnostic, Diagnostics};
use quire_similar::Match;
use quire_site::{LoadOptions, SiteFiles};

/// What previews keep between requests.
#[derive(Default)]
pub struct PreviewCache {
    build: BuildCache,
    files: Mutex<Option<(u64, SiteFiles, Vec<Diagnostic>)>>,
    generation: AtomicU64,
    stale: AtomicBool,
    similar: Mutex<Option<(Key, Vec<Vec<Match>>)>>,
    session: Mutex<Option<Session>>,
    swaps: AtomicU64,
    /// Never swap (every preview a full run): to compare with.
    full_runs_only: bool,
    /// One preview at a time: they share the caches.
    running: Mutex<()>,
}

impl PreviewCache {
    /// How many previews swapped one page into a kept site (instead of a
    /// full run).
    pub fn swaps(&self) -> u64 {
        self.swaps.load(Ordering::SeqCst)
    }

    /// A cache whose previews are all full runs (the ranking of similar
    /// posts still kept), to compare the swapped previews with.
    pub fn full_runs_only() -> PreviewCache {
        PreviewCache {
            full_runs_only: true,
            ..PreviewCache::default()
        }
    }

    /// Notes that files changed on disk.
    pub fn invalidate(&self) {
        self.stale.store(true, Ordering::SeqCst);
    }

    /// The site's files as found on disk (cached until [`Self::invalidate`]),
    /// with the generation of that finding.
    fn files(
        &self,
        root: &Path,
        config: &quire_site::Config,
        ds: &mut Diagnostics,
    ) -> (u64, SiteFiles) {
        let mut slot = self.files.lock().unwrap_or_else(|e| e.into_inner());
        if self.stale.swap(false, Ordering::SeqCst) || slot.is_none() {
            let mut found = Diagnostics::default();
            let files = quire_site::discover::discover(root, config, &mut found);
            let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
            *slot = Some((generation, files, found.0));
        }
        let (generation, files, found) = slot.as_ref().expect("filled above");
        ds.extend(found.iter().cloned());
        (*generation, copy_files(files))
    }
}

/// The site as the last full preview of one page assembled and derived
/// it, kept for the next edits of that page's body.
struct Session {
    /// The generation of the files it was made from.
    generation: u64,
    source_path: String,
    /// The page's index in `corpus.pages`.
    page: usize,
    corpus: quire_site::Corpus,
    derived: quire_build::derive::Derived,
    theme: quire_theme::Theme,
    strings: quire_theme::Strings,
    base_path: String,
    site_bib: quire_cite::Bibliography,
    /// The page's front matter (offsets left out) and link targets: an
    /// edit that changes either needs a full preview.
    front: quire_site::frontmatter::FrontMatter,
    links: Vec<(String, Option<String>)>,
    /// True when swapping a body in gives what a full preview gives.
    swappable: bool,
}

/// Front matter as compared between edits: without the byte offsets of
/// its keys (which move when the text before them does), as previewed.
fn comparable(
    front: &quire_site::frontmatter::FrontMatter,
) -> quire_site::frontmatter::FrontMatter {
    let mut f = front.clone();
    f.key_offsets.clear();
    f.draft = false;
    f
}

fn link_targets(rendered: &quire_markdown::Rendered) -> Vec<(String, Option<String>)> {
    rendered
        .links
        .iter()
        .map(|l| (l.path.clone(), l.fragment.clone()))
        .collect()
}

impl Session {
    /// Parses `text`, swaps it into the kept site and derives that page
    /// again; `None` when the edit needs a full preview.
    fn swap(
        &mut self,
        config: &quire_site::Config,
        kind: &quire_site::discover::SourceKind,
        text: &str,
    ) -> Option<(Diagnostics, Option<String>)> {
        let taxonomies: Vec<String> = config.taxonomies.iter().map(|t| t.name.clone()).collect();
        let (parsed, found) = quire_site::parse::parse_one(
            &self.source_path,
            text,
            kind,
            &taxonomies,
            config.security.raw_html.for_markdown(),
        );
        let mut parsed = parsed?;
        parsed.front.draft = false;
        if comparable(&parsed.front) != self.front || link_targets(&parsed.rendered) != self.links {
            return None;
        }
        let page = &mut self.corpus.pages[self.page];
        page.source_text = Arc::from(text);
        page.word_count = parsed.rendered.plain_text.split_whitespace().count();
        page.rendered = parsed.rendered;
        page.body_offset = parsed.body_offset;
        page.front = parsed.front;
        let mut ds = Diagnostics::default();
        ds.extend(found);
        quire_build::preview::rederive_page(
            &self.corpus,
            &mut self.derived,
            self.page,
            &self.base_path,
            &self.site_bib,
            &mut ds,
        );
        let html = page_html(
            &self.corpus,
            &self.derived,
            &self.theme,
            &self.strings,
            self.page,
            &mut ds,
        );
        Some((ds, html))
    }
}

/// The HTML of `corpus.pages[page]`, as a build writes it.
fn page_html(
    corpus: &quire_site::Corpus,
    derived: &quire_build::derive::Derived,
    theme: &quire_theme::Theme,
    strings: &quire_theme::Strings,
    page: usize,
    ds: &mut Diagnostics,
) -> Option<String> {
    let css = quire_theme::stylesheet();
    let css_path = format!(
        "/assets/quire.{}.css",
        quire_build::urls::fingerprint(css.as_bytes())
    );
    // The page links its PDF edition when `[pdf]` makes one, as the
    // build's page does (the edition itself is not typeset for a preview).
    let pdf = quire_build::PdfSetup::load(corpus).unwrap_or_else(|d| {
        ds.push(d);
        None
    });
    let renderer = quire_build::pages::Renderer::new(corpus, derived, theme, strings, css_path)
        .with_pdf(pdf.as_ref());
    match renderer.render_page(&corpus.pages[page]) {
        Ok(files) => files
            .into_iter()
            .find(|f| f.path.ends_with(".html"))
            .and_then(|f| match f.body {
                quire_build::Body::Bytes(b) => String::from_utf8(b).ok(),
                quire_build::Body::Copy(_) => None,
            }),
        Err(d) => {
            ds.push(d);
            None
        }
    }
}

fn copy_files(f: &SiteFiles) -> SiteFiles {
    SiteFiles {
        root: f.root.clone(),
        sources: f.sources.clone(),
        bundle_assets: f.bundle_assets.clone(),
        authors: f.authors.clone(),
        author_files: f.author_files.clone(),
        i18n: f.i18n.clone(),
        templates: f.templates.clone(),
        bibliography: f.bibliography.clone(),
        static_files: f.static_files.clone(),
    }
}

/// A rendered preview.
#[derive(Debug)]
pub struct Preview {
    /// The page's HTML, as a build writes it (empty when it failed).
    pub html: String,
    /// The site path of the page (`/tr/analysis/x/`).
    pub url: String,
    /// Findings about this file (with lines counted in its full text).
    pub diagnostics: Vec<Diagnostic>,
}

/// Renders the page of `source_path` (site-relative) with `text` in place
/// of the file's, for a site whose pages are addressed below `base_url`.
pub fn render(
    root: &Path,
    cache: &PreviewCache,
    base_url: &str,
    source_path: &str,
    text: &str,
) -> Preview {
    let _one = cache.running.lock().unwrap_or_else(|e| e.into_inner());
    let mut ds = Diagnostics::default();
    let clock = std::time::Instant::now();
    let trace = std::env::var_os("QUIRE_STUDIO_TRACE").is_some();
    let lap = |what: &str| {
        if trace {
            eprintln!("{what}: {:.1} ms", clock.elapsed().as_secs_f64() * 1000.0);
        }
    };
    let fail = |ds: Diagnostics| Preview {
        html: String::new(),
        url: String::new(),
        diagnostics: mine(ds, source_path, true),
    };
    let config = match quire_site::config::load(root, Some(base_url)) {
        Ok((c, w)) => {
            ds.extend(w);
            c
        }
        Err(errors) => {
            ds.extend(errors);
            return fail(ds);
        }
    };
    let (generation, mut files) = cache.files(root, &config, &mut ds);
    let Some(at) = files.sources.iter().position(|s| s.path == source_path) else {
        ds.push(Diagnostic::error(
            source_path,
            "this file is not a page of the site (is it under content/, with a known language?)",
        ));
        return fail(ds);
    };
    lap("discover");
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    {
        let mut kept = cache.session.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(session) = kept
            .as_mut()
            .filter(|k| k.swappable && k.generation == generation && k.source_path == source_path)
            .filter(|_| !cache.full_runs_only)
            && let Some((found, html)) = session.swap(&config, &files.sources[at].kind, text)
        {
            lap("swap");
            cache.swaps.fetch_add(1, Ordering::SeqCst);
            ds.extend(found.0);
            let url = session.corpus.pages[session.page].path.clone();
            return Preview {
                html: html.unwrap_or_default(),
                url,
                diagnostics: mine(ds, source_path, false),
            };
        }
    }
    files.sources[at].text = Arc::from(text);
    let mut parsed =
        quire_site::parse::parse_all_cached(&config, &files, &mut ds, Some(cache.build.parse()));
    if let Some(Some(p)) = parsed.get_mut(at) {
        // Shown as it will be once published.
        p.front.draft = false;
    }
    lap("parse");
    let options = LoadOptions {
        drafts: false,
        base_url: Some(base_url.to_string()),
    };
    let corpus = quire_site::assemble::assemble(config, files, parsed, &options, &mut ds);
    lap("assemble");
    let base_path = corpus.routes.base_path().to_string();
    let (theme, strings) = quire_build::theme_and_strings(&corpus, &mut ds);
    // The ranking of similar posts depends on every article; it is reused
    // while the pages and every text but the previewed one are the same.
    let others: Vec<(&str, usize)> = corpus
        .pages
        .iter()
        .map(|p| {
            let text = if p.source_path == source_path {
                0
            } else {
                Arc::as_ptr(&p.source_text) as *const u8 as usize
            };
            (p.source_path.as_str(), text)
        })
        .collect();
    let similar_key = quire_build::cache::key_of(&(generation, source_path, &others));
    let known = cache
        .similar
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .filter(|(k, _)| *k == similar_key)
        .map(|(_, s)| s.clone());
    let derived = match known {
        Some(similar) => quire_build::derive::derive_cached_with_similar(
            &corpus,
            &base_path,
            &mut ds,
            Some(&cache.build),
            similar,
        ),
        None => {
            let d = quire_build::derive::derive_cached(
                &corpus,
                &base_path,
                &mut ds,
                Some(&cache.build),
            );
            if let Some(d) = &d {
                *cache.similar.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some((similar_key, d.similar.clone()));
            }
            d
        }
    };
    lap("derive");
    let (Some(theme), Some(derived)) = (theme, derived) else {
        return fail(ds);
    };
    let Some(page) = corpus.pages.iter().find(|p| p.source_path == source_path) else {
        return fail(ds);
    };
    let page_index = page.index;
    let url = page.path.clone();
    let html =
        page_html(&corpus, &derived, &theme, &strings, page_index, &mut ds).unwrap_or_default();
    lap("page");
    let diagnostics = mine(ds, source_path, false);
    // Kept for the next edits of this page's body.
    let front = comparable(&corpus.pages[page_index].front);
    let mut session = Session {
        generation,
        source_path: source_path.to_string(),
        page: page_index,
        links: link_targets(&corpus.pages[page_index].rendered),
        site_bib: quire_build::preview::read_site_bibliography(
            &corpus,
            &mut Diagnostics::default(),
        ),
        base_path,
        corpus,
        derived,
        theme,
        strings,
        front: front.clone(),
        swappable: false,
    };
    // A summary taken from the body would change with it; otherwise the
    // swap must say about this page just what the full preview said.
    if !cache.full_runs_only && (front.summary.is_some() || !front.highlights.is_empty()) {
        let config = session.corpus.config.clone();
        let kind = session
            .corpus
            .files
            .sources
            .iter()
            .find(|s| s.path == source_path)
            .map(|s| s.kind.clone());
        session.swappable = kind.is_some_and(|kind| {
            session
                .swap(&config, &kind, text)
                .is_some_and(|(found, again)| {
                    again.as_deref() == Some(html.as_str())
                        && mine(found, source_path, false) == diagnostics
                })
        });
    }
    *cache.session.lock().unwrap_or_else(|e| e.into_inner()) = Some(session);
    Preview {
        html,
        url,
        diagnostics,
    }
}

/// The findings about `path`; all errors when the page could not be made
/// (an error elsewhere may be why).
fn mine(mut ds: Diagnostics, path: &str, failed: bool) -> Vec<Diagnostic> {
    ds.sort();
    ds.0.into_iter()
        .filter(|d| d.path == path || (failed && d.is_error()))
        .collect()
}

/// The stylesheet's path below the site, as pages link it.
pub fn stylesheet_path() -> String {
    format!(
        "assets/quire.{}.css",
        quire_build::urls::fingerprint(quire_theme::stylesheet().as_bytes())
    )
}
