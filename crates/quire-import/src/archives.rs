//! Category translations and the old site's archive URLs.
//!
//! Owns: reading which categories translate each other (Polylang's
//! `term_translations` terms, whose description lists `language → term id`),
//! telling the old category and tag bases (`/category/`, `/topics/`, `/tag/`)
//! from the links the export holds, and the redirect page that sends an old
//! archive URL to its new listing.
//! Must not know: where pages are placed, or how files are written.

use std::collections::BTreeMap;

use crate::text::{escape_html, normal_path, percent_decode};

/// WordPress's own bases, used when the export shows no other.
pub(crate) const DEFAULT_CATEGORY_BASE: &str = "category";
/// See [`DEFAULT_CATEGORY_BASE`].
pub(crate) const DEFAULT_TAG_BASE: &str = "tag";

/// The `language → term id` pairs of a Polylang translation group, from the
/// PHP-serialised array in its description (`a:2:{s:2:"en";i:4;s:2:"fa";i:9;}`).
/// Anything else gives an empty list.
///
/// Hand-written rather than a PHP-unserialize crate: the only shape read is
/// one flat array of short string keys and integer values, and a general
/// reader of PHP objects is more than an import should run on foreign input.
pub(crate) fn polylang_term_group(description: &str) -> Vec<(String, u64)> {
    let Some(body) = description
        .trim()
        .strip_prefix("a:")
        .and_then(|r| r.split_once(":{"))
        .and_then(|(_, r)| r.strip_suffix('}'))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        // `s:<len>:"<key>";i:<id>;`
        let Some((key, after)) = php_string(rest) else {
            return Vec::new();
        };
        let Some((id, after)) = after
            .strip_prefix("i:")
            .and_then(|r| r.split_once(';'))
            .and_then(|(n, r)| Some((n.parse::<u64>().ok()?, r)))
        else {
            return Vec::new();
        };
        out.push((key.to_ascii_lowercase(), id));
        rest = after;
    }
    out
}

/// `s:2:"en";…` → (`en`, `…`).
fn php_string(text: &str) -> Option<(&str, &str)> {
    let (len, rest) = text.strip_prefix("s:")?.split_once(':')?;
    let len: usize = len.parse().ok()?;
    let rest = rest.strip_prefix('"')?;
    let key = rest.get(..len)?;
    let rest = rest.get(len..)?.strip_prefix("\";")?;
    Some((key, rest))
}

/// Which archive an old link points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Archive {
    /// A category archive (`/category/analysis/`).
    Category,
    /// A tag archive (`/tag/gas/`).
    Tag,
}

/// Counts, over the old site's links (in bodies and menus), the first path
/// segment in front of a known category or tag slug: WordPress keeps its
/// category and tag bases in its options, which exports leave out, so the
/// links are the only witness of a base other than `category` and `tag`.
#[derive(Debug, Default)]
pub(crate) struct BaseVotes {
    votes: BTreeMap<(Archive, String), usize>,
}

impl BaseVotes {
    /// Takes one old path (`/fa/topics/analysis/`, percent-encoded or not).
    /// `lang` says whether a segment is a language prefix; `is_slug` whether
    /// a segment is a known slug of the archive.
    pub fn observe(
        &mut self,
        path: &str,
        is_lang: impl Fn(&str) -> bool,
        is_slug: impl Fn(Archive, &str) -> bool,
    ) {
        let Some(normal) = normal_path(path) else {
            return;
        };
        let mut segments: Vec<&str> = normal.split('/').filter(|s| !s.is_empty()).collect();
        if segments.first().is_some_and(|s| is_lang(s)) {
            segments.remove(0);
        }
        // `/base/slug/` or `/base/parent/child/` (hierarchical categories),
        // and `/base/slug/page/2/`.
        if let [.., "page", n] = segments.as_slice()
            && n.bytes().all(|b| b.is_ascii_digit())
        {
            segments.truncate(segments.len() - 2);
        }
        let [base, slugs @ ..] = segments.as_slice() else {
            return;
        };
        if slugs.is_empty() || base.is_empty() {
            return;
        }
        for archive in [Archive::Category, Archive::Tag] {
            let all_known = slugs.iter().all(|s| is_slug(archive, s));
            let shape = archive == Archive::Category || slugs.len() == 1;
            if all_known && shape && !is_slug(archive, base) {
                *self
                    .votes
                    .entry((archive, (*base).to_string()))
                    .or_default() += 1;
            }
        }
    }

    /// The base most links use for `archive`, with the number of links, or
    /// `None` when no link shows one.
    pub fn base(&self, archive: Archive) -> Option<(String, usize)> {
        self.votes
            .iter()
            .filter(|((a, _), _)| *a == archive)
            .max_by_key(|((_, base), n)| (**n, std::cmp::Reverse((*base).clone())))
            .map(|((_, base), n)| (base.clone(), *n))
    }
}

/// The `href` values of the links in an HTML body, as written.
pub(crate) fn hrefs(html: &str) -> impl Iterator<Item = &str> {
    html.match_indices("href=").filter_map(move |(at, _)| {
        let rest = &html[at + "href=".len()..];
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let rest = &rest[1..];
        rest.split(quote).next()
    })
}

/// One old archive URL and the listing that replaces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ArchiveRedirect {
    /// The old path, percent-decoded (`/fa/category/تحلیل/`).
    pub from: String,
    /// The new site path (`/fa/analysis/`, `/tags/gas/`).
    pub to: String,
    /// The language of the listing.
    pub lang: String,
}

impl ArchiveRedirect {
    /// The file in `static/` that answers the old URL (`static/category/x/index.html`).
    pub fn static_file(&self) -> String {
        let dir = percent_decode(self.from.trim_matches('/'));
        format!("static/{dir}/index.html")
    }

    /// The redirect page: the same shape as the build's pages for aliases
    /// (a canonical link, `noindex` and an immediate refresh), pointing at
    /// `site_base` (the site's base path, `/blog` or empty) + the new path.
    pub fn page(&self, base_url: &str, site_base: &str) -> String {
        let target = format!("{site_base}{}", self.to);
        let canonical = format!("{}{}", base_url.trim_end_matches('/'), self.to);
        let (lang, target, canonical) = (
            escape_html(&self.lang),
            escape_html(&target),
            escape_html(&canonical),
        );
        format!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{canonical}</title>\n<link rel=\"canonical\" href=\"{canonical}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={target}\">\n</head>\n<body>\n<p><a href=\"{target}\">{canonical}</a></p>\n</body>\n</html>\n"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polylang_groups_are_read_and_junk_is_not() {
        assert_eq!(
            polylang_term_group(r#"a:2:{s:2:"en";i:4;s:2:"fa";i:9;}"#),
            vec![("en".to_string(), 4), ("fa".to_string(), 9)]
        );
        assert_eq!(
            polylang_term_group(r#"a:1:{s:5:"pt-BR";i:12;}"#),
            vec![("pt-br".to_string(), 12)]
        );
        assert!(polylang_term_group("a:1:{s:9:\"en\";i:4;}").is_empty());
        assert!(polylang_term_group("Energy news").is_empty());
        assert!(polylang_term_group(r#"a:1:{s:2:"en";s:1:"x";}"#).is_empty());
    }

    #[test]
    fn bases_come_from_links_to_known_slugs() {
        let mut votes = BaseVotes::default();
        let is_lang = |s: &str| s == "fa";
        let is_slug = |a: Archive, s: &str| match a {
            Archive::Category => ["analysis", "energy", "تحلیل"].contains(&s),
            Archive::Tag => s == "gas",
        };
        for path in [
            "/topics/analysis/",
            "/fa/topics/%d8%aa%d8%ad%d9%84%db%8c%d9%84/",
            "/topics/analysis/energy/page/2/",
            "/label/gas/",
            "/2024/05/analysis/",
            "/analysis/",
        ] {
            votes.observe(path, is_lang, is_slug);
        }
        assert_eq!(votes.base(Archive::Category), Some(("topics".into(), 3)));
        assert_eq!(votes.base(Archive::Tag), Some(("label".into(), 1)));
        assert_eq!(BaseVotes::default().base(Archive::Tag), None);
    }

    #[test]
    fn hrefs_in_either_quote() {
        let html = r#"<a href="/a/">x</a> <a class=y href='/b/'>z</a> href=bare"#;
        assert_eq!(hrefs(html).collect::<Vec<_>>(), vec!["/a/", "/b/"]);
    }

    #[test]
    fn redirect_pages_point_at_the_new_listing() {
        let r = ArchiveRedirect {
            from: "/fa/category/تحلیل/".into(),
            to: "/fa/analysis/".into(),
            lang: "fa".into(),
        };
        assert_eq!(r.static_file(), "static/fa/category/تحلیل/index.html");
        let page = r.page("https://e.org/blog", "/blog");
        assert!(page.contains("<link rel=\"canonical\" href=\"https://e.org/blog/fa/analysis/\">"));
        assert!(page.contains("content=\"0; url=/blog/fa/analysis/\""));
        assert!(page.contains("<html lang=\"fa\">"));
    }
}
