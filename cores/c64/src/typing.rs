//! Typing text into the machine by pressing its keys, the way a person would.
//!
//! Each character is held for [`HOLD_FRAMES`] frames and released for [`RELEASE_FRAMES`],
//! so any program that scans the keyboard (the KERNAL's 60 Hz scan, a game's own routine)
//! sees every key, repeated letters included. Characters the keyboard cannot type are
//! skipped.

use std::collections::VecDeque;

use heirloom_shell::{StateError, StateReader, StateWriter};

use crate::keyboard::{C64Key, keys_for_char};

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
    fn untypeable_characters_are_skipped() {
        let mut typing = Typing::default();
        typing.push_text("~A");
        assert_eq!(typing.next_frame(), &[C64Key::A]);
    }
}
