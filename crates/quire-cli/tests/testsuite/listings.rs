//! Listings: home per language, sections with pagination, taxonomy terms
//! with transliterated slugs, author pages, 404s.

use crate::common::{Site, collapse};

#[test]
fn home_pages_list_sections_in_their_language() {
    let site = Site::fixture("basic");
    site.build();
    for (file, lang, title) in [
        ("index.html", "en", "Harbor Policy Lab"),
        ("tr/index.html", "tr", "Liman Politika Laboratuvarı"),
        ("ru/index.html", "ru", "Лаборатория портовой политики"),
    ] {
        let page = site.page(file);
        assert_eq!(page.one("html").value().attr("lang"), Some(lang));
        assert_eq!(page.text("h1"), title);
        for href in page
            .all(".card-title a")
            .iter()
            .map(|a| a.value().attr("href").unwrap())
        {
            if lang != "en" {
                assert!(href.starts_with(&format!("/{lang}/")), "{file}: {href}");
            }
        }
    }
    let en = site.page("index.html");
    let groups: Vec<String> = en
        .all(".list-group > h2")
        .iter()
        .map(|h| collapse(&h.text().collect::<String>()))
        .collect();
    assert_eq!(groups, ["Briefs", "Notes"]);
}

#[test]
fn sections_paginate_newest_first() {
    let site = Site::fixture("basic");
    site.build();
    let first = site.page("briefs/index.html");
    let titles: Vec<String> = first
        .all(".card-title a")
        .iter()
        .map(|a| collapse(&a.text().collect::<String>()))
        .collect();
    assert_eq!(
        titles,
        [
            "Port Logistics & the <Quiet> Bottleneck",
            "River Talks Resume"
        ]
    );
    assert!(
        first.all(".pagination").is_empty(),
        "two articles fit on one page of 2"
    );
    // Add three more articles: now the section needs a second page.
    for (slug, day) in [("a-one", "10"), ("a-two", "11"), ("a-three", "12")] {
        site.write(
            &format!("content/briefs/{slug}.md"),
            &format!("+++\ntitle = \"{slug}\"\ndate = 2024-08-{day}\n+++\nText.\n"),
        );
    }
    site.build();
    let first = site.page("briefs/index.html");
    assert_eq!(
        first.attr(".pagination a[rel=next]", "href"),
        "/briefs/page/2/"
    );
    let third = site.page("briefs/page/3/index.html");
    assert_eq!(
        third.attr(".pagination a[rel=prev]", "href"),
        "/briefs/page/2/"
    );
    assert_eq!(
        collapse(&third.one(".card-title a").text().collect::<String>()),
        "River Talks Resume"
    );
}

#[test]
fn section_pages_mark_their_section_current_in_the_navigation() {
    let site = Site::fixture("basic");
    site.build();
    let current = |file: &str| -> Vec<String> {
        site.page(file)
            .all(".site-nav a[aria-current=page]")
            .iter()
            .map(|a| a.value().attr("href").unwrap().to_string())
            .collect()
    };
    assert_eq!(current("briefs/index.html"), ["/briefs/"]);
    assert_eq!(current("notes/index.html"), ["/notes/"]);
    assert_eq!(current("tr/briefs/index.html"), ["/tr/briefs/"]);
    // The article pages of a section mark it too; the home page marks none.
    assert_eq!(
        current("tr/briefs/liman-lojistigi/index.html"),
        ["/tr/briefs/"]
    );
    assert!(current("index.html").is_empty());
}

#[test]
fn taxonomy_terms_get_ascii_slugs_from_turkish_and_cyrillic() {
    let site = Site::fixture("basic");
    site.build();
    let cin = site.page("tags/cin/index.html");
    assert_eq!(cin.text("h1"), "Çin");
    let kitay = site.page("regions/kitay/index.html");
    assert_eq!(kitay.text("h1"), "Китай");
    let tr_cin = site.page("tr/tags/cin/index.html");
    assert_eq!(
        tr_cin.attr(".card-title a", "href"),
        "/tr/briefs/liman-lojistigi/"
    );
    let ru_tags = site.page("ru/tags/index.html");
    let names: Vec<String> = ru_tags
        .all(".term-list a")
        .iter()
        .map(|a| collapse(&a.text().collect::<String>()))
        .collect();
    assert_eq!(names, ["Китай", "торговля"]);
    assert!(site.public().join("ru/tags/torgovlya/index.html").exists());
}

#[test]
fn author_pages_list_their_work_per_language() {
    let site = Site::fixture("basic");
    site.build();
    let en = site.page("authors/pavel-orlov/index.html");
    assert_eq!(en.text("h1"), "Pavel Orlov");
    assert_eq!(en.all(".card").len(), 2);
    let ru = site.page("ru/authors/pavel-orlov/index.html");
    assert_eq!(ru.text("h1"), "Павел Орлов");
    assert!(ru.text(".author-bio").contains("Павел пишет о торговле."));
    let hrefs: Vec<_> = ru
        .all(".card-title a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(
        hrefs,
        [
            "/ru/briefs/portovaya-logistika/",
            "/ru/notes/zametka-o-tarifakh/"
        ]
    );
    let list = site.page("authors/index.html");
    assert_eq!(list.all(".term-list a").len(), 2);
}

#[test]
fn every_language_has_a_404_page_and_pages_outside_sections_are_not_listed() {
    let site = Site::fixture("basic");
    site.build();
    assert!(site.page("404.html").text("h1").contains("Page not found"));
    assert!(
        site.page("tr/404.html")
            .text("h1")
            .contains("Sayfa bulunamadı")
    );
    assert!(
        site.page("ru/404.html")
            .text("h1")
            .contains("Страница не найдена")
    );
    assert_eq!(site.page("about/index.html").text("h1"), "About the Lab");
    assert!(!site.output("index.html").contains("About the Lab"));
}
