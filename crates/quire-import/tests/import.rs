//! Imports the WXR fixtures and checks the written site files.

use std::path::{Path, PathBuf};

use quire_import::{ImportError, ImportOptions, import_wordpress};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Splits a page into its parsed front matter and its body.
fn page(root: &Path, rel: &str) -> (toml::Table, String) {
    let text = read(root, rel);
    let rest = text
        .strip_prefix("+++\n")
        .expect("front matter opens with +++");
    let (front, body) = rest
        .split_once("+++\n")
        .expect("front matter closes with +++");
    (
        front.parse().expect("front matter is TOML"),
        body.to_string(),
    )
}

fn strings(table: &toml::Table, key: &str) -> Vec<String> {
    table
        .get(key)
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn import(
    name: &str,
    configure: impl FnOnce(&mut ImportOptions),
) -> (tempfile::TempDir, quire_import::ImportReport) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut options = ImportOptions::new(fixture(name), dir.path());
    configure(&mut options);
    let report = import_wordpress(&options).expect("import succeeds");
    (dir, report)
}

#[test]
fn polylang_site_config_sections_and_authors() {
    let (dir, report) = import("polylang.xml", |o| o.uploads = Some(fixture("uploads")));
    let root = dir.path();
    let config: toml::Table = read(root, "quire.toml")
        .parse()
        .expect("quire.toml is TOML");
    assert_eq!(config["title"].as_str(), Some("Harbour Policy Institute"));
    assert_eq!(config["base_url"].as_str(), Some("https://harbour.example"));
    assert_eq!(config["default_language"].as_str(), Some("en"));
    let langs = config["languages"].as_table().expect("languages");
    assert_eq!(langs["tr"]["name"].as_str(), Some("Türkçe"));
    assert_eq!(langs["ru"]["name"].as_str(), Some("Русский"));
    let mut keys: Vec<&String> = config.keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "base_url",
            "default_language",
            "languages",
            "taxonomies",
            "title"
        ]
    );
    let taxonomies = config["taxonomies"].as_table().expect("taxonomies");
    assert!(taxonomies.contains_key("tags") && taxonomies.contains_key("region"));

    assert_eq!(
        read(root, "content/analysis/_index.md"),
        "+++\ntitle = \"Analysis\"\n+++\n"
    );
    assert!(read(root, "content/analysis/_index.tr.md").contains("title = \"Analiz\""));
    assert!(read(root, "content/analysis/_index.ru.md").contains("title = \"Аналитика\""));
    assert!(read(root, "content/commentary/_index.md").contains("Commentary"));

    // Co-Authors Plus guest author, with a bio per language.
    let olga: toml::Table = read(root, "authors/olga-sokolova.toml")
        .parse()
        .expect("author TOML");
    assert_eq!(olga["name"].as_str(), Some("Olga Sokolova"));
    assert_eq!(
        olga["bio"]["en"].as_str(),
        Some("Olga studies freight corridors & port finance.")
    );
    assert!(
        olga["bio"]["tr"]
            .as_str()
            .is_some_and(|b| b.starts_with("Olga, yük"))
    );
    assert!(
        olga["bio"]["ru"]
            .as_str()
            .is_some_and(|b| b.starts_with("Ольга"))
    );
    assert_eq!(
        olga["links"]["website"].as_str(),
        Some("https://olga.example")
    );
    assert!(read(root, "authors/merve-kaya.toml").contains("name = \"Merve Kaya\""));

    assert_eq!(report.count("post", "en"), 2);
    assert_eq!(report.count("post", "tr"), 1);
    assert_eq!(report.count("post", "ru"), 1);
    assert_eq!(report.count("page", "en"), 1);
    assert_eq!(report.comments, 1);
    assert_eq!(report.other_post_types.get("nav_menu_item"), Some(&1));
    assert!(
        report
            .skipped
            .iter()
            .any(|s| s.wordpress_id == 130 && s.reason.contains("--drafts"))
    );
    assert!(
        report
            .altered
            .iter()
            .any(|a| a.reason.contains("[contact-form-7]"))
    );
    assert_eq!(report.media_copied, 1);
}

#[test]
fn polylang_article_with_translations_notes_and_highlights() {
    let (dir, _) = import("polylang.xml", |o| o.uploads = Some(fixture("uploads")));
    let root = dir.path();
    let bundle = "content/analysis/ports-northern-corridor";
    let (en, body) = page(root, &format!("{bundle}/index.md"));
    assert_eq!(en["title"].as_str(), Some("Ports & the Northern Corridor"));
    assert_eq!(
        en["date"].as_datetime().map(|d| d.to_string()).as_deref(),
        Some("2024-03-05T10:00:00+03:00")
    );
    assert!(en.contains_key("updated"));
    assert_eq!(strings(&en, "authors"), ["merve-kaya", "olga-sokolova"]);
    assert_eq!(strings(&en, "highlights").len(), 3);
    assert_eq!(strings(&en, "tags"), ["Shipping", "Rail"]);
    assert_eq!(strings(&en, "region"), ["Black Sea"]);
    assert_eq!(
        strings(&en, "aliases"),
        ["/2024/03/ports-northern-corridor/", "/?p=101"]
    );
    assert_eq!(
        en["summary"].as_str(),
        Some("How one corridor doubled its container traffic.")
    );
    assert_eq!(en["image"].as_str(), Some("harbour-map.png"));
    assert_eq!(en["extra"]["wordpress_id"].as_integer(), Some(101));
    assert!(!en.contains_key("slug") && !en.contains_key("translation_key"));
    assert!(root.join(bundle).join("harbour-map.png").is_file());
    let allowed = [
        "title",
        "date",
        "updated",
        "authors",
        "highlights",
        "summary",
        "tags",
        "categories",
        "region",
        "weight",
        "slug",
        "translation_key",
        "draft",
        "image",
        "aliases",
        "extra",
    ];
    assert!(
        en.keys().all(|k| allowed.contains(&k.as_str())),
        "{:?}",
        en.keys().collect::<Vec<_>>()
    );

    // The reference-page note pattern, with its ibid. note kept verbatim.
    assert!(
        body.contains("to the coast.[^1] Its growth surprised most forecasters.[^2]"),
        "{body}"
    );
    // A link to another imported post of the old site is now an `@/` link.
    assert!(
        body.contains("[rail tariffs](@/commentary/rail-tariffs/index.md)[^3]"),
        "{body}"
    );
    assert!(body.contains("\n[^2]: Same place.\n"));
    assert!(body.contains("[^1]: \"Corridor Freight Review 2023\", Coastal Statistics Office"));
    assert!(!body.contains("Notes") && !body.contains("Container traffic"));
    // htmd: table, nested list, link, image with caption.
    assert!(body.contains("| Year | TEU (thousands) |"), "{body}");
    assert!(
        body.contains("- Demand from inland factories\n  - textiles\n  - machinery"),
        "{body}"
    );
    assert!(
        body.contains("![Map of the harbour](harbour-map.png)"),
        "{body}"
    );
    assert!(body.contains("*The harbour and its terminals*"), "{body}");
    // Unknown shortcode kept visibly.
    assert!(body.contains("contact-form-7 id=\"12\""));

    // Block-editor footnotes (tr) and Easy Footnotes shortcodes (ru).
    let (tr, tr_body) = page(root, &format!("{bundle}/index.tr.md"));
    assert_eq!(tr["slug"].as_str(), Some("limanlar-ve-kuzey-koridoru"));
    assert_eq!(strings(&tr, "highlights").len(), 2);
    assert!(
        tr_body.contains("bağlıyor.[^1] Büyüme tahminleri aştı.[^2]"),
        "{tr_body}"
    );
    assert!(
        tr_body.contains("[^1]: Kıyı İstatistik Ofisi, *Koridor Yük Raporu*.\n[^2]: Aynı yer.\n")
    );
    assert!(!tr_body.contains("wp:"));
    let (ru, ru_body) = page(root, &format!("{bundle}/index.ru.md"));
    // A Cyrillic slug stays Cyrillic (the old URL keeps working).
    assert_eq!(ru["slug"].as_str(), Some("порты"));
    assert_eq!(strings(&ru, "authors"), ["ilya-petrov"]);
    assert!(ru_body.contains("[^2]: Там же.\n"), "{ru_body}");
    assert!(ru_body.contains("https://video.example/watch/123"));

    // A page outside sections; an uncategorized classic-editor post gets paragraphs.
    let (about, _) = page(root, "content/about-us/index.md");
    assert_eq!(strings(&about, "aliases"), ["/?p=120", "/?page_id=120"]);
    let (_, tariffs) = page(root, "content/commentary/rail-tariffs/index.md");
    assert_eq!(
        tariffs,
        "\nTariffs shape routes.\n\nA second paragraph with a [link](https://rail.example).\n"
    );
}

#[test]
fn drafts_are_imported_on_request() {
    let (dir, report) = import("polylang.xml", |o| {
        o.drafts = true;
        o.default_section = "notes".into();
    });
    let (draft, _) = page(dir.path(), "content/notes/unfinished-thoughts/index.md");
    assert_eq!(draft["draft"].as_bool(), Some(true));
    assert_eq!(
        draft["date"]
            .as_datetime()
            .map(|d| d.to_string())
            .as_deref(),
        Some("2024-05-01T09:00:00")
    );
    assert!(report.skipped.is_empty());
    // Without uploads the featured image is hotlinked, and shown.
    let (en, body) = page(
        dir.path(),
        "content/analysis/ports-northern-corridor/index.md",
    );
    assert_eq!(
        en["image"].as_str(),
        Some("https://harbour.example/wp-content/uploads/2024/02/harbour-map.png")
    );
    assert!(body.contains("(https://harbour.example/wp-content/uploads/2024/02/harbour-map.png)"));
}

#[test]
fn wpml_export_groups_translations() {
    let (dir, report) = import("wpml.xml", |o| {
        o.section_map.insert("energy".into(), "analysis".into());
    });
    let root = dir.path();
    let config: toml::Table = read(root, "quire.toml").parse().expect("TOML");
    assert_eq!(config["default_language"].as_str(), Some("en"));
    assert_eq!(config["languages"]["ru"]["name"].as_str(), Some("Русский"));
    let bundle = "content/analysis/gas-prices-after-winter";
    let (_, en) = page(root, &format!("{bundle}/index.md"));
    assert!(
        en.contains("Prices fell by a third.[^1] Storage stayed high.[^2]"),
        "{en}"
    );
    assert!(
        en.contains("1. First, demand eased.\n2. Second, supply grew:\n   1. new wells"),
        "{en}"
    );
    assert!(
        en.contains("[^1]: Energy Market Bulletin, April 2023.\n[^2]: Same place.\n"),
        "{en}"
    );
    let (tr, tr_body) = page(root, &format!("{bundle}/index.tr.md"));
    assert_eq!(tr["slug"].as_str(), Some("kistan-sonra-gaz-fiyatlari"));
    assert_eq!(
        strings(&tr, "aliases"),
        ["/tr/kistan-sonra-gaz-fiyatlari/", "/?p=12"]
    );
    assert!(tr_body.contains("[^2]: Aynı yer."));
    let (ru, ru_body) = page(root, &format!("{bundle}/index.ru.md"));
    assert_eq!(strings(&ru, "authors"), ["zhanna-kim"]);
    assert!(ru_body.contains("[^2]: Там же."));
    assert!(read(root, "content/analysis/_index.tr.md").contains("Enerji"));
    // A page whose old URL is its new URL gets no alias for it.
    let (contact_tr, _) = page(root, "content/contact/index.tr.md");
    assert_eq!(contact_tr["slug"].as_str(), Some("iletisim"));
    assert_eq!(strings(&contact_tr, "aliases"), ["/?p=21", "/?page_id=21"]);
    assert!(read(root, "authors/zhanna-kim.toml").contains("name = \"Жанна Ким\""));
    assert_eq!(report.notes, 6);
    assert_eq!(report.ibid_notes, 3);
    assert_eq!(report.count("page", "tr"), 1);
}

#[test]
fn imports_into_an_existing_site_without_force() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = "# mine\ntitle = \"mine\"\nbase_url = \"https://mine.example\"\n\n[taxonomies]\nregions = {}\n";
    std::fs::write(dir.path().join("quire.toml"), config).expect("write");
    std::fs::create_dir_all(dir.path().join("content/analysis/mine")).expect("mkdir");
    std::fs::write(
        dir.path().join("content/analysis/mine/index.md"),
        "+++\ntitle = \"Mine\"\ndate = 2024-01-01\n+++\nMine.\n",
    )
    .expect("write");
    let options = ImportOptions::new(fixture("wpml.xml"), dir.path());
    let report = import_wordpress(&options).expect("imports beside what is there");
    let toml_text = read(dir.path(), "quire.toml");
    assert!(toml_text.starts_with(config), "{toml_text}");
    assert!(toml_text.contains("[languages.ru]"), "{toml_text}");
    assert!(!report.config_added.is_empty());
    assert!(read(dir.path(), "content/analysis/mine/index.md").contains("Mine."));
    // Importing again: the bundles are there (same wordpress_id), listed as conflicts.
    let again = import_wordpress(&options).expect("imports again");
    assert!(
        !again.of_kind(quire_import::kind::CONFLICT).is_empty(),
        "{again}"
    );
    assert_eq!(again.counts.values().sum::<usize>(), 0, "{again}");
    let mut options = options;
    options.force = true;
    let forced = import_wordpress(&options).expect("force overwrites");
    assert!(forced.counts.values().sum::<usize>() > 0);
    assert!(read(dir.path(), "quire.toml").starts_with(config));
}

#[test]
fn malformed_export_names_line_and_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    let export = dir.path().join("bad.xml");
    std::fs::write(
        &export,
        "<rss>\n<channel>\n  <item><title>x</item>\n</channel></rss>\n",
    )
    .expect("write");
    let err = import_wordpress(&ImportOptions::new(&export, dir.path().join("site"))).unwrap_err();
    let ImportError::Malformed { line, column, .. } = &err else {
        panic!("expected Malformed, got {err:?}");
    };
    assert_eq!(*line, 3, "{err}");
    assert!(*column > 1, "{err}");
    assert!(err.to_string().contains("bad.xml:3:"), "{err}");
    let missing = import_wordpress(&ImportOptions::new(dir.path().join("nope.xml"), dir.path()));
    assert!(matches!(missing, Err(ImportError::Read { .. })));
}
