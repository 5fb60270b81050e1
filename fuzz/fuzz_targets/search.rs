//! Search: the tokenizer for each language and the index writer over
//! documents made from the input must not panic; token offsets must point at
//! character boundaries of the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quire_search::{SearchDoc, build_index};
use quire_text::Analyzer;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lang = match data.first().map(|b| b % 4) {
        Some(0) => "en",
        Some(1) => "tr",
        Some(2) => "ru",
        _ => "xx",
    };
    let analyzer = Analyzer::new(lang);
    for token in analyzer.tokens(text) {
        assert!(
            text.get(token.offset..).is_some_and(|rest| rest.starts_with(&token.surface)),
            "token {:?} not at offset {}",
            token.surface,
            token.offset
        );
    }
    // Split the input into a few documents so cross-document paths run.
    let docs: Vec<SearchDoc> = text
        .split('\u{1}')
        .take(8)
        .enumerate()
        .map(|(i, part)| {
            let mut lines = part.lines();
            SearchDoc {
                url: format!("/a/{i}/"),
                title: lines.next().unwrap_or_default().to_string(),
                highlights: lines.next().map(str::to_string).into_iter().collect(),
                body: lines.collect::<Vec<_>>().join("\n").into(),
                authors: vec!["A. Writer".into()],
                section: "Analysis".into(),
                tags: vec![part.chars().take(12).collect()],
                date: "2024-01-01".into(),
            }
        })
        .collect();
    for file in build_index(lang, &docs) {
        assert!(!file.path.starts_with('/') && !file.path.contains(".."), "{}", file.path);
    }
});
