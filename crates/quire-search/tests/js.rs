//! Runs the browser module's tests (tests/js, `node --test`) against index
//! files written by `build_index`, with quire-text's analysis of a list of
//! word forms as the expected answers. Skipped, with a message, only when
//! `node` is not installed.

mod support;

use std::path::Path;
use std::process::Command;

use quire_search::build_index;
use serde_json::json;

fn node_available() -> bool {
    Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn browser_module_agrees_with_rust_analysis() {
    if !node_available() {
        eprintln!("SKIPPED browser_module_agrees_with_rust_analysis: `node` is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut expected = serde_json::Map::new();
    for lang in ["tr", "ru", "en"] {
        for file in build_index(lang, &support::corpus(lang)) {
            let path = dir.path().join(&file.path);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&path, &file.bytes).expect("write");
        }
        let analyzer = quire_text::Analyzer::new(lang);
        let words: Vec<_> = support::word_forms(lang)
            .into_iter()
            .map(|word| {
                let tokens: Vec<_> = analyzer
                    .tokens(word)
                    .into_iter()
                    .map(|t| json!({ "folded": t.folded, "term": t.term }))
                    .collect();
                json!({ "word": word, "tokens": tokens })
            })
            .collect();
        expected.insert(lang.to_string(), words.into());
    }
    std::fs::write(
        dir.path().join("expected.json"),
        serde_json::to_vec(&expected).expect("json"),
    )
    .expect("write expected");

    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js");
    let out = Command::new("node")
        .arg("--test")
        .arg(tests.join("search.test.mjs"))
        .env("QUIRE_SEARCH_DIR", dir.path())
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "node --test failed\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    // Show node's summary under `--nocapture`.
    for line in stdout.lines().filter(|l| l.starts_with("# ")) {
        println!("node: {line}");
    }
    // Guard against a run that executed nothing.
    assert!(stdout.contains("# pass"), "{stdout}");
    assert!(!stdout.contains("# pass 0"), "{stdout}");
}
