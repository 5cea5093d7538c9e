//! What the app's imports see and change: the host side of one running app.

use std::collections::VecDeque;
use std::time::Instant;

use heirloom_shell::{InputState, StateError, StateReader, StateWriter};

use crate::console::{Console, Ink};
use crate::files::Files;
use crate::kv::KvStore;

/// Frames per second of emulated time.
pub const FRAMES_PER_SECOND: u64 = 60;
/// The audio rate an app gets when it declares none.
pub const DEFAULT_AUDIO_RATE: u32 = 48_000;
/// The emulated wall clock at the app's start: 2000-01-01 00:00:00 UTC, in seconds since
/// the Unix epoch.
pub const EPOCH_SECONDS: u64 = 946_684_800;
/// Log lines kept.
pub const LOG_LINES: usize = 256;
/// Longest log message kept, in bytes.
pub const LOG_MESSAGE: usize = 1024;
/// Largest portable state an app may write.
pub const PORTABLE_STATE_LIMIT: usize = 1 << 20;
/// Size of the input snapshot the `input` import writes.
pub const INPUT_SIZE: usize = InputState::ABI_SNAPSHOT_SIZE;

/// Where an app's time comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// Emulated time: the frame number × 1/60 s, plus time the app slept. Reproducible.
    Frames,
    /// The host's clock, counted from the moment the app was loaded.
    Host,
}

/// A message the app logged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    /// 0 debug, 1 info, 2 warning, 3 error (out-of-range levels are kept as given).
    pub level: i32,
    /// The message (invalid UTF-8 replaced).
    pub message: String,
}

/// Stereo sample frames due in frame `frame` at `rate` Hz: the rate spread exactly over
/// each second (`rate / 60` rounded down or up).
pub fn frames_due(frame: u64, rate: u32) -> usize {
    let at = |f: u128| f * u128::from(rate) / u128::from(FRAMES_PER_SECOND);
    (at(u128::from(frame) + 1) - at(u128::from(frame))) as usize
}

/// A picture the app presented, packed RGBA8.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picture {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width × height × 4` bytes, alpha always 255.
    pub rgba: Vec<u8>,
}

/// The host state of one running app, shared by its import functions.
#[derive(Debug)]
pub struct Host {
    /// The current frame number (0 during the first frame and during initialisation).
    pub frame: u64,
    /// Where time comes from.
    pub clock: Clock,
    /// When the app was loaded, for [`Clock::Host`].
    pub started: Instant,
    /// Emulated nanoseconds the app spent sleeping (WASI `poll_oneoff`).
    pub slept_ns: u64,
    /// This frame's input snapshot, in the ABI's layout.
    pub input: [u8; INPUT_SIZE],
    /// Text typed this frame.
    pub text: Vec<u8>,
    /// The picture presented during the current call, if any.
    pub picture: Option<Picture>,
    /// The declared audio rate.
    pub audio_rate: u32,
    /// Whether the app is in `heirloom_init` (the only time it may declare its rate).
    pub in_init: bool,
    /// Audio pushed during the current frame, interleaved stereo.
    pub audio: Vec<f32>,
    /// The console standard output and error go to.
    pub console: Console,
    /// Whether standard output goes to the console (programs without frames) or to the
    /// log (apps that draw their own picture).
    pub stdout_to_console: bool,
    /// Unfinished lines of standard output and error when they go to the log.
    pub partial_lines: [Vec<u8>; 2],
    /// The last [`LOG_LINES`] messages.
    pub log: VecDeque<LogLine>,
    /// The app's persistent data.
    pub kv: KvStore,
    /// Standard input not yet read.
    pub stdin: VecDeque<u8>,
    /// State of the random number generator behind WASI `random_get`.
    pub rng: u64,
    /// The program's arguments (the first is its name), NUL-terminated.
    pub args: Vec<Vec<u8>>,
    /// The portable state being written by `heirloom_save_state`.
    pub portable_out: Option<Vec<u8>>,
    /// The portable state being read by `heirloom_load_state`, and how far.
    pub portable_in: Option<(Vec<u8>, usize)>,
    /// Emscripten's `setTempRet0` register (high halves of 64-bit results).
    pub temp_ret0: i32,
    /// The name the app's memory is exported under.
    pub memory_export: String,
    /// Most bytes the app's memory may grow to.
    pub max_memory_bytes: u64,
    /// The app's folder and open files (not part of save states).
    pub files: Files,
}

impl Host {
    /// The state of a freshly loaded app called `name`.
    pub fn new(name: &str, clock: Clock, max_memory_bytes: u64) -> Self {
        let mut program = name.as_bytes().to_vec();
        program.push(0);
        Self {
            frame: 0,
            clock,
            started: Instant::now(),
            slept_ns: 0,
            input: [0; INPUT_SIZE],
            text: Vec::new(),
            picture: None,
            audio_rate: DEFAULT_AUDIO_RATE,
            in_init: false,
            audio: Vec::new(),
            console: Console::new(),
            stdout_to_console: true,
            partial_lines: [Vec::new(), Vec::new()],
            log: VecDeque::new(),
            kv: KvStore::default(),
            stdin: VecDeque::new(),
            rng: 0x4845_4952_4c4f_4f4d,
            args: vec![program],
            portable_out: None,
            portable_in: None,
            temp_ret0: 0,
            memory_export: String::new(),
            max_memory_bytes,
            files: Files::memory(),
        }
    }

    /// Nanoseconds since the app started.
    pub fn now_ns(&self) -> u64 {
        match self.clock {
            Clock::Frames => self.frame * 1_000_000_000 / FRAMES_PER_SECOND + self.slept_ns,
            Clock::Host => self.started.elapsed().as_nanos() as u64 + self.slept_ns,
        }
    }

    /// Nanoseconds since the Unix epoch on the app's wall clock.
    pub fn wall_ns(&self) -> u64 {
        match self.clock {
            Clock::Frames => (EPOCH_SECONDS * 1_000_000_000).saturating_add(self.now_ns()),
            Clock::Host => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64),
        }
    }

    /// The next number of the reproducible random sequence (SplitMix64).
    pub fn next_random(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Takes this frame's input: the snapshot in the ABI's layout and the typed text.
    pub fn set_input(&mut self, input: &InputState) {
        let out = input.abi_snapshot(self.frame as u32);
        self.input = out;
        self.text = input.text.as_bytes().to_vec();
    }

    /// Writes what a program printed on standard output (`stream` 0) or error (1).
    pub fn print(&mut self, stream: usize, bytes: &[u8]) {
        if self.stdout_to_console {
            let ink = if stream == 0 { Ink::Normal } else { Ink::Error };
            self.console.write(bytes, ink);
            return;
        }
        let level = if stream == 0 { 1 } else { 2 };
        for &byte in bytes {
            if byte == b'\n' {
                let line = std::mem::take(&mut self.partial_lines[stream]);
                self.log_message(level, &line);
            } else if self.partial_lines[stream].len() < LOG_MESSAGE {
                self.partial_lines[stream].push(byte);
            }
        }
    }

    /// Keeps a log message (cut to [`LOG_MESSAGE`] bytes).
    pub fn log_message(&mut self, level: i32, message: &[u8]) {
        let message = &message[..message.len().min(LOG_MESSAGE)];
        if self.log.len() == LOG_LINES {
            self.log.pop_front();
        }
        self.log.push_back(LogLine {
            level,
            message: String::from_utf8_lossy(message).into_owned(),
        });
    }

    /// Stereo sample frames due in frame `frame` at the declared rate (the rate spread
    /// exactly over each second).
    pub fn frames_due(&self, frame: u64) -> usize {
        frames_due(frame, self.audio_rate)
    }

    /// Appends the parts of the host state that belong in a save state.
    pub fn save(&self, out: &mut StateWriter) {
        out.u64(self.frame)
            .u64(self.slept_ns)
            .u64(self.rng)
            .u32(self.audio_rate)
            .bool(self.stdout_to_console)
            .u32(self.temp_ret0 as u32);
        self.console.save(out);
        self.kv.save(out);
        let stdin: Vec<u8> = self.stdin.iter().copied().collect();
        out.sized_bytes(&stdin);
        out.sized_bytes(&self.partial_lines[0])
            .sized_bytes(&self.partial_lines[1]);
    }

    /// Restores what [`save`](Self::save) wrote.
    pub fn load(&mut self, input: &mut StateReader<'_>) -> Result<(), StateError> {
        self.frame = input.u64()?;
        self.slept_ns = input.u64()?;
        self.rng = input.u64()?;
        self.audio_rate = input.u32()?;
        if !(crate::abi::MIN_AUDIO_RATE..=crate::abi::MAX_AUDIO_RATE).contains(&self.audio_rate) {
            return Err(StateError::Payload(format!(
                "audio rate {} out of range",
                self.audio_rate
            )));
        }
        self.stdout_to_console = input.bool()?;
        self.temp_ret0 = input.u32()? as i32;
        self.console = Console::load(input)?;
        self.kv = KvStore::load(input)?;
        self.stdin = input.sized_bytes()?.iter().copied().collect();
        self.partial_lines = [input.sized_bytes()?.to_vec(), input.sized_bytes()?.to_vec()];
        Ok(())
    }
}
