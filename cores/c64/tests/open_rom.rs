//! The machine on Heirloom's own open ROM: boot, the screen editor, program entry.

use heirloom_c64::{C64, RomSet};
use heirloom_shell::{AudioBuffer, Core, FrameIo, Framebuffer, InputState};

fn run(c64: &mut C64, frames: usize, text: &str) {
    let mut video = Framebuffer::default();
    let mut audio = AudioBuffer::new();
    let mut input = InputState {
        text: text.to_owned(),
        ..InputState::default()
    };
    for _ in 0..frames {
        c64.run_frame(&mut FrameIo {
            input: &input,
            video: &mut video,
            audio: &mut audio,
        });
        input.text.clear();
    }
}

#[test]
fn boots_to_ready_within_a_third_of_a_second() {
    let mut c64 = C64::new(RomSet::open_rom());
    // 0.3 s of emulated time is 15 PAL frames.
    run(&mut c64, 15, "");
    let screen = c64.screen_text().unwrap();
    let lines: Vec<&str> = screen.lines().collect();
    assert_eq!(
        lines[1], "    **** HEIRLOOM OPEN ROM BASIC ****",
        "{screen}"
    );
    assert_eq!(
        lines[3], " 64K RAM SYSTEM  38911 BASIC BYTES FREE",
        "{screen}"
    );
    assert_eq!(lines[5], "READY.", "{screen}");
}

#[test]
fn typed_lines_are_stored_and_listed() {
    let mut c64 = C64::new(RomSet::open_rom());
    run(&mut c64, 20, "");
    run(
        &mut c64,
        400,
        "10 PRINT\"HELLO\":GOTO10\n20 REM SECOND\nLIST\n",
    );
    let screen = c64.screen_text().unwrap();
    assert!(
        screen.contains("\nLIST\n\n10 PRINT\"HELLO\":GOTO10\n20 REM SECOND\nREADY."),
        "{screen}"
    );
    let mut program = [0u8; 8];
    c64.read_memory("ram", 0x0801, &mut program).unwrap();
    // Link, line number 10, PRINT token, then the quoted text.
    assert_eq!(program[2..5], [10, 0, 0x99]);
}

#[test]
fn a_200_line_listing_pastes_without_a_lost_key() {
    let mut c64 = C64::new(RomSet::open_rom());
    run(&mut c64, 20, "");
    let listing: String = (1..=200)
        .map(|line| format!("{line} REM LINE {line} OF THE LISTING\n"))
        .collect();
    run(&mut c64, 1_500, &listing);
    let mut ram = vec![0u8; 0x10000];
    c64.read_memory("ram", 0, &mut ram).unwrap();
    let word = |at: usize| usize::from(u16::from_le_bytes([ram[at], ram[at + 1]]));
    let mut address = word(0x2b);
    let mut lines = Vec::new();
    while word(address) != 0 {
        let text: Vec<u8> = ram[address + 4..]
            .iter()
            .copied()
            .take_while(|&b| b != 0)
            .collect();
        lines.push((word(address + 2), text));
        address = word(address);
    }
    assert_eq!(lines.len(), 200, "lines stored");
    for (index, (number, text)) in lines.iter().enumerate() {
        // The REM token, then the rest of the line as typed.
        let mut expected = vec![0x8f];
        expected.extend_from_slice(format!(" LINE {} OF THE LISTING", index + 1).as_bytes());
        assert_eq!(*number, index + 1);
        assert_eq!(text, &expected, "line {number}");
    }
}

/// Compares a frame with the golden picture `roms-test/c64/golden/NAME.png`.
fn assert_golden(name: &str, frame: &Framebuffer) {
    let path = heirloom_testkit::roms_test_dir().join(format!("c64/golden/{name}.png"));
    heirloom_testkit::golden::assert_png(&path, frame);
}

#[test]
fn the_boot_screen_matches_its_golden_picture() {
    let mut c64 = C64::new(RomSet::open_rom());
    let mut video = Framebuffer::default();
    let mut audio = AudioBuffer::new();
    // 15 frames: 0.3 s, with the cursor in its first, unblinked phase.
    for _ in 0..15 {
        c64.run_frame(&mut FrameIo {
            input: &InputState::default(),
            video: &mut video,
            audio: &mut audio,
        });
    }
    assert_golden("boot", &video);
}
