//! Rebuilds reuse the previous output: nothing changed → nothing written;
//! one article edited → only the files whose bytes changed are new, the
//! rest keep their inode; a damaged output is repaired, never trusted.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::common::*;

/// Inode of every file of the output, by relative path.
fn inodes(dir: &Path) -> std::collections::BTreeMap<String, u64> {
    let mut out = std::collections::BTreeMap::new();
    for (path, _) in tree(dir) {
        let meta = std::fs::metadata(dir.join(&path)).unwrap();
        out.insert(path, meta.ino());
    }
    out
}

#[test]
fn nothing_changed_means_nothing_written() {
    let site = Site::fixture("basic");
    site.build();
    let before = inodes(&site.public());
    let run = site.build();
    assert!(
        run.stderr.contains("Nothing changed since the last build"),
        "{}",
        run.stderr
    );
    assert_eq!(inodes(&site.public()), before, "no file was replaced");
}

#[test]
fn an_edit_rewrites_only_the_files_that_changed() {
    let site = Site::fixture("basic");
    site.build();
    let before = inodes(&site.public());
    let page = "briefs/river-talks/index.html";
    let old = site.output(page);
    let source = site.root.join("content/briefs/river-talks/index.md");
    let text = std::fs::read_to_string(&source).unwrap();
    site.write(
        "content/briefs/river-talks/index.md",
        &text.replace("Weekly river data", "Hourly river data"),
    );
    let run = site.build();
    assert!(run.stderr.contains("Built "), "{}", run.stderr);
    assert!(site.output(page).contains("Hourly river data"));
    assert_ne!(site.output(page), old);
    let after = inodes(&site.public());
    assert_ne!(after[page], before[page], "the edited page is new");
    // A page the edit cannot reach keeps its file.
    let about = "about/index.html";
    assert_eq!(after[about], before[about], "{about} was rewritten");
    let kept = after
        .iter()
        .filter(|(p, ino)| before.get(*p) == Some(ino))
        .count();
    assert!(
        kept * 2 > after.len(),
        "most files kept: {kept} of {}",
        after.len()
    );
    // The result is what a fresh build gives, byte for byte.
    let fresh = Site::fixture("basic");
    fresh.write(
        "content/briefs/river-talks/index.md",
        &text.replace("Weekly river data", "Hourly river data"),
    );
    fresh.build();
    assert_eq!(tree(&site.public()), tree(&fresh.public()));
}

#[test]
fn a_damaged_output_is_rebuilt() {
    let site = Site::fixture("basic");
    site.build();
    let whole = tree(&site.public());
    // Deleted and edited output files are noticed and made again.
    std::fs::remove_file(site.public().join("about/index.html")).unwrap();
    std::fs::write(site.public().join("index.html"), "scribbled").unwrap();
    let run = site.build();
    assert!(run.stderr.contains("Built "), "{}", run.stderr);
    assert_eq!(tree(&site.public()), whole);
}

#[test]
fn other_options_are_another_build() {
    let site = Site::fixture("basic");
    site.build();
    let run = site.quire(&["build", "--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("Built "), "{}", run.stderr);
}
