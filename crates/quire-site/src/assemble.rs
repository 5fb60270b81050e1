//! Assembly: parsed documents → one immutable corpus with translation
//! groups, sections, authors, taxonomies, URLs and resolved internal links.
//!
//! Sequential and deterministic: everything is ordered by source path,
//! language order or date, never by hash order.

use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

use quire_core::{Diagnostic, Diagnostics, SourceText, slugify};

use crate::LoadOptions;
use crate::author::{self, Author};
use crate::config::Config;
use crate::discover::{SiteFiles, SourceKind};
use crate::frontmatter::FrontMatter;
use crate::parse::Parsed;
use crate::routes::{Listing, RESERVED_SEGMENTS, Routes};

/// The longest file or folder name most file systems allow, in bytes.
pub const MAX_NAME: usize = 255;

/// Whether a page is an article (in a section) or a stand-alone page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// In a section: listed, in feeds, has similar posts.
    Article,
    /// Outside sections (about, contact): not listed.
    Page,
}

/// One language version of an article or page.
#[derive(Debug, Clone)]
pub struct Page {
    /// Index of this page in `Corpus::pages`.
    pub index: usize,
    /// Site-relative source path.
    pub source_path: String,
    /// The source text (for locating later diagnostics).
    pub source_text: std::sync::Arc<str>,
    /// Article or page.
    pub kind: PageKind,
    /// Language code.
    pub lang: String,
    /// Section id (the slug of its folder name), for articles.
    pub section: Option<String>,
    /// Index of the translation group in `Corpus::groups`.
    pub group: usize,
    /// Front matter.
    pub front: FrontMatter,
    /// The URL segment.
    pub slug: String,
    /// Site-absolute path, e.g. `/tr/analysis/x/`.
    pub path: String,
    /// Absolute URL.
    pub permalink: String,
    /// Rendered body.
    pub rendered: quire_markdown::Rendered,
    /// Byte offset of the body in the source.
    pub body_offset: usize,
    /// Site-absolute URL of each internal link of the body (index-aligned with `rendered.links`).
    pub link_urls: Vec<String>,
    /// Bundle folder whose files are copied beside the page.
    pub bundle_dir: Option<String>,
    /// Plain-text summary: the front matter summary, else the highlights, else the first paragraph.
    pub summary: String,
    /// Words in the body.
    pub word_count: usize,
}

/// Versions of the same article in different languages.
#[derive(Debug, Clone, Default)]
pub struct TranslationGroup {
    /// Page index per language code.
    pub versions: BTreeMap<String, usize>,
}

impl TranslationGroup {
    /// The version that stands for the group (the `x-default` alternate,
    /// the original a translation is compared with, the dashboard's row):
    /// the default language's, else the earliest page. `None` for a group
    /// without versions.
    pub fn representative(&self, default_language: &str) -> Option<usize> {
        self.versions
            .get(default_language)
            .or_else(|| self.versions.values().min())
            .copied()
    }
}

/// A section: a top-level folder of articles.
#[derive(Debug, Clone)]
pub struct Section {
    /// The slug of its folder name: its URL segment everywhere (listing,
    /// feeds, sitemap, articles), so `content/Policy Briefs/` is
    /// `/policy-briefs/`.
    pub id: String,
    /// The folder name under `content/` as written on disk.
    pub folder: String,
    /// Title per language (from `_index.<lang>.md`, else the default language's, else the id).
    pub titles: BTreeMap<String, String>,
    /// Description per language.
    pub descriptions: BTreeMap<String, String>,
    /// Intro HTML per language (the `_index` body).
    pub intros: BTreeMap<String, String>,
    /// Articles per language, newest first.
    pub pages: BTreeMap<String, Vec<usize>>,
    /// Articles per listing page, if set in `_index.md`.
    pub paginate: Option<usize>,
    /// schema.org type of its articles (`schema_type` in `_index.md`).
    pub schema_type: Option<String>,
}

impl Section {
    /// The title in `lang`.
    pub fn title_in(&self, lang: &str) -> String {
        self.titles
            .get(lang)
            .cloned()
            .unwrap_or_else(|| self.id.clone())
    }
}

/// A term of a taxonomy in one language.
#[derive(Debug, Clone)]
pub struct Term {
    /// The term as first written.
    pub name: String,
    /// Its URL segment.
    pub slug: String,
    /// Site-absolute path of its listing.
    pub path: String,
    /// Articles, newest first.
    pub pages: Vec<usize>,
}

/// A taxonomy (tags, regions…) with its terms per language.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// The taxonomy key.
    pub name: String,
    /// Terms per language, sorted by slug.
    pub terms: BTreeMap<String, Vec<Term>>,
    /// Whether terms get feeds.
    pub feed: bool,
}

/// Home page text in one language (`content/_index.<lang>.md`).
#[derive(Debug, Clone, Default)]
pub struct HomeText {
    /// Title, if given.
    pub title: Option<String>,
    /// Description, if given.
    pub description: Option<String>,
    /// Intro HTML.
    pub html: String,
}

/// The whole site, assembled. Immutable once built.
pub struct Corpus {
    /// Configuration.
    pub config: Config,
    /// Files found on disk (templates, i18n, static, assets, bibliography).
    pub files: SiteFiles,
    /// Every page and article, ordered by source path.
    pub pages: Vec<Page>,
    /// Translation groups.
    pub groups: Vec<TranslationGroup>,
    /// Sections by id order.
    pub sections: Vec<Section>,
    /// Home text per language.
    pub home: BTreeMap<String, HomeText>,
    /// Authors by id.
    pub authors: BTreeMap<String, Author>,
    /// Per author: articles per language, newest first.
    pub author_pages: BTreeMap<String, BTreeMap<String, Vec<usize>>>,
    /// Taxonomies in configuration order.
    pub taxonomies: Vec<Taxonomy>,
    /// Every path and URL of the site.
    pub routes: Routes,
}

impl Corpus {
    /// Frees the text of every source file (pages keep their parsed
    /// bodies; `source_text` becomes empty). For a build past the phases
    /// whose diagnostics quote source lines: the texts are about a quarter
    /// of a large site's memory while its pages render.
    pub fn release_source_texts(&mut self) {
        let empty: std::sync::Arc<str> = std::sync::Arc::from("");
        for page in &mut self.pages {
            page.source_text = empty.clone();
        }
        for source in &mut self.files.sources {
            source.text = empty.clone();
        }
    }

    /// The other language versions of a page (itself excluded), in language order.
    pub fn translations(&self, page: &Page) -> Vec<&Page> {
        let group = &self.groups[page.group];
        self.config
            .languages
            .iter()
            .filter(|l| l.code != page.lang)
            .filter_map(|l| group.versions.get(&l.code).map(|&i| &self.pages[i]))
            .collect()
    }

    /// The section with this id (the slug, as in [`Page::section`]).
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }

    /// Articles in `lang`, newest first.
    pub fn articles_in(&self, lang: &str) -> Vec<usize> {
        let mut v: Vec<usize> = self
            .pages
            .iter()
            .filter(|p| p.kind == PageKind::Article && p.lang == lang)
            .map(|p| p.index)
            .collect();
        self.sort_newest_first(&mut v);
        v
    }

    /// Sorts page indexes newest first, then by path, so ties are stable.
    pub fn sort_newest_first(&self, pages: &mut [usize]) {
        pages.sort_by(|&a, &b| {
            let (pa, pb) = (&self.pages[a], &self.pages[b]);
            pb.front
                .date
                .cmp(&pa.front.date)
                .then_with(|| pa.path.cmp(&pb.path))
        });
    }
}

/// Builds the corpus from parsed sources. Problems become diagnostics.
pub fn assemble(
    config: Config,
    files: SiteFiles,
    parsed: Vec<Option<Parsed>>,
    options: &LoadOptions,
    diagnostics: &mut Diagnostics,
) -> Corpus {
    let authors = load_authors(&config, &files, diagnostics);
    let mut routes = Routes::new(&config);

    let mut pages: Vec<Page> = Vec::new();
    let mut home: BTreeMap<String, HomeText> = BTreeMap::new();
    // Section folders as named on disk.
    let mut section_ids: BTreeSet<String> = BTreeSet::new();
    let mut section_fronts: BTreeMap<(String, String), (FrontMatter, String)> = BTreeMap::new();
    let mut group_keys: Vec<String> = Vec::new();

    // The per-page work that needs no other page (summary, word count, a
    // copy of the source) is done in parallel first.
    let prepared: Vec<Option<(String, usize, std::sync::Arc<str>)>> = files
        .sources
        .par_iter()
        .zip(parsed.par_iter())
        .map(|(source, parsed)| {
            let parsed = parsed.as_ref()?;
            matches!(
                source.kind,
                SourceKind::Article { .. } | SourceKind::Page { .. }
            )
            .then(|| {
                (
                    summary_of(&parsed.front, &parsed.rendered),
                    parsed.rendered.plain_text.split_whitespace().count(),
                    source.text.clone(),
                )
            })
        })
        .collect();
    for ((source, parsed), prepared) in files.sources.iter().zip(parsed).zip(prepared) {
        let Some(parsed) = parsed else { continue };
        let Parsed {
            front,
            body_offset,
            rendered,
        } = parsed;
        match &source.kind {
            SourceKind::HomeIndex => {
                home.insert(
                    source.lang.clone(),
                    HomeText {
                        title: Some(front.title.clone()).filter(|t| !t.is_empty()),
                        description: front.description.clone(),
                        html: rendered.html.clone(),
                    },
                );
            }
            SourceKind::SectionIndex { section } => {
                section_ids.insert(section.clone());
                section_fronts.insert(
                    (section.clone(), source.lang.clone()),
                    (front, rendered.html),
                );
            }
            SourceKind::Article { .. } | SourceKind::Page { .. } => {
                if front.draft && !options.drafts {
                    continue;
                }
                let (kind, section, stem, bundle_dir) = match &source.kind {
                    SourceKind::Article {
                        section,
                        stem,
                        bundle_dir,
                    } => (PageKind::Article, Some(section.clone()), stem, bundle_dir),
                    SourceKind::Page { stem, bundle_dir } => {
                        (PageKind::Page, None, stem, bundle_dir)
                    }
                    _ => unreachable!("matched above"),
                };
                // Each term is a page and a feed of its own, and every feed
                // of the article lists its terms: thousands are a mistake.
                for (taxonomy, terms) in &front.taxonomies {
                    if terms.len() > crate::FEED_CATEGORIES {
                        let text = SourceText::new(&source.text);
                        let d = Diagnostic::warning(
                            source.path.clone(),
                            format!(
                                "{} terms in `{taxonomy}`; each gets its own page and feeds, and feed entries list only the first {}",
                                terms.len(),
                                crate::FEED_CATEGORIES
                            ),
                        );
                        diagnostics.push(match front.key_offsets.get(taxonomy) {
                            Some(&o) => d.at(&text, o),
                            None => d,
                        });
                    }
                }
                if let Some(s) = &section {
                    section_ids.insert(s.clone());
                }
                // Pages name their section by its slug; the folder keeps
                // the translation key below.
                let folder = section.clone();
                let section = section.map(|s| slugify(&s));
                let slug = match &front.slug {
                    Some(s) if slugify(s).is_empty() => {
                        // `..`, `.`, `/`, "" or only punctuation: no URL
                        // segment can be made of it.
                        let text = SourceText::new(&source.text);
                        let d = Diagnostic::error(
                            source.path.clone(),
                            format!(
                                "slug `{s}` has no letters or digits to make a URL segment; write one like `my-article`, or remove `slug` to use the file name"
                            ),
                        );
                        diagnostics.push(match front.key_offsets.get("slug") {
                            Some(&o) => d.at(&text, o),
                            None => d.at_line(&text, 1, 1),
                        });
                        continue;
                    }
                    Some(s) => {
                        let slug = given_slug(s, kind == PageKind::Page);
                        let nested_page = kind == PageKind::Page
                            && s.split('/').all(|seg| !given_slug(seg, false).is_empty());
                        if (s.contains('/') && !nested_page) || s.contains('\\') || s.contains("..")
                        {
                            let text = SourceText::new(&source.text);
                            let d = Diagnostic::warning(
                                source.path.clone(),
                                format!(
                                    "slug `{s}` is not one URL segment; the page is published as `{slug}`"
                                ),
                            );
                            diagnostics.push(match front.key_offsets.get("slug") {
                                Some(&o) => d.at(&text, o),
                                None => d,
                            });
                        }
                        slug
                    }
                    None => slugify(stem),
                };
                let slug = if slug.is_empty() {
                    "page".to_string()
                } else {
                    slug
                };
                if slug.len() > MAX_NAME {
                    let text = SourceText::new(&source.text);
                    let d = Diagnostic::error(
                        source.path.clone(),
                        format!(
                            "the URL segment `{slug}` is {} bytes long; file systems allow {MAX_NAME}: give a shorter `slug`",
                            slug.len()
                        ),
                    );
                    diagnostics.push(match front.key_offsets.get("slug") {
                        Some(&o) => d.at(&text, o),
                        None => d.at_line(&text, 1, 1),
                    });
                    continue;
                }
                let path = routes.page(&source.lang, section.as_deref(), &slug);
                let Some((summary, word_count, source_text)) = prepared else {
                    continue;
                };
                group_keys.push(match (&front.translation_key, &folder) {
                    (Some(k), _) => format!("key:{k}"),
                    (None, Some(s)) => format!("path:{s}/{stem}"),
                    (None, None) => format!("page:{stem}"),
                });
                pages.push(Page {
                    index: pages.len(),
                    source_path: source.path.clone(),
                    source_text,
                    kind,
                    lang: source.lang.clone(),
                    section,
                    group: 0,
                    permalink: routes.permalink(&path),
                    path,
                    slug,
                    rendered,
                    body_offset,
                    link_urls: Vec::new(),
                    bundle_dir: bundle_dir.clone(),
                    summary,
                    word_count,
                    front,
                });
            }
        }
    }

    // A translation_key on any version of a bundle links the whole bundle.
    let mut path_to_key: BTreeMap<String, String> = BTreeMap::new();
    for (page, key) in pages.iter().zip(&group_keys) {
        if key.starts_with("key:") {
            path_to_key.insert(bundle_key(page), key.clone());
        }
    }
    let mut groups: Vec<TranslationGroup> = Vec::new();
    let mut group_of_key: BTreeMap<String, usize> = BTreeMap::new();
    for (i, key) in group_keys.iter().enumerate() {
        let key = path_to_key
            .get(&bundle_key(&pages[i]))
            .unwrap_or(key)
            .clone();
        let g = *group_of_key.entry(key).or_insert_with(|| {
            groups.push(TranslationGroup::default());
            groups.len() - 1
        });
        let lang = pages[i].lang.clone();
        if let Some(&other) = groups[g].versions.get(&lang) {
            let (a, b) = (&pages[other], &pages[i]);
            diagnostics.push(located(
                b,
                "translation_key",
                format!(
                    "two {} versions of the same article: {} and {}; give one of them another translation_key or language",
                    lang, a.source_path, b.source_path
                ),
            ));
            continue;
        }
        groups[g].versions.insert(lang, i);
        pages[i].group = g;
    }

    let section_slugs = section_slugs(&section_ids, &config, diagnostics);
    check_front_matter_refs(&pages, &authors, &files, diagnostics);
    check_url_collisions(&pages, &config, &routes, &section_slugs, diagnostics);
    resolve_internal_links(&mut pages, &groups, &config, diagnostics);

    // Sections.
    let default_lang = config.default_language().code.clone();
    let mut sections: Vec<Section> = Vec::new();
    for (slug, id) in &section_slugs {
        let mut section = Section {
            id: slug.clone(),
            folder: id.clone(),
            titles: BTreeMap::new(),
            descriptions: BTreeMap::new(),
            intros: BTreeMap::new(),
            pages: BTreeMap::new(),
            paginate: None,
            schema_type: None,
        };
        for lang in &config.languages {
            let own = section_fronts.get(&(id.clone(), lang.code.clone()));
            let fallback = section_fronts.get(&(id.clone(), default_lang.clone()));
            if let Some((front, _)) = own.or(fallback)
                && !front.title.is_empty()
            {
                section
                    .titles
                    .insert(lang.code.clone(), front.title.clone());
            }
            if let Some((front, html)) = own {
                if let Some(d) = &front.description {
                    section.descriptions.insert(lang.code.clone(), d.clone());
                }
                section.intros.insert(lang.code.clone(), html.clone());
                section.paginate = section.paginate.or(front.paginate);
                section.schema_type = section.schema_type.clone().or(front.schema_type.clone());
            }
            if !section.titles.contains_key(&lang.code) {
                section.titles.insert(lang.code.clone(), title_case(id));
            }
        }
        sections.push(section);
    }
    sections.sort_by(|a, b| a.id.cmp(&b.id));
    routes.set_groups(&pages, &groups);
    let corpus_pages = pages;
    let mut corpus = Corpus {
        config,
        files,
        pages: corpus_pages,
        groups,
        sections,
        home,
        authors,
        author_pages: BTreeMap::new(),
        taxonomies: Vec::new(),
        routes,
    };
    fill_listings(&mut corpus);
    corpus
}

/// The URL segment of each section folder (slug → folder). Two folders
/// with one slug (`Analysis/` beside `analysis/`, `Policy Papers/` beside
/// `policy-papers/`) would publish to one URL and overwrite each other on a
/// case-insensitive disk; a folder without a slug, or whose slug is a
/// built-in path or a language, has no URL of its own. Each is an error
/// naming the folders.
fn section_slugs(
    folders: &BTreeSet<String>,
    config: &Config,
    diagnostics: &mut Diagnostics,
) -> BTreeMap<String, String> {
    let mut taken: BTreeMap<String, String> = BTreeMap::new();
    for folder in folders {
        let slug = slugify(folder);
        let at = format!("content/{folder}");
        let builtin = RESERVED_SEGMENTS.contains(&slug.as_str())
            || config.taxonomies.iter().any(|t| t.name == slug)
            || config.languages.iter().any(|l| l.code == slug);
        if slug.is_empty() {
            diagnostics.push(Diagnostic::error(
                at,
                format!("the section folder `{folder}` has no letters or digits to make its URL; rename it"),
            ));
        } else if slug.len() > MAX_NAME {
            diagnostics.push(Diagnostic::error(
                at,
                format!("the section folder `{folder}` makes a URL segment of {} bytes; file systems allow {MAX_NAME}: rename it", slug.len()),
            ));
        } else if builtin {
            diagnostics.push(Diagnostic::error(
                at,
                format!(
                    "the section folder `{folder}` would be published at /{slug}/, which quire uses for a built-in listing or a language; rename it"
                ),
            ));
        } else if let Some(first) = taken.get(&slug) {
            diagnostics.push(Diagnostic::error(
                at,
                format!(
                    "the section folders content/{first}/ and content/{folder}/ both have the URL /{slug}/; merge them or rename one"
                ),
            ));
        } else {
            taken.insert(slug, folder.clone());
        }
    }
    taken
}

/// Pages of one bundle (or single-file stem) share this key.
fn bundle_key(page: &Page) -> String {
    match &page.bundle_dir {
        Some(dir) => dir.clone(),
        None => {
            let path = &page.source_path;
            let stem = path.strip_suffix(".md").unwrap_or(path);
            match stem.rsplit_once('.') {
                Some((base, suffix)) if !base.contains('/') || !suffix.contains('/') => {
                    if page.lang == suffix {
                        base.to_string()
                    } else {
                        stem.to_string()
                    }
                }
                _ => stem.to_string(),
            }
        }
    }
}

fn located(page: &Page, key: &str, message: String) -> Diagnostic {
    let source = SourceText::new(&page.source_text);
    let d = Diagnostic::error(page.source_path.clone(), message);
    match page.front.key_offsets.get(key) {
        Some(&o) => d.at(&source, o),
        None => d.at_line(&source, 1, 1),
    }
}

/// The URL segment a `slug` in front matter asks for. A slug in a
/// non-Latin script (Persian, Greek, Russian…) made only of letters, digits
/// and `-` is kept as given, lower-cased, so that imported URLs stay what
/// they were; any other slug is made an ASCII slug. A page outside sections
/// may give a path of such segments (`about/team`): nested pages.
fn given_slug(slug: &str, nested: bool) -> String {
    if nested && slug.contains('/') {
        return slug
            .split('/')
            .map(|seg| given_slug(seg, false))
            .filter(|seg| !seg.is_empty())
            .collect::<Vec<_>>()
            .join("/");
    }
    let kept_as_given = !slug.is_ascii()
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && slug
            .chars()
            .all(|c| c == '-' || c.is_alphanumeric() || is_combining_mark(c));
    if kept_as_given {
        slug.to_lowercase()
    } else {
        slugify(slug)
    }
}

/// Combining marks (vowel signs, accents) and the zero-width (non-)joiner,
/// which belong to the letters of a slug.
fn is_combining_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A
        | 0x064B..=0x065F | 0x0670 | 0x06D6..=0x06ED | 0x0900..=0x0903
        | 0x093A..=0x094F | 0x200C | 0x200D)
}

fn summary_of(front: &FrontMatter, rendered: &quire_markdown::Rendered) -> String {
    if let Some(s) = &front.summary {
        return s.trim().to_string();
    }
    if !front.highlights.is_empty() {
        return front.highlights.join(" ");
    }
    let first = rendered.first_paragraph.trim();
    if first.chars().count() > 300 {
        let cut: String = first.chars().take(297).collect();
        let cut = cut.rsplit_once(' ').map(|(a, _)| a).unwrap_or(&cut);
        format!("{cut}…")
    } else {
        first.to_string()
    }
}

fn title_case(id: &str) -> String {
    let words: Vec<String> = id
        .split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect();
    words.join(" ")
}

fn load_authors(
    config: &Config,
    files: &SiteFiles,
    diagnostics: &mut Diagnostics,
) -> BTreeMap<String, Author> {
    let mut authors = BTreeMap::new();
    let raw_html = config.security.raw_html.for_markdown();
    for (id, path, text) in &files.authors {
        let mut warnings = Vec::new();
        let parsed = author::parse(id, path, text, &files.author_files, raw_html, &mut warnings);
        diagnostics.extend(warnings);
        match parsed {
            Ok(a) => {
                for (table, texts) in [("bio", &a.bio), ("role", &a.role), ("names", &a.names)] {
                    for lang in texts.keys().filter(|l| !config.has_language(l)) {
                        diagnostics.push(author::unconfigured_language(path, text, table, lang));
                    }
                }
                authors.insert(id.clone(), a);
            }
            Err(ds) => diagnostics.extend(ds),
        }
    }
    authors
}

fn check_front_matter_refs(
    pages: &[Page],
    authors: &BTreeMap<String, Author>,
    files: &SiteFiles,
    diagnostics: &mut Diagnostics,
) {
    for page in pages {
        for id in &page.front.authors {
            if !authors.contains_key(id) {
                let known: Vec<&str> = authors.keys().map(String::as_str).collect();
                let hint = known
                    .iter()
                    .map(|k| (crate::frontmatter::edit_distance(id, k), *k))
                    .min()
                    .filter(|(d, _)| *d <= 3)
                    .map(|(_, k)| format!(" (did you mean `{k}`?)"))
                    .unwrap_or_default();
                diagnostics.push(located(
                    page,
                    "authors",
                    format!("unknown author `{id}`{hint}: create authors/{id}.toml or fix the id"),
                ));
            }
        }
        for (key, value) in [("image", &page.front.image), ("pdf", &page.front.pdf)] {
            let Some(file) = value else { continue };
            if file.starts_with('/') || file.starts_with("http://") || file.starts_with("https://")
            {
                continue;
            }
            let exists = page.bundle_dir.as_ref().is_some_and(|dir| {
                !file.contains("..")
                    && files
                        .bundle_assets
                        .iter()
                        .any(|(d, f)| d == dir && f == file)
            });
            if !exists {
                diagnostics.push(located(
                    page,
                    key,
                    format!("{key} `{file}` not found in the article's folder; put the file beside index.md or give a site path"),
                ));
            }
        }
        for alias in &page.front.aliases {
            if let Err(why) = check_alias(alias) {
                diagnostics.push(located(
                    page,
                    "aliases",
                    format!("alias `{}` {why}", alias.escape_debug()),
                ));
            }
        }
    }
}

/// Why an alias cannot be published, if it cannot. An alias becomes a
/// redirect page at its path and a line of `_redirects`, so it must be one
/// plain site path: whitespace or a control character would start another
/// `_redirects` rule (an open redirect), a fragment never reaches a
/// server, and hidden segments are no one's to publish (`/.quire-output`
/// marks quire's own output). A query is kept only in the
/// WordPress form `/?p=123` (`_redirects` only).
fn check_alias(alias: &str) -> Result<(), String> {
    let Some(rest) = alias.strip_prefix('/') else {
        return Err("must be a site path starting with /".into());
    };
    if alias.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(
            "contains white space or a control character; write a plain site path like /old/path/"
                .into(),
        );
    }
    if alias.contains(['#', '\\', '"', '<', '>', '`', '{', '}', '|', '^']) {
        return Err(
            "contains a character that cannot be in a site path (# \\ \" < > ` { } | ^)".into(),
        );
    }
    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (rest, None),
    };
    if let Some(query) = query
        && (query.is_empty()
            || !query
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~=&%+".contains(&b)))
    {
        return Err("has a query that is not plain `key=value` pairs (like /?p=123)".into());
    }
    let segments: Vec<&str> = path.split('/').collect();
    for (i, segment) in segments.iter().enumerate() {
        if segment.is_empty() && i + 1 < segments.len() {
            return Err(
                "has an empty segment (//); write a plain site path like /old/path/".into(),
            );
        }
        if segment.starts_with('.') {
            return Err(
                "has a . or .. or hidden segment; write a plain site path like /old/path/".into(),
            );
        }
        if segment.len() > MAX_NAME {
            return Err(format!(
                "has a segment longer than {MAX_NAME} bytes, more than file systems allow"
            ));
        }
    }
    Ok(())
}

fn check_url_collisions(
    pages: &[Page],
    config: &Config,
    routes: &Routes,
    sections: &BTreeMap<String, String>,
    diagnostics: &mut Diagnostics,
) {
    let mut seen: BTreeMap<String, &Page> = BTreeMap::new();
    // The listings quire makes: each language's home, authors, search,
    // taxonomies and sections.
    let reserved: BTreeSet<String> = config
        .languages
        .iter()
        .flat_map(|l| {
            let lang = l.code.as_str();
            let mut v = vec![
                routes.listing(lang, Listing::Home),
                routes.listing(lang, Listing::Authors),
                routes.listing(lang, Listing::Search),
            ];
            v.extend(
                config
                    .taxonomies
                    .iter()
                    .map(|t| routes.listing(lang, Listing::Taxonomy(&t.name))),
            );
            v.extend(
                sections
                    .keys()
                    .map(|s| routes.listing(lang, Listing::Section(s))),
            );
            v
        })
        .collect();
    for page in pages {
        if reserved.contains(&page.path) {
            diagnostics.push(located(
                page,
                "slug",
                format!(
                    "the URL {} is reserved for a built-in listing; choose another slug",
                    page.path
                ),
            ));
        }
        if let Some(other) = seen.get(&page.path) {
            // Report on both files: either may be the one to change.
            for (here, there) in [(page, *other), (*other, page)] {
                diagnostics.push(located(
                    here,
                    "slug",
                    format!(
                        "{} and {} both want the URL {}; give one of them another `slug`",
                        here.source_path, there.source_path, page.path
                    ),
                ));
            }
        } else {
            seen.insert(page.path.clone(), page);
        }
    }
    let mut alias_seen: BTreeMap<&str, &Page> = BTreeMap::new();
    for page in pages {
        for alias in &page.front.aliases {
            let normal = alias.as_str();
            if let Some(owner) = seen.get(normal) {
                diagnostics.push(located(
                    page,
                    "aliases",
                    format!(
                        "alias {alias} is the URL of {}; remove the alias",
                        owner.source_path
                    ),
                ));
            } else if let Some(other) = alias_seen.insert(normal, page)
                && other.index != page.index
            {
                diagnostics.push(located(
                    page,
                    "aliases",
                    format!("alias {alias} is also claimed by {}", other.source_path),
                ));
            }
        }
    }
}

fn resolve_internal_links(
    pages: &mut [Page],
    groups: &[TranslationGroup],
    config: &Config,
    diagnostics: &mut Diagnostics,
) {
    let by_source: BTreeMap<String, usize> = pages
        .iter()
        .map(|p| (p.source_path.clone(), p.index))
        .collect();
    let default_lang = config.default_language().code.clone();
    let mut all_urls = Vec::with_capacity(pages.len());
    for page in pages.iter() {
        let mut urls = Vec::with_capacity(page.rendered.links.len());
        let source = SourceText::new(&page.source_text);
        for link in &page.rendered.links {
            let target_source = format!("content/{}", link.path.trim_start_matches('/'));
            let at = |message: String, warning: bool| {
                let mut d = Diagnostic::error(page.source_path.clone(), message)
                    .at(&source, page.body_offset + link.offset);
                if warning {
                    d.severity = quire_core::Severity::Warning;
                }
                d
            };
            let Some(&target) = by_source.get(&target_source) else {
                diagnostics.push(at(
                    format!(
                        "link to @/{} : no such content file (or it is a draft)",
                        link.path
                    ),
                    false,
                ));
                urls.push("#".to_string());
                continue;
            };
            // Prefer the version in the linking page's language, unless the
            // link names a language version explicitly.
            let named_lang = &pages[target].lang;
            let explicit = link.path.ends_with(&format!(".{named_lang}.md"));
            let group = &groups[pages[target].group];
            let chosen = if explicit {
                target
            } else if let Some(&same) = group.versions.get(&page.lang) {
                same
            } else if let Some(&dflt) = group.versions.get(&default_lang) {
                if page.lang != default_lang {
                    diagnostics.push(at(
                        format!(
                            "@/{} has no {} version; linking to the {} one",
                            link.path, page.lang, default_lang
                        ),
                        true,
                    ));
                }
                dflt
            } else {
                target
            };
            let target_page = &pages[chosen];
            let mut url = target_page.path.clone();
            if let Some(fragment) = &link.fragment {
                if !target_page.rendered.anchors.contains(fragment) && !fragment.starts_with("fn") {
                    // A dozen headings at most: every broken link repeats the list.
                    let headings = &target_page.rendered.headings;
                    let mut shown: Vec<String> = headings
                        .iter()
                        .take(12)
                        .map(|h| format!("#{}", h.id))
                        .collect();
                    if headings.len() > 12 {
                        shown.push(format!("… ({} in all)", headings.len()));
                    }
                    diagnostics.push(at(
                        format!(
                            "#{fragment} is not an anchor of {}; its headings are: {}",
                            target_page.source_path,
                            shown.join(", ")
                        ),
                        false,
                    ));
                }
                url.push('#');
                url.push_str(fragment);
            }
            urls.push(url);
        }
        all_urls.push(urls);
    }
    for (page, urls) in pages.iter_mut().zip(all_urls) {
        page.link_urls = urls;
    }
}

fn fill_listings(corpus: &mut Corpus) {
    let mut section_pages: BTreeMap<String, BTreeMap<String, Vec<usize>>> = BTreeMap::new();
    let mut author_pages: BTreeMap<String, BTreeMap<String, Vec<usize>>> = BTreeMap::new();
    let mut terms: BTreeMap<String, BTreeMap<String, BTreeMap<String, Term>>> = BTreeMap::new();
    for page in corpus.pages.iter().filter(|p| p.kind == PageKind::Article) {
        if let Some(section) = &page.section {
            section_pages
                .entry(section.clone())
                .or_default()
                .entry(page.lang.clone())
                .or_default()
                .push(page.index);
        }
        for author in &page.front.authors {
            author_pages
                .entry(author.clone())
                .or_default()
                .entry(page.lang.clone())
                .or_default()
                .push(page.index);
        }
        for (taxonomy, names) in &page.front.taxonomies {
            for name in names {
                let slug = slugify(name);
                if slug.is_empty() {
                    continue;
                }
                let term = terms
                    .entry(taxonomy.clone())
                    .or_default()
                    .entry(page.lang.clone())
                    .or_default()
                    .entry(slug.clone())
                    .or_insert_with(|| Term {
                        name: name.clone(),
                        path: corpus.routes.listing(
                            &page.lang,
                            Listing::Term {
                                taxonomy,
                                slug: &slug,
                            },
                        ),
                        slug,
                        pages: Vec::new(),
                    });
                if !term.pages.contains(&page.index) {
                    term.pages.push(page.index);
                }
            }
        }
    }
    let sort = |corpus: &Corpus, v: &mut Vec<usize>| corpus.sort_newest_first(v);
    for section in corpus.sections.iter_mut() {
        section.pages = section_pages.remove(&section.id).unwrap_or_default();
    }
    let mut sections = std::mem::take(&mut corpus.sections);
    for section in &mut sections {
        for list in section.pages.values_mut() {
            sort(corpus, list);
        }
    }
    corpus.sections = sections;
    for lists in author_pages.values_mut() {
        for list in lists.values_mut() {
            sort(corpus, list);
        }
    }
    corpus.author_pages = author_pages;
    let mut taxonomies = Vec::new();
    for tax in &corpus.config.taxonomies {
        let mut per_lang: BTreeMap<String, Vec<Term>> = BTreeMap::new();
        if let Some(by_lang) = terms.remove(&tax.name) {
            for (lang, by_slug) in by_lang {
                let mut list: Vec<Term> = by_slug.into_values().collect();
                for t in &mut list {
                    sort(corpus, &mut t.pages);
                }
                per_lang.insert(lang, list);
            }
        }
        taxonomies.push(Taxonomy {
            name: tax.name.clone(),
            terms: per_lang,
            feed: tax.feed,
        });
    }
    corpus.taxonomies = taxonomies;
}

#[cfg(test)]
mod tests {
    use super::given_slug;

    #[test]
    fn given_slugs_keep_their_script_and_pages_may_nest() {
        assert_eq!(given_slug("آموزش", false), "آموزش");
        assert_eq!(given_slug("Επίπεδο-2", false), "επίπεδο-2");
        assert_eq!(given_slug("отчёт-2024", false), "отчёт-2024");
        // Anything else is an ASCII slug, as before.
        assert_eq!(given_slug("My Page", false), "my-page");
        assert_eq!(given_slug("Çin ve Rusya", false), "cin-ve-rusya");
        assert_eq!(given_slug("a/b", false), "a-b");
        assert_eq!(given_slug("../../etc", false), "etc");
        assert_eq!(given_slug("about/our-team", true), "about/our-team");
        assert_eq!(given_slug("greek/επίπεδο-2", true), "greek/επίπεδο-2");
        assert_eq!(given_slug("../../etc", true), "etc");
    }
}
