//! HTML and XML escaping of text for element content and attribute values:
//! the one place every crate escapes with (templates, citations, the search
//! page, the preview server's error page, feeds and sitemaps), so that all
//! write the same entities.
//!
//! Owns: which characters are escaped and how, and which XML forbids.
//! Must not know: templates, citations or feeds.

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

/// Escapes `& < > " '` for XML text and attribute values (`'` as
/// `&apos;`) and drops the characters XML 1.0 forbids: a single one makes
/// the whole file unreadable to every XML parser.
pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if !is_xml_char(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// True for characters XML 1.0 allows in a document (control characters
/// other than tab, line feed and carriage return, U+FFFE and U+FFFF are not).
pub fn is_xml_char(c: char) -> bool {
    !matches!(c, '\0'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_entities_and_drops_forbidden_characters() {
        assert_eq!(
            escape_xml("a & 'b' <c> \"d\"\u{1}\u{FFFF}\tz"),
            "a &amp; &apos;b&apos; &lt;c&gt; &quot;d&quot;\tz"
        );
        assert!(is_well_escaped(&format!(
            "<t>{}</t>",
            escape_xml("x\u{0}&y")
        )));
    }

    /// The escaped text holds no bare `&` or `<` and no forbidden character.
    fn is_well_escaped(xml: &str) -> bool {
        let inner = &xml[3..xml.len() - 4];
        inner.chars().all(is_xml_char)
            && !inner.contains('<')
            && inner
                .match_indices('&')
                .all(|(i, _)| inner[i..].starts_with("&amp;"))
    }

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
