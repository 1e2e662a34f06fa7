//! Inputs that could turn into code in a page, break a feed, publish a file from outside the
//! site, hang or crash the build: each case is a small site made on the fly, and the whole
//! error output of `moot` is checked: every problem names its file and line, says what was
//! given and what to write, and the build exits with 1 (never a panic's 101) writing nothing.

use std::path::{Path, PathBuf};

const CONFIG: &str = "title = \"T\"\nbase_url = \"https://x.example.org\"\ntimezone = \"America/Los_Angeles\"\n";

/// Writes a site from (path, text) pairs, with [`CONFIG`] unless it has a moot.toml.
fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let has_config = files.iter().any(|(p, _)| *p == "moot.toml");
    for (rel, text) in files.iter().chain((!has_config).then_some(&("moot.toml", CONFIG))) {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
    }
    dir
}

/// What a run of moot did.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stderr: String,
    /// Whether the output folder exists after the run.
    wrote: bool,
    out: PathBuf,
}

/// Runs `moot build` (or `check`) on `root` with `extra` arguments, into `root/public`.
fn moot(root: &Path, command: &str, extra: &[&str]) -> Run {
    let out = root.join("public");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_moot"));
    cmd.args([command, "--root"]).arg(root);
    if command == "build" {
        cmd.arg("--output").arg(&out);
    }
    let result =
        cmd.args(extra).env("SOURCE_DATE_EPOCH", "1795608000").stdin(std::process::Stdio::null()).output().unwrap();
    Run {
        code: result.status.code(),
        stderr: String::from_utf8_lossy(&result.stderr).to_string(),
        wrote: out.exists(),
        out,
    }
}

/// One bad input: the files of its site and the whole error output expected of `moot build`.
struct Case {
    name: &'static str,
    files: Vec<(&'static str, String)>,
    args: Vec<&'static str>,
    errors: Vec<String>,
}

fn case(name: &'static str, files: &[(&'static str, &str)], errors: &[&str]) -> Case {
    Case {
        name,
        files: files.iter().map(|(p, t)| (*p, t.to_string())).collect(),
        args: Vec::new(),
        errors: errors.iter().map(|e| e.to_string()).collect(),
    }
}

/// Builds every case and reports all that failed, each with what was expected.
fn check_all(cases: Vec<Case>) {
    let mut failures = Vec::new();
    for c in &cases {
        let files: Vec<(&str, &str)> = c.files.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let dir = site(&files);
        let run = moot(dir.path(), "build", &c.args);
        let n = c.errors.len();
        let want =
            format!("{}\n{n} error{} — nothing was written\n", c.errors.join("\n"), if n == 1 { "" } else { "s" });
        if run.code != Some(1) || run.stderr != want || run.wrote {
            failures.push(format!(
                "{}: exit {:?} (expected 1), wrote: {}; error output:\n{}\nexpected:\n{want}",
                c.name, run.code, run.wrote, run.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n\n{}", failures.len(), cases.len(), failures.join("\n"));
}

fn meeting(front: &str) -> String {
    format!("---\ntitle: \"M\"\nstart: \"2026-12-03 14:00\"\n{front}\n---\nText.\n")
}

fn group(front: &str) -> String {
    format!("---\ntitle: \"G\"\n{front}\n---\nText.\n")
}

const ONLINE_HINT: &str = "  hint: write it like: online: \"https://meet.example.org/alma-circle\"";
const SIGNUP_HINT: &str =
    "  hint: write it like: signup: \"https://forms.example.org/alma\" or signup: \"mailto:circle@example.org\"";
const JOIN_HINT: &str =
    "  hint: write it like: join: \"https://forms.example.org/join/alma\" or join: \"mailto:circle@example.org\"";
const BASE_URL_HINT: &str = "  hint: write it like: base_url = \"https://learn.example.org\"";

#[test]
fn url_fields_take_only_web_and_mail_addresses() {
    let m = |name, front: &str, line: usize, error: &str, hint: &str| {
        let text = meeting(front);
        let mut c = case(name, &[], &[&format!("content/meetings/m.md:{line}:1: error: {error}\n{hint}")]);
        c.files.push(("content/meetings/m.md", text));
        c
    };
    let g = |name, front: &str, error: &str, hint: &str| {
        let mut c = case(name, &[], &[&format!("content/groups/g.md:3:1: error: {error}\n{hint}")]);
        c.files.push(("content/groups/g.md", group(front)));
        c
    };
    let a = |name, front: &str, error: &str| {
        let mut c = case(
            name,
            &[],
            &[&format!(
                "content/articles/a.md:3:1: error: {error}\n  hint: write it like: url: \"https://example.org/handbook.pdf\""
            )],
        );
        c.files.push(("content/articles/a.md", group(front)));
        c
    };
    let toml = |name, base_url: &str, error: &str| {
        let config = format!("title = \"T\"\nbase_url = {base_url}\ntimezone = \"UTC\"\n");
        let mut c = case(name, &[], &[&format!("moot.toml:2:1: error: {error}\n{BASE_URL_HINT}")]);
        c.files.push(("moot.toml", config));
        c
    };
    const WEB: &str = "is not an https:// or http:// URL";
    const WEB_OR_MAIL: &str = "is not an https:// or http:// URL or a mailto: address";
    let cases = vec![
        m(
            "javascript: in online",
            "online: \"javascript:alert(1)\"",
            4,
            &format!("`online` \"javascript:alert(1)\" {WEB}: a `javascript:` URL could run code in the page"),
            ONLINE_HINT,
        ),
        m(
            "javascript:// with a host and an encoded line feed",
            "online: \"javascript://x@example.org/%0Aalert(1)\"",
            4,
            &format!(
                "`online` \"javascript://x@example.org/%0Aalert(1)\" {WEB}: a `javascript:` URL could run code in the page"
            ),
            ONLINE_HINT,
        ),
        m(
            "JavaScript: in capitals in signup",
            "signup: \"JavaScript:alert(1)\"",
            4,
            &format!("`signup` \"JavaScript:alert(1)\" {WEB_OR_MAIL}: a `javascript:` URL could run code in the page"),
            SIGNUP_HINT,
        ),
        m(
            "data: in signup",
            "signup: \"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\"",
            4,
            &format!(
                "`signup` \"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\" {WEB_OR_MAIL}: a `data:` URL \
                 could run code in the page"
            ),
            SIGNUP_HINT,
        ),
        m(
            "vbscript: in online",
            "online: \"vbscript:msgbox(1)\"",
            4,
            &format!("`online` \"vbscript:msgbox(1)\" {WEB}: a `vbscript:` URL could run code in the page"),
            ONLINE_HINT,
        ),
        m(
            "file: in online",
            "online: \"file:///etc/passwd\"",
            4,
            &format!("`online` \"file:///etc/passwd\" {WEB}: `file:` addresses are not allowed here"),
            ONLINE_HINT,
        ),
        m(
            "a relative address in online",
            "online: \"../meet\"",
            4,
            &format!("`online` \"../meet\" {WEB}: it does not start with https://"),
            ONLINE_HINT,
        ),
        m(
            "an address without its scheme",
            "online: \"meet.example.org/alma\"",
            4,
            &format!(
                "`online` \"meet.example.org/alma\" {WEB}: it does not start with https:// (did you mean \
                 \"https://meet.example.org/alma\"?)"
            ),
            ONLINE_HINT,
        ),
        m(
            "a space in online",
            "online: \"https://meet.example.org/alma circle\"",
            4,
            &format!("`online` \"https://meet.example.org/alma circle\" {WEB}: it holds a space; write a space in a URL as %20"),
            ONLINE_HINT,
        ),
        m(
            "a line feed in online",
            "online: \"https://meet.example.org/a\\nX-INJECTED:1\"",
            4,
            &format!("`online` \"https://meet.example.org/a\\nX-INJECTED:1\" {WEB}: it holds a line break ('\\n')"),
            ONLINE_HINT,
        ),
        m(
            "a quote in signup",
            "signup: 'https://forms.example.org/a\"onmouseover=\"alert(1)'",
            4,
            &format!(
                "`signup` \"https://forms.example.org/a\\\"onmouseover=\\\"alert(1)\" {WEB_OR_MAIL}: it holds '\"', \
                 which a URL cannot hold; write it as %22"
            ),
            SIGNUP_HINT,
        ),
        m(
            "no host in online",
            "online: \"https:///path\"",
            4,
            &format!("`online` \"https:///path\" {WEB}: it has no host after https://"),
            ONLINE_HINT,
        ),
        m(
            "a bare email address in signup",
            "signup: \"circle@example.org\"",
            4,
            &format!(
                "`signup` \"circle@example.org\" {WEB_OR_MAIL}: an email address needs mailto: before it here; write \
                 \"mailto:circle@example.org\""
            ),
            SIGNUP_HINT,
        ),
        g(
            "javascript:// in contact (it has an @, which was all contact asked for)",
            "contact: \"javascript://x@example.org/%0Aalert(1)\"",
            "`contact` \"javascript://x@example.org/%0Aalert(1)\" is not an email address: a `javascript:` URL could \
             run code in the page",
            "  hint: write it like: contact: \"circle@example.org\"",
        ),
        g(
            "a contact that is no address",
            "contact: \"ask Ben\"",
            "`contact` \"ask Ben\" is not an email address: it holds a space",
            "  hint: write it like: contact: \"circle@example.org\"",
        ),
        g(
            "javascript: in mailing_list",
            "mailing_list: \"javascript:alert(1)//@lists.example.org\"",
            "`mailing_list` \"javascript:alert(1)//@lists.example.org\" is not an email address or an https:// or \
             http:// URL: a `javascript:` URL could run code in the page",
            "  hint: write it like: mailing_list: \"circle@lists.example.org\"",
        ),
        g(
            "data: in forum",
            "forum: \"data:text/html,hi\"",
            &format!("`forum` \"data:text/html,hi\" {WEB}: a `data:` URL could run code in the page"),
            "  hint: write it like: forum: \"https://forum.example.org/c/alma\"",
        ),
        g(
            "javascript: in join",
            "join: \"javascript:alert(1)\"",
            &format!("`join` \"javascript:alert(1)\" {WEB_OR_MAIL}: a `javascript:` URL could run code in the page"),
            JOIN_HINT,
        ),
        a(
            "javascript: in an article's url",
            "url: \"  javascript:alert(document.cookie)\"",
            &format!("`url` \"javascript:alert(document.cookie)\" {WEB}: a `javascript:` URL could run code in the page"),
        ),
        toml(
            "a line break in base_url (it reached robots.txt and the calendar feeds)",
            "\"https://x.example.org/\\r\\nDisallow: /\"",
            "`base_url` \"https://x.example.org/\\r\\nDisallow: /\" is not an absolute https:// or http:// URL: it holds a \
             line break ('\\r')",
        ),
        toml(
            "javascript: in base_url",
            "\"javascript:alert(1)\"",
            "`base_url` \"javascript:alert(1)\" is not an absolute https:// or http:// URL: a `javascript:` URL could \
             run code in the page",
        ),
        toml(
            "a query in base_url",
            "\"https://x.example.org/?a=1\"",
            "`base_url` \"https://x.example.org/?a=1\" is not an absolute https:// or http:// URL: it holds '?'; write \
             only the address the site is published at, without a query or a fragment",
        ),
        Case {
            name: "a line break in --base-url",
            files: Vec::new(),
            args: vec!["--base-url", "https://x.example.org/\nDisallow: /"],
            errors: vec!["--base-url: error: \"https://x.example.org/\\nDisallow: /\" is not an absolute https:// or \
                          http:// URL: it holds a line break ('\\n')\n  hint: write it like: --base-url \
                          https://learn.example.org"
                .into()],
        },
    ];
    check_all(cases);
}

#[test]
fn web_and_mail_addresses_are_still_accepted() {
    let dir = site(&[
        (
            "content/groups/g.md",
            &group(
                "contact: \"mailto:circle@example.org\"\nforum: \"HTTPS://forum.example.org/c/g\"\n\
                 mailing_list: \"g@lists.example.org\"\njoin: \"mailto:circle@example.org?subject=Join\"",
            ),
        ),
        (
            "content/meetings/m.md",
            &meeting(
                "group: g\nonline: \"http://meet.example.org:8080/room?id=1&pw=2\"\n\
                 signup: \"mailto:circle@example.org?subject=Sign%20up\"",
            ),
        ),
    ]);
    let run = moot(dir.path(), "build", &[]);
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""));
    let g = std::fs::read_to_string(run.out.join("groups/g/index.html")).unwrap();
    assert!(g.contains("<a href=\"mailto:circle@example.org\">circle@example.org</a>"), "{g}");
    assert!(g.contains("href=\"https://forum.example.org/c/g\""), "the scheme is lower-cased: {g}");
    assert!(g.contains("href=\"mailto:circle@example.org?subject=Join\""), "{g}");
    let m = std::fs::read_to_string(run.out.join("meetings/m/index.html")).unwrap();
    assert!(m.contains("href=\"http://meet.example.org:8080/room?id=1&amp;pw=2\""), "escaped once: {m}");
}
