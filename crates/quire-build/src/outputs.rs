//! Where a build's files go as the phases make them: kept in memory
//! (`quire serve`, `quire check`, tests) or written straight into the
//! staging folder ([`Staging`]) so that `quire build` never holds the whole
//! site in memory.
//!
//! Owns: the path checks every output passes (inside the output folder, one
//! producer per path) and the count of files put. Must not know: how files are made
//! or how the staging folder is swapped in.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use quire_core::Diagnostic;

use crate::cache::lock;
use crate::emit::{self, Artifact, Body, EmitError, Staging};

/// What made an output path, for the duplicate-path error.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Origin {
    Generated,
    Copied(String),
}

impl Origin {
    fn of(a: &Artifact) -> Origin {
        match &a.body {
            Body::Bytes(_) => Origin::Generated,
            Body::Copy(p) => Origin::Copied(p.display().to_string()),
        }
    }

    fn describe(&self) -> String {
        match self {
            Origin::Generated => "a generated page".to_string(),
            Origin::Copied(p) => format!("the file {p}"),
        }
    }
}

/// The destination of a build's artifacts; safe to use from many threads.
pub(crate) struct Outputs<'s> {
    staging: Option<&'s Staging<'s>>,
    kept: Mutex<Vec<Artifact>>,
    /// Keyed with foldhash: one entry per output file (166,000 at 10k
    /// articles), inserted under the lock.
    origins: Mutex<HashMap<String, Origin, foldhash::fast::RandomState>>,
    problems: Mutex<Vec<Diagnostic>>,
    failure: Mutex<Option<EmitError>>,
    count: AtomicUsize,
}

impl<'s> Outputs<'s> {
    /// Artifacts kept in memory, returned by [`Outputs::into_artifacts`].
    pub fn in_memory() -> Self {
        Self::new(None)
    }

    /// Artifacts written into `staging` as they arrive and then dropped.
    pub fn into_staging(staging: &'s Staging<'s>) -> Self {
        Self::new(Some(staging))
    }

    fn new(staging: Option<&'s Staging<'s>>) -> Self {
        Outputs {
            staging,
            kept: Mutex::new(Vec::new()),
            origins: Mutex::new(HashMap::default()),
            problems: Mutex::new(Vec::new()),
            failure: Mutex::new(None),
            count: AtomicUsize::new(0),
        }
    }

    /// Takes a batch of files: checks their paths, then keeps or writes them.
    pub fn put(&self, artifacts: Vec<Artifact>) {
        if artifacts.is_empty() {
            return;
        }
        self.count.fetch_add(artifacts.len(), Ordering::Relaxed);
        let mut accepted = Vec::with_capacity(artifacts.len());
        {
            let mut origins = lock(&self.origins);
            for a in artifacts {
                if !emit::is_safe_path(&a.path) {
                    lock(&self.problems).push(Diagnostic::error(
                        a.path.clone(),
                        "this output path would leave the output folder; check slugs and aliases",
                    ));
                    continue;
                }
                let origin = Origin::of(&a);
                if let Some(first) = origins.get(&a.path) {
                    // Described in a fixed order: which producer came first
                    // depends on thread timing.
                    let mut both = [first.clone(), origin];
                    both.sort();
                    lock(&self.problems).push(Diagnostic::error(
                        a.path.clone(),
                        format!(
                            "two outputs want this path: {} and {}; rename one of them",
                            both[0].describe(),
                            both[1].describe()
                        ),
                    ));
                    continue;
                }
                origins.insert(a.path.clone(), origin);
                accepted.push(a);
            }
        }
        match self.staging {
            None => lock(&self.kept).extend(accepted),
            Some(staging) => {
                if lock(&self.failure).is_some() {
                    return;
                }
                if let Err(e) = staging.write(&accepted) {
                    lock(&self.failure).get_or_insert(e);
                }
            }
        }
    }

    /// Creates the given output folders up front when writing to disk (see
    /// [`Staging::make_folders`]); a write failure is kept for
    /// [`Outputs::take_failure`].
    pub fn prepare_folders<'a>(&self, folders: impl Iterator<Item = &'a str>) {
        if let Some(staging) = self.staging
            && let Err(e) = staging.make_folders(folders)
        {
            lock(&self.failure).get_or_insert(e);
        }
    }

    /// Number of files put so far (including refused ones).
    pub fn count(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }

    /// The path errors found so far (unsafe or duplicate paths).
    pub fn take_problems(&self) -> Vec<Diagnostic> {
        std::mem::take(&mut *lock(&self.problems))
    }

    /// The first write failure, if any.
    pub fn take_failure(&self) -> Option<EmitError> {
        lock(&self.failure).take()
    }

    /// The kept artifacts, sorted by path (empty when written to staging).
    pub fn into_artifacts(self) -> Vec<Artifact> {
        let mut kept = self.kept.into_inner().unwrap_or_else(|e| e.into_inner());
        kept.sort_by(|a, b| a.path.cmp(&b.path));
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_unsafe_and_duplicate_paths_in_memory() {
        let out = Outputs::in_memory();
        out.put(vec![
            Artifact::bytes("a/index.html", "x"),
            Artifact::bytes("../escape", "x"),
        ]);
        out.put(vec![Artifact {
            path: "a/index.html".into(),
            body: Body::Copy("static/a/index.html".into()),
        }]);
        let problems = out.take_problems();
        assert_eq!(problems.len(), 2);
        let texts: Vec<String> = problems.iter().map(|d| format!("{d:?}")).collect();
        assert!(texts.iter().any(|t| t.contains("leave the output folder")));
        assert!(
            texts
                .iter()
                .any(|t| t.contains("a generated page and the file static/a/index.html"))
        );
        assert_eq!(out.count(), 3);
        let kept = out.into_artifacts();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].path, "a/index.html");
    }

    #[test]
    fn writes_into_staging_and_commits_whole() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let staging = Staging::begin(&output, None).unwrap();
        let out = Outputs::into_staging(&staging);
        out.put(vec![Artifact::bytes("en/x/index.html", "<p>x</p>")]);
        out.put(vec![Artifact::bytes("feed.xml", "<rss/>")]);
        assert!(!output.exists(), "nothing is visible before the commit");
        assert!(out.take_failure().is_none());
        assert!(out.into_artifacts().is_empty());
        let records = staging.commit().unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(
            std::fs::read_to_string(output.join("en/x/index.html")).unwrap(),
            "<p>x</p>"
        );
    }

    #[test]
    fn an_abandoned_staging_folder_leaves_the_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        std::fs::create_dir_all(&output).unwrap();
        std::fs::write(output.join(emit::MARKER), "").unwrap();
        std::fs::write(output.join("old.html"), "old").unwrap();
        let staging = Staging::begin(&output, None).unwrap();
        Outputs::into_staging(&staging).put(vec![Artifact::bytes("new.html", "new")]);
        staging.abandon();
        assert_eq!(
            std::fs::read_to_string(output.join("old.html")).unwrap(),
            "old"
        );
        assert!(!output.join("new.html").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
    }
}
