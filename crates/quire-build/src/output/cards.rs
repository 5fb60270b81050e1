//! Output: the generated social card (`card.png`) of each article that
//! has no image of its own, when `[social] cards` is on.

use quire_core::Diagnostic;
use quire_site::Routes;
use rayon::prelude::*;

use super::{Context, Output, Produced};
use crate::cache::key_of;
use crate::emit::Artifact;
use crate::outputs::Outputs;
use crate::pages::CARD_FILE;

/// The social cards.
pub(crate) struct SocialCards;

impl Output for SocialCards {
    fn name(&self) -> &'static str {
        "cards"
    }

    fn produce(&self, cx: &Context<'_>, into: &Outputs<'_>) -> Produced {
        let diagnostics: Vec<Diagnostic> = cx
            .corpus
            .pages
            .par_iter()
            .filter(|page| cx.renderer.cards_enabled(page))
            .filter_map(|page| {
                let lang = &page.lang;
                let site = &cx.renderer.sites[lang];
                let section = page.section.as_ref().and_then(|s| cx.corpus.section(s));
                let card = quire_cards::Card {
                    title: page.front.title.clone(),
                    section: section.map(|s| s.title_in(lang)).unwrap_or_default(),
                    site: site.title.clone(),
                    rtl: site.dir == "rtl",
                };
                let draw = || {
                    quire_cards::render(&card).map_err(|e| {
                        Diagnostic::error(page.source_path.clone(), format!("social card: {e}"))
                    })
                };
                let file = Routes::output_file(&Routes::beside(&page.path, CARD_FILE));
                let png = match cx.cache {
                    // A card is a function of its four texts.
                    Some(cache) => {
                        let key = key_of(&(&card.title, &card.section, &card.site, card.rtl));
                        cache.output(&file, key, draw)
                    }
                    None => draw(),
                };
                match png {
                    Ok(png) => {
                        into.put(vec![Artifact::bytes(file, png)]);
                        None
                    }
                    Err(d) => Some(d),
                }
            })
            .collect();
        Produced {
            pages: 0,
            diagnostics,
        }
    }
}
