//! The border unit: the main and the vertical border flip-flops (Bauer 3.9).
//!
//! | | CSEL/RSEL = 0 | CSEL/RSEL = 1 |
//! |---|---|---|
//! | left (X) | 31 | 24 |
//! | right (X) | 335 | 344 |
//! | top (line) | 55 | 51 |
//! | bottom (line) | 247 | 251 |
//!
//! The comparisons only match on equality, so switching RSEL/CSEL at the right moment
//! keeps a flip-flop from ever being set (opened borders).

use crate::Vic;

/// The X comparison values (left, right) for a `$D016` value.
pub(crate) const fn horizontal_limits(ctrl2: u8) -> (u16, u16) {
    if ctrl2 & 0x08 != 0 {
        (24, 344)
    } else {
        (31, 335)
    }
}

/// The line comparison values (top, bottom) for a `$D011` value.
pub(crate) const fn vertical_limits(ctrl1: u8) -> (u16, u16) {
    if ctrl1 & 0x08 != 0 {
        (51, 251)
    } else {
        (55, 247)
    }
}

impl Vic {
    /// Rules 4–6: the left comparison at X coordinate `x` (call only when it matches).
    #[inline]
    pub(crate) fn border_left(&mut self) {
        let ctrl1 = self.regs[0x11];
        let (top, bottom) = vertical_limits(ctrl1);
        if self.raster == bottom {
            self.vert_border = true;
        } else if self.raster == top && ctrl1 & 0x10 != 0 {
            self.vert_border = false;
        }
        if !self.vert_border {
            self.main_border = false;
        }
    }

    /// Rules 2 and 3, done in cycle 63.
    pub(crate) fn border_end_of_line(&mut self) {
        let ctrl1 = self.regs[0x11];
        let (top, bottom) = vertical_limits(ctrl1);
        if self.raster == bottom {
            self.vert_border = true;
        } else if self.raster == top && ctrl1 & 0x10 != 0 {
            self.vert_border = false;
        }
    }
}
