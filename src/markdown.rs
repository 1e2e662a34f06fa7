//! Markdown -> HTML with pulldown-cmark: tables, footnotes, strikethrough, task lists,
//! heading ids (stable slugs, de-duplicated) with a visible ¶ link, external links marked,
//! relative links resolved against the source file's folder, and wikilinks resolved by
//! path, title or alias to any kind of page.

use crate::diag::{closest, Diagnostic};
use crate::model::{slug_path, slugify, Item, ItemId};
use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};
use std::collections::HashMap;

/// One heading of a page, for its table of contents.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// What the markdown of one page becomes.
#[derive(Debug, Default, Clone)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Plain text, for summaries, calendar descriptions and search.
    pub text: String,
    /// The page's `summary`, else the start of `text`: made here, on the rendering thread.
    pub excerpt: String,
    /// Items this page links to (for backlinks).
    pub links: Vec<ItemId>,
    pub problems: Vec<Diagnostic>,
    /// The hash of the markdown it was rendered from.
    pub source: u64,
    /// Whether `html` may depend on the site's other pages: the markdown has a wikilink, or a
    /// link or image whose address names a `.md` file (which may be a page's). Without,
    /// rendering the same markdown with any resolver gives the same html (the page as it was
    /// at a revision reuses it).
    pub names_pages: bool,
}

/// Finds pages by path, title or alias.
pub struct Resolver<'a> {
    items: &'a [Item],
    by_path: HashMap<&'a str, ItemId>,
    by_name: HashMap<String, ItemId>,
    base_path: &'a str,
    routes: crate::routes::Routes<'a>,
    host: &'a str,
    drafts: &'a std::collections::HashSet<String>,
    by_url: std::collections::HashSet<&'a str>,
    /// Knows no page ([`Resolver::detached`]): a wikilink is its text, not a missing page.
    detached: bool,
}

impl<'a> Resolver<'a> {
    pub fn new(site: &'a crate::model::Site) -> Self {
        let items = &site.items;
        let mut by_path = HashMap::with_capacity(items.len());
        let mut by_name = HashMap::with_capacity(items.len() * 2);
        // Titles can repeat across kinds; wiki pages and pages win, then the rest in order.
        let mut order: Vec<ItemId> = ItemId::all(items).collect();
        order.sort_by_key(|&i| !matches!(items[i].kind, crate::parse::Kind::Wiki | crate::parse::Kind::Page));
        for i in order {
            let item = &items[i];
            by_path.entry(item.path.as_str()).or_insert(i);
            by_name.entry(item.title.to_lowercase()).or_insert(i);
            for alias in &item.aliases {
                by_name.entry(alias.to_lowercase()).or_insert(i);
            }
        }
        Resolver {
            items,
            by_path,
            by_name,
            base_path: &site.config.base_path,
            routes: site.config.routes(),
            host: crate::config::host_of(&site.config.base_url),
            drafts: &site.draft_names,
            by_url: items.iter().map(|i| i.url.as_str()).collect(),
            detached: false,
        }
    }

    /// A resolver that knows no page: for a page's text as it was at an old revision, whose
    /// links are shown as they were written but followed to nothing (so that the rendering
    /// depends on the text alone, not on today's pages).
    pub fn detached(config: &'a crate::config::Config) -> Self {
        static NO_DRAFTS: std::sync::OnceLock<std::collections::HashSet<String>> = std::sync::OnceLock::new();
        Resolver {
            items: &[],
            by_path: HashMap::new(),
            by_name: HashMap::new(),
            base_path: &config.base_path,
            routes: config.routes(),
            host: crate::config::host_of(&config.base_url),
            drafts: NO_DRAFTS.get_or_init(Default::default),
            by_url: Default::default(),
            detached: true,
        }
    }

    /// A wikilink target (`Title`, `wiki/path/slug`, with an optional `#Heading`).
    pub fn wikilink(&self, target: &str) -> Option<(ItemId, Option<String>)> {
        let (name, heading) = match target.split_once('#') {
            Some((n, h)) => (n.trim(), Some(slugify(h))),
            None => (target.trim(), None),
        };
        // A path written on Windows (`wiki\a`) too; a title as written.
        let slashed = name.replace('\\', "/");
        let path = slashed.trim_matches('/').trim_end_matches(".md");
        self.by_path
            .get(path)
            .or_else(|| self.by_path.get(slug_path(path).as_str()))
            .or_else(|| self.by_name.get(&name.to_lowercase()))
            .or_else(|| self.by_name.get(&slashed.to_lowercase()))
            .map(|&i| (i, heading))
    }

    fn nearest_titles(&self, target: &str) -> Vec<&str> {
        closest(target, self.items.iter().map(|i| i.title.as_str()))
    }
}

const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS)
    .union(Options::ENABLE_HEADING_ATTRIBUTES)
    .union(Options::ENABLE_WIKILINKS);

/// Renders the body of `item`.
/// Renders `src`, the markdown body of `item` (taken out of it by the markdown stage).
pub fn render_body(item: &Item, src: &str, r: &Resolver) -> Rendered {
    // The page's title is its h1, so a body with an h1 of its own has every heading moved down
    // one level. Only real headings count (not a `#` line in a code block): the events are
    // collected first to know, and only for a page that may have one.
    let events_first: Option<Vec<(Event, std::ops::Range<usize>)>> =
        may_have_h1(src).then(|| Parser::new_ext(src, OPTIONS).into_offset_iter().collect());
    let shift = u8::from(events_first.as_ref().is_some_and(|events| {
        events.iter().any(|(e, _)| matches!(e, Event::Start(Tag::Heading { level: HeadingLevel::H1, .. })))
    }));
    let parsed: Box<dyn Iterator<Item = (Event, std::ops::Range<usize>)>> = match events_first {
        Some(events) => Box::new(events.into_iter()),
        None => Box::new(Parser::new_ext(src, OPTIONS).into_offset_iter()),
    };
    // A link to `.` in a folder named like a .md file resolves as that file would.
    let mut out = Rendered { names_pages: item.dir.contains(".md"), ..Rendered::default() };
    let mut html = String::with_capacity(src.len() * 3 / 2);
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut events: Vec<Event> = Vec::new();
    let mut heading: Option<(HeadingLevel, Option<String>, Vec<Event>)> = None;
    let mut skip_text_of_wikilink = false;
    // Whether the link open now was left out (its text is kept), and the same for each image
    // open now (an image's description may hold another image).
    let mut link_left_out = false;
    let mut images_left_out: Vec<bool> = Vec::new();
    let mut in_table = false;
    let line_of = |offset: usize| item.body_line + src[..offset].matches('\n').count();
    for (event, range) in parsed {
        // The file holds no forbidden character (parse refuses them), but an entity such as
        // `&#1;` or `&#xFFFF;` writes one: it is dropped, from the page and the plain text.
        let event = match event {
            Event::Text(t) if crate::safe::has_forbidden(&t) => Event::Text(crate::safe::strip_forbidden(&t).into()),
            Event::Code(t) if crate::safe::has_forbidden(&t) => Event::Code(crate::safe::strip_forbidden(&t).into()),
            e => e,
        };
        match &event {
            Event::Text(t) | Event::Code(t) => {
                out.text.push_str(t);
            }
            // Blocks end with a line break (the calendar's DESCRIPTION keeps them); the rest
            // with a space.
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableRow | TagEnd::CodeBlock,
            ) => {
                out.text.push('\n');
            }
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::TableCell) => {
                out.text.push(' ');
            }
            _ => {}
        }
        let event = match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some((level, id.map(|i| i.to_string()), Vec::new()));
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, id, inner)) = heading.take() {
                    // What came before the heading goes out first, so the order is kept.
                    pulldown_cmark::html::push_html(&mut html, events.drain(..));
                    heading_html(&mut html, &mut out.toc, &mut ids, level, id, inner, shift);
                }
                continue;
            }
            Event::Start(Tag::Link { link_type: LinkType::WikiLink { has_pothole }, dest_url, .. }) => {
                out.names_pages = true;
                skip_text_of_wikilink = !has_pothole;
                Event::Html(wikilink_open(&dest_url, has_pothole, r, &mut out, item, line_of(range.start)).into())
            }
            Event::Start(Tag::Link { dest_url, .. }) if crate::safe::code_scheme(&dest_url).is_some() => {
                let scheme = crate::safe::code_scheme(&dest_url).unwrap_or_default();
                out.problems.push(
                    Diagnostic::warning(
                        &item.shown,
                        line_of(range.start),
                        format!(
                            "link to {} left out, its text kept: a `{scheme}:` link could run code in the page",
                            shown_dest(&dest_url)
                        ),
                    )
                    .hint("link to an https:// address, a page or a file beside this one"),
                );
                link_left_out = true;
                continue;
            }
            Event::Start(Tag::Link { dest_url, title, .. }) => {
                out.names_pages |= dest_url.contains(".md");
                if let Some(problem) = broken_internal(&dest_url, item, r) {
                    out.problems.push(Diagnostic::warning(&item.shown, line_of(range.start), problem).hint(
                        "link to an existing page's .md file (relative to this file) or to its address, e.g. /wiki/ground-rules/",
                    ));
                }
                Event::Html(link_open(&dest_url, &title, item, r).into())
            }
            Event::End(TagEnd::Link) => {
                skip_text_of_wikilink = false;
                if std::mem::take(&mut link_left_out) {
                    continue;
                }
                Event::Html("</a>".into())
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                let refused = match crate::safe::code_scheme(&dest_url) {
                    Some("data") if crate::safe::is_raster_data_image(&dest_url) => None,
                    other => other,
                };
                images_left_out.push(refused.is_some());
                if let Some(scheme) = refused {
                    let why = if scheme == "data" {
                        "a `data:` image other than PNG, GIF, JPEG, WebP or AVIF can hold script".to_string()
                    } else {
                        format!("a `{scheme}:` address could run code in the page")
                    };
                    out.problems.push(
                        Diagnostic::warning(
                            &item.shown,
                            line_of(range.start),
                            format!("image {} left out, its description kept: {why}", shown_dest(&dest_url)),
                        )
                        .hint("put the image in a file beside this page and write ![description](file.png)"),
                    );
                    continue;
                }
                out.names_pages |= dest_url.contains(".md");
                Event::Start(Tag::Image { link_type, dest_url: resolve_relative(&dest_url, item, r).into(), title, id })
            }
            Event::End(TagEnd::Image) => {
                if images_left_out.pop() == Some(true) {
                    continue;
                }
                Event::End(TagEnd::Image)
            }
            // A code block scrolls sideways on a narrow screen: it takes the keyboard focus,
            // so that it can be scrolled without a mouse (WCAG 2.1.1). Otherwise as
            // pulldown-cmark writes it.
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match &kind {
                    pulldown_cmark::CodeBlockKind::Fenced(info) => info.split(' ').next().unwrap_or(""),
                    pulldown_cmark::CodeBlockKind::Indented => "",
                };
                let mut open = String::from("<pre tabindex=\"0\"><code");
                if !lang.is_empty() {
                    open.push_str(" class=\"language-");
                    let _ = escape_html(&mut open, lang);
                    open.push('"');
                }
                open.push('>');
                Event::Html(open.into())
            }
            Event::End(TagEnd::CodeBlock) => Event::Html("</code></pre>\n".into()),
            // A table scrolls sideways in a box of its own when it is wider than the page,
            // a box that takes the keyboard focus (so it scrolls without a mouse) and is
            // named for screen readers.
            Event::Start(Tag::Table(alignments)) => {
                in_table = true;
                events.push(Event::Html(
                    "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Table\">\n".into(),
                ));
                Event::Start(Tag::Table(alignments))
            }
            Event::End(TagEnd::Table) => {
                in_table = false;
                events.push(Event::End(TagEnd::Table));
                Event::Html("</div>\n".into())
            }
            // A task list's box is named, for screen readers (axe-core's "label" rule).
            Event::TaskListMarker(done) => Event::Html(
                if done {
                    "<input disabled=\"\" type=\"checkbox\" checked=\"\" aria-label=\"Done\"/>\n"
                } else {
                    "<input disabled=\"\" type=\"checkbox\" aria-label=\"Not done\"/>\n"
                }
                .into(),
            ),
            Event::Text(_) if skip_text_of_wikilink => continue,
            other => other,
        };
        match &mut heading {
            Some((_, _, inner)) => inner.push(event),
            None => events.push(event),
        }
        // Written out in chunks, never inside a table: pulldown-cmark's writer keeps a table's
        // state (head or body, each column's alignment) only within one call.
        if events.len() > 256 && !in_table {
            pulldown_cmark::html::push_html(&mut html, events.drain(..));
        }
    }
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    // Kept for the whole build: give back what the guessed capacities did not use.
    html.shrink_to_fit();
    out.text.shrink_to_fit();
    out.excerpt = item.summary.clone().unwrap_or_else(|| excerpt(&out.text, 180));
    out.html = html;
    out.source = xxhash_rust::xxh3::xxh3_64(src.as_bytes());
    out.links.sort_unstable();
    out.links.dedup();
    out
}

/// Whether `src` may hold an h1: a lone `#` followed by a space, a tab or the end of a line
/// (an ATX h1 opens so, whatever block quote, list or footnote it is in), or a line of `=`
/// after the marks of block quotes (a setext underline). Never false for a page with one;
/// true for some without (`# ` in a code block, `C# `), which the events then tell apart.
/// A page whose headings are all `##` and below needs no look ahead.
fn may_have_h1(src: &str) -> bool {
    let b = src.as_bytes();
    let atx = b.iter().enumerate().any(|(i, &c)| {
        c == b'#' && (i == 0 || b[i - 1] != b'#') && matches!(b.get(i + 1), None | Some(b' ' | b'\t' | b'\n' | b'\r'))
    });
    atx || src.split(['\n', '\r']).any(|l| {
        let l = l.trim_start_matches([' ', '\t', '>']).trim_end_matches([' ', '\t']);
        !l.is_empty() && l.bytes().all(|b| b == b'=')
    })
}

fn heading_html(
    html: &mut String,
    toc: &mut Vec<TocEntry>,
    ids: &mut HashMap<String, usize>,
    level: HeadingLevel,
    id: Option<String>,
    inner: Vec<Event>,
    shift: u8,
) {
    let mut text = String::new();
    for e in &inner {
        if let Event::Text(t) | Event::Code(t) = e {
            text.push_str(t);
        }
    }
    let base = id.unwrap_or_else(|| slugify(&text));
    let base = if base.is_empty() { "section".to_string() } else { base };
    let n = ids.entry(base.clone()).or_insert(0);
    let id = if *n == 0 { base.clone() } else { format!("{base}-{n}") };
    *n += 1;
    let level = (level as u8 + shift).min(6);
    if (2..=3).contains(&level) {
        toc.push(TocEntry { level, id: id.clone(), title: text });
    }
    let mut inner_html = String::new();
    pulldown_cmark::html::push_html(&mut inner_html, inner.into_iter());
    html.push_str(&format!(
        "<h{level} id=\"{id}\">{inner_html} <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">¶</a></h{level}>\n",
        id = attr(&id)
    ));
}

/// Escaped for an attribute or text, without the characters no page may hold.
fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    if crate::safe::has_forbidden(s) {
        let _ = escape_html(&mut out, &crate::safe::strip_forbidden(s));
    } else {
        let _ = escape_html(&mut out, s);
    }
    out
}

/// A URL for a double-quoted `href`: `escape_href` percent-encodes what a URL may not hold
/// and writes `&` and `'` as entities, so nothing more is escaped (it once was, which wrote
/// `&amp;amp;`).
fn href(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let _ = escape_href(&mut out, s);
    out
}

/// A link's destination for a message, cut short if long (a `data:` one may be a whole file).
fn shown_dest(dest: &str) -> String {
    if dest.chars().count() <= 60 {
        return format!("{dest:?}");
    }
    format!("{:?}", format!("{}…", dest.chars().take(57).collect::<String>()))
}

fn wikilink_open(
    target: &CowStr,
    has_pothole: bool,
    r: &Resolver,
    out: &mut Rendered,
    item: &Item,
    line: usize,
) -> String {
    match r.wikilink(target) {
        Some((idx, heading)) => {
            out.links.push(idx);
            let to = &r.items[idx];
            if to.draft && !item.draft {
                out.problems.push(
                    Diagnostic::warning(&item.shown, line, format!("wikilink [[{target}]] leads to a draft page"))
                        .hint("published pages should not link to drafts: publish the page or remove the link"),
                );
            }
            let url = match &heading {
                Some(h) => format!("{}#{h}", to.url),
                None => to.url.clone(),
            };
            let shown = if has_pothole { String::new() } else { attr(&to.title) };
            format!("<a class=\"wikilink\" href=\"{}\">{shown}", href(&url))
        }
        None => {
            let name = target.split('#').next().unwrap_or(target).trim();
            let (message, hint) =
                if r.drafts.contains(&name.to_lowercase()) || r.drafts.contains(name.trim_matches('/')) {
                    (
                        format!("wikilink [[{target}]] leads to a draft page"),
                        "publish the page (remove `draft: true`) or build with --drafts".to_string(),
                    )
                } else {
                    (format!("wikilink [[{target}]] leads to no page"), nearest_hint(r, name))
                };
            out.problems.push(Diagnostic::warning(&item.shown, line, message).hint(hint));
            let shown = if has_pothole { String::new() } else { attr(target) };
            if r.detached {
                // A page as it was: the link as written, to a page of its time.
                return format!(
                    "<a class=\"wikilink as-was\" title=\"{}\">{shown}",
                    attr(&format!("A link to {target}"))
                );
            }
            format!("<a class=\"wikilink missing\" title=\"{}\">{shown}", attr(&format!("Missing page: {target}")))
        }
    }
}

fn nearest_hint(r: &Resolver, name: &str) -> String {
    let near = r.nearest_titles(name);
    if near.is_empty() {
        "write the title, an alias or the path (wiki/folder/slug) of an existing page".to_string()
    } else {
        format!("closest titles: {}", near.join(", "))
    }
}

fn link_open(dest: &str, title: &str, item: &Item, r: &Resolver) -> String {
    let is_external =
        (dest.starts_with("http://") || dest.starts_with("https://")) && crate::config::host_of(dest) != r.host;
    let url = if is_external { dest.to_string() } else { resolve_relative(dest, item, r) };
    let mut s = format!("<a href=\"{}\"", href(&url));
    if !title.is_empty() {
        s.push_str(&format!(" title=\"{}\"", attr(title)));
    }
    if is_external {
        s.push_str(" class=\"external\" rel=\"external noopener\"");
    }
    s.push('>');
    s
}

/// Why an internal link leads nowhere, if it does: a `.md` file that is no page, or a
/// root-relative address in a content section that no page has.
fn broken_internal(dest: &str, item: &Item, r: &Resolver) -> Option<String> {
    let path = dest.split(['#', '?']).next().unwrap_or(dest);
    if path.is_empty() || path.contains("://") || path.starts_with("//") || path.starts_with("mailto:") {
        return None;
    }
    if path.ends_with(".md") {
        return resolve_relative(dest, item, r)
            .split(['#', '?'])
            .next()
            .is_some_and(|u| u.ends_with(".md"))
            .then(|| format!("link to {path} leads to no page"));
    }
    let rel = path.strip_prefix('/')?;
    let section = rel.split('/').next().unwrap_or("");
    let in_section = ["groups", "meetings", "stories", "articles", "wiki"].contains(&section);
    let is_page = !rel.rsplit('/').next().unwrap_or("").contains('.');
    if !in_section || !is_page || rel.contains("/page/") || rel.starts_with("meetings/past") {
        return None;
    }
    let url = r.routes.page(rel.trim_end_matches('/'));
    // The page itself, or a page it belongs to (its history, a group's meeting list).
    let known = url == r.routes.page(section)
        || url
            .match_indices('/')
            .any(|(i, _)| i > r.base_path.len() + section.len() + 1 && r.by_url.contains(&url[..=i]));
    (!known).then(|| format!("link to {path} leads to no page"))
}

/// Resolves a relative link against the folder of the source file: `photo.jpg` in
/// `stories/x.md` -> `/stories/photo.jpg`; `../wiki/a.md` -> the page's URL.
pub fn resolve_relative(dest: &str, item: &Item, r: &Resolver) -> String {
    let is_relative = !dest.is_empty()
        && !dest.starts_with(['/', '#', '?'])
        && !dest.contains("://")
        && !dest.starts_with("mailto:")
        && !dest.starts_with("tel:")
        && !dest.starts_with("data:");
    if !is_relative {
        return if dest.starts_with('/') && !dest.starts_with("//") {
            r.routes.file(&dest[1..])
        } else {
            dest.to_string()
        };
    }
    let (path, fragment) = match dest.find(['#', '?']) {
        Some(i) => (&dest[..i], &dest[i..]),
        None => (dest, ""),
    };
    let mut parts: Vec<&str> = item.dir.split('/').filter(|p| !p.is_empty()).collect();
    // `\` too: a path written on Windows (`..\wiki\a.md`).
    for p in path.split(['/', '\\']) {
        match p {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return dest.to_string();
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    if let Some(page) = joined.strip_suffix(".md") {
        let page = page.strip_suffix("/index").unwrap_or(page);
        if let Some(&i) = r.by_path.get(slug_path(page).as_str()) {
            return format!("{}{fragment}", r.items[i].url);
        }
    }
    format!("{}{fragment}", r.routes.file(&joined))
}

/// The first words of a text, for summaries.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(max_chars + 4);
    let mut chars = 0; // in `out`, counted as it grows
    for word in text.split_whitespace() {
        let n = word.chars().count();
        if chars + n + 1 > max_chars {
            return format!("{}…", out.trim_end_matches([',', '.', ';', ':']));
        }
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        out.push_str(word);
        chars += n;
    }
    out
}

/// Renders the bodies of every page in parallel, then records links both ways.
/// Returns the problems found (unresolved wikilinks).
pub fn render_all(site: &mut crate::model::Site) -> (Bodies, Vec<Diagnostic>) {
    render_all_reusing(site, None)
}

/// The markdown stage's output: each page's rendered body (by item), and the link graph.
#[derive(Debug, Default, Clone)]
pub struct Bodies {
    pub items: Vec<Rendered>,
    /// Item -> the items that link to it (wikilinks and internal links), in item order.
    pub backlinks: HashMap<ItemId, Vec<ItemId>>,
}

impl std::ops::Index<ItemId> for Vec<Rendered> {
    type Output = Rendered;
    fn index(&self, id: ItemId) -> &Rendered {
        &self[id.0]
    }
}

impl std::ops::IndexMut<ItemId> for Vec<Rendered> {
    fn index_mut(&mut self, id: ItemId) -> &mut Rendered {
        &mut self[id.0]
    }
}

impl Bodies {
    /// The link graph of `items`' links.
    fn link(items: Vec<Rendered>) -> Bodies {
        let mut backlinks: HashMap<ItemId, Vec<ItemId>> = HashMap::new();
        for (idx, out) in items.iter().enumerate() {
            let idx = ItemId(idx);
            for &to in &out.links {
                if to != idx {
                    backlinks.entry(to).or_default().push(idx);
                }
            }
        }
        Bodies { items, backlinks }
    }

    /// Puts in page `idx`'s new body, keeping the link graph right.
    pub fn replace(&mut self, idx: ItemId, out: Rendered) {
        for &to in self.items[idx].links.iter().filter(|&&to| to != idx) {
            if let Some(v) = self.backlinks.get_mut(&to) {
                v.retain(|&from| from != idx);
                if v.is_empty() {
                    self.backlinks.remove(&to);
                }
            }
        }
        for &to in out.links.iter().filter(|&&to| to != idx) {
            let v = self.backlinks.entry(to).or_default();
            let at = v.partition_point(|&from| from < idx);
            v.insert(at, idx);
        }
        self.items[idx] = out;
    }
}

/// [`render_all`], except that pages of `reuse` (an earlier site's pages and bodies, with the
/// content files changed since) whose file did not change keep the body they had. Only for
/// a site whose pages have the same files, titles, aliases and drafts as the earlier one, so
/// that every link resolves as it did.
pub fn render_all_reusing(
    site: &mut crate::model::Site,
    reuse: Option<(&[Item], Bodies, &std::collections::HashSet<std::path::PathBuf>)>,
) -> (Bodies, Vec<Diagnostic>) {
    use rayon::prelude::*;
    // The bodies are taken out and each dropped once rendered, so a big site does not
    // hold every body and every page's html at once.
    let mut sources: Vec<Option<String>> = site.items.iter_mut().map(|i| Some(std::mem::take(&mut i.body))).collect();
    let mut kept: HashMap<usize, Rendered> = HashMap::new();
    if let Some((old_items, old_bodies, changed)) = reuse {
        let mut before: HashMap<&std::path::Path, Rendered> = old_items
            .iter()
            .zip(old_bodies.items)
            .filter(|(it, _)| !changed.contains(&it.shown))
            .map(|(it, b)| (it.shown.as_path(), b))
            .collect();
        for (i, item) in site.items.iter().enumerate() {
            if let Some(old) = before.remove(item.shown.as_path()) {
                kept.insert(i, old);
                sources[i] = None;
            }
        }
    }
    let rendered: Vec<Rendered> = {
        let r = Resolver::new(site);
        sources
            .into_par_iter()
            .enumerate()
            .map(|(i, body)| match body {
                Some(body) => render_body(&site.items[i], &body, &r),
                None => Rendered::default(),
            })
            .collect()
    };
    let mut items = rendered;
    for (i, old) in kept {
        items[i] = old;
    }
    let problems = items.iter().flat_map(|b| b.problems.iter().cloned()).collect();
    (Bodies::link(items), problems)
}

#[cfg(test)]
mod tests {
    use super::{excerpt, may_have_h1, OPTIONS};
    use proptest::prelude::*;
    use pulldown_cmark::{Event, HeadingLevel, Parser, Tag};

    fn has_h1(src: &str) -> bool {
        Parser::new_ext(src, OPTIONS).any(|e| matches!(e, Event::Start(Tag::Heading { level: HeadingLevel::H1, .. })))
    }

    #[test]
    fn a_hash_line_in_code_is_no_h1() {
        for src in ["```\n# comment\n```\n## Real\n", "    # indented code\n", "~~~\n# x\n~~~\n", "#hashtag\n"] {
            assert!(!has_h1(src), "{src:?}");
        }
        for src in [
            "# A\n",
            "  # A\n",
            "> # A\n",
            "- # A\n",
            "1. # A\n",
            "A\n===\n",
            "#\n",
            "# A #\n",
            "> - A\n>   ==\n",
            "[^1]: # A\n",
            "[^a]: A\n    ===\n",
            "A\r=\r",
        ] {
            assert!(has_h1(src) && may_have_h1(src), "{src:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// The cheap line scan never misses a page's h1 (it may only say yes for one without).
        #[test]
        fn the_h1_prefilter_never_misses_one(pieces in prop::collection::vec(prop::sample::select(vec![
            "#", "# ", "## ", "=", "==", "-", "- ", "* ", "+ ", "1. ", "2) ", "> ", ">", " ", "  ", "    ", "\t", "\n", "\n\n",
            "\r\n", "\r", "```", "~~~", "a", "Title", "<h1>", "\\", "|", "[x]", "é", "[^1]: ", "[^1]:", "C# ", "\\#",
        ]), 0..40)) {
            let src = pieces.concat();
            if has_h1(&src) {
                prop_assert!(may_have_h1(&src), "{:?}", src);
            }
        }
    }

    #[test]
    fn excerpts_cut_between_words_counting_characters() {
        assert_eq!(excerpt("aa bb", 5), "aa bb");
        assert_eq!(excerpt("aa bb cc", 5), "aa bb…");
        // The spaces count too.
        assert_eq!(excerpt("a b c d", 6), "a b c…");
        // Characters, not bytes: each "é" is two bytes.
        assert_eq!(excerpt("é é é", 3), "é é…");
        // Punctuation before the cut goes.
        assert_eq!(excerpt("one, two", 5), "one…");
        assert_eq!(excerpt("  spaced\n\nout  ", 20), "spaced out");
    }
}
