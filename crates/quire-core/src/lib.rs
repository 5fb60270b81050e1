//! Vocabulary types shared by every quire crate.
//!
//! Owns: diagnostics with locations, citation references as written in a
//! body, slugs, HTML escaping of text, the link schemes quire publishes, and the mapping from byte offsets to line and column.
//! Must not know: files on disk, Markdown, templates, or the site layout.

pub mod cite;
pub mod diagnostic;
pub mod html;
pub mod link;
pub mod progress;
pub mod rng;
pub mod slug;
pub mod sync;

pub use cite::{CiteCluster, CiteItem};
pub use diagnostic::{Diagnostic, Diagnostics, EXCERPT_CHARS, Severity, SourceText, excerpt};
pub use html::{escape_html, escape_xml, write_escaped_html};
pub use progress::{NoProgress, Progress};
pub use slug::slugify;
