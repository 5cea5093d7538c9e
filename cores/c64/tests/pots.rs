//! POTX/POTY on the control ports: the 1351 mouse and paddles, chosen with the `port1` and
//! `port2` options, read by a program that selects a port through CIA 1's PA6/PA7.

mod common;

use common::{prg, run_frames, test_roms};
use heirloom_6502::Bus;
use heirloom_c64::C64;
use heirloom_shell::state::encode;
use heirloom_shell::{Axis, Buttons, Core, Gamepad, InputState, Pointer, StateError};

/// Makes PA6/PA7 outputs, then forever: puts the selection in $03 on port A, and stores
/// POTX, POTY, $DC01 and $DC00 in $04–$07.
const READER: &str = "
* = $1000
        lda #$c0
        sta $dc02
loop:   lda $03
        sta $dc00
        lda $d419
        sta $04
        lda $d41a
        sta $05
        lda $dc01
        sta $06
        lda $dc00
        sta $07
        jmp loop
";

/// PA6 high: port 1's POT lines reach the SID.
const PORT1: u8 = 0x40;
/// PA7 high: port 2's.
const PORT2: u8 = 0x80;

/// A machine just switched on, its CPU sent to [`READER`] (interrupts masked since the
/// reset) with `select` in $03, and the control ports holding `port1` and `port2`.
fn reader(port1: &str, port2: &str, select: u8) -> C64 {
    let mut c64 = C64::new(test_roms());
    c64.set_option("port1", port1).unwrap();
    c64.set_option("port2", port2).unwrap();
    let program = prg(READER);
    c64.write_memory("ram", 0x1000, &program[2..]).unwrap();
    c64.write_memory("ram", 0x03, &[select]).unwrap();
    c64.machine_mut().cpu.pc = 0x1000;
    c64
}

fn select(c64: &mut C64, select: u8) {
    c64.write_memory("ram", 0x03, &[select]).unwrap();
}

/// What the program last read: POTX, POTY, $DC01, $DC00.
fn readings(c64: &C64) -> [u8; 4] {
    let mut bytes = [0; 4];
    c64.read_memory("ram", 0x04, &mut bytes).unwrap();
    bytes
}

fn pointer_at(x: f32, y: f32, buttons: u8) -> InputState {
    InputState {
        pointer: Pointer {
            position: Some((x, y)),
            buttons,
            wheel: 0.0,
        },
        ..InputState::default()
    }
}

fn pad(left_x: f32, right_x: f32, buttons: Buttons) -> InputState {
    let mut gamepad = Gamepad {
        connected: true,
        buttons,
        ..Gamepad::default()
    };
    gamepad.axes[Axis::LeftX as usize] = left_x;
    gamepad.axes[Axis::RightX as usize] = right_x;
    let mut input = InputState::default();
    input.gamepads[0] = gamepad;
    input
}

#[test]
fn the_mouse_in_port_1_reads_its_motion_mod_64_in_bits_1_to_6() {
    let mut c64 = reader("mouse", "joystick", PORT1);
    run_frames(&mut c64, 2, &pointer_at(100.0, 100.0, 0));
    assert_eq!(readings(&c64)[..2], [0, 0], "counters start at 0");
    // 30 right and 20 up: X counter 30, Y counter 20 (Y grows upwards).
    run_frames(&mut c64, 2, &pointer_at(130.0, 80.0, 0));
    assert_eq!(readings(&c64)[..2], [60, 40]);
    // 50 more right and 60 down: X 80 ≡ 16, Y -40 ≡ 24 (mod 64).
    run_frames(&mut c64, 2, &pointer_at(180.0, 140.0, 0));
    assert_eq!(readings(&c64)[..2], [32, 48]);
    // No button: $DC01 all high (nothing else pulls port B).
    assert_eq!(readings(&c64)[2], 0xff);
    // Left button is fire (bit 4), right button is up (bit 0).
    run_frames(&mut c64, 1, &pointer_at(180.0, 140.0, 1));
    assert_eq!(readings(&c64)[2], 0xef);
    run_frames(&mut c64, 1, &pointer_at(180.0, 140.0, 2));
    assert_eq!(readings(&c64)[2], 0xfe);
    run_frames(&mut c64, 1, &pointer_at(180.0, 140.0, 3));
    assert_eq!(readings(&c64)[2], 0xee);
}

#[test]
fn pa6_and_pa7_choose_the_port_the_sid_reads() {
    let mut c64 = reader("mouse", "paddles", PORT1);
    let input = InputState {
        gamepads: pad(1.0, 0.5, Buttons::NONE).gamepads,
        ..pointer_at(10.0, 10.0, 0)
    };
    run_frames(&mut c64, 2, &input);
    let moved = InputState {
        pointer: pointer_at(17.0, 5.0, 0).pointer,
        ..input.clone()
    };
    run_frames(&mut c64, 2, &moved);
    assert_eq!(readings(&c64)[..2], [14, 10], "port 1: the mouse");
    select(&mut c64, PORT2);
    run_frames(&mut c64, 2, &moved);
    assert_eq!(readings(&c64)[..2], [0, 64], "port 2: the paddles");
    select(&mut c64, 0);
    run_frames(&mut c64, 2, &moved);
    assert_eq!(
        readings(&c64)[..2],
        [0xff, 0xff],
        "no port: nothing connected"
    );
    // Both: the mouse pulls each line up no later than the paddle would.
    select(&mut c64, PORT1 | PORT2);
    run_frames(&mut c64, 2, &moved);
    assert_eq!(readings(&c64)[..2], [0, 10]);
    // A port holding a joystick leaves its lines open.
    let mut c64 = reader("joystick", "joystick", PORT2);
    run_frames(&mut c64, 2, &input);
    assert_eq!(readings(&c64)[..2], [0xff, 0xff]);
}

#[test]
fn the_sid_latches_a_new_selection_only_at_the_end_of_its_512_cycle_period() {
    let mut c64 = reader("joystick", "paddles", PORT2);
    run_frames(&mut c64, 2, &pad(0.0, 0.0, Buttons::NONE));
    assert_eq!(c64.machine_mut().board.sid.read(0x19), 128);
    // Port 1 (open) selected right after a latch: the old value stands 511 cycles more
    // (each read of RAM is one cycle of the machine).
    let board = &mut c64.machine_mut().board;
    while board.cycles % 512 != 1 {
        board.read(0x0002);
    }
    board.cia1.write(0, PORT1);
    for _ in 0..510 {
        board.read(0x0002);
    }
    assert_eq!(board.sid.read(0x19), 128);
    board.read(0x0002);
    assert_eq!(board.cycles % 512, 0);
    assert_eq!(board.sid.read(0x19), 0xff);
}

#[test]
fn paddles_read_255_left_to_0_right_with_their_buttons_on_left_and_right() {
    // The first gamepad plays in port 2 (joyport's default).
    let mut c64 = reader("joystick", "paddles", PORT2);
    // The first paddle on the left stick, the second on the right stick turned opposite.
    for (axis, values) in [(-1.0, [255, 0]), (0.0, [128, 128]), (1.0, [0, 255])] {
        run_frames(&mut c64, 2, &pad(axis, -axis, Buttons::NONE));
        assert_eq!(readings(&c64)[..2], values, "axis {axis}");
    }
    // Port 2's lines read on $DC00: the paddles' buttons are left (bit 2) and right (3);
    // PA6/PA7 read as driven.
    assert_eq!(readings(&c64)[3], 0xbf);
    run_frames(&mut c64, 1, &pad(0.0, 0.0, Buttons::SOUTH));
    assert_eq!(readings(&c64)[3], 0xbb);
    run_frames(&mut c64, 1, &pad(0.0, 0.0, Buttons::EAST));
    assert_eq!(readings(&c64)[3], 0xb7);
    // With joyport 1 the first gamepad turns port 1's paddles instead.
    let mut c64 = reader("paddles", "joystick", PORT1);
    c64.set_option("joyport", "1").unwrap();
    run_frames(&mut c64, 2, &pad(1.0, -1.0, Buttons::SOUTH));
    assert_eq!(readings(&c64)[..3], [0, 255, 0xfb]);
    assert_eq!(c64.option("port1").unwrap(), "paddles");
    assert_eq!(c64.option("port2").unwrap(), "joystick");
    assert!(c64.set_option("port2", "lightpen").is_err());
}

/// The pointer's path in the replay: a frame's position and buttons.
fn path(frame: usize) -> InputState {
    let step = frame as f32;
    pointer_at(50.0 + step * 7.0, 200.0 - step * 5.0, (frame % 4) as u8)
}

#[test]
fn a_state_saved_mid_way_replays_identically() {
    let mut c64 = reader("mouse", "joystick", PORT1);
    for frame in 0..5 {
        run_frames(&mut c64, 1, &path(frame));
    }
    let state = c64.save_state();
    let mut recorded = Vec::new();
    for frame in 5..15 {
        run_frames(&mut c64, 1, &path(frame));
        recorded.push(readings(&c64));
    }
    // A fresh machine (its mouse elsewhere) takes the state and replays the same input.
    let mut replay = reader("mouse", "joystick", PORT1);
    run_frames(&mut replay, 3, &pointer_at(300.0, 10.0, 0));
    replay.load_state(&state).unwrap();
    let mut replayed = Vec::new();
    for frame in 5..15 {
        run_frames(&mut replay, 1, &path(frame));
        replayed.push(readings(&replay));
    }
    assert_eq!(replayed, recorded);
    assert_eq!(replay.save_state(), c64.save_state());
    // The mouse moved: the readings are not all one value.
    assert!(recorded.windows(2).any(|pair| pair[0][..2] != pair[1][..2]));
}

#[test]
fn a_state_of_the_previous_format_is_refused() {
    let mut c64 = reader("mouse", "joystick", PORT1);
    let old = encode("c64", 3, &[0; 16]);
    assert!(matches!(
        c64.load_state(&old),
        Err(StateError::Version {
            found: 3,
            expected: 4,
            ..
        })
    ));
}
