//! Watching the site folder: debounced file events → rebuild requests.
//!
//! Editors save in many ways (write in place, write a temp file and rename
//! it over the original, keep backup files), and a `git checkout` touches
//! many files at once; the debouncer merges a burst into one batch and the
//! rebuild thread coalesces batches, so each burst costs one rebuild. Only
//! the site's inputs count: the output folder, VCS folders and editor
//! scratch files are ignored, and so are hidden files and folders
//! ([`quire_site::discover::is_hidden`]), which no build reads. Must not know: HTTP, how the site is built.

use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use quire_site::discover::{INPUT_DIRS, is_hidden};

/// A running watcher; dropping it stops watching.
pub struct Watcher {
    _debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
}

impl Watcher {
    /// Watches `root` recursively and sends `()` on `trigger` for each
    /// batch of events that touches an input of the build.
    pub fn start(
        root: &Path,
        debounce: Duration,
        trigger: mpsc::Sender<()>,
    ) -> std::io::Result<Watcher> {
        let root_owned: PathBuf = root.to_path_buf();
        let mut debouncer = new_debouncer(debounce, None, move |result: DebounceEventResult| {
            let Ok(events) = result else {
                // A watcher error (e.g. too many watches) may hide a change:
                // rebuilding is the safe answer.
                let _ = trigger.send(());
                return;
            };
            let relevant = events.iter().any(|e| {
                !matches!(e.kind, EventKind::Access(_))
                    && e.paths.iter().any(|p| is_input(&root_owned, p))
            });
            if relevant {
                let _ = trigger.send(());
            }
        })
        .map_err(std::io::Error::other)?;
        debouncer
            .watch(root, RecursiveMode::Recursive)
            .map_err(std::io::Error::other)?;
        Ok(Watcher {
            _debouncer: debouncer,
        })
    }
}

/// True when a change at `path` can change the built site.
pub fn is_input(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut components = rel.components();
    let Some(Component::Normal(first)) = components.next() else {
        return false;
    };
    let Some(name) = rel.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    if rel == Path::new(quire_site::config::CONFIG_FILE) {
        return true;
    }
    let first = first.to_string_lossy();
    INPUT_DIRS.contains(&first.as_ref()) && !is_scratch(name) && !is_hidden(rel)
}

/// Editor scratch and backup files: vim's swap files and its `4913` write
/// test, emacs lock and backup files, generic temp files.
fn is_scratch(name: &str) -> bool {
    name == "4913"
        || name.starts_with(".#")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || (name.starts_with('#') && name.ends_with('#'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_inputs_count() {
        let root = Path::new("/site");
        let table = [
            ("/site/quire.toml", true),
            ("/site/content/a/index.md", true),
            ("/site/content/a/index.tr.md", true),
            ("/site/templates/base.html", true),
            ("/site/static/site.css", true),
            ("/site/authors/ayla.toml", true),
            ("/site/bibliography/refs.bib", true),
            ("/site/i18n/ru.toml", true),
            ("/site/content", true),
            ("/site/public/index.html", false),
            ("/site/.git/index", false),
            ("/site/content/a/.index.md.swp", false),
            ("/site/content/a/index.md~", false),
            ("/site/content/a/.#index.md", false),
            ("/site/content/a/4913", false),
            ("/site/content/a/#index.md#", false),
            ("/elsewhere/content/a.md", false),
            ("/site/quire.toml.bak~", false),
            // Hidden files and folders are no inputs (#37), but
            // static/.well-known/ is published.
            ("/site/static/.git/config", false),
            ("/site/content/a/.drafts/notes.txt", false),
            ("/site/content/.obsidian/workspace.json", false),
            ("/site/authors/.cache/x.toml", false),
            ("/site/static/.well-known/security.txt", true),
            ("/site/static/.well-known/.x", false),
        ];
        for (path, want) in table {
            assert_eq!(is_input(root, Path::new(path)), want, "{path}");
        }
    }
}
