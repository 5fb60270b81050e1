//! Atom, RSS and JSON feeds per language (site, section, author, taxonomy
//! term), and the XML escaping the machine-readable files share.
//!
//! Written as strings here rather than templates: these formats are fixed
//! by their specs, and escaping is easier to prove in one place.

use rayon::prelude::*;
use std::collections::BTreeMap;

use quire_site::{Corpus, FeedKind, Listing, Page, Routes};
use serde_json::json;

use crate::derive::Derived;
use crate::emit::Artifact;

/// Escapes text for XML content and attribute values.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids are dropped: a single one makes
            // the whole file unreadable to every XML parser.
            c if !is_xml_char(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// True for characters XML 1.0 allows (`Char` of the spec): not the C0
/// controls other than tab, line feed and carriage return, and not the
/// noncharacters U+FFFE and U+FFFF (Rust's `char` has no surrogates).
pub fn is_xml_char(c: char) -> bool {
    !matches!(c, '\0'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

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
    let made: Vec<(usize, Entry)> = wanted
        .into_par_iter()
        .map(|i| (i, entry(corpus, derived, &corpus.pages[i])))
        .collect();
    let entries: BTreeMap<usize, Entry> = made.into_iter().collect();
    // A site has a feed per language, section, author and term: written in
    // parallel, listed in order.
    let feeds: Vec<Vec<Artifact>> = specs
        .into_par_iter()
        .map(|spec| feed_files(corpus, &entries, &spec))
        .collect();
    feeds.into_iter().flatten().collect()
}

fn entry_content(corpus: &Corpus, derived: &Derived, page: &Page) -> String {
    if corpus.config.feeds.full_content {
        let body = &derived.bodies[page.index];
        let routes = &corpus.routes;
        absolutize(
            &body.html(page, routes.base_path()),
            routes.origin(),
            &page.permalink,
        )
    } else {
        page.summary.clone()
    }
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

/// One article as it appears in every feed that lists it.
struct Entry {
    atom: String,
    rss: String,
    json: serde_json::Value,
}

/// The Atom entry, RSS item and JSON Feed item of one article.
fn entry(corpus: &Corpus, derived: &Derived, p: &Page) -> Entry {
    let config = &corpus.config;
    let routes = &corpus.routes;
    let author_names: Vec<(String, String)> = p
        .front
        .authors
        .iter()
        .filter_map(|id| corpus.authors.get(id))
        .map(|a| {
            (
                a.name_in(&p.lang).to_string(),
                routes.permalink(&routes.listing(&p.lang, Listing::Author(&a.id))),
            )
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
    let content = entry_content(corpus, derived, p);

    // Atom.
    let date = p.front.date.map(|d| d.rfc3339()).unwrap_or_default();
    let updated = p
        .front
        .updated
        .map(|d| d.rfc3339())
        .unwrap_or_else(|| date.clone());
    let mut atom = String::new();
    atom.push_str("  <entry>\n");
    atom.push_str(&format!(
        "    <title>{}</title>\n",
        xml_escape(&p.front.title)
    ));
    atom.push_str(&format!("    <id>{}</id>\n", xml_escape(&p.permalink)));
    atom.push_str(&format!(
        "    <link rel=\"alternate\" type=\"text/html\" hreflang=\"{}\" href=\"{}\"/>\n",
        xml_escape(&p.lang),
        xml_escape(&p.permalink)
    ));
    for t in corpus.translations(p) {
        atom.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" hreflang=\"{}\" href=\"{}\"/>\n",
            xml_escape(&t.lang),
            xml_escape(&t.permalink)
        ));
    }
    atom.push_str(&format!(
        "    <published>{date}</published>\n    <updated>{updated}</updated>\n"
    ));
    for (name, uri) in &author_names {
        atom.push_str(&format!(
            "    <author><name>{}</name><uri>{}</uri></author>\n",
            xml_escape(name),
            xml_escape(uri)
        ));
    }
    for c in &categories {
        atom.push_str(&format!("    <category term=\"{}\"/>\n", xml_escape(c)));
    }
    atom.push_str(&format!(
        "    <summary>{}</summary>\n",
        xml_escape(&p.summary)
    ));
    if config.feeds.full_content {
        atom.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            xml_escape(&content)
        ));
    }
    atom.push_str("  </entry>\n");

    // RSS 2.0.
    let mut rss = String::new();
    rss.push_str("  <item>\n");
    rss.push_str(&format!(
        "    <title>{}</title>\n    <link>{}</link>\n",
        xml_escape(&p.front.title),
        xml_escape(&p.permalink)
    ));
    rss.push_str(&format!(
        "    <guid isPermaLink=\"true\">{}</guid>\n",
        xml_escape(&p.permalink)
    ));
    if let Some(d) = p.front.date {
        rss.push_str(&format!("    <pubDate>{}</pubDate>\n", d.rfc2822()));
    }
    for (name, _) in &author_names {
        rss.push_str(&format!(
            "    <dc:creator>{}</dc:creator>\n",
            xml_escape(name)
        ));
    }
    for c in &categories {
        rss.push_str(&format!("    <category>{}</category>\n", xml_escape(c)));
    }
    rss.push_str(&format!(
        "    <description>{}</description>\n",
        xml_escape(&content)
    ));
    rss.push_str("  </item>\n");

    // JSON Feed 1.1.
    let mut json = json!({
        "id": p.permalink,
        "url": p.permalink,
        "title": p.front.title,
        "summary": p.summary,
        "language": p.lang,
        "authors": author_names.iter().map(|(name, url)| json!({"name": name, "url": url})).collect::<Vec<_>>(),
        "tags": categories,
    });
    if let Some(d) = p.front.date {
        json["date_published"] = json!(d.rfc3339());
    }
    if let Some(d) = p.front.updated {
        json["date_modified"] = json!(d.rfc3339());
    }
    if config.feeds.full_content {
        json["content_html"] = json!(content);
    } else {
        json["content_text"] = json!(p.summary);
    }
    Entry { atom, rss, json }
}

fn feed_files(corpus: &Corpus, entries: &BTreeMap<usize, Entry>, spec: &FeedSpec) -> Vec<Artifact> {
    let routes = &corpus.routes;
    let page_url = routes.permalink(&spec.page);
    let feed_path = |kind: FeedKind| Routes::feed(&spec.dir, kind);
    let atom_url = routes.permalink(&feed_path(FeedKind::Atom));
    let rss_url = routes.permalink(&feed_path(FeedKind::Rss));
    let json_url = routes.permalink(&feed_path(FeedKind::Json));
    let pages: Vec<&Page> = spec.pages.iter().map(|&i| &corpus.pages[i]).collect();
    let made: Vec<&Entry> = spec.pages.iter().filter_map(|i| entries.get(i)).collect();
    let newest = pages
        .iter()
        .filter_map(|p| p.front.updated.or(p.front.date))
        .max()
        .map(|d| d.rfc3339())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string());

    // Atom.
    let mut atom = String::new();
    atom.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    atom.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        xml_escape(&spec.lang)
    ));
    atom.push_str(&format!("  <title>{}</title>\n", xml_escape(&spec.title)));
    atom.push_str(&format!("  <id>{}</id>\n", xml_escape(&page_url)));
    atom.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml_escape(&atom_url)
    ));
    atom.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(&page_url)
    ));
    atom.push_str(&format!(
        "  <updated>{newest}</updated>\n  <generator>quire</generator>\n"
    ));
    for e in &made {
        atom.push_str(&e.atom);
    }
    atom.push_str("</feed>\n");

    // RSS 2.0.
    let mut rss = String::new();
    rss.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    rss.push_str("<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n");
    rss.push_str(&format!(
        "  <title>{}</title>\n  <link>{}</link>\n",
        xml_escape(&spec.title),
        xml_escape(&page_url)
    ));
    rss.push_str(&format!(
        "  <description>{}</description>\n",
        xml_escape(&spec.title)
    ));
    rss.push_str(&format!(
        "  <language>{}</language>\n",
        xml_escape(&spec.lang)
    ));
    rss.push_str(&format!(
        "  <atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>\n",
        xml_escape(&rss_url)
    ));
    if let Some(d) = pages
        .iter()
        .filter_map(|p| p.front.updated.or(p.front.date))
        .max()
    {
        rss.push_str(&format!(
            "  <lastBuildDate>{}</lastBuildDate>\n",
            d.rfc2822()
        ));
    }
    for e in &made {
        rss.push_str(&e.rss);
    }
    rss.push_str("</channel>\n</rss>\n");

    // JSON Feed 1.1.
    let feed = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": spec.title,
        "home_page_url": page_url,
        "feed_url": json_url,
        "language": spec.lang,
        "items": made.iter().map(|e| e.json.clone()).collect::<Vec<_>>(),
    });
    vec![
        Artifact::bytes(Routes::output_file(&feed_path(FeedKind::Atom)), atom),
        Artifact::bytes(Routes::output_file(&feed_path(FeedKind::Rss)), rss),
        Artifact::bytes(
            Routes::output_file(&feed_path(FeedKind::Json)),
            serde_json::to_string_pretty(&feed).unwrap_or_default() + "\n",
        ),
    ]
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
