//! `cargo xtask serve`: the main job on a fresh machine. Builds the browser bundle and the
//! `heirloom` command, assembles the demo program into a library folder, and starts
//! `heirloom serve` on it: the C64 on the open ROM with something to run.
//!
//! Data (accounts, certificate, saves) stays in `target/serve/data` between runs; the
//! first start prints the one-time setup link for the first administrator.

use std::process::Command;

use crate::project_root;

/// Builds everything and runs the server until it is stopped; `extra` goes to
/// `heirloom serve` (e.g. `--listen 0.0.0.0:8443`).
pub fn run(extra: &[String]) -> Result<(), String> {
    crate::web::run()?;
    let root = project_root();
    println!("xtask: building the heirloom command");
    crate::run_command(crate::cargo().args(["build", "--release", "--package", "heirloom-cli"]))?;
    let heirloom = root.join("target/release/heirloom");
    let library = root.join("target/serve/library");
    std::fs::create_dir_all(&library).map_err(|err| format!("{}: {err}", library.display()))?;
    crate::run_command(
        Command::new(&heirloom)
            .arg("asm")
            .arg(root.join("web/demo/demo.s"))
            .arg("-o")
            .arg(library.join("demo.prg")),
    )?;
    println!("xtask: heirloom serve (Ctrl+C stops it)");
    crate::run_command(
        Command::new(&heirloom)
            .arg("serve")
            .arg("--library")
            .arg(&library)
            .arg("--web-dir")
            .arg(root.join("web/dist"))
            .arg("--data-dir")
            .arg(root.join("target/serve/data"))
            .args(extra),
    )
}
