//! The g-access, the graphics data sequencer (Bauer 3.7.3) and the pixel output of a cycle.

use crate::Vic;
use crate::VicMemory;

/// Colour source of the border colour register: sources `$20`–`$2E` name a colour
/// register, sources 0–15 are colours from video matrix or colour RAM data.
pub(crate) const BORDER: u8 = 0x20;
/// Colour source of background colour 0 (`$D021`); `$D022`–`$D024` follow.
pub(crate) const BACKGROUND0: u8 = 0x21;

/// The colour of `source` with the colour registers `colours` (`$D020`–`$D02E`).
#[inline]
fn resolve(source: u8, colours: &[u8; 15]) -> u8 {
    if source >= BORDER {
        colours[usize::from(source - BORDER)]
    } else {
        source
    }
}

/// The mode bits (ECM/BMM/MCM as bits 2/1/0) of `$D011` and `$D016`.
pub(crate) const fn mode_bits(ctrl1: u8, ctrl2: u8) -> u8 {
    (ctrl1 >> 4) & 6 | (ctrl2 >> 4) & 1
}
use crate::border::horizontal_limits;
use crate::timing::{
    FIRST_VISIBLE_CYCLE, FIRST_VISIBLE_LINE, LAST_VISIBLE_CYCLE, SCREEN_HEIGHT, SCREEN_WIDTH,
    cycle_x,
};

impl Vic {
    /// The g-access of the first phase (cycles 16–55): fetch the byte for the sequencer,
    /// which loads it in the next cycle.
    #[inline(always)]
    pub(crate) fn g_access<M: VicMemory + ?Sized>(&mut self, mem: &mut M) {
        let ctrl1 = self.regs[0x11];
        let ecm = ctrl1 & 0x40 != 0;
        let (addr, cdata) = if self.display_state {
            let cdata = self.matrix[usize::from(self.vmli)];
            let rc = u16::from(self.rc);
            let addr = if ctrl1 & 0x20 != 0 {
                u16::from(self.regs[0x18] & 0x08) << 10 | self.vc << 3 | rc
            } else {
                u16::from(self.regs[0x18] & 0x0e) << 10 | (cdata & 0xff) << 3 | rc
            };
            self.vc = (self.vc + 1) & 0x3ff;
            self.vmli = (self.vmli + 1) & 63;
            (addr, cdata)
        } else {
            (0x3fff, 0)
        };
        let addr = if ecm { addr & 0x39ff } else { addr };
        self.g_data = self.fetch(mem, addr);
        self.g_cdata = cdata;
        self.g_pending = true;
    }

    /// One pixel of the graphics sequencer in mode `mode` (ECM/BMM/MCM as bits 2/1/0):
    /// its colour source (see [`resolve`]) and whether it is foreground (for priority and
    /// collisions).
    #[inline]
    fn graphics_pixel(&mut self, mode: u8) -> (u8, bool) {
        if !self.mc_phase {
            self.mc_pair = self.shift >> 6;
        }
        let bit = self.shift >> 7 != 0;
        let pair = self.mc_pair;
        self.shift <<= 1;
        self.mc_phase = !self.mc_phase;
        if self.vert_border {
            return (BACKGROUND0, false);
        }
        let c = self.cdata;
        let colour_ram = (c >> 8) as u8 & 15;
        let hires = |fg: u8| {
            if bit {
                (fg, true)
            } else {
                (BACKGROUND0, false)
            }
        };
        let multi = |c1: u8, c2: u8, c3: u8| match pair {
            0 => (BACKGROUND0, false),
            1 => (c1, false),
            2 => (c2, true),
            _ => (c3, true),
        };
        match mode {
            0 => hires(colour_ram),
            1 if colour_ram & 8 != 0 => multi(BACKGROUND0 + 1, BACKGROUND0 + 2, colour_ram & 7),
            1 => hires(colour_ram & 7),
            2 => {
                if bit {
                    ((c >> 4) as u8 & 15, true)
                } else {
                    (c as u8 & 15, false)
                }
            }
            3 => multi((c >> 4) as u8 & 15, c as u8 & 15, colour_ram),
            4 => {
                if bit {
                    (colour_ram, true)
                } else {
                    (BACKGROUND0 + ((c >> 6) as u8 & 3), false)
                }
            }
            5 if colour_ram & 8 != 0 => (0, pair >= 2),
            5 | 6 => (0, bit),
            _ => (0, pair >= 2),
        }
    }

    /// Outputs the 8 pixels of the current cycle: graphics sequencer, sprite sequencers,
    /// border flip-flops, priority multiplexer and collision detection. Pixels of visible
    /// lines and cycles go to the output buffer.
    ///
    /// Register changes reach the pixels through the 6569's pipeline as VICE models it:
    /// the first pixel of the 8 still uses the colour registers of the previous cycle; the
    /// mode bits of the previous cycle hold for pixels 0–3, ECM and BMM as the OR of old
    /// and new for pixels 4–5 (the short black of a mode switch), the new bits from then
    /// on, and a new MCM from pixel 4.
    ///
    /// Cycles without a mode or colour change and without a border comparison in their 8
    /// pixels (all but a few per line) take [`Vic::pixels_steady`]; the others
    /// [`Vic::pixels_exact`], which follows every rule pixel by pixel.
    #[inline(always)]
    pub(crate) fn render_cycle(&mut self, cycle: u8) {
        let ctrl2 = self.regs[0x16];
        let new_mode = mode_bits(self.regs[0x11], ctrl2);
        let x0 = cycle_x(cycle);
        let (left, right) = horizontal_limits(ctrl2);
        let border_compare = left.wrapping_sub(x0) < 8 || right.wrapping_sub(x0) < 8;
        let sprites = if self.sprite_display_line | self.sprite_shifting == 0 {
            0
        } else {
            self.sprites_in_cycle(x0)
        };
        let row = usize::from(self.raster.wrapping_sub(FIRST_VISIBLE_LINE));
        let visible =
            row < SCREEN_HEIGHT && (FIRST_VISIBLE_CYCLE..=LAST_VISIBLE_CYCLE).contains(&cycle);
        let base = row * SCREEN_WIDTH + usize::from(cycle.wrapping_sub(FIRST_VISIBLE_CYCLE)) * 8;
        if border_compare || new_mode != self.mode_latch || self.colours_changed {
            let sources = self.pixels_exact(x0, new_mode, sprites);
            if visible && let Some(out) = self.pixels.0.get_mut(base..base + 8) {
                for (pixel, &source) in out.iter_mut().zip(&sources) {
                    *pixel = self.colour_map[usize::from(source & 0x3f)];
                }
                out[0] = resolve(sources[0], &self.colour_latch);
            }
            self.colour_latch.copy_from_slice(&self.regs[0x20..0x2f]);
            self.colours_changed = false;
        } else if self.main_border && sprites == 0 {
            if self.g_pending || self.shift != 0 {
                self.run_sequencer();
            } else {
                // Nothing left to shift out: the sequencer only shows pair 0.
                self.mc_pair = 0;
            }
            if visible && let Some(out) = self.pixels.0.get_mut(base..base + 8) {
                out.fill(self.colour_map[usize::from(BORDER)]);
            }
        } else {
            let colours = self.pixels_steady(x0, new_mode, sprites);
            if visible && let Some(out) = self.pixels.0.get_mut(base..base + 8) {
                out.copy_from_slice(&colours);
            }
        }
        self.mode_latch = new_mode;
    }

    /// The colour sources of a cycle's 8 pixels, pixel by pixel with every rule: the mode
    /// pipeline and the border comparisons.
    fn pixels_exact(&mut self, x0: u16, new_mode: u8, sprites: u8) -> [u8; 8] {
        let ctrl2 = self.regs[0x16];
        let xscroll = ctrl2 & 7;
        let old_mode = self.mode_latch;
        let blend_mode = (old_mode | new_mode) & 6 | new_mode & 1;
        let (left, right) = horizontal_limits(ctrl2);
        let mut sources = [0; 8];
        for (i, slot) in (0..8u8).zip(&mut sources) {
            let x = x0 + u16::from(i);
            if i == xscroll && self.g_pending {
                self.shift = self.g_data;
                self.cdata = self.g_cdata;
                self.mc_phase = false;
                self.g_pending = false;
            }
            if x == left {
                self.border_left();
            } else if x == right {
                self.main_border = true;
            }
            let mode = match i {
                0..=3 => old_mode,
                4 | 5 => blend_mode,
                _ => new_mode,
            };
            let (mut source, foreground) = self.graphics_pixel(mode);
            if sprites != 0 {
                source = self.sprites_over(x, sprites, source, foreground);
            }
            if self.main_border {
                source = BORDER;
            }
            *slot = source;
        }
        sources
    }

    /// The 8 pixels of a cycle when the mode and the colours are the same as in the last
    /// cycle and no border comparison matches: the border flip-flops hold for all 8, and
    /// the graphics come from the sequencer's codes (see [`Vic::run_sequencer`]) through
    /// a table per c-data. Returns the colours.
    #[inline]
    fn pixels_steady(&mut self, x0: u16, mode: u8, sprites: u8) -> [u8; 8] {
        let before = self.cdata;
        let run = self.run_sequencer();
        if sprites == 0 {
            if self.main_border {
                return [self.colour_map[usize::from(BORDER)]; 8];
            }
            if self.vert_border {
                return [self.colour_map[usize::from(BACKGROUND0)]; 8];
            }
            // The pixels before the load show the old byte, the others the new one.
            let mut colours = 0;
            if run.keep != 0 {
                let table = PixelTable::new(mode, before);
                colours = self.table_colours(&table, &run) & run.keep;
            }
            if run.keep != !0 {
                let table = PixelTable::new(mode, self.cdata);
                colours |= self.table_colours(&table, &run) & !run.keep;
            }
            return colours.to_le_bytes();
        }
        let mut table = [BACKGROUND0; 8];
        let mut codes = 0;
        if !self.vert_border {
            let first = PixelTable::new(mode, before);
            let second = if run.keep == !0 {
                first
            } else {
                PixelTable::new(mode, self.cdata)
            };
            // Code n of the first table is entry n, of the second entry 4 + n.
            codes = run.codes(&first) & run.keep
                | (run.codes(&second) | 0x0404_0404_0404_0404) & !run.keep;
            table[..4].copy_from_slice(&first.sources);
            table[4..].copy_from_slice(&second.sources);
        }
        let mut colours = [0; 8];
        for (i, colour) in (0..8u8).zip(&mut colours) {
            let code = (codes >> (8 * i)) as usize & 7;
            // Codes 2 and 3 are the foreground ones.
            let foreground = code & 2 != 0;
            let source = self.sprites_over(x0 + u16::from(i), sprites, table[code], foreground);
            let source = if self.main_border { BORDER } else { source };
            *colour = self.colour_map[usize::from(source & 0x3f)];
        }
        colours
    }

    /// The colours of 8 pixels made with `table` from the codes of `run` (byte *i*:
    /// pixel *i*), computed on all 8 bytes at once.
    #[inline]
    fn table_colours(&self, table: &PixelTable, run: &SequencerRun) -> u64 {
        const ONES: u64 = 0x0101_0101_0101_0101;
        let codes = run.codes(table);
        let low = codes & ONES;
        let high = codes >> 1 & ONES;
        let masks = [
            ((low | high) ^ ONES) * 0xff,
            (low & !high) * 0xff,
            (high & !low) * 0xff,
            (low & high) * 0xff,
        ];
        let mut colours = 0;
        for (mask, &source) in masks.iter().zip(&table.sources) {
            colours |= mask & (u64::from(self.colour_map[usize::from(source & 0x3f)]) * ONES);
        }
        colours
    }

    /// Runs the graphics sequencer over a cycle's 8 pixels in one go, with the load of a
    /// pending g-access byte at pixel XSCROLL, as [`Vic::graphics_pixel`] does pixel by
    /// pixel: the codes of the 8 pixels (byte *i* for pixel *i*) read as multicolour
    /// pairs and as hires bits (code 0 or 3).
    #[inline]
    fn run_sequencer(&mut self) -> SequencerRun {
        let shift = self.shift;
        // In the second pixel of a pair (phase set) the pair held is shown once more.
        let mut multicolour = if self.mc_phase {
            PAIR_CODES[usize::from(shift << 1)] << 8 | u64::from(self.mc_pair)
        } else {
            PAIR_CODES[usize::from(shift)]
        };
        let mut hires = BIT_CODES[usize::from(shift)];
        let keep = if self.g_pending {
            let load = self.regs[0x16] & 7;
            let byte = usize::from(self.g_data);
            let keep = (1u64 << (8 * load)) - 1;
            multicolour = multicolour & keep | PAIR_CODES[byte] << (8 * load);
            hires = hires & keep | BIT_CODES[byte] << (8 * load);
            self.shift = (u16::from(self.g_data) << (8 - load)) as u8;
            self.mc_phase = load & 1 != 0;
            self.cdata = self.g_cdata;
            self.g_pending = false;
            keep
        } else {
            self.shift = 0;
            !0
        };
        self.mc_pair = (multicolour >> 56) as u8;
        SequencerRun {
            multicolour,
            hires,
            keep,
        }
    }

    /// The sprite pixels at X coordinate `x` over the graphics pixel `source`
    /// (`foreground`: a foreground pixel), with the collisions they cause: the colour
    /// source the priority multiplexer lets through.
    #[inline]
    fn sprites_over(&mut self, x: u16, sprites: u8, source: u8, foreground: bool) -> u8 {
        let (sprite_source, mask, behind) = self.sprite_pixel(x, sprites);
        if mask == 0 {
            return source;
        }
        if mask & (mask - 1) != 0 {
            if self.ss_collision == 0 {
                self.irq_flags |= 0x04;
            }
            self.ss_collision |= mask;
        }
        if foreground {
            if self.sb_collision == 0 {
                self.irq_flags |= 0x02;
            }
            self.sb_collision |= mask;
        }
        if behind && foreground {
            source
        } else {
            sprite_source
        }
    }
}

/// The graphics sequencer's codes for a cycle's 8 pixels (see [`Vic::run_sequencer`]).
struct SequencerRun {
    /// The multicolour pair of each pixel (byte *i*: pixel *i*).
    multicolour: u64,
    /// The hires bit of each pixel as code 0 or 3.
    hires: u64,
    /// The bytes of the pixels before the load of a new byte (all when none was loaded).
    keep: u64,
}

impl SequencerRun {
    /// The codes of the 8 pixels as `table` reads them.
    #[inline]
    fn codes(&self, table: &PixelTable) -> u64 {
        if table.multicolour {
            self.multicolour
        } else {
            self.hires
        }
    }
}

/// The pair codes of the 8 pixels shifted out of a freshly loaded byte (byte *i* of the
/// entry: pixel *i*): each pair of bits twice, from the top.
const PAIR_CODES: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut byte = 0;
    while byte < 256 {
        let mut i = 0;
        while i < 8 {
            table[byte] |= ((((byte << (i & !1)) >> 6) & 3) as u64) << (8 * i);
            i += 1;
        }
        byte += 1;
    }
    table
};

/// The hires codes (0 or 3) of the 8 pixels shifted out of a byte (byte *i* of the
/// entry: pixel *i*).
const BIT_CODES: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut byte = 0;
    while byte < 256 {
        let mut i = 0;
        while i < 8 {
            table[byte] |= ((((byte >> (7 - i)) & 1) * 3) as u64) << (8 * i);
            i += 1;
        }
        byte += 1;
    }
    table
};

/// The pixels the graphics sequencer makes of one byte in one mode: the colour source and
/// so whether it is foreground, for each 2-bit code (the multicolour pair, or the hires bit
/// as code 0 or 3).
#[derive(Clone, Copy)]
struct PixelTable {
    /// The pixels are made of bit pairs (else of single bits, code 0 or 3).
    multicolour: bool,
    /// The colour source of each code (codes 2 and 3 are foreground).
    sources: [u8; 4],
}

impl PixelTable {
    /// The table of mode `mode` (ECM/BMM/MCM as bits 2/1/0) for c-data `c` (character or
    /// colours in bits 7–0, colour RAM in bits 11–8), as [`Vic::graphics_pixel`] decides.
    #[inline]
    fn new(mode: u8, c: u16) -> Self {
        let colour_ram = (c >> 8) as u8 & 15;
        let hires = |background: u8, foreground: u8| Self {
            multicolour: false,
            sources: [background, background, foreground, foreground],
        };
        let multi = |c1: u8, c2: u8, c3: u8| Self {
            multicolour: true,
            sources: [BACKGROUND0, c1, c2, c3],
        };
        let black = |multicolour: bool| Self {
            multicolour,
            sources: [0; 4],
        };
        match mode {
            0 => hires(BACKGROUND0, colour_ram),
            1 if colour_ram & 8 != 0 => multi(BACKGROUND0 + 1, BACKGROUND0 + 2, colour_ram & 7),
            1 => hires(BACKGROUND0, colour_ram & 7),
            2 => hires(c as u8 & 15, (c >> 4) as u8 & 15),
            3 => multi((c >> 4) as u8 & 15, c as u8 & 15, colour_ram),
            4 => hires(BACKGROUND0 + ((c >> 6) as u8 & 3), colour_ram),
            5 if colour_ram & 8 != 0 => black(true),
            5 | 6 => black(false),
            _ => black(true),
        }
    }
}
