//! Typesetting errors with the place they come from: a line of the
//! template (a site's own template is the usual culprit), a piece of the
//! article's content, or the PDF export.

use std::fmt;

use typst::WorldExt;
use typst::diag::SourceDiagnostic;

use crate::world::{EditionWorld, TEMPLATE_PATH};

/// Where a typesetting error comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A line of the template, from 1, and a column, from 1.
    Template {
        /// Line, from 1.
        line: usize,
        /// Column, from 1.
        column: usize,
    },
    /// The article's content; `excerpt` is the generated Typst around it.
    Content {
        /// A short excerpt of the generated source.
        excerpt: String,
    },
    /// The PDF export as a whole (a standard's rule, an unreadable image).
    Export,
}

/// A typesetting error: what went wrong, where, and Typst's hints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Typst's message.
    pub message: String,
    /// Where it comes from.
    pub origin: Origin,
    /// Hints on how to fix it.
    pub hints: Vec<String>,
}

impl Error {
    /// An export error without a place in the sources.
    pub(crate) fn export(message: String) -> Self {
        Error {
            message,
            origin: Origin::Export,
            hints: Vec::new(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.origin {
            Origin::Template { line, column } => write!(
                f,
                "PDF template, line {line}, column {column}: {}",
                self.message
            )?,
            Origin::Content { excerpt } => {
                write!(f, "PDF edition: {} (near `{excerpt}`)", self.message)?
            }
            Origin::Export => write!(f, "PDF edition: {}", self.message)?,
        }
        for hint in &self.hints {
            write!(f, "; hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// The first error of a failed compilation or export, located.
pub(crate) fn first(world: &EditionWorld, errors: &[SourceDiagnostic]) -> Error {
    match errors.first() {
        Some(diagnostic) => describe(world, diagnostic),
        None => Error::export("typesetting failed without a message".to_owned()),
    }
}

/// One Typst diagnostic, located in the template or the content.
pub(crate) fn describe(world: &EditionWorld, diagnostic: &SourceDiagnostic) -> Error {
    let message = diagnostic.message.to_string();
    let hints = diagnostic.hints.iter().map(|h| h.to_string()).collect();
    // The innermost span that lies in one of the edition's sources; the
    // trace's spans when the error itself has none (a font or image
    // failing inside a call).
    let spans = std::iter::once(diagnostic.span).chain(diagnostic.trace.iter().map(|t| t.span));
    let origin = spans
        .filter_map(|span| {
            let source = world.source_of(span.id()?)?;
            let range = world.range(span)?;
            Some(
                if source.id().vpath().as_rooted_path().to_string_lossy() == TEMPLATE_PATH {
                    let (line, column) = source
                        .lines()
                        .byte_to_line_column(range.start)
                        .unwrap_or((0, 0));
                    Origin::Template {
                        line: line + 1,
                        column: column + 1,
                    }
                } else {
                    Origin::Content {
                        excerpt: excerpt(source.text(), range),
                    }
                },
            )
        })
        .next()
        .unwrap_or(Origin::Export);
    Error {
        message,
        origin,
        hints,
    }
}

/// Up to 60 characters of `text` from `range`'s start, on one line.
fn excerpt(text: &str, range: std::ops::Range<usize>) -> String {
    let start = (0..=range.start.min(text.len()))
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    text[start..]
        .chars()
        .take(60)
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect()
}
