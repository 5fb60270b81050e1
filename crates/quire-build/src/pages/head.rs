//! Head metadata: title, canonical URL and hreflang alternates, Open
//! Graph, Highwire (`citation_*`) tags and schema.org JSON-LD, for
//! articles and listings.

use quire_site::{Author, Listing as Route, Page, PageKind, Routes};

use super::{CARD_FILE, Renderer};
use crate::jsonld::{ArticleLd, CreativeWorkLd, OrganizationLd, PersonLd, WorkLd};
use crate::urls::script_json;
use crate::views::*;

impl Renderer<'_> {
    pub(super) fn list_meta(
        &self,
        lang: &str,
        title: &str,
        description: &str,
        path: &str,
        route: Route<'_>,
    ) -> Meta {
        let site = &self.sites[lang];
        Meta {
            title: if title.is_empty() {
                site.title.clone()
            } else {
                format!("{title} — {}", site.title)
            },
            description: description.to_string(),
            canonical: self.routes().permalink(path),
            alternates: self.routes().listing_alternates(route),
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

    pub(super) fn other_locales(&self, lang: &str) -> Vec<String> {
        self.corpus
            .config
            .languages
            .iter()
            .filter(|l| l.code != lang)
            .map(|l| l.locale.clone())
            .collect()
    }

    pub(super) fn article_meta(&self, page: &Page, body: &crate::notes::PageBody) -> Meta {
        let config = &self.corpus.config;
        let lang = &page.lang;
        let site = &self.sites[lang];
        let alternates = self.routes().alternates(page).to_vec();
        let card = self
            .cards_enabled(page)
            .then(|| Routes::beside(&page.permalink, CARD_FILE));
        let image = page
            .front
            .image
            .as_ref()
            .map(|img| {
                if img.starts_with("http://") || img.starts_with("https://") {
                    img.clone()
                } else if img.starts_with('/') {
                    self.routes().permalink(img)
                } else {
                    Routes::beside(&page.permalink, img)
                }
            })
            .or(card);
        let authors: Vec<&Author> = page
            .front
            .authors
            .iter()
            .filter_map(|id| self.corpus.authors.get(id))
            .collect();
        let section_title = page
            .section
            .as_ref()
            .and_then(|s| self.corpus.section(s))
            .map(|s| s.title_in(lang));
        let (og_extra, highwire) = if page.kind == PageKind::Article {
            (
                self.open_graph_article(page, &authors, section_title.as_deref()),
                self.highwire(page, &authors, body),
            )
        } else {
            (Vec::new(), Vec::new())
        };
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

    /// Open Graph `article:*` tags of an article.
    fn open_graph_article(
        &self,
        page: &Page,
        authors: &[&Author],
        section_title: Option<&str>,
    ) -> Vec<MetaTag> {
        let lang = &page.lang;
        let mut og_extra = Vec::new();
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
        for a in authors {
            og_extra.push(MetaTag {
                name: "article:author".into(),
                content: self.listing_permalink(lang, Route::Author(&a.id)),
            });
        }
        if let Some(s) = section_title {
            og_extra.push(MetaTag {
                name: "article:section".into(),
                content: s.to_string(),
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
        og_extra
    }

    /// Highwire Press `citation_*` tags of an article (read by Google
    /// Scholar and reference managers).
    fn highwire(
        &self,
        page: &Page,
        authors: &[&Author],
        body: &crate::notes::PageBody,
    ) -> Vec<MetaTag> {
        let lang = &page.lang;
        let site = &self.sites[lang];
        let mut highwire = Vec::new();
        highwire.push(MetaTag {
            name: "citation_title".into(),
            content: page.front.title.clone(),
        });
        for a in authors {
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
                self.routes().permalink(pdf)
            } else {
                Routes::beside(&page.permalink, pdf)
            };
            highwire.push(MetaTag {
                name: "citation_pdf_url".into(),
                content: url,
            });
        } else if crate::output::pdf::has_edition(self.pdf_setup(), page) {
            highwire.push(MetaTag {
                name: "citation_pdf_url".into(),
                content: self
                    .routes()
                    .permalink(&crate::output::pdf::edition_path(page)),
            });
        }
        for reference in &body.references {
            highwire.push(MetaTag {
                name: "citation_reference".into(),
                content: reference.clone(),
            });
        }
        highwire
    }

    pub(super) fn article_jsonld<'v>(
        &'v self,
        page: &'v Page,
        authors: &[&'v Author],
        image: Option<&'v str>,
        section: Option<&'v str>,
        references: &'v [String],
    ) -> String {
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
                url: self.listing_permalink(&page.lang, Route::Author(&a.id)),
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
        let original = self.routes().original(page).map(|i| &self.corpus.pages[i]);
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
                url: Some(self.listing_permalink(&page.lang, Route::Home)),
            },
            translation_of_work: original.filter(|_| !is_original).map(work),
            url: &page.permalink,
            work_translation,
        };
        script_json(&value)
    }
}
