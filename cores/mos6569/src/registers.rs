//! The register file `$D000`–`$D03F` as the CPU sees it.
//!
//! | reg | read | write |
//! |---|---|---|
//! | `$00`–`$0F` | sprite X (low 8 bits) / Y | same |
//! | `$10` | sprite X bit 8 | same |
//! | `$11` | bit 7 = raster bit 8, bits 6–0 as written | bit 7 = raster compare bit 8, ECM, BMM, DEN, RSEL, YSCROLL |
//! | `$12` | raster bits 7–0 | raster compare bits 7–0 |
//! | `$13`/`$14` | light pen X (X/2) / Y | ignored |
//! | `$15` | sprite enable | same |
//! | `$16` | bits 7–6 read 1 | RES, MCM, CSEL, XSCROLL |
//! | `$17` | sprite Y expansion | same; clearing a bit sets that sprite's expansion flip-flop (sprite crunch in cycle 15) |
//! | `$18` | bit 0 reads 1 | VM13–VM10, CB13–CB11 |
//! | `$19` | bit 7 = IRQ output, bits 6–4 read 1 | writing 1s acknowledges |
//! | `$1A` | bits 7–4 read 1 | enable mask (bits 3–0) |
//! | `$1B`–`$1D` | priority, multicolour, X expansion | same |
//! | `$1E`/`$1F` | collisions; reading clears | ignored |
//! | `$20`–`$2E` | colour, bits 7–4 read 1 | colour (low nibble) |
//! | `$2F`–`$3F` | `$FF` | ignored |
//!
//! The raster counter as read reflects the line change of line 0 one cycle late: in cycle 1
//! of line 0 it still reads 311, which is also why the raster compare of line 0 happens in
//! cycle 2.

use crate::Vic;

impl Vic {
    /// The raster counter as the registers show it (see the module notes).
    pub(crate) fn raster_register(&self) -> u16 {
        if self.raster == 0 && self.cycle == 1 {
            crate::timing::LINES_PER_FRAME - 1
        } else {
            self.raster
        }
    }

    /// The 9-bit raster compare value.
    pub(crate) fn raster_compare(&self) -> u16 {
        u16::from(self.regs[0x12]) | u16::from(self.regs[0x11] & 0x80) << 1
    }

    /// The value register `reg` (`reg & $3F`) reads, without the side effects of a read.
    pub fn peek(&self, reg: u8) -> u8 {
        let reg = usize::from(reg & 0x3f);
        match reg {
            0x00..=0x10 | 0x15 | 0x17 | 0x1b..=0x1d => self.regs[reg],
            0x11 => (self.regs[0x11] & 0x7f) | ((self.raster_register() >> 1) & 0x80) as u8,
            0x12 => self.raster_register() as u8,
            0x13 => self.light_pen_x,
            0x14 => self.light_pen_y,
            0x16 => self.regs[0x16] | 0xc0,
            0x18 => self.regs[0x18] | 0x01,
            0x19 => self.irq_flags | 0x70 | if self.irq() { 0x80 } else { 0 },
            0x1a => self.irq_mask | 0xf0,
            0x1e => self.ss_collision,
            0x1f => self.sb_collision,
            0x20..=0x2e => self.regs[reg] | 0xf0,
            _ => 0xff,
        }
    }

    /// A CPU read of register `reg` (`reg & $3F`); reading `$1E`/`$1F` clears them.
    pub fn read(&mut self, reg: u8) -> u8 {
        let value = self.peek(reg);
        match reg & 0x3f {
            0x1e => self.ss_collision = 0,
            0x1f => self.sb_collision = 0,
            _ => {}
        }
        value
    }

    /// A CPU write of `value` to register `reg` (`reg & $3F`).
    ///
    /// Call it after [`tick`](Vic::tick) of the cycle in which the CPU writes: the new
    /// value is used from the next cycle on; a colour written in cycle *n* shows from the
    /// second of the 8 pixels output in cycle *n* + 1 (see the crate documentation).
    pub fn write(&mut self, reg: u8, value: u8) {
        let reg = usize::from(reg & 0x3f);
        match reg {
            0x00..=0x0f => {
                self.regs[reg] = value;
                self.update_sprite_x();
            }
            0x10 => {
                self.regs[reg] = value;
                self.update_sprite_x();
            }
            0x11 | 0x12 => {
                let old = self.raster_compare();
                self.regs[reg] = value;
                let new = self.raster_compare();
                // The comparator sees a new match at once, except in cycle 1 of line 0,
                // where the compare of the line is still to come.
                if new != old && new == self.raster && !(self.raster == 0 && self.cycle == 1) {
                    self.irq_flags |= 0x01;
                }
            }
            0x17 => {
                self.regs[reg] = value;
                self.sprites_write_yexp(value);
            }
            0x15 | 0x16 | 0x18 | 0x1b..=0x1d => self.regs[reg] = value,
            0x19 => self.irq_flags &= !value & 0x0f,
            0x1a => self.irq_mask = value & 0x0f,
            0x20..=0x2e => {
                self.regs[reg] = value & 0x0f;
                self.colour_map[reg] = value & 0x0f;
                self.colours_changed = self.colour_latch[..] != self.regs[0x20..0x2f];
            }
            _ => {}
        }
    }

    fn update_sprite_x(&mut self) {
        let msb = self.regs[0x10];
        for (n, sprite) in self.sprites.iter_mut().enumerate() {
            sprite.x = u16::from(self.regs[2 * n]) | u16::from((msb >> n) & 1) << 8;
        }
    }
}
