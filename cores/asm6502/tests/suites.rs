//! Cross-checks of the opcode table against third-party data: the listing another
//! assembler produced for Klaus Dormann's functional test, its 64 KiB binary, and the
//! instruction lengths implied by Tom Harte's single-step tests.

use std::collections::BTreeSet;

use heirloom_asm6502::opcodes::{self, Mode};
use heirloom_asm6502::{MemoryLoader, assemble, disassemble, disassemble_to_source};

/// The addressing mode an operand written in the listing's syntax asks for, given the
/// instruction's length in bytes.
fn listed_mode(mnemonic: &str, operand: &str, len: usize) -> Mode {
    let operand = operand.to_ascii_lowercase();
    let wide = len == 3;
    if operand.is_empty() || operand == "a" {
        return if opcodes::has_mode(mnemonic, Mode::Accumulator) {
            Mode::Accumulator
        } else {
            Mode::Implied
        };
    }
    if operand.starts_with('#') {
        Mode::Immediate
    } else if operand.starts_with('(') && operand.ends_with(",x)") {
        Mode::IndexedIndirect
    } else if operand.starts_with('(') && operand.ends_with("),y") {
        Mode::IndirectIndexed
    } else if operand.starts_with('(') && operand.ends_with(')') && mnemonic == "jmp" {
        Mode::Indirect
    } else if operand.ends_with(",x") {
        if wide {
            Mode::AbsoluteX
        } else {
            Mode::ZeroPageX
        }
    } else if operand.ends_with(",y") {
        if wide {
            Mode::AbsoluteY
        } else {
            Mode::ZeroPageY
        }
    } else if opcodes::has_mode(mnemonic, Mode::Relative) {
        Mode::Relative
    } else if wide {
        Mode::Absolute
    } else {
        Mode::ZeroPage
    }
}

#[test]
fn opcode_table_agrees_with_the_klaus_dormann_listing() {
    let Some(dir) = heirloom_testkit::suite("klaus-dormann") else {
        return;
    };
    let listing = std::fs::read_to_string(dir.join("6502_functional_test.lst")).unwrap();
    let mut checked = 0;
    let mut covered = BTreeSet::new();
    for line in listing.lines() {
        // `0438 : ad0002          >            lda test_case   ;previous test`
        let Some((address, rest)) = line.split_once(" : ") else {
            continue;
        };
        if address.len() != 4 || u16::from_str_radix(address, 16).is_err() {
            continue;
        }
        let rest = rest.split(';').next().unwrap();
        let mut words = rest.split_whitespace();
        let Some(hex) = words.next() else { continue };
        if hex.len() % 2 != 0 || hex.len() > 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            continue;
        }
        let words: Vec<&str> = words.filter(|w| *w != ">").collect();
        // An optional label, then the instruction.
        let Some(at) = words
            .iter()
            .take(2)
            .position(|w| opcodes::mnemonic(w).is_some())
        else {
            continue;
        };
        let mnemonic = words[at].to_ascii_lowercase();
        let operand = words[at + 1..].concat();
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        let op = opcodes::decode(bytes[0]);
        assert_eq!(op.mnemonic, mnemonic, "{line}");
        assert!(op.documented, "{line}");
        assert_eq!(usize::from(op.size()), bytes.len(), "{line}");
        assert_eq!(
            op.mode,
            listed_mode(&mnemonic, &operand, bytes.len()),
            "{line}"
        );
        assert_eq!(
            opcodes::encode(&mnemonic, op.mode),
            Some(bytes[0]),
            "{line}"
        );
        // The disassembler shows the same instruction.
        let address = u16::from_str_radix(address, 16).unwrap();
        let shown = &disassemble(&bytes, address)[0];
        assert_eq!(shown.opcode, Some(op));
        assert!(shown.text.starts_with(&mnemonic), "{}", shown.text);
        covered.insert(bytes[0]);
        checked += 1;
    }
    println!(
        "{checked} listing lines checked, {} distinct opcodes",
        covered.len()
    );
    assert!(checked > 3000, "only {checked} instructions found");
    assert!(
        covered.len() > 120,
        "only {} opcodes covered",
        covered.len()
    );
}

#[test]
fn klaus_dormann_binary_round_trips_through_the_disassembler() {
    let Some(dir) = heirloom_testkit::suite("klaus-dormann") else {
        return;
    };
    let image = std::fs::read(dir.join("6502_functional_test.bin")).unwrap();
    assert_eq!(image.len(), 0x10000);
    let source = disassemble_to_source(&image, 0x0000);
    let program =
        assemble("klaus.s", &source, &MemoryLoader::new()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(program.load_address, 0);
    assert!(program.bytes == image, "reassembled image differs");
}

/// Initial and final program counters of the first tests in a Harte binary file.
fn harte_pcs(data: &[u8], count: usize) -> Vec<(u16, u16)> {
    fn state(data: &[u8], at: &mut usize) -> u16 {
        let pc = u16::from_be_bytes([data[*at], data[*at + 1]]);
        let ram = usize::from(data[*at + 7]);
        *at += 8 + ram * 3;
        pc
    }
    let mut pcs = Vec::new();
    let mut at = 0;
    while at < data.len() && pcs.len() < count {
        at += 10; // name
        let initial = state(data, &mut at);
        let last = state(data, &mut at);
        let cycles = usize::from(data[at]);
        at += 1 + cycles * 4;
        pcs.push((initial, last));
    }
    pcs
}

#[test]
fn instruction_lengths_agree_with_the_harte_tests() {
    let Some(dir) = heirloom_testkit::suite("harte-6502") else {
        return;
    };
    let mut checked = 0;
    for byte in 0u8..=255 {
        let op = opcodes::decode(byte);
        let flow = matches!(op.mnemonic, "jmp" | "jsr" | "rts" | "rti" | "brk" | "jam")
            || op.mode == Mode::Relative;
        if flow {
            continue;
        }
        let data = std::fs::read(dir.join(format!("{byte:02x}.bin"))).unwrap();
        for (initial, last) in harte_pcs(&data, 50) {
            assert_eq!(
                last,
                initial.wrapping_add(op.size()),
                "opcode ${byte:02x} ({} {:?})",
                op.mnemonic,
                op.mode
            );
            checked += 1;
        }
    }
    // All but the 8 branches, `jmp` ×2, `jsr`, `rts`, `rti`, `brk` and the 12 `jam`s.
    assert_eq!(checked, (256 - 8 - 6 - 12) * 50);
}
