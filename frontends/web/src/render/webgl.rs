//! Drawing on WebGL2 directly: one texture, one triangle, nearest-neighbour sampling.
//!
//! The texture is plain RGBA8 and WebGL's default framebuffer does no colour conversion,
//! so the canvas shows the core's colours exactly.

use heirloom_shell::Framebuffer;
use wasm_bindgen::JsCast;
use web_sys::{WebGl2RenderingContext as Gl, WebGlProgram, WebGlShader, WebGlTexture};

use super::place;

const VERTEX_SHADER: &str = "#version 300 es
out highp vec2 uv;
void main() {
    // One triangle whose inside covers the viewport exactly.
    uv = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
    gl_Position = vec4(uv.x * 2.0 - 1.0, 1.0 - uv.y * 2.0, 0.0, 1.0);
}";

const FRAGMENT_SHADER: &str = "#version 300 es
precision highp float;
in highp vec2 uv;
uniform sampler2D picture;
out vec4 colour;
void main() {
    colour = texture(picture, uv);
}";

/// The WebGL2 objects that show frames on one canvas.
pub struct Renderer {
    gl: Gl,
    canvas: web_sys::HtmlCanvasElement,
    texture: WebGlTexture,
    width: u32,
    height: u32,
}

impl Renderer {
    /// Opens WebGL2 on `canvas` for frames of `width`×`height`.
    pub fn new(
        canvas: web_sys::HtmlCanvasElement,
        width: u32,
        height: u32,
    ) -> Result<Self, String> {
        let gl = canvas
            .get_context("webgl2")
            .ok()
            .flatten()
            .and_then(|context| context.dyn_into::<Gl>().ok())
            .ok_or("this browser offers neither WebGPU nor WebGL2")?;
        let program = link(&gl)?;
        gl.use_program(Some(&program));
        let texture = picture_texture(&gl, width, height)?;
        Ok(Self {
            gl,
            canvas,
            texture,
            width,
            height,
        })
    }

    /// Follows a change of the canvas's size in physical pixels.
    pub fn resize(&mut self, width: u32, height: u32) {
        self.canvas.set_width(width.max(1));
        self.canvas.set_height(height.max(1));
    }

    /// Shows `frame` with `pixel_aspect`, scaled to the canvas.
    pub fn draw(&mut self, frame: &Framebuffer, pixel_aspect: f32) {
        let gl = &self.gl;
        if (frame.width(), frame.height()) != (self.width, self.height) {
            let Ok(texture) = picture_texture(gl, frame.width(), frame.height()) else {
                return;
            };
            gl.delete_texture(Some(&self.texture));
            (self.texture, self.width, self.height) = (texture, frame.width(), frame.height());
        }
        gl.bind_texture(Gl::TEXTURE_2D, Some(&self.texture));
        gl.pixel_storei(Gl::UNPACK_ROW_LENGTH, (frame.pitch() / 4) as i32);
        // A failure here only loses this frame's picture; the next frame tries again.
        let _ = gl.tex_sub_image_2d_with_i32_and_i32_and_u32_and_type_and_opt_u8_array(
            Gl::TEXTURE_2D,
            0,
            0,
            0,
            self.width as i32,
            self.height as i32,
            Gl::RGBA,
            Gl::UNSIGNED_BYTE,
            Some(frame.as_bytes()),
        );
        let (canvas_width, canvas_height) = (self.canvas.width(), self.canvas.height());
        gl.viewport(0, 0, canvas_width as i32, canvas_height as i32);
        gl.clear_color(0.0, 0.0, 0.0, 1.0);
        gl.clear(Gl::COLOR_BUFFER_BIT);
        let placement = place(
            self.width,
            self.height,
            pixel_aspect,
            canvas_width,
            canvas_height,
        );
        // GL counts rows from the bottom.
        let bottom = canvas_height as f32 - placement.y - placement.height;
        gl.viewport(
            placement.x.round() as i32,
            bottom.round() as i32,
            placement.width.round() as i32,
            placement.height.round() as i32,
        );
        gl.draw_arrays(Gl::TRIANGLES, 0, 3);
    }
}

/// A bound texture for pictures of `width`×`height`, sampled nearest-neighbour.
fn picture_texture(gl: &Gl, width: u32, height: u32) -> Result<WebGlTexture, String> {
    let texture = gl.create_texture().ok_or("WebGL2 has no texture to give")?;
    gl.bind_texture(Gl::TEXTURE_2D, Some(&texture));
    gl.tex_storage_2d(Gl::TEXTURE_2D, 1, Gl::RGBA8, width as i32, height as i32);
    for (parameter, value) in [
        (Gl::TEXTURE_MIN_FILTER, Gl::NEAREST),
        (Gl::TEXTURE_MAG_FILTER, Gl::NEAREST),
        (Gl::TEXTURE_WRAP_S, Gl::CLAMP_TO_EDGE),
        (Gl::TEXTURE_WRAP_T, Gl::CLAMP_TO_EDGE),
    ] {
        gl.tex_parameteri(Gl::TEXTURE_2D, parameter, value as i32);
    }
    Ok(texture)
}

/// Compiles and links the shader program.
fn link(gl: &Gl) -> Result<WebGlProgram, String> {
    let vertex = compile(gl, Gl::VERTEX_SHADER, VERTEX_SHADER)?;
    let fragment = compile(gl, Gl::FRAGMENT_SHADER, FRAGMENT_SHADER)?;
    let program = gl.create_program().ok_or("WebGL2 has no program to give")?;
    gl.attach_shader(&program, &vertex);
    gl.attach_shader(&program, &fragment);
    gl.link_program(&program);
    if gl
        .get_program_parameter(&program, Gl::LINK_STATUS)
        .as_bool()
        .unwrap_or(false)
    {
        Ok(program)
    } else {
        Err(format!(
            "the WebGL2 program does not link: {}",
            gl.get_program_info_log(&program).unwrap_or_default()
        ))
    }
}

fn compile(gl: &Gl, kind: u32, source: &str) -> Result<WebGlShader, String> {
    let shader = gl
        .create_shader(kind)
        .ok_or("WebGL2 has no shader to give")?;
    gl.shader_source(&shader, source);
    gl.compile_shader(&shader);
    if gl
        .get_shader_parameter(&shader, Gl::COMPILE_STATUS)
        .as_bool()
        .unwrap_or(false)
    {
        Ok(shader)
    } else {
        Err(format!(
            "a WebGL2 shader does not compile: {}",
            gl.get_shader_info_log(&shader).unwrap_or_default()
        ))
    }
}
