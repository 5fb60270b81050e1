//! `quire init` makes a site that builds as is; `quire new` adds articles
//! and translations from the archetype and never overwrites.

use crate::common::quire_in as quire;

#[test]
fn init_then_new_then_build() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out) = quire(dir.path(), &["init", "site"]);
    assert_eq!(code, 0, "{out}");
    let site = dir.path().join("site");
    let (code, out) = quire(&site, &["build"]);
    assert_eq!(code, 0, "a new site must build as is:\n{out}");
    assert!(
        site.join("public/analysis/water-and-power/index.html")
            .is_file()
    );
    assert!(
        site.join("public/tr/analysis/su-ve-guc/index.html")
            .is_file()
    );

    let (code, out) = quire(&site, &["new", "analysis/port-tariffs"]);
    assert_eq!(code, 0, "{out}");
    let text =
        std::fs::read_to_string(site.join("content/analysis/port-tariffs/index.md")).unwrap();
    assert!(text.contains("title = \"Port Tariffs\""), "{text}");
    let today = jiff::ZonedDateTime::now().date().to_string();
    assert!(text.contains(&format!("date = {today}")), "{text}");

    let (code, out) = quire(&site, &["new", "analysis/port-tariffs", "--lang", "tr"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        site.join("content/analysis/port-tariffs/index.tr.md")
            .is_file()
    );

    // Never overwrites; unknown languages and bad paths are usage errors.
    let (code, _) = quire(&site, &["new", "analysis/port-tariffs"]);
    assert_eq!(code, 2);
    let (code, _) = quire(&site, &["new", "analysis/port-tariffs", "--lang", "de"]);
    assert_eq!(code, 2);
    let (code, _) = quire(&site, &["new", "Port Tariffs"]);
    assert_eq!(code, 2);

    let (code, out) = quire(&site, &["build"]);
    assert_eq!(code, 0, "the new articles build:\n{out}");
    assert!(
        site.join("public/analysis/port-tariffs/index.html")
            .is_file()
    );

    // init refuses a non-empty folder.
    let (code, _) = quire(dir.path(), &["init", "site"]);
    assert_eq!(code, 2);
}
