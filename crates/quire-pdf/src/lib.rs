//! quire-pdf: the PDF edition of one article version.
//!
//! Input is a typed [`Edition`] — everything the printed article shows,
//! already resolved by the site build: notes numbered and formatted as on
//! the web (localized ibid., citations by quire-cite), localized dates and
//! UI strings, the body as the page's rendered, sanitized HTML. Output is
//! the bytes of a tagged PDF (PDF/UA-1, document title and language set),
//! or an [`Error`] saying where typesetting failed.
//!
//! Typst is used as a library: the body HTML is converted to Typst markup
//! ([`convert`]), a small main source calls the template (built in:
//! `templates/edition.typ`; a site may give its own), and the document is
//! laid out and exported in memory with fonts embedded in the binary
//! ([`world`]). This crate knows nothing of sites, files or the build: it
//! never reads the disk and never looks at the clock.

pub mod convert;
mod edition;
mod error;
mod source;
pub mod world;

pub use edition::{Asset, Author, CiteThis, Edition, Note, PageSize, Strings};
pub use error::{Error, Origin};

use std::sync::LazyLock;

use typst::layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

/// The built-in template: the look of every edition unless a site gives
/// its own (same parameters, see the file's header).
pub const BUILTIN_TEMPLATE: &str = include_str!("../templates/edition.typ");

/// A typeset edition: the PDF and what could not be carried over into it.
#[derive(Debug, Clone)]
pub struct Typeset {
    /// The PDF file.
    pub pdf: Vec<u8>,
    /// Things left out or replaced (an image that is not among the
    /// article's files, a note marker without a note), and Typst's own
    /// warnings.
    pub warnings: Vec<String>,
}

/// Stack size of the typesetting threads. Typst recurses deeply (evaluation
/// and layout of a long article), and the 2 MiB stacks of rayon's default
/// workers overflowed on a generated 1,000-article site; the size is
/// address space reserved, only the pages touched use memory.
const STACK: usize = 64 << 20;

/// The threads editions are typeset on, Typst's own parallel layout
/// included (it runs on the pool it is called from). A panic inside Typst
/// ends only its edition (reported as an error), not the process.
static POOL: LazyLock<Option<rayon::ThreadPool>> = LazyLock::new(|| {
    rayon::ThreadPoolBuilder::new()
        .stack_size(STACK)
        .thread_name(|i| format!("quire-pdf-{i}"))
        .panic_handler(|_| {})
        .build()
        .ok()
});

/// Typesets `edition` with `template` (Typst source defining `edition`;
/// [`BUILTIN_TEMPLATE`] for the built-in look). Safe to call from many
/// threads at once.
pub fn typeset(edition: &Edition, template: &str) -> Result<Typeset, Error> {
    let Some(pool) = &*POOL else {
        return Err(Error::export(
            "could not start the typesetting threads (out of memory or thread limits)".to_owned(),
        ));
    };
    // The caller blocks on a channel rather than `pool.install`: waiting
    // in `install`, a rayon worker of the caller's pool would run other
    // queued jobs on top of its own stack — more editions, each waiting in
    // turn — until that 2 MiB stack overflowed.
    let (send, receive) = std::sync::mpsc::sync_channel(1);
    let (edition, template) = (edition.clone(), template.to_owned());
    pool.spawn(move || {
        let _ = send.send(typeset_here(&edition, &template));
    });
    receive.recv().unwrap_or_else(|_| {
        Err(Error::export(
            "Typst stopped with an internal error on this edition".to_owned(),
        ))
    })
}

fn typeset_here(edition: &Edition, template: &str) -> Result<Typeset, Error> {
    let prepared = source::prepare(edition);
    let world = world::EditionWorld::new(
        prepared.main,
        template.to_owned(),
        prepared.files,
        prepared.today,
    );
    let compiled = typst::compile::<PagedDocument>(&world);
    let mut warnings = prepared.warnings;
    warnings.extend(
        compiled
            .warnings
            .iter()
            .map(|w| error::describe(&world, w).to_string()),
    );
    let document = compiled
        .output
        .map_err(|errors| error::first(&world, &errors))?;
    let options = PdfOptions {
        // A stable identifier: the same article gets the same document ID
        // in every build.
        ident: typst::foundations::Smart::Custom(&edition.url),
        standards: PdfStandards::new(&[PdfStandard::Ua_1])
            .map_err(|e| Error::export(e.to_string()))?,
        ..PdfOptions::default()
    };
    let pdf =
        typst_pdf::pdf(&document, &options).map_err(|errors| error::first(&world, &errors))?;
    // Typst memoizes layout across compilations; entries unused for a few
    // dozen editions are dropped so that a site of thousands of articles
    // does not keep every one of them in memory.
    comemo::evict(30);
    Ok(Typeset { pdf, warnings })
}
