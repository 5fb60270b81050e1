//! After each scripted edit, the incrementally rebuilt (parse-cached) site
//! must equal a fresh full build byte for byte, and a failed rebuild must
//! keep the last good files.

mod common;

use common::{Fixture, assert_equals_fresh};
use quire_build::BuildOptions;
use quire_serve::{Change, LiveSite};

const BASE: &str = "http://127.0.0.1:1111";

/// The built-in page template with a visible marker added, so the edit is
/// a real template change that every page using it must show.
const PAGE_TEMPLATE: &str = include_str!("../../quire-theme/templates/page.html");

fn live(f: &Fixture) -> LiveSite {
    let mut options = BuildOptions::new(&f.root);
    options.base_url = Some(BASE.to_string());
    LiveSite::new(options)
}

fn step(site: &LiveSite, f: &Fixture, name: &str) -> quire_serve::Rebuilt {
    let rebuilt = site.rebuild();
    assert!(
        rebuilt.succeeded,
        "{name}: rebuild failed: {:?}",
        rebuilt.diagnostics
    );
    assert_equals_fresh(&site.snapshot(), &f.root, BASE, name);
    rebuilt
}

fn page(site: &LiveSite, path: &str) -> String {
    let snap = site.snapshot();
    let file = snap.files.get(path).unwrap_or_else(|| {
        panic!(
            "no {path} among {:?}",
            snap.files.keys().collect::<Vec<_>>()
        )
    });
    String::from_utf8(file.bytes.to_vec()).expect("utf-8")
}

#[test]
fn every_scripted_edit_equals_a_fresh_build() {
    let f = Fixture::new();
    let site = live(&f);
    step(&site, &f, "first build");
    let fog = "content/notes/fog-signals/index.md";

    let r = step(&site, &f, "no change after the first build");
    assert_eq!(r.outputs.rendered, 0, "nothing changed: {:?}", r.outputs);
    let total = r.outputs.reused;

    f.edit(fog, "by hand", "by hand in shifts");
    let r = step(&site, &f, "body edit");
    assert_eq!(r.change, Change::Pages);
    // Incremental: the edited page and the pages that show its card or
    // summary (listings, similar posts) are rendered, the rest reused —
    // on this small site the other languages and unrelated listings.
    assert!(
        r.outputs.rendered >= 1 && r.outputs.rendered * 2 < total,
        "a body edit re-rendered {:?} of {total}",
        r.outputs
    );
    assert!(page(&site, "notes/fog-signals/index.html").contains("by hand in shifts"));

    f.edit(fog, "Fog Signals Before Radio", "Fog Horns Before Radio");
    step(&site, &f, "title edit");
    assert!(page(&site, "notes/index.html").contains("Fog Horns Before Radio"));

    f.write(
        "content/notes/lamp-oil/index.ru.md",
        "+++\ntitle = \"От китового жира к керосину\"\ndate = 2024-05-19\n+++\n\nСмена топлива изменила ночную работу смотрителя.\n",
    );
    step(&site, &f, "new translation");
    assert!(page(&site, "notes/lamp-oil/index.html").contains("/ru/notes/lamp-oil/"));

    std::fs::rename(
        f.root.join("content/notes/tide-tables"),
        f.root.join("content/notes/tide-almanacs"),
    )
    .expect("rename");
    step(&site, &f, "rename");
    assert!(
        !site
            .snapshot()
            .files
            .contains_key("notes/tide-tables/index.html")
    );
    assert!(
        site.snapshot()
            .files
            .contains_key("notes/tide-almanacs/index.html")
    );

    std::fs::remove_dir_all(f.root.join("content/notes/lamp-oil")).expect("delete");
    step(&site, &f, "delete");
    assert!(!page(&site, "notes/index.html").contains("Whale Oil"));

    f.write(
        "templates/page.html",
        &PAGE_TEMPLATE.replacen("</", "<!-- lantern-template-edit --></", 1),
    );
    let r = step(&site, &f, "template edit");
    assert!(
        r.outputs.rendered * 2 > r.outputs.rendered + r.outputs.reused,
        "a template edit re-renders the pages using it: {:?}",
        r.outputs
    );

    f.edit(
        "authors/mira-koval.toml",
        "maps old coastal lights",
        "restores old coastal lights",
    );
    step(&site, &f, "author bio edit");
    assert!(
        site.snapshot()
            .files
            .iter()
            .any(|(_, file)| file.bytes.windows(8).any(|w| w == b"restores"))
    );

    f.edit(
        "bibliography/refs.bib",
        "Horns in the Fog",
        "Horns and Bells in the Fog",
    );
    step(&site, &f, "bibliography edit");
    assert!(page(&site, "notes/fog-signals/index.html").contains("Horns and Bells in the Fog"));

    f.edit("quire.toml", "count = 2", "count = 1");
    step(&site, &f, "config edit");

    f.edit("static/extra.css", "outline: 0", "outline: 1px");
    let r = step(&site, &f, "stylesheet edit");
    assert_eq!(r.change, Change::Stylesheets);

    let r = step(&site, &f, "no change");
    assert_eq!(r.change, Change::None);
}

#[test]
fn a_failed_rebuild_keeps_the_last_good_site_and_reports_file_and_line() {
    let f = Fixture::new();
    let site = live(&f);
    step(&site, &f, "first build");
    let before = site.snapshot();
    let fog = "content/notes/fog-signals/index.md";
    f.edit(fog, "date = 2024-03-02", "date = 2024-13-45");
    let failed = site.rebuild();
    assert!(!failed.succeeded);
    assert_eq!(failed.change, Change::Pages, "the overlay must appear");
    let snap = site.snapshot();
    assert!(std::sync::Arc::ptr_eq(&snap.files, &before.files));
    assert!(
        snap.errors
            .iter()
            .any(|e| e.starts_with("content/notes/fog-signals/index.md:3:")),
        "{:?}",
        snap.errors
    );
    let again = site.rebuild();
    assert_eq!(again.change, Change::None, "same errors, nothing to reload");

    f.edit(fog, "date = 2024-13-45", "date = 2024-03-02");
    let fixed = step(&site, &f, "fixed");
    assert_eq!(fixed.change, Change::Pages, "the overlay must go");
    assert!(site.snapshot().errors.is_empty());
}

/// Regression (#37): a top-level input folder that is a symbolic link to
/// a folder outside the site, and files in hidden folders, are left out
/// alike by `quire build` and `quire serve`: the build used to warn
/// "symbolic link skipped" and then publish the outside files, which
/// serve left out.
#[cfg(unix)]
#[test]
fn build_and_serve_leave_out_linked_input_folders_and_hidden_files_alike() {
    let f = Fixture::new();
    let outside = f.dir.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("id_rsa"), "outside key").unwrap();
    std::fs::remove_dir_all(f.root.join("static")).unwrap();
    std::os::unix::fs::symlink(&outside, f.root.join("static")).unwrap();
    f.write("content/notes/fog-signals/.drafts/notes.txt", "private");
    f.write("content/notes/.obsidian/app.json", "{}");

    let names_the_link = |ds: &quire_core::Diagnostics| {
        ds.0.iter()
            .any(|d| d.path == "static" && d.message.contains("symbolic link"))
    };
    // Serve.
    let site = live(&f);
    let rebuilt = step(&site, &f, "linked static/");
    assert!(
        names_the_link(&rebuilt.diagnostics),
        "{:?}",
        rebuilt.diagnostics
    );
    let snap = site.snapshot();
    let leaked: Vec<&String> = snap
        .files
        .keys()
        .filter(|p| p.contains("id_rsa") || p.contains(".drafts") || p.contains(".obsidian"))
        .collect();
    assert!(leaked.is_empty(), "serve publishes {leaked:?}");

    // Build, written to disk.
    let mut options = BuildOptions::new(&f.root);
    options.output = f.dir.path().join("out");
    let report = quire_build::build(&options);
    assert!(report.succeeded(), "{:?}", report.diagnostics);
    assert!(
        names_the_link(&report.diagnostics),
        "{:?}",
        report.diagnostics
    );
    let mut written = Vec::new();
    let mut stack = vec![options.output.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else {
                written.push(entry.path());
            }
        }
    }
    assert!(
        written.iter().all(|p| !p.ends_with("id_rsa")
            && !p.ends_with("notes.txt")
            && !p.ends_with("app.json")),
        "build publishes outside or hidden files"
    );
    // The same files, whichever way the site is made.
    let served: std::collections::BTreeSet<String> = snap.files.keys().cloned().collect();
    let built: std::collections::BTreeSet<String> = written
        .iter()
        .map(|p| {
            p.strip_prefix(&options.output)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .filter(|p| p != ".quire-output")
        .collect();
    assert_eq!(served, built);
}
