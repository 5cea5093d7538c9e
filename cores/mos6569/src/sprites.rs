//! The eight sprites: DMA and display rules (Bauer 3.8.1) and the sprite data sequencers.

use crate::Vic;

/// One sprite's internal state (its registers live in the register file).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Sprite {
    /// 9-bit X coordinate (from `$D000+2n` and `$D010`).
    pub x: u16,
    /// Sprite pointer read by the last p-access.
    pub pointer: u8,
    /// MC: 6-bit data counter, incremented by each s-access.
    pub mc: u8,
    /// MCBASE: MC at the start of the next line.
    pub mcbase: u8,
    /// Sprite DMA is on (s-accesses happen, BA is pulled low).
    pub dma: bool,
    /// Display of the sprite is on (rule 4 switches it on, rule 8 off).
    pub display: bool,
    /// The display flag as latched in cycle 58: whether the sequencer may start in the line
    /// that follows.
    pub display_line: bool,
    /// The Y expansion flip-flop (set: MCBASE advances in cycles 15 and 16).
    pub exp_ff: bool,
    /// The 24 bits read by the three s-accesses.
    pub data: u32,
    /// The sequencer's shift register (bit 23 is the next pixel).
    pub shift: u32,
    /// Bits still to shift out; 0 when the sequencer is not outputting.
    pub bits_left: u8,
    /// X expansion flip-flop: the register shifts only every second pixel when expanded.
    pub xexp_ff: bool,
    /// Multicolour flip-flop: a new pair is taken when it is clear.
    pub mc_ff: bool,
    /// The current multicolour pair (or hires bit × 2).
    pub pair: u8,
}

impl Vic {
    /// Rules 7 and 8, as VICE does them (cycle 16): when the expansion flip-flop is set,
    /// MCBASE takes MC (which the three s-accesses of the line advanced by 3, Bauer's
    /// "+2 in cycle 15, +1 in cycle 16"); at 63 the DMA and the display end.
    pub(crate) fn sprites_update_mcbase(&mut self) {
        for (n, sprite) in self.sprites.iter_mut().enumerate() {
            if !sprite.dma {
                continue;
            }
            if sprite.exp_ff {
                sprite.mcbase = sprite.mc;
            }
            if sprite.mcbase == 63 {
                sprite.dma = false;
                self.sprite_dma &= !(1 << n);
                sprite.display = false;
            }
        }
    }

    /// A write to `$D017`. Clearing a bit while the sprite's expansion flip-flop is clear
    /// sets the flip-flop (rule 1); doing so in cycle 15 is the "sprite crunch": MC becomes
    /// `($2A & (MCBASE & MC)) | ($15 & (MCBASE | MC))`, which MCBASE takes in cycle 16.
    pub(crate) fn sprites_write_yexp(&mut self, value: u8) {
        let crunch = self.cycle == 15;
        for (n, sprite) in self.sprites.iter_mut().enumerate() {
            if value & (1 << n) == 0 && !sprite.exp_ff {
                sprite.exp_ff = true;
                if crunch {
                    sprite.mc =
                        (0x2a & (sprite.mcbase & sprite.mc)) | (0x15 & (sprite.mcbase | sprite.mc));
                }
            }
        }
    }

    /// Rules 1 and 2 (cycle 55 only): Y-expanded sprites invert their expansion
    /// flip-flop; for the others it stays set.
    pub(crate) fn sprites_toggle_expansion(&mut self) {
        let yexp = self.regs[0x17];
        for (n, sprite) in self.sprites.iter_mut().enumerate() {
            sprite.exp_ff = yexp & (1 << n) == 0 || !sprite.exp_ff;
        }
    }

    /// Rule 3 (cycles 55 and 56): enabled sprites whose Y matches the raster start DMA.
    pub(crate) fn sprites_check_dma(&mut self) {
        let enable = self.regs[0x15];
        let yexp = self.regs[0x17];
        let line = (self.raster & 0xff) as u8;
        for (n, sprite) in self.sprites.iter_mut().enumerate() {
            let bit = 1 << n;
            if enable & bit != 0 && self.regs[2 * n + 1] == line && !sprite.dma {
                sprite.dma = true;
                self.sprite_dma |= bit;
                sprite.mcbase = 0;
                if yexp & bit != 0 {
                    sprite.exp_ff = false;
                }
            }
        }
    }

    /// Rule 4 (cycle 58): MC is loaded from MCBASE, and the display starts when the DMA is on
    /// and Y matches the raster.
    pub(crate) fn sprites_load_mc(&mut self) {
        let line = (self.raster & 0xff) as u8;
        for (n, sprite) in self.sprites.iter_mut().enumerate() {
            sprite.mc = sprite.mcbase;
            if sprite.dma && self.regs[2 * n + 1] == line {
                sprite.display = true;
            }
            sprite.display_line = sprite.display;
        }
        self.sprite_display_line = self.sprite_mask(|s| s.display_line);
    }

    /// Bitmask of the sprites for which `flag` holds.
    pub(crate) fn sprite_mask(&self, flag: impl Fn(&Sprite) -> bool) -> u8 {
        self.sprites
            .iter()
            .enumerate()
            .fold(0, |mask, (n, s)| mask | (u8::from(flag(s)) << n))
    }

    /// Bitmask of the sprites that may output or start a pixel at X coordinates
    /// `x0` … `x0 + 7` (the pixels of one cycle): those shifting out, and those allowed to
    /// start in this line whose X is among these. The others leave every pixel of the
    /// cycle alone.
    #[inline]
    pub(crate) fn sprites_in_cycle(&self, x0: u16) -> u8 {
        let mut active = self.sprite_shifting;
        let mut pending = self.sprite_display_line & !active;
        while pending != 0 {
            let n = pending.trailing_zeros() as usize;
            pending &= pending - 1;
            if self.sprites[n].x.wrapping_sub(x0) < 8 {
                active |= 1 << n;
            }
        }
        active
    }

    /// One pixel of all sprite sequencers at X coordinate `x`.
    ///
    /// Returns the colour source (a colour register, see the graphics module) of the
    /// frontmost non-transparent sprite, the mask of every sprite
    /// with a non-transparent pixel here, and whether the frontmost one is behind the
    /// foreground graphics (`$D01B`).
    /// Only the sprites in `armed` (see [`Vic::sprites_in_cycle`]) are looked at.
    #[inline]
    pub(crate) fn sprite_pixel(&mut self, x: u16, armed: u8) -> (u8, u8, bool) {
        let multicolour = self.regs[0x1c];
        let xexp = self.regs[0x1d];
        let mut colour = 0;
        let mut mask = 0u8;
        let mut behind = false;
        let mut pending = armed;
        while pending != 0 {
            let n = pending.trailing_zeros() as usize;
            pending &= pending - 1;
            let sprite = &mut self.sprites[n];
            if sprite.bits_left == 0 {
                if sprite.display_line && sprite.x == x {
                    sprite.shift = sprite.data;
                    sprite.bits_left = 24;
                    self.sprite_shifting |= 1 << n;
                    sprite.xexp_ff = false;
                    sprite.mc_ff = false;
                } else {
                    continue;
                }
            }
            let bit = 1u8 << n;
            if !sprite.mc_ff {
                sprite.pair = ((sprite.shift >> 22) & 3) as u8;
            }
            let code = if multicolour & bit != 0 {
                sprite.pair
            } else {
                (((sprite.shift >> 23) & 1) << 1) as u8
            };
            let expanded = xexp & bit != 0;
            if !expanded || sprite.xexp_ff {
                sprite.shift <<= 1;
                sprite.bits_left -= 1;
                if sprite.bits_left == 0 {
                    self.sprite_shifting &= !(1 << n);
                }
                sprite.mc_ff = !sprite.mc_ff;
            }
            if expanded {
                sprite.xexp_ff = !sprite.xexp_ff;
            }
            if code != 0 {
                if mask == 0 {
                    colour = match code {
                        1 => 0x25,
                        2 => 0x27 + n as u8,
                        _ => 0x26,
                    };
                    behind = self.regs[0x1b] & bit != 0;
                }
                mask |= bit;
            }
        }
        (colour, mask, behind)
    }
}
