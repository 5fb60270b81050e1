//! Output: the search index of each language and the search scripts, when
//! `[search]` is enabled.

use quire_site::{Page, PageKind};

use super::{Context, Output, Produced};
use crate::cache::key_of;
use crate::emit::Artifact;
use crate::outputs::Outputs;

/// The search index.
pub(crate) struct SearchIndex;

impl Output for SearchIndex {
    fn name(&self) -> &'static str {
        "search"
    }

    fn produce(&self, cx: &Context<'_>, into: &Outputs<'_>) -> Produced {
        if !cx.derived.search.enabled {
            return Produced::default();
        }
        let corpus = cx.corpus;
        let words = &cx.derived.words;
        into.put(
            quire_search::assets()
                .into_iter()
                .map(|f| Artifact::bytes(f.path, f.bytes))
                .collect(),
        );
        for lang in &corpus.config.languages {
            let pages: Vec<&Page> = corpus
                .pages
                .iter()
                .filter(|p| p.kind == PageKind::Article && p.lang == lang.code)
                .collect();
            let counted: Vec<Option<usize>> = pages
                .iter()
                .map(|p| words.of_page.get(p.index).copied().flatten())
                .collect();
            let docs: Vec<quire_search::SearchDoc> = pages
                .iter()
                .map(|p| {
                    let card = cx.renderer.card(p, &lang.code);
                    quire_search::SearchDoc {
                        url: card.url,
                        title: p.front.title.clone(),
                        highlights: p.front.highlights.clone(),
                        body: std::borrow::Cow::Borrowed(&p.rendered.plain_text),
                        authors: card.authors.into_iter().map(|a| a.name).collect(),
                        section: card.section_title.unwrap_or_default(),
                        tags: p.front.taxonomies.values().flatten().cloned().collect(),
                        date: card.date_iso,
                    }
                })
                .collect();
            let index = || -> Vec<Artifact> {
                quire_search::build_index_counted(&lang.code, &docs, &words.counts, &counted)
                    .into_iter()
                    .map(|f| Artifact::bytes(f.path, f.bytes))
                    .collect()
            };
            // An index is a function of its language and documents.
            into.put(match cx.cache {
                Some(cache) => cache.search(&lang.code, key_of(&docs), index),
                None => index(),
            });
        }
        Produced::default()
    }
}
