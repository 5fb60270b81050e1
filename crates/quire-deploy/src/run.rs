//! Running a deploy: scan, plan, guard, upload phase by phase, delete,
//! write the manifest. Every failure stops before the deletions and says
//! what was already uploaded.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use bytes::Bytes;
use futures::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use quire_site::deploy::DeployTarget;

use crate::error::DeployError;
use crate::files::{LocalFile, scan};
use crate::headers::{CachePolicy, Encoding};
use crate::manifest::{Entry, MANIFEST, Manifest, VERSION};
use crate::plan::{self, Class, Object, Plan, Precompress};
use crate::target::Destination;

/// What to deploy where.
#[derive(Debug, Clone)]
pub struct Options {
    /// The site root (a folder target may not be it or around it).
    pub site_root: PathBuf,
    /// The built output (must carry quire's output marker).
    pub output: PathBuf,
    /// The `[[deploy]]` target.
    pub target: DeployTarget,
    /// The site's base URL, for the changed-URL list.
    pub base_url: String,
    /// Only make the plan.
    pub dry_run: bool,
    /// Most deletions allowed without `force`.
    pub max_deletes: usize,
    /// Allow any number of deletions.
    pub force: bool,
    /// Uploads in flight at once.
    pub concurrency: usize,
    /// Show a progress bar on standard error.
    pub progress: bool,
    /// Fault injection for tests: fail the upload after this many
    /// succeeded, as a killed or cut-off deploy would stop.
    pub fail_after_uploads: Option<usize>,
}

impl Options {
    /// Options with the defaults for a target.
    pub fn new(site_root: PathBuf, output: PathBuf, target: DeployTarget, base_url: &str) -> Self {
        Self {
            site_root,
            output,
            target,
            base_url: base_url.trim_end_matches('/').to_string(),
            dry_run: false,
            max_deletes: crate::DEFAULT_MAX_DELETES,
            force: false,
            concurrency: crate::DEFAULT_CONCURRENCY,
            progress: false,
            fail_after_uploads: None,
        }
    }
}

/// What a deploy did (or, with `dry_run`, would do).
#[derive(Debug, Clone)]
pub struct Report {
    /// The target, for messages.
    pub target: String,
    /// The plan.
    pub plan: Plan,
    /// Keys uploaded, in upload order.
    pub uploaded: Vec<String>,
    /// Keys deleted.
    pub deleted: Vec<String>,
    /// Public URLs whose content changed or went away (for a CDN purge).
    pub changed_urls: Vec<String>,
    /// Notes worth telling (an unreadable manifest, say).
    pub notes: Vec<String>,
    /// With `dry_run`: the refusal a real deploy would meet.
    pub would_refuse: Option<DeployError>,
}

/// A failed deploy: why, and what had been uploaded before it stopped.
/// Nothing is deleted after a failure.
#[derive(Debug, Clone)]
pub struct Failure {
    /// Why it failed.
    pub error: DeployError,
    /// Keys uploaded before the failure.
    pub uploaded: Vec<String>,
}

impl From<DeployError> for Failure {
    fn from(error: DeployError) -> Self {
        Failure {
            error,
            uploaded: Vec::new(),
        }
    }
}

/// Deploys, blocking: opens the target of `options.target` and runs
/// [`deploy_to`] on a runtime of its own.
pub fn deploy(options: &Options) -> Result<Report, Failure> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| DeployError::io(format!("cannot start the upload runtime: {e}")))?;
    let destination = Destination::open(&options.target.url, &options.site_root, &options.output)?;
    runtime.block_on(deploy_to(&destination, options))
}

/// Deploys to an opened destination.
pub async fn deploy_to(destination: &Destination, options: &Options) -> Result<Report, Failure> {
    crate::files::check_marker(&options.output)?;
    let precompress = precompress(destination, &options.target)?;
    let policy = CachePolicy::new(&options.target.cache_control).map_err(DeployError::usage)?;
    // Hash the output while the target is listed: one is disk and CPU, the
    // other network.
    let output = options.output.clone();
    let scanning = tokio::task::spawn_blocking(move || scan(&output));
    let (listing, manifest_bytes) =
        futures::try_join!(destination.list(), destination.read(MANIFEST))?;
    let files: Vec<LocalFile> = scanning
        .await
        .map_err(|e| DeployError::io(format!("hashing the output failed: {e}")))??;
    let mut notes = Vec::new();
    let manifest = match manifest_bytes {
        None => None,
        Some(bytes) => match Manifest::from_json(&bytes) {
            Ok(m) => Some(m),
            Err(why) => {
                notes.push(format!(
                    "the manifest {MANIFEST} at the target is unusable ({why}); every file is uploaded again"
                ));
                None
            }
        },
    };
    let plan = plan::make(
        plan::objects(&files, &policy, precompress),
        manifest.as_ref(),
        &listing,
    );
    let refusal = guard(&plan, options);
    let mut report = Report {
        target: destination.label(),
        plan,
        uploaded: Vec::new(),
        deleted: Vec::new(),
        changed_urls: Vec::new(),
        notes,
        would_refuse: None,
    };
    if options.dry_run {
        report.would_refuse = refusal.err();
        return Ok(report);
    }
    refusal?;
    execute(destination, options, &mut report).await?;
    report.changed_urls = changed_urls(&report, &options.base_url);
    Ok(report)
}

/// How a target stores compressed copies; both encodings in place is
/// impossible (a store keeps one body per key).
fn precompress(
    destination: &Destination,
    target: &DeployTarget,
) -> Result<Precompress, DeployError> {
    const BOTH: &[Encoding] = &[Encoding::Gzip, Encoding::Brotli];
    Ok(match (destination, target.gzip, target.brotli) {
        (_, false, false) => Precompress::None,
        (Destination::Folder { .. }, true, true) => Precompress::Beside(BOTH),
        (Destination::Folder { .. }, true, false) => Precompress::Beside(&BOTH[..1]),
        (Destination::Folder { .. }, false, true) => Precompress::Beside(&BOTH[1..]),
        (Destination::Store { .. }, true, true) => {
            return Err(DeployError::usage(format!(
                "deploy target `{}`: an object store keeps one body per file, so choose gzip or brotli, not both",
                target.name
            )));
        }
        (Destination::Store { .. }, true, false) => Precompress::InPlace(Encoding::Gzip),
        (Destination::Store { .. }, false, true) => Precompress::InPlace(Encoding::Brotli),
    })
}

/// The deletion guard: at most `max_deletes` deletions without `force`,
/// and none at a target without quire's manifest (it may not be quire's).
fn guard(plan: &Plan, options: &Options) -> Result<(), DeployError> {
    let count = plan.deletes.len();
    if options.force || count == 0 {
        return Ok(());
    }
    if !plan.had_manifest {
        return Err(DeployError::refused(format!(
            "the target holds {count} file(s) that the site does not have, and no {MANIFEST}: it may not be quire's. \
             Check the url (and its prefix), then run again with --force to delete them"
        )));
    }
    if count > options.max_deletes {
        let sample: Vec<&str> = plan
            .deletes
            .iter()
            .take(5)
            .map(|(k, _)| k.as_str())
            .collect();
        return Err(DeployError::refused(format!(
            "the deploy would delete {count} files (more than --max-deletes {}), e.g. {}. \
             Check the output and the target, then raise --max-deletes or pass --force",
            options.max_deletes,
            sample.join(", ")
        )));
    }
    Ok(())
}

/// Uploads phase by phase, deletes, writes the manifest.
async fn execute(
    destination: &Destination,
    options: &Options,
    report: &mut Report,
) -> Result<(), Failure> {
    let bar = if options.progress {
        let bar = ProgressBar::new((report.plan.uploads.len() + report.plan.deletes.len()) as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {msg} ({eta} left)") {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    // Uploads started, for the fault injection; a stop flag so that after
    // one failure no new upload starts while those in flight finish (and
    // are reported as uploaded).
    let started = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let mut first_error = None;
    let mut stored: Vec<(String, Entry)> = Vec::new();
    for class in [Class::Asset, Class::Page, Class::Feed] {
        bar.set_message(match class {
            Class::Asset => "assets",
            Class::Page => "pages",
            Class::Feed => "feeds",
        });
        let phase = report
            .plan
            .uploads
            .iter()
            .filter(|(o, _)| o.class == class)
            .map(|(o, _)| o);
        let (started, stop) = (&started, &stop);
        let mut uploads = futures::stream::iter(phase)
            .map(|object| async move {
                if stop.load(Ordering::SeqCst) {
                    return Ok(None);
                }
                let n = started.fetch_add(1, Ordering::SeqCst);
                if options.fail_after_uploads.is_some_and(|limit| n >= limit) {
                    return Err(DeployError::io(format!(
                        "uploading {} failed: stopped by fault injection",
                        object.key
                    )));
                }
                let body = body(object).await?;
                let size = body.len() as u64;
                destination.put(&object.key, body, &object.headers).await?;
                Ok(Some((object.key.clone(), object.entry(size))))
            })
            .buffer_unordered(options.concurrency.max(1));
        while let Some(result) = uploads.next().await {
            match result {
                Ok(Some((key, entry))) => {
                    bar.inc(1);
                    report.uploaded.push(key.clone());
                    stored.push((key, entry));
                }
                Ok(None) => {}
                Err(error) => {
                    stop.store(true, Ordering::SeqCst);
                    first_error.get_or_insert(error);
                }
            }
        }
        if let Some(error) = first_error {
            bar.abandon();
            return Err(Failure {
                error,
                uploaded: std::mem::take(&mut report.uploaded),
            });
        }
    }
    bar.set_message("deleting");
    let mut deletes = futures::stream::iter(report.plan.deletes.iter())
        .map(|(key, _)| async move { destination.delete(key).await.map(|()| key.clone()) })
        .buffer_unordered(options.concurrency.max(1));
    while let Some(result) = deletes.next().await {
        match result {
            Ok(key) => {
                bar.inc(1);
                report.deleted.push(key);
            }
            Err(error) => {
                bar.abandon();
                return Err(Failure {
                    error,
                    uploaded: std::mem::take(&mut report.uploaded),
                });
            }
        }
    }
    report.deleted.sort();
    let mut manifest = Manifest {
        version: VERSION,
        files: report.plan.unchanged.clone(),
    };
    manifest.files.extend(stored);
    let headers = crate::headers::Headers {
        content_type: "application/json; charset=utf-8".into(),
        cache_control: "no-store".into(),
        content_encoding: None,
    };
    destination
        .put(MANIFEST, Bytes::from(manifest.to_json()), &headers)
        .await
        .map_err(|error| Failure {
            error,
            uploaded: report.uploaded.clone(),
        })?;
    bar.finish_and_clear();
    Ok(())
}

/// The bytes to store for an object: its file, compressed if asked.
async fn body(object: &Object) -> Result<Bytes, DeployError> {
    let path = object.source.clone();
    let compress = object.compress;
    tokio::task::spawn_blocking(move || {
        let bytes = std::fs::read(&path)
            .map_err(|e| DeployError::io(format!("cannot read {}: {e}", path.display())))?;
        Ok(Bytes::from(match compress {
            None => bytes,
            Some(encoding) => compress_bytes(&bytes, encoding)
                .map_err(|e| DeployError::io(format!("compressing {}: {e}", path.display())))?,
        }))
    })
    .await
    .map_err(|e| DeployError::io(format!("a file task failed: {e}")))?
}

/// Compresses with the best ratio that stays quick.
pub fn compress_bytes(bytes: &[u8], encoding: Encoding) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    match encoding {
        Encoding::Gzip => {
            let mut out = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            out.write_all(bytes)?;
            out.finish()
        }
        Encoding::Brotli => {
            let mut out = Vec::new();
            {
                let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 10, 22);
                writer.write_all(bytes)?;
                writer.flush()?;
            }
            Ok(out)
        }
    }
}

/// Public URLs of what was uploaded or deleted: `a/index.html` as `a/`,
/// compressed copies beside a file left out (the file's URL stands for
/// them).
fn changed_urls(report: &Report, base_url: &str) -> Vec<String> {
    let beside: std::collections::HashSet<&str> = report
        .plan
        .uploads
        .iter()
        .filter(|(o, _)| o.beside)
        .map(|(o, _)| o.key.as_str())
        .collect();
    let mut urls: Vec<String> = report
        .uploaded
        .iter()
        .chain(&report.deleted)
        .filter(|k| !beside.contains(k.as_str()))
        .map(|key| {
            let path = key.strip_suffix("index.html").unwrap_or(key);
            format!("{base_url}/{path}")
        })
        .collect();
    urls.sort();
    urls.dedup();
    urls
}
