//! A folder target: the files a web server serves, written the way an
//! object store would store them.
//!
//! Every write goes to a temporary file in the same folder and is renamed
//! over the old file, so a reader (or a killed deploy) never sees half a
//! file. Symlinks are never followed: a symlinked folder on the way to a
//! file is refused, a symlinked file is replaced, not written through.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::DeployError;

/// The suffix of a write in progress; one left by a killed deploy is just a
/// stray file that the next deploy deletes.
const PARTIAL: &str = ".quire-partial";

fn io(path: &Path, doing: &str, e: std::io::Error) -> DeployError {
    DeployError::io(format!("cannot {doing} {}: {e}", path.display()))
}

/// Every file under `root` (keys `/`-separated) with its size; symlinks are
/// listed as files (so they are replaced or deleted, never followed).
pub fn list(root: &Path) -> Result<BTreeMap<String, u64>, DeployError> {
    let mut out = BTreeMap::new();
    if !root.exists() {
        return Ok(out);
    }
    for entry in walkdir::WalkDir::new(root).follow_links(false) {
        let entry =
            entry.map_err(|e| DeployError::io(format!("listing {}: {e}", root.display())))?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let Some(key) = rel.to_str().map(|k| k.replace('\\', "/")) else {
            continue;
        };
        let size = entry
            .path()
            .symlink_metadata()
            .map(|m| m.len())
            .unwrap_or(0);
        out.insert(key, size);
    }
    Ok(out)
}

/// The folder a key's file goes in, creating the folders on the way and
/// refusing any that is a symlink.
fn parent_of(root: &Path, key: &str) -> Result<(PathBuf, String), DeployError> {
    let mut dir = root.to_path_buf();
    let mut parts: Vec<&str> = key.split('/').collect();
    let name = parts.pop().unwrap_or_default().to_string();
    if name.is_empty()
        || parts
            .iter()
            .chain([&name.as_str()])
            .any(|p| p.is_empty() || *p == "." || *p == "..")
    {
        return Err(DeployError::refused(format!(
            "`{key}` is not a plain relative path"
        )));
    }
    for part in parts {
        dir.push(part);
        // Uploads run in parallel: another one may create the folder
        // between the look and the creation, which is fine.
        if let Err(e) = std::fs::create_dir(&dir)
            && e.kind() != std::io::ErrorKind::AlreadyExists
        {
            return Err(io(&dir, "create", e));
        }
        match dir.symlink_metadata() {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(DeployError::refused(format!(
                    "{} is a symlink; quire deploy never writes through one: remove it or deploy elsewhere",
                    dir.display()
                )));
            }
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                // A file where the site now has a folder (a page became a
                // section): the folder wins, as it would on a store.
                match std::fs::remove_file(&dir) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(io(&dir, "replace the file", e)),
                }
                if let Err(e) = std::fs::create_dir(&dir)
                    && e.kind() != std::io::ErrorKind::AlreadyExists
                {
                    return Err(io(&dir, "create", e));
                }
            }
            Err(e) => return Err(io(&dir, "create", e)),
        }
    }
    Ok((dir, name))
}

/// Writes `body` as the file of `key`, atomically.
pub fn write(root: &Path, key: &str, body: &[u8]) -> Result<(), DeployError> {
    std::fs::create_dir_all(root).map_err(|e| io(root, "create", e))?;
    let (dir, name) = parent_of(root, key)?;
    let partial = dir.join(format!(".{name}{PARTIAL}"));
    let target = dir.join(&name);
    let result = (|| {
        // A partial file left by a killed deploy (or a symlink planted in
        // its place) is removed, never opened: `create_new` does not
        // follow a symlink.
        match std::fs::remove_file(&partial) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&partial)?;
        file.write_all(body)?;
        file.flush()?;
        drop(file);
        if target.symlink_metadata().is_ok_and(|m| m.is_dir()) {
            std::fs::remove_dir_all(&target)?;
        }
        std::fs::rename(&partial, &target)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        io(&target, "write", e)
    })
}

/// Deletes the file of `key` and the folders it leaves empty.
pub fn remove(root: &Path, key: &str) -> Result<(), DeployError> {
    let path = root.join(key);
    match std::fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io(&path, "delete", e)),
    }
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d == root || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_atomically_and_never_through_symlinks() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("www");
        write(&root, "a/b/index.html", b"<p>x</p>").unwrap();
        assert_eq!(
            std::fs::read(root.join("a/b/index.html")).unwrap(),
            b"<p>x</p>"
        );
        assert_eq!(
            list(&root).unwrap().into_iter().collect::<Vec<_>>(),
            [("a/b/index.html".to_string(), 8)]
        );
        // A symlinked folder on the way is refused, and nothing is written
        // where it points.
        let elsewhere = tmp.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&elsewhere, root.join("c")).unwrap();
            let err = write(&root, "c/index.html", b"x").unwrap_err();
            assert!(err.message.contains("symlink"), "{err}");
            assert!(std::fs::read_dir(&elsewhere).unwrap().next().is_none());
            // A symlinked file is replaced, not written through.
            std::fs::write(elsewhere.join("secret"), b"keep").unwrap();
            std::os::unix::fs::symlink(elsewhere.join("secret"), root.join("s.txt")).unwrap();
            write(&root, "s.txt", b"new").unwrap();
            assert_eq!(std::fs::read(elsewhere.join("secret")).unwrap(), b"keep");
            assert!(
                !root
                    .join("s.txt")
                    .symlink_metadata()
                    .unwrap()
                    .file_type()
                    .is_symlink()
            );
        }
        remove(&root, "a/b/index.html").unwrap();
        assert!(!root.join("a").exists(), "empty folders go too");
        assert!(write(&root, "../x", b"x").is_err());
    }
}
