//! "Cite this analysis" and the exports, parsed back and compared field by
//! field with the article.

mod common;

use common::*;
use quire_cite::{ArticleRef, export_bibtex, export_csl_json, export_ris};

fn article() -> ArticleRef {
    ArticleRef {
        title: "Ports & Power: <Black Sea> \"Routes\" {50%}".into(),
        authors: vec!["Ayşe Nur Yılmaz".into(), "Ivan Sokolov".into()],
        date: (2024, 3, 7),
        updated: Some((2024, 5, 1)),
        url: "https://example.org/analysis/ports/?a=1&b=2".into(),
        publisher: "Center for Policy Studies".into(),
        lang: "en".into(),
        section: "analysis".into(),
        key: "cps-ports-2024".into(),
    }
}

#[test]
fn bibtex_parses_back_with_the_biblatex_crate() {
    let a = article();
    let bib = biblatex::Bibliography::parse(&export_bibtex(&a)).unwrap();
    let e = bib.get("cps-ports-2024").unwrap();
    let field = |name: &str| {
        let chunks = e.get(name).unwrap_or_else(|| panic!("{name}"));
        biblatex::ChunksExt::format_verbatim(chunks)
    };
    assert_eq!(e.entry_type, biblatex::EntryType::Online);
    assert_eq!(field("title"), a.title);
    assert_eq!(field("organization"), a.publisher);
    assert_eq!(field("url"), a.url);
    assert_eq!(field("date"), "2024-03-07");
    assert_eq!(field("langid"), "en");
    let authors = e.author().unwrap();
    assert_eq!(authors.len(), 2);
    assert_eq!(
        (authors[0].name.as_str(), authors[0].given_name.as_str()),
        ("Yılmaz", "Ayşe Nur")
    );
    assert_eq!(
        (authors[1].name.as_str(), authors[1].given_name.as_str()),
        ("Sokolov", "Ivan")
    );
}

#[test]
fn ris_lines_carry_every_field() {
    let a = article();
    let ris = export_ris(&a);
    let lines: Vec<(&str, &str)> = ris
        .lines()
        .map(|l| {
            assert_eq!(&l[2..6], "  - ", "{l}");
            (&l[..2], l[6..].trim_end())
        })
        .collect();
    let get = |tag: &str| {
        lines
            .iter()
            .filter(|(t, _)| *t == tag)
            .map(|(_, v)| *v)
            .collect::<Vec<_>>()
    };
    assert_eq!(lines.first(), Some(&("TY", "ELEC")));
    assert_eq!(lines.last(), Some(&("ER", "")));
    assert_eq!(get("TI"), [a.title.as_str()]);
    assert_eq!(get("AU"), ["Yılmaz, Ayşe Nur", "Sokolov, Ivan"]);
    assert_eq!(get("PY"), ["2024"]);
    assert_eq!(get("DA"), ["2024/03/07/"]);
    assert_eq!(get("PB"), [a.publisher.as_str()]);
    assert_eq!(get("UR"), [a.url.as_str()]);
    assert_eq!(get("LA"), ["en"]);
    assert_eq!(get("N1"), ["Updated 2024-05-01"]);
}

#[test]
fn csl_json_parses_back_and_reads_as_a_bibliography() {
    let a = article();
    let json = export_csl_json(&a);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let item = &v[0];
    assert_eq!(item["id"], a.key.as_str());
    assert_eq!(item["title"], a.title.as_str());
    assert_eq!(item["URL"], a.url.as_str());
    assert_eq!(item["container-title"], a.publisher.as_str());
    assert_eq!(item["language"], "en");
    assert_eq!(
        item["issued"]["date-parts"],
        serde_json::json!([[2024, 3, 7]])
    );
    assert_eq!(
        item["author"][0],
        serde_json::json!({"family": "Yılmaz", "given": "Ayşe Nur"})
    );
    assert_eq!(
        item["author"][1],
        serde_json::json!({"family": "Sokolov", "given": "Ivan"})
    );
    // The export is itself a usable bibliography file.
    let bib = quire_cite::Bibliography::parse("cite.json", &json).unwrap();
    assert!(bib.contains("cps-ports-2024"));
}

#[test]
fn cite_this_analysis_is_styled_localized_and_escaped() {
    let a = article();
    let en = engine("chicago-notes").cite_article(&a, "en");
    assert!(
        en.contains("Ports &amp; Power: &lt;Black Sea&gt; &quot;Routes&quot; {50%}"),
        "{en}"
    );
    assert!(!en.contains("<Black Sea>"));
    assert!(
        text(&en).starts_with("Yılmaz, Ayşe Nur, and Ivan Sokolov."),
        "{}",
        text(&en)
    );
    assert!(text(&en).contains("March 7, 2024"), "{}", text(&en));
    assert!(en.contains("href=\"https://example.org/analysis/ports/?a=1&amp;b=2\""));
    let tr = engine("chicago-notes").cite_article(&a, "tr");
    assert!(text(&tr).contains("7 Mart 2024"), "{}", text(&tr));
    let ru = engine("apa").cite_article(&a, "ru");
    assert!(
        text(&ru).starts_with("Yılmaz, A. N., & Sokolov, I. (2024, март 7)."),
        "{}",
        text(&ru)
    );
}
