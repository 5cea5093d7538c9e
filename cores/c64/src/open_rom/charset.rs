//! Heirloom's character ROM: the glyphs drawn in `rom/charset.txt`, the block and line
//! graphics made by rule, and the reversed half of each set. The build script runs this
//! module to produce the image the ROM includes; its test checks the image.
//!
//! The 4 KiB image holds two sets of 256 characters, 8 bytes each (a byte per row, bit
//! 7 the leftmost pixel): the upper case and graphics set at $000, the lower and upper
//! case set at $800. Characters 128–255 of each set are 0–127 reversed.

const DRAWN: &str = include_str!("../../rom/charset.txt");

type Glyph = [u8; 8];

/// A glyph of `rows` filled rows (a mask per row).
const fn rows(mask: u8, from: usize, to: usize) -> Glyph {
    let mut glyph = [0; 8];
    let mut row = from;
    while row < to {
        glyph[row] = mask;
        row += 1;
    }
    glyph
}

fn or(a: Glyph, b: Glyph) -> Glyph {
    std::array::from_fn(|row| a[row] | b[row])
}

/// A horizontal line on `row`.
fn horizontal(row: usize) -> Glyph {
    rows(0xff, row, row + 1)
}

/// A vertical line in pixel column `column` (0 = left).
fn vertical(column: u8) -> Glyph {
    rows(0x80 >> column, 0, 8)
}

/// Box-drawing lines from the centre (row 3, column 3) towards the given edges.
fn box_lines(up: bool, down: bool, left: bool, right: bool) -> Glyph {
    let mut glyph = [0; 8];
    let centre_column = 0x10;
    if left {
        glyph[3] |= 0xf0;
    }
    if right {
        glyph[3] |= 0x1f;
    }
    for (row, pixels) in glyph.iter_mut().enumerate() {
        if (up && row <= 3) || (down && row >= 3) {
            *pixels |= centre_column;
        }
    }
    glyph
}

/// The block and line graphics, by set (false: upper case and graphics) and code.
fn by_rule(lower_case: bool, code: u8) -> Option<Glyph> {
    let checker = [0xaa, 0x55, 0xaa, 0x55, 0xaa, 0x55, 0xaa, 0x55];
    let glyph = match code {
        0x40 => horizontal(3),
        0x42 | 0x5d => vertical(3),
        0x5b => box_lines(true, true, true, true),
        0x5c => checker.map(|row| row & 0xf0),
        0x60 => [0; 8],
        0x61 => rows(0xf0, 0, 8),
        0x62 => rows(0xff, 4, 8),
        0x63 => rows(0xff, 0, 1),
        0x64 => rows(0xff, 7, 8),
        0x65 => rows(0x80, 0, 8),
        0x66 => checker,
        0x67 => rows(0x01, 0, 8),
        0x68 => rows(0xff, 4, 8).map(|row| row & 0xaa),
        0x6a => rows(0x03, 0, 8),
        0x6b => box_lines(true, true, false, true),
        0x6c => rows(0x0f, 4, 8),
        0x6d => box_lines(true, false, false, true),
        0x6e => box_lines(false, true, true, false),
        0x6f => rows(0xff, 6, 8),
        0x70 => box_lines(false, true, false, true),
        0x71 => box_lines(true, false, true, true),
        0x72 => box_lines(false, true, true, true),
        0x73 => box_lines(true, true, true, false),
        0x74 => rows(0xc0, 0, 8),
        0x75 => rows(0xe0, 0, 8),
        0x76 => rows(0x07, 0, 8),
        0x77 => rows(0xff, 0, 2),
        0x78 => rows(0xff, 0, 3),
        0x79 => rows(0xff, 5, 8),
        0x7b => rows(0xf0, 4, 8),
        0x7c => rows(0x0f, 0, 4),
        0x7d => box_lines(true, false, true, false),
        0x7e => rows(0xf0, 0, 4),
        0x7f if lower_case => checker.map(|row| !row),
        0x7f => or(rows(0xf0, 0, 4), rows(0x0f, 4, 8)),
        0x7a if lower_case => [0x00, 0x01, 0x03, 0x06, 0x8c, 0xd8, 0x70, 0x20],
        0x7a => or(vertical(7), horizontal(7)),
        _ if lower_case => match code {
            0x5e => checker.map(|row| !row),
            0x5f => [0x33, 0x99, 0xcc, 0x66, 0x33, 0x99, 0xcc, 0x66],
            _ => return None,
        },
        0x43 => horizontal(3),
        0x44 => horizontal(2),
        0x45 => horizontal(1),
        0x46 => horizontal(5),
        0x47 => vertical(2),
        0x48 => vertical(5),
        0x49 => [0x00, 0x00, 0x00, 0xe0, 0x30, 0x18, 0x18, 0x18],
        0x4a => [0x18, 0x18, 0x18, 0x0c, 0x07, 0x00, 0x00, 0x00],
        0x4b => [0x18, 0x18, 0x18, 0x30, 0xe0, 0x00, 0x00, 0x00],
        0x4c => or(vertical(0), horizontal(7)),
        0x4d => [0x80, 0x40, 0x20, 0x10, 0x08, 0x04, 0x02, 0x01],
        0x4e => [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80],
        0x4f => or(vertical(0), horizontal(0)),
        0x50 => or(vertical(7), horizontal(0)),
        0x52 => horizontal(6),
        0x54 => vertical(1),
        0x55 => [0x00, 0x00, 0x00, 0x07, 0x0c, 0x18, 0x18, 0x18],
        0x56 => [0x81, 0x42, 0x24, 0x18, 0x18, 0x24, 0x42, 0x81],
        0x59 => vertical(6),
        0x5f => [0xff, 0x7f, 0x3f, 0x1f, 0x0f, 0x07, 0x03, 0x01],
        0x69 => [0xff, 0xfe, 0xfc, 0xf8, 0xf0, 0xe0, 0xc0, 0x80],
        _ => return None,
    };
    Some(glyph)
}

/// Reads the drawn glyphs: per set, the glyph of each code that is drawn.
fn drawn() -> [[Option<Glyph>; 128]; 2] {
    let mut sets = [[None; 128]; 2];
    let mut set = 0;
    let mut lines = DRAWN
        .lines()
        .filter(|line| !line.starts_with(';') && !line.is_empty());
    while let Some(line) = lines.next() {
        match line {
            "[upper]" => set = 0,
            "[lower]" => set = 1,
            _ => {
                let code = line
                    .strip_prefix("= ")
                    .and_then(|hex| usize::from_str_radix(hex, 16).ok())
                    .filter(|&code| code < 128)
                    .unwrap_or_else(|| panic!("charset.txt: expected `= CODE`, found `{line}`"));
                let mut glyph = [0; 8];
                for row in &mut glyph {
                    let pixels = lines.next().expect("charset.txt: a glyph has eight rows");
                    assert_eq!(
                        pixels.len(),
                        8,
                        "charset.txt: `{pixels}` is not eight pixels"
                    );
                    *row = pixels
                        .bytes()
                        .fold(0, |byte, pixel| byte << 1 | u8::from(pixel == b'#'));
                }
                sets[set][code] = Some(glyph);
            }
        }
    }
    sets
}

/// The 4 KiB character ROM image.
pub(crate) fn chargen() -> Vec<u8> {
    let drawn = drawn();
    let mut image = vec![0u8; 4096];
    for (set, lower_case) in [(0, false), (1, true)] {
        for code in 0..128u8 {
            let index = usize::from(code);
            let upper_letter = lower_case && (0x41..=0x5a).contains(&code);
            let glyph = drawn[set][index]
                .or_else(|| upper_letter.then(|| drawn[0][index - 0x40]).flatten())
                .or_else(|| by_rule(lower_case, code))
                .or(drawn[0][index])
                .or_else(|| by_rule(false, code))
                .unwrap_or_else(|| panic!("no glyph for code {code:#04x} of set {set}"));
            let base = set * 2048 + index * 8;
            image[base..base + 8].copy_from_slice(&glyph);
            for (row, &byte) in glyph.iter().enumerate() {
                image[base + 1024 + row] = !byte;
            }
        }
    }
    image
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_character_of_both_sets_has_a_glyph_and_its_reverse() {
        let image = chargen();
        assert_eq!(image.len(), 4096);
        let glyph =
            |set: usize, code: usize| &image[set * 2048 + code * 8..set * 2048 + code * 8 + 8];
        assert_eq!(glyph(0, 0x20), &[0; 8], "space is empty");
        assert_eq!(glyph(0, 0xa0), &[0xff; 8], "reversed space is full");
        assert_ne!(glyph(0, 0x01), glyph(1, 0x01), "A and a differ");
        assert_eq!(
            glyph(0, 0x01),
            glyph(1, 0x41),
            "the second set has the capitals at $41"
        );
        let distinct: std::collections::HashSet<&[u8]> =
            (0x01..=0x1a).map(|code| glyph(0, code)).collect();
        assert_eq!(distinct.len(), 26, "every letter looks different");
    }
}
