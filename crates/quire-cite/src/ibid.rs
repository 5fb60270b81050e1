//! Reading hand-written notes: ibid. markers in any configured language, the
//! single web source a note cites, and its access date.
//!
//! Owns: text heuristics over a note's plain text. Must not know: styles,
//! hayagriva or HTML.

/// Ibid. markers recognised in every language, already folded by [`fold`]:
/// English "Ibid."/"Ibidem"/"Same place.", Turkish "a.g.e."/"Aynı yer.",
/// Russian "Там же.".
const MARKERS: [&str; 6] = ["ibid", "ibidem", "sameplace", "age", "ayniyer", "тамже"];

/// Lowercases and keeps letters and digits only, so that case, punctuation
/// and spaces don't matter ("A.G.E." = "a.g.e" = "age") while a locator
/// ("Ibid., 4.") keeps the note from being a bare marker. Turkish dotless ı and dotted İ
/// fold to `i`, since authors type either.
pub(crate) fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ı' { 'i' } else { c })
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// True when a note's whole text is an ibid. marker: a built-in one or one
/// of `extra` (the site's and the locales' terms).
pub(crate) fn is_marker(text: &str, extra: &[String]) -> bool {
    let folded = fold(text);
    !folded.is_empty()
        && (MARKERS.contains(&folded.as_str()) || extra.iter().any(|e| fold(e) == folded))
}

/// The distinct `http(s)://` URLs in a note's text, in order.
pub(crate) fn urls(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest
        .find("http://")
        .into_iter()
        .chain(rest.find("https://"))
        .min()
    {
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| {
                c.is_whitespace() || matches!(c, '<' | '>' | '"' | '“' | '”' | '«' | '»')
            })
            .unwrap_or(tail.len());
        // Sentence punctuation after a URL is not part of it.
        let url = tail[..end].trim_end_matches(['.', ',', ';', ':', ')', ']', '!', '?', '\'']);
        if url.len() > "https://".len() && !found.iter().any(|u| u == url) {
            found.push(url.to_string());
        }
        rest = &tail[end.max(1)..];
    }
    found
}

/// The access date in a web-source note (`Date of Access: 03.04.2024`,
/// `Erişim tarihi: 2024-04-03`, `дата обращения: 03.04.2024`, `accessed
/// 2024-04-03`) as `(year, month, day)`.
pub(crate) fn access_date(text: &str) -> Option<(i32, u8, u8)> {
    let lower = text.to_lowercase();
    let cue = ["access", "erişim", "обращения", "accessed"]
        .iter()
        .filter_map(|c| lower.find(c).map(|i| i + c.len()))
        .min()?;
    let tail = &lower[cue..];
    let tokens = tail.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '/'));
    tokens.filter(|t| !t.is_empty()).find_map(parse_date)
}

fn parse_date(token: &str) -> Option<(i32, u8, u8)> {
    let token = token.trim_matches(['.', '-', '/']);
    let parts: Vec<&str> = token.split(['.', '-', '/']).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let (y, m, d) = if a.len() == 4 { (a, b, c) } else { (c, b, a) };
    let (y, m, d): (i32, u8, u8) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    ((1..=12).contains(&m) && (1..=31).contains(&d) && y > 1900).then_some((y, m, d))
}

/// The Wayback Machine address of the capture nearest a date.
pub(crate) fn archive_url(url: &str, (y, m, d): (i32, u8, u8)) -> String {
    format!("https://web.archive.org/web/{y:04}{m:02}{d:02}/{url}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_in_every_language_ignore_case_and_punctuation() {
        for m in [
            "Same place.",
            "Ibid.",
            "ibid",
            "IBID.,",
            "Aynı yer.",
            "AYNI YER",
            "a.g.e.",
            "A.G.E",
            "Там же.",
            "там же",
        ] {
            assert!(is_marker(m, &[]), "{m}");
        }
        for m in [
            "Ibid., 4.",
            "See the same place.",
            "Aynı yerde bulunan",
            "",
            "...",
        ] {
            assert!(!is_marker(m, &[]), "{m}");
        }
        assert!(is_marker("Aynen.", &["aynen".to_string()]));
    }

    #[test]
    fn urls_are_found_without_trailing_punctuation() {
        assert_eq!(
            urls(
                "“Gas”, Desk, https://example.com/a?b=1&c=2, (Date of Access: 03.04.2024). Also https://example.com/a?b=1&c=2."
            ),
            vec!["https://example.com/a?b=1&c=2"]
        );
        assert_eq!(
            urls("see http://a.example and https://b.example/x)").len(),
            2
        );
        assert!(urls("no link here").is_empty());
    }

    #[test]
    fn access_dates_in_three_languages() {
        assert_eq!(
            access_date("X, https://e.com, (Date of Access: 03.04.2024)"),
            Some((2024, 4, 3))
        );
        assert_eq!(
            access_date("X, https://e.com, Erişim tarihi: 2024-04-03"),
            Some((2024, 4, 3))
        );
        assert_eq!(
            access_date("X (дата обращения: 13.12.2023)"),
            Some((2023, 12, 13))
        );
        assert_eq!(access_date("X, 03.04.2024, https://e.com"), None);
        assert_eq!(
            archive_url("https://e.com/a", (2024, 4, 3)),
            "https://web.archive.org/web/20240403/https://e.com/a"
        );
    }
}
