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
fn crossref_cycles_and_long_chains_are_errors_at_the_entry_key() {
    // Before the guard, each of these overflowed the stack (exit 134) or
    // took seconds to minutes (quadratic chains).
    let path = "bibliography/loop.bib";
    let errors = Bibliography::parse(
        path,
        "@book{ok, title={Fine}}\n@inbook{self, crossref={self}}\n",
    )
    .unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        (errors[0].path.as_str(), errors[0].line, errors[0].col),
        (path, 2, 9)
    );
    assert!(
        errors[0].message.contains("`self` inherits from itself"),
        "{}",
        errors[0]
    );

    let errors = Bibliography::parse(
        path,
        "@xdata{a, xdata={b}}\n@xdata{b, xdata={a}}\n@book{c, title={C}}\n",
    )
    .unwrap_err();
    assert_eq!(errors[0].line, 1);
    assert!(
        errors[0].message.contains("`a` → `b` → `a`"),
        "{}",
        errors[0]
    );

    let mut chain = String::new();
    for i in 0..5_000 {
        chain.push_str(&format!(
            "@book{{e{i}, title={{T}}, crossref={{e{}}}}}\n",
            i + 1
        ));
    }
    let started = std::time::Instant::now();
    let errors = Bibliography::parse(path, &chain).unwrap_err();
    assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].line, 1);
    assert!(
        errors[0].message.contains("quire follows at most 16"),
        "{}",
        errors[0]
    );

    // A chain as deep as allowed still resolves.
    let mut ok = String::new();
    for i in 0..16 {
        ok.push_str(&format!("@book{{e{i}, crossref={{e{}}}}}\n", i + 1));
    }
    ok.push_str("@book{e16, title={Root}, publisher={P}}\n");
    let bib = Bibliography::parse(path, &ok).unwrap();
    assert_eq!(bib.len(), 17);
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
