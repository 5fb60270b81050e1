//! The studio's own UI strings, in English, Turkish and Russian, from the
//! strings files in `i18n/` (compiled in). A key missing in a language
//! falls back to English. Must not know: HTML.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The UI languages, code and name in that language.
pub const LANGUAGES: [(&str, &str); 3] = [("en", "English"), ("tr", "Türkçe"), ("ru", "Русский")];

const FILES: [(&str, &str); 3] = [
    ("en", include_str!("../i18n/en.toml")),
    ("tr", include_str!("../i18n/tr.toml")),
    ("ru", include_str!("../i18n/ru.toml")),
];

type Table = BTreeMap<String, String>;

fn tables() -> &'static BTreeMap<&'static str, Table> {
    static TABLES: OnceLock<BTreeMap<&'static str, Table>> = OnceLock::new();
    TABLES.get_or_init(|| {
        FILES
            .iter()
            .map(|(code, text)| (*code, toml::from_str(text).unwrap_or_default()))
            .collect()
    })
}

/// Strings in one UI language.
#[derive(Debug, Clone, Copy)]
pub struct Strings {
    /// The language code.
    pub lang: &'static str,
}

impl Strings {
    /// Strings in `lang`, English when it is not one of [`LANGUAGES`].
    pub fn new(lang: &str) -> Strings {
        let lang = LANGUAGES
            .iter()
            .map(|(c, _)| *c)
            .find(|c| *c == lang)
            .unwrap_or("en");
        Strings { lang }
    }

    /// The UI language best matching an `Accept-Language` header.
    pub fn negotiate(header: &str) -> Strings {
        for part in header.split(',') {
            let code = part.split(';').next().unwrap_or("").trim();
            let primary = code.split('-').next().unwrap_or("").to_ascii_lowercase();
            if LANGUAGES.iter().any(|(c, _)| *c == primary) {
                return Strings::new(&primary);
            }
        }
        Strings::new("en")
    }

    /// The string `key`.
    pub fn get(&self, key: &str) -> &'static str {
        let t = tables();
        t.get(self.lang)
            .and_then(|m| m.get(key))
            .or_else(|| t.get("en").and_then(|m| m.get(key)))
            .map(String::as_str)
            .unwrap_or("?")
    }

    /// The string `key` with `{name}` placeholders filled.
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        let mut s = self.get(key).to_string();
        for (k, v) in values {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_english_key() {
        let t = tables();
        let en = &t["en"];
        assert!(en.len() > 50);
        for (code, _) in LANGUAGES {
            let keys: Vec<_> = t[code].keys().collect();
            let missing: Vec<_> = en.keys().filter(|k| !keys.contains(k)).collect();
            assert!(missing.is_empty(), "{code} lacks {missing:?}");
        }
        assert_eq!(Strings::new("tr").get("save"), "Kaydet");
        assert_eq!(
            Strings::negotiate("ru-RU,ru;q=0.9,en;q=0.8").get("save"),
            "Сохранить"
        );
        assert_eq!(Strings::negotiate("de").get("save"), "Save");
    }
}
