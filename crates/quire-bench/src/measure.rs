//! Measuring: run a program under `/usr/bin/time -v` for its wall time and
//! peak resident memory, read quire's `--verbose` phase table, count a
//! tree's files and bytes, and time the floors (copying a tree, Markdown to
//! HTML alone).
//! Must not know: which engine or corpus is being measured.

use std::io;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use rayon::prelude::*;

/// One finished run of a program.
#[derive(Debug, Clone)]
pub struct Run {
    /// Wall time from spawn to exit.
    pub wall: Duration,
    /// Peak resident set size of the program, in KiB.
    pub max_rss_kib: u64,
    /// True when it exited with status 0.
    pub ok: bool,
    /// Its standard output.
    pub stdout: String,
    /// Its standard error, without `time`'s report.
    pub stderr: String,
}

/// Runs `program args…` in `cwd` under `/usr/bin/time -v`.
pub fn run(program: &str, args: &[&str], cwd: &Path) -> io::Result<Run> {
    let clock = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(program)
        .args(args)
        .current_dir(cwd)
        .output()?;
    let wall = clock.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    // `time -v` appends its report after the program's own stderr; it
    // starts with a tab-indented "Command being timed" line.
    let (own, report) = stderr
        .split_once("\tCommand being timed")
        .unwrap_or((stderr.as_str(), ""));
    Ok(Run {
        wall,
        max_rss_kib: max_rss_kib(report).unwrap_or(0),
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: own.to_string(),
    })
}

/// The "Maximum resident set size (kbytes)" of a `time -v` report.
pub fn max_rss_kib(report: &str) -> Option<u64> {
    report
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse().ok())
}

/// The rows of quire's `--verbose` phase table: `(phase, milliseconds)`,
/// without the total.
pub fn phases(stderr: &str) -> Vec<(String, f64)> {
    let mut in_table = false;
    let mut out = Vec::new();
    for line in stderr.lines() {
        let mut cols = line.split_whitespace();
        let (Some(name), Some(value), None) = (cols.next(), cols.next(), cols.next()) else {
            continue;
        };
        if name == "phase" && value == "ms" {
            in_table = true;
        } else if in_table && name == "total" {
            in_table = false;
        } else if in_table && let Ok(ms) = value.parse::<f64>() {
            out.push((name.to_string(), ms));
        }
    }
    out
}

/// Number of files and their total bytes under `dir`.
pub fn tree_stats(dir: &Path) -> (u64, u64) {
    let mut files = 0;
    let mut bytes = 0;
    for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if entry.file_type().is_file() {
            files += 1;
            bytes += entry.metadata().map(|m| m.len()).unwrap_or(0);
        }
    }
    (files, bytes)
}

/// Number of `.html` files under `dir`.
pub fn html_pages(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html"))
        .count() as u64
}

/// Converts every Markdown file under `content` to HTML in memory, in
/// parallel, with the CommonMark extensions quire uses: the floor of
/// "Markdown to HTML alone". Returns the wall time and the HTML bytes made.
pub fn markdown_alone(content: &Path) -> io::Result<(Duration, u64)> {
    let clock = Instant::now();
    let paths: Vec<_> = walkdir::WalkDir::new(content)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    let bytes = paths
        .par_iter()
        .map(|p| -> io::Result<u64> {
            let text = std::fs::read_to_string(p)?;
            Ok(markdown_to_html(&text).len() as u64)
        })
        .try_reduce(|| 0, |a, b| Ok(a + b))?;
    Ok((clock.elapsed(), bytes))
}

/// HTML of one Markdown file (front matter between `+++` lines skipped).
pub fn markdown_to_html(text: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let body = text
        .strip_prefix("+++")
        .and_then(|rest| rest.split_once("\n+++").map(|(_, b)| b))
        .unwrap_or(text);
    let options = Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut out, Parser::new_ext(body, options));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_phase_table_and_rss() {
        let stderr = "warning: x\nphase                ms\nconfigure           1.5\nparse             120.0\ntotal             121.5\nBuilt 3 pages\n";
        assert_eq!(
            phases(stderr),
            vec![("configure".to_string(), 1.5), ("parse".to_string(), 120.0)]
        );
        assert_eq!(
            max_rss_kib("\tMaximum resident set size (kbytes): 52340\n"),
            Some(52340)
        );
    }

    #[test]
    fn markdown_floor_renders_footnotes() {
        let html = markdown_to_html("+++\ntitle = \"x\"\n+++\nOne.[^1]\n\n[^1]: Note.\n");
        assert!(html.contains("footnote-definition"), "{html}");
        assert!(!html.contains("title"), "{html}");
    }
}
