//! Windows and macOS (issue 17, point 5): a CRLF checkout builds the same site as an LF one,
//! paths written with backslashes resolve, and two files that differ only in case (one file
//! on macOS and Windows) are an error on every system.

mod common;

use common::outputs;
use std::path::{Path, PathBuf};
use std::process::Command;

const NOW: &str = "1796126400";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid")
}

/// Copies `from` to `to`, with CRLF line ends in every text file of the site's own (markdown,
/// moot.toml, templates) when `crlf`, and every file's modification time the same (a site
/// without git dates its feeds by them).
fn copy_site(from: &Path, to: &Path, crlf: bool) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            continue;
        }
        let mut bytes = std::fs::read(entry.path()).unwrap();
        let text = matches!(rel.extension().and_then(|e| e.to_str()), Some("md" | "toml" | "html"));
        if crlf && text {
            bytes = String::from_utf8(bytes).unwrap().replace('\n', "\r\n").into_bytes();
        }
        std::fs::write(&dest, bytes).unwrap();
        let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_790_000_000);
        std::fs::File::options().write(true).open(&dest).unwrap().set_modified(when).unwrap();
    }
}

fn build(root: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_moot"))
        .args(["build", "--root"])
        .arg(root)
        .env("SOURCE_DATE_EPOCH", NOW)
        .output()
        .unwrap()
}

#[test]
fn a_crlf_checkout_builds_the_same_site() {
    let tmp = tempfile::tempdir().unwrap();
    let (lf, crlf) = (tmp.path().join("lf"), tmp.path().join("crlf"));
    for (dir, ends) in [(&lf, false), (&crlf, true)] {
        copy_site(&fixture(), dir, ends);
        // A theme template of the site's own, too.
        std::fs::create_dir_all(dir.join("themes/mine/templates")).unwrap();
        let partial = "{% extends \"base.html\" %}\n{% block content %}\n<p class=\"mine\">\nmine\n</p>\n<h1>{{ page.title }}</h1>\n{% endblock content %}\n";
        let partial = if ends { partial.replace('\n', "\r\n") } else { partial.to_string() };
        std::fs::write(dir.join("themes/mine/templates/story.html"), partial).unwrap();
        let config = std::fs::read_to_string(dir.join("moot.toml")).unwrap();
        let nl = if ends { "\r\n" } else { "\n" };
        std::fs::write(dir.join("moot.toml"), format!("{config}theme = \"mine\"{nl}")).unwrap();
        let run = build(dir);
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    }
    let (a, b) = (outputs(&lf.join("public")), outputs(&crlf.join("public")));
    assert!(a.len() > 50, "{} files", a.len());
    assert_eq!(a.iter().map(|f| &f.0).collect::<Vec<_>>(), b.iter().map(|f| &f.0).collect::<Vec<_>>());
    let differ: Vec<&PathBuf> = a.iter().zip(&b).filter(|(x, y)| x.1 != y.1).map(|(x, _)| &x.0).collect();
    assert!(differ.is_empty(), "these differ between the LF and the CRLF checkout: {differ:?}");
    let story =
        String::from_utf8(a.iter().find(|f| f.0.ends_with("stories/first/index.html")).unwrap().1.clone()).unwrap();
    assert!(story.contains("<p class=\"mine\">\nmine\n</p>"), "the theme's template is used");
}

fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("moot.toml"),
        "title = \"T\"\nbase_url = \"https://x.example.org\"\ntimezone = \"America/Los_Angeles\"\n",
    )
    .unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

#[test]
fn paths_written_with_backslashes_resolve() {
    let s = site(&[
        ("content/groups/alma.md", "---\ntitle: \"Alma\"\n---\n"),
        (
            "content/meetings/2026/alma-circle.md",
            "---\ntitle: \"Circle\"\ngroup: Alma\nstart: \"2026-10-01 14:00\"\n---\n",
        ),
        ("content/wiki/peer/rules.md", "---\ntitle: \"Rules\"\n---\nKind.\n"),
        (
            "content/stories/s.md",
            "---\ntitle: \"S\"\ndate: \"2026-10-02\"\nmeeting: 2026\\alma-circle\n---\n\
             See [[wiki\\peer\\rules]] and [the rules](..\\wiki\\peer\\rules.md).\n",
        ),
    ]);
    let run = build(s.path());
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let story = std::fs::read_to_string(s.path().join("public/stories/s/index.html")).unwrap();
    assert_eq!(story.matches("href=\"/wiki/peer/rules/\"").count(), 2, "{story}");
    assert!(story.contains("href=\"/meetings/2026/alma-circle/\""), "the story's meeting, 2026\\alma-circle");
    let meeting = std::fs::read_to_string(s.path().join("public/meetings/2026/alma-circle/index.html")).unwrap();
    assert!(meeting.contains("href=\"/groups/alma/\""), "`group: Alma` names content/groups/alma.md");
}

#[test]
fn files_that_differ_only_in_case_are_an_error() {
    let s = site(&[
        ("content/wiki/Alma.md", "---\ntitle: \"Alma 1\"\n---\n"),
        ("content/wiki/alma.md", "---\ntitle: \"Alma 2\"\n---\n"),
        ("content/stories/Photo.JPG", "x"),
        ("content/stories/photo.jpg", "y"),
        ("static/Logo.svg", "<svg/>"),
        ("static/logo.svg", "<svg/>"),
    ]);
    let run = build(s.path());
    let stderr = String::from_utf8_lossy(&run.stderr);
    let hint =
        "  hint: macOS and Windows keep them as one file, so a checkout there loses one: rename or remove one of them";
    for (a, b) in [
        ("content/stories/Photo.JPG", "content/stories/photo.jpg"),
        ("content/wiki/Alma.md", "content/wiki/alma.md"),
        ("static/Logo.svg", "static/logo.svg"),
    ] {
        let line = format!("{b}: error: {a} and {b} differ only in case\n{hint}\n");
        assert!(stderr.contains(&line), "expected\n{line}in\n{stderr}");
    }
    assert!(!run.status.success());
    assert!(!s.path().join("public").exists(), "nothing is written");
}
