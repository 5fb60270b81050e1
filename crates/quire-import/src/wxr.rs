//! Streaming reader for WordPress eXtended RSS (WXR) exports.
//!
//! Owns: turning the XML of an export (versions 1.0–1.2, matched by element
//! prefix and local name, never by namespace URI) into a flat sequence of
//! records — site fields, authors, terms and items — handed to a callback one
//! at a time, so memory stays flat whatever the file size.
//! Must not know: what quire makes of the records (layout, Markdown, files).

use std::io::BufRead;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::xmlref::{self, Undeclared};

/// One author declared in the channel (`<wp:author>`).
#[derive(Debug, Default, Clone)]
pub(crate) struct WxrAuthor {
    pub login: String,
    pub display_name: String,
    pub first_name: String,
    pub last_name: String,
}

/// One term declared in the channel (`<wp:category>`, `<wp:tag>`, `<wp:term>`).
#[derive(Debug, Default, Clone)]
pub(crate) struct WxrTerm {
    pub id: u64,
    pub taxonomy: String,
    pub slug: String,
    pub name: String,
    pub description: String,
    /// The parent term's slug (`wp:category_parent`, `wp:term_parent`).
    pub parent: String,
    /// Term meta (`<wp:termmeta>`), in document order.
    pub meta: Vec<(String, String)>,
}

impl WxrTerm {
    /// The value of the first term meta entry called `key`.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A term attached to an item: `<category domain="…" nicename="…">name</category>`.
#[derive(Debug, Default, Clone)]
pub(crate) struct ItemTerm {
    pub domain: String,
    pub nicename: String,
    pub name: String,
}

/// One `<item>`: a post, page, attachment, guest author or anything else.
#[derive(Debug, Default, Clone)]
pub(crate) struct WxrItem {
    pub id: u64,
    pub title: String,
    pub link: String,
    pub creator: String,
    pub content: String,
    pub excerpt: String,
    pub date: String,
    pub date_gmt: String,
    pub modified: String,
    pub modified_gmt: String,
    pub slug: String,
    pub status: String,
    pub post_type: String,
    pub parent: u64,
    pub menu_order: i64,
    pub password: String,
    pub attachment_url: String,
    pub terms: Vec<ItemTerm>,
    pub meta: Vec<(String, String)>,
    pub comments: usize,
}

impl WxrItem {
    /// The value of the first post meta entry called `key`.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

impl WxrAuthor {
    /// Takes the text of one child element of `<wp:author>`.
    fn set(&mut self, name: &str, value: String) {
        match name {
            "wp:author_login" => self.login = value.trim().into(),
            "wp:author_display_name" => self.display_name = value.trim().into(),
            "wp:author_first_name" => self.first_name = value.trim().into(),
            "wp:author_last_name" => self.last_name = value.trim().into(),
            _ => {}
        }
    }
}

impl WxrTerm {
    /// Takes the text of one child element of a channel-level term.
    fn set(&mut self, name: &str, value: String) {
        match name {
            "wp:term_id" => self.id = value.trim().parse().unwrap_or(0),
            "wp:term_taxonomy" => self.taxonomy = value.trim().into(),
            "wp:category_nicename" | "wp:tag_slug" | "wp:term_slug" => {
                self.slug = value.trim().into()
            }
            "wp:cat_name" | "wp:tag_name" | "wp:term_name" => self.name = value.trim().into(),
            "wp:category_description" | "wp:tag_description" | "wp:term_description" => {
                self.description = value
            }
            "wp:category_parent" | "wp:term_parent" => self.parent = value.trim().into(),
            _ => {}
        }
    }
}

impl WxrItem {
    /// Takes the text of one child element of `<item>` (not a term or meta).
    fn set(&mut self, name: &str, value: String) {
        match name {
            "title" => self.title = value.trim().into(),
            "link" => self.link = value.trim().into(),
            "dc:creator" => self.creator = value.trim().into(),
            "content:encoded" => self.content = value,
            "excerpt:encoded" => self.excerpt = value,
            "wp:post_id" => self.id = value.trim().parse().unwrap_or(0),
            "wp:post_date" => self.date = value.trim().into(),
            "wp:post_date_gmt" => self.date_gmt = value.trim().into(),
            "wp:post_modified" => self.modified = value.trim().into(),
            "wp:post_modified_gmt" => self.modified_gmt = value.trim().into(),
            "wp:post_name" => self.slug = value.trim().into(),
            "wp:status" => self.status = value.trim().into(),
            "wp:post_type" => self.post_type = value.trim().into(),
            "wp:post_parent" => self.parent = value.trim().parse().unwrap_or(0),
            "wp:menu_order" => self.menu_order = value.trim().parse().unwrap_or(0),
            "wp:post_password" => self.password = value,
            "wp:attachment_url" => self.attachment_url = value.trim().into(),
            _ => {}
        }
    }
}

/// One record of the export, in document order.
#[derive(Debug)]
pub(crate) enum Record {
    /// Channel-level `<title>`, `<link>` or `<language>`, by local name.
    Site(&'static str, String),
    /// A `<wp:author>`.
    Author(WxrAuthor),
    /// A channel-level term.
    Term(WxrTerm),
    /// An `<item>`.
    Item(Box<WxrItem>),
}

/// An XML error with the byte offset where the reader stopped.
#[derive(Debug)]
pub(crate) struct XmlError {
    pub offset: u64,
    pub message: String,
}

/// Which parent element the reader is inside; decides where text goes.
#[derive(PartialEq, Eq, Clone, Copy)]
enum Scope {
    Channel,
    Author,
    Term,
    Item,
    ItemMeta,
    ItemComment,
    Other,
}

/// Reads a whole export, calling `sink` for each record (an item with its
/// body: the caller decides what to keep of it).
pub(crate) fn read<R: BufRead>(input: R, mut sink: impl FnMut(Record)) -> Result<(), XmlError> {
    let mut reader = Reader::from_reader(input);
    reader.config_mut().expand_empty_elements = true;
    let mut buf = Vec::new();
    // Names of open elements, e.g. ["rss", "channel", "item", "wp:postmeta"].
    let mut stack: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut scopes: Vec<Scope> = Vec::new();
    let mut cur = Current::default();
    let mut saw_channel = false;
    // Any `wp:` element: what sets an export apart from a plain RSS feed.
    let mut saw_wxr = false;

    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| XmlError {
            offset: reader.error_position(),
            message: e.to_string(),
        })?;
        match event {
            Event::Start(start) => {
                let name = start.name().as_ref().to_string();
                saw_wxr |= name.starts_with("wp:");
                let parent = scopes.last().copied();
                let scope = cur
                    .open(parent, &name, &start, stack.len())
                    .map_err(|message| XmlError {
                        offset: reader.buffer_position(),
                        message,
                    })?;
                saw_channel |= scope == Scope::Channel;
                scopes.push(scope);
                stack.push(name);
                text.clear();
            }
            Event::End(_) => {
                let Some(name) = stack.pop() else { continue };
                let scope = scopes.pop().unwrap_or(Scope::Other);
                let value = std::mem::take(&mut text);
                let parent = scopes.last().copied();
                match scope {
                    // Only direct children of <channel> (stack is then
                    // ["rss", "channel"]): <image><title> must not win.
                    Scope::Channel if stack.len() == 2 => {
                        if let Some(field) = site_field(&name) {
                            sink(Record::Site(field, value.trim().to_string()));
                        }
                    }
                    Scope::Author if name == "wp:author" => {
                        sink(Record::Author(cur.author.clone()))
                    }
                    Scope::Author => cur.author.set(&name, value),
                    Scope::Term if parent == Some(Scope::Channel) => {
                        sink(Record::Term(cur.term.clone()))
                    }
                    Scope::Term => match name.as_str() {
                        "wp:meta_key" => cur.meta_key = value.trim().into(),
                        "wp:meta_value" => cur.meta_value = value,
                        "wp:termmeta" => cur.term.meta.push((
                            std::mem::take(&mut cur.meta_key),
                            std::mem::take(&mut cur.meta_value),
                        )),
                        _ => cur.term.set(&name, value),
                    },
                    Scope::Item if parent == Some(Scope::Channel) => {
                        sink(Record::Item(Box::new(std::mem::take(&mut cur.item))));
                    }
                    Scope::Item => match name.as_str() {
                        "category" => {
                            if let Some(mut t) = cur.item_term.take() {
                                t.name = value.trim().into();
                                cur.item.terms.push(t);
                            }
                        }
                        _ => cur.item.set(&name, value),
                    },
                    Scope::ItemMeta if name == "wp:postmeta" => {
                        cur.item.meta.push((
                            std::mem::take(&mut cur.meta_key),
                            std::mem::take(&mut cur.meta_value),
                        ));
                    }
                    Scope::ItemMeta => match name.as_str() {
                        "wp:meta_key" => cur.meta_key = value.trim().into(),
                        "wp:meta_value" => cur.meta_value = value,
                        _ => {}
                    },
                    _ => {}
                }
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::CData(t) => text.push_str(&t.xml10_content()),
            // `&nbsp;`, `&eacute;`: HTML entities WordPress leaves in titles.
            Event::GeneralRef(r) => match xmlref::resolve(&r, Undeclared::HtmlOrKept) {
                Ok(t) => text.push_str(&t),
                Err(message) => {
                    return Err(XmlError {
                        offset: reader.buffer_position(),
                        message,
                    });
                }
            },
            Event::DocType(_) => {
                return Err(XmlError {
                    offset: reader.buffer_position(),
                    message: xmlref::doctype_refused("WordPress exports"),
                });
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    let end = reader.buffer_position();
    whole_export(&stack, saw_channel, saw_wxr).map_err(|(at_end, message)| XmlError {
        offset: if at_end { end } else { 0 },
        message,
    })
}

/// Whether what was read is a whole WordPress export: every element
/// closed, a channel, and WordPress's own elements (else it is a feed).
/// The error says whether it lies at the end of the file.
fn whole_export(stack: &[String], saw_channel: bool, saw_wxr: bool) -> Result<(), (bool, String)> {
    if !stack.is_empty() {
        return Err((
            true,
            format!("unexpected end of file inside <{}>", stack.join("> <")),
        ));
    }
    if !saw_channel {
        return Err((
            false,
            "not a WordPress export: no <rss><channel> element".into(),
        ));
    }
    if !saw_wxr {
        return Err((false, "this is an RSS feed, not a WordPress export (it has no <wp:…> elements); in WordPress use Tools → Export → All content and import that file".into()));
    }
    Ok(())
}

/// The record being read.
#[derive(Default)]
struct Current {
    author: WxrAuthor,
    term: WxrTerm,
    item: WxrItem,
    meta_key: String,
    meta_value: String,
    item_term: Option<ItemTerm>,
}

impl Current {
    /// The scope an element opens inside `parent` (`depth` elements deep),
    /// starting a new record where one begins; an error for a root that
    /// is not `<rss>`.
    fn open(
        &mut self,
        parent: Option<Scope>,
        name: &str,
        start: &BytesStart<'_>,
        depth: usize,
    ) -> Result<Scope, String> {
        Ok(match (parent, name) {
            (None, "rss") => Scope::Other,
            (Some(Scope::Other), "channel") if depth == 1 => Scope::Channel,
            (Some(Scope::Channel), "wp:author") => {
                self.author = WxrAuthor::default();
                Scope::Author
            }
            (Some(Scope::Channel), "wp:category" | "wp:tag" | "wp:term") => {
                self.term = WxrTerm::default();
                self.term.taxonomy = match name {
                    "wp:category" => "category".into(),
                    "wp:tag" => "post_tag".into(),
                    _ => String::new(),
                };
                Scope::Term
            }
            (Some(Scope::Channel), "item") => {
                self.item = WxrItem::default();
                Scope::Item
            }
            (Some(Scope::Item), "wp:postmeta") => {
                self.meta_key.clear();
                self.meta_value.clear();
                Scope::ItemMeta
            }
            (Some(Scope::Item), "wp:comment") => {
                self.item.comments += 1;
                Scope::ItemComment
            }
            (Some(Scope::Item), "category") => {
                self.item_term = Some(item_term_from(start));
                Scope::Item
            }
            (Some(s), _) => s,
            (None, "feed") => {
                return Err("this is an Atom feed, not a WordPress export; in WordPress use Tools → Export → All content and import that file".into());
            }
            (None, other) => {
                return Err(format!(
                    "not a WordPress export: the root element is <{other}>, not <rss>"
                ));
            }
        })
    }
}

/// Channel fields quire keeps, by element name.
fn site_field(name: &str) -> Option<&'static str> {
    match name {
        "title" => Some("title"),
        "link" => Some("link"),
        "language" => Some("language"),
        "wp:base_site_url" => Some("base_site_url"),
        "wp:base_blog_url" => Some("base_blog_url"),
        _ => None,
    }
}

fn item_term_from(start: &BytesStart<'_>) -> ItemTerm {
    let mut term = ItemTerm::default();
    for attr in start.attributes().flatten() {
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map(|v| v.into_owned())
            .unwrap_or_default();
        match attr.key.as_ref() {
            "domain" => term.domain = value,
            "nicename" => term.nicename = value,
            _ => {}
        }
    }
    term
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(xml: &str) -> Result<Vec<Record>, XmlError> {
        let mut out = Vec::new();
        read(xml.as_bytes(), |r| out.push(r))?;
        Ok(out)
    }

    #[test]
    fn reads_items_terms_meta_and_entities() {
        let xml = r#"<?xml version="1.0"?>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<title>Site &amp; Co</title><wp:wxr_version>1.2</wp:wxr_version><link>https://example.org</link>
<wp:author><wp:author_login><![CDATA[ada]]></wp:author_login><wp:author_display_name>Ada L</wp:author_display_name></wp:author>
<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>analysis</wp:category_nicename><wp:cat_name><![CDATA[Analysis]]></wp:cat_name></wp:category>
<item><title>A &lt;b&gt; &#1071;</title><wp:post_id>7</wp:post_id>
<content:encoded><![CDATA[<p>Hi</p>]]></content:encoded>
<category domain="post_tag" nicename="gas"><![CDATA[Gas]]></category>
<wp:postmeta><wp:meta_key>k</wp:meta_key><wp:meta_value><![CDATA[v]]></wp:meta_value></wp:postmeta>
<wp:comment><wp:comment_id>1</wp:comment_id></wp:comment>
</item></channel></rss>"#;
        let recs = records(xml).expect("parses");
        assert!(matches!(&recs[0], Record::Site("title", t) if t == "Site & Co"));
        assert!(
            matches!(&recs[2], Record::Author(a) if a.login == "ada" && a.display_name == "Ada L")
        );
        assert!(
            matches!(&recs[3], Record::Term(t) if t.id == 3 && t.taxonomy == "category" && t.name == "Analysis")
        );
        let Record::Item(item) = &recs[4] else {
            panic!("item expected")
        };
        assert_eq!(item.title, "A <b> Я");
        assert_eq!(item.id, 7);
        assert_eq!(item.content, "<p>Hi</p>");
        assert_eq!(item.terms[0].domain, "post_tag");
        assert_eq!(item.terms[0].name, "Gas");
        assert_eq!(item.meta("k"), Some("v"));
        assert_eq!(item.comments, 1);
    }

    #[test]
    fn a_doctype_is_refused() {
        let xxe = r#"<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/hostname">]><rss><channel><wp:wxr_version>1.2</wp:wxr_version><title>&x;</title></channel></rss>"#;
        let err = records(xxe).unwrap_err();
        assert!(err.message.contains("DOCTYPE"), "{err:?}");
    }

    #[test]
    fn malformed_xml_reports_an_offset() {
        let err = records("<rss><channel><item><title>x</item></channel></rss>").unwrap_err();
        assert!(err.offset > 0, "{err:?}");
        assert!(records("<html></html>").is_err());
        assert!(records("<rss><channel>").is_err());
    }

    #[test]
    fn feeds_are_refused_with_a_clear_message() {
        let rss = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title>
<item><title>Post</title><link>https://b.example/p/</link><description>Hi</description></item>
</channel></rss>"#;
        let err = records(rss).unwrap_err();
        assert!(
            err.message.contains("RSS feed, not a WordPress export"),
            "{err:?}"
        );
        let atom = r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>"#;
        let err = records(atom).unwrap_err();
        assert!(err.message.contains("Atom feed"), "{err:?}");
    }

    #[test]
    fn undeclared_entities_are_decoded_or_kept_whole() {
        let xml = r#"<rss><channel><wp:wxr_version>1.2</wp:wxr_version>
<item><title>A&nbsp;B &eacute;t&eacute; &madeup; &amp;</title></item></channel></rss>"#;
        let recs = records(xml).expect("parses");
        let Some(Record::Item(item)) = recs.last() else {
            panic!("item expected")
        };
        assert_eq!(item.title, "A\u{a0}B été &madeup; &");
    }
}
