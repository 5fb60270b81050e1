//! Bad input: every error names the file and line, the exit status is 1,
//! and the previous output survives untouched.

use crate::common::{Site, tree};

/// Builds once (the "previous output"), breaks the site, builds again, and
/// checks the failure.
fn assert_fails(break_site: impl Fn(&Site), file: &str, line: usize, needle: &str) {
    let site = Site::fixture("basic");
    site.build();
    let before = tree(&site.public());
    break_site(&site);
    let run = site.quire(&["build"]);
    assert_eq!(run.code, 1, "exit status for {file}:\n{}", run.stderr);
    let location = format!("{file}:{line}:");
    assert!(
        run.stderr.contains(&location),
        "expected `{location}` in:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(needle),
        "expected `{needle}` in:\n{}",
        run.stderr
    );
    assert_eq!(tree(&site.public()), before, "the previous output changed");
}

#[test]
fn unclosed_front_matter() {
    assert_fails(
        |s| {
            s.write(
                "content/briefs/broken.md",
                "+++\ntitle = \"Broken\"\ndate = 2024-01-01\n\nBody without a closing fence.\n",
            );
        },
        "content/briefs/broken.md",
        1,
        "never closed",
    );
}

#[test]
fn unknown_author() {
    assert_fails(
        |s| {
            s.write(
                "content/briefs/x.md",
                "+++\ntitle = \"X\"\ndate = 2024-01-01\nauthors = [\"ayla-demirr\"]\n+++\nText.\n",
            );
        },
        "content/briefs/x.md",
        4,
        "unknown author `ayla-demirr` (did you mean `ayla-demir`?)",
    );
}

#[test]
fn unknown_config_key() {
    assert_fails(
        |s| {
            let config = std::fs::read_to_string(s.root.join("quire.toml")).unwrap();
            s.write(
                "quire.toml",
                &config.replace("paginate = 2", "paginate = 2\npaginat = 3"),
            );
        },
        "quire.toml",
        6,
        "unknown field `paginat`",
    );
}

#[test]
fn unknown_front_matter_key() {
    assert_fails(
        |s| {
            s.write(
                "content/briefs/x.md",
                "+++\ntitle = \"X\"\ndate = 2024-01-01\nhiglights = [\"a\"]\n+++\nText.\n",
            );
        },
        "content/briefs/x.md",
        4,
        "unknown front matter key `higlights` (did you mean `highlights`?)",
    );
}

#[test]
fn footnote_reference_without_definition() {
    assert_fails(
        |s| {
            s.write(
                "content/briefs/x.md",
                "+++\ntitle = \"X\"\ndate = 2024-01-01\n+++\nFirst line.\n\nA claim.[^missing]\n",
            );
        },
        "content/briefs/x.md",
        7,
        "footnote reference [^missing] has no definition",
    );
}

#[test]
fn two_pages_with_the_same_url() {
    assert_fails(
        |s| {
            s.write(
                "content/briefs/copy.md",
                "+++\ntitle = \"Copy\"\ndate = 2024-01-01\nslug = \"river-talks\"\n+++\nText.\n",
            );
        },
        "content/briefs/copy.md",
        4,
        "both want the URL /briefs/river-talks/",
    );
}

#[test]
fn invalid_date() {
    assert_fails(
        |s| {
            s.write(
                "content/briefs/x.md",
                "+++\ntitle = \"X\"\ndate = 2024-02-30\n+++\nText.\n",
            );
        },
        "content/briefs/x.md",
        3,
        "date",
    );
}

#[test]
fn unknown_language_suffix() {
    assert_fails(
        |s| {
            s.write(
                "content/briefs/river-talks/index.de.md",
                "+++\ntitle = \"X\"\ndate = 2024-01-01\n+++\nText.\n",
            );
        },
        "content/briefs/river-talks/index.de.md",
        1,
        "[languages.de]",
    );
}

#[test]
fn broken_internal_link_anchor() {
    assert_fails(
        |s| {
            s.write("content/briefs/x.md", "+++\ntitle = \"X\"\ndate = 2024-01-01\n+++\nSee [it](@/briefs/river-talks/index.md#nowhere).\n");
        },
        "content/briefs/x.md",
        5,
        "#nowhere is not an anchor",
    );
}

#[test]
fn all_errors_are_listed_not_just_the_first() {
    let site = Site::fixture("basic");
    site.write(
        "content/briefs/a.md",
        "+++\ntitle = \"A\"\ndate = 2024-13-01\n+++\n",
    );
    site.write(
        "content/briefs/b.md",
        "+++\ntitle = \"B\"\ndate = 2024-01-01\nauthors = [\"nobody\"]\n+++\n",
    );
    let run = site.quire(&["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("content/briefs/a.md:3:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("content/briefs/b.md:4:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("2 error(s)"), "{}", run.stderr);
}

#[test]
fn refuses_a_foreign_non_empty_output_folder() {
    let site = Site::fixture("basic");
    site.write("docs/keep.txt", "precious");
    let run = site.quire(&["build", "--output", "docs"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("not created by quire"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(site.root.join("docs/keep.txt")).unwrap(),
        "precious"
    );
    let run = site.quire(&["build", "--output", "."]);
    assert_eq!(run.code, 2);
    let run = site.quire(&["build", "--output", "content/out"]);
    assert_eq!(run.code, 2);
    assert!(!site.root.join("content/out").exists());
}

#[test]
fn missing_site_is_a_usage_error() {
    let site = Site::fixture("basic");
    let run = site.quire(&["build", "--root", "nowhere"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("has no quire.toml"));
}

#[test]
fn a_body_error_does_not_hide_a_citation_error_on_the_same_page() {
    let site = Site::fixture("basic");
    site.write(
        "content/briefs/x.md",
        "+++\ntitle = \"X\"\ndate = 2024-01-01\n+++\nClaim [@lund2002] and more[^9].\n",
    );
    let run = site.quire(&["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("[^9] has no definition"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("lund2002"), "{}", run.stderr);
}

#[test]
fn a_slug_with_path_characters_warns_and_stays_inside_its_section() {
    let site = Site::fixture("basic");
    site.write(
        "content/briefs/evil.md",
        "+++\ntitle = \"Evil\"\ndate = 2024-01-01\nslug = \"../../etc\"\n+++\nBody.\n",
    );
    let run = site.build();
    assert!(
        run.stderr.contains("content/briefs/evil.md:4:")
            && run
                .stderr
                .contains("slug `../../etc` is not one URL segment"),
        "{}",
        run.stderr
    );
    assert!(site.public().join("briefs/etc/index.html").is_file());
}

#[test]
fn a_default_language_without_its_table_is_an_error() {
    assert_fails(
        |s| {
            let config = std::fs::read_to_string(s.root.join("quire.toml")).unwrap();
            let default = config
                .lines()
                .find(|l| l.starts_with("default_language"))
                .expect("fixture sets default_language")
                .to_string();
            s.write(
                "quire.toml",
                &config.replacen(&default, "default_language = \"eng\"", 1),
            );
        },
        "quire.toml",
        4,
        "default_language `eng` has no [languages.eng] table",
    );
}
