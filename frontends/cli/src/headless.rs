//! `heirloom headless`: runs a core without a window, for scripts and tests.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use heirloom_shell::state;
use heirloom_shell::{AudioBuffer, Core, FrameIo, Framebuffer, InputState, Stop};

use crate::cores::{self, MachineArgs};
use crate::error::CliError;
use crate::files::write_atomically;
use crate::wav;

/// Exit status when `--until-text` never appeared before the limit.
const EXIT_TEXT_NOT_SEEN: u8 = 3;

/// Emulated seconds run when neither `--frames` nor `--seconds` is given.
const DEFAULT_SECONDS: f64 = 10.0;

const EXAMPLES: &str = "\
Examples:
  heirloom headless game.prg --seconds 5 --screenshot shot.png
  heirloom headless listing.prg --type $'RUN\\n' --until-text READY. --frames 3000
  heirloom headless game.prg --rom-dir ~/c64-roms --state-out after.state --quiet
  heirloom headless test.prg --rom-dir ~/c64-roms --debugcart --limit-cycles 60000000

Exit status: 0 ran all its frames or saw --until-text; 1 error (one line on stderr),
or --limit-cycles reached (\"cycle limit of N reached\" on stderr); 2 usage error;
3 --until-text never appeared in the frames run; with --debugcart, the value the
program wrote to $D7FF.";

/// Runs media without a window: types text, stops at a frame limit or when a text
/// appears on screen, saves a screenshot, the sound and the machine's state, and prints
/// the final text screen.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct HeadlessArgs {
    /// The program, disk, cartridge, tune, wasm module or zip archive to run.
    media: PathBuf,
    /// In a zip archive holding several loadable files, the one to run.
    #[arg(long, value_name = "NAME")]
    member: Option<String>,
    /// Stop after this many emulated frames.
    #[arg(long, value_name = "N", conflicts_with = "seconds")]
    frames: Option<u64>,
    /// Stop after this many emulated seconds [default: 10].
    #[arg(long, value_name = "S", value_parser = parse_seconds)]
    seconds: Option<f64>,
    /// Type this text once the machine runs; a real newline presses RETURN.
    #[arg(long = "type", value_name = "TEXT")]
    type_text: Option<String>,
    /// Stop as soon as this text is on screen; exit with 3 if it never is.
    #[arg(long, value_name = "TEXT")]
    until_text: Option<String>,
    /// Save the last frame as a PNG picture.
    #[arg(long, value_name = "FILE.png")]
    screenshot: Option<PathBuf>,
    /// Save the sound of the whole run as a 16-bit stereo WAV file.
    #[arg(long, value_name = "FILE.wav")]
    audio: Option<PathBuf>,
    /// Start from this save state (made by --state-out) instead of from power-on.
    #[arg(long, value_name = "FILE")]
    state_in: Option<PathBuf>,
    /// Save the machine's state at the end.
    #[arg(long, value_name = "FILE")]
    state_out: Option<PathBuf>,
    /// Enable the debug cartridge: a write to $D7FF ends the run, its value the exit status.
    #[arg(long)]
    debugcart: bool,
    /// Stop once the machine has run N cycles since power-on, with exit status 1 (VICE's
    /// -limitcycles; 0: no limit). The C64 only.
    #[arg(long, value_name = "N")]
    limit_cycles: Option<u64>,
    /// Do not print the final text screen.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    machine: MachineArgs,
}

fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(seconds) if seconds.is_finite() && seconds > 0.0 => Ok(seconds),
        _ => Err(format!("`{text}` is not a positive number of seconds")),
    }
}

/// Runs the `headless` subcommand.
pub fn run(args: &HeadlessArgs) -> Result<ExitCode, CliError> {
    // A bad state file is reported before any time is spent loading media.
    let saved_state = args.state_in.as_deref().map(read_state).transpose()?;

    let (media, kind) = cores::read_media(&args.media, args.member.as_deref())?;
    let mut core = cores::core_for(&media.name, kind, &args.machine)?;
    if args.debugcart {
        core.set_option("debugcart", "on")?;
    }
    if let Some(cycles) = args.limit_cycles {
        core.set_option("limit-cycles", &cycles.to_string())?;
    }
    core.load(media)?;
    if let (Some(path), Some(bytes)) = (&args.state_in, &saved_state) {
        core.load_state(bytes)
            .map_err(|source| state_error(path, source))?;
    }

    let frames = match (args.frames, args.seconds) {
        (Some(frames), _) => frames,
        (None, seconds) => {
            let rate = core.info().frame_rate;
            (seconds.unwrap_or(DEFAULT_SECONDS) * rate.as_hz()).ceil() as u64
        }
    };
    let plan = Plan {
        frames,
        typed: args.type_text.as_deref(),
        until_text: args.until_text.as_deref(),
        keep_audio: args.audio.is_some(),
    };
    let session = run_session(core.as_mut(), &plan);

    if let Some(path) = &args.screenshot {
        write_png(path, &session.video)?;
    }
    if let Some(path) = &args.audio {
        let rate = core.info().audio_sample_rate;
        write_atomically(
            path,
            &wav::encode_stereo_pcm16(&session.audio.samples, rate),
        )?;
    }
    if let Some(path) = &args.state_out {
        write_atomically(path, &core.save_state())?;
    }
    if !args.quiet
        && let Some(text) = core.screen_text()
    {
        println!("{text}");
    }
    let stop = core.stopped();
    if let Some(limit @ Stop::CycleLimit { .. }) = stop {
        eprintln!("heirloom: {limit}");
    }
    Ok(match (stop, plan.until_text, session.saw_text) {
        (Some(stop), _, _) => ExitCode::from(stop.status()),
        (None, Some(_), false) => ExitCode::from(EXIT_TEXT_NOT_SEEN),
        _ => ExitCode::SUCCESS,
    })
}

/// Reads a state file and checks its framing (magic, length, checksum).
pub(crate) fn read_state(path: &Path) -> Result<Vec<u8>, CliError> {
    let bytes = std::fs::read(path).map_err(|err| CliError::io(path, err))?;
    state::open(&bytes).map_err(|source| state_error(path, source))?;
    Ok(bytes)
}

pub(crate) fn state_error(path: &Path, source: state::StateError) -> CliError {
    CliError::State {
        file: path.display().to_string(),
        source,
    }
}

fn write_png(path: &Path, video: &Framebuffer) -> Result<(), CliError> {
    let mut encoded = std::io::Cursor::new(Vec::new());
    image::write_buffer_with_format(
        &mut encoded,
        &video.to_packed_rgba(),
        video.width(),
        video.height(),
        image::ExtendedColorType::Rgba8,
        image::ImageFormat::Png,
    )
    .map_err(|err| CliError::Image {
        file: path.display().to_string(),
        reason: err.to_string(),
    })?;
    write_atomically(path, encoded.get_ref())
}

/// What a headless session does.
struct Plan<'a> {
    /// Frames to run at most.
    frames: u64,
    /// Text typed in the first frame.
    typed: Option<&'a str>,
    /// Text whose appearance on screen ends the session.
    until_text: Option<&'a str>,
    /// Whether to keep every sample (for `--audio`).
    keep_audio: bool,
}

/// What a headless session produced.
struct Session {
    saw_text: bool,
    video: Framebuffer,
    audio: AudioBuffer,
}

/// Runs `core` according to `plan`, frame by frame.
fn run_session(core: &mut dyn Core, plan: &Plan<'_>) -> Session {
    let info = core.info();
    let mut video = Framebuffer::new(info.video_width, info.video_height);
    let mut audio = AudioBuffer::new();
    let mut input = InputState {
        text: plan.typed.unwrap_or_default().to_owned(),
        ..Default::default()
    };
    let mut saw_text = false;
    for _ in 0..plan.frames {
        if !plan.keep_audio {
            audio.clear();
        }
        core.run_frame(&mut FrameIo {
            input: &input,
            video: &mut video,
            audio: &mut audio,
        });
        input.text.clear();
        if core.stopped().is_some() {
            break;
        }
        if let Some(wanted) = plan.until_text
            && core
                .screen_text()
                .is_some_and(|screen| screen.contains(wanted))
        {
            saw_text = true;
            break;
        }
    }
    Session {
        saw_text,
        video,
        audio,
    }
}

#[cfg(test)]
mod tests {
    use heirloom_shell::{CoreError, CoreInfo, FrameRate, Media, MediaKind, ResetKind, StateError};

    use super::*;

    /// A core whose screen shows the frame count and everything typed so far, and that
    /// stops at frame `stop_at` when given.
    #[derive(Default)]
    struct Typewriter {
        frame: u64,
        typed: String,
        stop_at: Option<u64>,
    }

    impl Core for Typewriter {
        fn info(&self) -> CoreInfo {
            CoreInfo {
                id: "typewriter",
                name: "Typewriter",
                video_width: 4,
                video_height: 2,
                pixel_aspect: 1.0,
                frame_rate: FrameRate::new(50, 1),
                audio_sample_rate: 100,
                audio_channels: 1,
            }
        }

        fn run_frame(&mut self, io: &mut FrameIo<'_>) {
            self.frame += 1;
            self.typed.push_str(&io.input.text);
            io.video.set_pixel(0, 0, [self.frame as u8, 0, 0, 255]);
            io.audio.push(&[0.5, 0.5]);
        }

        fn reset(&mut self, _kind: ResetKind) {
            *self = Self::default();
        }

        fn load(&mut self, media: Media) -> Result<(), CoreError> {
            Err(CoreError::Unsupported {
                name: media.name,
                kind: MediaKind::Prg,
            })
        }

        fn save_state(&self) -> Vec<u8> {
            Vec::new()
        }

        fn load_state(&mut self, _state: &[u8]) -> Result<(), StateError> {
            Err(StateError::NotAState)
        }

        fn screen_text(&self) -> Option<String> {
            Some(format!("FRAME {}\n{}", self.frame, self.typed))
        }

        fn stopped(&self) -> Option<Stop> {
            self.stop_at
                .filter(|&frame| self.frame >= frame)
                .map(|frame| Stop::CycleLimit { cycles: frame })
        }
    }

    fn plan(frames: u64) -> Plan<'static> {
        Plan {
            frames,
            typed: None,
            until_text: None,
            keep_audio: false,
        }
    }

    #[test]
    fn runs_exactly_the_frames_asked_for() {
        let mut core = Typewriter::default();
        let session = run_session(&mut core, &plan(7));
        assert_eq!(core.frame, 7);
        assert_eq!(session.video.pixel(0, 0), [7, 0, 0, 255]);
        assert!(!session.saw_text);
        assert_eq!(
            session.audio.frames(),
            1,
            "without --audio only the last frame is kept"
        );
    }

    #[test]
    fn stops_when_the_text_appears() {
        let mut core = Typewriter::default();
        let session = run_session(
            &mut core,
            &Plan {
                until_text: Some("FRAME 12"),
                ..plan(100)
            },
        );
        assert!(session.saw_text);
        assert_eq!(core.frame, 12);
        let mut core = Typewriter::default();
        let session = run_session(
            &mut core,
            &Plan {
                until_text: Some("NEVER"),
                ..plan(30)
            },
        );
        assert!(!session.saw_text);
        assert_eq!(core.frame, 30);
    }

    #[test]
    fn a_core_that_stops_ends_the_session_before_its_text_is_looked_for() {
        let mut core = Typewriter {
            stop_at: Some(9),
            ..Typewriter::default()
        };
        let session = run_session(
            &mut core,
            &Plan {
                until_text: Some("FRAME 9"),
                ..plan(100)
            },
        );
        assert_eq!(core.frame, 9);
        assert!(!session.saw_text, "the stop comes first");
    }

    #[test]
    fn typed_text_arrives_once_and_audio_is_kept_when_asked() {
        let mut core = Typewriter::default();
        let session = run_session(
            &mut core,
            &Plan {
                typed: Some("RUN\n"),
                keep_audio: true,
                ..plan(5)
            },
        );
        assert_eq!(core.typed, "RUN\n");
        assert_eq!(session.audio.frames(), 5);
    }
}
