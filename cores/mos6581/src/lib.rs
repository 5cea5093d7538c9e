//! The MOS 6581 SID (Sound Interface Device) of the C64, with the later 8580 selectable.
//!
//! This crate is the chip alone, as plain data, clocked once per φ2 cycle (985 248 Hz
//! on a PAL C64, 1 022 727 Hz on NTSC), plus an output stage that turns its signal into
//! band-limited `f32` samples at the rate a sound card wants (48 kHz by default).
//!
//! # Driving the chip
//!
//! ```
//! use heirloom_sid::{Model, Sid, reg};
//!
//! let mut sid = Sid::new(Model::Mos6581);
//! sid.write(reg::MODE_VOL, 0x0F); // full volume
//! sid.write(reg::FREQ_LO, 0x00); // voice 1: about 440 Hz
//! sid.write(reg::FREQ_HI, 0x1D);
//! sid.write(reg::ATTACK_DECAY, 0x09);
//! sid.write(reg::SUSTAIN_RELEASE, 0xF0);
//! sid.write(reg::CONTROL, 0x21); // sawtooth, gate on
//! let mut samples = Vec::new();
//! sid.clock_into(985_248, &mut samples); // one second of a PAL C64
//! assert_eq!(samples.len(), 48_000);
//! ```
//!
//! [`Sid::tick`] advances one cycle and [`Sid::clock`] any number; the samples they
//! produce wait inside the chip until [`Sid::take_samples`] collects them.
//! [`Sid::clock_into`] advances and appends the new samples to the caller's vector at
//! once. Clocking only counts cycles: the chip catches up in one batch when a register
//! is read or written, when samples are taken (and at the latest after one second of
//! clocks), so a machine may call `tick` on every cycle at next to no cost, and the
//! result is exactly what cycle-by-cycle emulation gives: register writes and reads act
//! between cycles.
//!
//! # Registers
//!
//! `$00–$06`, `$07–$0D`, `$0E–$14`: voices 1–3 (frequency, pulse width, control,
//! attack/decay, sustain/release; offsets in [`reg`]). `$15–$16` filter cutoff, `$17`
//! resonance and routing, `$18` filter mode, voice 3 off and master volume. Addresses are
//! taken modulo 32.
//!
//! Reads: `$19`/`$1A` return the paddle values the machine set with [`Sid::set_pots`]
//! (the chip's own 512-cycle sampling of its POT pins is left to the machine, which knows
//! the paddles or the 1351 mouse), `$1B` the top 8 bits of voice 3's waveform (OSC3),
//! `$1C` voice 3's envelope (ENV3). Every other register is write-only and reads back
//! what is left on the chip's data bus: the last value written to *any* register, or
//! read from a readable one, until it fades to 0 after 7 424 cycles on the 6581 and
//! 663 552 cycles on the 8580 (measurements reported for real chips; the exact time
//! varies from chip to chip).
//!
//! # What is modelled
//!
//! * Oscillators: 24-bit phase accumulators adding the 16-bit frequency every cycle
//!   (period `2^24 / freq` cycles). Sawtooth = accumulator bits 23–12; triangle =
//!   bits 22–11 inverted while bit 23 is set (with ring modulation, bit 23 XOR the
//!   previous voice's bit 23); pulse = high while bits 23–12 ≥ the 12-bit width (forced
//!   high by the test bit); noise = LFSR bits 22, 20, 16, 13, 11, 7, 4, 2 of a 23-bit
//!   LFSR (reset value `$7FFFF8`, feedback bit 22 XOR bit 17) shifted when accumulator
//!   bit 19 rises. Hard sync resets a voice when the previous voice's bit 23 rises.
//!   The test bit holds the accumulator at 0 and clears the LFSR, which restarts from its
//!   reset value when the bit is released.
//! * Combined waveforms: the AND of the selected waveforms on the 8580; on the 6581 a
//!   table-free approximation (a bit of the AND survives only if its neighbours are set
//!   too), not the measured tables. Noise combined with other waveforms writes the
//!   combined output back into the LFSR, which drains it to zero (the lock-up).
//! * ADSR: the measured rate periods (9 … 31251 cycles per step), the exponential decay
//!   divider (1, 2, 4, 8, 16, 30 from levels 255, 93, 54, 26, 14, 6), the 15-bit rate
//!   counter compared for equality (the delay bug: lowering the rate below the count
//!   waits for a wrap through 32767 states), sustain by equality, the zero freeze.
//! * Filter: a two-integrator state-variable filter with low-, band- and high-pass
//!   outputs summed per the mode bits, 4-bit resonance, routing per voice, voice 3 off,
//!   an 11-bit cutoff through a logistic curve fitted to 6581 measurements (210 Hz –
//!   17 kHz) or the 8580's linear one (30 Hz – 12.5 kHz), and a soft limiter
//!   approximating the 6581's distortion. Details in [`cutoff_hz`] and the `filter`
//!   module source.
//! * The mixer: each voice is `(waveform − zero) × envelope + offset`. On the 6581 the
//!   waveform DAC's zero sits at `$380` and the envelope DAC adds a DC offset of half a
//!   voice's dynamic range, so even silent voices put a level on the output that the
//!   master volume scales: writing `$D418` alone plays 4-bit samples ("digis"), loudly.
//!   On the 8580 the waveform is centred (`$800`) and the offset is 1/32 of the 6581's,
//!   so the same trick is about 30 dB quieter (the real 8580's is faint too; its exact
//!   level is not modelled).
//! * Output: a 4th-order CIC decimator to clock/8, then a 64-tap polyphase
//!   Kaiser-windowed sinc to the output rate (aliases of a 15 kHz sawtooth measured
//!   over 100 dB down at 48 kHz; 0.7 dB droop at 15 kHz), then a 16 Hz DC-blocking
//!   high-pass like the C64's output capacitor. Samples are mono `f32`, one voice at full
//!   volume swinging about ±0.25.
//!
//! Not modelled: the external audio input (nothing is connected to it on a C64), the
//! exact analogue levels and chip-to-chip variation, the slow fade of the oscillator and
//! LFSR bits while the test bit is held, the 6581's measured combined-waveform tables,
//! the 6581 filter's level-dependent cutoff.
//!
//! # Timing of the output
//!
//! The chip's signal is decimated in blocks of 8 cycles before the filter and output
//! stages: filter and volume register changes take effect at the next block boundary
//! for the filtered path; the unfiltered voices and the volume applied to them change
//! on the exact cycle.
//!
//! # Speed
//!
//! Full emulation with output costs 13–25 ns per cycle on the (shared, loaded)
//! development machine: 40–75× real time on one core, so 1.5–2.5 % of a core at normal
//! speed (`cargo bench -p heirloom-sid`). A machine running much faster than real time
//! (warp) can switch the output off with [`Sid::set_output_enabled`]: the oscillators
//! and envelopes stay exact for OSC3/ENV3 and the chip runs about five times faster.

mod envelope;
mod filter;
mod resampler;
mod state;
#[cfg(test)]
mod tests;
mod voice;

pub use envelope::RATE_PERIODS;
pub use filter::cutoff_hz;

use envelope::Envelope;
use filter::Filter;
use resampler::{BLOCK, Cic, Resampler};
use voice::{Oscillator, ctrl};

/// The chip clock of a PAL C64, Hz.
pub const PAL_CLOCK_HZ: u32 = 985_248;
/// The chip clock of an NTSC C64, Hz.
pub const NTSC_CLOCK_HZ: u32 = 1_022_727;
/// The default output sample rate, Hz.
pub const DEFAULT_OUTPUT_RATE: u32 = 48_000;

/// Register addresses. The voice registers are given for voice 1; add
/// [`VOICE_STRIDE`](reg::VOICE_STRIDE) for voice 2 and twice that for voice 3.
pub mod reg {
    /// Frequency, low byte.
    pub const FREQ_LO: u8 = 0x00;
    /// Frequency, high byte.
    pub const FREQ_HI: u8 = 0x01;
    /// Pulse width, low byte.
    pub const PW_LO: u8 = 0x02;
    /// Pulse width, high nibble.
    pub const PW_HI: u8 = 0x03;
    /// Control: noise, pulse, sawtooth, triangle, test, ring, sync, gate (bit 7 to 0).
    pub const CONTROL: u8 = 0x04;
    /// Attack (high nibble) and decay (low nibble).
    pub const ATTACK_DECAY: u8 = 0x05;
    /// Sustain (high nibble) and release (low nibble).
    pub const SUSTAIN_RELEASE: u8 = 0x06;
    /// Distance between the register sets of two voices.
    pub const VOICE_STRIDE: u8 = 0x07;
    /// Filter cutoff, low 3 bits.
    pub const FC_LO: u8 = 0x15;
    /// Filter cutoff, high 8 bits.
    pub const FC_HI: u8 = 0x16;
    /// Resonance (high nibble), filter routing of EXT and voices 3..1 (bits 3..0).
    pub const RES_FILT: u8 = 0x17;
    /// Voice 3 off (bit 7), high-, band-, low-pass (bits 6..4), volume (low nibble).
    pub const MODE_VOL: u8 = 0x18;
    /// Paddle X.
    pub const POTX: u8 = 0x19;
    /// Paddle Y.
    pub const POTY: u8 = 0x1A;
    /// Voice 3 waveform, top 8 bits.
    pub const OSC3: u8 = 0x1B;
    /// Voice 3 envelope.
    pub const ENV3: u8 = 0x1C;
}

/// Which chip.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Model {
    /// The original NMOS SID of the C64 "breadbin": nonlinear filter, DC offsets (loud
    /// volume-register samples), weak combined waveforms.
    #[default]
    Mos6581,
    /// The HMOS-II SID of the C64C: linear filter, no large DC offsets.
    Mos8580,
}

impl Model {
    /// Zero level of the waveform DAC and the voice's DC offset (mixer units).
    fn levels(self) -> (i32, i32) {
        match self {
            Model::Mos6581 => (0x380, VOICE_DC_6581),
            Model::Mos8580 => (0x800, VOICE_DC_6581 / 32),
        }
    }

    /// Cycles an unrefreshed value stays on the data bus.
    fn bus_fade_cycles(self) -> u32 {
        match self {
            Model::Mos6581 => 0x1D00,
            Model::Mos8580 => 0xA_2000,
        }
    }
}

/// Cycles clocked without an access after which the chip catches up anyway (one second
/// of PAL time), bounding the work and the memory a catch-up takes.
const MAX_LAG: u64 = PAL_CLOCK_HZ as u64;

/// The 6581's per-voice DC offset: half of a voice's range (`$800 × 255`).
const VOICE_DC_6581: i32 = 0x800 * 0xFF;
/// One voice's full range in mixer units (12-bit waveform times 8-bit envelope).
const VOICE_SCALE: f32 = 4096.0 * 255.0;
/// Output level of one voice's full range at full volume.
const OUTPUT_GAIN: f32 = 0.5;

/// Why a SID could not be built as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SidError {
    /// The chip clock is outside 100 kHz–4 MHz.
    #[error("SID clock of {0} Hz is outside 100000–4000000 Hz")]
    ClockRate(u32),
    /// The output rate is outside 8–192 kHz.
    #[error("output sample rate of {0} Hz is outside 8000–192000 Hz")]
    OutputRate(u32),
}

/// A SID chip and its output stage.
#[derive(Clone, Debug, PartialEq)]
pub struct Sid {
    model: Model,
    clock_hz: u32,
    output_rate: u32,
    osc: [Oscillator; 3],
    env: [Envelope; 3],
    filter: Filter,
    /// Last value on the data bus, and cycles until it fades.
    bus_value: u8,
    bus_ttl: u32,
    pot_x: u8,
    pot_y: u8,
    /// Cycles of the current block already clocked.
    block_pos: u32,
    /// Sum of the volume over the current block's cycles.
    volume_sum: u32,
    /// Voices routed to the filter.
    cic_filtered: Cic,
    /// Voices not routed to the filter, times the volume.
    cic_direct: Cic,
    resampler: Resampler,
    /// Samples produced and not taken yet.
    pending: Vec<f32>,
    /// Cycles clocked but not emulated yet (see [`catch_up`](Self::catch_up)).
    lag: u64,
    /// Sample output switched off (see [`set_output_enabled`](Self::set_output_enabled)).
    silent: bool,
}

impl Default for Sid {
    fn default() -> Self {
        Self::new(Model::default())
    }
}

impl Sid {
    /// A powered-on chip of `model` at the PAL clock, producing 48 kHz.
    pub fn new(model: Model) -> Self {
        Self::build(model, PAL_CLOCK_HZ, DEFAULT_OUTPUT_RATE)
    }

    /// A powered-on chip of `model` clocked at `clock_hz`, producing `output_rate`
    /// samples per second.
    pub fn with_rates(model: Model, clock_hz: u32, output_rate: u32) -> Result<Self, SidError> {
        check_rates(clock_hz, output_rate)?;
        Ok(Self::build(model, clock_hz, output_rate))
    }

    fn build(model: Model, clock_hz: u32, output_rate: u32) -> Self {
        Self {
            model,
            clock_hz,
            output_rate,
            osc: [Oscillator::new(), Oscillator::new(), Oscillator::new()],
            env: [Envelope::new(), Envelope::new(), Envelope::new()],
            filter: Filter::new(model, block_rate(clock_hz)),
            bus_value: 0,
            bus_ttl: 0,
            pot_x: 0xFF,
            pot_y: 0xFF,
            block_pos: 0,
            volume_sum: 0,
            cic_filtered: Cic::default(),
            cic_direct: Cic::default(),
            resampler: Resampler::new(clock_hz, output_rate),
            pending: Vec::new(),
            lag: 0,
            silent: false,
        }
    }

    /// The chip model.
    pub fn model(&self) -> Model {
        self.model
    }

    /// Swaps the chip for the other model, keeping every register and the running state.
    pub fn set_model(&mut self, model: Model) {
        self.catch_up();
        self.model = model;
        self.bus_ttl = self.bus_ttl.min(model.bus_fade_cycles());
        self.filter.update(model, block_rate(self.clock_hz));
    }

    /// The chip clock, Hz.
    pub fn clock_hz(&self) -> u32 {
        self.clock_hz
    }

    /// The output sample rate, Hz.
    pub fn output_rate(&self) -> u32 {
        self.output_rate
    }

    /// Pulls the RESET line: every register and all chip state back to power-on. The
    /// model, rates, output switch, paddle values and samples not yet taken are kept.
    pub fn reset(&mut self) {
        self.catch_up();
        let pending = std::mem::take(&mut self.pending);
        let (pot_x, pot_y, silent) = (self.pot_x, self.pot_y, self.silent);
        *self = Self::build(self.model, self.clock_hz, self.output_rate);
        self.pending = pending;
        self.pot_x = pot_x;
        self.pot_y = pot_y;
        self.silent = silent;
    }

    /// A CPU write of `value` to register `reg` (modulo 32).
    pub fn write(&mut self, reg: u8, value: u8) {
        self.catch_up();
        let reg = reg & 0x1F;
        self.set_bus(value);
        if reg < 0x15 {
            let v = usize::from(reg / reg::VOICE_STRIDE);
            let osc = &mut self.osc[v];
            match reg % reg::VOICE_STRIDE {
                reg::FREQ_LO => osc.freq = (osc.freq & 0xFF00) | u32::from(value),
                reg::FREQ_HI => osc.freq = (osc.freq & 0x00FF) | u32::from(value) << 8,
                reg::PW_LO => osc.pulse_width = (osc.pulse_width & 0xF00) | u32::from(value),
                reg::PW_HI => {
                    osc.pulse_width = (osc.pulse_width & 0x0FF) | u32::from(value & 0xF) << 8;
                }
                reg::CONTROL => {
                    osc.write_control(value);
                    self.env[v].write_control(value);
                }
                reg::ATTACK_DECAY => self.env[v].write_attack_decay(value),
                _ => self.env[v].write_sustain_release(value),
            }
            return;
        }
        match reg {
            reg::FC_LO => self.filter.cutoff = (self.filter.cutoff & 0x7F8) | u16::from(value & 7),
            reg::FC_HI => self.filter.cutoff = (self.filter.cutoff & 7) | u16::from(value) << 3,
            reg::RES_FILT => self.filter.res_filt = value,
            reg::MODE_VOL => self.filter.mode_vol = value,
            _ => return, // read-only registers
        }
        self.filter.update(self.model, block_rate(self.clock_hz));
    }

    /// A CPU read of register `reg` (modulo 32). Reading refreshes the data bus value
    /// that write-only registers return.
    pub fn read(&mut self, reg: u8) -> u8 {
        let value = self.peek(reg);
        if (reg::POTX..=reg::ENV3).contains(&(reg & 0x1F)) {
            self.set_bus(value);
        }
        value
    }

    /// What a read of `reg` would return, without the read's effect on the bus (for
    /// debuggers). It needs `&mut self` only to catch up with cycles clocked so far.
    pub fn peek(&mut self, reg: u8) -> u8 {
        self.catch_up();
        match reg & 0x1F {
            reg::POTX => self.pot_x,
            reg::POTY => self.pot_y,
            reg::OSC3 => (self.osc[2].output(self.osc[1].acc, self.model) >> 4) as u8,
            reg::ENV3 => self.env[2].counter,
            _ => self.bus_value,
        }
    }

    /// Sets what POTX and POTY read: the machine's paddle (or 1351 mouse) positions.
    pub fn set_pots(&mut self, x: u8, y: u8) {
        self.pot_x = x;
        self.pot_y = y;
    }

    fn set_bus(&mut self, value: u8) {
        self.bus_value = value;
        self.bus_ttl = self.model.bus_fade_cycles();
    }

    /// Advances one cycle. Output samples collect inside; see
    /// [`take_samples`](Self::take_samples).
    pub fn tick(&mut self) {
        self.clock(1);
    }

    /// Advances `cycles` cycles. Output samples collect inside; see
    /// [`take_samples`](Self::take_samples).
    ///
    /// This only counts: the chip is emulated lazily, in one batch, when it is next
    /// accessed or asked for samples, so clocking it every cycle costs next to nothing
    /// and the result is identical.
    pub fn clock(&mut self, cycles: u32) {
        self.lag += u64::from(cycles);
        if self.lag >= MAX_LAG {
            self.catch_up();
        }
    }

    /// Switches sample output off or back on. Without output the chip keeps only its
    /// oscillators and envelopes running (everything a program can read back, OSC3 and
    /// ENV3 included, stays exact) and produces no samples, several times faster: for a
    /// machine running in warp mode. Switching back on restarts the filter and output
    /// stage from silence.
    pub fn set_output_enabled(&mut self, enabled: bool) {
        self.catch_up();
        if enabled && self.silent {
            self.filter.band = 0.0;
            self.filter.low = 0.0;
            self.cic_filtered = Cic::default();
            self.cic_direct = Cic::default();
            self.volume_sum = 0;
            self.resampler = Resampler::new(self.clock_hz, self.output_rate);
        }
        self.silent = !enabled;
    }

    /// Whether samples are produced.
    pub fn output_enabled(&self) -> bool {
        !self.silent
    }

    /// Appends the samples of every cycle clocked so far to `out`.
    pub fn take_samples(&mut self, out: &mut Vec<f32>) {
        self.catch_up();
        out.append(&mut self.pending);
    }

    /// Advances `cycles` cycles and appends the output samples of every cycle clocked
    /// so far to `out` (mono, nominally within ±1).
    pub fn clock_into(&mut self, cycles: u32, out: &mut Vec<f32>) {
        self.clock(cycles);
        self.take_samples(out);
    }

    /// Emulates the cycles clocked since the last catch-up.
    fn catch_up(&mut self) {
        if self.lag == 0 {
            return;
        }
        let mut left = std::mem::take(&mut self.lag);
        let mut out = std::mem::take(&mut self.pending);
        while left > 0 {
            let n = left.min(u64::from(u32::MAX)) as u32;
            self.emulate(n, &mut out);
            left -= u64::from(n);
        }
        self.pending = out;
    }

    /// Runs `cycles` cycles, appending the finished output samples to `out`.
    fn emulate(&mut self, cycles: u32, out: &mut Vec<f32>) {
        if self.bus_ttl <= cycles {
            self.bus_ttl = 0;
            self.bus_value = 0;
        } else {
            self.bus_ttl -= cycles;
        }
        let mut left = cycles;
        while left > 0 {
            let n = left.min(BLOCK - self.block_pos);
            self.run(n);
            left -= n;
            self.block_pos += n;
            if self.block_pos == BLOCK {
                self.block_pos = 0;
                if !self.silent {
                    self.end_block(out);
                }
            }
        }
    }

    /// Clocks `n` cycles within one block.
    fn run(&mut self, n: u32) {
        if self.silent {
            self.run_silent(n);
            return;
        }
        let model = self.model;
        let (zero, dc) = model.levels();
        let routes = self.filter.res_filt;
        let volume = self.filter.mode_vol & 0xF;
        let voice3_off = self.filter.mode_vol & 0x80 != 0;
        // per voice: weight into the filtered and the direct sum
        let mut mix = Mix {
            zero,
            dc,
            to_filter: [0; 3],
            direct: [0; 3],
        };
        for v in 0..3 {
            if routes & (1 << v) != 0 {
                mix.to_filter[v] = 1;
            } else if !(v == 2 && voice3_off) {
                mix.direct[v] = i64::from(volume);
            }
        }
        self.volume_sum += u32::from(volume) * n;
        let coupled = self
            .osc
            .iter()
            .any(|o| o.control & ctrl::SYNC != 0 || o.noise_combined());
        if coupled || n != BLOCK {
            self.run_coupled(n, &mix);
        } else {
            self.run_independent(&mix);
        }
    }

    /// Clocks `n` cycles of oscillators and envelopes only.
    fn run_silent(&mut self, n: u32) {
        let coupled = self
            .osc
            .iter()
            .any(|o| o.control & ctrl::SYNC != 0 || o.noise_combined());
        if coupled || n != BLOCK {
            for _ in 0..n {
                for osc in &mut self.osc {
                    osc.clock();
                }
                self.sync();
                for v in 0..3 {
                    self.env[v].clock();
                    if self.osc[v].noise_combined() {
                        let wave = self.osc[v].output(self.osc[(v + 2) % 3].acc, self.model);
                        self.osc[v].write_back_noise(wave);
                    }
                }
            }
        } else {
            const B: usize = BLOCK as usize;
            let (mut acc, mut lfsr, mut levels) = ([0u32; B], [0u32; B], [0u8; B]);
            for v in 0..3 {
                self.osc[v].clock_many(&mut acc, &mut lfsr);
                self.env[v].clock_many(&mut levels);
            }
        }
    }

    /// Cycle by cycle, all voices together: needed while a voice is hard-synced or
    /// feeds its combined waveform back into its LFSR.
    fn run_coupled(&mut self, n: u32, mix: &Mix) {
        let model = self.model;
        for _ in 0..n {
            for osc in &mut self.osc {
                osc.clock();
            }
            self.sync();
            let mut filtered = 0i64;
            let mut unfiltered = 0i64;
            for v in 0..3 {
                self.env[v].clock();
                let ring_source = self.osc[(v + 2) % 3].acc;
                let osc = &mut self.osc[v];
                let wave = osc.output(ring_source, model);
                osc.write_back_noise(wave);
                let level = mix.level(wave, self.env[v].counter);
                filtered += level * mix.to_filter[v];
                unfiltered += level * mix.direct[v];
            }
            self.cic_filtered.push(filtered);
            self.cic_direct.push(unfiltered);
        }
    }

    /// A whole block, voice by voice: the voices only meet through ring modulation,
    /// which reads the recorded accumulators.
    fn run_independent(&mut self, mix: &Mix) {
        const B: usize = BLOCK as usize;
        let model = self.model;
        let mut acc = [[0u32; B]; 3];
        let mut lfsr = [[0u32; B]; 3];
        for v in 0..3 {
            self.osc[v].clock_many(&mut acc[v], &mut lfsr[v]);
        }
        let mut filtered = [0i32; B];
        let mut unfiltered = [0i32; B];
        for v in 0..3 {
            let mut levels = [0u8; B];
            self.env[v].clock_many(&mut levels);
            let sum = if mix.to_filter[v] != 0 {
                &mut filtered
            } else if mix.direct[v] != 0 {
                &mut unfiltered
            } else {
                continue;
            };
            let weight = mix.to_filter[v].max(mix.direct[v]) as i32;
            let offset = mix.dc * weight;
            if levels == [0; B] {
                // a silent envelope leaves only the DC offset
                for x in sum.iter_mut() {
                    *x += offset;
                }
                continue;
            }
            let osc = &self.osc[v];
            let mut waves = [0u32; B];
            voice::waveforms(
                osc.control,
                &acc[v],
                &acc[(v + 2) % 3],
                osc.pulse_width,
                &lfsr[v],
                model,
                &mut waves,
            );
            // (wave − zero) fits 13 bits and envelope × weight (≤ 255 × 15) 12 bits: 16-bit
            // factors with 32-bit products, which vectorise well
            for k in 0..B {
                let wave = (waves[k] as i32 - mix.zero) as i16;
                let gain = (i32::from(levels[k]) * weight) as i16;
                sum[k] += i32::from(wave) * i32::from(gain) + offset;
            }
        }
        for k in 0..B {
            self.cic_filtered.push(i64::from(filtered[k]));
            self.cic_direct.push(i64::from(unfiltered[k]));
        }
    }

    /// Hard sync: a voice whose sync bit is set restarts when the previous voice's
    /// accumulator MSB rises, unless that voice is itself being synced in this cycle.
    #[inline(always)]
    fn sync(&mut self) {
        let rising = [
            self.osc[0].msb_rising,
            self.osc[1].msb_rising,
            self.osc[2].msb_rising,
        ];
        if !(rising[0] || rising[1] || rising[2]) {
            return;
        }
        let syncing = [
            self.osc[0].control & ctrl::SYNC != 0,
            self.osc[1].control & ctrl::SYNC != 0,
            self.osc[2].control & ctrl::SYNC != 0,
        ];
        for source in 0..3 {
            let dest = (source + 1) % 3;
            let source_reset = syncing[source] && rising[(source + 2) % 3];
            if rising[source] && syncing[dest] && !source_reset {
                self.osc[dest].acc = 0;
            }
        }
    }

    /// The end of a block: filter, mix and pass one sample to the resampler.
    fn end_block(&mut self, out: &mut Vec<f32>) {
        let filtered = self.cic_filtered.decimate() as f32 / VOICE_SCALE;
        let direct = self.cic_direct.decimate() as f32 / VOICE_SCALE;
        let volume = self.volume_sum as f32 / BLOCK as f32;
        self.volume_sum = 0;
        let filter_out = self.filter.process(filtered, self.model);
        let mixed = (direct + filter_out * volume) * (OUTPUT_GAIN / 15.0);
        self.resampler.push(mixed, out);
    }
}

/// How the voices of one block are mixed.
struct Mix {
    /// Zero level of the waveform DAC.
    zero: i32,
    /// DC offset of a voice.
    dc: i32,
    /// Weight of each voice in the filter input (0 or 1).
    to_filter: [i64; 3],
    /// Weight of each voice in the direct output (0 or the volume).
    direct: [i64; 3],
}

impl Mix {
    /// A voice's level from its waveform and envelope outputs.
    #[inline(always)]
    fn level(&self, wave: u32, envelope: u8) -> i64 {
        i64::from((wave as i32 - self.zero) * i32::from(envelope) + self.dc)
    }
}

/// The rate the filter runs at.
fn block_rate(clock_hz: u32) -> f32 {
    clock_hz as f32 / BLOCK as f32
}

fn check_rates(clock_hz: u32, output_rate: u32) -> Result<(), SidError> {
    if !(100_000..=4_000_000).contains(&clock_hz) {
        return Err(SidError::ClockRate(clock_hz));
    }
    if !(8_000..=192_000).contains(&output_rate) {
        return Err(SidError::OutputRate(output_rate));
    }
    Ok(())
}
