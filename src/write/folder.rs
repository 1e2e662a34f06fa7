//! Which folder a build may write into, and how it may touch what is in it. moot deletes only
//! what it made: a folder it did not make is refused unless it is empty (or `--force` is
//! given, and then nothing in it is deleted), the site's own folders and anything that holds
//! the site are always refused, and nothing is ever written or removed through a symbolic
//! link inside the output folder.

use crate::diag::Diagnostic;
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// The name of moot's own working folder inside the output folder: temporary files wait
/// there until they are renamed into place (a kill leaves it behind; the next build removes it).
pub(crate) const WORK_DIR: &str = ".moot-tmp";

/// Whether a name in the output folder is one moot keeps even when it did not make it and
/// that does not make the folder "not empty": dotfiles (`.git`, `.nojekyll`, `.well-known`)
/// and GitHub Pages' `CNAME`.
pub(crate) fn kept_by_name(name: &str) -> bool {
    name.starts_with('.') || name == "CNAME"
}

/// `path` made absolute with every symbolic link and `..` resolved, also when its last parts
/// do not exist yet (they are taken as written).
pub(crate) fn resolve(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map(|d| d.join(path)).unwrap_or_else(|_| path.to_path_buf())
    };
    let mut real = PathBuf::new();
    for part in abs.components() {
        match part {
            Component::ParentDir => {
                real.pop();
            }
            Component::CurDir => {}
            other => {
                real.push(other);
                if let Ok(c) = real.canonicalize() {
                    real = c;
                }
            }
        }
    }
    real
}

/// Why `out` can never be an output folder of the site at `root`, if it cannot: the site
/// itself, a folder that holds it (`/` included), its sources, a `.git` folder, another
/// site, or a file.
pub(crate) fn never(root: &Path, out: &Path) -> Option<String> {
    let root = resolve(root);
    let real = resolve(out);
    if real == root {
        return Some("it is the site's own folder".into());
    }
    if root.starts_with(&real) {
        return Some(format!("it holds the site ({})", root.display()));
    }
    for own in ["content", "static", "themes"] {
        if real.starts_with(root.join(own)) {
            return Some(format!("it is inside the site's {own}/ folder, which holds its sources"));
        }
    }
    if real.components().any(|c| c.as_os_str() == ".git") {
        return Some("it is inside a .git folder".into());
    }
    if real.join(crate::config::FILE).exists() || real.join("content").is_dir() {
        return Some("it holds a site of its own (moot.toml or content/)".into());
    }
    if real.exists() && !real.is_dir() {
        return Some("it is not a folder".into());
    }
    None
}

/// What is in an existing output folder that has no manifest: the names (at its top) of what
/// moot would not keep by name. Empty means moot may write there.
pub(crate) fn foreign_entries(out: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(out)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !kept_by_name(n))
        .collect();
    names.sort();
    names
}

/// The refusal of a folder that holds files moot did not make.
pub(crate) fn refuse_foreign(out: &Path, names: &[String]) -> Diagnostic {
    Diagnostic::error(out, 0, format!("refusing to build into this folder: it holds files moot did not make ({})", some(names)))
        .hint("moot deletes only what it made, and it has no record of having made these; choose a new or empty folder, or pass --force to write into it anyway (nothing already there is deleted)")
}

/// The warning of `--force` into a folder that holds files moot did not make.
pub(crate) fn kept_foreign(out: &Path, names: &[String]) -> Diagnostic {
    Diagnostic::warning(
        out,
        0,
        format!("wrote into a folder that holds files moot did not make; they were left in place ({})", some(names)),
    )
    .hint("from now on moot removes only what it made here; delete the others by hand if they are not wanted")
}

fn some(names: &[String]) -> String {
    let mut shown = names.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
    if names.len() > 3 {
        shown.push_str(&format!(" and {} more", names.len() - 3));
    }
    shown
}

/// The folders of one write of the site that are known to be real folders inside the output
/// folder (made or checked), so each is checked once, not once per file in it.
/// (By their paths' bytes: a `Path`'s own hash walks its components, at every look.)
#[derive(Default)]
pub(crate) struct Dirs {
    seen: Mutex<HashSet<std::ffi::OsString>>,
    /// The output folder was made empty by this write ([`Dirs::fresh`]).
    fresh: bool,
}

impl Dirs {
    /// For a write into a folder this build has just made empty: a folder is made without
    /// looking first (what is there can only be one made by this write, or, should making it
    /// fail, is looked at then), which saves a look per folder of a fresh build.
    pub(crate) fn fresh() -> Self {
        Dirs { seen: Mutex::default(), fresh: true }
    }

    fn known(&self, dir: &Path) -> bool {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).contains(dir.as_os_str())
    }

    fn learn(&self, dir: &Path) {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).insert(dir.as_os_str().to_owned());
    }

    /// Checks that the folders between `root` and `file` are real folders, not symbolic
    /// links (or files); with `make`, makes the missing ones. `Ok(false)` if one is missing
    /// (and not made).
    pub(crate) fn check(&self, root: &Path, file: &Path, make: bool) -> Result<bool, Diagnostic> {
        self.check_to(root, file, make, "write")
    }

    /// [`Dirs::check`], for `verb` ("write", "remove") in messages.
    pub(crate) fn check_to(&self, root: &Path, file: &Path, make: bool, verb: &str) -> Result<bool, Diagnostic> {
        let Some(parent) = file.parent() else { return Ok(true) };
        if parent == root || self.known(parent) {
            return Ok(true);
        }
        let Ok(rel) = parent.strip_prefix(root) else {
            return Err(Diagnostic::error(file, 0, "refusing to write outside the output folder"));
        };
        let mut dir = root.to_path_buf();
        for part in rel.components() {
            dir.push(part);
            if self.known(&dir) {
                continue;
            }
            if self.fresh && make {
                match std::fs::create_dir(&dir) {
                    Ok(()) => {
                        self.learn(&dir);
                        continue;
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                    Err(e) => return Err(Diagnostic::error(&dir, 0, format!("cannot make this folder: {e}"))),
                }
            }
            match std::fs::symlink_metadata(&dir) {
                Ok(m) if m.is_dir() => {}
                Ok(m) if m.file_type().is_symlink() => {
                    return Err(Diagnostic::error(
                        &dir,
                        0,
                        format!(
                            "refusing to {verb} {}: this is a symbolic link inside the output folder",
                            file.display()
                        ),
                    )
                    .hint("moot never writes or deletes through links in the output folder; remove the link"));
                }
                Ok(_) => {
                    return Err(Diagnostic::error(
                        &dir,
                        0,
                        format!("cannot write {}: this is a file, not a folder", file.display()),
                    )
                    .hint("remove it, or rename the page whose address clashes with it"));
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    if !make {
                        return Ok(false);
                    }
                    match std::fs::create_dir(&dir) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue_if_dir(&dir, file)?,
                        Err(e) => return Err(Diagnostic::error(&dir, 0, format!("cannot make this folder: {e}"))),
                    }
                }
                Err(e) => return Err(Diagnostic::error(&dir, 0, format!("cannot read this folder: {e}"))),
            }
            self.learn(&dir);
        }
        Ok(true)
    }
}

/// Another thread made `dir` at the same moment: fine if it is a real folder.
fn continue_if_dir(dir: &Path, file: &Path) -> Result<(), Diagnostic> {
    match std::fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        _ => Err(Diagnostic::error(dir, 0, format!("cannot write {}: this is not a folder", file.display()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_missing_parts_and_dotdot() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap();
        std::fs::create_dir(real.join("a")).unwrap();
        assert_eq!(resolve(&real.join("a/../b/c")), real.join("b/c"));
        assert_eq!(resolve(&real.join("x/../a")), real.join("a"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(real.join("a"), real.join("link")).unwrap();
            assert_eq!(resolve(&real.join("link/new")), real.join("a/new"));
        }
    }

    #[test]
    fn a_fresh_write_makes_folders_without_looking_and_still_refuses_what_is_in_the_way() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let dirs = Dirs::fresh();
        assert_eq!(dirs.check(&out, &out.join("a/b/index.html"), true), Ok(true));
        assert!(out.join("a/b").is_dir());
        // Known now: a second file there makes nothing and looks at nothing.
        assert_eq!(dirs.check(&out, &out.join("a/b/feed.ics"), true), Ok(true));
        // A folder made by someone else in the meantime is fine; a file in the way is not.
        std::fs::create_dir(out.join("c")).unwrap();
        assert_eq!(dirs.check(&out, &out.join("c/index.html"), true), Ok(true));
        std::fs::write(out.join("d"), "").unwrap();
        let e = dirs.check(&out, &out.join("d/index.html"), true).unwrap_err();
        assert_eq!(
            e.message,
            format!("cannot write {}: this is a file, not a folder", out.join("d/index.html").display())
        );
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path(), out.join("l")).unwrap();
            let e = dirs.check(&out, &out.join("l/index.html"), true).unwrap_err();
            assert!(e.message.contains("this is a symbolic link inside the output folder"), "{}", e.message);
            assert!(!dir.path().join("index.html").exists());
        }
    }

    #[test]
    fn the_site_and_its_sources_are_never_output_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        for d in ["content", "static", "themes", ".git"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        std::fs::write(root.join("moot.toml"), "").unwrap();
        for bad in ["", "content", "content/x", "static", "themes/t", ".git", ".git/x", ".."] {
            assert!(never(&root, &root.join(bad)).is_some(), "{bad:?} was allowed");
        }
        assert!(never(&root, Path::new("/")).is_some());
        assert_eq!(never(&root, &root.join("public")), None);
        assert_eq!(never(&root, &dir.path().join("elsewhere")), None);
    }
}
