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

    // Clean: exit 0, text grouped by file (as on a terminal), the matrix,
    // a count.
    let (code, out, _) = quire(&root, &["check", "--heading"]);
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

/// One finding of `path:line:col: severity: message`, parsed.
#[derive(Debug, PartialEq)]
struct Finding {
    path: String,
    line: usize,
    col: usize,
    severity: String,
    message: String,
}

fn parse_line(line: &str) -> Finding {
    let mut parts = line.splitn(5, ':');
    let mut next = || {
        parts
            .next()
            .unwrap_or_else(|| panic!("too few parts: {line}"))
    };
    let path = next().to_string();
    let line_no = next()
        .parse()
        .unwrap_or_else(|_| panic!("no line number: {line}"));
    let col = next()
        .parse()
        .unwrap_or_else(|_| panic!("no column: {line}"));
    let severity = next().trim().to_string();
    let message = next().trim().to_string();
    Finding {
        path,
        line: line_no,
        col,
        severity,
        message,
    }
}

/// A site with one error (a broken internal link) and one warning (a
/// citation without its date of access).
fn site_with_an_error_and_a_warning() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../quire-check/tests/fixtures/site"),
        &root,
    );
    let en = root.join("content/briefs/harbor-fees/index.md");
    let text = std::fs::read_to_string(&en).unwrap();
    let text = text
        .replace(", (Date of access: 04.03.2024)", "")
        .replace("(/briefs/harbor-fees/#who-pays)", "(/briefs/gone/)");
    std::fs::write(&en, text).unwrap();
    (dir, root)
}

/// Not on a terminal, text findings are one `path:line:col: severity:
/// message` a line on stdout (nothing else there), the summary on stderr.
#[test]
fn text_output_off_a_terminal_is_one_finding_a_line() {
    let (_dir, root) = site_with_an_error_and_a_warning();
    let (code, out, err) = quire(&root, &["check"]);
    assert_eq!(code, 1, "{out}{err}");
    let findings: Vec<Finding> = out.lines().map(parse_line).collect();
    let (_, json, _) = quire(&root, &["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let expected = json["diagnostics"].as_array().unwrap();
    assert_eq!(findings.len(), expected.len(), "{out}");
    for (f, d) in findings.iter().zip(expected) {
        assert_eq!(f.path, d["path"].as_str().unwrap());
        assert_eq!(f.line as u64, d["line"].as_u64().unwrap());
        assert_eq!(f.severity, d["severity"].as_str().unwrap());
        assert_eq!(f.message, d["message"].as_str().unwrap());
    }
    let error = findings.iter().find(|f| f.severity == "error").unwrap();
    assert_eq!(
        (error.path.as_str(), error.line),
        ("content/briefs/harbor-fees/index.md", 12)
    );
    assert!(error.col > 0);
    assert!(findings.iter().any(|f| f.severity == "warning"));
    assert!(err.contains("Translations: section briefs"), "{err}");
    assert!(err.contains("1 error(s), 1 warning(s)"), "{err}");
}

/// `--format github`: one workflow command a finding, with the file, line
/// and column as properties, parsed as the Actions runner reads them.
#[test]
fn github_format_is_one_annotation_a_finding() {
    let (_dir, root) = site_with_an_error_and_a_warning();
    let (code, out, _) = quire(&root, &["check", "--format", "github"]);
    assert_eq!(code, 1, "{out}");
    let mut kinds = Vec::new();
    for line in out.lines() {
        let rest = line.strip_prefix("::").unwrap_or_else(|| panic!("{line}"));
        let (command, message) = rest.split_once("::").unwrap();
        let (kind, properties) = command.split_once(' ').unwrap();
        let properties: std::collections::HashMap<&str, &str> = properties
            .split(',')
            .map(|p| p.split_once('=').unwrap())
            .collect();
        assert!(["error", "warning", "notice"].contains(&kind), "{line}");
        let file = properties["file"];
        assert!(!file.is_empty() && !file.starts_with('/'), "{line}");
        assert!(!message.is_empty() && !message.contains('\n'));
        if kind == "error" {
            assert_eq!(properties["file"], "content/briefs/harbor-fees/index.md");
            assert_eq!(properties["line"], "12");
            assert!(properties["col"].parse::<usize>().unwrap() > 0);
        }
        kinds.push(kind.to_string());
    }
    assert_eq!(kinds.iter().filter(|k| *k == "error").count(), 1, "{out}");
    assert_eq!(kinds.iter().filter(|k| *k == "warning").count(), 1, "{out}");
}
