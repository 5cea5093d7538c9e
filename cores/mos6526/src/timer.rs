//! One 16-bit interval timer (timer A or timer B) with its start/load pipeline.
//!
//! The real chip does not act on a control register write at once: the count enable,
//! the force-load strobe and the one-shot bit travel through latches clocked by φ2.
//! The timing below reproduces the tables of Wolfgang Lorenz's test suite
//! (`CIA1TB123`, `CIA1TAB`, `FLIPOS`, `ONESHOT`, `CNTO2`):
//!
//! * The count input of a cycle (start bit set and the selected source active: every φ2,
//!   a CNT rising edge, a timer A underflow) enters a three-stage pipeline. One cycle later
//!   it arms the underflow check (`counter == 0` is an underflow), two cycles later it
//!   decrements the counter. A write of the start bit in cycle 0 is first sampled in
//!   cycle 1, so the counter first changes in cycle 3, and a stop write still lets two
//!   decrements through (`CIA1TB123`: `00→01` keep, keep, count; `01→00` count, count, keep).
//! * A decrement to zero with the check armed is an underflow in the same cycle: the
//!   counter is reloaded from the latch at once, so `0` is never read while counting φ2
//!   (`CIA1TAB`: 01 02 02 01 …), and the decrement due in the next cycle is dropped, which
//!   makes the period latch + 1.
//! * Force load (control bit 4), written in cycle 0, loads the counter in cycle 2 and also
//!   drops the decrement due in cycle 3.
//! * One-shot mode stops the timer at an underflow if the one-shot bit is set now or was
//!   set a cycle ago (`FLIPOS`: setting it one cycle before the underflow still stops the
//!   timer, clearing it must happen two cycles before).

/// Control register bit: timer started.
pub(crate) const CR_START: u8 = 0x01;
/// Control register bit: timer output replaces PB6 (timer A) or PB7 (timer B).
pub(crate) const CR_PB_ON: u8 = 0x02;
/// Control register bit: the PB output toggles (set) or pulses for one cycle (clear).
pub(crate) const CR_TOGGLE: u8 = 0x04;
/// Control register bit: one-shot mode.
pub(crate) const CR_ONESHOT: u8 = 0x08;
/// Control register bit: force load strobe (never stored).
pub(crate) const CR_LOAD: u8 = 0x10;

/// Count pipeline stage holding this cycle's input.
const STAGE_INPUT: u8 = 0b001;
/// Count pipeline stage arming the underflow check (input of the previous cycle).
const STAGE_CHECK: u8 = 0b010;
/// Count pipeline stage decrementing the counter (input of two cycles ago).
const STAGE_DECREMENT: u8 = 0b100;

/// One timer's complete state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Timer {
    /// The reload value written through the low/high registers.
    pub(crate) latch: u16,
    /// The counter the CPU reads.
    pub(crate) counter: u16,
    /// The control register as stored (bit 4 is a strobe and always clear).
    pub(crate) cr: u8,
    /// Count pipeline, see [`STAGE_INPUT`] and the following constants.
    pub(crate) count: u8,
    /// Force load requested by a write in this cycle, sampled by the next tick.
    pub(crate) load_request: bool,
    /// Load pipeline: bit 0 the request sampled this cycle, bit 1 a load now.
    pub(crate) load: u8,
    /// The one-shot bit as it was at the end of the previous cycle.
    pub(crate) oneshot_delayed: bool,
    /// The toggle flip-flop (PB6/PB7 in toggle mode): set by a rising start bit, flipped
    /// by every underflow. High after reset (an assumption: the data sheet is silent, and
    /// programs start the timer before relying on it).
    pub(crate) toggle: bool,
    /// The counter underflowed in the current cycle.
    pub(crate) underflow: bool,
    /// The counter was loaded from the latch in the current cycle.
    pub(crate) loaded_now: bool,
}

impl Timer {
    /// The state after a reset: latch and counter all ones, control register clear.
    pub(crate) fn new() -> Self {
        Self {
            latch: 0xFFFF,
            counter: 0xFFFF,
            cr: 0,
            count: 0,
            load_request: false,
            load: 0,
            oneshot_delayed: false,
            toggle: true,
            underflow: false,
            loaded_now: false,
        }
    }

    /// Whether the start bit is set (counting φ2 or waiting for its source).
    pub(crate) fn started(&self) -> bool {
        self.cr & CR_START != 0
    }

    /// Advances one φ2 cycle. `input` is this cycle's count input (start bit and source
    /// together). Returns whether the timer underflowed in this cycle.
    pub(crate) fn tick(&mut self, input: bool) -> bool {
        self.count = ((self.count << 1) | u8::from(input)) & 0b111;
        self.load = ((self.load << 1) | u8::from(self.load_request)) & 0b11;
        self.load_request = false;

        if self.count & STAGE_DECREMENT != 0 {
            self.counter = self.counter.wrapping_sub(1);
        }
        let underflow = self.counter == 0 && self.count & STAGE_CHECK != 0;
        if underflow {
            self.toggle = !self.toggle;
            if self.cr & CR_ONESHOT != 0 || self.oneshot_delayed {
                self.cr &= !CR_START;
                self.count &= !(STAGE_INPUT | STAGE_CHECK);
            }
        }
        self.loaded_now = underflow || self.load & 0b10 != 0;
        if self.loaded_now {
            self.counter = self.latch;
            // The cycle after a load never decrements.
            self.count &= !STAGE_CHECK;
        }
        self.oneshot_delayed = self.cr & CR_ONESHOT != 0;
        self.underflow = underflow;
        underflow
    }

    /// A write of the latch low byte. It reaches the counter only if the counter is being
    /// loaded in this very cycle (the load path is still open, as in VICE's model).
    pub(crate) fn write_latch_lo(&mut self, value: u8) {
        self.latch = (self.latch & 0xFF00) | u16::from(value);
        if self.loaded_now {
            self.counter = self.latch;
        }
    }

    /// A write of the latch high byte: like the low byte, and it also loads a stopped
    /// counter (Lorenz `LOADTH`) through the same pipeline as a force load.
    pub(crate) fn write_latch_hi(&mut self, value: u8) {
        self.latch = (self.latch & 0x00FF) | (u16::from(value) << 8);
        if self.loaded_now {
            self.counter = self.latch;
        } else if !self.started() {
            self.load_request = true;
        }
    }

    /// A write of the control register: every bit but the force-load strobe (bit 4) is
    /// stored, the strobe requests a load, and a rising start bit sets the toggle
    /// flip-flop (Lorenz `CIA1PB6`: the only way to set it back after an underflow).
    pub(crate) fn write_control(&mut self, value: u8) {
        if value & CR_START != 0 && self.cr & CR_START == 0 {
            self.toggle = true;
        }
        if value & CR_LOAD != 0 {
            self.load_request = true;
        }
        self.cr = value & !CR_LOAD;
    }

    /// The level this timer drives onto PB6/PB7 when enabled: the toggle flip-flop in
    /// toggle mode, otherwise high for the one cycle of an underflow.
    pub(crate) fn pb_level(&self) -> bool {
        if self.cr & CR_TOGGLE != 0 {
            self.toggle
        } else {
            self.underflow
        }
    }

    /// Whether the timer output replaces its port B pin.
    pub(crate) fn drives_pb(&self) -> bool {
        self.cr & CR_PB_ON != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn running(latch: u16, cr: u8) -> Timer {
        let mut t = Timer::new();
        t.latch = latch;
        t.counter = latch;
        t.cr = cr;
        // As if started long ago: the pipeline is full.
        t.count = 0b111;
        t
    }

    #[test]
    fn continuous_period_is_latch_plus_one() {
        // Datasheet: the counter reloads from the latch on underflow; Lorenz CIA1TAB shows
        // a latch of 2 giving an underflow every 3 cycles.
        for latch in [1u16, 2, 5, 100] {
            let mut t = running(latch, CR_START);
            let mut underflows = Vec::new();
            for cycle in 0..(4 * (u32::from(latch) + 1)) {
                if t.tick(true) {
                    underflows.push(cycle);
                }
            }
            let gaps: Vec<u32> = underflows.windows(2).map(|w| w[1] - w[0]).collect();
            assert!(
                gaps.iter().all(|&g| g == u32::from(latch) + 1),
                "{latch}: {gaps:?}"
            );
        }
    }

    #[test]
    fn zero_is_never_read_while_counting() {
        let mut t = running(2, CR_START);
        for _ in 0..30 {
            t.tick(true);
            assert_ne!(t.counter, 0);
        }
    }

    #[test]
    fn one_shot_stops_and_reloads() {
        let mut t = running(3, CR_START | CR_ONESHOT);
        t.oneshot_delayed = true;
        let mut cycles = 0;
        while !t.tick(t.started()) {
            cycles += 1;
        }
        // 3 → 2 → 1 → 0 is three decrements; the third is the underflow itself.
        assert_eq!(cycles, 2);
        assert!(!t.started());
        assert_eq!(t.counter, 3);
        for _ in 0..10 {
            assert!(!t.tick(t.started()));
            assert_eq!(t.counter, 3);
        }
    }

    #[test]
    fn toggle_flips_on_each_underflow_and_start_sets_it() {
        // Latch 1: an underflow every second cycle.
        let mut t = running(1, CR_START | CR_TOGGLE);
        assert!(t.toggle);
        let mut levels = Vec::new();
        for _ in 0..6 {
            t.tick(true);
            levels.push(t.pb_level());
        }
        assert_eq!(levels, [false, false, true, true, false, false]);
        // Writing other bits does not set it back, a rising start bit does.
        t.write_control(CR_TOGGLE | CR_START);
        assert!(!t.toggle);
        t.write_control(CR_TOGGLE);
        t.write_control(CR_TOGGLE | CR_START);
        assert!(t.toggle);
    }

    #[test]
    fn latch_high_write_loads_only_when_stopped() {
        let mut t = Timer::new();
        t.write_latch_lo(0x34);
        assert_eq!(t.counter, 0xFFFF);
        t.write_latch_hi(0x12);
        t.tick(false);
        assert_eq!(t.counter, 0xFFFF);
        t.tick(false);
        assert_eq!(t.counter, 0x1234);

        let mut t = running(0x100, CR_START);
        t.write_latch_hi(0x20);
        t.tick(true);
        t.tick(true);
        assert_eq!(t.counter, 0x100 - 2);
    }

    #[test]
    fn latch_write_in_a_load_cycle_reaches_the_counter() {
        let mut t = running(1, CR_START);
        assert!(t.tick(true), "1 -> 0 underflows and reloads 1");
        t.write_latch_lo(0x40);
        assert_eq!(t.counter, 0x40);
        t.tick(true);
        t.write_latch_lo(0x50);
        assert_eq!(t.counter, 0x40, "no load in this cycle");
    }
}
