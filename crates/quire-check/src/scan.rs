//! Scanning Markdown sources for the links they contain: site paths
//! (`/about/`), same-page anchors (`#part`) and web addresses, each with its
//! byte offset in the file.
//!
//! Owns: finding links in text. Must not know: whether a link works.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use quire_site::Corpus;

/// What a link points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// A path of this site, starting with `/`.
    Site,
    /// An anchor of the same page, `#id`.
    Anchor,
    /// An `http(s)://` address.
    External,
}

/// One link found in a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyLink {
    /// The destination as written.
    pub url: String,
    /// Byte offset in the whole file.
    pub offset: usize,
    /// What it points to.
    pub kind: LinkKind,
}

/// One Markdown source and its links.
#[derive(Debug, Clone)]
pub struct ScannedFile {
    /// Site-relative path.
    pub path: String,
    /// The file's text.
    pub text: String,
    /// Site path of the page built from it, when it is a page or article.
    pub page_path: Option<String>,
    /// Links in reading order.
    pub links: Vec<BodyLink>,
}

/// Every Markdown source of the site (drafts excluded), with its links.
pub fn scan_site(corpus: &Corpus) -> Vec<ScannedFile> {
    let mut out = Vec::new();
    for source in &corpus.files.sources {
        let page = corpus.pages.iter().find(|p| p.source_path == source.path);
        let is_index = matches!(
            source.kind,
            quire_site::SourceKind::HomeIndex | quire_site::SourceKind::SectionIndex { .. }
        );
        if page.is_none() && !is_index {
            continue; // a draft: not published, not checked
        }
        let body_offset = match quire_site::frontmatter::split(&source.path, &source.text) {
            Ok(Some(split)) => split.body_offset,
            Ok(None) => 0,
            Err(_) => continue, // already an error of the load
        };
        out.push(ScannedFile {
            path: source.path.clone(),
            links: links_in(&source.text[body_offset..], body_offset),
            text: source.text.to_string(),
            page_path: page.map(|p| p.path.clone()),
        });
    }
    out
}

/// Links of a Markdown body; offsets are shifted by `base`.
pub fn links_in(markdown: &str, base: usize) -> Vec<BodyLink> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut out = Vec::new();
    let mut in_link = 0usize;
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => {
                in_link += 1;
                let url = dest_url.to_string();
                if let Some(kind) = kind_of(&url) {
                    // The destination sits after `](`; point there when it can be found.
                    let within = markdown[range.clone()].rfind(url.as_str()).unwrap_or(0);
                    out.push(BodyLink {
                        url,
                        offset: base + range.start + within,
                        kind,
                    });
                }
            }
            Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
                in_link = in_link.saturating_sub(1);
            }
            Event::Text(text) if in_link == 0 => {
                // Bare addresses (notes often cite sources this way) are links too.
                for (at, url) in bare_urls(&text) {
                    let offset = markdown[range.clone()]
                        .find(url.as_str())
                        .map(|i| range.start + i)
                        .unwrap_or(range.start + at);
                    out.push(BodyLink {
                        url,
                        offset: base + offset,
                        kind: LinkKind::External,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

fn kind_of(url: &str) -> Option<LinkKind> {
    if url.starts_with("http://") || url.starts_with("https://") {
        Some(LinkKind::External)
    } else if url.starts_with('/') && !url.starts_with("//") {
        Some(LinkKind::Site)
    } else if url.starts_with('#') && url.len() > 1 {
        Some(LinkKind::Anchor)
    } else {
        None
    }
}

/// `http(s)://` addresses in plain text with their byte offsets, without
/// trailing sentence punctuation.
pub fn bare_urls(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(start) = ["http://", "https://"]
        .iter()
        .filter_map(|p| text[from..].find(p))
        .min()
    {
        let start = from + start;
        let tail = &text[start..];
        let end = tail
            .find(|c: char| {
                c.is_whitespace() || matches!(c, '<' | '>' | '"' | '“' | '”' | '«' | '»')
            })
            .unwrap_or(tail.len());
        let url = tail[..end].trim_end_matches(['.', ',', ';', ':', ')', ']', '!', '?', '\'']);
        if url.len() > "https://".len() {
            found.push((start, url.to_string()));
        }
        from = start + end.max(1);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_site_paths_anchors_and_web_addresses() {
        let md = "See [about](/about/), [part](#part), [x](https://a.example/x).\n\n[^1]: “Title”, https://b.example/y?z=1, (Date of access: 01.02.2024).\n\nText[^1].";
        let links = links_in(md, 10);
        let got: Vec<(&str, LinkKind)> = links.iter().map(|l| (l.url.as_str(), l.kind)).collect();
        assert_eq!(
            got,
            vec![
                ("/about/", LinkKind::Site),
                ("#part", LinkKind::Anchor),
                ("https://a.example/x", LinkKind::External),
                ("https://b.example/y?z=1", LinkKind::External),
            ]
        );
        assert_eq!(&md[links[0].offset - 10..][..7], "/about/");
        assert_eq!(&md[links[3].offset - 10..][..9], "https://b");
    }

    #[test]
    fn link_text_that_is_an_address_is_not_counted_twice() {
        let links = links_in("[https://a.example](https://a.example)", 0);
        assert_eq!(links.len(), 1);
    }

    #[test]
    fn bare_urls_drop_sentence_punctuation_in_any_script() {
        assert_eq!(
            bare_urls("см. https://пример.рф/путь. и http://x.example/a),"),
            vec![
                (6, "https://пример.рф/путь".to_string()),
                (45, "http://x.example/a".to_string())
            ]
        );
    }
}
