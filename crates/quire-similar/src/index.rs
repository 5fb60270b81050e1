//! The per-language text index: TF-IDF vectors, an inverted index over each
//! article's strongest terms, taxonomy postings, and ranking of one article.
//!
//! Owns: how text becomes vectors and how candidates are found and scored.
//! Must not know: other languages or translation groups beyond "not my own
//! group" — the fallback across languages lives in the crate root.
//!
//! Memory stays bounded by design: text is analysed twice (once for document
//! frequencies, once for vectors) instead of keeping every article's full
//! term counts, so what stays resident is the vocabulary plus
//! `vector_terms` entries per article.

use std::cmp::Ordering;
use std::collections::HashMap;

use quire_text::{Analyzer, is_numeric};
use rayon::prelude::*;

use crate::{Match, SimilarConfig, SimilarDoc, Tuning};

/// Fewest articles per parallel job: keeps per-job word caches warm.
const MIN_JOB: usize = 512;
/// Distinct words a cache holds before it starts over (bounds memory).
const CACHE_WORDS: usize = 1 << 20;

/// Shared words named in a match's reasons.
const REASON_WORDS: usize = 3;
/// Shared taxonomy terms named in a match's reasons.
const REASON_TAGS: usize = 2;

/// Everything needed to rank the articles of one language.
pub(crate) struct LangIndex<'a> {
    docs: &'a [SimilarDoc],
    /// Global indices of this language's articles, in input order.
    members: Vec<usize>,
    /// Per article: (term id, weight) sorted by term id; weights are
    /// normalised by the full vector's length, so dot products are cosines.
    vectors: Vec<Box<[(u32, f32)]>>,
    /// Per term id: (article, weight), heaviest first, at most `posting_cap`.
    postings: Vec<Box<[(u32, f32)]>>,
    /// Per term id: a readable word for reasons (the first folded form seen).
    display: Vec<String>,
    /// Per taxonomy term: inverse document frequency.
    tag_idf: HashMap<&'a str, f64>,
    /// Per taxonomy term: articles carrying it, newest first, capped.
    tag_postings: HashMap<&'a str, Box<[u32]>>,
    /// Per article: Euclidean length of its idf-weighted taxonomy vector.
    tag_norm: Vec<f64>,
}

/// Per-thread scratch space for candidate accumulation.
pub(crate) struct Scratch {
    acc: Vec<f32>,
    touched: Vec<u32>,
}

/// Analysis results per distinct surface word (None: not a kept term).
struct WordCache<T> {
    map: HashMap<String, Option<T>>,
}

impl<T> Default for WordCache<T> {
    fn default() -> Self {
        WordCache {
            map: HashMap::new(),
        }
    }
}

impl<T> WordCache<T> {
    /// Starts over when the cache is full; call between articles only, so
    /// an article's words stay cached while it is being processed.
    fn trim(&mut self) {
        if self.map.len() >= CACHE_WORDS {
            self.map.clear();
        }
    }

    /// Computes and stores the value for `word` unless it is cached.
    fn ensure(&mut self, word: &str, compute: impl FnOnce() -> Option<T>) {
        if !self.map.contains_key(word) {
            self.map.insert(word.to_owned(), compute());
        }
    }

    /// The cached value for `word`, if it is a kept term.
    fn get(&self, word: &str) -> Option<&T> {
        self.map.get(word).and_then(Option::as_ref)
    }
}

/// Statistics of one vocabulary term while document frequencies are counted.
struct TermStat {
    df: u32,
    first: usize,
    folded: String,
}

impl<'a> LangIndex<'a> {
    /// Analyses and indexes the articles `members` (global indices, all in `lang`).
    pub(crate) fn build(
        docs: &'a [SimilarDoc],
        lang: &str,
        members: Vec<usize>,
        tuning: &Tuning,
    ) -> LangIndex<'a> {
        let analyzer = Analyzer::new(lang);
        let n = members.len();

        // Pass 1: document frequency and a display word per term. A word's
        // analysis depends only on the word, so each job caches it per
        // distinct surface form (stemming dominates the cost otherwise).
        let stats: HashMap<String, TermStat> = members
            .par_iter()
            .enumerate()
            .with_min_len(MIN_JOB)
            .fold(
                || (HashMap::new(), WordCache::default()),
                |(mut stats, mut cache): (
                    HashMap<String, TermStat>,
                    WordCache<(String, String)>,
                ),
                 (local, &g)| {
                    cache.trim();
                    let mut seen: Vec<&'a str> = Vec::new();
                    for_each_field(&docs[g], tuning, |text, _| {
                        for (_, w) in analyzer.words(text) {
                            cache.ensure(w, || {
                                let t = analyzer.token(w, 0)?;
                                let term = t.term.filter(|term| keep_term(term))?;
                                Some((term, t.folded))
                            });
                            seen.push(w);
                        }
                    });
                    let mut terms: Vec<&(String, String)> =
                        seen.iter().filter_map(|w| cache.get(w)).collect();
                    terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                    terms.dedup_by(|a, b| a.0 == b.0);
                    for (term, folded) in terms {
                        match stats.get_mut(term) {
                            Some(s) => {
                                s.df += 1;
                                if local < s.first {
                                    s.first = local;
                                    s.folded.clone_from(folded);
                                }
                            }
                            None => {
                                let stat = TermStat {
                                    df: 1,
                                    first: local,
                                    folded: folded.clone(),
                                };
                                stats.insert(term.clone(), stat);
                            }
                        }
                    }
                    (stats, cache)
                },
            )
            .map(|(stats, _)| stats)
            .reduce(HashMap::new, merge_stats);

        // Ids follow term order, so they are deterministic. Terms seen in
        // one article only can match nothing: they count in vector lengths
        // but get no postings.
        let mut vocab: Vec<(String, TermStat)> = stats.into_iter().collect();
        vocab.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let idf: Vec<f64> = vocab
            .iter()
            .map(|(_, s)| ((n as f64 + 1.0) / f64::from(s.df)).ln())
            .collect();
        let df: Vec<u32> = vocab.iter().map(|(_, s)| s.df).collect();
        let ids: HashMap<&str, u32> = vocab
            .iter()
            .enumerate()
            .map(|(id, (term, _))| (term.as_str(), id as u32))
            .collect();

        // Pass 2: vectors of the strongest terms.
        let vectors: Vec<Box<[(u32, f32)]>> = members
            .par_iter()
            .with_min_len(MIN_JOB)
            .map_init(WordCache::<u32>::default, |cache, &g| {
                cache.trim();
                let mut occurrences: Vec<u32> = Vec::new();
                for_each_field(&docs[g], tuning, |text, boost| {
                    for (_, w) in analyzer.words(text) {
                        cache.ensure(w, || {
                            let term = analyzer.token(w, 0)?.term?;
                            ids.get(term.as_str()).copied()
                        });
                        if let Some(&id) = cache.get(w) {
                            occurrences.extend(std::iter::repeat_n(id, boost as usize));
                        }
                    }
                });
                occurrences.sort_unstable();
                let mut norm2 = 0.0f64;
                let mut weighted: Vec<(u32, f64)> = Vec::new();
                for run in occurrences.chunk_by(|a, b| a == b) {
                    let id = run[0];
                    let w = (1.0 + (run.len() as f64).ln()) * idf[id as usize];
                    norm2 += w * w;
                    if df[id as usize] >= 2 {
                        weighted.push((id, w));
                    }
                }
                // Heaviest first; equal weights by id so the cut is stable.
                weighted.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                weighted.truncate(tuning.vector_terms);
                let norm = norm2.sqrt();
                let mut v: Vec<(u32, f32)> = weighted
                    .into_iter()
                    .map(|(id, w)| (id, (w / norm) as f32))
                    .collect();
                v.sort_unstable_by_key(|e| e.0);
                v.into_boxed_slice()
            })
            .collect();

        // Inverted index, each list cut to the articles where the term weighs most.
        let mut lists: Vec<Vec<(u32, f32)>> = vec![Vec::new(); vocab.len()];
        for (local, v) in vectors.iter().enumerate() {
            for &(id, w) in v.iter() {
                lists[id as usize].push((local as u32, w));
            }
        }
        let postings: Vec<Box<[(u32, f32)]>> = lists
            .into_par_iter()
            .map(|mut list| {
                list.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                list.truncate(tuning.posting_cap);
                list.into_boxed_slice()
            })
            .collect();
        let display = vocab.into_iter().map(|(_, s)| s.folded).collect();

        let (tag_idf, tag_postings, tag_norm) = build_tags(docs, &members, tuning);
        LangIndex {
            docs,
            members,
            vectors,
            postings,
            display,
            tag_idf,
            tag_postings,
            tag_norm,
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

    /// Local index of a global article of this language.
    pub(crate) fn local(&self, global: usize) -> usize {
        // Members are in input order, so binary search finds it.
        self.members.binary_search(&global).unwrap_or_default()
    }

    /// Fresh scratch space sized for this language.
    pub(crate) fn scratch(&self) -> Scratch {
        Scratch {
            acc: vec![0.0; self.len()],
            touched: Vec::new(),
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
        let me = &self.docs[self.members[local]];
        let candidates = self.candidates(local, tuning, scratch);
        let mut scored: Vec<Match> = candidates
            .into_iter()
            .filter_map(|c| {
                let other = &self.docs[self.members[c]];
                if c == local || other.group == me.group {
                    return None;
                }
                let score = self.score(local, c, config)?;
                Some(Match {
                    doc: self.members[c],
                    score,
                    reasons: Vec::new(),
                })
            })
            .collect();
        scored.sort_by(|a, b| self.order(a, b));
        scored.truncate(depth);
        for m in &mut scored {
            m.reasons = self.reasons(local, self.local(m.doc));
        }
        scored
    }

    /// Best first; ties: newer date, then URL (issue #4: stable order).
    fn order(&self, a: &Match, b: &Match) -> Ordering {
        let (da, db) = (&self.docs[a.doc], &self.docs[b.doc]);
        b.score
            .total_cmp(&a.score)
            .then_with(|| db.date.cmp(&da.date))
            .then_with(|| da.url.cmp(&db.url))
            .then_with(|| a.doc.cmp(&b.doc))
    }

    /// Local indices worth scoring exactly, ascending.
    fn candidates(&self, local: usize, tuning: &Tuning, scratch: &mut Scratch) -> Vec<usize> {
        let n = self.len();
        if n <= tuning.exhaustive_below {
            return (0..n).collect();
        }
        let mine = &self.vectors[local];
        let mut query: Vec<(u32, f32)> = mine.to_vec();
        query.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        query.truncate(tuning.query_terms);
        for (id, w) in query {
            for &(doc, wd) in self.postings[id as usize].iter() {
                let slot = &mut scratch.acc[doc as usize];
                if *slot == 0.0 {
                    scratch.touched.push(doc);
                }
                *slot += w * wd;
            }
        }
        let mut found: Vec<(u32, f32)> = scratch
            .touched
            .drain(..)
            .map(|doc| {
                let s = std::mem::take(&mut scratch.acc[doc as usize]);
                (doc, s)
            })
            .collect();
        // Keep the strongest partial scores; ties by article order for a stable cut.
        if found.len() > tuning.candidates {
            found.select_nth_unstable_by(tuning.candidates, |a, b| {
                b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
            });
            found.truncate(tuning.candidates);
        }
        let mut out: Vec<usize> = found.into_iter().map(|(d, _)| d as usize).collect();
        // Articles sharing a taxonomy term can be related with little shared text.
        for tag in &self.docs[self.members[local]].terms {
            if let Some(list) = self.tag_postings.get(tag.as_str()) {
                out.extend(list.iter().map(|&d| d as usize));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The blended score of `other` for `local`, or None when nothing is
    /// shared. Allocation-free: it runs for every candidate.
    fn score(&self, local: usize, other: usize, config: &SimilarConfig) -> Option<f64> {
        let (me, them) = (
            &self.docs[self.members[local]],
            &self.docs[self.members[other]],
        );
        let cosine = dot(&self.vectors[local], &self.vectors[other]);
        let tag_norms = self.tag_norm[local] * self.tag_norm[other];
        let tag_sim = if tag_norms > 0.0 {
            distinct(&me.terms)
                .filter(|t| them.terms.contains(t))
                .map(|t| self.tag_idf.get(t.as_str()).map_or(0.0, |w| w * w))
                .sum::<f64>()
                / tag_norms
        } else {
            0.0
        };
        let shared_authors = distinct(&me.authors)
            .filter(|a| them.authors.contains(a))
            .count();
        let author_sim = if shared_authors == 0 {
            0.0
        } else {
            shared_authors as f64 / ((me.authors.len() * them.authors.len()) as f64).sqrt()
        };
        let same_section = !me.section.is_empty() && me.section == them.section;
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
        let mut words = shared_terms(&self.vectors[local], &self.vectors[other]);
        words.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut reasons: Vec<String> = words
            .iter()
            .take(REASON_WORDS)
            .map(|&(id, _)| self.display[id as usize].clone())
            .collect();
        let mut tags: Vec<(&str, f64)> = distinct(&me.terms)
            .filter(|t| them.terms.contains(t))
            .map(|t| {
                let idf = self.tag_idf.get(t.as_str()).copied().unwrap_or_default();
                (t.as_str(), idf)
            })
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
        reasons
    }
}

/// The items of a short list without repeats, in order.
fn distinct(items: &[String]) -> impl Iterator<Item = &String> {
    items
        .iter()
        .enumerate()
        .filter(|(k, t)| !items[..*k].contains(t))
        .map(|(_, t)| t)
}

/// Dot product of two id-sorted vectors, summed in id order (a fixed
/// summation order keeps scores bit-identical across runs).
fn dot(a: &[(u32, f32)], b: &[(u32, f32)]) -> f64 {
    let (mut i, mut j) = (0, 0);
    let mut sum = 0.0f64;
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => {
                sum += f64::from(a[i].1 * b[j].1);
                i += 1;
                j += 1;
            }
        }
    }
    sum
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
fn for_each_field<'d>(doc: &'d SimilarDoc, tuning: &Tuning, mut f: impl FnMut(&'d str, u32)) {
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

fn merge_stats(
    mut a: HashMap<String, TermStat>,
    mut b: HashMap<String, TermStat>,
) -> HashMap<String, TermStat> {
    if a.len() < b.len() {
        std::mem::swap(&mut a, &mut b);
    }
    for (term, s) in b {
        match a.get_mut(&term) {
            Some(t) => {
                t.df += s.df;
                if s.first < t.first {
                    t.first = s.first;
                    t.folded = s.folded;
                }
            }
            None => {
                a.insert(term, s);
            }
        }
    }
    a
}

type TagTables<'a> = (
    HashMap<&'a str, f64>,
    HashMap<&'a str, Box<[u32]>>,
    Vec<f64>,
);

/// Taxonomy idf, capped postings (newest first) and per-article tag norms.
fn build_tags<'a>(docs: &'a [SimilarDoc], members: &[usize], tuning: &Tuning) -> TagTables<'a> {
    let n = members.len() as f64;
    let mut lists: HashMap<&'a str, Vec<u32>> = HashMap::new();
    for (local, &g) in members.iter().enumerate() {
        // A term listed twice on one article counts once.
        for t in distinct(&docs[g].terms) {
            lists.entry(t.as_str()).or_default().push(local as u32);
        }
    }
    let idf: HashMap<&str, f64> = lists
        .iter()
        .map(|(t, l)| (*t, ((n + 1.0) / l.len() as f64).ln()))
        .collect();
    let norms = members
        .iter()
        .map(|&g| {
            distinct(&docs[g].terms)
                .map(|t| idf.get(t.as_str()).copied().unwrap_or_default().powi(2))
                .sum::<f64>()
                .sqrt()
        })
        .collect();
    let postings = lists
        .into_iter()
        .filter(|(_, l)| l.len() >= 2)
        .map(|(t, mut l)| {
            l.sort_unstable_by(|&a, &b| {
                let (da, db) = (&docs[members[a as usize]], &docs[members[b as usize]]);
                db.date.cmp(&da.date).then_with(|| da.url.cmp(&db.url))
            });
            l.truncate(tuning.tag_posting_cap);
            (t, l.into_boxed_slice())
        })
        .collect();
    (idf, postings, norms)
}
