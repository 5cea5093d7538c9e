//! The PAL 6569 frame geometry and the per-cycle access table.
//!
//! Cycles are numbered 1–63 within a raster line as in Bauer's article. The first phase
//! (φ1) of every cycle belongs to the VIC; the second (φ2) belongs to the CPU unless the VIC
//! does a c-access (bad line, cycles 15–54) or an s-access (sprite DMA) in it.
//!
//! | cycle | φ1 | φ2 (only when the VIC has the bus) |
//! |---|---|---|
//! | 1, 3, 5, 7, 9 | p-access sprite 3, 4, 5, 6, 7 | first s-access of that sprite |
//! | 2, 4, 6, 8, 10 | second s-access sprite 3 … 7 | third s-access sprite 3 … 7 |
//! | 11–15 | DRAM refresh (`$3F00 \| REF`, REF counting down) | c-access in 15 |
//! | 16–55 | g-access | c-access in 16–54 |
//! | 56, 57 | idle access (`$3FFF`, `$39FF` with ECM) | — |
//! | 58, 60, 62 | p-access sprite 0, 1, 2 | first s-access of that sprite |
//! | 59, 61, 63 | second s-access sprite 0, 1, 2 | third s-access sprite 0, 1, 2 |
//!
//! BA goes low three cycles before the VIC's first φ2 access: cycles 12–54 on a bad line
//! (c-accesses 15–54), and cycles `p-3 … p+1` for a sprite whose p-access is in cycle `p`
//! and whose DMA is on (sprite 0: 55–59, sprite 7: 6–10).

/// Clock cycles (CPU cycles) per raster line.
pub const CYCLES_PER_LINE: u8 = 63;
/// Raster lines per frame.
pub const LINES_PER_FRAME: u16 = 312;
/// Clock cycles per frame (63 × 312).
pub const CYCLES_PER_FRAME: u32 = 63 * 312;
/// The PAL C64's system clock in Hz (the dot clock 7,881,984 Hz divided by 8).
pub const CLOCK_HZ: u32 = 985_248;

/// Width of the output buffer in pixels: 32 border pixels, 320 display pixels, 32 border
/// pixels (VICE's default "normal" PAL borders).
pub const SCREEN_WIDTH: usize = 384;
/// Height of the output buffer in lines: raster lines 16 to 287 inclusive (VICE's default
/// "normal" PAL borders: 35 lines of top border, 200 display lines, 37 lines of bottom border).
pub const SCREEN_HEIGHT: usize = 272;
/// The raster line shown in the first row of the output buffer.
pub const FIRST_VISIBLE_LINE: u16 = 16;
/// The cycle whose 8 pixels form columns 0–7 of the output buffer; cycles 13–60 fill the
/// 384 columns.
pub const FIRST_VISIBLE_CYCLE: u8 = 13;
/// The last cycle whose pixels are in the output buffer.
pub const LAST_VISIBLE_CYCLE: u8 = 60;
/// Number of X (sprite) coordinates in a PAL line: 63 × 8.
pub const X_PER_LINE: u16 = 504;

/// The sprite X coordinate of the first of the 8 pixels output in `cycle`.
///
/// The graphics fetched by the g-access of cycle 16 (the first character column) appear
/// at X = 24 + XSCROLL, the left edge of the 40-column display window, in cycle 17. Each
/// cycle outputs the next 8 coordinates, so column 0 of the output buffer (cycle 13) is
/// X = 496 (that is, −8) and its last column (cycle 60) is X = 375. Bauer's table lists
/// X = `$194` for cycle 1 where this gives `$190`: his numbers mark when the counter
/// changes, these mark when the pixel leaves the chip.
pub const fn cycle_x(cycle: u8) -> u16 {
    let x = 8 * cycle as i32 - 112;
    if x < 0 {
        (x + X_PER_LINE as i32) as u16
    } else {
        x as u16
    }
}

/// The cycle of each sprite's p-access (its pointer fetch).
pub(crate) const SPRITE_P_CYCLE: [u8; 8] = [58, 60, 62, 1, 3, 5, 7, 9];

/// What the VIC does in the first phase of a cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phi1 {
    /// p-access of the sprite (its pointer), followed in φ2 by its first s-access.
    Pointer(u8),
    /// Second s-access of the sprite, followed in φ2 by its third.
    SpriteData(u8),
    /// DRAM refresh.
    Refresh,
    /// g-access (character or bitmap data, or the idle byte).
    Graphics,
    /// Idle access.
    Idle,
}

const fn wrap(cycle: i32) -> usize {
    if cycle < 1 {
        (cycle + 63) as usize
    } else if cycle > 63 {
        (cycle - 63) as usize
    } else {
        cycle as usize
    }
}

const fn build_phi1() -> [Phi1; 64] {
    let mut table = [Phi1::Idle; 64];
    let mut cycle = 11;
    while cycle <= 15 {
        table[cycle] = Phi1::Refresh;
        cycle += 1;
    }
    while cycle <= 55 {
        table[cycle] = Phi1::Graphics;
        cycle += 1;
    }
    let mut n = 0;
    while n < 8 {
        let p = SPRITE_P_CYCLE[n] as i32;
        table[wrap(p)] = Phi1::Pointer(n as u8);
        table[wrap(p + 1)] = Phi1::SpriteData(n as u8);
        n += 1;
    }
    table
}

const fn build_sprite_ba() -> [u8; 64] {
    let mut table = [0u8; 64];
    let mut n = 0;
    while n < 8 {
        let p = SPRITE_P_CYCLE[n] as i32;
        let mut k = -3;
        while k <= 1 {
            table[wrap(p + k)] |= 1 << n;
            k += 1;
        }
        n += 1;
    }
    table
}

/// φ1 access of each cycle (index 1–63).
pub(crate) const PHI1: [Phi1; 64] = build_phi1();
/// For each cycle (index 1–63), the sprites whose DMA pulls BA low in it.
pub(crate) const SPRITE_BA: [u8; 64] = build_sprite_ba();

/// First cycle of a bad line in which BA is low.
pub(crate) const BADLINE_BA_FIRST: u8 = 12;
/// First cycle with a c-access.
pub(crate) const C_ACCESS_FIRST: u8 = 15;
/// Last cycle with BA low and a c-access on a bad line.
pub(crate) const C_ACCESS_LAST: u8 = 54;
/// First raster line where a bad line can occur.
pub(crate) const BADLINE_FIRST: u16 = 0x30;
/// Last raster line where a bad line can occur.
pub(crate) const BADLINE_LAST: u16 = 0xf7;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sprite_windows_follow_the_p_accesses() {
        assert_eq!(SPRITE_BA[55], 0b0000_0001);
        assert_eq!(SPRITE_BA[59], 0b0000_0111);
        assert_eq!(SPRITE_BA[60], 0b0000_0110);
        assert_eq!(SPRITE_BA[63], 0b0001_1100);
        assert_eq!(SPRITE_BA[1], 0b0001_1000);
        assert_eq!(SPRITE_BA[10], 0b1000_0000);
        assert_eq!(SPRITE_BA[11], 0);
        assert_eq!(SPRITE_BA[54], 0);
        assert_eq!(PHI1[58], Phi1::Pointer(0));
        assert_eq!(PHI1[63], Phi1::SpriteData(2));
        assert_eq!(PHI1[1], Phi1::Pointer(3));
        assert_eq!(PHI1[10], Phi1::SpriteData(7));
        assert_eq!(PHI1[57], Phi1::Idle);
    }

    #[test]
    fn visible_columns_span_cycles_13_to_60() {
        assert_eq!(cycle_x(13), 496);
        assert_eq!(cycle_x(14), 0);
        assert_eq!(cycle_x(17), 24);
        assert_eq!(cycle_x(60), 368);
        assert_eq!(cycle_x(1), 400);
        let columns = usize::from(LAST_VISIBLE_CYCLE - FIRST_VISIBLE_CYCLE + 1) * 8;
        assert_eq!(columns, SCREEN_WIDTH);
    }
}
