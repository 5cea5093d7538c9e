//! The [`Core`] trait and the descriptions a core gives of itself.

use std::time::Duration;

use crate::audio::AudioSink;
use crate::input::InputState;
use crate::media::{Media, MediaKind};
use crate::state::StateError;
use crate::video::Framebuffer;

/// An emulated machine or application, stepped one video frame at a time.
///
/// A core is deterministic: the same sequence of inputs and media from the same state
/// gives the same frames and samples. It never talks to a window, a clock or a sound card;
/// the frontend owns those and calls [`run_frame`](Core::run_frame) at the core's own
/// [`FrameRate`].
pub trait Core {
    /// Describes the core: name, video geometry, frame rate and audio format.
    fn info(&self) -> CoreInfo;

    /// Emulates one video frame: reads `io.input`, draws the whole of `io.video` and pushes
    /// the frame's audio samples into `io.audio`.
    fn run_frame(&mut self, io: &mut FrameIo<'_>);

    /// Resets the machine; see [`ResetKind`] for what survives.
    fn reset(&mut self, kind: ResetKind);

    /// Loads (and, where the format implies it, starts) a program, image or module.
    ///
    /// On error the running machine is left as it was.
    fn load(&mut self, media: Media) -> Result<(), CoreError>;

    /// Captures the whole machine, timing state included, as a framed save state (see
    /// [`state`](crate::state)).
    fn save_state(&self) -> Vec<u8>;

    /// Restores a state made by [`save_state`](Core::save_state).
    ///
    /// A state from another core or another format version, or one that is truncated or
    /// corrupted, is refused and leaves the running machine untouched.
    fn load_state(&mut self, state: &[u8]) -> Result<(), StateError>;

    /// The memory regions a debugger, a cheat finder or a test may read and write.
    fn memory_regions(&self) -> &[MemoryRegion] {
        &[]
    }

    /// Reads `buffer.len()` bytes of `region` starting at `address`, without the side
    /// effects a read by the emulated machine could have.
    fn read_memory(
        &self,
        region: &str,
        address: u32,
        buffer: &mut [u8],
    ) -> Result<(), MemoryError> {
        let _ = (address, buffer);
        Err(MemoryError::UnknownRegion(region.to_owned()))
    }

    /// Writes `data` into `region` starting at `address`.
    fn write_memory(&mut self, region: &str, address: u32, data: &[u8]) -> Result<(), MemoryError> {
        let _ = (address, data);
        Err(MemoryError::UnknownRegion(region.to_owned()))
    }

    /// The settings the core offers, each with its documented values.
    fn options(&self) -> &[CoreOption] {
        &[]
    }

    /// The current value of option `key`, written as [`set_option`](Core::set_option)
    /// takes it.
    fn option(&self, key: &str) -> Result<String, OptionError> {
        Err(OptionError::UnknownOption(key.to_owned()))
    }

    /// Changes option `key` to `value`: one of the values the option lists, or a whole
    /// number in its range (see [`OptionValues`]).
    fn set_option(&mut self, key: &str, value: &str) -> Result<(), OptionError> {
        let _ = value;
        Err(OptionError::UnknownOption(key.to_owned()))
    }

    /// The status the running program asked to end the run with, once it has (the VICE
    /// debug cartridge: a write to `$D7FF` on a C64 with the cartridge enabled).
    fn exit_code(&self) -> Option<u8> {
        None
    }

    /// Why the run is over, once it is: the program's own exit
    /// ([`exit_code`](Core::exit_code)) or a limit set through an option (the C64's
    /// `limit-cycles`). A frontend stops running frames and ends with
    /// [`Stop::status`]. The default is the exit code alone.
    fn stopped(&self) -> Option<Stop> {
        self.exit_code().map(Stop::Exit)
    }

    /// The text on screen, one line per text row, when the core shows a text screen (the
    /// C64's 40×25 characters, a wasm app's console). Trailing spaces are trimmed.
    fn screen_text(&self) -> Option<String> {
        None
    }
}

/// Everything one [`Core::run_frame`] call reads and writes.
pub struct FrameIo<'a> {
    /// The input snapshot for this frame.
    pub input: &'a InputState,
    /// Where the frame is drawn; the core resizes it to its video size when needed.
    pub video: &'a mut Framebuffer,
    /// Where the frame's audio goes, as interleaved stereo `f32` samples.
    pub audio: &'a mut dyn AudioSink,
}

/// How a core describes itself to a frontend.
#[derive(Clone, Debug, PartialEq)]
pub struct CoreInfo {
    /// A stable identifier, also written into save states (e.g. `"c64"`).
    pub id: &'static str,
    /// A name for people (e.g. `"Commodore 64 (PAL)"`).
    pub name: &'static str,
    /// Width of the framebuffer in pixels.
    pub video_width: u32,
    /// Height of the framebuffer in pixels.
    pub video_height: u32,
    /// Width of one pixel divided by its height on the original display (PAL C64 ≈ 0.9365).
    pub pixel_aspect: f32,
    /// How many frames per second the core produces.
    pub frame_rate: FrameRate,
    /// Sample rate of the audio the core pushes, in Hz.
    pub audio_sample_rate: u32,
    /// Channels in the original sound (1 = mono, sent as two equal stereo channels).
    pub audio_channels: u16,
}

/// A frame rate as an exact fraction of frames per second.
///
/// Kept as a fraction so that pacing over hours never drifts: a PAL C64 runs at
/// 985 248 / 19 656 Hz (63 cycles × 312 lines per frame at 985 248 Hz).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameRate {
    /// Frames in `denominator` seconds.
    pub numerator: u64,
    /// Seconds in which `numerator` frames are shown.
    pub denominator: u64,
}

impl FrameRate {
    /// A rate of `numerator / denominator` frames per second.
    ///
    /// # Panics
    /// If either part is zero: a core's frame rate is a constant it knows.
    pub const fn new(numerator: u64, denominator: u64) -> Self {
        assert!(
            numerator > 0 && denominator > 0,
            "a frame rate is a positive fraction"
        );
        Self {
            numerator,
            denominator,
        }
    }

    /// The rate in frames per second, for display and rough arithmetic.
    pub fn as_hz(self) -> f64 {
        self.numerator as f64 / self.denominator as f64
    }

    /// The exact number of whole frames that fit in `elapsed`.
    pub fn frames_in(self, elapsed: Duration) -> u64 {
        let frames = elapsed.as_nanos() * u128::from(self.numerator)
            / (u128::from(self.denominator) * 1_000_000_000);
        u64::try_from(frames).unwrap_or(u64::MAX)
    }

    /// The moment frame number `frame` starts, counted from frame 0 at zero, rounded up to
    /// the next nanosecond.
    pub fn start_of_frame(self, frame: u64) -> Duration {
        let nanos = (u128::from(frame) * u128::from(self.denominator) * 1_000_000_000)
            .div_ceil(u128::from(self.numerator));
        Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
    }
}

/// What a reset keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResetKind {
    /// Pressing the reset button: the CPU restarts, memory keeps its contents.
    Soft,
    /// Switching the power off and on: everything starts from its power-up state.
    Hard,
}

/// A named, addressable memory region of a core (e.g. `"ram"`, `"color"`, `"linear"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryRegion {
    /// The name used by [`Core::read_memory`] and [`Core::write_memory`].
    pub name: &'static str,
    /// Size in bytes; valid addresses are `0..size`.
    pub size: u32,
    /// What the region holds, for people.
    pub description: &'static str,
}

/// Why a run is over (see [`Core::stopped`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Stop {
    /// The program ended the run with this exit status.
    #[error("the program ended with exit status {0}")]
    Exit(u8),
    /// The machine ran the number of cycles its limit allows.
    #[error("cycle limit of {cycles} reached")]
    CycleLimit {
        /// The limit, in machine cycles.
        cycles: u64,
    },
}

impl Stop {
    /// The process exit status a run that ends this way has: the program's own code, or
    /// 1 (an error) for a limit.
    pub fn status(self) -> u8 {
        match self {
            Stop::Exit(code) => code,
            Stop::CycleLimit { .. } => 1,
        }
    }
}

/// A setting a core offers, with every value it accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CoreOption {
    /// The key used by [`Core::set_option`] (e.g. `"sid-model"`).
    pub key: &'static str,
    /// What the option changes, for people.
    pub description: &'static str,
    /// The values it accepts.
    pub values: OptionValues,
    /// The value a freshly made core has.
    pub default: &'static str,
}

/// The values a [`CoreOption`] accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionValues {
    /// One of a list of values, each with what it means.
    Choice(&'static [OptionValue]),
    /// A whole number from `min` to `max` (both included), written in decimal digits.
    Number {
        /// The smallest number accepted.
        min: u64,
        /// The largest number accepted.
        max: u64,
    },
}

/// One accepted value of a [`CoreOption`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptionValue {
    /// The value as written on the command line or in a settings file (e.g. `"8580"`).
    pub value: &'static str,
    /// What choosing it means, for people.
    pub description: &'static str,
}

impl CoreOption {
    /// The listed value equal to `value`, if the option is a choice that lists it (a
    /// number option lists none: see [`number`](Self::number)).
    pub fn find(&self, value: &str) -> Option<&'static str> {
        match self.values {
            OptionValues::Choice(values) => {
                values.iter().find(|v| v.value == value).map(|v| v.value)
            }
            OptionValues::Number { .. } => None,
        }
    }

    /// `value` as a number, if the option takes a number and `value` is one in its range:
    /// decimal digits only, no sign, no spaces.
    pub fn number(&self, value: &str) -> Option<u64> {
        let OptionValues::Number { min, max } = self.values else {
            return None;
        };
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        value.parse().ok().filter(|n| (min..=max).contains(n))
    }
}

/// Why a core refused media.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CoreError {
    /// The core does not run this kind of media.
    #[error("{name}: this core does not run {kind}")]
    Unsupported {
        /// File name of the media.
        name: String,
        /// What the media was detected as.
        kind: MediaKind,
    },
    /// The media is of a supported kind but its contents are wrong.
    #[error("{name}: {reason}")]
    Invalid {
        /// File name of the media.
        name: String,
        /// What is wrong, in one line.
        reason: String,
    },
}

/// Why a memory access by name and address failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MemoryError {
    /// No region of that name.
    #[error("no memory region named `{0}`")]
    UnknownRegion(String),
    /// The access runs past the end of the region.
    #[error("{len} bytes at {address:#x} run past the end of `{region}` ({size} bytes)")]
    OutOfRange {
        /// The region accessed.
        region: String,
        /// First address of the access.
        address: u32,
        /// Bytes accessed.
        len: usize,
        /// Size of the region.
        size: u32,
    },
}

/// Why an option could not be read or changed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OptionError {
    /// No option of that name.
    #[error("no option named `{0}`")]
    UnknownOption(String),
    /// The option exists but does not accept that value.
    #[error("option `{key}` does not accept `{value}` (accepted: {accepted})")]
    BadValue {
        /// The option.
        key: String,
        /// The refused value.
        value: String,
        /// The accepted values, comma separated.
        accepted: String,
    },
}

impl OptionError {
    /// The error for `value` not being one of `option`'s values.
    pub fn bad_value(option: &CoreOption, value: &str) -> Self {
        let accepted = match option.values {
            OptionValues::Choice(values) => {
                let listed: Vec<&str> = values.iter().map(|v| v.value).collect();
                listed.join(", ")
            }
            OptionValues::Number { min, max } => format!("a whole number from {min} to {max}"),
        };
        Self::BadValue {
            key: option.key.to_owned(),
            value: value.to_owned(),
            accepted,
        }
    }
}

impl MemoryRegion {
    /// Checks that `len` bytes at `address` lie inside the region.
    pub fn check(&self, address: u32, len: usize) -> Result<std::ops::Range<usize>, MemoryError> {
        let start = address as usize;
        match start.checked_add(len) {
            Some(end) if end <= self.size as usize => Ok(start..end),
            _ => Err(MemoryError::OutOfRange {
                region: self.name.to_owned(),
                address,
                len,
                size: self.size,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAL_C64: FrameRate = FrameRate::new(985_248, 19_656);

    #[test]
    fn frames_in_counts_whole_frames_exactly() {
        assert_eq!(PAL_C64.frames_in(Duration::from_secs(19_656)), 985_248);
        assert_eq!(PAL_C64.frames_in(Duration::from_secs(1)), 50);
        assert_eq!(PAL_C64.frames_in(Duration::ZERO), 0);
    }

    #[test]
    fn start_of_frame_is_the_first_moment_the_frame_is_due() {
        for frame in [0, 1, 49, 50, 51, 123_456] {
            let start = PAL_C64.start_of_frame(frame);
            assert_eq!(PAL_C64.frames_in(start), frame);
            if frame > 0 {
                assert_eq!(
                    PAL_C64.frames_in(start - Duration::from_nanos(1)),
                    frame - 1
                );
            }
        }
    }

    const LIMIT: CoreOption = CoreOption {
        key: "limit",
        description: "a number option",
        values: OptionValues::Number { min: 10, max: 300 },
        default: "10",
    };

    const MODE: CoreOption = CoreOption {
        key: "mode",
        description: "a choice option",
        values: OptionValues::Choice(&[
            OptionValue {
                value: "fast",
                description: "",
            },
            OptionValue {
                value: "slow",
                description: "",
            },
        ]),
        default: "fast",
    };

    #[test]
    fn a_number_option_takes_whole_numbers_in_its_range_only() {
        assert_eq!(LIMIT.number("10"), Some(10));
        assert_eq!(LIMIT.number("300"), Some(300));
        assert_eq!(LIMIT.number("0042"), Some(42));
        for refused in [
            "9", "301", "", "-20", "+20", " 20", "20 ", "2e1", "20.0", "twenty",
        ] {
            assert_eq!(LIMIT.number(refused), None, "{refused:?}");
        }
        assert_eq!(
            LIMIT.number("99999999999999999999999"),
            None,
            "past u64 is out of range, not a wrap"
        );
        assert_eq!(LIMIT.find("20"), None, "a number option lists no values");
        assert_eq!(
            OptionError::bad_value(&LIMIT, "301").to_string(),
            "option `limit` does not accept `301` (accepted: a whole number from 10 to 300)"
        );
    }

    #[test]
    fn a_choice_option_takes_its_listed_values_only() {
        assert_eq!(MODE.find("slow"), Some("slow"));
        assert_eq!(MODE.find("SLOW"), None);
        assert_eq!(MODE.number("1"), None, "a choice takes no number");
        assert_eq!(
            OptionError::bad_value(&MODE, "warp").to_string(),
            "option `mode` does not accept `warp` (accepted: fast, slow)"
        );
    }

    #[test]
    fn a_limit_ends_the_run_with_status_1_and_an_exit_with_its_code() {
        assert_eq!(Stop::Exit(0).status(), 0);
        assert_eq!(Stop::Exit(42).status(), 42);
        let limit = Stop::CycleLimit { cycles: 2_000_000 };
        assert_eq!(limit.status(), 1);
        assert_eq!(limit.to_string(), "cycle limit of 2000000 reached");
    }

    #[test]
    fn region_check_refuses_accesses_past_the_end() {
        let region = MemoryRegion {
            name: "ram",
            size: 16,
            description: "",
        };
        assert_eq!(region.check(4, 12), Ok(4..16));
        assert!(region.check(4, 13).is_err());
        assert!(region.check(u32::MAX, 2).is_err());
    }
}
