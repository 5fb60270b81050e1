//! The JSON Feed 1.1 writer.

use serde_json::json;

use super::model::{Entry, Feed};

/// One item.
pub fn item(e: &Entry) -> serde_json::Value {
    let mut json = json!({
        "id": e.permalink,
        "url": e.permalink,
        "title": e.title,
        "summary": e.summary,
        "language": e.lang,
        "authors": e.authors.iter().map(|a| json!({"name": a.name, "url": a.url})).collect::<Vec<_>>(),
        "tags": e.categories,
    });
    if let Some(d) = e.published {
        json["date_published"] = json!(d.rfc3339());
    }
    if let Some(d) = e.updated {
        json["date_modified"] = json!(d.rfc3339());
    }
    match &e.content_html {
        Some(html) => json["content_html"] = json!(html),
        None => json["content_text"] = json!(e.summary),
    }
    json
}

/// The whole feed around items made by [`item`].
pub fn feed<'e>(f: &Feed, items: impl Iterator<Item = &'e serde_json::Value>) -> String {
    let feed = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": f.title,
        "home_page_url": f.page_url,
        "feed_url": f.self_url,
        "language": f.lang,
        "items": items.cloned().collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&feed).unwrap_or_default() + "\n"
}
