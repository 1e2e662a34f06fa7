//! `serve`'s incremental rebuilds must never be stale: after each step of a random sequence
//! of edits (bodies, front matter, new, deleted and renamed files, links added and removed),
//! the outputs kept in memory equal a fresh build of the same files, byte for byte.

mod common;

use common::copy_dir;
use jiff::Timestamp;
use moot::incremental::Live;
use moot::render::Body;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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

/// Sets (or with `None` removes) a front-matter line `key: value` of a page.
fn set_field(text: &str, key: &str, value: Option<&str>) -> String {
    let (front, body) = text.strip_prefix("---\n").and_then(|t| t.split_once("\n---\n")).expect("front matter");
    let mut lines: Vec<String> =
        front.lines().filter(|l| !l.starts_with(&format!("{key}:"))).map(str::to_string).collect();
    if let Some(v) = value {
        lines.push(format!("{key}: {v}"));
    }
    format!("---\n{}\n---\n{body}", lines.join("\n"))
}

/// The kind of a page, from its folder.
fn kind_of(p: &Path) -> &'static str {
    let s = p.to_string_lossy();
    ["meetings", "groups", "stories", "articles", "wiki"]
        .into_iter()
        .find(|k| s.contains(&format!("/content/{k}/")))
        .unwrap_or("page")
}

/// A front-matter field of each kind, and values it may take (keeping the site valid).
fn field_for(rng: &mut Rng, kind: &str, step: usize) -> (&'static str, Option<String>) {
    let pick = |rng: &mut Rng, v: &[&str]| Some(rng.pick(v).to_string());
    let summary = Some(format!("\"Summary of step {step}\""));
    match kind {
        "meetings" => match rng.next() % 14 {
            0 => ("location", pick(rng, &["\"Room 7\"", "\"Main library, floor 2\""])),
            1 => ("online", pick(rng, &["\"https://meet.example.org/x\"", "\"https://video.example.org/y\""])),
            2 => ("leader", pick(rng, &["\"Ana Ruiz\"", "\"Chen Li\""])),
            3 => ("co_leaders", pick(rng, &["[\"Ben Ito\"]", "[\"Dee Park\", \"Eve Ng\"]", "[]"])),
            4 => ("status", pick(rng, &["confirmed", "tentative", "cancelled"])),
            5 => ("tags", pick(rng, &["[accessibility]", "[alma, fresh]", "[]"])),
            6 => (
                "start",
                pick(rng, &["\"2026-11-20 10:00\"", "\"2026-12-09 15:30\"", "\"2027-03-15 09:00\"", "\"2025-06-01\""]),
            ),
            7 => ("duration", pick(rng, &["\"45m\"", "\"2h\"", "\"1h30m\""])),
            8 => (
                "repeat",
                if step.is_multiple_of(3) {
                    None
                } else {
                    pick(rng, &["\"FREQ=WEEKLY;COUNT=3\"", "\"FREQ=MONTHLY;BYDAY=1TU;COUNT=4\""])
                },
            ),
            9 => ("capacity", pick(rng, &["12", "30"])),
            10 => ("signup", pick(rng, &["\"https://example.org/signup\"", "\"mailto:a@example.org\""])),
            11 => ("group", pick(rng, &["alma", "east", "zeta", "rda"])),
            12 => ("summary", summary),
            _ => ("timezone", pick(rng, &["\"Europe/London\"", "\"America/New_York\""])),
        },
        "groups" => match rng.next() % 7 {
            0 => ("leaders", pick(rng, &["[\"Ana Ruiz\"]", "[\"Chen Li\", \"Ben Ito\"]"])),
            1 => ("contact", pick(rng, &["\"circle@example.org\"", "\"help@example.org\""])),
            2 => ("location", pick(rng, &["\"Room 101\"", "\"Annex\""])),
            3 => ("status", pick(rng, &["archived", "active"])),
            4 => ("forum", pick(rng, &["\"https://forum.example.org/a\"", "\"https://forum.example.org/b\""])),
            5 => ("tags", pick(rng, &["[alma]", "[fresh, Cataloging]", "[]"])),
            _ => ("summary", summary),
        },
        "stories" => match rng.next() % 5 {
            0 => ("date", pick(rng, &["\"2026-10-02\"", "\"2027-01-05\"", "\"2025-06-01\""])),
            1 => ("author", pick(rng, &["\"Ana Ruiz\"", "\"Chen Li\""])),
            2 => ("groups", pick(rng, &["[alma]", "[east, zeta]", "[]"])),
            3 => ("tags", pick(rng, &["[alma]", "[fresh]", "[]"])),
            _ => ("summary", summary),
        },
        "articles" => match rng.next() % 5 {
            0 => ("date", pick(rng, &["\"2026-09-01\"", "\"2027-02-01\""])),
            1 => ("author", pick(rng, &["\"P2PU\"", "\"ALA\""])),
            2 => ("format", pick(rng, &["handbook", "webinar", "article"])),
            3 => ("url", pick(rng, &["\"https://example.org/a.pdf\"", "\"https://example.org/b\""])),
            _ => ("groups", pick(rng, &["[alma]", "[rda, east]", "[]"])),
        },
        _ => match rng.next() % 4 {
            0 => ("tags", pick(rng, &["[alma]", "[fresh, peer]", "[]"])),
            1 => ("summary", summary),
            2 => ("aliases", pick(rng, &["[\"Rules\"]", "[]"])),
            _ => ("draft", if kind == "wiki" { pick(rng, &["true", "false"]) } else { None }),
        },
    }
}

/// One random change to the site; returns the paths it touched.
fn random_change(rng: &mut Rng, root: &Path, step: usize) -> Vec<PathBuf> {
    let files = markdown_files(root);
    let f = rng.pick(&files).clone();
    let text = std::fs::read_to_string(&f).unwrap();
    let titles = ["Ground rules", "Learning circles", "How it works", "Alma Circle", "No such page", "Rules"];
    let write = |p: &Path, t: String| {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, t).unwrap();
        vec![p.to_path_buf()]
    };
    match rng.next() % 24 {
        // bodies: text, a wikilink added, paragraphs removed, the home page's text
        0..=2 => write(&f, format!("{text}\nA new sentence, step {step}.\n")),
        3 => write(&f, format!("{text}\nSee [[{}]].\n", rng.pick(&titles))),
        4 => {
            let (head, body) = text.rsplit_once("\n---\n").unwrap();
            let shorter: String = body.lines().take(2).collect::<Vec<_>>().join("\n");
            write(&f, format!("{head}\n---\n{shorter}\n"))
        }
        5 => {
            let home = root.join("content/index.md");
            let t = std::fs::read_to_string(&home).unwrap();
            write(&home, format!("{t}\nNews of step {step}.\n"))
        }
        // front matter: a new title, or any field of the page's kind
        6 => write(&f, text.replacen("title: \"", &format!("title: \"Step {step} "), 1)),
        7..=12 => {
            let (key, value) = field_for(rng, kind_of(&f), step);
            let mut text = set_field(&text, key, value.as_deref());
            // Fields that exclude another.
            for (set, other) in [("duration", "end"), ("group", "groups"), ("start", "end")] {
                if key == set {
                    text = set_field(&text, other, None);
                }
            }
            write(&f, text)
        }
        // new pages
        13 => write(
            &root.join(format!("content/wiki/new-{step}.md")),
            format!("---\ntitle: \"New page {step}\"\ntags: [fresh]\n---\nLinks to [[{}]].\n", rng.pick(&titles)),
        ),
        14 => write(
            &root.join(format!("content/meetings/2027/new-{step}.md")),
            format!(
                "---\ntitle: \"Meeting {step}\"\ngroup: east\nstart: \"2027-0{}-1{} 10:00\"\n---\nAgenda.\n",
                1 + step % 9,
                step % 10
            ),
        ),
        15 => write(
            &root.join(format!("content/stories/new-{step}.md")),
            format!(
                "---\ntitle: \"Story {step}\"\ndate: \"2026-11-{:02}\"\ngroups: [zeta]\n---\nWe met.\n",
                1 + step % 28
            ),
        ),
        // deletions (pages that nothing requires)
        16 => {
            let gone: Vec<PathBuf> = files
                .iter()
                .filter(|p| {
                    let s = p.to_string_lossy();
                    s.contains("/wiki/") || s.contains("/new-") || s.ends_with("book-club.md")
                })
                .cloned()
                .collect();
            if gone.len() < 2 {
                return vec![];
            }
            let p = rng.pick(&gone).clone();
            std::fs::remove_file(&p).unwrap();
            vec![p]
        }
        // renames of a story or wiki page
        17 => {
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
        // static files and assets
        18 => {
            let css = root.join("static/extra.css");
            if css.exists() && step.is_multiple_of(2) {
                std::fs::remove_file(&css).unwrap();
                vec![css]
            } else {
                write(&css, format!("p {{ margin: {step}px }}\n"))
            }
        }
        19 => write(
            &root.join("content/stories/diagram.svg"),
            format!("<svg xmlns=\"http://www.w3.org/2000/svg\"><!-- {step} --></svg>\n"),
        ),
        // the theme's templates
        20 | 21 => {
            let t = root.join("themes/t/templates/list.html");
            let base = std::fs::read_to_string(&t).unwrap();
            let kept: Vec<&str> = base.lines().filter(|l| !l.contains("test-step")).collect();
            let line = format!("{{% block head %}}<meta name=\"test-step\" content=\"{step}\">{{% endblock head %}}");
            write(&t, format!("{}\n{line}\n", kept.join("\n").trim_end()))
        }
        // the configuration
        _ => {
            let config = root.join("moot.toml");
            let t = std::fs::read_to_string(&config).unwrap();
            let kept: Vec<&str> = t.lines().filter(|l| !l.starts_with("title") && !l.starts_with("timezone")).collect();
            let zone = rng.pick(&["America/Los_Angeles", "Europe/London", "Asia/Tokyo"]);
            write(&config, format!("title = \"Circles {step}\"\ntimezone = \"{zone}\"\n{}\n", kept.join("\n")))
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

/// A theme of the site's own whose templates show more of the views than the default one:
/// its list pages show every card's summary, date and meta, and its meeting lists each
/// occurrence's place and groups. Nothing in the incremental code knows of it.
fn with_test_theme(root: &Path) {
    let templates = root.join("themes/t/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("list.html"),
        "{% extends \"base.html\" %}\n{% block content %}<h1>{{ title }}</h1>{% for c in cards %}<p>{{ c.title }} {{ c.summary }} {{ c.date }} {{ c.meta }} {{ c.url }}</p>{% endfor %}{% endblock content %}\n",
    )
    .unwrap();
    std::fs::write(
        templates.join("meetings.html"),
        "{% extends \"base.html\" %}\n{% block content %}<h1>{{ title }}</h1>{% for s in sections %}{% for m in s.months %}{% for o in m.occurrences %}<p>{{ o.title }} {{ o.when }} {{ o.location }} {{ o.status }}{% for g in o.groups %} {{ g.title }}{% endfor %}</p>{% endfor %}{% endfor %}{% endfor %}{% endblock content %}\n",
    )
    .unwrap();
    let config = root.join("moot.toml");
    let t = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{t}theme = \"t\"\n")).unwrap();
}

/// Applies `steps` random changes (after a few chosen ones), checking after each that the
/// outputs kept in memory equal a fresh build's, byte for byte, warnings included.
fn equivalence(seed: u64, steps: usize) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid"), &root);
    with_test_theme(&root);
    let (mut live, _) = Live::new(options(&root)).unwrap_or_else(|e| panic!("{e}"));
    let mut rng = Rng(seed);
    let (mut body_only, mut front_matter, mut full) = (0, 0, 0);
    for step in 0..steps {
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
        let outcome = live.apply(&touched).unwrap_or_else(|e| panic!("seed {seed:x} step {step} ({touched:?}): {e}"));
        body_only += usize::from(!outcome.full && !outcome.front_matter);
        front_matter += usize::from(outcome.front_matter);
        full += usize::from(outcome.full);
        let (fresh, _) = Live::new(options(&root)).unwrap_or_else(|e| panic!("{e}"));
        let (have, want) = (bytes(&live.files), bytes(&fresh.files));
        let differ: Vec<&String> = want.keys().chain(have.keys()).filter(|k| have.get(*k) != want.get(*k)).collect();
        if let (Some(k), Ok(d)) = (differ.first(), std::env::var("DUMP_DIFF")) {
            let _ = std::fs::write(format!("{d}/have.html"), have.get(*k).cloned().unwrap_or_default());
            let _ = std::fs::write(format!("{d}/want.html"), want.get(*k).cloned().unwrap_or_default());
        }
        assert!(
            differ.is_empty(),
            "seed {seed:x} step {step} ({touched:?}, full: {}): {} outputs differ, e.g. {:?}",
            outcome.full,
            differ.len(),
            &differ[..differ.len().min(5)]
        );
        assert_eq!(live.warnings(), fresh.warnings(), "seed {seed:x} step {step}: warnings");
    }
    assert!(body_only >= steps / 10, "the body-only path ran {body_only} times");
    assert!(front_matter >= steps / 5, "the front-matter path ran {front_matter} times");
    assert!(full >= 1, "no full rebuild ran");
}

#[test]
fn random_edits_give_the_same_bytes_as_a_fresh_build() {
    equivalence(0x9e37_79b9_7f4a_7c15, 110);
}

#[test]
fn random_edits_give_the_same_bytes_as_a_fresh_build_seed_2() {
    equivalence(0x2545_f491_4f6c_dd1d, 110);
}

#[test]
fn random_edits_give_the_same_bytes_as_a_fresh_build_seed_3() {
    equivalence(0xd1b5_4a32_d192_ed03, 110);
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

#[test]
fn a_file_still_broken_fails_every_later_save_until_it_is_fixed() {
    // Only the saved files are read again: the broken one must stay broken in memory too.
    let (_dir, root, mut live, _) = live_fixture();
    let rel = "content/meetings/2027/learning-day.md";
    let broken = edit(&root, rel, "start: \"2027-01-22\"", "start: [unclosed");
    assert!(live.apply(&broken).is_err());
    for other in [
        edit(&root, "content/stories/first.md", "We learned a lot.", "We learned a great deal."),
        edit(&root, "content/articles/handbook.md", "title: \"", "title: \"The "),
    ] {
        let err = live.apply(&other).unwrap_err().to_string();
        let fresh = Live::new(options(&root)).err().map(|e| e.to_string());
        assert_eq!(Some(&err), fresh.as_ref(), "the same errors as a fresh build");
        assert!(err.contains("learning-day.md"), "{err}");
    }
    let gone = root.join("content/stories/new.md");
    std::fs::write(&gone, "---\ntitle: \"New\"\ndate: \"2026-11-02\"\n---\nHello.\n").unwrap();
    assert!(live.apply(std::slice::from_ref(&gone)).is_err());
    let fixed = edit(&root, rel, "start: [unclosed", "start: \"2027-02-05\"");
    live.apply(&fixed).unwrap();
    let (fresh, _) = Live::new(options(&root)).unwrap();
    assert!(bytes(&live.files) == bytes(&fresh.files), "after the fix, the same as a fresh build");
    assert!(live.files.contains_key("stories/new/index.html"));
}

/// More seeds, for a longer search than CI's: `MOOT_SEEDS=20 cargo test --test incremental
/// -- --ignored many_seeds`.
#[test]
#[ignore]
fn many_seeds() {
    let n: u64 = std::env::var("MOOT_SEEDS").ok().and_then(|v| v.parse().ok()).unwrap_or(10);
    for k in 1..=n {
        equivalence(k.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1, 200);
    }
}

#[test]
fn a_new_file_that_differs_from_another_only_in_case_is_the_walk_s_error() {
    let (_dir, root, mut live, _) = live_fixture();
    let twin = root.join("content/stories/First.md");
    std::fs::write(&twin, "---\ntitle: \"Twin\"\ndate: \"2026-11-02\"\n---\nHello.\n").unwrap();
    let err = live.apply(std::slice::from_ref(&twin)).unwrap_err().to_string();
    assert!(
        err.contains("content/stories/first.md: error: content/stories/First.md and content/stories/first.md differ only in case"),
        "{err}"
    );
    let fresh = Live::new(options(&root)).err().map(|e| e.to_string());
    assert_eq!(Some(err), fresh, "the same errors as a fresh build");
}
