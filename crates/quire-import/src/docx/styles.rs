//! Styles (`styles.xml`) and list numbering (`numbering.xml`).
//!
//! Owns: what a paragraph style means for the import (heading level,
//! title, quote, byline …, following `basedOn` chains), character
//! formatting from character styles and direct run properties, the
//! document's default language, and list levels (bullet or numbered, start,
//! indentation) with per-list overrides.
//! Must not know: Markdown, files.

use std::collections::HashMap;

use super::xml::Element;

/// Character formatting kept in the Markdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub(crate) struct Fmt(pub u8);

impl Fmt {
    pub const BOLD: u8 = 1;
    pub const ITALIC: u8 = 2;
    pub const STRIKE: u8 = 4;
    pub const UNDERLINE: u8 = 8;
    pub const SUP: u8 = 16;
    pub const SUB: u8 = 32;
    /// Every flag, in the order they open (outermost first).
    pub const ORDER: [u8; 6] = [
        Self::BOLD,
        Self::ITALIC,
        Self::STRIKE,
        Self::UNDERLINE,
        Self::SUP,
        Self::SUB,
    ];

    pub fn has(self, flag: u8) -> bool {
        self.0 & flag != 0
    }

    fn set(&mut self, flag: u8, on: bool) {
        if on {
            self.0 |= flag;
        } else {
            self.0 &= !flag;
        }
    }

    /// `rPr` applied over `self`: toggles set or cleared as written.
    pub fn apply(mut self, rpr: &Element) -> Fmt {
        for e in rpr.elements() {
            let on = || !matches!(e.attr("w:val"), Some("0" | "false" | "off" | "none"));
            match e.name.as_str() {
                "w:b" => self.set(Self::BOLD, on()),
                "w:i" => self.set(Self::ITALIC, on()),
                "w:strike" | "w:dstrike" => self.set(Self::STRIKE, on()),
                "w:u" => self.set(Self::UNDERLINE, on()),
                "w:vertAlign" => {
                    let v = e.attr("w:val").unwrap_or("baseline");
                    self.set(Self::SUP, v == "superscript");
                    self.set(Self::SUB, v == "subscript");
                }
                _ => {}
            }
        }
        self
    }
}

/// What a paragraph style makes of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParaKind {
    Normal,
    Heading(u8),
    Title,
    Subtitle,
    Quote,
    Author,
    Date,
    Abstract,
    Caption,
    TocHeading,
    Toc,
    Bibliography,
    Code,
}

#[derive(Debug, Clone, Default)]
struct Style {
    name: String,
    based_on: Option<String>,
    outline: Option<u8>,
    num: Option<(String, u32)>,
    rpr: Option<Element>,
}

/// The styles of a document.
#[derive(Debug, Default)]
pub(crate) struct Styles {
    by_id: HashMap<String, Style>,
    /// `w:lang` of the document defaults, e.g. `en-US`.
    pub default_lang: Option<String>,
}

impl Styles {
    pub fn read(root: Option<&Element>) -> Styles {
        let mut styles = Styles::default();
        let Some(root) = root else { return styles };
        if let Some(lang) = root
            .child("w:docDefaults")
            .and_then(|d| d.find("w:lang"))
            .and_then(|l| l.attr("w:val"))
        {
            styles.default_lang = Some(lang.to_string());
        }
        for s in root.elements().filter(|e| e.name == "w:style") {
            let Some(id) = s.attr("w:styleId") else {
                continue;
            };
            let ppr = s.child("w:pPr");
            let num = ppr.and_then(|p| p.child("w:numPr")).and_then(|n| {
                let id = n.child_val("w:numId")?.to_string();
                let lvl = n
                    .child_val("w:ilvl")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                Some((id, lvl))
            });
            styles.by_id.insert(
                id.to_string(),
                Style {
                    name: s.child_val("w:name").unwrap_or(id).trim().to_lowercase(),
                    based_on: s.child_val("w:basedOn").map(str::to_string),
                    outline: ppr
                        .and_then(|p| p.child_val("w:outlineLvl"))
                        .and_then(|v| v.parse().ok()),
                    num,
                    rpr: s.child("w:rPr").cloned(),
                },
            );
        }
        styles
    }

    /// The style and its ancestors, nearest first (cycles cut).
    fn chain(&self, id: &str) -> Vec<&Style> {
        let mut out: Vec<&Style> = Vec::new();
        let mut next = Some(id.to_string());
        while let Some(id) = next {
            let Some(s) = self.by_id.get(&id) else { break };
            if out.len() > 20 || out.iter().any(|o| std::ptr::eq(*o, s)) {
                break;
            }
            out.push(s);
            next = s.based_on.clone();
        }
        out
    }

    /// The kind of a paragraph of style `id` (with `outline` from its own
    /// properties, if any).
    pub fn para_kind(&self, id: Option<&str>, outline: Option<u8>) -> ParaKind {
        let chain = id.map(|id| self.chain(id)).unwrap_or_default();
        for s in &chain {
            if let Some(kind) = kind_by_name(&s.name) {
                return kind;
            }
        }
        let outline = outline.or_else(|| chain.iter().find_map(|s| s.outline));
        match outline {
            Some(o) if o < 9 => ParaKind::Heading(o + 1),
            _ => ParaKind::Normal,
        }
    }

    /// Formatting given by a character style.
    pub fn char_fmt(&self, id: &str) -> Fmt {
        let mut fmt = Fmt::default();
        for s in self.chain(id).into_iter().rev() {
            // Hyperlink styles underline links; the link shows that already.
            if s.name == "hyperlink" || s.name == "followedhyperlink" {
                continue;
            }
            if let Some(rpr) = &s.rpr {
                fmt = fmt.apply(rpr);
            }
        }
        fmt
    }

    /// List numbering given by a paragraph style.
    pub fn numbering(&self, id: &str) -> Option<(String, u32)> {
        self.chain(id).iter().find_map(|s| s.num.clone())
    }
}

fn kind_by_name(name: &str) -> Option<ParaKind> {
    if let Some(n) = name.strip_prefix("heading ") {
        return n.trim().parse::<u8>().ok().map(ParaKind::Heading);
    }
    if let Some(n) = name.strip_prefix("toc ") {
        return n.trim().parse::<u8>().ok().map(|_| ParaKind::Toc);
    }
    Some(match name {
        "title" => ParaKind::Title,
        "subtitle" => ParaKind::Subtitle,
        "quote" | "intense quote" | "block text" | "block quotation" | "quotation" => {
            ParaKind::Quote
        }
        "author" => ParaKind::Author,
        "date" => ParaKind::Date,
        "abstract" => ParaKind::Abstract,
        "caption" | "image caption" | "table caption" => ParaKind::Caption,
        "toc heading" => ParaKind::TocHeading,
        "bibliography" => ParaKind::Bibliography,
        "source code" | "html preformatted" | "code" => ParaKind::Code,
        _ => return None,
    })
}

/// One list level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Level {
    /// `numFmt`: `bullet`, `decimal`, `lowerLetter`, `none` …
    pub format: String,
    pub start: i64,
    /// Left indentation in twentieths of a point.
    pub indent: i64,
}

impl Level {
    pub fn ordered(&self) -> bool {
        !matches!(self.format.as_str(), "bullet" | "none" | "")
    }
}

#[derive(Debug, Clone, Default)]
struct Num {
    abstract_id: String,
    starts: HashMap<u32, i64>,
    levels: HashMap<u32, Level>,
}

/// The lists of a document.
#[derive(Debug, Default)]
pub(crate) struct Numbering {
    abstracts: HashMap<String, HashMap<u32, Level>>,
    nums: HashMap<String, Num>,
}

fn read_level(l: &Element) -> Option<(u32, Level)> {
    let ilvl = l.attr("w:ilvl")?.parse().ok()?;
    let indent = l
        .child("w:pPr")
        .and_then(|p| p.child("w:ind"))
        .and_then(|i| i.attr("w:left").or_else(|| i.attr("w:start")))
        .and_then(|v| v.parse().ok())
        .unwrap_or(720 * (i64::from(ilvl) + 1));
    Some((
        ilvl,
        Level {
            format: l.child_val("w:numFmt").unwrap_or("decimal").to_string(),
            start: l
                .child_val("w:start")
                .and_then(|v| v.parse().ok())
                .unwrap_or(1),
            indent,
        },
    ))
}

impl Numbering {
    pub fn read(root: Option<&Element>) -> Numbering {
        let mut n = Numbering::default();
        let Some(root) = root else { return n };
        for a in root.elements().filter(|e| e.name == "w:abstractNum") {
            let Some(id) = a.attr("w:abstractNumId") else {
                continue;
            };
            let levels = a
                .elements()
                .filter(|e| e.name == "w:lvl")
                .filter_map(read_level)
                .collect();
            n.abstracts.insert(id.to_string(), levels);
        }
        for num in root.elements().filter(|e| e.name == "w:num") {
            let Some(id) = num.attr("w:numId") else {
                continue;
            };
            let mut entry = Num {
                abstract_id: num.child_val("w:abstractNumId").unwrap_or("").to_string(),
                ..Num::default()
            };
            for o in num.elements().filter(|e| e.name == "w:lvlOverride") {
                let Some(ilvl) = o.attr("w:ilvl").and_then(|v| v.parse().ok()) else {
                    continue;
                };
                if let Some(s) = o.child_val("w:startOverride").and_then(|v| v.parse().ok()) {
                    entry.starts.insert(ilvl, s);
                }
                if let Some((_, level)) = o.child("w:lvl").and_then(read_level) {
                    entry.levels.insert(ilvl, level);
                }
            }
            n.nums.insert(id.to_string(), entry);
        }
        n
    }

    /// The level `ilvl` of list `num_id`; `None` when the list does not exist
    /// (`numId` 0 means "no list").
    pub fn level(&self, num_id: &str, ilvl: u32) -> Option<Level> {
        let num = self.nums.get(num_id)?;
        let mut level = num
            .levels
            .get(&ilvl)
            .cloned()
            .or_else(|| self.abstracts.get(&num.abstract_id)?.get(&ilvl).cloned())
            .unwrap_or(Level {
                format: "bullet".into(),
                start: 1,
                indent: 720 * (i64::from(ilvl) + 1),
            });
        if let Some(s) = num.starts.get(&ilvl) {
            level.start = *s;
        }
        Some(level)
    }
}
