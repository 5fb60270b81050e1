//! Feeds, sitemap, robots.txt and redirects: parsed and checked.

use crate::common::Site;

fn parse_feed(site: &Site, rel: &str) -> feed_rs::model::Feed {
    let bytes = std::fs::read(site.public().join(rel)).unwrap();
    feed_rs::parser::parse(&bytes[..]).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn every_language_has_atom_rss_and_json_feeds_with_entries() {
    let site = Site::fixture("basic");
    site.build();
    for (prefix, lang, first_title) in [
        ("", "en", "Port Logistics & the <Quiet> Bottleneck"),
        ("tr/", "tr", "Liman Lojistiği ve Sessiz Darboğaz"),
        ("ru/", "ru", "Портовая логистика и тихое узкое место"),
    ] {
        for format in ["atom.xml", "rss.xml", "feed.json"] {
            let rel = format!("{prefix}{format}");
            let feed = parse_feed(&site, &rel);
            assert!(!feed.entries.is_empty(), "{rel}");
            let first = &feed.entries[0];
            assert_eq!(first.title.as_ref().unwrap().content, first_title, "{rel}");
            assert!(first.published.is_some(), "{rel}: no publication date");
            let link = &first.links[0].href;
            assert!(
                link.starts_with("https://lab.example.org/"),
                "{rel}: {link}"
            );
            if lang != "en" {
                assert!(
                    link.starts_with(&format!("https://lab.example.org/{lang}/")),
                    "{rel}: {link}"
                );
            }
            // Entries are in this language only, newest first.
            let dates: Vec<_> = feed.entries.iter().map(|e| e.published.unwrap()).collect();
            assert!(
                dates.windows(2).all(|w| w[0] >= w[1]),
                "{rel}: not newest first"
            );
            assert!(!first.authors.is_empty(), "{rel}: no authors");
            assert!(!first.categories.is_empty(), "{rel}: no categories");
        }
    }
    // Atom entries link their translations with hreflang.
    let atom = site.output("atom.xml");
    assert!(
        atom.contains(
            "hreflang=\"tr\" href=\"https://lab.example.org/tr/briefs/liman-lojistigi/\""
        )
    );
    // The updated date is carried.
    let feed = parse_feed(&site, "atom.xml");
    assert_eq!(
        feed.entries[0].updated.unwrap().to_rfc3339(),
        "2024-06-01T00:00:00+00:00"
    );
}

#[test]
fn section_author_and_term_feeds_exist_and_can_be_switched_off() {
    let site = Site::fixture("basic");
    site.build();
    assert_eq!(parse_feed(&site, "briefs/atom.xml").entries.len(), 2);
    assert_eq!(
        parse_feed(&site, "ru/authors/pavel-orlov/rss.xml")
            .entries
            .len(),
        2
    );
    assert_eq!(parse_feed(&site, "tags/cin/feed.json").entries.len(), 1);
    let config = std::fs::read_to_string(site.root.join("quire.toml")).unwrap();
    site.write(
        "quire.toml",
        &format!(
            "{config}\n[feeds]\nsections = false\nauthors = false\ntaxonomies = false\nlimit = 1\n"
        ),
    );
    site.build();
    assert!(!site.public().join("briefs/atom.xml").exists());
    assert!(!site.public().join("authors/pavel-orlov/atom.xml").exists());
    assert!(!site.public().join("tags/cin/atom.xml").exists());
    assert_eq!(parse_feed(&site, "atom.xml").entries.len(), 1);
}

#[test]
fn feeds_escape_markup_in_titles() {
    let site = Site::fixture("basic");
    site.write("content/briefs/x.md", "+++\ntitle = \"A & B <script>alert(\\\"x\\\")</script> 'q'\"\ndate = 2030-01-01\n+++\nText.\n");
    site.build();
    for format in ["atom.xml", "rss.xml", "feed.json"] {
        let feed = parse_feed(&site, format);
        assert_eq!(
            feed.entries[0].title.as_ref().unwrap().content,
            "A & B <script>alert(\"x\")</script> 'q'",
            "{format}"
        );
    }
    assert!(!site.output("rss.xml").contains("<script>"));
    roxmltree::Document::parse(&site.output("atom.xml")).unwrap();
}

#[test]
fn feed_discovery_links_are_in_page_heads() {
    let site = Site::fixture("basic");
    site.build();
    let page = site.page("tr/briefs/liman-lojistigi/index.html");
    let feeds: Vec<String> = page
        .all("link[rel=alternate][type]")
        .iter()
        .map(|l| l.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(feeds, ["/tr/atom.xml", "/tr/rss.xml", "/tr/feed.json"]);
}

#[test]
fn sitemap_lists_every_version_with_reciprocal_alternates() {
    let site = Site::fixture("basic");
    site.build();
    let text = site.output("sitemap.xml");
    let doc = roxmltree::Document::parse(&text).unwrap();
    let mut urls = std::collections::BTreeMap::new();
    for url in doc.descendants().filter(|n| n.has_tag_name("url")) {
        let loc = url
            .children()
            .find(|n| n.has_tag_name("loc"))
            .unwrap()
            .text()
            .unwrap()
            .to_string();
        let lastmod = url
            .children()
            .find(|n| n.has_tag_name("lastmod"))
            .and_then(|n| n.text())
            .map(str::to_string);
        let alts: Vec<(String, String)> = url
            .children()
            .filter(|n| n.has_tag_name("link"))
            .map(|n| {
                (
                    n.attribute("hreflang").unwrap().to_string(),
                    n.attribute("href").unwrap().to_string(),
                )
            })
            .collect();
        urls.insert(loc, (lastmod, alts));
    }
    let en = "https://lab.example.org/briefs/port-logistics/";
    let tr = "https://lab.example.org/tr/briefs/liman-lojistigi/";
    let ru = "https://lab.example.org/ru/briefs/portovaya-logistika/";
    for loc in [en, tr, ru] {
        let (lastmod, alts) = &urls[loc];
        assert!(lastmod.is_some());
        for (lang, href) in [("en", en), ("tr", tr), ("ru", ru), ("x-default", en)] {
            assert!(
                alts.contains(&(lang.to_string(), href.to_string())),
                "{loc} lacks {lang}"
            );
        }
    }
    assert_eq!(
        urls[en].0.as_deref(),
        Some("2024-06-01"),
        "lastmod from `updated`"
    );
    // Reciprocity: every alternate points at a URL that lists this one back.
    for (loc, (_, alts)) in &urls {
        for (lang, href) in alts {
            if lang == "x-default" {
                continue;
            }
            let (_, back) = urls
                .get(href)
                .unwrap_or_else(|| panic!("{href} (alternate of {loc}) is not in the sitemap"));
            assert!(
                back.iter().any(|(_, h)| h == loc),
                "{href} does not point back to {loc}"
            );
        }
    }
    assert!(!urls.contains_key("https://lab.example.org/briefs/draft-piece/"));
    assert!(
        site.output("robots.txt")
            .contains("Sitemap: https://lab.example.org/sitemap.xml")
    );
}

#[test]
fn aliases_become_redirect_pages_and_a_redirects_file() {
    let site = Site::fixture("basic");
    site.write(
        "content/briefs/river-talks/index.md",
        &std::fs::read_to_string(site.root.join("content/briefs/river-talks/index.md"))
            .unwrap()
            .replace(
                "tags = [\"water\"]",
                "tags = [\"water\"]\naliases = [\"/2019/03/old-river/\", \"/?p=42\"]",
            ),
    );
    let config = std::fs::read_to_string(site.root.join("quire.toml")).unwrap();
    site.write(
        "quire.toml",
        &config.replace("paginate = 2", "paginate = 2\nredirects_file = true"),
    );
    site.build();
    let page = site.page("2019/03/old-river/index.html");
    assert_eq!(
        page.attr("link[rel=canonical]", "href"),
        "https://lab.example.org/briefs/river-talks/"
    );
    assert_eq!(
        page.attr("meta[http-equiv=refresh]", "content"),
        "0; url=https://lab.example.org/briefs/river-talks/"
    );
    let redirects = site.output("_redirects");
    assert!(redirects.contains("/2019/03/old-river/ /briefs/river-talks/ 301"));
    assert!(
        redirects.contains("/ p=42 /briefs/river-talks/ 301"),
        "{redirects}"
    );
}

#[test]
fn alias_escaping_the_site_is_an_error() {
    let site = Site::fixture("basic");
    site.write(
        "content/briefs/x.md",
        "+++\ntitle = \"X\"\ndate = 2024-01-01\naliases = [\"/../../etc/\"]\n+++\nText.\n",
    );
    let run = site.quire(&["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("content/briefs/x.md:4:"),
        "{}",
        run.stderr
    );
}

#[test]
fn social_cards_are_generated_per_article_and_language_when_enabled() {
    let site = Site::fixture("basic");
    site.build();
    assert!(
        !site.public().join("briefs/river-talks/card.png").exists(),
        "off by default"
    );
    let config = std::fs::read_to_string(site.root.join("quire.toml")).unwrap();
    site.write("quire.toml", &format!("{config}\n[social]\ncards = true\n"));
    site.build();
    for rel in [
        "briefs/river-talks/card.png",
        "ru/notes/zametka-o-tarifakh/card.png",
    ] {
        let bytes = std::fs::read(site.public().join(rel)).unwrap();
        assert_eq!(&bytes[1..4], b"PNG", "{rel}");
        // IHDR: width and height, big-endian, at bytes 16..24.
        let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
        let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
        assert_eq!((width, height), (1200, 630), "{rel}");
    }
    let page = site.page("ru/notes/zametka-o-tarifakh/index.html");
    assert_eq!(
        page.meta("og:image"),
        ["https://lab.example.org/ru/notes/zametka-o-tarifakh/card.png"]
    );
    // An article with its own image keeps it and gets no card.
    assert!(
        !site
            .public()
            .join("briefs/port-logistics/card.png")
            .exists()
    );
}
