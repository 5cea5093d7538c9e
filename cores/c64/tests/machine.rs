//! The whole machine running real 6502 code: boot, video output, autostart, the debug
//! cartridge, the keyboard, interrupts and save states.

mod common;

use common::{prg, run_frames, test_roms};
use heirloom_c64::C64;
use heirloom_shell::{AudioBuffer, Core, FrameIo, Framebuffer, InputState, Key, Media};

const LIGHT_BLUE: [u8; 4] = [0x6c, 0x5e, 0xb5, 0xff];
const BLUE: [u8; 4] = [0x35, 0x28, 0x79, 0xff];

#[test]
fn boots_the_rom_and_shows_its_screen() {
    let mut c64 = C64::new(test_roms());
    let picture = run_frames(&mut c64, 3, &InputState::default());
    let text = c64.screen_text().unwrap();
    assert!(text.starts_with("READY.\n"), "{text:?}");
    assert_eq!((picture.width(), picture.height()), (384, 272));
    assert_eq!(picture.pixel(0, 0), LIGHT_BLUE, "border");
    // The display window starts 32 pixels right and 35 lines down of the visible area's
    // corner: the last row of `R` (screen code 18, every row 18 = %00010010) in the
    // first character cell.
    let row = 35 + 7;
    let pixels: Vec<bool> = (32..40)
        .map(|x| picture.pixel(x, row) == LIGHT_BLUE)
        .collect();
    assert_eq!(
        pixels,
        [false, false, false, true, false, false, true, false]
    );
    assert_eq!(
        picture.pixel(32 + 8 * 10, row),
        BLUE,
        "an empty cell shows the background"
    );
}

#[test]
fn autostarts_a_program_and_ends_through_the_debug_cartridge() {
    let mut c64 = C64::new(test_roms());
    c64.set_option("debugcart", "on").unwrap();
    let program = prg("* = $c000\n jmp start\nstart: lda #42\n sta $d7ff\nloop: jmp loop\n");
    c64.load(Media::new("exit.prg", program)).unwrap();
    run_frames(&mut c64, 10, &InputState::default());
    assert_eq!(c64.exit_code(), Some(42));
}

/// A program that scans the keyboard column of `A` (column 1) forever and stores the rows
/// read at $C100.
const SCAN: &str = "
* = $c000
        jmp start
start:  lda #$ff
        sta $dc02
        lda #$00
        sta $dc03
        lda #%11111101
        sta $dc00
loop:   lda $dc01
        sta $c100
        jmp loop
";

#[test]
fn a_held_key_reads_through_the_cia_matrix() {
    let mut c64 = C64::new(test_roms());
    c64.load(Media::new("scan.prg", prg(SCAN))).unwrap();
    // Long enough for the autostart to finish typing SYS49152 and RETURN.
    run_frames(&mut c64, 60, &InputState::default());
    let mut row = [0];
    c64.read_memory("ram", 0xc100, &mut row).unwrap();
    assert_eq!(row[0], 0xff, "nothing held");
    let mut input = InputState::default();
    input.keys.set(Key::KeyA, true);
    input.keys.set(Key::KeyS, true);
    run_frames(&mut c64, 2, &input);
    c64.read_memory("ram", 0xc100, &mut row).unwrap();
    assert_eq!(
        row[0],
        !(0b0000_0100 | 0b0010_0000),
        "A (row 2) and S (row 5) held"
    );
}

/// A raster interrupt on line $80 whose handler counts interrupts at $C100 and stores the
/// raster line it finds at $C101.
const RASTER: &str = "
* = $c000
        jmp start
start:  sei
        lda #<handler
        sta $0314
        lda #>handler
        sta $0315
        lda #$80
        sta $d012
        lda $d011
        and #$7f
        sta $d011
        lda #$01
        sta $d01a
        cli
loop:   jmp loop
handler:
        lda $d012
        sta $c101
        inc $c100
        lda #$01
        sta $d019
        rti
";

#[test]
fn a_raster_interrupt_fires_once_a_frame_on_its_line() {
    let mut c64 = C64::new(test_roms());
    c64.load(Media::new("raster.prg", prg(RASTER))).unwrap();
    run_frames(&mut c64, 5, &InputState::default());
    let mut before = [0; 2];
    c64.read_memory("ram", 0xc100, &mut before).unwrap();
    run_frames(&mut c64, 10, &InputState::default());
    let mut after = [0; 2];
    c64.read_memory("ram", 0xc100, &mut after).unwrap();
    assert_eq!(
        after[0].wrapping_sub(before[0]),
        10,
        "one interrupt per frame"
    );
    assert_eq!(after[1], 0x80, "the handler runs on line $80");
}

/// A program whose picture changes every frame: the border colour steps on every raster
/// line (312 lines a frame, so consecutive frames start on different colours).
const COLOURS: &str = "
* = $c000
        jmp start
start:  inc $d020
        ldx $d012
wait:   cpx $d012
        beq wait
        jmp start
";

#[test]
fn a_state_loaded_mid_run_replays_bit_identically() {
    let mut c64 = C64::new(test_roms());
    c64.load(Media::new("colours.prg", prg(COLOURS))).unwrap();
    run_frames(&mut c64, 20, &InputState::default());
    let state = c64.save_state();
    let mut first = Vec::new();
    for _ in 0..10 {
        first.push(run_frames(&mut c64, 1, &InputState::default()));
    }
    let mut other = C64::new(test_roms());
    other.load_state(&state).unwrap();
    for (frame, expected) in first.iter().enumerate() {
        let replayed = run_frames(&mut other, 1, &InputState::default());
        assert!(
            &replayed == expected,
            "frame {frame} differs after loading the state"
        );
    }
    assert!(
        first[0] != first[1],
        "the program makes every frame different"
    );
}

#[test]
fn foreign_corrupt_and_other_rom_states_are_refused() {
    let mut c64 = C64::new(test_roms());
    run_frames(&mut c64, 5, &InputState::default());
    let good = c64.save_state();
    let before = c64.save_state();

    let mut corrupt = good.clone();
    corrupt[1000] ^= 1;
    assert!(
        c64.load_state(&corrupt)
            .unwrap_err()
            .to_string()
            .contains("checksum")
    );
    let foreign = heirloom_shell::StateWriter::new("wasm-app", 1)
        .u8(0)
        .finish();
    assert_eq!(
        c64.load_state(&foreign).unwrap_err().to_string(),
        "save state is for the `wasm-app` core, not `c64`"
    );
    let mut other_roms = test_roms();
    other_roms.basic[0] = 1;
    let mut stranger = C64::new(other_roms);
    assert!(
        stranger
            .load_state(&good)
            .unwrap_err()
            .to_string()
            .contains("other ROM images")
    );
    assert_eq!(
        c64.save_state(),
        before,
        "refused states left the machine as it was"
    );
}

/// A program that plays a 1 kHz sawtooth on voice 1 at full volume.
const TONE: &str = "
* = $c000
        jmp start
start:  lda #15
        sta $d418
        lda #$84
        sta $d400
        lda #$42
        sta $d401
        lda #$00
        sta $d405
        lda #$f0
        sta $d406
        lda #$21
        sta $d404
loop:   jmp loop
";

#[test]
fn the_sid_plays_what_the_program_asks_for() {
    let mut c64 = C64::new(test_roms());
    c64.load(Media::new("tone.prg", prg(TONE))).unwrap();
    run_frames(&mut c64, 50, &InputState::default());
    let mut video = Framebuffer::default();
    let mut audio = AudioBuffer::new();
    for _ in 0..50 {
        c64.run_frame(&mut FrameIo {
            input: &InputState::default(),
            video: &mut video,
            audio: &mut audio,
        });
    }
    let left: Vec<f32> = audio.samples.chunks_exact(2).map(|pair| pair[0]).collect();
    let seconds = left.len() as f32 / 48_000.0;
    assert!(
        (seconds - 50.0 * 19_656.0 / 985_248.0).abs() < 0.01,
        "{seconds} s of sound for 50 frames"
    );
    let mean = left.iter().sum::<f32>() / left.len() as f32;
    let rms =
        (left.iter().map(|s| (s - mean) * (s - mean)).sum::<f32>() / left.len() as f32).sqrt();
    assert!(rms > 0.05, "the tone is too quiet: rms {rms}");
    let crossings = left
        .windows(2)
        .filter(|w| w[0] < mean && w[1] >= mean)
        .count() as f32
        / seconds;
    assert!(
        (crossings - 1_000.0).abs() < 20.0,
        "the tone is at {crossings} Hz, not 1 kHz"
    );
}
