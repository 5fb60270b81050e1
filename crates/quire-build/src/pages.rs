//! Render: view models for every kind of page, passed through the theme.
//! Rendering never writes; it returns artifacts.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use quire_core::Diagnostic;
use quire_site::{Author, Corpus, Page, PageKind, PubDate};
use quire_theme::{Prepared, Strings, Theme, UiStrings, format_date};
use rayon::prelude::*;
use serde_json::json;

use crate::cache::{BuildCache, Key, key_of, key_of_serialized};
use crate::derive::Derived;
use crate::emit::Artifact;
use crate::jsonld::{ArticleLd, CreativeWorkLd, OrganizationLd, PersonLd, WorkLd};
use crate::outputs::Outputs;
use crate::urls::{encode, output_file, script_json};
use crate::views::*;

/// Shared state of the render phase.
pub struct Renderer<'a> {
    /// The corpus.
    pub corpus: &'a Corpus,
    /// Derived data.
    pub derived: &'a Derived,
    /// Templates.
    pub theme: &'a Theme,
    /// UI strings.
    pub strings: &'a Strings,
    /// Path prefix of the site below its host (`""` or `/sub`).
    pub base_path: String,
    /// Site view per language.
    pub sites: BTreeMap<String, SiteView>,
    /// Strings per language as a plain map (for templates).
    pub texts: BTreeMap<String, BTreeMap<String, String>>,
    /// `sites` and `texts` converted for the templates once, not per page.
    prepared: BTreeMap<String, (Prepared, Prepared)>,
    /// Per language and section id: the site view with that section marked
    /// current in the navigation (article and section pages), converted
    /// once.
    section_sites: BTreeMap<(String, String), Prepared>,
    /// Per page: its card in its own language, once converted.
    cards: Vec<OnceLock<Prepared>>,
    /// Per language and author id: the author's view (its biography is
    /// Markdown, rendered once instead of on every article page).
    author_views: BTreeMap<String, BTreeMap<String, AuthorView>>,
    /// Outputs of the previous build to reuse, and the key of the site's
    /// templates (see [`Renderer::reusing`]).
    cache: Option<(&'a BuildCache, Key)>,
    /// The `[pdf]` setup when the site typesets PDF editions.
    pdf: Option<&'a crate::pdf::PdfSetup>,
}

impl<'a> Renderer<'a> {
    /// Prepares site views for every language.
    pub fn new(
        corpus: &'a Corpus,
        derived: &'a Derived,
        theme: &'a Theme,
        strings: &'a Strings,
        css_url: String,
    ) -> Self {
        let base_path = base_path_of(&corpus.config.base_url);
        let mut sites = BTreeMap::new();
        let mut texts = BTreeMap::new();
        for lang in &corpus.config.languages {
            let prefix = lang.prefix();
            let u = |path: &str| format!("{base_path}{path}");
            let languages = corpus
                .config
                .languages
                .iter()
                .map(|l| LangLink {
                    code: l.code.clone(),
                    name: l.name.clone(),
                    url: u(&l.prefix()),
                    current: l.code == lang.code,
                })
                .collect();
            let sections = corpus
                .sections
                .iter()
                .filter(|s| s.pages.values().any(|v| !v.is_empty()))
                .map(|s| NavSection {
                    id: s.id.clone(),
                    title: s.title_in(&lang.code),
                    url: u(&s.path(&prefix)),
                    current: false,
                })
                .collect();
            let feeds = vec![
                FeedLink {
                    title: "Atom".into(),
                    url: u(&format!("{prefix}atom.xml")),
                    mime: "application/atom+xml".into(),
                },
                FeedLink {
                    title: "RSS".into(),
                    url: u(&format!("{prefix}rss.xml")),
                    mime: "application/rss+xml".into(),
                },
                FeedLink {
                    title: "JSON Feed".into(),
                    url: u(&format!("{prefix}feed.json")),
                    mime: "application/feed+json".into(),
                },
            ];
            sites.insert(
                lang.code.clone(),
                SiteView {
                    title: lang.title.clone(),
                    description: lang.description.clone(),
                    lang: lang.code.clone(),
                    dir: lang.dir.clone(),
                    locale: lang.locale.clone(),
                    home_url: u(&prefix),
                    search_url: derived
                        .search
                        .enabled
                        .then(|| u(&format!("{prefix}search/"))),
                    css_url: u(&css_url),
                    authors_url: u(&format!("{prefix}authors/")),
                    languages,
                    sections,
                    feeds,
                    extra: serde_json::to_value(&corpus.config.extra).unwrap_or_default(),
                },
            );
            texts.insert(lang.code.clone(), strings.of(&lang.code).text.clone());
        }
        let prepared = sites
            .iter()
            .map(|(lang, site)| {
                let t = Prepared::new(&texts[lang]);
                (lang.clone(), (Prepared::new(site), t))
            })
            .collect();
        let mut section_sites = BTreeMap::new();
        for (lang, site) in &sites {
            for section in &corpus.sections {
                let mut site = site.clone();
                for nav in &mut site.sections {
                    nav.current = nav.id == section.id;
                }
                section_sites.insert((lang.clone(), section.id.clone()), Prepared::new(&site));
            }
        }
        let mut renderer = Renderer {
            corpus,
            derived,
            theme,
            strings,
            base_path,
            sites,
            texts,
            prepared,
            section_sites,
            cards: corpus.pages.iter().map(|_| OnceLock::new()).collect(),
            author_views: BTreeMap::new(),
            cache: None,
            pdf: None,
        };
        renderer.author_views = corpus
            .config
            .languages
            .iter()
            .map(|lang| {
                let views = corpus
                    .authors
                    .values()
                    .map(|a| (a.id.clone(), renderer.make_author_view(a, &lang.code)))
                    .collect();
                (lang.code.clone(), views)
            })
            .collect();
        renderer
    }

    /// This renderer, taking each output whose inputs did not change from
    /// `cache` instead of rendering it again.
    pub fn reusing(mut self, cache: &'a BuildCache) -> Self {
        let templates = key_of(&self.corpus.files.templates);
        self.cache = Some((cache, templates));
        self
    }

    /// This renderer, typesetting a PDF edition of every article with
    /// `setup` (see [`crate::pdf`]).
    pub fn with_pdf(mut self, setup: Option<&'a crate::pdf::PdfSetup>) -> Self {
        self.pdf = setup;
        self
    }

    /// The `[pdf]` setup, when PDF editions are made.
    pub(crate) fn pdf_setup(&self) -> Option<&'a crate::pdf::PdfSetup> {
        self.pdf
    }

    /// The cache of earlier builds' outputs, when reusing.
    pub(crate) fn output_cache(&self) -> Option<&'a BuildCache> {
        self.cache.map(|(cache, _)| cache)
    }

    /// The URL prefix of a language: `/` for the default, `/tr/` otherwise.
    fn prefix(&self, lang: &str) -> String {
        self.corpus
            .config
            .language(lang)
            .map(|l| l.prefix())
            .unwrap_or_default()
    }

    /// A site path as written in pages.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path)
    }

    fn ui(&self, lang: &str) -> &UiStrings {
        self.strings.of(lang)
    }

    fn date(&self, lang: &str, date: &PubDate) -> String {
        let (y, m, d) = date.ymd();
        format_date(self.ui(lang), y, m, d)
    }

    fn render(
        &self,
        template: &str,
        lang: &str,
        path: &str,
        site: Option<Prepared>,
        content: Content,
    ) -> Result<Artifact, Diagnostic> {
        let (site_value, t) = &self.prepared[lang];
        let context = PageContext {
            // The language's site view unless the page has its own (a
            // section marked current, see `section_site`).
            site: site.unwrap_or_else(|| site_value.clone()),
            t: t.clone(),
            meta: content.meta,
            article: content.article,
            list: content.list,
            search_html: content.search_html,
        };
        let file = output_file(path);
        let html = match self.cache {
            // The page is a function of the templates, the template name and
            // the context, so equal keys mean equal bytes.
            Some((cache, templates)) => {
                let key = key_of_serialized(&(templates, template, &context));
                cache.output(&file, key, || {
                    self.theme
                        .render(template, &context)
                        .map(String::into_bytes)
                })?
            }
            None => self.theme.render(template, &context)?.into_bytes(),
        };
        Ok(Artifact::bytes(file, html))
    }

    /// Renders one content page (its HTML and its "cite this" files).
    pub fn render_page(&self, page: &Page) -> Result<Vec<Artifact>, Diagnostic> {
        self.page(page)
    }

    /// Renders every page of the site into `outputs`; returns the number of
    /// HTML pages made (not counting an article's "cite this" downloads)
    /// and the pages that failed.
    pub(crate) fn render_into(&self, outputs: &Outputs<'_>) -> (usize, Vec<Diagnostic>) {
        let mut jobs: Vec<Job> = Vec::new();
        for page in &self.corpus.pages {
            jobs.push(Job::Page(page.index));
        }
        for lang in &self.corpus.config.languages {
            jobs.push(Job::Home(lang.code.clone()));
            jobs.push(Job::NotFound(lang.code.clone()));
            jobs.push(Job::Authors(lang.code.clone()));
            if self.derived.search.enabled {
                jobs.push(Job::Search(lang.code.clone()));
            }
            for (i, _) in self.corpus.sections.iter().enumerate() {
                jobs.push(Job::Section(i, lang.code.clone()));
            }
            for (i, tax) in self.corpus.taxonomies.iter().enumerate() {
                jobs.push(Job::TaxonomyList(i, lang.code.clone()));
                for (t, _) in tax.terms.get(&lang.code).into_iter().flatten().enumerate() {
                    jobs.push(Job::Term(i, t, lang.code.clone()));
                }
            }
            for id in self.corpus.authors.keys() {
                jobs.push(Job::Author(id.clone(), lang.code.clone()));
            }
        }
        // Each job's files go to `outputs` as soon as they are made, so a
        // build writing to disk never holds every page in memory.
        let results: Vec<Result<usize, Diagnostic>> = jobs
            .par_iter()
            .map(|job| {
                self.run(job).map(|files| {
                    let n = files.iter().filter(|f| f.path.ends_with(".html")).count();
                    outputs.put(files);
                    n
                })
            })
            .collect();
        let mut pages = 0;
        let mut errors = Vec::new();
        for r in results {
            match r {
                Ok(n) => pages += n,
                Err(d) => errors.push(d),
            }
        }
        (pages, errors)
    }

    fn run(&self, job: &Job) -> Result<Vec<Artifact>, Diagnostic> {
        match job {
            Job::Page(i) => self.page(&self.corpus.pages[*i]),
            Job::Home(lang) => self.home(lang),
            Job::NotFound(lang) => self.not_found(lang),
            Job::Authors(lang) => self.authors(lang),
            Job::Search(lang) => self.search(lang),
            Job::Section(i, lang) => self.section(*i, lang),
            Job::TaxonomyList(i, lang) => self.taxonomy_list(*i, lang),
            Job::Term(i, t, lang) => self.term(*i, *t, lang),
            Job::Author(id, lang) => self.author(id, lang),
        }
    }

    // ---- shared pieces ------------------------------------------------

    /// A card for a page, shown in `lang`.
    pub fn card(&self, page: &Page, lang: &str) -> Card {
        let section = page.section.as_ref().and_then(|s| self.corpus.section(s));
        let prefix = self.prefix(lang);
        Card {
            title: page.front.title.clone(),
            url: self.url(&page.path),
            summary: page.summary.clone(),
            date_iso: page.front.date.map(|d| d.iso_date()).unwrap_or_default(),
            date_display: page
                .front
                .date
                .map(|d| self.date(lang, &d))
                .unwrap_or_default(),
            section_title: section.map(|s| s.title_in(lang)),
            section_url: section.map(|s| self.url(&s.path(&prefix))),
            authors: page
                .front
                .authors
                .iter()
                .filter_map(|id| self.corpus.authors.get(id))
                .map(|a| Link {
                    name: a.name_in(lang).to_string(),
                    url: self.url(&format!("{prefix}authors/{}/", a.id)),
                })
                .collect(),
        }
    }

    /// [`Renderer::card`] converted for the templates: made once per page
    /// shown in its own language (a card appears in a dozen listings and
    /// similar-posts boxes), each time otherwise.
    fn prepared_card(&self, page: &Page, lang: &str) -> Prepared {
        if page.lang != lang {
            return Prepared::new(&self.card(page, lang));
        }
        self.cards[page.index]
            .get_or_init(|| Prepared::new(&self.card(page, lang)))
            .clone()
    }

    /// The site view of `lang` with section `id` marked current.
    fn section_site(&self, lang: &str, id: &str) -> Option<Prepared> {
        self.section_sites
            .get(&(lang.to_string(), id.to_string()))
            .cloned()
    }

    /// An author as shown in `lang`.
    pub fn author_view(&self, author: &Author, lang: &str) -> AuthorView {
        let known = self
            .author_views
            .get(lang)
            .and_then(|views| views.get(&author.id))
            .filter(|_| {
                self.corpus
                    .authors
                    .get(&author.id)
                    .is_some_and(|a| std::ptr::eq(a, author))
            });
        match known {
            Some(view) => view.clone(),
            None => self.make_author_view(author, lang),
        }
    }

    /// [`Renderer::author_view`] made afresh.
    fn make_author_view(&self, author: &Author, lang: &str) -> AuthorView {
        let prefix = self.prefix(lang);
        let default = &self.corpus.config.default_language().code;
        let bio = author
            .bio_html
            .get(lang)
            .or_else(|| author.bio_html.get(default));
        AuthorView {
            id: author.id.clone(),
            name: author.name_in(lang).to_string(),
            url: self.url(&format!("{prefix}authors/{}/", author.id)),
            photo: author.photo.as_ref().map(|p| self.photo_url(author, p)),
            role: author
                .role
                .get(lang)
                .or_else(|| author.role.get(default))
                .cloned(),
            bio_html: bio.cloned(),
            links: author
                .links
                .iter()
                .map(|(label, url)| LinkLabel {
                    label: label.clone(),
                    url: url.clone(),
                })
                .collect(),
        }
    }

    /// True when this page gets a generated social card.
    fn cards_enabled(&self, page: &Page) -> bool {
        self.corpus.config.social.cards
            && page.kind == PageKind::Article
            && page.front.image.is_none()
    }

    /// Where an author photo is published.
    pub fn photo_url(&self, author: &Author, photo: &str) -> String {
        if let Some(file) = photo.strip_prefix("authors/") {
            self.url(&format!(
                "/authors/{}/{}",
                author.id,
                file.rsplit('/').next().unwrap_or(file)
            ))
        } else if photo.starts_with('/') {
            self.url(photo)
        } else {
            photo.to_string()
        }
    }

    /// hreflang alternates for a listing that exists in every language at
    /// `prefix + rest`.
    fn list_alternates(&self, rest: &str) -> Vec<Alternate> {
        let mut alts: Vec<Alternate> = self
            .corpus
            .config
            .languages
            .iter()
            .map(|l| Alternate {
                hreflang: l.code.clone(),
                url: self
                    .corpus
                    .config
                    .permalink(&format!("{}{rest}", l.prefix())),
            })
            .collect();
        alts.push(Alternate {
            hreflang: "x-default".into(),
            url: self.corpus.config.permalink(&format!("/{rest}")),
        });
        alts
    }

    fn list_meta(
        &self,
        lang: &str,
        title: &str,
        description: &str,
        path: &str,
        rest: &str,
    ) -> Meta {
        let site = &self.sites[lang];
        Meta {
            title: if title.is_empty() {
                site.title.clone()
            } else {
                format!("{title} — {}", site.title)
            },
            description: description.to_string(),
            canonical: self.corpus.config.permalink(path),
            alternates: self.list_alternates(rest),
            feeds: site.feeds.clone(),
            og_title: if title.is_empty() {
                site.title.clone()
            } else {
                title.to_string()
            },
            og_type: "website".into(),
            og_locale_alternates: self.other_locales(lang),
            ..Meta::default()
        }
    }

    fn other_locales(&self, lang: &str) -> Vec<String> {
        self.corpus
            .config
            .languages
            .iter()
            .filter(|l| l.code != lang)
            .map(|l| l.locale.clone())
            .collect()
    }

    // ---- articles and pages --------------------------------------------

    fn page(&self, page: &Page) -> Result<Vec<Artifact>, Diagnostic> {
        let lang = &page.lang;
        let ui = self.ui(lang);
        let body = &self.derived.bodies[page.index];
        let config = &self.corpus.config;
        let prefix = self.prefix(lang);
        let section = page.section.as_ref().and_then(|s| self.corpus.section(s));
        let authors: Vec<AuthorView> = page
            .front
            .authors
            .iter()
            .filter_map(|id| self.corpus.authors.get(id))
            .map(|a| self.author_view(a, lang))
            .collect();
        let translations: Vec<TranslationLink> = self
            .corpus
            .translations(page)
            .into_iter()
            .map(|t| TranslationLink {
                lang: t.lang.clone(),
                name: config
                    .language(&t.lang)
                    .map(|l| l.name.clone())
                    .unwrap_or_default(),
                url: self.url(&t.path),
            })
            .collect();
        let prefix_ref = &prefix;
        let tags: Vec<Link> = self
            .corpus
            .taxonomies
            .iter()
            .flat_map(|tax| {
                page.front
                    .taxonomies
                    .get(&tax.name)
                    .into_iter()
                    .flatten()
                    .filter_map(move |name| {
                        let slug = quire_core::slugify(name);
                        (!slug.is_empty()).then(|| Link {
                            name: name.clone(),
                            url: format!("{prefix_ref}{}/{slug}/", tax.name),
                        })
                    })
            })
            .map(|l| Link {
                url: self.url(&l.url),
                ..l
            })
            .collect();
        let similar: Vec<Prepared> = self.derived.similar[page.index]
            .iter()
            .map(|m| self.prepared_card(&self.corpus.pages[m.doc], lang))
            .collect();
        let share = share_links(&page.permalink, &page.front.title, ui);
        let cite = (page.kind == PageKind::Article).then(|| self.cite_view(page));
        let article = ArticleView {
            title: page.front.title.clone(),
            url: self.url(&page.path),
            permalink: page.permalink.clone(),
            section: section.map(|s| Link {
                name: s.title_in(lang),
                url: self.url(&s.path(&prefix)),
            }),
            date_iso: page.front.date.map(|d| d.iso_date()).unwrap_or_default(),
            date_display: page
                .front
                .date
                .map(|d| self.date(lang, &d))
                .unwrap_or_default(),
            updated_iso: page.front.updated.map(|d| d.iso_date()),
            updated_display: page.front.updated.map(|d| self.date(lang, &d)),
            reading_minutes: page.word_count.div_ceil(200).max(1),
            authors,
            highlights: page.front.highlights.clone(),
            share,
            translations,
            body_html: body.html(page, &self.base_path),
            notes: body.notes.clone(),
            references_html: body.references_html.clone(),
            tags,
            similar,
            cite: cite.as_ref().map(|(view, _)| view.clone()),
            pdf: crate::pdf::has_edition(self.pdf, page)
                .then(|| self.url(&crate::pdf::edition_path(page))),
            extra: page.front.extra.clone(),
        };
        let pdf = self.pdf_edition(page, &article)?;
        let meta = self.article_meta(page, body);
        let template = match (&page.front.template, page.kind) {
            (Some(t), _) => t.as_str(),
            (None, PageKind::Article) => "article.html",
            (None, PageKind::Page) => "page.html",
        };
        let site = section.and_then(|s| self.section_site(lang, &s.id));
        let mut out = vec![self.render(
            template,
            lang,
            &page.path,
            site,
            Content {
                meta,
                article: Some(article),
                list: None,
                search_html: None,
            },
        )?];
        if let Some((_, files)) = cite {
            out.extend(files);
        }
        out.extend(pdf);
        if self.cards_enabled(page) {
            let card = quire_cards::Card {
                title: page.front.title.clone(),
                section: section.map(|s| s.title_in(lang)).unwrap_or_default(),
                site: self.sites[lang].title.clone(),
                rtl: self.sites[lang].dir == "rtl",
            };
            let draw = || {
                quire_cards::render(&card).map_err(|e| {
                    Diagnostic::error(page.source_path.clone(), format!("social card: {e}"))
                })
            };
            let file = format!("{}card.png", page.path.trim_start_matches('/'));
            let png = match self.cache {
                Some((cache, _)) => {
                    let key = key_of(&(&card.title, &card.section, &card.site, card.rtl));
                    cache.output(&file, key, draw)?
                }
                None => draw()?,
            };
            out.push(Artifact::bytes(file, png));
        }
        Ok(out)
    }

    fn cite_view(&self, page: &Page) -> (CiteView, Vec<Artifact>) {
        let reference = self.article_ref(page);
        let html = self.derived.cite.cite_article(&reference, &page.lang);
        let dir = page.path.trim_start_matches('/');
        let files = vec![
            Artifact::bytes(
                format!("{dir}cite.bib"),
                quire_cite::export_bibtex(&reference),
            ),
            Artifact::bytes(format!("{dir}cite.ris"), quire_cite::export_ris(&reference)),
            Artifact::bytes(
                format!("{dir}cite.json"),
                quire_cite::export_csl_json(&reference),
            ),
        ];
        let view = CiteView {
            html,
            bib: self.url(&format!("{}cite.bib", page.path)),
            ris: self.url(&format!("{}cite.ris", page.path)),
            json: self.url(&format!("{}cite.json", page.path)),
        };
        (view, files)
    }

    /// The article as a citable work.
    pub fn article_ref(&self, page: &Page) -> quire_cite::ArticleRef {
        let config = &self.corpus.config;
        let lang_title = config
            .language(&page.lang)
            .map(|l| l.title.clone())
            .unwrap_or_else(|| config.title.clone());
        quire_cite::ArticleRef {
            title: page.front.title.clone(),
            authors: page
                .front
                .authors
                .iter()
                .filter_map(|id| self.corpus.authors.get(id))
                .map(|a| a.name_in(&page.lang).to_string())
                .collect(),
            date: page.front.date.map(|d| d.ymd()).unwrap_or((1970, 1, 1)),
            updated: page.front.updated.map(|d| d.ymd()),
            url: page.permalink.clone(),
            publisher: lang_title,
            lang: page.lang.clone(),
            section: page
                .section
                .as_ref()
                .and_then(|s| self.corpus.section(s))
                .map(|s| s.title_in(&page.lang))
                .unwrap_or_default(),
            key: format!("{}-{}", page.slug, page.lang),
        }
    }

    fn article_meta(&self, page: &Page, body: &crate::notes::PageBody) -> Meta {
        let config = &self.corpus.config;
        let lang = &page.lang;
        let site = &self.sites[lang];
        let group = &self.corpus.groups[page.group];
        let mut alternates: Vec<Alternate> = config
            .languages
            .iter()
            .filter_map(|l| {
                group.versions.get(&l.code).map(|&i| Alternate {
                    hreflang: l.code.clone(),
                    url: self.corpus.pages[i].permalink.clone(),
                })
            })
            .collect();
        let default_version = group
            .representative(&config.default_language().code)
            .map(|i| self.corpus.pages[i].permalink.clone());
        if let Some(url) = default_version {
            alternates.push(Alternate {
                hreflang: "x-default".into(),
                url,
            });
        }
        let card = self
            .cards_enabled(page)
            .then(|| format!("{}card.png", page.permalink));
        let image = page
            .front
            .image
            .as_ref()
            .map(|img| {
                if img.starts_with("http://") || img.starts_with("https://") {
                    img.clone()
                } else if img.starts_with('/') {
                    config.permalink(img)
                } else {
                    format!("{}{img}", page.permalink)
                }
            })
            .or(card);
        let authors: Vec<&Author> = page
            .front
            .authors
            .iter()
            .filter_map(|id| self.corpus.authors.get(id))
            .collect();
        let prefix = self.prefix(lang);
        let section_title = page
            .section
            .as_ref()
            .and_then(|s| self.corpus.section(s))
            .map(|s| s.title_in(lang));
        let mut og_extra = Vec::new();
        let mut highwire = Vec::new();
        if page.kind == PageKind::Article {
            if let Some(d) = page.front.date {
                og_extra.push(MetaTag {
                    name: "article:published_time".into(),
                    content: d.rfc3339(),
                });
            }
            if let Some(d) = page.front.updated {
                og_extra.push(MetaTag {
                    name: "article:modified_time".into(),
                    content: d.rfc3339(),
                });
            }
            for a in &authors {
                og_extra.push(MetaTag {
                    name: "article:author".into(),
                    content: config.permalink(&format!("{prefix}authors/{}/", a.id)),
                });
            }
            if let Some(s) = &section_title {
                og_extra.push(MetaTag {
                    name: "article:section".into(),
                    content: s.clone(),
                });
            }
            for terms in page.front.taxonomies.values() {
                for t in terms {
                    og_extra.push(MetaTag {
                        name: "article:tag".into(),
                        content: t.clone(),
                    });
                }
            }
            highwire.push(MetaTag {
                name: "citation_title".into(),
                content: page.front.title.clone(),
            });
            for a in &authors {
                highwire.push(MetaTag {
                    name: "citation_author".into(),
                    content: a.name_in(lang).to_string(),
                });
            }
            if let Some(d) = page.front.date {
                let (y, m, dd) = d.ymd();
                highwire.push(MetaTag {
                    name: "citation_publication_date".into(),
                    content: format!("{y:04}/{m:02}/{dd:02}"),
                });
                highwire.push(MetaTag {
                    name: "citation_online_date".into(),
                    content: format!("{y:04}/{m:02}/{dd:02}"),
                });
            }
            highwire.push(MetaTag {
                name: "citation_language".into(),
                content: lang.clone(),
            });
            highwire.push(MetaTag {
                name: "citation_publisher".into(),
                content: site.title.clone(),
            });
            highwire.push(MetaTag {
                name: "citation_public_url".into(),
                content: page.permalink.clone(),
            });
            if let Some(pdf) = &page.front.pdf {
                let url = if pdf.starts_with("http") {
                    pdf.clone()
                } else if pdf.starts_with('/') {
                    config.permalink(pdf)
                } else {
                    format!("{}{pdf}", page.permalink)
                };
                highwire.push(MetaTag {
                    name: "citation_pdf_url".into(),
                    content: url,
                });
            } else if crate::pdf::has_edition(self.pdf, page) {
                highwire.push(MetaTag {
                    name: "citation_pdf_url".into(),
                    content: config.permalink(&crate::pdf::edition_path(page)),
                });
            }
            for reference in &body.references {
                highwire.push(MetaTag {
                    name: "citation_reference".into(),
                    content: reference.clone(),
                });
            }
        }
        let jsonld = self.article_jsonld(
            page,
            &authors,
            image.as_deref(),
            section_title.as_deref(),
            &body.references,
        );
        Meta {
            title: format!("{} — {}", page.front.title, site.title),
            description: page.summary.clone(),
            canonical: page.permalink.clone(),
            alternates,
            feeds: site.feeds.clone(),
            og_title: page.front.title.clone(),
            og_type: if page.kind == PageKind::Article {
                "article".into()
            } else {
                "website".into()
            },
            og_locale_alternates: self
                .corpus
                .translations(page)
                .iter()
                .filter_map(|t| config.language(&t.lang))
                .map(|l| l.locale.clone())
                .collect(),
            image,
            og_extra,
            highwire,
            jsonld: Some(jsonld),
            noindex: false,
        }
    }

    fn article_jsonld<'v>(
        &'v self,
        page: &'v Page,
        authors: &[&'v Author],
        image: Option<&'v str>,
        section: Option<&'v str>,
        references: &'v [String],
    ) -> String {
        let config = &self.corpus.config;
        let prefix = self.prefix(&page.lang);
        let site = &self.sites[&page.lang];
        let author = authors
            .iter()
            .map(|a| PersonLd {
                kind: "Person",
                affiliation: a.affiliation.as_deref().map(|name| OrganizationLd {
                    kind: "Organization",
                    name,
                    url: None,
                }),
                name: a.name_in(&page.lang),
                url: config.permalink(&format!("{prefix}authors/{}/", a.id)),
            })
            .collect();
        // The section's `schema_type` (e.g. `Report`) wins; analyses are
        // scholarly articles by default.
        let kind = match page.kind {
            PageKind::Article => page
                .section
                .as_ref()
                .and_then(|s| self.corpus.section(s))
                .and_then(|s| s.schema_type.as_deref())
                .unwrap_or("ScholarlyArticle"),
            PageKind::Page => "WebPage",
        };
        let work = |p: &'v Page| WorkLd {
            kind,
            headline: &p.front.title,
            in_language: &p.lang,
            url: &p.permalink,
        };
        // The original is the default-language version (else the oldest);
        // the others are its translations.
        let group = &self.corpus.groups[page.group];
        let original = group
            .representative(&config.default_language().code)
            .map(|i| &self.corpus.pages[i]);
        let is_original = original.is_none_or(|o| o.index == page.index);
        let work_translation = if is_original {
            self.corpus
                .translations(page)
                .into_iter()
                .map(work)
                .collect()
        } else {
            Vec::new()
        };
        let value = ArticleLd {
            context: "https://schema.org",
            kind,
            abstract_text: (!page.front.highlights.is_empty())
                .then(|| page.front.highlights.join(" ")),
            article_section: section,
            author,
            citation: references
                .iter()
                .map(|r| CreativeWorkLd {
                    kind: "CreativeWork",
                    name: r,
                })
                .collect(),
            date_modified: page
                .front
                .date
                .map(|d| page.front.updated.unwrap_or(d).rfc3339()),
            date_published: page.front.date.map(|d| d.rfc3339()),
            description: &page.summary,
            headline: &page.front.title,
            image,
            in_language: &page.lang,
            keywords: page
                .front
                .taxonomies
                .values()
                .flatten()
                .map(String::as_str)
                .collect(),
            main_entity_of_page: &page.permalink,
            publisher: OrganizationLd {
                kind: "Organization",
                name: &site.title,
                url: Some(config.permalink(&prefix)),
            },
            translation_of_work: original.filter(|_| !is_original).map(work),
            url: &page.permalink,
            work_translation,
        };
        script_json(&value)
    }

    // ---- listings --------------------------------------------------------

    fn paginated(&self, lang: &str, listing: Listing<'_>) -> Result<Vec<Artifact>, Diagnostic> {
        let Listing {
            site,
            template,
            base,
            items,
            per_page,
            rest,
            title,
            description,
            languages,
        } = listing;
        let prefix = self.prefix(lang);
        let first = format!("{prefix}{rest}");
        let per_page = per_page.max(1);
        let total = items.len().div_ceil(per_page).max(1);
        let page_path = |n: usize| {
            if n == 1 {
                first.clone()
            } else {
                format!("{first}page/{n}/")
            }
        };
        // A listing of thousands of articles is hundreds of pages: they
        // render in parallel, or the build ends waiting on one core for the
        // largest section.
        let render_page = |n: usize| -> Result<Artifact, Diagnostic> {
            let slice = items.iter().skip((n - 1) * per_page).take(per_page);
            let mut list = base.clone();
            list.items = slice
                .map(|&i| self.prepared_card(&self.corpus.pages[i], lang))
                .collect();
            list.pagination = Some(Pagination {
                current: n,
                total,
                prev_url: (n > 1).then(|| self.url(&page_path(n - 1))),
                next_url: (n < total).then(|| self.url(&page_path(n + 1))),
            });
            let path = page_path(n);
            let mut meta = self.list_meta(lang, title, description, &path, rest);
            if let Some(langs) = &languages {
                let default = &self.corpus.config.default_language().code;
                meta.alternates.retain(|a| {
                    langs.contains(&a.hreflang)
                        || (a.hreflang == "x-default" && langs.contains(default))
                });
            }
            self.render(
                template,
                lang,
                &path,
                site.clone(),
                Content {
                    meta,
                    article: None,
                    list: Some(list),
                    search_html: None,
                },
            )
        };
        (1..=total).into_par_iter().map(render_page).collect()
    }

    fn home(&self, lang: &str) -> Result<Vec<Artifact>, Diagnostic> {
        let ui = self.ui(lang);
        let site = &self.sites[lang];
        let prefix = self.prefix(lang);
        let home = self.corpus.home.get(lang);
        let per_group = 6;
        let groups: Vec<CardGroup> = self
            .corpus
            .sections
            .iter()
            .filter_map(|s| {
                let pages = s.pages.get(lang)?;
                (!pages.is_empty()).then(|| CardGroup {
                    title: s.title_in(lang),
                    url: self.url(&s.path(&prefix)),
                    items: pages
                        .iter()
                        .take(per_group)
                        .map(|&i| self.prepared_card(&self.corpus.pages[i], lang))
                        .collect(),
                    more_label: (pages.len() > per_group).then(|| {
                        ui.get("all_in_section")
                            .replace("{section}", &s.title_in(lang))
                    }),
                })
            })
            .collect();
        let list = ListView {
            kind: "home".into(),
            heading: home
                .and_then(|h| h.title.clone())
                .unwrap_or_else(|| site.title.clone()),
            description: home
                .and_then(|h| h.description.clone())
                .or_else(|| Some(site.description.clone()).filter(|d| !d.is_empty())),
            intro_html: home
                .map(|h| h.html.clone())
                .filter(|h| !h.trim().is_empty()),
            show_empty: groups.is_empty(),
            groups,
            ..ListView::default()
        };
        let mut meta = self.list_meta(lang, "", &site.description, &prefix, "");
        meta.jsonld = Some(script_json(&json!({
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": site.title,
            "url": self.corpus.config.permalink(&prefix),
            "inLanguage": lang,
        })));
        Ok(vec![self.render(
            "home.html",
            lang,
            &prefix,
            None,
            Content {
                meta,
                article: None,
                list: Some(list),
                search_html: None,
            },
        )?])
    }

    fn section(&self, index: usize, lang: &str) -> Result<Vec<Artifact>, Diagnostic> {
        let section = &self.corpus.sections[index];
        let items = section.pages.get(lang).cloned().unwrap_or_default();
        let title = section.title_in(lang);
        let description = section.descriptions.get(lang).cloned();
        let base = ListView {
            kind: "section".into(),
            heading: title.clone(),
            description: description.clone(),
            intro_html: section
                .intros
                .get(lang)
                .cloned()
                .filter(|h| !h.trim().is_empty()),
            show_empty: true,
            ..ListView::default()
        };
        let per_page = section.paginate.unwrap_or(self.corpus.config.paginate);
        self.paginated(
            lang,
            Listing {
                site: self.section_site(lang, &section.id),
                template: "section.html",
                base,
                items: &items,
                per_page,
                rest: &format!("{}/", section.id),
                title: &title,
                description: description.as_deref().unwrap_or(""),
                languages: None,
            },
        )
    }

    fn taxonomy_name(&self, lang: &str, name: &str) -> String {
        let key = format!("taxonomy_{name}");
        let ui = self.ui(lang);
        match ui.text.get(&key) {
            Some(v) => v.clone(),
            None => {
                let mut c = name.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            }
        }
    }

    fn taxonomy_list(&self, index: usize, lang: &str) -> Result<Vec<Artifact>, Diagnostic> {
        let tax = &self.corpus.taxonomies[index];
        let heading = self.taxonomy_name(lang, &tax.name);
        let links = tax
            .terms
            .get(lang)
            .into_iter()
            .flatten()
            .map(|t| CountLink {
                name: t.name.clone(),
                url: self.url(&t.path),
                count: t.pages.len(),
            })
            .collect::<Vec<_>>();
        let list = ListView {
            kind: "taxonomy-list".into(),
            heading: heading.clone(),
            show_empty: links.is_empty(),
            links,
            ..ListView::default()
        };
        let prefix = self.prefix(lang);
        let rest = format!("{}/", tax.name);
        let path = format!("{prefix}{rest}");
        let meta = self.list_meta(lang, &heading, "", &path, &rest);
        Ok(vec![self.render(
            "taxonomy_list.html",
            lang,
            &path,
            None,
            Content {
                meta,
                article: None,
                list: Some(list),
                search_html: None,
            },
        )?])
    }

    fn term(
        &self,
        index: usize,
        term_index: usize,
        lang: &str,
    ) -> Result<Vec<Artifact>, Diagnostic> {
        let tax = &self.corpus.taxonomies[index];
        let term = &tax.terms[lang][term_index];
        let base = ListView {
            kind: "taxonomy-term".into(),
            eyebrow: Some(self.taxonomy_name(lang, &tax.name)),
            heading: term.name.clone(),
            show_empty: true,
            ..ListView::default()
        };
        let per_page = self
            .corpus
            .config
            .taxonomies
            .iter()
            .find(|t| t.name == tax.name)
            .and_then(|t| t.paginate)
            .unwrap_or(self.corpus.config.paginate);
        let prefix = self.prefix(lang);
        let rest = term
            .path
            .strip_prefix(&prefix)
            .unwrap_or(&term.path)
            .to_string();
        // A term exists only in the languages that use it: alternates must
        // not point at listings that do not exist.
        let languages: Vec<String> = tax
            .terms
            .iter()
            .filter(|(_, terms)| terms.iter().any(|t| t.slug == term.slug))
            .map(|(l, _)| l.clone())
            .collect();
        self.paginated(
            lang,
            Listing {
                site: None,
                template: "taxonomy_term.html",
                base,
                items: &term.pages,
                per_page,
                rest: &rest,
                title: &term.name,
                description: "",
                languages: Some(languages),
            },
        )
    }

    fn authors(&self, lang: &str) -> Result<Vec<Artifact>, Diagnostic> {
        let ui = self.ui(lang);
        let prefix = self.prefix(lang);
        let links = self
            .corpus
            .authors
            .values()
            .map(|a| CountLink {
                name: a.name_in(lang).to_string(),
                url: self.url(&format!("{prefix}authors/{}/", a.id)),
                count: self
                    .corpus
                    .author_pages
                    .get(&a.id)
                    .and_then(|m| m.get(lang))
                    .map_or(0, Vec::len),
            })
            .collect::<Vec<_>>();
        let heading = ui.get("authors").to_string();
        let list = ListView {
            kind: "authors".into(),
            heading: heading.clone(),
            links,
            ..ListView::default()
        };
        let path = format!("{prefix}authors/");
        let meta = self.list_meta(lang, &heading, "", &path, "authors/");
        Ok(vec![self.render(
            "authors.html",
            lang,
            &path,
            None,
            Content {
                meta,
                article: None,
                list: Some(list),
                search_html: None,
            },
        )?])
    }

    fn author(&self, id: &str, lang: &str) -> Result<Vec<Artifact>, Diagnostic> {
        let author = &self.corpus.authors[id];
        let view = self.author_view(author, lang);
        let items = self
            .corpus
            .author_pages
            .get(id)
            .and_then(|m| m.get(lang))
            .cloned()
            .unwrap_or_default();
        let base = ListView {
            kind: "author".into(),
            eyebrow: Some(self.ui(lang).get("authors").to_string()),
            heading: view.name.clone(),
            show_empty: true,
            author: Some(view.clone()),
            ..ListView::default()
        };
        // The bio is Markdown; a meta description is plain text.
        let default = &self.corpus.config.default_language().code;
        let description = author
            .bio
            .get(lang)
            .or_else(|| author.bio.get(default))
            .map(|bio| {
                let text = quire_markdown::render(bio).plain_text;
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            })
            .unwrap_or_default();
        let mut artifacts = self.paginated(
            lang,
            Listing {
                site: None,
                template: "author.html",
                base,
                items: &items,
                per_page: self.corpus.config.paginate,
                rest: &format!("authors/{id}/"),
                title: &view.name,
                description: &description,
                languages: None,
            },
        )?;
        // The photo is published once, beside the default-language page.
        if lang == self.corpus.config.default_language().code
            && let Some(photo) = &author.photo
            && let Some(file) = photo.strip_prefix("authors/")
        {
            artifacts.push(Artifact {
                path: format!("authors/{id}/{}", file.rsplit('/').next().unwrap_or(file)),
                body: crate::emit::Body::Copy(self.corpus.files.root.join(photo)),
            });
        }
        Ok(artifacts)
    }

    fn not_found(&self, lang: &str) -> Result<Vec<Artifact>, Diagnostic> {
        let prefix = self.prefix(lang);
        let path = format!("{prefix}404.html");
        let mut meta = self.list_meta(
            lang,
            self.ui(lang).get("not_found_title"),
            "",
            &path,
            "404.html",
        );
        meta.noindex = true;
        meta.alternates.clear();
        Ok(vec![self.render(
            "404.html",
            lang,
            &path,
            None,
            Content {
                meta,
                article: None,
                list: None,
                search_html: None,
            },
        )?])
    }

    fn search(&self, lang: &str) -> Result<Vec<Artifact>, Diagnostic> {
        let prefix = self.prefix(lang);
        let path = format!("{prefix}search/");
        let strings = &self.texts[lang];
        let html = quire_search::search_page_html(
            lang,
            &self.url(&format!("/search/{lang}/")),
            &self.url("/assets/"),
            strings,
        );
        let meta = self.list_meta(lang, self.ui(lang).get("search"), "", &path, "search/");
        Ok(vec![self.render(
            "search.html",
            lang,
            &path,
            None,
            Content {
                meta,
                article: None,
                list: None,
                search_html: Some(html),
            },
        )?])
    }
}

/// A paginated listing to render.
struct Listing<'l> {
    /// The site view, when not the language's own (see `section_site`).
    site: Option<Prepared>,
    template: &'l str,
    base: ListView,
    items: &'l [usize],
    per_page: usize,
    /// Path after the language prefix (`analysis/`).
    rest: &'l str,
    title: &'l str,
    description: &'l str,
    /// Languages the listing exists in (all when `None`).
    languages: Option<Vec<String>>,
}

/// What a template shows besides the site: head, article, listing, search.
struct Content {
    meta: Meta,
    article: Option<ArticleView>,
    list: Option<ListView>,
    search_html: Option<String>,
}

enum Job {
    Page(usize),
    Home(String),
    NotFound(String),
    Authors(String),
    Search(String),
    Section(usize, String),
    TaxonomyList(usize, String),
    Term(usize, usize, String),
    Author(String, String),
}

/// The path part of the base URL without a trailing slash: `""` for a site
/// at the host root, `/sub` for `https://host/sub/`.
pub fn base_path_of(base_url: &str) -> String {
    let after_scheme = base_url
        .split_once("://")
        .map(|(_, r)| r)
        .unwrap_or(base_url);
    match after_scheme.find('/') {
        Some(i) => after_scheme[i..].trim_end_matches('/').to_string(),
        None => String::new(),
    }
}

/// Share links as plain URLs: no third-party scripts.
fn share_links(permalink: &str, title: &str, ui: &UiStrings) -> Vec<ShareLink> {
    let u = encode(permalink);
    let t = encode(title);
    let link = |id: &str, label: &str, url: String, external: bool| ShareLink {
        id: id.into(),
        label: label.into(),
        url,
        external,
    };
    vec![
        link(
            "x",
            "X",
            format!("https://x.com/intent/post?url={u}&text={t}"),
            true,
        ),
        link(
            "facebook",
            "Facebook",
            format!("https://www.facebook.com/sharer/sharer.php?u={u}"),
            true,
        ),
        link(
            "linkedin",
            "LinkedIn",
            format!("https://www.linkedin.com/sharing/share-offsite/?url={u}"),
            true,
        ),
        link(
            "telegram",
            "Telegram",
            format!("https://t.me/share/url?url={u}&text={t}"),
            true,
        ),
        link(
            "whatsapp",
            "WhatsApp",
            format!("https://wa.me/?text={t}%20{u}"),
            true,
        ),
        link(
            "email",
            ui.get("share_email"),
            format!("mailto:?subject={t}&body={u}"),
            false,
        ),
    ]
}
