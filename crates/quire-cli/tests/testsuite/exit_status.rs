//! Exit statuses, ripgrep-style: 0 success, 1 content errors, 2 wrong
//! usage, 3 output or I/O failure — the same for every command.

use crate::common::Site;

/// Building into a folder that cannot be written exits with 3 and names
/// the path, and no output appears.
#[cfg(unix)]
#[test]
fn an_unwritable_output_folder_exits_3_naming_the_path() {
    use std::os::unix::fs::PermissionsExt;
    let site = Site::fixture("basic");
    let locked = site.root.parent().unwrap().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Some users (root, a CAP_DAC_OVERRIDE container) write anyway: then
    // there is no failure to test. Ask the file system, not the user id.
    if std::fs::write(locked.join("probe"), "x").is_ok() {
        eprintln!("skipped: this user can write into a read-only folder");
        return;
    }
    let output = locked.join("public");
    let run = site.quire(&["build", "--output", output.to_str().unwrap()]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(run.code, 3, "{}", run.stderr);
    let first = run
        .stderr
        .lines()
        .find(|l| l.starts_with("error:"))
        .unwrap_or_default();
    assert!(
        first.contains(locked.to_str().unwrap()),
        "the error does not name the folder: {}",
        run.stderr
    );
    assert!(!output.exists());
}

/// An output folder that cannot be made (its parent is a file) is an I/O
/// failure for every user, root included: exit 3, the path named, the
/// file left as it was.
#[test]
fn an_output_under_a_file_exits_3_naming_the_path() {
    let site = Site::fixture("basic");
    site.write("not-a-folder", "keep me");
    let output = site.root.join("not-a-folder").join("public");
    let run = site.quire(&["build", "--output", output.to_str().unwrap()]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains("not-a-folder"),
        "the error does not name the path: {}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(site.root.join("not-a-folder")).unwrap(),
        "keep me"
    );
}

/// An output folder quire refuses to replace (not made by quire) is a
/// usage error: the message says to choose another `--output`.
#[test]
fn a_refused_output_folder_exits_2() {
    let site = Site::fixture("basic");
    site.write("mine/keep.txt", "mine");
    let run = site.quire(&["build", "--output", "mine"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("refusing to replace"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(site.root.join("mine/keep.txt")).unwrap(),
        "mine"
    );
}

/// A content error exits with 1, for `build` and `check` alike.
#[test]
fn a_content_error_exits_1() {
    let site = Site::fixture("basic");
    site.write(
        "content/briefs/broken.md",
        "+++\ntitle = \"Broken\"\ndate = 2024-13-45\n+++\nBody.\n",
    );
    let build = site.quire(&["build"]);
    assert_eq!(build.code, 1, "{}", build.stderr);
    assert!(
        build.stderr.contains("content/briefs/broken.md"),
        "{}",
        build.stderr
    );
    let check = site.quire(&["check"]);
    assert_eq!(check.code, 1, "{}{}", check.stdout, check.stderr);
}

/// A bad flag, a missing argument or a folder that is not a site exits
/// with 2, whatever the command.
#[test]
fn wrong_usage_exits_2() {
    let site = Site::fixture("basic");
    for args in [
        &["build", "--no-such-flag"][..],
        &["check", "--format", "yaml"],
        &["serve", "--port", "not-a-port"],
        &["import", "wordpress"],
        &["new", "not-a-section-slug"],
        &["build", "--root", "content"],
        &["check", "--root", "content"],
    ] {
        let run = site.quire(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(!run.stderr.is_empty(), "{args:?} said nothing");
    }
}

/// Success is 0.
#[test]
fn a_clean_build_exits_0() {
    let site = Site::fixture("basic");
    assert_eq!(site.quire(&["build"]).code, 0);
}
