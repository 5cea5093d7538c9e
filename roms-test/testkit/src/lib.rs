//! Test support shared by every crate's tests.
//!
//! Third-party conformance suites live outside the repository (see the README's
//! Development section). Tests find them through the `HEIRLOOM_SUITES` environment
//! variable, defaulting to `../shared/suites` beside the project root. A missing suite is
//! skipped loudly during development and is a hard failure under `CI=true`.

use std::path::{Path, PathBuf};
use std::process::Command;

pub mod golden;
pub mod x11;

/// The project root (the folder holding the workspace `Cargo.toml`).
pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .and_then(|roms_test| roms_test.parent())
        .expect("testkit lives two levels below the project root")
        .to_path_buf()
}

/// The project's own test programs and golden outputs (`roms-test/`).
pub fn roms_test_dir() -> PathBuf {
    project_root().join("roms-test")
}

/// The folder holding every third-party suite: `$HEIRLOOM_SUITES`, or
/// `../shared/suites` beside the project root.
pub fn suites_root() -> PathBuf {
    match std::env::var_os("HEIRLOOM_SUITES") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => project_root().join("../shared/suites"),
    }
}

/// Whether the tests run under continuous integration (`CI=true`), where a missing
/// suite must fail rather than skip.
pub fn running_under_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true")
}

/// Locates the suite folder `name` (e.g. `"klaus-dormann"`).
///
/// Returns `None` after printing a loud `SKIPPED` line when the folder is absent, so the
/// caller can return early. Under `CI=true` an absent suite panics instead: CI must never
/// pass by skipping.
pub fn suite(name: &str) -> Option<PathBuf> {
    let dir = suites_root().join(name);
    if dir.is_dir() {
        return Some(dir);
    }
    let message = format!(
        "suite `{name}` not found at {}; set HEIRLOOM_SUITES to the folder holding the suites",
        dir.display()
    );
    assert!(
        !running_under_ci(),
        "{message} (CI=true: a missing suite is a failure)"
    );
    eprintln!("SKIPPED: {message}");
    None
}

/// Compiles a freestanding C file (no libc, no entry point) to wasm32 with clang-22 at
/// `-O2`, for benchmarks; `None`, with a loud `SKIPPED` line, when the file or clang is
/// missing (`cargo xtask setup` installs clang).
pub fn freestanding_wasm(source: &Path) -> Option<Vec<u8>> {
    if !source.exists() {
        eprintln!("SKIPPED: {} is missing", source.display());
        return None;
    }
    let output = std::env::temp_dir().join(format!(
        "heirloom-wasm-{}-{}.wasm",
        source.file_stem()?.to_string_lossy(),
        std::process::id()
    ));
    let status = Command::new("clang-22")
        .args([
            "--target=wasm32-unknown-unknown",
            "-O2",
            "-nostdlib",
            "-Wl,--no-entry",
            "-o",
        ])
        .arg(&output)
        .arg(source)
        .status();
    match status {
        Ok(status) if status.success() => {
            let bytes = std::fs::read(&output).ok();
            let _ = std::fs::remove_file(&output);
            bytes
        }
        _ => {
            eprintln!(
                "SKIPPED: clang-22 could not compile {} (cargo xtask setup installs it)",
                source.display()
            );
            None
        }
    }
}

/// Binaryen's `wasm-opt`, as `web/package-lock.json` pins it (`cargo xtask setup` installs
/// it with npm); `None`, with a loud `SKIPPED` line, when it is not installed. Under
/// `CI=true` a missing `wasm-opt` panics.
pub fn wasm_opt() -> Option<PathBuf> {
    let path = project_root().join("web/node_modules/.bin/wasm-opt");
    if path.exists() {
        return Some(path);
    }
    let message = format!(
        "{} is missing (cargo xtask setup installs it)",
        path.display()
    );
    assert!(!running_under_ci(), "{message}");
    eprintln!("SKIPPED: {message}");
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_root_holds_the_workspace_manifest() {
        let manifest = std::fs::read_to_string(project_root().join("Cargo.toml")).unwrap();
        assert!(manifest.contains("[workspace]"));
    }
}
