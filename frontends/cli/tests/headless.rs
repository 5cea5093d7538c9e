//! `heirloom headless` run as a real process: bad input gives one clear line and a
//! non-zero exit, never a panic.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use heirloom_shell::state;

/// A scratch folder for one test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(test: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("heirloom-cli-{test}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn heirloom(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heirloom"))
        .args(args)
        .output()
        .unwrap()
}

fn path(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Asserts the run failed with status `code` and exactly one line on stderr that
/// contains `message`; returns that line.
fn assert_one_line_failure(output: &Output, code: i32, message: &str) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    assert_eq!(
        stderr.lines().count(),
        1,
        "expected one line, got: {stderr}"
    );
    assert!(
        stderr.contains(message),
        "expected `{message}` in: {stderr}"
    );
    stderr.trim_end().to_owned()
}

const PROGRAM: &[u8] = &[
    0x01, 0x08, 0x0b, 0x08, 0x0a, 0x00, 0x9e, 0x32, 0x30, 0x36, 0x31,
];

#[test]
fn a_file_of_unknown_format_is_refused() {
    let scratch = Scratch::new("unknown");
    let junk = scratch.file("junk.bin", &[0x13, 0x37, 0xca, 0xfe, 0x00, 0xff]);
    let line = assert_one_line_failure(
        &heirloom(&["headless", path(&junk)]),
        1,
        "unrecognised file format",
    );
    assert!(line.starts_with("heirloom: junk.bin: "), "{line}");
}

#[test]
fn a_missing_file_is_named() {
    let output = heirloom(&["headless", "/nonexistent/game.prg"]);
    assert_one_line_failure(&output, 1, "cannot read /nonexistent/game.prg");
}

#[test]
fn an_archive_with_nothing_loadable_says_so() {
    let scratch = Scratch::new("emptyzip");
    // An empty zip: just the end-of-central-directory record.
    let mut zip = b"PK\x05\x06".to_vec();
    zip.extend_from_slice(&[0; 18]);
    let archive = scratch.file("empty.zip", &zip);
    assert_one_line_failure(
        &heirloom(&["headless", path(&archive)]),
        1,
        "empty.zip: nothing in it can be loaded",
    );
}

#[test]
fn a_truncated_archive_is_refused() {
    let scratch = Scratch::new("badzip");
    let archive = scratch.file("cut.zip", b"PK\x03\x04\x14\x00\x00\x00");
    assert_one_line_failure(
        &heirloom(&["headless", path(&archive)]),
        1,
        "cut.zip: not a readable zip archive",
    );
}

#[test]
fn a_corrupt_state_is_refused_before_anything_runs() {
    let scratch = Scratch::new("corrupt");
    let program = scratch.file("game.prg", PROGRAM);
    let mut bytes = state::encode("c64", 1, &[7; 100]);
    bytes[50] ^= 0x40;
    let state_file = scratch.file("damaged.state", &bytes);
    let output = heirloom(&["headless", path(&program), "--state-in", path(&state_file)]);
    let line = assert_one_line_failure(&output, 1, "save state corrupted (checksum mismatch)");
    assert!(line.contains("damaged.state: "), "{line}");
}

#[test]
fn a_truncated_state_is_refused() {
    let scratch = Scratch::new("truncated");
    let program = scratch.file("game.prg", PROGRAM);
    let bytes = state::encode("c64", 1, &[7; 100]);
    let state_file = scratch.file("short.state", &bytes[..60]);
    let output = heirloom(&["headless", path(&program), "--state-in", path(&state_file)]);
    assert_one_line_failure(&output, 1, "save state truncated: 60 of");
}

#[test]
fn a_file_that_is_no_state_at_all_is_refused() {
    let scratch = Scratch::new("nostate");
    let program = scratch.file("game.prg", PROGRAM);
    let state_file = scratch.file("notes.txt", b"just some notes\n");
    let output = heirloom(&["headless", path(&program), "--state-in", path(&state_file)]);
    assert_one_line_failure(&output, 1, "notes.txt: not a Heirloom save state");
}

#[test]
fn usage_errors_exit_with_2() {
    let output = heirloom(&["headless", "x.prg", "--frames", "5", "--seconds", "1"]);
    assert_eq!(output.status.code(), Some(2));
    let output = heirloom(&["headless", "x.prg", "--seconds", "0"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a positive number of seconds"));
}

#[test]
fn help_and_version_teach_the_command() {
    let help = heirloom(&["headless", "--help"]);
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    for expected in ["--until-text", "--state-in", "Examples:", "Exit status"] {
        assert!(text.contains(expected), "help lacks {expected}");
    }
    let version = heirloom(&["--version"]);
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("heirloom "));
}
