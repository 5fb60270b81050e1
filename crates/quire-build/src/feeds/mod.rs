//! Atom, RSS and JSON feeds per language (site, section, author, taxonomy
//! term), and the XML escaping the machine-readable files share.
//!
//! Which feeds exist and what their entries say is decided here, into one
//! typed model ([`model`]); small writers ([`atom`], [`rss`], [`json`])
//! turn it into files. Written as strings rather than templates: these
//! formats are fixed by their specs, and escaping is easier to prove in one
//! place.

pub mod atom;
pub mod json;
pub mod model;
pub mod rss;

use rayon::prelude::*;
use std::collections::BTreeMap;

use quire_site::{Corpus, FeedKind, Listing, Page, Routes};

use crate::derive::Derived;
use crate::emit::Artifact;

/// XML escaping for the feed writers: quire-core's, shared with the
/// sitemap and the search page.
pub(crate) use quire_core::escape_xml as xml_escape;

/// One feed to write: where, titled what, with which articles.
struct FeedSpec {
    lang: String,
    /// Site path of the feed folder (`/`, `/tr/analysis/`).
    dir: String,
    /// Site path of the HTML page the feed mirrors.
    page: String,
    title: String,
    pages: Vec<usize>,
}

/// Every feed of the site: per language, section, author and taxonomy
/// term, as configured, each in every [`FeedKind`].
pub fn all_feeds(corpus: &Corpus, derived: &Derived) -> Vec<Artifact> {
    let config = &corpus.config;
    let routes = &corpus.routes;
    let limit = config.feeds.limit.max(1);
    let mut specs = Vec::new();
    for lang in &config.languages {
        let home = routes.listing(&lang.code, Listing::Home);
        specs.push(FeedSpec {
            lang: lang.code.clone(),
            dir: home.clone(),
            page: home,
            title: lang.title.clone(),
            pages: corpus.articles_in(&lang.code),
        });
        if config.feeds.sections {
            for s in &corpus.sections {
                if let Some(pages) = s.pages.get(&lang.code).filter(|p| !p.is_empty()) {
                    let path = routes.listing(&lang.code, Listing::Section(&s.id));
                    specs.push(FeedSpec {
                        lang: lang.code.clone(),
                        dir: path.clone(),
                        page: path,
                        title: format!("{} — {}", s.title_in(&lang.code), lang.title),
                        pages: pages.clone(),
                    });
                }
            }
        }
        if config.feeds.authors {
            for (id, by_lang) in &corpus.author_pages {
                if let (Some(pages), Some(author)) =
                    (by_lang.get(&lang.code), corpus.authors.get(id))
                {
                    let path = routes.listing(&lang.code, Listing::Author(id));
                    specs.push(FeedSpec {
                        lang: lang.code.clone(),
                        dir: path.clone(),
                        page: path,
                        title: format!("{} — {}", author.name_in(&lang.code), lang.title),
                        pages: pages.clone(),
                    });
                }
            }
        }
        if config.feeds.taxonomies {
            for tax in corpus.taxonomies.iter().filter(|t| t.feed) {
                for term in tax.terms.get(&lang.code).into_iter().flatten() {
                    specs.push(FeedSpec {
                        lang: lang.code.clone(),
                        dir: term.path.clone(),
                        page: term.path.clone(),
                        title: format!("{} — {}", term.name, lang.title),
                        pages: term.pages.clone(),
                    });
                }
            }
        }
    }
    for spec in &mut specs {
        spec.pages.truncate(limit);
    }
    // An article is in its language's feed, its section's, its authors' and
    // every term's: its entry is made once and copied into each, not made
    // again per feed (one article with 5,000 tags was in 5,000 feeds).
    let mut wanted: Vec<usize> = specs.iter().flat_map(|s| s.pages.iter().copied()).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let made: Vec<(usize, Written)> = wanted
        .into_par_iter()
        .map(|i| {
            let e = entry(corpus, derived, &corpus.pages[i]);
            let written = Written {
                atom: atom::entry(&e),
                rss: rss::item(&e),
                json: json::item(&e),
            };
            (i, written)
        })
        .collect();
    let entries: BTreeMap<usize, Written> = made.into_iter().collect();
    // A site has a feed per language, section, author and term: written in
    // parallel, listed in order.
    let feeds: Vec<Vec<Artifact>> = specs
        .into_par_iter()
        .map(|spec| feed_files(corpus, &entries, &spec))
        .collect();
    feeds.into_iter().flatten().collect()
}

/// The body of an article as a feed carries it: links made absolute.
fn full_content(corpus: &Corpus, derived: &Derived, page: &Page) -> String {
    let body = &derived.bodies[page.index];
    let routes = &corpus.routes;
    absolutize(
        &body.html(page, routes.base_path()),
        routes.origin(),
        &page.permalink,
    )
}

/// Makes site-relative `href`/`src` values absolute, as feed readers need:
/// `origin` ([`Routes::origin`]) goes before a site path, `page_url` before
/// a fragment.
fn absolutize(html: &str, origin: &str, page_url: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    loop {
        let next = ["href=\"", "src=\""]
            .iter()
            .filter_map(|a| rest.find(a).map(|i| (i, a.len())))
            .min();
        let Some((i, len)) = next else { break };
        out.push_str(&rest[..i + len]);
        rest = &rest[i + len..];
        if rest.starts_with('/') && !rest.starts_with("//") {
            out.push_str(origin);
        } else if rest.starts_with('#') {
            out.push_str(page_url);
        }
    }
    out.push_str(rest);
    out
}

/// One article as it appears in every feed that lists it, written once
/// in each format.
struct Written {
    atom: String,
    rss: String,
    json: serde_json::Value,
}

/// The feed entry of one article.
fn entry(corpus: &Corpus, derived: &Derived, p: &Page) -> model::Entry {
    let routes = &corpus.routes;
    let authors = p
        .front
        .authors
        .iter()
        .filter_map(|id| corpus.authors.get(id))
        .map(|a| model::EntryAuthor {
            name: a.name_in(&p.lang).to_string(),
            url: routes.permalink(&routes.listing(&p.lang, Listing::Author(&a.id))),
        })
        .collect();
    // The section and the terms, at most FEED_CATEGORIES of them: a feed
    // reader shows a handful, and the build warns about absurd term lists.
    let categories: Vec<String> = p
        .section
        .iter()
        .filter_map(|s| corpus.section(s))
        .map(|s| s.title_in(&p.lang))
        .chain(p.front.taxonomies.values().flatten().cloned())
        .take(quire_site::FEED_CATEGORIES)
        .collect();
    model::Entry {
        title: p.front.title.clone(),
        permalink: p.permalink.clone(),
        lang: p.lang.clone(),
        translations: corpus
            .translations(p)
            .into_iter()
            .map(|t| (t.lang.clone(), t.permalink.clone()))
            .collect(),
        published: p.front.date,
        updated: p.front.updated,
        authors,
        categories,
        summary: p.summary.clone(),
        content_html: corpus
            .config
            .feeds
            .full_content
            .then(|| full_content(corpus, derived, p)),
    }
}

/// The files of one feed, one per [`FeedKind`].
fn feed_files(
    corpus: &Corpus,
    entries: &BTreeMap<usize, Written>,
    spec: &FeedSpec,
) -> Vec<Artifact> {
    let routes = &corpus.routes;
    let pages: Vec<&Page> = spec.pages.iter().map(|&i| &corpus.pages[i]).collect();
    let made: Vec<&Written> = spec.pages.iter().filter_map(|i| entries.get(i)).collect();
    let feed_path = |kind: FeedKind| Routes::feed(&spec.dir, kind);
    let feed = |kind: FeedKind| model::Feed {
        lang: spec.lang.clone(),
        title: spec.title.clone(),
        page_url: routes.permalink(&spec.page),
        self_url: routes.permalink(&feed_path(kind)),
        newest: pages
            .iter()
            .filter_map(|p| p.front.updated.or(p.front.date))
            .max(),
    };
    FeedKind::ALL
        .iter()
        .map(|&kind| {
            let f = feed(kind);
            let text = match kind {
                FeedKind::Atom => atom::feed(&f, made.iter().map(|e| e.atom.as_str())),
                FeedKind::Rss => rss::feed(&f, made.iter().map(|e| e.rss.as_str())),
                FeedKind::Json => json::feed(&f, made.iter().map(|e| &e.json)),
            };
            Artifact::bytes(Routes::output_file(&feed_path(kind)), text)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_xml_and_absolutizes() {
        assert_eq!(xml_escape("a<b>&\"'\u{1}"), "a&lt;b&gt;&amp;&quot;&apos;");
        // Noncharacters XML forbids go too; tab, line breaks and the rest stay.
        assert_eq!(
            xml_escape("x\u{FFFE}y\u{FFFF}z\u{B}\t\n\r\u{FFFD}\u{10000}\u{85}"),
            "xyz\t\n\r\u{FFFD}\u{10000}\u{85}"
        );
        let html = "<a href=\"/x/\">x</a><a href=\"#fn-1\">1</a><img src=\"https://o.org/i.png\">";
        assert_eq!(
            absolutize(html, "https://e.org", "https://e.org/sub/p/"),
            "<a href=\"https://e.org/x/\">x</a><a href=\"https://e.org/sub/p/#fn-1\">1</a><img src=\"https://o.org/i.png\">"
        );
    }
}
