//! Output: every HTML page (articles, pages, listings, search, 404).

use super::{Context, Output, Produced};
use crate::outputs::Outputs;

/// The HTML pages, rendered through the theme by [`crate::pages::Renderer`].
pub(crate) struct HtmlPages;

impl Output for HtmlPages {
    fn name(&self) -> &'static str {
        "pages"
    }

    fn produce(&self, cx: &Context<'_>, into: &Outputs<'_>) -> Produced {
        let (pages, diagnostics) = cx.renderer.render_into(into);
        Produced { pages, diagnostics }
    }
}
