//! Word segmentation at corpus scale: the words [`Analyzer::words`] yields,
//! found faster for the common shape of Latin, Cyrillic and Greek prose
//! ([`Analyzer::for_each_word`], used by similar posts and the search index).
//!
//! Owns: a shortcut that is exact by construction — it only claims the pieces
//! of text whose UAX #29 segmentation follows from a handful of rules, and
//! hands every other stretch to the analyzer unchanged.
//! Must not know: folding, stop words, stemming or documents.
//!
//! Why: unicode-segmentation has a fast path for all-ASCII strings only. A
//! Turkish or Russian text takes the general state machine, a table search
//! per character, which made segmentation the largest single cost of ranking
//! 100,000 articles (issue #4, "Scale") and a large part of search indexing.
//!
//! The shortcut splits the text at ASCII whitespace into pieces. A piece is
//! *simple* when it consists of word characters `W` (ASCII letters and digits,
//! and letters of the Latin-1, Latin Extended-A/B, basic Greek and Cyrillic
//! blocks — all Word_Break ALetter or Numeric) and punctuation `P` whose
//! Word_Break is Other or a Mid* class, no Mid* punctuation standing between
//! two word characters. In a simple piece every maximal run of `W` is exactly
//! one word: `W × W` holds (WB5, WB8–WB10), Other never joins (WB999), and the
//! Mid* classes join only between two word characters (WB6, WB7, WB11, WB12).
//! Whitespace never joins a letter or punctuation either, so a simple piece
//! is segmented the same alone as inside its text. Stretches between simple
//! pieces go to the analyzer whole, starting and ending on whitespace (or the
//! text's ends), where no rule looks across; that also keeps marks that
//! attach to a preceding space (WB4) with it. The tests compare both paths on
//! random text built from the awkward characters.

use unicode_segmentation::UnicodeSegmentation;

#[cfg(doc)]
use crate::Analyzer;

/// Calls `f` with each word of `text`, in order, exactly as
/// [`Analyzer::words`] yields them (segmentation is the same in every
/// language).
pub(crate) fn for_each_word<'t>(text: &'t str, mut f: impl FnMut(&'t str)) {
    if text.is_ascii() {
        // unicode-segmentation's own ASCII path is faster still.
        text.unicode_words().for_each(f);
        return;
    }
    let bytes = text.as_bytes();
    // Start of the stretch not yet handled, and whether it holds anything
    // but whitespace (pieces that were not simple).
    let mut pending = 0;
    let mut pending_words = false;
    // Word runs of the current piece, emitted once the piece proves simple.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if is_space(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        runs.clear();
        let mut simple = true;
        let mut run: Option<usize> = None;
        let mut before = Class::Other;
        let mut mid_after_word = false;
        // ASCII bytes never occur inside a multi-byte UTF-8 sequence, so
        // cutting at ASCII whitespace keeps char boundaries.
        while i < bytes.len() && !is_space(bytes[i]) {
            let (now, width) = class_at(bytes, i);
            let Some(now) = now else {
                simple = false;
                break;
            };
            if now == Class::Word {
                if mid_after_word {
                    simple = false;
                    break;
                }
                run.get_or_insert(i);
                i += width;
                // The rest of the run, on the hot path: one byte test per
                // character of the commonest letters.
                loop {
                    let more = word_width(bytes, i);
                    if more == 0 {
                        break;
                    }
                    i += more;
                }
                mid_after_word = false;
                before = Class::Word;
                continue;
            }
            if let Some(from) = run.take() {
                runs.push((from, i));
            }
            mid_after_word = now == Class::Mid && before == Class::Word;
            before = now;
            i += width;
        }
        if !simple {
            while i < bytes.len() && !is_space(bytes[i]) {
                i += 1;
            }
            pending_words = true;
            continue;
        }
        if let Some(from) = run {
            runs.push((from, i));
        }
        if pending_words {
            text[pending..start].unicode_words().for_each(&mut f);
            pending_words = false;
        }
        for &(from, to) in &runs {
            f(&text[from..to]);
        }
        pending = i;
    }
    if pending_words {
        text[pending..].unicode_words().for_each(&mut f);
    }
}

/// ASCII whitespace: space (WSegSpace), tab (Other), LF, CR, VT and FF
/// (line breaks); none of them is ever part of a word.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// How a character of a simple piece behaves.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// ALetter or Numeric: joins its word-character neighbours.
    Word,
    /// Word_Break Other (or Double_Quote, which only joins Hebrew letters).
    Other,
    /// MidLetter, MidNum, MidNumLet or Single_Quote: joins two word
    /// characters across it, so it may only stand next to one.
    Mid,
}

/// The class of `c`, or None when the shortcut does not handle it.
const fn class(c: char) -> Option<Class> {
    match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' => Some(Class::Word),
        '\'' | ',' | '.' | ':' | ';' => Some(Class::Mid),
        // '_' is ExtendNumLet, which joins words (WB13a, WB13b).
        '_' => None,
        '!'..='~' => Some(Class::Other),
        // Latin-1 letters (not × and ÷), Latin Extended-A and -B.
        '\u{c0}'..='\u{d6}' | '\u{d8}'..='\u{f6}' | '\u{f8}'..='\u{24f}' => Some(Class::Word),
        // Basic Greek letters.
        '\u{391}'..='\u{3a1}' | '\u{3a3}'..='\u{3c9}' => Some(Class::Word),
        // Cyrillic, without ҂ (Other) and the combining marks U+0483–U+0489 (Extend).
        '\u{400}'..='\u{481}' | '\u{48a}'..='\u{4ff}' => Some(Class::Word),
        // No-break space, « », – —, “ ” „, …: Other.
        '\u{a0}'
        | '\u{ab}'
        | '\u{bb}'
        | '\u{2013}'
        | '\u{2014}'
        | '\u{201c}'..='\u{201e}'
        | '\u{2026}' => Some(Class::Other),
        // · (MidLetter), ‘ ’ (MidNumLet): Turkish writes suffixes after ’.
        '\u{b7}' | '\u{2018}' | '\u{2019}' => Some(Class::Mid),
        _ => None,
    }
}

/// [`class`] of every ASCII byte, looked up instead of matched.
const ASCII: [Option<Class>; 128] = {
    let mut table = [None; 128];
    let mut b: u8 = 0;
    while b < 128 {
        table[b as usize] = class(b as char);
        b += 1;
    }
    table
};

/// The length of the word character starting at byte `i` if it is an ASCII
/// letter or digit, a Latin-1 or Latin Extended-A letter, or a Cyrillic
/// letter U+0400–U+047F; 0 for anything else (including the end), which
/// [`class_at`] then decides. A table, not a match: Turkish mixes one- and
/// two-byte letters, and branching on the width mispredicts.
fn word_width(bytes: &[u8], i: usize) -> usize {
    let Some(&b) = bytes.get(i) else {
        return 0;
    };
    let width = usize::from(WORD_WIDTH[usize::from(b)]);
    // U+00C0–U+00FF are letters but × (C3 97) and ÷ (C3 B7).
    if b == 0xc3 && matches!(bytes[i + 1], 0x97 | 0xb7) {
        return 0;
    }
    width
}

/// Per leading byte: see [`word_width`].
const WORD_WIDTH: [u8; 256] = {
    let mut table = [0; 256];
    let mut b: u8 = 0;
    loop {
        table[b as usize] = match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => 1,
            // U+00C0–U+00FF (but × ÷), U+0100–U+017F, U+0400–U+047F.
            0xc3 | 0xc4 | 0xc5 | 0xd0 | 0xd1 => 2,
            _ => 0,
        };
        if b == u8::MAX {
            break;
        }
        b += 1;
    }
    table
};

/// The class of the character starting at byte `i`, and its length in bytes.
fn class_at(bytes: &[u8], i: usize) -> (Option<Class>, usize) {
    let b = bytes[i];
    let low = |k: usize| u32::from(bytes[i + k] & 0x3f);
    let (code, width) = match b {
        0..=0x7f => return (ASCII[b as usize], 1),
        // Cyrillic letters first: the commonest two-byte characters here.
        0xd0..=0xd2 => {
            let code = (u32::from(b & 0x1f) << 6) | low(1);
            if (0x400..=0x481).contains(&code) || (0x48a..=0x4bf).contains(&code) {
                return (Some(Class::Word), 2);
            }
            (code, 2)
        }
        0xc0..=0xdf => ((u32::from(b & 0x1f) << 6) | low(1), 2),
        0xe0..=0xef => ((u32::from(b & 0x0f) << 12) | (low(1) << 6) | low(2), 3),
        // Four-byte characters (emoji, historic scripts) are never simple.
        _ => return (None, 4),
    };
    (char::from_u32(code).and_then(class), width)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Analyzer;

    fn fast(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for_each_word(text, |w| out.push(w.to_owned()));
        out
    }

    fn reference(analyzer: &Analyzer, text: &str) -> Vec<String> {
        analyzer.words(text).map(|(_, w)| w.to_owned()).collect()
    }

    #[test]
    fn agrees_with_the_analyzer_on_prose() {
        let cases = [
            (
                "en",
                "Plain ASCII, with don't and U.S. and 3,5 and e.g. here.",
            ),
            (
                "tr",
                "Ankara’da NATO'nun zirvesi; İstanbul ve Iğdır (2024).",
            ),
            ("tr", "e-posta: «çok» güzel… şimdi—sonra"),
            ("ru", "«Ёлка» — это ель, 3,5 км; т.е. ничего!"),
            ("ru", "Слово\u{301} и слово \u{301}ударение"),
            ("el", "Η Αθήνα και η Θεσσαλονίκη"),
            ("en", "naïve café_bar x×y a\u{200d}b 👍🏽 🇹🇷🇷🇺 ок"),
            ("en", "tab\tsep\r\nline\u{b}feed\u{c}end  ё"),
        ];
        for (lang, text) in cases {
            let analyzer = Analyzer::new(lang);
            assert_eq!(fast(text), reference(&analyzer, text), "{text:?}");
        }
    }

    /// Random texts over characters at the edges of the shortcut's classes.
    #[test]
    fn agrees_with_the_analyzer_on_random_text() {
        let alphabet: Vec<char> = concat!(
            "aZ09  \t\n\r\u{b}\u{c}'\",.:;_!-()?/",
            "çşığöüİÇŞĞÖÜı×÷ÀÖØöøɏ",
            "ёЁйЯѐҁ҂\u{483}\u{488}Ҋӿ",
            "ΑΩαωά",
            "\u{a0}«»–—“”„…·‘’‛\u{2024}\u{2027}",
            "\u{301}\u{307}\u{345}\u{200d}\u{ad}\u{2009}\u{202f}",
            "אבカタ中文ा१😀🇹🇷",
        )
        .chars()
        .collect();
        let analyzers = [
            Analyzer::new("en"),
            Analyzer::new("tr"),
            Analyzer::new("ru"),
        ];
        // The workspace's seeded generator: the same texts on every run.
        let mut rng = quire_core::rng::Rng::new(0x5eed);
        let mut next = move || rng.next_u64() as usize;
        for round in 0..20_000 {
            let len = 1 + next() % 24;
            let text: String = (0..len)
                .map(|_| {
                    // Mostly letters and spaces, so simple pieces occur often.
                    match next() % 4 {
                        0 => ' ',
                        1 => ['a', 'ş', 'ё', 'Ω', '7'][next() % 5],
                        _ => alphabet[next() % alphabet.len()],
                    }
                })
                .collect();
            let analyzer = &analyzers[round % analyzers.len()];
            assert_eq!(fast(&text), reference(analyzer, &text), "{text:?}");
        }
    }

    #[test]
    fn simple_pieces_split_at_punctuation() {
        assert_eq!(fast("(«слово», ещё—раз…)"), ["слово", "ещё", "раз"]);
        // A Mid* character between letters is not simple: the analyzer decides.
        assert_eq!(fast("Ankara’da, Ankara’ "), ["Ankara’da", "Ankara"]);
    }
}
