//! `heirloom asm` and `heirloom disasm` run as real processes on real files.

use std::path::PathBuf;
use std::process::{Command, Output};

fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("heirloom-asm-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn heirloom(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heirloom"))
        .args(args)
        .output()
        .unwrap()
}

const BORDER: &str = "\
* = $c000
start:  ldx #0
.loop:  stx $d020
        inx
        bne .loop
        rts
";

#[test]
fn assembles_a_prg_and_disassembles_it_back() {
    let dir = scratch("prg");
    let source = dir.join("border.s");
    std::fs::write(&source, BORDER).unwrap();
    let output = heirloom(&["asm", source.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let prg = std::fs::read(dir.join("border.prg")).unwrap();
    assert_eq!(
        prg,
        [
            0x00, 0xc0, 0xa2, 0x00, 0x8e, 0x20, 0xd0, 0xe8, 0xd0, 0xfa, 0x60
        ]
    );

    let listing = heirloom(&["disasm", dir.join("border.prg").to_str().unwrap()]);
    let text = String::from_utf8_lossy(&listing.stdout);
    assert!(text.contains("ldx #$00"), "{text}");
    assert!(text.contains("stx $d020"), "{text}");
    assert!(text.contains("bne $c002"), "{text}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn writes_a_basic_type_in_that_carries_the_program() {
    let dir = scratch("basic");
    let source = dir.join("border.s");
    std::fs::write(&source, BORDER).unwrap();
    let listing_path = dir.join("border.bas");
    let output = heirloom(&[
        "asm",
        source.to_str().unwrap(),
        "--basic-loader",
        "--entry",
        "start",
        "-o",
        listing_path.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let listing = std::fs::read_to_string(&listing_path).unwrap();
    assert!(listing.contains("SYS 49152"), "{listing}");
    // Each DATA line holds its bytes followed by that line's checksum.
    let bytes: Vec<u8> = listing
        .lines()
        .filter_map(|line| line.split_once("DATA"))
        .flat_map(|(_, values)| {
            let values: Vec<u32> = values
                .split(',')
                .map(|v| v.trim().parse().unwrap())
                .collect();
            values[..values.len() - 1]
                .iter()
                .map(|&v| u8::try_from(v).unwrap())
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(
        bytes,
        [0xa2, 0x00, 0x8e, 0x20, 0xd0, 0xe8, 0xd0, 0xfa, 0x60]
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn assembly_errors_name_file_line_and_column() {
    let dir = scratch("errors");
    let source = dir.join("bad.s");
    std::fs::write(&source, "* = $1000\n  lda missing\n  bne far\n").unwrap();
    let output = heirloom(&["asm", source.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let first = stderr.lines().next().unwrap();
    assert!(first.contains("bad.s:2:"), "{stderr}");
    assert!(first.contains("missing"), "{stderr}");
    assert!(
        stderr
            .lines()
            .last()
            .unwrap()
            .contains("assembly failed with"),
        "{stderr}"
    );
    assert!(
        !dir.join("bad.prg").exists(),
        "no output file after a failed assembly"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn disasm_refuses_a_file_too_short_for_a_prg() {
    let dir = scratch("short");
    let file = dir.join("one.prg");
    std::fs::write(&file, [0x01]).unwrap();
    let output = heirloom(&["disasm", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1);
    assert!(stderr.contains("too short for a .prg"), "{stderr}");
    std::fs::remove_dir_all(dir).unwrap();
}
