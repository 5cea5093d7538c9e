//! Test support: a ROM set made of the stand-in KERNAL from `roms-test/c64`, and an
//! assembler front for the test programs. Each test file uses part of it.
#![allow(dead_code)]

use heirloom_asm6502::{FsLoader, MemoryLoader, assemble};
use heirloom_c64::C64;
use heirloom_c64::RomSet;
use heirloom_shell::{AudioBuffer, Core, FrameIo, Framebuffer, InputState, Media};

/// Assembles the test program in the file at `path` (its `.include`s beside it) into a
/// `.prg`.
pub fn prg_file(path: &std::path::Path) -> Vec<u8> {
    let source = FsLoader::read_main(path).unwrap();
    assemble(&source.name, &source.text, &FsLoader)
        .unwrap_or_else(|errors| panic!("{errors}"))
        .to_prg()
}

/// Assembles `source` (a test program) into a `.prg`.
pub fn prg(source: &str) -> Vec<u8> {
    assemble("test.s", source, &MemoryLoader::new())
        .unwrap_or_else(|errors| panic!("{errors}"))
        .to_prg()
}

/// The stand-in KERNAL, an empty BASIC, and a character ROM whose character *n* has
/// every row equal to *n* (so pixels tell which character was drawn).
pub fn test_roms() -> RomSet {
    let path = heirloom_testkit::roms_test_dir().join("c64/test-kernal.s");
    let source = FsLoader::read_main(&path).unwrap();
    let kernal =
        assemble(&source.name, &source.text, &FsLoader).unwrap_or_else(|errors| panic!("{errors}"));
    assert_eq!((kernal.load_address, kernal.bytes.len()), (0xe000, 0x2000));
    let chargen: Vec<u8> = (0..4096).map(|i| (i / 8) as u8).collect();
    RomSet::from_files(
        "test ROMs",
        &[
            Media::new("kernal", kernal.bytes),
            Media::new("basic", vec![0; 0x2000]),
            Media::new("chargen", chargen),
        ],
    )
    .unwrap()
}

/// Runs `frames` frames of `c64` with `input` held, discarding the sound; the last picture.
pub fn run_frames(c64: &mut C64, frames: usize, input: &InputState) -> Framebuffer {
    let mut video = Framebuffer::default();
    let mut audio = AudioBuffer::new();
    for _ in 0..frames {
        c64.run_frame(&mut FrameIo {
            input,
            video: &mut video,
            audio: &mut audio,
        });
        audio.clear();
    }
    video
}
