//! One folder per kind of invalid input under `tests/fixtures/invalid/`; each holds a site
//! and `expected.txt`, whose lines must all appear in the error output of `moot build` (or
//! of `moot check`, for folders holding a `check-only` file: problems that `build` only
//! warns about), and the command must fail without writing anything.

use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid")
}

fn check_case(dir: &Path) -> Result<(), String> {
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    let command = if dir.join("check-only").exists() { "check" } else { "build" };
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_moot"));
    cmd.args([command, "--root"]).arg(dir);
    if command == "build" {
        cmd.arg("--output").arg(&output);
    }
    let result = cmd.env("SOURCE_DATE_EPOCH", "1795608000").output().unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr).to_string();
    if result.status.success() {
        return Err(format!("{}: the build succeeded but should have failed", dir.display()));
    }
    if output.exists() {
        return Err(format!("{}: a failed build wrote {}", dir.display(), output.display()));
    }
    let expected = std::fs::read_to_string(dir.join("expected.txt")).unwrap();
    for line in expected.lines().filter(|l| !l.is_empty()) {
        if !stderr.contains(line) {
            return Err(format!("{}: expected\n  {line}\nin the output:\n{stderr}", dir.display()));
        }
    }
    if !stderr.contains("nothing was written") {
        return Err(format!("{}: no closing line in\n{stderr}", dir.display()));
    }
    Ok(())
}

#[test]
fn every_invalid_site_fails_with_its_message() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(fixtures()).unwrap().map(|e| e.unwrap().path()).collect();
    cases.sort();
    assert!(cases.len() >= 20, "fixtures missing: {cases:?}");
    let failures: Vec<String> = cases.iter().filter_map(|c| check_case(c).err()).collect();
    assert!(failures.is_empty(), "{} of {} cases failed:\n\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}

/// Builds a site whose one meeting has `front` (YAML lines after its title) and returns the
/// exit code and the error output of `moot build`.
fn build_meeting(front: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("moot.toml"),
        "title = \"T\"\nbase_url = \"https://x.example.org\"\ntimezone = \"America/Los_Angeles\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("content/meetings")).unwrap();
    std::fs::write(root.join("content/meetings/x.md"), format!("---\ntitle: \"X\"\n{front}\n---\nText.\n")).unwrap();
    let result = std::process::Command::new(env!("CARGO_BIN_EXE_moot"))
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(root.join("public"))
        .env("SOURCE_DATE_EPOCH", "1795608000")
        .output()
        .unwrap();
    (result.status.code(), String::from_utf8_lossy(&result.stderr).to_string())
}

const START: &str = "start: \"2026-12-03 14:00\"";
const TIME_HINT: &str = "  hint: write \"2026-12-03 14:00\" (local time), \"2026-12-03\" (all day) or \
                         \"2026-12-03T14:00:00-08:00\" (with an offset)";
const RULE_HINT: &str = "  hint: write an RFC 5545 rule, e.g. \"FREQ=WEEKLY;COUNT=6\" or \"FREQ=MONTHLY;BYDAY=1TU\"";

/// Values that made moot panic (exit 101) or let a line break into the calendar feeds: each
/// is now one error with its place, what is wrong and what to write, and the build exits 1.
#[test]
fn bad_times_rules_and_durations_are_errors_not_panics() {
    let repeat = |rule: &str| format!("{START}\nrepeat: \"{rule}\"");
    let not_a_rule =
        |why: &str| format!("content/meetings/x.md:4:1: error: `repeat` is not a valid RRULE: {why}\n{RULE_HINT}");
    let cases: Vec<(&str, String, String)> = vec![
        (
            "an en dash in start",
            "start: \"2026-12-03 14:00 – 16:00\"".into(),
            format!(
                "content/meetings/x.md:3:1: error: \"2026-12-03 14:00 – 16:00\" is not a date or time: it looks like \
                 a range; write the start alone and the end in `end` (or give a `duration`)\n{TIME_HINT}"
            ),
        ),
        (
            "a non-ASCII letter in start",
            "start: \"2026-12-03 14:00:0é\"".into(),
            format!(
                "content/meetings/x.md:3:1: error: \"2026-12-03 14:00:0é\" is not a date or time: 'é' cannot be part \
                 of one\n{TIME_HINT}"
            ),
        ),
        (
            "a non-ASCII letter in end",
            format!("{START}\nend: \"2026-12-03 16:00日\""),
            format!(
                "content/meetings/x.md:4:1: error: \"2026-12-03 16:00日\" is not a date or time: '日' cannot be part \
                 of one\n{TIME_HINT}"
            ),
        ),
        (
            "BYDAY not a day",
            repeat("FREQ=WEEKLY;BYDAY=日"),
            not_a_rule(
                "BYDAY value \"日\" is not a day; write MO, TU, WE, TH, FR, SA or SU, optionally with a number \
                 (1TU, -1FR)",
            ),
        ),
        (
            "a line feed injected into repeat",
            repeat("FREQ=WEEKLY;BYDAY=MO,\\nX-INJECTED TU"),
            not_a_rule(
                "\"BYDAY=MO,\\nX-INJECTED TU\" holds a line break ('\\n'); write the whole rule on one line, its \
                 parts separated by \";\"",
            ),
        ),
        (
            "a CR LF injected into repeat",
            repeat("FREQ=WEEKLY;COUNT=3\\r\\nX-INJECTED:1"),
            not_a_rule(
                "\"COUNT=3\\r\\nX-INJECTED:1\" holds a line break ('\\r'); write the whole rule on one line, its \
                 parts separated by \";\"",
            ),
        ),
        (
            "a space after UNTIL=",
            repeat("FREQ=WEEKLY;UNTIL= 20270101"),
            not_a_rule("\"UNTIL= 20270101\" has a space around \"=\"; write UNTIL=20270101"),
        ),
        (
            "a space inside UNTIL",
            repeat("FREQ=WEEKLY;UNTIL=2027 0101"),
            not_a_rule(
                "UNTIL value \"2027 0101\" is not a date or UTC time; write 8 digits for the last day (20270601) \
                 or a UTC time (20270601T000000Z), with no spaces",
            ),
        ),
        (
            "COUNT and UNTIL together",
            repeat("FREQ=WEEKLY;COUNT=4;UNTIL=20270101"),
            not_a_rule(
                "COUNT and UNTIL are both given, which RFC 5545 does not allow; keep COUNT (how many times) or \
                 UNTIL (the last day)",
            ),
        ),
        (
            "BYMONTH out of range",
            repeat("FREQ=YEARLY;BYMONTH=13"),
            not_a_rule("BYMONTH value \"13\" is not a month; write whole numbers from 1 to 12, separated by commas"),
        ),
        (
            "a duration in words",
            format!("{START}\nduration: \"two hours\""),
            "content/meetings/x.md:4:1: error: duration \"two hours\" is not understood: each unit needs a number in \
             digits before it\n  hint: write it like \"2h\", \"90m\" or \"1h30m\""
                .into(),
        ),
        (
            "a duration with a decimal point",
            format!("{START}\nduration: \"1.5h\""),
            "content/meetings/x.md:4:1: error: duration \"1.5h\" is not understood: write whole numbers, e.g. \
             \"1h30m\" rather than \"1.5h\"\n  hint: write it like \"2h\", \"90m\" or \"1h30m\""
                .into(),
        ),
    ];
    let mut failures = Vec::new();
    for (name, front, expected) in &cases {
        let (code, stderr) = build_meeting(front);
        let want = format!("{expected}\n1 error — nothing was written\n");
        if code != Some(1) || stderr != want {
            failures.push(format!("{name}: exit {code:?}, expected 1; error output:\n{stderr}\nexpected:\n{want}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn a_duration_in_digits_and_words_is_fine() {
    let (code, stderr) = build_meeting(&format!("{START}\nduration: \"2 hours\""));
    assert_eq!(code, Some(0), "{stderr}");
}
