//! `moot announce`: the email that announces one session of a meeting to its group's mailing
//! list. The site is loaded and rendered in memory as `moot build` does it (so a site that does
//! not build gives the build's own errors), the session is picked here, and the message is
//! made by [`crate::render::Announcement`], with the meeting's own feed attached.

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{Meeting, Occurrence, Site};
use crate::Options;
use jiff::civil::Date;
use std::path::{Path, PathBuf};

/// What to announce: a meeting's file (relative to the current folder or to `root`), and
/// the date of one session (`--session`), if given.
#[derive(Debug, Clone)]
pub struct Request {
    pub root: PathBuf,
    pub file: PathBuf,
    pub session: Option<String>,
}

/// The message, and what it says in brief.
#[derive(Debug)]
pub struct Announced {
    pub message: String,
    pub subject: String,
    pub to: Vec<String>,
    /// The build's warnings.
    pub warnings: Vec<Diagnostic>,
}

/// The announcement of the session asked for, or every problem in the way of it.
pub fn announce(req: &Request) -> Result<Announced, Diagnostics> {
    let one = |d: Diagnostic| Diagnostics(vec![d]);
    let rel = meeting_file(&req.root, &req.file).map_err(one)?;
    // Checked before the site is loaded: a mistyped date needs no build to be told.
    let wanted = req.session.as_deref().map(session_date).transpose().map_err(one)?;
    let crate::Loaded { site, bodies, sources, warnings, .. } = crate::load_site(&Options::new(&req.root))?;
    let item = find_meeting(&site, &rel).map_err(one)?;
    let mi = site.meeting_id(item);
    let m = &site.meetings[mi];
    let shown = &site.items[item].shown;
    let o = match wanted {
        Some(date) => session_on(m, shown, date),
        None => next_session(&site, m, shown),
    }
    .map_err(one)?;
    let renderer = crate::render::Renderer::new(&site, &bodies, &sources).map_err(Diagnostics)?;
    let a = renderer.announcement(mi, o).map_err(one)?;
    Ok(Announced { message: a.message(), subject: a.subject, to: a.to, warnings })
}

/// `file` as a meeting's path inside `content/meetings/` (`2026/alma.md`, `/`-separated), if
/// it is the file of one: found as given or inside `root`, a `.md` file in that folder.
fn meeting_file(root: &Path, file: &Path) -> Result<String, Diagnostic> {
    let example = "content/meetings/2026/alma-circle.md";
    let found = [file.to_path_buf(), root.join(file)].into_iter().find(|p| p.exists());
    let here = root == Path::new(".");
    let Some(path) = found else {
        let from =
            if here { String::new() } else { format!(" (from here, or inside the site folder {})", root.display()) };
        return Err(Diagnostic::error(file, 0, "no such file")
            .hint(format!("give the path of a meeting's file, e.g. {example}{from}")));
    };
    let not_meeting = |why: &str| {
        Diagnostic::error(file, 0, format!("not a meeting file: {why}"))
            .hint(format!("give the path of a .md file under content/meetings/, e.g. {example}"))
    };
    if path.is_dir() {
        return Err(not_meeting("it is a folder"));
    }
    let canonical =
        |p: &Path| std::fs::canonicalize(p).map_err(|e| Diagnostic::error(p, 0, format!("cannot read: {e}")));
    let meetings = root.join("content").join("meetings");
    let inside = match (canonical(&path)?, std::fs::canonicalize(&meetings)) {
        (p, Ok(folder)) => p.strip_prefix(&folder).map(Path::to_path_buf).ok(),
        (_, Err(_)) => None,
    };
    let Some(inside) = inside else {
        let folder = if here { Path::new("content/meetings") } else { &meetings };
        return Err(not_meeting(&format!("it is not in {}", folder.display())));
    };
    if inside.extension().is_none_or(|x| x != "md") {
        return Err(not_meeting("meetings are markdown files, ending in .md"));
    }
    let parts: Option<Vec<&str>> = inside.components().map(|c| c.as_os_str().to_str()).collect();
    parts.map(|p| p.join("/")).ok_or_else(|| not_meeting("its name is not UTF-8"))
}

/// The meeting whose file is `content/meetings/REL`.
fn find_meeting(site: &Site, rel: &str) -> Result<crate::model::ItemId, Diagnostic> {
    let shown = Path::new("content").join("meetings").join(rel);
    let same = |p: &Path| p.components().eq(shown.components());
    let found = crate::model::ItemId::all(&site.items).find(|&i| same(&site.items[i].shown));
    match found {
        Some(i) if site.items[i].kind == crate::parse::Kind::Meeting && site.has_own_page(i) => Ok(i),
        None if site.draft_files.contains(&format!("meetings/{rel}")) => {
            Err(Diagnostic::error(&shown, 0, "the meeting is a draft, so the site does not show it")
                .hint("publish it first (remove `draft: true`)"))
        }
        _ => Err(Diagnostic::error(&shown, 0, "not a meeting of the site (it was not read as one)")
            .hint("a meeting's file is a .md file with front matter under content/meetings/")),
    }
}

/// `--session`'s value as a date.
fn session_date(text: &str) -> Result<Date, Diagnostic> {
    Date::strptime("%Y-%m-%d", text.trim()).map_err(|_| {
        Diagnostic::error("--session", 0, format!("{text:?} is not a date"))
            .hint("write the session's date as YYYY-MM-DD, e.g. --session 2026-12-03")
    })
}

/// `2026-12-03`, as `--session` takes it.
fn iso(o: &Occurrence) -> String {
    o.wall.date().to_string()
}

/// The session on `date` (as the series places it, or as `sessions` moved it), even if it is
/// past or cancelled: it was asked for by name. A date the series skips, or that is not one
/// of its sessions, is an error naming the nearest sessions.
fn session_on(m: &Meeting, shown: &Path, date: Date) -> Result<usize, Diagnostic> {
    let os = &m.occurrences;
    if m.repeat.is_none() {
        return match os.first() {
            Some(o) if o.start.date() == date || o.wall.date() == date => Ok(0),
            Some(o) => Err(Diagnostic::error(
                shown,
                0,
                format!("the meeting is not a series: it takes place on {} only, not on {date}", iso(o)),
            )
            .hint(format!("leave out --session, or write --session {}", iso(o)))),
            None => Err(Diagnostic::error(shown, 0, "the meeting has no date")),
        };
    }
    let on = |day: &dyn Fn(&Occurrence) -> Date| os.iter().position(|o| day(o) == date);
    let found = on(&|o| o.wall.date()).or_else(|| on(&|o| o.start.date()));
    match found {
        Some(i) if os[i].skipped => Err(Diagnostic::error(
            shown,
            0,
            format!("the series skips {date} (it is in `except`), so there is no session to announce"),
        )
        .hint(nearest(m, date))),
        Some(i) => Ok(i),
        None => Err(Diagnostic::error(shown, 0, format!("{date} is not a date of the series")).hint(nearest(m, date))),
    }
}

/// "the nearest sessions are 2027-02-18 (Thu) and 2027-02-25 (Thu)": the last session before
/// `date` and the first after it, of those the series holds.
fn nearest(m: &Meeting, date: Date) -> String {
    let held: Vec<&Occurrence> = m.occurrences.iter().filter(|o| !o.skipped).collect();
    let before = held.iter().rev().find(|o| o.wall.date() < date);
    let after = held.iter().find(|o| o.wall.date() > date);
    let day = |o: &&&Occurrence| format!("{} ({})", iso(o), o.wall.strftime("%a"));
    match (before, after) {
        (Some(b), Some(a)) => format!("the nearest sessions are {} and {}", day(&b), day(&a)),
        (Some(o), None) => format!("the series ends before then: its last session is {}", day(&o)),
        (None, Some(o)) => format!("the series starts later: its first session is {}", day(&o)),
        (None, None) => "the series has no sessions".into(),
    }
}

/// The next session to come that takes place (not skipped, not cancelled).
fn next_session(site: &Site, m: &Meeting, shown: &Path) -> Result<usize, Diagnostic> {
    let os = &m.occurrences;
    if let Some(i) = os.iter().position(|o| site.is_upcoming(o) && m.takes_place(o)) {
        return Ok(i);
    }
    let series = m.repeat.is_some();
    let to_come = os.iter().filter(|o| site.is_upcoming(o) && !o.skipped).count();
    let last = os.iter().rev().find(|o| !o.skipped);
    let message = match (m.status, to_come, last) {
        (crate::model::Status::Cancelled, _, _) => "the meeting is cancelled (`status: cancelled`)".to_string(),
        (_, 0, Some(o)) if series => format!("the series has no session to come: its last was on {}", iso(o)),
        (_, 0, Some(o)) => format!("the meeting took place on {}: there is nothing to announce", iso(o)),
        (_, _, _) if series => "every session of the series still to come is cancelled".to_string(),
        _ => "the meeting has no date to come".to_string(),
    };
    // A session to name instead: the next one to come (a cancelled one is announced as
    // cancelled), else the last.
    let named = os.iter().find(|o| site.is_upcoming(o) && !o.skipped).or(last);
    let what = if series { "one session" } else { "it" };
    let hint = match named {
        Some(o) => format!("to announce {what} anyway, name its date: --session {}", iso(o)),
        None => "check its `start`, `repeat` and `except`".to_string(),
    };
    Err(Diagnostic::error(shown, 0, message).hint(hint))
}
