//! Media from a copy of `wp-content/uploads`: which file an old URL names,
//! and whether it may be copied.
//!
//! Owns: mapping media URLs (`/wp-content/uploads/…`, WordPress.com's
//! `*.files.wordpress.com/…`, Jetpack's `i0.wp.com/…`, the old site's own
//! `/files/2019/05/…`) to a path inside the uploads folder, and refusing
//! every path that would leave it: absolute remainders, `..`, hidden names,
//! symbolic links anywhere on the way.
//! Must not know: bundles, Markdown, or the report's wording.

use std::path::{Component, Path, PathBuf};

use crate::text::percent_decode;

/// Why a media URL was not copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The file is not in the uploads folder.
    Missing,
    /// The path would leave the uploads folder, or is hidden.
    Outside,
    /// A symbolic link on the way (not followed).
    Symlink,
}

/// The uploads folder given with `--uploads`.
#[derive(Debug, Clone)]
pub(crate) struct Uploads {
    root: PathBuf,
}

impl Uploads {
    /// The folder, resolved once (the user named it, so a link to it is fine).
    pub fn new(root: &Path) -> Uploads {
        Uploads {
            root: std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()),
        }
    }

    /// The regular file `rel` names inside the folder, or why not. Every
    /// step of the way is checked without following links, and the result
    /// must still lie inside the folder once resolved.
    pub fn resolve(&self, rel: &str) -> Result<PathBuf, Refusal> {
        let rel_path = safe_relative(rel).ok_or(Refusal::Outside)?;
        let mut current = self.root.clone();
        for part in rel_path.components() {
            current.push(part);
            match std::fs::symlink_metadata(&current) {
                Ok(meta) if meta.file_type().is_symlink() => return Err(Refusal::Symlink),
                Ok(_) => {}
                Err(_) => return Err(Refusal::Missing),
            }
        }
        let meta = std::fs::symlink_metadata(&current).map_err(|_| Refusal::Missing)?;
        if !meta.file_type().is_file() {
            return Err(Refusal::Missing);
        }
        let resolved = std::fs::canonicalize(&current).map_err(|_| Refusal::Missing)?;
        if !resolved.starts_with(&self.root) {
            return Err(Refusal::Outside);
        }
        Ok(resolved)
    }
}

/// A relative path made only of normal, visible segments.
fn safe_relative(rel: &str) -> Option<PathBuf> {
    if rel.is_empty() || rel.starts_with('/') || rel.contains(['\\', '\0']) {
        return None;
    }
    let mut out = PathBuf::new();
    for seg in rel.split('/') {
        if seg.is_empty() || seg == "." || seg == ".." || seg.starts_with('.') || seg.contains(':')
        {
            return None;
        }
        out.push(seg);
    }
    out.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then_some(out)
}

/// The path inside the uploads folder that a media URL names, percent-decoded,
/// or `None` when the URL is not one of the old site's media URLs. The
/// result is not yet checked; [`Uploads::resolve`] does that.
///
/// `media_hosts` are the hosts of the export's attachment URLs: there a
/// `/YYYY/MM/name` path (or `/files/YYYY/MM/name`) is an uploads path too.
pub(crate) fn uploads_path(url: &str, media_hosts: &[String]) -> Option<String> {
    let url = url.split(['?', '#']).next().unwrap_or(url);
    const MARK: &str = "/wp-content/uploads/";
    if let Some(pos) = url.find(MARK) {
        return Some(percent_decode(&url[pos + MARK.len()..]));
    }
    let host = crate::plan::host_of(url)?;
    let path = crate::plan::url_path(url)?;
    let path = path.trim_start_matches('/');
    if host.ends_with(".files.wordpress.com") {
        return Some(percent_decode(path));
    }
    let file_like = path
        .rsplit('/')
        .next()
        .and_then(|last| last.rsplit_once('.'))
        .is_some_and(|(stem, ext)| !stem.is_empty() && (1..=5).contains(&ext.len()));
    if media_hosts.contains(&host) && file_like {
        let path = path.strip_prefix("files/").unwrap_or(path);
        let mut parts = path.splitn(3, '/');
        let (y, m) = (parts.next()?, parts.next()?);
        if y.len() == 4 && m.len() == 2 && (y.to_string() + m).bytes().all(|b| b.is_ascii_digit()) {
            return Some(percent_decode(path));
        }
    }
    None
}

/// A file name for the bundle: the URL's own name as a slug with its
/// extension (`Harbour Map.PNG` → `harbour-map.png`).
pub(crate) fn bundle_name(rel: &str) -> String {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) => (s, Some(e)),
        None => (name, None),
    };
    let stem = match quire_core::slugify(stem) {
        s if s.is_empty() => "media".to_string(),
        s => s,
    };
    match ext
        .map(|e| e.to_ascii_lowercase())
        .filter(|e| !e.is_empty() && e.len() <= 5 && e.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        Some(e) => format!("{stem}.{e}"),
        None => stem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_urls_map_to_uploads_paths() {
        let hosts = vec!["old.example".to_string()];
        let p = |u: &str| uploads_path(u, &hosts);
        assert_eq!(
            p("https://old.example/wp-content/uploads/2024/02/a%20b.png?w=300").as_deref(),
            Some("2024/02/a b.png")
        );
        assert_eq!(
            p("https://site.files.wordpress.com/2008/06/x.jpg").as_deref(),
            Some("2008/06/x.jpg")
        );
        assert_eq!(
            p("https://i0.wp.com/old.example/wp-content/uploads/2020/01/y.jpg").as_deref(),
            Some("2020/01/y.jpg")
        );
        assert_eq!(
            p("https://old.example/files/2019/05/z.pdf").as_deref(),
            Some("2019/05/z.pdf")
        );
        assert_eq!(p("https://old.example/2019/05/a-post/"), None);
        assert_eq!(p("https://other.example/2019/05/z.pdf"), None);
        // The absolute remainder stays absolute: resolve() refuses it.
        assert_eq!(
            p("https://old.example/wp-content/uploads//etc/passwd").as_deref(),
            Some("/etc/passwd")
        );
    }

    #[test]
    fn only_plain_relative_paths_resolve() {
        let dir = tempfile::tempdir().unwrap();
        let uploads = dir.path().join("uploads");
        std::fs::create_dir_all(uploads.join("2024/02")).unwrap();
        std::fs::write(uploads.join("2024/02/map.png"), "png").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        let u = Uploads::new(&uploads);
        assert!(u.resolve("2024/02/map.png").is_ok());
        assert_eq!(u.resolve("2024/02/none.png"), Err(Refusal::Missing));
        for bad in [
            "/etc/passwd",
            "../secret.txt",
            "2024/../../secret.txt",
            "2024//02/map.png",
            ".hidden",
            "2024/02/..",
            "C:/x",
        ] {
            assert_eq!(u.resolve(bad), Err(Refusal::Outside), "{bad}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(
                dir.path().join("secret.txt"),
                uploads.join("2024/link.txt"),
            )
            .unwrap();
            std::os::unix::fs::symlink(dir.path(), uploads.join("out")).unwrap();
            assert_eq!(u.resolve("2024/link.txt"), Err(Refusal::Symlink));
            assert_eq!(u.resolve("out/secret.txt"), Err(Refusal::Symlink));
        }
    }

    #[test]
    fn bundle_names_are_slugs() {
        assert_eq!(bundle_name("2024/02/Harbour Map.PNG"), "harbour-map.png");
        assert_eq!(bundle_name("x/نقشه.jpg"), "nqshh.jpg");
        assert_eq!(bundle_name("x/.jpg"), "media.jpg");
        assert_eq!(bundle_name("x/archive"), "archive");
    }
}
