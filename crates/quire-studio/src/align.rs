//! Original and translation side by side: both bodies cut into blocks
//! (headings, paragraphs, list items, quotes, code, tables and notes) by
//! the Markdown parser, then paired: notes by their label, the other
//! blocks by their kind in order (a diff of the two sequences of kinds,
//! so a paragraph left out or added in the translation shows as missing
//! or extra instead of shifting every pair after it).
//! Must not know: HTTP, HTML, files.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use similar::{Algorithm, DiffOp, capture_diff_slices};

/// What kind of block.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A heading of this level (1–6).
    Heading(u8),
    /// A paragraph.
    Paragraph,
    /// One item of a list.
    ListItem,
    /// A block quote.
    Quote,
    /// A code block.
    Code,
    /// A table.
    Table,
    /// A note definition (`[^label]: …`) with its label.
    Note(String),
    /// Anything else (raw HTML, a rule…).
    Other,
}

/// One block of a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Its kind.
    pub kind: Kind,
    /// Its Markdown source, trimmed.
    pub text: String,
    /// 1-based line in the body where it starts.
    pub line: usize,
}

/// One row of the side-by-side view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    /// The original's block; `None`: the translation has a block the
    /// original lacks.
    pub original: Option<Block>,
    /// The translation's block; `None`: missing in the translation.
    pub translation: Option<Block>,
}

/// The blocks of a Markdown body, in order, notes included.
pub fn blocks(body: &str) -> Vec<Block> {
    let options =
        Options::ENABLE_FOOTNOTES | Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut out = Vec::new();
    // Open containers: (is a block we record, kind).
    let mut depth = 0usize;
    // The block being read: its kind, start offset and container depth.
    let mut open: Option<(Kind, usize, usize)> = None;
    let line_of = |at: usize| body[..at].matches('\n').count() + 1;
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                if open.is_none() {
                    let kind = match &tag {
                        Tag::Heading { level, .. } => Some(Kind::Heading(*level as u8)),
                        Tag::Paragraph => Some(Kind::Paragraph),
                        Tag::Item => Some(Kind::ListItem),
                        Tag::BlockQuote(_) => Some(Kind::Quote),
                        Tag::CodeBlock(_) => Some(Kind::Code),
                        Tag::Table(_) => Some(Kind::Table),
                        Tag::FootnoteDefinition(label) => Some(Kind::Note(label.to_string())),
                        Tag::HtmlBlock => Some(Kind::Other),
                        // Lists are read item by item.
                        _ => None,
                    };
                    if let Some(kind) = kind {
                        open = Some((kind, range.start, depth));
                    }
                }
                depth += 1;
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                if let Some((kind, start, d)) = &open
                    && *d == depth
                {
                    // A list item ends where its text does (nested lists
                    // stay inside their item).
                    let stop = if matches!(end, TagEnd::Item) {
                        range.end
                    } else {
                        range.end.max(*start)
                    };
                    let text = body[*start..stop].trim().to_string();
                    out.push(Block {
                        kind: kind.clone(),
                        text,
                        line: line_of(*start),
                    });
                    open = None;
                }
            }
            Event::Rule if open.is_none() => out.push(Block {
                kind: Kind::Other,
                text: body[range.clone()].trim().to_string(),
                line: line_of(range.start),
            }),
            _ => {}
        }
    }
    out
}

/// Pairs the blocks of an original with those of its translation: notes
/// by label (the original's order, then notes only the translation has),
/// the rest by kind in order.
pub fn align(original: &str, translation: &str) -> Vec<Pair> {
    let (o_notes, o_text): (Vec<Block>, Vec<Block>) = blocks(original)
        .into_iter()
        .partition(|b| matches!(b.kind, Kind::Note(_)));
    let (t_notes, t_text): (Vec<Block>, Vec<Block>) = blocks(translation)
        .into_iter()
        .partition(|b| matches!(b.kind, Kind::Note(_)));
    let o_kinds: Vec<&Kind> = o_text.iter().map(|b| &b.kind).collect();
    let t_kinds: Vec<&Kind> = t_text.iter().map(|b| &b.kind).collect();
    let mut pairs = Vec::new();
    let one = |o: Option<&Block>, t: Option<&Block>| Pair {
        original: o.cloned(),
        translation: t.cloned(),
    };
    for op in capture_diff_slices(Algorithm::Myers, &o_kinds, &t_kinds) {
        match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                for k in 0..len {
                    pairs.push(one(o_text.get(old_index + k), t_text.get(new_index + k)));
                }
            }
            DiffOp::Delete {
                old_index, old_len, ..
            } => {
                for k in 0..old_len {
                    pairs.push(one(o_text.get(old_index + k), None));
                }
            }
            DiffOp::Insert {
                new_index, new_len, ..
            } => {
                for k in 0..new_len {
                    pairs.push(one(None, t_text.get(new_index + k)));
                }
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                // Different kinds at the same place: neither is the
                // other's translation.
                for k in 0..old_len {
                    pairs.push(one(o_text.get(old_index + k), None));
                }
                for k in 0..new_len {
                    pairs.push(one(None, t_text.get(new_index + k)));
                }
            }
        }
    }
    for o in &o_notes {
        let t = t_notes.iter().find(|t| t.kind == o.kind);
        pairs.push(one(Some(o), t));
    }
    for t in &t_notes {
        if !o_notes.iter().any(|o| o.kind == t.kind) {
            pairs.push(one(None, Some(t)));
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGINAL: &str = "## Ports\n\nGrain leaves by sea.[^1]\n\n- first barge\n- second barge\n\nA closing thought.\n\n[^1]: A harbour log.\n\n[^2]: Unused note.\n";

    #[test]
    fn blocks_are_headings_paragraphs_items_and_notes() {
        let kinds: Vec<Kind> = blocks(ORIGINAL).into_iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            vec![
                Kind::Heading(2),
                Kind::Paragraph,
                Kind::ListItem,
                Kind::ListItem,
                Kind::Paragraph,
                Kind::Note("1".into()),
                Kind::Note("2".into()),
            ]
        );
        let b = blocks(ORIGINAL);
        assert_eq!(b[2].text, "- first barge");
        assert_eq!(b[2].line, 5);
        assert_eq!(b[5].text, "[^1]: A harbour log.");
    }

    #[test]
    fn a_missing_paragraph_does_not_shift_the_rest() {
        // The translation leaves out the list's second item, adds a
        // paragraph at the end, lacks note 2 and has a note 3.
        let tr = "## Limanlar\n\nTahıl denizden çıkar.[^1]\n\n- ilk mavna\n\nBir kapanış düşüncesi.\n\nEk paragraf.\n\n[^1]: Bir liman kaydı.\n\n[^3]: Fazla not.\n";
        let pairs = align(ORIGINAL, tr);
        let view: Vec<(Option<&str>, Option<&str>)> = pairs
            .iter()
            .map(|p| {
                (
                    p.original.as_ref().map(|b| b.text.as_str()),
                    p.translation.as_ref().map(|b| b.text.as_str()),
                )
            })
            .collect();
        assert_eq!(
            view,
            vec![
                (Some("## Ports"), Some("## Limanlar")),
                (
                    Some("Grain leaves by sea.[^1]"),
                    Some("Tahıl denizden çıkar.[^1]")
                ),
                (Some("- first barge"), Some("- ilk mavna")),
                (Some("- second barge"), None),
                (Some("A closing thought."), Some("Bir kapanış düşüncesi.")),
                (None, Some("Ek paragraf.")),
                (Some("[^1]: A harbour log."), Some("[^1]: Bir liman kaydı.")),
                (Some("[^2]: Unused note."), None),
                (None, Some("[^3]: Fazla not.")),
            ]
        );
    }
}
