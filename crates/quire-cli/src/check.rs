//! `quire check`: runs quire-check, prints its findings — grouped by file
//! and coloured on a terminal, one `path:line:col: severity: message` per
//! line otherwise (as ripgrep does), as JSON or as GitHub Actions
//! annotations — and chooses the exit status; and `--mark-translated`,
//! which records an original's fingerprint in a translation's front matter.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use quire_check::{CheckOptions, CheckReport, ExternalOptions};
use quire_core::{Diagnostic, Severity};

use crate::exit::Outcome;

/// Output format of `quire check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people: grouped by file on a terminal (or with `--heading`),
    /// else one `path:line:col: severity: message` per line.
    Text,
    /// One JSON document, for CI.
    Json,
    /// GitHub Actions workflow commands (`::error file=…,line=…::…`): each
    /// finding becomes an annotation on the pull request.
    Github,
}

/// `quire check`.
pub fn run(
    root: &Path,
    external: bool,
    format: Format,
    heading: bool,
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
    let report = {
        let _spinner = crate::progress::Bar::start("checking");
        quire_check::check(&options)
    };
    match format {
        Format::Text if heading || std::io::stdout().is_terminal() => {
            let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            print!("{}", text(&report, colour));
        }
        Format::Text => {
            // Findings on stdout for tools to read; the matrix and the
            // count on stderr, for the person watching.
            print!("{}", lines(&report));
            eprint!("{}", summary(&report, false));
        }
        Format::Github => {
            print!("{}", github(&report));
            eprint!("{}", summary(&report, false));
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

/// One finding a line, `path:line:col: severity: message` (`path:
/// severity: message` when it concerns the whole file), as compilers and
/// ripgrep print them when their output is not a terminal.
pub fn lines(report: &CheckReport) -> String {
    let mut out = String::new();
    for d in &report.diagnostics.0 {
        let place = match d.line {
            0 => d.path.clone(),
            l => format!("{}:{l}:{}", d.path, d.col.max(1)),
        };
        out.push_str(&format!(
            "{place}: {}: {}\n",
            severity_name(d.severity),
            one_line(&d.message)
        ));
    }
    out
}

/// GitHub Actions workflow commands, one a finding: `::error file=…,
/// line=…,col=…::message` (warnings as `::warning`, infos as `::notice`).
pub fn github(report: &CheckReport) -> String {
    let mut out = String::new();
    for d in &report.diagnostics.0 {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut properties = format!("file={}", github_property(&d.path));
        if d.line > 0 {
            properties.push_str(&format!(",line={},col={}", d.line, d.col.max(1)));
        }
        out.push_str(&format!(
            "::{command} {properties}::{}\n",
            github_data(&d.message)
        ));
    }
    out
}

/// A workflow command's message, escaped as the runner reads it
/// (`%`, carriage return and line feed; GitHub's toolkit `escapeData`).
fn github_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: its message escapes plus `:` and
/// `,`, which separate properties (GitHub's toolkit `escapeProperty`).
fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The severity as a word.
fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// A message on one line: line breaks become spaces.
fn one_line(message: &str) -> String {
    message
        .split(['\n', '\r'])
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The human-readable report: findings grouped by file, the translation
/// matrix, and a count.
pub fn text(report: &CheckReport, colour: bool) -> String {
    let mut out = grouped(report, colour);
    out.push_str(&summary(report, colour));
    out
}

/// The findings grouped by file, each with its offending line.
fn grouped(report: &CheckReport, colour: bool) -> String {
    let mut out = String::new();
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in &report.diagnostics.0 {
        by_file.entry(d.path.as_str()).or_default().push(d);
    }
    for (path, findings) in by_file {
        out.push_str(&paint(colour, "1", path));
        out.push('\n');
        for d in findings {
            let label = severity_name(d.severity);
            let code = match d.severity {
                Severity::Error => "31",
                Severity::Warning => "33",
                Severity::Info => "36",
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
    out
}

/// The translation matrix, the external links' tally and the count.
fn summary(report: &CheckReport, colour: bool) -> String {
    let mut out = String::new();
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
    fn github_commands_escape_what_the_runner_splits_on() {
        assert_eq!(github_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(github_property("a:b,c.md"), "a%3Ab%2Cc.md");
        assert_eq!(one_line("first\nsecond"), "first second");
    }

    #[test]
    fn long_lines_are_clipped_around_the_column() {
        let line = "ş".repeat(50) + "[^1]" + &"ы".repeat(100);
        let clipped = clip(&line, 51);
        assert!(clipped.starts_with('…') && clipped.ends_with('…'));
        assert!(clipped.contains("[^1]"));
        assert_eq!(clip("short", 1), "short");
    }
}
