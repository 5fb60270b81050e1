//! hayagriva's rendered element tree → escaped HTML with semantic classes,
//! or plain text.
//!
//! hayagriva's own HTML writer escapes neither text nor URLs (crates.md §4),
//! so every character that reaches a page passes through [`escape`] here.
//! Owns: escaping, markup for formatting, per-item prefixes and appended
//! links, and the Russian genitive month fix. Must not know: notes, ibid.
//! or bibliographies.

use hayagriva::citationberg::{FontStyle, FontVariant, FontWeight, TextDecoration, VerticalAlign};
use hayagriva::{ElemChild, ElemChildren, ElemMeta, Formatted};

/// Escapes text for HTML element content and attribute values (the same
/// entities as the page templates write).
pub fn escape(text: &str) -> String {
    quire_core::escape_html(text)
}

/// What to add around the items of one rendered citation, by the item's
/// index in the request.
#[derive(Default)]
pub(crate) struct Extras<'a> {
    /// Escaped text put before item `i` ("see").
    pub prefixes: &'a [String],
    /// Safe HTML put after item `i` (the archive link).
    pub suffixes: &'a [String],
}

/// Renders `children` as HTML in the language `lang`.
pub(crate) fn to_html(children: &ElemChildren, lang: &str, extras: &Extras<'_>) -> String {
    let mut out = String::new();
    write_children(&mut out, children, lang, extras, false);
    out
}

/// American English puts a note's closing period inside the closing quote
/// (`“Title.”`); hayagriva leaves the layout's suffix outside
/// (`“Title”.`). Fixes that last period for `en` only.
pub(crate) fn period_inside_quote(html: String, lang: &str) -> String {
    if lang != "en" || !html.ends_with('.') {
        return html;
    }
    let body = &html[..html.len() - 1];
    let mut end = body.len();
    while body[..end].ends_with("</span>") {
        end -= "</span>".len();
    }
    match body[..end].strip_suffix('”') {
        Some(before) => format!("{before}.”{}", &body[end..]),
        None => html,
    }
}

/// Renders `children` as plain text in the language `lang`.
pub(crate) fn to_plain(children: &ElemChildren, lang: &str) -> String {
    let mut out = String::new();
    plain_children(&mut out, children, lang, false);
    out
}

fn write_children(
    out: &mut String,
    children: &ElemChildren,
    lang: &str,
    extras: &Extras<'_>,
    in_date: bool,
) {
    for child in &children.0 {
        match child {
            ElemChild::Text(f) => write_formatted(out, f, &fix_text(&f.text, lang, in_date)),
            ElemChild::Markup(m) => out.push_str(&escape(m)),
            // A record's URL with a scheme that may not be published
            // (`javascript:`…) is shown as text, never as a link.
            ElemChild::Link { text, url } if !quire_core::link::is_allowed_link(url) => {
                write_formatted(out, text, &text.text);
            }
            ElemChild::Link { text, url } => {
                out.push_str("<a class=\"cite-url\" href=\"");
                out.push_str(&escape(url));
                out.push_str("\">");
                write_formatted(out, text, &text.text);
                out.push_str("</a>");
            }
            ElemChild::Transparent { .. } => {}
            ElemChild::Elem(elem) => {
                let date = in_date || matches!(elem.meta, Some(ElemMeta::Date));
                let (open, close) = match &elem.meta {
                    Some(ElemMeta::Entry(i)) => {
                        if let Some(p) = extras.prefixes.get(*i).filter(|p| !p.is_empty()) {
                            out.push_str(p);
                            out.push(' ');
                        }
                        ("<span class=\"cite-item\">", "</span>")
                    }
                    // hayagriva nests `cs:names` output; one class is enough.
                    Some(ElemMeta::Names(_)) if !in_names(&elem.children) => {
                        ("<span class=\"cite-names\">", "</span>")
                    }
                    Some(ElemMeta::Date) => ("<span class=\"cite-date\">", "</span>"),
                    _ if elem.display.is_some() => ("<div class=\"cite-block\">", "</div>"),
                    _ => ("", ""),
                };
                out.push_str(open);
                write_children(out, &elem.children, lang, extras, date);
                out.push_str(close);
                if let Some(ElemMeta::Entry(i)) = &elem.meta
                    && let Some(s) = extras.suffixes.get(*i).filter(|s| !s.is_empty())
                {
                    out.push_str(s);
                }
            }
        }
    }
}

/// True when `children` is a single nested names element.
fn in_names(children: &ElemChildren) -> bool {
    matches!(children.0.as_slice(), [ElemChild::Elem(e)] if matches!(e.meta, Some(ElemMeta::Names(_))))
}

fn plain_children(out: &mut String, children: &ElemChildren, lang: &str, in_date: bool) {
    for child in &children.0 {
        match child {
            ElemChild::Text(f) => out.push_str(&fix_text(&f.text, lang, in_date)),
            ElemChild::Markup(m) => out.push_str(m),
            ElemChild::Link { text, .. } => out.push_str(&text.text),
            ElemChild::Transparent { .. } => {}
            ElemChild::Elem(elem) => {
                let date = in_date || matches!(elem.meta, Some(ElemMeta::Date));
                plain_children(out, &elem.children, lang, date);
            }
        }
    }
}

fn write_formatted(out: &mut String, f: &Formatted, text: &str) {
    let fmt = &f.formatting;
    let mut close: Vec<&str> = Vec::new();
    let mut open = |tag: &str, end: &'static str| {
        out.push_str(tag);
        close.push(end);
    };
    if matches!(fmt.font_style, FontStyle::Italic) {
        open("<i>", "</i>");
    }
    if matches!(fmt.font_weight, FontWeight::Bold) {
        open("<b>", "</b>");
    }
    if matches!(fmt.font_variant, FontVariant::SmallCaps) {
        open("<span class=\"smallcaps\">", "</span>");
    }
    if matches!(fmt.text_decoration, TextDecoration::Underline) {
        open("<span class=\"underline\">", "</span>");
    }
    match fmt.vertical_align {
        VerticalAlign::Sup => open("<sup>", "</sup>"),
        VerticalAlign::Sub => open("<sub>", "</sub>"),
        _ => {}
    }
    out.push_str(&escape(text));
    for end in close.iter().rev() {
        out.push_str(end);
    }
}

/// Russian CSL month terms are nominative ("3 апрель"); after a day number
/// Russian needs the genitive ("3 апреля"). CSL 1.0 has no case forms for
/// months, so dates are corrected here.
fn fix_text(text: &str, lang: &str, in_date: bool) -> String {
    if !in_date || lang != "ru" {
        return text.to_string();
    }
    const MONTHS: [(&str, &str); 12] = [
        ("январь", "января"),
        ("февраль", "февраля"),
        ("март", "марта"),
        ("апрель", "апреля"),
        ("май", "мая"),
        ("июнь", "июня"),
        ("июль", "июля"),
        ("август", "августа"),
        ("сентябрь", "сентября"),
        ("октябрь", "октября"),
        ("ноябрь", "ноября"),
        ("декабрь", "декабря"),
    ];
    let words: Vec<&str> = text.split(' ').collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        let after_day =
            i > 0 && words[i - 1].chars().all(|c| c.is_ascii_digit()) && !words[i - 1].is_empty();
        let genitive = MONTHS.iter().find(|(nom, _)| nom == w).map(|(_, g)| *g);
        match genitive {
            Some(g) if after_day => out.push(g.to_string()),
            _ => out.push((*w).to_string()),
        }
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("a<b & \"c\" 'd'"),
            "a&lt;b &amp; &quot;c&quot; &#39;d&#39;"
        );
    }

    #[test]
    fn closing_period_moves_inside_american_quotes() {
        let note = "<span>“Title”</span>.".to_string();
        assert_eq!(
            period_inside_quote(note.clone(), "en"),
            "<span>“Title.”</span>"
        );
        assert_eq!(period_inside_quote(note.clone(), "tr"), note);
        assert_eq!(period_inside_quote("Ibid.".into(), "en"), "Ibid.");
    }

    #[test]
    fn russian_months_take_the_genitive_after_a_day_only() {
        assert_eq!(fix_text("3 апрель 2024 г.", "ru", true), "3 апреля 2024 г.");
        assert_eq!(fix_text("май 2024 г.", "ru", true), "май 2024 г.");
        assert_eq!(fix_text("3 апрель", "ru", false), "3 апрель");
        assert_eq!(fix_text("3 апрель", "tr", true), "3 апрель");
    }
}
