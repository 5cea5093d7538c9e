//! The resampler's dynamic rate control against drifting device clocks.

use heirloom_shell::resample::MAX_RATE_ADJUSTMENT;
use heirloom_shell::{AudioSink, FrameRate, Resampler};

const PAL_C64: FrameRate = FrameRate::new(985_248, 19_656);
const CORE_RATE: u64 = 48_000;
const DEVICE_RATE: f64 = 48_000.0;
const CALLBACK_FRAMES: usize = 256;
const LOW_WATER: usize = 1_024;
const HIGH_WATER: usize = 3_072;

struct Outcome {
    underruns: u64,
    overruns: u64,
    lowest: usize,
    highest: usize,
    largest_adjustment: f64,
}

/// Simulates `seconds` of a core pushing one frame of audio at each of its frames (host
/// clock) while a device pulls callback-sized chunks at its own clock, `drift` fast.
fn simulate(seconds: u64, drift: f64) -> Outcome {
    let mut resampler = Resampler::new(CORE_RATE as u32, DEVICE_RATE as u32, LOW_WATER, HIGH_WATER);
    let callback_period = CALLBACK_FRAMES as f64 / (DEVICE_RATE * (1.0 + drift));
    let frame_period = 1.0 / PAL_C64.as_hz();
    let (mut next_frame, mut next_callback) = (0.0_f64, 0.0_f64);
    let mut frames_pushed = 0u64;
    let mut samples_made = 0u64;
    let mut chunk = vec![0.0; CALLBACK_FRAMES * 2];
    let mut phase = 0.0_f32;
    let (mut lowest, mut highest, mut largest_adjustment) = (usize::MAX, 0, 0.0_f64);
    let mut warmed_up = false;
    while next_frame.min(next_callback) < seconds as f64 {
        if next_frame <= next_callback {
            // Samples due by the end of this frame at exactly 48 kHz of emulated time.
            let due = (frames_pushed + 1) * CORE_RATE * PAL_C64.denominator / PAL_C64.numerator;
            let samples: Vec<f32> = (samples_made..due)
                .flat_map(|_| {
                    phase = (phase + 440.0 / CORE_RATE as f32).fract();
                    let value = (phase * std::f32::consts::TAU).sin();
                    [value, value]
                })
                .collect();
            resampler.push(&samples);
            samples_made = due;
            frames_pushed += 1;
            next_frame = frames_pushed as f64 * frame_period;
        } else {
            resampler.pull(&mut chunk);
            next_callback += callback_period;
        }
        if next_frame > 1.0 {
            warmed_up = true;
        }
        if warmed_up {
            lowest = lowest.min(resampler.queued_frames());
            highest = highest.max(resampler.queued_frames());
            largest_adjustment = largest_adjustment.max(resampler.rate_adjustment().abs());
        }
    }
    Outcome {
        underruns: resampler.underruns(),
        overruns: resampler.overruns(),
        lowest,
        highest,
        largest_adjustment,
    }
}

fn assert_queue_holds(drift: f64) {
    let outcome = simulate(600, drift);
    assert_eq!(outcome.underruns, 0, "drift {drift}: underruns");
    assert_eq!(outcome.overruns, 0, "drift {drift}: overruns");
    assert!(outcome.lowest > 0, "drift {drift}: the queue ran dry");
    assert!(
        outcome.highest <= HIGH_WATER + 1_024,
        "drift {drift}: queue reached {}",
        outcome.highest
    );
    assert!(outcome.largest_adjustment <= MAX_RATE_ADJUSTMENT + 1e-12);
}

#[test]
fn queue_holds_with_the_device_clock_0_3_percent_fast() {
    assert_queue_holds(0.003);
}

#[test]
fn queue_holds_with_the_device_clock_0_3_percent_slow() {
    assert_queue_holds(-0.003);
}

#[test]
fn queue_holds_with_matched_clocks() {
    assert_queue_holds(0.0);
}

#[test]
fn without_rate_control_the_same_drift_would_run_dry() {
    // The control is what keeps the queue: a drift of 0.3 % over ten minutes is 86 400
    // frames, far more than the queue holds.
    let drift_frames = 600.0 * DEVICE_RATE * 0.003;
    assert!(drift_frames > (2 * HIGH_WATER) as f64);
    let outcome = simulate(600, 0.003);
    assert!(
        outcome.largest_adjustment > 0.002,
        "the control never acted"
    );
}

#[test]
fn a_tone_comes_out_clean_at_another_rate() {
    const INPUT_RATE: f32 = 44_100.0;
    const TONE: f32 = 440.0;
    let mut resampler = Resampler::new(44_100, 48_000, LOW_WATER, HIGH_WATER);
    let mut output = Vec::new();
    let mut chunk = vec![0.0; 480 * 2];
    for block in 0..300u32 {
        // 10 ms of input, then 10 ms of output.
        let input: Vec<f32> = (block * 441..(block + 1) * 441)
            .flat_map(|n| {
                let value = (n as f32 * TONE / INPUT_RATE * std::f32::consts::TAU).sin();
                [value, -value]
            })
            .collect();
        resampler.push(&input);
        resampler.pull(&mut chunk);
        if block >= 100 {
            output.extend(chunk.chunks_exact(2).map(|frame| {
                assert_eq!(frame[0], -frame[1], "channels swapped or mixed");
                frame[0]
            }));
        }
    }
    assert_eq!(resampler.underruns(), 0);
    // A sampled sine obeys x[n-1] + x[n+1] = 2 cos(ω) x[n]; a dropped, repeated or badly
    // interpolated sample breaks that by far more than the allowed rate nudge does.
    let cos_omega = (TONE / 48_000.0 * std::f32::consts::TAU).cos();
    let worst = output
        .windows(3)
        .map(|w| (w[0] + w[2] - 2.0 * cos_omega * w[1]).abs())
        .fold(0.0, f32::max);
    assert!(worst < 1e-3, "the tone is distorted by up to {worst}");
    let rising_crossings = output
        .windows(2)
        .filter(|w| w[0] < 0.0 && w[1] >= 0.0)
        .count();
    let seconds = output.len() as f32 / 48_000.0;
    let frequency = rising_crossings as f32 / seconds;
    assert!(
        (frequency - TONE).abs() < TONE * 0.01,
        "the tone came out at {frequency} Hz"
    );
}
