//! Measures ranking quality on a generated corpus with known topic clusters:
//! precision@5 of quire's ranking against a tags-only baseline (Hugo-style
//! related content: the more shared taxonomy terms, the more related).
//!
//! Usage: `similar-eval [ARTICLES_PER_LANGUAGE] [SEED]` (defaults 3000, 7).
//! An article counts as relevant when it shares the query's primary topic.

#[path = "shared/synth.rs"]
mod synth;

use std::collections::HashMap;

use quire_similar::{Match, SimilarConfig, SimilarDoc, Tuning, rank_all, rank_all_with};

const K: usize = 5;

fn main() {
    let mut args = std::env::args().skip(1);
    let per_lang: usize = match args.next().map(|a| a.parse()) {
        None => 3000,
        Some(Ok(n)) => n,
        Some(Err(e)) => usage(&format!("ARTICLES_PER_LANGUAGE: {e}")),
    };
    let seed: u64 = match args.next().map(|a| a.parse()) {
        None => 7,
        Some(Ok(n)) => n,
        Some(Err(e)) => usage(&format!("SEED: {e}")),
    };
    let spec = synth::Spec::default();
    println!(
        "corpus: {per_lang} articles per language, {} topics, {:.0}% mixed, {:.0}% boilerplate, \
         right tag {:.0}%, wrong tag {:.0}%, seed {seed}",
        spec.topics,
        spec.mixed * 100.0,
        spec.boilerplate * 100.0,
        spec.tag_right * 100.0,
        spec.tag_wrong * 100.0
    );
    println!(
        "{:<5} {:>10} {:>10} {:>10} {:>10}",
        "lang", "quire", "exact", "text-only", "tags-only"
    );
    for lang in ["en", "tr", "ru"] {
        let corpus = synth::generate(per_lang, &[lang], &spec, seed);
        let config = SimilarConfig::default();
        let quire = precision(&corpus, &rank_all(&corpus.docs, &config));
        let exhaustive = Tuning {
            exhaustive_below: usize::MAX,
            ..Tuning::default()
        };
        let exact = precision(&corpus, &rank_all_with(&corpus.docs, &config, &exhaustive));
        let text_only = SimilarConfig {
            tags: 0.0,
            authors: 0.0,
            section: 0.0,
            ..config
        };
        let text = precision(&corpus, &rank_all(&corpus.docs, &text_only));
        let tags = precision(&corpus, &tags_only(&corpus.docs));
        println!("{lang:<5} {quire:>10.3} {exact:>10.3} {text:>10.3} {tags:>10.3}");
    }
    println!("quire: default ranking (inverted-index candidates); exact: every pair scored;");
    println!("text-only: text weight only; tags-only: count of shared taxonomy terms.");

    // How much the (deliberately noisy) taxonomy signal should weigh.
    let corpus = synth::generate(per_lang, &["en"], &spec, seed);
    println!("\nen, weight sweep (text 1.0):");
    println!(
        "{:>6} {:>8} {:>8} {:>10}",
        "tags", "authors", "section", "precision"
    );
    for (tags, authors, section) in [
        (0.0, 0.0, 0.0),
        (0.05, 0.02, 0.01),
        (0.1, 0.03, 0.02),
        (0.2, 0.05, 0.03),
        (0.3, 0.1, 0.05),
    ] {
        let config = SimilarConfig {
            tags,
            authors,
            section,
            ..SimilarConfig::default()
        };
        let p = precision(&corpus, &rank_all(&corpus.docs, &config));
        println!("{tags:>6.2} {authors:>8.2} {section:>8.2} {p:>10.3}");
    }
}

fn usage(msg: &str) -> ! {
    eprintln!("similar-eval: {msg}\nusage: similar-eval [ARTICLES_PER_LANGUAGE] [SEED]");
    std::process::exit(2)
}

/// Mean share of the top K that share the query's primary topic (a missing
/// slot counts as a miss).
fn precision(corpus: &synth::Corpus, ranked: &[Vec<Match>]) -> f64 {
    let total: usize = ranked
        .iter()
        .enumerate()
        .map(|(i, ms)| {
            ms.iter()
                .take(K)
                .filter(|m| corpus.topic[m.doc] == corpus.topic[i])
                .count()
        })
        .sum();
    total as f64 / (K * ranked.len()) as f64
}

/// Hugo-like related content: score = shared taxonomy terms; ties newer first, then URL.
fn tags_only(docs: &[SimilarDoc<'_>]) -> Vec<Vec<Match>> {
    let mut postings: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        for t in &d.terms {
            postings.entry(t.as_str()).or_default().push(i);
        }
    }
    (0..docs.len())
        .map(|i| {
            let mut shared: HashMap<usize, usize> = HashMap::new();
            for t in &docs[i].terms {
                for &j in &postings[t.as_str()] {
                    if j != i && docs[j].lang == docs[i].lang {
                        *shared.entry(j).or_default() += 1;
                    }
                }
            }
            let mut list: Vec<(usize, usize)> = shared.into_iter().collect();
            list.sort_by(|a, b| {
                b.1.cmp(&a.1)
                    .then_with(|| docs[b.0].date.cmp(&docs[a.0].date))
                    .then_with(|| docs[a.0].url.cmp(&docs[b.0].url))
            });
            list.into_iter()
                .take(K)
                .map(|(doc, n)| Match {
                    doc,
                    score: n as f64,
                    reasons: Vec::new(),
                })
                .collect()
        })
        .collect()
}
