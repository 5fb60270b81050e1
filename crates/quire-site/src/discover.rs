//! Walks the site folder and reads its sources, sorted, classified by kind and
//! language. The only module of this crate that touches the disk.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use quire_core::{Diagnostic, Diagnostics};

use crate::config::{Config, is_language_code};

/// What a content source is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceKind {
    /// `content/_index.md`: the home page text.
    HomeIndex,
    /// `content/<section>/_index.md`: a section's title and description.
    SectionIndex {
        /// The section id (its folder name).
        section: String,
    },
    /// An article inside a section: a bundle or a single file.
    Article {
        /// The section id.
        section: String,
        /// The bundle folder name or file stem (shared by translations).
        stem: String,
        /// Site-relative folder of the bundle whose files are copied beside
        /// the article, if it is a bundle.
        bundle_dir: Option<String>,
    },
    /// A page outside any section (`content/about/index.md`, `content/about.md`).
    Page {
        /// The folder name or file stem.
        stem: String,
        /// The bundle folder, if it is a bundle.
        bundle_dir: Option<String>,
    },
}

/// One Markdown source file, read.
#[derive(Debug, Clone)]
pub struct Source {
    /// Site-relative path with `/` separators.
    pub path: String,
    /// What it is.
    pub kind: SourceKind,
    /// The language code, from the file name suffix or the default.
    pub lang: String,
    /// The file's text (a byte-order mark removed), shared with the page
    /// made from it.
    pub text: std::sync::Arc<str>,
}

/// Everything found under the site root.
#[derive(Debug, Default)]
pub struct SiteFiles {
    /// The site root.
    pub root: PathBuf,
    /// Markdown sources, sorted by path.
    pub sources: Vec<Source>,
    /// Non-Markdown files of bundles: (bundle folder, path relative to it).
    pub bundle_assets: Vec<(String, String)>,
    /// `authors/*.toml`: (author id, site-relative path, text).
    pub authors: Vec<(String, String, String)>,
    /// Every other file under `authors/` (photos), site-relative.
    pub author_files: Vec<String>,
    /// `i18n/<lang>.toml`: (language code, site-relative path, text).
    pub i18n: Vec<(String, String, String)>,
    /// `templates/**`: (template name relative to `templates/`, site-relative path, text).
    pub templates: Vec<(String, String, String)>,
    /// `bibliography/*`: (site-relative path, text).
    pub bibliography: Vec<(String, String)>,
    /// `static/**` files, relative to `static/`.
    pub static_files: Vec<String>,
}

/// Reads the site under `root`. Problems (unreadable files, invalid UTF-8,
/// unknown language suffixes, misplaced files) become diagnostics.
pub fn discover(root: &Path, config: &Config, diagnostics: &mut Diagnostics) -> SiteFiles {
    let mut files = SiteFiles {
        root: root.to_path_buf(),
        ..SiteFiles::default()
    };
    discover_content(root, config, &mut files, diagnostics);
    for (rel, text) in read_dir_files(root, "authors", diagnostics, &mut files.author_files) {
        if let Some(id) = rel
            .strip_prefix("authors/")
            .and_then(|n| n.strip_suffix(".toml"))
        {
            if id.contains('/') {
                continue;
            }
            files.authors.push((id.to_string(), rel.clone(), text));
        }
    }
    files.author_files.retain(|f| !f.ends_with(".toml"));
    let mut ignored = Vec::new();
    for (rel, text) in read_dir_files(root, "i18n", diagnostics, &mut ignored) {
        if let Some(code) = rel
            .strip_prefix("i18n/")
            .and_then(|n| n.strip_suffix(".toml"))
        {
            files.i18n.push((code.to_string(), rel.clone(), text));
        }
    }
    for (rel, text) in read_dir_files(root, "templates", diagnostics, &mut ignored) {
        let name = rel["templates/".len()..].to_string();
        files.templates.push((name, rel, text));
    }
    for (rel, text) in read_dir_files(root, "bibliography", diagnostics, &mut ignored) {
        files.bibliography.push((rel, text));
    }
    let static_dir = root.join("static");
    if is_real_dir(&static_dir) || is_symlink(&static_dir) {
        for entry in walk(&static_dir, diagnostics, root) {
            if let Ok(rel) = entry.strip_prefix(&static_dir) {
                files.static_files.push(slash_path(rel));
            }
        }
    }
    files.sources.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// The site folders whose files are inputs of a build.
pub const INPUT_DIRS: [&str; 6] = [
    "content",
    "authors",
    "bibliography",
    "i18n",
    "templates",
    "static",
];

/// The one rule for hidden files: a site-relative path with any component
/// starting with `.` (`static/.git/config`, `content/a/.drafts/x.md`,
/// `authors/.photos/a.jpg`) is no input of the build: discovery skips it,
/// the input fingerprint ignores it and `quire serve` does not rebuild for
/// it. The one exception is `static/.well-known/`, which sites publish on
/// purpose (`security.txt`, ACME challenges); hidden names inside it are
/// still skipped.
pub fn is_hidden(rel: &Path) -> bool {
    let mut components = rel.components().map(|c| c.as_os_str());
    let first = components.next();
    let second = components.next();
    let dotted = |name: &std::ffi::OsStr| name.as_encoded_bytes().starts_with(b".");
    first.is_some_and(dotted)
        || second.is_some_and(|s| {
            dotted(s) && !(first.is_some_and(|f| f == "static") && s == ".well-known")
        })
        || components.any(dotted)
}

/// Files below `dir`, sorted. Hidden files and folders ([`is_hidden`]) are
/// skipped. Symbolic links are reported and skipped — `dir` itself too when
/// it is one — because following them could read outside the site. A name
/// that is not UTF-8 is an error: it could be published only under another
/// name.
fn walk(dir: &Path, diagnostics: &mut Diagnostics, root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut entries = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .follow_root_links(false)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = entries.next() {
        match entry {
            Ok(e) => {
                let rel = e.path().strip_prefix(root).unwrap_or(e.path());
                if is_hidden(rel) {
                    if e.file_type().is_dir() {
                        entries.skip_current_dir();
                    }
                    continue;
                }
                if e.file_name().to_str().is_none() {
                    diagnostics.push(Diagnostic::error(
                        slash_path(rel),
                        "this name is not valid UTF-8, so it cannot become a URL; rename it",
                    ));
                    if e.file_type().is_dir() {
                        entries.skip_current_dir();
                    }
                    continue;
                }
                if e.path_is_symlink() {
                    diagnostics.push(Diagnostic::warning(
                        slash_path(rel),
                        "symbolic link skipped: quire reads only real files and folders inside the site",
                    ));
                } else if e.file_type().is_file() {
                    out.push(e.into_path());
                }
            }
            Err(err) => {
                let rel = err
                    .path()
                    .map(|p| slash_path(p.strip_prefix(root).unwrap_or(p)))
                    .unwrap_or_default();
                diagnostics.push(Diagnostic::error(rel, format!("cannot read: {err}")));
            }
        }
    }
    out
}

/// True when `path` is a real folder, not a symbolic link to one.
fn is_real_dir(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

/// True when `path` is a symbolic link.
fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Reads every `.toml`, `.bib`, `.json`, `.yaml`, `.html`… text file under
/// `root/dir`; other files are listed in `others`.
fn read_dir_files(
    root: &Path,
    dir: &str,
    diagnostics: &mut Diagnostics,
    others: &mut Vec<String>,
) -> Vec<(String, String)> {
    let base = root.join(dir);
    if !is_real_dir(&base) && !is_symlink(&base) {
        return Vec::new();
    }
    let text_ext = [
        "toml", "bib", "json", "yaml", "yml", "html", "xml", "txt", "css", "js", "jinja", "csl",
    ];
    let mut out = Vec::new();
    for path in walk(&base, diagnostics, root) {
        let rel = slash_path(path.strip_prefix(root).unwrap_or(&path));
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !text_ext.contains(&ext) {
            others.push(rel);
            continue;
        }
        if let Some(text) = read_text(&path, &rel, diagnostics) {
            out.push((rel, text));
        }
    }
    out
}

/// Reads a UTF-8 text file, dropping a byte-order mark.
pub fn read_text(path: &Path, rel: &str, diagnostics: &mut Diagnostics) -> Option<String> {
    read_with(path, rel, diagnostics, str::to_owned)
}

/// [`read_text`], into the shared string a [`Source`] holds.
fn read_shared_text(path: &Path, rel: &str, diagnostics: &mut Diagnostics) -> Option<Arc<str>> {
    read_with(path, rel, diagnostics, |text| Arc::from(text))
}

/// Reads a UTF-8 text file and hands its text, without a byte-order mark,
/// to `make`.
///
/// Checked with simdutf8 rather than `String::from_utf8`: the standard
/// check goes character by character through Turkish or Russian text and
/// took a processor-second per 10,000 trilingual articles; simdutf8 checks
/// many bytes at once, and copying the checked text out costs less than the
/// standard check did.
fn read_with<T>(
    path: &Path,
    rel: &str,
    diagnostics: &mut Diagnostics,
    make: impl FnOnce(&str) -> T,
) -> Option<T> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            diagnostics.push(Diagnostic::error(rel, format!("cannot read the file: {e}")));
            return None;
        }
    };
    if let Ok(text) = simdutf8::basic::from_utf8(&bytes) {
        return Some(make(text.strip_prefix('\u{feff}').unwrap_or(text)));
    }
    // Only the standard check says where the first bad byte is.
    let valid = match std::str::from_utf8(&bytes) {
        Ok(text) => return Some(make(text.strip_prefix('\u{feff}').unwrap_or(text))),
        Err(e) => &bytes[..e.valid_up_to()],
    };
    let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
    let mut d = Diagnostic::error(
        rel,
        "the file is not valid UTF-8; save it with UTF-8 encoding",
    );
    d.line = line;
    d.col = 1;
    diagnostics.push(d);
    None
}

/// A relative path with `/` separators.
pub fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Splits `index.tr.md` into (`index`, language). `Err` carries a message
/// for a language-shaped suffix that is not configured.
fn split_language(file_name: &str, config: &Config) -> Result<(String, String), String> {
    let stem = file_name.strip_suffix(".md").unwrap_or(file_name);
    if let Some((base, suffix)) = stem.rsplit_once('.') {
        if config.has_language(suffix) {
            return Ok((base.to_string(), suffix.to_string()));
        }
        if is_language_code(suffix) {
            return Err(format!(
                "`.{suffix}.md` names a language that quire.toml does not configure; add [languages.{suffix}] or rename the file"
            ));
        }
    }
    Ok((stem.to_string(), config.default_language().code.clone()))
}

/// A problem with a file's name: reported at its first line.
fn file_name_error(rel: String, message: String) -> Diagnostic {
    let mut d = Diagnostic::error(rel, message);
    d.line = 1;
    d.col = 1;
    d
}

fn discover_content(
    root: &Path,
    config: &Config,
    files: &mut SiteFiles,
    diagnostics: &mut Diagnostics,
) {
    let content = root.join("content");
    if is_symlink(&content) {
        diagnostics.push(Diagnostic::error(
            "content",
            "content is a symbolic link, and quire follows no symbolic links (they could publish files from outside the site); make content/ a real folder",
        ));
        return;
    }
    if !content.is_dir() {
        diagnostics.push(Diagnostic::error(
            "content",
            "the site has no content/ folder; create it and add Markdown files",
        ));
        return;
    }
    let all = walk(&content, diagnostics, root);
    let mut pending: Vec<PendingSource> = Vec::new();
    // Folders directly holding an index*.md are bundles.
    let is_index = |p: &Path| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n == "index.md" || (n.starts_with("index.") && n.ends_with(".md")))
    };
    let bundle_dirs: std::collections::BTreeSet<PathBuf> = all
        .iter()
        .filter(|p| is_index(p))
        .filter_map(|p| p.parent().map(Path::to_path_buf))
        .collect();

    for path in all {
        let rel_content = path.strip_prefix(&content).unwrap_or(&path).to_path_buf();
        let rel = slash_path(path.strip_prefix(root).unwrap_or(&path));
        let parts: Vec<String> = rel_content
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let file_name = parts.last().cloned().unwrap_or_default();
        // The innermost bundle holding this file, if any.
        let bundle = path
            .ancestors()
            .skip(1)
            .take_while(|a| *a != content)
            .find(|a| bundle_dirs.contains(*a))
            .map(Path::to_path_buf);
        let is_markdown = file_name.ends_with(".md");

        if let Some(bundle) = &bundle {
            let bundle_rel = slash_path(bundle.strip_prefix(root).unwrap_or(bundle));
            let direct_index = path.parent() == Some(bundle.as_path()) && is_index(&path);
            if !direct_index {
                let inner = slash_path(path.strip_prefix(bundle).unwrap_or(&path));
                files.bundle_assets.push((bundle_rel, inner));
                continue;
            }
            let (_, lang) = match split_language(&file_name, config) {
                Ok(v) => v,
                Err(msg) => {
                    diagnostics.push(file_name_error(rel, msg));
                    continue;
                }
            };
            let bundle_parts: Vec<String> = bundle
                .strip_prefix(&content)
                .unwrap_or(bundle)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let stem = bundle_parts.last().cloned().unwrap_or_default();
            let kind = match bundle_parts.len() {
                1 => SourceKind::Page {
                    stem,
                    bundle_dir: Some(bundle_rel),
                },
                2 => SourceKind::Article {
                    section: bundle_parts[0].clone(),
                    stem,
                    bundle_dir: Some(bundle_rel),
                },
                _ => {
                    diagnostics.push(Diagnostic::error(
                        rel,
                        "articles must sit directly in a section folder (content/<section>/<article>/index.md); move this bundle up",
                    ));
                    continue;
                }
            };
            pending.push((path.clone(), rel, kind, lang));
            continue;
        }

        if !is_markdown {
            if parts.len() >= 2 {
                // Files loose in a section folder are copied beside its listing.
                files
                    .bundle_assets
                    .push((format!("content/{}", parts[0]), parts[1..].join("/")));
            } else {
                diagnostics.push(Diagnostic::warning(
                    rel,
                    "files directly in content/ are not published; put them in static/ or in a page bundle",
                ));
            }
            continue;
        }
        let (stem, lang) = match split_language(&file_name, config) {
            Ok(v) => v,
            Err(msg) => {
                diagnostics.push(file_name_error(rel, msg));
                continue;
            }
        };
        let kind = match (parts.len(), stem.as_str()) {
            (1, "_index") => SourceKind::HomeIndex,
            (1, _) => SourceKind::Page {
                stem,
                bundle_dir: None,
            },
            (2, "_index") => SourceKind::SectionIndex {
                section: parts[0].clone(),
            },
            (2, _) => SourceKind::Article {
                section: parts[0].clone(),
                stem,
                bundle_dir: None,
            },
            _ => {
                diagnostics.push(Diagnostic::error(
                    rel,
                    "nested folders inside a section need an index.md (a page bundle); sections are one level deep",
                ));
                continue;
            }
        };
        pending.push((path.clone(), rel, kind, lang));
    }
    read_sources(pending, files, diagnostics);
}

/// Reads the found sources in parallel (the content folder is most of a
/// site's bytes) and adds them to `files`; sources are sorted afterwards.
fn read_sources(pending: Vec<PendingSource>, files: &mut SiteFiles, diagnostics: &mut Diagnostics) {
    use rayon::prelude::*;
    let read: Vec<(Option<Source>, Diagnostics)> = pending
        .into_par_iter()
        .map(|(path, rel, kind, lang)| {
            let mut ds = Diagnostics::default();
            let source = read_shared_text(&path, &rel, &mut ds).map(|text| Source {
                path: rel,
                kind,
                lang,
                text,
            });
            (source, ds)
        })
        .collect();
    for (source, ds) in read {
        diagnostics.extend(ds.0);
        files.sources.extend(source);
    }
}

/// A content file found by the walk: path, site-relative path, kind and
/// language.
type PendingSource = (PathBuf, String, SourceKind, String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_files_lose_their_byte_order_mark() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "\u{feff}# Başlık\nметка\n").unwrap();
        let mut diagnostics = Diagnostics::default();
        assert_eq!(
            read_text(&path, "a.md", &mut diagnostics).as_deref(),
            Some("# Başlık\nметка\n")
        );
        assert_eq!(
            read_shared_text(&path, "a.md", &mut diagnostics).as_deref(),
            Some("# Başlık\nметка\n")
        );
        assert!(diagnostics.0.is_empty());
    }

    /// Regression (#37): hidden folders were walked (only hidden files
    /// were skipped), so `static/.git/config` was published.
    #[test]
    fn one_rule_for_hidden_paths_with_static_well_known_published() {
        for (path, hidden) in [
            ("static/.git/config", true),
            ("static/assets/.private/key.txt", true),
            ("content/briefs/a/.drafts/notes.txt", true),
            ("content/.obsidian/app.json", true),
            ("authors/.x.toml", true),
            (".git/HEAD", true),
            ("static/.well-known/security.txt", false),
            ("static/.well-known/acme-challenge/token", false),
            ("static/.well-known/.hidden", true),
            ("content/.well-known/x.md", true),
            ("static/assets/.well-known/x", true),
            ("static/site.css", false),
            ("content/briefs/a/index.md", false),
            ("static", false),
        ] {
            assert_eq!(is_hidden(Path::new(path)), hidden, "{path}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn hidden_folders_and_linked_input_folders_are_not_discovered() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("id_rsa"), "key").unwrap();
        for file in [
            "content/a.md",
            "content/s/b/index.md",
            "content/s/b/.drafts/notes.txt",
            "content/s/.obsidian/app.json",
            "static/.git/config",
            "static/x/.private/key.txt",
            "static/.well-known/security.txt",
            "static/site.css",
            "i18n/.old/tr.toml",
            "templates/.bak/base.html",
            "bibliography/.bak/refs.bib",
        ] {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "+++\ntitle = \"x\"\n+++\n").unwrap();
        }
        std::os::unix::fs::symlink(&outside, root.join("authors")).unwrap();
        let config = crate::config::parse("title = \"x\"\nbase_url = \"https://e.org\"\n", None)
            .unwrap()
            .0;
        let mut diagnostics = Diagnostics::default();
        let files = discover(&root, &config, &mut diagnostics);
        let sources: Vec<&str> = files.sources.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(sources, ["content/a.md", "content/s/b/index.md"]);
        assert!(files.bundle_assets.is_empty(), "{:?}", files.bundle_assets);
        assert_eq!(files.static_files, [".well-known/security.txt", "site.css"]);
        assert!(
            files.i18n.is_empty() && files.templates.is_empty() && files.bibliography.is_empty()
        );
        assert!(files.authors.is_empty() && files.author_files.is_empty());
        let warned: Vec<&str> = diagnostics.0.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(warned, ["authors"], "{:?}", diagnostics.0);
    }

    #[test]
    fn invalid_utf8_is_reported_at_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.md");
        let mut bytes = "title\nçok iyi\nbad ".as_bytes().to_vec();
        bytes.extend_from_slice(b"\xff byte\n");
        std::fs::write(&path, bytes).unwrap();
        let mut diagnostics = Diagnostics::default();
        assert!(read_shared_text(&path, "content/b.md", &mut diagnostics).is_none());
        let d = diagnostics.0.first().expect("a diagnostic");
        assert_eq!(d.path, "content/b.md");
        assert_eq!(d.line, 3);
        assert!(d.message.contains("not valid UTF-8"), "{}", d.message);
    }
}
