//! The plan: which objects to upload, which are unchanged and which to
//! delete, decided from the built files, the manifest and the listing.
//!
//! Pure: no I/O. The order of uploads is part of the plan: assets first
//! (so no page points at a file not there yet), then pages, then feeds and
//! sitemaps (which announce the pages); deletions come after all uploads.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::files::LocalFile;
use crate::headers::{CachePolicy, Encoding, Headers, compressible, content_type};
use crate::manifest::{Entry, MANIFEST, Manifest, hex};

/// The upload phase an object belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Styles, scripts, images, documents, search shards, citation exports.
    Asset,
    /// HTML pages and the search manifests that point at shards.
    Page,
    /// Feeds, sitemaps, `robots.txt` and `_redirects`.
    Feed,
}

impl Class {
    /// The phase of an output key.
    pub fn of(key: &str) -> Class {
        let name = key.rsplit('/').next().unwrap_or(key);
        if name.ends_with(".xml")
            || matches!(name, "feed.json" | "robots.txt" | "_redirects" | "_headers")
        {
            Class::Feed
        } else if name.ends_with(".html") || (key.starts_with("search/") && name == "manifest.json")
        {
            Class::Page
        } else {
            Class::Asset
        }
    }
}

/// How a target stores precompressed bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precompress {
    /// Not at all.
    None,
    /// In place, with `Content-Encoding` (an object store keeps one body
    /// per key).
    InPlace(Encoding),
    /// As extra files beside the original (a web server's folder).
    Beside(&'static [Encoding]),
}

/// One object the deploy wants at the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    /// The key under the target.
    pub key: String,
    /// The output file its body comes from.
    pub source: PathBuf,
    /// Hash of the source file.
    pub hash: u128,
    /// Size of the source file.
    pub size: u64,
    /// How the body is compressed before storing, if it is.
    pub compress: Option<Encoding>,
    /// Headers to store it with.
    pub headers: Headers,
    /// Its upload phase.
    pub class: Class,
    /// True for a compressed copy stored beside its file (`x.html.gz`).
    pub beside: bool,
}

impl Object {
    /// The manifest entry for this object, once stored with `stored` bytes.
    pub fn entry(&self, stored: u64) -> Entry {
        Entry {
            hash: hex(self.hash),
            size: stored,
            content_type: self.headers.content_type.clone(),
            cache_control: self.headers.cache_control.clone(),
            content_encoding: self.headers.content_encoding.map(|e| e.token().to_string()),
        }
    }
}

/// Why an object is uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Not in the manifest.
    New,
    /// Its content changed.
    Changed,
    /// Its headers changed.
    Headers,
    /// The manifest has it but the store does not, or with another size.
    Drifted,
}

/// The whole plan.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Objects to upload with the reason, in upload order.
    pub uploads: Vec<(Object, Reason)>,
    /// Objects already stored as wanted: key → their manifest entry.
    pub unchanged: BTreeMap<String, Entry>,
    /// Keys at the target that the output no longer has, with their size.
    pub deletes: Vec<(String, u64)>,
    /// Whether the target had a usable manifest.
    pub had_manifest: bool,
}

impl Plan {
    /// Bytes of the source files to upload.
    pub fn upload_bytes(&self) -> u64 {
        self.uploads.iter().map(|(o, _)| o.size).sum()
    }

    /// Bytes stored by the unchanged objects.
    pub fn unchanged_bytes(&self) -> u64 {
        self.unchanged.values().map(|e| e.size).sum()
    }

    /// Bytes of the objects to delete.
    pub fn delete_bytes(&self) -> u64 {
        self.deletes.iter().map(|(_, s)| *s).sum()
    }
}

/// The objects wanted at a target for these output files.
pub fn objects(files: &[LocalFile], policy: &CachePolicy, precompress: Precompress) -> Vec<Object> {
    let mut out = Vec::with_capacity(files.len());
    for file in files {
        let content_type = content_type(&file.key);
        let cache_control = policy.cache_control(&file.key, &content_type);
        let text = compressible(&content_type);
        let object = |key: String, compress: Option<Encoding>, encoding: Option<Encoding>| Object {
            class: Class::of(&file.key),
            beside: key != file.key,
            key,
            source: file.path.clone(),
            hash: file.hash,
            size: file.size,
            compress,
            headers: Headers {
                content_type: content_type.clone(),
                cache_control: cache_control.clone(),
                content_encoding: encoding,
            },
        };
        match precompress {
            Precompress::InPlace(e) if text => out.push(object(file.key.clone(), Some(e), Some(e))),
            Precompress::Beside(encodings) if text => {
                out.push(object(file.key.clone(), None, None));
                for &e in encodings {
                    out.push(object(
                        format!("{}{}", file.key, e.suffix()),
                        Some(e),
                        Some(e),
                    ));
                }
            }
            _ => out.push(object(file.key.clone(), None, None)),
        }
    }
    out
}

/// Decides the plan. `listing` is every key at the target with its size
/// (the manifest itself left out).
pub fn make(
    wanted: Vec<Object>,
    manifest: Option<&Manifest>,
    listing: &BTreeMap<String, u64>,
) -> Plan {
    let empty = Manifest::default();
    let known = manifest.unwrap_or(&empty);
    let mut plan = Plan {
        had_manifest: manifest.is_some(),
        ..Plan::default()
    };
    let keys: BTreeSet<&str> = wanted.iter().map(|o| o.key.as_str()).collect();
    plan.deletes = listing
        .iter()
        .filter(|(k, _)| k.as_str() != MANIFEST && !keys.contains(k.as_str()))
        .map(|(k, s)| (k.clone(), *s))
        .collect();
    drop(keys);
    for object in wanted {
        let reason = match known.files.get(&object.key) {
            None => Some(Reason::New),
            Some(entry) => {
                let wanted_entry = object.entry(entry.size);
                if entry.hash != wanted_entry.hash {
                    Some(Reason::Changed)
                } else if *entry != wanted_entry {
                    Some(Reason::Headers)
                } else if listing.get(&object.key) != Some(&entry.size) {
                    Some(Reason::Drifted)
                } else {
                    None
                }
            }
        };
        match reason {
            Some(reason) => plan.uploads.push((object, reason)),
            None => {
                let entry = known.files[&object.key].clone();
                plan.unchanged.insert(object.key, entry);
            }
        }
    }
    plan.uploads
        .sort_by(|(a, _), (b, _)| (a.class, &a.key).cmp(&(b.class, &b.key)));
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(key: &str, body: &str) -> LocalFile {
        LocalFile {
            key: key.into(),
            path: PathBuf::from(key),
            size: body.len() as u64,
            hash: crate::files::hash(body.as_bytes()),
        }
    }

    fn stored(plan: &Plan) -> (Manifest, BTreeMap<String, u64>) {
        let mut m = Manifest {
            version: 1,
            files: plan.unchanged.clone(),
        };
        for (o, _) in &plan.uploads {
            m.files.insert(o.key.clone(), o.entry(o.size));
        }
        let listing = m.files.iter().map(|(k, e)| (k.clone(), e.size)).collect();
        (m, listing)
    }

    #[test]
    fn first_deploy_orders_assets_pages_feeds_then_converges() {
        let policy = CachePolicy::new(&[]).unwrap();
        let files = vec![
            file("rss.xml", "<rss/>"),
            file("index.html", "<p>home</p>"),
            file("assets/quire.0b4c4fabe7.css", "p{}"),
            file("a/index.html", "<p>a</p>"),
            file("sitemap.xml", "<urlset/>"),
        ];
        let plan = make(
            objects(&files, &policy, Precompress::None),
            None,
            &BTreeMap::new(),
        );
        let order: Vec<&str> = plan.uploads.iter().map(|(o, _)| o.key.as_str()).collect();
        assert_eq!(
            order,
            [
                "assets/quire.0b4c4fabe7.css",
                "a/index.html",
                "index.html",
                "rss.xml",
                "sitemap.xml"
            ]
        );
        assert!(plan.uploads.iter().all(|(_, r)| *r == Reason::New));
        let (manifest, listing) = stored(&plan);
        let again = make(
            objects(&files, &policy, Precompress::None),
            Some(&manifest),
            &listing,
        );
        assert!(again.uploads.is_empty() && again.deletes.is_empty());
        assert_eq!(again.unchanged.len(), 5);
    }

    #[test]
    fn edits_drift_headers_and_deletions() {
        let policy = CachePolicy::new(&[]).unwrap();
        let files = vec![
            file("a/index.html", "<p>a</p>"),
            file("b/index.html", "<p>b</p>"),
        ];
        let first = make(
            objects(&files, &policy, Precompress::None),
            None,
            &BTreeMap::new(),
        );
        let (manifest, mut listing) = stored(&first);
        // Edited a, b removed by hand at the store, c stored by hand, and
        // an old file the output no longer has.
        listing.remove("b/index.html");
        listing.insert("stale/index.html".into(), 9);
        let files = vec![
            file("a/index.html", "<p>A!</p>"),
            file("b/index.html", "<p>b</p>"),
        ];
        let plan = make(
            objects(&files, &policy, Precompress::None),
            Some(&manifest),
            &listing,
        );
        let got: Vec<(&str, Reason)> = plan
            .uploads
            .iter()
            .map(|(o, r)| (o.key.as_str(), *r))
            .collect();
        assert_eq!(
            got,
            [
                ("a/index.html", Reason::Changed),
                ("b/index.html", Reason::Drifted)
            ]
        );
        assert_eq!(plan.deletes, [("stale/index.html".to_string(), 9)]);
        // A new cache rule re-uploads with the new header.
        let strict = CachePolicy::new(&[quire_site::deploy::CacheRule {
            glob: "**".into(),
            value: "no-store".into(),
        }])
        .unwrap();
        let (manifest, listing) = stored(&plan);
        let plan = make(
            objects(&files, &strict, Precompress::None),
            Some(&manifest),
            &listing,
        );
        assert!(
            plan.uploads
                .iter()
                .all(|(o, r)| *r == Reason::Headers && o.headers.cache_control == "no-store")
        );
    }

    #[test]
    fn precompression_in_place_and_beside() {
        let policy = CachePolicy::new(&[]).unwrap();
        let files = vec![file("index.html", "<p>x</p>"), file("p.png", "PNG")];
        let in_place = objects(&files, &policy, Precompress::InPlace(Encoding::Gzip));
        assert_eq!(in_place[0].headers.content_encoding, Some(Encoding::Gzip));
        assert_eq!(in_place[1].headers.content_encoding, None);
        let beside = objects(
            &files,
            &policy,
            Precompress::Beside(&[Encoding::Gzip, Encoding::Brotli]),
        );
        let keys: Vec<&str> = beside.iter().map(|o| o.key.as_str()).collect();
        assert_eq!(
            keys,
            ["index.html", "index.html.gz", "index.html.br", "p.png"]
        );
        assert_eq!(beside[1].headers.content_type, "text/html; charset=utf-8");
    }
}
