//! iCalendar (RFC 5545) feeds, written by our own small content-line writer: CRLF line
//! ends, lines folded at 75 octets without splitting a UTF-8 character, TEXT escaped, a
//! VTIMEZONE built from the time-zone database for every TZID used, one VEVENT per meeting
//! (a series is one VEVENT with RRULE and EXDATE, never expanded copies).
//!
//! `ical`'s writer is not used: it neither escapes TEXT nor folds by octets.

use super::reads::Cx;
use crate::model::{Meeting, MeetingId, Status};
use crate::time::Rule;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use std::collections::BTreeMap;

/// Appends one content line, folded at 75 octets, ending in CRLF. Its values (dates, URLs,
/// rules) hold no control characters; should one ever get here it is dropped (and so is a
/// noncharacter), so that no line break in a value can start a line of its own in the feed.
pub fn line(out: &mut String, name: &str, value: &str) {
    if value.chars().any(dropped_from_line) {
        let clean: String = value.chars().filter(|&c| !dropped_from_line(c)).collect();
        return content_line(out, name, clean.len(), |out| out.push_str(&clean));
    }
    content_line(out, name, value.len(), |out| out.push_str(value));
}

/// What [`line`] drops: every control character, tabs and line breaks too, and noncharacters.
fn dropped_from_line(c: char) -> bool {
    c.is_control() || crate::safe::is_noncharacter(c)
}

/// Appends one content line whose value is TEXT: escaped, then folded.
pub fn text_line(out: &mut String, name: &str, value: &str) {
    content_line(out, name, value.len() + 8, |out| push_text(out, value));
}

/// `NAME:` and the value `push` appends (about `len` bytes), folded.
fn content_line(out: &mut String, name: &str, len: usize, push: impl FnOnce(&mut String)) {
    let start = out.len();
    out.reserve(name.len() + len + 3);
    out.push_str(name);
    out.push(':');
    push(out);
    fold(out, start);
}

/// Folds the line that starts at `start` (the rest of `out`): the first line holds 75 octets,
/// each continuation line a space and 74 more, never splitting a UTF-8 character. Ends it in CRLF.
fn fold(out: &mut String, start: usize) {
    if out.len() - start > 75 {
        let whole = out.split_off(start);
        let mut rest = whole.as_str();
        let mut room = 75;
        while rest.len() > room {
            let mut cut = room;
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            out.push_str(&rest[..cut]);
            out.push_str("\r\n ");
            rest = &rest[cut..];
            room = 74;
        }
        out.push_str(rest);
    }
    out.push_str("\r\n");
}

/// Escapes a TEXT value: backslash, semicolon, comma and newlines; drops other control
/// characters and noncharacters.
pub fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    push_text(&mut out, value);
    out
}

/// [`text`] appended to `out`. Works on bytes: every character it changes is ASCII, except
/// the C1 controls (U+0080 to U+009F, two bytes from 0xC2) and the noncharacters (three or
/// four bytes from 0xEF or 0xF0 to 0xF4), which it drops.
pub fn push_text(out: &mut String, value: &str) {
    let bytes = value.as_bytes();
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Most bytes are plain text: one table lookup each.
        if !SPECIAL[usize::from(bytes[i])] {
            i += 1;
            continue;
        }
        let (replacement, len) = match bytes[i] {
            b'\\' => ("\\\\", 1),
            b';' => ("\\;", 1),
            b',' => ("\\,", 1),
            b'\n' => ("\\n", 1),
            b'\t' => {
                i += 1;
                continue;
            }
            0..=0x1f | 0x7f => ("", 1),
            0xc2 | 0xef | 0xf0..=0xf4 => match crate::safe::forbidden_len(&bytes[i..]) {
                0 => {
                    i += 1;
                    continue;
                }
                n => ("", n),
            },
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&value[run..i]);
        out.push_str(replacement);
        i += len;
        run = i;
    }
    out.push_str(&value[run..]);
}

/// The bytes [`push_text`] looks at: those the escapers check for forbidden characters
/// ([`crate::safe::SUSPECT`]: controls, DEL, the leads of C1 controls and noncharacters), and
/// tab, line feed, backslash, `;` and `,`, which iCalendar text escapes.
const SPECIAL: [bool; 256] = {
    let mut table = crate::safe::SUSPECT;
    table[b'\t' as usize] = true;
    table[b'\n' as usize] = true;
    table[b'\\' as usize] = true;
    table[b';' as usize] = true;
    table[b',' as usize] = true;
    table
};

fn local(dt: DateTime) -> String {
    dt.strftime("%Y%m%dT%H%M%S").to_string()
}

fn date(d: Date) -> String {
    d.strftime("%Y%m%d").to_string()
}

fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// A whole calendar of the given meetings; `event` gives each one's VEVENT (see [`event`]),
/// which callers keep, since a meeting is in several feeds.
pub fn calendar(cx: &Cx, name: &str, meetings: &[MeetingId]) -> String {
    let site = cx.site();
    let events: Vec<&str> = meetings.iter().map(|&m| cx.vevent(m)).collect();
    let mut out = String::with_capacity(4096 + events.iter().map(|e| e.len()).sum::<usize>());
    line(&mut out, "BEGIN", "VCALENDAR");
    line(&mut out, "VERSION", "2.0");
    line(&mut out, "PRODID", "-//moot//moot static site generator//EN");
    line(&mut out, "CALSCALE", "GREGORIAN");
    line(&mut out, "METHOD", "PUBLISH");
    text_line(&mut out, "X-WR-CALNAME", name);
    line(&mut out, "X-WR-TIMEZONE", &site.config.timezone_name);
    line(&mut out, "REFRESH-INTERVAL;VALUE=DURATION", "PT12H");
    line(&mut out, "X-PUBLISHED-TTL", "PT12H");
    for (tz_name, (tz, from, until)) in zone_spans(cx, meetings) {
        vtimezone(&mut out, &tz_name, &tz, from, until);
    }
    for e in events {
        out.push_str(e);
    }
    line(&mut out, "END", "VCALENDAR");
    out
}

/// One meeting's VEVENT, content lines and all.
pub fn event(cx: &Cx, m: &Meeting) -> String {
    let body = &cx.body(m.item).text;
    let mut out = String::with_capacity(1024 + body.len() * 11 / 10);
    vevent(&mut out, cx, m, body);
    out
}

/// For every zone used by timed meetings: the span of time its events cover. A series with
/// no end is covered for ten years past its last listed occurrence.
fn zone_spans(cx: &Cx, meetings: &[MeetingId]) -> BTreeMap<String, (TimeZone, Timestamp, Timestamp)> {
    let mut spans: BTreeMap<String, (TimeZone, Timestamp, Timestamp)> = BTreeMap::new();
    for &mi in meetings {
        let m = cx.meeting(mi);
        if m.all_day {
            continue;
        }
        let (Some(first), Some(last)) = (m.occurrences.first(), m.occurrences.last()) else { continue };
        let open_ended = m.repeat.as_ref().is_some_and(Rule::open_ended);
        let mut until = last.end.timestamp();
        if open_ended {
            until = until.checked_add(87_600.hours()).unwrap_or(until);
        }
        let entry = spans.entry(m.tz_name.clone()).or_insert((m.tz.clone(), first.start.timestamp(), until));
        entry.1 = entry.1.min(first.start.timestamp());
        entry.2 = entry.2.max(until);
    }
    spans
}

/// A VTIMEZONE with one STANDARD or DAYLIGHT part per transition inside the span, plus the
/// one in force at its start.
fn vtimezone(out: &mut String, name: &str, tz: &TimeZone, from: Timestamp, until: Timestamp) {
    line(out, "BEGIN", "VTIMEZONE");
    line(out, "TZID", name);
    let first = tz.preceding(from.checked_add(1.second()).unwrap_or(from)).next();
    let rest = tz.following(from).take_while(|t| t.timestamp() <= until);
    let mut any = false;
    for t in first.into_iter().chain(rest) {
        let before = tz.to_offset(t.timestamp().checked_sub(1.second()).unwrap_or(t.timestamp()));
        let kind = if t.dst().is_dst() { "DAYLIGHT" } else { "STANDARD" };
        line(out, "BEGIN", kind);
        line(out, "DTSTART", &local(before.to_datetime(t.timestamp())));
        line(out, "TZOFFSETFROM", &offset(before));
        line(out, "TZOFFSETTO", &offset(t.offset()));
        text_line(out, "TZNAME", t.abbreviation());
        line(out, "END", kind);
        any = true;
    }
    if !any {
        // A zone without transitions (UTC, or a fixed offset).
        let info = tz.to_offset_info(from);
        line(out, "BEGIN", "STANDARD");
        line(out, "DTSTART", "19700101T000000");
        line(out, "TZOFFSETFROM", &offset(info.offset()));
        line(out, "TZOFFSETTO", &offset(info.offset()));
        text_line(out, "TZNAME", info.abbreviation());
        line(out, "END", "STANDARD");
    }
    line(out, "END", "VTIMEZONE");
}

fn offset(o: jiff::tz::Offset) -> String {
    let secs = o.seconds();
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.abs();
    if secs % 60 == 0 {
        format!("{sign}{:02}{:02}", secs / 3600, secs % 3600 / 60)
    } else {
        format!("{sign}{:02}{:02}{:02}", secs / 3600, secs % 3600 / 60, secs % 60)
    }
}

/// The UID of a meeting: its content path at the site's host, the same in every build.
pub fn uid(cx: &Cx, m: &Meeting) -> String {
    format!("{}@{}", cx.head(m.item).path, crate::config::host_of(&cx.site().config.base_url))
}

fn vevent(out: &mut String, cx: &Cx, m: &Meeting, body_text: &str) {
    let site = cx.site();
    let item = cx.item(m.item);
    let url = site.absolute(&item.url);
    line(out, "BEGIN", "VEVENT");
    text_line(out, "UID", &uid(cx, m));
    line(out, "DTSTAMP", &utc(site.dtstamp));
    if m.all_day {
        line(out, "DTSTART;VALUE=DATE", &date(m.start.date()));
        line(out, "DTEND;VALUE=DATE", &date(m.end.date()));
    } else {
        let tzid = format!(";TZID={}", m.tz_name);
        line(out, &format!("DTSTART{tzid}"), &local(m.start));
        line(out, &format!("DTEND{tzid}"), &local(m.end));
    }
    if let Some(rule) = &m.repeat {
        line(out, "RRULE", &ics_rule(rule, m));
        for d in &m.except {
            if m.all_day {
                line(out, "EXDATE;VALUE=DATE", &date(*d));
            } else {
                line(out, &format!("EXDATE;TZID={}", m.tz_name), &local(d.to_datetime(m.start.time())));
            }
        }
    }
    text_line(out, "SUMMARY", &item.title);
    let mut description = String::new();
    if let Some(leader) = &m.leader {
        description.push_str(&format!("Led by {leader}"));
        if !m.co_leaders.is_empty() {
            description.push_str(&format!(" with {}", m.co_leaders.join(", ")));
        }
        description.push_str(".\n\n");
    }
    if let Some(online) = &m.online {
        description.push_str(&format!("Join online: {online}\n\n"));
    }
    let body = body_text.trim();
    if !body.is_empty() {
        description.push_str(body);
        description.push_str("\n\n");
    }
    description.push_str(&url);
    text_line(out, "DESCRIPTION", &description);
    if let Some(place) = m.location.as_deref().or(m.online.as_deref()) {
        text_line(out, "LOCATION", place);
    }
    line(out, "URL;VALUE=URI", &url);
    let status = match m.status {
        Status::Confirmed => "CONFIRMED",
        Status::Tentative => "TENTATIVE",
        Status::Cancelled => "CANCELLED",
    };
    line(out, "STATUS", status);
    if !item.tags.is_empty() {
        let cats: Vec<String> = item.tags.iter().map(|(_, name)| text(name)).collect();
        line(out, "CATEGORIES", &cats.join(","));
    }
    line(out, "END", "VEVENT");
}

/// The meeting's RRULE for the feed: the checked rule's parts in the order written (upper
/// case, no `RRULE:` in front), and UNTIL in the form RFC 5545 asks for: a UTC time for a
/// timed series, a date for an all-day one.
pub fn ics_rule(rule: &Rule, m: &Meeting) -> String {
    let text = rule.write_with(|v| Ok::<_, std::convert::Infallible>(until_value(v, m)));
    text.unwrap_or_else(|never| match never {})
}

fn until_value(v: &str, m: &Meeting) -> String {
    let digits = v.trim_end_matches('Z');
    let day = digits.get(0..8).and_then(|d| Date::strptime("%Y%m%d", d).ok());
    let Some(day) = day else { return v.to_string() };
    if m.all_day {
        return date(day);
    }
    if v.ends_with('Z') {
        return v.to_string();
    }
    // A local date or date-time: the end of that day (or that time) in the meeting's zone.
    let wall = match digits.get(9..15).and_then(|t| jiff::civil::Time::strptime("%H%M%S", t).ok()) {
        Some(t) => day.to_datetime(t),
        None => day.to_datetime(jiff::civil::time(23, 59, 59, 0)),
    };
    crate::time::place(&m.tz, wall).map_or_else(|_| v.to_string(), |(z, _)| utc(z.timestamp()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        let value = "é".repeat(100);
        line(&mut out, "SUMMARY", &value);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{value}\r\n"));
        let mut short = String::new();
        line(&mut short, "VERSION", "2.0");
        assert_eq!(short, "VERSION:2.0\r\n");
    }

    #[test]
    fn exactly_75_octets_is_not_folded() {
        let mut out = String::new();
        line(&mut out, "X", &"a".repeat(73));
        assert_eq!(out.len(), 77);
        let mut out = String::new();
        line(&mut out, "X", &"a".repeat(74));
        assert_eq!(out, format!("X:{}\r\n a\r\n", "a".repeat(73)));
    }

    #[test]
    fn escapes_text() {
        assert_eq!(text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn vtimezone_covers_both_sides_of_a_dst_change() {
        let tz = crate::time::zone_by_name("America/Los_Angeles").unwrap();
        let from: Timestamp = "2027-02-18T22:00:00Z".parse().unwrap();
        let until: Timestamp = "2027-04-08T23:30:00Z".parse().unwrap();
        let mut out = String::new();
        vtimezone(&mut out, "America/Los_Angeles", &tz, from, until);
        assert_eq!(
            out,
            "BEGIN:VTIMEZONE\r\nTZID:America/Los_Angeles\r\n\
             BEGIN:STANDARD\r\nDTSTART:20261101T020000\r\nTZOFFSETFROM:-0700\r\nTZOFFSETTO:-0800\r\nTZNAME:PST\r\nEND:STANDARD\r\n\
             BEGIN:DAYLIGHT\r\nDTSTART:20270314T020000\r\nTZOFFSETFROM:-0800\r\nTZOFFSETTO:-0700\r\nTZNAME:PDT\r\nEND:DAYLIGHT\r\n\
             END:VTIMEZONE\r\n"
        );
    }

    #[test]
    fn offsets_are_signed() {
        assert_eq!(offset(jiff::tz::offset(-8)), "-0800");
        assert_eq!(offset(jiff::tz::Offset::from_seconds(19_800).unwrap()), "+0530");
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Text with what is hard for a feed: multi-byte characters, controls, separators.
    fn feed_text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            prop::collection::vec(
                prop::sample::select(vec![
                    "a",
                    "é",
                    "日",
                    "😀",
                    "\u{85}",
                    "\u{9f}",
                    "\r",
                    "\n",
                    "\r\n",
                    "\t",
                    "\u{0}",
                    "\\",
                    ";",
                    ",",
                    " ",
                    ":",
                    "\u{7f}",
                    "\u{ffff}",
                    "\u{fffe}",
                    "\u{fdd0}",
                    "\u{1fffe}",
                    "\u{10ffff}",
                    "\u{ff21}",
                    "\u{1f600}",
                ]),
                0..120,
            )
            .prop_map(|v| v.concat()),
        ]
    }

    /// The physical lines of `out` (each ends in CRLF, and no CR or LF is anywhere else).
    fn physical_lines(out: &str) -> Result<Vec<&str>, TestCaseError> {
        prop_assert!(out.ends_with("\r\n"), "{out:?}");
        let lines: Vec<&str> = out[..out.len() - 2].split("\r\n").collect();
        for l in &lines {
            prop_assert!(!l.contains(['\r', '\n']), "a bare CR or LF in {out:?}");
            prop_assert!(l.len() <= 75, "{} octets: {l:?}", l.len());
        }
        for l in &lines[1..] {
            prop_assert!(l.starts_with(' '), "a continuation line starts with a space: {out:?}");
        }
        Ok(lines)
    }

    /// Undoes TEXT escaping.
    fn unescape(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn lines_fold_at_75_octets_and_unfold_to_the_value(value in feed_text()) {
            let mut out = String::new();
            line(&mut out, "X-VALUE", &value);
            let lines = physical_lines(&out)?;
            let unfolded: String = lines.iter().enumerate().map(|(i, l)| if i == 0 { *l } else { &l[1..] }).collect();
            let clean: String = value.chars().filter(|&c| !dropped_from_line(c)).collect();
            prop_assert_eq!(unfolded, format!("X-VALUE:{clean}"));
        }

        #[test]
        fn text_lines_escape_and_fold_and_unescape_to_the_text(value in feed_text()) {
            let mut out = String::new();
            text_line(&mut out, "DESCRIPTION", &value);
            let lines = physical_lines(&out)?;
            let unfolded: String = lines.iter().enumerate().map(|(i, l)| if i == 0 { *l } else { &l[1..] }).collect();
            let escaped = unfolded.strip_prefix("DESCRIPTION:").unwrap();
            prop_assert_eq!(escaped, text(&value));
            // Kept: everything but the controls other than tabs (TEXT allows them), line feeds as `\n`.
            let kept: String = value.chars().filter(|&c| !crate::safe::is_forbidden(c)).collect();
            prop_assert_eq!(unescape(escaped), kept);
        }

        #[test]
        fn appending_keeps_what_was_there(before in "[A-Z:]{0,80}", value in feed_text()) {
            let mut out = before.clone();
            text_line(&mut out, "SUMMARY", &value);
            prop_assert!(out.starts_with(&before));
            physical_lines(&out[before.len()..])?;
        }
    }
}
