//! Write: outputs -> the output folder, atomically. Everything is written into a fresh
//! sibling folder first; only when the whole build succeeded is it swapped in, so a failed
//! build leaves the previous site untouched. No output path may leave the output folder.

use crate::diag::{Diagnostic, Diagnostics};
use crate::render::{Body, Job, Output, Renderer};
use rayon::prelude::*;
use std::collections::HashSet;
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

/// Renders every job in parallel and writes each output as soon as it is made.
/// Returns the number of files written.
pub fn write_site(r: &Renderer, jobs: &[Job], out_dir: &Path) -> Result<usize, Diagnostics> {
    let staging = sibling(out_dir, "moot-new");
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).map_err(|e| Diagnostics(vec![io_error(&staging, e)]))?;
    let seen = Mutex::new(HashSet::with_capacity(jobs.len() + 64));
    let results: Vec<Result<usize, Diagnostic>> = jobs
        .par_iter()
        .map(|job| {
            let outputs = r.run(job)?;
            let n = outputs.len();
            for o in outputs {
                if !seen.lock().expect("no panics while held").insert(o.path.clone()) {
                    return Err(Diagnostic::error(&o.path, 0, format!("two outputs would be written to {}", o.path))
                        .hint("a page's address clashes with one of moot's own pages (e.g. meetings/past/); rename the file or set `slug`"));
                }
                write_one(&staging, &o)?;
            }
            Ok(n)
        })
        .collect();
    let counts = crate::diag::collect(results).inspect_err(|_| {
        let _ = std::fs::remove_dir_all(&staging);
    })?;
    swap(&staging, out_dir).map_err(|e| Diagnostics(vec![io_error(out_dir, e)]))?;
    Ok(counts.into_iter().sum())
}

fn write_one(root: &Path, o: &Output) -> Result<(), Diagnostic> {
    let path = safe_join(root, &o.path).ok_or_else(|| {
        Diagnostic::error(&o.path, 0, format!("refusing to write {:?}: it would leave the output folder", o.path))
    })?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
    }
    let result = match &o.body {
        Body::Bytes(b) => std::fs::write(&path, b),
        Body::Static(b) => std::fs::write(&path, b),
        Body::File(from) => std::fs::copy(from, &path).map(|_| ()),
    };
    result.map_err(|e| io_error(&path, e))
}

fn sibling(dir: &Path, tag: &str) -> PathBuf {
    let name = dir.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().to_string());
    dir.with_file_name(format!(".{name}.{tag}"))
}

/// Puts the new folder in place of the old one with two renames.
fn swap(staging: &Path, out_dir: &Path) -> std::io::Result<()> {
    let old = sibling(out_dir, "moot-old");
    let _ = std::fs::remove_dir_all(&old);
    if out_dir.exists() {
        std::fs::rename(out_dir, &old)?;
    }
    std::fs::rename(staging, out_dir)?;
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
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
}
