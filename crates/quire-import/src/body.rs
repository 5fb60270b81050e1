//! A WordPress post body (raw `post_content`) → quire Markdown.
//!
//! Owns: removing block-editor comments, expanding known shortcodes, the
//! `wpautop` paragraph rule for classic-editor text, footnotes in their three
//! WordPress shapes, the highlights rule, and HTML → Markdown via htmd.
//! Must not know: files, the export format, or where the page will live.

use std::collections::BTreeSet;

use htmd::HtmlToMarkdown;

/// How key points at the top of a post become `highlights`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HighlightsRule {
    /// Never extract highlights.
    Off,
    /// A bulleted list that is the very first thing in the body, with at most
    /// `max_items` items of at most `max_chars` characters each and no nested
    /// list, becomes the highlights and leaves the body.
    LeadingList {
        /// Most items a key-point list may have.
        max_items: usize,
        /// Longest item, in characters.
        max_chars: usize,
    },
}

impl Default for HighlightsRule {
    fn default() -> Self {
        HighlightsRule::LeadingList {
            max_items: 5,
            max_chars: 300,
        }
    }
}

/// Shortcode names that footnote plugins use for an inline note
/// (Easy Footnotes, Simple Footnotes / Footnotes Made Easy, and the generic one).
const NOTE_SHORTCODES: [&str; 3] = ["efn_note", "ref", "footnote"];

/// Ibid. forms, kept verbatim; counted only so the report can say so.
const IBID: [&str; 6] = ["same place", "ibid", "aynı yer", "a.g.e", "там же", "тамже"];

/// What became of one body.
#[derive(Debug, Default)]
pub(crate) struct Body {
    pub markdown: String,
    pub highlights: Vec<String>,
    pub notes: usize,
    pub ibid_notes: usize,
    /// Human-readable changes worth reporting (unknown shortcodes, …).
    pub changes: Vec<String>,
}

/// Converts bodies; holds the configured htmd converter.
pub(crate) struct Converter {
    htmd: HtmlToMarkdown,
    highlights: HighlightsRule,
}

impl Converter {
    pub fn new(highlights: HighlightsRule) -> Self {
        let options = htmd::options::Options {
            bullet_list_marker: htmd::options::BulletListMarker::Dash,
            ul_bullet_spacing: 1,
            ol_number_spacing: 1,
            ..Default::default()
        };
        let htmd = HtmlToMarkdown::builder()
            .options(options)
            .skip_tags(vec!["script", "style", "noscript"])
            .add_handler(
                vec!["iframe"],
                |_: &dyn htmd::element_handler::Handlers, el: htmd::Element| {
                    // Embedded players become a plain link so nothing loads from a third party.
                    let src = el.attrs.iter().find(|a| &*a.name.local == "src")?;
                    let src = src.value.to_string();
                    Some(format!("\n\n<{src}>\n\n").into())
                },
            )
            .build();
        Converter { htmd, highlights }
    }

    /// Converts one body. `footnotes_json` is the block editor's `footnotes`
    /// post meta; `attachment` resolves an attachment id to its URL (galleries).
    pub fn convert(
        &self,
        html: &str,
        footnotes_json: Option<&str>,
        attachment: &dyn Fn(u64) -> Option<String>,
    ) -> Body {
        let mut body = Body::default();
        let block_editor = html.contains("<!-- wp:");
        let mut html = strip_comments(html);
        let mut notes: Vec<String> = Vec::new();
        if let Some(json) = footnotes_json {
            html = block_footnotes(&html, json, &mut notes, &mut body.changes);
        }
        html = shortcodes(&html, &mut notes, attachment, &mut body.changes);
        if !block_editor {
            html = autop(&html);
        }
        if let HighlightsRule::LeadingList {
            max_items,
            max_chars,
        } = self.highlights
            && let Some((items, rest)) = leading_list(&html, max_items, max_chars)
        {
            body.highlights = items;
            html = rest;
        }
        if html.contains("<iframe") {
            body.changes
                .push("embedded iframe(s) replaced by a link to their source".into());
        }
        html = unwrap_bracket_sups(&html);
        let mut md = self.htmd.convert(&html).unwrap_or_default();
        if notes.is_empty() {
            md = plain_notes(&md, &mut notes, &mut body.changes);
        } else {
            for i in 0..notes.len() {
                md = md.replace(&token(i + 1), &format!("[^{}]", i + 1));
            }
        }
        let defs: Vec<String> = notes
            .iter()
            .map(|n| {
                if let Some(md) = n.strip_prefix('\u{0}') {
                    // Already Markdown (the plain pattern).
                    md.to_string()
                } else {
                    self.htmd.convert(&autop(n)).unwrap_or_default()
                }
            })
            .collect();
        body.notes = defs.len();
        body.ibid_notes = defs.iter().filter(|d| is_ibid(d)).count();
        md = md.trim_end().to_string();
        if !defs.is_empty() {
            md.push_str("\n\n");
            for (i, def) in defs.iter().enumerate() {
                md.push_str(&format!(
                    "[^{}]: {}\n",
                    i + 1,
                    indent_continuation(def.trim())
                ));
            }
        } else {
            md.push('\n');
        }
        body.markdown = md;
        body
    }

    /// HTML (an excerpt, a bio) → one line of plain text.
    pub fn plain_text(&self, html: &str) -> String {
        decode_entities(&strip_tags(&strip_comments(html)))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn token(n: usize) -> String {
    format!("QUIREFNREF{n}X")
}

fn is_ibid(note: &str) -> bool {
    let lower = note.trim().to_lowercase();
    let lower = lower.trim_end_matches(['.', ',', ';', ' ']);
    IBID.iter().any(|i| {
        lower
            .strip_prefix(i)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', ',']))
    })
}

/// Continuation lines of a note are indented so they stay inside it.
fn indent_continuation(text: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
            if !line.is_empty() {
                out.push_str("    ");
            }
        }
        out.push_str(line);
    }
    out
}

/// Removes every HTML comment: block-editor delimiters (`<!-- wp:… -->`),
/// `<!--more-->`, and authors' comments, none of which a reader sees.
pub(crate) fn strip_comments(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        match rest[start..].find("-->") {
            Some(end) => rest = &rest[start + end + 3..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Replaces `<sup data-fn="ID">…</sup>` markers with tokens, taking note
/// texts from the block editor's `footnotes` JSON in reading order.
fn block_footnotes(
    html: &str,
    json: &str,
    notes: &mut Vec<String>,
    changes: &mut Vec<String>,
) -> String {
    #[derive(serde::Deserialize)]
    struct Note {
        id: String,
        content: String,
    }
    let Ok(list) = serde_json::from_str::<Vec<Note>>(json) else {
        changes.push("the `footnotes` post meta is not valid JSON; notes left as they are".into());
        return html.to_string();
    };
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<sup") {
        let Some(tag_end) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start..start + tag_end + 1];
        let Some(id) = tag_attr(tag, "data-fn") else {
            out.push_str(&rest[..start + tag_end + 1]);
            rest = &rest[start + tag_end + 1..];
            continue;
        };
        let Some(close) = rest[start..].find("</sup>") else {
            break;
        };
        out.push_str(&rest[..start]);
        match list.iter().find(|n| n.id == id) {
            Some(note) => {
                notes.push(note.content.clone());
                out.push_str(&token(notes.len()));
            }
            None => changes.push(format!("footnote marker {id} has no text; dropped")),
        }
        rest = &rest[start + close + "</sup>".len()..];
    }
    out.push_str(rest);
    out
}

/// The value of `name="…"` (or `'…'`) inside one tag or shortcode.
fn tag_attr(tag: &str, name: &str) -> Option<String> {
    let mut search = 0;
    while let Some(pos) = tag[search..].find(name) {
        let at = search + pos;
        search = at + name.len();
        let before_ok = at == 0 || tag[..at].ends_with(|c: char| c.is_whitespace() || c == '[');
        let after = tag[search..].trim_start();
        if !before_ok || !after.starts_with('=') {
            continue;
        }
        let value = after[1..].trim_start();
        let quote = value.chars().next()?;
        if quote == '"' || quote == '\'' {
            let end = value[1..].find(quote)?;
            return Some(value[1..1 + end].to_string());
        }
        let end = value
            .find(|c: char| c.is_whitespace() || c == ']' || c == '>')
            .unwrap_or(value.len());
        return Some(value[..end].to_string());
    }
    None
}

/// One shortcode found in the text.
struct Shortcode<'a> {
    name: &'a str,
    open_tag: &'a str,
    inner: Option<&'a str>,
    /// Byte length from `[` to the end of the closing tag (or opening tag).
    len: usize,
}

/// Parses a shortcode starting at `text[0] == '['`, if it is one: a name that
/// starts with a letter (so `[1]` note markers are never shortcodes).
fn parse_shortcode(text: &str) -> Option<Shortcode<'_>> {
    let after = &text[1..];
    let name_len = after
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(after.len());
    let name = &after[..name_len];
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let next = after[name_len..].chars().next()?;
    if !(next == ']' || next == ' ' || next == '/') {
        return None;
    }
    let close = text.find(']')?;
    let open_tag = &text[..=close];
    if open_tag.contains('\n') {
        return None;
    }
    let closing = format!("[/{name}]");
    if !open_tag.ends_with("/]")
        && let Some(end) = text[close + 1..].find(&closing)
    {
        let inner = &text[close + 1..close + 1 + end];
        return Some(Shortcode {
            name,
            open_tag,
            inner: Some(inner),
            len: close + 1 + end + closing.len(),
        });
    }
    Some(Shortcode {
        name,
        open_tag,
        inner: None,
        len: close + 1,
    })
}

/// Expands known shortcodes; keeps unknown ones as written and reports them.
fn shortcodes(
    html: &str,
    notes: &mut Vec<String>,
    attachment: &dyn Fn(u64) -> Option<String>,
    changes: &mut Vec<String>,
) -> String {
    let mut out = String::with_capacity(html.len());
    let mut unknown = BTreeSet::new();
    let mut rest = html;
    while let Some(pos) = rest.find('[') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        let Some(sc) = parse_shortcode(rest) else {
            out.push('[');
            rest = &rest[1..];
            continue;
        };
        let name = sc.name.to_ascii_lowercase();
        match (name.as_str(), sc.inner) {
            ("caption" | "wp_caption", Some(inner)) => out.push_str(&caption(sc.open_tag, inner)),
            ("embed", Some(url)) => {
                let url = url.trim();
                out.push_str(&format!("\n\n<p><a href=\"{url}\">{url}</a></p>\n\n"));
            }
            ("gallery", _) => {
                let ids = tag_attr(sc.open_tag, "ids").unwrap_or_default();
                out.push_str("\n\n<p>");
                for id in ids.split(',').filter_map(|s| s.trim().parse::<u64>().ok()) {
                    match attachment(id) {
                        Some(url) => out.push_str(&format!("<img src=\"{url}\" alt=\"\"> ")),
                        None => changes.push(format!("gallery image {id} is not in the export")),
                    }
                }
                out.push_str("</p>\n\n");
                changes.push("gallery reduced to its images".into());
            }
            (n, Some(inner)) if NOTE_SHORTCODES.contains(&n) => {
                notes.push(inner.trim().to_string());
                out.push_str(&token(notes.len()));
            }
            _ => {
                unknown.insert(name);
                out.push_str(sc.open_tag);
                // Keep the inner text and the closing tag visible too, but
                // still expand shortcodes nested inside.
                if let Some(inner) = sc.inner {
                    out.push_str(&shortcodes(inner, notes, attachment, changes));
                    out.push_str(&format!("[/{}]", sc.name));
                }
            }
        }
        rest = &rest[sc.len..];
    }
    out.push_str(rest);
    for name in unknown {
        changes.push(format!("unknown shortcode [{name}] kept as text"));
    }
    out
}

/// `[caption]<img …> Text[/caption]` → a figure with its caption.
fn caption(open_tag: &str, inner: &str) -> String {
    let split = match (inner.rfind("</a>"), inner.find("<img")) {
        (Some(a), Some(img)) if a > img => a + 4,
        (_, Some(img)) => inner[img..].find('>').map_or(inner.len(), |e| img + e + 1),
        _ => 0,
    };
    let (media, text) = inner.split_at(split);
    let text = match text.trim() {
        "" => tag_attr(open_tag, "caption").unwrap_or_default(),
        t => t.to_string(),
    };
    // htmd has no figure syntax; the caption becomes an italic line under the image.
    let text = if text.is_empty() {
        text
    } else {
        format!("<p><em>{text}</em></p>")
    };
    format!("\n\n<p>{media}</p>{text}\n\n")
}

/// Tags that start a block; a chunk starting with one is not wrapped in `<p>`.
const BLOCK_TAGS: [&str; 22] = [
    "p",
    "div",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "figure",
    "hr",
    "iframe",
];

fn starts_with_block(chunk: &str) -> bool {
    let Some(rest) = chunk.strip_prefix('<') else {
        return false;
    };
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    BLOCK_TAGS.contains(&name.as_str())
}

/// WordPress's `wpautop`, reduced to its core: classic-editor text has no
/// `<p>`, WordPress adds them when displaying. A blank line ends a paragraph,
/// a single newline is a line break; chunks that start with a block tag
/// stay as they are.
fn autop(html: &str) -> String {
    let html = separate_blocks(&html.replace("\r\n", "\n"));
    let mut out = String::with_capacity(html.len() + 64);
    for chunk in html.split("\n\n") {
        let chunk = chunk.trim();
        if chunk.is_empty() {
            continue;
        }
        if starts_with_block(chunk) {
            out.push_str(chunk);
        } else {
            out.push_str("<p>");
            out.push_str(&chunk.replace('\n', "<br>"));
            out.push_str("</p>");
        }
        out.push('\n');
    }
    out
}

/// Puts a blank line before every block start tag and after every block end
/// tag, as `wpautop` does, so text next to a list or table is its own chunk.
fn separate_blocks(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(pos) = rest.find('<') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        let tag_end = rest.find('>').map_or(rest.len(), |e| e + 1);
        let tag = &rest[..tag_end];
        if starts_with_block(tag) {
            if tag.starts_with("</") {
                out.push_str(tag);
                out.push_str("\n\n");
            } else {
                out.push_str("\n\n");
                out.push_str(tag);
            }
        } else {
            out.push_str(tag);
        }
        rest = &rest[tag_end..];
    }
    out.push_str(rest);
    out
}

/// If the body opens with a short bulleted list, returns its items as plain
/// text and the body without it.
fn leading_list(html: &str, max_items: usize, max_chars: usize) -> Option<(Vec<String>, String)> {
    let trimmed = html.trim_start();
    if !trimmed.to_ascii_lowercase().starts_with("<ul") {
        return None;
    }
    let end = trimmed.find("</ul>")?;
    let list = &trimmed[..end];
    if list[3..].contains("<ul") || list.contains("<ol") {
        return None;
    }
    let items: Vec<String> = list
        .split("<li")
        .skip(1)
        .map(|li| {
            let li = li.split_once('>').map_or("", |(_, body)| body);
            let li = li.split("</li>").next().unwrap_or("");
            decode_entities(&strip_tags(li))
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    if items.is_empty()
        || items.len() > max_items
        || items
            .iter()
            .any(|i| i.is_empty() || i.chars().count() > max_chars)
    {
        return None;
    }
    Some((items, trimmed[end + "</ul>".len()..].to_string()))
}

fn strip_tags(html: &str) -> String {
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

/// Decodes the entities WordPress bodies commonly carry.
pub(crate) fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let ch = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => '\u{a0}',
                "ndash" => '–',
                "mdash" => '—',
                "hellip" => '…',
                "laquo" => '«',
                "raquo" => '»',
                "rsquo" => '’',
                "lsquo" => '‘',
                "rdquo" => '”',
                "ldquo" => '“',
                _ => {
                    let num = name.strip_prefix('#')?;
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((ch, e))
        });
        match decoded {
            Some((ch, e)) => {
                out.push(ch);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `<sup>[3]</sup>` → `[3]`: htmd drops `<sup>`, and the plain note pattern
/// is recognised on the bracketed number alone.
fn unwrap_bracket_sups(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(pos) = rest.find("<sup>[") {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 5..];
        match after.find("]</sup>") {
            Some(end) if after[1..end].chars().all(|c| c.is_ascii_digit()) && end > 1 => {
                out.push_str(&after[..=end]);
                rest = &after[end + "]</sup>".len()..];
            }
            _ => {
                out.push_str("<sup>");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Headings that introduce a plain notes list; dropped because quire renders
/// its own notes section.
const NOTES_HEADINGS: [&str; 10] = [
    "notes",
    "footnotes",
    "references",
    "sources",
    "dipnotlar",
    "notlar",
    "kaynaklar",
    "kaynakça",
    "примечания",
    "источники",
];

/// The reference page's pattern, on converted Markdown: markers `\[n\]` in
/// the text and, at the end, lines or paragraphs that start with `\[n\]`.
/// Notes must be numbered 1, 2, … in order; otherwise nothing changes.
fn plain_notes(md: &str, notes: &mut Vec<String>, changes: &mut Vec<String>) -> String {
    let lines: Vec<&str> = md.lines().collect();
    // Walk back from the end over note lines, blank lines, and continuation lines.
    let mut start = lines.len();
    let mut found = Vec::new();
    let mut i = lines.len();
    let mut pending: Vec<&str> = Vec::new();
    while i > 0 {
        i -= 1;
        let line = lines[i].trim_end();
        if line.trim().is_empty() {
            continue;
        }
        if let Some((n, text)) = note_line(line) {
            pending.reverse();
            let mut full = text.to_string();
            for cont in pending.drain(..) {
                full.push(' ');
                full.push_str(cont.trim());
            }
            found.push((n, full));
            start = i;
        } else if found.is_empty() {
            // Continuation of the last note (e.g. a URL on its own line)
            // only counts once a note line is found above it.
            pending.push(line);
            if pending.len() > 3 {
                return md.to_string();
            }
        } else {
            break;
        }
    }
    if found.is_empty() || !pending.is_empty() {
        return md.to_string();
    }
    found.reverse();
    if found.iter().enumerate().any(|(i, (n, _))| *n != i + 1) {
        changes.push("a trailing [n] notes list is not numbered 1, 2, …; left as text".into());
        return md.to_string();
    }
    let mut body_lines: Vec<&str> = lines[..start].to_vec();
    while body_lines.last().is_some_and(|l| l.trim().is_empty()) {
        body_lines.pop();
    }
    if let Some(last) = body_lines.last() {
        let heading = last.trim_start_matches('#').trim().trim_end_matches(':');
        let heading = unescape_markdown(heading).replace(['*', '_'], "");
        if NOTES_HEADINGS.contains(&heading.trim().to_lowercase().as_str()) {
            body_lines.pop();
            changes.push(format!("notes heading \"{}\" removed", heading.trim()));
        }
    }
    let mut body = body_lines.join("\n");
    let mut missing = Vec::new();
    for (n, _) in &found {
        let marker = format!("\\[{n}\\]");
        if body.contains(&marker) {
            body = body.replace(&marker, &format!("[^{n}]"));
        } else {
            missing.push(n.to_string());
        }
    }
    if !missing.is_empty() {
        changes.push(format!(
            "note(s) {} have no marker in the text",
            missing.join(", ")
        ));
    }
    for (_, text) in found {
        notes.push(format!("\u{0}{text}"));
    }
    body
}

/// `\[12\] text` → (12, "text"); the line may end with a hard break.
fn note_line(line: &str) -> Option<(usize, &str)> {
    let rest = line.trim_start().strip_prefix("\\[")?;
    let end = rest.find("\\]")?;
    let n = rest[..end].parse().ok()?;
    let text = rest[end + 2..].trim();
    (!text.is_empty()).then_some((n, text))
}

fn unescape_markdown(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut chars = md.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&next) = chars.peek()
            && next.is_ascii_punctuation()
        {
            out.push(next);
            chars.next();
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(html: &str) -> Body {
        Converter::new(HighlightsRule::default()).convert(html, None, &|id| {
            (id == 5).then(|| "https://e.org/wp-content/uploads/g5.jpg".to_string())
        })
    }

    #[test]
    fn plain_note_pattern_with_ibid() {
        let html = "First claim.[1] Second claim.<sup>[2]</sup>\n\n<h3>Notes</h3>\n\n[1] A report, Publisher.\n\n[2] Same place.";
        let body = convert(html);
        assert!(
            body.markdown.contains("First claim.[^1] Second claim.[^2]"),
            "{}",
            body.markdown
        );
        assert!(
            body.markdown
                .contains("[^1]: A report, Publisher.\n[^2]: Same place.\n"),
            "{}",
            body.markdown
        );
        assert!(!body.markdown.contains("Notes"));
        assert_eq!((body.notes, body.ibid_notes), (2, 1));
    }

    #[test]
    fn shortcodes_and_comments() {
        let html = "<!-- wp:paragraph --><p>See[efn_note]Aynı yer.[/efn_note] and [ref]Kaynak <em>x</em>[/ref].</p><!-- /wp:paragraph -->\n<!-- wp:shortcode -->[gallery ids=\"5,6\"][/gallery] [contact-form id=\"3\"]<!-- /wp:shortcode -->";
        let body = convert(html);
        let md = &body.markdown;
        assert!(md.contains("See[^1] and [^2]."), "{md}");
        assert!(md.contains("[^1]: Aynı yer.\n[^2]: Kaynak *x*\n"), "{md}");
        assert!(
            md.contains("![](https://e.org/wp-content/uploads/g5.jpg)"),
            "{md}"
        );
        assert!(md.contains("\\[contact-form id=\"3\"\\]"), "{md}");
        assert!(!md.contains("wp:"));
        assert!(
            body.changes.iter().any(|c| c.contains("[contact-form]")),
            "{:?}",
            body.changes
        );
        assert!(body.changes.iter().any(|c| c.contains("gallery image 6")));
        assert_eq!(body.ibid_notes, 1);
    }

    #[test]
    fn block_editor_footnotes() {
        let html = "<!-- wp:paragraph --><p>Claim<sup data-fn=\"ab-1\" class=\"fn\"><a href=\"#ab-1\" id=\"ab-1-link\">1</a></sup>.</p><!-- /wp:paragraph --><!-- wp:footnotes /-->";
        let json = r#"[{"content":"Там же.","id":"ab-1"}]"#;
        let body = Converter::new(HighlightsRule::Off).convert(html, Some(json), &|_| None);
        assert_eq!(body.markdown, "Claim[^1].\n\n[^1]: Там же.\n");
    }

    #[test]
    fn caption_autop_and_highlights() {
        let html = "<ul><li>Point one &amp; more</li><li>Point two</li></ul>\nLine one\nline two\n\n[caption id=\"a\" align=\"x\"]<img src=\"m.png\" alt=\"Map\"> The map[/caption]";
        let body = convert(html);
        assert_eq!(body.highlights, vec!["Point one & more", "Point two"]);
        assert!(
            body.markdown.starts_with("Line one  \nline two"),
            "{}",
            body.markdown
        );
        assert!(body.markdown.contains("![Map](m.png)"));
        assert!(body.markdown.contains("The map"));
    }

    #[test]
    fn ibid_forms() {
        for s in ["Same place.", "Aynı yer.", "Там же.", "Ibid., p. 4"] {
            assert!(is_ibid(s), "{s}");
        }
        assert!(!is_ibid("Same place as before, a different book"));
    }

    #[test]
    fn bracket_numbers_are_not_shortcodes() {
        assert!(parse_shortcode("[1] x").is_none());
        let sc = parse_shortcode("[embed]https://v.org/x[/embed] tail").expect("shortcode");
        assert_eq!((sc.name, sc.inner), ("embed", Some("https://v.org/x")));
    }
}
