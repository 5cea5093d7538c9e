//! `cargo xtask test`: every check the project has, with one summary line at the end.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::{cargo, project_root};

/// Tallies of passed and failed tests and checks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Tally {
    passed: u64,
    failed: u64,
}

impl Tally {
    fn check(&mut self, ok: bool) {
        if ok {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
    }
}

/// Runs setup, formatting, clippy and the tests; `extra` is passed on to `cargo test`.
pub fn run(extra: &[String]) -> Result<(), String> {
    crate::setup::run()?;
    report_suites();
    let mut tally = Tally::default();

    println!("xtask: cargo fmt --check");
    let formatted = cargo()
        .args(["fmt", "--all", "--check"])
        .status()
        .is_ok_and(|s| s.success());
    println!(
        "xtask: formatting {}",
        if formatted { "ok" } else { "FAILED" }
    );
    tally.check(formatted);

    println!("xtask: cargo clippy -D warnings");
    let clippy = cargo()
        .args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ])
        .status()
        .is_ok_and(|s| s.success());
    println!("xtask: clippy {}", if clippy { "ok" } else { "FAILED" });
    tally.check(clippy);

    println!("xtask: cargo test");
    let tests = run_tests(extra)?;
    tally.passed += tests.passed;
    tally.failed += tests.failed;

    let browser = browser_test();
    println!(
        "xtask: browser test {}",
        if browser.failed == 0 { "ok" } else { "FAILED" }
    );
    tally.passed += browser.passed;
    tally.failed += browser.failed;

    println!("{} passed, {} failed", tally.passed, tally.failed);
    if tally.failed == 0 {
        Ok(())
    } else {
        Err(format!("{} failed", tally.failed))
    }
}

/// Builds the browser bundle and runs the headless-Chromium test on it
/// (`web/tests/e2e.mjs`), counting its checks.
fn browser_test() -> Tally {
    let mut tally = Tally::default();
    println!("xtask: cargo xtask web");
    if let Err(err) = crate::web::run() {
        println!("xtask: the browser bundle does not build: {err}");
        tally.check(false);
        return tally;
    }
    let web = project_root().join("web");
    // The page alone, then the page behind the server (with the `heirloom` command the
    // tests built).
    for script in ["tests/e2e.mjs", "tests/server-e2e.mjs"] {
        println!("xtask: node {script}");
        let output = Command::new("node")
            .arg(script)
            .current_dir(&web)
            .env("HEIRLOOM_BIN", cargo_target_dir().join("debug/heirloom"))
            .stderr(Stdio::inherit())
            .output();
        let Ok(output) = output else {
            println!("xtask: cannot run node");
            tally.check(false);
            continue;
        };
        let text = String::from_utf8_lossy(&output.stdout);
        print!("{text}");
        let before = tally.failed;
        for line in text.lines() {
            if let Some(verdict) = line.strip_prefix("e2e: ") {
                if verdict.starts_with("ok ") {
                    tally.check(true);
                } else if verdict.starts_with("FAIL") {
                    tally.check(false);
                }
            }
        }
        if !output.status.success() && tally.failed == before {
            tally.check(false);
        }
    }
    tally
}

/// Says where the conformance suites are looked for, so a skipped suite is no surprise.
fn report_suites() {
    let suites = std::env::var_os("HEIRLOOM_SUITES")
        .map(PathBuf::from)
        .unwrap_or_else(|| project_root().join("../shared/suites"));
    let found = if suites.is_dir() {
        "found"
    } else {
        "NOT FOUND: suite tests will skip (fail under CI=true)"
    };
    println!(
        "xtask: conformance suites at {} ({found})",
        suites.display()
    );
}

/// Runs `cargo test` on the whole workspace, echoing its output and adding up its
/// `test result:` lines.
fn run_tests(extra: &[String]) -> Result<Tally, String> {
    let mut child = cargo()
        .args(["test", "--workspace", "--no-fail-fast"])
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot run cargo test: {err}"))?;
    let mut tally = Tally::default();
    let stdout = child.stdout.take().expect("stdout is piped");
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|err| format!("reading cargo test output: {err}"))?;
        println!("{line}");
        if let Some(result) = parse_test_result(&line) {
            tally.passed += result.passed;
            tally.failed += result.failed;
        }
    }
    let status = child
        .wait()
        .map_err(|err| format!("waiting for cargo test: {err}"))?;
    if !status.success() && tally.failed == 0 {
        // A test binary that crashed or failed to build reports no failures of its own.
        println!("xtask: cargo test failed ({status}) without reporting a failed test");
        tally.failed += 1;
    }
    Ok(tally)
}

/// Reads a libtest summary line: `test result: ok. 12 passed; 0 failed; 1 ignored; …`.
fn parse_test_result(line: &str) -> Option<Tally> {
    let rest = line.trim().strip_prefix("test result: ")?;
    let (_, counts) = rest.split_once(". ")?;
    let mut tally = Tally::default();
    for part in counts.split(';') {
        let mut words = part.split_whitespace();
        let count = words.next()?.parse().ok();
        match (count, words.next()) {
            (Some(count), Some("passed")) => tally.passed = count,
            (Some(count), Some("failed")) => tally.failed = count,
            _ => {}
        }
    }
    Some(tally)
}

/// Where cargo puts what it builds: `CARGO_TARGET_DIR` (unless empty), or `target` in the
/// project.
pub(crate) fn cargo_target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => project_root().join(dir),
        _ => project_root().join("target"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libtest_summaries() {
        let line = "test result: FAILED. 12 passed; 3 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.05s";
        assert_eq!(
            parse_test_result(line),
            Some(Tally {
                passed: 12,
                failed: 3
            })
        );
        let line = "test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out";
        assert_eq!(parse_test_result(line), Some(Tally::default()));
        assert_eq!(parse_test_result("running 5 tests"), None);
    }
}
