//! Rendering per language with two real styles over the fixture
//! bibliography (BibLaTeX, CSL-JSON and Hayagriva YAML records mixed).

mod common;

use common::*;
use quire_cite::CiteOutput;

/// One note per fixture format: .bib book, .json book, .yaml report.
fn three_formats() -> Vec<quire_cite::NoteInput> {
    vec![
        cite("karaca2019", "p. 4"),
        cite("petrova2020", ""),
        cite("oduya2018", "ch. 2"),
    ]
}

#[test]
fn chicago_notes_in_english_turkish_and_russian() {
    let e = engine("chicago-notes");
    assert!(e.is_note_style());
    let cases = [
        (
            "en",
            [
                "Deniz Karaca and Owen Whitfield, Straits and Ledgers (Lantern House, 2019), 4.",
                "Lada Petrova, Grain Routes of the Steppe (Northwind Press, 2020).",
                "Kemi Oduya, Ferry Subsidies Reconsidered (Tidewater Institute, 2018), chap. 2.",
            ],
        ),
        (
            "tr",
            [
                "Deniz Karaca ve Owen Whitfield, Straits and Ledgers (Lantern House, 2019), 4.",
                "Lada Petrova, Grain Routes of the Steppe (Northwind Press, 2020).",
                "Kemi Oduya, Ferry Subsidies Reconsidered (Tidewater Institute, 2018), böl. 2.",
            ],
        ),
        (
            "ru",
            [
                "Deniz Karaca и Owen Whitfield, Straits and Ledgers (Lantern House, 2019), 4.",
                "Lada Petrova, Grain Routes of the Steppe (Northwind Press, 2020).",
                "Kemi Oduya, Ferry Subsidies Reconsidered (Tidewater Institute, 2018), гл. 2.",
            ],
        ),
    ];
    for (lang, expected) in cases {
        let p = run(&e, lang, &three_formats());
        let got: Vec<String> = htmls(&p).iter().map(|h| text(h)).collect();
        assert_eq!(got, expected, "{lang}");
        assert!(
            p.references_html.is_none(),
            "note styles print no list by default"
        );
        assert_eq!(p.cited_keys, ["karaca2019", "oduya2018", "petrova2020"]);
        assert!(htmls(&p)[0].contains("<i>Straits and Ledgers</i>"));
    }
}

#[test]
fn apa_gives_in_text_citations_and_a_reference_list() {
    let e = engine("apa");
    assert!(!e.is_note_style());
    for (lang, page, chapter) in [
        ("en", "p. 4", "Chapter 2"),
        ("tr", "s. 4", "Bölüm 2"),
        ("ru", "с. 4", "Глава 2"),
    ] {
        let p = run(&e, lang, &three_formats());
        assert!(
            p.outputs
                .iter()
                .all(|o| matches!(o, CiteOutput::InText { .. }))
        );
        let got: Vec<String> = htmls(&p).iter().map(|h| text(h)).collect();
        assert_eq!(
            got,
            [
                format!("(Karaca & Whitfield, 2019, {page})"),
                "(Petrova, 2020)".to_string(),
                format!("(Oduya, 2018, {chapter})"),
            ],
            "{lang}"
        );
        let refs = p.references_html.expect("APA prints references");
        assert!(refs.starts_with("<ul class=\"references\">"));
        let order: Vec<usize> = ["ref-karaca2019", "ref-oduya2018", "ref-petrova2020"]
            .iter()
            .map(|id| refs.find(id).unwrap())
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "sorted by author");
        assert!(
            text(&refs)
                .contains("Petrova, L. (2020). Grain Routes of the Steppe. Northwind Press.")
        );
    }
}

#[test]
fn chicago_author_date_and_short_notes_load() {
    let ad = engine("chicago-author-date");
    assert!(!ad.is_note_style());
    let p = run(&ad, "en", &[cite("karaca2019", "p. 4")]);
    assert_eq!(text(&htmls(&p)[0]), "(Karaca and Whitfield 2019, 4)");

    let short = engine("chicago-shortened-notes");
    assert!(short.is_note_style());
    let p = run(
        &short,
        "en",
        &[cite("karaca2019", "p. 4"), cite("karaca2019", "p. 5")],
    );
    // CMOS 18 short notes: no ibid., a short form for the repeat.
    assert_eq!(
        text(&htmls(&p)[1]),
        "Karaca and Whitfield, Straits and Ledgers, 5."
    );
    assert_eq!(ibid_of(&p), [None, None]);
}

#[test]
fn accessed_terms_dates_and_archive_links_per_language() {
    let e = engine("chicago-notes");
    let cases = [
        ("en", "accessed April 3, 2024", "archived"),
        ("tr", "erişim tarihi 03 Nisan 2024", "arşiv"),
        ("ru", "дата обращения 3 апреля 2024 г.", "архив"),
    ];
    for (lang, accessed, label) in cases {
        let p = run(&e, lang, &[cite("gridwatch2023", "")]);
        let html = &htmls(&p)[0];
        assert!(text(html).contains(accessed), "{lang}: {html}");
        assert!(
            html.contains(&format!(
                "<a class=\"cite-archive\" href=\"https://web.archive.org/web/20240403/https://example.org/loads?season=winter&amp;year=2023\">{label}</a>"
            )),
            "{lang}: {html}"
        );
        assert!(html.contains(
            "<a class=\"cite-url\" href=\"https://example.org/loads?season=winter&amp;year=2023\">"
        ));
    }
    let off = engine_with(
        quire_cite::CitationConfig {
            archive_links: false,
            ..Default::default()
        },
        Default::default(),
    );
    assert!(!htmls(&run(&off, "en", &[cite("gridwatch2023", "")]))[0].contains("web.archive.org"));
}

#[test]
fn titles_with_markup_characters_are_escaped() {
    for style in ["chicago-notes", "apa"] {
        let e = engine(style);
        let p = run(&e, "en", &[cite("tariffs2022", "")]);
        let all = format!(
            "{}{}",
            htmls(&p)[0],
            p.references_html.clone().unwrap_or_default()
        );
        assert!(!all.contains("<beta>"), "{style}: {all}");
        assert!(
            all.contains("Tariff Tracker &lt;beta&gt; &amp; &quot;Notes&quot;"),
            "{style}: {all}"
        );
    }
}

#[test]
fn prefixes_and_multi_item_notes() {
    let e = engine("chicago-notes");
    let mut see = cite_many(&[("karaca2019", "ch. 2"), ("morrow2021", "")]);
    if let quire_cite::NoteInput::Cite { cluster, .. } = &mut see {
        cluster.items[0].prefix = "see <also>".to_string();
    }
    let p = run(&e, "en", &[see]);
    let html = &htmls(&p)[0];
    assert!(
        html.starts_with("see &lt;also&gt; <span class=\"cite-item\">"),
        "{html}"
    );
    assert_eq!(
        text(html),
        "see <also> Deniz Karaca and Owen Whitfield, Straits and Ledgers (Lantern House, 2019), chap. 2; Ilse Morrow, “Harbour Tariffs After the Accord,” Review of Coastal Economies 8, no. 2 (2021): 101–24."
    );
}

#[test]
fn references_on_request_in_a_note_style_and_reference_strings() {
    let e = engine_with(
        quire_cite::CitationConfig {
            references: true,
            ..Default::default()
        },
        Default::default(),
    );
    let p = run(&e, "en", &[cite("morrow2021", "")]);
    assert!(
        text(&p.references_html.unwrap())
            .contains("Morrow, Ilse. “Harbour Tariffs After the Accord.”")
    );
    // A repeat after a multi-item note: the list holds each source once and
    // nothing else (no empty item for quire's hidden chain break).
    let p = run(
        &e,
        "en",
        &[
            cite_many(&[("morrow2021", ""), ("petrova2020", "")]),
            cite("morrow2021", "p. 3"),
        ],
    );
    let list = p.references_html.unwrap();
    assert_eq!(list.matches("<li").count(), 2, "{list}");
    assert!(!list.contains("chain-break"), "{list}");
    let strings = e.reference_strings(
        &bibliography(),
        &["petrova2020".into(), "nope".into(), "karaca2019".into()],
        "en",
    );
    assert_eq!(
        strings,
        [
            "Petrova, Lada. Grain Routes of the Steppe. Northwind Press, 2020.",
            "Karaca, Deniz, and Owen Whitfield. Straits and Ledgers. Lantern House, 2019."
        ]
    );
}

#[test]
fn narrative_citations_in_note_and_author_date_styles() {
    // A note style keeps the names in the text and puts the source in a note.
    let e = engine("chicago-notes");
    let p = run(
        &e,
        "en",
        &[
            narrative("karaca2019", "p. 4"),
            narrative("karaca2019", "p. 9"),
        ],
    );
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    let CiteOutput::NarrativeNote { lead, html, .. } = &p.outputs[0] else {
        panic!("{:?}", p.outputs[0])
    };
    assert_eq!(text(lead), "Deniz Karaca and Owen Whitfield");
    assert_eq!(
        text(html),
        "Deniz Karaca and Owen Whitfield, Straits and Ledgers (Lantern House, 2019), 4."
    );
    // The repeat is an ibid. note like any other.
    assert_eq!(ibid_of(&p)[1].as_deref(), Some("karaca2019"));

    // An author-date style writes the citation into the sentence.
    let apa = engine("apa");
    let p = run(&apa, "en", &[narrative("karaca2019", "p. 4")]);
    let CiteOutput::InText { html } = &p.outputs[0] else {
        panic!("{:?}", p.outputs[0])
    };
    assert_eq!(text(html), "Karaca & Whitfield (2019, p. 4)");
}

#[test]
fn an_unknown_narrative_name_stays_text_with_a_warning() {
    let e = engine("chicago-notes");
    let p = run(
        &e,
        "en",
        &[narrative("nytimes", ""), narrative("karaca2091", "p. 2")],
    );
    assert_eq!(htmls(&p), ["@nytimes", "@karaca2091 [p. 2]"]);
    assert!(
        p.diagnostics
            .iter()
            .all(|d| d.severity == quire_core::Severity::Warning),
        "{:?}",
        p.diagnostics
    );
    assert!(
        p.diagnostics[1]
            .message
            .contains("did you mean `@karaca2019`"),
        "{}",
        p.diagnostics[1].message
    );
}
