//! Output: the files for crawlers and hosts — the sitemap (split past
//! 50,000 URLs) with hreflang alternates, `robots.txt`, a redirect page per
//! alias and the `_redirects` file.

use std::collections::BTreeMap;

use quire_core::Diagnostic;
use quire_site::{Corpus, Listing, PageKind, Routes};
use serde_json::json;

use super::{Context, Output, Produced};
use crate::emit::Artifact;
use crate::feeds::xml_escape;
use crate::outputs::Outputs;

/// The sitemap, robots.txt and redirects.
pub(crate) struct SiteFiles;

impl Output for SiteFiles {
    fn name(&self) -> &'static str {
        "sitemap"
    }

    fn produce(&self, cx: &Context<'_>, into: &Outputs<'_>) -> Produced {
        into.put(sitemap(cx.corpus));
        into.put(vec![robots(cx.corpus)]);
        let (files, diagnostics) = redirects(cx);
        into.put(files);
        Produced {
            pages: 0,
            diagnostics,
        }
    }
}

/// One `<url>` of the sitemap: location, last modification, hreflang alternates.
type SitemapUrl = (String, Option<String>, Vec<quire_site::Alternate>);

/// Sitemap URLs per file, the protocol's limit.
const SITEMAP_LIMIT: usize = 50_000;

fn sitemap(corpus: &Corpus) -> Vec<Artifact> {
    let config = &corpus.config;
    let routes = &corpus.routes;
    let mut urls: Vec<SitemapUrl> = Vec::new();
    for page in &corpus.pages {
        let alts = routes.alternates(page).to_vec();
        let lastmod = page.front.updated.or(page.front.date).map(|d| d.iso_date());
        urls.push((page.permalink.clone(), lastmod, alts));
    }
    let mut listing = |route: Listing<'_>, lastmod: Option<String>| {
        let alts = routes.listing_alternates(route);
        for l in &config.languages {
            urls.push((
                routes.permalink(&routes.listing(&l.code, route)),
                lastmod.clone(),
                alts.clone(),
            ));
        }
    };
    let newest = corpus
        .pages
        .iter()
        .filter(|p| p.kind == PageKind::Article)
        .filter_map(|p| p.front.updated.or(p.front.date))
        .max()
        .map(|d| d.iso_date());
    listing(Listing::Home, newest.clone());
    for s in &corpus.sections {
        let newest = s
            .pages
            .values()
            .flatten()
            .filter_map(|&i| corpus.pages[i].front.updated.or(corpus.pages[i].front.date))
            .max()
            .map(|d| d.iso_date());
        listing(Listing::Section(&s.id), newest);
    }
    for tax in &corpus.taxonomies {
        for (lang, terms) in &tax.terms {
            for term in terms {
                let lastmod = term
                    .pages
                    .first()
                    .and_then(|&i| corpus.pages[i].front.date)
                    .map(|d| d.iso_date());
                let _ = lang;
                urls.push((routes.permalink(&term.path), lastmod, Vec::new()));
            }
        }
    }
    // Author pages exist in every language, even where the author has not
    // published yet.
    for id in corpus.authors.keys() {
        let by_lang = corpus.author_pages.get(id);
        let route = Listing::Author(id);
        let alts = routes.listing_alternates(route);
        for lang in &config.languages {
            let lastmod = by_lang
                .and_then(|m| m.get(&lang.code))
                .and_then(|pages| pages.first())
                .and_then(|&i| corpus.pages[i].front.date)
                .map(|d| d.iso_date());
            urls.push((
                routes.permalink(&routes.listing(&lang.code, route)),
                lastmod,
                alts.clone(),
            ));
        }
    }
    urls.sort_by(|a, b| a.0.cmp(&b.0));
    urls.dedup_by(|a, b| a.0 == b.0);

    let render = |chunk: &[SitemapUrl]| {
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
        );
        for (loc, lastmod, alts) in chunk {
            xml.push_str(&format!("  <url>\n    <loc>{}</loc>\n", xml_escape(loc)));
            if let Some(m) = lastmod {
                xml.push_str(&format!("    <lastmod>{m}</lastmod>\n"));
            }
            for alternate in alts {
                xml.push_str(&format!(
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
                    xml_escape(&alternate.hreflang),
                    xml_escape(&alternate.url)
                ));
            }
            xml.push_str("  </url>\n");
        }
        xml.push_str("</urlset>\n");
        xml
    };
    if urls.len() <= SITEMAP_LIMIT {
        return vec![Artifact::bytes(
            Routes::output_file(Routes::SITEMAP),
            render(&urls),
        )];
    }
    let mut out = Vec::new();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (n, chunk) in urls.chunks(SITEMAP_LIMIT).enumerate() {
        let part = Routes::sitemap_part(n + 1);
        index.push_str(&format!(
            "  <sitemap><loc>{}</loc></sitemap>\n",
            xml_escape(&routes.permalink(&part))
        ));
        out.push(Artifact::bytes(Routes::output_file(&part), render(chunk)));
    }
    index.push_str("</sitemapindex>\n");
    out.push(Artifact::bytes(Routes::output_file(Routes::SITEMAP), index));
    out
}

fn robots(corpus: &Corpus) -> Artifact {
    let text = match &corpus.config.robots {
        Some(custom) => custom.clone(),
        None => format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}\n",
            corpus.routes.permalink(Routes::SITEMAP)
        ),
    };
    Artifact::bytes(Routes::output_file(Routes::ROBOTS), text)
}

/// The redirect page of every alias and the `_redirects` file; a
/// redirect page whose template fails is a diagnostic, not a missing file.
fn redirects(cx: &Context<'_>) -> (Vec<Artifact>, Vec<Diagnostic>) {
    let corpus = cx.corpus;
    let mut out = Vec::new();
    let mut diagnostics = Vec::new();
    let mut lines: BTreeMap<String, String> = BTreeMap::new();
    for page in &corpus.pages {
        for alias in &page.front.aliases {
            let target = page.permalink.clone();
            // `/?p=123` style aliases have no file of their own; only the
            // `_redirects` file can carry them.
            if let Some(path) = Routes::alias(alias) {
                let path = Routes::output_file(&path);
                let ctx = json!({
                    "lang": page.lang,
                    "target": target,
                    "text": cx.strings.of(&page.lang).get("redirect_text"),
                });
                match cx.theme.render("redirect.html", &ctx) {
                    Ok(html) => out.push(Artifact::bytes(path, html)),
                    Err(d) => diagnostics.push(Diagnostic {
                        message: format!(
                            "the redirect page of alias {alias} (of {}): {}",
                            page.source_path, d.message
                        ),
                        ..d
                    }),
                }
            }
            lines.insert(alias.clone(), cx.routes.href(&page.path));
        }
    }
    if corpus.config.redirects_file && !lines.is_empty() {
        let mut text = String::new();
        for (from, to) in lines {
            text.push_str(&redirect_rule(&from, &to));
        }
        out.push(Artifact::bytes(
            Routes::output_file(Routes::REDIRECTS),
            text,
        ));
    }
    (out, diagnostics)
}

/// One `_redirects` line (Netlify's format, which other hosts follow). An
/// alias with a query (`/?p=42`, a WordPress permalink) is written as its
/// path followed by the query's `key=value` pairs, the form Netlify matches
/// on query parameters; written whole, `/?p=42` would be read as the path
/// `/` and redirect the home page.
fn redirect_rule(from: &str, to: &str) -> String {
    match from.split_once('?') {
        Some((path, query)) => {
            let path = if path.is_empty() { "/" } else { path };
            let pairs: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
            format!("{path} {} {to} 301\n", pairs.join(" "))
        }
        None => format!("{from} {to} 301\n"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn query_aliases_match_their_parameters_not_the_home_page() {
        assert_eq!(
            super::redirect_rule("/?p=42", "/briefs/x/"),
            "/ p=42 /briefs/x/ 301\n"
        );
        assert_eq!(
            super::redirect_rule("/archive.php?cat=3&page=2", "/a/"),
            "/archive.php cat=3 page=2 /a/ 301\n"
        );
        assert_eq!(super::redirect_rule("/old/", "/new/"), "/old/ /new/ 301\n");
    }
}
