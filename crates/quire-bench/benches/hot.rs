//! `cargo bench -p quire-bench`: the hot inner pieces of a build, timed on
//! one generated 200-article site (en/tr/ru) so a regression in any of them
//! shows up without a full benchmark run. Unlike the `quire-bench` driver,
//! these benches call quire's crates directly.
//!
//! - `markdown_one_article`: Markdown → HTML with notes and citations
//!   collected (quire-markdown), for the longest article.
//! - `notes_one_article`: that article's notes and citations resolved into
//!   numbered notes (quire-cite through hayagriva; the build-wide memo is
//!   warm after the first iteration, as it is in a large build).
//! - `template_one_article_page`: the article page rendered through the
//!   theme, with its "cite this" files.
//! - `similar_one_article`: similar posts for the longest article, scored
//!   against its language's index (built once, outside the timing).
//! - `similar_all_articles`: similar posts for every article, indexes
//!   included; the counter gives the time per article.

use std::sync::LazyLock;

use divan::Bencher;
use divan::counter::ItemsCount;
use quire_bench::corpus::{Flavor, Spec, write_site};
use quire_build::{BuildOptions, BuiltSite};
use quire_cite::Bibliography;
use quire_site::{Page, PageKind};

fn main() {
    divan::main();
}

/// The generated site, built once in memory.
struct Fixture {
    _dir: tempfile::TempDir,
    site: BuiltSite,
    bibliography: Bibliography,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let dir = tempfile::tempdir().expect("temporary folder");
    write_site(
        Spec {
            articles: 200,
            seed: 7,
        },
        dir.path(),
        Flavor::Quire,
    )
    .expect("corpus written");
    let (site, report) = quire_build::build_in_memory(&BuildOptions::new(dir.path()));
    let site =
        site.unwrap_or_else(|| panic!("the generated site builds: {:?}", report.diagnostics));
    let mut bibliography = Bibliography::default();
    for (path, text) in &site.corpus.files.bibliography {
        if let Ok(b) = Bibliography::parse(path, text) {
            bibliography.merge(b);
        }
    }
    Fixture {
        _dir: dir,
        site,
        bibliography,
    }
});

/// The longest article of the fixture.
fn longest() -> &'static Page {
    FIXTURE
        .site
        .corpus
        .pages
        .iter()
        .filter(|p| p.kind == PageKind::Article)
        .max_by_key(|p| p.source_text.len())
        .expect("the fixture has articles")
}

#[divan::bench]
fn markdown_one_article(b: Bencher) {
    let page = longest();
    let body = &page.source_text[page.body_offset..];
    b.bench(|| quire_markdown::render(divan::black_box(body)));
}

#[divan::bench]
fn notes_one_article(b: Bencher) {
    let page = longest();
    let fixture = &*FIXTURE;
    b.bench(|| {
        let mut diagnostics = Vec::new();
        quire_build::notes::resolve(
            page,
            &fixture.site.derived.cite,
            &fixture.bibliography,
            "",
            &mut diagnostics,
        )
    });
}

#[divan::bench]
fn template_one_article_page(b: Bencher) {
    let fixture = &*FIXTURE;
    let corpus = &fixture.site.corpus;
    let mut diagnostics = quire_core::Diagnostics::default();
    let (theme, strings) = quire_build::theme_and_strings(corpus, &mut diagnostics);
    let theme = theme.expect("the built-in theme compiles");
    let renderer = quire_build::pages::Renderer::new(
        corpus,
        &fixture.site.derived,
        &theme,
        &strings,
        "/assets/quire.css".to_string(),
    );
    let page = longest();
    b.bench(|| renderer.render_page(page).expect("the page renders"));
}

#[divan::bench]
fn similar_one_article(b: Bencher) {
    let corpus = &FIXTURE.site.corpus;
    let config = quire_similar::SimilarConfig::default();
    let (articles, docs) = quire_build::derive::similar_docs(corpus);
    let page = longest();
    let doc = articles
        .iter()
        .position(|a| a.index == page.index)
        .expect("the longest page is an article");
    let index = quire_similar::LanguageIndex::build(&docs, &page.lang);
    b.bench(|| {
        index
            .rank_one(doc, &config)
            .expect("an article of its language")
    });
}

#[divan::bench(sample_count = 10)]
fn similar_all_articles(b: Bencher) {
    let fixture = &*FIXTURE;
    let corpus = &fixture.site.corpus;
    let config = quire_similar::SimilarConfig::default();
    let articles = corpus
        .pages
        .iter()
        .filter(|p| p.kind == PageKind::Article)
        .count();
    b.counter(ItemsCount::new(articles))
        .bench(|| quire_build::derive::similar_posts(corpus, &config));
}
