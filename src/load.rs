//! Load: the disk -> source files. Besides `write` and `watch`, the only stage that touches
//! the disk. Walks `content/`, `static/` and the site theme, reads markdown in parallel, and
//! leaves other files (images, PDFs) to be copied by path.

use crate::diag::Diagnostic;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// A markdown file of `content/`, read into memory.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to `content/`, with `/` separators: `meetings/2026/alma.md`.
    pub rel: String,
    /// Path as shown in messages, relative to the site root: `content/meetings/2026/alma.md`.
    pub shown: PathBuf,
    pub bytes: Vec<u8>,
    /// When the file was last written (its modification time), if the file system says.
    pub modified: Option<jiff::Timestamp>,
}

/// A file's modification time, as a timestamp.
fn modified(path: &Path) -> Option<jiff::Timestamp> {
    let time = std::fs::metadata(path).ok()?.modified().ok()?;
    jiff::Timestamp::try_from(time).ok()
}

/// A file copied as it is: content assets, `static/` files, theme static files.
#[derive(Debug, Clone)]
pub struct CopyFile {
    /// Destination relative to the output root, `/`-separated.
    pub dest: String,
    pub from: PathBuf,
}

/// Everything read from a site folder.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    pub config_text: String,
    pub markdown: Vec<SourceFile>,
    pub assets: Vec<CopyFile>,
    pub statics: Vec<CopyFile>,
    /// Site theme overrides: (template name, text, shown path).
    pub templates: Vec<(String, String, PathBuf)>,
    pub theme_statics: Vec<CopyFile>,
}

/// Markdown files already read by the build (when it hashed its inputs), by path: each is
/// taken from here rather than read again, so the site is made from the very bytes hashed.
pub type Preread = std::collections::HashMap<PathBuf, (Vec<u8>, Option<jiff::Timestamp>)>;

/// Reads a site. Problems with single files become diagnostics; the rest is still read.
pub fn load(root: &Path, theme: Option<&str>, diags: &mut Vec<Diagnostic>) -> Sources {
    load_with(root, theme, diags, Preread::new())
}

/// [`load`], taking the markdown files found in `pre` from there.
pub fn load_with(root: &Path, theme: Option<&str>, diags: &mut Vec<Diagnostic>, mut pre: Preread) -> Sources {
    let mut sources = Sources::default();
    let (md_paths, assets) = walk(root, "content", diags);
    case_collisions("content", md_paths.iter().map(|(rel, _)| rel).chain(assets.iter().map(|a| &a.dest)), diags);
    sources.assets = assets;
    sources.statics = walk_all(root, "static", diags);
    case_collisions("static", sources.statics.iter().map(|s| &s.dest), diags);
    let md_paths: Vec<_> = md_paths.into_iter().map(|(rel, abs)| (pre.remove(&abs), rel, abs)).collect();
    let read: Vec<Result<SourceFile, Diagnostic>> = md_paths
        .into_par_iter()
        .map(|(pre, rel, abs)| {
            let shown = Path::new("content").join(&rel);
            let (bytes, modified) = match pre {
                Some(read) => read,
                None => match std::fs::read(&abs) {
                    Ok(bytes) => (bytes, modified(&abs)),
                    Err(e) => return Err(Diagnostic::error(&shown, 0, format!("cannot read the file: {e}"))),
                },
            };
            Ok(SourceFile { rel, shown, bytes, modified })
        })
        .collect();
    for r in read {
        match r {
            Ok(f) => sources.markdown.push(f),
            Err(d) => diags.push(d),
        }
    }
    if let Some(name) = theme {
        let theme_dir = Path::new("themes").join(name);
        if root.join(&theme_dir).is_dir() {
            for CopyFile { dest, from } in walk_all(root, &theme_dir.join("templates").to_string_lossy(), diags) {
                let shown = theme_dir.join("templates").join(&dest);
                match std::fs::read_to_string(&from) {
                    // A CRLF checkout (git on Windows) renders the same pages as an LF one.
                    Ok(text) => sources.templates.push((dest, text.replace("\r\n", "\n"), shown)),
                    Err(e) => diags.push(Diagnostic::error(&shown, 0, format!("cannot read the template: {e}"))),
                }
            }
            sources.theme_statics = walk_all(root, &theme_dir.join("static").to_string_lossy(), diags);
        } else if name != "default" {
            diags.push(
                Diagnostic::error(
                    crate::config::FILE,
                    0,
                    format!("theme {name:?} not found: there is no folder themes/{name}/"),
                )
                .hint("create themes/NAME/templates/ or remove `theme` to use the built-in theme"),
            );
        }
    }
    sources
}

/// Two paths under `sub` that differ only in case are an error, wherever the site is built:
/// on macOS and Windows they are one file, so a checkout there keeps only one of them.
fn case_collisions<'a>(sub: &str, paths: impl Iterator<Item = &'a String>, diags: &mut Vec<Diagnostic>) {
    let mut seen: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    let mut found = Vec::new();
    for p in paths {
        if let Some(first) = seen.insert(p.to_lowercase(), p) {
            found.push((first, p.as_str()));
        }
    }
    found.sort();
    for (first, second) in found {
        let (a, b) = (Path::new(sub).join(first.min(second)), Path::new(sub).join(first.max(second)));
        diags.push(Diagnostic::error(&b, 0, format!("{} and {} differ only in case", a.display(), b.display())).hint(
            "macOS and Windows keep them as one file, so a checkout there loses one: rename or remove one of them",
        ));
    }
}

/// What one changed file under `content/` or `static/` (`rel` to the site root) now is, for
/// `serve`, which reads again only the files that changed rather than walking the site.
#[derive(Debug)]
pub enum Reread {
    /// A markdown file of `content/` as a walk would find it: read (or why it could not be).
    Markdown(String, Result<SourceFile, Diagnostic>),
    /// A markdown file of `content/` that is no longer there.
    Gone(String),
    /// A file the walk skips (hidden, an editor's), or a copied file still where it was.
    Same,
}

/// [`Reread`] for one changed path; `None` when only a walk can tell what the change did:
/// a folder, a link, a copied file added or removed, a name that is not UTF-8.
/// `sources` are the site's as last walked (for its copied files).
pub fn reread(root: &Path, rel: &Path, sources: &Sources) -> Option<Reread> {
    let mut parts = rel.components();
    let top = parts.next()?.as_os_str().to_str()?;
    let inner = parts.as_path();
    let names: Vec<&str> = inner.components().map(|c| c.as_os_str().to_str()).collect::<Option<_>>()?;
    if names.is_empty() || !matches!(top, "content" | "static") {
        return None;
    }
    if names.iter().any(|n| is_ignored(n)) {
        return Some(Reread::Same);
    }
    // Every folder on the way must be a folder (the walk follows no links).
    let mut dir = root.join(top);
    for name in &names[..names.len() - 1] {
        dir.push(name);
        if !std::fs::symlink_metadata(&dir).ok()?.is_dir() {
            return None;
        }
    }
    let abs = root.join(rel);
    let is_file = match std::fs::symlink_metadata(&abs) {
        Ok(m) if m.is_file() => true,
        Ok(_) => return None,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(_) => return None,
    };
    let inner = names.join("/");
    if top == "content" && inner.ends_with(".md") {
        if !is_file {
            return Some(Reread::Gone(inner));
        }
        let shown = Path::new("content").join(&inner);
        let read = std::fs::read(&abs)
            .map(|bytes| SourceFile { rel: inner.clone(), shown: shown.clone(), bytes, modified: modified(&abs) })
            .map_err(|e| Diagnostic::error(&shown, 0, format!("cannot read the file: {e}")));
        return Some(Reread::Markdown(inner, read));
    }
    // A copied file is read when served: while it stays a file where it was, nothing changed.
    (is_file && sources.assets.iter().chain(&sources.statics).any(|c| c.from == abs)).then_some(Reread::Same)
}

/// Reads `root/moot.toml`, once it is known to be a file: a named pipe there would make the
/// read wait for a writer for ever.
pub fn read_config(root: &Path) -> Result<String, Diagnostic> {
    let path = root.join(crate::config::FILE);
    let cannot = |e: std::io::Error| {
        Diagnostic::error(crate::config::FILE, 0, format!("cannot read {}: {e}", path.display()))
            .hint("run moot in a site folder (one with moot.toml), pass --root DIR, or create a site with `moot init`")
    };
    let meta = std::fs::metadata(&path).map_err(cannot)?;
    if !meta.is_file() {
        return Err(Diagnostic::error(
            crate::config::FILE,
            0,
            format!("this is {}, not a file", what_is(&meta.file_type())),
        )
        .hint("moot.toml holds the site's settings: make it a file, e.g. with `moot init`"));
    }
    std::fs::read_to_string(&path).map_err(cannot)
}

/// Every file under `root/sub`, markdown or not, sorted by path.
fn walk_all(root: &Path, sub: &str, diags: &mut Vec<Diagnostic>) -> Vec<CopyFile> {
    let (md, mut files) = walk(root, sub, diags);
    files.extend(md.into_iter().map(|(dest, from)| CopyFile { dest, from }));
    files.sort_by(|a, b| a.dest.cmp(&b.dest));
    files
}

/// Walks `root/sub`, splitting markdown (`.md`) from other files. Paths are `/`-separated and
/// relative to `root/sub`. Hidden files and editor leftovers are skipped.
fn walk(root: &Path, sub: &str, diags: &mut Vec<Diagnostic>) -> (Vec<(String, PathBuf)>, Vec<CopyFile>) {
    let dir = root.join(sub);
    let mut md = Vec::new();
    let mut other = Vec::new();
    // The folder itself may be a link (to content kept elsewhere), as in Hugo; nothing in it is.
    match std::fs::metadata(&dir) {
        Ok(m) if m.is_dir() => {}
        Ok(m) => {
            diags.push(
                Diagnostic::error(sub, 0, format!("this is {}, not a folder", what_is(&m.file_type())))
                    .hint(format!("{sub}/ is a folder of the site: move this file away and make a folder {sub}/")),
            );
            return (md, other);
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && std::fs::symlink_metadata(&dir).is_err() => {
            return (md, other);
        }
        Err(e) => {
            let message = match std::fs::read_link(&dir) {
                Ok(to) => {
                    format!("this is a symbolic link to {:?}, which cannot be read: {e}", to.display().to_string())
                }
                Err(_) => format!("cannot read the folder: {e}"),
            };
            diags.push(Diagnostic::error(sub, 0, message));
            return (md, other);
        }
    }
    let walker = WalkDir::new(&dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let shown = e
                    .path()
                    .map(|p| p.strip_prefix(root).unwrap_or(p).to_path_buf())
                    .unwrap_or_else(|| PathBuf::from(sub));
                diags.push(Diagnostic::error(shown, 0, format!("cannot read: {e}")));
                continue;
            }
        };
        let kind = entry.file_type();
        if !kind.is_file() {
            if !kind.is_dir() {
                diags.push(skipped(root, entry.path(), &kind));
            }
            continue;
        }
        let rel_path = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
        let Some(rel) = rel_path.to_str().map(|s| s.replace('\\', "/")) else {
            diags.push(
                Diagnostic::error(
                    entry.path().strip_prefix(root).unwrap_or(entry.path()),
                    0,
                    "the file name is not valid UTF-8",
                )
                .hint("rename the file using UTF-8 characters"),
            );
            continue;
        };
        if rel.ends_with(".md") {
            md.push((rel, entry.path().to_path_buf()));
        } else {
            other.push(CopyFile { dest: rel, from: entry.path().to_path_buf() });
        }
    }
    (md, other)
}

/// The warning for a symbolic link (not followed: it could publish a file from outside the
/// site, such as `/proc/self/environ`) or for what is neither a file nor a folder.
fn skipped(root: &Path, path: &Path, kind: &std::fs::FileType) -> Diagnostic {
    let shown = path.strip_prefix(root).unwrap_or(path);
    if kind.is_symlink() {
        let to = std::fs::read_link(path).map(|t| format!(" (to {:?})", t.display().to_string())).unwrap_or_default();
        return Diagnostic::warning(shown, 0, format!("skipped: this is a symbolic link{to}")).hint(
            "moot does not follow links inside content/, static/ or a theme, which could publish files from \
             outside the site; put the file itself here",
        );
    }
    Diagnostic::warning(shown, 0, format!("skipped: this is {}, not a file or a folder", what_is(kind)))
        .hint("moot reads only files and folders; remove it")
}

/// What a file type is, for messages: "a file", "a named pipe (FIFO)".
fn what_is(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    if kind.is_file() {
        "a file"
    } else if kind.is_dir() {
        "a folder"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else {
        "neither a file nor a folder"
    }
}

/// Hidden files, editor swap and backup files.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_files_are_ignored() {
        for n in [".x.md.swp", "a.md~", "#a.md#", "4913", ".git"] {
            assert!(is_ignored(n), "{n}");
        }
        assert!(!is_ignored("a.md"));
    }

    #[test]
    fn a_file_already_read_is_taken_as_read_not_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/wiki")).unwrap();
        std::fs::write(root.join("content/wiki/a.md"), "# Saved after the hash\n").unwrap();
        std::fs::write(root.join("content/wiki/b.md"), "# B\n").unwrap();
        let when = jiff::Timestamp::from_second(1_800_000_000).unwrap();
        let pre = Preread::from([(root.join("content/wiki/a.md"), (b"# As hashed\n".to_vec(), Some(when)))]);
        let sources = load_with(root, None, &mut Vec::new(), pre);
        let files: Vec<(&str, &[u8], Option<jiff::Timestamp>)> =
            sources.markdown.iter().map(|f| (f.rel.as_str(), f.bytes.as_slice(), f.modified)).collect();
        assert_eq!(files[0], ("wiki/a.md", &b"# As hashed\n"[..], Some(when)));
        assert_eq!((files[1].0, files[1].1), ("wiki/b.md", &b"# B\n"[..]));
        assert!(files[1].2.is_some(), "a file not read before is read, with its time");
        // A file read before that the walk no longer finds is not made up.
        std::fs::remove_file(root.join("content/wiki/a.md")).unwrap();
        let pre = Preread::from([(root.join("content/wiki/a.md"), (b"# As hashed\n".to_vec(), None))]);
        let sources = load_with(root, None, &mut Vec::new(), pre);
        assert_eq!(sources.markdown.iter().map(|f| f.rel.as_str()).collect::<Vec<_>>(), ["wiki/b.md"]);
    }

    #[test]
    fn a_changed_path_is_read_again_alone_only_when_a_walk_would_find_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/wiki")).unwrap();
        std::fs::create_dir_all(root.join("static")).unwrap();
        std::fs::write(root.join("content/wiki/a.md"), "# A\n").unwrap();
        std::fs::write(root.join("static/s.css"), "p {}").unwrap();
        let sources = Sources {
            statics: vec![CopyFile { dest: "s.css".into(), from: root.join("static/s.css") }],
            ..Sources::default()
        };
        let what = |rel: &str| format!("{:?}", reread(root, Path::new(rel), &sources));
        assert!(
            what("content/wiki/a.md").starts_with("Some(Markdown(\"wiki/a.md\", Ok("),
            "{}",
            what("content/wiki/a.md")
        );
        assert_eq!(what("content/wiki/gone.md"), "Some(Gone(\"wiki/gone.md\"))");
        assert_eq!(what("content/wiki/.a.md.swp"), "Some(Same)");
        assert_eq!(what("static/s.css"), "Some(Same)");
        // Only a walk can tell: a folder, a new copied file, a link, a file in a linked folder.
        assert_eq!(what("content/wiki"), "None");
        std::fs::write(root.join("static/new.css"), "").unwrap();
        assert_eq!(what("static/new.css"), "None");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("content/wiki/a.md"), root.join("content/wiki/l.md")).unwrap();
            assert_eq!(what("content/wiki/l.md"), "None");
            std::os::unix::fs::symlink(root.join("content/wiki"), root.join("content/linked")).unwrap();
            assert_eq!(what("content/linked/a.md"), "None");
        }
        assert_eq!(what("themes/t/x.html"), "None");
    }
}
