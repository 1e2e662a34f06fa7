//! Incremental rebuilds for `serve`: the site stays in memory (model, templates, outputs);
//! a change re-reads only the files that changed and re-renders only what depends on them.
//!
//! Two paths, chosen by what changed:
//! - **body-only**: the markdown body of existing pages changed and nothing else (same front
//!   matter). Only those pages are parsed and rendered again, plus the pages whose "Linked
//!   from" lists change. Phase one re-renders those pages (so the edited page is servable at
//!   once); phase two re-renders the lists, feeds and indexes that show the page's text
//!   (`Renderer::jobs_showing`), and keeps only the bytes that changed.
//! - **front matter**: the front matter of existing pages changed, but no page's title,
//!   address, aliases, draft or tags, and no group (a meeting's time or place, a story's date,
//!   a summary...). The site is loaded again, keeping the other pages' markdown and the git
//!   history; only the edited pages, the pages that show them and the lists of their kinds
//!   are rendered (`Renderer::jobs_after_front_edit`).
//! - **full**: anything else (titles, new, deleted or renamed files, groups, assets, static
//!   files, templates, moot.toml). The site is built again in memory and compared.
//!
//! Either way the result is byte-identical to a fresh build; `tests/incremental.rs` checks
//! that after each of a random sequence of edits, creations, deletions and renames.

use crate::diag::{Diagnostic, Diagnostics};
use crate::render::{Body, Job, Renderer};
use crate::{load_site, Loaded, Options};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The site as `serve` keeps it.
pub struct Live {
    opts: Options,
    loaded: Loaded,
    tera: tera::Tera,
    /// Every output, by path (shared with what `serve` serves).
    pub files: HashMap<String, Arc<Body>>,
    /// The outputs each job made, to drop those a job no longer makes.
    outputs_of: HashMap<Job, Vec<String>>,
    /// Pages edited by the last `pages_phase`, for `lists_phase`.
    edited: Vec<usize>,
}

/// What one rebuild did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Output paths whose bytes changed, were added or removed.
    pub changed: Vec<String>,
    /// Outputs rendered.
    pub rendered: usize,
    pub elapsed: Duration,
    pub full: bool,
    /// Taken by the front-matter path ([`Live::front_phase`]).
    pub front_matter: bool,
    pub warnings: Vec<Diagnostic>,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} outputs, {} changed, in {} ms",
            if self.full {
                "rebuilt all:"
            } else if self.front_matter {
                "rebuilt (front matter)"
            } else {
                "rebuilt"
            },
            self.rendered,
            self.changed.len(),
            self.elapsed.as_millis()
        )
    }
}

impl Live {
    /// Builds the whole site into memory.
    pub fn new(opts: Options) -> Result<(Live, Outcome), Diagnostics> {
        let started = Instant::now();
        let loaded = load_site(&opts)?;
        let tera = crate::render::theme::load(&loaded.sources).map_err(Diagnostics)?;
        let mut live =
            Live { opts, loaded, tera, files: HashMap::new(), outputs_of: HashMap::new(), edited: Vec::new() };
        let mut outcome = live.render_all()?;
        outcome.elapsed = started.elapsed();
        Ok((live, outcome))
    }

    /// Renders every job and replaces the outputs with the result.
    fn render_all(&mut self) -> Result<Outcome, Diagnostics> {
        let done = self.run(|r| r.plan())?;
        let mut files = HashMap::with_capacity(done.len() * 2);
        let mut outputs_of = HashMap::with_capacity(done.len());
        for (job, outs) in done {
            outputs_of.insert(job, outs.iter().map(|(p, _)| p.clone()).collect());
            files.extend(outs.into_iter().map(|(p, b)| (p, Arc::new(b))));
        }
        let mut changed: Vec<String> = files
            .iter()
            .filter(|(p, b)| self.files.get(*p).is_none_or(|old| !same(old, b)))
            .map(|(p, _)| p.clone())
            .collect();
        changed.extend(self.files.keys().filter(|p| !files.contains_key(*p)).cloned());
        changed.sort();
        let rendered = files.len();
        self.files = files;
        self.outputs_of = outputs_of;
        Ok(Outcome { changed, rendered, full: true, warnings: self.loaded.warnings.clone(), ..Outcome::default() })
    }

    /// Applies changed paths (absolute, or relative to the site root): phase one and two
    /// together. `serve` calls the phases apart, to serve the edited page sooner.
    pub fn apply(&mut self, paths: &[PathBuf]) -> Result<Outcome, Diagnostics> {
        let started = Instant::now();
        let mut outcome = match self.pages_phase(paths)? {
            Some(mut first) => {
                let rest = self.lists_phase()?;
                first.changed.extend(rest.changed);
                first.rendered += rest.rendered;
                first
            }
            None => self.front_or_full(paths)?,
        };
        outcome.elapsed = started.elapsed();
        Ok(outcome)
    }

    /// A change the body-only path cannot take: the front-matter path if it can, else full.
    pub fn front_or_full(&mut self, paths: &[PathBuf]) -> Result<Outcome, Diagnostics> {
        match self.front_phase(paths)? {
            Some(outcome) => Ok(outcome),
            None => self.full(),
        }
    }

    /// A front-matter edit of existing pages (a meeting's time, a story's date or summary...)
    /// that leaves every title, address, alias, draft and tag as it was, of pages that are
    /// not groups: the site is loaded again, but the other pages' markdown and the git history
    /// are kept, and only the pages and lists that can show the edited pages are rendered
    /// ([`Renderer::jobs_after_front_edit`]). `None` (nothing changed) for any other change.
    pub fn front_phase(&mut self, paths: &[PathBuf]) -> Result<Option<Outcome>, Diagnostics> {
        let started = Instant::now();
        let Some(edited) = self.existing_pages(paths) else { return Ok(None) };
        let old = &self.loaded.site;
        if edited.iter().any(|&i| old.items[i].kind == crate::parse::Kind::Group) {
            return Ok(None);
        }
        let old_tags: Vec<Vec<(String, String)>> = edited.iter().map(|&i| old.items[i].tags.clone()).collect();
        let old_search: Vec<Vec<String>> = edited.iter().map(|&i| search_key(old, i)).collect();
        let meetings_edited = |site: &crate::model::Site| -> Vec<usize> {
            edited
                .iter()
                .filter(|&&i| site.items[i].kind == crate::parse::Kind::Meeting)
                .map(|&i| site.position[i])
                .collect()
        };
        let mut months: std::collections::BTreeSet<(i16, i8)> =
            meetings_edited(old).into_iter().flat_map(|m| crate::render::calendar::months_showing(old, m)).collect();
        let old_month_set = crate::render::calendar::month_set(old);
        let mut related: Vec<usize> = edited.iter().flat_map(|&i| related_pages(old, i)).collect();
        let changed: HashSet<PathBuf> = edited.iter().map(|&i| old.items[i].shown.clone()).collect();
        let reuse = crate::Reuse { old: &mut self.loaded.site, changed: &changed };
        let Some(loaded) = crate::load_site_reusing(&self.opts, Some(reuse))? else { return Ok(None) };
        let new = &loaded.site;
        if edited.iter().zip(&old_tags).any(|(&i, tags)| new.items[i].tags != *tags) {
            // Tag names and pages come from every page's tags: not worth following.
            self.loaded = loaded;
            return self.full().map(Some);
        }
        related.extend(edited.iter().flat_map(|&i| related_pages(new, i)));
        let search = edited.iter().zip(&old_search).any(|(&i, key)| search_key(new, i) != *key);
        months.extend(meetings_edited(new).into_iter().flat_map(|m| crate::render::calendar::months_showing(new, m)));
        // A month that gains its first meeting or loses its last one changes every month
        // page's links to the previous and next months.
        let months = (crate::render::calendar::month_set(new) == old_month_set).then_some(months);
        related.sort_unstable();
        related.dedup();
        self.loaded = loaded;
        let old_jobs: HashSet<Job> = self.outputs_of.keys().cloned().collect();
        let mut gone: Vec<Job> = Vec::new();
        let done = self.run(|r| {
            let mut jobs = r.jobs_after_front_edit(&edited, &related, months.as_ref(), search);
            let planned = r.plan();
            // Jobs new to the site (a list grew a page) are rendered too...
            let listed: HashSet<Job> = jobs.iter().cloned().collect();
            jobs.extend(planned.iter().filter(|j| !old_jobs.contains(*j) && !listed.contains(*j)).cloned());
            // ...and those it no longer has (a list shrank) leave no outputs behind.
            let planned: HashSet<&Job> = planned.iter().collect();
            gone = old_jobs.iter().filter(|j| !planned.contains(j)).cloned().collect();
            jobs
        });
        let done = match done {
            Ok(done) => done,
            // The earlier site's pages are gone into the new one: start afresh.
            Err(_) => return self.full().map(Some),
        };
        let mut removed = Vec::new();
        for job in gone {
            for path in self.outputs_of.remove(&job).unwrap_or_default() {
                self.files.remove(&path);
                removed.push(path);
            }
        }
        let (rendered, mut changed) = self.merge_jobs(done);
        changed.extend(removed);
        changed.sort();
        changed.dedup();
        let warnings = self.loaded.warnings.clone();
        Ok(Some(Outcome { changed, rendered, elapsed: started.elapsed(), full: false, front_matter: true, warnings }))
    }

    /// The pages of `paths`, if each is the markdown file of a page the site has (so no
    /// page is new, gone or renamed); else `None`.
    fn existing_pages(&self, paths: &[PathBuf]) -> Option<Vec<usize>> {
        let by_file = self.pages_by_file();
        let mut pages = Vec::new();
        for p in paths {
            let (idx, file) = self.page_of(&by_file, p)?;
            if !file.abs.is_file() {
                return None;
            }
            pages.push(idx);
        }
        pages.sort_unstable();
        pages.dedup();
        (!pages.is_empty()).then_some(pages)
    }

    /// Each page by its file as shown (`content/...`).
    fn pages_by_file(&self) -> HashMap<&Path, usize> {
        self.loaded.site.items.iter().enumerate().map(|(i, item)| (item.shown.as_path(), i)).collect()
    }

    /// The page whose markdown file is `p` (absolute, or relative to the site root), with
    /// the file's paths; `None` if no page has that file.
    fn page_of(&self, by_file: &HashMap<&Path, usize>, p: &Path) -> Option<(usize, PageFile)> {
        let abs = if p.is_absolute() { p.to_path_buf() } else { self.opts.root.join(p) };
        let rel = abs.strip_prefix(self.opts.root.join("content")).ok()?.to_str()?.replace('\\', "/");
        let shown = Path::new("content").join(&rel);
        let &idx = by_file.get(shown.as_path())?;
        Some((idx, PageFile { abs, rel, shown }))
    }

    /// Rebuilds everything (after a change the body-only path cannot take).
    pub fn full(&mut self) -> Result<Outcome, Diagnostics> {
        let started = Instant::now();
        self.loaded = load_site(&self.opts)?;
        self.tera = crate::render::theme::load(&self.loaded.sources).map_err(Diagnostics)?;
        let mut outcome = self.render_all()?;
        outcome.elapsed = started.elapsed();
        Ok(outcome)
    }

    /// Phase one of a body-only change: re-read the changed pages, re-render their
    /// markdown and their pages (and the pages whose backlinks change). `None` when the
    /// change is not body-only; then nothing was modified and `full` is due.
    pub fn pages_phase(&mut self, paths: &[PathBuf]) -> Result<Option<Outcome>, Diagnostics> {
        let started = Instant::now();
        let Some(edits) = self.body_edits(paths) else { return Ok(None) };
        let site = &mut self.loaded.site;
        for (idx, doc) in &edits {
            let item = &mut site.items[*idx];
            item.body = doc.body.clone();
            item.body_line = doc.body_line;
        }
        let rendered: Vec<(usize, crate::markdown::Rendered)> = {
            let r = crate::markdown::Resolver::new(site);
            edits.iter().map(|(i, _)| (*i, crate::markdown::render(&site.items[*i], &r))).collect()
        };
        let mut touched: Vec<usize> = Vec::new();
        let mut warnings = Vec::new();
        for (idx, out) in rendered {
            let old_links = std::mem::take(&mut site.items[idx].links);
            for &to in old_links.iter().filter(|&&to| to != idx) {
                if let Some(v) = site.backlinks.get_mut(&to) {
                    v.retain(|&from| from != idx);
                    if v.is_empty() {
                        site.backlinks.remove(&to);
                    }
                }
            }
            for &to in out.links.iter().filter(|&&to| to != idx) {
                let v = site.backlinks.entry(to).or_default();
                let at = v.partition_point(|&from| from < idx);
                v.insert(at, idx);
            }
            touched.push(idx);
            touched.extend(cards_of(site, idx));
            touched.extend(old_links);
            touched.extend(out.links.iter().copied());
            crate::markdown::apply(&mut site.items[idx], out, &mut warnings);
        }
        // The warnings of the pages not edited stay; the edited pages' are replaced.
        let edited: HashSet<&Path> = edits.iter().map(|(i, _)| site.items[*i].shown.as_path()).collect();
        self.loaded.warnings.retain(|w| !(edited.contains(w.path.as_path()) && w.message.contains("leads to")));
        self.loaded.warnings.extend(warnings.iter().cloned());
        self.loaded.warnings.sort_by(|a, b| (&a.path, a.line, &a.message).cmp(&(&b.path, b.line, &b.message)));
        if site.history.is_some() {
            if let (Some(h), Some(now)) = (site.history.as_mut(), crate::history::uncommitted(&self.opts.root)) {
                h.uncommitted = now;
            }
        }
        touched.sort_unstable();
        touched.dedup();
        let done = self.run(|r| {
            let site = r.site;
            touched.iter().filter(|&&i| site.has_own_page(i)).flat_map(|&i| [Job::Item(i), Job::History(i)]).collect()
        })?;
        self.edited = edits.iter().map(|(i, _)| *i).collect();
        let (rendered, changed) = self.merge_jobs(done);
        Ok(Some(Outcome { changed, rendered, elapsed: started.elapsed(), warnings, ..Outcome::default() }))
    }

    /// Phase two: the lists, feeds and indexes that show the edited pages' text.
    pub fn lists_phase(&mut self) -> Result<Outcome, Diagnostics> {
        let started = Instant::now();
        let edited = std::mem::take(&mut self.edited);
        let done = self.run(|r| r.jobs_showing(&edited))?;
        let (rendered, changed) = self.merge_jobs(done);
        Ok(Outcome { changed, rendered, elapsed: started.elapsed(), ..Outcome::default() })
    }

    /// Renders the jobs `choose` picks, with the templates kept since the last full rebuild.
    fn run(&self, choose: impl FnOnce(&Renderer) -> Vec<Job>) -> Result<Done, Diagnostics> {
        let r =
            Renderer::with_templates(&self.loaded.site, &self.loaded.sources, std::borrow::Cow::Borrowed(&self.tera));
        let jobs = choose(&r);
        render_jobs(&r, &jobs)
    }

    /// Takes in the outputs of re-run jobs: changed bytes replace the old, and outputs a
    /// job made before but not now are removed. Returns (outputs rendered, paths changed).
    fn merge_jobs(&mut self, done: Vec<(Job, Vec<(String, Body)>)>) -> (usize, Vec<String>) {
        let mut changed = Vec::new();
        let mut rendered = 0;
        for (job, outs) in done {
            rendered += outs.len();
            let now: Vec<String> = outs.iter().map(|(p, _)| p.clone()).collect();
            for gone in self.outputs_of.get(&job).into_iter().flatten().filter(|p| !now.contains(p)) {
                self.files.remove(gone);
                changed.push(gone.clone());
            }
            self.outputs_of.insert(job, now);
            for (path, body) in outs {
                if self.files.get(&path).is_none_or(|old| !same(old, &body)) {
                    changed.push(path.clone());
                    self.files.insert(path, Arc::new(body));
                }
            }
        }
        changed.sort();
        changed.dedup();
        (rendered, changed)
    }

    /// The warnings of the current site.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.loaded.warnings
    }

    /// The edited pages, if every path is a markdown file of an existing page whose front
    /// matter is unchanged; else `None`.
    fn body_edits(&self, paths: &[PathBuf]) -> Option<Vec<(usize, crate::parse::Doc)>> {
        let by_file = self.pages_by_file();
        let mut edits = Vec::new();
        for p in paths {
            let (idx, PageFile { abs, rel, shown }) = self.page_of(&by_file, p)?;
            let bytes = std::fs::read(&abs).ok()?;
            let doc = crate::parse::parse(&crate::load::SourceFile { rel, shown, bytes }).ok()?;
            if doc.front_text != self.loaded.site.items[idx].front {
                return None;
            }
            if !edits.iter().any(|(i, _)| *i == idx) {
                edits.push((idx, doc));
            }
        }
        (!edits.is_empty()).then_some(edits)
    }
}

/// A page's markdown file: absolute, relative to content/ (`/`-separated), and as shown in
/// messages (`content/...`).
struct PageFile {
    abs: PathBuf,
    rel: String,
    shown: PathBuf,
}

/// Pages (other than lists) that show a card of this page, with its excerpt: a story's
/// groups and meeting, an article's groups.
fn cards_of(site: &crate::model::Site, idx: usize) -> Vec<usize> {
    let pos = site.position[idx];
    let groups = |gs: &[usize]| gs.iter().map(|&g| site.groups[g].item).collect::<Vec<_>>();
    match site.items[idx].kind {
        crate::parse::Kind::Story => {
            let st = &site.stories[pos];
            let mut v = groups(&st.groups);
            v.extend(st.meeting.map(|m| site.meetings[m].item));
            v
        }
        crate::parse::Kind::Article => groups(&site.articles[pos].groups),
        _ => Vec::new(),
    }
}

fn search_key(site: &crate::model::Site, idx: usize) -> Vec<String> {
    crate::render::search::indexed_front(site, idx).into_iter().map(str::to_string).collect()
}

/// The pages that show something of page `idx` besides lists: its groups, its meeting, a
/// meeting's stories, and the pages it links to and is linked from.
fn related_pages(site: &crate::model::Site, idx: usize) -> Vec<usize> {
    let mut v = cards_of(site, idx);
    let pos = site.position[idx];
    if site.items[idx].kind == crate::parse::Kind::Meeting {
        let m = &site.meetings[pos];
        v.extend(m.groups.iter().map(|&g| site.groups[g].item));
        v.extend(m.stories.iter().map(|&st| site.stories[st].item));
    }
    v.extend(site.items[idx].links.iter().copied());
    v.extend(site.backlinks.get(&idx).into_iter().flatten().copied());
    v
}

/// Renders jobs in parallel; each job with its outputs (live-reload script added).
type Done = Vec<(Job, Vec<(String, Body)>)>;

fn render_jobs(r: &Renderer, jobs: &[Job]) -> Result<Done, Diagnostics> {
    let rendered = crate::diag::collect(jobs.par_iter().map(|j| r.run(j).map(|o| (j.clone(), o))).collect::<Vec<_>>())?;
    Ok(rendered.into_iter().map(|(job, outs)| (job, outs.into_iter().map(|o| (o.path, o.body)).collect())).collect())
}

fn same(a: &Body, b: &Body) -> bool {
    match (a, b) {
        (Body::Bytes(x), Body::Bytes(y)) => x == y,
        (Body::Static(x), Body::Static(y)) => x == y,
        (Body::File(x), Body::File(y)) => x == y,
        _ => false,
    }
}
