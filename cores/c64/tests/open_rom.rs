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
        screen.contains("\nLIST\n\n10 PRINT\"HELLO\":GOTO10\n20 REM SECOND\n\nREADY."),
        "{screen}"
    );
    let mut program = [0u8; 8];
    c64.read_memory("ram", 0x0801, &mut program).unwrap();
    // Link, line number 10, PRINT token, then the quoted text.
    assert_eq!(program[2..5], [10, 0, 0x99]);
}
