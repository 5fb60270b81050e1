//! Which link targets quire publishes: `http`, `https`, `mailto`, `tel`
//! and relative URLs. Anything else (`javascript:`, `data:`, `vbscript:`,
//! `file:`…) is never written into an `href` or `src`, whatever its case,
//! its tabs and newlines, or the entities it was written with (callers pass
//! the decoded text).
//!
//! Owns: the scheme rule, read the way a browser reads a URL.
//! Must not know: HTML, Markdown or where the URL came from.

/// The schemes a published link may have.
pub const ALLOWED_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// The scheme of `url` as a browser sees it, lower-cased, or `None` for a
/// relative URL (`/a`, `../b`, `#c`, `?d`, `//host/e`, `page.html`).
///
/// Like the URL standard, leading and trailing spaces and control
/// characters are ignored, and tabs and newlines anywhere are dropped, so
/// `" JaVa\tScript:x"` has the scheme `javascript`.
pub fn scheme(url: &str) -> Option<String> {
    let trimmed = url.trim_matches(|c: char| c <= ' ');
    let mut name = String::new();
    for c in trimmed.chars() {
        match c {
            '\t' | '\n' | '\r' => continue,
            ':' if !name.is_empty() => return Some(name),
            c if c.is_ascii_alphabetic() => name.push(c.to_ascii_lowercase()),
            c if !name.is_empty() && (c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) => {
                name.push(c)
            }
            _ => return None,
        }
    }
    None
}

/// True when `url` may be published as a link: relative, or with one of
/// [`ALLOWED_SCHEMES`].
pub fn is_allowed_link(url: &str) -> bool {
    scheme(url).is_none_or(|s| ALLOWED_SCHEMES.contains(&s.as_str()))
}

/// `url` cut to at most `max` characters with `…`, for messages.
pub fn shorten(url: &str, max: usize) -> String {
    let mut chars = url.chars();
    let head: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_and_allowed_schemes_pass() {
        for url in [
            "/a/b/",
            "../x.png",
            "#part",
            "?q=1",
            "//example.org/x",
            "page.html",
            "a/b:c",
            "",
            "https://example.org",
            "HTTP://EXAMPLE.ORG",
            "mailto:a@b.org",
            "tel:+90 212 000",
            "\u{E000}L0\u{E001}",
        ] {
            assert!(is_allowed_link(url), "{url:?}");
        }
    }

    #[test]
    fn script_and_data_schemes_fail_however_written() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "JaVa\tscript:alert(1)",
            "java\nscript:alert(1)",
            " \u{1}javascript:alert(1)",
            "javascript\r:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            "x-custom+1.0:y",
        ] {
            assert!(!is_allowed_link(url), "{url:?}");
        }
        assert_eq!(scheme("JaVa\tscript:x").as_deref(), Some("javascript"));
        assert_eq!(scheme("/javascript:x"), None);
        assert_eq!(scheme("1http:x"), None);
    }

    #[test]
    fn shortens_long_urls_for_messages() {
        assert_eq!(shorten("abcdef", 3), "abc…");
        assert_eq!(shorten("abc", 3), "abc");
    }
}
