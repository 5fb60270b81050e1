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
    /// Why it was skipped or what was changed.
    pub reason: String,
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
    /// Files written, relative to the site root, sorted.
    pub files: Vec<String>,
    /// Items not imported, with the reason.
    pub skipped: Vec<ReportItem>,
    /// Items imported with a change worth checking, with the reason.
    pub altered: Vec<ReportItem>,
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
        if !self.skipped.is_empty() {
            writeln!(f, "Skipped ({}):", self.skipped.len())?;
            for item in &self.skipped {
                writeln!(f, "  {}", line(item))?;
            }
        }
        if !self.altered.is_empty() {
            writeln!(f, "Changed, please check ({}):", self.altered.len())?;
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
    s.push_str(&format!(": {}", item.reason));
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
            reason: "status `draft`".into(),
        });
        report.comments = 4;
        let text = report.to_string();
        assert!(text.contains("    3 post(s) in tr"), "{text}");
        assert!(text.contains("#9 \"Taslak\": status `draft`"), "{text}");
        assert!(text.contains("    4 comment(s)"), "{text}");
        assert_eq!(report.count("post", "tr"), 3);
        assert_eq!(report.count("page", "tr"), 0);
    }
}
