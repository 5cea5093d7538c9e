//! `cargo xtask web`: builds the browser bundle into `web/dist` and reports its size.
//!
//! The rustup toolchain has no standard library for wasm32, so the frontend is built with
//! Debian's `rustc-web` and its std sources (`-Zbuild-std`), in a target folder of its
//! own; `wasm-bindgen` (the CLI of the exact crate version) writes the JS glue and
//! `wasm-opt` from npm's binaryen shrinks the module.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::project_root;

/// The wasm-bindgen version the frontend pins; its CLI must match.
const WASM_BINDGEN_VERSION: &str = "0.2.130";
/// The page's own files, copied next to the built module.
const PAGE_FILES: &[&str] = &[
    "index.html",
    "main.js",
    "audio-worklet.js",
    "wasm-app.js",
    "style.css",
    "sw.js",
    "manifest.webmanifest",
];
/// Wasm features the Rust compiler uses by default, which wasm-opt must keep.
const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// Builds `web/dist` and prints each file's raw and gzip size.
pub fn run() -> Result<(), String> {
    let root = project_root();
    ensure_wasm_bindgen()?;
    let target = root.join("target/web");
    println!("xtask: building the browser frontend for wasm32");
    crate::run_command(
        Command::new("/usr/bin/cargo")
            .current_dir(root.join("frontends/web"))
            .env("RUSTC", "/usr/bin/rustc")
            .env("RUSTC_BOOTSTRAP", "1")
            .env("CARGO_TARGET_DIR", &target)
            .env_remove("RUSTUP_TOOLCHAIN")
            .env_remove("CARGO")
            .args([
                "build",
                "--release",
                "--locked",
                "-Zbuild-std=std,panic_abort",
                "--target",
                "wasm32-unknown-unknown",
            ]),
    )?;
    let dist = root.join("web/dist");
    if dist.exists() {
        std::fs::remove_dir_all(&dist).map_err(|err| format!("{}: {err}", dist.display()))?;
    }
    crate::run_command(
        Command::new("wasm-bindgen")
            .args(["--target", "web", "--no-typescript", "--out-dir"])
            .arg(&dist)
            .arg(target.join("wasm32-unknown-unknown/release/heirloom_web.wasm")),
    )?;
    // wasm-opt from npm's binaryen, pinned in web/package-lock.json (Debian's older one
    // corrupts wgpu's output).
    install_node_packages(&root.join("web"))?;
    let module = dist.join("heirloom_web_bg.wasm");
    crate::run_command(
        Command::new(root.join("web/node_modules/.bin/wasm-opt"))
            .arg("-Oz")
            .args(WASM_FEATURES)
            .arg(&module)
            .arg("-o")
            .arg(&module),
    )?;
    for file in PAGE_FILES {
        let from = root.join("web").join(file);
        std::fs::copy(&from, dist.join(file))
            .map_err(|err| format!("{}: {err}", from.display()))?;
    }
    report_sizes(&dist)
}

/// Installs the page's node packages (binaryen, and playwright-core for the browser test)
/// as `web/package-lock.json` pins them, unless the installed ones are newer than the lock
/// file.
pub fn install_node_packages(web: &Path) -> Result<(), String> {
    let modified = |file: &str| {
        std::fs::metadata(web.join(file))
            .and_then(|m| m.modified())
            .ok()
    };
    if let (Some(lock), Some(installed)) = (
        modified("package-lock.json"),
        modified("node_modules/.package-lock.json"),
    ) && installed >= lock
    {
        return Ok(());
    }
    crate::run_command(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(web),
    )
}

/// Installs the wasm-bindgen CLI of the pinned version unless it is already there.
fn ensure_wasm_bindgen() -> Result<(), String> {
    let installed = Command::new("wasm-bindgen")
        .arg("--version")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains(WASM_BINDGEN_VERSION));
    if installed {
        return Ok(());
    }
    println!("xtask: installing wasm-bindgen-cli {WASM_BINDGEN_VERSION} (once; about ten minutes)");
    crate::run_command(crate::cargo().args([
        "install",
        "wasm-bindgen-cli",
        "--version",
        WASM_BINDGEN_VERSION,
    ]))
}

/// Prints every file of `dist` with its raw and gzip sizes, and the totals.
fn report_sizes(dist: &Path) -> Result<(), String> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dist)
        .map_err(|err| format!("{}: {err}", dist.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file())
        .collect();
    entries.sort();
    let (mut raw_total, mut gzip_total) = (0, 0);
    println!("{:<28} {:>10} {:>10}", "web/dist", "raw", "gzip -9");
    for path in &entries {
        let raw = std::fs::metadata(path)
            .map_err(|err| err.to_string())?
            .len();
        let gzip = gzip_size(path)?;
        raw_total += raw;
        gzip_total += gzip;
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        println!("{name:<28} {raw:>10} {gzip:>10}");
    }
    println!("{:<28} {raw_total:>10} {gzip_total:>10}", "total");
    Ok(())
}

/// The size of `path` compressed with `gzip -9`.
fn gzip_size(path: &Path) -> Result<u64, String> {
    let output = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .map_err(|err| format!("cannot run gzip: {err}"))?;
    Ok(output.stdout.len() as u64)
}
