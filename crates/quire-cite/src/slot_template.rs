//! Rendered text split at known values, to be filled with other values.
//!
//! A citation style lays out the records of one shape the same way; only
//! the values differ. Rendering a record whose values are unique stand-ins
//! and cutting the output at each stand-in gives literal pieces and value
//! slots. Whether the cut is faithful is for the caller to check (render a
//! second set of stand-ins and compare with the template filled with it).
//!
//! Written here rather than taken from a crate: the pieces are hayagriva's
//! own output, not a template language.
//!
//! Owns: the split and the fill. Must not know: what the values mean.

/// One piece of a [`SlotTemplate`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    /// Text as the style wrote it.
    Literal(String),
    /// The value at this index of the fill.
    Slot(usize),
}

/// An output with slots where the stand-in values were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SlotTemplate {
    pieces: Vec<Piece>,
}

impl SlotTemplate {
    /// Splits `output` at every occurrence of the texts in `slots` (as
    /// they appear in the output, e.g. escaped); slot `i` of the template
    /// is `slots[i]`. Empty texts are never matched.
    pub fn parse(output: &str, slots: &[&str]) -> SlotTemplate {
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut rest = output;
        'scan: while !rest.is_empty() {
            for (i, text) in slots.iter().enumerate() {
                if text.is_empty() {
                    continue;
                }
                if let Some(after) = rest.strip_prefix(text) {
                    if !literal.is_empty() {
                        pieces.push(Piece::Literal(std::mem::take(&mut literal)));
                    }
                    pieces.push(Piece::Slot(i));
                    rest = after;
                    continue 'scan;
                }
            }
            let c = rest.chars().next().unwrap_or_default();
            literal.push(c);
            rest = &rest[c.len_utf8()..];
        }
        if !literal.is_empty() {
            pieces.push(Piece::Literal(literal));
        }
        SlotTemplate { pieces }
    }

    /// True when two slots touch: what a style does after a value may then
    /// depend on how the value ends, which the stand-ins do not show.
    pub fn has_touching_slots(&self) -> bool {
        self.pieces
            .windows(2)
            .any(|w| matches!((&w[0], &w[1]), (Piece::Slot(_), Piece::Slot(_))))
    }

    /// How many times slot `index` occurs.
    pub fn occurrences(&self, index: usize) -> usize {
        self.pieces
            .iter()
            .filter(|p| **p == Piece::Slot(index))
            .count()
    }

    /// The output with `values[i]` in slot `i` (an index past the end of
    /// `values` fills nothing).
    pub fn fill<S: AsRef<str>>(&self, values: &[S]) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Literal(text) => out.push_str(text),
                Piece::Slot(i) => {
                    if let Some(v) = values.get(*i) {
                        out.push_str(v.as_ref());
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_fills() {
        let t = SlotTemplate::parse("<i>AAA</i>, BB (1999), BB.", &["AAA", "BB", "1999"]);
        assert_eq!(t.fill(&["x", "y", "2024"]), "<i>x</i>, y (2024), y.");
        assert_eq!(t.occurrences(1), 2);
        assert_eq!(t.occurrences(2), 1);
        assert!(!t.has_touching_slots());
        assert!(SlotTemplate::parse("AAABB", &["AAA", "BB"]).has_touching_slots());
    }

    #[test]
    fn text_without_slots_is_one_literal() {
        let t = SlotTemplate::parse("Ibid., 4.", &["AAA", ""]);
        assert_eq!(t.fill::<&str>(&[]), "Ibid., 4.");
        assert_eq!(t.occurrences(0), 0);
    }
}
