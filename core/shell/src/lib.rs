//! The app shell: the one small contract between Heirloom's cores and its frontends.
//!
//! A [`Core`] is a deterministic state machine stepped one video frame at a time. Each
//! [`Core::run_frame`] call reads one [`InputState`] snapshot, draws one [`Framebuffer`]
//! and pushes that frame's audio into an [`AudioSink`]. Frontends (the desktop window, the
//! browser, the headless runner, the server) know cores only through this crate.
//!
//! Besides the contract itself the crate holds what every frontend needs around it:
//! - [`media`]: files handed to a core, with format detection and `.zip` unpacking;
//! - [`state`]: the framing every save state carries (core id, version, length, checksum);
//! - [`pacer`]: runs a core at its own frame rate whatever the display's refresh;
//! - [`resample`]: audio rate conversion with dynamic rate control.

pub mod audio;
pub mod core;
pub mod input;
pub mod media;
pub mod pacer;
pub mod resample;
pub mod state;
pub mod video;

pub use crate::core::{
    Core, CoreError, CoreInfo, CoreOption, FrameIo, FrameRate, MemoryError, MemoryRegion,
    OptionError, OptionValue, OptionValues, ResetKind, Stop,
};
pub use audio::{AudioBuffer, AudioSink, Silence};
pub use input::{Axis, Buttons, Gamepad, InputState, Key, KeySet, Pointer};
pub use media::{Media, MediaError, MediaKind};
pub use pacer::FramePacer;
pub use resample::Resampler;
pub use state::{StateError, StateHeader, StateReader, StateWriter};
pub use video::Framebuffer;
