//! HTML escaping of text for element content and attribute values, shared
//! by the template formatter and the citation renderer so that both write
//! the same entities.
//!
//! Owns: which characters are escaped and how.
//! Must not know: templates or citations.

use std::fmt::Write;

/// Escapes `& < > " '` for HTML text and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    // Writing to a String cannot fail.
    let _ = write_escaped_html(&mut out, text);
    out
}

/// Writes `text` to `out` with `& < > " '` escaped, in runs between the
/// characters that need it (most text has none): the template formatter
/// calls this for every value of every page.
pub fn write_escaped_html(out: &mut impl Write, text: &str) -> std::fmt::Result {
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // The escaped characters are ASCII, so `i` is a char boundary.
        out.write_str(&text[start..i])?;
        out.write_str(entity)?;
        start = i + 1;
    }
    out.write_str(&text[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_only_what_html_needs() {
        assert_eq!(
            escape_html(r#"Çin & "Türkiye" <b>'ş'</b> a/b"#),
            "Çin &amp; &quot;Türkiye&quot; &lt;b&gt;&#39;ş&#39;&lt;/b&gt; a/b"
        );
        assert_eq!(escape_html("<"), "&lt;");
        assert_eq!(escape_html("ğ"), "ğ");
        assert_eq!(escape_html(""), "");
    }
}
