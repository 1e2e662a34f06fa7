//! Model: parsed documents -> a typed, validated, linked site. Pure (no I/O).
//!
//! Each document is checked on its own first (in parallel): fields are destructured in full
//! from the raw front matter, so a new field does not compile until it is handled here. Then
//! references between documents are resolved through hash maps (never a scan per lookup),
//! and series of meetings are expanded into occurrences.

use crate::config::Config;
use crate::diag::{closest, Diagnostic};
use crate::parse::{ArticleFront, Doc, Front, GroupFront, Kind, MeetingFront, PageFront, StoryFront};
use crate::safe::Accept;
use crate::time::{self, Moment};
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan, ZonedDateTime};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

mod people;
mod series;

pub use people::Person;

/// Defines the id of one kind of thing: its place in the site's list of them, typed, so that
/// a page's number cannot be taken for a group's.
macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident of $what:ty;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(pub usize);

        impl std::ops::Index<$name> for Vec<$what> {
            type Output = $what;
            fn index(&self, id: $name) -> &$what {
                &self[id.0]
            }
        }

        impl std::ops::IndexMut<$name> for Vec<$what> {
            fn index_mut(&mut self, id: $name) -> &mut $what {
                &mut self[id.0]
            }
        }

        impl std::ops::Index<$name> for [$what] {
            type Output = $what;
            fn index(&self, id: $name) -> &$what {
                &self[id.0]
            }
        }

        impl $name {
            /// Every id of a list of them, in order.
            pub fn all(list: &[$what]) -> impl Iterator<Item = $name> + use<> {
                (0..list.len()).map($name)
            }
        }
    )*};
}

ids! {
    /// A page of any kind: its place in [`Site::items`] (and in the markdown's bodies).
    ItemId of Item;
    /// A group: its place in [`Site::groups`].
    GroupId of Group;
    /// A meeting (one file, one or many occurrences): its place in [`Site::meetings`].
    MeetingId of Meeting;
    /// A story: its place in [`Site::stories`].
    StoryId of Story;
    /// An article: its place in [`Site::articles`].
    ArticleId of Article;
}

/// What every document has.
#[derive(Debug, Clone)]
pub struct Item {
    pub kind: Kind,
    pub shown: PathBuf,
    /// Content path without `.md`, slugged: `meetings/2026/alma-circle` (`""` for the home page).
    pub path: String,
    /// Path inside its kind's folder: `2026/alma-circle`.
    pub key: String,
    pub slug: String,
    /// Root-relative URL with the base path: `/meetings/2026/alma-circle/`.
    pub url: String,
    pub title: String,
    pub summary: Option<String>,
    /// (slug, name) of each tag.
    pub tags: Vec<(String, String)>,
    pub draft: bool,
    pub aliases: Vec<String>,
    pub body: String,
    pub body_line: usize,
    /// The front matter as written: `serve` compares it to tell a body-only edit.
    pub front: String,
    /// Where the file sits, relative to content/ (`meetings/2026`), for relative links.
    pub dir: String,
    /// The file's modification time (a meeting's LAST-MODIFIED when the site has no history).
    pub modified: Option<Timestamp>,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub item: ItemId,
    pub leaders: Vec<String>,
    pub contact: Option<String>,
    pub forum: Option<String>,
    pub mailing_list: Option<String>,
    pub join: Option<String>,
    pub timezone: Option<(String, TimeZone)>,
    pub location: Option<String>,
    pub archived: bool,
    pub meetings: Vec<MeetingId>,
    pub stories: Vec<StoryId>,
    pub articles: Vec<ArticleId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Confirmed,
    Tentative,
    Cancelled,
}

/// One time a meeting happens.
#[derive(Debug, Clone)]
pub struct Occurrence {
    pub start: ZonedDateTime,
    pub end: ZonedDateTime,
    /// On a date listed in `except`.
    pub skipped: bool,
    /// The local time the series' rule gives it (its RECURRENCE-ID), which is not its start
    /// when it falls in a gap of the clocks or a session moved it.
    pub wall: DateTime,
    /// Where the series places it, when an entry of `sessions` moved it (its RECURRENCE-ID).
    pub moved_from: Option<ZonedDateTime>,
    /// The entry of [`Meeting::sessions`] that changes it, if one does.
    pub session: Option<u16>,
}

/// One entry of a series' `sessions`: what it changes in the session on `date`. Its new time,
/// if any, is already in the occurrence.
#[derive(Debug, Clone, Hash)]
pub struct Session {
    /// The date the series places the session on.
    pub date: Date,
    /// The line of the entry in its file.
    pub line: usize,
    pub title: Option<String>,
    pub location: Option<String>,
    pub online: Option<String>,
    pub leader: Option<String>,
    pub co_leaders: Option<Vec<String>>,
    pub status: Option<Status>,
    pub note: Option<String>,
    pub ce_hours: Option<CeHours>,
    pub ce_category: Option<String>,
    /// The roles still open for this session, when it says (else the series').
    pub wanted: Option<Vec<Role>>,
}

/// A role a meeting still needs someone for (`wanted:`): anyone may sign up to lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Leader,
    CoLeader,
}

impl Role {
    /// "Leader wanted", "Co-leader wanted".
    pub fn wanted_label(self) -> &'static str {
        match self {
            Role::Leader => "Leader wanted",
            Role::CoLeader => "Co-leader wanted",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Role::Leader => "leader",
            Role::CoLeader => "co-leader",
        }
    }
}

/// `wanted`: roles, each `leader` or `co_leader`.
fn check_wanted(v: &Option<Vec<String>>) -> Result<Vec<Role>, (String, &'static str)> {
    let mut roles = Vec::new();
    for r in v.iter().flatten() {
        let role = match r.trim().to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
            "leader" => Role::Leader,
            "co_leader" | "coleader" => Role::CoLeader,
            _ => {
                return Err((
                    format!("`wanted` {r:?} is not a role moot knows"),
                    "write wanted: [leader], wanted: [co_leader] or both",
                ))
            }
        };
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    roles.sort();
    Ok(roles)
}

/// Continuing-education hours, in hundredths (`1.5` is 150), so that they compare and hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CeHours(pub u32);

impl std::fmt::Display for CeHours {
    /// `1.5`, `2`, `0.25`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (whole, part) = (self.0 / 100, self.0 % 100);
        match part {
            0 => write!(f, "{whole}"),
            p if p % 10 == 0 => write!(f, "{whole}.{}", p / 10),
            p => write!(f, "{whole}.{p:02}"),
        }
    }
}

impl CeHours {
    /// "1.5 CE hours", "1 CE hour".
    pub fn label(self) -> String {
        format!("{self} CE hour{}", if self.0 == 100 { "" } else { "s" })
    }
}

/// The dates `except` skips: one day, or a range of days (both inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Except {
    pub first: Date,
    pub last: Date,
}

impl Except {
    pub fn contains(&self, d: Date) -> bool {
        self.first <= d && d <= self.last
    }
}

impl Occurrence {
    /// The last day an all-day occurrence covers (its end is the midnight after it).
    pub fn last_day(&self) -> Date {
        self.end.date().yesterday().unwrap_or(self.end.date()).max(self.start.date())
    }
}

#[derive(Debug, Clone)]
pub struct Meeting {
    pub item: ItemId,
    pub groups: Vec<GroupId>,
    pub all_day: bool,
    pub tz_name: String,
    pub tz: TimeZone,
    /// Wall time of the first start and end (all-day: midnight, end exclusive).
    pub start: DateTime,
    pub end: DateTime,
    pub location: Option<String>,
    pub online: Option<String>,
    pub leader: Option<String>,
    pub co_leaders: Vec<String>,
    pub status: Status,
    /// The `repeat` rule, checked when the meeting was read.
    pub repeat: Option<time::Rule>,
    pub except: Vec<Except>,
    /// Changes to single sessions of the series, in the order written.
    pub sessions: Vec<Session>,
    pub signup: Option<String>,
    pub capacity: Option<u32>,
    /// Continuing-education hours and category: meetings with hours form the CE calendar.
    pub ce_hours: Option<CeHours>,
    pub ce_category: Option<String>,
    /// Roles still open (`wanted:`), for every session unless one says otherwise.
    pub wanted: Vec<Role>,
    pub occurrences: Vec<Occurrence>,
    pub stories: Vec<StoryId>,
}

/// What one occurrence is like: the meeting's fields, as its entry in `sessions` changes them.
impl Meeting {
    pub fn session_of(&self, o: &Occurrence) -> Option<&Session> {
        o.session.and_then(|i| self.sessions.get(usize::from(i)))
    }

    /// A cancelled meeting cancels all its sessions; otherwise a session may set its own.
    pub fn status_at(&self, o: &Occurrence) -> Status {
        match (self.status, self.session_of(o).and_then(|s| s.status)) {
            (Status::Cancelled, _) | (_, None) => self.status,
            (_, Some(own)) => own,
        }
    }

    /// Whether a member can come to it: not skipped, not cancelled.
    pub fn takes_place(&self, o: &Occurrence) -> bool {
        !o.skipped && self.status_at(o) != Status::Cancelled
    }

    pub fn title_at<'a>(&'a self, o: &Occurrence, title: &'a str) -> &'a str {
        self.session_of(o).and_then(|s| s.title.as_deref()).unwrap_or(title)
    }

    pub fn location_at(&self, o: &Occurrence) -> Option<&str> {
        self.session_of(o).and_then(|s| s.location.as_deref()).or(self.location.as_deref())
    }

    pub fn online_at(&self, o: &Occurrence) -> Option<&str> {
        self.session_of(o).and_then(|s| s.online.as_deref()).or(self.online.as_deref())
    }

    pub fn leader_at(&self, o: &Occurrence) -> Option<&str> {
        self.session_of(o).and_then(|s| s.leader.as_deref()).or(self.leader.as_deref())
    }

    pub fn co_leaders_at(&self, o: &Occurrence) -> &[String] {
        self.session_of(o).and_then(|s| s.co_leaders.as_deref()).unwrap_or(&self.co_leaders)
    }

    pub fn note_at(&self, o: &Occurrence) -> Option<&str> {
        self.session_of(o).and_then(|s| s.note.as_deref())
    }

    pub fn ce_hours_at(&self, o: &Occurrence) -> Option<CeHours> {
        self.session_of(o).and_then(|s| s.ce_hours).or(self.ce_hours)
    }

    pub fn ce_category_at(&self, o: &Occurrence) -> Option<&str> {
        self.session_of(o).and_then(|s| s.ce_category.as_deref()).or(self.ce_category.as_deref())
    }

    pub fn wanted_at(&self, o: &Occurrence) -> &[Role] {
        self.session_of(o).and_then(|s| s.wanted.as_deref()).unwrap_or(&self.wanted)
    }

    /// Whether any session of the meeting counts for continuing education.
    pub fn has_ce(&self) -> bool {
        self.ce_hours.is_some() || self.sessions.iter().any(|s| s.ce_hours.is_some())
    }
}

#[derive(Debug, Clone)]
pub struct Story {
    pub item: ItemId,
    pub date: Date,
    pub author: Option<String>,
    pub groups: Vec<GroupId>,
    pub meeting: Option<MeetingId>,
}

#[derive(Debug, Clone)]
pub struct Article {
    pub item: ItemId,
    pub date: Option<Date>,
    pub author: Option<String>,
    pub url: Option<String>,
    pub format: Option<String>,
    pub groups: Vec<GroupId>,
}

/// The whole site, validated and linked.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    pub now: Timestamp,
    /// The first moment after `now` at which a meeting's occurrences or their being upcoming
    /// change (without the day's own change, see `lib::valid_until`), if any.
    pub changes_at: Option<Timestamp>,
    /// DTSTAMP of the calendar feeds: `now`, or the start of its UTC day when `now` is the
    /// clock's (so rebuilds during a day leave the feeds' bytes alone).
    pub dtstamp: Timestamp,
    pub drafts_shown: bool,
    pub items: Vec<Item>,
    pub groups: Vec<Group>,
    pub meetings: Vec<Meeting>,
    pub stories: Vec<Story>,
    pub articles: Vec<Article>,
    /// The wiki pages and the other pages.
    pub wiki: Vec<ItemId>,
    pub pages: Vec<ItemId>,
    pub home: Option<ItemId>,
    /// Intro text of a section's index page (`content/groups/index.md`).
    pub intros: HashMap<Kind, ItemId>,
    /// Tag slug -> (name, items by title), sorted by slug.
    pub tags: BTreeMap<String, (String, Vec<ItemId>)>,
    /// Item -> its place in `groups`, `meetings`, `stories` or `articles` (0 for pages); read
    /// through [`Site::group_id`] and its kin.
    pub position: Vec<usize>,
    /// Lower-case titles, aliases and paths of drafts left out, so links to them are named as such.
    pub draft_names: std::collections::HashSet<String>,
    /// The files of drafts left out, `/`-separated and relative to `content/`: their edits
    /// appear nowhere, recent changes included.
    pub draft_files: std::collections::HashSet<String>,
    /// Page history from git, if the site is in a repository.
    pub history: Option<crate::history::History>,
    /// Files beside the pages: (destination, source).
    pub assets: Vec<crate::load::CopyFile>,
    /// Everyone named as a leader or author, by name; and the slug of every name and alias
    /// to its place in `people`.
    pub people: Vec<Person>,
    pub person_slugs: HashMap<String, usize>,
}

impl Site {
    /// The group whose page is `item` (a page of kind [`Kind::Group`]).
    pub fn group_id(&self, item: ItemId) -> GroupId {
        GroupId(self.position[item.0])
    }

    /// The meeting whose page is `item` (a page of kind [`Kind::Meeting`]).
    pub fn meeting_id(&self, item: ItemId) -> MeetingId {
        MeetingId(self.position[item.0])
    }

    /// The story whose page is `item` (a page of kind [`Kind::Story`]).
    pub fn story_id(&self, item: ItemId) -> StoryId {
        StoryId(self.position[item.0])
    }

    /// The article whose page is `item` (a page of kind [`Kind::Article`]).
    pub fn article_id(&self, item: ItemId) -> ArticleId {
        ArticleId(self.position[item.0])
    }

    pub fn is_upcoming(&self, o: &Occurrence) -> bool {
        o.end.timestamp() > self.now
    }
}

/// Top-level names that moot's own pages use; a page may not take them.
pub const RESERVED: &[&str] = &[
    "groups",
    "meetings",
    "stories",
    "articles",
    "wiki",
    "tags",
    "calendar",
    "search",
    "static",
    "recent-changes",
    "atom.xml",
    "sitemap.xml",
    "robots.txt",
    "404.html",
    "calendar.ics",
    "page",
    "lead",
    "ce",
    "people",
];

/// What a single document turns into before cross-references. Short-lived (one per file
/// between two stages), so the size of the meeting variant does not matter.
#[allow(clippy::large_enum_variant)]
enum Typed {
    Group(Group),
    Meeting(Meeting, Refs, MeetingTimes),
    Story(Story, Refs),
    Article(Article, Refs),
    Page,
    Person(people::PersonFile),
}

/// A document checked on its own: its item, its typed part and its warnings, or errors.
type Checked = Result<(Item, Typed, Vec<Diagnostic>), Vec<Diagnostic>>;

/// References as written, with the line they are on, resolved after every item is known.
#[derive(Default)]
struct Refs {
    groups: Vec<(String, usize)>,
    meeting: Option<(String, usize)>,
}

/// Builds the model from parsed documents. Drafts are dropped unless `drafts`.
pub fn build(
    config: Config,
    docs: Vec<Doc>,
    assets: Vec<crate::load::CopyFile>,
    now: Timestamp,
    drafts: bool,
) -> (Site, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut draft_paths: Vec<(String, String)> = Vec::new();
    let checked: Vec<Checked> = docs.into_par_iter().map(|d| check_doc(&config, d, now)).collect();
    let mut site = Site {
        config,
        now,
        changes_at: None,
        dtstamp: now,
        drafts_shown: drafts,
        items: Vec::new(),
        groups: Vec::new(),
        meetings: Vec::new(),
        stories: Vec::new(),
        articles: Vec::new(),
        wiki: Vec::new(),
        pages: Vec::new(),
        home: None,
        intros: HashMap::new(),
        tags: BTreeMap::new(),
        position: Vec::new(),
        draft_names: Default::default(),
        draft_files: Default::default(),
        history: None,
        assets,
        people: Vec::new(),
        person_slugs: HashMap::new(),
    };
    // Reserved: grown by doubling, these vectors of big items were copied again and again.
    site.items.reserve(checked.len());
    let mut pending: Vec<(ItemId, Typed)> = Vec::with_capacity(checked.len());
    for c in checked {
        match c {
            Ok((item, typed, warnings)) => {
                diags.extend(warnings);
                if item.draft && !drafts {
                    site.draft_names.insert(item.title.to_lowercase());
                    site.draft_names.insert(item.path.clone());
                    site.draft_names.extend(item.aliases.iter().map(|a| a.to_lowercase()));
                    draft_paths.push((item.kind.folder().to_string(), item.key.clone()));
                    draft_paths.push((item.kind.folder().to_string(), item.slug.clone()));
                    if let Some(rel) = item.shown.strip_prefix("content").ok().and_then(Path::to_str) {
                        site.draft_files.insert(rel.replace('\\', "/"));
                    }
                    continue;
                }
                let idx = ItemId(site.items.len());
                site.items.push(item);
                pending.push((idx, typed));
            }
            Err(errs) => diags.extend(errs),
        }
    }
    check_unique_urls(&site.items, &mut diags);
    let mut refs = Vec::new();
    let mut times = Vec::new();
    let mut person_files = Vec::new();
    for (idx, typed) in pending {
        let item = &site.items[idx];
        match typed {
            Typed::Group(mut g) => {
                g.item = idx;
                site.groups.push(g);
            }
            Typed::Meeting(mut m, r, t) => {
                m.item = idx;
                refs.push((Kind::Meeting, site.meetings.len(), r));
                site.meetings.push(m);
                times.push(Some(t));
            }
            Typed::Story(mut s, r) => {
                s.item = idx;
                refs.push((Kind::Story, site.stories.len(), r));
                site.stories.push(s);
            }
            Typed::Article(mut a, r) => {
                a.item = idx;
                refs.push((Kind::Article, site.articles.len(), r));
                site.articles.push(a);
            }
            Typed::Person(f) => person_files.push((idx, f)),
            Typed::Page => match (item.kind, item.path.as_str()) {
                (_, "") => site.home = Some(idx),
                (k, p) if k != Kind::Page && p == k.folder() => {
                    site.intros.insert(k, idx);
                }
                (Kind::Wiki, _) => site.wiki.push(idx),
                _ => site.pages.push(idx),
            },
        }
    }
    // Groups are referred to by position from here on, so they take their final order first.
    let items = &site.items;
    site.groups.sort_by(|a, b| {
        (a.archived, items[a.item].title.to_lowercase()).cmp(&(b.archived, items[b.item].title.to_lowercase()))
    });
    resolve_refs(&mut site, refs, &draft_paths, &mut diags);
    place_meetings(&mut site, times, &mut diags);
    people::collect(&mut site, person_files, &mut diags);
    collect_tags(&mut site);
    sort_lists(&mut site);
    site.position = positions(&site);
    (site, diags)
}

fn check_unique_urls(items: &[Item], diags: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<&str, &Item> = HashMap::with_capacity(items.len());
    for item in items {
        if let Some(first) = seen.insert(&item.url, item) {
            diags.push(
                Diagnostic::error(&item.shown, 1, format!("two pages have the address {}", item.url))
                    .hint(format!("{} has it too; change one file name or its `slug`", first.shown.display())),
            );
        }
    }
}

/// Validates one document in isolation.
fn check_doc(config: &Config, mut doc: Doc, now: Timestamp) -> Checked {
    let mut errs = Vec::new();
    let warnings = Vec::new();
    let mut item = make_item(config, &doc, &mut errs);
    let typed = match &doc.front {
        Front::Group(f) => Typed::Group(check_group(&doc, f, &mut errs)),
        Front::Meeting(f) => {
            let (m, r, t) = check_meeting(config, &doc, f, &mut errs);
            Typed::Meeting(m, r, t)
        }
        Front::Story(f) => {
            let (s, r) = check_story(&doc, f, &mut errs);
            Typed::Story(s, r)
        }
        Front::Article(f) => {
            let (a, r) = check_article(&doc, f, &mut errs);
            Typed::Article(a, r)
        }
        Front::Page(PageFront { .. }) => Typed::Page,
        Front::Person(f) => Typed::Person(people::check_file(&doc, f, &mut errs)),
    };
    // Moved, not copied (the checks above read the front matter for line numbers): the texts
    // are most of a site's memory.
    item.body = std::mem::take(&mut doc.body);
    item.front = std::mem::take(&mut doc.front_text);
    if errs.is_empty() {
        Ok((item, typed, warnings))
    } else {
        // A meeting left out for other errors still has its times checked (in its own zone,
        // else the site's), so that every independent error of the file is found in one run.
        if let Typed::Meeting(mut m, _, t) = typed {
            if t.start.0.is_empty() {
                return Err(errs);
            }
            let mut found = Vec::new();
            if let Err(e) = place_meeting(config, &t, &mut m, now, &mut found) {
                found.push(e);
            }
            errs.extend(found.into_iter().filter(Diagnostic::is_error));
        }
        Err(errs)
    }
}

fn make_item(config: &Config, doc: &Doc, errs: &mut Vec<Diagnostic>) -> Item {
    let (title, summary, tags, draft, slug_override) = doc.front.common();
    let aliases = match &doc.front {
        Front::Page(PageFront { aliases, .. }) => aliases.clone().unwrap_or_default(),
        _ => Vec::new(),
    };
    let title = match title.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => t.to_string(),
        _ => {
            errs.extend(doc.missing("title", "every page needs a title, e.g. title: \"Alma cataloging circle\""));
            String::new()
        }
    };
    let stem = doc.rel.strip_suffix(".md").unwrap_or(&doc.rel);
    let (dir, file_slug) = match stem.rsplit_once('/') {
        Some((d, f)) => (d, f),
        None => ("", stem),
    };
    let mut slug = match slug_override {
        Some(s) => {
            if slugify(s) != *s || s.is_empty() {
                errs.push(
                    doc.error("slug", format!("slug {s:?} may only hold lower-case letters, digits and `-`"))
                        .hint(format!("use {:?}", slugify(s))),
                );
            }
            s.clone()
        }
        None => slugify(file_slug),
    };
    let dir_slugged: Vec<String> = dir.split('/').filter(|c| !c.is_empty()).map(slugify).collect();
    let mut path_parts = dir_slugged.clone();
    if file_slug == "index" && slug_override.is_none() {
        slug = path_parts.last().cloned().unwrap_or_default();
    } else {
        path_parts.push(slug.clone());
    }
    let path = path_parts.join("/");
    if doc.kind == Kind::Page && RESERVED.contains(&path_parts.first().map(String::as_str).unwrap_or("")) {
        errs.push(
            Diagnostic::error(&doc.shown, 1, format!("the address /{path}/ is used by moot's own pages"))
                .hint("rename the file or set another `slug`"),
        );
    }
    if path_parts.iter().any(|p| !crate::routes::is_safe_component(p)) {
        errs.push(
            Diagnostic::error(&doc.shown, 1, "this file's path cannot be turned into an address")
                .hint("rename it with letters, digits and `-`"),
        );
    }
    let folder = doc.kind.folder();
    let key = path.strip_prefix(folder).map(|k| k.trim_start_matches('/')).unwrap_or(&path).to_string();
    let url = config.routes().page(&path);
    let tags =
        tags.iter().flatten().map(|t| (slugify(t), t.trim().to_string())).filter(|(s, _)| !s.is_empty()).collect();
    Item {
        kind: doc.kind,
        shown: doc.shown.clone(),
        path,
        key,
        slug,
        url,
        title,
        summary: summary.clone().filter(|s| !s.trim().is_empty()),
        tags,
        draft: draft.unwrap_or(false),
        aliases,
        body: String::new(),
        front: String::new(),
        body_line: doc.body_line,
        dir: dir.to_string(),
        modified: doc.modified,
    }
}

/// Each part of a `/`-separated path as a slug (`2026/Alma-Circle` is `2026/alma-circle`).
pub fn slug_path(path: &str) -> String {
    path.split('/').map(slugify).collect::<Vec<_>>().join("/")
}

/// ASCII lower-case letters and digits kept, everything else a single `-`, after
/// transliteration (`ça va été` is `ca-va-ete`, `İ` is `i`). A slug is its own slug.
pub fn slugify(s: &str) -> String {
    // ASCII, as Zola's default: "ça va été" -> "ca-va-ete" (deunicode transliterates; a
    // character it cannot write becomes a separator).
    let ascii = deunicode::deunicode_with_tofu(s.trim(), "-");
    let mut out = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// A URL field: the value to link to, or an error that says what was given, why it is
/// refused and what to write (see [`crate::safe::check_url`]).
fn check_url(
    doc: &Doc,
    key: &str,
    value: &Option<String>,
    accept: Accept,
    errs: &mut Vec<Diagnostic>,
) -> Option<String> {
    check_url_at(doc, key, doc.line_of(key), value, accept, errs)
}

/// [`check_url`] for a field on a given line (inside a list, say).
fn check_url_at(
    doc: &Doc,
    key: &str,
    line: usize,
    value: &Option<String>,
    accept: Accept,
    errs: &mut Vec<Diagnostic>,
) -> Option<String> {
    let v = value.as_deref()?;
    match crate::safe::check_url(v, accept) {
        Ok(url) => Some(url),
        Err(why) => {
            let v = v.trim();
            let example = match key {
                "online" => "online: \"https://meet.example.org/alma-circle\"",
                "forum" => "forum: \"https://forum.example.org/c/alma\"",
                "url" => "url: \"https://example.org/handbook.pdf\"",
                "contact" => "contact: \"circle@example.org\"",
                "mailing_list" => "mailing_list: \"circle@lists.example.org\"",
                "join" => "join: \"https://forms.example.org/join/alma\" or join: \"mailto:circle@example.org\"",
                _ => "signup: \"https://forms.example.org/alma\" or signup: \"mailto:circle@example.org\"",
            };
            errs.push(
                Diagnostic::error(&doc.shown, line, format!("`{key}` {v:?} is not {}: {why}", accept.forms()))
                    .hint(format!("write it like: {example}")),
            );
            None
        }
    }
}

/// A `timezone` field: the name and its zone, or an error with the nearest IANA names.
fn zone_field(doc: &Doc, timezone: &Option<String>, errs: &mut Vec<Diagnostic>) -> Option<(String, TimeZone)> {
    let name = timezone.as_ref()?;
    match time::zone_by_name(name) {
        Ok(tz) => Some((name.clone(), tz)),
        Err(hint) => {
            errs.push(doc.error("timezone", format!("unknown time zone {name:?}")).hint(hint));
            None
        }
    }
}

fn check_group(doc: &Doc, f: &GroupFront, errs: &mut Vec<Diagnostic>) -> Group {
    let GroupFront {
        title: _,
        summary: _,
        tags: _,
        draft: _,
        slug: _,
        leaders,
        contact,
        forum,
        mailing_list,
        join,
        timezone,
        location,
        status,
    } = f;
    let timezone = zone_field(doc, timezone, errs);
    let archived = match status.as_deref() {
        None | Some("active") => false,
        Some("archived") => true,
        Some(other) => {
            errs.push(
                doc.error("status", format!("group status {other:?} is not known")).hint("use `active` or `archived`"),
            );
            false
        }
    };
    Group {
        item: ItemId(0),
        leaders: leaders.clone().unwrap_or_default(),
        contact: check_url(doc, "contact", contact, Accept::Email, errs),
        forum: check_url(doc, "forum", forum, Accept::Web, errs),
        mailing_list: check_url(doc, "mailing_list", mailing_list, Accept::EmailOrWeb, errs),
        join: check_url(doc, "join", join, Accept::WebOrMailto, errs),
        timezone,
        location: location.clone(),
        archived,
        meetings: Vec::new(),
        stories: Vec::new(),
        articles: Vec::new(),
    }
}

fn parse_date(doc: &Doc, key: &str, value: &str, errs: &mut Vec<Diagnostic>) -> Option<Date> {
    let why = time::year_problem(value).map(|why| format!(": {why}"));
    match value.trim().parse::<Date>() {
        Ok(d) if why.is_none() => Some(d),
        _ => {
            errs.push(
                doc.error(key, format!("`{key}` {value:?} is not a date{}", why.unwrap_or_default()))
                    .hint("write the date as YYYY-MM-DD, e.g. \"2026-12-03\""),
            );
            None
        }
    }
}

fn group_refs(
    doc: &Doc,
    group: &Option<String>,
    groups: &Option<Vec<String>>,
    errs: &mut Vec<Diagnostic>,
) -> Vec<(String, usize)> {
    if group.is_some() && groups.is_some() {
        errs.push(doc.error("groups", "both `group` and `groups` are set").hint("use `groups: [a, b]` alone"));
    }
    let mut out: Vec<(String, usize)> = group.iter().map(|g| (g.clone(), doc.line_of("group"))).collect();
    out.extend(groups.iter().flatten().map(|g| (g.clone(), doc.line_of("groups"))));
    out
}

fn check_meeting(
    config: &Config,
    doc: &Doc,
    f: &MeetingFront,
    errs: &mut Vec<Diagnostic>,
) -> (Meeting, Refs, MeetingTimes) {
    let MeetingFront {
        title: _,
        summary: _,
        tags: _,
        draft: _,
        slug: _,
        group,
        groups,
        start,
        end,
        duration,
        timezone,
        location,
        online,
        leader,
        co_leaders,
        status,
        repeat,
        except,
        sessions,
        signup,
        capacity,
        ce_hours,
        ce_category,
        wanted,
    } = f;
    let refs = Refs { groups: group_refs(doc, group, groups, errs), meeting: None };
    let status = match status.as_deref().map(parse_status) {
        None => Status::Confirmed,
        Some(Ok(s)) => s,
        Some(Err((message, hint))) => {
            errs.push(doc.error("status", message).hint(hint));
            Status::Confirmed
        }
    };
    let own_zone = zone_field(doc, timezone, errs);
    let (tz_name, tz) = own_zone.clone().unwrap_or_else(|| (config.timezone_name.clone(), config.timezone.clone()));
    let except = series::check_except(doc, except, errs);
    let (sessions, session_times) = series::check_sessions(doc, sessions, repeat.is_some(), errs);
    if start.is_none() {
        errs.extend(doc.missing("start", time::MOMENT_FORMS));
    }
    let at = |key: &str, v: &Option<String>| v.as_ref().map(|v| (v.clone(), doc.line_of(key)));
    let mut times = MeetingTimes {
        shown: doc.shown.clone(),
        own_zone,
        start: at("start", start).unwrap_or_default(),
        end: at("end", end),
        duration: at("duration", duration),
        repeat_line: doc.line_of("repeat"),
        repeat_error: None,
        except_line: doc.line_of("except"),
        sessions: session_times,
    };
    // Checked here, once; a refused rule is reported where the series is expanded (after the
    // times are placed), as before.
    let repeat = match repeat.as_deref().map(time::check_rule) {
        None => None,
        Some(Ok(rule)) => Some(rule),
        Some(Err(e)) => {
            times.repeat_error = Some(e);
            None
        }
    };
    let m = Meeting {
        item: ItemId(0),
        groups: Vec::new(),
        all_day: false,
        tz_name,
        tz,
        start: DateTime::default(),
        end: DateTime::default(),
        location: location.clone(),
        online: check_url(doc, "online", online, Accept::Web, errs),
        leader: leader.clone(),
        co_leaders: co_leaders.clone().unwrap_or_default(),
        status,
        repeat,
        except,
        sessions,
        signup: check_url(doc, "signup", signup, Accept::WebOrMailto, errs),
        capacity: *capacity,
        ce_hours: ce_hours
            .as_ref()
            .and_then(|h| check_ce_hours(h).map_err(|e| errs.push(doc.error("ce_hours", e.0).hint(e.1))).ok()),
        ce_category: text_field(ce_category),
        wanted: check_wanted(wanted).unwrap_or_else(|(m, hint)| {
            errs.push(doc.error("wanted", m).hint(hint));
            Vec::new()
        }),
        occurrences: Vec::new(),
        stories: Vec::new(),
    };
    (m, refs, times)
}

/// `ce_hours`: a number of hours above 0 and up to 100, with at most two decimals (`1.5`).
fn check_ce_hours(v: &crate::parse::NumberOrText) -> Result<CeHours, (String, &'static str)> {
    use crate::parse::NumberOrText;
    const HINT: &str = "write the hours as a number, like ce_hours: 1.5";
    let n = match v {
        NumberOrText::Number(n) => *n,
        NumberOrText::Text(t) => t
            .trim()
            .parse::<f64>()
            .map_err(|_| (format!("`ce_hours` must be a number of hours, like 1.5, and {t:?} is not one"), HINT))?,
    };
    let hundredths = (n * 100.0).round();
    if !n.is_finite() || n <= 0.0 || n > 100.0 {
        return Err((format!("`ce_hours` {n} is not between 0 and 100 hours"), HINT));
    }
    if (n * 100.0 - hundredths).abs() > 1e-6 {
        return Err((format!("`ce_hours` {n} has more than two decimals"), "round it, like 1.25 or 1.5"));
    }
    Ok(CeHours(hundredths as u32))
}

/// A free-text field: trimmed, and none when empty.
fn text_field(v: &Option<String>) -> Option<String> {
    v.as_ref().map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

/// What `moot check` says about a site beyond what a build needs: an upcoming session
/// without a leader that is not marked `wanted: [leader]` (so no one is asked to lead it).
pub fn organiser_warnings(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for m in &site.meetings {
        let item = &site.items[m.item];
        if m.occurrences.iter().any(|o| site.is_upcoming(o) && m.takes_place(o)) {
            out.extend(placeholders(item, m));
        }
        let Some(o) = m.occurrences.iter().find(|o| {
            site.is_upcoming(o)
                && m.takes_place(o)
                && m.leader_at(o).is_none()
                && !m.wanted_at(o).contains(&Role::Leader)
        }) else {
            continue;
        };
        let line = crate::parse::key_line(&item.front, "leader").max(2);
        let when =
            if m.repeat.is_some() { format!("its session on {}", o.start.date()) } else { o.start.date().to_string() };
        out.push(
            Diagnostic::warning(
                &item.shown,
                line,
                format!("the meeting on {when} has no leader and does not ask for one"),
            )
            .hint("add leader: \"Name\", or wanted: [leader] so that the \"Lead a meeting\" page asks for one"),
        );
    }
    out
}

/// Values left as a template or an old `moot new` wrote them ("Your Name", "TBD", `""`, an
/// example.org link) in a meeting still to come: each a warning at its line.
fn placeholders(item: &Item, m: &Meeting) -> Vec<Diagnostic> {
    let names = m.leader.iter().map(|l| ("leader", l)).chain(m.co_leaders.iter().map(|c| ("co_leaders", c)));
    let texts = [("title", Some(&item.title)), ("location", m.location.as_ref()), ("summary", item.summary.as_ref())];
    let links = [("online", m.online.as_ref()), ("signup", m.signup.as_ref())];
    let mut out = Vec::new();
    let mut warn = |key: &str, value: &str, hint: &str| {
        let line = crate::parse::key_line(&item.front, key);
        let shown = if value.trim().is_empty() { "empty".to_string() } else { format!("{value:?}") };
        out.push(
            Diagnostic::warning(
                &item.shown,
                line,
                format!("`{key}` is {shown}, a placeholder, in a meeting still to come"),
            )
            .hint(hint.to_string()),
        );
    };
    for (key, name) in names {
        if placeholder_text(name) {
            warn(key, name, "write the name of the person, or remove the line (wanted: [leader] asks for a volunteer)");
        }
    }
    for (key, text) in texts.into_iter().filter_map(|(k, v)| Some((k, v?))) {
        if placeholder_text(text) {
            warn(key, text, "write what it is, or remove the line");
        }
    }
    for (key, link) in links.into_iter().filter_map(|(k, v)| Some((k, v?))) {
        let host = link.split("://").nth(1).unwrap_or(link).split(['/', '?', '#']).next().unwrap_or("");
        let host = host.rsplit('@').next().unwrap_or(host).to_ascii_lowercase();
        let example = ["example.org", "example.com", "example.net"]
            .iter()
            .any(|e| host == *e || host.ends_with(&format!(".{e}")));
        if example {
            warn(key, link, "write the real link, or remove the line");
        }
    }
    out
}

/// Whether a text is a placeholder: empty, or "Your Name", "TBD", "TODO" and the like.
fn placeholder_text(text: &str) -> bool {
    const WHOLE: [&str; 12] =
        ["", "your name", "name", "a name", "tbd", "tba", "todo", "fixme", "xxx", "?", "placeholder", "lorem ipsum"];
    let t = text.trim().trim_matches(['.', '!']).to_lowercase();
    WHOLE.contains(&t.as_str())
        || text.split(|c: char| !c.is_alphanumeric()).any(|w| matches!(w, "TODO" | "FIXME" | "XXX"))
}

/// A meeting's or a session's `status`, or the error and its hint.
fn parse_status(text: &str) -> Result<Status, (String, &'static str)> {
    match text.trim() {
        "confirmed" => Ok(Status::Confirmed),
        "tentative" => Ok(Status::Tentative),
        "cancelled" | "canceled" => Ok(Status::Cancelled),
        other => Err((format!("meeting status {other:?} is not known"), "use `confirmed`, `tentative` or `cancelled`")),
    }
}

/// The time fields as written, with their lines, placed once the meeting's zone is known.
struct MeetingTimes {
    shown: PathBuf,
    own_zone: Option<(String, TimeZone)>,
    start: (String, usize),
    end: Option<(String, usize)>,
    duration: Option<(String, usize)>,
    repeat_line: usize,
    /// Why `repeat` was refused by [`time::check_rule`], if it was.
    repeat_error: Option<String>,
    except_line: usize,
    /// The time fields of each entry of `sessions`, beside [`Meeting::sessions`].
    sessions: Vec<series::SessionTimes>,
}

impl MeetingTimes {
    fn error(&self, line: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.shown, line, message)
    }

    fn warning(&self, line: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(&self.shown, line, message)
    }
}

/// Computes start, end and occurrences of a meeting in `m.tz`.
fn place_meeting(
    config: &Config,
    t: &MeetingTimes,
    m: &mut Meeting,
    now: Timestamp,
    diags: &mut Vec<Diagnostic>,
) -> Result<Option<Timestamp>, Diagnostic> {
    let (start_text, start_line) = &t.start;
    let start = time::parse_moment(start_text).map_err(|e| t.error(*start_line, e).hint(time::MOMENT_FORMS))?;
    let end_line = t.end.as_ref().map_or(*start_line, |e| e.1);
    let end = t
        .end
        .as_ref()
        .map(|(e, line)| time::parse_moment(e).map_err(|msg| t.error(*line, msg).hint(time::MOMENT_FORMS)))
        .transpose()?;
    if let (Some(_), Some((_, line))) = (&t.end, &t.duration) {
        return Err(t.error(*line, "both `end` and `duration` are set").hint("keep one of them"));
    }
    let duration = t
        .duration
        .as_ref()
        .map(|(d, line)| {
            time::parse_duration(d)
                .map_err(|msg| t.error(*line, msg).hint("write it like \"2h\", \"90m\" or \"1h30m\""))
        })
        .transpose()?;
    // The first start as placed and the exact length of a timed meeting (an all-day one
    // counts in days, from `m.start` and `m.end`).
    let (mut first, mut length) = (time::start_of_day(&m.tz, m.start.date()), SignedDuration::ZERO);
    match start {
        Moment::Date(d) => {
            m.all_day = true;
            m.start = d.to_datetime(jiff::civil::Time::midnight());
            let last = match (end, duration) {
                (Some(Moment::Date(e)), _) => e,
                (Some(_), _) => {
                    return Err(t
                        .error(end_line, "an all-day meeting ends on a date")
                        .hint("write end: \"2027-01-23\" (the last day), or give `start` a time"))
                }
                (None, Some(dur)) => d.checked_add(((dur.as_secs() + 86_399) / 86_400 - 1).days()).unwrap_or(d),
                (None, None) => d,
            };
            if last < d {
                return Err(t
                    .error(end_line, format!("the meeting ends ({last}) before it starts ({d})"))
                    .hint("`end` is the last day of an all-day meeting"));
            }
            m.end = last.tomorrow().unwrap_or(last).to_datetime(jiff::civil::Time::midnight());
        }
        Moment::Local(_) | Moment::Instant(_) => {
            // An instant (an offset was written) is kept as it is: in a fold it picks which
            // of the two times is meant.
            let zstart = match start {
                Moment::Instant(ts) => ts.to_zoned_datetime(m.tz.clone()),
                Moment::Local(w) => {
                    let (z, note) =
                        time::place(&m.tz, w).map_err(|e| t.error(*start_line, e).hint("check the year of `start`"))?;
                    if let Some(note) = note {
                        diags.push(Diagnostic::warning(&t.shown, *start_line, note.message).hint(note.hint));
                    }
                    z
                }
                Moment::Date(_) => unreachable!("handled above"),
            };
            m.start = zstart.datetime();
            let zend = match end {
                Some(Moment::Local(w)) => time::place(&m.tz, w).map_err(|e| t.error(end_line, e))?.0,
                Some(Moment::Instant(ts)) => ts.to_zoned_datetime(m.tz.clone()),
                Some(Moment::Date(_)) => {
                    return Err(t
                        .error(end_line, "`end` is a date but `start` has a time")
                        .hint("give `end` a time too, e.g. \"2026-12-03 16:00\""))
                }
                None => zstart.checked_add(duration.unwrap_or(config.default_duration)).map_err(|_| {
                    t.error(
                        *start_line,
                        "the meeting ends outside the times moot can place (years 0001 to 9999 in UTC)",
                    )
                    .hint("check the year of `start`")
                })?,
            };
            if zend.timestamp() <= zstart.timestamp() {
                return Err(t
                    .error(
                        end_line,
                        format!("the meeting ends ({}) before it starts ({})", zend.datetime(), zstart.datetime()),
                    )
                    .hint("check the date and time of `end`, or use `duration`"));
            }
            m.end = zend.datetime();
            first = zstart.clone();
            length = zstart.duration_until(&zend);
        }
    }
    let mut errs = Vec::new();
    let (occurrences, grows_at) = series::occurrences(t, m, &first, length, now, &mut errs, diags)?;
    m.occurrences = occurrences;
    diags.extend(errs);
    // The first moment after `now` when "now" changes what the site shows of this meeting:
    // an occurrence ends (it is no longer upcoming), or the series grows.
    let ends = m.occurrences.iter().map(|o| o.end.timestamp()).filter(|&e| e > now);
    Ok(ends.chain(grows_at.filter(|&g| g > now)).min())
}

fn check_story(doc: &Doc, f: &StoryFront, errs: &mut Vec<Diagnostic>) -> (Story, Refs) {
    let StoryFront { title: _, summary: _, tags: _, draft: _, slug: _, date, author, groups, meeting } = f;
    let date = match date {
        Some(d) => parse_date(doc, "date", d, errs),
        None => {
            errs.extend(doc.missing("date", "a story needs the date it happened, e.g. date: \"2026-10-14\""));
            None
        }
    };
    let refs = Refs {
        groups: group_refs(doc, &None, groups, errs),
        meeting: meeting.as_ref().map(|m| (m.clone(), doc.line_of("meeting"))),
    };
    (
        Story {
            item: ItemId(0),
            date: date.unwrap_or_default(),
            author: author.clone(),
            groups: Vec::new(),
            meeting: None,
        },
        refs,
    )
}

fn check_article(doc: &Doc, f: &ArticleFront, errs: &mut Vec<Diagnostic>) -> (Article, Refs) {
    let ArticleFront { title: _, summary: _, tags: _, draft: _, slug: _, date, author, url, format, groups } = f;
    let date = date.as_ref().and_then(|d| parse_date(doc, "date", d, errs));
    let refs = Refs { groups: group_refs(doc, &None, groups, errs), meeting: None };
    let url = check_url(doc, "url", url, Accept::Web, errs);
    (Article { item: ItemId(0), date, author: author.clone(), url, format: format.clone(), groups: Vec::new() }, refs)
}

/// Finds items of a kind by slug or by path inside the kind's folder.
struct Index<'a> {
    kind: Kind,
    items: &'a [Item],
    /// Position in the kind's list -> its page.
    members: Vec<ItemId>,
    by_name: HashMap<&'a str, Vec<usize>>,
    /// (folder, name) of drafts left out, for a clearer message.
    drafts: &'a [(String, String)],
}

impl<'a> Index<'a> {
    fn new(kind: Kind, items: &'a [Item], members: Vec<ItemId>, drafts: &'a [(String, String)]) -> Self {
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (pos, &item_idx) in members.iter().enumerate() {
            let item = &items[item_idx];
            by_name.entry(item.slug.as_str()).or_default().push(pos);
            if item.key != item.slug {
                by_name.entry(item.key.as_str()).or_default().push(pos);
            }
        }
        Index { kind, items, members, by_name, drafts }
    }

    /// The one item `name` refers to, or an error naming the file and line.
    fn resolve(&self, name: &str, shown: &Path, line: usize) -> Result<usize, Diagnostic> {
        let kind = self.kind;
        // As written, or as a Windows path (`2026\alma-circle`), or in other case.
        let written = name.trim().replace('\\', "/");
        let key = written.trim_matches('/');
        let slugged;
        let key = if self.by_name.contains_key(key) {
            key
        } else {
            slugged = slug_path(key);
            slugged.as_str()
        };
        match self.by_name.get(key).map_or(&[][..], Vec::as_slice) {
            [one] => Ok(*one),
            [] if self.drafts.iter().any(|(f, k)| f == kind.folder() && k == key) => {
                Err(Diagnostic::error(shown, line, format!("{} {name:?} is a draft", kind.label()))
                    .hint("publish it (remove `draft: true`) or build with --drafts"))
            }
            [] => {
                let near = closest(name, self.by_name.keys().copied());
                let hint = if near.is_empty() {
                    format!("write the slug of a file in content/{}/", kind.folder())
                } else {
                    format!("did you mean {}?", near.join(" or "))
                };
                Err(Diagnostic::error(shown, line, format!("no {} is called {name:?}", kind.label())).hint(hint))
            }
            many => {
                let paths: Vec<String> =
                    many.iter().map(|p| self.items[self.members[*p]].shown.display().to_string()).collect();
                Err(Diagnostic::error(
                    shown,
                    line,
                    format!("{name:?} matches {} {}s: {}", many.len(), kind.label(), paths.join(", ")),
                )
                .hint("write the path inside the folder instead, e.g. 2026/alma-circle"))
            }
        }
    }
}

fn resolve_refs(
    site: &mut Site,
    refs: Vec<(Kind, usize, Refs)>,
    drafts: &[(String, String)],
    diags: &mut Vec<Diagnostic>,
) {
    let groups_index = Index::new(Kind::Group, &site.items, site.groups.iter().map(|g| g.item).collect(), drafts);
    let meetings_index = Index::new(Kind::Meeting, &site.items, site.meetings.iter().map(|m| m.item).collect(), drafts);
    let mut resolved: Vec<(Kind, usize, Vec<GroupId>, Option<MeetingId>)> = Vec::with_capacity(refs.len());
    for (kind, pos, r) in refs {
        let item_idx = match kind {
            Kind::Meeting => site.meetings[pos].item,
            Kind::Story => site.stories[pos].item,
            _ => site.articles[pos].item,
        };
        let shown = &site.items[item_idx].shown;
        let mut groups: Vec<GroupId> = r
            .groups
            .iter()
            .filter_map(|(name, line)| groups_index.resolve(name, shown, *line).map_err(|d| diags.push(d)).ok())
            .map(GroupId)
            .collect();
        groups.dedup();
        let meeting = r
            .meeting
            .as_ref()
            .and_then(|(name, line)| meetings_index.resolve(name, shown, *line).map_err(|d| diags.push(d)).ok())
            .map(MeetingId);
        resolved.push((kind, pos, groups, meeting));
    }
    drop(groups_index);
    drop(meetings_index);
    for (kind, pos, groups, meeting) in resolved {
        match kind {
            Kind::Meeting => {
                for &g in &groups {
                    site.groups[g].meetings.push(MeetingId(pos));
                }
                site.meetings[pos].groups = groups;
            }
            Kind::Story => {
                for &g in &groups {
                    site.groups[g].stories.push(StoryId(pos));
                }
                if let Some(m) = meeting {
                    site.meetings[m].stories.push(StoryId(pos));
                }
                site.stories[pos].groups = groups;
                site.stories[pos].meeting = meeting;
            }
            _ => {
                for &g in &groups {
                    site.groups[g].articles.push(ArticleId(pos));
                }
                site.articles[pos].groups = groups;
            }
        }
    }
}

/// Places every meeting in its zone: its own `timezone`, else its first group's, else the
/// site's. Runs after references resolve, in parallel.
fn place_meetings(site: &mut Site, times: Vec<Option<MeetingTimes>>, diags: &mut Vec<Diagnostic>) {
    let Site { config, groups, meetings, now, .. } = site;
    let errors: Vec<(Vec<Diagnostic>, Option<Timestamp>)> = meetings
        .par_iter_mut()
        .zip(times.into_par_iter())
        .filter_map(|(m, t)| {
            let t = t?;
            if t.own_zone.is_none() {
                if let Some((name, tz)) = m.groups.first().and_then(|&g| groups[g].timezone.clone()) {
                    m.tz_name = name;
                    m.tz = tz;
                }
            }
            let mut out = Vec::new();
            let changes_at = match place_meeting(config, &t, m, *now, &mut out) {
                Ok(at) => at,
                Err(e) => {
                    out.push(e);
                    None
                }
            };
            Some((out, changes_at))
        })
        .collect();
    site.changes_at = errors.iter().filter_map(|e| e.1).min();
    diags.extend(errors.into_iter().flat_map(|e| e.0));
}

fn positions(site: &Site) -> Vec<usize> {
    let mut pos = vec![0; site.items.len()];
    let kinds = [
        site.groups.iter().map(|g| g.item).collect::<Vec<_>>(),
        site.meetings.iter().map(|m| m.item).collect(),
        site.stories.iter().map(|s| s.item).collect(),
        site.articles.iter().map(|a| a.item).collect(),
    ];
    for list in kinds {
        for (p, item) in list.into_iter().enumerate() {
            pos[item.0] = p;
        }
    }
    pos
}

fn collect_tags(site: &mut Site) {
    let mut tags: BTreeMap<String, (String, Vec<ItemId>)> = BTreeMap::new();
    for (idx, item) in site.items.iter().enumerate() {
        for (slug, name) in &item.tags {
            tags.entry(slug.clone()).or_insert_with(|| (name.clone(), Vec::new())).1.push(ItemId(idx));
        }
    }
    // Each page's place among all pages by title, so that each tag's list sorts by a number.
    let mut by_title: Vec<(String, usize)> =
        site.items.par_iter().enumerate().map(|(i, item)| (item.title.to_lowercase(), i)).collect();
    by_title.par_sort_unstable();
    let mut place = vec![0; site.items.len()];
    for (n, (_, i)) in by_title.into_iter().enumerate() {
        place[i] = n;
    }
    tags.par_iter_mut().for_each(|(_, (_, items))| items.sort_unstable_by_key(|&i| place[i.0]));
    site.tags = tags;
}

/// Every list in a stable, sensible order: groups by title (archived last), meetings by
/// first start, stories and articles newest first, pages by path.
fn sort_lists(site: &mut Site) {
    let items = &site.items;
    // Meetings, stories and articles are referred to by position from groups and from each
    // other, so they are not moved; order is applied where lists are made.
    site.wiki.sort_by(|a, b| items[*a].path.cmp(&items[*b].path));
    site.pages.sort_by(|a, b| items[*a].path.cmp(&items[*b].path));
    let meetings = &site.meetings;
    let stories = &site.stories;
    let articles = &site.articles;
    for g in &mut site.groups {
        g.meetings.sort_by_key(|&m| (meetings[m].occurrences.first().map(|o| o.start.timestamp()), meetings[m].item));
        g.stories.sort_by_key(|&s| (std::cmp::Reverse(stories[s].date), stories[s].item));
        g.articles.sort_by_key(|&a| (std::cmp::Reverse(articles[a].date), articles[a].item));
    }
    for m in &mut site.meetings {
        m.stories.sort_by_key(|&s| (std::cmp::Reverse(stories[s].date), stories[s].item));
    }
}

impl Site {
    /// Stories, newest first.
    pub fn stories_by_date(&self) -> Vec<&Story> {
        let mut v: Vec<&Story> = self.stories.iter().collect();
        v.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| self.items[a.item].path.cmp(&self.items[b.item].path)));
        v
    }

    /// Articles, newest first (undated last).
    pub fn articles_by_date(&self) -> Vec<&Article> {
        let mut v: Vec<&Article> = self.articles.iter().collect();
        v.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| self.items[a.item].path.cmp(&self.items[b.item].path)));
        v
    }

    /// An item's revisions, newest first (none without git history).
    pub fn revisions(&self, idx: ItemId) -> &[crate::history::Revision] {
        let rel = self.items[idx].shown.strip_prefix("content").ok().and_then(|p| p.to_str());
        match (&self.history, rel) {
            (Some(h), Some(rel)) => h.of(&rel.replace('\\', "/")),
            _ => &[],
        }
    }

    /// Whether an item has edits not yet committed.
    pub fn uncommitted(&self, idx: ItemId) -> bool {
        let rel = self.items[idx].shown.strip_prefix("content").ok().and_then(|p| p.to_str());
        match (&self.history, rel) {
            (Some(h), Some(rel)) => h.uncommitted.contains(&rel.replace('\\', "/")),
            _ => false,
        }
    }

    /// Whether an item is a page of its own (the home text and section intros are not).
    /// Whether an item has a page of its own (a person file's is the person's page).
    pub fn has_own_page(&self, idx: ItemId) -> bool {
        self.home != Some(idx) && !self.intros.values().any(|&v| v == idx) && self.items[idx].kind != Kind::Person
    }

    /// The person a name names (by its slug, or an alias in a person file).
    pub fn person(&self, name: &str) -> Option<&Person> {
        self.person_index(name).map(|i| &self.people[i])
    }

    /// Where the person `name` names is in `people`.
    pub fn person_index(&self, name: &str) -> Option<usize> {
        self.person_slugs.get(&slugify(name)).copied()
    }

    /// An absolute URL for a root-relative one.
    pub fn absolute(&self, url: &str) -> String {
        self.config.absolute(url)
    }
}

#[cfg(test)]
mod tests {
    use super::slugify;
    use proptest::prelude::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("  Alma cataloging circle! "), "alma-cataloging-circle");
        assert_eq!(slugify("Café — Übung_2"), "cafe-ubung_2");
        assert_eq!(slugify("ça va été 2027"), "ca-va-ete-2027");
        assert_eq!(slugify("Tomás Álvarez"), "tomas-alvarez");
        assert_eq!(slugify("--"), "");
        assert_eq!(slugify("İzmir"), "izmir", "no combining dot left from the lower case of İ");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn slugs_are_lower_case_words_joined_by_single_dashes(text in prop_oneof![any::<String>(), "[A-Za-zÉéİı日 _.-]{0,20}"]) {
            let slug = slugify(&text);
            prop_assert!(slug.chars().all(|c| c == '-' || c == '_' || c.is_ascii_alphanumeric()), "{text:?} -> {slug:?}");
            prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"), "{slug:?}");
            prop_assert_eq!(slug.to_lowercase(), slug.clone(), "{:?}", text);
            prop_assert_eq!(slugify(&slug), slug.clone(), "a slug is its own slug: {:?}", text);
        }
    }
}
