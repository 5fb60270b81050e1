//! Placeholders left in rendered HTML for what only the assembled site knows.
//!
//! A placeholder is `U+E000 <kind><index> U+E001`. Private-use characters in
//! the author's own text are written as character references by the renderer,
//! so a placeholder can never be forged by content.

/// Opening character of a placeholder.
pub(crate) const OPEN: char = '\u{E000}';
/// Closing character of a placeholder.
pub(crate) const CLOSE: char = '\u{E001}';

/// True when `text` holds a placeholder character ([`OPEN`] or [`CLOSE`]).
/// Runs over every text event of every article: a byte search for their
/// shared lead byte, where `str::contains` with a char set decodes every
/// character.
pub(crate) fn has_placeholder_char(text: &str) -> bool {
    // U+E000 and U+E001 are EE 80 80 and EE 80 81 in UTF-8.
    let bytes = text.as_bytes();
    memchr::memchr_iter(0xEE, bytes)
        .any(|i| bytes.get(i + 1) == Some(&0x80) && matches!(bytes.get(i + 2), Some(0x80 | 0x81)))
}

/// What a placeholder stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholder {
    /// The marker of the note item with this index (see `Rendered::notes`).
    Note(usize),
    /// The URL of the internal link with this index (see `Rendered::links`).
    Link(usize),
}

pub(crate) fn note(i: usize) -> String {
    format!("{OPEN}N{i}{CLOSE}")
}

pub(crate) fn link(i: usize) -> String {
    format!("{OPEN}L{i}{CLOSE}")
}

/// Replaces every placeholder in `html` with what `fill` returns for it.
pub fn fill_placeholders(html: &str, mut fill: impl FnMut(Placeholder) -> String) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    // A byte-string search: `str::find` with a char looks for the char's
    // last byte first, 0x80, which most Cyrillic letters contain.
    let mut open = [0; 4];
    let open = OPEN.encode_utf8(&mut open).as_bytes();
    while let Some(start) = memchr::memmem::find(rest.as_bytes(), open) {
        out.push_str(&rest[..start]);
        let after = &rest[start + OPEN.len_utf8()..];
        let Some(end) = after.find(CLOSE) else {
            out.push_str(&rest[start..]);
            return out;
        };
        let body = &after[..end];
        let parsed = body
            .get(1..)
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| match body.as_bytes().first() {
                Some(b'N') => Some(Placeholder::Note(n)),
                Some(b'L') => Some(Placeholder::Link(n)),
                _ => None,
            });
        match parsed {
            Some(p) => out.push_str(&fill(p)),
            None => out.push_str(&rest[start..start + OPEN.len_utf8() + end + CLOSE.len_utf8()]),
        }
        rest = &after[end + CLOSE.len_utf8()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_placeholder_characters_only() {
        assert!(has_placeholder_char("a\u{E000}b"));
        assert!(has_placeholder_char("\u{E001}"));
        assert!(!has_placeholder_char(
            "\u{E002} \u{E0FF} \u{E800} ascii Çin Дом"
        ));
        assert!(!has_placeholder_char(""));
    }

    #[test]
    fn fills_notes_and_links() {
        let html = format!("a{}b<a href=\"{}\">x</a>", note(0), link(3));
        let out = fill_placeholders(&html, |p| match p {
            Placeholder::Note(i) => format!("[n{i}]"),
            Placeholder::Link(i) => format!("/l{i}/"),
        });
        assert_eq!(out, "a[n0]b<a href=\"/l3/\">x</a>");
    }
}
