//! UI strings per language: built in for en, tr, ru, ar and fa, overridable
//! and extendable by the site's `i18n/<lang>.toml`; localized dates and
//! digits.

use std::collections::BTreeMap;

use quire_core::Diagnostic;
use serde::Serialize;

const BUILTIN: &[(&str, &str)] = &[
    ("en", include_str!("../i18n/en.toml")),
    ("tr", include_str!("../i18n/tr.toml")),
    ("ru", include_str!("../i18n/ru.toml")),
    ("ar", include_str!("../i18n/ar.toml")),
    ("fa", include_str!("../i18n/fa.toml")),
];

/// One language's UI strings: key → text, plus month names.
#[derive(Debug, Clone, Default, Serialize)]
pub struct UiStrings {
    /// Plain strings by key.
    pub text: BTreeMap<String, String>,
    /// Month names (January first), as used inside dates.
    pub months: Vec<String>,
}

impl UiStrings {
    /// The string for `key`, or the key itself if missing (visible, never a crash).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.text.get(key).map(String::as_str).unwrap_or(key)
    }
}

/// UI strings for every configured language.
#[derive(Debug, Clone, Default)]
pub struct Strings {
    by_lang: BTreeMap<String, UiStrings>,
}

impl Strings {
    /// Resolves strings for `languages` (the default first): built-ins, then
    /// extra strings from other components (`extra_builtin(lang)`), then the
    /// site's files (code, site-relative path, text). A language with no
    /// built-in strings falls back to the default language's, with a warning.
    pub fn load(
        languages: &[String],
        site_files: &[(String, String, String)],
        extra_builtin: &dyn Fn(&str) -> Vec<(String, String)>,
    ) -> (Strings, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let mut by_lang = BTreeMap::new();
        let default = languages
            .first()
            .cloned()
            .unwrap_or_else(|| "en".to_string());
        let builtin_of = |code: &str| -> Option<UiStrings> {
            BUILTIN
                .iter()
                .find(|(c, _)| *c == code)
                .map(|(_, text)| parse_table(text).expect("built-in strings parse"))
        };
        let default_builtin = builtin_of(&default).unwrap_or_else(|| builtin_of("en").expect("en"));
        for code in languages {
            let mut strings = match builtin_of(code) {
                Some(s) => s,
                None => {
                    let has_site_file = site_files.iter().any(|(c, _, _)| c == code);
                    if !has_site_file {
                        diagnostics.push(Diagnostic::warning(
                            "quire.toml",
                            format!(
                                "language `{code}` has no built-in UI strings; using {default}'s. Add i18n/{code}.toml to translate them"
                            ),
                        ));
                    }
                    default_builtin.clone()
                }
            };
            for (k, v) in extra_builtin(code) {
                strings.text.entry(k).or_insert(v);
            }
            by_lang.insert(code.clone(), strings);
        }
        for (code, path, text) in site_files {
            let Some(strings) = by_lang.get_mut(code) else {
                diagnostics.push(Diagnostic::warning(
                    path.clone(),
                    format!("`{code}` is not a configured language; this file is ignored"),
                ));
                continue;
            };
            match toml::from_str::<toml::Table>(text) {
                Ok(table) => {
                    for (key, value) in table {
                        match value {
                            toml::Value::String(s) => {
                                strings.text.insert(key, s);
                            }
                            toml::Value::Array(items) if key == "months" && items.len() == 12 => {
                                strings.months = items
                                    .into_iter()
                                    .map(|v| v.as_str().unwrap_or_default().to_string())
                                    .collect();
                            }
                            // Tables belong to other components (e.g. [citations]).
                            toml::Value::Table(_) => {}
                            _ => diagnostics.push(Diagnostic::error(
                                path.clone(),
                                format!("`{key}` must be a string (months: a list of 12 strings)"),
                            )),
                        }
                    }
                }
                Err(e) => {
                    let source = quire_core::SourceText::new(text);
                    let d = Diagnostic::error(path.clone(), e.message().to_string());
                    diagnostics.push(match e.span() {
                        Some(span) => d.at(&source, span.start),
                        None => d,
                    });
                }
            }
        }
        (Strings { by_lang }, diagnostics)
    }

    /// The strings of `lang` (the default language's if unknown).
    pub fn of(&self, lang: &str) -> &UiStrings {
        self.by_lang
            .get(lang)
            .or_else(|| self.by_lang.values().next())
            .expect("at least one language")
    }
}

fn parse_table(text: &str) -> Result<UiStrings, toml::de::Error> {
    let table: toml::Table = toml::from_str(text)?;
    let mut out = UiStrings::default();
    for (key, value) in table {
        match value {
            toml::Value::String(s) => {
                out.text.insert(key, s);
            }
            toml::Value::Array(items) if key == "months" => {
                out.months = items
                    .into_iter()
                    .map(|v| v.as_str().unwrap_or_default().to_string())
                    .collect();
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Writes the ASCII digits of `text` in the digit system named by a
/// language's `digits` string: `latn` (0–9, the default), `arab`
/// (Arabic-Indic ٠–٩) or `arabext` (Persian ۰–۹). Other characters are kept.
pub fn localize_digits(text: &str, system: &str) -> String {
    let zero = match system {
        "arab" => '\u{0660}',
        "arabext" => '\u{06F0}',
        _ => return text.to_string(),
    };
    text.chars()
        .map(|c| match c.to_digit(10) {
            // The ten digits of each system are contiguous code points.
            Some(d) if c.is_ascii_digit() => char::from_u32(zero as u32 + d).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Formats a date with the language's `date_format`, month names and
/// digits: "April 2, 2024", "2 Nisan 2024", "2 апреля 2024 г.", "۲ آوریل ۲۰۲۴".
pub fn format_date(strings: &UiStrings, year: i32, month: u8, day: u8) -> String {
    let month_name = strings
        .months
        .get(usize::from(month.saturating_sub(1)))
        .cloned()
        .unwrap_or_else(|| format!("{month:02}"));
    let digits = strings
        .text
        .get("digits")
        .map(String::as_str)
        .unwrap_or("latn");
    strings
        .get("date_format")
        .replace("{day}", &localize_digits(&day.to_string(), digits))
        .replace("{month}", &month_name)
        .replace("{year}", &localize_digits(&year.to_string(), digits))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(site: &[(String, String, String)]) -> (Strings, Vec<Diagnostic>) {
        let langs: Vec<String> = ["en", "tr", "ru", "ar", "fa", "de"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        Strings::load(&langs, site, &|_| Vec::new())
    }

    #[test]
    fn dates_are_localized() {
        let (s, _) = load(&[]);
        assert_eq!(format_date(s.of("en"), 2024, 4, 2), "April 2, 2024");
        assert_eq!(format_date(s.of("tr"), 2024, 4, 2), "2 Nisan 2024");
        assert_eq!(format_date(s.of("ru"), 2024, 4, 2), "2 апреля 2024 г.");
        assert_eq!(format_date(s.of("ar"), 2024, 4, 2), "2 أبريل 2024");
        assert_eq!(format_date(s.of("fa"), 2024, 12, 31), "۳۱ دسامبر ۲۰۲۴");
    }

    #[test]
    fn digits_follow_the_named_system() {
        assert_eq!(localize_digits("Page 10 of 12", "latn"), "Page 10 of 12");
        assert_eq!(localize_digits("2024-06", "arab"), "٢٠٢٤-٠٦");
        assert_eq!(localize_digits("صفحهٔ 3 از 9", "arabext"), "صفحهٔ ۳ از ۹");
        // Digits that are already localized, and unknown systems, pass through.
        assert_eq!(localize_digits("۱٢x", "arab"), "۱٢x");
        assert_eq!(localize_digits("42", "thai"), "42");
    }

    #[test]
    fn a_site_can_switch_arabic_to_arabic_indic_digits() {
        let site = vec![(
            "ar".to_string(),
            "i18n/ar.toml".to_string(),
            "digits = \"arab\"\n".to_string(),
        )];
        let (s, _) = load(&site);
        assert_eq!(format_date(s.of("ar"), 2024, 6, 25), "٢٥ يونيو ٢٠٢٤");
    }

    #[test]
    fn site_overrides_and_fallback_warning() {
        let site = vec![(
            "tr".to_string(),
            "i18n/tr.toml".to_string(),
            "share = \"Paylaşın\"\n[citations]\nibid = \"Aynı yer\"\n".to_string(),
        )];
        let (s, warnings) = load(&site);
        assert_eq!(s.of("tr").get("share"), "Paylaşın");
        assert_eq!(s.of("de").get("share"), "Share");
        assert!(warnings.iter().any(|w| w.message.contains("`de`")));
    }

    #[test]
    fn every_builtin_language_has_every_english_key() {
        let (s, _) = load(&[]);
        for lang in ["tr", "ru", "ar", "fa"] {
            for key in s.of("en").text.keys() {
                assert!(s.of(lang).text.contains_key(key), "{lang} lacks {key}");
            }
            assert_eq!(s.of(lang).months.len(), 12);
        }
    }
}
