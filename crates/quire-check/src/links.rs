//! Links to absolute site paths (`/about/`, `/tr/x/#y`) and same-page
//! anchors (`#part`), checked against the files and ids of an in-memory
//! build. (`@/…` content links are checked by the build's assembly.)
//!
//! Owns: resolving a site path to an output file and reading the ids of
//! built HTML. Must not know: how pages are rendered.

use std::collections::{BTreeMap, BTreeSet};

use quire_build::{Artifact, Body};
use quire_core::Diagnostic;

use crate::scan::{LinkKind, ScannedFile};

/// The files of a build, and the ids each HTML file defines.
pub struct Outputs {
    files: BTreeSet<String>,
    ids: BTreeMap<String, BTreeSet<String>>,
}

impl Outputs {
    /// Indexes the artifacts of a build.
    pub fn new(artifacts: &[Artifact]) -> Self {
        let mut files = BTreeSet::new();
        let mut ids = BTreeMap::new();
        for a in artifacts {
            files.insert(a.path.clone());
            if let Body::Bytes(bytes) = &a.body
                && a.path.ends_with(".html")
            {
                ids.insert(a.path.clone(), ids_of(&String::from_utf8_lossy(bytes)));
            }
        }
        Outputs { files, ids }
    }

    /// The output file a site path is served from, if any.
    pub fn resolve(&self, path: &str) -> Option<&str> {
        let rel = path.trim_start_matches('/');
        let candidates = if rel.is_empty() || rel.ends_with('/') {
            vec![format!("{rel}index.html")]
        } else {
            vec![rel.to_string(), format!("{rel}/index.html")]
        };
        candidates
            .into_iter()
            .find_map(|c| self.files.get(&c).map(String::as_str))
    }

    /// The ids of an HTML output file (empty for other files).
    pub fn ids(&self, file: &str) -> Option<&BTreeSet<String>> {
        self.ids.get(file)
    }
}

/// Every `id="…"` value of an HTML document. Templates and the renderer
/// always quote attributes with `"`, so a scan is enough here.
fn ids_of(html: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = html;
    while let Some(i) = rest.find(" id=\"") {
        let tail = &rest[i + 5..];
        if let Some(end) = tail.find('"') {
            out.insert(tail[..end].to_string());
        }
        rest = tail;
    }
    out
}

/// Reports site-path links whose file or anchor does not exist, and
/// same-page anchors the page lacks. Without `outputs` (the site has
/// errors and did not build) nothing can be resolved and nothing is said.
pub fn check(
    files: &[ScannedFile],
    outputs: Option<&Outputs>,
    base_path: &str,
    found: &mut Vec<Diagnostic>,
) {
    let Some(outputs) = outputs else { return };
    for file in files {
        for link in &file.links {
            let (path, fragment) = match link.url.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (link.url.as_str(), None),
            };
            let path = path.split_once('?').map(|(p, _)| p).unwrap_or(path);
            let target = match link.kind {
                LinkKind::External => continue,
                LinkKind::Anchor => match &file.page_path {
                    Some(own) => outputs.resolve(own),
                    None => continue, // a listing's intro: its ids vary per page
                },
                LinkKind::Site => {
                    // A site below the host root may be linked with or without its base path.
                    let local = path
                        .strip_prefix(base_path)
                        .filter(|p| !base_path.is_empty() && p.starts_with('/'))
                        .unwrap_or(path);
                    match outputs.resolve(local) {
                        Some(t) => Some(t),
                        None => {
                            found.push(crate::at(
                                Diagnostic::error(
                                    file.path.clone(),
                                    format!(
                                        "link to {}: no page or file of the built site has this path",
                                        link.url
                                    ),
                                ),
                                &file.text,
                                link.offset,
                            ));
                            continue;
                        }
                    }
                }
            };
            let (Some(target), Some(fragment)) = (target, fragment) else {
                continue;
            };
            if fragment.is_empty() {
                continue;
            }
            if let Some(ids) = outputs.ids(target)
                && !ids.contains(fragment)
            {
                let mut known: Vec<&String> = ids
                    .iter()
                    .filter(|i| !i.starts_with("fn") && !i.starts_with("fnref"))
                    .collect();
                known.truncate(12);
                let known: Vec<String> = known.into_iter().map(|i| format!("#{i}")).collect();
                found.push(crate::at(
                    Diagnostic::error(
                        file.path.clone(),
                        format!(
                            "link to {}: /{} has no element with id `{fragment}` (it has {})",
                            link.url,
                            target,
                            known.join(", ")
                        ),
                    ),
                    &file.text,
                    link.offset,
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_paths_resolve_to_index_files_or_exact_files() {
        let outputs = Outputs::new(&[
            Artifact::bytes("index.html", "<html><h2 id=\"top\">x</h2></html>"),
            Artifact::bytes("tr/about/index.html", "<p id=\"a\" class=\"b\">"),
            Artifact::bytes("atom.xml", "<feed/>"),
        ]);
        assert_eq!(outputs.resolve("/"), Some("index.html"));
        assert_eq!(outputs.resolve("/tr/about/"), Some("tr/about/index.html"));
        assert_eq!(outputs.resolve("/tr/about"), Some("tr/about/index.html"));
        assert_eq!(outputs.resolve("/atom.xml"), Some("atom.xml"));
        assert_eq!(outputs.resolve("/about/"), None);
        assert!(outputs.ids("index.html").unwrap().contains("top"));
        assert!(outputs.ids("tr/about/index.html").unwrap().contains("a"));
    }
}
