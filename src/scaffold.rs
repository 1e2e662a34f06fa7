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
    /// Required for a meeting (the command line asks for it when a terminal is attached).
    pub start: Option<&'a str>,
    pub leader: Option<&'a str>,
    /// The file name without `.md` (default: made from the title, in ASCII).
    pub slug: Option<&'a str>,
    pub today: Date,
}

/// The line before the optional fields of a new file: they are written commented out, so
/// that nothing the author did not choose reaches the site (no "Your Name" left to find).
const OPTIONAL: &str = "# More you may fill in: remove the \"# \" before a line to use it.\n";

/// The front matter of a new file: `fields` as written, then the optional ones commented
/// out, then a comment saying what the page's text (after the second `---`) is for.
fn front(fields: &[(&str, String)], optional: &[&str], body: &str) -> String {
    let mut out = String::from("---\n");
    for (key, value) in fields {
        out.push_str(&format!("{key}: {value}\n"));
    }
    if !optional.is_empty() {
        out.push_str(OPTIONAL);
        for line in optional {
            out.push_str(&format!("# {line}\n"));
        }
    }
    out.push_str(&format!("# After the second ---: {body}\n---\n\n"));
    out
}

/// Writes a new page into `root/content` and returns its path.
pub fn new_page(root: &Path, req: &NewRequest) -> Result<PathBuf, String> {
    if !root.join(crate::config::FILE).exists() {
        return Err(format!("{} has no moot.toml; run `moot init` first or pass --root DIR", root.display()));
    }
    let slug = match req.slug {
        Some(s) if slugify(s) != s || s.is_empty() => {
            return Err(format!("--slug {s:?} may only hold lower-case letters, digits and `-`; use {:?}", slugify(s)))
        }
        Some(s) => s.to_string(),
        None => slugify(req.title),
    };
    if slug.is_empty() {
        return Err("the title needs at least one letter or digit (or give the file name with --slug)".into());
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
    let date = q(&req.today.to_string());
    let title = ("title", q(req.title));
    let group = req.group.map(|g| ("group", q(g)));
    let groups = req.group.map(|g| ("groups", format!("[{}]", q(g))));
    let leader = |key| req.leader.map(|l| (key, q(l)));
    let fields = |list: Vec<Option<(&'static str, String)>>| list.into_iter().flatten().collect::<Vec<_>>();
    let (rel, text) = match req.kind {
        NewKind::Group => (
            format!("groups/{slug}.md"),
            front(
                &fields(vec![Some(title), req.leader.map(|l| ("leaders", format!("[{}]", q(l))))]),
                &[
                    "summary: \"One line about what the group learns together\"",
                    "leaders: [\"A Name\", \"Another Name\"]",
                    "contact: \"group@example.org\"",
                    "mailing_list: \"group-list@example.org\"",
                    "forum: \"https://forum.example.org/c/group\"",
                    "join: \"https://example.org/join\"",
                    "location: \"Main Library, Room 2\"    # where its meetings usually are",
                    "tags: [\"cataloging\"]",
                ],
                "what the group is about, who it is for and how to join.",
            ),
        ),
        NewKind::Meeting => {
            let Some(start) = start else {
                return Err(
                    "a meeting needs --start, when it begins: --start \"2027-01-12 14:00\" (local time in the \
                     site's time zone), --start \"2027-01-12\" (all day) or --start \"2027-01-12T14:00:00-08:00\""
                        .into(),
                );
            };
            let (year, start_text) = match start {
                Moment::Local(dt) => (dt.year(), dt.strftime("%Y-%m-%d %H:%M").to_string()),
                Moment::Date(d) => (d.year(), d.to_string()),
                Moment::Instant(ts) => {
                    (ts.to_zoned_datetime(jiff::tz::TimeZone::UTC).year(), req.start.unwrap_or_default().to_string())
                }
            };
            (
                format!("meetings/{year}/{slug}.md"),
                front(
                    &fields(vec![Some(title), group, Some(("start", q(&start_text))), leader("leader")]),
                    &[
                        "duration: \"2h\"                      # else the site's default_duration",
                        "location: \"Main Library, Room 2\"",
                        "online: \"https://meet.example.org/your-room\"",
                        if req.leader.is_some() { "co_leaders: [\"A Name\"]" } else { "leader: \"A Name\"" },
                        "wanted: [\"co_leader\"]                # asks for a volunteer on the site",
                        "summary: \"One sentence for lists, feeds and calendars\"",
                        "repeat: \"FREQ=WEEKLY;COUNT=6\"        # a series",
                        "ce_hours: 2                          # continuing-education hours",
                        "status: tentative",
                        "tags: [\"cataloging\"]",
                    ],
                    "what we will do, what to read or bring, and who it is for.",
                ),
            )
        }
        NewKind::Story => (
            format!("stories/{slug}.md"),
            front(
                &fields(vec![Some(title), Some(("date", date)), leader("author"), groups]),
                &["author: \"A Name\"", "meeting: \"2027/the-meeting-it-tells-of\"", "tags: [\"peer-learning\"]"],
                "what happened, what people learned, and what you would do again.",
            ),
        ),
        NewKind::Article => (
            format!("articles/{slug}.md"),
            front(
                &fields(vec![Some(title), Some(("date", date)), leader("author"), groups]),
                &[
                    "url: \"https://example.org/the-article\"   # where it is, if not on this site",
                    "format: article                        # or handbook, webinar, pdf",
                    "author: \"A Name\"",
                    "tags: [\"cataloging\"]",
                ],
                "why this resource is worth reading.",
            ),
        ),
        NewKind::Page => (
            format!("{slug}.md"),
            front(
                &fields(vec![Some(title)]),
                &["summary: \"One line for lists and link previews\""],
                "the page's text.",
            ),
        ),
        NewKind::Wiki => (
            format!("wiki/{slug}.md"),
            front(
                &fields(vec![Some(title)]),
                &[
                    "draft: true                            # left out of the site until you remove it",
                    "tags: [\"how-to\"]",
                ],
                "the page's text; link other pages with [[Their title]].",
            ),
        ),
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
    /// Publishing recipes to write (`--publish`).
    pub publish: Vec<Publish>,
}

/// A host `moot init --publish` writes a recipe for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Publish {
    /// GitHub Pages: `.github/workflows/publish.yml`
    Github,
    /// GitLab Pages: `.gitlab-ci.yml`
    Gitlab,
    /// Netlify: `netlify.toml`
    Netlify,
}

/// How the recipes install moot: from crates.io, at this version (one line to change if
/// moot comes from elsewhere).
fn install_line() -> String {
    format!("cargo install moot --locked --version {}", env!("CARGO_PKG_VERSION"))
}

/// The recipe for `host`: (path in the site, text). `zone` picks the nightly rebuild's hour:
/// half past midnight in the site's time zone (as UTC, which is what GitHub's cron reads).
pub fn recipe(host: Publish, zone: &str, today: Date) -> (&'static str, String) {
    let install = install_line();
    let version = env!("CARGO_PKG_VERSION");
    match host {
        Publish::Github => {
            // 00:30 at the zone's smallest offset of the year, in UTC: after midnight in
            // winter and in summer (at 01:30 when the clocks are ahead).
            let (minute, hour) = crate::time::zone_by_name(zone)
                .ok()
                .map(|tz| {
                    let offset = [1, 7]
                        .into_iter()
                        .map(|month| crate::time::start_of_day(&tz, jiff::civil::date(today.year(), month, 1)))
                        .map(|z| z.offset().seconds())
                        .min()
                        .unwrap_or(0);
                    let at = (30 * 60 - i64::from(offset)).rem_euclid(24 * 3600);
                    (at / 60 % 60, at / 3600)
                })
                .unwrap_or((30, 0));
            (
                ".github/workflows/publish.yml",
                format!(
                    r#"# Builds the site with moot and publishes it on GitHub Pages: on every push to main,
# every night (so that "upcoming" stays true) and by hand (Actions -> Publish -> Run workflow).
# Once, in the repository: Settings -> Pages -> Build and deployment -> Source: GitHub Actions.
name: Publish

on:
  push:
    branches: [main]
  schedule:
    - cron: "{minute} {hour} * * *"   # after midnight in {zone}, all year (the cron is in UTC)
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0   # the whole history: page history comes from git
      - uses: actions/cache@v4
        with:
          path: ~/.cargo/bin/moot
          key: moot-{version}-${{{{ runner.os }}}}
      - name: Install moot
        run: command -v moot || {install}
      - id: pages
        uses: actions/configure-pages@v5
      - name: Build
        run: moot build --base-url "${{{{ steps.pages.outputs.base_url }}}}"
      - uses: actions/upload-pages-artifact@v3
        with:
          path: public

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"#
                ),
            )
        }
        Publish::Gitlab => (
            ".gitlab-ci.yml",
            format!(
                r#"# Builds the site with moot and publishes it on GitLab Pages, on every push to the default
# branch. To rebuild every night (so that "upcoming" stays true): Build -> Pipeline schedules
# -> New schedule, e.g. "30 0 * * *" in {zone}.
pages:
  image: rust:1
  variables:
    GIT_DEPTH: "0"   # the whole history: page history comes from git
  cache:
    key: moot-{version}
    paths:
      - .cargo/bin
  script:
    - export CARGO_HOME="$CI_PROJECT_DIR/.cargo" PATH="$CI_PROJECT_DIR/.cargo/bin:$PATH"
    - command -v moot || {install}
    - moot build --base-url "$CI_PAGES_URL"
  artifacts:
    paths:
      - public
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
"#
            ),
        ),
        Publish::Netlify => (
            "netlify.toml",
            format!(
                r#"# Builds the site with moot on Netlify, on every push. To rebuild every night (so that
# "upcoming" stays true): Site configuration -> Build & deploy -> Build hooks -> Add build
# hook, then have a scheduler POST to it after midnight in {zone}.
[build]
  command = '(git fetch --unshallow 2>/dev/null || true) && (command -v moot || {install}) && moot build --base-url "$URL"'
  publish = "public"
"#
            ),
        ),
    }
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
fn init_config(req: &InitRequest) -> Result<(String, String), String> {
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
    Ok((text, zone))
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

/// The starter site's favicon (the theme links `/favicon.svg`).
const FAVICON: &str = include_str!("../static/favicon.svg");

pub fn init(dir: &Path, req: &InitRequest, today: Date) -> Result<Vec<PathBuf>, String> {
    if dir.join(crate::config::FILE).exists() {
        if req.publish.is_empty() {
            return Err(format!(
                "{} already holds a site (moot.toml exists); to add a publishing recipe to it: moot init --publish github",
                dir.display()
            ));
        }
        // An existing site: only the recipes asked for, for its own time zone.
        let zone = site_config(dir).map_or_else(|| "UTC".to_string(), |c| c.timezone_name);
        return write_new(dir, req.publish.iter().map(|host| recipe(*host, &zone, today)).collect());
    }
    let (config, zone) = init_config(req)?;
    let next = today.checked_add(jiff::ToSpan::days(7)).unwrap_or(today);
    let title = req.title.as_deref().unwrap_or("Our Learning Groups");
    let favicon = FAVICON.replace("Bay Valley Learning Groups", &crate::render::escape::xml_escape(title));
    // Nothing here is a placeholder: what is not known yet is commented out, so a first
    // build is a site that could be published as it is.
    let mut files = vec![
        ("moot.toml", config),
        ("content/index.md", "---\ntitle: \"Welcome\"\n---\n\nWe are library staff who learn from each other in small groups. Anyone may lead a meeting: see [[Start here]].\n".to_string()),
        (
            "content/groups/first-group.md",
            format!(
                "{}Peer learning for anyone who wants to join: we meet for two hours, and anyone may lead a meeting.\n",
                front(
                    &[("title", q("First learning group")), ("summary", q("Peer learning for anyone who wants to join"))],
                    &["leaders: [\"A Name\"]", "contact: \"group@example.org\"", "mailing_list: \"group-list@example.org\""],
                    "what the group is about and how to join."
                )
            ),
        ),
        (
            "content/meetings/first-meeting.md",
            format!(
                "{}Introductions, and what we want to learn this year.\n",
                front(
                    &[
                        ("title", q("Our first meeting")),
                        ("group", q("first-group")),
                        ("start", q(&format!("{next} 14:00"))),
                        ("wanted", "[\"leader\", \"co_leader\"]".to_string()),
                    ],
                    &["leader: \"A Name\"", "location: \"Main Library, Room 1\"", "online: \"https://meet.example.org/room\""],
                    "what we will do, what to read or bring, and who it is for."
                )
            ),
        ),
        (
            "content/stories/how-we-started.md",
            format!("---\ntitle: \"How we started\"\ndate: \"{today}\"\ngroups: [\"first-group\"]\n---\n\nA few colleagues wanted to learn together, so we did.\n"),
        ),
        ("content/wiki/start-here.md", "---\ntitle: \"Start here\"\n---\n\nThe wiki collects what the groups learn. Add a page with `moot new wiki \"Title\"`.\n".to_string()),
        ("static/favicon.svg", favicon),
        (".github/ISSUE_TEMPLATE/propose-a-meeting.yml", PROPOSE_FORM.to_string()),
    ];
    files.extend(req.publish.iter().map(|host| recipe(*host, &zone, today)));
    let mut written = write_new(dir, files)?;
    // The built site, and the folder a first build is made in beside it before it is renamed
    // into place, stay out of git (a folder that already has a .gitignore keeps its own).
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        create(&ignore, "/public/\n/.public.moot-new/\n")?;
        written.push(ignore);
    }
    Ok(written)
}

/// Writes new files into `dir`, every one checked before any is written: a folder that
/// already holds one is left as it was (and the command can be run again once it is moved
/// away).
fn write_new(dir: &Path, files: Vec<(&str, String)>) -> Result<Vec<PathBuf>, String> {
    if let Some((rel, _)) = files.iter().find(|(rel, _)| dir.join(rel).exists()) {
        return Err(format!(
            "{} already exists; moot never overwrites a file (move it away, or start the site in another folder)",
            dir.join(rel).display()
        ));
    }
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(rel);
        create(&path, &text)?;
        written.push(path);
    }
    Ok(written)
}

/// The settings of the site in `root`, if it has readable ones.
fn site_config(root: &Path) -> Option<crate::config::Config> {
    let text = crate::load::read_config(root).ok()?;
    crate::config::parse(Path::new(crate::config::FILE), &text).ok()
}

/// Today's date in the site's zone (or UTC when the site has none yet).
pub fn today(root: &Path) -> Date {
    let tz = site_config(root).map_or(jiff::tz::TimeZone::UTC, |c| c.timezone);
    crate::now_from_env().unwrap_or_else(|_| jiff::Timestamp::now()).to_zoned_datetime(tz).date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nightly_build_is_after_midnight_all_year() {
        let day = jiff::civil::date(2026, 7, 1);
        let cron = |zone| {
            let (_, text) = recipe(Publish::Github, zone, day);
            text.lines()
                .find_map(|l| l.trim().strip_prefix("- cron: \""))
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_string()
        };
        // At the smallest offset: 00:30 in winter, 01:30 in summer.
        assert_eq!(cron("America/New_York"), "30 5 * * *");
        assert_eq!(cron("Europe/London"), "30 0 * * *");
        assert_eq!(cron("Australia/Sydney"), "30 14 * * *");
        assert_eq!(cron("Australia/Lord_Howe"), "0 14 * * *");
        assert_eq!(cron("Asia/Kolkata"), "0 19 * * *");
    }

    #[test]
    fn quotes_yaml() {
        assert_eq!(q("Say \"hi\": now"), "\"Say \\\"hi\\\": now\"");
    }
}
