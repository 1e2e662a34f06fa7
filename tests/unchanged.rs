//! A build of an unchanged site into an intact output folder stops before it starts (the
//! build record, `src/write/record.rs`): every input that changes the output makes it build
//! again, and before the moment it records, "now" changes no output byte.

mod common;

use common::{copy_dir, outputs};
use jiff::{Timestamp, ToSpan};
use std::path::{Path, PathBuf};

/// A copy of a fixture site, outside git.
fn site(fixture: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(fixture), &root);
    (dir, root)
}

fn at(root: &Path, clock: Timestamp) -> moot::Options {
    let mut o = moot::Options::new(root);
    o.output = root.join("public");
    o.clock = Some(clock);
    o
}

fn build(o: &moot::Options) -> moot::Report {
    moot::build(o).unwrap_or_else(|e| panic!("{e}"))
}

const T: &str = "2026-12-01T17:00:00Z";

/// A change to a site, named.
type Change<'a> = Box<dyn Fn(&Path) + 'a>;

#[test]
fn an_unchanged_site_is_not_built_again_and_says_so() {
    let (_d, root) = site("valid");
    let o = at(&root, T.parse().unwrap());
    let first = build(&o);
    assert!(!first.unchanged && first.written == first.files);
    let again = build(&o);
    assert!(again.unchanged, "nothing changed: {again}");
    assert_eq!((again.files, again.written, &again.counts), (first.files, 0, &first.counts));
    assert!(again.to_string().contains("(0 written: nothing changed since the last build)"), "{again}");
    assert_eq!(
        again.warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
        first.warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
        "the last build's warnings are said again"
    );
}

#[test]
fn every_kind_of_change_builds_again() {
    let (_d, root) = site("valid");
    let o = at(&root, T.parse().unwrap());
    build(&o);
    let story = root.join("content/stories/first.md");
    let text = std::fs::read_to_string(&story).unwrap();
    let modified = std::fs::metadata(&story).unwrap().modified().unwrap();
    let changes: Vec<(&str, Change)> = vec![
        (
            "a page edited within the clock's tick (same size, same time)",
            Box::new(|root: &Path| {
                let story = root.join("content/stories/first.md");
                std::fs::write(&story, text.replace("We learned a lot.", "We learned a LOT.")).unwrap();
                std::fs::File::options().write(true).open(&story).unwrap().set_modified(modified).unwrap();
            }),
        ),
        (
            "a new page",
            Box::new(|root: &Path| std::fs::write(root.join("content/new.md"), "---\ntitle: \"New\"\n---\n").unwrap()),
        ),
        (
            "moot.toml",
            Box::new(|root: &Path| {
                let c = std::fs::read_to_string(root.join("moot.toml")).unwrap();
                std::fs::write(root.join("moot.toml"), c.replace("Test Circles", "Test Circles!")).unwrap();
            }),
        ),
        (
            "a static file",
            Box::new(|root: &Path| std::fs::write(root.join("static/favicon.svg"), "<svg></svg>").unwrap()),
        ),
        (
            "a theme template",
            Box::new(|root: &Path| {
                std::fs::create_dir_all(root.join("themes/x/templates")).unwrap();
                std::fs::write(root.join("themes/x/templates/unused.html"), "x").unwrap();
            }),
        ),
        (
            "an output file removed",
            Box::new(|root: &Path| {
                std::fs::remove_file(root.join("public/about/index.html"))
                    .unwrap_or_else(|_| std::fs::remove_file(root.join("public/index.html")).unwrap())
            }),
        ),
        (
            "an output file edited",
            Box::new(|root: &Path| std::fs::write(root.join("public/index.html"), "hello").unwrap()),
        ),
        (
            "a copied output edited",
            Box::new(|root: &Path| std::fs::write(root.join("public/favicon.svg"), "<svg/>").unwrap()),
        ),
        (
            "a template of a theme that is a link",
            Box::new(|root: &Path| {
                let shared = root.parent().unwrap().join("shared-theme/templates");
                std::fs::create_dir_all(&shared).unwrap();
                std::fs::write(shared.join("unused.html"), "one").unwrap();
                if !root.join("themes/linked").exists() {
                    std::os::unix::fs::symlink(shared.parent().unwrap(), root.join("themes/linked")).unwrap();
                }
            }),
        ),
        (
            "the linked theme's template edited (the link itself unchanged)",
            Box::new(|root: &Path| {
                std::fs::write(root.parent().unwrap().join("shared-theme/templates/unused.html"), "two").unwrap()
            }),
        ),
        (
            "git init (page history comes from git now)",
            Box::new(|root: &Path| {
                let ok = std::process::Command::new("git").args(["init", "-q"]).current_dir(root).status().unwrap();
                assert!(ok.success());
            }),
        ),
        (
            "a file of the site committed",
            Box::new(|root: &Path| {
                let git = |args: &[&str]| {
                    let ok = std::process::Command::new("git")
                        .args(args)
                        .current_dir(root)
                        .env("GIT_AUTHOR_NAME", "A")
                        .env("GIT_AUTHOR_EMAIL", "a@example.org")
                        .env("GIT_COMMITTER_NAME", "A")
                        .env("GIT_COMMITTER_EMAIL", "a@example.org")
                        .status()
                        .unwrap();
                    assert!(ok.success());
                };
                git(&["add", "content/stories/first.md"]);
                git(&["commit", "-q", "-m", "First story"]);
            }),
        ),
        (
            "a file of the site no longer tracked (git rm --cached: its history is gone)",
            Box::new(|root: &Path| {
                let ok = std::process::Command::new("git")
                    .args(["rm", "-q", "--cached", "content/stories/first.md"])
                    .current_dir(root)
                    .status()
                    .unwrap();
                assert!(ok.success());
            }),
        ),
    ];
    for (what, change) in changes {
        change(&root);
        let r = build(&o);
        assert!(!r.unchanged, "{what}: built again");
        assert!(build(&o).unchanged, "{what}: and the build after that one is skipped");
    }
    let home = std::fs::read_to_string(root.join("public/index.html")).unwrap();
    assert!(home.contains("Test Circles!"), "the edited output is made again");
    for (what, opts) in [
        ("--drafts", moot::Options { drafts: true, ..at(&root, T.parse().unwrap()) }),
        (
            "--base-url",
            moot::Options { base_url: Some("https://other.example.org".into()), ..at(&root, T.parse().unwrap()) },
        ),
        (
            "another --now",
            moot::Options { now: Some("2026-12-02T00:00:00Z".parse().unwrap()), ..at(&root, T.parse().unwrap()) },
        ),
    ] {
        assert!(!build(&opts).unchanged, "{what}: built again");
        assert!(!build(&o).unchanged, "{what}: and back");
    }
}

#[test]
fn a_clock_that_went_back_builds_again() {
    let (_d, root) = site("valid");
    build(&at(&root, T.parse().unwrap()));
    assert!(!build(&at(&root, "2026-12-01T16:00:00Z".parse().unwrap())).unchanged, "an hour earlier: built again");
}

#[test]
fn a_later_clock_builds_again_only_from_the_moment_recorded() {
    let (_d, root) = site("valid");
    let t: Timestamp = T.parse().unwrap();
    let loaded = moot::load_site(&at(&root, t)).unwrap();
    let until = moot::changes_by_itself_at(&loaded.site).expect("a clock's build changes by itself");
    assert!(until > t && until <= t.checked_add(25.hours()).unwrap(), "{until}");
    build(&at(&root, t));
    assert!(build(&at(&root, until.checked_sub(1.second()).unwrap())).unchanged, "still valid just before");
    assert!(!build(&at(&root, until)).unchanged, "built again from the moment recorded");
}

/// The claim the skip rests on: built fresh at any moment before the recorded one, the site
/// is the same, byte for byte. Checked at moments around many occurrences' ends and
/// midnights, on the fixtures with series, sessions, folds and several zones.
#[test]
fn before_the_moment_recorded_no_output_byte_changes() {
    let mut checked = 0;
    for fixture in ["valid", "calendar"] {
        let (_d, root) = site(fixture);
        let mut t: Timestamp = "2026-10-01T09:00:00Z".parse().unwrap();
        for step in 0..6 {
            let loaded = moot::load_site(&at(&root, t)).unwrap();
            let until = moot::changes_by_itself_at(&loaded.site).unwrap();
            let before = until.checked_sub(1.second()).unwrap();
            let mut a = at(&root, t);
            a.output = root.join(format!("a-{step}"));
            let mut b = at(&root, before);
            b.output = root.join(format!("b-{step}"));
            build(&a);
            build(&b);
            let (x, y) = (outputs(&a.output), outputs(&b.output));
            let differ: Vec<&PathBuf> = x.iter().zip(&y).filter(|(p, q)| p != q).map(|(p, _)| &p.0).collect();
            assert!(x.len() == y.len() && differ.is_empty(), "{fixture}: built at {t} and at {before}: {differ:?}");
            checked += 1;
            // On to the moment recorded, and a little past it.
            t = until.checked_add(1.second()).unwrap();
        }
    }
    assert_eq!(checked, 12);
}
