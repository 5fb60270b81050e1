//! The built output as the deploy sees it: every file under a folder that
//! carries quire's output marker, with its size and content hash.
//!
//! Owns: the marker check, the walk (symlinks never followed) and the
//! parallel hashing. Must not know: targets, headers.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::DeployError;
use crate::manifest::MANIFEST;

/// One file of the built output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalFile {
    /// Its path under the output, `/`-separated: the object key.
    pub key: String,
    /// Where it is on disk.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// XXH3-128 of its bytes.
    pub hash: u128,
}

/// Hashes bytes the way the manifest records them.
pub fn hash(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// Lists and hashes the files of a built output, sorted by key. Refuses a
/// folder without quire's output marker (so a wrong `--root` can never
/// publish someone's home folder) and a symlink inside it.
pub fn scan(output: &Path) -> Result<Vec<LocalFile>, DeployError> {
    check_marker(output)?;
    let marker = quire_build::emit::MARKER;
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(output).follow_links(false) {
        let entry = entry.map_err(|e| DeployError::io(format!("reading the output: {e}")))?;
        let kind = entry.file_type();
        if kind.is_dir() {
            continue;
        }
        if kind.is_symlink() {
            return Err(DeployError::refused(format!(
                "{} is a symlink; quire never writes one, so the output was changed by hand: rebuild it with `quire build`",
                entry.path().display()
            )));
        }
        let rel = entry.path().strip_prefix(output).unwrap_or(entry.path());
        let Some(key) = key_of(rel) else {
            return Err(DeployError::refused(format!(
                "{} has a name that is not UTF-8; rename it",
                entry.path().display()
            )));
        };
        if key == marker || key == MANIFEST {
            continue;
        }
        found.push((key, entry.into_path()));
    }
    found.sort();
    found
        .into_par_iter()
        .map(|(key, path)| {
            let bytes = std::fs::read(&path)
                .map_err(|e| DeployError::io(format!("cannot read {}: {e}", path.display())))?;
            Ok(LocalFile {
                key,
                size: bytes.len() as u64,
                hash: hash(&bytes),
                path,
            })
        })
        .collect()
}

/// Refuses a folder without quire's output marker.
pub fn check_marker(output: &Path) -> Result<(), DeployError> {
    let marker = quire_build::emit::MARKER;
    if output.join(marker).is_file() {
        return Ok(());
    }
    Err(DeployError::usage(format!(
        "{} is not a quire output (it has no {marker} file); run `quire build` first, or pass the --root of a built site",
        output.display()
    )))
}

/// The `/`-separated key of a relative path, if every part is UTF-8.
fn key_of(rel: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}
