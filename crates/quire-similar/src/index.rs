//! The per-language text index: TF-IDF vectors, an inverted index over each
//! article's strongest terms, taxonomy postings, and ranking of one article.
//!
//! Owns: how text becomes vectors and how candidates are found and scored.
//! Must not know: other languages or translation groups beyond "not my own
//! group" — the fallback across languages lives in the crate root.
//!
//! Cost at scale (issue #4, "Scale"): every article is segmented once and
//! every distinct word analysed once; words, terms, taxonomy terms, authors
//! and sections become integer ids, so nothing compares strings per
//! candidate. An article's word counts live only until its vector is built;
//! what stays resident is the term vocabulary plus `vector_terms` entries
//! per article and `posting_cap` per term, in flat tables.

use std::cmp::Ordering;
use std::collections::HashMap;

use quire_text::{Analyzer, WordCounts, is_numeric};
use rayon::prelude::*;

use crate::compact::{FxBuild, Rows};
use crate::{Match, SimilarConfig, SimilarDoc, Tuning};

/// Fewest articles per parallel chunk (each chunk keeps its own dictionary).
const MIN_JOB: usize = 512;

/// Shared words named in a match's reasons.
const REASON_WORDS: usize = 3;
/// Shared taxonomy terms named in a match's reasons.
const REASON_TAGS: usize = 2;

/// "No id": a word that is no term (stop word, number), an empty section.
const NONE: u32 = u32::MAX;

type FxMap<K, V> = HashMap<K, V, FxBuild>;

/// Everything needed to rank the articles of one language. Articles are
/// numbered locally (`0..len()`, in input order); terms, taxonomy terms,
/// authors and sections by ids of their own.
pub(crate) struct LangIndex<'a> {
    docs: &'a [SimilarDoc<'a>],
    /// Global indices of this language's articles, in input order.
    members: Vec<usize>,
    /// Per article: its translation group (here, not in the articles, so
    /// checking a candidate touches no article data).
    groups: Vec<usize>,
    /// Per article: (term id, weight) sorted by term id; weights are
    /// normalised by the full vector's length, so dot products are cosines.
    vectors: Rows<(u32, f32)>,
    /// Per term id: (article, weight), heaviest first, at most `posting_cap`.
    postings: Rows<(u32, f32)>,
    /// Per term id: a readable word for reasons (the shortest folded form seen).
    display: Vec<String>,
    /// Per article: its distinct taxonomy terms, as listed.
    tags: Rows<u32>,
    /// Per taxonomy term id: the term ("taxonomy/slug").
    tag_names: Vec<&'a str>,
    /// Per taxonomy term id: inverse document frequency.
    tag_idf: Vec<f64>,
    /// Per taxonomy term id: articles carrying it, newest first, capped;
    /// empty for a term on one article only.
    tag_postings: Rows<u32>,
    /// Per article: Euclidean length of its idf-weighted taxonomy vector.
    tag_norm: Vec<f64>,
    /// Per article: its distinct authors, as listed.
    authors: Rows<u32>,
    /// Per article: its section, [`NONE`] when it has none.
    section: Vec<u32>,
}

/// Per-thread scratch space for ranking; reused from article to article.
pub(crate) struct Scratch {
    /// Per article: partial text score from the inverted index.
    acc: Vec<f32>,
    /// Articles with a non-zero `acc` (a prefix; one slot per article and a spare).
    touched: Vec<u32>,
    /// Per term id: the ranked article's weight, zero for its absent terms.
    query: Vec<f32>,
    /// Candidates keyed by partial score (see `candidates`).
    found: Vec<u64>,
    /// Candidates to score exactly, ascending.
    candidates: Vec<u32>,
    /// Scored candidates.
    scored: Vec<(u32, f64)>,
}

/// One chunk of articles after segmentation: its own dictionary of words as
/// written and, per article, (word, boosted count) pairs.
struct Part<'a> {
    words: Vec<&'a str>,
    counts: Rows<(u32, u32)>,
}

/// Word counts of the article being read, against a chunk's dictionary.
#[derive(Default)]
struct Tally<'a> {
    ids: FxMap<&'a str, u32>,
    words: Vec<&'a str>,
    /// Per word: its count in the current article (zero between articles).
    count: Vec<u32>,
    /// Words counted in the current article, in order of first sight.
    touched: Vec<u32>,
}

impl<'a> Tally<'a> {
    /// Adds `n` occurrences of `w`; words are numbered in order of first
    /// sight.
    fn add(&mut self, w: &'a str, n: u32) {
        let id = *self.ids.entry(w).or_insert_with(|| {
            self.words.push(w);
            self.count.push(0);
            (self.words.len() - 1) as u32
        });
        let c = &mut self.count[id as usize];
        if n > 0 && *c == 0 {
            self.touched.push(id);
        }
        *c += n;
    }

    /// The current article's (word, count) pairs; resets it.
    fn take_article(&mut self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.touched
            .drain(..)
            .map(|id| (id, std::mem::take(&mut self.count[id as usize])))
    }
}

impl<'a> Part<'a> {
    /// All of `members` at once from counted words: a word's number here
    /// is found by its number in `counts`, with no hashing, and words are
    /// numbered in the order [`Part::read`] would number them.
    fn from_counts(counts: &'a WordCounts, members: &[usize], tuning: &Tuning) -> Part<'a> {
        let mut local = vec![NONE; counts.distinct_words()];
        let mut words: Vec<&'a str> = Vec::new();
        let mut count: Vec<u32> = Vec::new();
        let mut touched: Vec<u32> = Vec::new();
        let mut rows = Rows::default();
        let boosts = [tuning.title_boost, tuning.highlights_boost, 1];
        for &g in members {
            for (field, boost) in boosts.into_iter().enumerate() {
                for &(w, n) in counts.field_ids(g, field) {
                    let slot = &mut local[w as usize];
                    if *slot == NONE {
                        *slot = words.len() as u32;
                        words.push(counts.word(w));
                        count.push(0);
                    }
                    let c = &mut count[*slot as usize];
                    if n * boost > 0 && *c == 0 {
                        touched.push(*slot);
                    }
                    *c += n * boost;
                }
            }
            rows.push(
                touched
                    .drain(..)
                    .map(|id| (id, std::mem::take(&mut count[id as usize]))),
            );
        }
        rows.shrink_to_fit();
        Part {
            words,
            counts: rows,
        }
    }

    /// Segments the articles `part` (global indices), each exactly once.
    fn read(docs: &'a [SimilarDoc<'a>], part: &[usize], tuning: &Tuning) -> Part<'a> {
        let mut tally = Tally::default();
        let mut rows = Rows::default();
        for &g in part {
            for_each_field(&docs[g], tuning, |text, boost| {
                quire_text::for_each_word(text, |w| tally.add(w, boost));
            });
            rows.push(tally.take_article());
        }
        rows.shrink_to_fit();
        Part {
            words: tally.words,
            counts: rows,
        }
    }
}

impl<'a> LangIndex<'a> {
    /// Analyses and indexes the articles `members` (global indices, all in `lang`).
    pub(crate) fn build(
        docs: &'a [SimilarDoc<'a>],
        counts: Option<&'a WordCounts>,
        lang: &str,
        members: Vec<usize>,
        tuning: &Tuning,
    ) -> LangIndex<'a> {
        let analyzer = Analyzer::new(lang);
        let n = members.len();

        // Segmentation, in parallel chunks.
        let chunk = (n / (rayon::current_num_threads() * 4)).max(MIN_JOB);
        let parts: Vec<Part<'a>> = match counts {
            Some(counts) => vec![Part::from_counts(counts, &members, tuning)],
            None => members
                .par_chunks(chunk)
                .map(|part| Part::read(docs, part, tuning))
                .collect(),
        };

        // The distinct words of the language. A word's analysis depends only
        // on the word, and stemming dominates its cost, so each is analysed once.
        let mut word_ids: FxMap<&'a str, u32> = FxMap::default();
        let mut words: Vec<&'a str> = Vec::new();
        let remaps: Vec<Vec<u32>> = parts
            .iter()
            .map(|part| {
                part.words
                    .iter()
                    .map(|&w| {
                        *word_ids.entry(w).or_insert_with(|| {
                            words.push(w);
                            (words.len() - 1) as u32
                        })
                    })
                    .collect()
            })
            .collect();
        drop(word_ids);
        let (word_term, display) = analyse(&analyzer, &words);
        drop(words);
        let vocab_len = display.len();

        // Per article: (term id, count), sorted by term id.
        let counts: Vec<Rows<(u32, u32)>> = parts
            .into_par_iter()
            .zip(remaps.into_par_iter())
            .map(|(part, remap)| {
                let mut rows = Rows::default();
                let mut row: Vec<(u32, u32)> = Vec::new();
                for words in part.counts.iter() {
                    row.clear();
                    row.extend(words.iter().filter_map(|&(w, c)| {
                        let term = word_term[remap[w as usize] as usize];
                        (term != NONE).then_some((term, c))
                    }));
                    row.sort_unstable_by_key(|e| e.0);
                    // Words with one stem ("River", "rivers") add up.
                    row.dedup_by(|later, kept| {
                        let same = later.0 == kept.0;
                        if same {
                            kept.1 += later.1;
                        }
                        same
                    });
                    rows.push(row.iter().copied());
                }
                rows.shrink_to_fit();
                rows
            })
            .collect();
        drop(word_term);

        let mut df = vec![0u32; vocab_len];
        for rows in &counts {
            for &(id, _) in rows.items() {
                df[id as usize] += 1;
            }
        }
        let idf: Vec<f64> = df
            .iter()
            .map(|&d| ((n as f64 + 1.0) / f64::from(d.max(1))).ln())
            .collect();

        // Vectors of the strongest terms. Terms seen in one article only can
        // match nothing: they count in the length but are not kept.
        let vectors: Vec<Rows<(u32, f32)>> = counts
            .into_par_iter()
            .map(|rows| {
                let mut out = Rows::default();
                let mut weighted: Vec<(u32, f64)> = Vec::new();
                for row in rows.iter() {
                    weighted.clear();
                    let mut norm2 = 0.0f64;
                    for &(id, count) in row {
                        let w = (1.0 + f64::from(count).ln()) * idf[id as usize];
                        norm2 += w * w;
                        if df[id as usize] >= 2 {
                            weighted.push((id, w));
                        }
                    }
                    // The heaviest terms; equal weights by id so the cut is stable.
                    if weighted.len() > tuning.vector_terms {
                        weighted.select_nth_unstable_by(tuning.vector_terms, |a, b| {
                            b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
                        });
                        weighted.truncate(tuning.vector_terms);
                    }
                    weighted.sort_unstable_by_key(|e| e.0);
                    let norm = norm2.sqrt();
                    out.push(weighted.iter().map(|&(id, w)| (id, (w / norm) as f32)));
                }
                out
            })
            .collect();
        let vectors = Rows::concat(vectors);
        let postings = invert(&vectors, vocab_len, tuning.posting_cap);

        let tags = Tags::build(docs, &members, tuning);
        let (authors, _) = intern_rows(members.iter().map(|&g| &docs[g].authors[..]));
        let mut sections: FxMap<&str, u32> = FxMap::default();
        let section = members
            .iter()
            .map(|&g| match docs[g].section.as_str() {
                "" => NONE,
                s => {
                    let next = sections.len() as u32;
                    *sections.entry(s).or_insert(next)
                }
            })
            .collect();
        LangIndex {
            docs,
            groups: members.iter().map(|&g| docs[g].group).collect(),
            members,
            vectors,
            postings,
            display,
            tags: tags.rows,
            tag_names: tags.names,
            tag_idf: tags.idf,
            tag_postings: tags.postings,
            tag_norm: tags.norms,
            authors,
            section,
        }
    }

    /// Number of articles in this language.
    pub(crate) fn len(&self) -> usize {
        self.members.len()
    }

    /// Global index of a local article.
    pub(crate) fn global(&self, local: usize) -> usize {
        self.members[local]
    }

    /// The top `depth` matches of global article `global`, best first, with
    /// scratch space of its own; `None` when it is not of this language.
    pub(crate) fn rank_article(
        &self,
        global: usize,
        depth: usize,
        config: &SimilarConfig,
        tuning: &Tuning,
    ) -> Option<Vec<Match>> {
        // Members are in input order, so binary search finds it.
        let local = self.members.binary_search(&global).ok()?;
        Some(self.rank(local, depth, config, tuning, &mut self.scratch()))
    }

    /// The text vector of a local article: (term id, weight) by term id.
    #[cfg(test)]
    pub(crate) fn vector(&self, local: usize) -> &[(u32, f32)] {
        self.vectors.row(local)
    }

    /// Fresh scratch space sized for this language.
    pub(crate) fn scratch(&self) -> Scratch {
        Scratch {
            acc: vec![0.0; self.len()],
            touched: vec![0; self.len() + 1],
            query: vec![0.0; self.display.len()],
            found: Vec::new(),
            candidates: Vec::new(),
            scored: Vec::new(),
        }
    }

    /// The top `depth` matches of local article `local`, best first.
    pub(crate) fn rank(
        &self,
        local: usize,
        depth: usize,
        config: &SimilarConfig,
        tuning: &Tuning,
        scratch: &mut Scratch,
    ) -> Vec<Match> {
        let group = self.groups[local];
        self.candidates(local, tuning, scratch);
        // The article's vector, scattered: a candidate's cosine is then one
        // pass over the candidate's terms, without merging two lists.
        let mine = self.vectors.row(local);
        for &(id, w) in mine {
            scratch.query[id as usize] = w;
        }
        scratch.scored.clear();
        for &c in &scratch.candidates {
            let c = c as usize;
            if c == local || self.groups[c] == group {
                continue;
            }
            if let Some(score) = self.score(local, c, &scratch.query, config) {
                scratch.scored.push((c as u32, score));
            }
        }
        for &(id, _) in mine {
            scratch.query[id as usize] = 0.0;
        }
        let order = |a: &(u32, f64), b: &(u32, f64)| self.order(a, b);
        if scratch.scored.len() > depth {
            scratch.scored.select_nth_unstable_by(depth, order);
            scratch.scored.truncate(depth);
        }
        scratch.scored.sort_unstable_by(order);
        scratch
            .scored
            .iter()
            .map(|&(c, score)| Match {
                doc: self.members[c as usize],
                score,
                reasons: self.reasons(local, c as usize),
            })
            .collect()
    }

    /// Best first; ties: newer date, then URL (issue #4: stable order).
    fn order(&self, a: &(u32, f64), b: &(u32, f64)) -> Ordering {
        let (ga, gb) = (self.members[a.0 as usize], self.members[b.0 as usize]);
        let (da, db) = (&self.docs[ga], &self.docs[gb]);
        b.1.total_cmp(&a.1)
            .then_with(|| db.date.cmp(&da.date))
            .then_with(|| da.url.cmp(&db.url))
            .then_with(|| ga.cmp(&gb))
    }

    /// Fills `scratch.candidates`: local indices worth scoring exactly, ascending.
    fn candidates(&self, local: usize, tuning: &Tuning, scratch: &mut Scratch) {
        let n = self.len();
        let out = &mut scratch.candidates;
        out.clear();
        if n <= tuning.exhaustive_below {
            out.extend(0..n as u32);
            return;
        }
        let mut query: Vec<(u32, f32)> = self.vectors.row(local).to_vec();
        query.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        query.truncate(tuning.query_terms);
        // Branch-free: every article is written to `touched`, and the count
        // only advances for one not seen before (weights are positive, so a
        // zero slot means unseen). `touched` has room for every article.
        let mut seen = 0;
        for (id, w) in query {
            for &(doc, wd) in self.postings.row(id as usize) {
                let slot = &mut scratch.acc[doc as usize];
                scratch.touched[seen] = doc;
                seen += usize::from(*slot == 0.0);
                *slot += w * wd;
            }
        }
        // Keep the strongest partial scores; ties by article order for a
        // stable cut. A partial score is a sum of positive products, so its
        // bits order like its value: one integer per article, strongest
        // first, sorts without a comparison closure (thousands per article).
        let found = &mut scratch.found;
        found.clear();
        found.extend(scratch.touched[..seen].iter().map(|&doc| {
            let partial = std::mem::take(&mut scratch.acc[doc as usize]);
            (u64::from(!partial.to_bits()) << 32) | u64::from(doc)
        }));
        if found.len() > tuning.candidates {
            found.select_nth_unstable(tuning.candidates);
            found.truncate(tuning.candidates);
        }
        out.extend(found.iter().map(|&key| key as u32));
        // Articles sharing a taxonomy term can be related with little shared text.
        for &tag in self.tags.row(local) {
            out.extend_from_slice(self.tag_postings.row(tag as usize));
        }
        out.sort_unstable();
        out.dedup();
    }

    /// The blended score of `other` for `local`, or None when nothing is
    /// shared. `query` is `local`'s vector scattered by term id.
    /// Allocation-free: it runs for every candidate.
    fn score(
        &self,
        local: usize,
        other: usize,
        query: &[f32],
        config: &SimilarConfig,
    ) -> Option<f64> {
        // Summed in term-id order, as a merge of the two sorted vectors
        // would: a fixed order keeps scores bit-identical across runs. An
        // absent term adds an exact zero.
        let cosine = self
            .vectors
            .row(other)
            .iter()
            .fold(0.0f64, |sum, &(id, w)| {
                sum + f64::from(query[id as usize] * w)
            });
        let tag_norms = self.tag_norm[local] * self.tag_norm[other];
        let tag_sim = if tag_norms > 0.0 {
            let theirs = self.tags.row(other);
            self.tags
                .row(local)
                .iter()
                .filter(|t| theirs.contains(t))
                .map(|&t| {
                    let w = self.tag_idf[t as usize];
                    w * w
                })
                .sum::<f64>()
                / tag_norms
        } else {
            0.0
        };
        let theirs = self.authors.row(other);
        let shared_authors = self
            .authors
            .row(local)
            .iter()
            .filter(|a| theirs.contains(a))
            .count();
        let author_sim = if shared_authors == 0 {
            0.0
        } else {
            let (me, them) = (
                &self.docs[self.members[local]],
                &self.docs[self.members[other]],
            );
            shared_authors as f64 / ((me.authors.len() * them.authors.len()) as f64).sqrt()
        };
        let same_section =
            self.section[local] != NONE && self.section[local] == self.section[other];
        let score = config.text * cosine
            + config.tags * tag_sim
            + config.authors * author_sim
            + if same_section { config.section } else { 0.0 };
        (score > 0.0).then_some(score)
    }

    /// What two articles share, strongest first: words, taxonomy terms,
    /// authors, section.
    fn reasons(&self, local: usize, other: usize) -> Vec<String> {
        let (me, them) = (
            &self.docs[self.members[local]],
            &self.docs[self.members[other]],
        );
        let mut words = shared_terms(self.vectors.row(local), self.vectors.row(other));
        words.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut reasons: Vec<String> = words
            .iter()
            .take(REASON_WORDS)
            .map(|&(id, _)| self.display[id as usize].clone())
            .collect();
        let theirs = self.tags.row(other);
        let mut tags: Vec<(&str, f64)> = self
            .tags
            .row(local)
            .iter()
            .filter(|t| theirs.contains(t))
            .map(|&t| (self.tag_names[t as usize], self.tag_idf[t as usize]))
            .collect();
        tags.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        reasons.extend(
            tags.iter()
                .take(REASON_TAGS)
                .map(|(t, _)| match t.split_once('/') {
                    Some((taxonomy, term)) => format!("{taxonomy}: {term}"),
                    None => format!("tag: {t}"),
                }),
        );
        reasons.extend(
            distinct(&me.authors)
                .filter(|a| them.authors.contains(a))
                .map(|a| format!("author: {a}")),
        );
        if !me.section.is_empty() && me.section == them.section {
            reasons.push(format!("section: {}", me.section));
        }
        // Kept for the whole build: no spare capacity.
        reasons.shrink_to_fit();
        reasons
    }
}

/// Analyses each distinct word once. Returns per word its term id ([`NONE`]
/// for stop words, numbers and one-letter terms) and per term id its display
/// word. Term ids follow term order, so they are deterministic; the display
/// word of a term is its shortest folded form (usually the base form).
fn analyse(analyzer: &Analyzer, words: &[&str]) -> (Vec<u32>, Vec<String>) {
    let analysed: Vec<Option<(String, String)>> = words
        .par_iter()
        .map(|w| {
            let t = analyzer.token(w, 0)?;
            let term = t.term.filter(|term| keep_term(term))?;
            Some((term, t.folded))
        })
        .collect();
    let mut order: Vec<(&str, &str, u32)> = analysed
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let (term, folded) = a.as_ref()?;
            Some((term.as_str(), folded.as_str(), i as u32))
        })
        .collect();
    order.par_sort_unstable_by(|a, b| {
        a.0.cmp(b.0)
            .then(a.1.len().cmp(&b.1.len()))
            .then(a.1.cmp(b.1))
            .then(a.2.cmp(&b.2))
    });
    let mut word_term = vec![NONE; words.len()];
    let mut display: Vec<String> = Vec::new();
    let mut last: Option<&str> = None;
    for &(term, folded, word) in &order {
        if last != Some(term) {
            display.push(folded.to_owned());
            last = Some(term);
        }
        word_term[word as usize] = (display.len() - 1) as u32;
    }
    (word_term, display)
}

/// The inverted index of `vectors`: per term, (article, weight) heaviest
/// first, each list cut to the `cap` articles where the term weighs most.
fn invert(vectors: &Rows<(u32, f32)>, vocab_len: usize, cap: usize) -> Rows<(u32, f32)> {
    let mut start = vec![0usize; vocab_len + 1];
    for &(id, _) in vectors.items() {
        start[id as usize + 1] += 1;
    }
    for i in 0..vocab_len {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut items = vec![(0u32, 0.0f32); vectors.items().len()];
    for (local, v) in vectors.iter().enumerate() {
        for &(id, w) in v {
            items[fill[id as usize]] = (local as u32, w);
            fill[id as usize] += 1;
        }
    }
    drop(fill);
    let mut lists: Vec<&mut [(u32, f32)]> = Vec::with_capacity(vocab_len);
    let mut rest = items.as_mut_slice();
    for w in start.windows(2) {
        let (list, tail) = rest.split_at_mut(w[1] - w[0]);
        lists.push(list);
        rest = tail;
    }
    lists.par_iter_mut().for_each(|list| {
        list.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    });
    drop(lists);
    let mut postings = Rows::default();
    for w in start.windows(2) {
        let end = w[1].min(w[0] + cap);
        postings.push(items[w[0]..end].iter().copied());
    }
    postings.shrink_to_fit();
    postings
}

/// Taxonomy terms of one language as ids.
struct Tags<'a> {
    /// Per article: its distinct terms, as listed.
    rows: Rows<u32>,
    /// Per id: the term.
    names: Vec<&'a str>,
    /// Per id: inverse document frequency.
    idf: Vec<f64>,
    /// Per id: articles carrying it, newest first, capped; empty when only one.
    postings: Rows<u32>,
    /// Per article: length of its idf-weighted taxonomy vector.
    norms: Vec<f64>,
}

impl<'a> Tags<'a> {
    fn build(docs: &'a [SimilarDoc<'a>], members: &[usize], tuning: &Tuning) -> Tags<'a> {
        let n = members.len() as f64;
        // A term listed twice on one article counts once.
        let (rows, names) = intern_rows(members.iter().map(|&g| &docs[g].terms[..]));
        let mut lists: Vec<Vec<u32>> = vec![Vec::new(); names.len()];
        for (local, row) in rows.iter().enumerate() {
            for &t in row {
                lists[t as usize].push(local as u32);
            }
        }
        let idf: Vec<f64> = lists
            .iter()
            .map(|l| ((n + 1.0) / l.len() as f64).ln())
            .collect();
        let norms = rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|&t| idf[t as usize].powi(2))
                    .sum::<f64>()
                    .sqrt()
            })
            .collect();
        let mut postings = Rows::default();
        for mut list in lists {
            if list.len() < 2 {
                postings.push([]);
                continue;
            }
            list.sort_unstable_by(|&a, &b| {
                let (ga, gb) = (members[a as usize], members[b as usize]);
                let (da, db) = (&docs[ga], &docs[gb]);
                db.date
                    .cmp(&da.date)
                    .then_with(|| da.url.cmp(&db.url))
                    .then(ga.cmp(&gb))
            });
            list.truncate(tuning.tag_posting_cap);
            postings.push(list);
        }
        postings.shrink_to_fit();
        Tags {
            rows,
            names,
            idf,
            postings,
            norms,
        }
    }
}

/// Per list, its distinct strings as ids in listed order; and per id the
/// string (ids in order of first appearance).
fn intern_rows<'a>(lists: impl Iterator<Item = &'a [String]>) -> (Rows<u32>, Vec<&'a str>) {
    let mut ids: FxMap<&'a str, u32> = FxMap::default();
    let mut names: Vec<&'a str> = Vec::new();
    let mut rows = Rows::default();
    for list in lists {
        rows.push(distinct(list).map(|s| {
            *ids.entry(s.as_str()).or_insert_with(|| {
                names.push(s.as_str());
                (names.len() - 1) as u32
            })
        }));
    }
    rows.shrink_to_fit();
    (rows, names)
}

/// The items of a short list without repeats, in order.
fn distinct(items: &[String]) -> impl Iterator<Item = &String> {
    items
        .iter()
        .enumerate()
        .filter(|(k, t)| !items[..*k].contains(t))
        .map(|(_, t)| t)
}

/// Shared term ids of two id-sorted vectors with the product of their weights.
fn shared_terms(a: &[(u32, f32)], b: &[(u32, f32)]) -> Vec<(u32, f32)> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => {
                out.push((a[i].0, a[i].1 * b[j].1));
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// Calls `f` with each text field of an article and its weight multiplier.
fn for_each_field<'d>(doc: &'d SimilarDoc<'_>, tuning: &Tuning, mut f: impl FnMut(&'d str, u32)) {
    f(&doc.title, tuning.title_boost);
    for h in &doc.highlights {
        f(h, tuning.highlights_boost);
    }
    f(&doc.body, 1);
}

/// Numbers and one-letter terms say little about a topic (years would link
/// every article of 2024); search keeps them, similarity does not.
fn keep_term(term: &str) -> bool {
    !is_numeric(term) && term.chars().nth(1).is_some()
}
