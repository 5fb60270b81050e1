//! Front matter: any text through `split` then `parse` must give a value or
//! located diagnostics, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quire_site::frontmatter::{parse, split};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let taxonomies = vec!["tags".to_string(), "regions".to_string()];
    if let Ok(Some(block)) = split("content/x.md", text) {
        // Offsets handed back must point inside the file.
        assert!(block.matter_offset <= text.len() && block.body_offset <= text.len());
        let _ = parse("content/x.md", text, &block, &taxonomies);
    }
});
