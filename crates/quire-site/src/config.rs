//! `quire.toml`: the raw file (strict serde) and the resolved configuration.

use std::collections::BTreeMap;
use std::path::Path;

use quire_core::{Diagnostic, SourceText};
use serde::Deserialize;

use crate::toml_error::{key_offset, toml_diagnostic};

/// The file name of the site configuration.
pub const CONFIG_FILE: &str = "quire.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: String,
    #[serde(default)]
    description: String,
    #[serde(default = "default_language")]
    default_language: String,
    #[serde(default)]
    languages: BTreeMap<String, toml::Spanned<RawLanguage>>,
    #[serde(default)]
    taxonomies: BTreeMap<String, RawTaxonomy>,
    #[serde(default = "default_paginate")]
    paginate: usize,
    #[serde(default)]
    feeds: FeedsConfig,
    #[serde(default)]
    redirects_file: bool,
    #[serde(default)]
    social: SocialConfig,
    #[serde(default)]
    robots: Option<String>,
    #[serde(default)]
    security: SecurityConfig,
    #[serde(default)]
    pdf: PdfConfig,
    citations: Option<toml::Spanned<toml::Table>>,
    similar: Option<toml::Spanned<toml::Table>>,
    search: Option<toml::Spanned<toml::Table>>,
    #[serde(default)]
    deploy: Vec<crate::deploy::DeployTarget>,
    #[serde(default)]
    extra: toml::Table,
}

fn default_language() -> String {
    "en".to_string()
}

fn default_paginate() -> usize {
    10
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLanguage {
    name: Option<String>,
    title: Option<String>,
    description: Option<String>,
    dir: Option<toml::Spanned<String>>,
    locale: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawTaxonomy {
    #[serde(default)]
    paginate: Option<usize>,
    #[serde(default = "yes")]
    feed: bool,
}

fn yes() -> bool {
    true
}

/// `[feeds]`: which feeds are written and what they hold.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct FeedsConfig {
    /// Newest entries per feed (default 20).
    pub limit: usize,
    /// Full article HTML in entries instead of the summary (default false).
    pub full_content: bool,
    /// Feeds per section (default true).
    pub sections: bool,
    /// Feeds per author (default true).
    pub authors: bool,
    /// Feeds per taxonomy term (default true).
    pub taxonomies: bool,
}

impl Default for FeedsConfig {
    fn default() -> Self {
        FeedsConfig {
            limit: 20,
            full_content: false,
            sections: true,
            authors: true,
            taxonomies: true,
        }
    }
}

/// `[social]`: sharing extras.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct SocialConfig {
    /// Generate a 1200×630 PNG card per article and language, used as the
    /// Open Graph image where the article has no `image` (default false).
    pub cards: bool,
}

/// `[pdf]`: a typeset PDF edition of every article version.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields, default)]
pub struct PdfConfig {
    /// Typeset `<slug>.pdf` beside each article page (default false);
    /// front matter `pdf = false` leaves an article out.
    pub enabled: bool,
    /// Paper size (default A4).
    pub page: PdfPage,
    /// A Typst template replacing the built-in look, relative to the site
    /// root (`pdf/edition.typ`).
    pub template: Option<String>,
    /// The institute's logo on the first page, relative to the site root
    /// (`static/logo.png`; PNG, JPEG or SVG).
    pub logo: Option<String>,
}

/// `page = "a4" | "letter"`.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum PdfPage {
    /// ISO A4.
    #[default]
    A4,
    /// US Letter.
    Letter,
}

/// `[security]`: how far quire trusts what writers type.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct SecurityConfig {
    /// Raw HTML in bodies, notes, section intros and author bios
    /// (default `sanitize`).
    pub raw_html: RawHtmlPolicy,
}

/// `raw_html = "sanitize" | "trust"`.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum RawHtmlPolicy {
    /// Keep only allowlisted elements and attributes; `check` reports
    /// what is removed.
    #[default]
    Sanitize,
    /// Publish raw HTML as written, for sites that trust every writer.
    Trust,
}

impl RawHtmlPolicy {
    /// The renderer's setting for this policy.
    pub fn for_markdown(self) -> quire_markdown::RawHtml {
        match self {
            RawHtmlPolicy::Sanitize => quire_markdown::RawHtml::Sanitize,
            RawHtmlPolicy::Trust => quire_markdown::RawHtml::Trust,
        }
    }
}

/// One configured language, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language {
    /// The code used in file names and URLs (`tr`).
    pub code: String,
    /// The language's name in itself (`Türkçe`).
    pub name: String,
    /// The site title in this language.
    pub title: String,
    /// The site description in this language.
    pub description: String,
    /// `ltr` or `rtl`.
    pub dir: String,
    /// Open Graph locale (`tr_TR`).
    pub locale: String,
    /// True for the default language (no URL prefix).
    pub is_default: bool,
}

impl Language {
    /// The URL prefix of this language: `/` for the default, `/tr/` otherwise.
    pub fn prefix(&self) -> String {
        if self.is_default {
            "/".to_string()
        } else {
            format!("/{}/", self.code)
        }
    }
}

/// A configured taxonomy (tags, regions…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxonomyConfig {
    /// Its key in front matter and its URL segment.
    pub name: String,
    /// Terms per listing page, if not the site default.
    pub paginate: Option<usize>,
    /// Whether terms get feeds.
    pub feed: bool,
}

/// A table of `quire.toml` handed to another component (citations, similar
/// posts, search), with where it starts for error messages.
#[derive(Debug, Clone, Default)]
pub struct Extension {
    /// The table as written.
    pub table: toml::Table,
    /// 1-based line of its header in `quire.toml` (0 when absent).
    pub line: usize,
}

/// The resolved site configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Site title in the default language.
    pub title: String,
    /// Absolute base URL without a trailing slash.
    pub base_url: String,
    /// Languages, the default first, then by code.
    pub languages: Vec<Language>,
    /// Taxonomies by name.
    pub taxonomies: Vec<TaxonomyConfig>,
    /// Articles per listing page.
    pub paginate: usize,
    /// Feed settings.
    pub feeds: FeedsConfig,
    /// Write a `_redirects` file (Netlify / Cloudflare Pages) for aliases.
    pub redirects_file: bool,
    /// Sharing extras.
    pub social: SocialConfig,
    /// Replacement text of `robots.txt` (default: allow all, point to the sitemap).
    pub robots: Option<String>,
    /// `[security]`.
    pub security: SecurityConfig,
    /// `[pdf]`.
    pub pdf: PdfConfig,
    /// `[citations]`.
    pub citations: Extension,
    /// `[similar]`.
    pub similar: Extension,
    /// `[search]`.
    pub search: Extension,
    /// `[[deploy]]`: where `quire deploy` publishes.
    pub deploy: Vec<crate::deploy::DeployTarget>,
    /// `[extra]`: free-form data for templates.
    pub extra: toml::Table,
}

impl Config {
    /// The default language.
    pub fn default_language(&self) -> &Language {
        &self.languages[0]
    }

    /// The codes of the configured languages, default first.
    pub fn language_codes(&self) -> Vec<String> {
        self.languages.iter().map(|l| l.code.clone()).collect()
    }

    /// The language with this code, if configured.
    pub fn language(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code == code)
    }

    /// True if `code` is a configured language.
    pub fn has_language(&self, code: &str) -> bool {
        self.language(code).is_some()
    }

    /// The absolute URL of a site path (`/tr/x/` → `https://…/tr/x/`).
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
}

/// Reads `quire.toml` under `root`. Returns the configuration and warnings,
/// or every error found.
pub fn load(
    root: &Path,
    base_url_override: Option<&str>,
) -> Result<(Config, Vec<Diagnostic>), Vec<Diagnostic>> {
    let path = root.join(CONFIG_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        vec![Diagnostic::error(
            CONFIG_FILE,
            format!(
                "cannot read the site configuration ({e}); run `quire init` to create a site, or pass --root"
            ),
        )]
    })?;
    parse(&text, base_url_override)
}

/// Parses the text of `quire.toml`.
pub fn parse(
    text: &str,
    base_url_override: Option<&str>,
) -> Result<(Config, Vec<Diagnostic>), Vec<Diagnostic>> {
    let raw: RawConfig =
        toml::from_str(text).map_err(|e| vec![toml_diagnostic(CONFIG_FILE, text, 0, &e)])?;
    let source = SourceText::new(text);
    let at_key = |key: &str, message: String| {
        let d = Diagnostic::error(CONFIG_FILE, message);
        match key_offset(text, key) {
            Some(offset) => d.at(&source, offset),
            None => d,
        }
    };
    let mut errors = Vec::new();
    let warnings = Vec::new();

    let RawConfig {
        title,
        base_url,
        description,
        default_language,
        mut languages,
        taxonomies,
        paginate,
        feeds,
        redirects_file,
        social,
        robots,
        security,
        pdf,
        citations,
        similar,
        search,
        deploy,
        extra,
    } = raw;

    let base_url = base_url_override
        .unwrap_or(&base_url)
        .trim_end_matches('/')
        .to_string();
    if let Err(why) = check_base_url(&base_url) {
        let message = format!("base_url `{}` {why}", base_url.escape_debug());
        errors.push(match base_url_override {
            Some(_) => Diagnostic::error(CONFIG_FILE, format!("--base-url: {message}")),
            None => at_key("base_url", message),
        });
    }
    if paginate == 0 {
        errors.push(at_key(
            "paginate",
            "paginate must be at least 1".to_string(),
        ));
    }
    // A site with no [languages] tables has just its default language; one
    // that lists languages must list the default too (a typo such as
    // `default_language = "eng"` would otherwise add a language).
    if !languages.is_empty() && !languages.contains_key(&default_language) {
        let listed: Vec<String> = languages.keys().map(|c| format!("`{c}`")).collect();
        errors.push(at_key(
            "default_language",
            format!(
                "default_language `{default_language}` has no [languages.{default_language}] table; add one, or use one of {}",
                listed.join(", ")
            ),
        ));
    }
    languages
        .entry(default_language.clone())
        .or_insert_with(|| toml::Spanned::new(0..0, RawLanguage::default()));
    // Errors about one language point at its own table or key (from the
    // parser's spans), not at the first line that looks alike.
    let at_span = |span: std::ops::Range<usize>, message: String| {
        Diagnostic::error(CONFIG_FILE, message).at(&source, span.start)
    };
    let mut resolved = Vec::new();
    for (code, lang) in languages {
        if !is_language_code(&code) {
            errors.push(at_span(
                lang.span(),
                format!("`{code}` is not a language code like `en`, `tr` or `pt-br`"),
            ));
            continue;
        }
        let lang = lang.into_inner();
        let RawLanguage {
            name,
            title: lang_title,
            description: lang_description,
            dir,
            locale,
        } = lang;
        let dir = match dir {
            Some(spanned) if *spanned.get_ref() != "ltr" && *spanned.get_ref() != "rtl" => {
                errors.push(at_span(
                    spanned.span(),
                    format!(
                        "languages.{code}.dir must be \"ltr\" or \"rtl\", not `{}`",
                        spanned.get_ref()
                    ),
                ));
                spanned.into_inner()
            }
            Some(spanned) => spanned.into_inner(),
            None => default_dir(&code).to_string(),
        };
        resolved.push(Language {
            name: name.unwrap_or_else(|| code.clone()),
            title: lang_title.unwrap_or_else(|| title.clone()),
            description: lang_description.unwrap_or_else(|| description.clone()),
            dir,
            locale: locale.unwrap_or_else(|| default_locale(&code)),
            is_default: code == default_language,
            code,
        });
    }
    resolved.sort_by_key(|l| (!l.is_default, l.code.clone()));

    let reserved = ["authors", "search", "tags-index", "assets", "static"];
    let mut taxonomy_list = Vec::new();
    for (name, tax) in taxonomies {
        let slug = quire_core::slugify(&name);
        if slug != name
            || reserved.contains(&name.as_str())
            || resolved.iter().any(|l| l.code == name)
        {
            errors.push(at_key(
                &name,
                format!(
                    "taxonomy name `{name}` cannot be used: it must be a lower-case ASCII slug and not clash with a language or a built-in path"
                ),
            ));
        }
        taxonomy_list.push(TaxonomyConfig {
            name,
            paginate: tax.paginate,
            feed: tax.feed,
        });
    }

    let extension = |name: &str, t: Option<toml::Spanned<toml::Table>>| match t {
        Some(spanned) => {
            let header = format!("[{name}]");
            let line = text
                .lines()
                .position(|l| l.trim() == header)
                .map(|i| i + 1)
                .unwrap_or_else(|| source.line_col(spanned.span().start).0);
            Extension {
                table: spanned.into_inner(),
                line,
            }
        }
        None => Extension::default(),
    };

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok((
        Config {
            title,
            base_url,
            languages: resolved,
            taxonomies: taxonomy_list,
            paginate,
            feeds,
            redirects_file,
            social,
            robots,
            security,
            pdf,
            citations: extension("citations", citations),
            similar: extension("similar", similar),
            search: extension("search", search),
            deploy,
            extra,
        },
        warnings,
    ))
}

/// Why `base_url` (without its trailing `/`) is no base for the site's
/// links, if it is not: it must parse as an absolute http(s) URL with a
/// host, no user name, query or fragment, and nothing that would need
/// escaping in an `href` (it is written into every page as is).
fn check_base_url(base_url: &str) -> Result<(), String> {
    if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
        return Err("must start with http:// or https://".into());
    }
    if base_url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "\"<>\\^`{|}".contains(c))
    {
        return Err("contains white space or a character a URL cannot hold".into());
    }
    let url = url::Url::parse(base_url).map_err(|e| format!("is not a valid URL ({e})"))?;
    let authority = base_url.split_once("://").map_or("", |(_, rest)| rest);
    if authority.is_empty()
        || authority.starts_with(['/', ':'])
        || url.host_str().is_none_or(str::is_empty)
    {
        return Err("has no host name".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not hold a user name or password".into());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("must not have a query (?…) or fragment (#…)".into());
    }
    Ok(())
}

/// `en`, `tr`, `pt-br`, `zh-hant`: what may follow a file name as `.<lang>.md`.
pub fn is_language_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn default_dir(code: &str) -> &'static str {
    match code.split('-').next().unwrap_or(code) {
        "ar" | "fa" | "he" | "ur" | "ps" | "sd" | "ug" | "yi" | "dv" | "ckb" => "rtl",
        _ => "ltr",
    }
}

fn default_locale(code: &str) -> String {
    let known = [
        ("en", "en_US"),
        ("tr", "tr_TR"),
        ("ru", "ru_RU"),
        ("ar", "ar_AR"),
        ("fa", "fa_IR"),
        ("de", "de_DE"),
        ("fr", "fr_FR"),
        ("es", "es_ES"),
        ("uk", "uk_UA"),
        ("az", "az_AZ"),
        ("kk", "kk_KZ"),
    ];
    known
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| l.to_string())
        .unwrap_or_else(|| code.replace('-', "_"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line of the only error `parse` reports for `text`.
    fn error_line(text: &str) -> usize {
        let Err(errors) = parse(text, None) else {
            panic!("no error for:\n{text}");
        };
        assert_eq!(errors.len(), 1, "{errors:?}");
        errors[0].line
    }

    /// Regression: an error about a key that appears more than once (each
    /// language has its own `dir`) pointed at the first one in the file,
    /// not the one that is wrong.
    #[test]
    fn errors_point_at_the_key_that_is_wrong() {
        let text = "title = \"T\"\nbase_url = \"https://example.org\"\n\
            [languages.en]\nname = \"English\"\ndir = \"ltr\"\n\
            [languages.tr]\nname = \"Türkçe\"\ndir = \"sideways\"\n";
        assert_eq!(error_line(text), 8);
        // A bad language code: the table of that language, not the first.
        let text = "title = \"T\"\nbase_url = \"https://example.org\"\n\
            [languages.en]\nname = \"English\"\n\
            [languages.en_GB]\nname = \"British\"\n";
        assert_eq!(error_line(text), 5);
    }

    const GOOD: &str = r#"
title = "Centre"
base_url = "https://example.org/"
default_language = "en"
[languages.en]
name = "English"
[languages.tr]
name = "Türkçe"
title = "Merkez"
[languages.ar]
name = "العربية"
[taxonomies]
tags = {}
regions = { feed = false }
[similar]
count = 3
"#;

    #[test]
    fn resolves_languages_with_default_first() {
        let (c, _) = parse(GOOD, None).unwrap();
        let codes: Vec<_> = c.languages.iter().map(|l| l.code.as_str()).collect();
        assert_eq!(codes, ["en", "ar", "tr"]);
        assert_eq!(c.base_url, "https://example.org");
        assert_eq!(c.language("tr").unwrap().title, "Merkez");
        assert_eq!(c.language("ar").unwrap().dir, "rtl");
        assert_eq!(c.language("tr").unwrap().prefix(), "/tr/");
        assert_eq!(c.similar.line, 15);
        assert_eq!(c.taxonomies.len(), 2);
    }

    #[test]
    fn default_language_must_be_one_of_the_listed_languages() {
        let text = GOOD.replace("default_language = \"en\"", "default_language = \"eng\"");
        let errors = parse(&text, None).unwrap_err();
        assert!(
            errors[0]
                .message
                .contains("default_language `eng` has no [languages.eng] table")
                && errors[0].message.contains("`en`"),
            "{}",
            errors[0].message
        );
        assert_eq!(errors[0].line, 4);
        // No [languages] at all: a one-language site.
        let (c, _) = parse(
            "title = \"x\"\nbase_url = \"https://e.org\"\ndefault_language = \"de\"\n",
            None,
        )
        .unwrap();
        assert_eq!(c.languages[0].code, "de");
    }

    #[test]
    fn unknown_key_names_file_line_and_key() {
        let text = "title = \"x\"\nbase_url = \"https://e.org\"\nlanguage = \"en\"\n";
        let errs = parse(text, None).unwrap_err();
        let d = &errs[0];
        assert_eq!(d.path, "quire.toml");
        assert_eq!(d.line, 3);
        assert!(
            d.message.contains("unknown field `language`"),
            "{}",
            d.message
        );
    }

    #[test]
    fn raw_html_is_sanitized_unless_the_site_trusts_it() {
        let base = "title = \"x\"\nbase_url = \"https://e.org\"\n";
        let (c, _) = parse(base, None).unwrap();
        assert_eq!(c.security.raw_html, RawHtmlPolicy::Sanitize);
        let (c, _) = parse(&format!("{base}[security]\nraw_html = \"trust\"\n"), None).unwrap();
        assert_eq!(c.security.raw_html, RawHtmlPolicy::Trust);
        let errs = parse(&format!("{base}[security]\nraw_html = \"allow\"\n"), None).unwrap_err();
        assert_eq!(errs[0].line, 4, "{}", errs[0].message);
        assert!(errs[0].message.contains("sanitize"), "{}", errs[0].message);
        let errs = parse(&format!("{base}[security]\nscripts = true\n"), None).unwrap_err();
        assert!(
            errs[0].message.contains("unknown field `scripts`"),
            "{}",
            errs[0].message
        );
    }

    #[test]
    fn rejects_bad_base_url() {
        let errs = parse("title = \"x\"\nbase_url = \"example.org\"\n", None).unwrap_err();
        assert_eq!(errs[0].line, 2);
    }

    /// Regression (#37): `base_url` is parsed as a URL, not only checked
    /// for its scheme.
    #[test]
    fn base_url_must_parse_as_an_http_url() {
        for bad in [
            "https://",
            "https:///path",
            "http://exa mple.org",
            "https://example.org/a b",
            "https://user:pw@example.org",
            "https://example.org/?x=1",
            "https://example.org/#top",
            "https://example.org\"><script>",
            "https://[::1",
            "https://example.org:99999",
            "ftp://example.org",
        ] {
            let text = format!("title = \"x\"\nbase_url = {}\n", toml::Value::from(bad));
            let errs = parse(&text, None).expect_err(bad);
            assert_eq!(
                (errs[0].path.as_str(), errs[0].line),
                ("quire.toml", 2),
                "{bad}"
            );
            assert!(
                errs[0].message.contains("base_url"),
                "{bad}: {}",
                errs[0].message
            );
        }
        for good in [
            "https://example.org",
            "http://127.0.0.1:1111",
            "https://example.org/sub/site/",
            "https://örnek.org",
        ] {
            let text = format!("title = \"x\"\nbase_url = {}\n", toml::Value::from(good));
            assert!(parse(&text, None).is_ok(), "{good}");
        }
        let errs = parse(GOOD, Some("not a url")).unwrap_err();
        assert!(
            errs[0].message.contains("--base-url"),
            "{}",
            errs[0].message
        );
    }
}
