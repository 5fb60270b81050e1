//! The Atom 1.0 writer.

use super::model::{Entry, Feed};
use super::xml_escape;

/// One `<entry>`.
pub fn entry(e: &Entry) -> String {
    let date = e.published.map(|d| d.rfc3339()).unwrap_or_default();
    let updated = e
        .updated
        .map(|d| d.rfc3339())
        .unwrap_or_else(|| date.clone());
    let mut atom = String::new();
    atom.push_str("  <entry>\n");
    atom.push_str(&format!("    <title>{}</title>\n", xml_escape(&e.title)));
    atom.push_str(&format!("    <id>{}</id>\n", xml_escape(&e.permalink)));
    let versions = std::iter::once((&e.lang, &e.permalink))
        .chain(e.translations.iter().map(|(lang, url)| (lang, url)));
    for (lang, url) in versions {
        atom.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" hreflang=\"{}\" href=\"{}\"/>\n",
            xml_escape(lang),
            xml_escape(url)
        ));
    }
    atom.push_str(&format!(
        "    <published>{date}</published>\n    <updated>{updated}</updated>\n"
    ));
    for a in &e.authors {
        atom.push_str(&format!(
            "    <author><name>{}</name><uri>{}</uri></author>\n",
            xml_escape(&a.name),
            xml_escape(&a.url)
        ));
    }
    for c in &e.categories {
        atom.push_str(&format!("    <category term=\"{}\"/>\n", xml_escape(c)));
    }
    atom.push_str(&format!(
        "    <summary>{}</summary>\n",
        xml_escape(&e.summary)
    ));
    if let Some(content) = &e.content_html {
        atom.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            xml_escape(content)
        ));
    }
    atom.push_str("  </entry>\n");
    atom
}

/// The whole feed around entries made by [`entry`].
pub fn feed<'e>(f: &Feed, entries: impl Iterator<Item = &'e str>) -> String {
    let newest = f
        .newest
        .map(|d| d.rfc3339())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string());
    let mut atom = String::new();
    atom.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    atom.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        xml_escape(&f.lang)
    ));
    atom.push_str(&format!("  <title>{}</title>\n", xml_escape(&f.title)));
    atom.push_str(&format!("  <id>{}</id>\n", xml_escape(&f.page_url)));
    atom.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml_escape(&f.self_url)
    ));
    atom.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(&f.page_url)
    ));
    atom.push_str(&format!(
        "  <updated>{newest}</updated>\n  <generator>quire</generator>\n"
    ));
    for e in entries {
        atom.push_str(e);
    }
    atom.push_str("</feed>\n");
    atom
}
