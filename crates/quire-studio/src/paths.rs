//! Site paths named in requests. Every file the studio reads or writes is
//! named by a site-relative, `/`-separated path and checked here: no `..`,
//! no absolute or drive paths, no hidden segments, no backslashes or NUL,
//! and no symbolic link anywhere between the site root and the file.
//!
//! Must not know: HTTP, front matter.

use std::path::{Path, PathBuf};

/// Why a path was refused, in words for the person who sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadPath(pub String);

impl std::fmt::Display for BadPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks the shape of a site-relative path: plain segments only.
pub fn check_shape(rel: &str) -> Result<(), BadPath> {
    let bad = |why: &str| {
        Err(BadPath(format!(
            "`{rel}` is not a file of this site: {why}"
        )))
    };
    if rel.is_empty() {
        return bad("the path is empty");
    }
    if rel.starts_with('/') || rel.contains('\\') || rel.contains('\0') {
        return bad("it must be relative to the site, with `/` between folders");
    }
    for (i, segment) in rel.split('/').enumerate() {
        if segment.is_empty() || segment == "." || segment == ".." {
            return bad("`.`, `..` and empty folder names are not allowed");
        }
        if segment.starts_with('.') {
            return bad("hidden files are not studio files");
        }
        if i == 0 && segment.len() == 2 && segment.ends_with(':') {
            return bad("it must be relative to the site");
        }
    }
    Ok(())
}

/// The file at `rel` under `root` after checking its shape and that no
/// part of it below the root is a symbolic link (the file may not exist).
pub fn resolve(root: &Path, rel: &str) -> Result<PathBuf, BadPath> {
    check_shape(rel)?;
    let mut path = root.to_path_buf();
    for segment in rel.split('/') {
        path.push(segment);
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(BadPath(format!(
                    "`{rel}` passes through a symbolic link; the studio only touches real files inside the site"
                )));
            }
            Ok(_) => {}
            // Not there (yet): nothing below it can be a link either.
            Err(_) => break,
        }
    }
    Ok(root.join(rel))
}

/// A Markdown source under `content/`.
pub fn content_file(root: &Path, rel: &str) -> Result<PathBuf, BadPath> {
    if !rel.starts_with("content/") || !rel.ends_with(".md") {
        return Err(BadPath(format!(
            "`{rel}` is not an article: articles are `.md` files under content/"
        )));
    }
    resolve(root, rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        for ok in ["content/a/index.md", "content/a/b/c.tr.md"] {
            assert!(check_shape(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "content/../quire.toml",
            "content/./a.md",
            "content//a.md",
            "content\\a.md",
            "C:/x.md",
            "content/.hidden/a.md",
            "content/a.md\0",
        ] {
            assert!(check_shape(bad).is_err(), "{bad}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/a")).unwrap();
        std::fs::create_dir_all(root.join("outside")).unwrap();
        std::os::unix::fs::symlink(root.join("outside"), root.join("content/link")).unwrap();
        assert!(content_file(root, "content/a/index.md").is_ok());
        assert!(content_file(root, "content/link/index.md").is_err());
        assert!(content_file(root, "quire.toml").is_err());
    }
}
