//! Driving the open ROM as a person would: frames with typed text, commands typed in
//! direct mode, and what they printed on the screen.

use heirloom_c64::{C64, RomSet};
use heirloom_shell::{AudioBuffer, Core, FrameIo, Framebuffer, InputState};

/// Runs `count` frames, typing `text` in the first.
pub fn frames(c64: &mut C64, count: usize, text: &str) {
    let mut video = Framebuffer::default();
    let mut audio = AudioBuffer::new();
    let mut input = InputState {
        text: text.to_owned(),
        ..InputState::default()
    };
    for _ in 0..count {
        c64.run_frame(&mut FrameIo {
            input: &input,
            video: &mut video,
            audio: &mut audio,
        });
        input.text.clear();
    }
}

/// A C64 on the open ROM, booted to `READY.`.
pub fn booted() -> C64 {
    let mut c64 = C64::new(RomSet::open_rom());
    frames(&mut c64, 20, "");
    c64
}

/// Types `text` (4 frames a character), then runs until the screen ends in `READY.`
/// (at most `limit` more frames); the screen.
pub fn session(c64: &mut C64, text: &str, limit: usize) -> String {
    frames(c64, 10 + 4 * text.chars().count(), text);
    for _ in 0..limit / 5 {
        let screen = c64.screen_text().unwrap();
        if screen.trim_end().ends_with("READY.") {
            break;
        }
        frames(c64, 5, "");
    }
    c64.screen_text().unwrap()
}

/// What a program or command printed: the screen between the last line typed (`after`)
/// and the `READY.` that follows it.
pub fn output_after(screen: &str, after: &str) -> String {
    // The keyboard's up-arrow key types `^`, shown as an arrow.
    let after = &after.replace('^', "↑");
    let start = screen
        .rfind(&format!("{after}\n"))
        .unwrap_or_else(|| panic!("no {after:?} on the screen:\n{screen}"))
        + after.len()
        + 1;
    let rest = &screen[start..];
    let end = rest
        .find("READY.")
        .unwrap_or_else(|| panic!("no READY. after {after:?}:\n{screen}"));
    rest[..end].to_owned()
}

/// Types a command in direct mode; what it printed.
pub fn direct(c64: &mut C64, command: &str) -> String {
    let screen = session(c64, &format!("{command}\n"), 3_000);
    output_after(&screen, command)
}
