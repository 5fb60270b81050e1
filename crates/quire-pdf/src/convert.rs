//! Rendered, sanitized article HTML → Typst markup.
//!
//! The HTML is read by a real parser (`scraper`, html5ever underneath); the
//! walk below maps the elements articles use onto Typst functions, always in
//! function-call form (`#strong[…]`, `#list([…], […])`) so that no output
//! depends on line starts or indentation. Every piece of text is escaped
//! ([`escape_text`]), so whatever a writer typed prints as written and never
//! becomes markup. This module knows HTML and Typst syntax, not the site.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use scraper::{ElementRef, Html, Node};
use url::Url;

/// Appends `text` to `out` as literal Typst markup text: ASCII punctuation
/// (every character Typst's markup gives a meaning: `#`, `*`, `_`, `=`,
/// `$`, `<`, `@`, `/`, `\`, brackets, quotes…) is backslash-escaped, and
/// control characters and white space other than a plain space as Unicode
/// escapes, so that they stay text instead of breaking lines or paragraphs.
pub fn escape_text(text: &str, out: &mut String) {
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
            out.push(c);
        } else if c.is_control() || (c.is_whitespace() && c != ' ') {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
}

/// `text` as a Typst string literal (code mode), quotes included.
pub fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Collapses runs of HTML white space (space, tab, line feed, form feed,
/// carriage return) into one space, as a browser lays the text out.
fn collapse_space(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for c in text.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\x0C' | '\r') {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

/// Where the converter finds what the HTML refers to.
pub struct Context<'a> {
    /// Note number → the note's inner HTML.
    pub notes: &'a BTreeMap<usize, String>,
    /// Image `src` as written → the virtual path Typst reads it from.
    pub images: &'a BTreeMap<String, String>,
    /// The page's URL: relative links resolve against it.
    pub base: Option<&'a Url>,
}

/// Converts HTML fragments of one article; keeps what spans fragments
/// (footnotes already placed, warnings).
pub struct Converter<'a> {
    cx: Context<'a>,
    /// Notes already placed as footnotes (a second marker refers back).
    placed: BTreeSet<usize>,
    /// The number Typst's footnote counter gives the next new footnote.
    next_footnote: usize,
    /// Nesting depth of footnote bodies (markers inside notes are text).
    in_note: usize,
    /// What could not be carried over (missing images or notes).
    warnings: Vec<String>,
}

impl<'a> Converter<'a> {
    /// A converter for one article.
    pub fn new(cx: Context<'a>) -> Self {
        Converter {
            cx,
            placed: BTreeSet::new(),
            next_footnote: 1,
            in_note: 0,
            warnings: Vec::new(),
        }
    }

    /// Typst markup for an HTML fragment.
    pub fn fragment(&mut self, html: &str) -> String {
        let doc = Html::parse_fragment(html);
        let mut out = String::with_capacity(html.len());
        self.children(doc.root_element(), &mut out);
        out
    }

    /// Notes no marker of the body pointed to, in number order.
    pub fn unplaced_notes(&self) -> Vec<usize> {
        self.cx
            .notes
            .keys()
            .copied()
            .filter(|n| !self.placed.contains(n))
            .collect()
    }

    /// A footnote for note `n` at this point (for notes no marker placed).
    pub fn footnote(&mut self, n: usize, out: &mut String) {
        self.note_ref(n, out);
    }

    /// The warnings gathered so far.
    pub fn into_warnings(self) -> Vec<String> {
        self.warnings
    }

    fn children(&mut self, el: ElementRef<'_>, out: &mut String) {
        for child in el.children() {
            match child.value() {
                Node::Text(text) => escape_text(&collapse_space(text), out),
                Node::Element(_) => {
                    if let Some(child) = ElementRef::wrap(child) {
                        self.element(child, out);
                    }
                }
                _ => {}
            }
        }
    }

    /// The children of `el` as a Typst content block `[…]`.
    fn block(&mut self, el: ElementRef<'_>, out: &mut String) {
        out.push('[');
        self.children(el, out);
        out.push(']');
    }

    fn wrap(&mut self, func: &str, el: ElementRef<'_>, out: &mut String) {
        out.push('#');
        out.push_str(func);
        self.block(el, out);
    }

    fn element(&mut self, el: ElementRef<'_>, out: &mut String) {
        let name = el.value().name();
        let has_class = |c: &str| el.value().classes().any(|k| k == c);
        match name {
            // Navigation back to the text means nothing on paper.
            "a" if has_class("footnote-backref") => {}
            "a" if el.value().attr("role") == Some("doc-noteref") => self.marker(el, out),
            "a" => self.link(el, out),
            "p" => {
                out.push_str("\n\n");
                self.children(el, out);
                out.push_str("\n\n");
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                // The article title is the document's title; the body's
                // `h2` is the first heading level of the edition.
                let level = (name.as_bytes()[1] - b'0').saturating_sub(1).max(1);
                let _ = write!(out, "\n\n#heading(level: {level})");
                self.block(el, out);
                out.push_str("\n\n");
            }
            "em" | "i" | "cite" | "dfn" => self.wrap("emph", el, out),
            "strong" | "b" => self.wrap("strong", el, out),
            "s" | "del" | "strike" => self.wrap("strike", el, out),
            "u" | "ins" => self.wrap("underline", el, out),
            "mark" => self.wrap("highlight", el, out),
            "sub" => self.wrap("sub", el, out),
            "sup" if el.select(&noteref_selector()).next().is_some() => self.children(el, out),
            "sup" => self.wrap("super", el, out),
            "small" => self.wrap("text(size: 0.85em)", el, out),
            "br" => out.push_str("#linebreak()"),
            "hr" => out.push_str("\n\n#line(length: 100%, stroke: 0.5pt)\n\n"),
            "code" | "kbd" | "samp" | "var" => {
                let _ = write!(
                    out,
                    "#raw({})",
                    string_literal(&el.text().collect::<String>())
                );
            }
            "pre" => self.pre(el, out),
            "blockquote" => {
                out.push_str("\n\n#quote(block: true)");
                self.block(el, out);
                out.push_str("\n\n");
            }
            "ul" | "ol" => self.list(el, out),
            "dl" => self.terms(el, out),
            "table" => self.table(el, out),
            "figure" => self.figure(el, out),
            "img" => self.image(el, None, out),
            "figcaption" | "caption" => {
                out.push_str("\n\n#emph");
                self.block(el, out);
                out.push_str("\n\n");
            }
            // Containers and inline wrappers: only the language they name
            // matters on paper (hyphenation, quotes, shaping of a passage).
            _ => match el.value().attr("lang").filter(|l| is_lang_code(l)) {
                Some(lang) => {
                    let _ = write!(
                        out,
                        "#text(lang: {})",
                        string_literal(&primary_subtag(lang))
                    );
                    self.block(el, out);
                }
                None => self.children(el, out),
            },
        }
    }

    /// A note marker: the note itself as a page footnote the first time,
    /// a reference to that footnote after.
    fn marker(&mut self, el: ElementRef<'_>, out: &mut String) {
        let number = el
            .value()
            .attr("href")
            .and_then(|h| h.strip_prefix("#fn-"))
            .and_then(|n| n.parse::<usize>().ok());
        match number {
            Some(n) if self.in_note == 0 => self.note_ref(n, out),
            // A marker inside a note, or one without a number: its text.
            _ => self.wrap("super", el, out),
        }
    }

    fn note_ref(&mut self, n: usize, out: &mut String) {
        if self.placed.contains(&n) {
            let _ = write!(out, "#footnote(<fn-{n}>)");
            return;
        }
        let Some(html) = self.cx.notes.get(&n) else {
            self.warnings.push(format!(
                "note {n} is marked in the text but has no note text"
            ));
            return;
        };
        // The web's numbers are the edition's: when notes are placed out of
        // order, the footnote counter is set to the note's number first.
        if n != self.next_footnote {
            let _ = write!(out, "#counter(footnote).update({})", n - 1);
        }
        self.placed.insert(n);
        self.next_footnote = n + 1;
        let html = html.clone();
        let doc = Html::parse_fragment(&html);
        self.in_note += 1;
        out.push_str("#footnote[");
        self.children(doc.root_element(), out);
        out.push(']');
        self.in_note -= 1;
        let _ = write!(out, "<fn-{n}>");
    }

    fn link(&mut self, el: ElementRef<'_>, out: &mut String) {
        let target = el.value().attr("href").and_then(|h| self.absolute(h));
        match target {
            Some(url) => {
                let _ = write!(out, "#link({})", string_literal(&url));
                self.block(el, out);
            }
            None => self.children(el, out),
        }
    }

    /// An `href` as an absolute URL a PDF reader can open; `None` for a
    /// link within the page or one that does not resolve.
    fn absolute(&self, href: &str) -> Option<String> {
        if href.starts_with('#') {
            return None;
        }
        let url = match Url::parse(href) {
            Ok(url) => url,
            Err(url::ParseError::RelativeUrlWithoutBase) => self.cx.base?.join(href).ok()?,
            Err(_) => return None,
        };
        matches!(url.scheme(), "http" | "https" | "mailto" | "tel").then(|| url.to_string())
    }

    fn pre(&mut self, el: ElementRef<'_>, out: &mut String) {
        let lang = el
            .select(&code_selector())
            .next()
            .and_then(|code| {
                code.value()
                    .classes()
                    .find_map(|c| c.strip_prefix("language-"))
            })
            .map(|l| format!(", lang: {}", string_literal(l)))
            .unwrap_or_default();
        let text: String = el.text().collect();
        let text = text.strip_suffix('\n').unwrap_or(&text);
        let _ = write!(
            out,
            "\n\n#raw(block: true{lang}, {})\n\n",
            string_literal(text)
        );
    }

    fn list(&mut self, el: ElementRef<'_>, out: &mut String) {
        let ordered = el.value().name() == "ol";
        let func = if ordered { "enum" } else { "list" };
        let _ = write!(out, "\n\n#{func}(");
        let start = el
            .value()
            .attr("start")
            .and_then(|s| s.trim().parse::<u32>().ok());
        if let Some(start) = start.filter(|_| ordered) {
            let _ = write!(out, "start: {start}, ");
        }
        for item in child_elements(el).filter(|c| c.value().name() == "li") {
            self.block(item, out);
            out.push_str(", ");
        }
        out.push_str(")\n\n");
    }

    fn terms(&mut self, el: ElementRef<'_>, out: &mut String) {
        for item in child_elements(el) {
            match item.value().name() {
                "dt" => {
                    out.push_str("\n\n#strong");
                    self.block(item, out);
                    out.push_str("\n\n");
                }
                _ => {
                    out.push_str("\n\n#pad(left: 1.5em)");
                    self.block(item, out);
                    out.push_str("\n\n");
                }
            }
        }
    }

    fn table(&mut self, el: ElementRef<'_>, out: &mut String) {
        let rows: Vec<(ElementRef<'_>, bool)> = el
            .select(&row_selector())
            .map(|row| {
                let head = row
                    .parent()
                    .and_then(ElementRef::wrap)
                    .is_some_and(|p| p.value().name() == "thead");
                (row, head)
            })
            .collect();
        let columns = rows
            .iter()
            .map(|(row, _)| {
                child_elements(*row)
                    .filter(|c| matches!(c.value().name(), "td" | "th"))
                    .map(|c| span(c, "colspan"))
                    .sum::<usize>()
            })
            .max()
            .unwrap_or(1)
            .max(1);
        let caption = el.select(&caption_selector()).next();
        if caption.is_some() {
            out.push_str("\n\n#figure(kind: table, ");
        } else {
            out.push_str("\n\n");
        }
        let _ = write!(out, "#table(columns: {columns}, ");
        let header: Vec<_> = rows
            .iter()
            .filter(|(_, head)| *head)
            .map(|(r, _)| *r)
            .collect();
        if !header.is_empty() {
            out.push_str("table.header(");
            for row in &header {
                self.cells(*row, out);
            }
            out.push_str("), ");
        }
        for (row, _) in rows.iter().filter(|(_, head)| !*head) {
            self.cells(*row, out);
        }
        out.push(')');
        if let Some(caption) = caption {
            out.push_str(", caption: ");
            self.block(caption, out);
            out.push(')');
        }
        out.push_str("\n\n");
    }

    fn cells(&mut self, row: ElementRef<'_>, out: &mut String) {
        for cell in child_elements(row).filter(|c| matches!(c.value().name(), "td" | "th")) {
            let (cols, rows) = (span(cell, "colspan"), span(cell, "rowspan"));
            let align = match cell.value().attr("style").map(|s| s.replace(' ', "")) {
                Some(s) if s.contains("text-align:right") => Some("end"),
                Some(s) if s.contains("text-align:center") => Some("center"),
                _ => None,
            };
            if cols > 1 || rows > 1 || align.is_some() {
                let _ = write!(out, "table.cell(colspan: {cols}, rowspan: {rows}");
                if let Some(align) = align {
                    let _ = write!(out, ", align: {align}");
                }
                out.push(')');
            }
            if cell.value().name() == "th" {
                out.push_str("[#strong");
                self.block(cell, out);
                out.push(']');
            } else {
                self.block(cell, out);
            }
            out.push_str(", ");
        }
    }

    fn figure(&mut self, el: ElementRef<'_>, out: &mut String) {
        let caption = child_elements(el).find(|c| c.value().name() == "figcaption");
        match el.select(&img_selector()).next() {
            Some(img) => self.image(img, caption, out),
            None => self.children(el, out),
        }
    }

    fn image(&mut self, img: ElementRef<'_>, caption: Option<ElementRef<'_>>, out: &mut String) {
        let src = img.value().attr("src").unwrap_or_default();
        let alt = img.value().attr("alt").unwrap_or_default();
        let Some(path) = self.cx.images.get(src) else {
            self.warnings.push(format!(
                "image `{src}` is not among the article's files; its description is printed instead"
            ));
            out.push_str("#emph[");
            escape_text(&collapse_space(alt), out);
            out.push(']');
            return;
        };
        let image = format!(
            "image({}, alt: {}, width: 100%)",
            string_literal(path),
            string_literal(alt)
        );
        match caption {
            Some(caption) => {
                let _ = write!(out, "\n\n#figure({image}, caption: ");
                self.block(caption, out);
                out.push_str(")\n\n");
            }
            None => {
                let _ = write!(out, "\n\n#block(breakable: false, {image})\n\n");
            }
        }
    }
}

/// A `colspan`/`rowspan` value: 1 unless a sane number is given.
fn span(cell: ElementRef<'_>, attr: &str) -> usize {
    cell.value()
        .attr(attr)
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| (1..=100).contains(n))
        .unwrap_or(1)
}

fn child_elements<'b>(el: ElementRef<'b>) -> impl Iterator<Item = ElementRef<'b>> {
    el.children().filter_map(ElementRef::wrap)
}

/// Whether `lang` looks like a language tag (`tr`, `pt-BR`): anything else
/// in a `lang` attribute is ignored rather than handed to Typst.
fn is_lang_code(lang: &str) -> bool {
    let primary = primary_subtag(lang);
    (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_lowercase())
}

/// The primary language subtag, lower-cased (`pt-BR` → `pt`).
pub fn primary_subtag(lang: &str) -> String {
    lang.split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

fn selector(css: &str) -> scraper::Selector {
    // The selectors are literals of this file; a parse failure is a bug
    // caught by every test that converts a body.
    scraper::Selector::parse(css).expect("static selector")
}

fn noteref_selector() -> scraper::Selector {
    selector("a[role=doc-noteref]")
}

fn code_selector() -> scraper::Selector {
    selector("code")
}

fn row_selector() -> scraper::Selector {
    selector("tr")
}

fn caption_selector() -> scraper::Selector {
    selector("caption")
}

fn img_selector() -> scraper::Selector {
    selector("img")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use typst::syntax::{SyntaxKind, SyntaxNode};

    fn convert(html: &str, notes: &[(usize, &str)]) -> (String, Vec<String>) {
        let notes: BTreeMap<usize, String> =
            notes.iter().map(|(n, h)| (*n, (*h).to_owned())).collect();
        let images = BTreeMap::from([("map.png".to_owned(), "/assets/0.png".to_owned())]);
        let base = Url::parse("https://example.org/analysis/a/").unwrap();
        let mut converter = Converter::new(Context {
            notes: &notes,
            images: &images,
            base: Some(&base),
        });
        let out = converter.fragment(html);
        (out, converter.into_warnings())
    }

    /// The text a markup tree prints, and every syntax kind that is not
    /// plain text in it.
    fn printed(node: &SyntaxNode, text: &mut String, markup: &mut Vec<SyntaxKind>) {
        match node.kind() {
            SyntaxKind::Markup => node.children().for_each(|c| printed(c, text, markup)),
            SyntaxKind::Text => text.push_str(node.text()),
            SyntaxKind::Space => text.push(' '),
            SyntaxKind::Parbreak => {}
            SyntaxKind::Escape => {
                let escape = &node.text()[1..];
                match escape.strip_prefix("u{").and_then(|h| h.strip_suffix('}')) {
                    Some(hex) => {
                        text.push(char::from_u32(u32::from_str_radix(hex, 16).unwrap()).unwrap())
                    }
                    None => text.push_str(escape),
                }
            }
            other => markup.push(other),
        }
    }

    proptest! {
        /// Whatever a writer typed reaches Typst as literal text: parsing
        /// the converted paragraph gives text nodes only, and the text they
        /// print is the paragraph's text as a browser collapses it.
        #[test]
        fn text_is_never_markup(s in "[ -~\u{a0}\u{2028}\u{85}ığşİёЖع\t\n]{0,60}|\\PC{0,40}") {
            let html = format!("<p>{}</p>", s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;"));
            let expected: String = Html::parse_fragment(&html).root_element().text().collect();
            let expected = collapse_space(&expected);
            let (markup, _) = convert(&html, &[]);
            let root = typst::syntax::parse(&markup);
            prop_assert!(root.errors().is_empty(), "{:?} in {markup:?}", root.errors());
            let (mut text, mut kinds) = (String::new(), Vec::new());
            printed(&root, &mut text, &mut kinds);
            prop_assert!(kinds.is_empty(), "markup {kinds:?} from {markup:?}");
            prop_assert_eq!(text.trim_matches(' '), expected.trim_matches(' '));
        }

        /// A string literal evaluates back to the string.
        #[test]
        fn string_literals_round_trip(s in "\\PC{0,40}|[\"\\\\\n\r\t\u{0}-\u{1f}]{0,20}") {
            let code = typst::syntax::parse_code(&string_literal(&s));
            prop_assert!(code.errors().is_empty());
            let node = code.children().next().expect("one literal");
            let literal = node.cast::<typst::syntax::ast::Str>().expect("a string literal");
            let value = literal.get();
            prop_assert_eq!(value.as_str(), s.as_str());
        }
    }

    #[test]
    fn elements_map_to_typst_functions() {
        for (html, expected) in [
            (
                "<p>a <em>b</em> <strong>c</strong></p>",
                "a #emph[b] #strong[c]",
            ),
            ("<h2>Scope</h2>", "#heading(level: 1)[Scope]"),
            ("<h3>Detail</h3>", "#heading(level: 2)[Detail]"),
            ("<ul><li>one</li><li>two</li></ul>", "#list([one], [two], )"),
            ("<ol start=\"3\"><li>x</li></ol>", "#enum(start: 3, [x], )"),
            ("<p><code>a\"b</code></p>", "#raw(\"a\\\"b\")"),
            (
                "<pre><code class=\"language-rust\">fn a() {}\n</code></pre>",
                "#raw(block: true, lang: \"rust\", \"fn a() {}\")",
            ),
            ("<blockquote><p>q</p></blockquote>", "#quote(block: true)["),
            (
                "<p><a href=\"/b/\">b</a></p>",
                "#link(\"https://example.org/b/\")[b]",
            ),
            ("<p><a href=\"#top\">t</a></p>", "t"),
            (
                "<p><span lang=\"tr\">ılık</span></p>",
                "#text(lang: \"tr\")[ılık]",
            ),
            (
                "<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td colspan=\"2\">c</td></tr></tbody></table>",
                "#table(columns: 2, table.header([#strong[A]], [#strong[B]], ), table.cell(colspan: 2, rowspan: 1)[c], )",
            ),
            (
                "<figure><img src=\"map.png\" alt=\"A map\"><figcaption>Ports</figcaption></figure>",
                "#figure(image(\"/assets/0.png\", alt: \"A map\", width: 100%), caption: [Ports])",
            ),
        ] {
            let (out, warnings) = convert(html, &[]);
            assert!(
                out.contains(expected),
                "{html}\n→ {out}\nexpected {expected}"
            );
            assert!(warnings.is_empty(), "{warnings:?}");
            assert!(typst::syntax::parse(&out).errors().is_empty(), "{out}");
        }
    }

    #[test]
    fn notes_become_footnotes_with_the_web_numbers() {
        let marker = |n: usize| {
            format!(
                "<sup class=\"footnote-ref\"><a href=\"#fn-{n}\" role=\"doc-noteref\">{n}</a></sup>"
            )
        };
        let html = format!("<p>a{}b{}c{}</p>", marker(1), marker(2), marker(1));
        let (out, _) = convert(
            &html,
            &[
                (
                    1,
                    "One <a class=\"footnote-backref\" href=\"#fnref-1\">↩</a>",
                ),
                (2, "Two"),
            ],
        );
        assert_eq!(
            out.trim(),
            "a#footnote[One ]<fn-1>b#footnote[Two]<fn-2>c#footnote(<fn-1>)"
        );
        // Out of order, the counter is set so that the number stays the web's.
        let (out, _) = convert(&format!("<p>x{}</p>", marker(3)), &[(3, "Three")]);
        assert_eq!(
            out.trim(),
            "x#counter(footnote).update(2)#footnote[Three]<fn-3>"
        );
    }

    #[test]
    fn a_marker_without_its_note_warns() {
        let (out, warnings) = convert("<p>x<a href=\"#fn-9\" role=\"doc-noteref\">9</a></p>", &[]);
        assert_eq!(out.trim(), "x");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }
}
