//! Save states: the chip's fields in a fixed order, inside the machine's state.

use heirloom_shell::{StateError, StateReader, StateWriter};

use crate::interrupt::Interrupts;
use crate::ports::Port;
use crate::serial::Serial;
use crate::timer::Timer;
use crate::tod::Tod;
use crate::{Cia, Model};

impl Cia {
    /// Appends the complete chip state to `out` (the machine frames and versions it).
    pub fn save(&self, out: &mut StateWriter) {
        out.u8(match self.model {
            Model::Mos6526 => 0,
            Model::Mos6526A => 1,
        });
        for port in [&self.pa, &self.pb] {
            out.u8(port.pr).u8(port.ddr).u8(port.input);
        }
        for timer in [&self.ta, &self.tb] {
            out.u16(timer.latch)
                .u16(timer.counter)
                .u8(timer.cr)
                .u8(timer.count)
                .bool(timer.load_request)
                .u8(timer.load)
                .bool(timer.oneshot_delayed)
                .bool(timer.toggle)
                .bool(timer.underflow)
                .bool(timer.loaded_now);
        }
        let tod = &self.tod;
        out.bytes(&tod.time)
            .bytes(&tod.alarm)
            .bytes(&tod.latch)
            .bool(tod.latched)
            .bool(tod.stopped)
            .u8(tod.divider);
        let s = &self.serial;
        out.u8(s.sdr)
            .u8(s.shifter)
            .bool(s.write_request)
            .bool(s.loaded)
            .bool(s.queued)
            .u8(s.edges_left)
            .u8(s.toggle_in)
            .u8(s.flag_in)
            .u8(s.bits_in)
            .bool(s.cnt_out)
            .bool(s.sp_out);
        let i = &self.int;
        out.u8(i.flags)
            .u8(i.mask)
            .bool(i.asserted)
            .bool(i.pin)
            .bool(i.pending)
            .bool(i.read_now)
            .bool(i.read_before);
        out.bool(self.cnt_in)
            .bool(self.cnt_prev)
            .bool(self.sp_in)
            .bool(self.flag_in)
            .u8(self.pending_events)
            .bool(self.pc_request)
            .bool(self.pc_low);
    }

    /// Reads a chip state written by [`save`](Self::save), checking every field's range.
    pub fn load(input: &mut StateReader) -> Result<Self, StateError> {
        let model = match input.u8()? {
            0 => Model::Mos6526,
            1 => Model::Mos6526A,
            other => return Err(invalid(format!("CIA model {other}"))),
        };
        let pa = load_port(input)?;
        let pb = load_port(input)?;
        let ta = load_timer(input)?;
        let tb = load_timer(input)?;
        let tod = load_tod(input)?;
        let serial = load_serial(input)?;
        let int = Interrupts {
            flags: masked(input.u8()?, 0x1F, "ICR flags")?,
            mask: masked(input.u8()?, 0x1F, "ICR mask")?,
            asserted: input.bool()?,
            pin: input.bool()?,
            pending: input.bool()?,
            read_now: input.bool()?,
            read_before: input.bool()?,
        };
        Ok(Self {
            model,
            pa,
            pb,
            ta,
            tb,
            tod,
            serial,
            int,
            cnt_in: input.bool()?,
            cnt_prev: input.bool()?,
            sp_in: input.bool()?,
            flag_in: input.bool()?,
            pending_events: masked(input.u8()?, 0x1F, "pending interrupt sources")?,
            pc_request: input.bool()?,
            pc_low: input.bool()?,
        })
    }
}

fn invalid(what: String) -> StateError {
    StateError::Payload(format!("invalid CIA state: {what}"))
}

/// Accepts `value` only if it has no bits outside `allowed`.
fn masked(value: u8, allowed: u8, what: &str) -> Result<u8, StateError> {
    if value & !allowed == 0 {
        Ok(value)
    } else {
        Err(invalid(format!("{what} {value:#04x}")))
    }
}

fn load_port(input: &mut StateReader) -> Result<Port, StateError> {
    Ok(Port {
        pr: input.u8()?,
        ddr: input.u8()?,
        input: input.u8()?,
    })
}

fn load_timer(input: &mut StateReader) -> Result<Timer, StateError> {
    Ok(Timer {
        latch: input.u16()?,
        counter: input.u16()?,
        cr: masked(input.u8()?, !0x10, "timer control")?,
        count: masked(input.u8()?, 0b111, "timer count pipeline")?,
        load_request: input.bool()?,
        load: masked(input.u8()?, 0b11, "timer load pipeline")?,
        oneshot_delayed: input.bool()?,
        toggle: input.bool()?,
        underflow: input.bool()?,
        loaded_now: input.bool()?,
    })
}

fn load_tod(input: &mut StateReader) -> Result<Tod, StateError> {
    let mut tod = Tod::new();
    for registers in [&mut tod.time, &mut tod.alarm, &mut tod.latch] {
        input.read_into(registers)?;
        for (index, (&value, width)) in registers.iter().zip([0x0F, 0x7F, 0x7F, 0x9F]).enumerate() {
            masked(value, width, &format!("TOD register {index}"))?;
        }
    }
    tod.latched = input.bool()?;
    tod.stopped = input.bool()?;
    tod.divider = masked(input.u8()?, 0b111, "TOD divider")?;
    Ok(tod)
}

fn load_serial(input: &mut StateReader) -> Result<Serial, StateError> {
    let serial = Serial {
        sdr: input.u8()?,
        shifter: input.u8()?,
        write_request: input.bool()?,
        loaded: input.bool()?,
        queued: input.bool()?,
        edges_left: input.u8()?,
        toggle_in: input.u8()?,
        flag_in: input.u8()?,
        bits_in: input.u8()?,
        cnt_out: input.bool()?,
        sp_out: input.bool()?,
    };
    if serial.edges_left > 16 || serial.toggle_in > 2 || serial.flag_in > 2 || serial.bits_in > 7 {
        return Err(invalid(format!(
            "serial counters {}, {}, {}, {}",
            serial.edges_left, serial.toggle_in, serial.flag_in, serial.bits_in
        )));
    }
    Ok(serial)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reg;

    fn round_trip(cia: &Cia) -> Cia {
        let mut out = StateWriter::new("cia-test", 1);
        cia.save(&mut out);
        let bytes = out.finish();
        let mut input = StateReader::open(&bytes, "cia-test", 1).unwrap();
        let loaded = Cia::load(&mut input).unwrap();
        input.finish().unwrap();
        loaded
    }

    #[test]
    fn busy_chip_round_trips_and_runs_on_identically() {
        let mut cia = Cia::new(Model::Mos6526A);
        cia.write(reg::DDRA, 0xF0);
        cia.write(reg::PRA, 0x5A);
        cia.write(reg::TA_LO, 7);
        cia.write(reg::TA_HI, 0);
        cia.write(reg::TB_LO, 3);
        cia.write(reg::TB_HI, 0);
        cia.write(reg::ICR, 0x83);
        cia.write(reg::CRA, 0x57);
        cia.write(reg::CRB, 0x47);
        cia.write(reg::SDR, 0xA5);
        cia.write(reg::TOD_HOURS, 0x11);
        cia.write(reg::TOD_TENTHS, 0x03);
        for _ in 0..37 {
            cia.tick();
        }
        cia.tod_tick();
        let mut copy = round_trip(&cia);
        assert_eq!(copy, cia);
        for _ in 0..200 {
            cia.tick();
            copy.tick();
            assert_eq!(cia.read(reg::ICR), copy.read(reg::ICR));
        }
        assert_eq!(copy, cia);
    }

    #[test]
    fn bad_fields_are_refused_not_panicked_on() {
        let mut out = StateWriter::new("cia-test", 1);
        Cia::default().save(&mut out);
        let good = out.finish();
        let mut input = StateReader::open(&good, "cia-test", 1).unwrap();
        assert!(Cia::load(&mut input).is_ok());

        // Payload starts after the 8+2+1+8+4+8 header bytes; its first byte is the model.
        let header = 8 + 2 + 1 + "cia-test".len() + 4 + 8;
        let mut payload = good[header..good.len() - 4].to_vec();
        payload[0] = 9;
        let bad = StateWriter::new("cia-test", 1).bytes(&payload).finish();
        let mut input = StateReader::open(&bad, "cia-test", 1).unwrap();
        assert!(Cia::load(&mut input).is_err());

        let truncated = StateWriter::new("cia-test", 1)
            .bytes(&payload[..10])
            .finish();
        let mut input = StateReader::open(&truncated, "cia-test", 1).unwrap();
        assert!(Cia::load(&mut input).is_err());
    }
}
