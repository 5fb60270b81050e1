//! Fingerprints of an original's body, so that a translation can record
//! which version it was made from and check can say which paragraphs
//! changed since.
//!
//! Format, written into the translation's front matter as
//! `translated_from = "<body>:<p1>,<p2>,…"`: `<body>` is 16 hex digits of a
//! 64-bit FNV-1a hash of the body's paragraphs, each `<pN>` 8 hex digits of
//! the same hash of one paragraph, in order. Paragraphs are runs of
//! non-blank lines with trailing spaces dropped, so re-wrapping whitespace
//! at line ends or adding blank lines does not make a translation stale.
//! FNV is written out here (not `std`'s hasher) because the value is
//! stored in files and must never change between Rust releases.
//!
//! Must not know: files or front matter syntax.

/// One paragraph of a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// 1-based line in the body where it starts.
    pub line: usize,
    /// Its hash (8 hex digits).
    pub hash: String,
    /// Its first line, for messages.
    pub first_line: String,
}

/// A body's fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// Hash of the whole body (16 hex digits).
    pub body: String,
    /// Hash of each paragraph, in order.
    pub paragraphs: Vec<String>,
}

impl Fingerprint {
    /// The front matter value.
    pub fn encode(&self) -> String {
        format!("{}:{}", self.body, self.paragraphs.join(","))
    }

    /// Reads a front matter value; `None` when it is not one.
    pub fn decode(value: &str) -> Option<Fingerprint> {
        let (body, rest) = value.trim().split_once(':')?;
        let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
        if !hex(body, 16) {
            return None;
        }
        let paragraphs: Vec<String> = if rest.is_empty() {
            Vec::new()
        } else {
            rest.split(',').map(str::to_string).collect()
        };
        paragraphs.iter().all(|p| hex(p, 8)).then(|| Fingerprint {
            body: body.to_string(),
            paragraphs,
        })
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The paragraphs of a body, normalised, with their starting lines.
pub fn paragraphs(body: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in body.lines().enumerate() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            out.extend(current.take());
            continue;
        }
        match &mut current {
            Some((_, text)) => {
                text.push('\n');
                text.push_str(line);
            }
            None => current = Some((i + 1, line.to_string())),
        }
    }
    out.extend(current);
    out
}

/// Paragraphs of a body with their hashes.
pub fn hashed_paragraphs(body: &str) -> Vec<Paragraph> {
    paragraphs(body)
        .into_iter()
        .map(|(line, text)| Paragraph {
            line,
            hash: format!("{:08x}", fnv1a(text.as_bytes()) >> 32),
            first_line: text.lines().next().unwrap_or_default().to_string(),
        })
        .collect()
}

/// The fingerprint of a body.
pub fn fingerprint(body: &str) -> Fingerprint {
    let paras = paragraphs(body);
    let joined: Vec<&str> = paras.iter().map(|(_, t)| t.as_str()).collect();
    Fingerprint {
        body: format!("{:016x}", fnv1a(joined.join("\n\n").as_bytes())),
        paragraphs: hashed_paragraphs(body)
            .into_iter()
            .map(|p| p.hash)
            .collect(),
    }
}

/// What changed between a recorded fingerprint and the current body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Changes {
    /// Current paragraphs that are new or edited.
    pub changed: Vec<Paragraph>,
    /// Number of recorded paragraphs that are gone.
    pub removed: usize,
}

/// Compares the recorded paragraph hashes with the current paragraphs
/// (longest common subsequence: moved paragraphs count as changed).
pub fn diff(old: &[String], new: &[Paragraph]) -> Changes {
    let (n, m) = (old.len(), new.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if old[i] == new[j].hash {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut changes = Changes::default();
    while i < n || j < m {
        if i < n && j < m && old[i] == new[j].hash {
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            changes.changed.push(new[j].clone());
            j += 1;
        } else {
            changes.removed += 1;
            i += 1;
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_round_trips_and_ignores_trailing_spaces() {
        let a = fingerprint("First line  \nstill first.\n\n\nSecond, İstanbul.\n");
        let b = fingerprint("First line\nstill first.\n\nSecond, İstanbul.");
        assert_eq!(a, b);
        assert_eq!(a.paragraphs.len(), 2);
        assert_eq!(Fingerprint::decode(&a.encode()), Some(a));
        assert_eq!(Fingerprint::decode("abc"), None);
        assert_eq!(Fingerprint::decode("0123456789abcdef:xyz"), None);
    }

    #[test]
    fn diff_lists_edited_and_added_paragraphs_and_counts_removed_ones() {
        let old = fingerprint("One.\n\nTwo.\n\nThree.\n\nFour.");
        let new_body = "One.\n\nTwo, edited.\n\nThree.\n\nFive.\n\nSix.";
        let changes = diff(&old.paragraphs, &hashed_paragraphs(new_body));
        let lines: Vec<usize> = changes.changed.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![3, 7, 9]);
        assert_eq!(changes.removed, 2);
        assert_eq!(changes.changed[0].first_line, "Two, edited.");
        let same = diff(
            &old.paragraphs,
            &hashed_paragraphs("One.\n\nTwo.\n\nThree.\n\nFour."),
        );
        assert_eq!(same, Changes::default());
    }
}
