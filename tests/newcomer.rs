//! A newcomer's first hour (issue 17): `moot init` and its publishing recipes, `moot new`
//! without placeholders, ASCII file names, and `moot check`'s placeholder warnings. Each
//! test runs the binary as a person would and checks whole files and messages.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// 2026-12-01 12:00 UTC: "now" for every command here.
const NOW: &str = "1796126400";

fn moot(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_moot")).args(args).current_dir(cwd).env("SOURCE_DATE_EPOCH", NOW).output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn err(out: &Output) -> String {
    assert!(!out.status.success(), "succeeded:\n{}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A new site in a temp folder (no git: these tests are about files).
fn new_site(extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let mut args =
        vec!["init", "site", "--title", "Bay Valley Learning Groups", "--timezone", "America/Los_Angeles", "--no-git"];
    args.extend_from_slice(extra);
    ok(&moot(&args, dir.path()));
    (dir, root)
}

/// A PATH on which `moot` is this build's binary.
fn path_with_moot() -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_moot")).parent().unwrap().to_path_buf();
    format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default())
}

/// Runs a recipe's shell line in the site as its host would, with `moot` on PATH.
fn run_shell(line: &str, root: &Path, env: &[(&str, &str)]) {
    let out = Command::new("sh")
        .args(["-c", line])
        .current_dir(root)
        .env("PATH", path_with_moot())
        .env("SOURCE_DATE_EPOCH", NOW)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(out.status.success(), "{line}:\n{}", String::from_utf8_lossy(&out.stderr));
}

fn feed(root: &Path) -> String {
    std::fs::read_to_string(root.join("public/atom.xml")).unwrap()
}

#[test]
fn the_starter_site_checks_clean_and_has_no_placeholders() {
    let (_dir, root) = new_site(&[]);
    let out = moot(&["check"], &root);
    ok(&out);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "a new site has nothing to warn about");
    let favicon = std::fs::read_to_string(root.join("static/favicon.svg")).unwrap();
    assert!(favicon.contains("<title>Bay Valley Learning Groups</title>"), "{favicon}");
    for file in
        ["content/groups/first-group.md", "content/meetings/first-meeting.md", "content/stories/how-we-started.md"]
    {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let live: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert!(!live.iter().any(|l| l.contains("Your Name") || l.contains("example.org")), "{file}:\n{text}");
    }
    ok(&moot(&["build"], &root));
    assert!(root.join("public/favicon.svg").exists(), "the favicon the theme links is there");
}

#[test]
fn the_github_workflow_is_valid_and_builds_with_the_pages_address() {
    let (_dir, root) = new_site(&["--publish", "github"]);
    let text = std::fs::read_to_string(root.join(".github/workflows/publish.yml")).unwrap();
    let flow: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    assert_eq!(flow["on"]["push"]["branches"], serde_json::json!(["main"]));
    assert_eq!(flow["on"]["schedule"][0]["cron"], "30 8 * * *", "00:30 in Los Angeles in December is 08:30 UTC");
    assert!(flow["on"].get("workflow_dispatch").is_some());
    assert_eq!(flow["permissions"]["pages"], "write");
    assert_eq!(flow["permissions"]["id-token"], "write");
    let steps = flow["jobs"]["build"]["steps"].as_array().unwrap();
    assert_eq!(steps[0]["uses"], "actions/checkout@v4");
    assert_eq!(steps[0]["with"]["fetch-depth"], 0, "the whole history, for page history");
    let step = |name: &str| steps.iter().find(|s| s["name"] == name).unwrap()["run"].as_str().unwrap().to_string();
    assert_eq!(
        step("Install moot"),
        format!("command -v moot || cargo install moot --locked --version {}", env!("CARGO_PKG_VERSION"))
    );
    let build = step("Build");
    assert_eq!(build, "moot build --base-url \"${{ steps.pages.outputs.base_url }}\"");
    assert_eq!(steps.last().unwrap()["with"]["path"], "public");
    assert_eq!(flow["jobs"]["deploy"]["steps"][0]["uses"], "actions/deploy-pages@v4");
    // The steps as the runner runs them, with configure-pages' address of a project site.
    run_shell(&step("Install moot"), &root, &[]);
    run_shell(
        &build.replace("${{ steps.pages.outputs.base_url }}", "https://mei.github.io/learning-groups"),
        &root,
        &[],
    );
    let feed = feed(&root);
    assert!(
        feed.contains("rel=\"alternate\" type=\"text/html\" href=\"https://mei.github.io/learning-groups/\""),
        "{feed}"
    );
}

#[test]
fn the_gitlab_and_netlify_recipes_build_with_their_addresses() {
    let (_dir, root) = new_site(&["--publish", "gitlab", "--publish", "netlify"]);
    let text = std::fs::read_to_string(root.join(".gitlab-ci.yml")).unwrap();
    let ci: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    let pages = &ci["pages"];
    assert_eq!(pages["variables"]["GIT_DEPTH"], "0");
    assert_eq!(pages["artifacts"]["paths"], serde_json::json!(["public"]));
    let dir = root.to_str().unwrap();
    for line in pages["script"].as_array().unwrap() {
        run_shell(
            line.as_str().unwrap(),
            &root,
            &[("CI_PROJECT_DIR", dir), ("CI_PAGES_URL", "https://mei.gitlab.io/groups")],
        );
    }
    assert!(feed(&root).contains("rel=\"alternate\" type=\"text/html\" href=\"https://mei.gitlab.io/groups/\""));

    let netlify: toml::Value = toml::from_str(&std::fs::read_to_string(root.join("netlify.toml")).unwrap()).unwrap();
    assert_eq!(netlify["build"]["publish"].as_str(), Some("public"));
    run_shell(netlify["build"]["command"].as_str().unwrap(), &root, &[("URL", "https://groups.netlify.app")]);
    assert!(feed(&root).contains("rel=\"alternate\" type=\"text/html\" href=\"https://groups.netlify.app/\""));
}

#[test]
fn a_recipe_is_added_to_an_existing_site() {
    let (_dir, root) = new_site(&[]);
    let out = ok(&moot(&["init", "--publish", "netlify"], &root));
    assert_eq!(out, "created ./netlify.toml\n");
    assert_eq!(
        err(&moot(&["init"], &root)),
        ". already holds a site (moot.toml exists); to add a publishing recipe to it: moot init --publish github\n"
    );
    assert!(err(&moot(&["init", "--publish", "netlify"], &root)).contains("netlify.toml already exists"));
}

#[test]
fn moot_new_writes_only_what_was_given() {
    let (_dir, root) = new_site(&[]);
    let out = ok(&moot(
        &[
            "new",
            "meeting",
            "Ça va été",
            "--group",
            "first-group",
            "--start",
            "2027-01-12 14:00",
            "--leader",
            "Mei Chen",
        ],
        &root,
    ));
    assert_eq!(out, "created ./content/meetings/2027/ca-va-ete.md\n", "an ASCII file name");
    let text = std::fs::read_to_string(root.join("content/meetings/2027/ca-va-ete.md")).unwrap();
    assert_eq!(
        text,
        "---\ntitle: \"Ça va été\"\ngroup: \"first-group\"\nstart: \"2027-01-12 14:00\"\nleader: \"Mei Chen\"\n\
         # More you may fill in: remove the \"# \" before a line to use it.\n\
         # duration: \"2h\"                      # else the site's default_duration\n\
         # location: \"Main Library, Room 2\"\n\
         # online: \"https://meet.example.org/your-room\"\n\
         # co_leaders: [\"A Name\"]\n\
         # wanted: [\"co_leader\"]                # asks for a volunteer on the site\n\
         # summary: \"One sentence for lists, feeds and calendars\"\n\
         # repeat: \"FREQ=WEEKLY;COUNT=6\"        # a series\n\
         # ce_hours: 2                          # continuing-education hours\n\
         # status: tentative\n\
         # tags: [\"cataloging\"]\n\
         # After the second ---: what we will do, what to read or bring, and who it is for.\n---\n\n"
    );
    let out = moot(&["check"], &root);
    ok(&out);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "nothing to warn about in what `moot new` wrote");
    ok(&moot(&["build"], &root));
    assert!(root.join("public/meetings/2027/ca-va-ete/index.html").exists(), "an ASCII address");

    ok(&moot(&["new", "page", "Über uns", "--slug", "about-us"], &root));
    assert!(root.join("content/about-us.md").exists());
    assert_eq!(
        err(&moot(&["new", "page", "Über uns", "--slug", "Über uns"], &root)),
        "--slug \"Über uns\" may only hold lower-case letters, digits and `-`; use \"uber-uns\"\n"
    );
}

#[test]
fn a_meeting_needs_its_start() {
    let (_dir, root) = new_site(&[]);
    // No terminal here (the test's stdin is not one), so nothing is asked.
    let out = Command::new(env!("CARGO_BIN_EXE_moot"))
        .args(["new", "meeting", "Alma sets and jobs"])
        .current_dir(&root)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(
        err(&out),
        "a meeting needs --start, when it begins: --start \"2027-01-12 14:00\" (local time in the site's time zone), \
         --start \"2027-01-12\" (all day) or --start \"2027-01-12T14:00:00-08:00\"\n"
    );
    assert!(!root.join("content/meetings/2027/alma-sets-and-jobs.md").exists());
}

#[test]
fn check_warns_about_placeholders_left_in_a_meeting_to_come() {
    let (_dir, root) = new_site(&[]);
    std::fs::write(
        root.join("content/meetings/old-template.md"),
        "---\ntitle: \"Alma sets\"\nstart: \"2027-01-12 14:00\"\nlocation: \"\"\nleader: \"Your Name\"\n\
         co_leaders: [\"TBD\"]\nonline: \"https://meet.example.org/x\"\n---\n",
    )
    .unwrap();
    std::fs::write(
        root.join("content/meetings/past.md"),
        "---\ntitle: \"Long ago\"\nstart: \"2025-01-12 14:00\"\nleader: \"Your Name\"\n---\n",
    )
    .unwrap();
    let out = moot(&["check"], &root);
    ok(&out);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "content/meetings/old-template.md:4:1: warning: `location` is empty, a placeholder, in a meeting still to come\n\
         \x20 hint: write what it is, or remove the line\n\
         content/meetings/old-template.md:5:1: warning: `leader` is \"Your Name\", a placeholder, in a meeting still to come\n\
         \x20 hint: write the name of the person, or remove the line (wanted: [leader] asks for a volunteer)\n\
         content/meetings/old-template.md:6:1: warning: `co_leaders` is \"TBD\", a placeholder, in a meeting still to come\n\
         \x20 hint: write the name of the person, or remove the line (wanted: [leader] asks for a volunteer)\n\
         content/meetings/old-template.md:7:1: warning: `online` is \"https://meet.example.org/x\", a placeholder, in a meeting still to come\n\
         \x20 hint: write the real link, or remove the line\n",
        "a past meeting is not warned about"
    );
}

#[test]
fn at_a_terminal_the_start_is_asked_for() {
    let (_dir, root) = new_site(&[]);
    // `script` (util-linux) gives the command a terminal; what is piped to it is typed there.
    let command = format!("{} new meeting 'Asked for'", env!("CARGO_BIN_EXE_moot"));
    let mut child = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(&root)
        .env("SOURCE_DATE_EPOCH", NOW)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("util-linux's `script` runs a command at a terminal");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"2027-02-09 14:00\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("When does it start? (\"YYYY-MM-DD HH:MM\", local time): "), "{said}");
    let text = std::fs::read_to_string(root.join("content/meetings/2027/asked-for.md")).unwrap();
    assert!(text.starts_with("---\ntitle: \"Asked for\"\nstart: \"2027-02-09 14:00\"\n"), "{text}");
}

#[test]
fn init_writes_nothing_when_one_of_its_files_is_there() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::fs::write(root.join("static/favicon.svg"), "<svg>mine</svg>").unwrap();
    let said = err(&moot(&["init", "site", "--no-git"], dir.path()));
    assert_eq!(
        said,
        format!(
            "{} already exists; moot never overwrites a file (move it away, or start the site in another folder)\n",
            Path::new("site").join("static/favicon.svg").display()
        )
    );
    assert!(!root.join("moot.toml").exists(), "nothing written");
    assert_eq!(std::fs::read_to_string(root.join("static/favicon.svg")).unwrap(), "<svg>mine</svg>");
}
