//! People's pages (`/people/SLUG/`): what a person's file says, the meetings they lead or
//! co-lead (upcoming, then past), the groups they lead, the stories and articles they wrote;
//! and the people index (`/people/`).

use super::reads::Cx;
use super::views::{article_card, page, story_card, Card, Link, OccSection, OccView};
use super::{Output, Pairs};
use crate::diag::Diagnostic;
use crate::model::{MeetingId, Person};
use serde::Serialize;

/// A name as pages show it: linked to the person's page.
#[derive(Serialize, Clone)]
pub struct PersonLink<'a> {
    pub name: &'a str,
    pub url: Option<String>,
}

pub(super) fn link<'a>(cx: &Cx, name: &'a str) -> PersonLink<'a> {
    PersonLink { name, url: cx.person_url(name) }
}

pub(super) fn links<'a>(cx: &Cx, names: &'a [String]) -> Vec<PersonLink<'a>> {
    names.iter().map(|n| link(cx, n)).collect()
}

#[derive(Serialize)]
struct PersonView<'a> {
    name: &'a str,
    pronouns: Option<&'a str>,
    contact: Option<&'a str>,
    links: &'a [String],
    upcoming: OccSection<'a>,
    past: OccSection<'a>,
    /// How many more there are than the page lists.
    more_upcoming: usize,
    more_past: usize,
    groups: Vec<Link<'a>>,
    stories: Vec<Card<'a>>,
    articles: Vec<Card<'a>>,
}

#[derive(Serialize)]
struct PersonCard<'a> {
    name: &'a str,
    url: String,
    pronouns: Option<&'a str>,
    /// "leads 3 meetings · 2 stories"
    what: String,
}

/// How many sessions a person's page lists, upcoming and past (the rest are counted).
const SHOWN: usize = 12;

/// The sessions a person leads or co-leads, upcoming (soonest first) and past (newest first).
/// A meeting is theirs whole unless one of its sessions names its own leaders.
fn sessions(cx: &Cx, p: &Person) -> (Pairs, Pairs) {
    let mut up = Pairs::new();
    let mut past = Pairs::new();
    let mut meetings: Vec<MeetingId> = p.leads.iter().chain(&p.co_leads).copied().collect();
    meetings.sort();
    meetings.dedup();
    let url = cx.site().config.routes().page(&format!("people/{}", p.slug));
    let theirs = |n: &str| cx.person_url(n).as_deref() == Some(url.as_str());
    for mi in meetings {
        let m = cx.meeting(mi);
        let whole = m.leader.as_deref().is_some_and(theirs) || m.co_leaders.iter().any(|n| theirs(n));
        for (oi, o) in m.occurrences.iter().enumerate() {
            let leads = match m.session_of(o) {
                Some(s) if s.leader.is_some() || s.co_leaders.is_some() => {
                    m.leader_at(o).is_some_and(theirs) || m.co_leaders_at(o).iter().any(|n| theirs(n))
                }
                _ => whole,
            };
            if leads && !o.skipped {
                if cx.site().is_upcoming(o) {
                    up.push((mi, oi));
                } else {
                    past.push((mi, oi));
                }
            }
        }
    }
    let start = |&(m, o): &(MeetingId, usize)| cx.meeting(m).occurrences[o].start.timestamp();
    up.sort_by_key(start);
    past.sort_by_key(|x| std::cmp::Reverse(start(x)));
    (up, past)
}

fn views<'r>(cx: &Cx<'r, '_>, pairs: &Pairs) -> Vec<OccView<'r>> {
    pairs.iter().take(SHOWN).map(|&(m, o)| cx.occ(m, o)).collect()
}

/// A person's page.
pub(super) fn person_page(cx: &Cx, slug: &str) -> Result<Vec<Output>, Diagnostic> {
    let s = cx.site();
    let Some(p) = cx.person_by_slug(slug) else { return Ok(Vec::new()) };
    let (up, past) = sessions(cx, p);
    let view = PersonView {
        name: &p.name,
        pronouns: p.pronouns.as_deref(),
        contact: p.contact.as_deref(),
        links: &p.links,
        upcoming: OccSection::new(Some("Upcoming"), 3, true, views(cx, &up)),
        past: OccSection::new(Some("Past"), 3, false, views(cx, &past)),
        more_upcoming: up.len().saturating_sub(SHOWN),
        more_past: past.len().saturating_sub(SHOWN),
        groups: p.groups.iter().map(|&g| super::views::link(cx.head(cx.group_item(g)))).collect(),
        stories: p.stories.iter().map(|&st| story_card(cx, st)).collect(),
        articles: p.articles.iter().map(|&a| article_card(cx, a)).collect(),
    };
    let mut ctx = cx.context();
    ctx.insert("person", &view);
    ctx.insert("title", &p.name);
    ctx.insert("page", &p.item.map(|item| page(cx, item)));
    cx.page(&s.config.routes().page(&format!("people/{}", p.slug)), "person.html", &mut ctx)
}

/// Everyone, by name.
pub(super) fn index(cx: &Cx) -> Result<Vec<Output>, Diagnostic> {
    let s = cx.site();
    let routes = s.config.routes();
    let count = |n: usize, one: &str, many: &str| match n {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {many}")),
    };
    let cards: Vec<PersonCard> = cx
        .people()
        .iter()
        .map(|p| {
            let mut meetings: Vec<MeetingId> = p.leads.iter().chain(&p.co_leads).copied().collect();
            meetings.sort();
            meetings.dedup();
            let what: Vec<String> = [
                count(p.groups.len(), "group led", "groups led"),
                count(meetings.len(), "meeting led", "meetings led"),
                count(p.stories.len(), "story", "stories"),
                count(p.articles.len(), "article", "articles"),
            ]
            .into_iter()
            .flatten()
            .collect();
            PersonCard {
                name: &p.name,
                url: routes.page(&format!("people/{}", p.slug)),
                pronouns: p.pronouns.as_deref(),
                what: what.join(" · "),
            }
        })
        .collect();
    let mut ctx = cx.context();
    ctx.insert("title", "People");
    ctx.insert("people", &cards);
    cx.page(&routes.page("people"), "people.html", &mut ctx)
}
