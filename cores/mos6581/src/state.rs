//! Save states: the chip's fields in a fixed order, inside the machine's state.
//!
//! Everything that influences future output is saved, the output stage's filter
//! history and the samples not taken yet included, so a restored chip continues
//! sample for sample. Floats are saved bit for bit.

use heirloom_shell::{StateError, StateReader, StateWriter};

use crate::envelope::{Envelope, Phase};
use crate::filter::Filter;
use crate::resampler::{BLOCK, Cic, TAPS};
use crate::voice::Oscillator;
use crate::{Model, Sid, block_rate, check_rates};

/// The most pending samples a state may hold (over a minute at 192 kHz).
const MAX_PENDING: u64 = 1 << 24;

impl Sid {
    /// Appends the complete chip state to `out` (the machine frames and versions it).
    pub fn save(&self, out: &mut StateWriter) {
        out.u8(match self.model {
            Model::Mos6581 => 0,
            Model::Mos8580 => 1,
        })
        .u32(self.clock_hz)
        .u32(self.output_rate);
        for osc in &self.osc {
            out.u32(osc.acc)
                .u16(osc.freq as u16)
                .u16(osc.pulse_width as u16)
                .u8(osc.control)
                .u32(osc.noise)
                .bool(osc.msb_rising);
        }
        for env in &self.env {
            out.u8(env.counter)
                .u8(match env.phase {
                    Phase::Attack => 0,
                    Phase::DecaySustain => 1,
                    Phase::Release => 2,
                })
                .u16(env.rate_counter)
                .u16(env.rate_period)
                .u8(env.exp_counter)
                .u8(env.exp_period)
                .bool(env.hold_zero)
                .bool(env.gate)
                .u8(env.attack_decay)
                .u8(env.sustain_release);
        }
        let f = &self.filter;
        out.u16(f.cutoff)
            .u8(f.res_filt)
            .u8(f.mode_vol)
            .u32(f.band.to_bits())
            .u32(f.low.to_bits());
        out.u8(self.bus_value)
            .u32(self.bus_ttl)
            .u8(self.pot_x)
            .u8(self.pot_y)
            .u8(self.block_pos as u8)
            .u32(self.volume_sum);
        for cic in [&self.cic_filtered, &self.cic_direct] {
            for &v in cic.integrators.iter().chain(&cic.combs) {
                out.u64(v as u64);
            }
        }
        let r = &self.resampler;
        out.u8(r.pos as u8);
        for &x in &r.history[..TAPS] {
            out.u32(x.to_bits());
        }
        out.u64(r.until_output as u64)
            .u32(r.dc_in.to_bits())
            .u32(r.dc_out.to_bits());
        out.u64(self.lag).bool(self.silent);
        out.u64(self.pending.len() as u64);
        for &x in &self.pending {
            out.u32(x.to_bits());
        }
    }

    /// Reads a chip state written by [`save`](Self::save), checking every field's range.
    pub fn load(input: &mut StateReader) -> Result<Self, StateError> {
        let model = match input.u8()? {
            0 => Model::Mos6581,
            1 => Model::Mos8580,
            other => return Err(invalid(format!("model {other}"))),
        };
        let clock_hz = input.u32()?;
        let output_rate = input.u32()?;
        check_rates(clock_hz, output_rate).map_err(|e| invalid(e.to_string()))?;
        let mut sid = Sid::build(model, clock_hz, output_rate);
        for osc in &mut sid.osc {
            *osc = load_oscillator(input)?;
        }
        for env in &mut sid.env {
            *env = load_envelope(input)?;
        }
        let cutoff = input.u16()?;
        if cutoff > 0x7FF {
            return Err(invalid(format!("filter cutoff {cutoff:#x}")));
        }
        let mut filter = Filter::new(model, block_rate(clock_hz));
        filter.cutoff = cutoff;
        filter.res_filt = input.u8()?;
        filter.mode_vol = input.u8()?;
        filter.band = finite(input.u32()?, "filter band-pass")?;
        filter.low = finite(input.u32()?, "filter low-pass")?;
        filter.update(model, block_rate(clock_hz));
        sid.filter = filter;
        sid.bus_value = input.u8()?;
        sid.bus_ttl = input.u32()?;
        if sid.bus_ttl > model.bus_fade_cycles() {
            return Err(invalid(format!("bus fade counter {}", sid.bus_ttl)));
        }
        sid.pot_x = input.u8()?;
        sid.pot_y = input.u8()?;
        sid.block_pos = u32::from(input.u8()?);
        if sid.block_pos >= BLOCK {
            return Err(invalid(format!("block position {}", sid.block_pos)));
        }
        sid.volume_sum = input.u32()?;
        if sid.volume_sum > 15 * sid.block_pos {
            return Err(invalid(format!("volume sum {}", sid.volume_sum)));
        }
        for cic in [&mut sid.cic_filtered, &mut sid.cic_direct] {
            *cic = load_cic(input)?;
        }
        let r = &mut sid.resampler;
        r.pos = usize::from(input.u8()?);
        if r.pos >= TAPS {
            return Err(invalid(format!("resampler position {}", r.pos)));
        }
        for i in 0..TAPS {
            let x = finite(input.u32()?, "resampler history")?;
            r.history[i] = x;
            r.history[i + TAPS] = x;
        }
        r.until_output = input.u64()? as i64;
        if !(1..=i64::from(clock_hz)).contains(&r.until_output) {
            return Err(invalid(format!("resampler phase {}", r.until_output)));
        }
        r.dc_in = finite(input.u32()?, "output high-pass")?;
        r.dc_out = finite(input.u32()?, "output high-pass")?;
        sid.lag = input.u64()?;
        if sid.lag >= crate::MAX_LAG {
            return Err(invalid(format!("{} cycles behind", sid.lag)));
        }
        sid.silent = input.bool()?;
        let pending = input.u64()?;
        if pending > MAX_PENDING {
            return Err(invalid(format!("{pending} pending samples")));
        }
        sid.pending = (0..pending)
            .map(|_| finite(input.u32()?, "pending sample"))
            .collect::<Result<_, _>>()?;
        Ok(sid)
    }
}

fn load_oscillator(input: &mut StateReader) -> Result<Oscillator, StateError> {
    let acc = input.u32()?;
    if acc > 0xFF_FFFF {
        return Err(invalid(format!("accumulator {acc:#x}")));
    }
    let freq = u32::from(input.u16()?);
    let pulse_width = u32::from(input.u16()?);
    if pulse_width > 0xFFF {
        return Err(invalid(format!("pulse width {pulse_width:#x}")));
    }
    let control = input.u8()?;
    let noise = input.u32()?;
    if noise > 0x7F_FFFF {
        return Err(invalid(format!("noise LFSR {noise:#x}")));
    }
    Ok(Oscillator {
        acc,
        freq,
        pulse_width,
        control,
        noise,
        msb_rising: input.bool()?,
    })
}

fn load_envelope(input: &mut StateReader) -> Result<Envelope, StateError> {
    let counter = input.u8()?;
    let phase = match input.u8()? {
        0 => Phase::Attack,
        1 => Phase::DecaySustain,
        2 => Phase::Release,
        other => return Err(invalid(format!("envelope phase {other}"))),
    };
    let rate_counter = input.u16()?;
    if rate_counter > 0x7FFF {
        return Err(invalid(format!("rate counter {rate_counter:#x}")));
    }
    let rate_period = input.u16()?;
    if !crate::RATE_PERIODS.contains(&rate_period) {
        return Err(invalid(format!("rate period {rate_period}")));
    }
    let exp_counter = input.u8()?;
    let exp_period = input.u8()?;
    if ![1, 2, 4, 8, 16, 30].contains(&exp_period) || exp_counter >= exp_period {
        return Err(invalid(format!(
            "exponential divider {exp_counter}/{exp_period}"
        )));
    }
    Ok(Envelope {
        counter,
        phase,
        rate_counter,
        rate_period,
        exp_counter,
        exp_period,
        hold_zero: input.bool()?,
        gate: input.bool()?,
        attack_decay: input.u8()?,
        sustain_release: input.u8()?,
    })
}

fn load_cic(input: &mut StateReader) -> Result<Cic, StateError> {
    let mut cic = Cic::default();
    for v in cic.integrators.iter_mut().chain(cic.combs.iter_mut()) {
        *v = input.u64()? as i64;
    }
    Ok(cic)
}

fn finite(bits: u32, what: &str) -> Result<f32, StateError> {
    let x = f32::from_bits(bits);
    if x.is_finite() {
        Ok(x)
    } else {
        Err(invalid(format!("{what} is not a finite number")))
    }
}

fn invalid(what: String) -> StateError {
    StateError::Payload(format!("invalid SID state: {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn busy_sid() -> Sid {
        let mut sid = Sid::new(Model::Mos6581);
        let writes = [
            (0x18, 0x3F),
            (0x17, 0xF1),
            (0x16, 0x40),
            (0x00, 0x34),
            (0x01, 0x12),
            (0x02, 0x00),
            (0x03, 0x08),
            (0x05, 0x22),
            (0x06, 0xA4),
            (0x04, 0x41),
            (0x0E, 0x00),
            (0x0F, 0x30),
            (0x13, 0x00),
            (0x14, 0xF0),
            (0x12, 0x81),
        ];
        for (reg, value) in writes {
            sid.write(reg, value);
        }
        sid.clock(12_345);
        sid
    }

    #[test]
    fn round_trip_continues_identically() {
        let mut original = busy_sid();
        let mut out = StateWriter::new("sid-test", 1);
        original.save(&mut out);
        let bytes = out.finish();
        let mut reader = StateReader::open(&bytes, "sid-test", 1).unwrap();
        let mut restored = Sid::load(&mut reader).unwrap();
        reader.finish().unwrap();
        assert_eq!(restored, original);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        original.take_samples(&mut a);
        restored.take_samples(&mut b);
        original.write(0x04, 0x40); // gate off
        restored.write(0x04, 0x40);
        original.clock_into(100_003, &mut a);
        restored.clock_into(100_003, &mut b);
        assert!(!a.is_empty());
        assert_eq!(a, b);
        assert_eq!(restored, original);
    }

    #[test]
    fn truncated_or_damaged_states_are_errors() {
        let sid = busy_sid();
        let mut out = StateWriter::new("sid-test", 1);
        sid.save(&mut out);
        let bytes = out.finish();
        let payload = heirloom_shell::state::decode(&bytes, "sid-test", 1).unwrap();
        for len in 0..payload.len() {
            let framed = StateWriter::new("sid-test", 1)
                .bytes(&payload[..len])
                .finish();
            let mut reader = StateReader::open(&framed, "sid-test", 1).unwrap();
            assert!(Sid::load(&mut reader).is_err(), "length {len}");
        }
        // damaged fields are refused or, if in range, run without panicking
        for i in 0..payload.len().min(2000) {
            for bit in [0x01u8, 0x80] {
                let mut bad = payload.to_vec();
                bad[i] ^= bit;
                let framed = StateWriter::new("sid-test", 1).bytes(&bad).finish();
                let mut reader = StateReader::open(&framed, "sid-test", 1).unwrap();
                if let Ok(mut sid) = Sid::load(&mut reader) {
                    let mut out = Vec::new();
                    sid.clock_into(2_000, &mut out);
                    sid.read(crate::reg::ENV3);
                }
            }
        }
        // a model byte out of range
        let mut bad = payload.to_vec();
        bad[0] = 7;
        let framed = StateWriter::new("sid-test", 1).bytes(&bad).finish();
        let mut reader = StateReader::open(&framed, "sid-test", 1).unwrap();
        assert!(Sid::load(&mut reader).is_err());
    }
}
