//! Gamepads and joysticks through gilrs, into the shell's [`Gamepad`] slots, with
//! mappings from SDL_GameControllerDB files for pads gilrs does not know.

use std::path::Path;

use heirloom_shell::{Axis, Buttons, Gamepad};

/// Which gilrs button is which of the shell's [`Buttons`].
const BUTTONS: [(gilrs::Button, Buttons); 15] = [
    (gilrs::Button::DPadUp, Buttons::UP),
    (gilrs::Button::DPadDown, Buttons::DOWN),
    (gilrs::Button::DPadLeft, Buttons::LEFT),
    (gilrs::Button::DPadRight, Buttons::RIGHT),
    (gilrs::Button::South, Buttons::SOUTH),
    (gilrs::Button::East, Buttons::EAST),
    (gilrs::Button::West, Buttons::WEST),
    (gilrs::Button::North, Buttons::NORTH),
    (gilrs::Button::LeftTrigger, Buttons::LEFT_SHOULDER),
    (gilrs::Button::RightTrigger, Buttons::RIGHT_SHOULDER),
    (gilrs::Button::Select, Buttons::SELECT),
    (gilrs::Button::Start, Buttons::START),
    (gilrs::Button::LeftThumb, Buttons::LEFT_STICK),
    (gilrs::Button::RightThumb, Buttons::RIGHT_STICK),
    (gilrs::Button::Mode, Buttons::MODE),
];

/// The connected gamepads, read once per frame.
pub struct Pads {
    gilrs: gilrs::Gilrs,
}

impl Pads {
    /// Starts gamepad support with `mappings` added to the ones gilrs knows, or says in
    /// one line why there is none.
    pub fn open(mappings: &PadMappings) -> Result<Self, String> {
        gilrs::GilrsBuilder::new()
            .add_mappings(&mappings.text)
            .build()
            .map(|gilrs| Self { gilrs })
            .map_err(|err| format!("no gamepads: {err}"))
    }

    /// Takes in the pads' events and fills `slots` with the first four connected pads;
    /// the other slots are emptied.
    pub fn read(&mut self, slots: &mut [Gamepad; 4]) {
        while self.gilrs.next_event().is_some() {}
        *slots = Default::default();
        for (slot, (_, pad)) in slots.iter_mut().zip(self.gilrs.gamepads()) {
            slot.connected = true;
            for (button, bit) in BUTTONS {
                slot.buttons.set(bit, pad.is_pressed(button));
            }
            // gilrs counts stick Y upwards; the shell counts it downwards.
            slot.axes[Axis::LeftX as usize] = pad.value(gilrs::Axis::LeftStickX);
            slot.axes[Axis::LeftY as usize] = -pad.value(gilrs::Axis::LeftStickY);
            slot.axes[Axis::RightX as usize] = pad.value(gilrs::Axis::RightStickX);
            slot.axes[Axis::RightY as usize] = -pad.value(gilrs::Axis::RightStickY);
            slot.axes[Axis::LeftTrigger as usize] = pad
                .button_data(gilrs::Button::LeftTrigger2)
                .map_or(0.0, |data| data.value());
            slot.axes[Axis::RightTrigger as usize] = pad
                .button_data(gilrs::Button::RightTrigger2)
                .map_or(0.0, |data| data.value());
        }
    }
}

/// Gamepad mappings in the SDL_GameControllerDB format, one pad a line:
/// `GUID,name,a:b0,b:b1,…,leftx:a0,dpup:h0.1,…,platform:Linux,`. Lines starting with `#`
/// and blank lines are skipped; lines for other platforms are checked but not used.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PadMappings {
    /// The checked lines, as gilrs takes them.
    text: String,
}

/// Why a gamepad mapping file was refused; one line.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    /// The file could not be read.
    #[error("cannot read the gamepad mappings {origin}: {reason}")]
    Read {
        /// The file.
        origin: String,
        /// What the system said.
        reason: String,
    },
    /// A line is not an SDL_GameControllerDB mapping.
    #[error("gamepad mappings {origin}, line {line}: {reason}")]
    Line {
        /// The file.
        origin: String,
        /// The line's number, from 1.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// The file holds no mapping at all.
    #[error("gamepad mappings {origin}: no mapping lines (GUID,name,a:b0,...)")]
    Empty {
        /// The file.
        origin: String,
    },
}

/// The gamepad parts a mapping can bind (SDL's names), besides `platform`, `crc`,
/// `hint` and `sdk>=` / `sdk<=`, which describe the mapping itself.
const PARTS: [&str; 37] = [
    "a",
    "b",
    "x",
    "y",
    "back",
    "guide",
    "start",
    "leftstick",
    "rightstick",
    "leftshoulder",
    "rightshoulder",
    "dpup",
    "dpdown",
    "dpleft",
    "dpright",
    "misc1",
    "misc2",
    "misc3",
    "misc4",
    "misc5",
    "misc6",
    "paddle1",
    "paddle2",
    "paddle3",
    "paddle4",
    "touchpad",
    "leftx",
    "lefty",
    "rightx",
    "righty",
    "lefttrigger",
    "righttrigger",
    "platform",
    "crc",
    "hint",
    "sdk>=",
    "sdk<=",
];

impl PadMappings {
    /// Reads and checks the mapping file at `path`.
    pub fn read(path: &Path) -> Result<Self, MappingError> {
        let origin = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|err| MappingError::Read {
            origin: origin.clone(),
            reason: err.to_string(),
        })?;
        let text = String::from_utf8(bytes).map_err(|_| MappingError::Read {
            origin: origin.clone(),
            reason: "not a text file (not UTF-8)".to_owned(),
        })?;
        Self::parse(&origin, &text)
    }

    /// Checks the mappings in `text`, read from `origin` (named in errors).
    pub fn parse(origin: &str, text: &str) -> Result<Self, MappingError> {
        let mut checked = String::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            check_line(line).map_err(|reason| MappingError::Line {
                origin: origin.to_owned(),
                line: index + 1,
                reason,
            })?;
            checked.push_str(line);
            checked.push('\n');
        }
        if checked.is_empty() {
            return Err(MappingError::Empty {
                origin: origin.to_owned(),
            });
        }
        Ok(Self { text: checked })
    }

    /// How many mappings there are (for all platforms).
    pub fn len(&self) -> usize {
        self.text.lines().count()
    }

    /// Whether there are none (the default: only the mappings gilrs knows).
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// Checks one mapping line; says what is wrong otherwise.
fn check_line(line: &str) -> Result<(), String> {
    let mut fields = line.split(',');
    let guid = fields.next().unwrap_or_default();
    if guid.len() != 32 || !guid.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!(
            "{guid:?} is not a gamepad GUID (32 hex digits) at the start of the line"
        ));
    }
    match fields.next() {
        Some(name) if !name.trim().is_empty() => {}
        _ => return Err("no gamepad name after the GUID".to_owned()),
    }
    let mut bound = 0;
    for field in fields.filter(|field| !field.is_empty()) {
        let (part, binding) = field
            .split_once(':')
            .ok_or_else(|| format!("{field:?} is not part:binding"))?;
        let name = part.strip_prefix(['+', '-']).unwrap_or(part);
        if !PARTS.contains(&name) {
            return Err(format!(
                "{part:?} is not a gamepad part (a, b, dpup, leftx, ...)"
            ));
        }
        match name {
            "platform" | "hint" | "sdk>=" | "sdk<=" if !binding.is_empty() => {}
            "crc" if binding.len() == 4 && binding.bytes().all(|b| b.is_ascii_hexdigit()) => {}
            "platform" | "hint" | "sdk>=" | "sdk<=" | "crc" => {
                return Err(format!("{field:?} has no valid value"));
            }
            _ if is_binding(binding) => bound += 1,
            _ => {
                return Err(format!(
                    "{binding:?} (for {part}) is not a button, axis or hat: b3, a2, +a2, a2~, h0.4"
                ));
            }
        }
    }
    if bound == 0 {
        return Err("the mapping binds no button or axis".to_owned());
    }
    Ok(())
}

/// Whether `binding` names a device input: `bN`, `hN.M` (M one of 1 2 4 8), or `aN`
/// with an optional `+`/`-` half in front and `~` (inverted) behind.
fn is_binding(binding: &str) -> bool {
    let number = |digits: &str| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    if let Some(button) = binding.strip_prefix('b') {
        return number(button);
    }
    if let Some(hat) = binding.strip_prefix('h') {
        return hat
            .split_once('.')
            .is_some_and(|(hat, mask)| number(hat) && matches!(mask, "1" | "2" | "4" | "8"));
    }
    let axis = binding.strip_prefix(['+', '-']).unwrap_or(binding);
    let axis = axis.strip_suffix('~').unwrap_or(axis);
    axis.strip_prefix('a').is_some_and(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAD: &str = "03000000790000000600000010010000,DragonRise Inc. Generic USB \
        Joystick,a:b2,b:b1,x:b3,y:b0,back:b8,start:b9,leftshoulder:b4,rightshoulder:b5,\
        dpup:h0.1,dpdown:h0.4,dpleft:h0.8,dpright:h0.2,leftx:a0,lefty:a1,-rightx:a3,\
        lefttrigger:+a2,righttrigger:a5~,platform:Linux,";

    #[test]
    fn controller_db_lines_are_taken() {
        let text = format!(
            "# a comment\n\n{PAD}\n{}\n",
            PAD.replace("Linux", "Windows")
        );
        let mappings = PadMappings::parse("pads.txt", &text).unwrap();
        assert_eq!(mappings.len(), 2);
        assert!(
            mappings
                .text
                .starts_with("03000000790000000600000010010000,")
        );
        assert!(PadMappings::default().is_empty());
    }

    #[test]
    fn a_bad_file_gives_one_clear_line() {
        let cases = [
            (
                "0300000079,Pad,a:b0,",
                "line 1: \"0300000079\" is not a gamepad GUID",
            ),
            (
                "03000000790000000600000010010000,Pad,a:b0,jump:b1,",
                "line 1: \"jump\" is not a gamepad part",
            ),
            (
                "# pads\n03000000790000000600000010010000,Pad,a:q7,",
                "line 2: \"q7\" (for a) is not a button, axis or hat",
            ),
            (
                "03000000790000000600000010010000,Pad,dpup:h0.3,",
                "is not a button, axis or hat",
            ),
            ("03000000790000000600000010010000,,a:b0", "no gamepad name"),
            (
                "03000000790000000600000010010000,Pad,a b0",
                "\"a b0\" is not part:binding",
            ),
            (
                "03000000790000000600000010010000,Pad,platform:Linux,",
                "binds no button or axis",
            ),
            ("# only a comment\n", "no mapping lines"),
        ];
        for (text, expected) in cases {
            let message = PadMappings::parse("pads.txt", text)
                .unwrap_err()
                .to_string();
            assert!(
                message.starts_with("gamepad mappings pads.txt"),
                "{message}"
            );
            assert!(message.contains(expected), "{message:?} lacks {expected:?}");
            assert!(!message.contains('\n'), "one line: {message:?}");
        }
        let missing = PadMappings::read(Path::new("no/such/pads.txt")).unwrap_err();
        assert!(
            missing
                .to_string()
                .starts_with("cannot read the gamepad mappings no/such/pads.txt: "),
            "{missing}"
        );
    }
}
