//! Sprites: position, expansion, multicolour, priority, collisions; light pen.

mod common;
use common::*;
use heirloom_vic2::Vic;

/// Text setup with sprite 0 at (x, y), colour 1, data at `$2000` (pointer `$80`), every
/// row `row`.
fn sprite_setup(x: u16, y: u8, row: [u8; 3]) -> (Vic, Mem) {
    let (mut vic, mut mem) = text_setup();
    vic.write(0x15, 0x01);
    vic.write(0x00, x as u8);
    vic.write(0x10, (x >> 8) as u8);
    vic.write(0x01, y);
    vic.write(0x27, 1);
    mem.bank[0x07f8] = 0x80;
    for r in 0..21 {
        mem.bank[0x2000 + 3 * r..0x2003 + 3 * r].copy_from_slice(&row);
    }
    (vic, mem)
}

fn frames(vic: &mut Vic, mem: &mut Mem, n: usize) {
    for _ in 0..n {
        run_frame(vic, mem);
    }
}

#[test]
fn sprite_appears_one_line_below_its_y_at_its_x() {
    for x in [100u16, 300] {
        let (mut vic, mut mem) = sprite_setup(x, 100, [0x80, 0x00, 0x01]);
        frames(&mut vic, &mut mem, 2);
        let x = i32::from(x);
        for line in 101..=121 {
            assert_eq!(pixels(&vic, line, x - 1, 3), [6, 1, 6], "line {line}");
            assert_eq!(pixels(&vic, line, x + 22, 3), [6, 1, 6], "line {line}");
        }
        assert_eq!(pixel(&vic, 100, x), 6);
        assert_eq!(pixel(&vic, 122, x), 6);
    }
}

#[test]
fn expansion_doubles_width_and_height() {
    let (mut vic, mut mem) = sprite_setup(100, 100, [0x80, 0x00, 0x01]);
    vic.write(0x1d, 0x01);
    vic.write(0x17, 0x01);
    frames(&mut vic, &mut mem, 2);
    for line in 101..=142 {
        assert_eq!(pixels(&vic, line, 99, 4), [6, 1, 1, 6], "line {line}");
        assert_eq!(pixels(&vic, line, 145, 4), [6, 1, 1, 6], "line {line}");
    }
    assert_eq!(pixel(&vic, 143, 100), 6);
    assert_eq!(pixel(&vic, 100, 100), 6);
}

#[test]
fn y_expansion_repeats_each_row() {
    let (mut vic, mut mem) = sprite_setup(100, 100, [0, 0, 0]);
    for r in 0..21 {
        mem.bank[0x2000 + 3 * r] = if r % 2 == 0 { 0x80 } else { 0x40 };
    }
    vic.write(0x17, 0x01);
    frames(&mut vic, &mut mem, 2);
    for r in 0..21u16 {
        let x = if r % 2 == 0 { 100 } else { 101 };
        for line in [101 + 2 * r, 102 + 2 * r] {
            assert_eq!(pixel(&vic, line, x), 1, "row {r} line {line}");
        }
    }
}

#[test]
fn multicolour_sprite_pairs() {
    let (mut vic, mut mem) = sprite_setup(100, 100, [0b01_10_11_00, 0, 0]);
    vic.write(0x1c, 0x01);
    vic.write(0x25, 2);
    vic.write(0x26, 3);
    frames(&mut vic, &mut mem, 2);
    assert_eq!(pixels(&vic, 110, 100, 8), [2, 2, 1, 1, 3, 3, 6, 6]);
    vic.write(0x1d, 0x01);
    frames(&mut vic, &mut mem, 1);
    assert_eq!(
        pixels(&vic, 110, 100, 16),
        [2, 2, 2, 2, 1, 1, 1, 1, 3, 3, 3, 3, 6, 6, 6, 6]
    );
}

#[test]
fn priority_puts_the_sprite_behind_foreground_pixels() {
    let (mut vic, mut mem) = sprite_setup(24, 50, [0xff, 0, 0]);
    mem.bank[0x1008] = 0xf0;
    mem.bank[0x0400] = 1;
    mem.colour[0] = 7;
    frames(&mut vic, &mut mem, 2);
    assert_eq!(pixels(&vic, 51, 24, 8), [1; 8]);
    vic.write(0x1b, 0x01);
    frames(&mut vic, &mut mem, 1);
    assert_eq!(pixels(&vic, 51, 24, 8), [7, 7, 7, 7, 1, 1, 1, 1]);
}

#[test]
fn lower_sprite_numbers_are_in_front_and_the_border_covers_sprites() {
    let (mut vic, mut mem) = sprite_setup(100, 100, [0xff, 0xff, 0xff]);
    vic.write(0x15, 0x03);
    vic.write(0x02, 110);
    vic.write(0x03, 100);
    vic.write(0x28, 5);
    mem.bank[0x07f9] = 0x80;
    frames(&mut vic, &mut mem, 2);
    assert_eq!(pixels(&vic, 105, 98, 4), [6, 6, 1, 1]);
    assert_eq!(pixel(&vic, 105, 120), 1);
    assert_eq!(pixel(&vic, 105, 124), 5);
    assert_eq!(pixel(&vic, 105, 133), 5);

    let (mut vic, mut mem) = sprite_setup(4, 100, [0xff, 0xff, 0xff]);
    frames(&mut vic, &mut mem, 2);
    assert_eq!(pixels(&vic, 105, 20, 8), [14, 14, 14, 14, 1, 1, 1, 1]);
}

#[test]
fn collisions_latch_bits_and_interrupt_once_until_read() {
    let (mut vic, mut mem) = sprite_setup(100, 100, [0xff, 0, 0]);
    vic.write(0x15, 0x05);
    vic.write(0x04, 104);
    vic.write(0x05, 100);
    mem.bank[0x07fa] = 0x80;
    vic.write(0x1a, 0x04);
    run_to(&mut vic, &mut mem, 100, 63);
    vic.write(0x19, 0xff);
    assert!(!vic.irq());
    assert_eq!(vic.peek(0x1e), 0);
    run_to(&mut vic, &mut mem, 102, 1);
    assert!(vic.irq());
    assert_eq!(vic.read(0x19), 0xf4);
    assert_eq!(vic.peek(0x1f), 0);
    vic.write(0x19, 0x04);
    // Further collisions in this and the next frame: no new interrupt while $D01E ≠ 0.
    run_frame(&mut vic, &mut mem);
    run_to(&mut vic, &mut mem, 110, 1);
    assert!(!vic.irq());
    assert_eq!(vic.read(0x1e), 0x05);
    assert_eq!(vic.read(0x1e), 0x00);
    // Cleared by the read: the next collision interrupts again.
    run_to(&mut vic, &mut mem, 112, 1);
    assert!(vic.irq());
    assert_eq!(vic.peek(0x1e), 0x05);
}

#[test]
fn sprite_background_collision() {
    let (mut vic, mut mem) = sprite_setup(28, 50, [0x80, 0, 0]);
    mem.bank[0x1008] = 0x08; // pixel at X = 28 in every row
    mem.bank[0x0400] = 1;
    vic.write(0x1a, 0x02);
    run_to(&mut vic, &mut mem, 50, 63);
    vic.write(0x19, 0xff);
    assert_eq!(vic.peek(0x1f), 0);
    run_to(&mut vic, &mut mem, 52, 1);
    assert_eq!(vic.peek(0x1f), 0x01);
    assert_eq!(vic.peek(0x1e), 0);
    assert!(vic.irq());
    assert_eq!(vic.read(0x19) & 0x0f, 0x02);
    // A sprite on background pixels only does not collide.
    let (mut vic, mut mem) = sprite_setup(29, 50, [0x80, 0, 0]);
    mem.bank[0x1008] = 0x08;
    mem.bank[0x0400] = 1;
    frames(&mut vic, &mut mem, 2);
    assert_eq!(vic.peek(0x1f), 0);
}

#[test]
fn disabled_sprites_do_no_dma_and_show_nothing() {
    let (mut vic, mut mem) = sprite_setup(100, 100, [0xff, 0xff, 0xff]);
    vic.write(0x15, 0x00);
    frames(&mut vic, &mut mem, 2);
    assert!(pixels(&vic, 110, 90, 40).iter().all(|&p| p == 6));
}

#[test]
fn light_pen_latches_once_per_frame() {
    let (mut vic, mut mem) = text_setup();
    vic.write(0x1a, 0x08);
    run_to(&mut vic, &mut mem, 120, 40);
    vic.set_light_pen(true);
    assert!(!vic.irq());
    vic.tick(&mut mem);
    // Latched in cycle 41: X = $DC (Bauer), halved, plus 2.
    assert_eq!(vic.read(0x13), 0xdc / 2 + 2);
    assert_eq!(vic.read(0x14), 120);
    assert!(vic.irq());
    vic.write(0x19, 0x08);
    vic.set_light_pen(false);
    // A second pulse in the same frame is ignored.
    run_to(&mut vic, &mut mem, 130, 20);
    vic.set_light_pen(true);
    vic.tick(&mut mem);
    assert_eq!(vic.read(0x14), 120);
    assert!(!vic.irq());
    vic.set_light_pen(false);
    // Next frame: latches again (cycle 21 of line 10: X = $3C).
    run_to(&mut vic, &mut mem, 10, 20);
    vic.set_light_pen(true);
    vic.tick(&mut mem);
    assert_eq!(vic.read(0x13), 0x3c / 2 + 2);
    assert_eq!(vic.read(0x14), 10);
    assert!(vic.irq());
    vic.write(0x19, 0x08);
    // Held low into the next frame: triggers at its start.
    run_to(&mut vic, &mut mem, 0, 1);
    assert_eq!(vic.read(0x13), 0xd1);
    assert_eq!(vic.read(0x14), 0);
    assert!(vic.irq());
    // Line 311 does not latch (after its first cycle).
    vic.set_light_pen(false);
    vic.write(0x19, 0x08);
    let (mut vic, mut mem) = text_setup();
    run_to(&mut vic, &mut mem, 311, 5);
    vic.set_light_pen(true);
    vic.tick(&mut mem);
    assert_eq!(vic.read(0x19) & 0x08, 0);
    assert_eq!(vic.read(0x14), 0);
}
