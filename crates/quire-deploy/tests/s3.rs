//! `quire deploy` against a real S3 server (s3s-fs on loopback): first
//! deploy, no-op, an edit, a deletion, the deletion guard, a deploy cut off
//! midway, a bucket changed by hand, credentials, and the stored headers.

mod common;

use std::sync::Arc;

use common::{S3Server, Site, block_on, changed, listing};
use object_store::{Attribute, GetOptions, ObjectStore, ObjectStoreExt, path::Path};
use quire_deploy::{Destination, ErrorKind, Options, Report, manifest::MANIFEST};

fn run(store: &Arc<dyn ObjectStore>, options: &Options) -> Result<Report, quire_deploy::Failure> {
    let destination = Destination::from_store(store.clone(), "", "s3://site");
    block_on(quire_deploy::deploy_to(&destination, options))
}

/// Headers of an object, read with a HEAD request.
fn head(store: &Arc<dyn ObjectStore>, key: &str) -> (String, String, Option<String>) {
    let got = block_on(store.get_opts(
        &Path::from(key),
        GetOptions {
            head: true,
            ..Default::default()
        },
    ))
    .unwrap();
    let attr = |a: Attribute| got.attributes.get(&a).map(|v| v.to_string());
    (
        attr(Attribute::ContentType).unwrap_or_default(),
        attr(Attribute::CacheControl).unwrap_or_default(),
        attr(Attribute::ContentEncoding),
    )
}

fn sorted(mut keys: Vec<String>) -> Vec<String> {
    keys.sort();
    keys
}

#[test]
fn first_noop_edit_delete_and_guard() {
    let server = S3Server::start();
    let store = server.store();
    let site = Site::new();
    let options = site.options("s3://site");

    // First deploy: every file, and the manifest.
    let before = site.snapshot();
    let first = run(&store, &options).unwrap();
    assert_eq!(
        sorted(first.uploaded.clone()),
        before.keys().cloned().collect::<Vec<_>>()
    );
    let stored = listing(&store);
    for (key, bytes) in &before {
        assert_eq!(stored.get(key), Some(&(bytes.len() as u64)), "{key}");
    }
    assert!(stored.contains_key(MANIFEST));
    // Assets went up before pages, pages before feeds.
    let position = |k: &str| first.uploaded.iter().position(|u| u == k).unwrap();
    let css = before
        .keys()
        .find(|k| k.starts_with("assets/quire."))
        .unwrap();
    assert!(position(css) < position("index.html"));
    assert!(position("index.html") < position("rss.xml"));
    assert!(position("notes/salt-roads/index.html") < position("sitemap.xml"));

    // No-op: nothing uploaded or deleted.
    let noop = run(&store, &options).unwrap();
    assert!(
        noop.uploaded.is_empty() && noop.deleted.is_empty(),
        "{:?}",
        noop.uploaded
    );
    assert_eq!(noop.plan.unchanged.len(), before.len());

    // One article edited: exactly the files whose bytes changed go up —
    // its page, the listings and feeds that show it — and nothing else.
    site.write_article(
        "salt-roads",
        "Salt Roads",
        "A rewritten paragraph about caravans.",
    );
    site.build();
    let after = site.snapshot();
    let edit = run(&store, &options).unwrap();
    let expected = changed(&before, &after);
    assert!(expected.contains(&"notes/salt-roads/index.html".to_string()));
    assert!(!expected.contains(&"notes/tidal-grids/index.html".to_string()));
    assert_eq!(sorted(edit.uploaded.clone()), expected);
    // Files named by their content (search shards) are replaced: the old
    // names are deleted.
    let replaced: Vec<String> = before
        .keys()
        .filter(|k| !after.contains_key(*k))
        .cloned()
        .collect();
    assert_eq!(edit.deleted, replaced);
    assert!(!edit.deleted.iter().any(|k| k.ends_with(".html")));
    assert!(
        edit.changed_urls
            .contains(&"https://lantern.example/notes/salt-roads/".to_string())
    );
    assert!(!edit.changed_urls.iter().any(|u| u.contains("tidal-grids")));

    // Two articles deleted, with --max-deletes below what it takes:
    // refused before anything is uploaded or deleted.
    site.remove_article("quiet-ports");
    site.remove_article("tidal-grids");
    site.build();
    let last = site.snapshot();
    let gone: Vec<String> = after
        .keys()
        .filter(|k| !last.contains_key(*k))
        .cloned()
        .collect();
    assert!(gone.contains(&"notes/quiet-ports/index.html".to_string()));
    assert!(gone.contains(&"notes/tidal-grids/index.html".to_string()));
    assert!(gone.len() >= 2);
    let mut guarded = options.clone();
    guarded.max_deletes = gone.len() - 1;
    let refused = run(&store, &guarded).unwrap_err();
    assert_eq!(refused.error.kind, ErrorKind::Refused);
    assert!(
        refused.error.message.contains("--max-deletes"),
        "{}",
        refused.error
    );
    assert!(refused.uploaded.is_empty());
    assert_eq!(
        listing(&store).len(),
        stored.len(),
        "nothing changed at the target"
    );

    // Within the limit: their files are deleted.
    let delete = run(&store, &options).unwrap();
    assert_eq!(delete.deleted, gone);
    let now = listing(&store);
    assert!(gone.iter().all(|k| !now.contains_key(k)));
    assert!(
        delete
            .changed_urls
            .contains(&"https://lantern.example/notes/quiet-ports/".to_string())
    );
    assert!(run(&store, &options).unwrap().uploaded.is_empty());
}

#[test]
fn a_deploy_cut_off_midway_converges_on_the_next_run() {
    let server = S3Server::start();
    let store = server.store();
    let site = Site::new();
    let mut options = site.options("s3://site");
    run(&store, &options).unwrap();
    let before = site.snapshot();
    site.write_article(
        "tidal-grids",
        "Tidal Grids, Revisited",
        "New fog, new ferries.",
    );
    site.remove_article("quiet-ports");
    site.build();
    let after = site.snapshot();

    options.fail_after_uploads = Some(2);
    let failure = run(&store, &options).unwrap_err();
    assert_eq!(failure.error.kind, ErrorKind::Io);
    assert_eq!(failure.uploaded.len(), 2);
    // Nothing deleted after a failure.
    assert!(listing(&store).keys().any(|k| k.contains("quiet-ports")));

    options.fail_after_uploads = None;
    let rerun = run(&store, &options).unwrap();
    assert!(!rerun.deleted.is_empty());
    // The bucket now holds exactly the new output (and the manifest), byte
    // for byte.
    let mut stored = listing(&store);
    stored.remove(MANIFEST);
    assert_eq!(
        stored.keys().cloned().collect::<Vec<_>>(),
        after.keys().cloned().collect::<Vec<_>>()
    );
    for (key, bytes) in &after {
        let got = block_on(async {
            store
                .get(&Path::from(key.as_str()))
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap()
        });
        assert_eq!(&got[..], &bytes[..], "{key}");
    }
    assert!(changed(&before, &after).len() > 2);
    assert!(
        run(&store, &options).unwrap().uploaded.is_empty(),
        "then a no-op"
    );
}

#[test]
fn a_bucket_changed_by_hand_is_noticed() {
    let server = S3Server::start();
    let store = server.store();
    let site = Site::new();
    let options = site.options("s3://site");
    run(&store, &options).unwrap();
    block_on(store.delete(&Path::from("notes/salt-roads/index.html"))).unwrap();
    block_on(store.put(
        &Path::from("robots.txt"),
        "User-agent: *\nDisallow: /\n".into(),
    ))
    .unwrap();
    let report = run(&store, &options).unwrap();
    assert_eq!(
        sorted(report.uploaded),
        ["notes/salt-roads/index.html", "robots.txt"]
    );
}

#[test]
fn headers_checked_with_head_requests() {
    let server = S3Server::start();
    let store = server.store();
    let site = Site::new();
    std::fs::write(
        site.output().join("notes/salt-roads/map.png"),
        [0x89, b'P', b'N', b'G'],
    )
    .unwrap();
    let mut options = site.options("s3://site");
    options
        .target
        .cache_control
        .push(quire_site::deploy::CacheRule {
            glob: "**/*.png".into(),
            value: "public, max-age=600".into(),
        });
    run(&store, &options).unwrap();
    let css = site
        .snapshot()
        .into_keys()
        .find(|k| k.starts_with("assets/quire."))
        .unwrap();
    let table = [
        (
            "index.html",
            "text/html; charset=utf-8",
            "public, max-age=300, must-revalidate",
        ),
        (
            css.as_str(),
            "text/css; charset=utf-8",
            "public, max-age=31536000, immutable",
        ),
        (
            "rss.xml",
            "application/rss+xml; charset=utf-8",
            "public, max-age=300, must-revalidate",
        ),
        (
            "atom.xml",
            "application/atom+xml; charset=utf-8",
            "public, max-age=300, must-revalidate",
        ),
        (
            "sitemap.xml",
            "application/xml; charset=utf-8",
            "public, max-age=300, must-revalidate",
        ),
        (
            "robots.txt",
            "text/plain; charset=utf-8",
            "public, max-age=300, must-revalidate",
        ),
        (
            "notes/salt-roads/map.png",
            "image/png",
            "public, max-age=600",
        ),
    ];
    for (key, content_type, cache_control) in table {
        let (ct, cc, ce) = head(&store, key);
        assert_eq!(
            (ct.as_str(), cc.as_str(), ce),
            (content_type, cache_control, None),
            "{key}"
        );
    }
}

#[test]
fn gzip_in_place_with_content_encoding() {
    let server = S3Server::start();
    let store = server.store();
    let site = Site::new();
    let mut options = site.options("s3://site");
    options.target.gzip = true;
    run(&store, &options).unwrap();
    let (ct, _, ce) = head(&store, "index.html");
    assert_eq!(
        (ct.as_str(), ce.as_deref()),
        ("text/html; charset=utf-8", Some("gzip"))
    );
    let stored = block_on(async {
        store
            .get(&Path::from("index.html"))
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
    });
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&stored[..]), &mut plain).unwrap();
    assert_eq!(
        plain,
        std::fs::read(site.output().join("index.html")).unwrap()
    );
    assert!(
        run(&store, &options).unwrap().uploaded.is_empty(),
        "compressed sizes are tracked"
    );
    // Both encodings in place is refused: a key holds one body.
    options.target.brotli = true;
    let both = run(&store, &options).unwrap_err();
    assert_eq!(both.error.kind, ErrorKind::Usage);
}

#[test]
fn wrong_credentials_missing_bucket_and_no_server_are_plain_io_failures() {
    let server = S3Server::start();
    let site = Site::new();
    let options = site.options("s3://site");
    let wrong = run(
        &server.store_as(common::KEY, "not-the-secret", common::BUCKET),
        &options,
    )
    .unwrap_err();
    assert_eq!(wrong.error.kind, ErrorKind::Io);
    assert!(
        wrong.error.message.contains("refused the credentials"),
        "{}",
        wrong.error
    );
    assert!(wrong.uploaded.is_empty());
    let missing = run(
        &server.store_as(common::KEY, common::SECRET, "no-such-bucket"),
        &options,
    )
    .unwrap_err();
    assert_eq!(missing.error.kind, ErrorKind::Io);
    assert!(
        missing.error.message.contains("does not exist"),
        "{}",
        missing.error
    );
    // A port nobody listens on.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        port
    };
    let offline = Arc::new(
        object_store::aws::AmazonS3Builder::new()
            .with_endpoint(format!("http://127.0.0.1:{closed}"))
            .with_allow_http(true)
            .with_region("us-east-1")
            .with_bucket_name("site")
            .with_access_key_id(common::KEY)
            .with_secret_access_key(common::SECRET)
            .with_retry(object_store::RetryConfig {
                max_retries: 1,
                ..Default::default()
            })
            .build()
            .unwrap(),
    ) as Arc<dyn ObjectStore>;
    let unreachable = run(&offline, &options).unwrap_err();
    assert_eq!(unreachable.error.kind, ErrorKind::Io);
    assert!(
        unreachable.error.message.contains("cannot reach"),
        "{}",
        unreachable.error
    );
}
