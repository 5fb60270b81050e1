//! `quire.toml`: any text parses to a configuration or to diagnostics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = quire_site::config::parse(text, None);
    let _ = quire_site::config::parse(text, Some("https://example.org/sub/"));
});
