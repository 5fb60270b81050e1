//! The search page's HTML fragment, its built-in UI strings, and the static
//! assets (browser module and CSS) shipped once per site.
//!
//! Owns: the markup contract between the page and `assets/search.js` (ids,
//! data attributes, the strings the script reads).
//! Must not know: the theme around the fragment, or the index internals.

use std::collections::BTreeMap;

use crate::SearchFile;

/// The browser module: dependency-free, no build step.
const SEARCH_JS: &str = include_str!("../assets/search.js");
/// Minimal styles for the search UI; themes may override them.
const SEARCH_CSS: &str = include_str!("../assets/search.css");

/// Static assets to write once per site: `assets/search.js` and
/// `assets/search.css`.
pub fn assets() -> Vec<SearchFile> {
    vec![
        SearchFile {
            path: "assets/search.css".to_string(),
            bytes: SEARCH_CSS.as_bytes().to_vec(),
        },
        SearchFile {
            path: "assets/search.js".to_string(),
            bytes: SEARCH_JS.as_bytes().to_vec(),
        },
    ]
}

/// Keys of the UI strings, in a stable order; every language table has all.
const KEYS: [&str; 19] = [
    "search_title",
    "search_label",
    "search_placeholder",
    "search_button",
    "search_filters",
    "search_section",
    "search_tag",
    "search_author",
    "search_year",
    "search_all",
    "search_results",
    "search_results_one",
    "search_results_few",
    "search_results_many",
    "search_results_other",
    "search_no_results",
    "search_loading",
    "search_error",
    "search_noscript",
];

const EN: [&str; 19] = [
    "Search",
    "Search this site",
    "Type to search…",
    "Search",
    "Filters",
    "Section",
    "Tag",
    "Author",
    "Year",
    "All",
    "Search results",
    "{n} result",
    "{n} results",
    "{n} results",
    "{n} results",
    "No results for “{q}”.",
    "Searching…",
    "Search is unavailable right now.",
    "Search needs JavaScript, which is turned off in your browser.",
];

const TR: [&str; 19] = [
    "Ara",
    "Sitede ara",
    "Aramak için yazın…",
    "Ara",
    "Filtreler",
    "Bölüm",
    "Etiket",
    "Yazar",
    "Yıl",
    "Tümü",
    "Arama sonuçları",
    "{n} sonuç",
    "{n} sonuç",
    "{n} sonuç",
    "{n} sonuç",
    "“{q}” için sonuç bulunamadı.",
    "Aranıyor…",
    "Arama şu anda kullanılamıyor.",
    "Arama için JavaScript gerekir; tarayıcınızda JavaScript kapalı.",
];

const RU: [&str; 19] = [
    "Поиск",
    "Поиск по сайту",
    "Введите запрос…",
    "Найти",
    "Фильтры",
    "Раздел",
    "Тег",
    "Автор",
    "Год",
    "Все",
    "Результаты поиска",
    "{n} результат",
    "{n} результата",
    "{n} результатов",
    "{n} результата",
    "По запросу «{q}» ничего не найдено.",
    "Идёт поиск…",
    "Поиск сейчас недоступен.",
    "Для поиска нужен JavaScript, а он отключён в вашем браузере.",
];

/// The built-in UI strings of the search UI for `lang` (en, tr, ru; any
/// other language gets English). `{n}` and `{q}` are filled in by the
/// browser; `search_results_<plural category>` follow `Intl.PluralRules`.
pub fn builtin_strings(lang: &str) -> Vec<(&'static str, &'static str)> {
    let primary = lang.split(['-', '_']).next().unwrap_or_default();
    let table = match primary.to_ascii_lowercase().as_str() {
        "tr" => &TR,
        "ru" => &RU,
        _ => &EN,
    };
    KEYS.iter().copied().zip(table.iter().copied()).collect()
}

/// Escapes text for HTML element content and attributes (quire-core's
/// escaping, the same entities as the templates write).
fn esc(s: &str) -> String {
    quire_core::escape_html(s)
}

/// The search page body: the form with its filters, the live status, the
/// results region, a `<noscript>` message and the module script. `index_url`
/// is the site-absolute prefix of the language's index (`/search/tr/`),
/// `assets_url` that of [`assets`] (`/assets/`). Strings missing from
/// `strings` fall back to [`builtin_strings`]; all text is escaped.
pub fn search_page_html(
    lang: &str,
    index_url: &str,
    assets_url: &str,
    strings: &BTreeMap<String, String>,
) -> String {
    let builtin = builtin_strings(lang);
    let s = |key: &str| -> String {
        strings
            .get(key)
            .cloned()
            .or_else(|| {
                builtin
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| (*v).to_string())
            })
            .unwrap_or_default()
    };
    // The script reads its strings from one JSON attribute, so a site's
    // overrides reach it without a second source of truth.
    let ui: BTreeMap<&str, String> = KEYS.iter().map(|&k| (k, s(k))).collect();
    let ui_json = serde_json::to_string(&ui).unwrap_or_else(|_| "{}".to_string());
    let assets = assets_url.trim_end_matches('/');
    let filter = |facet: &str, key: &str| {
        format!(
            "<label class=\"quire-search-filter\" hidden>{label} \
             <select name=\"{facet}\" data-facet=\"{facet}\"><option value=\"\">{all}</option></select></label>\n",
            label = esc(&s(key)),
            all = esc(&s("search_all")),
        )
    };
    let mut html = String::new();
    html.push_str(&format!(
        "<div class=\"quire-search\" data-quire-search data-lang=\"{lang}\" data-index=\"{index}\" data-strings=\"{ui}\">\n",
        lang = esc(lang),
        index = esc(index_url),
        ui = esc(&ui_json),
    ));
    html.push_str(&format!(
        "<link rel=\"stylesheet\" href=\"{}/search.css\">\n",
        esc(assets)
    ));
    html.push_str("<form class=\"quire-search-form\" role=\"search\" method=\"get\">\n");
    html.push_str(&format!(
        "<label for=\"quire-search-q\">{}</label>\n",
        esc(&s("search_label"))
    ));
    html.push_str(&format!(
        "<input id=\"quire-search-q\" type=\"search\" name=\"q\" autocomplete=\"off\" spellcheck=\"false\" \
         placeholder=\"{}\" aria-controls=\"quire-search-results\" aria-describedby=\"quire-search-status\">\n",
        esc(&s("search_placeholder"))
    ));
    html.push_str(&format!(
        "<button type=\"submit\">{}</button>\n",
        esc(&s("search_button"))
    ));
    html.push_str(&format!(
        "<fieldset class=\"quire-search-filters\" hidden>\n<legend>{}</legend>\n",
        esc(&s("search_filters"))
    ));
    html.push_str(&filter("section", "search_section"));
    html.push_str(&filter("tag", "search_tag"));
    html.push_str(&filter("author", "search_author"));
    html.push_str(&filter("year", "search_year"));
    html.push_str("</fieldset>\n</form>\n");
    html.push_str(
        "<p id=\"quire-search-status\" class=\"quire-search-status\" role=\"status\" aria-live=\"polite\"></p>\n",
    );
    html.push_str(&format!(
        "<ol id=\"quire-search-results\" class=\"quire-search-results\" aria-label=\"{}\"></ol>\n",
        esc(&s("search_results"))
    ));
    html.push_str(&format!(
        "<noscript><p class=\"quire-search-noscript\">{}</p></noscript>\n",
        esc(&s("search_noscript"))
    ));
    html.push_str(&format!(
        "<script type=\"module\" src=\"{}/search.js\"></script>\n</div>\n",
        esc(assets)
    ));
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_key() {
        for lang in ["en", "tr", "ru", "de", ""] {
            let strings = builtin_strings(lang);
            assert_eq!(strings.len(), KEYS.len());
            assert!(strings.iter().all(|(_, v)| !v.is_empty()), "{lang}");
        }
        assert_eq!(builtin_strings("tr-TR")[0], ("search_title", "Ara"));
        assert_eq!(builtin_strings("de")[0], ("search_title", "Search"));
    }

    #[test]
    fn page_escapes_and_uses_overrides() {
        let mut strings = BTreeMap::new();
        strings.insert(
            "search_label".to_string(),
            "Find <things> & \"stuff\"".to_string(),
        );
        let html = search_page_html("ru", "/search/ru/", "/assets/", &strings);
        assert!(html.contains("Find &lt;things&gt; &amp; &quot;stuff&quot;"));
        assert!(!html.contains("<things>"));
        assert!(html.contains("data-index=\"/search/ru/\""));
        assert!(html.contains("<script type=\"module\" src=\"/assets/search.js\"></script>"));
        assert!(
            html.contains(
                "<noscript><p class=\"quire-search-noscript\">Для поиска нужен JavaScript"
            )
        );
        assert!(html.contains("role=\"status\" aria-live=\"polite\""));
        // The strings JSON is attribute-escaped and carries the override.
        assert!(html.contains("&quot;search_label&quot;:&quot;Find &lt;things&gt;"));
        assert!(html.contains("Раздел"));
    }

    #[test]
    fn assets_are_the_module_and_css() {
        let files = assets();
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["assets/search.css", "assets/search.js"]);
        let js = String::from_utf8(files[1].bytes.clone()).expect("utf-8");
        assert!(js.contains("export async function openIndex"));
    }
}
