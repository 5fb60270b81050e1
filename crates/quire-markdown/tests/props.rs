//! Property tests for rendering: deterministic, no panic on any input, and
//! placeholders only where the renderer put them.

use proptest::prelude::*;
use quire_markdown::{Placeholder, fill_placeholders, render};

/// Markdown-ish text: notes, citations, links, nesting, raw HTML, and the
/// private-use characters placeholders are made of.
fn markdownish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            "[a-zA-Zçğıİöşü а-я]{1,8}",
            Just("[^1]".to_string()),
            Just("\n\n[^1]: note ".to_string()),
            Just("[@key, p. 4]".to_string()),
            Just("[see @a; @b]".to_string()),
            Just("[x](@/a/b.md#c)".to_string()),
            Just("\n> ".to_string()),
            Just("\n- ".to_string()),
            Just("\n  - ".to_string()),
            Just("*".to_string()),
            Just("`".to_string()),
            Just("\n## ".to_string()),
            Just("<script>".to_string()),
            Just("&amp;".to_string()),
            Just("\u{E000}N0\u{E001}".to_string()),
            Just("\u{E000}".to_string()),
            Just("\r\n".to_string()),
            any::<char>().prop_map(String::from),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

/// Fills every placeholder with a marker naming it.
fn filled(markdown: &str) -> String {
    let r = render(markdown);
    fill_placeholders(&r.html, |p| match p {
        Placeholder::Note(i) => format!("[N{i}]"),
        Placeholder::Link(i) => format!("/L{i}/"),
    })
}

proptest! {
    #[test]
    fn rendering_is_deterministic(text in markdownish()) {
        let a = render(&text);
        let b = render(&text);
        prop_assert_eq!(&a.html, &b.html);
        prop_assert_eq!(&a.plain_text, &b.plain_text);
        prop_assert_eq!(a.notes.len(), b.notes.len());
        prop_assert_eq!(filled(&text), filled(&text));
    }

    #[test]
    fn placeholders_point_at_real_items(text in markdownish()) {
        let r = render(&text);
        let (notes, links) = (r.notes.len(), r.links.len());
        let mut bad = Vec::new();
        let html = fill_placeholders(&r.html, |p| {
            match p {
                Placeholder::Note(i) if i >= notes => bad.push(p),
                Placeholder::Link(i) if i >= links => bad.push(p),
                _ => {}
            }
            String::new()
        });
        prop_assert!(bad.is_empty(), "forged or dangling placeholders {bad:?} in {:?}", r.html);
        prop_assert!(!html.contains('\u{E000}') && !html.contains('\u{E001}'), "{html:?}");
    }

}

/// Regression (#11, found by `placeholders_point_at_real_items`): placeholder
/// characters in raw HTML, inline code, link destinations, heading ids and a
/// fenced code block's language must not turn into note markers or links.
#[test]
fn placeholders_cannot_be_forged_from_raw_html_code_or_links() {
    for text in [
        "<script>\u{E000}N0\u{E001}",
        "<b>\u{E000}L0\u{E001}</b>",
        "`\u{E000}N0\u{E001}`",
        "[x](/a\u{E000}N0\u{E001} \"t\u{E000}N0\u{E001}\")",
        "## H {#h\u{E000}N0\u{E001}}",
        "```\u{E000}N0\u{E001}A",
        "~~~ py\u{E000}L0\u{E001}\ncode\n~~~",
    ] {
        let r = render(text);
        let mut forged = 0;
        let _ = fill_placeholders(&r.html, |_| {
            forged += 1;
            String::new()
        });
        assert_eq!(forged, 0, "{text:?} rendered as {:?}", r.html);
    }
}
