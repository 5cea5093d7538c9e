//! The interrupt control register: five source flags, their mask, bit 7 and the IRQ pin.
//!
//! Every source sets its flag in the cycle it happens, whatever the mask, and a read of
//! ICR in that same cycle already sees it. If a flag is also enabled in the mask, bit 7 is
//! set and the IRQ pin pulled low:
//!
//! * 6526 (old): one cycle later. Lorenz `ICR01`: reading ICR in the underflow cycle `t`
//!   returns `$01` and no interrupt follows, reading at `t + 1` returns `$81`.
//! * 6526A (new): in the same cycle, unless ICR was read in the cycle before, in which
//!   case one cycle later.
//!
//! Reading ICR returns the flags and bit 7, then clears them all; an interrupt still on
//! its way (the old chip's extra cycle) is cancelled with them. The pin itself is released
//! only at the end of the reading cycle: an interrupt that reached the pin in the cycle of
//! the read still makes an edge on NMI (Lorenz `ICR01`: with latch 1 the read returns `$81`
//! and the NMI must still be taken).
//!
//! The old 6526's timer B bug: when timer B underflows in the cycle right after an ICR
//! read, its flag (bit 1) is lost; the interrupt itself, if enabled, still happens, so the
//! handler reads `$80`. (VICE models it this way after measurements on real chips.)

use crate::Model;

/// ICR bit 7: an enabled source is active (read) / set-or-clear select (write).
pub(crate) const IR: u8 = 0x80;
/// Flag of timer B underflow.
pub(crate) const TB: u8 = 0x02;

/// Interrupt state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Interrupts {
    /// Source flags, bits 0–4.
    pub(crate) flags: u8,
    /// Mask, bits 0–4.
    pub(crate) mask: u8,
    /// Bit 7.
    pub(crate) asserted: bool,
    /// The IRQ pin (true = pulled low) during the current cycle.
    pub(crate) pin: bool,
    /// The interrupt is asserted at the start of the next cycle.
    pub(crate) pending: bool,
    /// ICR was read in the current cycle.
    pub(crate) read_now: bool,
    /// ICR was read in the previous cycle.
    pub(crate) read_before: bool,
}

impl Interrupts {
    /// The state after a reset: nothing flagged, everything masked.
    pub(crate) fn new() -> Self {
        Self {
            flags: 0,
            mask: 0,
            asserted: false,
            pin: false,
            pending: false,
            read_now: false,
            read_before: false,
        }
    }

    /// Starts a cycle: a delayed interrupt reaches the pin, the read marker ages.
    pub(crate) fn begin_cycle(&mut self) {
        if self.pending {
            self.pending = false;
            self.asserted = true;
        }
        self.pin = self.asserted;
        self.read_before = self.read_now;
        self.read_now = false;
    }

    /// Ends a cycle in which `events` happened (ICR bit positions).
    pub(crate) fn end_cycle(&mut self, events: u8, model: Model) {
        let lost = if model == Model::Mos6526 && self.read_before {
            events & TB
        } else {
            0
        };
        let active = (self.flags | events) & self.mask != 0;
        self.flags |= events & !lost;
        if active && !self.asserted && !self.pending {
            if model == Model::Mos6526A && !self.read_before {
                self.asserted = true;
                self.pin = true;
            } else {
                self.pending = true;
            }
        }
    }

    /// A CPU read of ICR: returns and clears.
    pub(crate) fn read(&mut self) -> u8 {
        let value = self.peek();
        self.flags = 0;
        self.asserted = false;
        self.pending = false;
        self.read_now = true;
        value
    }

    /// What a read would return.
    pub(crate) fn peek(&self) -> u8 {
        self.flags | if self.asserted { IR } else { 0 }
    }

    /// A CPU write of ICR: bit 7 set sets the mask bits written as 1, clear clears them.
    /// A flag already set and newly enabled interrupts from the next cycle on, as if it
    /// had just happened; disabling never withdraws an interrupt (Lorenz `IMR`).
    pub(crate) fn write(&mut self, value: u8) {
        if value & IR != 0 {
            self.mask |= value & 0x1F;
        } else {
            self.mask &= !(value & 0x1F);
        }
    }
}
