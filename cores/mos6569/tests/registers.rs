//! Register file: read-back values, unused bits, mirrors.

mod common;
use common::*;
use heirloom_vic2::Vic;

#[test]
fn unused_bits_read_as_one() {
    let mut vic = Vic::new();
    for reg in 0..0x40u8 {
        vic.write(reg, 0);
    }
    let expected: [(u8, u8); 12] = [
        (0x16, 0xc0),
        (0x18, 0x01),
        (0x19, 0x70),
        (0x1a, 0xf0),
        (0x20, 0xf0),
        (0x2e, 0xf0),
        (0x2f, 0xff),
        (0x3f, 0xff),
        (0x15, 0x00),
        (0x1e, 0x00),
        (0x13, 0x00),
        (0x00, 0x00),
    ];
    for (reg, value) in expected {
        assert_eq!(vic.peek(reg), value, "register {reg:#04x}");
    }
    for reg in 0..0x40u8 {
        vic.write(reg, 0xff);
    }
    let mut mem = Mem::new();
    run_to(&mut vic, &mut mem, 5, 10);
    assert_eq!(vic.read(0x00), 0xff);
    assert_eq!(vic.read(0x10), 0xff);
    assert_eq!(vic.read(0x11), 0x7f); // raster bit 8 clear in line 5
    assert_eq!(vic.read(0x12), 5);
    assert_eq!(vic.read(0x16), 0xff);
    assert_eq!(vic.read(0x18), 0xff);
    assert_eq!(vic.read(0x1a), 0xff);
    assert_eq!(vic.read(0x21), 0xff);
    // Writes to the collision and light pen registers change nothing.
    assert_eq!(vic.read(0x1e), 0x00);
    assert_eq!(vic.read(0x13), 0x00);
}

#[test]
fn registers_repeat_every_64_bytes() {
    let mut vic = Vic::new();
    vic.write(0x60, 7); // $D020 through the mirror at $D060
    assert_eq!(vic.peek(0x20), 0xf7);
    assert_eq!(vic.peek(0xe0), 0xf7);
    vic.write(0xc1, 99);
    assert_eq!(vic.peek(0x01), 99);
}

#[test]
fn sprite_collisions_happen_outside_the_visible_area() {
    // Two overlapping sprites at X = 400, beyond the right edge of the buffer.
    let (mut vic, mut mem) = text_setup();
    vic.write(0x15, 0x03);
    vic.write(0x10, 0x03);
    vic.write(0x00, (400 - 256) as u8);
    vic.write(0x02, (404 - 256) as u8);
    vic.write(0x01, 100);
    vic.write(0x03, 100);
    mem.bank[0x07f8] = 0x80;
    mem.bank[0x07f9] = 0x80;
    mem.bank[0x2000..0x2040].fill(0xff);
    run_frame(&mut vic, &mut mem);
    assert_eq!(vic.read(0x1e), 0x03);
    assert_eq!(vic.read(0x1f), 0x00);
}

#[test]
fn reset_clears_registers_and_restarts_the_frame() {
    let (mut vic, mut mem) = text_setup();
    run_frame(&mut vic, &mut mem);
    run_to(&mut vic, &mut mem, 100, 10);
    vic.reset();
    assert_eq!(vic.frame(), 1);
    assert_eq!(vic.peek(0x20), 0xf0);
    assert_eq!(vic.peek(0x11), 0x80); // raster 311 until the first tick
    vic.tick(&mut mem);
    assert_eq!((vic.raster(), vic.cycle()), (0, 1));
    assert!(format!("{vic:?}").len() < 4000);
}
