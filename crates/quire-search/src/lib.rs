//! quire-search: the per-language full-text search index written at build
//! time, and the dependency-free browser module that queries it.
//!
//! Owns: turning [`SearchDoc`]s into static, sharded, gzip-compressed,
//! content-hashed index files ([`build_index`]); the browser module and its
//! CSS ([`assets`]); the search page fragment and its built-in UI strings
//! ([`search_page_html`], [`builtin_strings`]).
//!
//! Must not know: how the corpus is parsed or where files are written (the
//! build driver fills [`SearchDoc`]s and writes [`SearchFile`]s), nor the
//! theme's templates. Text analysis (segmentation, case folding, stemming)
//! belongs to `quire-text`; this crate only records its results so the
//! browser can reproduce them without a stemmer (quire builds for the host
//! only, so there is no wasm).
//!
//! The file format is described in `format.rs`; the browser side lives in
//! `assets/search.js`.

mod analysis;
mod format;
mod index;
mod page;

pub use index::{COUNTED_FIELDS, build_index, build_index_counted};
use std::borrow::Cow;

pub use page::{assets, builtin_strings, search_page_html};

/// One document as the index sees it: plain text fields, notes excluded,
/// filled by the build driver from the corpus.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct SearchDoc<'a> {
    /// Site-absolute path of the page, like `/tr/analysis/x/`.
    pub url: String,
    /// The page title.
    pub title: String,
    /// The key points shown under the title.
    pub highlights: Vec<String>,
    /// The body as plain text (notes excluded), usually borrowed from the
    /// page (the bodies are most of a site's text).
    pub body: Cow<'a, str>,
    /// Display names of the authors.
    pub authors: Vec<String>,
    /// Display label of the page's section.
    pub section: String,
    /// Tag display names.
    pub tags: Vec<String>,
    /// Publication date, `YYYY-MM-DD`.
    pub date: String,
}

/// A file to write under the output root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchFile {
    /// Path relative to the output root, `/`-separated, like `search/tr/manifest.json`.
    pub path: String,
    /// The file's contents.
    pub bytes: Vec<u8>,
}
