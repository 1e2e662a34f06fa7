//! moot turns a learning community's markdown into a static site, as a pipeline you can
//! read top to bottom: **load** (disk -> source files, and page history from one `git log`)
//! -> **parse** (text -> front matter +
//! markdown, per file) -> **model** (typed, validated, linked content; references resolved,
//! meeting series expanded) -> **markdown** (bodies to HTML, links and backlinks) ->
//! **render** (model + theme -> outputs in memory) -> **write** (outputs -> the output
//! folder; nothing is written unless everything rendered) -> **watch** (`serve`: file events
//! -> [`incremental`] rebuild of what changed -> tell the browser).
//!
//! [`build`] runs the stages in that order and reads as their table of contents. Every
//! stage collects its problems as [`diag::Diagnostic`]s instead of stopping at the first, so
//! one run reports every mistake in a site with its file and line.

#![warn(unreachable_pub)]

pub mod config;
pub mod diag;
mod history;
pub mod incremental;
pub mod load;
pub mod markdown;
pub mod model;
pub mod parse;
pub mod render;
pub mod routes;
mod safe;
pub mod scaffold;
pub mod serve;
pub mod time;
mod write;

use diag::{Diagnostic, Diagnostics};
use jiff::Timestamp;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What a build is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    pub output: PathBuf,
    pub drafts: bool,
    pub base_url: Option<String>,
    /// "Now" for upcoming/past; `None` reads `SOURCE_DATE_EPOCH`, else the clock.
    pub now: Option<Timestamp>,
    /// `moot check`: validate strictly and write nothing.
    pub check_only: bool,
    /// Write into an output folder that holds files moot did not make (deleting none).
    pub force: bool,
}

impl Options {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        Options {
            output: root.join("public"),
            root,
            drafts: false,
            base_url: None,
            now: None,
            check_only: false,
            force: false,
        }
    }
}

/// What a successful build did.
#[derive(Debug, Default)]
pub struct Report {
    /// (kind label, count) of pages.
    pub counts: Vec<(&'static str, usize)>,
    pub files: usize,
    /// Files written; the others already held the same bytes.
    pub written: usize,
    pub elapsed: Duration,
    pub warnings: Vec<Diagnostic>,
    /// Time taken by each stage, for `--timings`.
    pub stages: Vec<(&'static str, Duration)>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
        write!(
            f,
            "{}; {} files ({} written) in {} ms",
            parts.join(", "),
            self.files,
            self.written,
            self.elapsed.as_millis()
        )
    }
}

/// "Now": `SOURCE_DATE_EPOCH` (seconds) if set, so builds are reproducible; else the clock.
pub fn now_from_env() -> Result<Timestamp, Diagnostic> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|s| Timestamp::from_second(s).ok())
            .ok_or_else(|| Diagnostic::error("SOURCE_DATE_EPOCH", 0, format!("{v:?} is not a number of seconds"))),
        Err(_) => Ok(Timestamp::now()),
    }
}

/// The model of a site, with the sources it came from (the theme is needed to render).
pub struct Loaded {
    pub site: model::Site,
    /// Each page's rendered markdown and the link graph (the markdown stage's output).
    pub bodies: markdown::Bodies,
    pub sources: load::Sources,
    pub warnings: Vec<Diagnostic>,
    /// How long each stage took, for `--timings`.
    pub stages: Vec<(&'static str, Duration)>,
}

/// load -> parse -> model -> markdown. Errors are every problem found, sorted by file.
pub fn load_site(opts: &Options) -> Result<Loaded, Diagnostics> {
    Ok(load_site_reusing(opts, None, None)?.expect("nothing to reuse, so never None"))
}

/// For `serve`: every markdown file as last parsed (and the rest of the sources), so that a
/// change reads and parses again only the files that changed instead of walking the site.
#[derive(Default)]
pub struct Parsed {
    /// Each markdown file of `content/`, in the walk's order; `None` until a walk filled it.
    files: Option<Vec<(String, Result<parse::Doc, Diagnostic>)>>,
    /// The problems the walk found that belong to no one parsed file.
    walk: Vec<Diagnostic>,
    sources: load::Sources,
}

impl Parsed {
    /// Reads and parses again these changed paths (relative to the site root). Where only a
    /// walk can tell what changed (see [`load::reread`]), empties itself for the next load
    /// to walk the site again.
    pub fn refresh(&mut self, root: &Path, changed: &std::collections::HashSet<PathBuf>) {
        let Some(files) = self.files.as_mut() else { return };
        let copied: Vec<load::CopyFile> = self.sources.assets.iter().chain(&self.sources.statics).cloned().collect();
        for rel in changed {
            let Some(now) = load::reread(root, rel, &copied) else {
                self.files = None;
                return;
            };
            let (name, doc) = match now {
                load::Reread::Same => continue,
                load::Reread::Gone(name) => (name, None),
                load::Reread::Markdown(name, read) => (name, Some(read.and_then(|f| parse::parse(&f)))),
            };
            let shown = Path::new("content").join(&name);
            self.walk.retain(|d| d.path != shown);
            // The walk's order: by file name within a folder, a folder's files where its name sorts.
            let place = files.binary_search_by(|(f, _)| Path::new(f).cmp(Path::new(&name)));
            match (place, doc) {
                (Ok(i), Some(doc)) => files[i].1 = doc,
                (Ok(i), None) => drop(files.remove(i)),
                (Err(i), Some(doc)) => files.insert(i, (name, doc)),
                (Err(_), None) => {}
            }
        }
    }
}

/// For `serve`: an earlier site, its bodies, and the content files changed since it was loaded.
pub struct Reuse<'a> {
    pub old: &'a mut model::Site,
    pub bodies: &'a mut markdown::Bodies,
    pub changed: &'a std::collections::HashSet<PathBuf>,
}

/// [`load_site`], taking from `reuse` what the changed files cannot have changed: the
/// rendered markdown of the other pages and the git history (only `git status` is run).
/// `Ok(None)` (with `reuse` untouched) when the pages' files, titles, aliases or drafts
/// differ from the earlier site's, since links may then resolve differently, or when a file
/// has an error.
///
/// With `parsed`, the files it holds are taken as they are (see [`Parsed::refresh`]); an
/// empty one is filled by walking the site.
pub fn load_site_reusing(
    opts: &Options,
    mut reuse: Option<Reuse>,
    parsed: Option<&mut Parsed>,
) -> Result<Option<Loaded>, Diagnostics> {
    let mut diags = Vec::new();
    let mut clock = Instant::now();
    let mut stages = Vec::new();
    let mut lap = |name| stages.push((name, std::mem::replace(&mut clock, Instant::now()).elapsed()));
    let config_text = load::read_config(&opts.root).map_err(|d| Diagnostics(vec![d]))?;
    let mut config = config::parse(Path::new(config::FILE), &config_text).map_err(Diagnostics)?;
    if let Some(url) = &opts.base_url {
        let normalized = config::normalize_base_url(url).map_err(|why| {
            Diagnostics(vec![Diagnostic::error(
                "--base-url",
                0,
                format!("{:?} is not {}: {why}", url.trim(), config::BASE_URL_FORMS),
            )
            .hint("write it like: --base-url https://learn.example.org")])
        })?;
        config.base_path = config::parse_base_path(&normalized);
        config.base_url = normalized;
    }
    let (now, from_clock) = match opts.now {
        Some(t) => (t, false),
        None if std::env::var_os("SOURCE_DATE_EPOCH").is_some() => {
            (now_from_env().map_err(|d| Diagnostics(vec![d]))?, false)
        }
        None => (Timestamp::now(), true),
    };
    // git runs in its own process (and its output is parsed on a thread of its own) while the
    // files are read, parsed, modelled and rendered to html: it is only needed by the pages.
    // (When reusing an earlier site, its history is kept instead.)
    let history = (config.history && reuse.is_none()).then(|| {
        let root = opts.root.clone();
        std::thread::spawn(move || history::read(&root))
    });
    let (sources, docs) = match parsed {
        Some(Parsed { files: Some(files), walk, sources }) => {
            diags.extend(walk.iter().cloned());
            let docs =
                files.iter().filter_map(|(_, doc)| doc.as_ref().map_err(|d| diags.push(d.clone())).ok().cloned());
            let docs: Vec<parse::Doc> = docs.collect();
            lap("load (changed files only)");
            (sources.clone(), docs)
        }
        cache => {
            let mut walk = Vec::new();
            let mut sources = load::load(&opts.root, config.theme.as_deref(), &mut walk);
            lap("load");
            // The raw bytes are not needed once parsed; dropping them keeps a big site's memory down.
            let markdown = std::mem::take(&mut sources.markdown);
            let files: Vec<(String, Result<parse::Doc, Diagnostic>)> =
                markdown.into_par_iter().map(|f| (f.rel.clone(), parse::parse(&f))).collect();
            diags.extend(walk.iter().cloned());
            let docs: Vec<parse::Doc> = match cache {
                Some(cache) => {
                    let docs =
                        files.iter().filter_map(|(_, d)| d.as_ref().map_err(|d| diags.push(d.clone())).ok().cloned());
                    let docs = docs.collect();
                    *cache = Parsed { files: Some(files), walk, sources: sources.clone() };
                    docs
                }
                None => files.into_iter().filter_map(|(_, d)| d.map_err(|d| diags.push(d)).ok()).collect(),
            };
            (sources, docs)
        }
    };
    lap("parse");
    let (mut site, model_diags) = model::build(config, docs, sources.assets.clone(), now, opts.drafts);
    diags.extend(model_diags);
    if from_clock {
        let day = now.to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
        site.dtstamp = time::start_of_day(&jiff::tz::TimeZone::UTC, day).timestamp();
    }
    lap("model");
    let (bodies, link_problems) = match reuse.as_mut() {
        None => markdown::render_all(&mut site),
        Some(r) => {
            // With errors, the markdown runs anyway (the link warnings are reported with
            // them, as in a fresh build), and links into a broken site may resolve differently.
            if diags.iter().any(|d| d.severity == diag::Severity::Error) || !same_link_targets(r.old, &site) {
                return Ok(None);
            }
            let mut history = r.old.history.take();
            if let Some(h) = history.as_mut() {
                h.uncommitted = history::uncommitted(&opts.root).unwrap_or_default();
            }
            site.history = history;
            markdown::render_all_reusing(&mut site, Some((&r.old.items, std::mem::take(r.bodies), r.changed)))
        }
    };
    lap("markdown");
    if let Some(history) = history {
        site.history = history.join().unwrap_or(None);
    }
    lap("git history (the rest of it)");
    diags.extend(link_problems.into_iter().map(|d| {
        if opts.check_only {
            Diagnostic { severity: diag::Severity::Error, ..d }
        } else {
            d
        }
    }));
    let mut all = Diagnostics(diags);
    all.sort();
    if all.has_errors() {
        return Err(all);
    }
    Ok(Some(Loaded { site, bodies, sources, warnings: all.0, stages }))
}

/// Whether every link resolves in `new` as in `old`: the same pages, at the same addresses,
/// with the same titles, aliases and drafts.
fn same_link_targets(old: &model::Site, new: &model::Site) -> bool {
    old.items.len() == new.items.len()
        && old.items.iter().zip(&new.items).all(|(a, b)| {
            a.shown == b.shown
                && a.kind == b.kind
                && a.url == b.url
                && a.path == b.path
                && a.title == b.title
                && a.aliases == b.aliases
                && a.draft == b.draft
        })
        && old.draft_names == new.draft_names
}

/// The whole pipeline: load, check, render and (unless `check_only`) write.
pub fn build(opts: &Options) -> Result<Report, Diagnostics> {
    let started = Instant::now();
    // The built-in templates compile while the site loads; a site theme's replace them after.
    let builtin = std::thread::spawn(|| render::theme::load_templates(&[]));
    let before = (!opts.check_only).then(|| write::read_before(&opts.output));
    let Loaded { site, bodies, sources, mut warnings, mut stages } = load_site(opts)?;
    let tera = match builtin.join() {
        Ok(Ok(tera)) if sources.templates.is_empty() => tera,
        _ => render::theme::load(&sources).map_err(Diagnostics)?,
    };
    let renderer = render::Renderer::with_templates(&site, &bodies, &sources, std::borrow::Cow::Owned(tera));
    let jobs = renderer.plan();
    let loaded = started.elapsed();
    stages.push(("templates and plan", loaded - stages.iter().map(|s| s.1).sum::<Duration>()));
    if std::env::var_os("MOOT_PROFILE_JOBS").is_some() {
        profile_jobs(&renderer, &jobs);
    }
    let written = match before {
        None => {
            let n = check_render(&renderer, &jobs)?;
            write::Written { outputs: n, ..Default::default() }
        }
        Some(before) => {
            let target = write::Target { site: &opts.root, out: &opts.output, force: opts.force };
            write::write_site(&renderer, &jobs, &target, before)?
        }
    };
    warnings.extend(written.warnings);
    let elapsed = started.elapsed();
    stages.push(("render and write", elapsed - loaded));
    Ok(Report { counts: counts(&site), files: written.outputs, written: written.written, elapsed, warnings, stages })
}

/// For `MOOT_PROFILE_JOBS=1`: renders every job once more, on one thread, and prints the
/// time each kind of job took, to see where a build's time goes.
fn profile_jobs(r: &render::Renderer, jobs: &[render::Job]) {
    let mut kinds: std::collections::BTreeMap<String, (Duration, usize)> = Default::default();
    for job in jobs {
        let t = Instant::now();
        let _ = r.run(job);
        let kind = format!("{job:?}").split('(').next().unwrap_or_default().to_string();
        let e = kinds.entry(kind).or_default();
        e.0 += t.elapsed();
        e.1 += 1;
    }
    for (kind, (time, n)) in kinds {
        eprintln!("{:>9.1} ms {n:>6} × {kind}", time.as_secs_f64() * 1000.0);
    }
}

/// Renders everything (to find template errors) and throws the result away.
fn check_render(r: &render::Renderer, jobs: &[render::Job]) -> Result<usize, Diagnostics> {
    let counts = diag::collect(jobs.par_iter().map(|j| r.run(j).map(|o| o.len())).collect::<Vec<_>>())?;
    Ok(counts.into_iter().sum())
}

fn counts(site: &model::Site) -> Vec<(&'static str, usize)> {
    vec![
        ("groups", site.groups.len()),
        ("meetings", site.meetings.len()),
        ("stories", site.stories.len()),
        ("articles", site.articles.len()),
        ("wiki pages", site.wiki.len()),
        ("pages", site.pages.len()),
    ]
}
