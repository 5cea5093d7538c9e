//! The ADSR envelope generator of one voice.
//!
//! An 8-bit envelope counter steps up (attack) or down (decay, release) whenever the
//! rate counter matches the period selected by the current phase's 4-bit rate. The rate
//! counter is a 15-bit LFSR in the chip: it runs through 32767 states and is compared
//! for equality, so it is modelled as a counter 1..=0x7FFF that returns to 1 after
//! 0x7FFF and to 0 on a match. Periods (cycles per step) are the measured 9, 32, 63, 95,
//! 149, 220, 267, 313, 392, 977, 1954, 3126, 3907, 11720, 19532, 31251 for rates 0..15.
//!
//! Because the comparison is for equality, switching to a shorter period while the
//! counter is already past it makes the counter run all the way round before the next
//! step: the well-known ADSR delay bug (up to 32767 cycles, about 33 ms).
//!
//! Decay and release step only every 1, 2, 4, 8, 16 or 30 rate periods: the exponential
//! divider's period changes when the envelope counter reaches 255, 93, 54, 26, 14 and 6
//! (and goes back to 1 at 0), which approximates an exponential fall.
//!
//! Decay stops when the counter equals the sustain level (the sustain nibble times 17);
//! raising the sustain level above the counter does not raise the envelope, it decays on
//! down to zero. Once the counter reaches zero it is frozen there until the gate opens.
//! The counter is 8 bits wide and only the zero freeze stops it: a gate that opens and
//! closes again before the first attack step leaves it at zero but unfrozen, and the
//! next release step takes it round to 255 (a flip seen on real chips).

use crate::voice::ctrl;

/// Cycles per envelope step for each 4-bit rate (attack; decay and release use the same
/// table, further divided by the exponential divider).
pub const RATE_PERIODS: [u16; 16] = [
    9, 32, 63, 95, 149, 220, 267, 313, 392, 977, 1954, 3126, 3907, 11720, 19532, 31251,
];

/// Envelope phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Gate open, counting up to 255.
    Attack,
    /// Gate open, counting down to the sustain level.
    DecaySustain,
    /// Gate closed, counting down to zero.
    Release,
}

/// Envelope generator state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Envelope {
    /// The 8-bit envelope level.
    pub counter: u8,
    /// Current phase.
    pub phase: Phase,
    /// The 15-bit rate counter.
    pub rate_counter: u16,
    /// The period the rate counter is compared with (from the current phase's rate).
    pub rate_period: u16,
    /// Rate periods counted towards the next decay/release step.
    pub exp_counter: u8,
    /// Rate periods per decay/release step.
    pub exp_period: u8,
    /// The counter reached zero and is frozen there.
    pub hold_zero: bool,
    /// Last gate bit written.
    pub gate: bool,
    /// Attack (high nibble) and decay (low nibble) register.
    pub attack_decay: u8,
    /// Sustain (high nibble) and release (low nibble) register.
    pub sustain_release: u8,
}

impl Envelope {
    /// The power-on state: released, at zero.
    pub fn new() -> Self {
        Self {
            counter: 0,
            phase: Phase::Release,
            rate_counter: 0,
            rate_period: RATE_PERIODS[0],
            exp_counter: 0,
            exp_period: 1,
            hold_zero: true,
            gate: false,
            attack_decay: 0,
            sustain_release: 0,
        }
    }

    /// The sustain level the decay stops at.
    fn sustain_level(&self) -> u8 {
        (self.sustain_release >> 4) * 0x11
    }

    /// A control register write: the gate bit's edges start attack or release.
    pub fn write_control(&mut self, control: u8) {
        let gate = control & ctrl::GATE != 0;
        if gate && !self.gate {
            self.phase = Phase::Attack;
            self.rate_period = RATE_PERIODS[usize::from(self.attack_decay >> 4)];
            self.hold_zero = false;
        } else if !gate && self.gate {
            self.phase = Phase::Release;
            self.rate_period = RATE_PERIODS[usize::from(self.sustain_release & 0xF)];
        }
        self.gate = gate;
    }

    /// An attack/decay register write; takes effect at once in the running phase.
    pub fn write_attack_decay(&mut self, value: u8) {
        self.attack_decay = value;
        match self.phase {
            Phase::Attack => self.rate_period = RATE_PERIODS[usize::from(value >> 4)],
            Phase::DecaySustain => self.rate_period = RATE_PERIODS[usize::from(value & 0xF)],
            Phase::Release => {}
        }
    }

    /// A sustain/release register write; takes effect at once in the running phase.
    pub fn write_sustain_release(&mut self, value: u8) {
        self.sustain_release = value;
        if self.phase == Phase::Release {
            self.rate_period = RATE_PERIODS[usize::from(value & 0xF)];
        }
    }

    /// One cycle.
    #[inline(always)]
    pub fn clock(&mut self) {
        self.rate_counter += 1;
        if self.rate_counter == 0x8000 {
            self.rate_counter = 1;
        }
        if self.rate_counter != self.rate_period {
            return;
        }
        self.rate_counter = 0;
        self.step();
    }

    /// Clocks `N` cycles (at most 8, fewer than the shortest period, so the rate
    /// counter matches at most once), recording the level after each.
    #[inline(always)]
    pub fn clock_many<const N: usize>(&mut self, levels: &mut [u8; N]) {
        const { assert!(N < RATE_PERIODS[0] as usize) };
        let n = N as u16;
        let c = self.rate_counter;
        // cycles until the counter next equals the period (it runs 1..=0x7FFF)
        let until_match = if c < self.rate_period {
            self.rate_period - c
        } else {
            0x7FFF - c + self.rate_period
        };
        if until_match > n {
            let advanced = c + n;
            self.rate_counter = if advanced > 0x7FFF {
                advanced - 0x7FFF
            } else {
                advanced
            };
            *levels = [self.counter; N];
        } else {
            let before = self.counter;
            self.step();
            self.rate_counter = n - until_match;
            let after = self.counter;
            let at = usize::from(until_match);
            for (k, level) in levels.iter_mut().enumerate() {
                *level = if k + 1 < at { before } else { after };
            }
        }
    }

    /// The rate counter matched: count the exponential divider, maybe step the level.
    #[inline(never)]
    fn step(&mut self) {
        if self.phase != Phase::Attack {
            self.exp_counter += 1;
            if self.exp_counter != self.exp_period {
                return;
            }
        }
        self.exp_counter = 0;
        if self.hold_zero {
            return;
        }
        match self.phase {
            Phase::Attack => {
                self.counter = self.counter.wrapping_add(1);
                if self.counter == 0xFF {
                    self.phase = Phase::DecaySustain;
                    self.rate_period = RATE_PERIODS[usize::from(self.attack_decay & 0xF)];
                }
            }
            Phase::DecaySustain => {
                if self.counter != self.sustain_level() {
                    self.counter = self.counter.wrapping_sub(1);
                }
            }
            Phase::Release => self.counter = self.counter.wrapping_sub(1),
        }
        match self.counter {
            0xFF => self.exp_period = 1,
            0x5D => self.exp_period = 2,
            0x36 => self.exp_period = 4,
            0x1A => self.exp_period = 8,
            0x0E => self.exp_period = 16,
            0x06 => self.exp_period = 30,
            0x00 => {
                self.exp_period = 1;
                self.hold_zero = true;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cycles until the counter changes (at most `limit`).
    fn cycles_to_change(env: &mut Envelope, limit: u32) -> u32 {
        let start = env.counter;
        for n in 1..=limit {
            env.clock();
            if env.counter != start {
                return n;
            }
        }
        panic!("no change within {limit} cycles");
    }

    #[test]
    fn attack_steps_at_the_rate_period() {
        for (rate, &period) in RATE_PERIODS.iter().enumerate() {
            let mut env = Envelope::new();
            env.write_attack_decay((rate as u8) << 4);
            env.write_control(1);
            let mut cycles = 0;
            while env.counter != 0xFF {
                cycles += cycles_to_change(&mut env, 40_000);
            }
            assert_eq!(cycles, 255 * u32::from(period), "attack rate {rate}");
            assert_eq!(env.phase, Phase::DecaySustain);
        }
    }

    #[test]
    fn decay_is_exponential() {
        let mut env = Envelope::new();
        env.write_attack_decay(0x00);
        env.write_sustain_release(0x00);
        env.write_control(1);
        let mut intervals = Vec::new();
        loop {
            let level = env.counter;
            intervals.push((level, cycles_to_change(&mut env, 10_000)));
            if env.counter == 0 {
                break;
            }
        }
        // the first decay step follows the last attack step by one period
        for &(level, cycles) in &intervals[255..] {
            let divider = match level {
                94..=255 => 1,
                55..=93 => 2,
                27..=54 => 4,
                15..=26 => 8,
                7..=14 => 16,
                1..=6 => 30,
                _ => unreachable!(),
            };
            assert_eq!(cycles, 9 * divider, "step from level {level}");
        }
        assert_eq!(intervals.len(), 255 + 255);
        // frozen at zero
        for _ in 0..100_000 {
            env.clock();
        }
        assert_eq!(env.counter, 0);
    }

    #[test]
    fn decay_stops_at_the_sustain_level() {
        let mut env = Envelope::new();
        env.write_attack_decay(0x00);
        env.write_sustain_release(0xA0);
        env.write_control(1);
        for _ in 0..200_000 {
            env.clock();
        }
        assert_eq!(env.counter, 0xAA);
        // raising the sustain level does not raise the envelope: it decays on to zero
        env.write_sustain_release(0xF0);
        for _ in 0..200_000 {
            env.clock();
        }
        assert_eq!(env.counter, 0);
    }

    #[test]
    fn release_runs_to_zero_and_holds() {
        let mut env = Envelope::new();
        env.write_attack_decay(0x00);
        env.write_sustain_release(0xF1); // release rate 1: 32 cycles
        env.write_control(1);
        for _ in 0..255 * 9 {
            env.clock();
        }
        assert_eq!(env.counter, 0xFF);
        env.write_control(0);
        let mut total = 0;
        let mut steps = 0;
        while env.counter != 0 {
            total += cycles_to_change(&mut env, 100_000);
            steps += 1;
        }
        assert_eq!(steps, 255);
        // the first step comes one period after the gate closed: the rate counter had just
        // matched at the end of the attack
        let expected: u32 = (1..=255u32)
            .map(|level| {
                32 * match level {
                    94..=255 => 1,
                    55..=93 => 2,
                    27..=54 => 4,
                    15..=26 => 8,
                    7..=14 => 16,
                    _ => 30,
                }
            })
            .sum();
        assert_eq!(total, expected);
        for _ in 0..1_000_000 {
            env.clock();
        }
        assert_eq!(env.counter, 0);
        assert!(env.hold_zero);
    }

    #[test]
    fn lowering_the_period_below_the_count_wraps_the_rate_counter() {
        let mut env = Envelope::new();
        env.write_attack_decay(0xF0); // attack 15: 31251 cycles
        env.write_control(1);
        for _ in 0..20_000 {
            env.clock();
        }
        assert_eq!(env.counter, 0);
        assert_eq!(env.rate_counter, 20_000);
        env.write_attack_decay(0x00); // period 9, far below the count
        let wait = cycles_to_change(&mut env, 40_000);
        assert_eq!(wait, 0x7FFF - 20_000 + 9);
        // from then on steps come every 9 cycles
        assert_eq!(cycles_to_change(&mut env, 100), 9);
    }

    #[test]
    fn block_clocking_matches_cycle_clocking() {
        let mut one = Envelope::new();
        let mut many = Envelope::new();
        let mut levels = [0u8; 7];
        for (round, value) in [0x00u8, 0xF3, 0x5A, 0x0F, 0xA1].into_iter().enumerate() {
            for env in [&mut one, &mut many] {
                env.write_attack_decay(value);
                env.write_sustain_release(value.rotate_left(4));
                env.write_control(u8::from(round % 2 == 0));
            }
            for _ in 0..40_000 {
                let mut expected = [0u8; 7];
                for e in &mut expected {
                    one.clock();
                    *e = one.counter;
                }
                many.clock_many(&mut levels);
                assert_eq!(levels, expected);
            }
            assert_eq!(one, many);
        }
    }

    #[test]
    fn release_from_an_unfrozen_zero_wraps_to_255() {
        let mut env = Envelope::new();
        env.write_attack_decay(0x00);
        env.write_sustain_release(0x00);
        env.write_control(1);
        env.write_control(0); // before the first attack step
        assert_eq!(cycles_to_change(&mut env, 100), 9);
        assert_eq!(env.counter, 0xFF);
        assert_eq!(env.exp_period, 1);
        // then it releases normally
        assert_eq!(cycles_to_change(&mut env, 100), 9);
        assert_eq!(env.counter, 0xFE);
    }

    #[test]
    fn gate_toggles_switch_phases() {
        let mut env = Envelope::new();
        env.write_attack_decay(0x22);
        env.write_sustain_release(0x83);
        env.write_control(1);
        assert_eq!(env.phase, Phase::Attack);
        assert_eq!(env.rate_period, RATE_PERIODS[2]);
        env.write_control(1);
        assert_eq!(env.phase, Phase::Attack, "no edge, no change");
        env.write_control(0);
        assert_eq!(env.phase, Phase::Release);
        assert_eq!(env.rate_period, RATE_PERIODS[3]);
    }
}
