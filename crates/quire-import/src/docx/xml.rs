//! A small owned XML tree for one part of a Word package, read with
//! quick-xml.
//!
//! Owns: refusing what a Word file never needs and an attacker might use —
//! a DOCTYPE and entity references other than the five predefined ones and
//! character references (both by the rules of `crate::xmlref`), nesting
//! deeper than [`MAX_DEPTH`] — and naming elements and
//! attributes by a fixed prefix per namespace URI (`w:p` whatever prefix the
//! file declares), so the converter can match names as strings.
//! Must not know: what the elements mean.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::xmlref::{self, Undeclared};

/// Deepest element nesting accepted (Word files stay far below it).
const MAX_DEPTH: usize = 256;

/// One element: canonical name (`w:p`), attributes (canonical names) and children.
#[derive(Debug, Clone, Default)]
pub(crate) struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

/// A child of an element.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    /// The value of an attribute by canonical name.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Child elements in order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element with this name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// `w:val` of the child `name` (e.g. `w:pStyle`).
    pub fn child_val(&self, name: &str) -> Option<&str> {
        self.child(name).and_then(|c| c.attr("w:val"))
    }

    /// The first descendant (depth first, self excluded) with this name.
    pub fn find(&self, name: &str) -> Option<&Element> {
        for e in self.elements() {
            if e.name == name {
                return Some(e);
            }
            if let Some(found) = e.find(name) {
                return Some(found);
            }
        }
        None
    }

    /// All descendants with this name, in document order.
    pub fn find_all<'a>(&'a self, name: &str, out: &mut Vec<&'a Element>) {
        for e in self.elements() {
            if e.name == name {
                out.push(e);
            }
            e.find_all(name, out);
        }
    }

    /// Concatenated text of all descendant text nodes.
    pub fn text(&self) -> String {
        let mut s = String::new();
        self.collect_text(&mut s);
        s
    }

    fn collect_text(&self, s: &mut String) {
        for n in &self.children {
            match n {
                Node::Text(t) => s.push_str(t),
                Node::Element(e) => e.collect_text(s),
            }
        }
    }
}

/// Why a part could not be read.
#[derive(Debug)]
pub(crate) struct XmlError {
    pub offset: u64,
    pub message: String,
}

/// Fixed prefixes for the namespaces the converter reads.
const NAMESPACES: &[(&str, &str)] = &[
    (
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "w",
    ),
    ("http://purl.oclc.org/ooxml/wordprocessingml/main", "w"),
    (
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "r",
    ),
    (
        "http://purl.oclc.org/ooxml/officeDocument/relationships",
        "r",
    ),
    (
        "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
        "wp",
    ),
    (
        "http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing",
        "wp",
    ),
    ("http://schemas.openxmlformats.org/drawingml/2006/main", "a"),
    ("http://purl.oclc.org/ooxml/drawingml/main", "a"),
    (
        "http://schemas.openxmlformats.org/drawingml/2006/picture",
        "pic",
    ),
    ("http://purl.oclc.org/ooxml/drawingml/picture", "pic"),
    (
        "http://schemas.openxmlformats.org/drawingml/2006/chart",
        "c",
    ),
    (
        "http://schemas.openxmlformats.org/drawingml/2006/diagram",
        "dgm",
    ),
    (
        "http://schemas.openxmlformats.org/markup-compatibility/2006",
        "mc",
    ),
    (
        "http://schemas.openxmlformats.org/officeDocument/2006/math",
        "m",
    ),
    ("urn:schemas-microsoft-com:vml", "v"),
    ("urn:schemas-microsoft-com:office:office", "o"),
    (
        "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
        "wps",
    ),
    (
        "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",
        "wpg",
    ),
    (
        "http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas",
        "wpc",
    ),
    (
        "http://schemas.microsoft.com/office/word/2010/wordprocessingInk",
        "wpi",
    ),
    (
        "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
        "cp",
    ),
    ("http://purl.org/dc/elements/1.1/", "dc"),
    ("http://purl.org/dc/terms/", "dcterms"),
    (
        "http://schemas.openxmlformats.org/package/2006/relationships",
        "rel",
    ),
    (
        "http://schemas.openxmlformats.org/package/2006/content-types",
        "ct",
    ),
];

fn canonical_prefix(uri: &str) -> Option<&'static str> {
    NAMESPACES.iter().find(|(u, _)| *u == uri).map(|(_, p)| *p)
}

/// Namespace declarations of one open element: (prefix, canonical prefix).
/// The empty prefix is the default namespace.
type Scope = Vec<(String, String)>;

fn resolve(scopes: &[Scope], prefix: &str) -> Option<String> {
    scopes
        .iter()
        .rev()
        .find_map(|s| s.iter().find(|(p, _)| p == prefix).map(|(_, c)| c.clone()))
}

fn canonical(scopes: &[Scope], qname: &str, is_attr: bool) -> String {
    match qname.split_once(':') {
        Some((prefix, local)) => match resolve(scopes, prefix) {
            Some(c) if !c.is_empty() => format!("{c}:{local}"),
            _ => qname.to_string(),
        },
        // Unprefixed attributes have no namespace; unprefixed elements take the default one.
        None if is_attr => qname.to_string(),
        None => match resolve(scopes, "") {
            Some(c) if !c.is_empty() => format!("{c}:{qname}"),
            _ => qname.to_string(),
        },
    }
}

/// Elements whose whitespace-only text is content, not indentation.
fn keeps_space(name: &str) -> bool {
    matches!(
        name,
        "w:t" | "w:instrText" | "w:delText" | "m:t" | "w:delInstrText"
    )
}

fn open(start: &BytesStart<'_>, scopes: &mut Vec<Scope>) -> Result<Element, String> {
    let mut raw: Vec<(String, String)> = Vec::new();
    let mut scope: Scope = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| e.to_string())?;
        let key: &str = attr.key.as_ref();
        let key = key.to_string();
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| e.to_string())?
            .into_owned();
        if key == "xmlns" {
            let c = canonical_prefix(&value).unwrap_or("").to_string();
            scope.push((String::new(), c));
        } else if let Some(p) = key.strip_prefix("xmlns:") {
            // Unknown namespaces keep the prefix the file gives them.
            let c = canonical_prefix(&value).unwrap_or(p).to_string();
            scope.push((p.to_string(), c));
        } else {
            raw.push((key, value));
        }
    }
    scopes.push(scope);
    let qname = start.name();
    let qname: &str = qname.as_ref();
    let qname = qname.to_string();
    let name = canonical(scopes, &qname, false);
    let attrs = raw
        .into_iter()
        .map(|(k, v)| (canonical(scopes, &k, true), v))
        .collect();
    Ok(Element {
        name,
        attrs,
        children: Vec::new(),
    })
}

/// Parses one part into its root element.
pub(crate) fn parse(bytes: &[u8]) -> Result<Element, XmlError> {
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().expand_empty_elements = true;
    let mut buf = Vec::new();
    let mut stack: Vec<Element> = vec![Element::default()];
    let mut scopes: Vec<Scope> = Vec::new();
    let err = |reader: &Reader<&[u8]>, message: String| XmlError {
        offset: reader.buffer_position(),
        message,
    };
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| XmlError {
            offset: reader.error_position(),
            message: e.to_string(),
        })?;
        match event {
            Event::Start(start) => {
                if stack.len() > MAX_DEPTH {
                    return Err(err(
                        &reader,
                        format!("elements nested deeper than {MAX_DEPTH} levels"),
                    ));
                }
                let element = open(&start, &mut scopes).map_err(|m| err(&reader, m))?;
                stack.push(element);
            }
            Event::End(_) => {
                scopes.pop();
                let done = stack.pop().expect("an open element");
                let parent = stack
                    .last_mut()
                    .ok_or_else(|| err(&reader, "unbalanced end tag".into()))?;
                parent.children.push(Node::Element(done));
            }
            Event::Text(t) => {
                let text = t.xml10_content();
                push_text(&mut stack, &text);
            }
            Event::CData(t) => {
                let text = t.xml10_content();
                push_text(&mut stack, &text);
            }
            Event::GeneralRef(r) => {
                let text = xmlref::resolve(&r, Undeclared::Refuse("Word files"))
                    .map_err(|m| err(&reader, m))?;
                push_text(&mut stack, &text);
            }
            Event::DocType(_) => {
                return Err(err(&reader, xmlref::doctype_refused("Word files")));
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::Empty(_) => {}
        }
        buf.clear();
    }
    if stack.len() != 1 {
        return Err(err(&reader, "the XML ends inside an element".into()));
    }
    let root = stack.pop().expect("the document node");
    root.children
        .into_iter()
        .find_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
        .ok_or_else(|| XmlError {
            offset: 0,
            message: "no root element".into(),
        })
}

fn push_text(stack: &mut [Element], text: &str) {
    let Some(top) = stack.last_mut() else { return };
    if text.trim().is_empty() && !keeps_space(&top.name) {
        return;
    }
    if let Some(Node::Text(last)) = top.children.last_mut() {
        last.push_str(text);
    } else {
        top.children.push(Node::Text(text.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_canonical_whatever_the_prefix() {
        let xml = br#"<x:document xmlns:x="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><x:body><x:p><x:r><x:t xml:space="preserve"> a &amp; b&#33; </x:t></x:r></x:p></x:body></x:document>"#;
        let root = parse(xml).unwrap();
        assert_eq!(root.name, "w:document");
        let t = root.find("w:t").unwrap();
        assert_eq!(t.text(), " a & b! ");
    }

    #[test]
    fn doctype_and_unknown_entities_are_refused() {
        let xxe = br#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>"#;
        let e = parse(xxe).unwrap_err();
        assert!(e.message.contains("DOCTYPE"), "{}", e.message);
        let e = parse(b"<d>&x;</d>").unwrap_err();
        assert!(e.message.contains("refused"), "{}", e.message);
    }
}
