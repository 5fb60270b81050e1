//! Pandoc citation syntax: `[@key]`, `[@key, p. 4]`, `[see @a, ch. 2; -@b]`.
//!
//! Hand-written because the grammar is tiny and no maintained crate parses
//! Pandoc citations outside Pandoc itself.

use quire_core::{CiteCluster, CiteItem};

/// Parses the text inside one pair of brackets as a citation cluster.
/// Returns `None` when the text is not a citation at all (no item starts with
/// `@`), so ordinary bracketed text stays text.
pub fn parse_cluster(inner: &str) -> Option<CiteCluster> {
    let mut items = Vec::new();
    for part in inner.split(';') {
        items.push(parse_item(part)?);
    }
    if items.is_empty() {
        return None;
    }
    Some(CiteCluster {
        items,
        in_text: false,
    })
}

fn parse_item(part: &str) -> Option<CiteItem> {
    let part = part.trim();
    // The key starts at the first `@` that begins a word.
    let at = part.char_indices().find_map(|(i, c)| {
        let starts_word = i == 0
            || part[..i].ends_with(char::is_whitespace)
            || (part[..i].ends_with('-')
                && (i == 1 || part[..i - 1].ends_with(char::is_whitespace)));
        (c == '@' && starts_word).then_some(i)
    })?;
    let suppress_author = part[..at].ends_with('-');
    let prefix_end = if suppress_author { at - 1 } else { at };
    let prefix = part[..prefix_end].trim().to_string();
    let after = &part[at + 1..];
    let key_len = key_length(after);
    if key_len == 0 {
        return None;
    }
    let key = after[..key_len].to_string();
    let locator = after[key_len..]
        .trim_start()
        .trim_start_matches(',')
        .trim()
        .to_string();
    Some(CiteItem {
        key,
        prefix,
        locator,
        suppress_author,
    })
}

/// Length in bytes of the citation key at the start of `s`: letters, digits
/// and `_`, plus inner punctuation `:.#$%&-+?<>~/` when followed by a key
/// character (Pandoc's rule, so `@doe2020.` ends before the full stop).
pub(crate) fn key_length(s: &str) -> usize {
    let mut end = 0;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            end = i + c.len_utf8();
        } else if ":.#$%&-+?<>~/".contains(c) {
            match chars.peek() {
                Some((_, n)) if n.is_alphanumeric() || *n == '_' => {}
                _ => break,
            }
        } else {
            break;
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(c: &CiteCluster) -> Vec<(&str, &str, &str, bool)> {
        c.items
            .iter()
            .map(|i| {
                (
                    i.key.as_str(),
                    i.prefix.as_str(),
                    i.locator.as_str(),
                    i.suppress_author,
                )
            })
            .collect()
    }

    #[test]
    fn parses_clusters() {
        let c = parse_cluster("@doe2020").unwrap();
        assert_eq!(keys(&c), [("doe2020", "", "", false)]);
        let c = parse_cluster("@doe2020, p. 4").unwrap();
        assert_eq!(keys(&c), [("doe2020", "", "p. 4", false)]);
        let c = parse_cluster("see @a, ch. 2; -@b").unwrap();
        assert_eq!(
            keys(&c),
            [("a", "see", "ch. 2", false), ("b", "", "", true)]
        );
        let c = parse_cluster("@un:report.2023, pp. 10-12").unwrap();
        assert_eq!(keys(&c), [("un:report.2023", "", "pp. 10-12", false)]);
        let c = parse_cluster("@Ölçüm").unwrap();
        assert_eq!(keys(&c), [("Ölçüm", "", "", false)]);
    }

    #[test]
    fn ordinary_brackets_are_not_citations() {
        assert!(parse_cluster("see the map").is_none());
        assert!(parse_cluster("mail me@example.org").is_none());
        assert!(parse_cluster("@").is_none());
        assert!(parse_cluster("@a; plain").is_none());
    }
}
