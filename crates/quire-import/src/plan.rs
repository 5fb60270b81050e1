//! The first pass: export metadata → where every page, author and section goes.
//!
//! Owns: choosing languages, translation groups (Polylang terms, WPML
//! Export and Import meta), bundles and file names, sections, author ids,
//! aliases, and which items are skipped and why. Item bodies are never held
//! here, so memory grows with the number of items, not with the file size.
//! Must not know: HTML, Markdown, or how files are written.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use quire_core::slugify;

use crate::ImportOptions;
use crate::body::decode_entities;
use crate::report::{ImportReport, ReportItem};
use crate::wxr::{Record, WxrAuthor, WxrItem};

/// Taxonomies that WordPress or its plugins use internally; never carried as quire taxonomies.
const INTERNAL_TAXONOMIES: [&str; 8] = [
    "category",
    "post_tag",
    "language",
    "post_translations",
    "term_language",
    "term_translations",
    "author",
    "post_format",
];

/// Native names of common languages, for exports (WPML) that carry only codes.
const LANGUAGE_NAMES: [(&str, &str); 16] = [
    ("ar", "العربية"),
    ("az", "Azərbaycan dili"),
    ("de", "Deutsch"),
    ("en", "English"),
    ("es", "Español"),
    ("fa", "فارسی"),
    ("fr", "Français"),
    ("it", "Italiano"),
    ("ka", "ქართული"),
    ("kk", "Қазақ тілі"),
    ("pt", "Português"),
    ("ru", "Русский"),
    ("tr", "Türkçe"),
    ("uk", "Українська"),
    ("uz", "Oʻzbekcha"),
    ("zh", "中文"),
];

/// What the first pass keeps of a post or page (no body).
#[derive(Debug, Clone)]
pub(crate) struct ItemMeta {
    pub id: u64,
    pub post_type: String,
    pub status: String,
    pub title: String,
    pub slug: String,
    pub link: String,
    pub date: String,
    pub date_gmt: String,
    pub modified_gmt: String,
    pub creator: String,
    pub lang: Option<String>,
    pub group: Option<String>,
    /// (slug, name, term id if known) in export order.
    pub categories: Vec<(String, String)>,
    pub primary_category: Option<u64>,
    pub tags: Vec<String>,
    pub custom_terms: Vec<(String, String)>,
    pub coauthors: Vec<String>,
    pub thumbnail: Option<u64>,
}

/// A Co-Authors Plus guest author (post type `guest-author`).
#[derive(Debug, Clone, Default)]
struct GuestAuthor {
    login: String,
    display_name: String,
    bio: BTreeMap<String, String>,
    website: Option<String>,
    thumbnail: Option<u64>,
}

/// One author file to write.
#[derive(Debug, Clone, Default)]
pub(crate) struct AuthorOut {
    pub name: String,
    pub photo: Option<String>,
    /// Raw (HTML) bio per language code.
    pub bio: BTreeMap<String, String>,
    pub links: BTreeMap<String, String>,
}

/// Where one post or page goes and what its front matter carries (besides
/// what the body gives).
#[derive(Debug, Clone)]
pub(crate) struct DocPlan {
    pub file: PathBuf,
    pub bundle: PathBuf,
    pub title: String,
    pub date: toml::value::Datetime,
    pub updated: Option<toml::value::Datetime>,
    pub slug: Option<String>,
    pub translation_key: Option<String>,
    pub authors: Vec<String>,
    pub taxonomies: BTreeMap<String, Vec<String>>,
    pub aliases: Vec<String>,
    pub draft: bool,
    pub featured: Option<String>,
    pub other_categories: Vec<String>,
}

/// The whole plan: everything the second pass needs.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    pub title: String,
    pub base_url: String,
    pub default_language: String,
    pub languages: BTreeMap<String, String>,
    pub taxonomies: BTreeSet<String>,
    pub authors: BTreeMap<String, AuthorOut>,
    /// section id → language → title.
    pub sections: BTreeMap<String, BTreeMap<String, String>>,
    pub docs: HashMap<u64, DocPlan>,
    pub attachments: HashMap<u64, String>,
    pub report: ImportReport,
}

/// Collects records during the first pass.
#[derive(Default)]
pub(crate) struct Collector {
    site: HashMap<&'static str, String>,
    wp_authors: Vec<WxrAuthor>,
    guests: Vec<GuestAuthor>,
    language_terms: BTreeMap<String, String>,
    category_ids: HashMap<u64, (String, String)>,
    items: Vec<ItemMeta>,
    attachments: HashMap<u64, String>,
    skipped: Vec<ReportItem>,
    comments: usize,
    other_types: BTreeMap<String, usize>,
}

impl Collector {
    /// Takes one record of the export.
    pub fn add(&mut self, record: Record, drafts: bool) {
        match record {
            Record::Site(field, value) => {
                self.site.entry(field).or_insert(value);
            }
            Record::Author(a) => self.wp_authors.push(a),
            Record::Term(t) => match t.taxonomy.as_str() {
                "language" => {
                    self.language_terms.insert(t.slug, t.name);
                }
                "category" => {
                    self.category_ids
                        .insert(t.id, (percent_decode(&t.slug), decode_entities(&t.name)));
                }
                _ => {}
            },
            Record::Item(item) => self.add_item(*item, drafts),
        }
    }

    fn add_item(&mut self, item: WxrItem, drafts: bool) {
        self.comments += item.comments;
        let skip = |reason: &str| ReportItem {
            wordpress_id: item.id,
            title: decode_entities(&item.title),
            path: None,
            reason: reason.to_string(),
        };
        match item.post_type.as_str() {
            "attachment" => {
                if !item.attachment_url.is_empty() {
                    self.attachments.insert(item.id, item.attachment_url);
                }
                return;
            }
            "guest-author" => {
                self.guests.push(guest_author(&item));
                return;
            }
            "post" | "page" => {}
            other => {
                *self.other_types.entry(other.to_string()).or_default() += 1;
                return;
            }
        }
        match item.status.as_str() {
            "publish" => {}
            "draft" | "pending" | "future" if drafts => {}
            "draft" | "pending" | "future" => {
                self.skipped.push(skip(&format!(
                    "status `{}` (use --drafts to import)",
                    item.status
                )));
                return;
            }
            other => {
                self.skipped.push(skip(&format!("status `{other}`")));
                return;
            }
        }
        let mut meta = ItemMeta {
            id: item.id,
            post_type: item.post_type.clone(),
            status: item.status.clone(),
            title: decode_entities(&item.title),
            slug: percent_decode(&item.slug),
            link: item.link.clone(),
            date: item.date.clone(),
            date_gmt: item.date_gmt.clone(),
            modified_gmt: item.modified_gmt.clone(),
            creator: item.creator.clone(),
            lang: item.meta("_wpml_import_language_code").map(str::to_string),
            group: item
                .meta("_wpml_import_translation_group")
                .filter(|g| !g.trim().is_empty())
                .map(|g| format!("wpml-{}", g.trim())),
            categories: Vec::new(),
            primary_category: item
                .meta("_yoast_wpseo_primary_category")
                .and_then(|v| v.trim().parse().ok()),
            tags: Vec::new(),
            custom_terms: Vec::new(),
            coauthors: Vec::new(),
            thumbnail: item
                .meta("_thumbnail_id")
                .and_then(|v| v.trim().parse().ok()),
        };
        for term in &item.terms {
            let name = decode_entities(&term.name);
            match term.domain.as_str() {
                "category" => meta.categories.push((percent_decode(&term.nicename), name)),
                "post_tag" => meta.tags.push(name),
                "language" => meta.lang = Some(term.nicename.clone()),
                "post_translations" => meta.group = Some(term.nicename.clone()),
                "author" => meta.coauthors.push(term.name.clone()),
                d if INTERNAL_TAXONOMIES.contains(&d) => {}
                d => meta.custom_terms.push((d.to_string(), name)),
            }
        }
        self.items.push(meta);
    }

    /// Decides where everything goes.
    pub fn finish(self, options: &ImportOptions) -> Plan {
        let mut plan = Plan {
            title: self.site.get("title").cloned().unwrap_or_default(),
            base_url: self
                .site
                .get("link")
                .or(self.site.get("base_site_url"))
                .cloned()
                .unwrap_or_else(|| "https://example.org".into())
                .trim_end_matches('/')
                .to_string(),
            attachments: self.attachments.clone(),
            ..Plan::default()
        };
        plan.report.skipped = self.skipped.clone();
        plan.report.comments = self.comments;
        plan.report.other_post_types = self.other_types.clone();

        // Languages: every code an item carries, named by Polylang's term
        // or the built-in table.
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for item in &self.items {
            if let Some(lang) = &item.lang {
                *counts.entry(lang.clone()).or_default() += 1;
            }
        }
        let channel_lang = self
            .site
            .get("language")
            .map(|l| {
                l.split(['-', '_'])
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase()
            })
            .filter(|l| !l.is_empty());
        let default = options
            .default_language
            .clone()
            .or_else(|| channel_lang.filter(|l| counts.is_empty() || counts.contains_key(l)))
            .or_else(|| {
                counts
                    .iter()
                    .max_by_key(|(code, n)| (**n, std::cmp::Reverse((*code).clone())))
                    .map(|(c, _)| c.clone())
            })
            .unwrap_or_else(|| "en".into());
        counts.entry(default.clone()).or_default();
        for code in counts.keys() {
            let name = self
                .language_terms
                .get(code)
                .cloned()
                .or_else(|| {
                    LANGUAGE_NAMES
                        .iter()
                        .find(|(c, _)| c == code)
                        .map(|(_, n)| n.to_string())
                })
                .unwrap_or_else(|| code.clone());
            plan.languages.insert(code.clone(), name);
        }
        plan.default_language = default.clone();

        // Authors: WordPress users and guest authors, by login.
        let mut by_login: HashMap<String, AuthorOut> = HashMap::new();
        for a in &self.wp_authors {
            let name = if a.display_name.is_empty() {
                format!("{} {}", a.first_name, a.last_name)
                    .trim()
                    .to_string()
            } else {
                decode_entities(&a.display_name)
            };
            let name = if name.is_empty() {
                a.login.clone()
            } else {
                name
            };
            by_login.insert(
                a.login.clone(),
                AuthorOut {
                    name,
                    ..AuthorOut::default()
                },
            );
        }
        for g in &self.guests {
            let mut bio = BTreeMap::new();
            for (lang, text) in &g.bio {
                let lang = if lang.is_empty() { &default } else { lang };
                bio.insert(lang.clone(), text.clone());
            }
            let mut links = BTreeMap::new();
            if let Some(w) = &g.website {
                links.insert("website".to_string(), w.clone());
            }
            let photo = g
                .thumbnail
                .and_then(|id| plan.attachments.get(&id).cloned());
            by_login.insert(
                g.login.clone(),
                AuthorOut {
                    name: g.display_name.clone(),
                    photo,
                    bio,
                    links,
                },
            );
        }
        let mut author_ids: HashMap<String, String> = HashMap::new();
        let mut used_ids: BTreeSet<String> = BTreeSet::new();
        let mut logins: Vec<&String> = by_login.keys().collect();
        logins.sort();
        for login in logins {
            let base = match slugify(&by_login[login].name) {
                s if s.is_empty() => slugify(login),
                s => s,
            };
            let base = if base.is_empty() {
                "author".to_string()
            } else {
                base
            };
            let id = unique(&base, &used_ids);
            used_ids.insert(id.clone());
            author_ids.insert(login.clone(), id);
        }

        // Translation groups.
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, item) in self.items.iter().enumerate() {
            let key = item
                .group
                .clone()
                .unwrap_or_else(|| format!("single-{}", item.id));
            groups.entry(key).or_default().push(i);
        }
        let lang_of = |item: &ItemMeta| item.lang.clone().unwrap_or_else(|| default.clone());
        let mut used_bundles: BTreeSet<PathBuf> = BTreeSet::new();
        // Sort groups by their first item's id so suffixes are stable.
        let mut group_list: Vec<(String, Vec<usize>)> = groups.into_iter().collect();
        group_list.sort_by_key(|(_, members)| members.iter().map(|&i| self.items[i].id).min());
        let mut placements: Vec<(Vec<usize>, Option<String>)> = Vec::new();
        for (key, mut members) in group_list {
            members.sort_by_key(|&i| {
                let it = &self.items[i];
                (lang_of(it) != default, lang_of(it), it.id)
            });
            let primary_type = self.items[members[0]].post_type.clone();
            let mut bundle_members = Vec::new();
            let mut apart = Vec::new();
            let mut seen_langs = BTreeSet::new();
            for &i in &members {
                let it = &self.items[i];
                if it.post_type != primary_type {
                    // A post translated as a page (or back) cannot share a
                    // bundle; it lives apart, linked by translation_key.
                    apart.push((vec![i], Some(key.clone())));
                } else if !seen_langs.insert(lang_of(it)) {
                    plan.report.altered.push(ReportItem {
                        wordpress_id: it.id,
                        title: it.title.clone(),
                        path: None,
                        reason: format!(
                            "a second {} version in translation group {key}; imported as a separate page",
                            lang_of(it)
                        ),
                    });
                    apart.push((vec![i], None));
                } else {
                    bundle_members.push(i);
                }
            }
            let linked_apart = apart.iter().any(|(_, k)| k.is_some());
            placements.push((bundle_members, linked_apart.then_some(key)));
            placements.extend(apart);
        }
        for (members, translation_key) in placements {
            if members.is_empty() {
                continue;
            }
            let primary = &self.items[members[0]];
            let (kind, parent) = if primary.post_type == "page" {
                ("page", PathBuf::from("content"))
            } else {
                let section = self.section_of(primary, options);
                let entry = plan.sections.entry(section.clone()).or_default();
                for &i in &members {
                    let it = &self.items[i];
                    if let Some((_, name)) = self.primary_category(it) {
                        entry.entry(lang_of(it)).or_insert(name);
                    }
                }
                if entry.is_empty() {
                    entry.insert(default.clone(), title_case(&section));
                }
                ("post", PathBuf::from("content").join(section))
            };
            let mut base = match slugify(&primary.slug) {
                s if s.is_empty() => slugify(&primary.title),
                s => s,
            };
            if base.is_empty() {
                base = format!("{kind}-{}", primary.id);
            }
            let mut name = base.clone();
            let mut n = 1;
            while used_bundles.contains(&parent.join(&name))
                || (kind == "page" && plan.sections.contains_key(&name))
            {
                n += 1;
                name = format!("{base}-{n}");
            }
            if name != base {
                plan.report.altered.push(ReportItem {
                    wordpress_id: primary.id,
                    title: primary.title.clone(),
                    path: None,
                    reason: format!("slug `{base}` already taken; bundle named `{name}`"),
                });
            }
            let bundle = parent.join(&name);
            used_bundles.insert(bundle.clone());
            for &i in &members {
                let it = &self.items[i];
                let lang = lang_of(it);
                let file = if lang == default {
                    bundle.join("index.md")
                } else {
                    bundle.join(format!("index.{lang}.md"))
                };
                let own_slug = match slugify(&it.slug) {
                    s if s.is_empty() => slugify(&it.title),
                    s => s,
                };
                let slug = (!own_slug.is_empty() && own_slug != name).then_some(own_slug);
                let url_slug = slug.clone().unwrap_or_else(|| name.clone());
                let mut url = String::from("/");
                if lang != default {
                    url.push_str(&format!("{lang}/"));
                }
                if let Ok(section) = bundle.strip_prefix("content")
                    && let Some(parent) = section.parent().filter(|p| !p.as_os_str().is_empty())
                {
                    url.push_str(&format!("{}/", parent.display()));
                }
                url.push_str(&format!("{url_slug}/"));
                let mut aliases = Vec::new();
                // An alias equal to the page's own URL would overwrite it.
                if let Some(path) = url_path(&it.link)
                    && path != url
                    && path != "/"
                {
                    aliases.push(path);
                }
                aliases.push(format!("/?p={}", it.id));
                if let Some(doc) = self.doc_plan(
                    it,
                    DocPlace {
                        file,
                        bundle: bundle.clone(),
                        slug,
                        translation_key: translation_key.clone(),
                        aliases,
                    },
                    &author_ids,
                    &mut plan,
                ) {
                    for (tax, values) in &doc.taxonomies {
                        if !values.is_empty() {
                            plan.taxonomies.insert(tax.clone());
                        }
                    }
                    *plan
                        .report
                        .counts
                        .entry((kind.to_string(), lang.clone()))
                        .or_default() += 1;
                    plan.docs.insert(it.id, doc);
                }
            }
        }

        // Only authors someone wrote for are written.
        let referenced: BTreeSet<String> =
            plan.docs.values().flat_map(|d| d.authors.clone()).collect();
        for (login, author) in by_login {
            if let Some(id) = author_ids.get(&login)
                && referenced.contains(id)
            {
                plan.authors.insert(id.clone(), author);
            }
        }
        plan.taxonomies.insert("tags".into());
        plan
    }

    fn primary_category(&self, item: &ItemMeta) -> Option<(String, String)> {
        if let Some(id) = item.primary_category
            && let Some((slug, name)) = self.category_ids.get(&id)
            && item.categories.iter().any(|(s, _)| s == slug)
        {
            return Some((slug.clone(), name.clone()));
        }
        item.categories
            .iter()
            .find(|(slug, _)| slug != "uncategorized")
            .cloned()
    }

    fn section_of(&self, item: &ItemMeta, options: &ImportOptions) -> String {
        match self.primary_category(item) {
            Some((slug, _)) => {
                options
                    .section_map
                    .get(&slug)
                    .cloned()
                    .unwrap_or_else(|| match slugify(&slug) {
                        s if s.is_empty() => options.default_section.clone(),
                        s => s,
                    })
            }
            None => options.default_section.clone(),
        }
    }

    fn doc_plan(
        &self,
        it: &ItemMeta,
        place: DocPlace,
        author_ids: &HashMap<String, String>,
        plan: &mut Plan,
    ) -> Option<DocPlan> {
        let Some(date) = wp_date(&it.date_gmt).or_else(|| wp_local_date(&it.date)) else {
            plan.report.skipped.push(ReportItem {
                wordpress_id: it.id,
                title: it.title.clone(),
                path: None,
                reason: format!("no readable date (`{}`)", it.date),
            });
            return None;
        };
        let updated = wp_date(&it.modified_gmt).filter(|u| {
            // Only a change on a later day counts as an update; WordPress
            // bumps the modified time on every save.
            u.date.zip(date.date).is_some_and(|(u, d)| u > d)
        });
        let mut authors = Vec::new();
        let logins: Vec<&String> = if it.coauthors.is_empty() {
            vec![&it.creator]
        } else {
            it.coauthors.iter().collect()
        };
        for login in logins {
            match author_ids.get(login) {
                Some(id) if !authors.contains(id) => authors.push(id.clone()),
                Some(_) => {}
                None if login.is_empty() => {}
                None => plan.report.altered.push(ReportItem {
                    wordpress_id: it.id,
                    title: it.title.clone(),
                    path: Some(place.file.display().to_string()),
                    reason: format!("author `{login}` is not in the export; left out"),
                }),
            }
        }
        let mut taxonomies: BTreeMap<String, Vec<String>> = BTreeMap::new();
        taxonomies.insert("tags".into(), it.tags.clone());
        for (domain, name) in &it.custom_terms {
            let key = taxonomy_key(domain);
            taxonomies.entry(key).or_default().push(name.clone());
        }
        let primary = self.primary_category(it).map(|(s, _)| s);
        let other_categories = it
            .categories
            .iter()
            .filter(|(slug, _)| Some(slug) != primary.as_ref() && slug != "uncategorized")
            .map(|(_, name)| name.clone())
            .collect();
        Some(DocPlan {
            file: place.file,
            bundle: place.bundle,
            title: it.title.clone(),
            date,
            updated,
            slug: place.slug,
            translation_key: place.translation_key,
            authors,
            taxonomies,
            aliases: place.aliases,
            draft: it.status != "publish",
            featured: it
                .thumbnail
                .and_then(|id| plan.attachments.get(&id).cloned()),
            other_categories,
        })
    }
}

/// Where one version goes, decided by the group placement.
struct DocPlace {
    file: PathBuf,
    bundle: PathBuf,
    slug: Option<String>,
    translation_key: Option<String>,
    aliases: Vec<String>,
}

fn guest_author(item: &WxrItem) -> GuestAuthor {
    let mut g = GuestAuthor {
        login: item
            .meta("cap-user_login")
            .unwrap_or(&item.slug)
            .to_string(),
        display_name: decode_entities(item.meta("cap-display_name").unwrap_or(&item.title)),
        website: item
            .meta("cap-website")
            .filter(|w| !w.trim().is_empty())
            .map(str::to_string),
        thumbnail: item
            .meta("_thumbnail_id")
            .and_then(|v| v.trim().parse().ok()),
        ..GuestAuthor::default()
    };
    for (key, value) in &item.meta {
        if value.trim().is_empty() {
            continue;
        }
        if key == "cap-description" {
            g.bio.insert(String::new(), value.clone());
        } else if let Some(lang) = key.strip_prefix("cap-description_") {
            g.bio.insert(lang.to_ascii_lowercase(), value.clone());
        }
    }
    g
}

/// A custom taxonomy's front matter key: lower-case ASCII with `_`.
pub(crate) fn taxonomy_key(domain: &str) -> String {
    slugify(domain).replace('-', "_")
}

fn unique(base: &str, used: &BTreeSet<String>) -> String {
    let mut id = base.to_string();
    let mut n = 1;
    while used.contains(&id) {
        n += 1;
        id = format!("{base}-{n}");
    }
    id
}

fn title_case(slug: &str) -> String {
    let mut chars = slug.chars();
    match chars.next() {
        Some(c) => c
            .to_uppercase()
            .chain(chars)
            .collect::<String>()
            .replace('-', " "),
        None => String::new(),
    }
}

/// `https://example.org/tr/2019/05/x/?a=1` → `/tr/2019/05/x/?a=1`.
pub(crate) fn url_path(link: &str) -> Option<String> {
    let rest = link.split_once("://").map_or(link, |(_, r)| r);
    let path = &rest[rest.find('/')?..];
    Some(percent_decode(path))
}

/// WordPress stores non-ASCII slugs percent-encoded (`%d1%80…`).
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).and_then(|b| (*b as char).to_digit(16)),
                bytes.get(i + 2).and_then(|b| (*b as char).to_digit(16)),
            )
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `2019-05-14 09:30:00` (GMT) → an offset datetime; `0000-…` → None.
fn wp_date(text: &str) -> Option<toml::value::Datetime> {
    if text.is_empty() || text.starts_with("0000") {
        return None;
    }
    format!("{}Z", text.trim().replacen(' ', "T", 1))
        .parse()
        .ok()
}

/// The site-local date, for drafts that have no GMT date yet.
fn wp_local_date(text: &str) -> Option<toml::value::Datetime> {
    if text.is_empty() || text.starts_with("0000") {
        return None;
    }
    text.trim().replacen(' ', "T", 1).parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_slugs_and_urls() {
        assert_eq!(percent_decode("%d1%80%d1%83"), "ру");
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(
            url_path("https://example.org/tr/2019/05/t%c3%bcrk/").as_deref(),
            Some("/tr/2019/05/türk/")
        );
        assert_eq!(url_path("https://example.org"), None);
    }

    #[test]
    fn dates() {
        assert_eq!(
            wp_date("2019-05-14 09:30:00")
                .map(|d| d.to_string())
                .as_deref(),
            Some("2019-05-14T09:30:00Z")
        );
        assert!(wp_date("0000-00-00 00:00:00").is_none());
        assert_eq!(
            wp_local_date("2019-05-14 09:30:00")
                .map(|d| d.to_string())
                .as_deref(),
            Some("2019-05-14T09:30:00")
        );
    }
}
