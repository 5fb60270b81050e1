//! Reusing the previous build: a fingerprint of every input and a manifest
//! of every output file, kept in the site's cache folder
//! (`.quire-cache/output-<hash of the output path>`), not in the output, so
//! two builds of the same input stay byte-identical.
//!
//! A build whose inputs did not change (same files, sizes and modification
//! times under the site root, same options, same quire binary) and whose
//! output folder is as the last build left it does nothing. Otherwise an
//! output file whose bytes equal the previous build's is hard-linked from
//! the previous output instead of written again, so unchanged files keep
//! their inode and modification time (cheap for the disk, and for `rsync`
//! or a CDN upload that compares times).
//!
//! Owns: the fingerprint, the manifest format and its checks. Must not know:
//! what the files are; the build-beside-and-swap itself (see `emit`).

use std::collections::{HashMap, HashSet};
use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use siphasher::sip128::{Hasher128, SipHasher13};

/// The folder under the site root where quire keeps its caches; not an
/// input of the build.
pub const CACHE_DIR: &str = ".quire-cache";
const FORMAT: &str = "quire-output-manifest 1";

/// A 128-bit content hash (XXH3-128: stable between runs and machines, and
/// fast enough to run over every byte of the output; not meant to resist an
/// attacker, who could only make quire rewrite a file it could have
/// skipped).
pub fn content_hash(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// Size and modification time of a file, as recorded in the manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// Length in bytes.
    pub len: u64,
    /// Modification time in nanoseconds since the Unix epoch.
    pub mtime: i128,
}

impl Stamp {
    /// The stamp of the file at `path` (following symlinks), if it exists.
    pub fn of(path: &Path) -> Option<Stamp> {
        Stamp::of_metadata(&std::fs::metadata(path).ok()?)
    }

    /// The stamp recorded in `meta`.
    pub fn of_metadata(meta: &std::fs::Metadata) -> Option<Stamp> {
        let mtime = meta
            .modified()
            .ok()?
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as i128)
            .unwrap_or(0);
        Some(Stamp {
            len: meta.len(),
            mtime,
        })
    }
}

/// One output file of the previous build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    /// Hash of its bytes (for copied files: of the source's path and stamp).
    pub hash: u128,
    /// Its stamp right after the build wrote it.
    pub stamp: Stamp,
}

/// What the previous build wrote, and from which inputs.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// Fingerprint of the inputs.
    pub inputs: u128,
    /// Number of HTML pages the build reported.
    pub pages: usize,
    /// Output files by `/`-separated relative path.
    pub files: HashMap<String, Record>,
}

impl Manifest {
    /// The manifest the last build of the site at `root` into `output`
    /// saved, if it is there and readable.
    pub fn load(root: &Path, output: &Path) -> Option<Manifest> {
        let text = std::fs::read_to_string(manifest_path(root, output)).ok()?;
        let mut lines = text.lines();
        if lines.next()? != FORMAT {
            return None;
        }
        let inputs = u128::from_str_radix(lines.next()?.strip_prefix("inputs ")?, 16).ok()?;
        let pages = lines.next()?.strip_prefix("pages ")?.parse().ok()?;
        let mut files = HashMap::new();
        for line in lines {
            let mut parts = line.splitn(4, ' ');
            let hash = u128::from_str_radix(parts.next()?, 16).ok()?;
            let len = parts.next()?.parse().ok()?;
            let mtime = parts.next()?.parse().ok()?;
            let path = parts.next()?.to_string();
            files.insert(
                path,
                Record {
                    hash,
                    stamp: Stamp { len, mtime },
                },
            );
        }
        Some(Manifest {
            inputs,
            pages,
            files,
        })
    }

    /// Saves the manifest of the output just written to `output`; a failure
    /// only costs the next build its reuse.
    pub fn save(&self, root: &Path, output: &Path) {
        let mut out = format!(
            "{FORMAT}\ninputs {:032x}\npages {}\n",
            self.inputs, self.pages
        );
        let mut files: Vec<(&String, &Record)> = self.files.iter().collect();
        files.sort_unstable_by(|a, b| a.0.cmp(b.0));
        out.reserve(files.len() * 96);
        for (path, r) in files {
            use std::fmt::Write;
            let _ = writeln!(
                out,
                "{:032x} {} {} {path}",
                r.hash, r.stamp.len, r.stamp.mtime
            );
        }
        let target = manifest_path(root, output);
        let tmp = target.with_extension(format!("tmp{}", std::process::id()));
        let ok = target
            .parent()
            .is_some_and(|d| std::fs::create_dir_all(d).is_ok())
            && std::fs::write(&tmp, out).is_ok()
            && std::fs::rename(&tmp, &target).is_ok();
        if !ok {
            let _ = std::fs::remove_file(&tmp);
        }
    }

    /// Forgets the manifest of `output` (while the output is being
    /// replaced, so a killed build leaves none that describes the wrong
    /// folder).
    pub fn forget(root: &Path, output: &Path) {
        let _ = std::fs::remove_file(manifest_path(root, output));
    }

    /// True when every file the manifest lists is in `output` with the size
    /// and modification time the build left (nobody edited or deleted it).
    pub fn output_intact(&self, output: &Path) -> bool {
        use rayon::prelude::*;
        self.files
            .par_iter()
            .all(|(path, r)| Stamp::of(&output.join(path)) == Some(r.stamp))
    }
}

fn manifest_path(root: &Path, output: &Path) -> PathBuf {
    let id = content_hash(output_key(output).as_os_str().as_encoded_bytes()) as u64;
    root.join(CACHE_DIR).join(format!("output-{id:016x}"))
}

/// The output folder as the cache knows it: absolute, without `.`
/// components, repeated separators or a trailing slash, so `public`,
/// `./public/` and the same folder's absolute path share one manifest (a
/// spelling change was a full rebuild with nothing reused). Symlinks and
/// `..` are kept as written, unlike `emit::check_output`'s lexical
/// normalising: resolving them could make two folders one manifest.
fn output_key(output: &Path) -> PathBuf {
    std::path::absolute(output)
        .unwrap_or_else(|_| output.to_path_buf())
        .components()
        .collect()
}

/// Fingerprint of a build's inputs: every file under `root` (path, size,
/// modification time; symlinked folders followed once), except the output
/// folder, its staging folders, `.quire-cache` and `.git`; plus the build
/// options and the quire binary itself. Inside the input folders
/// (`content/`, `static/`…) it sees what discovery reads: hidden files and
/// folders are left out, and a symbolic link counts as itself (discovery
/// warns about it and never follows it).
pub fn inputs_fingerprint(root: &Path, output: &Path, options: &[&str]) -> u128 {
    let mut h = SipHasher13::new_with_keys(1, 2);
    h.write(env!("CARGO_PKG_VERSION").as_bytes());
    if let Some(stamp) = std::env::current_exe().ok().and_then(|p| Stamp::of(&p)) {
        h.write_u64(stamp.len);
        h.write_i128(stamp.mtime);
    }
    for option in options {
        h.write(option.as_bytes());
        h.write_u8(0);
    }
    h.write(output_key(output).as_os_str().as_encoded_bytes());
    h.write_u8(0);
    let output_name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let staging_prefix = format!(".{output_name}.quire-");
    let skip = |path: &Path, name: &str| {
        path == output || name == CACHE_DIR || name == ".git" || name.starts_with(&staging_prefix)
    };
    // The output counts as visited: however it is spelled (`public`,
    // `./public`, a symlink), it is never an input.
    let walker = Walker {
        root,
        skip: &skip,
        visited: Visited::default(),
        links: std::sync::Mutex::new(Vec::new()),
    };
    if let Ok(meta) = std::fs::metadata(output) {
        walker.visited.first_visit(output, &meta);
    }
    let mut entries = match std::fs::metadata(root) {
        Ok(meta) => walker.walk(root, &meta),
        Err(_) => Vec::new(),
    };
    entries.extend(walker.follow_links());
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for (path, stamp) in entries {
        h.write(path.as_bytes());
        h.write_u8(0);
        h.write_u64(stamp.len);
        h.write_i128(stamp.mtime);
    }
    h.finish128().as_u128()
}

/// The walk of a site's inputs for [`inputs_fingerprint`].
struct Walker<'a> {
    root: &'a Path,
    skip: &'a (dyn Fn(&Path, &str) -> bool + Sync),
    /// The folders walked so far, by identity.
    visited: Visited,
    /// Symlinks to folders met and not followed yet.
    links: std::sync::Mutex<Vec<PathBuf>>,
}

impl Walker<'_> {
    /// The files under the real folder `dir` (whose metadata is `meta`),
    /// relative to the root, unsorted; symlinked folders are set aside
    /// for [`Walker::follow_links`]. Sibling folders are walked in
    /// parallel: the walk is a stat per file, and a 10,000-article site
    /// has 30,000 of them. Real folders form a tree, so which thread
    /// reaches one first does not matter.
    fn walk(&self, dir: &Path, meta: &std::fs::Metadata) -> Vec<(String, Stamp)> {
        use rayon::prelude::*;
        if !self.visited.first_visit(dir, meta) {
            return Vec::new();
        }
        let Ok(read) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut folders = Vec::new();
        for entry in read.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if (self.skip)(&path, &name) {
                continue;
            }
            let is_link = entry.file_type().is_ok_and(|t| t.is_symlink());
            let input = path.strip_prefix(self.root).ok().filter(|rel| {
                rel.components().next().is_some_and(|c| {
                    quire_site::discover::INPUT_DIRS
                        .iter()
                        .any(|d| c.as_os_str() == *d)
                })
            });
            if let Some(rel) = input {
                if quire_site::discover::is_hidden(rel) {
                    continue;
                }
                if is_link {
                    // Never followed by discovery: only the link itself counts.
                    let stamp = std::fs::symlink_metadata(&path)
                        .ok()
                        .and_then(|m| Stamp::of_metadata(&m))
                        .unwrap_or(Stamp { len: 0, mtime: -1 });
                    out.push((self.relative(&path), stamp));
                    continue;
                }
            }
            // A symlink is followed; anything else is looked up from its
            // folder, without resolving the whole path again.
            let meta = if is_link {
                std::fs::metadata(&path)
            } else {
                entry.metadata()
            };
            match meta {
                Ok(meta) if meta.is_dir() && is_link => {
                    self.links
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(path);
                }
                Ok(meta) if meta.is_dir() => folders.push((path, meta)),
                Ok(meta) => out.push((
                    self.relative(&path),
                    Stamp::of_metadata(&meta).unwrap_or(Stamp { len: 0, mtime: 0 }),
                )),
                // Unreadable or dangling: its presence still counts.
                Err(_) => out.push((self.relative(&path), Stamp { len: 0, mtime: -1 })),
            }
        }
        let inner: Vec<Vec<(String, Stamp)>> = folders
            .par_iter()
            .map(|(path, meta)| self.walk(path, meta))
            .collect();
        out.extend(inner.into_iter().flatten());
        out
    }

    /// The files under the symlinked folders set aside, each folder
    /// followed once: one link at a time, in order of path, so the same
    /// tree always gives the same files whichever way its links point (a
    /// loop, or two links to one folder).
    fn follow_links(&self) -> Vec<(String, Stamp)> {
        let mut out = Vec::new();
        loop {
            let mut links =
                std::mem::take(&mut *self.links.lock().unwrap_or_else(|e| e.into_inner()));
            if links.is_empty() {
                return out;
            }
            links.sort_unstable();
            for link in links {
                if let Ok(meta) = std::fs::metadata(&link) {
                    out.extend(self.walk(&link, &meta));
                }
            }
        }
    }

    /// `path` relative to the root, as text.
    fn relative(&self, path: &Path) -> String {
        path.strip_prefix(self.root)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned()
    }
}

/// The folders walked so far, by identity: a symlink loop would otherwise
/// be walked forever. A set: a site has a folder per article, tens of
/// thousands of them.
#[derive(Default)]
struct Visited(std::sync::Mutex<HashSet<FolderId>>);

/// A folder's identity: its device and inode where there are such (read
/// from the metadata the walk has anyway), its canonical path elsewhere.
#[cfg(unix)]
type FolderId = (u64, u64);
#[cfg(not(unix))]
type FolderId = PathBuf;

impl Visited {
    /// True the first time the folder at `path` (with metadata `meta`,
    /// symlinks followed) is seen.
    fn first_visit(&self, path: &Path, meta: &std::fs::Metadata) -> bool {
        match folder_id(path, meta) {
            Some(id) => self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(id),
            None => true,
        }
    }
}

/// The identity of the folder at `path` whose metadata is `meta`.
#[cfg(unix)]
fn folder_id(_path: &Path, meta: &std::fs::Metadata) -> Option<FolderId> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

/// The identity of the folder at `path`.
#[cfg(not(unix))]
fn folder_id(path: &Path, _meta: &std::fs::Metadata) -> Option<FolderId> {
    std::fs::canonicalize(path).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = HashMap::new();
        files.insert(
            "en/a b/index.html".to_string(),
            Record {
                hash: content_hash(b"x"),
                stamp: Stamp { len: 1, mtime: 42 },
            },
        );
        let m = Manifest {
            inputs: 7,
            pages: 3,
            files,
        };
        let output = dir.path().join("public");
        m.save(dir.path(), &output);
        assert_eq!(Manifest::load(dir.path(), &output), Some(m));
        assert_eq!(
            Manifest::load(dir.path(), &dir.path().join("elsewhere")),
            None
        );
    }

    #[test]
    fn one_output_folder_spelled_two_ways_is_one_cache_entry() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        let plain = root.join("public");
        let dotted = root.join("./public/");
        assert_eq!(manifest_path(root, &plain), manifest_path(root, &dotted));
        assert_eq!(
            inputs_fingerprint(root, &plain, &[]),
            inputs_fingerprint(root, &dotted, &[])
        );
        // Relative to the working folder, and absolute.
        let relative = Path::new("target/some-output");
        let absolute = std::env::current_dir().unwrap().join(relative);
        assert_eq!(
            manifest_path(root, relative),
            manifest_path(root, &absolute)
        );
        // Another folder is another entry.
        assert_ne!(
            manifest_path(root, &plain),
            manifest_path(root, &root.join("public2"))
        );
    }

    #[test]
    fn fingerprint_sees_edits_and_ignores_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let output = root.join("public");
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::create_dir_all(&output).unwrap();
        std::fs::write(root.join("content/a.md"), "one").unwrap();
        let before = inputs_fingerprint(root, &output, &[]);
        std::fs::write(output.join("index.html"), "out").unwrap();
        assert_eq!(inputs_fingerprint(root, &output, &[]), before);
        assert_ne!(inputs_fingerprint(root, &output, &["--drafts"]), before);
        std::fs::write(root.join("content/a.md"), "one, edited").unwrap();
        assert_ne!(inputs_fingerprint(root, &output, &[]), before);
    }

    /// Regression (#37): the fingerprint sees what discovery reads. Files
    /// in hidden folders of the inputs are no inputs; `static/.well-known/`
    /// is; a symbolic link in an input folder counts as itself, and what it
    /// points to is never walked.
    #[cfg(unix)]
    #[test]
    fn fingerprint_skips_hidden_inputs_and_does_not_follow_input_links() {
        let dir = tempfile::tempdir().unwrap();
        let root = &dir.path().join("site");
        let output = root.join("public");
        std::fs::create_dir_all(root.join("content/a")).unwrap();
        std::fs::create_dir_all(root.join("static")).unwrap();
        std::fs::write(root.join("content/a/index.md"), "a").unwrap();
        let before = inputs_fingerprint(root, &output, &[]);
        for hidden in [
            "static/.git/config",
            "static/assets/.private/key.txt",
            "content/a/.drafts/notes.txt",
            "content/.obsidian/workspace.json",
            "static/.well-known/.hidden",
        ] {
            let path = root.join(hidden);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "secret").unwrap();
            assert_eq!(inputs_fingerprint(root, &output, &[]), before, "{hidden}");
        }
        std::fs::write(root.join("static/.well-known/security.txt"), "x").unwrap();
        let published = inputs_fingerprint(root, &output, &[]);
        assert_ne!(published, before, "static/.well-known/ is an input");
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("id_rsa"), "key").unwrap();
        std::os::unix::fs::symlink(&outside, root.join("static/leak")).unwrap();
        let linked = inputs_fingerprint(root, &output, &[]);
        assert_ne!(linked, published, "a new link is a change");
        std::fs::write(outside.join("id_rsa"), "another key").unwrap();
        assert_eq!(
            inputs_fingerprint(root, &output, &[]),
            linked,
            "the walk followed a link in static/"
        );
    }

    #[cfg(unix)]
    #[test]
    fn fingerprint_walks_nested_folders_once_through_symlink_loops() {
        let dir = tempfile::tempdir().unwrap();
        let root = &dir.path().join("site");
        let output = root.join("public");
        for section in ["analysis", "reports"] {
            for n in 0..20 {
                let folder = root.join(format!("content/{section}/a{n}"));
                std::fs::create_dir_all(&folder).unwrap();
                std::fs::write(folder.join("index.md"), format!("{section} {n}")).unwrap();
            }
        }
        // A loop back to the root, and a link to the output under another
        // name: neither may be walked (the first forever, the second at all).
        std::os::unix::fs::symlink(root, root.join("content/analysis/a3/loop")).unwrap();
        std::fs::create_dir_all(&output).unwrap();
        std::os::unix::fs::symlink(&output, root.join("site-output")).unwrap();
        // Two links to one folder outside the site, and one to a folder
        // inside it: which way a folder is reached first must not depend
        // on which thread gets there first.
        let shared = dir.path().join("shared");
        std::fs::create_dir_all(&shared).unwrap();
        std::fs::write(shared.join("logo.svg"), "<svg/>").unwrap();
        std::os::unix::fs::symlink(&shared, root.join("static-b")).unwrap();
        std::os::unix::fs::symlink(&shared, root.join("static-a")).unwrap();
        std::os::unix::fs::symlink(root.join("content/reports"), root.join("reports")).unwrap();
        let before = inputs_fingerprint(root, &output, &[]);
        for _ in 0..20 {
            assert_eq!(
                inputs_fingerprint(root, &output, &[]),
                before,
                "not deterministic"
            );
        }
        std::fs::write(shared.join("logo.svg"), "<svg></svg>").unwrap();
        assert_ne!(
            inputs_fingerprint(root, &output, &[]),
            before,
            "a file behind a symlink was missed"
        );
        std::fs::write(shared.join("logo.svg"), "<svg/>").unwrap();
        let before = inputs_fingerprint(root, &output, &[]);
        assert_eq!(
            inputs_fingerprint(root, &output, &[]),
            before,
            "not deterministic"
        );
        std::fs::write(output.join("index.html"), "out").unwrap();
        assert_eq!(
            inputs_fingerprint(root, &output, &[]),
            before,
            "the output counted"
        );
        let deep = root.join("content/reports/a17/index.md");
        std::fs::write(&deep, "reports 17, edited").unwrap();
        let edited = inputs_fingerprint(root, &output, &[]);
        assert_ne!(edited, before, "an edit deep in the tree was missed");
        std::fs::write(root.join("content/reports/a17/extra.png"), "").unwrap();
        assert_ne!(
            inputs_fingerprint(root, &output, &[]),
            edited,
            "a new file was missed"
        );
    }
}
