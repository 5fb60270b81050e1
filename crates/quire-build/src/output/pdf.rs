//! Output: the typeset PDF edition of every article version (`[pdf]
//! enabled = true`), `<slug>.pdf` beside the page, made by quire-pdf from
//! the same view the article page shows (notes, ibid., citations, dates
//! and strings in the page's language).
//!
//! Owns: the `[pdf]` setup (template and logo read once), the mapping from
//! a page's view to a quire-pdf [`Edition`], the output path and the cache
//! key. Must not know: how the PDF is laid out (quire-pdf and its template).
//!
//! The cache key is the whole edition (with the bytes of its images) and
//! the setup, rather than [`super::Context::page_key`]: an edition also
//! shows author roles, the site's title, UI strings and bundle images,
//! which that key does not cover.

use std::path::{Component, Path};

use quire_core::{Diagnostic, SourceText};
use quire_pdf::{Asset, Author, CiteThis, Edition, Note, Origin, PageSize, Strings};
use quire_site::config::PdfPage;
use quire_site::{Corpus, Page, PageKind, Routes};
use rayon::prelude::*;
use scraper::{Html, Selector};

use super::{Context, Output, Produced};
use crate::cache::{Key, key_of};
use crate::emit::Artifact;
use crate::outputs::Outputs;
use crate::pages::Renderer;
use crate::views::ArticleView;

/// The PDF editions.
pub(crate) struct PdfEditions;

impl Output for PdfEditions {
    fn name(&self) -> &'static str {
        "pdf"
    }

    fn produce(&self, cx: &Context<'_>, into: &Outputs<'_>) -> Produced {
        let Some(setup) = cx.renderer.pdf_setup() else {
            return Produced::default();
        };
        let diagnostics: Vec<Diagnostic> = cx
            .corpus
            .pages
            .par_iter()
            .filter(|page| has_edition(Some(setup), page))
            .filter_map(|page| {
                let edition = edition(cx.renderer, page, &cx.renderer.article_view(page), setup);
                let file = Routes::output_file(&edition_path(page));
                let typeset = || {
                    quire_pdf::typeset(&edition, &setup.template)
                        .map(|t| t.pdf)
                        .map_err(|e| located(e, page, setup))
                };
                let pdf = match cx.cache {
                    Some(cache) => cache.output(&file, key_of(&(setup.key, &edition)), typeset),
                    None => typeset(),
                };
                match pdf {
                    Ok(pdf) => {
                        into.put(vec![Artifact::bytes(file, pdf)]);
                        None
                    }
                    Err(d) => Some(d),
                }
            })
            .collect();
        Produced {
            pages: 0,
            diagnostics,
        }
    }
}

/// What every edition of a site shares: the template, the logo, the paper.
pub struct PdfSetup {
    /// Typst source of the template.
    template: String,
    /// The site's template file (site-relative), when it replaces the
    /// built-in one.
    template_path: Option<String>,
    logo: Option<Asset>,
    page: PageSize,
    /// Key over all of the above (part of every edition's cache key).
    key: Key,
}

impl PdfSetup {
    /// The setup of `corpus`'s `[pdf]` table: `None` when PDFs are off, an
    /// error naming `quire.toml` when the template or logo cannot be read.
    pub fn load(corpus: &Corpus) -> Result<Option<PdfSetup>, Diagnostic> {
        let config = &corpus.config.pdf;
        if !config.enabled {
            return Ok(None);
        }
        let root = &corpus.files.root;
        let template = match &config.template {
            Some(path) => {
                String::from_utf8(read_site_file(root, path, "template")?).map_err(|_| {
                    Diagnostic::error(
                        quire_site::config::CONFIG_FILE,
                        format!("[pdf] template `{path}` is not UTF-8 text: save it as UTF-8"),
                    )
                })?
            }
            None => quire_pdf::BUILTIN_TEMPLATE.to_owned(),
        };
        let logo = match &config.logo {
            Some(path) => Some(Asset {
                src: path.clone(),
                bytes: read_site_file(root, path, "logo")?,
            }),
            None => None,
        };
        let page = match config.page {
            PdfPage::A4 => PageSize::A4,
            PdfPage::Letter => PageSize::Letter,
        };
        let key = key_of(&(&template, &logo, page, env!("CARGO_PKG_VERSION")));
        Ok(Some(PdfSetup {
            template,
            template_path: config.template.clone(),
            logo,
            page,
            key,
        }))
    }
}

/// The bytes of a file the `[pdf]` table names, relative to the site root.
fn read_site_file(root: &Path, path: &str, what: &str) -> Result<Vec<u8>, Diagnostic> {
    let relative = Path::new(path);
    let inside = relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    if !inside {
        return Err(Diagnostic::error(
            quire_site::config::CONFIG_FILE,
            format!("[pdf] {what} `{path}` must be a path inside the site, relative to its root"),
        ));
    }
    std::fs::read(root.join(relative)).map_err(|e| {
        Diagnostic::error(
            quire_site::config::CONFIG_FILE,
            format!("[pdf] {what} `{path}` cannot be read: {e}"),
        )
    })
}

/// Whether `page` gets a typeset edition under `setup`: articles, unless
/// the front matter says `pdf = false` or names a hand-made PDF.
pub fn has_edition(setup: Option<&PdfSetup>, page: &Page) -> bool {
    setup.is_some() && wants_edition(page)
}

/// Articles want an edition unless their front matter says `pdf = false`
/// or names a hand-made PDF.
fn wants_edition(page: &Page) -> bool {
    page.kind == PageKind::Article && page.front.pdf_edition && page.front.pdf.is_none()
}

/// Whether `page` gets a typeset edition in `corpus` (its `[pdf]` table
/// and the page's front matter).
pub fn has_edition_enabled(corpus: &Corpus, page: &Page) -> bool {
    corpus.config.pdf.enabled && wants_edition(page)
}

/// The site path of `page`'s edition: `/analysis/x/x.pdf`.
pub fn edition_path(page: &Page) -> String {
    let name = page.slug.rsplit('/').next().unwrap_or(&page.slug);
    Routes::beside(&page.path, &format!("{name}.pdf"))
}

fn edition(
    renderer: &Renderer<'_>,
    page: &Page,
    article: &ArticleView,
    setup: &PdfSetup,
) -> Edition {
    let lang = &page.lang;
    let ui = renderer.strings.of(lang);
    let site = &renderer.sites[lang];
    let date_ymd = page.front.date.map(|d| d.ymd()).unwrap_or((1970, 1, 1));
    Edition {
        lang: lang.clone(),
        rtl: site.dir == "rtl",
        institute: site.title.clone(),
        logo: setup.logo.clone(),
        section: article.section.as_ref().map(|s| s.name.clone()),
        title: article.title.clone(),
        authors: article
            .authors
            .iter()
            .map(|a| Author {
                name: a.name.clone(),
                role: a.role.clone(),
            })
            .collect(),
        date: article.date_display.clone(),
        date_ymd,
        highlights: article.highlights.clone(),
        body_html: article.body_html.clone(),
        notes: article
            .notes
            .iter()
            .map(|n| Note {
                n: n.n,
                html: n.html.clone(),
            })
            .collect(),
        references_html: article.references_html.clone(),
        // The access date is the version's own (its last update, else
        // its publication): a build-time date would make every build's
        // PDF differ.
        cite: article.cite.as_ref().map(|c| CiteThis {
            html: c.html.clone(),
            url: page.permalink.clone(),
            accessed: article
                .updated_display
                .clone()
                .unwrap_or_else(|| article.date_display.clone()),
        }),
        url: page.permalink.clone(),
        images: body_images(renderer, page, &article.body_html),
        page: setup.page,
        strings: Strings {
            highlights: ui.get("highlights").to_owned(),
            references: ui.get("references").to_owned(),
            cite_this: ui.get("cite_this").to_owned(),
            accessed: ui.get("accessed").to_owned(),
            by: ui.get("by").to_owned(),
        },
    }
}

/// The files the body's images point to: a bundle file (`map.png`,
/// or the page's own path), or a file of `static/` (`/img/a.png`).
/// Others (remote images) are left to quire-pdf, which prints their
/// description.
fn body_images(renderer: &Renderer<'_>, page: &Page, body_html: &str) -> Vec<Asset> {
    let Ok(img) = Selector::parse("img[src]") else {
        return Vec::new();
    };
    let html = Html::parse_fragment(body_html);
    let root = &renderer.corpus.files.root;
    let page_url = renderer.url(&page.path);
    let mut assets: Vec<Asset> = Vec::new();
    for src in html.select(&img).filter_map(|i| i.value().attr("src")) {
        if assets.iter().any(|a| a.src == src) || src.contains("..") || src.contains(':') {
            continue;
        }
        let file = if let Some(rest) = src
            .strip_prefix(page_url.as_str())
            .filter(|_| src.starts_with('/'))
        {
            page.bundle_dir
                .as_ref()
                .map(|dir| root.join(dir).join(rest))
        } else if let Some(rest) = src.strip_prefix('/') {
            let rest = rest
                .strip_prefix(renderer.corpus.routes.base_path().trim_start_matches('/'))
                .unwrap_or(rest);
            Some(root.join("static").join(rest.trim_start_matches('/')))
        } else {
            page.bundle_dir.as_ref().map(|dir| root.join(dir).join(src))
        };
        if let Some(bytes) = file.and_then(|f| std::fs::read(f).ok()) {
            assets.push(Asset {
                src: src.to_owned(),
                bytes,
            });
        }
    }
    assets
}

/// A quire-pdf error as a diagnostic: on the site's template line when the
/// template failed, else on the article.
fn located(error: quire_pdf::Error, page: &Page, setup: &PdfSetup) -> Diagnostic {
    match (&error.origin, &setup.template_path) {
        (Origin::Template { line, column }, Some(path)) => {
            let source = SourceText::new(&setup.template);
            Diagnostic::error(
                path.clone(),
                format!("PDF edition of {}: {error}", page.source_path),
            )
            .at_line(&source, *line, *column)
        }
        _ => Diagnostic::error(page.source_path.clone(), format!("{error}")),
    }
}
