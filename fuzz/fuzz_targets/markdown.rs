//! Markdown, notes and citations: `render` then `fill_placeholders` with
//! every placeholder resolved must not panic, and must leave no placeholder
//! character behind.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quire_markdown::{Placeholder, fill_placeholders, render};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let rendered = render(text);
    let notes = rendered.notes.len();
    let links = rendered.links.len();
    let html = fill_placeholders(&rendered.html, |p| match p {
        Placeholder::Note(i) => {
            assert!(i < notes, "note placeholder {i} of {notes}");
            format!("<sup>{i}</sup>")
        }
        Placeholder::Link(i) => {
            assert!(i < links, "link placeholder {i} of {links}");
            "/x/".to_string()
        }
    });
    assert!(
        !html.contains('\u{E000}') && !html.contains('\u{E001}'),
        "a placeholder character survived"
    );
    // Filling arbitrary text (forged placeholders included) must not panic.
    let _ = fill_placeholders(text, |_| String::new());
});
