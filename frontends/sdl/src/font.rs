//! A tiny built-in 5×7 font for the message line drawn over the picture.
//!
//! Letters are shown in capitals; characters without a glyph are drawn as `?`.

/// Width of a glyph cell in font pixels (5 pixels of glyph and one of spacing).
pub const CELL_WIDTH: u32 = 6;
/// Height of a glyph cell in font pixels (7 pixels of glyph and one of spacing).
pub const CELL_HEIGHT: u32 = 8;

/// The rows of `c`'s glyph, top first; bit 4 is the leftmost pixel.
fn glyph(c: char) -> [u8; 7] {
    match c.to_ascii_uppercase() {
        ' ' => [0; 7],
        'A' => [0x0e, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11],
        'B' => [0x1e, 0x11, 0x11, 0x1e, 0x11, 0x11, 0x1e],
        'C' => [0x0e, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0e],
        'D' => [0x1e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1e],
        'E' => [0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x1f],
        'F' => [0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x10],
        'G' => [0x0e, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0f],
        'H' => [0x11, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11],
        'I' => [0x0e, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e],
        'J' => [0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0c],
        'K' => [0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11],
        'L' => [0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1f],
        'M' => [0x11, 0x1b, 0x15, 0x15, 0x11, 0x11, 0x11],
        'N' => [0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11],
        'O' => [0x0e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e],
        'P' => [0x1e, 0x11, 0x11, 0x1e, 0x10, 0x10, 0x10],
        'Q' => [0x0e, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0d],
        'R' => [0x1e, 0x11, 0x11, 0x1e, 0x14, 0x12, 0x11],
        'S' => [0x0f, 0x10, 0x10, 0x0e, 0x01, 0x01, 0x1e],
        'T' => [0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04],
        'U' => [0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e],
        'V' => [0x11, 0x11, 0x11, 0x11, 0x11, 0x0a, 0x04],
        'W' => [0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0a],
        'X' => [0x11, 0x11, 0x0a, 0x04, 0x0a, 0x11, 0x11],
        'Y' => [0x11, 0x11, 0x11, 0x0a, 0x04, 0x04, 0x04],
        'Z' => [0x1f, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1f],
        '0' => [0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e],
        '1' => [0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e],
        '2' => [0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f],
        '3' => [0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e],
        '4' => [0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02],
        '5' => [0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e],
        '6' => [0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e],
        '7' => [0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
        '8' => [0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e],
        '9' => [0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c],
        '.' => [0, 0, 0, 0, 0, 0x0c, 0x0c],
        ',' => [0, 0, 0, 0, 0x0c, 0x04, 0x08],
        ':' => [0, 0x0c, 0x0c, 0, 0x0c, 0x0c, 0],
        '-' => [0, 0, 0, 0x1f, 0, 0, 0],
        '+' => [0, 0x04, 0x04, 0x1f, 0x04, 0x04, 0],
        '=' => [0, 0, 0x1f, 0, 0x1f, 0, 0],
        '/' => [0, 0x01, 0x02, 0x04, 0x08, 0x10, 0],
        '(' => [0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02],
        ')' => [0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08],
        '!' => [0x04, 0x04, 0x04, 0x04, 0x04, 0, 0x04],
        '\'' => [0x04, 0x04, 0x08, 0, 0, 0, 0],
        '%' => [0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03],
        '_' => [0, 0, 0, 0, 0, 0, 0x1f],
        '×' | '*' => [0, 0x11, 0x0a, 0x04, 0x0a, 0x11, 0],
        _ => [0x0e, 0x11, 0x01, 0x02, 0x04, 0, 0x04],
    }
}

/// A picture to draw into: `pixels` holds rows of `width` RGBA pixels, `pitch` bytes apart.
pub struct Canvas<'a> {
    /// The bytes of the picture.
    pub pixels: &'a mut [u8],
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Bytes from one row to the next.
    pub pitch: usize,
}

impl Canvas<'_> {
    fn put(&mut self, x: u32, y: u32, rgba: [u8; 4]) {
        if x < self.width && y < self.height {
            let start = y as usize * self.pitch + x as usize * 4;
            self.pixels[start..start + 4].copy_from_slice(&rgba);
        }
    }

    /// Draws `text` with its top-left corner at (`x`, `y`) in `ink` on a `paper` box one
    /// pixel wider than the text on every side. What falls outside the picture is clipped.
    pub fn draw_text(&mut self, x: u32, y: u32, text: &str, ink: [u8; 4], paper: [u8; 4]) {
        let columns = text.chars().count() as u32;
        let box_width = columns * CELL_WIDTH + 1;
        for dy in 0..CELL_HEIGHT + 1 {
            for dx in 0..box_width + 1 {
                self.put(x + dx, y + dy, paper);
            }
        }
        for (column, c) in text.chars().enumerate() {
            let left = x + 1 + column as u32 * CELL_WIDTH;
            for (row, bits) in glyph(c).iter().enumerate() {
                for bit in 0..5 {
                    if bits & (0x10 >> bit) != 0 {
                        self.put(left + bit, y + 1 + row as u32, ink);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INK: [u8; 4] = [255, 255, 255, 255];
    const PAPER: [u8; 4] = [0, 0, 0, 255];

    #[test]
    fn draws_glyph_pixels_in_ink_on_paper_and_clips() {
        let (width, height) = (20u32, 10u32);
        let pitch = width as usize * 4 + 8;
        let mut pixels = vec![7u8; pitch * height as usize];
        let mut canvas = Canvas {
            pixels: &mut pixels,
            width,
            height,
            pitch,
        };
        canvas.draw_text(0, 0, "L1", INK, PAPER);
        let at = |x: usize, y: usize| -> [u8; 4] {
            let start = y * pitch + x * 4;
            pixels[start..start + 4].try_into().unwrap()
        };
        // `L`: the left column of its cell is inked on every row, its bottom row fully.
        for row in 0..7 {
            assert_eq!(at(1, 1 + row), INK);
        }
        for column in 0..5 {
            assert_eq!(at(1 + column, 7), INK);
        }
        assert_eq!(at(2, 1), PAPER);
        // `1`: the middle column of the second cell.
        assert_eq!(at(1 + 6 + 2, 4), INK);
        assert_eq!(at(1 + 6, 4), PAPER);
        // Outside the box and in the row padding nothing changed.
        assert_eq!(at(19, 9), [7; 4]);
        assert_eq!(&pixels[width as usize * 4..pitch], &[7; 8]);
        // Text running off the picture is clipped, not a panic.
        let mut canvas = Canvas {
            pixels: &mut pixels,
            width,
            height,
            pitch,
        };
        canvas.draw_text(15, 5, "WIDE TEXT", INK, PAPER);
    }
}
