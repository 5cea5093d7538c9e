//! Typing text into the machine.
//!
//! While the KERNAL's keyboard scan is in charge (its IRQ handler at $EA31 behind the
//! $0314 vector, the KERNAL banked in), text goes straight into its keyboard buffer
//! ($0277, count at $C6), as many characters as the buffer holds (`XMAX`, $0289) each time
//! it is empty: a long listing pastes at the speed the screen editor takes it, without a
//! lost key. Otherwise (a program reading the keyboard itself) each character's keys are
//! pressed on the matrix: held for [`HOLD_FRAMES`] frames and released for
//! [`RELEASE_FRAMES`], so any scanning routine sees every key, repeated letters included.
//! Characters the keyboard cannot type are skipped.

use std::collections::VecDeque;

use heirloom_shell::{StateError, StateReader, StateWriter};

use crate::keyboard::{C64Key, keys_for_char, petscii_for_char};

/// Frames a typed character's keys are held.
pub const HOLD_FRAMES: u8 = 2;
/// Frames with no typed key between two characters.
pub const RELEASE_FRAMES: u8 = 2;

/// Text waiting to be typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Typing {
    queue: VecDeque<char>,
    /// Frames spent on the character at the front of the queue.
    frame: u8,
}

impl Typing {
    /// Queues `text` after what is already waiting.
    pub fn push_text(&mut self, text: &str) {
        self.queue
            .extend(text.chars().filter(|&c| keys_for_char(c).is_some()));
    }

    /// Whether everything queued has been typed.
    pub fn is_idle(&self) -> bool {
        self.queue.is_empty()
    }

    /// Moves waiting characters into the KERNAL's keyboard buffer in `ram` if it is empty,
    /// as many as it holds. Does nothing in the middle of pressing a character's keys.
    pub fn fill_keyboard_buffer(&mut self, ram: &mut [u8]) {
        const KEYD: usize = 0x0277;
        const NDX: usize = 0xc6;
        const XMAX: usize = 0x0289;
        if self.frame != 0 || ram[NDX] != 0 {
            return;
        }
        let room = usize::from(ram[XMAX]).clamp(1, 10);
        let mut count = 0;
        while count < room {
            let Some(character) = self.queue.pop_front() else {
                break;
            };
            if let Some(code) = petscii_for_char(character) {
                ram[KEYD + count] = code;
                count += 1;
            }
        }
        ram[NDX] = count as u8;
    }

    /// Whether a character's keys are being pressed on the matrix right now.
    pub fn pressing(&self) -> bool {
        self.frame != 0
    }

    /// The keys to hold during the coming frame; moves on by one frame.
    pub fn next_frame(&mut self) -> &'static [C64Key] {
        let Some(&character) = self.queue.front() else {
            return &[];
        };
        let keys = if self.frame < HOLD_FRAMES {
            keys_for_char(character).unwrap_or(&[])
        } else {
            &[]
        };
        self.frame += 1;
        if self.frame == HOLD_FRAMES + RELEASE_FRAMES {
            self.frame = 0;
            self.queue.pop_front();
        }
        keys
    }

    /// Appends the queue to a save state.
    pub fn save(&self, out: &mut StateWriter) {
        let text: String = self.queue.iter().collect();
        out.sized_bytes(text.as_bytes()).u8(self.frame);
    }

    /// Reads a queue written by [`save`](Self::save).
    pub fn load(input: &mut StateReader<'_>) -> Result<Self, StateError> {
        let text = std::str::from_utf8(input.sized_bytes()?)
            .map_err(|_| StateError::Payload("typed text is not UTF-8".into()))?;
        let mut typing = Self::default();
        typing.push_text(text);
        typing.frame = input.u8()?;
        Ok(typing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_character_is_held_then_released() {
        let mut typing = Typing::default();
        typing.push_text("LL\n");
        let frames: Vec<&[C64Key]> = (0..13).map(|_| typing.next_frame()).collect();
        let l: &[C64Key] = &[C64Key::L];
        let none: &[C64Key] = &[];
        let ret: &[C64Key] = &[C64Key::Return];
        assert_eq!(
            frames,
            [
                l, l, none, none, l, l, none, none, ret, ret, none, none, none
            ]
        );
        assert!(typing.is_idle());
    }

    #[test]
    fn the_keyboard_buffer_takes_ten_characters_at_a_time() {
        let mut ram = vec![0u8; 0x10000];
        ram[0x0289] = 10;
        let mut typing = Typing::default();
        typing.push_text("10 print\"hi\"\n");
        typing.fill_keyboard_buffer(&mut ram);
        assert_eq!(ram[0xc6], 10);
        assert_eq!(&ram[0x0277..0x0281], b"10 PRINT\"H");
        typing.fill_keyboard_buffer(&mut ram);
        assert_eq!(ram[0xc6], 10, "nothing more while the buffer is not empty");
        ram[0xc6] = 0;
        typing.fill_keyboard_buffer(&mut ram);
        assert_eq!(&ram[0x0277..0x027a], b"I\"\r");
        assert_eq!(ram[0xc6], 3);
        assert!(typing.is_idle());
    }

    #[test]
    fn untypeable_characters_are_skipped() {
        let mut typing = Typing::default();
        typing.push_text("~A");
        assert_eq!(typing.next_frame(), &[C64Key::A]);
    }
}
