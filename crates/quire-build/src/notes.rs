//! Derive: one page's note markers, citations and internal links, turned
//! into the final body HTML and the numbered notes list.
//!
//! Hand-written footnotes and citation notes share one numbering in reading
//! order; in an author-date style citations stay in the text instead.

use quire_cite::{Bibliography, CitationEngine, CiteOutput, NoteInput};
use quire_core::{Diagnostic, SourceText};
use quire_markdown::{NoteItem, Placeholder, fill_placeholders};
use quire_site::Page;
use serde::Serialize;

/// One numbered note as the article template shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct NoteView {
    /// Its number, from 1.
    pub n: usize,
    /// Inner HTML.
    pub html: String,
    /// Ids of the markers that point to it (`fnref-3`, `fnref-3-2`).
    pub backrefs: Vec<String>,
    /// For an ibid. note, the source it resolves to.
    pub ibid_of: Option<String>,
    /// The keys or URLs it cites.
    pub sources: Vec<String>,
}

/// A page's body after notes and links are resolved.
#[derive(Debug, Clone, Default)]
pub struct PageBody {
    /// What replaces each note placeholder of the parsed body (index-aligned
    /// with `rendered.notes`): a numbered marker, an in-text citation or
    /// nothing.
    markers: Vec<String>,
    /// Numbered notes.
    pub notes: Vec<NoteView>,
    /// Reference list HTML, if the style or configuration asks for one.
    pub references_html: Option<String>,
    /// Bibliography keys cited, in order of first citation.
    pub cited_keys: Vec<String>,
    /// Each cited source as plain text in the page language (Highwire
    /// `citation_reference`, JSON-LD `citation`).
    pub references: Vec<String>,
}

impl PageBody {
    /// The final body HTML of `page` (the page this body was resolved
    /// for); `base_path` as given to [`resolve`]. Made when asked rather
    /// than kept: a site holds every page's parsed body already, and a
    /// second copy per page would double that.
    pub fn html(&self, page: &Page, base_path: &str) -> String {
        fill_placeholders(&page.rendered.html, |p| match p {
            Placeholder::Note(i) => self.markers.get(i).cloned().unwrap_or_default(),
            Placeholder::Link(i) => link_url(page, i, base_path),
        })
    }
}

/// Resolves notes, citations and links of `page`. `base_path` prefixes
/// site paths (`/sub` when the site lives below the host root).
pub fn resolve(
    page: &Page,
    engine: &CitationEngine,
    bib: &Bibliography,
    base_path: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> PageBody {
    let source = SourceText::new(&page.source_text);
    let items = &page.rendered.notes;
    let (inputs, input_of_item) = engine_inputs(page, &source, base_path);
    let processed = if inputs.is_empty() {
        quire_cite::Processed::default()
    } else {
        engine.process_with_references(
            &page.lang,
            bib,
            &inputs,
            &page.source_path,
            &source,
            page.front.references,
        )
    };
    diagnostics.extend(processed.diagnostics);

    let mut notes: Vec<NoteView> = Vec::new();
    let mut markers: Vec<String> = Vec::with_capacity(items.len());
    let mut number_of_item: Vec<Option<usize>> = vec![None; items.len()];
    for (i, item) in items.iter().enumerate() {
        if let NoteItem::Footnote {
            repeat_of: Some(first),
            ..
        } = item
        {
            let Some(n) = number_of_item[*first] else {
                markers.push(String::new());
                continue;
            };
            number_of_item[i] = Some(n);
            let note = &mut notes[n - 1];
            let id = format!("fnref-{n}-{}", note.backrefs.len() + 1);
            note.backrefs.push(id.clone());
            markers.push(marker(&id, n));
            continue;
        }
        let output = input_of_item[i].and_then(|k| processed.outputs.get(k));
        let (lead, output) = match output {
            Some(CiteOutput::NarrativeNote {
                lead,
                html,
                sources,
                ibid_of,
            }) => (
                lead.as_str(),
                Some(CiteOutput::Note {
                    html: html.clone(),
                    sources: sources.clone(),
                    ibid_of: ibid_of.clone(),
                }),
            ),
            other => ("", other.cloned()),
        };
        match &output {
            Some(CiteOutput::Note {
                html,
                sources,
                ibid_of,
            }) => {
                let n = notes.len() + 1;
                number_of_item[i] = Some(n);
                let id = format!("fnref-{n}");
                notes.push(NoteView {
                    n,
                    html: unwrap_paragraph(html),
                    backrefs: vec![id.clone()],
                    ibid_of: ibid_of.clone(),
                    sources: sources.clone(),
                });
                markers.push(format!("{lead}{}", marker(&id, n)));
            }
            Some(CiteOutput::InText { html }) => markers.push(html.clone()),
            Some(CiteOutput::NarrativeNote { .. }) | None => markers.push(String::new()),
        }
    }
    let references = if processed.cited_keys.is_empty() {
        Vec::new()
    } else {
        engine.reference_strings(bib, &processed.cited_keys, &page.lang)
    };
    PageBody {
        markers,
        notes,
        references_html: processed.references_html,
        cited_keys: processed.cited_keys,
        references,
    }
}

fn marker(id: &str, n: usize) -> String {
    format!(
        "<sup class=\"footnote-ref\"><a id=\"{id}\" href=\"#fn-{n}\" role=\"doc-noteref\">{n}</a></sup>"
    )
}

fn link_url(page: &Page, i: usize, base_path: &str) -> String {
    match page.link_urls.get(i) {
        Some(url) if url.starts_with('/') => format!("{base_path}{url}"),
        Some(url) => url.clone(),
        None => "#".to_string(),
    }
}

fn fill_links(html: &str, page: &Page, base_path: &str) -> String {
    fill_placeholders(html, |p| match p {
        Placeholder::Link(i) => link_url(page, i, base_path),
        Placeholder::Note(_) => String::new(),
    })
}

/// Inputs for the citation engine: every note item of `page` but repeated
/// footnotes, and for each item the index of its input.
fn engine_inputs(
    page: &Page,
    source: &SourceText<'_>,
    base_path: &str,
) -> (Vec<NoteInput>, Vec<Option<usize>>) {
    let items = &page.rendered.notes;
    let line_of = |offset: usize| source.line_col(page.body_offset + offset).0;
    let mut inputs = Vec::with_capacity(items.len());
    let mut input_of_item = vec![None; items.len()];
    for (i, item) in items.iter().enumerate() {
        match item {
            NoteItem::Footnote {
                repeat_of: Some(_), ..
            } => {}
            NoteItem::Footnote {
                html, text, offset, ..
            } => {
                input_of_item[i] = Some(inputs.len());
                inputs.push(NoteInput::Footnote {
                    html: fill_links(html, page, base_path),
                    text: text.clone(),
                    line: line_of(*offset),
                });
            }
            NoteItem::Cite { cluster, offset } => {
                input_of_item[i] = Some(inputs.len());
                inputs.push(NoteInput::Cite {
                    cluster: cluster.clone(),
                    line: line_of(*offset),
                });
            }
        }
    }
    (inputs, input_of_item)
}

/// A one-paragraph note shows inline with its back link.
fn unwrap_paragraph(html: &str) -> String {
    let trimmed = html.trim();
    if let Some(inner) = trimmed.strip_prefix("<p>")
        && inner.matches("<p>").count() == 0
        && let Some((text, rest)) = inner.split_once("</p>")
    {
        let rest = rest.trim();
        return if rest.is_empty() {
            text.to_string()
        } else {
            format!("{text} {rest}")
        };
    }
    trimmed.to_string()
}
