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

// --- #37: links, raw HTML, anchors -------------------------------------------

use quire_markdown::{RawHtml, render_with};

#[test]
fn script_links_and_images_are_not_written_and_are_reported() {
    let md = "A [tab](<JaVa\tscript:alert(1)>), [ent](&#106;avascript:x), [ok](https://e.org/), \
              ![img](data:image/png;base64,AA), [rel](../x/#y), <vbscript:msgbox(1)>, \
              [mail](mailto:a@b.org).\n\n[^1]\n\n[^1]: See [n](javascript:x) ![i](DATA:x).\n";
    for policy in [RawHtml::Sanitize, RawHtml::Trust] {
        let r = render_with(md, policy);
        for attr in r
            .html
            .split(" href=\"")
            .chain(r.html.split(" src=\""))
            .skip(1)
        {
            let url = attr.split('"').next().unwrap();
            assert!(
                quire_core::link::is_allowed_link(url),
                "{url} in {}",
                r.html
            );
        }
        assert!(!r.html.contains("href=\"javascript") && !r.html.contains("src=\"data"));
        assert!(
            r.html.contains("<a href=\"https://e.org/\">ok</a>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<a href=\"../x/#y\">rel</a>"), "{}", r.html);
        assert!(r.html.contains("<a href=\"mailto:a@b.org\">mail</a>"));
        assert!(r.html.contains(" tab,") && r.html.contains(" ent,") && r.html.contains(" img,"));
        let NoteItem::Footnote { html: note, .. } = &r.notes[0] else {
            panic!()
        };
        assert_eq!(note, "<p>See n i.</p>\n");
        let removed: Vec<(usize, &str)> = r
            .problems
            .iter()
            .map(|p| (p.offset, p.message.as_str()))
            .collect();
        assert_eq!(removed.len(), 6, "{removed:#?}");
        assert!(r.problems.iter().all(|p| p.severity == Severity::Warning));
        assert_eq!(removed[0].0, md.find("[tab]").unwrap());
        assert!(
            removed[0]
                .1
                .starts_with("link to `JaVa\tscript:alert(1)` removed, its text kept")
        );
        assert!(
            removed[2]
                .1
                .starts_with("image `data:image/png;base64,AA` removed")
        );
        assert!(removed.iter().any(
            |(at, m)| *at == md.find("[n]").unwrap() && m.starts_with("link to `javascript:x`")
        ));
    }
}

#[test]
fn raw_html_is_sanitized_by_default_and_trusted_on_request() {
    let md = "Text <span class=\"x\" onclick=\"alert(1)\">s</span>.[^1]\n\n\
              <script>alert(2)</script>\n\n\
              <div class=\"box\">\n\n**Inside** [x](@/a/b.md).\n\n</div>\n\n\
              ## Head {#h .c onclick=alert(3) lang=tr}\n\n\
              [^1]: Note <img src=x onerror=alert(4)>.\n";
    let r = render(md);
    let all = format!("{}{:?}", r.html, r.notes);
    assert!(!all.contains("alert"), "{all}");
    assert!(r.html.contains("<span class=\"x\">s</span>"), "{}", r.html);
    assert!(
        r.html
            .contains("<div class=\"box\">\n<p><strong>Inside</strong>"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("<h2 id=\"h\" class=\"c\" lang=\"tr\">"),
        "{}",
        r.html
    );
    assert_eq!(filled(md).matches("[N0]").count(), 1);
    assert_eq!(filled(md).matches("/link0/").count(), 1);
    let NoteItem::Footnote { html: note, .. } = &r.notes[0] else {
        panic!()
    };
    assert_eq!(note, "<p>Note <img src=\"x\">.</p>\n");
    let messages: Vec<&str> = r.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(messages.len(), 4, "{messages:#?}");
    for (needle, at) in [
        ("`onclick` removed from raw HTML <span>", "<span"),
        ("<script> removed with its content", "<script"),
        ("`onclick` removed from a heading", "## Head"),
        ("`onerror` removed from raw HTML <img>", "<img"),
    ] {
        assert!(
            r.problems
                .iter()
                .any(|p| p.message.contains(needle) && p.offset == md.find(at).unwrap()),
            "{needle} at {at}: {:#?}",
            r.problems
        );
    }

    let trusted = render_with(md, RawHtml::Trust);
    assert!(trusted.html.contains("<script>alert(2)</script>"));
    assert!(trusted.html.contains("onclick=\"alert(1)\""));
    assert!(trusted.problems.is_empty(), "{:?}", trusted.problems);
}

#[test]
fn a_body_without_raw_html_is_not_touched_by_the_sanitizer() {
    let md = "# T\n\n\"Quotes\" & <https://e.org/?a=1&b=2> `code \"x\"`\n\n\
              | a | b |\n|:--|--:|\n| 1 | 2 |\n\n![i](p.png \"t\")\n\n```rust\nlet a = \"<b>\";\n```\n";
    assert_eq!(render(md).html, render_with(md, RawHtml::Trust).html);
    assert!(render(md).problems.is_empty());
}

#[test]
fn equal_headings_get_the_same_ids_as_before_in_linear_time() {
    let md = "## A {#a-1}\n\n## A\n\n## A\n\n## A 1\n\n## A\n";
    let ids: Vec<String> = render(md).headings.into_iter().map(|h| h.id).collect();
    assert_eq!(ids, ["a-1", "a", "a-2", "a-1-1", "a-3"]);

    // 10,000 equal headings took 7.4 s (quadratic); now well under a second
    // in a release build, a few in a debug one.
    let md = "## Same\n\ntext\n\n".repeat(10_000);
    let started = std::time::Instant::now();
    let r = render(&md);
    let took = started.elapsed();
    assert_eq!(r.headings[0].id, "same");
    assert_eq!(r.headings[9_999].id, "same-9999");
    assert_eq!(r.anchors.len(), 10_000);
    assert!(took < std::time::Duration::from_secs(5), "{took:?}");
}
