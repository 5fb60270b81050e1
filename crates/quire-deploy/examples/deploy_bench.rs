//! The no-op deploy benchmark: how long `quire deploy` takes when nothing
//! changed, the common case after a small edit of a large site.
//!
//! Usage (on a site built by `quire build`, e.g. the 10,000-article site
//! from `quire-corpus`):
//!
//! ```text
//! cargo run --release -p quire-deploy --example deploy_bench -- <output folder> [--s3s]
//! ```
//!
//! Deploys the output once to each target, then times three no-op deploys
//! to each: a folder (`file://`), object_store's in-memory store (quire's
//! own cost: hashing, listing, planning, reading and writing the manifest),
//! and with `--s3s` a real S3 server (s3s-fs) on loopback.

#[path = "../tests/common/mod.rs"]
#[allow(clippy::duplicate_mod)]
mod common;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use quire_deploy::{Destination, Options};
use quire_site::deploy::DeployTarget;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(output) = args.first().map(PathBuf::from) else {
        eprintln!("usage: deploy_bench <output folder> [--s3s]");
        std::process::exit(2);
    };
    let with_s3s = args.iter().any(|a| a == "--s3s");
    let files = walkdir::WalkDir::new(&output)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count();
    println!("output: {} ({files} files)", output.display());
    let work = tempfile::tempdir().unwrap();
    let options = |url: &str| {
        let target = DeployTarget {
            name: "bench".into(),
            url: url.into(),
            cache_control: Vec::new(),
            gzip: false,
            brotli: false,
        };
        Options::new(
            work.path().join("site"),
            output.clone(),
            target,
            "https://bench.example",
        )
    };

    let folder = work.path().join("www");
    let folder_url = url::Url::from_directory_path(&folder).unwrap().to_string();
    let folder_options = options(&folder_url);
    let folder_target = Destination::Folder { root: folder };
    measure("folder (file://)", &folder_target, &folder_options);

    let memory = Destination::from_store(
        Arc::new(object_store::memory::InMemory::new()),
        "",
        "memory://",
    );
    measure("in-memory object store", &memory, &options("s3://memory"));

    if with_s3s {
        let server = common::S3Server::start();
        let s3 = Destination::from_store(server.store(), "", "s3s-fs on loopback");
        measure("S3 server (s3s-fs, loopback)", &s3, &options("s3://site"));
    }
}

fn measure(name: &str, destination: &Destination, options: &Options) {
    let started = Instant::now();
    let first = common::block_on(quire_deploy::deploy_to(destination, options)).unwrap();
    println!(
        "{name}: first deploy {} files in {:.2} s",
        first.uploaded.len(),
        started.elapsed().as_secs_f64()
    );
    for run in 1..=3 {
        let started = Instant::now();
        let report = common::block_on(quire_deploy::deploy_to(destination, options)).unwrap();
        assert!(report.uploaded.is_empty() && report.deleted.is_empty());
        println!(
            "{name}: no-op deploy {run}: {:.2} s ({} unchanged)",
            started.elapsed().as_secs_f64(),
            report.plan.unchanged.len()
        );
    }
}
