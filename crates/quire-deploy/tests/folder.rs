//! `quire deploy` into a web server's folder (`file://`): the same plan and
//! manifest, atomic writes, precompressed copies beside the files, and the
//! refusals that keep it from touching the site itself.

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use common::Site;
use quire_deploy::{ErrorKind, manifest::MANIFEST};

fn url(path: &Path) -> String {
    url::Url::from_directory_path(path).unwrap().to_string()
}

/// Every file under `dir` with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let key = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_str()
                .unwrap()
                .to_string();
            (key, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn deploys_a_folder_byte_for_byte_then_only_changes() {
    let site = Site::new();
    let www = tempfile::tempdir().unwrap();
    let target = www.path().join("site");
    let options = site.options(&url(&target));

    let first = quire_deploy::deploy(&options).unwrap();
    let mut deployed = tree(&target);
    assert!(deployed.remove(MANIFEST).is_some());
    assert_eq!(deployed, site.snapshot());
    assert_eq!(first.uploaded.len(), deployed.len());

    assert!(quire_deploy::deploy(&options).unwrap().uploaded.is_empty());

    let before = site.snapshot();
    site.write_article("quiet-ports", "Quiet Ports", "Cranes stand still at dawn.");
    site.build();
    let edit = quire_deploy::deploy(&options).unwrap();
    let mut uploaded = edit.uploaded.clone();
    uploaded.sort();
    assert_eq!(uploaded, common::changed(&before, &site.snapshot()));
    let mut deployed = tree(&target);
    deployed.remove(MANIFEST);
    assert_eq!(deployed, site.snapshot());
}

#[test]
fn precompressed_copies_beside_the_files() {
    let site = Site::new();
    let www = tempfile::tempdir().unwrap();
    let mut options = site.options(&url(www.path()));
    options.target.gzip = true;
    options.target.brotli = true;
    quire_deploy::deploy(&options).unwrap();
    let original = std::fs::read(site.output().join("index.html")).unwrap();
    let mut gunzipped = Vec::new();
    flate2::read::GzDecoder::new(&std::fs::read(www.path().join("index.html.gz")).unwrap()[..])
        .read_to_end(&mut gunzipped)
        .unwrap();
    assert_eq!(gunzipped, original);
    let mut unbrotli = Vec::new();
    brotli::Decompressor::new(
        &std::fs::read(www.path().join("index.html.br")).unwrap()[..],
        4096,
    )
    .read_to_end(&mut unbrotli)
    .unwrap();
    assert_eq!(unbrotli, original);
    assert_eq!(
        std::fs::read(www.path().join("index.html")).unwrap(),
        original
    );
    // Images are not compressed again; the search shards are gzip already.
    assert!(
        !tree(www.path())
            .keys()
            .any(|k| k.ends_with(".gz.gz") || k.ends_with(".gz.br"))
    );
    assert!(quire_deploy::deploy(&options).unwrap().uploaded.is_empty());
}

#[test]
fn refuses_the_site_the_output_and_unmarked_folders() {
    let site = Site::new();
    for target in [
        site.root().to_path_buf(),
        site.output(),
        site.output().join("x"),
        site.root().parent().unwrap().to_path_buf(),
    ] {
        let failure = quire_deploy::deploy(&site.options(&url(&target))).unwrap_err();
        assert_eq!(failure.error.kind, ErrorKind::Usage, "{}", target.display());
        assert!(
            failure.error.message.contains("refusing to deploy into"),
            "{}",
            failure.error
        );
    }
    // An output without quire's marker is not published.
    let www = tempfile::tempdir().unwrap();
    let mut options = site.options(&url(www.path()));
    options.output = site.root().join("content");
    let failure = quire_deploy::deploy(&options).unwrap_err();
    assert_eq!(failure.error.kind, ErrorKind::Usage);
    assert!(
        failure.error.message.contains("not a quire output"),
        "{}",
        failure.error
    );
    assert!(tree(www.path()).is_empty());
}

#[test]
fn a_folder_without_manifest_keeps_its_files_unless_forced() {
    let site = Site::new();
    let www = tempfile::tempdir().unwrap();
    std::fs::write(www.path().join("old.html"), "<p>old</p>").unwrap();
    let mut options = site.options(&url(www.path()));
    let dry = {
        let mut dry = options.clone();
        dry.dry_run = true;
        quire_deploy::deploy(&dry).unwrap()
    };
    assert_eq!(dry.plan.deletes, [("old.html".to_string(), 10)]);
    assert!(dry.would_refuse.is_some());
    assert!(
        !www.path().join("index.html").exists(),
        "a dry run writes nothing"
    );

    let refused = quire_deploy::deploy(&options).unwrap_err();
    assert_eq!(refused.error.kind, ErrorKind::Refused);
    assert!(www.path().join("old.html").exists());
    options.force = true;
    let forced = quire_deploy::deploy(&options).unwrap();
    assert_eq!(forced.deleted, ["old.html"]);
    assert!(!www.path().join("old.html").exists());
}

#[test]
fn a_folder_deploy_cut_off_midway_converges() {
    let site = Site::new();
    let www = tempfile::tempdir().unwrap();
    let mut options = site.options(&url(www.path()));
    options.fail_after_uploads = Some(3);
    let failure = quire_deploy::deploy(&options).unwrap_err();
    assert_eq!(failure.uploaded.len(), 3);
    assert!(
        !www.path().join(MANIFEST).exists(),
        "the manifest is written last"
    );
    options.fail_after_uploads = None;
    quire_deploy::deploy(&options).unwrap();
    let mut deployed = tree(www.path());
    deployed.remove(MANIFEST);
    assert_eq!(deployed, site.snapshot());
}
