//! moot deletes only what it made: every way `--output` could point at something precious is
//! refused with a message, a folder moot did not make is refused unless empty (or --force,
//! which deletes nothing), nothing is written or removed through a symbolic link, and a build
//! that fails or is killed leaves every file whole (old or new).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NOW: &str = "1795608000";

/// A small site in a temp dir: `site/` (with content/, static/, themes/, .git/), and room
/// beside it.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    for (rel, text) in [
        ("moot.toml", "title = \"T\"\nbase_url = \"https://t.example.org\"\ntimezone = \"Europe/London\"\n"),
        ("content/about.md", "---\ntitle: \"About\"\n---\nHello\n"),
        ("content/wiki/a.md", "---\ntitle: \"A\"\n---\nAy\n"),
        ("static/logo.txt", "logo"),
        ("themes/mine/templates/.keep", ""),
        (".git/HEAD", "ref: refs/heads/main\n"),
    ] {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn moot(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_moot"))
        .arg("build")
        .args(args)
        .current_dir(root)
        .env("SOURCE_DATE_EPOCH", NOW)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every file under `root` with its bytes (links as their targets' names), moot's own
/// bookkeeping left out.
fn files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".moot-tmp")
        .map(|e| e.unwrap())
        .filter(|e| !e.file_type().is_dir() && e.file_name() != ".moot-manifest")
        .map(|e| {
            let bytes = if e.file_type().is_symlink() {
                std::fs::read_link(e.path()).unwrap().to_string_lossy().as_bytes().to_vec()
            } else {
                std::fs::read(e.path()).unwrap()
            };
            (e.path().strip_prefix(root).unwrap().to_path_buf(), bytes)
        })
        .collect()
}

#[test]
fn the_site_its_sources_and_what_holds_it_are_refused() {
    let dir = site();
    let root = dir.path().join("site");
    #[cfg(unix)]
    std::os::unix::fs::symlink(root.join("content"), dir.path().join("link-to-content")).unwrap();
    let before = files(dir.path());
    let link = dir.path().join("link-to-content");
    let cases: Vec<(&str, &str)> = vec![
        ("content", "it is inside the site's content/ folder, which holds its sources"),
        ("content/wiki", "it is inside the site's content/ folder, which holds its sources"),
        ("static", "it is inside the site's static/ folder, which holds its sources"),
        ("themes", "it is inside the site's themes/ folder, which holds its sources"),
        (".git", "it is inside a .git folder"),
        (".", "it is the site's own folder"),
        ("..", "it holds the site"),
        ("/", "it holds the site"),
        ("moot.toml", "it is the site's own folder"),
    ];
    for (out, why) in cases
        .iter()
        .copied()
        .chain([(link.to_str().unwrap(), "it is inside the site's content/ folder, which holds its sources")])
    {
        for force in [false, true] {
            let args: &[&str] = if force { &["--output", out, "--force"] } else { &["--output", out] };
            let r = moot(&root, args);
            let e = stderr(&r);
            assert!(!r.status.success(), "--output {out} was accepted");
            if out == "moot.toml" {
                assert!(e.contains("refusing to build into this folder: it is not a folder"), "{out}: {e}");
                continue;
            }
            assert!(e.contains(&format!("error: refusing to build into this folder: {why}")), "{out}: {e}");
            assert!(e.contains("hint: choose an output folder of its own, e.g. --output public"), "{out}: {e}");
            assert!(e.ends_with("1 error — nothing was written\n"), "{out}: {e}");
        }
    }
    assert_eq!(files(dir.path()), before, "nothing changed anywhere");
}

#[test]
fn a_folder_moot_did_not_make_is_refused_unless_forced_and_then_nothing_in_it_is_deleted() {
    let dir = site();
    let root = dir.path().join("site");
    let out = dir.path().join("mine");
    std::fs::create_dir_all(out.join("photos")).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    std::fs::write(out.join("photos/a.jpg"), "jpeg").unwrap();
    std::fs::write(out.join("index.html"), "my own home page").unwrap();
    let r = moot(&root, &["--output", out.to_str().unwrap()]);
    let e = stderr(&r);
    assert!(!r.status.success());
    assert_eq!(
        e,
        format!(
            "{}: error: refusing to build into this folder: it holds files moot did not make (index.html, notes.txt, photos)\n  hint: moot deletes only what it made, and it has no record of having made these; choose a new or empty folder, or pass --force to write into it anyway (nothing already there is deleted)\n1 error — nothing was written\n",
            out.display()
        )
    );
    assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "my own home page");
    let r = moot(&root, &["--output", out.to_str().unwrap(), "--force"]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(stderr(&r).contains("warning: wrote into a folder that holds files moot did not make; they were left in place (index.html, notes.txt, photos)"), "{}", stderr(&r));
    assert_eq!(std::fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
    assert_eq!(std::fs::read_to_string(out.join("photos/a.jpg")).unwrap(), "jpeg");
    assert!(
        std::fs::read_to_string(out.join("index.html")).unwrap().contains("<!DOCTYPE html>"),
        "its own page is moot's now"
    );
    // From now on it is moot's folder: a rebuild needs no --force, and removes only what
    // moot made when moot no longer makes it.
    std::fs::remove_file(root.join("content/about.md")).unwrap();
    let r = moot(&root, &["--output", out.to_str().unwrap()]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(!out.join("about").exists());
    assert_eq!(std::fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
    assert_eq!(std::fs::read_to_string(out.join("photos/a.jpg")).unwrap(), "jpeg");
}

#[test]
fn dotfiles_and_cname_are_kept_on_a_first_build_on_rebuilds_and_without_the_manifest() {
    let dir = site();
    let root = dir.path().join("site");
    let out = root.join("public");
    // A GitHub Pages checkout: the folder is a git repository with a CNAME.
    for (rel, text) in
        [(".git/HEAD", "ref: refs/heads/gh-pages\n"), ("CNAME", "circles.example.org\n"), (".nojekyll", "")]
    {
        let p = out.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let r = moot(&root, &[]);
    assert!(r.status.success(), "an otherwise empty folder is taken: {}", stderr(&r));
    assert!(out.join("index.html").exists());
    std::fs::write(out.join("notes-by-hand.txt"), "mine").unwrap();
    std::fs::write(root.join("content/wiki/a.md"), "---\ntitle: \"A\"\n---\nAy, edited\n").unwrap();
    let r = moot(&root, &[]);
    assert!(r.status.success(), "{}", stderr(&r));
    for (rel, text) in [
        (".git/HEAD", "ref: refs/heads/gh-pages\n"),
        ("CNAME", "circles.example.org\n"),
        (".nojekyll", ""),
        ("notes-by-hand.txt", "mine"),
    ] {
        assert_eq!(std::fs::read_to_string(out.join(rel)).unwrap(), text, "{rel}");
    }
    // The manifest removed: the folder now holds moot's files but no record of them.
    std::fs::remove_file(out.join(".moot-manifest")).unwrap();
    let r = moot(&root, &[]);
    assert!(!r.status.success());
    assert!(stderr(&r).contains("public: error: refusing to build into this folder: it holds files moot did not make (404.html, about, articles and 17 more)"), "{}", stderr(&r));
    let r = moot(&root, &["--force"]);
    assert!(r.status.success(), "{}", stderr(&r));
    for rel in [".git/HEAD", "CNAME", ".nojekyll", "notes-by-hand.txt"] {
        assert!(out.join(rel).exists(), "{rel}");
    }
}

#[test]
fn a_tampered_manifest_never_deletes_outside_the_folder_or_what_moot_did_not_make() {
    let dir = site();
    let root = dir.path().join("site");
    let out = root.join("public");
    assert!(moot(&root, &[]).status.success());
    std::fs::write(dir.path().join("precious.txt"), "keep").unwrap();
    std::fs::write(out.join("mine.txt"), "keep").unwrap();
    let manifest = out.join(".moot-manifest");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let (body, _) = text.trim_end().rsplit_once('\n').unwrap();
    let edited = format!("{body}\n- - - ../../precious.txt\n- - - mine.txt\nend 0000000000000000\n");
    std::fs::write(&manifest, edited).unwrap();
    let r = moot(&root, &[]);
    assert!(!r.status.success());
    assert!(stderr(&r).contains("public/.moot-manifest: warning: ignoring moot's manifest of this folder: it was cut short, edited or written by another program"), "{}", stderr(&r));
    let r = moot(&root, &["--force"]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert_eq!(std::fs::read_to_string(dir.path().join("precious.txt")).unwrap(), "keep");
    assert_eq!(std::fs::read_to_string(out.join("mine.txt")).unwrap(), "keep");
}

#[cfg(unix)]
#[test]
fn nothing_is_written_or_removed_through_a_link_in_the_output_folder() {
    let dir = site();
    let root = dir.path().join("site");
    let out = root.join("public");
    assert!(moot(&root, &[]).status.success());
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(elsewhere.join("a")).unwrap();
    std::fs::write(elsewhere.join("a/index.html"), "not moot's").unwrap();
    std::fs::write(dir.path().join("target.txt"), "not moot's either").unwrap();
    // A folder of the site replaced by a link to another folder, and a page by a link to a file.
    std::fs::remove_dir_all(out.join("wiki")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("wiki")).unwrap();
    std::fs::remove_file(out.join("about/index.html")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("target.txt"), out.join("about/index.html")).unwrap();
    std::fs::write(root.join("content/wiki/a.md"), "---\ntitle: \"A\"\n---\nAy, edited\n").unwrap();
    let r = moot(&root, &[]);
    let e = stderr(&r);
    assert!(!r.status.success());
    assert!(e.contains("public/wiki: error: refusing to write public/wiki/a/index.html: this is a symbolic link inside the output folder"), "{e}");
    assert!(
        e.contains("hint: moot never writes or deletes through links in the output folder; remove the link"),
        "{e}"
    );
    assert_eq!(std::fs::read_to_string(elsewhere.join("a/index.html")).unwrap(), "not moot's");
    assert_eq!(std::fs::read_to_string(dir.path().join("target.txt")).unwrap(), "not moot's either");
    // Without the folder link, the file link is replaced by a file; its target is untouched.
    std::fs::remove_file(out.join("wiki")).unwrap();
    let r = moot(&root, &[]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(!std::fs::symlink_metadata(out.join("about/index.html")).unwrap().file_type().is_symlink());
    assert!(std::fs::read_to_string(out.join("about/index.html")).unwrap().contains("Hello"));
    assert_eq!(std::fs::read_to_string(dir.path().join("target.txt")).unwrap(), "not moot's either");
    // A page that is gone, under a folder that became a link: the link's target is not touched.
    std::fs::remove_dir_all(out.join("about")).unwrap();
    std::os::unix::fs::symlink(elsewhere.join("a"), out.join("about")).unwrap();
    std::fs::remove_file(root.join("content/about.md")).unwrap();
    let r = moot(&root, &[]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(stderr(&r).contains("public/about: warning: refusing to remove public/about/index.html: this is a symbolic link inside the output folder"), "{}", stderr(&r));
    assert_eq!(std::fs::read_to_string(elsewhere.join("a/index.html")).unwrap(), "not moot's");
}

#[test]
fn a_write_that_fails_names_the_file_and_says_what_was_replaced() {
    let dir = site();
    let root = dir.path().join("site");
    let out = root.join("public");
    assert!(moot(&root, &[]).status.success());
    let old = files(&out);
    std::fs::write(root.join("content/wiki/a.md"), "---\ntitle: \"A\"\n---\nAy, edited\n").unwrap();
    // Where the page goes, a folder of someone's is in the way.
    std::fs::remove_file(out.join("wiki/a/index.html")).unwrap();
    std::fs::create_dir_all(out.join("wiki/a/index.html/x")).unwrap();
    let r = moot(&root, &[]);
    let e = stderr(&r);
    assert!(!r.status.success());
    assert!(
        e.starts_with("public/wiki/a/index.html: error: cannot write: Is a directory (os error 21)\npublic: note: "),
        "{e}"
    );
    assert!(e.contains("changed file"), "{e}");
    assert!(
        e.contains(
            "replaced before the error; every other file is as the last build left it, and none is half written"
        ),
        "{e}"
    );
    assert!(e.ends_with("1 error\n"), "no claim that nothing was written: {e}");
    assert!(!out.join(".moot-tmp").exists(), "no temporary file is left behind");
    assert!(moot(&root, &["--output", "fresh"]).status.success());
    let new = files(&root.join("fresh"));
    for (path, bytes) in files(&out) {
        if !path.starts_with("wiki/a/index.html") {
            assert!(
                old.get(&path) == Some(&bytes) || new.get(&path) == Some(&bytes),
                "{} is half written",
                path.display()
            );
        }
    }
}

/// A site of `n` wiki pages with bodies of one `word`.
fn big_site(root: &Path, n: usize, word: &str) {
    for i in 0..n {
        let p = root.join(format!("content/wiki/p{:03}/page-{i}.md", i % 50));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let body: String = (0..60).map(|k| format!("{word} {k} ")).collect();
        std::fs::write(p, format!("---\ntitle: \"Page {i}\"\ntags: [t{}]\n---\n{body}\n", i % 7)).unwrap();
    }
}

/// Whether any of these files of `out` already holds the new text.
fn any_new(out: &Path, sample: &[PathBuf]) -> bool {
    sample.iter().any(|p| std::fs::read(out.join(p)).is_ok_and(|b| b.windows(4).any(|w| w == b"new ")))
}

#[test]
fn a_build_killed_at_any_moment_leaves_every_file_old_or_new() {
    let dir = site();
    let root = dir.path().join("site");
    let out = root.join("public");
    std::fs::remove_dir_all(root.join("content/wiki")).unwrap();
    big_site(&root, 800, "old");
    assert!(moot(&root, &["--output", "old"]).status.success());
    big_site(&root, 800, "new");
    assert!(moot(&root, &["--output", "new"]).status.success());
    let (old, new) = (files(&root.join("old")), files(&root.join("new")));
    let sample: Vec<PathBuf> = new.keys().filter(|p| p.starts_with("wiki/")).step_by(50).cloned().collect();
    // Killed at moments spread over a rebuild, and (the last runs) as soon as the first new
    // file is seen, so that some kills land while files are being replaced.
    let started = std::time::Instant::now();
    assert!(moot(&root, &["--output", "new"]).status.success());
    let rebuild = started.elapsed();
    let mut killed_mid_write = 0;
    for run in 0..8u32 {
        let _ = std::fs::remove_dir_all(&out);
        big_site(&root, 800, "old");
        assert!(moot(&root, &[]).status.success());
        big_site(&root, 800, "new");
        let mut child = Command::new(env!("CARGO_BIN_EXE_moot"))
            .arg("build")
            .current_dir(&root)
            .env("SOURCE_DATE_EPOCH", NOW)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        if run < 5 {
            std::thread::sleep(rebuild * (run * 2 + 1) / 10);
        } else {
            while !any_new(&out, &sample) && child.try_wait().unwrap().is_none() {
                std::thread::sleep(std::time::Duration::from_micros(200));
            }
        }
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        let now = files(&out);
        let (mut olds, mut news) = (0, 0);
        for (path, bytes) in &old {
            match now.get(path) {
                Some(b) if b == bytes && new.get(path) != Some(b) => olds += 1,
                Some(b) if new.get(path) == Some(b) => news += 1,
                Some(_) => panic!("run {run}: {} is neither the old nor the new file", path.display()),
                None => panic!("run {run}: {} is missing", path.display()),
            }
        }
        for path in now.keys() {
            assert!(old.contains_key(path) || new.contains_key(path), "{}", path.display());
        }
        if olds > 0 && news > 0 {
            killed_mid_write += 1;
        }
        // The next build finishes the job.
        let r = moot(&root, &[]);
        assert!(r.status.success(), "{}", stderr(&r));
        assert!(files(&out) == new, "run {run}: after a rebuild, the folder equals a fresh build");
        assert!(!out.join(".moot-tmp").exists());
    }
    eprintln!("{killed_mid_write} of 8 kills landed while files were being replaced");
    assert!(killed_mid_write > 0, "no kill landed while files were being replaced: the test tested nothing");
}

/// A disk that fills up in the middle of a rebuild (a 3 MB tmpfs, so this needs root; without
/// it the test says so and does nothing): the build stops at the first file it cannot write,
/// names it, says how many it replaced, every file is old or new, and the next build with room
/// finishes the update.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_stops_the_build_and_leaves_every_file_whole() {
    let dir = site();
    let root = dir.path().join("site");
    let disk = dir.path().join("disk");
    std::fs::create_dir_all(&disk).unwrap();
    let mounted = Command::new("mount").args(["-t", "tmpfs", "-o", "size=3m", "tmpfs"]).arg(&disk).status();
    if !mounted.is_ok_and(|s| s.success()) {
        eprintln!("skipped: cannot mount a small tmpfs here (needs root)");
        return;
    }
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(disk.clone());
    let out = disk.join("public");
    let out_arg = out.to_str().unwrap();
    assert!(moot(&root, &["--output", out_arg]).status.success());
    let old = files(&out);
    let free = {
        let o = Command::new("df").args(["--output=avail", "-B1"]).arg(&disk).output().unwrap();
        String::from_utf8_lossy(&o.stdout).lines().nth(1).unwrap().trim().parse::<usize>().unwrap()
    };
    std::fs::write(disk.join("filler"), vec![0u8; free.saturating_sub(30_000)]).unwrap();
    for p in walkdir::WalkDir::new(root.join("content")).into_iter().map(|e| e.unwrap().into_path()) {
        if p.extension().is_some_and(|x| x == "md") {
            let text = std::fs::read_to_string(&p).unwrap();
            let more: String = (0..3000).map(|i| format!("extra{i} ")).collect();
            std::fs::write(&p, format!("{text}\n{more}\n")).unwrap();
        }
    }
    let r = moot(&root, &["--output", out_arg]);
    let e = stderr(&r);
    assert!(!r.status.success());
    let errors: Vec<&str> = e.lines().filter(|l| l.contains(": error: ")).collect();
    assert!(
        !errors.is_empty()
            && errors
                .iter()
                .all(|l| l.starts_with(out_arg) && l.ends_with("cannot write: No space left on device (os error 28)")),
        "{e}"
    );
    assert!(e.contains("replaced before the error") && e.contains("none is half written"), "{e}");
    assert!(!e.contains("nothing was written"), "{e}");
    std::fs::remove_file(disk.join("filler")).unwrap();
    assert!(moot(&root, &["--output", out_arg]).status.success());
    assert!(moot(&root, &["--output", "fresh"]).status.success());
    let new = files(&root.join("fresh"));
    assert!(files(&out) == new, "with room again, the next build finishes the update");
    assert!(old != new);
}
