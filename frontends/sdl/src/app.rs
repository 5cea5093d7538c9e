//! The window's main loop: events, pacing, hotkeys, drawing.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use heirloom_shell::{
    AudioBuffer, Buttons, Core, FrameIo, FramePacer, Framebuffer, InputState, Key, KeySet,
    ResetKind,
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
use crate::pads::Pads;
use crate::view::{place, shown_width};
use crate::{Error, Opener, Options};

/// How long a message stays on screen.
const MESSAGE_TIME: Duration = Duration::from_millis(2500);
/// In warp, how long each round of frames may take before the window is redrawn.
const WARP_SLICE: Duration = Duration::from_millis(15);
/// How long a paused window sleeps between looks at its events.
const PAUSED_NAP: Duration = Duration::from_millis(10);
/// The save state slot F2 and F3 use.
const SLOT: u32 = 1;
const MESSAGE_INK: [u8; 4] = [0xff, 0xff, 0xff, 0xff];
const MESSAGE_PAPER: [u8; 4] = [0x20, 0x20, 0x20, 0xff];

/// Runs `core` in a window until the user quits; `open` loads dropped files.
pub fn run(core: Box<dyn Core>, options: &Options, open: &mut Opener<'_>) -> Result<(), Error> {
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
    let canvas = window
        .into_canvas()
        .present_vsync()
        .build()
        .map_err(|err| Error::Window(err.to_string()))?;
    let textures = canvas.texture_creator();
    let events = sdl.event_pump().map_err(Error::Window)?;
    if options.symbolic {
        video.text_input().start();
    } else {
        video.text_input().stop();
    }
    let audio = open_audio(options.sound, info.audio_sample_rate);
    let pads = Pads::open()
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
        audio,
        pads,
        clock: Instant::now(),
        pacer: FramePacer::new(info.frame_rate, Duration::ZERO),
        picture: Framebuffer::new(info.video_width, info.video_height),
        scratch: Vec::new(),
        sound: AudioBuffer::new(),
        input: InputState::default(),
        keyboard: Keyboard::default(),
        numpad: Buttons::NONE,
        message: None,
        frames_run: 0,
        paused: false,
        warp: false,
        quit: false,
    };
    app.pacer.restart(app.clock.elapsed());
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

/// Keys held, with releases that came before any frame saw the press put off by a frame.
#[derive(Default)]
struct Keyboard {
    held: KeySet,
    /// Pressed since the last frame ran.
    fresh: KeySet,
    /// Released before a frame saw them.
    late_release: KeySet,
}

impl Keyboard {
    fn press(&mut self, key: Key) {
        self.held.set(key, true);
        self.fresh.set(key, true);
        self.late_release.set(key, false);
    }

    fn release(&mut self, key: Key) {
        if self.fresh.contains(key) {
            self.late_release.set(key, true);
        } else {
            self.held.set(key, false);
        }
    }

    /// After a frame ran: what it saw pressed counts as seen.
    fn frame_done(&mut self) {
        for key in self.late_release.iter().collect::<Vec<_>>() {
            self.held.set(key, false);
        }
        self.late_release = KeySet::new();
        self.fresh = KeySet::new();
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
    audio: Option<AudioOut>,
    pads: Option<Pads>,
    clock: Instant,
    pacer: FramePacer,
    picture: Framebuffer,
    scratch: Vec<u8>,
    sound: AudioBuffer,
    input: InputState,
    keyboard: Keyboard,
    numpad: Buttons,
    message: Option<(String, Instant)>,
    /// Frames run since the window opened.
    frames_run: u64,
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
            } else {
                let due = self.pacer.frames_due(self.clock.elapsed());
                for _ in 0..due {
                    self.run_frame(true);
                }
            }
            self.draw()?;
            if !self.warp {
                // Present waits for the display when vsync works; when it does not (or the
                // display is faster than the core) wait here for the next frame.
                let next = self.pacer.next_frame_at();
                let now = self.clock.elapsed();
                if next > now {
                    std::thread::sleep(next - now);
                }
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
        self.input.keys = self.keyboard.held;
        if let Some(pads) = &mut self.pads {
            pads.read(&mut self.input.gamepads);
        } else {
            self.input.gamepads = Default::default();
        }
        if self.numpad != Buttons::NONE {
            let pad = &mut self.input.gamepads[0];
            pad.connected = true;
            pad.buttons = pad.buttons | self.numpad;
        }
        self.sound.clear();
        self.core.run_frame(&mut FrameIo {
            input: &self.input,
            video: &mut self.picture,
            audio: &mut self.sound,
        });
        self.input.text.clear();
        self.keyboard.frame_done();
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
            } => self.key(code, false),
            Event::TextInput { text, .. } if self.options.symbolic => {
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
            }
            _ => {}
        }
    }

    fn key_down(&mut self, code: Scancode, keymod: Mod, repeat: bool) {
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

    /// Acts on a hotkey; false when `code` is none.
    fn hotkey(&mut self, code: Scancode, keymod: Mod, repeat: bool) -> bool {
        let shift = keymod.intersects(Mod::LSHIFTMOD | Mod::RSHIFTMOD);
        let alt = keymod.intersects(Mod::LALTMOD | Mod::RALTMOD);
        let is_hotkey = matches!(
            code,
            Scancode::F2
                | Scancode::F3
                | Scancode::F4
                | Scancode::F5
                | Scancode::F9
                | Scancode::F10
                | Scancode::F11
                | Scancode::F12
                | Scancode::Pause
        ) || (alt && code == Scancode::Return);
        if !is_hotkey || repeat {
            return is_hotkey;
        }
        match code {
            Scancode::F4 => self.quit = true,
            Scancode::Pause | Scancode::F9 => {
                self.paused = !self.paused;
                if self.paused {
                    self.say("PAUSED");
                } else {
                    self.resume_pacing();
                    self.say("RUNNING");
                }
            }
            Scancode::F10 => {
                self.warp = !self.warp;
                if !self.warp {
                    self.resume_pacing();
                }
                self.say(if self.warp { "WARP" } else { "NORMAL SPEED" });
            }
            Scancode::F5 => {
                let kind = if shift {
                    ResetKind::Hard
                } else {
                    ResetKind::Soft
                };
                self.core.reset(kind);
                self.say(if shift { "HARD RESET" } else { "RESET" });
            }
            Scancode::F2 => self.save_state(),
            Scancode::F3 => self.load_state(),
            Scancode::F12 => self.screenshot(),
            _ => self.toggle_fullscreen(),
        }
        true
    }

    fn resume_pacing(&mut self) {
        self.pacer.restart(self.clock.elapsed());
    }

    fn save_state(&mut self) {
        let path = files::state_path(&self.files_base, SLOT);
        match files::write_atomically(&path, &self.core.save_state()) {
            Ok(()) => self.say(format!("SAVED SLOT {SLOT}")),
            Err(err) => self.report(&path, &err.to_string()),
        }
    }

    fn load_state(&mut self) {
        let path = files::state_path(&self.files_base, SLOT);
        let loaded = std::fs::read(&path)
            .map_err(|err| err.to_string())
            .and_then(|bytes| self.core.load_state(&bytes).map_err(|err| err.to_string()));
        match loaded {
            Ok(()) => {
                self.resume_pacing();
                self.say(format!("LOADED SLOT {SLOT}"));
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
                self.pacer = FramePacer::new(info.frame_rate, self.clock.elapsed());
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
    fn a_tap_between_frames_is_held_for_one_frame() {
        let mut keyboard = Keyboard::default();
        keyboard.press(Key::KeyA);
        keyboard.release(Key::KeyA);
        assert!(keyboard.held.contains(Key::KeyA), "the next frame sees it");
        keyboard.frame_done();
        assert!(keyboard.held.is_empty(), "and the one after does not");
        // A key held across a frame is released at once.
        keyboard.press(Key::KeyB);
        keyboard.frame_done();
        assert!(keyboard.held.contains(Key::KeyB));
        keyboard.release(Key::KeyB);
        assert!(keyboard.held.is_empty());
        // Pressed again before the late release took effect: stays held.
        keyboard.press(Key::KeyC);
        keyboard.release(Key::KeyC);
        keyboard.press(Key::KeyC);
        keyboard.frame_done();
        assert!(keyboard.held.contains(Key::KeyC));
    }

    #[test]
    fn symbolic_mode_leaves_editing_keys_positional() {
        assert!(types_text(Key::KeyQ) && types_text(Key::Space));
        assert!(!types_text(Key::Enter) && !types_text(Key::ShiftLeft));
        assert!(!types_text(Key::ArrowDown) && !types_text(Key::F1));
    }
}
