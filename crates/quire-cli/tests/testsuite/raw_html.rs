//! Stored XSS (#37, medium 6): script links and raw HTML typed by authors
//! and translators. Each case builds the `basic` fixture with hostile
//! content in a body, a note, a section intro, an author file and a
//! bibliography, then reads every published page as parsed HTML: no
//! script, no event handler, no `javascript:`/`data:`/`vbscript:` link,
//! while the markup articles legitimately use survives. `quire check`
//! names each removal with its file and line, and `[security] raw_html =
//! "trust"` publishes raw HTML as written but still no script links.

use std::path::Path;

use crate::common::Site;
use scraper::Html;

/// A body with every kind of hostile input next to legitimate markup.
const ARTICLE: &str = r#"+++
title = "Hostile"
date = 2024-07-01
authors = ["mallory"]
+++
Links: [tab](<JaVa	script:alert(1)>), [entity](&#106;avascript:alert(2)), ![pic](data:image/svg+xml;base64,PHN2Zz4=), <vbscript:msgbox(4)> and [fine](https://example.org/ok).

<script>alert(5)</script>

<img src="x.png" alt="ok" onerror="alert(6)">

<iframe src="https://evil.example/"></iframe>

<form action="https://evil.example/"><input name="q"></form>

<style>body { display: none }</style>

<a href="&#106;avascript:alert(9)" title="t">raw link</a>

<figure class="chart" id="fig-1"><img src="chart.png" alt="Chart" width="600" height="400"><figcaption>Trade <sup>2</sup> <sub>x</sub> <abbr title="Gross domestic product">GDP</abbr></figcaption></figure>

<details><summary>Method</summary>

Data from **ports**.[^1]

</details>

| A | B |
|:-:|--:|
| 1 | 2 |

## Heading {#sec .wide onclick=alert(10)}

Cited [@evil].

[^1]: A note with <b onclick="alert(7)">bold</b> and [x](vbscript:msgbox(8)).
"#;

const BIB: &str = "@online{evil,\n  title = {Evil Source},\n  url = {javascript:alert(11)},\n  urldate = {2024-01-02},\n}\n";

const AUTHOR: &str = "name = \"Mallory\"\n\n[links]\nsite = \"https://mallory.example\"\nx = \"JaVaScRiPt:alert(12)\"\n\n[bio]\nen = \"Writes <script>alert(13)</script><img src=y onerror=alert(14)> about *ports*.\"\n";

const INTRO: &str = "+++\ntitle = \"Briefs\"\ndescription = \"Short policy briefs.\"\n+++\nShort briefs.<script>alert(15)</script>\n";

fn hostile_site(trust: bool) -> Site {
    let site = Site::fixture("basic");
    if trust {
        let config = std::fs::read_to_string(site.root.join("quire.toml")).unwrap();
        site.write(
            "quire.toml",
            &format!("{config}\n[security]\nraw_html = \"trust\"\n"),
        );
    }
    site.write("content/briefs/hostile/index.md", ARTICLE)
        .write("bibliography/refs.bib", BIB)
        .write("authors/mallory.toml", AUTHOR)
        .write("content/briefs/_index.md", INTRO);
    site
}

/// The scheme of a URL as a browser reads it.
fn scheme(url: &str) -> Option<String> {
    let url: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (name, _) = url.split_once(':')?;
    (name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
    .then(|| name.to_ascii_lowercase())
}

/// Every published HTML page as (path, parsed document).
fn pages(dir: &Path) -> Vec<(String, Html)> {
    crate::common::tree(dir)
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| {
            (
                path,
                Html::parse_document(&String::from_utf8(bytes).unwrap()),
            )
        })
        .collect()
}

/// Asserts that no page of the site has an event handler attribute or a
/// link whose scheme is not http, https, mailto, tel or relative.
fn assert_no_live_script_links(site: &Site) {
    let all = scraper::Selector::parse("*").unwrap();
    for (path, page) in pages(&site.public()) {
        for element in page.select(&all) {
            let e = element.value();
            for (name, value) in e.attrs() {
                assert!(
                    !name.starts_with("on"),
                    "{path}: <{} {name}={value:?}>",
                    e.name()
                );
                // The theme's own `<link rel=icon href="data:…">` is not content.
                if matches!(name, "href" | "src" | "action" | "formaction") && e.name() != "link" {
                    let s = scheme(value);
                    assert!(
                        s.as_deref()
                            .is_none_or(|s| ["http", "https", "mailto", "tel"].contains(&s)),
                        "{path}: <{} {name}={value:?}>",
                        e.name()
                    );
                }
            }
        }
    }
}

#[test]
fn hostile_html_and_links_are_removed_and_legit_markup_survives() {
    let site = hostile_site(false);
    site.build();
    assert_no_live_script_links(&site);
    for (path, page) in pages(&site.public()) {
        let html = page.html();
        // `alert(…)` may remain as text (a removed link's text is kept, a
        // tag-stripped element's too, JSON-LD quotes a citation) but never
        // inside a script that runs.
        for script in page.select(&scraper::Selector::parse("script").unwrap()) {
            let text: String = script.text().collect();
            if script.value().attr("type") != Some("application/ld+json") {
                assert!(!text.contains("alert("), "{path}: {text}");
            }
        }
        assert!(!html.contains("<iframe"), "{path}");
        assert!(!html.contains("<style"), "{path}");
    }

    let page = site.page("briefs/hostile/index.html");
    let article = "article";
    assert!(
        page.all(&format!("{article} form, {article} input"))
            .is_empty()
    );
    // What articles need survives.
    let img = page.one("figure.chart#fig-1 > img");
    assert_eq!(img.value().attr("src"), Some("chart.png"));
    assert_eq!(img.value().attr("alt"), Some("Chart"));
    assert_eq!(img.value().attr("width"), Some("600"));
    assert_eq!(img.value().attr("height"), Some("400"));
    assert_eq!(page.text("figure.chart figcaption sup"), "2");
    assert_eq!(page.text("figure.chart figcaption sub"), "x");
    assert_eq!(
        page.attr("figure.chart abbr", "title"),
        "Gross domestic product"
    );
    assert_eq!(page.text("details summary"), "Method");
    assert_eq!(page.text("details strong"), "ports");
    assert_eq!(page.attr("img[alt=ok]", "src"), "x.png");
    assert_eq!(page.attr("th:first-child", "style"), "text-align: center");
    assert_eq!(page.attr("td:last-child", "style"), "text-align: right");
    assert_eq!(page.attr("a[title=t]", "title"), "t");
    assert!(page.one("a[title=t]").value().attr("href").is_none());
    assert_eq!(
        page.attr("a[href=\"https://example.org/ok\"]", "href"),
        "https://example.org/ok"
    );
    let heading = page.one("h2#sec");
    assert_eq!(heading.value().attr("class"), Some("wide"));
    // Removed links keep their text.
    let body = page.text("article");
    for text in ["tab", "entity", "raw link", "bold"] {
        assert!(body.contains(text), "{text} missing from {body}");
    }
    // Notes and citations: quire's own markup, untouched.
    let refs = page.all("a[role=doc-noteref]");
    assert_eq!(refs.len(), 2, "a footnote and a citation");
    assert_eq!(refs[0].value().attr("href"), Some("#fn-1"));
    assert_eq!(refs[0].value().attr("id"), Some("fnref-1"));
    let notes = page.text("section.footnotes");
    assert!(notes.contains("Evil Source"), "{notes}");
    assert!(notes.contains("bold"), "{notes}");
    assert!(page.all("section.footnotes b").len() == 1);
    let cite_links: Vec<String> = page
        .all("section.footnotes a.cite-url, section.footnotes a.cite-archive")
        .iter()
        .map(|a| a.html())
        .collect();
    assert!(cite_links.is_empty(), "{cite_links:?}");

    // The author page keeps the good link and the bio's text.
    let author = site.page("authors/mallory/index.html");
    assert_eq!(author.all("a[href=\"https://mallory.example\"]").len(), 1);
    assert!(
        author
            .all("img[src=y]")
            .iter()
            .all(|i| i.value().attr("onerror").is_none())
    );
    let section = site.output("briefs/index.html");
    assert!(section.contains("Short briefs."), "intro kept");
}

#[test]
fn check_names_each_removal_with_file_and_line() {
    let site = hostile_site(false);
    let run = site.quire(&["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout, run.stderr));
    let warnings: Vec<(String, u64, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "warning")
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let has = |path: &str, line: u64, needle: &str| {
        warnings
            .iter()
            .any(|(p, l, m)| p == path && *l == line && m.contains(needle))
    };
    let body = "content/briefs/hostile/index.md";
    for (line, needle) in [
        (6, "link to `JaVa\tscript:alert(1)` removed"),
        (6, "link to `javascript:alert(2)` removed"),
        (6, "image `data:image/svg+xml;base64,PHN2Zz4=` removed"),
        (6, "link to `vbscript:msgbox(4)` removed"),
        (8, "<script> removed with its content"),
        (10, "attribute `onerror` removed from raw HTML <img>"),
        (12, "<iframe> removed"),
        (14, "<form> removed"),
        (14, "<input> removed"),
        (16, "<style> removed with its content"),
        (
            18,
            "`href=\"&#106;avascript:alert(9)\"` removed from raw HTML <a>",
        ),
        (32, "attribute `onclick` removed from a heading"),
        (36, "attribute `onclick` removed from raw HTML <b>"),
        (36, "link to `vbscript:msgbox(8)` removed"),
    ] {
        assert!(
            has(body, line, needle),
            "no {needle:?} at {body}:{line} in {warnings:#?}"
        );
    }
    assert!(
        has(
            "authors/mallory.toml",
            5,
            "link `x` to `JaVaScRiPt:alert(12)` left out"
        ),
        "{warnings:#?}"
    );
    assert!(
        has(
            "authors/mallory.toml",
            8,
            "bio `en`: raw HTML <script> removed"
        ),
        "{warnings:#?}"
    );
    assert!(
        has(
            "authors/mallory.toml",
            8,
            "attribute `onerror` removed from raw HTML <img>"
        ),
        "{warnings:#?}"
    );
    assert!(
        has("content/briefs/_index.md", 5, "<script> removed"),
        "{warnings:#?}"
    );
    assert!(
        has(
            "bibliography/refs.bib",
            1,
            "`evil` has the URL `javascript:alert(11)`"
        ),
        "{warnings:#?}"
    );
    // Legit markup is not reported.
    assert!(
        !warnings.iter().any(|(_, _, m)| m.contains("<figure")
            || m.contains("<details")
            || m.contains("<sup")
            || m.contains("<abbr")),
        "{warnings:#?}"
    );
}

#[test]
fn trusted_raw_html_is_published_but_script_links_never_are() {
    let site = hostile_site(true);
    let run = site.build();
    let page = site.output("briefs/hostile/index.html");
    assert!(
        page.contains("<script>alert(5)</script>"),
        "trusted raw HTML kept"
    );
    assert!(page.contains("onerror=\"alert(6)\""));
    // Markdown links, author links and bibliography URLs follow the link
    // rule whatever the raw HTML policy.
    let parsed = Html::parse_document(&page);
    let links = scraper::Selector::parse("article a[href], article img[src]").unwrap();
    for a in parsed.select(&links) {
        let url = a.value().attr("href").or(a.value().attr("src")).unwrap();
        if url.contains("alert(9)") {
            continue; // inside trusted raw HTML
        }
        let s = scheme(url);
        assert!(
            s.as_deref()
                .is_none_or(|s| ["http", "https", "mailto", "tel"].contains(&s)),
            "{url}"
        );
    }
    let author = site.output("authors/mallory/index.html");
    assert!(!author.to_ascii_lowercase().contains("javascript:alert(12)"));
    assert!(
        !run.stderr.contains("removed from raw HTML"),
        "{}",
        run.stderr
    );
}
