//! The window's main loop: events, pacing, hotkeys, drawing.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use heirloom_shell::{
    AudioBuffer, Buttons, Core, FrameIo, Framebuffer, Gamepad, InputState, Key, KeySet, ResetKind,
};
use sdl2::event::{Event, WindowEvent};
use sdl2::keyboard::{Mod, Scancode};
use sdl2::pixels::{Color, PixelFormatEnum};
use sdl2::rect::Rect;
use sdl2::render::{Canvas, Texture, TextureCreator};
use sdl2::video::{FullscreenType, Window, WindowContext};

use crate::audio::AudioOut;
use crate::files;
use crate::font;
use crate::keymap::{key_for, numpad_joystick};
use crate::pacing::{Host, Pacing};
use crate::pads::{PadMappings, Pads};
use crate::view::{place, shown_width};
use crate::{Error, Opener, Options};

/// How long a message stays on screen.
const MESSAGE_TIME: Duration = Duration::from_millis(2500);
/// In warp, how long each round of frames may take before the window is redrawn.
const WARP_SLICE: Duration = Duration::from_millis(15);
/// How long a paused window sleeps between looks at its events.
const PAUSED_NAP: Duration = Duration::from_millis(10);
const MESSAGE_INK: [u8; 4] = [0xff, 0xff, 0xff, 0xff];
const MESSAGE_PAPER: [u8; 4] = [0x20, 0x20, 0x20, 0xff];

/// Runs `core` in a window until the user quits; `open` loads dropped files.
pub fn run(core: Box<dyn Core>, options: &Options, open: &mut Opener<'_>) -> Result<(), Error> {
    run_with_pads(core, options, &PadMappings::default(), open)
}

/// [`run`], with gamepad `mappings` (see [`PadMappings::read`]) added to the ones gilrs
/// knows.
pub fn run_with_pads(
    core: Box<dyn Core>,
    options: &Options,
    mappings: &PadMappings,
    open: &mut Opener<'_>,
) -> Result<(), Error> {
    let sdl = sdl2::init().map_err(Error::Window)?;
    let video = sdl.video().map_err(Error::Window)?;
    let driver = video.current_video_driver();
    if options.verbose {
        eprintln!("heirloom: video driver {driver}");
    }
    // SDL falls back to drivers that show nothing when it finds no display; use them only
    // when asked for by name.
    if matches!(driver, "offscreen" | "dummy") && std::env::var_os("SDL_VIDEODRIVER").is_none() {
        return Err(Error::NoDisplay);
    }
    let info = core.info();
    let scale = options.scale.max(1);
    let mut builder = video.window(
        &options.title,
        shown_width(info.video_width, info.pixel_aspect, f64::from(scale)),
        info.video_height * scale,
    );
    builder.position_centered().resizable();
    if options.fullscreen {
        builder.fullscreen_desktop();
    }
    let window = builder
        .build()
        .map_err(|err| Error::Window(err.to_string()))?;
    // Each display pixel shows the nearest emulated pixel: sharp, with the colours the core
    // drew (an `SDL_RENDER_SCALE_QUALITY` in the environment still wins).
    sdl2::hint::set("SDL_RENDER_SCALE_QUALITY", "nearest");
    let canvas = window
        .into_canvas()
        .present_vsync()
        .build()
        .map_err(|err| Error::Window(err.to_string()))?;
    if options.verbose {
        eprintln!("heirloom: renderer {}", canvas.info().name);
    }
    let textures = canvas.texture_creator();
    let events = sdl.event_pump().map_err(Error::Window)?;
    if options.symbolic {
        video.text_input().start();
    } else {
        video.text_input().stop();
    }
    let audio = open_audio(options.sound, info.audio_sample_rate);
    let pads = Pads::open(mappings)
        .inspect_err(|reason| eprintln!("heirloom: {reason}"))
        .ok();
    let mut app = App {
        options,
        files_base: options.files_base.clone(),
        core,
        canvas,
        textures: &textures,
        texture: None,
        events,
        clipboard: video.clipboard(),
        audio,
        pads,
        clock: Instant::now(),
        pacing: Pacing::new(info.frame_rate, Duration::ZERO),
        picture: Framebuffer::new(info.video_width, info.video_height),
        scratch: Vec::new(),
        sound: AudioBuffer::new(),
        input: InputState {
            text: options.type_text.clone(),
            ..InputState::default()
        },
        keyboard: Keyboard::default(),
        numpad: Buttons::NONE,
        message: None,
        frames_run: 0,
        slot: 1,
        ports_swapped: false,
        left_alt: false,
        paused: false,
        warp: options.warp,
        quit: false,
    };
    app.resume_pacing();
    app.main_loop(open)
}

fn open_audio(wanted: bool, rate: u32) -> Option<AudioOut> {
    if !wanted {
        return None;
    }
    AudioOut::open(rate)
        .inspect_err(|reason| eprintln!("heirloom: running without sound ({reason})"))
        .ok()
}

/// The keys held, fed to the core a frame at a time: presses and releases queue up in
/// the order they came, and each frame takes them up to the first one that would undo a
/// change the same frame made. So every tap is held for at least one whole frame, two
/// taps of a key have a frame without it between them, and however late frames run (a
/// busy machine, fast pasting from a tool) no two taps merge into one frame.
#[derive(Default)]
struct Keyboard {
    held: KeySet,
    queue: VecDeque<(Key, bool)>,
}

impl Keyboard {
    fn press(&mut self, key: Key) {
        self.queue.push_back((key, true));
    }

    fn release(&mut self, key: Key) {
        self.queue.push_back((key, false));
    }

    /// The keys the next frame sees.
    fn next_frame(&mut self) -> KeySet {
        let mut pressed = KeySet::new();
        let mut released = KeySet::new();
        while let Some(&(key, down)) = self.queue.front() {
            let undoes = if down {
                released.contains(key)
            } else {
                pressed.contains(key)
            };
            if undoes {
                break;
            }
            self.queue.pop_front();
            self.held.set(key, down);
            if down {
                pressed.set(key, true);
            } else {
                released.set(key, true);
            }
        }
        self.held
    }
}

struct App<'a> {
    options: &'a Options,
    files_base: PathBuf,
    core: Box<dyn Core>,
    canvas: Canvas<Window>,
    textures: &'a TextureCreator<WindowContext>,
    texture: Option<Texture<'a>>,
    events: sdl2::EventPump,
    clipboard: sdl2::clipboard::ClipboardUtil,
    audio: Option<AudioOut>,
    pads: Option<Pads>,
    clock: Instant,
    pacing: Pacing,
    picture: Framebuffer,
    scratch: Vec<u8>,
    sound: AudioBuffer,
    input: InputState,
    keyboard: Keyboard,
    numpad: Buttons,
    message: Option<(String, Instant)>,
    /// Frames run since the window opened.
    frames_run: u64,
    /// The save state slot Alt+S and Alt+L use.
    slot: u32,
    /// Gamepad slots 0 and 1 (so joystick ports) change places.
    ports_swapped: bool,
    /// The left Alt key (the hotkeys' modifier) is down.
    left_alt: bool,
    paused: bool,
    warp: bool,
    quit: bool,
}

impl App<'_> {
    fn main_loop(&mut self, open: &mut Opener<'_>) -> Result<(), Error> {
        while !self.quit {
            let events: Vec<Event> = self.events.poll_iter().collect();
            for event in events {
                self.handle(event, open);
            }
            if self.quit {
                break;
            }
            if self.paused {
                self.draw()?;
                std::thread::sleep(PAUSED_NAP);
                continue;
            }
            if self.warp {
                let started = Instant::now();
                while started.elapsed() < WARP_SLICE {
                    self.run_frame(false);
                }
                self.draw()?;
            } else {
                // The pass never touches the pacing through `self`.
                let mut pacing = self.pacing.clone();
                pacing.pass(self)?;
                self.pacing = pacing;
            }
        }
        if self.options.verbose {
            let seconds = self.clock.elapsed().as_secs_f64();
            eprintln!(
                "heirloom: ran {} frames in {seconds:.1} s ({:.3} frames/s, core rate {:.3})",
                self.frames_run,
                self.frames_run as f64 / seconds,
                self.core.info().frame_rate.as_hz()
            );
        }
        Ok(())
    }

    fn run_frame(&mut self, with_sound: bool) {
        self.input.keys = self.keyboard.next_frame();
        if let Some(pads) = &mut self.pads {
            pads.read(&mut self.input.gamepads);
        } else {
            self.input.gamepads = Default::default();
        }
        add_numpad(&mut self.input.gamepads, self.numpad, self.ports_swapped);
        self.sound.clear();
        self.core.run_frame(&mut FrameIo {
            input: &self.input,
            video: &mut self.picture,
            audio: &mut self.sound,
        });
        self.input.text.clear();
        self.frames_run += 1;
        if with_sound && let Some(audio) = &self.audio {
            audio.push(&self.sound.samples);
        }
    }

    fn say(&mut self, text: impl Into<String>) {
        self.message = Some((text.into(), Instant::now()));
    }

    fn handle(&mut self, event: Event, open: &mut Opener<'_>) {
        match event {
            Event::Quit { .. } => self.quit = true,
            Event::KeyDown {
                scancode: Some(code),
                keymod,
                repeat,
                ..
            } => self.key_down(code, keymod, repeat),
            Event::KeyUp {
                scancode: Some(code),
                ..
            } => {
                if code == Scancode::LAlt {
                    self.left_alt = false;
                }
                self.key(code, false);
            }
            // Alt and a letter is a hotkey, not typing.
            Event::TextInput { text, .. } if self.options.symbolic && !self.left_alt => {
                self.input.text.push_str(&text);
            }
            Event::DropFile { filename, .. } => self.open_file(Path::new(&filename), open),
            Event::Window {
                win_event: WindowEvent::FocusLost,
                ..
            } => {
                // Keys released while another window has the focus never report it.
                self.keyboard = Keyboard::default();
                self.numpad = Buttons::NONE;
                self.left_alt = false;
            }
            _ => {}
        }
    }

    fn key_down(&mut self, code: Scancode, keymod: Mod, repeat: bool) {
        if code == Scancode::LAlt {
            self.left_alt = true;
        }
        let was_hotkey = self.hotkey(code, keymod, repeat);
        if !was_hotkey && !repeat {
            self.key(code, true);
        }
    }

    /// A key that is not a hotkey: into the key set (or the text, in symbolic mode) and
    /// the numpad joystick.
    fn key(&mut self, code: Scancode, down: bool) {
        let Some(key) = key_for(code) else { return };
        if let Some(buttons) = numpad_joystick(key) {
            self.numpad.set(buttons, down);
            return;
        }
        if self.options.symbolic && types_text(key) {
            return;
        }
        if down {
            self.keyboard.press(key);
        } else {
            self.keyboard.release(key);
        }
    }

    /// Acts on a hotkey; false when `code` with `keymod` is none.
    fn hotkey(&mut self, code: Scancode, keymod: Mod, repeat: bool) -> bool {
        let Some(hotkey) = Hotkey::of(code, keymod) else {
            return false;
        };
        if repeat {
            return true;
        }
        match hotkey {
            Hotkey::Quit => self.quit = true,
            Hotkey::Pause => {
                self.paused = !self.paused;
                if self.paused {
                    self.say("PAUSED");
                } else {
                    self.resume_pacing();
                    self.say("RUNNING");
                }
            }
            Hotkey::Warp => {
                self.warp = !self.warp;
                if !self.warp {
                    self.resume_pacing();
                }
                self.say(if self.warp { "WARP" } else { "NORMAL SPEED" });
            }
            Hotkey::Reset(kind) => {
                self.core.reset(kind);
                self.say(match kind {
                    ResetKind::Soft => "RESET",
                    ResetKind::Hard => "HARD RESET",
                });
            }
            Hotkey::Slot(slot) => {
                self.slot = slot;
                self.say(format!("SLOT {slot}"));
            }
            Hotkey::Save => self.save_state(),
            Hotkey::Load => self.load_state(),
            Hotkey::SwapPorts => {
                self.ports_swapped = !self.ports_swapped;
                self.say(if self.ports_swapped {
                    "JOYSTICK PORTS SWAPPED"
                } else {
                    "JOYSTICK PORTS AS STARTED"
                });
            }
            Hotkey::Screenshot => self.screenshot(),
            Hotkey::Fullscreen => self.toggle_fullscreen(),
            Hotkey::Paste => match self.clipboard.clipboard_text() {
                Ok(text) if !text.is_empty() => {
                    // Typed by the core as a person would type it; line ends press RETURN.
                    self.input.text.push_str(&text.replace("\r\n", "\n"));
                    self.say("PASTED");
                }
                _ => self.say("NOTHING TO PASTE"),
            },
        }
        true
    }

    fn resume_pacing(&mut self) {
        self.pacing.restart(self.clock.elapsed());
    }

    fn save_state(&mut self) {
        let slot = self.slot;
        let path = files::state_path(&self.files_base, slot);
        match files::write_atomically(&path, &self.core.save_state()) {
            Ok(()) => self.say(format!("SAVED SLOT {slot}")),
            Err(err) => self.report(&path, &err.to_string()),
        }
    }

    fn load_state(&mut self) {
        let slot = self.slot;
        let path = files::state_path(&self.files_base, slot);
        let loaded = std::fs::read(&path)
            .map_err(|err| err.to_string())
            .and_then(|bytes| self.core.load_state(&bytes).map_err(|err| err.to_string()));
        match loaded {
            Ok(()) => {
                self.resume_pacing();
                self.say(format!("LOADED SLOT {slot}"));
            }
            Err(reason) => self.report(&path, &reason),
        }
    }

    fn screenshot(&mut self) {
        let path = files::free_screenshot_path(&self.files_base);
        let written = files::encode_png(&self.picture)
            .and_then(|png| files::write_atomically(&path, &png).map_err(|err| err.to_string()));
        match written {
            Ok(()) => {
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                self.say(format!("SAVED {name}"));
            }
            Err(reason) => self.report(&path, &reason),
        }
    }

    /// A failure: in full on stderr, briefly on screen.
    fn report(&mut self, path: &Path, reason: &str) {
        eprintln!("heirloom: {}: {reason}", path.display());
        self.say(format!("FAILED: {reason}"));
    }

    fn toggle_fullscreen(&mut self) {
        let window = self.canvas.window_mut();
        let next = match window.fullscreen_state() {
            FullscreenType::Off => FullscreenType::Desktop,
            _ => FullscreenType::Off,
        };
        if let Err(reason) = window.set_fullscreen(next) {
            eprintln!("heirloom: fullscreen: {reason}");
        }
    }

    fn open_file(&mut self, path: &Path, open: &mut Opener<'_>) {
        let rate = self.core.info().audio_sample_rate;
        match open(path, &mut self.core) {
            Ok(()) => {
                self.files_base = path.to_path_buf();
                let info = self.core.info();
                if info.audio_sample_rate != rate {
                    self.audio = open_audio(self.options.sound, info.audio_sample_rate);
                }
                self.pacing = Pacing::new(info.frame_rate, self.clock.elapsed());
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                self.say(format!("LOADED {name}"));
            }
            Err(reason) => {
                eprintln!("heirloom: {reason}");
                self.say(format!("FAILED: {reason}"));
            }
        }
    }

    /// Shows the latest frame (with the message line, if any) in the window.
    fn draw(&mut self) -> Result<(), Error> {
        let (width, height) = (self.picture.width(), self.picture.height());
        if self
            .texture
            .as_ref()
            .is_none_or(|t| (t.query().width, t.query().height) != (width, height))
        {
            let texture = self
                .textures
                .create_texture_streaming(PixelFormatEnum::RGBA32, width, height)
                .map_err(|err| Error::Window(err.to_string()))?;
            self.texture = Some(texture);
        }
        self.scratch.clear();
        self.scratch.extend_from_slice(self.picture.as_bytes());
        if let Some((text, since)) = &self.message {
            if since.elapsed() < MESSAGE_TIME {
                let mut canvas = font::Canvas {
                    pixels: &mut self.scratch,
                    width,
                    height,
                    pitch: self.picture.pitch(),
                };
                let y = height.saturating_sub(font::CELL_HEIGHT + 3);
                canvas.draw_text(2, y, text, MESSAGE_INK, MESSAGE_PAPER);
            } else {
                self.message = None;
            }
        }
        let texture = self.texture.as_mut().expect("made above");
        texture
            .update(None, &self.scratch, self.picture.pitch())
            .map_err(|err| Error::Window(err.to_string()))?;
        let info = self.core.info();
        let placed = place(
            (width, height),
            info.pixel_aspect,
            self.canvas.output_size().map_err(Error::Window)?,
            self.options.scaling,
        );
        self.canvas.set_draw_color(Color::RGB(0, 0, 0));
        self.canvas.clear();
        self.canvas
            .copy(
                texture,
                None,
                Rect::new(placed.x, placed.y, placed.width, placed.height),
            )
            .map_err(Error::Window)?;
        self.canvas.present();
        Ok(())
    }
}

impl Host for App<'_> {
    type Error = Error;

    fn now(&self) -> Duration {
        self.clock.elapsed()
    }

    fn run_frame(&mut self) {
        self.run_frame(true);
    }

    fn present(&mut self) -> Result<(), Error> {
        self.draw()
    }

    fn sleep(&mut self, time: Duration) {
        std::thread::sleep(time);
    }
}

/// What the window does itself instead of passing a key to the core.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hotkey {
    Quit,
    Pause,
    Warp,
    Reset(ResetKind),
    Slot(u32),
    Save,
    Load,
    SwapPorts,
    Screenshot,
    Fullscreen,
    Paste,
}

impl Hotkey {
    /// The hotkey `code` is with the modifiers `keymod`, if any (see [`crate::HOTKEYS`]).
    ///
    /// Only the left Alt key makes hotkeys: the right one is AltGr, which types
    /// characters on many layouts.
    fn of(code: Scancode, keymod: Mod) -> Option<Self> {
        use Scancode as S;
        let alt = keymod.contains(Mod::LALTMOD);
        let shift = keymod.intersects(Mod::LSHIFTMOD | Mod::RSHIFTMOD);
        Some(match code {
            S::F11 => Self::Fullscreen,
            S::F12 => Self::Screenshot,
            S::Pause => Self::Pause,
            _ if !alt => return None,
            S::Return => Self::Fullscreen,
            S::Q => Self::Quit,
            S::P => Self::Pause,
            S::W => Self::Warp,
            S::R if shift => Self::Reset(ResetKind::Hard),
            S::R => Self::Reset(ResetKind::Soft),
            S::S => Self::Save,
            S::L => Self::Load,
            S::J => Self::SwapPorts,
            S::V => Self::Paste,
            S::Num1 => Self::Slot(1),
            S::Num2 => Self::Slot(2),
            S::Num3 => Self::Slot(3),
            S::Num4 => Self::Slot(4),
            S::Num5 => Self::Slot(5),
            S::Num6 => Self::Slot(6),
            S::Num7 => Self::Slot(7),
            S::Num8 => Self::Slot(8),
            S::Num9 => Self::Slot(9),
            _ => return None,
        })
    }
}

/// Adds the numpad joystick to gamepad slot 0 and, when `swapped`, lets slots 0 and 1
/// change places (so the machine's joystick ports do).
fn add_numpad(slots: &mut [Gamepad; 4], numpad: Buttons, swapped: bool) {
    if numpad != Buttons::NONE {
        let pad = &mut slots[0];
        pad.connected = true;
        pad.buttons = pad.buttons | numpad;
    }
    if swapped {
        slots.swap(0, 1);
    }
}

/// Whether `key` types a character (and so goes as text in symbolic mode).
fn types_text(key: Key) -> bool {
    matches!(
        key,
        Key::Backquote
            | Key::Digit1
            | Key::Digit2
            | Key::Digit3
            | Key::Digit4
            | Key::Digit5
            | Key::Digit6
            | Key::Digit7
            | Key::Digit8
            | Key::Digit9
            | Key::Digit0
            | Key::Minus
            | Key::Equal
            | Key::KeyQ
            | Key::KeyW
            | Key::KeyE
            | Key::KeyR
            | Key::KeyT
            | Key::KeyY
            | Key::KeyU
            | Key::KeyI
            | Key::KeyO
            | Key::KeyP
            | Key::BracketLeft
            | Key::BracketRight
            | Key::Backslash
            | Key::KeyA
            | Key::KeyS
            | Key::KeyD
            | Key::KeyF
            | Key::KeyG
            | Key::KeyH
            | Key::KeyJ
            | Key::KeyK
            | Key::KeyL
            | Key::Semicolon
            | Key::Quote
            | Key::IntlBackslash
            | Key::KeyZ
            | Key::KeyX
            | Key::KeyC
            | Key::KeyV
            | Key::KeyB
            | Key::KeyN
            | Key::KeyM
            | Key::Comma
            | Key::Period
            | Key::Slash
            | Key::Space
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taps_reach_the_core_one_frame_each_however_late_frames_come() {
        let mut keyboard = Keyboard::default();
        // Two taps and a shifted key typed before any frame ran.
        for key in [Key::KeyA, Key::KeyB] {
            keyboard.press(key);
            keyboard.release(key);
        }
        keyboard.press(Key::ShiftLeft);
        keyboard.press(Key::Digit2);
        keyboard.release(Key::Digit2);
        keyboard.release(Key::ShiftLeft);
        let set = |keys: &[Key]| {
            let mut set = KeySet::new();
            keys.iter().for_each(|&key| set.set(key, true));
            set
        };
        let frames: Vec<KeySet> = (0..5).map(|_| keyboard.next_frame()).collect();
        assert_eq!(
            frames,
            [
                set(&[Key::KeyA]),
                set(&[Key::KeyB]),
                set(&[Key::ShiftLeft, Key::Digit2]),
                set(&[]),
                set(&[]),
            ]
        );

        // The same key tapped twice: a frame without it between the two.
        keyboard.press(Key::KeyC);
        keyboard.release(Key::KeyC);
        keyboard.press(Key::KeyC);
        keyboard.release(Key::KeyC);
        let frames: Vec<bool> = (0..4)
            .map(|_| keyboard.next_frame().contains(Key::KeyC))
            .collect();
        assert_eq!(frames, [true, false, true, false]);

        // A key held across frames stays held until it is released.
        keyboard.press(Key::KeyD);
        assert!(keyboard.next_frame().contains(Key::KeyD));
        assert!(keyboard.next_frame().contains(Key::KeyD));
        keyboard.release(Key::KeyD);
        assert!(keyboard.next_frame().is_empty());
    }

    #[test]
    fn hotkeys_leave_every_key_the_core_can_use_alone() {
        // Without the left Alt, only F11, F12 and Pause are hotkeys: every other key the
        // shell names (the C64's F1 to F8 among them) reaches the core, shifted or not.
        for raw in (4..=101).chain(224..=231) {
            let Some(code) = Scancode::from_i32(raw) else {
                continue;
            };
            for keymod in [Mod::NOMOD, Mod::LSHIFTMOD, Mod::LCTRLMOD, Mod::RALTMOD] {
                let hotkey = Hotkey::of(code, keymod);
                match code {
                    Scancode::F11 | Scancode::F12 | Scancode::Pause => assert!(hotkey.is_some()),
                    _ => assert_eq!(hotkey, None, "{code:?} with {keymod:?}"),
                }
            }
        }
    }

    #[test]
    fn alt_combinations_are_the_hotkeys() {
        let alt = Mod::LALTMOD;
        let cases = [
            (Scancode::P, alt, Hotkey::Pause),
            (Scancode::W, alt, Hotkey::Warp),
            (Scancode::R, alt, Hotkey::Reset(ResetKind::Soft)),
            (
                Scancode::R,
                alt | Mod::LSHIFTMOD,
                Hotkey::Reset(ResetKind::Hard),
            ),
            (
                Scancode::R,
                alt | Mod::RSHIFTMOD,
                Hotkey::Reset(ResetKind::Hard),
            ),
            (Scancode::Num1, alt, Hotkey::Slot(1)),
            (Scancode::Num9, alt, Hotkey::Slot(9)),
            (Scancode::S, alt, Hotkey::Save),
            (Scancode::L, alt, Hotkey::Load),
            (Scancode::J, alt, Hotkey::SwapPorts),
            (Scancode::V, alt, Hotkey::Paste),
            (Scancode::Q, alt, Hotkey::Quit),
            (Scancode::Return, alt, Hotkey::Fullscreen),
            (Scancode::F11, Mod::NOMOD, Hotkey::Fullscreen),
            (Scancode::F12, Mod::NOMOD, Hotkey::Screenshot),
            (Scancode::Pause, Mod::NOMOD, Hotkey::Pause),
        ];
        for (code, keymod, hotkey) in cases {
            assert_eq!(
                Hotkey::of(code, keymod),
                Some(hotkey),
                "{code:?} {keymod:?}"
            );
        }
        // AltGr types characters; Alt with other keys goes to the core.
        assert_eq!(Hotkey::of(Scancode::Q, Mod::RALTMOD), None);
        assert_eq!(Hotkey::of(Scancode::Num0, alt), None);
        assert_eq!(Hotkey::of(Scancode::F1, alt), None);
        // Every hotkey is in the help text.
        for line in [
            "Alt+P",
            "Alt+W",
            "Alt+R",
            "Alt+Shift+R",
            "Alt+1",
            "Alt+9",
            "Alt+S",
        ] {
            assert!(crate::HOTKEYS.contains(line), "{line}");
        }
        for line in [
            "Alt+L",
            "Alt+J",
            "Alt+Q",
            "Alt+Enter",
            "F11",
            "F12",
            "Pause",
        ] {
            assert!(crate::HOTKEYS.contains(line), "{line}");
        }
    }

    #[test]
    fn the_numpad_joins_slot_0_and_alt_j_swaps_the_ports() {
        let mut slots: [Gamepad; 4] = Default::default();
        slots[1].connected = true;
        slots[1].buttons = Buttons::SOUTH;
        add_numpad(&mut slots, Buttons::UP, false);
        assert!(slots[0].connected && slots[0].buttons == Buttons::UP);
        assert_eq!(slots[1].buttons, Buttons::SOUTH);

        let mut slots: [Gamepad; 4] = Default::default();
        slots[0].connected = true;
        slots[0].buttons = Buttons::LEFT;
        add_numpad(&mut slots, Buttons::UP, true);
        assert!(!slots[0].connected, "the second port has no pad");
        assert!(slots[1].connected && slots[1].buttons == Buttons::LEFT | Buttons::UP);
        add_numpad(&mut slots, Buttons::NONE, false);
        assert!(!slots[0].connected, "no numpad key: nothing added");
    }

    #[test]
    fn symbolic_mode_leaves_editing_keys_positional() {
        assert!(types_text(Key::KeyQ) && types_text(Key::Space));
        assert!(!types_text(Key::Enter) && !types_text(Key::ShiftLeft));
        assert!(!types_text(Key::ArrowDown) && !types_text(Key::F1));
    }
}
