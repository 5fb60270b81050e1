//! The live site: rebuilds into memory and swaps the served snapshot.
//!
//! Owns the build cache (files whose text did not change are not parsed
//! again, pages whose inputs did not change are not rendered again) and the rule that a failed rebuild keeps the last good files and
//! adds the diagnostics as an overlay. Must not know: HTTP, the watcher.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use quire_build::{BuildCache, BuildOptions};
use quire_core::Diagnostics;

use crate::snapshot::{self, Change, SiteSnapshot};

/// What one rebuild did.
#[derive(Debug)]
pub struct Rebuilt {
    /// The snapshot generation it produced.
    pub generation: u64,
    /// True when the site built; false when the last good site is kept.
    pub succeeded: bool,
    /// Every diagnostic of the build, sorted.
    pub diagnostics: Diagnostics,
    /// Wall time of the rebuild.
    pub elapsed: Duration,
    /// Build phase timings.
    pub timings: Vec<(&'static str, Duration)>,
    /// What a browser should do about it.
    pub change: Change,
    /// Number of files served after it.
    pub files: usize,
    /// Pages (and cards) rendered anew and taken unchanged from the
    /// previous build.
    pub outputs: quire_build::cache::OutputCounts,
}

/// A site built into memory and rebuilt on demand.
pub struct LiveSite {
    options: BuildOptions,
    cache: BuildCache,
    current: ArcSwap<SiteSnapshot>,
    /// Serialises rebuilds: two at once would race on the generation and
    /// could publish an older build after a newer one.
    rebuilding: Mutex<()>,
}

impl LiveSite {
    /// A live site for these build options; nothing is built yet (the
    /// snapshot is empty, generation 0).
    pub fn new(options: BuildOptions) -> LiveSite {
        LiveSite {
            options,
            cache: BuildCache::new(),
            current: ArcSwap::from_pointee(SiteSnapshot::default()),
            rebuilding: Mutex::new(()),
        }
    }

    /// The build options (root, drafts, base URL).
    pub fn options(&self) -> &BuildOptions {
        &self.options
    }

    /// The site as served now.
    pub fn snapshot(&self) -> Arc<SiteSnapshot> {
        self.current.load_full()
    }

    /// Rebuilds from disk and publishes the result atomically. On failure
    /// the files of the last good build stay and the errors are attached.
    /// Blocking and CPU-heavy: call it off the async executor.
    pub fn rebuild(&self) -> Rebuilt {
        let _guard = quire_core::sync::lock(&self.rebuilding);
        let clock = Instant::now();
        let old = self.current.load_full();
        let generation = old.generation + 1;
        let (built, mut report) =
            quire_build::build_in_memory_cached(&self.options, Some(&self.cache));
        let mut files = None;
        if let Some(site) = built {
            let (loaded, problems) = snapshot::load_files(&self.options.root, site.artifacts);
            report.diagnostics.extend(problems);
            report.diagnostics.sort();
            if !report.diagnostics.has_errors() {
                files = Some(Arc::new(loaded));
            }
        }
        let succeeded = files.is_some();
        let (next, change) = match files {
            Some(files) => {
                let change = if old.errors.is_empty() {
                    snapshot::diff(&old.files, &files)
                } else {
                    // The overlay must go away even if no file changed.
                    Change::Pages
                };
                let next = SiteSnapshot {
                    files,
                    errors: Arc::new(Vec::new()),
                    generation,
                };
                (next, change)
            }
            None => {
                let errors: Vec<String> = report
                    .diagnostics
                    .0
                    .iter()
                    .filter(|d| d.is_error())
                    .map(ToString::to_string)
                    .collect();
                let change = if *old.errors == errors {
                    Change::None
                } else {
                    Change::Pages
                };
                let next = SiteSnapshot {
                    files: Arc::clone(&old.files),
                    errors: Arc::new(errors),
                    generation,
                };
                (next, change)
            }
        };
        let count = next.files.len();
        self.current.store(Arc::new(next));
        Rebuilt {
            generation,
            succeeded,
            diagnostics: report.diagnostics,
            elapsed: clock.elapsed(),
            timings: report.timings,
            change,
            files: count,
            outputs: self.cache.last_counts(),
        }
    }
}
