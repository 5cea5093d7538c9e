//! The virtual disk drive, driven as a person would: BASIC commands typed on the open
//! ROM's screen editor, the screen read back; `.d64` images built here byte by byte, and
//! host folders.

use std::fs;
use std::path::PathBuf;

use heirloom_asm6502::{MemoryLoader, assemble};
use heirloom_c64::drive::{BANNER, DosStatus, DriveBacking};
use heirloom_c64::{C64, RomSet};
use heirloom_shell::Core;

mod typing;

use typing::{booted, direct, frames};

// --- Driving the machine -------------------------------------------------------------

fn with_drive(backing: DriveBacking) -> C64 {
    let mut c64 = booted();
    c64.machine_mut().attach_drive(8, backing).unwrap();
    c64
}

/// Types program lines (after NEW).
fn enter(c64: &mut C64, listing: &str) {
    let text = format!("NEW\n{listing}");
    frames(c64, 10 + 4 * text.chars().count(), &text);
}

fn status(c64: &C64) -> DosStatus {
    c64.machine().drive_status(8).expect("a drive on device 8")
}

/// A fresh folder for one test.
fn scratch_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("heirloom-drive-{tag}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

// --- A .d64 built byte by byte ---------------------------------------------------------

fn sectors_in(track: u8) -> usize {
    match track {
        1..=17 => 21,
        18..=24 => 19,
        25..=30 => 18,
        _ => 17,
    }
}

fn offset(track: u8, sector: u8) -> usize {
    ((1..track).map(sectors_in).sum::<usize>() + usize::from(sector)) * 256
}

/// An empty 35-track disk: the BAM at 18/0 (every sector free but 18/0 and 18/1), the
/// name and ID, an empty directory sector at 18/1.
fn blank_d64(name: &[u8], id: &[u8; 2]) -> Vec<u8> {
    let mut disk = vec![0; 174_848];
    let bam = offset(18, 0);
    disk[bam..bam + 4].copy_from_slice(&[18, 1, 0x41, 0]);
    for track in 1..=35u8 {
        let count = sectors_in(track);
        let bits: u32 = (1 << count) - 1;
        let at = bam + 4 * usize::from(track);
        disk[at] = count as u8;
        disk[at + 1..at + 4].copy_from_slice(&bits.to_le_bytes()[..3]);
    }
    use_sector(&mut disk, 18, 0);
    use_sector(&mut disk, 18, 1);
    disk[bam + 0x90..bam + 0xab].fill(0xa0);
    disk[bam + 0x90..bam + 0x90 + name.len()].copy_from_slice(name);
    disk[bam + 0xa2..bam + 0xa4].copy_from_slice(id);
    disk[bam + 0xa5..bam + 0xa7].copy_from_slice(b"2A");
    let dir = offset(18, 1);
    disk[dir + 1] = 0xff;
    disk
}

fn use_sector(disk: &mut [u8], track: u8, sector: u8) {
    let at = offset(18, 0) + 4 * usize::from(track);
    disk[at] -= 1;
    disk[at + 1 + usize::from(sector / 8)] &= !(1 << (sector % 8));
}

/// Puts a file in directory slot `slot` of 18/1, its data on consecutive sectors of
/// track 17 from `first`; `blocks` is what the entry claims.
fn add_file(
    disk: &mut [u8],
    slot: usize,
    name: &[u8],
    kind: u8,
    first: u8,
    data: &[u8],
    blocks: u16,
) {
    let chunks: Vec<&[u8]> = data.chunks(254).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        let sector = first + i as u8;
        let at = offset(17, sector);
        if i + 1 < chunks.len() {
            disk[at..at + 2].copy_from_slice(&[17, sector + 1]);
        } else {
            disk[at..at + 2].copy_from_slice(&[0, chunk.len() as u8 + 1]);
        }
        disk[at + 2..at + 2 + chunk.len()].copy_from_slice(chunk);
        use_sector(disk, 17, sector);
    }
    let entry = offset(18, 1) + 32 * slot;
    disk[entry + 2] = kind;
    disk[entry + 3] = 17;
    disk[entry + 4] = first;
    disk[entry + 5..entry + 21].fill(0xa0);
    disk[entry + 5..entry + 5 + name.len()].copy_from_slice(name);
    disk[entry + 30..entry + 32].copy_from_slice(&blocks.to_le_bytes());
}

/// `10 PRINT"HI"` as a `.prg` at $0801.
const HI_PROGRAM: [u8; 15] = [
    0x01, 0x08, 0x0b, 0x08, 10, 0, 0x99, b'"', b'H', b'I', b'"', 0, 0, 0, 0,
];

fn sample_disk() -> Vec<u8> {
    let mut disk = blank_d64(b"TEST DISK", b"AB");
    add_file(&mut disk, 0, b"HELLO", 0x82, 0, &HI_PROGRAM, 1);
    add_file(&mut disk, 1, b"NOTES", 0x01, 1, &[b'X'; 300], 2);
    add_file(&mut disk, 2, b"LOCKED", 0xc2, 3, &[7; 254 * 12], 12);
    disk
}

// --- The tests -------------------------------------------------------------------------

#[test]
fn the_directory_of_a_d64_lists_as_on_a_1541() {
    let mut c64 = with_drive(DriveBacking::image_from_bytes(&sample_disk()).unwrap());
    assert_eq!(
        direct(&mut c64, "LOAD\"$\",8"),
        "\nSEARCHING FOR $\nLOADING\n"
    );
    let listing = direct(&mut c64, "LIST");
    assert_eq!(
        listing,
        "\n0 \"TEST DISK       \" AB 2A\n\
         1    \"HELLO\"            PRG\n\
         2    \"NOTES\"           *SEQ\n\
         12   \"LOCKED\"           PRG<\n\
         649 BLOCKS FREE.\n"
    );
    // The header is in reverse video from its opening quote on, as the 1541's RVS ON
    // makes it.
    let screen = &c64.machine().board.ram[0x0400..0x07e8];
    let row = screen
        .chunks(40)
        .position(|row| row[0] == 0x30 && row[2] == 0xa2)
        .expect("the header line, reversed from its quote");
    assert!(
        screen[row * 40 + 2..row * 40 + 26]
            .iter()
            .all(|&c| c & 0x80 != 0)
    );
    assert_eq!(screen[row * 40], 0x30, "the line number is not reversed");

    // Patterns: `$0:N*` lists only NOTES; `*` loads the first file; `?` matches one.
    direct(&mut c64, "LOAD\"$0:N*\",8");
    assert_eq!(
        direct(&mut c64, "LIST"),
        "\n0 \"TEST DISK       \" AB 2A\n2    \"NOTES\"           *SEQ\n649 BLOCKS FREE.\n"
    );
    direct(&mut c64, "LOAD\"*\",8");
    assert_eq!(direct(&mut c64, "LIST"), "\n10 PRINT\"HI\"\n");
    direct(&mut c64, "NEW");
    assert_eq!(
        direct(&mut c64, "LOAD\"H?LLO\",8"),
        "\nSEARCHING FOR H?LLO\nLOADING\n"
    );
    assert_eq!(direct(&mut c64, "RUN"), "HI\n\n");
    // An unclosed file cannot be read; a missing one is not found.
    assert_eq!(
        direct(&mut c64, "LOAD\"NOPE\",8"),
        "\nSEARCHING FOR NOPE\n?FILE NOT FOUND  ERROR\n"
    );
    assert_eq!(status(&c64), DosStatus::new(62));
    direct(&mut c64, "OPEN 2,8,2,\"NOTES\":CLOSE 2");
    assert_eq!(status(&c64), DosStatus::new(60));
    // On a secondary address other than 0, `$` reads the raw BAM and directory sectors:
    // the disk name is at $90 of the BAM, 142 bytes in (after the two link bytes).
    enter(
        &mut c64,
        "10 OPEN 2,8,2,\"$\":FOR I=1 TO 142:GET#2,A$:NEXT\n\
         20 FOR I=1 TO 9:GET#2,A$:N$=N$+A$:NEXT:CLOSE 2:PRINT N$\n",
    );
    assert_eq!(direct(&mut c64, "RUN"), "TEST DISK\n\n");
}

#[test]
fn without_a_backing_the_drive_is_not_present() {
    let mut c64 = booted();
    assert_eq!(
        direct(&mut c64, "LOAD\"X\",8"),
        "\nSEARCHING FOR X\n?DEVICE NOT PRESENT  ERROR\n"
    );
    c64.machine_mut()
        .attach_drive(8, DriveBacking::blank_image(b"D", *b"01"))
        .unwrap();
    assert_eq!(
        direct(&mut c64, "LOAD\"X\",8"),
        "\nSEARCHING FOR X\n?FILE NOT FOUND  ERROR\n"
    );
    assert_eq!(
        direct(&mut c64, "LOAD\"X\",9"),
        "\nSEARCHING FOR X\n?DEVICE NOT PRESENT  ERROR\n"
    );
    assert!(c64.machine_mut().detach_drive(8).is_some());
    assert_eq!(
        direct(&mut c64, "SAVE\"X\",8"),
        "\n?DEVICE NOT PRESENT  ERROR\n"
    );
    assert!(
        c64.machine_mut()
            .attach_drive(12, DriveBacking::blank_image(b"D", *b"01"))
            .is_err()
    );
    // Devices 9 to 11 are drives too, each with its own disk.
    c64.machine_mut()
        .attach_drive(11, DriveBacking::image_from_bytes(&sample_disk()).unwrap())
        .unwrap();
    direct(&mut c64, "LOAD\"HELLO\",11");
    assert_eq!(direct(&mut c64, "RUN"), "HI\n\n");
    assert_eq!(c64.machine().drive_status(11), Some(DosStatus::OK));
    // LOAD in a running program loads quietly (RUN turns the KERNAL's messages off) and
    // runs what it loaded.
    enter(&mut c64, "10 PRINT \"FIRST\":LOAD\"HELLO\",11\n");
    assert_eq!(direct(&mut c64, "RUN"), "FIRST\nHI\n\n");
    assert_eq!(c64.machine().drive_status(8), None);
}

#[test]
fn save_then_load_round_trips_on_an_image_file() {
    let dir = scratch_dir("image-round-trip");
    let path = dir.join("work.d64");
    fs::write(&path, blank_d64(b"WORK", b"W1")).unwrap();
    let mut c64 = with_drive(DriveBacking::open_image(&path).unwrap());
    enter(&mut c64, "10 PRINT \"SAVED AND BACK\"\n20 PRINT 6*7\n");
    assert_eq!(direct(&mut c64, "SAVE\"PROG\",8"), "\nSAVING PROG\n");
    assert_eq!(status(&c64), DosStatus::OK);
    direct(&mut c64, "NEW");
    assert_eq!(
        direct(&mut c64, "LOAD\"PROG\",8"),
        "\nSEARCHING FOR PROG\nLOADING\n"
    );
    assert_eq!(
        direct(&mut c64, "LIST"),
        "\n10 PRINT \"SAVED AND BACK\"\n20 PRINT 6*7\n"
    );
    assert_eq!(
        direct(&mut c64, "VERIFY\"PROG\",8"),
        "\nSEARCHING FOR PROG\nVERIFYING\nOK\n"
    );
    // Saving over it needs "@0:"; without it the drive says 63 and keeps the old one,
    // which no longer verifies against the program in memory.
    enter(&mut c64, "10 PRINT \"SECOND\"\n");
    assert_eq!(
        direct(&mut c64, "VERIFY\"PROG\",8"),
        "\nSEARCHING FOR PROG\nVERIFYING\n?VERIFY  ERROR\n"
    );
    assert_eq!(direct(&mut c64, "SAVE\"PROG\",8"), "\nSAVING PROG\n");
    assert_eq!(status(&c64), DosStatus::new(63));
    assert_eq!(direct(&mut c64, "SAVE\"@0:PROG\",8"), "\nSAVING @0:PROG\n");
    assert_eq!(status(&c64), DosStatus::OK);

    // The image file on the host has it: a new machine loads and runs it.
    let mut other = with_drive(DriveBacking::open_image(&path).unwrap());
    direct(&mut other, "LOAD\"PROG\",8,1");
    assert_eq!(direct(&mut other, "RUN"), "SECOND\n\n");
    direct(&mut other, "LOAD\"$\",8");
    assert_eq!(
        direct(&mut other, "LIST"),
        "\n0 \"WORK            \" W1 2A\n1    \"PROG\"             PRG\n663 BLOCKS FREE.\n"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn save_then_load_round_trips_on_a_folder() {
    let dir = scratch_dir("folder-round-trip");
    // A host file made outside the machine loads by its name in capitals.
    fs::write(dir.join("greet"), HI_PROGRAM).unwrap();
    let mut c64 = with_drive(DriveBacking::folder(&dir).unwrap());
    direct(&mut c64, "LOAD\"GREET\",8");
    assert_eq!(direct(&mut c64, "RUN"), "HI\n\n");
    enter(&mut c64, "10 PRINT \"FROM THE FOLDER\"\n");
    assert_eq!(direct(&mut c64, "SAVE\"MINE\",8"), "\nSAVING MINE\n");
    let saved = fs::read(dir.join("mine.prg")).unwrap();
    assert_eq!(&saved[..2], &[0x01, 0x08], "a .prg with its load address");
    direct(&mut c64, "NEW");
    direct(&mut c64, "LOAD\"MINE\",8");
    assert_eq!(direct(&mut c64, "RUN"), "FROM THE FOLDER\n\n");
    direct(&mut c64, "LOAD\"$\",8");
    let listing = direct(&mut c64, "LIST");
    assert!(
        listing.ends_with(
            "\n1    \"GREET\"            PRG\n1    \"MINE\"             PRG\n662 BLOCKS FREE.\n"
        ),
        "{listing}"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_direct_load_of_code_above_basic_leaves_the_next_load_working() {
    let dir = scratch_dir("load-high");
    let mut high = vec![0x00, 0xc0];
    high.extend([0xea; 64]);
    fs::write(dir.join("high"), &high).unwrap();
    fs::write(dir.join("greet"), HI_PROGRAM).unwrap();
    let mut c64 = with_drive(DriveBacking::folder(&dir).unwrap());
    direct(&mut c64, "LOAD\"HIGH\",8,1");
    let mut loaded = [0; 64];
    c64.read_memory("ram", 0xc000, &mut loaded).unwrap();
    assert_eq!(loaded, [0xea; 64]);
    // The load moved the variables' start past the string heap, as in V2; the next
    // LOAD's literal name needs no room there.
    let next = direct(&mut c64, "LOAD\"GREET\",8");
    assert!(!next.contains("ERROR"), "{next}");
    assert_eq!(direct(&mut c64, "RUN"), "HI\n\n");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sequential_files_write_and_read_back() {
    let dir = scratch_dir("sequential");
    let mut c64 = with_drive(DriveBacking::folder(&dir).unwrap());
    enter(
        &mut c64,
        "10 OPEN 2,8,2,\"NOTES,S,W\"\n\
         20 PRINT#2,\"FIRST LINE\"\n\
         30 PRINT#2,\"SECOND\"\n\
         40 CLOSE 2\n\
         50 OPEN 2,8,2,\"NOTES,S,R\"\n\
         60 INPUT#2,A$:INPUT#2,B$:S=ST:CLOSE 2\n\
         70 PRINT A$:PRINT B$;S\n\
         80 OPEN 3,8,3,\"NOTES\"\n\
         90 GET#3,C$:N=N+1:IF ST=0 THEN 90\n\
         100 PRINT N;ST;ASC(C$):CLOSE 3\n\
         110 OPEN 4,8,4,\"NOTES,S,A\":PRINT#4,\"THIRD\":CLOSE 4\n",
    );
    assert_eq!(
        direct(&mut c64, "RUN"),
        "FIRST LINE\nSECOND 64\n 18  64  13\n\n"
    );
    assert_eq!(
        fs::read(dir.join("notes.seq")).unwrap(),
        b"FIRST LINE\rSECOND\rTHIRD\r"
    );
    // On an image too, listed as SEQ.
    let mut c64 = with_drive(DriveBacking::blank_image(b"SEQ", *b"01"));
    enter(
        &mut c64,
        "10 OPEN 2,8,2,\"DATA,S,W\":PRINT#2,\"ONE\":PRINT#2,\"TWO\":CLOSE 2\n\
         20 OPEN 2,8,2,\"DATA,S,R\":INPUT#2,A$:INPUT#2,B$:CLOSE 2:PRINT B$;A$\n\
         30 OPEN 5,8,5,\"LOG,U,W\":PRINT#5,\"U\":CLOSE 5\n",
    );
    assert_eq!(direct(&mut c64, "RUN"), "TWOONE\n\n");
    let image = c64
        .machine_mut()
        .detach_drive(8)
        .unwrap()
        .image_bytes()
        .unwrap();
    let dir_entry = offset(18, 1);
    assert_eq!(image[dir_entry + 2], 0x81, "a closed SEQ file");
    assert_eq!(&image[dir_entry + 5..dir_entry + 9], b"DATA");
    assert_eq!(image[dir_entry + 32 + 2], 0x83, "a closed USR file");
    assert_eq!(&image[dir_entry + 32 + 5..dir_entry + 32 + 8], b"LOG");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_command_channel_reports_status_and_runs_commands() {
    let dir = scratch_dir("commands");
    for name in ["old1", "old2", "keep"] {
        fs::write(dir.join(name), HI_PROGRAM).unwrap();
    }
    let mut c64 = with_drive(DriveBacking::folder(&dir).unwrap());
    enter(
        &mut c64,
        "10 OPEN 15,8,15\n\
         20 GOSUB 100\n\
         30 PRINT#15,\"S0:OLD*\":GOSUB 100\n\
         40 OPEN 2,8,2,\"MISSING\":GOSUB 100:CLOSE 2\n\
         50 PRINT#15,\"R:NEW=KEEP\":GOSUB 100\n\
         60 PRINT#15,\"C:COPY=NEW\":GOSUB 100\n\
         70 PRINT#15,\"BOGUS\":GOSUB 100\n\
         80 OPEN 2,8,2,\"NEW,S,W\":GOSUB 100:CLOSE 2\n\
         90 PRINT#15,\"N:WIPE,01\":GOSUB 100:CLOSE 15:END\n\
         100 INPUT#15,E,E$,T,S:PRINT E;E$;T;S:RETURN\n",
    );
    let expected = [
        format!(" 73 {BANNER} 0  0"),
        " 1 FILES SCRATCHED 2  0".to_owned(),
        " 62 FILE NOT FOUND 0  0".to_owned(),
        " 0 OK 0  0".to_owned(),
        " 0 OK 0  0".to_owned(),
        " 31 SYNTAX ERROR 0  0".to_owned(),
        " 63 FILE EXISTS 0  0".to_owned(),
        " 26 WRITE PROTECT ON 0  0".to_owned(),
    ];
    assert_eq!(
        direct(&mut c64, "RUN"),
        format!("{}\n\n", expected.join("\n"))
    );
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["copy.prg", "new.prg"]);
    assert_eq!(fs::read(dir.join("copy.prg")).unwrap(), HI_PROGRAM);

    // N:, V and I on an image, the command sent with OPEN.
    let mut c64 = with_drive(DriveBacking::image_from_bytes(&sample_disk()).unwrap());
    direct(&mut c64, "OPEN 15,8,15,\"N:FRESH,99\":CLOSE 15");
    assert_eq!(status(&c64), DosStatus::OK);
    direct(&mut c64, "LOAD\"$\",8");
    assert_eq!(
        direct(&mut c64, "LIST"),
        "\n0 \"FRESH           \" 99 2A\n664 BLOCKS FREE.\n"
    );
    // The unclosed NOTES goes on validate; the BAM then counts what is left.
    let mut c64 = with_drive(DriveBacking::image_from_bytes(&sample_disk()).unwrap());
    direct(&mut c64, "OPEN 15,8,15,\"V\":CLOSE 15");
    assert_eq!(status(&c64), DosStatus::OK);
    direct(&mut c64, "OPEN 15,8,15,\"I\":CLOSE 15");
    assert_eq!(status(&c64), DosStatus::OK);
    direct(&mut c64, "LOAD\"$\",8");
    assert_eq!(
        direct(&mut c64, "LIST"),
        "\n0 \"TEST DISK       \" AB 2A\n\
         1    \"HELLO\"            PRG\n\
         12   \"LOCKED\"           PRG<\n\
         651 BLOCKS FREE.\n"
    );
    // A locked file is not scratched.
    direct(&mut c64, "OPEN 15,8,15,\"S:LOCKED\":CLOSE 15");
    assert_eq!(status(&c64), DosStatus::at(1, 0, 0));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn hostile_names_cannot_leave_the_folder() {
    let parent = scratch_dir("hostile");
    let dir = parent.join("disk");
    fs::create_dir(&dir).unwrap();
    fs::write(parent.join("secret"), HI_PROGRAM).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(parent.join("secret"), dir.join("link")).unwrap();
    let mut c64 = with_drive(DriveBacking::folder(&dir).unwrap());
    enter(&mut c64, "10 PRINT \"ESCAPE\"\n");
    for name in ["../ESCAPE", "/TMP/ESCAPE", "..", "A/../../B"] {
        direct(&mut c64, &format!("SAVE\"{name}\",8"));
        assert_eq!(status(&c64), DosStatus::new(33), "{name}");
    }
    direct(&mut c64, "OPEN 2,8,2,\"../X,S,W\":PRINT#2,1:CLOSE 2");
    assert_eq!(status(&c64), DosStatus::new(33));
    let mut left: Vec<_> = fs::read_dir(&parent)
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    left.sort();
    assert_eq!(left, ["disk", "secret"], "nothing written outside");
    assert_eq!(
        fs::read_dir(&dir).unwrap().count(),
        usize::from(cfg!(unix)),
        "nothing written inside"
    );
    for name in ["../SECRET", "LINK"] {
        assert_eq!(
            direct(&mut c64, &format!("LOAD\"{name}\",8")),
            format!("\nSEARCHING FOR {name}\n?FILE NOT FOUND  ERROR\n")
        );
    }
    direct(&mut c64, "LOAD\"$\",8");
    assert!(!direct(&mut c64, "LIST").contains("LINK"));
    fs::remove_dir_all(&parent).unwrap();
}

#[test]
fn a_corrupt_d64_gives_a_clear_error() {
    let dir = scratch_dir("corrupt");
    // The wrong size is refused when the image is attached.
    let short = dir.join("short.d64");
    fs::write(&short, vec![0; 170_000]).unwrap();
    let error = DriveBacking::open_image(&short).unwrap_err().to_string();
    assert!(
        error.contains("174848") && error.contains("170000"),
        "{error}"
    );

    // A file whose second sector is on track 50: the first loads, then ?LOAD ERROR, and
    // the error channel tells where.
    let mut disk = blank_d64(b"BROKEN", b"XX");
    let program: Vec<u8> = [0x01, 0x08].into_iter().chain([0xea; 400]).collect();
    add_file(&mut disk, 0, b"BAD", 0x82, 0, &program, 2);
    disk[offset(17, 0)] = 50;
    // A directory sector that links back to itself.
    disk[offset(18, 1)..offset(18, 1) + 2].copy_from_slice(&[18, 1]);
    let mut c64 = with_drive(DriveBacking::image_from_bytes(&disk).unwrap());
    assert_eq!(
        direct(&mut c64, "LOAD\"BAD\",8"),
        "\nSEARCHING FOR BAD\nLOADING\n?LOAD  ERROR\n"
    );
    assert_eq!(status(&c64), DosStatus::at(66, 50, 1));
    assert_eq!(
        c64.machine().board.ram[0x0801..0x0801 + 252],
        [0xea; 252],
        "the sector before the bad link arrived"
    );
    // The looping directory ends: listed once, then the error.
    assert_eq!(
        direct(&mut c64, "LOAD\"$\",8"),
        "\nSEARCHING FOR $\nLOADING\n?LOAD  ERROR\n"
    );
    assert_eq!(status(&c64), DosStatus::at(66, 18, 1));

    // A 40-track image with error bytes: a sector marked with error 5 (data checksum)
    // reads as 23,READ ERROR with its track and sector; the rest of the disk reads.
    let mut disk = blank_d64(b"FORTY", b"40");
    add_file(&mut disk, 0, b"GOOD", 0x82, 0, &HI_PROGRAM, 1);
    add_file(&mut disk, 1, b"SORE", 0x82, 1, &HI_PROGRAM, 1);
    disk.resize(174_848 + 5 * 17 * 256, 0);
    let mut errors = vec![1u8; 768];
    errors[offset(17, 1) / 256] = 5;
    disk.extend_from_slice(&errors);
    assert_eq!(disk.len(), 197_376);
    let mut c64 = with_drive(DriveBacking::image_from_bytes(&disk).unwrap());
    assert_eq!(
        direct(&mut c64, "LOAD\"SORE\",8"),
        "\nSEARCHING FOR SORE\n?FILE NOT FOUND  ERROR\n"
    );
    assert_eq!(status(&c64), DosStatus::at(23, 17, 1));
    direct(&mut c64, "LOAD\"GOOD\",8");
    assert_eq!(direct(&mut c64, "RUN"), "HI\n\n");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_failed_write_leaves_the_image_as_it_was() {
    let dir = scratch_dir("failed-write");
    // A full disk: every block in use.
    let full = dir.join("full.d64");
    let mut disk = blank_d64(b"FULL", b"FF");
    for track in (1..=35u8).filter(|&t| t != 18) {
        for sector in 0..sectors_in(track) as u8 {
            use_sector(&mut disk, track, sector);
        }
    }
    fs::write(&full, &disk).unwrap();
    let mut c64 = with_drive(DriveBacking::open_image(&full).unwrap());
    enter(&mut c64, "10 PRINT \"NO ROOM\"\n");
    assert_eq!(direct(&mut c64, "SAVE\"X\",8"), "\nSAVING X\n");
    assert_eq!(status(&c64), DosStatus::new(72));
    assert_eq!(fs::read(&full).unwrap(), disk, "the image is as it was");

    // The host refuses the new file (its place is taken by a folder): the drive says
    // WRITE ERROR and neither the image file nor the disk in the drive changed.
    let image = dir.join("work.d64");
    let disk = sample_disk();
    fs::write(&image, &disk).unwrap();
    fs::create_dir(dir.join(".work.d64.heirloom-new")).unwrap();
    let mut c64 = with_drive(DriveBacking::open_image(&image).unwrap());
    let attached = c64.machine().drive_backing(8).unwrap();
    assert_eq!(attached.path(), Some(image.as_path()));
    assert_eq!(attached.image_bytes().unwrap(), disk);
    enter(&mut c64, "10 PRINT \"LOST\"\n");
    direct(&mut c64, "SAVE\"Y\",8");
    assert_eq!(status(&c64), DosStatus::new(25));
    assert_eq!(fs::read(&image).unwrap(), disk);
    assert_eq!(
        c64.machine()
            .drive_backing(8)
            .unwrap()
            .image_bytes()
            .unwrap(),
        disk,
        "the disk in the drive is as it was too"
    );
    assert_eq!(
        direct(&mut c64, "LOAD\"Y\",8"),
        "\nSEARCHING FOR Y\n?FILE NOT FOUND  ERROR\n"
    );
    // Once the host lets it, the same save works.
    fs::remove_dir(dir.join(".work.d64.heirloom-new")).unwrap();
    direct(&mut c64, "SAVE\"Y\",8");
    assert_eq!(status(&c64), DosStatus::OK);
    assert_ne!(fs::read(&image).unwrap(), disk);
    assert!(!dir.join(".work.d64.heirloom-new").exists());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn programs_use_the_kernal_file_routines_and_the_serial_bus() {
    let source = r#"
        * = $c000
        ; SAVE $C100-$C10F as "BYTES" (SA 1).
        lda #5
        ldx #<name
        ldy #>name
        jsr $ffbd
        lda #1
        ldx #8
        ldy #1
        jsr $ffba
        lda #$00
        sta $fb
        lda #$c1
        sta $fc
        lda #$fb
        ldx #$10
        ldy #$c1
        jsr $ffd8
        ; Spoil the source, then LOAD with SA 1: back to $C100, its own address.
        lda #$ff
        sta $c100
        lda #0
        ldx #$00
        ldy #$c4
        jsr $ffd5
        stx $c1f0
        sty $c1f1
        ; LOAD with SA 0 to $C200.
        lda #1
        ldx #8
        ldy #0
        jsr $ffba
        lda #0
        ldx #$00
        ldy #$c2
        jsr $ffd5
        stx $c1f2
        sty $c1f3
        ; "S:BYTES" over the bus to channel 15, then its answer back.
        lda #8
        jsr $ffb1
        lda #$6f
        jsr $ff93
        ldx #0
send:   lda command,x
        jsr $ffa8
        inx
        cpx #7
        bne send
        jsr $ffae
        lda #0
        sta $90
        lda #8
        jsr $ffb4
        lda #$6f
        jsr $ff96
        ldx #0
read:   jsr $ffa5
        sta $c300,x
        inx
        bit $90
        bvc read
        jsr $ffab
        stx $c1f4
        rts
name:   .text "BYTES"
command: .text "S:BYTES"
"#;
    let program = assemble("test.s", source, &MemoryLoader::new())
        .unwrap_or_else(|errors| panic!("{errors}"));
    let mut c64 = with_drive(DriveBacking::blank_image(b"KERNAL", *b"01"));
    let ram = &mut c64.machine_mut().board.ram;
    ram[0xc000..0xc000 + program.bytes.len()].copy_from_slice(&program.bytes);
    let data: Vec<u8> = (0..16).map(|i| 0x30 + i).collect();
    ram[0xc100..0xc110].copy_from_slice(&data);
    // Called from direct mode, the KERNAL shows its messages.
    assert_eq!(
        direct(&mut c64, "SYS 49152"),
        "\nSAVING BYTES\nSEARCHING FOR BYTES\nLOADING\nSEARCHING FOR BYTES\nLOADING\n"
    );
    let ram = &c64.machine().board.ram;
    assert_eq!(
        ram[0xc100..0xc110],
        data[..],
        "SA 1 loads to the file's address"
    );
    assert_eq!(ram[0xc1f0..0xc1f2], [0x10, 0xc1], "the end address in X/Y");
    assert_eq!(ram[0xc200..0xc210], data[..], "SA 0 loads to X/Y");
    assert_eq!(ram[0xc1f2..0xc1f4], [0x10, 0xc2]);
    assert_eq!(ram[0xae..0xb0], [0x10, 0xc2], "and in $AE/$AF");
    let answer = &ram[0xc300..0xc300 + usize::from(ram[0xc1f4])];
    assert_eq!(answer, b"01, FILES SCRATCHED,01,00\r");
}

#[test]
fn the_load_vector_can_be_hooked_and_save_states_keep_open_files() {
    let mut disk = blank_d64(b"STATE", b"01");
    add_file(&mut disk, 0, b"TEXT", 0x81, 0, b"ABCDEF", 1);
    let mut c64 = with_drive(DriveBacking::image_from_bytes(&disk).unwrap());
    // Read two bytes of an open file, save the state, read on in the restored machine.
    enter(
        &mut c64,
        "10 OPEN 2,8,2,\"TEXT\":GET#2,A$,B$:PRINT A$;B$:END\n\
         20 GET#2,C$:PRINT C$:CLOSE 2\n",
    );
    assert_eq!(direct(&mut c64, "RUN 10"), "AB\n\n");
    let state = c64.save_state();
    assert_eq!(direct(&mut c64, "GOTO 20"), "C\n\n");
    let mut restored = with_drive(DriveBacking::image_from_bytes(&disk).unwrap());
    restored.load_state(&state).unwrap();
    assert_eq!(direct(&mut restored, "GOTO 20"), "C\n\n");
    // A program hooking the LOAD vector ($0330) sees every LOAD first: this one counts
    // them at $C0F0 and goes on to the KERNAL's own routine at $F4A5.
    let hook = [0xee, 0xf0, 0xc0, 0x4c, 0xa5, 0xf4];
    c64.machine_mut().board.ram[0xc000..0xc006].copy_from_slice(&hook);
    c64.machine_mut().board.ram[0xc0f0] = 0;
    direct(&mut c64, "POKE 816,0:POKE 817,192");
    assert_eq!(
        direct(&mut c64, "LOAD\"TEXT\",8"),
        "\nSEARCHING FOR TEXT\n?FILE NOT FOUND  ERROR\n"
    );
    enter(&mut c64, "10 PRINT 1\n");
    direct(&mut c64, "SAVE\"P\",8");
    assert_eq!(
        direct(&mut c64, "LOAD\"P\",8"),
        "\nSEARCHING FOR P\nLOADING\n"
    );
    assert_eq!(c64.machine().board.ram[0xc0f0], 2);
}

#[test]
fn a_d64_given_as_media_goes_into_drive_8_and_its_first_program_runs() {
    use heirloom_shell::Media;
    let mut c64 = C64::new(RomSet::open_rom());
    c64.load(Media::new("sample.d64", sample_disk())).unwrap();
    let mut screen = String::new();
    for _ in 0..60 {
        frames(&mut c64, 5, "");
        screen = c64.screen_text().unwrap();
        if screen.contains("\nHI\n") {
            break;
        }
    }
    assert!(screen.contains("LOAD\"*\",8,1"), "{screen}");
    assert!(
        screen.contains("\nHI\n"),
        "the disk's first program ran:\n{screen}"
    );
    assert!(
        c64.machine().drive_backing(8).is_some(),
        "the disk stays in the drive"
    );

    let broken = sample_disk()[..1000].to_vec();
    let err = c64.load(Media::new("broken.d64", broken)).unwrap_err();
    assert!(err.to_string().contains("broken.d64"), "{err}");
}
