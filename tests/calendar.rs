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
        for needle in [
            "METHOD:PUBLISH",
            "X-WR-CALNAME:",
            "X-WR-TIMEZONE:America/Los_Angeles",
            "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
            "X-PUBLISHED-TTL:PT12H",
        ] {
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
    assert_eq!(event(&evs, "Holiday pop-up")["STATUS"], "CANCELLED");
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
