//! `heirloom`: runs legacy software on Heirloom's cores, and the project's tools.
//!
//! Exit status (scripts rely on it): 0 success; 1 an error, explained in one line on
//! stderr (also `headless --limit-cycles` reached); 2 a usage error; 3 `headless
//! --until-text` never saw its text.

mod asm;
mod cores;
mod error;
mod files;
mod headless;
mod run;
mod wasm;
mod wav;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Heirloom runs classic software (C64 programs, disks, cartridges and tunes; legacy apps
/// compiled to WebAssembly) on today's machines.
#[derive(Debug, Parser)]
#[command(name = "heirloom", version, propagate_version = true)]
#[command(after_help = "Examples:
  heirloom run game.d64
  heirloom headless game.prg --seconds 5 --screenshot shot.png
  heirloom asm border.s --basic-loader -o border.bas
  heirloom disasm border.prg
  heirloom serve --library apps/
  heirloom user add alice
  heirloom headless --help

Exit status: 0 success; 1 error (one line on stderr) or headless --limit-cycles
reached; 2 usage error; 3 headless --until-text never saw its text.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Run(Box<run::RunArgs>),
    Headless(Box<headless::HeadlessArgs>),
    Asm(asm::AsmArgs),
    Disasm(asm::DisasmArgs),
    Wasm(wasm::WasmArgs),
    /// Serve the browser page and a library of apps over HTTPS, behind a login with a
    /// second factor.
    #[command(
        after_help = "Example:\n  heirloom serve --listen 0.0.0.0:8443 --library apps/ --data-dir /var/lib/heirloom\n\nThe first start prints a one-time setup link where the first administrator sets a\npassword and enrols an authenticator app; there is no default password."
    )]
    Serve(Box<heirloom_server::ServeArgs>),
    /// Manage the server's accounts.
    #[command(after_help = "Example:\n  heirloom user add alice --data-dir /var/lib/heirloom")]
    User {
        #[command(subcommand)]
        command: heirloom_server::UserCommand,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Headless(args) => headless::run(&args),
        Command::Asm(args) => asm::run_asm(&args),
        Command::Disasm(args) => asm::run_disasm(&args),
        Command::Wasm(args) => wasm::run(&args),
        Command::Serve(args) => heirloom_server::serve(*args)
            .map(|()| ExitCode::SUCCESS)
            .map_err(Into::into),
        Command::User { command } => heirloom_server::user(command)
            .map(|()| ExitCode::SUCCESS)
            .map_err(Into::into),
    };
    match outcome {
        Ok(code) => code,
        Err(err) => {
            eprintln!("heirloom: {err}");
            ExitCode::FAILURE
        }
    }
}
