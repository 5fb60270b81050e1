//! Runs an import from the command line, for measuring large exports:
//! `cargo run --release -p quire-import --example import_wxr -- EXPORT.xml SITE_DIR [UPLOADS_DIR]`.

use quire_import::{ImportOptions, import_wordpress};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(export), Some(into)) = (args.first(), args.get(1)) else {
        eprintln!("usage: import_wxr EXPORT.xml SITE_DIR [UPLOADS_DIR]");
        std::process::exit(2);
    };
    let mut options = ImportOptions::new(export, into);
    options.uploads = args.get(2).map(Into::into);
    options.force = true;
    match import_wordpress(&options) {
        Ok(report) => {
            let posts: usize = report.counts.values().sum();
            println!(
                "{posts} versions, {} notes, {} files",
                report.notes,
                report.files.len()
            );
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
