//! Same input, same output, byte for byte; and a snapshot of one full page.

use crate::common::{Site, tree};

#[test]
fn two_builds_are_byte_identical() {
    let site = Site::fixture("basic");
    let a = site.quire(&["build", "--output", "out-a"]);
    let b = site.quire(&["build", "--output", "out-b"]);
    assert_eq!((a.code, b.code), (0, 0), "{}{}", a.stderr, b.stderr);
    let (ta, tb) = (
        tree(&site.root.join("out-a")),
        tree(&site.root.join("out-b")),
    );
    assert!(ta.len() > 50, "only {} files", ta.len());
    assert_eq!(ta.len(), tb.len());
    for ((pa, ba), (pb, bb)) in ta.iter().zip(&tb) {
        assert_eq!(pa, pb);
        assert!(ba == bb, "{pa} differs between builds");
    }
}

#[test]
fn snapshot_of_an_article_page() {
    let site = Site::fixture("basic");
    site.build();
    let html = site.output("tr/briefs/liman-lojistigi/index.html");
    insta::assert_snapshot!("article_tr", html);
}
