//! Small text helpers shared by the reader, the planner and the converter:
//! HTML entities (decoded by `html-escape`), tags, percent-encoding, slugs and URL paths.
//!
//! Owns: the exact rules for turning WordPress's stored strings (titles
//! with entities and markup, percent-encoded slugs, old links) into plain
//! text, URL segments and normalised paths.
//! Must not know: files, the export format, or the plan.

/// Decodes every HTML entity (`&amp;`, `&nbsp;`, `&#8217;`, `&hellip;` …)
/// by HTML's table (the `html-escape` crate); an `&` that does not start a
/// known entity ending in `;` is kept as written.
pub(crate) fn decode_entities(text: &str) -> String {
    html_escape::decode_html_entities(text).into_owned()
}

/// Removes tags (`<em>`, `</b>`, `<br/>`), keeping the text between them.
pub(crate) fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// HTML (a title, an excerpt) → one line of plain text.
pub(crate) fn plain_line(html: &str) -> String {
    decode_entities(&strip_tags(html))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// WordPress stores non-ASCII slugs and paths percent-encoded (`%d1%80…`).
pub(crate) fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// A WordPress slug as one URL segment, kept as given: percent-decoded,
/// lower-cased (so that slugs differing only in case are the same URL on
/// every file system), every character that is not a letter or digit
/// becoming `-`. Persian, Greek or Russian slugs stay in their script;
/// ASCII ones come out as `quire_core::slugify` makes them.
pub(crate) fn url_segment(slug: &str) -> String {
    let decoded = percent_decode(slug);
    if decoded.is_ascii() {
        return quire_core::slugify(&decoded);
    }
    let mut out = String::with_capacity(decoded.len());
    let mut dash = false;
    for c in decoded.chars().flat_map(char::to_lowercase) {
        // Combining marks (Persian vowel signs, Greek accents) belong to
        // their letter.
        if c.is_alphanumeric() || is_mark(c) {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    out
}

/// Unicode combining marks and the zero-width (non-)joiner Persian writes with.
fn is_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A
        | 0x064B..=0x065F | 0x0670 | 0x06D6..=0x06ED | 0x0900..=0x0903
        | 0x093A..=0x094F | 0x200C | 0x200D)
}

/// The path of an old link, normalised for comparison: percent-decoded,
/// `.` and `..` segments resolved as a browser does, no query or fragment,
/// lower-cased, always ending in `/`. `None` for an empty path.
pub(crate) fn normal_path(path: &str) -> Option<String> {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path);
    let segments = resolve_segments(&decoded);
    let mut out = String::from("/");
    for seg in segments {
        out.push_str(seg);
        out.push('/');
    }
    Some(out.to_lowercase())
}

/// The segments of a path with empty and `.` segments dropped and `..`
/// resolved, as a browser resolves them.
fn resolve_segments(path: &str) -> Vec<&str> {
    let mut segments = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    segments
}

/// An alias (an old URL path to redirect) made safe for the build: its
/// `.`/`..` segments resolved, percent-decoded, without a fragment. `None`
/// when nothing usable is left or it holds whitespace or control characters
/// (which could split a `_redirects` line).
pub(crate) fn alias_path(path: &str) -> Option<String> {
    let path = path.split('#').next().unwrap_or("");
    let (path, query) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    let decoded = percent_decode(path);
    if decoded
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '\\' || c == '\u{fffd}')
    {
        return None;
    }
    let trailing = decoded.ends_with('/');
    let segments = resolve_segments(&decoded);
    let mut out = String::from("/");
    out.push_str(&segments.join("/"));
    if trailing && !segments.is_empty() {
        out.push('/');
    }
    match query {
        // Only WordPress's own id links are kept as query aliases.
        Some(q) if out == "/" && is_id_query(q) => Some(format!("/?{q}")),
        Some(_) if out == "/" => None,
        _ if out == "/" => None,
        _ => Some(out),
    }
}

fn is_id_query(q: &str) -> bool {
    q.split_once('=').is_some_and(|(k, v)| {
        matches!(k, "p" | "page_id") && !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())
    })
}

/// A code shaped like a language tag (`tr`, `pt-br`), as quire's
/// configuration reads them.
pub(crate) fn is_language_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// HTML escaping is quire-core's, so imported raw HTML and the site's
/// own pages write the same entities.
pub(crate) use quire_core::escape_html;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_named_numeric_and_unknown() {
        assert_eq!(
            decode_entities("a&nbsp;b &amp; &eacute;&#8217;&#x2019; &hellip; &bogus; & x"),
            "a\u{a0}b & é’’ … &bogus; & x"
        );
        assert_eq!(decode_entities("&nbs; &amp"), "&nbs; &amp");
    }

    #[test]
    fn titles_lose_their_markup() {
        assert_eq!(
            plain_line("Markup: Title <em>With</em> <b>Mark<sup>up</sup></b> &amp; more"),
            "Markup: Title With Markup & more"
        );
    }

    #[test]
    fn unicode_slugs_stay_in_their_script() {
        assert_eq!(percent_decode("%d1%80%d1%83"), "ру");
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(url_segment("%d8%a2%d9%85%d9%88%d8%b2%d8%b4"), "آموزش");
        assert_eq!(url_segment("Επίπεδο-2"), "επίπεδο-2");
        assert_eq!(url_segment("Отчёт 2024"), "отчёт-2024");
        assert_eq!(url_segment("My_Page"), "my-page");
        assert_eq!(url_segment("../x"), "x");
    }

    #[test]
    fn paths_and_aliases_are_normalised() {
        assert_eq!(normal_path("/A/b/../c").as_deref(), Some("/a/c/"));
        assert_eq!(normal_path("/x/%2e%2e/y/?q=1").as_deref(), Some("/y/"));
        assert_eq!(alias_path("/2020/../secret/").as_deref(), Some("/secret/"));
        assert_eq!(alias_path("/a/%2e%2e/%2E%2E/b").as_deref(), Some("/b"));
        assert_eq!(alias_path("/../../").as_deref(), None);
        assert_eq!(alias_path("/a b/"), None);
        assert_eq!(alias_path("/?p=12").as_deref(), Some("/?p=12"));
        assert_eq!(alias_path("/?s=x"), None);
        assert_eq!(alias_path("/t%c3%bcrk/").as_deref(), Some("/türk/"));
    }
}
