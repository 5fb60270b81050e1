//! Property test: whatever slug, alias, translation key or file name a
//! site uses, every artifact path of the build is a safe relative path
//! (`emit::is_safe_path`), so nothing can be written outside the output.

use std::path::Path;

use proptest::prelude::*;
use quire_build::{BuildOptions, build_in_memory, emit::is_safe_path};

/// Strings built from path-like pieces and odd characters.
fn pathish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            "[a-z0-9]{1,5}",
            Just("..".to_string()),
            Just(".".to_string()),
            Just("/".to_string()),
            Just("\\".to_string()),
            Just("%2e%2e".to_string()),
            Just("?#".to_string()),
            Just(" ".to_string()),
            Just("Çı".to_string()),
            Just("ж".to_string()),
            Just("\u{202E}".to_string()),
            any::<char>().prop_map(String::from),
        ],
        0..8,
    )
    .prop_map(|parts| parts.concat())
}

/// A file name: anything but `/` and NUL, which no file system allows.
fn file_stem() -> impl Strategy<Value = String> {
    pathish()
        .prop_map(|s| s.replace(['/', '\0'], "_"))
        .prop_filter("a real name", |s| {
            !s.is_empty() && s != "." && s != ".." && !s.starts_with('.') && s.len() < 100
        })
}

/// A TOML basic string literal (JSON escaping is a subset TOML reads,
/// except for characters TOML refuses, which then fail the build cleanly).
fn toml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn output_paths_stay_inside(
        slug in pathish(),
        alias in pathish(),
        key in pathish(),
        tag in pathish(),
        stem in file_stem(),
        section in file_stem(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "quire.toml", "title = \"T\"\nbase_url = \"https://example.org\"\ndefault_language = \"en\"\n\n[languages.en]\nname = \"English\"\n\n[languages.tr]\nname = \"Türkçe\"\n\n[taxonomies]\ntags = {}\n");
        let fm = |extra: &str| format!("+++\ntitle = \"A\"\ndate = 2024-01-01\n{extra}+++\nBody.\n");
        write(root, &format!("content/{section}/{stem}.md"), &fm(&format!(
            "slug = {}\naliases = [{}]\ntranslation_key = {}\ntags = [{}]\n",
            toml_str(&slug), toml_str(&format!("/{alias}")), toml_str(&key), toml_str(&tag)
        )));
        write(root, &format!("content/{section}/{stem}.tr.md"), &fm(&format!("slug = {}\n", toml_str(&slug))));
        write(root, "content/other/b.tr.md", &fm(&format!("translation_key = {}\n", toml_str(&key))));
        let (built, report) = build_in_memory(&BuildOptions::new(root));
        if let Some(site) = built {
            for artifact in &site.artifacts {
                prop_assert!(is_safe_path(&artifact.path), "unsafe output path {:?}", artifact.path);
            }
        } else {
            prop_assert!(report.diagnostics.has_errors() || report.error.is_some(), "a failed build must say why");
        }
    }
}
