//! From winit's key codes to the shell's positional keys.

use heirloom_shell::Key;
use winit::keyboard::KeyCode;

/// The positional [`Key`] at `code`, or `None` for keys the shell does not name.
///
/// winit names its key codes after the W3C `KeyboardEvent.code` values, as the shell
/// does, except for the logo keys (winit's `Super`, the W3C's `Meta`).
pub fn key_for(code: KeyCode) -> Option<Key> {
    match code {
        KeyCode::SuperLeft => Some(Key::MetaLeft),
        KeyCode::SuperRight => Some(Key::MetaRight),
        other => Key::from_code(&format!("{other:?}")),
    }
}
