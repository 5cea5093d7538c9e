//! The desktop frontend: any [`Core`] in an SDL2 window, with sound, keyboard, joystick
//! and gamepads.
//!
//! [`run`] opens a window showing the core's framebuffer (a streaming texture), scaled by
//! a whole number by default with the core's pixel aspect applied, and runs the core at
//! its own frame rate with [`heirloom_shell::FramePacer`] whatever the display's refresh.
//! Sound goes through [`heirloom_shell::Resampler`] to the default output device; with no
//! device the run is silent, after one notice line.
//!
//! # Keyboard
//! By default keys are positional: each SDL scancode becomes the shell [`Key`] at the same
//! place on a US PC keyboard ([`key_for`]), and the core maps positions to its own
//! keyboard. Letters, digits and F-keys keep their names (`A` → `KeyA`, `Num1` → `Digit1`,
//! `F1` → `F1`, `Kp1` → `Numpad1`); the others:
//!
//! | SDL scancode | shell key | SDL scancode | shell key |
//! |---|---|---|---|
//! | `Grave` | `Backquote` | `Equals` | `Equal` |
//! | `LeftBracket` / `RightBracket` | `BracketLeft` / `BracketRight` | `Apostrophe` | `Quote` |
//! | `Backslash`, `NonUsHash` (ISO) | `Backslash` | `NonUsBackslash` | `IntlBackslash` |
//! | `Return` | `Enter` | `Application` | `ContextMenu` |
//! | `LShift` `RShift` `LCtrl` `RCtrl` | `ShiftLeft` … `ControlRight` | `LAlt` `RAlt` `LGui` `RGui` | `AltLeft` … `MetaRight` |
//! | `Up` `Down` `Left` `Right` | `ArrowUp` … `ArrowRight` | `NumLockClear` | `NumLock` |
//! | `KpDivide` `KpMultiply` `KpMinus` `KpPlus` | `NumpadDivide` … `NumpadAdd` | `KpEnter` `KpPeriod` | `NumpadEnter` `NumpadDecimal` |
//!
//! `Minus`, `Semicolon`, `Comma`, `Period`, `Slash`, `Tab`, `Space`, `Backspace`,
//! `CapsLock`, `Escape`, `Insert`, `Delete`, `Home`, `End`, `PageUp`, `PageDown`,
//! `PrintScreen`, `ScrollLock` and `Pause` keep their names; keys the shell does not name
//! (media keys, F13 and up, Japanese and Korean keys) are ignored. A key pressed and
//! released between two frames is held for one whole frame so that the core sees it.
//!
//! In symbolic mode ([`Options::symbolic`]) typed characters arrive as text
//! ([`InputState::text`]) instead, so the host's layout decides which character a key
//! gives; keys that type no character (Enter, cursor keys, function keys, modifiers…)
//! still go by position.
//!
//! The numeric keypad is joystick 0 in both modes: 8 2 4 6 up, down, left, right, 7 9 1 3
//! the diagonals, 0 (or 5) fire. Gamepads found by gilrs fill the gamepad slots in the
//! order they are found (the numpad adds to slot 0); [`run_with_pads`] adds mappings for
//! pads gilrs does not know, from an SDL_GameControllerDB file ([`PadMappings`]). Alt+J
//! swaps slots 0 and 1, and so the machine's joystick ports.
//!
//! # Hotkeys
//! The hotkeys never reach the core: see [`HOTKEYS`]. They are the left Alt key with a
//! letter or digit, F11, F12 and Pause, none of which the C64 keyboard uses, so every key
//! the C64 needs (F1 to F8 included) reaches it.

mod app;
mod audio;
mod files;
mod font;
mod keymap;
mod pacing;
mod pads;
mod view;

use std::path::{Path, PathBuf};

use heirloom_shell::Core;
#[cfg(doc)]
use heirloom_shell::{InputState, Key};

pub use app::{run, run_with_pads};
pub use keymap::{key_for, numpad_joystick};
pub use pads::{MappingError, PadMappings};
pub use view::{Placement, Scaling, place};

/// The hotkeys, one line each, for help texts. Hotkeys use the left Alt key (the right
/// one is AltGr, which types characters on many layouts), F11, F12 and Pause: none of them
/// is a key the C64 keyboard is mapped to, so F1 to F8 all reach the machine.
pub const HOTKEYS: &str = "\
Hotkeys (Alt is the left Alt key):
  Alt+Q or closing the window  quit (Escape is the C64's RUN/STOP)
  Alt+P or Pause               pause / resume
  Alt+W                        warp: run as fast as possible / normal speed
  Alt+R / Alt+Shift+R          soft reset / hard reset (power off and on)
  Alt+1 ... Alt+9              choose the save state slot (1 at start)
  Alt+S / Alt+L                save / load the state in that slot (NAME.slot1.state)
  Alt+J                        swap the joystick ports
  Alt+V                        paste: type the clipboard's text into the machine
  F12                          save a screenshot (NAME.shot1.png, NAME.shot2.png, ...)
  F11 or Alt+Enter             fullscreen / window
  numeric keypad               joystick: 8 2 4 6 and diagonals 7 9 1 3, 0 fire
Drop a file onto the window to load it.";

/// How the window runs.
#[derive(Clone, Debug)]
pub struct Options {
    /// The window's title.
    pub title: String,
    /// Initial window size as a multiple of the picture (at least 1).
    pub scale: u32,
    /// How the picture is scaled when the window is resized.
    pub scaling: Scaling,
    /// Start in fullscreen.
    pub fullscreen: bool,
    /// Typed characters go to the core as text rather than as key positions.
    pub symbolic: bool,
    /// Whether to open an audio device at all.
    pub sound: bool,
    /// Save states and screenshots are named after this path without its extension
    /// (`game.prg` gives `game.slot1.state`); the media's path, or a bare name for the
    /// current folder.
    pub files_base: PathBuf,
    /// On quitting, print how many frames ran in how long on stderr.
    pub verbose: bool,
    /// Start in warp (as fast as the machine can go, no sound).
    pub warp: bool,
    /// Text to type once the core runs (a newline presses RETURN).
    pub type_text: String,
}

/// Loads a dropped file: makes it run in `core` (loading it into the running core, or
/// replacing the core with one that runs it), or says in one line why not.
pub type Opener<'a> = dyn FnMut(&Path, &mut Box<dyn Core>) -> Result<(), String> + 'a;

/// Why the window could not run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// SDL could not start, open the window or draw in it.
    #[error("cannot open a window: {0}")]
    Window(String),
    /// There is no screen to show a window on (no X11 or Wayland display).
    #[error(
        "no display to open a window on (set DISPLAY or WAYLAND_DISPLAY; \
         for scripts use `heirloom headless`)"
    )]
    NoDisplay,
}
