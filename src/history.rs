//! Page history from git, read in one pass: a single `git log -p` over `content/` (renames
//! followed), plus one `git status` for edits not yet committed. Without git, outside a
//! repository, or with `history = false` in moot.toml, there is no history and the site
//! builds the same minus the history parts.

use jiff::Timestamp;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One commit that touched a page.
#[derive(Debug, Clone)]
pub struct Revision {
    pub commit: usize,
    /// What happened to the file: added, changed, renamed (from), deleted.
    pub change: Change,
    /// Where in [`History::log`] the unified diff of the page's markdown is (from the
    /// first `@@` on): the diffs stay in git's output rather than in a copy each.
    pub diff: std::ops::Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "from")]
pub enum Change {
    Added,
    Changed,
    Renamed(String),
    Deleted,
}

#[derive(Debug, Clone)]
pub struct Commit {
    pub sha: String,
    pub author: String,
    pub date: Timestamp,
    pub message: String,
    /// Files under content/ it touched (paths as they are now).
    pub files: Vec<String>,
}

/// The history of every file under content/, by its path today (relative to content/).
#[derive(Debug, Default, Clone)]
pub struct History {
    /// Newest first.
    pub commits: Vec<Commit>,
    /// Path -> its revisions, newest first.
    pub files: HashMap<String, Vec<Revision>>,
    /// Paths with changes not yet committed (or not yet added).
    pub uncommitted: HashSet<String>,
    /// The `git log -p` output the diffs are in.
    pub log: String,
}

impl History {
    /// The diff of one revision.
    pub fn diff(&self, rev: &Revision) -> &str {
        self.log.get(rev.diff.clone()).unwrap_or("")
    }

    pub fn of(&self, rel: &str) -> &[Revision] {
        self.files.get(rel).map_or(&[], Vec::as_slice)
    }

    /// Hashes what a page's history shows: its revisions (their commits and diffs) and
    /// whether it has edits not yet committed. `rel` is its path under content/.
    pub fn print_of(&self, rel: &str, h: &mut impl std::hash::Hasher) {
        use std::hash::Hash;
        for rev in self.of(rel) {
            let c = &self.commits[rev.commit];
            (&c.sha, &c.author, c.date, &c.message, format!("{:?}", rev.change), self.diff(rev)).hash(h);
        }
        self.uncommitted.contains(rel).hash(h);
    }

    /// Hashes the whole history (what recent changes shows).
    pub fn print_all(&self, h: &mut impl std::hash::Hasher) {
        use std::hash::Hash;
        self.log.hash(h);
        let mut uncommitted: Vec<&String> = self.uncommitted.iter().collect();
        uncommitted.sort_unstable();
        uncommitted.hash(h);
    }
}

const RECORD: char = '\u{1e}';
const FIELD: char = '\u{1f}';

/// git, to run in `root/content`.
fn git(root: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(root.join("content")).args(["-c", "core.quotepath=off", "-c", "diff.noprefix=false"]).args(args);
    cmd
}

/// Runs git in `root/content`; `None` if git fails or is missing.
fn git_in(root: &Path, args: &[&str]) -> Option<String> {
    output(git(root, args).output().ok()?)
}

/// What git printed, if it succeeded.
fn output(out: std::process::Output) -> Option<String> {
    // Not from_utf8_lossy on a borrow: that would copy a big log once more.
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// What a build asks git about content/, asked once: `git status` (the commit checked out and
/// every path not committed, for the inputs' hash and the page histories) and `git rev-parse`
/// (whether content/ is in a work tree, where, the cache's path). A build starts both at its
/// beginning and waits for each only where its answer is needed, so that git's start-up (most
/// of what a call costs) is not on its way; a reload of `serve` asks only what it needs.
pub(crate) struct Probe {
    status: Answer<Option<String>>,
    repo: Answer<Option<Repo>>,
    /// Whether the calls were started at once (and are waited for, if still running, when
    /// the probe goes).
    started: bool,
}

/// A git answer, waited for when first asked.
type Answer<T> = std::sync::LazyLock<T, Box<dyn FnOnce() -> T + Send>>;

impl Probe {
    /// Starts both calls in `root/content`, each from a thread of its own (starting a process
    /// takes the starting thread 0.5-3 ms here, which the build need not wait for).
    pub(crate) fn start(root: &Path) -> Probe {
        let (status, repo) = (std::thread::spawn(Self::status_call(root)), std::thread::spawn(Self::repo_call(root)));
        Probe {
            status: Answer::new(Box::new(move || status.join().ok().flatten())),
            repo: Answer::new(Box::new(move || repo.join().ok().flatten())),
            started: true,
        }
    }

    /// Makes each call in `root/content` when its answer is first asked for, if it is.
    pub(crate) fn when_asked(root: &Path) -> Probe {
        Probe {
            status: Answer::new(Box::new(Self::status_call(root))),
            repo: Answer::new(Box::new(Self::repo_call(root))),
            started: false,
        }
    }

    fn status_call(root: &Path) -> impl FnOnce() -> Option<String> + Send + 'static {
        // Paths relative to content/, whatever the user's git config says (`status.relativePaths`).
        let mut status = git(root, &["-c", "status.relativePaths=true"]);
        status.args(["status", "--porcelain=v2", "--branch", "--untracked-files=all", "--", "."]);
        move || output(status.stderr(std::process::Stdio::null()).output().ok()?)
    }

    fn repo_call(root: &Path) -> impl FnOnce() -> Option<Repo> + Send + 'static {
        let mut repo = git(root, &Repo::ARGS);
        let root = root.to_path_buf();
        move || Repo::read(&root, repo.stderr(std::process::Stdio::null()).output().ok()?)
    }

    /// The commit checked out, as `git status` saw it (so that the history read is of the
    /// same moment as the status hashed with the inputs), else as `git rev-parse` did.
    fn head(&self) -> Option<&str> {
        let oid = self.state().and_then(|s| s.lines().find_map(|l| l.strip_prefix("# branch.oid ")));
        match oid {
            Some("(initial)") => None,
            Some(oid) => Some(oid.trim()),
            None => self.repo.as_ref()?.head.as_deref(),
        }
    }

    /// What of git a site's build depends on: `git status --porcelain=v2 --branch
    /// --untracked-files=all -- .` of content/ (not the output folder, which a build changes):
    /// the commit checked out and every path not committed; `None` outside a work tree.
    pub(crate) fn state(&self) -> Option<&str> {
        self.status.as_deref()
    }

    /// The paths under content/ (relative to it) with edits not yet committed (or not yet
    /// added); `None` outside a work tree.
    pub(crate) fn uncommitted(&self) -> Option<HashSet<String>> {
        let (repo, status) = self.both();
        repo?;
        Some(parse_status(status?))
    }

    /// Both answers, the two calls made at once if neither was started yet.
    fn both(&self) -> (Option<&Repo>, Option<&str>) {
        std::thread::scope(|s| {
            let status = s.spawn(|| self.state());
            let repo = self.repo.as_ref();
            (repo, status.join().ok().flatten())
        })
    }

    /// The site's folder `root` inside its git working copy (`""` at the top, else `site/`),
    /// for the links to the forge's pages of a file; `""` without git. Taken from where
    /// content/'s work tree is when content/ is a folder of the site (not a link, which may
    /// lead into another repository) and the site is in that work tree (not when content/ is
    /// a repository of its own): else asked of git in `root`.
    pub(crate) fn site_prefix(&self, root: &Path) -> String {
        let folder = std::fs::symlink_metadata(root.join("content")).is_ok_and(|m| m.is_dir());
        let within = self.repo.as_ref().filter(|_| folder).and_then(|repo| {
            let rel = std::fs::canonicalize(root).ok()?.strip_prefix(&repo.top).ok()?.to_path_buf();
            let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            Some(parts.iter().map(|p| format!("{p}/")).collect::<String>())
        });
        within.unwrap_or_else(|| {
            let out = Command::new("git")
                .args(["rev-parse", "--show-prefix"])
                .current_dir(root)
                .stderr(std::process::Stdio::null())
                .output();
            match out {
                Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
                _ => String::new(),
            }
        })
    }
}

/// A call whose answer was not needed is still waited for, so that no thread or process is
/// left behind (`serve` probes at every reload).
impl Drop for Probe {
    fn drop(&mut self) {
        if self.started {
            std::sync::LazyLock::force(&self.status);
            std::sync::LazyLock::force(&self.repo);
        }
    }
}

/// The paths under content/ with edits not yet committed, asked of git now.
pub(crate) fn uncommitted(root: &Path) -> Option<HashSet<String>> {
    Probe::when_asked(root).uncommitted()
}

const FORMAT: &str = "--format=%x1e%H%x1f%an%x1f%aI%x1f%s";

/// What `git log -p` (of `range`, or all) prints for content/, made without asking git for
/// the patches of added files, which are most of a first read (32 MB of them at 10k pages,
/// 0.45 s of CPU). git gives the changes (`--raw`, blob ids included) and the patches of
/// everything but additions; an added file's patch is written here from its text, read from
/// the working tree when that holds the same blob (by the index) with no edits, else from one
/// `git cat-file --batch`.
fn patch_log(root: &Path, range: Option<&str>, edited: &HashSet<String>) -> Option<String> {
    let log = |options: &[&'static str]| {
        let mut args = vec!["log", "--no-color", FORMAT, "-M", "--relative"];
        args.extend(options);
        args.extend(range);
        args.extend(["--", "."]);
        git_in(root, &args)
    };
    let raw = log(&["--raw", "--no-abbrev"])?;
    let patches = log(&["--no-ext-diff", "-p", "--diff-filter=a"])?;
    // Each commit's patches of changes other than additions, in git's order.
    let mut sections: HashMap<&str, std::collections::VecDeque<&str>> = HashMap::new();
    for record in patches.split(RECORD).filter(|r| !r.trim().is_empty()) {
        let (head, body) = record.split_once('\n').unwrap_or((record, ""));
        let sha = head.split(FIELD).next().unwrap_or("").trim();
        let starts: Vec<usize> = body
            .match_indices("diff --git ")
            .map(|(i, _)| i)
            .filter(|&i| i == 0 || body.as_bytes()[i - 1] == b'\n')
            .collect();
        let parts = starts.iter().enumerate().map(|(n, &i)| &body[i..starts.get(n + 1).copied().unwrap_or(body.len())]);
        sections.insert(sha, parts.collect());
    }
    // Each commit's header line and changes, read once.
    let commits: Vec<(&str, Vec<RawChange>)> = raw
        .split(RECORD)
        .filter(|r| !r.trim().is_empty())
        .map(|record| {
            let (head, body) = record.split_once('\n').unwrap_or((record, ""));
            (head, body.lines().filter_map(RawChange::parse).collect())
        })
        .collect();
    let added: Vec<&RawChange> = commits.iter().flat_map(|(_, changes)| changes).filter(|c| c.added).collect();
    let texts = added_texts(root, &added, edited)?;
    let mut out = String::with_capacity(patches.len() + texts.values().map(|t| t.len() + 200).sum::<usize>());
    for (head, changes) in &commits {
        let sha = head.split(FIELD).next().unwrap_or("").trim();
        out.push(RECORD);
        out.push_str(head);
        out.push_str("\n\n");
        let mut theirs = sections.remove(sha).unwrap_or_default();
        for c in changes {
            if c.added {
                added_patch(&mut out, c, texts.get(c.blob).map_or("", String::as_str));
            } else if let Some(section) = theirs.pop_front() {
                out.push_str(section);
            }
        }
        for section in theirs {
            out.push_str(section);
        }
    }
    Some(out)
}

/// One line of `git log --raw`: the file's mode and blob after the change, whether it was
/// added, and its path (for a rename, both paths).
struct RawChange<'a> {
    mode: &'a str,
    blob: &'a str,
    added: bool,
    path: &'a str,
}

impl<'a> RawChange<'a> {
    /// `:OLDMODE NEWMODE OLDBLOB NEWBLOB STATUS\tPATH[\tPATH]`; `None` for other lines.
    fn parse(line: &'a str) -> Option<Self> {
        let (meta, path) = line.strip_prefix(':')?.split_once('\t')?;
        let f: Vec<&str> = meta.split(' ').collect();
        Some(RawChange { mode: f.get(1)?, blob: f.get(3)?, added: *f.get(4)? == "A", path })
    }
}

/// The patch `git log -p` prints for a file added with this text.
fn added_patch(out: &mut String, change: &RawChange, text: &str) {
    use std::fmt::Write;
    let RawChange { path, mode, blob, .. } = change;
    let _ = write!(
        out,
        "diff --git a/{path} b/{path}\nnew file mode {mode}\nindex 0000000..{}\n",
        &blob[..blob.len().min(7)]
    );
    if text.is_empty() {
        return;
    }
    let lines = text.split_inclusive('\n').count();
    let _ = writeln!(out, "--- /dev/null\n+++ b/{path}");
    if lines == 1 {
        out.push_str("@@ -0,0 +1 @@\n");
    } else {
        let _ = writeln!(out, "@@ -0,0 +1,{lines} @@");
    }
    for line in text.split_inclusive('\n') {
        out.push('+');
        out.push_str(line);
    }
    if !text.ends_with('\n') {
        out.push_str("\n\\ No newline at end of file\n");
    }
}

/// The texts of added blobs, by blob id: from the working tree when the index holds that blob
/// for the path and the file has no `edited` changes, the rest from one `git cat-file --batch`.
fn added_texts(root: &Path, added: &[&RawChange], edited: &HashSet<String>) -> Option<HashMap<String, String>> {
    let index = git_in(root, &["ls-files", "-s", "--", "."]).unwrap_or_default();
    let staged: HashMap<&str, &str> = index
        .lines()
        .filter_map(|l| {
            let (meta, path) = l.split_once('\t')?;
            Some((path, meta.split(' ').nth(1)?))
        })
        .collect();
    let mut texts = HashMap::new();
    let mut from_git: Vec<&str> = Vec::new();
    for &&RawChange { blob, path, .. } in added {
        // Not through a symbolic link: git's blob of a link is the link's target, not a file's text.
        let file = root.join("content").join(path);
        let on_disk = (staged.get(path) == Some(&blob)
            && !edited.contains(path)
            && std::fs::symlink_metadata(&file).is_ok_and(|m| m.is_file()))
        .then(|| std::fs::read(&file).ok())
        .flatten()
        .and_then(|b| String::from_utf8(b).ok());
        match on_disk {
            Some(text) => {
                texts.insert(blob.to_string(), text);
            }
            None => from_git.push(blob),
        }
    }
    if !from_git.is_empty() {
        use std::io::Write;
        let mut child = Command::new("git")
            .arg("-C")
            .arg(root.join("content"))
            .args(["cat-file", "--batch"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .ok()?;
        let mut stdin = child.stdin.take()?;
        let ids = from_git.join("\n") + "\n";
        let writer = std::thread::spawn(move || stdin.write_all(ids.as_bytes()));
        let out = child.wait_with_output().ok()?;
        writer.join().ok()?.ok()?;
        let mut rest = out.stdout.as_slice();
        for blob in from_git {
            let end = rest.iter().position(|&b| b == b'\n')?;
            let header = std::str::from_utf8(&rest[..end]).ok()?;
            let size: usize = header.rsplit(' ').next()?.parse().ok()?;
            let body = rest.get(end + 1..end + 1 + size)?;
            texts.insert(blob.to_string(), String::from_utf8_lossy(body).into_owned());
            rest = rest.get(end + 2 + size..).unwrap_or(&[]);
        }
    }
    Some(texts)
}

/// The first line of the cache file: what it is, then the commit and folder it is the log of.
const CACHE_TAG: &str = "moot history cache 2";

/// The log of content/ up to `head` (the commit checked out, as the build saw it), from the
/// cache moot keeps in the repository's git folder (`.git/moot-history`, never committed or
/// published) and brought up to date: a cache of `head` is used as it is; one of an ancestor
/// of it gets the newer commits' log put in front (one `git log OLD..HEAD`), unless a merge
/// is among them (a merge can bring older commits, which a full log puts in date order);
/// anything else is read whole. Then the cache is written for next time. `None` when there
/// is no commit to read.
fn cached_log(root: &Path, repo: &Repo, head: Option<&str>, edited: &HashSet<String>) -> Option<String> {
    let git = |args: &[&str]| git_in(root, args);
    let Repo { prefix, cache, .. } = repo;
    let head = head?;
    let key = |commit: &str| format!("{CACHE_TAG} {commit} {prefix}\n");
    let cached = std::fs::read_to_string(cache).ok().and_then(|text| {
        let (first, log) = text.split_once('\n')?;
        let commit = first.strip_prefix(CACHE_TAG)?.trim_start().split(' ').next()?.to_string();
        (key(&commit) == format!("{first}\n")).then(|| (commit, log.to_string()))
    });
    let log = match cached {
        Some((commit, log)) if commit == head => return Some(log),
        Some((commit, log))
            if git(&["merge-base", "--is-ancestor", &commit, head]).is_some()
                && git(&["rev-list", "--merges", &format!("{commit}..{head}")])
                    .is_some_and(|m| m.trim().is_empty()) =>
        {
            let mut newer = patch_log(root, Some(&format!("{commit}..{head}")), edited)?;
            newer.push_str(&log);
            newer
        }
        _ => patch_log(root, Some(head), edited)?,
    };
    // Best effort: a read-only repository just has no cache.
    let _ = std::fs::write(cache, format!("{}{log}", key(head)));
    Some(log)
}

/// Reads the history of `root/content` (git asked by `probe`), or `None` when there is none
/// to read.
pub(crate) fn read(root: &Path, probe: &Probe) -> Option<History> {
    if !root.join("content").is_dir() {
        return None;
    }
    let (repo, status) = probe.both();
    let repo = repo?;
    let edited = status.map(parse_status).unwrap_or_default();
    // No log without a commit.
    let mut history = parse_log(cached_log(root, repo, probe.head(), &edited).unwrap_or_default());
    history.uncommitted = edited;
    Some(history)
}

/// Where content/ sits in its git repository.
struct Repo {
    /// The commit checked out; `None` before the first commit.
    head: Option<String>,
    /// The work tree's top folder, as git prints it (links resolved).
    top: PathBuf,
    /// Where content/ is from the repository's top, as git prints it (`content/`; empty when
    /// content/ is the top).
    prefix: String,
    /// The cache of the log: `.git/moot-history`.
    cache: PathBuf,
}

impl Repo {
    /// What `git rev-parse` is asked, in content/: whether it is in a work tree, the work
    /// tree's top, where content/ is in it, the cache's path and the commit checked out.
    const ARGS: [&'static str; 9] = [
        "rev-parse",
        "--is-inside-work-tree",
        "--show-toplevel",
        "--show-prefix",
        "--git-path",
        "moot-history",
        "--verify",
        "-q",
        "HEAD",
    ];

    /// What git answered to [`Repo::ARGS`]; `None` when content/ is not in a git work tree
    /// (or git is missing).
    fn read(root: &Path, out: std::process::Output) -> Option<Repo> {
        // Without a commit git fails on HEAD, after printing the rest.
        let text = String::from_utf8(out.stdout).ok()?;
        let mut lines = text.lines();
        if lines.next()? != "true" {
            return None;
        }
        let top = PathBuf::from(lines.next()?);
        let prefix = lines.next()?.to_string();
        let cache = root.join("content").join(lines.next()?);
        let head = lines.next().filter(|h| out.status.success() && !h.is_empty()).map(str::to_string);
        Some(Repo { head, top, prefix, cache })
    }
}

/// Parses `git log -p` output (newest commit first) and follows renames back in time.
pub(crate) fn parse_log(log: String) -> History {
    let mut history = History::default();
    let at = |part: &str| part.as_ptr() as usize - log.as_ptr() as usize;
    // A path as it was at some point -> the path it has today.
    let mut now_called: HashMap<String, String> = HashMap::new();
    for record in log.split(RECORD).filter(|r| !r.trim().is_empty()) {
        let (head, body) = record.split_once('\n').unwrap_or((record, ""));
        let mut f = head.split(FIELD);
        let (Some(sha), Some(author), Some(date), message) = (f.next(), f.next(), f.next(), f.next()) else { continue };
        let Ok(date) = date.parse::<Timestamp>() else { continue };
        let commit = history.commits.len();
        let mut files = Vec::new();
        for file in split_files(body) {
            let Some((old, new, change, diff)) = parse_file(file) else { continue };
            let today = now_called.get(&new).cloned().unwrap_or_else(|| new.clone());
            if let Change::Renamed(_) = change {
                now_called.insert(old, today.clone());
            }
            files.push(today.clone());
            let start = at(diff);
            history.files.entry(today).or_default().push(Revision { commit, change, diff: start..start + diff.len() });
        }
        history.commits.push(Commit {
            sha: sha.trim().to_string(),
            author: author.to_string(),
            date,
            message: message.unwrap_or("").to_string(),
            files,
        });
    }
    history.log = log;
    history
}

fn split_files(body: &str) -> impl Iterator<Item = &str> {
    body.split("\ndiff --git ")
        .skip(1)
        .chain(body.strip_prefix("diff --git ").map(|b| b.split("\ndiff --git ").next().unwrap_or(b)))
}

/// One file of a commit's patch: (old path, new path, change, diff from the first hunk).
fn parse_file(file: &str) -> Option<(String, String, Change, &str)> {
    let mut old = None;
    let mut new = None;
    let mut change = Change::Changed;
    let mut rename_from = None;
    let mut offset = 0;
    let mut diff_start = file.len();
    let first_line = file.lines().next().unwrap_or("");
    for line in file.split_inclusive('\n') {
        let l = line.trim_end_matches('\n');
        if l.starts_with("@@") {
            diff_start = offset;
            break;
        }
        if let Some(p) = l.strip_prefix("--- a/") {
            old = Some(p.to_string());
        } else if let Some(p) = l.strip_prefix("+++ b/") {
            new = Some(p.to_string());
        } else if l == "+++ /dev/null" {
            change = Change::Deleted;
        } else if l.starts_with("new file mode") {
            change = Change::Added;
        } else if l.starts_with("deleted file mode") {
            change = Change::Deleted;
        } else if let Some(p) = l.strip_prefix("rename from ") {
            rename_from = Some(p.to_string());
        } else if let Some(p) = l.strip_prefix("rename to ") {
            new = Some(p.to_string());
        }
        offset += line.len();
    }
    if let Some(from) = rename_from {
        old = Some(from.clone());
        change = Change::Renamed(from);
    }
    // A pure rename or a mode change has no ---/+++ lines: read the paths off the first line.
    if old.is_none() && new.is_none() {
        let (a, b) = first_line.split_once(" b/")?;
        old = Some(a.strip_prefix("a/")?.to_string());
        new = Some(b.to_string());
    }
    let new = match change {
        Change::Deleted => old.clone()?,
        _ => new.or_else(|| old.clone())?,
    };
    let old = old.unwrap_or_else(|| new.clone());
    Some((old, new, change, &file[diff_start..]))
}

/// `git status --porcelain=v2` -> the paths with uncommitted changes (for a rename, its new
/// path), as git writes them (here relative to content/).
fn parse_status(status: &str) -> HashSet<String> {
    status
        .lines()
        .filter_map(|l| {
            // Ordinary, renamed or copied, unmerged, untracked: the fields before the path.
            let fields = match l.as_bytes().first()? {
                b'1' => 8,
                b'2' => 9,
                b'u' => 10,
                b'?' => 1,
                _ => return None,
            };
            let path = l.splitn(fields + 1, ' ').nth(fields)?;
            Some(unquote(path.split('\t').next().unwrap_or(path)))
        })
        .filter(|p| !p.is_empty())
        .collect()
}

/// A path as git writes one with unusual characters: in double quotes, with C escapes
/// (`\"`, `\\`, `\t`, `\n`, and octal bytes).
fn unquote(path: &str) -> String {
    let Some(inner) = path.strip_prefix('"').and_then(|p| p.strip_suffix('"')) else { return path.to_string() };
    let mut bytes = Vec::with_capacity(inner.len());
    let mut rest = inner.bytes().peekable();
    while let Some(b) = rest.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match rest.next() {
            Some(b'n') => bytes.push(b'\n'),
            Some(b't') => bytes.push(b'\t'),
            Some(b'a') => bytes.push(7),
            Some(b'b') => bytes.push(8),
            Some(b'f') => bytes.push(12),
            Some(b'r') => bytes.push(b'\r'),
            Some(b'v') => bytes.push(11),
            Some(d @ b'0'..=b'7') => {
                let mut n = u32::from(d - b'0');
                for _ in 0..2 {
                    if let Some(&d @ b'0'..=b'7') = rest.peek() {
                        n = n * 8 + u32::from(d - b'0');
                        rest.next();
                    }
                }
                bytes.push(n as u8);
            }
            Some(other) => bytes.push(other),
            None => bytes.push(b'\\'),
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// One line of a diff, for the compare page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct DiffLine<'a> {
    /// "hunk", "context", "added" or "removed".
    pub kind: &'static str,
    pub old: Option<usize>,
    pub new: Option<usize>,
    pub text: &'a str,
}

/// Splits a unified diff into numbered lines.
pub(crate) fn diff_lines(diff: &str) -> Vec<DiffLine<'_>> {
    let mut out = Vec::new();
    let (mut old, mut new) = (0usize, 0usize);
    for l in diff.lines() {
        if let Some(rest) = l.strip_prefix("@@") {
            let nums: Vec<usize> = rest
                .split_whitespace()
                .take(2)
                .map(|r| r.trim_start_matches(['-', '+']).split(',').next().unwrap_or("0").parse().unwrap_or(0))
                .collect();
            old = nums.first().copied().unwrap_or(0);
            new = nums.get(1).copied().unwrap_or(0);
            out.push(DiffLine { kind: "hunk", old: None, new: None, text: l });
        } else if let Some(t) = l.strip_prefix('+') {
            out.push(DiffLine { kind: "added", old: None, new: Some(new), text: t });
            new += 1;
        } else if let Some(t) = l.strip_prefix('-') {
            out.push(DiffLine { kind: "removed", old: Some(old), new: None, text: t });
            old += 1;
        } else if let Some(t) = l.strip_prefix(' ') {
            out.push(DiffLine { kind: "context", old: Some(old), new: Some(new), text: t });
            old += 1;
            new += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "\u{1e}bbb\u{1f}Ben Ito\u{1f}2026-11-20T10:00:00Z\u{1f}Edit and rename A\n\ndiff --git a/wiki/a.md b/wiki/b.md\nsimilarity index 61%\nrename from wiki/a.md\nrename to wiki/b.md\nindex 1c1d15c..693edad 100644\n--- a/wiki/a.md\n+++ b/wiki/b.md\n@@ -2,3 +2,4 @@\n title: A\n ---\n Line one\n+Line two\n\u{1e}aaa\u{1f}Ana Ruiz\u{1f}2026-11-01T09:00:00Z\u{1f}Add A\n\ndiff --git a/wiki/a.md b/wiki/a.md\nnew file mode 100644\nindex 0000000..1c1d15c\n--- /dev/null\n+++ b/wiki/a.md\n@@ -0,0 +1,4 @@\n+---\n+title: A\n+---\n+Line one\n";

    #[test]
    fn follows_renames_back_in_time() {
        let h = parse_log(LOG.to_string());
        assert_eq!(h.commits.len(), 2);
        let revs = h.of("wiki/b.md");
        assert_eq!(revs.len(), 2, "{h:?}");
        assert_eq!(revs[0].change, Change::Renamed("wiki/a.md".into()));
        assert_eq!(revs[1].change, Change::Added);
        assert_eq!(h.commits[revs[1].commit].author, "Ana Ruiz");
        assert!(h.of("wiki/a.md").is_empty());
    }

    #[test]
    fn numbers_diff_lines() {
        let h = parse_log(LOG.to_string());
        let lines = diff_lines(h.diff(&h.of("wiki/b.md")[0]));
        assert_eq!(lines[0].kind, "hunk");
        assert_eq!(lines[1], DiffLine { kind: "context", old: Some(2), new: Some(2), text: "title: A" });
        assert_eq!(lines[4], DiffLine { kind: "added", old: None, new: Some(5), text: "Line two" });
    }

    #[test]
    fn reads_status() {
        let status = "# branch.oid 56412dbdc4222c85fb36c923c2042a6fd22b1498\n# branch.head main\n\
            1 .M N... 100644 100644 100644 7898192 7898192 wiki/a b.md\n\
            2 R. N... 100644 100644 100644 6178079 6178079 R100 groups/g.md\told.md\n\
            u UU N... 100644 100644 100644 100644 1111111 2222222 3333333 wiki/both.md\n\
            ? stories/new.md\n\
            ? \"wiki/q\\\"uote\\tand\\303\\251.md\"\n";
        let mut s: Vec<String> = parse_status(status).into_iter().collect();
        s.sort();
        assert_eq!(s, ["groups/g.md", "stories/new.md", "wiki/a b.md", "wiki/both.md", "wiki/q\"uote\tandé.md"]);
    }

    /// What git prints is what the parser reads: edited, renamed (to a name with a space),
    /// untracked and quoted paths, relative to content/ in a content/ below the top.
    #[test]
    fn a_probe_finds_what_is_not_committed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let content = root.join("content");
        std::fs::create_dir_all(content.join("wiki")).unwrap();
        let git = |args: &[&str]| {
            let out = Command::new("git")
                .args(["-c", "user.name=Ana", "-c", "user.email=a@example.org"])
                .args(args)
                .current_dir(dir.path())
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        };
        git(&["init", "-q"]);
        std::fs::write(content.join("wiki/a.md"), "a\n").unwrap();
        std::fs::write(content.join("wiki/b.md"), "b\n").unwrap();
        std::fs::write(content.join("kept.md"), "k\n").unwrap();
        git(&["add", "-A"]);
        git(&["commit", "-q", "-m", "Add"]);
        let probe = Probe::start(&root);
        assert_eq!(probe.uncommitted(), Some(HashSet::new()));
        assert_eq!(probe.site_prefix(&root), "site/");
        std::fs::write(content.join("wiki/a.md"), "a, edited\n").unwrap();
        git(&["mv", "site/content/wiki/b.md", "site/content/wiki/b c.md"]);
        std::fs::write(content.join("new \"one\".md"), "n\n").unwrap();
        let mut now: Vec<String> = Probe::start(&root).uncommitted().unwrap().into_iter().collect();
        now.sort();
        assert_eq!(now, ["new \"one\".md", "wiki/a.md", "wiki/b c.md"]);
        // A probe that asks only when asked answers the same.
        let lazy = Probe::when_asked(&root);
        assert_eq!(
            (lazy.uncommitted(), lazy.site_prefix(&root)),
            (Probe::start(&root).uncommitted(), "site/".to_string())
        );
        let state = Probe::start(&root).state().map(str::to_string).unwrap();
        assert!(state.starts_with("# branch.oid "), "{state}");
        // content/ a link into another repository that holds the site's: git is asked in the
        // site, as before there was a probe (its own repository: no prefix).
        let outer = tempfile::tempdir().unwrap();
        let site = outer.path().join("sites/blog");
        std::fs::create_dir_all(outer.path().join("content")).unwrap();
        std::fs::create_dir_all(&site).unwrap();
        for dir in [outer.path(), site.as_path()] {
            assert!(Command::new("git").args(["init", "-q"]).current_dir(dir).status().unwrap().success());
        }
        std::os::unix::fs::symlink("../../content", site.join("content")).unwrap();
        assert_eq!(Probe::start(&site).site_prefix(&site), "");
        // Outside a work tree: nothing, and no prefix.
        let alone = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(alone.path().join("content")).unwrap();
        let probe = Probe::start(alone.path());
        assert_eq!((probe.uncommitted(), probe.state(), probe.site_prefix(alone.path())), (None, None, String::new()));
    }

    /// The commit a history is read at is the one `git status` saw (hashed with the inputs),
    /// not one `git rev-parse` saw a moment apart; before the first commit there is none.
    #[test]
    fn the_head_is_the_one_the_status_saw() {
        let probe = |status: &'static str, head: &'static str| Probe {
            status: Answer::new(Box::new(move || Some(status.to_string()))),
            repo: Answer::new(Box::new(move || {
                let top = PathBuf::from("/r");
                Some(Repo { head: Some(head.to_string()), top, prefix: String::new(), cache: PathBuf::new() })
            })),
            started: false,
        };
        assert_eq!(probe("# branch.oid aaa\n# branch.head main\n", "bbb").head(), Some("aaa"));
        assert_eq!(probe("# branch.oid (initial)\n", "bbb").head(), None);
        assert_eq!(probe("", "bbb").head(), Some("bbb"));
    }

    /// The log made without patches of additions reads the same as git's own `git log -p`:
    /// files added and edited, renamed, empty, without a last newline, edited since (so read
    /// from git, not the working tree), in a content/ folder below the repository's top.
    #[test]
    fn the_made_log_reads_as_gits_own() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path();
        let root = top.join("site");
        let content = root.join("content");
        std::fs::create_dir_all(content.join("wiki")).unwrap();
        let git = |args: &[&str], date: &str| {
            let out = Command::new("git")
                .args(args)
                .current_dir(top)
                .env("GIT_AUTHOR_NAME", "Ana")
                .env("GIT_AUTHOR_EMAIL", "a@example.org")
                .env("GIT_COMMITTER_NAME", "Ana")
                .env("GIT_COMMITTER_EMAIL", "a@example.org")
                .env("GIT_AUTHOR_DATE", date)
                .env("GIT_COMMITTER_DATE", date)
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        };
        let write = |rel: &str, text: &str| std::fs::write(content.join(rel), text).unwrap();
        git(&["init", "-q"], "2026-01-01T00:00:00Z");
        write("wiki/a.md", "---\ntitle: A\n---\nOne\n");
        write("wiki/empty.md", "");
        write("wiki/no-newline.md", "---\ntitle: N\n---\nlast");
        write("wiki/one-line.md", "x\n");
        git(&["add", "-A"], "2026-01-01T00:00:00Z");
        git(&["commit", "-q", "-m", "Add"], "2026-01-01T00:00:00Z");
        write("wiki/a.md", "---\ntitle: A\n---\nOne\nTwo\n");
        write("wiki/b.md", "---\ntitle: B\n---\nBee\n");
        git(&["add", "-A"], "2026-01-02T00:00:00Z");
        git(&["commit", "-q", "-m", "Edit A, add B"], "2026-01-02T00:00:00Z");
        git(&["mv", "site/content/wiki/b.md", "site/content/wiki/c.md"], "2026-01-03T00:00:00Z");
        git(&["commit", "-q", "-m", "Rename B"], "2026-01-03T00:00:00Z");
        write("wiki/one-line.md", "changed, not committed\n");
        let made = parse_log(patch_log(&root, None, &uncommitted(&root).unwrap()).unwrap());
        let theirs = parse_log(
            git_in(&root, &["log", "--no-color", "--no-ext-diff", FORMAT, "-p", "-M", "--relative", "--", "."])
                .unwrap(),
        );
        let shas = |h: &History| h.commits.iter().map(|c| (c.sha.clone(), c.files.clone())).collect::<Vec<_>>();
        assert_eq!(shas(&made), shas(&theirs));
        let mut paths: Vec<&String> = theirs.files.keys().collect();
        paths.sort();
        assert_eq!(paths.len(), 5, "{paths:?}");
        for path in paths {
            let (a, b) = (made.of(path), theirs.of(path));
            assert_eq!(a.len(), b.len(), "{path}");
            for (x, y) in a.iter().zip(b) {
                assert_eq!((x.commit, &x.change), (y.commit, &y.change), "{path}");
                assert_eq!(made.diff(x), theirs.diff(y), "{path}");
            }
        }
    }
}
