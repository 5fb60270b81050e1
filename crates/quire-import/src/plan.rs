//! The first pass: export metadata → where every page, author and section goes.
//!
//! Owns: choosing languages, translation groups (Polylang terms, WPML
//! Export and Import meta, URL prefixes on request), bundles, slugs and URLs
//! that the build accepts (unique, not quire's own paths, not case-only
//! twins), sections (translated categories are one, titled per language)
//! and the hierarchical `categories` taxonomy, author ids, aliases and the
//! old archive URLs' redirects, the map from old links to imported pages,
//! and which items are skipped and why. Item bodies are never held here
//! (only searched for links to the old site's archives), so memory grows
//! with the number of items, not with the file size.
//! Must not know: HTML, Markdown, or how files are written.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

use quire_core::slugify;

use crate::ImportOptions;
use crate::archives::{
    Archive, ArchiveRedirect, BaseVotes, DEFAULT_CATEGORY_BASE, DEFAULT_TAG_BASE,
    polylang_term_group,
};
use crate::existing::ExistingSite;
use crate::report::{ImportReport, ReportItem, kind};
use crate::text::{
    alias_path, decode_entities, normal_path, percent_decode, plain_line, url_segment,
};
use crate::wxr::{Record, WxrAuthor, WxrItem, WxrTerm};

/// Taxonomies that WordPress or its plugins use internally; never carried
/// as quire taxonomies. Categories and tags are carried by their own rules.
const INTERNAL_TAXONOMIES: [&str; 21] = [
    "category",
    "post_tag",
    "language",
    "post_translations",
    "term_language",
    "term_translations",
    "translation_priority",
    "author",
    "post_format",
    "nav_menu",
    "link_category",
    "wp_theme",
    "wp_template_part_area",
    "wp_pattern_category",
    "wpml_language",
    "wpml_translation_group",
    "elementor_library_type",
    "elementor_library_category",
    "product_type",
    "product_visibility",
    "product_shipping_class",
];

/// Built-in paths at the root of every language (besides taxonomies and
/// language prefixes): no section, page or alias may take them.
const RESERVED_ROOTS: [&str; 14] = [
    "authors",
    "search",
    "assets",
    "static",
    "tags-index",
    "404.html",
    "atom.xml",
    "rss.xml",
    "feed.json",
    "sitemap.xml",
    "robots.txt",
    "_redirects",
    "index.html",
    "card.png",
];

/// Native names of common languages, for exports (WPML) that carry only
/// codes, and the codes `--language-from-url` accepts as URL prefixes.
const LANGUAGE_NAMES: [(&str, &str); 44] = [
    ("am", "አማርኛ"),
    ("ar", "العربية"),
    ("az", "Azərbaycan dili"),
    ("be", "Беларуская"),
    ("bg", "Български"),
    ("bs", "Bosanski"),
    ("cs", "Čeština"),
    ("da", "Dansk"),
    ("de", "Deutsch"),
    ("el", "Ελληνικά"),
    ("en", "English"),
    ("es", "Español"),
    ("et", "Eesti"),
    ("fa", "فارسی"),
    ("fi", "Suomi"),
    ("fr", "Français"),
    ("he", "עברית"),
    ("hi", "हिन्दी"),
    ("hr", "Hrvatski"),
    ("hu", "Magyar"),
    ("hy", "Հայերեն"),
    ("id", "Bahasa Indonesia"),
    ("it", "Italiano"),
    ("ja", "日本語"),
    ("ka", "ქართული"),
    ("kk", "Қазақ тілі"),
    ("ko", "한국어"),
    ("ky", "Кыргызча"),
    ("lt", "Lietuvių"),
    ("lv", "Latviešu"),
    ("nl", "Nederlands"),
    ("pl", "Polski"),
    ("ps", "پښتو"),
    ("pt", "Português"),
    ("ro", "Română"),
    ("ru", "Русский"),
    ("sq", "Shqip"),
    ("sr", "Српски"),
    ("tg", "Тоҷикӣ"),
    ("tk", "Türkmençe"),
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
    pub title: String,
    /// The title as stored, when it held markup or was empty.
    pub title_note: Option<String>,
    pub slug: String,
    pub link: String,
    pub date: String,
    pub date_gmt: String,
    pub modified: String,
    pub modified_gmt: String,
    pub creator: String,
    pub lang: Option<String>,
    pub lang_guess: Option<String>,
    pub group: Option<String>,
    /// Category slugs, in export order.
    pub categories: Vec<String>,
    pub primary_category: Option<u64>,
    /// Tags as (slug, name), in export order.
    pub tags: Vec<(String, String)>,
    pub custom_terms: Vec<(String, String)>,
    pub coauthors: Vec<String>,
    pub thumbnail: Option<u64>,
    pub parent: u64,
    pub menu_order: i64,
    pub draft: bool,
}

/// A media item (post type `attachment`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Attachment {
    pub url: String,
    pub parent: u64,
    pub link: String,
    pub alt: String,
    pub menu_order: i64,
}

impl Attachment {
    fn is(&self, exts: &[&str]) -> bool {
        let path = self.url.split(['?', '#']).next().unwrap_or("");
        path.rsplit_once('.')
            .is_some_and(|(_, ext)| exts.contains(&ext.to_ascii_lowercase().as_str()))
    }

    /// An image WordPress would show in a gallery.
    pub fn is_image(&self) -> bool {
        self.is(&[
            "jpg", "jpeg", "png", "gif", "webp", "avif", "svg", "bmp", "tif", "tiff",
        ])
    }

    /// An audio file (`[audio]`, `[playlist]`).
    pub fn is_audio(&self) -> bool {
        self.is(&["mp3", "m4a", "ogg", "oga", "wav", "wma", "flac", "aac"])
    }

    /// A video file (`[video]`).
    pub fn is_video(&self) -> bool {
        self.is(&["mp4", "m4v", "webm", "ogv", "wmv", "flv", "mov"])
    }
}

/// A category term.
#[derive(Debug, Clone, Default)]
struct Category {
    id: u64,
    name: String,
    parent: String,
    /// Its language, when the export says (Polylang term translations,
    /// WPML Export and Import term meta).
    lang: Option<String>,
    /// Its translation group: the categories that translate each other.
    group: Option<String>,
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
    pub featured: Option<u64>,
    pub weight: Option<i64>,
}

/// Where an old link leads once imported.
#[derive(Debug, Clone)]
pub(crate) struct LinkTarget {
    /// The `@/` path of the content file (`classic/x/index.md`).
    pub source: String,
    /// The site path (`/classic/x/`), for links inside raw HTML.
    pub path: String,
    /// Drafts are left out of a normal build: links to them stay old links.
    pub draft: bool,
}

/// Old links → imported pages and attachments.
#[derive(Debug, Default)]
pub(crate) struct LinkMap {
    /// Lower-case host names of the old site.
    pub hosts: Vec<String>,
    /// The old site's base path (`/blog`), removed before looking up a path.
    pub base_path: String,
    /// Normalised old path → WordPress id (a post, page or attachment).
    pub by_path: HashMap<String, u64>,
    /// Imported posts and pages by id.
    pub targets: HashMap<u64, LinkTarget>,
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
    pub attachments: HashMap<u64, Attachment>,
    /// Post id → its attachments, in WordPress's gallery order.
    pub attached: HashMap<u64, Vec<u64>>,
    pub links: LinkMap,
    /// Old category and tag archive URLs and their new listings.
    pub archive_redirects: Vec<ArchiveRedirect>,
    pub report: ImportReport,
}

/// Collects records during the first pass.
#[derive(Default)]
pub(crate) struct Collector {
    site: HashMap<&'static str, String>,
    wp_authors: Vec<WxrAuthor>,
    guests: Vec<GuestAuthor>,
    language_terms: BTreeMap<String, String>,
    categories: BTreeMap<String, Category>,
    category_ids: HashMap<u64, String>,
    items: Vec<ItemMeta>,
    attachments: HashMap<u64, Attachment>,
    skipped: Vec<ReportItem>,
    comments: usize,
    other_types: BTreeMap<String, usize>,
    /// Traces of WPML (its taxonomies or meta), for the missing-language notice.
    wpml_traces: bool,
    /// Polylang's category translation groups: group → (language, term id).
    term_groups: Vec<(String, Vec<(String, u64)>)>,
    /// Tag slug → name.
    tags: BTreeMap<String, String>,
    /// Category and tag bases seen in the old site's links.
    bases: BaseVotes,
}

impl Collector {
    /// Takes one record of the export.
    pub fn add(&mut self, record: Record, drafts: bool) {
        match record {
            Record::Site(field, value) => {
                self.site.entry(field).or_insert(value);
            }
            Record::Author(a) => self.wp_authors.push(a),
            Record::Term(t) => self.add_term(t),
            Record::Item(item) => self.add_item(*item, drafts),
        }
    }

    fn add_term(&mut self, t: WxrTerm) {
        match t.taxonomy.as_str() {
            "language" => {
                self.language_terms.insert(t.slug, t.name);
            }
            "category" => {
                let slug = percent_decode(&t.slug);
                self.category_ids.insert(t.id, slug.clone());
                self.categories.insert(
                    slug,
                    Category {
                        id: t.id,
                        name: plain_line(&t.name),
                        parent: percent_decode(&t.parent),
                        // WPML Export and Import writes a term's language
                        // and group as term meta, as it does for posts.
                        lang: t
                            .meta("_wpml_import_language_code")
                            .map(|l| l.trim().to_ascii_lowercase())
                            .filter(|l| !l.is_empty()),
                        group: t
                            .meta("_wpml_import_translation_group")
                            .map(str::trim)
                            .filter(|g| !g.is_empty())
                            .map(|g| format!("wpml-{g}")),
                    },
                );
            }
            "post_tag" => {
                self.tags
                    .insert(percent_decode(&t.slug), plain_line(&t.name));
            }
            "term_translations" => {
                let members = polylang_term_group(&t.description);
                if !members.is_empty() {
                    self.term_groups.push((t.slug, members));
                }
            }
            "translation_priority" => self.wpml_traces = true,
            _ => {}
        }
    }

    fn add_item(&mut self, item: WxrItem, drafts: bool) {
        self.comments += item.comments;
        self.observe_links(&item);
        self.wpml_traces |= item
            .meta
            .iter()
            .any(|(k, _)| k.starts_with("_wpml") || k.starts_with("wpml_"))
            || item
                .terms
                .iter()
                .any(|t| t.domain == "translation_priority");
        match item.post_type.as_str() {
            "attachment" => {
                if !item.attachment_url.is_empty() {
                    self.attachments.insert(item.id, attachment(&item));
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
        let title = plain_line(&item.title);
        let protected = !item.password.trim().is_empty();
        let Some(draft) = self.publication(&item, &title, protected, drafts) else {
            return;
        };
        let mut meta = item_meta(&item, title, draft);
        self.add_item_terms(&item, &mut meta);
        if drafts && draft {
            let why = if protected {
                "password-protected".to_string()
            } else {
                format!("status `{}`", item.status)
            };
            self.drafts_note(&meta, &why);
        }
        self.items.push(meta);
    }

    /// Whether a post or page is imported as published (`Some(false)`),
    /// as a draft (`Some(true)`, with `drafts`), or skipped (`None`,
    /// reported): WordPress publishes only `publish` without a password.
    fn publication(
        &mut self,
        item: &WxrItem,
        title: &str,
        protected: bool,
        drafts: bool,
    ) -> Option<bool> {
        let skip = |kind: &str, reason: String| ReportItem {
            wordpress_id: item.id,
            title: title.to_string(),
            path: None,
            kind: kind.to_string(),
            reason,
        };
        let draft = match item.status.as_str() {
            "publish" if !protected => false,
            "trash" | "auto-draft" | "inherit" => {
                self.skipped.push(skip(
                    kind::NOT_PUBLISHED,
                    format!("status `{}`; not imported", item.status),
                ));
                return None;
            }
            status if !drafts => {
                let (k, reason) = if protected {
                    (
                        kind::PASSWORD,
                        "password-protected; not published (use --drafts to import it as a draft)"
                            .to_string(),
                    )
                } else {
                    (
                        kind::NOT_PUBLISHED,
                        format!("status `{status}` (use --drafts to import it as a draft)"),
                    )
                };
                self.skipped.push(skip(k, reason));
                return None;
            }
            _ => true,
        };
        Some(draft)
    }

    /// Categories, tags, languages, translation groups, co-authors and
    /// custom terms of an item.
    fn add_item_terms(&mut self, item: &WxrItem, meta: &mut ItemMeta) {
        for term in &item.terms {
            let name = plain_line(&term.name);
            match term.domain.as_str() {
                "category" => {
                    let slug = percent_decode(&term.nicename);
                    self.categories.entry(slug.clone()).or_insert(Category {
                        name: name.clone(),
                        ..Category::default()
                    });
                    if !meta.categories.contains(&slug) {
                        meta.categories.push(slug);
                    }
                }
                "post_tag" => {
                    let slug = percent_decode(&term.nicename);
                    self.tags
                        .entry(slug.clone())
                        .or_insert_with(|| name.clone());
                    meta.tags.push((slug, name))
                }
                "language" => meta.lang = Some(term.nicename.clone()),
                "post_translations" => meta.group = Some(term.nicename.clone()),
                "author" => meta.coauthors.push(term.name.clone()),
                d if INTERNAL_TAXONOMIES.contains(&d) => {}
                d => meta.custom_terms.push((d.to_string(), name)),
            }
        }
    }

    /// Counts the category and tag bases that the item's links to the old
    /// site (in its body, or a menu item's URL) show.
    fn observe_links(&mut self, item: &WxrItem) {
        let hosts: Vec<String> = ["link", "base_blog_url", "base_site_url"]
            .iter()
            .filter_map(|f| self.site.get(f).and_then(|u| host_of(u)))
            .collect();
        let menu_url = item.meta("_menu_item_url").unwrap_or("");
        let urls = crate::archives::hrefs(&item.content).chain([menu_url]);
        let (categories, tags, langs) = (&self.categories, &self.tags, &self.language_terms);
        for url in urls {
            let own = match host_of(url) {
                Some(h) => hosts.contains(&h),
                None => url.starts_with('/') && !url.starts_with("//"),
            };
            let Some(path) = url_path(url).filter(|_| own) else {
                continue;
            };
            self.bases.observe(
                &path,
                |s| langs.contains_key(s) || LANGUAGE_NAMES.iter().any(|(c, _)| *c == s),
                |archive, s| match archive {
                    Archive::Category => categories.contains_key(s),
                    Archive::Tag => tags.contains_key(s),
                },
            );
        }
    }

    fn drafts_note(&mut self, meta: &ItemMeta, why: &str) {
        // Kept with the items; reported with the file once placed.
        self.skipped.push(ReportItem {
            wordpress_id: meta.id,
            title: meta.title.clone(),
            path: None,
            kind: kind::DRAFT.into(),
            reason: format!("{why}; imported with `draft = true` (not published)"),
        });
    }

    /// Decides where everything goes.
    pub fn finish(mut self, options: &ImportOptions, existing: Option<&ExistingSite>) -> Plan {
        let mut plan = Plan {
            title: plain_line(self.site.get("title").map_or("", String::as_str)),
            base_url: self
                .site
                .get("link")
                .or(self.site.get("base_blog_url"))
                .or(self.site.get("base_site_url"))
                .cloned()
                .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
                .unwrap_or_else(|| "https://example.org".into())
                .trim_end_matches('/')
                .to_string(),
            attachments: std::mem::take(&mut self.attachments),
            ..Plan::default()
        };
        // Drafts are not skipped: their notes move to `altered` below.
        let (drafts, skipped): (Vec<ReportItem>, Vec<ReportItem>) =
            std::mem::take(&mut self.skipped)
                .into_iter()
                .partition(|i| i.kind == kind::DRAFT);
        plan.report.skipped = skipped;
        plan.report.comments = self.comments;
        plan.report.other_post_types = self.other_types.clone();

        self.link_term_translations();
        self.guess_languages(options, &mut plan);
        self.choose_languages(options, existing, &mut plan);
        let author_ids = self.author_ids(&mut plan);
        plan.taxonomies = self.taxonomies(existing, &plan);
        let mut place = self.place(options, existing, &mut plan);
        self.add_aliases(&mut place, &mut plan);
        self.link_map(&place, &mut plan);
        let names = self.doc_plans(&place, &author_ids, &mut plan);
        self.archive_redirects(options, existing, &place, &names, &mut plan);
        for mut note in drafts {
            if let Some(doc) = plan.docs.get(&note.wordpress_id) {
                note.path = Some(slash(&doc.file));
                plan.report.altered.push(note);
            }
        }
        self.attached_media(&mut plan);

        // Only authors someone wrote for are written.
        let referenced: BTreeSet<String> =
            plan.docs.values().flat_map(|d| d.authors.clone()).collect();
        plan.authors.retain(|id, _| referenced.contains(id));
        plan
    }

    /// Polylang's term translation groups onto their categories.
    fn link_term_translations(&mut self) {
        for (group, members) in std::mem::take(&mut self.term_groups) {
            for (lang, id) in members {
                if let Some(slug) = self.category_ids.get(&id)
                    && let Some(category) = self.categories.get_mut(slug)
                {
                    category.lang = Some(lang);
                    category.group = Some(group.clone());
                }
            }
        }
    }

    /// The category and the categories that translate it, by slug.
    fn category_group(&self, slug: &str) -> Vec<&String> {
        let group = self.categories.get(slug).and_then(|c| c.group.as_ref());
        match group {
            Some(g) => self
                .categories
                .iter()
                .filter(|(_, c)| c.group.as_ref() == Some(g))
                .map(|(s, _)| s)
                .collect(),
            None => self
                .categories
                .get_key_value(slug)
                .map(|(s, _)| vec![s])
                .unwrap_or_default(),
        }
    }

    /// The category that stands for its translation group as a section:
    /// the default language's, else the oldest term.
    fn section_category(&self, slug: &str, default: &str) -> String {
        let group = self.category_group(slug);
        let rank = |s: &&String| {
            let c = &self.categories[*s];
            let lang = c.lang.as_deref().unwrap_or(default);
            (lang != default, c.id == 0, c.id, (*s).clone())
        };
        group
            .into_iter()
            .min_by_key(rank)
            .cloned()
            .unwrap_or_else(|| slug.to_string())
    }

    /// `--language-from-url`: a language code as the first segment of an
    /// item's old URL (`/tr/…`) is its language; every guess is reported.
    fn guess_languages(&mut self, options: &ImportOptions, plan: &mut Plan) {
        let has_data = self.items.iter().any(|i| i.lang.is_some());
        if !options.language_from_url {
            if !has_data && self.wpml_traces {
                plan.report.notices.push(
                    "the export comes from a WPML site but carries no language data (WPML keeps it in its own tables): every post was imported in the default language. Export with WPML Export and Import, or use --language-from-url when the old URLs start with a language (/tr/…)".into(),
                );
            }
            return;
        }
        for item in self.items.iter_mut().filter(|i| i.lang.is_none()) {
            let first = url_path(&item.link)
                .and_then(|p| normal_path(&p))
                .and_then(|p| {
                    p.trim_start_matches('/')
                        .split('/')
                        .next()
                        .map(str::to_lowercase)
                })
                .unwrap_or_default();
            if LANGUAGE_NAMES.iter().any(|(c, _)| *c == first) {
                item.lang = Some(first.clone());
                item.lang_guess = Some(format!(
                    "language `{first}` taken from the URL prefix /{first}/"
                ));
            } else {
                item.lang_guess =
                    Some("no language prefix in its URL: the default language assumed".into());
            }
        }
    }

    fn choose_languages(
        &self,
        options: &ImportOptions,
        existing: Option<&ExistingSite>,
        plan: &mut Plan,
    ) {
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
        let default = existing
            .and_then(|e| e.default_language.clone())
            .or_else(|| options.default_language.clone())
            .or_else(|| {
                // Posts without language data are in the channel's language.
                let unassigned = self.items.iter().any(|i| i.lang.is_none());
                channel_lang.filter(|l| counts.is_empty() || unassigned || counts.contains_key(l))
            })
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
                .map(|n| plain_line(n))
                .or_else(|| {
                    LANGUAGE_NAMES
                        .iter()
                        .find(|(c, _)| c == code)
                        .map(|(_, n)| n.to_string())
                })
                .unwrap_or_else(|| code.clone());
            plan.languages.insert(code.clone(), name);
        }
        plan.default_language = default;
    }

    /// Authors: WordPress users and guest authors, by login → author id.
    fn author_ids(&self, plan: &mut Plan) -> HashMap<String, String> {
        let mut by_login: HashMap<String, AuthorOut> = HashMap::new();
        for a in &self.wp_authors {
            let name = if a.display_name.is_empty() {
                format!("{} {}", a.first_name, a.last_name)
                    .trim()
                    .to_string()
            } else {
                plain_line(&a.display_name)
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
                let lang = if lang.is_empty() {
                    &plan.default_language
                } else {
                    lang
                };
                bio.insert(lang.clone(), text.clone());
            }
            let mut links = BTreeMap::new();
            if let Some(w) = &g.website {
                links.insert("website".to_string(), w.clone());
            }
            let photo = g
                .thumbnail
                .and_then(|id| plan.attachments.get(&id).map(|a| a.url.clone()));
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
            let id = unique(&base, |c| used_ids.contains(c));
            used_ids.insert(id.clone());
            author_ids.insert(login.clone(), id.clone());
            plan.authors.insert(id, by_login[login].clone());
        }
        author_ids
    }

    /// `tags`, `categories` (when any post has one) and custom taxonomies
    /// with a usable name.
    fn taxonomies(&self, existing: Option<&ExistingSite>, plan: &Plan) -> BTreeSet<String> {
        let mut set = BTreeSet::new();
        set.insert("tags".to_string());
        if self
            .items
            .iter()
            .any(|i| i.categories.iter().any(|c| !self.is_default_category(c)))
        {
            set.insert("categories".to_string());
        }
        for item in &self.items {
            for (domain, _) in &item.custom_terms {
                if let Some(key) = self.taxonomy_key(domain, plan) {
                    set.insert(key);
                }
            }
        }
        if let Some(e) = existing {
            set.extend(e.taxonomies.iter().cloned());
        }
        set
    }

    /// A custom taxonomy's name in quire (a slug), or `None` when it would
    /// clash with a language, a built-in path or a front matter key.
    fn taxonomy_key(&self, domain: &str, plan: &Plan) -> Option<String> {
        let key = slugify(domain);
        let clashes = key.is_empty()
            || RESERVED_ROOTS.contains(&key.as_str())
            || quire_site::frontmatter::KNOWN_KEYS.contains(&key.as_str())
            || key == "categories"
            || key == "tags"
            || plan.languages.contains_key(&key);
        (!clashes).then_some(key)
    }

    /// WordPress's default category ("Uncategorized", term 1) or one of
    /// its translations (Polylang keeps one per language).
    fn is_default_category(&self, slug: &str) -> bool {
        let is_default = |slug: &str| {
            slug == "uncategorized"
                || slug.starts_with("uncategorized-")
                || self.categories.get(slug).is_some_and(|c| c.id == 1)
        };
        is_default(slug) || self.category_group(slug).iter().any(|s| is_default(s))
    }

    /// The primary category of a post: Yoast's when set and the post has
    /// it, else the first that is not WordPress's default category.
    fn primary_category(&self, item: &ItemMeta) -> Option<String> {
        if let Some(id) = item.primary_category
            && let Some(slug) = self.category_ids.get(&id)
            && item.categories.contains(slug)
            && !self.is_default_category(slug)
        {
            return Some(slug.clone());
        }
        item.categories
            .iter()
            .find(|slug| !self.is_default_category(slug))
            .cloned()
    }

    fn category_name(&self, slug: &str) -> String {
        self.categories
            .get(slug)
            .map(|c| c.name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| slug.to_string())
    }

    /// The category and its ancestors, nearest first.
    fn category_chain(&self, slug: &str) -> Vec<String> {
        let mut chain = vec![slug.to_string()];
        let mut current = slug.to_string();
        while let Some(parent) = self
            .categories
            .get(&current)
            .map(|c| c.parent.clone())
            .filter(|p| !p.is_empty() && !chain.contains(p))
        {
            chain.push(parent.clone());
            current = parent;
        }
        chain
    }

    /// Places every version: sections, bundles, file names, URLs.
    fn place(
        &self,
        options: &ImportOptions,
        existing: Option<&ExistingSite>,
        plan: &mut Plan,
    ) -> Placement {
        let default = plan.default_language.clone();
        let mut space = UrlSpace::new(plan, existing);
        let lang_of = |item: &ItemMeta| item.lang.clone().unwrap_or_else(|| default.clone());

        let bundles = self.bundles(&lang_of, &default, plan);

        // Sections first (they hold folders that pages must not take),
        // then posts, then pages parents before children.
        let mut placement = Placement::default();
        for (members, _) in &bundles {
            let primary = &self.items[members[0]];
            if primary.post_type == "post" {
                let section = self.section_of(primary, options, &mut space, plan);
                let entry = plan.sections.entry(section.clone()).or_default();
                for &i in members {
                    let it = &self.items[i];
                    if let Some(slug) = self.primary_category(it) {
                        entry
                            .entry(lang_of(it))
                            .or_insert(self.category_name(&slug));
                    }
                }
                if entry.is_empty() {
                    entry.insert(default.clone(), title_case(&section));
                }
                placement.sections.insert(primary.id, section);
            }
        }
        self.translated_section_titles(&space, plan);
        for section in plan.sections.keys() {
            space.take_section(section);
        }
        let depth = |members: &Vec<usize>| {
            let mut d = 0;
            let mut parent = self.items[members[0]].parent;
            while parent != 0 && d < 32 {
                d += 1;
                parent = self
                    .items
                    .iter()
                    .find(|i| i.id == parent)
                    .map_or(0, |i| i.parent);
            }
            d
        };
        let mut order: Vec<(usize, usize)> = bundles
            .iter()
            .enumerate()
            .map(|(n, (members, _))| {
                let is_page = self.items[members[0]].post_type == "page";
                (n, if is_page { 1 + depth(members) } else { 0 })
            })
            .collect();
        order.sort_by_key(|&(n, d)| (d, n));
        for (n, _) in order {
            let (members, key) = &bundles[n];
            self.place_bundle(
                members,
                key.clone(),
                &lang_of,
                &mut space,
                &mut placement,
                plan,
            );
        }
        placement.category_sections = space.section_names;
        placement
    }

    /// The items grouped into bundles: translations together, a version
    /// of another post type or a second one in a language apart (each with
    /// the translation key that links it, if any).
    fn bundles(
        &self,
        lang_of: &dyn Fn(&ItemMeta) -> String,
        default: &str,
        plan: &mut Plan,
    ) -> Vec<(Vec<usize>, Option<String>)> {
        // Translation groups, sorted by their first item's id so that
        // suffixes are stable.
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, item) in self.items.iter().enumerate() {
            let key = item
                .group
                .clone()
                .unwrap_or_else(|| format!("single-{}", item.id));
            groups.entry(key).or_default().push(i);
        }
        let mut group_list: Vec<(String, Vec<usize>)> = groups.into_iter().collect();
        group_list.sort_by_key(|(_, members)| members.iter().map(|&i| self.items[i].id).min());
        let mut bundles: Vec<(Vec<usize>, Option<String>)> = Vec::new();
        for (key, mut members) in group_list {
            members.sort_by_key(|&i| {
                let it = &self.items[i];
                (lang_of(it) != default, lang_of(it), it.id)
            });
            let primary_type = self.items[members[0]].post_type.clone();
            let mut together = Vec::new();
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
                    kind: kind::TRANSLATION.into(),
                    reason: format!(
                        "a second {} version in translation group {key}; imported as a separate page",
                        lang_of(it)
                    ),
                });
                    apart.push((vec![i], None));
                } else {
                    together.push(i);
                }
            }
            let linked_apart = apart.iter().any(|(_, k)| k.is_some());
            bundles.push((together, linked_apart.then_some(key)));
            bundles.extend(apart);
        }
        bundles.retain(|(m, _)| !m.is_empty());
        bundles
    }

    /// A section's title in each language its category is translated into
    /// (Polylang term translations, WPML term meta): `_index.<lang>.md`.
    fn translated_section_titles(&self, space: &UrlSpace, plan: &mut Plan) {
        for (slug, section) in &space.section_names {
            let Some(titles) = plan.sections.get_mut(section) else {
                continue;
            };
            for member in self.category_group(slug) {
                let category = &self.categories[member];
                if let Some(lang) = &category.lang
                    && plan.languages.contains_key(lang)
                    && !category.name.is_empty()
                {
                    titles.insert(lang.clone(), category.name.clone());
                }
            }
        }
    }

    fn section_of(
        &self,
        item: &ItemMeta,
        options: &ImportOptions,
        space: &mut UrlSpace,
        plan: &mut Plan,
    ) -> String {
        let Some(own) = self.primary_category(item) else {
            return options.default_section.clone();
        };
        if let Some(mapped) = options.section_map.get(&own) {
            return mapped.clone();
        }
        // Translated categories are one section.
        let slug = self.section_category(&own, &plan.default_language);
        if let Some(mapped) = options.section_map.get(&slug) {
            return mapped.clone();
        }
        if let Some(done) = space.section_names.get(&slug) {
            return done.clone();
        }
        let base = match slugify(&slug) {
            s if s.is_empty() => options.default_section.clone(),
            s => s,
        };
        let id = if space.reserved_root(&base) {
            let id = unique(&base, |c| {
                space.reserved_root(c) || plan.sections.contains_key(c)
            });
            plan.report.altered.push(ReportItem {
                wordpress_id: 0,
                title: self.category_name(&slug),
                path: None,
                kind: kind::SECTION.into(),
                reason: format!(
                    "category `{slug}` would be the section /{base}/, a built-in path of quire; the section is /{id}/"
                ),
            });
            id
        } else {
            base
        };
        space.section_names.insert(slug, id.clone());
        id
    }

    /// The bundle's folder: an ASCII slug, unique among its siblings (on
    /// disk and planned) whatever the case; `None` when an existing bundle
    /// already holds this post (reported). Returns the folder and its name.
    fn bundle_dir(
        &self,
        primary: &ItemMeta,
        parent_dir: &std::path::Path,
        space: &mut UrlSpace,
        plan: &mut Plan,
    ) -> Option<(PathBuf, String)> {
        let is_page = primary.post_type == "page";
        let kind_name = if is_page { "page" } else { "post" };
        let base_dir = match slugify(&url_segment_of(primary, kind_name)) {
            s if s.is_empty() => format!("{kind_name}-{}", primary.id),
            s => s,
        };
        let dir_name = unique(&base_dir, |c| {
            space.dir_taken(&parent_dir.join(c))
                || (is_page && (plan.sections.contains_key(c) || space.reserved_root(c)))
        });
        if let Some(conflict) = space.existing_conflict(&parent_dir.join(&base_dir), primary.id) {
            plan.report.skipped.push(ReportItem {
                wordpress_id: primary.id,
                title: primary.title.clone(),
                path: Some(conflict.clone()),
                kind: kind::CONFLICT.into(),
                reason: format!("{conflict} already holds this post (same wordpress_id); left as it is (use --force to overwrite)"),
            });
            return None;
        }
        let bundle = parent_dir.join(&dir_name);
        space.take_dir(&bundle);
        Some((bundle, dir_name))
    }

    fn place_bundle(
        &self,
        members: &[usize],
        translation_key: Option<String>,
        lang_of: &dyn Fn(&ItemMeta) -> String,
        space: &mut UrlSpace,
        placement: &mut Placement,
        plan: &mut Plan,
    ) {
        let default = plan.default_language.clone();
        let primary = &self.items[members[0]];
        let is_page = primary.post_type == "page";
        let kind_name = if is_page { "page" } else { "post" };
        let parent_dir = if is_page {
            PathBuf::from("content")
        } else {
            PathBuf::from("content").join(&placement.sections[&primary.id])
        };
        let segment = |it: &ItemMeta| url_segment_of(it, kind_name);
        let Some((bundle, dir_name)) = self.bundle_dir(primary, &parent_dir, space, plan) else {
            return;
        };
        for &i in members {
            let it = &self.items[i];
            let lang = lang_of(it);
            let prefix = if lang == default {
                "/".to_string()
            } else {
                format!("/{lang}/")
            };
            // The URL: the slug as WordPress had it, in its own script,
            // under the parent page's path for pages.
            let parent_path = if is_page {
                placement
                    .page_paths
                    .get(&it.parent)
                    .filter(|(l, _)| *l == lang)
                    .map(|(_, p)| p.clone())
            } else {
                None
            };
            let dir_of_url = match &parent_path {
                Some(p) => format!("{prefix}{p}/"),
                None if is_page => prefix.clone(),
                None => format!("{prefix}{}/", placement.sections[&primary.id]),
            };
            let wanted = segment(it);
            let top_level_page = is_page && parent_path.is_none();
            let seg = unique(&wanted, |c| {
                space.url_taken(&format!("{dir_of_url}{c}/"))
                    || (top_level_page && space.reserved_root(c))
            });
            if seg != wanted {
                plan.report.altered.push(ReportItem {
                    wordpress_id: it.id,
                    title: it.title.clone(),
                    path: None,
                    kind: kind::SLUG.into(),
                    reason: format!(
                        "the URL {dir_of_url}{wanted}/ is taken (by another post, a section or a built-in page of quire); published at {dir_of_url}{seg}/, the old URL redirects"
                    ),
                });
            }
            let url = format!("{dir_of_url}{seg}/");
            space.take_url(&url);
            let full_slug = match &parent_path {
                Some(p) => format!("{p}/{seg}"),
                None => seg.clone(),
            };
            if is_page {
                placement
                    .page_paths
                    .insert(it.id, (lang.clone(), full_slug.clone()));
            }
            let file = if lang == default {
                bundle.join("index.md")
            } else {
                bundle.join(format!("index.{lang}.md"))
            };
            placement.versions.insert(
                it.id,
                Version {
                    index: i,
                    file,
                    bundle: bundle.clone(),
                    lang,
                    kind: kind_name,
                    url,
                    slug: (full_slug != dir_name).then_some(full_slug),
                    translation_key: translation_key.clone(),
                },
            );
            placement.order.push(it.id);
        }
    }

    /// Old URLs that redirect: the item's old permalink and `?p=ID`
    /// (`?page_id=ID` for pages), unless the build would refuse them.
    fn add_aliases(&self, placement: &mut Placement, plan: &mut Plan) {
        let space = UrlSpace::new(plan, None);
        let own_urls: HashSet<String> = placement
            .versions
            .values()
            .map(|v| v.url.to_lowercase())
            .collect();
        let section_urls: HashSet<String> = plan
            .languages
            .keys()
            .flat_map(|l| {
                let prefix = if *l == plan.default_language {
                    "/".to_string()
                } else {
                    format!("/{l}/")
                };
                plan.sections.keys().map(move |s| format!("{prefix}{s}/"))
            })
            .collect();
        let mut claimed: HashMap<String, u64> = HashMap::new();
        let mut aliases: HashMap<u64, Vec<String>> = HashMap::new();
        for id in &placement.order {
            let v = &placement.versions[id];
            let it = &self.items[v.index];
            let mut candidates: Vec<(String, String)> = Vec::new();
            if let Some(path) = url_path(&it.link) {
                candidates.push((path.clone(), path));
            }
            candidates.push((format!("/?p={}", it.id), String::new()));
            if it.post_type == "page" {
                candidates.push((format!("/?page_id={}", it.id), String::new()));
            }
            let mut list = Vec::new();
            for (raw, shown) in candidates {
                let Some(alias) = alias_path(&raw) else {
                    if !shown.is_empty() && shown != "/" {
                        self.alias_note(
                            it,
                            &v.file,
                            &shown,
                            "it holds spaces, control characters or leads nowhere",
                            plan,
                        );
                    }
                    continue;
                };
                let lower = alias.to_lowercase();
                let lower_slash = if lower.ends_with('/') || lower.contains('?') {
                    lower.clone()
                } else {
                    format!("{lower}/")
                };
                if lower_slash == v.url.to_lowercase() {
                    continue;
                }
                let why = if own_urls.contains(&lower_slash) {
                    Some("it is the URL of another imported page".to_string())
                } else if section_urls.contains(&lower_slash) {
                    Some("it is the URL of a section listing".to_string())
                } else if space.reserved_path(&lower) {
                    Some(
                        "it is a built-in path of quire (search, tags, authors, feeds…)"
                            .to_string(),
                    )
                } else if let Some(other) = claimed.get(&lower_slash)
                    && other != id
                {
                    Some(format!("post #{other} already redirects from it"))
                } else {
                    None
                };
                match why {
                    Some(why) => self.alias_note(it, &v.file, &alias, &why, plan),
                    None => {
                        claimed.insert(lower_slash, *id);
                        list.push(alias);
                    }
                }
            }
            aliases.insert(*id, list);
        }
        plan.report
            .keep("redirects", aliases.values().map(Vec::len).sum());
        placement.aliases = aliases;
    }

    fn alias_note(
        &self,
        it: &ItemMeta,
        file: &std::path::Path,
        alias: &str,
        why: &str,
        plan: &mut Plan,
    ) {
        plan.report.altered.push(ReportItem {
            wordpress_id: it.id,
            title: it.title.clone(),
            path: Some(slash(file)),
            kind: kind::ALIAS.into(),
            reason: format!("old URL {alias} does not redirect here: {why}"),
        });
    }

    /// Old links → imported pages (and attachment pages → their files).
    fn link_map(&self, placement: &Placement, plan: &mut Plan) {
        let mut hosts = BTreeSet::new();
        for field in ["link", "base_blog_url", "base_site_url"] {
            if let Some(h) = self.site.get(field).and_then(|u| host_of(u))
                && h != "wordpress.com"
            {
                hosts.insert(h);
            }
        }
        let base_path = self
            .site
            .get("link")
            .and_then(|l| url_path(l))
            .map(|p| p.trim_end_matches('/').to_string())
            .unwrap_or_default();
        let html_base = plan.links_base_path_for_html();
        let links = &mut plan.links;
        links.hosts = hosts.into_iter().collect();
        links.base_path = base_path.clone();
        let strip = |path: String| -> String {
            match path.strip_prefix(&base_path) {
                Some(rest) if !base_path.is_empty() && rest.starts_with('/') => rest.to_string(),
                _ => path,
            }
        };
        for (id, v) in &placement.versions {
            let it = &self.items[v.index];
            if let Some(p) = url_path(&it.link).and_then(|p| normal_path(&strip(p))) {
                links.by_path.entry(p).or_insert(*id);
            }
            let source = slash(v.file.strip_prefix("content").unwrap_or(&v.file));
            links.targets.insert(
                *id,
                LinkTarget {
                    source,
                    path: format!("{html_base}{}", v.url),
                    draft: it.draft,
                },
            );
        }
        for (id, a) in &plan.attachments {
            if let Some(p) = url_path(&a.link).and_then(|p| normal_path(&strip(p))) {
                plan.links.by_path.entry(p).or_insert(*id);
            }
        }
    }

    /// Front matter of every placed version; returns the categories'
    /// names as taxonomy terms (by slug).
    fn doc_plans(
        &self,
        placement: &Placement,
        author_ids: &HashMap<String, String>,
        plan: &mut Plan,
    ) -> HashMap<String, String> {
        let mut category_terms = 0;
        let mut used_categories: BTreeSet<(String, String)> = BTreeSet::new();
        let names = self.category_display_names(plan);
        let aliases = &placement.aliases;
        for id in &placement.order {
            let v = &placement.versions[id];
            let it = &self.items[v.index];
            let Some((date, updated)) = dates(it) else {
                plan.report.skipped.push(ReportItem {
                    wordpress_id: it.id,
                    title: it.title.clone(),
                    path: None,
                    kind: kind::NO_DATE.into(),
                    reason: format!("no readable date (`{}`)", it.date),
                });
                continue;
            };
            let file_text = slash(&v.file);
            let note = |kind: &str, reason: String| ReportItem {
                wordpress_id: it.id,
                title: it.title.clone(),
                path: Some(file_text.clone()),
                kind: kind.to_string(),
                reason,
            };
            let mut title = it.title.clone();
            if let Some(n) = &it.title_note {
                plan.report
                    .altered
                    .push(note(kind::TITLE_MARKUP, n.clone()));
            }
            if title.is_empty() {
                title = untitled(it);
                plan.report.altered.push(note(
                    kind::UNTITLED,
                    format!("the post has no title; titled \"{title}\""),
                ));
            }
            if let Some(guess) = &it.lang_guess {
                plan.report
                    .altered
                    .push(note(kind::LANGUAGE, guess.clone()));
            } else if it.lang.is_none() && self.wpml_traces {
                plan.report.altered.push(note(
                    kind::LANGUAGE,
                    format!("no language data; imported in `{}`", plan.default_language),
                ));
            }
            let mut authors = Vec::new();
            let logins: Vec<&String> = if it.coauthors.is_empty() {
                vec![&it.creator]
            } else {
                it.coauthors.iter().collect()
            };
            for login in logins {
                // Logins never hold `<`, `>` or spaces; some exports do around them.
                let trimmed =
                    login.trim_matches(|c: char| c.is_whitespace() || c == '<' || c == '>');
                let found = author_ids.get(login).or_else(|| author_ids.get(trimmed));
                match found {
                    Some(id) if !authors.contains(id) => authors.push(id.clone()),
                    Some(_) => {}
                    None if login.is_empty() => {}
                    None => plan.report.altered.push(note(
                        kind::AUTHOR,
                        format!("author `{login}` is not in the export; left out"),
                    )),
                }
            }
            let taxonomies = self.doc_taxonomies(
                it,
                &v.lang,
                &names,
                plan,
                &mut used_categories,
                &mut category_terms,
            );
            *plan
                .report
                .counts
                .entry((v.kind.to_string(), v.lang.clone()))
                .or_default() += 1;
            plan.docs.insert(
                it.id,
                DocPlan {
                    file: v.file.clone(),
                    bundle: v.bundle.clone(),
                    title,
                    date,
                    updated,
                    slug: v.slug.clone(),
                    translation_key: v.translation_key.clone(),
                    authors,
                    taxonomies,
                    aliases: aliases.get(id).cloned().unwrap_or_default(),
                    draft: it.draft,
                    featured: it.thumbnail.filter(|t| plan.attachments.contains_key(t)),
                    weight: (it.post_type == "page" && it.menu_order != 0).then_some(it.menu_order),
                },
            );
        }
        plan.report.keep("categories", used_categories.len());
        plan.report.keep("category assignments", category_terms);
        names
    }

    /// A version's taxonomies: its tags, its categories with their
    /// ancestors (counted), and custom taxonomies carried over.
    fn doc_taxonomies(
        &self,
        it: &ItemMeta,
        lang: &str,
        names: &HashMap<String, String>,
        plan: &Plan,
        used_categories: &mut BTreeSet<(String, String)>,
        category_terms: &mut usize,
    ) -> BTreeMap<String, Vec<String>> {
        let mut taxonomies: BTreeMap<String, Vec<String>> = BTreeMap::new();
        taxonomies.insert(
            "tags".into(),
            dedup(it.tags.iter().map(|(_, name)| name.clone()).collect()),
        );
        let mut cats = Vec::new();
        for slug in it
            .categories
            .iter()
            .filter(|s| !self.is_default_category(s))
        {
            *category_terms += 1;
            for c in self.category_chain(slug) {
                let name = names
                    .get(&c)
                    .cloned()
                    .unwrap_or_else(|| self.category_name(&c));
                if !cats.contains(&name) {
                    used_categories.insert((lang.to_string(), name.clone()));
                    cats.push(name);
                }
            }
        }
        if !cats.is_empty() {
            taxonomies.insert("categories".into(), cats);
        }
        for (domain, name) in &it.custom_terms {
            if let Some(key) = self.taxonomy_key(domain, plan)
                && plan.taxonomies.contains(&key)
            {
                let list = taxonomies.entry(key).or_default();
                if !list.contains(name) {
                    list.push(name.clone());
                }
            }
        }
        taxonomies
    }

    /// Old category and tag archive URLs (`/category/analysis/`,
    /// `/fa/tag/gas/`) → the section or term listing that replaces each.
    /// quire's aliases belong to pages, so these become redirect pages in
    /// `static/`; each old URL that would land on one of quire's own paths
    /// is left out and reported.
    fn archive_redirects(
        &self,
        options: &ImportOptions,
        existing: Option<&ExistingSite>,
        placement: &Placement,
        names: &HashMap<String, String>,
        plan: &mut Plan,
    ) {
        let category_base = self.archive_base(Archive::Category, plan);
        let tag_base = self.archive_base(Archive::Tag, plan);
        let old_prefixes = self.old_language_prefixes(placement);
        let default = plan.default_language.clone();
        // old path → (new path, language, the category or tag shown).
        let mut wanted: Vec<(String, String, String, String)> = Vec::new();
        for id in &placement.order {
            let Some(doc) = plan.docs.get(id).filter(|d| !d.draft) else {
                continue;
            };
            let v = &placement.versions[id];
            let it = &self.items[v.index];
            let old = old_prefixes.get(&v.lang).map_or("/", String::as_str);
            let new = if v.lang == default {
                "/".to_string()
            } else {
                format!("/{}/", v.lang)
            };
            if doc.taxonomies.contains_key("categories") {
                for slug in it
                    .categories
                    .iter()
                    .filter(|s| !self.is_default_category(s))
                {
                    for c in self.category_chain(slug) {
                        let mut chain = self.category_chain(&c);
                        chain.reverse();
                        let from = format!("{old}{category_base}/{}/", chain.join("/"));
                        let name = names
                            .get(&c)
                            .cloned()
                            .unwrap_or_else(|| self.category_name(&c));
                        let to = match self.section_for(&c, options, placement, plan) {
                            Some(section) => format!("{new}{section}/"),
                            None => format!("{new}categories/{}/", slugify(&name)),
                        };
                        wanted.push((from, to, v.lang.clone(), name));
                    }
                }
            }
            for (slug, name) in &it.tags {
                let from = format!("{old}{tag_base}/{slug}/");
                wanted.push((
                    from,
                    format!("{new}tags/{}/", slugify(name)),
                    v.lang.clone(),
                    name.clone(),
                ));
            }
        }
        let space = UrlSpace::new(plan, None);
        let mut taken: HashMap<String, &'static str> = HashMap::new();
        for v in placement.versions.values() {
            taken.insert(v.url.to_lowercase(), "the URL of an imported page");
        }
        for url in existing.iter().flat_map(|e| &e.urls) {
            taken.insert(url.to_lowercase(), "the URL of a page of the site");
        }
        for doc in plan.docs.values() {
            for alias in &doc.aliases {
                taken.insert(alias.to_lowercase(), "an old URL of an imported page");
            }
        }
        for lang in plan.languages.keys() {
            let prefix = if *lang == default {
                "/".to_string()
            } else {
                format!("/{lang}/")
            };
            for section in plan.sections.keys() {
                taken.insert(
                    format!("{prefix}{section}/").to_lowercase(),
                    "the URL of a section",
                );
            }
        }
        let mut done: BTreeMap<String, String> = BTreeMap::new();
        for (from, to, lang, name) in wanted {
            let lower = from.to_lowercase();
            if to.ends_with("//") || lower == to.to_lowercase() || done.get(&lower) == Some(&to) {
                continue;
            }
            let why = if let Some(other) = done.get(&lower) {
                Some(format!("it already redirects to {other}"))
            } else if let Some(what) = taken.get(&lower) {
                Some(format!("it is {what}"))
            } else if space.reserved_path(&lower) {
                Some("it is a built-in path of quire (search, tags, authors, feeds…)".into())
            } else {
                None
            };
            if let Some(why) = why {
                plan.report.altered.push(ReportItem {
                    wordpress_id: 0,
                    title: name,
                    path: None,
                    kind: kind::ALIAS.into(),
                    reason: format!("old archive URL {from} does not redirect to {to}: {why}"),
                });
                continue;
            }
            done.insert(lower, to.clone());
            plan.archive_redirects
                .push(ArchiveRedirect { from, to, lang });
        }
        plan.report
            .keep("archive redirects", plan.archive_redirects.len());
    }

    /// The base of the old category or tag archives: the one the old
    /// site's links show (reported), else WordPress's default.
    fn archive_base(&self, archive: Archive, plan: &mut Plan) -> String {
        let (default, what) = match archive {
            Archive::Category => (DEFAULT_CATEGORY_BASE, "category"),
            Archive::Tag => (DEFAULT_TAG_BASE, "tag"),
        };
        match self.bases.base(archive) {
            Some((base, n)) if base != default => {
                plan.report.notices.push(format!(
                    "the old site's {what} archives were under /{base}/ (as {n} link(s) in the export show); their old URLs redirect from there"
                ));
                base
            }
            _ => default.to_string(),
        }
    }

    /// The prefix each language's old URLs had: `/fa/` when most of its
    /// posts' old links start with it, else `/` (Polylang and WPML can
    /// leave the default language without one).
    fn old_language_prefixes(&self, placement: &Placement) -> HashMap<String, String> {
        let mut counts: HashMap<String, (usize, usize)> = HashMap::new();
        for v in placement.versions.values() {
            let it = &self.items[v.index];
            let prefixed = url_path(&it.link)
                .and_then(|p| normal_path(&p))
                .is_some_and(|p| p.starts_with(&format!("/{}/", v.lang)));
            let entry = counts.entry(v.lang.clone()).or_default();
            entry.0 += usize::from(prefixed);
            entry.1 += 1;
        }
        counts
            .into_iter()
            .map(|(lang, (prefixed, all))| {
                let prefix = if prefixed * 2 > all {
                    format!("/{lang}/")
                } else {
                    "/".to_string()
                };
                (lang, prefix)
            })
            .collect()
    }

    /// The section a category's posts were placed in, when it is one
    /// (by `--section-map`, or as a post's primary category).
    fn section_for(
        &self,
        slug: &str,
        options: &ImportOptions,
        placement: &Placement,
        plan: &Plan,
    ) -> Option<String> {
        let rep = self.section_category(slug, &plan.default_language);
        options
            .section_map
            .get(slug)
            .or_else(|| options.section_map.get(&rep))
            .or_else(|| placement.category_sections.get(&rep))
            .filter(|s| plan.sections.contains_key(*s))
            .cloned()
    }

    /// Category names as taxonomy terms: two categories whose names give
    /// the same term (say two "Child 1" under different parents) are told
    /// apart by their parent's name.
    fn category_display_names(&self, plan: &mut Plan) -> HashMap<String, String> {
        let mut by_term: BTreeMap<String, Vec<&String>> = BTreeMap::new();
        for slug in self.categories.keys() {
            by_term
                .entry(slugify(&self.category_name(slug)))
                .or_default()
                .push(slug);
        }
        let mut names = HashMap::new();
        for slugs in by_term.values() {
            for slug in slugs {
                let name = self.category_name(slug);
                if slugs.len() > 1 {
                    let parent = self
                        .categories
                        .get(*slug)
                        .map(|c| c.parent.clone())
                        .filter(|p| !p.is_empty())
                        .map(|p| self.category_name(&p))
                        .unwrap_or_else(|| slug.to_string());
                    let shown = format!("{name} ({parent})");
                    plan.report.altered.push(ReportItem {
                        wordpress_id: 0,
                        title: name.clone(),
                        path: None,
                        kind: kind::OTHER.into(),
                        reason: format!("category `{slug}` shares its name with another category; its term is \"{shown}\""),
                    });
                    names.insert((*slug).clone(), shown);
                } else {
                    names.insert((*slug).clone(), name);
                }
            }
        }
        names
    }

    /// Every post's attachments, in WordPress's gallery order (menu order, then id).
    fn attached_media(&self, plan: &mut Plan) {
        let mut attached: HashMap<u64, Vec<(i64, u64)>> = HashMap::new();
        for (id, a) in &plan.attachments {
            if a.parent != 0 {
                attached
                    .entry(a.parent)
                    .or_default()
                    .push((a.menu_order, *id));
            }
        }
        plan.attached = attached
            .into_iter()
            .map(|(parent, mut list)| {
                list.sort();
                (parent, list.into_iter().map(|(_, id)| id).collect())
            })
            .collect();
    }
}

impl Plan {
    /// The path prefix of links written into raw HTML (the site's base path).
    pub(crate) fn links_base_path_for_html(&self) -> String {
        url_path(&self.base_url)
            .map(|p| p.trim_end_matches('/').to_string())
            .unwrap_or_default()
    }
}

/// Where each version goes, decided before front matter is made.
#[derive(Default)]
struct Placement {
    /// Post id → section id.
    sections: HashMap<u64, String>,
    /// Page id → (language, slug path under the language prefix).
    page_paths: HashMap<u64, (String, String)>,
    versions: HashMap<u64, Version>,
    /// Ids in placement order.
    order: Vec<u64>,
    aliases: HashMap<u64, Vec<String>>,
    /// Category slug (the one standing for its translations) → section id.
    category_sections: HashMap<String, String>,
}

struct Version {
    index: usize,
    file: PathBuf,
    bundle: PathBuf,
    lang: String,
    kind: &'static str,
    url: String,
    slug: Option<String>,
    translation_key: Option<String>,
}

/// URLs and folders taken so far, compared without case: on macOS and
/// Windows `Report/` and `report/` are one folder.
struct UrlSpace {
    prefixes: Vec<String>,
    roots: HashSet<String>,
    urls: HashSet<String>,
    dirs: HashSet<String>,
    /// Existing bundles with the WordPress id they hold, if any.
    existing_bundles: HashMap<String, Option<u64>>,
    force: bool,
    /// Category slug → section id decided.
    section_names: HashMap<String, String>,
}

impl UrlSpace {
    fn new(plan: &Plan, existing: Option<&ExistingSite>) -> Self {
        let mut roots: HashSet<String> = RESERVED_ROOTS.iter().map(|s| s.to_string()).collect();
        roots.extend(plan.taxonomies.iter().cloned());
        roots.extend(plan.languages.keys().cloned());
        let mut prefixes = vec!["/".to_string()];
        for code in plan.languages.keys() {
            if *code != plan.default_language {
                prefixes.push(format!("/{code}/"));
            }
        }
        let mut space = UrlSpace {
            prefixes,
            roots,
            urls: HashSet::new(),
            dirs: HashSet::new(),
            existing_bundles: HashMap::new(),
            force: false,
            section_names: HashMap::new(),
        };
        if let Some(e) = existing {
            space.roots.extend(e.languages.iter().cloned());
            space.roots.extend(e.taxonomies.iter().cloned());
            space.force = e.force;
            for dir in &e.content_dirs {
                space.dirs.insert(dir.to_lowercase());
            }
            for (dir, id) in &e.bundles {
                space.existing_bundles.insert(dir.to_lowercase(), *id);
            }
            for url in &e.urls {
                space.take_url(url);
            }
        }
        space
    }

    /// A name quire uses at the root of a language (search, authors,
    /// taxonomies, language prefixes, feeds).
    fn reserved_root(&self, name: &str) -> bool {
        self.roots.contains(&name.to_lowercase())
    }

    /// An old path the build would refuse or that lands inside a built-in
    /// listing: the home page, `/search/`, `/tags/…`, `/atom.xml`, `/tr/`,
    /// `/page/2/` …
    fn reserved_path(&self, lower: &str) -> bool {
        if lower.starts_with("/?") {
            return false;
        }
        let mut segs: Vec<&str> = lower.split('/').filter(|s| !s.is_empty()).collect();
        if let Some(first) = segs.first()
            && self.prefixes.iter().any(|p| p == &format!("/{first}/"))
        {
            segs.remove(0);
        }
        match segs.as_slice() {
            [] => true,
            ["page", ..] => true,
            [first, ..] => self.roots.contains(*first),
        }
    }

    fn take_section(&mut self, section: &str) {
        self.dirs
            .insert(format!("content/{section}").to_lowercase());
        let prefixes = self.prefixes.clone();
        for p in prefixes {
            self.take_url(&format!("{p}{section}/"));
        }
    }

    fn url_taken(&self, url: &str) -> bool {
        self.urls.contains(&url.to_lowercase())
    }

    fn take_url(&mut self, url: &str) {
        self.urls.insert(url.to_lowercase());
    }

    fn dir_taken(&self, dir: &std::path::Path) -> bool {
        self.dirs.contains(&slash(dir).to_lowercase())
    }

    fn take_dir(&mut self, dir: &std::path::Path) {
        self.dirs.insert(slash(dir).to_lowercase());
    }

    /// An existing bundle that holds the same WordPress post (not forced).
    fn existing_conflict(&self, dir: &std::path::Path, id: u64) -> Option<String> {
        let key = slash(dir).to_lowercase();
        match self.existing_bundles.get(&key) {
            Some(Some(found)) if *found == id && !self.force => Some(slash(dir)),
            _ => None,
        }
    }
}

/// Publication date in the site's own time (`wp:post_date`, with the
/// offset to `wp:post_date_gmt`), and a later-day update, if any.
fn dates(it: &ItemMeta) -> Option<(toml::value::Datetime, Option<toml::value::Datetime>)> {
    let date = site_date(&it.date, &it.date_gmt)?;
    let updated = site_date(&it.modified, &it.modified_gmt).filter(|u| {
        // Only a change on a later day counts as an update; WordPress
        // bumps the modified time on every save.
        u.date.zip(date.date).is_some_and(|(u, d)| u > d)
    });
    Some((date, updated))
}

/// `2019-05-14 13:00:00` local and `2019-05-14 09:30:00` GMT →
/// `2019-05-14T13:00:00+03:30`; local only → `2019-05-14T13:00:00`;
/// GMT only → `…Z`. Impossible dates (`0000-…`, `2019-02-30`) → None.
pub(crate) fn site_date(local: &str, gmt: &str) -> Option<toml::value::Datetime> {
    let l = parse_wp_datetime(local);
    let g = parse_wp_datetime(gmt);
    let text = match (l, g) {
        (Some(l), Some(g)) => {
            let offset = l.minutes() - g.minutes();
            if offset.abs() <= 14 * 60 {
                let sign = if offset < 0 { '-' } else { '+' };
                let off = if offset == 0 {
                    "Z".to_string()
                } else {
                    format!("{sign}{:02}:{:02}", offset.abs() / 60, offset.abs() % 60)
                };
                format!("{}{off}", l.text())
            } else {
                format!("{}Z", g.text())
            }
        }
        (Some(l), None) => l.text(),
        (None, Some(g)) => format!("{}Z", g.text()),
        (None, None) => return None,
    };
    text.parse().ok()
}

#[derive(Clone, Copy)]
struct WpDateTime {
    y: i64,
    m: i64,
    d: i64,
    h: i64,
    mi: i64,
    s: i64,
}

impl WpDateTime {
    fn minutes(&self) -> i64 {
        // Days from the civil date (Howard Hinnant's algorithm).
        let y = if self.m <= 2 { self.y - 1 } else { self.y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (self.m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + self.d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        days * 1440 + self.h * 60 + self.mi
    }

    fn text(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.y, self.m, self.d, self.h, self.mi, self.s
        )
    }
}

fn parse_wp_datetime(text: &str) -> Option<WpDateTime> {
    let text = text.trim();
    let (date, time) = text.split_once([' ', 'T']).unwrap_or((text, "00:00:00"));
    let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let mut t = time.split(':').map(|p| p.parse::<i64>().ok());
    let (h, mi) = (t.next()??, t.next()??);
    let s = t.next().flatten().unwrap_or(0);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in_month = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    let valid = (1..=9999).contains(&y)
        && (1..=days_in_month).contains(&day)
        && (0..24).contains(&h)
        && (0..60).contains(&mi)
        && (0..60).contains(&s);
    valid.then_some(WpDateTime {
        y,
        m,
        d: day,
        h,
        mi,
        s,
    })
}

/// A title for a post without one: its slug in words when the slug has
/// letters, else "Untitled" and the date.
fn untitled(it: &ItemMeta) -> String {
    let words = percent_decode(&it.slug).replace(['-', '_'], " ");
    let words = words.trim();
    if words.chars().any(char::is_alphabetic) {
        let mut c = words.chars();
        match c.next() {
            Some(f) => f.to_uppercase().chain(c).collect(),
            None => String::new(),
        }
    } else {
        format!("Untitled ({})", it.date.get(..10).unwrap_or(&it.date))
    }
}

fn dedup(list: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in list {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// A media item as the plan keeps it.
fn attachment(item: &WxrItem) -> Attachment {
    Attachment {
        url: item.attachment_url.clone(),
        parent: item.parent,
        link: item.link.clone(),
        alt: item
            .meta("_wp_attachment_image_alt")
            .map(plain_line)
            .unwrap_or_default(),
        menu_order: item.menu_order,
    }
}

/// What the first pass keeps of a post or page (its terms come after),
/// with a note when its title held markup.
fn item_meta(item: &WxrItem, title: String, draft: bool) -> ItemMeta {
    let mut meta = ItemMeta {
        id: item.id,
        post_type: item.post_type.clone(),
        title_note: None,
        title,
        slug: percent_decode(&item.slug),
        link: item.link.clone(),
        date: item.date.clone(),
        date_gmt: item.date_gmt.clone(),
        modified: item.modified.clone(),
        modified_gmt: item.modified_gmt.clone(),
        creator: item.creator.clone(),
        lang: item
            .meta("_wpml_import_language_code")
            .map(|l| l.trim().to_ascii_lowercase())
            .filter(|l| !l.is_empty()),
        lang_guess: None,
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
        parent: item.parent,
        menu_order: item.menu_order,
        draft,
    };
    let raw_title = decode_entities(item.title.trim());
    if raw_title != meta.title && raw_title.contains('<') {
        meta.title_note = Some(format!(
            "HTML in the title reduced to text (was `{raw_title}`)"
        ));
    }
    meta
}

/// An item's URL segment: its slug as WordPress had it (in its own
/// script), else its title's, else `post-<id>`.
fn url_segment_of(it: &ItemMeta, kind_name: &str) -> String {
    match url_segment(&it.slug) {
        s if !s.is_empty() => s,
        _ => match url_segment(&it.title) {
            s if !s.is_empty() => s,
            _ => format!("{kind_name}-{}", it.id),
        },
    }
}

fn guest_author(item: &WxrItem) -> GuestAuthor {
    let mut g = GuestAuthor {
        login: item
            .meta("cap-user_login")
            .unwrap_or(&item.slug)
            .to_string(),
        display_name: plain_line(item.meta("cap-display_name").unwrap_or(&item.title)),
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

/// `base`, else `base-2`, `base-3` … the first that `taken` refuses.
fn unique(base: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut id = base.to_string();
    let mut n = 1;
    while taken(&id) {
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

fn slash(path: &std::path::Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// `https://example.org/tr/2019/05/x/?a=1` → `/tr/2019/05/x/?a=1` (still
/// percent-encoded); `None` without a path.
pub(crate) fn url_path(link: &str) -> Option<String> {
    let rest = link.split_once("://").map_or(link, |(_, r)| r);
    let start = rest.find(['/', '?'])?;
    let path = &rest[start..];
    Some(if path.starts_with('?') {
        format!("/{path}")
    } else {
        path.to_string()
    })
}

/// The lower-case host of an absolute URL, without `www.` and port.
pub(crate) fn host_of(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .or_else(|| url.strip_prefix("//"))?;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            url_path("https://example.org/tr/2019/05/t%c3%bcrk/").as_deref(),
            Some("/tr/2019/05/t%c3%bcrk/")
        );
        assert_eq!(
            url_path("https://example.org/?p=3").as_deref(),
            Some("/?p=3")
        );
        assert_eq!(url_path("https://example.org"), None);
        assert_eq!(
            host_of("https://www.Example.org:8080/x").as_deref(),
            Some("example.org")
        );
    }

    #[test]
    fn dates_are_the_sites_own() {
        let d = |l: &str, g: &str| site_date(l, g).map(|d| d.to_string());
        assert_eq!(
            d("2019-05-14 01:00:00", "2019-05-13 21:30:00").as_deref(),
            Some("2019-05-14T01:00:00+03:30")
        );
        assert_eq!(
            d("2019-05-14 09:30:00", "2019-05-14 09:30:00").as_deref(),
            Some("2019-05-14T09:30:00Z")
        );
        assert_eq!(
            d("2012-01-04 09:38:05", "2012-01-04 16:38:05").as_deref(),
            Some("2012-01-04T09:38:05-07:00")
        );
        assert_eq!(
            d("2019-05-14 09:30:00", "0000-00-00 00:00:00").as_deref(),
            Some("2019-05-14T09:30:00")
        );
        assert_eq!(d("2019-02-30 00:00:00", ""), None);
        assert_eq!(d("0000-00-00 00:00:00", ""), None);
    }
}
