//! `moot serve` under load and abuse: 2,000 slow connections while normal requests are still
//! answered, clients that leave event streams or never read a big file, and descriptors and
//! threads given back afterwards. Everything goes to 127.0.0.1 only, bounded in count and time.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn status_of(port: u16, path: &str) -> u16 {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else { return 0 };
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    if write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").is_err() {
        return 0;
    }
    let mut line = String::new();
    let _ = BufReader::new(s).read_line(&mut line);
    line.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
}

fn body_of(port: u16, path: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut v = Vec::new();
    let _ = s.read_to_end(&mut v);
    String::from_utf8_lossy(&v).into_owned()
}

/// (threads, open descriptors) of the server process.
fn usage(pid: u32) -> (usize, usize) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let threads = status.lines().find_map(|l| l.strip_prefix("Threads:")).and_then(|n| n.trim().parse().ok());
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).map(|d| d.count()).unwrap_or(0);
    (threads.unwrap_or(0), fds)
}

fn until(what: &str, secs: u64, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !ok() {
        assert!(Instant::now() < deadline, "{what} never happened");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[cfg(target_os = "linux")]
#[test]
fn slow_and_vanishing_clients_do_not_stop_the_server() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("moot.toml"), "title = \"S\"\nbase_url = \"https://s.example.org\"\n").unwrap();
    std::fs::create_dir_all(d.path().join("content/wiki")).unwrap();
    std::fs::write(d.path().join("content/wiki/a.md"), "---\ntitle: \"Alpha\"\n---\nFirst words.\n").unwrap();
    let big: String = (0..200_000).map(|i| format!("word{i} ")).collect();
    std::fs::write(d.path().join("content/wiki/big.md"), format!("---\ntitle: \"Big\"\n---\n{big}\n")).unwrap();
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(env!("CARGO_BIN_EXE_moot"))
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(d.path())
        .env("SOURCE_DATE_EPOCH", "1795608000")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let _server = Server(child);
    until("the first build", 30, || status_of(port, "/") == 200);
    let (threads_at_start, fds_at_start) = usage(pid);

    // 2,000 connections that send half a request line and then nothing.
    let mut slow = Vec::new();
    for _ in 0..2000 {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let _ = s.write_all(b"GET /wiki/a/ HTT");
        slow.push(s);
    }
    // Normal traffic still gets answers, at once.
    let started = Instant::now();
    for i in 0..100 {
        let path = if i % 2 == 0 { "/wiki/a/" } else { "/static/style.css" };
        assert_eq!(status_of(port, path), 200, "request {i} with 2,000 slow connections open");
    }
    let took = started.elapsed();
    assert!(took < Duration::from_secs(10), "100 requests took {took:?}");
    let (threads, _) = usage(pid);
    assert!(threads <= threads_at_start + 4, "{threads} threads for 2,000 connections (at start {threads_at_start})");

    // A client that asks for a big page and never reads it holds up neither other
    // requests nor a rebuild.
    let mut stuck = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stuck, "GET /wiki/big/ HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(d.path().join("content/wiki/a.md"), "---\ntitle: \"Alpha\"\n---\nSecond words.\n").unwrap();
    until("the edit, with a client stuck on a big page", 10, || body_of(port, "/wiki/a/").contains("Second words."));

    // 1,000 event streams opened and left: nothing polls for them, and they go.
    let mut streams = Vec::new();
    for _ in 0..1000 {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(s, "GET /__moot/events?since=999999999&served=index.html&asked=index.html HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        streams.push(s);
    }
    std::thread::sleep(Duration::from_millis(500));
    let (threads, _) = usage(pid);
    assert!(threads <= threads_at_start + 4, "{threads} threads with 1,000 event streams");
    drop(streams);
    drop(slow);
    drop(stuck);
    // Every descriptor comes back: closed clients at once, the rest within the time limits.
    until("the server giving its descriptors back", 45, || usage(pid).1 <= fds_at_start + 8);
    assert_eq!(status_of(port, "/wiki/a/"), 200);
}
