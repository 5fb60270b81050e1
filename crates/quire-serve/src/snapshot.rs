//! The served site as one immutable value: every output file in memory plus
//! the diagnostics of the last failed rebuild, if any.
//!
//! A snapshot is never changed after it is made; the rebuild swaps in a new
//! one whole, so a request holding a snapshot sees one consistent site.
//! Must not know: HTTP, the watcher.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use quire_build::{Artifact, Body};
use quire_core::Diagnostic;

/// One output file held in memory.
#[derive(Debug)]
pub struct SiteFile {
    /// The file's bytes, exactly as a build writes them.
    pub bytes: Bytes,
    /// Content hash, computed on first use: most files of a rebuild are
    /// never requested, so hashing them all would only slow rebuilds.
    hash: OnceLock<u64>,
}

impl SiteFile {
    /// A file with these bytes.
    pub fn new(bytes: impl Into<Bytes>) -> SiteFile {
        SiteFile {
            bytes: bytes.into(),
            hash: OnceLock::new(),
        }
    }

    /// A hash of the bytes, stable for the life of the process.
    pub fn hash(&self) -> u64 {
        *self.hash.get_or_init(|| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            self.bytes.hash(&mut h);
            h.finish()
        })
    }
}

/// Output path (relative, `/`-separated) → file.
pub type Files = HashMap<String, SiteFile>;

/// The site as served at one moment.
#[derive(Debug, Default)]
pub struct SiteSnapshot {
    /// Every output file of the last successful build.
    pub files: Arc<Files>,
    /// Diagnostics of the last rebuild when it failed (shown as an overlay);
    /// empty when the last rebuild succeeded.
    pub errors: Arc<Vec<String>>,
    /// Counts rebuilds, failed ones included; 0 before the first.
    pub generation: u64,
}

impl SiteSnapshot {
    /// A tag that changes whenever the error overlay changes; 0 without errors.
    pub fn overlay_tag(&self) -> u64 {
        if self.errors.is_empty() {
            return 0;
        }
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.errors.hash(&mut h);
        h.finish() | 1
    }
}

/// Turns build artifacts into in-memory files, reading copied files from
/// disk. A copied file that is a link leading out of the site root is left
/// out with a warning: serving it would expose files outside the site.
pub fn load_files(root: &Path, artifacts: Vec<Artifact>) -> (Files, Vec<Diagnostic>) {
    let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut files = Files::with_capacity(artifacts.len());
    let mut problems = Vec::new();
    for artifact in artifacts {
        let bytes = match artifact.body {
            Body::Bytes(bytes) => Bytes::from(bytes),
            Body::Copy(source) => {
                let rel = source
                    .strip_prefix(root)
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
                    .unwrap_or_else(|_| source.display().to_string());
                match std::fs::canonicalize(&source) {
                    Ok(real) if !real.starts_with(&canonical_root) => {
                        problems.push(Diagnostic::warning(
                            rel,
                            "this file links to a place outside the site; quire serve leaves it out",
                        ));
                        continue;
                    }
                    Ok(_) => {}
                    Err(e) => {
                        problems.push(Diagnostic::error(rel, format!("cannot read: {e}")));
                        continue;
                    }
                }
                match std::fs::read(&source) {
                    Ok(bytes) => Bytes::from(bytes),
                    Err(e) => {
                        problems.push(Diagnostic::error(rel, format!("cannot read: {e}")));
                        continue;
                    }
                }
            }
        };
        files.insert(artifact.path, SiteFile::new(bytes));
    }
    (files, problems)
}

/// What differs between two versions of the site, for live reload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Nothing a browser would see.
    None,
    /// Only stylesheets changed: swap them without reloading the page.
    Stylesheets,
    /// Anything else: reload the page.
    Pages,
}

/// Compares two file sets.
pub fn diff(old: &Files, new: &Files) -> Change {
    let mut changed = old
        .iter()
        .filter(|(path, file)| new.get(*path).is_none_or(|n| n.bytes != file.bytes))
        .map(|(path, _)| path)
        .chain(new.keys().filter(|path| !old.contains_key(*path)))
        .peekable();
    if changed.peek().is_none() {
        return Change::None;
    }
    if changed.all(|path| path.ends_with(".css")) {
        Change::Stylesheets
    } else {
        Change::Pages
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(entries: &[(&str, &str)]) -> Files {
        entries
            .iter()
            .map(|(p, b)| (p.to_string(), SiteFile::new(b.as_bytes().to_vec())))
            .collect()
    }

    #[test]
    fn diff_tells_stylesheets_from_pages() {
        let old = files(&[("a/index.html", "x"), ("s.css", "1")]);
        assert_eq!(
            diff(&old, &files(&[("a/index.html", "x"), ("s.css", "1")])),
            Change::None
        );
        assert_eq!(
            diff(&old, &files(&[("a/index.html", "x"), ("s.css", "2")])),
            Change::Stylesheets
        );
        assert_eq!(
            diff(&old, &files(&[("a/index.html", "y"), ("s.css", "1")])),
            Change::Pages
        );
        assert_eq!(diff(&old, &files(&[("s.css", "1")])), Change::Pages);
        assert_eq!(
            diff(
                &old,
                &files(&[("a/index.html", "x"), ("s.css", "1"), ("t.css", "")])
            ),
            Change::Stylesheets
        );
    }

    #[test]
    fn overlay_tag_is_zero_only_without_errors() {
        let mut s = SiteSnapshot::default();
        assert_eq!(s.overlay_tag(), 0);
        s.errors = Arc::new(vec!["content/a.md:3:1: bad".into()]);
        assert_ne!(s.overlay_tag(), 0);
    }
}
