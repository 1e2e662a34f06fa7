//! Loading the site again for `serve`: the stages of [`crate::load_site`], taking from the
//! last load what a change cannot have changed.
//!
//! - Every markdown file is kept as last parsed ([`Parsed`]); after a change only the changed
//!   files are read and parsed again, unless only a walk of the site can tell what changed
//!   (a folder, a link, a copied file added or removed: see [`crate::load::reread`]).
//! - The rendered markdown of the pages whose file did not change is kept, and so is the git
//!   history (only `git status` runs), while every link resolves as it did: the same pages,
//!   addresses, titles, aliases and drafts ([`same_link_targets`]).

use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::load::{self, Sources};
use crate::markdown::{self, Bodies};
use crate::model::Site;
use crate::{Laps, Loaded, Options, ParsedFiles};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Every markdown file as last parsed (and the rest of the sources), so that a change reads
/// and parses again only the files that changed instead of walking the site.
#[derive(Default)]
pub(crate) struct Parsed {
    /// `None` until a walk filled it (or after a change only a walk can tell).
    files: Option<ParsedFiles>,
    /// The problems the walk found that belong to no one parsed file.
    walk: Vec<Diagnostic>,
    sources: Sources,
}

impl Parsed {
    /// Reads and parses again these changed paths (relative to the site root). Where only a
    /// walk can tell what changed, empties itself for the next load to walk the site again.
    pub(crate) fn refresh(&mut self, root: &Path, changed: &HashSet<PathBuf>) {
        let Some(files) = self.files.as_mut() else { return };
        for rel in changed {
            let Some(now) = load::reread(root, rel, &self.sources) else {
                self.files = None;
                return;
            };
            let (name, doc) = match now {
                load::Reread::Same => continue,
                // A file gone whose name differed from another only in case: the walk says
                // whether the error about the two still holds.
                load::Reread::Gone(name)
                    if files.iter().any(|(f, _)| f != &name && f.to_lowercase() == name.to_lowercase()) =>
                {
                    self.files = None;
                    return;
                }
                load::Reread::Gone(name) => (name, None),
                load::Reread::Markdown(name, read) => (name, Some(read.and_then(|f| crate::parse::parse(&f)))),
            };
            let shown = Path::new("content").join(&name);
            self.walk.retain(|d| d.path != shown);
            // The walk's order: by file name within a folder, a folder's files where its name sorts.
            let place = files.binary_search_by(|(f, _)| Path::new(f).cmp(Path::new(&name)));
            match (place, doc) {
                (Ok(i), Some(doc)) => files[i].1 = doc,
                (Ok(i), None) => drop(files.remove(i)),
                // A new name that differs from another only in case: the walk reports it.
                (Err(_), Some(_)) if files.iter().any(|(f, _)| f.to_lowercase() == name.to_lowercase()) => {
                    self.files = None;
                    return;
                }
                (Err(i), Some(doc)) => files.insert(i, (name, doc)),
                (Err(_), None) => {}
            }
        }
    }
}

impl Parsed {
    /// The file at `rel` (under `content/`) as last parsed, if it parsed.
    pub(crate) fn doc(&self, rel: &str) -> Option<&crate::parse::Doc> {
        let files = self.files.as_ref()?;
        let at = files.binary_search_by(|(f, _)| Path::new(f).cmp(Path::new(rel))).ok()?;
        files[at].1.as_ref().ok()
    }
}

/// The site as it was, for what a reload can keep from it: its pages and their bodies, and
/// the content files changed since.
pub(crate) struct Before<'a> {
    pub(crate) site: &'a mut Site,
    pub(crate) bodies: &'a mut Bodies,
    pub(crate) changed: &'a HashSet<PathBuf>,
}

/// settings -> load and parse (only what `parsed` lacks) -> model -> markdown (kept from
/// `before` where links resolve as they did) -> history. Also whether the bodies were kept;
/// `before` is left as it was unless they were.
pub(crate) fn reload(
    opts: &Options,
    parsed: &mut Parsed,
    before: Option<Before>,
) -> Result<(Loaded, bool), Diagnostics> {
    let mut laps = Laps::new();
    let git = std::sync::Arc::new(crate::history::Probe::when_asked(&opts.root));
    let settings = crate::settings(opts, &git)?;
    let mut history = before.is_none().then(|| crate::history_thread(opts, &settings.config, &git)).flatten();
    if parsed.files.is_none() {
        let (sources, files, walk) = crate::read_and_parse(opts, &settings.config, &mut laps, Default::default());
        *parsed = Parsed { files: Some(files), walk, sources };
    }
    let mut diags = parsed.walk.clone();
    let docs =
        parsed.files.iter().flatten().filter_map(|(_, doc)| doc.as_ref().map_err(|d| diags.push(d.clone())).ok());
    let docs = docs.cloned().collect();
    laps.lap("the files as last parsed");
    let (mut site, problems) = crate::model_site(settings, docs, parsed.sources.assets.clone(), opts.drafts);
    diags.extend(problems);
    laps.lap("model");
    // With errors the markdown runs anyway (its link warnings are reported with them, as in a
    // fresh build), and links into a broken site may resolve differently.
    let errors = diags.iter().any(|d| d.severity == Severity::Error);
    let (bodies, link_problems, kept) = match before {
        Some(b) if !errors && same_link_targets(b.site, &site) => {
            let mut kept_history = b.site.history.take();
            if let Some(h) = kept_history.as_mut() {
                h.uncommitted = git.uncommitted().unwrap_or_default();
            }
            site.history = kept_history;
            let old = (&b.site.items[..], std::mem::take(b.bodies), b.changed);
            let (bodies, problems) = markdown::render_all_reusing(&mut site, Some(old));
            (bodies, problems, true)
        }
        _ => {
            history = history.or_else(|| crate::history_thread(opts, &site.config, &git));
            let (bodies, problems) = markdown::render_all(&mut site);
            site.history = history.and_then(|h| h.join().ok().flatten());
            (bodies, problems, false)
        }
    };
    laps.lap("markdown and history");
    let warnings = crate::conclude(opts, diags, link_problems)?;
    let sources = parsed.sources.clone();
    Ok((Loaded { site, bodies, sources, warnings, stages: laps.stages }, kept))
}

/// Whether every link resolves in `new` as in `old`: the same pages, at the same addresses,
/// with the same titles, aliases and drafts.
fn same_link_targets(old: &Site, new: &Site) -> bool {
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
