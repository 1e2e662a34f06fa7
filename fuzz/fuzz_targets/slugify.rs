//! `model::slugify`: a slug is lower-case letters, digits, `_` and single inner `-`, and is
//! its own slug.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if text.len() > 4096 {
        return;
    }
    let slug = moot::model::slugify(text);
    assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"), "{text:?} -> {slug:?}");
    assert!(slug.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-'), "{text:?} -> {slug:?}");
    assert_eq!(moot::model::slugify(&slug), slug, "{text:?} -> {slug:?}: not its own slug");
});
