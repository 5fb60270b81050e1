//! A WordPress post body (raw `post_content`) → quire Markdown.
//!
//! Owns: removing block-editor comments, expanding known shortcodes
//! (galleries, audio and video, captions, embeds, footnotes), the `wpautop`
//! paragraph rule for classic-editor text, footnotes in their three
//! WordPress shapes, the highlights rule, and HTML → Markdown via htmd with
//! handlers of our own for what htmd would lose: preformatted text kept
//! exactly (fenced code, or a raw `<pre>` when it carries markup), code
//! spanning lines outside `<pre>` (a fenced block, or raw `<code>` with
//! `<br>` inside a sentence), tables
//! without a header row, audio and video, embeds, and adjacent lists.
//! Every `href`/`src` goes through the caller's URL mapper first.
//! Must not know: files, the export format, or where the page will live.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use htmd::element_handler::{HandlerResult, Handlers};
use htmd::{Element, HtmlToMarkdown};
use markup5ever_rcdom::{Node, NodeData};

use crate::report::kind;
use crate::text::{escape_html, plain_line, strip_tags};

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

/// Hosts whose URLs WordPress turns into embedded players (oEmbed).
const EMBED_HOSTS: [&str; 24] = [
    "youtube.com",
    "youtu.be",
    "vimeo.com",
    "twitter.com",
    "x.com",
    "wordpress.tv",
    "videopress.com",
    "instagram.com",
    "facebook.com",
    "soundcloud.com",
    "spotify.com",
    "flickr.com",
    "tiktok.com",
    "ted.com",
    "dailymotion.com",
    "slideshare.net",
    "scribd.com",
    "reddit.com",
    "tumblr.com",
    "imgur.com",
    "mixcloud.com",
    "issuu.com",
    "speakerdeck.com",
    "kickstarter.com",
];

/// How a URL is used, for the mapper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UrlUse {
    /// A link (`<a href>`, an embed URL).
    Link,
    /// A file shown in the page (`<img src>`, `<video src>`, a poster).
    Media,
}

/// Where a URL points once imported: in Markdown (may be `@/…`) and in
/// raw HTML (a site path or the URL itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mapped {
    pub markdown: String,
    pub html: String,
}

impl Mapped {
    /// The URL unchanged.
    pub fn same(url: &str) -> Mapped {
        Mapped {
            markdown: url.to_string(),
            html: url.to_string(),
        }
    }
}

/// A media item attached to the post or named by id.
#[derive(Debug, Clone)]
pub(crate) struct Media {
    pub url: String,
    pub alt: String,
    pub image: bool,
    pub audio: bool,
    pub video: bool,
}

/// What one conversion needs from outside.
pub(crate) struct Context<'a> {
    /// The block editor's `footnotes` post meta.
    pub footnotes_json: Option<&'a str>,
    /// An attachment by id (galleries with `ids`).
    pub attachment: &'a dyn Fn(u64) -> Option<Media>,
    /// The post's own attachments in gallery order (galleries without
    /// `ids`, `[audio]`/`[video]` without a source).
    pub attached: &'a [Media],
    /// Every `href`/`src`/`poster` and embed URL goes through this.
    pub map_url: &'a mut dyn FnMut(&str, UrlUse) -> Mapped,
}

/// What was carried over, counted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Stats {
    pub tables: usize,
    pub preformatted: usize,
    /// `<code>` spanning lines outside `<pre>`.
    pub multiline_code: usize,
    pub gallery_images: usize,
    pub images: usize,
    pub videos: usize,
    pub audios: usize,
    pub embeds: usize,
}

/// What became of one body.
#[derive(Debug, Default)]
pub(crate) struct Body {
    pub markdown: String,
    pub highlights: Vec<String>,
    pub notes: usize,
    pub ibid_notes: usize,
    pub stats: Stats,
    /// Changes worth reporting: (kind, description).
    pub changes: Vec<(&'static str, String)>,
}

thread_local! {
    /// Changes noticed by the element handlers (which htmd calls without
    /// any context of ours) during one conversion on this thread.
    static HANDLER_NOTES: RefCell<Vec<(&'static str, String)>> = const { RefCell::new(Vec::new()) };
}

fn handler_note(kind: &'static str, text: String) {
    HANDLER_NOTES.with(|n| n.borrow_mut().push((kind, text)));
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
            .skip_tags(vec![
                "script", "style", "noscript", "template", "source", "track",
            ])
            .add_handler(vec!["pre"], pre_handler)
            .add_handler(vec!["table"], table_handler)
            .add_handler(vec!["video", "audio"], media_handler)
            .add_handler(vec!["iframe", "embed", "object"], iframe_handler)
            .add_handler(vec!["figure"], figure_handler)
            .add_handler(vec!["figcaption"], figcaption_handler)
            .add_handler(vec!["ul", "ol"], list_handler)
            .add_handler(vec!["p"], paragraph_handler)
            .add_handler(vec!["kbd", "samp", "tt"], inline_code_handler)
            .add_handler(vec!["code"], code_handler)
            .build();
        Converter { htmd, highlights }
    }

    /// Converts one body.
    pub fn convert(&self, html: &str, ctx: &mut Context<'_>) -> Body {
        let mut body = Body::default();
        let block_editor = html.contains("<!-- wp:");
        let mut html = strip_comments(html);
        let mut notes: Vec<String> = Vec::new();
        if let Some(json) = ctx.footnotes_json {
            html = block_footnotes(&html, json, &mut notes, &mut body.changes);
        }
        // Preformatted blocks are set aside so that neither shortcodes nor
        // the paragraph rule touch them.
        let (protected, pres) = protect_pre(&html);
        html = shortcodes(&protected, &mut notes, ctx, &mut body.changes);
        if !block_editor {
            html = autop(&html);
        }
        html = restore_pre(&html, &pres);
        if let HighlightsRule::LeadingList {
            max_items,
            max_chars,
        } = self.highlights
            && let Some((items, rest)) = leading_list(&html, max_items, max_chars)
        {
            body.highlights = items;
            html = rest;
        }
        html = unwrap_bracket_sups(&html);
        let tree = match self.htmd.html_to_tree(&html) {
            Ok(tree) => tree,
            Err(_) => return body,
        };
        prepare(&tree, ctx, &mut body.stats, false);
        HANDLER_NOTES.with(|n| n.borrow_mut().clear());
        let mut md = self.htmd.tree_to_markdown(&tree);
        body.changes
            .extend(HANDLER_NOTES.with(|n| std::mem::take(&mut *n.borrow_mut())));
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
        plain_line(&strip_comments(html))
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

fn pre_token(n: usize) -> String {
    format!("QUIREPRE{n}X")
}

/// Replaces every `<pre>…</pre>` with a token on a line of its own.
fn protect_pre(html: &str) -> (String, Vec<String>) {
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len());
    let mut pres = Vec::new();
    let mut pos = 0;
    while let Some(found) = lower[pos..].find("<pre") {
        let start = pos + found;
        let after = lower.as_bytes().get(start + 4).copied();
        if !matches!(after, Some(b'>' | b' ' | b'\n' | b'\t' | b'\r' | b'/')) {
            out.push_str(&html[pos..start + 4]);
            pos = start + 4;
            continue;
        }
        let Some(end) = lower[start..]
            .find("</pre>")
            .map(|e| start + e + "</pre>".len())
        else {
            break;
        };
        out.push_str(&html[pos..start]);
        out.push_str("\n\n");
        out.push_str(&pre_token(pres.len()));
        out.push_str("\n\n");
        pres.push(html[start..end].to_string());
        pos = end;
    }
    out.push_str(&html[pos..]);
    let out = protect_multiline_code(&out, &mut pres);
    (out, pres)
}

/// `<code>` spanning lines outside `<pre>` (the classic editor allows it):
/// set aside like a `<pre>` so that the paragraph rule does not break it.
/// On lines of its own it becomes a `<pre>` (a fenced block); inside a
/// sentence it stays inline code, marked for [`code_handler`], which keeps
/// its line breaks.
fn protect_multiline_code(html: &str, pres: &mut Vec<String>) -> String {
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len());
    let mut pos = 0;
    while let Some(found) = lower[pos..].find("<code") {
        let start = pos + found;
        let open_end = match lower.as_bytes().get(start + 5) {
            Some(b'>' | b' ' | b'\n' | b'\t') => lower[start..].find('>').map(|e| start + e + 1),
            _ => None,
        };
        let close = open_end.and_then(|o| lower[o..].find("</code>").map(|e| (o, o + e)));
        let Some((inner_start, inner_end)) = close else {
            out.push_str(&html[pos..start + 5]);
            pos = start + 5;
            continue;
        };
        let end = inner_end + "</code>".len();
        let inner = &html[inner_start..inner_end];
        if !inner.contains('\n') {
            out.push_str(&html[pos..end]);
            pos = end;
            continue;
        }
        out.push_str(&html[pos..start]);
        let line_before = out.rsplit('\n').next().unwrap_or("");
        let line_after = html[end..].split('\n').next().unwrap_or("");
        let alone =
            strip_tags(line_before).trim().is_empty() && strip_tags(line_after).trim().is_empty();
        let open_tag = &html[start..inner_start];
        if alone {
            out.push_str("\n\n");
            out.push_str(&pre_token(pres.len()));
            out.push_str("\n\n");
            pres.push(format!(
                "<pre {MULTILINE_CODE}=\"\">{open_tag}{inner}</code></pre>"
            ));
        } else {
            out.push_str(&pre_token(pres.len()));
            let lines = inner.replace("\r\n", "\n").replace('\n', "<br>");
            pres.push(format!("<code {MULTILINE_CODE}=\"\">{lines}</code>"));
        }
        pos = end;
    }
    out.push_str(&html[pos..]);
    out
}

/// Marks inline code that spans lines, for [`code_handler`].
const MULTILINE_CODE: &str = "data-quire-lines";

fn restore_pre(html: &str, pres: &[String]) -> String {
    let mut html = html.to_string();
    for (i, pre) in pres.iter().enumerate() {
        let t = pre_token(i);
        let wrapped = format!("<p>{t}</p>");
        if html.contains(&wrapped) {
            html = html.replacen(&wrapped, pre, 1);
        } else {
            html = html.replacen(&t, pre, 1);
        }
    }
    html
}

/// Replaces `<sup data-fn="ID">…</sup>` markers with tokens, taking note
/// texts from the block editor's `footnotes` JSON in reading order.
fn block_footnotes(
    html: &str,
    json: &str,
    notes: &mut Vec<String>,
    changes: &mut Vec<(&'static str, String)>,
) -> String {
    #[derive(serde::Deserialize)]
    struct Note {
        id: String,
        content: String,
    }
    let Ok(list) = serde_json::from_str::<Vec<Note>>(json) else {
        changes.push((
            kind::NOTES,
            "the `footnotes` post meta is not valid JSON; notes left as they are".into(),
        ));
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
            None => changes.push((
                kind::NOTES,
                format!("footnote marker {id} has no text; dropped"),
            )),
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

/// The first unnamed attribute of a shortcode (`[audio https://…mp3]`).
fn positional_url(open_tag: &str) -> Option<String> {
    open_tag
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('/')
        .split_whitespace()
        .skip(1)
        .find(|w| !w.contains('=') && (w.starts_with("http://") || w.starts_with("https://")))
        .map(|w| w.trim_matches(['"', '\'']).to_string())
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
    ctx: &mut Context<'_>,
    changes: &mut Vec<(&'static str, String)>,
) -> String {
    let mut out = String::with_capacity(html.len());
    let mut unknown = BTreeSet::new();
    let mut rest = html;
    while let Some(pos) = rest.find('[') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        // `[[gallery]]` is WordPress's way to show a shortcode as text.
        if let Some(inner) = rest.strip_prefix("[[")
            && let Some(sc) = parse_shortcode(&rest[1..])
            && inner[sc.len - 1..].starts_with(']')
        {
            out.push_str(&escape_html(&rest[1..sc.len + 1]));
            rest = &rest[sc.len + 2..];
            continue;
        }
        let Some(sc) = parse_shortcode(rest) else {
            out.push('[');
            rest = &rest[1..];
            continue;
        };
        let name = sc.name.to_ascii_lowercase();
        match (name.as_str(), sc.inner) {
            ("caption" | "wp_caption", Some(inner)) => out.push_str(&caption(sc.open_tag, inner)),
            ("embed", Some(url)) => {
                let url = escape_html(url.trim());
                out.push_str(&format!("\n\n<p><a href=\"{url}\">{url}</a></p>\n\n"));
            }
            ("gallery", _) => out.push_str(&gallery(sc.open_tag, ctx, changes)),
            ("audio" | "video", _) => {
                out.push_str(&media_shortcode(&name, sc.open_tag, sc.inner, ctx, changes))
            }
            ("playlist", _) => {
                let video = tag_attr(sc.open_tag, "type").as_deref() == Some("video");
                let tag = if video { "video" } else { "audio" };
                let items: Vec<&Media> = ctx
                    .attached
                    .iter()
                    .filter(|m| if video { m.video } else { m.audio })
                    .collect();
                if items.is_empty() {
                    changes.push((
                        kind::GALLERY,
                        "a [playlist] without attached files; dropped".into(),
                    ));
                }
                for m in items {
                    out.push_str(&format!(
                        "\n\n<{tag} src=\"{}\"></{tag}>\n\n",
                        escape_html(&m.url)
                    ));
                }
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
                    out.push_str(&shortcodes(inner, notes, ctx, changes));
                    out.push_str(&format!("[/{}]", sc.name));
                }
            }
        }
        rest = &rest[sc.len..];
    }
    out.push_str(rest);
    for name in unknown {
        changes.push((
            kind::SHORTCODE,
            format!("unknown shortcode [{name}] kept as text"),
        ));
    }
    out
}

/// `[gallery ids="1,2"]` → those images; `[gallery]` without ids → the
/// post's attached images, as WordPress shows them.
fn gallery(
    open_tag: &str,
    ctx: &mut Context<'_>,
    changes: &mut Vec<(&'static str, String)>,
) -> String {
    let ids = tag_attr(open_tag, "ids")
        .or_else(|| tag_attr(open_tag, "include"))
        .unwrap_or_default();
    let exclude: Vec<u64> = tag_attr(open_tag, "exclude")
        .unwrap_or_default()
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let mut images: Vec<Media> = Vec::new();
    let listed: Vec<u64> = ids
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    if listed.is_empty() {
        images.extend(ctx.attached.iter().filter(|m| m.image).cloned());
        if images.is_empty() {
            changes.push((
                kind::GALLERY,
                "a [gallery] without ids, and the post has no attached images in the export; nothing to show".into(),
            ));
        }
    } else {
        for id in listed.into_iter().filter(|id| !exclude.contains(id)) {
            match (ctx.attachment)(id) {
                Some(m) => images.push(m),
                None => changes.push((
                    kind::GALLERY,
                    format!("gallery image {id} is not in the export"),
                )),
            }
        }
    }
    let mut out = String::from("\n\n<figure class=\"wp-block-gallery\">");
    for m in images {
        out.push_str(&format!(
            "<img src=\"{}\" alt=\"{}\">",
            escape_html(&m.url),
            escape_html(&m.alt)
        ));
    }
    out.push_str("</figure>\n\n");
    out
}

/// `[audio src=…]`, `[audio mp3=…]`, `[audio https://…]`, `[video …]`;
/// without a source, the post's first attached file of that kind.
fn media_shortcode(
    name: &str,
    open_tag: &str,
    inner: Option<&str>,
    ctx: &mut Context<'_>,
    changes: &mut Vec<(&'static str, String)>,
) -> String {
    let keys: &[&str] = if name == "audio" {
        &["src", "mp3", "m4a", "ogg", "wav", "wma", "flac"]
    } else {
        &["src", "mp4", "m4v", "webm", "ogv", "wmv", "flv", "mov"]
    };
    let src = keys
        .iter()
        .find_map(|k| tag_attr(open_tag, k))
        .or_else(|| positional_url(open_tag))
        .or_else(|| {
            inner
                .map(plain_line)
                .filter(|i| i.starts_with("http://") || i.starts_with("https://"))
        })
        .or_else(|| {
            ctx.attached
                .iter()
                .find(|m| if name == "audio" { m.audio } else { m.video })
                .map(|m| m.url.clone())
        });
    let Some(src) = src else {
        changes.push((
            kind::MEDIA_LINK,
            format!("[{name}] without a source, and no attached {name} file; dropped"),
        ));
        return String::new();
    };
    let poster = tag_attr(open_tag, "poster")
        .map(|p| format!(" poster=\"{}\"", escape_html(&p)))
        .unwrap_or_default();
    format!(
        "\n\n<{name} src=\"{}\"{poster}></{name}>\n\n",
        escape_html(&src)
    )
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
    // quire has no figure syntax; the caption becomes an italic line under the image.
    let text = if text.is_empty() {
        text
    } else {
        format!("<p><em>{text}</em></p>")
    };
    format!("\n\n<p>{media}</p>{text}\n\n")
}

/// Tags that start a block; a chunk starting with one is not wrapped in `<p>`.
const BLOCK_TAGS: [&str; 28] = [
    "p",
    "div",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tfoot",
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
    "figcaption",
    "hr",
    "iframe",
    "video",
    "audio",
    "dl",
    "section",
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
/// stay as they are. (Preformatted blocks are set aside before this runs.)
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
            plain_line(li)
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

// ---------------------------------------------------------------------------
// The DOM: URLs rewritten and content counted before conversion.

fn tag_of(node: &Node) -> Option<&str> {
    match &node.data {
        NodeData::Element { name, .. } => Some(&name.local),
        _ => None,
    }
}

fn attr_of(node: &Node, name: &str) -> Option<String> {
    match &node.data {
        NodeData::Element { attrs, .. } => attrs
            .borrow()
            .iter()
            .find(|a| &*a.name.local == name)
            .map(|a| a.value.to_string()),
        _ => None,
    }
}

fn set_attr(node: &Node, name: &str, value: &str) {
    if let NodeData::Element { attrs, .. } = &node.data {
        let mut attrs = attrs.borrow_mut();
        match attrs.iter_mut().find(|a| &*a.name.local == name) {
            Some(a) => a.value = value.into(),
            None => attrs.push(markup5ever::Attribute {
                name: markup5ever::QualName::new(None, markup5ever::ns!(), name.into()),
                value: value.into(),
            }),
        }
    }
}

fn remove_attrs(node: &Node, names: &[&str]) {
    if let NodeData::Element { attrs, .. } = &node.data {
        attrs
            .borrow_mut()
            .retain(|a| !names.contains(&&*a.name.local));
    }
}

fn has_class(node: &Node, class: &str) -> bool {
    attr_of(node, "class").is_some_and(|c| c.split_whitespace().any(|c| c == class))
}

/// All text below a node.
fn text_of(node: &Node) -> String {
    let mut out = String::new();
    collect_text(node, &mut out);
    out
}

fn collect_text(node: &Node, out: &mut String) {
    match &node.data {
        NodeData::Text { contents } => out.push_str(&contents.borrow()),
        NodeData::Element { name, .. } if &*name.local == "br" => out.push('\n'),
        _ => {
            for child in node.children.borrow().iter() {
                collect_text(child, out);
            }
        }
    }
}

/// A lone `http(s)://` URL (no spaces).
fn lone_url(text: &str) -> Option<&str> {
    let t = text.trim();
    ((t.starts_with("http://") || t.starts_with("https://")) && !t.contains(char::is_whitespace))
        .then_some(t)
}

fn is_embed_host(url: &str) -> bool {
    crate::plan::host_of(url).is_some_and(|h| {
        EMBED_HOSTS
            .iter()
            .any(|e| h == *e || h.ends_with(&format!(".{e}")))
    })
}

/// An image's source through the URL mapper (lazy-loading attributes
/// read), without the attributes Markdown cannot keep.
fn prepare_img(node: &Rc<Node>, ctx: &mut Context<'_>) {
    let src = attr_of(node, "src")
        .filter(|s| !s.starts_with("data:"))
        .or_else(|| attr_of(node, "data-src"))
        .or_else(|| attr_of(node, "data-lazy-src"));
    if let Some(src) = src {
        let m = (ctx.map_url)(src.trim(), UrlUse::Media);
        set_attr(node, "src", &m.markdown);
    }
    remove_attrs(
        node,
        &[
            "srcset",
            "sizes",
            "data-src",
            "data-lazy-src",
            "class",
            "width",
            "height",
            "style",
        ],
    );
}

/// A video's or audio's source (its own or its first `<source>`) and
/// poster through the URL mapper.
fn prepare_media(node: &Rc<Node>, ctx: &mut Context<'_>) {
    let src = attr_of(node, "src").or_else(|| {
        node.children
            .borrow()
            .iter()
            .find(|c| tag_of(c) == Some("source"))
            .and_then(|c| attr_of(c, "src"))
    });
    if let Some(src) = src {
        let m = (ctx.map_url)(src.trim(), UrlUse::Media);
        set_attr(node, "src", &m.html);
    }
    if let Some(poster) = attr_of(node, "poster") {
        let m = (ctx.map_url)(poster.trim(), UrlUse::Media);
        set_attr(node, "poster", &m.html);
    }
}

/// Rewrites every URL through the mapper, drops `srcset`, and counts what
/// is there. `in_gallery`: inside a gallery (its images are counted apart).
fn prepare(node: &Rc<Node>, ctx: &mut Context<'_>, stats: &mut Stats, in_gallery: bool) {
    let mut in_gallery = in_gallery;
    if let Some(tag) = tag_of(node) {
        match tag {
            "a" => {
                if let Some(href) = attr_of(node, "href") {
                    let m = (ctx.map_url)(href.trim(), UrlUse::Link);
                    set_attr(node, "href", &m.markdown);
                    set_attr(node, "data-quire-html", &m.html);
                }
            }
            "img" => {
                prepare_img(node, ctx);
                stats.images += 1;
                if in_gallery {
                    stats.gallery_images += 1;
                }
            }
            "video" | "audio" => {
                prepare_media(node, ctx);
                if tag == "video" {
                    stats.videos += 1;
                } else {
                    stats.audios += 1;
                }
            }
            "iframe" | "embed" | "object" => {
                let src = attr_of(node, "src").or_else(|| attr_of(node, "data"));
                if let Some(src) = src {
                    let m = (ctx.map_url)(src.trim(), UrlUse::Link);
                    set_attr(node, "data-quire-url", &m.markdown);
                    set_attr(node, "src", src.trim());
                }
                stats.embeds += 1;
            }
            "table" => stats.tables += 1,
            "pre" | "code" if attr_of(node, MULTILINE_CODE).is_some() => stats.multiline_code += 1,
            "pre" => stats.preformatted += 1,
            "figure" if has_class(node, "wp-block-embed") => {
                let url = node
                    .children
                    .borrow()
                    .iter()
                    .find(|c| tag_of(c) != Some("figcaption"))
                    .map(|c| text_of(c))
                    .and_then(|t| lone_url(&t).map(str::to_string));
                if let Some(url) = url {
                    let m = (ctx.map_url)(&url, UrlUse::Link);
                    set_attr(node, "data-quire-url", &m.markdown);
                    set_attr(node, "data-quire-text", &url);
                    stats.embeds += 1;
                    // Its iframe (if any) is the same embed.
                    return;
                }
            }
            "figure" | "div" | "ul"
                if has_class(node, "wp-block-gallery")
                    || has_class(node, "gallery")
                    || has_class(node, "tiled-gallery")
                    || has_class(node, "blocks-gallery-grid") =>
            {
                in_gallery = true;
            }
            "p" => {
                let children = node.children.borrow();
                if children.len() == 1
                    && let NodeData::Text { contents } = &children[0].data
                {
                    let text = contents.borrow().to_string();
                    if let Some(url) = lone_url(&text) {
                        // WordPress embeds a URL alone on its line.
                        let m = (ctx.map_url)(url, UrlUse::Link);
                        drop(children);
                        set_attr(node, "data-quire-url", &m.markdown);
                        set_attr(node, "data-quire-text", url);
                        if is_embed_host(url) {
                            stats.embeds += 1;
                        }
                        return;
                    }
                }
            }
            _ => {}
        }
    }
    let children: Vec<Rc<Node>> = node.children.borrow().iter().cloned().collect();
    for child in &children {
        prepare(child, ctx, stats, in_gallery);
    }
}

// ---------------------------------------------------------------------------
// Element handlers (htmd calls them with the node; no context of ours).

fn attr(el: &Element, name: &str) -> Option<String> {
    el.attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .map(|a| a.value.to_string())
}

fn blocks(content: &str) -> HandlerResult {
    format!("\n\n{}\n\n", content.trim_matches('\n')).into()
}

/// A Markdown link destination, wrapped in `<…>` when it holds spaces or
/// parentheses.
fn destination(url: &str) -> String {
    if url.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", url.replace('<', "%3C").replace('>', "%3E"))
    } else {
        url.to_string()
    }
}

/// Text for a Markdown link label.
fn label(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '[' | ']' | '\\' | '*' | '_' | '`' | '<') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `<pre>`: its exact text. Plain text (code) becomes a fenced code block;
/// a verse, or text with markup (bold, links), a raw `<pre>` whose text is
/// escaped, so `&lt;script&gt;` stays text either way.
fn pre_handler(_: &dyn Handlers, el: Element) -> Option<HandlerResult> {
    let class = attr(&el, "class").unwrap_or_default();
    let text = {
        let mut t = text_of(el.node);
        let kept = t.trim_end_matches(['\n', '\r']).len();
        t.truncate(kept);
        t
    };
    if text.trim().is_empty() {
        return Some("".into());
    }
    let verse = class.split_whitespace().any(|c| c == "wp-block-verse");
    if verse || has_markup(el.node) {
        let mut html = String::from(if verse {
            "<pre class=\"verse\">"
        } else {
            "<pre>"
        });
        for child in el.node.children.borrow().iter() {
            inline_html(child, &mut html);
        }
        let kept = html.trim_end_matches(['\n', '\r']).len();
        html.truncate(kept);
        html.push_str("</pre>");
        return Some(blocks(&html));
    }
    let language = std::iter::once(class.as_str())
        .chain(
            el.node
                .children
                .borrow()
                .iter()
                .filter(|c| tag_of(c) == Some("code"))
                .filter_map(|c| attr_of(c, "class"))
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        )
        .flat_map(|c| c.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .find_map(|c| {
            c.strip_prefix("language-")
                .or_else(|| c.strip_prefix("lang-"))
                .map(str::to_string)
        })
        .filter(|l| {
            l.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'+')
        })
        .unwrap_or_default();
    let longest = longest_run(&text, '`');
    let fence = "`".repeat(3.max(longest + 1));
    Some(blocks(&format!("{fence}{language}\n{text}\n{fence}")))
}

fn longest_run(text: &str, ch: char) -> usize {
    let (mut longest, mut current) = (0, 0);
    for c in text.chars() {
        if c == ch {
            current += 1;
            longest = longest.max(current);
        } else {
            current = 0;
        }
    }
    longest
}

/// Inline tags a raw `<pre>` keeps.
const PRE_INLINE: [&str; 17] = [
    "strong", "b", "em", "i", "a", "mark", "cite", "u", "s", "del", "ins", "sup", "sub", "code",
    "kbd", "small", "q",
];

/// Whether a `<pre>` holds formatting worth keeping (beyond `<code>`/`<br>`).
fn has_markup(node: &Node) -> bool {
    node.children.borrow().iter().any(|c| match tag_of(c) {
        Some("code") | Some("br") | Some("span") => has_markup(c),
        Some(t) => PRE_INLINE.contains(&t),
        None => false,
    })
}

/// Serializes inline content as HTML: text escaped, `<br>` as a newline,
/// known inline tags kept (links with their imported address), others
/// reduced to their text.
fn inline_html(node: &Node, out: &mut String) {
    match &node.data {
        NodeData::Text { contents } => out.push_str(&escape_html(&contents.borrow())),
        NodeData::Element { name, .. } => {
            let tag = &*name.local;
            if tag == "br" {
                out.push('\n');
                return;
            }
            let keep = PRE_INLINE.contains(&tag);
            if keep {
                out.push('<');
                out.push_str(tag);
                if tag == "a"
                    && let Some(href) =
                        attr_of(node, "data-quire-html").or_else(|| attr_of(node, "href"))
                    && safe_scheme(&href)
                {
                    out.push_str(&format!(" href=\"{}\"", escape_html(&href)));
                }
                out.push('>');
            }
            for child in node.children.borrow().iter() {
                inline_html(child, out);
            }
            if keep {
                out.push_str(&format!("</{tag}>"));
            }
        }
        _ => {}
    }
}

/// A link scheme quire publishes: http(s), mailto, tel, or relative.
fn safe_scheme(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    match lower.split_once(':') {
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => {
            matches!(scheme, "http" | "https" | "mailto" | "tel")
        }
        _ => true,
    }
}

/// One cell of a table.
struct Cell {
    markdown: String,
    header: bool,
    colspan: Option<String>,
    rowspan: Option<String>,
}

/// A table row and the part of the table it is in.
struct Row {
    part: &'static str,
    cells: Vec<Cell>,
}

fn table_rows(
    handlers: &dyn Handlers,
    table: &Rc<Node>,
    rows: &mut Vec<Row>,
    captions: &mut Vec<String>,
    part: &'static str,
) {
    for child in table.children.borrow().iter() {
        match tag_of(child) {
            Some("thead") => table_rows(handlers, child, rows, captions, "thead"),
            Some("tbody") => table_rows(handlers, child, rows, captions, "tbody"),
            Some("tfoot") => table_rows(handlers, child, rows, captions, "tfoot"),
            Some("caption") => {
                let c = handlers.walk_children(child).content.trim().to_string();
                if !c.is_empty() {
                    captions.push(c);
                }
            }
            Some("tr") => {
                let mut cells = Vec::new();
                for cell in child.children.borrow().iter() {
                    let header = match tag_of(cell) {
                        Some("th") => true,
                        Some("td") => false,
                        _ => continue,
                    };
                    let span = |n: &str| {
                        attr_of(cell, n)
                            .filter(|v| v.trim() != "1" && v.trim().parse::<u32>().is_ok())
                    };
                    cells.push(Cell {
                        markdown: handlers.walk_children(cell).content.trim().to_string(),
                        header,
                        colspan: span("colspan"),
                        rowspan: span("rowspan"),
                    });
                }
                rows.push(Row { part, cells });
            }
            _ => {}
        }
    }
}

/// A table: a Markdown table when it has a header row and plain cells;
/// otherwise an HTML table whose cells hold Markdown (so links and images
/// in cells still work), with nothing lost.
fn table_handler(handlers: &dyn Handlers, el: Element) -> Option<HandlerResult> {
    let mut rows = Vec::new();
    let mut captions = Vec::new();
    table_rows(handlers, el.node, &mut rows, &mut captions, "tbody");
    rows.retain(|r| !r.cells.is_empty());
    if rows.is_empty() {
        return Some("".into());
    }
    let header_row = rows[0].part == "thead" || rows[0].cells.iter().all(|c| c.header);
    let heads = rows.iter().filter(|r| r.part == "thead").count();
    let simple_cell = |c: &Cell| {
        c.colspan.is_none()
            && c.rowspan.is_none()
            && !c.markdown.replace("  \n", "").contains('\n')
            && !c.markdown.starts_with(['#', '>', '-', '*', '+', '|'])
            && !c.markdown.starts_with("```")
    };
    let simple = header_row
        && heads <= 1
        && rows.iter().all(|r| r.part != "tfoot")
        && rows.iter().all(|r| r.cells.iter().all(simple_cell));
    let mut out = String::new();
    if simple {
        let width = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
        let line = |cells: &[Cell]| {
            let mut s = String::from("|");
            for i in 0..width {
                let text = cells.get(i).map_or(String::new(), |c| {
                    c.markdown.replace("  \n", "<br>").replace('|', "\\|")
                });
                s.push_str(&format!(" {text} |"));
            }
            s
        };
        out.push_str(&line(&rows[0].cells));
        out.push('\n');
        out.push_str(&format!("|{}", " --- |".repeat(width)));
        for row in &rows[1..] {
            out.push('\n');
            out.push_str(&line(&row.cells));
        }
    } else {
        if !header_row {
            handler_note(
                kind::TABLE_HTML,
                "a table without a header row kept as an HTML table".into(),
            );
        } else {
            handler_note(
                kind::TABLE_HTML,
                "a table with merged cells, a footer or block content kept as an HTML table".into(),
            );
        }
        out.push_str("<table>");
        let mut part = "";
        for row in &rows {
            if row.part != part {
                if !part.is_empty() {
                    out.push_str(&format!("\n</{part}>"));
                }
                part = row.part;
                out.push_str(&format!("\n<{part}>"));
            }
            out.push_str("\n<tr>");
            for cell in &row.cells {
                let tag = if cell.header { "th" } else { "td" };
                let mut open = format!("<{tag}");
                if let Some(c) = &cell.colspan {
                    open.push_str(&format!(" colspan=\"{}\"", c.trim()));
                }
                if let Some(r) = &cell.rowspan {
                    open.push_str(&format!(" rowspan=\"{}\"", r.trim()));
                }
                open.push('>');
                if cell.markdown.is_empty() {
                    out.push_str(&format!("\n{open}</{tag}>"));
                } else if is_plain(&cell.markdown) {
                    // Plain text needs no Markdown: kept on one line.
                    out.push_str(&format!("\n{open}{}</{tag}>", escape_html(&cell.markdown)));
                } else {
                    out.push_str(&format!("\n{open}\n\n{}\n\n</{tag}>", cell.markdown));
                }
            }
            out.push_str("\n</tr>");
        }
        if !part.is_empty() {
            out.push_str(&format!("\n</{part}>"));
        }
        out.push_str("\n</table>");
    }
    for c in captions {
        out.push_str(&format!("\n\n*{}*", c.trim_matches('*')));
    }
    Some(blocks(&out))
}

/// Markdown that is plain text (nothing to parse, nothing escaped).
fn is_plain(md: &str) -> bool {
    !md.contains([
        '\\', '*', '_', '[', ']', '`', '<', '>', '&', '!', '\n', '|', '~', '#', '"', '\'',
    ]) && !md.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+')
}

/// `<video>`/`<audio>`: an HTML5 element when the file is in the bundle,
/// otherwise a link to it (nothing plays from another server).
fn media_handler(_: &dyn Handlers, el: Element) -> Option<HandlerResult> {
    let tag = el.tag;
    let src = attr(&el, "src")?;
    let local =
        !src.contains(':') && !src.starts_with('/') && !src.starts_with("@/") && !src.is_empty();
    let name = src
        .split(['?', '#'])
        .next()
        .unwrap_or(&src)
        .rsplit('/')
        .next()
        .unwrap_or(&src)
        .to_string();
    let what = if tag == "video" { "Video" } else { "Audio" };
    if local {
        let poster = attr(&el, "poster")
            .filter(|p| !p.contains(':') && !p.starts_with('/'))
            .map(|p| format!(" poster=\"{}\"", escape_html(&p)))
            .unwrap_or_default();
        let src = escape_html(&src);
        let extra = if tag == "video" {
            let mut e = String::new();
            for flag in ["loop", "muted", "playsinline"] {
                if attr(&el, flag).is_some() {
                    e.push(' ');
                    e.push_str(flag);
                }
            }
            e
        } else {
            String::new()
        };
        Some(blocks(&format!(
            "<figure class=\"{tag}\">\n<{tag} controls preload=\"metadata\" src=\"{src}\"{poster}{extra}><a href=\"{src}\">{}</a></{tag}>\n</figure>",
            escape_html(&name)
        )))
    } else {
        handler_note(
            kind::MEDIA_LINK,
            format!(
                "{} {src} is not in the uploads folder; kept as a link",
                what.to_lowercase()
            ),
        );
        Some(blocks(&format!(
            "[{what}: {}]({})",
            label(&name),
            destination(&src)
        )))
    }
}

/// An embedded player: a link to what it shows.
fn iframe_handler(_: &dyn Handlers, el: Element) -> Option<HandlerResult> {
    let src = attr(&el, "src").or_else(|| attr(&el, "data"))?;
    let dest = attr(&el, "data-quire-url").unwrap_or_else(|| src.clone());
    if !safe_scheme(&src) {
        return Some("".into());
    }
    handler_note(
        kind::EMBED,
        format!("embedded player {src} replaced by a link"),
    );
    Some(blocks(&format!(
        "[{}]({})",
        label(&src),
        destination(&dest)
    )))
}

/// Figures: embeds become a link and their caption; the rest is its content.
fn figure_handler(handlers: &dyn Handlers, el: Element) -> Option<HandlerResult> {
    if let Some(dest) = attr(&el, "data-quire-url") {
        let text = attr(&el, "data-quire-text").unwrap_or_else(|| dest.clone());
        handler_note(kind::EMBED, format!("embed {text} kept as a link"));
        let mut out = format!("[{}]({})", label(&text), destination(&dest));
        for child in el.node.children.borrow().iter() {
            if tag_of(child) == Some("figcaption")
                && let Some(c) = handlers.handle(child)
            {
                out.push_str(&c.content);
            }
        }
        return Some(blocks(&out));
    }
    let content = handlers.walk_children(el.node).content;
    Some(blocks(&content))
}

/// A caption: an italic line.
fn figcaption_handler(handlers: &dyn Handlers, el: Element) -> Option<HandlerResult> {
    let content = handlers.walk_children(el.node).content;
    let content = content.trim();
    if content.is_empty() {
        return Some("".into());
    }
    if content.contains('\n') || content.starts_with('*') || content.ends_with('*') {
        return Some(blocks(content));
    }
    Some(blocks(&format!("*{content}*")))
}

/// Lists: a list right after another list of the same kind gets the other
/// marker (`*` / `1)`), which starts a new list in Markdown instead of
/// merging the two.
fn list_handler(handlers: &dyn Handlers, el: Element) -> Option<HandlerResult> {
    let node = el.node.clone();
    let tag = el.tag.to_string();
    let result = handlers.fallback(el)?;
    let parent = node.parent.take();
    let parent_rc = parent.as_ref().and_then(|p| p.upgrade());
    node.parent.set(parent);
    let Some(parent) = parent_rc else {
        return Some(result);
    };
    if tag_of(&parent) == Some("li") {
        return Some(result);
    }
    // How many lists of this kind come right before this one.
    let siblings = parent.children.borrow();
    let Some(at) = siblings.iter().position(|c| Rc::ptr_eq(c, &node)) else {
        return Some(result);
    };
    let mut run = 0;
    for prev in siblings[..at].iter().rev() {
        match &prev.data {
            NodeData::Text { contents } if contents.borrow().trim().is_empty() => continue,
            NodeData::Element { name, .. } if *name.local == *tag => run += 1,
            _ => break,
        }
    }
    if run % 2 == 0 {
        return Some(result);
    }
    let mut out = String::with_capacity(result.content.len());
    for line in result.content.split_inclusive('\n') {
        if tag == "ul" {
            if let Some(rest) = line.strip_prefix("- ") {
                out.push_str("* ");
                out.push_str(rest);
                continue;
            }
        } else {
            let digits = line.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 && line[digits..].starts_with(". ") {
                out.push_str(&line[..digits]);
                out.push(')');
                out.push_str(&line[digits + 1..]);
                continue;
            }
        }
        out.push_str(line);
    }
    Some(HandlerResult {
        content: out,
        markdown_translated: result.markdown_translated,
    })
}

/// A paragraph that is only a URL: WordPress embedded it; here it is a link.
fn paragraph_handler(handlers: &dyn Handlers, el: Element) -> Option<HandlerResult> {
    if let Some(dest) = attr(&el, "data-quire-url") {
        let text = attr(&el, "data-quire-text").unwrap_or_else(|| dest.clone());
        if is_embed_host(&text) {
            handler_note(kind::EMBED, format!("embed {text} kept as a link"));
        }
        return Some(blocks(&format!(
            "[{}]({})",
            label(&text),
            destination(&dest)
        )));
    }
    handlers.fallback(el)
}

/// Inline code that spans lines (see [`protect_multiline_code`]): a
/// Markdown code span cannot hold a line break, so it is written as raw
/// `<code>` with `<br>` on one line (the sanitizer keeps both), its text
/// escaped so that neither Markdown nor smart punctuation touch it, and
/// its indentation kept as no-break spaces. Other code is htmd's.
fn code_handler(handlers: &dyn Handlers, el: Element) -> Option<HandlerResult> {
    if attr(&el, MULTILINE_CODE).is_none() {
        return handlers.fallback(el);
    }
    let mut text = String::new();
    for child in el.node.children.borrow().iter() {
        if tag_of(child) == Some("br") {
            text.push('\n');
        } else {
            text.push_str(&text_of(child));
        }
    }
    let lines: Vec<String> = text.trim_matches('\n').split('\n').map(code_line).collect();
    Some(format!("<code>{}</code>", lines.join("<br>")).into())
}

/// One line of inline code as HTML text that Markdown leaves alone.
fn code_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut after_space = true;
    for c in line.chars() {
        match c {
            ' ' if after_space => out.push_str("&nbsp;"),
            '\t' => out.push_str("&nbsp;&nbsp;&nbsp;&nbsp;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // Markdown's and smart punctuation's characters (`*`, `-`, `.`,
            // quotes …) as references: text for both.
            c if c.is_ascii_punctuation()
                && !matches!(c, ',' | '/' | '(' | ')' | ':' | ';' | '=' | '+') =>
            {
                out.push_str(&format!("&#{};", c as u32))
            }
            c => out.push(c),
        }
        after_space = c == ' ' || c == '\t';
    }
    out
}

/// Keyboard input and sample output: inline code, so no typography applies.
fn inline_code_handler(_: &dyn Handlers, el: Element) -> Option<HandlerResult> {
    let text = text_of(el.node);
    if text.is_empty() {
        return Some("".into());
    }
    let ticks = "`".repeat(longest_run(&text, '`') + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    Some(format!("{ticks}{pad}{text}{pad}{ticks}").into())
}

// ---------------------------------------------------------------------------
// Plain notes at the end of the text.

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
fn plain_notes(
    md: &str,
    notes: &mut Vec<String>,
    changes: &mut Vec<(&'static str, String)>,
) -> String {
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
        changes.push((
            kind::NOTES,
            "a trailing [n] notes list is not numbered 1, 2, …; left as text".into(),
        ));
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
            changes.push((
                kind::NOTES,
                format!("notes heading \"{}\" removed", heading.trim()),
            ));
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
        changes.push((
            kind::NOTES,
            format!("note(s) {} have no marker in the text", missing.join(", ")),
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

    fn media(url: &str) -> Media {
        Media {
            url: url.into(),
            alt: String::new(),
            image: url.ends_with(".jpg"),
            audio: url.ends_with(".mp3"),
            video: url.ends_with(".mp4"),
        }
    }

    fn convert_with(html: &str, attached: &[Media], local: bool) -> Body {
        let lookup = |id: u64| (id == 5).then(|| media("https://e.org/wp-content/uploads/g5.jpg"));
        let mut map = |url: &str, use_: UrlUse| {
            if local && use_ == UrlUse::Media && url.contains("/uploads/") {
                let name = url.rsplit('/').next().unwrap_or(url).to_string();
                Mapped {
                    markdown: name.clone(),
                    html: name,
                }
            } else if url == "https://e.org/2020/01/other/" {
                Mapped {
                    markdown: "@/analysis/other/index.md".into(),
                    html: "/analysis/other/".into(),
                }
            } else {
                Mapped::same(url)
            }
        };
        let mut ctx = Context {
            footnotes_json: None,
            attachment: &lookup,
            attached,
            map_url: &mut map,
        };
        Converter::new(HighlightsRule::default()).convert(html, &mut ctx)
    }

    fn convert(html: &str) -> Body {
        convert_with(html, &[], false)
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
            body.changes
                .iter()
                .any(|(_, c)| c.contains("[contact-form]")),
            "{:?}",
            body.changes
        );
        assert!(
            body.changes
                .iter()
                .any(|(_, c)| c.contains("gallery image 6"))
        );
        assert_eq!(body.ibid_notes, 1);
        assert_eq!(body.stats.gallery_images, 1);
    }

    #[test]
    fn block_editor_footnotes() {
        let html = "<!-- wp:paragraph --><p>Claim<sup data-fn=\"ab-1\" class=\"fn\"><a href=\"#ab-1\" id=\"ab-1-link\">1</a></sup>.</p><!-- /wp:paragraph --><!-- wp:footnotes /-->";
        let json = r#"[{"content":"Там же.","id":"ab-1"}]"#;
        let lookup = |_: u64| None;
        let mut map = |u: &str, _: UrlUse| Mapped::same(u);
        let mut ctx = Context {
            footnotes_json: Some(json),
            attachment: &lookup,
            attached: &[],
            map_url: &mut map,
        };
        let body = Converter::new(HighlightsRule::Off).convert(html, &mut ctx);
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
    fn escaped_markup_in_pre_stays_text_and_code_keeps_its_shape() {
        let html = "<p>Intro.</p>\n<pre>&lt;script&gt;alert(\"hi\")&lt;/script&gt;\n    if (a &amp;&amp; b) {\n\t__import__('os')\n\n    }\n</pre>\n<p>After \"quotes\".</p>";
        let body = convert(html);
        let md = &body.markdown;
        assert!(
            md.contains("```\n<script>alert(\"hi\")</script>\n    if (a && b) {\n\t__import__('os')\n\n    }\n```"),
            "{md}"
        );
        assert_eq!(body.stats.preformatted, 1);
    }

    #[test]
    fn classic_pre_with_blank_lines_is_not_split_into_paragraphs() {
        let html = "Text before.\n\n<pre>line 1\n\n\nline 4 [gallery] 'x'</pre>\n\nText after.";
        let md = convert(html).markdown;
        assert!(
            md.contains("```\nline 1\n\n\nline 4 [gallery] 'x'\n```"),
            "{md}"
        );
        assert!(md.contains("Text after."), "{md}");
    }

    #[test]
    fn verse_and_marked_up_pre_stay_raw_pre() {
        let html = "<!-- wp:verse --><pre class=\"wp-block-verse\">A <em>verse</em> &lt;b&gt;\n  indented</pre><!-- /wp:verse --><!-- wp:preformatted --><pre class=\"wp-block-preformatted\"><strong>Bold</strong> and <a href=\"https://e.org/2020/01/other/\">link</a><br>next</pre><!-- /wp:preformatted --><!-- wp:code --><pre class=\"wp-block-code\"><code class=\"language-rust\">fn main() {}</code></pre><!-- /wp:code -->";
        let body = convert(html);
        let md = &body.markdown;
        assert!(
            md.contains("<pre class=\"verse\">A <em>verse</em> &lt;b&gt;\n  indented</pre>"),
            "{md}"
        );
        assert!(
            md.contains(
                "<pre><strong>Bold</strong> and <a href=\"/analysis/other/\">link</a>\nnext</pre>"
            ),
            "{md}"
        );
        assert!(md.contains("```rust\nfn main() {}\n```"), "{md}");
        assert_eq!(body.stats.preformatted, 3);
    }

    #[test]
    fn headerless_tables_stay_tables() {
        let html = "<figure class=\"wp-block-table\"><table><tbody><tr><td>Cell 1</td><td>Cell <a href=\"https://e.org/2020/01/other/\">2</a></td></tr><tr><td>Cell 3</td><td></td></tr></tbody></table><figcaption>Caption</figcaption></figure><table><thead><tr><th>H|1</th><th>H2</th></tr></thead><tbody><tr><td>a</td><td>b</td></tr></tbody></table>";
        let body = convert(html);
        let md = &body.markdown;
        assert!(
            md.contains("<table>\n<tbody>\n<tr>\n<td>Cell 1</td>\n<td>\n\nCell [2]"),
            "{md}"
        );
        assert!(md.contains("Cell [2](@/analysis/other/index.md)"), "{md}");
        assert!(md.contains("<td></td>"), "{md}");
        assert!(md.contains("*Caption*"), "{md}");
        assert!(
            md.contains("| H\\|1 | H2 |\n| --- | --- |\n| a | b |"),
            "{md}"
        );
        assert_eq!(body.stats.tables, 2);
        assert!(body.changes.iter().any(|(k, _)| *k == kind::TABLE_HTML));
    }

    #[test]
    fn galleries_without_ids_show_the_posts_images() {
        let attached = [
            media("https://e.org/wp-content/uploads/a.jpg"),
            media("https://e.org/wp-content/uploads/b.jpg"),
            media("https://e.org/wp-content/uploads/s.mp3"),
        ];
        let body = convert_with(
            "[gallery columns=\"2\"]\n\n[audio]\n\n[video src=\"https://e.org/wp-content/uploads/v.mp4\"]",
            &attached,
            true,
        );
        let md = &body.markdown;
        assert!(md.contains("![](a.jpg)![](b.jpg)"), "{md}");
        assert!(
            md.contains("<audio controls preload=\"metadata\" src=\"s.mp3\">"),
            "{md}"
        );
        assert!(
            md.contains("<video controls preload=\"metadata\" src=\"v.mp4\">"),
            "{md}"
        );
        assert_eq!(
            (
                body.stats.gallery_images,
                body.stats.audios,
                body.stats.videos
            ),
            (2, 1, 1)
        );
        let remote = convert_with("[audio mp3=\"https://cdn.example/s.mp3\"]", &[], true);
        assert!(
            remote
                .markdown
                .contains("[Audio: s.mp3](https://cdn.example/s.mp3)"),
            "{}",
            remote.markdown
        );
    }

    #[test]
    fn embeds_become_links_and_adjacent_lists_stay_apart() {
        let html = "<!-- wp:embed --><figure class=\"wp-block-embed is-provider-youtube\"><div class=\"wp-block-embed__wrapper\">\nhttps://www.youtube.com/watch?v=a_b\n</div><figcaption>A talk</figcaption></figure><!-- /wp:embed --><ul><li>one</li></ul><ul><li>two</li></ul><ul><li>three</li></ul><ol><li>x</li></ol><ol><li>y</li></ol>";
        let body = convert(html);
        let md = &body.markdown;
        assert!(
            md.contains(
                "[https://www.youtube.com/watch?v=a\\_b](https://www.youtube.com/watch?v=a_b)"
            ),
            "{md}"
        );
        assert!(md.contains("*A talk*"), "{md}");
        assert!(md.contains("- one\n\n* two\n\n- three"), "{md}");
        assert!(md.contains("1. x\n\n1) y"), "{md}");
        assert_eq!(body.stats.embeds, 1);
        let classic = convert("Watch this:\n\nhttps://vimeo.com/123\n\nDone.");
        assert!(
            classic
                .markdown
                .contains("[https://vimeo.com/123](https://vimeo.com/123)"),
            "{}",
            classic.markdown
        );
        assert_eq!(classic.stats.embeds, 1);
    }

    #[test]
    fn escaped_shortcodes_stay_text() {
        let md = convert("Write [[gallery]] to show one.").markdown;
        assert!(md.contains("Write \\[gallery\\] to show one."), "{md}");
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
