//! Similar posts: for every article, the articles of the same language that
//! say the most similar things.
//!
//! Owns: the `[similar]` configuration, text vectors per language (TF-IDF over
//! quire-text stems, title and highlights boosted), candidate generation
//! through an inverted index, the blended score (text, taxonomy terms,
//! authors, section), the translation fallback and the stable order.
//! Must not know: files, front matter, Markdown, URLs beyond their use as a
//! tie-breaker, or templates — the caller fills [`SimilarDoc`]s from its corpus
//! and drops drafts and pages that are not articles before calling.

mod compact;
mod index;

use std::collections::{BTreeMap, HashMap};

use quire_text::WordCounts;
use rayon::prelude::*;
use serde::Deserialize;

use crate::index::LangIndex;

/// `[similar]` in quire.toml: how many similar posts to show and how the
/// signals are blended.
///
/// The score of a candidate is
/// `text·cosine + tags·taxonomy-overlap + authors·author-overlap + section·same-section`,
/// every signal in `0..=1`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SimilarConfig {
    /// Number of similar posts per article. Default 5; 0 disables the block.
    pub count: usize,
    /// Weight of the text cosine similarity. Default 1.0.
    pub text: f64,
    /// Weight of shared taxonomy terms (rare terms count more). Default 0.1:
    /// tags are applied inconsistently on real sites, and on the generated
    /// evaluation corpus higher weights lower precision (see `similar-eval`).
    pub tags: f64,
    /// Weight of shared authors. Default 0.03.
    pub authors: f64,
    /// Weight of being in the same section. Default 0.02.
    pub section: f64,
    /// A translation with fewer same-language peers than this borrows the
    /// ranking of its original (mapped to the translations that exist in its
    /// language). Default 5.
    pub min_peers: usize,
}

impl Default for SimilarConfig {
    fn default() -> Self {
        SimilarConfig {
            count: 5,
            text: 1.0,
            tags: 0.1,
            authors: 0.03,
            section: 0.02,
            min_peers: 5,
        }
    }
}

/// Internal limits that trade exactness for speed; the defaults suit sites
/// from ten to a few hundred thousand articles. Not part of `quire.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct Tuning {
    /// Weight multiplier of title words (each occurrence counts this many times).
    pub title_boost: u32,
    /// Weight multiplier of highlight words.
    pub highlights_boost: u32,
    /// Strongest terms kept per article vector.
    pub vector_terms: usize,
    /// Strongest terms of an article used to look up candidates.
    pub query_terms: usize,
    /// Articles kept per term in the inverted index (those where the term weighs most).
    pub posting_cap: usize,
    /// Articles kept per taxonomy term for candidate lookup (newest first).
    pub tag_posting_cap: usize,
    /// Candidates from the text index that are scored exactly.
    pub candidates: usize,
    /// Languages with at most this many articles compare every pair exactly
    /// (cheap there, and small sites get full lists).
    pub exhaustive_below: usize,
    /// How deep an original's ranking is computed for the translation fallback.
    pub fallback_depth: usize,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            title_boost: 3,
            highlights_boost: 2,
            vector_terms: 40,
            query_terms: 12,
            posting_cap: 256,
            tag_posting_cap: 64,
            candidates: 64,
            exhaustive_below: 400,
            fallback_depth: 100,
        }
    }
}

/// One article as the ranking sees it (the lead fills these from the corpus).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SimilarDoc<'a> {
    /// Language code ("en", "tr", "ru", …); ranking never crosses languages.
    pub lang: String,
    /// Title, boosted.
    pub title: String,
    /// Highlights (key points), boosted.
    pub highlights: Vec<String>,
    /// Plain text of the body, notes excluded; borrowed from the caller's
    /// page when it has one (a site's bodies are most of its text).
    pub body: std::borrow::Cow<'a, str>,
    /// Taxonomy terms as "taxonomy/term-slug".
    pub terms: Vec<String>,
    /// Author identifiers.
    pub authors: Vec<String>,
    /// Section identifier ("" when none).
    pub section: String,
    /// ISO 8601 date, sortable as a string; newer wins ties.
    pub date: String,
    /// Site URL; the final tie-breaker.
    pub url: String,
    /// Translation group: versions of the same article share it.
    pub group: usize,
    /// The default-language (or earliest) version of its group.
    pub original: bool,
}

/// One similar article for a given article.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// Index into the input slice.
    pub doc: usize,
    /// Blended score; higher is more similar.
    pub score: f64,
    /// What drove the match, strongest first: shared words, then
    /// "taxonomy: term", "author: id", "section: id"; "via original" first
    /// when the ranking was borrowed from the original's language.
    pub reasons: Vec<String>,
}

/// For every doc, its top `count` matches in the same language, best first; deterministic.
pub fn rank_all(docs: &[SimilarDoc<'_>], config: &SimilarConfig) -> Vec<Vec<Match>> {
    rank_all_with(docs, config, &Tuning::default())
}

/// [`rank_all`] with explicit internal limits.
pub fn rank_all_with(
    docs: &[SimilarDoc<'_>],
    config: &SimilarConfig,
    tuning: &Tuning,
) -> Vec<Vec<Match>> {
    rank(docs, None, config, tuning)
}

/// The fields of the [`WordCounts`] that [`rank_all_counted`] reads, by
/// number: 0 the title, 1 the highlights, 2 the body.
pub const COUNTED_FIELDS: usize = 3;

/// [`rank_all`] with the words of the docs already counted (document `i`
/// of `counts` is `docs[i]`, fields as [`COUNTED_FIELDS`] says), so that
/// a caller that also indexes the text for search segments it once. The
/// ranking is the same as [`rank_all`]'s.
pub fn rank_all_counted(
    docs: &[SimilarDoc<'_>],
    counts: &WordCounts,
    config: &SimilarConfig,
) -> Vec<Vec<Match>> {
    if counts.len() != docs.len() || counts.fields() != COUNTED_FIELDS {
        // Counts of other documents cannot be used; counting here is right.
        return rank(docs, None, config, &Tuning::default());
    }
    rank(docs, Some(counts), config, &Tuning::default())
}

fn rank(
    docs: &[SimilarDoc<'_>],
    counts: Option<&WordCounts>,
    config: &SimilarConfig,
    tuning: &Tuning,
) -> Vec<Vec<Match>> {
    let mut out = vec![Vec::new(); docs.len()];
    if config.count == 0 || docs.is_empty() {
        return out;
    }
    // BTreeMap: languages are processed in a fixed order.
    let mut by_lang: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, d) in docs.iter().enumerate() {
        by_lang.entry(d.lang.as_str()).or_default().push(i);
    }
    // Languages are independent: building and ranking them side by side
    // keeps both cores busy through each one's sequential steps.
    let indexes: BTreeMap<&str, LangIndex> = by_lang
        .into_par_iter()
        .map(|(lang, members)| (lang, LangIndex::build(docs, counts, lang, members, tuning)))
        .collect();
    let ranked: Vec<(&LangIndex, Vec<Vec<Match>>)> = indexes
        .par_iter()
        .map(|(_, index)| (index, rank_language(index, config, tuning)))
        .collect();
    for (index, lists) in ranked {
        for (local, matches) in lists.into_iter().enumerate() {
            out[index.global(local)] = matches;
        }
    }

    apply_translation_fallback(docs, config, tuning, &indexes, &mut out);
    out
}

/// The similarity index of one language, built once, for ranking its
/// articles one at a time rather than all together as [`rank_all`] does:
/// the cost of similar posts for a single article once the index exists.
pub struct LanguageIndex<'a> {
    index: LangIndex<'a>,
    tuning: Tuning,
}

impl<'a> LanguageIndex<'a> {
    /// Indexes the articles of `docs` written in `lang`; the others are left out.
    pub fn build(docs: &'a [SimilarDoc<'a>], lang: &str) -> LanguageIndex<'a> {
        let tuning = Tuning::default();
        let members = docs
            .iter()
            .enumerate()
            .filter(|(_, d)| d.lang == lang)
            .map(|(i, _)| i)
            .collect();
        LanguageIndex {
            index: LangIndex::build(docs, None, lang, members, &tuning),
            tuning,
        }
    }

    /// Number of articles indexed.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Whether the language has no articles.
    pub fn is_empty(&self) -> bool {
        self.index.len() == 0
    }

    /// The top `config.count` matches of `docs[doc]`, best first — what
    /// [`rank_all`] gives it when the translation fallback does not apply —
    /// or `None` when `doc` is not one of this language's articles.
    pub fn rank_one(&self, doc: usize, config: &SimilarConfig) -> Option<Vec<Match>> {
        self.index
            .rank_article(doc, config.count, config, &self.tuning)
    }
}

/// Every article of one language ranked on its own text, by local index.
fn rank_language(index: &LangIndex, config: &SimilarConfig, tuning: &Tuning) -> Vec<Vec<Match>> {
    // Each job allocates scratch arrays as long as the language and its
    // vocabulary, so jobs are few: about eight per thread.
    let job = index
        .len()
        .div_ceil(rayon::current_num_threads() * 8)
        .max(64);
    (0..index.len())
        .into_par_iter()
        .with_min_len(job)
        .map_init(
            || index.scratch(),
            |scratch, local| index.rank(local, config.count, config, tuning, scratch),
        )
        .collect()
}

/// Where a version has too few same-language peers, its own ranking rests on
/// thin statistics; the original's ranking, mapped to the versions that exist
/// in this language, is a better guess (issue #4, "Languages").
fn apply_translation_fallback(
    docs: &[SimilarDoc<'_>],
    config: &SimilarConfig,
    tuning: &Tuning,
    indexes: &BTreeMap<&str, LangIndex>,
    out: &mut [Vec<Match>],
) {
    // (group, lang) → lowest doc index; group → original (lowest index).
    let mut version: HashMap<(usize, &str), usize> = HashMap::new();
    let mut original: HashMap<usize, usize> = HashMap::new();
    let mut group_langs: HashMap<(usize, &str), usize> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        version.entry((d.group, d.lang.as_str())).or_insert(i);
        *group_langs.entry((d.group, d.lang.as_str())).or_default() += 1;
        if d.original {
            original.entry(d.group).or_insert(i);
        }
    }
    let needs: Vec<(usize, usize)> = docs
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let lang_size = indexes.get(d.lang.as_str()).map_or(0, LangIndex::len);
            let peers = lang_size - group_langs[&(d.group, d.lang.as_str())];
            let &orig = original.get(&d.group)?;
            (peers < config.min_peers && orig != i && docs[orig].lang != d.lang)
                .then_some((i, orig))
        })
        .collect();
    let mapped: Vec<(usize, Vec<Match>)> = needs
        .par_iter()
        .map(|&(i, orig)| {
            let o_index = &indexes[docs[orig].lang.as_str()];
            // The original is in the index of its own language.
            let deep = o_index
                .rank_article(orig, tuning.fallback_depth, config, tuning)
                .unwrap_or_default();
            let lang = docs[i].lang.as_str();
            let mut list: Vec<Match> = deep
                .into_iter()
                .filter_map(|m| {
                    let &v = version.get(&(docs[m.doc].group, lang))?;
                    (v != i).then(|| {
                        let mut reasons = vec!["via original".to_owned()];
                        reasons.extend(m.reasons);
                        Match {
                            doc: v,
                            score: m.score,
                            reasons,
                        }
                    })
                })
                .collect();
            // Then whatever the language's own ranking found, without repeats.
            for own in &out[i] {
                if !list.iter().any(|m| m.doc == own.doc) {
                    list.push(own.clone());
                }
            }
            list.truncate(config.count);
            (i, list)
        })
        .collect();
    for (i, list) in mapped {
        out[i] = list;
    }
}

#[cfg(test)]
mod tests;
