//! Page history from git, on a site in a temporary repository with several commits: last
//! updated, history pages, compare pages with diffs, renames, uncommitted edits, recent
//! changes, and `history = false`.

use jiff::Timestamp;
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str], author: &str, date: &str) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", author)
        .env("GIT_AUTHOR_EMAIL", "a@example.org")
        .env("GIT_COMMITTER_NAME", author)
        .env("GIT_COMMITTER_EMAIL", "a@example.org")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn site_in_git(config_extra: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    git(root, &["init", "-q", "-b", "main"], "x", "2026-10-01T10:00:00Z");
    write(root, "moot.toml", &format!("title = \"H\"\nbase_url = \"https://h.example.org\"\n{config_extra}"));
    write(root, "content/wiki/rules.md", "---\ntitle: \"Rules\"\n---\n\nBe kind.\n");
    write(root, "content/wiki/old-name.md", "---\ntitle: \"Renamed page\"\n---\n\nFirst text.\n");
    git(root, &["add", "-A"], "Ana Ruiz", "2026-10-01T10:00:00Z");
    git(root, &["commit", "-q", "-m", "Start the wiki"], "Ana Ruiz", "2026-10-01T10:00:00Z");
    write(root, "content/wiki/rules.md", "---\ntitle: \"Rules\"\n---\n\nBe kind.\nListen first.\n");
    git(root, &["commit", "-q", "-am", "Add a rule about listening"], "Ben Ito", "2026-10-05T10:00:00Z");
    git(root, &["mv", "content/wiki/old-name.md", "content/wiki/new-name.md"], "Ben Ito", "2026-10-06T10:00:00Z");
    git(root, &["commit", "-q", "-m", "Rename the page"], "Chidi Okafor", "2026-10-06T10:00:00Z");
    write(root, "content/wiki/rules.md", "---\ntitle: \"Rules\"\n---\n\nBe kind.\nListen first.\nNot committed yet.\n");
    d
}

fn build(root: &Path) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let mut o = moot::Options::new(root);
    o.output = out.path().join("public");
    o.now = Some(Timestamp::from_second(1_795_608_000).unwrap());
    moot::build(&o).unwrap_or_else(|e| panic!("{e}"));
    out
}

/// The revisions a history page links to (their short hashes), newest first.
fn revisions(history: &str, page: &str) -> Vec<String> {
    let prefix = format!("href=\"{page}history/");
    let mut shas: Vec<String> = history
        .split(&prefix)
        .skip(1)
        .filter_map(|rest| rest.split('/').next())
        .filter(|sha| sha.len() >= 7 && sha.chars().all(|c| c.is_ascii_hexdigit()))
        .map(str::to_string)
        .collect();
    shas.dedup();
    shas
}

fn read(out: &tempfile::TempDir, rel: &str) -> String {
    std::fs::read_to_string(out.path().join("public").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn pages_show_their_history_and_diffs() {
    let site = site_in_git("");
    let out = build(site.path());
    let rules = read(&out, "wiki/rules/index.html");
    assert!(
        rules.contains("Last updated <time datetime=\"2026-10-05T10:00:00Z\">5 October 2026</time> by Ben Ito"),
        "{rules}"
    );
    assert!(rules.contains("first published <time datetime=\"2026-10-01T10:00:00Z\">1 October 2026</time>"));
    assert!(rules.contains("not yet committed"), "uncommitted edits are shown");
    assert!(rules.contains("href=\"/wiki/rules/history/\""));
    let history = read(&out, "wiki/rules/history/index.html");
    assert!(history.contains("Add a rule about listening") && history.contains("Start the wiki"));
    assert!(
        history.find("Add a rule about listening").unwrap() < history.find("Start the wiki").unwrap(),
        "newest first"
    );
    let sha = revisions(&history, "/wiki/rules/")[0].clone();
    let compare = read(&out, &format!("wiki/rules/history/{sha}/index.html"));
    assert!(compare.contains("<tr class=\"diff-added\">") && compare.contains("<ins>Listen first.</ins>"), "{compare}");
    assert!(compare.contains("<tr class=\"diff-context\">") && compare.contains("Be kind."), "with context");
    assert!(compare.contains("Ben Ito"));
}

#[test]
fn renames_are_followed() {
    let site = site_in_git("");
    let out = build(site.path());
    let history = read(&out, "wiki/new-name/history/index.html");
    assert!(history.contains("Rename the page") && history.contains("Start the wiki"), "{history}");
    assert!(history.contains("renamed from wiki/old-name.md"));
}

#[test]
fn recent_changes_list_every_commit() {
    let site = site_in_git("");
    let out = build(site.path());
    let recent = read(&out, "recent-changes/index.html");
    for msg in ["Start the wiki", "Add a rule about listening", "Rename the page"] {
        assert!(recent.contains(msg), "{msg}");
    }
    assert!(recent.contains("href=\"/wiki/new-name/\""));
    let atom = read(&out, "recent-changes/atom.xml");
    assert!(atom.contains("<title>Rename the page</title>") && atom.contains("<name>Chidi Okafor</name>"));
}

#[test]
fn history_can_be_turned_off_and_is_absent_without_git() {
    let site = site_in_git("history = false\n");
    let out = build(site.path());
    assert!(!out.path().join("public/wiki/rules/history").exists());
    assert!(!out.path().join("public/recent-changes").exists());
    assert!(!read(&out, "wiki/rules/index.html").contains("Last updated"));
    let plain = tempfile::tempdir().unwrap();
    write(plain.path(), "moot.toml", "title = \"P\"\nbase_url = \"https://p.example.org\"\n");
    write(plain.path(), "content/wiki/a.md", "---\ntitle: \"A\"\n---\nText\n");
    let out = build(plain.path());
    assert!(!out.path().join("public/wiki/a/history").exists());
    assert!(read(&out, "wiki/a/index.html").contains("Text"));
}

#[test]
fn a_repository_without_a_commit_shows_every_page_as_not_yet_committed() {
    let d = tempfile::tempdir().unwrap();
    git(d.path(), &["init", "-q", "-b", "main"], "x", "2026-10-01T10:00:00Z");
    write(d.path(), "moot.toml", "title = \"N\"\nbase_url = \"https://n.example.org\"\n");
    write(d.path(), "content/wiki/a.md", "---\ntitle: \"A\"\n---\nText\n");
    let out = build(d.path());
    let page = read(&out, "wiki/a/index.html");
    assert!(page.contains("not yet committed") && !page.contains("Last updated"), "{page}");
    assert!(read(&out, "recent-changes/index.html").contains("Recent changes"));
}

/// Every output file of a build, by path (moot's manifest, which holds file times, left out).
fn outputs(out: &tempfile::TempDir) -> std::collections::BTreeMap<String, Vec<u8>> {
    let root = out.path().join("public");
    walkdir::WalkDir::new(&root)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file() && e.file_name() != ".moot-manifest")
        .map(|e| (e.path().strip_prefix(&root).unwrap().display().to_string(), std::fs::read(e.path()).unwrap()))
        .collect()
}

/// A build with the history cache (of an older commit, brought up to date) and one
/// without it give the same bytes, through new commits, a rename, a merge and an amend.
#[test]
fn the_history_cache_gives_what_a_full_read_gives() {
    let site = site_in_git("");
    let root = site.path();
    let cache = root.join(".git/moot-history");
    let same_as_without_cache = |step: &str| {
        let with = outputs(&build(root));
        let cached = std::fs::read_to_string(&cache).unwrap();
        std::fs::remove_file(&cache).unwrap();
        let without = outputs(&build(root));
        assert_eq!(with.keys().collect::<Vec<_>>(), without.keys().collect::<Vec<_>>(), "{step}");
        for (path, bytes) in &with {
            assert!(without[path] == *bytes, "{step}: {path} differs");
        }
        // Put the older cache back, for the next step to bring up to date.
        std::fs::write(&cache, cached).unwrap();
    };
    same_as_without_cache("first build");
    assert!(std::fs::read_to_string(&cache).unwrap().starts_with("moot history cache"));
    git(root, &["commit", "-q", "-am", "Commit the rule"], "Ana Ruiz", "2026-10-07T10:00:00Z");
    write(root, "content/wiki/more.md", "---\ntitle: \"More\"\n---\n\nMore.\n");
    git(root, &["add", "-A"], "Ana Ruiz", "2026-10-08T10:00:00Z");
    git(root, &["commit", "-q", "-m", "Add more"], "Ana Ruiz", "2026-10-08T10:00:00Z");
    same_as_without_cache("two new commits");
    git(root, &["mv", "content/wiki/more.md", "content/wiki/most.md"], "Ben Ito", "2026-10-09T10:00:00Z");
    git(root, &["commit", "-q", "-m", "Rename more"], "Ben Ito", "2026-10-09T10:00:00Z");
    same_as_without_cache("a rename");
    git(root, &["checkout", "-q", "-b", "side", "HEAD~2"], "x", "2026-10-10T10:00:00Z");
    write(root, "content/wiki/side.md", "---\ntitle: \"Side\"\n---\n\nSide.\n");
    git(root, &["add", "-A"], "Chidi Okafor", "2026-10-03T10:00:00Z");
    git(root, &["commit", "-q", "-m", "An older branch"], "Chidi Okafor", "2026-10-03T10:00:00Z");
    git(root, &["checkout", "-q", "main"], "x", "2026-10-10T10:00:00Z");
    same_as_without_cache("back on main");
    git(root, &["merge", "-q", "--no-edit", "side"], "Ana Ruiz", "2026-10-11T10:00:00Z");
    same_as_without_cache("a merge of older commits");
    git(root, &["commit", "-q", "--amend", "-m", "Merged, reworded"], "Ana Ruiz", "2026-10-12T10:00:00Z");
    same_as_without_cache("an amended commit");
}

#[test]
fn drafts_appear_nowhere_in_recent_changes() {
    let site = site_in_git("");
    let root = site.path();
    write(root, "content/wiki/secret-plan.md", "---\ntitle: \"Secret plan\"\ndraft: true\n---\n\nNot yet.\n");
    git(root, &["add", "content/wiki/secret-plan.md"], "Ana Ruiz", "2026-10-07T10:00:00Z");
    git(root, &["commit", "-q", "-m", "Draft the secret plan"], "Ana Ruiz", "2026-10-07T10:00:00Z");
    write(root, "content/wiki/secret-plan.md", "---\ntitle: \"Secret plan\"\ndraft: true\n---\n\nAlmost.\n");
    write(root, "content/wiki/rules.md", "---\ntitle: \"Rules\"\n---\n\nBe kind.\nListen first.\nAsk.\n");
    git(root, &["commit", "-q", "-am", "Ask, and more of the plan"], "Ben Ito", "2026-10-08T10:00:00Z");
    let out = build(root);
    for rel in ["recent-changes/index.html", "recent-changes/atom.xml"] {
        let text = read(&out, rel);
        for leak in ["secret-plan", "Secret plan", "Draft the secret plan", "draft"] {
            assert!(!text.contains(leak), "{rel} shows {leak:?}:\n{text}");
        }
        assert!(text.contains("Ask, and more of the plan"), "{rel}: a commit with a published page stays");
    }
    // With --drafts the draft is a page, and its edits are shown.
    let out = tempfile::tempdir().unwrap();
    let mut o = moot::Options::new(root);
    o.output = out.path().join("public");
    o.now = Some(Timestamp::from_second(1_795_608_000).unwrap());
    o.drafts = true;
    moot::build(&o).unwrap_or_else(|e| panic!("{e}"));
    let recent = read(&out, "recent-changes/index.html");
    assert!(recent.contains("Draft the secret plan") && recent.contains("Secret plan"), "{recent}");
}

#[test]
fn an_edited_line_marks_the_words_that_changed() {
    let site = site_in_git("");
    let root = site.path();
    write(root, "content/wiki/rules.md", "---\ntitle: \"Rules\"\n---\n\nBe very kind.\nListen first.\n");
    git(root, &["commit", "-q", "-am", "Kinder"], "Ana Ruiz", "2026-10-09T10:00:00Z");
    let out = build(root);
    let history = read(&out, "wiki/rules/history/index.html");
    let sha = revisions(&history, "/wiki/rules/")[0].clone();
    let compare = read(&out, &format!("wiki/rules/history/{sha}/index.html"));
    let removed = compare.lines().find(|l| l.contains("class=\"diff-removed\"")).expect("a removed line");
    let added = compare.lines().find(|l| l.contains("class=\"diff-added\"")).expect("an added line");
    assert!(removed.contains("<del>Be kind.</del>"), "nothing of the old line is gone but its place: {removed}");
    assert!(added.contains("<ins>Be <mark>very </mark>kind.</ins>"), "{added}");
    // A line only added (no removed partner) is not marked word by word.
    let first = revisions(&history, "/wiki/rules/").last().unwrap().clone();
    let created = read(&out, &format!("wiki/rules/history/{first}/index.html"));
    assert!(!created.contains("<mark>"), "{created}");
}

#[test]
fn a_page_has_a_feed_of_its_changes() {
    let site = site_in_git("");
    let out = build(site.path());
    let history = read(&out, "wiki/rules/history/index.html");
    assert!(history.contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Changes to Rules\" href=\"/wiki/rules/history/atom.xml\">"));
    let feed = read(&out, "wiki/rules/history/atom.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap_or_else(|e| panic!("{e}: {feed}"));
    let entries: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("entry")).collect();
    let titles: Vec<&str> = entries
        .iter()
        .map(|e| e.children().find(|c| c.has_tag_name("title")).and_then(|t| t.text()).unwrap_or(""))
        .collect();
    assert_eq!(titles, ["Add a rule about listening", "Start the wiki"], "newest first");
    for e in &entries {
        let href = e.children().find(|c| c.has_tag_name("link")).and_then(|l| l.attribute("href")).unwrap();
        assert!(href.starts_with("https://h.example.org/wiki/rules/history/") && href.ends_with('/'), "{href}");
        let rel = href.trim_start_matches("https://h.example.org/");
        assert!(out.path().join("public").join(rel).join("index.html").exists(), "{rel} is a compare page");
    }
    assert!(feed.contains("<title>Changes to Rules — H</title>"), "{feed}");
}

#[test]
fn a_compare_page_shows_the_text_as_it_was_after_its_change() {
    let site = site_in_git("");
    let out = build(site.path());
    let history = read(&out, "wiki/rules/history/index.html");
    let shas = revisions(&history, "/wiki/rules/");
    assert_eq!(shas.len(), 2, "{shas:?}");
    let text_of = |sha: &str| {
        let page = read(&out, &format!("wiki/rules/history/{sha}/index.html"));
        let at = page.find("<details class=\"as-it-was\">").unwrap_or_else(|| panic!("no text: {page}"));
        let code = &page[at..];
        code[code.find("<code>").unwrap() + 6..code.find("</code>").unwrap()].to_string()
    };
    assert_eq!(text_of(&shas[0]), "---\ntitle: &quot;Rules&quot;\n---\n\nBe kind.\nListen first.\n");
    assert_eq!(text_of(&shas[1]), "---\ntitle: &quot;Rules&quot;\n---\n\nBe kind.\n");
    // The renamed page: its text follows it through the rename.
    let renamed = read(&out, "wiki/new-name/history/index.html");
    let shas = revisions(&renamed, "/wiki/new-name/");
    assert_eq!(shas.len(), 2, "created, then renamed: {shas:?}");
    for sha in shas {
        let page = read(&out, &format!("wiki/new-name/history/{sha}/index.html"));
        assert!(page.contains("First text."), "{page}");
    }
}

/// Calendar programs that re-import a meeting see it as newer when its time, place or status
/// changed: SEQUENCE counts the commits that changed those fields, LAST-MODIFIED is the last
/// commit's time.
#[test]
fn a_meetings_sequence_grows_when_its_time_place_or_status_changes() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let meeting = |start: &str, location: &str, body: &str| {
        format!("---\ntitle: \"Lab\"\nstart: \"{start}\"\nlocation: \"{location}\"\n---\n{body}\n")
    };
    let commit = |msg: &str, date: &str| {
        git(root, &["add", "-A"], "Ana Ruiz", date);
        git(root, &["commit", "-q", "-m", msg], "Ana Ruiz", date);
    };
    let feed = |root: &Path| {
        let out = build(root);
        std::fs::read_to_string(out.path().join("public/meetings/lab.ics")).unwrap()
    };
    git(root, &["init", "-q", "-b", "main"], "x", "2026-10-01T10:00:00Z");
    write(root, "moot.toml", "title = \"H\"\nbase_url = \"https://h.example.org\"\n");
    write(root, "content/meetings/lab.md", &meeting("2027-01-12 14:00", "Room 1", "Bring a laptop."));
    commit("Add the lab", "2026-10-01T10:00:00Z");
    let first = feed(root);
    assert!(!first.contains("SEQUENCE:"), "a new meeting is SEQUENCE 0: {first}");
    assert!(first.contains("LAST-MODIFIED:20261001T100000Z\r\n"), "{first}");
    write(root, "content/meetings/lab.md", &meeting("2027-01-12 14:00", "Room 1", "Bring a laptop and a charger."));
    commit("Say what to bring", "2026-10-02T10:00:00Z");
    let text_only = feed(root);
    assert!(!text_only.contains("SEQUENCE:"), "a change of the text alone: {text_only}");
    assert!(text_only.contains("LAST-MODIFIED:20261002T100000Z\r\n"), "{text_only}");
    write(root, "content/meetings/lab.md", &meeting("2027-01-12 15:00", "Room 1", "Bring a laptop and a charger."));
    commit("An hour later", "2026-10-03T10:00:00Z");
    write(root, "content/meetings/lab.md", &meeting("2027-01-12 15:00", "Room 2", "Bring a laptop and a charger."));
    commit("Another room", "2026-10-04T10:00:00Z");
    let moved = feed(root);
    assert!(moved.contains("SEQUENCE:2\r\nLAST-MODIFIED:20261004T100000Z\r\n"), "{moved}");
}

/// A group's changes feed: the commits that changed its page or its meetings, stories and
/// articles, and no others.
#[test]
fn a_group_has_a_changes_feed_of_its_pages() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    git(root, &["init", "-q", "-b", "main"], "x", "2026-10-01T10:00:00Z");
    write(root, "moot.toml", "title = \"H\"\nbase_url = \"https://h.example.org\"\n");
    write(root, "content/groups/alma.md", "---\ntitle: \"Alma circle\"\n---\nWe catalog.\n");
    write(root, "content/groups/ref.md", "---\ntitle: \"Reference\"\n---\nWe answer.\n");
    write(root, "content/meetings/sets.md", "---\ntitle: \"Sets\"\ngroup: alma\nstart: \"2027-01-12 14:00\"\n---\n");
    git(root, &["add", "-A"], "Ana Ruiz", "2026-10-01T10:00:00Z");
    git(root, &["commit", "-q", "-m", "Start"], "Ana Ruiz", "2026-10-01T10:00:00Z");
    write(root, "content/meetings/sets.md", "---\ntitle: \"Sets\"\ngroup: alma\nstart: \"2027-01-12 15:00\"\n---\n");
    git(root, &["commit", "-q", "-am", "Sets an hour later"], "Ben Ito", "2026-10-02T10:00:00Z");
    write(root, "content/groups/ref.md", "---\ntitle: \"Reference\"\n---\nWe answer questions.\n");
    git(root, &["commit", "-q", "-am", "Reference says more"], "Ben Ito", "2026-10-03T10:00:00Z");
    let out = build(root);
    let feed = std::fs::read_to_string(out.path().join("public/groups/alma/changes.xml")).unwrap();
    assert!(feed.contains("<title>Changes to Alma circle — H</title>"), "{feed}");
    assert_eq!(feed.matches("<entry>").count(), 2, "{feed}");
    assert!(feed.contains("<title>Sets an hour later</title>") && feed.contains("<title>Start</title>"), "{feed}");
    assert!(!feed.contains("Reference says more"), "{feed}");
    assert!(feed.contains("<summary>Changed: Sets</summary>"), "{feed}");
    let page = std::fs::read_to_string(out.path().join("public/groups/alma/index.html")).unwrap();
    assert!(page.contains(
        "<a href=\"/groups/alma/changes.xml\" type=\"application/atom+xml\">Follow changes to its pages</a>"
    ));
}

/// A page with two revisions or more has revisions.json (each revision's text, for comparing
/// any two in the browser) and the form on its history page; a page with one has neither.
#[test]
fn pages_with_revisions_to_choose_from_have_their_texts_as_json() {
    let d = site_in_git("");
    let out = build(d.path());
    let json = std::fs::read_to_string(out.path().join("public/wiki/rules/history/revisions.json")).unwrap();
    let list: serde_json::Value = serde_json::from_str(&json).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["message"], "Add a rule about listening");
    assert_eq!(list[0]["text"], "---\ntitle: \"Rules\"\n---\n\nBe kind.\nListen first.\n");
    assert_eq!(list[1]["text"], "---\ntitle: \"Rules\"\n---\n\nBe kind.\n");
    assert!(!json.contains('<') && !json.contains('>'), "no text can close a tag: {json}");
    let history = std::fs::read_to_string(out.path().join("public/wiki/rules/history/index.html")).unwrap();
    assert!(history.contains("data-revisions=\"/wiki/rules/history/revisions.json\""), "{history}");
}

/// A compare page shows the page as it was after that change, rendered from that revision's
/// text (its links as written, not followed to today's pages), and the text itself.
#[test]
fn a_compare_page_shows_the_page_as_it_was() {
    let d = site_in_git("");
    let root = d.path();
    write(root, "content/wiki/rules.md", "---\ntitle: \"Rules\"\n---\n\nBe kind.\nListen first.\n\nSee [[Renamed page]] and [this](javascript:alert(1)).\n");
    git(root, &["commit", "-q", "-am", "Link the renamed page"], "Ana Ruiz", "2026-10-07T10:00:00Z");
    let out = build(root);
    let public = out.path().join("public");
    let history = std::fs::read_to_string(public.join("wiki/rules/history/index.html")).unwrap();
    let shas = revisions(&history, "/wiki/rules/");
    assert_eq!(shas.len(), 3, "{shas:?}");
    let newest = std::fs::read_to_string(public.join(format!("wiki/rules/history/{}/index.html", shas[0]))).unwrap();
    let page = &newest[newest.find("as-it-was-page").expect("the page as it was")..];
    let page = &page[..page.find("</div>").unwrap()];
    assert!(page.contains("<p>Be kind.\nListen first.</p>"), "{page}");
    assert!(page.contains("<a class=\"wikilink as-was\" title=\"A link to Renamed page\">Renamed page</a>"), "{page}");
    assert!(!page.contains("javascript:"), "as pages are, a link that could run code loses its link: {page}");
    let oldest = std::fs::read_to_string(public.join(format!("wiki/rules/history/{}/index.html", shas[2]))).unwrap();
    let page = &oldest[oldest.find("as-it-was-page").unwrap()..];
    let page = &page[..page.find("</div>").unwrap()];
    assert!(page.contains("<p>Be kind.</p>") && !page.contains("Listen first"), "{page}");
}

/// The newest revision of a page with no edits since has the page's own text: its compare
/// page shows the page as it was all the same, a link to another page's .md file as written
/// (not followed to that page, as the page itself does), and a page that names no other page
/// as the page itself is.
#[test]
fn the_newest_revision_shows_links_as_written_though_its_text_is_the_pages() {
    let d = site_in_git("");
    let root = d.path();
    write(
        root,
        "content/wiki/rules.md",
        "---\ntitle: \"Rules\"\n---\n\nBe kind. See [the page](new-name.md) and [a file](notes.txt).\n",
    );
    write(
        root,
        "content/wiki/plain.md",
        "---\ntitle: \"Plain\"\n---\n\nNo links, [one out](https://example.org/) and [a file](notes.txt).\n",
    );
    git(root, &["add", "-A"], "Ana Ruiz", "2026-10-07T10:00:00Z");
    git(root, &["commit", "-q", "-m", "Link a page"], "Ana Ruiz", "2026-10-07T10:00:00Z");
    let out = build(root);
    let public = out.path().join("public");
    let as_it_was = |page: &str| {
        let history = std::fs::read_to_string(public.join(format!("wiki/{page}/history/index.html"))).unwrap();
        let sha = revisions(&history, &format!("/wiki/{page}/"))[0].clone();
        let compare = std::fs::read_to_string(public.join(format!("wiki/{page}/history/{sha}/index.html"))).unwrap();
        let part = &compare[compare.find("as-it-was-page\">").expect("the page as it was") + 16..];
        part[..part.find("</div>").unwrap()].to_string()
    };
    let own = std::fs::read_to_string(public.join("wiki/rules/index.html")).unwrap();
    assert!(own.contains("<a href=\"/wiki/new-name/\">the page</a>"), "{own}");
    let was = as_it_was("rules");
    assert!(was.contains("<a href=\"/wiki/new-name.md\">the page</a>"), "{was}");
    assert!(was.contains("<a href=\"/wiki/notes.txt\">a file</a>"), "{was}");
    let plain = std::fs::read_to_string(public.join("wiki/plain/index.html")).unwrap();
    let was = as_it_was("plain");
    assert!(was.contains("<a href=\"/wiki/notes.txt\">a file</a>") && was.contains("https://example.org/"), "{was}");
    assert!(plain.contains(&was), "the page as it was is the page's own body: {was}");
}
