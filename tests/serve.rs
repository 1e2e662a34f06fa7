//! `moot serve` end to end: a site served on loopback, content types, 404, paths that try to
//! leave the output folder, a port already in use, keep-alive, HEAD, ETag, Range, limits,
//! and edits, broken saves and panics followed by open pages (through the event stream).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A response: status, headers (names lower-cased) and body.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Reads one response (with a Content-Length body) from a kept-alive connection.
fn read_reply(r: &mut BufReader<TcpStream>, head_only: bool) -> Reply {
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    let status = line.split_whitespace().nth(1).unwrap_or("0").parse().unwrap_or(0);
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        r.read_line(&mut h).unwrap();
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((n, v)) = h.split_once(':') {
            headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let len: usize = headers.iter().find(|(n, _)| n == "content-length").map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = vec![0; if head_only { 0 } else { len }];
    r.read_exact(&mut body).unwrap();
    Reply { status, headers, body }
}

fn request(port: u16, head: &str) -> Reply {
    let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut w = s.try_clone().unwrap();
    write!(w, "{head}\r\n\r\n").unwrap();
    read_reply(&mut BufReader::new(s), head.starts_with("HEAD"))
}

fn get(port: u16, path: &str) -> Reply {
    request(port, &format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close"))
}

fn start(root: &Path, port: u16, env: &[(&str, &str)]) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_moot"))
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(root)
        .env("SOURCE_DATE_EPOCH", "1795608000")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() && get(port, "/").status != 503 {
            return server;
        }
        assert!(Instant::now() < deadline, "serve did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn site() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("moot.toml"), "title = \"S\"\nbase_url = \"https://s.example.org\"\n").unwrap();
    std::fs::create_dir_all(d.path().join("content/wiki")).unwrap();
    std::fs::write(d.path().join("content/wiki/a.md"), "---\ntitle: \"Alpha\"\n---\nFirst words.\n").unwrap();
    std::fs::write(d.path().join("content/wiki/b.md"), "---\ntitle: \"Beta\"\n---\nBee.\n").unwrap();
    std::fs::create_dir_all(d.path().join("content/meetings")).unwrap();
    std::fs::write(d.path().join("content/meetings/m.md"), "---\ntitle: \"M\"\nstart: \"2026-12-03 14:00\"\n---\n")
        .unwrap();
    std::fs::create_dir_all(d.path().join("static")).unwrap();
    std::fs::write(d.path().join("static/clip.mp4"), (0..=255u8).collect::<Vec<u8>>()).unwrap();
    d
}

fn until(what: &str, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !ok() {
        assert!(Instant::now() < deadline, "{what} never happened");
        std::thread::sleep(Duration::from_millis(30));
    }
}

/// The event stream a page opens, from its live-reload script: (reader, the query).
fn events_of(port: u16, page: &Reply) -> BufReader<TcpStream> {
    let html = page.text();
    let at = html.find("/__moot/events?").expect("the live-reload script");
    let url = &html[at..at + html[at..].find('\'').unwrap()];
    let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(s.try_clone().unwrap(), "GET {url} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut r = BufReader::new(s);
    let mut line = String::new();
    while r.read_line(&mut line).unwrap() > 0 && line != "\r\n" {
        line.clear();
    }
    r
}

/// The next `data:` message of an event stream (within 30 s, for a machine busy with other
/// tests: the stream's heartbeats do not count).
fn next_event(r: &mut BufReader<TcpStream>) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        assert!(Instant::now() < deadline, "no event came");
        let mut line = String::new();
        assert!(r.read_line(&mut line).unwrap() > 0, "the stream ended");
        if let Some(data) = line.trim_end().strip_prefix("data: ") {
            return data.to_string();
        }
    }
}

#[test]
fn serves_the_site_with_http_features() {
    let s = site();
    let port = free_port();
    let _server = start(s.path(), port, &[]);
    let page = get(port, "/wiki/a/");
    assert_eq!((page.status, page.header("content-type")), (200, Some("text/html; charset=utf-8")));
    assert!(
        page.text().contains("First words.") && page.text().contains("/__moot/events"),
        "the live-reload script is added"
    );
    for (path, ctype) in [
        ("/static/style.css", "text/css; charset=utf-8"),
        ("/calendar.ics", "text/calendar; charset=utf-8"),
        ("/atom.xml", "application/xml; charset=utf-8"),
        ("/clip.mp4", "video/mp4"),
    ] {
        assert_eq!(get(port, path).header("content-type"), Some(ctype), "{path}");
    }
    let missing = get(port, "/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.text().to_lowercase().contains("not found"), "the site's own 404 page");
    for bad in ["/../moot.toml", "/%2e%2e/moot.toml", "/wiki/..%2f..%2fmoot.toml", "/%ff"] {
        let r = get(port, bad);
        assert!(r.status == 400 || r.status == 404, "{bad}: {}", r.status);
        assert!(!r.text().contains("base_url"), "{bad} leaked a file");
    }
    // A folder without its slash: a redirect to a path, never to another host.
    for (asked, location) in
        [("/wiki/a", "/wiki/a/"), ("//wiki", "/wiki/"), ("//evil.example.org/wiki", "/evil.example.org/wiki/")]
    {
        let r = get(port, asked);
        if asked.contains("evil") {
            assert_eq!(r.status, 404, "{asked}");
            continue;
        }
        assert_eq!((r.status, r.header("location")), (301, Some(location)), "{asked}");
    }
    // Keep-alive: three requests on one connection, one of them HEAD.
    let conn = TcpStream::connect(("127.0.0.1", port)).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut w = conn.try_clone().unwrap();
    let mut r = BufReader::new(conn);
    for (method, path) in [("GET", "/wiki/a/"), ("HEAD", "/wiki/b/"), ("GET", "/static/style.css")] {
        write!(w, "{method} {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let reply = read_reply(&mut r, method == "HEAD");
        assert_eq!(reply.status, 200, "{method} {path}");
        assert!(reply.header("content-length").is_some_and(|l| l != "0"), "{method} {path}");
    }
    // ETag -> 304.
    let css = get(port, "/static/style.css");
    let tag = css.header("etag").expect("an etag").to_string();
    let again = request(
        port,
        &format!("GET /static/style.css HTTP/1.1\r\nHost: x\r\nIf-None-Match: {tag}\r\nConnection: close"),
    );
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    // Range -> 206 with the bytes asked for; past the end -> 416.
    let part = request(port, "GET /clip.mp4 HTTP/1.1\r\nHost: x\r\nRange: bytes=10-19\r\nConnection: close");
    assert_eq!((part.status, part.header("content-range")), (206, Some("bytes 10-19/256")));
    assert_eq!(part.body, (10..20u8).collect::<Vec<u8>>());
    let past = request(port, "GET /clip.mp4 HTTP/1.1\r\nHost: x\r\nRange: bytes=300-\r\nConnection: close");
    assert_eq!((past.status, past.header("content-range")), (416, Some("bytes */256")));
    // Methods other than GET and HEAD.
    assert_eq!(
        request(port, "POST /wiki/a/ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close").status,
        405
    );
    // A request head of a megabyte is refused with 431 once past the limit, not read whole.
    let big = TcpStream::connect(("127.0.0.1", port)).unwrap();
    big.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut w = big.try_clone().unwrap();
    let _ = write!(w, "GET /{} HTTP/1.1\r\nHost: x\r\n", "a".repeat(1 << 20));
    let mut answer = String::new();
    let _ = BufReader::new(big).read_line(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer:?}");
}

#[test]
fn open_pages_follow_edits_breaks_fixes_panics_and_deletions() {
    let s = site();
    let port = free_port();
    let _server = start(s.path(), port, &[("MOOT_PANIC_ON", "panic-now.md")]);
    // A body edit: the open page is told to reload, and the new page is served.
    let a = get(port, "/wiki/a/");
    let mut stream = events_of(port, &a);
    assert_eq!(next_event(&mut stream), r#"{"error":null}"#);
    std::fs::write(s.path().join("content/wiki/a.md"), "---\ntitle: \"Alpha\"\n---\nSecond words.\n").unwrap();
    assert_eq!(next_event(&mut stream), r#"{"reload":true}"#);
    assert!(get(port, "/wiki/a/").text().contains("Second words."));
    // An edit to another page does not reload this one; a front-matter edit of its own does.
    let a = get(port, "/wiki/a/");
    let mut stream = events_of(port, &a);
    assert_eq!(next_event(&mut stream), r#"{"error":null}"#);
    std::fs::write(s.path().join("content/meetings/m.md"), "---\ntitle: \"M\"\nstart: \"2026-12-04 14:00\"\n---\n")
        .unwrap();
    until("the meeting edit", || get(port, "/meetings/m/").text().contains("2026-12-04"));
    std::fs::write(s.path().join("content/wiki/a.md"), "---\ntitle: \"Alpha\"\ntags: [circles]\n---\nSecond words.\n")
        .unwrap();
    assert_eq!(next_event(&mut stream), r#"{"reload":true}"#, "only its own change reloads it");
    // A page opened before several saves still learns of a change made between them.
    let a = get(port, "/wiki/a/");
    std::fs::write(s.path().join("content/wiki/a.md"), "---\ntitle: \"Alpha\"\n---\nThird words.\n").unwrap();
    until("the third edit", || get(port, "/wiki/a/").text().contains("Third words."));
    std::fs::write(s.path().join("content/wiki/b.md"), "---\ntitle: \"Beta\"\n---\nBee two.\n").unwrap();
    until("the edit of b", || get(port, "/wiki/b/").text().contains("Bee two."));
    let mut stream = events_of(port, &a);
    assert_eq!(next_event(&mut stream), r#"{"reload":true}"#, "connected late, still told");
    // A CSS edit reloads every page.
    let b = get(port, "/wiki/b/");
    let mut stream = events_of(port, &b);
    assert_eq!(next_event(&mut stream), r#"{"error":null}"#);
    std::fs::write(s.path().join("static/extra.css"), "p { color: red }").unwrap();
    assert_eq!(next_event(&mut stream), r#"{"reload":true}"#);
    // A broken save: the error is shown over the page, the last good page is still served,
    // and the fix clears it (and reloads the page, which changed).
    let a = get(port, "/wiki/a/");
    let mut stream = events_of(port, &a);
    assert_eq!(next_event(&mut stream), r#"{"error":null}"#);
    std::fs::write(s.path().join("content/wiki/a.md"), "---\ntitle: [oops\n---\nFourth.\n").unwrap();
    let error = next_event(&mut stream);
    assert!(error.starts_with(r#"{"error":"content/wiki/a.md:2:"#), "{error}");
    assert!(get(port, "/wiki/a/").text().contains("Third words."), "the last good site is still served");
    std::fs::write(s.path().join("content/wiki/a.md"), "---\ntitle: \"Alpha\"\n---\nFifth words.\n").unwrap();
    assert_eq!(next_event(&mut stream), r#"{"reload":true}"#);
    // A panic in a rebuild: reported, the site still served, and the next save recovers.
    let b = get(port, "/wiki/b/");
    let mut stream = events_of(port, &b);
    assert_eq!(next_event(&mut stream), r#"{"error":null}"#);
    std::fs::write(s.path().join("content/wiki/panic-now.md"), "---\ntitle: \"P\"\n---\n").unwrap();
    let error = next_event(&mut stream);
    assert!(error.contains("moot hit a bug while rebuilding"), "{error}");
    assert_eq!(get(port, "/wiki/b/").status, 200, "still serving after a panic");
    std::fs::remove_file(s.path().join("content/wiki/panic-now.md")).unwrap();
    std::fs::write(s.path().join("content/wiki/b.md"), "---\ntitle: \"Beta\"\n---\nBee three.\n").unwrap();
    assert_eq!(next_event(&mut stream), r#"{"reload":true}"#);
    until("recovery after the panic", || get(port, "/wiki/b/").text().contains("Bee three."));
    // A page whose file is deleted: told to reload, and then it is the 404.
    let b = get(port, "/wiki/b/");
    let mut stream = events_of(port, &b);
    assert_eq!(next_event(&mut stream), r#"{"error":null}"#);
    std::fs::remove_file(s.path().join("content/wiki/b.md")).unwrap();
    assert_eq!(next_event(&mut stream), r#"{"reload":true}"#);
    assert_eq!(get(port, "/wiki/b/").status, 404);
    // ...and a 404 page learns when its page appears.
    let missing = get(port, "/wiki/c/");
    let mut stream = events_of(port, &missing);
    assert_eq!(next_event(&mut stream), r#"{"error":null}"#);
    std::fs::write(s.path().join("content/wiki/c.md"), "---\ntitle: \"Gamma\"\n---\nSee.\n").unwrap();
    assert_eq!(next_event(&mut stream), r#"{"reload":true}"#);
    assert_eq!(get(port, "/wiki/c/").status, 200);
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let s = site();
    let out = Command::new(env!("CARGO_BIN_EXE_moot"))
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(s.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("port {port} is already in use")) && err.contains("--port"), "{err}");
}
