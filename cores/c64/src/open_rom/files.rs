//! The KERNAL's file I/O: OPEN, CLOSE, CHKIN, CHKOUT, CLRCHN, CHRIN/GETIN from a file,
//! CHROUT to a file, LOAD, SAVE and the serial-bus routines (LISTEN, TALK, SECOND, TKSA,
//! ACPTR, CIOUT, UNTLK, UNLSN), with the C64's register interface and variables: the
//! logical file tables LAT/FAT/SAT at $0259/$0263/$026D with their count LDTND ($98), the
//! default devices DFLTN ($99) and DFLTO ($9A), STATUS ($90), the file parameters
//! FNLEN/LA/SA/FA/FNADR ($B7–$BC), and LOAD's end address in $AE/$AF.
//!
//! The routines talk to the serial bus as Commodore's KERNAL does (LISTEN, an open,
//! data or close secondary address, the bytes, UNLISTEN; TALK, TKSA, bytes until EOI,
//! UNTALK), so the drive sees the same traffic whether BASIC, these routines or a
//! program driving the bus itself sends it. Devices 8–11 answer when a drive is
//! attached; any other serial device is absent ("device not present"). LOAD and VERIFY
//! from tape (device 1) play the datasette's `.t64` (see `tape.rs`); SAVE to tape is
//! refused, and OPEN on tape or RS-232 (2) is "device not present". LOAD and SAVE on
//! RS-232 are "illegal device number", as on a C64.

use super::TrapContext;
use super::editor::print;
use super::tape;

const STATUS: u16 = 0x90;
const VERCK: u16 = 0x93;
const LDTND: u16 = 0x98;
const DFLTN: u16 = 0x99;
const DFLTO: u16 = 0x9a;
const MSGFLG: u16 = 0x9d;
const EAL: u16 = 0xae;
const FNLEN: u16 = 0xb7;
const LA: u16 = 0xb8;
const SA: u16 = 0xb9;
const FA: u16 = 0xba;
const FNADR: u16 = 0xbb;
const STAL: u16 = 0xc1;
const MEMUSS: u16 = 0xc3;
const LAT: u16 = 0x0259;
const FAT: u16 = 0x0263;
const SAT: u16 = 0x026d;
/// Files open at once.
const MAX_FILES: u8 = 10;

/// Cycles a routine's own bookkeeping costs.
const CALL_CYCLES: u64 = 80;
/// Cycles a byte over the bus costs: the virtual drive moves data at the speed of a
/// fast loader rather than the 1541's serial protocol.
const BYTE_CYCLES: u64 = 40;

/// STATUS bits.
const ST_TIMEOUT: u8 = 0x02;
const ST_VERIFY: u8 = 0x10;
const ST_EOI: u8 = 0x40;
const ST_ABSENT: u8 = 0x80;

// KERNAL error codes.
const TOO_MANY_FILES: u8 = 1;
const FILE_OPEN: u8 = 2;
const FILE_NOT_OPEN: u8 = 3;
const FILE_NOT_FOUND: u8 = 4;
const DEVICE_NOT_PRESENT: u8 = 5;
const NOT_INPUT_FILE: u8 = 6;
const NOT_OUTPUT_FILE: u8 = 7;
const MISSING_FILE_NAME: u8 = 8;
const ILLEGAL_DEVICE: u8 = 9;

fn set_carry(ctx: &mut TrapContext<'_>, carry: bool) {
    if carry {
        ctx.cpu.p |= 0x01;
    } else {
        ctx.cpu.p &= !0x01;
    }
}

fn or_status(ctx: &mut TrapContext<'_>, bits: u8) {
    let status = ctx.ram(STATUS) | bits;
    ctx.set_ram(STATUS, status);
}

pub(super) fn print_text(ctx: &mut TrapContext<'_>, text: &[u8]) {
    for &code in text {
        print(ctx, code);
    }
}

/// Returns KERNAL error `code`: carry set, the code in A, and `I/O ERROR #n` printed
/// when the KERNAL's messages for programs are on (bit 6 of MSGFLG).
fn fail(ctx: &mut TrapContext<'_>, code: u8) {
    if ctx.ram(MSGFLG) & 0x40 != 0 {
        print_text(ctx, b"\rI/O ERROR #");
        print(ctx, b'0' + code);
    }
    ctx.cpu.a = code;
    set_carry(ctx, true);
}

fn succeed(ctx: &mut TrapContext<'_>) {
    set_carry(ctx, false);
}

/// True while the KERNAL prints its messages for direct mode (bit 7 of MSGFLG).
pub(super) fn messages(ctx: &TrapContext<'_>) -> bool {
    ctx.ram(MSGFLG) & 0x80 != 0
}

/// The file name set by SETNAM.
pub(super) fn file_name(ctx: &TrapContext<'_>) -> Vec<u8> {
    let start = ctx.ram_word(FNADR);
    (0..u16::from(ctx.ram(FNLEN)))
        .map(|i| ctx.ram(start.wrapping_add(i)))
        .collect()
}

// --- The bus -------------------------------------------------------------------------

fn listen(ctx: &mut TrapContext<'_>, device: u8) {
    ctx.charge(BYTE_CYCLES);
    if !ctx.drives.listen(device) {
        or_status(ctx, ST_ABSENT);
    }
}

fn talk(ctx: &mut TrapContext<'_>, device: u8) {
    ctx.charge(BYTE_CYCLES);
    if !ctx.drives.talk(device) {
        or_status(ctx, ST_ABSENT);
    }
}

fn ciout(ctx: &mut TrapContext<'_>, byte: u8) {
    ctx.charge(BYTE_CYCLES);
    if !ctx.drives.ciout(byte) {
        or_status(ctx, ST_ABSENT);
    }
}

/// A byte from the talker: EOI sets bit 6 of STATUS; a talker with nothing to send (or
/// none) is a read timeout with EOI ($42) and reads as 0.
fn acptr(ctx: &mut TrapContext<'_>) -> u8 {
    ctx.charge(BYTE_CYCLES);
    match ctx.drives.acptr() {
        Some((byte, eoi)) => {
            if eoi {
                or_status(ctx, ST_EOI);
            }
            byte
        }
        None => {
            or_status(ctx, ST_EOI | ST_TIMEOUT);
            0
        }
    }
}

/// Sends the file name to `secondary`'s channel to open it (nothing without a name).
fn open_channel(ctx: &mut TrapContext<'_>, device: u8, secondary: u8, name: &[u8]) -> bool {
    listen(ctx, device);
    ctx.drives.second(0xf0 | (secondary & 0x0f));
    if ctx.ram(STATUS) & ST_ABSENT != 0 {
        return false;
    }
    for &byte in name {
        ciout(ctx, byte);
    }
    ctx.drives.unlisten();
    true
}

fn close_channel(ctx: &mut TrapContext<'_>, device: u8, secondary: u8) {
    listen(ctx, device);
    ctx.drives.second(0xe0 | (secondary & 0x0f));
    ctx.drives.unlisten();
}

/// LISTEN ($FFB1): the device in A.
pub(super) fn bus_listen(ctx: &mut TrapContext<'_>) {
    let device = ctx.cpu.a & 0x1f;
    listen(ctx, device);
}

/// TALK ($FFB4): the device in A.
pub(super) fn bus_talk(ctx: &mut TrapContext<'_>) {
    let device = ctx.cpu.a & 0x1f;
    talk(ctx, device);
}

/// SECOND ($FF93): the secondary address in A, after LISTEN.
pub(super) fn bus_second(ctx: &mut TrapContext<'_>) {
    ctx.charge(BYTE_CYCLES);
    ctx.drives.second(ctx.cpu.a);
}

/// TKSA ($FF96): the secondary address in A, after TALK.
pub(super) fn bus_tksa(ctx: &mut TrapContext<'_>) {
    ctx.charge(BYTE_CYCLES);
    ctx.drives.tksa(ctx.cpu.a);
}

/// CIOUT ($FFA8): the byte in A to the listener.
pub(super) fn bus_ciout(ctx: &mut TrapContext<'_>) {
    let byte = ctx.cpu.a;
    ciout(ctx, byte);
    succeed(ctx);
}

/// ACPTR ($FFA5): a byte from the talker into A.
pub(super) fn bus_acptr(ctx: &mut TrapContext<'_>) {
    ctx.cpu.a = acptr(ctx);
    succeed(ctx);
}

/// UNTLK ($FFAB).
pub(super) fn bus_untalk(ctx: &mut TrapContext<'_>) {
    ctx.charge(BYTE_CYCLES);
    ctx.drives.untalk();
}

/// UNLSN ($FFAE).
pub(super) fn bus_unlisten(ctx: &mut TrapContext<'_>) {
    ctx.charge(BYTE_CYCLES);
    ctx.drives.unlisten();
}

// --- Logical files ---------------------------------------------------------------

/// The table index of logical file `file`, as OPEN, CHKIN and CHKOUT look it up: the
/// C64's lookup by X clears STATUS first (CLOSE's lookup by A does not).
fn find_file_clearing_status(ctx: &mut TrapContext<'_>, file: u8) -> Option<u16> {
    ctx.set_ram(STATUS, 0);
    find_file(ctx, file)
}

/// The table index of logical file `file`.
fn find_file(ctx: &TrapContext<'_>, file: u8) -> Option<u16> {
    let count = u16::from(ctx.ram(LDTND).min(MAX_FILES));
    (0..count).find(|&i| ctx.ram(LAT + i) == file)
}

/// Makes the file at `index` current: LA, FA and SA from the tables.
fn use_file(ctx: &mut TrapContext<'_>, index: u16) {
    let (la, fa, sa) = (
        ctx.ram(LAT + index),
        ctx.ram(FAT + index),
        ctx.ram(SAT + index),
    );
    ctx.set_ram(LA, la);
    ctx.set_ram(FA, fa);
    ctx.set_ram(SA, sa);
}

/// OPEN ($FFC0): the file set by SETLFS and SETNAM. A serial device is sent the name;
/// one that does not answer is "device not present", and its table entry stays, as on
/// a C64 (CLOSE it before opening it again).
pub(super) fn open(ctx: &mut TrapContext<'_>) {
    ctx.charge(CALL_CYCLES);
    let file = ctx.ram(LA);
    if file == 0 {
        return fail(ctx, NOT_INPUT_FILE);
    }
    if find_file_clearing_status(ctx, file).is_some() {
        return fail(ctx, FILE_OPEN);
    }
    let count = ctx.ram(LDTND);
    if count >= MAX_FILES {
        return fail(ctx, TOO_MANY_FILES);
    }
    let device = ctx.ram(FA);
    if matches!(device, 1 | 2) {
        return fail(ctx, DEVICE_NOT_PRESENT);
    }
    let secondary = ctx.ram(SA) | 0x60;
    let index = u16::from(count);
    ctx.set_ram(LAT + index, file);
    ctx.set_ram(FAT + index, device);
    ctx.set_ram(SAT + index, secondary);
    ctx.set_ram(SA, secondary);
    ctx.set_ram(LDTND, count + 1);
    if device < 4 || secondary & 0x80 != 0 || ctx.ram(FNLEN) == 0 {
        return succeed(ctx);
    }
    let name = file_name(ctx);
    if !open_channel(ctx, device, secondary, &name) {
        return fail(ctx, DEVICE_NOT_PRESENT);
    }
    succeed(ctx);
}

/// CLOSE ($FFC3): logical file A. A serial file's channel is closed on its device.
pub(super) fn close(ctx: &mut TrapContext<'_>) {
    ctx.charge(CALL_CYCLES);
    let Some(index) = find_file(ctx, ctx.cpu.a) else {
        return succeed(ctx);
    };
    use_file(ctx, index);
    let (device, secondary) = (ctx.ram(FA), ctx.ram(SA));
    if device >= 4 && secondary & 0x80 == 0 {
        close_channel(ctx, device, secondary);
    }
    let last = u16::from(ctx.ram(LDTND)) - 1;
    for table in [LAT, FAT, SAT] {
        let moved = ctx.ram(table + last);
        ctx.set_ram(table + index, moved);
    }
    ctx.set_ram(LDTND, last as u8);
    succeed(ctx);
}

/// CHKIN ($FFC6): logical file X becomes the input channel.
pub(super) fn chkin(ctx: &mut TrapContext<'_>) {
    ctx.charge(CALL_CYCLES);
    let Some(index) = find_file_clearing_status(ctx, ctx.cpu.x) else {
        return fail(ctx, FILE_NOT_OPEN);
    };
    use_file(ctx, index);
    let (device, secondary) = (ctx.ram(FA), ctx.ram(SA));
    match device {
        0 | 3 => {}
        1 | 2 => return fail(ctx, DEVICE_NOT_PRESENT),
        _ => {
            talk(ctx, device);
            if secondary & 0x80 == 0 {
                ctx.drives.tksa(secondary);
            }
            if ctx.ram(STATUS) & ST_ABSENT != 0 {
                return fail(ctx, DEVICE_NOT_PRESENT);
            }
        }
    }
    ctx.set_ram(DFLTN, device);
    succeed(ctx);
}

/// CHKOUT ($FFC9): logical file X becomes the output channel.
pub(super) fn chkout(ctx: &mut TrapContext<'_>) {
    ctx.charge(CALL_CYCLES);
    let Some(index) = find_file_clearing_status(ctx, ctx.cpu.x) else {
        return fail(ctx, FILE_NOT_OPEN);
    };
    use_file(ctx, index);
    let (device, secondary) = (ctx.ram(FA), ctx.ram(SA));
    match device {
        0 => return fail(ctx, NOT_OUTPUT_FILE),
        3 => {}
        1 | 2 => return fail(ctx, DEVICE_NOT_PRESENT),
        _ => {
            listen(ctx, device);
            if secondary & 0x80 == 0 {
                ctx.drives.second(secondary);
            }
            if ctx.ram(STATUS) & ST_ABSENT != 0 {
                return fail(ctx, DEVICE_NOT_PRESENT);
            }
        }
    }
    ctx.set_ram(DFLTO, device);
    succeed(ctx);
}

/// CLRCHN ($FFCC): a serial output channel is unlistened, a serial input channel
/// untalked; the keyboard and screen become the channels again (A = 0, X = 3).
pub(super) fn clrchn(ctx: &mut TrapContext<'_>) {
    ctx.charge(CALL_CYCLES / 2);
    if ctx.ram(DFLTO) > 3 {
        ctx.drives.unlisten();
    }
    if ctx.ram(DFLTN) > 3 {
        ctx.drives.untalk();
    }
    ctx.set_ram(DFLTO, 3);
    ctx.set_ram(DFLTN, 0);
    (ctx.cpu.a, ctx.cpu.x) = (0, 3);
}

/// CHRIN and GETIN from an input channel other than the keyboard: from a serial file a
/// byte while STATUS is 0, a carriage return once it is not (so a line read ends at the
/// end of the file); the screen and tape give a carriage return.
pub(super) fn chrin_file(ctx: &mut TrapContext<'_>) {
    let device = ctx.ram(DFLTN);
    ctx.cpu.a = if device >= 4 && ctx.ram(STATUS) == 0 {
        acptr(ctx)
    } else {
        0x0d
    };
    succeed(ctx);
}

/// CHROUT to an output channel other than the screen: the byte in A to the listener.
pub(super) fn chrout_file(ctx: &mut TrapContext<'_>) {
    if ctx.ram(DFLTO) >= 4 {
        let byte = ctx.cpu.a;
        ciout(ctx, byte);
    }
    succeed(ctx);
}

/// Checks the serial device and name LOAD and SAVE need; the KERNAL error otherwise
/// (tape is handled before).
fn check_device(ctx: &TrapContext<'_>) -> Result<u8, u8> {
    match ctx.ram(FA) {
        0 | 2 | 3 => Err(ILLEGAL_DEVICE),
        _ if ctx.ram(FNLEN) == 0 => Err(MISSING_FILE_NAME),
        device => Ok(device),
    }
}

/// Returns LOAD's end address in X/Y and $AE/$AF, carry clear.
fn loaded(ctx: &mut TrapContext<'_>, end: u16) {
    ctx.set_ram_word(EAL, end);
    let [x, y] = end.to_le_bytes();
    (ctx.cpu.x, ctx.cpu.y) = (x, y);
    succeed(ctx);
}

/// LOAD's work, behind the LOAD vector ($0330, to $F4A5): A = 0 loads, 1 verifies; the
/// address in $C3/$C4 (set by $FFD5 from X/Y) is used when SA is 0, the file's own when
/// it is not. Returns the end address in X/Y and $AE/$AF; STATUS bit 4 on a verify
/// mismatch, and bits 1 and 6 if the file ended early.
pub(super) fn load(ctx: &mut TrapContext<'_>) {
    ctx.charge(CALL_CYCLES);
    let verify = ctx.cpu.a != 0;
    ctx.set_ram(VERCK, ctx.cpu.a);
    ctx.set_ram(STATUS, 0);
    if ctx.ram(FA) == 1 {
        return match tape::load(ctx, verify) {
            Ok(end) => loaded(ctx, end),
            Err(error) => fail(ctx, error as u8),
        };
    }
    let device = match check_device(ctx) {
        Ok(device) => device,
        Err(code) => return fail(ctx, code),
    };
    let name = file_name(ctx);
    if messages(ctx) {
        print_text(ctx, b"\rSEARCHING FOR ");
        print_text(ctx, &name);
    }
    let own_address = ctx.ram(SA) != 0;
    ctx.set_ram(SA, 0x60);
    if !open_channel(ctx, device, 0, &name) {
        return fail(ctx, DEVICE_NOT_PRESENT);
    }
    talk(ctx, device);
    ctx.drives.tksa(0x60);
    let low = acptr(ctx);
    if ctx.ram(STATUS) & ST_TIMEOUT != 0 {
        ctx.drives.untalk();
        close_channel(ctx, device, 0);
        return fail(ctx, FILE_NOT_FOUND);
    }
    let high = acptr(ctx);
    if messages(ctx) {
        print_text(ctx, if verify { b"\rVERIFYING" } else { b"\rLOADING" });
    }
    let mut address = if own_address {
        u16::from_le_bytes([low, high])
    } else {
        ctx.ram_word(MEMUSS)
    };
    while ctx.ram(STATUS) & (ST_EOI | ST_TIMEOUT) == 0 {
        let byte = acptr(ctx);
        if ctx.ram(STATUS) & ST_TIMEOUT != 0 {
            break;
        }
        if verify {
            if ctx.ram(address) != byte {
                or_status(ctx, ST_VERIFY);
            }
        } else {
            ctx.set_ram(address, byte);
        }
        address = address.wrapping_add(1);
        if address == 0 {
            break;
        }
    }
    ctx.drives.untalk();
    close_channel(ctx, device, 0);
    loaded(ctx, address);
}

/// SAVE's work, behind the SAVE vector ($0332, to $F5ED): memory from the address in
/// $C1/$C2 up to (not including) $AE/$AF, as a PRG file with its load address. The
/// datasette is read-only.
pub(super) fn save(ctx: &mut TrapContext<'_>) {
    ctx.charge(CALL_CYCLES);
    ctx.set_ram(STATUS, 0);
    if ctx.ram(FA) == 1 {
        let error = tape::save(ctx);
        return fail(ctx, error as u8);
    }
    let device = match check_device(ctx) {
        Ok(device) => device,
        Err(code) => return fail(ctx, code),
    };
    let name = file_name(ctx);
    ctx.set_ram(SA, 0x61);
    if !open_channel(ctx, device, 1, &name) {
        return fail(ctx, DEVICE_NOT_PRESENT);
    }
    if messages(ctx) {
        print_text(ctx, b"\rSAVING ");
        print_text(ctx, &name);
    }
    let (start, end) = (ctx.ram_word(STAL), ctx.ram_word(EAL));
    listen(ctx, device);
    ctx.drives.second(0x61);
    for byte in start.to_le_bytes() {
        ciout(ctx, byte);
    }
    let mut address = start;
    while address < end {
        let byte = ctx.ram(address);
        ciout(ctx, byte);
        address += 1;
    }
    ctx.drives.unlisten();
    close_channel(ctx, device, 1);
    succeed(ctx);
}
