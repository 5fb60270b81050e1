//! Ibid. chains: consecutive, interrupted, with and without locators,
//! across hand-written notes, and multi-item notes that never take part.

mod common;

use std::collections::BTreeMap;

use common::*;
use quire_cite::{CitationConfig, CiteOutput, TermOverrides};

fn texts(p: &quire_cite::Processed) -> Vec<String> {
    htmls(p).iter().map(|h| text(h)).collect()
}

#[test]
fn consecutive_repeats_with_and_without_locators() {
    let e = engine("chicago-notes");
    let inputs = [
        cite("karaca2019", "p. 4"),
        cite("karaca2019", "p. 9"),
        cite("karaca2019", "p. 9"),
        cite("karaca2019", ""),
    ];
    let p = run(&e, "en", &inputs);
    let t = texts(&p);
    assert_eq!(t[1], "Ibid., 9.");
    assert_eq!(t[2], "Ibid.");
    // Without a locator after one with a locator: a short note (CSL "subsequent").
    assert_eq!(t[3], "Karaca and Whitfield, Straits and Ledgers.");
    let k = Some("karaca2019".to_string());
    assert_eq!(ibid_of(&p), [None, k.clone(), k, None]);
}

#[test]
fn ibid_terms_per_language_and_site_override() {
    let inputs = [
        cite("morrow2021", "p. 3"),
        cite("morrow2021", "p. 5"),
        cite("morrow2021", "p. 5"),
    ];
    for (lang, with_loc, bare) in [
        ("en", "Ibid., 5.", "Ibid."),
        ("tr", "a.g.e., 5.", "a.g.e."),
        ("ru", "Там же, 5.", "Там же."),
    ] {
        let t = texts(&run(&engine("chicago-notes"), lang, &inputs));
        assert_eq!((t[1].as_str(), t[2].as_str()), (with_loc, bare), "{lang}");
    }
    let overrides = BTreeMap::from([(
        "tr".to_string(),
        TermOverrides {
            ibid: Some("Aynı yer".into()),
            accessed: Some("Erişim".into()),
            archived: None,
        },
    )]);
    let e = engine_with(CitationConfig::default(), overrides);
    let t = texts(&run(&e, "tr", &inputs));
    assert_eq!(
        (t[1].as_str(), t[2].as_str()),
        ("Aynı yer, 5.", "Aynı yer.")
    );
    let t = texts(&run(&e, "tr", &[cite("gridwatch2023", "")]));
    assert!(t[0].contains("Erişim 03 Nisan 2024"), "{}", t[0]);
}

#[test]
fn another_source_interrupts_the_chain() {
    let e = engine("chicago-notes");
    let p = run(
        &e,
        "en",
        &[
            cite("karaca2019", "p. 4"),
            cite("morrow2021", ""),
            cite("karaca2019", "p. 4"),
        ],
    );
    assert_eq!(
        texts(&p)[2],
        "Karaca and Whitfield, Straits and Ledgers, 4."
    );
    assert_eq!(ibid_of(&p), [None, None, None]);
}

#[test]
fn multi_item_notes_never_produce_or_precede_ibid() {
    let e = engine("chicago-notes");
    let inputs = [
        cite("karaca2019", "p. 4"),
        cite_many(&[("karaca2019", "p. 4"), ("morrow2021", "")]),
        cite("morrow2021", ""),
        cite("morrow2021", ""),
    ];
    let p = run(&e, "en", &inputs);
    let t = texts(&p);
    assert!(!t[1].contains("Ibid"), "{}", t[1]);
    // hayagriva alone would call note 3 "Ibid." (same as the last item of note 2).
    assert_eq!(t[2], "Morrow, “Harbour Tariffs After the Accord.”");
    assert_eq!(t[3], "Ibid.");
    assert_eq!(
        ibid_of(&p),
        [None, None, None, Some("morrow2021".to_string())]
    );
}

#[test]
fn hand_written_notes_break_the_chain_unless_they_are_markers() {
    let e = engine("chicago-notes");
    let p = run(
        &e,
        "en",
        &[
            cite("karaca2019", "p. 4"),
            footnote("A remark of the author."),
            cite("karaca2019", "p. 4"),
        ],
    );
    assert_eq!(
        texts(&p)[2],
        "Karaca and Whitfield, Straits and Ledgers, 4."
    );

    let p = run(
        &e,
        "en",
        &[
            cite("karaca2019", "p. 4"),
            footnote("Ibid."),
            cite("karaca2019", "p. 4"),
        ],
    );
    assert_eq!(texts(&p)[1], "Ibid.");
    assert_eq!(texts(&p)[2], "Ibid.");
    let k = Some("karaca2019".to_string());
    assert_eq!(ibid_of(&p), [None, k.clone(), k]);
}

#[test]
fn plain_web_source_notes_resolve_markers_in_any_language() {
    let e = engine("chicago-notes");
    let web =
        "“Depot Prices”, Harbour Board, https://example.com/depot, (Date of Access: 03.04.2024)";
    let inputs = [
        footnote(web),
        footnote("Same place."),
        footnote("Aynı yer."),
        footnote("a.g.e."),
        footnote("ТАМ ЖЕ"),
        footnote("Another remark with no link."),
        footnote("Ibid."),
    ];
    let p = run(&e, "en", &inputs);
    let url = Some("https://example.com/depot".to_string());
    assert_eq!(
        ibid_of(&p),
        [None, url.clone(), url.clone(), url.clone(), url, None, None]
    );
    match &p.outputs[0] {
        CiteOutput::Note { html, sources, .. } => {
            assert_eq!(sources, &["https://example.com/depot"]);
            assert!(html.ends_with(
                " (<a class=\"cite-archive\" href=\"https://web.archive.org/web/20240403/https://example.com/depot\">archived</a>)"
            ));
        }
        other => panic!("{other:?}"),
    }
    // Markers keep the author's words unless normalisation is on.
    assert_eq!(texts(&p)[2], "Aynı yer.");
    assert_eq!(p.diagnostics.len(), 1, "{:?}", p.diagnostics);
    assert!(p.diagnostics[0].message.contains("no single source"));
    assert_eq!(p.diagnostics[0].severity, quire_core::Severity::Warning);

    let norm = engine_with(
        CitationConfig {
            normalize_ibid: true,
            ..Default::default()
        },
        BTreeMap::new(),
    );
    for (lang, term) in [("en", "Ibid."), ("tr", "a.g.e."), ("ru", "Там же.")] {
        let t = texts(&run(&norm, lang, &inputs[..3]));
        assert_eq!(t[1..], [term, term], "{lang}");
    }
}

#[test]
fn a_marker_after_a_multi_item_note_is_a_warning() {
    let e = engine("chicago-notes");
    let p = run(
        &e,
        "en",
        &[
            cite_many(&[("karaca2019", ""), ("morrow2021", "")]),
            footnote("Там же."),
        ],
    );
    assert_eq!(ibid_of(&p), [None, None]);
    assert_eq!(p.diagnostics.len(), 1);
}
