//! Open leadership: the roles meetings still need someone for (`wanted:`), on the "Lead a
//! meeting" page (`/lead/`, soonest first, by group), in its Atom feed, on group pages and
//! on the meeting pages, each with how to volunteer.

use super::reads::{Cx, List};
use super::views::OccView;
use super::{atom, Body, Output};
use crate::diag::Diagnostic;
use crate::model::{GroupId, Meeting, MeetingId};
use serde::Serialize;

/// One session with an open role, as the lists show it.
#[derive(Serialize)]
pub(super) struct Opening<'a> {
    pub occ: OccView<'a>,
    /// "Co-leader wanted", …
    pub roles: Vec<&'static str>,
    /// Where to volunteer: the meeting's sign-up, else its group's contact.
    pub volunteer: Option<String>,
}

#[derive(Serialize)]
struct GroupOpenings<'a> {
    title: &'a str,
    url: &'a str,
    openings: Vec<Opening<'a>>,
}

/// How to volunteer to lead meeting `m`: its sign-up, else an email to its first group's
/// contact with the meeting in the subject.
pub(super) fn volunteer(cx: &Cx, m: &Meeting) -> Option<String> {
    if let Some(signup) = &m.signup {
        return Some(signup.clone());
    }
    let contact = m.groups.iter().find_map(|&g| cx.group(g).contact.as_deref())?;
    if contact.contains("://") {
        return Some(contact.to_string());
    }
    let address = contact.strip_prefix("mailto:").unwrap_or(contact);
    let subject = crate::routes::encode_query(&format!("I would like to help lead: {}", cx.head(m.item).title));
    Some(format!("mailto:{address}?subject={subject}"))
}

/// The openings of these (meeting, occurrence) pairs.
pub(super) fn openings<'r>(cx: &Cx<'r, '_>, pairs: &[(MeetingId, usize)]) -> Vec<Opening<'r>> {
    pairs
        .iter()
        .map(|&(mi, o)| {
            let m = cx.meeting(mi);
            Opening {
                occ: cx.occ(mi, o),
                roles: m.wanted_at(&m.occurrences[o]).iter().map(|r| r.wanted_label()).collect(),
                volunteer: volunteer(cx, m),
            }
        })
        .collect()
}

/// A group's openings, for its page.
pub(super) fn of_group<'r>(cx: &Cx<'r, '_>, g: GroupId) -> Vec<Opening<'r>> {
    let pairs: Vec<(MeetingId, usize)> =
        cx.list(List::Lead).lead.iter().copied().filter(|&(m, _)| cx.meeting(m).groups.contains(&g)).collect();
    openings(cx, &pairs)
}

/// `/lead/` and `/lead/atom.xml`.
pub(super) fn outputs(cx: &Cx) -> Result<Vec<Output>, Diagnostic> {
    let s = cx.site();
    let routes = s.config.routes();
    let lead = &cx.list(List::Lead).lead;
    let mut groups: Vec<GroupOpenings> = Vec::new();
    for gi in (0..cx.group_count()).map(GroupId) {
        let head = cx.head(cx.group_item(gi));
        let pairs: Vec<(MeetingId, usize)> =
            lead.iter().copied().filter(|&(m, _)| cx.meeting(m).groups.contains(&gi)).collect();
        if !pairs.is_empty() {
            groups.push(GroupOpenings { title: head.title, url: head.url, openings: openings(cx, &pairs) });
        }
    }
    groups.sort_by(|a, b| a.title.cmp(b.title));
    let loose: Vec<(MeetingId, usize)> =
        lead.iter().copied().filter(|&(m, _)| cx.meeting(m).groups.is_empty()).collect();
    // A top-level page: looked for among those, not the whole site.
    let how = cx.pages().iter().map(|&i| cx.head(i)).find(|h| h.path == "how-it-works").map(|h| h.url);
    let mut ctx = cx.context();
    ctx.insert("title", "Lead a meeting");
    ctx.insert("groups", &groups);
    ctx.insert("loose", &openings(cx, &loose));
    ctx.insert("count", &lead.len());
    ctx.insert("how_it_works", &how);
    ctx.insert("feed_url", &routes.file("lead/atom.xml"));
    let mut out = cx.page(&routes.page("lead"), "lead.html", &mut ctx)?;
    out.push(Output {
        path: routes.file_output(&routes.file("lead/atom.xml")),
        body: Body::Bytes(feed(cx, lead).into_bytes()),
    });
    Ok(out)
}

/// The openings as an Atom feed, soonest first: one entry per session and its roles.
fn feed(cx: &Cx, lead: &[(MeetingId, usize)]) -> String {
    let s = cx.site();
    let routes = s.config.routes();
    let updated = s.dtstamp.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let title = format!("Lead a meeting — {}", s.config.title);
    let (self_url, home_url) = (s.absolute(&routes.file("lead/atom.xml")), s.absolute(&routes.page("lead")));
    let head = atom::Head {
        title: &title,
        self_url: &self_url,
        home_url: &home_url,
        updated: &updated,
        author: Some(&s.config.title),
    };
    let mut out = atom::Atom::new(&head, 1024 + lead.len() * 512);
    for o in openings(cx, lead) {
        let url = s.absolute(o.occ.url);
        let id = format!("{url}#{}", o.occ.start_iso);
        let entry_title = format!("{}: {} — {}", o.roles.join(", "), o.occ.title, o.occ.when);
        let summary = match &o.volunteer {
            Some(v) => format!("{} is looking for a {}. Volunteer: {v}", o.occ.title, names(&o.roles)),
            None => format!("{} is looking for a {}.", o.occ.title, names(&o.roles)),
        };
        out.entry(&atom::Entry {
            title: &entry_title,
            link: &url,
            id: &id,
            updated: &updated,
            author: None,
            category: Some("lead"),
            summary: &summary,
            content_html: None,
        });
    }
    out.finish()
}

/// "co-leader", "leader and co-leader", from the labels.
fn names(roles: &[&str]) -> String {
    let names: Vec<String> = roles.iter().map(|r| r.trim_end_matches(" wanted").to_lowercase()).collect();
    names.join(" and ")
}
