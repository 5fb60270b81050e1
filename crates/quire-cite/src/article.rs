//! An article as a citable record: what "cite this analysis" and the
//! exports need of a page, and how a display name splits into family and
//! given names. A leaf module: the renderers and the exports both use it.

/// What a citation of an article needs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ArticleRef {
    /// The title, as plain text.
    pub title: String,
    /// Authors' display names ("Jane Doe"); the last word is the family name.
    pub authors: Vec<String>,
    /// Publication date (year, month, day).
    pub date: (i32, u8, u8),
    /// Last substantive update, if any.
    pub updated: Option<(i32, u8, u8)>,
    /// The absolute URL of the page.
    pub url: String,
    /// The publishing organisation (the site's title in the page language).
    pub publisher: String,
    /// The page language (`en`, `tr`, `ru`).
    pub lang: String,
    /// The section id (`analysis`), exported as the genre.
    pub section: String,
    /// A citation key for the exports (BibTeX needs one).
    pub key: String,
}

/// `(family, given)` from a display name; a one-word name has no given name.
pub(crate) fn split_name(name: &str) -> (String, String) {
    let name = name.trim();
    match name.rsplit_once(char::is_whitespace) {
        Some((given, family)) => (family.to_string(), given.trim().to_string()),
        None => (name.to_string(), String::new()),
    }
}
