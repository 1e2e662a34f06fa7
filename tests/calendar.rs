//! The calendar of the valid fixture site: .ics feeds parsed back with the `ical` crate,
//! a byte snapshot of one meeting's feed, and the month pages.

use jiff::Timestamp;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const NOW: i64 = 1_795_608_000; // 2026-11-25 12:00 UTC

fn build() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let mut o = moot::Options::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid"));
    o.output = out.clone();
    o.now = Some(Timestamp::from_second(NOW).unwrap());
    moot::build(&o).unwrap_or_else(|e| panic!("{e}"));
    (dir, out)
}

/// Every VEVENT of a feed as (UID, property name with params -> value).
fn events(text: &str) -> Vec<BTreeMap<String, String>> {
    let reader = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let mut out = Vec::new();
    for cal in reader {
        let cal = cal.unwrap_or_else(|e| panic!("the feed does not parse: {e}\n{text}"));
        for ev in cal.events {
            let mut props = BTreeMap::new();
            for p in ev.properties {
                let params: String =
                    p.params.unwrap_or_default().into_iter().map(|(k, v)| format!(";{k}={}", v.join(","))).collect();
                let key = format!("{}{params}", p.name);
                let value = p.value.unwrap_or_default();
                props.entry(key).and_modify(|v: &mut String| v.push_str(&format!("|{value}"))).or_insert(value);
            }
            out.push(props);
        }
    }
    out
}

fn event<'a>(evs: &'a [BTreeMap<String, String>], summary: &str) -> &'a BTreeMap<String, String> {
    evs.iter().find(|e| e.get("SUMMARY").map(String::as_str) == Some(summary)).unwrap_or_else(|| panic!("no {summary}"))
}

#[test]
fn every_feed_is_well_formed() {
    let (_d, out) = build();
    let feeds: Vec<PathBuf> = walkdir::WalkDir::new(&out)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "ics"))
        .collect();
    assert!(feeds.len() >= 10, "{feeds:?}");
    for f in feeds {
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"), "{}", f.display());
        assert!(!text.replace("\r\n", "").contains('\n'), "bare LF in {}", f.display());
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{} has a line of {} octets", f.display(), line.len());
        }
        // No METHOD: a feed is not a scheduling message (PUBLISH would need an ORGANIZER).
        assert!(!text.contains("METHOD:"), "{}", f.display());
        for needle in ["X-WR-CALNAME:", "REFRESH-INTERVAL;VALUE=DURATION:PT12H", "X-PUBLISHED-TTL:PT12H"] {
            assert!(text.contains(needle), "{needle} in {}", f.display());
        }
        // every TZID used has its VTIMEZONE
        for tzid in text.split("TZID=").skip(1).map(|r| r.split(':').next().unwrap()) {
            assert!(text.contains(&format!("BEGIN:VTIMEZONE\r\nTZID:{tzid}\r\n")), "{tzid} in {}", f.display());
        }
        let n = events(&text).len();
        if f.starts_with(out.join("meetings")) {
            assert_eq!(n, 1, "a meeting's own feed holds that meeting: {}", f.display());
        }
    }
}

#[test]
fn series_all_day_status_and_sharing() {
    let (_d, out) = build();
    let all = std::fs::read_to_string(out.join("calendar.ics")).unwrap();
    let evs = events(&all);
    assert_eq!(evs.len(), 7, "one VEVENT per meeting, series not expanded");
    let lab = event(&evs, "Screen reader lab");
    assert_eq!(lab["DTSTART;TZID=America/Los_Angeles"], "20270218T140000");
    assert_eq!(lab["DTEND;TZID=America/Los_Angeles"], "20270218T153000");
    assert_eq!(lab["RRULE"], "FREQ=WEEKLY;COUNT=8");
    assert_eq!(lab["EXDATE;TZID=America/Los_Angeles"], "20270304T140000");
    assert_eq!(lab["UID"], "meetings/2026/weekly-lab@learn.example.org");
    assert_eq!(lab["DTSTAMP"], "20261125T120000Z");
    assert_eq!(lab["LOCATION"], "https://meet.example.org/lab", "online link when there is no place");
    assert_eq!(lab["CATEGORIES"], "accessibility");
    assert!(
        lab["DESCRIPTION"].contains("Practice with NVDA")
            && lab["DESCRIPTION"].ends_with("https://learn.example.org/meetings/2026/weekly-lab/")
    );
    let monthly = event(&evs, "Storytime swap");
    assert_eq!(monthly["RRULE"], "FREQ=MONTHLY;BYDAY=1TU;UNTIL=20270601T000000Z");
    assert_eq!(monthly["STATUS"], "TENTATIVE");
    let day = event(&evs, "Winter learning day");
    assert_eq!(day["DTSTART;VALUE=DATE"], "20270122");
    assert_eq!(day["DTEND;VALUE=DATE"], "20270123", "exclusive end");
    // Google Calendar drops STATUS:CANCELLED from subscriptions: the title says it too.
    assert_eq!(event(&evs, "Cancelled: Holiday pop-up")["STATUS"], "CANCELLED");
    // X-WR-TIMEZONE names the zone of the feed's events: the site's, or a meeting's own.
    assert!(all.contains("X-WR-TIMEZONE:America/Los_Angeles\r\n"));
    let ny_feed = std::fs::read_to_string(out.join("meetings/2026/ny.ics")).unwrap();
    assert!(ny_feed.contains("X-WR-TIMEZONE:America/New_York\r\n"), "{ny_feed}");
    let ny = event(&evs, "Licensing basics");
    assert_eq!(ny["DTSTART;TZID=America/New_York"], "20261209T100000");
    assert!(all.contains("BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\n"));
    // a meeting shared by two groups is in both group feeds
    for g in ["alma", "east"] {
        let feed = std::fs::read_to_string(out.join(format!("groups/{g}/calendar.ics"))).unwrap();
        assert!(events(&feed).iter().any(|e| e["SUMMARY"] == "Storytime swap"), "{g}");
    }
    let east = std::fs::read_to_string(out.join("groups/east/calendar.ics")).unwrap();
    assert!(!events(&east).iter().any(|e| e["SUMMARY"] == "Screen reader lab"));
}

#[test]
fn text_is_escaped_and_folded() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("moot.toml"), "title = \"T; with, specials\"\nbase_url = \"https://t.example.org\"\n")
        .unwrap();
    std::fs::create_dir_all(root.join("content/meetings")).unwrap();
    std::fs::write(
        root.join("content/meetings/m.md"),
        "---\ntitle: \"Ça, va; très \\\\ bien\"\nstart: \"2026-12-03 14:00\"\nlocation: \"Room 1, Floor 2; back\"\n---\nLine one.\n\nLine two — ünïcödé ünïcödé ünïcödé ünïcödé ünïcödé ünïcödé ünïcödé ünïcödé.\n",
    )
    .unwrap();
    let mut o = moot::Options::new(root);
    o.output = root.join("public");
    o.now = Some(Timestamp::from_second(NOW).unwrap());
    moot::build(&o).unwrap();
    let text = std::fs::read_to_string(root.join("public/meetings/m.ics")).unwrap();
    assert!(text.contains("SUMMARY:Ça\\, va\\; très \\\\ bien\r\n"), "{text}");
    assert!(text.contains("LOCATION:Room 1\\, Floor 2\\; back\r\n"));
    assert!(text.contains("X-WR-CALNAME:Ça\\, va\\; très \\\\ bien\r\n"));
    let ev = events(&text);
    assert!(ev[0]["DESCRIPTION"].starts_with("Line one.\\nLine two — ünïcödé"), "{:?}", ev[0]["DESCRIPTION"]);
    assert!(text.contains("BEGIN:VTIMEZONE\r\nTZID:UTC\r\n"), "a zone without transitions still gets a VTIMEZONE");
}

/// The exact bytes of one meeting's feed. Set UPDATE_SNAPSHOTS=1 to rewrite after a change
/// you have checked by hand.
#[test]
fn snapshot_of_a_series_feed() {
    let (_d, out) = build();
    let got = std::fs::read_to_string(out.join("meetings/2026/weekly-lab.ics")).unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/weekly-lab.ics");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path).expect("snapshot missing: run with UPDATE_SNAPSHOTS=1");
    assert_eq!(got, want);
}

/// Whole feeds of the calendar torture fixture (whose every feed CI also reads with seven
/// readers, scripts/readers/): the site's, a group's, and the meeting with changed sessions.
#[test]
fn snapshots_of_the_calendar_fixtures_feeds() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let mut o = moot::Options::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/calendar"));
    o.output = out.clone();
    o.now = Some(Timestamp::from_second(NOW).unwrap());
    moot::build(&o).unwrap_or_else(|e| panic!("{e}"));
    let mut failed = Vec::new();
    for (feed, name) in [
        ("calendar.ics", "calendar-site.ics"),
        ("groups/sydney/calendar.ics", "calendar-group-sydney.ics"),
        ("meetings/2027/sessions.ics", "calendar-sessions.ics"),
        ("meetings/2027/gap-weekly.ics", "calendar-gap-weekly.ics"),
    ] {
        let got = std::fs::read_to_string(out.join(feed)).unwrap();
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots").join(name);
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(&path, &got).unwrap();
        }
        let want = std::fs::read_to_string(&path).expect("snapshot missing: run with UPDATE_SNAPSHOTS=1");
        if got != want {
            failed.push(feed);
        }
    }
    assert!(failed.is_empty(), "feeds differ from their snapshots: {failed:?}");
}

#[test]
fn month_pages_show_each_occurrence_on_its_day() {
    let (_d, out) = build();
    let march = std::fs::read_to_string(out.join("calendar/2027/03/index.html")).unwrap();
    assert!(march.contains("March 2027"));
    let lab_links = march.matches("href=\"/meetings/2026/weekly-lab/\"").count();
    assert!(lab_links >= 4, "11, 18, 25 March in the grid and the list; {lab_links}");
    for day in ["2027-03-11T22:00:00Z", "2027-03-18T21:00:00Z", "2027-03-25T21:00:00Z"] {
        assert!(march.contains(day), "{day}");
    }
    assert!(!march.contains("2027-03-04T22:00:00Z"), "the excepted date is not on the calendar");
    assert!(out.join("calendar/2026/12/index.html").exists());
    let december = std::fs::read_to_string(out.join("calendar/2026/12/index.html")).unwrap();
    assert!(december.contains("Holiday pop-up"));
    let now = std::fs::read_to_string(out.join("calendar/index.html")).unwrap();
    assert!(now.contains("November 2026"), "/calendar/ shows the current month");
    assert!(now.contains("href=\"/calendar/2026/12/\""), "with a link to the next month");
    let meeting = std::fs::read_to_string(out.join("meetings/2026/weekly-lab/index.html")).unwrap();
    assert!(meeting.contains("href=\"/meetings/2026/weekly-lab.ics\""));
    assert!(
        meeting.contains("https://calendar.google.com/calendar/render?action=TEMPLATE&amp;text=Screen%20reader%20lab")
    );
    assert!(meeting.contains("webcal://learn.example.org/groups/alma/calendar.ics"));
    assert!(meeting.contains("https://learn.example.org/calendar.ics"));
}

/// A small site of its own (not a git repository, so no SEQUENCE or LAST-MODIFIED).
fn build_site(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf, Vec<String>) {
    build_site_with("", files)
}

fn build_site_with(config: &str, files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("moot.toml"),
        format!("title = \"T\"\nbase_url = \"https://t.example.org\"\ntimezone = \"America/Los_Angeles\"\n{config}"),
    )
    .unwrap();
    for (rel, text) in files {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let mut o = moot::Options::new(root);
    o.output = root.join("public");
    o.now = Some(Timestamp::from_second(NOW).unwrap());
    let report = moot::build(&o).unwrap_or_else(|e| panic!("{e}"));
    let warnings = report.warnings.iter().map(|w| w.to_string()).collect();
    let out = root.join("public");
    (dir, out, warnings)
}

const SESSIONS: &str = "---
title: \"Alma sets and jobs\"
start: \"2027-03-02 14:00\"
duration: \"2h\"
location: \"Room 2\"
leader: \"Ana Ruiz\"
repeat: \"COUNT=6;FREQ=WEEKLY;BYDAY=TU\"
except: [\"2027-03-09\", \"2027-03-30..2027-04-03\"]
sessions:
  - date: \"2027-03-16\"
    start: \"2027-03-17 15:00\"
    note: \"Moved a day because of the all-staff meeting.\"
  - date: \"2027-03-23\"
    status: cancelled
  - date: \"2027-04-06\"
    leader: \"Elif Kaya\"
    location: \"Room 5, Annex\"
    title: \"Alma sets and jobs: special guest\"
---
Bring a set.
";

#[test]
fn one_session_of_a_series_can_move_be_cancelled_or_be_led_by_another() {
    let (_d, out, warnings) = build_site(&[("content/meetings/alma.md", SESSIONS)]);
    assert_eq!(warnings, Vec::<String>::new());
    let feed = std::fs::read_to_string(out.join("meetings/alma.ics")).unwrap();
    let evs = events(&feed);
    assert_eq!(evs.len(), 4, "the series and its three changed sessions:\n{feed}");
    let master = &evs[0];
    assert_eq!(master["RRULE"], "FREQ=WEEKLY;COUNT=6;BYDAY=TU", "FREQ first");
    // Every occurrence on an `except` date (a day, and the days of a range) is an EXDATE.
    assert_eq!(master["EXDATE;TZID=America/Los_Angeles"], "20270309T140000|20270330T140000");
    assert!(!master.contains_key("RECURRENCE-ID;TZID=America/Los_Angeles"));
    let by_id = |id: &str| {
        evs.iter().find(|e| e.get("RECURRENCE-ID;TZID=America/Los_Angeles").map(String::as_str) == Some(id)).unwrap()
    };
    let moved = by_id("20270316T140000");
    assert_eq!(moved["UID"], master["UID"]);
    assert_eq!(moved["DTSTART;TZID=America/Los_Angeles"], "20270317T150000");
    assert_eq!(moved["DTEND;TZID=America/Los_Angeles"], "20270317T170000", "the series' length");
    assert!(moved["DESCRIPTION"].starts_with("Moved a day because of the all-staff meeting.\\n\\nLed by Ana Ruiz."));
    let cancelled = by_id("20270323T140000");
    assert_eq!(cancelled["STATUS"], "CANCELLED");
    assert_eq!(cancelled["SUMMARY"], "Cancelled: Alma sets and jobs");
    let guest = by_id("20270406T140000");
    assert_eq!(guest["SUMMARY"], "Alma sets and jobs: special guest");
    assert_eq!(guest["LOCATION"], "Room 5\\, Annex");
    assert!(guest["DESCRIPTION"].starts_with("Led by Elif Kaya."), "{}", guest["DESCRIPTION"]);
    // The site: the meeting page lists each session with its change.
    let page = std::fs::read_to_string(out.join("meetings/alma/index.html")).unwrap();
    assert!(page.contains("Wed 17 Mar 2027, 15:00–17:00 PDT"), "{page}");
    assert!(page.contains("Moved from Tue 16 Mar, 14:00. Moved a day because of the all-staff meeting."), "{page}");
    assert!(
        page.contains(
            "<s>Tue 23 Mar 2027, 14:00–16:00 PDT</s></time> <span class=\"label label-cancelled\">Cancelled</span>"
        ),
        "{page}"
    );
    assert!(page.contains("Led by <a class=\"person\" href=\"/people/elif-kaya/\">Elif Kaya</a>."), "{page}");
    // The month grid shows the moved session on its new day, with its new time.
    let march = std::fs::read_to_string(out.join("calendar/2027/03/index.html")).unwrap();
    assert!(march.contains("2027-03-17T22:00:00Z") && !march.contains("2027-03-16T21:00:00Z"), "{march}");
    // Search engines: the moved session is rescheduled, the cancelled one cancelled.
    assert!(page.contains("\"eventStatus\":\"https://schema.org/EventRescheduled\""), "{page}");
    assert!(page.contains("\"previousStartDate\":\"2027-03-16T14:00:00-07:00\""), "{page}");
    assert_eq!(page.matches("\"eventStatus\":\"https://schema.org/EventCancelled\"").count(), 1, "{page}");
    assert!(page.contains("\"name\":\"Alma sets and jobs: special guest\""), "{page}");
}

#[test]
fn except_dates_that_skip_nothing_are_warnings() {
    let text = SESSIONS.replace(
        "except: [\"2027-03-09\", \"2027-03-30..2027-04-03\"]",
        "except: [\"2027-03-10\", \"2027-05-01..2027-05-31\"]",
    );
    let (_d, out, warnings) = build_site(&[("content/meetings/alma.md", &text)]);
    assert_eq!(
        warnings,
        [
            "content/meetings/alma.md:8:1: warning: `except` \"2027-03-10\" is not a date of this series, so it skips \
             nothing\n  hint: the nearest dates of the series are 2027-03-09 and 2027-03-16",
            "content/meetings/alma.md:8:1: warning: `except` \"2027-05-01..2027-05-31\" is not a date of this series, \
             so it skips nothing\n  hint: the nearest dates of the series are 2027-04-06",
        ]
    );
    let feed = std::fs::read_to_string(out.join("meetings/alma.ics")).unwrap();
    assert!(!feed.contains("EXDATE"), "{feed}");
}

#[test]
fn except_removes_every_session_of_its_date() {
    let text = "---\ntitle: \"Twice a day\"\nstart: \"2027-03-01 10:00\"\nduration: \"1h\"\n\
                repeat: \"FREQ=DAILY;BYHOUR=10,14;COUNT=6\"\nexcept: [\"2027-03-02\"]\n---\n";
    let (_d, out, warnings) = build_site(&[("content/meetings/twice.md", text)]);
    assert_eq!(warnings, Vec::<String>::new());
    let feed = std::fs::read_to_string(out.join("meetings/twice.ics")).unwrap();
    let evs = events(&feed);
    assert_eq!(evs[0]["EXDATE;TZID=America/Los_Angeles"], "20270302T100000|20270302T140000", "{feed}");
}

#[test]
fn a_group_without_meetings_has_a_valid_feed() {
    let (_d, out, _) = build_site(&[("content/groups/quiet.md", "---\ntitle: \"Quiet\"\n---\n")]);
    let feed = std::fs::read_to_string(out.join("groups/quiet/calendar.ics")).unwrap();
    // RFC 5545: a VCALENDAR holds at least one component.
    assert!(feed.contains("BEGIN:VTIMEZONE\r\nTZID:America/Los_Angeles\r\n"), "{feed}");
    assert!(events(&feed).is_empty());
}

fn summaries(feed: &str) -> Vec<String> {
    let mut s: Vec<String> = events(feed).into_iter().map(|e| e["SUMMARY"].clone()).collect();
    s.sort();
    s
}

#[test]
fn site_group_and_tag_feeds_reach_back_feed_past() {
    let m = |title: &str, start: &str, extra: &str| {
        format!("---\ntitle: \"{title}\"\ngroup: g\nstart: \"{start}\"\ntags: [cataloging]\n{extra}---\n")
    };
    let files = [
        ("content/groups/g.md".to_string(), "---\ntitle: \"G\"\n---\n".to_string()),
        ("content/meetings/old.md".to_string(), m("Old", "2024-05-01 10:00", "")),
        ("content/meetings/recent.md".to_string(), m("Recent", "2026-01-15 10:00", "")),
        ("content/meetings/next.md".to_string(), m("Next", "2027-01-15 10:00", "")),
        (
            "content/meetings/weekly.md".to_string(),
            m("Weekly since 2020", "2020-01-06 10:00", "repeat: \"FREQ=WEEKLY\"\n"),
        ),
        (
            "content/meetings/untagged.md".to_string(),
            "---\ntitle: \"Untagged\"\nstart: \"2027-02-01 10:00\"\n---\n".to_string(),
        ),
    ];
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let (_d, out, _) = build_site(&files);
    let read = |rel: &str| std::fs::read_to_string(out.join(rel)).unwrap();
    // Default: 12 months back from 2026-11-25, and a series without an end always.
    assert_eq!(summaries(&read("calendar.ics")), ["Next", "Recent", "Untagged", "Weekly since 2020"]);
    assert_eq!(summaries(&read("groups/g/calendar.ics")), ["Next", "Recent", "Weekly since 2020"]);
    // A feed per tag, across groups; the tag page links to it.
    assert_eq!(summaries(&read("tags/cataloging/calendar.ics")), ["Next", "Recent", "Weekly since 2020"]);
    assert!(read("tags/cataloging/index.html").contains("webcal://t.example.org/tags/cataloging/calendar.ics"));
    // A meeting's own feed is always there, however old.
    assert_eq!(summaries(&read("meetings/old.ics")), ["Old"]);
    let (_d, out, _) = build_site_with("feed_past = \"3 years\"\n", &files);
    let all = std::fs::read_to_string(out.join("calendar.ics")).unwrap();
    assert_eq!(summaries(&all), ["Next", "Old", "Recent", "Untagged", "Weekly since 2020"]);
}

#[test]
fn the_ce_calendar_lists_ce_meetings_by_category_and_group_with_a_feed_and_printable_months() {
    let files = [
        ("content/groups/alma.md", "---\ntitle: \"Alma circle\"\n---\n"),
        ("content/groups/ref.md", "---\ntitle: \"Reference\"\n---\n"),
        (
            "content/meetings/rules.md",
            "---\ntitle: \"Normalization rules\"\ngroup: alma\nstart: \"2027-03-02 14:00\"\nce_hours: 1.5\nce_category: \"Cataloging\"\n---\n",
        ),
        (
            "content/meetings/interviews.md",
            "---\ntitle: \"Reference interviews\"\ngroup: ref\nstart: \"2026-10-06 10:00\"\nce_hours: \"2\"\nce_category: \"Public services\"\n---\n",
        ),
        (
            "content/meetings/lab.md",
            "---\ntitle: \"Lab\"\ngroup: ref\nstart: \"2027-03-04 10:00\"\nrepeat: \"FREQ=WEEKLY;COUNT=3\"\nsessions:\n  - date: \"2027-03-11\"\n    ce_hours: 1\n    ce_category: \"Technology\"\n---\n",
        ),
        ("content/meetings/plain.md", "---\ntitle: \"No CE\"\ngroup: alma\nstart: \"2027-03-03 10:00\"\n---\n"),
    ];
    let (_d, out, warnings) = build_site(&files);
    assert_eq!(warnings, Vec::<String>::new());
    let ce = std::fs::read_to_string(out.join("ce/index.html")).unwrap();
    // Upcoming then past, each with its hours and category; filters for both, by group too.
    let order: Vec<usize> =
        ["Normalization rules", ">Lab<", "Reference interviews"].iter().map(|t| ce.find(t).unwrap()).collect();
    assert!(order[0] < order[1] && order[1] < order[2], "{order:?}");
    assert!(!ce.contains("No CE"), "{ce}");
    assert_eq!(ce.matches("data-category=").count(), 3, "only the CE session of the lab: {ce}");
    for text in [
        "<span class=\"badge badge-ce\">1.5 CE hours</span> <span class=\"ce-category\">Cataloging</span>",
        "<span class=\"badge badge-ce\">2 CE hours</span>",
        "<span class=\"badge badge-ce\">1 CE hour</span> <span class=\"ce-category\">Technology</span>",
        "<option>Cataloging</option><option>Public services</option><option>Technology</option>",
        "<option value=\"/groups/alma/\">Alma circle</option><option value=\"/groups/ref/\">Reference</option>",
        "data-category=\"Cataloging\" data-groups=\" /groups/alma/ \"",
        "href=\"/ce/2027/03/\">March 2027</a>",
        "webcal://t.example.org/ce/calendar.ics",
    ] {
        assert!(ce.contains(text), "{text} in {ce}");
    }
    // The meeting page says it counts, and links the CE calendar.
    let page = std::fs::read_to_string(out.join("meetings/rules/index.html")).unwrap();
    assert!(
        page.contains("<dt>Continuing education</dt><dd><a href=\"/ce/\">1.5 CE hours</a> · Cataloging</dd>"),
        "{page}"
    );
    // The feed: the CE meetings only (the lab whole, for its CE session).
    let feed = std::fs::read_to_string(out.join("ce/calendar.ics")).unwrap();
    assert_eq!(
        summaries(&feed),
        ["Lab", "Lab", "Normalization rules", "Reference interviews"],
        "the lab and its CE session"
    );
    assert!(feed.contains("DESCRIPTION:Continuing education: 1.5 CE hours (Cataloging).\\n\\n"), "{feed}");
    // A month to print: the CE sessions of March 2027 only.
    let march = std::fs::read_to_string(out.join("ce/2027/03/index.html")).unwrap();
    assert!(march.contains("Normalization rules") && march.contains(">Lab<") && !march.contains("No CE"), "{march}");
    assert!(march.contains("<a href=\"/ce/\">Continuing education</a>"), "{march}");
    assert!(!out.join("ce/2027/04").exists());
}

#[test]
fn ce_hours_must_be_a_number() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("moot.toml"), "title = \"T\"\nbase_url = \"https://t.example.org\"\n").unwrap();
    std::fs::create_dir_all(root.join("content/meetings")).unwrap();
    std::fs::write(
        root.join("content/meetings/m.md"),
        "---\ntitle: \"M\"\nstart: \"2027-03-02 14:00\"\nce_hours: \"two\"\n---\n",
    )
    .unwrap();
    std::fs::write(
        root.join("content/meetings/n.md"),
        "---\ntitle: \"N\"\nstart: \"2027-03-02 14:00\"\nce_hours: 1.125\n---\n",
    )
    .unwrap();
    let mut o = moot::Options::new(root);
    o.output = root.join("public");
    o.now = Some(Timestamp::from_second(NOW).unwrap());
    let err = moot::build(&o).unwrap_err().to_string();
    assert_eq!(
        err,
        "content/meetings/m.md:4:1: error: `ce_hours` must be a number of hours, like 1.5, and \"two\" is not one\n  \
         hint: write the hours as a number, like ce_hours: 1.5\n\
         content/meetings/n.md:4:1: error: `ce_hours` 1.125 has more than two decimals\n  hint: round it, like 1.25 or 1.5\n"
    );
}

/// Without git history, a meeting's LAST-MODIFIED is its file's modification time: the same
/// over rebuilds, newer when the file is saved.
#[test]
fn without_history_last_modified_is_the_files_time() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("moot.toml"), "title = \"T\"\nbase_url = \"https://t.example.org\"\n").unwrap();
    std::fs::create_dir_all(root.join("content/meetings")).unwrap();
    let file = root.join("content/meetings/m.md");
    let set = |text: &str, when: &str| {
        std::fs::write(&file, text).unwrap();
        let t: Timestamp = when.parse().unwrap();
        let f = std::fs::File::options().write(true).open(&file).unwrap();
        f.set_modified(std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(t.as_second() as u64))
            .unwrap();
    };
    let feed = || {
        let mut o = moot::Options::new(root);
        o.output = root.join("public");
        o.now = Some(Timestamp::from_second(NOW).unwrap());
        moot::build(&o).unwrap();
        std::fs::read_to_string(root.join("public/meetings/m.ics")).unwrap()
    };
    set("---\ntitle: \"M\"\nstart: \"2027-03-02 14:00\"\n---\n", "2026-10-01T10:00:00Z");
    assert!(feed().contains("LAST-MODIFIED:20261001T100000Z\r\n"));
    assert!(feed().contains("LAST-MODIFIED:20261001T100000Z\r\n"), "the same on a rebuild");
    set("---\ntitle: \"M\"\nstart: \"2027-03-02 15:00\"\n---\n", "2026-10-05T08:30:00Z");
    let moved = feed();
    assert!(moved.contains("LAST-MODIFIED:20261005T083000Z\r\n"), "{moved}");
    assert!(!moved.contains("SEQUENCE"), "without history there is nothing to count: {moved}");
}

/// The feeds of many meetings (the site's, a group's, a tag's) describe each by its summary
/// (or the start of its text) and link; the meeting's own feed holds its whole text.
#[test]
fn feeds_of_many_meetings_hold_summaries_and_a_meetings_own_feed_its_text() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let long = "We read the chapter together. ".repeat(20) + "The last sentence is only in the meeting's own feed.";
    for (path, text) in [
        ("moot.toml", "title = \"T\"\nbase_url = \"https://x.example.org\"\ntimezone = \"Europe/London\"\n".to_string()),
        ("content/groups/g.md", "---\ntitle: \"G\"\n---\n".to_string()),
        (
            "content/meetings/with-summary.md",
            format!("---\ntitle: \"With summary\"\nsummary: \"Chapter one, read aloud\"\ngroup: g\ntags: [books]\nstart: \"2027-01-12 14:00\"\n---\n{long}\n"),
        ),
        (
            "content/meetings/without.md",
            format!("---\ntitle: \"Without\"\ngroup: g\nstart: \"2027-01-13 14:00\"\n---\n{long}\n"),
        ),
    ] {
        std::fs::create_dir_all(root.join(path).parent().unwrap()).unwrap();
        std::fs::write(root.join(path), text).unwrap();
    }
    let mut o = moot::Options::new(root);
    o.output = root.join("public");
    o.now = Some(Timestamp::from_second(NOW).unwrap());
    moot::build(&o).unwrap_or_else(|e| panic!("{e}"));
    let read = |feed: &str| events(&std::fs::read_to_string(root.join("public").join(feed)).unwrap());
    let own = read("meetings/with-summary.ics");
    let whole = &event(&own, "With summary")["DESCRIPTION"];
    assert!(whole.contains("The last sentence is only in the meeting's own feed."), "{whole}");
    for feed in ["calendar.ics", "groups/g/calendar.ics", "tags/books/calendar.ics"] {
        let evs = read(feed);
        let with = &event(&evs, "With summary")["DESCRIPTION"];
        assert_eq!(with, "Chapter one\\, read aloud\\n\\nhttps://x.example.org/meetings/with-summary/", "{feed}");
        if feed != "tags/books/calendar.ics" {
            let without = &event(&evs, "Without")["DESCRIPTION"];
            assert!(without.starts_with("We read the chapter together. We read"), "{feed}: {without}");
            assert!(!without.contains("last sentence") && without.len() < 300, "{feed}: {without}");
        }
    }
}
