//! iCalendar (RFC 5545) feeds, written by our own small content-line writer: CRLF line
//! ends, lines folded at 75 octets without splitting a UTF-8 character, TEXT escaped, a
//! VTIMEZONE built from the time-zone database for every TZID used, one VEVENT per meeting
//! (a series is one VEVENT with RRULE and EXDATE, never expanded copies).
//!
//! `ical`'s writer is not used: it neither escapes TEXT nor folds by octets.

use super::reads::Cx;
use crate::model::{Meeting, MeetingId, Occurrence, Status};
use crate::time;
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

// The forms of RFC 5545 dates and times, written digit by digit: strftime reads its format
// string again each time, and a feed of a long series writes thousands of these.

fn local(dt: DateTime) -> String {
    let mut s = date(dt.date());
    push_time(&mut s, dt.time());
    s
}

fn date(d: Date) -> String {
    let mut s = String::with_capacity(16);
    match u16::try_from(d.year()) {
        Ok(y) => push_digits(&mut s, u32::from(y), 4),
        // Years before 1 (jiff's range reaches -9999): as strftime writes them.
        Err(_) => s.push_str(&d.strftime("%Y").to_string()),
    }
    push_digits(&mut s, d.month().unsigned_abs().into(), 2);
    push_digits(&mut s, d.day().unsigned_abs().into(), 2);
    s
}

fn push_time(s: &mut String, t: jiff::civil::Time) {
    s.push('T');
    push_digits(s, t.hour().unsigned_abs().into(), 2);
    push_digits(s, t.minute().unsigned_abs().into(), 2);
    push_digits(s, t.second().unsigned_abs().into(), 2);
}

/// `n` in decimal, zero-padded to `width` digits (`n` has at most `width`).
pub(super) fn push_digits(s: &mut String, n: u32, width: u32) {
    for place in (0..width).rev() {
        s.push(char::from(b'0' + (n / 10u32.pow(place) % 10) as u8));
    }
}

fn utc(t: Timestamp) -> String {
    let mut s = local(t.to_zoned_datetime(TimeZone::UTC).datetime());
    s.push('Z');
    s
}

/// How much of a meeting's text its DESCRIPTION holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// All of it: the meeting's own feed (and its announcement).
    Whole,
    /// Its summary, or the start of its text, then the link: the feeds of many meetings
    /// (the site's, groups', tags', CE), which calendar programs fetch twice a day.
    Summary,
}

/// A whole calendar of the given meetings; `event` gives each one's VEVENTs (see [`event`]),
/// which callers keep, since a meeting is in several feeds. No METHOD: a feed to subscribe
/// to is not a scheduling message (RFC 5546's PUBLISH would need an ORGANIZER on every event).
/// A calendar without meetings holds the site zone's VTIMEZONE, since a VCALENDAR needs a
/// component.
pub fn calendar(cx: &Cx, name: &str, meetings: &[MeetingId], text: Text) -> String {
    let site = cx.site();
    let events: Vec<&str> = meetings.iter().map(|&m| cx.vevent(m, text)).collect();
    let mut out = String::with_capacity(4096 + events.iter().map(|e| e.len()).sum::<usize>());
    let mut spans = zone_spans(cx, meetings);
    let main_zone = main_zone(cx, meetings).unwrap_or(&site.config.timezone_name);
    if spans.is_empty() {
        let now = site.dtstamp;
        spans.insert(site.config.timezone_name.clone(), (site.config.timezone.clone(), now, now));
    }
    line(&mut out, "BEGIN", "VCALENDAR");
    line(&mut out, "VERSION", "2.0");
    line(&mut out, "PRODID", "-//moot//moot static site generator//EN");
    line(&mut out, "CALSCALE", "GREGORIAN");
    text_line(&mut out, "X-WR-CALNAME", name);
    line(&mut out, "X-WR-TIMEZONE", main_zone);
    line(&mut out, "REFRESH-INTERVAL;VALUE=DURATION", "PT12H");
    line(&mut out, "X-PUBLISHED-TTL", "PT12H");
    for (tz_name, (tz, from, until)) in spans {
        cx.push_vtimezone(&mut out, &tz_name, &tz, from, until);
    }
    for e in events {
        out.push_str(e);
    }
    line(&mut out, "END", "VCALENDAR");
    out
}

/// A feed made by [`calendar`] as an RFC 5546 `PUBLISH` message, for an email: `METHOD:PUBLISH`
/// after `CALSCALE`, and on every VEVENT the `ORGANIZER` that PUBLISH requires (`organizer`,
/// an email address; `name`, its CN) after `DTSTAMP`. Nothing else changes: the rest is the
/// feed, byte for byte.
pub fn publish(feed: &str, organizer: &str, name: &str) -> String {
    let mut out = String::with_capacity(feed.len() + 256);
    // A parameter value is quoted: it may hold `,`, `;` or `:` but no `"`.
    let name: String = name.chars().filter(|&c| c != '"' && !c.is_control()).collect();
    let mut method = false;
    for l in feed.split_inclusive("\r\n") {
        out.push_str(l);
        if !method && l == "CALSCALE:GREGORIAN\r\n" {
            line(&mut out, "METHOD", "PUBLISH");
            method = true;
        } else if l.starts_with("DTSTAMP:") {
            // Every VEVENT has one DTSTAMP (a VTIMEZONE none), never folded.
            line(&mut out, &format!("ORGANIZER;CN=\"{name}\""), &format!("mailto:{organizer}"));
        }
    }
    out
}

/// The zone most of the feed's meetings use (the first in name order among equals).
fn main_zone<'a>(cx: &Cx<'_, 'a>, meetings: &[MeetingId]) -> Option<&'a str> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for &m in meetings {
        *counts.entry(cx.meeting(m).tz_name.as_str()).or_default() += 1;
    }
    let most = counts.values().copied().max()?;
    counts.into_iter().find(|&(_, n)| n == most).map(|(z, _)| z)
}

/// One meeting's VEVENTs, content lines and all: the meeting (a series' master) and one for
/// each session that `sessions` changes or that falls in a gap or fold of the clocks (same
/// UID, with a RECURRENCE-ID).
pub fn event(cx: &Cx, m: &Meeting, text: Text) -> String {
    let body = match text {
        Text::Whole => cx.body(m.item).text.as_str(),
        Text::Summary => cx.excerpt(m.item),
    };
    let mut out = String::with_capacity(1024 + body.len() * 11 / 10);
    let stamp = Stamp::of(cx, m);
    vevent(&mut out, cx, m, None, body, &stamp);
    if m.repeat.is_some() {
        // A session in a gap or a fold is written as an override too: readers place the
        // rule's local time differently there, and a RECURRENCE-ID override with a time that
        // is not ambiguous puts it where the site has it in all of them.
        let own = |o: &&Occurrence| o.session.is_some() || (!m.all_day && !plain_wall(&m.tz, o.wall));
        for o in m.occurrences.iter().filter(own).filter(|o| !o.skipped) {
            vevent(&mut out, cx, m, Some(o), body, &stamp);
        }
    }
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
        let mut from = first.start.timestamp();
        let mut until = last.end.timestamp();
        for o in &m.occurrences {
            from = from.min(o.moved_from.as_ref().unwrap_or(&o.start).timestamp());
            until = until.max(o.end.timestamp());
        }
        if open_ended {
            until = until.checked_add(87_600.hours()).unwrap_or(until);
        }
        let entry = spans.entry(m.tz_name.clone()).or_insert((m.tz.clone(), from, until));
        entry.1 = entry.1.min(from);
        entry.2 = entry.2.max(until);
    }
    spans
}

/// One change of offset, as a VTIMEZONE observance describes it.
#[derive(Debug, Clone)]
struct Change {
    at: Timestamp,
    /// The local time just before it (what DTSTART of an observance is).
    local: DateTime,
    from: jiff::tz::Offset,
    to: jiff::tz::Offset,
    dst: bool,
    abbr: String,
}

/// How a yearly change falls: the month, and the weekday with its number in the month
/// (`-1` for the last), at the same local time.
fn yearly_pattern(c: &Change) -> Option<(i8, i8, jiff::civil::Weekday)> {
    let d = c.local.date();
    let n = (d.day() - 1) / 7 + 1;
    let last = d.day() + 7 > d.days_in_month();
    Some((d.month(), if last { -1 } else { n }, d.weekday())).filter(|_| n <= 4 || last)
}

/// Whether `c` follows `prev` a year later by the same rule: same kind and offsets, same
/// local time, and the same weekday rule (`nth` may be -1 or the number, whichever fits both).
fn same_rule(prev: &Change, c: &Change, nth: &mut Option<i8>) -> bool {
    let (Some((pm, pn, pw)), Some((cm, cn, cw))) = (yearly_pattern(prev), yearly_pattern(c)) else { return false };
    let number = |ch: &Change| (ch.local.date().day() - 1) / 7 + 1;
    let lasts = |ch: &Change| ch.local.date().day() + 7 > ch.local.date().days_in_month();
    let fits = |n: i8| match n {
        -1 => lasts(prev) && lasts(c),
        n => number(prev) == n && number(c) == n,
    };
    let kept = match *nth {
        Some(n) => fits(n).then_some(n),
        None => [pn, cn, -1].into_iter().find(|&n| fits(n)),
    };
    let ok = c.local.date().year() == prev.local.date().year() + 1
        && (pm, pw) == (cm, cw)
        && prev.local.time() == c.local.time()
        && (prev.from, prev.to, prev.dst, &prev.abbr) == (c.from, c.to, c.dst, &c.abbr)
        && kept.is_some();
    if ok {
        *nth = kept;
    }
    ok
}

/// What the VTIMEZONE of `tz` (`name`) for events from `from` to `until` is made of: two
/// spans with the same key have the same VTIMEZONE (the transitions it lists run from the
/// same one to the same one, and the same ones are past `until`), so a build makes each once.
pub(super) type ZoneKey = (String, Timestamp, Option<Timestamp>, Option<Timestamp>);

pub(super) fn zone_key(name: &str, tz: &TimeZone, from: Timestamp, until: Timestamp) -> ZoneKey {
    let (from, beyond) = zone_span(from, until);
    // (`preceding` gives the transitions before a moment: the last one up to `beyond`, which
    // `vtimezone` lists, is the last before `beyond` and a nanosecond.)
    let last = tz.preceding(beyond.checked_add(1.nanosecond()).unwrap_or(beyond)).next().map(|t| t.timestamp());
    let after_until = tz.following(until).map(|t| t.timestamp()).find(|&t| t > until);
    (name.to_string(), from, last, after_until)
}

/// The span a VTIMEZONE covers: from 2000 at the latest (readers that compare a VTIMEZONE
/// with their own copy of the zone, as vobject does for 2000-2020, then know it for what it
/// is) to two years past the events, so that a rule still in force shows as one.
fn zone_span(from: Timestamp, until: Timestamp) -> (Timestamp, Timestamp) {
    (from.min(Timestamp::constant(946_684_800, 0)), until.checked_add(17_520.hours()).unwrap_or(until))
}

/// A VTIMEZONE as Outlook and libical expect it: the zone's rules as STANDARD and DAYLIGHT
/// observances with yearly RRULEs (a rule that ended has an UNTIL; the one in force has
/// none, so it covers every later event however far), a dated observance for each change
/// that follows no yearly rule. It covers `from` (or 2000, if earlier) to `until`: the changes
/// in that span, the one in force at its start, and enough years after `until` to see that a
/// rule goes on.
pub(super) fn vtimezone(out: &mut String, name: &str, tz: &TimeZone, from: Timestamp, until: Timestamp) {
    line(out, "BEGIN", "VTIMEZONE");
    line(out, "TZID", name);
    let change = |t: jiff::tz::TimeZoneTransition| {
        let before = tz.to_offset(t.timestamp().checked_sub(1.second()).unwrap_or(t.timestamp()));
        Change {
            at: t.timestamp(),
            local: before.to_datetime(t.timestamp()),
            from: before,
            to: t.offset(),
            dst: t.dst().is_dst(),
            abbr: t.abbreviation().to_string(),
        }
    };
    let (from, beyond) = zone_span(from, until);
    let first = tz.preceding(from.checked_add(1.second()).unwrap_or(from)).next();
    let changes: Vec<Change> =
        first.into_iter().chain(tz.following(from).take_while(|t| t.timestamp() <= beyond)).map(change).collect();
    // Runs of changes that follow one yearly rule, by kind of change.
    let mut runs: Vec<(Vec<Change>, Option<i8>)> = Vec::new();
    for c in changes.iter() {
        let open = runs.iter_mut().rev().find(|(run, _)| {
            run.last().is_some_and(|p| p.dst == c.dst && p.local.date().month() == c.local.date().month())
        });
        let joined = open.is_some_and(|(run, nth)| {
            let fits = run.last().is_some_and(|p| same_rule(p, c, nth));
            if fits {
                run.push(c.clone());
            }
            fits
        });
        if !joined {
            runs.push((vec![c.clone()], None));
        }
    }
    let last_at = changes.last().map(|c| c.at);
    runs.sort_by_key(|(run, _)| run[0].at);
    for (run, nth) in &runs {
        let c = &run[0];
        let kind = if c.dst { "DAYLIGHT" } else { "STANDARD" };
        line(out, "BEGIN", kind);
        line(out, "DTSTART", &local(c.local));
        if let (true, Some(n)) = (run.len() > 1, nth) {
            let end = run.last().map(|l| l.at);
            // A rule whose last change is the last one listed is still in force.
            let ongoing = end == last_at || run.last().is_some_and(|l| l.at > until);
            let day = weekday_code(c.local.date().weekday());
            let mut rule = format!("FREQ=YEARLY;BYMONTH={};BYDAY={n}{day}", c.local.date().month());
            if let (false, Some(end)) = (ongoing, end) {
                rule.push_str(&format!(";UNTIL={}", utc(end)));
            }
            line(out, "RRULE", &rule);
        } else {
            for extra in &run[1..] {
                line(out, "RDATE", &local(extra.local));
            }
        }
        line(out, "TZOFFSETFROM", &offset(c.from));
        line(out, "TZOFFSETTO", &offset(c.to));
        text_line(out, "TZNAME", &c.abbr);
        line(out, "END", kind);
    }
    if runs.is_empty() {
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

fn weekday_code(w: jiff::civil::Weekday) -> &'static str {
    use jiff::civil::Weekday::*;
    match w {
        Monday => "MO",
        Tuesday => "TU",
        Wednesday => "WE",
        Thursday => "TH",
        Friday => "FR",
        Saturday => "SA",
        Sunday => "SU",
    }
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

/// SEQUENCE and LAST-MODIFIED of a meeting's events, from its file's git history: the
/// number of commits after the first that changed its time, place or status fields, and
/// the time of the newest commit. Without history (or before the file's first commit): 0, and
/// the file's modification time.
struct Stamp {
    sequence: usize,
    modified: Option<Timestamp>,
}

/// The front-matter fields whose change makes a calendar program show the event anew.
const SIGNIFICANT: [&str; 12] = [
    "start", "end", "duration", "timezone", "repeat", "except", "sessions", "date", "location", "online", "status",
    "title",
];

impl Stamp {
    fn of(cx: &Cx, m: &Meeting) -> Stamp {
        // Without history, the file's modification time: it changes when the file is saved,
        // and stays what it is over rebuilds.
        let Some((history, revisions, _)) = cx.history_of(m.item).filter(|(_, revs, _)| !revs.is_empty()) else {
            return Stamp {
                sequence: 0,
                modified: cx.modified(m.item).map(|t| t.round(jiff::Unit::Second).unwrap_or(t)),
            };
        };
        let significant = |diff: &str| {
            diff.lines().any(|l| {
                let changed =
                    (l.starts_with('+') && !l.starts_with("+++")) || (l.starts_with('-') && !l.starts_with("---"));
                let text = l.get(1..).unwrap_or("").trim_start();
                let text = text.strip_prefix("- ").unwrap_or(text);
                changed
                    && SIGNIFICANT.iter().any(|k| text.strip_prefix(k).is_some_and(|r| r.trim_start().starts_with(':')))
            })
        };
        // Newest first; the last is the commit that added the file.
        let later = revisions.len().saturating_sub(1);
        let sequence = revisions[..later].iter().filter(|r| significant(history.diff(r))).count();
        Stamp { sequence, modified: revisions.first().map(|r| history.commits[r.commit].date) }
    }
}

/// Whether a wall time names exactly the instant `z` in its zone (not in a gap or a fold).
fn plain_local(z: &jiff::ZonedDateTime) -> bool {
    z.time_zone().to_ambiguous_zoned_datetime(z.datetime()).unambiguous().is_ok_and(|u| u.timestamp() == z.timestamp())
}

/// Whether a wall time names one instant in `tz` (it is not in a gap or a fold).
fn plain_wall(tz: &TimeZone, wall: DateTime) -> bool {
    tz.to_ambiguous_zoned_datetime(wall).unambiguous().is_ok()
}

/// DTSTART or DTEND of a timed event: local time with the TZID, or UTC where the local time
/// could be read two ways (a fold, or a time moved out of a gap).
fn timed(out: &mut String, name: &str, tz_name: &str, z: &jiff::ZonedDateTime) {
    if plain_local(z) {
        line(out, &format!("{name};TZID={tz_name}"), &local(z.datetime()));
    } else {
        line(out, name, &utc(z.timestamp()));
    }
}

/// The VEVENT of meeting `m` (a series' master when `o` is None) or of its changed session `o`.
fn vevent(out: &mut String, cx: &Cx, m: &Meeting, o: Option<&Occurrence>, body_text: &str, stamp: &Stamp) {
    let site = cx.site();
    let item = cx.item(m.item);
    let url = site.absolute(&item.url);
    let tzid = format!(";TZID={}", m.tz_name);
    line(out, "BEGIN", "VEVENT");
    text_line(out, "UID", &uid(cx, m));
    line(out, "DTSTAMP", &utc(site.dtstamp));
    match o {
        Some(o) => {
            if m.all_day {
                line(out, "RECURRENCE-ID;VALUE=DATE", &date(o.wall.date()));
                line(out, "DTSTART;VALUE=DATE", &date(o.start.date()));
                line(out, "DTEND;VALUE=DATE", &date(o.end.date()));
            } else {
                line(out, &format!("RECURRENCE-ID{tzid}"), &local(o.wall));
                timed(out, "DTSTART", &m.tz_name, &o.start);
                timed(out, "DTEND", &m.tz_name, &o.end);
            }
        }
        None if m.all_day => {
            line(out, "DTSTART;VALUE=DATE", &date(m.start.date()));
            line(out, "DTEND;VALUE=DATE", &date(m.end.date()));
        }
        None => {
            let first = m.occurrences.iter().find(|o| o.moved_from.is_none() && o.session.is_none());
            let (start, end) = match m.occurrences.first() {
                Some(f) => (f.moved_from.clone().unwrap_or_else(|| f.start.clone()), first.map(|x| x.end.clone())),
                None => (time::start_of_day(&m.tz, m.start.date()), None),
            };
            let length = first.map(|x| x.start.duration_until(&x.end));
            if m.repeat.is_some() {
                // The rule runs on the local time of DTSTART, so it keeps its TZID; the length
                // as a DURATION where the local end could be read two ways.
                line(out, &format!("DTSTART{tzid}"), &local(m.start));
                match (end.filter(plain_local), length) {
                    (Some(e), _) if first.is_some_and(|f| f.start.datetime() == m.start) => {
                        line(out, &format!("DTEND{tzid}"), &local(e.datetime()))
                    }
                    (_, Some(len)) => line(out, "DURATION", &duration(len)),
                    _ => line(out, &format!("DTEND{tzid}"), &local(m.end)),
                }
            } else {
                timed(out, "DTSTART", &m.tz_name, &start);
                let end = m.occurrences.first().map_or_else(|| start.clone(), |f| f.end.clone());
                timed(out, "DTEND", &m.tz_name, &end);
            }
        }
    }
    if o.is_none() {
        if let Some(rule) = &m.repeat {
            line(out, "RRULE", &ics_rule(rule, m));
            for x in m.occurrences.iter().filter(|x| x.skipped) {
                if m.all_day {
                    line(out, "EXDATE;VALUE=DATE", &date(x.start.date()));
                } else {
                    line(out, &format!("EXDATE{tzid}"), &local(x.wall));
                }
            }
        }
    }
    if stamp.sequence > 0 {
        line(out, "SEQUENCE", &stamp.sequence.to_string());
    }
    if let Some(t) = stamp.modified {
        line(out, "LAST-MODIFIED", &utc(t));
    }
    let title = o.map_or(item.title.as_str(), |o| m.title_at(o, &item.title));
    let status = o.map_or(m.status, |o| m.status_at(o));
    // Google Calendar drops STATUS:CANCELLED from subscribed calendars: the title says it.
    let summary = match status {
        Status::Cancelled => format!("Cancelled: {title}"),
        _ => title.to_string(),
    };
    text_line(out, "SUMMARY", &summary);
    let mut description = String::new();
    if let Some(note) = o.and_then(|o| m.note_at(o)) {
        description.push_str(note);
        description.push_str("\n\n");
    }
    let leader = o.map_or(m.leader.as_deref(), |o| m.leader_at(o));
    let co_leaders = o.map_or(m.co_leaders.as_slice(), |o| m.co_leaders_at(o));
    if let Some(leader) = leader {
        description.push_str(&format!("Led by {leader}"));
        if !co_leaders.is_empty() {
            description.push_str(&format!(" with {}", co_leaders.join(", ")));
        }
        description.push_str(".\n\n");
    }
    let ce = o.map_or(m.ce_hours, |o| m.ce_hours_at(o));
    if let Some(hours) = ce {
        description.push_str(&format!("Continuing education: {}", hours.label()));
        if let Some(category) = o.map_or(m.ce_category.as_deref(), |o| m.ce_category_at(o)) {
            description.push_str(&format!(" ({category})"));
        }
        description.push_str(".\n\n");
    }
    let online = o.map_or(m.online.as_deref(), |o| m.online_at(o));
    if let Some(online) = online {
        description.push_str(&format!("Join online: {online}\n\n"));
    }
    let body = body_text.trim();
    if !body.is_empty() {
        description.push_str(body);
        description.push_str("\n\n");
    }
    description.push_str(&url);
    text_line(out, "DESCRIPTION", &description);
    if let Some(place) = o.map_or(m.location.as_deref(), |o| m.location_at(o)).or(online) {
        text_line(out, "LOCATION", place);
    }
    line(out, "URL;VALUE=URI", &url);
    let status = match status {
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

/// An exact length as an RFC 5545 DURATION (`PT1H30M`).
fn duration(d: jiff::SignedDuration) -> String {
    let secs = d.as_secs().max(0);
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let mut out = String::from("PT");
    if h > 0 {
        out.push_str(&format!("{h}H"));
    }
    if m > 0 {
        out.push_str(&format!("{m}M"));
    }
    if s > 0 || out.len() == 2 {
        out.push_str(&format!("{s}S"));
    }
    out
}

/// The meeting's RRULE for the feed: the checked rule's parts, FREQ first (some readers
/// want it there), then in the order written (upper case, no `RRULE:` in front), and UNTIL
/// in the form RFC 5545 asks for: a UTC time for a timed series, a date for an all-day one.
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

    fn zone(name: &str, from: &str, until: &str) -> String {
        let tz = crate::time::zone_by_name(name).unwrap();
        let mut out = String::new();
        vtimezone(&mut out, name, &tz, from.parse().unwrap(), until.parse().unwrap());
        out
    }

    #[test]
    fn spans_with_the_same_zone_key_have_the_same_vtimezone() {
        // A build makes each VTIMEZONE once per key: the key must tell apart every two spans
        // whose VTIMEZONEs differ, in zones with rules, with rules that ended, and with none.
        let mut keys = 0;
        for name in ["America/Los_Angeles", "America/Sao_Paulo", "Australia/Lord_Howe", "Europe/Moscow", "UTC"] {
            let tz = crate::time::zone_by_name(name).unwrap();
            let mut seen: std::collections::HashMap<ZoneKey, String> = Default::default();
            for from in ["1995-06-01T00:00:00Z", "2026-03-08T09:59:59Z", "2026-03-08T10:00:00Z", "2026-11-20T00:00:00Z"]
            {
                let from: Timestamp = from.parse().unwrap();
                // Ends every 9 days for 14 years, and right at and around changes of the clocks.
                let mut ends: Vec<Timestamp> = (0..570).map(|i| from + (i * 9 * 24).hours()).collect();
                // (Ends two years before a change, to the nanosecond: `vtimezone` lists the
                // changes up to two years past the end.)
                let two_years = 17_520.hours();
                for t in tz.following(from).take(30) {
                    let t = t.timestamp();
                    ends.extend([t - 1.second(), t, t + 1.second()]);
                    ends.extend([t - two_years - 1.nanosecond(), t - two_years, t - two_years - 500.milliseconds()]);
                }
                for until in ends.into_iter().filter(|&u| u >= from) {
                    let mut text = String::new();
                    vtimezone(&mut text, name, &tz, from, until);
                    match seen.entry(zone_key(name, &tz, from, until)) {
                        std::collections::hash_map::Entry::Occupied(e) => {
                            assert_eq!(e.get(), &text, "{name} {from} {until}")
                        }
                        std::collections::hash_map::Entry::Vacant(e) => {
                            e.insert(text);
                        }
                    }
                }
            }
            keys += seen.len();
        }
        assert!(keys > 40, "the spans reach different VTIMEZONEs ({keys})");
    }

    /// Los Angeles since 2000: the rule of 1987-2006, ended with an UNTIL, and the rule in force.
    const LOS_ANGELES: &str = "BEGIN:VTIMEZONE\r\nTZID:America/Los_Angeles\r\n\
             BEGIN:STANDARD\r\nDTSTART:19991031T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU;UNTIL=20061029T090000Z\r\n\
             TZOFFSETFROM:-0700\r\nTZOFFSETTO:-0800\r\nTZNAME:PST\r\nEND:STANDARD\r\n\
             BEGIN:DAYLIGHT\r\nDTSTART:20000402T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU;UNTIL=20060402T100000Z\r\n\
             TZOFFSETFROM:-0800\r\nTZOFFSETTO:-0700\r\nTZNAME:PDT\r\nEND:DAYLIGHT\r\n\
             BEGIN:DAYLIGHT\r\nDTSTART:20070311T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\n\
             TZOFFSETFROM:-0800\r\nTZOFFSETTO:-0700\r\nTZNAME:PDT\r\nEND:DAYLIGHT\r\n\
             BEGIN:STANDARD\r\nDTSTART:20071104T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\n\
             TZOFFSETFROM:-0700\r\nTZOFFSETTO:-0800\r\nTZNAME:PST\r\nEND:STANDARD\r\n\
             END:VTIMEZONE\r\n";

    #[test]
    fn dates_and_times_are_written_as_strftime_writes_them() {
        for (y, mo, d, h, mi, se) in
            [(2026, 12, 1, 9, 5, 7), (1, 1, 1, 0, 0, 0), (9999, 12, 31, 23, 59, 59), (987, 6, 5, 4, 3, 2)]
        {
            let dt = jiff::civil::date(y, mo, d).at(h, mi, se, 0);
            assert_eq!(local(dt), dt.strftime("%Y%m%dT%H%M%S").to_string());
            assert_eq!(date(dt.date()), dt.strftime("%Y%m%d").to_string());
            // (A timestamp ends a day before the last date.)
            if let Ok(t) = TimeZone::UTC.to_timestamp(dt) {
                assert_eq!(utc(t), t.strftime("%Y%m%dT%H%M%SZ").to_string());
            }
        }
        let before = jiff::civil::date(-5, 3, 4);
        assert_eq!(date(before), before.strftime("%Y%m%d").to_string());
    }

    #[test]
    fn vtimezone_writes_the_rules_as_yearly_rules_from_2000() {
        // Six weeks across one change: the rules from 2000 (vobject compares 2000-2020 with
        // its own copy of the zone), the one in force open-ended, so a reader places every
        // later event right too; a past rule ends with an UNTIL.
        assert_eq!(zone("America/Los_Angeles", "2027-02-18T22:00:00Z", "2027-04-08T23:30:00Z"), LOS_ANGELES);
        // Forty years, or a span that starts in 2005: still the same.
        assert_eq!(zone("America/Los_Angeles", "2027-02-18T22:00:00Z", "2067-04-08T23:30:00Z"), LOS_ANGELES);
        assert_eq!(zone("America/Los_Angeles", "2005-01-10T18:00:00Z", "2009-06-01T18:00:00Z"), LOS_ANGELES);
    }

    #[test]
    fn vtimezone_of_southern_half_hour_and_fixed_zones() {
        let sydney = zone("Australia/Sydney", "2027-01-10T00:00:00Z", "2027-12-01T00:00:00Z");
        for rule in [
            // The rule in force since 2008, open-ended.
            "BEGIN:DAYLIGHT\r\nDTSTART:20081005T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU\r\nTZOFFSETFROM:+1000\r\nTZOFFSETTO:+1100\r\n",
            "BEGIN:STANDARD\r\nDTSTART:20080406T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU\r\nTZOFFSETFROM:+1100\r\nTZOFFSETTO:+1000\r\n",
            // The Olympic year's early start: a change that follows no yearly rule.
            "BEGIN:DAYLIGHT\r\nDTSTART:20000827T020000\r\nTZOFFSETFROM:+1000\r\n",
        ] {
            assert!(sydney.contains(rule), "{rule} in {sydney}");
        }
        let lord_howe = zone("Australia/Lord_Howe", "2027-01-10T00:00:00Z", "2027-12-01T00:00:00Z");
        assert!(lord_howe.contains("TZOFFSETFROM:+1030\r\nTZOFFSETTO:+1100\r\n"), "{lord_howe}");
        assert!(lord_howe.matches("RRULE:FREQ=YEARLY;BYMONTH=").count() >= 2, "{lord_howe}");
        assert!(lord_howe.ends_with("END:VTIMEZONE\r\n") && !lord_howe.contains(";UNTIL=2027"), "{lord_howe}");
        let kolkata = zone("Asia/Kolkata", "2027-01-10T00:00:00Z", "2027-12-01T00:00:00Z");
        assert!(kolkata.contains("TZOFFSETTO:+0530\r\n") && !kolkata.contains("RRULE"), "{kolkata}");
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
