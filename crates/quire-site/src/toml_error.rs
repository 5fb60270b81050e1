//! Turning serde/TOML/YAML errors into located diagnostics.

use quire_core::{Diagnostic, SourceText};

/// A TOML error in `text` (which starts at byte `base` of the file whose
/// full text is `file_text`), as a diagnostic on `path`.
pub fn toml_diagnostic(
    path: &str,
    file_text: &str,
    base: usize,
    err: &toml::de::Error,
) -> Diagnostic {
    let source = SourceText::new(file_text);
    let message = err.message().trim().to_string();
    let d = Diagnostic::error(path, message);
    match err.span() {
        // toml reports missing fields at 0..0; point at the block instead.
        Some(span) if span.start > 0 || span.end > 0 => d.at(&source, base + span.start),
        _ => d.at(&source, base),
    }
}

/// Byte offset (in `text`) of the line where top-level `key` is set, for
/// errors that arise after deserialising (unknown author, bad date…).
pub fn key_offset(text: &str, key: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key) {
            let rest = rest.trim_start();
            if rest.starts_with('=') || rest.starts_with(':') {
                return Some(offset + (line.len() - trimmed.len()));
            }
        }
        offset += line.len();
    }
    None
}
