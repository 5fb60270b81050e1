//! Outputs report their failures: a redirect page whose template fails to
//! render is an error naming the alias, not a silently missing file.

use std::path::Path;

use quire_build::{BuildOptions, build_in_memory};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn site(redirect_template: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "quire.toml",
        "title = \"Lab\"\nbase_url = \"https://lab.example.org\"\ndefault_language = \"en\"\n",
    );
    write(
        root,
        "content/notes/harbour.md",
        "+++\ntitle = \"Harbour fees\"\ndate = 2024-02-01\naliases = [\"/old/harbour/\"]\n+++\nFees rose twice.\n",
    );
    if let Some(template) = redirect_template {
        write(root, "templates/redirect.html", template);
    }
    dir
}

#[test]
fn a_failing_redirect_template_is_reported_not_dropped() {
    // Compiles, but fails when rendered: the partial does not exist.
    let dir = site(Some("{% include \"no-such-partial.html\" %}"));
    let (built, report) = build_in_memory(&BuildOptions::new(dir.path()));
    assert!(
        built.is_none(),
        "a build with a broken redirect page must fail"
    );
    let errors: Vec<_> = report
        .diagnostics
        .0
        .iter()
        .filter(|d| d.severity == quire_core::Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].message.contains("/old/harbour/")
            && errors[0].message.contains("content/notes/harbour.md"),
        "{}",
        errors[0].message
    );
}

#[test]
fn the_default_redirect_template_makes_the_alias_page() {
    let dir = site(None);
    let (built, report) = build_in_memory(&BuildOptions::new(dir.path()));
    let site = built.unwrap_or_else(|| panic!("{:?}", report.diagnostics));
    let page = site
        .artifacts
        .iter()
        .find(|a| a.path == "old/harbour/index.html")
        .expect("the alias page");
    let quire_build::Body::Bytes(bytes) = &page.body else {
        panic!("generated")
    };
    let html = scraper::Html::parse_document(std::str::from_utf8(bytes).unwrap());
    let canonical = html
        .select(&scraper::Selector::parse("link[rel=canonical]").unwrap())
        .next()
        .and_then(|l| l.value().attr("href"));
    assert_eq!(canonical, Some("https://lab.example.org/notes/harbour/"));
}
