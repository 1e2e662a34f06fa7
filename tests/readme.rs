//! The README is a tested user guide (issue 17): every ```sh block runs, in order, in an
//! empty folder, as a newcomer would paste it, with `moot` on PATH; and no link of the README
//! or of docs/ leaves the repository.
//!
//! What cannot run here is stubbed, and only that: `cargo` (this test is cargo's), `git
//! push` (no remote), `sendmail` (no mail system), and `moot serve`, which runs for three
//! seconds on a free port and must still be serving when stopped.

use std::path::PathBuf;
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The contents of every fenced block whose info string is `lang`, in order.
fn blocks(markdown: &str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_start().strip_prefix("```")) {
            (None, Some(info)) if info.trim() == lang => current = Some(String::new()),
            (None, Some(_)) => current = Some(String::from("\u{0}")), // another language: skipped
            (Some(block), Some(_)) => {
                if !block.starts_with('\u{0}') {
                    out.push(std::mem::take(block));
                }
                current = None;
            }
            (Some(block), None) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(current.is_none(), "a code block is not closed");
    out
}

const STUBS: &str = r#"set -euo pipefail
cargo() { echo "(cargo $* is not run by this test)"; }
sendmail() { cat > /dev/null; }
git() { if [ "$1" = push ]; then echo "(git push is not run by this test)"; else command git "$@"; fi; }
moot() {
  if [ "$1" = serve ]; then
    shift
    local status=0
    timeout 3 "$MOOT" serve --port "$MOOT_PORT" "$@" || status=$?
    [ "$status" -eq 124 ] || { echo "moot serve stopped by itself ($status)"; return 1; }
  else
    "$MOOT" "$@"
  fi
}
"#;

#[test]
fn every_sh_block_of_the_readme_runs_in_order() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let sh = blocks(&readme, "sh");
    assert!(sh.len() >= 8, "the tutorial's blocks: {sh:?}");
    let script = format!(
        "{STUBS}{}",
        sh.iter()
            .map(|b| format!("echo '$ {}'\n{b}", b.lines().next().unwrap_or("").replace('\'', "")))
            .collect::<String>()
    );
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let work = dir.path().join("work");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(&work)
        .env("MOOT", env!("CARGO_BIN_EXE_moot"))
        .env("MOOT_PORT", port.to_string())
        .env("HOME", &home)
        .env("GIT_AUTHOR_NAME", "Ana Ruiz")
        .env("GIT_AUTHOR_EMAIL", "ana@example.org")
        .env("GIT_COMMITTER_NAME", "Ana Ruiz")
        .env("GIT_COMMITTER_EMAIL", "ana@example.org")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        // 2026-12-01 12:00 UTC, the README's "today": its dates stay to come.
        .env("SOURCE_DATE_EPOCH", "1796126400")
        .output()
        .unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the README's commands failed:\n{said}");
    let site = work.join("learning-groups");
    for made in [
        ".github/workflows/publish.yml",
        "content/meetings/2027/alma-office-hours.md",
        "content/meetings/2027/alma-sets-and-jobs.md",
        "public/meetings/2027/alma-office-hours/index.html",
        "public/calendar.ics",
        "office-hours.eml",
        // The pages the tutorial says to look at.
        "public/calendar/2027/03/index.html",
        "public/groups/alma-cataloging-circle/index.html",
        "public/lead/index.html",
        "public/ce/index.html",
        "public/people/ana-ruiz/index.html",
    ] {
        assert!(site.join(made).exists(), "{made} was not made:\n{said}");
    }
    assert!(!said.contains("warning:"), "the tutorial's site has nothing to warn about:\n{said}");
    let lead = std::fs::read_to_string(site.join("public/lead/index.html")).unwrap();
    assert!(lead.contains("Alma office hours: the last one"), "the open co-leader role of 23 March is on /lead/");
    let hours = std::fs::read_to_string(site.join("public/meetings/2027/alma-office-hours/index.html")).unwrap();
    assert!(hours.contains("1.5") && hours.contains("Moved to Wednesday morning"), "CE hours and the moved session");
}

/// Markdown with code blocks and code spans taken out (a URL in code is not a link).
fn prose(markdown: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced || line.starts_with("    ") {
            continue;
        }
        let mut in_code = false;
        for part in line.split('`') {
            if !in_code {
                out.push_str(part);
            }
            in_code = !in_code;
        }
        out.push('\n');
    }
    out
}

/// Every `[text](target)` and `![alt](target)` target of `text`.
fn link_targets(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        let after = &rest[i + 2..];
        let end = after.find(')').unwrap_or(after.len());
        out.push(after[..end].split_whitespace().next().unwrap_or("").to_string());
        rest = &after[end..];
    }
    out
}

#[test]
fn no_link_of_the_readme_or_docs_leaves_the_repository() {
    let mut files = vec![repo().join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(repo().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    let mut problems = Vec::new();
    for file in &files {
        let text = prose(&std::fs::read_to_string(file).unwrap());
        let name = file.strip_prefix(repo()).unwrap().display().to_string();
        for scheme in ["http://", "https://", "www."] {
            if text.contains(scheme) {
                problems.push(format!("{name}: a web address outside code ({scheme}…), which GitHub links"));
            }
        }
        let targets = link_targets(&text);
        for t in &targets {
            let path = t.split('#').next().unwrap_or("");
            let within = file.parent().unwrap().join(path);
            if t.contains(':') || path.starts_with('/') {
                problems.push(format!("{name}: link to {t}, outside the repository"));
            } else if !path.is_empty() && !within.exists() {
                problems.push(format!("{name}: link to {t}, which is not in the repository"));
            } else if !path.is_empty() && !within.canonicalize().unwrap().starts_with(repo().canonicalize().unwrap()) {
                problems.push(format!("{name}: link to {t} leaves the repository"));
            }
        }
        if name == "README.md" {
            assert!(targets.iter().any(|t| t == "docs/content-model.md"), "the README links to the content model");
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_link_finder_finds_what_it_must() {
    let text = prose("See [a](docs/a.md) and ![b](b.png \"t\"). `[no](x)`\n```\n[no](y)\n```\n");
    assert_eq!(link_targets(&text), ["docs/a.md", "b.png"]);
    assert_eq!(blocks("```sh\na\n```\n```text\nb\n```\n```sh\nc\n```\n", "sh"), ["a\n", "c\n"]);
}
