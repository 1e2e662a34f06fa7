//! What a render job reads, recorded as it reads it.
//!
//! Render code never holds the site itself: it holds a [`Cx`], whose methods hand out the
//! parts of the model and the derived lists, each time noting the [`Fact`] it gave (the
//! fields of [`Inputs`] are private to this module, so there is no other way in). `serve`
//! keeps each job's facts and a fingerprint of every fact ([`Inputs::print`]); after a change
//! it re-runs exactly the jobs that read a fact whose fingerprint changed. A view that gains
//! a field reads it through one of these methods, so its dependency is recorded with no
//! change anywhere else.
//!
//! Facts are per page and part (its address and title; the rest of its front matter; its
//! rendered body; its excerpt; the pages linking to it; its history) and per derived list
//! (membership and order, or one page of it). [`Fact::Global`] is what every page shows
//! (the configuration, "now", the theme): a change to it re-renders everything.

use super::Pairs;
use crate::markdown::Bodies;
use crate::model::{Article, ArticleId, Group, GroupId, Item, ItemId, Meeting, MeetingId, Site, Story, StoryId};

use crate::parse::Kind;
use std::cell::RefCell;
use std::hash::{Hash, Hasher};

/// One thing a job can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fact {
    Global,
    /// A page's kind, address, title and draft state: what a link to it shows.
    Head(ItemId),
    /// All of a page's front matter, its kind's data (a meeting's times, places, people...)
    /// included, and its head.
    Front(ItemId),
    /// Its rendered markdown: html, table of contents, plain text, links.
    Body(ItemId),
    /// Its summary, or the first words of its text.
    Excerpt(ItemId),
    /// The pages that link to it.
    Backlinks(ItemId),
    /// Its history from git.
    History(ItemId),
    /// A derived list as a whole: members and order.
    List(List),
    /// One page of a paginated list: its members, in order, and the list's length.
    Slice(List, usize),
}

/// The derived lists a job can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum List {
    /// Every occurrence to come, soonest first; and those gone, newest first.
    Upcoming,
    Past,
    /// A group's occurrences, upcoming then past.
    GroupMeetings(GroupId),
    /// Occurrences by the day they start on (the month pages).
    Days,
    /// The occurrences with CE hours, upcoming then past; and by day.
    Ce,
    /// The upcoming sessions with an open role.
    Lead,
    /// Every person with what they lead and wrote (the people pages).
    People,
    /// Which name leads to which person's page (every page that links a name).
    PersonNames,
    CeDays,
    /// Stories and articles, newest first.
    Stories,
    Articles,
    /// Wiki pages, other pages, groups (in their order), the home page and section intros.
    Wiki,
    Pages,
    Groups,
    Sections,
    /// Every tag with its pages.
    Tags,
    /// The whole history (recent changes).
    Changes,
    /// Every page of the site (the sitemap, the search index).
    Items,
    /// The files copied as they are (static files, the theme's, pages' assets).
    Copies,
}

/// Everything render reads, in one place (fields private: only [`Cx`] hands them out).
pub(crate) struct Inputs<'a> {
    site: &'a Site,
    bodies: &'a Bodies,
    lists: super::Lists,
    copies: Vec<crate::load::CopyFile>,
    /// The address of each person's page, in the order of `site.people` (a page names
    /// people dozens of times: made once, not at each name).
    person_urls: Vec<String>,
}

impl<'a> Inputs<'a> {
    pub(crate) fn new(
        site: &'a Site,
        bodies: &'a Bodies,
        lists: super::Lists,
        copies: Vec<crate::load::CopyFile>,
    ) -> Self {
        let routes = site.config.routes();
        let person_urls = site.people.iter().map(|p| routes.page(&format!("people/{}", p.slug))).collect();
        Inputs { site, bodies, lists, copies, person_urls }
    }

    /// The fingerprint of a fact: equal fingerprints, equal data.
    pub(crate) fn print(&self, fact: Fact) -> u64 {
        let mut h = Fingerprint::default();
        let s = self.site;
        match fact {
            Fact::Global => {
                // "Now" only as the day it is: which dates are upcoming is in each meeting's
                // front and in the lists, so a rebuild later the same day changes nothing.
                format_into(&mut h, &s.config);
                (today(s), s.dtstamp, s.drafts_shown, s.history.is_some()).hash(&mut h);
                format_into(&mut h, &s.assets);
            }
            Fact::Head(i) => head_of(&s.items[i]).hash(&mut h),
            Fact::Front(i) => {
                front_into(&mut h, &s.items[i]);
                match s.items[i].kind {
                    Kind::Group => group_into(&mut h, &s.groups[s.group_id(i)]),
                    Kind::Meeting => meeting_into(&mut h, &s.meetings[s.meeting_id(i)], s),
                    Kind::Story => {
                        let Story { item, date, author, groups, meeting } = &s.stories[s.story_id(i)];
                        (item, date, author, groups, meeting).hash(&mut h);
                    }
                    Kind::Article => {
                        let Article { item, date, author, url, format, groups } = &s.articles[s.article_id(i)];
                        (item, date, author, url, format, groups).hash(&mut h);
                    }
                    Kind::Wiki | Kind::Page | Kind::Person => {}
                }
            }
            Fact::Body(i) => {
                let b = &self.bodies.items[i];
                (&b.html, &b.text, &b.links, s.items[i].modified).hash(&mut h);
                for t in &b.toc {
                    (t.level, &t.id, &t.title).hash(&mut h);
                }
            }
            Fact::Excerpt(i) => self.bodies.items[i].excerpt.hash(&mut h),
            Fact::Backlinks(i) => self.bodies.backlinks.get(&i).hash(&mut h),
            Fact::History(i) => match (&s.history, content_path(&s.items[i].shown)) {
                (Some(history), Some(rel)) => history.print_of(&rel, &mut h),
                _ => 0.hash(&mut h),
            },
            Fact::List(list) => self.list_into(list, &mut h),
            Fact::Slice(list, page) => {
                let start = (page - 1) * super::PER_PAGE;
                let window = |len: usize| start.min(len)..(start + super::PER_PAGE).min(len);
                match list {
                    List::Stories | List::Articles => {
                        let all = self.items_list(list);
                        (all.len(), &all[window(all.len())]).hash(&mut h);
                    }
                    _ => {
                        let (all, upcoming) = self.pairs(list);
                        (all.len(), upcoming, &all[window(all.len())]).hash(&mut h);
                    }
                }
            }
        }
        h.finish()
    }

    fn list_into(&self, list: List, h: &mut Fingerprint) {
        let s = self.site;
        let l = &self.lists;
        match list {
            List::Upcoming | List::Past | List::GroupMeetings(_) | List::Ce => self.pairs(list).hash(h),
            List::Days => l.days.hash(h),
            List::CeDays => l.ce_days.hash(h),
            List::Lead => l.lead.hash(h),
            List::People => {
                for p in &s.people {
                    let crate::model::Person {
                        slug,
                        name,
                        item,
                        pronouns,
                        contact,
                        links,
                        leads,
                        co_leads,
                        groups,
                        stories,
                        articles,
                    } = p;
                    (slug, name, item, pronouns, contact, links, leads, co_leads, groups, stories, articles).hash(h);
                }
            }
            List::PersonNames => {
                let mut names: Vec<(&String, &str)> =
                    s.person_slugs.iter().map(|(alias, &i)| (alias, s.people[i].slug.as_str())).collect();
                names.sort_unstable();
                names.hash(h);
            }
            List::Stories => l.stories.hash(h),
            List::Articles => l.articles.hash(h),
            List::Wiki => s.wiki.hash(h),
            List::Pages => s.pages.hash(h),
            List::Groups => s.groups.iter().map(|g| g.item).collect::<Vec<_>>().hash(h),
            List::Sections => {
                let mut intros: Vec<(&'static str, ItemId)> = s.intros.iter().map(|(k, &i)| (k.label(), i)).collect();
                intros.sort_unstable();
                (s.home, intros).hash(h);
            }
            List::Tags => s.tags.hash(h),
            List::Changes => {
                match &s.history {
                    Some(history) => history.print_all(h),
                    None => 0.hash(h),
                }
                let mut drafts: Vec<&String> = s.draft_files.iter().collect();
                drafts.sort_unstable();
                drafts.hash(h);
            }
            List::Items => (s.items.len(), &s.position).hash(h),
            List::Copies => self.copies.iter().map(|c| (&c.dest, &c.from)).collect::<Vec<_>>().hash(h),
        }
    }

    /// A list of pages (stories or articles, newest first).
    fn items_list(&self, list: List) -> &[ItemId] {
        match list {
            List::Articles => &self.lists.articles,
            _ => &self.lists.stories,
        }
    }

    /// An occurrence list, and how many of it are upcoming.
    fn pairs(&self, list: List) -> (&Pairs, usize) {
        let l = &self.lists;
        match list {
            List::Upcoming => (&l.upcoming, l.upcoming.len()),
            List::GroupMeetings(g) => (&l.group_all[g.0], l.group_occ[g.0].0.len()),
            List::Ce => (&l.ce, l.ce_upcoming),
            _ => (&l.past, 0),
        }
    }
}

/// A page's file under content/, `/`-separated, as the history knows it.
pub(super) fn content_path(shown: &std::path::Path) -> Option<String> {
    Some(shown.strip_prefix("content").ok()?.to_str()?.replace('\\', "/"))
}

/// What a link shows.
fn head_of(item: &Item) -> (Kind, &str, &str, bool, &str, &std::path::Path) {
    (item.kind, &item.url, &item.title, item.draft, &item.path, &item.shown)
}

/// Every front-matter field of a page; a field added to `Item` does not compile until it is
/// here (or said to be no input of a page's output).
fn front_into(h: &mut Fingerprint, item: &Item) {
    let Item {
        kind,
        shown,
        path,
        key,
        slug,
        url,
        title,
        summary,
        tags,
        draft,
        aliases,
        body: _,
        body_line: _,
        front,
        dir,
        // With the body: it changes when the file is saved (see `Fact::Body`).
        modified: _,
    } = item;
    (kind, shown, path, key, slug, url, title).hash(h);
    (summary, tags, draft, aliases, front, dir).hash(h);
}

/// Today's date in the site's zone.
fn today(s: &Site) -> jiff::civil::Date {
    s.now.to_zoned_datetime(s.config.timezone.clone()).date()
}

/// Every field of a group (destructured, so a new one does not compile until it is here).
fn group_into(h: &mut Fingerprint, g: &Group) {
    let Group {
        item,
        leaders,
        contact,
        forum,
        mailing_list,
        join,
        timezone,
        location,
        archived,
        meetings,
        stories,
        articles,
    } = g;
    (item, leaders, contact, forum, mailing_list, join, timezone.as_ref().map(|t| &t.0)).hash(h);
    (location, archived, meetings, stories, articles).hash(h);
}

/// Every field of a meeting, and which of its dates are still to come (what "now" means to it).
fn meeting_into(h: &mut Fingerprint, m: &Meeting, s: &Site) {
    let Meeting {
        item,
        groups,
        all_day,
        tz_name,
        tz: _,
        start,
        end,
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
        occurrences,
        stories,
    } = m;
    (item, groups, all_day, tz_name, start, end, location, online, leader, co_leaders, status).hash(h);
    (repeat, except, sessions, signup, capacity, ce_hours, ce_category, wanted, stories).hash(h);
    let instant = |z: &jiff::ZonedDateTime| (z.timestamp(), z.offset().seconds());
    for o in occurrences {
        let crate::model::Occurrence { start, end, skipped, wall, moved_from, session } = o;
        (instant(start), instant(end), skipped, wall, moved_from.as_ref().map(instant), session).hash(h);
        s.is_upcoming(o).hash(h);
    }
}

/// A hasher (xxh3) that `Debug` output can be written into without making a string.
#[derive(Default)]
struct Fingerprint(xxhash_rust::xxh3::Xxh3);

impl Hasher for Fingerprint {
    fn finish(&self) -> u64 {
        self.0.digest()
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

impl std::fmt::Write for Fingerprint {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

/// Hashes a value by its `Debug` form: the model's types (zones, dates) have no `Hash`.
fn format_into(h: &mut Fingerprint, v: &impl std::fmt::Debug) {
    let _ = std::fmt::Write::write_fmt(h, format_args!("{v:?}"));
}

/// What one job read, while it runs. Off for plain builds, which keep no record.
pub struct Recorder {
    on: bool,
    facts: RefCell<Vec<Fact>>,
}

impl Recorder {
    pub fn new(on: bool) -> Self {
        Recorder { on, facts: RefCell::new(Vec::new()) }
    }

    pub fn note(&self, fact: Fact) {
        if self.on {
            self.facts.borrow_mut().push(fact);
        }
    }

    pub fn note_all(&self, facts: &[Fact]) {
        if self.on {
            self.facts.borrow_mut().extend_from_slice(facts);
        }
    }

    /// The facts read, each once, in order.
    pub fn into_facts(self) -> Vec<Fact> {
        let mut v = self.facts.into_inner();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The facts read so far (for a cache that replays them).
    pub fn since(&self, mark: usize) -> Vec<Fact> {
        self.facts.borrow().get(mark..).map(<[Fact]>::to_vec).unwrap_or_default()
    }

    pub fn mark(&self) -> usize {
        self.facts.borrow().len()
    }
}

/// What every page shows of the site.
#[derive(Clone, Copy)]
pub struct Globals<'a> {
    pub config: &'a crate::config::Config,
    /// Today's date in the site's zone.
    pub today: jiff::civil::Date,
    now: jiff::Timestamp,
    pub dtstamp: jiff::Timestamp,
    pub drafts_shown: bool,
    pub has_history: bool,
}

impl Globals<'_> {
    /// "Now", to the second: only for what no page shows (an announcement's `Date`), since
    /// a page's fingerprint holds only the day ([`Fact::Global`]).
    pub fn now(&self) -> jiff::Timestamp {
        self.now
    }

    pub fn is_upcoming(&self, o: &crate::model::Occurrence) -> bool {
        o.end.timestamp() > self.now
    }

    /// An absolute URL for a root-relative one.
    pub fn absolute(&self, url: &str) -> String {
        self.config.absolute(url)
    }
}

/// How many there are of each.
#[derive(Clone, Copy)]
pub struct Counts {
    pub items: usize,
    pub meetings: usize,
    pub groups: usize,
    pub stories: usize,
    pub articles: usize,
}

/// What a link shows of a page.
#[derive(Debug, Clone, Copy)]
pub struct Head<'a> {
    pub kind: Kind,
    pub url: &'a str,
    pub title: &'a str,
    pub draft: bool,
    pub path: &'a str,
    /// Its file, as messages show it (`content/...`).
    pub shown: &'a std::path::Path,
}

/// One job's window on the inputs: every read goes through here and is noted.
pub struct Cx<'r, 'a> {
    r: &'r super::Renderer<'a>,
    inputs: &'r Inputs<'a>,
    pub rec: &'r Recorder,
}

impl<'r, 'a> Cx<'r, 'a> {
    pub fn new(r: &'r super::Renderer<'a>, rec: &'r Recorder) -> Self {
        Cx { r, inputs: &r.inputs, rec }
    }

    /// The renderer (templates and caches; its inputs only through this window).
    pub fn renderer(&self) -> &'r super::Renderer<'a> {
        self.r
    }

    /// The site's settings, "now" and whatever else every page shows.
    pub fn site(&self) -> Globals<'a> {
        self.rec.note(Fact::Global);
        let s = self.inputs.site;
        Globals {
            config: &s.config,
            today: today(s),
            now: s.now,
            dtstamp: s.dtstamp,
            drafts_shown: s.drafts_shown,
            has_history: s.history.is_some(),
        }
    }

    /// How many pages, meetings, groups, stories and articles there are (their numbers
    /// are the same while the set of pages is).
    pub fn counts(&self) -> Counts {
        self.rec.note(Fact::List(List::Items));
        let s = self.inputs.site;
        Counts {
            items: s.items.len(),
            meetings: s.meetings.len(),
            groups: s.groups.len(),
            stories: s.stories.len(),
            articles: s.articles.len(),
        }
    }

    /// Whether page `i` is a page of its own (the home text and section intros are not).
    pub fn has_own_page(&self, i: ItemId) -> bool {
        self.rec.note(Fact::List(List::Sections));
        self.inputs.site.has_own_page(i)
    }

    /// The home page's text and each section's intro.
    pub fn sections(&self) -> (Option<ItemId>, &'a std::collections::HashMap<Kind, ItemId>) {
        self.rec.note(Fact::List(List::Sections));
        (self.inputs.site.home, &self.inputs.site.intros)
    }

    /// How many groups there are, in their order.
    pub fn group_count(&self) -> usize {
        self.rec.note(Fact::List(List::Groups));
        self.inputs.site.groups.len()
    }

    /// The files copied as they are.
    pub fn copies(&self) -> &'r [crate::load::CopyFile] {
        self.rec.note(Fact::List(List::Copies));
        &self.inputs.copies
    }

    /// Wiki pages, in order.
    pub fn wiki(&self) -> &'a [ItemId] {
        self.rec.note(Fact::List(List::Wiki));
        &self.inputs.site.wiki
    }

    /// Every tag: slug -> (name, pages).
    pub fn tags(&self) -> &'a std::collections::BTreeMap<String, (String, Vec<ItemId>)> {
        self.rec.note(Fact::List(List::Tags));
        &self.inputs.site.tags
    }

    /// What a link to page `i` shows.
    pub fn head(&self, i: ItemId) -> Head<'a> {
        self.rec.note(Fact::Head(i));
        let item = &self.inputs.site.items[i];
        Head {
            kind: item.kind,
            url: &item.url,
            title: &item.title,
            draft: item.draft,
            path: &item.path,
            shown: &item.shown,
        }
    }

    /// Page `i`'s front matter.
    pub fn item(&self, i: ItemId) -> &'a Item {
        self.rec.note(Fact::Front(i));
        &self.inputs.site.items[i]
    }

    pub fn body(&self, i: ItemId) -> &'a crate::markdown::Rendered {
        self.rec.note(Fact::Body(i));
        &self.inputs.bodies.items[i]
    }

    /// The address of the page of the person `name` names.
    pub fn person_url(&self, name: &str) -> Option<String> {
        self.rec.note(Fact::List(List::PersonNames));
        self.inputs.site.person_index(name).map(|i| self.inputs.person_urls[i].clone())
    }

    /// The person whose page is at `/people/SLUG/`.
    pub fn person_by_slug(&self, slug: &str) -> Option<&'a crate::model::Person> {
        self.rec.note(Fact::List(List::People));
        let s = self.inputs.site;
        s.person_slugs.get(slug).map(|&i| &s.people[i]).filter(|p| p.slug == slug)
    }

    /// Everyone, with what they lead and wrote.
    pub fn people(&self) -> &'a [crate::model::Person] {
        self.rec.note(Fact::List(List::People));
        &self.inputs.site.people
    }

    /// When page `i`'s file was last written (it changes with the body, so it is that fact).
    pub fn modified(&self, i: ItemId) -> Option<jiff::Timestamp> {
        self.rec.note(Fact::Body(i));
        self.inputs.site.items[i].modified
    }

    pub fn excerpt(&self, i: ItemId) -> &'a str {
        self.rec.note(Fact::Excerpt(i));
        &self.inputs.bodies.items[i].excerpt
    }

    pub fn backlinks(&self, i: ItemId) -> &'a [ItemId] {
        self.rec.note(Fact::Backlinks(i));
        self.inputs.bodies.backlinks.get(&i).map_or(&[], Vec::as_slice)
    }

    /// The group whose page is `i`.
    pub fn group_of(&self, i: ItemId) -> GroupId {
        self.rec.note(Fact::Front(i));
        self.inputs.site.group_id(i)
    }

    /// The meeting whose page is `i`.
    pub fn meeting_of(&self, i: ItemId) -> MeetingId {
        self.rec.note(Fact::Front(i));
        self.inputs.site.meeting_id(i)
    }

    /// The story whose page is `i`.
    pub fn story_of(&self, i: ItemId) -> StoryId {
        self.rec.note(Fact::Front(i));
        self.inputs.site.story_id(i)
    }

    /// The article whose page is `i`.
    pub fn article_of(&self, i: ItemId) -> ArticleId {
        self.rec.note(Fact::Front(i));
        self.inputs.site.article_id(i)
    }

    pub fn meeting(&self, m: MeetingId) -> &'a Meeting {
        let meeting = &self.inputs.site.meetings[m];
        self.rec.note(Fact::Front(meeting.item));
        meeting
    }

    /// The page of group number `g` (its place in the groups' order), without its data.
    pub fn group_item(&self, g: GroupId) -> ItemId {
        self.rec.note(Fact::List(List::Groups));
        self.inputs.site.groups[g].item
    }

    /// The page of meeting number `m`, without its data.
    pub fn meeting_item(&self, m: MeetingId) -> ItemId {
        self.rec.note(Fact::List(List::Items));
        self.inputs.site.meetings[m].item
    }

    pub fn group(&self, g: GroupId) -> &'a Group {
        let group = &self.inputs.site.groups[g];
        self.rec.note(Fact::Front(group.item));
        group
    }

    pub fn story(&self, st: StoryId) -> &'a Story {
        let story = &self.inputs.site.stories[st];
        self.rec.note(Fact::Front(story.item));
        story
    }

    pub fn article(&self, a: ArticleId) -> &'a Article {
        let article = &self.inputs.site.articles[a];
        self.rec.note(Fact::Front(article.item));
        article
    }

    /// Page `i`'s history from git: the whole history (to look its commits up in), its
    /// revisions newest first, and whether it has edits not yet committed. `None` without git.
    pub fn history_of(&self, i: ItemId) -> Option<(&'a crate::history::History, &'a [crate::history::Revision], bool)> {
        self.rec.note(Fact::History(i));
        let s = self.inputs.site;
        Some((s.history.as_ref()?, s.revisions(i), s.uncommitted(i)))
    }

    /// The other pages (not wiki pages), in their order.
    pub fn pages(&self) -> &'a [ItemId] {
        self.rec.note(Fact::List(List::Pages));
        &self.inputs.site.pages
    }

    /// The whole history, for recent changes.
    pub fn history(&self) -> Option<&'a crate::history::History> {
        self.rec.note(Fact::List(List::Changes));
        self.inputs.site.history.as_ref()
    }

    /// The files of the drafts left out of this build (`/`-separated, under `content/`).
    pub fn draft_files(&self) -> &'a std::collections::HashSet<String> {
        self.rec.note(Fact::List(List::Changes));
        &self.inputs.site.draft_files
    }

    /// A derived list as a whole.
    pub fn list(&self, list: List) -> &'r super::Lists {
        self.rec.note(Fact::List(list));
        &self.inputs.lists
    }

    /// An occurrence list (upcoming, past or a group's), and how many of it are upcoming.
    pub fn pairs(&self, list: List) -> (&'r Pairs, usize) {
        self.rec.note(Fact::List(list));
        self.inputs.pairs(list)
    }

    /// Page `page` of an occurrence list: the list, and how many of it are upcoming. The
    /// caller reads only that page's slice of it (and its length).
    pub fn pairs_page(&self, list: List, page: usize) -> (&'r Pairs, usize) {
        self.rec.note(Fact::Slice(list, page));
        self.inputs.pairs(list)
    }

    /// Page `page` of a list of stories or articles (the caller reads only that slice).
    pub fn items_page(&self, list: List, page: usize) -> &'r [ItemId] {
        self.rec.note(Fact::Slice(list, page));
        self.inputs.items_list(list)
    }
}
