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
    pub(crate) fn render_cycle(&mut self) {
        let cycle = self.cycle;
        let row = usize::from(self.raster.wrapping_sub(FIRST_VISIBLE_LINE));
        let visible =
            row < SCREEN_HEIGHT && (FIRST_VISIBLE_CYCLE..=LAST_VISIBLE_CYCLE).contains(&cycle);
        let base = if visible {
            row * SCREEN_WIDTH + usize::from(cycle - FIRST_VISIBLE_CYCLE) * 8
        } else {
            0
        };
        let ctrl2 = self.regs[0x16];
        let xscroll = ctrl2 & 7;
        let old_mode = self.mode_latch;
        let new_mode = mode_bits(self.regs[0x11], ctrl2);
        let blend_mode = (old_mode | new_mode) & 6 | new_mode & 1;
        let old_colours = self.colour_latch;
        let mut new_colours = [0u8; 15];
        new_colours.copy_from_slice(&self.regs[0x20..0x2f]);
        let (left, right) = horizontal_limits(ctrl2);
        let armed = self.sprite_armed_mask();
        let x0 = cycle_x(cycle);
        for i in 0..8u8 {
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
            if armed != 0 {
                let (sprite_source, mask, behind) = self.sprite_pixel(x, armed);
                if mask != 0 {
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
                    if !(behind && foreground) {
                        source = sprite_source;
                    }
                }
            }
            if self.main_border {
                source = BORDER;
            }
            if visible {
                let colours = if i == 0 { &old_colours } else { &new_colours };
                self.pixels.0[base + usize::from(i)] = resolve(source, colours);
            }
        }
        self.colour_latch = new_colours;
        self.mode_latch = new_mode;
    }
}
