//! Output: each article's "cite this" downloads (BibTeX, RIS, CSL-JSON)
//! beside its page.

use quire_site::{PageKind, Routes};
use rayon::prelude::*;

use super::{Context, Output, Produced};
use crate::emit::Artifact;
use crate::outputs::Outputs;

/// A citation export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// BibTeX (`cite.bib`).
    Bibtex,
    /// RIS (`cite.ris`).
    Ris,
    /// CSL-JSON (`cite.json`).
    CslJson,
}

impl Format {
    /// Every format, in the order the files are listed.
    pub const ALL: [Format; 3] = [Format::Bibtex, Format::Ris, Format::CslJson];

    /// The file name beside the article's page.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Bibtex => "cite.bib",
            Format::Ris => "cite.ris",
            Format::CslJson => "cite.json",
        }
    }

    fn export(self, reference: &quire_cite::ArticleRef) -> String {
        match self {
            Format::Bibtex => quire_cite::export_bibtex(reference),
            Format::Ris => quire_cite::export_ris(reference),
            Format::CslJson => quire_cite::export_csl_json(reference),
        }
    }
}

/// The citation downloads of every article.
pub(crate) struct CiteExports;

impl Output for CiteExports {
    fn name(&self) -> &'static str {
        "cite"
    }

    fn produce(&self, cx: &Context<'_>, into: &Outputs<'_>) -> Produced {
        cx.corpus
            .pages
            .par_iter()
            .filter(|p| p.kind == PageKind::Article)
            .for_each(|page| {
                let reference = cx.renderer.article_ref(page);
                into.put(
                    Format::ALL
                        .iter()
                        .map(|format| {
                            Artifact::bytes(
                                Routes::output_file(&Routes::beside(
                                    &page.path,
                                    format.file_name(),
                                )),
                                format.export(&reference),
                            )
                        })
                        .collect(),
                );
            });
        Produced::default()
    }
}
