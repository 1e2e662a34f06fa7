//! The calendar: .ics feeds (the site's, each group's, each meeting's), "add to calendar"
//! links, and month pages (`/calendar/YYYY/MM/`, with `/calendar/` showing this month).

use super::reads::{Cx, List};
use super::views::OccView;
use super::{ics, Body, Output, Pairs};
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::model::{GroupId, Meeting, MeetingId, Occurrence, Site};
use crate::routes::encode_query as encode;
use jiff::civil::Date;
use jiff::ToSpan;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A calendar feed to subscribe to: its name, https URL and webcal:// URL.
#[derive(Serialize)]
pub(super) struct Feed {
    pub title: String,
    pub https: String,
    pub webcal: String,
}

impl Feed {
    fn new(config: &Config, title: String, root_relative: &str) -> Feed {
        let https = config.absolute(root_relative);
        let webcal = format!("webcal://{}", https.split_once("://").map_or(https.as_str(), |(_, rest)| rest));
        Feed { title, https, webcal }
    }

    pub(super) fn of_site(config: &Config) -> Feed {
        Feed::new(config, format!("All meetings of {}", config.title), &config.routes().file("calendar.ics"))
    }

    pub(super) fn of_group(cx: &Cx, g: GroupId) -> Feed {
        let head = cx.head(cx.group_item(g));
        Feed::new(cx.site().config, head.title.to_string(), &crate::routes::calendar_of(head.url))
    }

    pub(super) fn of_ce(config: &Config) -> Feed {
        Feed::new(config, format!("Continuing education at {}", config.title), &config.routes().file("ce/calendar.ics"))
    }

    pub(super) fn of_tag(config: &Config, slug: &str, name: &str) -> Feed {
        Feed::new(config, format!("Meetings tagged “{name}”"), &crate::routes::calendar_of(&config.routes().tag(slug)))
    }
}

/// The meetings of a site, group or tag feed: those with a date since `feed_past` ago (a
/// series without an end always), so a community with years of meetings does not serve a
/// feed that calendar programs time out on. A meeting's own feed holds its whole series.
fn recent(cx: &Cx, meetings: impl IntoIterator<Item = MeetingId>) -> Vec<MeetingId> {
    let s = cx.site();
    let since = s.today.checked_sub(s.config.feed_past).unwrap_or(Date::MIN);
    meetings
        .into_iter()
        .filter(|&mi| {
            let m = cx.meeting(mi);
            m.repeat.as_ref().is_some_and(crate::time::Rule::open_ended)
                || m.occurrences.iter().any(|o| o.last_day() >= since)
        })
        .collect()
}

/// The meetings of a tag (those of its pages that are meetings).
pub(super) fn tag_meetings(cx: &Cx, slug: &str) -> Vec<MeetingId> {
    let Some((_, items)) = cx.tags().get(slug) else { return Vec::new() };
    items.iter().filter(|&&i| cx.head(i).kind == crate::parse::Kind::Meeting).map(|&i| cx.meeting_of(i)).collect()
}

/// A tag's feed: its meetings across every group.
pub(super) fn tag_feed(cx: &Cx, slug: &str) -> Vec<Output> {
    let s = cx.site();
    let Some((name, _)) = cx.tags().get(slug) else { return Vec::new() };
    let meetings = recent(cx, tag_meetings(cx, slug));
    let title = format!("{} — tagged “{name}”", s.config.title);
    let routes = s.config.routes();
    vec![Output {
        path: routes.file_output(&crate::routes::calendar_of(&routes.tag(slug))),
        body: Body::Bytes(ics::calendar(cx, &title, &meetings, ics::Text::Summary).into_bytes()),
    }]
}

/// Root-relative URL of a meeting's own .ics: `/meetings/2027/lab.ics` beside `/meetings/2027/lab/`.
pub(super) fn meeting_ics_url(cx: &Cx, m: &Meeting) -> String {
    cx.site().config.routes().meeting_calendar(cx.head(m.item).path)
}

/// The site's feed: every meeting.
pub(super) fn site_feed(cx: &Cx) -> Output {
    let s = cx.site();
    let all = recent(cx, (0..cx.counts().meetings).map(MeetingId));
    Output {
        path: s.config.routes().file_output(&s.config.routes().file("calendar.ics")),
        body: Body::Bytes(ics::calendar(cx, &s.config.title, &all, ics::Text::Summary).into_bytes()),
    }
}

/// A group's feed: its meetings, shared ones included.
pub(super) fn group_feed(cx: &Cx, g: GroupId) -> Output {
    let s = cx.site();
    let group = cx.group(g);
    let head = cx.head(group.item);
    let name = format!("{} — {}", head.title, s.config.title);
    Output {
        path: s.config.routes().file_output(&crate::routes::calendar_of(head.url)),
        body: Body::Bytes(
            ics::calendar(cx, &name, &recent(cx, group.meetings.iter().copied()), ics::Text::Summary).into_bytes(),
        ),
    }
}

/// The continuing-education feed: the meetings with CE hours (a series with CE sessions whole).
pub(super) fn ce_feed(cx: &Cx) -> Output {
    let s = cx.site();
    let ce: Vec<MeetingId> = (0..cx.counts().meetings).map(MeetingId).filter(|&m| cx.meeting(m).has_ce()).collect();
    let routes = s.config.routes();
    Output {
        path: routes.file_output(&routes.file("ce/calendar.ics")),
        body: Body::Bytes(
            ics::calendar(
                cx,
                &format!("Continuing education — {}", s.config.title),
                &recent(cx, ce),
                ics::Text::Summary,
            )
            .into_bytes(),
        ),
    }
}

/// One meeting's .ics.
pub(super) fn meeting_feed(cx: &Cx, m: MeetingId) -> Output {
    let head = cx.head(cx.meeting_item(m));
    let routes = cx.site().config.routes();
    Output {
        path: routes.file_output(&routes.meeting_calendar(head.path)),
        body: Body::Bytes(ics::calendar(cx, head.title, &[m], ics::Text::Whole).into_bytes()),
    }
}

/// A Google Calendar "add event" link: the meeting, or for a series its first occurrence
/// with the series' rule (so COUNT and UNTIL mean what they mean in the .ics). Google's link
/// takes no EXDATE, so skipped dates are only right in the .ics.
pub(super) fn google_url(cx: &Cx, m: &Meeting, o: &Occurrence) -> String {
    let s = cx.site();
    let item = cx.head(m.item);
    let dates = if m.all_day {
        format!("{}/{}", o.start.date().strftime("%Y%m%d"), o.end.date().strftime("%Y%m%d"))
    } else {
        format!("{}/{}", o.start.strftime("%Y%m%dT%H%M%S"), o.end.strftime("%Y%m%dT%H%M%S"))
    };
    let mut url = format!(
        "https://calendar.google.com/calendar/render?action=TEMPLATE&text={}&dates={dates}&ctz={}&details={}",
        encode(item.title),
        encode(&m.tz_name),
        encode(&s.absolute(item.url))
    );
    if let Some(place) = m.location.as_deref().or(m.online.as_deref()) {
        url.push_str(&format!("&location={}", encode(place)));
    }
    if let Some(rule) = &m.repeat {
        url.push_str(&format!("&recur={}", encode(&format!("RRULE:{}", ics::ics_rule(rule, m)))));
    }
    url
}

/// Every occurrence (skipped ones left out) by the local date it starts on.
pub(super) fn by_day(site: &Site) -> BTreeMap<Date, Pairs> {
    let mut days: BTreeMap<Date, Pairs> = BTreeMap::new();
    for (mi, m) in site.meetings.iter().enumerate() {
        for (oi, o) in m.occurrences.iter().enumerate() {
            if !o.skipped {
                days.entry(o.start.date()).or_default().push((MeetingId(mi), oi));
            }
        }
    }
    for pairs in days.values_mut() {
        pairs.sort_by_key(|&(m, o)| (site.meetings[m].occurrences[o].start.timestamp(), site.meetings[m].item));
    }
    days
}

/// The months with occurrences that are not skipped.
pub(super) fn month_set(days: &BTreeMap<Date, Pairs>) -> BTreeSet<(i16, i8)> {
    days.keys().map(|d| (d.year(), d.month())).collect()
}

/// The months that have occurrences, and this month.
pub(super) fn months(cx: &Cx) -> Vec<(i16, i8)> {
    let s = cx.site();
    let today = s.today;
    let mut months = month_set(&cx.list(List::Days).days);
    months.insert((today.year(), today.month()));
    months.into_iter().collect()
}

#[derive(Serialize)]
struct Day<'v, 'a> {
    date_iso: String,
    day: i8,
    in_month: bool,
    is_today: bool,
    occurrences: &'v [OccView<'a>],
}

/// Which calendar a month page is of: every meeting, or continuing education only.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    All,
    Ce,
}

/// The months of the CE calendar (those with CE sessions).
pub(super) fn ce_months(cx: &Cx) -> Vec<(i16, i8)> {
    month_set(&cx.list(List::CeDays).ce_days).into_iter().collect()
}

/// A month of the CE calendar, to print: the grid and the list of its CE sessions.
pub(super) fn ce_month_page(cx: &Cx, y: i16, m: i8) -> Result<Vec<Output>, Diagnostic> {
    month_of(cx, y, m, false, Which::Ce)
}

#[derive(Serialize)]
struct MonthView<'v, 'a> {
    title: String,
    key: String,
    url: String,
    prev_url: Option<String>,
    next_url: Option<String>,
    weekdays: [&'static str; 7],
    weeks: Vec<Vec<Day<'v, 'a>>>,
    occurrences: &'v [OccView<'a>],
    feed: Feed,
    /// A month of the continuing-education calendar.
    ce: bool,
}

fn month_url(config: &Config, y: i16, m: i8, which: Which) -> String {
    match which {
        Which::All => config.routes().month(y, m),
        Which::Ce => config.routes().ce_month(y, m),
    }
}

/// A month as a grid of weeks (Sunday first) and as a list.
pub(super) fn month_page(cx: &Cx, y: i16, m: i8, current: bool) -> Result<Vec<Output>, Diagnostic> {
    month_of(cx, y, m, current, Which::All)
}

fn month_of(cx: &Cx, y: i16, m: i8, current: bool, which: Which) -> Result<Vec<Output>, Diagnostic> {
    let s = cx.site();
    let first = Date::new(y, m, 1).map_err(|e| Diagnostic::error("calendar", 0, e.to_string()))?;
    let today = s.today;
    let grid_start = first.checked_sub((first.weekday().to_sunday_zero_offset() as i64).days()).unwrap_or(first);
    let last = first.last_of_month();
    // The month's occurrences, made once: the grid's days show runs of the same list.
    let mut occurrences: Vec<OccView> = Vec::new();
    let mut runs: BTreeMap<Date, std::ops::Range<usize>> = BTreeMap::new();
    let days = match which {
        Which::All => &cx.list(List::Days).days,
        Which::Ce => &cx.list(List::CeDays).ce_days,
    };
    for (d, pairs) in days.range(first..=last) {
        let start = occurrences.len();
        occurrences.extend(pairs.iter().map(|&(mi, oi)| cx.occ(mi, oi)));
        runs.insert(*d, start..occurrences.len());
    }
    let mut weeks = Vec::new();
    // The days run out after 9999-12-31: the last week of that December stops there (it ran
    // on for ever, as the day after it was taken to be itself).
    let mut next = Some(grid_start);
    while next.is_some_and(|d| d <= last) {
        let mut week = Vec::with_capacity(7);
        for _ in 0..7 {
            let Some(day) = next else { break };
            let in_month = day.month() == m;
            let run = runs.get(&day).filter(|_| in_month).cloned().unwrap_or_default();
            week.push(Day {
                date_iso: day.to_string(),
                day: day.day(),
                in_month,
                is_today: day == today,
                occurrences: &occurrences[run],
            });
            next = day.tomorrow().ok();
        }
        weeks.push(week);
    }
    let all = match which {
        Which::All => months(cx),
        Which::Ce => ce_months(cx),
    };
    let pos = all.iter().position(|&k| k == (y, m));
    let neighbour = |delta: i32| -> Option<String> {
        let p = pos? as i32 + delta;
        let &(yy, mm) = all.get(usize::try_from(p).ok()?)?;
        Some(month_url(s.config, yy, mm, which))
    };
    let view = MonthView {
        title: first.strftime("%B %Y").to_string(),
        key: format!("{y:04}-{m:02}"),
        url: month_url(s.config, y, m, which),
        prev_url: neighbour(-1),
        next_url: neighbour(1),
        weekdays: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
        weeks,
        occurrences: &occurrences,
        feed: if which == Which::Ce { Feed::of_ce(s.config) } else { Feed::of_site(s.config) },
        ce: which == Which::Ce,
    };
    let mut ctx = cx.context();
    ctx.insert("month", &view);
    ctx.insert("is_current", &current);
    let url = if current { s.config.routes().page("calendar") } else { view.url.clone() };
    cx.page(&url, "calendar.html", &mut ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_query_values() {
        assert_eq!(encode("a b&c/é"), "a%20b%26c%2F%C3%A9");
    }
}
