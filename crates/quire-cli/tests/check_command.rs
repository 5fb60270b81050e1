//! `quire check` end to end: exit statuses, JSON output, `--deny-warnings`
//! and `--mark-translated`, on a copy of quire-check's fixture site.

use std::path::Path;
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn quire(root: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(args)
        .current_dir(root)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn exit_status_json_and_marking_translations() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../quire-check/tests/fixtures/site"),
        &root,
    );
    let en = root.join("content/briefs/harbor-fees/index.md");
    let tr = "content/briefs/harbor-fees/index.tr.md";

    // Clean: exit 0, text grouped by file, the matrix, a count.
    let (code, out, _) = quire(&root, &["check"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("content/briefs/harbor-fees/index.md\n     8:66 info    note 2 is ibid."),
        "{out}"
    );
    assert!(out.contains("Translations: section briefs"), "{out}");
    assert!(
        out.ends_with("0 error(s), 0 warning(s), 3 info(s)\n"),
        "{out}"
    );

    // A warning: exit 0, unless --deny-warnings.
    let text = std::fs::read_to_string(&en).unwrap();
    std::fs::write(&en, text.replace(", (Date of access: 04.03.2024)", "")).unwrap();
    assert_eq!(quire(&root, &["check"]).0, 0);
    assert_eq!(quire(&root, &["check", "--deny-warnings"]).0, 1);

    // An error: exit 1; JSON for CI.
    let text = std::fs::read_to_string(&en).unwrap();
    std::fs::write(
        &en,
        text.replace("(/briefs/harbor-fees/#who-pays)", "(/briefs/gone/)"),
    )
    .unwrap();
    let (code, out, _) = quire(&root, &["check", "--format", "json"]);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["errors"], 1);
    assert_eq!(json["warnings"], 1);
    let error = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["severity"] == "error")
        .unwrap();
    assert_eq!(error["path"], "content/briefs/harbor-fees/index.md");
    assert_eq!(error["line"], 12);
    assert_eq!(json["translations"][0]["section"], "briefs");
    assert_eq!(json["translations"][0]["rows"][0]["versions"][1], tr);

    // --mark-translated writes the fingerprint into the front matter.
    let (code, out, err) = quire(&root, &["check", "--mark-translated", tr]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("translated_from"), "{out}");
    let marked = std::fs::read_to_string(root.join(tr)).unwrap();
    assert!(marked.contains("\ntranslated_from = \""), "{marked}");
    let (code, _, err) = quire(
        &root,
        &[
            "check",
            "--mark-translated",
            "content/briefs/harbor-fees/index.md",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("not a translation"), "{err}");

    // Not a site: usage error.
    assert_eq!(quire(dir.path(), &["check"]).0, 2);
}
