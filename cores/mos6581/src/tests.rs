//! Whole-chip tests through the register interface and the sample output.

use std::f64::consts::PI;

use crate::resampler::{BLOCK, Cic, Resampler};
use crate::{Model, PAL_CLOCK_HZ, Sid, reg};

const V1: u8 = 0;
const V2: u8 = reg::VOICE_STRIDE;
const V3: u8 = 2 * reg::VOICE_STRIDE;

fn set_freq(sid: &mut Sid, voice: u8, freq: u16) {
    sid.write(voice + reg::FREQ_LO, freq as u8);
    sid.write(voice + reg::FREQ_HI, (freq >> 8) as u8);
}

/// Magnitude of the windowed DFT of `x` at `freq` Hz (4-term Blackman–Harris window,
/// sidelobes below −92 dB).
fn dft(x: &[f32], rate: f64, freq: f64) -> f64 {
    let n = x.len() as f64;
    let (mut re, mut im) = (0.0, 0.0);
    for (i, &s) in x.iter().enumerate() {
        let t = 2.0 * PI * i as f64 / n;
        let w = 0.35875 - 0.48829 * t.cos() + 0.14128 * (2.0 * t).cos() - 0.01168 * (3.0 * t).cos();
        let phase = 2.0 * PI * freq * i as f64 / rate;
        re += f64::from(s) * w * phase.cos();
        im -= f64::from(s) * w * phase.sin();
    }
    (re * re + im * im).sqrt()
}

/// The strongest component in 50 Hz–20 kHz more than 60 Hz away from every harmonic of
/// `fundamental`, in dB relative to the fundamental.
fn worst_alias_db(x: &[f32], rate: f64, fundamental: f64) -> f64 {
    let reference = dft(x, rate, fundamental);
    let mut worst = 0.0f64;
    let mut f = 50.0;
    while f < 20_000.0 {
        let nearest = (f / fundamental).round() * fundamental;
        if (f - nearest).abs() > 60.0 {
            worst = worst.max(dft(x, rate, f));
        }
        f += 20.0;
    }
    20.0 * (worst / reference).log10()
}

fn rms(x: &[f32]) -> f64 {
    (x.iter().map(|&s| f64::from(s) * f64::from(s)).sum::<f64>() / x.len() as f64).sqrt()
}

#[test]
fn accumulator_period_is_two_to_the_24_over_freq() {
    for freq in [0x0400u16, 0x1000, 0x4000, 0xFFFF] {
        let mut sid = Sid::new(Model::Mos6581);
        set_freq(&mut sid, V3, freq);
        sid.write(V3 + reg::CONTROL, 0x20);
        let cycles = 4 << 24;
        let mut wraps = 0u32;
        let mut last = sid.read(reg::OSC3);
        let mut batch = 0;
        for _ in 0..cycles / 64 {
            sid.clock(64);
            batch += 64;
            let now = sid.read(reg::OSC3);
            if now < last {
                wraps += 1;
            }
            last = now;
        }
        assert_eq!(batch, cycles);
        // 4·2^24 cycles hold exactly 4·freq periods of the accumulator
        assert_eq!(wraps, 4 * u32::from(freq), "freq {freq:#x}");
    }
}

#[test]
fn sawtooth_reads_back_through_osc3_cycle_by_cycle() {
    let mut sid = Sid::new(Model::Mos6581);
    set_freq(&mut sid, V3, 0x1234);
    sid.write(V3 + reg::CONTROL, 0x20);
    for cycle in 1..=20_000u32 {
        sid.tick();
        let acc = (cycle * 0x1234) & 0xFF_FFFF;
        assert_eq!(sid.read(reg::OSC3), (acc >> 16) as u8);
    }
}

#[test]
fn hard_sync_restarts_voice_3_on_voice_2_msb() {
    let run = |sync: bool| {
        let mut sid = Sid::new(Model::Mos6581);
        set_freq(&mut sid, V2, 0x1000); // MSB rises every 4096 cycles
        set_freq(&mut sid, V3, 0x1234);
        sid.write(V3 + reg::CONTROL, if sync { 0x22 } else { 0x20 });
        let mut trace = Vec::new();
        for _ in 0..3 * 4096 {
            sid.tick();
            trace.push(sid.read(reg::OSC3));
        }
        trace
    };
    let synced = run(true);
    let free = run(false);
    // voice 2's MSB first rises at cycle 2048, then every 4096 cycles: voice 3 restarts
    // there, so from then on the waveform repeats with voice 2's period
    assert_eq!(synced[2048..2048 + 4096], synced[2048 + 4096..2048 + 8192]);
    assert_ne!(free[2048..2048 + 4096], free[2048 + 4096..2048 + 8192]);
    // right after the restart the sawtooth starts again from zero
    assert_eq!(synced[2047], 0);
    assert_eq!(synced[..2047], free[..2047]);
}

#[test]
fn ring_modulation_inverts_voice_3_triangle_while_voice_2_msb_is_set() {
    let setup = |ring: bool| {
        let mut sid = Sid::new(Model::Mos6581);
        set_freq(&mut sid, V2, 0x0777);
        set_freq(&mut sid, V3, 0x2345);
        sid.write(V3 + reg::CONTROL, if ring { 0x14 } else { 0x10 });
        sid
    };
    let (mut ring, mut plain) = (setup(true), setup(false));
    let (mut same, mut inverted) = (0, 0);
    for cycle in 1..=50_000u32 {
        ring.tick();
        plain.tick();
        let (r, p) = (ring.read(reg::OSC3), plain.read(reg::OSC3));
        let voice2_msb = (cycle * 0x0777) & 0x80_0000 != 0;
        if voice2_msb {
            assert_eq!(r, 255 - p, "cycle {cycle}");
            inverted += 1;
        } else {
            assert_eq!(r, p, "cycle {cycle}");
            same += 1;
        }
    }
    assert!(same > 10_000 && inverted > 10_000);
}

#[test]
fn attack_zero_reaches_255_after_255_times_9_cycles() {
    let mut sid = Sid::new(Model::Mos6581);
    sid.write(V3 + reg::ATTACK_DECAY, 0x00);
    sid.write(V3 + reg::SUSTAIN_RELEASE, 0xF0);
    sid.write(V3 + reg::CONTROL, 0x01);
    sid.clock(255 * 9 - 1);
    assert_eq!(sid.read(reg::ENV3), 254);
    sid.tick();
    assert_eq!(sid.read(reg::ENV3), 255);
    sid.clock(100_000);
    assert_eq!(sid.read(reg::ENV3), 255, "sustain at 255");
}

#[test]
fn adsr_delay_bug_through_the_registers() {
    let mut sid = Sid::new(Model::Mos6581);
    sid.write(V3 + reg::ATTACK_DECAY, 0xA0); // attack 10: 1954 cycles per step
    sid.write(V3 + reg::CONTROL, 0x01);
    sid.clock(1954 * 3 + 1000);
    assert_eq!(sid.read(reg::ENV3), 3);
    // the rate counter stands at 1000: switching to attack 0 (9) waits for a wrap
    sid.write(V3 + reg::ATTACK_DECAY, 0x00);
    sid.clock(0x7FFF - 1000 + 9 - 1);
    assert_eq!(
        sid.read(reg::ENV3),
        3,
        "still waiting for the counter to wrap"
    );
    sid.tick();
    assert_eq!(sid.read(reg::ENV3), 4);
    sid.clock(9);
    assert_eq!(sid.read(reg::ENV3), 5);
}

#[test]
fn release_to_zero_and_stay() {
    let mut sid = Sid::new(Model::Mos8580);
    sid.write(V3 + reg::SUSTAIN_RELEASE, 0x80);
    sid.write(V3 + reg::CONTROL, 0x01);
    sid.clock(100_000);
    assert_eq!(sid.read(reg::ENV3), 0x88);
    sid.write(V3 + reg::CONTROL, 0x00);
    sid.clock(100);
    assert!(sid.read(reg::ENV3) < 0x88);
    sid.clock(200_000);
    assert_eq!(sid.read(reg::ENV3), 0);
    sid.clock(1_000_000);
    assert_eq!(sid.read(reg::ENV3), 0);
}

#[test]
fn noise_reads_back_and_the_bus_fades() {
    let mut sid = Sid::new(Model::Mos6581);
    set_freq(&mut sid, V3, 0x1000);
    sid.write(V3 + reg::CONTROL, 0x80);
    assert_eq!(sid.read(reg::OSC3), 0xFE, "the LFSR reset value");
    let mut values = std::collections::BTreeSet::new();
    for _ in 0..2000 {
        sid.clock(256);
        values.insert(sid.read(reg::OSC3));
    }
    assert!(
        values.len() > 200,
        "noise covers the byte range: {}",
        values.len()
    );

    sid.write(reg::FREQ_LO, 0x5A);
    assert_eq!(
        sid.read(reg::FREQ_LO),
        0x5A,
        "write-only registers read the bus"
    );
    assert_eq!(sid.read(0x1D), 0x5A);
    sid.clock(0x1D00 - 1);
    assert_eq!(sid.read(0x1E), 0x5A);
    sid.clock(1);
    assert_eq!(sid.read(0x1F), 0x00, "faded");
    sid.set_pots(0x12, 0x34);
    assert_eq!(sid.read(reg::POTX), 0x12);
    assert_eq!(sid.read(reg::POTY), 0x34);
    assert_eq!(
        sid.read(0x00),
        0x34,
        "a read of a readable register drives the bus"
    );
    assert_eq!(sid.read(0x20 + reg::POTX), 0x12, "addresses wrap at 32");
}

/// Voice 1 playing `control` at `freq` with full envelope, through `filter` (`$D417`,
/// `$D418` high nibble and cutoff) or not; returns 0.2 s of output after 0.1 s settling.
fn voice_output(model: Model, control: u8, freq: u16, filter: Option<(u8, u8, u16)>) -> Vec<f32> {
    let mut sid = Sid::new(model);
    set_freq(&mut sid, V1, freq);
    sid.write(V1 + reg::PW_HI, 0x08);
    sid.write(V1 + reg::SUSTAIN_RELEASE, 0xF0);
    sid.write(V1 + reg::CONTROL, control | 1);
    let (route, mode, cutoff) = filter.unwrap_or((0, 0, 0));
    sid.write(reg::FC_LO, (cutoff & 7) as u8);
    sid.write(reg::FC_HI, (cutoff >> 3) as u8);
    sid.write(reg::RES_FILT, route);
    sid.write(reg::MODE_VOL, mode | 0x0F);
    let mut out = Vec::new();
    sid.clock_into(PAL_CLOCK_HZ / 10, &mut out);
    out.clear();
    sid.clock_into(PAL_CLOCK_HZ / 5, &mut out);
    out
}

/// The register value for `hz` at the PAL clock.
fn freq_for(hz: f64) -> u16 {
    (hz * f64::from(1u32 << 24) / f64::from(PAL_CLOCK_HZ)).round() as u16
}

#[test]
fn low_pass_at_low_cutoff_removes_a_high_square_wave() {
    for model in [Model::Mos6581, Model::Mos8580] {
        let square = freq_for(3000.0);
        let dry = rms(&voice_output(model, 0x40, square, None));
        let low = rms(&voice_output(model, 0x40, square, Some((0x01, 0x10, 0))));
        assert!(dry > 0.05, "{model:?}: {dry}");
        assert!(low < dry * 0.1, "{model:?}: {low} vs {dry}");
        // the same low-pass lets a low tone through
        let bass = freq_for(60.0);
        let dry = rms(&voice_output(model, 0x10, bass, None));
        let low = rms(&voice_output(model, 0x10, bass, Some((0x01, 0x10, 0x100))));
        assert!(low > dry * 0.5, "{model:?}: {low} vs {dry}");
    }
}

#[test]
fn high_pass_at_high_cutoff_removes_a_low_tone() {
    for model in [Model::Mos6581, Model::Mos8580] {
        let tone = freq_for(150.0);
        let dry = rms(&voice_output(model, 0x10, tone, None));
        let high = rms(&voice_output(model, 0x10, tone, Some((0x01, 0x40, 0x7FF))));
        assert!(dry > 0.05, "{model:?}: {dry}");
        assert!(high < dry * 0.05, "{model:?}: {high} vs {dry}");
        // and passes a high one
        let tone = freq_for(3500.0);
        let dry = rms(&voice_output(model, 0x10, tone, None));
        let high = rms(&voice_output(model, 0x10, tone, Some((0x01, 0x40, 0x100))));
        assert!(high > dry * 0.5, "{model:?}: {high} vs {dry}");
    }
}

#[test]
fn voice_3_off_mutes_only_the_unfiltered_voice_3() {
    let run = |route: u8, mode: u8| {
        let mut sid = Sid::new(Model::Mos8580);
        set_freq(&mut sid, V3, freq_for(1000.0));
        sid.write(V3 + reg::SUSTAIN_RELEASE, 0xF0);
        sid.write(V3 + reg::CONTROL, 0x21);
        sid.write(reg::FC_HI, 0xFF);
        sid.write(reg::RES_FILT, route);
        sid.write(reg::MODE_VOL, mode | 0x0F);
        let mut out = Vec::new();
        sid.clock_into(PAL_CLOCK_HZ / 10, &mut out);
        rms(&out[2400..])
    };
    let on = run(0, 0);
    assert!(on > 0.05);
    assert!(run(0, 0x80) < on * 0.01);
    // routed through the (wide open) low-pass, voice 3 off does not apply
    assert!(run(0x04, 0x90) > on * 0.5);
}

/// `$D418` written alternately with volume 0 and 15 every 61/62 cycles: an 8 kHz
/// square wave made by the volume register alone.
fn digi(model: Model) -> Vec<f32> {
    let mut sid = Sid::new(model);
    let mut out = Vec::new();
    for i in 0..PAL_CLOCK_HZ / 4 / 123 {
        sid.write(reg::MODE_VOL, 0x0F);
        sid.clock_into(61 + (i & 1), &mut out);
        sid.write(reg::MODE_VOL, 0x00);
        sid.clock_into(62 - (i & 1), &mut out);
    }
    out.split_off(2400)
}

#[test]
fn volume_register_digis_are_loud_on_the_6581_and_faint_on_the_8580() {
    let rate = 48_000.0;
    let tone = f64::from(PAL_CLOCK_HZ) / 123.0; // 8010 Hz
    let old = digi(Model::Mos6581);
    let new = digi(Model::Mos8580);
    let n = old.len() as f64;
    // amplitude of the 8 kHz component, relative to full scale
    let old_level = dft(&old, rate, tone) / (n * 0.35875 / 2.0);
    let new_level = dft(&new, rate, tone) / (n * 0.35875 / 2.0);
    assert!(old_level > 0.2, "6581 digi level {old_level}");
    assert!(
        new_level < old_level / 10.0,
        "8580 {new_level} vs 6581 {old_level}"
    );
    // the 6581's output is the tone, not noise
    assert!(dft(&old, rate, tone) > 100.0 * dft(&old, rate, 5000.0));
}

#[test]
fn a_1_khz_tone_comes_out_at_1_khz() {
    let out = voice_output(Model::Mos8580, 0x10, freq_for(1000.0), None);
    let rate = 48_000.0;
    let peak = (900..=1100)
        .step_by(5)
        .map(|f| (f, dft(&out, rate, f64::from(f))))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap();
    assert_eq!(peak.0, 1000);
    // and in the time domain: 0.2 s hold 200 rising zero crossings (±1)
    let crossings = out.windows(2).filter(|w| w[0] < 0.0 && w[1] >= 0.0).count();
    assert!((199..=201).contains(&crossings), "{crossings}");
}

#[test]
fn chip_sawtooth_has_no_audible_aliases() {
    // freq $8000: exactly 512 cycles per period, 1924 Hz, harmonics far past 24 kHz
    let out = voice_output(Model::Mos8580, 0x20, 0x8000, None);
    let f0 = f64::from(PAL_CLOCK_HZ) / 512.0;
    let worst = worst_alias_db(&out, 48_000.0, f0);
    assert!(worst < -60.0, "aliases at {worst:.1} dB");
}

#[test]
fn output_stage_resamples_a_15_khz_sawtooth_without_aliases() {
    // a 12-bit sawtooth of exactly 66 cycles (14 928 Hz) fed straight into the output
    // stage: its harmonics from 29.9 kHz up must not fold into the audible band
    let mut cic = Cic::default();
    let mut resampler = Resampler::new(PAL_CLOCK_HZ, 48_000);
    let mut out = Vec::new();
    for cycle in 0..PAL_CLOCK_HZ / 2 {
        cic.push(i64::from((cycle % 66) * 4095 / 65) - 2048);
        if cycle % BLOCK == BLOCK - 1 {
            resampler.push(cic.decimate() as f32 / 4096.0, &mut out);
        }
    }
    let out = &out[4800..4800 + 16384];
    let f0 = f64::from(PAL_CLOCK_HZ) / 66.0;
    let worst = worst_alias_db(out, 48_000.0, f0);
    assert!(worst < -60.0, "aliases at {worst:.1} dB");
    // the fundamental itself passes at nearly full level (CIC droop under 1 dB)
    let sawtooth_fundamental = 2.0 / PI * 0.5;
    let level = dft(out, 48_000.0, f0) / (out.len() as f64 * 0.35875 / 2.0);
    assert!(
        (0.88..1.0).contains(&(level / sawtooth_fundamental)),
        "{}",
        level / sawtooth_fundamental
    );
}

#[test]
fn batching_does_not_change_the_output() {
    let setup = || {
        let mut sid = Sid::new(Model::Mos6581);
        set_freq(&mut sid, V1, 0x2345);
        sid.write(V1 + reg::CONTROL, 0x41);
        sid.write(V1 + reg::PW_HI, 0x04);
        sid.write(reg::RES_FILT, 0xF1);
        sid.write(reg::FC_HI, 0x30);
        sid.write(reg::MODE_VOL, 0x1F);
        sid
    };
    let mut one = setup();
    let mut many = setup();
    // peeking makes the chip catch up after every cycle: 50 000 single-cycle runs
    // against two long ones
    for _ in 0..50_000 {
        one.tick();
        one.peek(reg::ENV3);
    }
    many.clock(12_345);
    many.clock(37_655);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    one.take_samples(&mut a);
    many.take_samples(&mut b);
    assert_eq!(a.len(), 2435);
    assert_eq!(a, b);
    assert_eq!(one, many);
}

#[test]
fn rates_are_checked() {
    assert!(Sid::with_rates(Model::Mos6581, crate::NTSC_CLOCK_HZ, 44_100).is_ok());
    assert_eq!(
        Sid::with_rates(Model::Mos6581, 985_248, 100).unwrap_err(),
        crate::SidError::OutputRate(100)
    );
    assert_eq!(
        Sid::with_rates(Model::Mos6581, 5, 48_000).unwrap_err(),
        crate::SidError::ClockRate(5)
    );
}

#[test]
fn voice_by_voice_and_cycle_by_cycle_mixing_agree() {
    // A sync bit on voice 2 whose source (voice 1, frequency 0) never runs changes
    // nothing but forces the cycle-by-cycle path; the output must be the same sample
    // for sample.
    let run = |sync: bool| {
        let mut sid = Sid::new(Model::Mos6581);
        set_freq(&mut sid, V2, 0x1234);
        set_freq(&mut sid, V3, 0x0333);
        sid.write(V1 + reg::ATTACK_DECAY, 0x36);
        sid.write(V1 + reg::SUSTAIN_RELEASE, 0x9A);
        sid.write(V2 + reg::SUSTAIN_RELEASE, 0xF0);
        sid.write(V3 + reg::SUSTAIN_RELEASE, 0xF0);
        sid.write(V1 + reg::CONTROL, 0x41); // pulse, width 0: the envelope alone
        sid.write(V2 + reg::CONTROL, 0x81 | if sync { 0x02 } else { 0 }); // noise
        sid.write(V3 + reg::CONTROL, 0x15); // triangle ring-modulated by voice 2
        sid.write(reg::RES_FILT, 0x52);
        sid.write(reg::FC_HI, 0x50);
        sid.write(reg::MODE_VOL, 0x3F);
        let mut out = Vec::new();
        sid.clock_into(60_001, &mut out);
        sid.write(V1 + reg::CONTROL, 0x40);
        sid.clock_into(60_001, &mut out);
        out
    };
    let independent = run(false);
    assert!(rms(&independent) > 0.01);
    assert_eq!(independent, run(true));
}

#[test]
fn without_output_everything_readable_stays_exact() {
    let setup = || {
        let mut sid = Sid::new(Model::Mos6581);
        set_freq(&mut sid, V2, 0x3456);
        set_freq(&mut sid, V3, 0x0C01);
        sid.write(V3 + reg::PW_HI, 0x08);
        sid.write(V3 + reg::ATTACK_DECAY, 0x41);
        sid.write(V3 + reg::SUSTAIN_RELEASE, 0x72);
        sid.write(V3 + reg::CONTROL, 0x81); // noise
        sid.write(reg::MODE_VOL, 0x0F);
        sid
    };
    let mut audible = setup();
    let mut silent = setup();
    silent.set_output_enabled(false);
    let mut out = Vec::new();
    for step in 0..3000u32 {
        let cycles = 1 + step * 37 % 300;
        audible.clock(cycles);
        silent.clock(cycles);
        if step == 1000 {
            for sid in [&mut audible, &mut silent] {
                sid.write(V3 + reg::CONTROL, 0x12); // triangle synced to voice 2, gate off
            }
        }
        if step == 2000 {
            for sid in [&mut audible, &mut silent] {
                sid.write(V3 + reg::CONTROL, 0xC1); // noise + pulse: the LFSR drains
            }
        }
        if step == 2999 {
            assert_eq!(silent.osc[2].noise, 0, "drained");
        }
        assert_eq!(
            audible.read(reg::OSC3),
            silent.read(reg::OSC3),
            "step {step}"
        );
        assert_eq!(
            audible.read(reg::ENV3),
            silent.read(reg::ENV3),
            "step {step}"
        );
        silent.take_samples(&mut out);
    }
    assert!(out.is_empty());
    assert_eq!(audible.osc, silent.osc);
    assert_eq!(audible.env, silent.env);
    // back on, it plays again
    silent.set_output_enabled(true);
    silent.clock_into(10_000, &mut out);
    assert_eq!(out.len(), 487);
}
