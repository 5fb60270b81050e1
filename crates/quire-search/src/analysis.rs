//! The one place that calls `quire-text`: every word the index records is
//! analysed here, so the index and the query-side data can never disagree.
//!
//! Owns: the per-language analyser handle and the accent-insensitive key.
//! Must not know: fields, scoring or the file format.

use foldhash::HashMap;
use std::sync::{Arc, RwLock};

use quire_core::sync::{read, write};

/// A word of the input as the index sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    /// The case-folded form (what the browser computes from what it is typed).
    pub folded: String,
    /// The stem; `None` for a stop word.
    pub term: Option<String>,
    /// The stem's number in [`Analysis::terms`]; `None` for a stop word.
    pub term_id: Option<u32>,
}

/// The memo of analysed words and the numbering of their stems.
#[derive(Default)]
struct Memo {
    words: HashMap<String, Option<Arc<Word>>>,
    term_ids: HashMap<String, u32>,
    terms: Vec<String>,
}

impl Memo {
    /// The number of `term`, given on first sight.
    fn term_id(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.term_ids.get(term) {
            return id;
        }
        let id = self.terms.len() as u32;
        self.terms.push(term.to_owned());
        self.term_ids.insert(term.to_owned(), id);
        id
    }
}

/// Analysis for one language.
pub(crate) struct Analysis {
    analyzer: quire_text::Analyzer,
    /// Each distinct surface word's analysis (a word's analysis depends only
    /// on the word and the language): folding and stemming are most of the
    /// cost of indexing, and a site repeats the same words in every article.
    /// Stems are numbered as they are first seen, so documents count
    /// them by number instead of by string.
    memo: RwLock<Memo>,
}

/// Distinct words remembered per language; beyond it words are analysed
/// every time, so memory stays bounded on any input.
const MEMO_LIMIT: usize = 1 << 20;

impl Analysis {
    /// The analysis for `lang` (a BCP 47 primary tag such as `tr`).
    pub(crate) fn new(lang: &str) -> Self {
        Self {
            analyzer: quire_text::Analyzer::new(lang),
            memo: RwLock::default(),
        }
    }

    /// Calls `f` with each surface word of `text` (not yet folded), in
    /// order.
    pub(crate) fn for_each_surface<'t>(&self, text: &'t str, f: impl FnMut(&'t str)) {
        self.analyzer.for_each_word(text, f);
    }

    /// The analysis of one surface word (`None` when nothing indexable is
    /// left, such as a lone apostrophe), and whether the memo kept it, so
    /// that [`Analysis::remembered_words`] lists it.
    pub(crate) fn word(&self, surface: &str) -> (Option<Arc<Word>>, bool) {
        if let Some(known) = read(&self.memo).words.get(surface) {
            return (known.clone(), true);
        }
        let token = self
            .analyzer
            .token(surface, 0)
            .filter(|t| !t.folded.is_empty());
        let mut memo = write(&self.memo);
        let word = token.map(|t| {
            let term_id = t.term.as_deref().map(|term| memo.term_id(term));
            Arc::new(Word {
                folded: t.folded,
                term: t.term,
                term_id,
            })
        });
        let kept = memo.words.len() < MEMO_LIMIT;
        if kept {
            memo.words.insert(surface.to_owned(), word.clone());
        }
        (word, kept)
    }

    /// The stem number of each of `surfaces` (`None` for a stop word or
    /// nothing indexable), in order; the analyses the memo could not keep
    /// are added to `unremembered`. One read lock for the known words of a
    /// whole document, and no reference counts touched: both threads
    /// indexing read the same common words, and a lock or count per word
    /// had their cores trading cache lines.
    pub(crate) fn term_ids(
        &self,
        surfaces: &[&str],
        unremembered: &mut Vec<Arc<Word>>,
    ) -> Vec<Option<u32>> {
        let mut ids = Vec::with_capacity(surfaces.len());
        let mut missing = Vec::new();
        {
            let memo = read(&self.memo);
            for (i, surface) in surfaces.iter().enumerate() {
                match memo.words.get(*surface) {
                    Some(known) => ids.push(known.as_ref().and_then(|w| w.term_id)),
                    None => {
                        ids.push(None);
                        missing.push(i);
                    }
                }
            }
        }
        for i in missing {
            let (word, kept) = self.word(surfaces[i]);
            if let Some(word) = word {
                ids[i] = word.term_id;
                if !kept {
                    unremembered.push(word);
                }
            }
        }
        ids
    }

    /// Every distinct word the memo kept (words of different surfaces may
    /// repeat).
    pub(crate) fn remembered_words(&self) -> Vec<Arc<Word>> {
        read(&self.memo).words.values().flatten().cloned().collect()
    }

    /// Every stem seen, by number ([`Word::term_id`]).
    pub(crate) fn terms(&self) -> Vec<String> {
        read(&self.memo).terms.clone()
    }
}

/// The accent-insensitive key of a folded form: the secondary match, so
/// that "cin" still finds "Çin".
pub(crate) fn key(folded: &str) -> String {
    quire_text::ascii_fold(folded)
}
