//! The import report: what was imported, skipped or changed, and why.
//!
//! Owns: the report's data and its human-readable form.
//! Must not know: how the export is read or files are written.

use std::collections::BTreeMap;
use std::fmt;

/// One skipped or altered WordPress item and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportItem {
    /// The WordPress post id (0 for site-level entries).
    pub wordpress_id: u64,
    /// The item's title.
    pub title: String,
    /// The file written for it, relative to the site root, if any.
    pub path: Option<String>,
    /// What kind of skip or change this is (see [`kind`]), for counting.
    pub kind: String,
    /// Why it was skipped or what was changed, in words.
    pub reason: String,
}

/// The kinds of [`ReportItem`]s, counted in the report's summary.
pub mod kind {
    /// A password-protected post or page (not published).
    pub const PASSWORD: &str = "password-protected";
    /// A post or page WordPress did not publish (draft, private, trash…).
    pub const NOT_PUBLISHED: &str = "not published";
    /// Imported as a draft (`--drafts`).
    pub const DRAFT: &str = "imported as draft";
    /// An item without a readable date.
    pub const NO_DATE: &str = "no date";
    /// The target bundle already exists (importing into an existing site).
    pub const CONFLICT: &str = "conflict with existing content";
    /// A title made from the slug or date because the post had none.
    pub const UNTITLED: &str = "untitled";
    /// HTML in a title reduced to its text.
    pub const TITLE_MARKUP: &str = "title markup removed";
    /// A slug changed because its URL was taken or reserved.
    pub const SLUG: &str = "slug changed";
    /// A section id changed because it collides with a built-in path.
    pub const SECTION: &str = "section renamed";
    /// An old URL not redirected (it is a built-in path, another page's URL…).
    pub const ALIAS: &str = "redirect dropped";
    /// An author the export does not declare.
    pub const AUTHOR: &str = "author missing";
    /// A second version in one language of a translation group.
    pub const TRANSLATION: &str = "translation apart";
    /// A language guessed from the URL, or missing language data.
    pub const LANGUAGE: &str = "language guessed";
    /// A media file not found in the uploads folder (the URL is kept).
    pub const MEDIA_MISSING: &str = "media not in uploads";
    /// A media path refused: outside the uploads folder, or a symbolic link.
    pub const MEDIA_REFUSED: &str = "media refused";
    /// Audio or video that stays a link (no local file).
    pub const MEDIA_LINK: &str = "media kept as link";
    /// A link to the old site whose target was not imported.
    pub const OLD_LINK: &str = "link to old site kept";
    /// A `#fragment` dropped from a link rewritten to an imported page.
    pub const ANCHOR: &str = "link anchor dropped";
    /// A shortcode WordPress plugins render, kept as text.
    pub const SHORTCODE: &str = "unknown shortcode";
    /// A gallery image whose attachment is not in the export.
    pub const GALLERY: &str = "gallery image missing";
    /// An embedded player or oEmbed URL turned into a link.
    pub const EMBED: &str = "embed as link";
    /// A leading list moved to `highlights`.
    pub const HIGHLIGHTS: &str = "highlights";
    /// Footnote problems (a marker without text, unnumbered notes).
    pub const NOTES: &str = "notes";
    /// A table written as HTML (no header row, merged or footer cells).
    pub const TABLE_HTML: &str = "table as HTML";
    /// Anything else worth a look.
    pub const OTHER: &str = "other";
}

/// Counts by type and language, and every skipped or altered item with its
/// reason. `Display` prints a human report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Imported versions by (`post` or `page`, language code).
    pub counts: BTreeMap<(String, String), usize>,
    /// Author files written.
    pub authors: usize,
    /// Sections created.
    pub sections: usize,
    /// Footnotes written, over all pages.
    pub notes: usize,
    /// Of those, ibid. notes ("Same place.", "Aynı yer.", "Там же.") kept verbatim.
    pub ibid_notes: usize,
    /// Media files copied from the uploads folder.
    pub media_copied: usize,
    /// Content carried over, by kind: `tables`, `preformatted blocks`,
    /// `gallery images`, `videos`, `audios`, `embeds`, `featured images`,
    /// `redirects`, `links rewritten`, `categories`, `category assignments`…
    pub kept: BTreeMap<String, usize>,
    /// Files written, relative to the site root, sorted.
    pub files: Vec<String>,
    /// Items not imported, with the reason.
    pub skipped: Vec<ReportItem>,
    /// Items imported with a change worth checking, with the reason.
    pub altered: Vec<ReportItem>,
    /// Site-level notes (missing language data, media hotlinked…).
    pub notices: Vec<String>,
    /// What was added to an existing `quire.toml`.
    pub config_added: Vec<String>,
    /// Comments in the export (not imported).
    pub comments: usize,
    /// Items of other post types (menus, revisions, blocks, …) by type (not imported).
    pub other_post_types: BTreeMap<String, usize>,
}

impl ImportReport {
    /// Imported versions of `kind` (`post` or `page`) in `lang`.
    pub fn count(&self, kind: &str, lang: &str) -> usize {
        self.counts
            .get(&(kind.to_string(), lang.to_string()))
            .copied()
            .unwrap_or(0)
    }

    /// How much of `what` was carried over (see [`ImportReport::kept`]).
    pub fn kept(&self, what: &str) -> usize {
        self.kept.get(what).copied().unwrap_or(0)
    }

    /// Skipped and altered items of one kind (see [`kind`]).
    pub fn of_kind(&self, kind: &str) -> Vec<&ReportItem> {
        self.skipped
            .iter()
            .chain(&self.altered)
            .filter(|i| i.kind == kind)
            .collect()
    }

    pub(crate) fn keep(&mut self, what: &str, n: usize) {
        if n > 0 {
            *self.kept.entry(what.to_string()).or_default() += n;
        }
    }
}

fn by_kind(items: &[ReportItem]) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for item in items {
        *counts.entry(item.kind.as_str()).or_default() += 1;
    }
    counts
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Imported:")?;
        for ((kind, lang), n) in &self.counts {
            writeln!(f, "  {n:>5} {kind}(s) in {lang}")?;
        }
        writeln!(
            f,
            "  {:>5} author(s), {} section(s), {} note(s) ({} ibid.), {} media file(s) copied, {} file(s) written",
            self.authors,
            self.sections,
            self.notes,
            self.ibid_notes,
            self.media_copied,
            self.files.len()
        )?;
        if !self.kept.is_empty() {
            let kept: Vec<String> = self.kept.iter().map(|(k, n)| format!("{n} {k}")).collect();
            writeln!(f, "  kept: {}", kept.join(", "))?;
        }
        if !self.config_added.is_empty() {
            writeln!(f, "Added to quire.toml:")?;
            for line in &self.config_added {
                writeln!(f, "  {line}")?;
            }
        }
        for notice in &self.notices {
            writeln!(f, "Note: {notice}")?;
        }
        if !self.skipped.is_empty() {
            writeln!(
                f,
                "Skipped ({}: {}):",
                self.skipped.len(),
                by_kind(&self.skipped)
            )?;
            for item in &self.skipped {
                writeln!(f, "  {}", line(item))?;
            }
        }
        if !self.altered.is_empty() {
            writeln!(
                f,
                "Changed, please check ({}: {}):",
                self.altered.len(),
                by_kind(&self.altered)
            )?;
            for item in &self.altered {
                writeln!(f, "  {}", line(item))?;
            }
        }
        writeln!(f, "Not carried over:")?;
        writeln!(f, "  {:>5} comment(s)", self.comments)?;
        for (kind, n) in &self.other_post_types {
            writeln!(f, "  {n:>5} item(s) of post type `{kind}`")?;
        }
        writeln!(
            f,
            "  menus, widgets, theme settings, plugin options, users' e-mail and passwords, custom fields other than those listed in the import documentation"
        )
    }
}

fn line(item: &ReportItem) -> String {
    let mut s = String::new();
    if item.wordpress_id != 0 {
        s.push_str(&format!("#{} ", item.wordpress_id));
    }
    s.push_str(&format!("\"{}\"", item.title));
    if let Some(path) = &item.path {
        s.push_str(&format!(" ({path})"));
    }
    s.push_str(&format!(" [{}]: {}", item.kind, item.reason));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_lists_counts_and_reasons() {
        let mut report = ImportReport::default();
        report.counts.insert(("post".into(), "tr".into()), 3);
        report.skipped.push(ReportItem {
            wordpress_id: 9,
            title: "Taslak".into(),
            path: None,
            kind: kind::NOT_PUBLISHED.into(),
            reason: "status `draft`".into(),
        });
        report.keep("tables", 2);
        report.comments = 4;
        let text = report.to_string();
        assert!(text.contains("    3 post(s) in tr"), "{text}");
        assert!(text.contains("Skipped (1: 1 not published)"), "{text}");
        assert!(
            text.contains("#9 \"Taslak\" [not published]: status `draft`"),
            "{text}"
        );
        assert!(text.contains("kept: 2 tables"), "{text}");
        assert!(text.contains("    4 comment(s)"), "{text}");
        assert_eq!(report.count("post", "tr"), 3);
        assert_eq!(report.count("page", "tr"), 0);
        assert_eq!(report.of_kind(kind::NOT_PUBLISHED).len(), 1);
    }
}
