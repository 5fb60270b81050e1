//! The document model between the Word XML and the Markdown: paragraphs
//! with their kind and list membership, tables, and inline content.
//!
//! Must not know: XML names or Markdown syntax.

use super::styles::{Fmt, Level, ParaKind};

/// Which notes part a note lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum NoteKind {
    Foot,
    End,
}

/// Inline content of a paragraph.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Inline {
    /// Text with its formatting (not escaped).
    Text(String, Fmt),
    /// A line break.
    Break,
    /// A link: a web address, or `#bookmark` inside the document.
    Link(String, Vec<Inline>),
    /// A reference to a footnote or endnote by its id in the notes part.
    Note(NoteKind, String),
    /// A citation cluster, already in Pandoc syntax (`[@key, p. 4]`).
    Cite(String),
    /// An image: index into the image list.
    Image(usize),
    /// A bookmark (link target) by its Word name.
    Anchor(String),
}

/// List membership of a paragraph.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ListRef {
    pub num_id: String,
    pub ilvl: u32,
    pub level: Level,
}

/// A paragraph.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Para {
    pub kind: ParaKind,
    pub inlines: Vec<Inline>,
    pub list: Option<ListRef>,
    /// Left indentation in twentieths of a point (0 when none).
    pub indent: i64,
}

/// One table cell.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cell {
    pub blocks: Vec<Block>,
    pub colspan: u32,
    pub rowspan: u32,
}

/// A table: rows of cells (cells covered by a vertical merge left out);
/// the first `header_rows` rows are headers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Table {
    pub rows: Vec<Vec<Cell>>,
    pub header_rows: usize,
}

/// A block of the body or of a note.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    Para(Para),
    Table(Table),
}

/// Plain text of inline content (notes, citations and images left out).
pub(crate) fn plain(inlines: &[Inline]) -> String {
    let mut s = String::new();
    for i in inlines {
        match i {
            Inline::Text(t, _) => s.push_str(t),
            Inline::Break => s.push(' '),
            Inline::Link(_, children) => s.push_str(&plain(children)),
            _ => {}
        }
    }
    s
}

/// True when a paragraph has nothing to show.
pub(crate) fn is_empty(inlines: &[Inline]) -> bool {
    inlines.iter().all(|i| match i {
        Inline::Text(t, _) => t.trim().is_empty(),
        Inline::Break | Inline::Anchor(_) => true,
        Inline::Link(_, c) => is_empty(c),
        _ => false,
    })
}
