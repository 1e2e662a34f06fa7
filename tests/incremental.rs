//! `serve`'s incremental rebuilds must never be stale: after each step of a random sequence
//! of edits (bodies, front matter, new, deleted and renamed files, links added and removed),
//! the outputs kept in memory equal a fresh build of the same files, byte for byte.

use jiff::Timestamp;
use moot::incremental::Live;
use moot::render::Body;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

fn options(root: &Path) -> moot::Options {
    let mut o = moot::Options::new(root);
    o.now = Some(Timestamp::from_second(1_795_608_000).unwrap());
    o
}

fn bytes(files: &std::collections::HashMap<String, std::sync::Arc<Body>>) -> BTreeMap<String, Vec<u8>> {
    files
        .iter()
        .map(|(p, b)| {
            let v = match &**b {
                Body::Bytes(v) => v.clone(),
                Body::Static(s) => s.to_vec(),
                Body::File(f) => std::fs::read(f).unwrap(),
            };
            (p.clone(), v)
        })
        .collect()
}

/// A tiny deterministic random number generator (xorshift), so failures replay.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[(self.next() % v.len() as u64) as usize]
    }
}

fn markdown_files(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "md") && !p.ends_with("index.md"))
        .collect();
    v.sort();
    v
}

/// One random change to the site; returns the paths it touched.
fn random_change(rng: &mut Rng, root: &Path, step: usize) -> Vec<PathBuf> {
    let files = markdown_files(root);
    let f = rng.pick(&files).clone();
    let text = std::fs::read_to_string(&f).unwrap();
    let titles = ["Ground rules", "Learning circles", "How it works", "Alma Circle", "No such page"];
    match rng.next() % 12 {
        // body edits: text, a wikilink added, a paragraph removed
        0 | 1 => {
            std::fs::write(&f, format!("{text}\nA new sentence, step {step}.\n")).unwrap();
            vec![f]
        }
        2 => {
            std::fs::write(&f, format!("{text}\nSee [[{}]].\n", rng.pick(&titles))).unwrap();
            vec![f]
        }
        3 => {
            let (head, body) = text.rsplit_once("\n---\n").unwrap();
            let shorter: String = body.lines().take(2).collect::<Vec<_>>().join("\n");
            std::fs::write(&f, format!("{head}\n---\n{shorter}\n")).unwrap();
            vec![f]
        }
        // front matter: a new title
        4 => {
            let changed = text.replacen("title: \"", &format!("title: \"Step {step} "), 1);
            std::fs::write(&f, changed).unwrap();
            vec![f]
        }
        // a new wiki page linking to another
        5 => {
            let p = root.join(format!("content/wiki/new-{step}.md"));
            std::fs::write(
                &p,
                format!("---\ntitle: \"New page {step}\"\ntags: [fresh]\n---\nLinks to [[{}]].\n", rng.pick(&titles)),
            )
            .unwrap();
            vec![p]
        }
        // delete a wiki page (others may now link to nothing)
        6 => {
            let wiki: Vec<PathBuf> = files.iter().filter(|p| p.to_string_lossy().contains("/wiki/")).cloned().collect();
            if wiki.len() < 2 {
                return vec![];
            }
            let p = rng.pick(&wiki).clone();
            std::fs::remove_file(&p).unwrap();
            vec![p]
        }
        // front matter that changes no title or address: a meeting's date, a meeting's group,
        // a story's or article's date, a summary
        8..=10 => {
            let dates = ["2025-06-01", "2026-11-20", "2026-11-30", "2027-03-15", "2027-01-05"];
            let groups = ["alma", "east", "zeta", "rda"];
            let line = |prefix: &str| text.lines().find(|l| l.starts_with(prefix)).map(str::to_string);
            let new = if let Some(l) = line("start: \"").filter(|_| step.is_multiple_of(2)) {
                let date = rng.pick(&dates);
                text.replacen(&l, &format!("start: \"{date}{}", &l[18..]), 1)
            } else if let Some(l) = line("group: ") {
                text.replacen(&l, &format!("group: {}", rng.pick(&groups)), 1)
            } else if let Some(l) = line("date: \"") {
                text.replacen(&l, &format!("date: \"{}\"", rng.pick(&dates)), 1)
            } else if let Some(l) = line("summary: ") {
                text.replacen(&l, &format!("summary: \"Summary of step {step}\""), 1)
            } else {
                text.replacen("\ntitle: ", &format!("\nsummary: \"Summary of step {step}\"\ntitle: "), 1)
            };
            std::fs::write(&f, new).unwrap();
            vec![f]
        }
        // rename a story or wiki page
        _ => {
            let movable: Vec<PathBuf> = files
                .iter()
                .filter(|p| {
                    let s = p.to_string_lossy();
                    s.contains("/wiki/") || s.contains("/stories/")
                })
                .cloned()
                .collect();
            let p = rng.pick(&movable).clone();
            let to = p.with_file_name(format!("renamed-{step}.md"));
            std::fs::rename(&p, &to).unwrap();
            vec![p, to]
        }
    }
}

/// A copy of the valid fixture site in a temp folder (kept alive by the first value), built
/// into memory.
fn live_fixture() -> (tempfile::TempDir, PathBuf, Live, moot::incremental::Outcome) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid"), &root);
    let (live, first) = Live::new(options(&root)).unwrap_or_else(|e| panic!("{e}"));
    (dir, root, live, first)
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) -> Vec<PathBuf> {
    let p = root.join(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{rel}");
    std::fs::write(&p, text.replace(from, to)).unwrap();
    vec![p]
}

#[test]
fn random_edits_give_the_same_bytes_as_a_fresh_build() {
    let (_dir, root, mut live, _) = live_fixture();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut body_only = 0;
    let mut front_matter = 0;
    for step in 0..80 {
        // First the edits most likely to leave something stale, then random ones.
        let touched = match step {
            0 => edit(&root, "content/stories/first.md", "We learned a lot.", "We learned a great deal."),
            1 => edit(
                &root,
                "content/wiki/peer/ground-rules.md",
                "Back to [[wiki/peer/learning-circles]] and [[Missing page]].",
                "Back soon.",
            ),
            2 => edit(&root, "content/articles/handbook.md", "A classic.", "A classic, see [[Ground rules]]."),
            _ => random_change(&mut rng, &root, step),
        };
        if touched.is_empty() {
            continue;
        }
        let outcome = live.apply(&touched).unwrap_or_else(|e| panic!("step {step}: {e}"));
        body_only += usize::from(!outcome.full && !outcome.front_matter);
        front_matter += usize::from(outcome.front_matter);
        let (fresh, _) = Live::new(options(&root)).unwrap_or_else(|e| panic!("{e}"));
        let (have, want) = (bytes(&live.files), bytes(&fresh.files));
        let differ: Vec<&String> = want.keys().chain(have.keys()).filter(|k| have.get(*k) != want.get(*k)).collect();
        assert!(
            differ.is_empty(),
            "step {step} ({touched:?}, full: {}): {} outputs differ, e.g. {:?}",
            outcome.full,
            differ.len(),
            &differ[..differ.len().min(5)]
        );
        assert_eq!(live.warnings(), fresh.warnings(), "step {step}: warnings");
    }
    assert!(body_only >= 10, "the body-only path ran {body_only} times");
    assert!(front_matter >= 10, "the front-matter path ran {front_matter} times");
}

#[test]
fn a_body_edit_rerenders_little() {
    let (_dir, root, mut live, first) = live_fixture();
    let f = root.join("content/meetings/2026/weekly-lab.md");
    let text = std::fs::read_to_string(&f).unwrap();
    std::fs::write(&f, text.replace("Practice with NVDA", "Practice with NVDA and JAWS")).unwrap();
    let page = live.pages_phase(std::slice::from_ref(&f)).unwrap().expect("a body-only edit");
    assert!(page.rendered < 10, "{page}");
    assert!(page.changed.contains(&"meetings/2026/weekly-lab/index.html".to_string()), "{:?}", page.changed);
    let rest = live.lists_phase().unwrap();
    assert!(rest.changed.contains(&"calendar.ics".to_string()), "the feeds carry the description: {:?}", rest.changed);
    assert!(page.rendered + rest.rendered < first.rendered);
}

#[test]
fn a_start_time_edit_rerenders_the_lists_but_not_the_site() {
    let (_dir, root, mut live, first) = live_fixture();
    let touched =
        edit(&root, "content/meetings/2027/learning-day.md", "start: \"2027-01-22\"", "start: \"2027-02-12\"");
    let outcome = live.apply(&touched).unwrap();
    assert!(outcome.front_matter && !outcome.full, "{outcome}");
    assert!(outcome.rendered * 2 < first.rendered, "{outcome} of {}", first.rendered);
    for page in ["calendar/2027/01/index.html", "calendar/2027/02/index.html", "calendar.ics", "meetings/index.html"] {
        assert!(outcome.changed.iter().any(|c| c == page), "{page} not in {:?}", outcome.changed);
    }
    // A new title may change how links resolve: all markdown is rendered again, but only the
    // jobs that read what changed run.
    let touched = edit(&root, "content/meetings/2027/learning-day.md", "title: \"", "title: \"Renamed ");
    let outcome = live.apply(&touched).unwrap();
    assert!(!outcome.full && outcome.rendered < first.rendered, "{outcome}");
    assert!(outcome.changed.iter().any(|c| c == "meetings/2027/learning-day/index.html"), "{:?}", outcome.changed);
}

#[test]
fn a_broken_front_matter_save_keeps_the_last_good_site_and_the_next_save_recovers() {
    let (_dir, root, mut live, _) = live_fixture();
    let before = bytes(&live.files);
    let rel = "content/meetings/2027/learning-day.md";
    let broken = edit(&root, rel, "start: \"2027-01-22\"", "start: \"2027-01-22\"\nstart: [unclosed");
    let err = live.apply(&broken).unwrap_err().to_string();
    assert!(err.contains("learning-day.md"), "{err}");
    assert!(bytes(&live.files) == before, "the last good site is still served");
    let fixed = edit(&root, rel, "start: \"2027-01-22\"\nstart: [unclosed", "start: \"2027-02-05\"");
    let outcome = live.apply(&fixed).unwrap();
    assert!(!outcome.full, "{outcome}");
    let (fresh, _) = Live::new(options(&root)).unwrap();
    assert!(bytes(&live.files) == bytes(&fresh.files), "after the fix, the same as a fresh build");
}
