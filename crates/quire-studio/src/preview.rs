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
    /// One preview at a time: they share the caches.
    running: Mutex<()>,
}

impl PreviewCache {
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
    files.sources[at].text = Arc::from(text.strip_prefix('\u{feff}').unwrap_or(text));
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
    let css = quire_theme::stylesheet();
    let css_path = format!(
        "/assets/quire.{}.css",
        quire_build::urls::fingerprint(css.as_bytes())
    );
    let renderer = quire_build::pages::Renderer::new(&corpus, &derived, &theme, &strings, css_path);
    let html = match renderer.render_page(page) {
        Ok(files) => files
            .into_iter()
            .find(|f| f.path.ends_with(".html"))
            .and_then(|f| match f.body {
                quire_build::Body::Bytes(b) => String::from_utf8(b).ok(),
                quire_build::Body::Copy(_) => None,
            })
            .unwrap_or_default(),
        Err(d) => {
            ds.push(d);
            String::new()
        }
    };
    lap("page");
    Preview {
        html,
        url: page.path.clone(),
        diagnostics: mine(ds, source_path, false),
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
