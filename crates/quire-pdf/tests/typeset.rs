//! Typesets small editions in English, Turkish, Russian and Arabic and reads
//! the PDFs back with poppler (`pdftotext`, `pdfinfo`): the text must be
//! there, in order and intact, and the file tagged with title and language.
//! When poppler is not installed the tests say so and stop (CI installs it).

use std::io::Write;
use std::process::Command;

use quire_pdf::{
    Asset, Author, BUILTIN_TEMPLATE, CiteThis, Edition, Note, Origin, PageSize, Strings, typeset,
};

/// A small edition; texts are written for these tests.
fn sample(lang: &str) -> Edition {
    let (title, body, notes, rtl) = match lang {
        "tr" => (
            "Liman kuyrukları ve ılık kış",
            "<p>Karadeniz limanlarında bekleyen gemi sayısı ılığı geçen kışla birlikte düştü.<sup class=\"footnote-ref\"><a id=\"fnref-1\" href=\"#fn-1\" role=\"doc-noteref\">1</a></sup> Güğüm, ışık ve çığ sözcükleri doğru görünmeli.</p>\
             <h2 id=\"s\">Sonuç</h2><p>Kuyruklar kısaldı ama riskler sürüyor.<sup class=\"footnote-ref\"><a id=\"fnref-2\" href=\"#fn-2\" role=\"doc-noteref\">2</a></sup></p>",
            vec!["Liman idaresi haftalık bülteni, Ocak sayısı.", "a.g.e."],
            false,
        ),
        "ru" => (
            "Очереди в портах и тёплая зима",
            "<p>Число судов на рейде сократилось после необычно тёплой зимы.<sup class=\"footnote-ref\"><a id=\"fnref-1\" href=\"#fn-1\" role=\"doc-noteref\">1</a></sup></p>\
             <h2 id=\"s\">Выводы</h2><p>Очереди стали короче, но риски остаются.<sup class=\"footnote-ref\"><a id=\"fnref-2\" href=\"#fn-2\" role=\"doc-noteref\">2</a></sup></p>",
            vec!["Еженедельный бюллетень портовой администрации.", "Там же."],
            false,
        ),
        "ar" => (
            "طوابير الموانئ والشتاء الدافئ",
            "<p>انخفض عدد السفن المنتظرة في الموانئ بعد شتاء دافئ على غير العادة.<sup class=\"footnote-ref\"><a id=\"fnref-1\" href=\"#fn-1\" role=\"doc-noteref\">1</a></sup></p>\
             <h2 id=\"s\">الخلاصة</h2><p>أصبحت الطوابير أقصر لكن المخاطر باقية.<sup class=\"footnote-ref\"><a id=\"fnref-2\" href=\"#fn-2\" role=\"doc-noteref\">2</a></sup></p>",
            vec!["النشرة الأسبوعية لإدارة الميناء.", "المصدر نفسه."],
            true,
        ),
        _ => (
            "Port Queues and a Mild Winter",
            "<p>The number of ships waiting off the ports fell after an unusually mild winter.<sup class=\"footnote-ref\"><a id=\"fnref-1\" href=\"#fn-1\" role=\"doc-noteref\">1</a></sup> Rates followed.<sup class=\"footnote-ref\"><a id=\"fnref-2\" href=\"#fn-2\" role=\"doc-noteref\">2</a></sup></p>\
             <h2 id=\"why\">Why it matters</h2><ul><li>Shorter queues, <em>lower</em> demurrage.</li><li>Fewer <strong>idle</strong> crews.</li></ul>\
             <blockquote><p>Queues are a tax nobody votes for.</p></blockquote>\
             <table><thead><tr><th>Port</th><th>Days</th></tr></thead><tbody><tr><td>Varna</td><td>3</td></tr></tbody></table>\
             <p>See the <a href=\"/analysis/other/\">earlier note</a> and costs of 5 * 3 = #15 [sic] $x$ @home.<sup class=\"footnote-ref\"><a id=\"fnref-3\" href=\"#fn-3\" role=\"doc-noteref\">3</a></sup></p>",
            vec![
                "Harbour Authority, weekly bulletin, January issue.",
                "Ibid.",
                "Shipping register, <a href=\"https://example.org/register\">online table</a>.",
            ],
            false,
        ),
    };
    Edition {
        lang: lang.to_owned(),
        rtl,
        institute: "Meridian Institute".to_owned(),
        logo: None,
        section: Some("Analysis".to_owned()),
        title: title.to_owned(),
        authors: vec![
            Author {
                name: "Ayşe Yılmaz".to_owned(),
                role: Some("Senior Fellow".to_owned()),
            },
            Author {
                name: "Ivan Petrov".to_owned(),
                role: None,
            },
        ],
        date: "March 3, 2025".to_owned(),
        date_ymd: (2025, 3, 3),
        highlights: vec![
            "Queues fell by a third.".to_owned(),
            "Costs did not.".to_owned(),
        ],
        body_html: body.to_owned(),
        notes: notes
            .iter()
            .enumerate()
            .map(|(i, html)| Note {
                n: i + 1,
                html: format!(
                    "{html} <a class=\"footnote-backref\" href=\"#fnref-{}\">↩</a>",
                    i + 1
                ),
            })
            .collect(),
        references_html: None,
        cite: Some(CiteThis {
            html: format!("Yılmaz, Ayşe. “{title}.” Meridian Institute, 2025."),
            url: format!("https://example.org/{lang}/analysis/port-queues/"),
            accessed: "March 3, 2025".to_owned(),
        }),
        url: format!("https://example.org/{lang}/analysis/port-queues/"),
        images: Vec::new(),
        page: PageSize::A4,
        strings: Strings {
            highlights: "Key points".to_owned(),
            references: "References".to_owned(),
            cite_this: "Cite this analysis".to_owned(),
            accessed: "Accessed {date}".to_owned(),
            by: "By".to_owned(),
        },
    }
}

/// Runs a poppler tool on `pdf`; `None` when the tool is not installed.
fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> Option<String> {
    let mut file = tempfile::NamedTempFile::new().expect("temporary file");
    file.write_all(pdf).expect("write PDF");
    let mut command = Command::new(tool);
    command.args(args).arg(file.path());
    if tool == "pdftotext" {
        command.arg("-");
    }
    match command.output() {
        Ok(out) => {
            assert!(
                out.status.success(),
                "{tool} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(String::from_utf8(out.stdout).expect("UTF-8 output"))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("SKIPPED: `{tool}` is not installed (apt-get install poppler-utils)");
            None
        }
        Err(e) => panic!("{tool}: {e}"),
    }
}

/// Text of `pdf` with runs of white space as one space.
fn text_of(pdf: &[u8]) -> Option<String> {
    let text = poppler("pdftotext", &["-enc", "UTF-8"], pdf)?;
    Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn assert_in_order(text: &str, needles: &[&str]) {
    let mut from = 0;
    for needle in needles {
        let needle = needle.split_whitespace().collect::<Vec<_>>().join(" ");
        match text[from..].find(&needle) {
            Some(at) => from += at + needle.len(),
            None => panic!("`{needle}` missing or out of order in:\n{text}"),
        }
    }
}

#[test]
fn english_edition_has_title_notes_in_order_and_literal_specials() {
    let pdf = typeset(&sample("en"), BUILTIN_TEMPLATE)
        .expect("typesets")
        .pdf;
    assert!(pdf.starts_with(b"%PDF-"));
    let Some(text) = text_of(&pdf) else { return };
    assert_in_order(
        &text,
        &[
            "Meridian Institute",
            "Port Queues and a Mild Winter",
            "Key points",
            "Queues fell by a third.",
        ],
    );
    assert_in_order(
        &text,
        &[
            "Harbour Authority, weekly bulletin, January issue.",
            "Ibid.",
            "Shipping register, online table.",
        ],
    );
    // Typst's markup characters in the text print as written.
    assert!(text.contains("5 * 3 = #15 [sic] $x$ @home."), "{text}");
    assert!(text.contains("Accessed March 3, 2025"), "{text}");
    assert!(
        text.contains("https://example.org/en/analysis/port-queues/"),
        "{text}"
    );
    // Backlinks to the text are not part of the edition.
    assert!(!text.contains('↩'), "{text}");
}

#[test]
fn turkish_russian_and_arabic_text_survives() {
    for (lang, words) in [
        (
            "tr",
            &[
                "Liman kuyrukları ve ılık kış",
                "Güğüm, ışık ve çığ",
                "Liman idaresi haftalık bülteni, Ocak sayısı.",
                "a.g.e.",
            ][..],
        ),
        (
            "ru",
            &[
                "Очереди в портах и тёплая зима",
                "Еженедельный бюллетень портовой администрации.",
                "Там же.",
            ][..],
        ),
        (
            "ar",
            &["طوابير", "الموانئ", "الشتاء", "النشرة", "الأسبوعية", "نفسه"][..],
        ),
    ] {
        let pdf = typeset(&sample(lang), BUILTIN_TEMPLATE)
            .expect("typesets")
            .pdf;
        let Some(text) = text_of(&pdf) else { return };
        for word in words {
            assert!(text.contains(word), "{lang}: `{word}` missing in:\n{text}");
        }
    }
}

#[test]
fn pdf_is_tagged_with_title_and_language() {
    for lang in ["en", "tr", "ar"] {
        let edition = sample(lang);
        let pdf = typeset(&edition, BUILTIN_TEMPLATE).expect("typesets").pdf;
        let Some(info) = poppler("pdfinfo", &[], &pdf) else {
            return;
        };
        assert!(
            info.lines()
                .any(|l| l.starts_with("Tagged:") && l.ends_with("yes")),
            "{info}"
        );
        let title = info
            .lines()
            .find_map(|l| l.strip_prefix("Title:"))
            .map(str::trim);
        assert_eq!(title, Some(edition.title.as_str()), "{info}");
        let Some(meta) = poppler("pdfinfo", &["-meta"], &pdf) else {
            return;
        };
        assert!(
            meta.contains(&format!("<rdf:li>{lang}</rdf:li>"))
                || meta.contains(&format!(">{lang}<")),
            "{lang}: {meta}"
        );
    }
}

#[test]
fn same_edition_same_bytes() {
    let a = typeset(&sample("tr"), BUILTIN_TEMPLATE)
        .expect("typesets")
        .pdf;
    let b = typeset(&sample("tr"), BUILTIN_TEMPLATE)
        .expect("typesets")
        .pdf;
    assert!(a == b, "two typesettings of one edition differ");
}

#[test]
fn letter_paper_is_letter() {
    let mut edition = sample("en");
    edition.page = PageSize::Letter;
    let pdf = typeset(&edition, BUILTIN_TEMPLATE).expect("typesets").pdf;
    let Some(info) = poppler("pdfinfo", &[], &pdf) else {
        return;
    };
    assert!(info.contains("612 x 792 pts"), "{info}");
}

#[test]
fn a_broken_template_is_an_error_with_its_line() {
    let template = "#let edition(..args, body) = {\n  body\n  undefined-thing\n}\n";
    let error = typeset(&sample("en"), template).expect_err("must fail");
    assert_eq!(
        error.origin,
        Origin::Template { line: 3, column: 3 },
        "{error}"
    );
    assert!(error.to_string().contains("line 3"), "{error}");
}

#[test]
fn a_missing_image_prints_its_description_and_warns() {
    let mut edition = sample("en");
    edition.body_html.push_str("<figure><img src=\"map.png\" alt=\"Map of the ports\"><figcaption>Ports</figcaption></figure>");
    let typeset = typeset(&edition, BUILTIN_TEMPLATE).expect("typesets");
    assert!(
        typeset.warnings.iter().any(|w| w.contains("map.png")),
        "{:?}",
        typeset.warnings
    );
    let Some(text) = text_of(&typeset.pdf) else {
        return;
    };
    assert!(text.contains("Map of the ports"), "{text}");
}

#[test]
fn an_unreadable_image_is_a_located_error_not_a_panic() {
    let mut edition = sample("en");
    edition
        .body_html
        .push_str("<p><img src=\"map.png\" alt=\"Map\"></p>");
    edition.images.push(Asset {
        src: "map.png".to_owned(),
        bytes: b"not a picture".to_vec(),
    });
    let error = typeset(&edition, BUILTIN_TEMPLATE).expect_err("must fail");
    assert!(matches!(error.origin, Origin::Content { .. }), "{error:?}");
}

/// Writes the sample editions to `$QUIRE_PDF_SAMPLES` when it is set, for
/// looking at them (CI renders their first pages as pictures).
#[test]
fn write_samples_when_asked() {
    let Some(dir) = std::env::var_os("QUIRE_PDF_SAMPLES") else {
        return;
    };
    std::fs::create_dir_all(&dir).expect("sample folder");
    for lang in ["en", "tr", "ru", "ar"] {
        let pdf = typeset(&sample(lang), BUILTIN_TEMPLATE)
            .expect("typesets")
            .pdf;
        std::fs::write(
            std::path::Path::new(&dir).join(format!("sample-{lang}.pdf")),
            pdf,
        )
        .expect("write sample");
    }
}
