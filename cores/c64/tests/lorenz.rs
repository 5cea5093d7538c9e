//! Wolfgang Lorenz's C64 test suite, machine part: from `trap1` to `finish`, each program
//! run on the whole machine (CPU, VIC-II, CIAs, PLA and the open ROM's KERNAL) until it
//! prints `- ok` and asks BASIC's LOAD ($E16F) for the next one by name.
//!
//! The suite's folder is attached to the virtual drive as device 8, `LOAD"TRAP1",8` and
//! `RUN` are typed, and from then on the chain runs through the open ROM itself: each
//! program's jump to $E16F loads the next one by name from the folder through the
//! KERNAL's LOAD and the drive, and BASIC runs it. The harness only watches: it counts the
//! programs as they are asked for, reads their output at CHROUT, and marks a program
//! failed when it waits for a key through GETIN ($FFE4) after printing its table of
//! differences (it then presses RUN/STOP). A program that falls back to READY is started
//! from the folder directly so the count goes on. The chain ends when it asks for
//! `finish`, a BASIC program that only prints its congratulations.
//!
//! `mmufetch` and `mmu` also depend on a few bytes of Commodore's ROMs: code at $A4E1,
//! $B82A, $EA79, $FD27 and $D402 that banks the ROM out again after the test banked it
//! in under code running in RAM, and the values `mmu` reads: $94 at $A000 (the low byte
//! of BASIC's cold start vector), $85 at $E000 and $3C at $D000 ('@'). The open ROM
//! keeps those bytes at those addresses (see `rom/*.s` and `rom/charset.txt`), so every
//! program of the machine part runs.

use std::path::{Path, PathBuf};

use heirloom_c64::drive::DriveBacking;
use heirloom_c64::pla::Region;
use heirloom_c64::{C64, Machine, RomSet};
use heirloom_shell::{AudioBuffer, Core, FrameIo, Framebuffer, InputState};

const CHROUT: u16 = 0xffd2;
const GETIN: u16 = 0xffe4;
const LOAD: u16 = 0xe16f;
const READY: u16 = 0xa474;
/// Where the suite's programs start: the SYS of their BASIC line.
const ENTRY: u16 = 0x0816;
const FIRST: &str = "trap1";
/// The program that ends the chain.
const LAST: &str = "finish";
/// Cycles one program may take before the harness gives up on it.
const LIMIT: u64 = 2_000_000_000;

/// The suite's file for a program name (`sbcb(eb)` is stored as `sbcb_eb`).
fn file_name(name: &str) -> String {
    name.replace('(', "_").replace(')', "")
}

fn petscii_to_ascii(code: u8) -> Option<char> {
    match code {
        0x0d => Some('\n'),
        0x41..=0x5a => Some((code + 0x20) as char),
        0xc1..=0xda => Some((code - 0x80) as char),
        0x20..=0x40 | 0x5b..=0x5f => Some(code as char),
        _ => None,
    }
}

/// Loads `name` into RAM and starts it with a return address to READY on the stack.
fn start(machine: &mut Machine, dir: &Path, name: &str) {
    let path: PathBuf = dir.join("bin").join(file_name(name));
    let program = std::fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    let load = usize::from(u16::from_le_bytes([program[0], program[1]]));
    machine.board.ram[load..load + program.len() - 2].copy_from_slice(&program[2..]);
    let end = (load + program.len() - 2) as u16;
    for pointer in [0x2d, 0x2f, 0x31] {
        machine.board.ram[pointer..pointer + 2].copy_from_slice(&end.to_le_bytes());
    }
    // BASIC's SYS enters with A, X, Y from $030C-$030E; the programs keep A there and
    // wait for a key after "- ok" unless it is 0, as it is when the chain runs them.
    machine.board.ram[0x030c..0x030f].fill(0);
    (machine.cpu.a, machine.cpu.x, machine.cpu.y) = (0, 0, 0);
    let ret = READY - 1;
    machine.board.ram[0x01fd] = (ret >> 8) as u8;
    machine.board.ram[0x01fc] = ret as u8;
    machine.cpu.s = 0xfb;
    machine.cpu.pc = ENTRY;
}

/// The program a suite program loads after itself: the name its last print before
/// `JMP $E16F` spells out. Lets the harness go on after a program that fails fatally.
fn next_in_chain(dir: &Path, name: &str) -> Option<String> {
    let program = std::fs::read(dir.join("bin").join(file_name(name))).ok()?;
    let jump = program.windows(3).rposition(|w| w == [0x4c, 0x6f, 0xe1])?;
    let before = &program[jump.saturating_sub(48)..jump];
    let mut words = before
        .split(|&b| !(b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'(' || b == b')'));
    let next = words.rfind(|word| word.len() >= 2)?;
    Some(String::from_utf8_lossy(next).to_ascii_lowercase())
}

fn requested_name(machine: &Machine) -> String {
    let ram = &machine.board.ram;
    let length = usize::from(ram[0xb7]);
    let pointer = usize::from(u16::from_le_bytes([ram[0xbb], ram[0xbc]]));
    ram[pointer..pointer + length]
        .iter()
        .map(|&code| petscii_to_ascii(code).unwrap_or('?'))
        .collect()
}

struct Outcome {
    name: String,
    output: String,
    failed: bool,
}

#[test]
fn lorenz_machine_programs() {
    let Some(dir) = heirloom_testkit::suite("lorenz-2.15") else {
        return;
    };
    let mut c64 = C64::new(RomSet::open_rom());
    let mut video = Framebuffer::default();
    let mut audio = AudioBuffer::new();
    for _ in 0..20 {
        c64.run_frame(&mut FrameIo {
            input: &InputState::default(),
            video: &mut video,
            audio: &mut audio,
        });
    }
    c64.machine_mut()
        .attach_drive(
            8,
            DriveBacking::folder(dir.join("bin")).expect("the suite's folder"),
        )
        .expect("device 8 is a drive");
    // LOAD"TRAP1",8 typed as a person would, then RUN put in the keyboard buffer.
    let mut input = InputState {
        text: format!("LOAD\"{}\",8\n", FIRST.to_uppercase()),
        ..InputState::default()
    };
    for frame in 0.. {
        c64.run_frame(&mut FrameIo {
            input: &input,
            video: &mut video,
            audio: &mut audio,
        });
        input.text.clear();
        let screen = c64.screen_text().expect("a text screen");
        if screen.contains("LOADING") && screen.trim_end().ends_with("READY.") {
            break;
        }
        assert!(frame < 500, "LOAD\"{FIRST}\",8 did not finish:\n{screen}");
    }
    let machine = c64.machine_mut();
    machine.board.ram[0x0277..0x027b].copy_from_slice(b"RUN\r");
    machine.board.ram[0x00c6] = 4;
    let mut results = vec![Outcome {
        name: FIRST.to_owned(),
        output: String::new(),
        failed: false,
    }];
    let mut started = machine.cpu.cycles;
    loop {
        let current = results.last_mut().expect("a program runs");
        let pc = machine.cpu.pc;
        // The entry points count only while the ROM is banked in: the tests also run code
        // in the RAM beneath it.
        let in_rom = matches!(machine.board.region(pc), Region::Kernal | Region::Basic);
        match if in_rom { pc } else { 0 } {
            CHROUT => current.output.extend(petscii_to_ascii(machine.cpu.a)),
            GETIN => {
                // A failed test waits for a key: mark it and press RUN/STOP, which ends the
                // program; the harness then goes on with the next one.
                current.failed = true;
                machine.board.ram[0x0277] = 0x03;
                machine.board.ram[0x00c6] = 1;
            }
            LOAD => {
                let next = requested_name(machine);
                if next == LAST {
                    break;
                }
                results.push(Outcome {
                    name: next,
                    output: String::new(),
                    failed: false,
                });
                started = machine.cpu.cycles;
            }
            READY => {
                // Back at BASIC before the end: the program failed beyond recovery.
                current.failed = true;
                match next_in_chain(&dir, &current.name) {
                    Some(next) => {
                        start(machine, &dir, &next);
                        results.push(Outcome {
                            name: next,
                            output: String::new(),
                            failed: false,
                        });
                        started = machine.cpu.cycles;
                        continue;
                    }
                    None => break,
                }
            }
            _ => {}
        }
        let current = results.last_mut().expect("a program runs");
        if machine.cpu.cycles - started > LIMIT {
            current.failed = true;
            current.output.push_str("\n(cycle limit reached)");
            break;
        }
        machine.step();
    }
    let failed: Vec<&Outcome> = results
        .iter()
        .filter(|r| r.failed || !r.output.contains("- ok"))
        .collect();
    eprintln!(
        "lorenz-2.15 (machine): {} of {} programs passed",
        results.len() - failed.len(),
        results.len()
    );
    for outcome in &failed {
        eprintln!("FAILED {}:\n{}", outcome.name, outcome.output);
    }
    let names: Vec<&str> = failed.iter().map(|r| r.name.as_str()).collect();
    assert!(names.is_empty(), "failed: {names:?}");
    // trap1 … trap17, branchwrap, mmufetch, mmu, cpuport … cia2tb: the whole machine part
    // but `finish`.
    assert_eq!(results.len(), 42, "programs run");
}
