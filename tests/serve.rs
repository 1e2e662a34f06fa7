//! `moot serve` end to end: a site served on loopback, content types, 404, paths that try to
//! leave the output folder, a port already in use, and an edit showing up without a restart.

use std::io::{Read, Write};
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

fn get(port: u16, path: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).unwrap_or("0").parse().unwrap();
    let ctype = head.lines().find_map(|l| l.strip_prefix("Content-Type: ")).unwrap_or("").to_string();
    (status, ctype, body.to_string())
}

fn start(root: &Path, port: u16) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_moot"))
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(root)
        .env("SOURCE_DATE_EPOCH", "1795608000")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "serve did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Server(child)
}

fn site() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("moot.toml"), "title = \"S\"\nbase_url = \"https://s.example.org\"\n").unwrap();
    std::fs::create_dir_all(d.path().join("content/wiki")).unwrap();
    std::fs::write(d.path().join("content/wiki/a.md"), "---\ntitle: \"Alpha\"\n---\nFirst words.\n").unwrap();
    std::fs::create_dir_all(d.path().join("content/meetings")).unwrap();
    std::fs::write(d.path().join("content/meetings/m.md"), "---\ntitle: \"M\"\nstart: \"2026-12-03 14:00\"\n---\n")
        .unwrap();
    d
}

#[test]
fn serves_the_site_and_follows_edits() {
    let s = site();
    let port = free_port();
    let _server = start(s.path(), port);
    let (status, ctype, body) = get(port, "/wiki/a/");
    assert_eq!((status, ctype.as_str()), (200, "text/html; charset=utf-8"));
    assert!(body.contains("First words.") && body.contains("/__moot/events"), "the live-reload script is added");
    assert_eq!(get(port, "/static/style.css").1, "text/css; charset=utf-8");
    assert_eq!(get(port, "/calendar.ics").1, "text/calendar; charset=utf-8");
    assert_eq!(get(port, "/atom.xml").1, "application/xml; charset=utf-8");
    let (status, _, body) = get(port, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.to_lowercase().contains("not found"), "the site's own 404 page");
    for bad in ["/../moot.toml", "/%2e%2e/moot.toml", "/wiki/..%2f..%2fmoot.toml"] {
        let (status, _, body) = get(port, bad);
        assert!(status == 400 || status == 404, "{bad}: {status}");
        assert!(!body.contains("base_url"), "{bad} leaked a file");
    }
    // an edit shows without a restart
    std::fs::write(s.path().join("content/wiki/a.md"), "---\ntitle: \"Alpha\"\n---\nSecond words.\n").unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !get(port, "/wiki/a/").2.contains("Second words.") {
        assert!(Instant::now() < deadline, "the edit never showed");
        std::thread::sleep(Duration::from_millis(50));
    }
    // a broken save keeps the last good page and shows the error to the browser script
    std::fs::write(s.path().join("content/wiki/a.md"), "---\ntitle: [oops\n---\nThird.\n").unwrap();
    std::thread::sleep(Duration::from_millis(600));
    assert!(get(port, "/wiki/a/").2.contains("Second words."), "the last good site is still served");
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
