//! Graphics modes, scrolling, the border unit and mid-line register changes.

mod common;
use common::*;
use heirloom_vic2::Vic;

const DIAGONAL: [u8; 8] = [0x80, 0x40, 0x20, 0x10, 0x08, 0x04, 0x02, 0x01];

/// Text setup with character 1 a diagonal, at the top left (colour 7) and in the last
/// column of the second text line (colour 2).
fn diagonal_screen() -> (Vic, Mem) {
    let (vic, mut mem) = text_setup();
    mem.bank[0x1008..0x1010].copy_from_slice(&DIAGONAL);
    mem.bank[0x0400] = 1;
    mem.colour[0] = 7;
    mem.bank[0x0400 + 79] = 1;
    mem.colour[79] = 2;
    (vic, mem)
}

#[test]
fn standard_text_renders_character_rows() {
    let (mut vic, mut mem) = diagonal_screen();
    run_frame(&mut vic, &mut mem);
    run_frame(&mut vic, &mut mem);
    for row in 0..8u16 {
        let line = 51 + row;
        let got = pixels(&vic, line, 24, 8);
        let mut expected = [6u8; 8];
        expected[usize::from(row)] = 7;
        assert_eq!(got, expected, "line {line}");
        // Second text line, column 39: X = 24 + 39 * 8.
        let got = pixels(&vic, line + 8, 336, 8);
        let mut expected = [6u8; 8];
        expected[usize::from(row)] = 2;
        assert_eq!(got, expected, "line {}", line + 8);
    }
    // Border around the 320 × 200 window.
    assert_eq!(pixel(&vic, 51, 23), 14);
    assert_eq!(pixel(&vic, 51, 343), 6);
    assert_eq!(pixel(&vic, 51, 344), 14);
    assert_eq!(pixel(&vic, 50, 24), 14);
    assert_eq!(pixel(&vic, 250, 24), 6);
    assert_eq!(pixel(&vic, 251, 24), 14);
    assert_eq!(pixel(&vic, 16, -8), 14);
    assert_eq!(pixel(&vic, 287, 375), 14);
}

#[test]
fn xscroll_and_yscroll_move_the_graphics() {
    let (mut vic, mut mem) = diagonal_screen();
    vic.write(0x16, 0x08 | 3);
    vic.write(0x11, 0x18 | 5);
    run_frame(&mut vic, &mut mem);
    run_frame(&mut vic, &mut mem);
    // Text starts at line $35 (YSCROLL 5), 3 pixels to the right.
    assert_eq!(pixels(&vic, 0x35, 24, 8), [6, 6, 6, 7, 6, 6, 6, 6]);
    assert_eq!(pixels(&vic, 0x36, 24, 8), [6, 6, 6, 6, 7, 6, 6, 6]);
    assert_eq!(pixels(&vic, 0x33, 24, 8), [6; 8]);
}

#[test]
fn multicolour_text_uses_pairs_only_for_colours_8_to_15() {
    let (mut vic, mut mem) = text_setup();
    vic.write(0x16, 0x18);
    vic.write(0x22, 2);
    vic.write(0x23, 3);
    mem.bank[0x1008] = 0b00_01_10_11;
    mem.bank[0x0400] = 1;
    mem.colour[0] = 8 + 5;
    mem.bank[0x0401] = 1;
    mem.colour[1] = 5;
    run_frame(&mut vic, &mut mem);
    run_frame(&mut vic, &mut mem);
    assert_eq!(pixels(&vic, 51, 24, 8), [6, 6, 2, 2, 3, 3, 5, 5]);
    assert_eq!(pixels(&vic, 51, 32, 8), [6, 6, 6, 5, 5, 6, 5, 5]);
}

#[test]
fn standard_and_multicolour_bitmap() {
    let (mut vic, mut mem) = text_setup();
    vic.write(0x11, 0x3b);
    vic.write(0x18, 0x18); // matrix $0400, bitmap $2000
    mem.bank[0x2000] = 0xf0;
    mem.bank[0x2009] = 0x0f; // cell 1, row 1
    mem.bank[0x0400] = 0x25;
    mem.bank[0x0401] = 0x9a;
    run_frame(&mut vic, &mut mem);
    run_frame(&mut vic, &mut mem);
    assert_eq!(pixels(&vic, 51, 24, 8), [2, 2, 2, 2, 5, 5, 5, 5]);
    assert_eq!(pixels(&vic, 52, 32, 8), [10, 10, 10, 10, 9, 9, 9, 9]);

    vic.write(0x16, 0x18);
    mem.bank[0x2000] = 0b00_01_10_11;
    mem.colour[0] = 7;
    run_frame(&mut vic, &mut mem);
    assert_eq!(pixels(&vic, 51, 24, 8), [6, 6, 2, 2, 5, 5, 7, 7]);
}

#[test]
fn ecm_selects_the_background_by_the_top_bits_of_the_code() {
    let (mut vic, mut mem) = text_setup();
    vic.write(0x11, 0x5b);
    vic.write(0x22, 2);
    vic.write(0x23, 3);
    vic.write(0x24, 4);
    mem.bank[0x1008] = 0x80;
    for (i, code) in [0x01u8, 0x41, 0x81, 0xc1].into_iter().enumerate() {
        mem.bank[0x0400 + i] = code;
        mem.colour[i] = 1;
    }
    run_frame(&mut vic, &mut mem);
    run_frame(&mut vic, &mut mem);
    for (i, bg) in [6u8, 2, 3, 4].into_iter().enumerate() {
        let got = pixels(&vic, 51, 24 + 8 * i as i32, 8);
        assert_eq!(got, [1, bg, bg, bg, bg, bg, bg, bg], "column {i}");
    }
}

#[test]
fn invalid_modes_are_black_but_collide() {
    for (ctrl1, ctrl2) in [(0x5b, 0x18), (0x7b, 0x08), (0x7b, 0x18)] {
        let (mut vic, mut mem) = text_setup();
        vic.write(0x11, ctrl1);
        vic.write(0x16, ctrl2);
        vic.write(0x18, 0x18);
        // Character 1 / bitmap cell: solid.
        mem.bank[0x0400] = 1;
        mem.colour[0] = 0x0f;
        mem.bank[0x1008..0x1010].fill(0xff);
        mem.bank[0x2000..0x2008].fill(0xff);
        mem.bank[0x0000..0x0800].fill(0xff);
        mem.bank[0x0400] = 1;
        // Sprite 0 over the first cell.
        vic.write(0x15, 0x01);
        vic.write(0x00, 24);
        vic.write(0x01, 50);
        vic.write(0x27, 1);
        mem.bank[0x07f8] = 0x80;
        mem.bank[0x2000..0x2040].fill(0xff);
        run_frame(&mut vic, &mut mem);
        vic.read(0x1f);
        run_frame(&mut vic, &mut mem);
        assert!(
            pixels(&vic, 100, 24, 320).iter().all(|&p| p == 0),
            "{ctrl1:#x}/{ctrl2:#x}"
        );
        assert_eq!(pixel(&vic, 100, 23), 14);
        // The sprite is in front of the black graphics.
        assert_eq!(pixel(&vic, 51, 24), 1);
        assert_eq!(vic.read(0x1f) & 1, 1, "{ctrl1:#x}/{ctrl2:#x}");
    }
}

#[test]
fn idle_state_shows_the_byte_at_3fff_or_39ff() {
    // DEN off during line $30: no bad line, the sequencer stays idle inside the window,
    // which opens as DEN is set again before line 51.
    let (mut vic, mut mem) = text_setup();
    mem.bank[0x3fff] = 0xaa;
    mem.bank[0x39ff] = 0x0f;
    vic.write(0x11, 0x0b);
    run_to(&mut vic, &mut mem, 0x31, 1);
    vic.write(0x11, 0x1b);
    run_frame(&mut vic, &mut mem);
    assert!(!vic.display_state());
    assert_eq!(pixels(&vic, 100, 24, 8), [0, 6, 0, 6, 0, 6, 0, 6]);

    vic.write(0x11, 0x4b);
    run_to(&mut vic, &mut mem, 0x31, 1);
    vic.write(0x11, 0x5b);
    run_frame(&mut vic, &mut mem);
    assert_eq!(pixels(&vic, 100, 24, 8), [6, 6, 6, 6, 0, 0, 0, 0]);
}

#[test]
fn toggling_rsel_between_247_and_251_opens_the_lower_border() {
    let (mut vic, mut mem) = text_setup();
    mem.bank[0x3fff] = 0xaa;
    run_frame(&mut vic, &mut mem);
    // Without the trick: lower border.
    assert_eq!(pixel(&vic, 260, 100), 14);

    run_to(&mut vic, &mut mem, 249, 10);
    vic.write(0x11, 0x13);
    run_to(&mut vic, &mut mem, 252, 10);
    vic.write(0x11, 0x1b);
    run_to(&mut vic, &mut mem, 311, 63);
    // From line 251 (idle state after the last text row) the idle graphics show where the
    // border was; the side border still closes at X = 344 and opens at 24.
    assert_eq!(pixels(&vic, 251, 24, 8), [0, 6, 0, 6, 0, 6, 0, 6]);
    assert_eq!(pixels(&vic, 260, 24, 8), [0, 6, 0, 6, 0, 6, 0, 6]);
    assert_eq!(pixels(&vic, 287, 336, 8), [0, 6, 0, 6, 0, 6, 0, 6]);
    assert_eq!(pixel(&vic, 260, 344), 14);
    assert_eq!(pixel(&vic, 260, 23), 14);
    // The vertical flip-flop stays off into the next frame's top border.
    run_to(&mut vic, &mut mem, 40, 63);
    vic.tick(&mut mem);
    run_frame(&mut vic, &mut mem);
    assert_eq!(pixels(&vic, 20, 24, 8), [0, 6, 0, 6, 0, 6, 0, 6]);
}

#[test]
fn csel_and_rsel_narrow_the_window() {
    let (mut vic, mut mem) = text_setup();
    vic.write(0x16, 0x00);
    vic.write(0x11, 0x13);
    run_frame(&mut vic, &mut mem);
    run_frame(&mut vic, &mut mem);
    assert!(pixels(&vic, 100, 24, 7).iter().all(|&p| p == 14));
    assert_eq!(pixel(&vic, 100, 31), 6);
    assert_eq!(pixel(&vic, 100, 334), 6);
    assert!(pixels(&vic, 100, 335, 9).iter().all(|&p| p == 14));
    assert_eq!(pixel(&vic, 54, 100), 14);
    assert_eq!(pixel(&vic, 55, 100), 6);
    assert_eq!(pixel(&vic, 246, 100), 6);
    assert_eq!(pixel(&vic, 247, 100), 14);
}

#[test]
fn mid_line_colour_write_shows_from_the_second_pixel_of_the_next_cycle() {
    let (mut vic, mut mem) = text_setup();
    run_frame(&mut vic, &mut mem);
    run_to(&mut vic, &mut mem, 100, 30);
    vic.write(0x21, 2);
    run_to(&mut vic, &mut mem, 120, 40);
    vic.write(0x20, 5);
    run_to(&mut vic, &mut mem, 311, 63);
    // Cycle 31 outputs X = 136 … 143; its first pixel still has the old colour.
    assert_eq!(pixels(&vic, 100, 134, 4), [6, 6, 6, 2]);
    assert_eq!(pixel(&vic, 101, 24), 2);
    // The border colour written in line 120 shows on the right border of that line.
    assert_eq!(pixel(&vic, 120, -8), 14);
    assert_eq!(pixel(&vic, 120, 344), 5);
    assert_eq!(pixel(&vic, 119, 344), 14);
}

#[test]
fn mode_switch_mid_line_goes_through_black_pixels() {
    // Solid characters in colour 1 on background 6; switch ECM on in cycle 30.
    let (mut vic, mut mem) = text_setup();
    mem.bank[0x1000..0x1008].copy_from_slice(&[0x0f; 8]);
    mem.colour.fill(1);
    run_frame(&mut vic, &mut mem);
    run_to(&mut vic, &mut mem, 100, 30);
    vic.write(0x11, 0x5b);
    run_to(&mut vic, &mut mem, 101, 1);
    vic.write(0x11, 0x1b);
    run_to(&mut vic, &mut mem, 311, 63);
    // Character 0 in ECM: background register 0 as well, so only the text colour tells.
    // Cycle 31 (X = 136 … 143): pixels 0–3 standard text, 4–7 ECM (ECM text renders
    // like standard text for character 0).
    assert_eq!(pixels(&vic, 100, 136, 8), [6, 6, 6, 6, 1, 1, 1, 1]);

    // BMM switched on mid-line: pixels 4–5 of the next cycle blend the old and new modes.
    let (mut vic, mut mem) = text_setup();
    mem.bank[0x1000..0x1008].copy_from_slice(&[0xff; 8]);
    mem.colour.fill(1);
    run_frame(&mut vic, &mut mem);
    run_to(&mut vic, &mut mem, 100, 30);
    vic.write(0x11, 0x7b); // ECM + BMM: invalid, black
    run_to(&mut vic, &mut mem, 100, 31);
    vic.write(0x11, 0x1b);
    run_to(&mut vic, &mut mem, 311, 63);
    // Cycle 31: 0–3 text (colour 1), 4–7 invalid (black); cycle 32: 0–3 invalid
    // (previous mode), 4–5 still invalid (old OR new), 6–7 text again, showing the byte
    // the g-access of cycle 31 fetched from the (empty) bitmap; cycle 33 shows the
    // character fetched in text mode again.
    assert_eq!(pixels(&vic, 100, 136, 8), [1, 1, 1, 1, 0, 0, 0, 0]);
    assert_eq!(pixels(&vic, 100, 144, 8), [0, 0, 0, 0, 0, 0, 6, 6]);
    assert_eq!(pixels(&vic, 100, 152, 8), [1; 8]);
}

#[test]
fn switching_csel_in_cycle_56_opens_the_side_border() {
    let (mut vic, mut mem) = text_setup();
    run_frame(&mut vic, &mut mem);
    for line in 100..110 {
        run_to(&mut vic, &mut mem, line, 56);
        vic.write(0x16, 0x00);
        run_to(&mut vic, &mut mem, line, 60);
        vic.write(0x16, 0x08);
    }
    run_to(&mut vic, &mut mem, 311, 63);
    // No right border compare matched: background to the right of the window and, as
    // the main flip-flop stays clear across the line end, on the left of the next line.
    assert_eq!(pixel(&vic, 105, 343), 6);
    assert_eq!(pixel(&vic, 105, 344), 6);
    assert_eq!(pixel(&vic, 105, 375), 6);
    assert_eq!(pixel(&vic, 106, -8), 6);
    assert_eq!(pixel(&vic, 99, 344), 14);
    assert_eq!(pixel(&vic, 110, 344), 14);
}
