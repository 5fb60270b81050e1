//! One page derived again on its own, for the studio's live preview: when
//! only that page's body changed, its notes, citations and links are
//! resolved afresh against a site derived before, instead of deriving
//! every page of the site for each keystroke.

use quire_cite::Bibliography;
use quire_core::Diagnostics;
use quire_site::Corpus;

use crate::derive::{
    Derived, bundle_bibliographies, own_bibliography_files, page_bibliography, site_bibliography,
};

/// The site's bibliography (its `bibliography/` files merged), as derive
/// reads it; kept by a caller that derives single pages again.
pub fn read_site_bibliography(corpus: &Corpus, diagnostics: &mut Diagnostics) -> Bibliography {
    site_bibliography(corpus, diagnostics)
}

/// Replaces `derived.bodies[page]` with the notes, citations and links of
/// `corpus.pages[page]` resolved again (with `site_bib` from
/// [`read_site_bibliography`] and the page's own bibliography files, as a
/// full derive does); every other page's body and the similar posts are
/// kept. For a corpus in which only that page's body changed since
/// `derived` was made.
pub fn rederive_page(
    corpus: &Corpus,
    derived: &mut Derived,
    page: usize,
    base_path: &str,
    site_bib: &Bibliography,
    diagnostics: &mut Diagnostics,
) {
    let Some(p) = corpus.pages.get(page) else {
        return;
    };
    let bundle_bibs = bundle_bibliographies(corpus);
    let own = own_bibliography_files(p, &bundle_bibs);
    let mut ds = Vec::new();
    let bib = page_bibliography(corpus, p, &own, site_bib, &mut ds);
    let body = crate::notes::resolve(
        p,
        &derived.cite,
        bib.as_ref().unwrap_or(site_bib),
        base_path,
        &mut ds,
    );
    diagnostics.extend(ds);
    if let Some(slot) = derived.bodies.get_mut(page) {
        *slot = body;
    }
}
