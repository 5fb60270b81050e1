//! `quire import docx` on real Word files from Pandoc's test suite: the
//! Markdown holds the structure Pandoc's `.native` readings describe, and
//! the imported site builds with no errors.

use std::io::Write;
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

/// Builds the site into `public/` and returns the HTML of one page.
fn built_page(root: &Path, url_path: &str) -> String {
    let report = quire_build::build(&quire_build::BuildOptions::new(root));
    assert!(
        report.succeeded(),
        "build failed: {:?}",
        report.diagnostics.0
    );
    std::fs::read_to_string(root.join("public").join(url_path).join("index.html"))
        .unwrap_or_else(|e| panic!("{url_path}: {e}"))
}

/// Every file under `root`, relative, sorted.
fn files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p.clone());
            }
            out.push(p.strip_prefix(root).unwrap().to_string_lossy().into_owned());
        }
    }
    out.sort();
    out
}

#[test]
fn headers_give_the_title_and_body_headings_from_h2() {
    let dir = site();
    let report = import(dir.path(), "headers");
    let (front, body) = page(dir.path(), &report);
    // Pandoc: Header 1 "A Test of Headers", then levels 2–6; "Heading 7" has no style.
    assert_eq!(front["title"].as_str(), Some("A Test of Headers"));
    assert_eq!(report.title_source, "first heading");
    let headings: Vec<&str> = body.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(
        headings,
        [
            "## Second Level",
            "### Third level",
            "#### Fourth level",
            "##### Fifth level",
            "###### Sixth level"
        ]
    );
    assert!(body.contains("\n\nSeventh level\n\n"), "{body}");
    assert_eq!(report.body.headings, 5);
    assert_eq!(
        front["authors"].as_array().unwrap()[0].as_str(),
        Some("jesse-rosenthal")
    );
    assert_eq!(front["date"].to_string(), "2014-06-12");
}

#[test]
fn inline_formatting_as_pandoc_reads_it() {
    let dir = site();
    let report = import(dir.path(), "inline_formatting");
    let (_, body) = page(dir.path(), &report);
    // Para [Str "Regular",…,Emph [italics],Space,Strong [bold,Space,Emph [bold italics]],Str "."]
    assert!(
        body.contains("Regular text *italics* **bold *bold italics***."),
        "{body}"
    );
    assert!(body.contains("this is ~~strikethrough~~."), "{body}");
    assert!(
        body.contains("use <u>single underlines for *emphasis*</u>."),
        "{body}"
    );
    assert!(body.contains("is <sup>superscript</sup> and"), "{body}");
    assert!(body.contains("is <sub>subscript</sub>."), "{body}");
    assert!(body.contains("A line\\\nbreak."), "{body}");
    let html = built_page(dir.path(), "analysis/inline-formatting");
    assert!(
        html.contains("<strong>bold <em>bold italics</em></strong>"),
        "{html}"
    );
    assert!(html.contains("<del>strikethrough</del>"));
    // A paragraph with raw HTML (<u>) goes through the sanitizer, which
    // writes `<br>`; others keep pulldown-cmark's `<br />`.
    assert!(
        html.contains("A line<br />\nbreak.") || html.contains("A line<br>\nbreak."),
        "{html}"
    );
}

#[test]
fn nested_numbered_and_bulleted_lists() {
    let dir = site();
    let report = import(dir.path(), "lists");
    let (_, body) = page(dir.path(), &report);
    // Pandoc: OrderedList [one, two [OrderedList a, b]], BulletList [one, two [three [four + Sub
    // paragraph]], Same list], BulletList [Different list …].
    assert_eq!(
        body,
        "1. one\n2. two\n   1. a\n   2. b\n\n- one\n- two\n  - three\n    - four\n\n      Sub paragraph\n- Same list\n\n* Different list adjacent to the one above."
    );
    assert_eq!(report.body.lists, 6);
    assert_eq!(report.body.list_items, 10);
    let html = built_page(dir.path(), "analysis/lists");
    let article = &html[html.find("<article").unwrap()..];
    assert_eq!(article.matches("<ol>").count(), 2, "{article}");
    assert!(article.matches("<ul>").count() >= 4, "{article}");
}

#[test]
fn external_and_internal_links_and_bookmarks() {
    let dir = site();
    let report = import(dir.path(), "links");
    let (_, body) = page(dir.path(), &report);
    assert!(body.contains("An [external link](http://google.com) to a popular website."));
    assert!(body.contains("[external link](http://pandoc.org/README.html#synopsis)"));
    // Links to the heading's id and to the bookmark, which becomes an anchor.
    assert!(
        body.contains("[internal link](#a-section-for-testing-link-targets)"),
        "{body}"
    );
    assert!(
        body.contains(
            "## A section for testing link targets {#a-section-for-testing-link-targets}"
        )
    );
    assert!(body.contains("[internal link](#my_bookmark) to a bookmark."));
    assert!(body.contains("A bookmark right <span id=\"my_bookmark\"></span>here"));
    assert_eq!((report.body.links, report.body.internal_links), (2, 2));
    let html = built_page(dir.path(), "analysis/links");
    assert!(html.contains("id=\"a-section-for-testing-link-targets\""));
    assert!(html.contains("href=\"#my_bookmark\""));
}

#[test]
fn footnotes_and_endnotes_in_reading_order_with_links() {
    let dir = site();
    let report = import(dir.path(), "notes");
    let (_, body) = page(dir.path(), &report);
    assert_eq!(
        body,
        "Test footnote.[^1] Test endnote.[^2]\n\n[^1]: My note.\n\n[^2]: This is an endnote at the end of the document."
    );
    assert_eq!((report.body.footnotes, report.body.endnotes), (1, 1));
    let report = import(dir.path(), "link_in_notes");
    let (_, body) = page(dir.path(), &report);
    assert_eq!(body, "This is a test[^1].\n\n[^1]: <http://wikipedia.org/>");
    let html = built_page(dir.path(), "analysis/link-in-notes");
    assert!(html.contains("id=\"fn-1\""), "{html}");
    assert!(html.contains("href=\"http://wikipedia.org/\""));
}

#[test]
fn tables_with_and_without_header_rows() {
    let dir = site();
    let report = import(dir.path(), "tables");
    let (_, body) = page(dir.path(), &report);
    assert!(body.starts_with(
        "| Name | Game | Fame | Blame |\n| --- | --- | --- | --- |\n| Lebron James | Basketball | Very High | Leaving Cleveland |"
    ), "{body}");
    // Without a header row, and with several paragraphs per cell: HTML tables.
    assert_eq!((report.body.pipe_tables, report.body.html_tables), (1, 2));
    assert!(body.contains("<td>\n\nSinple\n\n</td>"), "{body}");
    assert!(
        body.contains("<td>\n\nSimple\n\nMultiparagraph\n\n</td>"),
        "{body}"
    );
    let html = built_page(dir.path(), "analysis/tables");
    assert!(html.contains("<th>Name</th>"), "{html}");
    assert!(html.contains("<p>Multiparagraph</p>"));
}

#[test]
fn images_are_extracted_with_their_description() {
    let dir = site();
    let report = import(dir.path(), "image");
    let (_, body) = page(dir.path(), &report);
    assert_eq!(
        body,
        "An image:\n\n![He realizes he's making the file-size too big.](image1.jpg \"An unhappy fish.\")"
    );
    let jpeg = std::fs::read(dir.path().join("content/analysis/image/image1.jpg")).unwrap();
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "a JPEG");
    assert_eq!((report.images_written, report.images_without_alt), (1, 0));
    let html = built_page(dir.path(), "analysis/image");
    assert!(html.contains("alt=\"He realizes he"), "{html}");
}

#[test]
fn title_bylines_date_and_abstract_become_front_matter() {
    let dir = site();
    let report = import(dir.path(), "metadata");
    let (front, body) = page(dir.path(), &report);
    assert_eq!(front["title"].as_str(), Some("This Is the Title"));
    assert_eq!(front["date"].to_string(), "2014-07-28");
    assert_eq!(front["authors"].as_array().unwrap().len(), 1);
    assert_eq!(report.authors, ["mary-ann-evans"]);
    assert_eq!(report.unmatched_authors, ["Aurore Dupin"]);
    assert!(
        front["summary"]
            .as_str()
            .unwrap()
            .starts_with("This is a test of how this all works.")
    );
    assert_eq!(body, "And now this is normal text.");
}

#[test]
fn tracked_insertions_accepted_and_unicode_kept() {
    let dir = site();
    let report = import(dir.path(), "track_changes_insertion");
    let (_, body) = page(dir.path(), &report);
    assert_eq!(body, "This is a text with two exciting insertions.");
    assert_eq!((report.insertions, report.deletions), (1, 0));
    let report = import(dir.path(), "unicode");
    let (_, body) = page(dir.path(), &report);
    // Pandoc: "Hello, 世界. This costs €10.∨∨(" (Symbol-font characters mapped).
    assert_eq!(body, "Hello, 世界. This costs €10.∨∨(");
}

#[test]
fn zotero_citations_become_keys_and_bibliography_items() {
    let dir = site();
    let root = dir.path();
    let report = import(root, "zotero_citations");
    let (_, body) = page(root, &report);
    assert_eq!(
        body,
        "This is a citation [@smith2013comparison]\n\nThis is a citation with two sources [@boer2016decadal; @smith2013comparison].\n\nThis is a citation with additional prefix, suffix and a page number [prefix @bellomo2016new, p. 2 suffix]."
    );
    // The displayed text and Zotero's own reference list are gone.
    assert!(!body.contains("Smith et al."));
    assert_eq!(report.bibliography_fields, 1);
    assert_eq!(report.body.citations, 3);
    assert_eq!(
        report.bibliography_added,
        ["smith2013comparison", "boer2016decadal", "bellomo2016new"]
    );
    let items: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("bibliography/imported.json")).unwrap(),
    )
    .unwrap();
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["DOI"], "10.1007/s00382-013-1683-2");
    assert_eq!(items[2]["author"][0]["family"], "Bellomo");
    // A second import of the same document reuses the keys: no duplicate items.
    let mut options = DocxOptions::new(root);
    options.slug = Some("zotero-again".into());
    let again = import_docx(&fixture("zotero_citations.docx"), &options).unwrap();
    assert!(again.bibliography_added.is_empty());
    assert_eq!(again.bibliography_reused.len(), 3);
    let items: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("bibliography/imported.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(items.as_array().unwrap().len(), 3);
    // The site's CSL style formats them: the page has notes naming the sources.
    let html = built_page(root, "analysis/zotero-citations");
    assert!(html.contains("Bellomo"), "{html}");
    assert!(html.contains("Climate Dynamics"), "{html}");
}

#[test]
fn every_fixture_imports_into_one_site_that_builds_without_errors() {
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
        import(dir.path(), name);
    }
    assert_eq!(build_errors(dir.path()), Vec::<String>::new());
    let report = quire_check::check(&quire_check::CheckOptions::new(dir.path()));
    let errors: Vec<String> = report
        .diagnostics
        .0
        .iter()
        .filter(|d| d.severity == quire_core::Severity::Error)
        .map(|d| d.to_string())
        .collect();
    assert_eq!(errors, Vec::<String>::new(), "quire check finds no errors");
}

#[test]
fn a_translation_goes_into_the_original_bundle_marked_with_its_version() {
    let dir = site();
    let root = dir.path();
    import(root, "notes");
    let mut options = DocxOptions::new(root);
    options.lang = Some("tr".into());
    options.translation_of = Some("analysis/notes".into());
    let report = import_docx(&fixture("notes.docx"), &options).unwrap();
    assert_eq!(report.page, "content/analysis/notes/index.tr.md");
    let (front, _) = page(root, &report);
    let original = std::fs::read_to_string(root.join("content/analysis/notes/index.md")).unwrap();
    let body = &original[original.find("+++\n\n").unwrap() + 4..];
    assert_eq!(
        front["translated_from"].as_str().unwrap(),
        quire_check::fingerprint::fingerprint(body).encode()
    );
    let check = quire_check::check(&quire_check::CheckOptions::new(root));
    let about: Vec<String> = check
        .diagnostics
        .0
        .iter()
        .filter(|d| d.path.contains("index.tr.md"))
        .map(|d| d.to_string())
        .collect();
    assert_eq!(
        about,
        Vec::<String>::new(),
        "quire check accepts the translation"
    );
    // Importing it again is refused: nothing is overwritten.
    let e = import_docx(&fixture("notes.docx"), &options).unwrap_err();
    assert!(
        e.is_usage() && e.to_string().contains("already exists"),
        "{e}"
    );
}

/// A .docx made of the given parts (name, XML).
fn docx(parts: &[(&str, &str)]) -> Vec<u8> {
    docx_with(parts, &[])
}

/// A .docx made of XML parts and binary parts.
fn docx_with(parts: &[(&str, &str)], binary: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let mut all: Vec<(&str, &str)> = vec![
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
        ),
    ];
    all.extend_from_slice(parts);
    for (name, text) in all {
        zip.start_file(name, opts).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    for (name, bytes) in binary {
        zip.start_file(*name, opts).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office""#;

fn p(style: &str, inner: &str) -> String {
    if style.is_empty() {
        format!("<w:p>{inner}</w:p>")
    } else {
        format!(r#"<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{inner}</w:p>"#)
    }
}

fn r(text: &str) -> String {
    format!(r#"<w:r><w:t xml:space="preserve">{text}</w:t></w:r>"#)
}

/// A Turkish analysis with a Key points list, a quote, a merged-cell table,
/// Mendeley citations, an ibid. note, a deletion, a comment, a text box and
/// an equation.
fn analysis_docx() -> Vec<u8> {
    let mendeley = r#"ADDIN CSL_CITATION {"citationItems":[{"id":"ITEM-1","itemData":{"id":"ITEM-1","type":"book","title":"Karadeniz’de Enerji","author":[{"family":"Yılmaz","given":"Ayşe"}],"issued":{"date-parts":[["2019"]]},"publisher":"Yayınevi"},"locator":"12","label":"page","uris":["http://www.mendeley.com/documents/?uuid=abc"]}],"mendeley":{"formattedCitation":"(Yılmaz 2019)"},"properties":{"noteIndex":1},"schema":"https://github.com/citation-style-language/schema/raw/master/csl-citation.json"}"#;
    let cite_runs = format!(
        r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">{}</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>{}<w:r><w:fldChar w:fldCharType="end"/></w:r>"#,
        mendeley.replace('&', "&amp;").replace('<', "&lt;"),
        r("(Yılmaz 2019)")
    );
    let body = [
        p("Title", &r("Karadeniz’de enerji güvenliği")),
        p("Heading1", &r("Öne Çıkanlar")),
        p(
            "ListBullet",
            &r("Boru hatları çeşitleniyor."),
        ),
        p("ListBullet", &r("LNG payı artıyor.")),
        p("Heading1", &r("Giriş")),
        p(
            "",
            &format!(
                "{}<w:del w:id=\"1\" w:author=\"x\"><w:r><w:delText>silinen </w:delText></w:r></w:del>{}<w:commentRangeStart w:id=\"0\"/>{}<w:r><w:footnoteReference w:id=\"2\"/></w:r><w:r><w:footnoteReference w:id=\"3\"/></w:r>",
                r("Metin "),
                r("*yıldız* ve _alt çizgi_ "),
                r("devam.")
            ),
        ),
        p("Quote", &r("Enerji bir dış politika aracıdır.")),
        format!(
            r#"<w:tbl><w:tr><w:trPr><w:tblHeader/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr>{}</w:tc></w:tr><w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr>{}</w:tc><w:tc>{}</w:tc></w:tr><w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc>{}</w:tc></w:tr></w:tbl>"#,
            p("", &r("Ülke ve yıl")),
            p("", &r("Türkiye")),
            p("", &r("2020")),
            p("", &r("2021"))
        ),
        p(
            "",
            &format!(
                "{}<w:r><w:drawing><wp:inline><wp:docPr id=\"1\" name=\"Kutu\"/><a:graphic><a:graphicData uri=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\"><wps:wsp><wps:txbx><w:txbxContent>{}</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:inline></w:drawing></w:r><m:oMath><m:r><m:t>E=mc2</m:t></m:r></m:oMath>",
                r("Kutu ve denklem: "),
                p("", &r("Kutudaki metin."))
            ),
        ),
        p(
            "",
            &format!(
                r#"{}<w:r><w:object><v:shape><v:imagedata r:id="rId10"/></v:shape><o:OLEObject ProgID="Excel.Sheet.12" r:id="rId12"/></w:object></w:r><w:r><mc:AlternateContent><mc:Choice Requires="cx1"><w:drawing><wp:inline><wp:docPr id="3" name="Grafik" descr="Gaz ithalatı"/><a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/drawing/2014/chartex"/></a:graphic></wp:inline></w:drawing></mc:Choice><mc:Fallback><w:drawing><wp:inline><wp:docPr id="4" name="Grafik"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><a:blip r:embed="rId11"/></a:graphicData></a:graphic></wp:inline></w:drawing></mc:Fallback></mc:AlternateContent></w:r>"#,
                r("Tablo ve grafik: ")
            ),
        ),
    ]
    .concat();
    let document =
        format!(r#"<?xml version="1.0"?><w:document {W}><w:body>{body}</w:body></w:document>"#);
    let footnotes = format!(
        r#"<?xml version="1.0"?><w:footnotes {W}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:id="2"><w:p><w:r><w:footnoteRef/></w:r>{}{cite_runs}{}</w:p></w:footnote><w:footnote w:id="3"><w:p><w:r><w:footnoteRef/></w:r>{}</w:p></w:footnote></w:footnotes>"#,
        r(" Bkz. "),
        r("."),
        r(" A.g.e., s. 14.")
    );
    let styles = format!(
        r#"<?xml version="1.0"?><w:styles {W}><w:docDefaults><w:rPrDefault><w:rPr><w:lang w:val="tr-TR"/></w:rPr></w:rPrDefault></w:docDefaults><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style><w:style w:type="paragraph" w:styleId="Quote"><w:name w:val="Quote"/></w:style><w:style w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr></w:style></w:styles>"#
    );
    let numbering = format!(
        r#"<?xml version="1.0"?><w:numbering {W}><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#
    );
    let rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/><Relationship Id="rId10" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.png"/><Relationship Id="rId11" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image2.png"/><Relationship Id="rId12" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/oleObject" Target="embeddings/sheet.xlsx"/></Relationships>"#;
    let core = r#"<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><dc:creator>Mary Ann Evans</dc:creator><dcterms:created>2024-03-05T10:00:00Z</dcterms:created></cp:coreProperties>"#;
    let png: &[u8] = b"\x89PNG\r\n\x1a\nnot really an image";
    docx_with(
        &[
            ("word/document.xml", &document),
            ("word/footnotes.xml", &footnotes),
            ("word/styles.xml", &styles),
            ("word/numbering.xml", &numbering),
            ("word/_rels/document.xml.rels", rels),
            ("docProps/core.xml", core),
        ],
        &[
            ("word/media/image1.png", png),
            ("word/media/image2.png", png),
        ],
    )
}

#[test]
fn a_turkish_analysis_with_mendeley_citations_highlights_and_unsupported_content() {
    let dir = site();
    let root = dir.path();
    let options = DocxOptions::new(root);
    let report = import_docx_bytes(analysis_docx(), "analiz.docx", &options).unwrap();
    assert_eq!(
        report.page,
        "content/analysis/karadenizde-enerji-guvenligi/index.tr.md"
    );
    let (front, body) = page(root, &report);
    assert_eq!(
        front["title"].as_str(),
        Some("Karadeniz’de enerji güvenliği")
    );
    assert_eq!(report.lang, "tr");
    assert_eq!(front["date"].to_string(), "2024-03-05");
    assert_eq!(report.authors, ["mary-ann-evans"]);
    let highlights: Vec<&str> = front["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        highlights,
        ["Boru hatları çeşitleniyor.", "LNG payı artıyor."]
    );
    assert!(!body.contains("Öne Çıkanlar"));
    // Deletion dropped, Markdown characters escaped, notes in order, Mendeley cited.
    assert!(
        body.starts_with("## Giriş\n\nMetin \\*yıldız\\* ve \\_alt çizgi\\_ devam.[^1][^2]"),
        "{body}"
    );
    assert!(
        body.contains("[^1]: Bkz. [@yilmaz2019karadenizde, p. 12]."),
        "{body}"
    );
    assert!(body.contains("[^2]: A.g.e., s. 14."), "{body}");
    assert!(body.contains("> Enerji bir dış politika aracıdır."));
    assert!(body.contains("<th colspan=\"2\">"), "{body}");
    assert!(body.contains("<td rowspan=\"2\">\n\nTürkiye"), "{body}");
    assert_eq!(report.body.ibid_notes, 1);
    assert_eq!((report.deletions, report.comments), (1, 1));
    let kinds: Vec<&str> = report.unsupported.iter().map(|u| u.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "text box",
            "equation",
            "embedded object (Excel.Sheet.12)",
            "chart"
        ]
    );
    assert_eq!(report.unsupported[2].outcome, "kept as its picture");
    assert_eq!(
        report.unsupported[3].outcome,
        "kept as its fallback picture"
    );
    assert!(
        body.contains("Tablo ve grafik: ![](image1.png)![Gaz ithalatı](image2.png)"),
        "{body}"
    );
    assert_eq!((report.images_written, report.images_without_alt), (2, 1));
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("image1.png has no alternative text"))
    );
    assert!(
        report.unsupported[0].position.contains("Kutu ve denklem"),
        "{:?}",
        report.unsupported
    );
    assert!(body.contains("Kutudaki metin."), "text box text kept");
    assert!(body.contains("E=mc2"), "equation text kept");
    assert_eq!(report.bibliography_added, ["yilmaz2019karadenizde"]);
    assert_eq!(build_errors(root), Vec::<String>::new());
    let html = built_page(root, "tr/analysis/karadenizde-enerji-guvenligi");
    let notes = &html[html.find("class=\"footnotes\"").unwrap_or(0)..];
    assert!(
        notes.contains("Karadeniz"),
        "the citation is formatted: {notes}"
    );
    assert!(html.contains("class=\"highlights\""));
}

fn assert_refused(bytes: Vec<u8>, options: &DocxOptions, wanted: &str) {
    let before = files(&options.root);
    let e: DocxError = import_docx_bytes(bytes, "bad.docx", options).unwrap_err();
    assert!(e.to_string().contains(wanted), "{e}");
    assert_eq!(files(&options.root), before, "nothing written for: {e}");
}

#[test]
fn bad_input_is_refused_with_a_clear_error_and_nothing_written() {
    let dir = site();
    let options = DocxOptions::new(dir.path());
    assert_refused(b"plain text, not a zip".to_vec(), &options, "not a .docx");
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend(vec![0; 504]);
    ole.extend(
        "EncryptionInfo"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes()),
    );
    assert_refused(ole, &options, "password-protected");
    let mut doc = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    doc.extend(vec![0; 504]);
    assert_refused(doc, &options, "Word 97");
    let whole = std::fs::read(fixture("notes.docx")).unwrap();
    assert_refused(
        whole[..whole.len() / 2].to_vec(),
        &options,
        "truncated or damaged",
    );
    assert_refused(
        docx(&[("xl/workbook.xml", "<workbook/>")]),
        &options,
        "an Excel workbook",
    );
    let xxe = format!(
        r#"<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]><w:document {W}><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"#
    );
    assert_refused(docx(&[("word/document.xml", &xxe)]), &options, "DOCTYPE");
    // A zip bomb: 4 MiB of zeros (a few KiB packed) against a 1 MiB limit.
    let zeros = "0".repeat(4 << 20);
    let bomb = docx(&[(
        "word/document.xml",
        &format!(
            "<w:document {W}><w:body><w:p><w:r><w:t>{zeros}</w:t></w:r></w:p></w:body></w:document>"
        ),
    )]);
    assert!(bomb.len() < 64 << 10);
    let mut small = DocxOptions::new(dir.path());
    small.limits = Limits {
        max_entries: 100,
        max_entry_bytes: 1 << 20,
        max_total_bytes: 2 << 20,
    };
    assert_refused(bomb, &small, "zip bomb");
    // Options: a language the site lacks, a translation of nothing.
    let mut bad = DocxOptions::new(dir.path());
    bad.lang = Some("de".into());
    assert_refused(analysis_docx(), &bad, "not configured");
    let mut bad = DocxOptions::new(dir.path());
    bad.translation_of = Some("analysis/missing".into());
    assert_refused(analysis_docx(), &bad, "does not exist");
}
