//! Effects that depend on the exact counter rules: FLD, FLI, sprite stretching.

mod common;
use common::*;

#[test]
fn fld_pushes_the_first_text_line_down() {
    let (mut vic, mut mem) = text_setup();
    mem.bank[0x1008..0x1010].copy_from_slice(&[0x80, 0x40, 0x20, 0x10, 0x08, 0x04, 0x02, 0x01]);
    mem.bank[0x0400] = 1;
    mem.colour[0] = 7;
    mem.bank[0x3fff] = 0;
    run_frame(&mut vic, &mut mem);
    // In cycle 60 of every line from $30 to $5E, set YSCROLL to miss the next line.
    for line in 0x30..0x5f {
        run_to(&mut vic, &mut mem, line, 60);
        vic.write(0x11, 0x18 | ((line as u8 + 2) & 7));
    }
    run_to(&mut vic, &mut mem, 0x5f, 60);
    vic.write(0x11, 0x18); // bad line at $60
    run_to(&mut vic, &mut mem, 311, 63);
    // Idle state until $60: background only; then the first text row from its row 0.
    assert!(pixels(&vic, 0x5f, 24, 8).iter().all(|&p| p == 6));
    for row in 0..8u16 {
        let mut expected = [6u8; 8];
        expected[usize::from(row)] = 7;
        assert_eq!(pixels(&vic, 0x60 + row, 24, 8), expected, "row {row}");
    }
}

#[test]
fn fli_refetches_colours_every_line_with_the_three_character_bug() {
    let (mut vic, mut mem) = text_setup();
    // Matrix 1 at $0400: character 1; matrix 2 at $0800: character 2.
    mem.bank[0x0400..0x0400 + 1000].fill(1);
    mem.bank[0x0800..0x0800 + 1000].fill(2);
    mem.bank[0x1008..0x1010].fill(0xf0);
    mem.bank[0x1010..0x1018].fill(0x0f);
    mem.bank[0x1000 + 0xff * 8..0x1000 + 0x100 * 8].fill(0xff);
    mem.colour.fill(1);
    mem.cpu_data = 0xa5;
    run_frame(&mut vic, &mut mem);
    for line in 0x34u16..0x3a {
        run_to(&mut vic, &mut mem, line, 10);
        vic.write(0x18, if line % 2 == 0 { 0x24 } else { 0x14 });
        run_to(&mut vic, &mut mem, line, 14);
        vic.write(0x11, 0x18 | (line as u8 & 7));
        let reads = mem.colour_reads;
        run_to(&mut vic, &mut mem, line, 63);
        assert!(vic.bad_line());
        // The first three c-accesses happen while the CPU still has the bus.
        assert_eq!(mem.colour_reads - reads, 37, "line {line:#x}");
    }
    run_to(&mut vic, &mut mem, 311, 63);
    for line in 0x34u16..0x3a {
        let expected_char: &[u8] = if line % 2 == 0 {
            &[6, 6, 6, 6, 1, 1, 1, 1]
        } else {
            &[1, 1, 1, 1, 6, 6, 6, 6]
        };
        // Columns 0–2: character $FF in the colour the CPU side left on the bus.
        assert_eq!(pixels(&vic, line, 24, 24), [5; 24], "line {line:#x}");
        assert_eq!(pixels(&vic, line, 48, 8), expected_char, "line {line:#x}");
        assert_eq!(pixels(&vic, line, 336, 8), expected_char, "line {line:#x}");
    }
}

#[test]
fn sprite_stretching_repeats_the_first_row() {
    let (mut vic, mut mem) = text_setup();
    vic.write(0x15, 0x01);
    vic.write(0x00, 100);
    vic.write(0x01, 100);
    vic.write(0x17, 0x01);
    vic.write(0x27, 1);
    mem.bank[0x07f8] = 0x80;
    for r in 0..21 {
        mem.bank[0x2000 + 3 * r] = 0x80 >> (r % 8);
    }
    run_frame(&mut vic, &mut mem);
    // Clearing and setting MxYE again between cycles 16 and 55 sets the flip-flop, which
    // cycle 55 then clears: MCBASE never advances.
    for line in 100..140 {
        run_to(&mut vic, &mut mem, line, 20);
        vic.write(0x17, 0x00);
        vic.tick(&mut mem);
        vic.write(0x17, 0x01);
    }
    run_to(&mut vic, &mut mem, 311, 63);
    for line in 101..=140 {
        assert_eq!(pixels(&vic, line, 100, 2), [1, 6], "line {line}");
    }
}

#[test]
fn sprite_crunch_in_cycle_15_scrambles_mcbase_and_lengthens_the_sprite() {
    let (mut vic, mut mem) = text_setup();
    vic.write(0x15, 0x01);
    vic.write(0x00, 100);
    vic.write(0x01, 100);
    vic.write(0x17, 0x01);
    vic.write(0x27, 1);
    mem.bank[0x07f8] = 0x80;
    mem.bank[0x2000..0x2040].fill(0x80);
    mem.bank[0x2001] = 0x40;
    run_frame(&mut vic, &mut mem);
    // Line 101: the flip-flop is clear (first line of a Y-expanded sprite); clearing
    // MxYE in cycle 15 gives MC = ($2A & (0 & 3)) | ($15 & (0 | 3)) = 1.
    run_to(&mut vic, &mut mem, 101, 15);
    vic.write(0x17, 0x00);
    run_to(&mut vic, &mut mem, 311, 63);
    assert_eq!(pixels(&vic, 101, 100, 2), [1, 6]);
    // Line 102 shows the bytes from offset 1 on.
    assert_eq!(pixels(&vic, 102, 100, 2), [6, 1]);
    // MCBASE runs 1, 4, 7, … and wraps before reaching 63: 43 lines instead of 21/42.
    for line in 103..=143 {
        assert_eq!(pixels(&vic, line, 100, 2), [1, 6], "line {line}");
    }
    assert_eq!(pixel(&vic, 144, 100), 6);

    // The same write in another cycle only sets the flip-flop: no crunch, 22 lines
    // (one expanded row, then 20 normal ones after it).
    let (mut vic, mut mem) = text_setup();
    vic.write(0x15, 0x01);
    vic.write(0x00, 100);
    vic.write(0x01, 100);
    vic.write(0x17, 0x01);
    mem.bank[0x07f8] = 0x80;
    mem.bank[0x2000..0x2040].fill(0x80);
    vic.write(0x27, 1);
    run_frame(&mut vic, &mut mem);
    run_to(&mut vic, &mut mem, 101, 20);
    vic.write(0x17, 0x00);
    run_to(&mut vic, &mut mem, 311, 63);
    assert_eq!(pixel(&vic, 122, 100), 1);
    assert_eq!(pixel(&vic, 123, 100), 6);
}
