//! The text console a program's standard output and error are shown on, and the screen
//! the core shows its own messages on.
//!
//! The console is a grid of [`COLUMNS`] × [`ROWS`] character cells. Output is read as
//! UTF-8: printable ASCII is shown as is, any other character as `?`; `\n` starts a new
//! line, `\r` returns to the start of the line, `\t` moves to the next multiple of eight
//! columns, backspace moves one column left and form feed clears the screen. ANSI escape
//! sequences (`ESC [ … final`) are consumed without being shown. Lines wrap at the right
//! edge, and the screen scrolls up when output goes past the bottom row.

use heirloom_shell::{Framebuffer, StateError, StateReader, StateWriter};

use crate::font::{self, CELL_HEIGHT, CELL_WIDTH};

/// Characters per line.
pub const COLUMNS: usize = 80;
/// Lines on screen.
pub const ROWS: usize = 24;
/// Width of the rendered console in pixels.
pub const WIDTH: u32 = (COLUMNS * CELL_WIDTH) as u32;
/// Height of the rendered console in pixels.
pub const HEIGHT: u32 = (ROWS * CELL_HEIGHT) as u32;

/// How a cell's text is coloured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Ink {
    /// Standard output.
    Normal = 0,
    /// Standard error.
    Error = 1,
    /// The core's own messages (a stopped app, an ended program).
    Notice = 2,
}

impl Ink {
    fn from_u8(value: u8) -> Option<Self> {
        match value {
            0 => Some(Self::Normal),
            1 => Some(Self::Error),
            2 => Some(Self::Notice),
            _ => None,
        }
    }

    fn rgb(self) -> [u8; 3] {
        match self {
            Self::Normal => [0xd8, 0xd8, 0xd0],
            Self::Error => [0xff, 0x70, 0x60],
            Self::Notice => [0xff, 0xd0, 0x40],
        }
    }
}

const BACKGROUND: [u8; 3] = [0x10, 0x14, 0x28];

/// Where the escape-sequence reader is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Escape {
    /// Plain text.
    None,
    /// After `ESC`.
    Start,
    /// Inside `ESC [`, waiting for the final byte.
    Csi,
}

/// A grid of character cells with a cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Console {
    chars: Vec<u8>,
    inks: Vec<Ink>,
    column: usize,
    row: usize,
    escape: Escape,
    /// Bytes of an incomplete UTF-8 sequence still expected.
    utf8_pending: u8,
}

impl Default for Console {
    fn default() -> Self {
        Self::new()
    }
}

impl Console {
    /// An empty console with the cursor at the top left.
    pub fn new() -> Self {
        Self {
            chars: vec![b' '; COLUMNS * ROWS],
            inks: vec![Ink::Normal; COLUMNS * ROWS],
            column: 0,
            row: 0,
            escape: Escape::None,
            utf8_pending: 0,
        }
    }

    /// Writes `bytes` in `ink`.
    pub fn write(&mut self, bytes: &[u8], ink: Ink) {
        for &byte in bytes {
            self.byte(byte, ink);
        }
    }

    /// Starts a new line unless the cursor is already at the start of one.
    pub fn ensure_line_start(&mut self) {
        if self.column != 0 {
            self.new_line();
        }
    }

    fn byte(&mut self, byte: u8, ink: Ink) {
        match self.escape {
            Escape::Start => {
                self.escape = if byte == b'[' {
                    Escape::Csi
                } else {
                    Escape::None
                };
                return;
            }
            Escape::Csi => {
                if (0x40..=0x7e).contains(&byte) {
                    self.escape = Escape::None;
                }
                return;
            }
            Escape::None => {}
        }
        if self.utf8_pending > 0 && byte & 0xc0 == 0x80 {
            self.utf8_pending -= 1;
            if self.utf8_pending == 0 {
                self.put(b'?', ink);
            }
            return;
        }
        self.utf8_pending = 0;
        match byte {
            b'\n' => self.new_line(),
            b'\r' => self.column = 0,
            b'\t' => {
                let next = (self.column / 8 + 1) * 8;
                while self.column < next.min(COLUMNS) {
                    self.put(b' ', ink);
                }
            }
            0x08 => self.column = self.column.saturating_sub(1),
            0x0c => *self = Self::new(),
            0x1b => self.escape = Escape::Start,
            0x20..=0x7e => self.put(byte, ink),
            0xc0..=0xdf => self.utf8_pending = 1,
            0xe0..=0xef => self.utf8_pending = 2,
            0xf0..=0xf7 => self.utf8_pending = 3,
            _ => self.put(b'?', ink),
        }
    }

    fn put(&mut self, c: u8, ink: Ink) {
        if self.column >= COLUMNS {
            self.new_line();
        }
        let at = self.row * COLUMNS + self.column;
        self.chars[at] = c;
        self.inks[at] = ink;
        self.column += 1;
    }

    fn new_line(&mut self) {
        self.column = 0;
        if self.row + 1 < ROWS {
            self.row += 1;
        } else {
            self.chars.copy_within(COLUMNS.., 0);
            self.inks.copy_within(COLUMNS.., 0);
            let last = (ROWS - 1) * COLUMNS;
            self.chars[last..].fill(b' ');
            self.inks[last..].fill(Ink::Normal);
        }
    }

    /// The text on screen, one line per row, trailing spaces trimmed.
    pub fn text(&self) -> String {
        let mut out = String::with_capacity(COLUMNS * ROWS);
        for (i, line) in self.chars.chunks(COLUMNS).enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let line: String = line.iter().map(|&c| char::from(c)).collect();
            out.push_str(line.trim_end());
        }
        out
    }

    /// Draws the console into `video`, resizing it to [`WIDTH`] × [`HEIGHT`].
    pub fn render(&self, video: &mut Framebuffer) {
        video.resize(WIDTH, HEIGHT);
        for row in 0..ROWS {
            for y in 0..CELL_HEIGHT {
                let line = video.row_mut((row * CELL_HEIGHT + y) as u32);
                for column in 0..COLUMNS {
                    let at = row * COLUMNS + column;
                    let bits = match y {
                        1..=8 => font::glyph(self.chars[at])[y - 1],
                        _ => 0,
                    };
                    let ink = self.inks[at].rgb();
                    for x in 0..CELL_WIDTH {
                        let lit = x < 5 && bits & (0x10 >> x) != 0;
                        let rgb = if lit { ink } else { BACKGROUND };
                        let p = (column * CELL_WIDTH + x) * 4;
                        line[p..p + 3].copy_from_slice(&rgb);
                        line[p + 3] = 0xff;
                    }
                }
            }
        }
    }

    /// Appends the console to a save state.
    pub fn save(&self, out: &mut StateWriter) {
        out.bytes(&self.chars);
        let inks: Vec<u8> = self.inks.iter().map(|&ink| ink as u8).collect();
        out.bytes(&inks);
        out.u16(self.column as u16)
            .u16(self.row as u16)
            .u8(self.escape as u8)
            .u8(self.utf8_pending);
    }

    /// Reads a console written by [`save`](Self::save).
    pub fn load(input: &mut StateReader<'_>) -> Result<Self, StateError> {
        let bad = |what: &str| StateError::Payload(format!("console: {what}"));
        let chars = input.bytes(COLUMNS * ROWS)?.to_vec();
        let inks = input
            .bytes(COLUMNS * ROWS)?
            .iter()
            .map(|&b| Ink::from_u8(b))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| bad("unknown ink"))?;
        let column = usize::from(input.u16()?);
        let row = usize::from(input.u16()?);
        if column > COLUMNS || row >= ROWS {
            return Err(bad("cursor off screen"));
        }
        let escape = match input.u8()? {
            0 => Escape::None,
            1 => Escape::Start,
            2 => Escape::Csi,
            _ => return Err(bad("unknown escape state")),
        };
        let utf8_pending = input.u8()?;
        if utf8_pending > 3 {
            return Err(bad("bad UTF-8 state"));
        }
        Ok(Self {
            chars,
            inks,
            column,
            row,
            escape,
            utf8_pending,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_wraps_scrolls_and_handles_controls() {
        let mut console = Console::new();
        console.write(b"ab\tc\rX\n\x1b[1;31mred\x1b[0m caf\xc3\xa9\n", Ink::Normal);
        let text = console.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "Xb      c");
        assert_eq!(lines[1], "red caf?");
        for n in 0..ROWS {
            console.write(format!("line {n}\n").as_bytes(), Ink::Error);
        }
        let text = console.text();
        assert_eq!(text.lines().next(), Some("line 1"));
        assert_eq!(text.lines().nth(ROWS - 2), Some("line 23"));
        console.write(&[b'x'; COLUMNS + 3], Ink::Normal);
        assert!(console.text().ends_with("\nxxx"));
    }

    #[test]
    fn the_console_draws_its_glyphs_and_survives_a_state() {
        let mut console = Console::new();
        console.write(b"A", Ink::Normal);
        let mut video = Framebuffer::new(1, 1);
        console.render(&mut video);
        assert_eq!((video.width(), video.height()), (WIDTH, HEIGHT));
        // Row 0 of `A` is `.###.`: pixel 1 lit, pixel 0 dark, one pixel down from the top.
        assert_eq!(video.pixel(1, 1)[..3], Ink::Normal.rgb());
        assert_eq!(video.pixel(0, 1)[..3], BACKGROUND);
        let mut state = StateWriter::new("test", 1);
        console.save(&mut state);
        let bytes = state.finish();
        let mut reader = StateReader::open(&bytes, "test", 1).unwrap();
        assert_eq!(Console::load(&mut reader).unwrap(), console);
        reader.finish().unwrap();
    }
}
