//! Writing the planned site: quire.toml, authors, sections, pages, media.
//!
//! Owns: the exact file formats DESIGN.md fixes (front matter keys and
//! order, author and config files), the check for files that would be
//! overwritten, and copying referenced media from an uploads folder.
//! Must not know: the XML of the export, or how pages were placed.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;
use toml::value::Datetime;

use crate::body::Converter;
use crate::plan::{DocPlan, Plan};
use crate::report::{ImportReport, ReportItem};
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

/// Writes the planned site, one item at a time.
pub(crate) struct SiteWriter<'a> {
    plan: Plan,
    options: &'a ImportOptions,
    converter: Converter,
    /// Per bundle: uploads-relative path → file name in the bundle.
    media: HashMap<PathBuf, BTreeMap<String, String>>,
}

impl<'a> SiteWriter<'a> {
    pub fn new(plan: Plan, options: &'a ImportOptions) -> Self {
        SiteWriter {
            plan,
            options,
            converter: Converter::new(options.highlights.clone()),
            media: HashMap::new(),
        }
    }

    /// Every planned file, relative to the site root.
    fn planned_files(&self) -> Vec<PathBuf> {
        let mut files = vec![PathBuf::from("quire.toml")];
        for id in self.plan.authors.keys() {
            files.push(PathBuf::from("authors").join(format!("{id}.toml")));
        }
        for (section, titles) in &self.plan.sections {
            for lang in titles.keys() {
                files.push(
                    PathBuf::from("content")
                        .join(section)
                        .join(self.index_name(lang)),
                );
            }
        }
        files.extend(self.plan.docs.values().map(|d| d.file.clone()));
        files.sort();
        files
    }

    fn index_name(&self, lang: &str) -> String {
        if lang == self.plan.default_language {
            "_index.md".into()
        } else {
            format!("_index.{lang}.md")
        }
    }

    /// Paths the import would overwrite: planned files, and bundle folders
    /// (media are copied into them), that already exist.
    pub fn existing_paths(&self) -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = self
            .planned_files()
            .into_iter()
            .chain(self.plan.docs.values().map(|d| d.bundle.clone()))
            .map(|p| self.options.into.join(p))
            .filter(|p| p.exists())
            .collect();
        found.sort();
        found.dedup();
        found
    }

    /// Writes quire.toml, authors and section files.
    pub fn write_site_files(&mut self) -> Result<(), ImportError> {
        let plan = &self.plan;
        let mut config = String::new();
        config.push_str(&format!("title = {}\n", quoted(&plan.title)));
        config.push_str(&format!("base_url = {}\n", quoted(&plan.base_url)));
        config.push_str(&format!(
            "default_language = {}\n",
            quoted(&plan.default_language)
        ));
        for (code, name) in &plan.languages {
            config.push_str(&format!("\n[languages.{code}]\nname = {}\n", quoted(name)));
        }
        config.push_str("\n[taxonomies]\n");
        for tax in &plan.taxonomies {
            config.push_str(&format!("{tax} = {{}}\n"));
        }
        let mut outputs: Vec<(PathBuf, String)> = vec![("quire.toml".into(), config)];
        for (id, author) in &plan.authors {
            let file = AuthorFile {
                name: &author.name,
                photo: author.photo.as_deref(),
                bio: author
                    .bio
                    .iter()
                    .map(|(lang, html)| (lang.as_str(), self.converter.plain_text(html)))
                    .filter(|(_, text)| !text.is_empty())
                    .collect(),
                links: &author.links,
            };
            let text = toml::to_string(&file).unwrap_or_default();
            outputs.push((PathBuf::from("authors").join(format!("{id}.toml")), text));
        }
        for (section, titles) in &plan.sections {
            for (lang, title) in titles {
                outputs.push((
                    PathBuf::from("content")
                        .join(section)
                        .join(self.index_name(lang)),
                    format!("+++\ntitle = {}\n+++\n", quoted(title)),
                ));
            }
        }
        let (authors, sections) = (plan.authors.len(), plan.sections.len());
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
        let attachments = &self.plan.attachments;
        let body = self
            .converter
            .convert(&item.content, item.meta("footnotes"), &|id| {
                attachments.get(&id).cloned()
            });
        let path_text = doc.file.display().to_string();
        let mut changes = body.changes.clone();
        let markdown = self.localize_media(&body.markdown, &doc, &mut changes)?;
        let summary = Some(self.converter.plain_text(&item.excerpt)).filter(|s| !s.is_empty());
        let mut extra: BTreeMap<&'static str, toml::Value> = BTreeMap::new();
        extra.insert("wordpress_id", toml::Value::Integer(item.id as i64));
        if !doc.other_categories.is_empty() {
            extra.insert(
                "wordpress_categories",
                toml::Value::Array(
                    doc.other_categories
                        .iter()
                        .map(|c| toml::Value::String(c.clone()))
                        .collect(),
                ),
            );
        }
        let mut image = None;
        if let Some(url) = &doc.featured {
            match self.copy_media(url, &doc, &mut changes)? {
                Some(name) => image = Some(name),
                None => {
                    extra.insert("featured_image", toml::Value::String(url.clone()));
                }
            }
        }
        if !body.highlights.is_empty() {
            changes.push(format!(
                "leading list of {} item(s) moved to highlights",
                body.highlights.len()
            ));
        }
        let front = FrontMatter {
            title: &doc.title,
            date: doc.date,
            updated: doc.updated,
            authors: &doc.authors,
            highlights: body.highlights,
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
            aliases: &doc.aliases,
            extra,
        };
        let front = toml::to_string(&front).map_err(|e| ImportError::Write {
            path: self.options.into.join(&doc.file),
            source: std::io::Error::other(e.to_string()),
        })?;
        let text = format!("+++\n{front}+++\n\n{markdown}");
        self.write(&doc.file, text.as_bytes())?;
        self.plan.report.notes += body.notes;
        self.plan.report.ibid_notes += body.ibid_notes;
        for reason in changes {
            self.plan.report.altered.push(ReportItem {
                wordpress_id: item.id,
                title: doc.title.clone(),
                path: Some(path_text.clone()),
                reason,
            });
        }
        Ok(())
    }

    /// Rewrites links to `…/wp-content/uploads/…` as files in the bundle
    /// when the uploads folder has them.
    fn localize_media(
        &mut self,
        md: &str,
        doc: &DocPlan,
        changes: &mut Vec<String>,
    ) -> Result<String, ImportError> {
        const MARK: &str = "/wp-content/uploads/";
        if self.options.uploads.is_none() || !md.contains(MARK) {
            return Ok(md.to_string());
        }
        let mut out = String::with_capacity(md.len());
        let mut rest = md;
        while let Some(pos) = rest.find(MARK) {
            let start = rest[..pos]
                .rfind(|c: char| c.is_whitespace() || "(\"'<[".contains(c))
                .map_or(0, |i| i + 1);
            let end = rest[pos..]
                .find(|c: char| c.is_whitespace() || ")\"'>]".contains(c))
                .map_or(rest.len(), |i| pos + i);
            let url = &rest[start..end];
            out.push_str(&rest[..start]);
            match self.copy_media(url, doc, changes)? {
                Some(name) => out.push_str(&name),
                None => out.push_str(url),
            }
            rest = &rest[end..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Copies one uploads URL into the bundle; returns the file name, or
    /// None when there is no uploads folder or the file is not in it.
    fn copy_media(
        &mut self,
        url: &str,
        doc: &DocPlan,
        changes: &mut Vec<String>,
    ) -> Result<Option<String>, ImportError> {
        let Some(uploads) = &self.options.uploads else {
            return Ok(None);
        };
        let Some((_, rel)) = url.split_once("/wp-content/uploads/") else {
            return Ok(None);
        };
        let rel = rel.split(['?', '#']).next().unwrap_or(rel).to_string();
        let bundle_media = self.media.entry(doc.bundle.clone()).or_default();
        if let Some(name) = bundle_media.get(&rel) {
            return Ok(Some(name.clone()));
        }
        let source = uploads.join(&rel);
        if rel.contains("..") || !source.is_file() {
            changes.push(format!(
                "media `{rel}` not found in the uploads folder; URL kept"
            ));
            return Ok(None);
        }
        let file_name = Path::new(&rel)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "media".into());
        let mut name = file_name.clone();
        let mut n = 1;
        while bundle_media.values().any(|v| *v == name) || name.starts_with("index.") {
            n += 1;
            name = format!("{n}-{file_name}");
        }
        bundle_media.insert(rel, name.clone());
        let target = self.options.into.join(&doc.bundle).join(&name);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|source| ImportError::Write {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        fs::copy(&source, &target).map_err(|source| ImportError::Write {
            path: target.clone(),
            source,
        })?;
        self.plan.report.media_copied += 1;
        self.plan
            .report
            .files
            .push(doc.bundle.join(&name).display().to_string());
        Ok(Some(name))
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
        self.plan.report.files.push(rel.display().to_string());
        Ok(())
    }

    /// The finished report.
    pub fn finish(mut self) -> ImportReport {
        self.plan.report.files.sort();
        self.plan.report
    }
}

/// A TOML basic string, escaped.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}
