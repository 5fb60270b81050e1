//! "Cite this analysis" without one hayagriva run per article.
//!
//! An article's citation depends on its title, authors, date, URL,
//! publisher and language. For a given *shape* — render language, article
//! language, month, and for each author whether a given name is present —
//! the style lays these values out the same way every time, so the
//! citation is rendered twice with stand-in values (two different sets) and
//! turned into a template of literal HTML and value slots. The template is
//! used only when filling it with the second set reproduces hayagriva's own
//! rendering of that set byte for byte: a style that changes a value (case,
//! initials, ordinal days, stripped periods, two-digit years)
//! fails that check and its shape is always rendered by hayagriva.
//!
//! Real values take the template only when they are made of the characters
//! the stand-ins exercise (letters, digits, single spaces and interior
//! `-–—,:;.()/’'&!?`), start and end with a letter or digit, and hayagriva
//! would not treat them specially (CJK names, day 1 which some locales
//! write as an ordinal, URLs that the URL parser would rewrite). Anything
//! else is rendered by hayagriva, as before.
//!
//! Written here rather than taken from a crate: it is specific to how quire
//! maps an article to a hayagriva entry (`export::article_entry`).
//!
//! Owns: shapes, stand-in values, the template and its check. Must not
//! know: how an article is rendered (the engine passes a renderer).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::article::{ArticleRef, split_name};
use crate::html::escape;
use crate::slot_template::SlotTemplate;
use quire_core::sync::lock;

/// What decides how a style lays out an article's citation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Shape {
    lang: String,
    article_lang: String,
    month: u8,
    /// Per author: has a given name.
    givens: Vec<bool>,
    /// The title's closing punctuation (one of [`TITLE_ENDS`]), if any: a
    /// style may merge it with the punctuation it writes after the title.
    title_end: Option<char>,
    /// The day is the first of the month, which some locales write as an
    /// ordinal ("1er", "1st"): the stand-ins then carry day 1 too.
    day_one: bool,
}

/// The values that fill a template, unescaped.
struct Values {
    title: String,
    publisher: String,
    url: String,
    /// `(family, given)` per author; given is empty when absent.
    names: Vec<(String, String)>,
    year: i32,
    day: u8,
}

/// A citation layout with slots for an article's values.
#[derive(Debug)]
pub(crate) struct Template {
    slots: SlotTemplate,
    /// The style writes days with two digits ("03").
    padded_day: bool,
}

/// Templates by shape; `None` when the shape cannot be templated.
#[derive(Default)]
pub(crate) struct TemplateMemo {
    shapes: Mutex<HashMap<Shape, Option<Arc<Template>>>>,
}

/// Interior punctuation a value may contain (and every stand-in does).
const INTERIOR: &str = "-–—,:;.()/’'&!?";

/// Punctuation a title may end with ("What next?"); the shape records it,
/// so the stand-ins of that shape end with it as well.
const TITLE_ENDS: &str = "?!.)";

/// A stand-in value: a field code inside characters of every kind a real
/// value may hold. The two variants differ in every letter's case-pattern
/// start so that initials or case changes show.
pub(crate) fn stand_in(field: &str, variant: usize, spaces: bool) -> String {
    let (start, end) = [("qz", "Aq"), ("wk", "Bw")][variant];
    let sep = if spaces { " " } else { "" };
    format!("{start}{field}x-y–z—v,{sep}u:t;s.r(p)o/n’m'l&k!j?5{sep}h{end}")
}

fn stand_ins(shape: &Shape, variant: usize) -> Values {
    let names = shape
        .givens
        .iter()
        .enumerate()
        .map(|(i, has_given)| {
            let family = stand_in(&format!("Fam{}", letter(i)), variant, false);
            let given = match has_given {
                true => stand_in(&format!("Giv{}", letter(i)), variant, true),
                false => String::new(),
            };
            (family, given)
        })
        .collect();
    let mut title = stand_in("Title", variant, true);
    title.extend(shape.title_end);
    Values {
        title,
        publisher: stand_in("Pub", variant, true),
        url: [
            "https://qzurlaq.invalid/qzPath-Aq",
            "https://wkurlbw.invalid/wkPath-Bw",
        ][variant]
            .to_string(),
        names,
        year: [9876, 5432][variant],
        // No stand-in text holds a 1, so day one is found only as the day.
        day: if shape.day_one { 1 } else { [21, 3][variant] },
    }
}

/// Author index as letters, so field codes hold no digits.
pub(crate) fn letter(i: usize) -> String {
    let mut s = String::new();
    let mut n = i;
    loop {
        s.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            return s;
        }
    }
}

/// An article carrying `values` in the given shape.
fn article_with(shape: &Shape, values: &Values) -> ArticleRef {
    ArticleRef {
        title: values.title.clone(),
        authors: values
            .names
            .iter()
            .map(|(family, given)| match given.is_empty() {
                true => family.clone(),
                false => format!("{given} {family}"),
            })
            .collect(),
        date: (values.year, shape.month, values.day),
        updated: None,
        url: values.url.clone(),
        publisher: values.publisher.clone(),
        lang: shape.article_lang.clone(),
        section: String::new(),
        key: String::new(),
    }
}

/// A text value a template may carry: letters, digits, single spaces and
/// interior punctuation, starting and ending with a letter or digit, with
/// at least one letter (hayagriva drops an all-punctuation string that
/// repeats the text before it).
pub(crate) fn plain_value(s: &str, spaces: bool) -> bool {
    let (Some(first), Some(last)) = (s.chars().next(), s.chars().next_back()) else {
        return false;
    };
    first.is_alphanumeric()
        && last.is_alphanumeric()
        && s.chars().any(char::is_alphabetic)
        && !s.contains("  ")
        && s.chars()
            .all(|c| c.is_alphanumeric() || (spaces && c == ' ') || INTERIOR.contains(c))
}

/// CJK names are laid out family-first by hayagriva.
pub(crate) fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| {
        let cp = c as u32;
        (0x3400..=0x4DBF).contains(&cp)
            || (0x4E00..=0x9FFF).contains(&cp)
            || (0xF900..=0xFAFF).contains(&cp)
            || (0x20000..=0x2FA1F).contains(&cp)
    })
}

/// The shape and values of a real article, or `None` when its values are
/// not plain enough for a template.
fn shape_of(article: &ArticleRef, lang: &str) -> Option<(Shape, Values)> {
    let (year, month, day) = article.date;
    if !(1000..=9999).contains(&year) || !(1..=31).contains(&day) || !(1..=12).contains(&month) {
        return None;
    }
    let (title, title_end) = match article.title.chars().next_back() {
        Some(c) if TITLE_ENDS.contains(c) => (
            &article.title[..article.title.len() - c.len_utf8()],
            Some(c),
        ),
        _ => (article.title.as_str(), None),
    };
    if !plain_value(title, true) || !plain_value(&article.publisher, true) {
        return None;
    }
    match url::Url::parse(&article.url) {
        Ok(u) if u.as_str() == article.url => {}
        _ => return None,
    }
    let mut names = Vec::with_capacity(article.authors.len());
    for author in &article.authors {
        let (family, given) = split_name(author);
        if !plain_value(&family, false)
            || (!given.is_empty() && !plain_value(&given, true))
            || has_cjk(&family)
            || has_cjk(&given)
        {
            return None;
        }
        names.push((family, given));
    }
    let shape = Shape {
        lang: lang.to_string(),
        article_lang: article.lang.clone(),
        month,
        givens: names.iter().map(|(_, g)| !g.is_empty()).collect(),
        title_end,
        day_one: day == 1,
    };
    let values = Values {
        title: article.title.clone(),
        publisher: article.publisher.clone(),
        url: article.url.clone(),
        names,
        year,
        day,
    };
    Some((shape, values))
}

impl Values {
    /// The values as they appear in the output, in slot order: escaped
    /// texts (title, publisher, URL, then family and given name per
    /// author; an absent given name is empty and never matched), then the
    /// numbers, which no text stand-in contains.
    fn shown(&self, padded_day: bool) -> Vec<String> {
        let mut out = vec![
            escape(&self.title),
            escape(&self.publisher),
            escape(&self.url),
        ];
        for (family, given) in &self.names {
            out.push(escape(family));
            out.push(escape(given));
        }
        out.push(self.year.to_string());
        out.push(match padded_day {
            true => format!("{:02}", self.day),
            false => self.day.to_string(),
        });
        out
    }
}

impl Template {
    /// Splits `html` (rendered with `values`) at each escaped value.
    fn parse(html: &str, values: &Values) -> Template {
        let shown = values.shown(false);
        let texts: Vec<&str> = shown.iter().map(String::as_str).collect();
        Template {
            slots: SlotTemplate::parse(html, &texts),
            padded_day: false,
        }
    }

    /// True when two value slots touch: hayagriva's handling of what is
    /// pushed after a value then depends on how the value ends.
    fn has_adjacent_slots(&self) -> bool {
        self.slots.has_touching_slots()
    }

    /// The HTML with `values` in the slots.
    fn fill(&self, values: &Values) -> String {
        self.slots.fill(&values.shown(self.padded_day))
    }
}

impl TemplateMemo {
    /// The citation of `article` in `lang` from its shape's template, or
    /// `None` when the article or its shape cannot use one. `render` is
    /// hayagriva's rendering of an article.
    pub fn cite(
        &self,
        article: &ArticleRef,
        lang: &str,
        render: impl Fn(&ArticleRef) -> String,
    ) -> Option<String> {
        let (shape, values) = shape_of(article, lang)?;
        let known = lock(&self.shapes).get(&shape).cloned();
        let template = match known {
            Some(t) => t,
            None => {
                let t = build(&shape, &render).map(Arc::new);
                lock(&self.shapes).insert(shape, t.clone());
                t
            }
        }?;
        Some(template.fill(&values))
    }
}

/// A shape's template, checked against a second rendering.
fn build(shape: &Shape, render: &impl Fn(&ArticleRef) -> String) -> Option<Template> {
    let first = stand_ins(shape, 0);
    let second = stand_ins(shape, 1);
    let mut template = Template::parse(&render(&article_with(shape, &first)), &first);
    if template.has_adjacent_slots() {
        return None;
    }
    let expected = render(&article_with(shape, &second));
    if template.fill(&second) == expected {
        return Some(template);
    }
    // Some locales write the day with two digits (Turkish "03 Mayıs").
    template.padded_day = true;
    (template.fill(&second) == expected).then_some(template)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_values_only() {
        assert!(plain_value("Gas, grain and ports: 2025 outlook", true));
        assert!(plain_value("Türkiye’s Black Sea strategy", true));
        assert!(plain_value("Что дальше", true));
        assert!(!plain_value("What next?", true));
        assert!(!plain_value("“Quoted”", true));
        assert!(!plain_value("a  b", true));
        assert!(!plain_value("2025", true));
        assert!(!plain_value("Ann Lee", false));
        assert!(!plain_value("{Braced}", true));
        assert!(!plain_value("", true));
    }

    #[test]
    fn stand_ins_are_plain_and_distinct() {
        let shape = Shape {
            lang: "en".into(),
            article_lang: "en".into(),
            month: 4,
            givens: vec![true, false],
            title_end: None,
            day_one: false,
        };
        for v in 0..2 {
            let s = stand_ins(&shape, v);
            assert!(plain_value(&s.title, true));
            assert!(plain_value(&s.names[0].0, false));
            assert!(plain_value(&s.names[0].1, true));
            let article = article_with(&shape, &s);
            assert_eq!(split_name(&article.authors[0]), s.names[0].clone());
            assert!(
                !s.title.contains(&s.year.to_string()) && !s.title.contains(&s.day.to_string())
            );
        }
    }

    #[test]
    fn template_round_trip_and_touching_slots() {
        let shape = Shape {
            lang: "en".into(),
            article_lang: "en".into(),
            month: 1,
            givens: vec![true],
            title_end: None,
            day_one: false,
        };
        let v = stand_ins(&shape, 0);
        let html = format!(
            "<i>{}</i>, {} {}. {} ({}) <a href=\"{}\">x</a>",
            escape(&v.title),
            escape(&v.names[0].1),
            escape(&v.names[0].0),
            v.day,
            v.year,
            escape(&v.url)
        );
        let t = Template::parse(&html, &v);
        assert_eq!(t.fill(&v), html);
        assert!(!t.has_adjacent_slots());
        let touching = Template::parse(&format!("{}{}", escape(&v.title), v.year), &v);
        assert!(touching.has_adjacent_slots());
    }

    mod against_hayagriva {
        use std::collections::BTreeMap;
        use std::path::Path;

        use proptest::prelude::*;

        use crate::{ArticleRef, CitationConfig, CitationEngine};

        const WORDS: [&str; 12] = [
            "Gas",
            "grain",
            "ports",
            "Türkiye’s",
            "strategy",
            "Что",
            "дальше",
            "2025",
            "outlook",
            "U.S.",
            "sanctions",
            "Çağ",
        ];
        const JOINS: [&str; 8] = [" ", " ", " ", ", ", ": ", " – ", " & ", "-"];
        const FAMILIES: [&str; 6] = ["Okafor", "Yılmaz", "Петрова", "O’Neill", "de-Vries", "李"];
        const GIVENS: [&str; 6] = ["Ada", "Mehmet Ali", "Анна", "J. R.", "Zeynep", "Jean-Paul"];
        const ENDS: [&str; 6] = ["", "", "?", ".", ")", "!"];

        fn text(words: &[usize], joins: &[usize], end: usize) -> String {
            let mut s = String::new();
            for (i, w) in words.iter().enumerate() {
                if i > 0 {
                    s.push_str(JOINS[joins[i % joins.len()] % JOINS.len()]);
                }
                s.push_str(WORDS[w % WORDS.len()]);
            }
            s.push_str(ENDS[end % ENDS.len()]);
            s
        }

        fn engine(style: &str) -> CitationEngine {
            let config = CitationConfig {
                style: style.to_string(),
                ..CitationConfig::default()
            };
            CitationEngine::new(&config, Path::new("."), BTreeMap::new()).unwrap()
        }

        /// A one-author article of a fixed publisher, URL and key.
        fn grain_article(title: &str, date: (i32, u8, u8), lang: &str) -> ArticleRef {
            ArticleRef {
                title: title.into(),
                authors: vec!["Ada Okafor".into()],
                date,
                updated: None,
                url: "https://example.org/analysis/grain/".into(),
                publisher: "Caspian Policy Forum".into(),
                lang: lang.into(),
                section: "analysis".into(),
                key: "grain".into(),
            }
        }

        #[test]
        fn a_plain_article_uses_the_template() {
            for (style, lang) in [
                ("chicago-notes", "en"),
                ("chicago-notes", "tr"),
                ("chicago-notes", "ru"),
                ("chicago-author-date", "tr"),
            ] {
                let e = engine(style);
                let a = grain_article("Grain corridors after the war", (2024, 5, 17), lang);
                let html = e.cite_article(&a, lang);
                assert_eq!(html, e.render_article(&a, lang));
                let shapes = e.memo().templates.shapes.lock().unwrap();
                assert_eq!(shapes.len(), 1);
                assert!(
                    shapes.values().all(Option::is_some),
                    "{style} {lang} takes a template"
                );
            }
        }

        #[test]
        fn closing_punctuation_and_day_one_use_a_template() {
            for (style, lang) in [
                ("chicago-notes", "en"),
                ("chicago-notes", "ru"),
                ("chicago-author-date", "tr"),
            ] {
                let e = engine(style);
                for (title, day) in [
                    ("Is the grain corridor over?", 1),
                    ("Ports reopen (again)", 14),
                    ("Gas prices fall!", 1),
                    ("Sanctions and the U.S.", 9),
                ] {
                    let a = grain_article(title, (2024, 3, day), lang);
                    let templated = e
                        .memo()
                        .templates
                        .cite(&a, lang, |x| e.render_article(x, lang));
                    assert_eq!(
                        templated.as_deref(),
                        Some(e.render_article(&a, lang).as_str()),
                        "{style} {lang} {title:?} day {day}"
                    );
                }
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(40))]
            /// Whatever the values, the template gives byte for byte what
            /// hayagriva gives for the article, in every built-in style.
            #[test]
            fn templated_equals_hayagriva(
                title in (prop::collection::vec(0usize..12, 1..6), prop::collection::vec(0usize..8, 1..4), 0usize..6),
                authors in prop::collection::vec((0usize..6, 0usize..7), 0..4),
                date in (1995i32..2031, 1u8..13, 1u8..29),
                slug in "[a-z0-9-]{1,12}",
                lang in prop::sample::select(vec!["en", "tr", "ru"]),
                style in prop::sample::select(crate::style::BUILT_IN.to_vec()),
            ) {
                let e = engine(style);
                let a = ArticleRef {
                    title: text(&title.0, &title.1, title.2),
                    authors: authors
                        .iter()
                        .map(|(f, g)| match g {
                            6 => FAMILIES[*f].to_string(),
                            g => format!("{} {}", GIVENS[*g], FAMILIES[*f]),
                        })
                        .collect(),
                    date,
                    updated: None,
                    url: format!("https://example.org/{lang}/analysis/{slug}/"),
                    publisher: text(&title.1, &title.0, 0),
                    lang: lang.to_string(),
                    section: "analysis".into(),
                    key: slug.clone(),
                };
                // Twice: the second call of a shape reads the stored template.
                for _ in 0..2 {
                    let expected = e.render_article(&a, lang);
                    let got = e.memo().templates.cite(&a, lang, |x| e.render_article(x, lang));
                    if let Some(got) = got {
                        prop_assert_eq!(got, expected);
                    }
                }
            }
        }
    }
}
