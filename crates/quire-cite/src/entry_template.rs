//! Notes and reference strings of many records from a few hayagriva runs.
//!
//! An archive cites hundreds of records, mostly of a few *shapes*: a book
//! with one author, a title, a publisher and a year differs from the next
//! such book only in those values. Every hayagriva run evaluates the whole
//! style (about a millisecond), so a record's note is made from its
//! shape's template when the shape has been met before: the record's
//! plain values (titles, names, publisher, place, year) are replaced by
//! stand-ins, the stand-in record is rendered, and the output is cut at
//! the stand-ins ([`SlotTemplate`]). The template is used only when
//! filling it with a second set of stand-ins reproduces hayagriva's own
//! rendering of that set byte for byte — a style that changes a value
//! (case, initials, two-digit years, short titles cut at a colon) fails
//! that check and its shape is rendered by hayagriva every time.
//!
//! A value becomes a slot only when it is made of the characters the
//! stand-ins exercise (see `article_template::plain_value`); a record
//! field that is not plain stays as it is and is part of the shape. The
//! first record of a shape is rendered by hayagriva as before, so a shape
//! met once costs nothing extra.
//!
//! Owns: which record fields are slots, the stand-in twins of a record and
//! the per-shape templates. Must not know: positions, locators or how a
//! note is rendered (the memo passes keys and renderers).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use hayagriva::lang::{Case, SentenceCase, TitleCase};
use hayagriva::types::{ChunkKind, ChunkedString, Date, FormatString, Person, StringChunk};
use hayagriva::{Entry, Library};

use crate::article_template::{has_cjk, letter, plain_value, stand_in};
use crate::slot_template::SlotTemplate;
use quire_core::sync::lock;

/// The key of every stand-in record, so that the twins of two records of
/// one shape are equal.
const STAND_IN_KEY: &str = "quire-stand-in";

/// The years the two stand-in twins carry.
const STAND_IN_YEARS: [i32; 2] = [9876, 5432];

/// What kind of value a slot holds, which decides its stand-in.
#[derive(Debug, Clone, Copy)]
enum SlotKind {
    /// A title, publisher or place: spaces allowed.
    Text,
    /// A given name: spaces allowed.
    Given,
    /// A family name: one word.
    Family,
    /// The record's year.
    Year,
}

/// A record's plain values and its two stand-in twins.
#[derive(Debug)]
pub(crate) struct EntrySlots {
    /// The record with every slot value replaced by the first, then the
    /// second set of stand-ins, under [`STAND_IN_KEY`]. The first twin
    /// identifies the record's shape.
    pub twins: [Entry; 2],
    /// The stand-in values of each twin, in slot order.
    stand_ins: [Vec<String>; 2],
    /// The record's own values, in slot order.
    values: Vec<String>,
}

/// The case changes a style may make to a value, in the order they are
/// tried; the first is none. Each is applied with hayagriva's own case
/// folder ([`Case::transform`]) with the settings hayagriva gives CSL's
/// `text-case`.
fn cases() -> [Case; 7] {
    [
        Case::NoTransform,
        Case::FirstUpper,
        Case::Title(TitleCase::default()),
        Case::Sentence(SentenceCase::default()),
        Case::AllUpper,
        Case::Uppercase,
        Case::Lowercase,
    ]
}

/// A shape's checked template and the case change of each slot.
#[derive(Debug)]
struct ShapeTemplate {
    template: SlotTemplate,
    cases: Vec<Case>,
}

/// `values` as they appear in the output — each case-changed, then shown —
/// followed by the caller's extra slot text, if any.
fn shown(
    values: &[String],
    cases: &[Case],
    show: &impl Fn(&str) -> String,
    extra: Option<&str>,
) -> Vec<String> {
    values
        .iter()
        .zip(cases)
        .map(|(v, case)| show(&case.transform(v)))
        .chain(extra.map(str::to_string))
        .collect()
}

/// A shape's state in a [`ShapeMemo`].
#[derive(Debug)]
enum ShapeState {
    /// One record of the shape was rendered by hayagriva.
    Seen,
    /// The checked template.
    Ready(Arc<ShapeTemplate>),
    /// The style changes the stand-ins: always render by hayagriva.
    Refused,
}

/// Templates by shape key (the first twin plus whatever else the output
/// depends on: language, position, locator kind…).
pub(crate) struct ShapeMemo<K> {
    shapes: Mutex<HashMap<K, ShapeState>>,
}

impl<K> Default for ShapeMemo<K> {
    fn default() -> Self {
        ShapeMemo {
            shapes: Mutex::new(HashMap::new()),
        }
    }
}

/// The slots of each record met so far; `None` for a record without any.
#[derive(Default)]
pub(crate) struct SlotCache {
    records: Mutex<HashMap<Entry, Option<Arc<EntrySlots>>>>,
}

impl SlotCache {
    /// The slots and twins of `entry`, or `None` when it has no plain
    /// value or cannot be copied under another key.
    pub fn slots(&self, entry: &Entry) -> Option<Arc<EntrySlots>> {
        if let Some(known) = lock(&self.records).get(entry) {
            return known.clone();
        }
        let made = EntrySlots::of(entry).map(Arc::new);
        lock(&self.records).insert(entry.clone(), made.clone());
        made
    }
}

impl EntrySlots {
    fn of(entry: &Entry) -> Option<EntrySlots> {
        // The twins are copies under another key, made through hayagriva's
        // own serde format before any value changes (a stand-in name with
        // a comma would not survive it); a record that does not come back
        // unchanged is not templated.
        if rekey(entry, entry.key()).as_ref() != Some(entry) {
            return None;
        }
        let rekeyed = rekey(entry, STAND_IN_KEY)?;
        let mut kinds = Vec::new();
        let mut values = Vec::new();
        map_slots(entry, true, &mut |kind, value| {
            kinds.push(kind);
            values.push(value.to_string());
            value.to_string()
        });
        if values.is_empty() {
            return None;
        }
        let stand_ins = [0, 1].map(|variant| {
            kinds
                .iter()
                .enumerate()
                .map(|(i, kind)| stand_in_value(*kind, i, variant))
                .collect::<Vec<_>>()
        });
        let twin = |variant: usize| {
            let mut next = stand_ins[variant].iter();
            map_slots(&rekeyed, true, &mut |_, _| {
                next.next().cloned().unwrap_or_default()
            })
        };
        let twins = [twin(0), twin(1)];
        Some(EntrySlots {
            twins,
            stand_ins,
            values,
        })
    }
}

/// The stand-in of slot `index` in twin `variant`. Text stand-ins open
/// with an English stop word and hold another and an all-capitals word,
/// so that a title-cased slot shows how the style treats them.
fn stand_in_value(kind: SlotKind, index: usize, variant: usize) -> String {
    let code = format!("Sl{}", letter(index));
    match kind {
        SlotKind::Text => {
            let [lead, mid, caps] = [["the", "of", "QZX"], ["an", "and", "WKB"]][variant];
            format!("{lead} {} {mid} {caps}", stand_in(&code, variant, true))
        }
        SlotKind::Given => stand_in(&code, variant, true),
        SlotKind::Family => stand_in(&code, variant, false),
        SlotKind::Year => STAND_IN_YEARS[variant].to_string(),
    }
}

/// `entry` under another key, copied through serde; `None` if hayagriva
/// cannot read back what it wrote.
fn rekey(entry: &Entry, key: &str) -> Option<Entry> {
    let mut map = serde_json::Map::new();
    map.insert(key.to_string(), serde_json::to_value(entry).ok()?);
    let library: Library = serde_json::from_value(serde_json::Value::Object(map)).ok()?;
    library.get(key).cloned()
}

/// A copy of `entry` with each plain value replaced by `f(kind, value)`,
/// visiting the fields in a fixed order (parents last). Only the top
/// record's year is a slot.
fn map_slots(entry: &Entry, top: bool, f: &mut impl FnMut(SlotKind, &str) -> String) -> Entry {
    let mut out = entry.clone();
    if let Some(title) = entry.title() {
        out.set_title(map_text(title, f));
    }
    if let Some(authors) = entry.authors() {
        out.set_authors(map_people(authors, f));
    }
    if let Some(editors) = entry.editors() {
        out.set_editors(map_people(editors, f));
    }
    if let Some(publisher) = entry.publisher() {
        let name = publisher.name().map(|n| map_text(n, f));
        let location = publisher.location().map(|l| map_text(l, f));
        out.set_publisher(hayagriva::types::Publisher::new(name, location));
    }
    if let Some(location) = entry.location() {
        out.set_location(map_text(location, f));
    }
    if let Some(organization) = entry.organization() {
        out.set_organization(map_text(organization, f));
    }
    if let Some(date) = entry
        .date()
        .filter(|d| top && (1000..=9999).contains(&d.year))
    {
        let year = f(SlotKind::Year, &date.year.to_string());
        out.set_date(Date {
            year: year.parse().unwrap_or(date.year),
            ..*date
        });
    }
    let parents = entry
        .parents()
        .iter()
        .map(|p| map_slots(p, false, f))
        .collect();
    out.set_parents(parents);
    out
}

/// A formatted string as a slot when it is one plain, case-foldable chunk
/// without a short form; otherwise unchanged.
fn map_text(text: &FormatString, f: &mut impl FnMut(SlotKind, &str) -> String) -> FormatString {
    match (text.value.0.as_slice(), &text.short) {
        ([chunk], None) if chunk.kind == ChunkKind::Normal && plain_value(&chunk.value, true) => {
            FormatString {
                value: ChunkedString(vec![StringChunk {
                    value: f(SlotKind::Text, &chunk.value),
                    kind: ChunkKind::Normal,
                }]),
                short: None,
            }
        }
        _ => text.clone(),
    }
}

/// Persons with plain family and given names as slots; a person with a
/// prefix, suffix, alias or CJK name stays as written.
fn map_people(people: &[Person], f: &mut impl FnMut(SlotKind, &str) -> String) -> Vec<Person> {
    people
        .iter()
        .map(|p| {
            let given = p.given_name.as_deref().unwrap_or_default();
            let simple = p.prefix.is_none()
                && p.suffix.is_none()
                && p.alias.is_none()
                && !has_cjk(&p.name)
                && !has_cjk(given);
            if !simple {
                return p.clone();
            }
            let mut out = p.clone();
            if plain_value(&p.name, false) {
                out.name = f(SlotKind::Family, &p.name);
            }
            if let Some(g) = p.given_name.as_deref().filter(|g| plain_value(g, true)) {
                out.given_name = Some(f(SlotKind::Given, g));
            }
            out
        })
        .collect()
}

impl<K: Hash + Eq> ShapeMemo<K> {
    /// The output for a record with `slots` from its shape's template, or
    /// `None` when the record must be rendered by hayagriva (the shape is
    /// new, or its template was refused). `show` gives a value as it
    /// appears in the output (escaped for HTML); `extra` is one more slot
    /// the caller put into every rendering (the stand-in text and this
    /// record's value), which must then come out exactly once; `render`
    /// renders a twin.
    pub fn render(
        &self,
        key: K,
        slots: &EntrySlots,
        show: impl Fn(&str) -> String,
        extra: Option<(&str, &str)>,
        render: impl Fn(&Entry) -> String,
    ) -> Option<String> {
        let known = {
            let mut shapes = lock(&self.shapes);
            match shapes.get(&key) {
                None => {
                    shapes.insert(key, ShapeState::Seen);
                    return None;
                }
                Some(ShapeState::Refused) => return None,
                Some(ShapeState::Ready(t)) => Some(t.clone()),
                Some(ShapeState::Seen) => None,
            }
        };
        let template = match known {
            Some(t) => t,
            None => {
                let built = build(slots, &show, extra, &render).map(Arc::new);
                let state = built.clone().map_or(ShapeState::Refused, ShapeState::Ready);
                lock(&self.shapes).insert(key, state);
                built?
            }
        };
        let values = shown(&slots.values, &template.cases, &show, extra.map(|e| e.1));
        Some(template.template.fill(&values))
    }
}

impl<K> ShapeMemo<K> {
    /// How many shapes have a checked template.
    #[cfg(test)]
    pub fn ready(&self) -> usize {
        lock(&self.shapes)
            .values()
            .filter(|s| matches!(s, ShapeState::Ready(_)))
            .count()
    }
}

/// A shape's template from the first twin, checked against the second.
/// Each slot's case change is the first of [`cases`] whose result the
/// first twin's output contains.
fn build(
    slots: &EntrySlots,
    show: &impl Fn(&str) -> String,
    extra: Option<(&str, &str)>,
    render: &impl Fn(&Entry) -> String,
) -> Option<ShapeTemplate> {
    let output = render(&slots.twins[0]);
    let cases: Vec<Case> = slots.stand_ins[0]
        .iter()
        .map(|v| {
            cases()
                .into_iter()
                .find(|case| output.contains(&show(&case.transform(v))))
                .unwrap_or_default()
        })
        .collect();
    let extra_text = extra.map(|e| e.0);
    let first = shown(&slots.stand_ins[0], &cases, show, extra_text);
    let second = shown(&slots.stand_ins[1], &cases, show, extra_text);
    let texts: Vec<&str> = first.iter().map(String::as_str).collect();
    let template = SlotTemplate::parse(&output, &texts);
    if template.has_touching_slots() {
        return None;
    }
    if extra.is_some() && template.occurrences(texts.len() - 1) != 1 {
        return None;
    }
    if template.fill(&second) != render(&slots.twins[1]) {
        return None;
    }
    Some(ShapeTemplate { template, cases })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(key: &str, author: &str, title: &str, year: u16) -> Entry {
        let src = format!(
            "@book{{{key}, author = {{{author}}}, title = {{{title}}}, publisher = {{Harbour Press}}, location = {{Lisbon}}, year = {{{year}}}}}"
        );
        hayagriva::io::from_biblatex_str(&src)
            .unwrap()
            .get(key)
            .unwrap()
            .clone()
    }

    #[test]
    fn two_books_of_one_shape_have_equal_twins() {
        let a = EntrySlots::of(&book("a", "Okafor, Ada", "Grain and ports", 2019)).unwrap();
        let b = EntrySlots::of(&book("b", "Lindqvist, Maria", "Steel roads", 2021)).unwrap();
        assert_eq!(a.twins[0], b.twins[0]);
        assert_ne!(a.twins[0], a.twins[1]);
        assert_eq!(
            a.values,
            [
                "Grain and ports",
                "Okafor",
                "Ada",
                "Harbour Press",
                "Lisbon",
                "2019"
            ]
        );
    }

    #[test]
    fn values_that_are_not_plain_stay_in_the_shape() {
        let plain = EntrySlots::of(&book("a", "Okafor, Ada", "Grain and ports", 2019)).unwrap();
        let quoted = EntrySlots::of(&book("b", "Okafor, Ada", "“Grain” and ports", 2019)).unwrap();
        assert_ne!(plain.twins[0], quoted.twins[0]);
        assert!(!quoted.values.iter().any(|v| v.contains('“')));
        assert_eq!(
            quoted.twins[0].title().map(|t| t.value.to_string()),
            Some("“Grain” and ports".to_string())
        );
    }
}
