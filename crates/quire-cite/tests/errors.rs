//! Errors: unknown keys with file, line and suggestions; malformed
//! bibliography files in each format with file and line; bad styles.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;
use quire_cite::{Bibliography, CitationConfig, CitationEngine, CiteOutput, NoteInput};
use quire_core::{CiteCluster, CiteItem, Severity, SourceText};

#[test]
fn unknown_key_names_file_line_column_and_nearest_keys() {
    let e = engine("chicago-notes");
    let src = "Intro.\n\nAs shown [@karaca2091, p. 4] here.\n";
    let input = NoteInput::Cite {
        cluster: CiteCluster {
            items: vec![CiteItem {
                key: "karaca2091".into(),
                prefix: String::new(),
                locator: "p. 4".into(),
                suppress_author: false,
            }],
            in_text: false,
        },
        line: 3,
    };
    let p = e.process(
        "en",
        &bibliography(),
        &[input],
        "content/a/index.md",
        &SourceText::new(src),
    );
    assert_eq!(p.diagnostics.len(), 1);
    let d = &p.diagnostics[0];
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(
        (d.path.as_str(), d.line, d.col),
        ("content/a/index.md", 3, 11)
    );
    assert_eq!(
        d.message,
        "unknown citation key `@karaca2091`; did you mean `@karaca2019`?"
    );
    assert!(matches!(&p.outputs[0], CiteOutput::Note { html, .. } if html == "@karaca2091"));
    assert_eq!(bibliography().suggest("zzzzzzzz"), Vec::<String>::new());
}

#[test]
fn malformed_files_name_file_and_line() {
    for (name, line) in [("broken.bib", 3), ("broken.json", 3), ("broken.yaml", 6)] {
        let path = format!("bibliography/{name}");
        let errors = Bibliography::parse(&path, &fixture(name)).expect_err(name);
        assert_eq!(errors[0].path, path);
        assert_eq!(errors[0].line, line, "{name}: {}", errors[0]);
        assert!(errors[0].is_error());
    }
    let errors = Bibliography::parse("bibliography/refs.txt", "").unwrap_err();
    assert!(errors[0].message.contains("unknown bibliography format"));
}

#[test]
fn fixture_formats_parse_and_merge() {
    let bib = bibliography();
    assert_eq!(
        bib.keys(),
        [
            "gridwatch2023",
            "karaca2019",
            "morrow2021",
            "oduya2018",
            "petrova2020",
            "tariffs2022"
        ]
    );
    let mut a = Bibliography::parse("a.yaml", "k:\n  type: book\n  title: First\n").unwrap();
    a.merge(Bibliography::parse("b.yaml", "k:\n  type: book\n  title: Second\n").unwrap());
    assert_eq!(a.len(), 1);
    let e = engine("apa");
    let p = e.process("en", &a, &[cite("k", "")], "x.md", &SourceText::new(""));
    assert!(text(&p.references_html.unwrap()).contains("Second"));
}

#[test]
fn unknown_styles_and_bad_csl_files_are_errors() {
    let cfg = |style: &str| CitationConfig {
        style: style.into(),
        ..Default::default()
    };
    let err = CitationEngine::new(&cfg("chicago-nots"), Path::new("."), BTreeMap::new())
        .err()
        .unwrap();
    assert_eq!(err.path, "quire.toml");
    assert!(err.message.contains("unknown style `chicago-nots`"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("house.csl"), "<style>not csl").unwrap();
    let err = CitationEngine::new(&cfg("house.csl"), dir.path(), BTreeMap::new())
        .err()
        .unwrap();
    assert_eq!(err.path, "house.csl");
    assert!(err.message.contains("malformed CSL style"));
}
