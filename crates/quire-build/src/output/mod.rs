//! The outputs of a build, in the spirit of mdBook's renderers: each
//! [`Output`] makes one kind of file (HTML pages, feeds, the sitemap…) from
//! the assembled and derived site and puts it into the [`Outputs`] sink.
//! The build runs every output of [`registry`] side by side.
//!
//! A new output is one module here plus one line in [`registry`]: it gets
//! everything in [`Context`] (the corpus, its routes, the derived data, the
//! theme and strings, the page renderer and the build cache) and returns
//! how many pages it made and its diagnostics. It never writes files
//! itself: the sink checks every path and writes or keeps the files.

pub(crate) mod assets;
pub(crate) mod cards;
pub(crate) mod cite;
pub(crate) mod feeds;
pub(crate) mod html;
pub(crate) mod pdf;
pub(crate) mod search;
pub(crate) mod site_files;

use std::time::{Duration, Instant};

use quire_core::Diagnostic;
use quire_site::{Corpus, Page, Routes};
use quire_theme::{Strings, Theme};
use rayon::prelude::*;
use serde::Serialize;

use crate::cache::{BuildCache, Key, key_of_serialized};
use crate::derive::Derived;
use crate::outputs::Outputs;
use crate::pages::Renderer;

/// What every output gets: the site as assembled and derived, and the
/// shared pieces of the render phase.
pub(crate) struct Context<'a> {
    /// The assembled site.
    pub corpus: &'a Corpus,
    /// Every path and URL of the site (`corpus.routes`).
    pub routes: &'a Routes,
    /// Bodies with notes, similar posts, the citation engine, search words.
    pub derived: &'a Derived,
    /// The site's templates.
    pub theme: &'a Theme,
    /// UI strings per language.
    pub strings: &'a Strings,
    /// The HTML view models (site views, cards, author views).
    pub renderer: &'a Renderer<'a>,
    /// What earlier builds of the same site left (`quire serve`).
    pub cache: Option<&'a BuildCache>,
    /// Site path and text of the stylesheet.
    pub stylesheet: &'a (String, String),
}

impl Context<'_> {
    /// A key over everything a page's own content output depends on (its
    /// path, language, title, authors, dates, final body, notes and
    /// references, and the site's templates): equal keys mean the page
    /// did not change, so an output derived from it (a PDF edition) may be
    /// taken from the cache.
    #[cfg_attr(
        not(test),
        expect(
            dead_code,
            reason = "for outputs made per page (the PDF edition, next); tested below"
        )
    )]
    pub fn page_key(&self, page: &Page) -> Key {
        #[derive(Serialize)]
        struct PageInputs<'p> {
            templates: Key,
            path: &'p str,
            lang: &'p str,
            title: &'p str,
            authors: &'p [String],
            date: Option<String>,
            updated: Option<String>,
            body: String,
            notes: &'p [crate::notes::NoteView],
            references: Option<&'p str>,
        }
        let body = &self.derived.bodies[page.index];
        key_of_serialized(&PageInputs {
            templates: crate::cache::key_of(&self.corpus.files.templates),
            path: &page.path,
            lang: &page.lang,
            title: &page.front.title,
            authors: &page.front.authors,
            date: page.front.date.map(|d| d.rfc3339()),
            updated: page.front.updated.map(|d| d.rfc3339()),
            body: body.html(page, self.routes.base_path()),
            notes: &body.notes,
            references: body.references_html.as_deref(),
        })
    }
}

/// What one output made.
#[derive(Debug, Default)]
pub(crate) struct Produced {
    /// HTML pages made (for the build summary).
    pub pages: usize,
    /// Problems found; an error fails the build.
    pub diagnostics: Vec<Diagnostic>,
}

/// One kind of output of the build.
pub(crate) trait Output: Sync {
    /// A short name, shown in `--verbose` timings.
    fn name(&self) -> &'static str;

    /// Makes this output's files into `into`.
    fn produce(&self, cx: &Context<'_>, into: &Outputs<'_>) -> Produced;
}

/// Every output the build makes, in the order their timings are shown.
pub(crate) fn registry() -> &'static [&'static dyn Output] {
    &[
        &html::HtmlPages,
        &search::SearchIndex,
        &feeds::Feeds,
        &site_files::SiteFiles,
        &cards::SocialCards,
        &cite::CiteExports,
        &pdf::PdfEditions,
        &assets::Assets,
    ]
}

/// What running every output made: pages, diagnostics and each output's
/// wall time.
pub(crate) struct Ran {
    /// HTML pages made.
    pub pages: usize,
    /// Every output's diagnostics.
    pub diagnostics: Vec<Diagnostic>,
    /// Wall time per output, in registry order.
    pub timings: Vec<(&'static str, Duration)>,
}

/// Runs every registered output. They need nothing from each other, so
/// they run side by side, each filling the cores the others leave idle
/// (page rendering waits on file writes, indexing has sequential merges,
/// the sitemap is one long string).
pub(crate) fn produce_all(cx: &Context<'_>, into: &Outputs<'_>) -> Ran {
    let results: Vec<(&'static str, Produced, Duration)> = registry()
        .par_iter()
        .map(|output| {
            let clock = Instant::now();
            let produced = output.produce(cx, into);
            (output.name(), produced, clock.elapsed())
        })
        .collect();
    let mut ran = Ran {
        pages: 0,
        diagnostics: Vec::new(),
        timings: Vec::new(),
    };
    for (name, produced, time) in results {
        ran.pages += produced.pages;
        ran.diagnostics.extend(produced.diagnostics);
        ran.timings.push((name, time));
    }
    ran
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BuildOptions, build_in_memory};

    fn built(body: &str) -> crate::BuiltSite {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "quire.toml",
            "title = \"Lab\"\nbase_url = \"https://lab.example.org\"\ndefault_language = \"en\"\n",
        );
        let article = |title: &str, text: &str| {
            format!("+++\ntitle = \"{title}\"\ndate = 2024-02-01\n+++\n{text}\n")
        };
        write("content/notes/a.md", &article("Tolls", body));
        write(
            "content/notes/b.md",
            &article("Quays", "Quays were widened."),
        );
        let (site, report) = build_in_memory(&BuildOptions::new(dir.path()));
        site.unwrap_or_else(|| panic!("{:?}", report.diagnostics))
    }

    /// The key of each page in a built site, by source path.
    fn keys(site: &crate::BuiltSite) -> Vec<(String, Key)> {
        let mut diagnostics = quire_core::Diagnostics::default();
        let (theme, strings) = crate::theme_and_strings(&site.corpus, &mut diagnostics);
        let theme = theme.unwrap();
        let stylesheet = assets::stylesheet();
        let renderer = Renderer::new(
            &site.corpus,
            &site.derived,
            &theme,
            &strings,
            stylesheet.0.clone(),
        );
        let cx = Context {
            corpus: &site.corpus,
            routes: &site.corpus.routes,
            derived: &site.derived,
            theme: &theme,
            strings: &strings,
            renderer: &renderer,
            cache: None,
            stylesheet: &stylesheet,
        };
        site.corpus
            .pages
            .iter()
            .map(|p| (p.source_path.clone(), cx.page_key(p)))
            .collect()
    }

    #[test]
    fn a_page_key_changes_with_that_page_only() {
        let first = keys(&built("Tolls went up."));
        let again = keys(&built("Tolls went up."));
        let edited = keys(&built("Tolls went down."));
        assert_eq!(first, again);
        assert_ne!(first[0].1, first[1].1);
        assert_eq!(first[0].0, "content/notes/a.md");
        assert_ne!(first[0].1, edited[0].1, "the edited page");
        assert_eq!(first[1], edited[1], "the page left alone");
    }
}
