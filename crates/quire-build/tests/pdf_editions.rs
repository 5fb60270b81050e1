//! The PDF edition as a build output: one `<slug>.pdf` per article version
//! beside its page, linked from it and named in `citation_pdf_url`;
//! `pdf = false` opts out; a rebuild after one edit typesets only the
//! edited version again; a broken site template is a located error.

use std::path::Path;

use quire_build::{Body, BuildCache, BuildOptions, build_in_memory, build_in_memory_cached};
use scraper::{Html, Selector};

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
    std::fs::write(path, text).expect("write");
}

/// A two-language site: `ports` in en and tr, `rails` in en, `memo`
/// opted out.
fn site(root: &Path, pdf_table: &str) {
    write(
        root,
        "quire.toml",
        &format!(
            "title = \"Harbour Institute\"\nbase_url = \"https://example.org\"\n\n[languages.en]\nname = \"English\"\n[languages.tr]\nname = \"Türkçe\"\ntitle = \"Liman Enstitüsü\"\n\n{pdf_table}"
        ),
    );
    write(
        root,
        "content/analysis/ports/index.md",
        "+++\ntitle = \"Ports in Winter\"\ndate = 2025-01-10\nhighlights = [\"Ice closes the northern berths.\"]\n+++\n\nBerths froze early this year.[^a]\n\n[^a]: Port log, January.\n",
    );
    write(
        root,
        "content/analysis/ports/index.tr.md",
        "+++\ntitle = \"Kışın limanlar\"\ndate = 2025-01-10\n+++\n\nRıhtımlar bu yıl erken dondu.[^a]\n\n[^a]: Liman kaydı, ocak.\n",
    );
    write(
        root,
        "content/analysis/rails.md",
        "+++\ntitle = \"Rails and Ferries\"\ndate = 2025-02-01\n+++\n\nFerries carry the wagons across.\n",
    );
    write(
        root,
        "content/analysis/memo.md",
        "+++\ntitle = \"Internal Memo\"\ndate = 2025-02-02\npdf = false\n+++\n\nNot for print.\n",
    );
}

fn pdf_paths(artifacts: &[quire_build::Artifact]) -> Vec<String> {
    let mut paths: Vec<String> = artifacts
        .iter()
        .filter(|a| a.path.ends_with(".pdf"))
        .map(|a| a.path.clone())
        .collect();
    paths.sort();
    paths
}

fn page_html(artifacts: &[quire_build::Artifact], path: &str) -> Html {
    let artifact = artifacts
        .iter()
        .find(|a| a.path == path)
        .unwrap_or_else(|| panic!("no {path}"));
    match &artifact.body {
        Body::Bytes(bytes) => Html::parse_document(std::str::from_utf8(bytes).expect("UTF-8")),
        Body::Copy(_) => panic!("{path} is a copy"),
    }
}

#[test]
fn every_article_version_gets_a_linked_pdf_unless_opted_out() {
    let tmp = tempfile::tempdir().expect("temp dir");
    site(tmp.path(), "[pdf]\nenabled = true\npage = \"letter\"\n");
    let (built, report) = build_in_memory(&BuildOptions::new(tmp.path()));
    let built = built.unwrap_or_else(|| panic!("build failed: {:?}", report.diagnostics));
    assert_eq!(
        pdf_paths(&built.artifacts),
        [
            "analysis/ports/ports.pdf",
            "analysis/rails/rails.pdf",
            "tr/analysis/ports/ports.pdf"
        ]
    );
    let pdf = built
        .artifacts
        .iter()
        .find(|a| a.path == "analysis/ports/ports.pdf")
        .expect("pdf");
    assert!(matches!(&pdf.body, Body::Bytes(b) if b.starts_with(b"%PDF-")));

    let page = page_html(&built.artifacts, "tr/analysis/ports/index.html");
    let link = page
        .select(&Selector::parse("a.pdf-edition").unwrap())
        .next()
        .expect("PDF link");
    assert_eq!(
        link.value().attr("href"),
        Some("/tr/analysis/ports/ports.pdf")
    );
    assert_eq!(link.text().collect::<String>(), "PDF");
    let meta = page
        .select(&Selector::parse("meta[name=citation_pdf_url]").unwrap())
        .next()
        .expect("meta");
    assert_eq!(
        meta.value().attr("content"),
        Some("https://example.org/tr/analysis/ports/ports.pdf")
    );

    let memo = page_html(&built.artifacts, "analysis/memo/index.html");
    assert!(
        memo.select(&Selector::parse("a.pdf-edition, meta[name=citation_pdf_url]").unwrap())
            .next()
            .is_none()
    );
}

#[test]
fn pdfs_are_off_by_default() {
    let tmp = tempfile::tempdir().expect("temp dir");
    site(tmp.path(), "");
    let (built, _) = build_in_memory(&BuildOptions::new(tmp.path()));
    assert!(pdf_paths(&built.expect("builds").artifacts).is_empty());
}

#[test]
fn a_rebuild_after_one_edit_typesets_only_that_version() {
    let tmp = tempfile::tempdir().expect("temp dir");
    site(tmp.path(), "[pdf]\nenabled = true\n");
    let options = BuildOptions::new(tmp.path());
    let cache = BuildCache::new();
    let (built, _) = build_in_memory_cached(&options, Some(&cache));
    built.expect("first build");
    let typeset = |cache: &BuildCache| -> Vec<String> {
        cache
            .last_rendered_paths()
            .into_iter()
            .filter(|p| p.ends_with(".pdf"))
            .collect()
    };
    assert_eq!(typeset(&cache).len(), 3);

    write(
        tmp.path(),
        "content/analysis/ports/index.tr.md",
        "+++\ntitle = \"Kışın limanlar\"\ndate = 2025-01-10\n+++\n\nRıhtımlar bu yıl çok erken dondu.[^a]\n\n[^a]: Liman kaydı, ocak.\n",
    );
    let (built, _) = build_in_memory_cached(&options, Some(&cache));
    built.expect("second build");
    assert_eq!(typeset(&cache), ["tr/analysis/ports/ports.pdf"]);

    let (built, _) = build_in_memory_cached(&options, Some(&cache));
    built.expect("third build");
    assert!(typeset(&cache).is_empty(), "{:?}", typeset(&cache));
}

#[test]
fn a_broken_site_template_is_an_error_on_its_line() {
    let tmp = tempfile::tempdir().expect("temp dir");
    site(
        tmp.path(),
        "[pdf]\nenabled = true\ntemplate = \"pdf/edition.typ\"\n",
    );
    write(
        tmp.path(),
        "pdf/edition.typ",
        "#let edition(..args, body) = {\n  body\n  no-such-function()\n}\n",
    );
    let (built, report) = build_in_memory(&BuildOptions::new(tmp.path()));
    assert!(built.is_none(), "the build must fail");
    let error = report
        .diagnostics
        .0
        .iter()
        .find(|d| d.path == "pdf/edition.typ")
        .expect("an error on the template");
    assert_eq!((error.line, error.col), (3, 3), "{error:?}");
}

#[test]
fn an_unreadable_template_is_an_error_naming_quire_toml() {
    let tmp = tempfile::tempdir().expect("temp dir");
    site(
        tmp.path(),
        "[pdf]\nenabled = true\ntemplate = \"pdf/missing.typ\"\n",
    );
    let (built, report) = build_in_memory(&BuildOptions::new(tmp.path()));
    assert!(built.is_none(), "the build must fail");
    assert!(
        report
            .diagnostics
            .0
            .iter()
            .any(|d| d.path == "quire.toml" && d.message.contains("pdf/missing.typ")),
        "{:?}",
        report.diagnostics
    );
}

/// Letters and digits only, lower-cased: what survives any line breaking,
/// hyphenation or soft hyphen between the page and `pdftotext`.
fn letters(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The example site's editions in en, tr, ru and ar read back with
/// `pdftotext`: the title, every note in order (ibid. in the language's
/// form included), the script intact. Skipped when poppler is missing.
#[test]
fn example_site_editions_read_back_with_every_note_in_order() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/policy-site");
    let (built, report) = build_in_memory(&BuildOptions::new(&example));
    let built = built.unwrap_or_else(|| panic!("build failed: {:?}", report.diagnostics));
    let mut languages_seen = std::collections::BTreeSet::new();
    let mut ibid_seen = 0;
    for page in built
        .corpus
        .pages
        .iter()
        .filter(|p| quire_build::has_edition_enabled(&built.corpus, p))
    {
        let path = quire_build::edition_path(page);
        let artifact = built
            .artifacts
            .iter()
            .find(|a| a.path == path.trim_start_matches('/'))
            .expect("a PDF per version");
        let Body::Bytes(pdf) = &artifact.body else {
            panic!("{path} is a copy")
        };
        let file = tempfile::NamedTempFile::new().expect("temp file");
        std::fs::write(file.path(), pdf).expect("write PDF");
        let out = match std::process::Command::new("pdftotext")
            .arg(file.path())
            .arg("-")
            .output()
        {
            Ok(out) => out,
            Err(_) => {
                eprintln!("SKIPPED: `pdftotext` is not installed (apt-get install poppler-utils)");
                return;
            }
        };
        let text = letters(&String::from_utf8_lossy(&out.stdout));
        assert!(
            text.contains(&letters(&page.front.title)),
            "{path}: title missing"
        );
        let mut from = 0;
        for note in &built.derived.bodies[page.index].notes {
            let note_text: String = scraper::Html::parse_fragment(&note.html)
                .root_element()
                .text()
                .collect();
            let wanted: String = letters(&note_text.replace('↩', ""))
                .chars()
                .take(40)
                .collect();
            match text[from..].find(&wanted) {
                Some(at) => from += at + wanted.len(),
                None => panic!(
                    "{path}: note {} (`{wanted}`) missing or out of order",
                    note.n
                ),
            }
            ibid_seen += usize::from(note.ibid_of.is_some());
        }
        languages_seen.insert(page.lang.clone());
    }
    assert_eq!(
        languages_seen.into_iter().collect::<Vec<_>>(),
        ["ar", "en", "ru", "tr"]
    );
    assert!(ibid_seen > 0, "the example site has ibid. notes");
}
