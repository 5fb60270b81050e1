//! Every URL of a section comes from `Routes`: a section folder whose name
//! is not a slug (`content/Policy_Papers/`) has one URL form for its
//! articles, its listing, its feeds and its sitemap entries.

use std::path::Path;

use quire_build::{Body, BuildOptions, build_in_memory};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn text_of(site: &quire_build::BuiltSite, path: &str) -> String {
    let artifact = site
        .artifacts
        .iter()
        .find(|a| a.path == path)
        .unwrap_or_else(|| panic!("no {path}"));
    match &artifact.body {
        Body::Bytes(bytes) => String::from_utf8(bytes.clone()).unwrap(),
        Body::Copy(from) => std::fs::read_to_string(from).unwrap(),
    }
}

#[test]
fn a_section_folder_that_is_not_a_slug_has_one_url_form() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "quire.toml",
        "title = \"Lab\"\nbase_url = \"https://lab.example.org/think/\"\ndefault_language = \"en\"\n\n\
         [languages.en]\nname = \"English\"\n\n[languages.tr]\nname = \"Türkçe\"\n\n\
         [feeds]\nsections = true\n",
    );
    write(
        root,
        "content/Policy_Papers/grain.md",
        "+++\ntitle = \"Grain corridors\"\ndate = 2024-03-01\n+++\nShips wait at the straits.\n",
    );
    write(
        root,
        "content/Policy_Papers/grain.tr.md",
        "+++\ntitle = \"Tahıl koridorları\"\ndate = 2024-03-02\n+++\nGemiler boğazda bekliyor.\n",
    );
    let (built, report) = build_in_memory(&BuildOptions::new(root));
    let site = built.unwrap_or_else(|| panic!("{:?}", report.diagnostics));

    // Nothing is published under the folder name.
    let paths: Vec<&str> = site.artifacts.iter().map(|a| a.path.as_str()).collect();
    assert!(
        paths.iter().all(|p| !p.contains("Policy_Papers")),
        "{paths:?}"
    );
    for expected in [
        "policy-papers/grain/index.html",
        "tr/policy-papers/grain/index.html",
        "policy-papers/index.html",
        "tr/policy-papers/index.html",
        "policy-papers/atom.xml",
        "policy-papers/rss.xml",
        "policy-papers/feed.json",
        "tr/policy-papers/feed.json",
    ] {
        assert!(paths.contains(&expected), "missing {expected}");
    }

    // The listing links its article under the same section segment, with
    // the base URL's path in front.
    let listing = scraper::Html::parse_document(&text_of(&site, "policy-papers/index.html"));
    let hrefs: Vec<String> = listing
        .select(&scraper::Selector::parse("a[href]").unwrap())
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect();
    assert!(
        hrefs.contains(&"/think/policy-papers/grain/".to_string()),
        "{hrefs:?}"
    );
    assert!(
        hrefs.iter().all(|h| !h.contains("Policy_Papers")),
        "{hrefs:?}"
    );

    // The article page links back to that listing.
    let article =
        scraper::Html::parse_document(&text_of(&site, "tr/policy-papers/grain/index.html"));
    let canonical = article
        .select(&scraper::Selector::parse("link[rel=canonical]").unwrap())
        .next()
        .and_then(|l| l.value().attr("href"))
        .unwrap();
    assert_eq!(
        canonical,
        "https://lab.example.org/think/tr/policy-papers/grain/"
    );

    // The section feed points at the listing and the article.
    let feed: serde_json::Value =
        serde_json::from_str(&text_of(&site, "policy-papers/feed.json")).unwrap();
    assert_eq!(
        feed["home_page_url"],
        "https://lab.example.org/think/policy-papers/"
    );
    assert_eq!(
        feed["feed_url"],
        "https://lab.example.org/think/policy-papers/feed.json"
    );
    assert_eq!(
        feed["items"][0]["url"],
        "https://lab.example.org/think/policy-papers/grain/"
    );

    // The sitemap lists the listing in both languages, under the slug.
    let sitemap = text_of(&site, "sitemap.xml");
    let locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .filter_map(|s| s.split("</loc>").next())
        .collect();
    for loc in [
        "https://lab.example.org/think/policy-papers/",
        "https://lab.example.org/think/tr/policy-papers/",
        "https://lab.example.org/think/policy-papers/grain/",
    ] {
        assert!(locs.contains(&loc), "{loc} not in {locs:?}");
    }
    assert!(
        locs.iter().all(|l| !l.contains("Policy_Papers")),
        "{locs:?}"
    );
}
