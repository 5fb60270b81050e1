//! Listings: home, sections, taxonomy lists and terms, authors, their
//! pagination, and the search and "not found" pages.

use quire_core::Diagnostic;
use quire_site::{Listing as Route, Routes};
use quire_theme::Prepared;
use rayon::prelude::*;
use serde_json::json;

use super::{Content, Renderer};
use crate::emit::Artifact;
use crate::urls::script_json;
use crate::views::*;

/// A paginated listing to render.
pub(super) struct Listing<'l> {
    /// The site view, when not the language's own (see `section_site`).
    site: Option<Prepared>,
    template: &'l str,
    base: ListView,
    items: &'l [usize],
    per_page: usize,
    /// Which listing, without its language.
    route: Route<'l>,
    title: &'l str,
    description: &'l str,
    /// Languages the listing exists in (all when `None`).
    languages: Option<Vec<String>>,
}

impl Renderer<'_> {
    pub(super) fn paginated(
        &self,
        lang: &str,
        listing: Listing<'_>,
    ) -> Result<Vec<Artifact>, Diagnostic> {
        let Listing {
            site,
            template,
            base,
            items,
            per_page,
            route,
            title,
            description,
            languages,
        } = listing;
        let first = self.routes().listing(lang, route);
        let per_page = per_page.max(1);
        let total = items.len().div_ceil(per_page).max(1);
        let page_path = |n: usize| Routes::pagination(&first, n);
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
            let mut meta = self.list_meta(lang, title, description, &path, route);
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

    pub(super) fn home(&self, lang: &str) -> Result<Vec<Artifact>, Diagnostic> {
        let ui = self.ui(lang);
        let site = &self.sites[lang];
        let path = self.routes().listing(lang, Route::Home);
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
                    url: self.listing_url(lang, Route::Section(&s.id)),
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
        let mut meta = self.list_meta(lang, "", &site.description, &path, Route::Home);
        meta.jsonld = Some(script_json(&json!({
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": site.title,
            "url": self.routes().permalink(&path),
            "inLanguage": lang,
        })));
        Ok(vec![self.render(
            "home.html",
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

    pub(super) fn section(&self, index: usize, lang: &str) -> Result<Vec<Artifact>, Diagnostic> {
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
                route: Route::Section(&section.id),
                title: &title,
                description: description.as_deref().unwrap_or(""),
                languages: None,
            },
        )
    }

    pub(super) fn taxonomy_name(&self, lang: &str, name: &str) -> String {
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

    pub(super) fn taxonomy_list(
        &self,
        index: usize,
        lang: &str,
    ) -> Result<Vec<Artifact>, Diagnostic> {
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
        let route = Route::Taxonomy(&tax.name);
        let path = self.routes().listing(lang, route);
        let meta = self.list_meta(lang, &heading, "", &path, route);
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

    pub(super) fn term(
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
                route: Route::Term {
                    taxonomy: &tax.name,
                    slug: &term.slug,
                },
                title: &term.name,
                description: "",
                languages: Some(languages),
            },
        )
    }

    pub(super) fn authors(&self, lang: &str) -> Result<Vec<Artifact>, Diagnostic> {
        let ui = self.ui(lang);
        let links = self
            .corpus
            .authors
            .values()
            .map(|a| CountLink {
                name: a.name_in(lang).to_string(),
                url: self.listing_url(lang, Route::Author(&a.id)),
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
        let path = self.routes().listing(lang, Route::Authors);
        let meta = self.list_meta(lang, &heading, "", &path, Route::Authors);
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

    pub(super) fn author(&self, id: &str, lang: &str) -> Result<Vec<Artifact>, Diagnostic> {
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
                route: Route::Author(id),
                title: &view.name,
                description: &description,
                languages: None,
            },
        )?;
        // The photo is published once, beside the default-language page.
        if lang == self.corpus.config.default_language().code
            && let Some(photo) = &author.photo
            && let Some(file) = Routes::author_photo_file(id, photo)
        {
            artifacts.push(Artifact {
                path: Routes::output_file(&file),
                body: crate::emit::Body::Copy(self.corpus.files.root.join(photo)),
            });
        }
        Ok(artifacts)
    }

    pub(super) fn not_found(&self, lang: &str) -> Result<Vec<Artifact>, Diagnostic> {
        let path = self.routes().listing(lang, Route::NotFound);
        let mut meta = self.list_meta(
            lang,
            self.ui(lang).get("not_found_title"),
            "",
            &path,
            Route::NotFound,
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

    pub(super) fn search(&self, lang: &str) -> Result<Vec<Artifact>, Diagnostic> {
        let path = self.routes().listing(lang, Route::Search);
        let strings = &self.texts[lang];
        let html = quire_search::search_page_html(
            lang,
            &self.url(&Routes::search_index(lang)),
            &self.url(Routes::ASSETS),
            strings,
        );
        let meta = self.list_meta(lang, self.ui(lang).get("search"), "", &path, Route::Search);
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
