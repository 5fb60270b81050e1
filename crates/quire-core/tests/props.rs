//! Property tests for slugs: ASCII, idempotent, never empty-or-traversal.

use proptest::prelude::*;
use quire_core::slugify;

/// Text mixing Latin, Turkish, Cyrillic, punctuation, path characters and
/// controls, the things authors and importers actually feed to slugs.
fn messy_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            "[a-zA-Z0-9 ]{1,6}",
            "[çğıİöşüÇĞÖŞÜ]{1,3}",
            "[а-яА-ЯёЁ]{1,4}",
            Just("../".to_string()),
            Just("/".to_string()),
            Just("\\".to_string()),
            Just("'".to_string()),
            Just(".".to_string()),
            Just("\u{202E}".to_string()),
            Just("\0".to_string()),
            any::<char>().prop_map(String::from),
        ],
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #[test]
    fn slugs_are_ascii_lowercase_words(text in messy_text()) {
        let slug = slugify(&text);
        prop_assert!(slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{slug:?}");
        prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"), "{slug:?}");
    }

    #[test]
    fn slugs_are_idempotent(text in messy_text()) {
        let once = slugify(&text);
        prop_assert_eq!(slugify(&once), once);
    }

    #[test]
    fn slugs_are_never_traversal(text in messy_text()) {
        let slug = slugify(&text);
        // Empty means "no slug"; callers must fall back, so it may never be
        // mistaken for a path: no dots, slashes or separators can appear.
        prop_assert!(slug != "." && slug != ".." && !slug.contains('/') && !slug.contains('.'), "{slug:?}");
        if text.chars().any(|c| c.is_ascii_alphanumeric()) {
            prop_assert!(!slug.is_empty(), "{text:?} lost its letters");
        }
    }

    #[test]
    fn slugs_are_stable_across_calls(text in messy_text()) {
        prop_assert_eq!(slugify(&text), slugify(&text.clone()));
    }
}
