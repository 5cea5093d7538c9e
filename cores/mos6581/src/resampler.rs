//! Band-limited conversion from the chip clock (about 1 MHz) to the output rate.
//!
//! Two stages:
//!
//! 1. A fourth-order CIC decimator (four cascaded running sums over [`BLOCK`] = 8
//!    cycles, exact integer arithmetic) takes the per-cycle voice sums down to the
//!    block rate, clock/8 ≈ 123 kHz. Its zeros sit on multiples of the block rate:
//!    everything that would fold into 0–20 kHz is attenuated by at least 58 dB (45 dB
//!    for 20–28 kHz), on top of the natural fall-off of the harmonics that far up. Its
//!    passband droop is 0.7 dB at 15 kHz and 1.3 dB at 20 kHz, about what the C64's own
//!    output low-pass does. The filter and mixer then run at the block rate.
//! 2. A polyphase Kaiser-windowed sinc FIR ([`TAPS`] taps, β = 8, stopband about
//!    80 dB) with [`PHASES`] phases, linearly interpolated between neighbouring phases,
//!    takes the block rate to the output rate at any ratio. Its cutoff is 0.47 × the
//!    output rate (capped below the block rate's Nyquist frequency), so at 48 kHz it
//!    is flat to about 17.6 kHz and stops everything above about 27.5 kHz: nothing
//!    folds below 20.5 kHz. (The C64's own output stage rolls off from about 16 kHz.)
//!
//! Last, a one-pole high-pass at 16 Hz removes the DC the output carries, as the
//! coupling capacitor of the C64's audio output does.
//!
//! Time is kept in exact integer units of 1 / (clock × output rate) seconds, so the
//! output rate never drifts.

use std::f64::consts::PI;

/// Cycles per first-stage output (the CIC decimation factor).
pub const BLOCK: u32 = 8;
/// CIC order.
const ORDER: usize = 4;
/// CIC gain, `BLOCK ^ ORDER`.
const CIC_GAIN: f64 = 4096.0;
/// Taps of the second-stage FIR.
pub(crate) const TAPS: usize = 64;
const _: () = assert!(TAPS.is_multiple_of(8), "the dot products run in lanes of 8");
/// Phases of the second-stage polyphase table.
const PHASES: usize = 128;
/// Kaiser window β (about 80 dB stopband).
const KAISER_BETA: f64 = 8.0;
/// Cutoff of the output high-pass, Hz.
const DC_BLOCK_HZ: f64 = 16.0;

/// One CIC stream: integrators at the clock rate, combs at the block rate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Cic {
    /// Integrator registers (wrapping).
    pub integrators: [i64; ORDER],
    /// Comb delay registers (wrapping).
    pub combs: [i64; ORDER],
}

impl Cic {
    /// Feeds one cycle's value.
    #[inline(always)]
    pub fn push(&mut self, value: i64) {
        let i = &mut self.integrators;
        i[0] = i[0].wrapping_add(value);
        i[1] = i[1].wrapping_add(i[0]);
        i[2] = i[2].wrapping_add(i[1]);
        i[3] = i[3].wrapping_add(i[2]);
    }

    /// At the end of a block: the block-rate output, scaled to the input's units.
    pub fn decimate(&mut self) -> f64 {
        let mut x = self.integrators[ORDER - 1];
        for comb in &mut self.combs {
            let y = x.wrapping_sub(*comb);
            *comb = x;
            x = y;
        }
        x as f64 / CIC_GAIN
    }
}

/// The second stage and the output high-pass.
#[derive(Clone, PartialEq)]
pub(crate) struct Resampler {
    /// The last [`TAPS`] block-rate samples, written twice (at `pos` and `pos + TAPS`)
    /// so the newest `TAPS` are always one contiguous slice.
    pub history: Vec<f32>,
    /// Where the next block-rate sample goes.
    pub pos: usize,
    /// Time from the newest block-rate sample to the next output sample, in units of
    /// 1 / (clock × output rate) s; at most zero once an output is due.
    pub until_output: i64,
    /// High-pass state: last input and output.
    pub dc_in: f32,
    /// High-pass state: last output.
    pub dc_out: f32,
    /// Units per block-rate sample (`BLOCK × output rate`).
    block_units: i64,
    /// Units per output sample (the clock rate).
    output_units: i64,
    /// `(PHASES + 1) × TAPS` coefficients, phase-major.
    table: Vec<f32>,
    /// High-pass pole.
    dc_pole: f32,
}

impl std::fmt::Debug for Resampler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // the coefficient table is derived from the rates: left out
        f.debug_struct("Resampler")
            .field("pos", &self.pos)
            .field("until_output", &self.until_output)
            .field("dc_in", &self.dc_in)
            .field("dc_out", &self.dc_out)
            .finish_non_exhaustive()
    }
}

impl Resampler {
    /// A converter from `clock_hz / BLOCK` to `output_rate`.
    pub fn new(clock_hz: u32, output_rate: u32) -> Self {
        let block_rate = f64::from(clock_hz) / f64::from(BLOCK);
        let cutoff = (0.47 * f64::from(output_rate)).min(0.42 * block_rate);
        Self {
            history: vec![0.0; 2 * TAPS],
            pos: 0,
            until_output: i64::from(clock_hz),
            dc_in: 0.0,
            dc_out: 0.0,
            block_units: i64::from(BLOCK) * i64::from(output_rate),
            output_units: i64::from(clock_hz),
            table: kernel_table(cutoff / block_rate),
            dc_pole: (-2.0 * PI * DC_BLOCK_HZ / f64::from(output_rate)).exp() as f32,
        }
    }

    /// Takes one block-rate sample; appends the output samples that became due.
    #[inline]
    pub fn push(&mut self, sample: f32, out: &mut Vec<f32>) {
        self.history[self.pos] = sample;
        self.history[self.pos + TAPS] = sample;
        self.pos = (self.pos + 1) % TAPS;
        self.until_output -= self.block_units;
        while self.until_output <= 0 {
            // the output instant lies `delay` block samples before the newest one
            let delay = -self.until_output as f64 / self.block_units as f64;
            let y = self.convolve(delay);
            let filtered = y - self.dc_in + self.dc_pole * self.dc_out;
            self.dc_in = y;
            self.dc_out = filtered;
            out.push(filtered);
            self.until_output += self.output_units;
        }
    }

    /// The band-limited value `delay` (0 ≤ delay < 1) block samples before the newest,
    /// minus the filter's fixed latency.
    fn convolve(&self, delay: f64) -> f32 {
        let position = delay * PHASES as f64;
        let phase = (position as usize).min(PHASES - 1);
        let frac = (position - phase as f64) as f32;
        // oldest first: history[pos..pos + TAPS]; tap k of the table weighs the sample
        // k steps behind the newest
        let samples = &self.history[self.pos..self.pos + TAPS];
        let a = &self.table[phase * TAPS..(phase + 1) * TAPS];
        let b = &self.table[(phase + 1) * TAPS..(phase + 2) * TAPS];
        // eight independent lanes so the sums vectorise
        let mut sa = [0.0f32; 8];
        let mut sb = [0.0f32; 8];
        for ((x, ca), cb) in samples
            .chunks_exact(8)
            .zip(a.chunks_exact(8))
            .zip(b.chunks_exact(8))
        {
            for lane in 0..8 {
                sa[lane] += x[lane] * ca[lane];
                sb[lane] += x[lane] * cb[lane];
            }
        }
        let sa: f32 = sa.iter().sum();
        let sb: f32 = sb.iter().sum();
        sa + frac * (sb - sa)
    }
}

/// Kernel rows for delays `p / PHASES`, `p = 0..=PHASES`; taps stored oldest sample
/// first. `cutoff` is relative to the block rate.
fn kernel_table(cutoff: f64) -> Vec<f32> {
    let half = TAPS as f64 / 2.0;
    // latency so that every tap's argument lies inside the window
    let latency = half - 1.0;
    let mut table = Vec::with_capacity((PHASES + 1) * TAPS);
    for p in 0..=PHASES {
        let delay = p as f64 / PHASES as f64;
        let row: Vec<f64> = (0..TAPS)
            .map(|i| {
                let behind = (TAPS - 1 - i) as f64;
                let t = behind - delay - latency;
                let sinc = if t == 0.0 {
                    1.0
                } else {
                    (2.0 * PI * cutoff * t).sin() / (PI * t * 2.0 * cutoff)
                };
                2.0 * cutoff * sinc * kaiser(t / half)
            })
            .collect();
        // normalise each phase to unity DC gain
        let sum: f64 = row.iter().sum();
        table.extend(row.iter().map(|&c| (c / sum) as f32));
    }
    table
}

/// Kaiser window at `x` in [-1, 1].
fn kaiser(x: f64) -> f64 {
    if x.abs() >= 1.0 {
        return 0.0;
    }
    bessel_i0(KAISER_BETA * (1.0 - x * x).sqrt()) / bessel_i0(KAISER_BETA)
}

/// Modified Bessel function of the first kind, order 0 (power series).
fn bessel_i0(x: f64) -> f64 {
    let q = x * x / 4.0;
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..50 {
        term *= q / (k * k) as f64;
        sum += term;
        if term < sum * 1e-17 {
            break;
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cic_passes_dc_exactly() {
        let mut cic = Cic::default();
        let mut last = 0.0;
        for _ in 0..10 {
            for _ in 0..BLOCK {
                cic.push(1234);
            }
            last = cic.decimate();
        }
        assert_eq!(last, 1234.0);
    }

    #[test]
    fn output_count_follows_the_rates() {
        let mut r = Resampler::new(985_248, 48_000);
        let mut out = Vec::new();
        for _ in 0..985_248 / 8 {
            r.push(0.0, &mut out);
        }
        // one second of input gives one second of output
        assert_eq!(out.len(), 48_000);
    }

    #[test]
    fn kernel_rows_have_unity_gain_and_are_smooth() {
        let t = kernel_table(0.2);
        for p in 0..=PHASES {
            let sum: f32 = t[p * TAPS..(p + 1) * TAPS].iter().sum();
            assert!((sum - 1.0).abs() < 1e-5);
        }
        // the last row (delay 1) is the first row shifted by one tap
        for i in 1..TAPS {
            let a = t[i];
            let b = t[PHASES * TAPS + i - 1];
            assert!((a - b).abs() < 1e-4, "{i}: {a} {b}");
        }
    }
}
