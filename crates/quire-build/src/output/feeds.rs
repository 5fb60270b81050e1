//! Output: the Atom, RSS and JSON feeds (made by [`crate::feeds`]).

use super::{Context, Output, Produced};
use crate::outputs::Outputs;

/// Every feed of the site.
pub(crate) struct Feeds;

impl Output for Feeds {
    fn name(&self) -> &'static str {
        "feeds"
    }

    fn produce(&self, cx: &Context<'_>, into: &Outputs<'_>) -> Produced {
        into.put(crate::feeds::all_feeds(cx.corpus, cx.derived));
        Produced::default()
    }
}
