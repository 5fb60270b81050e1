//! The typed feed model: one feed and one entry, independent of format.
//! The writers ([`super::atom`], [`super::rss`], [`super::json`]) turn it
//! into files.

use quire_site::PubDate;

/// One feed: a language's articles, a section's, an author's or a term's.
#[derive(Debug, Clone)]
pub struct Feed {
    /// Language code.
    pub lang: String,
    /// Feed title.
    pub title: String,
    /// Absolute URL of the HTML page the feed mirrors (also its Atom id).
    pub page_url: String,
    /// Absolute URL of this very file, per format.
    pub self_url: String,
    /// The newest date (updated, else published) among its entries.
    pub newest: Option<PubDate>,
}

/// An author of an entry.
#[derive(Debug, Clone)]
pub struct EntryAuthor {
    /// Name in the entry's language.
    pub name: String,
    /// Absolute URL of the author's page.
    pub url: String,
}

/// One article as a feed entry.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Title.
    pub title: String,
    /// Absolute URL (also its id).
    pub permalink: String,
    /// Language code.
    pub lang: String,
    /// The other language versions: (language code, absolute URL).
    pub translations: Vec<(String, String)>,
    /// Publication date.
    pub published: Option<PubDate>,
    /// Last update, if any.
    pub updated: Option<PubDate>,
    /// Authors.
    pub authors: Vec<EntryAuthor>,
    /// Section title, then terms.
    pub categories: Vec<String>,
    /// Plain-text summary.
    pub summary: String,
    /// The full body HTML with absolute links, when feeds carry it.
    pub content_html: Option<String>,
}
