//! `quire import wordpress` → `quire build`: an imported three-language
//! Polylang site builds, and its article page has its translations linked
//! and its notes numbered.

use crate::common::{Page, quire_in as quire};

#[test]
fn imported_polylang_site_builds_with_linked_translations_and_numbered_notes() {
    let dir = tempfile::tempdir().unwrap();
    let export = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../quire-import/tests/fixtures/polylang.xml");
    let (code, out) = quire(
        dir.path(),
        &[
            "import",
            "wordpress",
            export.to_str().unwrap(),
            "--into",
            "site",
        ],
    );
    assert_eq!(code, 0, "{out}");
    let site = dir.path().join("site");
    let (code, out) = quire(&site, &["build"]);
    assert_eq!(code, 0, "imported site does not build:\n{out}");

    // Find the English article page of the translated group.
    let public = site.join("public");
    let mut found = None;
    for entry in walk(&public) {
        if entry.ends_with("index.html") {
            let html = std::fs::read_to_string(&entry).unwrap();
            if html.contains("Ports &amp; the Northern Corridor</h1>") {
                found = Some(html);
            }
        }
    }
    let page = Page(scraper::Html::parse_document(
        &found.expect("the English article page exists"),
    ));
    let langs: Vec<String> = page
        .all("nav.translations a")
        .iter()
        .map(|a| a.value().attr("lang").unwrap().to_string())
        .collect();
    assert_eq!(langs, ["ru", "tr"], "translations linked");
    for a in page.all("nav.translations a") {
        let href = a.value().attr("href").unwrap();
        assert!(
            public
                .join(href.trim_start_matches('/'))
                .join("index.html")
                .is_file(),
            "{href} exists"
        );
    }
    let markers = page.all("a[role=doc-noteref]");
    assert!(!markers.is_empty(), "notes numbered");
    for (i, m) in markers.iter().enumerate() {
        assert_eq!(
            m.value().attr("href"),
            Some(format!("#fn-{}", i + 1).as_str())
        );
    }
    assert_eq!(page.all("section.footnotes ol > li").len(), markers.len());
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
