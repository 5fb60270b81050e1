//! The site as the dashboard sees it: every article (a translation group)
//! with its version in each language and that version's status —
//! published, draft, missing, or stale (its original changed after the
//! fingerprint that `quire check --mark-translated`, or the studio's
//! Translate, recorded in `translated_from`) — plus what the editor offers
//! to pick from: authors, taxonomy terms, bibliography entries, articles
//! to link to.
//!
//! Loaded with drafts through `quire_site` (parse results cached between
//! loads). Must not know: HTTP, HTML.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use quire_check::fingerprint::{self, Fingerprint};
use quire_site::parse::ParseCache;
use quire_site::{Corpus, LoadOptions, SourceKind};

/// The status of one language version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Published (not a draft).
    Published,
    /// `draft = true`.
    Draft,
    /// A translation whose original changed since it was translated.
    Stale,
    /// No version in this language.
    Missing,
    /// The file exists but cannot be read (front matter errors).
    Broken,
}

impl Status {
    /// The status as used in URLs and strings files.
    pub fn key(self) -> &'static str {
        match self {
            Status::Published => "published",
            Status::Draft => "draft",
            Status::Stale => "stale",
            Status::Missing => "missing",
            Status::Broken => "broken",
        }
    }

    /// The status named `key`.
    pub fn from_key(key: &str) -> Option<Status> {
        [
            Status::Published,
            Status::Draft,
            Status::Stale,
            Status::Missing,
            Status::Broken,
        ]
        .into_iter()
        .find(|s| s.key() == key)
    }
}

/// One language version of an article.
#[derive(Debug, Clone)]
pub struct Version {
    /// Site-relative source path.
    pub path: String,
    /// Its title.
    pub title: String,
    /// Published, draft, stale or broken.
    pub status: Status,
    /// Author ids.
    pub authors: Vec<String>,
    /// Site path of the published page (`/tr/analysis/x/`).
    pub url: String,
    /// `translated_from` as written (translations only).
    pub translated_from: Option<String>,
}

/// One article: its versions by language.
#[derive(Debug, Clone)]
pub struct Row {
    /// Section id; empty for pages outside sections.
    pub section: String,
    /// The bundle folder or the default-language file.
    pub key: String,
    /// Per configured language (in order), the version, if any.
    pub versions: Vec<Option<Version>>,
}

impl Row {
    /// The title to list the article under: the default language's, else
    /// the first version's.
    pub fn title(&self) -> &str {
        self.versions
            .iter()
            .flatten()
            .next()
            .map(|v| v.title.as_str())
            .unwrap_or(&self.key)
    }

    /// The status in language column `i`.
    pub fn status(&self, i: usize) -> Status {
        self.versions
            .get(i)
            .and_then(|v| v.as_ref())
            .map(|v| v.status)
            .unwrap_or(Status::Missing)
    }
}

/// A bibliography entry for the citation picker.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BibEntry {
    /// The citation key.
    pub key: String,
    /// Authors or editors, as written.
    pub author: String,
    /// The title.
    pub title: String,
    /// The year.
    pub year: String,
}

/// Everything the dashboard and the editor's pickers show.
#[derive(Debug, Default, Clone)]
pub struct SiteIndex {
    /// Language codes and names, in configuration order.
    pub languages: Vec<(String, String)>,
    /// Section ids with their default-language titles.
    pub sections: Vec<(String, String)>,
    /// Taxonomy names in configuration order.
    pub taxonomies: Vec<String>,
    /// Known terms per taxonomy, for autocompletion.
    pub terms: BTreeMap<String, BTreeSet<String>>,
    /// Author ids with names.
    pub authors: Vec<(String, String)>,
    /// Articles, by section then key.
    pub rows: Vec<Row>,
    /// Bibliography entries of the site, by key.
    pub bibliography: Vec<BibEntry>,
    /// The site's configured base URL, without a trailing `/`.
    pub site_url: String,
}

impl SiteIndex {
    /// The default language code.
    pub fn default_language(&self) -> &str {
        self.languages
            .first()
            .map(|(c, _)| c.as_str())
            .unwrap_or("en")
    }

    /// The row and language column holding the file `path`.
    pub fn find(&self, path: &str) -> Option<(&Row, usize)> {
        self.rows.iter().find_map(|r| {
            r.versions
                .iter()
                .position(|v| v.as_ref().is_some_and(|v| v.path == path))
                .map(|i| (r, i))
        })
    }

    /// Position of a language code in the columns.
    pub fn language_index(&self, code: &str) -> Option<usize> {
        self.languages.iter().position(|(c, _)| c == code)
    }
}

/// True when a translation that recorded `recorded` is stale against the
/// original's `body`.
fn is_stale(recorded: &str, body: &str) -> bool {
    Fingerprint::decode(recorded).is_none_or(|r| r.body != fingerprint::fingerprint(body).body)
}

/// The status of a version from its front matter.
fn status_of(draft: bool, stale: bool) -> Status {
    if draft {
        Status::Draft
    } else if stale {
        Status::Stale
    } else {
        Status::Published
    }
}

/// `index` with the one file `rel` (whose text is now `text`) updated in
/// place — title, status, authors, terms, and the staleness of the other
/// versions when it is an original — without reading the rest of the
/// site. `None` when that is not enough: a file the index does not know,
/// front matter that does not read, or a new `slug` (its address changes).
pub fn patch(index: &SiteIndex, root: &Path, rel: &str, text: &str) -> Option<SiteIndex> {
    let (row_at, col) = index.rows.iter().enumerate().find_map(|(r, row)| {
        row.versions
            .iter()
            .position(|v| v.as_ref().is_some_and(|v| v.path == rel))
            .map(|c| (r, c))
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let split = quire_site::frontmatter::split(rel, text).ok()??;
    let front = quire_site::frontmatter::parse(rel, text, &split, &index.taxonomies).ok()?;
    let old = index.rows[row_at].versions[col].as_ref()?;
    if old.status == Status::Broken {
        return None;
    }
    if let Some(slug) = &front.slug
        && !old.url.trim_end_matches('/').ends_with(&format!("/{slug}"))
    {
        return None;
    }
    let default = index.language_index(index.default_language()).unwrap_or(0);
    let body_of = |path: &str| -> Option<String> {
        let t = std::fs::read_to_string(root.join(path)).ok()?;
        let t = t.strip_prefix('\u{feff}').unwrap_or(&t).to_string();
        let sp = quire_site::frontmatter::split(path, &t).ok()??;
        Some(t[sp.body_offset..].to_string())
    };
    let mut out = index.clone();
    for (tax, terms) in &front.taxonomies {
        out.terms
            .entry(tax.clone())
            .or_default()
            .extend(terms.iter().cloned());
    }
    let row = &mut out.rows[row_at];
    let stale = match (&front.translated_from, &row.versions[default]) {
        (Some(recorded), Some(original)) if col != default => {
            is_stale(recorded, &body_of(&original.path)?)
        }
        _ => false,
    };
    if col == default {
        // The original's body decides whether its translations are stale.
        let body = &text[split.body_offset..];
        for (i, v) in row.versions.iter_mut().enumerate() {
            if let Some(v) = v
                && i != default
                && matches!(v.status, Status::Published | Status::Stale)
                && let Some(recorded) = &v.translated_from
            {
                v.status = status_of(false, is_stale(recorded, body));
            }
        }
    }
    if let Some(v) = &mut row.versions[col] {
        v.title = front.title.clone();
        v.authors = front.authors.clone();
        v.status = status_of(front.draft, stale);
        v.translated_from = front.translated_from.clone();
    }
    Some(out)
}

/// Loads the index of the site at `root`; `Err` when `quire.toml` cannot
/// be read.
pub fn load(root: &Path, cache: &ParseCache) -> Result<SiteIndex, String> {
    let loaded = quire_site::load_site_cached(
        root,
        &LoadOptions {
            drafts: true,
            base_url: None,
        },
        Some(cache),
    );
    let Some(corpus) = loaded.corpus else {
        return Err(loaded
            .diagnostics
            .0
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"));
    };
    Ok(from_corpus(&corpus))
}

/// The key that joins the versions of one article: the bundle folder, or
/// the file path without its language suffix.
fn source_key(path: &str, kind: &SourceKind) -> String {
    match kind {
        SourceKind::Article {
            bundle_dir: Some(d),
            ..
        }
        | SourceKind::Page {
            bundle_dir: Some(d),
            ..
        } => d.clone(),
        SourceKind::Article { section, stem, .. } => format!("content/{section}/{stem}"),
        SourceKind::Page { stem, .. } => format!("content/{stem}"),
        _ => path.to_string(),
    }
}

fn from_corpus(corpus: &Corpus) -> SiteIndex {
    let config = &corpus.config;
    let languages: Vec<(String, String)> = config
        .languages
        .iter()
        .map(|l| (l.code.clone(), l.name.clone()))
        .collect();
    let default = config.default_language().code.clone();
    let column = |code: &str| languages.iter().position(|(c, _)| c == code);
    let kinds: BTreeMap<&str, &SourceKind> = corpus
        .files
        .sources
        .iter()
        .map(|s| (s.path.as_str(), &s.kind))
        .collect();
    let mut rows: Vec<Row> = Vec::new();
    let mut row_of_key: BTreeMap<String, usize> = BTreeMap::new();
    let mut terms: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for group in &corpus.groups {
        let Some(anchor) = group.representative(&default) else {
            continue;
        };
        let anchor = &corpus.pages[anchor];
        let key = kinds
            .get(anchor.source_path.as_str())
            .map(|k| source_key(&anchor.source_path, k))
            .unwrap_or_else(|| anchor.source_path.clone());
        let original = group.versions.get(&default).map(|&i| &corpus.pages[i]);
        let mut versions = vec![None; languages.len()];
        for (lang, &i) in &group.versions {
            let page = &corpus.pages[i];
            for (tax, ts) in &page.front.taxonomies {
                terms
                    .entry(tax.clone())
                    .or_default()
                    .extend(ts.iter().cloned());
            }
            let stale = match (original, &page.front.translated_from) {
                (Some(o), Some(recorded)) if o.index != page.index => {
                    is_stale(recorded, &o.source_text[o.body_offset..])
                }
                _ => false,
            };
            let status = status_of(page.front.draft, stale);
            if let Some(c) = column(lang) {
                versions[c] = Some(Version {
                    path: page.source_path.clone(),
                    title: page.front.title.clone(),
                    status,
                    authors: page.front.authors.clone(),
                    url: page.path.clone(),
                    translated_from: page.front.translated_from.clone(),
                });
            }
        }
        row_of_key.insert(key.clone(), rows.len());
        rows.push(Row {
            section: anchor.section.clone().unwrap_or_default(),
            key,
            versions,
        });
    }
    // Files that could not be read still belong on the dashboard.
    let known: BTreeSet<&str> = corpus
        .pages
        .iter()
        .map(|p| p.source_path.as_str())
        .collect();
    for source in &corpus.files.sources {
        let section = match &source.kind {
            SourceKind::Article { section, .. } => section.clone(),
            SourceKind::Page { .. } => String::new(),
            _ => continue,
        };
        if known.contains(source.path.as_str()) {
            continue;
        }
        let Some(c) = column(&source.lang) else {
            continue;
        };
        let key = source_key(&source.path, &source.kind);
        let r = *row_of_key.entry(key.clone()).or_insert_with(|| {
            rows.push(Row {
                section,
                key,
                versions: vec![None; languages.len()],
            });
            rows.len() - 1
        });
        if rows[r].versions[c].is_none() {
            rows[r].versions[c] = Some(Version {
                path: source.path.clone(),
                title: source.path.clone(),
                status: Status::Broken,
                authors: Vec::new(),
                url: String::new(),
                translated_from: None,
            });
        }
    }
    rows.sort_by(|a, b| {
        (a.section.is_empty(), &a.section, &a.key).cmp(&(b.section.is_empty(), &b.section, &b.key))
    });
    let sections = corpus
        .sections
        .iter()
        .map(|s| (s.id.clone(), s.title_in(&default)))
        .collect();
    let authors = corpus
        .authors
        .values()
        .map(|a| (a.id.clone(), a.name.clone()))
        .collect();
    SiteIndex {
        languages,
        sections,
        taxonomies: config.taxonomies.iter().map(|t| t.name.clone()).collect(),
        terms,
        authors,
        rows,
        bibliography: bibliography(corpus),
        site_url: config.base_url.trim_end_matches('/').to_string(),
    }
}

/// The site's bibliography entries (BibLaTeX, Hayagriva YAML, CSL-JSON);
/// files that do not parse are left out (`quire check` reports them).
fn bibliography(corpus: &Corpus) -> Vec<BibEntry> {
    let mut out = BTreeMap::new();
    for (path, text) in &corpus.files.bibliography {
        let library = if path.ends_with(".bib") {
            hayagriva::io::from_biblatex_str(text).ok()
        } else if path.ends_with(".yaml") || path.ends_with(".yml") {
            hayagriva::io::from_yaml_str(text).ok()
        } else {
            if path.ends_with(".json")
                && let Ok(serde_json::Value::Array(items)) = serde_json::from_str(text)
            {
                for item in items {
                    let s = |k: &str| item.get(k).and_then(|v| v.as_str()).unwrap_or_default();
                    let names = |k: &str| -> Vec<String> {
                        item.get(k)
                            .and_then(|v| v.as_array())
                            .map(|ps| {
                                ps.iter()
                                    .filter_map(|p| {
                                        p.get("family").or_else(|| p.get("literal"))?.as_str()
                                    })
                                    .map(str::to_string)
                                    .collect()
                            })
                            .unwrap_or_default()
                    };
                    let mut author = names("author");
                    if author.is_empty() {
                        author = names("editor");
                    }
                    let year = item
                        .pointer("/issued/date-parts/0/0")
                        .map(|y| y.to_string().trim_matches('"').to_string())
                        .unwrap_or_default();
                    let key = s("id").to_string();
                    if !key.is_empty() {
                        out.insert(
                            key.clone(),
                            BibEntry {
                                key,
                                author: author.join(", "),
                                title: s("title").to_string(),
                                year,
                            },
                        );
                    }
                }
            }
            None
        };
        for e in library.iter().flat_map(entries) {
            out.insert(e.key.clone(), e);
        }
    }
    out.into_values().collect()
}

/// The picker's view of the entries of a parsed library.
pub fn entries(library: &hayagriva::Library) -> Vec<BibEntry> {
    library
        .iter()
        .map(|entry| {
            let people = entry
                .authors()
                .filter(|a| !a.is_empty())
                .or_else(|| entry.editors())
                .unwrap_or_default();
            let author = people
                .iter()
                .map(|p| p.name.clone())
                .collect::<Vec<_>>()
                .join(", ");
            BibEntry {
                key: entry.key().to_string(),
                author,
                title: entry.title().map(|t| t.to_string()).unwrap_or_default(),
                year: entry
                    .date_any()
                    .map(|d| d.year.to_string())
                    .unwrap_or_default(),
            }
        })
        .collect()
}
