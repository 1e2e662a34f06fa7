//! Write: outputs -> the output folder. moot never deletes, overwrites or writes through
//! anything it did not make ([`folder`]), and a build that fails or is killed leaves every
//! file whole, either as the last build left it or as this one made it:
//!
//! - a new output folder is written beside its place and renamed into it at the end;
//! - an existing one (of moot's own: it holds moot's [`manifest`]) is updated in two passes:
//!   first everything is rendered and compared with the bytes already there (errors stop the
//!   build here, before any write into it), then each file that changed is written to a
//!   temporary file in `.moot-tmp/` and renamed over the old one, and the files the last
//!   build listed but this one no longer makes are removed. Rebuilding a big site where
//!   little changed writes little, which is most of a build's time. Between the passes,
//!   changed outputs wait in memory, or for the big ones (the site's calendar and feeds, the
//!   search index) in `.moot-tmp/` already.

pub(crate) mod folder;
pub(crate) mod manifest;
pub(crate) mod record;

use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::render::{Body, Job, Output, Renderer};
use crate::routes::safe_join;
use folder::Dirs;
use manifest::{hash, Found, Listed, Manifest, Stamp};
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// What a write did: outputs made, files written (the rest already held those bytes), and
/// what the build should know about the folder.
#[derive(Debug, Default)]
pub(crate) struct Written {
    pub outputs: usize,
    pub written: usize,
    pub warnings: Vec<Diagnostic>,
}

/// Where a site is written, and how.
pub(crate) struct Target<'a> {
    /// The site's folder: never written into, nor anything that holds it.
    pub site: &'a Path,
    pub out: &'a Path,
    /// Write into a folder that holds files moot did not make (deleting none of them).
    pub force: bool,
    /// What the build is made from, kept in the manifest (its `files` are counted here).
    pub record: Option<record::Record>,
}

/// The last build's manifest of the output folder, read before the site loads (with the
/// build's inputs hashed beside it, see [`record`]).
pub(crate) struct Before(pub(crate) Found);

/// The output folder itself, through a link to it.
fn resolved(out: &Path) -> PathBuf {
    let is_link = std::fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink());
    if is_link {
        folder::resolve(out)
    } else {
        out.to_path_buf()
    }
}

/// The record as the manifest keeps it, with the number of files made and the copied files
/// as written into `out`.
fn record_line(record: Option<&record::Record>, files: usize, listed: &Listed, out: &Path) -> Option<String> {
    record.map(|r| record::Record { files, copies: record::copies(listed, out), ..r.clone() }.to_line())
}

/// Renders every job in parallel and writes the site into `target.out`.
pub(crate) fn write_site(r: &Renderer, jobs: &[Job], target: &Target, before: Before) -> Result<Written, Diagnostics> {
    if let Some(why) = folder::never(target.site, target.out) {
        return Err(Diagnostics(vec![Diagnostic::error(
            target.out,
            0,
            format!("refusing to build into this folder: {why}"),
        )
        .hint("choose an output folder of its own, e.g. --output public")]));
    }
    // Through a link to the output folder, to the folder itself: its contents are replaced,
    // never the link.
    let out = resolved(target.out);
    if !out.exists() {
        return write_fresh(r, jobs, &out, target.record.as_ref());
    }
    let mut warnings = Vec::new();
    let before = match before.0 {
        Found::Listed(listed) => Some(listed),
        Found::Untrusted(why) => {
            warnings.push(why);
            None
        }
        Found::None => None,
    };
    if before.is_none() {
        let foreign = folder::foreign_entries(&out);
        if !foreign.is_empty() {
            if !target.force {
                warnings.push(folder::refuse_foreign(&out, &foreign));
                return Err(Diagnostics(warnings));
            }
            warnings.push(folder::kept_foreign(&out, &foreign));
        }
    }
    let mut written = update_in_place(r, jobs, &out, before, target.record.as_ref())?;
    written.warnings.splice(0..0, warnings);
    Ok(written)
}

/// Remembers every output path, so two outputs for one path are an error.
struct Seen(Mutex<HashSet<String>>);

impl Seen {
    fn new(jobs: usize) -> Seen {
        Seen(Mutex::new(HashSet::with_capacity(jobs + 64)))
    }

    fn claim(&self, o: &Output) -> Result<(), Diagnostic> {
        if self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(o.path.clone()) {
            return Ok(());
        }
        Err(Diagnostic::error(&o.path, 0, format!("two outputs would be written to {}", o.path))
            .hint("a page's address clashes with one of moot's own pages (e.g. meetings/past/); rename the file or set `slug`"))
    }

    fn into_inner(self) -> HashSet<String> {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

/// A new folder: written as the jobs render, into a sibling folder renamed at the end.
fn write_fresh(
    r: &Renderer,
    jobs: &[Job],
    out_dir: &Path,
    record: Option<&record::Record>,
) -> Result<Written, Diagnostics> {
    let staging = sibling(out_dir, "moot-new");
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).map_err(|e| Diagnostics(vec![io_error(&staging, e)]))?;
    let seen = Seen::new(jobs.len());
    let dirs = Dirs::fresh();
    let manifest = Manifest::default();
    let results: Vec<Result<usize, Diagnostic>> = jobs
        .par_iter()
        .map(|job| {
            let outputs = r.run(job)?;
            for o in &outputs {
                seen.claim(o)?;
                let path = target(&staging, o)?;
                dirs.check(&staging, &path, true)?;
                let stamp = write_body(&path, &o.body).map_err(|e| io_error(&path, e))?;
                manifest.record(&o.path, stamp);
            }
            Ok(outputs.len())
        })
        .collect();
    let counts = crate::diag::collect(results).inspect_err(|_| {
        let _ = std::fs::remove_dir_all(&staging);
    })?;
    let fail = |path: &Path, e: std::io::Error| {
        let _ = std::fs::remove_dir_all(&staging);
        Diagnostics(vec![io_error(path, e)])
    };
    let n = counts.into_iter().sum();
    let mut listed = manifest.into_listed();
    listed.1 = record_line(record, n, &listed, &staging);
    listed.save(&staging, &staging.join(folder::WORK_DIR)).map_err(|e| fail(&staging, e))?;
    let _ = std::fs::remove_dir(staging.join(folder::WORK_DIR));
    if let Some(parent) = out_dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| fail(parent, e))?;
    }
    std::fs::rename(&staging, out_dir).map_err(|e| fail(out_dir, e))?;
    Ok(Written { outputs: n, written: n, warnings: Vec::new() })
}

/// How many bytes of changed outputs pass one keeps for pass two; past this, the jobs are
/// rendered again in pass two instead, so memory stays bounded on a first build of a big site.
const KEEP_BYTES: usize = 16 << 20;

/// A job whose changed outputs come to this many bytes (the site's calendar and feeds, the
/// search index) has them written to the work folder in pass one and moved into place in
/// pass two: kept, they would take most of [`KEEP_BYTES`] (the 10k site's calendar is 20 MB)
/// and leave every other changed job to be rendered twice, which made a rebuild after one
/// edit twice as slow as one after none.
const STAGE_BYTES: usize = 1 << 20;

/// What pass one found for one job: its outputs, the changed ones kept for pass two or
/// written to the work folder, and whether the job must be rendered again (its changes did
/// not fit in memory).
struct Compared {
    outputs: usize,
    changed: Vec<Output>,
    staged: Vec<Staged>,
    again: bool,
}

/// A changed output written to the work folder, waiting to be moved into place.
struct Staged {
    file: PathBuf,
    path: String,
    stamp: Option<Stamp>,
}

/// moot's working folder inside the output folder (`public/.moot-tmp/`): every changed file
/// is written there first and renamed into place, so no file of the site is ever seen half
/// written. It is on the same file system as the files it replaces, so a rename moves it.
struct Work {
    dir: PathBuf,
    next: AtomicUsize,
    made: std::sync::OnceLock<Result<(), String>>,
}

impl Work {
    /// The work folder of `out_dir`, emptied of what a killed build left there.
    fn new(out_dir: &Path) -> Work {
        let dir = out_dir.join(folder::WORK_DIR);
        match std::fs::symlink_metadata(&dir) {
            Ok(m) if m.is_dir() => {
                let _ = std::fs::remove_dir_all(&dir);
            }
            Ok(_) => {
                let _ = std::fs::remove_file(&dir);
            }
            Err(_) => {}
        }
        Work { dir, next: AtomicUsize::new(0), made: std::sync::OnceLock::new() }
    }

    /// A new temporary file's path.
    fn file(&self) -> Result<PathBuf, Diagnostic> {
        let made = self.made.get_or_init(|| match std::fs::create_dir(&self.dir) {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => Err(e.to_string()),
            _ => Ok(()),
        });
        if let Err(e) = made {
            return Err(Diagnostic::error(&self.dir, 0, format!("cannot make moot's work folder: {e}")));
        }
        Ok(self.dir.join(self.next.fetch_add(1, Ordering::Relaxed).to_string()))
    }

    /// Writes the outputs held in memory to the work folder; the others (files copied as
    /// they are) are returned, to be copied in pass two.
    fn put(&self, out_dir: &Path, outputs: Vec<Output>) -> Result<(Vec<Staged>, Vec<Output>), Diagnostic> {
        let mut staged = Vec::new();
        let mut rest = Vec::new();
        for o in outputs {
            if in_memory(&o.body).is_none() {
                rest.push(o);
                continue;
            }
            let file = self.file()?;
            // The error names the file the site would have, not moot's temporary one.
            let stamp = write_body(&file, &o.body).map_err(|e| {
                let _ = std::fs::remove_file(&file);
                io_error(&target(out_dir, &o).unwrap_or_else(|d| d.path), e)
            })?;
            staged.push(Staged { file, path: o.path, stamp });
        }
        Ok((staged, rest))
    }

    /// Writes `o` to `path` whole: to a temporary file first, renamed over the old one.
    fn replace(&self, path: &Path, body: &Body) -> Result<Option<Stamp>, Diagnostic> {
        let file = self.file()?;
        let stamp = write_body(&file, body).map_err(|e| {
            let _ = std::fs::remove_file(&file);
            io_error(path, e)
        })?;
        self.rename(&file, path)?;
        Ok(stamp)
    }

    fn rename(&self, file: &Path, path: &Path) -> Result<(), Diagnostic> {
        std::fs::rename(file, path).map_err(|e| {
            let _ = std::fs::remove_file(file);
            io_error(path, e)
        })
    }

    fn remove(&self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// An existing folder: compare everything first, then write only what changed.
fn update_in_place(
    r: &Renderer,
    jobs: &[Job],
    out_dir: &Path,
    before: Option<Listed>,
    record: Option<&record::Record>,
) -> Result<Written, Diagnostics> {
    let seen = Seen::new(jobs.len());
    let kept = AtomicUsize::new(0);
    let dirs = Dirs::default();
    let manifest = Manifest::default();
    let work = Work::new(out_dir);
    // Pass one: render, check, compare. Nothing is written into the site's files.
    let results: Vec<Result<Compared, Diagnostic>> = jobs
        .par_iter()
        .map(|job| {
            let outputs = r.run(job)?;
            let n = outputs.len();
            let mut changed = Vec::new();
            for o in outputs {
                seen.claim(&o)?;
                let path = target(out_dir, &o)?;
                let exists = dirs.check(out_dir, &path, false)?;
                match exists.then(|| unchanged(&path, &o, before.as_ref())).flatten() {
                    Some(stamp) => manifest.record(&o.path, stamp),
                    None => changed.push(o),
                }
            }
            let size: usize = changed.iter().map(|o| in_memory(&o.body).map_or(0, <[u8]>::len)).sum();
            if size >= STAGE_BYTES {
                let (staged, changed) = work.put(out_dir, changed)?;
                return Ok(Compared { outputs: n, changed, staged, again: false });
            }
            let keep = kept.fetch_add(size, Ordering::Relaxed) + size <= KEEP_BYTES;
            let again = !keep && !changed.is_empty();
            Ok(Compared { outputs: n, changed: if keep { changed } else { Vec::new() }, staged: Vec::new(), again })
        })
        .collect();
    let results = crate::diag::collect(results).inspect_err(|_| work.remove())?;
    let made = seen.into_inner();
    // A build killed in pass two must still know, next time, the files it added: the
    // manifest lists them before they are written.
    if let Some(before) = &before {
        // (Or the last build's record: a build killed in pass two is not "up to date".)
        if made.iter().any(|p| !before.0.contains_key(p)) || before.1.is_some() {
            let mut both = before.clone();
            // Not up to date until this build is done.
            both.1 = None;
            both.0.extend(made.iter().filter(|p| !before.0.contains_key(*p)).map(|p| (p.clone(), None)));
            if let Err(e) = both.save(out_dir, &work.dir) {
                work.remove();
                return Err(Diagnostics(vec![io_error(&manifest::path(out_dir), e)]));
            }
        }
    }
    // Pass two: write what changed, each file whole.
    let outputs = results.iter().map(|r| r.outputs).sum();
    let to_write: Vec<&Output> = results.iter().flat_map(|r| r.changed.iter()).collect();
    let to_move: Vec<&Staged> = results.iter().flat_map(|r| r.staged.iter()).collect();
    let again: Vec<&Job> = jobs.iter().zip(&results).filter(|(_, r)| r.again).map(|(j, _)| j).collect();
    let replaced = AtomicUsize::new(0);
    // The first write that fails stops the others (the disk is full, most likely): the files
    // not yet replaced stay as they were.
    let stopped = std::sync::atomic::AtomicBool::new(false);
    let guard = |r: Result<(), Diagnostic>| {
        if r.is_err() {
            stopped.store(true, Ordering::Relaxed);
        }
        r
    };
    let go_on = || !stopped.load(Ordering::Relaxed);
    let write = |path: &Path, rel: &str, body: &Body| -> Result<(), Diagnostic> {
        if !go_on() {
            return Ok(());
        }
        guard(dirs.check(out_dir, path, true).map(|_| ()))?;
        let stamp = work.replace(path, body).inspect_err(|_| stopped.store(true, Ordering::Relaxed))?;
        manifest.record(rel, stamp);
        replaced.fetch_add(1, Ordering::Relaxed);
        Ok(())
    };
    let mut outcome: Vec<Result<(), Diagnostic>> =
        to_write.par_iter().map(|o| write(&target(out_dir, o)?, &o.path, &o.body)).collect();
    outcome.extend(
        to_move
            .par_iter()
            .map(|s| {
                if !go_on() {
                    return Ok(());
                }
                let path = target_of(out_dir, &s.path)?;
                guard(dirs.check(out_dir, &path, true).map(|_| ()))?;
                guard(work.rename(&s.file, &path))?;
                manifest.record(&s.path, s.stamp);
                replaced.fetch_add(1, Ordering::Relaxed);
                Ok(())
            })
            .collect::<Vec<_>>(),
    );
    outcome.extend(
        again
            .par_iter()
            .map(|job| {
                for o in r.run(job)? {
                    let path = target(out_dir, &o)?;
                    let exists = dirs.check(out_dir, &path, false)?;
                    match exists.then(|| unchanged(&path, &o, before.as_ref())).flatten() {
                        Some(stamp) => manifest.record(&o.path, stamp),
                        None => write(&path, &o.path, &o.body)?,
                    }
                }
                Ok(())
            })
            .collect::<Vec<_>>(),
    );
    let failed: Vec<Diagnostic> = outcome.into_iter().filter_map(Result::err).collect();
    let replaced = replaced.into_inner();
    if !failed.is_empty() {
        work.remove();
        return Err(partly_written(out_dir, failed, replaced));
    }
    let mut warnings = Vec::new();
    if let Some(before) = &before {
        remove_listed(out_dir, before, &made, &dirs, &mut warnings);
    }
    let mut listed = manifest.into_listed();
    listed.1 = record_line(record, outputs, &listed, out_dir);
    if before.as_ref() != Some(&listed) {
        if let Err(e) = listed.save(out_dir, &work.dir) {
            warnings.push(
                Diagnostic::warning(manifest::path(out_dir), 0, format!("cannot write moot's manifest: {e}"))
                    .hint("the site is written; without the manifest the next build needs --force"),
            );
        }
    }
    work.remove();
    Ok(Written { outputs, written: replaced, warnings })
}

/// The errors of a pass two that stopped, and what it did and did not replace.
fn partly_written(out_dir: &Path, mut failed: Vec<Diagnostic>, replaced: usize) -> Diagnostics {
    let note = format!(
        "{replaced} changed file{} replaced before the error{}; every other file is as the last build left it, and none is half written",
        if replaced == 1 { " was" } else { "s were" },
        if failed.len() > 1 { "s" } else { "" },
    );
    failed.push(Diagnostic {
        severity: Severity::Note,
        ..Diagnostic::error(out_dir, 0, note)
            .hint("fix the problem and build again: the next build finishes the update")
    });
    Diagnostics(failed)
}

fn target(root: &Path, o: &Output) -> Result<PathBuf, Diagnostic> {
    target_of(root, &o.path)
}

fn target_of(root: &Path, rel: &str) -> Result<PathBuf, Diagnostic> {
    safe_join(root, rel).ok_or_else(|| {
        Diagnostic::error(rel, 0, format!("refusing to write {rel:?}: it would leave the output folder"))
    })
}

/// The bytes of an output made in memory; `None` for a file copied as it is.
fn in_memory(b: &Body) -> Option<&[u8]> {
    match b {
        Body::Bytes(v) => Some(v),
        Body::Static(s) => Some(s),
        Body::File(_) => None,
    }
}

/// Whether `path` already holds exactly these bytes (sizes are compared first). Reads in
/// blocks, so comparing a 200 MB calendar does not need another 200 MB.
fn same_bytes(path: &Path, body: &Body) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(path) else { return false };
    if !meta.is_file() {
        return false;
    }
    let want: std::borrow::Cow<[u8]> = match body {
        Body::Bytes(v) => v.as_slice().into(),
        Body::Static(s) => (*s).into(),
        Body::File(from) => match std::fs::metadata(from) {
            Ok(m) if m.len() == meta.len() => match std::fs::read(from) {
                Ok(v) => v.into(),
                Err(_) => return false,
            },
            _ => return false,
        },
    };
    meta.len() == want.len() as u64 && file_equals(path, &want).unwrap_or(false)
}

fn file_equals(path: &Path, mut want: &[u8]) -> std::io::Result<bool> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut block = vec![0u8; want.len().clamp(1, 256 << 10)];
    loop {
        let n = file.read(&mut block)?;
        if n == 0 {
            return Ok(want.is_empty());
        }
        if n > want.len() || block[..n] != want[..n] {
            return Ok(false);
        }
        want = &want[n..];
    }
}

/// Writes a body to a new file at `path`; its stamp for the manifest (none for a copied file).
fn write_body(path: &Path, body: &Body) -> std::io::Result<Option<Stamp>> {
    use std::io::Write;
    let bytes: &[u8] = match body {
        Body::Bytes(b) => b,
        Body::Static(b) => b,
        Body::File(from) => return std::fs::copy(from, path).map(|_| None),
    };
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)?;
    Ok(Stamp::of(&file.metadata()?, hash(bytes)))
}

/// `Some` if `path` already holds `o`'s bytes (by the manifest, or else by reading it back),
/// with the stamp to keep for it; `None` if it must be written.
fn unchanged(path: &Path, o: &Output, before: Option<&Listed>) -> Option<Option<Stamp>> {
    let Some(bytes) = in_memory(&o.body) else { return same_bytes(path, &o.body).then_some(None) };
    let meta = std::fs::symlink_metadata(path).ok().filter(std::fs::Metadata::is_file)?;
    let now = Stamp::of(&meta, hash(bytes));
    if now.is_some() && before.and_then(|m| m.get(&o.path)) == now {
        return Some(now);
    }
    same_bytes(path, &o.body).then_some(now)
}

/// Removes the files the last build's manifest lists that this build no longer makes, and
/// the folders they leave empty; never through a link, never moot's own files or a `.git`.
fn remove_listed(out_dir: &Path, before: &Listed, made: &HashSet<String>, dirs: &Dirs, warnings: &mut Vec<Diagnostic>) {
    for rel in before.0.keys().filter(|p| !made.contains(*p)) {
        if rel.split('/').any(|part| part == ".git" || part == folder::WORK_DIR || part == manifest::FILE) {
            continue;
        }
        let Some(path) = safe_join(out_dir, rel) else { continue };
        match dirs.check_to(out_dir, &path, false, "remove") {
            Ok(true) => {}
            Ok(false) => continue,
            Err(d) => {
                warnings.push(Diagnostic { severity: Severity::Warning, ..d });
                continue;
            }
        }
        let _ = std::fs::remove_file(&path);
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| *d != out_dir) {
            if std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
}

fn sibling(dir: &Path, tag: &str) -> PathBuf {
    let name = dir.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().to_string());
    dir.with_file_name(format!(".{name}.{tag}"))
}

fn io_error(path: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(path, 0, format!("cannot write: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_files_in_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        let big: Vec<u8> = (0..600_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&p, &big).unwrap();
        assert!(file_equals(&p, &big).unwrap());
        let mut other = big.clone();
        other[599_999] ^= 1;
        assert!(!file_equals(&p, &other).unwrap());
        assert!(!file_equals(&p, &big[..599_999]).unwrap());
        std::fs::write(&p, b"").unwrap();
        assert!(file_equals(&p, b"").unwrap());
    }
}
