//! Table-style tests of the analysis pipeline with en/tr/ru edge cases.

use super::*;

/// (surface, folded, term) triples of every token of `text`.
fn triples(lang: &str, text: &str) -> Vec<(String, String, Option<String>)> {
    Analyzer::new(lang)
        .tokens(text)
        .into_iter()
        .map(|t| (t.surface, t.folded, t.term))
        .collect()
}

#[test]
fn fold_is_language_aware() {
    let cases = [
        // (lang, word, folded)
        ("tr", "İSTANBUL", "istanbul"),
        ("tr", "IĞDIR", "ığdır"),
        ("tr", "Isparta", "ısparta"),
        ("tr", "ılık", "ılık"),
        // Outside Turkish, I is i and İ loses its combining dot.
        ("en", "Isparta", "isparta"),
        ("en", "İstanbul", "istanbul"),
        ("ru", "ЁЖИК", "ёжик"),
        ("ru", "Москва", "москва"),
        ("de", "STRASSE", "strasse"),
        ("en", "already", "already"),
    ];
    for (lang, word, want) in cases {
        assert_eq!(Analyzer::new(lang).fold(word), want, "{lang} {word}");
    }
}

#[test]
fn turkish_apostrophe_suffix_is_dropped_from_the_term() {
    let a = Analyzer::new("tr");
    let cases = [
        ("Ankara'da", "Ankara"),
        ("İstanbul’dan", "İstanbul"),
        ("NATO'nun", "NATO"),
        ("Türkiye'nin", "Türkiye"),
        ("AB’ye", "AB"),
    ];
    for (inflected, bare) in cases {
        let toks = a.tokens(inflected);
        assert_eq!(toks.len(), 1, "{inflected}: {toks:?}");
        assert_eq!(toks[0].surface, inflected, "surface keeps the suffix");
        assert_eq!(toks[0].folded, a.fold(bare), "{inflected}");
        // The inflected form and the bare noun index under one term.
        assert_eq!(a.terms(inflected), a.terms(bare), "{inflected}");
    }
    assert_eq!(a.tokens("Ankara'da")[0].folded, "ankara");
    assert_eq!(a.tokens("İstanbul’dan")[0].folded, "istanbul");
    assert_eq!(a.terms("İstanbul’dan"), ["istanbul"]);
}

#[test]
fn english_keeps_apostrophes_for_the_stemmer() {
    let a = Analyzer::new("en");
    assert_eq!(a.terms("Putin’s"), ["putin"]);
    assert_eq!(a.terms("Putin's"), ["putin"]);
    assert_eq!(a.terms("O'Brien"), ["o'brien"]);
    assert_eq!(a.terms("don't"), Vec::<String>::new());
}

#[test]
fn token_table() {
    // (surface, folded, term)
    type Row<'a> = (&'a str, &'a str, Option<&'a str>);
    let cases: &[(&str, &str, &[Row])] = &[
        (
            "en",
            "The U.S. trade-disputes, 2024: 3.5%!",
            &[
                ("The", "the", None),
                ("U.S", "u.s", Some("u.s")),
                ("trade", "trade", Some("trade")),
                ("disputes", "disputes", Some("disput")),
                ("2024", "2024", Some("2024")),
                ("3.5", "3.5", Some("3.5")),
            ],
        ),
        (
            "tr",
            "Su anlaşmazlığı ve ticaret, %3,5 büyüdü.",
            &[
                ("Su", "su", Some("su")),
                ("anlaşmazlığı", "anlaşmazlığı", Some("anlaşmazlık")),
                ("ve", "ve", None),
                ("ticaret", "ticaret", Some("ticaret")),
                ("3,5", "3,5", Some("3,5")),
                ("büyüdü", "büyüdü", Some("büyüdü")),
            ],
        ),
        (
            "ru",
            "Ещё она: Северо-Западный регион и NATO, 2024 год.",
            &[
                ("Ещё", "ещё", None),
                ("она", "она", None),
                ("Северо", "северо", Some("север")),
                ("Западный", "западный", Some("западн")),
                ("регион", "регион", Some("регион")),
                ("и", "и", None),
                ("NATO", "nato", Some("nato")),
                ("2024", "2024", Some("2024")),
                ("год", "год", Some("год")),
            ],
        ),
    ];
    for (lang, text, want) in cases {
        let got = triples(lang, text);
        let want: Vec<_> = want
            .iter()
            .map(|(s, f, t)| (s.to_string(), f.to_string(), t.map(str::to_string)))
            .collect();
        assert_eq!(got, want, "{lang}: {text}");
    }
}

#[test]
fn offsets_point_at_the_surface() {
    let text = "«Анкара» — İstanbul’dan 3,5 km";
    for lang in ["en", "tr", "ru"] {
        for t in Analyzer::new(lang).tokens(text) {
            assert_eq!(&text[t.offset..t.offset + t.surface.len()], t.surface);
        }
    }
}

#[test]
fn russian_yo_matches_ye() {
    let a = Analyzer::new("ru");
    assert!(a.is_stop_word("её"));
    assert!(a.is_stop_word("ее"));
    assert!(a.is_stop_word("ещё"));
    assert_eq!(a.terms("Ёлка"), a.terms("елка"));
    assert_eq!(a.terms("России Россия"), ["росс", "росс"]);
}

#[test]
fn stop_words_per_language() {
    let cases = [
        ("en", "the", true),
        ("en", "trade", false),
        ("tr", "ve", true),
        ("tr", "için", true),
        ("tr", "ticaret", false),
        ("ru", "что", true),
        ("ru", "торговля", false),
        // English stop words are not Turkish ones and vice versa.
        ("tr", "the", false),
        ("en", "ve", false),
        ("xx", "the", false),
    ];
    for (lang, word, want) in cases {
        assert_eq!(
            Analyzer::new(lang).is_stop_word(word),
            want,
            "{lang} {word}"
        );
    }
}

#[test]
fn unknown_languages_fold_but_do_not_stem() {
    let a = Analyzer::new("xx");
    assert_eq!(a.terms("Häuser Straße"), ["häuser", "straße"]);
    assert_eq!(a.lang(), "xx");
    // Snowball knows German: stemming applies.
    assert_eq!(Analyzer::new("de-AT").terms("Häuser"), ["haus"]);
    assert_eq!(Analyzer::new("").terms("Words"), ["words"]);
}

#[test]
fn mixed_scripts_and_punctuation() {
    assert_eq!(
        Analyzer::new("ru").terms("Договор START-3 и «Газпром»…"),
        ["договор", "start", "3", "газпр"]
    );
    assert_eq!(
        Analyzer::new("en").terms("— … !? ' ’"),
        Vec::<String>::new()
    );
    assert_eq!(Analyzer::new("tr").terms("'"), Vec::<String>::new());
}

#[test]
fn ascii_fold_table() {
    let cases = [
        ("çin", "cin"),
        ("güvenlik", "guvenlik"),
        ("ığdır", "igdir"),
        ("şişli", "sisli"),
        ("straße", "strasse"),
        ("ёж", "еж"),
        ("йод", "йод"),
        ("e\u{301}lan", "elan"),
        ("2024", "2024"),
    ];
    for (word, want) in cases {
        assert_eq!(ascii_fold(word), want, "{word}");
    }
}

#[test]
fn is_numeric_table() {
    assert!(is_numeric("2024"));
    assert!(is_numeric("3,5"));
    assert!(!is_numeric("g20"));
    assert!(!is_numeric("covid"));
}

#[test]
fn analyzer_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Analyzer>();
}

#[test]
fn words_and_token_compose_to_tokens() {
    let text = "Ankara'da 3,5 milyon ve İSTANBUL’dan";
    let a = Analyzer::new("tr");
    let composed: Vec<Token> = a
        .words(text)
        .filter_map(|(offset, w)| a.token(w, offset))
        .collect();
    assert_eq!(composed, a.tokens(text));
    assert_eq!(composed.len(), 5);
    assert_eq!(composed[3].term, None, "ve is a stop word");
    assert_eq!(a.token("'", 0), None);
}
