//! The datasette on device 1, driven as a person would: a `.t64` built here byte by byte,
//! BASIC's LOAD, VERIFY and SAVE typed on the open ROM's screen editor, the screen and
//! memory (PEEKed) read back.

use heirloom_c64::C64;
use heirloom_c64::media::t64::Tape;
use heirloom_shell::{Core, Media};

mod typing;

use typing::{booted, direct, frames};

/// `10 PRINT"HI TAPE"` as a program at $0801 (its line link deliberately stale: LOAD
/// relinks the lines).
const FIRST: &[u8] = &[
    0x01, 0x01, 10, 0, 0x99, b'"', b'H', b'I', b' ', b'T', b'A', b'P', b'E', b'"', 0, 0, 0,
];

/// A machine-code block for $C000: `LDA #42`, `RTS`, then a marker.
const SECOND: &[u8] = &[0xa9, 0x2a, 0x60, 0x5a];

/// A `.t64` holding `files` (name, load address, bytes), one directory slot each.
fn t64(files: &[(&str, u16, &[u8])]) -> Vec<u8> {
    let mut archive = b"C64S tape image file".to_vec();
    archive.resize(0x20, 0);
    let count = files.len() as u16;
    archive.extend_from_slice(&[0x01, 0x01]);
    archive.extend_from_slice(&count.to_le_bytes());
    archive.extend_from_slice(&count.to_le_bytes());
    archive.extend_from_slice(&[0, 0]);
    let tape_name: &[u8; 24] = b"TAPE TEST               ";
    archive.extend_from_slice(tape_name);
    let mut offset = 0x40 + 0x20 * files.len();
    for (name, start, bytes) in files {
        let end = start + bytes.len() as u16;
        let mut entry = vec![1, 0x82];
        entry.extend_from_slice(&start.to_le_bytes());
        entry.extend_from_slice(&end.to_le_bytes());
        entry.extend_from_slice(&[0, 0]);
        entry.extend_from_slice(&(offset as u32).to_le_bytes());
        entry.extend_from_slice(&[0; 4]);
        let mut padded = [b' '; 16];
        padded[..name.len()].copy_from_slice(name.as_bytes());
        entry.extend_from_slice(&padded);
        archive.extend_from_slice(&entry);
        offset += bytes.len();
    }
    for (_, _, bytes) in files {
        archive.extend_from_slice(bytes);
    }
    archive
}

/// The test tape: FIRST (BASIC at $0801), then SECOND (machine code at $C000).
fn test_tape() -> Tape {
    Tape::parse(&t64(&[
        ("FIRST", 0x0801, FIRST),
        ("SECOND", 0xc000, SECOND),
    ]))
    .unwrap()
}

/// A booted C64 with the test tape in its datasette.
fn with_tape() -> C64 {
    let mut c64 = booted();
    c64.attach_tape(test_tape());
    c64
}

/// The little-endian word at `address`, as PEEKed.
fn word(c64: &mut C64, address: u16) -> String {
    print(c64, &format!("PEEK({address})+256*PEEK({})", address + 1))
}

/// What `PRINT` of `expression` shows (the line before V2's blank line and `READY.`).
fn print(c64: &mut C64, expression: &str) -> String {
    let output = direct(c64, &format!("PRINT {expression}"));
    output
        .strip_suffix('\n')
        .unwrap_or_else(|| panic!("no blank line after {output:?}"))
        .to_owned()
}

#[test]
fn load_with_secondary_address_1_puts_a_file_at_its_own_address() {
    let mut c64 = with_tape();
    assert_eq!(print(&mut c64, "PEEK(49152);PEEK(49155)"), " 0  0\n");
    assert_eq!(
        direct(&mut c64, "LOAD\"SECOND\",1,1"),
        "\nPRESS PLAY ON TAPE\nOK\n\nSEARCHING FOR SECOND\nFOUND FIRST\nFOUND SECOND\nLOADING\n"
    );
    assert_eq!(print(&mut c64, "PEEK(49152);PEEK(49153)"), " 169  42\n");
    assert_eq!(print(&mut c64, "PEEK(49154);PEEK(49155)"), " 96  90\n");
    // The end address in $AE/$AF; STATUS with end of file.
    assert_eq!(
        print(&mut c64, "PEEK(174)+256*PEEK(175);ST"),
        " 49156  64\n"
    );
    // The header of the file found is in the cassette buffer at $033C: type 1, start,
    // end, the name padded with spaces.
    assert_eq!(
        print(&mut c64, "PEEK(828);PEEK(835);PEEK(850)"),
        " 1  67  32\n"
    );
    assert_eq!(word(&mut c64, 829), " 49152\n");
    assert_eq!(word(&mut c64, 831), " 49156\n");
    // LOAD in direct mode set the end of BASIC to the end of the block, past the top of
    // BASIC's memory: NEW, as on a C64 after loading machine code.
    direct(&mut c64, "NEW");
    // A prefix finds the file; PLAY is still down, so the deck goes straight to the
    // search, and from where the head stands the tape is rewound at its end.
    assert_eq!(
        direct(&mut c64, "LOAD\"SEC\",1,1"),
        "\nSEARCHING FOR SEC\nFOUND FIRST\nFOUND SECOND\nLOADING\n"
    );
}

#[test]
fn a_wildcard_name_loads_the_basic_program_which_runs() {
    let mut c64 = with_tape();
    frames(&mut c64, 100, "10 PRINT\"OLD PROGRAM\"\n");
    assert_eq!(
        direct(&mut c64, "LOAD\"FI*\",1"),
        "\nPRESS PLAY ON TAPE\nOK\n\nSEARCHING FOR FI*\nFOUND FIRST\nLOADING\n"
    );
    assert_eq!(direct(&mut c64, "LIST"), "\n10 PRINT\"HI TAPE\"\n");
    assert_eq!(direct(&mut c64, "RUN"), "HI TAPE\n\n");
    // LOAD set the BASIC end pointers (VARTAB) past the program, and relinked it.
    assert_eq!(word(&mut c64, 45), " 2066\n");
    assert_eq!(word(&mut c64, 2049), " 2064\n");
    assert_eq!(
        direct(&mut c64, "LOAD\"F?RST\",1"),
        "\nSEARCHING FOR F?RST\nFOUND SECOND\nFOUND FIRST\nLOADING\n"
    );
}

#[test]
fn secondary_address_0_relocates_to_the_start_of_basic() {
    let mut c64 = with_tape();
    direct(&mut c64, "LOAD\"SECOND\",1");
    assert_eq!(
        print(&mut c64, "PEEK(2051);PEEK(2052);PEEK(49152)"),
        " 96  90  0\n"
    );
    assert_eq!(word(&mut c64, 45), " 2053\n");
    assert_eq!(word(&mut c64, 174), " 2053\n");
}

#[test]
fn load_without_a_name_reads_the_next_file_round_the_tape() {
    let mut c64 = with_tape();
    assert_eq!(
        direct(&mut c64, "LOAD"),
        "\nPRESS PLAY ON TAPE\nOK\n\nSEARCHING\nFOUND FIRST\nLOADING\n"
    );
    assert_eq!(direct(&mut c64, "RUN"), "HI TAPE\n\n");
    assert_eq!(
        direct(&mut c64, "LOAD"),
        "\nSEARCHING\nFOUND SECOND\nLOADING\n"
    );
    // (LOAD relinked the "program" at $0801, rewriting its first two bytes.)
    assert_eq!(print(&mut c64, "PEEK(2051);PEEK(2052)"), " 96  90\n");
    assert_eq!(
        direct(&mut c64, "LOAD"),
        "\nSEARCHING\nFOUND FIRST\nLOADING\n"
    );
    assert_eq!(direct(&mut c64, "RUN"), "HI TAPE\n\n");
}

#[test]
fn a_name_not_on_the_tape_is_not_found() {
    let mut c64 = with_tape();
    assert_eq!(
        direct(&mut c64, "LOAD\"NOPE\",1"),
        "\nPRESS PLAY ON TAPE\nOK\n\nSEARCHING FOR NOPE\nFOUND FIRST\nFOUND SECOND\n\
         ?FILE NOT FOUND  ERROR\n"
    );
    // A longer name than the file's does not match it.
    assert_eq!(
        direct(&mut c64, "LOAD\"FIRSTX\",1"),
        "\nSEARCHING FOR FIRSTX\nFOUND FIRST\nFOUND SECOND\n?FILE NOT FOUND  ERROR\n"
    );
    // The head is back where it started: the next file is still the first.
    assert_eq!(
        direct(&mut c64, "LOAD"),
        "\nSEARCHING\nFOUND FIRST\nLOADING\n"
    );
}

#[test]
fn without_a_tape_device_1_is_not_present() {
    let mut c64 = booted();
    assert_eq!(
        direct(&mut c64, "LOAD\"X\",1"),
        "\n?DEVICE NOT PRESENT  ERROR\n"
    );
    assert_eq!(direct(&mut c64, "LOAD"), "\n?DEVICE NOT PRESENT  ERROR\n");
    assert_eq!(direct(&mut c64, "SAVE"), "\n?DEVICE NOT PRESENT  ERROR\n");
    c64.attach_tape(test_tape());
    assert!(direct(&mut c64, "LOAD\"SECOND\",1,1").ends_with("LOADING\n"));
    direct(&mut c64, "NEW");
    assert_eq!(c64.detach_tape().unwrap().entries.len(), 2);
    assert!(c64.detach_tape().is_none());
    assert_eq!(
        direct(&mut c64, "LOAD\"SECOND\",1,1"),
        "\n?DEVICE NOT PRESENT  ERROR\n"
    );
}

#[test]
fn verify_compares_with_the_tape() {
    let mut c64 = with_tape();
    direct(&mut c64, "LOAD\"SECOND\",1,1");
    direct(&mut c64, "NEW");
    assert_eq!(
        direct(&mut c64, "VERIFY\"SECOND\",1,1"),
        "\nSEARCHING FOR SECOND\nFOUND FIRST\nFOUND SECOND\nVERIFYING\nOK\n"
    );
    direct(&mut c64, "POKE 49153,43");
    assert_eq!(
        direct(&mut c64, "VERIFY\"SECOND\",1,1"),
        "\nSEARCHING FOR SECOND\nFOUND FIRST\nFOUND SECOND\nVERIFYING\n?VERIFY  ERROR\n"
    );
    // VERIFY changed nothing.
    assert_eq!(print(&mut c64, "PEEK(49153)"), " 43\n");
}

#[test]
fn the_deck_is_read_only() {
    let mut c64 = with_tape();
    frames(&mut c64, 80, "10 PRINT\"KEPT\"\n");
    assert_eq!(
        direct(&mut c64, "SAVE\"NEW\",1"),
        "\nTAPE IS READ ONLY\n?ILLEGAL DEVICE NUMBER  ERROR\n"
    );
    assert_eq!(c64.detach_tape().unwrap(), test_tape());
}

#[test]
fn the_kernal_load_routine_returns_the_end_address() {
    let mut c64 = with_tape();
    // SETLFS 1,1,sa; SETNAM "SECOND"; LOAD to $2000; X, Y and the flags into $FB-$FD.
    let listing = "NEW\n10 FOR I=0 TO 35:READ A:POKE 49408+I,A:NEXT\n\
         20 FOR I=0 TO 5:POKE 49456+I,ASC(MID$(\"SECOND\",I+1)):NEXT\n\
         30 DATA 169,1,162,1,160,1,32,186,255,169,6,162,48,160,193,32,189,255\n\
         40 DATA 169,0,162,0,160,32,32,213,255,134,251,132,252,8,104,133,253,96\n";
    frames(&mut c64, 10 + 4 * listing.len(), listing);
    direct(&mut c64, "RUN");
    // Secondary address 1: at $C000, ending at $C004; carry clear.
    assert!(direct(&mut c64, "SYS 49408").ends_with("FOUND SECOND\nLOADING\n"));
    assert_eq!(
        print(&mut c64, "PEEK(251);PEEK(252);PEEK(253)AND1"),
        " 4  192  0\n"
    );
    // Secondary address 0: at X/Y ($2000).
    direct(&mut c64, "POKE 49413,0");
    direct(&mut c64, "SYS 49408");
    assert_eq!(
        print(&mut c64, "PEEK(251);PEEK(252);PEEK(8195)"),
        " 4  32  90\n"
    );
    // No such file: carry set, error 4 in A.
    direct(&mut c64, "POKE 49456,78");
    assert!(direct(&mut c64, "SYS 49408").ends_with("FOUND SECOND\n"));
    assert_eq!(print(&mut c64, "PEEK(253)AND1"), " 1\n");
}

#[test]
fn a_program_loads_its_next_part_from_tape() {
    let mut c64 = with_tape();
    let listing = "NEW\n10 IF A=0 THEN A=1:LOAD\"SECOND\",1,1\n20 PRINT PEEK(49152);PEEK(49155)\n";
    frames(&mut c64, 10 + 4 * listing.len(), listing);
    // LOAD in a program prints nothing and runs the program again, keeping A.
    assert_eq!(direct(&mut c64, "RUN"), " 169  90\n\n");
}

#[test]
fn a_t64_autostarts_and_stays_in_the_deck() {
    let mut c64 = booted();
    let archive = t64(&[("FIRST", 0x0801, FIRST), ("SECOND", 0xc000, SECOND)]);
    c64.load(Media::new("game.t64", archive)).unwrap();
    frames(&mut c64, 60, "");
    assert!(c64.screen_text().unwrap().contains("RUN\nHI TAPE\n"));
    // The first program came from the tape: PLAY is down and the head past it.
    assert_eq!(
        direct(&mut c64, "LOAD\"\",1,1"),
        "\nSEARCHING\nFOUND SECOND\nLOADING\n"
    );
    assert_eq!(print(&mut c64, "PEEK(49152)"), " 169\n");
    assert_eq!(c64.detach_tape(), Some(test_tape()));
}
