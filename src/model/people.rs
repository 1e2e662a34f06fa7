//! People: every name in `leaders`, `leader`, `co_leaders` (of meetings and of sessions) and
//! `author` is a person with a page at `/people/SLUG/` (the slug of the name). An optional
//! `content/people/SLUG.md` adds to it: the name as shown, pronouns, contact, links, a body,
//! and `aliases` (other spellings of the same person). Two spellings that slug the same and
//! that no person file says are one person are an error with both places.

use super::{ArticleId, GroupId, ItemId, MeetingId, Site, StoryId};
use crate::diag::Diagnostic;
use crate::parse::{key_line, PersonFront};
use crate::safe::Accept;
use std::collections::HashMap;
use std::path::PathBuf;

/// A person: who they are (from their file, if there is one) and what they lead and wrote.
#[derive(Debug, Clone, Default)]
pub struct Person {
    pub slug: String,
    /// The name as shown: the file's `title`, else the spelling first met.
    pub name: String,
    /// `content/people/SLUG.md`, if there is one.
    pub item: Option<ItemId>,
    pub pronouns: Option<String>,
    pub contact: Option<String>,
    pub links: Vec<String>,
    /// Meetings they lead or co-lead (the meeting's or one of its sessions'), in site order.
    pub leads: Vec<MeetingId>,
    pub co_leads: Vec<MeetingId>,
    pub groups: Vec<GroupId>,
    pub stories: Vec<StoryId>,
    pub articles: Vec<ArticleId>,
}

/// What a person file says, checked on its own.
#[derive(Debug, Clone)]
pub(super) struct PersonFile {
    pub pronouns: Option<String>,
    pub contact: Option<String>,
    pub links: Vec<String>,
    pub aliases: Vec<String>,
}

pub(super) fn check_file(doc: &crate::parse::Doc, f: &PersonFront, errs: &mut Vec<Diagnostic>) -> PersonFile {
    let PersonFront { title: _, summary: _, tags: _, draft: _, slug: _, pronouns, contact, links, aliases } = f;
    let links = links
        .iter()
        .flatten()
        .filter_map(|l| super::check_url(doc, "links", &Some(l.clone()), Accept::Web, errs))
        .collect();
    PersonFile {
        pronouns: super::text_field(pronouns),
        contact: super::check_url(doc, "contact", contact, Accept::EmailOrWeb, errs),
        links,
        aliases: aliases.iter().flatten().map(|a| a.trim().to_string()).filter(|a| !a.is_empty()).collect(),
    }
}

/// Where a name was written.
struct Place {
    shown: PathBuf,
    line: usize,
}

/// One spelling of a person's name, and where it was first written (for the error of two
/// people whose names slug the same).
struct Spelling {
    text: String,
    place: Place,
}

/// Gathers the people of the site: person files first (their names and aliases), then every
/// name in the order of the site's lists. Errors for names that collide.
pub(super) fn collect(site: &mut Site, files: Vec<(ItemId, PersonFile)>, diags: &mut Vec<Diagnostic>) {
    let mut people: Vec<Person> = Vec::new();
    // Slug of a name or alias -> the person, and the spellings accepted for them.
    let mut by_slug: HashMap<String, usize> = HashMap::new();
    let mut spellings: Vec<Vec<Spelling>> = Vec::new();
    for (item, f) in files {
        let it = &site.items[item];
        let p = people.len();
        let place = |key: &str| Place { shown: it.shown.clone(), line: key_line(&it.front, key) };
        let mut own = vec![Spelling { text: it.title.clone(), place: place("title") }];
        own.extend(f.aliases.iter().map(|a| Spelling { text: a.clone(), place: place("aliases") }));
        let mut slugs = vec![it.slug.clone()];
        slugs.extend(own.iter().map(|s| super::slugify(&s.text)));
        for s in slugs.into_iter().filter(|s| !s.is_empty()) {
            match by_slug.get(&s) {
                Some(&q) if q != p => {
                    let other = people[q].item.map(|i| site.items[i].shown.display().to_string()).unwrap_or_default();
                    diags.push(
                        Diagnostic::error(
                            &it.shown,
                            key_line(&it.front, "aliases").max(2),
                            format!("{} and {other} both say they are the person \"{s}\"", it.shown.display()),
                        )
                        .hint("keep the name or alias in one of the two files"),
                    );
                }
                _ => {
                    by_slug.insert(s, p);
                }
            }
        }
        people.push(Person {
            slug: it.slug.clone(),
            name: it.title.clone(),
            item: Some(item),
            pronouns: f.pronouns,
            contact: f.contact,
            links: f.links,
            ..Person::default()
        });
        spellings.push(own);
    }
    // Every name, where it was written, and what it names the person as.
    enum Role {
        Lead(MeetingId),
        CoLead(MeetingId),
        Group(GroupId),
        Story(StoryId),
        Article(ArticleId),
    }
    let mut names: Vec<(String, Place, Role)> = Vec::new();
    let at = |site: &Site, item: ItemId, key: &str| Place {
        shown: site.items[item].shown.clone(),
        line: key_line(&site.items[item].front, key).max(2),
    };
    for (g, group) in site.groups.iter().enumerate() {
        for n in &group.leaders {
            names.push((n.clone(), at(site, group.item, "leaders"), Role::Group(GroupId(g))));
        }
    }
    for (mi, m) in site.meetings.iter().enumerate() {
        let id = MeetingId(mi);
        if let Some(n) = &m.leader {
            names.push((n.clone(), at(site, m.item, "leader"), Role::Lead(id)));
        }
        for n in &m.co_leaders {
            names.push((n.clone(), at(site, m.item, "co_leaders"), Role::CoLead(id)));
        }
        for s in &m.sessions {
            let place = || Place { shown: site.items[m.item].shown.clone(), line: s.line };
            if let Some(n) = &s.leader {
                names.push((n.clone(), place(), Role::Lead(id)));
            }
            for n in s.co_leaders.iter().flatten() {
                names.push((n.clone(), place(), Role::CoLead(id)));
            }
        }
    }
    for (si, s) in site.stories.iter().enumerate() {
        if let Some(n) = &s.author {
            names.push((n.clone(), at(site, s.item, "author"), Role::Story(StoryId(si))));
        }
    }
    for (ai, a) in site.articles.iter().enumerate() {
        if let Some(n) = &a.author {
            names.push((n.clone(), at(site, a.item, "author"), Role::Article(ArticleId(ai))));
        }
    }
    let mut reported: std::collections::HashSet<(usize, String)> = Default::default();
    for (name, place, role) in names {
        let name = name.trim().to_string();
        let slug = super::slugify(&name);
        if slug.is_empty() {
            continue;
        }
        let p = match by_slug.get(&slug) {
            Some(&p) => {
                if !spellings[p].iter().any(|s| s.text == name) && reported.insert((p, name.clone())) {
                    diags.push(match people[p].item {
                        // A file's person: only its title and aliases name them.
                        Some(i) => {
                            let file = site.items[i].shown.display().to_string();
                            Diagnostic::error(&place.shown, place.line, format!(
                                "\"{name}\" is written like \"{}\" ({file}), but that file does not say it is the same person",
                                people[p].name
                            ))
                            .hint(format!("if it is, add it to `aliases` in {file}; if not, tell the two apart in the name"))
                        }
                        None => {
                            let first = &spellings[p][0];
                            Diagnostic::error(&place.shown, place.line, format!(
                                "\"{name}\" and \"{}\" ({}:{}) are written differently but have the same address, /people/{slug}/",
                                first.text,
                                first.place.shown.display(),
                                first.place.line
                            ))
                            .hint(format!(
                                "if they are one person, write the name the same way, or add content/people/{slug}.md with \
                                 aliases: [\"{name}\"]; if they are two, tell them apart (a middle initial, say)"
                            ))
                        }
                    });
                }
                p
            }
            None => {
                let p = people.len();
                by_slug.insert(slug.clone(), p);
                people.push(Person { slug, name: name.clone(), ..Person::default() });
                spellings.push(vec![Spelling { text: name, place }]);
                p
            }
        };
        let person = &mut people[p];
        let push = |list: &mut Vec<_>, id| {
            if list.last() != Some(&id) && !list.contains(&id) {
                list.push(id);
            }
        };
        match role {
            Role::Lead(m) => push(&mut person.leads, m),
            Role::CoLead(m) => push(&mut person.co_leads, m),
            Role::Group(g) => person.groups.push(g),
            Role::Story(s) => person.stories.push(s),
            Role::Article(a) => person.articles.push(a),
        }
    }
    // Every name and alias leads to its person, by slug (people sort by name below).
    let aliases: Vec<(String, String)> =
        by_slug.into_iter().map(|(alias, p)| (alias, people[p].slug.clone())).collect();
    people.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.slug.cmp(&b.slug)));
    let index: HashMap<&str, usize> = people.iter().enumerate().map(|(i, p)| (p.slug.as_str(), i)).collect();
    site.person_slugs =
        aliases.into_iter().filter_map(|(alias, slug)| Some((alias, *index.get(slug.as_str())?))).collect();
    site.people = people;
}
