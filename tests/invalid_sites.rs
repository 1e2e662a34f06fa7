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
