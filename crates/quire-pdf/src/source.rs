//! The generated main source of an edition: one call of the template's
//! `edition` with the article's data as Typst values (strings as escaped
//! literals, HTML converted to markup), then the body with its footnotes.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use typst::foundations::{Bytes, Datetime};
use url::Url;

use crate::convert::{Context, Converter, primary_subtag, string_literal};
use crate::edition::Edition;

/// Everything the world of one edition holds besides the template.
pub(crate) struct Prepared {
    /// The main source.
    pub main: String,
    /// Virtual path → bytes (images, logo).
    pub files: BTreeMap<String, Bytes>,
    /// The date Typst's `datetime.today()` gives: the article's.
    pub today: Option<Datetime>,
    /// What the conversion could not carry over.
    pub warnings: Vec<String>,
}

/// The main source and files of `edition`.
pub(crate) fn prepare(edition: &Edition) -> Prepared {
    let mut files = BTreeMap::new();
    let mut image_paths = BTreeMap::new();
    for (i, asset) in edition.images.iter().enumerate() {
        let path = format!("/assets/{i}{}", extension(&asset.src));
        image_paths.insert(asset.src.clone(), path.clone());
        files.insert(path, Bytes::new(asset.bytes.clone()));
    }
    let logo = edition.logo.as_ref().map(|logo| {
        let path = format!("/assets/logo{}", extension(&logo.src));
        files.insert(path.clone(), Bytes::new(logo.bytes.clone()));
        path
    });
    let notes: BTreeMap<usize, String> = edition
        .notes
        .iter()
        .map(|n| (n.n, n.html.clone()))
        .collect();
    let base = Url::parse(&edition.url).ok();
    let mut converter = Converter::new(Context {
        notes: &notes,
        images: &image_paths,
        base: base.as_ref(),
    });

    // The body first: its markers take the note numbers, in reading order.
    let mut body = converter.fragment(&edition.body_html);
    // Notes no marker points to (a note cited only from another note)
    // still belong to the edition: they close the body, in order.
    let unplaced = converter.unplaced_notes();
    if !unplaced.is_empty() {
        body.push_str("\n\n");
        for n in unplaced {
            converter.footnote(n, &mut body);
        }
    }

    let (y, m, d) = edition.date_ymd;
    let today = Datetime::from_ymd(y, m, d);
    let date = match today {
        Some(_) => format!("datetime(year: {y}, month: {m}, day: {d})"),
        None => "none".to_owned(),
    };
    let (language, region) = language_and_region(&edition.lang);

    let mut main = String::new();
    main.push_str("#import \"/edition.typ\": edition\n#show: edition.with(\n");
    let _ = writeln!(main, "  lang: {},", string_literal(&language));
    let _ = writeln!(
        main,
        "  region: {},",
        region
            .map(|r| string_literal(&r))
            .unwrap_or_else(|| "none".into())
    );
    let _ = writeln!(main, "  right-to-left: {},", edition.rtl);
    let _ = writeln!(main, "  institute: {},", string_literal(&edition.institute));
    let _ = writeln!(
        main,
        "  logo: {},",
        logo.map(|p| string_literal(&p))
            .unwrap_or_else(|| "none".into())
    );
    let _ = writeln!(main, "  section: {},", optional(edition.section.as_deref()));
    let _ = writeln!(main, "  title: {},", string_literal(&edition.title));
    main.push_str("  authors: (");
    for author in &edition.authors {
        let _ = write!(
            main,
            "(name: {}, role: {}), ",
            string_literal(&author.name),
            optional(author.role.as_deref())
        );
    }
    main.push_str("),\n");
    let _ = writeln!(main, "  date: {},", string_literal(&edition.date));
    let _ = writeln!(main, "  date-ymd: {date},");
    main.push_str("  highlights: (");
    for highlight in &edition.highlights {
        let _ = write!(main, "{}, ", string_literal(highlight));
    }
    main.push_str("),\n");
    match &edition.references_html {
        Some(html) => {
            let _ = writeln!(main, "  references: [{}],", converter.fragment(html));
        }
        None => main.push_str("  references: none,\n"),
    }
    match &edition.cite {
        Some(cite) => {
            let accessed = edition.strings.accessed.replace("{date}", &cite.accessed);
            // The URL is printed unless the formatted citation has it.
            let url = match cite.html.contains(&cite.url) {
                true => "none".to_owned(),
                false => string_literal(&cite.url),
            };
            let _ = writeln!(
                main,
                "  cite: (text: [{}], url: {url}, accessed: {}),",
                converter.fragment(&cite.html),
                string_literal(&accessed)
            );
        }
        None => main.push_str("  cite: none,\n"),
    }
    let _ = writeln!(main, "  url: {},", string_literal(&edition.url));
    let _ = writeln!(
        main,
        "  paper: {},",
        string_literal(edition.page.typst_name())
    );
    let s = &edition.strings;
    let _ = writeln!(
        main,
        "  strings: (highlights: {}, references: {}, cite-this: {}, by: {}),",
        string_literal(&s.highlights),
        string_literal(&s.references),
        string_literal(&s.cite_this),
        string_literal(&s.by)
    );
    main.push_str(")\n");

    main.push_str(&body);
    main.push('\n');
    let warnings = converter.into_warnings();
    Prepared {
        main,
        files,
        today,
        warnings,
    }
}

/// A Typst string literal, or `none`.
fn optional(text: Option<&str>) -> String {
    text.map(string_literal)
        .unwrap_or_else(|| "none".to_owned())
}

/// `.png` for `maps/a.PNG`: the extension Typst guesses the format from.
fn extension(src: &str) -> String {
    let path = src.split(['?', '#']).next().unwrap_or_default();
    let name = path.rsplit('/').next().unwrap_or_default();
    match name.rsplit_once('.') {
        Some((_, ext)) if !ext.is_empty() && ext.chars().all(|c| c.is_ascii_alphanumeric()) => {
            format!(".{}", ext.to_ascii_lowercase())
        }
        _ => String::new(),
    }
}

/// Typst's `lang` and `region` for a language code (`pt-BR` → `pt`, `BR`).
fn language_and_region(code: &str) -> (String, Option<String>) {
    let language = primary_subtag(code);
    let region = code
        .split(['-', '_'])
        .nth(1)
        .filter(|r| r.len() == 2 && r.chars().all(|c| c.is_ascii_alphabetic()))
        .map(|r| r.to_ascii_uppercase());
    let language =
        if (2..=3).contains(&language.len()) && language.chars().all(|c| c.is_ascii_lowercase()) {
            language
        } else {
            "en".to_owned()
        };
    (language, region)
}
