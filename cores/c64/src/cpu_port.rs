//! The 6510's own I/O port at $00 (direction) and $01 (data).
//!
//! Bits 0–2 drive the PLA's LORAM, HIRAM and CHAREN; bit 3 is the cassette write line,
//! bit 4 the cassette switch sense (an input, high while no tape key is down), bit 5 the
//! cassette motor. Bits 6 and 7 are not connected on the C64, and bit 3 is connected to
//! nothing that drives it while no datasette is plugged in: set as outputs they hold what
//! was written; switched to inputs they keep that charge for a while and then read 0, the
//! "fading" that copy protections and Lorenz's `cpuport` test look at.
//!
//! Levels of bits set as inputs: 0–2 are pulled up (so banking lines default high), 4
//! reads the cassette sense, 5 (the motor line, held by its driver transistor) reads low,
//! 3, 6 and 7 read their fading charge.

use heirloom_shell::{StateError, StateReader, StateWriter};

/// How long, in CPU cycles, bits 6 and 7 keep their charge after they stop being driven
/// (the figure VICE uses for the C64's 6510).
pub const FALL_OFF_CYCLES: u64 = 350_000;

/// How long bit 3 keeps its charge with no datasette connected: about a second.
pub const CASSETTE_WRITE_FALL_OFF_CYCLES: u64 = 985_248;

/// Input bits that are pulled high when not driven.
const PULL_UPS: u8 = 0b0000_0111;
/// The cassette sense input.
const CASSETTE_SENSE: u8 = 0b0001_0000;
/// The bits that float when not driven, with how long each keeps its charge.
const FLOATING: [(u8, u64); 3] = [
    (0x08, CASSETTE_WRITE_FALL_OFF_CYCLES),
    (0x40, FALL_OFF_CYCLES),
    (0x80, FALL_OFF_CYCLES),
];

/// The port's registers and the charge on its unconnected bits.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CpuPort {
    /// $00: 1 = output.
    direction: u8,
    /// $01 as written.
    data: u8,
    /// Charge held on bits 3, 6 and 7 (as bit values), and the cycle it drains at.
    charge: [(u8, u64); 3],
    /// Whether a cassette key is held (pulls the sense line low).
    cassette_key_down: bool,
}

impl CpuPort {
    /// The port after reset: every bit an input.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads $00 (`address` 0) or $01 (`address` 1) at cycle `now`.
    pub fn read(&self, address: u16, now: u64) -> u8 {
        if address == 0 {
            return self.direction;
        }
        let mut inputs = PULL_UPS;
        if !self.cassette_key_down {
            inputs |= CASSETTE_SENSE;
        }
        for (&(bit, _), &(charged, drains_at)) in FLOATING.iter().zip(&self.charge) {
            if now < drains_at {
                inputs |= charged & bit;
            }
        }
        (self.data & self.direction) | (inputs & !self.direction)
    }

    /// Writes $00 (`address` 0) or $01 (`address` 1) at cycle `now`.
    pub fn write(&mut self, address: u16, value: u8, now: u64) {
        if address == 0 {
            for (slot, &(bit, fall_off)) in self.charge.iter_mut().zip(&FLOATING) {
                let stops_driving = self.direction & bit != 0 && value & bit == 0;
                if stops_driving {
                    *slot = (self.data & bit, now + fall_off);
                }
            }
            self.direction = value;
        } else {
            for (slot, &(bit, fall_off)) in self.charge.iter_mut().zip(&FLOATING) {
                if self.direction & bit != 0 {
                    *slot = (value & bit, now + fall_off);
                }
            }
            self.data = value;
        }
    }

    /// The levels of the port's pins as the PLA and the cassette port see them: driven
    /// bits carry the data register, undriven banking lines are pulled high.
    pub fn pins(&self) -> u8 {
        (self.data & self.direction) | (PULL_UPS & !self.direction)
    }

    /// Presses or releases a cassette key (PLAY and friends).
    pub fn set_cassette_key(&mut self, down: bool) {
        self.cassette_key_down = down;
    }

    /// Appends the port to a save state.
    pub fn save(&self, out: &mut StateWriter) {
        out.u8(self.direction)
            .u8(self.data)
            .bool(self.cassette_key_down);
        for &(charged, drains_at) in &self.charge {
            out.u8(charged).u64(drains_at);
        }
    }

    /// Reads a port written by [`save`](Self::save).
    pub fn load(input: &mut StateReader<'_>) -> Result<Self, StateError> {
        let mut port = Self {
            direction: input.u8()?,
            data: input.u8()?,
            ..Self::default()
        };
        port.cassette_key_down = input.bool()?;
        for slot in &mut port.charge {
            *slot = (input.u8()?, input.u64()?);
        }
        Ok(port)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kernal_setting_reads_back_as_on_a_real_c64() {
        let mut port = CpuPort::new();
        port.write(0, 0x2f, 0);
        port.write(1, 0x37, 1);
        // 55: the value BASIC's PEEK(1) shows after power-on.
        assert_eq!(port.read(1, 2), 0x37);
        assert_eq!(port.read(0, 2), 0x2f);
        // All inputs: 0-2 and the sense line high, the motor line low, bit 3 still
        // charged from having been driven high.
        port.write(1, 0x3f, 2);
        port.write(0, 0x00, 3);
        assert_eq!(port.read(1, 4), 0x1f);
        assert_eq!(port.read(1, 4 + CASSETTE_WRITE_FALL_OFF_CYCLES), 0x17);
        assert_eq!(port.pins() & 0x07, 0x07);
    }

    #[test]
    fn undriven_banking_lines_are_pulled_high() {
        let mut port = CpuPort::new();
        port.write(1, 0x00, 0);
        assert_eq!(port.pins() & 0x07, 0x07, "inputs after reset");
        port.write(0, 0x07, 1);
        assert_eq!(port.pins() & 0x07, 0x00, "driven low once outputs");
    }

    #[test]
    fn cassette_sense_reads_low_while_a_key_is_down() {
        let mut port = CpuPort::new();
        assert_eq!(port.read(1, 0) & 0x10, 0x10);
        port.set_cassette_key(true);
        assert_eq!(port.read(1, 0) & 0x10, 0);
    }

    #[test]
    fn unconnected_bits_keep_their_charge_then_fade() {
        let mut port = CpuPort::new();
        port.write(0, 0xc0, 0);
        port.write(1, 0xc0, 10);
        assert_eq!(port.read(1, 20) & 0xc0, 0xc0);
        port.write(0, 0x00, 100);
        assert_eq!(
            port.read(1, 101) & 0xc0,
            0xc0,
            "charge held just after switching to input"
        );
        assert_eq!(port.read(1, 100 + FALL_OFF_CYCLES - 1) & 0xc0, 0xc0);
        assert_eq!(port.read(1, 100 + FALL_OFF_CYCLES) & 0xc0, 0, "faded");
        // Writing data while the bits are inputs does not charge them.
        let later = 100 + FALL_OFF_CYCLES + 10;
        port.write(1, 0xc0, later);
        assert_eq!(port.read(1, later + 1) & 0xc0, 0);
    }

    #[test]
    fn state_round_trip() {
        let mut port = CpuPort::new();
        port.write(0, 0xef, 5);
        port.write(1, 0x95, 6);
        port.set_cassette_key(true);
        let mut out = StateWriter::new("port", 1);
        port.save(&mut out);
        let bytes = out.finish();
        let mut input = StateReader::open(&bytes, "port", 1).unwrap();
        assert_eq!(CpuPort::load(&mut input).unwrap(), port);
        input.finish().unwrap();
    }
}
