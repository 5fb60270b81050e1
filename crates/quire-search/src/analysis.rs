//! The one place that calls `quire-text`: every word the index records is
//! analysed here, so the index and the query-side data can never disagree.
//!
//! Owns: the per-language analyser handle and the accent-insensitive key.
//! Must not know: fields, scoring or the file format.

/// A word of the input as the index sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    /// The case-folded form (what the browser computes from what it is typed).
    pub folded: String,
    /// The stem; `None` for a stop word.
    pub term: Option<String>,
}

/// Analysis for one language.
pub(crate) struct Analysis {
    analyzer: quire_text::Analyzer,
}

impl Analysis {
    /// The analysis for `lang` (a BCP 47 primary tag such as `tr`).
    pub(crate) fn new(lang: &str) -> Self {
        Self {
            analyzer: quire_text::Analyzer::new(lang),
        }
    }

    /// The words of `text`, in order.
    pub(crate) fn words(&self, text: &str) -> Vec<Word> {
        self.analyzer
            .tokens(text)
            .into_iter()
            .filter(|t| !t.folded.is_empty())
            .map(|t| Word {
                folded: t.folded,
                term: t.term,
            })
            .collect()
    }
}

/// The accent-insensitive key of a folded form: the secondary match, so
/// that "cin" still finds "Çin".
pub(crate) fn key(folded: &str) -> String {
    quire_text::ascii_fold(folded)
}
