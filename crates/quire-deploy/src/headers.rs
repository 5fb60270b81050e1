//! The HTTP headers each published file is stored with: `Content-Type`
//! (with a charset for text), `Cache-Control` (configurable by glob) and,
//! when precompressed, `Content-Encoding`.
//!
//! Pure: works on output paths (`/`-separated keys), never on files.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use quire_site::deploy::CacheRule;

/// Cache policy of a file whose name carries its content hash: it never
/// changes, so it may be cached for a year.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Cache policy of pages, feeds and other files that keep their name when
/// they change: a short cache, revalidated after.
pub const REVALIDATE: &str = "public, max-age=300, must-revalidate";
/// Cache policy of images, documents and fonts without a hash in the name.
pub const MEDIA: &str = "public, max-age=86400";

/// A precompression of a stored body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Encoding {
    /// gzip (RFC 1952).
    Gzip,
    /// brotli (RFC 7932).
    Brotli,
}

impl Encoding {
    /// The `Content-Encoding` token.
    pub fn token(self) -> &'static str {
        match self {
            Encoding::Gzip => "gzip",
            Encoding::Brotli => "br",
        }
    }

    /// The file-name suffix of a precompressed copy beside the original
    /// (what nginx's `gzip_static` and `brotli_static` look for).
    pub fn suffix(self) -> &'static str {
        match self {
            Encoding::Gzip => ".gz",
            Encoding::Brotli => ".br",
        }
    }
}

/// The headers one stored object gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headers {
    /// `Content-Type`.
    pub content_type: String,
    /// `Cache-Control`.
    pub cache_control: String,
    /// `Content-Encoding`, when the body is stored compressed.
    pub content_encoding: Option<Encoding>,
}

/// The `Content-Type` of an output file, from its name: quire's own kinds
/// first (feeds, citation exports, search shards), then `mime_guess`.
/// Text types carry `charset=utf-8`, since quire writes only UTF-8.
pub fn content_type(key: &str) -> String {
    let name = key.rsplit('/').next().unwrap_or(key);
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let own = match (name, ext.as_str()) {
        ("_redirects" | "_headers", _) => Some("text/plain"),
        ("rss.xml", _) => Some("application/rss+xml"),
        ("atom.xml", _) => Some("application/atom+xml"),
        ("feed.json", _) => Some("application/feed+json"),
        (_, "html" | "htm") => Some("text/html"),
        (_, "xml" | "xsl") => Some("application/xml"),
        (_, "json") => Some("application/json"),
        (_, "js" | "mjs") => Some("text/javascript"),
        (_, "css") => Some("text/css"),
        (_, "svg") => Some("image/svg+xml"),
        (_, "txt") => Some("text/plain"),
        (_, "md") => Some("text/markdown"),
        (_, "bib") => Some("application/x-bibtex"),
        (_, "ris") => Some("application/x-research-info-systems"),
        (_, "webmanifest") => Some("application/manifest+json"),
        (_, "gz") => Some("application/gzip"),
        (_, "woff2") => Some("font/woff2"),
        (_, "woff") => Some("font/woff"),
        (_, "webp") => Some("image/webp"),
        (_, "avif") => Some("image/avif"),
        _ => None,
    };
    let base = match own {
        Some(t) => t.to_string(),
        None => mime_guess::from_path(name)
            .first_raw()
            .unwrap_or("application/octet-stream")
            .to_string(),
    };
    if is_text(&base) {
        format!("{base}; charset=utf-8")
    } else {
        base
    }
}

/// True for the media types whose bytes are text (and so compress well
/// and need a charset).
fn is_text(media_type: &str) -> bool {
    media_type.starts_with("text/")
        || media_type.ends_with("+xml")
        || media_type.ends_with("+json")
        || matches!(
            media_type,
            "application/xml"
                | "application/json"
                | "application/javascript"
                | "application/x-bibtex"
                | "application/x-research-info-systems"
        )
}

/// True if a file of this `Content-Type` is worth storing precompressed.
pub fn compressible(content_type: &str) -> bool {
    is_text(content_type.split(';').next().unwrap_or(content_type))
}

/// True if the file name carries a content hash, the way quire names the
/// files that never change under their name: a dot-separated part of 10
/// hex digits (`assets/quire.0b4c4fabe7.css`) or a search shard named by
/// its 16-digit hash (`search/en/s/f8147fdebf902dd7.json.gz`).
pub fn is_fingerprinted(key: &str) -> bool {
    let name = key.rsplit('/').next().unwrap_or(key);
    name.split('.')
        .any(|part| part.len() >= 10 && part.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `Cache-Control` rules: the site's globs, tried in order, then the
/// defaults.
#[derive(Debug, Clone)]
pub struct CachePolicy {
    globs: GlobSet,
    values: Vec<String>,
}

impl CachePolicy {
    /// Compiles the rules of a `[[deploy]]` target. A `*` stays inside one
    /// path segment; `**` crosses them.
    pub fn new(rules: &[CacheRule]) -> Result<Self, String> {
        let mut set = GlobSetBuilder::new();
        for rule in rules {
            let glob = GlobBuilder::new(rule.glob.trim_start_matches('/'))
                .literal_separator(true)
                .build()
                .map_err(|e| format!("cache_control glob `{}`: {e}", rule.glob))?;
            set.add(glob);
        }
        Ok(Self {
            globs: set
                .build()
                .map_err(|e| format!("cache_control globs: {e}"))?,
            values: rules.iter().map(|r| r.value.trim().to_string()).collect(),
        })
    }

    /// The `Cache-Control` of an output file.
    pub fn cache_control(&self, key: &str, content_type: &str) -> String {
        if let Some(first) = self.globs.matches(key).into_iter().min() {
            return self.values[first].clone();
        }
        if is_fingerprinted(key) {
            IMMUTABLE.to_string()
        } else if compressible(content_type) {
            // Pages, feeds, sitemaps, citation exports and scripts without
            // a hash: they change under the same name.
            REVALIDATE.to_string()
        } else {
            MEDIA.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_of_what_quire_writes() {
        let table = [
            ("index.html", "text/html; charset=utf-8"),
            ("tr/analiz/index.html", "text/html; charset=utf-8"),
            ("rss.xml", "application/rss+xml; charset=utf-8"),
            ("ru/atom.xml", "application/atom+xml; charset=utf-8"),
            ("sitemap.xml", "application/xml; charset=utf-8"),
            ("feed.json", "application/feed+json; charset=utf-8"),
            ("a/cite.json", "application/json; charset=utf-8"),
            ("a/cite.bib", "application/x-bibtex; charset=utf-8"),
            (
                "a/cite.ris",
                "application/x-research-info-systems; charset=utf-8",
            ),
            ("assets/search.js", "text/javascript; charset=utf-8"),
            ("assets/quire.0b4c4fabe7.css", "text/css; charset=utf-8"),
            ("authors/x/x.svg", "image/svg+xml; charset=utf-8"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("_redirects", "text/plain; charset=utf-8"),
            ("search/en/s/f8147fdebf902dd7.json.gz", "application/gzip"),
            ("a/photo.JPG", "image/jpeg"),
            ("a/photo.png", "image/png"),
            ("a/photo.webp", "image/webp"),
            ("a/report.pdf", "application/pdf"),
            ("fonts/x.woff2", "font/woff2"),
            ("a/unknown.zzz", "application/octet-stream"),
        ];
        for (key, expected) in table {
            assert_eq!(content_type(key), expected, "{key}");
        }
    }

    #[test]
    fn fingerprints_are_recognised() {
        assert!(is_fingerprinted("assets/quire.0b4c4fabe7.css"));
        assert!(is_fingerprinted("search/en/x/f8147fdebf902dd7.json.gz"));
        assert!(!is_fingerprinted("assets/search.js"));
        assert!(!is_fingerprinted("analysis/decade-2020/index.html"));
        // Only the file name counts, and a slug with dashes is no hash.
        assert!(!is_fingerprinted("tags/deadbeefcafe/index.html"));
        assert!(!is_fingerprinted("notes/decade-facade.html"));
    }

    #[test]
    fn cache_rules_first_match_then_defaults() {
        let rules = vec![
            CacheRule {
                glob: "**/*.pdf".into(),
                value: "public, max-age=60".into(),
            },
            CacheRule {
                glob: "*.html".into(),
                value: "no-store".into(),
            },
        ];
        let policy = CachePolicy::new(&rules).unwrap();
        let cc = |k: &str| policy.cache_control(k, &content_type(k));
        assert_eq!(cc("a/b/report.pdf"), "public, max-age=60");
        assert_eq!(cc("index.html"), "no-store");
        // `*` does not cross `/`.
        assert_eq!(cc("a/index.html"), REVALIDATE);
        assert_eq!(cc("assets/quire.0b4c4fabe7.css"), IMMUTABLE);
        assert_eq!(cc("rss.xml"), REVALIDATE);
        assert_eq!(cc("a/photo.png"), MEDIA);
        let bad = CachePolicy::new(&[CacheRule {
            glob: "a/[".into(),
            value: "x".into(),
        }])
        .unwrap_err();
        assert!(bad.contains("a/["), "{bad}");
    }

    #[test]
    fn what_compresses() {
        assert!(compressible(&content_type("index.html")));
        assert!(compressible(&content_type("x.svg")));
        assert!(!compressible(&content_type("s/f8147fdebf902dd7.json.gz")));
        assert!(!compressible(&content_type("x.png")));
    }
}
