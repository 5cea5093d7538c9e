//! The serial port: the SDR register, its shift register and the CNT/SP pins.
//!
//! Output mode (CRA bit 6 set), timed after the measurements behind the VICE and
//! libsidplayfp serial port models:
//! * A byte written to SDR in cycle 0 is taken by the first timer A underflow in cycle 2 or
//!   later, which starts the transmission.
//! * From then on every timer A underflow, the starting one included, toggles CNT two
//!   cycles later; each falling edge puts the next bit (MSB first) on SP. A byte is 8 CNT
//!   pulses, 16 underflows. CNT idles high.
//! * Two cycles after the fifteenth toggle ICR bit 3 is raised (before the sixteenth
//!   toggle if timer A's period is 4 or more), and a byte written to SDR meanwhile becomes
//!   the next one to send, so the following underflow continues without a gap.
//!
//! Input mode (CRA bit 6 clear): each rising CNT edge shifts the SP level in (MSB first);
//! after eight bits the byte lands in SDR and ICR bit 3 is raised.

/// Serial port state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Serial {
    /// The SDR register as the CPU sees it.
    pub(crate) sdr: u8,
    /// The shift register.
    pub(crate) shifter: u8,
    /// Output mode: SDR was written in the current cycle.
    pub(crate) write_request: bool,
    /// Output mode: a byte is waiting for or in transmission.
    pub(crate) loaded: bool,
    /// Output mode: another byte was written during a transmission.
    pub(crate) queued: bool,
    /// Output mode: CNT toggles left in the byte being sent (0 = idle).
    pub(crate) edges_left: u8,
    /// Output mode: cycles until a scheduled CNT toggle (0 = none).
    pub(crate) toggle_in: u8,
    /// Output mode: cycles until the byte-complete interrupt flag (0 = none).
    pub(crate) flag_in: u8,
    /// Input mode: bits received into the shift register.
    pub(crate) bits_in: u8,
    /// The level the chip drives on CNT (open drain: true lets it float high).
    pub(crate) cnt_out: bool,
    /// The level the chip drives on SP in output mode.
    pub(crate) sp_out: bool,
}

impl Serial {
    /// The state after a reset: idle, pins released high.
    pub(crate) fn new() -> Self {
        Self {
            sdr: 0,
            shifter: 0,
            write_request: false,
            loaded: false,
            queued: false,
            edges_left: 0,
            toggle_in: 0,
            flag_in: 0,
            bits_in: 0,
            cnt_out: true,
            sp_out: true,
        }
    }

    /// A CPU write of SDR; in output mode it queues the byte for sending.
    pub(crate) fn write(&mut self, value: u8, output_mode: bool) {
        self.sdr = value;
        if output_mode {
            self.write_request = true;
        }
    }

    /// The serial direction changed (CRA bit 6): any byte in progress is abandoned and the
    /// pins are released.
    pub(crate) fn set_mode(&mut self) {
        let sdr = self.sdr;
        *self = Self::new();
        self.sdr = sdr;
    }

    /// One φ2 cycle in output mode; `underflow` is timer A's underflow in this cycle.
    /// Returns whether the byte-complete flag is raised in this cycle.
    pub(crate) fn tick_output(&mut self, underflow: bool) -> bool {
        let mut complete = false;
        if self.flag_in > 0 {
            self.flag_in -= 1;
            complete = self.flag_in == 0;
        }
        if self.toggle_in > 0 {
            self.toggle_in -= 1;
            if self.toggle_in == 0 {
                self.toggle_cnt();
            }
        }
        if underflow {
            if self.edges_left == 0 && self.loaded {
                self.shifter = self.sdr;
                self.edges_left = 16;
            }
            if self.edges_left > 0 && self.toggle_in == 0 {
                self.toggle_in = 2;
            }
        }
        if self.write_request {
            self.write_request = false;
            if self.loaded {
                self.queued = true;
            } else {
                self.loaded = true;
            }
        }
        complete
    }

    /// A scheduled CNT toggle: a falling edge shifts the next bit out.
    fn toggle_cnt(&mut self) {
        if self.edges_left == 0 {
            return;
        }
        self.cnt_out = !self.cnt_out;
        if !self.cnt_out {
            self.sp_out = self.shifter & 0x80 != 0;
            self.shifter <<= 1;
        }
        self.edges_left -= 1;
        if self.edges_left == 1 {
            self.flag_in = 2;
            self.loaded = self.queued;
            self.queued = false;
        }
    }

    /// A rising CNT edge in input mode with `sp` on the SP pin. Returns whether a byte was
    /// completed.
    pub(crate) fn cnt_rise(&mut self, sp: bool) -> bool {
        self.shifter = (self.shifter << 1) | u8::from(sp);
        self.bits_in += 1;
        if self.bits_in == 8 {
            self.bits_in = 0;
            self.sdr = self.shifter;
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_sends_msb_first_on_falling_edges() {
        let mut s = Serial::new();
        s.write(0b1011_0010, true);
        // Underflows every 5 cycles from cycle 5: the write (cycle 0) is taken by the
        // underflow in cycle 5, CNT toggles in cycles 7, 12, …, 82; the flag comes two
        // cycles after the fifteenth toggle (cycle 77): cycle 79.
        let mut bits = Vec::new();
        let mut toggles = Vec::new();
        let mut done_at = None;
        for cycle in 1..=100 {
            let was_high = s.cnt_out;
            if s.tick_output(cycle % 5 == 0) {
                done_at.get_or_insert(cycle);
            }
            if was_high != s.cnt_out {
                toggles.push(cycle);
            }
            if was_high && !s.cnt_out {
                bits.push(u8::from(s.sp_out));
            }
        }
        assert_eq!(bits, [1, 0, 1, 1, 0, 0, 1, 0]);
        assert_eq!(toggles.len(), 16);
        assert_eq!(toggles[0], 7);
        assert_eq!(toggles[15], 82);
        assert_eq!(done_at, Some(79));
        assert!(s.cnt_out, "CNT idles high after the byte");
    }

    #[test]
    fn a_write_needs_two_cycles_before_the_starting_underflow() {
        let mut s = Serial::new();
        s.write(0xFF, true);
        s.tick_output(true);
        s.tick_output(false);
        s.tick_output(false);
        assert!(s.cnt_out, "an underflow in cycle 1 does not start the byte");
        s.tick_output(true);
        s.tick_output(false);
        s.tick_output(false);
        assert!(!s.cnt_out, "one in cycle 4 does, CNT falls in cycle 6");
    }

    #[test]
    fn a_byte_written_during_transmission_follows_without_a_gap() {
        let mut s = Serial::new();
        s.write(0x00, true);
        let mut toggles = 0;
        for cycle in 1..=200 {
            if cycle == 20 {
                s.write(0xFF, true);
            }
            let before = s.cnt_out;
            s.tick_output(cycle % 4 == 0);
            if before != s.cnt_out {
                toggles += 1;
            }
        }
        // 32 toggles, one per underflow from cycle 4 to cycle 128.
        assert_eq!(toggles, 32);
        assert!(s.sp_out, "the second byte's ones went out last");
    }

    #[test]
    fn input_assembles_eight_bits() {
        let mut s = Serial::new();
        let byte = 0b0110_1001u8;
        for bit in (0..8).rev() {
            let done = s.cnt_rise(byte & (1 << bit) != 0);
            assert_eq!(done, bit == 0);
        }
        assert_eq!(s.sdr, byte);
    }
}
