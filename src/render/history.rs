//! History pages from git: "last updated" on every page, a history page per page
//! (`.../history/`), a compare page per revision (`.../history/SHA/`), and
//! `/recent-changes/` with its Atom feed.

use super::atom::{Atom, Entry, Head};
use super::reads::{Cx, Globals};
use super::views::long_date;
use super::{Body, Output};
use crate::diag::Diagnostic;
use crate::history::{diff_lines, Change, Commit, DiffLine};
use crate::model::ItemId;
use serde::Serialize;
use std::collections::HashMap;

/// How many commits `/recent-changes/` lists.
const RECENT: usize = 100;

/// What a page shows of its history.
#[derive(Serialize)]
pub(super) struct PageHistory {
    pub updated: Option<Stamp>,
    pub published: Option<Stamp>,
    pub url: Option<String>,
    pub revisions: usize,
    pub uncommitted: bool,
}

#[derive(Serialize)]
pub(super) struct Stamp {
    pub date: String,
    pub date_iso: String,
    pub author: String,
}

fn stamp(c: &Commit) -> Stamp {
    Stamp { date: commit_date(c), date_iso: c.date.to_string(), author: c.author.clone() }
}

fn commit_date(c: &Commit) -> String {
    long_date(c.date.to_zoned_datetime(jiff::tz::TimeZone::UTC).date())
}

/// A commit as the history pages show it.
#[derive(Serialize)]
struct CommitView<'a> {
    sha: &'a str,
    short: &'a str,
    date: String,
    date_iso: String,
    author: &'a str,
    message: &'a str,
}

fn commit_view(c: &Commit) -> CommitView<'_> {
    CommitView {
        sha: &c.sha,
        short: short(&c.sha),
        date: commit_date(c),
        date_iso: c.date.to_string(),
        author: &c.author,
        message: &c.message,
    }
}

pub(super) fn short(sha: &str) -> &str {
    &sha[..sha.len().min(10)]
}

/// The history summary of an item, or `None` without git history.
pub(super) fn of_page(cx: &Cx, idx: ItemId) -> Option<PageHistory> {
    let (h, revs, uncommitted) = cx.history_of(idx)?;
    if revs.is_empty() && !uncommitted {
        return None;
    }
    Some(PageHistory {
        updated: revs.first().map(|r| stamp(&h.commits[r.commit])),
        published: revs.last().map(|r| stamp(&h.commits[r.commit])),
        url: (!revs.is_empty()).then(|| crate::routes::history_of(cx.head(idx).url)),
        revisions: revs.len(),
        uncommitted,
    })
}

#[derive(Serialize)]
struct RevisionView<'a> {
    #[serde(flatten)]
    commit: CommitView<'a>,
    change: &'a Change,
    url: String,
    added: usize,
    removed: usize,
}

/// The history page of an item and a compare page per revision.
pub(super) fn pages(cx: &Cx, idx: ItemId) -> Result<Vec<Output>, Diagnostic> {
    let Some((h, revs, uncommitted)) = cx.history_of(idx) else { return Ok(Vec::new()) };
    if revs.is_empty() {
        return Ok(Vec::new());
    }
    let item = cx.head(idx);
    let views: Vec<RevisionView> = revs
        .iter()
        .map(|rev| {
            let c = &h.commits[rev.commit];
            let (added, removed) = count(h.diff(rev));
            RevisionView {
                commit: commit_view(c),
                change: &rev.change,
                url: crate::routes::revision_of(item.url, short(&c.sha)),
                added,
                removed,
            }
        })
        .collect();
    let texts = texts_after(revs.iter().map(|rev| diff_lines(h.diff(rev))).collect());
    let base = crate::routes::history_of(item.url);
    // Any two revisions compared in the browser, from their texts: only where there are two
    // to choose and every text is known (a history that starts later has none).
    let json_url = (views.len() >= 2 && texts.iter().all(Option::is_some)).then(|| format!("{base}revisions.json"));
    let mut ctx = cx.context();
    ctx.insert("page", &super::views::link(item));
    ctx.insert("revisions", &views);
    ctx.insert("uncommitted", &uncommitted);
    let feed = crate::routes::feed_of(&base);
    ctx.insert("feed_url", &feed);
    ctx.insert("revisions_json", &json_url);
    let mut out = cx.page(&base, "history.html", &mut ctx)?;
    out.push(page_feed(cx, item.title, item.url, &feed, &views));
    if let Some(url) = &json_url {
        out.push(revisions_json(cx, url, &views, &texts));
    }
    let detached = crate::markdown::Resolver::detached(cx.site().config);
    for (i, (rev, view)) in revs.iter().zip(&views).enumerate() {
        let lines: Vec<DiffLine> = diff_lines(h.diff(rev));
        ctx.insert("text_after", &texts[i]);
        ctx.insert("html_after", &texts[i].as_deref().map(|t| as_it_was(cx, idx, t, &detached)));
        ctx.insert("revision", view);
        ctx.insert("has_lines", &!lines.is_empty());
        ctx.insert("diff_html", &diff_rows(&lines));
        ctx.insert("older", &views.get(i + 1).map(|v| &v.url));
        ctx.insert("newer", &i.checked_sub(1).map(|j| &views[j].url));
        ctx.insert("history_url", &base);
        out.extend(cx.page(&view.url, "compare.html", &mut ctx)?);
    }
    Ok(out)
}

/// The page as it was after a revision, rendered from that revision's text (its body, below
/// the front matter) as pages are, with its links as written but followed to nothing: the
/// page's own html when that was rendered from the same markdown and names no page.
fn as_it_was(cx: &Cx, idx: ItemId, text: &str, r: &crate::markdown::Resolver) -> String {
    let body = crate::parse::body_of(text);
    let now = cx.body(idx);
    if !now.names_pages && now.source == xxhash_rust::xxh3::xxh3_64(body.as_bytes()) {
        return now.html.clone();
    }
    crate::markdown::render_body(cx.item(idx), body, r).html
}

/// `/PAGE/history/revisions.json`: each revision (newest first) with the page's text after
/// it, for the history page's "compare any two" in the browser. `<`, `>` and `&` are written
/// as `\u003c`, `\u003e` and `\u0026` (as in the pages' JSON-LD), so no text can close a tag.
fn revisions_json(cx: &Cx, url: &str, views: &[RevisionView], texts: &[Option<String>]) -> Output {
    let list: Vec<serde_json::Value> = views
        .iter()
        .zip(texts)
        .map(|(v, t)| {
            serde_json::json!({
                "short": v.commit.short,
                "date": v.commit.date,
                "author": v.commit.author,
                "message": v.commit.message,
                "url": v.url,
                "text": t.as_deref().unwrap_or(""),
            })
        })
        .collect();
    let body = super::structured::script_json(&serde_json::Value::Array(list));
    Output { path: cx.site().config.routes().file_output(url), body: Body::Bytes(body.into_bytes()) }
}

/// The rows of the diff table, made here rather than in the template: a page's first
/// revision is every line of it, and a tera loop over 10k such pages costs a second.
/// Every text is escaped. Where a run of removed lines is followed by as many added ones,
/// each pair is a line that was edited: the words that changed in it are marked.
fn diff_rows(lines: &[DiffLine]) -> String {
    use super::escape::push_escaped;
    use std::fmt::Write;
    let mut out = String::with_capacity(lines.iter().map(|l| l.text.len() + 100).sum());
    let partners = edited_pairs(lines);
    for (i, l) in lines.iter().enumerate() {
        if l.kind == "hunk" {
            out.push_str("<tr class=\"diff-hunk\"><td colspan=\"4\">");
            push_escaped(&mut out, l.text);
            out.push_str("</td></tr>\n");
            continue;
        }
        let (mark, open, close) = match l.kind {
            "added" => ("+", "<ins>", "</ins>"),
            "removed" => ("−", "<del>", "</del>"),
            _ => ("", "", ""),
        };
        out.push_str("<tr class=\"diff-");
        out.push_str(l.kind);
        out.push_str("\"><td class=\"ln\">");
        if let Some(n) = l.old {
            let _ = write!(out, "{n}");
        }
        out.push_str("</td><td class=\"ln\">");
        if let Some(n) = l.new {
            let _ = write!(out, "{n}");
        }
        for part in ["</td><td class=\"mark\">", mark, "</td><td class=\"code\">", open] {
            out.push_str(part);
        }
        match partners[i] {
            Some(j) => changed_words(&mut out, lines, i, j),
            None => push_escaped(&mut out, l.text),
        }
        out.push_str(close);
        out.push_str("</td></tr>\n");
    }
    out
}

/// The page's text after each revision (newest first, as `diffs`), rebuilt by applying the
/// diffs in order from the first, which added the file. `None` from the first diff that
/// does not apply to the text before it (a history that starts after the file was added).
fn texts_after(diffs: Vec<Vec<DiffLine>>) -> Vec<Option<String>> {
    let mut texts = vec![None; diffs.len()];
    let mut text: Option<Vec<&str>> = Some(Vec::new());
    for (i, lines) in diffs.iter().enumerate().rev() {
        text = text.and_then(|old| apply(&old, lines));
        texts[i] = text.as_ref().map(|t| {
            let mut s = String::with_capacity(t.iter().map(|l| l.len() + 1).sum());
            for l in t {
                s.push_str(l);
                s.push('\n');
            }
            s
        });
    }
    texts
}

/// `old` with a unified diff's lines applied, if its context and removed lines are `old`'s.
fn apply<'a>(old: &[&'a str], lines: &[DiffLine<'a>]) -> Option<Vec<&'a str>> {
    let mut out: Vec<&str> = Vec::with_capacity(old.len() + lines.len());
    let mut pos = 0;
    for l in lines {
        match l.kind {
            "context" | "removed" => {
                let n = l.old?.checked_sub(1)?;
                out.extend(old.get(pos..n)?);
                pos = n;
                if old.get(pos) != Some(&l.text) {
                    return None;
                }
                if l.kind == "context" {
                    out.push(l.text);
                }
                pos += 1;
            }
            "added" => {
                let before = l.new?.checked_sub(1)?;
                while out.len() < before {
                    out.push(old.get(pos)?);
                    pos += 1;
                }
                out.push(l.text);
            }
            _ => {}
        }
    }
    out.extend(old.get(pos..)?);
    Some(out)
}

/// For each line, the line it was edited into or from: in a run of n removed lines followed
/// by n added ones, the k-th of each.
fn edited_pairs(lines: &[DiffLine]) -> Vec<Option<usize>> {
    let mut partners = vec![None; lines.len()];
    let mut i = 0;
    while i < lines.len() {
        let removed = lines[i..].iter().take_while(|l| l.kind == "removed").count();
        let added = lines[i + removed..].iter().take_while(|l| l.kind == "added").count();
        if removed > 0 && removed == added {
            for k in 0..removed {
                partners[i + k] = Some(i + removed + k);
                partners[i + removed + k] = Some(i + k);
            }
        }
        i += (removed + added).max(1);
    }
    partners
}

/// Line `i` (escaped), its words that line `j` does not have in `<mark>`.
fn changed_words(out: &mut String, lines: &[DiffLine], i: usize, j: usize) {
    use super::escape::push_escaped;
    use similar::ChangeTag;
    let (this, other) = (&lines[i], &lines[j]);
    let (old, new) = if this.kind == "removed" { (this.text, other.text) } else { (other.text, this.text) };
    let diff = similar::TextDiff::from_words(old, new);
    // Both sides of this line's kind, and those both lines share.
    let own = if this.kind == "removed" { ChangeTag::Delete } else { ChangeTag::Insert };
    // Two lines with no word in common are a line replaced, not edited: nothing to mark.
    if !diff.iter_all_changes().any(|c| c.tag() == ChangeTag::Equal && !c.value().trim().is_empty()) {
        return push_escaped(out, this.text);
    }
    let mut marked = false;
    for change in diff.iter_all_changes() {
        let tag = change.tag();
        if tag != ChangeTag::Equal && tag != own {
            continue;
        }
        let is_change = tag == own;
        if is_change != marked {
            out.push_str(if is_change { "<mark>" } else { "</mark>" });
            marked = is_change;
        }
        push_escaped(out, change.value());
    }
    if marked {
        out.push_str("</mark>");
    }
}

fn count(diff: &str) -> (usize, usize) {
    diff.lines().fold((0, 0), |(a, d), l| match l.as_bytes().first() {
        Some(b'+') => (a + 1, d),
        Some(b'-') => (a, d + 1),
        _ => (a, d),
    })
}

#[derive(Serialize)]
struct ChangeView<'a> {
    #[serde(flatten)]
    commit: CommitView<'a>,
    pages: Vec<ChangedPage>,
}

#[derive(Serialize)]
struct ChangedPage {
    title: String,
    url: Option<String>,
    kind: &'static str,
    compare_url: Option<String>,
}

/// `/recent-changes/` and `/recent-changes/atom.xml`.
pub(super) fn recent(cx: &Cx) -> Result<Vec<Output>, Diagnostic> {
    let s = cx.site();
    let Some(changes) = changes(cx, None) else { return Ok(Vec::new()) };
    let mut ctx = cx.context();
    ctx.insert("changes", &changes);
    let url = s.config.routes().page("recent-changes");
    let mut out = cx.page(&url, "recent.html", &mut ctx)?;
    let feed = s.config.routes().file("recent-changes/atom.xml");
    let title = format!("Recent changes — {}", s.config.title);
    out.push(Output {
        path: "recent-changes/atom.xml".into(),
        body: Body::Bytes(atom(&s, &title, &feed, &url, &changes).into_bytes()),
    });
    Ok(out)
}

/// A group's changes feed (`/groups/SLUG/changes.xml`): the commits that changed its page,
/// its meetings, stories or articles, so that members can watch the group.
pub(super) fn group_changes(cx: &Cx, g: crate::model::GroupId) -> Result<Vec<Output>, Diagnostic> {
    let s = cx.site();
    let group = cx.group(g);
    let items: Vec<ItemId> = std::iter::once(group.item)
        .chain(group.meetings.iter().map(|&m| cx.meeting_item(m)))
        .chain(group.stories.iter().map(|&st| cx.story(st).item))
        .chain(group.articles.iter().map(|&a| cx.article(a).item))
        .collect();
    let files: std::collections::HashSet<String> =
        items.iter().filter_map(|&i| super::reads::content_path(cx.head(i).shown)).collect();
    let Some(changes) = changes(cx, Some(&files)) else { return Ok(Vec::new()) };
    let head = cx.head(group.item);
    let feed = crate::routes::changes_of(head.url);
    let title = format!("Changes to {} — {}", head.title, s.config.title);
    let body = atom(&s, &title, &feed, head.url, &changes);
    Ok(vec![Output { path: s.config.routes().file_output(&feed), body: Body::Bytes(body.into_bytes()) }])
}

/// The newest commits (at most [`RECENT`]), each with the pages it changed: all of them, or
/// those of `only` (files relative to content/). `None` without history.
fn changes<'a>(cx: &Cx<'_, 'a>, only: Option<&std::collections::HashSet<String>>) -> Option<Vec<ChangeView<'a>>> {
    let h = cx.history()?;
    let by_rel: HashMap<String, ItemId> = (0..cx.counts().items)
        .map(ItemId)
        .filter(|&i| cx.has_own_page(i))
        .filter_map(|i| Some((super::reads::content_path(cx.head(i).shown)?, i)))
        .collect();
    // A draft's edits appear nowhere: its file is left out of each commit, and a commit of
    // drafts only is left out.
    let drafts = cx.draft_files();
    let shown = |f: &&String| f.ends_with(".md") && !drafts.contains(*f) && only.is_none_or(|o| o.contains(*f));
    let changes: Vec<ChangeView> = h
        .commits
        .iter()
        .filter(|c| {
            c.files.iter().any(|f| shown(&f)) || (only.is_none() && !c.files.iter().any(|f| f.ends_with(".md")))
        })
        .take(RECENT)
        .map(|c| ChangeView {
            commit: commit_view(c),
            pages: c
                .files
                .iter()
                .filter(shown)
                .map(|f| match by_rel.get(f).map(|&i| cx.head(i)) {
                    Some(head) => ChangedPage {
                        title: head.title.to_string(),
                        url: Some(head.url.to_string()),
                        kind: head.kind.label(),
                        compare_url: Some(crate::routes::revision_of(head.url, short(&c.sha))),
                    },
                    None => ChangedPage { title: f.clone(), url: None, kind: "removed", compare_url: None },
                })
                .collect(),
        })
        .collect();
    Some(changes)
}

/// A page's "changes" feed (`/PAGE/history/atom.xml`): each revision, newest first, so that
/// members can watch a page.
fn page_feed(cx: &Cx, title: &str, url: &str, feed: &str, revisions: &[RevisionView]) -> Output {
    let s = cx.site();
    let self_url = s.absolute(feed);
    let home_url = s.absolute(url);
    let updated = revisions.first().map_or("1970-01-01T00:00:00Z", |r| r.commit.date_iso.as_str());
    let title = format!("Changes to {title} — {}", s.config.title);
    let head = Head { title: &title, self_url: &self_url, home_url: &home_url, updated, author: None };
    let mut atom = Atom::new(&head, 1024 + revisions.len() * 400);
    for r in revisions {
        let link = s.absolute(&r.url);
        let summary = format!("{} lines added, {} removed", r.added, r.removed);
        atom.entry(&Entry {
            title: r.commit.message,
            link: &link,
            id: &link,
            updated: &r.commit.date_iso,
            author: Some(r.commit.author),
            category: None,
            summary: &summary,
            content_html: None,
        });
    }
    Output { path: s.config.routes().file_output(feed), body: Body::Bytes(atom.finish().into_bytes()) }
}

/// Commits as an Atom feed at `feed` (root-relative), for the page at `home`.
fn atom(s: &Globals, title: &str, feed: &str, home: &str, changes: &[ChangeView]) -> String {
    let self_url = s.absolute(feed);
    let home_url = s.absolute(home);
    let updated = changes.first().map_or("1970-01-01T00:00:00Z", |c| c.commit.date_iso.as_str());
    let head = Head { title, self_url: &self_url, home_url: &home_url, updated, author: None };
    let mut feed = Atom::new(&head, 1024 + changes.len() * 512);
    for c in changes {
        let id = format!("{}#{}", s.absolute(&s.config.routes().page("recent-changes")), c.commit.short);
        let link = c.pages.iter().find_map(|p| p.compare_url.as_ref()).map_or(home_url.clone(), |u| s.absolute(u));
        let pages: Vec<&str> = c.pages.iter().map(|p| p.title.as_str()).collect();
        feed.entry(&Entry {
            title: c.commit.message,
            link: &link,
            id: &id,
            updated: &c.commit.date_iso,
            author: Some(c.commit.author),
            category: None,
            summary: &format!("Changed: {}", pages.join(", ")),
            content_html: None,
        });
    }
    feed.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_rebuilt_from_the_diffs_and_a_gap_in_history_gives_none() {
        let added = diff_lines("@@ -0,0 +1,2 @@\n+a\n+b\n");
        let edited = diff_lines("@@ -1,2 +1,3 @@\n a\n-b\n+B\n+c\n");
        // Newest first.
        assert_eq!(texts_after(vec![edited.clone(), added.clone()]), [Some("a\nB\nc\n".into()), Some("a\nb\n".into())]);
        // A history whose first diff is an edit of a file it never saw added.
        assert_eq!(texts_after(vec![edited]), [None]);
    }

    #[test]
    fn diff_rows_escape_the_text() {
        let lines = diff_lines("@@ -1 +1 @@\n-<b>old</b>\n+<script>x</script>\n same & more\n");
        let html = diff_rows(&lines);
        assert!(html.contains("<td class=\"code\"><del>&lt;b&gt;old&lt;/b&gt;</del></td>"), "{html}");
        assert!(html.contains("<ins>&lt;script&gt;x&lt;/script&gt;</ins>"));
        assert!(html.contains("same &amp; more"));
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<mark>"), "lines with no word in common are not marked");
        let edited = diff_rows(&diff_lines("@@ -1 +1 @@\n-a <b> c\n+a <i> c\n"));
        assert!(edited.contains("<del>a <mark>&lt;b&gt;</mark> c</del>"), "{edited}");
        assert!(edited.contains("<ins>a <mark>&lt;i&gt;</mark> c</ins>"), "{edited}");
    }
}
