//! Machine-readable outputs: Atom feeds (the site's and each group's, written by
//! [`super::atom`]), `sitemap.xml` and `robots.txt`. Written by hand: each is a few lines of
//! XML, escaped here.

use super::atom;
use super::reads::{Cx, Globals};
use super::{Body, Output};
use crate::diag::Diagnostic;
use crate::model::{ArticleId, GroupId, ItemId, MeetingId, StoryId};
use jiff::civil::Date;
use jiff::Timestamp;

/// How many entries a feed holds.
const FEED_LEN: usize = 50;

struct Entry<'a> {
    item: ItemId,
    updated: Timestamp,
    author: Option<&'a str>,
}

pub(super) fn all(cx: &Cx) -> Result<Vec<Output>, Diagnostic> {
    let s = cx.site();
    let mut out = vec![
        Output {
            path: "atom.xml".into(),
            body: Body::Bytes(atom(cx, &s.config.title, "/atom.xml", "/", entries(cx, None)).into_bytes()),
        },
        Output { path: "sitemap.xml".into(), body: Body::Bytes(sitemap(cx).into_bytes()) },
        Output {
            path: "robots.txt".into(),
            body: Body::Bytes(
                format!("User-agent: *\nAllow: /\n\nSitemap: {}/sitemap.xml\n", s.config.base_url).into_bytes(),
            ),
        },
    ];
    for gi in (0..cx.group_count()).map(GroupId) {
        let item = cx.head(cx.group(gi).item);
        let rel = s.config.routes().within(item.url);
        let title = format!("{} — {}", item.title, s.config.title);
        out.push(Output {
            path: s.config.routes().file_output(&crate::routes::feed_of(item.url)),
            body: Body::Bytes(atom(cx, &title, &format!("{rel}atom.xml"), rel, entries(cx, Some(gi))).into_bytes()),
        });
    }
    Ok(out)
}

fn midnight(s: &Globals, d: Date) -> Timestamp {
    crate::time::start_of_day(&s.config.timezone, d).timestamp()
}

/// Stories, articles and meetings (of one group, or all), newest first. A group's come from
/// its own lists: scanning the whole site for each group made this quadratic.
fn entries<'a>(cx: &Cx<'_, 'a>, group: Option<GroupId>) -> Vec<Entry<'a>> {
    let s = cx.site();
    fn all<Id>(n: usize, id: fn(usize) -> Id) -> Vec<Id> {
        (0..n).map(id).collect()
    }
    let (stories, articles, meetings) = match group {
        Some(g) => {
            let g = cx.group(g);
            (g.stories.clone(), g.articles.clone(), g.meetings.clone())
        }
        None => {
            let n = cx.counts();
            (all(n.stories, StoryId), all(n.articles, ArticleId), all(n.meetings, MeetingId))
        }
    };
    let mut v: Vec<Entry> = Vec::with_capacity(stories.len() + articles.len() + meetings.len());
    v.extend(stories.iter().map(|&i| cx.story(i)).map(|x| Entry {
        item: x.item,
        updated: midnight(&s, x.date),
        author: x.author.as_deref(),
    }));
    v.extend(
        articles
            .iter()
            .map(|&i| cx.article(i))
            .filter_map(|x| Some(Entry { item: x.item, updated: midnight(&s, x.date?), author: x.author.as_deref() })),
    );
    v.extend(meetings.iter().map(|&i| cx.meeting(i)).map(|x| Entry {
        item: x.item,
        updated: x.occurrences[0].start.timestamp(),
        author: x.leader.as_deref(),
    }));
    v.sort_by(|a, b| b.updated.cmp(&a.updated).then(a.item.cmp(&b.item)));
    v.truncate(FEED_LEN);
    v
}

fn rfc3339(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn atom(cx: &Cx, title: &str, self_path: &str, home_path: &str, entries: Vec<Entry>) -> String {
    let s = cx.site();
    let base = &s.config.base_url;
    let updated = entries.iter().map(|e| e.updated).max().unwrap_or(Timestamp::UNIX_EPOCH);
    let (self_url, home_url) = (format!("{base}{self_path}"), format!("{base}{home_path}"));
    let head = atom::Head {
        title,
        self_url: &self_url,
        home_url: &home_url,
        updated: &rfc3339(updated),
        author: Some(&s.config.title),
    };
    let mut feed = atom::Atom::new(&head, 4096 + entries.len() * 1024);
    for e in entries {
        let item = cx.head(e.item);
        let url = s.absolute(item.url);
        feed.entry(&atom::Entry {
            title: item.title,
            link: &url,
            id: &url,
            updated: &rfc3339(e.updated),
            author: e.author,
            category: Some(item.kind.label()),
            summary: cx.excerpt(e.item),
            content_html: Some(&cx.body(e.item).html),
        });
    }
    feed.finish()
}

fn sitemap(cx: &Cx) -> String {
    let s = cx.site();
    let n = cx.counts().items;
    let mut urls: Vec<String> = Vec::with_capacity(n + 16);
    urls.push(s.config.routes().home());
    for section in ["groups", "meetings", "stories", "articles", "wiki", "tags"] {
        urls.push(s.config.routes().page(section));
    }
    for i in (0..n).map(ItemId) {
        if cx.has_own_page(i) {
            urls.push(cx.head(i).url.to_string());
        }
    }
    urls.extend(cx.tags().keys().map(|t| super::views::tag_url(s.config, t)));
    let mut x = String::with_capacity(urls.len() * 100);
    x.push_str(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for u in urls {
        x.push_str(&format!("  <url><loc>{}</loc></url>\n", super::escape::xml_escape(&s.absolute(&u))));
    }
    x.push_str("</urlset>\n");
    x
}
