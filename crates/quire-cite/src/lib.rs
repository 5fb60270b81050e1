//! quire-cite: bibliographies, CSL citations per page language with ibid.
//! chains, "cite this analysis", and citation exports (issue #3).
//!
//! Owns: bibliography records (BibLaTeX, CSL-JSON, Hayagriva YAML), the
//! rendering of Pandoc citation clusters and hand-written notes into numbered
//! notes or in-text citations through hayagriva, localized ibid. handling,
//! archive links, escaped HTML, and BibTeX/RIS/CSL-JSON exports.
//! Must not know: Markdown syntax, files on disk (callers pass text and a
//! site root for `.csl` styles only), templates or the site layout.
//!
//! hayagriva is pinned (`=0.10.1`): its archived styles and locales are part
//! of the output, and 0.x minors rename styles.

mod article;
mod article_template;
mod bibliography;
mod config;
mod crossref;
mod engine;
mod entry_template;
mod export;
mod html;
mod ibid;
mod memo;
mod slot_template;
mod style;

pub use article::ArticleRef;
pub use bibliography::{Bibliography, RecordLink};
pub use config::{CitationConfig, TermOverrides};
pub use crossref::biblatex_link_problems;
pub use engine::{CitationEngine, CiteOutput, NoteInput, Processed};
pub use export::{export_bibtex, export_csl_json, export_ris};
pub use html::escape;
