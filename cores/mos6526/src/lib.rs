//! The MOS 6526 CIA (Complex Interface Adapter), cycle-exact.
//!
//! A C64 has two: CIA 1 at `$DC00` (keyboard matrix and joysticks on its ports, IRQ) and
//! CIA 2 at `$DD00` (VIC bank and serial bus on port A, user port, NMI). This crate is the
//! chip alone, as plain data: the machine owns the wiring.
//!
//! # Driving the chip
//!
//! Call [`Cia::tick`] once per φ2 cycle, then perform that cycle's bus access, if the CPU
//! addresses the chip, with [`Cia::read`] or [`Cia::write`] (register `addr & 0xF`). A
//! read in cycle `t` sees everything that happened in tick `t`; a write in cycle `t` is
//! first acted on by tick `t + 1`. Every delay quoted in this documentation counts cycles
//! this way, with the write or event in cycle 0.
//!
//! After the access, [`Cia::irq`] is the interrupt output (true = pin pulled low; on CIA 2
//! it drives NMI, which the CPU sees on its falling edge).
//!
//! # Pins
//!
//! * Ports: [`Cia::port_a_output`] / [`Cia::port_b_output`] are the levels the chip drives
//!   (`PR | !DDR`, inputs pulled up; PB6/PB7 replaced by the timer outputs when CRA/CRB
//!   bit 1 is set). The machine reports what outside devices do to the pins with
//!   [`Cia::set_port_a_input`] / [`Cia::set_port_b_input`] (1 = not pulled low) before a
//!   port read; the chip reads `output & input`, the wired-AND of an NMOS port.
//!
//!   For the C64 keyboard on CIA 1, port A drives the matrix columns and port B reads the
//!   rows (and the joysticks pull lines low directly). Before a read of `$DC00` or `$DC01`
//!   the machine takes both outputs, works out which lines a pressed key connects, and
//!   passes the result to both ports:
//!
//!   ```
//!   use heirloom_cia::{Cia, Model, reg};
//!
//!   // keys[column] has bit `row` set when that key is held down.
//!   fn scan(cia: &mut Cia, keys: &[u8; 8]) {
//!       let columns = cia.port_a_output();
//!       let mut rows = cia.port_b_output();
//!       for (column, &pressed) in keys.iter().enumerate() {
//!           if columns & (1 << column) == 0 {
//!               rows &= !pressed;
//!           }
//!       }
//!       cia.set_port_b_input(rows);
//!   }
//!
//!   let mut cia = Cia::new(Model::Mos6526);
//!   cia.write(reg::DDRA, 0xFF);
//!   cia.write(reg::PRA, !(1 << 1)); // select column 1
//!   let mut keys = [0u8; 8];
//!   keys[1] = 1 << 5; // the key at column 1, row 5 is held
//!   scan(&mut cia, &keys);
//!   assert_eq!(cia.read(reg::PRB), !(1 << 5));
//!   ```
//!
//! * CNT and SP (serial port, counter input): [`Cia::set_cnt`] / [`Cia::set_sp`] are the
//!   levels outside devices put on them (both float high when unconnected, as on the C64);
//!   [`Cia::cnt_output`] / [`Cia::sp_output`] what the chip drives (in serial output mode).
//! * FLAG: [`Cia::set_flag`]; a falling edge sets ICR bit 4.
//! * TOD: call [`Cia::tod_tick`] for each cycle of the power-line signal on the TOD pin
//!   (50 per second on a PAL C64). CRA bit 7 tells the chip whether to divide by 5 or 6.
//! * PC: [`Cia::pc`] goes low for the cycle after a read or write of port B.
//!
//! # Timing
//!
//! The timers follow the start/load pipeline measured by Wolfgang Lorenz's test suite
//! (see the `timer` module source): a timer started by a CRA/CRB write in cycle 0 first
//! decrements in cycle 3, a force load in cycle 0 shows in cycle 2, the period in
//! continuous mode is latch + 1, an underflow reloads at once so the counter never reads 0
//! while counting φ2. Timer B counting timer A underflows decrements two cycles after the
//! underflow, and underflows itself one cycle after a timer A underflow that finds it at 0.
//!
//! Interrupt sources set their ICR flag in the cycle they happen (a read in that cycle
//! sees the flag); the IRQ output follows per [`Model`]. Sources outside the φ2 clock
//! (FLAG edges, TOD alarms, TOD register writes that match the alarm) are flagged by the
//! next [`Cia::tick`].
//!
//! The serial port in output mode takes a byte written to SDR at the first timer A
//! underflow two or more cycles later, toggles CNT two cycles after each underflow (16
//! toggles per byte, data valid from each falling edge) and flags the byte two cycles after
//! the fifteenth toggle (see the `serial` module source).
//!
//! The crate's tests reproduce the timing tables of Lorenz's suite cycle by cycle
//! (`tests/lorenz.rs`) and run the suite's 18 CIA programs on the 6502 core with two of
//! these chips (`tests/lorenz_suite.rs`).
//!
//! # Models
//!
//! [`Model::Mos6526`] (the default) is the original NMOS chip of the C64 "breadbin": its
//! interrupt output follows an interrupt flag one cycle late, and it has the timer B bug
//! (a timer B underflow in the cycle after an ICR read interrupts but loses its flag).
//! [`Model::Mos6526A`] (also the 8521 of the C64C) asserts the interrupt in the cycle of
//! the flag, one cycle later only if ICR was read in the cycle before. The default matches
//! the machine Lorenz's suite was measured on (its `ICR01` and `CIA1TAB` tables show the
//! one-cycle delay); choose the 6526A for a C64C.
//!
//! Not modelled: the old chip's TOD alarm glitch when the alarm's seconds are zero, the
//! 6526A's refusal of an ICR mask write in the cycle after an ICR read, the analogue
//! behaviour of overloaded port pins.

mod interrupt;
mod ports;
mod serial;
mod state;
mod timer;
mod tod;

use interrupt::Interrupts;
use ports::Port;
use serial::Serial;
use timer::Timer;
use tod::Tod;

/// Register numbers (the low four address bits).
pub mod reg {
    /// Port A data.
    pub const PRA: u8 = 0x0;
    /// Port B data.
    pub const PRB: u8 = 0x1;
    /// Port A data direction (1 = output).
    pub const DDRA: u8 = 0x2;
    /// Port B data direction (1 = output).
    pub const DDRB: u8 = 0x3;
    /// Timer A low byte: counter (read), latch (write).
    pub const TA_LO: u8 = 0x4;
    /// Timer A high byte: counter (read), latch (write; loads a stopped counter).
    pub const TA_HI: u8 = 0x5;
    /// Timer B low byte.
    pub const TB_LO: u8 = 0x6;
    /// Timer B high byte.
    pub const TB_HI: u8 = 0x7;
    /// TOD tenths of seconds (read releases the latch, write starts the clock).
    pub const TOD_TENTHS: u8 = 0x8;
    /// TOD seconds (BCD).
    pub const TOD_SECONDS: u8 = 0x9;
    /// TOD minutes (BCD).
    pub const TOD_MINUTES: u8 = 0xA;
    /// TOD hours (BCD 1–12, bit 7 PM; read latches, write stops the clock).
    pub const TOD_HOURS: u8 = 0xB;
    /// Serial data register.
    pub const SDR: u8 = 0xC;
    /// Interrupt control: flags (read, clears), mask (write; bit 7 set or clear).
    pub const ICR: u8 = 0xD;
    /// Control register A.
    pub const CRA: u8 = 0xE;
    /// Control register B.
    pub const CRB: u8 = 0xF;
}

/// ICR flag bits.
pub mod icr {
    /// Timer A underflow.
    pub const TA: u8 = 0x01;
    /// Timer B underflow.
    pub const TB: u8 = 0x02;
    /// TOD alarm.
    pub const ALARM: u8 = 0x04;
    /// Serial port byte complete.
    pub const SP: u8 = 0x08;
    /// Falling edge on FLAG.
    pub const FLAG: u8 = 0x10;
    /// Read: an enabled source is active (the IRQ pin is low).
    pub const IR: u8 = 0x80;
}

/// CRA bit 5: timer A counts CNT rising edges instead of φ2.
const CRA_CNT: u8 = 0x20;
/// CRA bit 6: serial port is an output.
const CRA_SP_OUT: u8 = 0x40;
/// CRA bit 7: the TOD pin carries 50 Hz.
const CRA_TOD_50HZ: u8 = 0x80;
/// CRB bit 7: TOD writes set the alarm.
const CRB_ALARM: u8 = 0x80;

/// Which chip revision to emulate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Model {
    /// The original 6526: interrupt output one cycle after the flag, timer B bug.
    #[default]
    Mos6526,
    /// The 6526A / 8521: interrupt output in the cycle of the flag.
    Mos6526A,
}

/// One CIA chip. Plain data: clone it to snapshot, compare it to test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cia {
    model: Model,
    pa: Port,
    pb: Port,
    ta: Timer,
    tb: Timer,
    tod: Tod,
    serial: Serial,
    int: Interrupts,
    /// Level outside devices put on CNT.
    cnt_in: bool,
    /// CNT level seen by the previous tick (for edge detection).
    cnt_prev: bool,
    /// Level outside devices put on SP.
    sp_in: bool,
    /// Level on FLAG.
    flag_in: bool,
    /// Interrupt sources that happened between ticks (FLAG, TOD), flagged by the next tick.
    pending_events: u8,
    /// Port B was accessed in this cycle.
    pc_request: bool,
    /// PC is low in this cycle.
    pc_low: bool,
}

impl Default for Cia {
    fn default() -> Self {
        Self::new(Model::default())
    }
}

impl Cia {
    /// A chip of `model` in its power-on/reset state: ports are inputs, timers stopped
    /// with latches all ones, interrupts masked, TOD stopped at 1:00:00.0 AM.
    pub fn new(model: Model) -> Self {
        Self {
            model,
            pa: Port::new(),
            pb: Port::new(),
            ta: Timer::new(),
            tb: Timer::new(),
            tod: Tod::new(),
            serial: Serial::new(),
            int: Interrupts::new(),
            cnt_in: true,
            cnt_prev: true,
            sp_in: true,
            flag_in: true,
            pending_events: 0,
            pc_request: false,
            pc_low: false,
        }
    }

    /// Pulls RES: every register back to its reset value. Pin levels reported by the
    /// machine are kept, the model too.
    pub fn reset(&mut self) {
        let (pa_in, pb_in) = (self.pa.input, self.pb.input);
        let (cnt, sp, flag) = (self.cnt_in, self.sp_in, self.flag_in);
        *self = Self::new(self.model);
        self.pa.input = pa_in;
        self.pb.input = pb_in;
        self.cnt_in = cnt;
        self.cnt_prev = cnt;
        self.sp_in = sp;
        self.flag_in = flag;
    }

    /// The emulated chip revision.
    pub fn model(&self) -> Model {
        self.model
    }

    /// Advances one φ2 cycle: timers, serial port, interrupt output.
    pub fn tick(&mut self) {
        self.int.begin_cycle();
        self.pc_low = self.pc_request;
        self.pc_request = false;

        let cnt = self.cnt_level();
        let cnt_rise = cnt && !self.cnt_prev;
        self.cnt_prev = cnt;
        let mut events = self.pending_events;
        self.pending_events = 0;

        let ta_input = self.ta.started() && (self.ta.cr & CRA_CNT == 0 || cnt_rise);
        let ta_underflow = self.ta.tick(ta_input);
        let serial_out = self.ta.cr & CRA_SP_OUT != 0;
        if ta_underflow {
            events |= icr::TA;
        }
        if serial_out && self.serial.tick_output(ta_underflow) {
            events |= icr::SP;
        }

        let tb_source = match (self.tb.cr >> 5) & 3 {
            0 => true,
            1 => cnt_rise,
            2 => ta_underflow,
            _ => ta_underflow && cnt,
        };
        if self.tb.tick(self.tb.started() && tb_source) {
            events |= icr::TB;
        }

        if !serial_out && cnt_rise && self.serial.cnt_rise(self.sp_in) {
            events |= icr::SP;
        }

        self.int.end_cycle(events, self.model);
    }

    /// A CPU read of register `reg & 0xF`, with its side effects (ICR clears, TOD latches).
    pub fn read(&mut self, reg: u8) -> u8 {
        match reg & 0xF {
            reg::PRB => {
                self.pc_request = true;
                self.port_b_pins()
            }
            reg::ICR => self.int.read(),
            r @ reg::TOD_TENTHS..=reg::TOD_HOURS => self.tod.read(usize::from(r - 8)),
            r => self.peek(r),
        }
    }

    /// What a read of register `reg & 0xF` would return, without side effects (for
    /// debuggers and monitors).
    pub fn peek(&self, reg: u8) -> u8 {
        match reg & 0xF {
            reg::PRA => self.port_a_pins(),
            reg::PRB => self.port_b_pins(),
            reg::DDRA => self.pa.ddr,
            reg::DDRB => self.pb.ddr,
            reg::TA_LO => self.ta.counter as u8,
            reg::TA_HI => (self.ta.counter >> 8) as u8,
            reg::TB_LO => self.tb.counter as u8,
            reg::TB_HI => (self.tb.counter >> 8) as u8,
            r @ reg::TOD_TENTHS..=reg::TOD_HOURS => self.tod.peek(usize::from(r - 8)),
            reg::SDR => self.serial.sdr,
            reg::ICR => self.int.peek(),
            reg::CRA => self.ta.cr,
            _ => self.tb.cr,
        }
    }

    /// A CPU write of `value` to register `reg & 0xF`.
    pub fn write(&mut self, reg: u8, value: u8) {
        match reg & 0xF {
            reg::PRA => self.pa.pr = value,
            reg::PRB => {
                self.pb.pr = value;
                self.pc_request = true;
            }
            reg::DDRA => self.pa.ddr = value,
            reg::DDRB => self.pb.ddr = value,
            reg::TA_LO => self.ta.write_latch_lo(value),
            reg::TA_HI => self.ta.write_latch_hi(value),
            reg::TB_LO => self.tb.write_latch_lo(value),
            reg::TB_HI => self.tb.write_latch_hi(value),
            r @ reg::TOD_TENTHS..=reg::TOD_HOURS => {
                let to_alarm = self.tb.cr & CRB_ALARM != 0;
                if self.tod.write(usize::from(r - 8), value, to_alarm) {
                    self.pending_events |= icr::ALARM;
                }
            }
            reg::SDR => self.serial.write(value, self.ta.cr & CRA_SP_OUT != 0),
            reg::ICR => self.int.write(value),
            reg::CRA => {
                if (value ^ self.ta.cr) & CRA_SP_OUT != 0 {
                    self.serial.set_mode();
                }
                self.ta.write_control(value);
            }
            _ => self.tb.write_control(value),
        }
    }

    /// The interrupt output: true while the IRQ pin is pulled low. It follows ICR bit 7,
    /// except that an ICR read releases it only from the next cycle on.
    pub fn irq(&self) -> bool {
        self.int.pin
    }

    /// The levels the chip drives on port A: `PRA | !DDRA`.
    pub fn port_a_output(&self) -> u8 {
        self.pa.output()
    }

    /// The levels the chip drives on port B: `PRB | !DDRB`, with PB6 (PB7) replaced by the
    /// timer A (B) output while CRA (CRB) bit 1 is set.
    pub fn port_b_output(&self) -> u8 {
        let mut value = self.pb.output();
        if self.ta.drives_pb() {
            value = (value & !0x40) | (u8::from(self.ta.pb_level()) << 6);
        }
        if self.tb.drives_pb() {
            value = (value & !0x80) | (u8::from(self.tb.pb_level()) << 7);
        }
        value
    }

    /// Port A's data direction register (1 = the chip drives the pin).
    pub fn port_a_direction(&self) -> u8 {
        self.pa.ddr
    }

    /// Port B's data direction register (1 = the chip drives the pin).
    pub fn port_b_direction(&self) -> u8 {
        self.pb.ddr
    }

    /// Reports the levels outside devices allow on port A's pins (a 0 bit pulls the pin
    /// low). Kept until changed.
    pub fn set_port_a_input(&mut self, pins: u8) {
        self.pa.input = pins;
    }

    /// Reports the levels outside devices allow on port B's pins (a 0 bit pulls the pin
    /// low). Kept until changed.
    pub fn set_port_b_input(&mut self, pins: u8) {
        self.pb.input = pins;
    }

    /// The pin levels a read of port A returns.
    pub fn port_a_pins(&self) -> u8 {
        self.pa.output() & self.pa.input
    }

    /// The pin levels a read of port B returns.
    fn port_b_pins(&self) -> u8 {
        self.port_b_output() & self.pb.input
    }

    /// One cycle of the power-line signal on the TOD pin.
    pub fn tod_tick(&mut self) {
        if self.tod.pulse(self.ta.cr & CRA_TOD_50HZ != 0) {
            self.pending_events |= icr::ALARM;
        }
    }

    /// Sets the level outside devices put on CNT (true = released, high). Rising edges
    /// are counted by the next [`tick`](Self::tick).
    pub fn set_cnt(&mut self, level: bool) {
        self.cnt_in = level;
    }

    /// The level the chip drives on CNT (true = released): the serial clock in output
    /// mode.
    pub fn cnt_output(&self) -> bool {
        self.serial.cnt_out
    }

    /// Sets the level outside devices put on SP (sampled on CNT rising edges in serial
    /// input mode).
    pub fn set_sp(&mut self, level: bool) {
        self.sp_in = level;
    }

    /// The level the chip drives on SP (true = released): the data bit in serial output
    /// mode.
    pub fn sp_output(&self) -> bool {
        self.ta.cr & CRA_SP_OUT == 0 || self.serial.sp_out
    }

    /// Sets the level on FLAG; a falling edge sets ICR bit 4 in the next cycle.
    pub fn set_flag(&mut self, level: bool) {
        if self.flag_in && !level {
            self.pending_events |= icr::FLAG;
        }
        self.flag_in = level;
    }

    /// The PC handshake output: false (low) for the cycle after a port B access.
    pub fn pc(&self) -> bool {
        !self.pc_low
    }

    /// The CNT line: wired-AND of the chip's own driver and outside devices.
    fn cnt_level(&self) -> bool {
        self.cnt_in && self.serial.cnt_out
    }
}
