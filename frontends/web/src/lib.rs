//! Heirloom in the browser: the C64 core on a canvas, drawn by wgpu (WebGPU where the
//! browser has it, WebGL2 otherwise) in a winit window, paced at the core's own frame
//! rate whatever the display's refresh, with sound handed to the page's AudioWorklet.
//!
//! The page (`web/`) starts it with [`start`] and drives it through the functions
//! exported here, which `web/main.js` gathers into `window.heirloom`.

mod emulator;
mod keys;
mod render;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use heirloom_shell::{Buttons, Key};
use wasm_bindgen::prelude::*;
use winit::application::ApplicationHandler;
use winit::event::{ElementState, WindowEvent};
use winit::event_loop::{ActiveEventLoop, EventLoop};
use winit::keyboard::PhysicalKey;
use winit::platform::web::{EventLoopExtWebSys, WindowAttributesExtWebSys};
use winit::window::{Window, WindowId};

use crate::emulator::Emulator;
use crate::render::Renderer;

thread_local! {
    /// The one machine of the page.
    static EMULATOR: RefCell<Option<Rc<RefCell<Emulator>>>> = const { RefCell::new(None) };
    /// The backend the renderer chose, once it has.
    static BACKEND: RefCell<Option<&'static str>> = const { RefCell::new(None) };
}

/// Host time from the page's monotonic clock.
fn now() -> Duration {
    let millis = web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now());
    Duration::from_secs_f64(millis / 1000.0)
}

/// Runs `f` on the machine; an error before [`start`].
fn with_emulator<T>(f: impl FnOnce(&mut Emulator) -> T) -> Result<T, JsError> {
    EMULATOR.with(|slot| match &*slot.borrow() {
        Some(emulator) => Ok(f(&mut emulator.borrow_mut())),
        None => Err(JsError::new("Heirloom has not been started")),
    })
}

/// The winit application: one window on the page's canvas.
struct App {
    emulator: Rc<RefCell<Emulator>>,
    canvas: Option<web_sys::HtmlCanvasElement>,
    window: Option<Rc<Window>>,
    renderer: Rc<RefCell<Option<Renderer>>>,
    /// Whether a picture has been drawn yet.
    drawn: bool,
}

impl ApplicationHandler for App {
    fn resumed(&mut self, event_loop: &ActiveEventLoop) {
        let Some(canvas) = self.canvas.take() else {
            return;
        };
        let attributes = Window::default_attributes()
            .with_canvas(Some(canvas.clone()))
            .with_prevent_default(false);
        let window = match event_loop.create_window(attributes) {
            Ok(window) => Rc::new(window),
            Err(err) => {
                web_sys::console::error_1(&format!("heirloom: no window: {err}").into());
                return;
            }
        };
        self.window = Some(Rc::clone(&window));
        let (width, height) = {
            let emulator = self.emulator.borrow();
            (emulator.info().video_width, emulator.info().video_height)
        };
        let renderer = Rc::clone(&self.renderer);
        wasm_bindgen_futures::spawn_local(async move {
            match Renderer::new(canvas, width, height).await {
                Ok(mut ready) => {
                    // The canvas may have been laid out while the GPU was opening.
                    let size = window.inner_size();
                    ready.resize(size.width, size.height);
                    BACKEND.with(|b| *b.borrow_mut() = Some(ready.backend()));
                    *renderer.borrow_mut() = Some(ready);
                    window.request_redraw();
                }
                Err(err) => web_sys::console::error_1(&format!("heirloom: {err}").into()),
            }
        });
    }

    fn window_event(&mut self, _: &ActiveEventLoop, _: WindowId, event: WindowEvent) {
        match event {
            WindowEvent::RedrawRequested => {
                let mut emulator = self.emulator.borrow_mut();
                emulator.advance(now());
                if let Some(renderer) = &mut *self.renderer.borrow_mut() {
                    renderer.draw(emulator.framebuffer(), emulator.pixel_aspect());
                    if !self.drawn {
                        // When the first picture reached the canvas, for the page's timings.
                        self.drawn = true;
                        if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
                            let _ = performance.mark("heirloom-first-frame");
                        }
                    }
                }
                if let Some(window) = &self.window {
                    window.request_redraw();
                }
            }
            WindowEvent::Resized(size) => {
                if let Some(renderer) = &mut *self.renderer.borrow_mut() {
                    renderer.resize(size.width, size.height);
                }
            }
            WindowEvent::KeyboardInput { event, .. } => {
                if let PhysicalKey::Code(code) = event.physical_key
                    && let Some(key) = keys::key_for(code)
                {
                    let held = event.state == ElementState::Pressed;
                    self.emulator.borrow_mut().set_key(key, held);
                }
            }
            WindowEvent::Focused(false) => self.emulator.borrow_mut().release_keys(),
            _ => {}
        }
    }
}

/// Starts the machine on the canvas with id `canvas_id`.
#[wasm_bindgen]
pub fn start(canvas_id: &str) -> Result<(), JsError> {
    let canvas = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(canvas_id))
        .ok_or_else(|| JsError::new(&format!("no element #{canvas_id}")))?
        .dyn_into::<web_sys::HtmlCanvasElement>()
        .map_err(|_| JsError::new(&format!("#{canvas_id} is not a canvas")))?;
    let mut emulator = Emulator::new(now());
    emulator.boot();
    let emulator = Rc::new(RefCell::new(emulator));
    EMULATOR.with(|slot| *slot.borrow_mut() = Some(Rc::clone(&emulator)));
    let event_loop = EventLoop::new().map_err(|err| JsError::new(&err.to_string()))?;
    event_loop.spawn_app(App {
        emulator,
        canvas: Some(canvas),
        window: None,
        renderer: Rc::new(RefCell::new(None)),
        drawn: false,
    });
    Ok(())
}

/// The graphics backend in use (`"WebGPU"` or `"WebGL2"`), once drawing has started.
#[wasm_bindgen]
pub fn backend() -> Option<String> {
    BACKEND.with(|b| b.borrow().map(str::to_owned))
}

/// Loads a file (`.prg .d64 .t64 .crt .sid .zip …`; its content decides) and starts it.
#[wasm_bindgen]
pub fn load(bytes: Vec<u8>, name: &str) -> Result<(), JsError> {
    with_emulator(|e| e.load(bytes, name))?.map_err(|err| JsError::new(&err))
}

/// Types `text` (a newline is RETURN).
#[wasm_bindgen(js_name = typeText)]
pub fn type_text(text: &str) -> Result<(), JsError> {
    with_emulator(|e| e.type_text(text))
}

/// Presses or releases the key at `code` (a `KeyboardEvent.code` name), for on-screen
/// keyboards.
#[wasm_bindgen(js_name = setKey)]
pub fn set_key(code: &str, held: bool) -> Result<(), JsError> {
    let key = Key::from_code(code).ok_or_else(|| JsError::new(&format!("no key {code}")))?;
    with_emulator(|e| e.set_key(key, held))
}

/// Sets gamepad `index` (0–3): connected or not, its buttons (the shell's [`Buttons`]
/// bits) and its axes.
#[wasm_bindgen(js_name = setGamepad)]
pub fn set_gamepad(
    index: usize,
    connected: bool,
    buttons: u32,
    axes: &[f32],
) -> Result<(), JsError> {
    with_emulator(|e| {
        if let Some(pad) = e.input_mut().gamepads.get_mut(index) {
            pad.connected = connected;
            pad.buttons = Buttons::from_bits(buttons);
            for (slot, &value) in pad.axes.iter_mut().zip(axes) {
                *slot = value.clamp(-1.0, 1.0);
            }
        }
    })
}

/// The screen as text (40×25 lines for the C64).
#[wasm_bindgen(js_name = screenText)]
pub fn screen_text() -> Result<String, JsError> {
    with_emulator(|e| e.screen_text())
}

/// The last frame as packed RGBA bytes, [`frame_width`] × [`frame_height`].
#[wasm_bindgen]
pub fn frame() -> Result<Vec<u8>, JsError> {
    with_emulator(|e| e.framebuffer().to_packed_rgba())
}

/// The frame's width in pixels.
#[wasm_bindgen(js_name = frameWidth)]
pub fn frame_width() -> Result<u32, JsError> {
    with_emulator(|e| e.framebuffer().width())
}

/// The frame's height in pixels.
#[wasm_bindgen(js_name = frameHeight)]
pub fn frame_height() -> Result<u32, JsError> {
    with_emulator(|e| e.framebuffer().height())
}

/// The width of a pixel relative to its height, as the core shows it.
#[wasm_bindgen(js_name = pixelAspect)]
pub fn pixel_aspect() -> Result<f32, JsError> {
    with_emulator(|e| e.pixel_aspect())
}

/// Shows a picture of a wasm app run by the page (packed RGBA, `width`×`height`) in
/// place of the core's, until a file is loaded into the core again.
#[wasm_bindgen(js_name = showAppPicture)]
pub fn show_app_picture(rgba: &[u8], width: u32, height: u32) -> Result<(), JsError> {
    if rgba.len() < width as usize * height as usize * 4 {
        return Err(JsError::new("the picture is smaller than its size says"));
    }
    with_emulator(|e| e.show_app_picture(rgba, width, height))
}

/// Shows the core's picture again after a wasm app stopped.
#[wasm_bindgen(js_name = showCore)]
pub fn show_core() -> Result<(), JsError> {
    with_emulator(Emulator::show_core)
}

/// Plays a wasm app's interleaved stereo sound made at `rate` Hz.
#[wasm_bindgen(js_name = pushAppAudio)]
pub fn push_app_audio(samples: &[f32], rate: u32) -> Result<(), JsError> {
    with_emulator(|e| e.push_app_audio(samples, rate))
}

/// The input snapshot (`heirloom_input` of `heirloom.h`) a wasm app reads in `frame`.
#[wasm_bindgen(js_name = appInput)]
pub fn app_input(frame: u32) -> Result<AppInput, JsError> {
    with_emulator(|e| {
        let (snapshot, text) = e.take_app_input(frame);
        AppInput { snapshot, text }
    })
}

/// One frame's input for a wasm app.
#[wasm_bindgen(getter_with_clone)]
pub struct AppInput {
    /// The `heirloom_input` bytes.
    pub snapshot: Vec<u8>,
    /// The text typed since the previous frame.
    pub text: String,
}

/// The whole machine state, for saving.
#[wasm_bindgen(js_name = saveState)]
pub fn save_state() -> Result<Vec<u8>, JsError> {
    with_emulator(|e| e.save_state())
}

/// Restores a state made by [`save_state`].
#[wasm_bindgen(js_name = loadState)]
pub fn load_state(state: &[u8]) -> Result<(), JsError> {
    with_emulator(|e| e.load_state(state))?.map_err(|err| JsError::new(&err))
}

/// Resets the machine; a hard reset also clears its memory.
#[wasm_bindgen]
pub fn reset(hard: bool) -> Result<(), JsError> {
    with_emulator(|e| e.reset(hard))
}

/// Pauses or resumes.
#[wasm_bindgen(js_name = setPaused)]
pub fn set_paused(paused: bool) -> Result<(), JsError> {
    with_emulator(|e| e.set_paused(paused, now()))
}

/// Runs flat out (silently) or at the machine's own speed.
#[wasm_bindgen(js_name = setWarp)]
pub fn set_warp(warp: bool) -> Result<(), JsError> {
    with_emulator(|e| e.set_warp(warp, now()))
}

/// Starts converting sound for an output at `sample_rate` Hz (the AudioContext's rate).
#[wasm_bindgen(js_name = startAudio)]
pub fn start_audio(sample_rate: u32) -> Result<(), JsError> {
    with_emulator(|e| e.start_audio(sample_rate))
}

/// The next `frames` stereo frames of sound at the output rate, interleaved.
#[wasm_bindgen(js_name = pullAudio)]
pub fn pull_audio(frames: usize) -> Result<Vec<f32>, JsError> {
    with_emulator(|e| {
        let mut out = vec![0.0; frames.min(1 << 16) * 2];
        e.pull_audio(&mut out);
        out
    })
}
