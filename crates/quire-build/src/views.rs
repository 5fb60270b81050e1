//! View models: everything a template shows, prepared before rendering.
//!
//! Templates get these structs and nothing else, so every fact a page
//! depends on is computed here, from the corpus and the derived data.

use quire_theme::Prepared;
use serde::Serialize;

/// A link with a label.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// Shown text.
    pub name: String,
    /// Site path or absolute URL.
    pub url: String,
}

/// A language of the site, for the header switcher.
#[derive(Debug, Clone, Serialize)]
pub struct LangLink {
    /// Language code.
    pub code: String,
    /// Name of the language in itself.
    pub name: String,
    /// Its home page.
    pub url: String,
    /// True for the page's language.
    pub current: bool,
}

/// A section in the navigation.
#[derive(Debug, Clone, Serialize)]
pub struct NavSection {
    /// Section id.
    pub id: String,
    /// Title in the page language.
    pub title: String,
    /// Listing URL.
    pub url: String,
    /// True on that section's pages.
    pub current: bool,
}

/// A feed, for `<link rel="alternate">` and the footer.
#[derive(Debug, Clone, Serialize)]
pub struct FeedLink {
    /// Human title (format name).
    pub title: String,
    /// URL.
    pub url: String,
    /// MIME type.
    #[serde(rename = "type")]
    pub mime: String,
}

/// Site-wide facts in one language.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    /// Site title in this language.
    pub title: String,
    /// Site description in this language.
    pub description: String,
    /// Language code.
    pub lang: String,
    /// `ltr` or `rtl`.
    pub dir: String,
    /// Open Graph locale.
    pub locale: String,
    /// Home page of this language.
    pub home_url: String,
    /// Search page of this language, when search is on.
    pub search_url: Option<String>,
    /// The stylesheet.
    pub css_url: String,
    /// The authors listing.
    pub authors_url: String,
    /// All languages.
    pub languages: Vec<LangLink>,
    /// Sections with articles in any language.
    pub sections: Vec<NavSection>,
    /// This language's site feeds.
    pub feeds: Vec<FeedLink>,
    /// `[extra]` of quire.toml.
    pub extra: serde_json::Value,
}

/// A `<meta name|property content>` pair.
#[derive(Debug, Clone, Serialize)]
pub struct MetaTag {
    /// `name` or `property`.
    pub name: String,
    /// `content`.
    pub content: String,
}

/// An hreflang alternate (made by [`quire_site::Routes`]).
pub use quire_site::Alternate;

/// The `<head>` of a page.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Meta {
    /// Document title.
    pub title: String,
    /// Meta description.
    pub description: String,
    /// Absolute canonical URL.
    pub canonical: String,
    /// hreflang alternates (existing versions plus x-default).
    pub alternates: Vec<Alternate>,
    /// Feed discovery links.
    pub feeds: Vec<FeedLink>,
    /// og:title.
    pub og_title: String,
    /// og:type.
    pub og_type: String,
    /// og:locale:alternate values.
    pub og_locale_alternates: Vec<String>,
    /// Absolute image URL.
    pub image: Option<String>,
    /// article:* properties.
    pub og_extra: Vec<MetaTag>,
    /// Highwire Press citation_* tags.
    pub highwire: Vec<MetaTag>,
    /// JSON-LD, already safe for `<script>`.
    pub jsonld: Option<String>,
    /// Ask robots not to index (404 pages).
    pub noindex: bool,
}

/// An author as shown on an article or listing.
#[derive(Debug, Clone, Serialize)]
pub struct AuthorView {
    /// Author id.
    pub id: String,
    /// Name in the page language.
    pub name: String,
    /// Author page in the page language.
    pub url: String,
    /// Photo URL.
    pub photo: Option<String>,
    /// Role in the page language.
    pub role: Option<String>,
    /// Biography HTML in the page language.
    pub bio_html: Option<String>,
    /// Profile links.
    pub links: Vec<LinkLabel>,
}

/// A labelled external link.
#[derive(Debug, Clone, Serialize)]
pub struct LinkLabel {
    /// Label.
    pub label: String,
    /// URL.
    pub url: String,
}

/// A share link.
#[derive(Debug, Clone, Serialize)]
pub struct ShareLink {
    /// Network id (class name).
    pub id: String,
    /// Label.
    pub label: String,
    /// The share URL with the page URL encoded in it.
    pub url: String,
    /// Opens a third-party site.
    pub external: bool,
}

/// Another language version of the page.
#[derive(Debug, Clone, Serialize)]
pub struct TranslationLink {
    /// Language code.
    pub lang: String,
    /// Language name in itself.
    pub name: String,
    /// URL of that version.
    pub url: String,
}

/// An article in a list (cards, similar posts).
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    /// Title.
    pub title: String,
    /// URL.
    pub url: String,
    /// Summary text.
    pub summary: String,
    /// `YYYY-MM-DD`.
    pub date_iso: String,
    /// Localized date.
    pub date_display: String,
    /// Section title in the list's language.
    pub section_title: Option<String>,
    /// Section URL.
    pub section_url: Option<String>,
    /// Authors.
    pub authors: Vec<Link>,
}

/// "Cite this analysis" data.
#[derive(Debug, Clone, Serialize)]
pub struct CiteView {
    /// The formatted citation.
    pub html: String,
    /// BibTeX file URL.
    pub bib: String,
    /// RIS file URL.
    pub ris: String,
    /// CSL-JSON file URL.
    pub json: String,
}

/// Everything the article (or page) template shows.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleView {
    /// Title.
    pub title: String,
    /// Site path.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// Section label and link.
    pub section: Option<Link>,
    /// Publication date.
    pub date_iso: String,
    /// Localized publication date.
    pub date_display: String,
    /// Update date.
    pub updated_iso: Option<String>,
    /// Localized update date.
    pub updated_display: Option<String>,
    /// Minutes to read.
    pub reading_minutes: usize,
    /// Authors with bios.
    pub authors: Vec<AuthorView>,
    /// Key points.
    pub highlights: Vec<String>,
    /// Share links.
    pub share: Vec<ShareLink>,
    /// Other existing versions.
    pub translations: Vec<TranslationLink>,
    /// Body HTML.
    pub body_html: String,
    /// Numbered notes.
    pub notes: Vec<crate::notes::NoteView>,
    /// Reference list.
    pub references_html: Option<String>,
    /// Taxonomy terms.
    pub tags: Vec<Link>,
    /// Similar posts ([`Card`]s, converted once per page and site).
    pub similar: Vec<Prepared>,
    /// Cite this analysis.
    pub cite: Option<CiteView>,
    /// URL of the typeset PDF edition, when the site makes one.
    pub pdf: Option<String>,
    /// Front matter `[extra]`.
    pub extra: serde_json::Value,
}

/// Pagination of a listing.
#[derive(Debug, Clone, Serialize)]
pub struct Pagination {
    /// Current page, from 1.
    pub current: usize,
    /// Number of pages.
    pub total: usize,
    /// Newer page.
    pub prev_url: Option<String>,
    /// Older page.
    pub next_url: Option<String>,
}

/// A titled group of cards (home page, per section).
#[derive(Debug, Clone, Serialize)]
pub struct CardGroup {
    /// Group title.
    pub title: String,
    /// Link of the title.
    pub url: String,
    /// Cards ([`Card`]s, converted once per page and site).
    pub items: Vec<Prepared>,
    /// "All in …" label, when there are more.
    pub more_label: Option<String>,
}

/// A link with a count (taxonomy terms, authors).
#[derive(Debug, Clone, Serialize)]
pub struct CountLink {
    /// Name.
    pub name: String,
    /// URL.
    pub url: String,
    /// Number of articles.
    pub count: usize,
}

/// Everything a listing template shows.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ListView {
    /// `home`, `section`, `taxonomy-term`, `taxonomy-list`, `author`, `authors`.
    pub kind: String,
    /// Small label above the heading.
    pub eyebrow: Option<String>,
    /// Heading.
    pub heading: String,
    /// Description.
    pub description: Option<String>,
    /// Intro HTML.
    pub intro_html: Option<String>,
    /// Groups of cards.
    pub groups: Vec<CardGroup>,
    /// Links with counts.
    pub links: Vec<CountLink>,
    /// Cards ([`Card`]s, converted once per page and site).
    pub items: Vec<Prepared>,
    /// Show the "nothing yet" message when empty.
    pub show_empty: bool,
    /// Pagination.
    pub pagination: Option<Pagination>,
    /// The author, on author pages.
    pub author: Option<AuthorView>,
}

/// The whole context of one template render.
#[derive(Debug, Clone, Serialize)]
pub struct PageContext {
    /// Site facts in the page language (a [`SiteView`]).
    pub site: Prepared,
    /// UI strings of the page language (a map).
    pub t: Prepared,
    /// The head.
    pub meta: Meta,
    /// For article and page templates.
    pub article: Option<ArticleView>,
    /// For listing templates.
    pub list: Option<ListView>,
    /// The search page body.
    pub search_html: Option<String>,
}
