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
    let mut child = cmd
        .args(extra)
        .env("SOURCE_DATE_EPOCH", "1795608000")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A run that hangs (on a named pipe, say) fails the test instead of hanging it.
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("moot {command} on {} did not finish in 60 s", root.display());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let result = child.wait_with_output().unwrap();
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
    /// Run on the site folder once its files are written.
    setup: fn(&Path),
}

fn case(name: &'static str, files: &[(&'static str, &str)], errors: &[&str]) -> Case {
    Case {
        name,
        files: files.iter().map(|(p, t)| (*p, t.to_string())).collect(),
        args: Vec::new(),
        errors: errors.iter().map(|e| e.to_string()).collect(),
        setup: |_| {},
    }
}

/// Builds every case and reports all that failed, each with what was expected.
fn check_all(cases: Vec<Case>) {
    let mut failures = Vec::new();
    for c in &cases {
        let files: Vec<(&str, &str)> = c.files.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let dir = site(&files);
        (c.setup)(dir.path());
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
            "NUL in online",
            "online: \"https://meet.example.org/\\0\"",
            4,
            &format!("`online` \"https://meet.example.org/\\0\" {WEB}: it holds the control character U+0000 ('\\0')"),
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
            setup: |_| {},
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

const LINK_HINT: &str = "  hint: link to an https:// address, a page or a file beside this one";
const IMAGE_HINT: &str = "  hint: put the image in a file beside this page and write ![description](file.png)";

/// A markdown body whose links and images could run code: each is left out with a warning
/// (an error in `moot check`), its text kept.
const CODE_LINKS: &str = "---\ntitle: \"X\"\n---\n\
[one](javascript:alert(1)) [two](<java\tscript:alert(2)>) [three](jav&#x61;script:alert(3))\n\
\n\
[four]( JaVaScRiPt:alert(4)) <javascript:alert(5)> [six][r] [seven](javascript://%0aalert(7))\n\
\n\
[r]: vbscript:msgbox(6)\n\
\n\
![svg](data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciPjxzY3JpcHQ+PC9zY3JpcHQ+PC9zdmc+)\n\
![png](data:image/png;base64,iVBORw0KGgo=) [![in](data:image/gif;base64,R0lGOD)](javascript:alert(8))\n\
![js](javascript:alert(9)) [html](data:text/html,hi)\n";

fn code_link_warnings() -> Vec<String> {
    let link = |line: usize, dest: &str, scheme: &str| {
        format!(
            "content/wiki/x.md:{line}:1: warning: link to {dest:?} left out, its text kept: a `{scheme}:` link could \
             run code in the page\n{LINK_HINT}"
        )
    };
    vec![
        link(4, "java\tscript:alert(2)", "javascript"),
        link(4, "javascript:alert(1)", "javascript"),
        link(4, "javascript:alert(3)", "javascript"),
        link(6, "JaVaScRiPt:alert(4)", "javascript"),
        link(6, "javascript://%0aalert(7)", "javascript"),
        link(6, "javascript:alert(5)", "javascript"),
        link(6, "vbscript:msgbox(6)", "vbscript"),
        format!(
            "content/wiki/x.md:10:1: warning: image \"data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy5…\" \
             left out, its description kept: a `data:` image other than PNG, GIF, JPEG, WebP or AVIF can hold \
             script\n{IMAGE_HINT}"
        ),
        link(11, "javascript:alert(8)", "javascript"),
        format!(
            "content/wiki/x.md:12:1: warning: image \"javascript:alert(9)\" left out, its description kept: a \
             `javascript:` address could run code in the page\n{IMAGE_HINT}"
        ),
        link(12, "data:text/html,hi", "data"),
    ]
}

#[test]
fn markdown_links_that_could_run_code_are_left_out_with_a_warning() {
    let dir = site(&[("content/wiki/x.md", CODE_LINKS)]);
    let run = moot(dir.path(), "build", &[]);
    let warnings = code_link_warnings();
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), format!("{}\n", warnings.join("\n")).as_str()));
    let page = std::fs::read_to_string(run.out.join("wiki/x/index.html")).unwrap();
    let body = &page[page.find("<div class=\"prose\">").unwrap()..];
    let body = &body[..body.find("</div>").unwrap()];
    assert_eq!(
        body,
        "<div class=\"prose\">\n      <p>one two three</p>\n<p>four javascript:alert(5) six seven</p>\n\
         <p>svg\n<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"png\" /> \
         <img src=\"data:image/gif;base64,R0lGOD\" alt=\"in\" />\njs html</p>\n\n    "
    );
    let feed = std::fs::read_to_string(run.out.join("atom.xml")).unwrap();
    assert!(!feed.to_lowercase().contains("script:"), "{feed}");

    let check = moot(dir.path(), "check", &[]);
    let errors: Vec<String> = warnings.iter().map(|w| w.replacen(": warning: ", ": error: ", 1)).collect();
    let want = format!("{}\n{} errors — nothing was written\n", errors.join("\n"), errors.len());
    assert_eq!((check.code, check.stderr.as_str()), (Some(1), want.as_str()));
}

/// `&` in a link's URL is written `&amp;` once, not `&amp;amp;`, whether the URL is in the
/// markdown or in the front matter.
#[test]
fn link_urls_are_escaped_once() {
    let dir = site(&[
        (
            "content/articles/a.md",
            "---\ntitle: \"A\"\ndate: \"2026-11-01\"\nurl: \"https://example.org/a?b=1&c=2\"\n---\n[m](https://example.org/a?b=1&c=2) \
             <https://example.org/a?b=1&c=2> [q](/wiki/x/?b=1&c=2)\n",
        ),
        ("content/wiki/x.md", "---\ntitle: \"X\"\n---\n[[A]]\n"),
    ]);
    let run = moot(dir.path(), "build", &[]);
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""));
    let page = std::fs::read_to_string(run.out.join("articles/a/index.html")).unwrap();
    assert_eq!(page.matches("href=\"https://example.org/a?b=1&amp;c=2\"").count(), 3, "{page}");
    assert!(page.contains("href=\"/wiki/x/?b=1&amp;c=2\""), "{page}");
    assert!(!page.contains("&amp;amp;"), "{page}");
    let feed = std::fs::read_to_string(run.out.join("atom.xml")).unwrap();
    assert!(
        feed.contains("href=&quot;https://example.org/a?b=1&amp;amp;c=2&quot;"),
        "once in the HTML, once more as XML: {feed}"
    );
}

const FORBIDDEN_HINT: &str =
    "  hint: remove it; an editor may show it as a box, as a code like <0x01> or ^A, or not at all";
const ESCAPE_HINT: &str =
    "  hint: remove the escape that writes it (such as \\0, \\x01, \\r or \\uFFFF) from the quoted text";

#[test]
fn control_characters_and_noncharacters_are_refused_where_they_are_written() {
    let story = |front: &str, body: &str| format!("---\n{front}\ndate: \"2026-11-01\"\n---\n{body}");
    let s = |name, front: &str, body: &str, error: &str| {
        let mut c = case(name, &[], &[error]);
        c.files.push(("content/stories/s.md", story(front, body)));
        c
    };
    let config = |name, title: &str, error: &str| {
        let mut c = case(name, &[], &[error]);
        c.files.push(("moot.toml", format!("title = {title}\nbase_url = \"https://x.example.org\"\n")));
        c
    };
    let cases = vec![
        s(
            "NUL in a title, as a YAML escape",
            "title: \"A\\0B\"",
            "Text.\n",
            &format!("content/stories/s.md:2:1: error: `title` \"A\\0B\" holds the control character U+0000 (NUL), which no page or feed may hold\n{ESCAPE_HINT}"),
        ),
        s(
            "U+FFFF in a title, as a YAML escape (it made atom.xml ill-formed)",
            "title: \"Circle \\uFFFF\"",
            "Text.\n",
            &format!("content/stories/s.md:2:1: error: `title` \"Circle \\u{{ffff}}\" holds the noncharacter U+FFFF, which no page or feed may hold\n{ESCAPE_HINT}"),
        ),
        s(
            "U+FFFF in a title, as it is",
            "title: \"Circle \u{ffff}\"",
            "Text.\n",
            &format!("content/stories/s.md:2:16: error: the file holds the noncharacter U+FFFF, which no page or feed may hold\n{FORBIDDEN_HINT}"),
        ),
        s(
            "NUL in the body",
            "title: \"S\"",
            "Line one.\nLine\0two.\n",
            &format!("content/stories/s.md:6:5: error: the file holds the control character U+0000 (NUL), which no page or feed may hold\n{FORBIDDEN_HINT}"),
        ),
        s(
            "an escape character in the body",
            "title: \"S\"",
            "Text \u{1b}[31mred\n",
            &format!("content/stories/s.md:5:6: error: the file holds the control character U+001B (escape), which no page or feed may hold\n{FORBIDDEN_HINT}"),
        ),
        s(
            "a C1 control in the body",
            "title: \"S\"",
            "Text\u{85}\n",
            &format!("content/stories/s.md:5:5: error: the file holds the control character U+0085, which no page or feed may hold\n{FORBIDDEN_HINT}"),
        ),
        s(
            "a control character in a tag",
            "title: \"S\"\ntags: [\"ok\", \"a\\x01b\"]",
            "Text.\n",
            &format!("content/stories/s.md:3:1: error: `tags` \"a\\u{{1}}b\" holds the control character U+0001, which no page or feed may hold\n{ESCAPE_HINT}"),
        ),
        s(
            "a carriage return in an author",
            "title: \"S\"\nauthor: \"Ann\\r\\nX-INJECTED: 1\"",
            "Text.\n",
            &format!("content/stories/s.md:3:1: error: `author` \"Ann\\r\\nX-INJECTED: 1\" holds the control character U+000D (carriage return), which no page or feed may hold\n{ESCAPE_HINT}"),
        ),
        config(
            "NUL in the site's title",
            "\"T\\u0000\"",
            "moot.toml:1:1: error: `title` \"T\\0\" holds the control character U+0000 (NUL), which no page or feed may hold\n  hint: remove the escape that writes it (such as \\u0000 or \\r)",
        ),
        config(
            "U+FFFE in the site's title",
            "\"T\\uFFFE\"",
            "moot.toml:1:1: error: `title` \"T\\u{fffe}\" holds the noncharacter U+FFFE, which no page or feed may hold\n  hint: remove the escape that writes it (such as \\u0000 or \\r)",
        ),
    ];
    check_all(cases);
}

/// What an entity in the markdown writes (`&#1;`, `&#xFFFF;`) is dropped: no output holds a
/// forbidden character, and every feed reads as XML, JSON or iCalendar.
#[test]
fn no_output_holds_a_forbidden_character() {
    const ENTITIES: &str = "a&#1;b&#xFFFF;c&#xFFFE;d&#x85;e&#xFDD0;f&#x1B;g&#x7F;h&#0;i";
    let dir = site(&[
        (
            "content/groups/g.md",
            &format!(
                "---\ntitle: \"G\\tH\\nI\"\n---\n# Head {ENTITIES}\n\n[[S|Link {ENTITIES}]] [x](/a \"{ENTITIES}\")\n"
            ),
        ),
        (
            "content/stories/s.md",
            &format!("---\ntitle: \"S\"\ndate: \"2026-11-01\"\ngroups: [g]\n---\n{ENTITIES}\n\n    code {ENTITIES}\n"),
        ),
        ("content/meetings/m.md", &meeting(&format!("group: g\n---\n{ENTITIES}\n---"))),
    ]);
    let run = moot(dir.path(), "build", &[]);
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""));
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&run.out) {
        let path = entry.unwrap().into_path();
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let name = path.to_string_lossy().to_string();
        // Calendar lines end in CRLF, as RFC 5545 asks; no other CR is anywhere.
        let lines = if name.ends_with(".ics") { text.replace("\r\n", "\n") } else { text.clone() };
        if let Some(c) = lines.chars().find(|&c| {
            (c.is_control() && c != '\t' && c != '\n')
                || (c as u32) & 0xFFFE == 0xFFFE
                || ('\u{fdd0}'..='\u{fdef}').contains(&c)
        }) {
            panic!("{name} holds {c:?}");
        }
        if name.ends_with(".xml") {
            roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        } else if name.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        } else if name.ends_with(".ics") {
            for cal in ical::IcalParser::new(text.as_bytes()) {
                cal.unwrap_or_else(|e| panic!("{name}: {e}"));
            }
        }
        checked += 1;
    }
    assert!(checked > 20, "{checked} files");
    let page = std::fs::read_to_string(run.out.join("stories/s/index.html")).unwrap();
    assert!(
        page.contains("<p>abcdefgh\u{fffd}i</p>"),
        "the text is kept, and &#0; is U+FFFD as CommonMark says: {page}"
    );
    // The checker itself: these would not read as XML.
    assert!(
        roxmltree::Document::parse("<a>\u{ffff}</a>").is_err() && roxmltree::Document::parse("<a>\u{1}</a>").is_err()
    );
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

#[cfg(unix)]
#[test]
fn folders_and_moot_toml_must_be_what_they_say() {
    let with = |name, errors: &[&str], setup: fn(&Path)| Case { setup, ..case(name, &[], errors) };
    check_all(vec![
        with(
            "content is a file (it built an empty site)",
            &["content: error: this is a file, not a folder\n  hint: content/ is a folder of the site: move this file \
               away and make a folder content/"],
            |root| std::fs::write(root.join("content"), "---\ntitle: \"A\"\n---\n").unwrap(),
        ),
        with(
            "static is a file",
            &["static: error: this is a file, not a folder\n  hint: static/ is a folder of the site: move this file \
               away and make a folder static/"],
            |root| std::fs::write(root.join("static"), "x").unwrap(),
        ),
        with(
            "content is a link to nothing",
            &["content: error: this is a symbolic link to \"missing\", which cannot be read: No such file or directory \
               (os error 2)"],
            |root| std::os::unix::fs::symlink("missing", root.join("content")).unwrap(),
        ),
        with(
            "moot.toml is a named pipe (reading it waited for ever)",
            &["moot.toml: error: this is a named pipe (FIFO), not a file\n  hint: moot.toml holds the site's settings: \
               make it a file, e.g. with `moot init`"],
            |root| {
                std::fs::remove_file(root.join("moot.toml")).unwrap();
                mkfifo(&root.join("moot.toml"));
            },
        ),
        with(
            "moot.toml is a folder",
            &["moot.toml: error: this is a folder, not a file\n  hint: moot.toml holds the site's settings: make it a \
               file, e.g. with `moot init`"],
            |root| {
                std::fs::remove_file(root.join("moot.toml")).unwrap();
                std::fs::create_dir(root.join("moot.toml")).unwrap();
            },
        ),
    ]);
}

const LINK_SKIPPED_HINT: &str = "  hint: moot does not follow links inside content/, static/ or a theme, which could \
                                 publish files from outside the site; put the file itself here";

/// Links inside content/ and static/ are not followed (a link to /proc/self/environ was
/// published), nor are named pipes read: each is skipped with a warning that names it.
#[cfg(unix)]
#[test]
fn symbolic_links_and_pipes_in_the_site_are_skipped_with_a_warning() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "---\ntitle: \"Secret\"\n---\nSECRET-TEXT\n").unwrap();
    std::fs::write(outside.path().join("secret.txt"), "SECRET-FILE").unwrap();
    let dir = site(&[
        ("content/wiki/page.md", "---\ntitle: \"Page\"\n---\nText.\n"),
        ("content/wiki/photo.txt", "a file of its own"),
        ("static/style-extra.css", "body {}"),
    ]);
    let root = dir.path();
    let secret_md = outside.path().join("secret.md");
    symlink(&secret_md, root.join("content/wiki/linked.md")).unwrap();
    symlink(outside.path(), root.join("content/wiki/folder")).unwrap();
    symlink("page.md", root.join("content/wiki/same.md")).unwrap();
    symlink("/proc/self/environ", root.join("content/environ.md")).unwrap();
    symlink(outside.path().join("secret.txt"), root.join("static/secret.txt")).unwrap();
    mkfifo(&root.join("content/wiki/pipe.md"));
    let run = moot(root, "build", &[]);
    let link = |shown: &str, to: &Path| {
        format!(
            "{shown}: warning: skipped: this is a symbolic link (to {:?})\n{LINK_SKIPPED_HINT}",
            to.display().to_string()
        )
    };
    let want = [
        link("content/environ.md", Path::new("/proc/self/environ")),
        link("content/wiki/folder", outside.path()),
        link("content/wiki/linked.md", &secret_md),
        "content/wiki/pipe.md: warning: skipped: this is a named pipe (FIFO), not a file or a folder\n  hint: moot \
         reads only files and folders; remove it"
            .to_string(),
        link("content/wiki/same.md", Path::new("page.md")),
        link("static/secret.txt", &outside.path().join("secret.txt")),
    ];
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), format!("{}\n", want.join("\n")).as_str()));
    assert!(run.out.join("wiki/page/index.html").exists() && run.out.join("wiki/photo.txt").exists());
    assert!(run.out.join("style-extra.css").exists());
    for entry in walkdir::WalkDir::new(&run.out) {
        let path = entry.unwrap().into_path();
        let text = std::fs::read(&path).map(|b| String::from_utf8_lossy(&b).to_string()).unwrap_or_default();
        assert!(!text.contains("SECRET") && !text.contains("PATH="), "{} holds what a link led to", path.display());
    }
    assert!(!run.out.join("secret.txt").exists() && !run.out.join("wiki/folder").exists());
}

const DATE_HINT: &str = "  hint: write the date as YYYY-MM-DD, e.g. \"2026-12-03\"";
const TIME_HINT: &str = "  hint: write \"2026-12-03 14:00\" (local time), \"2026-12-03\" (all day) or \
                         \"2026-12-03T14:00:00-08:00\" (with an offset)";
const YEAR: &str = "the year must have four digits, from 0001 to 9999";

#[test]
fn years_outside_0001_to_9999_are_errors() {
    let story = |name, date: &str| {
        let mut c = case(
            name,
            &[],
            &[&format!("content/stories/s.md:3:1: error: `date` {date:?} is not a date: {YEAR}\n{DATE_HINT}")],
        );
        c.files.push(("content/stories/s.md", format!("---\ntitle: \"S\"\ndate: \"{date}\"\n---\n")));
        c
    };
    let start = |name, start: &str| {
        let mut c = case(
            name,
            &[],
            &[&format!("content/meetings/m.md:3:1: error: {start:?} is not a date or time: {YEAR}\n{TIME_HINT}")],
        );
        c.files.push(("content/meetings/m.md", format!("---\ntitle: \"M\"\nstart: \"{start}\"\n---\n")));
        c
    };
    let mut late = case(
        "a meeting that ends past what can be placed",
        &[],
        &["content/meetings/m.md:3:1: error: the meeting ends outside the times moot can place (years 0001 to 9999 \
           in UTC)\n  hint: check the year of `start`"],
    );
    late.files
        .push(("content/meetings/m.md", meeting("duration: \"20h\"").replace("2026-12-03 14:00", "9999-12-30 12:00")));
    let mut last_day = case(
        "a meeting on the last day there is",
        &[],
        &["content/meetings/m.md:3:1: error: 9999-12-31T23:00:00 in America/Los_Angeles is outside the times moot can \
           place (years 0001 to 9999 in UTC)\n  hint: check the year of `start`"],
    );
    last_day.files.push(("content/meetings/m.md", meeting("").replace("2026-12-03 14:00", "9999-12-31 23:00")));
    let mut except = case(
        "a year of five digits in except",
        &[],
        &[&format!("content/meetings/m.md:5:1: error: `except` \"10000-01-01\" is not a date: {YEAR}\n{DATE_HINT}")],
    );
    except.files.push(("content/meetings/m.md", meeting("repeat: \"FREQ=WEEKLY;COUNT=3\"\nexcept: [\"10000-01-01\"]")));
    check_all(vec![
        story("a negative year", "-100-01-01"),
        story("a year of five digits, signed", "+10000-01-01"),
        story("a year of five digits", "10000-01-01"),
        story("a signed six-digit year, which was taken", "-009999-01-01"),
        story("the year 0", "0000-06-01"),
        start("a negative year in start", "-100-01-01 10:00"),
        start("a signed six-digit year in start", "+010000-01-01"),
        start("a negative year with an offset", "-0001-01-01T10:00:00Z"),
        late,
        last_day,
        except,
    ]);
}

/// December 9999's calendar page never ended: the day after its last day was taken to be itself.
#[test]
fn the_first_and_last_years_build() {
    let dir = site(&[
        ("content/meetings/last.md", &meeting("").replace("2026-12-03 14:00", "9999-12-30 10:00")),
        (
            "content/meetings/first.md",
            &meeting("repeat: \"FREQ=YEARLY;COUNT=2\"").replace("2026-12-03 14:00", "0001-01-01 10:00"),
        ),
        ("content/stories/s.md", "---\ntitle: \"S\"\ndate: \"9999-12-31\"\n---\n"),
    ]);
    let run = moot(dir.path(), "build", &[]);
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""));
    let december = std::fs::read_to_string(run.out.join("calendar/9999/12/index.html")).unwrap();
    assert!(december.contains("9999-12-31"), "{december}");
    assert!(run.out.join("calendar/0001/01/index.html").exists());
}

#[test]
fn feed_past_says_what_it_takes() {
    let hint = "  hint: write how far back the feeds reach, like feed_past = \"12 months\", \"2 years\" or \"90 days\"";
    let toml = |name, value: &str, why: &str| {
        let mut c = case(
            name,
            &[],
            &[&format!("moot.toml:3:1: error: `feed_past` {value:?} is not understood: {why}\n{hint}")],
        );
        c.files.push((
            "moot.toml",
            format!("title = \"T\"\nbase_url = \"https://x.example.org\"\nfeed_past = {value:?}\n"),
        ));
        c
    };
    check_all(vec![
        toml("words", "a year or so", "it is not a number and a unit of days, weeks, months or years"),
        toml("zero", "0 days", "it must be longer than zero"),
        toml("hours", "36 hours", "give it in days, weeks, months or years"),
    ]);
}

/// `timezone: PST` is answered with the zones it usually means (it suggested "EST").
#[test]
fn time_zone_abbreviations_are_answered_with_the_zones_they_mean() {
    let m = |name, zone: &str, hint: &str| {
        let mut c = case(
            name,
            &[],
            &[&format!("content/meetings/m.md:4:1: error: unknown time zone {zone:?}\n  hint: {hint}")],
        );
        c.files.push(("content/meetings/m.md", meeting(&format!("timezone: {zone}"))));
        c
    };
    check_all(vec![
        m("PST", "PST", "PST is an abbreviation, not a zone (it does not say when the clocks change); write the zone it means, usually \"America/Los_Angeles\""),
        m("lower-case cest", "cest", "CEST is an abbreviation, not a zone (it does not say when the clocks change); write the zone it means, usually \"Europe/Paris\" or \"Europe/Berlin\""),
        m("AEST", "AEST", "AEST is an abbreviation, not a zone (it does not say when the clocks change); write the zone it means, usually \"Australia/Sydney\" or \"Australia/Brisbane\""),
    ]);
}

/// A value of the wrong type is said in words, with the field and an example (it was the
/// parser's "invalid u32").
#[test]
fn type_errors_say_what_the_field_takes() {
    let m = |name, line: &str, error: &str, hint: &str| {
        let mut c = case(name, &[], &[&format!("content/meetings/m.md:4:{error}\n  hint: {hint}")]);
        c.files.push(("content/meetings/m.md", meeting(line)));
        c
    };
    check_all(vec![
        m(
            "capacity in words",
            "capacity: twelve",
            "11: error: `capacity` must be a whole number, and \"twelve\" is not one",
            "write it like capacity: 12",
        ),
        m(
            "draft maybe",
            "draft: maybe",
            "8: error: `draft` must be true or false, and \"maybe\" is not one",
            "write it like draft: true",
        ),
        m(
            "tags not a list",
            "tags: cataloging",
            "7: error: `tags` must be a list, and \"cataloging\" is not one",
            "write it like tags: [\"cataloging\", \"alma\"]",
        ),
    ]);
}

/// A group file that does not parse is one error, not one more for every meeting that names it.
#[test]
fn a_broken_group_is_one_error_not_one_per_meeting() {
    let mut c = case(
        "broken group",
        &[],
        &["content/groups/alma.md:2:1: error: the quoted text that starts on this line is not closed\n  hint: end it with `\"` on the same line, e.g. title: \"Alma\""],
    );
    c.files.push(("content/groups/alma.md", "---\ntitle: \"Alma\nleaders: [Ana\n---\n".to_string()));
    for i in 1..=3 {
        c.files.push((
            ["content/meetings/m1.md", "content/meetings/m2.md", "content/meetings/m3.md"][i - 1],
            format!("---\ntitle: \"M{i}\"\ngroup: alma\nstart: \"2027-01-0{i} 10:00\"\n---\n"),
        ));
    }
    check_all(vec![c]);
}
