//! `duration` and `default_duration` values: `time::parse_duration`. A duration it accepts
//! is longer than zero and at most 366 days, in whole minutes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if text.len() > 256 {
        return;
    }
    if let Ok(d) = moot::time::parse_duration(text) {
        let secs = d.as_secs();
        assert!(secs > 0 && secs <= 366 * 86_400, "{text:?} -> {d:?}");
        assert_eq!(secs % 60, 0, "{text:?} -> {d:?}");
    }
});
