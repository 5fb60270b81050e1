//! Reuse of rendered notes and reference strings across articles.
//!
//! In a note style a citation's note depends only on its records, locators,
//! prefixes and CSL position (first, subsequent near or far, ibid., ibid.
//! with locator). An archive cites the same few hundred records thousands of
//! times, and every hayagriva run re-evaluates the whole style, so a note is
//! rendered once per distinct key and reused. A plain page-number locator is
//! rendered as a sentinel number and substituted afterwards, so `p. 4` and
//! `p. 12` of one record share a rendering.
//!
//! A record not met before is tried against its shape's template
//! (`entry_template`): another record with the same fields and plain values
//! lends its layout.
//!
//! Owns: the memo keys, the sentinel substitution and the thread-safe maps.
//! Must not know: how a position is replayed through hayagriva (the engine
//! passes a renderer) or where notes come from.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

use hayagriva::citationberg::taxonomy::Locator;
use hayagriva::{CitePurpose, Entry};

use quire_core::sync::lock;

use crate::entry_template::{ShapeMemo, SlotCache};

/// A page-number stand-in no real locator or record uses; an output that
/// contains it other than exactly once is not used as a template.
pub(crate) const SENTINEL: &str = "739164825";

/// The CSL position of a cited item within its article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Position {
    /// The record's first citation in the article.
    First,
    /// A later citation; `near` when the record was cited within the
    /// style's near-note distance.
    Subsequent { near: bool },
    /// Same record and locator as the item just before.
    Ibid,
    /// Same record as the item just before, another locator.
    IbidWithLocator,
}

/// How a locator's value enters a memo key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum LocatorValue {
    /// A plain number, rendered through [`SENTINEL`].
    Number,
    /// Anything else, as written.
    Exact(String),
}

/// One cited item as far as its rendering is concerned.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ItemKey {
    entry: Entry,
    locator: Option<(Locator, LocatorValue)>,
    purpose: Option<CitePurpose>,
    prefix: String,
}

/// Everything a memoized note's HTML depends on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct NoteKey {
    lang: String,
    items: Vec<ItemKey>,
    position: Position,
    /// Archive links follow the note's items.
    suffixed: bool,
}

/// A memoized rendering.
#[derive(Debug, Clone)]
enum Memo {
    /// HTML with [`SENTINEL`] where the number goes.
    Template(String),
    /// Final HTML.
    Html(String),
    /// The sentinel did not come out exactly once: render the exact value.
    NotTemplatable,
}

/// One item of a note to render: record, locator `(kind, value)`, purpose
/// and escaped prefix.
pub(crate) struct MemoItem<'a> {
    pub entry: &'a Entry,
    pub locator: Option<(Locator, String)>,
    pub purpose: Option<CitePurpose>,
    pub prefix: String,
}

/// The shared memo of one build's citation engine.
#[derive(Default)]
pub(crate) struct NoteMemo {
    notes: Mutex<HashMap<NoteKey, Memo>>,
    references: Mutex<HashMap<(String, Entry), String>>,
    /// "Cite this" strings: an engine kept between rebuilds (`quire serve`)
    /// renders only the articles whose citable data changed.
    articles: Mutex<HashMap<(String, crate::article::ArticleRef), String>>,
    /// "Cite this" layouts by article shape.
    pub templates: crate::article_template::TemplateMemo,
    /// The slots of each record, for the record-shape templates.
    slots: SlotCache,
    /// Note templates by record shape (see [`crate::entry_template`]).
    note_shapes: ShapeMemo<NoteKey>,
    /// Reference-string templates by language and record shape.
    reference_shapes: ShapeMemo<(String, Entry)>,
}

/// `locator` with a plain-number value replaced by [`SENTINEL`].
fn with_sentinel(locator: &Option<(Locator, String)>) -> Option<(Locator, String)> {
    locator
        .as_ref()
        .map(|(kind, value)| match is_plain_number(value) {
            true => (*kind, SENTINEL.to_string()),
            false => (*kind, value.clone()),
        })
}

fn is_plain_number(value: &str) -> bool {
    !value.is_empty()
        && value.len() < SENTINEL.len()
        && value.bytes().all(|b| b.is_ascii_digit())
        && !value.starts_with('0')
}

impl NoteMemo {
    /// The HTML of one note at `position`, from the memo or rendered by
    /// `render` (which gets the items with the locator values to use).
    pub fn note(
        &self,
        lang: &str,
        items: &[MemoItem<'_>],
        position: Position,
        suffixed: bool,
        render: impl Fn(&[MemoItem<'_>]) -> String,
    ) -> String {
        // Only one number per note can go through the sentinel.
        let numbers = items
            .iter()
            .filter(|i| i.locator.as_ref().is_some_and(|(_, v)| is_plain_number(v)))
            .count();
        let key = |templated: bool| NoteKey {
            lang: lang.to_string(),
            items: items
                .iter()
                .map(|i| ItemKey {
                    entry: i.entry.clone(),
                    locator: i.locator.as_ref().map(|(kind, value)| {
                        let v = match templated && is_plain_number(value) {
                            true => LocatorValue::Number,
                            false => LocatorValue::Exact(value.clone()),
                        };
                        (*kind, v)
                    }),
                    purpose: i.purpose,
                    prefix: i.prefix.clone(),
                })
                .collect(),
            position,
            suffixed,
        };
        let value = items
            .iter()
            .find_map(|i| i.locator.as_ref().filter(|(_, v)| is_plain_number(v)))
            .map(|(_, v)| v.as_str())
            .unwrap_or_default();
        // 1. These records met before.
        let template_key = (numbers == 1).then(|| key(true));
        let known = template_key.as_ref().and_then(|k| self.lookup(k));
        if let Some(Memo::Template(t)) = &known {
            return t.replacen(SENTINEL, value, 1);
        }
        let exact_key = key(false);
        if let Some(Memo::Html(h)) = self.lookup(&exact_key) {
            return h;
        }
        // 2. Another record of the same shape met before.
        if let [item] = items
            && let Some(html) = self.note_from_shape(lang, item, position, suffixed, &render)
        {
            return html;
        }
        // 3. hayagriva: with the number as the sentinel when it can be
        // one, else exactly.
        if let (Some(template_key), None) = (template_key, known) {
            let with_sentinel: Vec<MemoItem<'_>> = items
                .iter()
                .map(|i| MemoItem {
                    entry: i.entry,
                    locator: with_sentinel(&i.locator),
                    purpose: i.purpose,
                    prefix: i.prefix.clone(),
                })
                .collect();
            let html = render(&with_sentinel);
            if html.matches(SENTINEL).count() == 1 {
                let filled = html.replacen(SENTINEL, value, 1);
                self.store(template_key, Memo::Template(html));
                return filled;
            }
            self.store(template_key, Memo::NotTemplatable);
        }
        let html = render(items);
        self.store(exact_key, Memo::Html(html.clone()));
        html
    }

    /// A one-item note from its record shape's template, or `None` when
    /// the record or its shape has none yet. A plain-number locator goes
    /// through [`SENTINEL`] as one more slot.
    fn note_from_shape(
        &self,
        lang: &str,
        item: &MemoItem<'_>,
        position: Position,
        suffixed: bool,
        render: &impl Fn(&[MemoItem<'_>]) -> String,
    ) -> Option<String> {
        let slots = self.slots.slots(item.entry)?;
        let number = item
            .locator
            .as_ref()
            .map(|(_, v)| v.as_str())
            .filter(|v| is_plain_number(v));
        let key = NoteKey {
            lang: lang.to_string(),
            items: vec![ItemKey {
                entry: slots.twins[0].clone(),
                locator: item.locator.as_ref().map(|(kind, value)| {
                    let v = match number {
                        Some(_) => LocatorValue::Number,
                        None => LocatorValue::Exact(value.clone()),
                    };
                    (*kind, v)
                }),
                purpose: item.purpose,
                prefix: item.prefix.clone(),
            }],
            position,
            suffixed,
        };
        let locator = with_sentinel(&item.locator);
        let extra = number.map(|n| (SENTINEL, n));
        self.note_shapes
            .render(key, &slots, crate::html::escape, extra, |twin| {
                render(&[MemoItem {
                    entry: twin,
                    locator: locator.clone(),
                    purpose: item.purpose,
                    prefix: item.prefix.clone(),
                }])
            })
    }

    /// The reference string of one record in `lang`, from the memo, its
    /// record shape's template, or rendered by `render` (which renders the
    /// record given).
    pub fn reference(
        &self,
        lang: &str,
        entry: &Entry,
        render: impl Fn(&Entry) -> String,
    ) -> String {
        let key = (lang.to_string(), entry.clone());
        if let Some(s) = lock(&self.references).get(&key) {
            return s.clone();
        }
        let templated = self.slots.slots(entry).and_then(|slots| {
            let shape = (lang.to_string(), slots.twins[0].clone());
            self.reference_shapes
                .render(shape, &slots, str::to_string, None, &render)
        });
        let s = templated.unwrap_or_else(|| render(entry));
        lock(&self.references).insert(key, s.clone());
        s
    }

    /// The "cite this" HTML of one article in `lang`, from the memo or
    /// rendered by `render`.
    pub fn article(
        &self,
        lang: &str,
        article: &crate::article::ArticleRef,
        render: impl FnOnce() -> String,
    ) -> String {
        let key = (lang.to_string(), article.clone());
        if let Some(s) = lock(&self.articles).get(&key) {
            return s.clone();
        }
        let s = render();
        lock(&self.articles).insert(key, s.clone());
        s
    }

    /// How many note and reference-string shapes have a checked template.
    #[cfg(test)]
    pub fn shape_templates(&self) -> (usize, usize) {
        (self.note_shapes.ready(), self.reference_shapes.ready())
    }

    fn lookup(&self, key: &NoteKey) -> Option<Memo> {
        lock(&self.notes).get(key).cloned()
    }

    fn store(&self, key: NoteKey, memo: Memo) {
        lock(&self.notes).insert(key, memo);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_numbers_only() {
        assert!(is_plain_number("4"));
        assert!(is_plain_number("1200"));
        assert!(!is_plain_number("04"));
        assert!(!is_plain_number("12-14"));
        assert!(!is_plain_number("iv"));
        assert!(!is_plain_number(""));
        assert!(!is_plain_number("1234567890"));
    }
}
