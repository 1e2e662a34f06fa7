//! Views: the model as the templates see it. Small serde structs made per page, borrowing
//! from the model, so no page clones the whole site into its context.

use super::reads::{Cx, Head};
use crate::model::{ArticleId, Item, ItemId, Meeting, Occurrence, Site, Status, StoryId};
use crate::parse::Kind;
use jiff::civil::Date;
use jiff::ZonedDateTime;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct SiteView<'a> {
    pub title: &'a str,
    pub base_url: &'a str,
    pub base_path: &'a str,
    pub language: &'a str,
    pub timezone: &'a str,
    /// Today's date in the site's zone (a date, so pages do not change every second).
    pub today: String,
    pub year: i16,
    pub drafts_shown: bool,
    /// Whether the site has git history (and so /recent-changes/).
    pub history: bool,
    /// The site's calendar feed (https and webcal://).
    pub calendar: super::calendar::Feed,
    /// Whether a meeting counts for continuing education (and so /ce/ lists something).
    pub has_ce: bool,
    /// The forge's page that adds a meeting, filled in (with `repo` in moot.toml).
    pub propose_url: Option<String>,
    /// The image of link previews for pages without one (`image` in moot.toml), or "".
    pub image: String,
    /// The theme's `nav` component as each page would call it, `current` the key (`none`
    /// for `""`): rendered once per build (see [`NAV_CURRENT`]), not once per page, where
    /// it was a quarter of a page's rendering.
    /// (Left out when the component does not render, so that a page using it fails.)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nav: Option<std::collections::BTreeMap<&'static str, String>>,
}

/// The `current` section of each page of the built-in theme, and its key in `site.nav`.
pub(super) const NAV_CURRENT: [(&str, &str); 9] = [
    ("none", ""),
    ("home", "home"),
    ("groups", "groups"),
    ("meetings", "meetings"),
    ("calendar", "calendar"),
    ("stories", "stories"),
    ("articles", "articles"),
    ("wiki", "wiki"),
    ("tags", "tags"),
];

impl<'a> SiteView<'a> {
    /// Made once per build, outside any job: everything here is [`super::reads::Fact::Global`].
    pub(super) fn new(site: &'a Site) -> Self {
        let now = site.now.to_zoned_datetime(site.config.timezone.clone());
        SiteView {
            title: &site.config.title,
            base_url: &site.config.base_url,
            base_path: &site.config.base_path,
            language: &site.config.language,
            timezone: &site.config.timezone_name,
            today: now.date().to_string(),
            year: now.year(),
            drafts_shown: site.drafts_shown,
            calendar: super::calendar::Feed::of_site(&site.config),
            history: site.history.is_some(),
            has_ce: site.meetings.iter().any(crate::model::Meeting::has_ce),
            propose_url: propose_url(&site.config, now.date(), None),
            image: site.config.image.as_deref().map(|i| site.config.absolute(i)).unwrap_or_default(),
            nav: Default::default(),
        }
    }
}

#[derive(Serialize, Clone)]
pub struct Link<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub kind: &'static str,
}

pub(super) fn link(head: Head<'_>) -> Link<'_> {
    Link { title: head.title, url: head.url, kind: head.kind.label() }
}

#[derive(Serialize)]
pub(super) struct TagLink<'a> {
    pub name: &'a str,
    pub url: String,
}

/// A page in a list: title, kind, date and a line of summary.
#[derive(Serialize)]
pub(super) struct Card<'a> {
    pub kind: &'static str,
    /// `kind` as a class name.
    pub class: &'static str,
    pub title: &'a str,
    pub url: &'a str,
    pub summary: &'a str,
    pub date: Option<String>,
    pub date_iso: Option<String>,
    pub meta: Option<String>,
    /// A story's author's page.
    pub meta_url: Option<String>,
    pub draft: bool,
}

pub(super) fn card<'a>(cx: &Cx<'_, 'a>, idx: ItemId) -> Card<'a> {
    let head = cx.head(idx);
    let (date, meta) = match head.kind {
        Kind::Story => {
            let s = cx.story(cx.story_of(idx));
            (Some(s.date), s.author.clone())
        }
        Kind::Article => {
            let a = cx.article(cx.article_of(idx));
            (a.date, a.format.clone())
        }
        Kind::Meeting => {
            let m = cx.meeting(cx.meeting_of(idx));
            (None, m.occurrences.first().map(|o| when(m, o)))
        }
        _ => (None, None),
    };
    let mut c = card_with(head, cx.excerpt(idx), date, meta);
    if head.kind == Kind::Story {
        c.meta_url = c.meta.as_deref().and_then(|a| cx.person_url(a));
    }
    c
}

pub(super) fn card_with<'a>(head: Head<'a>, excerpt: &'a str, date: Option<Date>, meta: Option<String>) -> Card<'a> {
    Card {
        kind: head.kind.label(),
        class: head.kind.class(),
        title: head.title,
        url: head.url,
        summary: excerpt,
        date: date.map(long_date),
        date_iso: date.map(|d| d.to_string()),
        meta,
        meta_url: None,
        draft: head.draft,
    }
}

/// The card of story number `st`.
pub(super) fn story_card<'a>(cx: &Cx<'_, 'a>, st: StoryId) -> Card<'a> {
    let s = cx.story(st);
    let mut c = card_with(cx.head(s.item), cx.excerpt(s.item), Some(s.date), s.author.clone());
    c.meta_url = s.author.as_deref().and_then(|a| cx.person_url(a));
    c
}

/// The card of article number `a`.
pub(super) fn article_card<'a>(cx: &Cx<'_, 'a>, a: ArticleId) -> Card<'a> {
    let a = cx.article(a);
    card_with(cx.head(a.item), cx.excerpt(a.item), a.date, a.format.clone())
}

pub(super) fn long_date(d: Date) -> String {
    d.strftime("%-d %B %Y").to_string()
}

/// "Thu 3 Dec 2026, 14:00–16:00 PST", "Fri 22 Jan 2027 (all day)".
pub(super) fn when(m: &Meeting, o: &Occurrence) -> String {
    let (start, end) = (o.start.date(), o.end.date());
    if m.all_day {
        let last = o.last_day();
        if last == start {
            return format!("{} (all day)", day(start, true));
        }
        return format!("{} – {} (all day)", day(start, false), day(last, true));
    }
    let abbr = crate::time::abbreviation(&o.start);
    let end_abbr = crate::time::abbreviation(&o.end);
    let (from, to) = (clock(o.start.time()), clock(o.end.time()));
    if end_abbr != abbr && start == end {
        // Across a change of the clocks: each time with its own zone name.
        return format!("{}, {from} {abbr} – {to} {end_abbr}", day(start, true));
    }
    if start == end {
        format!("{}, {from}–{to} {abbr}", day(start, true))
    } else {
        format!("{} {from} – {} {to} {abbr}", day(start, true), day(end, false))
    }
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// "Thu 3 Dec 2026" (with `year`) or "Thu 3 Dec": strftime's "%a %-d %b %Y", written out
/// (lists show thousands, and strftime reads its format each time).
pub(super) fn day(d: Date, year: bool) -> String {
    let weekday = WEEKDAYS[usize::from(d.weekday().to_monday_zero_offset().unsigned_abs())];
    let month = MONTHS[usize::from(d.month().unsigned_abs()) - 1];
    match (year, d.year()) {
        (false, _) => format!("{weekday} {} {month}", d.day()),
        (true, y @ 1000..=9999) => format!("{weekday} {} {month} {y}", d.day()),
        (true, _) => d.strftime("%a %-d %b %Y").to_string(),
    }
}

/// "09:05": strftime's "%H:%M", written out.
pub(super) fn clock(t: jiff::civil::Time) -> String {
    let mut s = String::with_capacity(5);
    super::ics::push_digits(&mut s, t.hour().unsigned_abs().into(), 2);
    s.push(':');
    super::ics::push_digits(&mut s, t.minute().unsigned_abs().into(), 2);
    s
}

fn iso(z: &ZonedDateTime) -> String {
    z.timestamp().strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// One occurrence of a meeting in a list or on a calendar.
#[derive(Serialize)]
pub struct OccView<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub when: &'a str,
    pub weekday: &'a str,
    pub day: i8,
    pub month: &'a str,
    pub year: i16,
    pub month_name: &'a str,
    pub start_iso: &'a str,
    pub end_iso: &'a str,
    /// Local start time ("14:00") and zone abbreviation ("PST").
    pub time: &'a str,
    pub abbr: &'a str,
    pub status: Status,
    pub skipped: bool,
    pub all_day: bool,
    pub location: Option<&'a str>,
    pub online: bool,
    pub groups: Vec<Link<'a>>,
    /// What an entry of `sessions` says of it: where the series had it ("Tue 16 Mar,
    /// 14:00"), who leads it if not the series' leader, and its note.
    pub moved_from: Option<&'a str>,
    pub leader: Option<super::people::PersonLink<'a>>,
    pub note: Option<&'a str>,
    /// "1.5 CE hours", and the CE category.
    pub ce: Option<&'a str>,
    pub ce_category: Option<&'a str>,
    /// "Co-leader wanted", … for a session that takes place.
    pub wanted: Vec<&'static str>,
}

/// Occurrences of a list under one heading (or none), by month: built here rather than
/// grouped in the template, where each `filter` copied the whole list.
#[derive(Serialize)]
pub(super) struct OccSection<'a> {
    pub heading: Option<&'static str>,
    /// The heading level of each month's title.
    pub level: u8,
    /// Every date here is upcoming: the page script hides those that pass.
    pub upcoming: bool,
    pub months: Vec<OccMonth<'a>>,
}

#[derive(Serialize)]
pub(super) struct OccMonth<'a> {
    pub name: &'a str,
    pub occurrences: Vec<OccView<'a>>,
}

impl<'a> OccSection<'a> {
    pub(super) fn new(heading: Option<&'static str>, level: u8, upcoming: bool, list: Vec<OccView<'a>>) -> Self {
        let mut months: Vec<OccMonth> = Vec::new();
        for o in list {
            match months.last_mut() {
                Some(m) if m.name == o.month_name => m.occurrences.push(o),
                _ => months.push(OccMonth { name: o.month_name, occurrences: vec![o] }),
            }
        }
        OccSection { heading, level, upcoming, months }
    }
}

/// The text of an occurrence that every list showing it needs: made once per build (an
/// occurrence is in several lists, and formatting dates was a tenth of a build's time).
pub(super) struct OccText {
    when: String,
    weekday: String,
    month: String,
    month_name: String,
    start_iso: String,
    end_iso: String,
    time: String,
    abbr: String,
    moved_from: Option<String>,
    ce: Option<String>,
}

impl OccText {
    pub(super) fn new(m: &Meeting, o: &Occurrence) -> OccText {
        OccText {
            when: when(m, o),
            weekday: o.start.strftime("%a").to_string(),
            month: o.start.strftime("%b").to_string(),
            month_name: o.start.strftime("%B %Y").to_string(),
            start_iso: iso(&o.start),
            end_iso: iso(&o.end),
            time: clock(o.start.time()),
            abbr: crate::time::abbreviation(&o.start),
            moved_from: moved_from(m, o),
            ce: m.ce_hours_at(o).map(crate::model::CeHours::label),
        }
    }
}

/// Where the series had an occurrence that `sessions` moved: "Tue 16 Mar, 14:00".
pub(super) fn moved_from(m: &Meeting, o: &Occurrence) -> Option<String> {
    o.moved_from.as_ref().map(|z| {
        if m.all_day {
            z.strftime("%a %-d %b").to_string()
        } else {
            z.strftime("%a %-d %b, %H:%M").to_string()
        }
    })
}

/// An occurrence as lists show it; `text` is its [`OccText`].
pub(super) fn occ<'a>(cx: &Cx<'_, 'a>, m: &'a Meeting, o: &Occurrence, text: &'a OccText) -> OccView<'a> {
    let head = cx.head(m.item);
    OccView {
        title: m.title_at(o, head.title),
        url: head.url,
        when: &text.when,
        weekday: &text.weekday,
        day: o.start.day(),
        month: &text.month,
        year: o.start.year(),
        month_name: &text.month_name,
        start_iso: &text.start_iso,
        end_iso: &text.end_iso,
        time: &text.time,
        abbr: &text.abbr,
        status: m.status_at(o),
        skipped: o.skipped,
        all_day: m.all_day,
        location: m.location_at(o),
        online: m.online_at(o).is_some(),
        groups: m.groups.iter().map(|&g| link(cx.head(cx.group_item(g)))).collect(),
        moved_from: text.moved_from.as_deref(),
        leader: m
            .session_of(o)
            .and_then(|s| s.leader.as_deref())
            .filter(|l| !l.trim().is_empty())
            .map(|l| super::people::link(cx, l)),
        note: m.note_at(o),
        ce: text.ce.as_deref(),
        ce_category: m.ce_category_at(o),
        wanted: if m.takes_place(o) { m.wanted_at(o).iter().map(|r| r.wanted_label()).collect() } else { Vec::new() },
    }
}

/// Any page's own fields.
#[derive(Serialize)]
pub(super) struct PageView<'a> {
    pub kind: &'static str,
    pub title: &'a str,
    pub url: &'a str,
    pub permalink: String,
    pub summary: Option<&'a str>,
    pub description: &'a str,
    /// The absolute address of the page's first image, for link previews ("" if none).
    pub image: String,
    pub html: &'a str,
    pub toc: &'a [crate::markdown::TocEntry],
    pub tags: Vec<TagLink<'a>>,
    pub backlinks: Vec<Link<'a>>,
    pub draft: bool,
    pub source: String,
    /// Last updated, first published and the history page, from git.
    pub history: Option<super::history::PageHistory>,
    /// "Edit this page" and the file's history on the forge (with `repo` in moot.toml).
    pub edit_url: String,
    pub source_history_url: String,
}

/// The forge's page that adds a meeting file, filled in with a meeting's fields (the group's
/// slug when it is a group's), dated two weeks from today; `None` without `repo`.
pub(super) fn propose_url(config: &crate::config::Config, today: Date, group: Option<&str>) -> Option<String> {
    let repo = config.repo.as_ref()?;
    let day = today.checked_add(jiff::ToSpan::days(14)).unwrap_or(today);
    let group_line = group.map_or_else(
        || "group: \"\"              # the group's file name, e.g. alma-cataloging\n".to_string(),
        |g| format!("group: {g}\n"),
    );
    let text = format!(
        "---\ntitle: \"The meeting's title\"\n{group_line}start: \"{day} 14:00\"       # date and local time\n\
         duration: \"2h\"\nlocation: \"Where we meet\"     # or online: \"https://...\"\nleader: \"Your name\"\n\
         wanted: [co_leader]            # remove when you have a co-leader\nsummary: \"One line about it\"\n---\n\n\
         What we will do, what to read or bring, and who it is for.\n"
    );
    Some(repo.new_file_url(&format!("content/meetings/{}", day.year()), "your-meeting-title.md", &text))
}

pub(super) fn page<'a>(cx: &Cx<'_, 'a>, idx: ItemId) -> PageView<'a> {
    let site = cx.site();
    let item = cx.item(idx);
    let body = cx.body(idx);
    let mut backlinks: Vec<Link> = cx.backlinks(idx).iter().map(|&i| link(cx.head(i))).collect();
    backlinks.sort_by(|a, b| a.title.cmp(b.title));
    PageView {
        kind: item.kind.label(),
        title: &item.title,
        url: &item.url,
        permalink: site.config.absolute(&item.url),
        summary: item.summary.as_deref(),
        description: cx.excerpt(idx),
        image: super::structured::first_image(&body.html).map(|src| site.config.absolute(src)).unwrap_or_default(),
        html: &body.html,
        toc: if body.toc.len() >= 3 { &body.toc } else { &[] },
        tags: tag_links(site.config, item),
        backlinks,
        draft: item.draft,
        source: item.shown.display().to_string(),
        history: super::history::of_page(cx, idx),
        edit_url: site.config.repo.as_ref().map(|r| r.edit_url(&source_path(item))).unwrap_or_default(),
        source_history_url: site.config.repo.as_ref().map(|r| r.history_url(&source_path(item))).unwrap_or_default(),
    }
}

/// An item's file relative to the site's folder, `/`-separated.
fn source_path(item: &Item) -> String {
    item.shown.to_string_lossy().replace('\\', "/")
}

pub(super) fn tag_links<'a>(config: &crate::config::Config, item: &'a Item) -> Vec<TagLink<'a>> {
    item.tags.iter().map(|(slug, name)| TagLink { name, url: tag_url(config, slug) }).collect()
}

pub(super) fn tag_url(config: &crate::config::Config, slug: &str) -> String {
    config.routes().tag(slug)
}

/// A list's pages: which one this is and where the others are.
#[derive(Serialize)]
pub(super) struct Pager {
    pub current: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// Links to nearby pages: the first, the last, and two either side of this one, with
    /// `(0, "")` where numbers are left out. All of them would make a list of 200 pages
    /// 200 links long on each of its pages (and rendering quadratic).
    pub pages: Vec<(usize, String)>,
}

pub(super) use crate::routes::list_page as page_url;

pub(super) fn pager(base: &str, current: usize, total: usize) -> Pager {
    Pager {
        current,
        total,
        prev: (current > 1).then(|| page_url(base, current - 1)),
        next: (current < total).then(|| page_url(base, current + 1)),
        pages: {
            let shown = |n: usize| n == 1 || n == total || n.abs_diff(current) <= 2;
            let mut pages = Vec::new();
            for n in (1..=total).filter(|&n| shown(n)) {
                if pages.last().is_some_and(|&(last, _)| n > last + 1) {
                    pages.push((0, String::new()));
                }
                pages.push((n, page_url(base, n)));
            }
            pages
        },
    }
}

#[cfg(test)]
mod tests {
    use super::{clock, day, pager};

    #[test]
    fn days_and_clocks_are_written_as_strftime_writes_them() {
        let mut d = jiff::civil::date(1999, 12, 25);
        while d.year() < 2032 {
            assert_eq!(day(d, true), d.strftime("%a %-d %b %Y").to_string());
            assert_eq!(day(d, false), d.strftime("%a %-d %b").to_string());
            d = d.tomorrow().unwrap();
        }
        for y in [1, 999, 1000, 9999, -4] {
            let d = jiff::civil::date(y, 2, 3);
            assert_eq!(day(d, true), d.strftime("%a %-d %b %Y").to_string());
        }
        for h in 0..24 {
            for m in 0..60 {
                let t = jiff::civil::time(h, m, 7, 0);
                assert_eq!(clock(t), t.strftime("%H:%M").to_string());
            }
        }
    }

    #[test]
    fn a_long_list_links_to_nearby_pages_with_gaps() {
        let numbers = |p: &super::Pager| p.pages.iter().map(|(n, _)| *n).collect::<Vec<_>>();
        assert_eq!(numbers(&pager("/m/", 1, 200)), [1, 2, 3, 0, 200]);
        assert_eq!(numbers(&pager("/m/", 50, 200)), [1, 0, 48, 49, 50, 51, 52, 0, 200]);
        assert_eq!(numbers(&pager("/m/", 4, 6)), [1, 2, 3, 4, 5, 6]);
        let p = pager("/m/", 3, 3);
        assert_eq!(p.pages[0].1, "/m/");
        assert_eq!(p.pages[2].1, "/m/page/3/");
        assert_eq!(p.next, None);
    }
}
