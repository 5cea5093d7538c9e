//! `heirloom run`: runs media in a window with sound, keyboard and joysticks.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use heirloom_shell::Core;

use crate::cores::{self, MachineArgs};
use crate::error::CliError;

/// Runs a program, disk, cartridge or tune in a window with sound; with no media the C64
/// starts at its READY. prompt.
///
/// Examples: `heirloom run`, `heirloom run game.d64 --scale 3`,
/// `heirloom run games.zip --member elite.prg --symbolic`.
#[derive(Debug, clap::Args)]
#[command(after_help = heirloom_sdl::HOTKEYS)]
pub struct RunArgs {
    /// The program, disk, cartridge, tune or zip archive to run.
    media: Option<PathBuf>,
    /// In a zip archive holding several loadable files, the one to run.
    #[arg(long, value_name = "NAME", requires = "media")]
    member: Option<String>,
    /// Initial window size as a multiple of the picture.
    #[arg(long, value_name = "N", default_value_t = 2,
          value_parser = clap::value_parser!(u32).range(1..=16))]
    scale: u32,
    /// Scale the picture to fill the window instead of by whole multiples.
    #[arg(long)]
    fit: bool,
    /// Start in fullscreen.
    #[arg(long)]
    fullscreen: bool,
    /// Send typed characters as text, as your keyboard layout prints them, instead of
    /// pressing the machine's key in the same place.
    #[arg(long)]
    symbolic: bool,
    /// Play no sound (open no audio device).
    #[arg(long)]
    mute: bool,
    /// Start in warp: as fast as the machine can go, without sound (Alt+W switches).
    #[arg(long)]
    warp: bool,
    /// The C64's port the keypad joystick and the first gamepad plug into.
    #[arg(long, value_name = "PORT", value_parser = ["1", "2"])]
    joyport: Option<String>,
    /// What is plugged into the C64's control port 1: a joystick, a pair of paddles
    /// (the first gamepad's sticks) or a 1351 mouse (the pointer).
    #[arg(long, value_name = "DEVICE", value_parser = ["joystick", "paddles", "mouse"])]
    port1: Option<String>,
    /// What is plugged into the C64's control port 2 (as `--port1`).
    #[arg(long, value_name = "DEVICE", value_parser = ["joystick", "paddles", "mouse"])]
    port2: Option<String>,
    /// The C64's colours.
    #[arg(long, value_name = "NAME", value_parser = ["pepto", "colodore"])]
    palette: Option<String>,
    /// Type this text once the machine runs; a real newline presses RETURN.
    #[arg(long = "type", value_name = "TEXT")]
    type_text: Option<String>,
    /// Start from this save state (made with Alt+S or `heirloom headless --state-out`).
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Gamepad mappings to add, in the SDL_GameControllerDB format (one
    /// `GUID,name,a:b0,...` line per pad).
    #[arg(long, value_name = "FILE")]
    pad_mappings: Option<PathBuf>,
    #[command(flatten)]
    machine: MachineArgs,
}

/// Runs the `run` subcommand.
pub fn run(args: &RunArgs) -> Result<ExitCode, CliError> {
    // A bad state file is reported before any time is spent loading media.
    let saved_state = args
        .state
        .as_deref()
        .map(crate::headless::read_state)
        .transpose()?;
    let mappings = args
        .pad_mappings
        .as_deref()
        .map(heirloom_sdl::PadMappings::read)
        .transpose()?
        .unwrap_or_default();
    let (mut core, files_base, title) = match &args.media {
        Some(path) => {
            let (media, kind) = cores::read_media(path, args.member.as_deref())?;
            let title = format!("Heirloom - {}", media.name);
            let mut core = cores::core_for(&media.name, kind, &args.machine)?;
            core.load(media)?;
            (core, path.clone(), title)
        }
        None => {
            let core = cores::default_core(&args.machine)?;
            let base = PathBuf::from(core.info().id);
            (core, base, "Heirloom".to_owned())
        }
    };
    for (key, value) in [
        ("joyport", &args.joyport),
        ("port1", &args.port1),
        ("port2", &args.port2),
        ("palette", &args.palette),
    ] {
        if let Some(value) = value {
            core.set_option(key, value)?;
        }
    }
    if let (Some(path), Some(bytes)) = (&args.state, &saved_state) {
        core.load_state(bytes)
            .map_err(|source| crate::headless::state_error(path, source))?;
    }
    let options = heirloom_sdl::Options {
        title,
        scale: args.scale,
        scaling: if args.fit {
            heirloom_sdl::Scaling::Fit
        } else {
            heirloom_sdl::Scaling::Integer
        },
        fullscreen: args.fullscreen,
        symbolic: args.symbolic,
        sound: !args.mute,
        files_base,
        verbose: args.machine.verbose,
        warp: args.warp,
        type_text: args.type_text.clone().unwrap_or_default(),
    };
    let mut open = |path: &Path, core: &mut Box<dyn Core>| {
        open_dropped(path, core, &args.machine).map_err(|err| err.to_string())
    };
    match heirloom_sdl::run_with_pads(core, &options, &mappings, &mut open) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(err) => {
            eprintln!("heirloom: {err}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Loads a file dropped onto the window: into the running core when it is the machine
/// that runs it, into a fresh machine of the right kind otherwise.
fn open_dropped(
    path: &Path,
    core: &mut Box<dyn Core>,
    machine: &MachineArgs,
) -> Result<(), CliError> {
    let (media, kind) = cores::read_media(path, None)?;
    let mut fresh = cores::core_for(&media.name, kind, machine)?;
    if fresh.info().id == core.info().id {
        core.load(media)?;
    } else {
        fresh.load(media)?;
        *core = fresh;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use heirloom_shell::{AudioBuffer, FrameIo, Framebuffer, InputState};

    use super::*;

    #[test]
    fn a_dropped_program_loads_into_the_running_machine() {
        let dir = std::env::temp_dir().join(format!("heirloom-run-drop-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let program = dir.join("data.prg");
        std::fs::write(&program, [0x00, 0xc0, 0xde, 0xad, 0xbe, 0xef]).unwrap();
        let machine = MachineArgs::default();
        let mut core = cores::default_core(&machine).unwrap();
        open_dropped(&program, &mut core, &machine).unwrap();
        assert_eq!(core.info().id, "c64");
        let info = core.info();
        let mut video = Framebuffer::new(info.video_width, info.video_height);
        let mut audio = AudioBuffer::new();
        let input = InputState::default();
        let mut memory = [0; 4];
        for _ in 0..400 {
            core.run_frame(&mut FrameIo {
                input: &input,
                video: &mut video,
                audio: &mut audio,
            });
            audio.clear();
            core.read_memory("ram", 0xc000, &mut memory).unwrap();
            if memory == [0xde, 0xad, 0xbe, 0xef] {
                break;
            }
        }
        assert_eq!(memory, [0xde, 0xad, 0xbe, 0xef], "the program is in memory");

        let module = dir.join("app.wasm");
        std::fs::write(&module, b"\0asm\x01\0\0\0").unwrap();
        let err = open_dropped(&module, &mut core, &machine).unwrap_err();
        assert!(matches!(err, CliError::Core(_)), "{err}");
        assert!(open_dropped(&dir.join("missing.prg"), &mut core, &machine).is_err());
        assert_eq!(
            core.info().id,
            "c64",
            "a refused file leaves the machine running"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
