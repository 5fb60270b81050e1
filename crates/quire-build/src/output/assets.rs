//! Output: files the build copies or has built in — the stylesheet, the
//! site's `static/` files, each bundle's files beside every language
//! version, and files loose in a section folder beside each language's
//! listing.

use std::collections::BTreeMap;

use quire_site::{Corpus, Listing, Routes};

use super::{Context, Output, Produced};
use crate::emit::{Artifact, Body};
use crate::outputs::Outputs;

/// The stylesheet and copied files.
pub(crate) struct Assets;

impl Output for Assets {
    fn name(&self) -> &'static str {
        "assets"
    }

    fn produce(&self, cx: &Context<'_>, into: &Outputs<'_>) -> Produced {
        let (path, css) = cx.stylesheet;
        into.put(vec![Artifact::bytes(
            Routes::output_file(path),
            css.clone(),
        )]);
        into.put(copied_files(cx.corpus));
        Produced::default()
    }
}

/// The built-in stylesheet and its site path, named by a fingerprint of
/// its content so browsers never keep a stale copy.
pub(crate) fn stylesheet() -> (String, String) {
    let css = quire_theme::stylesheet();
    let path = format!(
        "{}quire.{}.css",
        Routes::ASSETS,
        crate::urls::fingerprint(css.as_bytes())
    );
    (path, css.to_string())
}

/// Static files, bundle files beside each language version, and files
/// loose in section folders beside each language's listing.
fn copied_files(corpus: &Corpus) -> Vec<Artifact> {
    let root = &corpus.files.root;
    let mut out = Vec::new();
    for file in &corpus.files.static_files {
        out.push(Artifact {
            path: file.clone(),
            body: Body::Copy(root.join("static").join(file)),
        });
    }
    let mut by_dir: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (dir, file) in &corpus.files.bundle_assets {
        by_dir.entry(dir.as_str()).or_default().push(file.as_str());
    }
    for page in &corpus.pages {
        let Some(dir) = &page.bundle_dir else {
            continue;
        };
        for file in by_dir.get(dir.as_str()).into_iter().flatten() {
            out.push(Artifact {
                path: Routes::output_file(&Routes::beside(&page.path, file)),
                body: Body::Copy(root.join(dir).join(file)),
            });
        }
    }
    for section in &corpus.sections {
        let dir = format!("content/{}", section.folder);
        for file in by_dir.get(dir.as_str()).into_iter().flatten() {
            for lang in &corpus.config.languages {
                let listing = corpus
                    .routes
                    .listing(&lang.code, Listing::Section(&section.id));
                out.push(Artifact {
                    path: Routes::output_file(&Routes::beside(&listing, file)),
                    body: Body::Copy(root.join(&dir).join(file)),
                });
            }
        }
    }
    out
}
