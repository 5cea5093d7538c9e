//! The input snapshot a core reads each frame.

/// Everything the user is doing at the start of a frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InputState {
    /// Keys held down, by physical position.
    pub keys: KeySet,
    /// Text typed since the previous frame (pasted text, an IME, `--type`), in order.
    pub text: String,
    /// Up to four joysticks or gamepads; a joystick is a gamepad with a d-pad and a fire
    /// button ([`Buttons::SOUTH`]).
    pub gamepads: [Gamepad; 4],
    /// The mouse, a touch or a light pen.
    pub pointer: Pointer,
}

impl InputState {
    /// Bytes of [`abi_snapshot`](Self::abi_snapshot).
    pub const ABI_SNAPSHOT_SIZE: usize = 172;

    /// The snapshot in the layout wasm apps read it (`heirloom_input` of `heirloom.h`,
    /// little-endian): the frame number, the held keys as a bit set indexed by [`Key`]'s
    /// number, the pointer, the length of the typed text and the four gamepads.
    pub fn abi_snapshot(&self, frame: u32) -> [u8; Self::ABI_SNAPSHOT_SIZE] {
        let mut out = [0u8; Self::ABI_SNAPSHOT_SIZE];
        let mut put = |at: usize, bytes: [u8; 4]| out[at..at + 4].copy_from_slice(&bytes);
        put(0, frame.to_le_bytes());
        let mut keys = [0u32; 4];
        for key in self.keys.iter() {
            let code = key as usize;
            keys[code / 32] |= 1 << (code % 32);
        }
        for (i, word) in keys.iter().enumerate() {
            put(4 + 4 * i, word.to_le_bytes());
        }
        let pointer = &self.pointer;
        let (x, y) = pointer.position.unwrap_or((0.0, 0.0));
        put(20, u32::from(pointer.position.is_some()).to_le_bytes());
        put(24, x.to_le_bytes());
        put(28, y.to_le_bytes());
        put(32, u32::from(pointer.buttons).to_le_bytes());
        put(36, pointer.wheel.to_le_bytes());
        put(40, (self.text.len() as u32).to_le_bytes());
        for (i, pad) in self.gamepads.iter().enumerate() {
            let base = 44 + 32 * i;
            put(base, u32::from(pad.connected).to_le_bytes());
            put(base + 4, pad.buttons.bits().to_le_bytes());
            for (axis, value) in pad.axes.iter().enumerate() {
                put(base + 8 + 4 * axis, value.to_le_bytes());
            }
        }
        out
    }
}

/// A gamepad or joystick.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Gamepad {
    /// Whether a device is plugged into this slot.
    pub connected: bool,
    /// Buttons and d-pad directions held.
    pub buttons: Buttons,
    /// Analogue axes in `-1.0..=1.0` (triggers `0.0..=1.0`), indexed by [`Axis`].
    pub axes: [f32; Axis::COUNT],
}

impl Gamepad {
    /// The value of `axis`.
    pub fn axis(&self, axis: Axis) -> f32 {
        self.axes[axis as usize]
    }
}

/// The analogue axes of a [`Gamepad`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Axis {
    /// Left stick, left (-1) to right (+1).
    LeftX,
    /// Left stick, up (-1) to down (+1).
    LeftY,
    /// Right stick, left (-1) to right (+1).
    RightX,
    /// Right stick, up (-1) to down (+1).
    RightY,
    /// Left trigger, released (0) to pressed (1).
    LeftTrigger,
    /// Right trigger, released (0) to pressed (1).
    RightTrigger,
}

impl Axis {
    /// Number of axes.
    pub const COUNT: usize = 6;
}

/// A set of gamepad buttons, named by position as on a standard pad.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Buttons(u32);

impl Buttons {
    /// No button.
    pub const NONE: Self = Self(0);
    /// D-pad up (joystick up).
    pub const UP: Self = Self(1 << 0);
    /// D-pad down (joystick down).
    pub const DOWN: Self = Self(1 << 1);
    /// D-pad left (joystick left).
    pub const LEFT: Self = Self(1 << 2);
    /// D-pad right (joystick right).
    pub const RIGHT: Self = Self(1 << 3);
    /// The lower face button (A on Xbox pads, cross on PlayStation); a joystick's fire.
    pub const SOUTH: Self = Self(1 << 4);
    /// The right face button.
    pub const EAST: Self = Self(1 << 5);
    /// The left face button.
    pub const WEST: Self = Self(1 << 6);
    /// The upper face button.
    pub const NORTH: Self = Self(1 << 7);
    /// Left shoulder.
    pub const LEFT_SHOULDER: Self = Self(1 << 8);
    /// Right shoulder.
    pub const RIGHT_SHOULDER: Self = Self(1 << 9);
    /// Select / back / share.
    pub const SELECT: Self = Self(1 << 10);
    /// Start / menu / options.
    pub const START: Self = Self(1 << 11);
    /// Left stick pressed.
    pub const LEFT_STICK: Self = Self(1 << 12);
    /// Right stick pressed.
    pub const RIGHT_STICK: Self = Self(1 << 13);
    /// The guide / home button.
    pub const MODE: Self = Self(1 << 14);

    /// Whether every button of `other` is held.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// Adds or removes the buttons of `other`.
    pub fn set(&mut self, other: Self, held: bool) {
        if held {
            self.0 |= other.0;
        } else {
            self.0 &= !other.0;
        }
    }

    /// The buttons as a bit mask (bit order as the constants above).
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// The buttons of a bit mask as [`bits`](Self::bits) makes it; bits naming no
    /// button are dropped.
    pub const fn from_bits(bits: u32) -> Self {
        Self(bits & ((Self::MODE.0 << 1) - 1))
    }
}

impl std::ops::BitOr for Buttons {
    type Output = Self;

    fn bitor(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }
}

/// The pointer: a mouse, a touch or a light pen.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Pointer {
    /// Position in framebuffer pixels, `None` when outside the picture.
    pub position: Option<(f32, f32)>,
    /// Buttons held: bit 0 primary (left), bit 1 secondary (right), bit 2 middle.
    pub buttons: u8,
    /// Wheel movement since the previous frame, in notches (positive = away from the user).
    pub wheel: f32,
}

/// Defines [`Key`] from one list of (variant, `KeyboardEvent.code` name) pairs.
macro_rules! keys {
    ($($key:ident = $code:literal,)*) => {
        /// A key by its physical position on a PC keyboard (US layout names), as the W3C
        /// `KeyboardEvent.code` values name them: `KeyZ` is the key left of `KeyX` whatever
        /// the layout prints on it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        #[allow(missing_docs)]
        pub enum Key { $($key,)* }

        impl Key {
            /// Every key, in declaration order.
            pub const ALL: &'static [Key] = &[$(Key::$key,)*];

            /// The key's `KeyboardEvent.code` name (e.g. `"KeyA"`, `"ShiftLeft"`).
            pub const fn code(self) -> &'static str {
                match self { $(Key::$key => $code,)* }
            }

            /// The key with `KeyboardEvent.code` name `code`.
            pub fn from_code(code: &str) -> Option<Key> {
                match code { $($code => Some(Key::$key),)* _ => None }
            }
        }
    };
}

keys! {
    Escape = "Escape", F1 = "F1", F2 = "F2", F3 = "F3", F4 = "F4", F5 = "F5", F6 = "F6",
    F7 = "F7", F8 = "F8", F9 = "F9", F10 = "F10", F11 = "F11", F12 = "F12",
    Backquote = "Backquote", Digit1 = "Digit1", Digit2 = "Digit2", Digit3 = "Digit3",
    Digit4 = "Digit4", Digit5 = "Digit5", Digit6 = "Digit6", Digit7 = "Digit7",
    Digit8 = "Digit8", Digit9 = "Digit9", Digit0 = "Digit0", Minus = "Minus", Equal = "Equal",
    Backspace = "Backspace", Tab = "Tab", KeyQ = "KeyQ", KeyW = "KeyW", KeyE = "KeyE",
    KeyR = "KeyR", KeyT = "KeyT", KeyY = "KeyY", KeyU = "KeyU", KeyI = "KeyI", KeyO = "KeyO",
    KeyP = "KeyP", BracketLeft = "BracketLeft", BracketRight = "BracketRight",
    Backslash = "Backslash", CapsLock = "CapsLock", KeyA = "KeyA", KeyS = "KeyS",
    KeyD = "KeyD", KeyF = "KeyF", KeyG = "KeyG", KeyH = "KeyH", KeyJ = "KeyJ", KeyK = "KeyK",
    KeyL = "KeyL", Semicolon = "Semicolon", Quote = "Quote", Enter = "Enter",
    ShiftLeft = "ShiftLeft", IntlBackslash = "IntlBackslash", KeyZ = "KeyZ", KeyX = "KeyX",
    KeyC = "KeyC", KeyV = "KeyV", KeyB = "KeyB", KeyN = "KeyN", KeyM = "KeyM",
    Comma = "Comma", Period = "Period", Slash = "Slash", ShiftRight = "ShiftRight",
    ControlLeft = "ControlLeft", MetaLeft = "MetaLeft", AltLeft = "AltLeft", Space = "Space",
    AltRight = "AltRight", MetaRight = "MetaRight", ContextMenu = "ContextMenu",
    ControlRight = "ControlRight", PrintScreen = "PrintScreen", ScrollLock = "ScrollLock",
    Pause = "Pause", Insert = "Insert", Home = "Home", PageUp = "PageUp", Delete = "Delete",
    End = "End", PageDown = "PageDown", ArrowUp = "ArrowUp", ArrowLeft = "ArrowLeft",
    ArrowDown = "ArrowDown", ArrowRight = "ArrowRight", NumLock = "NumLock",
    NumpadDivide = "NumpadDivide", NumpadMultiply = "NumpadMultiply",
    NumpadSubtract = "NumpadSubtract", NumpadAdd = "NumpadAdd", NumpadEnter = "NumpadEnter",
    NumpadDecimal = "NumpadDecimal", Numpad0 = "Numpad0", Numpad1 = "Numpad1",
    Numpad2 = "Numpad2", Numpad3 = "Numpad3", Numpad4 = "Numpad4", Numpad5 = "Numpad5",
    Numpad6 = "Numpad6", Numpad7 = "Numpad7", Numpad8 = "Numpad8", Numpad9 = "Numpad9",
}

/// The set of keys held down.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct KeySet([u64; 2]);

impl KeySet {
    /// No key held.
    pub const fn new() -> Self {
        Self([0; 2])
    }

    /// Whether `key` is held.
    pub const fn contains(&self, key: Key) -> bool {
        let bit = key as usize;
        self.0[bit / 64] & (1 << (bit % 64)) != 0
    }

    /// Marks `key` as held or released.
    pub fn set(&mut self, key: Key, held: bool) {
        let bit = key as usize;
        if held {
            self.0[bit / 64] |= 1 << (bit % 64);
        } else {
            self.0[bit / 64] &= !(1 << (bit % 64));
        }
    }

    /// Whether no key is held.
    pub const fn is_empty(&self) -> bool {
        self.0[0] == 0 && self.0[1] == 0
    }

    /// The held keys, in [`Key::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = Key> + '_ {
        Key::ALL.iter().copied().filter(|&key| self.contains(key))
    }
}

impl FromIterator<Key> for KeySet {
    fn from_iter<I: IntoIterator<Item = Key>>(keys: I) -> Self {
        let mut set = Self::new();
        for key in keys {
            set.set(key, true);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_fits_the_set_and_round_trips_its_code() {
        assert!(Key::ALL.len() <= 128);
        for &key in Key::ALL {
            assert_eq!(Key::from_code(key.code()), Some(key));
        }
        assert_eq!(Key::from_code("NotAKey"), None);
    }

    #[test]
    fn key_set_holds_exactly_what_was_pressed() {
        let mut keys: KeySet = [Key::KeyA, Key::Numpad9].into_iter().collect();
        assert!(keys.contains(Key::KeyA) && keys.contains(Key::Numpad9));
        assert!(!keys.contains(Key::KeyB));
        keys.set(Key::KeyA, false);
        assert_eq!(keys.iter().collect::<Vec<_>>(), vec![Key::Numpad9]);
        keys.set(Key::Numpad9, false);
        assert!(keys.is_empty());
    }

    #[test]
    fn buttons_combine_and_release() {
        let mut buttons = Buttons::UP | Buttons::SOUTH;
        assert!(buttons.contains(Buttons::SOUTH));
        buttons.set(Buttons::SOUTH, false);
        assert_eq!(buttons, Buttons::UP);
    }
}
