//! Watch and serve: build the site into memory, serve it on loopback, rebuild when a file
//! of the site changes and tell open pages to reload (server-sent events).
//!
//! The server keeps serving the last good build when a save breaks the site; the error is
//! printed and shown in the browser until the next good save.

use crate::incremental::Live;
use crate::render::Body;
use crate::Options;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// The site as served: the incremental build (none while the first build fails), the
/// version of the outputs, the last error, and which pages the last change touched.
#[derive(Default)]
pub struct State {
    pub live: Option<Live>,
    pub version: u64,
    pub error: Option<String>,
    /// Output paths changed by the last rebuild; `None` means reload every page.
    pub changed: Option<Vec<String>>,
}

/// The script added to pages in `serve`: reloads when a rebuild changed this page (or all),
/// shows a build error over the page until the next good save.
const LIVE_SCRIPT: &str = r#"<script>(function(){var v=null;function here(){var p=location.pathname.replace(/^\//,'');return p===''||p.endsWith('/')?p+'index.html':p;}function show(t){var d=document.getElementById('moot-error');if(!t){if(d)d.remove();return;}if(!d){d=document.createElement('pre');d.id='moot-error';d.setAttribute('role','alert');d.style.cssText='position:fixed;inset:auto 1rem 1rem 1rem;max-height:50vh;overflow:auto;background:#3b0d0d;color:#fff;padding:1rem;border-radius:.5rem;z-index:9999;white-space:pre-wrap;font:14px/1.4 monospace';document.body.appendChild(d);}d.textContent=t;}var es=new EventSource('/__moot/events');es.onmessage=function(e){var m=JSON.parse(e.data);if(v!==null&&m.version!==v&&(m.changed===null||m.changed.indexOf(here())>=0||m.changed.some(function(c){return c.endsWith('.css');}))){location.reload();return;}v=m.version;show(m.error);};})();</script>"#;

/// Adds the live-reload script before `</body>`.
pub fn inject(mut html: Vec<u8>) -> Vec<u8> {
    let at = html.windows(7).rposition(|w| w == b"</body>").unwrap_or(html.len());
    html.splice(at..at, LIVE_SCRIPT.bytes());
    html
}

/// Builds, serves on `bind:port`, and rebuilds on change until the process ends.
pub fn serve(mut opts: Options, bind: &str, port: u16, open: bool) -> Result<(), String> {
    let listener = TcpListener::bind((bind, port)).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            format!("port {port} is already in use on {bind}; try another: moot serve --port {}", port.wrapping_add(1))
        } else {
            format!("cannot listen on {bind}:{port}: {e}")
        }
    })?;
    let host = if bind.contains(':') { format!("[{bind}]") } else { bind.to_string() };
    opts.base_url = Some(format!("http://{host}:{port}"));
    let state = Arc::new(RwLock::new(State::default()));
    rebuild(&opts, &state, &[]);
    let url = format!("http://{host}:{port}/");
    println!("serving {} at {url} (Ctrl-C to stop)", opts.root.display());
    if open {
        let _ =
            std::process::Command::new(if cfg!(target_os = "macos") { "open" } else { "xdg-open" }).arg(&url).spawn();
    }
    let watch_state = Arc::clone(&state);
    let watch_opts = opts.clone();
    std::thread::spawn(move || watch(&watch_opts, &watch_state));
    for stream in listener.incoming().flatten() {
        let state = Arc::clone(&state);
        std::thread::spawn(move || {
            let _ = handle(stream, &state);
        });
    }
    Ok(())
}

/// Applies a change: the body-only path in two phases (the edited page first), else the
/// front-matter path, else a full rebuild in memory. On error the last good site stays and the error is shown.
fn rebuild(opts: &Options, state: &RwLock<State>, paths: &[PathBuf]) {
    let mut s = state.write().expect("state lock");
    let result = match s.live.as_mut() {
        None => Live::new(opts.clone(), true).map(|(live, outcome)| {
            s.live = Some(live);
            outcome
        }),
        Some(live) => {
            let only_markdown = paths.iter().all(|p| p.extension().is_some_and(|x| x == "md"));
            match if only_markdown { live.pages_phase(paths) } else { Ok(None) } {
                Ok(Some(first)) => {
                    println!("{first}");
                    publish(&mut s, Some(first.changed), false);
                    drop(s);
                    // Phase two: lists, feeds, calendars and indexes.
                    s = state.write().expect("state lock");
                    s.live.as_mut().expect("built").lists_phase()
                }
                Ok(None) => live.front_or_full(paths),
                Err(e) => Err(e),
            }
        }
    };
    match result {
        Ok(outcome) => {
            for w in s.live.as_ref().map(Live::warnings).unwrap_or_default() {
                eprintln!("{w}");
            }
            println!("{outcome}");
            let changed = if outcome.full { None } else { Some(outcome.changed) };
            let had_error = s.error.take().is_some();
            publish(&mut s, changed, had_error);
        }
        Err(e) => {
            eprint!("{e}");
            eprintln!("(still serving the last good build)");
            s.error = Some(e.to_string());
            s.version += 1;
            s.changed = Some(Vec::new());
        }
    }
}

/// A new version of the outputs for the browsers, if something changed (or an error went).
fn publish(s: &mut State, changed: Option<Vec<String>>, error_cleared: bool) {
    if changed.as_ref().is_some_and(Vec::is_empty) && !error_cleared {
        return;
    }
    s.version += 1;
    s.changed = changed;
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

fn watch(opts: &Options, state: &RwLock<State>) {
    use notify::{RecursiveMode, Watcher};
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher = match notify::recommended_watcher(tx) {
        Ok(w) => w,
        Err(e) => return eprintln!("cannot watch for changes: {e}"),
    };
    if let Err(e) = watcher.watch(&opts.root, RecursiveMode::Recursive) {
        return eprintln!("cannot watch {}: {e}", opts.root.display());
    }
    let root = opts.root.canonicalize().unwrap_or_else(|_| opts.root.clone());
    // Reads (our own build opening files) are not changes; only creations, writes, renames
    // and removals of site files are.
    let relevant = |ev: &notify::Event| {
        !matches!(ev.kind, notify::EventKind::Access(_))
            && ev.paths.iter().any(|p| classify(p.strip_prefix(&root).unwrap_or(p)).is_some())
    };
    let paths_of = |ev: notify::Result<notify::Event>, into: &mut Vec<PathBuf>| {
        if let Ok(ev) = ev {
            if relevant(&ev) {
                into.extend(ev.paths.into_iter().filter(|p| classify(p.strip_prefix(&root).unwrap_or(p)).is_some()));
            }
        }
    };
    while let Ok(first) = rx.recv() {
        let mut changed = Vec::new();
        paths_of(first, &mut changed);
        // Debounce: gather the burst of events of one save (or a git checkout).
        let deadline = Instant::now() + Duration::from_millis(50);
        while let Ok(ev) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            paths_of(ev, &mut changed);
        }
        changed.sort();
        changed.dedup();
        drop_vanished_temp_files(&mut changed);
        if !changed.is_empty() {
            // Paths relative to the root we watch, as the site knows them.
            let paths: Vec<PathBuf> =
                changed.iter().map(|p| opts.root.join(p.strip_prefix(&root).unwrap_or(p))).collect();
            rebuild(opts, state, &paths);
        }
    }
}

/// A file with no extension that is already gone was a save's temporary file (sed -i, some
/// editors' atomic saves): the site never had it, and it would send an edit of front matter
/// down the full path.
fn drop_vanished_temp_files(changed: &mut Vec<PathBuf>) {
    changed.retain(|p| p.exists() || p.extension().is_some());
}

fn handle(stream: TcpStream, state: &RwLock<State>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? <= 2 {
            break;
        }
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let mut stream = stream;
    if method != "GET" && method != "HEAD" {
        return respond(&mut stream, 405, "text/plain", b"method not allowed", method == "HEAD");
    }
    let path = target.split(['?', '#']).next().unwrap_or("/");
    if path == "/__moot/events" {
        return events(stream, state);
    }
    let Some(rel) = request_path(path) else {
        return respond(&mut stream, 400, "text/plain", b"bad path", false);
    };
    let s = state.read().expect("state lock");
    let Some(files) = s.live.as_ref().map(|l| &l.files) else {
        // The first build failed: show why, and reload when it is fixed.
        let page = format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build error</title></head><body><h1>The site does not build yet</h1><pre>{}</pre>{LIVE_SCRIPT}</body></html>",
            crate::render::theme::escape_html(s.error.as_deref().unwrap_or(""))
        );
        return respond(&mut stream, 500, "text/html; charset=utf-8", page.as_bytes(), method == "HEAD");
    };
    let found = [rel.clone(), format!("{rel}/index.html").trim_start_matches('/').to_string()]
        .into_iter()
        .find(|p| !p.is_empty() && files.contains_key(p));
    match found {
        Some(p) if p != rel && !path.ends_with('/') => {
            let location = format!("{path}/");
            let head = format!("HTTP/1.1 301 Moved Permanently\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            stream.write_all(head.as_bytes())
        }
        Some(p) => {
            let bytes = body_bytes(&files[&p])?;
            respond(&mut stream, 200, content_type(&p), &bytes, method == "HEAD")
        }
        None => {
            let bytes = files.get("404.html").map(body_bytes).transpose()?.unwrap_or_else(|| b"not found".to_vec());
            respond(&mut stream, 404, "text/html; charset=utf-8", &bytes, method == "HEAD")
        }
    }
}

fn body_bytes(b: &Body) -> std::io::Result<Vec<u8>> {
    match b {
        Body::Bytes(v) => Ok(v.clone()),
        Body::Static(s) => Ok(s.to_vec()),
        Body::File(p) => std::fs::read(p),
    }
}

/// A request path -> the output path it names (`/a/b/` -> `a/b/index.html`), or `None` if it
/// would leave the output folder (`..`, encoded or not).
pub fn request_path(path: &str) -> Option<String> {
    let decoded = percent_decode(path)?;
    let mut parts = Vec::new();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            p if crate::load::is_safe_component(p) => parts.push(p),
            _ => return None,
        }
    }
    let joined = parts.join("/");
    Some(if decoded.ends_with('/') {
        if joined.is_empty() {
            "index.html".to_string()
        } else {
            format!("{joined}/index.html")
        }
    } else {
        joined
    })
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "json" => "application/json",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn respond(stream: &mut TcpStream, status: u16, ctype: &str, body: &[u8], head_only: bool) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "",
    };
    let head = format!("HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n", body.len());
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// Server-sent events: the build version and its error, sent whenever either changes.
fn events(mut stream: TcpStream, state: &RwLock<State>) -> std::io::Result<()> {
    stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n")?;
    let mut last: Option<u64> = None;
    loop {
        let message = {
            let s = state.read().expect("state lock");
            (last != Some(s.version)).then(|| {
                last = Some(s.version);
                let error = s.error.as_deref().map_or("null".to_string(), json_string);
                // A long list of pages is as good as "all".
                let changed = match &s.changed {
                    Some(c) if c.len() <= 500 => serde_json::to_string(c).unwrap_or_else(|_| "null".into()),
                    _ => "null".to_string(),
                };
                format!("data: {{\"version\":{},\"error\":{error},\"changed\":{changed}}}\n\n", s.version)
            })
        };
        if let Some(m) = message {
            stream.write_all(m.as_bytes())?;
            stream.flush()?;
        }
        std::thread::sleep(Duration::from_millis(100));
        // A closed connection shows up as a failed write above; nothing to read here.
        let _ = stream.set_nonblocking(true).and_then(|_| stream.read(&mut [0u8; 1]).map(|_| ()));
        let _ = stream.set_nonblocking(false);
    }
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// The site root given on the command line, made absolute.
pub fn absolute(root: &Path) -> PathBuf {
    root.canonicalize().unwrap_or_else(|_| root.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_stay_inside() {
        assert_eq!(request_path("/").as_deref(), Some("index.html"));
        assert_eq!(request_path("/groups/").as_deref(), Some("groups/index.html"));
        assert_eq!(request_path("/static/style.css").as_deref(), Some("static/style.css"));
        for bad in ["/../etc/passwd", "/%2e%2e/etc/passwd", "/a/%2E%2E/%2E%2E/x", "/a/..%2f..%2fx", "/%zz"] {
            assert_eq!(request_path(bad), None, "{bad}");
        }
    }

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
