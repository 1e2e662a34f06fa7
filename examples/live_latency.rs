//! How long `serve` takes to rebuild after an edit, on any site (made with
//! `../shared/bench/gen_corpus.py`, or your own). The site is copied to a temp folder first.
//!
//!     cargo run --release --example live_latency -- /tmp/corpus-10000
//!
//! Prints the time of a full in-memory build, then of each kind of edit to one meeting: its
//! body (the page first, then the lists), its start time, and a new page (a full rebuild).

use moot::incremental::Live;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.expect("readable");
        let dest = to.join(e.path().strip_prefix(from).expect("inside"));
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(e.path(), &dest).expect("copy");
        }
    }
}

fn main() {
    let from = PathBuf::from(std::env::args().nth(1).expect("usage: live_latency SITE_FOLDER"));
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    copy_dir(&from, &root);
    let t = Instant::now();
    let (mut live, first) = Live::new(moot::Options::new(&root)).unwrap_or_else(|e| panic!("{e}"));
    println!("full build in memory: {} outputs in {} ms", first.rendered, t.elapsed().as_millis());
    let meeting = walkdir::WalkDir::new(root.join("content/meetings"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .min()
        .expect("a meeting");
    let text = std::fs::read_to_string(&meeting).expect("readable");

    std::fs::write(&meeting, format!("{text}\nOne more sentence.\n")).expect("writable");
    let t = Instant::now();
    let page = live.pages_phase(std::slice::from_ref(&meeting)).expect("builds").expect("body-only");
    let servable = t.elapsed();
    let lists = live.lists_phase().expect("builds");
    println!(
        "body edit: page servable in {} ms ({page}); lists, feeds and search in {} ms more ({lists})",
        servable.as_millis(),
        lists.elapsed.as_millis()
    );

    let start = text.lines().find(|l| l.starts_with("start:")).expect("a start line");
    let moved = text.replacen(start, "start: \"2026-12-03 09:30\"", 1);
    std::fs::write(&meeting, &moved).expect("writable");
    let t = Instant::now();
    let outcome = live.apply(std::slice::from_ref(&meeting)).expect("builds");
    println!("start-time edit: {} ms ({outcome})", t.elapsed().as_millis());

    let new_page = root.join("content/wiki/latency-test.md");
    std::fs::write(&new_page, "---\ntitle: \"Latency test\"\n---\nNew.\n").expect("writable");
    let t = Instant::now();
    let outcome = live.apply(std::slice::from_ref(&new_page)).expect("builds");
    println!("new page: {} ms ({outcome})", t.elapsed().as_millis());
}
