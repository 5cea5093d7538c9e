//! The running machine and everything the page does to it, independent of drawing.

use std::time::Duration;

use heirloom_c64::{C64, RomSet};
use heirloom_shell::{
    AudioBuffer, AudioSink, Core, CoreInfo, FrameIo, FramePacer, Framebuffer, InputState, Key,
    Media, Resampler, ResetKind,
};

/// Frames warp runs per display refresh.
const WARP_FRAMES: u32 = 10;
/// Frames run flat out at most when the machine is switched on (it stops at `READY.`), so
/// the page shows a booted machine at once instead of replaying the power-on at the
/// machine's own pace.
const FAST_BOOT_FRAMES: u32 = 25;
/// Seconds of sound the queue holds at least and at most before the rate control nudges
/// the conversion ratio.
const LOW_WATER_SECONDS: f64 = 0.05;
const HIGH_WATER_SECONDS: f64 = 0.15;

/// The core, its input, its last picture and its sound queue.
pub struct Emulator {
    core: Box<dyn Core>,
    info: CoreInfo,
    input: InputState,
    framebuffer: Framebuffer,
    frame_audio: AudioBuffer,
    /// Sound converted to the page's rate, once the page has started audio.
    sound: Option<Resampler>,
    pacer: FramePacer,
    paused: bool,
    warp: bool,
    /// Whether the picture comes from a wasm app the page runs in the browser's own
    /// engine, rather than from the core.
    showing_app: bool,
    /// The rate of the sound pushed by that app.
    app_audio_rate: u32,
}

impl Emulator {
    /// A C64 on the open ROM, switched on at host time `now`.
    pub fn new(now: Duration) -> Self {
        let core: Box<dyn Core> = Box::new(C64::new(RomSet::open_rom()));
        let info = core.info();
        Self {
            framebuffer: Framebuffer::new(info.video_width, info.video_height),
            pacer: FramePacer::new(info.frame_rate, now),
            core,
            info,
            input: InputState::default(),
            frame_audio: AudioBuffer::new(),
            sound: None,
            paused: false,
            warp: false,
            showing_app: false,
            app_audio_rate: 0,
        }
    }

    /// What the core is: picture size, aspect, rates.
    pub fn info(&self) -> &CoreInfo {
        &self.info
    }

    /// The width of a pixel of the picture shown, relative to its height (a wasm app's
    /// pixels are square).
    pub fn pixel_aspect(&self) -> f32 {
        if self.showing_app {
            1.0
        } else {
            self.info.pixel_aspect
        }
    }

    /// The last picture the core drew.
    pub fn framebuffer(&self) -> &Framebuffer {
        &self.framebuffer
    }

    /// Runs the frames due at host time `now` (none while paused); whether the picture
    /// changed.
    pub fn advance(&mut self, now: Duration) -> bool {
        if self.paused || self.showing_app {
            return false;
        }
        let due = self.pacer.frames_due(now);
        let frames = if self.warp && due > 0 {
            WARP_FRAMES
        } else {
            due
        };
        for _ in 0..frames {
            self.run_frame();
        }
        frames > 0
    }

    /// Runs the machine's power-on flat out, so the page shows a booted machine at once
    /// instead of replaying it at the machine's own pace.
    pub fn boot(&mut self) {
        for _ in 0..FAST_BOOT_FRAMES {
            self.run_frame();
            if self.screen_text().contains("READY.") {
                break;
            }
        }
    }

    fn run_frame(&mut self) {
        self.frame_audio.clear();
        let mut io = FrameIo {
            input: &self.input,
            video: &mut self.framebuffer,
            audio: &mut self.frame_audio,
        };
        self.core.run_frame(&mut io);
        self.input.text.clear();
        if let Some(sound) = &mut self.sound
            && !self.warp
        {
            sound.push(&self.frame_audio.samples);
        }
    }

    /// Starts converting sound for an output running at `sample_rate` Hz.
    pub fn start_audio(&mut self, sample_rate: u32) {
        let low = (f64::from(sample_rate) * LOW_WATER_SECONDS) as usize;
        let high = (f64::from(sample_rate) * HIGH_WATER_SECONDS) as usize;
        self.sound = Some(Resampler::new(
            self.info.audio_sample_rate,
            sample_rate.max(1),
            low.max(1),
            high.max(2),
        ));
    }

    /// Fills `out` (interleaved stereo at the output rate) with the next sound.
    pub fn pull_audio(&mut self, out: &mut [f32]) {
        match &mut self.sound {
            Some(sound) => sound.pull(out),
            None => out.fill(0.0),
        }
    }

    /// Loads a file the user gave (content decides what it is; a zip is unpacked).
    pub fn load(&mut self, bytes: Vec<u8>, name: &str) -> Result<(), String> {
        let media = Media::new(name, bytes);
        self.core.load(media).map_err(|err| err.to_string())?;
        self.show_core();
        Ok(())
    }

    /// Shows the core's own picture and sound again after a wasm app.
    pub fn show_core(&mut self) {
        if self.showing_app {
            self.showing_app = false;
            self.app_audio_rate = 0;
            self.framebuffer = Framebuffer::new(self.info.video_width, self.info.video_height);
            if let Some(sound) = &mut self.sound {
                sound.set_input_rate(self.info.audio_sample_rate);
            }
        }
    }

    /// Shows a wasm app's picture (packed RGBA) instead of the core's, until a file is
    /// loaded into the core again.
    pub fn show_app_picture(&mut self, rgba: &[u8], width: u32, height: u32) {
        self.showing_app = true;
        if (self.framebuffer.width(), self.framebuffer.height()) != (width, height) {
            self.framebuffer = Framebuffer::new(width, height);
        }
        let row = width as usize * 4;
        for (y, source) in rgba.chunks_exact(row).take(height as usize).enumerate() {
            self.framebuffer.row_mut(y as u32)[..row].copy_from_slice(source);
        }
    }

    /// Plays a wasm app's interleaved stereo sound made at `rate` Hz.
    pub fn push_app_audio(&mut self, samples: &[f32], rate: u32) {
        let Some(sound) = &mut self.sound else {
            return;
        };
        if rate != self.app_audio_rate {
            sound.set_input_rate(rate.max(1));
            self.app_audio_rate = rate;
        }
        sound.push(samples);
    }

    /// The input snapshot a wasm app reads for `frame` (`heirloom_input`), and the text
    /// typed since the last one.
    pub fn take_app_input(&mut self, frame: u32) -> (Vec<u8>, String) {
        let snapshot = self.input.abi_snapshot(frame).to_vec();
        (snapshot, std::mem::take(&mut self.input.text))
    }

    /// Types `text` as the keyboard would (newline is RETURN).
    pub fn type_text(&mut self, text: &str) {
        self.input.text.push_str(text);
    }

    /// Presses or releases a key by its position.
    pub fn set_key(&mut self, key: Key, held: bool) {
        self.input.keys.set(key, held);
    }

    /// Releases every key, e.g. when the page loses focus.
    pub fn release_keys(&mut self) {
        self.input.keys = Default::default();
    }

    /// The input snapshot, for gamepads and the pointer.
    pub fn input_mut(&mut self) -> &mut InputState {
        &mut self.input
    }

    /// The screen as text, if the core has a text screen.
    pub fn screen_text(&self) -> String {
        self.core.screen_text().unwrap_or_default()
    }

    /// The whole machine state.
    pub fn save_state(&self) -> Vec<u8> {
        self.core.save_state()
    }

    /// Restores a state from [`save_state`](Self::save_state).
    pub fn load_state(&mut self, state: &[u8]) -> Result<(), String> {
        self.core.load_state(state).map_err(|err| err.to_string())
    }

    /// Resets the machine (a hard reset also clears memory).
    pub fn reset(&mut self, hard: bool) {
        let kind = if hard {
            ResetKind::Hard
        } else {
            ResetKind::Soft
        };
        self.core.reset(kind);
    }

    /// Pauses or resumes at host time `now`; paused time is not made up.
    pub fn set_paused(&mut self, paused: bool, now: Duration) {
        if self.paused && !paused {
            self.pacer.restart(now);
        }
        self.paused = paused;
    }

    /// Runs flat out (and silent) or at the core's own rate.
    pub fn set_warp(&mut self, warp: bool, now: Duration) {
        if self.warp && !warp {
            self.pacer.restart(now);
        }
        self.warp = warp;
    }
}
