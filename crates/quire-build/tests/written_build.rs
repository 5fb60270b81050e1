//! The build that writes to disk — files streamed into a staging folder,
//! source texts freed once notes are resolved, each body's final HTML made
//! as its page renders — gives exactly the files of the build held in
//! memory, on the bundled example site (notes, citations, three languages).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use quire_build::{Body, BuildOptions, build, build_in_memory};

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            if entry.file_name() != "public" {
                copy_tree(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

fn files_under(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![PathBuf::from(root)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read output") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(root).expect("inside output");
                let rel = rel.to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(&path).expect("read file"));
            }
        }
    }
    out
}

#[test]
fn written_build_has_the_in_memory_build_files() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/policy-site");
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("site");
    copy_tree(&example, &root);
    let options = BuildOptions::new(&root);

    let (built, report) = build_in_memory(&options);
    let built = built.unwrap_or_else(|| panic!("in-memory build failed: {:?}", report.diagnostics));
    let mut expected = BTreeMap::new();
    for artifact in built.artifacts {
        let bytes = match artifact.body {
            Body::Bytes(bytes) => bytes,
            Body::Copy(path) => std::fs::read(&path).expect("read copied file"),
        };
        expected.insert(artifact.path, bytes);
    }
    // Notes were resolved in the pages that cite (the part of the body
    // made as each page renders).
    let cited = expected
        .iter()
        .filter(|(path, bytes)| {
            path.ends_with("index.html")
                && String::from_utf8_lossy(bytes).contains("role=\"doc-noteref\"")
        })
        .count();
    assert!(cited >= 3, "only {cited} pages with note markers");

    let report = build(&options);
    assert!(report.succeeded(), "{:?}", report.diagnostics);
    let mut written = files_under(&options.output);
    // The marker that lets a later build replace this folder.
    assert!(
        written.remove(".quire-output").is_some(),
        "no output marker"
    );
    let missing: Vec<&String> = expected
        .keys()
        .filter(|p| !written.contains_key(*p))
        .collect();
    let extra: Vec<&String> = written
        .keys()
        .filter(|p| !expected.contains_key(*p))
        .collect();
    assert!(missing.is_empty(), "not written: {missing:?}");
    assert!(
        extra.is_empty(),
        "written but not built in memory: {extra:?}"
    );
    for (path, bytes) in &expected {
        assert!(
            written[path] == *bytes,
            "{path} differs from the in-memory build"
        );
    }
    // The report counts HTML pages, not the "cite this" downloads and
    // other files written beside them.
    let html = written.keys().filter(|p| p.ends_with(".html")).count();
    assert_eq!(report.pages, html);
    assert_eq!(report.files, written.len());
    assert!(report.pages < report.files);
}
