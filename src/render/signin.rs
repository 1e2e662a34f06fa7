//! Sign-in (attendance) sheets: `/meetings/PATH/sign-in/`, one printable sheet per upcoming
//! session (the next twelve): title, date, time and zone, place, leaders, CE hours and
//! category, and numbered lines to sign. Each sheet has its own address (`#YYYY-MM-DD-HHMM`)
//! and prints on one page; printing the page without one prints the first.

use super::reads::Cx;
use super::Output;
use crate::diag::Diagnostic;
use crate::model::MeetingId;
use serde::Serialize;

/// How many sessions ahead get a sheet.
const SHEETS: usize = 12;
/// How many lines a sheet has to sign (one page of A4 or Letter).
const LINES: usize = 20;

#[derive(Serialize)]
struct Sheet<'a> {
    id: String,
    title: &'a str,
    when: String,
    timezone: &'a str,
    location: Option<&'a str>,
    online: Option<&'a str>,
    leaders: Vec<&'a str>,
    ce: Option<String>,
    ce_category: Option<&'a str>,
    lines: Vec<usize>,
}

/// The upcoming sessions of a meeting that take place, soonest first (at most [`SHEETS`]).
pub(super) fn sessions(cx: &Cx, mi: MeetingId) -> Vec<usize> {
    let s = cx.site();
    let m = cx.meeting(mi);
    (0..m.occurrences.len())
        .filter(|&o| s.is_upcoming(&m.occurrences[o]) && m.takes_place(&m.occurrences[o]))
        .take(SHEETS)
        .collect()
}

/// The address of a meeting's sheets (beside its page).
pub(super) fn url(page_url: &str) -> String {
    format!("{page_url}sign-in/")
}

pub(super) fn page(cx: &Cx, mi: MeetingId) -> Result<Vec<Output>, Diagnostic> {
    let m = cx.meeting(mi);
    let head = cx.head(m.item);
    let sheets: Vec<Sheet> = sessions(cx, mi)
        .into_iter()
        .map(|oi| {
            let o = &m.occurrences[oi];
            Sheet {
                id: o.start.strftime("%Y-%m-%d-%H%M").to_string(),
                title: m.title_at(o, head.title),
                when: super::views::when(m, o),
                timezone: &m.tz_name,
                location: m.location_at(o),
                online: m.online_at(o),
                leaders: m.leader_at(o).into_iter().chain(m.co_leaders_at(o).iter().map(String::as_str)).collect(),
                ce: m.ce_hours_at(o).map(crate::model::CeHours::label),
                ce_category: m.ce_category_at(o),
                lines: (1..=LINES).collect(),
            }
        })
        .collect();
    let mut ctx = cx.context();
    ctx.insert("title", head.title);
    ctx.insert("meeting_url", head.url);
    ctx.insert("sheets", &sheets);
    cx.page(&url(head.url), "sign-in.html", &mut ctx)
}
