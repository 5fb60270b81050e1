//! `quire import docx` on real Word files from Pandoc's test suite: the
//! Markdown holds the structure Pandoc's `.native` readings describe, and
//! the imported site builds with no errors.

use std::path::{Path, PathBuf};

use quire_import::docx::{
    DocxError, DocxOptions, DocxReport, Limits, import_docx, import_docx_bytes,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/docx")
        .join(name)
}

/// A small three-language site with two authors and one bibliography file.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        "quire.toml",
        "title = \"Test Institute\"\nbase_url = \"https://example.org\"\ndefault_language = \"en\"\n\n[languages.en]\nname = \"English\"\n\n[languages.tr]\nname = \"Türkçe\"\n\n[languages.ru]\nname = \"Русский\"\n\n[citations]\nstyle = \"chicago-notes\"\n",
    );
    write(
        "authors/jesse-rosenthal.toml",
        "name = \"Jesse Rosenthal\"\n",
    );
    write("authors/mary-ann-evans.toml", "name = \"Mary Ann Evans\"\n");
    write(
        "bibliography/sources.bib",
        "@book{existing2020,\n  author = {Doe, Jane},\n  title = {An Existing Book},\n  year = {2020},\n  publisher = {Press},\n}\n",
    );
    write(
        "content/analysis/_index.md",
        "+++\ntitle = \"Analysis\"\n+++\n",
    );
    dir
}

fn import(root: &Path, name: &str) -> DocxReport {
    let mut options = DocxOptions::new(root);
    options.slug = Some(name.replace('_', "-"));
    import_docx(&fixture(&format!("{name}.docx")), &options)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn page(root: &Path, report: &DocxReport) -> (toml::Table, String) {
    let text = std::fs::read_to_string(root.join(&report.page)).unwrap();
    let rest = text.strip_prefix("+++\n").expect("front matter");
    let (front, body) = rest.split_once("+++\n").expect("front matter closes");
    (
        front.parse().expect("TOML front matter"),
        body.trim().to_string(),
    )
}

/// Builds the site in memory and returns the error messages.
fn build_errors(root: &Path) -> Vec<String> {
    let options = quire_build::BuildOptions::new(root);
    let (_, report) = quire_build::build_in_memory(&options);
    report
        .diagnostics
        .0
        .iter()
        .filter(|d| d.severity == quire_core::Severity::Error)
        .map(|d| d.to_string())
        .collect()
}

#[test]
fn dump_all() {
    let dir = site();
    for name in [
        "headers",
        "inline_formatting",
        "lists",
        "links",
        "notes",
        "link_in_notes",
        "tables",
        "image",
        "metadata",
        "track_changes_insertion",
        "unicode",
        "zotero_citations",
    ] {
        let report = import(dir.path(), name);
        let text = std::fs::read_to_string(dir.path().join(&report.page)).unwrap();
        println!("===== {name}\n{text}\n----- report\n{report}\n");
    }
    println!(
        "{}",
        std::fs::read_to_string(dir.path().join("bibliography/imported.json")).unwrap()
    );
    println!("ERRORS: {:#?}", build_errors(dir.path()));
}
