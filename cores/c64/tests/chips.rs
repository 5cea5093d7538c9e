//! The chips of the machine checked by small programs of the project's own
//! (`roms-test/c64/chips/*.s`, assembled at test time and run on the stand-in KERNAL):
//! raster interrupt timing, the cycles bad lines and sprite DMA steal, the collision
//! registers, the CIA timers and TOD alarm, the keyboard matrix, and golden pictures of
//! every display mode, opened borders and a sprite multiplexer.
//!
//! Results are read back from RAM through the core's `ram` memory region. Pictures are
//! compared exactly with `roms-test/c64/golden/chips/NAME.png`; run with
//! `HEIRLOOM_UPDATE_GOLDEN=1` (never under CI) to write them again instead, then look at
//! them before committing.

mod common;

use common::{prg_file, run_frames, test_roms};
use heirloom_c64::C64;
use heirloom_shell::{Core, Framebuffer, InputState, Key, Media};

/// Assembles `roms-test/c64/chips/NAME.s`, loads it and runs `frames` frames with
/// `input`, returning the machine and its last picture.
fn run_program(name: &str, frames: usize, input: &InputState) -> (C64, Framebuffer) {
    let path = heirloom_testkit::roms_test_dir().join(format!("c64/chips/{name}.s"));
    let mut c64 = C64::new(test_roms());
    c64.load(Media::new(format!("{name}.prg"), prg_file(&path)))
        .unwrap();
    let video = run_frames(&mut c64, frames, input);
    (c64, video)
}

/// Reads `N` bytes of RAM from $C100 on, the programs' result area.
fn results<const N: usize>(c64: &C64) -> [u8; N] {
    let mut bytes = [0; N];
    c64.read_memory("ram", 0xc100, &mut bytes).unwrap();
    bytes
}

/// Asserts that the program has stored its end marker ($AA at $C1FF).
fn assert_finished(c64: &C64, name: &str) {
    let mut marker = [0];
    c64.read_memory("ram", 0xc1ff, &mut marker).unwrap();
    assert_eq!(marker[0], 0xaa, "{name} did not finish");
}

/// Compares a frame with `roms-test/c64/golden/chips/NAME.png`.
fn assert_golden(name: &str, frame: &Framebuffer) {
    let path = heirloom_testkit::roms_test_dir().join(format!("c64/golden/chips/{name}.png"));
    heirloom_testkit::golden::assert_png(&path, frame);
}

/// The elapsed cycles of a one-shot timer started at $FFFF, from its stored (low, high).
fn timer(low: u8, high: u8) -> u16 {
    0xffff - u16::from_le_bytes([low, high])
}

#[test]
fn a_raster_interrupt_starts_its_handler_seven_cycles_after_the_nop_in_progress() {
    let (c64, _) = run_program("rasterirq", 10, &InputState::default());
    assert_finished(&c64, "rasterirq");
    let [at_sync, in_handler] = results(&c64);
    // The timer counts down once a cycle with a period of 63, so position + value is the
    // same (mod 63) everywhere; the sync read is at position 7 of its line.
    let constant = (7 + u32::from(at_sync)) % 63;
    let read = (constant + 63 - u32::from(in_handler)) % 63;
    // LDA absolute reads on its fourth cycle: the handler's first cycle is three earlier.
    let start = read - 3;
    // The interrupt is raised on position 0 of line $80, the cycle $D012 first reads $80.
    // If that is a NOP's first cycle, the NOP ends (position 1) and the seven-cycle
    // interrupt sequence runs at 2-8: the handler starts at 9. If it is a NOP's second
    // cycle, the IRQ is seen during the next NOP (1-2), the sequence runs at 3-9: 10.
    assert!(
        start == 9 || start == 10,
        "the handler starts on cycle {start} of the interrupt's line"
    );
}

#[test]
fn bad_lines_and_sprite_dma_steal_their_cycles() {
    let (c64, _) = run_program("badline", 10, &InputState::default());
    assert_finished(&c64, "badline");
    let [on_lo, on_hi, off_lo, off_hi, sprites_lo, sprites_hi] = results(&c64);
    let (on, off, sprites) = (
        timer(on_lo, on_hi),
        timer(off_lo, off_hi),
        timer(sprites_lo, sprites_hi),
    );
    // A bad line pulls BA low in cycle 12 and the c-accesses run in cycles 15-54: a CPU
    // doing only reads (the DEY/BNE loop) stops from cycle 12 to 54, 40 + 3 cycles.
    assert_eq!(on - off, 43, "bad line: {on} cycles, blanked: {off}");
    // Eight sprites: BA low from cycle 55 (three cycles before sprite 0's p-access in
    // 58) to the end of sprite 7's s-accesses in cycle 10 of the next line: 8 x 2 + 3
    // = 19 cycles a line. The 191-cycle loop, started after line $32's cycle 10 (the CPU
    // is held until then by line $31's sprite DMA), stretches over the DMA of lines $32,
    // $33, $34 and $35 and ends on line $36 after cycle 10: 4 x 19 cycles.
    assert_eq!(sprites - off, 4 * 19, "8 sprites: {sprites}, none: {off}");
}

#[test]
fn collisions_latch_their_registers_and_interrupt_flags() {
    let (c64, _) = run_program("collide", 10, &InputState::default());
    assert_finished(&c64, "collide");
    let [sprites, background, flags, sprites_again, background_again] = results(&c64);
    assert_eq!(sprites, 0b011, "$D01E: sprites 0 and 1 touch, 2 is alone");
    assert_eq!(
        background, 0b011,
        "$D01F: sprites 0 and 1 cover characters, 2 only background"
    );
    // Bit 7 (an enabled source is set), bit 2 (sprite-sprite), bit 1 (sprite-background);
    // bits 4-6 are unconnected and read 1; bit 0 (raster) is not looked at.
    assert_eq!(flags & 0xfe, 0xf6, "$D019 = {flags:#04x}");
    assert_eq!(
        (sprites_again, background_again),
        (0, 0),
        "reading the collision registers clears them"
    );
}

#[test]
fn cia_timers_cascade_and_the_tod_alarm_fires() {
    let (c64, _) = run_program("cia", 80, &InputState::default());
    assert_finished(&c64, "cia");
    let [
        one_shot_icr,
        one_shot_cra,
        continuous_cra,
        b_lo,
        b_hi,
        cascade_icr,
        frames,
        tenths,
        seconds,
        minutes,
        hours,
    ] = results(&c64);
    assert_eq!(one_shot_icr, 0x01, "timer A underflowed: ICR bit 0");
    assert_eq!(
        one_shot_cra, 0x08,
        "a one-shot timer clears its start bit, keeps the one-shot bit"
    );
    assert_eq!(continuous_cra, 0x01, "a continuous timer keeps running");
    assert_eq!(
        u16::from_le_bytes([b_lo, b_hi]),
        0xffff - 100,
        "timer B counted 100 underflows of A in about 10,070 cycles"
    );
    assert_eq!(cascade_icr, 0x01, "A underflowed, B did not");
    assert_eq!(
        (hours, minutes, seconds, tenths),
        (0, 0, 1, 0),
        "the alarm fires at 00:00:01.0"
    );
    // One second of the 50 Hz TOD input is 985,248 cycles, 50.12 frames of 19,656: the
    // program counts 50 or 51 frame ends depending on where in the frame it set the time.
    assert!((50..=51).contains(&frames), "{frames} frames");
}

#[test]
fn two_held_keys_read_back_through_the_matrix() {
    let mut input = InputState::default();
    input.keys.set(Key::KeyA, true);
    input.keys.set(Key::Digit1, true);
    let (c64, _) = run_program("keyboard", 5, &input);
    let rows: [u8; 8] = results(&c64);
    // A is column 1, row 2; 1 is column 7, row 0. No other column sees a key.
    assert_eq!(
        rows,
        [0xff, !0b100, 0xff, 0xff, 0xff, 0xff, 0xff, !0b1],
        "rows read per column"
    );
}

#[test]
fn display_modes_match_their_golden_pictures() {
    for name in ["text", "mctext", "ecm", "bitmap", "mcbitmap", "invalid"] {
        let (_, picture) = run_program(name, 5, &InputState::default());
        assert_golden(name, &picture);
    }
}

#[test]
fn opened_borders_show_a_sprite_in_the_border() {
    let (_, picture) = run_program("border", 5, &InputState::default());
    assert_golden("border", &picture);
}

#[test]
fn a_multiplexer_shows_sixteen_sprites() {
    let (_, picture) = run_program("mux", 5, &InputState::default());
    assert_golden("mux", &picture);
}
