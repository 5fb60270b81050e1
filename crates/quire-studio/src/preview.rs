//! Live preview: the page for a file's unsaved text, rendered by quire's
//! own pipeline exactly as `quire build` would render it once published
//! (theme, numbered notes, ibid., citations, similar posts), with the
//! findings for that file.
//!
//! Runs the build's public phases — configure, discover, parse (cached),
//! assemble, derive (cached citation engine and notes), render — with the
//! one source's text replaced in memory and the page marked published, and
//! renders only that page. Nothing is written. Must not know: HTTP.

use std::path::Path;
use std::sync::Arc;

use quire_build::BuildCache;
use quire_core::{Diagnostic, Diagnostics};
use quire_site::LoadOptions;

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
    cache: &BuildCache,
    base_url: &str,
    source_path: &str,
    text: &str,
) -> Preview {
    let mut ds = Diagnostics::default();
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
    let mut files = quire_site::discover::discover(root, &config, &mut ds);
    let Some(at) = files.sources.iter().position(|s| s.path == source_path) else {
        ds.push(Diagnostic::error(
            source_path,
            "this file is not a page of the site (is it under content/, with a known language?)",
        ));
        return fail(ds);
    };
    files.sources[at].text = Arc::from(text.strip_prefix('\u{feff}').unwrap_or(text));
    let mut parsed =
        quire_site::parse::parse_all_cached(&config, &files, &mut ds, Some(cache.parse()));
    if let Some(Some(p)) = parsed.get_mut(at) {
        // Shown as it will be once published.
        p.front.draft = false;
    }
    let options = LoadOptions {
        drafts: false,
        base_url: Some(base_url.to_string()),
    };
    let corpus = quire_site::assemble::assemble(config, files, parsed, &options, &mut ds);
    let base_path = quire_build::pages::base_path_of(&corpus.config.base_url);
    let (theme, strings) = quire_build::theme_and_strings(&corpus, &mut ds);
    let derived = quire_build::derive::derive_cached(&corpus, &base_path, &mut ds, Some(cache));
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
    let renderer =
        quire_build::pages::Renderer::new(&corpus, &derived, &theme, &strings, css_path);
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
