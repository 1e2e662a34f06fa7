//! What organisers run a learning community with: open roles (`wanted`) on the meeting
//! pages, the "Lead a meeting" page and its feed, group pages, and `moot check`'s reminder.

use jiff::Timestamp;
use std::path::{Path, PathBuf};

const NOW: i64 = 1_795_608_000; // 2026-11-25 12:00 UTC

fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let config = "title = \"T\"\nbase_url = \"https://t.example.org\"\ntimezone = \"America/Los_Angeles\"\n";
    for (rel, text) in files.iter().chain([&("moot.toml", config)]) {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn build(root: &Path) -> PathBuf {
    let mut o = moot::Options::new(root);
    o.output = root.join("public");
    o.now = Some(Timestamp::from_second(NOW).unwrap());
    moot::build(&o).unwrap_or_else(|e| panic!("{e}"));
    root.join("public")
}

fn moot(root: &Path, args: &[&str]) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_moot"))
        .args(args)
        .arg("--root")
        .arg(root)
        .env("SOURCE_DATE_EPOCH", NOW.to_string())
        .output()
        .unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

const GROUP: &str = "---\ntitle: \"Alma circle\"\ncontact: \"alma@example.org\"\n---\n";

#[test]
fn open_roles_are_on_the_meeting_the_lead_page_its_feed_and_the_group() {
    let dir = site(&[
        ("content/groups/alma.md", GROUP),
        ("content/how-it-works.md", "---\ntitle: \"How it works\"\n---\nAnyone may lead.\n"),
        (
            "content/meetings/sets.md",
            "---\ntitle: \"Alma sets\"\ngroup: alma\nstart: \"2027-01-14 14:00\"\nleader: \"Ana Ruiz\"\n\
             wanted: [co_leader]\nsignup: \"https://forms.example.org/sets\"\n---\n",
        ),
        (
            "content/meetings/lab.md",
            "---\ntitle: \"Lab\"\ngroup: alma\nstart: \"2027-02-04 10:00\"\nleader: \"Ben Ito\"\n\
             repeat: \"FREQ=WEEKLY;COUNT=3\"\nsessions:\n  - date: \"2027-02-11\"\n    leader: \"\"\n    wanted: [leader]\n\
             \x20 - date: \"2027-02-18\"\n    status: cancelled\n    wanted: [leader, co_leader]\n---\n",
        ),
        ("content/meetings/gone.md", "---\ntitle: \"Gone\"\ngroup: alma\nstart: \"2026-10-01 10:00\"\nwanted: [leader]\n---\n"),
    ]);
    let out = build(dir.path());
    let read = |rel: &str| std::fs::read_to_string(out.join(rel)).unwrap();
    let page = read("meetings/sets/index.html");
    assert!(page.contains("<strong>Co-leader wanted</strong> — this meeting still needs a co-leader."), "{page}");
    assert!(page.contains("<a class=\"button\" href=\"https://forms.example.org/sets\">Volunteer</a>"), "{page}");
    let lead = read("lead/index.html");
    assert!(lead.contains("<a href=\"/how-it-works/\">How it works</a>"), "{lead}");
    assert!(
        lead.contains("(2 sessions)"),
        "the lab's one open session and the sets; not the past or cancelled: {lead}"
    );
    let sets = lead.find(">Alma sets<").unwrap();
    let lab = lead.find(">Lab<").unwrap();
    assert!(sets < lab, "soonest first");
    assert!(lead.contains("<span class=\"label label-wanted\">Leader wanted</span>"), "{lead}");
    // The lab has no sign-up: volunteers write to the group's contact.
    assert!(
        lead.contains("href=\"mailto:alma@example.org?subject=I%20would%20like%20to%20help%20lead%3A%20Lab\""),
        "{lead}"
    );
    assert!(!lead.contains(">Gone<"));
    let feed = read("lead/atom.xml");
    assert_eq!(feed.matches("<entry>").count(), 2, "{feed}");
    assert!(feed.contains("<title>Co-leader wanted: Alma sets — Thu 14 Jan 2027, 14:00–16:00 PST</title>"), "{feed}");
    let group = read("groups/alma/index.html");
    assert!(group.contains("<h2>Lead a meeting</h2>") && group.contains("Co-leader wanted"), "{group}");
    // The series' page marks the session that wants a leader.
    let lab_page = read("meetings/lab/index.html");
    assert!(
        lab_page.contains(
            "Thu 11 Feb 2027, 10:00–12:00 PST</time> <span class=\"label label-wanted\">Leader wanted</span>"
        ),
        "{lab_page}"
    );
}

#[test]
fn wanted_takes_leader_and_co_leader() {
    let dir =
        site(&[("content/meetings/m.md", "---\ntitle: \"M\"\nstart: \"2027-01-14 14:00\"\nwanted: [helper]\n---\n")]);
    let (ok, err) = moot(dir.path(), &["build", "--output", dir.path().join("public").to_str().unwrap()]);
    assert!(!ok);
    assert_eq!(
        err,
        "content/meetings/m.md:4:1: error: `wanted` \"helper\" is not a role moot knows\n  \
         hint: write wanted: [leader], wanted: [co_leader] or both\n1 error — nothing was written\n"
    );
}

#[test]
fn check_reminds_of_upcoming_meetings_without_a_leader() {
    let dir = site(&[
        ("content/meetings/none.md", "---\ntitle: \"Nobody\"\nstart: \"2027-01-14 14:00\"\n---\n"),
        ("content/meetings/asks.md", "---\ntitle: \"Asks\"\nstart: \"2027-01-14 14:00\"\nwanted: [leader]\n---\n"),
        ("content/meetings/led.md", "---\ntitle: \"Led\"\nstart: \"2027-01-14 14:00\"\nleader: \"Ana\"\n---\n"),
        ("content/meetings/old.md", "---\ntitle: \"Old\"\nstart: \"2026-01-14 14:00\"\n---\n"),
    ]);
    let (ok, err) = moot(dir.path(), &["check"]);
    assert!(ok, "a reminder, not an error: {err}");
    assert_eq!(
        err,
        "content/meetings/none.md:2:1: warning: the meeting on 2027-01-14 has no leader and does not ask for one\n  \
         hint: add leader: \"Name\", or wanted: [leader] so that the \"Lead a meeting\" page asks for one\n"
    );
    // A build does not nag.
    let (ok, err) = moot(dir.path(), &["build", "--output", dir.path().join("public").to_str().unwrap()]);
    assert!(ok && err.is_empty(), "{err}");
}

#[test]
fn every_name_has_a_page_and_links_to_it() {
    let dir = site(&[
        ("content/groups/alma.md", "---\ntitle: \"Alma circle\"\nleaders: [\"Ana Ruiz\", \"Ben Ito\"]\n---\n"),
        (
            "content/meetings/sets.md",
            "---\ntitle: \"Alma sets\"\ngroup: alma\nstart: \"2027-01-14 14:00\"\nleader: \"Ana Ruiz\"\nco_leaders: [\"Tomas Alvarez\"]\n---\n",
        ),
        (
            "content/meetings/old.md",
            "---\ntitle: \"Old sets\"\ngroup: alma\nstart: \"2026-01-14 14:00\"\nleader: \"Tomás Alvarez\"\n---\n",
        ),
        ("content/stories/s.md", "---\ntitle: \"A story\"\ndate: \"2026-10-01\"\nauthor: \"Ben Ito\"\n---\nText.\n"),
        (
            "content/people/tomas-alvarez.md",
            "---\ntitle: \"Tomás Alvarez\"\npronouns: \"he/him\"\ncontact: \"tomas@example.org\"\n\
             links: [\"https://forum.example.org/u/tomas\"]\naliases: [\"Tomas Alvarez\"]\n---\nMetadata librarian.\n",
        ),
    ]);
    let out = build(dir.path());
    let read = |rel: &str| std::fs::read_to_string(out.join(rel)).unwrap();
    let meeting = read("meetings/sets/index.html");
    assert!(meeting.contains("<dd><a class=\"person\" href=\"/people/ana-ruiz/\">Ana Ruiz</a></dd>"), "{meeting}");
    assert!(
        meeting.contains("<a class=\"person\" href=\"/people/tomas-alvarez/\">Tomas Alvarez</a>"),
        "the alias leads to the file's person: {meeting}"
    );
    assert!(read("groups/alma/index.html").contains("<a class=\"person\" href=\"/people/ana-ruiz/\">Ana Ruiz</a>, <a class=\"person\" href=\"/people/ben-ito/\">Ben Ito</a>"));
    assert!(read("stories/s/index.html")
        .contains("By <span class=\"author\"><a class=\"person\" href=\"/people/ben-ito/\">Ben Ito</a></span>"));
    let tomas = read("people/tomas-alvarez/index.html");
    for text in [
        "<h1>Tomás Alvarez <span class=\"pronouns\">(he/him)</span></h1>",
        "mailto:tomas@example.org",
        "Metadata librarian.",
        "Meetings they lead, upcoming",
        ">Alma sets<",
        "Meetings they led",
        ">Old sets<",
    ] {
        assert!(tomas.contains(text), "{text} in {tomas}");
    }
    // In lists too: a story's card links its author.
    assert!(read("stories/index.html").contains("by <a class=\"person\" href=\"/people/ben-ito/\">Ben Ito</a>"));
    let ben = read("people/ben-ito/index.html");
    assert!(ben.contains("Groups they lead") && ben.contains(">A story<"), "{ben}");
    let index = read("people/index.html");
    assert!(
        index.contains(
            "<a href=\"/people/ana-ruiz/\">Ana Ruiz</a> <span class=\"muted\">— 1 group led · 1 meeting led</span>"
        ),
        "{index}"
    );
    assert_eq!(index.matches("<li><a href=\"/people/").count(), 3, "one page per person, the alias merged: {index}");
}

#[test]
fn two_people_whose_names_slug_the_same_are_an_error() {
    let dir = site(&[
        ("content/meetings/a.md", "---\ntitle: \"A\"\nstart: \"2027-01-14 14:00\"\nleader: \"Ana Ruiz\"\n---\n"),
        ("content/meetings/b.md", "---\ntitle: \"B\"\nstart: \"2027-01-15 14:00\"\nco_leaders: [\"ANA RUIZ\"]\n---\n"),
        ("content/people/tomas.md", "---\ntitle: \"Tomás Alvarez\"\n---\n"),
        ("content/stories/s.md", "---\ntitle: \"S\"\ndate: \"2026-10-01\"\nauthor: \"tomás alvarez\"\n---\n"),
    ]);
    let (ok, err) = moot(dir.path(), &["build", "--output", dir.path().join("public").to_str().unwrap()]);
    assert!(!ok);
    assert_eq!(
        err,
        "content/meetings/b.md:4:1: error: \"ANA RUIZ\" and \"Ana Ruiz\" (content/meetings/a.md:4) are written differently but have \
         the same address, /people/ana-ruiz/\n  hint: if they are one person, write the name the same way, or add \
         content/people/ana-ruiz.md with aliases: [\"ANA RUIZ\"]; if they are two, tell them apart (a middle initial, say)\n\
         content/stories/s.md:4:1: error: \"tomás alvarez\" is written like \"Tomás Alvarez\" (content/people/tomas.md), but that \
         file does not say it is the same person\n  hint: if it is, add it to `aliases` in content/people/tomas.md; if not, tell \
         the two apart in the name\n2 errors — nothing was written\n"
    );
}

/// With `repo`, every page links its file's edit page and history on the forge, and the
/// home, group and "Lead a meeting" pages a filled-in new meeting file.
#[test]
fn repo_links_edit_history_and_propose_on_each_forge() {
    let files = [
        ("content/index.md", "---\ntitle: \"Home\"\n---\nHi.\n"),
        ("content/groups/alma.md", GROUP),
        (
            "content/meetings/sets.md",
            "---\ntitle: \"Sets\"\ngroup: alma\nstart: \"2027-01-14 14:00\"\nleader: \"Ana\"\n---\n",
        ),
    ];
    let with = |repo: &str| {
        let dir = site(&files);
        let config = dir.path().join("moot.toml");
        let t = std::fs::read_to_string(&config).unwrap();
        std::fs::write(&config, format!("{t}repo = \"{repo}\"\nbranch = \"pages\"\n")).unwrap();
        let out = build(dir.path());
        let read = |rel: &str| std::fs::read_to_string(out.join(rel)).unwrap();
        (
            read("meetings/sets/index.html"),
            read("groups/alma/index.html"),
            read("index.html"),
            read("lead/index.html"),
            dir,
        )
    };
    let (meeting, group, home, lead, _d) = with("https://github.com/our-library/circles.git");
    assert!(
        meeting.contains(
            "<a href=\"https://github.com/our-library/circles/edit/pages/content/meetings/sets.md\">Edit this page</a>"
        ),
        "{meeting}"
    );
    assert!(
        meeting.contains("href=\"https://github.com/our-library/circles/commits/pages/content/meetings/sets.md\""),
        "{meeting}"
    );
    let new = "href=\"https://github.com/our-library/circles/new/pages/content/meetings/2026?filename=your-meeting-title.md&amp;value=---%0Atitle%3A%20%22The%20meeting%27s%20title%22%0Agroup%3A%20alma%0Astart%3A%20%222026-12-09%2014%3A00%22";
    assert!(group.contains(new), "the group preset: {group}");
    assert!(home.contains(">Propose a meeting</a>") && lead.contains(">Propose a meeting</a>"));
    assert!(home.contains("group%3A%20%22%22"), "no group preset on the home page: {home}");
    let (meeting, group, ..) = with("https://gitlab.com/our-library/circles");
    assert!(
        meeting.contains("href=\"https://gitlab.com/our-library/circles/-/edit/pages/content/meetings/sets.md\""),
        "{meeting}"
    );
    assert!(group.contains("href=\"https://gitlab.com/our-library/circles/-/new/pages/content/meetings/2026?file_name=your-meeting-title.md&amp;content=---"), "{group}");
    let (meeting, group, ..) = with("https://codeberg.org/our-library/circles");
    assert!(
        meeting.contains("href=\"https://codeberg.org/our-library/circles/_edit/pages/content/meetings/sets.md\""),
        "{meeting}"
    );
    assert!(
        meeting.contains(
            "href=\"https://codeberg.org/our-library/circles/commits/branch/pages/content/meetings/sets.md\""
        ),
        "{meeting}"
    );
    assert!(
        group.contains("href=\"https://codeberg.org/our-library/circles/_new/pages/content/meetings/2026?filename="),
        "{group}"
    );
    // Without `repo`, none of it.
    let dir = site(&files);
    let plain = std::fs::read_to_string(build(dir.path()).join("meetings/sets/index.html")).unwrap();
    assert!(!plain.contains("Edit this page") && !plain.contains("Propose a meeting"));
}

#[test]
fn a_repo_that_is_not_one_is_an_error() {
    let dir = site(&[]);
    let config = dir.path().join("moot.toml");
    let t = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{t}repo = \"https://github.com/our-library\"\n")).unwrap();
    let (ok, err) = moot(dir.path(), &["check"]);
    assert!(!ok);
    assert_eq!(
        err,
        "moot.toml:4:1: error: `repo` \"https://github.com/our-library\" is not a repository's web address: it is not the \
         address of a repository (https://host/owner/name)\n  hint: write it like: repo = \
         \"https://github.com/our-library/learning-groups\"\n1 error — nothing was written\n"
    );
}

/// `moot init` writes an issue form whose fields are a meeting's front matter.
#[test]
fn init_writes_an_issue_form_to_propose_a_meeting() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_moot"))
        .args(["init", root.to_str().unwrap(), "--no-git", "--timezone", "UTC"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(root.join(".github/ISSUE_TEMPLATE/propose-a-meeting.yml")).unwrap();
    let form: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    assert_eq!(form["name"], "Propose a meeting");
    let ids: Vec<&str> = form["body"].as_array().unwrap().iter().filter_map(|f| f["id"].as_str()).collect();
    assert_eq!(
        ids,
        ["title", "group", "start", "duration", "location", "online", "leader", "co_leaders", "ce_hours", "body"]
    );
    for f in form["body"].as_array().unwrap() {
        assert!(["markdown", "input", "textarea"].contains(&f["type"].as_str().unwrap()), "{f}");
    }
}

#[test]
fn a_sign_in_sheet_for_each_upcoming_session() {
    let dir = site(&[
        ("content/groups/alma.md", GROUP),
        (
            "content/meetings/lab.md",
            "---\ntitle: \"Lab\"\ngroup: alma\nstart: \"2027-02-04 10:00\"\nleader: \"Ben Ito\"\nco_leaders: [\"Ana Ruiz\"]\n\
             location: \"Room 5\"\nce_hours: 1.5\nce_category: \"Technology\"\nrepeat: \"FREQ=WEEKLY;COUNT=3\"\n\
             sessions:\n  - date: \"2027-02-11\"\n    status: cancelled\n---\n",
        ),
        ("content/meetings/old.md", "---\ntitle: \"Old\"\ngroup: alma\nstart: \"2026-01-14 14:00\"\n---\n"),
    ]);
    let out = build(dir.path());
    let sheets = std::fs::read_to_string(out.join("meetings/lab/sign-in/index.html")).unwrap();
    // The two sessions that take place, each its own sheet with its own address.
    assert_eq!(sheets.matches("<section class=\"sheet\"").count(), 2, "{sheets}");
    for text in [
        "id=\"2027-02-04-1000\"",
        "id=\"2027-02-18-1000\"",
        "<dd>Thu 4 Feb 2027, 10:00–12:00 PST (America/Los_Angeles)</dd>",
        "<dd>Room 5</dd>",
        "<dd>Ben Ito, Ana Ruiz</dd>",
        "<dd>1.5 CE hours · Technology</dd>",
        "<tr><td>20</td><td></td><td></td><td></td><td></td></tr>",
    ] {
        assert!(sheets.contains(text), "{text} in {sheets}");
    }
    assert!(!sheets.contains("2027-02-11-1000"), "not the cancelled session");
    let page = std::fs::read_to_string(out.join("meetings/lab/index.html")).unwrap();
    assert!(page.contains("<a href=\"/meetings/lab/sign-in/\">Print a sign-in sheet</a> for a session."), "{page}");
    assert!(!out.join("meetings/old/sign-in").exists(), "a past meeting has none");
}
