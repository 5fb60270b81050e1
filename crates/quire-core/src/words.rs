//! Counting whitespace-separated words, for reading times.
//!
//! Owns: one count that equals `str::split_whitespace().count()`.
//! Must not know: word segmentation for search (that is `quire-text`).
//!
//! Why by hand: `split_whitespace` decodes every character to test it, and
//! counting the words of a 10,000-article archive that way took half a
//! processor-second. Here every byte is tested as a byte: only four lead
//! bytes can start a non-ASCII White_Space character, and only those are
//! looked at further (Cyrillic and Turkish text is mostly such bytes).

/// The number of words of `text` separated by Unicode white space: the
/// same as `text.split_whitespace().count()`.
pub fn count_words(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut words = 0;
    let mut in_word = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // A continuation byte is never white space and never the start of
        // one, so stepping one byte at a time inside a word is exact.
        let space = match b {
            // U+0009–U+000D and U+0020: the ASCII White_Space characters.
            b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' => 1,
            0xc2 | 0xe1..=0xe3 => wide_space_width(&bytes[i..]),
            _ => 0,
        };
        if space > 0 {
            in_word = false;
            i += space;
        } else {
            words += usize::from(!in_word);
            in_word = true;
            i += 1;
        }
    }
    words
}

/// The length in bytes of the non-ASCII White_Space character `bytes`
/// starts with, or 0 when it starts with none: U+0085, U+00A0, U+1680,
/// U+2000–U+200A, U+2028, U+2029, U+202F, U+205F and U+3000.
fn wide_space_width(bytes: &[u8]) -> usize {
    match bytes {
        [0xc2, 0x85 | 0xa0, ..] => 2,
        [0xe1, 0x9a, 0x80, ..]
        | [0xe2, 0x80, 0x80..=0x8a | 0xa8 | 0xa9 | 0xaf, ..]
        | [0xe2, 0x81, 0x9f, ..]
        | [0xe3, 0x80, 0x80, ..] => 3,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn counts_words_between_any_white_space() {
        assert_eq!(count_words(""), 0);
        assert_eq!(count_words("  \n\t "), 0);
        assert_eq!(count_words("one"), 1);
        assert_eq!(count_words(" two  words\n"), 2);
        // No-break space, ideographic space, line separator, NEL.
        assert_eq!(count_words("a\u{a0}b\u{3000}c\u{2028}d\u{85}e"), 5);
        // Non-space letters of every width stay inside their word.
        assert_eq!(count_words("çok güzel сообщение 𝔸𝔹 漢字"), 5);
        // A zero-width space is not White_Space.
        assert_eq!(count_words("a\u{200b}b"), 1);
    }

    #[test]
    fn every_character_is_space_exactly_when_std_says_so() {
        // Exhaustive over Unicode: each character between two letters.
        let mut text = String::new();
        for c in (0..=0x10ffff_u32).filter_map(char::from_u32) {
            text.clear();
            text.push('a');
            text.push(c);
            text.push('b');
            assert_eq!(
                count_words(&text),
                text.split_whitespace().count(),
                "U+{:04X}",
                c as u32
            );
        }
    }

    proptest! {
        #[test]
        fn equals_split_whitespace(text in "[ a\\t\\n\u{a0}\u{85}\u{2000}\u{2028}\u{3000}é漢𝔸\u{200b}\u{feff}\u{1680}x]{0,40}") {
            prop_assert_eq!(count_words(&text), text.split_whitespace().count());
        }

        #[test]
        fn equals_split_whitespace_on_any_text(text in any::<String>()) {
            prop_assert_eq!(count_words(&text), text.split_whitespace().count());
        }
    }
}
