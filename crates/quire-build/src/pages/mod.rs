//! Render: view models for every kind of page, passed through the theme.
//! Rendering never writes; it returns artifacts.
//!
//! One module a job: [`article`] (the article view model), [`listings`]
//! (home, sections, terms, authors, pagination), [`head`] (SEO, Open Graph,
//! JSON-LD) and [`share`] (share links); this module holds the shared
//! state, the jobs and the pieces every page uses (cards, author views).

mod article;
mod head;
mod listings;
mod share;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use quire_core::Diagnostic;
use quire_site::{Author, Corpus, FeedKind, Listing as Route, Page, PageKind, PubDate, Routes};
use quire_theme::{Prepared, Strings, Theme, UiStrings, format_date};
use rayon::prelude::*;

use crate::cache::{BuildCache, Key, key_of, key_of_serialized};
use crate::derive::Derived;
use crate::emit::Artifact;
use crate::outputs::Outputs;
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
    pub(crate) cache: Option<(&'a BuildCache, Key)>,
    /// The `[pdf]` setup when the site typesets PDF editions.
    pdf: Option<&'a crate::output::pdf::PdfSetup>,
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
        let routes = &corpus.routes;
        let mut sites = BTreeMap::new();
        let mut texts = BTreeMap::new();
        for lang in &corpus.config.languages {
            let code = lang.code.as_str();
            let u = |path: &str| routes.href(path);
            let languages = corpus
                .config
                .languages
                .iter()
                .map(|l| LangLink {
                    code: l.code.clone(),
                    name: l.name.clone(),
                    url: u(&routes.listing(&l.code, Route::Home)),
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
                    url: u(&routes.listing(code, Route::Section(&s.id))),
                    current: false,
                })
                .collect();
            let home = routes.listing(code, Route::Home);
            let feeds = FeedKind::ALL
                .iter()
                .map(|&kind| FeedLink {
                    title: kind.title().into(),
                    url: u(&Routes::feed(&home, kind)),
                    mime: kind.mime().into(),
                })
                .collect();
            sites.insert(
                lang.code.clone(),
                SiteView {
                    title: lang.title.clone(),
                    description: lang.description.clone(),
                    lang: lang.code.clone(),
                    dir: lang.dir.clone(),
                    locale: lang.locale.clone(),
                    home_url: u(&home),
                    search_url: derived
                        .search
                        .enabled
                        .then(|| u(&routes.listing(code, Route::Search))),
                    css_url: u(&css_url),
                    authors_url: u(&routes.listing(code, Route::Authors)),
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

    /// This renderer, typesetting a PDF edition of every article with
    /// `setup` (see [`crate::output::pdf`]).
    pub fn with_pdf(mut self, setup: Option<&'a crate::output::pdf::PdfSetup>) -> Self {
        self.pdf = setup;
        self
    }

    /// The `[pdf]` setup, when PDF editions are made.
    pub(crate) fn pdf_setup(&self) -> Option<&'a crate::output::pdf::PdfSetup> {
        self.pdf
    }

    /// This renderer, taking each output whose inputs did not change from
    /// `cache` instead of rendering it again.
    pub fn reusing(mut self, cache: &'a BuildCache) -> Self {
        let templates = key_of(&self.corpus.files.templates);
        self.cache = Some((cache, templates));
        self
    }

    /// The site's routes.
    fn routes(&self) -> &'a Routes {
        &self.corpus.routes
    }

    /// A site path as written in pages.
    pub fn url(&self, path: &str) -> String {
        self.corpus.routes.href(path)
    }

    /// The href of a listing in `lang`.
    fn listing_url(&self, lang: &str, route: Route<'_>) -> String {
        self.url(&self.routes().listing(lang, route))
    }

    /// The permalink of a listing in `lang`.
    fn listing_permalink(&self, lang: &str, route: Route<'_>) -> String {
        let routes = self.routes();
        routes.permalink(&routes.listing(lang, route))
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
        let file = Routes::output_file(path);
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

    /// Renders one content page's HTML (its "cite this" files and social
    /// card are outputs of their own, see [`crate::output`]).
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
            section_url: section.map(|s| self.listing_url(lang, Route::Section(&s.id))),
            authors: page
                .front
                .authors
                .iter()
                .filter_map(|id| self.corpus.authors.get(id))
                .map(|a| Link {
                    name: a.name_in(lang).to_string(),
                    url: self.listing_url(lang, Route::Author(&a.id)),
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
        let default = &self.corpus.config.default_language().code;
        let bio = author
            .bio_html
            .get(lang)
            .or_else(|| author.bio_html.get(default));
        AuthorView {
            id: author.id.clone(),
            name: author.name_in(lang).to_string(),
            url: self.listing_url(lang, Route::Author(&author.id)),
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
    pub fn cards_enabled(&self, page: &Page) -> bool {
        self.corpus.config.social.cards
            && page.kind == PageKind::Article
            && page.front.image.is_none()
    }

    /// Where an author photo is published.
    pub fn photo_url(&self, author: &Author, photo: &str) -> String {
        self.routes().author_photo_href(&author.id, photo)
    }
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

/// The file name of an article's generated social card, beside its page.
pub const CARD_FILE: &str = "card.png";
