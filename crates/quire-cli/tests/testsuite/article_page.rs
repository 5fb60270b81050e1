//! The article page carries every element of the theme contract, in every
//! language (DESIGN.md "The article page").

use crate::common::{Site, collapse};

#[test]
fn article_page_has_every_contract_element_in_each_language() {
    let site = Site::fixture("basic");
    site.build();
    // (file, lang, section label, section url, translations expected)
    let cases = [
        (
            "briefs/port-logistics/index.html",
            "en",
            "Briefs",
            "/briefs/",
            vec![
                ("ru", "Русский", "/ru/briefs/portovaya-logistika/"),
                ("tr", "Türkçe", "/tr/briefs/liman-lojistigi/"),
            ],
        ),
        (
            "tr/briefs/liman-lojistigi/index.html",
            "tr",
            "Notlar",
            "/tr/briefs/",
            vec![
                ("en", "English", "/briefs/port-logistics/"),
                ("ru", "Русский", "/ru/briefs/portovaya-logistika/"),
            ],
        ),
        (
            "ru/briefs/portovaya-logistika/index.html",
            "ru",
            "Записки",
            "/ru/briefs/",
            vec![
                ("en", "English", "/briefs/port-logistics/"),
                ("tr", "Türkçe", "/tr/briefs/liman-lojistigi/"),
            ],
        ),
    ];
    for (file, lang, label, section_url, translations) in cases {
        let page = site.page(file);
        let html = page.one("html");
        assert_eq!(html.value().attr("lang"), Some(lang), "{file}");
        assert_eq!(html.value().attr("dir"), Some("ltr"));
        let canonical = page.attr("link[rel=canonical]", "href");
        assert!(
            canonical.starts_with("https://lab.example.org/"),
            "{canonical}"
        );

        // hreflang: one per existing version plus x-default.
        let alternates: Vec<(String, String)> = page
            .all("link[rel=alternate][hreflang]")
            .iter()
            .map(|e| {
                (
                    e.value().attr("hreflang").unwrap().to_string(),
                    e.value().attr("href").unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(alternates.len(), 4, "{file}: {alternates:?}");
        assert!(alternates.contains(&(
            "x-default".into(),
            "https://lab.example.org/briefs/port-logistics/".into()
        )));
        assert!(alternates.iter().any(|(l, u)| l == lang && *u == canonical));

        // Open Graph, Twitter, Highwire, JSON-LD.
        assert_eq!(page.meta("og:type"), ["article"]);
        assert_eq!(page.meta("og:url"), std::slice::from_ref(&canonical));
        assert!(!page.meta("og:title").is_empty());
        assert!(!page.meta("twitter:card").is_empty());
        assert_eq!(page.meta("citation_language"), [lang]);
        assert_eq!(page.meta("citation_publication_date"), ["2024/05/06"]);
        assert!(!page.meta("citation_title").is_empty());
        assert!(!page.meta("citation_author").is_empty());
        let jsonld: serde_json::Value = serde_json::from_str(
            &page
                .one("script[type=\"application/ld+json\"]")
                .inner_html(),
        )
        .unwrap();
        assert_eq!(jsonld["inLanguage"], lang);
        assert_eq!(jsonld["url"], canonical);

        // Inside <article>.
        assert_eq!(page.text("article .section-label a"), label);
        assert_eq!(page.attr("article .section-label a", "href"), section_url);
        assert_eq!(page.all("article h1").len(), 1);
        assert_eq!(
            page.attr("article .byline > time", "datetime"),
            "2024-05-06"
        );
        assert!(!page.all("article a[rel=author]").is_empty());
        assert_eq!(page.all("article ul.highlights li").len(), 3);

        // Share links carry the page URL, encoded; copy-link carries it plain.
        let encoded = canonical.replace(':', "%3A").replace('/', "%2F");
        let shares = page.all("article nav.share a");
        assert_eq!(shares.len(), 7, "{file}");
        for a in &shares {
            let href = a.value().attr("href").unwrap();
            assert!(href.contains(&encoded) || href == canonical, "{href}");
        }

        // Translation switcher: the sentence in the page language, then the existing versions.
        let switcher = page.one("article nav.translations");
        let links: Vec<(String, String, String)> = page
            .all("article nav.translations a")
            .iter()
            .map(|a| {
                (
                    a.value().attr("lang").unwrap().to_string(),
                    collapse(&a.text().collect::<String>()),
                    a.value().attr("href").unwrap().to_string(),
                )
            })
            .collect();
        let want: Vec<(String, String, String)> = translations
            .iter()
            .map(|(l, n, u)| (l.to_string(), n.to_string(), u.to_string()))
            .collect();
        assert_eq!(links, want, "{file}");
        let sentence = collapse(&switcher.text().collect::<String>());
        let expected_start = match lang {
            "en" => "This post is also available in:",
            "tr" => "Bu yazı şu dillerde de mevcut:",
            _ => "Этот материал также доступен на:",
        };
        assert!(sentence.starts_with(expected_start), "{sentence}");

        // Notes: markers link to notes and back.
        let markers = page.all("article a[role=doc-noteref]");
        assert!(markers.len() >= 2);
        for m in &markers {
            let id = m.value().attr("id").unwrap();
            let href = m.value().attr("href").unwrap();
            let n = href.strip_prefix("#fn-").unwrap();
            assert!(id.starts_with(&format!("fnref-{n}")), "{id} {href}");
            let note = page.one(&format!("section.footnotes ol li#fn-{n}"));
            let back = format!("#{id}");
            assert!(
                note.select(&scraper::Selector::parse("a").unwrap())
                    .any(|a| a.value().attr("href") == Some(back.as_str())),
                "{file}: note {n} lacks a link back to {id}"
            );
        }

        // Author boxes: name once, bio in the page language, link to the author page.
        let boxes = page.all("article aside.author-box");
        assert!(!boxes.is_empty());
        let first_box = collapse(&boxes[0].text().collect::<String>());
        let bio = match lang {
            "en" => "Ayla studies ports and customs.",
            "tr" => "Ayla limanları ve gümrükleri inceliyor.",
            _ => "Павел пишет о торговле.",
        };
        assert!(first_box.contains(bio), "{file}: {first_box}");

        // Similar posts link only within the language.
        for a in page.all("aside.similar-posts a") {
            let href = a.value().attr("href").unwrap();
            let in_lang = match lang {
                "en" => !href.starts_with("/tr/") && !href.starts_with("/ru/"),
                other => href.starts_with(&format!("/{other}/")),
            };
            assert!(in_lang, "{file}: {href}");
        }
    }
}

#[test]
fn notes_are_numbered_in_reading_order_with_repeats_sharing_a_number() {
    let site = Site::fixture("basic");
    site.build();
    let page = site.page("briefs/port-logistics/index.html");
    let markers: Vec<(String, String)> = page
        .all("article a[role=doc-noteref]")
        .iter()
        .map(|a| {
            (
                a.value().attr("id").unwrap().to_string(),
                collapse(&a.text().collect::<String>()),
            )
        })
        .collect();
    assert_eq!(
        markers,
        [
            ("fnref-1".into(), "1".into()),
            ("fnref-2".into(), "2".into()),
            ("fnref-1-2".into(), "1".into())
        ]
    );
    let notes = page.all("section.footnotes ol > li");
    assert_eq!(notes.len(), 2);
    // The bare URL inside a note became a link.
    assert_eq!(
        page.attr("li#fn-1 a[href=\"https://example.org/dwell\"]", "href"),
        "https://example.org/dwell"
    );
    assert!(collapse(&notes[1].text().collect::<String>()).starts_with("Ibid."));
}

#[test]
fn switcher_is_absent_without_translations_and_links_only_existing_versions() {
    let site = Site::fixture("basic");
    site.build();
    let page = site.page("briefs/river-talks/index.html");
    assert!(page.all("nav.translations").is_empty());
    let alternates = page.all("link[rel=alternate][hreflang]");
    assert_eq!(alternates.len(), 2, "en + x-default only");
    // The Russian note exists; there is no Turkish version to link.
    let ru = site.page("ru/notes/zametka-o-tarifakh/index.html");
    let langs: Vec<_> = ru
        .all("nav.translations a")
        .iter()
        .map(|a| a.value().attr("lang").unwrap().to_string())
        .collect();
    assert_eq!(langs, ["en"]);
    assert!(
        !site
            .public()
            .join("tr/notes/short-note/index.html")
            .exists()
    );
}

#[test]
fn escaped_title_and_internal_links_resolve_per_language() {
    let site = Site::fixture("basic");
    site.build();
    let page = site.page("briefs/port-logistics/index.html");
    assert_eq!(
        page.text("article h1"),
        "Port Logistics & the <Quiet> Bottleneck"
    );
    assert!(
        site.output("briefs/port-logistics/index.html")
            .contains("Port Logistics &amp; the &lt;Quiet&gt; Bottleneck")
    );
    assert_eq!(
        page.attr("article .article-body a[href^=\"/briefs/river\"]", "href"),
        "/briefs/river-talks/#background"
    );
    // No Turkish version of river-talks: the link falls back to English.
    let tr = site.page("tr/briefs/liman-lojistigi/index.html");
    assert_eq!(
        tr.attr("article .article-body a[href^=\"/briefs/river\"]", "href"),
        "/briefs/river-talks/"
    );
}

#[test]
fn bundle_files_are_copied_beside_each_version_and_static_files_kept() {
    let site = Site::fixture("basic");
    site.build();
    for dir in [
        "briefs/port-logistics",
        "tr/briefs/liman-lojistigi",
        "ru/briefs/portovaya-logistika",
    ] {
        assert!(site.public().join(dir).join("crane.svg").is_file(), "{dir}");
    }
    assert_eq!(site.output("humans.txt"), "User-agent: *\n");
    assert!(
        site.public()
            .join("authors/ayla-demir/ayla-demir.svg")
            .is_file()
    );
    let page = site.page("briefs/port-logistics/index.html");
    assert_eq!(
        page.meta("og:image"),
        ["https://lab.example.org/briefs/port-logistics/crane.svg"]
    );
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = Site::fixture("basic");
    site.build();
    assert!(!site.public().join("briefs/draft-piece/index.html").exists());
    let run = site.quire(&["build", "--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.public().join("briefs/draft-piece/index.html").exists());
}

#[test]
fn ui_strings_are_overridable_and_unknown_languages_fall_back_with_a_warning() {
    let site = Site::fixture("basic");
    site.build();
    let tr = site.page("tr/briefs/liman-lojistigi/index.html");
    assert_eq!(tr.text("nav.share .share-label"), "Paylaşın");
    let mut config = std::fs::read_to_string(site.root.join("quire.toml")).unwrap();
    config = config.replace(
        "[taxonomies]",
        "[languages.de]\nname = \"Deutsch\"\n\n[taxonomies]",
    );
    site.write("quire.toml", &config);
    let run = site.quire(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("language `de` has no built-in UI strings"),
        "{}",
        run.stderr
    );
    assert!(site.public().join("de/index.html").exists());
}
