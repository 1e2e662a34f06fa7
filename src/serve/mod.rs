//! Watch and serve: build the site into memory, serve it on loopback, rebuild when a file
//! of the site changes and tell open pages to reload (server-sent events).
//!
//! Two sides that share only a [`snapshot`]: the rebuilding thread owns the incremental
//! build and publishes a new immutable snapshot after each phase (the edited page first,
//! then the lists); the HTTP side ([`http`], on hyper and tokio) answers every request from
//! the snapshot current when it arrives. A rebuild that fails, or panics, leaves the last good
//! site served with the error shown over it; the next good save recovers.
//!
//! Limits ([`io`] and below): request heads of at most [`MAX_HEAD`] bytes (431 past that),
//! heads read within [`HEAD_TIMEOUT`], a connection closed after [`io::IDLE`] without progress,
//! and at most as many connections as the open-files limit allows.

pub(crate) mod http;
mod io;
pub(crate) mod snapshot;

use crate::incremental::{Live, Outcome};
use crate::Options;
use snapshot::Publisher;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use http::{content_type, request_path};

/// The longest request line and headers the server reads (hyper answers 431 past it).
pub const MAX_HEAD: usize = 64 << 10;
/// How long a client has to send a request's head.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// Builds, serves on `bind:port`, and rebuilds on change until the process ends.
pub fn serve(mut opts: Options, bind: &str, port: u16, open: bool) -> Result<(), String> {
    let listener = std::net::TcpListener::bind((bind, port)).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            format!("port {port} is already in use on {bind}; try another: moot serve --port {}", port.wrapping_add(1))
        } else {
            format!("cannot listen on {bind}:{port}: {e}")
        }
    })?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let host = if bind.contains(':') { format!("[{bind}]") } else { bind.to_string() };
    opts.base_url = Some(format!("http://{host}:{port}"));
    let (mut publisher, watch) = Publisher::new();
    let url = format!("http://{host}:{port}/");
    println!("serving {} at {url} (Ctrl-C to stop)", opts.root.display());
    if open {
        let _ =
            std::process::Command::new(if cfg!(target_os = "macos") { "open" } else { "xdg-open" }).arg(&url).spawn();
    }
    std::thread::spawn(move || {
        let mut live = None;
        rebuild(&opts, &mut live, &mut publisher, &[]);
        watch_files(&opts, &mut live, &mut publisher);
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    runtime.block_on(accept(listener, watch))
}

/// Accepts connections and serves each on a task of its own, as many at once as the
/// process may hold open files for (past that, new ones wait to be accepted).
async fn accept(listener: std::net::TcpListener, watch: snapshot::Watch) -> Result<(), String> {
    let listener = tokio::net::TcpListener::from_std(listener).map_err(|e| e.to_string())?;
    let slots = Arc::new(tokio::sync::Semaphore::new(connection_limit()));
    loop {
        let Ok(permit) = Arc::clone(&slots).acquire_owned().await else { return Ok(()) };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of descriptors, most likely: wait a little rather than spin.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let watch = watch.clone();
        tokio::spawn(async move {
            let io = hyper_util::rt::TokioIo::new(io::Idle::new(stream, io::IDLE));
            let service = hyper::service::service_fn(move |req| http::answer(req, watch.clone()));
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEAD_TIMEOUT)
                .max_buf_size(MAX_HEAD)
                .serve_connection(io, service)
                .await;
            drop(permit);
        });
    }
}

/// How many connections to serve at once: the open-files limit (raised to its hard limit
/// where the system allows), less some for the files a rebuild reads.
fn connection_limit() -> usize {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: getrlimit and setrlimit only read and write the struct passed to them.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
                let raised = libc::rlimit { rlim_cur: limit.rlim_max, rlim_max: limit.rlim_max };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                    limit = raised;
                }
            }
        }
        (limit.rlim_cur as usize).saturating_sub(128).clamp(16, 16_384)
    }
    #[cfg(not(unix))]
    {
        1024
    }
}

/// Runs one step of rebuilding, catching a panic anywhere in it: the last good site stays
/// served, the error is shown, and the next change starts from a fresh build.
fn guarded(
    live: &mut Option<Live>,
    publisher: &mut Publisher,
    step: impl FnOnce(&mut Option<Live>, &mut Publisher) -> Result<Outcome, String>,
) {
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| step(live, publisher)));
    let result = match caught {
        Ok(r) => r,
        Err(panic) => {
            *live = None;
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".into());
            Err(format!(
                "moot hit a bug while rebuilding ({what}); please report it. The next save builds the site afresh.\n"
            ))
        }
    };
    match result {
        Ok(outcome) => {
            if let Some(l) = live.as_ref() {
                // Each warning once, when it first appears, not again with every save.
                for w in l.warnings() {
                    if publisher.warned.insert(w.to_string()) {
                        eprintln!("{w}");
                    }
                }
                publisher.outputs(&outcome, &l.files);
            }
            if outcome.rendered > 0 || !outcome.changed.is_empty() {
                println!("{outcome}");
            }
        }
        Err(e) => {
            eprint!("{e}");
            eprintln!("(still serving the last good build)");
            publisher.error(e);
        }
    }
}

/// The first build, or the change to `paths`: for bodies only, phase one (the edited pages;
/// the rest waits for [`rest`]); else the front-matter path or a full rebuild in memory.
fn rebuild(opts: &Options, live: &mut Option<Live>, publisher: &mut Publisher, paths: &[PathBuf]) {
    guarded(live, publisher, |live, _| {
        // For the tests of what a panic does: a change to a file of this name panics.
        if let Some(name) = std::env::var_os("MOOT_PANIC_ON") {
            if paths.iter().any(|p| p.file_name() == Some(&name) && p.exists()) {
                panic!("MOOT_PANIC_ON {}", name.to_string_lossy());
            }
        }
        let Some(l) = live.as_mut() else {
            let (l, outcome) = Live::new(opts.clone()).map_err(|e| e.to_string())?;
            *live = Some(l);
            return Ok(outcome);
        };
        l.first_phase(paths).map_err(|e| e.to_string())
    });
}

/// Phase two of a body edit (lists, feeds, the search index), until a new save stops it.
fn rest(live: &mut Option<Live>, publisher: &mut Publisher, stop: &AtomicBool) {
    guarded(live, publisher, |live, _| match live.as_mut() {
        Some(l) => l.lists_phase_until(stop).map_err(|e| e.to_string()),
        None => Ok(Outcome::default()),
    });
}

/// What a changed path means for the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Content,
    Static,
    Theme,
    Config,
}

/// Classifies a changed path (relative to the site root); `None` for files that do not
/// matter (editor swap files, the output folder, anything outside the site's folders).
pub fn classify(rel: &Path) -> Option<Change> {
    let name = rel.file_name()?.to_str()?;
    if rel.components().any(|c| crate::load::is_ignored(&c.as_os_str().to_string_lossy()))
        || crate::load::is_ignored(name)
    {
        return None;
    }
    let first = rel.components().next()?.as_os_str().to_str()?;
    match first {
        "content" => Some(Change::Content),
        "static" => Some(Change::Static),
        "themes" => Some(Change::Theme),
        "moot.toml" => Some(Change::Config),
        _ => None,
    }
}

/// How long to wait for the rest of a save's burst of events (or a git checkout's).
const DEBOUNCE: Duration = Duration::from_millis(30);

fn watch_files(opts: &Options, live: &mut Option<Live>, publisher: &mut Publisher) {
    use notify::{RecursiveMode, Watcher};
    let root = opts.root.canonicalize().unwrap_or_else(|_| opts.root.clone());
    // Reads (our own build opening files) are not changes; only creations, writes, renames
    // and removals of site files are. Each one also stops a phase two in progress, so the
    // next page is rebuilt first.
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, rx) = std::sync::mpsc::channel::<Vec<PathBuf>>();
    let handler = {
        let (root, stop) = (root.clone(), Arc::clone(&stop));
        move |ev: notify::Result<notify::Event>| {
            let Ok(ev) = ev else { return };
            if matches!(ev.kind, notify::EventKind::Access(_)) {
                return;
            }
            let paths: Vec<PathBuf> =
                ev.paths.into_iter().filter(|p| classify(p.strip_prefix(&root).unwrap_or(p)).is_some()).collect();
            if !paths.is_empty() {
                stop.store(true, Ordering::Relaxed);
                let _ = tx.send(paths);
            }
        }
    };
    let mut watcher = match notify::recommended_watcher(handler) {
        Ok(w) => w,
        Err(e) => return eprintln!("cannot watch for changes: {e}"),
    };
    if let Err(e) = watcher.watch(&opts.root, RecursiveMode::Recursive) {
        return eprintln!("cannot watch {}: {e}", opts.root.display());
    }
    loop {
        let pending = live.as_ref().is_some_and(Live::has_pending);
        let first = if pending {
            match rx.try_recv() {
                Ok(paths) => paths,
                Err(std::sync::mpsc::TryRecvError::Empty) => {
                    rest(live, publisher, &stop);
                    continue;
                }
                Err(std::sync::mpsc::TryRecvError::Disconnected) => return,
            }
        } else {
            match rx.recv() {
                Ok(paths) => paths,
                Err(_) => return,
            }
        };
        let mut changed = first;
        // Debounce: gather the burst of events of one save (or a git checkout).
        let deadline = Instant::now() + DEBOUNCE;
        while let Ok(paths) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            changed.extend(paths);
        }
        stop.store(false, Ordering::Relaxed);
        changed.sort();
        changed.dedup();
        drop_vanished_temp_files(&mut changed);
        if !changed.is_empty() {
            // Paths relative to the root we watch, as the site knows them.
            let paths: Vec<PathBuf> =
                changed.iter().map(|p| opts.root.join(p.strip_prefix(&root).unwrap_or(p))).collect();
            rebuild(opts, live, publisher, &paths);
        }
    }
}

/// A file with no extension that is already gone was a save's temporary file (sed -i, some
/// editors' atomic saves): the site never had it, and it would send an edit of front matter
/// down the full path.
fn drop_vanished_temp_files(changed: &mut Vec<PathBuf>) {
    changed.retain(|p| p.exists() || p.extension().is_some());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_changes() {
        assert_eq!(classify(Path::new("content/a.md")), Some(Change::Content));
        let dir = tempfile::tempdir().unwrap();
        let kept = dir.path().join("a.md");
        std::fs::write(&kept, "x").unwrap();
        let mut changed = vec![dir.path().join("sedX1b2c3"), kept.clone(), dir.path().join("gone.md")];
        drop_vanished_temp_files(&mut changed);
        assert_eq!(changed, [kept, dir.path().join("gone.md")], "a deleted page still counts");
        assert_eq!(classify(Path::new("content/.a.md.swp")), None);
        assert_eq!(classify(Path::new("content/a.md~")), None);
        assert_eq!(classify(Path::new("public/index.html")), None);
        assert_eq!(classify(Path::new("moot.toml")), Some(Change::Config));
        assert_eq!(classify(Path::new("themes/x/templates/base.html")), Some(Change::Theme));
    }
}
