//! Render: model + theme -> outputs in memory. No disk writes here.
//!
//! The site is first planned as a list of [`Job`]s (one per output page or feed); each job
//! renders on its own, so the writer can run them in parallel and write each output as soon
//! as it is made, and `serve` can keep them in memory.

mod announce;
mod atom;
mod calendar;
pub(crate) mod escape;
mod feeds;
mod history;
pub mod ics;
mod lead;
mod mail;
pub(crate) mod people;
pub(crate) mod reads;
mod search;
mod signin;
mod structured;
pub mod theme;
mod views;

use crate::diag::Diagnostic;
use crate::load::{CopyFile, Sources};
use crate::markdown::Bodies;
use crate::model::{GroupId, ItemId, Meeting, MeetingId, Site};
use crate::parse::Kind;
use jiff::Timestamp;
use reads::{Cx, Fact, Inputs, List, Recorder};
use serde::Serialize;
use std::collections::BTreeMap;
use tera::{Context, Tera};
use views::*;

pub use announce::{Announcement, MAILTO_LIMIT};

/// What one output file holds.
#[derive(Debug, Clone)]
pub enum Body {
    Bytes(Vec<u8>),
    Static(&'static [u8]),
    File(std::path::PathBuf),
}

/// One file of the output, at a `/`-separated path relative to the output root.
#[derive(Debug, Clone)]
pub struct Output {
    pub path: String,
    pub body: Body,
}

/// (meeting, occurrence) positions.
pub type Pairs = Vec<(MeetingId, usize)>;

/// How many entries a list page holds.
pub const PER_PAGE: usize = 30;
/// How many dates of a series its page shows at once, and at most behind each disclosure.
const SOON: usize = 6;
const DATES: usize = 100;
/// How many entries the home page and a group page show before "see all".
pub const SHORT_LIST: usize = 8;

/// One unit of rendering work.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Job {
    Item(ItemId),
    Home,
    Groups,
    GroupMeetings(GroupId, usize),
    MeetingsUpcoming(usize),
    MeetingsPast(usize),
    Stories(usize),
    Articles(usize),
    Wiki,
    Tags,
    Tag(String, usize),
    NotFound,
    Feeds,
    SiteCalendar,
    GroupCalendar(GroupId),
    /// The .ics of a tag's meetings.
    TagCalendar(String),
    /// The continuing-education calendar (`/ce/`), its feed and its months.
    Ce,
    CeCalendar,
    CeMonth(i16, i8),
    /// "Lead a meeting" (`/lead/`) and its feed.
    Lead,
    /// The people index and one person's page (by slug: a person keeps their job when
    /// others come and go, and with it their page).
    People,
    Person(String),
    /// A meeting's sign-in sheets, one per upcoming session.
    SignIn(MeetingId),
    /// A group's changes feed, from git.
    GroupChanges(GroupId),
    History(ItemId),
    RecentChanges,
    Month(i16, i8),
    CalendarNow,
    Copies,
    /// The search index (`search/*.json`) and the search page.
    Search,
    SearchPage,
}

/// The lists derived from the model that several pages show, made once per build.
pub struct Lists {
    /// Every (meeting, occurrence) that is not skipped: upcoming by start, past newest first.
    pub upcoming: Pairs,
    pub past: Pairs,
    /// Per group: its (meeting, occurrence) pairs, upcoming by start then past newest first;
    /// and both together.
    pub group_occ: Vec<(Pairs, Pairs)>,
    pub group_all: Vec<Pairs>,
    /// Occurrences by the local date they start on, for the month pages.
    pub days: std::collections::BTreeMap<jiff::civil::Date, Pairs>,
    /// The continuing-education calendar: occurrences with CE hours, upcoming (soonest
    /// first) then past (newest first), how many are upcoming, and by day.
    pub ce: Pairs,
    pub ce_upcoming: usize,
    /// The upcoming sessions that take place and still want a leader or co-leader.
    pub lead: Pairs,
    pub ce_days: std::collections::BTreeMap<jiff::civil::Date, Pairs>,
    /// Items of the story and article lists, newest first.
    pub stories: Vec<ItemId>,
    pub articles: Vec<ItemId>,
}

impl Lists {
    fn new(site: &Site) -> Lists {
        let all: Pairs = MeetingId::all(&site.meetings)
            .flat_map(|m| (0..site.meetings[m].occurrences.len()).map(move |o| (m, o)))
            .collect();
        let (upcoming, past) = split_occurrences(site, all);
        let group_occ: Vec<(Pairs, Pairs)> = site
            .groups
            .iter()
            .map(|g| {
                let pairs = g
                    .meetings
                    .iter()
                    .flat_map(|&m| (0..site.meetings[m].occurrences.len()).map(move |o| (m, o)))
                    .collect();
                split_occurrences(site, pairs)
            })
            .collect();
        let group_all = group_occ.iter().map(|(up, past)| up.iter().chain(past).copied().collect()).collect();
        let is_ce =
            |&(m, o): &(MeetingId, usize)| site.meetings[m].ce_hours_at(&site.meetings[m].occurrences[o]).is_some();
        let ce_up: Pairs = upcoming.iter().copied().filter(is_ce).collect();
        let ce_upcoming = ce_up.len();
        let ce: Pairs = ce_up.into_iter().chain(past.iter().copied().filter(is_ce)).collect();
        let days = calendar::by_day(site);
        let ce_days = days
            .iter()
            .map(|(d, pairs)| (*d, pairs.iter().copied().filter(is_ce).collect::<Pairs>()))
            .filter(|(_, pairs)| !pairs.is_empty())
            .collect();
        let lead = upcoming
            .iter()
            .copied()
            .filter(|&(m, o)| {
                let (m, o) = (&site.meetings[m], &site.meetings[m].occurrences[o]);
                m.takes_place(o) && !m.wanted_at(o).is_empty()
            })
            .collect();
        Lists {
            lead,
            ce,
            ce_upcoming,
            ce_days,
            upcoming,
            past,
            group_occ,
            group_all,
            days,
            stories: site.stories_by_date().into_iter().map(|st| st.item).collect(),
            articles: site.articles_by_date().into_iter().map(|a| a.item).collect(),
        }
    }
}

/// The inputs plus what every page needs: the theme and the caches shared by the jobs.
pub struct Renderer<'a> {
    inputs: Inputs<'a>,
    /// Compiled once per build, or kept across rebuilds by `serve`.
    pub tera: std::borrow::Cow<'a, Tera>,
    /// Each meeting's VEVENT (with what making it read), made by the first feed that needs
    /// it: a meeting is in its own .ics, its groups' and the site's, and writing it once took a
    /// third of the feeds' time.
    vevents: Vec<std::sync::OnceLock<(String, Vec<Fact>)>>,
    /// The same with the page's summary (or the start of its text) for the description
    /// instead of its whole text: what the site's, groups', tags' and the CE feed hold.
    vevents_short: Vec<std::sync::OnceLock<(String, Vec<Fact>)>>,
    /// Each occurrence's text, by meeting and occurrence, made by the first list that shows it.
    occ_text: Vec<Vec<std::sync::OnceLock<OccText>>>,
    /// `site` of every template's context, as tera holds it (cloning it shares it).
    site_value: tera::Value,
    /// The VTIMEZONEs made so far, by what each is made of ([`ics::zone_key`]): most feeds
    /// of a site share a few.
    zones: std::sync::Mutex<std::collections::HashMap<ics::ZoneKey, String>>,
    /// Why the theme's `nav` component did not render, if it did not: the error of a page
    /// that fails for want of `site.nav`.
    nav_error: Option<Diagnostic>,
    /// The site's own templates (name, file), for errors.
    overrides: Vec<(String, std::path::PathBuf)>,
    /// Whether jobs record what they read (for `serve`; a plain build does not need it).
    record: bool,
    /// Set when the result is no longer wanted (a new save in `serve`): the long jobs stop early.
    cancel: Option<&'a std::sync::atomic::AtomicBool>,
}

/// `site` as every template gets it, with the theme's `nav` rendered for each section of
/// [`views::NAV_CURRENT`] (`site.nav`); and the error of `nav`, if it does not render.
fn site_value(
    site: &Site,
    tera: &Tera,
    overrides: &[(String, std::path::PathBuf)],
) -> (tera::Value, Option<Diagnostic>) {
    let mut view = SiteView::new(site);
    let mut ctx = Context::new();
    ctx.insert("base", &site.config.base_path);
    let mut error = None;
    let mut nav = BTreeMap::new();
    for (key, current) in views::NAV_CURRENT {
        ctx.insert("current", current);
        match tera.render_component("nav", &ctx, None, true) {
            Ok(html) => {
                nav.insert(key, html);
            }
            Err(e) => {
                let own = |shown: &str| overrides.iter().find(|(n, _)| n == shown).map(|(_, file)| file.clone());
                error.get_or_insert_with(|| {
                    theme::diagnose(&e, "components.html", own)
                        .hint("the built-in pages call `nav` as {{<nav base={…} current={…} />}}, once per section, and show it as site.nav")
                });
            }
        }
    }
    view.nav = error.is_none().then_some(nav);
    (tera::Value::from_serializable(&view), error)
}

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, bodies: &'a Bodies, sources: &Sources) -> Result<Self, Vec<Diagnostic>> {
        let tera = theme::load(sources)?;
        Ok(Renderer::with_templates(site, bodies, sources, std::borrow::Cow::Owned(tera)))
    }

    /// A renderer with templates compiled before (by `serve`, which keeps them).
    pub fn with_templates(
        site: &'a Site,
        bodies: &'a Bodies,
        sources: &Sources,
        tera: std::borrow::Cow<'a, Tera>,
    ) -> Self {
        let mut copies = sources.statics.clone();
        // A site theme's static files go where the built-in theme's do, replacing them.
        copies.extend(
            sources.theme_statics.iter().map(|c| CopyFile { dest: format!("static/{}", c.dest), from: c.from.clone() }),
        );
        copies.extend(site.assets.iter().cloned());
        let vevents = site.meetings.iter().map(|_| std::sync::OnceLock::new()).collect();
        let vevents_short = site.meetings.iter().map(|_| std::sync::OnceLock::new()).collect();
        let overrides: Vec<(String, std::path::PathBuf)> =
            sources.templates.iter().map(|(name, _, file)| (name.clone(), file.clone())).collect();
        let occ_text =
            site.meetings.iter().map(|m| m.occurrences.iter().map(|_| std::sync::OnceLock::new()).collect()).collect();
        let (site_value, nav_error) = site_value(site, &tera, &overrides);
        Renderer {
            inputs: Inputs::new(site, bodies, Lists::new(site), copies),
            tera,
            vevents,
            vevents_short,
            occ_text,
            site_value,
            zones: Default::default(),
            nav_error,
            overrides,
            record: false,
            cancel: None,
        }
    }

    /// Lets the long jobs stop early once `flag` is set; their outputs are then not to be used.
    pub fn cancellable(mut self, flag: &'a std::sync::atomic::AtomicBool) -> Self {
        self.cancel = Some(flag);
        self
    }

    /// Whether the result is no longer wanted.
    pub fn cancelled(&self) -> bool {
        self.cancel.is_some_and(|f| f.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// Makes jobs record what they read ([`Renderer::run_recorded`]).
    pub fn recording(mut self) -> Self {
        self.record = true;
        self
    }

    /// The fingerprint of a fact, as the inputs are now.
    pub fn print(&self, fact: Fact) -> u64 {
        self.inputs.print(fact)
    }

    /// Every job of the site.
    pub fn plan(&self) -> Vec<Job> {
        // Planning is not a job: it records nothing.
        let rec = Recorder::new(false);
        let cx = Cx::new(self, &rec);
        let n = cx.counts();
        let own: Vec<ItemId> = (0..n.items).map(ItemId).filter(|&i| cx.has_own_page(i)).collect();
        let mut jobs: Vec<Job> = own.iter().map(|&i| Job::Item(i)).collect();
        jobs.extend([
            Job::SearchPage,
            Job::Home,
            Job::Groups,
            Job::Wiki,
            Job::Tags,
            Job::NotFound,
            Job::Feeds,
            Job::SiteCalendar,
            Job::CalendarNow,
            Job::RecentChanges,
            Job::Copies,
            Job::Lead,
            Job::People,
        ]);
        jobs.extend(cx.people().iter().map(|p| Job::Person(p.slug.clone())));
        jobs.extend((0..n.meetings).map(MeetingId).filter(|&m| !signin::sessions(&cx, m).is_empty()).map(Job::SignIn));
        if cx.site().has_history {
            jobs.extend(own.iter().map(|&i| Job::History(i)));
            jobs.extend((0..n.groups).map(|g| Job::GroupChanges(GroupId(g))));
        }
        jobs.extend(calendar::months(&cx).into_iter().map(|(y, m)| Job::Month(y, m)));
        if (0..n.meetings).any(|m| cx.meeting(MeetingId(m)).has_ce()) {
            jobs.extend([Job::Ce, Job::CeCalendar]);
        }
        jobs.extend(calendar::ce_months(&cx).into_iter().map(|(y, m)| Job::CeMonth(y, m)));
        jobs.extend((0..n.groups).map(|g| Job::GroupCalendar(GroupId(g))));
        let lists = cx.list(List::Upcoming);
        for (gi, all) in lists.group_all.iter().enumerate() {
            jobs.extend((1..=pages(all.len())).map(|p| Job::GroupMeetings(GroupId(gi), p)));
        }
        jobs.extend((1..=pages(lists.upcoming.len())).map(Job::MeetingsUpcoming));
        jobs.extend((1..=pages(lists.past.len())).map(Job::MeetingsPast));
        jobs.extend((1..=pages(n.stories)).map(Job::Stories));
        jobs.extend((1..=pages(n.articles)).map(Job::Articles));
        for (slug, (_, items)) in cx.tags() {
            jobs.extend((1..=pages(items.len())).map(|p| Job::Tag(slug.clone(), p)));
            if !calendar::tag_meetings(&cx, slug).is_empty() {
                jobs.push(Job::TagCalendar(slug.clone()));
            }
        }
        // The search index last: it is the biggest job and splits its own work, so threads that
        // run out of pages share it. Planned first, it made one thread's share of the jobs the
        // long pole: 2.0 s instead of 1.4 s to render 10k pages on 2 cores.
        jobs.push(Job::Search);
        jobs
    }

    /// Renders one job. Errors name the template and what went wrong.
    pub fn run(&self, job: &Job) -> Result<Vec<Output>, Diagnostic> {
        self.run_recorded(job).map(|(outputs, _)| outputs)
    }

    /// Renders one job, and says what it read (nothing, unless [`Renderer::recording`]).
    pub fn run_recorded(&self, job: &Job) -> Result<(Vec<Output>, Vec<Fact>), Diagnostic> {
        let rec = Recorder::new(self.record);
        let outputs = Cx::new(self, &rec).run(job)?;
        Ok((outputs, rec.into_facts()))
    }
}

impl<'r, 'a> Cx<'r, 'a> {
    /// Renders one job. Errors name the template and what went wrong.
    pub fn run(&self, job: &Job) -> Result<Vec<Output>, Diagnostic> {
        let s = self.site();
        let routes = s.config.routes();
        match job {
            Job::Item(i) => self.item_page(*i),
            Job::Home => self.home(),
            Job::Groups => self.groups(),
            Job::GroupMeetings(g, p) => {
                let head = self.head(self.group(*g).item);
                let (all, upcoming) = self.pairs_page(List::GroupMeetings(*g), *p);
                let title = format!("All meetings of {}", head.title);
                self.occurrence_list(&crate::routes::meetings_of(head.url), &title, all, *p, upcoming, None)
            }
            Job::MeetingsUpcoming(p) => {
                let intro = self.sections().1.get(&Kind::Meeting).map(|&i| self.body(i).html.as_str());
                let (all, upcoming) = self.pairs_page(List::Upcoming, *p);
                self.occurrence_list(&routes.page("meetings"), "Upcoming meetings", all, *p, upcoming, intro)
            }
            Job::MeetingsPast(p) => {
                let (all, _) = self.pairs_page(List::Past, *p);
                self.occurrence_list(&routes.page("meetings/past"), "Past meetings", all, *p, 0, None)
            }
            Job::Stories(p) => {
                let items = self.items_page(List::Stories, *p);
                self.card_list(&routes.page("stories"), "Stories", Kind::Story, items, *p, None)
            }
            Job::Articles(p) => {
                let items = self.items_page(List::Articles, *p);
                self.card_list(&routes.page("articles"), "Articles and resources", Kind::Article, items, *p, None)
            }
            Job::Wiki => self.wiki_page(),
            Job::Tags => self.tags_page(),
            Job::Tag(slug, p) => {
                let Some((name, items)) = self.tags().get(slug) else { return Ok(Vec::new()) };
                let feed = (!calendar::tag_meetings(self, slug).is_empty())
                    .then(|| calendar::Feed::of_tag(s.config, slug, name));
                let title = format!("Tagged “{name}”");
                self.card_list(&tag_url(s.config, slug), &title, Kind::Page, items, *p, feed)
            }
            Job::NotFound => {
                let mut ctx = self.context();
                ctx.insert("title", "Page not found");
                Ok(vec![Output { path: "404.html".into(), body: Body::Bytes(self.template("404.html", &ctx)?) }])
            }
            Job::Feeds => feeds::all(self),
            Job::SiteCalendar => Ok(vec![calendar::site_feed(self)]),
            Job::GroupCalendar(g) => Ok(vec![calendar::group_feed(self, *g)]),
            Job::TagCalendar(slug) => Ok(calendar::tag_feed(self, slug)),
            Job::History(i) => history::pages(self, *i),
            Job::RecentChanges => history::recent(self),
            Job::Month(y, m) => calendar::month_page(self, *y, *m, false),
            Job::Ce => self.ce_page(),
            Job::Lead => lead::outputs(self),
            Job::People => people::index(self),
            Job::Person(slug) => people::person_page(self, slug),
            Job::SignIn(m) => signin::page(self, *m),
            Job::GroupChanges(g) => history::group_changes(self, *g),
            Job::CeCalendar => Ok(vec![calendar::ce_feed(self)]),
            Job::CeMonth(y, m) => calendar::ce_month_page(self, *y, *m),
            Job::CalendarNow => {
                let today = s.today;
                calendar::month_page(self, today.year(), today.month(), true)
            }
            Job::Copies => Ok(self.copy_outputs()),
            Job::Search => Ok(search::outputs(self)),
            Job::SearchPage => search::page(self),
        }
    }

    /// The renderer: its templates and caches.
    fn r(&self) -> &'r Renderer<'a> {
        self.renderer()
    }

    /// The VEVENT of meeting `m`, made once per build (what it read is noted each time).
    pub fn vevent(&self, m: MeetingId, full: ics::Text) -> &'r str {
        let cells = match full {
            ics::Text::Whole => &self.r().vevents,
            ics::Text::Summary => &self.r().vevents_short,
        };
        let cell = &cells[m.0];
        if let Some((text, facts)) = cell.get() {
            self.rec.note_all(facts);
            return text;
        }
        let mark = self.rec.mark();
        let text = ics::event(self, self.meeting(m), full);
        let facts = self.rec.since(mark);
        let (text, _) = cell.get_or_init(|| (text, facts));
        text
    }

    /// The VTIMEZONE of `tz` for events from `from` to `until`, appended to `out`: made
    /// once per build for each [`ics::zone_key`] (it reads no fact of the site).
    pub fn push_vtimezone(
        &self,
        out: &mut String,
        name: &str,
        tz: &jiff::tz::TimeZone,
        from: Timestamp,
        until: Timestamp,
    ) {
        let key = ics::zone_key(name, tz, from, until);
        let zones = &self.r().zones;
        if let Some(text) = zones.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            out.push_str(text);
            return;
        }
        let mut text = String::new();
        ics::vtimezone(&mut text, name, tz, from, until);
        out.push_str(&text);
        zones.lock().unwrap_or_else(|e| e.into_inner()).insert(key, text);
    }

    /// Occurrence `o` of meeting `m` as lists show it.
    pub fn occ(&self, m: MeetingId, o: usize) -> OccView<'r> {
        let meeting = self.meeting(m);
        let occurrence = &meeting.occurrences[o];
        let text = self.r().occ_text[m.0][o].get_or_init(|| OccText::new(meeting, occurrence));
        occ(self, meeting, occurrence, text)
    }

    /// A template context holding `site` (made once per build: every page has it).
    pub fn context(&self) -> Context {
        self.site();
        let mut ctx = Context::new();
        ctx.insert_value("site", self.r().site_value.clone());
        // A page's absolute address (for `<link rel="canonical">` and Open Graph); none
        // for the 404 page, which answers at many addresses.
        ctx.insert("canonical", "");
        ctx
    }

    /// Renders a template to bytes (the output's; no UTF-8 check of a copy, and a page
    /// usually fits the first buffer).
    pub fn template(&self, name: &str, ctx: &Context) -> Result<Vec<u8>, Diagnostic> {
        let r = self.r();
        let mut out = Vec::with_capacity(24 << 10);
        r.tera.render_to(name, ctx, &mut out).map_err(|e| {
            // A page that needs `site.nav` fails for want of it: say why it is missing. (A
            // theme whose pages do not use it builds without it, and its other errors are its own.)
            if let Some(nav) = r.nav_error.as_ref().filter(|_| format!("{e:?}").contains("site.nav")) {
                return nav.clone();
            }
            let own = |shown: &str| r.overrides.iter().find(|(n, _)| n == shown).map(|(_, file)| file.clone());
            theme::diagnose(&e, name, own)
                .hint("a site template in themes/NAME/templates/ overrides the built-in one of the same name")
        })?;
        Ok(out)
    }

    pub fn page(&self, url: &str, template: &str, ctx: &mut Context) -> Result<Vec<Output>, Diagnostic> {
        let s = self.site();
        ctx.insert("canonical", &s.config.absolute(url));
        let path = s.config.routes().output(url);
        Ok(vec![Output { path, body: Body::Bytes(self.template(template, ctx)?) }])
    }

    fn item_page(&self, idx: ItemId) -> Result<Vec<Output>, Diagnostic> {
        let item = self.item(idx);
        let mut ctx = self.context();
        ctx.insert("page", &page(self, idx));
        let template = match item.kind {
            Kind::Group => {
                let gi = self.group_of(idx);
                let g = self.group(gi);
                let (up, past) = &self.list(List::GroupMeetings(gi)).group_occ[gi.0];
                ctx.insert(
                    "group",
                    &GroupView {
                        leaders: people::links(self, &g.leaders),
                        contact: g.contact.as_deref(),
                        forum: g.forum.as_deref(),
                        mailing_list: g.mailing_list.as_deref(),
                        join: g.join.as_deref(),
                        timezone: g.timezone.as_ref().map(|t| t.0.as_str()),
                        location: g.location.as_deref(),
                        archived: g.archived,
                        upcoming: self.occ_views(&up[..up.len().min(SHORT_LIST)]),
                        past: self.occ_views(&past[..past.len().min(SHORT_LIST)]),
                        upcoming_count: up.len(),
                        past_count: past.len(),
                        all_meetings_url: crate::routes::meetings_of(&item.url),
                        stories: g.stories.iter().take(SHORT_LIST * 2).map(|&st| story_card(self, st)).collect(),
                        stories_count: g.stories.len(),
                        articles: g.articles.iter().take(SHORT_LIST * 2).map(|&a| article_card(self, a)).collect(),
                        articles_count: g.articles.len(),
                        feed_url: crate::routes::feed_of(&item.url),
                        calendar: calendar::Feed::of_group(self, gi),
                        openings: lead::of_group(self, gi),
                        changes_url: self.site().has_history.then(|| crate::routes::changes_of(&item.url)),
                        propose_url: views::propose_url(self.site().config, self.site().today, Some(&item.slug)),
                        lead_url: self.site().config.routes().page("lead"),
                    },
                );
                "group.html"
            }
            Kind::Meeting => {
                let mi = self.meeting_of(idx);
                ctx.insert("meeting", &self.meeting_view(mi));
                let mut out = self.page(&item.url, "meeting.html", &mut ctx)?;
                out.push(calendar::meeting_feed(self, mi));
                return Ok(out);
            }
            Kind::Story => {
                let st = self.story(self.story_of(idx));
                ctx.insert(
                    "story",
                    &StoryView {
                        date: long_date(st.date),
                        date_iso: st.date.to_string(),
                        author: st.author.as_deref().map(|a| people::link(self, a)),
                        groups: st.groups.iter().map(|&g| link(self.head(self.group_item(g)))).collect(),
                        meeting: st.meeting.map(|m| link(self.head(self.meeting_item(m)))),
                    },
                );
                "story.html"
            }
            Kind::Article => {
                let a = self.article(self.article_of(idx));
                ctx.insert(
                    "article",
                    &ArticleView {
                        date: a.date.map(long_date),
                        date_iso: a.date.map(|d| d.to_string()),
                        author: a.author.as_deref().map(|n| people::link(self, n)),
                        url: a.url.as_deref(),
                        format: a.format.as_deref(),
                        groups: a.groups.iter().map(|&g| link(self.head(self.group_item(g)))).collect(),
                    },
                );
                "article.html"
            }
            Kind::Wiki => {
                ctx.insert("breadcrumbs", &self.breadcrumbs(item));
                "page.html"
            }
            Kind::Page | Kind::Person => "page.html",
        };
        self.page(&item.url, template, &mut ctx)
    }

    fn breadcrumbs(&self, item: &crate::model::Item) -> Vec<(String, String)> {
        let wiki = self.site().config.routes().page("wiki");
        let mut crumbs = vec![("Wiki".to_string(), wiki.clone())];
        let parts: Vec<&str> = item.path.split('/').collect();
        for depth in 2..parts.len() {
            let path = parts[..depth].join("/");
            crumbs.push((title_case(parts[depth - 1]), format!("{wiki}#{}", path.replace('/', "-"))));
        }
        crumbs
    }

    fn meeting_view(&self, mi: MeetingId) -> MeetingView<'r> {
        let s = self.site();
        let m = self.meeting(mi);
        let first = &m.occurrences[0];
        // The upcoming dates, by their place in the series.
        let upcoming: Vec<usize> = (0..m.occurrences.len()).filter(|&o| s.is_upcoming(&m.occurrences[o])).collect();
        // The next session to go to: not skipped, not cancelled.
        let next = upcoming
            .iter()
            .map(|&o| &m.occurrences[o])
            .find(|o| m.takes_place(o))
            .or_else(|| upcoming.first().map(|&o| &m.occurrences[o]))
            .unwrap_or(first);
        let series = m.repeat.is_some();
        // A series' dates: the next ones (at most DATES, the first SOON shown at once), and
        // the past ones, newest first.
        let (mut dates_soon, dates_past) = if series {
            let past = (0..m.occurrences.len()).rev().filter(|&o| !s.is_upcoming(&m.occurrences[o]));
            (
                upcoming.iter().take(DATES).map(|&o| self.occ(mi, o)).collect(),
                past.take(DATES).map(|o| self.occ(mi, o)).collect(),
            )
        } else {
            (Vec::new(), Vec::new())
        };
        let dates_later = dates_soon.split_off(SOON.min(dates_soon.len()));
        let past = !s.is_upcoming(m.occurrences.last().unwrap_or(first));
        MeetingView {
            when: when(m, next),
            start_iso: next.start.timestamp().to_string(),
            end_iso: next.end.timestamp().to_string(),
            timezone: &m.tz_name,
            abbreviation: crate::time::abbreviation(&next.start),
            duration: duration_text(m),
            all_day: m.all_day,
            location: m.location.as_deref(),
            online: m.online.as_deref(),
            leader: m.leader.as_deref().map(|l| people::link(self, l)),
            co_leaders: people::links(self, &m.co_leaders),
            status: m.status,
            signup: m.signup.as_deref(),
            capacity: m.capacity,
            ce: m.ce_hours.map(crate::model::CeHours::label),
            wanted: m.wanted_at(next).iter().map(|r| r.wanted_label()).collect(),
            volunteer: lead::volunteer(self, m),
            lead_url: s.config.routes().page("lead"),
            sign_in_url: (!signin::sessions(self, mi).is_empty()).then(|| signin::url(self.head(m.item).url)),
            ce_category: m.ce_category.as_deref(),
            groups: m.groups.iter().map(|&g| link(self.head(self.group_item(g)))).collect(),
            repeat: m.repeat.as_ref().map(describe_rule),
            series,
            past,
            dates_soon,
            dates_later,
            more_dates: upcoming.len().saturating_sub(DATES),
            dates_past,
            stories: m.stories.iter().map(|&st| story_card(self, st)).collect(),
            jsonld: structured::meeting(self, m, self.excerpt(m.item)),
            // For organisers, while there is a date to come: the next one, by email to the list.
            announce: if past { None } else { announce::link(self, m, next) },
            ics_url: calendar::meeting_ics_url(self, m),
            google_url: calendar::google_url(self, m, if series { first } else { next }),
            feeds: m
                .groups
                .iter()
                .map(|&g| calendar::Feed::of_group(self, g))
                .chain([calendar::Feed::of_site(s.config)])
                .collect(),
        }
    }

    fn occ_views(&self, pairs: &[(MeetingId, usize)]) -> Vec<OccView<'r>> {
        pairs.iter().map(|&(m, o)| self.occ(m, o)).collect()
    }

    fn home(&self) -> Result<Vec<Output>, Diagnostic> {
        let s = self.site();
        let mut ctx = self.context();
        let intro = self.sections().0.map(|i| page(self, i));
        ctx.insert("intro", &intro);
        let (upcoming, _) = self.pairs_page(List::Upcoming, 1);
        let shown = &upcoming[..upcoming.len().min(SHORT_LIST)];
        ctx.insert("upcoming", &self.occ_views(shown));
        ctx.insert("upcoming_count", &upcoming.len());
        let stories = &self.items_page(List::Stories, 1);
        let stories: Vec<Card> = stories.iter().take(6).map(|&i| story_card(self, self.story_of(i))).collect();
        ctx.insert("stories", &stories);
        let groups: Vec<Card> = (0..self.group_count())
            .map(|g| self.group(GroupId(g)))
            .filter(|g| !g.archived)
            .map(|g| card(self, g.item))
            .collect();
        ctx.insert("groups", &groups);
        ctx.insert("jsonld", &structured::home(self));
        self.page(&s.config.routes().home(), "home.html", &mut ctx)
    }

    fn groups(&self) -> Result<Vec<Output>, Diagnostic> {
        let s = self.site();
        let mut ctx = self.context();
        ctx.insert("intro", &self.sections().1.get(&Kind::Group).map(|&i| page(self, i)));
        let count = self.group_count();
        let cards = |archived: bool| -> Vec<GroupCard> {
            (0..count)
                .map(GroupId)
                .map(|gi| (gi, self.group(gi)))
                .filter(|(_, g)| g.archived == archived)
                .map(|(gi, g)| GroupCard {
                    card: card(self, g.item),
                    leaders: people::links(self, &g.leaders),
                    // The next meeting to go to: a cancelled one is none (lists show it marked).
                    next: self.list(List::GroupMeetings(gi)).group_occ[gi.0]
                        .0
                        .iter()
                        .find(|&&(m, o)| self.meeting(m).takes_place(&self.meeting(m).occurrences[o]))
                        .map(|&(m, o)| when(self.meeting(m), &self.meeting(m).occurrences[o])),
                    meetings: g.meetings.len(),
                })
                .collect()
        };
        ctx.insert("active", &cards(false));
        ctx.insert("archived", &cards(true));
        self.page(&s.config.routes().page("groups"), "groups.html", &mut ctx)
    }

    fn occurrence_list(
        &self,
        base: &str,
        title: &str,
        pairs: &[(MeetingId, usize)],
        p: usize,
        upcoming_count: usize,
        intro: Option<&str>,
    ) -> Result<Vec<Output>, Diagnostic> {
        let total = pages(pairs.len());
        let start = (p - 1) * PER_PAGE;
        let slice = &pairs[start.min(pairs.len())..(start + PER_PAGE).min(pairs.len())];
        let mut ctx = self.context();
        ctx.insert("title", title);
        ctx.insert("intro_html", &intro);
        // Upcoming dates first, then past ones: in sections when this page holds both, each by month.
        let (up, past) = slice.split_at(upcoming_count.saturating_sub(start).min(slice.len()));
        let sections = if up.is_empty() || past.is_empty() {
            vec![OccSection::new(None, 2, past.is_empty(), self.occ_views(slice))]
        } else {
            vec![
                OccSection::new(Some("Upcoming meetings"), 3, true, self.occ_views(up)),
                OccSection::new(Some("Past meetings"), 3, false, self.occ_views(past)),
            ]
        };
        let routes = self.site().config.routes();
        ctx.insert("sections", &sections);
        ctx.insert("pager", &pager(base, p, total));
        ctx.insert("base", base);
        ctx.insert("past_url", &routes.page("meetings/past"));
        ctx.insert("upcoming_url", &routes.page("meetings"));
        self.page(&page_url(base, p), "meetings.html", &mut ctx)
    }

    fn card_list(
        &self,
        base: &str,
        title: &str,
        kind: Kind,
        items: &[ItemId],
        p: usize,
        feed: Option<calendar::Feed>,
    ) -> Result<Vec<Output>, Diagnostic> {
        let total = pages(items.len());
        let start = (p - 1) * PER_PAGE;
        // Cards only for this page's slice: a list of 1500 stories is 50 pages, not 50 × 1500 cards.
        let slice: Vec<Card> = items.iter().skip(start).take(PER_PAGE).map(|&i| card(self, i)).collect();
        let mut ctx = self.context();
        ctx.insert("title", title);
        ctx.insert("intro", &self.sections().1.get(&kind).map(|&i| page(self, i)));
        ctx.insert("cards", &slice);
        ctx.insert("pager", &pager(base, p, total));
        ctx.insert("feed", &feed);
        self.page(&page_url(base, p), "list.html", &mut ctx)
    }

    fn wiki_page(&self) -> Result<Vec<Output>, Diagnostic> {
        let s = self.site();
        let mut folders: BTreeMap<String, Vec<Card>> = BTreeMap::new();
        for &i in self.wiki() {
            let path = self.head(i).path;
            let folder = path.strip_prefix("wiki").unwrap_or("").trim_start_matches('/');
            let folder = folder.rsplit_once('/').map_or("", |(f, _)| f).to_string();
            folders.entry(folder).or_default().push(card(self, i));
        }
        let count: usize = folders.values().map(Vec::len).sum();
        let tree: Vec<WikiFolder> = folders
            .into_iter()
            .map(|(path, mut pages)| {
                pages.sort_by_cached_key(|c| c.title.to_lowercase());
                WikiFolder {
                    id: if path.is_empty() { "wiki".into() } else { format!("wiki-{}", path.replace('/', "-")) },
                    depth: if path.is_empty() { 0 } else { path.matches('/').count() + 1 },
                    name: if path.is_empty() {
                        String::new()
                    } else {
                        path.split('/').map(title_case).collect::<Vec<_>>().join(" › ")
                    },
                    pages,
                }
            })
            .collect();
        let mut ctx = self.context();
        ctx.insert("intro", &self.sections().1.get(&Kind::Wiki).map(|&i| page(self, i)));
        ctx.insert("tree", &tree);
        ctx.insert("count", &count);
        self.page(&s.config.routes().page("wiki"), "wiki.html", &mut ctx)
    }

    fn tags_page(&self) -> Result<Vec<Output>, Diagnostic> {
        let s = self.site();
        let tags: Vec<(String, String, usize)> = self
            .tags()
            .iter()
            .map(|(slug, (name, items))| (name.clone(), tag_url(s.config, slug), items.len()))
            .collect();
        let mut ctx = self.context();
        ctx.insert("tags", &tags);
        self.page(&s.config.routes().page("tags"), "tags.html", &mut ctx)
    }

    /// The continuing-education calendar: upcoming and past CE sessions, with what to filter
    /// them by (category, group: static/site.js filters in the page), the feed, and the
    /// printable months.
    fn ce_page(&self) -> Result<Vec<Output>, Diagnostic> {
        let s = self.site();
        let routes = s.config.routes();
        let (all, upcoming) = self.pairs(List::Ce);
        let (up, past) = all.split_at(upcoming.min(all.len()));
        let mut categories = std::collections::BTreeSet::new();
        let mut groups = std::collections::BTreeMap::new();
        for &(m, o) in all {
            let meeting = self.meeting(m);
            categories.extend(meeting.ce_category_at(&meeting.occurrences[o]));
            for &g in &meeting.groups {
                let head = self.head(self.group_item(g));
                groups.insert(head.url, head.title);
            }
        }
        #[derive(Serialize)]
        struct NamedLink {
            name: String,
            url: String,
        }
        let months: Vec<NamedLink> = calendar::ce_months(self)
            .into_iter()
            .filter_map(|(y, m)| {
                let first = jiff::civil::Date::new(y, m, 1).ok()?;
                Some(NamedLink { name: first.strftime("%B %Y").to_string(), url: routes.ce_month(y, m) })
            })
            .collect();
        let mut ctx = self.context();
        ctx.insert("title", "Continuing education");
        ctx.insert("upcoming", &OccSection::new(Some("Upcoming"), 3, true, self.occ_views(up)));
        ctx.insert("past", &OccSection::new(Some("Past"), 3, false, self.occ_views(past)));
        ctx.insert("categories", &categories);
        // By name (a map would reach the template in no set order).
        let mut groups: Vec<NamedLink> =
            groups.into_iter().map(|(url, name)| NamedLink { name: name.to_string(), url: url.to_string() }).collect();
        groups.sort_by(|a, b| a.name.cmp(&b.name));
        ctx.insert("groups", &groups);
        ctx.insert("months", &months);
        ctx.insert("feed", &calendar::Feed::of_ce(s.config));
        self.page(&routes.page("ce"), "ce.html", &mut ctx)
    }

    fn copy_outputs(&self) -> Vec<Output> {
        self.site();
        let copies = self.copies();
        let overridden: std::collections::HashSet<&str> = copies.iter().map(|c| c.dest.as_str()).collect();
        let mut out: Vec<Output> = theme::builtin_statics()
            .into_iter()
            .filter(|(path, _)| !overridden.contains(format!("static/{path}").as_str()))
            .map(|(path, bytes)| Output { path: format!("static/{path}"), body: Body::Static(bytes) })
            .collect();
        for c in copies {
            out.push(Output { path: c.dest.clone(), body: Body::File(c.from.clone()) });
        }
        out
    }
}

fn pages(n: usize) -> usize {
    n.div_ceil(PER_PAGE).max(1)
}

/// Splits (meeting, occurrence) pairs into upcoming (soonest first) and past (newest first),
/// leaving out skipped dates.
fn split_occurrences(site: &Site, mut pairs: Pairs) -> (Pairs, Pairs) {
    let key = |&(m, o): &(MeetingId, usize)| -> (Timestamp, ItemId) {
        (site.meetings[m].occurrences[o].start.timestamp(), site.meetings[m].item)
    };
    pairs.retain(|&(m, o)| !site.meetings[m].occurrences[o].skipped);
    pairs.sort_by_key(key);
    let (upcoming, mut past): (Vec<_>, Vec<_>) =
        pairs.into_iter().partition(|&(m, o)| site.is_upcoming(&site.meetings[m].occurrences[o]));
    past.reverse();
    (upcoming, past)
}

fn title_case(slug: &str) -> String {
    let words: Vec<String> = slug
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
        })
        .collect();
    words.join(" ")
}

fn duration_text(m: &Meeting) -> String {
    if m.all_day {
        let days = m.start.date().until(m.end.date()).map(|s| s.get_days()).unwrap_or(1);
        return if days <= 1 { "all day".into() } else { format!("{days} days") };
    }
    let mins = m.start.duration_until(m.end).as_mins();
    match (mins / 60, mins % 60) {
        (0, m) => format!("{m} minutes"),
        (1, 0) => "1 hour".into(),
        (h, 0) => format!("{h} hours"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// "FREQ=WEEKLY;COUNT=6" -> "every week, 6 times", from the rule the model checked
/// ([`crate::time::check_rule`]: parts in upper case, values without spaces).
fn describe_rule(rule: &crate::time::Rule) -> String {
    let mut freq = "";
    let mut extra = Vec::new();
    let mut interval = 1;
    for (k, v) in &rule.parts {
        let v = v.as_str();
        match *k {
            "FREQ" => {
                freq = match v {
                    "DAILY" => "day",
                    "WEEKLY" => "week",
                    "MONTHLY" => "month",
                    "YEARLY" => "year",
                    _ => "",
                }
            }
            "INTERVAL" => interval = v.parse().unwrap_or(1),
            "COUNT" => extra.push(format!("{v} times")),
            "UNTIL" => extra.push(format!("until {}", basic_date(v))),
            "BYDAY" => extra.push(format!("on {}", v.split(',').map(day_name).collect::<Vec<_>>().join(", "))),
            _ => {}
        }
    }
    let every = match interval {
        1 => format!("every {freq}"),
        n => format!("every {n} {freq}s"),
    };
    std::iter::once(every).chain(extra).collect::<Vec<_>>().join(", ")
}

/// "20270601T000000Z" -> "2027-06-01" (from its first 8 characters, if they are digits).
fn basic_date(v: &str) -> String {
    let d: Vec<char> = v.chars().take(8).collect();
    if d.len() < 8 || !d.iter().all(char::is_ascii_digit) {
        return String::new();
    }
    let run = |r: std::ops::Range<usize>| d[r].iter().collect::<String>();
    format!("{}-{}-{}", run(0..4), run(4..6), run(6..8))
}

/// "1TU" -> "first Tuesday": the last two characters are the day, what comes before them
/// the number.
fn day_name(code: &str) -> String {
    let code = code.trim().to_ascii_uppercase();
    let split = code.char_indices().rev().nth(1).map_or(0, |(i, _)| i);
    let (n, d) = code.split_at(split);
    let day = match d {
        "MO" => "Monday",
        "TU" => "Tuesday",
        "WE" => "Wednesday",
        "TH" => "Thursday",
        "FR" => "Friday",
        "SA" => "Saturday",
        "SU" => "Sunday",
        other => other,
    };
    let nth = match n.trim_start_matches('+') {
        "" => "",
        "1" => "first ",
        "2" => "second ",
        "3" => "third ",
        "4" => "fourth ",
        "-1" => "last ",
        _ => "",
    };
    format!("{nth}{day}")
}

#[derive(Serialize)]
struct GroupView<'a> {
    leaders: Vec<people::PersonLink<'a>>,
    contact: Option<&'a str>,
    forum: Option<&'a str>,
    mailing_list: Option<&'a str>,
    join: Option<&'a str>,
    timezone: Option<&'a str>,
    location: Option<&'a str>,
    archived: bool,
    upcoming: Vec<OccView<'a>>,
    past: Vec<OccView<'a>>,
    upcoming_count: usize,
    past_count: usize,
    all_meetings_url: String,
    stories: Vec<Card<'a>>,
    stories_count: usize,
    articles: Vec<Card<'a>>,
    articles_count: usize,
    feed_url: String,
    calendar: calendar::Feed,
    /// Its upcoming sessions that want a leader or co-leader.
    openings: Vec<lead::Opening<'a>>,
    /// The forge's page that adds a meeting of this group, filled in.
    propose_url: Option<String>,
    /// Its changes feed (with history).
    changes_url: Option<String>,
    lead_url: String,
}

#[derive(Serialize)]
struct GroupCard<'a> {
    card: Card<'a>,
    leaders: Vec<people::PersonLink<'a>>,
    next: Option<String>,
    meetings: usize,
}

#[derive(Serialize)]
struct MeetingView<'a> {
    when: String,
    start_iso: String,
    end_iso: String,
    timezone: &'a str,
    abbreviation: String,
    duration: String,
    all_day: bool,
    location: Option<&'a str>,
    online: Option<&'a str>,
    leader: Option<people::PersonLink<'a>>,
    co_leaders: Vec<people::PersonLink<'a>>,
    status: crate::model::Status,
    signup: Option<&'a str>,
    capacity: Option<u32>,
    /// "1.5 CE hours" and the category, when the meeting counts for continuing education.
    ce: Option<String>,
    ce_category: Option<&'a str>,
    /// The roles the meeting (or its next session) still wants, and how to volunteer.
    wanted: Vec<&'static str>,
    volunteer: Option<String>,
    lead_url: String,
    /// The printable sign-in sheets of its upcoming sessions.
    sign_in_url: Option<String>,
    groups: Vec<Link<'a>>,
    repeat: Option<String>,
    series: bool,
    past: bool,
    /// A series' next dates, shown; the rest of its upcoming dates (behind "All N upcoming
    /// dates"), how many more there are than that, and its past dates, newest first.
    dates_soon: Vec<OccView<'a>>,
    dates_later: Vec<OccView<'a>>,
    more_dates: usize,
    dates_past: Vec<OccView<'a>>,
    stories: Vec<Card<'a>>,
    /// schema.org JSON-LD, for inside a `<script>` (see [`structured`]).
    jsonld: String,
    /// The "Announce" link for organisers: a `mailto:` to the group's mailing list.
    announce: Option<announce::Link>,
    ics_url: String,
    google_url: String,
    feeds: Vec<calendar::Feed>,
}

#[derive(Serialize)]
struct StoryView<'a> {
    date: String,
    date_iso: String,
    author: Option<people::PersonLink<'a>>,
    groups: Vec<Link<'a>>,
    meeting: Option<Link<'a>>,
}

#[derive(Serialize)]
struct ArticleView<'a> {
    date: Option<String>,
    date_iso: Option<String>,
    author: Option<people::PersonLink<'a>>,
    url: Option<&'a str>,
    format: Option<&'a str>,
    groups: Vec<Link<'a>>,
}

#[derive(Serialize)]
struct WikiFolder<'a> {
    id: String,
    depth: usize,
    name: String,
    pages: Vec<Card<'a>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The English for a rule that must pass [`crate::time::check_rule`].
    fn describe(text: &str) -> String {
        describe_rule(&crate::time::check_rule(text).unwrap_or_else(|e| panic!("{text}: {e}")))
    }

    #[test]
    fn rules_read_as_english() {
        assert_eq!(describe("FREQ=WEEKLY;COUNT=6"), "every week, 6 times");
        assert_eq!(
            describe("FREQ=MONTHLY;BYDAY=1TU;UNTIL=20270601T000000Z"),
            "every month, on first Tuesday, until 2027-06-01"
        );
        assert_eq!(describe("FREQ=WEEKLY; COUNT=6"), "every week, 6 times");
        assert_eq!(describe("RRULE:FREQ=DAILY;INTERVAL=2"), "every 2 days");
        assert_eq!(
            describe(" freq=weekly; byday=tu,-1fr ; until=20270601t093000z;"),
            "every week, on Tuesday, last Friday, until 2027-06-01"
        );
        assert_eq!(describe("FREQ=WEEKLY;INTERVAL=+2;COUNT=004"), "every 2 weeks, 004 times");
    }

    #[test]
    fn odd_codes_do_not_panic() {
        assert_eq!(basic_date("2027 0101"), "");
        assert_eq!(basic_date("2027é0101"), "");
        assert_eq!(day_name("-1FR"), "last Friday");
        assert_eq!(day_name("+2mo"), "second Monday");
        assert_eq!(day_name("1日日"), "first 日日");
        assert_eq!(day_name("é"), "é");
        assert_eq!(day_name(""), "");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        #[test]
        fn describe_rule_never_panics(rule in proptest::prelude::any::<String>(), code in "\\PC{0,6}") {
            if let Ok(rule) = crate::time::check_rule(&rule) {
                let _ = describe_rule(&rule);
            }
            let _ = day_name(&code);
        }

        #[test]
        fn checked_rules_read_as_english(
            freq in proptest::sample::select(vec!["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]),
            days in proptest::collection::vec(("(\\+?[1-4]|-1)?", proptest::sample::select(crate::time::DAYS.to_vec())), 0..3),
            until in proptest::option::of((2027i16..2100, 1i8..=12, 1i8..=28)),
        ) {
            let mut rule = format!("FREQ={freq}");
            if !days.is_empty() {
                let days: Vec<String> = days.iter().map(|(n, d)| format!("{n}{d}")).collect();
                rule.push_str(&format!(";BYDAY={}", days.join(",")));
            }
            if let Some((y, m, d)) = until {
                rule.push_str(&format!(";UNTIL={y:04}{m:02}{d:02}T000000Z"));
            }
            let checked = crate::time::check_rule(&rule);
            proptest::prop_assert!(checked.is_ok(), "{}", rule);
            let text = describe_rule(&checked.unwrap());
            proptest::prop_assert!(text.starts_with("every ") && !text.contains("  "), "{}: {}", rule, text);
            if let Some((y, m, d)) = until {
                let until_text = format!("until {y:04}-{m:02}-{d:02}");
                proptest::prop_assert!(text.ends_with(&until_text), "{}: {}", rule, text);
            }
            for code in crate::time::DAYS {
                proptest::prop_assert!(!text.contains(code), "{}: {}", rule, text);
            }
        }
    }

    #[test]
    fn page_urls() {
        assert_eq!(page_url("/stories/", 1), "/stories/");
        assert_eq!(page_url("/stories/", 3), "/stories/page/3/");
    }
}
