//! Word XML (`document.xml`, `footnotes.xml`, `endnotes.xml`) → the model.
//!
//! Owns: walking paragraphs, runs and tables; accepting tracked changes
//! (insertions kept, deletions dropped) and dropping comments, both
//! counted; fields (Zotero and Mendeley citations, hyperlinks, tables of
//! contents, the reference-manager bibliography); images and what cannot be
//! imported (text boxes, charts, equations, embedded objects), reported by
//! kind and position, with a picture fallback kept as an image.
//! Must not know: Markdown, files, the site.

use std::collections::BTreeSet;

use super::cite::Citations;
use super::model::{Block, Cell, Inline, ListRef, NoteKind, Para, Table};
use super::package::Rels;
use super::styles::{Fmt, Numbering, ParaKind, Styles};
use super::xml::Element;

/// An image found in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImageRef {
    /// The part holding its bytes (`word/media/image1.png`).
    pub part: String,
    /// Alternative text (`descr`), if any.
    pub alt: Option<String>,
    /// Title, if any.
    pub title: Option<String>,
}

/// Something in the document the import cannot carry over as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    /// What it is: "text box", "chart", "equation", "embedded object" …
    pub kind: String,
    /// Where: "paragraph 12 (after “…”)" or "footnote 3".
    pub position: String,
    /// What became of it.
    pub outcome: String,
}

/// Counts kept while reading.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    pub insertions: usize,
    pub deletions: usize,
    pub comments: BTreeSet<String>,
    pub format_changes: usize,
    pub hidden_runs: usize,
    pub bibliography_fields: usize,
    pub tables_of_contents: usize,
    pub unsupported: Vec<Unsupported>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Action {
    Undecided,
    Keep,
    Suppress,
    /// A HYPERLINK field: its frame is open while `true`.
    Link(bool),
}

#[derive(Debug)]
struct Field {
    instr: String,
    in_result: bool,
    action: Action,
}

#[derive(Debug, Default)]
struct Frame {
    inlines: Vec<Inline>,
    link: Option<String>,
}

/// Reads the parts of one document into the model.
pub(crate) struct Reader<'a> {
    styles: &'a Styles,
    numbering: &'a Numbering,
    pub rels: Rels,
    pub cites: &'a mut Citations,
    pub stats: Stats,
    pub images: Vec<ImageRef>,
    /// Languages of runs (`w:lang`), counted per character.
    pub langs: std::collections::BTreeMap<String, usize>,
    fields: Vec<Field>,
    frames: Vec<Frame>,
    /// Blocks to add after the current paragraph (text box contents).
    pending: Vec<Block>,
    /// Where we are, for reports.
    pub place: String,
    paragraphs: usize,
    recent: String,
}

impl<'a> Reader<'a> {
    pub fn new(styles: &'a Styles, numbering: &'a Numbering, cites: &'a mut Citations) -> Self {
        Reader {
            styles,
            numbering,
            rels: Rels::new(),
            cites,
            stats: Stats::default(),
            images: Vec::new(),
            langs: Default::default(),
            fields: Vec::new(),
            frames: Vec::new(),
            pending: Vec::new(),
            place: String::new(),
            paragraphs: 0,
            recent: String::new(),
        }
    }

    /// The blocks of a container (`w:body`, a note, a cell, a text box).
    pub fn blocks(&mut self, container: &Element) -> Vec<Block> {
        let mut out = Vec::new();
        for e in container.elements() {
            self.block(e, &mut out);
        }
        out
    }

    fn block(&mut self, e: &Element, out: &mut Vec<Block>) {
        match e.name.as_str() {
            "w:p" => self.paragraph(e, out),
            "w:tbl" => out.push(Block::Table(self.table(e))),
            "w:sdt" => {
                let gallery = e
                    .child("w:sdtPr")
                    .and_then(|p| p.find("w:docPartGallery"))
                    .and_then(|g| g.attr("w:val"))
                    .unwrap_or("");
                if gallery.contains("Table of Contents") {
                    self.stats.tables_of_contents += 1;
                } else if let Some(content) = e.child("w:sdtContent") {
                    for c in content.elements() {
                        self.block(c, out);
                    }
                }
            }
            "w:customXml" | "w:smartTag" => {
                for c in e.elements() {
                    self.block(c, out);
                }
            }
            "w:ins" | "w:moveTo" => {
                self.stats.insertions += 1;
                for c in e.elements() {
                    self.block(c, out);
                }
            }
            "w:del" | "w:moveFrom" => self.stats.deletions += 1,
            "mc:AlternateContent" => {
                if let Some(c) = e.child("mc:Choice").or_else(|| e.child("mc:Fallback")) {
                    for x in c.elements() {
                        self.block(x, out);
                    }
                }
            }
            "w:altChunk" => self.unsupported("embedded document (altChunk)", "left out"),
            _ => {}
        }
    }

    fn position(&self) -> String {
        let mut s = if self.place.is_empty() {
            format!("paragraph {}", self.paragraphs)
        } else {
            format!("{}, paragraph {}", self.place, self.paragraphs)
        };
        let recent = self.recent.trim();
        if !recent.is_empty() {
            let tail: String = {
                let chars: Vec<char> = recent.chars().collect();
                let start = chars.len().saturating_sub(40);
                chars[start..].iter().collect()
            };
            s.push_str(&format!(" (after “{}”)", tail.trim()));
        }
        s
    }

    fn unsupported(&mut self, kind: &str, outcome: &str) {
        let position = self.position();
        self.stats.unsupported.push(Unsupported {
            kind: kind.to_string(),
            position,
            outcome: outcome.to_string(),
        });
    }

    fn paragraph(&mut self, p: &Element, out: &mut Vec<Block>) {
        self.paragraphs += 1;
        let ppr = p.child("w:pPr");
        let style = ppr.and_then(|x| x.child_val("w:pStyle"));
        let outline = ppr
            .and_then(|x| x.child_val("w:outlineLvl"))
            .and_then(|v| v.parse().ok());
        let kind = self.styles.para_kind(style, outline);
        if ppr.is_some_and(|x| x.child("w:pPrChange").is_some()) {
            self.stats.format_changes += 1;
        }
        let num = match ppr.and_then(|x| x.child("w:numPr")) {
            Some(n) => n.child_val("w:numId").map(|id| {
                let ilvl = n
                    .child_val("w:ilvl")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                (id.to_string(), ilvl)
            }),
            None => style.and_then(|s| self.styles.numbering(s)),
        };
        let list = match kind {
            ParaKind::Heading(_) | ParaKind::Title | ParaKind::Toc | ParaKind::TocHeading => None,
            _ => num.and_then(|(id, ilvl)| {
                let level = self.numbering.level(&id, ilvl)?;
                (level.format != "none").then_some(ListRef {
                    num_id: id,
                    ilvl,
                    level,
                })
            }),
        };
        let indent = ppr
            .and_then(|x| x.child("w:ind"))
            .and_then(|i| i.attr("w:left").or_else(|| i.attr("w:start")))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let base = self.frames.len();
        self.frames.push(Frame::default());
        self.recent.clear();
        self.inlines(p);
        // Links still open at the end of the paragraph close here.
        while self.frames.len() > base + 1 {
            self.close_frame();
        }
        for f in &mut self.fields {
            if f.action == Action::Link(true) {
                f.action = Action::Keep;
            }
        }
        let inlines = self.frames.pop().map(|f| f.inlines).unwrap_or_default();
        out.push(Block::Para(Para {
            kind,
            inlines,
            list,
            indent,
        }));
        out.append(&mut self.pending);
    }

    fn close_frame(&mut self) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        match frame.link {
            Some(href) => self.push(Inline::Link(href, frame.inlines)),
            None => {
                for i in frame.inlines {
                    self.push(i);
                }
            }
        }
    }

    fn suppressed(&self) -> bool {
        self.fields
            .iter()
            .any(|f| f.in_result && f.action == Action::Suppress)
    }

    fn push(&mut self, inline: Inline) {
        if self.suppressed() {
            return;
        }
        if let Inline::Text(t, _) = &inline {
            self.recent.push_str(t);
            if self.recent.len() > 400 {
                let cut = self.recent.len() - 200;
                let cut = (cut..self.recent.len())
                    .find(|&i| self.recent.is_char_boundary(i))
                    .unwrap_or(0);
                self.recent.drain(..cut);
            }
        }
        if self.frames.is_empty() {
            self.frames.push(Frame::default());
        }
        let frame = self.frames.last_mut().expect("a frame");
        if let (Inline::Text(t, f), Some(Inline::Text(prev, pf))) =
            (&inline, frame.inlines.last_mut())
            && f == pf
        {
            prev.push_str(t);
            return;
        }
        frame.inlines.push(inline);
    }

    fn inlines(&mut self, e: &Element) {
        for c in e.elements() {
            match c.name.as_str() {
                "w:r" => self.run(c),
                "w:hyperlink" => {
                    let mut href = c
                        .attr("r:id")
                        .and_then(|id| self.rels.get(id))
                        .map(|r| r.target.clone())
                        .unwrap_or_default();
                    if let Some(anchor) = c.attr("w:anchor") {
                        href.push('#');
                        href.push_str(anchor);
                    }
                    if href.is_empty() {
                        self.inlines(c);
                    } else {
                        self.frames.push(Frame {
                            inlines: Vec::new(),
                            link: Some(href),
                        });
                        let depth = self.frames.len();
                        self.inlines(c);
                        while self.frames.len() >= depth {
                            self.close_frame();
                        }
                    }
                }
                "w:ins" | "w:moveTo" => {
                    self.stats.insertions += 1;
                    self.inlines(c);
                }
                "w:del" | "w:moveFrom" => self.stats.deletions += 1,
                "w:fldSimple" => {
                    self.fields.push(Field {
                        instr: c.attr("w:instr").unwrap_or("").to_string(),
                        in_result: false,
                        action: Action::Undecided,
                    });
                    self.separate();
                    self.inlines(c);
                    self.end_field();
                }
                "w:bookmarkStart" => {
                    if let Some(name) = c.attr("w:name")
                        && name != "_GoBack"
                    {
                        self.push(Inline::Anchor(name.to_string()));
                    }
                }
                "w:smartTag" | "w:customXml" | "w:dir" | "w:bdo" => self.inlines(c),
                "w:sdt" => {
                    if let Some(content) = c.child("w:sdtContent") {
                        self.inlines(content);
                    }
                }
                "w:commentRangeStart" => {
                    if let Some(id) = c.attr("w:id") {
                        self.stats.comments.insert(id.to_string());
                    }
                }
                "m:oMath" | "m:oMathPara" => self.equation(c),
                "mc:AlternateContent" => self.alternate(c, false),
                _ => {}
            }
        }
    }

    fn equation(&mut self, m: &Element) {
        let mut ts = Vec::new();
        m.find_all("m:t", &mut ts);
        let text: String = ts.iter().map(|t| t.text()).collect();
        self.unsupported("equation", "kept as plain text");
        if !text.trim().is_empty() {
            self.push(Inline::Text(text, Fmt::default()));
        }
    }

    fn run(&mut self, r: &Element) {
        let rpr = r.child("w:rPr");
        if let Some(rpr) = rpr {
            if rpr
                .child("w:vanish")
                .is_some_and(|v| !matches!(v.attr("w:val"), Some("0" | "false")))
                && r.child("w:fldChar").is_none()
                && r.child("w:instrText").is_none()
            {
                self.stats.hidden_runs += 1;
                return;
            }
            if rpr.child("w:rPrChange").is_some() {
                self.stats.format_changes += 1;
            }
            if let Some(lang) = rpr.child("w:lang").and_then(|l| l.attr("w:val")) {
                let n = r
                    .child("w:t")
                    .map(|t| t.text().chars().count())
                    .unwrap_or(0);
                *self.langs.entry(lang.to_string()).or_default() += n;
            }
        }
        let mut fmt = rpr
            .and_then(|x| x.child_val("w:rStyle"))
            .map(|s| self.styles.char_fmt(s))
            .unwrap_or_default();
        if let Some(rpr) = rpr {
            fmt = fmt.apply(rpr);
        }
        let symbol_font = rpr
            .and_then(|x| x.child("w:rFonts"))
            .and_then(|f| f.attr("w:ascii").or_else(|| f.attr("w:hAnsi")))
            .is_some_and(|f| f.eq_ignore_ascii_case("Symbol"));
        self.run_children(r, fmt, symbol_font);
    }

    fn run_children(&mut self, r: &Element, fmt: Fmt, symbol_font: bool) {
        for c in r.elements() {
            match c.name.as_str() {
                "w:t" => {
                    let t = c.text();
                    let t = if symbol_font { symbol_text(&t) } else { t };
                    self.text(&t, fmt);
                }
                "w:tab" | "w:ptab" => self.text(" ", fmt),
                "w:br" | "w:cr" => match c.attr("w:type") {
                    Some("page" | "column") => {}
                    _ => self.push(Inline::Break),
                },
                "w:noBreakHyphen" => self.text("-", fmt),
                "w:sym" => {
                    let font = c.attr("w:font").unwrap_or("");
                    let code = c
                        .attr("w:char")
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .unwrap_or(0);
                    match symbol_char(font, code) {
                        Some(ch) => self.text(&ch.to_string(), fmt),
                        None => {
                            let kind = format!("symbol U+{code:04X} from the font {font}");
                            self.unsupported(&kind, "left out");
                        }
                    }
                }
                "w:footnoteReference" | "w:endnoteReference" => {
                    let kind = if c.name == "w:footnoteReference" {
                        NoteKind::Foot
                    } else {
                        NoteKind::End
                    };
                    if let Some(id) = c.attr("w:id") {
                        self.push(Inline::Note(kind, id.to_string()));
                    }
                }
                "w:fldChar" => match c.attr("w:fldCharType") {
                    Some("begin") => self.fields.push(Field {
                        instr: String::new(),
                        in_result: false,
                        action: Action::Undecided,
                    }),
                    Some("separate") => self.separate(),
                    Some("end") => self.end_field(),
                    _ => {}
                },
                "w:instrText" => {
                    if let Some(f) = self.fields.last_mut()
                        && !f.in_result
                    {
                        f.instr.push_str(&c.text());
                    }
                }
                "w:drawing" => self.drawing(c),
                "w:pict" => self.pict(c),
                "w:object" => self.object(c),
                "w:commentReference" => {
                    if let Some(id) = c.attr("w:id") {
                        self.stats.comments.insert(id.to_string());
                    }
                }
                "mc:AlternateContent" => self.alternate(c, true),
                "w:ruby" => {
                    if let Some(base) = c.child("w:rubyBase") {
                        self.inlines(base);
                    }
                }
                _ => {}
            }
        }
    }

    fn text(&mut self, t: &str, fmt: Fmt) {
        if !t.is_empty() {
            self.push(Inline::Text(t.to_string(), fmt));
        }
    }

    /// The field's result starts: decide what to do with it.
    fn separate(&mut self) {
        let Some(idx) = self.fields.len().checked_sub(1) else {
            return;
        };
        if self.fields[idx].action == Action::Undecided {
            let action = self.decide(idx);
            self.fields[idx].action = action;
        }
        self.fields[idx].in_result = true;
    }

    fn end_field(&mut self) {
        let Some(idx) = self.fields.len().checked_sub(1) else {
            return;
        };
        if self.fields[idx].action == Action::Undecided {
            let action = self.decide(idx);
            self.fields[idx].action = action;
        }
        let field = self.fields.pop().expect("a field");
        if field.action == Action::Link(true) {
            self.close_frame();
        }
    }

    fn decide(&mut self, idx: usize) -> Action {
        let instr = self.fields[idx].instr.trim().to_string();
        let word = instr
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        if instr.contains("CSL_CITATION") {
            let json = instr.find('{').map(|i| &instr[i..]).unwrap_or("");
            // Run ahead of the suppression: the citation replaces the result.
            return match self.cites.cluster(json) {
                Ok(markdown) => {
                    self.push(Inline::Cite(markdown));
                    Action::Suppress
                }
                Err(why) => {
                    let position = self.position();
                    self.stats.warnings.push(format!(
                        "{position}: a reference-manager citation could not be read ({why}); its displayed text is kept"
                    ));
                    Action::Keep
                }
            };
        }
        if instr.contains("ZOTERO_BIBL")
            || instr.contains("CSL_BIBLIOGRAPHY")
            || instr.contains("Mendeley Bibliography")
        {
            self.stats.bibliography_fields += 1;
            return Action::Suppress;
        }
        if instr.starts_with("ADDIN EN.CITE") || instr.starts_with("ADDIN ZOTERO_ITEM") {
            self.unsupported(
                "reference-manager citation without CSL data",
                "its displayed text kept",
            );
            return Action::Keep;
        }
        match word.as_str() {
            "HYPERLINK" => match hyperlink_target(&instr) {
                Some(href) => {
                    if self.suppressed() {
                        return Action::Keep;
                    }
                    self.frames.push(Frame {
                        inlines: Vec::new(),
                        link: Some(href),
                    });
                    Action::Link(true)
                }
                None => Action::Keep,
            },
            "TOC" => {
                self.stats.tables_of_contents += 1;
                Action::Suppress
            }
            "PAGEREF" | "PAGE" | "NUMPAGES" | "SECTIONPAGES" => Action::Suppress,
            _ => Action::Keep,
        }
    }

    fn image(&mut self, rid: &str, alt: Option<String>, title: Option<String>) -> bool {
        let Some(rel) = self.rels.get(rid).cloned() else {
            return false;
        };
        if rel.external {
            self.unsupported("linked (not embedded) image", "left out; embed it in Word");
            return true;
        }
        let index = match self.images.iter().position(|i| i.part == rel.target) {
            Some(i) => i,
            None => {
                self.images.push(ImageRef {
                    part: rel.target,
                    alt: alt.clone(),
                    title: title.clone(),
                });
                self.images.len() - 1
            }
        };
        if self.images[index].alt.is_none() {
            self.images[index].alt = alt;
        }
        self.push(Inline::Image(index));
        true
    }

    fn drawing(&mut self, d: &Element) {
        let docpr = d.find("wp:docPr");
        let nonempty = |s: Option<&str>| {
            s.map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let alt = nonempty(docpr.and_then(|p| p.attr("descr")));
        let title = nonempty(docpr.and_then(|p| p.attr("title")));
        let uri = d
            .find("a:graphicData")
            .and_then(|g| g.attr("uri"))
            .unwrap_or("")
            .to_string();
        if uri.ends_with("/picture")
            && let Some(rid) = d
                .find("a:blip")
                .and_then(|b| b.attr("r:embed").or(b.attr("r:link")))
        {
            let rid = rid.to_string();
            if self.image(&rid, alt, title) {
                return;
            }
        }
        let kind = if uri.ends_with("/chart") || uri.contains("chartex") {
            "chart"
        } else if uri.ends_with("/diagram") {
            "SmartArt diagram"
        } else if d.find("w:txbxContent").is_some() {
            "text box"
        } else if uri.contains("wordprocessingShape") {
            "shape"
        } else if uri.contains("wordprocessingGroup") {
            "group of shapes"
        } else if uri.contains("wordprocessingCanvas") {
            "drawing canvas"
        } else {
            "drawing"
        };
        self.shape(kind, d);
    }

    /// An unsupported drawing: its text (text boxes) kept as paragraphs after
    /// the current one, or a picture inside it kept as the image.
    fn shape(&mut self, kind: &str, e: &Element) {
        if let Some(content) = e.find("w:txbxContent") {
            self.unsupported(kind, "its text kept as paragraphs after this one");
            // The box's paragraphs must not move the position of what follows.
            let (recent, paragraphs) = (self.recent.clone(), self.paragraphs);
            let blocks = self.blocks(content);
            (self.recent, self.paragraphs) = (recent, paragraphs);
            self.pending.extend(blocks);
            return;
        }
        if let Some(rid) = fallback_image(e)
            && self.image(&rid, None, None)
        {
            self.unsupported(kind, "kept as its picture");
            return;
        }
        self.unsupported(kind, "left out");
    }

    fn pict(&mut self, p: &Element) {
        if p.find("w:txbxContent").is_some() {
            self.shape("text box", p);
            return;
        }
        if let Some(img) = p.find("v:imagedata")
            && let Some(rid) = img.attr("r:id")
        {
            let alt = p
                .find("v:shape")
                .and_then(|s| s.attr("alt"))
                .or(img.attr("o:title"))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string);
            let rid = rid.to_string();
            if self.image(&rid, alt, None) {
                return;
            }
        }
        self.unsupported("VML shape", "left out");
    }

    fn object(&mut self, o: &Element) {
        let prog = o
            .find("o:OLEObject")
            .and_then(|x| x.attr("ProgID"))
            .unwrap_or("")
            .to_string();
        let kind = if prog.starts_with("Equation") {
            "equation (Equation Editor object)".to_string()
        } else if prog.is_empty() {
            "embedded object".to_string()
        } else {
            format!("embedded object ({prog})")
        };
        if let Some(rid) = fallback_image(o)
            && self.image(&rid, None, None)
        {
            self.unsupported(&kind, "kept as its picture");
            return;
        }
        self.unsupported(&kind, "left out");
    }

    fn alternate(&mut self, e: &Element, in_run: bool) {
        let choice = e.child("mc:Choice");
        let fallback = e.child("mc:Fallback");
        let images = self.images.len();
        let reported = self.stats.unsupported.len();
        if let Some(c) = choice.or(fallback) {
            if in_run {
                self.run_children(c, Fmt::default(), false);
            } else {
                self.inlines(c);
            }
        }
        // The modern form could not be imported: try the fallback's picture.
        if self.stats.unsupported.len() > reported
            && self.images.len() == images
            && let Some(rid) = fallback.and_then(fallback_image)
            && self.image(&rid, described(choice.or(fallback)), None)
            && let Some(last) = self.stats.unsupported.last_mut()
        {
            last.outcome = "kept as its fallback picture".into();
        }
    }

    fn table(&mut self, t: &Element) -> Table {
        let look = t.child("w:tblPr").and_then(|p| p.child("w:tblLook"));
        let first_row = look.is_some_and(|l| {
            l.attr("w:firstRow") == Some("1")
                || l.attr("w:firstRow") == Some("true")
                || l.attr("w:val")
                    .and_then(|v| u32::from_str_radix(v, 16).ok())
                    .is_some_and(|v| v & 0x0020 != 0)
        });
        // (row, grid column, cell, vMerge state)
        let mut grid: Vec<Vec<(usize, Cell, Option<bool>)>> = Vec::new();
        let mut header_rows = 0;
        let mut counting_headers = true;
        let mut rows = Vec::new();
        collect_rows(t, &mut rows);
        for tr in rows {
            let trpr = tr.child("w:trPr");
            let is_header = trpr.is_some_and(|p| p.child("w:tblHeader").is_some());
            if counting_headers && is_header {
                header_rows += 1;
            } else {
                counting_headers = false;
            }
            let mut col = trpr
                .and_then(|p| p.child_val("w:gridBefore"))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0usize);
            let mut cells = Vec::new();
            let mut tcs = Vec::new();
            collect_cells(tr, &mut tcs);
            for tc in tcs {
                let tcpr = tc.child("w:tcPr");
                let span = tcpr
                    .and_then(|p| p.child_val("w:gridSpan"))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1u32)
                    .max(1);
                // Some(true): starts a vertical merge; Some(false): continues one.
                let vmerge = tcpr
                    .and_then(|p| p.child("w:vMerge"))
                    .map(|v| v.attr("w:val") == Some("restart"));
                let blocks = self.blocks(tc);
                cells.push((
                    col,
                    Cell {
                        blocks,
                        colspan: span,
                        rowspan: 1,
                    },
                    vmerge,
                ));
                col += span as usize;
            }
            grid.push(cells);
        }
        if header_rows == 0 && first_row && !grid.is_empty() {
            header_rows = 1;
        }
        // Vertical merges: count continuing cells below each start.
        let mut out_rows: Vec<Vec<Cell>> = Vec::new();
        for r in 0..grid.len() {
            let mut row = Vec::new();
            for i in 0..grid[r].len() {
                let (col, _, vmerge) = (grid[r][i].0, (), grid[r][i].2);
                if vmerge == Some(false) {
                    continue;
                }
                let mut cell = grid[r][i].1.clone();
                if vmerge == Some(true) {
                    let mut below = r + 1;
                    while below < grid.len()
                        && grid[below]
                            .iter()
                            .any(|(c, _, v)| *c == col && *v == Some(false))
                    {
                        below += 1;
                    }
                    cell.rowspan = (below - r) as u32;
                }
                row.push(cell);
            }
            out_rows.push(row);
        }
        Table {
            rows: out_rows,
            header_rows,
        }
    }
}

fn collect_rows<'e>(e: &'e Element, out: &mut Vec<&'e Element>) {
    for c in e.elements() {
        match c.name.as_str() {
            "w:tr" => out.push(c),
            "w:ins" | "w:sdt" | "w:sdtContent" | "w:customXml" => collect_rows(c, out),
            _ => {}
        }
    }
}

fn collect_cells<'e>(e: &'e Element, out: &mut Vec<&'e Element>) {
    for c in e.elements() {
        match c.name.as_str() {
            "w:tc" => out.push(c),
            "w:sdt" | "w:sdtContent" | "w:customXml" => collect_cells(c, out),
            _ => {}
        }
    }
}

/// The description (alt text) of a drawing inside an element, if any.
fn described(e: Option<&Element>) -> Option<String> {
    e?.find("wp:docPr")?
        .attr("descr")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The relationship id of a picture inside an element (VML or DrawingML).
fn fallback_image(e: &Element) -> Option<String> {
    e.find("v:imagedata")
        .and_then(|i| i.attr("r:id"))
        .or_else(|| e.find("a:blip").and_then(|b| b.attr("r:embed")))
        .map(str::to_string)
}

/// The address of a `HYPERLINK "url" \l "anchor"` field.
fn hyperlink_target(instr: &str) -> Option<String> {
    let rest = instr.trim_start()[9..].trim();
    let mut url = String::new();
    let mut anchor = String::new();
    let mut tokens = Vec::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        let mut tok = String::new();
        if c == '"' {
            for d in chars.by_ref() {
                if d == '"' {
                    break;
                }
                tok.push(d);
            }
        } else {
            tok.push(c);
            while let Some(&d) = chars.peek() {
                if d.is_whitespace() {
                    break;
                }
                tok.push(d);
                chars.next();
            }
        }
        tokens.push(tok);
    }
    let mut i = 0;
    while i < tokens.len() {
        match tokens[i].as_str() {
            "\\l" => {
                anchor = tokens.get(i + 1).cloned().unwrap_or_default();
                i += 2;
            }
            s if s.starts_with('\\') => i += 2,
            s => {
                if url.is_empty() {
                    url = s.to_string();
                }
                i += 1;
            }
        }
    }
    if !anchor.is_empty() {
        url.push('#');
        url.push_str(&anchor);
    }
    (!url.is_empty()).then_some(url)
}

/// Characters of the Symbol font at codes 0x20–0xFF that differ from ASCII.
fn symbol_char(font: &str, code: u32) -> Option<char> {
    let code = if (0xF020..=0xF0FF).contains(&code) {
        code - 0xF000
    } else {
        code
    };
    if !font.eq_ignore_ascii_case("Symbol") {
        return None;
    }
    let greek_upper = "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ";
    let greek_lower = "αβχδεφγηιϕκλμνοπθρστυϖωξψζ";
    match code {
        0x41..=0x5A => greek_upper.chars().nth((code - 0x41) as usize),
        0x61..=0x7A => greek_lower.chars().nth((code - 0x61) as usize),
        0x22 => Some('∀'),
        0x24 => Some('∃'),
        0x27 => Some('∋'),
        0x2A => Some('∗'),
        0x2D => Some('−'),
        0x40 => Some('≅'),
        0x5C => Some('∴'),
        0x5E => Some('⊥'),
        0x7E => Some('∼'),
        0xA2 => Some('′'),
        0xA3 => Some('≤'),
        0xA4 => Some('⁄'),
        0xA5 => Some('∞'),
        0xA6 => Some('ƒ'),
        0xA7 => Some('♣'),
        0xA8 => Some('♦'),
        0xA9 => Some('♥'),
        0xAA => Some('♠'),
        0xAB => Some('↔'),
        0xAC => Some('←'),
        0xAD => Some('↑'),
        0xAE => Some('→'),
        0xAF => Some('↓'),
        0xB0 => Some('°'),
        0xB1 => Some('±'),
        0xB2 => Some('″'),
        0xB3 => Some('≥'),
        0xB4 => Some('×'),
        0xB5 => Some('∝'),
        0xB6 => Some('∂'),
        0xB7 => Some('•'),
        0xB8 => Some('÷'),
        0xB9 => Some('≠'),
        0xBA => Some('≡'),
        0xBB => Some('≈'),
        0xBC => Some('…'),
        0xC0 => Some('ℵ'),
        0xC4 => Some('⊗'),
        0xC5 => Some('⊕'),
        0xC6 => Some('∅'),
        0xC7 => Some('∩'),
        0xC8 => Some('∪'),
        0xC9 => Some('⊃'),
        0xCA => Some('⊇'),
        0xCB => Some('⊄'),
        0xCC => Some('⊂'),
        0xCD => Some('⊆'),
        0xCE => Some('∈'),
        0xCF => Some('∉'),
        0xD0 => Some('∠'),
        0xD1 => Some('∇'),
        0xD5 => Some('∏'),
        0xD6 => Some('√'),
        0xD7 => Some('⋅'),
        0xD8 => Some('¬'),
        0xD9 => Some('∧'),
        0xDA => Some('∨'),
        0xDB => Some('⇔'),
        0xDC => Some('⇐'),
        0xDD => Some('⇑'),
        0xDE => Some('⇒'),
        0xDF => Some('⇓'),
        0xE0 => Some('◊'),
        0xE5 => Some('∑'),
        0xF2 => Some('∫'),
        0x20..=0x7E => char::from_u32(code),
        _ => None,
    }
}

/// Text in the Symbol font: private-use code points mapped to Unicode.
fn symbol_text(t: &str) -> String {
    t.chars()
        .map(|c| {
            let code = c as u32;
            if (0xF020..=0xF0FF).contains(&code) {
                symbol_char("Symbol", code).unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyperlink_fields_give_address_and_anchor() {
        assert_eq!(
            hyperlink_target(r#"HYPERLINK "https://example.org/a b" \o "tip""#).as_deref(),
            Some("https://example.org/a b")
        );
        assert_eq!(
            hyperlink_target(r#"HYPERLINK \l "_Toc1""#).as_deref(),
            Some("#_Toc1")
        );
    }

    #[test]
    fn symbol_font_maps_to_unicode() {
        assert_eq!(symbol_char("Symbol", 0xF0DA), Some('∨'));
        assert_eq!(symbol_char("Symbol", 0x61), Some('α'));
        assert_eq!(symbol_char("Wingdings", 0x61), None);
    }
}
