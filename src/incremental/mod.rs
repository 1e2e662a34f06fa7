//! Incremental rebuilds for `serve`, from what each job recorded it read.
//!
//! The site stays in memory: the model, the bodies, the templates, every output, and for
//! every render job the [`Fact`]s it read (see [`crate::render::reads`]), with a fingerprint
//! of each fact as it was. After a change the inputs are brought up to date and every fact is
//! fingerprinted again; exactly the jobs that read a fact whose fingerprint changed run again
//! (with the jobs the site gained), and only the outputs whose bytes changed are reported.
//! There is no list of "which page shows what": a view that reads one more field records it.
//!
//! How the inputs are brought up to date depends on what changed:
//! - **bodies only** (existing pages whose front matter is as it was): those pages' markdown
//!   is rendered again and the link graph mended; the model is not touched. Phase one re-runs
//!   the edited pages' own jobs, so the page is servable at once; phase two the rest.
//! - **other content** (front matter, new or deleted pages): the site is modelled again from
//!   every file as last parsed, with only the changed files read and parsed again (a folder,
//!   a link or a copied file added or removed makes it walk the site), keeping the markdown
//!   of the pages whose file did not change (unless titles or addresses moved, when links may
//!   resolve differently). If the set of pages is the same, the facts are compared, and the
//!   edited pages' own jobs run in phase one, the rest in phase two; else (page numbers
//!   moved) every job runs and the bytes are compared.
//! - **templates, the theme, `moot.toml`**: everything runs again ([`Fact::Global`]).
//!
//! Either way the result is byte-identical to a fresh build; `tests/incremental.rs` checks
//! that after each of a random sequence of edits, creations, deletions and renames.

mod reload;

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::ItemId;
use crate::render::reads::Fact;
use crate::render::{Body, Job, Renderer};
use crate::{Loaded, Options};
use rayon::prelude::*;
use reload::{reload, Before, Parsed};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What one job made and read.
struct Record {
    outputs: Vec<String>,
    reads: Vec<Fact>,
}

/// The site as `serve` keeps it.
pub struct Live {
    opts: Options,
    loaded: Loaded,
    tera: tera::Tera,
    /// Every output, by path (shared with what `serve` serves).
    pub files: HashMap<String, Arc<Body>>,
    records: HashMap<Job, Record>,
    /// Fact -> the jobs that read it.
    readers: HashMap<Fact, HashSet<Job>>,
    /// Each fact some job read, with its fingerprint as of the last rebuild.
    prints: HashMap<Fact, u64>,
    /// The jobs phase one of a change left for phase two.
    pending: Vec<Job>,
    /// Every file as last parsed, to parse again only what changed.
    parsed: Parsed,
    /// The last reload failed (a file is broken): until one succeeds, every change takes
    /// the reload path, to report what a fresh build would.
    failed: bool,
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
    /// The site was loaded again (front matter, or files added or removed).
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

/// The outputs of jobs run, with what each read.
type Done = Vec<(Job, Vec<(String, Body)>, Vec<Fact>)>;

impl Live {
    /// Builds the whole site into memory.
    pub fn new(opts: Options) -> Result<(Live, Outcome), Diagnostics> {
        let started = Instant::now();
        let mut parsed = Parsed::default();
        let (loaded, _) = reload(&opts, &mut parsed, None)?;
        let tera = crate::render::theme::load(&loaded.sources).map_err(Diagnostics)?;
        let mut live = Live {
            parsed,
            failed: false,
            opts,
            loaded,
            tera,
            files: HashMap::new(),
            records: HashMap::new(),
            readers: HashMap::new(),
            prints: HashMap::new(),
            pending: Vec::new(),
        };
        let mut outcome = live.render_all()?;
        outcome.elapsed = started.elapsed();
        Ok((live, outcome))
    }

    /// A renderer of the current inputs, with the templates kept since the last full rebuild.
    fn renderer(&self) -> Renderer<'_> {
        let l = &self.loaded;
        Renderer::with_templates(&l.site, &l.bodies, &l.sources, std::borrow::Cow::Borrowed(&self.tera)).recording()
    }

    /// Runs every job, and replaces the outputs and records with the result.
    fn render_all(&mut self) -> Result<Outcome, Diagnostics> {
        let (done, prints) = {
            let r = self.renderer();
            let jobs = r.plan();
            let done = run_jobs(&r, &jobs)?;
            let facts: HashSet<Fact> = done.iter().flat_map(|(_, _, reads)| reads.iter().copied()).collect();
            (done, fingerprints(&r, facts))
        };
        let old = std::mem::take(&mut self.files);
        self.records.clear();
        self.readers.clear();
        self.prints = prints;
        self.pending.clear();
        let (rendered, _) = self.merge(done);
        let mut changed: Vec<String> = self
            .files
            .iter()
            .filter(|(p, b)| old.get(*p).is_none_or(|o| !same(o, b)))
            .map(|(p, _)| p.clone())
            .collect();
        changed.extend(old.keys().filter(|p| !self.files.contains_key(*p)).cloned());
        changed.sort();
        Ok(Outcome { changed, rendered, full: true, warnings: self.loaded.warnings.clone(), ..Outcome::default() })
    }

    /// Applies changed paths (absolute, or relative to the site root): phase one and two
    /// together. `serve` calls the phases apart, to serve the edited page sooner.
    pub fn apply(&mut self, paths: &[PathBuf]) -> Result<Outcome, Diagnostics> {
        let started = Instant::now();
        let mut outcome = self.first_phase(paths)?;
        let rest = self.lists_phase()?;
        outcome.changed.extend(rest.changed);
        outcome.changed.sort();
        outcome.changed.dedup();
        outcome.rendered += rest.rendered;
        outcome.elapsed = started.elapsed();
        Ok(outcome)
    }

    /// Phase one of a change: the changed files read and parsed again (once), then the
    /// body-only path if that is what the change is, else the site loaded again. `serve`
    /// publishes its result, then runs [`Live::lists_phase_until`].
    pub fn first_phase(&mut self, paths: &[PathBuf]) -> Result<Outcome, Diagnostics> {
        self.refresh(paths);
        match self.body_phase(paths)? {
            Some(first) => Ok(first),
            None => self.front_or_full(paths),
        }
    }

    /// The changed files read and parsed again.
    fn refresh(&mut self, paths: &[PathBuf]) {
        let rel: HashSet<PathBuf> = paths.iter().map(|p| self.relative(p)).collect();
        self.parsed.refresh(&self.opts.root, &rel);
    }

    /// Phase one of a change to existing pages' bodies only (see [`Live::body_phase`]).
    pub fn pages_phase(&mut self, paths: &[PathBuf]) -> Result<Option<Outcome>, Diagnostics> {
        self.refresh(paths);
        self.body_phase(paths)
    }

    /// Phase one of a change to existing pages' bodies only, the files already read again:
    /// their markdown is rendered again, and the jobs of those pages that read what changed
    /// run. `None` when the change is not of bodies only; then nothing was modified, and
    /// [`Live::front_or_full`] is due.
    fn body_phase(&mut self, paths: &[PathBuf]) -> Result<Option<Outcome>, Diagnostics> {
        let started = Instant::now();
        let Some(edits) = self.body_edits(paths).filter(|_| !self.failed) else { return Ok(None) };
        let mut candidates: Vec<Fact> = vec![Fact::List(crate::render::reads::List::Changes)];
        let mut warnings = Vec::new();
        {
            let Loaded { site, bodies, .. } = &mut self.loaded;
            let rendered: Vec<(ItemId, crate::markdown::Rendered)> = {
                let r = crate::markdown::Resolver::new(site);
                edits
                    .iter()
                    .map(|(i, doc)| (*i, crate::markdown::render_body(&site.items[*i], &doc.body, &r)))
                    .collect()
            };
            for (i, doc) in &edits {
                site.items[*i].modified = doc.modified;
            }
            for (idx, out) in rendered {
                candidates.extend([Fact::Body(idx), Fact::Excerpt(idx), Fact::History(idx)]);
                candidates.extend(bodies.items[idx].links.iter().chain(&out.links).map(|&to| Fact::Backlinks(to)));
                warnings.extend(out.problems.iter().cloned());
                bodies.replace(idx, out);
            }
            if let (Some(h), Some(now)) = (site.history.as_mut(), crate::history::uncommitted(&self.opts.root)) {
                // A file's "not yet committed" can change with any save.
                let moved: HashSet<&String> = h.uncommitted.symmetric_difference(&now).collect();
                for (i, item) in site.items.iter().enumerate() {
                    let rel = item.shown.strip_prefix("content").ok().and_then(|p| p.to_str());
                    if rel.is_some_and(|r| moved.contains(&r.replace('\\', "/"))) {
                        candidates.push(Fact::History(ItemId(i)));
                    }
                }
                h.uncommitted = now;
            }
        }
        // The warnings of the pages not edited stay; the edited pages' link problems are new.
        let edited: HashSet<&Path> = edits.iter().map(|(i, _)| self.loaded.site.items[*i].shown.as_path()).collect();
        self.loaded.warnings.retain(|w| !(edited.contains(w.path.as_path()) && w.message.contains("leads to")));
        self.loaded.warnings.extend(warnings.iter().cloned());
        self.loaded.warnings.sort_by(|a, b| (&a.path, a.line, &a.message).cmp(&(&b.path, b.line, &b.message)));
        let dirty = self.dirty_jobs(candidates);
        let own: HashSet<Job> = edits.iter().flat_map(|(i, _)| [Job::Item(*i), Job::History(*i)]).collect();
        let (first, rest): (Vec<Job>, Vec<Job>) = dirty.into_iter().partition(|j| own.contains(j));
        self.postpone(rest);
        let (rendered, changed) = self.run_and_merge(&first)?;
        Ok(Some(Outcome { changed, rendered, elapsed: started.elapsed(), warnings, ..Outcome::default() }))
    }

    /// Leaves these jobs for phase two, with what an earlier phase two did not get to; the
    /// search index last, since it takes longest and a new save may come first.
    fn postpone(&mut self, jobs: Vec<Job>) {
        self.pending.extend(jobs);
        let mut seen = HashSet::new();
        self.pending.retain(|j| seen.insert(j.clone()));
        self.pending.sort_by_key(|j| *j == Job::Search);
    }

    /// Phase two of a change: the other jobs that read what changed (lists, feeds, the
    /// index, pages that show the edited pages' excerpts or links).
    pub fn lists_phase(&mut self) -> Result<Outcome, Diagnostics> {
        self.lists_phase_until(&AtomicBool::new(false))
    }

    /// [`Live::lists_phase`], stopping early once `stop` is set (by a new save): the jobs
    /// not yet started stay for the next phase two, or for the next rebuild.
    pub fn lists_phase_until(&mut self, stop: &AtomicBool) -> Result<Outcome, Diagnostics> {
        let started = Instant::now();
        let jobs = std::mem::take(&mut self.pending);
        let (rendered, changed, left) = self.run_and_merge_until(&jobs, stop)?;
        self.pending = left;
        Ok(Outcome { changed, rendered, elapsed: started.elapsed(), ..Outcome::default() })
    }

    /// Whether a phase two is waiting.
    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Any other change (its files already read again): the site is loaded again and the
    /// facts compared, or, when the theme or the configuration changed or the pages were
    /// renumbered, every job runs.
    fn front_or_full(&mut self, paths: &[PathBuf]) -> Result<Outcome, Diagnostics> {
        self.failed = true;
        let outcome = self.reload(paths)?;
        self.failed = false;
        Ok(outcome)
    }

    fn reload(&mut self, paths: &[PathBuf]) -> Result<Outcome, Diagnostics> {
        let started = Instant::now();
        let changed_files: HashSet<PathBuf> = paths.iter().map(|p| self.relative(p)).collect();
        let theme_or_config =
            changed_files.iter().any(|p| p.starts_with("themes") || p == Path::new(crate::config::FILE));
        if theme_or_config {
            return self.full();
        }
        // `MOOT_TIMINGS=1 moot serve` prints where the time of each such rebuild goes.
        let timings = std::env::var_os("MOOT_TIMINGS").is_some();
        let mut clock = Instant::now();
        let mut lap = |what: &str| {
            if timings {
                eprintln!("{:>8.1} ms  {what}", clock.elapsed().as_secs_f64() * 1000.0);
            }
            clock = Instant::now();
        };
        let before = Before { site: &mut self.loaded.site, bodies: &mut self.loaded.bodies, changed: &changed_files };
        let (loaded, bodies_kept) = reload(&self.opts, &mut self.parsed, Some(before))?;
        // Jobs and facts name pages, groups and meetings by number: they keep their meaning
        // while every page keeps its number and its place among its kind (groups are sorted
        // by status and title, so a group's new title can move the others).
        if timings {
            for (stage, took) in &loaded.stages {
                eprintln!("{:>8.1} ms    {stage}", took.as_secs_f64() * 1000.0);
            }
        }
        lap("load the site again");
        let same_pages = {
            let (old, new) = (&self.loaded.site, &loaded.site);
            old.items.len() == new.items.len()
                && old.items.iter().zip(&new.items).all(|(a, b)| a.shown == b.shown && a.kind == b.kind)
                && old.position == new.position
        };
        self.loaded = loaded;
        if !same_pages {
            let mut outcome = self.render_all()?;
            outcome.elapsed = started.elapsed();
            return Ok(outcome);
        }
        let (dirty, prints) = {
            let r = self.renderer();
            // A body kept from before (its file unchanged, links resolving as they did) is the
            // same body: its fingerprints are too.
            let kept = |f: &Fact| match *f {
                Fact::Body(i) | Fact::Excerpt(i) => {
                    bodies_kept && !changed_files.contains(&self.loaded.site.items[i].shown)
                }
                _ => false,
            };
            let mut prints = fingerprints(&r, self.prints.keys().filter(|f| !kept(f)).copied().collect());
            prints.extend(self.prints.iter().filter(|(f, _)| kept(f)).map(|(f, p)| (*f, *p)));
            lap("fingerprints");
            if prints.get(&Fact::Global) != self.prints.get(&Fact::Global) {
                drop(r);
                return self.full();
            }
            let moved: Vec<Fact> =
                prints.iter().filter(|(f, p)| self.prints.get(*f) != Some(*p)).map(|(f, _)| *f).collect();
            let mut dirty: HashSet<Job> =
                moved.iter().flat_map(|f| self.readers.get(f).into_iter().flatten()).cloned().collect();
            // Jobs the site gained (a list grew a page) run too; those it lost leave no outputs.
            let planned = r.plan();
            let known: HashSet<&Job> = planned.iter().collect();
            dirty.extend(planned.iter().filter(|j| !self.records.contains_key(*j)).cloned());
            let gone: Vec<Job> = self.records.keys().filter(|j| !known.contains(j)).cloned().collect();
            dirty.retain(|j| known.contains(j));
            ((dirty, gone), prints)
        };
        let (dirty, gone) = dirty;
        self.prints = prints;
        let mut removed = Vec::new();
        for job in gone {
            removed.extend(self.forget(&job));
        }
        // What a phase two left undone is due too.
        let mut dirty = dirty;
        dirty.extend(std::mem::take(&mut self.pending).into_iter().filter(|j| self.records.contains_key(j)));
        // The edited pages' own jobs now, so that they can be served at once; the rest
        // (lists, feeds, the calendar, the index) in phase two, as after a body edit.
        let own: HashSet<Job> = (self.loaded.site.items.iter().enumerate())
            .filter(|(_, item)| changed_files.contains(&item.shown))
            .flat_map(|(i, _)| [Job::Item(ItemId(i)), Job::History(ItemId(i))])
            .collect();
        let (first, rest): (Vec<Job>, Vec<Job>) = dirty.into_iter().partition(|j| own.contains(j));
        self.postpone(rest);
        lap("what to run");
        let (rendered, mut changed) = self.run_and_merge(&first)?;
        lap("run and merge");
        for path in removed {
            self.files.remove(&path);
            changed.push(path);
        }
        changed.extend(self.copies_of(&changed_files));
        changed.sort();
        changed.dedup();
        let warnings = self.loaded.warnings.clone();
        Ok(Outcome { changed, rendered, elapsed: started.elapsed(), full: false, front_matter: true, warnings })
    }

    /// Rebuilds everything: the theme and configuration too.
    pub fn full(&mut self) -> Result<Outcome, Diagnostics> {
        self.failed = true;
        let started = Instant::now();
        self.parsed = Parsed::default();
        self.loaded = reload(&self.opts, &mut self.parsed, None)?.0;
        self.tera = crate::render::theme::load(&self.loaded.sources).map_err(Diagnostics)?;
        let mut outcome = self.render_all()?;
        outcome.elapsed = started.elapsed();
        self.failed = false;
        Ok(outcome)
    }

    /// The outputs copied from these files (static files, assets): their bytes are read when
    /// served, so they changed when the file did.
    fn copies_of(&self, files: &HashSet<PathBuf>) -> Vec<String> {
        let root = &self.opts.root;
        self.files
            .iter()
            .filter(|(_, b)| match &***b {
                Body::File(from) => files.contains(from.strip_prefix(root).unwrap_or(from)),
                _ => false,
            })
            .map(|(p, _)| p.clone())
            .collect()
    }

    /// The jobs that read any of these facts whose fingerprint changed (the fingerprints kept
    /// are brought up to date).
    fn dirty_jobs(&mut self, candidates: Vec<Fact>) -> Vec<Job> {
        let prints = {
            let r = self.renderer();
            fingerprints(&r, candidates.into_iter().filter(|f| self.prints.contains_key(f)).collect())
        };
        let mut dirty: HashSet<Job> = HashSet::new();
        for (fact, print) in prints {
            if self.prints.insert(fact, print) != Some(print) {
                dirty.extend(self.readers.get(&fact).into_iter().flatten().cloned());
            }
        }
        let mut jobs: Vec<Job> = dirty.into_iter().collect();
        jobs.sort_by_key(|j| format!("{j:?}"));
        jobs
    }

    /// Runs these jobs and takes in what they made and read.
    fn run_and_merge(&mut self, jobs: &[Job]) -> Result<(usize, Vec<String>), Diagnostics> {
        let (rendered, changed, _) = self.run_and_merge_until(jobs, &AtomicBool::new(false))?;
        Ok((rendered, changed))
    }

    /// [`Live::run_and_merge`], starting no job once `stop` is set; the jobs not run.
    fn run_and_merge_until(
        &mut self,
        jobs: &[Job],
        stop: &AtomicBool,
    ) -> Result<(usize, Vec<String>, Vec<Job>), Diagnostics> {
        if jobs.is_empty() {
            return Ok((0, Vec::new(), Vec::new()));
        }
        let (done, new_prints, left) = {
            let r = self.renderer().cancellable(stop);
            let (done, left) = run_jobs_until(&r, jobs, stop)?;
            let unseen: HashSet<Fact> = done
                .iter()
                .flat_map(|(_, _, reads)| reads.iter().copied())
                .filter(|f| !self.prints.contains_key(f))
                .collect();
            (done, fingerprints(&r, unseen), left)
        };
        self.prints.extend(new_prints);
        let (rendered, changed) = self.merge(done);
        Ok((rendered, changed, left))
    }

    /// Takes in the outputs and reads of jobs run: changed bytes replace the old, and outputs
    /// a job made before but not now are removed. Returns (outputs rendered, paths changed).
    fn merge(&mut self, done: Done) -> (usize, Vec<String>) {
        let mut changed = Vec::new();
        let mut rendered = 0;
        for (job, outs, reads) in done {
            rendered += outs.len();
            let now: HashSet<&str> = outs.iter().map(|(p, _)| p.as_str()).collect();
            let old = self.records.remove(&job);
            // Most jobs read what they read before: then the readers stay as they are.
            let same_reads = old.as_ref().is_some_and(|r| r.reads == reads);
            if let Some(old) = old {
                if !same_reads {
                    self.unregister(&job, &old.reads);
                }
                for gone in old.outputs.into_iter().filter(|p| !now.contains(p.as_str())) {
                    self.files.remove(&gone);
                    changed.push(gone);
                }
            }
            if !same_reads {
                for fact in &reads {
                    self.readers.entry(*fact).or_default().insert(job.clone());
                }
            }
            let outputs = outs.iter().map(|(p, _)| p.clone()).collect();
            for (path, body) in outs {
                if self.files.get(&path).is_none_or(|old| !same(old, &body)) {
                    changed.push(path.clone());
                    self.files.insert(path, Arc::new(body));
                }
            }
            self.records.insert(job, Record { outputs, reads });
        }
        changed.sort();
        changed.dedup();
        (rendered, changed)
    }

    /// Drops a job's record (and it from the readers of what it read); its outputs' paths.
    fn forget(&mut self, job: &Job) -> Vec<String> {
        let Some(record) = self.records.remove(job) else { return Vec::new() };
        self.unregister(job, &record.reads);
        record.outputs
    }

    fn unregister(&mut self, job: &Job, reads: &[Fact]) {
        for fact in reads {
            if let Some(jobs) = self.readers.get_mut(fact) {
                jobs.remove(job);
                if jobs.is_empty() {
                    self.readers.remove(fact);
                }
            }
        }
    }

    /// A changed path relative to the site root.
    fn relative(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.opts.root).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
    }

    /// The warnings of the current site.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.loaded.warnings
    }

    /// The edited pages, if every path is the markdown file of an existing page whose front
    /// matter is unchanged; else `None`.
    fn body_edits(&self, paths: &[PathBuf]) -> Option<Vec<(ItemId, crate::parse::Doc)>> {
        let by_file: HashMap<&Path, ItemId> =
            self.loaded.site.items.iter().enumerate().map(|(i, item)| (item.shown.as_path(), ItemId(i))).collect();
        let mut edits: Vec<(ItemId, crate::parse::Doc)> = Vec::new();
        for p in paths {
            let abs = if p.is_absolute() { p.to_path_buf() } else { self.opts.root.join(p) };
            let rel = abs.strip_prefix(self.opts.root.join("content")).ok()?.to_str()?.replace('\\', "/");
            let &idx = by_file.get(Path::new("content").join(&rel).as_path())?;
            // As just read again: a file that is gone, no longer a file (a link, which the
            // walk skips) or does not parse is for the full reload.
            let doc = self.parsed.doc(&rel)?.clone();
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

/// Runs jobs in parallel; each with its outputs and what it read.
fn run_jobs(r: &Renderer, jobs: &[Job]) -> Result<Done, Diagnostics> {
    Ok(run_jobs_until(r, jobs, &AtomicBool::new(false))?.0)
}

/// [`run_jobs`], starting none once `stop` is set: the jobs done, and those not started.
fn run_jobs_until(r: &Renderer, jobs: &[Job], stop: &AtomicBool) -> Result<(Done, Vec<Job>), Diagnostics> {
    // A job that finished after `stop` may have stopped early (the search index does): it is
    // left for later too.
    let ran: Vec<Option<Result<_, Diagnostic>>> = jobs
        .par_iter()
        .map(|j| {
            let out = (!stop.load(Ordering::Relaxed)).then(|| r.run_recorded(j).map(|o| (j.clone(), o)))?;
            (!stop.load(Ordering::Relaxed)).then_some(out)
        })
        .collect();
    let left = jobs.iter().zip(&ran).filter(|(_, r)| r.is_none()).map(|(j, _)| j.clone()).collect();
    let done = crate::diag::collect(ran.into_iter().flatten())?
        .into_iter()
        .map(|(job, (outs, reads))| (job, outs.into_iter().map(|o| (o.path, o.body)).collect(), reads))
        .collect();
    Ok((done, left))
}

/// The fingerprints of these facts, as the inputs are now.
fn fingerprints(r: &Renderer, facts: HashSet<Fact>) -> HashMap<Fact, u64> {
    let facts: Vec<Fact> = facts.into_iter().collect();
    facts.par_iter().map(|&f| (f, r.print(f))).collect()
}

fn same(a: &Body, b: &Body) -> bool {
    match (a, b) {
        (Body::Bytes(x), Body::Bytes(y)) => x == y,
        (Body::Static(x), Body::Static(y)) => x == y,
        (Body::File(x), Body::File(y)) => x == y,
        _ => false,
    }
}
