//! The WordPress importer: any bytes as an export file give a report or an
//! error, never a panic, and write only inside the target folder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quire_import::{ImportOptions, import_wordpress};

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("temp dir");
    let export = dir.path().join("export.xml");
    std::fs::write(&export, data).expect("write export");
    let into = dir.path().join("site");
    let mut options = ImportOptions::new(&export, &into);
    options.drafts = true;
    let _ = import_wordpress(&options);
    // Nothing but the export and the site folder may appear.
    for entry in std::fs::read_dir(dir.path()).expect("read temp dir") {
        let name = entry.expect("entry").file_name();
        assert!(name == "export.xml" || name == "site", "wrote {name:?}");
    }
});
