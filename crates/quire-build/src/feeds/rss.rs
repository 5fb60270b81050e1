//! The RSS 2.0 writer.

use super::model::{Entry, Feed};
use super::xml_escape;

/// One `<item>`.
pub fn item(e: &Entry) -> String {
    let mut rss = String::new();
    rss.push_str("  <item>\n");
    rss.push_str(&format!(
        "    <title>{}</title>\n    <link>{}</link>\n",
        xml_escape(&e.title),
        xml_escape(&e.permalink)
    ));
    rss.push_str(&format!(
        "    <guid isPermaLink=\"true\">{}</guid>\n",
        xml_escape(&e.permalink)
    ));
    if let Some(d) = e.published {
        rss.push_str(&format!("    <pubDate>{}</pubDate>\n", d.rfc2822()));
    }
    for a in &e.authors {
        rss.push_str(&format!(
            "    <dc:creator>{}</dc:creator>\n",
            xml_escape(&a.name)
        ));
    }
    for c in &e.categories {
        rss.push_str(&format!("    <category>{}</category>\n", xml_escape(c)));
    }
    rss.push_str(&format!(
        "    <description>{}</description>\n",
        xml_escape(e.content_html.as_deref().unwrap_or(&e.summary))
    ));
    rss.push_str("  </item>\n");
    rss
}

/// The whole channel around items made by [`item`].
pub fn feed<'e>(f: &Feed, items: impl Iterator<Item = &'e str>) -> String {
    let mut rss = String::new();
    rss.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    rss.push_str("<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n");
    rss.push_str(&format!(
        "  <title>{}</title>\n  <link>{}</link>\n",
        xml_escape(&f.title),
        xml_escape(&f.page_url)
    ));
    rss.push_str(&format!(
        "  <description>{}</description>\n",
        xml_escape(&f.title)
    ));
    rss.push_str(&format!("  <language>{}</language>\n", xml_escape(&f.lang)));
    rss.push_str(&format!(
        "  <atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>\n",
        xml_escape(&f.self_url)
    ));
    if let Some(d) = f.newest {
        rss.push_str(&format!(
            "  <lastBuildDate>{}</lastBuildDate>\n",
            d.rfc2822()
        ));
    }
    for item in items {
        rss.push_str(item);
    }
    rss.push_str("</channel>\n</rss>\n");
    rss
}
