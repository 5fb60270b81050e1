//! Where a build's files go as the phases make them: kept in memory
//! (`quire serve`, `quire check`, tests) or written straight into the
//! staging folder ([`Staging`]) so that `quire build` never holds the whole
//! site in memory.
//!
//! Owns: the path checks every output passes (inside the output folder, one
//! producer per path) and the count of files put. Must not know: how files are made
//! or how the staging folder is swapped in.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use quire_core::Diagnostic;

use crate::emit::{self, Artifact, Body, EmitError, Staging};
use crate::lock::lock;

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

/// The output paths taken so far.
#[derive(Default)]
struct Paths {
    /// Each file and what made it.
    files: HashMap<String, Origin, foldhash::fast::RandomState>,
    /// Every folder that holds a file (`a`, `a/b` for `a/b/c.html`).
    folders: HashSet<String, foldhash::fast::RandomState>,
}

/// The longest file or folder name most file systems allow, in bytes.
const MAX_NAME: usize = quire_site::assemble::MAX_NAME;

/// The text of the diagnostic for a file that is also a folder (the
/// diagnostic's path is the file's).
fn file_and_folder(origin: &Origin) -> String {
    format!(
        "this path is written as a file ({}) and is also a folder of other outputs; rename one of them",
        origin.describe()
    )
}

/// The destination of a build's artifacts; safe to use from many threads.
pub(crate) struct Outputs<'s> {
    staging: Option<&'s Staging<'s>>,
    kept: Mutex<Vec<Artifact>>,
    /// Keyed with foldhash: one entry per output file (166,000 at 10k
    /// articles), inserted under the lock.
    origins: Mutex<Paths>,
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
            origins: Mutex::new(Paths::default()),
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
                if a.path == emit::MARKER {
                    lock(&self.problems).push(Diagnostic::error(
                        a.path.clone(),
                        "this output path is reserved: quire marks the folders it writes with this file",
                    ));
                    continue;
                }
                if let Some(long) = a.path.split('/').find(|s| s.len() > MAX_NAME) {
                    lock(&self.problems).push(Diagnostic::error(
                        a.path.clone(),
                        format!(
                            "a name in this output path is {} bytes long, more than the {MAX_NAME} file systems allow ({}…); shorten the slug, alias, term or file name",
                            long.len(),
                            long.chars().take(40).collect::<String>()
                        ),
                    ));
                    continue;
                }
                let origin = Origin::of(&a);
                if let Some(first) = origins.files.get(&a.path) {
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
                // A file where another output needs a folder, or the
                // other way round, is refused: the disk cannot hold both
                // (and a write would fail with a bare OS error).
                if origins.folders.contains(&a.path) {
                    lock(&self.problems)
                        .push(Diagnostic::error(a.path.clone(), file_and_folder(&origin)));
                    continue;
                }
                let mut clash = None;
                let mut new_folders = Vec::new();
                for (i, _) in a.path.match_indices('/').rev() {
                    let folder = &a.path[..i];
                    if origins.folders.contains(folder) {
                        break;
                    }
                    if let Some(file) = origins.files.get(folder) {
                        clash = Some((folder.to_string(), file.clone()));
                        break;
                    }
                    new_folders.push(folder.to_string());
                }
                if let Some((folder, file)) = clash {
                    lock(&self.problems).push(Diagnostic::error(folder, file_and_folder(&file)));
                    continue;
                }
                origins.folders.extend(new_folders);
                origins.files.insert(a.path.clone(), origin);
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

    /// Regression (#37): a file where another output needs a folder (an
    /// alias `/atom.xml` wants `atom.xml/index.html`), an over-long name or
    /// the output marker were written and failed with a bare OS error
    /// (exit 2, no file named); they are refused with a diagnostic on the
    /// output path, whichever comes first.
    #[test]
    fn refuses_file_folder_clashes_long_names_and_the_marker() {
        for order in [false, true] {
            let out = Outputs::in_memory();
            let mut batch = vec![
                Artifact::bytes("atom.xml", "<feed/>"),
                Artifact::bytes("atom.xml/index.html", "redirect"),
            ];
            if order {
                batch.reverse();
            }
            for a in batch {
                out.put(vec![a]);
            }
            let problems = out.take_problems();
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert_eq!(problems[0].path, "atom.xml");
            assert!(problems[0].message.contains("also a folder"));
        }
        let out = Outputs::in_memory();
        out.put(vec![
            Artifact::bytes(format!("briefs/{}/index.html", "x".repeat(300)), "x"),
            Artifact::bytes(emit::MARKER, "x"),
            Artifact::bytes("briefs/ok/index.html", "x"),
            Artifact::bytes("briefs/ok/card.png", "x"),
        ]);
        let problems = out.take_problems();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems
                .iter()
                .any(|d| d.message.contains("300 bytes long"))
        );
        assert!(problems.iter().any(|d| d.message.contains("reserved")));
        assert_eq!(out.into_artifacts().len(), 2);
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
