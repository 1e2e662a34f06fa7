//! `moot.toml`'s text through `config::parse` (TOML, then each setting checked).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if text.len() > 16 << 10 {
        return;
    }
    match moot::config::parse(std::path::Path::new("moot.toml"), text) {
        Ok(c) => {
            assert!(c.base_url.starts_with("http://") || c.base_url.starts_with("https://"), "{:?}", c.base_url);
            assert!(!c.base_url.ends_with('/'), "{:?}", c.base_url);
        }
        Err(errors) => assert!(!errors.is_empty()),
    }
});
