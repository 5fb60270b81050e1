//! quire-import: a WordPress (WXR) export → a quire site on disk.
//!
//! Owns: `quire import wordpress` as a library call — reading the export as a
//! stream in two passes (metadata, then bodies), mapping posts, pages,
//! translations, authors and categories to DESIGN.md's site layout, and the
//! report of what was skipped or changed. Existing files are never
//! overwritten without `force`: into an existing site, new bundles are
//! added, its `quire.toml` gains the languages and taxonomies it lacks (and
//! loses nothing), and bundles an earlier import wrote are listed as
//! conflicts.
//! Must not know: the command line, terminal output, or how a site is built
//! (the CLI checks the written site with the build's own loading).
//!
//! Not published, never imported unless `drafts` (then as drafts): drafts,
//! pending, scheduled and private posts, and password-protected ones.
//! Trashed posts and auto-drafts are never imported.
//!
//! Supported translation data:
//! - **Polylang**: the item terms `<category domain="language" nicename="tr">`
//!   and `<category domain="post_translations" nicename="pll_…">` (the group);
//!   language names come from the channel's `language` terms.
//! - **WPML**: the post meta written by WPML Export and Import —
//!   `_wpml_import_language_code` and `_wpml_import_translation_group`
//!   (`_wpml_import_source_language_code` is not needed). A plain WordPress
//!   export of a WPML site carries no translation data (WPML keeps it in its
//!   own tables); such posts all import in the default language, with a
//!   notice, unless `language_from_url` reads a language prefix (`/tr/…`)
//!   from each post's old URL (every such guess is reported).
//!
//! Categories that translate each other (Polylang's `term_translations`
//! terms; WPML Export and Import's `_wpml_import_language_code` and
//! `_wpml_import_translation_group` term meta) are one section, titled in
//! each language (`_index.<lang>.md`). Old category and tag archive URLs
//! (`/category/<slug>/`, `/tag/<slug>/`, or the bases the export's links
//! show) redirect to the new section or term listing through redirect
//! pages in `static/` (quire's `aliases` belong to pages); one that would
//! land on a path quire makes itself is left out and reported.
//!
//! Authors: `<wp:author>` users, and Co-Authors Plus `author` terms resolved
//! to users or `guest-author` items (`cap-display_name`, `cap-description`,
//! `cap-description_<lang>` for a bio per language, `cap-website`, `_thumbnail_id`).

mod archives;
mod body;
pub mod docx;
mod existing;
mod media;
mod plan;
mod report;
mod text;
mod write;
mod wxr;
mod xmlref;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

pub use body::HighlightsRule;
pub use report::{ImportReport, ReportItem, kind};

/// What to import and where.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The WXR file.
    pub export: PathBuf,
    /// The site root to write into.
    pub into: PathBuf,
    /// A copy of `wp-content/uploads`; referenced media are copied into bundles.
    pub uploads: Option<PathBuf>,
    /// Overwrite existing files.
    pub force: bool,
    /// Import drafts, pending, scheduled, private and password-protected
    /// posts (with `draft = true`, so they are not published).
    pub drafts: bool,
    /// Category slug → section id; unmapped categories become sections named by their slug.
    pub section_map: BTreeMap<String, String>,
    /// Section for posts without a category (or only "Uncategorized").
    pub default_section: String,
    /// How key points at the top of a post become `highlights`.
    pub highlights: HighlightsRule,
    /// The site's default language; `None` takes the existing site's, else
    /// the export's `<language>` when posts use it, else the most common
    /// language.
    pub default_language: Option<String>,
    /// Posts without language data take the language their old URL starts
    /// with (`/tr/…`, for a plain export of a WPML site).
    pub language_from_url: bool,
}

impl ImportOptions {
    /// Options with the defaults: no uploads, no force, no drafts, section
    /// `posts` for uncategorized posts, the leading-list highlights rule.
    pub fn new(export: impl Into<PathBuf>, into: impl Into<PathBuf>) -> Self {
        ImportOptions {
            export: export.into(),
            into: into.into(),
            uploads: None,
            force: false,
            drafts: false,
            section_map: BTreeMap::new(),
            default_section: "posts".into(),
            highlights: HighlightsRule::default(),
            default_language: None,
            language_from_url: false,
        }
    }
}

/// A failure that stops the import.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The export (or another input) cannot be read.
    #[error("{}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The export is not well-formed XML or not a WordPress export.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Malformed {
        /// The export.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column (in characters).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// Writing or copying a file failed.
    #[error("{}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The options cannot be used (e.g. an invalid default language code).
    #[error("{0}")]
    Options(String),
}

/// Imports a WordPress export into a quire site, as `options` says.
pub fn import_wordpress(options: &ImportOptions) -> Result<ImportReport, ImportError> {
    if let Some(lang) = &options.default_language
        && !text::is_language_code(lang)
    {
        return Err(ImportError::Options(format!(
            "default language `{lang}` is not a language code like `en`"
        )));
    }
    // Pass 1: metadata (bodies are only searched for links to the old
    // site's archives, then dropped).
    let mut collector = plan::Collector::default();
    read_export(options, |record| collector.add(record, options.drafts))?;
    let existing = existing::read(&options.into, options.force)?;
    let plan = collector.finish(options, existing.as_ref());

    // Pass 2: bodies, converted and written one at a time.
    let mut writer = write::SiteWriter::new(plan, options, existing);
    writer.write_site_files()?;
    let mut failure = None;
    read_export(options, |record| {
        if failure.is_some() {
            return;
        }
        if let wxr::Record::Item(item) = record
            && let Err(e) = writer.write_item(&item)
        {
            failure = Some(e);
        }
    })?;
    if let Some(e) = failure {
        return Err(e);
    }
    Ok(writer.finish())
}

fn read_export(options: &ImportOptions, sink: impl FnMut(wxr::Record)) -> Result<(), ImportError> {
    let path = &options.export;
    let file = File::open(path).map_err(|source| ImportError::Read {
        path: path.clone(),
        source,
    })?;
    wxr::read(BufReader::with_capacity(1 << 16, file), sink).map_err(|e| {
        let (line, column) = line_col(path, e.offset).unwrap_or((0, 0));
        ImportError::Malformed {
            path: path.clone(),
            line,
            column,
            message: e.message,
        }
    })
}

/// Line and column of a byte offset, by streaming the file again (the
/// reader only knows offsets, and the file may be too large to hold).
fn line_col(path: &Path, offset: u64) -> std::io::Result<(usize, usize)> {
    let mut reader = BufReader::new(File::open(path)?).take(offset);
    let mut line = 1;
    let mut line_bytes: Vec<u8> = Vec::new();
    let mut buf = [0u8; 1 << 16];
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        for &b in &buf[..n] {
            if b == b'\n' {
                line += 1;
                line_bytes.clear();
            } else {
                line_bytes.push(b);
            }
        }
    }
    let column = String::from_utf8_lossy(&line_bytes).chars().count() + 1;
    Ok((line, column))
}
