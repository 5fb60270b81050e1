//! What changed in an original since its translation was made: the
//! original's body as it was then — found in git history (the newest
//! commit whose version of the original has the fingerprint recorded in
//! the translation's `translated_from`), else in the copy the studio keeps
//! under `.quire-studio/originals/` when it creates a translation — diffed
//! with the body now, paragraph by paragraph and, inside an edited
//! paragraph, word by word (`similar`).
//! Must not know: HTTP, HTML.

use std::path::{Path, PathBuf};
use std::process::Command;

use quire_check::fingerprint::{self, Fingerprint};
use similar::{Algorithm, ChangeTag, DiffOp, TextDiff, capture_diff_slices};

use crate::store::STUDIO_DIR;

/// Commits of the original searched for the recorded version, newest first.
const GIT_DEPTH: usize = 500;

/// Where the original's old text was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// In this commit (short hash) of the site's git repository.
    Git(String),
    /// In the copy the studio kept when it made the translation.
    Stored,
}

/// A piece of an edited paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Unchanged words.
    Same(String),
    /// Words taken out.
    Removed(String),
    /// Words put in.
    Added(String),
}

/// One change of the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A paragraph taken out.
    Removed(String),
    /// A paragraph added.
    Added(String),
    /// A paragraph edited, word by word.
    Edited(Vec<Piece>),
}

/// What changed in the original since the translation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    /// Where the old text came from.
    pub found: Found,
    /// The changes, in the order of the text.
    pub changes: Vec<Change>,
}

/// The body of a content file's text (after its front matter).
pub fn body_of<'a>(path: &str, text: &'a str) -> &'a str {
    match quire_site::frontmatter::split(path, text) {
        Ok(Some(split)) => split.body,
        _ => text,
    }
}

/// Where the studio keeps the original's text for the translation `rel`.
pub fn stored_path(root: &Path, translation: &str) -> PathBuf {
    let name: String =
        percent_encoding::utf8_percent_encode(translation, percent_encoding::NON_ALPHANUMERIC)
            .to_string();
    root.join(STUDIO_DIR).join("originals").join(name)
}

/// Keeps the original's text as it is when the translation `translation`
/// is made.
pub fn keep_original(root: &Path, translation: &str, original_text: &str) -> std::io::Result<()> {
    crate::store::write_atomic(&stored_path(root, translation), original_text.as_bytes())
}

fn git(root: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}

/// The original's body as it was when `recorded` was taken, from git.
fn from_git(root: &Path, original: &str, recorded: &Fingerprint) -> Option<(String, Found)> {
    let log = git(
        root,
        &[
            "log",
            "--format=%H",
            &format!("-n{GIT_DEPTH}"),
            "--",
            original,
        ],
    )?;
    for commit in String::from_utf8_lossy(&log).lines() {
        let Some(bytes) = git(root, &["show", &format!("{commit}:./{original}")]) else {
            continue;
        };
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let body = body_of(original, &text);
        if fingerprint::fingerprint(body).body == recorded.body {
            return Some((
                body.to_string(),
                Found::Git(commit[..commit.len().min(10)].into()),
            ));
        }
    }
    None
}

/// The original's body as it was when `recorded` was taken, from the copy
/// the studio kept.
fn from_store(
    root: &Path,
    original: &str,
    translation: &str,
    recorded: &Fingerprint,
) -> Option<(String, Found)> {
    let text = std::fs::read_to_string(stored_path(root, translation)).ok()?;
    let body = body_of(original, &text);
    (fingerprint::fingerprint(body).body == recorded.body)
        .then(|| (body.to_string(), Found::Stored))
}

/// What changed in the original (site-relative `original`, body now
/// `current`) since the translation `translation` recorded `recorded`;
/// `None` when its old text is in neither git nor the studio's copy.
pub fn changes(
    root: &Path,
    original: &str,
    translation: &str,
    recorded: &Fingerprint,
    current: &str,
) -> Option<Changes> {
    let (old, found) = from_git(root, original, recorded)
        .or_else(|| from_store(root, original, translation, recorded))?;
    Some(Changes {
        found,
        changes: diff(&old, current),
    })
}

/// The changes from body `old` to body `new`: whole paragraphs added or
/// removed, and edited ones word by word.
pub fn diff(old: &str, new: &str) -> Vec<Change> {
    let texts = |b: &str| -> Vec<String> {
        fingerprint::paragraphs(b)
            .into_iter()
            .map(|(_, t)| t)
            .collect()
    };
    let (old, new) = (texts(old), texts(new));
    let mut out = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &old, &new) {
        match op {
            DiffOp::Equal { .. } => {}
            DiffOp::Delete {
                old_index, old_len, ..
            } => out.extend(
                old[old_index..old_index + old_len]
                    .iter()
                    .map(|p| Change::Removed(p.clone())),
            ),
            DiffOp::Insert {
                new_index, new_len, ..
            } => out.extend(
                new[new_index..new_index + new_len]
                    .iter()
                    .map(|p| Change::Added(p.clone())),
            ),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                // Paragraph k of the old run against paragraph k of the
                // new one; the rest are whole removals or additions.
                let shared = old_len.min(new_len);
                for k in 0..shared {
                    out.push(Change::Edited(words(
                        &old[old_index + k],
                        &new[new_index + k],
                    )));
                }
                out.extend(
                    old[old_index + shared..old_index + old_len]
                        .iter()
                        .map(|p| Change::Removed(p.clone())),
                );
                out.extend(
                    new[new_index + shared..new_index + new_len]
                        .iter()
                        .map(|p| Change::Added(p.clone())),
                );
            }
        }
    }
    out
}

/// A word-level diff of one paragraph, runs of one kind joined.
fn words(old: &str, new: &str) -> Vec<Piece> {
    let diff = TextDiff::from_words(old, new);
    let mut out: Vec<Piece> = Vec::new();
    for change in diff.iter_all_changes() {
        let text = change.value();
        match (change.tag(), out.last_mut()) {
            (ChangeTag::Equal, Some(Piece::Same(s)))
            | (ChangeTag::Delete, Some(Piece::Removed(s)))
            | (ChangeTag::Insert, Some(Piece::Added(s))) => s.push_str(text),
            (ChangeTag::Equal, _) => out.push(Piece::Same(text.to_string())),
            (ChangeTag::Delete, _) => out.push(Piece::Removed(text.to_string())),
            (ChangeTag::Insert, _) => out.push(Piece::Added(text.to_string())),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_words_that_changed() {
        let old = "First point stands.\n\nPrices rose by ten percent.\n\nA paragraph later cut.\n";
        let new = "First point stands.\n\nPrices rose by twelve percent.\n\nA new closing line.\n\nAnd one more.\n";
        let changes = diff(old, new);
        assert_eq!(
            changes[0],
            Change::Edited(vec![
                Piece::Same("Prices rose by ".into()),
                Piece::Removed("ten".into()),
                Piece::Added("twelve".into()),
                Piece::Same(" percent.".into()),
            ])
        );
        let Change::Edited(pieces) = &changes[1] else {
            panic!("{changes:?}")
        };
        assert!(pieces.contains(&Piece::Same("A ".into())), "{pieces:?}");
        assert!(
            pieces
                .iter()
                .any(|p| matches!(p, Piece::Removed(w) if w.contains("cut.")))
        );
        assert!(
            pieces
                .iter()
                .any(|p| matches!(p, Piece::Added(w) if w.contains("line.")))
        );
        assert_eq!(changes[2], Change::Added("And one more.".into()));
        assert_eq!(changes.len(), 3);
        assert!(diff(old, old).is_empty());
    }

    #[test]
    fn the_stored_copy_is_used_only_when_it_is_the_recorded_version() {
        let dir = tempfile::tempdir().unwrap();
        let original = "+++\ntitle = \"A\"\n+++\n\nOld wording here.\n";
        keep_original(dir.path(), "content/a/index.tr.md", original).unwrap();
        let recorded = fingerprint::fingerprint(body_of("content/a/index.md", original));
        let got = changes(
            dir.path(),
            "content/a/index.md",
            "content/a/index.tr.md",
            &recorded,
            "\nNew wording here.\n",
        )
        .unwrap();
        assert_eq!(got.found, Found::Stored);
        assert_eq!(got.changes.len(), 1);
        let other = fingerprint::fingerprint("Something else.\n");
        assert!(
            changes(
                dir.path(),
                "content/a/index.md",
                "content/a/index.tr.md",
                &other,
                "x"
            )
            .is_none()
        );
    }
}
