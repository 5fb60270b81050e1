//! URL helpers: percent-encoding for share links, JSON for `<script>`,
//! fingerprints for file names. Paths and URLs of the site come from
//! [`quire_site::Routes`].

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 3986 unreserved characters is encoded.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes a query component.
pub fn encode(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// JSON safe to embed in `<script>`: `<`, `>`, `&` and line separators are
/// written as `\u` escapes so no content can close the element.
pub fn script_json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let text = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_string());
    // Copied in runs between the characters to escape (every article page
    // has one of these; most runs are long).
    let mut out = String::with_capacity(text.len() + 16);
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let (escape, len) = match b {
            b'<' => ("\\u003c", 1),
            b'>' => ("\\u003e", 1),
            b'&' => ("\\u0026", 1),
            // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
            0xE2 if bytes.get(i + 1) == Some(&0x80) && bytes.get(i + 2) == Some(&0xA8) => {
                ("\\u2028", 3)
            }
            0xE2 if bytes.get(i + 1) == Some(&0x80) && bytes.get(i + 2) == Some(&0xA9) => {
                ("\\u2029", 3)
            }
            _ => continue,
        };
        out.push_str(&text[start..i]);
        out.push_str(escape);
        start = i + len;
    }
    out.push_str(&text[start..]);
    out
}

/// FNV-1a, 64 bits: a content fingerprint for cache-busting file names.
/// Hand-written because it is five lines and needs no cryptographic strength.
pub fn fingerprint(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:010x}", hash & 0xff_ffff_ffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_and_escapes() {
        assert_eq!(encode("a b&c/ç"), "a%20b%26c%2F%C3%A7");
        let v = serde_json::json!({"t": "</script><script>alert(1)</script>"});
        let s = script_json(&v);
        assert!(!s.contains("</script>"));
        assert_eq!(serde_json::from_str::<serde_json::Value>(&s).unwrap(), v);
        let v = serde_json::json!({"t": "Çin\u{2028}ş & <b>\u{2029}—ê"});
        let s = script_json(&v);
        assert_eq!(s, r#"{"t":"Çin\u2028ş \u0026 \u003cb\u003e\u2029—ê"}"#);
        assert_eq!(serde_json::from_str::<serde_json::Value>(&s).unwrap(), v);
    }
}
