//! Behaviour of the Markdown renderer on small bodies.

use quire_core::Severity;
use quire_markdown::{NoteItem, Placeholder, fill_placeholders, render};

fn filled(md: &str) -> String {
    let r = render(md);
    fill_placeholders(&r.html, |p| match p {
        Placeholder::Note(i) => format!("[N{i}]"),
        Placeholder::Link(i) => format!("/link{i}/"),
    })
}

#[test]
fn footnotes_are_numbered_in_reading_order_and_repeats_point_back() {
    let md = "One[^b] two[^a] three[^b].\n\n[^a]: Alpha.\n[^b]: Beta https://example.org/x.\n";
    let r = render(md);
    assert_eq!(r.notes.len(), 3);
    let labels: Vec<_> = r
        .notes
        .iter()
        .map(|n| match n {
            NoteItem::Footnote {
                label, repeat_of, ..
            } => (label.as_str(), *repeat_of),
            NoteItem::Cite { .. } => ("cite", None),
        })
        .collect();
    assert_eq!(labels, [("b", None), ("a", None), ("b", Some(0))]);
    let NoteItem::Footnote { html, .. } = &r.notes[0] else {
        panic!()
    };
    assert!(
        html.contains("<a href=\"https://example.org/x\">https://example.org/x</a>."),
        "{html}"
    );
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!(filled(md), "<p>One[N0] two[N1] three[N2].</p>\n");
}

#[test]
fn citations_become_note_items_merged_with_footnotes() {
    let md = "Claim [@doe2020, p. 4] and more[^x] and [see @a; @b].\n\n[^x]: Mine.\n";
    let r = render(md);
    assert_eq!(r.notes.len(), 3);
    match &r.notes[0] {
        NoteItem::Cite { cluster, .. } => {
            assert_eq!(cluster.items[0].key, "doe2020");
            assert_eq!(cluster.items[0].locator, "p. 4");
        }
        other => panic!("{other:?}"),
    }
    match &r.notes[2] {
        NoteItem::Cite { cluster, .. } => assert_eq!(cluster.items.len(), 2),
        other => panic!("{other:?}"),
    }
    assert_eq!(filled(md), "<p>Claim [N0] and more[N1] and [N2].</p>\n");
}

#[test]
fn ordinary_brackets_stay_text() {
    assert_eq!(filled("A [note] here."), "<p>A [note] here.</p>\n");
}

#[test]
fn undefined_and_unused_footnotes_are_reported_with_offsets() {
    let md = "Text[^missing].\n\n[^spare]: Never used.\n";
    let r = render(md);
    let errors: Vec<_> = r
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{:?}", r.problems);
    assert_eq!(errors[0].offset, 4);
    assert!(errors[0].message.contains("[^missing]"));
    assert!(
        r.problems
            .iter()
            .any(|p| p.severity == Severity::Warning && p.message.contains("[^spare]"))
    );
}

#[test]
fn headings_get_unique_transliterated_ids() {
    let r = render("## Türkiye ve Çin\n\n## Türkiye ve Çin\n\n### Own {#mine}\n\n## Россия\n");
    let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(
        ids,
        ["turkiye-ve-cin", "turkiye-ve-cin-1", "mine", "rossiya"]
    );
    assert!(r.html.contains("<h2 id=\"turkiye-ve-cin\">"));
}

#[test]
fn internal_links_become_placeholders() {
    let md = "See [the brief](@/analysis/water/index.md#risks) and [home](/).";
    let r = render(md);
    assert_eq!(r.links.len(), 1);
    assert_eq!(r.links[0].path, "analysis/water/index.md");
    assert_eq!(r.links[0].fragment.as_deref(), Some("risks"));
    assert_eq!(
        filled(md),
        "<p>See <a href=\"/link0/\">the brief</a> and <a href=\"/\">home</a>.</p>\n"
    );
}

#[test]
fn placeholder_characters_in_content_cannot_forge_placeholders() {
    let out = filled("x \u{E000}N0\u{E001} y");
    assert!(!out.contains("[N0]"), "{out}");
    assert!(out.contains("&#xE000;"));
}

#[test]
fn plain_text_excludes_notes_and_keeps_first_paragraph() {
    let r = render("First *para*[^1].\n\nSecond.\n\n[^1]: Hidden note.\n");
    assert_eq!(r.first_paragraph, "First para.");
    assert!(r.plain_text.contains("Second."));
    assert!(!r.plain_text.contains("Hidden"));
}

#[test]
fn tables_strikethrough_and_smart_punctuation() {
    let out = filled("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ \"new\"");
    assert!(out.contains("<table>"));
    assert!(out.contains("<del>old</del>"));
    assert!(out.contains("“new”"));
}

/// `(key, locator, in_text)` of each citation item.
fn cites(md: &str) -> Vec<(String, String, bool)> {
    render(md)
        .notes
        .iter()
        .filter_map(|n| match n {
            NoteItem::Cite { cluster, .. } => Some(
                cluster
                    .items
                    .iter()
                    .map(|i| (i.key.clone(), i.locator.clone(), cluster.in_text))
                    .collect::<Vec<_>>(),
            ),
            NoteItem::Footnote { .. } => None,
        })
        .flatten()
        .collect()
}

#[test]
fn narrative_citations_in_running_text() {
    let md = "As @karaca2019 [p. 4] shows, and @petrova2020 agrees.\n";
    assert_eq!(
        cites(md),
        [
            ("karaca2019".into(), "p. 4".into(), true),
            ("petrova2020".into(), String::new(), true)
        ]
    );
    assert_eq!(filled(md), "<p>As [N0] shows, and [N1] agrees.</p>\n");
    // A sentence's full stop is not part of the key.
    assert_eq!(filled("Read @doe2020."), "<p>Read [N0].</p>\n");
    // Without a space before the bracket too, and the text after it stays.
    assert_eq!(filled("See @doe2020[ch. 2] now."), "<p>See [N0] now.</p>\n");
    assert_eq!(cites("See @doe2020[ch. 2] now.")[0].1, "ch. 2");
}

#[test]
fn at_signs_that_are_not_citations_stay_text() {
    for md in [
        "Write to press@example.org today.",
        "Escaped \\@handle stays.",
        "A [link about @doe2020](https://example.org) is a link.",
        "`@code` is code.",
        "Price @ 5 dollars.",
    ] {
        assert!(cites(md).is_empty(), "{md}: {:?}", cites(md));
        assert!(!filled(md).contains("[N"), "{md}: {}", filled(md));
    }
    // A bracket with markup or a citation inside is no locator.
    let md = "As @doe2020 [see *this*] argues.";
    assert_eq!(cites(md), [("doe2020".into(), String::new(), true)]);
    assert!(
        filled(md).contains("[N0] [see <em>this</em>] argues"),
        "{}",
        filled(md)
    );
}
