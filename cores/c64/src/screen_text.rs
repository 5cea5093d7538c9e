//! Reading the text screen back: screen codes to Unicode.
//!
//! Screen codes are what the VIC-II finds in the video matrix: 0–127 are characters,
//! 128–255 the same characters in reverse video (read back as the plain character). The
//! character set in use decides what a code means: in the power-on *upper case and
//! graphics* set, 1–26 are capitals and 64–127 graphics; in the *lower and upper case* set
//! (`$D018` bit 1 set), 1–26 are small letters and 65–90 capitals. Graphics characters
//! become the closest Unicode symbols, from the *Symbols for Legacy Computing* block where
//! nothing older fits.

/// Codes 0–63, the same in both character sets but for the letters 1–26.
const COMMON: [char; 64] = [
    '@', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R',
    'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', '[', '£', ']', '↑', '←', ' ', '!', '"', '#', '$', '%',
    '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/', '0', '1', '2', '3', '4', '5', '6', '7', '8',
    '9', ':', ';', '<', '=', '>', '?',
];

/// Codes 64–95 of the upper case and graphics set.
const UPPER_GRAPHICS: [char; 32] = [
    '─',
    '♠',
    '\u{1FB72}',
    '\u{1FB78}',
    '\u{1FB77}',
    '\u{1FB76}',
    '\u{1FB7A}',
    '\u{1FB71}',
    '\u{1FB74}',
    '╮',
    '╰',
    '╯',
    '\u{1FB7C}',
    '╲',
    '╱',
    '\u{1FB7D}',
    '\u{1FB7E}',
    '●',
    '\u{1FB7B}',
    '♥',
    '\u{1FB70}',
    '╭',
    '╳',
    '○',
    '♣',
    '\u{1FB75}',
    '♦',
    '┼',
    '\u{1FB8C}',
    '│',
    'π',
    '◥',
];

/// Codes 96–127, the same in both sets.
const BLOCKS: [char; 32] = [
    '\u{A0}',
    '▌',
    '▄',
    '▔',
    '▁',
    '▏',
    '▒',
    '▕',
    '\u{1FB8F}',
    '◤',
    '\u{1FB87}',
    '├',
    '▗',
    '└',
    '┐',
    '▂',
    '┌',
    '┴',
    '┬',
    '┤',
    '▎',
    '▍',
    '\u{1FB88}',
    '\u{1FB82}',
    '\u{1FB83}',
    '▃',
    '\u{1FB7F}',
    '▖',
    '▝',
    '┘',
    '▘',
    '▚',
];

/// The character a screen code shows; `lower_case` selects the lower and upper case set.
pub fn screen_code_to_char(code: u8, lower_case: bool) -> char {
    let code = code & 0x7f;
    match (code, lower_case) {
        (1..=26, true) => char::from(b'a' + code - 1),
        (0..=63, _) => COMMON[usize::from(code)],
        (65..=90, true) => char::from(b'A' + code - 65),
        (64, true) => '─',
        (91, true) => '┼',
        (92, true) => '\u{1FB8C}',
        (93, true) => '│',
        (94, true) => '\u{1FB96}',
        (95, true) => '\u{1FB98}',
        (64..=95, false) => UPPER_GRAPHICS[usize::from(code - 64)],
        (127, true) => '\u{1FB96}',
        _ => BLOCKS[usize::from(code - 96)],
    }
}

/// Turns a 40×25 video matrix into text: one line per row (25 lines joined by newlines),
/// trailing spaces trimmed.
pub fn screen_to_text(matrix: &[u8], lower_case: bool) -> String {
    let lines: Vec<String> = matrix
        .chunks(40)
        .map(|row| {
            let line: String = row
                .iter()
                .map(|&code| screen_code_to_char(code, lower_case))
                .collect();
            line.trim_end_matches(' ').to_owned()
        })
        .collect();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_reads_back_in_both_sets() {
        // "READY." as screen codes.
        let codes = [18, 5, 1, 4, 25, 46];
        let upper: String = codes
            .iter()
            .map(|&c| screen_code_to_char(c, false))
            .collect();
        assert_eq!(upper, "READY.");
        let lower: String = codes
            .iter()
            .map(|&c| screen_code_to_char(c, true))
            .collect();
        assert_eq!(lower, "ready.");
        assert_eq!(
            screen_code_to_char(18 | 0x80, false),
            'R',
            "reverse video reads plain"
        );
        assert_eq!(screen_code_to_char(65, true), 'A');
        assert_eq!(screen_code_to_char(65, false), '♠');
        assert_eq!(screen_code_to_char(94, false), 'π');
    }

    #[test]
    fn a_screen_becomes_trimmed_lines() {
        let mut matrix = [32u8; 1000];
        matrix[..2].copy_from_slice(&[8, 9]);
        matrix[80..86].copy_from_slice(&[18, 5, 1, 4, 25, 46]);
        let text = screen_to_text(&matrix, false);
        assert_eq!(text.split('\n').count(), 25);
        assert!(text.starts_with("HI\n\nREADY.\n\n"), "{text:?}");
    }
}
