//! Shared helpers for the integration tests: the fixture bibliography in
//! all three formats, and builders for note inputs.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;

use quire_cite::{
    Bibliography, CitationConfig, CitationEngine, CiteOutput, NoteInput, Processed, TermOverrides,
};
use quire_core::{CiteCluster, CiteItem, SourceText};

/// A fixture file's text.
pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

/// sources.bib + extra.json + more.yaml merged.
pub fn bibliography() -> Bibliography {
    let mut bib = Bibliography::parse("bibliography/sources.bib", &fixture("sources.bib")).unwrap();
    bib.merge(Bibliography::parse("bibliography/extra.json", &fixture("extra.json")).unwrap());
    bib.merge(Bibliography::parse("bibliography/more.yaml", &fixture("more.yaml")).unwrap());
    bib
}

/// An engine with `style` and default settings.
pub fn engine(style: &str) -> CitationEngine {
    engine_with(
        CitationConfig {
            style: style.to_string(),
            ..CitationConfig::default()
        },
        BTreeMap::new(),
    )
}

/// An engine with full settings.
pub fn engine_with(
    config: CitationConfig,
    overrides: BTreeMap<String, TermOverrides>,
) -> CitationEngine {
    CitationEngine::new(&config, Path::new("."), overrides).unwrap()
}

/// `[@key, locator]`.
pub fn cite(key: &str, locator: &str) -> NoteInput {
    cite_many(&[(key, locator)])
}

/// `@key [locator]` in running text.
pub fn narrative(key: &str, locator: &str) -> NoteInput {
    NoteInput::Cite {
        cluster: CiteCluster {
            items: vec![CiteItem {
                key: key.to_string(),
                prefix: String::new(),
                locator: locator.to_string(),
                suppress_author: false,
            }],
            in_text: true,
        },
        line: 1,
    }
}

/// `[@a, loc; @b, loc]`.
pub fn cite_many(items: &[(&str, &str)]) -> NoteInput {
    NoteInput::Cite {
        cluster: CiteCluster {
            items: items
                .iter()
                .map(|(k, l)| CiteItem {
                    key: k.to_string(),
                    prefix: String::new(),
                    locator: l.to_string(),
                    suppress_author: false,
                })
                .collect(),
            in_text: false,
        },
        line: 1,
    }
}

/// A hand-written footnote whose HTML is its escaped text.
pub fn footnote(text: &str) -> NoteInput {
    NoteInput::Footnote {
        html: quire_cite::escape(text),
        text: text.to_string(),
        line: 1,
    }
}

/// Processes `inputs` against the fixture bibliography.
pub fn run(engine: &CitationEngine, lang: &str, inputs: &[NoteInput]) -> Processed {
    let src = "Body text.\n";
    engine.process(
        lang,
        &bibliography(),
        inputs,
        "content/a/index.md",
        &SourceText::new(src),
    )
}

/// The inner HTML of each output.
pub fn htmls(p: &Processed) -> Vec<String> {
    p.outputs
        .iter()
        .map(|o| match o {
            CiteOutput::Note { html, .. } | CiteOutput::InText { html } => html.clone(),
            CiteOutput::NarrativeNote { lead, html, .. } => format!("{lead} | {html}"),
        })
        .collect()
}

/// Tags stripped, entities decoded: what a reader sees.
pub fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// What each note is an ibid. of.
pub fn ibid_of(p: &Processed) -> Vec<Option<String>> {
    p.outputs
        .iter()
        .map(|o| match o {
            CiteOutput::Note { ibid_of, .. } | CiteOutput::NarrativeNote { ibid_of, .. } => {
                ibid_of.clone()
            }
            CiteOutput::InText { .. } => None,
        })
        .collect()
}
