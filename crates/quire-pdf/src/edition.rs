//! The typed input of one PDF edition: everything the printed article shows,
//! already resolved by the site build (numbered notes, localized ibid.,
//! formatted citations, localized dates and UI strings). This module only
//! describes it; it knows nothing of Typst.

/// One article version to typeset.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edition {
    /// The version's language code (`en`, `tr`, `ar`, `pt-BR`): sets
    /// hyphenation, quotation marks and the script's shaping.
    pub lang: String,
    /// Right-to-left layout (Arabic, Persian).
    pub rtl: bool,
    /// The institute's name in this language (first line of the title page,
    /// running head).
    pub institute: String,
    /// The institute's logo, when the site configures one.
    pub logo: Option<Asset>,
    /// The section label (`Analysis`).
    pub section: Option<String>,
    /// The article's title.
    pub title: String,
    /// Authors in order, with their roles.
    pub authors: Vec<Author>,
    /// The localized publication date as the page shows it.
    pub date: String,
    /// The publication date (year, month, day): the PDF's document date.
    pub date_ymd: (i32, u8, u8),
    /// Key points, as plain text.
    pub highlights: Vec<String>,
    /// The article body: the rendered, sanitized HTML of the page, with note
    /// markers (`<a role="doc-noteref" href="#fn-N">`).
    pub body_html: String,
    /// The numbered notes, in order, as the page shows them.
    pub notes: Vec<Note>,
    /// The reference list HTML, when the article has one.
    pub references_html: Option<String>,
    /// The "cite this" block.
    pub cite: Option<CiteThis>,
    /// The page's absolute URL: relative links of the body resolve against it.
    pub url: String,
    /// Files the body's images point to.
    pub images: Vec<Asset>,
    /// Paper size.
    pub page: PageSize,
    /// UI strings in the article's language.
    pub strings: Strings,
}

/// An author line: the name and, when known, the role (`Senior Fellow`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Author {
    /// Display name.
    pub name: String,
    /// Role or position.
    pub role: Option<String>,
}

/// One numbered note.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Note {
    /// Its number as on the web page, from 1.
    pub n: usize,
    /// Its inner HTML (text, citation, links); a back-link to the text
    /// (`a.footnote-backref`) is left out of the edition.
    pub html: String,
}

/// The "cite this" block: the formatted citation, the URL it cites and the
/// date of the version it was made from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CiteThis {
    /// The formatted citation (HTML, as on the page).
    pub html: String,
    /// The article's URL.
    pub url: String,
    /// The localized access date.
    pub accessed: String,
}

/// A file the edition embeds, by the name the HTML uses for it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Asset {
    /// The `src` as written in the HTML (`map.png`, `/analysis/a/map.png`).
    pub src: String,
    /// The file's bytes (PNG, JPEG, GIF, WebP or SVG).
    pub bytes: Vec<u8>,
}

/// Paper size of the edition.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum PageSize {
    /// ISO A4 (the default).
    #[default]
    A4,
    /// US Letter.
    Letter,
}

impl PageSize {
    /// Typst's name of the paper.
    pub fn typst_name(self) -> &'static str {
        match self {
            PageSize::A4 => "a4",
            PageSize::Letter => "us-letter",
        }
    }
}

/// The UI strings the edition prints, in the article's language.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Strings {
    /// Title of the key points box (`Key points`).
    pub highlights: String,
    /// Heading of the reference list (`References`).
    pub references: String,
    /// Heading of the citation block (`Cite this analysis`).
    pub cite_this: String,
    /// The access date label, `{date}` replaced (`Accessed {date}`).
    pub accessed: String,
    /// Word before the author names (`By`).
    pub by: String,
}
