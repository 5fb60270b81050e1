//! Per-language word analysis shared by similar posts and full-text search.
//!
//! Owns: word segmentation (UAX #29), language-aware lower-casing (Turkish
//! İ/ı), the Turkish apostrophe rule, stop words, Snowball stemming and the
//! accent-insensitive secondary form.
//! Must not know: documents, sites, Markdown, ranking or index formats — it
//! turns a string into words and nothing more.

mod counts;
mod segment;
mod stop_words;

pub use counts::{FieldText, WordCounts};

use std::collections::HashSet;

use frostem::Stemmer;
use icu_casemap::{CaseMapper, CaseMapperBorrowed};
use icu_locale_core::LanguageIdentifier;
use unicode_segmentation::UnicodeSegmentation;

/// Compiled ICU case data; `const` construction, so it costs nothing per analyzer.
const CASE_MAPPER: CaseMapperBorrowed<'static> = CaseMapper::new();

/// Per-language analysis pipeline (segmentation, case folding, stop words, stemming).
///
/// Construction is cheap (no allocation beyond the language code; stop-word
/// sets are built once per process), and the analyzer is `Send + Sync`, so it
/// may be created per document or shared across threads.
#[derive(Clone)]
pub struct Analyzer {
    lang: String,
    /// Only the language subtag matters for casing; regions are dropped.
    case_lang: LanguageIdentifier,
    /// Turkish and Azerbaijani: dotted/dotless i and apostrophe suffixes.
    turkic: bool,
    /// Russian (and other Cyrillic-first languages): ё and е are one letter for lookups.
    yo_folds: bool,
    stemmer: Option<Stemmer>,
    stop: Option<&'static HashSet<&'static str>>,
}

/// One word of a text as the analyzer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The word exactly as written, including any apostrophe suffix ("Ankara'da").
    pub surface: String,
    /// The language-aware lower-cased form of the indexed part of the word
    /// ("ankara" for Turkish "Ankara'da"; apostrophes normalised to `'`).
    pub folded: String,
    /// The index term: the stem of `folded`, the number itself for numeric
    /// tokens, or `None` for stop words.
    pub term: Option<String>,
    /// Byte offset of `surface` in the analysed text.
    pub offset: usize,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("lang", &self.lang)
            .field("stemming", &self.stemmer.map(|s| s.algorithm()))
            .field("stop_words", &self.stop.map(HashSet::len))
            .finish()
    }
}

impl Analyzer {
    /// The analyzer for a language code ("en", "tr", "ru", any other: Snowball if known, else no stemming).
    ///
    /// Region and script subtags ("en-GB", "pt_BR") are accepted; only the
    /// primary language subtag selects the rules.
    pub fn new(lang: &str) -> Analyzer {
        let primary = lang
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let case_lang =
            LanguageIdentifier::try_from_str(&primary).unwrap_or(LanguageIdentifier::UNKNOWN);
        // An empty or unknown name gets no stemmer rather than an error: a site
        // in a language Snowball lacks still gets segmentation and casing.
        let stemmer = if primary.is_empty() {
            None
        } else {
            Stemmer::try_from_name(&primary).ok()
        };
        Analyzer {
            lang: lang.to_owned(),
            turkic: matches!(primary.as_str(), "tr" | "az"),
            yo_folds: matches!(primary.as_str(), "ru" | "be"),
            stop: stop_words::stop_set(&primary),
            case_lang,
            stemmer,
        }
    }

    /// Language code this analyzer was built for.
    pub fn lang(&self) -> &str {
        &self.lang
    }

    /// Words of `text` with byte offsets: surface form, language-aware lower-cased form, and the index term (stem) or None for stop words.
    ///
    /// Words follow UAX #29, so "3,5" and "U.S." stay whole and hyphenated
    /// compounds split into their parts. Numbers are kept as terms unstemmed
    /// (search needs "2024"); callers that want topic words only can skip
    /// them with [`is_numeric`].
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        self.words(text)
            .filter_map(|(offset, surface)| self.token(surface, offset))
            .collect()
    }

    /// The words of `text` (UAX #29) with their byte offsets, not yet folded.
    ///
    /// With [`Analyzer::token`] this lets a caller analyse each distinct word
    /// once and cache the result: a word's analysis depends only on the word.
    pub fn words<'t>(&self, text: &'t str) -> impl Iterator<Item = (usize, &'t str)> + 't {
        text.unicode_word_indices()
    }

    /// Calls `f` with each word of `text`, in order: exactly the words of
    /// [`Analyzer::words`], found several times faster in Latin, Cyrillic
    /// and Greek prose.
    pub fn for_each_word<'t>(&self, text: &'t str, f: impl FnMut(&'t str)) {
        segment::for_each_word(text, f);
    }

    /// Analyses one word as returned by [`Analyzer::words`]; None when
    /// nothing indexable is left (a lone apostrophe).
    pub fn token(&self, surface: &str, offset: usize) -> Option<Token> {
        let folded = self.fold_word(surface);
        if folded.is_empty() {
            return None;
        }
        let term = self.term_of(&folded);
        Some(Token {
            surface: surface.to_owned(),
            folded,
            term,
            offset,
        })
    }

    /// Index terms (stems) of `text`, stop words removed, in order.
    pub fn terms(&self, text: &str) -> Vec<String> {
        text.unicode_words()
            .filter_map(|surface| {
                let folded = self.fold_word(surface);
                if folded.is_empty() {
                    None
                } else {
                    self.term_of(&folded)
                }
            })
            .collect()
    }

    /// Language-aware lower-casing (Turkish İ→i, I→ı) of one word.
    ///
    /// Outside Turkic languages a stray combining dot left by lower-casing "İ"
    /// (i + U+0307) is dropped, so "İstanbul" in an English text folds to
    /// "istanbul" like its Turkish spelling does.
    pub fn fold(&self, word: &str) -> String {
        // Fast path: ASCII without capitals is already folded in every
        // language (Turkish only changes capital I).
        if word
            .bytes()
            .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
        {
            return word.to_owned();
        }
        let lower = CASE_MAPPER.lowercase_to_string(word, &self.case_lang);
        if !self.turkic && lower.contains('\u{307}') && self.case_lang.language.as_str() != "lt" {
            let mut out = String::with_capacity(lower.len());
            let mut prev = '\0';
            for c in lower.chars() {
                if !(c == '\u{307}' && matches!(prev, 'i' | 'j')) {
                    out.push(c);
                }
                prev = c;
            }
            return out;
        }
        lower.into_owned()
    }

    /// The stem of an already folded word.
    pub fn stem(&self, folded: &str) -> String {
        match &self.stemmer {
            Some(stemmer) => stemmer.stem(folded).into_owned(),
            None => folded.to_owned(),
        }
    }

    /// True if the folded word is a stop word in this language.
    pub fn is_stop_word(&self, folded: &str) -> bool {
        let Some(stop) = self.stop else {
            return false;
        };
        if self.yo_folds && folded.contains('ё') {
            return stop.contains(folded.replace('ё', "е").as_str());
        }
        stop.contains(folded)
    }

    /// Folds one segmented word and applies the apostrophe rules; returns the
    /// part that is indexed ("" when nothing indexable is left, e.g. "'").
    fn fold_word(&self, surface: &str) -> String {
        let mut folded = self.fold(surface);
        if folded.contains(['\u{2019}', '\u{02bc}']) {
            folded = folded.replace(['\u{2019}', '\u{02bc}'], "'");
        }
        if self.turkic {
            // Turkish writes case suffixes after proper nouns behind an
            // apostrophe ("Ankara'da", "NATO'nun"); the noun is the term.
            if let Some(cut) = folded.find('\'')
                && cut > 0
            {
                folded.truncate(cut);
            }
        }
        let trimmed = folded.trim_matches('\'');
        if trimmed.len() != folded.len() {
            folded = trimmed.to_owned();
        }
        folded
    }

    fn term_of(&self, folded: &str) -> Option<String> {
        if is_numeric(folded) {
            return Some(folded.to_owned());
        }
        if self.is_stop_word(folded) {
            return None;
        }
        // Abbreviations and codes ("u.s", "g20") are names, not inflected
        // words; Snowball would mangle them ("u.s" → "u.").
        if folded.chars().any(|c| !c.is_alphabetic() && c != '\'') {
            return Some(folded.to_owned());
        }
        Some(self.stem(folded))
    }
}

/// Calls `f` with each word of `text`, in order: exactly the words of
/// [`Analyzer::words`], which are the same in every language.
pub fn for_each_word<'t>(text: &'t str, f: impl FnMut(&'t str)) {
    segment::for_each_word(text, f);
}

/// True if a word or term has no letters (a number such as "2024" or "3,5").
pub fn is_numeric(word: &str) -> bool {
    !word.chars().any(char::is_alphabetic)
}

/// Accent-insensitive secondary form of a folded word ("çin" → "cin", "güvenlik" → "guvenlik", "ёж" → "еж" for Cyrillic keep letters but fold ё→е).
///
/// Latin letters lose their diacritics (ı→i, ş→s, ß→ss); other scripts keep
/// their letters, except Cyrillic ё→е; combining marks are dropped. Meant
/// for matching what users type without a Turkish or Russian keyboard.
pub fn ascii_fold(folded: &str) -> String {
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        match c {
            'ё' => out.push('е'),
            'Ё' => out.push('Е'),
            // Combining diacritical marks (decomposed input).
            '\u{300}'..='\u{36f}' => {}
            // Latin-1 Supplement letters through Latin Extended-B, and Latin
            // Extended Additional (Vietnamese): transliterate to ASCII.
            '\u{c0}'..='\u{24f}' | '\u{1e00}'..='\u{1eff}' if c.is_alphabetic() => {
                let ascii = any_ascii::any_ascii_char(c);
                if ascii.is_empty() {
                    out.push(c);
                } else {
                    out.extend(ascii.chars().map(|a| a.to_ascii_lowercase()));
                }
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
