//! The renderer: pulldown-cmark events → HTML with placeholders, and facts
//! about the body collected on the way.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use pulldown_cmark::{
    BrokenLink, CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html,
};
use quire_core::link::{is_allowed_link, shorten};
use quire_core::{CiteCluster, Severity, slugify};

use crate::citations::parse_cluster;
use crate::placeholder::{self, CLOSE, OPEN, has_placeholder_char};
use crate::sanitize::{self, RawHtml, SCHEME_RULE};

/// Marks a citation link produced by the broken-link callback.
const CITE_DEST: &str = "quire:cite";

/// A note-like item of the body, in reading order. Its marker in the HTML is
/// `Placeholder::Note(index)`.
#[derive(Debug, Clone, PartialEq)]
pub enum NoteItem {
    /// A hand-written footnote reference `[^label]`.
    Footnote {
        /// The label as written.
        label: String,
        /// The definition rendered to HTML (bare URLs made links).
        html: String,
        /// The definition as plain text.
        text: String,
        /// Byte offset of the reference in the Markdown given to [`render`].
        offset: usize,
        /// For a second reference to the same note, the index of the first.
        repeat_of: Option<usize>,
    },
    /// A Pandoc citation cluster.
    Cite {
        /// The parsed cluster.
        cluster: CiteCluster,
        /// Byte offset of the cluster in the Markdown given to [`render`].
        offset: usize,
    },
}

/// A link to other content by source path (`@/analysis/x/index.md#part`),
/// whose URL the assembled site decides. Its `href` in the HTML is
/// `Placeholder::Link(index)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalLink {
    /// The content path after `@/`, without the fragment.
    pub path: String,
    /// The `#fragment`, without `#`, if any.
    pub fragment: Option<String>,
    /// Byte offset of the link in the Markdown.
    pub offset: usize,
}

/// A heading of the body with its anchor id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The `id` attribute (given with `{#id}` or made from the text).
    pub id: String,
    /// The heading's plain text.
    pub text: String,
}

/// Something wrong in the Markdown, at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Byte offset in the Markdown.
    pub offset: usize,
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
}

/// The result of rendering one body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The HTML fragment, with placeholders (see [`crate::fill_placeholders`]).
    pub html: String,
    /// Note markers and citations in reading order.
    pub notes: Vec<NoteItem>,
    /// Internal links by source path.
    pub links: Vec<InternalLink>,
    /// Headings in order.
    pub headings: Vec<Heading>,
    /// Every `id` the fragment defines (headings and raw HTML are not parsed).
    pub anchors: BTreeSet<String>,
    /// Plain text of the body without notes: for search, similarity, summaries.
    pub plain_text: String,
    /// Plain text of the first paragraph.
    pub first_paragraph: String,
    /// Problems found.
    pub problems: Vec<Problem>,
}

/// Events with the byte offset where each starts.
type Spanned<'a> = Vec<(Event<'a>, usize)>;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders a Markdown body with raw HTML sanitized. Offsets in the result
/// are byte offsets into `markdown`.
pub fn render(markdown: &str) -> Rendered {
    render_with(markdown, RawHtml::Sanitize)
}

/// Renders a Markdown body, treating its raw HTML as `raw_html` says.
/// Whatever that says, a link or image whose URL has a scheme other than
/// http, https, mailto or tel is not written (its text is), and each thing
/// removed is a warning in [`Rendered::problems`].
pub fn render_with(markdown: &str, raw_html: RawHtml) -> Rendered {
    let mut callback = |link: BrokenLink<'_>| {
        if link.link_type == LinkType::Shortcut && parse_cluster(&link.reference).is_some() {
            Some((CowStr::Borrowed(CITE_DEST), CowStr::Borrowed("")))
        } else {
            None
        }
    };
    let parser = Parser::new_with_broken_link_callback(markdown, options(), Some(&mut callback));

    let mut out = Rendered::default();
    // Split footnote definitions from the body.
    // Straight from the parser: collecting its events first held every
    // event twice at the peak.
    let mut body = Vec::new();
    let mut defs: BTreeMap<String, (Vec<(Event<'_>, usize)>, usize)> = BTreeMap::new();
    let mut current_def: Option<(String, Spanned<'_>, usize)> = None;
    for (event, range) in parser.into_offset_iter() {
        match (&mut current_def, event) {
            (None, Event::Start(Tag::FootnoteDefinition(label))) => {
                current_def = Some((label.to_string(), Vec::new(), range.start));
            }
            (Some(_), Event::End(TagEnd::FootnoteDefinition)) => {
                let (label, evs, start) = current_def.take().expect("inside a definition");
                if let std::collections::btree_map::Entry::Vacant(slot) = defs.entry(label.clone())
                {
                    slot.insert((evs, start));
                } else {
                    out.problems.push(Problem {
                        offset: start,
                        severity: Severity::Error,
                        message: format!("footnote [^{label}] is defined twice"),
                    });
                }
            }
            (Some((_, evs, _)), event) => evs.push((event, range.start)),
            (None, event) => body.push((event, range.start)),
        }
    }

    let mut used_defs: BTreeMap<String, usize> = BTreeMap::new();
    let mut rendered_defs: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut ids = IdSet::default();
    // The HTML events are made on demand as pulldown-cmark's writer asks
    // for them, not collected first: a body of a million table cells
    // kept three million of them (#37).
    let mut html_events: VecDeque<Event<'_>> = VecDeque::new();
    let mut state = BodyState::default();
    let mut raw = RawSeen::new(raw_html);
    let mut i = 0;
    let mut html = String::with_capacity(markdown.len() + markdown.len() / 4);
    let events = std::iter::from_fn(|| {
        loop {
            if let Some(event) = html_events.pop_front() {
                return Some(event);
            }
            if i >= body.len() {
                return None;
            }
            let (event, offset) = body[i].clone();
            i += 1;
            match event {
                Event::FootnoteReference(label) => {
                    let label = label.to_string();
                    let index = out.notes.len();
                    if let Some((def_events, _)) = defs.get(&label) {
                        let repeat_of = used_defs.get(&label).copied();
                        if repeat_of.is_none() {
                            used_defs.insert(label.clone(), index);
                        }
                        let (def_html, def_text) = rendered_defs
                            .entry(label.clone())
                            .or_insert_with(|| render_definition(def_events, &mut out, raw_html))
                            .clone();
                        out.notes.push(NoteItem::Footnote {
                            label,
                            html: def_html,
                            text: def_text,
                            offset,
                            repeat_of,
                        });
                        html_events.push_back(Event::Html(placeholder::note(index).into()));
                    } else {
                        out.problems.push(Problem {
                            offset,
                            severity: Severity::Error,
                            message: format!(
                                "footnote reference [^{label}] has no definition; add a line `[^{label}]: …` below the text"
                            ),
                        });
                        html_events.push_back(Event::Text(format!("[^{label}]").into()));
                    }
                }
                Event::Start(Tag::Link { dest_url, id, .. }) if dest_url.as_ref() == CITE_DEST => {
                    // Skip the link's inner events: the cluster is the whole link.
                    skip_to_link_end(&body, &mut i);
                    if let Some(cluster) = parse_cluster(&id) {
                        let index = out.notes.len();
                        out.notes.push(NoteItem::Cite { cluster, offset });
                        html_events.push_back(Event::Html(placeholder::note(index).into()));
                    }
                }
                Event::Start(Tag::Link {
                    dest_url, title, ..
                }) if dest_url.starts_with("@/") => {
                    // pulldown-cmark closes it with `</a>` at End(Link).
                    state.link_depth += 1;
                    state.links_kept.push(true);
                    html_events.push_back(internal_link_open(
                        &mut out,
                        &dest_url[2..],
                        &title,
                        offset,
                    ));
                }
                Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    mut attrs,
                }) => {
                    if raw_html == RawHtml::Sanitize {
                        attrs.retain(|(name, _)| {
                            let keep = sanitize::heading_attribute_allowed(name);
                            if !keep {
                                out.problems.push(removed(
                                    offset,
                                    sanitize::heading_attribute_message(name),
                                ));
                            }
                            keep
                        });
                    }
                    let text = heading_text(&body, i);
                    let wanted = match &id {
                        Some(id) => id.to_string(),
                        None => {
                            let s = slugify(&text);
                            if s.is_empty() {
                                "section".to_string()
                            } else {
                                s
                            }
                        }
                    };
                    let id = ids.unique(wanted);
                    out.headings.push(Heading {
                        level: level as u8,
                        id: id.clone(),
                        text: text.clone(),
                    });
                    out.anchors.insert(id.clone());
                    html_events.push_back(neutral(Event::Start(Tag::Heading {
                        level,
                        id: Some(id.into()),
                        classes,
                        attrs,
                    })));
                    state.block_depth += 1;
                }
                Event::Start(Tag::Paragraph) => {
                    state.block_depth += 1;
                    state.in_paragraph = true;
                    html_events.push_back(Event::Start(Tag::Paragraph));
                }
                Event::End(TagEnd::Paragraph) => {
                    state.block_depth = state.block_depth.saturating_sub(1);
                    state.in_paragraph = false;
                    if !state.first_paragraph_done && !out.first_paragraph.trim().is_empty() {
                        state.first_paragraph_done = true;
                    }
                    out.plain_text.push('\n');
                    html_events.push_back(Event::End(TagEnd::Paragraph));
                }
                Event::End(TagEnd::Heading(level)) => {
                    state.block_depth = state.block_depth.saturating_sub(1);
                    out.plain_text.push('\n');
                    html_events.push_back(Event::End(TagEnd::Heading(level)));
                }
                Event::Text(text) => {
                    detect_undefined_reference(&body, i - 1, &mut out.problems);
                    let narrative = match state.in_paragraph && state.link_depth == 0 {
                        true => narrative_citations(markdown, &text, offset),
                        false => Vec::new(),
                    };
                    if narrative.is_empty() {
                        push_plain(&mut out, &state, &text);
                        html_events.push_back(safe_text(text));
                        continue;
                    }
                    let mut from = 0;
                    let mut after: Option<String> = None;
                    let last = narrative.len() - 1;
                    for (n, (at, key_end)) in narrative.into_iter().enumerate() {
                        let before = &text[from..at];
                        push_plain(&mut out, &state, before);
                        html_events.push_back(safe_text(before.to_string().into()));
                        let mut locator = String::new();
                        from = key_end;
                        // `@key [p. 4]`: the bracket follows as separate events.
                        let tail = &text[key_end..];
                        if n == last
                            && (tail.is_empty() || tail == " ")
                            && let Some(found) =
                                bracket_locator(markdown, &body, i, offset + text.len())
                        {
                            locator = found.locator;
                            i = found.next;
                            after = found.rest;
                            from = text.len();
                        }
                        let index = out.notes.len();
                        out.notes.push(NoteItem::Cite {
                            cluster: CiteCluster {
                                items: vec![quire_core::CiteItem {
                                    key: text[at + 1..key_end].to_string(),
                                    prefix: String::new(),
                                    locator,
                                    suppress_author: false,
                                }],
                                in_text: true,
                            },
                            offset: offset + at,
                        });
                        html_events.push_back(Event::Html(placeholder::note(index).into()));
                    }
                    let rest = format!("{}{}", &text[from..], after.unwrap_or_default());
                    push_plain(&mut out, &state, &rest);
                    html_events.push_back(safe_text(rest.into()));
                }
                Event::Start(Tag::Link { .. }) | Event::Start(Tag::Image { .. }) => {
                    state.link_depth += 1;
                    let kept = link_allowed(&event, offset, &mut out.problems);
                    match &event {
                        Event::Start(Tag::Link { .. }) => state.links_kept.push(kept),
                        _ => state.images_kept.push(kept),
                    }
                    if kept {
                        html_events.push_back(neutral(event));
                    }
                }
                Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
                    state.link_depth = state.link_depth.saturating_sub(1);
                    let kept = match &event {
                        Event::End(TagEnd::Link) => state.links_kept.pop(),
                        _ => state.images_kept.pop(),
                    };
                    if kept.unwrap_or(true) {
                        html_events.push_back(neutral(event));
                    }
                }
                Event::Start(Tag::HtmlBlock) => {
                    raw.block_start();
                    html_events.push_back(event);
                }
                Event::End(TagEnd::HtmlBlock) => {
                    raw.block_end(&mut out.problems);
                    html_events.push_back(event);
                }
                Event::Html(ref h) | Event::InlineHtml(ref h) => {
                    raw.fragment(h, offset, &mut out.problems);
                    html_events.push_back(neutral(event));
                }
                Event::Code(code) => {
                    push_plain(&mut out, &state, &code);
                    html_events.push_back(neutral(Event::Code(code)));
                }
                Event::SoftBreak | Event::HardBreak => {
                    push_plain(&mut out, &state, " ");
                    html_events.push_back(body[i - 1].0.clone());
                }
                Event::End(TagEnd::Item) | Event::End(TagEnd::TableCell) => {
                    out.plain_text.push(' ');
                    html_events.push_back(body[i - 1].0.clone());
                }
                other => html_events.push_back(neutral(other)),
            }
        }
    });
    html::push_html(&mut html, events);

    for (label, (_, start)) in &defs {
        if !used_defs.contains_key(label) {
            out.problems.push(Problem {
                offset: *start,
                severity: Severity::Warning,
                message: format!("footnote [^{label}] is defined but never referenced"),
            });
        }
    }

    out.html = html;
    if raw.found {
        out.html = sanitize::clean(&out.html);
    }
    // The result lives until the build ends, once per page: give back what
    // growing by doubling over-allocated (up to half of each string).
    out.html.shrink_to_fit();
    out.plain_text.shrink_to_fit();
    out.first_paragraph.shrink_to_fit();
    out
}

#[derive(Default)]
struct BodyState {
    block_depth: usize,
    in_paragraph: bool,
    first_paragraph_done: bool,
    /// Inside a link or an image's alt text: no citations there.
    link_depth: usize,
    /// For each open link, whether its tags are written (see [`link_allowed`]).
    links_kept: Vec<bool>,
    /// For each open image, whether it is written.
    images_kept: Vec<bool>,
}

/// A warning for something removed at `offset`.
fn removed(offset: usize, message: String) -> Problem {
    Problem {
        offset,
        severity: Severity::Warning,
        message,
    }
}

/// False (with a warning) for a link or image whose URL may not be
/// published: its text, or an image's description, is written instead.
fn link_allowed(event: &Event<'_>, offset: usize, problems: &mut Vec<Problem>) -> bool {
    let (what, dest, kept) = match event {
        Event::Start(Tag::Link { dest_url, .. }) => ("link to", dest_url, "its text kept"),
        Event::Start(Tag::Image { dest_url, .. }) => ("image", dest_url, "its description kept"),
        _ => return true,
    };
    if is_allowed_link(dest) {
        return true;
    }
    problems.push(removed(
        offset,
        format!(
            "{what} `{}` removed, {kept}: {SCHEME_RULE}",
            shorten(dest, 60)
        ),
    ));
    false
}

/// The author's raw HTML met while rendering one fragment: whether there
/// was any (then the fragment is sanitized), and what sanitizing removes.
struct RawSeen {
    policy: RawHtml,
    found: bool,
    /// An HTML block being read: its text and, for each piece, where the
    /// piece starts in that text and in the Markdown.
    block: Option<(String, Vec<(usize, usize)>)>,
}

impl RawSeen {
    fn new(policy: RawHtml) -> Self {
        RawSeen {
            policy,
            found: false,
            block: None,
        }
    }

    fn block_start(&mut self) {
        if self.policy == RawHtml::Sanitize {
            self.block = Some((String::new(), Vec::new()));
        }
    }

    fn block_end(&mut self, problems: &mut Vec<Problem>) {
        if let Some((text, pieces)) = self.block.take() {
            for (at, message) in sanitize::report(&text) {
                let piece = pieces.partition_point(|(start, _)| *start <= at);
                let (start, offset) = pieces[piece.saturating_sub(1)];
                problems.push(removed(offset + at - start, message));
            }
        }
    }

    /// Raw HTML `text` at byte `offset` of the Markdown.
    fn fragment(&mut self, text: &str, offset: usize, problems: &mut Vec<Problem>) {
        if self.policy != RawHtml::Sanitize {
            return;
        }
        self.found = true;
        match &mut self.block {
            Some((block, pieces)) => {
                pieces.push((block.len(), offset));
                block.push_str(text);
            }
            None => problems.extend(
                sanitize::report(text)
                    .into_iter()
                    .map(|(at, message)| removed(offset + at, message)),
            ),
        }
    }
}

/// Narrative citations (`@key`) in one text event at source `offset`:
/// `(byte of the @, end of the key)` within `text`. Only where the text is
/// the source verbatim (an escaped `\@` is not), and only where `@` starts
/// a word, so e-mail addresses stay text.
fn narrative_citations(markdown: &str, text: &str, offset: usize) -> Vec<(usize, usize)> {
    if !text.contains('@') || markdown.get(offset..offset + text.len()) != Some(text) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (at, c) in text.char_indices() {
        if c != '@' {
            continue;
        }
        let prev = match at {
            0 => markdown[..offset].chars().next_back(),
            _ => text[..at].chars().next_back(),
        };
        if prev.is_some_and(|p| p.is_alphanumeric() || "_.-+@/\\:&".contains(p)) {
            continue;
        }
        let key_len = crate::citations::key_length(&text[at + 1..]);
        let starts_well = text[at + 1..]
            .chars()
            .next()
            .is_some_and(|k| k.is_alphanumeric() || k == '_');
        if key_len > 0 && starts_well {
            out.push((at, at + 1 + key_len));
        }
    }
    out
}

/// A `[locator]` right after a narrative citation, as the events from
/// `from` (which start at source byte `at`, after an optional space).
struct BracketLocator {
    locator: String,
    /// Index of the first event after the bracket.
    next: usize,
    /// Text of the last event that lies after the `]`.
    rest: Option<String>,
}

fn bracket_locator(
    markdown: &str,
    body: &[(Event<'_>, usize)],
    from: usize,
    at: usize,
) -> Option<BracketLocator> {
    let after = markdown.get(at..)?;
    let open = at + after.len() - after.strip_prefix(' ').unwrap_or(after).len();
    let inner_and_rest = markdown.get(open..)?.strip_prefix('[')?;
    let close = inner_and_rest.find(']')?;
    let inner = &inner_and_rest[..close];
    if inner.trim().is_empty() || inner.contains(['[', '@', '\n', '^']) {
        return None;
    }
    let end = open + 1 + close + 1; // source byte after `]`
    let mut next = from;
    let mut rest = None;
    while let Some((event, start)) = body.get(next) {
        if *start >= end {
            break;
        }
        let Event::Text(t) = event else {
            return None; // markup inside the bracket: not a locator
        };
        if start + t.len() > end {
            rest = Some(t.get(end - start..)?.to_string());
        }
        next += 1;
    }
    // The bracket must begin exactly where the events do.
    if body.get(from).map(|(_, s)| *s) != Some(open) {
        return None;
    }
    Some(BracketLocator {
        locator: inner.trim().to_string(),
        next,
        rest,
    })
}

fn push_plain(out: &mut Rendered, state: &BodyState, text: &str) {
    out.plain_text.push_str(text);
    if state.in_paragraph && !state.first_paragraph_done {
        out.first_paragraph.push_str(text);
    }
}

/// Text with private-use placeholder characters neutralised.
fn safe_text(text: CowStr<'_>) -> Event<'_> {
    if has_placeholder_char(&text) {
        let mut s = String::new();
        escape_into(&mut s, &text);
        Event::Html(s.into())
    } else {
        Event::Text(text)
    }
}

/// An event with placeholder characters neutralised wherever the author's
/// text reaches the HTML unescaped by [`safe_text`]: raw HTML, inline code,
/// link and image destinations and titles, heading attributes, a fenced
/// code block's language (its `class`). Without this
/// `<b>\u{E000}N0\u{E001}</b>` forged a note marker (found by the property
/// test `placeholders_point_at_real_items`, #11).
fn neutral(event: Event<'_>) -> Event<'_> {
    fn has(s: &str) -> bool {
        has_placeholder_char(s)
    }
    /// Replaces the placeholder characters with `open` and `close`.
    fn swap<'a>(s: CowStr<'a>, open: &str, close: &str) -> CowStr<'a> {
        if has(&s) {
            s.replace(OPEN, open).replace(CLOSE, close).into()
        } else {
            s
        }
    }
    const REPLACEMENT: &str = "\u{FFFD}";
    match event {
        Event::Html(h) if has(&h) => Event::Html(swap(h, "&#xE000;", "&#xE001;")),
        Event::InlineHtml(h) if has(&h) => Event::InlineHtml(swap(h, "&#xE000;", "&#xE001;")),
        Event::Code(c) if has(&c) => {
            let mut s = String::from("<code>");
            escape_into(&mut s, &c);
            s.push_str("</code>");
            Event::Html(s.into())
        }
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: swap(dest_url, "%EE%80%80", "%EE%80%81"),
            title: swap(title, REPLACEMENT, REPLACEMENT),
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: swap(dest_url, "%EE%80%80", "%EE%80%81"),
            title: swap(title, REPLACEMENT, REPLACEMENT),
            id,
        }),
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level,
            id: id.map(|i| swap(i, REPLACEMENT, REPLACEMENT)),
            classes: classes
                .into_iter()
                .map(|c| swap(c, REPLACEMENT, REPLACEMENT))
                .collect(),
            attrs: attrs
                .into_iter()
                .map(|(k, v)| {
                    (
                        swap(k, REPLACEMENT, REPLACEMENT),
                        v.map(|v| swap(v, REPLACEMENT, REPLACEMENT)),
                    )
                })
                .collect(),
        }),
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => Event::Start(Tag::CodeBlock(
            CodeBlockKind::Fenced(swap(info, REPLACEMENT, REPLACEMENT)),
        )),
        other => other,
    }
}

/// HTML-escapes text for content and attributes, writing placeholder
/// characters as character references.
pub(crate) fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            OPEN => out.push_str("&#xE000;"),
            CLOSE => out.push_str("&#xE001;"),
            c => out.push(c),
        }
    }
}

/// Records an internal link (`@/path#fragment`, given without `@/`) and
/// returns the opening `<a>` with its URL left as a placeholder.
fn internal_link_open(
    out: &mut Rendered,
    dest: &str,
    title: &str,
    offset: usize,
) -> Event<'static> {
    let (path, fragment) = split_fragment(dest);
    let index = out.links.len();
    out.links.push(InternalLink {
        path,
        fragment,
        offset,
    });
    let mut tag = format!("<a href=\"{}\"", placeholder::link(index));
    if !title.is_empty() {
        tag.push_str(" title=\"");
        escape_into(&mut tag, title);
        tag.push('"');
    }
    tag.push('>');
    Event::Html(tag.into())
}

fn skip_to_link_end(body: &[(Event<'_>, usize)], i: &mut usize) {
    while *i < body.len() {
        let done = matches!(body[*i].0, Event::End(TagEnd::Link));
        *i += 1;
        if done {
            return;
        }
    }
}

fn heading_text(body: &[(Event<'_>, usize)], from: usize) -> String {
    let mut text = String::new();
    for (event, _) in &body[from..] {
        match event {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            _ => {}
        }
    }
    text.trim().to_string()
}

fn split_fragment(dest: &str) -> (String, Option<String>) {
    match dest.split_once('#') {
        Some((path, frag)) => (path.to_string(), Some(frag.to_string())),
        None => (dest.to_string(), None),
    }
}

/// pulldown-cmark leaves a reference to an undefined footnote as the text
/// pieces `[`, `^label`, `]`; recognise that shape to report it.
fn detect_undefined_reference(body: &[(Event<'_>, usize)], at: usize, problems: &mut Vec<Problem>) {
    let (Event::Text(open), _) = &body[at] else {
        return;
    };
    if open.as_ref() != "[" {
        return;
    }
    let (Some((Event::Text(label), offset)), Some((Event::Text(close), _))) =
        (body.get(at + 1), body.get(at + 2))
    else {
        return;
    };
    if let Some(name) = label.strip_prefix('^')
        && close.starts_with(']')
        && !name.is_empty()
        && !name.contains(char::is_whitespace)
    {
        problems.push(Problem {
            offset: offset.saturating_sub(1),
            severity: Severity::Error,
            message: format!(
                "footnote reference [^{name}] has no definition; add a line `[^{name}]: …` below the text"
            ),
        });
    }
}

/// Renders one footnote definition: bare URLs become links, citations inside
/// notes are reported (a note cannot hold another note).
fn render_definition(
    events: &[(Event<'_>, usize)],
    out: &mut Rendered,
    raw_html: RawHtml,
) -> (String, String) {
    let mut html_events = Vec::with_capacity(events.len());
    let mut text = String::new();
    let mut in_link = 0usize;
    let mut raw = RawSeen::new(raw_html);
    let mut links_kept: Vec<bool> = Vec::new();
    let mut images_kept: Vec<bool> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        let (event, offset) = events[i].clone();
        i += 1;
        match event {
            Event::Start(Tag::Link { dest_url, id, .. }) if dest_url.as_ref() == CITE_DEST => {
                out.problems.push(Problem {
                    offset,
                    severity: Severity::Warning,
                    message:
                        "a citation inside a footnote is shown as written; cite in the text instead"
                            .to_string(),
                });
                skip_to_link_end(events, &mut i);
                let literal = format!("[{id}]");
                text.push_str(&literal);
                html_events.push(Event::Text(literal.into()));
            }
            Event::Start(Tag::Link {
                dest_url, title, ..
            }) if dest_url.starts_with("@/") => {
                html_events.push(internal_link_open(out, &dest_url[2..], &title, offset));
                in_link += 1;
                links_kept.push(true);
            }
            Event::Start(Tag::Link { .. }) => {
                in_link += 1;
                let kept = link_allowed(&event, offset, &mut out.problems);
                links_kept.push(kept);
                if kept {
                    html_events.push(neutral(event));
                }
            }
            Event::End(TagEnd::Link) => {
                in_link = in_link.saturating_sub(1);
                if links_kept.pop().unwrap_or(true) {
                    html_events.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Image { .. }) => {
                let kept = link_allowed(&event, offset, &mut out.problems);
                images_kept.push(kept);
                if kept {
                    html_events.push(neutral(event));
                }
            }
            Event::End(TagEnd::Image) => {
                if images_kept.pop().unwrap_or(true) {
                    html_events.push(event);
                }
            }
            Event::Start(Tag::HtmlBlock) => {
                raw.block_start();
                html_events.push(event);
            }
            Event::End(TagEnd::HtmlBlock) => {
                raw.block_end(&mut out.problems);
                html_events.push(event);
            }
            Event::Html(ref h) | Event::InlineHtml(ref h) => {
                raw.fragment(h, offset, &mut out.problems);
                html_events.push(neutral(event));
            }
            Event::Text(t) => {
                text.push_str(&t);
                if in_link == 0 && t.contains("://") {
                    html_events.push(Event::Html(autolink(&t).into()));
                } else {
                    html_events.push(safe_text(t));
                }
            }
            Event::Code(t) => {
                text.push_str(&t);
                html_events.push(neutral(Event::Code(t)));
            }
            Event::SoftBreak | Event::HardBreak => {
                text.push(' ');
                html_events.push(event);
            }
            Event::End(TagEnd::Paragraph) => {
                text.push(' ');
                html_events.push(event);
            }
            Event::FootnoteReference(label) => {
                out.problems.push(Problem {
                    offset,
                    severity: Severity::Warning,
                    message: format!("footnote [^{label}] is referenced inside another footnote"),
                });
                html_events.push(Event::Text(format!("[^{label}]").into()));
            }
            other => html_events.push(neutral(other)),
        }
    }
    let mut html_out = String::new();
    html::push_html(&mut html_out, html_events.into_iter());
    if raw.found {
        html_out = sanitize::clean(&html_out);
    }
    (html_out, text.trim().to_string())
}

/// Escapes text and turns bare `http(s)://` URLs into links. Trailing
/// punctuation that usually ends a sentence is left outside the link.
fn autolink(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = find_url_start(rest) {
        escape_into(&mut out, &rest[..start]);
        let tail = &rest[start..];
        let mut end = tail
            .find(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
            .unwrap_or(tail.len());
        while end > 0 {
            let last = tail[..end].chars().next_back().unwrap_or(' ');
            let unbalanced_paren =
                last == ')' && tail[..end].matches('(').count() < tail[..end].matches(')').count();
            if ".,;:!?'”’»]".contains(last) || unbalanced_paren {
                end -= last.len_utf8();
            } else {
                break;
            }
        }
        let url = &tail[..end];
        out.push_str("<a href=\"");
        escape_into(&mut out, url);
        out.push_str("\">");
        escape_into(&mut out, url);
        out.push_str("</a>");
        rest = &tail[end..];
        if end == 0 {
            escape_into(&mut out, &rest[..1]);
            rest = &rest[1..];
        }
    }
    escape_into(&mut out, rest);
    out
}

fn find_url_start(s: &str) -> Option<usize> {
    let http = s.find("http://");
    let https = s.find("https://");
    match (http, https) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Heading ids made unique within a page: `x`, `x-1`, `x-2`: the first of
/// these not taken yet.
///
/// Each wanted id remembers the suffix to try next, so a page of n equal
/// headings costs n steps, not n² (10,000 equal headings took 7.4 s, #37).
/// The candidates skipped are all taken already (ids are never given
/// back), so the ids are the same as trying every suffix from 1.
#[derive(Default)]
struct IdSet {
    used: HashSet<String>,
    next_suffix: HashMap<String, usize>,
}

impl IdSet {
    fn unique(&mut self, wanted: String) -> String {
        if self.used.insert(wanted.clone()) {
            return wanted;
        }
        let next = self.next_suffix.entry(wanted.clone()).or_insert(1);
        loop {
            let candidate = format!("{wanted}-{next}");
            *next += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}
