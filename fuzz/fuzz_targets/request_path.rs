//! `serve`'s request path -> output path: `serve::request_path` never names a path outside
//! the output folder (each `/`-separated part a safe file name, so no leading `/`, no `..`),
//! and `serve::content_type` takes any path.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(path) = std::str::from_utf8(data) else { return };
    if path.len() > 4096 {
        return;
    }
    let _ = moot::serve::content_type(path);
    if let Some(out) = moot::serve::request_path(path) {
        // "" (from "", "/." ...) names no file; `serve` answers it with the 404 page.
        if out.is_empty() {
            return;
        }
        for part in out.split('/') {
            assert!(moot::routes::is_safe_component(part), "{path:?} -> {out:?}: {part:?}");
        }
        let _ = moot::serve::content_type(&out);
    }
});
