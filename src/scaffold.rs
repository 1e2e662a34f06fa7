//! `moot init` and `moot new`: write new files with the right front matter and path,
//! never overwriting ("anyone can sign up to lead a meeting": this is how a new leader starts).

use crate::model::slugify;
use crate::time::{parse_moment, Moment};
use jiff::civil::Date;
use std::path::{Path, PathBuf};

/// The kinds `moot new` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NewKind {
    Group,
    Meeting,
    Story,
    Article,
    Page,
    Wiki,
}

/// A YAML double-quoted string.
fn q(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes a file unless it exists.
fn create(path: &Path, text: &str) -> Result<(), String> {
    if path.exists() {
        return Err(format!(
            "{} already exists; moot never overwrites a file (choose another title or remove it first)",
            path.display()
        ));
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// What `moot new` was asked for.
pub struct NewRequest<'a> {
    pub kind: NewKind,
    pub title: &'a str,
    pub group: Option<&'a str>,
    pub start: Option<&'a str>,
    pub today: Date,
}

/// Writes a new page into `root/content` and returns its path.
pub fn new_page(root: &Path, req: &NewRequest) -> Result<PathBuf, String> {
    if !root.join(crate::config::FILE).exists() {
        return Err(format!("{} has no moot.toml; run `moot init` first or pass --root DIR", root.display()));
    }
    let slug = slugify(req.title);
    if slug.is_empty() {
        return Err("the title needs at least one letter or digit".into());
    }
    if let Some(g) = req.group {
        let groups = root.join("content/groups");
        if !groups.join(format!("{g}.md")).exists() {
            let known: Vec<String> = std::fs::read_dir(&groups)
                .map(|rd| {
                    rd.filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".md").map(String::from)).collect()
                })
                .unwrap_or_default();
            return Err(format!(
                "there is no group {g:?} (content/groups/{g}.md); known groups: {}",
                if known.is_empty() { "none yet".into() } else { known.join(", ") }
            ));
        }
    }
    let start = match req.start {
        Some(s) => Some(parse_moment(s).map_err(|e| format!("--start: {e}; {}", crate::time::MOMENT_FORMS))?),
        None => None,
    };
    let date = req.today.to_string();
    let group_line = req.group.map(|g| format!("group: {}\n", q(g))).unwrap_or_default();
    let groups_line = req.group.map(|g| format!("groups: [{}]\n", q(g))).unwrap_or_default();
    let title = q(req.title);
    let (rel, text) = match req.kind {
        NewKind::Group => (
            format!("groups/{slug}.md"),
            format!("---\ntitle: {title}\nsummary: \"One line about what the group learns together\"\nleaders: [\"Your Name\"]\ncontact: \"you@example.org\"\nstatus: active\ntags: []\n---\n\nWhat the group is about, who it is for and how to join.\n"),
        ),
        NewKind::Meeting => {
            let start = start.unwrap_or(Moment::Local(req.today.checked_add(jiff::ToSpan::days(7)).unwrap_or(req.today).at(14, 0, 0, 0)));
            let (year, start_text) = match start {
                Moment::Local(dt) => (dt.year(), dt.strftime("%Y-%m-%d %H:%M").to_string()),
                Moment::Date(d) => (d.year(), d.to_string()),
                Moment::Instant(ts) => (ts.to_zoned_datetime(jiff::tz::TimeZone::UTC).year(), req.start.unwrap_or_default().to_string()),
            };
            (
                format!("meetings/{year}/{slug}.md"),
                format!("---\ntitle: {title}\n{group_line}start: {}\nduration: \"2h\"\nlocation: \"\"\nleader: \"Your Name\"\nco_leaders: []\nstatus: tentative\ntags: []\n---\n\nWhat we will do, what to read or bring, and who it is for.\n", q(&start_text)),
            )
        }
        NewKind::Story => (
            format!("stories/{slug}.md"),
            format!("---\ntitle: {title}\ndate: {}\nauthor: \"Your Name\"\n{groups_line}tags: []\n---\n\nWhat happened, what people learned, and what you would do again.\n", q(&date)),
        ),
        NewKind::Article => (
            format!("articles/{slug}.md"),
            format!("---\ntitle: {title}\ndate: {}\nauthor: \"\"\nurl: \"https://example.org/\"\nformat: article\n{groups_line}tags: []\n---\n\nWhy this resource is worth reading.\n", q(&date)),
        ),
        NewKind::Page => (format!("{slug}.md"), format!("---\ntitle: {title}\n---\n\n")),
        NewKind::Wiki => (format!("wiki/{slug}.md"), format!("---\ntitle: {title}\ndraft: true\n---\n\nStill being drafted.\n")),
    };
    let path = root.join("content").join(rel);
    create(&path, &text)?;
    Ok(path)
}

/// Writes a small working site into `dir`.
/// What `moot init` is asked for; what is left out takes a default.
#[derive(Debug, Default, Clone)]
pub struct InitRequest {
    /// The site's title (default "Our Learning Groups").
    pub title: Option<String>,
    /// An IANA time zone (default: the machine's, else UTC).
    pub timezone: Option<String>,
    /// Where the site will be published (default `https://learn.example.org`).
    pub base_url: Option<String>,
}

/// The machine's time zone by its IANA name, if it has one; else UTC.
pub fn machine_timezone() -> String {
    jiff::tz::TimeZone::system()
        .iana_name()
        .filter(|n| crate::time::zone_by_name(n).is_ok())
        .unwrap_or("UTC")
        .to_string()
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The moot.toml of a new site, checked as a build would check it.
fn init_config(req: &InitRequest) -> Result<String, String> {
    let zone = req.timezone.clone().unwrap_or_else(machine_timezone);
    if let Err(hint) = crate::time::zone_by_name(&zone) {
        return Err(format!("--timezone {zone:?} is not a time zone: {hint}"));
    }
    let title = req.title.as_deref().unwrap_or("Our Learning Groups");
    let base_url = req.base_url.as_deref().unwrap_or("https://learn.example.org");
    let text = format!(
        "title = {}\nbase_url = {}\ntimezone = {}\nlanguage = \"en\"\ndefault_duration = \"2h\"\n",
        toml_string(title),
        toml_string(base_url),
        toml_string(&zone)
    );
    crate::config::parse(Path::new(crate::config::FILE), &text).map_err(|problems| {
        let why: Vec<String> = problems.iter().map(|d| d.message.clone()).collect();
        format!("cannot start a site with these settings: {}", why.join("; "))
    })?;
    Ok(text)
}

/// Starts a git repository in `dir` (page history needs one), when git is installed and
/// `dir` is not inside a repository already. Whether it did.
pub fn git_init(dir: &Path) -> bool {
    let inside = std::process::Command::new("git")
        .args(["rev-parse", "--is-inside-work-tree"])
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
    match inside {
        Ok(s) if s.success() => false,
        Ok(_) => std::process::Command::new("git")
            .args(["init", "-q"])
            .current_dir(dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success()),
        Err(_) => false,
    }
}

/// A GitHub issue form for people who do not use git: its fields are a meeting's front
/// matter, so an organiser can copy them into `content/meetings/YEAR/TITLE.md`.
pub const PROPOSE_FORM: &str = r#"name: Propose a meeting
description: Suggest a meeting for one of the learning groups. An organiser adds it to the calendar.
title: "Meeting: "
labels: ["meeting proposal"]
body:
  - type: markdown
    attributes:
      value: |
        Anyone may lead a short meeting, with a co-leader. Fill in what you know; an organiser
        turns it into a meeting page (each field is a field of the meeting's file).
  - type: input
    id: title
    attributes:
      label: Title (title)
      placeholder: "Alma sets and jobs, hands on"
    validations:
      required: true
  - type: input
    id: group
    attributes:
      label: Group (group)
      description: The group it is for, as its page's address names it (…/groups/NAME/).
      placeholder: "first-group"
  - type: input
    id: start
    attributes:
      label: Date and local time (start)
      placeholder: "2027-03-16 14:00"
    validations:
      required: true
  - type: input
    id: duration
    attributes:
      label: How long (duration)
      placeholder: "2h"
  - type: input
    id: location
    attributes:
      label: Where (location)
      placeholder: "Main Library, Room 1"
  - type: input
    id: online
    attributes:
      label: Online link (online)
      placeholder: "https://meet.example.org/..."
  - type: input
    id: leader
    attributes:
      label: Who leads (leader)
    validations:
      required: true
  - type: input
    id: co_leaders
    attributes:
      label: Co-leaders (co_leaders)
      description: Leave empty if you would like someone to co-lead with you (the meeting then asks for a co-leader).
  - type: input
    id: ce_hours
    attributes:
      label: Continuing-education hours, if any (ce_hours)
      placeholder: "1.5"
  - type: textarea
    id: body
    attributes:
      label: What we will do
      description: What to read or bring, and who it is for.
    validations:
      required: true
"#;

pub fn init(dir: &Path, req: &InitRequest, today: Date) -> Result<Vec<PathBuf>, String> {
    if dir.join(crate::config::FILE).exists() {
        return Err(format!("{} already holds a site (moot.toml exists)", dir.display()));
    }
    let config = init_config(req)?;
    let next = today.checked_add(jiff::ToSpan::days(7)).unwrap_or(today);
    let files = [
        ("moot.toml", config),
        ("content/index.md", "---\ntitle: \"Welcome\"\n---\n\nWe are library staff who learn from each other in small groups. Anyone may lead a meeting: see [[Start here]].\n".to_string()),
        ("content/groups/first-group.md", "---\ntitle: \"First learning group\"\nsummary: \"Peer learning for anyone who wants to join\"\nleaders: [\"Your Name\"]\ncontact: \"you@example.org\"\nstatus: active\n---\n\nWhat the group is about and how to join.\n".to_string()),
        (
            "content/meetings/first-meeting.md",
            format!("---\ntitle: \"Our first meeting\"\ngroup: \"first-group\"\nstart: \"{} 14:00\"\nduration: \"2h\"\nlocation: \"Main Library, Room 1\"\nleader: \"Your Name\"\n---\n\nIntroductions and what we want to learn.\n", next),
        ),
        (
            "content/stories/how-we-started.md",
            format!("---\ntitle: \"How we started\"\ndate: \"{today}\"\nauthor: \"Your Name\"\ngroups: [\"first-group\"]\n---\n\nA few colleagues wanted to learn together, so we did.\n"),
        ),
        ("content/wiki/start-here.md", "---\ntitle: \"Start here\"\n---\n\nThe wiki collects what the groups learn. Add a page with `moot new wiki \"Title\"`.\n".to_string()),
    ];
    let mut written = Vec::new();
    for (rel, text) in
        files.into_iter().chain([(".github/ISSUE_TEMPLATE/propose-a-meeting.yml", PROPOSE_FORM.to_string())])
    {
        let path = dir.join(rel);
        create(&path, &text)?;
        written.push(path);
    }
    // The built site, and the folder a first build is made in beside it before it is renamed
    // into place, stay out of git (a folder that already has a .gitignore keeps its own).
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        create(&ignore, "/public/\n/.public.moot-new/\n")?;
        written.push(ignore);
    }
    Ok(written)
}

/// Today's date in the site's zone (or UTC when the site has none yet).
pub fn today(root: &Path) -> Date {
    let tz = crate::load::read_config(root)
        .ok()
        .and_then(|t| crate::config::parse(Path::new(crate::config::FILE), &t).ok())
        .map_or(jiff::tz::TimeZone::UTC, |c| c.timezone);
    crate::now_from_env().unwrap_or_else(|_| jiff::Timestamp::now()).to_zoned_datetime(tz).date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_yaml() {
        assert_eq!(q("Say \"hi\": now"), "\"Say \\\"hi\\\": now\"");
    }
}
