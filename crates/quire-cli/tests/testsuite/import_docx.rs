//! `quire import docx` → `quire build` on a copy of the example site: a
//! Zotero-cited Word document becomes an article whose notes name the
//! sources, a translation lands in the original's bundle, and bad input
//! leaves the site as it was.

use crate::common::{copy_dir, quire_in as quire, tree};

fn fixture(name: &str) -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../quire-import/tests/fixtures/docx")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn imported_word_documents_build_with_their_citations_and_translation() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/policy-site"),
        &site,
    );
    let (code, out) = quire(
        &site,
        &[
            "import",
            "docx",
            &fixture("zotero_citations.docx"),
            "--slug",
            "climate-prediction",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("3 citation(s); bibliography: 3 item(s) added"),
        "{out}"
    );
    let (code, out) = quire(
        &site,
        &[
            "import",
            "docx",
            &fixture("notes.docx"),
            "--lang",
            "tr",
            "--translation-of",
            "analysis/climate-prediction",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        site.join("content/analysis/climate-prediction/index.tr.md")
            .is_file()
    );

    // Bad input: a clear error, exit status 1, nothing written.
    let before = tree(&site);
    std::fs::write(dir.path().join("fake.docx"), "not a zip").unwrap();
    let fake = dir.path().join("fake.docx");
    let (code, out) = quire(&site, &["import", "docx", fake.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("not a Word document") && out.contains("Nothing was written"),
        "{out}"
    );
    let (code, out) = quire(
        &site,
        &["import", "docx", &fixture("notes.docx"), "--lang", "de"],
    );
    assert_eq!(code, 2, "{out}");
    assert_eq!(tree(&site), before);

    let (code, out) = quire(&site, &["build"]);
    assert_eq!(
        code, 0,
        "the site with the imported articles builds:\n{out}"
    );
    let html = std::fs::read_to_string(site.join("public/analysis/climate-prediction/index.html"))
        .unwrap();
    assert!(
        html.contains("Bellomo"),
        "the Zotero source is in the notes"
    );
    assert!(
        html.contains("hreflang=\"tr\""),
        "the translation is linked"
    );
}
