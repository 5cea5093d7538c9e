//! The time-of-day clock: tenths, seconds, minutes and hours in BCD with an AM/PM flag,
//! driven by the 50/60 Hz power-line signal on the TOD pin, with an alarm.
//!
//! Data sheet behaviour:
//! * The TOD pin is divided by 5 (CRA bit 7 set, 50 Hz) or 6 (clear, 60 Hz) into tenths.
//! * Writing hours stops the clock, writing tenths starts it again, so a time set as
//!   hours, minutes, seconds, tenths starts exactly at the last write.
//! * Reading hours latches all four registers until tenths are read, so a time read in the
//!   same order is consistent even if the clock carries in between.
//! * With CRB bit 7 set, the same addresses write the alarm instead; the alarm cannot be
//!   read. A match of time and alarm raises ICR bit 2.
//!
//! Chip quirks beyond the data sheet (as measured on real chips and documented by VICE):
//! * Every digit is a plain binary counter of its width (4 bits, or 3 for the tens of
//!   seconds and minutes) that carries when it reaches 10 (or 6), so out-of-range values
//!   written by a program count on to the width's wrap without carrying.
//! * Hours run 1–12: 11 → 12 flips the PM flag, 12 → 1 does not.
//! * Writing 12 to the time's hours register flips the PM bit written (not for the alarm).
//! * The tick divider is a 3-bit counter, cleared when a stopped clock is started.

/// Index of the tenths register in the four TOD bytes.
const TENTHS: usize = 0;
/// Index of the hours register.
const HOURS: usize = 3;
/// Bits that exist in each register: tenths, seconds, minutes, hours.
const WIDTH: [u8; 4] = [0x0F, 0x7F, 0x7F, 0x9F];

/// The clock, its alarm, the read latch and the tick divider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Tod {
    /// The running time: tenths, seconds, minutes, hours (bit 7 PM).
    pub(crate) time: [u8; 4],
    /// The alarm time, same layout.
    pub(crate) alarm: [u8; 4],
    /// The copy reads return while latched.
    pub(crate) latch: [u8; 4],
    /// Set by an hours read, cleared by a tenths read.
    pub(crate) latched: bool,
    /// Set by an hours write, cleared by a tenths write.
    pub(crate) stopped: bool,
    /// TOD pin pulses counted towards the next tenth (3 bits).
    pub(crate) divider: u8,
}

impl Tod {
    /// The state after a reset: stopped at 1:00:00.0 AM, alarm at 0.
    pub(crate) fn new() -> Self {
        Self {
            time: [0, 0, 0, 0x01],
            alarm: [0; 4],
            latch: [0, 0, 0, 0x01],
            latched: false,
            stopped: true,
            divider: 0,
        }
    }

    /// One pulse on the TOD pin. `fifty_hz` is CRA bit 7. Returns whether the clock now
    /// matches the alarm after advancing.
    pub(crate) fn pulse(&mut self, fifty_hz: bool) -> bool {
        if self.stopped {
            return false;
        }
        self.divider = (self.divider + 1) & 7;
        if self.divider != if fifty_hz { 5 } else { 6 } {
            return false;
        }
        self.divider = 0;
        self.advance();
        self.time == self.alarm
    }

    /// Adds a tenth of a second with the chip's carry rules.
    fn advance(&mut self) {
        let tenths = (self.time[0] + 1) & 0x0F;
        if tenths != 10 {
            self.time[0] = tenths;
            return;
        }
        self.time[0] = 0;
        for index in 1..3 {
            let (value, carry) = count_sixty(self.time[index]);
            self.time[index] = value;
            if !carry {
                return;
            }
        }
        let hours = self.time[HOURS];
        let mut pm = hours & 0x80;
        let mut tens = hours & 0x10;
        let mut units = (hours + 1) & 0x0F;
        if tens != 0 {
            if units == 2 {
                pm ^= 0x80;
            }
            if units == 3 {
                units = 1;
                tens = 0;
            }
        } else if units == 10 {
            units = 0;
            tens = 0x10;
        }
        self.time[HOURS] = pm | tens | units;
    }

    /// A CPU read of register `index` (0 tenths … 3 hours).
    pub(crate) fn read(&mut self, index: usize) -> u8 {
        if !self.latched {
            self.latch = self.time;
        }
        match index {
            HOURS => self.latched = true,
            TENTHS => self.latched = false,
            _ => {}
        }
        self.latch[index]
    }

    /// What a read would return, without latching.
    pub(crate) fn peek(&self, index: usize) -> u8 {
        if self.latched {
            self.latch[index]
        } else {
            self.time[index]
        }
    }

    /// A CPU write of register `index`; `to_alarm` is CRB bit 7. Returns whether the write
    /// changed a value and time and alarm now match.
    pub(crate) fn write(&mut self, index: usize, value: u8, to_alarm: bool) -> bool {
        let mut value = value & WIDTH[index];
        let changed = if to_alarm {
            let changed = self.alarm[index] != value;
            self.alarm[index] = value;
            changed
        } else {
            match index {
                HOURS => {
                    if value & 0x1F == 0x12 {
                        value ^= 0x80;
                    }
                    self.stopped = true;
                }
                TENTHS => {
                    if self.stopped {
                        self.divider = 0;
                    }
                    self.stopped = false;
                }
                _ => {}
            }
            let changed = self.time[index] != value;
            self.time[index] = value;
            changed
        };
        changed && self.time == self.alarm
    }
}

/// Counts a BCD seconds or minutes byte (3-bit tens, 4-bit units) up by one; returns the
/// new value and whether it carried from 59 to 00.
fn count_sixty(value: u8) -> (u8, bool) {
    let mut units = (value + 1) & 0x0F;
    let mut tens = value >> 4;
    if units == 10 {
        units = 0;
        tens = (tens + 1) & 0x07;
        if tens == 6 {
            return (0, true);
        }
    }
    ((tens << 4) | units, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(tod: &mut Tod, hours: u8, minutes: u8, seconds: u8, tenths: u8) {
        tod.write(3, hours, false);
        tod.write(2, minutes, false);
        tod.write(1, seconds, false);
        tod.write(0, tenths, false);
    }

    /// Pulses enough for one tenth at 50 Hz.
    fn tenth(tod: &mut Tod) -> bool {
        (0..5).map(|_| tod.pulse(true)).fold(false, |a, b| a | b)
    }

    #[test]
    fn fifty_hz_takes_five_pulses_sixty_hz_six() {
        let mut tod = Tod::new();
        set(&mut tod, 0x01, 0, 0, 0);
        for _ in 0..4 {
            tod.pulse(true);
        }
        assert_eq!(tod.time[0], 0);
        tod.pulse(true);
        assert_eq!(tod.time[0], 1);
        for _ in 0..5 {
            tod.pulse(false);
        }
        assert_eq!(tod.time[0], 1);
        tod.pulse(false);
        assert_eq!(tod.time[0], 2);
    }

    #[test]
    fn stopped_clock_ignores_pulses() {
        let mut tod = Tod::new();
        assert!(tod.stopped);
        for _ in 0..100 {
            tod.pulse(true);
        }
        assert_eq!(tod.time, [0, 0, 0, 1]);
    }

    #[test]
    fn carries_through_every_digit() {
        let mut tod = Tod::new();
        set(&mut tod, 0x09, 0x59, 0x59, 0x09);
        tenth(&mut tod);
        assert_eq!(tod.time, [0, 0, 0, 0x10]);
    }

    #[test]
    fn eleven_to_twelve_flips_pm_twelve_to_one_does_not() {
        let mut tod = Tod::new();
        set(&mut tod, 0x11, 0x59, 0x59, 0x09);
        tenth(&mut tod);
        assert_eq!(tod.time[HOURS], 0x92, "11:59:59.9 AM becomes 12:00 PM");
        set(&mut tod, 0x92, 0x59, 0x59, 0x09);
        // Writing 12 flips the written PM bit: 0x92 is stored as 12 AM.
        assert_eq!(tod.time[HOURS], 0x12);
        tenth(&mut tod);
        assert_eq!(tod.time[HOURS], 0x01, "12 AM becomes 1 AM");
        set(&mut tod, 0x91, 0x59, 0x59, 0x09);
        tenth(&mut tod);
        assert_eq!(tod.time[HOURS], 0x12, "11 PM becomes 12 AM");
    }

    #[test]
    fn out_of_range_digits_wrap_at_their_width() {
        let mut tod = Tod::new();
        set(&mut tod, 0x01, 0x00, 0x00, 0x0F);
        tenth(&mut tod);
        assert_eq!(tod.time[0], 0x00);
        assert_eq!(tod.time[1], 0x00, "no carry out of a wrapped 4-bit digit");
    }

    #[test]
    fn hours_read_latches_until_tenths_read() {
        let mut tod = Tod::new();
        set(&mut tod, 0x01, 0x00, 0x59, 0x09);
        assert_eq!(tod.read(3), 0x01);
        tenth(&mut tod);
        assert_eq!(tod.read(2), 0x00);
        assert_eq!(tod.read(1), 0x59);
        assert_eq!(tod.read(0), 0x09);
        assert_eq!(tod.read(1), 0x00, "released: live value");
        assert_eq!(tod.read(2), 0x01);
    }

    #[test]
    fn alarm_matches_on_count_and_on_write() {
        let mut tod = Tod::new();
        tod.write(3, 0x01, true);
        tod.write(0, 0x02, true);
        set(&mut tod, 0x01, 0, 0, 0);
        assert!(!tenth(&mut tod));
        assert!(tenth(&mut tod));
        assert!(!tenth(&mut tod));
        assert!(tod.write(0, 0x02, false), "writing the alarm time matches");
        assert!(
            !tod.write(0, 0x02, false),
            "an unchanged write does not match again"
        );
    }
}
