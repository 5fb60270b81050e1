//! The article (and stand-alone page) view model: everything an article
//! template shows, and the article as a citable work.

use quire_core::Diagnostic;
use quire_site::{Listing as Route, Page, PageKind, Routes};
use quire_theme::Prepared;

use super::Content;
use super::Renderer;
use super::share::share_links;
use crate::emit::Artifact;
use crate::views::*;

impl Renderer<'_> {
    pub(super) fn page(&self, page: &Page) -> Result<Vec<Artifact>, Diagnostic> {
        let lang = &page.lang;
        let body = &self.derived.bodies[page.index];
        let section = page.section.as_ref().and_then(|s| self.corpus.section(s));
        let article = self.article_view(page);
        let meta = self.article_meta(page, body);
        let template = match (&page.front.template, page.kind) {
            (Some(t), _) => t.as_str(),
            (None, PageKind::Article) => "article.html",
            (None, PageKind::Page) => "page.html",
        };
        let site = section.and_then(|s| self.section_site(lang, &s.id));
        Ok(vec![self.render(
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
        )?])
    }

    /// Everything the article template shows of `page` (the PDF edition
    /// is made from the same view).
    pub(crate) fn article_view(&self, page: &Page) -> ArticleView {
        let lang = &page.lang;
        let ui = self.ui(lang);
        let body = &self.derived.bodies[page.index];
        let config = &self.corpus.config;
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
                            url: self.listing_url(
                                lang,
                                Route::Term {
                                    taxonomy: &tax.name,
                                    slug: &slug,
                                },
                            ),
                        })
                    })
            })
            .collect();
        let similar: Vec<Prepared> = self.derived.similar[page.index]
            .iter()
            .map(|m| self.prepared_card(&self.corpus.pages[m.doc], lang))
            .collect();
        let share = share_links(&page.permalink, &page.front.title, ui);
        let cite = (page.kind == PageKind::Article).then(|| self.cite_view(page));
        ArticleView {
            title: page.front.title.clone(),
            url: self.url(&page.path),
            permalink: page.permalink.clone(),
            section: section.map(|s| Link {
                name: s.title_in(lang),
                url: self.listing_url(lang, Route::Section(&s.id)),
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
            body_html: body.html(page, self.routes().base_path()),
            notes: body.notes.clone(),
            references_html: body.references_html.clone(),
            tags,
            similar,
            cite,
            pdf: crate::output::pdf::has_edition(self.pdf_setup(), page)
                .then(|| self.url(&crate::output::pdf::edition_path(page))),
            extra: page.front.extra.clone(),
        }
    }

    /// The "cite this" box of an article; its downloads are made by the
    /// cite-exports output ([`crate::output::cite`]).
    pub(super) fn cite_view(&self, page: &Page) -> CiteView {
        let reference = self.article_ref(page);
        let html = self.derived.cite.cite_article(&reference, &page.lang);
        let href = |format: crate::output::cite::Format| {
            self.url(&Routes::beside(&page.path, format.file_name()))
        };
        use crate::output::cite::Format;
        CiteView {
            html,
            bib: href(Format::Bibtex),
            ris: href(Format::Ris),
            json: href(Format::CslJson),
        }
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
}
