//! Save states: the whole chip as a sequence of little-endian fields.

use heirloom_shell::{StateError, StateReader, StateWriter};

use crate::Vic;
use crate::sprites::Sprite;
use crate::timing::{CYCLES_PER_LINE, LINES_PER_FRAME, SCREEN_HEIGHT, SCREEN_WIDTH};

/// Version of the chip's own field layout, written first.
const LAYOUT: u8 = 1;

fn invalid(what: &str) -> StateError {
    StateError::Payload(format!("VIC-II: {what} out of range"))
}

impl Vic {
    /// Appends the chip's whole state to `out`.
    pub fn save(&self, out: &mut StateWriter) {
        out.u8(LAYOUT)
            .bytes(&self.regs)
            .u16(self.raster)
            .u8(self.cycle)
            .u8(self.irq_flags)
            .u8(self.irq_mask)
            .u8(self.ss_collision)
            .u8(self.sb_collision)
            .u8(self.light_pen_x)
            .u8(self.light_pen_y)
            .bool(self.light_pen_latched)
            .bool(self.light_pen_low)
            .bool(self.light_pen_pending)
            .bool(self.den_latch)
            .bool(self.badline)
            .bool(self.display_state)
            .u16(self.vc)
            .u16(self.vcbase)
            .u8(self.rc)
            .u8(self.vmli)
            .u8(self.refresh)
            .bool(self.ba_low)
            .u8(self.ba_cycles)
            .bool(self.aec_low);
        for entry in self.matrix {
            out.u16(entry);
        }
        out.bool(self.g_pending)
            .u8(self.g_data)
            .u16(self.g_cdata)
            .u8(self.shift)
            .u16(self.cdata)
            .bool(self.mc_phase)
            .u8(self.mc_pair)
            .bytes(&self.colour_latch)
            .u8(self.mode_latch)
            .bool(self.main_border)
            .bool(self.vert_border);
        for s in &self.sprites {
            out.u16(s.x)
                .u8(s.pointer)
                .u8(s.mc)
                .u8(s.mcbase)
                .bool(s.dma)
                .bool(s.display)
                .bool(s.display_line)
                .bool(s.exp_ff)
                .u32(s.data)
                .u32(s.shift)
                .u8(s.bits_left)
                .bool(s.xexp_ff)
                .bool(s.mc_ff)
                .u8(s.pair);
        }
        out.u8(self.bus).u64(self.frame).bytes(&self.pixels.0);
    }

    /// Reads a chip saved by [`Vic::save`]; out-of-range values are refused.
    pub fn load(input: &mut StateReader) -> Result<Self, StateError> {
        if input.u8()? != LAYOUT {
            return Err(invalid("layout version"));
        }
        let mut vic = Vic::new();
        input.read_into(&mut vic.regs)?;
        vic.raster = input.u16()?;
        vic.cycle = input.u8()?;
        if vic.raster >= LINES_PER_FRAME || !(1..=CYCLES_PER_LINE).contains(&vic.cycle) {
            return Err(invalid("beam position"));
        }
        vic.irq_flags = input.u8()? & 0x0f;
        vic.irq_mask = input.u8()? & 0x0f;
        vic.ss_collision = input.u8()?;
        vic.sb_collision = input.u8()?;
        vic.light_pen_x = input.u8()?;
        vic.light_pen_y = input.u8()?;
        vic.light_pen_latched = input.bool()?;
        vic.light_pen_low = input.bool()?;
        vic.light_pen_pending = input.bool()?;
        vic.den_latch = input.bool()?;
        vic.badline = input.bool()?;
        vic.display_state = input.bool()?;
        vic.vc = input.u16()? & 0x3ff;
        vic.vcbase = input.u16()? & 0x3ff;
        vic.rc = input.u8()? & 7;
        vic.vmli = input.u8()? & 63;
        vic.refresh = input.u8()?;
        vic.ba_low = input.bool()?;
        vic.ba_cycles = input.u8()?;
        vic.aec_low = input.bool()?;
        for entry in &mut vic.matrix {
            *entry = input.u16()? & 0x0fff;
        }
        vic.g_pending = input.bool()?;
        vic.g_data = input.u8()?;
        vic.g_cdata = input.u16()? & 0x0fff;
        vic.shift = input.u8()?;
        vic.cdata = input.u16()? & 0x0fff;
        vic.mc_phase = input.bool()?;
        vic.mc_pair = input.u8()? & 3;
        input.read_into(&mut vic.colour_latch)?;
        for colour in &mut vic.colour_latch {
            *colour &= 0x0f;
        }
        vic.mode_latch = input.u8()? & 7;
        vic.main_border = input.bool()?;
        vic.vert_border = input.bool()?;
        for s in &mut vic.sprites {
            *s = Sprite {
                x: input.u16()? & 0x1ff,
                pointer: input.u8()?,
                mc: input.u8()? & 63,
                mcbase: input.u8()? & 63,
                dma: input.bool()?,
                display: input.bool()?,
                display_line: input.bool()?,
                exp_ff: input.bool()?,
                data: input.u32()? & 0xff_ffff,
                shift: input.u32()?,
                bits_left: input.u8()?,
                xexp_ff: input.bool()?,
                mc_ff: input.bool()?,
                pair: input.u8()? & 3,
            };
            if s.bits_left > 24 {
                return Err(invalid("sprite shift count"));
            }
        }
        vic.refresh_derived();
        vic.bus = input.u8()?;
        vic.frame = input.u64()?;
        let pixels = input.bytes(SCREEN_WIDTH * SCREEN_HEIGHT)?;
        vic.pixels.0.copy_from_slice(pixels);
        Ok(vic)
    }

    /// Recomputes the fields kept for speed from the state they follow.
    fn refresh_derived(&mut self) {
        for (source, colour) in self.colour_map.iter_mut().enumerate() {
            *colour = if source < 0x20 {
                source as u8
            } else {
                self.regs[source]
            };
        }
        self.colours_changed = self.colour_latch[..] != self.regs[0x20..0x2f];
        self.sprite_dma = self.sprite_mask(|s| s.dma);
        self.sprite_display_line = self.sprite_mask(|s| s.display_line);
        self.sprite_shifting = self.sprite_mask(|s| s.bits_left != 0);
    }
}
