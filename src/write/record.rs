//! The build record: what a build was made from, kept in its manifest, so that a build of an
//! unchanged site into an intact output folder can stop before it starts ("nothing changed
//! since the last build") instead of rendering every page to find each the same.
//!
//! What a site's output depends on, and so what the record holds:
//!
//! - the inputs: moot.toml, every file under `content/`, `static/` and each theme of
//!   `themes/` (its path, size and modification time, and for files up to 256 KiB their
//!   bytes, so that an edit within the file system's clock tick is still seen), git's commit
//!   and what under `content/` is not committed (page history), the moot binary itself (its
//!   size and modification time: a new moot renders anew), the command's options and the
//!   "now" it was given (`--now`, `SOURCE_DATE_EPOCH`);
//! - when "now" is the clock's, the moment the output would change by itself
//!   (`until`): the next midnight in the site's zone ("today") and in UTC (the feeds'
//!   DTSTAMP), the next end of an occurrence (it stops being upcoming), the next time an
//!   open-ended series grows ([`crate::model::Site::changes_at`]);
//! - its own "now": a clock set back past it is not trusted;
//! - and, to say the same as the build did: its counts and warnings.
//!
//! The output folder must also be as the build left it: every file with the size and
//! modification time it was written with (the manifest's stamps; for copied files, which the
//! manifest does not stamp, the record's `copies`).

use super::manifest::{Listed, Stamp};
use crate::diag::{Diagnostic, Severity};
use jiff::Timestamp;
use rayon::prelude::*;
use serde_json::{json, Value};
use std::hash::Hasher;
use std::path::{Path, PathBuf};

/// Files up to this size are hashed whole; bigger ones (images, PDFs) by size and time.
const READ_UP_TO: u64 = 256 << 10;

/// A build's record (see the module).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Record {
    pub inputs: u64,
    /// The build's "now" (seconds): a clock that went back since is not trusted.
    pub now: i64,
    /// The copied outputs (unstamped in the manifest) as written: (path, size and time).
    pub copies: Vec<(String, String)>,
    /// Seconds since 1970 after which the same inputs make other output; `None`: never.
    pub until: Option<i64>,
    pub counts: Vec<usize>,
    pub files: usize,
    pub warnings: Vec<Diagnostic>,
}

impl Record {
    pub(crate) fn to_line(&self) -> String {
        let warnings: Vec<Value> = self
            .warnings
            .iter()
            .map(|w| json!([w.path.to_string_lossy(), w.line, w.column, w.message, w.hint]))
            .collect();
        json!({
            "inputs": format!("{:016x}", self.inputs),
            "now": self.now,
            "copies": self.copies,
            "until": self.until,
            "counts": self.counts,
            "files": self.files,
            "warnings": warnings,
        })
        .to_string()
    }

    pub(crate) fn parse(line: &str) -> Option<Record> {
        let v: Value = serde_json::from_str(line).ok()?;
        let warnings = v["warnings"]
            .as_array()?
            .iter()
            .map(|w| {
                let w = w.as_array()?;
                Some(Diagnostic {
                    severity: Severity::Warning,
                    path: PathBuf::from(w.first()?.as_str()?),
                    line: w.get(1)?.as_u64()? as usize,
                    column: w.get(2)?.as_u64()? as usize,
                    message: w.get(3)?.as_str()?.to_string(),
                    hint: w.get(4)?.as_str().map(String::from),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let copies = v["copies"]
            .as_array()?
            .iter()
            .map(|c| Some((c.get(0)?.as_str()?.to_string(), c.get(1)?.as_str()?.to_string())))
            .collect::<Option<Vec<_>>>()?;
        Some(Record {
            inputs: u64::from_str_radix(v["inputs"].as_str()?, 16).ok()?,
            now: v["now"].as_i64()?,
            copies,
            until: v["until"].as_i64(),
            counts: v["counts"].as_array()?.iter().map(|c| c.as_u64().map(|c| c as usize)).collect::<Option<_>>()?,
            files: v["files"].as_u64()? as usize,
            warnings,
        })
    }
}

/// The hash of everything a build of `opts` reads (see the module), `now_given` being the
/// "now" it was given, if any, but for git's part (see [`Inputs::with`]); with `keep`, the
/// markdown files of `content/` read for it, for the load to take rather than read again.
pub(crate) fn inputs(
    opts: &crate::Options,
    now_given: Option<Timestamp>,
    keep: bool,
) -> (Inputs, crate::load::Preread) {
    let mut pre = crate::load::Preread::new();
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let mut put = |bytes: &[u8]| framed(&mut h, bytes);
    put(env!("CARGO_PKG_VERSION").as_bytes());
    if let Some(m) = std::env::current_exe().ok().and_then(|e| std::fs::metadata(e).ok()) {
        put(&meta_key(&m));
    }
    let crate::Options { root, output, drafts, base_url, now: _, clock: _, check_only, force: _ } = opts;
    put(format!("{root:?} {output:?} {drafts} {base_url:?} {check_only} {now_given:?}").as_bytes());
    // Read only if a plain file (a named pipe would wait for ever; the load says what it is).
    let config = root.join(crate::config::FILE);
    if std::fs::metadata(&config).is_ok_and(|m| m.is_file()) {
        put(&std::fs::read(&config).unwrap_or_default());
    }
    // Each theme on its own: a theme folder may be a link, which the load follows (as the
    // walk follows its root).
    let themes: Vec<PathBuf> = std::fs::read_dir(root.join("themes"))
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    let mut roots = vec![root.join("content"), root.join("static")];
    roots.extend(themes.into_iter().collect::<std::collections::BTreeSet<_>>());
    for dir in roots {
        put(dir.to_string_lossy().as_bytes());
        let keep = keep && dir == root.join("content");
        let entries: Vec<walkdir::DirEntry> = walkdir::WalkDir::new(dir)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .collect();
        let keys: Vec<(Vec<u8>, Option<Kept>)> = entries.par_iter().map(|e| entry_key(root, e, keep)).collect();
        for (k, kept) in keys {
            put(&k);
            if let Some((path, read)) = kept {
                pre.insert(path, read);
            }
        }
    }
    (Inputs(h), pre)
}

/// The inputs' hash, all but git's part, which is put in last: a build that cannot be skipped
/// needs the hash only for its record, and need not wait for git before it starts.
#[derive(Clone)]
pub(crate) struct Inputs(xxhash_rust::xxh3::Xxh3);

impl Inputs {
    /// The whole hash, with git's `state`: the commit, whether the site is in a work tree at
    /// all, and what is not committed (page history marks it), as
    /// [`crate::history::Probe::state`] gives them.
    pub(crate) fn with(&self, state: Option<&str>) -> u64 {
        let mut h = self.0.clone();
        framed(&mut h, state.unwrap_or_default().as_bytes());
        h.finish()
    }
}

/// Puts `bytes` into the inputs' hash after their length, so that no two runs of parts hash
/// alike.
fn framed(h: &mut xxhash_rust::xxh3::Xxh3, bytes: &[u8]) {
    h.write_usize(bytes.len());
    h.write(bytes);
}

/// A markdown file read while hashing: its path, bytes and modification time.
type Kept = (PathBuf, (Vec<u8>, Option<Timestamp>));

/// A file's size and modification time, as bytes to hash.
fn meta_key(m: &std::fs::Metadata) -> Vec<u8> {
    let modified = m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
    format!("{} {:?}", m.len(), modified.map(|d| d.as_nanos())).into_bytes()
}

/// What one walked entry adds to the inputs: its path and kind, size and time, and for a
/// small file its bytes' hash; with `keep`, a markdown file's bytes for the load.
fn entry_key(root: &Path, e: &walkdir::DirEntry, keep: bool) -> (Vec<u8>, Option<Kept>) {
    let mut key = e.path().strip_prefix(root).unwrap_or(e.path()).to_string_lossy().into_owned().into_bytes();
    key.push(0);
    let Ok(meta) = std::fs::symlink_metadata(e.path()) else { return (key, None) };
    key.extend(format!("{:?}", meta.file_type()).bytes());
    key.extend(meta_key(&meta));
    let mut kept = None;
    if meta.is_file() && meta.len() <= READ_UP_TO {
        if let Ok(bytes) = std::fs::read(e.path()) {
            key.extend(xxhash_rust::xxh3::xxh3_64(&bytes).to_le_bytes());
            // Only what the load's walk reads (not in a hidden or editor's folder).
            let walked = || {
                let rel = e.path().strip_prefix(root.join("content")).unwrap_or(e.path());
                rel.components().all(|c| !crate::load::is_ignored(&c.as_os_str().to_string_lossy()))
            };
            if keep && e.path().extension().is_some_and(|x| x == "md") && walked() {
                let modified = meta.modified().ok().and_then(|t| Timestamp::try_from(t).ok());
                kept = Some((e.path().to_path_buf(), (bytes, modified)));
            }
        }
    } else if meta.file_type().is_symlink() {
        key.extend(std::fs::read_link(e.path()).map(|t| t.to_string_lossy().into_owned()).unwrap_or_default().bytes());
    }
    (key, kept)
}

/// The last build's record, if the output folder `out` (its manifest `listed`) is as that
/// build left it, was made from `inputs` and is still what a build at `now` would make.
pub(crate) fn still_valid(listed: &Listed, out: &Path, inputs: u64, now: Timestamp) -> Option<Record> {
    let record = Record::parse(listed.1.as_deref()?)?;
    let now = now.as_second();
    if record.inputs != inputs || record.until.is_some_and(|u| now >= u) || now < record.now {
        return None;
    }
    let copies: std::collections::HashMap<&str, &str> =
        record.copies.iter().map(|(p, k)| (p.as_str(), k.as_str())).collect();
    let intact = listed.0.par_iter().all(|(path, stamp)| match std::fs::symlink_metadata(out.join(path)) {
        Ok(m) if m.is_file() => match stamp {
            Some(s) => Stamp::of(&m, s.hash()) == Some(*s),
            None => copies.get(path.as_str()).is_some_and(|k| k.as_bytes() == meta_key(&m)),
        },
        _ => false,
    });
    intact.then_some(record)
}

/// The copied outputs of `listed` (those without a stamp), each with its size and time as
/// written into `out`.
pub(crate) fn copies(listed: &Listed, out: &Path) -> Vec<(String, String)> {
    let mut copies: Vec<(String, String)> = listed
        .0
        .iter()
        .filter(|(_, stamp)| stamp.is_none())
        .filter_map(|(path, _)| {
            let m = std::fs::symlink_metadata(out.join(path)).ok()?;
            Some((path.clone(), String::from_utf8(meta_key(&m)).ok()?))
        })
        .collect();
    copies.sort();
    copies
}

/// When the output of a build at `now` (the clock's) changes by itself: the next midnight in
/// `tz` and in UTC, or `changes_at`, whichever comes first.
pub(crate) fn until(now: Timestamp, tz: &jiff::tz::TimeZone, changes_at: Option<Timestamp>) -> Option<Timestamp> {
    let midnight = |tz: &jiff::tz::TimeZone| {
        let day = now.to_zoned_datetime(tz.clone()).date();
        day.tomorrow().ok().map(|d| crate::time::start_of_day(tz, d).timestamp())
    };
    [midnight(tz), midnight(&jiff::tz::TimeZone::UTC), changes_at].into_iter().flatten().min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_files_kept_for_the_load_are_the_markdown_it_walks_and_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (file, text) in [
            ("content/a.md", "# A\n"),
            ("content/wiki/b.md", "# B\n"),
            ("content/.obsidian/c.md", "# C\n"),
            ("content/img.png", "png"),
            ("static/d.md", "# D\n"),
        ] {
            std::fs::create_dir_all(root.join(file).parent().unwrap()).unwrap();
            std::fs::write(root.join(file), text).unwrap();
        }
        let opts = crate::Options::new(root);
        let (hash, kept) = inputs(&opts, None, true);
        let hash = hash.with(None);
        let mut paths: Vec<_> = kept.keys().map(|p| p.strip_prefix(root).unwrap().to_path_buf()).collect();
        paths.sort();
        assert_eq!(paths, [Path::new("content/a.md"), Path::new("content/wiki/b.md")]);
        assert_eq!(kept[&root.join("content/a.md")].0, b"# A\n");
        // Not kept: the same hash, nothing held.
        let (same, none) = inputs(&opts, None, false);
        assert_eq!((same.with(None), none.len()), (hash, 0));
        // git's state is part of it.
        assert_ne!(same.with(Some("# branch.oid 1")), hash);
    }
}
