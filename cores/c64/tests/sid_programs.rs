//! The SID on the whole machine, measured by the project's own 6502 programs in
//! `roms-test/c64/sid/`: each waveform's pitch (the spectrum's peak within 1 %) and
//! shape (its harmonics), envelope levels against the attack rate table, the ADSR delay
//! bug, OSC3 read-back, the filter's cutoff moving its -3 dB point, and a tone played
//! through the master volume alone.

mod common;

use common::{prg, test_roms};
use heirloom_c64::C64;
use heirloom_shell::{AudioBuffer, Core, FrameIo, Framebuffer, InputState, Media};

/// The PAL clock.
const CLOCK: f64 = 985_248.0;
/// The core's sample rate.
const RATE: f64 = 48_000.0;
/// Samples analysed: 0.68 s.
const FFT_LEN: usize = 1 << 15;

/// Runs the program `name` from `roms-test/c64/sid` with `constants` defined ahead of it,
/// for `frames` frames; returns the machine and the sound of the last `FFT_LEN` samples.
fn run_program(name: &str, constants: &str, frames: usize) -> (C64, Vec<f64>) {
    let path = heirloom_testkit::roms_test_dir().join("c64/sid").join(name);
    let source = std::fs::read_to_string(&path).unwrap();
    let mut c64 = C64::new(test_roms());
    c64.load(Media::new(
        format!("{name}.prg"),
        prg(&format!("{constants}\n{source}")),
    ))
    .unwrap();
    let mut video = Framebuffer::default();
    let mut audio = AudioBuffer::new();
    let input = InputState::default();
    for _ in 0..frames {
        c64.run_frame(&mut FrameIo {
            input: &input,
            video: &mut video,
            audio: &mut audio,
        });
    }
    let left: Vec<f64> = audio
        .samples
        .iter()
        .step_by(2)
        .map(|&s| f64::from(s))
        .collect();
    let tail = left[left.len().saturating_sub(FFT_LEN)..].to_vec();
    (c64, tail)
}

fn ram(c64: &C64, address: u32, len: usize) -> Vec<u8> {
    let mut bytes = vec![0; len];
    c64.read_memory("ram", address, &mut bytes).unwrap();
    bytes
}

/// Magnitudes of the spectrum of `samples` (Hann window, mean removed), bin `k` at
/// `k × RATE / FFT_LEN` Hz.
fn spectrum(samples: &[f64]) -> Vec<f64> {
    assert_eq!(samples.len(), FFT_LEN, "not enough sound recorded");
    let mean = samples.iter().sum::<f64>() / FFT_LEN as f64;
    let mut re: Vec<f64> = samples
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let window = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / FFT_LEN as f64).cos();
            (s - mean) * window
        })
        .collect();
    let mut im = vec![0.0; FFT_LEN];
    // Iterative radix-2 FFT: bit-reversed order, then butterflies.
    let bits = FFT_LEN.trailing_zeros();
    for i in 0..FFT_LEN {
        let j = i.reverse_bits() >> (usize::BITS - bits);
        if j > i {
            re.swap(i, j);
            im.swap(i, j);
        }
    }
    let mut size = 2;
    while size <= FFT_LEN {
        let angle = -2.0 * std::f64::consts::PI / size as f64;
        for start in (0..FFT_LEN).step_by(size) {
            for k in 0..size / 2 {
                let (sin, cos) = (angle * k as f64).sin_cos();
                let (a, b) = (start + k, start + k + size / 2);
                let tr = re[b] * cos - im[b] * sin;
                let ti = re[b] * sin + im[b] * cos;
                re[b] = re[a] - tr;
                im[b] = im[a] - ti;
                re[a] += tr;
                im[a] += ti;
            }
        }
        size *= 2;
    }
    (0..FFT_LEN / 2).map(|k| re[k].hypot(im[k])).collect()
}

fn bin_hz() -> f64 {
    RATE / FFT_LEN as f64
}

/// The frequency of the spectrum's highest peak above 50 Hz, refined between bins.
fn peak_frequency(magnitudes: &[f64]) -> f64 {
    let first = (50.0 / bin_hz()) as usize;
    let k = (first..magnitudes.len() - 1)
        .max_by(|&a, &b| magnitudes[a].total_cmp(&magnitudes[b]))
        .unwrap();
    let (left, mid, right) = (magnitudes[k - 1], magnitudes[k], magnitudes[k + 1]);
    let offset = 0.5 * (left - right) / (left - 2.0 * mid + right);
    (k as f64 + offset) * bin_hz()
}

/// The largest magnitude within three bins of `frequency`.
fn magnitude_near(magnitudes: &[f64], frequency: f64) -> f64 {
    let k = (frequency / bin_hz()).round() as usize;
    magnitudes[k - 3..=k + 3]
        .iter()
        .copied()
        .fold(0.0, f64::max)
}

/// The SID frequency register value for `hz`, and the pitch it really gives.
fn sid_frequency(hz: f64) -> (u16, f64) {
    let register = (hz * 16_777_216.0 / CLOCK).round() as u16;
    (register, f64::from(register) * CLOCK / 16_777_216.0)
}

fn assert_pitch(magnitudes: &[f64], expected: f64, what: &str) {
    let pitch = peak_frequency(magnitudes);
    assert!(
        (pitch - expected).abs() < expected / 100.0,
        "{what}: peak at {pitch:.1} Hz, expected {expected:.1} Hz"
    );
}

#[test]
fn each_waveform_has_its_pitch_and_its_harmonics() {
    let (register, pitch) = sid_frequency(440.0);
    let harmonic = |magnitudes: &[f64], n: f64| {
        magnitude_near(magnitudes, pitch * n) / magnitude_near(magnitudes, pitch)
    };

    let (_, sound) = run_program("wave.s", &format!("WAVE = $20\nFREQ = {register}"), 40);
    let saw = spectrum(&sound);
    assert_pitch(&saw, pitch, "sawtooth");
    let second = harmonic(&saw, 2.0);
    assert!(
        (0.3..0.7).contains(&second),
        "sawtooth 2nd harmonic {second:.3} (ideal 1/2)"
    );

    let (_, sound) = run_program("wave.s", &format!("WAVE = $10\nFREQ = {register}"), 40);
    let triangle = spectrum(&sound);
    assert_pitch(&triangle, pitch, "triangle");
    let (second, third) = (harmonic(&triangle, 2.0), harmonic(&triangle, 3.0));
    assert!(second < 0.05, "triangle 2nd harmonic {second:.3} (ideal 0)");
    assert!(
        (0.05..0.2).contains(&third),
        "triangle 3rd harmonic {third:.3} (ideal 1/9)"
    );

    let (register, pitch) = sid_frequency(1000.0);
    let (_, sound) = run_program("wave.s", &format!("WAVE = $40\nFREQ = {register}"), 40);
    let pulse = spectrum(&sound);
    assert_pitch(&pulse, pitch, "pulse");
    let second = magnitude_near(&pulse, 2.0 * pitch) / magnitude_near(&pulse, pitch);
    let third = magnitude_near(&pulse, 3.0 * pitch) / magnitude_near(&pulse, pitch);
    assert!(second < 0.05, "square 2nd harmonic {second:.3} (ideal 0)");
    assert!(
        (0.2..0.45).contains(&third),
        "square 3rd harmonic {third:.3} (ideal 1/3)"
    );

    // Noise has no peak: no bin holds a noticeable share of the energy.
    let (_, sound) = run_program("wave.s", "WAVE = $80\nFREQ = $2000", 40);
    let noise = spectrum(&sound);
    let total: f64 = noise.iter().map(|m| m * m).sum();
    assert!(total > 0.0, "noise is silent");
    let loudest = noise.iter().map(|m| m * m).fold(0.0, f64::max);
    assert!(
        loudest / total < 0.01,
        "noise has a tone: {:.4}",
        loudest / total
    );
}

#[test]
fn envelope_levels_follow_the_attack_rate_table_and_show_the_delay_bug() {
    // Cycles per attack step, by rate (the SID's rate counter periods).
    const PERIODS: [f64; 16] = [
        9.0, 32.0, 63.0, 95.0, 149.0, 220.0, 267.0, 313.0, 392.0, 977.0, 1954.0, 3126.0, 3907.0,
        11720.0, 19532.0, 31251.0,
    ];
    let (c64, _) = run_program("envelope.s", "", 60);
    assert_eq!(ram(&c64, 0xc220, 1), [1], "the program did not finish");
    let levels = ram(&c64, 0xc200, 6);
    for (level, rate) in levels.iter().zip(5..=10) {
        let expected = 20_000.0 / PERIODS[rate];
        assert!(
            (f64::from(*level) - expected).abs() <= 1.0,
            "attack rate {rate}: ENV3 {level} after 20000 cycles, expected {expected:.1}"
        );
    }
    let bug = ram(&c64, 0xc210, 2);
    assert_eq!(bug[0], 0, "the rate counter had to wrap at $7FFF first");
    assert_eq!(bug[1], 255, "then the attack ran to the top");
}

#[test]
fn osc3_reads_back_the_sawtooth_phase() {
    let (c64, _) = run_program("osc3.s", "", 10);
    assert_eq!(ram(&c64, 0xc200, 1), [1], "the program did not finish");
    let readings = ram(&c64, 0xc100, 256);
    let steps: Vec<u8> = readings
        .windows(2)
        .map(|w| w[1].wrapping_sub(w[0]))
        .collect();
    assert!(steps.iter().all(|&s| s == 2 || s == 3), "{steps:?}");
    let rise: u32 = steps.iter().map(|&s| u32::from(s)).sum();
    // 255 readings 14 cycles apart at $3000 a cycle: 669.4.
    assert!((669..=670).contains(&rise), "OSC3 rose {rise}");
}

/// Where the smoothed spectrum first falls 3 dB below its level at 100–300 Hz.
fn minus_3db_point(magnitudes: &[f64]) -> f64 {
    let power: Vec<f64> = magnitudes.iter().map(|m| m * m).collect();
    let band = |hz: f64| {
        let k = (hz / bin_hz()) as usize;
        power[k.saturating_sub(20)..k + 20].iter().sum::<f64>() / 40.0
    };
    let reference: f64 = (100..=300)
        .step_by(20)
        .map(|hz| band(f64::from(hz)))
        .sum::<f64>()
        / 11.0;
    (300..20_000)
        .step_by(25)
        .map(f64::from)
        .find(|&hz| band(hz) < reference / 2.0)
        .unwrap_or(20_000.0)
}

#[test]
fn a_higher_cutoff_moves_the_low_pass_corner_up() {
    let (_, low) = run_program("filter.s", "FC = $300", 40);
    let (_, high) = run_program("filter.s", "FC = $700", 40);
    let (low, high) = (
        minus_3db_point(&spectrum(&low)),
        minus_3db_point(&spectrum(&high)),
    );
    assert!(low < 20_000.0, "the low cutoff does not cut: {low} Hz");
    assert!(
        high > low * 1.5,
        "-3 dB at {low} Hz (FC $300) and {high} Hz (FC $700)"
    );
}

#[test]
fn the_master_volume_alone_plays_a_tone() {
    let half = 1120;
    let (_, sound) = run_program("digi.s", &format!("HALF = {half}"), 40);
    let magnitudes = spectrum(&sound);
    assert!(
        magnitudes.iter().any(|&m| m > 1.0),
        "the $D418 tone is silent"
    );
    assert_pitch(
        &magnitudes,
        CLOCK / (2.0 * f64::from(half)),
        "$D418 square wave",
    );
}
