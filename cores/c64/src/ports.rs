//! The control ports' analogue lines: paddles and the 1351 mouse on the SID's POTX/POTY.
//!
//! # Which port the SID reads
//! Each control port has two POT lines (pins 9 and 5: POTX and POTY). The SID has one
//! pair of POT pins; a 4066 analogue switch joins them to port 1's lines while CIA 1's PA6
//! is high and to port 2's while PA7 is high. The switch follows the *pin* levels of
//! PA6/PA7 (what the port drives, pulled low through held keys as the keyboard matrix
//! does). Neither high: nothing is joined to the SID, which reads $FF (its capacitor never
//! charges past the threshold in the count). Both high: both ports' lines are joined at
//! once (see [`PotLine::joined`]). Programs avoid this ("do not use paddles on both ports
//! at the same time"), but it happens after a reset, until port A's lines are made outputs:
//! inputs float high.
//!
//! # Timing
//! The SID measures its POT pins in a free-running 512-cycle period: 256 cycles discharging
//! the capacitor, 256 counting until it charges past the threshold, and the count is latched
//! into POTX/POTY at the end. Here the machine latches at every cycle whose count since
//! power-on is a multiple of 512, with the value the selected devices give at that cycle.
//! A program that switches ports therefore reads the old port's value until the next
//! period ends, as on a real C64 (drivers wait over 512 cycles after switching). Devices'
//! values change once per frame, when the shell's input is applied.
//!
//! # Devices
//! - **Paddles** ([`paddle_value`]): two potentiometers per port, a fire button each (on
//!   the port's "left" and "right" joystick lines, bits 2 and 3).
//! - **1351 mouse** in proportional mode ([`Mouse1351`]): it counts its own motion and
//!   places its X and Y counters (mod 64) in bits 1–6 of POTX/POTY; the left button is the
//!   joystick fire line (bit 4), the right button the "up" line (bit 0).

use heirloom_shell::{Pointer, StateError, StateReader, StateWriter};

/// What is plugged into a control port (the `port1` and `port2` options).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Device {
    /// A digital joystick (a gamepad's d-pad or left stick, its south button fire); the
    /// POT lines are open.
    #[default]
    Joystick,
    /// A pair of paddles: the gamepad's left-stick X and south button are the first
    /// (POTX), its right-stick X and east button the second (POTY).
    Paddles,
    /// A 1351 mouse in proportional mode, moved by the pointer.
    Mouse,
}

impl Device {
    /// The option value naming the device.
    pub fn name(self) -> &'static str {
        match self {
            Self::Joystick => "joystick",
            Self::Paddles => "paddles",
            Self::Mouse => "mouse",
        }
    }

    /// The device an option value names.
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Joystick, Self::Paddles, Self::Mouse]
            .into_iter()
            .find(|device| device.name() == name)
    }
}

/// What a device presents on one POT line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PotLine {
    /// Nothing holds the line: the SID counts to the end, $FF.
    #[default]
    Open,
    /// A resistance to +5 V (a paddle's potentiometer), given as the count the SID reaches
    /// while the capacitor charges through it (proportional to the resistance).
    Resistive(u8),
    /// A device driving the line high itself at the given count (the 1351 mouse times its
    /// pulse from the SID's discharge).
    Driven(u8),
}

impl PotLine {
    /// What the SID latches from this line.
    pub fn value(self) -> u8 {
        match self {
            Self::Open => 0xff,
            Self::Resistive(count) | Self::Driven(count) => count,
        }
    }

    /// The line with `other` joined to it (both control ports switched to the SID). Two
    /// resistances are in parallel, so the capacitor charges faster than through either:
    /// `a·b / (a + b)`. A driven line crosses the threshold at the earlier of its own time
    /// and the other line's.
    pub fn joined(self, other: Self) -> Self {
        match (self, other) {
            (Self::Open, line) | (line, Self::Open) => line,
            (Self::Resistive(a), Self::Resistive(b)) => {
                let (a, b) = (u32::from(a), u32::from(b));
                // Both 0: a short circuit, counted as 0.
                Self::Resistive((a * b).checked_div(a + b).unwrap_or(0) as u8)
            }
            (Self::Driven(a), Self::Driven(b))
            | (Self::Driven(a), Self::Resistive(b))
            | (Self::Resistive(a), Self::Driven(b)) => Self::Driven(a.min(b)),
        }
    }
}

/// What the SID's POT pins see for the CIA 1 port A pin levels `port_a`, with `ports` the
/// POTX/POTY lines of control ports 1 and 2 (see the module docs).
pub fn selected_pots(port_a: u8, ports: [[PotLine; 2]; 2]) -> [PotLine; 2] {
    let [port1, port2] = ports;
    match port_a >> 6 {
        0b01 => port1,
        0b10 => port2,
        0b11 => [port1[0].joined(port2[0]), port1[1].joined(port2[1])],
        _ => [PotLine::Open; 2],
    }
}

/// A paddle's count for a gamepad axis in `-1.0..=1.0`: turning the knob clockwise (the
/// stick to the right) lowers the resistance and so the value. Full left is 255, centre
/// 128, full right 0; values outside the range are clamped, a non-number is the centre.
pub fn paddle_value(axis: f32) -> u8 {
    let axis = if axis.is_nan() {
        0.0
    } else {
        axis.clamp(-1.0, 1.0)
    };
    ((1.0 - axis) * 127.5).round() as u8
}

/// The joystick lines (bit set = pulled low) of a pair of paddles with fire buttons
/// `first` and `second` held: the first paddle's button is the "left" line (bit 2), the
/// second's the "right" line (bit 3).
pub fn paddle_lines(first: bool, second: bool) -> u8 {
    u8::from(first) << 2 | u8::from(second) << 3
}

/// A Commodore 1351 mouse in proportional mode, moved by the shell's pointer.
///
/// One pixel of pointer motion (in picture pixels) is one mouse unit. The X counter grows
/// to the right, the Y counter upwards (away from the user: the pointer moving up the
/// picture). A pointer leaving the picture lifts the mouse: it moves nothing, and where it
/// comes back in is the new starting point. POTX/POTY carry the counters mod 64 in bits
/// 1–6; bit 0, the real mouse's noise bit, is 0 here and bit 7 is 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mouse1351 {
    /// The X and Y counters (only bits 0–5 reach the SID).
    counters: (u8, u8),
    /// Where the pointer was last seen in the picture, in whole pixels.
    last: Option<(i32, i32)>,
}

impl Mouse1351 {
    /// A mouse with its counters at 0 that has not seen the pointer yet.
    pub const fn new() -> Self {
        Self {
            counters: (0, 0),
            last: None,
        }
    }

    /// The X and Y counters.
    pub fn counters(&self) -> (u8, u8) {
        self.counters
    }

    /// Moves the counters by the pointer's motion since the last call.
    pub fn follow(&mut self, pointer: &Pointer) {
        // `as` saturates (and maps a non-number to 0): bad input never panics.
        let now = pointer
            .position
            .map(|(x, y)| (x.floor() as i32, y.floor() as i32));
        if let (Some((x, y)), Some((last_x, last_y))) = (now, self.last) {
            let (dx, dy) = (x.wrapping_sub(last_x), y.wrapping_sub(last_y));
            // Only the counters mod 256 are kept: truncating the motion is exact.
            self.counters.0 = self.counters.0.wrapping_add(dx as u8);
            self.counters.1 = self.counters.1.wrapping_sub(dy as u8);
        }
        self.last = now;
    }

    /// The POTX and POTY lines the mouse drives.
    pub fn pots(&self) -> [PotLine; 2] {
        let value = |counter: u8| PotLine::Driven((counter & 0x3f) << 1);
        [value(self.counters.0), value(self.counters.1)]
    }

    /// The joystick lines the buttons pull low for the pointer's `buttons` (bit 0 left,
    /// bit 1 right): left is fire (bit 4), right is "up" (bit 0).
    pub fn lines(buttons: u8) -> u8 {
        (buttons & 1) << 4 | (buttons >> 1 & 1)
    }

    /// Appends the mouse's state to `out`.
    pub fn save(&self, out: &mut StateWriter) {
        out.u8(self.counters.0).u8(self.counters.1);
        match self.last {
            Some((x, y)) => out.bool(true).u32(x as u32).u32(y as u32),
            None => out.bool(false).u32(0).u32(0),
        };
    }

    /// Reads a mouse written by [`save`](Self::save).
    pub fn load(input: &mut StateReader<'_>) -> Result<Self, StateError> {
        let counters = (input.u8()?, input.u8()?);
        let (seen, x, y) = (input.bool()?, input.u32()? as i32, input.u32()? as i32);
        Ok(Self {
            counters,
            last: seen.then_some((x, y)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(x: f32, y: f32, buttons: u8) -> Pointer {
        Pointer {
            position: Some((x, y)),
            buttons,
            wheel: 0.0,
        }
    }

    #[test]
    fn the_mouse_counts_its_motion_with_y_growing_upwards() {
        let mut mouse = Mouse1351::new();
        mouse.follow(&at(100.5, 100.0, 0));
        assert_eq!(mouse.counters(), (0, 0), "the first sighting moves nothing");
        mouse.follow(&at(110.2, 93.0, 0));
        assert_eq!(mouse.counters(), (10, 7));
        assert_eq!(mouse.pots(), [PotLine::Driven(20), PotLine::Driven(14)]);
        // Off the picture and back elsewhere: lifted, no jump.
        mouse.follow(&Pointer::default());
        mouse.follow(&at(0.0, 0.0, 0));
        assert_eq!(mouse.counters(), (10, 7));
        mouse.follow(&at(-60.0, 30.0, 0));
        assert_eq!(
            mouse.counters(),
            (10u8.wrapping_sub(60), 7u8.wrapping_sub(30))
        );
        // 10 - 60 = -50 ≡ 14 (mod 64); 7 - 30 = -23 ≡ 41.
        assert_eq!(mouse.pots(), [PotLine::Driven(28), PotLine::Driven(82)]);
        assert_eq!(Mouse1351::lines(0b01), 0x10);
        assert_eq!(Mouse1351::lines(0b10), 0x01);
        assert_eq!(Mouse1351::lines(0b111), 0x11);
    }

    #[test]
    fn pa6_and_pa7_select_the_port() {
        let ports = [
            [PotLine::Resistive(100), PotLine::Resistive(200)],
            [PotLine::Driven(50), PotLine::Open],
        ];
        let values = |port_a| selected_pots(port_a, ports).map(PotLine::value);
        assert_eq!(values(0x7f), [100, 200]);
        assert_eq!(values(0xbf), [50, 255]);
        assert_eq!(values(0x3f), [255, 255]);
        assert_eq!(values(0xff), [50, 200]);
        assert_eq!(
            PotLine::Resistive(100).joined(PotLine::Resistive(100)),
            PotLine::Resistive(50)
        );
        assert_eq!(
            PotLine::Resistive(0).joined(PotLine::Resistive(0)),
            PotLine::Resistive(0)
        );
    }

    #[test]
    fn paddles_read_lower_turned_right() {
        assert_eq!(paddle_value(-1.0), 255);
        assert_eq!(paddle_value(0.0), 128);
        assert_eq!(paddle_value(1.0), 0);
        assert_eq!(paddle_value(7.0), 0);
        assert_eq!(paddle_value(f32::NAN), 128);
        assert_eq!(paddle_lines(true, false), 0x04);
        assert_eq!(paddle_lines(false, true), 0x08);
    }

    #[test]
    fn the_mouse_state_round_trips() {
        let mut mouse = Mouse1351::new();
        mouse.follow(&at(5.0, 5.0, 0));
        mouse.follow(&at(-3.0, 9.0, 0));
        let mut out = StateWriter::new("t", 1);
        mouse.save(&mut out);
        let bytes = out.finish();
        let mut input = StateReader::open(&bytes, "t", 1).unwrap();
        assert_eq!(Mouse1351::load(&mut input).unwrap(), mouse);
        input.finish().unwrap();
    }
}
