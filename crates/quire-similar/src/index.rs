//! The per-language text index: TF-IDF vectors, an inverted index over each
//! article's strongest terms, taxonomy postings, and ranking of one article.
//!
//! Owns: how text becomes vectors and how candidates are found and scored.
//! Must not know: other languages or translation groups beyond "not my own
//! group" — the fallback across languages lives in the crate root.
//!
//! Memory stays bounded by design: each distinct word is analysed once, then
//! the text is re-segmented for document frequencies and again for vectors
//! instead of keeping every article's full term counts, so what stays
//! resident is the word and term vocabulary plus `vector_terms` entries per
//! article.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use quire_text::{Analyzer, is_numeric};
use rayon::prelude::*;

use crate::{Match, SimilarConfig, SimilarDoc, Tuning};

/// Fewest articles per parallel chunk (each chunk owns a df array).
const MIN_JOB: usize = 512;

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

        // A word's analysis depends only on the word, and stemming dominates
        // the cost, so each distinct word of the language is analysed once.
        let chunk = (n / (rayon::current_num_threads() * 4)).max(MIN_JOB);
        let surfaces: HashSet<&'a str> = members
            .par_chunks(chunk)
            .map(|part| {
                let mut set = HashSet::new();
                for &g in part {
                    for_each_field(&docs[g], tuning, |text, _| {
                        set.extend(analyzer.words(text).map(|(_, w)| w));
                    });
                }
                set
            })
            .reduce(HashSet::new, |mut a, b| {
                a.extend(b);
                a
            });
        let analysed: Vec<(&'a str, String, String)> = surfaces
            .into_par_iter()
            .filter_map(|w| {
                let t = analyzer.token(w, 0)?;
                let term = t.term.filter(|term| keep_term(term))?;
                Some((w, term, t.folded))
            })
            .collect();

        // Term ids follow term order, so they are deterministic. The display
        // word of a term is its shortest folded form (usually the base form).
        let mut terms: Vec<(&str, &str)> = analysed
            .iter()
            .map(|(_, term, folded)| (term.as_str(), folded.as_str()))
            .collect();
        terms.sort_unstable_by(|a, b| {
            a.0.cmp(b.0)
                .then(a.1.len().cmp(&b.1.len()))
                .then(a.1.cmp(b.1))
        });
        terms.dedup_by(|a, b| a.0 == b.0);
        let display: Vec<String> = terms.iter().map(|(_, f)| (*f).to_owned()).collect();
        let term_id: HashMap<&str, u32> = terms
            .iter()
            .enumerate()
            .map(|(id, (t, _))| (*t, id as u32))
            .collect();
        let word_id: HashMap<&'a str, u32> = analysed
            .iter()
            .map(|(w, term, _)| (*w, term_id[term.as_str()]))
            .collect();
        let vocab_len = terms.len();
        drop(term_id);
        drop(terms);
        drop(analysed);

        // Term ids of one article with field boosts applied, sorted.
        let occurrences = |g: usize| -> Vec<u32> {
            let mut ids = Vec::new();
            for_each_field(&docs[g], tuning, |text, boost| {
                for (_, w) in analyzer.words(text) {
                    if let Some(&id) = word_id.get(w) {
                        ids.extend(std::iter::repeat_n(id, boost as usize));
                    }
                }
            });
            ids.sort_unstable();
            ids
        };

        // Pass 1: document frequencies, dense per chunk.
        let df: Vec<u32> = members
            .par_chunks(chunk)
            .map(|part| {
                let mut df = vec![0u32; vocab_len];
                for &g in part {
                    let mut ids = occurrences(g);
                    ids.dedup();
                    for id in ids {
                        df[id as usize] += 1;
                    }
                }
                df
            })
            .reduce(
                || vec![0u32; vocab_len],
                |mut a, b| {
                    a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                    a
                },
            );
        let idf: Vec<f64> = df
            .iter()
            .map(|&d| ((n as f64 + 1.0) / f64::from(d.max(1))).ln())
            .collect();

        // Pass 2: vectors of the strongest terms. Terms seen in one article
        // only can match nothing: they count in the length but are not kept.
        let vectors: Vec<Box<[(u32, f32)]>> = members
            .par_iter()
            .map(|&g| {
                let ids = occurrences(g);
                let mut norm2 = 0.0f64;
                let mut weighted: Vec<(u32, f64)> = Vec::new();
                for run in ids.chunk_by(|a, b| a == b) {
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
        drop(word_id);

        // Inverted index, each list cut to the articles where the term weighs most.
        let mut lists: Vec<Vec<(u32, f32)>> = vec![Vec::new(); vocab_len];
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
