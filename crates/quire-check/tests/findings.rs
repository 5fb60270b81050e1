//! Every kind of finding of `quire check`, provoked on a copy of the small
//! fixture site in `tests/fixtures/site`.

use std::path::{Path, PathBuf};

use quire_check::{CheckOptions, CheckReport, check, mark_translated};
use quire_core::{Diagnostic, Severity};

struct Site {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

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

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site"),
            &root,
        );
        Site { _dir: dir, root }
    }

    fn write(&self, rel: &str, text: &str) -> &Self {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap()
    }

    /// Replaces `from` by `to` in a file; the text must be there.
    fn edit(&self, rel: &str, from: &str, to: &str) -> &Self {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} has no `{from}`");
        self.write(rel, &text.replacen(from, to, 1))
    }

    fn check(&self) -> CheckReport {
        check(&CheckOptions::new(&self.root))
    }
}

const EN: &str = "content/briefs/harbor-fees/index.md";
const TR: &str = "content/briefs/harbor-fees/index.tr.md";

/// The findings of one severity whose message contains `text`.
fn find<'a>(report: &'a CheckReport, severity: Severity, text: &str) -> Vec<&'a Diagnostic> {
    report
        .diagnostics
        .0
        .iter()
        .filter(|d| d.severity == severity && d.message.contains(text))
        .collect()
}

fn one<'a>(report: &'a CheckReport, severity: Severity, text: &str) -> &'a Diagnostic {
    let found = find(report, severity, text);
    assert_eq!(
        found.len(),
        1,
        "expected one {severity:?} with `{text}`, got: {:#?}",
        report.diagnostics.0
    );
    found[0]
}

#[test]
fn the_fixture_is_clean_and_says_what_it_knows() {
    let report = Site::new().check();
    assert_eq!(
        report.diagnostics.error_count(),
        0,
        "{:#?}",
        report.diagnostics
    );
    assert_eq!(
        report.diagnostics.warning_count(),
        0,
        "{:#?}",
        report.diagnostics
    );
    // Infos: each ibid. note and the source it resolves to, uncited records.
    let ibid = find(
        &report,
        Severity::Info,
        "note 2 is ibid. of `https://gazette.example.org/fees` (note 1)",
    );
    let places: Vec<(&str, usize, usize)> = ibid
        .iter()
        .map(|d| (d.path.as_str(), d.line, d.col))
        .collect();
    assert_eq!(places, vec![(EN, 8, 66), (TR, 8, 64)]);
    let uncited = one(&report, Severity::Info, "`quaydata2022` is never cited");
    assert_eq!(
        (uncited.path.as_str(), uncited.line),
        ("bibliography/works.bib", 8)
    );
    assert!(find(&report, Severity::Info, "`lund2020` is never cited").is_empty());
}

#[test]
fn broken_site_paths_and_anchors_are_errors_with_their_line() {
    let site = Site::new();
    site.edit(
        EN,
        "See also the",
        "Go [home](/), [nowhere](/briefs/gone/), [bad part](/tr/briefs/harbor-fees/#who-pays), [here](#who-pays), [nothere](#missing). See also the",
    );
    let report = site.check();
    let gone = one(&report, Severity::Error, "link to /briefs/gone/");
    assert_eq!((gone.path.as_str(), gone.line), (EN, 12));
    let at: String = gone
        .source_line
        .as_deref()
        .unwrap()
        .chars()
        .skip(gone.source_col - 1)
        .take(13)
        .collect();
    assert_eq!(at, "/briefs/gone/");
    // The Turkish page's heading has a Turkish id.
    let part = one(
        &report,
        Severity::Error,
        "link to /tr/briefs/harbor-fees/#who-pays",
    );
    assert!(part.message.contains("#kim-oduyor"), "{}", part.message);
    one(&report, Severity::Error, "link to #missing");
    assert_eq!(
        report.diagnostics.error_count(),
        3,
        "{:#?}",
        report.diagnostics
    );
}

#[test]
fn build_findings_are_kept_unknown_keys_with_suggestions_and_undefined_notes() {
    let site = Site::new();
    site.edit(EN, "[@lund2020]", "[@lund2002]")
        .edit(TR, "Sonbaharda", "Tanımsız[^9]. Sonbaharda");
    let report = site.check();
    let key = one(&report, Severity::Error, "lund2002");
    assert!(key.message.contains("lund2020"), "{}", key.message);
    assert!(
        !find(&report, Severity::Error, "[^9]").is_empty(),
        "{:#?}",
        report.diagnostics
    );
    // Even though the build fails, the other checks still run.
    one(&report, Severity::Info, "`quaydata2022` is never cited");
}

#[test]
fn empty_notes_are_errors() {
    let site = Site::new();
    site.edit(EN, "[^2]: Ibid.", "[^2]: Ibid.\n[^3]:\n\nAnd more.[^3]");
    let report = site.check();
    let empty = one(&report, Severity::Error, "footnote [^3] is empty");
    assert_eq!(empty.path, EN);
}

#[test]
fn ibid_after_a_repeated_marker_is_ambiguous() {
    let site = Site::new();
    site.edit(
        EN,
        "They went up again by autumn.[^2]",
        "Again.[^b] Back to the first.[^1] And then.[^2]",
    )
    .edit(EN, "[^2]: Ibid.", "[^2]: Ibid.\n[^b]: “Other notice”, Port Gazette, https://gazette.example.org/other, (Date of access: 04.03.2024).");
    let report = site.check();
    let d = one(&report, Severity::Warning, "is ambiguous");
    assert!(d.message.contains("repeats note 1"), "{}", d.message);
    assert_eq!(d.line, 8);
    // It still says where the ibid. points.
    one(
        &report,
        Severity::Info,
        "note 3 is ibid. of `https://gazette.example.org/other`",
    );
}

#[test]
fn web_sources_without_access_dates_in_notes_and_records() {
    let site = Site::new();
    site.edit(EN, ", (Date of access: 04.03.2024)", "");
    site.edit("bibliography/works.bib", "  urldate = {2023-02-01},\n", "");
    let report = site.check();
    let note = one(
        &report,
        Severity::Warning,
        "footnote [^1] cites https://gazette.example.org/fees without an access date",
    );
    assert_eq!(note.path, EN);
    let record = one(
        &report,
        Severity::Warning,
        "`quaydata2022` cites https://data.example.org/fees without an access date",
    );
    assert_eq!(
        (record.path.as_str(), record.line),
        ("bibliography/works.bib", 8)
    );
}

#[test]
fn translations_are_compared_with_their_original() {
    let site = Site::new();
    site.edit(TR, "date = 2024-03-01", "date = 2024-03-05")
        .edit(
            TR,
            "\"Küçük limanlar trafik kaybetti.\"]",
            "\"Küçük limanlar trafik kaybetti.\", \"Üçüncü.\"]",
        )
        .edit(TR, "authors = [\"mira-sol\"]", "authors = []")
        .edit(
            TR,
            "https://gazette.example.org/fees, (Erişim",
            "https://gazette.example.org/ucret, (Erişim",
        )
        .edit(TR, "[@lund2020]", "")
        .edit(
            TR,
            "[^2]: a.g.e.",
            "[^2]: a.g.e.\n[^3]: Ek not.\n[^4]: Bir not daha.\n\nSon.[^3] Bir daha.[^4]",
        );
    let report = site.check();
    let date = one(&report, Severity::Warning, "date 2024-03-05");
    assert_eq!((date.path.as_str(), date.line), (TR, 3));
    assert_eq!(one(&report, Severity::Warning, "3 highlights, but").line, 5);
    one(&report, Severity::Warning, "authors [] differ");
    one(
        &report,
        Severity::Warning,
        "4 notes, but content/briefs/harbor-fees/index.md has 3",
    );
    let urls = one(&report, Severity::Warning, "cited URLs differ");
    assert!(
        urls.message
            .contains("only here: https://gazette.example.org/ucret"),
        "{}",
        urls.message
    );
    let keys = one(&report, Severity::Warning, "cited keys differ");
    assert!(
        keys.message
            .contains("only in content/briefs/harbor-fees/index.md: lund2020"),
        "{}",
        keys.message
    );
}

#[test]
fn the_matrix_shows_which_articles_exist_in_which_languages() {
    let site = Site::new();
    site.write(
        "content/briefs/quay-walls/index.md",
        "+++\ntitle = \"Quay Walls\"\ndate = 2024-04-01\n+++\n\nWalls age.\n",
    );
    let report = site.check();
    let briefs = report
        .translations
        .iter()
        .find(|s| s.section == "briefs")
        .unwrap();
    assert_eq!(briefs.languages, vec!["en", "tr"]);
    let rows: Vec<(&str, Vec<bool>)> = briefs
        .rows
        .iter()
        .map(|r| {
            (
                r.article.as_str(),
                r.versions.iter().map(Option::is_some).collect(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("content/briefs/harbor-fees", vec![true, true]),
            ("content/briefs/quay-walls", vec![true, false]),
        ]
    );
}

#[test]
fn stale_translations_list_the_changed_paragraphs() {
    let site = Site::new();
    let marked = mark_translated(&site.root, Path::new(TR)).unwrap();
    assert_eq!(marked.original, EN);
    std::fs::write(&marked.file, &marked.text).unwrap();
    assert!(
        site.read(TR)
            .contains(&format!("translated_from = \"{}\"", marked.fingerprint))
    );
    let report = site.check();
    assert!(
        find(&report, Severity::Warning, "stale").is_empty(),
        "{:#?}",
        report.diagnostics
    );

    // Marking an original is refused.
    let refused = mark_translated(&site.root, Path::new(EN)).unwrap_err();
    assert!(refused.contains("not a translation"), "{refused}");

    site.edit(
        EN,
        "Carriers pass fees on to shippers.",
        "Carriers pass most fees on to shippers.",
    );
    let report = site.check();
    let stale = one(&report, Severity::Warning, "stale translation");
    assert_eq!(stale.path, TR);
    assert!(
        stale.message.contains("paragraphs at lines 12 changed"),
        "{}",
        stale.message
    );
    let changed = one(
        &report,
        Severity::Info,
        "changed since content/briefs/harbor-fees/index.tr.md was translated",
    );
    assert_eq!((changed.path.as_str(), changed.line), (EN, 12));

    // Marking again makes it fresh.
    let marked = mark_translated(&site.root, &site.root.join(TR)).unwrap();
    std::fs::write(&marked.file, &marked.text).unwrap();
    assert!(find(&site.check(), Severity::Warning, "stale").is_empty());

    site.edit(TR, &marked.fingerprint, "garbage");
    one(
        &site.check(),
        Severity::Error,
        "not a fingerprint written by quire",
    );
}
