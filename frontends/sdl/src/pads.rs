//! Gamepads and joysticks through gilrs, into the shell's [`Gamepad`] slots.

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
    /// Starts gamepad support, or says in one line why there is none.
    pub fn open() -> Result<Self, String> {
        gilrs::Gilrs::new()
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
