//! The site as data: configuration, the sources found on disk, their front
//! matter, authors, and the assembled corpus with every page's URL.
//!
//! Data flows one way: [`config`] → [`discover`] → [`parse`] → [`assemble`].
//! Reading files happens only in [`discover`] (and [`load_site`], which ties
//! the steps together); every other module works on text already in memory.
//! Must not know: templates, HTML output, HTTP.

pub mod assemble;
pub mod author;
pub mod config;
pub mod date;
pub mod discover;
pub mod frontmatter;
pub mod parse;
pub mod routes;
pub mod toml_error;

pub use assemble::{Corpus, Page, PageKind, Section, Taxonomy, Term, TranslationGroup};
pub use author::Author;
pub use config::{Config, Language};
pub use date::PubDate;
pub use discover::{SiteFiles, Source, SourceKind};
pub use routes::{Alternate, FeedKind, Listing, Routes};

use std::path::Path;

/// Most categories one article lists in a feed entry (its section, then its
/// terms). An article may have more terms; the build warns past this many.
pub const FEED_CATEGORIES: usize = 64;

use quire_core::Diagnostics;

/// Everything that loading a site produced: the corpus (when the
/// configuration could be read) and every diagnostic found on the way.
pub struct Loaded {
    /// The assembled site; `None` only when `quire.toml` itself is unusable.
    pub corpus: Option<Corpus>,
    /// Errors, warnings and infos from every phase, sorted.
    pub diagnostics: Diagnostics,
    /// Wall time of each phase, in order, for `--verbose`.
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

/// Options that change what is loaded.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Include pages marked `draft = true`.
    pub drafts: bool,
    /// Replace `base_url` from the configuration.
    pub base_url: Option<String>,
}

/// Reads and assembles the site under `root`: configure → discover → parse →
/// assemble.
pub fn load_site(root: &Path, options: &LoadOptions) -> Loaded {
    load_site_cached(root, options, None)
}

/// [`load_site`] that reuses (and refreshes) a [`parse::ParseCache`], so
/// files unchanged since the previous load are not parsed again. The result
/// is the same as [`load_site`]'s.
pub fn load_site_cached(
    root: &Path,
    options: &LoadOptions,
    cache: Option<&parse::ParseCache>,
) -> Loaded {
    let mut diagnostics = Diagnostics::default();
    let mut timings = Vec::new();
    let clock = std::time::Instant::now();
    let config = match config::load(root, options.base_url.as_deref()) {
        Ok((config, warnings)) => {
            diagnostics.extend(warnings);
            config
        }
        Err(errors) => {
            diagnostics.extend(errors);
            diagnostics.sort();
            return Loaded {
                corpus: None,
                diagnostics,
                timings,
            };
        }
    };
    timings.push(("configure", clock.elapsed()));

    let clock = std::time::Instant::now();
    let files = discover::discover(root, &config, &mut diagnostics);
    timings.push(("discover", clock.elapsed()));

    let clock = std::time::Instant::now();
    let parsed = parse::parse_all_cached(&config, &files, &mut diagnostics, cache);
    timings.push(("parse", clock.elapsed()));

    let clock = std::time::Instant::now();
    let corpus = assemble::assemble(config, files, parsed, options, &mut diagnostics);
    timings.push(("assemble", clock.elapsed()));

    diagnostics.sort();
    Loaded {
        corpus: Some(corpus),
        diagnostics,
        timings,
    }
}
