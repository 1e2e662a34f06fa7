//! The whole pipeline: the input is split at 0xFF bytes (never part of UTF-8 text) into
//! `moot.toml` and up to seven markdown files at fixed paths, written into a site folder,
//! then `moot::build` writes the site into an output folder. Errors are fine; a panic, an
//! abort or a hang is a finding.
//!
//! `history` is always off (no `git` per run): any line of moot.toml that names it is
//! dropped and `history = false` appended. The folders are made once per process and
//! emptied before each run, so every run starts from the same empty disk (in /dev/shm where
//! it exists, else the temp folder).
//!
//! `MOOT_FUZZ_VERBOSE=1` prints each run's report or errors (to see how far a seed gets).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Where parts 1.. of the input go, under `content/`.
const FILES: [&str; 7] =
    ["meetings/a.md", "groups/g.md", "wiki/w.md", "stories/s.md", "articles/r.md", "index.md", "about.md"];

struct Dirs {
    site: PathBuf,
    out: PathBuf,
}

fn dirs() -> &'static Dirs {
    static DIRS: OnceLock<Dirs> = OnceLock::new();
    DIRS.get_or_init(|| {
        // Memory-backed where there is one: every run writes a whole site.
        let tmp = match Path::new("/dev/shm") {
            shm if shm.is_dir() => shm.to_path_buf(),
            _ => std::env::temp_dir(),
        };
        // The folders of earlier fuzzing processes that are gone (libFuzzer exits without
        // running destructors), then this process's own.
        const PREFIX: &str = "moot-fuzz-pipeline-";
        for entry in std::fs::read_dir(&tmp).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(pid) = name.strip_prefix(PREFIX) {
                if !Path::new("/proc").join(pid).exists() {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
        let base = tmp.join(format!("{PREFIX}{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        Dirs { site: base.join("site"), out: base.join("out") }
    })
}

fn reset(dir: &Path) {
    if dir.exists() {
        std::fs::remove_dir_all(dir).unwrap();
    }
    std::fs::create_dir_all(dir).unwrap();
}

/// moot.toml as given, with `history = false` in place of any line that names history.
fn config(part: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(part.len() + 20);
    for line in part.split(|&b| b == b'\n') {
        if !line.windows(7).any(|w| w.eq_ignore_ascii_case(b"history")) {
            out.extend_from_slice(line);
            out.push(b'\n');
        }
    }
    out.extend_from_slice(b"history = false\n");
    out
}

fuzz_target!(|data: &[u8]| {
    if data.len() > 64 << 10 {
        return;
    }
    let d = dirs();
    reset(&d.site);
    let _ = std::fs::remove_dir_all(&d.out);
    let mut parts = data.split(|&b| b == 0xFF);
    std::fs::write(d.site.join("moot.toml"), config(parts.next().unwrap_or_default())).unwrap();
    for (rel, part) in FILES.iter().zip(parts) {
        let path = d.site.join("content").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, part).unwrap();
    }
    let mut opts = moot::Options::new(&d.site);
    opts.output = d.out.clone();
    opts.now = Some(jiff::Timestamp::from_second(1_795_608_000).unwrap());
    let result = moot::build(&opts);
    if std::env::var_os("MOOT_FUZZ_VERBOSE").is_some() {
        match result {
            Ok(report) => eprintln!("built: {report}"),
            Err(errors) => eprintln!("errors:\n{errors}"),
        }
    }
});
