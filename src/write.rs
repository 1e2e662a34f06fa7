//! Write: outputs -> the output folder. No output path may leave the output folder, and a
//! failed build leaves the previous site untouched:
//!
//! - a new output folder is written beside its place and renamed into it at the end;
//! - an existing one is updated in two passes: first everything is rendered and compared
//!   with the bytes already there (errors stop the build here, before any write into it),
//!   then only the files that changed are written and the ones no longer made are removed.
//!   Rebuilding a big site where little changed writes little, which is most of a build's
//!   time. Between the passes, changed outputs wait in memory, or for the big ones (the
//!   site's calendar and feeds, the search index) in a stage folder beside the output folder.

use crate::diag::{Diagnostic, Diagnostics};
use crate::render::{Body, Job, Output, Renderer};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Checks that a `/`-separated output path stays inside the output folder.
pub fn safe_join(root: &Path, rel: &str) -> Option<PathBuf> {
    let mut p = root.to_path_buf();
    for part in rel.split('/') {
        if !crate::load::is_safe_component(part) {
            return None;
        }
        p.push(part);
    }
    Some(p)
}

/// What a write did: outputs made, and files written (the rest already held those bytes).
#[derive(Debug, Default, Clone, Copy)]
pub struct Written {
    pub outputs: usize,
    pub written: usize,
}

/// The last build's manifest of `out_dir`, read on a thread of its own: started before the
/// site loads, it is read by the time the write starts, on a core the load leaves idle.
pub struct Before(std::thread::JoinHandle<Option<Listed>>);

pub fn read_before(out_dir: &Path) -> Before {
    let out_dir = out_dir.to_path_buf();
    Before(std::thread::spawn(move || Manifest::load(&out_dir)))
}

/// Renders every job in parallel and writes the site into `out_dir`.
pub fn write_site(r: &Renderer, jobs: &[Job], out_dir: &Path, before: Before) -> Result<Written, Diagnostics> {
    refuse_site_folders(out_dir)?;
    if out_dir.is_dir() {
        update_in_place(r, jobs, out_dir, before.0.join().unwrap_or(None))
    } else {
        write_fresh(r, jobs, out_dir)
    }
}

/// An output folder is replaced as a whole; never let that be the site itself.
fn refuse_site_folders(out_dir: &Path) -> Result<(), Diagnostics> {
    if out_dir.join(crate::config::FILE).exists() || out_dir.join("content").is_dir() {
        return Err(Diagnostics(vec![Diagnostic::error(
            out_dir,
            0,
            "refusing to write the site into this folder: it holds moot.toml or content/",
        )
        .hint("choose an output folder of its own, e.g. --output public")]));
    }
    Ok(())
}

/// Remembers every output path, so two outputs for one path are an error.
struct Seen(Mutex<HashSet<String>>);

impl Seen {
    fn claim(&self, o: &Output) -> Result<(), Diagnostic> {
        if self.0.lock().expect("no panics while held").insert(o.path.clone()) {
            return Ok(());
        }
        Err(Diagnostic::error(&o.path, 0, format!("two outputs would be written to {}", o.path))
            .hint("a page's address clashes with one of moot's own pages (e.g. meetings/past/); rename the file or set `slug`"))
    }
}

/// A new folder: written as the jobs render, into a sibling folder renamed at the end.
fn write_fresh(r: &Renderer, jobs: &[Job], out_dir: &Path) -> Result<Written, Diagnostics> {
    let staging = sibling(out_dir, "moot-new");
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).map_err(|e| Diagnostics(vec![io_error(&staging, e)]))?;
    let seen = Seen(Mutex::new(HashSet::with_capacity(jobs.len() + 64)));
    let dirs = Dirs::default();
    let manifest = Manifest::default();
    let results: Vec<Result<usize, Diagnostic>> = jobs
        .par_iter()
        .map(|job| {
            let outputs = r.run(job)?;
            for o in &outputs {
                seen.claim(o)?;
                let stamp = write_one(&staging, o, &dirs)?;
                manifest.record(&o.path, stamp);
            }
            Ok(outputs.len())
        })
        .collect();
    let counts = crate::diag::collect(results).inspect_err(|_| {
        let _ = std::fs::remove_dir_all(&staging);
    })?;
    if let Some(parent) = out_dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Diagnostics(vec![io_error(parent, e)]))?;
    }
    std::fs::rename(&staging, out_dir).map_err(|e| Diagnostics(vec![io_error(out_dir, e)]))?;
    manifest.save(out_dir, None);
    let n = counts.into_iter().sum();
    Ok(Written { outputs: n, written: n })
}

/// How many bytes of changed outputs pass one keeps for pass two; past this, the jobs are
/// rendered again in pass two instead, so memory stays bounded on a first build of a big site.
const KEEP_BYTES: usize = 16 << 20;

/// A job whose changed outputs come to this many bytes (the site's calendar and feeds, the
/// search index) has them written to the stage folder in pass one and moved into place in
/// pass two: kept, they would take most of [`KEEP_BYTES`] (the 10k site's calendar is 20 MB)
/// and leave every other changed job to be rendered twice, which made a rebuild after one
/// edit twice as slow as one after none.
const STAGE_BYTES: usize = 1 << 20;

/// What pass one found for one job: its outputs, the changed ones kept for pass two or
/// written to the stage folder, and whether the job must be rendered again (its changes did
/// not fit in memory).
struct Compared {
    outputs: usize,
    changed: Vec<Output>,
    staged: Vec<Staged>,
    again: bool,
}

/// A changed output written to the stage folder, waiting to be moved into place.
struct Staged {
    file: PathBuf,
    path: String,
    stamp: Option<Stamp>,
}

/// The folder beside the output folder (`.public.moot-stage` for `public/`) where pass one
/// writes the changed outputs of big jobs. It is on the same file system, so pass two moves
/// them with a rename; a build that fails removes it, and the next build removes any left.
struct Stage {
    dir: PathBuf,
    next: std::sync::atomic::AtomicUsize,
}

impl Stage {
    fn new(out_dir: &Path) -> Stage {
        let dir = sibling(out_dir, "moot-stage");
        let _ = std::fs::remove_dir_all(&dir);
        Stage { dir, next: Default::default() }
    }

    /// Writes the outputs held in memory to the stage folder; the others (files copied as
    /// they are) are returned, to be copied in pass two.
    fn put(&self, outputs: Vec<Output>) -> Result<(Vec<Staged>, Vec<Output>), Diagnostic> {
        std::fs::create_dir_all(&self.dir).map_err(|e| io_error(&self.dir, e))?;
        let mut staged = Vec::new();
        let mut rest = Vec::new();
        for o in outputs {
            let Some(bytes) = in_memory(&o.body) else {
                rest.push(o);
                continue;
            };
            let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let file = self.dir.join(n.to_string());
            let stamp = write_file(&file, bytes).map_err(|e| io_error(&file, e))?;
            staged.push(Staged { file, path: o.path, stamp });
        }
        Ok((staged, rest))
    }

    fn remove(&self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// An existing folder: compare everything first, then write only what changed.
fn update_in_place(r: &Renderer, jobs: &[Job], out_dir: &Path, before: Option<Listed>) -> Result<Written, Diagnostics> {
    let seen = Seen(Mutex::new(HashSet::with_capacity(jobs.len() + 64)));
    let kept = std::sync::atomic::AtomicUsize::new(0);
    let dirs = Dirs::default();
    let manifest = Manifest::default();
    let stage = Stage::new(out_dir);
    // Pass one: render, check, compare. Nothing is written into the output folder.
    let results: Vec<Result<Compared, Diagnostic>> = jobs
        .par_iter()
        .map(|job| {
            let outputs = r.run(job)?;
            let n = outputs.len();
            let mut changed = Vec::new();
            for o in outputs {
                seen.claim(&o)?;
                let path = target(out_dir, &o)?;
                match unchanged(&path, &o, before.as_ref()) {
                    Some(stamp) => manifest.record(&o.path, stamp),
                    None => changed.push(o),
                }
            }
            let size: usize = changed.iter().map(|o| in_memory(&o.body).map_or(0, <[u8]>::len)).sum();
            if size >= STAGE_BYTES {
                let (staged, changed) = stage.put(changed)?;
                return Ok(Compared { outputs: n, changed, staged, again: false });
            }
            let keep = kept.fetch_add(size, std::sync::atomic::Ordering::Relaxed) + size <= KEEP_BYTES;
            let again = !keep && !changed.is_empty();
            Ok(Compared { outputs: n, changed: if keep { changed } else { Vec::new() }, staged: Vec::new(), again })
        })
        .collect();
    let results = crate::diag::collect(results).inspect_err(|_| stage.remove())?;
    // Pass two: write what changed.
    let outputs = results.iter().map(|r| r.outputs).sum();
    let mut written = 0;
    let to_write: Vec<&Output> = results.iter().flat_map(|r| r.changed.iter()).collect();
    let to_move: Vec<&Staged> = results.iter().flat_map(|r| r.staged.iter()).collect();
    written += to_write.len() + to_move.len();
    let again: Vec<&Job> = jobs.iter().zip(&results).filter(|(_, r)| r.again).map(|(j, _)| j).collect();
    let mut outcome: Vec<Result<usize, Diagnostic>> = to_write
        .par_iter()
        .map(|o| {
            manifest.record(&o.path, write_one(out_dir, o, &dirs)?);
            Ok(0)
        })
        .collect();
    outcome.extend(
        to_move
            .par_iter()
            .map(|s| {
                let path = safe_join(out_dir, &s.path).expect("checked in pass one");
                make_parent(&path, &dirs)?;
                std::fs::rename(&s.file, &path).map_err(|e| io_error(&path, e))?;
                manifest.record(&s.path, s.stamp);
                Ok(0)
            })
            .collect::<Vec<_>>(),
    );
    stage.remove();
    outcome.extend(
        again
            .par_iter()
            .map(|job| {
                let mut n = 0;
                for o in r.run(job)? {
                    let path = target(out_dir, &o)?;
                    let stamp = match unchanged(&path, &o, before.as_ref()) {
                        Some(stamp) => stamp,
                        None => {
                            n += 1;
                            write_one(out_dir, &o, &dirs)?
                        }
                    };
                    manifest.record(&o.path, stamp);
                }
                Ok(n)
            })
            .collect::<Vec<_>>(),
    );
    written += crate::diag::collect(outcome)?.into_iter().sum::<usize>();
    let made = seen.0.into_inner().expect("no panics while held");
    rayon::join(
        || match &before {
            Some(before) => remove_listed(out_dir, before, &made),
            None => remove_stale(out_dir, &made),
        },
        || manifest.save(out_dir, before.as_ref()),
    );
    Ok(Written { outputs, written })
}

fn target(root: &Path, o: &Output) -> Result<PathBuf, Diagnostic> {
    safe_join(root, &o.path).ok_or_else(|| {
        Diagnostic::error(&o.path, 0, format!("refusing to write {:?}: it would leave the output folder", o.path))
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
    let Ok(meta) = std::fs::metadata(path) else { return false };
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

/// Removes files of an earlier build that this build no longer makes, and the folders that
/// hold none of its files. (Trying to remove every folder and letting the non-empty ones fail
/// cost a failed system call per page.)
fn remove_stale(out_dir: &Path, made: &HashSet<String>) {
    let mut needed: HashSet<&str> = HashSet::with_capacity(made.len());
    for path in made {
        let mut rest = path.as_str();
        while let Some((dir, _)) = rest.rsplit_once('/') {
            if !needed.insert(dir) {
                break;
            }
            rest = dir;
        }
    }
    for entry in walkdir::WalkDir::new(out_dir).contents_first(true).into_iter().flatten() {
        let path = entry.path();
        let Ok(rel) = path.strip_prefix(out_dir) else { continue };
        let Some(rel) = rel.to_str().map(|r| {
            if r.contains('\\') {
                r.replace('\\', "/").into()
            } else {
                std::borrow::Cow::Borrowed(r)
            }
        }) else {
            continue;
        };
        if rel.is_empty() {
            continue;
        }
        if entry.file_type().is_dir() {
            if !needed.contains(rel.as_ref()) {
                let _ = std::fs::remove_dir(path); // only succeeds when empty
            }
        } else if !made.contains(rel.as_ref()) {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Folders made (or found) so far by one write of the site: each is made once, not once per
/// file in it (a `mkdir` and a `stat` per file were a fifth of a fresh build's system time).
#[derive(Default)]
struct Dirs(Mutex<HashSet<PathBuf>>);

/// Writes one output; its stamp for the manifest (none for a copied file).
fn write_one(root: &Path, o: &Output, dirs: &Dirs) -> Result<Option<Stamp>, Diagnostic> {
    let path = target(root, o)?;
    make_parent(&path, dirs)?;
    let bytes: &[u8] = match &o.body {
        Body::Bytes(b) => b,
        Body::Static(b) => b,
        Body::File(from) => return std::fs::copy(from, &path).map(|_| None).map_err(|e| io_error(&path, e)),
    };
    write_file(&path, bytes).map_err(|e| io_error(&path, e))
}

/// Makes the folder `path` goes in, unless this write of the site made or found it already.
fn make_parent(path: &Path, dirs: &Dirs) -> Result<(), Diagnostic> {
    if let Some(parent) = path.parent() {
        let known = dirs.0.lock().expect("no panics while held").contains(parent);
        if !known {
            std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
            dirs.0.lock().expect("no panics while held").insert(parent.to_path_buf());
        }
    }
    Ok(())
}

/// Writes `bytes` to `path`; the stamp the manifest keeps for it.
fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<Option<Stamp>> {
    use std::io::Write;
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)?;
    Ok(Stamp::of(&file.metadata()?, hash(bytes)))
}

/// What the last build wrote, kept beside the output folder (`.public.moot-manifest` for
/// `public/`), so that a rebuild need not read every file back to compare: a file whose size
/// and modification time are those the manifest holds, and whose new bytes hash to the same,
/// is unchanged. Anything else (no manifest, a file changed since by hand) is compared byte
/// for byte. It also lists every output, copied files included, so that what a build no
/// longer makes is removed without walking the folder.
/// Copied files are listed with no stamp: they are always compared byte for byte.
#[derive(Default)]
struct Manifest(Mutex<Listed>);

/// The outputs a manifest lists, by path: while a build makes it, in a [`Manifest`]; as the
/// last build left it, on its own (no lock: it is only read).
#[derive(Default, PartialEq)]
pub struct Listed(HashMap<String, Option<Stamp>>);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Stamp {
    len: u64,
    /// Modification time, in nanoseconds since 1970.
    modified: i128,
    hash: u64,
}

const MANIFEST_TAG: &str = "moot manifest 2";

impl Stamp {
    fn of(meta: &std::fs::Metadata, hash: u64) -> Option<Stamp> {
        let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos() as i128;
        Some(Stamp { len: meta.len(), modified, hash })
    }
}

fn hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

impl Manifest {
    fn path(out_dir: &Path) -> PathBuf {
        sibling(out_dir, "moot-manifest")
    }

    /// Lists an output (so a later build removes it when it is no longer made), with its stamp.
    fn record(&self, path: &str, stamp: Option<Stamp>) {
        self.0.lock().expect("no panics while held").0.insert(path.to_string(), stamp);
    }

    /// The manifest of the last build into `out_dir`, if there is one moot can read.
    fn load(out_dir: &Path) -> Option<Listed> {
        let text = std::fs::read_to_string(Manifest::path(out_dir)).ok()?;
        let mut lines = text.lines();
        if lines.next()? != MANIFEST_TAG {
            return None;
        }
        let mut map = HashMap::new();
        for line in lines {
            let mut f = line.splitn(4, ' ');
            let (hash, len, modified, path) = (f.next()?, f.next()?, f.next()?, f.next()?);
            let stamp = match (hash, len, modified) {
                ("-", "-", "-") => None,
                _ => Some(Stamp {
                    hash: u64::from_str_radix(hash, 16).ok()?,
                    len: len.parse().ok()?,
                    modified: modified.parse().ok()?,
                }),
            };
            map.insert(path.to_string(), stamp);
        }
        Some(Listed(map))
    }

    /// Best effort: without a manifest the next build compares files byte for byte. Not
    /// written again when it lists what `before`, the one read, lists.
    fn save(self, out_dir: &Path, before: Option<&Listed>) {
        use std::fmt::Write;
        let listed = self.0.into_inner().expect("no panics while held");
        if before == Some(&listed) {
            return;
        }
        let map = listed.0;
        let mut entries: Vec<(&String, &Option<Stamp>)> = map.iter().collect();
        entries.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut text = String::with_capacity(entries.len() * 80);
        text.push_str(MANIFEST_TAG);
        text.push('\n');
        for (path, stamp) in entries {
            let _ = match stamp {
                Some(s) => writeln!(text, "{:016x} {} {} {path}", s.hash, s.len, s.modified),
                None => writeln!(text, "- - - {path}"),
            };
        }
        let path = Manifest::path(out_dir);
        let tmp = sibling(out_dir, "moot-manifest-new");
        if std::fs::write(&tmp, text).and_then(|_| std::fs::rename(&tmp, &path)).is_err() {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// `Some` if `path` already holds `o`'s bytes (by the manifest, or else by reading it back),
/// with the stamp to keep for it; `None` if it must be written.
fn unchanged(path: &Path, o: &Output, before: Option<&Listed>) -> Option<Option<Stamp>> {
    let Some(bytes) = in_memory(&o.body) else { return same_bytes(path, &o.body).then_some(None) };
    let meta = std::fs::metadata(path).ok()?;
    let now = Stamp::of(&meta, hash(bytes));
    if now.is_some() && before.and_then(|m| m.0.get(&o.path).copied().flatten()) == now {
        return Some(now);
    }
    same_bytes(path, &o.body).then_some(now)
}

/// Removes the files the last build's manifest lists that this build no longer makes, and
/// the folders they leave empty.
fn remove_listed(out_dir: &Path, before: &Listed, made: &HashSet<String>) {
    for rel in before.0.keys().filter(|p| !made.contains(*p)) {
        let Some(path) = safe_join(out_dir, rel) else { continue };
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
    fn paths_cannot_escape() {
        let root = Path::new("/out");
        assert_eq!(safe_join(root, "a/index.html"), Some(PathBuf::from("/out/a/index.html")));
        for bad in ["../x", "a/../../x", "/etc/passwd", "a//b", "a/./b"] {
            assert_eq!(safe_join(root, bad), None, "{bad}");
        }
    }

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
