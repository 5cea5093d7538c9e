//! From SDL's scancodes to the shell's positional keys and the numpad joystick.
//!
//! SDL scancodes, like the shell's [`Key`], name a key by where it sits on a US PC
//! keyboard, not by what it prints, so the mapping is one to one.

use heirloom_shell::{Buttons, Key};
use sdl2::keyboard::Scancode;

/// The positional [`Key`] at scancode `code`, or `None` for keys the shell does not name
/// (media keys, the international keys of Japanese and Brazilian keyboards, …).
pub fn key_for(code: Scancode) -> Option<Key> {
    use Scancode as S;
    Some(match code {
        S::Escape => Key::Escape,
        S::F1 => Key::F1,
        S::F2 => Key::F2,
        S::F3 => Key::F3,
        S::F4 => Key::F4,
        S::F5 => Key::F5,
        S::F6 => Key::F6,
        S::F7 => Key::F7,
        S::F8 => Key::F8,
        S::F9 => Key::F9,
        S::F10 => Key::F10,
        S::F11 => Key::F11,
        S::F12 => Key::F12,
        S::Grave => Key::Backquote,
        S::Num1 => Key::Digit1,
        S::Num2 => Key::Digit2,
        S::Num3 => Key::Digit3,
        S::Num4 => Key::Digit4,
        S::Num5 => Key::Digit5,
        S::Num6 => Key::Digit6,
        S::Num7 => Key::Digit7,
        S::Num8 => Key::Digit8,
        S::Num9 => Key::Digit9,
        S::Num0 => Key::Digit0,
        S::Minus => Key::Minus,
        S::Equals => Key::Equal,
        S::Backspace => Key::Backspace,
        S::Tab => Key::Tab,
        S::Q => Key::KeyQ,
        S::W => Key::KeyW,
        S::E => Key::KeyE,
        S::R => Key::KeyR,
        S::T => Key::KeyT,
        S::Y => Key::KeyY,
        S::U => Key::KeyU,
        S::I => Key::KeyI,
        S::O => Key::KeyO,
        S::P => Key::KeyP,
        S::LeftBracket => Key::BracketLeft,
        S::RightBracket => Key::BracketRight,
        // The key above Enter; on ISO keyboards SDL reports it as the "non-US hash" key.
        S::Backslash | S::NonUsHash => Key::Backslash,
        S::CapsLock => Key::CapsLock,
        S::A => Key::KeyA,
        S::S => Key::KeyS,
        S::D => Key::KeyD,
        S::F => Key::KeyF,
        S::G => Key::KeyG,
        S::H => Key::KeyH,
        S::J => Key::KeyJ,
        S::K => Key::KeyK,
        S::L => Key::KeyL,
        S::Semicolon => Key::Semicolon,
        S::Apostrophe => Key::Quote,
        S::Return => Key::Enter,
        S::LShift => Key::ShiftLeft,
        S::NonUsBackslash => Key::IntlBackslash,
        S::Z => Key::KeyZ,
        S::X => Key::KeyX,
        S::C => Key::KeyC,
        S::V => Key::KeyV,
        S::B => Key::KeyB,
        S::N => Key::KeyN,
        S::M => Key::KeyM,
        S::Comma => Key::Comma,
        S::Period => Key::Period,
        S::Slash => Key::Slash,
        S::RShift => Key::ShiftRight,
        S::LCtrl => Key::ControlLeft,
        S::LGui => Key::MetaLeft,
        S::LAlt => Key::AltLeft,
        S::Space => Key::Space,
        S::RAlt => Key::AltRight,
        S::RGui => Key::MetaRight,
        S::Application => Key::ContextMenu,
        S::RCtrl => Key::ControlRight,
        S::PrintScreen => Key::PrintScreen,
        S::ScrollLock => Key::ScrollLock,
        S::Pause => Key::Pause,
        S::Insert => Key::Insert,
        S::Home => Key::Home,
        S::PageUp => Key::PageUp,
        S::Delete => Key::Delete,
        S::End => Key::End,
        S::PageDown => Key::PageDown,
        S::Up => Key::ArrowUp,
        S::Left => Key::ArrowLeft,
        S::Down => Key::ArrowDown,
        S::Right => Key::ArrowRight,
        S::NumLockClear => Key::NumLock,
        S::KpDivide => Key::NumpadDivide,
        S::KpMultiply => Key::NumpadMultiply,
        S::KpMinus => Key::NumpadSubtract,
        S::KpPlus => Key::NumpadAdd,
        S::KpEnter => Key::NumpadEnter,
        S::KpPeriod => Key::NumpadDecimal,
        S::Kp0 => Key::Numpad0,
        S::Kp1 => Key::Numpad1,
        S::Kp2 => Key::Numpad2,
        S::Kp3 => Key::Numpad3,
        S::Kp4 => Key::Numpad4,
        S::Kp5 => Key::Numpad5,
        S::Kp6 => Key::Numpad6,
        S::Kp7 => Key::Numpad7,
        S::Kp8 => Key::Numpad8,
        S::Kp9 => Key::Numpad9,
        _ => return None,
    })
}

/// The joystick directions and fire button a numpad key stands for: 8 2 4 6 up, down,
/// left, right; 7 9 1 3 the diagonals; 0 (and 5) fire.
pub fn numpad_joystick(key: Key) -> Option<Buttons> {
    Some(match key {
        Key::Numpad8 => Buttons::UP,
        Key::Numpad2 => Buttons::DOWN,
        Key::Numpad4 => Buttons::LEFT,
        Key::Numpad6 => Buttons::RIGHT,
        Key::Numpad7 => Buttons::UP | Buttons::LEFT,
        Key::Numpad9 => Buttons::UP | Buttons::RIGHT,
        Key::Numpad1 => Buttons::DOWN | Buttons::LEFT,
        Key::Numpad3 => Buttons::DOWN | Buttons::RIGHT,
        Key::Numpad0 | Key::Numpad5 => Buttons::SOUTH,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_key_has_exactly_one_scancode() {
        let mut found = Vec::new();
        // Every key the shell names sits in these two runs of the USB keyboard page.
        for raw in (4..=101).chain(224..=231) {
            if let Some(code) = Scancode::from_i32(raw)
                && let Some(key) = key_for(code)
                && code != Scancode::NonUsHash
            {
                found.push(key);
            }
        }
        found.sort();
        let mut all = Key::ALL.to_vec();
        all.sort();
        assert_eq!(found, all);
    }

    #[test]
    fn keys_keep_their_position() {
        assert_eq!(key_for(Scancode::Z), Some(Key::KeyZ));
        assert_eq!(key_for(Scancode::Grave), Some(Key::Backquote));
        assert_eq!(key_for(Scancode::Return), Some(Key::Enter));
        assert_eq!(key_for(Scancode::NonUsHash), Some(Key::Backslash));
        assert_eq!(key_for(Scancode::Mute), None);
    }

    #[test]
    fn numpad_moves_the_joystick() {
        assert_eq!(numpad_joystick(Key::Numpad8), Some(Buttons::UP));
        assert_eq!(
            numpad_joystick(Key::Numpad3),
            Some(Buttons::DOWN | Buttons::RIGHT)
        );
        assert_eq!(numpad_joystick(Key::Numpad0), Some(Buttons::SOUTH));
        assert_eq!(numpad_joystick(Key::KeyA), None);
    }
}
