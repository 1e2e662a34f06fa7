//! `repeat` rules: `time::check_rule`, then `time::expand` of the checked rule from a start
//! as the model calls it (a horizon 12 months after the start, at most 1000 occurrences).
//!
//! Input: byte 0 picks the zone, byte 1 the start; the rest (UTF-8) is the rule. At most
//! 512 bytes. Start 6 is late in 9999, where the horizon is past the last date and falls back
//! to the start, as in the model.
#![no_main]

use jiff::civil::{date, DateTime};
use jiff::ToSpan;
use libfuzzer_sys::fuzz_target;
use moot::time;

const ZONES: [&str; 4] = ["UTC", "America/Los_Angeles", "Australia/Lord_Howe", "Pacific/Apia"];

fn starts() -> [DateTime; 8] {
    [
        date(2026, 11, 12).at(14, 0, 0, 0),
        date(2027, 3, 14).at(2, 30, 0, 0),
        date(2026, 1, 31).at(23, 59, 59, 0),
        date(2028, 2, 29).at(0, 0, 0, 0),
        date(2026, 12, 31).at(12, 0, 0, 0),
        date(1970, 1, 1).at(0, 0, 0, 0),
        date(9999, 6, 30).at(23, 0, 0, 0),
        date(-9999, 1, 1).at(0, 0, 0, 0),
    ]
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 || data.len() > 512 {
        return;
    }
    let Ok(rule) = std::str::from_utf8(&data[2..]) else { return };
    let checked = time::check_rule(rule);
    if let Ok(r) = &checked {
        assert!(r.get("FREQ").is_some());
        for (_, v) in &r.parts {
            assert!(v.bytes().all(|b| b.is_ascii_graphic()), "{rule:?}: {v:?}");
        }
    }
    let tz = time::zone_by_name(ZONES[data[0] as usize % ZONES.len()]).unwrap();
    let start = starts()[data[1] as usize % 8];
    let horizon = start.checked_add(12.months()).unwrap_or(start);
    // The model expands only rules that check_rule accepted.
    let Ok(checked) = checked else { return };
    match time::expand(&checked, &tz, start, horizon, 1000) {
        Ok(occ) => {
            assert!(occ.len() <= 1000);
            assert!(occ.iter().all(|&o| o <= horizon), "{rule:?}: an occurrence after the horizon");
        }
        Err(message) => assert!(!message.is_empty()),
    }
});
