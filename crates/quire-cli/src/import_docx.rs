//! `quire import docx FILE.docx`: the command line of the Word importer
//! (the importer itself is `quire_import::docx`, which the studio calls too).

use std::path::PathBuf;

use crate::exit::Outcome;

/// Options of `quire import docx`.
#[derive(clap::Args)]
pub struct Args {
    /// The Word document.
    file: PathBuf,
    /// The site root.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Section of the new article.
    #[arg(long, default_value = "analysis")]
    section: String,
    /// Language of the document (default: the language Word records in it).
    #[arg(long)]
    lang: Option<String>,
    /// Add the document as a translation of this article (`section/slug`).
    #[arg(long, value_name = "SECTION/SLUG")]
    translation_of: Option<String>,
    /// Bundle name (default: made from the title).
    #[arg(long)]
    slug: Option<String>,
    /// Mark the article as a draft.
    #[arg(long)]
    draft: bool,
}

/// Runs the import; returns how it ended.
pub fn run(args: Args) -> Outcome {
    let mut options = quire_import::docx::DocxOptions::new(&args.root);
    options.section = args.section;
    options.lang = args.lang;
    options.translation_of = args.translation_of;
    options.slug = args.slug;
    options.draft = args.draft;
    match quire_import::docx::import_docx(&args.file, &options) {
        Ok(report) => {
            println!("{report}");
            Outcome::Success
        }
        Err(e) => {
            eprintln!("error: {}: {e}", args.file.display());
            eprintln!("Nothing was written.");
            Outcome::from(&e)
        }
    }
}
