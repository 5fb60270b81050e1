//! Writing artifacts: the output folder is built beside the old one and
//! swapped in whole, so a failed or killed build never leaves a half-written
//! site, and quire only ever deletes folders it created.

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::lock::lock;
use crate::reuse::{Manifest, Record, Stamp, content_hash};

/// The name of the file that marks a folder as created by quire.
pub const MARKER: &str = ".quire-output";

/// What an artifact's bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Bytes made by the build.
    Bytes(Vec<u8>),
    /// A file to copy as-is (bundle files, static files).
    Copy(PathBuf),
}

/// One file of the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// Path relative to the output root, `/`-separated, never starting with `/`.
    pub path: String,
    /// Its content.
    pub body: Body,
}

impl Artifact {
    /// An artifact made of bytes.
    pub fn bytes(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Artifact {
        Artifact {
            path: path.into(),
            body: Body::Bytes(bytes.into()),
        }
    }
}

/// Why the output folder cannot be used.
#[derive(Debug)]
pub enum EmitError {
    /// The folder is unsafe to replace; the message says why and what to do.
    Refused(String),
    /// Writing failed (the previous output is left as it was).
    Io(PathBuf, io::Error),
}

impl std::fmt::Display for EmitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EmitError::Refused(m) => f.write_str(m),
            EmitError::Io(p, e) => write!(f, "{}: {e}", p.display()),
        }
    }
}

/// Checks that `output` may be replaced by a build of the site at `root`.
pub fn check_output(root: &Path, output: &Path) -> Result<(), EmitError> {
    let abs = |p: &Path| normalize(&std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()));
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| abs(root));
    let output_abs = match std::fs::canonicalize(output) {
        Ok(p) => p,
        Err(_) => abs(output),
    };
    if output_abs == root {
        return Err(EmitError::Refused(format!(
            "refusing to write the site into its own root folder {}; choose another --output",
            output.display()
        )));
    }
    if root.starts_with(&output_abs) {
        return Err(EmitError::Refused(format!(
            "refusing to use {} as output: it contains the site itself",
            output.display()
        )));
    }
    for inner in [
        "content",
        "authors",
        "templates",
        "static",
        "i18n",
        "bibliography",
    ] {
        if output_abs.starts_with(root.join(inner)) {
            return Err(EmitError::Refused(format!(
                "refusing to write output inside the site's {inner}/ folder; choose another --output"
            )));
        }
    }
    if output_abs.is_file() {
        return Err(EmitError::Refused(format!(
            "{} is a file, not a folder; choose another --output",
            output.display()
        )));
    }
    if output_abs.is_dir() {
        let non_empty = std::fs::read_dir(&output_abs)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true);
        if non_empty && !output_abs.join(MARKER).is_file() {
            return Err(EmitError::Refused(format!(
                "refusing to replace {}: it is not empty and was not created by quire; remove it or choose another --output",
                output.display()
            )));
        }
    }
    Ok(())
}

fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// True if `path` is a safe relative output path (no `..`, no absolute
/// part, no backslash or NUL), so no artifact can land outside the output.
pub fn is_safe_path(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.contains('\0')
        && path
            .split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != "..")
}

/// The right to replace one output folder: one build at a time. Held from
/// before the previous build's manifest is read until the new output is
/// swapped in and its manifest saved; a second build of the same output
/// meanwhile is refused at once with a clear message, instead of deleting
/// the first one's staging folder as a leftover and failing on a missing
/// file (#37). The lock is the operating system's (`flock`, `LockFileEx`)
/// on the file `.<name>.quire-lock` beside the output, so a killed build
/// holds nothing; the file is removed when the build lets go.
pub struct OutputLock {
    file: std::fs::File,
    path: PathBuf,
}

impl OutputLock {
    /// Takes the lock of `output`, or says who holds it.
    pub fn acquire(output: &Path) -> Result<OutputLock, EmitError> {
        let parent = parent_of(output);
        std::fs::create_dir_all(&parent).map_err(|e| EmitError::Io(parent.clone(), e))?;
        let path = parent.join(format!(".{}.quire-lock", output_name(output)));
        loop {
            let file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| EmitError::Io(path.clone(), e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(EmitError::Refused(format!(
                        "another quire build is writing {}; wait for it to finish, or build into another --output",
                        output.display()
                    )));
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(EmitError::Io(path, e)),
            }
            // The build before may have removed the file as it let go,
            // after this one opened it: then the lock is on a file no one
            // else will open, and the one now at the path must be taken.
            if same_file(&file, &path) {
                return Ok(OutputLock { file, path });
            }
        }
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while still locked; the lock goes with the handle.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// True when the open `file` is the file at `path`.
#[cfg(unix)]
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// True when the open `file` is the file at `path` (a locked file cannot
/// be removed here while open, so it always is).
#[cfg(not(unix))]
fn same_file(_file: &std::fs::File, path: &Path) -> bool {
    path.exists()
}

/// Writes `artifacts` into a new folder beside `output`, then swaps it in.
/// On any error the previous `output` is untouched and the new folder removed.
pub fn write_site(root: &Path, output: &Path, artifacts: &[Artifact]) -> Result<(), EmitError> {
    write_site_reusing(root, output, artifacts, None).map(|_| ())
}

/// [`write_site`] that hard-links each file whose content `previous` (the
/// manifest of the build that wrote `output`) shows unchanged, instead of
/// writing it again. Returns the records of the new output's files.
pub fn write_site_reusing(
    root: &Path,
    output: &Path,
    artifacts: &[Artifact],
    previous: Option<&Manifest>,
) -> Result<HashMap<String, Record>, EmitError> {
    check_output(root, output)?;
    let _lock = OutputLock::acquire(output)?;
    let staging = Staging::begin(output, previous)?;
    let written = artifacts
        .par_chunks(64)
        .try_for_each(|chunk| staging.write(chunk));
    match written {
        Ok(()) => staging.commit(),
        Err(e) => {
            staging.abandon();
            Err(e)
        }
    }
}

/// A new output folder being written beside `output`: files go in as the
/// build makes them ([`Staging::write`], from any thread), and
/// [`Staging::commit`] swaps the folder in whole. Dropped or
/// [abandoned](Staging::abandon) before the commit, it is removed and the
/// previous output stays as it was.
pub struct Staging<'p> {
    folder: PathBuf,
    output: PathBuf,
    previous: Option<&'p Manifest>,
    /// Folders already created under `folder`.
    made: Mutex<HashSet<PathBuf, foldhash::fast::RandomState>>,
    records: Mutex<HashMap<String, Record>>,
    committed: bool,
}

impl<'p> Staging<'p> {
    /// Creates the new folder beside `output` (after removing what killed
    /// builds left); `previous` is the manifest of the build that wrote
    /// `output`, whose unchanged files are hard-linked instead of written.
    /// The caller has checked `output` with [`check_output`] and holds its
    /// [`OutputLock`]: this removes staging folders other builds left.
    pub fn begin(output: &Path, previous: Option<&'p Manifest>) -> Result<Staging<'p>, EmitError> {
        let parent = parent_of(output);
        std::fs::create_dir_all(&parent).map_err(|e| EmitError::Io(parent.clone(), e))?;
        let name = output_name(output);
        remove_stale(&parent, &name);
        let folder = parent.join(format!(".{name}.quire-new-{}", std::process::id()));
        let staging = Staging {
            folder,
            output: output.to_path_buf(),
            previous,
            made: Mutex::new(HashSet::default()),
            records: Mutex::new(HashMap::new()),
            committed: false,
        };
        std::fs::create_dir_all(&staging.folder)
            .map_err(|e| EmitError::Io(staging.folder.clone(), e))?;
        std::fs::write(
            staging.folder.join(MARKER),
            "This folder was written by quire build; quire replaces it whole on the next build.\n",
        )
        .map_err(|e| EmitError::Io(staging.folder.join(MARKER), e))?;
        Ok(staging)
    }

    /// Creates the folders that will hold output files, in path order, before
    /// any file is written: ext4 then places each folder's inodes together,
    /// where folders made one by one between files of other folders cost
    /// four times the kernel time (BENCHMARKS.md, session 4). Folders of
    /// different parents are made in parallel, one level of depth at a
    /// time: the kernel makes a folder's children one at a time anyway
    /// (it locks the parent), and one thread making all 40,000 folders of
    /// the 10,000-article site left the other core idle.
    pub fn make_folders<'a>(
        &self,
        folders: impl Iterator<Item = &'a str>,
    ) -> Result<(), EmitError> {
        let mut all: Vec<&Path> = folders
            .filter(|f| is_safe_path(f))
            .flat_map(|f| Path::new(f).ancestors())
            .filter(|f| !f.as_os_str().is_empty())
            .collect();
        // By depth, then path: each run of equal depth is one level, and
        // within it each parent's children are one run.
        all.sort_by_cached_key(|f| (f.components().count(), *f));
        all.dedup();
        let depth = |f: &Path| f.components().count();
        for level in all.chunk_by(|a, b| depth(a) == depth(b)) {
            let siblings: Vec<&[&Path]> = level.chunk_by(|a, b| a.parent() == b.parent()).collect();
            siblings.par_iter().try_for_each(|children| {
                children.iter().try_for_each(|rel| {
                    let dir = self.folder.join(rel);
                    match std::fs::create_dir(&dir) {
                        Err(e) if e.kind() != io::ErrorKind::AlreadyExists => {
                            Err(EmitError::Io(dir, e))
                        }
                        _ => Ok(()),
                    }
                })
            })?;
        }
        lock(&self.made).extend(all.iter().map(|rel| self.folder.join(rel)));
        Ok(())
    }

    /// Creates `rel` (and its parents) under the new folder once.
    fn make_folder(&self, rel: &Path) -> Result<(), EmitError> {
        let dir = self.folder.join(rel);
        if lock(&self.made).contains(&dir) {
            return Ok(());
        }
        std::fs::create_dir_all(&dir).map_err(|e| EmitError::Io(dir.clone(), e))?;
        lock(&self.made).insert(dir);
        Ok(())
    }

    /// Writes `artifacts` into the new folder (or hard-links them from the
    /// previous output when unchanged). Paths that [`is_safe_path`] refuses
    /// are skipped: the build reports them as errors and never commits.
    pub fn write(&self, artifacts: &[Artifact]) -> Result<(), EmitError> {
        // Large batches (the feeds, the sitemap, a long listing) are written
        // by every core: a file write is mostly kernel time on the calling
        // thread.
        let records: Vec<(String, Record)> = artifacts
            .par_iter()
            .with_min_len(8)
            .filter(|a| is_safe_path(&a.path))
            .map(|a| {
                if let Some(dir) = Path::new(&a.path).parent() {
                    self.make_folder(dir)?;
                }
                self.write_one(a)
            })
            .collect::<Result<_, _>>()?;
        lock(&self.records).extend(records);
        Ok(())
    }

    fn write_one(&self, a: &Artifact) -> Result<(String, Record), EmitError> {
        let target = self.folder.join(&a.path);
        let hash = match &a.body {
            Body::Bytes(bytes) => content_hash(bytes),
            // A copied file is as unchanged as its source's size and time.
            Body::Copy(from) => {
                let stamp = Stamp::of(from);
                content_hash(format!("{}\0{stamp:?}", from.display()).as_bytes())
            }
        };
        let old = self.output.join(&a.path);
        let linked = self
            .previous
            .and_then(|m| m.files.get(&a.path))
            .filter(|r| r.hash == hash && Stamp::of(&old) == Some(r.stamp))
            .is_some_and(|_| std::fs::hard_link(&old, &target).is_ok());
        let written = match (&a.body, linked) {
            // The stamp from the open file: no second walk of the path.
            (Body::Bytes(bytes), false) => {
                let write = || -> io::Result<std::fs::Metadata> {
                    let mut file = std::fs::File::create(&target)?;
                    io::Write::write_all(&mut file, bytes)?;
                    file.metadata()
                };
                let meta = write().map_err(|e| EmitError::Io(target.clone(), e))?;
                Stamp::of_metadata(&meta)
            }
            (Body::Copy(from), false) => {
                std::fs::copy(from, &target).map_err(|e| EmitError::Io(target.clone(), e))?;
                Stamp::of(&target)
            }
            (_, true) => Stamp::of(&target),
        };
        let stamp = written.ok_or_else(|| {
            EmitError::Io(target.clone(), io::Error::other("written file vanished"))
        })?;
        Ok((a.path.clone(), Record { hash, stamp }))
    }

    /// Swaps the new folder in for `output` and deletes the previous one;
    /// returns the records of every file written.
    pub fn commit(mut self) -> Result<HashMap<String, Record>, EmitError> {
        self.committed = true;
        let records = std::mem::take(&mut *lock(&self.records));
        let (staging, output) = (self.folder.clone(), self.output.clone());
        let old = parent_of(&output).join(format!(
            ".{}.quire-old-{}",
            output_name(&output),
            std::process::id()
        ));
        // Linux swaps both folders in one step (renameat2 RENAME_EXCHANGE), so
        // a build killed at any moment leaves a whole output in place (#11).
        #[cfg(target_os = "linux")]
        if output.exists() {
            use rustix::fs::{CWD, RenameFlags, renameat_with};
            if renameat_with(CWD, &staging, CWD, &output, RenameFlags::EXCHANGE).is_ok() {
                // `staging` now holds the previous output.
                let _ = remove_tree(&staging);
                return Ok(records);
            }
        }
        // Elsewhere, or where the file system refuses the exchange: move the
        // old folder aside, move the new one in, delete the old. A kill in
        // between leaves only the old folder, which the next build puts back
        // first.
        if output.exists() {
            std::fs::rename(&output, &old).map_err(|e| {
                let _ = remove_tree(&staging);
                EmitError::Io(output.clone(), e)
            })?;
        }
        if let Err(e) = std::fs::rename(&staging, &output) {
            // Put the old output back.
            let _ = std::fs::rename(&old, &output);
            let _ = remove_tree(&staging);
            return Err(EmitError::Io(output, e));
        }
        let _ = remove_tree(&old);
        Ok(records)
    }

    /// Removes the new folder; the previous output stays as it was.
    pub fn abandon(self) {
        drop(self);
    }
}

impl Drop for Staging<'_> {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_tree(&self.folder);
        }
    }
}

/// The folder that holds `output` (`.` for a bare name).
fn parent_of(output: &Path) -> PathBuf {
    match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The output folder's own name (`public`).
fn output_name(output: &Path) -> String {
    output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".to_string())
}

/// Deletes one of quire's own output folders at `path` (symlinks are
/// removed, never followed), its [`MARKER`] last: a build killed while
/// deleting leaves a folder the next build still knows as its own and
/// removes ([`remove_stale`] deletes only folders with the marker). Folders
/// are emptied in parallel: deleting the previous output after the swap was
/// most of a rebuild's emit phase, one unlink at a time.
fn remove_tree(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref();
    remove_all_but_marker(path)?;
    if let Err(e) = std::fs::remove_file(path.join(MARKER))
        && e.kind() != io::ErrorKind::NotFound
    {
        return Err(e);
    }
    std::fs::remove_dir(path)
}

/// Deletes everything in the folder `path` except its [`MARKER`].
fn remove_all_but_marker(path: &Path) -> io::Result<()> {
    let entries: Vec<std::fs::DirEntry> = std::fs::read_dir(path)?.collect::<io::Result<_>>()?;
    entries
        .par_iter()
        .filter(|e| e.file_name() != MARKER)
        .try_for_each(|entry| {
            // The entry's own type: a symlink to a folder is a link here.
            if entry.file_type()?.is_dir() {
                remove_dir_all::remove_dir_all(entry.path())
            } else {
                std::fs::remove_file(entry.path())
            }
        })
}

/// Removes staging folders left by builds that were killed. A build killed
/// after moving the output aside but before moving the new one in left no
/// output, only its old folder: that folder is put back, not deleted.
fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let new_prefix = format!(".{name}.quire-new-");
    let old_prefix = format!(".{name}.quire-old-");
    let mut entries: Vec<_> = entries.flatten().collect();
    let output = parent.join(name);
    if !output.exists()
        && let Some(i) = entries.iter().position(|e| {
            e.file_name().to_string_lossy().starts_with(&old_prefix)
                && e.path().join(MARKER).is_file()
        })
        && std::fs::rename(entries[i].path(), &output).is_ok()
    {
        entries.remove(i);
    }
    for entry in entries {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if (file_name.starts_with(&new_prefix) || file_name.starts_with(&old_prefix))
            && entry.path().join(MARKER).is_file()
        {
            let _ = remove_tree(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_paths() {
        assert!(is_safe_path("tr/analysis/x/index.html"));
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a\\b",
            "a//b",
            "a/./b",
            "x\0",
        ] {
            assert!(!is_safe_path(bad), "{bad:?}");
        }
    }

    #[test]
    fn refuses_foreign_non_empty_folder_and_site_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        let foreign = dir.path().join("docs");
        std::fs::create_dir_all(&foreign).unwrap();
        std::fs::write(foreign.join("keep.txt"), "mine").unwrap();
        assert!(matches!(
            check_output(&root, &foreign),
            Err(EmitError::Refused(_))
        ));
        assert!(matches!(
            check_output(&root, &root),
            Err(EmitError::Refused(_))
        ));
        assert!(matches!(
            check_output(&root, dir.path()),
            Err(EmitError::Refused(_))
        ));
        assert!(matches!(
            check_output(&root, &root.join("content/out")),
            Err(EmitError::Refused(_))
        ));
        assert!(check_output(&root, &root.join("public")).is_ok());
        assert_eq!(
            std::fs::read_to_string(foreign.join("keep.txt")).unwrap(),
            "mine"
        );
    }

    /// No staging or previous-output folder is left beside the output.
    fn assert_only_the_output_is_left(root: &Path) {
        let left: Vec<_> = std::fs::read_dir(root)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left.len(), 1, "{left:?}");
    }

    #[test]
    fn swap_replaces_whole_output() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        let out = root.join("public");
        write_site(&root, &out, &[Artifact::bytes("a/index.html", "one")]).unwrap();
        write_site(&root, &out, &[Artifact::bytes("b/index.html", "two")]).unwrap();
        assert!(!out.join("a/index.html").exists());
        assert_eq!(
            std::fs::read_to_string(out.join("b/index.html")).unwrap(),
            "two"
        );
        assert_only_the_output_is_left(&root);
    }

    /// The previous output goes whole, however deep, and a symlink in it
    /// is removed without touching what it points to.
    #[cfg(unix)]
    #[test]
    fn replacing_the_output_spares_what_its_symlinks_point_to() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        let mine = dir.path().join("mine");
        std::fs::create_dir_all(&mine).unwrap();
        std::fs::write(mine.join("keep.txt"), "precious").unwrap();
        let out = root.join("public");
        let many: Vec<Artifact> = (0..40)
            .flat_map(|i| {
                (0..5).map(move |j| Artifact::bytes(format!("s{i}/p{j}/index.html"), "x"))
            })
            .collect();
        write_site(&root, &out, &many).unwrap();
        std::os::unix::fs::symlink(&mine, out.join("s3/link")).unwrap();
        write_site(&root, &out, &[Artifact::bytes("b/index.html", "two")]).unwrap();
        assert!(!out.join("s0").exists() && !out.join("s3").exists());
        assert_eq!(
            std::fs::read_to_string(mine.join("keep.txt")).unwrap(),
            "precious"
        );
        assert_only_the_output_is_left(&root);
    }

    #[test]
    fn every_folder_and_its_parents_are_made_up_front() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let staging = Staging::begin(&output, None).unwrap();
        let folders = [
            "tr/analysis/b",
            "analysis/a",
            "tr/analysis/a",
            "tags/x/page/2",
            "analysis-old/z",
            "",
            "analysis/a",
            "../escape",
        ];
        staging.make_folders(folders.into_iter()).unwrap();
        for made in [
            "tr/analysis/a",
            "tr/analysis/b",
            "analysis/a",
            "analysis-old/z",
            "tags/x/page/2",
        ] {
            assert!(staging.folder.join(made).is_dir(), "{made}");
        }
        assert!(!dir.path().join("escape").exists());
        // Writing into a made folder needs no further folder.
        staging
            .write(&[Artifact::bytes("tags/x/page/2/index.html", "p2")])
            .unwrap();
        staging.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(output.join("tags/x/page/2/index.html")).unwrap(),
            "p2"
        );
    }

    /// Regression: a build killed while deleting the previous output after
    /// the swap left a folder without its marker that no later build removed
    /// (seen as a leftover `.public.quire-new-*` in the kill test). The
    /// marker now goes last, so a half-deleted folder is still cleaned up.
    #[test]
    fn a_half_deleted_output_folder_is_removed_by_the_next_build() {
        let dir = tempfile::tempdir().unwrap();
        let half = dir.path().join(".public.quire-new-77");
        for sub in ["en/a", "en/b", "tr/c", "search"] {
            std::fs::create_dir_all(half.join(sub)).unwrap();
            std::fs::write(half.join(sub).join("index.html"), "x").unwrap();
        }
        std::fs::write(half.join(MARKER), "").unwrap();
        std::fs::write(half.join("sitemap.xml"), "x").unwrap();
        let mine = dir.path().join("mine");
        std::fs::create_dir_all(&mine).unwrap();
        std::fs::write(mine.join("keep.txt"), "precious").unwrap();
        std::os::unix::fs::symlink(&mine, half.join("en/a/up")).unwrap();
        std::os::unix::fs::symlink(&mine, half.join("top-link")).unwrap();
        // Killed right before the marker would have gone.
        remove_all_but_marker(&half).unwrap();
        let left: Vec<_> = std::fs::read_dir(&half)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, [MARKER]);
        remove_stale(dir.path(), "public");
        assert!(!half.exists());
        // The deletion never followed a link out of the folder.
        assert!(mine.join("keep.txt").is_file());
        // A whole folder goes the same way, marker included.
        std::fs::create_dir_all(half.join("en")).unwrap();
        std::fs::write(half.join(MARKER), "").unwrap();
        remove_tree(&half).unwrap();
        assert!(!half.exists());
    }

    /// Regression (#37): a second build of the same output while the first
    /// one writes is refused with a clear message, and the first one's
    /// staging folder is left alone; once the first lets go, a build may.
    #[test]
    fn one_build_at_a_time_writes_an_output() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        let output = root.join("public");
        let first = OutputLock::acquire(&output).unwrap();
        let staging = Staging::begin(&output, None).unwrap();
        staging
            .write(&[Artifact::bytes("a/index.html", "first")])
            .unwrap();
        let Err(EmitError::Refused(message)) =
            write_site(&root, &output, &[Artifact::bytes("b/index.html", "second")])
        else {
            panic!("a second build was let in");
        };
        assert!(
            message.contains("another quire build is writing") && message.contains("public"),
            "{message}"
        );
        assert!(OutputLock::acquire(&output).is_err());
        staging.commit().unwrap();
        drop(first);
        assert_eq!(
            std::fs::read_to_string(output.join("a/index.html")).unwrap(),
            "first"
        );
        write_site(&root, &output, &[Artifact::bytes("b/index.html", "second")]).unwrap();
        assert!(output.join("b/index.html").is_file());
        // The lock file goes with the lock.
        assert_only_the_output_is_left(&root);
    }

    /// Regression (#11): a build killed between moving the output aside and
    /// moving the new one in must not cost the previous output.
    #[test]
    fn killed_swap_restores_the_old_output() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join(".public.quire-old-99");
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(old.join(MARKER), "").unwrap();
        std::fs::write(old.join("index.html"), "previous").unwrap();
        let stale = dir.path().join(".public.quire-new-99");
        std::fs::create_dir_all(&stale).unwrap();
        std::fs::write(stale.join(MARKER), "").unwrap();
        remove_stale(dir.path(), "public");
        let public = dir.path().join("public");
        assert_eq!(
            std::fs::read_to_string(public.join("index.html")).unwrap(),
            "previous"
        );
        assert!(!old.exists() && !stale.exists());
    }
}
