//! The multimode filter: a two-integrator-loop state-variable filter.
//!
//! The chip's filter is two integrators in a loop with a resonance (damping) feedback;
//! its high-pass, band-pass and low-pass outputs are taken from the loop and any of them
//! can be summed to the output (mode bits 4–6 of `$D418`). It inverts: the low-pass
//! output of a constant input settles at the input's negative.
//!
//! Here the loop runs in floating point at the rate of the output stage's first
//! decimation (the chip clock divided by [`crate::resampler::BLOCK`], about 123 kHz), as
//! a Chamberlin state-variable filter with its frequency coefficient prewarped
//! (`2·sin(π·fc/fs)`), so the cutoff is right up to the top of the range.
//!
//! Cutoff (11-bit register, `$D415` bits 0–2 and `$D416`):
//! * 8580: linear, about 30 Hz to 12.5 kHz.
//! * 6581: the chip's strongly nonlinear, chip-to-chip varying curve, approximated by a
//!   logistic curve fitted (in the log domain) to published measurements of a typical
//!   6581: about 210 Hz for the lower quarter of the range, 480 Hz at 512, 1.5 kHz at
//!   768, 5 kHz at 1024, 11.5 kHz at 1280, flattening at about 17 kHz. The measured
//!   curve's dip at 1024 and its variation between chips are not modelled.
//!
//! Resonance (4 bits, `$D417` bits 4–7): `Q = 0.707 + res/15` on both models.
//!
//! 6581 distortion: the real filter's op-amps compress and distort loud signals and high
//! resonance. This is approximated by a cubic soft limiter `x − 4x³/(27L²)` (L = 3 voice
//! amplitudes, reached smoothly at 1.5 L and held beyond) on the output of the summing
//! stage (the high-pass node) and of the first integrator (band-pass): transparent for
//! quiet input, increasingly compressing and distorting as the level rises, bounding
//! self-oscillation; a constant input still settles exactly. The 8580 filter stays
//! linear.
//! The level-dependent cutoff shift of real 6581s is not modelled. The external audio
//! input (`$D417` bit 3) is ignored: nothing is connected to it.

use std::f32::consts::PI;

use crate::Model;

/// Soft-limit level of the 6581 integrators, in voice amplitudes.
const LIMIT_6581: f32 = 3.0;

/// The filter's registers and integrator state.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Filter {
    /// 11-bit cutoff register.
    pub cutoff: u16,
    /// `$D417`: resonance (bits 4–7), routing of voices 1–3 and EXT (bits 0–3).
    pub res_filt: u8,
    /// `$D418`: voice 3 off (7), HP (6), BP (5), LP (4), volume (0–3).
    pub mode_vol: u8,
    /// Band-pass integrator output.
    pub band: f32,
    /// Low-pass integrator output.
    pub low: f32,
    /// Prewarped frequency coefficient (derived from cutoff, model and rate).
    w: f32,
    /// Damping, 1/Q (derived from resonance).
    damping: f32,
}

impl Filter {
    /// The power-on state for a filter running at `rate` Hz.
    pub fn new(model: Model, rate: f32) -> Self {
        let mut filter = Self {
            cutoff: 0,
            res_filt: 0,
            mode_vol: 0,
            band: 0.0,
            low: 0.0,
            w: 0.0,
            damping: 0.0,
        };
        filter.update(model, rate);
        filter
    }

    /// Recomputes the coefficients after a register, model or rate change.
    pub fn update(&mut self, model: Model, rate: f32) {
        let fc = cutoff_hz(model, self.cutoff).min(rate * 0.2);
        self.w = 2.0 * (PI * fc / rate).sin();
        self.damping = 1.0 / (0.707 + f32::from(self.res_filt >> 4) / 15.0);
    }

    /// One step of the loop with `input` (voices routed to the filter); returns the sum
    /// of the outputs selected by the mode bits.
    #[inline(always)]
    pub fn process(&mut self, input: f32, model: Model) -> f32 {
        let mut high = -input - self.low - self.damping * self.band;
        if model == Model::Mos6581 {
            high = soft_limit(high);
            self.band = soft_limit(self.band + self.w * high);
        } else {
            self.band += self.w * high;
        }
        self.low += self.w * self.band;
        let mut out = 0.0;
        if self.mode_vol & 0x10 != 0 {
            out += self.low;
        }
        if self.mode_vol & 0x20 != 0 {
            out += self.band;
        }
        if self.mode_vol & 0x40 != 0 {
            out += high;
        }
        out
    }
}

/// A cubic soft limiter: slope 1 at 0, flattening smoothly to exactly ±L at ±1.5 L.
fn soft_limit(x: f32) -> f32 {
    const CUBIC: f32 = 4.0 / (27.0 * LIMIT_6581 * LIMIT_6581);
    let x = x.clamp(-1.5 * LIMIT_6581, 1.5 * LIMIT_6581);
    x - CUBIC * x * x * x
}

/// Cutoff frequency in Hz of an 11-bit cutoff register value.
pub fn cutoff_hz(model: Model, cutoff: u16) -> f32 {
    let x = f32::from(cutoff & 0x7FF);
    match model {
        Model::Mos8580 => (x * (12_500.0 / 2047.0)).max(30.0),
        Model::Mos6581 => 200.0 + 16_800.0 / (1.0 + (-(x - 1165.0) / 160.0).exp()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cutoff_curves() {
        assert!((cutoff_hz(Model::Mos8580, 2047) - 12_500.0).abs() < 1.0);
        assert!((cutoff_hz(Model::Mos8580, 1024) - 6253.0).abs() < 5.0);
        // the 6581 curve: flat low end, steep middle, saturating top
        let f = |x| cutoff_hz(Model::Mos6581, x);
        assert!((200.0..260.0).contains(&f(0)));
        assert!(f(256) < 300.0);
        assert!((1200.0..2000.0).contains(&f(768)));
        assert!((4000.0..6500.0).contains(&f(1024)));
        assert!((15_000.0..18_000.0).contains(&f(2047)));
        for x in 1..2048 {
            assert!(f(x) > f(x - 1), "monotonic at {x}");
        }
    }

    fn run(filter: &mut Filter, freq: f32, rate: f32, model: Model) -> f32 {
        let mut sum = 0.0;
        let n = 20_000;
        for i in 0..n {
            let x = (2.0 * PI * freq * i as f32 / rate).sin() * 0.5;
            let y = filter.process(x, model);
            if i >= n / 2 {
                sum += y * y;
            }
        }
        (sum / (n / 2) as f32).sqrt() / (0.5 / 2f32.sqrt())
    }

    #[test]
    fn modes_pass_and_stop_where_they_should() {
        let rate = 123_156.0;
        let model = Model::Mos8580;
        let mut f = Filter::new(model, rate);
        f.cutoff = 164; // about 1 kHz
        f.update(model, rate);
        f.mode_vol = 0x10;
        assert!(run(&mut f.clone(), 100.0, rate, model) > 0.95);
        assert!(run(&mut f.clone(), 10_000.0, rate, model) < 0.02);
        f.mode_vol = 0x40;
        assert!(run(&mut f.clone(), 100.0, rate, model) < 0.02);
        assert!(run(&mut f.clone(), 10_000.0, rate, model) > 0.95);
        f.mode_vol = 0x20;
        assert!(run(&mut f.clone(), 100.0, rate, model) < 0.15);
        // the band-pass peaks at Q (0.707 without resonance)
        let centre = run(&mut f.clone(), 1_000.0, rate, model);
        assert!((0.65..0.75).contains(&centre), "{centre}");
        assert!(run(&mut f.clone(), 10_000.0, rate, model) < 0.15);
        // notch = LP + HP
        f.mode_vol = 0x50;
        assert!(run(&mut f.clone(), 1_000.0, rate, model) < 0.1);
        // resonance peaks at the cutoff
        f.mode_vol = 0x10;
        let flat = run(&mut f.clone(), 1_000.0, rate, model);
        f.res_filt = 0xF0;
        f.update(model, rate);
        let peak = run(&mut f.clone(), 1_000.0, rate, model);
        assert!(peak > flat * 2.0, "{peak} vs {flat}");
    }

    #[test]
    fn the_6581_compresses_loud_signals() {
        let rate = 123_156.0;
        let mut f = Filter::new(Model::Mos6581, rate);
        f.mode_vol = 0x40;
        f.cutoff = 0x200;
        f.update(Model::Mos6581, rate);
        let gain = |amplitude: f32, model: Model| {
            let mut f = f.clone();
            let mut sum = 0.0;
            for i in 0..20_000 {
                let x = amplitude * (2.0 * PI * 5000.0 * i as f32 / rate).sin();
                let y = f.process(x, model);
                if i >= 10_000 {
                    sum += y * y;
                }
            }
            (sum / 10_000.0).sqrt() / (amplitude / 2f32.sqrt())
        };
        let quiet = gain(0.1, Model::Mos6581) / gain(0.1, Model::Mos8580);
        let loud = gain(8.0, Model::Mos6581) / gain(8.0, Model::Mos8580);
        assert!(quiet > 0.99, "{quiet}");
        assert!(loud < 0.5, "{loud}");
        // a constant input still settles exactly (inverted) at the low-pass output
        let mut f = f.clone();
        f.mode_vol = 0x10;
        let mut y = 0.0;
        for _ in 0..100_000 {
            y = f.process(1.5, Model::Mos6581);
        }
        assert!((y + 1.5).abs() < 1e-4, "{y}");
    }
}
