//! The picture a core draws each frame.

/// An RGBA8 picture: `height` rows of `width` pixels, each row starting `pitch` bytes
/// after the previous one (`pitch ≥ 4 × width`), 4 bytes per pixel in the order
/// red, green, blue, alpha.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Framebuffer {
    width: u32,
    height: u32,
    pitch: usize,
    pixels: Vec<u8>,
}

impl Framebuffer {
    /// A black, opaque picture with rows packed tightly (`pitch = 4 × width`).
    pub fn new(width: u32, height: u32) -> Self {
        Self::with_pitch(width, height, width as usize * 4)
    }

    /// A black, opaque picture whose rows are `pitch` bytes apart.
    ///
    /// # Panics
    /// If `pitch` is smaller than a row of pixels.
    pub fn with_pitch(width: u32, height: u32, pitch: usize) -> Self {
        assert!(
            pitch >= width as usize * 4,
            "pitch {pitch} is shorter than a row of {width} pixels"
        );
        let mut pixels = vec![0; pitch * height as usize];
        for pixel in pixels.chunks_exact_mut(4) {
            pixel[3] = 0xff;
        }
        Self {
            width,
            height,
            pitch,
            pixels,
        }
    }

    /// Makes the picture `width × height` (tightly packed), keeping nothing of the old
    /// contents when the size changes. Does nothing when the size is already right.
    pub fn resize(&mut self, width: u32, height: u32) {
        if (self.width, self.height) != (width, height) {
            *self = Self::new(width, height);
        }
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Bytes from the start of one row to the start of the next.
    pub fn pitch(&self) -> usize {
        self.pitch
    }

    /// The raw bytes, `pitch × height` of them.
    pub fn as_bytes(&self) -> &[u8] {
        &self.pixels
    }

    /// The `width × 4` bytes of row `y`.
    pub fn row(&self, y: u32) -> &[u8] {
        let start = y as usize * self.pitch;
        &self.pixels[start..start + self.width as usize * 4]
    }

    /// The `width × 4` bytes of row `y`, for writing.
    pub fn row_mut(&mut self, y: u32) -> &mut [u8] {
        let start = y as usize * self.pitch;
        &mut self.pixels[start..start + self.width as usize * 4]
    }

    /// The pixel at (`x`, `y`) as `[r, g, b, a]`.
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 4] {
        let start = x as usize * 4;
        let row = self.row(y);
        [row[start], row[start + 1], row[start + 2], row[start + 3]]
    }

    /// Sets the pixel at (`x`, `y`) to `[r, g, b, a]`.
    pub fn set_pixel(&mut self, x: u32, y: u32, rgba: [u8; 4]) {
        let start = x as usize * 4;
        self.row_mut(y)[start..start + 4].copy_from_slice(&rgba);
    }

    /// The picture with rows packed tightly, as image encoders and textures expect.
    pub fn to_packed_rgba(&self) -> Vec<u8> {
        (0..self.height)
            .flat_map(|y| self.row(y).iter().copied())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pixels_land_in_their_row_whatever_the_pitch() {
        let mut picture = Framebuffer::with_pitch(3, 2, 16);
        picture.set_pixel(2, 1, [1, 2, 3, 4]);
        assert_eq!(picture.pixel(2, 1), [1, 2, 3, 4]);
        assert_eq!(&picture.as_bytes()[16 + 8..16 + 12], &[1, 2, 3, 4]);
        let packed = picture.to_packed_rgba();
        assert_eq!(packed.len(), 3 * 2 * 4);
        assert_eq!(&packed[12 + 8..12 + 12], &[1, 2, 3, 4]);
        assert_eq!(picture.pixel(0, 0), [0, 0, 0, 0xff]);
    }
}
