//! Structured data for search engines and link previews: schema.org JSON-LD (an `Event` per
//! meeting, and per session of a series in the next 12 months; `WebSite` and `Organization`
//! on the home page), written as Google's event structured-data guidelines ask.
//!
//! The JSON goes inside `<script type="application/ld+json">`, so `<`, `>` and `&` are
//! written as `\u003c`, `\u003e` and `\u0026`: no text from front matter can end the script.

use super::reads::Cx;
use crate::model::{Meeting, Occurrence, Status};
use jiff::ToSpan;
use serde_json::{json, Value};

/// How far ahead the sessions of a series are listed.
const AHEAD_MONTHS: i32 = 12;

/// The JSON-LD of a meeting's page: one `Event`, or for a series one per session of the next
/// 12 months (the next one at least, or the first if none is left).
pub(crate) fn meeting(cx: &Cx, m: &Meeting, description: &str) -> String {
    let s = cx.site();
    let head = cx.head(m.item);
    let url = s.config.absolute(head.url);
    // By the day (what "now" is to every page), in the site's zone.
    let horizon = s.today.checked_add(AHEAD_MONTHS.months());
    let shown: Vec<&Occurrence> = m.occurrences.iter().filter(|o| !o.skipped).collect();
    let ahead: Vec<&Occurrence> = shown
        .iter()
        .copied()
        .filter(|o| s.is_upcoming(o) && horizon.as_ref().is_ok_and(|h| o.start.date() <= *h))
        .collect();
    let sessions: Vec<&Occurrence> = match (m.repeat.is_some(), ahead.is_empty()) {
        (true, false) => ahead,
        _ => shown.iter().copied().find(|o| s.is_upcoming(o)).or(shown.first().copied()).into_iter().collect(),
    };
    let organizer: Vec<Value> = m
        .groups
        .iter()
        .map(|&g| {
            let group = cx.head(cx.group_item(g));
            json!({ "@type": "Organization", "name": group.title, "url": s.config.absolute(group.url) })
        })
        .collect();
    let organizer = if organizer.is_empty() {
        json!({ "@type": "Organization", "name": s.config.title, "url": s.config.absolute(&s.config.routes().home()) })
    } else if organizer.len() == 1 {
        organizer[0].clone()
    } else {
        Value::Array(organizer)
    };
    let description = (!description.is_empty()).then_some(description);
    let events: Vec<Event> = sessions
        .iter()
        .map(|o| {
            let performer: Vec<Person> = m
                .leader_at(o)
                .into_iter()
                .chain(m.co_leaders_at(o).iter().map(String::as_str))
                .map(|name| Person { kind: "Person", name })
                .collect();
            let (start, end) = dates(m, o);
            // A session that `sessions` moved is rescheduled, with where it was.
            let status = match (m.status_at(o), &o.moved_from) {
                (Status::Cancelled, _) => "https://schema.org/EventCancelled",
                (_, Some(_)) => "https://schema.org/EventRescheduled",
                _ => "https://schema.org/EventScheduled",
            };
            Event {
                context: "https://schema.org",
                kind: "Event",
                description,
                end_date: end,
                event_attendance_mode: attendance(m, o),
                event_status: status,
                location: location(m, o),
                name: m.title_at(o, head.title),
                organizer: &organizer,
                performer,
                previous_start_date: o.moved_from.as_ref().map(|from| instant(m, from)),
                start_date: start,
                url: &url,
            }
        })
        .collect();
    match events.as_slice() {
        [one] => script_json(one),
        all => script_json(&all),
    }
}

/// One schema.org `Event`, its fields in the order of their names (as a JSON object of
/// serde_json writes them).
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Event<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    end_date: String,
    event_attendance_mode: &'static str,
    event_status: &'static str,
    location: Value,
    name: &'a str,
    organizer: &'a Value,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    performer: Vec<Person<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_start_date: Option<String>,
    start_date: String,
    url: &'a str,
}

#[derive(serde::Serialize)]
struct Person<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
}

/// The home page's JSON-LD: the site as a `WebSite` (with its search) and an `Organization`.
pub(crate) fn home(cx: &Cx) -> String {
    let s = cx.site();
    let home = s.config.absolute(&s.config.routes().home());
    let search = s.config.absolute(&s.config.routes().page("search"));
    script_json(&json!([
        {
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": s.config.title,
            "url": home,
            "potentialAction": {
                "@type": "SearchAction",
                "target": { "@type": "EntryPoint", "urlTemplate": format!("{search}?q={{search_term_string}}") },
                "query-input": "required name=search_term_string",
            },
        },
        { "@context": "https://schema.org", "@type": "Organization", "name": s.config.title, "url": home },
    ]))
}

/// Start and end as schema.org wants them: a date for all-day meetings (the end the last
/// day, inclusive), else the local time with its UTC offset.
fn dates(m: &Meeting, o: &Occurrence) -> (String, String) {
    if m.all_day {
        (o.start.date().to_string(), o.last_day().to_string())
    } else {
        (instant(m, &o.start), instant(m, &o.end))
    }
}

/// A time as schema.org wants it: local with its UTC offset (a date for all-day meetings).
fn instant(m: &Meeting, z: &jiff::ZonedDateTime) -> String {
    if m.all_day {
        z.date().to_string()
    } else {
        z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
    }
}

fn attendance(m: &Meeting, o: &Occurrence) -> &'static str {
    match (m.location_at(o).is_some(), m.online_at(o).is_some()) {
        (true, true) => "https://schema.org/MixedEventAttendanceMode",
        (false, true) => "https://schema.org/OnlineEventAttendanceMode",
        _ => "https://schema.org/OfflineEventAttendanceMode",
    }
}

/// A `Place` (its name is also its address: moot has one text for both) and/or a
/// `VirtualLocation`; a meeting with neither is at a place not yet known.
fn location(m: &Meeting, o: &Occurrence) -> Value {
    let place = m.location_at(o).map(|l| json!({ "@type": "Place", "name": l, "address": l }));
    let online = m.online_at(o).map(|u| json!({ "@type": "VirtualLocation", "url": u }));
    match (place, online) {
        (Some(p), Some(v)) => json!([p, v]),
        (Some(p), None) => p,
        (None, Some(v)) => v,
        (None, None) => json!({ "@type": "Place", "name": "To be announced", "address": "To be announced" }),
    }
}

/// The address of the first image of a page's html, if it is one a link preview can load:
/// on this site (`/…`) or on the web (`https://…`), with nothing to unescape in it.
pub(crate) fn first_image(html: &str) -> Option<&str> {
    let at = html.find("<img src=\"")? + "<img src=\"".len();
    let src = &html[at..at + html[at..].find('"')?];
    let usable = (src.starts_with('/') && !src.starts_with("//")) || src.starts_with("https://");
    (usable && !src.contains(['&', '<', '>', '\'', ' '])).then_some(src)
}

/// JSON for inside a `<script>` element.
pub(super) fn script_json<T: serde::Serialize + ?Sized>(v: &T) -> String {
    let mut out = Vec::with_capacity(1024);
    let mut writer = serde_json::Serializer::with_formatter(&mut out, InScript);
    // Serializing plain data to memory cannot fail.
    let _ = v.serialize(&mut writer);
    String::from_utf8(out).unwrap_or_default()
}

/// serde_json's compact form, with `<`, `>` and `&` in strings (the only place JSON can
/// hold them) as `\u003c`, `\u003e` and `\u0026`, written as the text is.
struct InScript;

impl serde_json::ser::Formatter for InScript {
    fn write_string_fragment<W: ?Sized + std::io::Write>(&mut self, w: &mut W, fragment: &str) -> std::io::Result<()> {
        let mut rest = fragment;
        while let Some(at) = rest.find(['<', '>', '&']) {
            w.write_all(&rest.as_bytes()[..at])?;
            w.write_all(match rest.as_bytes()[at] {
                b'<' => b"\\u003c",
                b'>' => b"\\u003e",
                _ => b"\\u0026",
            })?;
            rest = &rest[at + 1..];
        }
        w.write_all(rest.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::script_json;

    #[test]
    fn nothing_in_the_json_can_end_the_script() {
        let v = serde_json::json!({ "name": "</script><script>alert(1)</script> & more" });
        let text = script_json(&v);
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
    }
}
