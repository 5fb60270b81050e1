//! Citations as an author wrote them (Pandoc syntax), before any style is applied.

use serde::{Deserialize, Serialize};

/// One cited source inside a citation cluster: `see @doe2020, p. 4`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CiteItem {
    /// The bibliography key, without the `@`.
    pub key: String,
    /// Text before the key (`see`), trimmed; empty when absent.
    pub prefix: String,
    /// The locator as written (`p. 4`, `ch. 2`, `pp. 10-12`); empty when absent.
    pub locator: String,
    /// `-@key`: the author's name is left out (it was said in the text).
    pub suppress_author: bool,
}

/// A group of citations written together: `[see @a, ch. 2; @b]` or `@a [p. 4]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CiteCluster {
    /// The cited sources in the order written.
    pub items: Vec<CiteItem>,
    /// True for a narrative citation in running text (`@key [p. 4]`).
    pub in_text: bool,
}
