//! Builds the valid fixture site (`tests/fixtures/valid`) into a temp dir and checks the
//! output files; plus sites made on the fly for escaping, themes, pagination and the CLI.

mod common;

use common::outputs;
use jiff::Timestamp;
use moot::Options;
use std::path::{Path, PathBuf};

/// 2026-11-25 12:00 UTC, the "now" of every test build.
const NOW: i64 = 1_795_608_000;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid")
}

fn options(root: &Path, out: &Path) -> Options {
    let mut o = Options::new(root);
    o.output = out.to_path_buf();
    o.now = Some(Timestamp::from_second(NOW).unwrap());
    o
}

struct Built {
    _dir: tempfile::TempDir,
    out: PathBuf,
}

impl Built {
    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }
    fn exists(&self, rel: &str) -> bool {
        self.out.join(rel).exists()
    }
}

fn build_with(root: &Path, edit: impl FnOnce(&mut Options)) -> Built {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let mut o = options(root, &out);
    edit(&mut o);
    if let Err(e) = moot::build(&o) {
        panic!("build failed:\n{e}");
    }
    Built { _dir: dir, out }
}

fn build() -> Built {
    build_with(&fixture(), |_| {})
}

/// Writes a small site from (path, text) pairs.
fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let default_config =
        ("moot.toml", "title = \"T\"\nbase_url = \"https://t.example.org\"\ntimezone = \"Europe/London\"\n");
    let has_config = files.iter().any(|(r, _)| *r == "moot.toml");
    for (rel, text) in files.iter().chain((!has_config).then_some(&default_config)) {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
    }
    dir
}

#[test]
fn every_kind_of_output_is_written() {
    let b = build();
    for f in [
        "index.html",
        "404.html",
        "atom.xml",
        "sitemap.xml",
        "robots.txt",
        "favicon.svg",
        "static/style.css",
        "static/site.js",
        "groups/index.html",
        "groups/alma/index.html",
        "groups/alma/atom.xml",
        "groups/alma/meetings/index.html",
        "groups/rda/index.html",
        "meetings/index.html",
        "meetings/past/index.html",
        "meetings/2026/weekly-lab/index.html",
        "meetings/2027/learning-day/index.html",
        "stories/index.html",
        "stories/first/index.html",
        "stories/diagram.svg",
        "articles/index.html",
        "articles/handbook/index.html",
        "wiki/index.html",
        "wiki/peer/ground-rules/index.html",
        "how-it-works/index.html",
        "tags/index.html",
        "tags/alma/index.html",
        "tags/cataloging/index.html",
        "tags/peer-learning/index.html",
    ] {
        assert!(b.exists(f), "missing {f}");
    }
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let b = build();
    assert!(!b.exists("wiki/draft-page/index.html"));
    assert!(!b.read("wiki/index.html").contains("Secret draft"));
    assert!(!b.read("sitemap.xml").contains("draft-page"));
    let d = build_with(&fixture(), |o| o.drafts = true);
    assert!(d.read("wiki/draft-page/index.html").contains("Secret draft"));
    assert!(d.read("wiki/index.html").contains("Secret draft"));
}

#[test]
fn markdown_features_render() {
    let b = build();
    let rules = b.read("wiki/peer/ground-rules/index.html");
    let heading = rules.find("<h2 id=\"be-kind\">").unwrap();
    assert!(heading < rules.find("<p>Text with").unwrap(), "headings stay in their place in the text");
    assert!(rules.contains("<h2 id=\"be-kind\">Be kind <a class=\"anchor\" href=\"#be-kind\""), "{rules}");
    assert!(rules.contains("<table>"));
    assert!(rules.contains("type=\"checkbox\""));
    assert!(rules.contains("<del>old</del>"));
    assert!(rules.contains("footnote-definition"));
    assert!(rules.contains("<code>[[not a link]]</code>"), "wikilinks stay literal in code spans");
    assert!(rules.contains("[[also not a link]]"), "and in code blocks");
    assert!(rules.contains("<a class=\"wikilink\" href=\"/wiki/peer/learning-circles/\">Learning circles</a>"));
    assert!(rules.contains("<a class=\"wikilink missing\" title=\"Missing page: Missing page\">Missing page</a>"));
    let how = b.read("how-it-works/index.html");
    assert!(how.contains("id=\"sign-up\"") && how.contains("id=\"sign-up-1\""), "duplicate headings get distinct ids");
    let (para, second) = (how.find("<p>Anyone can lead.</p>").unwrap(), how.find("<h2 id=\"sign-up-1\"").unwrap());
    assert!(para < second, "text between two headings stays between them");
    let circles = b.read("wiki/peer/learning-circles/index.html");
    assert!(circles.contains("<h2 id=\"a-big-heading\">"), "a body h1 is moved down: the page has one h1");
    assert!(
        circles.contains("<a class=\"wikilink\" href=\"/wiki/peer/ground-rules/\">our rules</a>"),
        "alias + shown text"
    );
}

#[test]
fn only_real_headings_decide_whether_the_page_has_an_h1() {
    let body =
        "## Setup\n\n```sh\n# install the tools\ncargo install moot\n```\n\n    # indented code, too\n\n## Use\n";
    let plain = format!("---\ntitle: \"Setup\"\n---\n{body}");
    let with_h1 = format!("---\ntitle: \"Guide\"\n---\nGuide\n=====\n\n{body}");
    let dir = site(&[("content/wiki/setup.md", &plain), ("content/wiki/guide.md", &with_h1)]);
    let b = build_with(dir.path(), |_| {});
    let setup = b.read("wiki/setup/index.html");
    assert!(setup.contains("<h2 id=\"setup\">") && setup.contains("<h2 id=\"use\">"), "a `#` line in code is no h1");
    assert!(setup.contains("# install the tools"), "and stays in the code block");
    let guide = b.read("wiki/guide/index.html");
    assert!(guide.contains("<h2 id=\"guide\">"), "a setext h1 is an h1: moved down");
    assert!(guide.contains("<h3 id=\"setup\">") && guide.contains("<h3 id=\"use\">"), "{guide}");
}

#[test]
fn links_assets_and_backlinks_resolve() {
    let b = build();
    let story = b.read("stories/first/index.html");
    assert!(story.contains("src=\"/stories/diagram.svg\""), "image beside the page");
    assert!(story.contains("href=\"/meetings/2026/weekly-lab/\""), "relative .md link");
    assert!(story.contains("href=\"/wiki/peer/ground-rules/#be-kind\""), "wikilink to a heading");
    assert!(story.contains("href=\"/meetings/2026/past/\""), "the story's meeting");
    let rules = b.read("wiki/peer/ground-rules/index.html");
    assert!(rules.contains("Our first circle"), "backlink from the story");
    let article = b.read("articles/handbook/index.html");
    assert!(article.contains("href=\"https://www.p2pu.org/\" class=\"external\""));
    assert!(article.contains("https://example.org/handbook.pdf"));
    let home = b.read("index.html");
    assert!(home.contains("href=\"/how-it-works/\""), "home intro wikilink");
}

#[test]
fn meetings_show_local_times_series_and_status() {
    let b = build();
    let lab = b.read("meetings/2026/weekly-lab/index.html");
    assert!(lab.contains("14:00–15:30 PST"), "before the DST change");
    assert!(lab.contains("Thu 18 Mar 2027, 14:00–15:30 PDT"), "after it, same wall time");
    assert!(lab.contains("Thu 4 Mar 2027"), "the excepted date is listed");
    assert!(lab.contains("skipped"), "and marked skipped");
    assert!(lab.contains("https://meet.example.org/lab"));
    let ny = b.read("meetings/2026/ny/index.html");
    assert!(ny.contains("10:00–11:30 EST"), "in the group's zone");
    let day = b.read("meetings/2027/learning-day/index.html");
    assert!(day.contains("Fri 22 Jan 2027 (all day)"));
    let cancelled = b.read("meetings/2026/cancelled/index.html");
    assert!(cancelled.to_lowercase().contains("cancelled"));
    assert!(cancelled.contains("<b>for</b>"), "raw HTML in the markdown body is kept");
    let east = b.read("groups/east/index.html");
    assert!(east.contains("Storytime swap"), "a meeting shared by two groups shows on both");
    assert!(b.read("groups/alma/index.html").contains("Storytime swap"));
    let upcoming = b.read("meetings/index.html");
    let past = b.read("meetings/past/index.html");
    assert!(past.contains("Normalization rules") && !upcoming.contains("Normalization rules"));
    assert!(
        upcoming.contains("data-start=\"2027-02-18T22:00:00Z\""),
        "machine-readable start for the stale-page script"
    );
    assert!(b.read("groups/rda/index.html").to_lowercase().contains("archived"));
}

#[test]
fn references_point_at_the_right_group_whatever_the_order() {
    let b = build();
    let club = b.read("meetings/2026/book-club/index.html");
    assert!(club.contains("href=\"/groups/zeta/\""), "{club}");
    assert!(b.read("groups/zeta/index.html").contains("Book club night"));
    assert!(!b.read("groups/alma/index.html").contains("Book club night"));
    assert!(b.read("meetings/2026/ny/index.html").contains("href=\"/groups/east/\""));
    let groups = b.read("groups/index.html");
    let (aardvark, alma) = (groups.find("Aardvark Readers").unwrap(), groups.find("Alma Circle").unwrap());
    assert!(aardvark < alma, "groups are listed by title");
}

#[test]
fn feeds_and_sitemap_use_the_base_url() {
    let b = build();
    let atom = b.read("atom.xml");
    assert!(atom.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">"));
    assert!(atom.contains("<id>https://learn.example.org/stories/first/</id>"));
    let group_feed = b.read("groups/alma/atom.xml");
    assert!(group_feed.contains("Facilitator handbook") && !group_feed.contains("Licensing basics"));
    let sitemap = b.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://learn.example.org/wiki/peer/ground-rules/</loc>"));
    assert!(b.read("robots.txt").contains("Sitemap: https://learn.example.org/sitemap.xml"));
}

#[test]
fn a_base_url_with_a_path_prefixes_every_link() {
    let b = build_with(&fixture(), |o| o.base_url = Some("https://x.example.org/circles/".into()));
    let home = b.read("index.html");
    assert!(home.contains("href=\"/circles/static/style.css\""), "{home}");
    // The page script is a static file of its own (cached once, not repeated in every page).
    assert!(home.contains("<script src=\"/circles/static/site.js\" defer></script>"), "{home}");
    assert!(b.read("static/site.js").contains("data-upcoming"));
    assert!(home.contains("href=\"/circles/how-it-works/\""));
    assert!(b.read("sitemap.xml").contains("<loc>https://x.example.org/circles/groups/alma/</loc>"));
}

#[test]
fn output_is_reproducible() {
    let a = build();
    let b = build();
    let files: Vec<PathBuf> =
        walkdir::WalkDir::new(&a.out).into_iter().map(|e| e.unwrap().into_path()).filter(|p| p.is_file()).collect();
    assert!(files.len() > 30);
    // The manifest holds the files' times, which differ between the two builds.
    let files = files.into_iter().filter(|f| !f.ends_with(".moot-manifest"));
    for f in files {
        let rel = f.strip_prefix(&a.out).unwrap();
        assert_eq!(std::fs::read(&f).unwrap(), std::fs::read(b.out.join(rel)).unwrap(), "{}", rel.display());
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let b = build();
    let before = b.read("index.html");
    let broken = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid/bad_date");
    let err = moot::build(&options(&broken, &b.out)).unwrap_err();
    assert!(err.to_string().contains("is not a date"));
    assert_eq!(b.read("index.html"), before);
}

#[test]
fn check_reports_missing_wikilinks_as_errors() {
    let mut o = options(&fixture(), Path::new("/nonexistent"));
    o.check_only = true;
    let err = moot::build(&o).unwrap_err().to_string();
    assert!(
        err.contains("content/wiki/peer/ground-rules.md:26:1: error: wikilink [[Missing page]] leads to no page"),
        "{err}"
    );
    // and `build` only warns
    let dir = tempfile::tempdir().unwrap();
    let report = moot::build(&options(&fixture(), &dir.path().join("p"))).unwrap();
    assert!(report.warnings.iter().any(|w| w.message.contains("[[Missing page]]")));
}

#[test]
fn front_matter_is_escaped_everywhere() {
    let s = site(&[
        ("content/groups/g.md", "---\ntitle: \"<script>alert(1)</script> & friends\"\nleaders: [\"<b>Bo</b>\"]\n---\nBody\n"),
        ("content/meetings/m.md", "---\ntitle: \"Meet \\\"quotes\\\" <i>\"\ngroup: g\nstart: \"2026-12-03 14:00\"\nlocation: \"<img src=x onerror=alert(1)>\"\n---\n"),
    ]);
    let b = build_with(s.path(), |_| {});
    for f in [
        "groups/g/index.html",
        "meetings/m/index.html",
        "index.html",
        "groups/index.html",
        "atom.xml",
        "meetings/index.html",
    ] {
        let text = b.read(f);
        assert!(!text.contains("<script>alert"), "{f}");
        assert!(!text.contains("<img src=x"), "{f}");
        assert!(!text.contains("<b>Bo</b>"), "{f}");
    }
    assert!(b.read("groups/g/index.html").contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; friends"));
}

#[test]
fn long_lists_are_paginated() {
    let mut files: Vec<(String, String)> = vec![("content/groups/g.md".into(), "---\ntitle: \"G\"\n---\n".into())];
    for i in 0..75 {
        files.push((
            format!("content/meetings/m{i:02}.md"),
            format!("---\ntitle: \"Meeting {i}\"\ngroup: g\nstart: \"2027-01-{:02} 10:00\"\n---\n", i % 28 + 1),
        ));
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let s = site(&refs);
    let b = build_with(s.path(), |_| {});
    assert!(b.exists("groups/g/meetings/page/3/index.html"));
    assert!(!b.exists("groups/g/meetings/page/4/index.html"));
    assert!(b.exists("meetings/page/3/index.html"));
    assert!(b.read("meetings/index.html").contains("href=\"/meetings/page/2/\""));
    let group = b.read("groups/g/index.html");
    assert!(group.contains("href=\"/groups/g/meetings/\""), "the group page links to all its meetings");
    assert!(group.matches("data-start=").count() <= 20, "and shows only a few itself");
}

#[test]
fn a_list_of_past_and_upcoming_dates_marks_only_the_upcoming_ones() {
    // 40 meetings after the build's "now" (2026-11-25) and 35 before: a group list of 3 pages.
    let mut files: Vec<(String, String)> = vec![("content/groups/g.md".into(), "---\ntitle: \"G\"\n---\n".into())];
    for i in 0..75 {
        let start = if i < 40 {
            format!("2027-{:02}-{:02} 10:00", i / 20 + 1, i % 20 + 1)
        } else {
            format!("2025-{:02}-{:02} 10:00", (i - 40) / 20 + 1, i % 20 + 1)
        };
        files.push((
            format!("content/meetings/m{i:02}.md"),
            format!("---\ntitle: \"Meeting {i}\"\ngroup: g\nstart: \"{start}\"\n---\n"),
        ));
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let s = site(&refs);
    let b = build_with(s.path(), |_| {});
    // The page script hides passed dates in lists marked data-upcoming, so only those may be.
    let marked = "<ol class=\"occurrences\" data-upcoming>";
    let page1 = b.read("groups/g/meetings/index.html");
    assert_eq!(page1.matches(marked).count(), 2, "January and February 2027 are upcoming");
    assert!(!page1.contains("<h2>Past meetings</h2>"));
    let page2 = b.read("groups/g/meetings/page/2/index.html");
    let (upcoming, past) = page2.split_once("<h2>Past meetings</h2>").expect("page 2 holds both, under headings");
    assert!(upcoming.contains("<h2>Upcoming meetings</h2>") && upcoming.contains(marked));
    assert!(!past.contains(marked) && past.contains("January 2025"), "{past}");
    let page3 = b.read("groups/g/meetings/page/3/index.html");
    assert!(!page3.contains(marked) && page3.contains("2025"));
    assert_eq!(page3.matches("<h2 class=\"month-title\">").count(), 1, "one month, February 2025");
}

#[test]
fn a_site_theme_overrides_single_templates() {
    let s = site(&[
        ("moot.toml", "title = \"T\"\nbase_url = \"https://t.example.org\"\ntheme = \"mine\"\n"),
        ("content/about.md", "---\ntitle: \"About us\"\n---\nHello\n"),
        (
            "themes/mine/templates/page.html",
            "<!DOCTYPE html><title>{{ page.title }}</title><p class=\"mine\">{{ page.html | safe }}</p>\n",
        ),
        ("themes/mine/static/extra.css", "body{}\n"),
        ("themes/mine/static/style.css", "/* mine */\n"),
    ]);
    let b = build_with(s.path(), |_| {});
    assert!(b.read("about/index.html").starts_with("<!DOCTYPE html><title>About us</title><p class=\"mine\">"));
    assert!(
        b.read("groups/index.html").contains("static/style.css"),
        "other templates fall back to the built-in theme"
    );
    assert!(b.exists("static/extra.css"));
    assert_eq!(b.read("static/style.css"), "/* mine */\n", "a theme's static file replaces the built-in one");
}

#[test]
fn a_theme_nav_component_is_what_every_page_shows() {
    // The pages show `nav` as rendered once per build (site.nav): a theme's own component.
    let builtin = include_str!("../themes/default/templates/components.html");
    let (before, rest) = builtin.split_once("{% component nav(").unwrap();
    let (_, after) = rest.split_once("{% endcomponent nav %}").unwrap();
    let mine = format!(
        "{before}{{% component nav(base, current=\"\") %}}<nav class=\"mine\">{{{{ base }}}}|{{{{ current }}}}</nav>{{% endcomponent nav %}}{after}"
    );
    let toml = "title = \"T\"\nbase_url = \"https://t.example.org/club\"\ntheme = \"mine\"\n";
    let s = site(&[
        ("moot.toml", toml),
        ("content/about.md", "---\ntitle: \"About us\"\n---\nHello\n"),
        ("content/groups/g.md", "---\ntitle: \"G\"\n---\n"),
        ("themes/mine/templates/components.html", &mine),
    ]);
    let b = build_with(s.path(), |_| {});
    for (page, nav) in [
        ("about/index.html", "|"),
        ("index.html", "|home"),
        ("groups/g/index.html", "|groups"),
        ("meetings/index.html", "|meetings"),
        ("calendar/index.html", "|calendar"),
        ("wiki/index.html", "|wiki"),
        ("tags/index.html", "|tags"),
    ] {
        assert!(b.read(page).contains(&format!("<nav class=\"mine\">/club{nav}</nav>")), "{page}");
    }

    // A `nav` that cannot be called as the pages call it: its error, in the theme's file.
    let broken = mine.replace("nav(base, current=\"\")", "nav(base)").replace("{{ current }}", "");
    let s = site(&[("moot.toml", toml), ("themes/mine/templates/components.html", &broken)]);
    let dir = tempfile::tempdir().unwrap();
    let err = moot::build(&options(s.path(), &dir.path().join("p"))).unwrap_err().to_string();
    assert!(
        err.starts_with(
            "themes/mine/templates/components.html: error: Unknown argument(s) `current` in component call"
        ),
        "{err}"
    );
    assert!(err.contains("once per section, and show it as site.nav"), "{err}");

    // A theme's page that does not show site.nav keeps its own errors.
    let s = site(&[
        ("moot.toml", toml),
        ("content/about.md", "---\ntitle: \"About us\"\n---\nHello\n"),
        ("themes/mine/templates/components.html", &broken),
        ("themes/mine/templates/page.html", "<p>{{ page.titel }}</p>\n"),
    ]);
    let err = moot::build(&options(s.path(), &dir.path().join("q"))).unwrap_err().to_string();
    assert!(err.contains("themes/mine/templates/page.html:1:"), "{err}");
    assert!(err.contains("titel"), "{err}");
}

#[test]
fn template_errors_name_the_template_and_line() {
    let s = site(&[
        ("moot.toml", "title = \"T\"\nbase_url = \"https://t.example.org\"\ntheme = \"mine\"\n"),
        ("themes/mine/templates/page.html", "<p>\n{{ page.title \n</p>\n"),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let err = moot::build(&options(s.path(), &dir.path().join("p"))).unwrap_err().to_string();
    assert!(err.contains("themes/mine/templates/page.html:3:"), "{err}");
    assert!(err.contains("expected }}"), "{err}");

    // An error while rendering (here a field no page has) names the template and line too.
    let s = site(&[
        ("moot.toml", "title = \"T\"\nbase_url = \"https://t.example.org\"\ntheme = \"mine\"\n"),
        ("content/about.md", "---\ntitle: \"About us\"\n---\nHello\n"),
        ("themes/mine/templates/page.html", "<p>\n{{ page.title }}\n{{ page.no_such_field }}</p>\n"),
    ]);
    let err = moot::build(&options(s.path(), &dir.path().join("q"))).unwrap_err().to_string();
    assert!(err.contains("themes/mine/templates/page.html:3:"), "{err}");
    assert!(err.contains("no_such_field"), "{err}");
}

fn moot(args: &[&str], cwd: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_moot"))
        .args(args)
        .current_dir(cwd)
        .env("SOURCE_DATE_EPOCH", NOW.to_string())
        .output()
        .unwrap()
}

#[test]
fn init_new_build_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let r = moot(&["init", root.to_str().unwrap()], dir.path());
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let r =
        moot(&["new", "meeting", "Alma: sets & jobs", "--group", "first-group", "--start", "2027-01-12 14:00"], &root);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let text = std::fs::read_to_string(root.join("content/meetings/2027/alma-sets-jobs.md")).unwrap();
    assert!(
        text.contains("title: \"Alma: sets & jobs\"")
            && text.contains("group: \"first-group\"")
            && text.contains("start: \"2027-01-12 14:00\""),
        "{text}"
    );
    let again =
        moot(&["new", "meeting", "Alma: sets & jobs", "--group", "first-group", "--start", "2027-01-12 14:00"], &root);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let bad = moot(&["new", "meeting", "X", "--group", "nope"], &root);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("there is no group \"nope\""));
    let r = moot(&["new", "story", "We did it", "--group", "first-group"], &root);
    assert!(r.status.success());
    let r = moot(&["build"], &root);
    let out = String::from_utf8_lossy(&r.stdout);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(out.contains("built into") && out.contains("2 meetings") && out.contains("ms"), "{out}");
    assert!(root.join("public/meetings/2027/alma-sets-jobs/index.html").exists());
    assert!(root.join("public/.moot-manifest").exists());
    let ignored = std::fs::read_to_string(root.join(".gitignore")).unwrap();
    assert!(
        ignored.lines().any(|l| l == "/public/") && ignored.lines().any(|l| l == "/.public.moot-new/"),
        "{ignored}"
    );
    let r = moot(&["check"], &root);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
}

#[test]
fn a_rebuild_writes_only_what_changed_and_removes_what_is_gone() {
    let s = site(&[
        ("content/about.md", "---\ntitle: \"About\"\n---\nHello\n"),
        ("content/wiki/a.md", "---\ntitle: \"A\"\n---\nSee [[About]].\n"),
        ("content/wiki/b.md", "---\ntitle: \"B\"\n---\nBee\n"),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let first = moot::build(&options(s.path(), &out)).unwrap();
    assert_eq!(first.written, first.files, "a new folder is written whole");
    let manifest = out.join(".moot-manifest");
    let time_of = |p: &Path| std::fs::metadata(p).unwrap().modified().unwrap();
    let listed = time_of(&manifest);
    let again = moot::build(&options(s.path(), &out)).unwrap();
    assert_eq!(again.written, 0, "nothing changed, nothing written");
    assert_eq!(time_of(&manifest), listed, "nor the manifest, which lists the same");
    std::fs::write(s.path().join("content/wiki/b.md"), "---\ntitle: \"B\"\n---\nBee, edited\n").unwrap();
    std::fs::remove_file(s.path().join("content/about.md")).unwrap();
    std::fs::write(s.path().join("content/wiki/a.md"), "---\ntitle: \"A\"\n---\nNo link now.\n").unwrap();
    let edited = moot::build(&options(s.path(), &out)).unwrap();
    assert!(edited.written > 0 && edited.written < edited.files, "{edited:?}");
    assert_ne!(time_of(&manifest), listed, "the manifest lists the new files");
    assert!(std::fs::read_to_string(out.join("wiki/b/index.html")).unwrap().contains("Bee, edited"));
    assert!(!out.join("about").exists(), "the page of a deleted file is removed");
    // the result is the same as a fresh build
    let fresh = dir.path().join("fresh");
    moot::build(&options(s.path(), &fresh)).unwrap();
    assert!(outputs(&out) == outputs(&fresh), "an updated folder equals a fresh build");
}

#[test]
fn big_changed_outputs_are_staged_in_the_work_folder_and_moved_in_only_when_the_build_succeeds() {
    // A meeting whose page and .ics are each over 1 MB: a rebuild writes them to
    // `public/.moot-tmp/` in its first pass and moves them into place in its second. (The
    // site's calendar holds the start of its text only.)
    let body =
        |word: &str| (0..40_000).map(|i| format!("{word}{i:06} and a few more words ")).collect::<String>() + "\n";
    let meeting = |word: &str| format!("---\ntitle: \"Big\"\nstart: \"2026-12-01 10:00\"\n---\n{}", body(word));
    let s =
        site(&[("content/meetings/big.md", &meeting("alpha")), ("content/wiki/a.md", "---\ntitle: \"A\"\n---\nAy\n")]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let stage = out.join(".moot-tmp");
    moot::build(&options(s.path(), &out)).unwrap();
    let size = std::fs::metadata(out.join("meetings/big.ics")).unwrap().len();
    assert!(size > 1 << 20, "{size}");

    std::fs::write(s.path().join("content/meetings/big.md"), meeting("omega")).unwrap();
    let edited = moot::build(&options(s.path(), &out)).unwrap();
    assert!(!stage.exists(), "the stage folder is removed after the build");
    for file in ["meetings/big.ics", "meetings/big/index.html"] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        assert!(text.contains("omega039999") && !text.contains("alpha"), "{file} is not the new one");
    }
    let site_feed = std::fs::read_to_string(out.join("calendar.ics")).unwrap();
    assert!(site_feed.contains("omega000000") && !site_feed.contains("alpha"), "the site's feed is the new one");
    assert!(edited.written >= 3 && edited.written < edited.files, "{edited:?}");
    let fresh = dir.path().join("fresh");
    moot::build(&options(s.path(), &fresh)).unwrap();
    assert!(outputs(&out) == outputs(&fresh), "an updated folder equals a fresh build");
    assert_eq!(moot::build(&options(s.path(), &out)).unwrap().written, 0, "the manifest holds the moved files");

    // A build that fails after staging leaves the folder as it was and no stage behind.
    std::fs::write(s.path().join("content/meetings/big.md"), meeting("kappa")).unwrap();
    std::fs::write(
        s.path().join("content/meetings/past.md"),
        "---\ntitle: \"Clash\"\nstart: \"2026-12-02 10:00\"\n---\n",
    )
    .unwrap();
    let err = moot::build(&options(s.path(), &out)).unwrap_err().to_string();
    assert!(err.contains("two outputs would be written to meetings/past/index.html"), "{err}");
    assert!(!stage.exists(), "a failed build removes the stage folder");
    assert!(
        std::fs::read_to_string(out.join("meetings/big.ics")).unwrap().contains("omega039999"),
        "the folder is untouched"
    );
    assert!(outputs(&out) == outputs(&fresh));
}

#[test]
fn the_manifest_spares_reading_files_back_but_a_file_changed_by_hand_is_rewritten() {
    let s = site(&[
        ("content/wiki/a.md", "---\ntitle: \"A\"\n---\nAy\n"),
        ("content/wiki/b.md", "---\ntitle: \"B\"\n---\nBee\n"),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let manifest = out.join(".moot-manifest");
    moot::build(&options(s.path(), &out)).unwrap();
    let listed = std::fs::read_to_string(&manifest).unwrap();
    assert!(listed.starts_with("moot manifest 3\n") && listed.contains(" wiki/a/index.html\n"), "{listed}");
    // Changed by hand, same size: its time differs from the manifest's, so it is compared.
    let page = out.join("wiki/a/index.html");
    let good = std::fs::read(&page).unwrap();
    let mut bad = good.clone();
    let at = bad.iter().position(|&b| b == b'A').unwrap();
    bad[at] = b'Z';
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&page, &bad).unwrap();
    let again = moot::build(&options(s.path(), &out)).unwrap();
    assert_eq!(again.written, 1, "{again:?}");
    assert_eq!(std::fs::read(&page).unwrap(), good);
    // A page gone, and a copied file: the manifest says what to remove, folders included.
    std::fs::create_dir_all(s.path().join("static")).unwrap();
    std::fs::write(s.path().join("static/extra.css"), "p {}").unwrap();
    moot::build(&options(s.path(), &out)).unwrap();
    assert!(out.join("extra.css").exists());
    std::fs::remove_file(s.path().join("static/extra.css")).unwrap();
    std::fs::remove_file(s.path().join("content/wiki/b.md")).unwrap();
    moot::build(&options(s.path(), &out)).unwrap();
    assert!(!out.join("extra.css").exists(), "a copied file no longer in the site is removed");
    assert!(!out.join("wiki/b").exists());
    assert!(!std::fs::read_to_string(&manifest).unwrap().contains("wiki/b/"));
    // A broken manifest is not trusted: the folder is refused until --force, which compares
    // files byte for byte and makes the manifest again.
    std::fs::write(&manifest, "not a manifest").unwrap();
    let err = moot::build(&options(s.path(), &out)).unwrap_err().to_string();
    assert!(
        err.contains(
            "warning: ignoring moot's manifest of this folder: it was cut short, edited or written by another program"
        ),
        "{err}"
    );
    assert!(err.contains("error: refusing to build into this folder: it holds files moot did not make (404.html, articles, atom.xml and"), "{err}");
    let mut forced = options(s.path(), &out);
    forced.force = true;
    assert_eq!(moot::build(&forced).unwrap().written, 0);
    assert!(std::fs::read_to_string(&manifest).unwrap().starts_with("moot manifest 3"));
}

#[test]
fn an_ambiguous_local_time_is_a_warning_that_says_what_was_chosen() {
    let s = site(&[("content/meetings/m.md", "---\ntitle: \"Early\"\nstart: \"2026-10-25 01:30\"\n---\n")]);
    let dir = tempfile::tempdir().unwrap();
    let report = moot::build(&options(s.path(), &dir.path().join("p"))).unwrap();
    let w: Vec<String> = report.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        w,
        ["content/meetings/m.md:3:1: warning: 2026-10-25T01:30:00 happens twice in Europe/London (clocks go back); \
          the first one, 01:30 BST (+01), was chosen\n  hint: write the time with its offset to choose the second one, \
          e.g. 2027-11-07T01:30:00-08:00"]
    );
}

/// RFC 5545 3.3.5 on the site and in the feed alike: a time in a gap moves forward by the
/// gap, a time in a fold is the first unless an offset says otherwise, and where a local time
/// could be read two ways the feed writes the instant (UTC).
#[test]
fn gaps_and_folds_read_the_same_on_the_site_and_in_the_feed() {
    let la = |name: &str, front: &str| {
        (
            format!("content/meetings/{name}.md"),
            format!("---\ntitle: \"{name}\"\ntimezone: America/Los_Angeles\n{front}---\n"),
        )
    };
    let files = [
        la("gap", "start: \"2027-03-14 02:30\"\n"),
        la("fold", "start: \"2027-11-07 01:30\"\nduration: \"1h\"\n"),
        la("second", "start: \"2027-11-07T01:30:00-08:00\"\nduration: \"1h\"\n"),
        la("weekly", "start: \"2027-03-07 02:30\"\nrepeat: \"FREQ=WEEKLY;COUNT=3\"\nduration: \"1h\"\n"),
    ];
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let s = site(&files);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p");
    let report = moot::build(&options(s.path(), &out)).unwrap();
    let w: Vec<String> = report.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        w,
        [
            "content/meetings/fold.md:4:1: warning: 2027-11-07T01:30:00 happens twice in America/Los_Angeles (clocks go \
             back); the first one, 01:30 PDT (-07), was chosen\n  hint: write the time with its offset to choose the \
             second one, e.g. 2027-11-07T01:30:00-08:00",
            "content/meetings/gap.md:4:1: warning: 2027-03-14T02:30:00 does not exist in America/Los_Angeles (clocks go \
             forward at that hour); it is taken as 03:30 PDT, as calendar programs take it\n  hint: write the time that \
             is meant, e.g. the hour after",
        ]
    );
    let ics = |name: &str| std::fs::read_to_string(out.join(format!("meetings/{name}.ics"))).unwrap();
    let html = |name: &str| std::fs::read_to_string(out.join(format!("meetings/{name}/index.html"))).unwrap();
    // The gap: 03:30 PDT, written as the local time that exists.
    assert!(ics("gap").contains("DTSTART;TZID=America/Los_Angeles:20270314T033000\r\n"), "{}", ics("gap"));
    assert!(html("gap").contains("Sun 14 Mar 2027, 03:30–05:30 PDT"), "{}", html("gap"));
    // The fold: the first 01:30 (PDT, 08:30Z) and the end an hour later (01:30 PST): both
    // local times could be read two ways, so both are instants, and DTEND is after DTSTART.
    let fold = ics("fold");
    assert!(fold.contains("DTSTART:20271107T083000Z\r\nDTEND:20271107T093000Z\r\n"), "{fold}");
    assert!(html("fold").contains("Sun 7 Nov 2027, 01:30 PDT – 01:30 PST"), "{}", html("fold"));
    // An offset chooses the second 01:30 (PST, 09:30Z); its end, 02:30 PST, happens once.
    let second = ics("second");
    assert!(
        second.contains("DTSTART:20271107T093000Z\r\nDTEND;TZID=America/Los_Angeles:20271107T023000\r\n"),
        "{second}"
    );
    assert!(html("second").contains("Sun 7 Nov 2027, 01:30–02:30 PST"), "{}", html("second"));
    // A series: the session in the gap is 03:30 PDT on the site; the feed keeps the rule's
    // local time (readers move it forward as RFC 5545 says).
    let weekly = html("weekly");
    assert!(weekly.contains("Sun 14 Mar 2027, 03:30–04:30 PDT"), "{weekly}");
    assert!(
        ics("weekly").contains(
            "DTSTART;TZID=America/Los_Angeles:20270307T023000\r\nDTEND;TZID=America/Los_Angeles:20270307T033000\r\n"
        ),
        "{}",
        ics("weekly")
    );
}

#[test]
fn a_published_page_linking_to_a_draft_is_reported() {
    let s = site(&[
        ("content/wiki/a.md", "---\ntitle: \"A\"\n---\nSee [[Plan]].\n"),
        ("content/wiki/plan.md", "---\ntitle: \"Plan\"\ndraft: true\n---\nComing soon.\n"),
    ]);
    for drafts in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let mut o = options(s.path(), &dir.path().join("p"));
        o.drafts = drafts;
        let report = moot::build(&o).unwrap();
        assert!(
            report.warnings.iter().any(|w| w
                .to_string()
                .starts_with("content/wiki/a.md:4:1: warning: wikilink [[Plan]] leads to a draft page")),
            "drafts={drafts}: {:?}",
            report.warnings
        );
        if drafts {
            let plan = std::fs::read_to_string(dir.path().join("p/wiki/plan/index.html")).unwrap();
            assert!(plan.contains("work in progress"), "drafts carry a banner");
        }
    }
}

#[test]
fn a_groups_next_meeting_is_never_a_cancelled_one() {
    // Alma's soonest upcoming meeting (15 Dec, "Holiday pop-up") is cancelled.
    let b = build();
    let groups = b.read("groups/index.html");
    let alma = &groups[groups.find("href=\"/groups/alma/\"").expect("alma's card")..];
    let next = &alma[alma.find("Next meeting").expect("a next meeting")..];
    let next = &next[..next.find("</dd>").unwrap()];
    assert!(!next.contains("15 Dec 2026"), "{next}");
    assert!(next.contains("Tue 5 Jan 2027"), "{next}");
}

/// The JSON-LD blocks of a page, parsed.
fn json_ld(html: &str) -> Vec<serde_json::Value> {
    let open = "<script type=\"application/ld+json\">";
    html.match_indices(open)
        .map(|(i, _)| {
            let text = &html[i + open.len()..];
            let text = &text[..text.find("</script>").expect("the script ends")];
            serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
        })
        .collect()
}

#[test]
fn meeting_pages_describe_their_events_for_search_engines() {
    let b = build();
    // A weekly series of 8 with one date left out: one Event per session of the next year.
    let lab = json_ld(&b.read("meetings/2026/weekly-lab/index.html"));
    assert_eq!(lab.len(), 1);
    let events = lab[0].as_array().expect("a series is a list of events");
    assert_eq!(events.len(), 7, "{lab:?}");
    let starts: Vec<&str> = events.iter().map(|e| e["startDate"].as_str().unwrap()).collect();
    assert_eq!(starts[0], "2027-02-18T14:00:00-08:00");
    assert!(!starts.iter().any(|s| s.starts_with("2027-03-04")), "the date left out: {starts:?}");
    for e in events {
        assert_eq!(e["@context"], "https://schema.org");
        assert_eq!(e["@type"], "Event");
        assert_eq!(e["name"], "Screen reader lab");
        let (start, end) = (e["startDate"].as_str().unwrap(), e["endDate"].as_str().unwrap());
        assert!(end > start && (end.ends_with("-08:00") || end.ends_with("-07:00")), "{start} {end}");
        assert_eq!(e["eventStatus"], "https://schema.org/EventScheduled");
        assert_eq!(e["eventAttendanceMode"], "https://schema.org/OnlineEventAttendanceMode");
        assert_eq!(e["location"]["@type"], "VirtualLocation");
        assert_eq!(e["location"]["url"], "https://meet.example.org/lab");
        assert_eq!(e["organizer"]["name"], "Alma Circle");
        assert_eq!(e["organizer"]["url"], "https://learn.example.org/groups/alma/");
        assert_eq!(e["performer"][0]["name"], "Ana Ruiz");
        assert_eq!(e["performer"][1]["name"], "Ben Ito");
        assert_eq!(e["url"], "https://learn.example.org/meetings/2026/weekly-lab/");
        assert_eq!(e["description"], "Practice with NVDA, see the circle.");
    }
    let cancelled = &json_ld(&b.read("meetings/2026/cancelled/index.html"))[0];
    assert_eq!(cancelled["eventStatus"], "https://schema.org/EventCancelled");
    assert_eq!(cancelled["startDate"], "2026-12-15T12:00:00-08:00");
    let home = &json_ld(&b.read("index.html"))[0];
    assert_eq!(home[0]["@type"], "WebSite");
    assert_eq!(home[0]["url"], "https://learn.example.org/");
    assert_eq!(home[1]["@type"], "Organization");
}

#[test]
fn structured_data_cannot_end_its_script() {
    let s = site(&[(
        "content/meetings/x.md",
        "---\ntitle: \"</script><script>alert(1)</script>\"\nstart: \"2026-12-03 14:00\"\nlocation: \"A & B <room>\"\n---\n",
    )]);
    let b = build_with(s.path(), |_| {});
    let html = b.read("meetings/x/index.html");
    assert!(!html.contains("<script>alert"), "{html}");
    let event = &json_ld(&html)[0];
    assert_eq!(event["name"], "</script><script>alert(1)</script>");
    assert_eq!(event["location"]["name"], "A & B <room>");
    assert_eq!(event["eventAttendanceMode"], "https://schema.org/OfflineEventAttendanceMode");
}

#[test]
fn every_page_has_link_preview_tags() {
    let b = build();
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(&b.out) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|x| x != "html") {
            continue;
        }
        pages += 1;
        let rel = entry.path().strip_prefix(&b.out).unwrap().to_string_lossy().replace('\\', "/");
        let html = std::fs::read_to_string(entry.path()).unwrap();
        for tag in ["og:type", "og:title", "og:description", "og:site_name", "twitter:card"] {
            assert!(html.contains(&format!("\"{tag}\" content=\"")), "{rel}: no {tag}");
        }
        if rel == "404.html" {
            assert!(!html.contains("rel=\"canonical\""), "the 404 page answers at many addresses");
        } else {
            let url = format!("https://learn.example.org/{}", rel.trim_end_matches("index.html"));
            assert!(html.contains(&format!("<link rel=\"canonical\" href=\"{url}\">")), "{rel}: canonical {url}");
            assert!(html.contains(&format!("<meta property=\"og:url\" content=\"{url}\">")), "{rel}");
        }
    }
    assert!(pages > 40, "{pages} pages");
    let story = b.read("stories/first/index.html");
    assert!(story.contains("<meta property=\"og:type\" content=\"article\">"));
    assert!(story.contains("<meta property=\"og:title\" content=\"Our first circle\">"), "{story}");
}

/// A page without an image of its own shows the site's (`image` in moot.toml) in link previews.
#[test]
fn link_previews_fall_back_to_the_sites_image() {
    let s = site(&[
        ("moot.toml", "title = \"T\"\nbase_url = \"https://t.example.org/learn\"\nimage = \"/static/og-image.png\"\n"),
        ("content/wiki/plain.md", "---\ntitle: \"Plain\"\n---\nNo picture.\n"),
        (
            "content/wiki/pictured.md",
            "---\ntitle: \"Pictured\"\n---\n![A circle](https://img.example.org/circle.jpg)\n",
        ),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p");
    moot::build(&options(s.path(), &out)).unwrap();
    let read = |rel: &str| std::fs::read_to_string(out.join(rel)).unwrap();
    assert!(read("wiki/plain/index.html").contains("<meta property=\"og:image\" content=\"https://t.example.org/learn/static/og-image.png\">\n<meta name=\"twitter:card\" content=\"summary_large_image\">"));
    assert!(read("wiki/pictured/index.html")
        .contains("<meta property=\"og:image\" content=\"https://img.example.org/circle.jpg\">"));
    let bad = site(&[(
        "moot.toml",
        "title = \"T\"\nbase_url = \"https://t.example.org\"\nimage = \"javascript:alert(1)\"\n",
    )]);
    let err = moot::build(&options(bad.path(), &dir.path().join("q"))).unwrap_err().to_string();
    assert!(err.starts_with("moot.toml:3:1: error: `image` \"javascript:alert(1)\" is not an address on the site or the web: a `javascript:` URL could run code in the page"), "{err}");
}

#[test]
fn a_series_page_lists_its_dates_compactly_with_the_rest_behind_disclosures() {
    let b = build();
    let page = b.read("meetings/2026/weekly-lab/index.html");
    let dates = &page[page.find("class=\"series-dates\"").expect("a dates section")..];
    let dates = &dates[..dates.find("</section>").unwrap()];
    let (soon, rest) = dates.split_at(dates.find("<details class=\"more-dates\">").expect("a disclosure for the rest"));
    assert_eq!(soon.matches("<li ").count(), 6, "{soon}");
    assert!(soon
        .contains("<s>Thu 4 Mar 2027, 14:00–15:30 PST</s></time> <span class=\"label label-skipped\">Skipped</span>"));
    assert!(rest.contains("<summary>2 more upcoming dates</summary>"), "{rest}");
    assert_eq!(rest.matches("<li ").count(), 2, "{rest}");
    // "Add to calendar" comes before the dates, not after a wall of them.
    assert!(page.find("id=\"calendar-links\"").unwrap() < page.find("class=\"series-dates\"").unwrap());
}

#[test]
fn a_long_table_keeps_its_head_body_and_alignment_and_scrolls_in_a_focusable_box() {
    // 40 rows are more events than one chunk of the html writer: the body's cells used to
    // turn into head cells and lose their alignment past the first chunk.
    let rows: String = (0..40).map(|i| format!("| r{i} | {} | x |\n", "long ".repeat(30))).collect();
    let s =
        site(&[("content/wiki/t.md", &format!("---\ntitle: T\n---\n| a | b | c |\n|:--|--:|---|\n{rows}\nAfter.\n"))]);
    let b = build_with(s.path(), |_| {});
    let html = b.read("wiki/t/index.html");
    assert_eq!(html.matches("<th").count() - html.matches("<thead").count(), 3, "{html}");
    assert_eq!(html.matches("<td").count(), 120);
    assert_eq!(html.matches("style=\"text-align: right\"").count(), 41);
    assert_eq!(
        html.matches("<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Table\">").count(),
        1
    );
    assert!(html.contains("</table>\n</div>"), "{html}");
}

#[test]
fn init_takes_a_title_a_time_zone_and_an_address_and_starts_a_git_repository() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let r = moot(
        &[
            "init",
            "site",
            "--title",
            "Ça va \"club\"",
            "--timezone",
            "Europe/Paris",
            "--base-url",
            "https://circles.example.org/learn",
        ],
        dir.path(),
    );
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let config = std::fs::read_to_string(root.join("moot.toml")).unwrap();
    assert!(config.starts_with("title = 'Ça va \"club\"'\n"), "{config}");
    assert!(
        config.contains("timezone = \"Europe/Paris\"\n")
            && config.contains("base_url = \"https://circles.example.org/learn\"\n")
    );
    assert!(config.ends_with('\n'));
    if std::process::Command::new("git").arg("--version").output().is_ok() {
        assert!(root.join(".git").is_dir(), "a repository, for page history");
        assert!(String::from_utf8_lossy(&r.stdout).contains("started a git repository"));
    }
    let built = moot(&["build"], &root);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let home = std::fs::read_to_string(root.join("public/index.html")).unwrap();
    assert!(home.contains("<title>Ça va &quot;club&quot;</title>"), "{home}");
    assert!(home.contains("href=\"/learn/static/style.css\""));
    // A time zone that is not one: an error naming it, and nothing written.
    let bad = moot(&["init", "other", "--timezone", "Europe/Pariss"], dir.path());
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("--timezone \"Europe/Pariss\" is not a time zone: did you mean \"Europe/Paris\""), "{err}");
    assert!(!dir.path().join("other").exists());
    // --no-git: no repository.
    let r = moot(&["init", "plain", "--no-git"], dir.path());
    assert!(r.status.success());
    assert!(!dir.path().join("plain/.git").exists());
}

#[test]
fn task_list_boxes_are_named_for_screen_readers() {
    let b = build();
    let page = b.read("wiki/peer/ground-rules/index.html");
    assert!(
        page.contains("<li><input disabled=\"\" type=\"checkbox\" checked=\"\" aria-label=\"Done\"/>\ndone</li>"),
        "{page}"
    );
    assert!(page.contains("<li><input disabled=\"\" type=\"checkbox\" aria-label=\"Not done\"/>\ntodo</li>"));
}

#[test]
fn the_summary_counts_in_words() {
    let s = site(&[
        ("content/meetings/m.md", "---\ntitle: \"M\"\nstart: \"2027-01-02 10:00\"\n---\n"),
        ("content/stories/s.md", "---\ntitle: \"S\"\ndate: \"2026-10-01\"\n---\n"),
    ]);
    let r = moot(&["check"], s.path());
    let out = String::from_utf8_lossy(&r.stdout);
    assert!(
        out.starts_with("checked, no problems: 0 groups, 1 meeting, 1 story, 0 articles, 0 wiki pages, 0 pages;"),
        "{out}"
    );
}
