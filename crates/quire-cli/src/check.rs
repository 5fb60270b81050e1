//! `quire check`: runs quire-check, prints its findings grouped by file
//! (coloured on a terminal) or as JSON, and chooses the exit status; and
//! `--mark-translated`, which records an original's fingerprint in a
//! translation's front matter.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use quire_check::{CheckOptions, CheckReport, ExternalOptions};
use quire_core::{Diagnostic, Severity};

use crate::exit::Outcome;

/// Output format of `quire check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Grouped by file, for people.
    Text,
    /// One JSON document, for CI.
    Json,
}

/// `quire check`.
pub fn run(
    root: &Path,
    external: bool,
    format: Format,
    deny_warnings: bool,
    mark: Option<PathBuf>,
) -> Outcome {
    if !quire_build::is_site(root) {
        eprintln!(
            "error: {} has no quire.toml; pass --root with the site folder",
            root.display()
        );
        return Outcome::Usage;
    }
    if let Some(path) = mark {
        return mark_translated(root, &path);
    }
    let options = CheckOptions {
        root: root.to_path_buf(),
        external: external.then(ExternalOptions::default),
    };
    let report = quire_check::check(&options);
    match format {
        Format::Text => {
            let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            print!("{}", text(&report, colour));
        }
        Format::Json => {
            let json = serde_json::json!({
                "errors": report.diagnostics.error_count(),
                "warnings": report.diagnostics.warning_count(),
                "infos": report.info_count(),
                "diagnostics": report.diagnostics.0,
                "translations": report.translations,
                "external": report.external,
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&json)
                    .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
            );
        }
    }
    let failed = report.diagnostics.has_errors()
        || (deny_warnings && report.diagnostics.warning_count() > 0);
    if failed {
        Outcome::ContentErrors
    } else {
        Outcome::Success
    }
}

fn mark_translated(root: &Path, path: &Path) -> Outcome {
    match quire_check::mark_translated(root, path) {
        Ok(marked) => match std::fs::write(&marked.file, &marked.text) {
            Ok(()) => {
                println!(
                    "{}: translated_from = \"{}\" (from {})",
                    marked.file.display(),
                    marked.fingerprint,
                    marked.original
                );
                Outcome::Success
            }
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", marked.file.display());
                Outcome::OutputFailure
            }
        },
        Err(message) => {
            eprintln!("error: {message}");
            Outcome::Usage
        }
    }
}

fn paint(colour: bool, code: &str, text: &str) -> String {
    if colour {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// The human-readable report: findings grouped by file, the translation
/// matrix, and a count.
pub fn text(report: &CheckReport, colour: bool) -> String {
    let mut out = String::new();
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in &report.diagnostics.0 {
        by_file.entry(d.path.as_str()).or_default().push(d);
    }
    for (path, findings) in by_file {
        out.push_str(&paint(colour, "1", path));
        out.push('\n');
        for d in findings {
            let (label, code) = match d.severity {
                Severity::Error => ("error", "31"),
                Severity::Warning => ("warning", "33"),
                Severity::Info => ("info", "36"),
            };
            let place = match d.line {
                0 => String::from("-"),
                l => format!("{l}:{}", d.col.max(1)),
            };
            out.push_str(&format!(
                "  {place:>7} {} {}\n",
                paint(colour, code, &format!("{label:<7}")),
                d.message
            ));
            if let Some(line) = &d.source_line {
                out.push_str(&format!(
                    "          | {}\n",
                    clip(line.trim_end(), d.source_col)
                ));
            }
        }
        out.push('\n');
    }
    for section in &report.translations {
        let title = match section.section.as_str() {
            "" => "pages outside sections".to_string(),
            s => format!("section {s}"),
        };
        out.push_str(&paint(colour, "1", &format!("Translations: {title}")));
        out.push('\n');
        let width = section
            .rows
            .iter()
            .map(|r| r.article.chars().count())
            .max()
            .unwrap_or(0);
        out.push_str(&format!("  {:width$}", ""));
        for lang in &section.languages {
            out.push_str(&format!(" {lang:>3}"));
        }
        out.push('\n');
        for row in &section.rows {
            out.push_str(&format!("  {:width$}", row.article));
            for v in &row.versions {
                out.push_str(match v {
                    Some(_) => "   ✓",
                    None => "   –",
                });
            }
            out.push('\n');
        }
        out.push('\n');
    }
    if let Some(ext) = &report.external {
        out.push_str(&format!(
            "External links: {} addresses, {} checked now, {} from the cache\n",
            ext.urls, ext.checked, ext.cached
        ));
        if let Some(e) = &ext.cache_error {
            out.push_str(&format!("warning: {e}\n"));
        }
    }
    out.push_str(&format!(
        "{} error(s), {} warning(s), {} info(s)\n",
        report.diagnostics.error_count(),
        report.diagnostics.warning_count(),
        report.info_count()
    ));
    out
}

/// At most 80 characters of a source line around a column: paragraphs are
/// single long lines in Markdown, and the whole of one helps nobody.
fn clip(line: &str, col: usize) -> String {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= 80 {
        return line.to_string();
    }
    let start = col.saturating_sub(30).min(chars.len().saturating_sub(80));
    let end = (start + 80).min(chars.len());
    let mut out: String = chars[start..end].iter().collect();
    if start > 0 {
        out.insert(0, '…');
    }
    if end < chars.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_clipped_around_the_column() {
        let line = "ş".repeat(50) + "[^1]" + &"ы".repeat(100);
        let clipped = clip(&line, 51);
        assert!(clipped.starts_with('…') && clipped.ends_with('…'));
        assert!(clipped.contains("[^1]"));
        assert_eq!(clip("short", 1), "short");
    }
}
