//! Property test: an ibid. note always stands for the source of the note
//! right before it, never for a later one.

mod common;

use common::*;
use proptest::prelude::*;
use quire_cite::{CiteOutput, NoteInput};

const KEYS: [&str; 4] = ["karaca2019", "morrow2021", "gridwatch2023", "petrova2020"];

/// A random note: a citation with or without a locator, a multi-item
/// citation, a hand-written ibid. marker, a web source, or plain text.
fn note() -> impl Strategy<Value = NoteInput> {
    prop_oneof![
        (
            0..KEYS.len(),
            prop_oneof![Just(""), Just("p. 4"), Just("p. 9")]
        )
            .prop_map(|(k, loc)| cite(KEYS[k], loc)),
        (0..KEYS.len(), 0..KEYS.len())
            .prop_map(|(a, b)| cite_many(&[(KEYS[a], ""), (KEYS[b], "p. 2")])),
        prop_oneof![
            Just("Ibid."),
            Just("a.g.e."),
            Just("Там же."),
            Just("Ibid., 7.")
        ]
        .prop_map(footnote),
        prop_oneof![
            Just("“Port survey”, https://example.org/a, (Date of access: 02.05.2024)."),
            Just("See https://example.org/b."),
        ]
        .prop_map(footnote),
        "[a-z ]{1,20}".prop_map(|t| footnote(&t)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn ibid_never_points_forward(
        inputs in proptest::collection::vec(note(), 1..12),
        lang in prop_oneof![Just("en"), Just("tr"), Just("ru")],
    ) {
        let p = run(&engine("chicago-notes"), lang, &inputs);
        prop_assert_eq!(p.outputs.len(), inputs.len());
        let mut previous: Option<Vec<String>> = None;
        for (i, out) in p.outputs.iter().enumerate() {
            if let CiteOutput::Note { sources, ibid_of, .. } = out {
                if let Some(target) = ibid_of {
                    let before = previous.as_ref();
                    prop_assert!(
                        before.is_some_and(|s| s == std::slice::from_ref(target)),
                        "note {i} is ibid. of {target:?} but the note before cites {before:?}"
                    );
                }
                // What this note stands for, for the next one.
                previous = Some(match ibid_of {
                    Some(t) => vec![t.clone()],
                    None => sources.clone(),
                });
            }
        }
    }

    #[test]
    fn processing_is_deterministic(inputs in proptest::collection::vec(note(), 1..8)) {
        let e = engine("chicago-notes");
        prop_assert_eq!(run(&e, "en", &inputs), run(&e, "en", &inputs));
    }
}
