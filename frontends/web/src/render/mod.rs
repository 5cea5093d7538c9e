//! Drawing the core's framebuffer on the canvas: through wgpu on WebGPU where the browser
//! has it, otherwise on WebGL2 directly.
//!
//! wgpu's own WebGL backend would cost about 700 KB of the bundle (gzip) to draw one
//! textured triangle; the WebGL2 path here is a few hundred bytes and shows exactly the
//! same pixels.

mod webgl;
mod webgpu;

use heirloom_shell::Framebuffer;

/// The picture's place on the canvas, in physical pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placement {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}

/// Where a `width`×`height` picture with `pixel_aspect` goes on a `canvas_width`×
/// `canvas_height` canvas: the largest whole-number scale that fits, or, when not even
/// 1× fits, the largest size that fits with the aspect kept; centred.
pub fn place(
    width: u32,
    height: u32,
    pixel_aspect: f32,
    canvas_width: u32,
    canvas_height: u32,
) -> Placement {
    let picture_width = width as f32 * pixel_aspect;
    let picture_height = height as f32;
    let (canvas_width, canvas_height) = (canvas_width as f32, canvas_height as f32);
    let fit = (canvas_width / picture_width).min(canvas_height / picture_height);
    let scale = if fit >= 1.0 { fit.floor() } else { fit };
    let (w, h) = (picture_width * scale, picture_height * scale);
    Placement {
        x: ((canvas_width - w) / 2.0).floor(),
        y: ((canvas_height - h) / 2.0).floor(),
        width: w,
        height: h,
    }
}

/// Whatever draws on the canvas.
pub enum Renderer {
    /// wgpu on the browser's WebGPU.
    WebGpu(webgpu::Renderer),
    /// WebGL2 through the browser's API.
    WebGl(webgl::Renderer),
}

impl Renderer {
    /// Opens WebGPU for `canvas` when the browser offers an adapter, WebGL2 otherwise,
    /// for frames of `width`×`height`.
    pub async fn new(
        canvas: web_sys::HtmlCanvasElement,
        width: u32,
        height: u32,
    ) -> Result<Self, String> {
        if has_webgpu() {
            match webgpu::Renderer::new(canvas.clone(), width, height).await {
                Ok(renderer) => return Ok(Self::WebGpu(renderer)),
                Err(err) => {
                    web_sys::console::info_1(&format!("heirloom: {err}; using WebGL2").into())
                }
            }
        }
        webgl::Renderer::new(canvas, width, height).map(Self::WebGl)
    }

    /// The backend in use: `"WebGPU"` or `"WebGL2"`.
    pub fn backend(&self) -> &'static str {
        match self {
            Self::WebGpu(_) => "WebGPU",
            Self::WebGl(_) => "WebGL2",
        }
    }

    /// Follows a change of the canvas's size in physical pixels.
    pub fn resize(&mut self, width: u32, height: u32) {
        match self {
            Self::WebGpu(renderer) => renderer.resize(width, height),
            Self::WebGl(renderer) => renderer.resize(width, height),
        }
    }

    /// Shows `frame` with `pixel_aspect`, scaled to the canvas.
    pub fn draw(&mut self, frame: &Framebuffer, pixel_aspect: f32) {
        match self {
            Self::WebGpu(renderer) => renderer.draw(frame, pixel_aspect),
            Self::WebGl(renderer) => renderer.draw(frame, pixel_aspect),
        }
    }
}

/// Whether the browser exposes `navigator.gpu`.
fn has_webgpu() -> bool {
    web_sys::window().is_some_and(|window| {
        js_sys::Reflect::get(&window.navigator(), &"gpu".into())
            .is_ok_and(|gpu| !gpu.is_undefined() && !gpu.is_null())
    })
}
