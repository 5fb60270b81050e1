//! Diagnostics: what is wrong, where (file, line, column), and an excerpt of
//! the offending line around the column.
//!
//! Every phase collects diagnostics instead of stopping at the first one; the
//! CLI prints them once, sorted, and picks the exit code.

use std::fmt;

use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails anything.
    Info,
    /// Probably a mistake; the build still succeeds.
    Warning,
    /// The content is wrong; the build fails with exit status 1.
    Error,
}

/// One finding about the site's input, located in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// The file, relative to the site root, with `/` separators.
    pub path: String,
    /// 1-based line; 0 when the finding concerns the whole file.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub col: usize,
    /// What is wrong and, where possible, what to do about it.
    pub message: String,
    /// The offending line, shown under the message: the whole line when it
    /// is short, else at most [`EXCERPT_CHARS`] characters around the column
    /// with `…` where text was cut (a paragraph is one line in Markdown, and
    /// a copy of a 200 KB line per finding made output grow with its square).
    pub source_line: Option<String>,
    /// 1-based column, in characters, of [`Diagnostic::col`] within
    /// `source_line`; 0 when there is no column.
    pub source_col: usize,
}

/// Most characters of a source line a diagnostic keeps (plus a `…` at
/// either end where the line was cut).
pub const EXCERPT_CHARS: usize = 120;

/// Characters kept before the column when a line is cut.
const EXCERPT_BEFORE: usize = 40;

/// At most [`EXCERPT_CHARS`] characters of `line` around the 1-based
/// character column `col` (0: from the start), with `…` marking a cut, and
/// the column within the excerpt. Works on char boundaries; looks at no more
/// of the line than the column and the window.
pub fn excerpt(line: &str, col: usize) -> (String, usize) {
    if line.chars().take(EXCERPT_CHARS + 1).count() <= EXCERPT_CHARS {
        return (line.to_string(), col);
    }
    // Byte index of the column's character (the end for a column past it).
    let caret = match col {
        0 => 0,
        c => line
            .char_indices()
            .nth(c - 1)
            .map_or(line.len(), |(i, _)| i),
    };
    let (before, after) = line.split_at(caret);
    let after_chars = after.chars().take(EXCERPT_CHARS + 1).count();
    // Up to EXCERPT_BEFORE characters before the caret, more when the line
    // ends soon after it, so the window stays EXCERPT_CHARS wide.
    let want_before = EXCERPT_BEFORE.max(EXCERPT_CHARS.saturating_sub(after_chars));
    let start = before
        .char_indices()
        .rev()
        .take(want_before)
        .last()
        .map_or(caret, |(i, _)| i);
    let kept_before = before[start..].chars().count();
    let end = after
        .char_indices()
        .nth(EXCERPT_CHARS - kept_before)
        .map_or(line.len(), |(i, _)| caret + i);
    let mut out = String::with_capacity(end - start + 6);
    let cut_start = start > 0;
    if cut_start {
        out.push('…');
    }
    out.push_str(&line[start..end]);
    if end < line.len() {
        out.push('…');
    }
    let within = match col {
        0 => 0,
        _ => kept_before + 1 + usize::from(cut_start),
    };
    (out, within)
}

impl Diagnostic {
    /// An error about a whole file (no line known).
    pub fn error(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            line: 0,
            col: 0,
            message: message.into(),
            source_line: None,
            source_col: 0,
        }
    }

    /// A warning about a whole file (no line known).
    pub fn warning(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, message)
        }
    }

    /// The same finding placed at a byte offset of `source`.
    pub fn at(mut self, source: &SourceText<'_>, offset: usize) -> Self {
        let (line, col) = source.line_col(offset);
        self.line = line;
        self.col = col;
        let (text, within) = excerpt(source.line_text(line), col);
        self.source_line = Some(text);
        self.source_col = within;
        self
    }

    /// The same finding placed at a 1-based line (and column) of `source`.
    pub fn at_line(mut self, source: &SourceText<'_>, line: usize, col: usize) -> Self {
        self.line = line;
        self.col = col;
        let (text, within) = excerpt(source.line_text(line), col);
        self.source_line = Some(text).filter(|_| line > 0);
        self.source_col = within;
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    fn sort_key(&self) -> (&str, usize, usize, &str) {
        (&self.path, self.line, self.col, &self.message)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path)?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.col.max(1))?;
        }
        match self.severity {
            Severity::Error => write!(f, ": {}", self.message)?,
            Severity::Warning => write!(f, ": warning: {}", self.message)?,
            Severity::Info => write!(f, ": info: {}", self.message)?,
        }
        if let Some(line) = &self.source_line {
            let gutter = self.line.to_string();
            write!(f, "\n {gutter} | {line}")?;
            if self.source_col > 0 {
                let pad: String = line
                    .chars()
                    .take(self.source_col - 1)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                write!(f, "\n {} | {pad}^", " ".repeat(gutter.len()))?;
            }
        }
        Ok(())
    }
}

/// A bag of diagnostics gathered across a phase.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds one finding.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Adds many findings.
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(ds);
    }

    /// True when any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// Sorts by file, line, column and message, and drops exact repeats,
    /// so that output is stable whatever order the phases ran in.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.0.dedup();
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.0
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }
}

/// A file's text with a line index, to turn byte offsets into line and column.
pub struct SourceText<'a> {
    text: &'a str,
    /// Byte offset of each line's start, made on first use: most texts
    /// are wrapped "in case" and never asked for a position.
    line_starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> SourceText<'a> {
    /// Wraps `text`; the line index is built when first needed.
    pub fn new(text: &'a str) -> Self {
        SourceText {
            text,
            line_starts: std::cell::OnceCell::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            // memchr: a large site's sources are indexed whenever one of
            // them has a diagnostic, and a char-pattern search was slow.
            starts.extend(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1));
            starts
        })
    }

    /// 1-based line and column (in characters) of a byte offset; offsets past
    /// the end land on the last line.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line_starts = self.line_starts();
        let line = match line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = line_starts[line];
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let col = self.text[start..end].chars().count() + 1;
        (line + 1, col)
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: usize) -> &'a str {
        let line_starts = self.line_starts();
        if line == 0 || line > line_starts.len() {
            return "";
        }
        let start = line_starts[line - 1];
        let end = line_starts
            .get(line)
            .map(|e| e - 1)
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches('\r')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_lines_and_columns() {
        let src = SourceText::new("ab\nçde\r\nf");
        assert_eq!(src.line_col(0), (1, 1));
        assert_eq!(src.line_col(3), (2, 1));
        assert_eq!(src.line_col(5), (2, 2)); // after the two-byte ç
        assert_eq!(src.line_text(2), "çde");
        assert_eq!(src.line_col(100), (3, 2));
    }

    #[test]
    fn display_names_file_line_and_shows_the_line() {
        let src = SourceText::new("title = 1\nautor = 2\n");
        let d = Diagnostic::error("content/a.md", "unknown key `autor`").at(&src, 10);
        assert_eq!(
            d.to_string(),
            "content/a.md:2:1: unknown key `autor`\n 2 | autor = 2\n   | ^"
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_column_on_char_boundaries() {
        // Two-byte and three-byte characters so a byte window would split one.
        let line = format!("{}[X]{}", "ş".repeat(5_000), "ы€".repeat(5_000));
        let (text, within) = excerpt(&line, 5_001);
        assert!(text.starts_with('…') && text.ends_with('…'), "{text}");
        assert_eq!(text.chars().count(), EXCERPT_CHARS + 2);
        assert_eq!(
            text.chars().skip(within - 1).take(3).collect::<String>(),
            "[X]"
        );
        // Near either end the window is still full and marked on one side only.
        let (head, at) = excerpt(&line, 3);
        assert!(!head.starts_with('…') && head.ends_with('…'));
        assert_eq!((head.chars().count(), at), (EXCERPT_CHARS + 1, 3));
        let len = line.chars().count();
        let (tail, at) = excerpt(&line, len);
        assert!(tail.starts_with('…') && !tail.ends_with('…'));
        assert_eq!(tail.chars().count(), EXCERPT_CHARS + 1);
        assert_eq!(tail.chars().nth(at - 1), Some('€'));
        // Past the end (an offset at the line break) and without a column.
        assert_eq!(excerpt(&line, len + 1).1, EXCERPT_CHARS + 2);
        let (start, at) = excerpt(&line, 0);
        assert_eq!((start.chars().count(), at), (EXCERPT_CHARS + 1, 0));
        assert_eq!(excerpt("short", 2), ("short".to_string(), 2));
    }

    #[test]
    fn a_diagnostic_on_a_long_line_is_small_and_points_at_its_column() {
        let line = "[x](#a) ".repeat(25_000);
        let text = format!("title\n{line}\n");
        let src = SourceText::new(&text);
        let offset = 6 + 8 * 20_000 + 4; // the `#` of link 20,000
        let d = Diagnostic::error("a.md", "broken").at(&src, offset);
        assert_eq!((d.line, d.col), (2, 8 * 20_000 + 5));
        let shown = d.to_string();
        assert!(shown.len() < 600, "{} bytes", shown.len());
        let caret_line = shown.lines().last().unwrap();
        let source_line = shown.lines().nth(1).unwrap();
        let caret = caret_line.chars().count() - 1;
        assert_eq!(source_line.chars().nth(caret), Some('#'), "{shown}");
    }
}
