//! The manifest: what the last build wrote, kept inside the output folder
//! (`public/.moot-manifest`). It is moot's record of what it made there, so it is what lets a
//! rebuild remove a file at all: a file it does not list is never deleted.
//!
//! It also saves a rebuild from reading every file back: a file whose size and modification
//! time are those listed, and whose new bytes hash to the same, is unchanged. Anything else
//! (no manifest, a file changed since by hand) is compared byte for byte. Copied files are
//! listed with no stamp: they are always compared byte for byte.
//!
//! Its last line is a hash of the others, so a manifest that was cut short or edited is
//! ignored (with a warning) instead of trusted.

use crate::diag::Diagnostic;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The manifest's file name, inside the output folder.
pub(crate) const FILE: &str = ".moot-manifest";
const TAG: &str = "moot manifest 3";

/// A manifest being made by a build.
#[derive(Default)]
pub(crate) struct Manifest(Mutex<Listed>);

/// The outputs a manifest lists, by path: while a build makes it, in a [`Manifest`]; as the
/// last build left it, on its own (no lock: it is only read). Second: the build's
/// [`super::record::Record`], what it was made from, as one line of text.
#[derive(Default, PartialEq, Clone)]
pub(crate) struct Listed(pub(crate) HashMap<String, Option<Stamp>>, pub(crate) Option<String>);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Stamp {
    len: u64,
    /// Modification time, in nanoseconds since 1970.
    modified: i128,
    hash: u64,
}

impl Stamp {
    pub(crate) fn hash(&self) -> u64 {
        self.hash
    }

    pub(crate) fn of(meta: &std::fs::Metadata, hash: u64) -> Option<Stamp> {
        let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos() as i128;
        Some(Stamp { len: meta.len(), modified, hash })
    }
}

pub(crate) fn hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// What reading an output folder's manifest found.
pub(crate) enum Found {
    /// The folder has no manifest.
    None,
    Listed(Listed),
    /// There is one, but it cannot be trusted: why.
    Untrusted(Diagnostic),
}

impl Manifest {
    /// Lists an output (so a later build removes it when it is no longer made), with its stamp.
    pub(crate) fn record(&self, path: &str, stamp: Option<Stamp>) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).0.insert(path.to_string(), stamp);
    }

    pub(crate) fn into_listed(self) -> Listed {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Listed {
    pub(crate) fn get(&self, path: &str) -> Option<Stamp> {
        self.0.get(path).copied().flatten()
    }

    /// The manifest of the last build into `out_dir`.
    pub(crate) fn load(out_dir: &Path) -> Found {
        let path = path(out_dir);
        match std::fs::symlink_metadata(&path) {
            Err(_) => return Found::None,
            Ok(m) if !m.is_file() => return Found::Untrusted(untrusted(&path, "it is not a plain file")),
            Ok(_) => {}
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            return Found::Untrusted(untrusted(&path, "it cannot be read as text"));
        };
        match parse(&text) {
            Some(listed) => Found::Listed(listed),
            None => Found::Untrusted(untrusted(&path, "it was cut short, edited or written by another program")),
        }
    }

    /// Writes the manifest into `out_dir` (through a temporary file in `work`, renamed into
    /// place, so it is never half-written). Best effort: without a manifest the next build
    /// refuses the folder until given `--force`, and loses nothing.
    pub(crate) fn save(&self, out_dir: &Path, work: &Path) -> std::io::Result<()> {
        use std::fmt::Write;
        let mut entries: Vec<(&String, &Option<Stamp>)> = self.0.iter().collect();
        entries.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut text = String::with_capacity(entries.len() * 80);
        text.push_str(TAG);
        text.push('\n');
        if let Some(record) = &self.1 {
            let _ = writeln!(text, "record {}", record.replace('\n', " "));
        }
        for (path, stamp) in entries {
            let _ = match stamp {
                Some(s) => writeln!(text, "{:016x} {} {} {path}", s.hash, s.len, s.modified),
                None => writeln!(text, "- - - {path}"),
            };
        }
        let _ = writeln!(text, "end {:016x}", hash(text.as_bytes()));
        std::fs::create_dir_all(work)?;
        let tmp = work.join("manifest");
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, path(out_dir))
    }
}

fn untrusted(path: &Path, why: &str) -> Diagnostic {
    Diagnostic::warning(path, 0, format!("ignoring moot's manifest of this folder: {why}"))
        .hint("without it moot deletes nothing it made before; pass --force to write a new one")
}

fn parse(text: &str) -> Option<Listed> {
    let body_end = text.trim_end_matches('\n').rfind('\n')? + 1;
    let (body, end) = text.split_at(body_end);
    let sum = end.trim_end().strip_prefix("end ")?;
    if u64::from_str_radix(sum, 16).ok()? != hash(body.as_bytes()) {
        return None;
    }
    let mut lines = body.lines().peekable();
    if lines.next()? != TAG {
        return None;
    }
    let record = lines.next_if(|l| l.starts_with("record ")).map(|l| l["record ".len()..].to_string());
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
    Some(Listed(map, record))
}

/// Where the manifest of `out_dir` is.
pub(crate) fn path(out_dir: &Path) -> PathBuf {
    out_dir.join(FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_reads_back_and_an_edited_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let m = Manifest::default();
        m.record("a/index.html", Some(Stamp { len: 3, modified: 7, hash: 9 }));
        m.record("static/x.png", None);
        let mut listed = m.into_listed();
        listed.1 = Some("{\"inputs\":1}".to_string());
        listed.save(dir.path(), &dir.path().join(".work")).unwrap();
        let Found::Listed(l) = Listed::load(dir.path()) else { panic!("not read back") };
        assert_eq!(l.0.len(), 2);
        assert_eq!(l.1.as_deref(), Some("{\"inputs\":1}"));
        assert_eq!(l.get("a/index.html"), Some(Stamp { len: 3, modified: 7, hash: 9 }));
        let p = path(dir.path());
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, text.replace("static/x.png", "../../etc/passwd")).unwrap();
        assert!(matches!(Listed::load(dir.path()), Found::Untrusted(_)));
        std::fs::write(&p, &text[..text.len() - 5]).unwrap();
        assert!(matches!(Listed::load(dir.path()), Found::Untrusted(_)));
    }
}
