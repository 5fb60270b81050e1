//! Building one language's index: analysis of every field, BM25F scores,
//! the form dictionary, and the split into shards and fragments.
//!
//! Owns: field boosts, scoring constants, shard sizing, facet extraction.
//! Must not know: how the files are written, or the page around the search UI.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

// foldhash: these maps hold every word of the corpus and are hashed per
// occurrence; SipHash was a third of the indexing time. Nothing iterates
// them into the output unsorted.
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use quire_text::WordCounts;

use serde::Serialize;
use serde_json::{Value, json};

use rayon::prelude::*;

use std::sync::Arc;

use crate::analysis::{Analysis, Word, key};
use crate::format::{DOCMAP_CHUNK, VERSION, hashed_file, json as to_json};
use crate::{SearchDoc, SearchFile};

/// The fields of a document, in the order of [`FIELDS`].
const FIELD_COUNT: usize = 6;

/// A field's boost and its BM25 length normalisation `b`. A word in the title says more about the
/// document than a word in the body; short metadata fields get a weaker
/// length normalisation because their lengths barely vary.
struct FieldSpec {
    boost: f64,
    b: f64,
}

/// Title, highlights, body, authors, section, tags (the order of
/// `field_texts`).
const FIELDS: [FieldSpec; FIELD_COUNT] = [
    // title
    FieldSpec { boost: 5.0, b: 0.5 },
    // highlights
    FieldSpec {
        boost: 2.5,
        b: 0.75,
    },
    // body
    FieldSpec {
        boost: 1.0,
        b: 0.75,
    },
    // authors
    FieldSpec { boost: 3.0, b: 0.3 },
    // section
    FieldSpec { boost: 1.0, b: 0.3 },
    // tags
    FieldSpec { boost: 3.0, b: 0.3 },
];

/// BM25 term-frequency saturation.
const K1: f64 = 1.2;

/// Target size of a shard's JSON before compression. Small shards mean a
/// query downloads little; too small means many files and a long manifest.
const SHARD_TARGET_BYTES: usize = 24 * 1024;

/// Fragments carry at most this many characters of body text: excerpts are
/// built from it, and a longer body would only make result display slower.
const FRAGMENT_BODY_CHARS: usize = 40_000;

/// Per-document field statistics: term frequencies and field lengths.
struct DocStats {
    /// By term number ([`Word::term_id`]), ascending, one entry per term.
    /// A sorted vector rather than a map: every document of a language is
    /// held at once, and a map's spare buckets doubled the index's memory.
    tf: Vec<(u32, [u32; FIELD_COUNT])>,
    len: [u32; FIELD_COUNT],
}

/// Everything the analysis of the corpus yields.
struct Corpus {
    /// Folded form → term (stems are a function of the folded form).
    forms: BTreeMap<String, String>,
    /// Folded forms that are stop words.
    stop: BTreeSet<String>,
    /// Characters seen in folded forms (for the accent-folding table).
    chars: BTreeSet<char>,
}

/// All index files for one language, deterministic (same docs in any order
/// give the same bytes), under `search/<lang>/`.
pub fn build_index(lang: &str, docs: &[SearchDoc<'_>]) -> Vec<SearchFile> {
    build(lang, docs.iter().map(|d| (d, None)).collect(), None)
}

/// The fields of the [`WordCounts`] that [`build_index_counted`] reads, by
/// number: 0 the title, 1 the highlights, 2 the body.
pub const COUNTED_FIELDS: usize = 3;

/// [`build_index`] with the title, highlights and body words already
/// counted: `counted[i]` is the document of `counts` holding the words of
/// `docs[i]` (fields as [`COUNTED_FIELDS`] says), `None` to segment it
/// here. A caller that also ranks similar posts segments each text once,
/// and each distinct word is looked up by its number. The files are the
/// same as [`build_index`]'s.
pub fn build_index_counted(
    lang: &str,
    docs: &[SearchDoc<'_>],
    counts: &WordCounts,
    counted: &[Option<usize>],
) -> Vec<SearchFile> {
    if counts.fields() != COUNTED_FIELDS {
        return build_index(lang, docs);
    }
    let docs = docs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let row = counted.get(i).copied().flatten();
            (d, row.filter(|&r| r < counts.len()))
        })
        .collect();
    build(lang, docs, Some(counts))
}

/// "No term": a stop word or nothing indexable.
const NO_TERM: u32 = u32::MAX;

/// The counted words' analysis, by word number.
struct CountedTerms<'c> {
    counts: &'c WordCounts,
    /// Per word number: its term number, [`NO_TERM`] for none (or a word
    /// no counted document of this language uses).
    term_of: Vec<u32>,
}

impl<'c> CountedTerms<'c> {
    /// Analyses, once each and in parallel, the distinct words that the
    /// counted documents `rows` use; the analyses the memo could not keep
    /// are added to `unremembered`.
    fn new(
        analysis: &Analysis,
        counts: &'c WordCounts,
        rows: impl Iterator<Item = usize>,
        unremembered: &mut Vec<Arc<Word>>,
    ) -> Self {
        let mut used = vec![false; counts.distinct_words()];
        for row in rows {
            for f in 0..COUNTED_FIELDS {
                for &(w, _) in counts.field_ids(row, f) {
                    used[w as usize] = true;
                }
            }
        }
        let ids: Vec<u32> = (0..used.len() as u32)
            .filter(|&w| used[w as usize])
            .collect();
        drop(used);
        let analysed: Vec<(u32, Option<Arc<Word>>, bool)> = ids
            .par_iter()
            .map(|&w| {
                let (word, kept) = analysis.word(counts.word(w));
                (w, word, kept)
            })
            .collect();
        let mut term_of = vec![NO_TERM; counts.distinct_words()];
        for (w, word, kept) in analysed {
            if let Some(word) = word {
                term_of[w as usize] = word.term_id.unwrap_or(NO_TERM);
                if !kept {
                    unremembered.push(word);
                }
            }
        }
        CountedTerms { counts, term_of }
    }
}

/// A document and, when counted, its number in the [`WordCounts`].
type Counted<'d, 'a> = (&'d SearchDoc<'a>, Option<usize>);

fn build(
    lang: &str,
    mut docs: Vec<Counted<'_, '_>>,
    counts: Option<&WordCounts>,
) -> Vec<SearchFile> {
    let analysis = Analysis::new(lang);
    // Newest first, then by URL: document ids follow this order, so ties in
    // score favour newer documents and the output does not depend on input
    // order.
    docs.sort_by(|(a, _), (b, _)| b.date.cmp(&a.date).then_with(|| a.url.cmp(&b.url)));
    docs.dedup_by(|(a, _), (b, _)| a.url == b.url);

    // Documents are analysed in parallel. The corpus's words are the ones
    // the shared memo kept (each distinct word once, not once per document)
    // plus any a document saw beyond the memo's limit; merged through hash
    // maps (a term is a function of its folded form, so order does not
    // matter) and sorted once at the end.
    let mut beyond_memo = Vec::new();
    let counted = counts.map(|counts| {
        let rows = docs.iter().filter_map(|&(_, row)| row);
        CountedTerms::new(&analysis, counts, rows, &mut beyond_memo)
    });
    let analysed: Vec<(DocStats, Vec<Arc<Word>>)> = docs
        .par_iter()
        .map(|&(d, row)| {
            let words = counted.as_ref().zip(row);
            analyse_doc(&analysis, d, words)
        })
        .collect();
    drop(counted);
    let docs: Vec<&SearchDoc<'_>> = docs.into_iter().map(|(d, _)| d).collect();
    let mut forms: HashMap<String, String> = HashMap::new();
    let mut stop: HashSet<String> = HashSet::new();
    let mut stats = Vec::with_capacity(analysed.len());
    let mut words = analysis.remembered_words();
    words.extend(beyond_memo);
    for (doc_stats, unremembered) in analysed {
        words.extend(unremembered);
        stats.push(doc_stats);
    }
    for word in &words {
        match &word.term {
            Some(term) => {
                if !forms.contains_key(&word.folded) {
                    forms.insert(word.folded.clone(), term.clone());
                }
            }
            None => {
                if !stop.contains(&word.folded) {
                    stop.insert(word.folded.clone());
                }
            }
        }
    }
    let chars: BTreeSet<char> = forms
        .keys()
        .chain(stop.iter())
        .flat_map(|f| f.chars())
        .collect();
    let corpus = Corpus {
        forms: forms.into_iter().collect(),
        stop: stop.into_iter().collect(),
        chars,
    };

    let postings = score(&stats, &analysis.terms());
    let mut files = Vec::new();
    let shards = write_shards(lang, &corpus, &postings, &mut files);
    let docmap = write_fragments(lang, &docs, &mut files);
    let facets = write_facets(lang, &docs, &mut files);

    let fold: BTreeMap<String, String> = corpus
        .chars
        .iter()
        .filter_map(|&c| {
            let s = c.to_string();
            let k = key(&s);
            (k != s).then_some((s, k))
        })
        .collect();
    let manifest = json!({
        "v": VERSION,
        "lang": lang,
        "docs": docs.len(),
        "shards": shards,
        "docmap": { "chunk": DOCMAP_CHUNK, "files": docmap },
        "facets": facets,
        "stop": corpus.stop,
        "fold": fold,
    });
    files.push(SearchFile {
        path: format!("search/{lang}/manifest.json"),
        bytes: to_json(&manifest),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|a, b| a.path == b.path);
    files
}

/// The text of each field of `doc`, in the order of [`FIELDS`].
fn field_texts<'d>(doc: &'d SearchDoc<'_>) -> [Cow<'d, str>; FIELD_COUNT] {
    [
        Cow::Borrowed(&doc.title),
        Cow::Owned(doc.highlights.join("\n")),
        Cow::Borrowed(&doc.body),
        Cow::Owned(doc.authors.join("\n")),
        Cow::Borrowed(&doc.section),
        Cow::Owned(doc.tags.join("\n")),
    ]
}

/// One document's field statistics, and the words the shared memo could
/// not keep (none below its limit). `counted` holds the analysed words of
/// the first [`COUNTED_FIELDS`] fields and the document's number there,
/// if they were counted.
fn analyse_doc(
    analysis: &Analysis,
    doc: &SearchDoc<'_>,
    counted: Option<(&CountedTerms<'_>, usize)>,
) -> (DocStats, Vec<Arc<Word>>) {
    let mut tf: Vec<(u32, [u32; FIELD_COUNT])> = Vec::new();
    let mut len = [0; FIELD_COUNT];
    let segment_from = match counted {
        Some((terms, row)) => {
            for f in 0..COUNTED_FIELDS {
                for &(w, n) in terms.counts.field_ids(row, f) {
                    let term = terms.term_of[w as usize];
                    if term != NO_TERM {
                        let mut counts = [0; FIELD_COUNT];
                        counts[f] = n;
                        tf.push((term, counts));
                        len[f] += n;
                    }
                }
            }
            COUNTED_FIELDS
        }
        None => 0,
    };
    // Occurrences are counted per distinct surface word first, borrowing
    // from the text: each distinct word is then analysed (and the shared
    // memo locked) once per document instead of once per occurrence.
    let mut surfaces: HashMap<&str, [u32; FIELD_COUNT]> = HashMap::new();
    let texts = field_texts(doc);
    for (f, text) in texts.iter().enumerate().skip(segment_from) {
        analysis.for_each_surface(text, |surface| {
            surfaces.entry(surface).or_insert([0; FIELD_COUNT])[f] += 1;
        });
    }
    tf.reserve(surfaces.len());
    let mut unremembered = Vec::new();
    let (words, counts): (Vec<&str>, Vec<[u32; FIELD_COUNT]>) = surfaces.into_iter().unzip();
    let ids = analysis.term_ids(&words, &mut unremembered);
    for (term_id, counts) in ids.into_iter().zip(counts) {
        if let Some(term_id) = term_id {
            tf.push((term_id, counts));
            for f in 0..FIELD_COUNT {
                len[f] += counts[f];
            }
        }
    }
    // Surface words with the same term (inflections) become one entry.
    tf.sort_unstable_by_key(|&(term, _)| term);
    tf.dedup_by(|later, kept| {
        if later.0 != kept.0 {
            return false;
        }
        for f in 0..FIELD_COUNT {
            kept.1[f] += later.1[f];
        }
        true
    });
    tf.shrink_to_fit();
    let stats = DocStats { tf, len };
    (stats, unremembered)
}

/// Term → postings `(doc id, BM25F score × 100)`, doc ids ascending;
/// `terms` names the term numbers the documents count.
fn score(stats: &[DocStats], terms: &[String]) -> BTreeMap<String, Vec<(u32, u32)>> {
    let n = stats.len() as f64;
    let mut avg = [0.0f64; FIELD_COUNT];
    for s in stats {
        for (a, &l) in avg.iter_mut().zip(&s.len) {
            *a += f64::from(l);
        }
    }
    for a in &mut avg {
        *a = if n > 0.0 { *a / n } else { 0.0 };
    }
    // Document frequencies by term number (one pass of integer increments),
    // then each document's scores in parallel (per-document arithmetic: the
    // same on any thread).
    let mut df = vec![0u32; terms.len()];
    for s in stats {
        for &(t, _) in &s.tf {
            df[t as usize] += 1;
        }
    }
    let scored: Vec<Vec<(u32, u32)>> = stats
        .par_iter()
        .map(|s| {
            s.tf.iter()
                .map(|(term, tf)| {
                    let term = *term;
                    let d = f64::from(df[term as usize]);
                    let idf = (1.0 + (n - d + 0.5) / (d + 0.5)).ln();
                    // BM25F: length-normalise each field's frequency, weight
                    // it by the field's boost, then saturate once.
                    let weighted: f64 = FIELDS
                        .iter()
                        .enumerate()
                        .filter(|&(f, _)| tf[f] > 0)
                        .map(|(f, spec)| {
                            let norm = if avg[f] > 0.0 {
                                1.0 - spec.b + spec.b * f64::from(s.len[f]) / avg[f]
                            } else {
                                1.0
                            };
                            spec.boost * f64::from(tf[f]) / norm
                        })
                        .sum();
                    let bm25 = idf * weighted * (K1 + 1.0) / (weighted + K1);
                    (term, (bm25 * 100.0).round().max(1.0) as u32)
                })
                .collect()
        })
        .collect();
    // Each list sized once from its document frequency.
    let mut postings: Vec<Vec<(u32, u32)>> =
        df.iter().map(|&d| Vec::with_capacity(d as usize)).collect();
    for (id, list) in scored.iter().enumerate() {
        for &(term, score) in list {
            postings[term as usize].push((id as u32, score));
        }
    }
    terms
        .iter()
        .zip(postings)
        .filter(|(_, list)| !list.is_empty())
        .map(|(term, list)| (term.clone(), list))
        .collect()
}

/// A shard before encoding: its keys, each with its `(form, term)` pairs.
type KeyGroup<'a> = Vec<(&'a String, &'a Vec<(&'a str, &'a str)>)>;

/// One shard's JSON.
#[derive(Serialize)]
struct Shard<'a> {
    /// `[key, [[folded form, term index], …]]`, sorted by key.
    keys: Vec<(&'a str, Vec<(&'a str, usize)>)>,
    /// `[term, [forms…], [doc delta, score, …]]`.
    terms: Vec<(&'a str, Vec<&'a str>, Vec<u32>)>,
}

/// Writes the shards; returns the manifest's shard table `[first key, file]`.
fn write_shards(
    lang: &str,
    corpus: &Corpus,
    postings: &BTreeMap<String, Vec<(u32, u32)>>,
    files: &mut Vec<SearchFile>,
) -> Vec<(String, String)> {
    // key → forms with that key; term → all its forms (for highlighting).
    let mut by_key: BTreeMap<String, Vec<(&str, &str)>> = BTreeMap::new();
    let mut term_forms: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (form, term) in &corpus.forms {
        by_key
            .entry(key(form))
            .or_default()
            .push((form.as_str(), term.as_str()));
        term_forms
            .entry(term.as_str())
            .or_default()
            .push(form.as_str());
    }
    let posting_len = |t: &str| postings.get(t).map_or(0, |p| p.len() * 9);

    // Group consecutive keys until the estimated size reaches the target; a
    // key never straddles two shards, so one lookup finds all its forms.
    let mut groups: Vec<KeyGroup> = Vec::new();
    let mut current = Vec::new();
    let mut size = 0usize;
    let mut seen_terms: BTreeSet<&str> = BTreeSet::new();
    for (k, forms) in &by_key {
        let mut add = k.len() + 8;
        for (form, term) in forms {
            add += form.len() + 8;
            if !seen_terms.contains(term) {
                add += term.len() + posting_len(term) + 16;
            }
        }
        if !current.is_empty() && size + add > SHARD_TARGET_BYTES {
            groups.push(std::mem::take(&mut current));
            seen_terms.clear();
            size = 0;
        }
        seen_terms.extend(forms.iter().map(|&(_, t)| t));
        size += add;
        current.push((k, forms));
    }
    if !current.is_empty() {
        groups.push(current);
    }

    // Shards are encoded and compressed in parallel, then listed in order.
    let encoded: Vec<(SearchFile, String)> = groups
        .par_iter()
        .map(|group| {
            let terms: BTreeSet<&str> = group
                .iter()
                .flat_map(|(_, forms)| forms.iter().map(|&(_, t)| t))
                .collect();
            let index: BTreeMap<&str, usize> =
                terms.iter().enumerate().map(|(i, &t)| (t, i)).collect();
            let shard = Shard {
                keys: group
                    .iter()
                    .map(|(k, forms)| {
                        (
                            k.as_str(),
                            forms.iter().map(|&(f, t)| (f, index[t])).collect(),
                        )
                    })
                    .collect(),
                terms: terms
                    .iter()
                    .map(|&t| {
                        (
                            t,
                            term_forms.get(t).cloned().unwrap_or_default(),
                            delta_postings(postings.get(t).map_or(&[][..], Vec::as_slice)),
                        )
                    })
                    .collect(),
            };
            hashed_file(lang, "s", &shard)
        })
        .collect();
    let mut table = Vec::with_capacity(encoded.len());
    for (i, (file, name)) in encoded.into_iter().enumerate() {
        files.push(file);
        // The first shard starts at the empty key, so every key has a shard
        // to look in.
        let first = if i == 0 {
            String::new()
        } else {
            groups[i][0].0.clone()
        };
        table.push((first, name));
    }
    table
}

fn delta_postings(p: &[(u32, u32)]) -> Vec<u32> {
    let mut out = Vec::with_capacity(p.len() * 2);
    let mut last = 0;
    for &(doc, score) in p {
        out.push(doc - last);
        out.push(score);
        last = doc;
    }
    out
}

/// Cuts `s` to at most `max` characters, at a character boundary.
fn truncate_chars(s: &str, max: usize) -> &str {
    // A character is at least one byte: a text of at most `max` bytes has
    // at most `max` characters, and most bodies are that short.
    if s.len() <= max {
        return s;
    }
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// One fragment's JSON, borrowed from its document. Fields in alphabetical
/// order: the order `json!` wrote them in, so the files keep their bytes.
#[derive(Serialize)]
struct Fragment<'a> {
    authors: &'a [String],
    body: &'a str,
    date: &'a str,
    highlights: &'a [String],
    section: &'a str,
    tags: &'a [String],
    title: &'a str,
    url: &'a str,
}

/// Writes one fragment per document and the doc maps that name them;
/// returns the doc-map file names in order.
fn write_fragments(
    lang: &str,
    docs: &[&SearchDoc<'_>],
    files: &mut Vec<SearchFile>,
) -> Vec<String> {
    let written: Vec<(SearchFile, String)> = docs
        .par_iter()
        .map(|d| {
            let frag = Fragment {
                authors: &d.authors,
                body: truncate_chars(&d.body, FRAGMENT_BODY_CHARS),
                date: &d.date,
                highlights: &d.highlights,
                section: &d.section,
                tags: &d.tags,
                title: &d.title,
                url: &d.url,
            };
            hashed_file(lang, "f", &frag)
        })
        .collect();
    let mut hashes = Vec::with_capacity(docs.len());
    for (file, name) in written {
        files.push(file);
        // The doc map stores only the hash; the browser rebuilds the name.
        hashes.push(name["f/".len()..name.len() - ".json.gz".len()].to_string());
    }
    hashes
        .chunks(DOCMAP_CHUNK)
        .map(|chunk| {
            let (file, name) = hashed_file(lang, "d", &chunk);
            files.push(file);
            name
        })
        .collect()
}

/// The year of a `YYYY-MM-DD` date, if it has one.
fn year(date: &str) -> Option<&str> {
    let y = date.get(..4)?;
    y.bytes().all(|b| b.is_ascii_digit()).then_some(y)
}

/// Writes one filter file per facet; returns the manifest's facet table:
/// `{facet: {"file": name, "values": [[value, count], …]}}`. Years sort
/// newest first, other values by name.
fn write_facets<'d>(lang: &str, docs: &[&'d SearchDoc], files: &mut Vec<SearchFile>) -> Value {
    let mut facets: BTreeMap<&str, BTreeMap<&'d str, Vec<u32>>> = BTreeMap::new();
    for (id, &d) in docs.iter().enumerate() {
        let id = id as u32;
        let mut add = |facet: &'static str, value: &'d str| {
            if !value.trim().is_empty() {
                let ids = facets.entry(facet).or_default().entry(value).or_default();
                if ids.last() != Some(&id) {
                    ids.push(id);
                }
            }
        };
        add("section", d.section.as_str());
        for t in &d.tags {
            add("tag", t.as_str());
        }
        for a in &d.authors {
            add("author", a.as_str());
        }
        if let Some(y) = year(&d.date) {
            add("year", y);
        }
    }
    let mut table = serde_json::Map::new();
    for (facet, values) in facets {
        let mut values: Vec<(&str, Vec<u32>)> = values.into_iter().collect();
        if facet == "year" {
            values.reverse();
        }
        let lists: Vec<(&str, Vec<u32>)> = values
            .iter()
            .map(|(v, ids)| {
                let mut last = 0;
                let deltas = ids
                    .iter()
                    .map(|&i| {
                        let d = i - last;
                        last = i;
                        d
                    })
                    .collect();
                (*v, deltas)
            })
            .collect();
        let (file, name) = hashed_file(lang, "x", &lists);
        files.push(file);
        let counts: Vec<(&str, usize)> = values.iter().map(|(v, ids)| (*v, ids.len())).collect();
        table.insert(facet.to_string(), json!({ "file": name, "values": counts }));
    }
    Value::Object(table)
}
