//! The words of many texts, segmented and counted once for every consumer.
//!
//! Owns: a dictionary of the distinct words seen (as written, not folded)
//! and, per document and field, how often each of them occurs.
//! Must not know: what the fields mean, folding, stemming or ranking.
//!
//! Why: similar posts and the search index both need every article's words.
//! Segmenting and counting a 10,000-article archive twice was a tenth of a
//! build's processor time; counting once and handing both the counts costs
//! one pass, and each consumer then looks each distinct word up once per
//! document instead of once per occurrence.

use std::collections::HashMap;
use std::hash::BuildHasher;

use foldhash::fast::RandomState;
use hashbrown::HashTable;
use rayon::prelude::*;

use crate::segment;

/// Fewest documents per parallel chunk (each chunk keeps its own dictionary).
const MIN_CHUNK: usize = 256;

/// One text to count: the field it belongs to (below the `fields` given to
/// [`WordCounts::count`]) and the text. A field may have several texts
/// (the highlights of an article); their counts add up.
pub type FieldText<'t> = (usize, &'t str);

/// Per document and field, `(word id, occurrences)` for each distinct
/// word, with the words themselves held once.
#[derive(Debug, Clone, Default)]
pub struct WordCounts {
    /// All words back to back; word `i` is `text[ends[i - 1]..ends[i]]`.
    text: String,
    ends: Vec<usize>,
    /// Number of fields per document.
    fields: usize,
    /// Documents per chunk (all chunks but the last are full).
    chunk: usize,
    /// Number of documents.
    docs: usize,
    /// The chunks as counted, word ids made global in place: joining them
    /// would hold every entry twice for a moment.
    chunks: Vec<Chunk>,
}

/// The entries of one chunk of documents: `start[d * fields + f]..start[d
/// * fields + f + 1]` are those of its document `d`, field `f`.
#[derive(Debug, Clone, Default)]
struct Chunk {
    start: Vec<usize>,
    entries: Vec<(u32, u32)>,
}

impl WordCounts {
    /// Segments (UAX #29, as [`crate::Analyzer::words`]) and counts the
    /// texts of `docs`, each a list of [`FieldText`]s, in parallel.
    /// Segmentation does not depend on the language, so documents of
    /// every language may be counted together.
    pub fn count(fields: usize, docs: &[Vec<FieldText<'_>>]) -> WordCounts {
        let fields = fields.max(1);
        let chunk = (docs.len() / (rayon::current_num_threads() * 4)).max(MIN_CHUNK);
        let counted: Vec<(ChunkWords, Chunk)> = docs
            .par_chunks(chunk)
            .map(|part| count_chunk(fields, part))
            .collect();

        // One dictionary for all chunks, in order of first sight.
        let mut ids: HashMap<&str, u32, RandomState> = HashMap::default();
        let mut text = String::new();
        let mut ends = Vec::new();
        let remaps: Vec<Vec<u32>> = counted
            .iter()
            .map(|(words, _)| {
                words
                    .iter()
                    .map(|w| {
                        *ids.entry(w).or_insert_with(|| {
                            text.push_str(w);
                            ends.push(text.len());
                            (ends.len() - 1) as u32
                        })
                    })
                    .collect()
            })
            .collect();
        drop(ids);
        let chunks: Vec<Chunk> = counted
            .into_par_iter()
            .zip(remaps)
            .map(|((_, mut part), remap)| {
                for entry in &mut part.entries {
                    entry.0 = remap[entry.0 as usize];
                }
                part
            })
            .collect();
        text.shrink_to_fit();
        WordCounts {
            text,
            ends,
            fields,
            chunk,
            docs: docs.len(),
            chunks,
        }
    }

    /// Number of documents counted.
    pub fn len(&self) -> usize {
        self.docs
    }

    /// True when no document was counted.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of fields per document.
    pub fn fields(&self) -> usize {
        self.fields
    }

    /// Number of distinct words over all documents.
    pub fn distinct_words(&self) -> usize {
        self.ends.len()
    }

    /// Word `id` as written.
    pub fn word(&self, id: u32) -> &str {
        let id = id as usize;
        let from = if id == 0 { 0 } else { self.ends[id - 1] };
        &self.text[from..self.ends[id]]
    }

    /// The distinct words of field `field` of document `doc` with their
    /// occurrences, in order of first occurrence.
    pub fn field(&self, doc: usize, field: usize) -> impl Iterator<Item = (&str, u32)> {
        self.field_ids(doc, field)
            .iter()
            .map(|&(id, n)| (self.word(id), n))
    }

    /// The distinct words of field `field` of document `doc` as
    /// `(word id, occurrences)` (see [`WordCounts::word`]), in order of
    /// first occurrence.
    pub fn field_ids(&self, doc: usize, field: usize) -> &[(u32, u32)] {
        let part = &self.chunks[doc / self.chunk];
        let row = (doc % self.chunk) * self.fields + field;
        &part.entries[part.start[row]..part.start[row + 1]]
    }
}

/// The distinct words of one chunk, numbered in order of first sight.
///
/// Why not a `HashMap<&str, u32>`: its keys point into the documents, so
/// confirming a hit reads the word's first occurrence somewhere in a
/// hundred megabytes of text, and its slots are three times the size of a
/// word id. Here the table holds only ids and the words are copied back to
/// back, so the table and the words it compares stay in the caches
/// (counting was a tenth of a 10,000-article build's processor time).
struct ChunkWords {
    /// Word ids, found by the hash of the word.
    table: HashTable<u32>,
    hasher: RandomState,
    /// All words back to back; word `i` is `text[ends[i - 1]..ends[i]]`.
    text: String,
    ends: Vec<usize>,
}

impl ChunkWords {
    fn new() -> ChunkWords {
        ChunkWords {
            table: HashTable::new(),
            hasher: RandomState::default(),
            text: String::new(),
            ends: Vec::new(),
        }
    }

    #[inline]
    fn word<'a>(text: &'a str, ends: &[usize], id: u32) -> &'a str {
        let id = id as usize;
        let from = if id == 0 { 0 } else { ends[id - 1] };
        &text[from..ends[id]]
    }

    /// The id of `word`, and whether it was seen before.
    fn id(&mut self, word: &str) -> (u32, bool) {
        let hash = self.hasher.hash_one(word);
        let (text, ends) = (&self.text, &self.ends);
        if let Some(&id) = self
            .table
            .find(hash, |&id| Self::word(text, ends, id) == word)
        {
            return (id, true);
        }
        let id = self.ends.len() as u32;
        self.text.push_str(word);
        self.ends.push(self.text.len());
        let (text, ends, hasher) = (&self.text, &self.ends, &self.hasher);
        self.table
            .insert_unique(hash, id, |&id| hasher.hash_one(Self::word(text, ends, id)));
        (id, false)
    }

    /// The words in id order.
    fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len() as u32).map(|id| Self::word(&self.text, &self.ends, id))
    }
}

/// Counts one chunk of documents against a dictionary of its own.
/// Word ids in the chunk are numbers in the returned dictionary.
fn count_chunk(fields: usize, docs: &[Vec<FieldText<'_>>]) -> (ChunkWords, Chunk) {
    let mut words = ChunkWords::new();
    // Per word: its count in the current field (zero between fields).
    let mut count: Vec<u32> = Vec::new();
    let mut touched: Vec<u32> = Vec::new();
    let mut start = Vec::with_capacity(docs.len() * fields + 1);
    start.push(0);
    let mut entries = Vec::new();
    // Texts of one field may be listed apart; they are gathered per field.
    let mut by_field: Vec<Vec<&str>> = vec![Vec::new(); fields];
    for doc in docs {
        for list in &mut by_field {
            list.clear();
        }
        for &(f, text) in doc {
            if let Some(list) = by_field.get_mut(f) {
                list.push(text);
            }
        }
        for list in &by_field {
            for text in list {
                segment::for_each_word(text, |w| {
                    let (id, seen) = words.id(w);
                    if !seen {
                        count.push(0);
                    }
                    let c = &mut count[id as usize];
                    if *c == 0 {
                        touched.push(id);
                    }
                    *c += 1;
                });
            }
            entries.extend(
                touched
                    .drain(..)
                    .map(|id| (id, std::mem::take(&mut count[id as usize]))),
            );
            start.push(entries.len());
        }
    }
    entries.shrink_to_fit();
    (words, Chunk { start, entries })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Analyzer;

    fn collect(counts: &WordCounts, doc: usize, field: usize) -> Vec<(String, u32)> {
        let mut v: Vec<(String, u32)> = counts
            .field(doc, field)
            .map(|(w, n)| (w.to_string(), n))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn counts_words_per_document_and_field() {
        let docs = vec![
            vec![(0, "Grain and gas"), (2, "Gas, gas and grain."), (1, "Gas")],
            vec![(2, "Çin'in limanları ve Çin")],
            vec![],
        ];
        let counts = WordCounts::count(3, &docs);
        assert_eq!(counts.len(), 3);
        assert_eq!(
            collect(&counts, 0, 0),
            vec![("Grain".into(), 1), ("and".into(), 1), ("gas".into(), 1)]
        );
        assert_eq!(collect(&counts, 0, 1), vec![("Gas".into(), 1)]);
        assert_eq!(
            collect(&counts, 0, 2),
            vec![
                ("Gas".into(), 1),
                ("and".into(), 1),
                ("gas".into(), 1),
                ("grain".into(), 1)
            ]
        );
        assert_eq!(
            collect(&counts, 1, 2),
            vec![
                ("limanları".into(), 1),
                ("ve".into(), 1),
                ("Çin".into(), 1),
                ("Çin'in".into(), 1)
            ]
        );
        assert_eq!(counts.field(2, 0).count(), 0);
        let in_doc_0: usize = (0..3).map(|f| counts.field(0, f).count()).sum();
        assert_eq!(in_doc_0, 8);
    }

    #[test]
    fn agrees_with_the_analyzer_across_chunks() {
        // More documents than one chunk holds, so dictionaries are merged.
        let texts: Vec<String> = (0..MIN_CHUNK * 3)
            .map(|i| format!("Doc {i} says «ports» and U.S. 3,5 — Москва’s {} x", i % 7))
            .collect();
        let docs: Vec<Vec<FieldText>> = texts.iter().map(|t| vec![(1, t.as_str())]).collect();
        let counts = WordCounts::count(2, &docs);
        let analyzer = Analyzer::new("en");
        for (d, text) in texts.iter().enumerate() {
            let mut expected: HashMap<String, u32> = HashMap::new();
            for (_, w) in analyzer.words(text) {
                *expected.entry(w.to_string()).or_default() += 1;
            }
            let mut expected: Vec<(String, u32)> = expected.into_iter().collect();
            expected.sort();
            assert_eq!(collect(&counts, d, 1), expected, "document {d}");
            assert_eq!(counts.field(d, 0).count(), 0);
        }
        assert!(counts.distinct_words() < texts.len() + 20);
    }
}
