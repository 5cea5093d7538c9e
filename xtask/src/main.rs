//! `cargo xtask`: the project's automation, in Rust so it runs wherever cargo does.
//!
//! - `cargo xtask setup` checks the Debian packages the project's parts need and installs
//!   the missing ones (with `apt-get` when root; otherwise it prints the command to run).
//! - `cargo xtask test` runs setup, then every check: formatting, clippy with warnings as
//!   errors, and every unit, integration and conformance test, and ends with the line
//!   `N passed, N failed`.

mod bench;
mod serve;
mod setup;
mod test;
mod web;

use std::path::PathBuf;

use std::process::{Command, ExitCode};

pub(crate) use setup::run_command;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  setup   check the system packages the project needs; install the missing ones
  test    setup, then formatting, clippy and every test, ending in `N passed, N failed`
  web     build the browser bundle into web/dist and print its raw and gzip sizes
  bench [cpu|machine|interp|wasm|serve]
          the benchmarks, each beside its peer (all of them without a name)
  serve   the main job: build the page and the command, then serve the C64 with a demo
          program over HTTPS behind a login (arguments go to `heirloom serve`)

environment:
  HEIRLOOM_SUITES   folder of the third-party conformance suites (default ../shared/suites)
  CI=true           a missing conformance suite fails instead of being skipped";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("setup") => setup::run(),
        Some("test") => test::run(&args[1..]),
        Some("web") => setup::run().and_then(|()| web::run()),
        Some("bench") => bench::run(args.get(1).map(String::as_str)),
        Some("serve") => setup::run().and_then(|()| serve::run(&args[1..])),
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The project's root folder (the workspace's).
pub(crate) fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the project")
        .to_path_buf()
}

/// `cargo` (the one running xtask), in the project's root folder.
pub(crate) fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(project_root());
    command
}
