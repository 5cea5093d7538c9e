//! SCNKEY: the keyboard scan of the 60 Hz interrupt, through CIA 1 like the real KERNAL,
//! with its decode tables, SHIFT / C= / CTRL, key repeat and the SHIFT+C= case switch.
//!
//! Matrix positions are numbered column × 8 + row (column = the port A bit driven low,
//! row = the port B bit read low), the order of the KERNAL's scan; 64 means no key.

use super::TrapContext;

const NDX: u16 = 0xc6;
const LSTX: u16 = 0xc5;
const SFDX: u16 = 0xcb;
const KEYD: u16 = 0x0277;
const XMAX: u16 = 0x0289;
const RPTFLG: u16 = 0x028a;
const KOUNT: u16 = 0x028b;
const DELAY: u16 = 0x028c;
const SHFLAG: u16 = 0x028d;
const LSTSHF: u16 = 0x028e;
const MODE: u16 = 0x0291;

const NO_KEY: u8 = 64;
/// The modifier keys' positions and their SHFLAG bits.
const MODIFIERS: [(u8, u8); 4] = [(15, 1), (52, 1), (61, 2), (58, 4)];
/// Keys that repeat in the KERNAL's default repeat mode: INST/DEL, the cursor keys, space.
const REPEATING: [u8; 4] = [0, 2, 7, 60];

/// Key codes with no modifier. $FF: no character.
const NORMAL: [u8; 64] = [
    0x14, 0x0d, 0x1d, 0x88, 0x85, 0x86, 0x87, 0x11, // DEL RETURN → F7 F1 F3 F5 ↓
    0x33, 0x57, 0x41, 0x34, 0x5a, 0x53, 0x45, 0xff, // 3 W A 4 Z S E SHIFT
    0x35, 0x52, 0x44, 0x36, 0x43, 0x46, 0x54, 0x58, // 5 R D 6 C F T X
    0x37, 0x59, 0x47, 0x38, 0x42, 0x48, 0x55, 0x56, // 7 Y G 8 B H U V
    0x39, 0x49, 0x4a, 0x30, 0x4d, 0x4b, 0x4f, 0x4e, // 9 I J 0 M K O N
    0x2b, 0x50, 0x4c, 0x2d, 0x2e, 0x3a, 0x40, 0x2c, // + P L - . : @ ,
    0x5c, 0x2a, 0x3b, 0x13, 0xff, 0x3d, 0x5e, 0x2f, // £ * ; HOME SHIFT = ↑ /
    0x31, 0x5f, 0xff, 0x32, 0x20, 0xff, 0x51, 0x03, // 1 ← CTRL 2 SPACE C= Q STOP
];

/// Key codes with SHIFT held.
const SHIFTED: [u8; 64] = [
    0x94, 0x8d, 0x9d, 0x8c, 0x89, 0x8a, 0x8b, 0x91, 0x23, 0xd7, 0xc1, 0x24, 0xda, 0xd3, 0xc5, 0xff,
    0x25, 0xd2, 0xc4, 0x26, 0xc3, 0xc6, 0xd4, 0xd8, 0x27, 0xd9, 0xc7, 0x28, 0xc2, 0xc8, 0xd5, 0xd6,
    0x29, 0xc9, 0xca, 0x30, 0xcd, 0xcb, 0xcf, 0xce, 0xdb, 0xd0, 0xcc, 0xdd, 0x3e, 0x5b, 0xba, 0x3c,
    0xa9, 0xc0, 0x5d, 0x93, 0xff, 0x3d, 0xde, 0x3f, 0x21, 0x5f, 0xff, 0x22, 0xa0, 0xff, 0xd1, 0x83,
];

/// Key codes with C= held.
const COMMODORE: [u8; 64] = [
    0x94, 0x8d, 0x9d, 0x8c, 0x89, 0x8a, 0x8b, 0x91, 0x96, 0xb3, 0xb0, 0x97, 0xad, 0xae, 0xb1, 0xff,
    0x98, 0xb2, 0xac, 0x99, 0xbc, 0xbb, 0xa3, 0xbd, 0x9a, 0xb7, 0xa5, 0x9b, 0xbf, 0xb4, 0xb8, 0xbe,
    0x29, 0xa2, 0xb5, 0x30, 0xa7, 0xa1, 0xb9, 0xaa, 0xa6, 0xaf, 0xb6, 0xdc, 0x3e, 0x5b, 0xa4, 0x3c,
    0xa8, 0xdf, 0x5d, 0x93, 0xff, 0x3d, 0xde, 0x3f, 0x81, 0x5f, 0xff, 0x95, 0xa0, 0xff, 0xab, 0x83,
];

/// Key codes with CTRL held: colours on the digits, RVS ON/OFF on 9/0, control codes on
/// the letters.
const CONTROL: [u8; 64] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1c, 0x17, 0x01, 0x9f, 0x1a, 0x13, 0x05, 0xff,
    0x9c, 0x12, 0x04, 0x1e, 0x03, 0x06, 0x14, 0x18, 0x1f, 0x19, 0x07, 0x9e, 0x02, 0x08, 0x15, 0x16,
    0x12, 0x09, 0x0a, 0x92, 0x0d, 0x0b, 0x0f, 0x0e, 0xff, 0x10, 0x0c, 0xff, 0xff, 0x1b, 0x00, 0xff,
    0x1c, 0xff, 0x1d, 0xff, 0xff, 0x1f, 0x1e, 0xff, 0x90, 0x06, 0xff, 0x05, 0xff, 0xff, 0x11, 0xff,
];

/// Scans the matrix: returns the position of the (last found) non-modifier key held and
/// the SHFLAG bits of the modifiers held.
fn scan(ctx: &mut TrapContext<'_>) -> (u8, u8) {
    let board = &mut *ctx.board;
    let mut key = NO_KEY;
    let mut shift_flags = 0;
    board.cpu_write(0xdc00, 0x00);
    if board.cpu_read(0xdc01) != 0xff {
        for column in 0..8u8 {
            board.cpu_write(0xdc00, !(1 << column));
            let rows = !board.cpu_read(0xdc01);
            for row in (0..8u8).filter(|row| rows & (1 << row) != 0) {
                let position = column * 8 + row;
                match MODIFIERS.iter().find(|&&(at, _)| at == position) {
                    Some(&(_, flag)) => shift_flags |= flag,
                    None => key = position,
                }
            }
        }
    }
    board.cpu_write(0xdc00, 0x7f);
    (key, shift_flags)
}

/// SCNKEY: one scan of the keyboard; a newly pressed key (or a repeating one) goes into
/// the keyboard buffer.
pub(super) fn scnkey(ctx: &mut TrapContext<'_>) {
    let (key, shift_flags) = scan(ctx);
    ctx.charge(300);
    let previous_flags = ctx.ram(LSTSHF);
    ctx.set_ram(SHFLAG, shift_flags);
    ctx.set_ram(LSTSHF, shift_flags);
    if shift_flags == 3 && previous_flags != 3 && ctx.ram(MODE) & 0x80 == 0 {
        let d018 = ctx.board.vic.peek(0x18);
        ctx.board.vic.write(0x18, d018 ^ 0x02);
    }
    ctx.set_ram(SFDX, key);
    if key == NO_KEY {
        ctx.set_ram(LSTX, NO_KEY);
        return;
    }
    let table = match shift_flags {
        0 => &NORMAL,
        1 => &SHIFTED,
        4..=7 => &CONTROL,
        _ => &COMMODORE,
    };
    let code = table[usize::from(key)];
    if code == 0xff {
        ctx.set_ram(LSTX, key);
        return;
    }
    if key == ctx.ram(LSTX) {
        let repeats = match ctx.ram(RPTFLG) {
            0x80 => true,
            0x40 => false,
            _ => REPEATING.contains(&key),
        };
        if !repeats {
            return;
        }
        let delay = ctx.ram(DELAY);
        if delay > 0 {
            ctx.set_ram(DELAY, delay - 1);
            return;
        }
        let count = ctx.ram(KOUNT).saturating_sub(1);
        if count > 0 {
            ctx.set_ram(KOUNT, count);
            return;
        }
        ctx.set_ram(KOUNT, 4);
        if ctx.ram(NDX) != 0 {
            return;
        }
    } else {
        ctx.set_ram(DELAY, 16);
        ctx.set_ram(KOUNT, 4);
        ctx.set_ram(LSTX, key);
    }
    let queued = ctx.ram(NDX);
    if queued < ctx.ram(XMAX) {
        ctx.set_ram(KEYD + u16::from(queued), code);
        ctx.set_ram(NDX, queued + 1);
    }
}
