//! Counting whitespace-separated words, for reading times.
//!
//! Owns: one count that equals `str::split_whitespace().count()`.
//! Must not know: word segmentation for search (that is `quire-text`).
//!
//! Why by hand: `split_whitespace` decodes every character to test it, and
//! counting the words of a 10,000-article archive that way took half a
//! processor-second; here ASCII bytes are tested as bytes and only the
//! characters that start with a non-ASCII byte are decoded.

/// The number of words of `text` separated by Unicode white space: the
/// same as `text.split_whitespace().count()`.
pub fn count_words(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut words = 0;
    let mut in_word = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (space, width) = if b.is_ascii() {
            // U+0009–U+000D and U+0020: the ASCII White_Space characters.
            (matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' '), 1)
        } else {
            let width = utf8_width(b);
            let space = text
                .get(i..i + width)
                .and_then(|s| s.chars().next())
                .is_some_and(char::is_whitespace);
            (space, width)
        };
        if space {
            in_word = false;
        } else if !in_word {
            in_word = true;
            words += 1;
        }
        i += width;
    }
    words
}

/// The length of the UTF-8 sequence a (non-ASCII) lead byte starts; 1 for
/// anything else, which `text.get` then refuses, so it never counts as
/// space.
fn utf8_width(lead: u8) -> usize {
    match lead {
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => 1,
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
