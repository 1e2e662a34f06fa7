//! `start`/`end` values: `time::parse_moment`, then what the model does with a result
//! (placing a wall time in a zone, the start of an all-day date).
#![no_main]

use libfuzzer_sys::fuzz_target;
use moot::time::{self, Moment};

const ZONES: [&str; 5] = ["UTC", "America/Los_Angeles", "Europe/London", "Australia/Lord_Howe", "Pacific/Apia"];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if text.len() > 256 {
        return;
    }
    match time::parse_moment(text) {
        Err(message) => assert!(!message.is_empty()),
        Ok(Moment::Local(wall)) => {
            for name in ZONES {
                let tz = time::zone_by_name(name).unwrap();
                if let Ok((z, _note)) = time::place(&tz, wall) {
                    let _ = time::abbreviation(&z);
                }
            }
        }
        Ok(Moment::Date(date)) => {
            for name in ZONES {
                let tz = time::zone_by_name(name).unwrap();
                let z = time::start_of_day(&tz, date);
                let _ = time::abbreviation(&z);
            }
        }
        Ok(Moment::Instant(ts)) => {
            let _ = ts.to_zoned_datetime(time::zone_by_name(ZONES[1]).unwrap());
        }
    }
});
