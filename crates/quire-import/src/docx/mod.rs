//! `quire import docx`: one Word document → one page bundle (or one
//! translation in an existing bundle), with its notes, reference-manager
//! citations (their items added to `bibliography/imported.json`), tables
//! and images.
//!
//! Owns: the options, reading the site (languages, authors, bibliography)
//! and the document's metadata (`docProps/core.xml`, Title/Author/Date/
//! Abstract paragraphs), deciding title, authors, date and language, and
//! writing the result so that the site is never left half-imported (all
//! files go to a temporary folder inside the site and are renamed into
//! place at the end). [`convert_docx`] is the pure part — bytes in, an
//! [`ImportedArticle`] out, nothing written — for callers such as the
//! studio that place the article themselves; [`import_docx`] and
//! [`import_docx_bytes`] also write it.
//! Must not know: the command line, terminal output, how a site is built.

mod cite;
mod markdown;
mod model;
mod package;
mod parse;
mod styles;
mod xml;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

pub use markdown::RenderStats;
pub use package::Limits;
pub use parse::Unsupported;

use model::{Block, NoteKind, plain};
use styles::ParaKind;

/// Headings (or lone paragraphs) whose bulleted list becomes `highlights`.
pub const DEFAULT_HIGHLIGHT_LABELS: [&str; 6] = [
    "Key points",
    "Highlights",
    "Key findings",
    "Öne Çıkanlar",
    "Ключевые тезисы",
    "Основные выводы",
];

/// What to import and where.
#[derive(Debug, Clone)]
pub struct DocxOptions {
    /// The site root.
    pub root: PathBuf,
    /// Section of a new article (ignored with `translation_of`).
    pub section: String,
    /// Language of the document; `None` takes the document's own.
    pub lang: Option<String>,
    /// `section/slug` of the article this document translates.
    pub translation_of: Option<String>,
    /// The bundle name; `None` makes one from the title.
    pub slug: Option<String>,
    /// Mark the article as a draft.
    pub draft: bool,
    /// Labels of the key-points heading (compared without case and a trailing colon).
    pub highlight_labels: Vec<String>,
    /// Zip limits.
    pub limits: Limits,
}

impl DocxOptions {
    /// Defaults: section `analysis`, the document's language, no draft.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DocxOptions {
            root: root.into(),
            section: "analysis".into(),
            lang: None,
            translation_of: None,
            slug: None,
            draft: false,
            highlight_labels: DEFAULT_HIGHLIGHT_LABELS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            limits: Limits::default(),
        }
    }
}

/// Why an import failed. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    /// The input is something else than a .docx.
    #[error("not a Word document: {0}")]
    NotDocx(String),
    /// The document is password-protected.
    #[error(
        "the document is password-protected (encrypted); remove the password in Word (File → Info → Protect Document) and save it again"
    )]
    Encrypted,
    /// The zip container is truncated or damaged.
    #[error("damaged document: {0}")]
    Damaged(String),
    /// The archive would unpack to too much (a zip bomb?).
    #[error("document refused: {0}")]
    TooLarge(String),
    /// A part is not acceptable XML.
    #[error("{part}: byte {offset}: {message}")]
    Xml {
        /// The part, e.g. `word/document.xml`.
        part: String,
        /// Byte offset in the part.
        offset: u64,
        /// What is wrong.
        message: String,
    },
    /// The options or the site do not allow the import (usage error).
    #[error("{0}")]
    Usage(String),
    /// Reading the input or writing the site failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

impl DocxError {
    /// True for errors in how the import was asked for (exit status 2).
    pub fn is_usage(&self) -> bool {
        matches!(self, DocxError::Usage(_))
    }
}

/// One image file of the article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaFile {
    /// File name in the bundle.
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// What was read and made, for the report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocxReport {
    /// The page written, relative to the site root (`content/analysis/x/index.md`).
    pub page: String,
    /// Every file written, relative to the site root.
    pub files: Vec<String>,
    /// The title, and where it came from.
    pub title: String,
    /// "Title style", "first heading", "document properties" or "file name".
    pub title_source: String,
    /// Language code of the page.
    pub lang: String,
    /// Author ids matched in `authors/`.
    pub authors: Vec<String>,
    /// Author names with no match in `authors/`.
    pub unmatched_authors: Vec<String>,
    /// The date written, and where it came from.
    pub date: String,
    /// "Date paragraph", "document properties (created)" or "today".
    pub date_source: String,
    /// Highlights taken from a key-points list.
    pub highlights: usize,
    /// What the Markdown holds.
    pub body: RenderStats,
    /// Images written into the bundle.
    pub images_written: usize,
    /// Images without alternative text.
    pub images_without_alt: usize,
    /// Citation items added to `bibliography/imported.json`.
    pub bibliography_added: Vec<String>,
    /// Keys already in the site's bibliography that the document cites.
    pub bibliography_reused: Vec<String>,
    /// Reference lists made by the reference manager, dropped (quire makes its own).
    pub bibliography_fields: usize,
    /// Tables of contents dropped.
    pub tables_of_contents: usize,
    /// Tracked insertions accepted.
    pub insertions: usize,
    /// Tracked deletions dropped.
    pub deletions: usize,
    /// Tracked formatting changes accepted.
    pub format_changes: usize,
    /// Comments dropped.
    pub comments: usize,
    /// Hidden-text runs dropped.
    pub hidden_runs: usize,
    /// Content not carried over as it was.
    pub unsupported: Vec<Unsupported>,
    /// Other things worth checking.
    pub warnings: Vec<String>,
}

/// The article made from a document, not yet written anywhere.
#[derive(Debug, Clone)]
pub struct ImportedArticle {
    /// The bundle name (slug) chosen.
    pub slug: String,
    /// The page file name (`index.md` or `index.<lang>.md`).
    pub file_name: String,
    /// The whole page: front matter and Markdown body.
    pub page: String,
    /// Just the Markdown body.
    pub body: String,
    /// Images to place beside the page.
    pub media: Vec<MediaFile>,
    /// New CSL-JSON items for the site's bibliography (`id` = citation key).
    pub bibliography: Vec<serde_json::Value>,
    /// The report (paths empty until written).
    pub report: DocxReport,
}

/// What the import needs to know about the site.
#[derive(Debug, Clone, Default)]
pub struct SiteInfo {
    /// Language codes configured, the default first.
    pub languages: Vec<String>,
    /// (author id, name).
    pub authors: Vec<(String, String)>,
    /// Every citation key of `bibliography/`.
    pub bibliography_keys: BTreeSet<String>,
    /// The items of the CSL-JSON files of `bibliography/`.
    pub csl_items: Vec<serde_json::Value>,
}

impl SiteInfo {
    /// Reads `quire.toml`, `authors/*.toml` and `bibliography/`.
    pub fn load(root: &Path) -> Result<SiteInfo, DocxError> {
        let (config, _) = quire_site::config::load(root, None).map_err(|ds| {
            DocxError::Usage(format!(
                "{} is not a usable quire site: {}",
                root.display(),
                ds.iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            ))
        })?;
        let default = config.default_language().code.clone();
        let mut languages = vec![default.clone()];
        languages.extend(
            config
                .language_codes()
                .into_iter()
                .filter(|l| *l != default),
        );
        let mut info = SiteInfo {
            languages,
            ..SiteInfo::default()
        };
        if let Ok(dir) = std::fs::read_dir(root.join("authors")) {
            let mut files: Vec<PathBuf> = dir
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect();
            files.sort();
            for f in files {
                let id = f
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let name = std::fs::read_to_string(&f)
                    .ok()
                    .and_then(|t| t.parse::<toml::Table>().ok())
                    .and_then(|t| t.get("name").and_then(|v| v.as_str()).map(str::to_string))
                    .unwrap_or_else(|| id.clone());
                info.authors.push((id, name));
            }
        }
        if let Ok(dir) = std::fs::read_dir(root.join("bibliography")) {
            let mut files: Vec<PathBuf> = dir.filter_map(|e| e.ok().map(|e| e.path())).collect();
            files.sort();
            for f in files {
                let Ok(text) = std::fs::read_to_string(&f) else {
                    continue;
                };
                let rel = format!(
                    "bibliography/{}",
                    f.file_name().unwrap_or_default().to_string_lossy()
                );
                if let Ok(bib) = quire_cite::Bibliography::parse(&rel, &text) {
                    info.bibliography_keys.extend(bib.keys());
                }
                if rel.ends_with(".json")
                    && let Ok(serde_json::Value::Array(items)) =
                        serde_json::from_str::<serde_json::Value>(&text)
                {
                    info.csl_items.extend(items);
                }
            }
        }
        Ok(info)
    }
}

/// Title, bylines, date and abstract found in the document.
#[derive(Debug, Default)]
struct Meta {
    title: Option<String>,
    creator: Vec<String>,
    core_title: Option<String>,
    core_lang: Option<String>,
    created: Option<String>,
}

fn read_core(package: &mut package::Package) -> Result<Meta, DocxError> {
    let mut meta = Meta::default();
    let Some(core) = package.xml("docProps/core.xml")? else {
        return Ok(meta);
    };
    let get = |name: &str| {
        core.child(name)
            .map(|e| e.text().trim().to_string())
            .filter(|s| !s.is_empty())
    };
    meta.core_title = get("dc:title");
    meta.creator = get("dc:creator")
        .map(|c| {
            c.split([';', ','])
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    meta.core_lang = get("dc:language");
    meta.created = get("dcterms:created");
    Ok(meta)
}

/// `en-US` → `en`.
fn lang_code(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

const MONTHS: &[(&[&str], u32)] = &[
    (&["january", "jan", "ocak", "января", "январь"], 1),
    (
        &["february", "feb", "şubat", "subat", "февраля", "февраль"],
        2,
    ),
    (&["march", "mar", "mart", "марта", "март"], 3),
    (&["april", "apr", "nisan", "апреля", "апрель"], 4),
    (&["may", "mayıs", "mayis", "мая", "май"], 5),
    (&["june", "jun", "haziran", "июня", "июнь"], 6),
    (&["july", "jul", "temmuz", "июля", "июль"], 7),
    (
        &["august", "aug", "ağustos", "agustos", "августа", "август"],
        8,
    ),
    (
        &[
            "september",
            "sep",
            "sept",
            "eylül",
            "eylul",
            "сентября",
            "сентябрь",
        ],
        9,
    ),
    (&["october", "oct", "ekim", "октября", "октябрь"], 10),
    (
        &["november", "nov", "kasım", "kasim", "ноября", "ноябрь"],
        11,
    ),
    (
        &["december", "dec", "aralık", "aralik", "декабря", "декабрь"],
        12,
    ),
];

/// A written date (`2014-07-28`, `28.07.2014`, `July 28, 2014`,
/// `28 Temmuz 2014`, `28 июля 2014 г.`) → `YYYY-MM-DD`.
fn parse_date(s: &str) -> Option<String> {
    let s = s.trim();
    let valid = |y: i64, m: u32, d: u32| {
        jiff::civil::Date::new(y as i16, m as i8, d as i8)
            .ok()
            .map(|d| d.to_string())
    };
    let nums: Vec<&str> = s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    let num = |t: &str| t.parse::<i64>().ok();
    if nums.len() >= 3 && nums[..3].iter().all(|t| num(t).is_some()) {
        let (a, b, c) = (num(nums[0])?, num(nums[1])?, num(nums[2])?);
        return if nums[0].len() == 4 {
            valid(a, b as u32, c as u32)
        } else {
            valid(c, b as u32, a as u32)
        };
    }
    let month = nums.iter().find_map(|t| {
        let t = t.to_lowercase();
        MONTHS
            .iter()
            .find(|(names, _)| names.contains(&t.as_str()))
            .map(|(_, m)| *m)
    })?;
    let numbers: Vec<i64> = nums.iter().filter_map(|t| num(t)).collect();
    let year = *numbers.iter().find(|n| **n > 999)?;
    let day = *numbers.iter().find(|n| (1..=31).contains(*n)).unwrap_or(&1);
    valid(year, month, day as u32)
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Turns a document into an article for the site described by `site`.
/// Nothing is written.
pub fn convert_docx(
    bytes: Vec<u8>,
    file_name: &str,
    options: &DocxOptions,
    site: &SiteInfo,
) -> Result<ImportedArticle, DocxError> {
    let mut package = package::Package::open(bytes, options.limits)?;
    let main = package.main_document()?;
    let document = package
        .xml(&main)?
        .ok_or_else(|| DocxError::NotDocx(format!("it has no {main}")))?;
    let rels = package.rels_of(&main)?;
    let part_of = |kind: &str| {
        rels.values()
            .find(|r| r.kind.ends_with(kind) && !r.external)
            .map(|r| r.target.clone())
    };
    let styles_xml = optional_part(&mut package, part_of("/styles"))?;
    let numbering_xml = optional_part(&mut package, part_of("/numbering"))?;
    let styles = styles::Styles::read(styles_xml.as_ref());
    let numbering = styles::Numbering::read(numbering_xml.as_ref());
    let mut meta = read_core(&mut package)?;
    let mut citations = cite::Citations::new(site.bibliography_keys.clone(), &site.csl_items);
    let mut reader = parse::Reader::new(&styles, &numbering, &mut citations);
    reader.rels = rels.clone();
    let body_el = document
        .child("w:body")
        .ok_or_else(|| DocxError::NotDocx(format!("{main} has no body")))?;
    let mut body = reader.blocks(body_el);

    let notes = read_notes(&mut package, &part_of, &mut reader)?;
    if let Some(root) = optional_part(&mut package, part_of("/comments"))? {
        for c in root.elements().filter(|e| e.name == "w:comment") {
            if let Some(id) = c.attr("w:id") {
                reader.stats.comments.insert(id.to_string());
            }
        }
    }
    let stats = std::mem::take(&mut reader.stats);
    let images = std::mem::take(&mut reader.images);
    let run_langs = std::mem::take(&mut reader.langs);
    drop(reader);
    let mut front_paras = front_paragraphs(&mut body, &mut meta);
    let (title, title_source) = choose_title(&mut body, &mut meta, file_name);
    let mut warnings = stats.warnings.clone();
    if stats.bibliography_fields > 0 {
        drop_bibliography_heading(&mut body, &mut warnings);
    }
    markdown::normalise_headings(&mut body);
    let (lang, default_lang) =
        choose_language(options, site, &styles, &run_langs, &meta, &mut warnings)?;
    let (authors, unmatched) = match_authors(std::mem::take(&mut front_paras.bylines), &meta, site);
    let (date, date_source) = choose_date(&front_paras.date_text, &meta, &mut warnings);
    let mut unsupported = stats.unsupported.clone();
    let (media, image_outs, images_without_alt) = write_images(
        &images,
        &mut package,
        options,
        &lang,
        &mut warnings,
        &mut unsupported,
    )?;

    let rendered = markdown::render(&body, &notes, &image_outs, &options.highlight_labels);
    warnings.extend(rendered.warnings.clone());
    if stats.hidden_runs > 0 {
        warnings.push(format!(
            "{} run(s) of hidden text left out",
            stats.hidden_runs
        ));
    }

    let slug = article_slug(options, &title);
    let file_name_out = if lang == default_lang {
        "index.md".to_string()
    } else {
        format!("index.{lang}.md")
    };

    let front = front_matter(
        &title,
        &date,
        &authors,
        &rendered.highlights,
        front_paras.summary().as_deref(),
        options.draft,
    );

    let report = DocxReport {
        title: title.clone(),
        title_source: title_source.into(),
        lang,
        authors,
        unmatched_authors: unmatched,
        date,
        date_source: date_source.into(),
        highlights: rendered.highlights.len(),
        body: rendered.stats.clone(),
        images_written: media.len(),
        images_without_alt,
        bibliography_added: citations
            .new_items
            .iter()
            .filter_map(|v| v["id"].as_str().map(str::to_string))
            .collect(),
        bibliography_reused: citations.reused.iter().cloned().collect(),
        unsupported,
        warnings,
        ..review_counts(&stats, front_paras.dropped_toc)
    };
    Ok(ImportedArticle {
        slug,
        file_name: file_name_out,
        page: format!("{front}{}", rendered.markdown),
        body: rendered.markdown,
        media,
        bibliography: citations.new_items,
        report,
    })
}

/// What the report counts of the document's revisions, fields and
/// tables of contents (`dropped_toc`: TOC paragraphs taken out).
fn review_counts(stats: &parse::Stats, dropped_toc: usize) -> DocxReport {
    DocxReport {
        bibliography_fields: stats.bibliography_fields,
        tables_of_contents: stats.tables_of_contents + usize::from(dropped_toc > 0),
        insertions: stats.insertions,
        deletions: stats.deletions,
        format_changes: stats.format_changes,
        comments: stats.comments.len(),
        hidden_runs: stats.hidden_runs,
        ..DocxReport::default()
    }
}

/// Notes, each part with its own relationships.
fn read_notes(
    package: &mut package::Package,
    part_of: &dyn Fn(&str) -> Option<String>,
    reader: &mut parse::Reader<'_>,
) -> Result<markdown::Notes, DocxError> {
    let mut notes: markdown::Notes = HashMap::new();
    for (kind, rel, tag, label) in [
        (NoteKind::Foot, "/footnotes", "w:footnote", "footnote"),
        (NoteKind::End, "/endnotes", "w:endnote", "endnote"),
    ] {
        let Some(part) = part_of(rel) else { continue };
        let Some(root) = package.xml(&part)? else {
            continue;
        };
        reader.rels = package.rels_of(&part)?;
        for note in root.elements().filter(|e| e.name == tag) {
            if note.attr("w:type").is_some_and(|t| t != "normal") {
                continue;
            }
            let Some(id) = note.attr("w:id") else {
                continue;
            };
            reader.place = format!("{label} {id}");
            let blocks = reader.blocks(note);
            notes.insert((kind, id.to_string()), blocks);
        }
    }
    reader.place.clear();
    Ok(notes)
}

/// A part of the package the main document points at, if it has one.
fn optional_part(
    package: &mut package::Package,
    part: Option<String>,
) -> Result<Option<xml::Element>, DocxError> {
    match part {
        Some(p) => package.xml(&p),
        None => Ok(None),
    }
}

/// What the document's own paragraphs (Title, Subtitle, Author, Date and
/// Abstract styles, tables of contents) say, taken out of the body.
struct FrontParagraphs {
    bylines: Vec<String>,
    date_text: Option<String>,
    abstract_text: Vec<String>,
    subtitle: Option<String>,
    dropped_toc: usize,
}

impl FrontParagraphs {
    /// The summary: the Abstract paragraphs, else the subtitle.
    fn summary(&self) -> Option<String> {
        if self.abstract_text.is_empty() {
            self.subtitle.clone().filter(|s| !s.is_empty())
        } else {
            Some(self.abstract_text.join(" "))
        }
    }
}

/// Front matter from the document's own paragraphs.
fn front_paragraphs(body: &mut Vec<Block>, meta: &mut Meta) -> FrontParagraphs {
    let mut bylines = Vec::new();
    let mut date_text = None;
    let mut abstract_text = Vec::new();
    let mut subtitle = None;
    let mut dropped_toc = 0;
    body.retain(|b| {
        let Block::Para(p) = b else { return true };
        let text = plain(&p.inlines).trim().to_string();
        match p.kind {
            ParaKind::Title => {
                if !text.is_empty() {
                    match &mut meta.title {
                        Some(t) => {
                            t.push(' ');
                            t.push_str(&text);
                        }
                        None => meta.title = Some(text),
                    }
                }
                false
            }
            ParaKind::Subtitle => {
                subtitle.get_or_insert(text);
                false
            }
            ParaKind::Author => {
                bylines.extend(
                    text.split([';', ','])
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty()),
                );
                false
            }
            ParaKind::Date => {
                date_text.get_or_insert(text);
                false
            }
            ParaKind::Abstract => {
                if !text.is_empty() {
                    abstract_text.push(text);
                }
                false
            }
            ParaKind::Toc | ParaKind::TocHeading => {
                dropped_toc += 1;
                false
            }
            _ => true,
        }
    });
    FrontParagraphs {
        bylines,
        date_text,
        abstract_text,
        subtitle,
        dropped_toc,
    }
}

/// The title and where it came from: the Title style, else the first
/// heading, else the document properties, else the file name.
fn choose_title(body: &mut Vec<Block>, meta: &mut Meta, file_name: &str) -> (String, &'static str) {
    let mut title_source = "Title style";
    if meta.title.is_none() {
        // The first heading, when nothing but empty paragraphs comes before it.
        let first = body.iter().position(|b| match b {
            Block::Para(p) => !model::is_empty(&p.inlines),
            Block::Table(_) => true,
        });
        if let Some(i) = first
            && let Block::Para(p) = &body[i]
            && matches!(p.kind, ParaKind::Heading(_))
        {
            meta.title = Some(plain(&p.inlines).trim().to_string());
            body.remove(i);
            title_source = "first heading";
        }
    }
    if meta.title.is_none()
        && let Some(t) = meta.core_title.clone()
    {
        meta.title = Some(t);
        title_source = "document properties";
    }
    let title = match meta.title.clone().filter(|t| !t.is_empty()) {
        Some(t) => t,
        None => {
            title_source = "file name";
            Path::new(file_name)
                .file_stem()
                .map(|s| s.to_string_lossy().replace(['_', '-'], " "))
                .unwrap_or_else(|| "Untitled".into())
        }
    };
    (title, title_source)
}

/// The heading over the reference manager's list goes with the list.
fn drop_bibliography_heading(body: &mut Vec<Block>, warnings: &mut Vec<String>) {
    while let Some(i) = body.iter().rposition(|b| match b {
        Block::Para(p) => !model::is_empty(&p.inlines),
        Block::Table(_) => true,
    }) {
        let Block::Para(p) = &body[i] else { break };
        if !matches!(p.kind, ParaKind::Heading(_)) {
            break;
        }
        warnings.push(format!(
            "the heading “{}” over the reference manager's bibliography was dropped with it",
            plain(&p.inlines).trim()
        ));
        body.truncate(i);
    }
}

/// The page's language (`--lang`, else the language most of the text is
/// in, else the document's defaults) and the site's default language.
fn choose_language(
    options: &DocxOptions,
    site: &SiteInfo,
    styles: &styles::Styles,
    run_langs: &BTreeMap<String, usize>,
    meta: &Meta,
    warnings: &mut Vec<String>,
) -> Result<(String, String), DocxError> {
    let detected = options
        .lang
        .clone()
        .map(|l| (l, "--lang"))
        .or_else(|| {
            // Characters per language, the default language's runs included.
            let mut by_code: BTreeMap<String, usize> = BTreeMap::new();
            for (tag, n) in run_langs {
                let tag = if tag.is_empty() {
                    styles.default_lang.as_deref().unwrap_or("")
                } else {
                    tag
                };
                if !tag.is_empty() {
                    *by_code.entry(lang_code(tag)).or_default() += n;
                }
            }
            by_code
                .into_iter()
                .max_by_key(|(_, n)| *n)
                .map(|(l, _)| (l, "the document's text"))
        })
        .or_else(|| {
            styles
                .default_lang
                .as_deref()
                .map(|l| (lang_code(l), "the document's default language"))
        })
        .or_else(|| {
            meta.core_lang
                .as_deref()
                .map(|l| (lang_code(l), "the document properties"))
        });
    let default_lang = site
        .languages
        .first()
        .cloned()
        .unwrap_or_else(|| "en".into());
    let lang = match detected {
        Some((l, "--lang")) => {
            if !site.languages.contains(&l) {
                return Err(DocxError::Usage(format!(
                    "language `{l}` is not configured in quire.toml (configured: {}); add [languages.{l}]",
                    site.languages.join(", ")
                )));
            }
            l
        }
        Some((l, source)) if site.languages.contains(&l) => {
            let _ = source;
            l
        }
        Some((l, source)) => {
            warnings.push(format!(
                "the language found in {source} (`{l}`) is not configured; the page is in {default_lang} — pass --lang to choose"
            ));
            default_lang.clone()
        }
        None => default_lang.clone(),
    };
    Ok((lang, default_lang))
}

/// The bylines (else the document's creators) matched to the site's
/// authors by name or id: (author ids, names without an author file).
fn match_authors(bylines: Vec<String>, meta: &Meta, site: &SiteInfo) -> (Vec<String>, Vec<String>) {
    let names = if bylines.is_empty() {
        meta.creator.clone()
    } else {
        bylines
    };
    let mut authors = Vec::new();
    let mut unmatched = Vec::new();
    for name in names {
        let wanted = quire_core::slugify(&name);
        match site
            .authors
            .iter()
            .find(|(id, n)| quire_core::slugify(n) == wanted || *id == wanted)
        {
            Some((id, _)) => {
                if !authors.contains(id) {
                    authors.push(id.clone());
                }
            }
            None => unmatched.push(name),
        }
    }

    (authors, unmatched)
}

/// The Date paragraph, else the document's creation date, else today; and
/// where it came from.
fn choose_date(
    date_text: &Option<String>,
    meta: &Meta,
    warnings: &mut Vec<String>,
) -> (String, &'static str) {
    let (date, date_source) = match date_text.as_deref().and_then(parse_date) {
        Some(d) => (d, "Date paragraph"),
        None => match meta
            .created
            .as_deref()
            .and_then(|c| c.get(..10))
            .and_then(parse_date)
        {
            Some(d) => (d, "document properties (created)"),
            None => (jiff::ZonedDateTime::now().date().to_string(), "today"),
        },
    };
    if let Some(t) = &date_text
        && parse_date(t).is_none()
    {
        warnings.push(format!(
            "the Date paragraph “{t}” is not a date quire reads; {date_source} used"
        ));
    }
    (date, date_source)
}

/// Images: web formats become files of the bundle, others are reported.
/// Returns the files, each image's place in the text, and how many lack
/// alternative text.
fn write_images(
    images: &[parse::ImageRef],
    package: &mut package::Package,
    options: &DocxOptions,
    lang: &str,
    warnings: &mut Vec<String>,
    unsupported: &mut Vec<Unsupported>,
) -> Result<(Vec<MediaFile>, Vec<markdown::ImageOut>, usize), DocxError> {
    let mut media = Vec::new();
    let mut image_outs = Vec::new();
    let mut used_names: BTreeSet<String> = BTreeSet::new();
    let mut images_without_alt = 0;
    for img in images {
        let base = img
            .part
            .rsplit('/')
            .next()
            .unwrap_or("image")
            .to_ascii_lowercase();
        let ext = base
            .rsplit_once('.')
            .map(|(_, e)| e.to_string())
            .unwrap_or_default();
        let web = matches!(
            ext.as_str(),
            "png" | "jpg" | "jpeg" | "gif" | "svg" | "webp" | "avif"
        );
        let bytes = package.read(&img.part)?;
        let (Some(bytes), true) = (bytes, web) else {
            unsupported.push(Unsupported {
                kind: format!("image in .{ext} format"),
                position: img.part.clone(),
                outcome:
                    "left out (browsers cannot show it); save it as PNG or SVG and add it by hand"
                        .into(),
            });
            image_outs.push(markdown::ImageOut {
                file: None,
                alt: None,
                title: None,
            });
            continue;
        };
        let stem: String =
            quire_core::slugify(base.rsplit_once('.').map(|(s, _)| s).unwrap_or(&base));
        let stem = if stem.is_empty() {
            "image".to_string()
        } else {
            stem
        };
        let prefix = if options.translation_of.is_some() {
            format!("{lang}-")
        } else {
            String::new()
        };
        let mut name = format!("{prefix}{stem}.{ext}");
        let mut n = 2;
        while used_names.contains(&name) {
            name = format!("{prefix}{stem}-{n}.{ext}");
            n += 1;
        }
        used_names.insert(name.clone());
        if img.alt.is_none() {
            images_without_alt += 1;
            warnings.push(format!(
                "image {name} has no alternative text; add a description (Word: right-click → Edit Alt Text), then in the page"
            ));
        }
        image_outs.push(markdown::ImageOut {
            file: Some(name.clone()),
            alt: img.alt.clone(),
            title: img.title.clone(),
        });
        media.push(MediaFile { name, bytes });
    }
    Ok((media, image_outs, images_without_alt))
}

/// The bundle's folder name: the original's (a translation), `--slug`,
/// else the title's first eight words.
fn article_slug(options: &DocxOptions, title: &str) -> String {
    match &options.translation_of {
        Some(t) => t
            .trim_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_string(),
        None => match &options.slug {
            Some(s) => s.clone(),
            None => {
                let words: Vec<String> = quire_core::slugify(title)
                    .split('-')
                    .take(8)
                    .map(str::to_string)
                    .collect();
                let s = words.join("-");
                if s.is_empty() { "article".into() } else { s }
            }
        },
    }
}

/// The page's front matter, between `+++` lines.
fn front_matter(
    title: &str,
    date: &str,
    authors: &[String],
    highlights: &[String],
    summary: Option<&str>,
    draft: bool,
) -> String {
    let mut front = String::from("+++\n");
    front.push_str(&format!("title = {}\n", toml_string(title)));
    front.push_str(&format!("date = {date}\n"));
    let list = |v: &[String]| {
        v.iter()
            .map(|s| toml_string(s))
            .collect::<Vec<_>>()
            .join(", ")
    };
    front.push_str(&format!("authors = [{}]\n", list(authors)));
    if !highlights.is_empty() {
        front.push_str("highlights = [\n");
        for h in highlights {
            front.push_str(&format!("  {},\n", toml_string(h)));
        }
        front.push_str("]\n");
    }
    if let Some(s) = summary {
        front.push_str(&format!("summary = {}\n", toml_string(s)));
    }
    if draft {
        front.push_str("draft = true\n");
    }
    front.push_str("+++\n\n");
    front
}

/// Imports the document at `path` into the site, as `options` says.
pub fn import_docx(path: &Path, options: &DocxOptions) -> Result<DocxReport, DocxError> {
    let bytes = std::fs::read(path).map_err(|source| DocxError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    import_docx_bytes(bytes, &name, options)
}

/// Imports a document given as bytes (a file dropped in the studio);
/// `file_name` is only used when the document has no title.
pub fn import_docx_bytes(
    bytes: Vec<u8>,
    file_name: &str,
    options: &DocxOptions,
) -> Result<DocxReport, DocxError> {
    let root = &options.root;
    if !root.join("quire.toml").is_file() {
        return Err(DocxError::Usage(format!(
            "{} has no quire.toml; pass --root with the site folder",
            root.display()
        )));
    }
    let bad_part = |s: &str| s.is_empty() || quire_core::slugify(s) != s;
    let (section, bundle_slug) = match &options.translation_of {
        Some(t) => {
            let parts: Vec<&str> = t
                .trim_matches('/')
                .trim_start_matches("content/")
                .split('/')
                .collect();
            match parts.as_slice() {
                [section, slug] => (section.to_string(), Some(slug.to_string())),
                _ => {
                    return Err(DocxError::Usage(format!(
                        "--translation-of takes <section>/<slug>, e.g. analysis/water-security, not `{t}`"
                    )));
                }
            }
        }
        None => (options.section.clone(), options.slug.clone()),
    };
    if bad_part(&section) || bundle_slug.as_deref().is_some_and(bad_part) {
        return Err(DocxError::Usage(
            "section and slug must be lower-case ASCII words joined by '-', e.g. analysis/water-security".into(),
        ));
    }
    let site = SiteInfo::load(root)?;
    if let Some(lang) = &options.lang
        && !site.languages.contains(lang)
    {
        return Err(DocxError::Usage(format!(
            "language `{lang}` is not configured in quire.toml (configured: {}); add [languages.{lang}]",
            site.languages.join(", ")
        )));
    }
    if let Some(slug) = &bundle_slug
        && options.translation_of.is_some()
    {
        let bundle = root.join("content").join(&section).join(slug);
        if !bundle.join("index.md").is_file() {
            return Err(DocxError::Usage(format!(
                "content/{section}/{slug}/index.md does not exist: --translation-of names the original article's bundle"
            )));
        }
    }
    let article = convert_docx(bytes, file_name, options, &site)?;
    write_article(root, &section, &article, options, &site)
}

/// The page to write: refused when it would overwrite a bundle (or, for a
/// translation, its file) or translate into the default language; a
/// translation records which version of the original it was made from.
fn checked_page_text(
    root: &Path,
    section: &str,
    article: &ImportedArticle,
    site: &SiteInfo,
    translation: bool,
) -> Result<String, DocxError> {
    let bundle = root.join("content").join(section).join(&article.slug);
    let page_path = bundle.join(&article.file_name);
    let default_lang = site.languages.first().cloned().unwrap_or_default();
    let mut page_text = article.page.clone();
    if translation {
        if article.report.lang == default_lang {
            return Err(DocxError::Usage(format!(
                "the document is in {default_lang}, the site's default language: a translation needs another language (pass --lang)"
            )));
        }
        if page_path.exists() {
            return Err(DocxError::Usage(format!(
                "content/{section}/{}/{} already exists; remove it first to import again",
                article.slug, article.file_name
            )));
        }
        // Record which version of the original this translation was made from.
        let original_path = bundle.join("index.md");
        let original = std::fs::read_to_string(&original_path).map_err(|source| DocxError::Io {
            path: original_path.clone(),
            source,
        })?;
        let rel = format!("content/{section}/{}/index.md", article.slug);
        let body = match quire_site::frontmatter::split(&rel, &original) {
            Ok(Some(split)) => split.body,
            _ => original.as_str(),
        };
        let fp = quire_check::fingerprint::fingerprint(body).encode();
        page_text = page_text.replacen(
            "+++\n\n",
            &format!("translated_from = {}\n+++\n\n", toml_string(&fp)),
            1,
        );
    } else if bundle.exists() {
        return Err(DocxError::Usage(format!(
            "content/{section}/{} already exists; choose another name with --slug",
            article.slug
        )));
    }

    Ok(page_text)
}

/// Removes what a failed write put in place, newest first (best effort:
/// the error that made it fail is the one reported).
fn undo(done: &[PathBuf]) {
    for p in done.iter().rev() {
        if p.is_dir() {
            let _ = std::fs::remove_dir_all(p);
        } else {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// The site's `bibliography/imported.json` with the document's new
/// citation items added, staged: (staged file, its place).
fn stage_bibliography(
    root: &Path,
    stage: &Path,
    article: &ImportedArticle,
) -> Result<(PathBuf, PathBuf), DocxError> {
    let bib = root.join("bibliography/imported.json");
    let mut items: Vec<serde_json::Value> = match std::fs::read_to_string(&bib) {
        Ok(text) => match serde_json::from_str(&text) {
            Ok(serde_json::Value::Array(a)) => a,
            _ => {
                return Err(DocxError::Usage(
                    "bibliography/imported.json is not a CSL-JSON array; fix or move it first"
                        .into(),
                ));
            }
        },
        Err(_) => Vec::new(),
    };
    items.extend(article.bibliography.iter().cloned());
    let text = serde_json::to_string_pretty(&items).unwrap_or_default() + "\n";
    if let Err(ds) = quire_cite::Bibliography::parse("bibliography/imported.json", &text) {
        return Err(DocxError::Usage(format!(
            "the citation items would not load: {}",
            ds.first().map(|d| d.to_string()).unwrap_or_default()
        )));
    }
    let staged = stage.join("imported.json");
    std::fs::write(&staged, text).map_err(|source| DocxError::Io {
        path: staged.clone(),
        source,
    })?;
    Ok((staged, bib))
}

/// Writes an article into `content/<section>/<slug>/` and its citation
/// items into `bibliography/imported.json`: everything into temporary files
/// inside the site first, then renamed into place; on failure nothing stays.
pub fn write_article(
    root: &Path,
    section: &str,
    article: &ImportedArticle,
    options: &DocxOptions,
    site: &SiteInfo,
) -> Result<DocxReport, DocxError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| DocxError::Io { path, source }
    };
    let section_dir = root.join("content").join(section);
    let bundle = section_dir.join(&article.slug);
    let translation = options.translation_of.is_some();
    let page_path = bundle.join(&article.file_name);
    let page_text = checked_page_text(root, section, article, site, translation)?;

    let mut report = article.report.clone();
    let rel = |p: &Path| {
        p.strip_prefix(root)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/")
    };
    // Stage everything in one temporary folder inside the site.
    let stage = root.join(format!(
        ".quire-import-{}-{}",
        article.slug,
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&stage);
    let cleanup = |stage: &Path| {
        let _ = std::fs::remove_dir_all(stage);
    };
    let result = (|| -> Result<Vec<(PathBuf, PathBuf)>, DocxError> {
        std::fs::create_dir_all(&stage).map_err(io(&stage))?;
        let mut moves = Vec::new();
        let staged_page = stage.join(&article.file_name);
        std::fs::write(&staged_page, &page_text).map_err(io(&staged_page))?;
        for m in &article.media {
            let target = bundle.join(&m.name);
            if target.exists() {
                if std::fs::read(&target).ok().as_deref() == Some(m.bytes.as_slice()) {
                    continue;
                }
                return Err(DocxError::Usage(format!(
                    "{} already exists with other content",
                    rel(&target)
                )));
            }
            let staged = stage.join(&m.name);
            std::fs::write(&staged, &m.bytes).map_err(io(&staged))?;
            moves.push((staged, target));
        }
        if !article.bibliography.is_empty() {
            moves.push(stage_bibliography(root, &stage, article)?);
        }
        Ok(moves)
    })();
    let moves = match result {
        Ok(m) => m,
        Err(e) => {
            cleanup(&stage);
            return Err(e);
        }
    };
    // Into place: the page and media of a new bundle go as one folder.
    let created_section = !section_dir.exists();
    let mut done: Vec<PathBuf> = Vec::new();
    let outcome = (|| -> Result<(), DocxError> {
        std::fs::create_dir_all(&section_dir).map_err(io(&section_dir))?;
        if std::fs::create_dir_all(root.join("bibliography")).is_err() {
            return Err(DocxError::Usage("cannot create bibliography/".into()));
        }
        if translation {
            std::fs::rename(stage.join(&article.file_name), &page_path).map_err(io(&page_path))?;
            done.push(page_path.clone());
            for (from, to) in &moves {
                std::fs::rename(from, to).map_err(io(to))?;
                done.push(to.clone());
            }
        } else {
            // Media and the page are in the stage; move the bibliography out, then the folder.
            let bib_moves: Vec<&(PathBuf, PathBuf)> = moves
                .iter()
                .filter(|(_, to)| !to.starts_with(&bundle))
                .collect();
            std::fs::rename(&stage, &bundle).map_err(io(&bundle))?;
            done.push(bundle.clone());
            for (from, to) in bib_moves {
                let from = bundle.join(from.file_name().unwrap_or_default());
                std::fs::rename(&from, to).map_err(io(to))?;
            }
        }
        Ok(())
    })();
    if let Err(e) = outcome {
        undo(&done);
        cleanup(&stage);
        if created_section {
            let _ = std::fs::remove_dir(&section_dir);
        }
        return Err(e);
    }
    cleanup(&stage);
    report.page = rel(&page_path);
    report.files.push(report.page.clone());
    for m in &article.media {
        report.files.push(rel(&bundle.join(&m.name)));
    }
    if !article.bibliography.is_empty() {
        report.files.push("bibliography/imported.json".into());
    }
    Ok(report)
}

impl fmt::Display for DocxReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Imported “{}” → {}", self.title, self.page)?;
        writeln!(
            f,
            "  title from the {}; language {}; date {} (from {})",
            self.title_source, self.lang, self.date, self.date_source
        )?;
        if !self.authors.is_empty() {
            writeln!(f, "  authors: {}", self.authors.join(", "))?;
        }
        for name in &self.unmatched_authors {
            writeln!(
                f,
                "  author “{name}” has no file in authors/: add one and list it in `authors`"
            )?;
        }
        let b = &self.body;
        writeln!(
            f,
            "  {} heading(s), {} paragraph(s), {} list(s) with {} item(s), {} quote(s), {} table(s) ({} as HTML), {} link(s), {} internal link(s)",
            b.headings,
            b.paragraphs,
            b.lists,
            b.list_items,
            b.quotes,
            b.pipe_tables + b.html_tables,
            b.html_tables,
            b.links,
            b.internal_links
        )?;
        writeln!(
            f,
            "  {} footnote(s), {} endnote(s) ({} ibid.), {} citation(s); bibliography: {} item(s) added, {} already there",
            b.footnotes,
            b.endnotes,
            b.ibid_notes,
            b.citations,
            self.bibliography_added.len(),
            self.bibliography_reused.len()
        )?;
        writeln!(
            f,
            "  {} image(s) ({} without alt text), {} highlight(s)",
            self.images_written, self.images_without_alt, self.highlights
        )?;
        writeln!(
            f,
            "  tracked changes accepted: {} insertion(s), {} deletion(s), {} formatting change(s); {} comment(s) dropped",
            self.insertions, self.deletions, self.format_changes, self.comments
        )?;
        if self.bibliography_fields > 0 {
            writeln!(
                f,
                "  {} reference list(s) made by the reference manager dropped: quire lists the cited sources itself",
                self.bibliography_fields
            )?;
        }
        if self.tables_of_contents > 0 {
            writeln!(
                f,
                "  {} table(s) of contents dropped",
                self.tables_of_contents
            )?;
        }
        if !self.unsupported.is_empty() {
            writeln!(f, "Not imported as it was ({}):", self.unsupported.len())?;
            let mut by_kind: BTreeMap<&str, Vec<&Unsupported>> = BTreeMap::new();
            for u in &self.unsupported {
                by_kind.entry(u.kind.as_str()).or_default().push(u);
            }
            for (kind, list) in by_kind {
                for u in list {
                    writeln!(f, "  {kind} at {}: {}", u.position, u.outcome)?;
                }
            }
        }
        if !self.warnings.is_empty() {
            writeln!(f, "Check ({}):", self.warnings.len())?;
            for w in &self.warnings {
                writeln!(f, "  {w}")?;
            }
        }
        write!(f, "  files: {}", self.files.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_three_languages() {
        assert_eq!(parse_date("July 28, 2014").as_deref(), Some("2014-07-28"));
        assert_eq!(parse_date("28 Temmuz 2014").as_deref(), Some("2014-07-28"));
        assert_eq!(parse_date("28 июля 2014 г.").as_deref(), Some("2014-07-28"));
        assert_eq!(parse_date("28.07.2014").as_deref(), Some("2014-07-28"));
        assert_eq!(parse_date("2014-07-28").as_deref(), Some("2014-07-28"));
        assert_eq!(parse_date("someday"), None);
    }
}
