//! Absolute links to the site's own address (`https://example.org/x/`,
//! typical of imported content) that no page or file of the built site
//! answers: old URLs that were neither imported nor redirected.
//!
//! Owns: recognising the site's own `base_url` in a link (scheme and a
//! leading `www.` ignored) and resolving the rest against the build.
//! Must not know: how pages are rendered.

use quire_core::Diagnostic;

use crate::links::Outputs;
use crate::scan::{LinkKind, ScannedFile};

/// Warns for every `http(s)://` link to `base_url` whose path the build has
/// no file for (redirects from aliases count as files).
pub fn check(
    files: &[ScannedFile],
    outputs: Option<&Outputs>,
    base_url: &str,
    found: &mut Vec<Diagnostic>,
) {
    let Some(outputs) = outputs else { return };
    let Some(base) = host_and_path(base_url) else {
        return;
    };
    let base = base.trim_end_matches('/').to_string();
    for file in files {
        for link in file.links.iter().filter(|l| l.kind == LinkKind::External) {
            let Some(target) = host_and_path(&link.url) else {
                continue;
            };
            let Some(rest) = target.strip_prefix(&base) else {
                continue;
            };
            if !(rest.is_empty() || rest.starts_with(['/', '?', '#'])) {
                continue;
            }
            let path = rest.split(['?', '#']).next().unwrap_or("");
            let path = if path.is_empty() { "/" } else { path };
            let decoded = percent_decode(path);
            if outputs.resolve(path).is_some() || outputs.resolve(&decoded).is_some() {
                continue;
            }
            found.push(crate::at(
                Diagnostic::warning(
                    file.path.clone(),
                    format!(
                        "link to {}: this is the site's own address, but no page or file of the built site has the path {path} (an old URL? link the page with @/… or add the old path to its aliases)",
                        link.url
                    ),
                ),
                &file.text,
                link.offset,
            ));
        }
    }
}

/// `https://www.Example.org/a/b?q` → `example.org/a/b?q`.
fn host_and_path(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let (host, path) = match rest.find(['/', '?', '#']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    Some(format!("{host}{path}"))
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::BodyLink;
    use quire_build::Artifact;

    #[test]
    fn absolute_links_to_the_site_that_lead_nowhere_are_warned() {
        let outputs = Outputs::new(&[
            Artifact::bytes("analysis/x/index.html", "<p>x</p>"),
            Artifact::bytes("2019/05/old/index.html", "<meta http-equiv=refresh>"),
        ]);
        let links = [
            "https://example.org/analysis/x/",
            "https://www.example.org/2019/05/old/",
            "https://example.org/category/news/",
            "https://elsewhere.example/nothing/",
            "https://example.org.evil.example/x/",
        ];
        let text = links.join(" ");
        let file = ScannedFile {
            path: "content/a/b/index.md".into(),
            text: text.clone(),
            page_path: Some("/a/b/".into()),
            links: links
                .iter()
                .map(|u| BodyLink {
                    url: u.to_string(),
                    offset: text.find(u).unwrap_or(0),
                    kind: LinkKind::External,
                })
                .collect(),
        };
        let mut found = Vec::new();
        check(&[file], Some(&outputs), "https://example.org", &mut found);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].message.contains("/category/news/"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn own_addresses_match_without_scheme_or_www() {
        assert_eq!(
            host_and_path("https://www.Example.org/x/?p=1").as_deref(),
            Some("example.org/x/?p=1")
        );
        assert_eq!(
            host_and_path("http://example.org").as_deref(),
            Some("example.org")
        );
        assert_eq!(host_and_path("mailto:a@b"), None);
    }
}
