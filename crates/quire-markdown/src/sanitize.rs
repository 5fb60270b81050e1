//! The author's raw HTML: one allowlist, applied by `ammonia`, and a report
//! of what it removes.
//!
//! A body, note, section intro or bio that holds raw HTML is rendered as
//! usual and then the whole fragment goes through `ammonia` with this
//! allowlist, which also covers everything the Markdown renderer writes
//! (so quire's own markup passes unchanged in meaning). A fragment without
//! raw HTML is not touched at all: most articles cost nothing and stay
//! byte for byte as they were. Note markers and citations are still
//! placeholders at this point, so the markup quire writes for them later
//! never meets the sanitizer.
//!
//! The report ([`report`]) reads each raw HTML fragment with a small tag
//! scanner against the same tables, so `quire check` can say what was
//! removed and where; the removing itself is ammonia's.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use quire_core::link::{is_allowed_link, shorten};

use crate::placeholder::{CLOSE, OPEN, has_placeholder_char};

/// What to do with raw HTML in Markdown (`[security] raw_html` in
/// `quire.toml`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum RawHtml {
    /// Keep only allowlisted elements and attributes (the default).
    #[default]
    Sanitize,
    /// Publish raw HTML as written: for sites that trust every writer.
    Trust,
}

/// Elements kept. Everything the Markdown renderer writes is here too.
const TAGS: &[&str] = &[
    "a",
    "abbr",
    "audio",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "section",
    "small",
    "source",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "track",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
];

/// Attributes kept on every kept element.
const GENERIC_ATTRIBUTES: &[&str] = &["class", "dir", "id", "lang", "title"];

/// Attributes kept on one element. `href` and `src` must also pass the
/// link scheme rule ([`quire_core::link`]).
const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "hreflang"]),
    ("img", &["alt", "height", "src", "width"]),
    ("ol", &["reversed", "start", "type"]),
    ("li", &["value"]),
    ("td", &["colspan", "headers", "rowspan"]),
    ("th", &["abbr", "colspan", "headers", "rowspan", "scope"]),
    ("col", &["span"]),
    ("colgroup", &["span"]),
    ("del", &["datetime"]),
    ("ins", &["datetime"]),
    ("time", &["datetime"]),
    ("data", &["value"]),
    ("details", &["open"]),
    // Media an imported WordPress post carries (`wp:video`, `[audio]`):
    // playback controls only, no autoplay.
    (
        "video",
        &[
            "controls", "height", "loop", "muted", "poster", "preload", "src", "width",
        ],
    ),
    ("audio", &["controls", "loop", "muted", "preload", "src"]),
    ("source", &["src", "type"]),
    ("track", &["default", "kind", "label", "src", "srclang"]),
];

/// The one `style` kept: a table column's alignment, as the Markdown
/// renderer writes it.
const ALIGN_STYLES: &[&str] = &[
    "text-align: left",
    "text-align: center",
    "text-align: right",
];

/// Elements removed together with their content.
const CLEAN_CONTENT_TAGS: &[&str] = &["script", "style"];

/// Elements whose content a browser reads as text, not markup.
const RAW_TEXT_TAGS: &[&str] = &[
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
];

/// Where a removal message sends the reader.
const HINT: &str = "see [security] raw_html in quire.toml";

/// Why a link is not published.
pub(crate) const SCHEME_RULE: &str =
    "only http, https, mailto, tel and relative links are published";

fn builder() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::empty();
        let tag_attributes: HashMap<&str, HashSet<&str>> = TAG_ATTRIBUTES
            .iter()
            .map(|(tag, attrs)| (*tag, attrs.iter().copied().collect()))
            .collect();
        let align: HashSet<&str> = ALIGN_STYLES.iter().copied().collect();
        let styles: HashMap<&str, HashMap<&str, HashSet<&str>>> = ["td", "th"]
            .into_iter()
            .map(|tag| (tag, HashMap::from([("style", align.clone())])))
            .collect();
        b.tags(TAGS.iter().copied().collect())
            .clean_content_tags(CLEAN_CONTENT_TAGS.iter().copied().collect())
            .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
            .tag_attributes(tag_attributes)
            .tag_attribute_values(styles)
            .url_schemes(quire_core::link::ALLOWED_SCHEMES.into_iter().collect())
            .url_relative(ammonia::UrlRelative::PassThrough)
            .link_rel(None)
            .strip_comments(true);
        b
    })
}

/// True when `attr` (lower-case) with `value` is kept on `tag`.
fn attribute_allowed(tag: &str, attr: &str, value: &str) -> bool {
    GENERIC_ATTRIBUTES.contains(&attr)
        || TAG_ATTRIBUTES
            .iter()
            .any(|(t, attrs)| *t == tag && attrs.contains(&attr))
        || (matches!(tag, "td" | "th")
            && attr == "style"
            && ALIGN_STYLES.contains(&value.trim().to_ascii_lowercase().as_str()))
}

/// True when a heading written with `{key=value}` keeps the attribute.
pub(crate) fn heading_attribute_allowed(attr: &str) -> bool {
    GENERIC_ATTRIBUTES.contains(&attr.to_ascii_lowercase().as_str())
}

/// The message for an attribute removed from a heading.
pub(crate) fn heading_attribute_message(attr: &str) -> String {
    format!("attribute `{attr}` removed from a heading ({HINT})")
}

/// Sanitizes a rendered fragment that holds raw HTML. Placeholders the
/// renderer wrote survive; any that the author's character references
/// would forge once decoded are written back as references.
pub(crate) fn clean(html: &str) -> String {
    let ours = placeholders(html);
    let cleaned = builder().clean(html).to_string();
    keep_placeholders(&cleaned, ours)
}

/// The placeholders written literally in `html` (the renderer escapes the
/// author's placeholder characters, so every literal one is the renderer's).
fn placeholders(html: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    if !has_placeholder_char(html) {
        return out;
    }
    let mut rest = html;
    while let Some(start) = rest.find(OPEN) {
        let after = &rest[start + OPEN.len_utf8()..];
        match after.find([OPEN, CLOSE]) {
            Some(end) if after[end..].starts_with(CLOSE) => {
                out.insert(after[..end].to_string());
                rest = &after[end + CLOSE.len_utf8()..];
            }
            _ => rest = after,
        }
    }
    out
}

/// `html` with each of `ours` kept once (its first occurrence) and every
/// other placeholder character written as a character reference.
fn keep_placeholders(html: &str, mut ours: HashSet<String>) -> String {
    if !has_placeholder_char(html) {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len() + 16);
    let mut rest = html;
    while let Some(i) = rest.find([OPEN, CLOSE]) {
        out.push_str(&rest[..i]);
        let c = rest[i..].chars().next().expect("found a character");
        let after = &rest[i + c.len_utf8()..];
        if c == OPEN
            && let Some(end) = after.find([OPEN, CLOSE])
            && after[end..].starts_with(CLOSE)
            && ours.remove(&after[..end])
        {
            out.push(OPEN);
            out.push_str(&after[..end]);
            out.push(CLOSE);
            rest = &after[end + CLOSE.len_utf8()..];
            continue;
        }
        out.push_str(if c == OPEN { "&#xE000;" } else { "&#xE001;" });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// What sanitizing removes from one raw HTML fragment, as (byte offset in
/// `html`, message). Comments are removed without a word: they never show.
pub(crate) fn report(html: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(lt) = memchr::memchr(b'<', &bytes[i..]) {
        let at = i + lt;
        i = at + 1;
        if html[at..].starts_with("<!--") {
            i = html[at + 4..]
                .find("-->")
                .map_or(html.len(), |e| at + 4 + e + 3);
            continue;
        }
        if !bytes.get(at + 1).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let (tag, attributes, end) = read_tag(html, at + 1);
        i = end;
        let raw_text = RAW_TEXT_TAGS.contains(&tag.as_str());
        if CLEAN_CONTENT_TAGS.contains(&tag.as_str()) {
            found.push((
                at,
                format!("raw HTML <{tag}> removed with its content ({HINT})"),
            ));
        } else if !TAGS.contains(&tag.as_str()) {
            found.push((
                at,
                format!("raw HTML <{tag}> removed, its text kept ({HINT})"),
            ));
        } else {
            for (name, value) in attributes {
                if !attribute_allowed(&tag, &name, &value) {
                    found.push((
                        at,
                        format!("attribute `{name}` removed from raw HTML <{tag}> ({HINT})"),
                    ));
                } else if matches!(name.as_str(), "href" | "src")
                    && !is_allowed_link(&decode_references(&value))
                {
                    found.push((
                        at,
                        format!(
                            "`{name}=\"{}\"` removed from raw HTML <{tag}>: {SCHEME_RULE}",
                            shorten(&value, 60)
                        ),
                    ));
                }
            }
        }
        if raw_text {
            // The content is text to a browser: skip to the closing tag.
            let closing = format!("</{tag}");
            i = find_ascii_case_insensitive(&html[i..], &closing).map_or(html.len(), |e| i + e);
        }
    }
    found
}

/// Reads a start tag whose name begins at `from`: the lower-case name, the
/// attributes (lower-case names, values as written) and the byte after `>`.
fn read_tag(html: &str, from: usize) -> (String, Vec<(String, String)>, usize) {
    let bytes = html.as_bytes();
    let stop = |b: u8| b.is_ascii_whitespace() || b == b'/' || b == b'>';
    let mut i = from;
    while i < bytes.len() && !stop(bytes[i]) {
        i += 1;
    }
    let tag = html[from..i].to_ascii_lowercase();
    let mut attributes = Vec::new();
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] == b'>' {
            return (tag, attributes, (i + 1).min(bytes.len()));
        }
        let start = i;
        i += 1; // a name may begin with `=`
        while i < bytes.len() && !stop(bytes[i]) && bytes[i] != b'=' {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = memchr::memchr(q, &bytes[i + 1..]).map_or(bytes.len(), |e| i + 1 + e);
                    value = html[i + 1..end].to_string();
                    i = (end + 1).min(bytes.len());
                }
                _ => {
                    let start = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = html[start..i].to_string();
                }
            }
        }
        attributes.push((name, value));
    }
}

/// The byte index of `needle` (ASCII) in `hay`, ignoring ASCII case.
fn find_ascii_case_insensitive(hay: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// An attribute value with the character references a URL is commonly
/// hidden behind decoded: numeric ones and `&colon;`, `&Tab;`,
/// `&NewLine;`, `&amp;`. (ammonia decodes them all; this only decides what
/// to report.)
fn decode_references(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let named = [
            ("&colon;", ':'),
            ("&Tab;", '\t'),
            ("&NewLine;", '\n'),
            ("&amp;", '&'),
        ]
        .into_iter()
        .find(|(name, _)| rest.starts_with(name));
        if let Some((name, c)) = named {
            out.push(c);
            rest = &rest[name.len()..];
            continue;
        }
        if let Some(num) = rest.strip_prefix("&#") {
            let (hex, digits) = match num.strip_prefix(['x', 'X']) {
                Some(h) => (true, h),
                None => (false, num),
            };
            let len = digits
                .bytes()
                .take_while(|b| {
                    if hex {
                        b.is_ascii_hexdigit()
                    } else {
                        b.is_ascii_digit()
                    }
                })
                .count();
            let code = u32::from_str_radix(&digits[..len], if hex { 16 } else { 10 }).ok();
            if let Some(c) = code.and_then(char::from_u32) {
                out.push(c);
                let used = value.len() - rest.len();
                let mut next = used + 2 + usize::from(hex) + len;
                if value[next..].starts_with(';') {
                    next += 1;
                }
                rest = &value[next..];
                continue;
            }
        }
        out.push('&');
        rest = &rest[1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_and_bad_links_are_removed() {
        let html = "<p>a<script>alert(1)</script><img src=x onerror=\"alert(1)\">\
                    <a href=\"JaVa&#x09;script:alert(1)\">x</a><iframe src=\"https://e.org\"></iframe>\
                    <form action=/x><input name=q></form><style>p{}</style></p>";
        let out = clean(html);
        for bad in [
            "<script",
            "alert(1)",
            "onerror",
            "javascript",
            "<iframe",
            "<form",
            "<input",
            "<style",
        ] {
            assert!(!out.to_ascii_lowercase().contains(bad), "{bad} in {out}");
        }
        assert!(out.contains("<img src=\"x\">"), "{out}");
        assert!(out.contains("<a>x</a>"), "{out}");
    }

    #[test]
    fn what_articles_need_is_kept() {
        let html = "<figure class=\"chart\" id=\"f1\"><img src=\"map.png\" alt=\"Map\" width=\"600\" height=\"400\">\
                    <figcaption>Map <sup>1</sup> <sub>2</sub> <abbr title=\"North Atlantic\">NATO</abbr></figcaption></figure>\n\
                    <details><summary>More</summary><p>Hidden</p></details>\n\
                    <table><thead><tr><th style=\"text-align: center\">A</th></tr></thead><tbody><tr><td style=\"text-align: right\">1</td></tr></tbody></table>\n\
                    <a href=\"https://example.org/\" title=\"t\">e</a> <a href=\"mailto:a@b.org\">m</a> <a href=\"/x/#y\">r</a>\n";
        assert_eq!(clean(html), html);
    }

    #[test]
    fn imported_audio_and_video_are_kept_without_script_urls() {
        let html = "<video controls preload=\"metadata\" src=\"v.mp4\"><track kind=\"captions\" src=\"v.vtt\" srclang=\"en\"></video>\n\
                    <audio controls preload=\"metadata\"><source src=\"s.mp3\" type=\"audio/mpeg\"></audio>\n";
        // html5ever writes boolean attributes with an empty value.
        assert_eq!(clean(html), html.replace("controls ", "controls=\"\" "));
        let hostile = "<video src=\"javascript:alert(1)\" onplay=\"alert(1)\" autoplay></video>";
        let out = clean(hostile);
        assert!(
            !out.contains("javascript") && !out.contains("onplay") && !out.contains("autoplay"),
            "{out}"
        );
    }

    #[test]
    fn placeholders_survive_and_cannot_be_forged() {
        let ours = format!("<p>a{OPEN}N0{CLOSE}<a href=\"{OPEN}L0{CLOSE}\">x</a></p>");
        assert_eq!(clean(&ours), ours);
        // The author's `&#xE000;N1&#xE001;` decodes to placeholder characters.
        let forged = format!("<p>&#xE000;N0&#xE001;{OPEN}N0{CLOSE}<b>&#57344;L7&#57345;</b></p>");
        let out = clean(&forged);
        assert_eq!(out.matches(OPEN).count(), 1, "{out}");
        assert!(out.contains("&#xE000;L7&#xE001;"), "{out}");
    }

    #[test]
    fn reports_name_what_is_removed_and_where() {
        let html = "<div onclick=\"x()\">\n<script>let a = '<b>';</script><img src='data:image/png;base64,AA' alt=a>\
                    <a href=\"&#106;avascript:alert(1)\">j</a><form><!-- <script> --><b class=x>b</b>";
        let found: Vec<(usize, String)> = report(html);
        let messages: Vec<&str> = found.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(found.len(), 5, "{messages:#?}");
        assert!(messages[0].contains("`onclick` removed from raw HTML <div>"));
        assert!(messages[1].contains("<script> removed with its content"));
        assert_eq!(found[1].0, html.find("<script").unwrap());
        assert!(messages[2].contains("`src=\"data:image/png"));
        assert!(messages[3].contains("`href=\"&#106;avascript:alert(1)\"` removed"));
        assert!(messages[4].contains("<form> removed, its text kept"));
    }

    #[test]
    fn references_are_decoded_for_the_scheme_check() {
        assert_eq!(
            decode_references("&#106;ava&#X73;cript&colon;x"),
            "javascript:x"
        );
        assert_eq!(decode_references("a&amp;b&#9java"), "a&b\tjava");
        assert_eq!(
            decode_references("&unknown; & &#xZZ;"),
            "&unknown; & &#xZZ;"
        );
    }
}
