//! Audio rate conversion with dynamic rate control.
//!
//! A core produces samples at its own rate, paced by the host clock; a sound card consumes
//! them at its own rate, paced by its own crystal. The two clocks never agree exactly, so
//! a fixed conversion ratio would slowly empty or overfill any queue between them. The
//! [`Resampler`] keeps its output queue between a low and a high water mark by nudging the
//! conversion ratio by at most ±0.5 % (an inaudible pitch change), in proportion to how far
//! the queue is from the middle of that band.

use std::collections::VecDeque;

use crate::audio::AudioSink;

/// The largest change the rate control makes to the conversion ratio: ±0.5 %.
pub const MAX_RATE_ADJUSTMENT: f64 = 0.005;

/// How quickly the control follows the queue's fill level (per push); the average
/// smooths away the sawtooth of frame-sized pushes and callback-sized pulls.
const FILL_SMOOTHING: f64 = 0.05;

/// Converts interleaved stereo audio from a core's rate to a device's rate, holding the
/// result in a queue the device pulls from.
///
/// Push with [`AudioSink::push`] (once per core frame), pull with [`pull`](Self::pull)
/// (from the device callback).
#[derive(Clone, Debug)]
pub struct Resampler {
    /// Input frames per output frame at the nominal rates.
    nominal_step: f64,
    output_rate: u32,
    /// The last four input frames, oldest first; output is interpolated between the
    /// middle two.
    history: [[f32; 2]; 4],
    /// Position between `history[1]` (0.0) and `history[2]` (1.0) of the next output frame.
    phase: f64,
    queue: VecDeque<f32>,
    low_water: usize,
    high_water: usize,
    capacity: usize,
    smoothed_fill: f64,
    adjustment: f64,
    started: bool,
    underruns: u64,
    overruns: u64,
}

impl Resampler {
    /// A resampler from `input_rate` to `output_rate` Hz whose queue is kept between
    /// `low_water` and `high_water` stereo frames; it holds at most twice `high_water`.
    ///
    /// # Panics
    /// If a rate is zero or `low_water ≥ high_water`.
    pub fn new(input_rate: u32, output_rate: u32, low_water: usize, high_water: usize) -> Self {
        assert!(
            input_rate > 0 && output_rate > 0,
            "sample rates are positive"
        );
        assert!(
            low_water < high_water,
            "the low water mark lies below the high one"
        );
        Self {
            nominal_step: f64::from(input_rate) / f64::from(output_rate),
            output_rate,
            history: [[0.0; 2]; 4],
            phase: 0.0,
            queue: VecDeque::with_capacity(high_water * 4),
            low_water,
            high_water,
            capacity: high_water * 2,
            smoothed_fill: (low_water + high_water) as f64 / 2.0,
            adjustment: 0.0,
            started: false,
            underruns: 0,
            overruns: 0,
        }
    }

    /// Follows a source that now makes `input_rate` Hz (another core or app), keeping
    /// what is queued.
    ///
    /// # Panics
    /// If `input_rate` is zero.
    pub fn set_input_rate(&mut self, input_rate: u32) {
        assert!(input_rate > 0, "sample rates are positive");
        self.nominal_step = f64::from(input_rate) / f64::from(self.output_rate);
    }

    /// Stereo frames waiting in the queue.
    pub fn queued_frames(&self) -> usize {
        self.queue.len() / 2
    }

    /// The current nudge of the conversion ratio, within ±[`MAX_RATE_ADJUSTMENT`]
    /// (positive: the queue is full-ish and output is being thinned).
    pub fn rate_adjustment(&self) -> f64 {
        self.adjustment
    }

    /// Pulls that found the queue short (after it first filled), each filled up with
    /// silence.
    pub fn underruns(&self) -> u64 {
        self.underruns
    }

    /// Pushes that found the queue at its capacity and dropped their newest samples.
    pub fn overruns(&self) -> u64 {
        self.overruns
    }

    /// Fills `out` (interleaved stereo) from the queue. Until the queue has first filled
    /// to the middle of its band, and whenever it runs short, the rest is silence.
    pub fn pull(&mut self, out: &mut [f32]) {
        let middle = (self.low_water + self.high_water) / 2;
        if !self.started && self.queued_frames() >= middle {
            self.started = true;
        }
        let available = if self.started {
            self.queue.len().min(out.len())
        } else {
            0
        };
        for (slot, sample) in out.iter_mut().zip(self.queue.drain(..available)) {
            *slot = sample;
        }
        out[available..].fill(0.0);
        if self.started && available < out.len() {
            self.underruns += 1;
        }
    }

    /// Retunes the ratio from the queue's smoothed fill level.
    fn update_adjustment(&mut self) {
        let fill = self.queued_frames() as f64;
        self.smoothed_fill += (fill - self.smoothed_fill) * FILL_SMOOTHING;
        let middle = (self.low_water + self.high_water) as f64 / 2.0;
        let half_band = (self.high_water - self.low_water) as f64 / 2.0;
        let offset = ((self.smoothed_fill - middle) / half_band).clamp(-1.0, 1.0);
        self.adjustment = offset * MAX_RATE_ADJUSTMENT;
    }

    /// Queues one output frame; returns false when the queue is full and it was dropped.
    fn emit(&mut self, frame: [f32; 2]) -> bool {
        let fits = self.queued_frames() < self.capacity;
        if fits {
            self.queue.extend(frame);
        }
        fits
    }
}

/// Catmull-Rom interpolation between `p1` (t = 0) and `p2` (t = 1).
fn interpolate(p0: f32, p1: f32, p2: f32, p3: f32, t: f32) -> f32 {
    let a = -0.5 * p0 + 1.5 * p1 - 1.5 * p2 + 0.5 * p3;
    let b = p0 - 2.5 * p1 + 2.0 * p2 - 0.5 * p3;
    let c = -0.5 * p0 + 0.5 * p2;
    ((a * t + b) * t + c) * t + p1
}

impl AudioSink for Resampler {
    fn push(&mut self, samples: &[f32]) {
        self.update_adjustment();
        let step = self.nominal_step * (1.0 + self.adjustment);
        let mut dropped = false;
        for frame in samples.chunks_exact(2) {
            self.history = [
                self.history[1],
                self.history[2],
                self.history[3],
                [frame[0], frame[1]],
            ];
            while self.phase < 1.0 {
                let t = self.phase as f32;
                let [h0, h1, h2, h3] = self.history;
                let out = [
                    interpolate(h0[0], h1[0], h2[0], h3[0], t),
                    interpolate(h0[1], h1[1], h2[1], h3[1], t),
                ];
                dropped |= !self.emit(out);
                self.phase += step;
            }
            self.phase -= 1.0;
        }
        if dropped {
            self.overruns += 1;
        }
    }
}
