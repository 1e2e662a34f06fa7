//! Times of meetings: the forms authors write (`"2026-12-03 14:00"`, `"2026-12-03"`, RFC 3339),
//! durations (`"1h30m"`), IANA zones (via jiff's bundled database, so every machine agrees),
//! and the expansion of `repeat` rules into occurrences.
//!
//! Series are expanded on *wall-clock* time: the rule runs over local date-times as if they
//! were UTC, and each occurrence is then placed in the meeting's zone. That is what RFC 5545
//! asks for a DTSTART with a TZID, and it keeps a 14:00 weekly meeting at 14:00 across DST.

use jiff::civil::{Date, DateTime};
use jiff::tz::{Disambiguation, TimeZone};
use jiff::{SignedDuration, Timestamp, ZonedDateTime};

/// A point in time as written in front matter, before a zone is applied.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Moment {
    /// `2026-12-03 14:00`: wall time in the meeting's zone.
    Local(DateTime),
    /// `2026-12-03`: an all-day date.
    Date(Date),
    /// `2026-12-03T14:00:00-08:00`: an exact instant.
    Instant(Timestamp),
}

pub const MOMENT_FORMS: &str =
    "write \"2026-12-03 14:00\" (local time), \"2026-12-03\" (all day) or \"2026-12-03T14:00:00-08:00\" (with an offset)";

/// Parses one of the three forms of a `start`/`end` value.
pub fn parse_moment(text: &str) -> Result<Moment, String> {
    let t = text.trim();
    let bad = || format!("{t:?} is not a date or time");
    if t.len() == 10 {
        return t.parse::<Date>().map(Moment::Date).map_err(|_| bad());
    }
    let has_offset = t.len() > 19 && (t.ends_with('Z') || t.ends_with('z') || t[19..].contains(['+', '-']))
        || (t.len() > 16 && (t.ends_with('Z') || t[16..].contains(['+', '-'])));
    if has_offset {
        return t.parse::<Timestamp>().map(Moment::Instant).map_err(|_| bad());
    }
    let normalized = t.replacen(' ', "T", 1);
    normalized.parse::<DateTime>().map(Moment::Local).map_err(|_| bad())
}

/// Parses `"2h"`, `"90m"`, `"1h30m"`, `"1d"` (days, for all-day events), `"45min"`.
pub fn parse_duration(text: &str) -> Result<SignedDuration, String> {
    let t = text.trim().to_ascii_lowercase().replace(' ', "");
    let bad = || format!("duration {text:?} is not understood");
    if t.is_empty() {
        return Err(bad());
    }
    let mut total: i64 = 0;
    let mut num = String::new();
    let mut chars = t.chars().peekable();
    let mut seen_unit = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let mut unit = String::from(c);
        while let Some(&n) = chars.peek() {
            if n.is_ascii_alphabetic() {
                unit.push(n);
                chars.next();
            } else {
                break;
            }
        }
        let n: i64 = num.parse().map_err(|_| bad())?;
        num.clear();
        let secs = match unit.as_str() {
            "d" | "day" | "days" => 86_400,
            "h" | "hr" | "hrs" | "hour" | "hours" => 3_600,
            "m" | "min" | "mins" | "minute" | "minutes" => 60,
            _ => return Err(bad()),
        };
        total = total.checked_add(n.checked_mul(secs).ok_or_else(bad)?).ok_or_else(bad)?;
        seen_unit = true;
    }
    if !num.is_empty() || !seen_unit || total <= 0 || total > 366 * 86_400 {
        return Err(bad());
    }
    Ok(SignedDuration::from_secs(total))
}

/// The time-zone database compiled into moot, so that every machine builds the same times
/// (and no build starts by listing /usr/share/zoneinfo, as jiff's global database does).
fn zones() -> &'static jiff::tz::TimeZoneDatabase {
    static DB: std::sync::OnceLock<jiff::tz::TimeZoneDatabase> = std::sync::OnceLock::new();
    DB.get_or_init(jiff::tz::TimeZoneDatabase::bundled)
}

/// Looks up an IANA zone; the error is a hint naming the nearest real names.
pub fn zone_by_name(name: &str) -> Result<TimeZone, String> {
    if let Ok(tz) = zones().get(name) {
        return Ok(tz);
    }
    let names: Vec<String> = zones().available().map(|n| n.to_string()).collect();
    let near = crate::diag::closest(name, names.iter().map(String::as_str));
    if near.is_empty() {
        Err("use an IANA name such as \"America/Los_Angeles\", \"Europe/London\" or \"UTC\"".to_string())
    } else {
        Err(format!("did you mean {}?", near.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(" or ")))
    }
}

/// Places a wall time in a zone. A time inside a DST gap is an error; a time inside a fold
/// (it happens twice) takes the earlier one and says so.
pub fn place(tz: &TimeZone, wall: DateTime) -> Result<(ZonedDateTime, Option<String>), String> {
    let amb = tz.to_ambiguous_zoned_datetime(wall);
    if matches!(amb.offset(), jiff::tz::AmbiguousOffset::Fold { .. }) {
        let z = amb.disambiguate(Disambiguation::Earlier).map_err(|e| e.to_string())?;
        let note = format!(
            "{wall} happens twice in {} (clocks go back); the earlier one ({}) was chosen",
            tz.iana_name().unwrap_or("this zone"),
            z.offset()
        );
        return Ok((z, Some(note)));
    }
    match amb.unambiguous() {
        Ok(z) => Ok((z, None)),
        Err(_) => Err(format!(
            "{wall} does not exist in {} (clocks go forward at that hour)",
            tz.iana_name().unwrap_or("this zone")
        )),
    }
}

/// Wall time of a date at midnight in a zone, shifting forward through a gap.
pub fn start_of_day(tz: &TimeZone, date: Date) -> ZonedDateTime {
    tz.to_ambiguous_zoned_datetime(date.to_datetime(jiff::civil::Time::midnight()))
        .compatible()
        .unwrap_or_else(|_| Timestamp::UNIX_EPOCH.to_zoned_datetime(tz.clone()))
}

/// Expands an RRULE over wall-clock time. Returns the start wall times of every occurrence
/// up to `horizon` (exclusive) and at most `max` of them.
pub fn expand(
    rule: &str,
    tz: &TimeZone,
    start: DateTime,
    horizon: DateTime,
    max: u16,
) -> Result<Vec<DateTime>, String> {
    use chrono::{NaiveDate, TimeZone as _};
    let rule = normalize_rule(rule, tz)?;
    let parsed: rrule::RRule<rrule::Unvalidated> = rule.parse().map_err(|e: rrule::RRuleError| e.to_string())?;
    let to_chrono = |d: DateTime| {
        let nd = NaiveDate::from_ymd_opt(d.year() as i32, d.month() as u32, d.day() as u32)?.and_hms_opt(
            d.hour() as u32,
            d.minute() as u32,
            d.second() as u32,
        )?;
        rrule::Tz::UTC.from_local_datetime(&nd).single()
    };
    let dtstart = to_chrono(start).ok_or("start is out of range")?;
    let until = to_chrono(horizon).ok_or("horizon is out of range")?;
    let set = parsed.build(dtstart).map_err(|e| e.to_string())?;
    let result = set.before(until).all(max);
    Ok(result
        .dates
        .into_iter()
        .filter_map(|d| {
            let n = d.naive_local();
            use chrono::{Datelike, Timelike};
            DateTime::new(
                n.year() as i16,
                n.month() as i8,
                n.day() as i8,
                n.hour() as i8,
                n.minute() as i8,
                n.second() as i8,
                0,
            )
            .ok()
        })
        .collect())
}

/// Validates the parts of an RRULE that the rrule crate is lax about and rewrites UNTIL to
/// wall-clock time (the expansion runs on wall time; see the module docs).
fn normalize_rule(rule: &str, tz: &TimeZone) -> Result<String, String> {
    let rule = rule.trim().trim_start_matches("RRULE:");
    if rule.is_empty() {
        return Err("the rule is empty".into());
    }
    let mut parts = Vec::new();
    let mut has_freq = false;
    for part in rule.split(';').filter(|p| !p.is_empty()) {
        let (key, value) = part.split_once('=').ok_or_else(|| format!("{part:?} is not NAME=VALUE"))?;
        let key = key.trim().to_ascii_uppercase();
        match key.as_str() {
            "FREQ" => has_freq = true,
            "DTSTART" | "TZID" => {
                return Err(format!("{key} is not allowed in `repeat`; the meeting's `start` is the first occurrence"))
            }
            "UNTIL" => {
                parts.push(format!("UNTIL={}", until_as_wall(value.trim(), tz)?));
                continue;
            }
            _ => {}
        }
        parts.push(format!("{key}={}", value.trim().to_ascii_uppercase()));
    }
    if !has_freq {
        return Err("FREQ is missing (e.g. FREQ=WEEKLY)".into());
    }
    Ok(parts.join(";"))
}

fn until_as_wall(value: &str, tz: &TimeZone) -> Result<String, String> {
    let bad = || format!("UNTIL={value} is not a date (20270601) or UTC time (20270601T000000Z)");
    let wall = if let Some(utc) = value.strip_suffix('Z').or_else(|| value.strip_suffix('z')) {
        let dt = parse_basic_datetime(utc).ok_or_else(bad)?;
        let ts = dt.to_zoned_datetime(TimeZone::UTC).map_err(|_| bad())?.timestamp();
        ts.to_zoned_datetime(tz.clone()).datetime()
    } else if value.len() == 8 {
        let d = parse_basic_date(value).ok_or_else(bad)?;
        d.to_datetime(jiff::civil::time(23, 59, 59, 0))
    } else {
        parse_basic_datetime(value).ok_or_else(bad)?
    };
    Ok(wall.strftime("%Y%m%dT%H%M%SZ").to_string())
}

fn parse_basic_date(s: &str) -> Option<Date> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Date::new(s[0..4].parse().ok()?, s[4..6].parse().ok()?, s[6..8].parse().ok()?).ok()
}

fn parse_basic_datetime(s: &str) -> Option<DateTime> {
    let (d, t) = s.split_once(['T', 't'])?;
    let date = parse_basic_date(d)?;
    if t.len() != 6 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let time = jiff::civil::Time::new(t[0..2].parse().ok()?, t[2..4].parse().ok()?, t[4..6].parse().ok()?, 0).ok()?;
    Some(date.to_datetime(time))
}

/// The zone's abbreviation at an instant, e.g. "PST".
pub fn abbreviation(z: &ZonedDateTime) -> String {
    z.strftime("%Z").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn parses_the_three_forms() {
        assert_eq!(parse_moment("2026-12-03 14:00"), Ok(Moment::Local(date(2026, 12, 3).at(14, 0, 0, 0))));
        assert_eq!(parse_moment("2026-12-03"), Ok(Moment::Date(date(2026, 12, 3))));
        let Moment::Instant(ts) = parse_moment("2026-12-03T14:00:00-08:00").unwrap() else { panic!() };
        assert_eq!(ts.to_string(), "2026-12-03T22:00:00Z");
        assert!(parse_moment("3 Dec 2026").is_err());
        assert!(parse_moment("2026-13-03").is_err());
    }

    #[test]
    fn parses_durations() {
        assert_eq!(parse_duration("1h30m"), Ok(SignedDuration::from_mins(90)));
        assert_eq!(parse_duration("90m"), Ok(SignedDuration::from_mins(90)));
        assert_eq!(parse_duration("2h"), Ok(SignedDuration::from_hours(2)));
        assert!(parse_duration("two hours").is_err());
        assert!(parse_duration("90").is_err());
        assert!(parse_duration("0m").is_err());
    }

    #[test]
    fn suggests_zones() {
        assert!(zone_by_name("America/Los_Angeles").is_ok());
        let hint = zone_by_name("America/Los_Angles").unwrap_err();
        assert!(hint.contains("America/Los_Angeles"), "{hint}");
    }

    #[test]
    fn weekly_keeps_wall_time_across_dst() {
        let tz = zone_by_name("America/Los_Angeles").unwrap();
        let start = date(2027, 3, 4).at(14, 0, 0, 0);
        let occ = expand("FREQ=WEEKLY;COUNT=3", &tz, start, date(2028, 1, 1).at(0, 0, 0, 0), 100).unwrap();
        assert_eq!(occ.len(), 3);
        assert!(occ.iter().all(|d| d.hour() == 14));
        let z: Vec<_> = occ.iter().map(|d| place(&tz, *d).unwrap().0.offset().seconds() / 3600).collect();
        assert_eq!(z, vec![-8, -8, -7]);
    }

    #[test]
    fn until_in_utc_is_respected() {
        let tz = zone_by_name("America/Los_Angeles").unwrap();
        let start = date(2027, 1, 5).at(10, 0, 0, 0);
        let occ =
            expand("FREQ=MONTHLY;BYDAY=1TU;UNTIL=20270601T000000Z", &tz, start, date(2030, 1, 1).at(0, 0, 0, 0), 100)
                .unwrap();
        assert_eq!(occ.len(), 5, "{occ:?}");
        assert_eq!(occ[1], date(2027, 2, 2).at(10, 0, 0, 0));
    }

    #[test]
    fn gaps_and_folds() {
        let tz = zone_by_name("America/Los_Angeles").unwrap();
        assert!(place(&tz, date(2027, 3, 14).at(2, 30, 0, 0)).is_err());
        let (_, note) = place(&tz, date(2026, 11, 1).at(1, 30, 0, 0)).unwrap();
        assert!(note.unwrap().contains("earlier"));
    }

    #[test]
    fn bad_rules_are_errors() {
        let tz = TimeZone::UTC;
        let s = date(2027, 1, 1).at(0, 0, 0, 0);
        assert!(expand("FREQ=SOMETIMES", &tz, s, s, 10).is_err());
        assert!(expand("COUNT=3", &tz, s, s, 10).is_err());
    }
}
