//! The datasette on device 1, playing a `.t64` archive: the KERNAL's LOAD and VERIFY from
//! tape, as a C64 user sees them.
//!
//! A LOAD from tape goes as on a C64 with a datasette: `PRESS PLAY ON TAPE` (only while
//! the deck's keys are up), `OK`, `SEARCHING` (`SEARCHING FOR NAME` with a name), `FOUND
//! NAME` for every file the head passes, then `LOADING` (or `VERIFYING`), each printed
//! only in direct mode (bit 7 of MSGFLG, $9D). The user is taken to press PLAY at once,
//! and the C64's pause after `FOUND` (until the C= key is pressed or some seconds pass)
//! is skipped: the file loads straight away. PLAY then stays down, as on a real deck, so the
//! next LOAD goes straight to `SEARCHING`; inserting or taking out a tape lets the keys
//! come up again.
//!
//! The deck knows where its head is: a LOAD without a name reads the next file; a LOAD
//! with a name searches forward from there. The archive's files are held in memory, so
//! the deck rewinds by itself when the search reaches the end of the tape and carries on
//! from the start (a real deck would stop there and the user would rewind): every file
//! can be found whatever was loaded before, and a name that is not on the tape gives
//! `?FILE NOT FOUND  ERROR` after one pass, the head back where it started.
//!
//! Names are compared as the KERNAL compares them for tape: the name given is a prefix
//! of the file's name (`LOAD"AB",1` finds `ABC`), the file's name read as padded with
//! spaces. Beyond the C64's KERNAL, which compares every character literally on tape, a
//! `*` ends the comparison and a `?` stands for any one character, as the disk drive
//! takes them; every name the C64 would find is still found.
//!
//! Each file found puts its tape header into the cassette buffer (TAPE1, $B2/$B3, $033C
//! after power-on) as the KERNAL reads it: type 1 (a relocatable program), start and end
//! address, the name padded with spaces to 16 characters, spaces to the end of the
//! 192-byte block. Secondary address 0 loads at the address in $C3/$C4 (BASIC passes
//! TXTTAB), any other at the file's own address; $C1/$C2 and $C3/$C4 hold the start, X/Y
//! and $AE/$AF the end, STATUS has bit 6 (end of file) set, and bit 4 on a VERIFY
//! mismatch. The data moves at the speed of a fast loader, not at the datasette's
//! 50 bytes a second.
//!
//! The deck is read-only: SAVE to tape is refused (see [`save`]). OPEN on device 1 is
//! not supported: sequential tape files are not read.

use super::TrapContext;
use super::files::{file_name, messages, print_text};
use crate::media::t64::{Entry, Tape};

const TAPE1: u16 = 0xb2;
const SA: u16 = 0xb9;
const STAL: u16 = 0xc1;
const MEMUSS: u16 = 0xc3;
const STATUS: u16 = 0x90;

/// Length of a tape header block.
const HEADER_LEN: u16 = 192;
/// Characters of a name in a tape header.
const NAME_LEN: usize = 16;
/// A tape header's type for a relocatable program.
const RELOCATABLE_PROGRAM: u8 = 1;
/// The C64S entry type of a normal file (the others are memory snapshots).
const NORMAL_FILE: u8 = 1;

/// Cycles reading a header and printing about it costs.
const HEADER_CYCLES: u64 = 400;
/// Cycles a byte of data costs.
const BYTE_CYCLES: u64 = 40;

/// STATUS bits.
const ST_VERIFY: u8 = 0x10;
const ST_EOF: u8 = 0x40;

/// Why a tape operation fails, as the KERNAL error code it returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TapeError {
    /// Error 4: no file of that name on the tape.
    FileNotFound = 4,
    /// Error 5: no datasette (no tape in it).
    DeviceNotPresent = 5,
    /// Error 9: the cassette buffer pointer is below $0200, or the deck cannot do it.
    IllegalDevice = 9,
}

/// The datasette: the tape in it, where its head is, and whether PLAY is down.
#[derive(Clone, Debug, Default)]
pub(crate) struct Datasette {
    tape: Option<Tape>,
    /// The entry of the archive the head is in front of.
    position: usize,
    /// Whether the PLAY key is down.
    playing: bool,
}

impl Datasette {
    /// Puts `tape` in, rewound, with the keys up. A tape already there is replaced.
    pub fn insert(&mut self, tape: Tape) {
        *self = Self {
            tape: Some(tape),
            position: 0,
            playing: false,
        };
    }

    /// Puts `tape` in as it is left once its first program was loaded from it: the head
    /// past that program and PLAY down, so that the program's next LOAD reads on.
    pub fn insert_after_first_program(&mut self, tape: Tape) {
        let position = tape
            .entries
            .iter()
            .position(|entry| entry.entry_type == NORMAL_FILE)
            .map_or(0, |first| first + 1);
        *self = Self {
            tape: Some(tape),
            position,
            playing: true,
        };
    }

    /// Takes the tape out; the keys come up.
    pub fn eject(&mut self) -> Option<Tape> {
        let tape = self.tape.take();
        *self = Self::default();
        tape
    }
}

/// True if the file name `name` matches what LOAD asked for (see the module docs).
fn matches(pattern: &[u8], name: &[u8]) -> bool {
    for (i, &wanted) in pattern.iter().enumerate() {
        if wanted == b'*' {
            return true;
        }
        let held = name.get(i).copied().unwrap_or(b' ');
        if wanted != b'?' && wanted != held {
            return false;
        }
    }
    true
}

/// An entry's name as its tape header holds it: 16 characters, padded with spaces.
fn header_name(entry: &Entry) -> [u8; NAME_LEN] {
    let mut name = [b' '; NAME_LEN];
    for (slot, byte) in name.iter_mut().zip(entry.name.bytes()) {
        *slot = byte;
    }
    name
}

/// Writes `entry`'s tape header into the cassette buffer at `buffer`.
fn write_header(ctx: &mut TrapContext<'_>, buffer: u16, entry: &Entry) {
    let program = &entry.program;
    let [start_low, start_high] = program.load_address.to_le_bytes();
    let [end_low, end_high] = program.end_address().to_le_bytes();
    let mut header = vec![
        RELOCATABLE_PROGRAM,
        start_low,
        start_high,
        end_low,
        end_high,
    ];
    header.extend_from_slice(&header_name(entry));
    header.resize(usize::from(HEADER_LEN), b' ');
    for (offset, byte) in (0..HEADER_LEN).zip(header) {
        ctx.set_ram(buffer.wrapping_add(offset), byte);
    }
}

/// LOAD (or, with `verify`, VERIFY) from the datasette, with VERCK and STATUS already
/// set by the caller: the end address, or the KERNAL error.
pub(super) fn load(ctx: &mut TrapContext<'_>, verify: bool) -> Result<u16, TapeError> {
    // The tape is taken out of the deck while it plays, and put back.
    let Some(tape) = ctx.datasette.tape.take() else {
        return Err(TapeError::DeviceNotPresent);
    };
    let result = play(ctx, &tape, verify);
    ctx.datasette.tape = Some(tape);
    result
}

/// LOAD or VERIFY from `tape`.
fn play(ctx: &mut TrapContext<'_>, tape: &Tape, verify: bool) -> Result<u16, TapeError> {
    let buffer = ctx.ram_word(TAPE1);
    if buffer < 0x0200 {
        return Err(TapeError::IllegalDevice);
    }
    if !ctx.datasette.playing {
        if messages(ctx) {
            print_text(ctx, b"\rPRESS PLAY ON TAPE\rOK\r");
        }
        ctx.datasette.playing = true;
    }
    let pattern = file_name(ctx);
    if messages(ctx) {
        print_text(ctx, b"\rSEARCHING ");
        if !pattern.is_empty() {
            print_text(ctx, b"FOR ");
            print_text(ctx, &pattern);
        }
    }
    let entry = search(ctx, tape, &pattern, buffer).ok_or(TapeError::FileNotFound)?;
    let program = &entry.program;
    let address = if ctx.ram(SA) == 0 {
        ctx.ram_word(MEMUSS)
    } else {
        program.load_address
    };
    ctx.set_ram_word(MEMUSS, address);
    ctx.set_ram_word(STAL, address);
    if messages(ctx) {
        print_text(ctx, if verify { b"\rVERIFYING" } else { b"\rLOADING" });
    }
    let mut at = address;
    for &byte in &program.bytes {
        if verify {
            if ctx.ram(at) != byte {
                let status = ctx.ram(STATUS) | ST_VERIFY;
                ctx.set_ram(STATUS, status);
            }
        } else {
            ctx.set_ram(at, byte);
        }
        at = at.wrapping_add(1);
    }
    ctx.charge(BYTE_CYCLES * program.bytes.len() as u64);
    let status = ctx.ram(STATUS) | ST_EOF;
    ctx.set_ram(STATUS, status);
    Ok(at)
}

/// Runs the tape past the head from where it stands, rewinding once at the end, until a
/// program matching `pattern` (any program without one) comes: each one passed is
/// `FOUND`, its header read into the cassette buffer. The head stops after the file
/// found, or (none found) back where it started.
fn search<'t>(
    ctx: &mut TrapContext<'_>,
    tape: &'t Tape,
    pattern: &[u8],
    buffer: u16,
) -> Option<&'t Entry> {
    let count = tape.entries.len();
    let from = ctx.datasette.position.min(count);
    for index in (from..count).chain(0..from) {
        let entry = &tape.entries[index];
        if entry.entry_type != NORMAL_FILE {
            continue;
        }
        ctx.charge(HEADER_CYCLES);
        write_header(ctx, buffer, entry);
        if messages(ctx) {
            print_text(ctx, b"\rFOUND ");
            print_text(ctx, &header_name(entry));
        }
        if matches(pattern, entry.name.as_bytes()) {
            ctx.datasette.position = index + 1;
            return Some(entry);
        }
    }
    ctx.datasette.position = from;
    None
}

/// SAVE to the datasette: refused, the deck being read-only (the tape is an archive held
/// in memory). With a tape in, `TAPE IS READ ONLY` is printed in direct mode and the error
/// is "illegal device number"; without one, "device not present".
pub(super) fn save(ctx: &mut TrapContext<'_>) -> TapeError {
    if ctx.datasette.tape.is_none() {
        return TapeError::DeviceNotPresent;
    }
    if messages(ctx) {
        print_text(ctx, b"\rTAPE IS READ ONLY");
    }
    TapeError::IllegalDevice
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_as_prefixes_with_wildcards() {
        assert!(matches(b"AB", b"ABC"));
        assert!(matches(b"", b"ANY"));
        assert!(matches(b"ABC", b"ABC"));
        assert!(matches(b"ABC  ", b"ABC"));
        assert!(!matches(b"ABCD", b"ABC"));
        assert!(!matches(b"B", b"ABC"));
        assert!(matches(b"A*", b"AXYZ"));
        assert!(matches(b"*", b"Q"));
        assert!(matches(b"A?C", b"ABC"));
        assert!(!matches(b"A?D", b"ABC"));
    }
}
