//! Writing the planned site: quire.toml, authors, sections, pages, media.
//!
//! Owns: the exact file formats DESIGN.md fixes (front matter keys and
//! order, author and config files), never overwriting without `force`,
//! rewriting old links and media URLs (copying media from an uploads
//! folder, safely), and the per-page part of the report.
//! Must not know: the XML of the export, or how pages were placed.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;
use toml::value::Datetime;

use crate::body::{Body, Context, Converter, Mapped, Media, UrlUse};
use crate::existing::{ConfigNeeds, ExistingSite, merge_config, new_config};
use crate::media::{Refusal, Uploads, bundle_name, uploads_path};
use crate::plan::{Attachment, DocPlan, LinkMap, Plan, host_of, url_path};
use crate::report::{ImportReport, ReportItem, kind};
use crate::text::normal_path;
use crate::wxr::WxrItem;
use crate::{ImportError, ImportOptions};

/// The front matter keys DESIGN.md defines, in the order they are written.
#[derive(Serialize)]
struct FrontMatter<'a> {
    title: &'a str,
    date: Datetime,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<Datetime>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    authors: &'a [String],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    highlights: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    #[serde(flatten)]
    taxonomies: BTreeMap<&'a str, &'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    slug: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    translation_key: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    draft: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    weight: Option<i64>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    aliases: &'a [String],
    extra: BTreeMap<&'static str, toml::Value>,
}

#[derive(Serialize)]
struct AuthorFile<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    photo: Option<&'a str>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    bio: BTreeMap<&'a str, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    links: &'a BTreeMap<String, String>,
}

/// Copies media from the uploads folder into bundles, once per bundle.
struct MediaCopier {
    uploads: Option<Uploads>,
    into: PathBuf,
    /// Hosts of the export's attachment URLs (their `/YYYY/MM/…` paths are uploads).
    hosts: Vec<String>,
    /// Per folder: uploads-relative path → file name in it.
    copied: HashMap<PathBuf, BTreeMap<String, String>>,
    /// Media URLs left pointing at the old site (no uploads folder).
    hotlinked: BTreeSet<String>,
    files: Vec<String>,
}

impl MediaCopier {
    /// The name of `url`'s file copied into `folder`, or why not (`Ok(None)`:
    /// not a media URL, or no uploads folder).
    fn copy(&mut self, url: &str, folder: &Path) -> Result<Option<String>, (Refusal, String)> {
        let Some(rel) = uploads_path(url, &self.hosts) else {
            return Ok(None);
        };
        let Some(uploads) = &self.uploads else {
            self.hotlinked.insert(url.to_string());
            return Ok(None);
        };
        let in_folder = self.copied.entry(folder.to_path_buf()).or_default();
        if let Some(name) = in_folder.get(&rel) {
            return Ok(Some(name.clone()));
        }
        let source = uploads.resolve(&rel).map_err(|r| (r, rel.clone()))?;
        let base = bundle_name(&rel);
        let mut name = base.clone();
        let mut n = 1;
        while in_folder.values().any(|v| *v == name) || name.starts_with("index.") {
            n += 1;
            name = format!("{n}-{base}");
        }
        let target = self.into.join(folder).join(&name);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|_| (Refusal::Missing, rel.clone()))?;
        }
        fs::copy(&source, &target).map_err(|_| (Refusal::Missing, rel.clone()))?;
        in_folder.insert(rel, name.clone());
        self.files.push(slash(&folder.join(&name)));
        Ok(Some(name))
    }
}

/// Writes the planned site, one item at a time.
pub(crate) struct SiteWriter<'a> {
    plan: Plan,
    options: &'a ImportOptions,
    existing: Option<ExistingSite>,
    converter: Converter,
    copier: MediaCopier,
}

impl<'a> SiteWriter<'a> {
    pub fn new(plan: Plan, options: &'a ImportOptions, existing: Option<ExistingSite>) -> Self {
        let mut hosts: Vec<String> = plan
            .attachments
            .values()
            .filter_map(|a| host_of(&a.url))
            .chain(plan.links.hosts.iter().cloned())
            .collect();
        hosts.sort();
        hosts.dedup();
        SiteWriter {
            copier: MediaCopier {
                uploads: options.uploads.as_deref().map(Uploads::new),
                into: options.into.clone(),
                hosts,
                copied: HashMap::new(),
                hotlinked: BTreeSet::new(),
                files: Vec::new(),
            },
            plan,
            options,
            existing,
            converter: Converter::new(options.highlights.clone()),
        }
    }

    fn index_name(&self, lang: &str) -> String {
        if lang == self.plan.default_language {
            "_index.md".into()
        } else {
            format!("_index.{lang}.md")
        }
    }

    /// Writes quire.toml (new, or the existing one with what it lacks),
    /// authors and section files. Existing author and section files are
    /// kept unless `force`.
    pub fn write_site_files(&mut self) -> Result<(), ImportError> {
        let plan = &self.plan;
        let needs = ConfigNeeds {
            title: &plan.title,
            base_url: &plan.base_url,
            default_language: &plan.default_language,
            languages: &plan.languages,
            taxonomies: &plan.taxonomies,
        };
        let config = match self.existing.as_ref().and_then(|e| e.config.as_ref()) {
            Some(text) => {
                let (merged, added) = merge_config(text, &needs).map_err(|e| {
                    ImportError::Options(format!("the existing quire.toml cannot be extended: {e}"))
                })?;
                self.plan.report.config_added = added;
                (merged != *text).then_some(merged)
            }
            None => Some(new_config(&needs)),
        };
        let mut outputs: Vec<(PathBuf, String)> = Vec::new();
        if let Some(config) = config {
            outputs.push(("quire.toml".into(), config));
        }
        let mut photos = Vec::new();
        for (id, author) in &self.plan.authors {
            let file = PathBuf::from("authors").join(format!("{id}.toml"));
            if !self.options.force && self.options.into.join(&file).exists() {
                continue;
            }
            photos.push((id.clone(), file, author.clone()));
        }
        for (id, file, author) in photos {
            // A photo from the uploads folder is copied beside the author file.
            let photo = match &author.photo {
                Some(url) => match self.copier.copy(url, Path::new("authors")) {
                    Ok(Some(name)) => {
                        let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
                        let wanted = if ext.is_empty() {
                            id.clone()
                        } else {
                            format!("{id}.{ext}")
                        };
                        let from = self.options.into.join("authors").join(&name);
                        let to = self.options.into.join("authors").join(&wanted);
                        if from != to && fs::rename(&from, &to).is_ok() {
                            self.copier
                                .files
                                .retain(|f| *f != format!("authors/{name}"));
                            self.copier.files.push(format!("authors/{wanted}"));
                        }
                        Some(wanted)
                    }
                    _ => Some(url.clone()),
                },
                None => None,
            };
            let out = AuthorFile {
                name: &author.name,
                photo: photo.as_deref(),
                bio: author
                    .bio
                    .iter()
                    .map(|(lang, html)| (lang.as_str(), self.converter.plain_text(html)))
                    .filter(|(_, text)| !text.is_empty())
                    .collect(),
                links: &author.links,
            };
            outputs.push((file, toml::to_string(&out).unwrap_or_default()));
        }
        for (section, titles) in &self.plan.sections {
            for (lang, title) in titles {
                let file = PathBuf::from("content")
                    .join(section)
                    .join(self.index_name(lang));
                if !self.options.force && self.options.into.join(&file).exists() {
                    continue;
                }
                outputs.push((file, format!("+++\ntitle = {}\n+++\n", quoted(title))));
            }
        }
        // Old archive URLs: redirect pages served as static files.
        let site_base = self.plan.links_base_path_for_html();
        for redirect in &self.plan.archive_redirects {
            let file = PathBuf::from(redirect.static_file());
            if !self.options.force && self.options.into.join(&file).exists() {
                continue;
            }
            outputs.push((file, redirect.page(&self.plan.base_url, &site_base)));
        }
        let (authors, sections) = (self.plan.authors.len(), self.plan.sections.len());
        self.plan.report.authors = authors;
        self.plan.report.sections = sections;
        for (path, text) in outputs {
            self.write(&path, text.as_bytes())?;
        }
        Ok(())
    }

    /// Converts and writes one item, if the plan imports it.
    pub fn write_item(&mut self, item: &WxrItem) -> Result<(), ImportError> {
        // Removed, not borrowed: each item is written once, and memory
        // shrinks as the second pass goes.
        let Some(doc) = self.plan.docs.remove(&item.id) else {
            return Ok(());
        };
        let path_text = slash(&doc.file);
        if !self.options.force && self.options.into.join(&doc.file).exists() {
            self.plan.report.skipped.push(ReportItem {
                wordpress_id: item.id,
                title: doc.title.clone(),
                path: Some(path_text),
                kind: kind::CONFLICT.into(),
                reason: "the file already exists; left as it is (use --force to overwrite)".into(),
            });
            return Ok(());
        }
        let attachments = &self.plan.attachments;
        let attached: Vec<Media> = self
            .plan
            .attached
            .get(&item.id)
            .into_iter()
            .flatten()
            .filter_map(|id| attachments.get(id).map(media_of))
            .collect();
        let lookup = |id: u64| attachments.get(&id).map(media_of);
        let mut changes: Vec<(&'static str, String)> = Vec::new();
        let mut rewritten = 0;
        let copier = &mut self.copier;
        let links = &self.plan.links;
        let bundle = doc.bundle.clone();
        let mut map = |url: &str, use_: UrlUse| {
            map_url(
                url,
                use_,
                links,
                attachments,
                copier,
                &bundle,
                &mut changes,
                &mut rewritten,
            )
        };
        let mut ctx = Context {
            footnotes_json: item.meta("footnotes"),
            attachment: &lookup,
            attached: &attached,
            map_url: &mut map,
        };
        let body = self.converter.convert(&item.content, &mut ctx);
        let mut markdown = body.markdown.clone();
        changes.extend(body.changes.iter().cloned());
        let summary = Some(self.converter.plain_text(&item.excerpt)).filter(|s| !s.is_empty());
        let mut extra: BTreeMap<&'static str, toml::Value> = BTreeMap::new();
        extra.insert("wordpress_id", toml::Value::Integer(item.id as i64));
        let image = self.featured_image(&doc, &mut markdown, &mut changes, &mut rewritten);
        if !body.highlights.is_empty() {
            changes.push((
                kind::HIGHLIGHTS,
                format!(
                    "leading list of {} item(s) moved to highlights",
                    body.highlights.len()
                ),
            ));
        }
        let front = FrontMatter {
            title: &doc.title,
            date: doc.date,
            updated: doc.updated,
            authors: &doc.authors,
            highlights: body.highlights.clone(),
            summary,
            taxonomies: doc
                .taxonomies
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k.as_str(), v.as_slice()))
                .collect(),
            slug: doc.slug.as_deref(),
            translation_key: doc.translation_key.as_deref(),
            draft: doc.draft,
            image,
            weight: doc.weight,
            aliases: &doc.aliases,
            extra,
        };
        let front = toml::to_string(&front).map_err(|e| ImportError::Write {
            path: self.options.into.join(&doc.file),
            source: std::io::Error::other(e.to_string()),
        })?;
        let text = format!("+++\n{front}+++\n\n{markdown}");
        self.write(&doc.file, text.as_bytes())?;
        self.report_item(item.id, &doc.title, &path_text, &body, rewritten, changes);
        Ok(())
    }

    /// The featured image: the cover (`image`, returned) and shown at the
    /// top of the text, unless the text already shows it.
    fn featured_image(
        &mut self,
        doc: &DocPlan,
        markdown: &mut String,
        changes: &mut Vec<(&'static str, String)>,
        rewritten: &mut usize,
    ) -> Option<String> {
        if let Some(a) = doc.featured.and_then(|id| self.plan.attachments.get(&id)) {
            let m = map_url(
                &a.url,
                UrlUse::Media,
                &self.plan.links,
                &self.plan.attachments,
                &mut self.copier,
                &doc.bundle,
                changes,
                rewritten,
            );
            let shown = markdown.contains(&format!("]({})", m.markdown))
                || markdown.contains(&format!("]({} ", m.markdown))
                || markdown.contains(&a.url);
            if !shown {
                *markdown = format!(
                    "![{}]({})\n\n{markdown}",
                    a.alt.replace(['[', ']'], ""),
                    m.markdown
                );
            }
            self.plan.report.keep("featured images", 1);
            return Some(m.markdown);
        }
        None
    }

    /// What one page carried over and what changed in it, into the report
    /// (the same change several times in one page once, counted).
    fn report_item(
        &mut self,
        id: u64,
        title: &str,
        path_text: &str,
        body: &Body,
        rewritten: usize,
        changes: Vec<(&'static str, String)>,
    ) {
        let report = &mut self.plan.report;
        report.notes += body.notes;
        report.ibid_notes += body.ibid_notes;
        let s = &body.stats;
        report.keep("tables", s.tables);
        report.keep("preformatted blocks", s.preformatted);
        report.keep("multi-line code", s.multiline_code);
        report.keep("gallery images", s.gallery_images);
        report.keep("images", s.images);
        report.keep("videos", s.videos);
        report.keep("audios", s.audios);
        report.keep("embeds", s.embeds);
        report.keep("links rewritten", rewritten);
        // The same change several times in one page is reported once, counted.
        let mut counted: Vec<((&str, String), usize)> = Vec::new();
        for change in changes {
            match counted.iter_mut().find(|(c, _)| *c == change) {
                Some((_, n)) => *n += 1,
                None => counted.push((change, 1)),
            }
        }
        for ((kind, reason), n) in counted {
            report.altered.push(ReportItem {
                wordpress_id: id,
                title: title.to_string(),
                path: Some(path_text.to_string()),
                kind: kind.to_string(),
                reason: if n > 1 {
                    format!("{reason} (×{n})")
                } else {
                    reason
                },
            });
        }
    }

    fn write(&mut self, rel: &Path, bytes: &[u8]) -> Result<(), ImportError> {
        let path = self.options.into.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|source| ImportError::Write {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        fs::write(&path, bytes).map_err(|source| ImportError::Write { path, source })?;
        self.plan.report.files.push(slash(rel));
        Ok(())
    }

    /// The finished report.
    pub fn finish(mut self) -> ImportReport {
        let report = &mut self.plan.report;
        report.media_copied = self.copier.files.len();
        report.files.extend(self.copier.files);
        report.files.sort();
        report.files.dedup();
        if !self.copier.hotlinked.is_empty() {
            report.notices.push(format!(
                "{} media file(s) are still loaded from the old site (no --uploads folder given); copy wp-content/uploads and import again with --uploads to keep them",
                self.copier.hotlinked.len()
            ));
        }
        self.plan.report
    }
}

fn media_of(a: &Attachment) -> Media {
    Media {
        url: a.url.clone(),
        alt: a.alt.clone(),
        image: a.is_image(),
        audio: a.is_audio(),
        video: a.is_video(),
    }
}

/// Where a URL of an imported body points now: media copied into the
/// bundle, old links to imported pages as `@/` links, the rest unchanged.
#[allow(clippy::too_many_arguments)]
fn map_url(
    url: &str,
    use_: UrlUse,
    links: &LinkMap,
    attachments: &HashMap<u64, Attachment>,
    copier: &mut MediaCopier,
    bundle: &Path,
    changes: &mut Vec<(&'static str, String)>,
    rewritten: &mut usize,
) -> Mapped {
    let url = url.trim();
    if url.is_empty() || url.starts_with('#') || !url.is_char_boundary(0) {
        return Mapped::same(url);
    }
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("mailto:") || lower.starts_with("tel:") || lower.starts_with("data:") {
        return Mapped::same(url);
    }
    // An attachment page stands for its file.
    let target = lookup(url, links);
    let (url, use_) = match target.and_then(|id| attachments.get(&id)) {
        Some(a) => (a.url.as_str(), UrlUse::Media),
        None => (url, use_),
    };
    match copier.copy(url, bundle) {
        Ok(Some(name)) => {
            return Mapped {
                markdown: name.clone(),
                html: name,
            };
        }
        Ok(None) => {}
        Err((refusal, rel)) => {
            let (k, why) = match refusal {
                Refusal::Missing => (
                    kind::MEDIA_MISSING,
                    format!("media `{rel}` not found in the uploads folder; URL kept"),
                ),
                Refusal::Outside => (
                    kind::MEDIA_REFUSED,
                    format!(
                        "media path `{rel}` leaves the uploads folder or is hidden; not copied, URL kept"
                    ),
                ),
                Refusal::Symlink => (
                    kind::MEDIA_REFUSED,
                    format!(
                        "media `{rel}` is a symbolic link (or lies behind one) in the uploads folder; not followed, URL kept"
                    ),
                ),
            };
            changes.push((k, why));
            return Mapped::same(url);
        }
    }
    if use_ == UrlUse::Media || uploads_path(url, &copier.hosts).is_some() {
        return Mapped::same(url);
    }
    let Some(id) = target else {
        if is_old_site(url, links) {
            changes.push((
                kind::OLD_LINK,
                format!(
                    "link to {url} on the old site, whose target was not imported; kept as it is"
                ),
            ));
        }
        return Mapped::same(url);
    };
    match links.targets.get(&id) {
        Some(t) if !t.draft => {
            *rewritten += 1;
            if let Some((_, frag)) = url.split_once('#')
                && !frag.is_empty()
            {
                changes.push((kind::ANCHOR, format!("link {url}: the anchor #{frag} is dropped (the new page's headings have their own anchors)")));
            }
            Mapped {
                markdown: format!("@/{}", t.source),
                html: t.path.clone(),
            }
        }
        _ => {
            changes.push((
                kind::OLD_LINK,
                format!(
                    "link to {url}: its target is not published (skipped or a draft); kept as it is"
                ),
            ));
            Mapped::same(url)
        }
    }
}

fn is_old_site(url: &str, links: &LinkMap) -> bool {
    match host_of(url) {
        Some(h) => links.hosts.contains(&h),
        None => url.starts_with('/') && !url.starts_with("//"),
    }
}

/// The WordPress id an old link names: `?p=`, `?page_id=`,
/// `?attachment_id=`, or its path.
fn lookup(url: &str, links: &LinkMap) -> Option<u64> {
    if !is_old_site(url, links) {
        return None;
    }
    let path = if url.starts_with('/') {
        url.to_string()
    } else {
        url_path(url)?
    };
    if let Some((_, query)) = path.split('#').next().unwrap_or("").split_once('?') {
        for pair in query.split('&') {
            if let Some((k, v)) = pair.split_once('=')
                && matches!(k, "p" | "page_id" | "attachment_id")
                && let Ok(id) = v.parse::<u64>()
                && (links.targets.contains_key(&id) || links.by_path.values().any(|x| *x == id))
            {
                return Some(id);
            }
        }
    }
    let path = match path.strip_prefix(&links.base_path) {
        Some(rest) if !links.base_path.is_empty() && rest.starts_with('/') => rest.to_string(),
        _ => path,
    };
    let key = normal_path(&path)?;
    links.by_path.get(&key).copied()
}

/// A TOML basic string, escaped.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

fn slash(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_links_are_found_by_path_and_id() {
        let mut links = LinkMap {
            hosts: vec!["old.example".into()],
            ..LinkMap::default()
        };
        links.by_path.insert("/2020/01/x/".into(), 7);
        links.targets.insert(
            7,
            crate::plan::LinkTarget {
                source: "analysis/x/index.md".into(),
                path: "/analysis/x/".into(),
                draft: false,
            },
        );
        assert_eq!(lookup("https://old.example/2020/01/x/", &links), Some(7));
        assert_eq!(lookup("https://www.old.example/2020/01/X", &links), Some(7));
        assert_eq!(
            lookup("https://old.example/2020/01/y/../x/#top", &links),
            Some(7)
        );
        assert_eq!(lookup("https://old.example/?p=7", &links), Some(7));
        assert_eq!(lookup("/2020/01/x/", &links), Some(7));
        assert_eq!(lookup("https://other.example/2020/01/x/", &links), None);
        assert_eq!(lookup("https://old.example/?p=8", &links), None);
    }
}
