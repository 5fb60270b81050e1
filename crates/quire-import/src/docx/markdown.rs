//! The model → quire Markdown (CommonMark with footnotes, pipe tables and
//! Pandoc citations, as pulldown-cmark reads it).
//!
//! Owns: grouping list paragraphs into nested lists (by list id and level,
//! numbering carried across interruptions, indented paragraphs kept in
//! their item), block quotes, heading levels (the body starts at `##`),
//! highlights taken from a bulleted list under a key-points heading,
//! emphasis that CommonMark's flanking rules accept (HTML tags where they
//! would not), escaping of text, pipe tables where they can hold the table
//! and HTML tables (with Markdown cells) where they cannot, anchors for
//! internal links, and notes as `[^n]` in reading order.
//! Must not know: Word XML, files.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::model::{Block, Cell, Inline, NoteKind, Table, is_empty, plain};
use super::styles::{Fmt, ParaKind};

/// An image as written into the bundle.
#[derive(Debug, Clone)]
pub(crate) struct ImageOut {
    /// File name in the bundle; `None` when the format cannot be shown on the web.
    pub file: Option<String>,
    pub alt: Option<String>,
    pub title: Option<String>,
}

/// What the rendering counted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RenderStats {
    /// Headings in the body.
    pub headings: usize,
    /// Paragraphs in the body (outside lists and tables).
    pub paragraphs: usize,
    /// Lists (nested ones included).
    pub lists: usize,
    /// List items.
    pub list_items: usize,
    /// Block quotes.
    pub quotes: usize,
    /// Tables written as Markdown pipe tables.
    pub pipe_tables: usize,
    /// Tables written as HTML (merged cells, no header row, several blocks in a cell).
    pub html_tables: usize,
    /// Links to web addresses.
    pub links: usize,
    /// Links inside the document (bookmarks, headings).
    pub internal_links: usize,
    /// Images placed.
    pub images: usize,
    /// Footnotes written.
    pub footnotes: usize,
    /// Endnotes written.
    pub endnotes: usize,
    /// Notes that are an ibid. form, kept as written.
    pub ibid_notes: usize,
    /// Citation clusters placed.
    pub citations: usize,
}

pub(crate) type Notes = HashMap<(NoteKind, String), Vec<Block>>;

#[derive(Debug, Clone)]
enum Md {
    Para(Vec<Inline>),
    Heading(u8, Vec<Inline>),
    Quote(Vec<Vec<Inline>>),
    Code(Vec<String>),
    List(List),
    Table(Table),
}

#[derive(Debug, Clone)]
struct List {
    ordered: bool,
    start: i64,
    num_id: String,
    ilvl: u32,
    indent: i64,
    items: Vec<Vec<Md>>,
}

/// The result of rendering a body.
pub(crate) struct Rendered {
    pub markdown: String,
    pub highlights: Vec<String>,
    pub stats: RenderStats,
    pub warnings: Vec<String>,
}

/// Heading levels of the body renumbered by rank from 2 (the page title is
/// the `h1`), at most 6.
pub(crate) fn normalise_headings(blocks: &mut [Block]) {
    let levels: BTreeSet<u8> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Para(p) => match p.kind {
                ParaKind::Heading(n) => Some(n),
                _ => None,
            },
            Block::Table(_) => None,
        })
        .collect();
    let rank: HashMap<u8, u8> = levels
        .iter()
        .enumerate()
        .map(|(i, l)| (*l, (i as u8 + 2).min(6)))
        .collect();
    for b in blocks {
        if let Block::Para(p) = b
            && let ParaKind::Heading(n) = p.kind
        {
            p.kind = ParaKind::Heading(rank[&n]);
        }
    }
}

/// Flat blocks → Markdown blocks: lists nested, quotes and code grouped,
/// empty paragraphs dropped.
fn group(blocks: &[Block], counters: &mut HashMap<(String, u32), i64>) -> Vec<Md> {
    let mut out: Vec<Md> = Vec::new();
    let mut stack: Vec<List> = Vec::new();
    fn close(stack: &mut Vec<List>, out: &mut Vec<Md>) {
        if let Some(done) = stack.pop() {
            match stack.last_mut().and_then(|p| p.items.last_mut()) {
                Some(item) => item.push(Md::List(done)),
                None => out.push(Md::List(done)),
            }
        }
    }
    for b in blocks {
        let para = match b {
            Block::Para(p) => p,
            Block::Table(t) => {
                while !stack.is_empty() {
                    close(&mut stack, &mut out);
                }
                out.push(Md::Table(t.clone()));
                continue;
            }
        };
        if is_empty(&para.inlines) {
            continue;
        }
        if let Some(l) = &para.list {
            while stack.last().is_some_and(|top| top.ilvl > l.ilvl) {
                close(&mut stack, &mut out);
            }
            if stack
                .last()
                .is_some_and(|top| top.ilvl == l.ilvl && top.num_id != l.num_id)
            {
                close(&mut stack, &mut out);
            }
            // Word numbers on across interruptions; deeper levels restart.
            let n = {
                let c = counters
                    .entry((l.num_id.clone(), l.ilvl))
                    .or_insert(l.level.start - 1);
                *c += 1;
                *c
            };
            counters.retain(|(id, lvl), _| !(id == &l.num_id && *lvl > l.ilvl));
            let item = vec![Md::Para(para.inlines.clone())];
            match stack.last_mut() {
                Some(top) if top.ilvl == l.ilvl => top.items.push(item),
                _ => stack.push(List {
                    ordered: l.level.ordered(),
                    start: n,
                    num_id: l.num_id.clone(),
                    ilvl: l.ilvl,
                    indent: l.level.indent,
                    items: vec![item],
                }),
            }
            continue;
        }
        // An indented paragraph inside a list continues the item it lines up with.
        if para.indent > 0
            && matches!(para.kind, ParaKind::Normal)
            && let Some(pos) = stack.iter().rposition(|l| l.indent <= para.indent)
        {
            while stack.len() > pos + 1 {
                close(&mut stack, &mut out);
            }
            if let Some(item) = stack[pos].items.last_mut() {
                item.push(Md::Para(para.inlines.clone()));
                continue;
            }
        }
        while !stack.is_empty() {
            close(&mut stack, &mut out);
        }
        match para.kind {
            ParaKind::Heading(n) => out.push(Md::Heading(n, para.inlines.clone())),
            ParaKind::Quote => match out.last_mut() {
                Some(Md::Quote(ps)) => ps.push(para.inlines.clone()),
                _ => out.push(Md::Quote(vec![para.inlines.clone()])),
            },
            ParaKind::Caption => {
                // Captions read as captions: in italics.
                let inl = para
                    .inlines
                    .iter()
                    .map(|i| match i {
                        Inline::Text(t, f) => Inline::Text(t.clone(), Fmt(f.0 | Fmt::ITALIC)),
                        other => other.clone(),
                    })
                    .collect();
                out.push(Md::Para(inl));
            }
            ParaKind::Code => {
                let line = plain(&para.inlines);
                match out.last_mut() {
                    Some(Md::Code(lines)) => lines.push(line),
                    _ => out.push(Md::Code(vec![line])),
                }
            }
            _ => out.push(Md::Para(para.inlines.clone())),
        }
    }
    while !stack.is_empty() {
        close(&mut stack, &mut out);
    }
    out
}

fn normalise_label(s: &str) -> String {
    s.trim().trim_end_matches([':', '.']).trim().to_lowercase()
}

/// Takes the first bulleted list right after a key-points heading (or a
/// paragraph that says only that).
fn take_highlights(blocks: &mut Vec<Md>, labels: &[String]) -> Vec<String> {
    let labels: Vec<String> = labels.iter().map(|l| normalise_label(l)).collect();
    for i in 0..blocks.len().saturating_sub(1) {
        let label = match &blocks[i] {
            Md::Heading(_, inl) | Md::Para(inl) => normalise_label(&plain(inl)),
            _ => continue,
        };
        if !labels.contains(&label) {
            continue;
        }
        if let Md::List(l) = &blocks[i + 1]
            && !l.ordered
        {
            let items = l
                .items
                .iter()
                .map(|item| {
                    item.iter()
                        .filter_map(|b| match b {
                            Md::Para(inl) => Some(plain(inl).trim().to_string()),
                            _ => None,
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .filter(|s| !s.is_empty())
                .collect();
            blocks.drain(i..=i + 1);
            return items;
        }
    }
    Vec::new()
}

/// Renders the body and its notes.
pub(crate) fn render(
    body: &[Block],
    notes: &Notes,
    images: &[ImageOut],
    highlight_labels: &[String],
) -> Rendered {
    let mut counters = HashMap::new();
    let mut blocks = group(body, &mut counters);
    let highlights = take_highlights(&mut blocks, highlight_labels);
    let mut r = Renderer {
        notes,
        images,
        anchor_ids: HashMap::new(),
        heading_targets: HashSet::new(),
        referenced: HashSet::new(),
        note_numbers: HashMap::new(),
        note_queue: Vec::new(),
        stats: RenderStats::default(),
        warnings: Vec::new(),
    };
    r.plan_anchors(&blocks);
    let mut markdown = r.blocks(&blocks, true);
    let mut defs = Vec::new();
    let mut i = 0;
    while i < r.note_queue.len() {
        let (kind, id) = r.note_queue[i].clone();
        i += 1;
        let n = r.note_numbers[&(kind, id.clone())];
        let Some(note) = notes.get(&(kind, id.clone())) else {
            r.warnings.push(format!(
                "note {n} refers to a missing note ({id}); left empty"
            ));
            defs.push(format!("[^{n}]: "));
            continue;
        };
        match kind {
            NoteKind::Foot => r.stats.footnotes += 1,
            NoteKind::End => r.stats.endnotes += 1,
        }
        let grouped = group(note, &mut HashMap::new());
        let text: String = grouped
            .iter()
            .find_map(|b| match b {
                Md::Para(inl) => Some(plain(inl)),
                _ => None,
            })
            .unwrap_or_default();
        if is_ibid(&text) {
            r.stats.ibid_notes += 1;
        }
        let content = r.blocks(&grouped, false);
        let mut def = format!("[^{n}]: ");
        for (j, line) in content.lines().enumerate() {
            if j > 0 {
                def.push('\n');
                if !line.is_empty() {
                    def.push_str("    ");
                }
            }
            def.push_str(line);
        }
        defs.push(def);
    }
    if !defs.is_empty() {
        markdown.push_str("\n\n");
        markdown.push_str(&defs.join("\n\n"));
    }
    markdown.push('\n');
    Rendered {
        markdown,
        highlights,
        stats: r.stats,
        warnings: r.warnings,
    }
}

/// Ibid. forms kept as written, so quire's ibid. handling applies.
fn is_ibid(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    [
        "ibid",
        "a.g.e",
        "age.",
        "там же",
        "тамже",
        "aynı yer",
        "same place",
    ]
    .iter()
    .any(|f| t.starts_with(f))
}

struct Renderer<'a> {
    notes: &'a Notes,
    images: &'a [ImageOut],
    /// Bookmark name → id in the page.
    anchor_ids: HashMap<String, String>,
    /// Bookmark names that sit on a heading (the heading carries the id).
    heading_targets: HashSet<String>,
    /// Bookmark names some link points to.
    referenced: HashSet<String>,
    note_numbers: HashMap<(NoteKind, String), usize>,
    note_queue: Vec<(NoteKind, String)>,
    stats: RenderStats,
    warnings: Vec<String>,
}

fn visit_inlines(inl: &[Inline], f: &mut impl FnMut(&Inline)) {
    for i in inl {
        f(i);
        if let Inline::Link(_, c) = i {
            visit_inlines(c, f);
        }
    }
}

fn visit_blocks(blocks: &[Md], f: &mut impl FnMut(&Md)) {
    for b in blocks {
        f(b);
        match b {
            Md::List(l) => {
                for item in &l.items {
                    visit_blocks(item, f);
                }
            }
            Md::Table(t) => {
                for row in &t.rows {
                    for cell in row {
                        visit_blocks(&group(&cell.blocks, &mut HashMap::new()), f);
                    }
                }
            }
            _ => {}
        }
    }
}

/// A bookmark name as an HTML id.
fn anchor_id(name: &str) -> String {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        name.to_string()
    } else {
        let s = quire_core::slugify(name);
        if s.is_empty() { "anchor".into() } else { s }
    }
}

impl Renderer<'_> {
    /// Heading ids as quire makes them, and where each bookmark lands.
    fn plan_anchors(&mut self, blocks: &[Md]) {
        let mut referenced = HashSet::new();
        let mut collect = |inl: &[Inline]| {
            visit_inlines(inl, &mut |i| {
                if let Inline::Link(href, _) = i
                    && let Some(name) = href.strip_prefix('#')
                {
                    referenced.insert(name.to_string());
                }
            })
        };
        visit_blocks(blocks, &mut |b| match b {
            Md::Para(inl) | Md::Heading(_, inl) => collect(inl),
            Md::Quote(ps) => ps.iter().for_each(|p| collect(p)),
            _ => {}
        });
        for note in self.notes.values() {
            visit_blocks(&group(note, &mut HashMap::new()), &mut |b| {
                if let Md::Para(inl) = b {
                    collect(inl);
                }
            });
        }
        self.referenced = referenced;
        let mut used: HashSet<String> = HashSet::new();
        let mut anchors = HashMap::new();
        let mut heading_targets = HashSet::new();
        visit_blocks(blocks, &mut |b| match b {
            Md::Heading(_, inl) => {
                let text = plain(inl);
                let mut id = quire_core::slugify(&text);
                if id.is_empty() {
                    id = "section".into();
                }
                if !used.insert(id.clone()) {
                    id = (1..)
                        .map(|n| format!("{id}-{n}"))
                        .find(|c| used.insert(c.clone()))
                        .expect("a free id");
                }
                visit_inlines(inl, &mut |i| {
                    if let Inline::Anchor(name) = i {
                        anchors.insert(name.clone(), id.clone());
                        heading_targets.insert(name.clone());
                    }
                });
            }
            Md::Para(inl) => visit_inlines(inl, &mut |i| {
                if let Inline::Anchor(name) = i {
                    anchors
                        .entry(name.clone())
                        .or_insert_with(|| anchor_id(name));
                }
            }),
            Md::Quote(ps) => {
                for p in ps {
                    visit_inlines(p, &mut |i| {
                        if let Inline::Anchor(name) = i {
                            anchors
                                .entry(name.clone())
                                .or_insert_with(|| anchor_id(name));
                        }
                    });
                }
            }
            _ => {}
        });
        self.anchor_ids = anchors;
        self.heading_targets = heading_targets;
    }

    fn blocks(&mut self, blocks: &[Md], top: bool) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut prev_list: Option<(bool, bool)> = None;
        for b in blocks {
            let mut this_list = None;
            let s = match b {
                Md::Para(inl) => {
                    if top {
                        self.stats.paragraphs += 1;
                    }
                    self.paragraph(inl)
                }
                Md::Heading(n, inl) => {
                    self.stats.headings += 1;
                    self.heading(*n, inl)
                }
                Md::Quote(ps) => {
                    self.stats.quotes += 1;
                    ps.iter()
                        .map(|p| {
                            self.paragraph(p)
                                .lines()
                                .map(|l| format!("> {l}"))
                                .collect::<Vec<_>>()
                                .join("\n")
                        })
                        .collect::<Vec<_>>()
                        .join("\n>\n")
                }
                Md::Code(lines) => {
                    let longest = lines.iter().map(|l| longest_run(l, '`')).max().unwrap_or(0);
                    let fence = "`".repeat(longest.max(2) + 1);
                    format!("{fence}\n{}\n{fence}", lines.join("\n"))
                }
                Md::List(l) => {
                    let alt = matches!(prev_list, Some((o, a)) if o == l.ordered && !a);
                    this_list = Some((l.ordered, alt));
                    self.list(l, alt)
                }
                Md::Table(t) => self.table(t),
            };
            prev_list = this_list;
            if !s.trim().is_empty() {
                parts.push(s);
            }
        }
        parts.join("\n\n")
    }

    fn heading(&mut self, level: u8, inl: &[Inline]) -> String {
        let text = self.inline(inl, true);
        let mut s = format!("{} {}", "#".repeat(level as usize), text.replace('\n', " "));
        let mut explicit = None;
        visit_inlines(inl, &mut |i| {
            if let Inline::Anchor(name) = i
                && explicit.is_none()
                && self.referenced.contains(name)
            {
                explicit = self.anchor_ids.get(name).cloned();
            }
        });
        if let Some(id) = explicit {
            s.push_str(&format!(" {{#{id}}}"));
        }
        s
    }

    fn paragraph(&mut self, inl: &[Inline]) -> String {
        let mut inl: &[Inline] = inl;
        while let Some((Inline::Break, rest)) = inl.split_first() {
            inl = rest;
        }
        while let Some((Inline::Break, rest)) = inl.split_last() {
            inl = rest;
        }
        let s = self.inline(inl, false);
        escape_line_starts(s.trim())
    }

    fn list(&mut self, l: &List, alt: bool) -> String {
        self.stats.lists += 1;
        let loose = l
            .items
            .iter()
            .any(|item| item.iter().filter(|b| !matches!(b, Md::List(_))).count() > 1);
        let mut out = Vec::new();
        for (i, item) in l.items.iter().enumerate() {
            self.stats.list_items += 1;
            let marker = if l.ordered {
                format!("{}{} ", l.start + i as i64, if alt { ')' } else { '.' })
            } else if alt {
                "* ".to_string()
            } else {
                "- ".to_string()
            };
            let width = marker.len();
            let body = if loose {
                self.blocks(item, false)
            } else {
                // Tight: the nested list follows the text line directly.
                let mut parts = Vec::new();
                let mut prev: Option<(bool, bool)> = None;
                for b in item {
                    match b {
                        Md::List(sub) => {
                            let a = matches!(prev, Some((o, a)) if o == sub.ordered && !a);
                            prev = Some((sub.ordered, a));
                            parts.push(self.list(sub, a));
                        }
                        other => {
                            prev = None;
                            parts.push(self.blocks(std::slice::from_ref(other), false));
                        }
                    }
                }
                parts.join("\n")
            };
            let mut text = marker.clone();
            for (j, line) in body.lines().enumerate() {
                if j > 0 {
                    text.push('\n');
                    if !line.is_empty() {
                        text.push_str(&" ".repeat(width));
                    }
                }
                text.push_str(line);
            }
            out.push(text);
        }
        out.join(if loose { "\n\n" } else { "\n" })
    }

    fn table(&mut self, t: &Table) -> String {
        let grouped: Vec<Vec<(Vec<Md>, &Cell)>> = t
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|c| (group(&c.blocks, &mut HashMap::new()), c))
                    .collect()
            })
            .collect();
        let width = grouped.first().map(Vec::len).unwrap_or(0);
        let simple = t.header_rows == 1
            && width > 0
            && grouped.iter().all(|row| {
                row.len() == width
                    && row.iter().all(|(blocks, c)| {
                        c.colspan == 1
                            && c.rowspan == 1
                            && blocks.len() <= 1
                            && blocks.iter().all(|b| matches!(b, Md::Para(_)))
                    })
            });
        if simple {
            self.stats.pipe_tables += 1;
            let mut lines = Vec::new();
            for (r, row) in grouped.iter().enumerate() {
                let cells: Vec<String> = row
                    .iter()
                    .map(|(blocks, _)| match blocks.first() {
                        Some(Md::Para(inl)) => {
                            let s = self.inline(inl, false);
                            s.trim().replace("\\\n", "<br>").replace('\n', " ")
                        }
                        _ => String::new(),
                    })
                    .collect();
                lines.push(format!("| {} |", cells.join(" | ")));
                if r == 0 {
                    lines.push(format!("|{}", " --- |".repeat(width)));
                }
            }
            return lines.join("\n");
        }
        self.stats.html_tables += 1;
        let mut s = String::from("<table>\n");
        for (r, row) in grouped.iter().enumerate() {
            let header = r < t.header_rows;
            if r == 0 && header {
                s.push_str("<thead>\n");
            }
            if r == t.header_rows {
                s.push_str("<tbody>\n");
            }
            s.push_str("<tr>\n");
            let tag = if header { "th" } else { "td" };
            for (blocks, c) in row {
                let mut attrs = String::new();
                if c.colspan > 1 {
                    attrs.push_str(&format!(" colspan=\"{}\"", c.colspan));
                }
                if c.rowspan > 1 {
                    attrs.push_str(&format!(" rowspan=\"{}\"", c.rowspan));
                }
                let content = self.blocks(blocks, false);
                if content.trim().is_empty() {
                    s.push_str(&format!("<{tag}{attrs}></{tag}>\n"));
                } else {
                    s.push_str(&format!("<{tag}{attrs}>\n\n{content}\n\n</{tag}>\n"));
                }
            }
            s.push_str("</tr>\n");
            if header && r + 1 == t.header_rows {
                s.push_str("</thead>\n");
            }
        }
        if t.rows.len() > t.header_rows {
            s.push_str("</tbody>\n");
        }
        s.push_str("</table>");
        s
    }

    fn note_number(&mut self, kind: NoteKind, id: &str) -> usize {
        let key = (kind, id.to_string());
        if let Some(n) = self.note_numbers.get(&key) {
            return *n;
        }
        let n = self.note_queue.len() + 1;
        self.note_numbers.insert(key.clone(), n);
        self.note_queue.push(key);
        n
    }

    /// Inline content → Markdown.
    fn inline(&mut self, inl: &[Inline], heading: bool) -> String {
        let mut pieces = Vec::new();
        self.pieces(inl, heading, &mut pieces);
        // Atoms and blank text take the formatting around them, so they
        // neither close nor open emphasis.
        for i in 0..pieces.len() {
            if pieces[i].inherit || (!pieces[i].atom && pieces[i].text.trim().is_empty()) {
                let prev = pieces[..i].iter().rev().find(|p| !p.inherit).map(|p| p.fmt);
                let next = pieces[i + 1..].iter().find(|p| !p.inherit).map(|p| p.fmt);
                pieces[i].fmt = match (prev, next) {
                    (Some(a), Some(b)) => Fmt(a.0 & b.0),
                    (Some(a), None) | (None, Some(a)) => {
                        if pieces[i].inherit {
                            a
                        } else {
                            Fmt(0)
                        }
                    }
                    (None, None) => Fmt(0),
                };
            }
        }
        render_pieces(&pieces)
    }

    fn pieces(&mut self, inl: &[Inline], heading: bool, out: &mut Vec<Piece>) {
        for i in inl {
            match i {
                Inline::Text(t, f) => out.push(Piece::text(escape(t), *f)),
                Inline::Break => {
                    if heading {
                        out.push(Piece::text(" ".into(), Fmt(0)));
                    } else {
                        out.push(Piece::atom("\\\n".into()));
                    }
                }
                Inline::Link(href, children) => {
                    let common = children
                        .iter()
                        .filter_map(|c| match c {
                            Inline::Text(t, f) if !t.trim().is_empty() => Some(f.0),
                            _ => None,
                        })
                        .reduce(|a, b| a & b)
                        .unwrap_or(0);
                    let stripped: Vec<Inline> = children
                        .iter()
                        .map(|c| match c {
                            Inline::Text(t, f) => Inline::Text(t.clone(), Fmt(f.0 & !common)),
                            other => other.clone(),
                        })
                        .collect();
                    let md = self.link(href, &stripped, heading);
                    let mut p = Piece::atom(md);
                    p.inherit = false;
                    p.fmt = Fmt(common);
                    out.push(p);
                }
                Inline::Note(kind, id) => {
                    let n = self.note_number(*kind, id);
                    out.push(Piece::atom(format!("[^{n}]")));
                }
                Inline::Cite(s) => {
                    self.stats.citations += 1;
                    out.push(Piece::atom(s.clone()));
                }
                Inline::Image(idx) => {
                    let Some(img) = self.images.get(*idx) else {
                        continue;
                    };
                    let Some(file) = &img.file else { continue };
                    self.stats.images += 1;
                    let alt = img.alt.as_deref().map(escape).unwrap_or_default();
                    let title = img
                        .title
                        .as_deref()
                        .map(|t| format!(" \"{}\"", t.replace('\\', "\\\\").replace('"', "\\\"")))
                        .unwrap_or_default();
                    out.push(Piece::atom(format!("![{alt}]({}{title})", url(file))));
                }
                Inline::Anchor(name) => {
                    if !heading
                        && self.referenced.contains(name)
                        && !self.heading_targets.contains(name)
                        && let Some(id) = self.anchor_ids.get(name)
                    {
                        out.push(Piece::atom(format!("<span id=\"{id}\"></span>")));
                    }
                }
            }
        }
    }

    fn link(&mut self, href: &str, children: &[Inline], heading: bool) -> String {
        let text = self.inline(children, heading);
        if let Some(name) = href.strip_prefix('#') {
            return match self.anchor_ids.get(name) {
                Some(id) => {
                    self.stats.internal_links += 1;
                    format!("[{text}](#{id})")
                }
                None => {
                    self.warnings.push(format!(
                        "a link to the bookmark `{name}` points nowhere in the document; kept as text"
                    ));
                    text
                }
            };
        }
        self.stats.links += 1;
        if text.trim().is_empty() {
            return format!("<{}>", href.replace(' ', "%20").replace('>', "%3E"));
        }
        if plain(children) == href && !href.contains(' ') && href.contains("://") {
            return format!("<{href}>");
        }
        format!("[{text}]({})", url(href))
    }
}

fn url(href: &str) -> String {
    href.replace(' ', "%20")
        .replace('(', "%28")
        .replace(')', "%29")
        .replace('<', "%3C")
        .replace('>', "%3E")
}

fn longest_run(s: &str, c: char) -> usize {
    let mut best = 0;
    let mut cur = 0;
    for ch in s.chars() {
        if ch == c {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

#[derive(Debug, Clone)]
struct Piece {
    /// Markdown (text already escaped).
    text: String,
    fmt: Fmt,
    atom: bool,
    /// Takes the formatting of its neighbours.
    inherit: bool,
}

impl Piece {
    fn text(text: String, fmt: Fmt) -> Piece {
        Piece {
            text,
            fmt,
            atom: false,
            inherit: false,
        }
    }

    fn atom(text: String) -> Piece {
        Piece {
            text,
            fmt: Fmt(0),
            atom: true,
            inherit: true,
        }
    }
}

fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation() || (!c.is_alphanumeric() && !c.is_whitespace())
}

fn delimiter(flag: u8, html: bool, open: bool) -> String {
    let (md, tag) = match flag {
        Fmt::BOLD => ("**", "strong"),
        Fmt::ITALIC => ("*", "em"),
        Fmt::STRIKE => ("~~", "del"),
        Fmt::UNDERLINE => ("", "u"),
        Fmt::SUP => ("", "sup"),
        _ => ("", "sub"),
    };
    if html || md.is_empty() {
        if open {
            format!("<{tag}>")
        } else {
            format!("</{tag}>")
        }
    } else {
        md.to_string()
    }
}

/// True when `flag` opened before piece `i` must be an HTML tag because
/// CommonMark's flanking rules would not read `*`/`**`/`~~` there.
fn needs_html(flag: u8, pieces: &[Piece], i: usize, out: &str) -> bool {
    if !matches!(flag, Fmt::BOLD | Fmt::ITALIC | Fmt::STRIKE) {
        return true;
    }
    let prev = out.chars().last();
    let Some(next) = pieces[i].text.trim_start().chars().next() else {
        return true;
    };
    let left = !next.is_whitespace()
        && (!is_punct(next) || prev.is_none_or(|p| p.is_whitespace() || is_punct(p)));
    let j = (i..pieces.len())
        .find(|&k| !pieces[k].fmt.has(flag))
        .unwrap_or(pieces.len());
    let span: String = pieces[i..j].iter().map(|p| p.text.as_str()).collect();
    let Some(last) = span.trim_end().chars().last() else {
        return true;
    };
    let after = if span.ends_with(char::is_whitespace) {
        Some(' ')
    } else {
        pieces.get(j).and_then(|p| p.text.chars().next())
    };
    let right = !last.is_whitespace()
        && (!is_punct(last) || after.is_none_or(|a| a.is_whitespace() || is_punct(a)));
    !(left && right)
}

fn render_pieces(pieces: &[Piece]) -> String {
    let mut out = String::new();
    let mut stack: Vec<(u8, bool)> = Vec::new();
    let close_to = |out: &mut String, stack: &mut Vec<(u8, bool)>, pos: usize| {
        let trimmed_len = out.trim_end().len();
        let trailing = out[trimmed_len..].to_string();
        out.truncate(trimmed_len);
        for (f, html) in stack.drain(pos..).rev() {
            out.push_str(&delimiter(f, html, false));
        }
        out.push_str(&trailing);
    };
    for (i, p) in pieces.iter().enumerate() {
        if let Some(pos) = stack.iter().position(|(f, _)| !p.fmt.has(*f)) {
            close_to(&mut out, &mut stack, pos);
        }
        let to_open: Vec<u8> = Fmt::ORDER
            .iter()
            .copied()
            .filter(|f| p.fmt.has(*f) && !stack.iter().any(|(s, _)| s == f))
            .collect();
        if to_open.is_empty() {
            out.push_str(&p.text);
            continue;
        }
        let rest = p.text.trim_start();
        out.push_str(&p.text[..p.text.len() - rest.len()]);
        for f in to_open {
            let html = needs_html(f, pieces, i, &out);
            out.push_str(&delimiter(f, html, true));
            stack.push((f, html));
        }
        out.push_str(rest);
    }
    close_to(&mut out, &mut stack, 0);
    out
}

/// Text escaped so that Markdown reads it as written.
fn escape(t: &str) -> String {
    let mut out = String::with_capacity(t.len() + 8);
    let mut prev: Option<char> = None;
    for c in t.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '~' | '&' | '{' | '}' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '@' if prev.is_none_or(|p| !p.is_alphanumeric()) => out.push_str("\\@"),
            '\t' | '\n' | '\r' => out.push(' '),
            '\u{00AD}' => {}
            ' ' if prev == Some(' ') => {}
            _ => out.push(c),
        }
        prev = Some(c);
    }
    out
}

/// Escapes what would start a block at the start of a line (`#`, `-`, `+`,
/// `=`, `1.`) and drops indentation.
fn escape_line_starts(s: &str) -> String {
    s.split('\n')
        .map(|line| {
            let t = line.trim_start();
            let digits = t.chars().take_while(char::is_ascii_digit).count();
            if digits > 0
                && digits <= 9
                && t[digits..].starts_with(['.', ')'])
                && t[digits + 1..]
                    .chars()
                    .next()
                    .is_none_or(char::is_whitespace)
            {
                format!("{}\\{}", &t[..digits], &t[digits..])
            } else if t.starts_with(['#', '-', '+', '=']) {
                format!("\\{t}")
            } else {
                t.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str, f: u8) -> Inline {
        Inline::Text(s.into(), Fmt(f))
    }

    fn md(inl: &[Inline]) -> String {
        let notes = Notes::new();
        let mut r = Renderer {
            notes: &notes,
            images: &[],
            anchor_ids: HashMap::new(),
            heading_targets: HashSet::new(),
            referenced: HashSet::new(),
            note_numbers: HashMap::new(),
            note_queue: Vec::new(),
            stats: RenderStats::default(),
            warnings: Vec::new(),
        };
        r.paragraph(inl)
    }

    #[test]
    fn emphasis_nests_and_moves_spaces_outside() {
        let b = Fmt::BOLD;
        let i = Fmt::ITALIC;
        assert_eq!(
            md(&[
                t("Regular ", 0),
                t("bold ", b),
                t("bold italics", b | i),
                t(".", 0)
            ]),
            "Regular **bold *bold italics***."
        );
        assert_eq!(md(&[t("a ", 0), t("word ", b), t("b", 0)]), "a **word** b");
        // `**` between a letter and punctuation-then-letter is not read: HTML instead.
        assert_eq!(
            md(&[t("x", 0), t("(y)", b), t("z", 0)]),
            "x<strong>(y)</strong>z"
        );
        assert_eq!(
            md(&[t("H", 0), t("2", Fmt::SUB), t("O", 0)]),
            "H<sub>2</sub>O"
        );
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            md(&[t("1. a *b* [c] @d x@y", 0)]),
            "1\\. a \\*b\\* \\[c\\] \\@d x@y"
        );
        assert_eq!(md(&[t("# not a heading", 0)]), "\\# not a heading");
    }
}
