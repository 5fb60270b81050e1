//! Markdown body → HTML fragment, plus what the rest of the build needs to
//! know about it: notes in reading order, citation clusters, internal links,
//! heading anchors and plain text.
//!
//! Owns: the Markdown dialect (CommonMark + tables, strikethrough, smart
//! punctuation, heading ids, GFM footnotes, Pandoc citations).
//! Raw HTML is sanitized with an allowlist unless the caller trusts it
//! ([`RawHtml`]), and links are published only with the schemes of
//! [`quire_core::link`].
//! Must not know: the site, URLs, bibliographies or citation styles. Things
//! that depend on those (note numbers, internal link targets) are left in the
//! HTML as placeholders that [`fill_placeholders`] replaces later.

mod citations;
mod placeholder;
mod render;
mod sanitize;

pub use citations::parse_cluster;
pub use placeholder::{Placeholder, fill_placeholders};
pub use render::{Heading, InternalLink, NoteItem, Problem, Rendered, render, render_with};
pub use sanitize::RawHtml;
