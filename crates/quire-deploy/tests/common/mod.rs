//! Shared fixtures: a small site built with quire, and a real S3 server
//! (s3s-fs, in process) listening on loopback.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use object_store::ObjectStore;
use object_store::aws::AmazonS3Builder;
use quire_site::deploy::DeployTarget;

/// The access key the test server accepts.
pub const KEY: &str = "quire-test-key";
/// Its secret.
pub const SECRET: &str = "quire-test-secret";
/// The bucket the server has.
pub const BUCKET: &str = "site";

/// An S3 server on 127.0.0.1, serving buckets from a temporary folder,
/// until dropped (its runtime stops with it).
pub struct S3Server {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    _runtime: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

impl S3Server {
    /// Starts a server with one empty bucket, [`BUCKET`].
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(BUCKET)).unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let fs = s3s_fs::FileSystem::new(dir.path()).unwrap();
        let mut builder = s3s::service::S3ServiceBuilder::new(fs);
        builder.set_auth(s3s::auth::SimpleAuth::from_single(KEY, SECRET));
        let service = builder.build();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        runtime.spawn(async move {
            let http =
                hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    continue;
                };
                let conn = http
                    .serve_connection(hyper_util::rt::TokioIo::new(socket), service.clone())
                    .into_owned();
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
        });
        S3Server {
            endpoint,
            _runtime: runtime,
            _dir: dir,
        }
    }

    /// A store on this server with the given credentials and bucket.
    pub fn store_as(&self, key: &str, secret: &str, bucket: &str) -> Arc<dyn ObjectStore> {
        Arc::new(
            AmazonS3Builder::new()
                .with_endpoint(&self.endpoint)
                .with_allow_http(true)
                .with_region("us-east-1")
                .with_bucket_name(bucket)
                .with_access_key_id(key)
                .with_secret_access_key(secret)
                .with_retry(object_store::RetryConfig {
                    max_retries: 0,
                    ..Default::default()
                })
                .build()
                .unwrap(),
        )
    }

    /// A store on this server with the right credentials.
    pub fn store(&self) -> Arc<dyn ObjectStore> {
        self.store_as(KEY, SECRET, BUCKET)
    }
}

/// A small site: three English articles in one section.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    /// Writes the site and builds it.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("quire.toml"),
            "title = \"Lantern Desk\"\nbase_url = \"https://lantern.example\"\n[taxonomies]\ntags = {}\n",
        )
        .unwrap();
        let site = Site { dir };
        for (slug, title) in [
            ("tidal-grids", "Tidal Grids"),
            ("salt-roads", "Salt Roads"),
            ("quiet-ports", "Quiet Ports"),
        ] {
            site.write_article(slug, title, "A paragraph about ferries and fog.");
        }
        site.build();
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn output(&self) -> PathBuf {
        self.root().join("public")
    }

    /// Writes (or rewrites) one article.
    pub fn write_article(&self, slug: &str, title: &str, body: &str) {
        let dir = self.root().join("content/notes").join(slug);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("index.md"),
            format!("+++\ntitle = \"{title}\"\ndate = 2025-03-04\ntags = [\"harbours\"]\n+++\n\n{body}\n"),
        )
        .unwrap();
    }

    /// Removes one article.
    pub fn remove_article(&self, slug: &str) {
        std::fs::remove_dir_all(self.root().join("content/notes").join(slug)).unwrap();
    }

    /// Builds the site into `public/`.
    pub fn build(&self) {
        let report = quire_build::build(&quire_build::BuildOptions::new(self.root()));
        assert!(report.succeeded(), "{:?}", report.diagnostics);
    }

    /// Every output file (the marker left out) with its bytes.
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        let out = self.output();
        walkdir::WalkDir::new(&out)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let key = e
                    .path()
                    .strip_prefix(&out)
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_string();
                (key, std::fs::read(e.path()).unwrap())
            })
            .filter(|(k, _)| k != quire_build::emit::MARKER)
            .collect()
    }

    /// Deploy options to `url`.
    pub fn options(&self, url: &str) -> quire_deploy::Options {
        let target: DeployTarget =
            toml::from_str::<Wrapper>(&format!("[[deploy]]\nname = \"test\"\nurl = \"{url}\"\n"))
                .unwrap()
                .deploy
                .remove(0);
        quire_deploy::Options::new(
            self.root().to_path_buf(),
            self.output(),
            target,
            "https://lantern.example",
        )
    }
}

#[derive(serde::Deserialize)]
struct Wrapper {
    deploy: Vec<DeployTarget>,
}

/// Keys whose bytes differ between two snapshots, or that only one has.
pub fn changed(
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
) -> Vec<String> {
    let mut keys: Vec<String> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    keys.sort();
    keys
}

/// Runs a future on a fresh runtime.
pub fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// Every key in the bucket with its size.
pub fn listing(store: &Arc<dyn ObjectStore>) -> BTreeMap<String, u64> {
    use futures::TryStreamExt;
    block_on(async {
        store
            .list(None)
            .map_ok(|m| (m.location.to_string(), m.size))
            .try_collect()
            .await
            .unwrap()
    })
}
