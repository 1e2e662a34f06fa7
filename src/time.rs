//! Times of meetings: the forms authors write (`"2026-12-03 14:00"`, `"2026-12-03"`, RFC 3339),
//! durations (`"1h30m"`), IANA zones (via jiff's bundled database, so every machine agrees),
//! and the expansion of `repeat` rules into occurrences.
//!
//! Series are expanded on *wall-clock* time: the rule runs over local date-times as if they
//! were UTC, and each occurrence is then placed in the meeting's zone. That is what RFC 5545
//! asks for a DTSTART with a TZID, and it keeps a 14:00 weekly meeting at 14:00 across DST.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
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
    const RANGE: &str = "it looks like a range; write the start alone and the end in `end` (or give a `duration`)";
    let t = text.trim();
    if let Some(c) = t.chars().find(|c| !c.is_ascii() || c.is_ascii_control()) {
        return Err(if matches!(c, '\u{2012}'..='\u{2015}' | '\u{2212}') {
            format!("{t:?} is not a date or time: {RANGE}")
        } else {
            format!("{t:?} is not a date or time: {c:?} cannot be part of one")
        });
    }
    if let Some(why) = year_problem(t) {
        return Err(format!("{t:?} is not a date or time: {why}"));
    }
    let bad = || {
        if t.contains(" - ") {
            format!("{t:?} is not a date or time: {RANGE}")
        } else {
            format!("{t:?} is not a date or time")
        }
    };
    // ASCII from here on, so byte positions are character positions.
    let after = |i: usize| t.get(i..).unwrap_or("");
    if t.len() == 10 {
        return t.parse::<Date>().map(Moment::Date).map_err(|_| bad());
    }
    let has_offset = t.len() > 19 && (t.ends_with('Z') || t.ends_with('z') || after(19).contains(['+', '-']))
        || (t.len() > 16 && (t.ends_with('Z') || after(16).contains(['+', '-'])));
    if has_offset {
        return t.parse::<Timestamp>().map(Moment::Instant).map_err(|_| bad());
    }
    let normalized = t.replacen(' ', "T", 1);
    normalized.parse::<DateTime>().map(Moment::Local).map_err(|_| bad())
}

/// Why the year of a date as written is not one moot takes, if it is not: four digits,
/// 0001 to 9999, no sign (what RFC 3339, Atom and iCalendar can write). Only for text that
/// starts like a date with a year moot does not take (`-100-01-01`, `+10000-01-01`,
/// `10000-01-01`, `0000-01-01`); other text is for the parser to refuse.
pub fn year_problem(text: &str) -> Option<&'static str> {
    let t = text.trim();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let signed = t.starts_with(['+', '-']) && t[1..].starts_with(|c: char| c.is_ascii_digit());
    let other_length = digits > 0 && digits != 4 && t.as_bytes().get(digits) == Some(&b'-');
    (signed || other_length || t.starts_with("0000-")).then_some("the year must have four digits, from 0001 to 9999")
}

/// Parses `"2h"`, `"90m"`, `"1h30m"`, `"1d"` (days, for all-day events), `"45min"`.
pub fn parse_duration(text: &str) -> Result<SignedDuration, String> {
    let t = text.trim().to_ascii_lowercase().replace(' ', "");
    let bad = |why: &str| format!("duration {text:?} is not understood: {why}");
    let too_long = || bad("it is longer than 366 days");
    if t.is_empty() {
        return Err(bad("it is empty"));
    }
    let mut total: i64 = 0;
    let mut num = String::new();
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        if matches!(c, '.' | ',') {
            return Err(bad("write whole numbers, e.g. \"1h30m\" rather than \"1.5h\""));
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
        if num.is_empty() {
            return Err(bad("each unit needs a number in digits before it"));
        }
        let secs = match unit.as_str() {
            "d" | "day" | "days" => 86_400,
            "h" | "hr" | "hrs" | "hour" | "hours" => 3_600,
            "m" | "min" | "mins" | "minute" | "minutes" => 60,
            _ => return Err(bad(&format!("{unit:?} is not a unit; use d, h or m (or days, hours, minutes)"))),
        };
        let n: i64 = num.parse().map_err(|_| too_long())?;
        num.clear();
        total = total.checked_add(n.checked_mul(secs).ok_or_else(too_long)?).ok_or_else(too_long)?;
    }
    if !num.is_empty() {
        return Err(bad(&format!("{num:?} has no unit; write e.g. \"{num}m\" or \"{num}h\"")));
    }
    if total <= 0 {
        return Err(bad("it must be longer than zero"));
    }
    if total > 366 * 86_400 {
        return Err(too_long());
    }
    Ok(SignedDuration::from_secs(total))
}

/// The time-zone database compiled into moot, so that every machine builds the same times
/// (and no build starts by listing /usr/share/zoneinfo, as jiff's global database does).
fn zones() -> &'static jiff::tz::TimeZoneDatabase {
    static DB: std::sync::OnceLock<jiff::tz::TimeZoneDatabase> = std::sync::OnceLock::new();
    DB.get_or_init(jiff::tz::TimeZoneDatabase::bundled)
}

/// Common time-zone abbreviations and the IANA zones they usually mean (the first is the
/// most likely), for the hint when `timezone` is one of them.
const ABBREVIATIONS: &[(&str, &[&str])] = &[
    ("PST", &["America/Los_Angeles"]),
    ("PDT", &["America/Los_Angeles"]),
    ("PT", &["America/Los_Angeles"]),
    ("MDT", &["America/Denver"]),
    ("MT", &["America/Denver", "America/Phoenix"]),
    ("CST", &["America/Chicago", "Asia/Shanghai"]),
    ("CDT", &["America/Chicago"]),
    ("CT", &["America/Chicago"]),
    ("EDT", &["America/New_York"]),
    ("ET", &["America/New_York"]),
    ("AKST", &["America/Anchorage"]),
    ("AKDT", &["America/Anchorage"]),
    ("AST", &["America/Halifax", "America/Puerto_Rico"]),
    ("ADT", &["America/Halifax"]),
    ("NST", &["America/St_Johns"]),
    ("NDT", &["America/St_Johns"]),
    ("BST", &["Europe/London"]),
    ("IST", &["Asia/Kolkata", "Europe/Dublin"]),
    ("CEST", &["Europe/Paris", "Europe/Berlin"]),
    ("EEST", &["Europe/Athens", "Europe/Helsinki"]),
    ("WEST", &["Europe/Lisbon"]),
    ("MSK", &["Europe/Moscow"]),
    ("SAST", &["Africa/Johannesburg"]),
    ("JST", &["Asia/Tokyo"]),
    ("KST", &["Asia/Seoul"]),
    ("SGT", &["Asia/Singapore"]),
    ("HKT", &["Asia/Hong_Kong"]),
    ("AEST", &["Australia/Sydney", "Australia/Brisbane"]),
    ("AEDT", &["Australia/Sydney"]),
    ("ACST", &["Australia/Adelaide", "Australia/Darwin"]),
    ("ACDT", &["Australia/Adelaide"]),
    ("AWST", &["Australia/Perth"]),
    ("NZST", &["Pacific/Auckland"]),
    ("NZDT", &["Pacific/Auckland"]),
];

/// Looks up an IANA zone; the error is a hint naming the nearest real names (for an
/// abbreviation such as PST, the zones it usually means).
pub fn zone_by_name(name: &str) -> Result<TimeZone, String> {
    if let Ok(tz) = zones().get(name) {
        return Ok(tz);
    }
    let upper = name.trim().to_ascii_uppercase();
    if let Some((abbr, meant)) = ABBREVIATIONS.iter().find(|(a, _)| *a == upper) {
        let names: Vec<String> = meant.iter().map(|n| format!("\"{n}\"")).collect();
        return Err(format!(
            "{abbr} is an abbreviation, not a zone (it does not say when the clocks change); write the zone it \
             means, usually {}",
            names.join(" or ")
        ));
    }
    let names: Vec<String> = zones().available().map(|n| n.to_string()).collect();
    let near = crate::diag::closest(name, names.iter().map(String::as_str));
    if near.is_empty() {
        Err("use an IANA name such as \"America/Los_Angeles\", \"Europe/London\" or \"UTC\"".to_string())
    } else {
        Err(format!("did you mean {}?", near.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(" or ")))
    }
}

/// What [`place`] says about a wall time that does not name one instant: the message, and
/// what the author can write instead.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceNote {
    pub message: String,
    pub hint: &'static str,
}

/// Places a wall time in a zone as RFC 5545 (3.3.5) reads a local time with a TZID: a time
/// inside a DST gap moves forward by the gap (02:30 on spring-forward day is 03:30 new
/// time), a time inside a fold (it happens twice) is the earlier one. Either way the note
/// says so. Only a time outside the years moot can place is an error.
pub fn place(tz: &TimeZone, wall: DateTime) -> Result<(ZonedDateTime, Option<PlaceNote>), String> {
    let zone = tz.iana_name().unwrap_or("this zone");
    let amb = tz.to_ambiguous_zoned_datetime(wall);
    let outside = || format!("{wall} in {zone} is outside the times moot can place (years 0001 to 9999 in UTC)");
    let note = match amb.offset() {
        jiff::tz::AmbiguousOffset::Unambiguous { .. } => None,
        jiff::tz::AmbiguousOffset::Gap { .. } => Some(false),
        jiff::tz::AmbiguousOffset::Fold { .. } => Some(true),
    };
    let z = amb.compatible().map_err(|_| outside())?;
    let note = note.map(|fold| {
        let hm = z.strftime("%H:%M");
        let abbr = abbreviation(&z);
        if fold {
            PlaceNote {
                message: format!(
                    "{wall} happens twice in {zone} (clocks go back); the first one, {hm} {abbr} ({}), was chosen",
                    z.offset()
                ),
                hint: "write the time with its offset to choose the second one, e.g. 2027-11-07T01:30:00-08:00",
            }
        } else {
            PlaceNote {
                message: format!(
                    "{wall} does not exist in {zone} (clocks go forward at that hour); it is taken as {hm} {abbr}, \
                     as calendar programs take it"
                ),
                hint: "write the time that is meant, e.g. the hour after",
            }
        }
    });
    Ok((z, note))
}

/// Wall time of a date at midnight in a zone, shifting forward through a gap.
pub fn start_of_day(tz: &TimeZone, date: Date) -> ZonedDateTime {
    tz.to_ambiguous_zoned_datetime(date.to_datetime(jiff::civil::Time::midnight()))
        .compatible()
        .unwrap_or_else(|_| Timestamp::UNIX_EPOCH.to_zoned_datetime(tz.clone()))
}

/// Expands an RRULE over wall-clock time. Returns the start wall times of every occurrence
/// up to `horizon` (inclusive: the rrule crate's `before` keeps one that falls on it) and at
/// most `max` of them. The rule was checked by [`check_rule`] when it was read; here it is
/// only rewritten to wall time and handed to the rrule crate.
pub fn expand(
    rule: &Rule,
    tz: &TimeZone,
    start: DateTime,
    horizon: DateTime,
    max: u16,
) -> Result<Vec<DateTime>, String> {
    use chrono::{NaiveDate, TimeZone as _};
    let rule = normalize_rule(rule, tz, start)?;
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

/// The parts of a `repeat` rule that moot knows (RFC 5545, section 3.3.10).
pub const RULE_PARTS: [&str; 14] = [
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "BYDAY",
    "BYMONTHDAY",
    "BYMONTH",
    "BYSETPOS",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYHOUR",
    "BYMINUTE",
    "BYSECOND",
    "WKST",
];

/// The values of `FREQ`.
pub const FREQUENCIES: [&str; 7] = ["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"];

/// The days of `BYDAY` and `WKST`.
pub const DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/// The largest `COUNT` and `INTERVAL` a rule may have.
pub const MAX_COUNT: i64 = 10_000;
pub const MAX_INTERVAL: i64 = 1_000;

const DAY_FORMS: &str = "write MO, TU, WE, TH, FR, SA or SU, optionally with a number (1TU, -1FR)";
const UNTIL_FORMS: &str = "write 8 digits for the last day (20270601) or a UTC time (20270601T000000Z), with no spaces";

/// A `repeat` rule that moot has checked: its parts FREQ first, the rest in the order written, each name one of
/// [`RULE_PARTS`] and each value in upper case. Only ASCII, without spaces or control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Rule {
    pub parts: Vec<(&'static str, String)>,
}

impl Rule {
    /// The value of a part, if the rule has it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.parts.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str())
    }

    /// Whether the series has no end (neither COUNT nor UNTIL).
    pub fn open_ended(&self) -> bool {
        self.get("COUNT").is_none() && self.get("UNTIL").is_none()
    }

    /// The rule as text: `NAME=VALUE` parts in their order (FREQ first, see [`check_rule`]), joined by `;` (no `RRULE:`
    /// in front, no spaces), the value of UNTIL as `until` rewrites it. The one writer of
    /// rules: for the rrule crate ([`expand`]), the calendar feeds and [`Display`].
    ///
    /// [`Display`]: std::fmt::Display
    pub fn write_with<E>(&self, mut until: impl FnMut(&str) -> Result<String, E>) -> Result<String, E> {
        let mut out = String::with_capacity(64);
        for (i, (key, value)) in self.parts.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            out.push_str(key);
            out.push('=');
            if *key == "UNTIL" {
                out.push_str(&until(value)?);
            } else {
                out.push_str(value);
            }
        }
        Ok(out)
    }
}

/// The rule as moot read it: parts upper case, FREQ first, the rest in the order written
/// (see [`Rule::write_with`]).
impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = self.write_with(|v| Ok::<_, std::convert::Infallible>(v.to_string()));
        f.write_str(&text.unwrap_or_else(|never| match never {}))
    }
}

/// Checks a `repeat` rule before the rrule crate sees it (it panics on some text, e.g. a
/// BYDAY that is not ASCII, and lets line breaks through into the calendar feeds). The rule
/// is `NAME=VALUE` parts separated by `;`, names and values in any case, an optional
/// `RRULE:` in front, spaces allowed around the `;` only. The error says which part is wrong
/// and what to write.
pub fn check_rule(text: &str) -> Result<Rule, String> {
    if let Some(c) = text.chars().find(|c| c.is_control()) {
        let part = text.split(';').find(|p| p.contains(c)).unwrap_or(text).trim_matches(' ');
        let what = match c {
            '\n' | '\r' => "a line break",
            '\t' => "a tab",
            _ => "a control character",
        };
        return Err(format!(
            "{part:?} holds {what} ({c:?}); write the whole rule on one line, its parts separated by \";\""
        ));
    }
    let body = text.trim_matches(' ').trim_start_matches("RRULE:");
    let mut parts: Vec<(&'static str, String)> = Vec::new();
    for part in body.split(';').map(|p| p.trim_matches(' ')).filter(|p| !p.is_empty()) {
        let Some((name, value)) = part.split_once('=') else {
            return Err(format!("{part:?} is not NAME=VALUE, e.g. FREQ=WEEKLY"));
        };
        if name.ends_with(' ') || value.starts_with(' ') {
            return Err(format!(
                "{part:?} has a space around \"=\"; write {}={}",
                name.trim_matches(' '),
                value.trim_matches(' ')
            ));
        }
        let upper = name.to_ascii_uppercase();
        let Some(key) = RULE_PARTS.iter().copied().find(|k| *k == upper) else {
            return Err(unknown_part(name, &upper));
        };
        if parts.iter().any(|(k, _)| *k == key) {
            return Err(format!("{key} is given twice; keep one"));
        }
        let value = value.to_ascii_uppercase();
        check_part(key, &value)?;
        parts.push((key, value));
    }
    if parts.is_empty() {
        return Err("the rule is empty".into());
    }
    // FREQ first (some readers want it there), the rest in the order written.
    parts.sort_by_key(|(k, _)| *k != "FREQ");
    let rule = Rule { parts };
    let Some(freq) = rule.get("FREQ") else {
        return Err("FREQ is missing (e.g. FREQ=WEEKLY)".into());
    };
    if rule.get("COUNT").is_some() && rule.get("UNTIL").is_some() {
        return Err("COUNT and UNTIL are both given, which RFC 5545 does not allow; keep COUNT (how many times) \
                    or UNTIL (the last day)"
            .into());
    }
    // What the rrule crate would refuse too, said in moot's words.
    if rule.get("BYWEEKNO").is_some() && freq != "YEARLY" {
        return Err(format!("BYWEEKNO does not work with FREQ={freq}; use it with FREQ=YEARLY"));
    }
    if rule.get("BYYEARDAY").is_some() && matches!(freq, "DAILY" | "WEEKLY" | "MONTHLY") {
        return Err(format!("BYYEARDAY does not work with FREQ={freq}; use it with FREQ=YEARLY"));
    }
    if rule.get("BYMONTHDAY").is_some() && freq == "WEEKLY" {
        return Err("BYMONTHDAY does not work with FREQ=WEEKLY; use FREQ=MONTHLY or FREQ=YEARLY".into());
    }
    if rule.get("BYSETPOS").is_some() && !rule.parts.iter().any(|(k, _)| k.starts_with("BY") && *k != "BYSETPOS") {
        return Err("BYSETPOS picks among the days of another BY part, and there is none; e.g. \
                    FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1 is the last weekday of each month"
            .into());
    }
    debug_assert!(rule.parts.iter().all(|(_, v)| v.bytes().all(|b| b.is_ascii_graphic())));
    Ok(rule)
}

/// The error for a part name moot does not know.
fn unknown_part(name: &str, upper: &str) -> String {
    match upper {
        "DTSTART" | "TZID" => {
            format!("{upper} is not allowed in `repeat`; the meeting's `start` is the first occurrence")
        }
        "BYWEEKDAY" => "BYWEEKDAY is not part of RFC 5545; write BYDAY".into(),
        _ if upper.starts_with("RRULE:") => {
            format!("{name:?} starts with a lower-case \"rrule:\"; write RRULE: in capitals, or leave it out")
        }
        "" => "a part has no name before \"=\"; write NAME=VALUE, e.g. FREQ=WEEKLY".into(),
        _ => match crate::diag::closest(upper, RULE_PARTS.iter().copied()).as_slice() {
            [] => format!("{name:?} is not a part of a rule; use {}", RULE_PARTS.join(", ")),
            near => format!("{name:?} is not a part of a rule; did you mean {}?", near.join(" or ")),
        },
    }
}

/// Checks the value of one part (already in upper case).
fn check_part(key: &'static str, value: &str) -> Result<(), String> {
    match key {
        "FREQ" => match FREQUENCIES.contains(&value) {
            true => Ok(()),
            false => Err(format!(
                "FREQ value {value:?} is not a frequency; write DAILY, WEEKLY, MONTHLY or YEARLY \
                 (or HOURLY, MINUTELY, SECONDLY)"
            )),
        },
        "INTERVAL" => numbers(key, value, "an interval", (1, MAX_INTERVAL), false, false),
        "COUNT" => numbers(key, value, "a number of times", (1, MAX_COUNT), false, false),
        "UNTIL" => match parse_until(value) {
            Some(_) => Ok(()),
            None if value.is_empty() => Err(format!("UNTIL has no value; {UNTIL_FORMS}")),
            None => Err(format!("UNTIL value {value:?} is not a date or UTC time; {UNTIL_FORMS}")),
        },
        "BYDAY" => {
            if value.is_empty() {
                return Err(format!("BYDAY has no value; {DAY_FORMS}, separated by commas"));
            }
            for item in value.split(',') {
                match weekday(item) {
                    Some(true) => {}
                    Some(false) => {
                        return Err(format!(
                            "BYDAY value {item:?} has a number out of range; before the day write a number \
                             from 1 to 53, or from -1 to -53 counting from the end (1TU, -1FR)"
                        ))
                    }
                    None if item.is_empty() => {
                        return Err(format!(
                            "BYDAY value {value:?} has an empty item; {DAY_FORMS}, separated by commas"
                        ))
                    }
                    None => return Err(format!("BYDAY value {item:?} is not a day; {DAY_FORMS}")),
                }
            }
            Ok(())
        }
        "WKST" => match DAYS.contains(&value) {
            true => Ok(()),
            false => Err(format!("WKST value {value:?} is not a day; write MO, TU, WE, TH, FR, SA or SU")),
        },
        "BYMONTHDAY" => numbers(key, value, "a day of the month", (1, 31), true, true),
        "BYMONTH" => numbers(key, value, "a month", (1, 12), false, true),
        "BYSETPOS" => numbers(key, value, "a position in the set", (1, 366), true, true),
        "BYYEARDAY" => numbers(key, value, "a day of the year", (1, 366), true, true),
        "BYWEEKNO" => numbers(key, value, "a week of the year", (1, 53), true, true),
        "BYHOUR" => numbers(key, value, "an hour", (0, 23), false, true),
        "BYMINUTE" => numbers(key, value, "a minute", (0, 59), false, true),
        _ => numbers(key, value, "a second", (0, 59), false, true),
    }
}

/// Checks whole numbers in `lo..=hi` (and, if `signed`, in `-hi..=-lo`: counting from the
/// end), one or (if `list`) several separated by commas.
fn numbers(key: &str, value: &str, what: &str, (lo, hi): (i64, i64), signed: bool, list: bool) -> Result<(), String> {
    let mut allowed = match (signed, list) {
        (false, false) => format!("write a whole number from {lo} to {hi}"),
        (false, true) => format!("write whole numbers from {lo} to {hi}"),
        (true, _) => format!("write whole numbers from {lo} to {hi}, or from -{lo} to -{hi} counting from the end"),
    };
    if list {
        allowed.push_str(", separated by commas");
    }
    if value.is_empty() {
        return Err(format!("{key} has no value; {allowed}"));
    }
    let items: Vec<&str> = if list { value.split(',').collect() } else { vec![value] };
    for item in items {
        let ok = whole(item).is_some_and(|n| (lo..=hi).contains(&n) || (signed && (-hi..=-lo).contains(&n)));
        if !ok {
            return Err(if item.is_empty() {
                format!("{key} value {value:?} has an empty item; {allowed}")
            } else {
                format!("{key} value {item:?} is not {what}; {allowed}")
            });
        }
    }
    Ok(())
}

/// A whole number in ASCII digits with an optional sign (saturating, so any length is safe).
fn whole(s: &str) -> Option<i64> {
    let (negative, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = digits.bytes().fold(0i64, |n, b| n.saturating_mul(10).saturating_add(i64::from(b - b'0')));
    Some(if negative { -n } else { n })
}

/// One item of BYDAY: `None` if it is not `[+-]N?DAY` at all, `Some(false)` if its number is
/// out of range.
fn weekday(item: &str) -> Option<bool> {
    let nth = DAYS.iter().find_map(|d| item.strip_suffix(d))?;
    if nth.is_empty() {
        return Some(true);
    }
    let n = whole(nth)?;
    Some((1..=53).contains(&n.abs()))
}

/// The rule's text for the rrule crate, UNTIL rewritten to wall-clock time (the expansion
/// runs on wall time; see the module docs).
fn normalize_rule(rule: &Rule, tz: &TimeZone, start: DateTime) -> Result<String, String> {
    rule.write_with(|value| {
        let until = until_as_wall(value, tz)?;
        if until < start {
            return Err(format!(
                "UNTIL={value} is before the first meeting ({start}); write a later day, or leave UNTIL out"
            ));
        }
        Ok(until.strftime("%Y%m%dT%H%M%SZ").to_string())
    })
}

/// An UNTIL value: a date (the whole of that day counts), or a date and time, in UTC if it
/// ends in `Z`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Until {
    Date(Date),
    Wall(DateTime),
    Utc(DateTime),
}

fn parse_until(value: &str) -> Option<Until> {
    if let Some(utc) = value.strip_suffix(['Z', 'z']) {
        return parse_basic_datetime(utc).map(Until::Utc);
    }
    match parse_basic_date(value) {
        Some(d) => Some(Until::Date(d)),
        None => parse_basic_datetime(value).map(Until::Wall),
    }
}

/// An UNTIL value as wall time in `tz`.
fn until_as_wall(value: &str, tz: &TimeZone) -> Result<DateTime, String> {
    let bad = || format!("UNTIL={value} is not a date (20270601) or UTC time (20270601T000000Z)");
    let wall = match parse_until(value).ok_or_else(bad)? {
        Until::Utc(dt) => {
            let ts = dt.to_zoned_datetime(TimeZone::UTC).map_err(|_| bad())?.timestamp();
            ts.to_zoned_datetime(tz.clone()).datetime()
        }
        Until::Date(d) => d.to_datetime(jiff::civil::time(23, 59, 59, 0)),
        Until::Wall(dt) => dt,
    };
    Ok(wall)
}

/// The value of a run of exactly `n` ASCII digits.
fn digits(s: &str, n: usize) -> Option<i32> {
    let mut value = 0i32;
    let mut count = 0;
    for c in s.chars() {
        value = value * 10 + i32::try_from(c.to_digit(10)?).ok()?;
        count += 1;
        if count > n {
            return None;
        }
    }
    (count == n).then_some(value)
}

/// `20270601`, by characters.
fn parse_basic_date(s: &str) -> Option<Date> {
    let n = digits(s, 8)?;
    Date::new(i16::try_from(n / 10_000).ok()?, (n / 100 % 100) as i8, (n % 100) as i8).ok()
}

/// `20270601T093000`, by characters.
fn parse_basic_datetime(s: &str) -> Option<DateTime> {
    let (d, t) = s.split_once(['T', 't'])?;
    let date = parse_basic_date(d)?;
    let n = digits(t, 6)?;
    let time = jiff::civil::Time::new((n / 10_000) as i8, (n / 100 % 100) as i8, (n % 100) as i8, 0).ok()?;
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

    /// A rule that must pass [`check_rule`].
    fn rule(text: &str) -> Rule {
        check_rule(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

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
        let occ = expand(&rule("FREQ=WEEKLY;COUNT=3"), &tz, start, date(2028, 1, 1).at(0, 0, 0, 0), 100).unwrap();
        assert_eq!(occ.len(), 3);
        assert!(occ.iter().all(|d| d.hour() == 14));
        let z: Vec<_> = occ.iter().map(|d| place(&tz, *d).unwrap().0.offset().seconds() / 3600).collect();
        assert_eq!(z, vec![-8, -8, -7]);
    }

    #[test]
    fn until_in_utc_is_respected() {
        let tz = zone_by_name("America/Los_Angeles").unwrap();
        let start = date(2027, 1, 5).at(10, 0, 0, 0);
        let occ = expand(
            &rule("FREQ=MONTHLY;BYDAY=1TU;UNTIL=20270601T000000Z"),
            &tz,
            start,
            date(2030, 1, 1).at(0, 0, 0, 0),
            100,
        )
        .unwrap();
        assert_eq!(occ.len(), 5, "{occ:?}");
        assert_eq!(occ[1], date(2027, 2, 2).at(10, 0, 0, 0));
    }

    #[test]
    fn gaps_and_folds() {
        let tz = zone_by_name("America/Los_Angeles").unwrap();
        // RFC 5545 3.3.5: a time in a gap moves forward by the gap, a time in a fold is the first.
        let (z, note) = place(&tz, date(2027, 3, 14).at(2, 30, 0, 0)).unwrap();
        assert_eq!(z.to_string(), "2027-03-14T03:30:00-07:00[America/Los_Angeles]");
        assert_eq!(
            note.unwrap().message,
            "2027-03-14T02:30:00 does not exist in America/Los_Angeles (clocks go forward at that hour); \
             it is taken as 03:30 PDT, as calendar programs take it"
        );
        let (z, note) = place(&tz, date(2026, 11, 1).at(1, 30, 0, 0)).unwrap();
        assert_eq!(z.to_string(), "2026-11-01T01:30:00-07:00[America/Los_Angeles]");
        assert_eq!(
            note.unwrap().message,
            "2026-11-01T01:30:00 happens twice in America/Los_Angeles (clocks go back); the first one, 01:30 PDT (-07), \
             was chosen"
        );
    }

    #[test]
    fn a_rule_is_kept_freq_first() {
        let rule = check_rule("INTERVAL=2;FREQ=WEEKLY;COUNT=3").unwrap();
        assert_eq!(rule.to_string(), "FREQ=WEEKLY;INTERVAL=2;COUNT=3");
        assert_eq!(check_rule(&rule.to_string()), Ok(rule));
    }

    #[test]
    fn bad_rules_are_errors() {
        assert!(check_rule("FREQ=SOMETIMES").is_err());
        assert!(check_rule("COUNT=3").is_err());
    }

    #[test]
    fn text_that_made_parse_moment_panic_is_an_error() {
        let e = parse_moment("2026-12-03 14:00 – 16:00").unwrap_err();
        assert!(e.contains("looks like a range"), "{e}");
        let e = parse_moment("2026-12-03 14:00 - 16:00").unwrap_err();
        assert!(e.contains("looks like a range"), "{e}");
        let e = parse_moment("2026-12-03 14:00:0é").unwrap_err();
        assert_eq!(e, "\"2026-12-03 14:00:0é\" is not a date or time: 'é' cannot be part of one");
        assert!(parse_moment("2026-12-03 14:00:00\u{0}").is_err());
        assert!(parse_moment("日日日日日日日日日日日日日日日日日日日日").is_err());
    }

    #[test]
    fn durations_say_what_is_wrong() {
        assert_eq!(parse_duration("2 hours"), Ok(SignedDuration::from_hours(2)));
        assert_eq!(parse_duration(" 1 H 30 Min "), Ok(SignedDuration::from_mins(90)));
        let why = |t: &str| parse_duration(t).unwrap_err();
        assert_eq!(
            why("two hours"),
            "duration \"two hours\" is not understood: each unit needs a number in digits before it"
        );
        assert_eq!(why("90"), "duration \"90\" is not understood: \"90\" has no unit; write e.g. \"90m\" or \"90h\"");
        assert!(why("1.5h").contains("whole numbers"));
        assert!(why("2 weeks").contains("\"weeks\" is not a unit"));
        assert!(why("0m").contains("longer than zero"));
        assert!(why("367d").contains("longer than 366 days"));
        assert!(why("99999999999999999999h").contains("longer than 366 days"));
        assert!(why("").contains("empty"));
    }

    #[test]
    fn rules_that_made_rrule_panic_are_errors() {
        for rule in
            ["FREQ=WEEKLY;BYDAY=日", "FREQ=WEEKLY;BYDAY=1日", "FREQ=WEEKLY;WKST=日", "FREQ=WEEKLY;UNTIL=2027é101"]
        {
            assert!(check_rule(rule).is_err(), "{rule}");
        }
    }

    #[test]
    fn rule_errors_name_the_part_and_what_to_write() {
        let why = |r: &str| check_rule(r).unwrap_err();
        assert_eq!(
            why("FREQ=WEEKLY;BYDAY=日"),
            "BYDAY value \"日\" is not a day; write MO, TU, WE, TH, FR, SA or SU, optionally with a number (1TU, -1FR)"
        );
        assert_eq!(
            why("FREQ=WEEKLY;BYDAY=MO,\nX-INJECTED TU"),
            "\"BYDAY=MO,\\nX-INJECTED TU\" holds a line break ('\\n'); write the whole rule on one line, its parts \
             separated by \";\""
        );
        assert!(why("FREQ=WEEKLY;COUNT=3\r").contains("line break"));
        assert!(why("FREQ=WEEKLY;\tCOUNT=3").contains("a tab"));
        assert!(why("FREQ=WEEKLY;COUNT=3\u{0}").contains("a control character"));
        assert_eq!(
            why("FREQ=WEEKLY;UNTIL= 20270101"),
            "\"UNTIL= 20270101\" has a space around \"=\"; write UNTIL=20270101"
        );
        assert_eq!(
            why("FREQ=WEEKLY;UNTIL=2027 0101"),
            "UNTIL value \"2027 0101\" is not a date or UTC time; write 8 digits for the last day (20270601) or a UTC \
             time (20270601T000000Z), with no spaces"
        );
        assert!(why("FREQ=WEEKLY;COUNT=3;UNTIL=20270101").starts_with("COUNT and UNTIL are both given"));
        assert_eq!(
            why("FREQ=YEARLY;BYMONTH=13"),
            "BYMONTH value \"13\" is not a month; write whole numbers from 1 to 12, separated by commas"
        );
        assert!(why("FREQ=MONTHLY;BYMONTHDAY=0").contains("from 1 to 31, or from -1 to -31 counting from the end"));
        assert!(why("FREQ=MONTHLY;BYMONTHDAY=1,,2").contains("has an empty item"));
        assert!(why("FREQ=MONTHLY;BYDAY=60MO").contains("number out of range"));
        assert!(why("FREQ=MONTHLY;BYDAY=").starts_with("BYDAY has no value"));
        assert!(why("FREQ=DAILY;INTERVAL=0").contains("from 1 to 1000"));
        assert!(why("FREQ=DAILY;COUNT=0").contains("from 1 to 10000"));
        assert!(why("FREQ=DAILY;BYHOUR=24").contains("from 0 to 23"));
        assert!(why("FREQ=DAILY;BYMINUTE=60").contains("from 0 to 59"));
        assert!(why("FREQ=DAILY;BYSECOND=-1").contains("from 0 to 59"));
        assert!(why("FREQ=YEARLY;BYSETPOS=367;BYMONTH=1").contains("from 1 to 366"));
        assert!(why("FREQ=WEEKLY;WKST=XX").starts_with("WKST value \"XX\" is not a day"));
        assert!(why("FREQ=SOMETIMES").starts_with("FREQ value \"SOMETIMES\" is not a frequency"));
        assert_eq!(why("FREQ=WEEKLY;BYDAI=MO"), "\"BYDAI\" is not a part of a rule; did you mean BYDAY?");
        assert!(why("FREQ=WEEKLY;X-NAME=1").starts_with("\"X-NAME\" is not a part of a rule; use FREQ, INTERVAL"));
        assert_eq!(why("FREQ=WEEKLY;BYWEEKDAY=MO"), "BYWEEKDAY is not part of RFC 5545; write BYDAY");
        assert!(why("FREQ=WEEKLY;DTSTART=20270101").starts_with("DTSTART is not allowed"));
        assert_eq!(why("FREQ=WEEKLY;COUNT=2;count=3"), "COUNT is given twice; keep one");
        assert_eq!(why("COUNT=3"), "FREQ is missing (e.g. FREQ=WEEKLY)");
        assert_eq!(why(" ; "), "the rule is empty");
        assert!(why("FREQ").contains("is not NAME=VALUE"));
        assert!(why("FREQ=WEEKLY;BYWEEKNO=1").contains("FREQ=YEARLY"));
        assert!(why("FREQ=MONTHLY;BYYEARDAY=1").contains("FREQ=YEARLY"));
        assert!(why("FREQ=WEEKLY;BYMONTHDAY=1").contains("FREQ=MONTHLY"));
        assert!(why("FREQ=MONTHLY;BYSETPOS=1").starts_with("BYSETPOS picks among"));
        assert!(why("rrule:FREQ=WEEKLY").contains("capitals"));
    }

    #[test]
    fn rules_accepted_before_are_accepted() {
        for rule in [
            "FREQ=WEEKLY;COUNT=8",
            "FREQ=WEEKLY;BYDAY=TH",
            "FREQ=MONTHLY;BYDAY=1TU;UNTIL=20270601T000000Z",
            "RRULE:FREQ=WEEKLY;COUNT=3",
            "freq=weekly;byday=tu,th;count=6",
            " FREQ=WEEKLY; COUNT=6 ;",
            "FREQ=MONTHLY;BYDAY=+1MO,-1FR;UNTIL=20270601",
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;INTERVAL=2",
            "FREQ=YEARLY;BYMONTH=1,6;BYMONTHDAY=-1;WKST=SU",
            "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
            "FREQ=YEARLY;BYYEARDAY=100,-1",
            "FREQ=DAILY;BYHOUR=9;BYMINUTE=0,30;BYSECOND=0;COUNT=4",
            "FREQ=WEEKLY;UNTIL=20270601t093000z",
        ] {
            let rule = check_rule(rule).unwrap_or_else(|e| panic!("{rule}: {e}"));
            assert!(rule.get("FREQ").is_some());
        }
        let tz = zone_by_name("Europe/London").unwrap();
        let s = date(2027, 1, 4).at(9, 0, 0, 0);
        let occ =
            expand(&rule(" freq=weekly; byday=mo,we ; count=4"), &tz, s, date(2028, 1, 1).at(0, 0, 0, 0), 100).unwrap();
        assert_eq!(occ.len(), 4);
    }

    #[test]
    fn checked_rules_write_back_in_upper_case_in_the_order_written() {
        assert_eq!(rule(" freq=weekly; byday=tu,th ; count=6 ;").to_string(), "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=6");
        assert_eq!(
            rule("RRULE:FREQ=MONTHLY;UNTIL=20270601t093000z;BYDAY=+1MO").to_string(),
            "FREQ=MONTHLY;UNTIL=20270601T093000Z;BYDAY=+1MO"
        );
        let written = rule("FREQ=DAILY;UNTIL=20270601;INTERVAL=2").write_with(|v| Ok::<_, ()>(format!("<{v}>")));
        assert_eq!(written, Ok("FREQ=DAILY;UNTIL=<20270601>;INTERVAL=2".to_string()));
        assert!(rule("FREQ=DAILY").open_ended() && !rule("FREQ=DAILY;COUNT=2").open_ended());
        assert!(!rule("FREQ=DAILY;UNTIL=20270601").open_ended());
    }

    #[test]
    fn an_until_before_the_start_says_so() {
        let tz = zone_by_name("America/Los_Angeles").unwrap();
        let start = date(2027, 3, 4).at(14, 0, 0, 0);
        let e =
            expand(&rule("FREQ=WEEKLY;UNTIL=20270101"), &tz, start, date(2028, 1, 1).at(0, 0, 0, 0), 10).unwrap_err();
        assert_eq!(
            e,
            "UNTIL=20270101 is before the first meeting (2027-03-04T14:00:00); write a later day, or leave UNTIL out"
        );
        // The last day counts whole: a series may end on the day it starts.
        let occ = expand(&rule("FREQ=DAILY;UNTIL=20270304"), &tz, start, date(2028, 1, 1).at(0, 0, 0, 0), 10).unwrap();
        assert_eq!(occ, vec![start]);
    }

    #[test]
    fn basic_dates_are_read_by_characters() {
        assert_eq!(parse_basic_date("20270601"), Some(date(2027, 6, 1)));
        assert_eq!(parse_basic_date("2027060"), None);
        assert_eq!(parse_basic_date("202706011"), None);
        assert_eq!(parse_basic_date("2027 601"), None);
        assert_eq!(parse_basic_date("2027é601"), None);
        assert_eq!(parse_basic_date("20271301"), None);
        assert_eq!(parse_basic_date("٢٠٢٧٠٦٠١"), None, "Arabic-Indic digits are not ASCII digits");
        assert_eq!(parse_basic_datetime("20270601T093000"), Some(date(2027, 6, 1).at(9, 30, 0, 0)));
        assert_eq!(parse_basic_datetime("20270601T0930é"), None);
        assert_eq!(parse_basic_datetime("20270601T246000"), None);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    /// `s` with `c` put in at one of its character boundaries.
    fn insert(s: &str, at: prop::sample::Index, c: char) -> String {
        let mut chars: Vec<char> = s.chars().collect();
        chars.insert(at.index(chars.len() + 1), c);
        chars.into_iter().collect()
    }

    /// Characters that broke parsers, or could: non-ASCII, controls, separators.
    fn odd_char() -> impl Strategy<Value = char> {
        prop::sample::select(vec![
            'é', '–', '—', '日', '\u{0}', '\n', '\r', '\t', ' ', '\u{a0}', '\u{85}', '\u{3000}', '٣', '-', '+', ':',
            ';', ',', '=', 'Z', 'T', '0', '9',
        ])
    }

    fn moment_text() -> impl Strategy<Value = String> {
        "[0-9]{4}-[0-9]{2}-[0-9]{2}([ Tt][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?([Zz]|[+-][0-9]{2}(:[0-9]{2})?)?"
    }

    fn rule_part() -> impl Strategy<Value = String> {
        let key =
            prop::sample::select(RULE_PARTS.iter().copied().chain(["DTSTART", "BYWEEKDAY", "X"]).collect::<Vec<_>>());
        let value = prop_oneof![
            prop::sample::select(FREQUENCIES.to_vec()).prop_map(String::from),
            "[+-]?[0-9]{1,4}(,[+-]?[0-9]{1,3}){0,3}",
            "([+-]?[0-9]{0,2}(MO|TU|WE|TH|FR|SA|SU))(,[+-]?[0-9]{0,2}(MO|TU|WE|TH|FR|SA|SU)){0,2}",
            "[0-9]{8}(T[0-9]{6}Z?)?",
            "(20[0-9]{2})(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])(T[01][0-9][0-5][0-9][0-5][0-9]Z?)?",
            "\\PC{0,4}",
        ];
        (key, value, any::<bool>()).prop_map(|(k, v, lower)| {
            let part = format!("{k}={v}");
            if lower {
                part.to_lowercase()
            } else {
                part
            }
        })
    }

    fn list(items: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
        prop::collection::vec(items, 1..4).prop_map(|v| v.join(","))
    }

    fn num(range: std::ops::RangeInclusive<i64>) -> impl Strategy<Value = String> {
        range.prop_map(|n| n.to_string())
    }

    /// A part with a value of the right shape, in range most of the time and just out of it
    /// now and then.
    fn near_valid_part() -> impl Strategy<Value = (&'static str, String)> {
        let day = || prop::sample::select(DAYS.to_vec());
        prop_oneof![
            num(0..=1001).prop_map(|v| ("INTERVAL", v)),
            prop_oneof![num(1..=20), num(0..=10_001)].prop_map(|v| ("COUNT", v)),
            ((1890i16..2110, 1i8..=12, 1i8..=28), prop::option::of((0i8..24, 0i8..60, any::<bool>()))).prop_map(
                |((y, m, d), t)| {
                    let day = date(y, m, d).strftime("%Y%m%d").to_string();
                    (
                        "UNTIL",
                        match t {
                            Some((h, mi, z)) => format!("{day}T{h:02}{mi:02}00{}", if z { "Z" } else { "" }),
                            None => day,
                        },
                    )
                }
            ),
            list((prop::option::weighted(0.3, -60i64..=60), day()).prop_map(|(n, d)| match n {
                Some(n) => format!("{n}{d}"),
                None => d.to_string(),
            }))
            .prop_map(|v| ("BYDAY", v)),
            list(num(-32..=32)).prop_map(|v| ("BYMONTHDAY", v)),
            list(num(0..=13)).prop_map(|v| ("BYMONTH", v)),
            list(num(-367..=367)).prop_map(|v| ("BYSETPOS", v)),
            list(num(-367..=367)).prop_map(|v| ("BYYEARDAY", v)),
            list(num(-54..=54)).prop_map(|v| ("BYWEEKNO", v)),
            list(num(0..=24)).prop_map(|v| ("BYHOUR", v)),
            list(num(0..=60)).prop_map(|v| ("BYMINUTE", v)),
            list(num(0..=60)).prop_map(|v| ("BYSECOND", v)),
            day().prop_map(|d| ("WKST", d.to_string())),
        ]
    }

    /// Rules that are valid or nearly so: FREQ first most of the time, then parts (of the
    /// right shape, or anything), now and then in lower case or with an odd character put in.
    fn rule_text() -> impl Strategy<Value = String> {
        let part = prop_oneof![
            3 => near_valid_part().prop_map(|(k, v)| format!("{k}={v}")),
            1 => rule_part(),
        ];
        (
            prop::option::weighted(0.9, prop::sample::select(FREQUENCIES.to_vec())),
            prop::collection::vec(part, 0..4),
            prop::option::weighted(0.2, (any::<prop::sample::Index>(), odd_char())),
            prop::bool::weighted(0.2),
        )
            .prop_map(|(freq, parts, odd, lower)| {
                let mut all: Vec<String> = freq.map(|f| format!("FREQ={f}")).into_iter().collect();
                all.extend(parts);
                let rule = all.join(";");
                let rule = if lower { rule.to_lowercase() } else { rule };
                match odd {
                    Some((at, c)) => insert(&rule, at, c),
                    None => rule,
                }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn parse_moment_never_panics(text in any::<String>()) {
            let _ = parse_moment(&text);
        }

        #[test]
        fn parse_moment_never_panics_on_near_misses(t in moment_text(), at in any::<prop::sample::Index>(), c in odd_char()) {
            let _ = parse_moment(&t);
            let odd = insert(&t, at, c);
            let r = parse_moment(&odd);
            if !c.is_ascii() && !c.is_whitespace() {
                prop_assert!(r.is_err(), "{odd:?} -> {r:?}");
            }
        }

        #[test]
        fn accepted_moments_read_back_the_same(
            (y, mo, d) in (1i16..=9999, 1i8..=12, 1i8..=28),
            (h, mi, s) in (0i8..24, 0i8..60, 0i8..60),
            form in 0..4,
        ) {
            let wall = date(y, mo, d).at(h, mi, s, 0);
            let (text, expected) = match form {
                0 => (wall.date().to_string(), Moment::Date(wall.date())),
                1 => (wall.strftime("%Y-%m-%d %H:%M").to_string(), Moment::Local(wall.with().second(0).build().unwrap())),
                2 => (wall.strftime("%Y-%m-%d %H:%M:%S").to_string(), Moment::Local(wall)),
                _ => {
                    let ts = wall.to_zoned_datetime(TimeZone::UTC).unwrap().timestamp();
                    (ts.to_string(), Moment::Instant(ts))
                }
            };
            prop_assert_eq!(parse_moment(&text), Ok(expected));
            let padded = format!("  {}\n", text);
            prop_assert_eq!(parse_moment(&padded), Ok(expected));
        }

        #[test]
        fn parse_duration_never_panics_and_stays_in_range(text in prop_oneof![any::<String>(), "[0-9 ]{0,8}[a-zé ]{0,8}([0-9]{0,3}[dhm]){0,3}"]) {
            if let Ok(d) = parse_duration(&text) {
                prop_assert!(d.as_secs() > 0 && d.as_secs() <= 366 * 86_400, "{text:?} -> {d:?}");
            }
        }

        #[test]
        fn written_durations_read_back(d in 0i64..=366, h in 0i64..48, m in 0i64..200, spaced in any::<bool>(), upper in any::<bool>()) {
            let mut text = String::new();
            for (n, unit) in [(d, "d"), (h, "h"), (m, "min")] {
                if n > 0 {
                    text.push_str(&format!("{n}{}{unit}", if spaced { " " } else { "" }));
                }
            }
            if upper {
                text = text.to_uppercase();
            }
            let total = d * 86_400 + h * 3_600 + m * 60;
            let r = parse_duration(&text);
            if total > 0 && total <= 366 * 86_400 {
                prop_assert_eq!(r, Ok(SignedDuration::from_secs(total)));
            } else {
                prop_assert!(r.is_err());
            }
        }

        #[test]
        fn check_rule_never_panics(text in any::<String>()) {
            let _ = check_rule(&text);
        }

        #[test]
        fn accepted_rules_are_plain_ascii_and_read_back(text in rule_text()) {
            if let Ok(rule) = check_rule(&text) {
                prop_assert!(!text.contains(|c: char| c.is_control()), "{text:?}");
                for (k, v) in &rule.parts {
                    prop_assert!(RULE_PARTS.contains(k));
                    prop_assert!(!v.is_empty() && v.bytes().all(|b| b.is_ascii_graphic() && b != b';' && b != b'='), "{v:?}");
                    prop_assert_eq!(v, &v.to_ascii_uppercase());
                }
                prop_assert!(rule.get("FREQ").is_some());
                prop_assert!(rule.get("COUNT").is_none() || rule.get("UNTIL").is_none());
                if let Some(n) = rule.get("COUNT") {
                    prop_assert!(whole(n).is_some_and(|n| (1..=MAX_COUNT).contains(&n)));
                }
                if let Some(n) = rule.get("INTERVAL") {
                    prop_assert!(whole(n).is_some_and(|n| (1..=MAX_INTERVAL).contains(&n)));
                }
                let written: Vec<String> = rule.parts.iter().map(|(k, v)| format!("{k}={v}")).collect();
                prop_assert_eq!(&rule.to_string(), &written.join(";"));
                prop_assert_eq!(check_rule(&rule.to_string()), Ok(rule));
            }
        }

        #[test]
        fn a_control_character_anywhere_is_refused(text in rule_text(), at in any::<prop::sample::Index>(), c in prop::sample::select(vec!['\n', '\r', '\u{0}', '\t', '\u{7f}', '\u{85}', '\u{1b}'])) {
            prop_assert!(check_rule(&insert(&text, at, c)).is_err());
        }
    }

    proptest! {
        // Expansion runs the rrule crate: fewer cases, to keep `cargo test` quick.
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn expand_never_panics_and_stays_between_start_and_horizon_inclusive(
            rule in prop_oneof![rule_text(), any::<String>()],
            (y, mo, d, h) in (1900i16..=2100, 1i8..=12, 1i8..=28, 0i8..24),
            zone in prop::sample::select(vec!["UTC", "America/Los_Angeles", "Australia/Lord_Howe", "Asia/Kolkata"]),
        ) {
            let tz = zone_by_name(zone).unwrap();
            let start = date(y, mo, d).at(h, 30, 0, 0);
            let horizon = start.checked_add(jiff::Span::new().months(13)).unwrap();
            let Ok(checked) = check_rule(&rule) else { return Ok(()) };
            if let Ok(occ) = expand(&checked, &tz, start, horizon, 50) {
                prop_assert!(occ.len() <= 50);
                prop_assert!(occ.windows(2).all(|w| w[0] < w[1]), "{occ:?}");
                prop_assert!(occ.iter().all(|o| *o >= start && *o <= horizon), "{rule:?}: {occ:?}");
            }
        }

        #[test]
        fn expand_never_panics_at_the_ends_of_time(
            rule in rule_text(),
            start in prop::sample::select(vec![date(1, 1, 1).at(0, 0, 0, 0), date(9999, 12, 31).at(23, 0, 0, 0), date(-9999, 1, 1).at(0, 0, 0, 0)]),
        ) {
            let horizon = start.checked_add(jiff::Span::new().months(12)).unwrap_or(start);
            if let Ok(checked) = check_rule(&rule) {
                let _ = expand(&checked, &TimeZone::UTC, start, horizon, 20);
            }
        }

        #[test]
        fn until_helpers_never_panic(text in prop_oneof![any::<String>(), "[0-9]{8}([Tt][0-9é ]{6}[Zz]?)?"]) {
            let _ = parse_basic_date(&text);
            let _ = parse_basic_datetime(&text);
            let _ = until_as_wall(&text, &TimeZone::UTC);
        }
    }
}
