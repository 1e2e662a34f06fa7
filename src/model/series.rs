//! A meeting's occurrences: one, or the series of its `repeat` rule; the dates `except`
//! skips (single days and ranges); and the changes `sessions` make to single sessions of a
//! series (the "Additions" of the content model): a new time, place, leader, title, status
//! or note for the session the series places on one date.

use super::{Except, Meeting, MeetingTimes, Occurrence, Session};
use crate::diag::Diagnostic;
use crate::parse::{Doc, SessionFront};
use crate::safe::Accept;
use crate::time::{self, Moment};
use jiff::civil::{Date, DateTime, Time};
use jiff::{SignedDuration, Timestamp, ToSpan, ZonedDateTime};
use std::collections::HashMap;

/// The time fields of one entry of `sessions`, as written, with their lines: placed once
/// the series is expanded.
#[derive(Debug)]
pub(super) struct SessionTimes {
    pub line: usize,
    pub start: Option<(String, usize)>,
    pub end: Option<(String, usize)>,
    pub duration: Option<(String, usize)>,
}

/// Reads `except`: dates (`"2027-03-09"`) and ranges of dates (`"2027-07-01..2027-08-31"`).
pub(super) fn check_except(doc: &Doc, written: &Option<Vec<String>>, errs: &mut Vec<Diagnostic>) -> Vec<Except> {
    let mut out = Vec::new();
    for text in written.iter().flatten() {
        let (first, last) = match text.split_once("..") {
            Some((a, b)) => (a, b),
            None => (text.as_str(), text.as_str()),
        };
        let (Some(first), Some(last)) =
            (super::parse_date(doc, "except", first, errs), super::parse_date(doc, "except", last, errs))
        else {
            continue;
        };
        if last < first {
            errs.push(
                doc.error("except", format!("the range {text:?} in `except` ends before it starts"))
                    .hint(format!("write the earlier date first: \"{last}..{first}\"")),
            );
            continue;
        }
        out.push(Except { first, last });
    }
    out
}

/// Reads `sessions`: each entry needs a `date`, and a date has one entry.
pub(super) fn check_sessions(
    doc: &Doc,
    written: &Option<Vec<serde_saphyr::Spanned<SessionFront>>>,
    series: bool,
    errs: &mut Vec<Diagnostic>,
) -> (Vec<Session>, Vec<SessionTimes>) {
    let (mut sessions, mut times) = (Vec::new(), Vec::new());
    let Some(list) = written.as_ref().filter(|l| !l.is_empty()) else { return (sessions, times) };
    if !series {
        errs.push(
            doc.error("sessions", "`sessions` change single sessions of a series, and this meeting has no `repeat`")
                .hint("add a `repeat` rule, or write the change in the meeting's own fields"),
        );
        return (sessions, times);
    }
    let mut seen: HashMap<Date, usize> = HashMap::new();
    for entry in list {
        let line = entry.referenced.line() as usize + 1;
        let key_line = |key: &str| entry_key_line(&doc.front_text, line, key);
        let SessionFront {
            date,
            start,
            end,
            duration,
            location,
            online,
            leader,
            co_leaders,
            title,
            status,
            note,
            ce_hours,
            ce_category,
            wanted,
        } = &entry.value;
        let Some(date_text) = date else {
            errs.push(
                Diagnostic::error(&doc.shown, line, "this entry of `sessions` has no `date`")
                    .hint("give the date the series places the session on, e.g. date: \"2027-03-16\""),
            );
            continue;
        };
        let Some(date) = date_at(doc, key_line("date"), date_text, errs) else { continue };
        if let Some(first) = seen.insert(date, line) {
            errs.push(
                Diagnostic::error(&doc.shown, line, format!("`sessions` has two entries for {date}"))
                    .hint(format!("the first is on line {first}; write every change of that session in one entry")),
            );
            continue;
        }
        let status = match status.as_deref() {
            None => None,
            Some(s) => match super::parse_status(s) {
                Ok(s) => Some(s),
                Err(e) => {
                    errs.push(Diagnostic::error(&doc.shown, key_line("status"), e.0).hint(e.1));
                    None
                }
            },
        };
        if let (Some(_), Some(_)) = (end, duration) {
            errs.push(
                Diagnostic::error(&doc.shown, key_line("duration"), "both `end` and `duration` are set")
                    .hint("keep one of them"),
            );
            continue;
        }
        let at = |key: &str, v: &Option<String>| v.as_ref().map(|v| (v.clone(), key_line(key)));
        times.push(SessionTimes {
            line,
            start: at("start", start),
            end: at("end", end),
            duration: at("duration", duration),
        });
        sessions.push(Session {
            date,
            line,
            title: super::text_field(title),
            location: location.clone(),
            online: super::check_url_at(doc, "online", key_line("online"), online, Accept::Web, errs),
            leader: leader.clone(),
            co_leaders: co_leaders.clone(),
            status,
            note: super::text_field(note),
            ce_hours: ce_hours.as_ref().and_then(|h| {
                super::check_ce_hours(h)
                    .map_err(|(m, hint)| errs.push(Diagnostic::error(&doc.shown, key_line("ce_hours"), m).hint(hint)))
                    .ok()
            }),
            ce_category: super::text_field(ce_category),
            wanted: wanted.as_ref().and_then(|_| {
                super::check_wanted(wanted)
                    .map_err(|(m, hint)| errs.push(Diagnostic::error(&doc.shown, key_line("wanted"), m).hint(hint)))
                    .ok()
            }),
        });
    }
    (sessions, times)
}

fn date_at(doc: &Doc, line: usize, text: &str, errs: &mut Vec<Diagnostic>) -> Option<Date> {
    let mut own = Vec::new();
    let d = super::parse_date(doc, "date", text, &mut own);
    errs.extend(own.into_iter().map(|mut e| {
        e.line = line;
        e
    }));
    d
}

/// The file line of `key` inside the entry of a list that starts on file line `entry`: the
/// entry's own lines are those up to the next entry or top-level key. `entry` if not found.
fn entry_key_line(front: &str, entry: usize, key: &str) -> usize {
    let lines: Vec<&str> = front.lines().collect();
    let Some(first) = entry.checked_sub(2).and_then(|i| lines.get(i)) else { return entry };
    let dash = first.find('-').unwrap_or(0);
    for (n, l) in lines.iter().enumerate().skip(entry - 2) {
        let indent = l.len() - l.trim_start().len();
        let own = if n == entry - 2 { l.get(dash + 1..).unwrap_or("").trim_start() } else { l.trim_start() };
        if n > entry - 2 && !l.trim().is_empty() && indent <= dash {
            break;
        }
        if own.strip_prefix(key).is_some_and(|r| r.trim_start().starts_with(':')) {
            return n + 2;
        }
    }
    entry
}

/// Expands a meeting into its occurrences: one, or the series of its `repeat` rule up to a
/// horizon 12 months after the later of now and its start (further if an `except` or a
/// session is later), at most 1000. `first` is the first start as placed (an offset the
/// author gave is kept); `length` the exact length of a timed meeting. Dates in `except` are
/// marked skipped; `sessions` change theirs. Errors and warnings are pushed; a session with
/// an error is left out. Also when the series grows as "now" moves (see `Site::changes_at`).
pub(super) fn occurrences(
    t: &MeetingTimes,
    m: &Meeting,
    first: &ZonedDateTime,
    length: SignedDuration,
    now: Timestamp,
    errs: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(Vec<Occurrence>, Option<Timestamp>), Diagnostic> {
    let invalid = |e: &str| {
        t.error(t.repeat_line, format!("`repeat` is not a valid RRULE: {e}"))
            .hint("write an RFC 5545 rule, e.g. \"FREQ=WEEKLY;COUNT=6\" or \"FREQ=MONTHLY;BYDAY=1TU\"")
    };
    if let Some(e) = &t.repeat_error {
        return Err(invalid(e));
    }
    let mut grows_at = None;
    let wall_starts = match &m.repeat {
        None => vec![m.start],
        Some(rule) => {
            let now_wall = now.to_zoned_datetime(m.tz.clone()).datetime();
            let base = now_wall.max(m.start);
            let mut horizon = base.checked_add(12.months()).unwrap_or(base);
            let later = m.except.iter().map(|e| e.last).chain(m.sessions.iter().map(|s| s.date)).max();
            if let Some(day) = later.and_then(|d| d.tomorrow().ok()) {
                horizon = horizon.max(day.to_datetime(Time::midnight()));
            }
            // Expanded two days past the horizon, which moves with "now": the next start past
            // it joins the series when now is 12 months before it (or a little earlier, month
            // ends being uneven), which a build that skips an unchanged site must know
            // (`Site::changes_at`). The starts up to the horizon (the rule's dates in order,
            // the horizon included) are the series.
            let further = horizon.checked_add(2.days()).unwrap_or(horizon);
            let mut starts = time::expand(rule, &m.tz, m.start, further, 1000).map_err(|e| invalid(&e))?;
            if let Some(past) = starts.iter().position(|&s| s > horizon) {
                grows_at = starts[past].checked_sub(12.months()).ok().map(|next| placed(m, next).timestamp());
                starts.truncate(past);
            }
            if starts.is_empty() {
                return Err(t
                    .error(t.repeat_line, "the rule gives no occurrence at all")
                    .hint("check UNTIL and COUNT"));
            }
            starts
        }
    };
    let days = m.start.date().until(m.end.date()).map(|s| s.get_days()).unwrap_or(1);
    let mut list: Vec<Occurrence> = wall_starts
        .iter()
        .enumerate()
        .map(|(i, &w)| {
            let (start, end) = if m.all_day {
                let last = w.date().checked_add(days.days()).unwrap_or(w.date());
                (time::start_of_day(&m.tz, w.date()), time::start_of_day(&m.tz, last))
            } else {
                let start = if i == 0 { first.clone() } else { placed(m, w) };
                let end = start.checked_add(length).unwrap_or_else(|_| start.clone());
                (start, end)
            };
            let skipped = m.except.iter().any(|e| e.contains(w.date()));
            Occurrence { skipped, start, end, wall: w, moved_from: None, session: None }
        })
        .collect();
    if m.repeat.is_some() {
        warn_about_except(t, m, &wall_starts, warnings);
    } else if !m.except.is_empty() {
        warnings.push(
            t.warning(t.except_line, "`except` skips dates of a series, and this meeting has no `repeat`")
                .hint("remove `except`, or add a `repeat` rule"),
        );
    }
    for (si, (s, st)) in m.sessions.iter().zip(&t.sessions).enumerate() {
        let index = u16::try_from(si).unwrap_or(u16::MAX);
        if let Err(e) = apply_session(t, m, s, st, index, &wall_starts, &mut list, length) {
            errs.push(e);
        }
    }
    list.sort_by_key(|o| o.start.timestamp());
    Ok((list, grows_at))
}

/// A later occurrence of a series, placed as [`time::place`] reads it.
fn placed(m: &Meeting, w: DateTime) -> ZonedDateTime {
    time::place(&m.tz, w).map_or_else(|_| time::start_of_day(&m.tz, w.date()), |p| p.0)
}

/// A warning for each `except` that skips no date of the series (within the dates moot lists).
fn warn_about_except(t: &MeetingTimes, m: &Meeting, starts: &[DateTime], warnings: &mut Vec<Diagnostic>) {
    for e in &m.except {
        if starts.iter().any(|w| e.contains(w.date())) {
            continue;
        }
        let what = if e.first == e.last { format!("{}", e.first) } else { format!("{}..{}", e.first, e.last) };
        let near: Vec<String> = nearest(starts, e.first).into_iter().map(|d| d.to_string()).collect();
        warnings.push(
            t.warning(t.except_line, format!("`except` {what:?} is not a date of this series, so it skips nothing"))
                .hint(format!("the nearest dates of the series are {}", near.join(" and "))),
        );
    }
}

/// The series' dates just before and after `d`.
fn nearest(starts: &[DateTime], d: Date) -> Vec<Date> {
    let after = starts.partition_point(|w| w.date() < d);
    let mut out: Vec<Date> =
        starts[after.saturating_sub(1)..(after + 1).min(starts.len())].iter().map(|w| w.date()).collect();
    out.dedup();
    out
}

/// Applies one entry of `sessions` to the occurrences the series places on its date.
#[allow(clippy::too_many_arguments)]
fn apply_session(
    t: &MeetingTimes,
    m: &Meeting,
    s: &Session,
    st: &SessionTimes,
    index: u16,
    starts: &[DateTime],
    list: &mut [Occurrence],
    length: SignedDuration,
) -> Result<(), Diagnostic> {
    let on_date: Vec<usize> = (0..starts.len()).filter(|&i| starts[i].date() == s.date).collect();
    if on_date.is_empty() {
        let near: Vec<String> = nearest(starts, s.date).into_iter().map(|d| d.to_string()).collect();
        return Err(t.error(st.line, format!("{} is not a date of this series", s.date)).hint(format!(
            "`date` is the date the series places the session on; the nearest are {}",
            near.join(" and ")
        )));
    }
    if on_date.iter().any(|&i| list[i].skipped) {
        return Err(t
            .error(st.line, format!("{} is skipped by `except`", s.date))
            .hint("remove the date from `except` to change that session, or remove this entry"));
    }
    let moves = st.start.is_some() || st.end.is_some() || st.duration.is_some();
    if moves && on_date.len() > 1 {
        return Err(t
            .error(
                st.start.as_ref().map_or(st.line, |s| s.1),
                format!("the series has {} sessions on {}, so moot cannot tell which one moves", on_date.len(), s.date),
            )
            .hint("skip that date with `except` and add a meeting file for the new time"));
    }
    for &i in &on_date {
        list[i].session = Some(index);
        if moves {
            let (start, end) = moved(t, m, st, &list[i], length)?;
            if start != list[i].start {
                list[i].moved_from = Some(list[i].start.clone());
            }
            list[i].start = start;
            list[i].end = end;
        }
    }
    Ok(())
}

/// A time of day alone, `"15:00"` or `"15:00:00"`.
fn time_of_day(text: &str) -> Option<Time> {
    let t = text.trim();
    if t.len() != 5 && t.len() != 8 {
        return None;
    }
    Time::strptime(if t.len() == 5 { "%H:%M" } else { "%H:%M:%S" }, t).ok()
}

/// The new start and end of a moved session: `start` a time (that day) or a date and time
/// (a date for an all-day series); `end` or `duration`, else the series' own length.
fn moved(
    t: &MeetingTimes,
    m: &Meeting,
    st: &SessionTimes,
    o: &Occurrence,
    length: SignedDuration,
) -> Result<(ZonedDateTime, ZonedDateTime), Diagnostic> {
    let forms = if m.all_day {
        "an all-day series moves to a date, e.g. start: \"2027-03-17\""
    } else {
        "write a time (\"15:00\") or a date and time (\"2027-03-17 15:00\"), in the meeting's zone"
    };
    let read = |(text, line): &(String, usize), day: Date| -> Result<Moment, Diagnostic> {
        if let Some(tod) = time_of_day(text) {
            return Ok(Moment::Local(day.to_datetime(tod)));
        }
        time::parse_moment(text).map_err(|e| t.error(*line, e).hint(forms))
    };
    let wrong = |line: usize| t.error(line, "this session's time does not fit the series").hint(forms);
    let place = |w: DateTime, line: usize| time::place(&m.tz, w).map(|p| p.0).map_err(|e| t.error(line, e));
    let day = o.start.date();
    if m.all_day {
        let days = o.start.date().until(o.end.date()).map(|s| s.get_days()).unwrap_or(1);
        let first = match &st.start {
            None => day,
            Some(s) => match read(s, day)? {
                Moment::Date(d) => d,
                _ => return Err(wrong(s.1)),
            },
        };
        let last = match (&st.end, &st.duration) {
            (Some(e), _) => match read(e, first)? {
                Moment::Date(d) => d,
                _ => return Err(wrong(e.1)),
            },
            (None, Some((d, line))) => {
                let dur = time::parse_duration(d).map_err(|e| t.error(*line, e))?;
                first.checked_add(((dur.as_secs() + 86_399) / 86_400 - 1).days()).unwrap_or(first)
            }
            (None, None) => first.checked_add((days - 1).days()).unwrap_or(first),
        };
        if last < first {
            let line = st.end.as_ref().map_or(st.line, |e| e.1);
            return Err(t
                .error(line, format!("the session ends ({last}) before it starts ({first})"))
                .hint("`end` is the last day of an all-day session"));
        }
        let end = last.tomorrow().unwrap_or(last);
        return Ok((time::start_of_day(&m.tz, first), time::start_of_day(&m.tz, end)));
    }
    let start = match &st.start {
        None => o.start.clone(),
        Some(s) => match read(s, day)? {
            Moment::Local(w) => place(w, s.1)?,
            Moment::Instant(ts) => ts.to_zoned_datetime(m.tz.clone()),
            Moment::Date(_) => return Err(wrong(s.1)),
        },
    };
    let end = match (&st.end, &st.duration) {
        (Some(e), _) => match read(e, start.date())? {
            Moment::Local(w) => place(w, e.1)?,
            Moment::Instant(ts) => ts.to_zoned_datetime(m.tz.clone()),
            Moment::Date(_) => return Err(wrong(e.1)),
        },
        (None, Some((d, line))) => {
            let dur = time::parse_duration(d)
                .map_err(|e| t.error(*line, e).hint("write it like \"2h\", \"90m\" or \"1h30m\""))?;
            start.checked_add(dur).map_err(|e| t.error(*line, e.to_string()))?
        }
        (None, None) => start.checked_add(length).unwrap_or_else(|_| start.clone()),
    };
    if end.timestamp() <= start.timestamp() {
        let line = st.end.as_ref().or(st.duration.as_ref()).map_or(st.line, |e| e.1);
        return Err(t
            .error(line, format!("the session ends ({}) before it starts ({})", end.datetime(), start.datetime()))
            .hint("check the session's `start` and `end`, or use `duration`"));
    }
    Ok((start, end))
}
