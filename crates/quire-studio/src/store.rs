//! Files on disk: content hashes (to notice that a file changed since it
//! was opened), atomic writes (a temporary file in the same folder renamed
//! over the target, so a crash leaves the old or the new text, never half
//! of one) and autosaved drafts under `.quire-studio/autosave/`.
//!
//! Must not know: HTTP, front matter.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The hidden folder of the studio's own files inside the site (never
/// published: quire reads only content/, authors/, static/… ).
pub const STUDIO_DIR: &str = ".quire-studio";

/// A hash of a file's bytes, as sent with the editor's form.
pub fn hash(bytes: &[u8]) -> String {
    format!("{:032x}", quire_build::cache::key_of(&bytes))
}

/// The hash of the file at `path`; the hash of nothing when it is missing.
pub fn hash_file(path: &Path) -> String {
    hash(&std::fs::read(path).unwrap_or_default())
}

/// Random bytes as hex (session tokens, temporary names).
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    if getrandom::getrandom(&mut buf).is_err() {
        // No system randomness: refuse to make a guessable token.
        panic!("the operating system gave no random bytes");
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes `bytes` to `path` atomically: a temporary file beside it,
/// flushed to disk, then renamed over it. Keeps the old file's permissions.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("a file needs a folder"))?;
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.{}.quire-studio.tmp", random_hex(6)));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&temp, meta.permissions())?;
        }
        std::fs::rename(&temp, path)?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// An autosaved, unsaved state of the editor's form.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Autosave {
    /// The hash of the file when the editor opened it.
    pub base_hash: String,
    /// When it was autosaved (RFC 3339, UTC).
    pub saved_at: String,
    /// The form's fields, in order, as the browser sent them.
    pub fields: Vec<(String, String)>,
}

/// Where the autosave of the site file `rel` lives.
pub fn autosave_path(root: &Path, rel: &str) -> PathBuf {
    let name: String =
        percent_encoding::utf8_percent_encode(rel, percent_encoding::NON_ALPHANUMERIC).to_string();
    root.join(STUDIO_DIR)
        .join("autosave")
        .join(format!("{name}.json"))
}

/// Stores an autosave of `rel`.
pub fn save_autosave(root: &Path, rel: &str, autosave: &Autosave) -> std::io::Result<()> {
    let json = serde_json::to_vec_pretty(autosave).map_err(std::io::Error::other)?;
    write_atomic(&autosave_path(root, rel), &json)
}

/// The autosave of `rel`, if any.
pub fn load_autosave(root: &Path, rel: &str) -> Option<Autosave> {
    let bytes = std::fs::read(autosave_path(root, rel)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Forgets the autosave of `rel`.
pub fn drop_autosave(root: &Path, rel: &str) {
    let _ = std::fs::remove_file(autosave_path(root, rel));
}

/// Now as RFC 3339 in UTC, to the second.
pub fn now() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.md");
        write_atomic(&file, b"one").unwrap();
        write_atomic(&file, b"two").unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn autosaves_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let a = Autosave {
            base_hash: hash(b"x"),
            saved_at: now(),
            fields: vec![("body".into(), "text".into())],
        };
        save_autosave(dir.path(), "content/a/index.md", &a).unwrap();
        assert_eq!(load_autosave(dir.path(), "content/a/index.md"), Some(a));
        drop_autosave(dir.path(), "content/a/index.md");
        assert_eq!(load_autosave(dir.path(), "content/a/index.md"), None);
    }
}
