//! Ranking tests: a hand-written fixture with an obvious answer, plus the
//! guarantees (determinism, no self-match, language isolation, translation
//! fallback, tie-breaking) and the `[similar]` table.

use super::*;

fn doc(lang: &str, url: &str, title: &str, body: &str) -> SimilarDoc<'static> {
    SimilarDoc {
        lang: lang.into(),
        title: title.into(),
        body: body.to_string().into(),
        section: "analysis".into(),
        date: "2024-01-01".into(),
        url: url.into(),
        ..SimilarDoc::default()
    }
}

/// Three articles on one bilateral relationship and one on something else.
fn fixture() -> Vec<SimilarDoc<'static>> {
    let mut docs = vec![
        doc(
            "en",
            "/a/",
            "Kazakhstan and Kyrgyzstan bargain over the Chu river",
            "Every spring the Chu river brings the same argument between Bishkek and Astana. \
             Kyrgyz reservoirs hold back water in winter to run turbines, while Kazakh farmers \
             downstream need irrigation in summer. The two governments signed a water-sharing \
             protocol in the nineties, yet maintenance costs for the dams remain unpaid. \
             Kazakh officials now link the reservoir schedule to customs relief on the border, \
             where Kyrgyz trucks wait for days. Negotiators in Bishkek say that water and trade \
             belong in separate talks, but farmers on both banks of the Chu expect one deal \
             that covers the canals, the turbines and the border crossings.",
        ),
        doc(
            "en",
            "/b/",
            "Border queues strain Kyrgyz-Kazakh trade",
            "Long queues of Kyrgyz trucks at the Kazakh border have become a symbol of uneasy \
             trade between the neighbours. Astana tightened phytosanitary checks on Kyrgyz \
             fruit and vegetables, and Bishkek called the measure a disguised trade barrier. \
             Both states belong to the Eurasian Economic Union, whose customs rules should \
             keep the border open. Kyrgyz exporters estimate losses in the millions each \
             season. Some analysts in Bishkek connect the inspections to the dispute over \
             water releases from Kyrgyz reservoirs on the Chu and Talas rivers, arguing that \
             Astana uses the border as leverage in the water talks.",
        ),
        doc(
            "en",
            "/c/",
            "Talas water commission: a model for Kazakhstan and Kyrgyzstan?",
            "The joint commission on the Chu and Talas rivers is often praised as a rare \
             success in Central Asian water cooperation. Kazakhstan pays a share of the \
             upkeep of Kyrgyz dams and canals, and in return Kyrgyzstan releases reservoir \
             water for Kazakh irrigation. Yet the commission has no say over trade or border \
             crossings, and its budget depends on annual negotiation between Astana and \
             Bishkek. When customs disputes flare, payments for dam maintenance slow down. \
             Experts suggest widening the commission's mandate so that water, energy and \
             border trade are discussed together by the two neighbours.",
        ),
        doc(
            "en",
            "/d/",
            "Chile's lithium boom and the Atacama salt flats",
            "Mining companies in northern Chile pump brine from beneath the Atacama salt \
             flats to extract lithium for batteries. Indigenous communities worry that the \
             evaporation ponds lower groundwater and threaten flamingo habitats. Santiago \
             has proposed a national lithium strategy that gives a state company control of \
             new contracts, which investors fear will slow production. Meanwhile copper \
             still dominates Chilean exports, and the government hopes lithium revenue will \
             fund schools and hospitals in the desert regions of Antofagasta.",
        ),
    ];
    docs[0].terms = vec!["tags/water".into(), "regions/central-asia".into()];
    docs[1].terms = vec!["tags/trade".into(), "regions/central-asia".into()];
    docs[2].terms = vec!["tags/water".into()];
    docs[3].terms = vec!["tags/mining".into()];
    for (i, d) in docs.iter_mut().enumerate() {
        d.group = i;
        d.original = true;
    }
    docs
}

fn urls(docs: &[SimilarDoc<'_>], matches: &[Match]) -> Vec<String> {
    matches.iter().map(|m| docs[m.doc].url.clone()).collect()
}

#[test]
fn unrelated_article_ranks_last_for_each_related_one() {
    let docs = fixture();
    let ranked = rank_all(&docs, &SimilarConfig::default());
    for (i, matches) in ranked.iter().take(3).enumerate() {
        let got = urls(&docs, matches);
        assert_eq!(got.len(), 3, "{i}: {got:?}");
        assert_eq!(got[2], "/d/", "{i}: {got:?}");
        assert!(matches[2].score < matches[1].score / 2.0, "{matches:?}");
    }
    // The explanation names shared words and taxonomy terms.
    let a_to_c = ranked[0].iter().find(|m| m.doc == 2).expect("c matches a");
    assert!(
        a_to_c.reasons.iter().any(|r| r == "tags: water"),
        "{a_to_c:?}"
    );
    assert!(
        a_to_c.reasons.iter().any(|r| r == "water" || r == "chu"),
        "{a_to_c:?}"
    );
}

#[test]
fn inverted_index_path_agrees_on_the_fixture() {
    let docs = fixture();
    let tuning = Tuning {
        exhaustive_below: 0,
        ..Tuning::default()
    };
    let exact = rank_all(&docs, &SimilarConfig::default());
    let indexed = rank_all_with(&docs, &SimilarConfig::default(), &tuning);
    for i in 0..3 {
        // The unrelated article shares no strong term, so the index may not
        // even propose it; the related ones come first in the same order.
        assert_eq!(indexed[i][..2], exact[i][..2], "{i}");
        assert!(indexed[i].len() == 2 || indexed[i][2].doc == 3, "{i}");
    }
}

/// A small multi-topic corpus generated from fixed word lists.
fn corpus(n: usize, lang: &str) -> Vec<SimilarDoc<'static>> {
    let topics = [
        ["water", "river", "dam", "irrigation", "reservoir", "basin"],
        ["trade", "tariff", "export", "customs", "border", "quota"],
        [
            "election",
            "ballot",
            "campaign",
            "parliament",
            "vote",
            "party",
        ],
        ["energy", "pipeline", "gas", "oil", "refinery", "grid"],
    ];
    (0..n)
        .map(|i| {
            let t = &topics[i % topics.len()];
            let words: Vec<&str> = (0..40).map(|k| t[(i * 7 + k * 3) % t.len()]).collect();
            let mut d = doc(
                lang,
                &format!("/{lang}/{i}/"),
                &format!("{} {}", t[i % 6], t[(i + 1) % 6]),
                &format!("{} report number {i}", words.join(" ")),
            );
            d.group = i;
            d.original = true;
            d.date = format!("2024-01-{:02}", 1 + i % 28);
            d
        })
        .collect()
}

#[test]
fn deterministic_across_runs_and_thread_counts() {
    let docs = corpus(600, "en");
    let config = SimilarConfig::default();
    let first = rank_all(&docs, &config);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let single = pool.install(|| rank_all(&docs, &config));
    assert_eq!(first, single);
    assert_eq!(first, rank_all(&docs, &config));
}

#[test]
fn never_matches_itself_or_its_group_and_respects_count() {
    let mut docs = corpus(500, "en");
    // Two versions of one article in the same language must not match each other.
    docs[1].group = 0;
    let config = SimilarConfig {
        count: 7,
        ..SimilarConfig::default()
    };
    for tuning in [
        Tuning::default(),
        Tuning {
            exhaustive_below: 0,
            ..Tuning::default()
        },
    ] {
        let ranked = rank_all_with(&docs, &config, &tuning);
        for (i, matches) in ranked.iter().enumerate() {
            assert_eq!(matches.len(), 7, "{i}");
            for m in matches {
                assert_ne!(m.doc, i);
                assert_ne!(docs[m.doc].group, docs[i].group, "{i} → {}", m.doc);
            }
            // Same-topic articles (same index modulo 4) come first.
            assert_eq!(m_topic(matches[0].doc), m_topic(i), "{i}");
        }
    }
}

fn m_topic(i: usize) -> usize {
    i % 4
}

#[test]
fn never_links_into_another_language() {
    let mut docs = corpus(40, "en");
    // Same words, other language codes: identical text must still not cross.
    docs.extend(corpus(40, "tr"));
    docs.extend(corpus(40, "ru"));
    for (i, d) in docs.iter_mut().enumerate() {
        d.group = i;
    }
    let ranked = rank_all(&docs, &SimilarConfig::default());
    for (i, matches) in ranked.iter().enumerate() {
        assert_eq!(matches.len(), 5);
        for m in matches {
            assert_eq!(docs[m.doc].lang, docs[i].lang, "{i} → {}", m.doc);
        }
    }
}

#[test]
fn sparse_translation_borrows_the_original_ranking() {
    // Four English articles; two of them (the fixture's /a/ and /b/) and the
    // unrelated /d/ exist in Russian too.
    let mut docs = fixture();
    let ru = |of: usize, url: &str, title: &str, body: &str| {
        let mut d = doc("ru", url, title, body);
        d.group = of;
        d.original = false;
        d
    };
    let ru_a = ru(0, "/ru/a/", "Казахстан и Киргизия", "Вода реки Чу и литий.");
    let ru_b = ru(1, "/ru/b/", "Очереди на границе", "Торговля и таможня.");
    let ru_d = ru(3, "/ru/d/", "Литий в Чили", "Литий, литий и вода реки Чу.");
    docs.extend([ru_a, ru_b, ru_d]);
    let ranked = rank_all(&docs, &SimilarConfig::default());
    // By their own (thin) Russian text /ru/a/ resembles /ru/d/ most, but the
    // English original ranks /b/ above /d/, and that order is carried over.
    let got = urls(&docs, &ranked[4]);
    assert_eq!(got, ["/ru/b/", "/ru/d/"]);
    assert_eq!(ranked[4][0].reasons[0], "via original");
    // Without the fallback the thin text decides.
    let own = rank_all(
        &docs,
        &SimilarConfig {
            min_peers: 0,
            ..SimilarConfig::default()
        },
    );
    assert_eq!(urls(&docs, &own[4])[0], "/ru/d/");
    // English keeps its own ranking and never sees Russian.
    assert!(ranked[0].iter().all(|m| docs[m.doc].lang == "en"));
}

#[test]
fn ties_break_by_newer_date_then_url() {
    let body = "Reservoir releases and irrigation quotas along the river basin.";
    let mut docs = vec![
        doc("en", "/q/", "River basin quotas", body),
        doc("en", "/z-old/", "River basin quotas", body),
        doc("en", "/b-new/", "River basin quotas", body),
        doc("en", "/a-new/", "River basin quotas", body),
        doc("en", "/x/", "Unrelated", "Lithium mining in the desert."),
    ];
    docs[1].date = "2023-05-01".into();
    docs[2].date = "2024-06-01".into();
    docs[3].date = "2024-06-01".into();
    for (i, d) in docs.iter_mut().enumerate() {
        d.group = i;
    }
    let ranked = rank_all(&docs, &SimilarConfig::default());
    assert_eq!(
        urls(&docs, &ranked[0])[..3],
        ["/a-new/", "/b-new/", "/z-old/"]
    );
    assert_eq!(ranked[0][0].score, ranked[0][2].score);
}

#[test]
fn config_defaults_and_strictness() {
    let c: SimilarConfig = toml::from_str("count = 3").expect("parses");
    assert_eq!(
        c,
        SimilarConfig {
            count: 3,
            ..SimilarConfig::default()
        }
    );
    let err = toml::from_str::<SimilarConfig>("cuont = 3").expect_err("unknown key");
    assert!(err.to_string().contains("cuont"), "{err}");
    let off = SimilarConfig {
        count: 0,
        ..SimilarConfig::default()
    };
    assert!(rank_all(&fixture(), &off).iter().all(Vec::is_empty));
}

/// The one-pass index (each article segmented once, words counted per
/// chunk, each distinct word analysed once) gives the vectors a plain
/// token-by-token computation gives (issue #4, "Scale").
#[test]
fn one_pass_vectors_match_a_plain_computation() {
    use std::collections::HashMap;

    let mut docs = fixture();
    let mut ru = doc(
        "ru",
        "/ru/x/",
        "Ёлка и «ёлки»: вода реки Чу",
        "Вода, вода и ещё раз вода — т.е. реки Чу и Талас; 2024 год.",
    );
    ru.highlights = vec!["Реки Чу и Талас".into()];
    let tr = |url: &str, body: &str| doc("tr", url, "Ankara’da su", body);
    docs.extend([
        ru.clone(),
        ru,
        tr("/tr/a/", "Ankara’nın suyu, NATO'nun kararı ve İstanbul."),
        tr("/tr/b/", "Suyu ve barajı: İstanbul'da ÇİFTÇİ çiftçiler."),
    ]);
    let tuning = Tuning {
        vector_terms: 6,
        ..Tuning::default()
    };
    for lang in ["en", "ru", "tr"] {
        let members: Vec<usize> = (0..docs.len()).filter(|&i| docs[i].lang == lang).collect();
        let index = index::LangIndex::build(&docs, None, lang, members.clone(), &tuning);
        let analyzer = quire_text::Analyzer::new(lang);
        // Term counts with field boosts, straight from Analyzer::terms.
        let counts: Vec<HashMap<String, u32>> = members
            .iter()
            .map(|&g| {
                let d = &docs[g];
                let mut counts = HashMap::new();
                let mut add = |text: &str, boost: u32| {
                    for term in analyzer.terms(text) {
                        if !quire_text::is_numeric(&term) && term.chars().nth(1).is_some() {
                            *counts.entry(term).or_insert(0) += boost;
                        }
                    }
                };
                add(&d.title, tuning.title_boost);
                d.highlights
                    .iter()
                    .for_each(|h| add(h, tuning.highlights_boost));
                add(&d.body, 1);
                counts
            })
            .collect();
        let mut df: HashMap<&str, u32> = HashMap::new();
        for c in &counts {
            for t in c.keys() {
                *df.entry(t).or_insert(0) += 1;
            }
        }
        let n = members.len() as f64;
        for (local, c) in counts.iter().enumerate() {
            let mut terms: Vec<(&str, f64)> = c
                .iter()
                .map(|(t, &k)| {
                    let idf = ((n + 1.0) / f64::from(df[t.as_str()])).ln();
                    (t.as_str(), (1.0 + f64::from(k).ln()) * idf)
                })
                .collect();
            // In term order, as the index sums the length.
            terms.sort_by(|a, b| a.0.cmp(b.0));
            let norm = terms.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
            let mut kept: Vec<f64> = terms
                .iter()
                .filter(|(t, _)| df[t] >= 2)
                .map(|&(_, w)| w)
                .collect();
            kept.sort_by(|a, b| b.total_cmp(a));
            kept.truncate(tuning.vector_terms);
            let mut want: Vec<f32> = kept.iter().map(|w| (w / norm) as f32).collect();
            let mut got: Vec<f32> = index.vector(local).iter().map(|e| e.1).collect();
            want.sort_by(f32::total_cmp);
            got.sort_by(f32::total_cmp);
            assert_eq!(got, want, "{lang} {local}");
        }
    }
}

#[test]
fn counted_words_rank_exactly_like_segmenting() {
    let mut docs = corpus(900, "en");
    docs.extend(corpus(300, "tr"));
    // Highlights and non-ASCII words take the boosted and the slow paths.
    for (i, d) in docs.iter_mut().enumerate() {
        d.highlights = vec![format!("Güvenlik {} ve su", i % 5), "Вода и газ".into()];
    }
    let config = SimilarConfig::default();
    let fields: Vec<Vec<quire_text::FieldText>> = docs
        .iter()
        .map(|d| {
            let mut f = vec![(0, d.title.as_str())];
            f.extend(d.highlights.iter().map(|h| (1, h.as_str())));
            f.push((2, &*d.body));
            f
        })
        .collect();
    let counts = quire_text::WordCounts::count(COUNTED_FIELDS, &fields);
    let counted = rank_all_counted(&docs, &counts, &config);
    assert_eq!(counted, rank_all(&docs, &config));
    assert!(counted.iter().all(|m| !m.is_empty()));
}

#[test]
fn one_article_from_a_language_index_ranks_as_rank_all_does() {
    // Enough articles that candidates come from the inverted index, and a
    // second language that the English index must leave out.
    let mut docs = corpus(500, "en");
    docs.extend(corpus(40, "tr").into_iter().map(|mut d| {
        d.group += 1000;
        d
    }));
    let config = SimilarConfig::default();
    let all = rank_all(&docs, &config);
    let en = LanguageIndex::build(&docs, "en");
    assert_eq!(en.len(), 500);
    for i in [0, 1, 57, 499] {
        let one = en.rank_one(i, &config).expect("an English article");
        assert_eq!(one.len(), config.count, "{i}");
        assert_eq!(one, all[i], "{i}");
    }
    assert_eq!(en.rank_one(500, &config), None, "a Turkish article");
    assert_eq!(en.rank_one(docs.len(), &config), None, "past the end");
    assert!(LanguageIndex::build(&docs, "ru").is_empty());
}
