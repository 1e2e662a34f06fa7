//! The dev server's HTTP side, on hyper: each request reads the snapshot current when it
//! arrives (never a lock the rebuild holds), so requests never wait for a rebuild, and a
//! client that reads slowly holds nothing but its own copy of a pointer.
//!
//! What it answers: GET and HEAD; `ETag`/`If-None-Match` -> 304; `Range` (one range) -> 206;
//! a folder without its `/` -> 301 to the same path with it (always a path, never `//host`);
//! the site's `404.html` for what is not there; the live-reload event stream.

use super::snapshot::{Snapshot, Watch};
use crate::render::Body;
use bytes::Bytes;
use http_body_util::{combinators::BoxBody, BodyExt, Full, StreamBody};
use hyper::body::Frame;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

pub(crate) type Reply = Response<BoxBody<Bytes, Infallible>>;

/// How often an idle event stream sends a comment, so a client that left is noticed.
const HEARTBEAT: Duration = Duration::from_secs(15);

/// Answers one request from the snapshot current now.
pub(crate) async fn answer(req: Request<hyper::body::Incoming>, watch: Watch) -> Result<Reply, Infallible> {
    let head_only = req.method() == Method::HEAD;
    if req.method() != Method::GET && !head_only {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
        r.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return Ok(r);
    }
    let path = req.uri().path();
    if path == "/__moot/events" {
        return Ok(events(req.uri().query().unwrap_or(""), watch));
    }
    let Some(asked) = request_path(path) else { return Ok(plain(StatusCode::BAD_REQUEST, "bad path")) };
    let snap = watch.borrow().clone();
    let Some(files) = snap.files.as_ref() else {
        // The first build is running, or failed: say so, and reload when there is a site.
        let (status, text) = match &snap.error {
            Some(e) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("<h1>The site does not build yet</h1><pre>{}</pre>", crate::render::escape::escape_html(e)),
            ),
            None => (StatusCode::SERVICE_UNAVAILABLE, "<h1>Building the site…</h1>".to_string()),
        };
        let page = format!("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>moot serve</title></head><body>{text}</body></html>");
        let html = inject(page.as_bytes(), &snap, "", "");
        return Ok(with_body(status, "text/html; charset=utf-8", Bytes::from(html), head_only));
    };
    let folder =
        if asked.ends_with("index.html") || asked.is_empty() { None } else { Some(format!("{asked}/index.html")) };
    // A folder asked without its `/` (no `folder` for "" or an index.html).
    if !files.contains_key(&asked) && folder.is_some_and(|f| files.contains_key(&f)) {
        // `/wiki` -> `/wiki/`: the location is made from the cleaned path, so `//wiki`
        // cannot become a link to another host.
        let mut r = plain(StatusCode::MOVED_PERMANENTLY, "");
        let location = format!("/{}/", asked.trim_end_matches('/'));
        r.headers_mut()
            .insert(header::LOCATION, HeaderValue::from_str(&location).unwrap_or(HeaderValue::from_static("/")));
        return Ok(r);
    }
    let (status, served) = match files.get(&asked) {
        Some(_) => (StatusCode::OK, asked.clone()),
        None => (StatusCode::NOT_FOUND, "404.html".to_string()),
    };
    let Some(body) = files.get(&served) else { return Ok(plain(StatusCode::NOT_FOUND, "not found")) };
    let Ok(bytes) = body_bytes(body).await else {
        return Ok(plain(StatusCode::NOT_FOUND, "not found"));
    };
    let ctype = content_type(&served);
    if ctype.starts_with("text/html") {
        let page = Bytes::from(inject(&bytes, &snap, &served, &asked));
        // The page carries the version it was served at, so its tag does too.
        let tag = format!("\"{:016x}-{}\"", crate::write::manifest::hash(&bytes), snap.version);
        return Ok(cached(&req, status, ctype, page, tag, head_only, false));
    }
    let tag = format!("\"{:016x}\"", crate::write::manifest::hash(&bytes));
    Ok(cached(&req, status, ctype, bytes, tag, head_only, status == StatusCode::OK))
}

async fn body_bytes(b: &Arc<Body>) -> std::io::Result<Bytes> {
    match &**b {
        Body::Bytes(v) => Ok(Bytes::from_owner(SharedBytes(Arc::clone(b), v.len()))),
        Body::Static(s) => Ok(Bytes::from_static(s)),
        Body::File(p) => tokio::fs::read(p).await.map(Bytes::from),
    }
}

/// The bytes of a rendered output, shared with the snapshot (no copy per request).
struct SharedBytes(Arc<Body>, usize);

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        match &*self.0 {
            Body::Bytes(v) => &v[..self.1.min(v.len())],
            _ => &[],
        }
    }
}

/// A response with an ETag, answering `If-None-Match` with 304 and (if `ranges`) `Range`
/// with 206 or 416.
fn cached(
    req: &Request<hyper::body::Incoming>,
    status: StatusCode,
    ctype: &str,
    bytes: Bytes,
    tag: String,
    head_only: bool,
    ranges: bool,
) -> Reply {
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
    if matches && status == StatusCode::OK {
        let mut r = plain(StatusCode::NOT_MODIFIED, "");
        set(&mut r, header::ETAG, &tag);
        r.headers_mut().remove(header::CONTENT_TYPE);
        return r;
    }
    let range = req.headers().get(header::RANGE).and_then(|v| v.to_str().ok()).filter(|_| ranges);
    let mut r = match range.map(|h| parse_range(h, bytes.len() as u64)) {
        Some(Some((start, end))) => {
            let part = bytes.slice(start as usize..=end as usize);
            let mut r = with_body(StatusCode::PARTIAL_CONTENT, ctype, part, head_only);
            set(&mut r, header::CONTENT_RANGE, &format!("bytes {start}-{end}/{}", bytes.len()));
            r
        }
        Some(None) => {
            let mut r = plain(StatusCode::RANGE_NOT_SATISFIABLE, "");
            set(&mut r, header::CONTENT_RANGE, &format!("bytes */{}", bytes.len()));
            r
        }
        None => with_body(status, ctype, bytes, head_only),
    };
    set(&mut r, header::ETAG, &tag);
    if ranges {
        r.headers_mut().insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    }
    r
}

fn set(r: &mut Reply, name: header::HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        r.headers_mut().insert(name, v);
    }
}

/// One `bytes=` range of a body of `len` bytes -> (first, last), inclusive; `None` if it
/// cannot be satisfied (or is more than one range, which this server does not split).
pub(crate) fn parse_range(header: &str, len: u64) -> Option<(u64, u64)> {
    let spec = header.trim().strip_prefix("bytes=")?;
    if spec.contains(',') || len == 0 {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    if a.is_empty() {
        let n: u64 = b.parse().ok()?;
        return (n > 0).then(|| (len.saturating_sub(n), len - 1));
    }
    let start: u64 = a.parse().ok()?;
    let end = if b.is_empty() { len - 1 } else { b.parse::<u64>().ok()?.min(len - 1) };
    (start <= end && start < len).then_some((start, end))
}

fn with_body(status: StatusCode, ctype: &str, bytes: Bytes, head_only: bool) -> Reply {
    let len = bytes.len();
    let body = if head_only { Full::new(Bytes::new()).boxed() } else { Full::new(bytes).boxed() };
    let mut r = Response::new(body);
    *r.status_mut() = status;
    set(&mut r, header::CONTENT_TYPE, ctype);
    set(&mut r, header::CONTENT_LENGTH, &len.to_string());
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

fn plain(status: StatusCode, text: &'static str) -> Reply {
    with_body(status, "text/plain; charset=utf-8", Bytes::from_static(text.as_bytes()), false)
}

/// The live-reload script for a page served at `version`: it asks the server to tell it when
/// `served` (the output it shows) or `asked` (the output its address names, for a 404) has
/// changed since, or a stylesheet or script has; and shows build errors over the page.
fn script(snap: &Snapshot, served: &str, asked: &str) -> String {
    let q = |s: &str| percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string();
    format!(
        "<script>(function(){{var es=new EventSource('/__moot/events?since={}&served={}&asked={}');function show(t){{var d=document.getElementById('moot-error');if(!t){{if(d)d.remove();return;}}if(!d){{d=document.createElement('pre');d.id='moot-error';d.setAttribute('role','alert');d.style.cssText='position:fixed;inset:auto 1rem 1rem 1rem;max-height:50vh;overflow:auto;background:#3b0d0d;color:#fff;padding:1rem;border-radius:.5rem;z-index:9999;white-space:pre-wrap;font:14px/1.4 monospace';document.body.appendChild(d);}}d.textContent=t;}}es.onmessage=function(e){{var m=JSON.parse(e.data);if(m.reload){{es.close();location.reload();return;}}show(m.error);}};}})();</script>",
        snap.version,
        q(served),
        q(asked)
    )
}

/// Adds the live-reload script before `</body>`.
pub(crate) fn inject(html: &[u8], snap: &Snapshot, served: &str, asked: &str) -> Vec<u8> {
    let script = script(snap, served, asked);
    let at = html.windows(7).rposition(|w| w == b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// What an open page asked the event stream: the version it was served at and its outputs.
#[derive(Debug, PartialEq)]
pub(crate) struct Asked {
    pub since: u64,
    pub served: String,
    pub asked: String,
}

impl Asked {
    pub(crate) fn parse(query: &str) -> Asked {
        let mut a = Asked { since: 0, served: String::new(), asked: String::new() };
        for (k, v) in query.split('&').filter_map(|kv| kv.split_once('=')) {
            let v = percent_encoding::percent_decode_str(v).decode_utf8_lossy().into_owned();
            match k {
                "since" => a.since = v.parse().unwrap_or(0),
                "served" => a.served = v,
                "asked" => a.asked = v,
                _ => {}
            }
        }
        a
    }

    /// Whether the page must reload to show `snap`.
    pub(crate) fn stale(&self, snap: &Snapshot) -> bool {
        let Some(files) = &snap.files else { return false };
        if self.served.is_empty() {
            return files.contains_key("index.html") || !files.is_empty();
        }
        let since = |p: &str| snap.changed_at.get(p).is_some_and(|&v| v > self.since);
        since(&self.served) || (self.served == "404.html" && since(&self.asked)) || snap.styles_changed > self.since
    }
}

/// The event stream of one open page: `{"reload":true}` once the page is stale (at once if
/// it already is), else the build error whenever it changes; a comment every
/// [`HEARTBEAT`] so a page that was closed ends its stream.
fn events(query: &str, watch: Watch) -> Reply {
    let asked = Asked::parse(query);
    let stream = futures_stream(asked, watch);
    let mut r = Response::new(BodyExt::boxed(StreamBody::new(stream)));
    set(&mut r, header::CONTENT_TYPE, "text/event-stream");
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

type Event = Result<Frame<Bytes>, Infallible>;

fn futures_stream(asked: Asked, mut watch: Watch) -> impl futures_util::Stream<Item = Event> + Send {
    // State: the last error sent (None: nothing sent yet) and whether the stream is over.
    let state = (asked, None::<Option<Arc<str>>>, false);
    let init = (watch.clone(), state);
    watch.mark_changed();
    futures_util::stream::unfold(init, |(mut watch, (asked, mut last, done))| async move {
        if done {
            return None;
        }
        loop {
            let snap = watch.borrow_and_update().clone();
            if asked.stale(&snap) {
                let frame = Frame::data(Bytes::from_static(b"data: {\"reload\":true}\n\n"));
                return Some((Ok(frame), (watch, (asked, last, true))));
            }
            let error = snap.error.clone();
            if last.as_ref() != Some(&error) {
                let json = serde_json::json!({ "error": error.as_deref() }).to_string();
                last = Some(error);
                let frame = Frame::data(Bytes::from(format!("data: {json}\n\n")));
                return Some((Ok(frame), (watch, (asked, last, false))));
            }
            match tokio::time::timeout(HEARTBEAT, watch.changed()).await {
                Ok(Ok(())) => continue,
                Ok(Err(_)) => return None,
                Err(_) => {
                    let frame = Frame::data(Bytes::from_static(b": still here\n\n"));
                    return Some((Ok(frame), (watch, (asked, last, false))));
                }
            }
        }
    })
}

/// A request path -> the output path it names (`/a/b/` -> `a/b/index.html`), or `None` if it
/// would leave the output folder (`..`, encoded or not) or is not UTF-8.
pub fn request_path(path: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8().ok()?;
    if path.split('%').skip(1).any(|h| h.len() < 2 || !h.as_bytes()[..2].iter().all(u8::is_ascii_hexdigit)) {
        return None;
    }
    let mut parts = Vec::new();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            p if crate::routes::is_safe_component(p) => parts.push(p),
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

/// The media type of an output: moot's own kinds first (with their charset), then
/// `mime_guess`'s table (fonts, images, audio, video, wasm...).
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "wasm" => "application/wasm",
        "avif" => "image/avif",
        "webp" => "image/webp",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "pdf" => "application/pdf",
        _ => mime_guess::from_ext(ext).first_raw().unwrap_or("application/octet-stream"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_stay_inside() {
        assert_eq!(request_path("/").as_deref(), Some("index.html"));
        assert_eq!(request_path("/groups/").as_deref(), Some("groups/index.html"));
        assert_eq!(request_path("//wiki").as_deref(), Some("wiki"));
        assert_eq!(request_path("/static/style.css").as_deref(), Some("static/style.css"));
        assert_eq!(request_path("/caf%C3%A9/").as_deref(), Some("café/index.html"));
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/a/%2E%2E/%2E%2E/x",
            "/a/..%2f..%2fx",
            "/%zz",
            "/%ff",
            "/a%00b",
            "/%2",
        ] {
            assert_eq!(request_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-9", 100), Some((0, 9)));
        assert_eq!(parse_range("bytes=90-", 100), Some((90, 99)));
        assert_eq!(parse_range("bytes=-10", 100), Some((90, 99)));
        assert_eq!(parse_range("bytes=50-500", 100), Some((50, 99)));
        for bad in ["bytes=100-", "bytes=5-2", "bytes=0-1,4-5", "items=0-1", "bytes=-0", "bytes=x-"] {
            assert_eq!(parse_range(bad, 100), None, "{bad}");
        }
    }

    #[test]
    fn media_types() {
        for (p, t) in [
            ("a.woff2", "font/woff2"),
            ("a.mjs", "text/javascript; charset=utf-8"),
            ("a.wasm", "application/wasm"),
            ("a.webp", "image/webp"),
            ("a.avif", "image/avif"),
            ("a.mp4", "video/mp4"),
            ("a.png", "image/png"),
            ("a.JPG", "image/jpeg"),
            ("a.mp3", "audio/mpeg"),
            ("noext", "application/octet-stream"),
        ] {
            assert_eq!(content_type(p), t, "{p}");
        }
    }
}
