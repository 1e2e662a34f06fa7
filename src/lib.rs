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

pub mod announce;
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
use std::sync::Arc;
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
    /// What the clock says, instead of asking it (for tests of what depends on the clock:
    /// the feeds' DTSTAMP is the start of its UTC day, and a build records when its output
    /// would change by itself). `now` and `SOURCE_DATE_EPOCH` come first.
    pub clock: Option<Timestamp>,
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
            clock: None,
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
    /// Nothing changed since the last build into the same folder: nothing was rendered.
    pub unchanged: bool,
}

impl Report {
    /// The report of a build that found nothing changed: the last build's, replayed.
    fn unchanged(record: write::record::Record, elapsed: Duration) -> Report {
        Report {
            counts: COUNTED.into_iter().zip(record.counts).collect(),
            files: record.files,
            written: 0,
            elapsed,
            warnings: record.warnings,
            stages: vec![("inputs and output folder checked, nothing changed", elapsed)],
            unchanged: true,
        }
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // "1 meeting", "2 stories": the singular of each kind's plural.
        let one = |k: &str| match k {
            "stories" => "story".to_string(),
            k => k.strip_suffix('s').unwrap_or(k).to_string(),
        };
        let parts: Vec<String> = self
            .counts
            .iter()
            .map(|(k, n)| if *n == 1 { format!("1 {}", one(k)) } else { format!("{n} {k}") })
            .collect();
        let written = if self.unchanged {
            "0 written: nothing changed since the last build".to_string()
        } else {
            format!("{} written", self.written)
        };
        write!(f, "{}; {} files ({written}) in {} ms", parts.join(", "), self.files, self.elapsed.as_millis())
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

/// The time each stage of a load took, for `--timings`.
pub(crate) struct Laps {
    clock: Instant,
    stages: Vec<(&'static str, Duration)>,
}

impl Laps {
    pub(crate) fn new() -> Self {
        Laps { clock: Instant::now(), stages: Vec::new() }
    }

    /// The stage `name` ended now.
    pub(crate) fn lap(&mut self, name: &'static str) {
        self.stages.push((name, std::mem::replace(&mut self.clock, Instant::now()).elapsed()));
    }
}

/// What a load is done with: moot.toml (with `--base-url` applied) and "now".
pub(crate) struct Settings {
    config: config::Config,
    now: Timestamp,
    /// "Now" is the clock's (not `--now` or `SOURCE_DATE_EPOCH`).
    from_clock: bool,
}

/// The **settings** stage: moot.toml read and checked, `--base-url` applied, "now" fixed.
pub(crate) fn settings(opts: &Options, git: &history::Probe) -> Result<Settings, Diagnostics> {
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
    if let Some(repo) = config.repo.as_mut() {
        repo.prefix = git.site_prefix(&opts.root);
    }
    let (now, from_clock) = now_of(opts)?;
    Ok(Settings { config, now, from_clock })
}

/// "Now" for a build: `--now` (the options'), else `SOURCE_DATE_EPOCH`, else the clock; and
/// whether it is the clock's.
fn now_of(opts: &Options) -> Result<(Timestamp, bool), Diagnostics> {
    Ok(match opts.now {
        Some(t) => (t, false),
        None if std::env::var_os("SOURCE_DATE_EPOCH").is_some() => {
            (now_from_env().map_err(|d| Diagnostics(vec![d]))?, false)
        }
        None => (opts.clock.unwrap_or_else(Timestamp::now), true),
    })
}

/// When the output of a build of `site` (with "now" the clock's) would change with nothing
/// else changing: the next midnight in the site's zone or in UTC, the next end of an
/// occurrence or growth of a series. A rebuild before then with the same inputs is skipped.
pub fn changes_by_itself_at(site: &model::Site) -> Option<Timestamp> {
    write::record::until(site.now, &site.config.timezone, site.changes_at)
}

/// The **history** stage, started early: git runs in its own process (and its output is
/// parsed on a thread of its own) while the files are read, parsed, modelled and rendered to
/// html, since only the pages need it. `None` when the site turns history off.
pub(crate) fn history_thread(
    opts: &Options,
    config: &config::Config,
    git: &Arc<history::Probe>,
) -> Option<std::thread::JoinHandle<Option<history::History>>> {
    config.history.then(|| {
        let (root, git) = (opts.root.clone(), Arc::clone(git));
        std::thread::spawn(move || history::read(&root, &git))
    })
}

/// Every markdown file of `content/`, parsed, in the walk's order, named by its path
/// relative to `content/` (a file that does not parse is its error).
pub(crate) type ParsedFiles = Vec<(String, Result<parse::Doc, Diagnostic>)>;

/// The **load** and **parse** stages: the site's files read, the markdown parsed in parallel;
/// with the problems of the walk (unreadable files, links skipped).
pub(crate) fn read_and_parse(
    opts: &Options,
    config: &config::Config,
    laps: &mut Laps,
    pre: load::Preread,
) -> (load::Sources, ParsedFiles, Vec<Diagnostic>) {
    let mut walk = Vec::new();
    let mut sources = load::load_with(&opts.root, config.theme.as_deref(), &mut walk, pre);
    laps.lap("load");
    // The raw bytes are not needed once parsed; dropping them keeps a big site's memory down.
    let markdown = std::mem::take(&mut sources.markdown);
    let files = markdown.into_par_iter().map(|f| (f.rel.clone(), parse::parse(&f))).collect();
    laps.lap("parse");
    (sources, files, walk)
}

/// The **model** stage: parsed documents -> the site (with, when "now" is the clock's, the
/// feeds' DTSTAMP at the start of the UTC day, so rebuilds during a day leave them alone).
pub(crate) fn model_site(
    settings: Settings,
    docs: Vec<parse::Doc>,
    assets: Vec<load::CopyFile>,
    drafts: bool,
) -> (model::Site, Vec<Diagnostic>) {
    let Settings { config, now, from_clock } = settings;
    // The errors of single fields found while parsing (the file still goes into the model,
    // without those fields, so that what names it is not an error too).
    let mut docs = docs;
    let mut diags: Vec<Diagnostic> = docs.iter_mut().flat_map(|d| std::mem::take(&mut d.problems)).collect();
    let (mut site, problems) = model::build(config, docs, assets, now, drafts);
    diags.extend(problems);
    if from_clock {
        let day = now.to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
        site.dtstamp = time::start_of_day(&jiff::tz::TimeZone::UTC, day).timestamp();
    }
    (site, diags)
}

/// The end of a load: its problems and the markdown's link problems (errors for `moot
/// check`), sorted by file; `Err` with all of them if any is an error, else the warnings.
pub(crate) fn conclude(
    opts: &Options,
    mut diags: Vec<Diagnostic>,
    link_problems: Vec<Diagnostic>,
) -> Result<Vec<Diagnostic>, Diagnostics> {
    diags.extend(link_problems.into_iter().map(|d| {
        if opts.check_only {
            Diagnostic { severity: diag::Severity::Error, ..d }
        } else {
            d
        }
    }));
    let mut all = Diagnostics(no_cascade(diags));
    all.sort();
    if all.has_errors() {
        return Err(all);
    }
    Ok(all.0)
}

/// Drops the errors that only repeat another: a reference to a group (or meeting) whose own
/// file has an error is not also an error of every file that names it.
fn no_cascade(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let broken: std::collections::HashSet<std::path::PathBuf> =
        diags.iter().filter(|d| d.is_error()).map(|d| d.path.clone()).collect();
    let repeats = |d: &Diagnostic| {
        let Some(rest) = d.message.strip_prefix("no ") else { return false };
        let Some((label, name)) = rest.split_once(" is called ") else { return false };
        let name = name.trim_matches('"');
        let folder = match label {
            "group" => "groups",
            "meeting" => "meetings",
            _ => return false,
        };
        let file = Path::new("content").join(folder).join(format!("{name}.md"));
        d.is_error() && broken.contains(&file)
    };
    diags.into_iter().filter(|d| !repeats(d)).collect()
}

/// settings -> history (started) -> load -> parse -> model -> markdown. Errors are every
/// problem found, sorted by file.
pub fn load_site(opts: &Options) -> Result<Loaded, Diagnostics> {
    load_site_with(opts, load::Preread::new(), &Arc::new(history::Probe::when_asked(&opts.root)))
}

/// [`load_site`], with the markdown files in `pre` already read and git asked by `git`.
fn load_site_with(opts: &Options, pre: load::Preread, git: &Arc<history::Probe>) -> Result<Loaded, Diagnostics> {
    let mut laps = Laps::new();
    let settings = settings(opts, git)?;
    let history = history_thread(opts, &settings.config, git);
    let (sources, files, mut diags) = read_and_parse(opts, &settings.config, &mut laps, pre);
    let docs = files.into_iter().filter_map(|(_, doc)| doc.map_err(|d| diags.push(d)).ok()).collect();
    let (mut site, problems) = model_site(settings, docs, sources.assets.clone(), opts.drafts);
    diags.extend(problems);
    if opts.check_only {
        diags.extend(model::organiser_warnings(&site));
    }
    laps.lap("model");
    let (bodies, link_problems) = markdown::render_all(&mut site);
    laps.lap("markdown");
    site.history = history.and_then(|h| h.join().ok().flatten());
    laps.lap("git history (the rest of it)");
    let warnings = conclude(opts, diags, link_problems)?;
    Ok(Loaded { site, bodies, sources, warnings, stages: laps.stages })
}

/// The whole pipeline: load, check, render and (unless `check_only`) write.
pub fn build(opts: &Options) -> Result<Report, Diagnostics> {
    let started = Instant::now();
    // What the site is made from, and the last build's manifest (read while the inputs are
    // hashed): an unchanged site whose output folder is as that build left it is done here.
    // The inputs are hashed before the site is read, never beside it: a file saved in
    // between then makes the next build's hash differ (it builds again), where hashing after
    // the read would record the new file for output made from the old one.
    let mut before = None;
    let mut made_from = None;
    let mut pre = load::Preread::new();
    // git is asked at the start and waited for where its answers are needed (a check has no
    // inputs to hash: it asks only what its history needs, if any).
    let git = Arc::new(if opts.check_only { history::Probe::when_asked } else { history::Probe::start }(&opts.root));
    if !opts.check_only {
        let clock = now_of(opts).ok();
        // Into a folder moot has not built (no manifest), the build cannot be skipped: the
        // files read to hash the inputs are kept for the load. Into one it has, they are not:
        // the build is most likely skipped, and holding them cost an unchanged rebuild more
        // than reading them again costs a changed one.
        let keep = std::fs::symlink_metadata(write::manifest::path(&opts.output)).is_err();
        let (inputs, found) = rayon::join(
            || clock.map(|(now, from_clock)| write::record::inputs(opts, (!from_clock).then_some(now), keep)),
            || write::manifest::Listed::load(&opts.output),
        );
        let (inputs, read) = inputs.unzip();
        if let (Some(inputs), Some((now, _)), write::manifest::Found::Listed(listed)) = (&inputs, clock, &found) {
            if let Some(record) = write::record::still_valid(listed, &opts.output, inputs.with(git.state()), now) {
                return Ok(Report::unchanged(record, started.elapsed()));
            }
        }
        pre = read.unwrap_or_default();
        made_from = inputs.zip(clock);
        before = Some(write::Before(found));
    }
    // The built-in templates compile while the site loads; a site theme's replace them after.
    let builtin = std::thread::spawn(|| render::theme::load_templates(&[]));
    let hashed = started.elapsed();
    let Loaded { site, bodies, sources, mut warnings, mut stages } = load_site_with(opts, pre, &git)?;
    stages.insert(0, ("inputs hashed", hashed));
    let mut laps = Laps::new();
    let tera = match builtin.join() {
        Ok(Ok(tera)) if sources.templates.is_empty() => tera,
        _ => render::theme::load(&sources).map_err(Diagnostics)?,
    };
    laps.lap("templates");
    let renderer = render::Renderer::with_templates(&site, &bodies, &sources, std::borrow::Cow::Owned(tera));
    laps.lap("renderer");
    let jobs = renderer.plan();
    laps.lap("plan");
    stages.extend(laps.stages);
    let loaded = started.elapsed();
    if std::env::var_os("MOOT_PROFILE_JOBS").is_some() {
        profile_jobs(&renderer, &jobs);
    }
    let written = match before {
        None => {
            let n = check_render(&renderer, &jobs)?;
            write::Written { outputs: n, ..Default::default() }
        }
        Some(before) => {
            let record = made_from.map(|(inputs, (now, from_clock))| write::record::Record {
                inputs: inputs.with(git.state()),
                now: now.as_second(),
                copies: Vec::new(),
                until: changes_by_itself_at(&site).filter(|_| from_clock).map(|t| t.as_second()),
                counts: counts(&site).iter().map(|c| c.1).collect(),
                files: 0,
                warnings: warnings.clone(),
            });
            let target = write::Target { site: &opts.root, out: &opts.output, force: opts.force, record };
            write::write_site(&renderer, &jobs, &target, before)?
        }
    };
    warnings.extend(written.warnings);
    let elapsed = started.elapsed();
    stages.push(("render and write", elapsed - loaded));
    Ok(Report {
        counts: counts(&site),
        files: written.outputs,
        written: written.written,
        elapsed,
        warnings,
        stages,
        unchanged: false,
    })
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

/// The kinds a build counts, in the order of [`counts`].
const COUNTED: [&str; 6] = ["groups", "meetings", "stories", "articles", "wiki pages", "pages"];

fn counts(site: &model::Site) -> Vec<(&'static str, usize)> {
    let n = [
        site.groups.len(),
        site.meetings.len(),
        site.stories.len(),
        site.articles.len(),
        site.wiki.len(),
        site.pages.len(),
    ];
    COUNTED.into_iter().zip(n).collect()
}
