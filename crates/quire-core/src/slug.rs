//! URL slugs: ASCII, lower case, words joined by `-`.
//!
//! Transliteration is `any_ascii` (readable Turkish and Russian romanisation,
//! e.g. "Çin" → `cin`, "Китай" → `kitay`); the joining rules are ours because
//! no crate lets us choose how apostrophes are treated.

/// Turns any text into an ASCII slug: `"Türkiye'nin Dış Politikası"` →
/// `turkiyenin-dis-politikasi`. Returns an empty string for text with no
/// letters or digits.
pub fn slugify(text: &str) -> String {
    let ascii = any_ascii::any_ascii(text);
    let mut out = String::with_capacity(ascii.len());
    let mut pending_dash = false;
    for ch in ascii.chars() {
        if ch.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(ch.to_ascii_lowercase());
        } else if ch == '\'' {
            // Apostrophes join a word with its suffix (Turkish "Ankara'da",
            // Russian soft sign romanised as '), so they vanish rather than split.
        } else {
            pending_dash = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn transliterates_turkish_and_cyrillic() {
        let cases = [
            ("Çin", "cin"),
            ("Türkiye'nin Dış Politikası", "turkiyenin-dis-politikasi"),
            ("İSTANBUL ılık", "istanbul-ilik"),
            ("Китай", "kitay"),
            (
                "Энергетическая безопасность",
                "energeticheskaya-bezopasnost",
            ),
            ("  Hello,  World!  ", "hello-world"),
            ("2024: a year", "2024-a-year"),
            ("«»—", ""),
        ];
        for (input, want) in cases {
            assert_eq!(slugify(input), want, "slugify({input:?})");
        }
    }

    #[test]
    fn is_idempotent() {
        for s in ["Çin ve Rusya", "Москва", "a--b", "x_y"] {
            let once = slugify(s);
            assert_eq!(slugify(&once), once);
        }
    }
}
