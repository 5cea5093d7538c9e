//! Which core runs which media, and how it is set up.
//!
//! Cores know nothing of the command; the command knows cores only here, as
//! `Box<dyn Core>` behind the shell's contract.

use std::path::{Path, PathBuf};

use heirloom_c64::{C64, RomSet};
use heirloom_shell::{Core, Media, MediaError, MediaKind};
use heirloom_wasmapp::WasmApp;

use crate::error::CliError;

/// What a user can tell the command about the machine to build.
#[derive(Debug, Default, clap::Args)]
pub struct MachineArgs {
    /// Folder with your own C64 ROM images: kernal, basic and chargen (VICE names such as
    /// kernal-901227-03.bin, or plain names).
    #[arg(long, value_name = "DIR", conflicts_with = "roms")]
    pub rom_dir: Option<PathBuf>,
    /// A zip archive with your own C64 ROM images (as for --rom-dir).
    #[arg(long, value_name = "FILE.zip")]
    pub roms: Option<PathBuf>,
    /// Print what the machine is built from (e.g. the ROM images' CRC-32s) on stderr.
    #[arg(long, short)]
    pub verbose: bool,
    /// What runs a wasm app's code.
    #[arg(long, value_enum, default_value_t = AppEngine::Jit)]
    pub engine: AppEngine,
    /// The folder a wasm app's WASI program may use for its files (it cannot leave it);
    /// without it, each app gets an empty folder in memory.
    #[arg(long, value_name = "DIR")]
    pub app_files: Option<PathBuf>,
}

/// What runs a wasm app's code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum AppEngine {
    /// Native code compiled by Cranelift.
    #[default]
    Jit,
    /// Heirloom's portable interpreter.
    Interp,
}

impl AppEngine {
    /// The wasm-app core's `engine` option value.
    fn option_value(self) -> &'static str {
        match self {
            AppEngine::Jit => "jit",
            AppEngine::Interp => "interp",
        }
    }
}

/// Reads media from `path`, unpacking a zip archive (its `member` when given; when the
/// archive holds several loadable files and none is given, the error names them).
pub fn read_media(path: &Path, member: Option<&str>) -> Result<(Media, MediaKind), CliError> {
    let media = Media::from_path(path)?;
    Ok(match member {
        Some(member) => media.unpack_member(member)?,
        None => media.unpack().map_err(|err| match err {
            MediaError::Ambiguous {
                archive,
                candidates,
            } => CliError::ChooseMember {
                archive,
                candidates: candidates.join(", "),
            },
            other => other.into(),
        })?,
    })
}

/// The machine started when no media is given: the C64, at its READY. prompt.
pub fn default_core(machine: &MachineArgs) -> Result<Box<dyn Core>, CliError> {
    core_for("", MediaKind::Prg, machine)
}

/// Makes a fresh core able to run media of `kind`.
pub fn core_for(
    name: &str,
    kind: MediaKind,
    machine: &MachineArgs,
) -> Result<Box<dyn Core>, CliError> {
    match kind {
        MediaKind::Prg
        | MediaKind::P00
        | MediaKind::T64
        | MediaKind::D64
        | MediaKind::G64
        | MediaKind::Crt
        | MediaKind::Sid => {
            let roms = c64_roms(machine)?;
            if machine.verbose {
                for line in roms.describe() {
                    eprintln!("heirloom: {line}");
                }
            }
            Ok(Box::new(C64::new(roms)))
        }
        MediaKind::Wasm => {
            let mut app = WasmApp::new();
            app.set_option("engine", machine.engine.option_value())?;
            if let Some(dir) = &machine.app_files {
                app.set_files_dir(Some(dir)).map_err(|err| {
                    CliError::Usage(format!("--app-files {}: {err}", dir.display()))
                })?;
            }
            Ok(Box::new(app))
        }
        MediaKind::Zip => Err(CliError::NoCore {
            name: name.to_owned(),
            kind,
        }),
    }
}

/// The ROM images the C64 runs: the user's when given, Heirloom's open ROM otherwise.
fn c64_roms(machine: &MachineArgs) -> Result<RomSet, CliError> {
    if let Some(dir) = &machine.rom_dir {
        return Ok(RomSet::from_dir(dir)?);
    }
    if let Some(archive) = &machine.roms {
        return Ok(RomSet::from_zip(&Media::from_path(archive)?)?);
    }
    Ok(RomSet::open_rom())
}
