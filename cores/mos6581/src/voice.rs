//! One voice's oscillator and waveform generator.
//!
//! The oscillator is a 24-bit phase accumulator that adds the 16-bit frequency register
//! every cycle. The waveform generator turns it into 12-bit waveforms:
//!
//! * sawtooth: the top 12 bits of the accumulator;
//! * triangle: bits 22..11, inverted while the MSB (bit 23) is set, so it rises and falls
//!   once per period. With ring modulation the MSB used for the inversion is XORed with
//!   the MSB of the previous voice's accumulator;
//! * pulse: all ones while the top 12 bits are at or above the 12-bit pulse width, else
//!   zero; the test bit forces it high;
//! * noise: eight bits of a 23-bit LFSR (bits 22, 20, 16, 13, 11, 7, 4, 2 on outputs
//!   11..4), shifted when accumulator bit 19 rises, with feedback bit 22 XOR bit 17.
//!
//! Selecting several waveforms at once connects their outputs: see [`combine`].

use crate::Model;

/// The 24 bits of the phase accumulator.
pub(crate) const ACC_MASK: u32 = 0xFF_FFFF;
/// The accumulator bit whose rising edge syncs the next voice (and the ring modulator's
/// source bit).
const MSB: u32 = 0x80_0000;
/// The accumulator bit whose rising edge clocks the noise LFSR.
const NOISE_CLOCK: u32 = 0x08_0000;
/// The 23 bits of the noise LFSR.
const NOISE_MASK: u32 = 0x7F_FFFF;
/// The LFSR value the chip starts from (power on, test bit released).
pub(crate) const NOISE_RESET: u32 = 0x7F_FFF8;

/// Control register bits.
pub(crate) mod ctrl {
    /// Gate: starts attack (rising) or release (falling).
    pub const GATE: u8 = 0x01;
    /// Hard sync with the previous voice.
    pub const SYNC: u8 = 0x02;
    /// Ring modulation of the triangle by the previous voice.
    pub const RING: u8 = 0x04;
    /// Test: holds the accumulator at zero, clears the noise LFSR, forces pulse high.
    pub const TEST: u8 = 0x08;
    /// Triangle waveform.
    pub const TRIANGLE: u8 = 0x10;
    /// Sawtooth waveform.
    pub const SAWTOOTH: u8 = 0x20;
    /// Pulse waveform.
    pub const PULSE: u8 = 0x40;
    /// Noise waveform.
    pub const NOISE: u8 = 0x80;
}

/// Oscillator and waveform state of one voice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Oscillator {
    /// 24-bit phase accumulator.
    pub acc: u32,
    /// 16-bit frequency register.
    pub freq: u32,
    /// 12-bit pulse width register.
    pub pulse_width: u32,
    /// Control register (waveform select, test, ring, sync, gate).
    pub control: u8,
    /// 23-bit noise LFSR.
    pub noise: u32,
    /// The accumulator MSB rose in the last cycle (drives hard sync).
    pub msb_rising: bool,
}

impl Oscillator {
    /// The power-on state.
    pub fn new() -> Self {
        Self {
            acc: 0,
            freq: 0,
            pulse_width: 0,
            control: 0,
            noise: NOISE_RESET,
            msb_rising: false,
        }
    }

    /// A control register write. Setting the test bit clears the accumulator and the
    /// LFSR; releasing it reloads the LFSR with its reset value.
    pub fn write_control(&mut self, value: u8) {
        if value & ctrl::TEST != 0 {
            self.acc = 0;
            self.noise = 0;
        } else if self.control & ctrl::TEST != 0 {
            self.noise = NOISE_RESET;
        }
        self.control = value;
    }

    /// Advances the accumulator by one cycle and clocks the LFSR on bit 19's rising edge.
    #[inline(always)]
    pub fn clock(&mut self) {
        if self.control & ctrl::TEST != 0 {
            self.msb_rising = false;
            return;
        }
        let prev = self.acc;
        self.acc = (prev + self.freq) & ACC_MASK;
        let rising = !prev & self.acc;
        self.msb_rising = rising & MSB != 0;
        if rising & NOISE_CLOCK != 0 {
            self.noise = shift_lfsr(self.noise);
        }
    }

    /// The 12-bit waveform output. `ring_source_acc` is the previous voice's accumulator.
    #[inline(always)]
    pub fn output(&self, ring_source_acc: u32, model: Model) -> u32 {
        waveform(
            self.control,
            self.acc,
            ring_source_acc,
            self.pulse_width,
            self.noise,
            model,
        )
    }

    /// Clocks `N` cycles (`2 ≤ N ≤ 8`), recording the accumulator and the LFSR after
    /// each. With at most 8 × `$FFFF` added, bit 19 rises at most once.
    #[inline(always)]
    pub fn clock_many<const N: usize>(&mut self, acc_out: &mut [u32; N], lfsr_out: &mut [u32; N]) {
        const { assert!(N >= 2 && N <= 8) };
        if self.control & ctrl::TEST != 0 {
            self.msb_rising = false;
            acc_out.fill(self.acc);
            lfsr_out.fill(self.noise);
            return;
        }
        let start = self.acc;
        for (k, a) in acc_out.iter_mut().enumerate() {
            *a = (start + (k as u32 + 1) * self.freq) & ACC_MASK;
        }
        let half = NOISE_CLOCK;
        let base = (start + half) >> 20;
        if (start + N as u32 * self.freq + half) >> 20 == base {
            lfsr_out.fill(self.noise);
        } else {
            let at = (1..=N as u32)
                .find(|&k| (start + k * self.freq + half) >> 20 != base)
                .unwrap_or(N as u32) as usize;
            let before = self.noise;
            self.noise = shift_lfsr(before);
            lfsr_out[..at - 1].fill(before);
            lfsr_out[at - 1..].fill(self.noise);
        }
        self.acc = acc_out[N - 1];
        self.msb_rising = !acc_out[N - 2] & acc_out[N - 1] & MSB != 0;
    }

    /// When noise is combined with other waveforms, the combined output drives the LFSR
    /// bits it is read from: every output bit that is low clears its LFSR bit. Left alone,
    /// this drains the LFSR to zero (the noise "lock-up"); only the test bit revives it.
    #[inline(always)]
    pub fn write_back_noise(&mut self, output: u32) {
        if self.noise_combined() {
            self.noise &= noise_input(output) | !NOISE_TAPS;
        }
    }

    /// Noise is selected together with another waveform.
    pub fn noise_combined(&self) -> bool {
        self.control & ctrl::NOISE != 0
            && self.control & (ctrl::TRIANGLE | ctrl::SAWTOOTH | ctrl::PULSE) != 0
    }
}

/// The 12-bit output of the waveforms selected by `control` (bits 4–7) for an
/// accumulator value, the previous voice's accumulator (ring modulation), the pulse width
/// and the LFSR.
#[inline(always)]
pub(crate) fn waveform(
    control: u8,
    acc: u32,
    ring_source_acc: u32,
    pulse_width: u32,
    lfsr: u32,
    model: Model,
) -> u32 {
    let triangle = || {
        let msb = if control & ctrl::RING != 0 {
            (acc ^ ring_source_acc) & MSB
        } else {
            acc & MSB
        };
        let phase = if msb != 0 { !acc } else { acc };
        (phase >> 11) & 0xFFF
    };
    let sawtooth = || acc >> 12;
    let pulse = || {
        if control & ctrl::TEST != 0 || acc >> 12 >= pulse_width {
            0xFFF
        } else {
            0
        }
    };
    match control & 0xF0 {
        0 => 0,
        ctrl::TRIANGLE => triangle(),
        ctrl::SAWTOOTH => sawtooth(),
        ctrl::PULSE => pulse(),
        ctrl::NOISE => noise_output(lfsr),
        waves => {
            let mut all = 0xFFF;
            if waves & ctrl::TRIANGLE != 0 {
                all &= triangle();
            }
            if waves & ctrl::SAWTOOTH != 0 {
                all &= sawtooth();
            }
            if waves & ctrl::PULSE != 0 {
                all &= pulse();
            }
            if waves & ctrl::NOISE != 0 {
                all &= noise_output(lfsr);
            }
            combine(all, model)
        }
    }
}

/// [`waveform`] for a run of cycles: `acc`, `ring_source_acc` and `lfsr` hold each
/// cycle's values, `out` receives the outputs. The single waveforms get loops of their
/// own.
#[inline(always)]
pub(crate) fn waveforms(
    control: u8,
    acc: &[u32],
    ring_source_acc: &[u32],
    pulse_width: u32,
    lfsr: &[u32],
    model: Model,
    out: &mut [u32],
) {
    let test = control & ctrl::TEST != 0;
    match control & 0xF0 {
        0 => out.fill(0),
        ctrl::SAWTOOTH => {
            for (o, &a) in out.iter_mut().zip(acc) {
                *o = a >> 12;
            }
        }
        ctrl::PULSE => {
            for (o, &a) in out.iter_mut().zip(acc) {
                *o = if test || a >> 12 >= pulse_width {
                    0xFFF
                } else {
                    0
                };
            }
        }
        ctrl::NOISE => {
            for (o, &l) in out.iter_mut().zip(lfsr) {
                *o = noise_output(l);
            }
        }
        _ => {
            for (k, o) in out.iter_mut().enumerate() {
                *o = waveform(
                    control,
                    acc[k],
                    ring_source_acc[k],
                    pulse_width,
                    lfsr[k],
                    model,
                );
            }
        }
    }
}

/// One step of the LFSR: shift left, feeding bit 22 XOR bit 17 into bit 0.
#[inline(always)]
fn shift_lfsr(lfsr: u32) -> u32 {
    let feedback = ((lfsr >> 22) ^ (lfsr >> 17)) & 1;
    ((lfsr << 1) & NOISE_MASK) | feedback
}

/// The LFSR bits that appear on the noise output.
const NOISE_TAPS: u32 =
    (1 << 22) | (1 << 20) | (1 << 16) | (1 << 13) | (1 << 11) | (1 << 7) | (1 << 4) | (1 << 2);

/// The 12-bit noise output of an LFSR value (the low four bits are always zero).
pub(crate) fn noise_output(lfsr: u32) -> u32 {
    ((lfsr >> 22) & 1) << 11
        | ((lfsr >> 20) & 1) << 10
        | ((lfsr >> 16) & 1) << 9
        | ((lfsr >> 13) & 1) << 8
        | ((lfsr >> 11) & 1) << 7
        | ((lfsr >> 7) & 1) << 6
        | ((lfsr >> 4) & 1) << 5
        | ((lfsr >> 2) & 1) << 4
}

/// The LFSR tap bits an output value drives (inverse of [`noise_output`] on the taps).
fn noise_input(output: u32) -> u32 {
    ((output >> 11) & 1) << 22
        | ((output >> 10) & 1) << 20
        | ((output >> 9) & 1) << 16
        | ((output >> 8) & 1) << 13
        | ((output >> 7) & 1) << 11
        | ((output >> 6) & 1) << 7
        | ((output >> 5) & 1) << 4
        | ((output >> 4) & 1) << 2
}

/// Combined waveforms, from the bitwise AND of the selected waveforms.
///
/// On the 8580 the AND is the output: the usual approximation, close to the real chip
/// for the common combinations.
///
/// The 6581's combined waveforms are much weaker than the AND: its waveform outputs
/// load each other, so a bit that is high in every selected waveform still reads low
/// when a neighbouring bit is low. This table-free approximation keeps a bit only if
/// the bits on both sides of it are high in the AND too (the missing neighbours of bits
/// 11 and 0 count as high). Long runs of ones survive (the top of a triangle combined
/// with pulse, the end of a sawtooth ramp), isolated bits vanish; the measured 6581
/// tables are not reproduced exactly.
#[inline(always)]
pub(crate) fn combine(all: u32, model: Model) -> u32 {
    match model {
        Model::Mos8580 => all,
        Model::Mos6581 => all & ((all << 1) | 1) & ((all >> 1) | 0x800) & 0xFFF,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn osc(control: u8, acc: u32) -> Oscillator {
        let mut o = Oscillator::new();
        o.write_control(control);
        o.acc = acc;
        o
    }

    #[test]
    fn sawtooth_is_the_top_twelve_bits() {
        for acc in [0, 0x00_1000, 0x12_3456, 0x80_0000, 0xFF_FFFF] {
            assert_eq!(
                osc(ctrl::SAWTOOTH, acc).output(0, Model::Mos6581),
                acc >> 12
            );
        }
    }

    #[test]
    fn triangle_rises_then_falls() {
        let t = |acc| osc(ctrl::TRIANGLE, acc).output(0, Model::Mos6581);
        assert_eq!(t(0), 0);
        assert_eq!(t(0x00_0800), 1);
        assert_eq!(t(0x40_0000), 0x800);
        assert_eq!(t(0x7F_FFFF), 0xFFF);
        assert_eq!(t(0x80_0000), 0xFFF);
        assert_eq!(t(0xC0_0000), 0x7FF);
        assert_eq!(t(0xFF_FFFF), 0);
        // symmetric about the middle of the period
        for acc in (0..0x80_0000).step_by(0x1_2345) {
            assert_eq!(t(acc), t(0xFF_FFFF - acc));
        }
    }

    #[test]
    fn ring_modulation_xors_the_triangle_msb() {
        let o = osc(ctrl::TRIANGLE | ctrl::RING, 0x40_0000);
        assert_eq!(o.output(0, Model::Mos6581), 0x800);
        // with the source's MSB set, the rising half is inverted
        assert_eq!(o.output(0x80_0000, Model::Mos6581), 0x7FF);
        // without the ring bit the source does not matter
        let plain = osc(ctrl::TRIANGLE, 0x40_0000);
        assert_eq!(plain.output(0x80_0000, Model::Mos6581), 0x800);
    }

    #[test]
    fn pulse_compares_with_the_width() {
        let mut o = osc(ctrl::PULSE, 0);
        o.pulse_width = 0x800;
        o.acc = 0x7F_F000;
        assert_eq!(o.output(0, Model::Mos6581), 0);
        o.acc = 0x80_0000;
        assert_eq!(o.output(0, Model::Mos6581), 0xFFF);
        o.pulse_width = 0;
        o.acc = 0;
        assert_eq!(o.output(0, Model::Mos6581), 0xFFF, "width 0 is always high");
        o.pulse_width = 0xFFF;
        o.acc = 0xFF_EFFF;
        assert_eq!(o.output(0, Model::Mos6581), 0);
        o.write_control(ctrl::PULSE | ctrl::TEST);
        assert_eq!(o.output(0, Model::Mos6581), 0xFFF, "test forces pulse high");
    }

    /// The LFSR stepped independently, bit by bit, from its reset value.
    #[test]
    fn noise_follows_the_lfsr_from_reset() {
        let mut o = osc(ctrl::NOISE, 0);
        o.freq = 0x8_0000; // bit 19 rises every second cycle
        let mut bits = [0u8; 23];
        for (i, bit) in bits.iter_mut().enumerate() {
            *bit = u8::from(NOISE_RESET >> i & 1 == 1);
        }
        assert_eq!(o.output(0, Model::Mos6581), noise_output(NOISE_RESET));
        assert_eq!(
            noise_output(NOISE_RESET),
            0xFE0,
            "bit 2 of the reset value is 0"
        );
        for _ in 0..500 {
            o.clock();
            o.clock();
            let feedback = bits[22] ^ bits[17];
            bits.copy_within(0..22, 1);
            bits[0] = feedback;
            let taps = [22, 20, 16, 13, 11, 7, 4, 2];
            let expected = taps
                .iter()
                .enumerate()
                .fold(0, |acc, (i, &t)| acc | u32::from(bits[t]) << (11 - i));
            assert_eq!(o.output(0, Model::Mos6581), expected);
        }
    }

    #[test]
    fn block_clocking_matches_cycle_clocking() {
        for freq in [0, 1, 0x0FFF, 0x1234, 0x8000, 0xABCD, 0xFFFF] {
            let mut one = osc(ctrl::NOISE, 0xFF_0000);
            one.freq = freq;
            let mut many = one.clone();
            for round in 0..5000 {
                if round == 2000 {
                    // a stretch with the test bit held
                    one.write_control(ctrl::NOISE | ctrl::TEST);
                    many.write_control(ctrl::NOISE | ctrl::TEST);
                }
                if round == 2100 {
                    one.write_control(ctrl::NOISE);
                    many.write_control(ctrl::NOISE);
                }
                let (mut acc, mut lfsr) = ([0u32; 8], [0u32; 8]);
                many.clock_many(&mut acc, &mut lfsr);
                for k in 0..8 {
                    one.clock();
                    assert_eq!((acc[k], lfsr[k]), (one.acc, one.noise), "{freq:#x}");
                }
                assert_eq!(one, many);
            }
        }
    }

    #[test]
    fn noise_only_shifts_on_bit_19_rising() {
        let mut o = osc(ctrl::NOISE, 0);
        o.freq = 0x1000;
        let mut shifts = 0;
        let mut last = o.noise;
        for _ in 0..0x1000 {
            o.clock();
            if o.noise != last {
                shifts += 1;
                last = o.noise;
            }
        }
        // 0x1000 cycles of 0x1000 = one full accumulator period: bit 19 rises 16 times
        assert_eq!(o.acc, 0);
        assert_eq!(shifts, 16);
    }

    #[test]
    fn test_bit_holds_the_accumulator_and_resets_noise() {
        let mut o = osc(ctrl::SAWTOOTH, 0x12_3456);
        o.freq = 0x1234;
        o.write_control(ctrl::SAWTOOTH | ctrl::TEST);
        for _ in 0..100 {
            o.clock();
        }
        assert_eq!(o.acc, 0);
        assert_eq!(o.noise, 0);
        o.write_control(ctrl::NOISE);
        assert_eq!(o.noise, NOISE_RESET);
        o.clock();
        assert_eq!(o.acc, 0x1234);
    }

    #[test]
    fn combined_waveforms_and_on_the_8580_and_thin_on_the_6581() {
        let o = osc(ctrl::SAWTOOTH | ctrl::TRIANGLE, 0x3C_0000);
        // saw 0x3C0, triangle 0x780
        assert_eq!(o.output(0, Model::Mos8580), 0x3C0 & 0x780);
        assert_eq!(o.output(0, Model::Mos6581), 0x100);
        let o = osc(ctrl::PULSE | ctrl::TRIANGLE, 0x7F_0000);
        // triangle 0xFE0 near the top survives on both
        assert_eq!(o.output(0, Model::Mos8580), 0xFE0);
        assert_eq!(o.output(0, Model::Mos6581), 0xFC0);
        let o = osc(ctrl::SAWTOOTH | ctrl::PULSE, 0x55_5000);
        assert_eq!(o.output(0, Model::Mos8580), 0x555);
        assert_eq!(o.output(0, Model::Mos6581), 0, "isolated bits vanish");
    }

    #[test]
    fn noise_combined_with_pulse_locks_up() {
        let mut o = osc(ctrl::NOISE | ctrl::PULSE, 0);
        o.freq = 0x8_0000;
        o.pulse_width = 0x800; // low in the first half of each period
        for _ in 0..2000 {
            o.clock();
            let out = o.output(0, Model::Mos8580);
            o.write_back_noise(out);
        }
        assert_eq!(o.noise, 0, "the LFSR drained to zero");
        // alone, noise now stays silent
        o.write_control(ctrl::NOISE);
        for _ in 0..100 {
            o.clock();
        }
        assert_eq!(o.output(0, Model::Mos8580), 0);
        // the test bit brings it back
        o.write_control(ctrl::NOISE | ctrl::TEST);
        o.write_control(ctrl::NOISE);
        assert_eq!(o.output(0, Model::Mos8580), 0xFE0);
    }
}
