//! The index format and ranking, read back from the files `build_index`
//! writes, on a small corpus per language with known answers.

mod support;

use quire_search::{SearchDoc, build_index};
use support::{Reader, corpus, decode};

fn top(reader: &Reader, query: &str) -> Vec<String> {
    reader.search(query).into_iter().map(|(u, _)| u).collect()
}

#[test]
fn turkish_inflected_forms_find_the_stem() {
    let r = Reader::build("tr", &corpus("tr"));
    // "güvenliği", "güvenliğini", "güvenliğine" all stem to "güvenlik".
    for form in ["güvenliği", "güvenliğini", "güvenliğine", "güvenlik"] {
        let rec = r
            .term_record(form)
            .unwrap_or_else(|| panic!("{form} not indexed"));
        assert_eq!(rec[0], "güvenlik", "{form}");
    }
    let hits = top(&r, "güvenlik");
    assert_eq!(hits.len(), 2, "{hits:?}");
    // Title, highlight and body matches outrank title and body.
    assert_eq!(hits[0], "/tr/analysis/enerji-guvenligi/");
    assert_eq!(hits[1], "/tr/commentary/siber/");
    // Turkish capitals fold with Turkish rules, apostrophe suffixes drop.
    assert_eq!(top(&r, "GÜVENLİĞİ"), hits);
    assert_eq!(top(&r, "Çin'in")[0], "/tr/analysis/cin-ticaret/");
    assert_eq!(top(&r, "İstanbul'da"), ["/tr/analysis/enerji-guvenligi/"]);
}

#[test]
fn russian_inflected_forms_find_the_stem() {
    let r = Reader::build("ru", &corpus("ru"));
    // Snowball gives "китай", "китаем" → "кита" but "китая" → "кит": the
    // index keeps each form's stem (the browser joins stems that differ by
    // one final letter, see tests/js).
    assert_eq!(r.term_record("китай").expect("китай")[0], "кита");
    assert_eq!(r.term_record("китая").expect("китая")[0], "кит");
    assert_eq!(r.term_record("китаем").expect("китаем")[0], "кита");
    let hits = top(&r, "Китая");
    assert_eq!(hits.len(), 2, "{hits:?}");
    // Title match first.
    assert_eq!(hits[0], "/ru/analysis/kitai-torgovlya/");
    assert_eq!(top(&r, "безопасности"), ["/ru/analysis/bezopasnost/"]);
    assert_eq!(top(&r, "энергетическая"), ["/ru/analysis/bezopasnost/"]);
    // ё and е are one letter for Russian lookups.
    assert_eq!(
        r.term_record("объём").expect("объём")[0],
        r.term_record("объем").expect("объем")[0]
    );
}

#[test]
fn english_ranking_prefers_title_and_tags() {
    let r = Reader::build("en", &corpus("en"));
    let hits = reader_scores(&r, "security");
    assert_eq!(hits[0].0, "/analysis/port-security/");
    assert_eq!(hits.len(), 1);
    assert_eq!(top(&r, "policies")[..2].len(), 2);
    // Authors are searchable.
    assert_eq!(top(&r, "Roe"), ["/analysis/china-trade/"]);
    // Multi-word queries are AND.
    assert_eq!(top(&r, "running budgets"), ["/commentary/running-costs/"]);
    assert!(top(&r, "running china").is_empty());
}

fn reader_scores(r: &Reader, q: &str) -> Vec<(String, u64)> {
    r.search(q)
}

#[test]
fn field_boosts_order_title_above_body() {
    let mk = |url: &str, title: &str, body: &str| SearchDoc {
        url: url.into(),
        title: title.into(),
        body: body.to_string().into(),
        date: "2024-01-01".into(),
        ..SearchDoc::default()
    };
    let docs = vec![
        mk(
            "/a/",
            "Harbour news",
            "The lighthouse keeper retired. Fishing boats stay home.",
        ),
        mk("/b/", "Lighthouse", "Fishing boats stay home today."),
        mk("/c/", "Weather", "Boats stay home."),
    ];
    let r = Reader::build("en", &docs);
    assert_eq!(top(&r, "lighthouse"), ["/b/", "/a/"]);
    let scores = r.search("lighthouse");
    assert!(scores[0].1 > scores[1].1);
    // A rarer term scores higher than a common one (idf).
    let fishing = r.search("fishing")[0].1;
    let boats = r.search("boats")[0].1;
    assert!(fishing > boats, "fishing {fishing} boats {boats}");
}

#[test]
fn manifest_describes_shards_docs_and_facets() {
    let r = Reader::build("tr", &corpus("tr"));
    let m = &r.manifest;
    assert_eq!(m["v"], 1);
    assert_eq!(m["lang"], "tr");
    assert_eq!(m["docs"], 4);
    assert_eq!(m["shards"][0][0], "");
    let sections = &m["facets"]["section"]["values"];
    assert_eq!(sections, &serde_json::json!([["Analiz", 3], ["Yorum", 1]]));
    assert_eq!(
        m["facets"]["year"]["values"],
        serde_json::json!([["2025", 1], ["2024", 1], ["2023", 1], ["2022", 1]])
    );
    assert_eq!(
        m["facets"]["author"]["values"][0],
        serde_json::json!(["Ayşe Yılmaz", 2])
    );
    // Accent folding table covers the Turkish letters seen.
    assert_eq!(m["fold"]["ı"], "i");
    assert_eq!(m["fold"]["ğ"], "g");
    assert_eq!(m["fold"]["ç"], "c");
    // Stop words seen are listed so the browser can skip them.
    assert!(
        m["stop"]
            .as_array()
            .expect("stop")
            .iter()
            .any(|s| s == "ve")
    );
    // Documents are ordered newest first; filter lists are delta-coded ids.
    assert_eq!(r.fragment(0)["url"], "/tr/analysis/enerji-guvenligi/");
    let filters = r.file(m["facets"]["section"]["file"].as_str().expect("file"));
    assert_eq!(
        filters,
        serde_json::json!([["Analiz", [0, 1, 2]], ["Yorum", [2]]])
    );
}

#[test]
fn files_are_hashed_gzip_and_deterministic() {
    let docs = corpus("ru");
    let a = build_index("ru", &docs);
    let mut reversed = docs.clone();
    reversed.reverse();
    let b = build_index("ru", &reversed);
    assert_eq!(a, b, "input order must not change the output");
    for f in &a {
        assert!(f.path.starts_with("search/ru/"), "{}", f.path);
        if f.path.ends_with("manifest.json") {
            continue;
        }
        assert!(f.path.ends_with(".json.gz"), "{}", f.path);
        assert_eq!(&f.bytes[..2], &[0x1f, 0x8b], "{} is gzip", f.path);
        // The name is the hash of the content: decoding works and a changed
        // document changes some names.
        decode(f);
    }
    let mut changed = docs.clone();
    changed[0].body.to_mut().push_str(" Новое предложение.");
    let c = build_index("ru", &changed);
    let names = |v: &[quire_search::SearchFile]| -> Vec<String> {
        v.iter().map(|f| f.path.clone()).collect()
    };
    assert_ne!(names(&a), names(&c));
}

#[test]
fn empty_and_odd_input_does_not_panic() {
    let files = build_index("tr", &[]);
    assert_eq!(files.len(), 1);
    let m = decode(&files[0]);
    assert_eq!(m["docs"], 0);
    assert_eq!(m["shards"], serde_json::json!([]));
    let odd = SearchDoc {
        url: "/x/".into(),
        title: "'''".into(),
        body: "— … ‘’ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀".into(),
        date: "bad".into(),
        ..SearchDoc::default()
    };
    let files = build_index("xx", &[odd]);
    let m = decode(
        files
            .iter()
            .find(|f| f.path.ends_with("manifest.json"))
            .expect("manifest"),
    );
    assert_eq!(m["docs"], 1);
    assert!(m["facets"].get("year").is_none());
}

#[test]
fn large_corpus_is_split_into_small_shards() {
    let docs: Vec<SearchDoc> = (0..300)
        .map(|i| SearchDoc {
            url: format!("/d{i}/"),
            title: format!("Belge {i}"),
            body: (0..80)
                .map(|j| format!("kelime{}x{} ", (i * 7 + j) % 997, j % 13))
                .collect(),
            date: "2024-01-01".into(),
            ..SearchDoc::default()
        })
        .collect();
    let r = Reader::build("tr", &docs);
    let shards = r.manifest["shards"].as_array().expect("shards");
    assert!(shards.len() > 3, "{} shards", shards.len());
    let firsts: Vec<&str> = shards.iter().map(|s| s[0].as_str().expect("key")).collect();
    let mut sorted = firsts.clone();
    sorted.sort();
    assert_eq!(firsts, sorted);
    // Every form is found through the shard table.
    let hits = r.search("kelime5x5");
    assert!(!hits.is_empty());
    for (url, _) in &hits {
        let id: usize = url[2..url.len() - 1].parse().expect("id");
        assert!(
            (0..80).any(|j| (id * 7 + j) % 997 == 5 && j % 13 == 5),
            "{url}"
        );
    }
    assert_eq!(
        r.manifest["docmap"]["files"].as_array().expect("d").len(),
        2
    );
    assert_eq!(
        r.fragment(299)["url"].as_str().map(|u| u.starts_with("/d")),
        Some(true)
    );
}

#[test]
fn counted_words_give_the_same_files() {
    for lang in ["tr", "ru", "en"] {
        let docs = corpus(lang);
        // Counted in reverse order with one document left to segment, so
        // the rows are matched by number and not by position.
        let fields: Vec<Vec<quire_text::FieldText>> = docs
            .iter()
            .rev()
            .map(|d| {
                let mut f = vec![(0, d.title.as_str())];
                f.extend(d.highlights.iter().map(|h| (1, h.as_str())));
                f.push((2, &*d.body));
                f
            })
            .collect();
        let counts = quire_text::WordCounts::count(quire_search::COUNTED_FIELDS, &fields);
        let counted: Vec<Option<usize>> = (0..docs.len())
            .map(|i| (i != 1).then_some(docs.len() - 1 - i))
            .collect();
        let with_counts = quire_search::build_index_counted(lang, &docs, &counts, &counted);
        let plain = build_index(lang, &docs);
        assert_eq!(with_counts.len(), plain.len(), "{lang}");
        for (a, b) in with_counts.iter().zip(&plain) {
            assert_eq!(a.path, b.path, "{lang}");
            assert!(a.bytes == b.bytes, "{lang}: {} differs", a.path);
        }
    }
}
