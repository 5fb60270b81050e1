//! The generated corpus is a valid quire site: it loads with no
//! diagnostics, has the shapes, and is the same for the same seed.

use quire_bench::corpus::{Flavor, Spec, write_site};
use quire_site::{LoadOptions, PageKind, load_site};

#[test]
fn generated_site_loads_without_diagnostics_and_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let spec = Spec {
        articles: 40,
        seed: 9,
    };
    let written = write_site(spec, &dir.path().join("a"), Flavor::Quire).unwrap();
    assert!(
        written.versions >= 110 && written.versions <= 120,
        "{written:?}"
    );

    let loaded = load_site(&dir.path().join("a"), &LoadOptions::default());
    assert!(
        loaded.diagnostics.0.is_empty(),
        "{:?}",
        loaded.diagnostics.0
    );
    let corpus = loaded.corpus.unwrap();
    let articles: Vec<_> = corpus
        .pages
        .iter()
        .filter(|p| p.kind == PageKind::Article)
        .collect();
    assert_eq!(articles.len(), written.versions);
    for lang in ["en", "tr", "ru"] {
        assert!(
            articles.iter().filter(|p| p.lang == lang).count() >= 30,
            "{lang}"
        );
    }
    assert!(
        articles
            .iter()
            .all(|p| !p.front.authors.is_empty() && p.front.authors.len() <= 2)
    );

    write_site(spec, &dir.path().join("b"), Flavor::Quire).unwrap();
    let read = |side: &str| {
        let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir.path().join(side))
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(dir.path().join(side)).unwrap();
                (
                    rel.to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    };
    assert_eq!(read("a"), read("b"));
}

#[test]
fn hugo_variant_has_config_layouts_and_the_same_articles() {
    let dir = tempfile::tempdir().unwrap();
    let spec = Spec {
        articles: 10,
        seed: 9,
    };
    let q = write_site(spec, &dir.path().join("q"), Flavor::Quire).unwrap();
    let h = write_site(spec, &dir.path().join("h"), Flavor::Hugo).unwrap();
    assert_eq!(q.versions, h.versions);
    for f in [
        "hugo.toml",
        "related.toml",
        "layouts/_default/single.html",
        "layouts/_default/list.html",
    ] {
        assert!(dir.path().join("h").join(f).is_file(), "{f}");
    }
    // Hugo has no citation engine: every note is a footnote there.
    let md: String = walkdir::WalkDir::new(dir.path().join("h/content"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    assert!(!md.contains("[@src"));
    assert!(md.contains("[^1]:"));
}
