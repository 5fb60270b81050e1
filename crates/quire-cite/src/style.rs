//! Choosing and preparing the CSL style and the per-language CSL locales.
//!
//! Owns: built-in style names, the "Chicago notes with ibid." variant,
//! loading a site's `.csl` file, and locales with quire's and the site's
//! term overrides. Must not know: notes, bibliographies or HTML.

use std::collections::BTreeMap;
use std::path::Path;

use hayagriva::archive::ArchivedStyle;
use hayagriva::citationberg::taxonomy::{OtherTerm, Term};
use hayagriva::citationberg::{
    IndependentStyle, Locale, LocaleCode, LocaleFile, Style, StyleClass,
};
use quire_core::Diagnostic;

use crate::config::TermOverrides;
use crate::html::escape;

/// The prepared style: one copy for languages whose ibid. term starts a note
/// capitalised, one that keeps the term as written (Turkish "a.g.e.").
pub(crate) struct Styles {
    capitalised: IndependentStyle,
    as_written: IndependentStyle,
    /// The same two styles without their bibliography layout: hayagriva
    /// renders the whole reference list on every run whose style has one,
    /// which a page that shows no list does not need.
    capitalised_citations_only: IndependentStyle,
    as_written_citations_only: IndependentStyle,
    /// A copy whose citation layout prints nothing, for runs that only
    /// want the reference-list form of a record ("cite this", reference
    /// strings); `None` when the style has no reference list.
    list_only: Option<IndependentStyle>,
    /// The style prints ibid. forms.
    pub ibid: bool,
    /// A note style (citations become footnotes).
    pub note: bool,
    /// A note's rendering depends only on its own items and their CSL
    /// positions (no `first-reference-note-number`), so notes can be
    /// rendered once and reused across articles.
    pub memoizable: bool,
}

impl Styles {
    fn new(
        capitalised: IndependentStyle,
        as_written: IndependentStyle,
        xml: &str,
        ibid: bool,
    ) -> Styles {
        let without_bibliography = |s: &IndependentStyle| IndependentStyle {
            bibliography: None,
            ..s.clone()
        };
        let note = capitalised.settings.class == StyleClass::Note;
        let list_only = capitalised.bibliography.is_some().then(|| {
            let mut s = capitalised.clone();
            s.citation.layout.elements.clear();
            s.citation.sort = None;
            s
        });
        Styles {
            list_only,
            capitalised_citations_only: without_bibliography(&capitalised),
            as_written_citations_only: without_bibliography(&as_written),
            capitalised,
            as_written,
            ibid,
            note,
            memoizable: note && !xml.contains("first-reference-note-number"),
        }
    }

    /// The style to use for a page language.
    pub fn for_lang(&self, lang: &str) -> &IndependentStyle {
        if keeps_ibid_case(lang) {
            &self.as_written
        } else {
            &self.capitalised
        }
    }

    /// [`Styles::for_lang`] without the bibliography layout, for runs whose
    /// reference list is not shown.
    pub fn citations_only(&self, lang: &str) -> &IndependentStyle {
        if keeps_ibid_case(lang) {
            &self.as_written_citations_only
        } else {
            &self.capitalised_citations_only
        }
    }

    /// The style for runs that only read the reference-list form (the
    /// citation layout emptied), or the full style when it has no list.
    pub fn list_only(&self, lang: &str) -> &IndependentStyle {
        self.list_only
            .as_ref()
            .unwrap_or_else(|| self.for_lang(lang))
    }

    /// CSL's `near-note-distance` of the style (default 5).
    pub fn near_note_distance(&self) -> usize {
        self.capitalised.citation.near_note_distance as usize
    }
}

/// Turkish writes the ibid. abbreviation "a.g.e." in lower case even at the
/// start of a note; the other languages capitalise it ("Ibid.", "Там же").
fn keeps_ibid_case(lang: &str) -> bool {
    lang == "tr" || lang.starts_with("tr-")
}

/// The style names quire documents; hayagriva's archive names work too.
pub(crate) const BUILT_IN: [&str; 4] = [
    "chicago-notes",
    "chicago-shortened-notes",
    "apa",
    "chicago-author-date",
];

/// Loads the style named in `[citations] style`.
pub(crate) fn load(name: &str, site_root: &Path) -> Result<Styles, Diagnostic> {
    let unknown = || {
        Diagnostic::error(
            "quire.toml",
            format!(
                "[citations] style: unknown style `{name}`; use one of {} or a path to a .csl file",
                BUILT_IN.join(", ")
            ),
        )
    };
    if name.ends_with(".csl") {
        let path = site_root.join(name);
        let xml = std::fs::read_to_string(&path)
            .map_err(|e| Diagnostic::error(name, format!("cannot read the CSL style: {e}")))?;
        let style = match Style::from_xml(&xml) {
            Ok(Style::Independent(s)) => s,
            Ok(Style::Dependent(d)) => {
                match ArchivedStyle::by_id(&d.parent_link.href).map(ArchivedStyle::get) {
                    Some(Style::Independent(s)) => s,
                    _ => {
                        return Err(Diagnostic::error(
                            name,
                            format!(
                                "dependent style whose parent `{}` is not built in",
                                d.parent_link.href
                            ),
                        ));
                    }
                }
            }
            Err(e) => return Err(Diagnostic::error(name, format!("malformed CSL style: {e}"))),
        };
        return Ok(plain(style, &xml));
    }
    let archived = match name {
        "chicago-notes" => return chicago_with_ibid(),
        "apa" => ArchivedStyle::AmericanPsychologicalAssociation,
        other => ArchivedStyle::by_name(other).ok_or_else(unknown)?,
    };
    let Style::Independent(style) = archived.get() else {
        return Err(unknown());
    };
    let xml = Style::Independent(style.clone())
        .to_xml()
        .unwrap_or_default();
    Ok(plain(style, &xml))
}

/// A style used as it is: it prints ibid. only if its CSL asks for the term.
fn plain(style: IndependentStyle, xml: &str) -> Styles {
    Styles::new(style.clone(), style, xml, xml.contains("term=\"ibid\""))
}

/// Chicago 18 notes-bibliography with ibid.: CMOS 18 (and so hayagriva's
/// archived style) prints a short note for a repeat; issue #3 asks for
/// "Ibid." by default. The archived style's citation layout gets two
/// branches in front of its "subsequent" branch, so hayagriva's own position
/// tracking and the CSL locales do the rest.
fn chicago_with_ibid() -> Result<Styles, Diagnostic> {
    const ANCHOR: &str = r#"<if position="subsequent" match="all"><text macro="citation-notes-shortened-author-title" quotes="false" strip-periods="false"/></if>"#;
    let broken = || {
        Diagnostic::error(
            "quire.toml",
            "the built-in Chicago notes style could not be prepared",
        )
    };
    let Style::Independent(base) = ArchivedStyle::ChicagoNotes.get() else {
        return Err(broken());
    };
    let xml = Style::Independent(base).to_xml().map_err(|_| broken())?;
    if xml.matches(ANCHOR).count() != 1 {
        return Err(broken());
    }
    let variant = |case: &str| -> Result<IndependentStyle, Diagnostic> {
        let ibid = format!(r#"<text term="ibid"{case}/>"#);
        let branches = format!(
            r#"<if position="ibid-with-locator" match="any"><group delimiter=", ">{ibid}<text macro="source-locator-subsequent"/></group></if><else-if position="ibid" match="any">{ibid}</else-if><else-if position="subsequent" match="all"><text macro="citation-notes-shortened-author-title" quotes="false" strip-periods="false"/></else-if>"#
        );
        IndependentStyle::from_xml(&xml.replacen(ANCHOR, &branches, 1)).map_err(|_| broken())
    };
    Ok(Styles::new(
        variant(r#" text-case="capitalize-first""#)?,
        variant("")?,
        &xml,
        true,
    ))
}

/// Everything language-specific a rendering needs.
#[derive(Clone)]
pub(crate) struct LangPack {
    /// The CSL locale code used for the page language.
    pub code: LocaleCode,
    /// All CSL locales, the page language's with overrides applied.
    pub locales: Vec<Locale>,
    /// The ibid. term as a hand-written marker is normalised to ("Ibid.").
    pub ibid_display: String,
    /// The label of the archive link.
    pub archived: String,
}

/// quire's defaults where the CSL locales differ from the forms issue #3
/// asks for: Turkish and Russian "accessed" terms, and the archive label.
fn quire_defaults(lang: &str) -> TermOverrides {
    let (accessed, archived) = match lang {
        "tr" => (Some("erişim tarihi"), "arşiv"),
        "ru" => (Some("дата обращения"), "архив"),
        _ => (None, "archived"),
    };
    TermOverrides {
        ibid: None,
        accessed: accessed.map(str::to_string),
        archived: Some(archived.to_string()),
    }
}

/// The CSL locale code for a page language: `en` → `en-US`, `tr` → `tr-TR`.
fn locale_code(lang: &str, all: &[Locale]) -> LocaleCode {
    let preferred = match lang {
        "en" => "en-US".to_string(),
        "tr" => "tr-TR".to_string(),
        "ru" => "ru-RU".to_string(),
        other => other.to_string(),
    };
    let exists = |code: &str| {
        all.iter()
            .any(|l| l.lang.as_ref().is_some_and(|c| c.0 == code))
    };
    if exists(&preferred) {
        return LocaleCode(preferred);
    }
    let prefix = format!("{lang}-");
    all.iter()
        .filter_map(|l| l.lang.as_ref())
        .find(|c| c.0.starts_with(&prefix))
        .cloned()
        .unwrap_or_else(LocaleCode::en_us)
}

/// Every CSL locale hayagriva ships, parsed once per process: parsing the
/// 64 locale files costs about 0.3 s, and a build needs them for several
/// languages (and `quire serve` for every rebuild).
fn locales() -> Vec<Locale> {
    static ALL: std::sync::OnceLock<Vec<Locale>> = std::sync::OnceLock::new();
    ALL.get_or_init(hayagriva::archive::locales).clone()
}

/// Builds the language pack for `lang` with the site's overrides.
pub(crate) fn lang_pack(lang: &str, site: Option<&TermOverrides>) -> LangPack {
    let mut all = locales();
    let code = locale_code(lang, &all);
    let defaults = quire_defaults(lang);
    let pick = |f: fn(&TermOverrides) -> &Option<String>| {
        site.and_then(|s| f(s).clone())
            .or_else(|| f(&defaults).clone())
    };
    let ibid = pick(|t| &t.ibid);
    let accessed = pick(|t| &t.accessed);
    let archived = pick(|t| &t.archived).unwrap_or_else(|| "archived".to_string());

    let mut terms = String::new();
    for (name, value) in [("ibid", &ibid), ("accessed", &accessed)] {
        if let Some(v) = value {
            terms.push_str(&format!(r#"<term name="{name}">{}</term>"#, escape(v)));
        }
    }
    if !terms.is_empty()
        && let Ok(over) = LocaleFile::from_xml(&format!(
            r#"<locale xmlns="http://purl.org/net/xbiblio/csl" version="1.0" xml:lang="{}"><terms>{terms}</terms></locale>"#,
            code.0
        ))
        && let Some(new_terms) = over.terms
        && let Some(target) = all.iter_mut().find(|l| l.lang.as_ref() == Some(&code))
        && let Some(existing) = target.terms.as_mut()
    {
        for term in new_terms.terms {
            existing
                .terms
                .retain(|t| !(t.name == term.name && t.form == term.form));
            existing.terms.push(term);
        }
    }

    let term = ibid
        .unwrap_or_else(|| locale_term(&all, &code, "ibid").unwrap_or_else(|| "ibid.".to_string()));
    let mut display = if keeps_ibid_case(lang) {
        term
    } else {
        capitalise_first(&term)
    };
    if !display.ends_with('.') {
        display.push('.');
    }
    // hayagriva searches the locales it is given on every term lookup; the
    // page language's (with its base language) and the en-US fallback are
    // all it can use.
    let base = code.0.split('-').next().unwrap_or_default().to_string();
    all.retain(|l| {
        l.lang.as_ref().is_none_or(|c| {
            c.0 == code.0
                || c.0 == base
                || c.0 == "en-US"
                || c.0.split('-').next() == Some(base.as_str())
        })
    });
    LangPack {
        code,
        locales: all,
        ibid_display: display,
        archived,
    }
}

/// A term's long form from the locale files.
fn locale_term(all: &[Locale], code: &LocaleCode, name: &str) -> Option<String> {
    let term = Term::Other(name.parse::<OtherTerm>().ok()?);
    let locale = all.iter().find(|l| l.lang.as_ref() == Some(code))?;
    locale
        .term(term, Default::default())
        .and_then(|t| t.single())
        .map(str::to_string)
}

fn capitalise_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The ibid. terms of every locale quire ships and every site override, so a
/// hand-written marker is recognised whatever the page language.
pub(crate) fn all_ibid_terms(overrides: &BTreeMap<String, TermOverrides>) -> Vec<String> {
    let all = locales();
    let mut terms: Vec<String> = ["en", "tr", "ru"]
        .iter()
        .filter_map(|lang| locale_term(&all, &locale_code(lang, &all), "ibid"))
        .collect();
    terms.extend(overrides.values().filter_map(|o| o.ibid.clone()));
    terms.sort();
    terms.dedup();
    terms
}
