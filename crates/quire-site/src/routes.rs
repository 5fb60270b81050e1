//! Routes: the one owner of every path and URL the site publishes.
//!
//! Built once in assemble from the configuration (its `base_url` parsed as
//! a URL) and the translation groups; every later phase asks it instead of
//! formatting paths itself, so a page, its listing, its feeds and its
//! sitemap entry cannot disagree about where something lives.
//!
//! Three forms of one location:
//! - a **site path** (`/tr/analysis/x/`), what [`Routes`] methods return:
//!   relative to the site root, with the language prefix;
//! - an **href** ([`Routes::href`]), a site path as written in pages: with
//!   the path of `base_url` in front (`/think/tr/analysis/x/`);
//! - a **permalink** ([`Routes::permalink`]), the absolute URL.
//!
//! Must not know: templates, HTML, the output folder.

use std::collections::BTreeMap;

use crate::assemble::{Page, TranslationGroup};
use crate::config::Config;

/// One hreflang alternate of a page or listing: a language code (or
/// `x-default`) and the absolute URL of that version.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Alternate {
    /// Language code, or `x-default` for the version that stands for all.
    pub hreflang: String,
    /// Absolute URL.
    pub url: String,
}

/// A page quire makes in every language (a listing or a built-in page),
/// named without its language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing<'a> {
    /// The home page.
    Home,
    /// A section's listing, by section id.
    Section(&'a str),
    /// The list of a taxonomy's terms, by taxonomy name.
    Taxonomy(&'a str),
    /// One term's listing.
    Term {
        /// The taxonomy name.
        taxonomy: &'a str,
        /// The term's slug.
        slug: &'a str,
    },
    /// The list of authors.
    Authors,
    /// One author's page, by author id.
    Author(&'a str),
    /// The search page.
    Search,
    /// The "not found" page.
    NotFound,
}

impl Listing<'_> {
    /// The path after the language prefix (`analysis/`, `tags/x/`, `404.html`).
    pub fn rest(&self) -> String {
        match self {
            Listing::Home => String::new(),
            Listing::Section(id) => format!("{id}/"),
            Listing::Taxonomy(name) => format!("{name}/"),
            Listing::Term { taxonomy, slug } => format!("{taxonomy}/{slug}/"),
            Listing::Authors => "authors/".to_string(),
            Listing::Author(id) => format!("authors/{id}/"),
            Listing::Search => "search/".to_string(),
            Listing::NotFound => "404.html".to_string(),
        }
    }
}

/// The first path segments quire's own listings use in every language: no
/// section folder may take them.
pub const RESERVED_SEGMENTS: [&str; 4] = ["authors", "search", "assets", "page"];

/// A feed format. Every feed folder holds one file of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedKind {
    /// Atom 1.0 (`atom.xml`).
    Atom,
    /// RSS 2.0 (`rss.xml`).
    Rss,
    /// JSON Feed 1.1 (`feed.json`).
    Json,
}

impl FeedKind {
    /// Every kind, in the order pages link them.
    pub const ALL: [FeedKind; 3] = [FeedKind::Atom, FeedKind::Rss, FeedKind::Json];

    /// The file name inside a feed folder.
    pub fn file_name(self) -> &'static str {
        match self {
            FeedKind::Atom => "atom.xml",
            FeedKind::Rss => "rss.xml",
            FeedKind::Json => "feed.json",
        }
    }

    /// The media type.
    pub fn mime(self) -> &'static str {
        match self {
            FeedKind::Atom => "application/atom+xml",
            FeedKind::Rss => "application/rss+xml",
            FeedKind::Json => "application/feed+json",
        }
    }

    /// The human name shown in links.
    pub fn title(self) -> &'static str {
        match self {
            FeedKind::Atom => "Atom",
            FeedKind::Rss => "RSS",
            FeedKind::Json => "JSON Feed",
        }
    }
}

/// Every path and URL of the site. See the module documentation.
#[derive(Debug, Clone)]
pub struct Routes {
    /// `base_url` as configured, without its trailing slash.
    base_url: String,
    /// Scheme, host and port of `base_url` (`https://example.org`).
    origin: String,
    /// Path of `base_url` without its trailing slash (`""` or `/think`).
    base_path: String,
    /// Language code → prefix (`/` for the default language, `/tr/`).
    prefixes: BTreeMap<String, String>,
    /// Language codes, default first, as configured.
    languages: Vec<String>,
    /// Per translation group: its hreflang alternates.
    group_alternates: Vec<Vec<Alternate>>,
    /// Per translation group: the page index of its original version.
    originals: Vec<Option<usize>>,
}

impl Routes {
    /// The routes of a site with this configuration and no pages yet.
    pub fn new(config: &Config) -> Routes {
        // `base_url` was checked when the configuration loaded: it parses,
        // has a host and no query. It is kept as written (an international
        // host stays readable in every permalink, as configured); the parse
        // says where its path starts.
        let (origin, base_path) = match url::Url::parse(&config.base_url) {
            Ok(url) if url.path() != "/" => {
                let path = url.path().trim_end_matches('/');
                let raw = config
                    .base_url
                    .find("://")
                    .and_then(|i| config.base_url[i + 3..].find('/').map(|j| i + 3 + j))
                    .unwrap_or(config.base_url.len());
                let (origin, raw_path) = config.base_url.split_at(raw);
                // The written path when it is plain ASCII, else the parsed,
                // percent-encoded one.
                let chosen = if raw_path.is_ascii() { raw_path } else { path };
                (origin.to_string(), chosen.trim_end_matches('/').to_string())
            }
            _ => (config.base_url.clone(), String::new()),
        };
        Routes {
            base_url: config.base_url.clone(),
            origin,
            base_path,
            prefixes: config
                .languages
                .iter()
                .map(|l| (l.code.clone(), l.prefix()))
                .collect(),
            languages: config.language_codes(),
            group_alternates: Vec::new(),
            originals: Vec::new(),
        }
    }

    /// Records each translation group's alternates and original version,
    /// once the pages have their paths.
    pub(crate) fn set_groups(&mut self, pages: &[Page], groups: &[TranslationGroup]) {
        let default = self.languages.first().cloned().unwrap_or_default();
        self.originals = groups.iter().map(|g| g.representative(&default)).collect();
        self.group_alternates = groups
            .iter()
            .zip(&self.originals)
            .map(|(group, original)| {
                let mut alternates: Vec<Alternate> = self
                    .languages
                    .iter()
                    .filter_map(|code| {
                        group.versions.get(code).map(|&i| Alternate {
                            hreflang: code.clone(),
                            url: pages[i].permalink.clone(),
                        })
                    })
                    .collect();
                if let Some(&i) = original.as_ref() {
                    alternates.push(Alternate {
                        hreflang: "x-default".into(),
                        url: pages[i].permalink.clone(),
                    });
                }
                alternates
            })
            .collect();
    }

    // ---- the base URL ------------------------------------------------------

    /// `base_url` without its trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Scheme, host and port of `base_url` (`https://example.org`): what a
    /// site path needs in front to become absolute.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The path of `base_url` without its trailing slash: `""` for a site at
    /// the host root, `/think` for `https://example.org/think/`.
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// A site path as written in pages (`/x/` → `/think/x/`).
    pub fn href(&self, path: &str) -> String {
        format!("{}{path}", self.base_path)
    }

    /// The absolute URL of a site path (`/tr/x/` → `https://…/tr/x/`).
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    // ---- languages ---------------------------------------------------------

    /// The URL prefix of a language: `/` for the default, `/tr/` otherwise
    /// (`/` for a language that is not configured).
    pub fn prefix(&self, lang: &str) -> &str {
        self.prefixes.get(lang).map_or("/", String::as_str)
    }

    // ---- content pages -----------------------------------------------------

    /// The site path of an article (in `section`) or a page, by its slug.
    pub fn page(&self, lang: &str, section: Option<&str>, slug: &str) -> String {
        let prefix = self.prefix(lang);
        match section {
            Some(s) => format!("{prefix}{s}/{slug}/"),
            None => format!("{prefix}{slug}/"),
        }
    }

    /// The hreflang alternates of a page: each language version in language
    /// order, then `x-default` (the original version).
    pub fn alternates(&self, page: &Page) -> &[Alternate] {
        self.group_alternates
            .get(page.group)
            .map_or(&[], Vec::as_slice)
    }

    /// The page index of the version that stands for `page`'s translation
    /// group: the default language's, else the earliest page.
    pub fn original(&self, page: &Page) -> Option<usize> {
        self.originals.get(page.group).copied().flatten()
    }

    /// Where a file published beside a page goes (`cite.bib`, `card.png`).
    pub fn beside(page_path: &str, file: &str) -> String {
        format!("{page_path}{file}")
    }

    // ---- listings ----------------------------------------------------------

    /// The site path of a listing in `lang`.
    pub fn listing(&self, lang: &str, listing: Listing<'_>) -> String {
        format!("{}{}", self.prefix(lang), listing.rest())
    }

    /// The site path of page `n` (1-based) of a paginated listing whose
    /// first page is `first`.
    pub fn pagination(first: &str, n: usize) -> String {
        if n <= 1 {
            first.to_string()
        } else {
            format!("{first}page/{n}/")
        }
    }

    /// hreflang alternates of a listing that exists in every language: each
    /// language's version, then `x-default` (the default language's).
    pub fn listing_alternates(&self, listing: Listing<'_>) -> Vec<Alternate> {
        let mut alternates: Vec<Alternate> = self
            .languages
            .iter()
            .map(|code| Alternate {
                hreflang: code.clone(),
                url: self.permalink(&self.listing(code, listing)),
            })
            .collect();
        alternates.push(Alternate {
            hreflang: "x-default".into(),
            url: self.permalink(&format!("/{}", listing.rest())),
        });
        alternates
    }

    // ---- authors -----------------------------------------------------------

    /// Where an author's photo is published, as a site path, when it is a
    /// file of `authors/` (published beside the author's default-language
    /// page); `None` for a photo given as a site path or URL.
    pub fn author_photo_file(id: &str, photo: &str) -> Option<String> {
        let file = photo.strip_prefix("authors/")?;
        Some(format!(
            "/authors/{id}/{}",
            file.rsplit('/').next().unwrap_or(file)
        ))
    }

    /// An author's photo as written in pages: a published file, a site
    /// path, or a URL as given.
    pub fn author_photo_href(&self, id: &str, photo: &str) -> String {
        if let Some(path) = Routes::author_photo_file(id, photo) {
            self.href(&path)
        } else if photo.starts_with('/') {
            self.href(photo)
        } else {
            photo.to_string()
        }
    }

    // ---- feeds and machine files -------------------------------------------

    /// The site path of a feed file in a feed folder (`/tr/analysis/`).
    pub fn feed(folder: &str, kind: FeedKind) -> String {
        format!("{folder}{}", kind.file_name())
    }

    /// The site path of the search index folder of `lang`.
    pub fn search_index(lang: &str) -> String {
        format!("/search/{lang}/")
    }

    /// The site path of the folder of quire's scripts and styles.
    pub const ASSETS: &'static str = "/assets/";

    /// The site path of the sitemap (or sitemap index).
    pub const SITEMAP: &'static str = "/sitemap.xml";

    /// The site path of part `n` (1-based) of a split sitemap.
    pub fn sitemap_part(n: usize) -> String {
        format!("/sitemap-{n}.xml")
    }

    /// The site path of `robots.txt`.
    pub const ROBOTS: &'static str = "/robots.txt";

    /// The site path of the `_redirects` file.
    pub const REDIRECTS: &'static str = "/_redirects";

    /// The site path of the redirect page of an alias; `None` for an alias
    /// with a query (`/?p=123`), which only `_redirects` can carry.
    pub fn alias(alias: &str) -> Option<String> {
        if alias.contains('?') {
            None
        } else if alias.ends_with('/') || alias.ends_with(".html") {
            Some(alias.to_string())
        } else {
            Some(format!("{alias}/"))
        }
    }

    /// The output file of a site path: `/tr/x/` → `tr/x/index.html`,
    /// `/404.html` → `404.html`.
    pub fn output_file(path: &str) -> String {
        let trimmed = path.trim_start_matches('/');
        if trimmed.is_empty() {
            "index.html".to_string()
        } else if trimmed.ends_with('/') {
            format!("{trimmed}index.html")
        } else {
            trimmed.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(base_url: &str) -> Config {
        let text = format!(
            "title = \"x\"\nbase_url = \"{base_url}\"\ndefault_language = \"en\"\n\
             [languages.en]\nname = \"English\"\n[languages.tr]\nname = \"Türkçe\"\n"
        );
        crate::config::parse(&text, None).expect("valid config").0
    }

    #[test]
    fn language_prefixes_apply_to_pages_and_listings() {
        let r = Routes::new(&config("https://example.org"));
        assert_eq!(r.prefix("en"), "/");
        assert_eq!(r.prefix("tr"), "/tr/");
        assert_eq!(r.page("tr", Some("analysis"), "x"), "/tr/analysis/x/");
        assert_eq!(r.page("en", None, "about"), "/about/");
        assert_eq!(
            r.listing("tr", Listing::Section("analysis")),
            "/tr/analysis/"
        );
        assert_eq!(
            r.listing(
                "en",
                Listing::Term {
                    taxonomy: "tags",
                    slug: "gas"
                }
            ),
            "/tags/gas/"
        );
        assert_eq!(
            r.listing("tr", Listing::Author("ayla")),
            "/tr/authors/ayla/"
        );
        assert_eq!(r.listing("tr", Listing::Home), "/tr/");
        assert_eq!(r.listing("tr", Listing::NotFound), "/tr/404.html");
        let alternates = r.listing_alternates(Listing::Search);
        let pairs: Vec<(&str, &str)> = alternates
            .iter()
            .map(|a| (a.hreflang.as_str(), a.url.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("en", "https://example.org/search/"),
                ("tr", "https://example.org/tr/search/"),
                ("x-default", "https://example.org/search/"),
            ]
        );
    }

    #[test]
    fn pagination_pages_follow_the_first() {
        assert_eq!(Routes::pagination("/tr/analysis/", 1), "/tr/analysis/");
        assert_eq!(
            Routes::pagination("/tr/analysis/", 3),
            "/tr/analysis/page/3/"
        );
        assert_eq!(
            Routes::output_file(&Routes::pagination("/", 2)),
            "page/2/index.html"
        );
    }

    #[test]
    fn a_base_url_with_a_sub_path_prefixes_hrefs_and_permalinks() {
        let r = Routes::new(&config("https://example.org/think/"));
        assert_eq!(r.base_path(), "/think");
        assert_eq!(r.origin(), "https://example.org");
        assert_eq!(r.base_url(), "https://example.org/think");
        let path = r.page("tr", Some("analysis"), "x");
        assert_eq!(r.href(&path), "/think/tr/analysis/x/");
        assert_eq!(
            r.permalink(&path),
            "https://example.org/think/tr/analysis/x/"
        );
        assert_eq!(
            r.author_photo_href("ayla", "authors/p/a.jpg"),
            "/think/authors/ayla/a.jpg"
        );
        assert_eq!(
            r.author_photo_href("ayla", "/img/a.jpg"),
            "/think/img/a.jpg"
        );
        assert_eq!(
            r.author_photo_href("ayla", "https://o.org/a.jpg"),
            "https://o.org/a.jpg"
        );
        let root = Routes::new(&config("https://example.org:8443"));
        assert_eq!(
            (root.base_path(), root.origin()),
            ("", "https://example.org:8443")
        );
        assert_eq!(root.href("/x/"), "/x/");
    }

    #[test]
    fn feeds_aliases_and_files_have_one_form() {
        assert_eq!(
            Routes::feed("/tr/analysis/", FeedKind::Atom),
            "/tr/analysis/atom.xml"
        );
        assert_eq!(Routes::feed("/", FeedKind::Json), "/feed.json");
        assert_eq!(Routes::alias("/old"), Some("/old/".to_string()));
        assert_eq!(Routes::alias("/old.html"), Some("/old.html".to_string()));
        assert_eq!(Routes::alias("/?p=3"), None);
        assert_eq!(Routes::output_file("/"), "index.html");
        assert_eq!(Routes::output_file("/tr/a/"), "tr/a/index.html");
        assert_eq!(Routes::output_file("/404.html"), "404.html");
        assert_eq!(Routes::search_index("ru"), "/search/ru/");
    }
}
