//! The C64 keyboard: its 8×8 matrix on CIA1, the positional layout on a PC keyboard, and
//! typing text by pressing keys.
//!
//! CIA1's port A drives the eight column lines, port B reads the eight row lines; a held
//! key joins its column to its row. Nothing isolates the keys from each other, so with
//! three keys held at the corners of a rectangle the fourth corner reads as held too (the
//! ghosting of the real keyboard). The joystick in port 2 pulls port A lines low, the one
//! in port 1 port B lines, on the same wires.
//!
//! # Positional layout
//! Keys keep their place, not their label: the C64 key in the same spot as the PC key.
//!
//! | PC key | C64 key |
//! |---|---|
//! | `` ` `` | ← |
//! | `-` `=` | + - |
//! | Insert, Home, Backspace | £, CLR/HOME, INST/DEL |
//! | Tab | CTRL |
//! | `[` `]` | @ * |
//! | Delete | ↑ |
//! | Page Up | RESTORE |
//! | Escape | RUN/STOP |
//! | Caps Lock | SHIFT LOCK (held while Caps Lock is held) |
//! | `;` `'` `\` | : ; = |
//! | left Ctrl | C= |
//! | left and right Shift | left and right SHIFT |
//! | cursor down / right | CRSR ⇓ / CRSR ⇒ |
//! | cursor up / left | right SHIFT + CRSR ⇓ / CRSR ⇒ |
//! | F1 F3 F5 F7 | f1 f3 f5 f7 |
//! | F2 F4 F6 F8 | SHIFT + f1 f3 f5 f7 |
//!
//! Letters, digits, space, Enter (RETURN), `,` `.` `/` are where they are on both.

use heirloom_shell::{Key, KeySet};

/// A key of the C64 keyboard. Every key but RESTORE sits in the matrix: its column (the
/// CIA1 port A bit) and row (the port B bit) are given by [`C64Key::position`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
#[allow(missing_docs)]
pub enum C64Key {
    InstDel,
    Return,
    CursorRight,
    F7,
    F1,
    F3,
    F5,
    CursorDown,
    Num3,
    W,
    A,
    Num4,
    Z,
    S,
    E,
    LeftShift,
    Num5,
    R,
    D,
    Num6,
    C,
    F,
    T,
    X,
    Num7,
    Y,
    G,
    Num8,
    B,
    H,
    U,
    V,
    Num9,
    I,
    J,
    Num0,
    M,
    K,
    O,
    N,
    Plus,
    P,
    L,
    Minus,
    Period,
    Colon,
    At,
    Comma,
    Pound,
    Asterisk,
    Semicolon,
    ClrHome,
    RightShift,
    Equals,
    UpArrow,
    Slash,
    Num1,
    LeftArrow,
    Ctrl,
    Num2,
    Space,
    Commodore,
    Q,
    RunStop,
    /// RESTORE is not in the matrix: it triggers the NMI.
    Restore,
}

impl C64Key {
    /// The key's (column, row) in the matrix, `None` for RESTORE. The keys are declared
    /// column by column, so a key's number is its matrix position: column × 8 + row.
    pub fn position(self) -> Option<(u8, u8)> {
        let index = self as u8;
        (self != Self::Restore).then_some((index / 8, index % 8))
    }
}

/// The keys held down, as the matrix sees them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KeyMatrix {
    /// Per column, a bit per row of the keys held.
    held: [u8; 8],
}

impl KeyMatrix {
    /// No key held.
    pub const fn new() -> Self {
        Self { held: [0; 8] }
    }

    /// Holds `key` down (RESTORE is ignored here).
    pub fn press(&mut self, key: C64Key) {
        if let Some((column, row)) = key.position() {
            self.held[usize::from(column)] |= 1 << row;
        }
    }

    /// Whether `key` is held.
    pub fn is_held(&self, key: C64Key) -> bool {
        key.position()
            .is_some_and(|(column, row)| self.held[usize::from(column)] & (1 << row) != 0)
    }

    /// The levels of the port A (columns) and port B (rows) lines, given the levels each
    /// CIA port drives (`PR | !DDR`: undriven lines float high) and the lines the
    /// joysticks pull low (`joystick_a` on port A, `joystick_b` on port B, bit set = pulled
    /// low).
    ///
    /// A low line pulls every line it is joined to through held keys low too, repeatedly,
    /// which is how ghost keys appear.
    pub fn lines(&self, port_a: u8, port_b: u8, joystick_a: u8, joystick_b: u8) -> (u8, u8) {
        let mut low_columns = !port_a | joystick_a;
        let mut low_rows = !port_b | joystick_b;
        loop {
            let mut rows = low_rows;
            let mut columns = low_columns;
            for (column, &held_rows) in self.held.iter().enumerate() {
                let bit = 1 << column;
                if low_columns & bit != 0 {
                    rows |= held_rows;
                }
                if low_rows & held_rows != 0 {
                    columns |= bit;
                }
            }
            if (rows, columns) == (low_rows, low_columns) {
                return (!low_columns, !low_rows);
            }
            (low_rows, low_columns) = (rows, columns);
        }
    }
}

/// The C64 keys a PC key stands for in the positional layout (see the module docs).
pub fn positional(key: Key) -> &'static [C64Key] {
    use C64Key as C;
    match key {
        Key::Backquote => &[C::LeftArrow],
        Key::Digit1 => &[C::Num1],
        Key::Digit2 => &[C::Num2],
        Key::Digit3 => &[C::Num3],
        Key::Digit4 => &[C::Num4],
        Key::Digit5 => &[C::Num5],
        Key::Digit6 => &[C::Num6],
        Key::Digit7 => &[C::Num7],
        Key::Digit8 => &[C::Num8],
        Key::Digit9 => &[C::Num9],
        Key::Digit0 => &[C::Num0],
        Key::Minus => &[C::Plus],
        Key::Equal => &[C::Minus],
        Key::Insert => &[C::Pound],
        Key::Home => &[C::ClrHome],
        Key::Backspace => &[C::InstDel],
        Key::Tab => &[C::Ctrl],
        Key::KeyQ => &[C::Q],
        Key::KeyW => &[C::W],
        Key::KeyE => &[C::E],
        Key::KeyR => &[C::R],
        Key::KeyT => &[C::T],
        Key::KeyY => &[C::Y],
        Key::KeyU => &[C::U],
        Key::KeyI => &[C::I],
        Key::KeyO => &[C::O],
        Key::KeyP => &[C::P],
        Key::BracketLeft => &[C::At],
        Key::BracketRight => &[C::Asterisk],
        Key::Delete => &[C::UpArrow],
        Key::PageUp => &[C::Restore],
        Key::Escape => &[C::RunStop],
        Key::CapsLock | Key::ShiftLeft => &[C::LeftShift],
        Key::KeyA => &[C::A],
        Key::KeyS => &[C::S],
        Key::KeyD => &[C::D],
        Key::KeyF => &[C::F],
        Key::KeyG => &[C::G],
        Key::KeyH => &[C::H],
        Key::KeyJ => &[C::J],
        Key::KeyK => &[C::K],
        Key::KeyL => &[C::L],
        Key::Semicolon => &[C::Colon],
        Key::Quote => &[C::Semicolon],
        Key::Backslash => &[C::Equals],
        Key::Enter | Key::NumpadEnter => &[C::Return],
        Key::ControlLeft => &[C::Commodore],
        Key::KeyZ => &[C::Z],
        Key::KeyX => &[C::X],
        Key::KeyC => &[C::C],
        Key::KeyV => &[C::V],
        Key::KeyB => &[C::B],
        Key::KeyN => &[C::N],
        Key::KeyM => &[C::M],
        Key::Comma => &[C::Comma],
        Key::Period => &[C::Period],
        Key::Slash => &[C::Slash],
        Key::ShiftRight => &[C::RightShift],
        Key::ArrowDown => &[C::CursorDown],
        Key::ArrowRight => &[C::CursorRight],
        Key::ArrowUp => &[C::RightShift, C::CursorDown],
        Key::ArrowLeft => &[C::RightShift, C::CursorRight],
        Key::Space => &[C::Space],
        Key::F1 => &[C::F1],
        Key::F2 => &[C::LeftShift, C::F1],
        Key::F3 => &[C::F3],
        Key::F4 => &[C::LeftShift, C::F3],
        Key::F5 => &[C::F5],
        Key::F6 => &[C::LeftShift, C::F5],
        Key::F7 => &[C::F7],
        Key::F8 => &[C::LeftShift, C::F7],
        _ => &[],
    }
}

/// The matrix for the PC keys held in `keys`, and whether RESTORE is among them.
pub fn matrix_for(keys: &KeySet) -> (KeyMatrix, bool) {
    let mut matrix = KeyMatrix::new();
    let mut restore = false;
    for key in keys.iter().flat_map(|key| positional(key).iter().copied()) {
        if key == C64Key::Restore {
            restore = true;
        } else {
            matrix.press(key);
        }
    }
    (matrix, restore)
}

/// The keys that type `character` on a C64 in its power-on (upper case and graphics)
/// mode, `None` for characters the keyboard cannot type.
///
/// Letters of either case type the unshifted letter (which shows as a capital); a real
/// newline is RETURN; `^` and `_` type ↑ and ←, `£` and `π` their keys.
pub fn keys_for_char(character: char) -> Option<&'static [C64Key]> {
    use C64Key as C;
    const LETTERS: [C64Key; 26] = [
        C::A,
        C::B,
        C::C,
        C::D,
        C::E,
        C::F,
        C::G,
        C::H,
        C::I,
        C::J,
        C::K,
        C::L,
        C::M,
        C::N,
        C::O,
        C::P,
        C::Q,
        C::R,
        C::S,
        C::T,
        C::U,
        C::V,
        C::W,
        C::X,
        C::Y,
        C::Z,
    ];
    const DIGITS: [C64Key; 10] = [
        C::Num0,
        C::Num1,
        C::Num2,
        C::Num3,
        C::Num4,
        C::Num5,
        C::Num6,
        C::Num7,
        C::Num8,
        C::Num9,
    ];
    const SHIFTED_DIGITS: [[C64Key; 2]; 10] = [
        [C::LeftShift, C::Num0],
        [C::LeftShift, C::Num1],
        [C::LeftShift, C::Num2],
        [C::LeftShift, C::Num3],
        [C::LeftShift, C::Num4],
        [C::LeftShift, C::Num5],
        [C::LeftShift, C::Num6],
        [C::LeftShift, C::Num7],
        [C::LeftShift, C::Num8],
        [C::LeftShift, C::Num9],
    ];
    let keys: &'static [C64Key] = match character {
        'a'..='z' => std::slice::from_ref(&LETTERS[character as usize - 'a' as usize]),
        'A'..='Z' => std::slice::from_ref(&LETTERS[character as usize - 'A' as usize]),
        '0'..='9' => std::slice::from_ref(&DIGITS[character as usize - '0' as usize]),
        '!' => &SHIFTED_DIGITS[1],
        '"' => &SHIFTED_DIGITS[2],
        '#' => &SHIFTED_DIGITS[3],
        '$' => &SHIFTED_DIGITS[4],
        '%' => &SHIFTED_DIGITS[5],
        '&' => &SHIFTED_DIGITS[6],
        '\'' => &SHIFTED_DIGITS[7],
        '(' => &SHIFTED_DIGITS[8],
        ')' => &SHIFTED_DIGITS[9],
        ' ' => &[C::Space],
        '\n' | '\r' => &[C::Return],
        '+' => &[C::Plus],
        '-' => &[C::Minus],
        '*' => &[C::Asterisk],
        '/' => &[C::Slash],
        '=' => &[C::Equals],
        ':' => &[C::Colon],
        ';' => &[C::Semicolon],
        ',' => &[C::Comma],
        '.' => &[C::Period],
        '@' => &[C::At],
        '£' => &[C::Pound],
        '^' | '↑' => &[C::UpArrow],
        '_' | '←' => &[C::LeftArrow],
        'π' => &[C::LeftShift, C::UpArrow],
        '<' => &[C::LeftShift, C::Comma],
        '>' => &[C::LeftShift, C::Period],
        '?' => &[C::LeftShift, C::Slash],
        '[' => &[C::LeftShift, C::Colon],
        ']' => &[C::LeftShift, C::Semicolon],
        _ => return None,
    };
    Some(keys)
}

/// The PETSCII code the KERNAL puts in its keyboard buffer when `character` is typed in
/// the power-on mode (letters of either case give the unshifted letter), `None` for
/// characters the keyboard cannot type.
pub fn petscii_for_char(character: char) -> Option<u8> {
    let code = match character {
        'a'..='z' => character.to_ascii_uppercase() as u8,
        ' '..='Z' => character as u8,
        '\n' | '\r' => 0x0d,
        '[' => 0x5b,
        ']' => 0x5d,
        '£' => 0x5c,
        '^' | '↑' => 0x5e,
        '_' | '←' => 0x5f,
        'π' => 0xde,
        _ => return None,
    };
    Some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(keys: &[C64Key]) -> KeyMatrix {
        let mut matrix = KeyMatrix::new();
        for &key in keys {
            matrix.press(key);
        }
        matrix
    }

    /// Port A driving only `column` low (all outputs), as the KERNAL scan does.
    fn scan(matrix: &KeyMatrix, column: u8) -> u8 {
        matrix.lines(!(1 << column), 0xff, 0, 0).1
    }

    #[test]
    fn keys_sit_where_the_c64_matrix_has_them() {
        assert_eq!(C64Key::InstDel.position(), Some((0, 0)));
        assert_eq!(C64Key::Return.position(), Some((0, 1)));
        assert_eq!(C64Key::A.position(), Some((1, 2)));
        assert_eq!(C64Key::LeftShift.position(), Some((1, 7)));
        assert_eq!(C64Key::RightShift.position(), Some((6, 4)));
        assert_eq!(C64Key::Space.position(), Some((7, 4)));
        assert_eq!(C64Key::RunStop.position(), Some((7, 7)));
        assert_eq!(C64Key::Restore.position(), None);
    }

    #[test]
    fn a_held_key_pulls_its_row_low_when_its_column_is_selected() {
        let matrix = held(&[C64Key::A]);
        assert_eq!(scan(&matrix, 1), !0b0000_0100);
        assert_eq!(scan(&matrix, 2), 0xff);
        // Reading the other way round: port B drives row 2 low, port A reads column 1.
        assert_eq!(matrix.lines(0xff, !0b0000_0100, 0, 0).0, !0b0000_0010);
    }

    #[test]
    fn two_keys_in_one_column_read_together() {
        let matrix = held(&[C64Key::A, C64Key::S]);
        assert_eq!(scan(&matrix, 1), !(0b0000_0100 | 0b0010_0000));
    }

    #[test]
    fn three_keys_in_a_rectangle_ghost_the_fourth() {
        // A (1,2), S (1,5), D (2,2) held: selecting column 2 reads D's row and, through
        // A and S, S's row as well, as if F (2,5) were held.
        let matrix = held(&[C64Key::A, C64Key::S, C64Key::D]);
        assert_eq!(scan(&matrix, 2), !(0b0000_0100 | 0b0010_0000));
        assert_eq!(C64Key::F.position(), Some((2, 5)));
    }

    #[test]
    fn joysticks_share_the_keyboard_lines() {
        // Joystick 1 fire (port B bit 4) reads like a key in row 4 of every column.
        let matrix = KeyMatrix::new();
        assert_eq!(matrix.lines(0xfe, 0xff, 0, 0x10).1, !0x10);
        // Joystick 2 up (port A bit 0) held while port A is all high: a key in column 0
        // now shows up on port B although the scan did not select it.
        let matrix = held(&[C64Key::Return]);
        assert_eq!(matrix.lines(0xff, 0xff, 0x01, 0).1, !0b0000_0010);
    }

    #[test]
    fn positional_layout_and_typing() {
        assert_eq!(positional(Key::BracketLeft), &[C64Key::At]);
        assert_eq!(
            positional(Key::ArrowUp),
            &[C64Key::RightShift, C64Key::CursorDown]
        );
        let keys: KeySet = [Key::KeyQ, Key::PageUp].into_iter().collect();
        let (matrix, restore) = matrix_for(&keys);
        assert!(matrix.is_held(C64Key::Q) && restore);
        assert_eq!(keys_for_char('r'), Some(&[C64Key::R][..]));
        assert_eq!(keys_for_char('R'), Some(&[C64Key::R][..]));
        assert_eq!(
            keys_for_char('"'),
            Some(&[C64Key::LeftShift, C64Key::Num2][..])
        );
        assert_eq!(keys_for_char('\n'), Some(&[C64Key::Return][..]));
        assert_eq!(keys_for_char('~'), None);
    }
}
