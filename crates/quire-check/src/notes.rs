//! Notes: empty notes, which source every ibid. note stands for (and where
//! that is ambiguous to a reader), and web sources cited in hand-written
//! notes without an access date.
//!
//! Undefined and unused footnotes, unknown keys and ibid. markers with no
//! single previous source are reported by the build; this module adds the
//! rest. Must not know: citation styles or HTML.

use quire_build::derive::Derived;
use quire_core::Diagnostic;
use quire_markdown::NoteItem;
use quire_site::{Corpus, Page};

use crate::scan::bare_urls;

/// Adds note findings for every page to `found`.
pub fn check(corpus: &Corpus, derived: &Derived, found: &mut Vec<Diagnostic>) {
    let note_style = derived.cite.is_note_style();
    for (page, body) in corpus.pages.iter().zip(&derived.bodies) {
        let items = &page.rendered.notes;
        let locate = |d: Diagnostic, offset: usize| {
            crate::at(d, &page.source_text, page.body_offset + offset)
        };
        // Which item each numbered note came from, as the build numbers them:
        // every item but repeated footnotes, and citations only in a note style.
        let mut item_of_note: Vec<usize> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item {
                NoteItem::Footnote {
                    repeat_of: Some(_), ..
                } => {}
                NoteItem::Footnote { .. } => item_of_note.push(i),
                NoteItem::Cite { .. } if note_style => item_of_note.push(i),
                NoteItem::Cite { .. } => {}
            }
        }
        for item in items {
            if let NoteItem::Footnote {
                label,
                text,
                offset,
                repeat_of: None,
                ..
            } = item
            {
                if text.trim().is_empty() {
                    found.push(locate(
                        Diagnostic::error(
                            page.source_path.clone(),
                            format!(
                                "footnote [^{label}] is empty; write the note or remove the marker"
                            ),
                        ),
                        *offset,
                    ));
                } else if let Some(url) = web_without_access_date(text) {
                    let mut d = Diagnostic::warning(
                        page.source_path.clone(),
                        format!(
                            "footnote [^{label}] cites {url} without an access date; add one, e.g. “(Date of access: 03.04.2024)”"
                        ),
                    );
                    d = locate(d, *offset);
                    found.push(d);
                }
            }
        }
        for note in &body.notes {
            let Some(source) = &note.ibid_of else {
                continue;
            };
            let Some(&item) = item_of_note.get(note.n - 1) else {
                continue;
            };
            let offset = item_offset(&items[item]);
            found.push(locate(
                info(
                    &page.source_path,
                    format!(
                        "note {} is ibid. of `{source}` (note {})",
                        note.n,
                        note.n - 1
                    ),
                ),
                offset,
            ));
            if let Some(reason) = ambiguity(page, &item_of_note, note.n, note_style) {
                found.push(locate(
                    Diagnostic::warning(
                        page.source_path.clone(),
                        format!(
                            "note {} (ibid.) is ambiguous: {reason}; repeat the source instead",
                            note.n
                        ),
                    ),
                    offset,
                ));
            }
        }
    }
}

/// Why a reader may not find the source an ibid. note stands for: between
/// the previous numbered note and this one, the text shows another marker.
fn ambiguity(page: &Page, item_of_note: &[usize], n: usize, note_style: bool) -> Option<String> {
    let (prev, this) = (*item_of_note.get(n.checked_sub(2)?)?, item_of_note[n - 1]);
    let items = &page.rendered.notes;
    items[prev + 1..this].iter().find_map(|item| match item {
        NoteItem::Footnote {
            repeat_of: Some(first),
            label,
            ..
        } => {
            let shown = item_of_note
                .iter()
                .position(|i| i == first)
                .map(|k| k + 1)?;
            Some(format!(
                "the marker just before it repeats note {shown} ([^{label}]), not note {}",
                n - 1
            ))
        }
        NoteItem::Cite { cluster, .. } if !note_style => Some(format!(
            "an in-text citation ({}) stands between it and note {}",
            cluster
                .items
                .iter()
                .map(|i| format!("@{}", i.key))
                .collect::<Vec<_>>()
                .join("; "),
            n - 1
        )),
        _ => None,
    })
}

fn item_offset(item: &NoteItem) -> usize {
    match item {
        NoteItem::Footnote { offset, .. } | NoteItem::Cite { offset, .. } => *offset,
    }
}

/// An info about a whole file, to be located.
pub(crate) fn info(path: &str, message: String) -> Diagnostic {
    Diagnostic {
        severity: quire_core::Severity::Info,
        ..Diagnostic::error(path, message)
    }
}

/// The first web address of a note that gives no access date, if any.
/// An access date is a cue word ("access", "accessed", "retrieved",
/// "erişim", "обращения", "доступа", "الاطلاع", "الوصول") followed by a date.
pub fn web_without_access_date(text: &str) -> Option<String> {
    let urls = bare_urls(text);
    let (_, first) = urls.first()?;
    (!has_access_date(text)).then(|| first.clone())
}

/// True when the text gives an access date after a cue word.
pub fn has_access_date(text: &str) -> bool {
    let lower = text.to_lowercase();
    const CUES: [&str; 8] = [
        "access",
        "retrieved",
        "erişim",
        "obtained",
        "обращения",
        "доступа",
        "الاطلاع",
        "الوصول",
    ];
    CUES.iter().any(|cue| {
        lower.match_indices(cue).any(|(i, _)| {
            let tail: String = lower[i + cue.len()..].chars().take(40).collect();
            tail.split(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '/')))
                .any(is_date)
        })
    })
}

/// `03.04.2024`, `2024-04-03`, `3/4/2024` and the like.
fn is_date(token: &str) -> bool {
    let token = token.trim_matches(['.', '-', '/']);
    let parts: Vec<&str> = token.split(['.', '-', '/']).collect();
    parts.len() == 3
        && parts.iter().all(|p| !p.is_empty() && p.len() <= 4)
        && parts.iter().any(|p| p.len() == 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_dates_are_recognised_in_three_languages() {
        for text in [
            "“A”, B, https://a.example/x, (Date of access: 03.04.2024).",
            "“A”, https://a.example/x, Erişim tarihi: 2024-04-03.",
            "«А», https://a.example/x (дата обращения: 13.12.2023).",
            "A, https://a.example/x, accessed 3/4/2024.",
            "«أ»، https://a.example/x، (تاريخ الاطلاع: 17.06.2024).",
        ] {
            assert_eq!(web_without_access_date(text), None, "{text}");
        }
        assert_eq!(
            web_without_access_date("“A”, https://a.example/x, 03.04.2024."),
            Some("https://a.example/x".to_string())
        );
        assert_eq!(web_without_access_date("A book, 2021, p. 4."), None);
    }
}
