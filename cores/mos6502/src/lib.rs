//! A cycle-exact NMOS 6502 (the core of the C64's 6510), generic over its [`Bus`].
//!
//! # The bus contract
//!
//! Every call to [`Bus::read`] or [`Bus::write`] is exactly one clock cycle of the CPU, in
//! the order the chip performs them, with the address and value the real chip puts on the
//! bus. Dummy reads (the re-read of the opcode's successor by implied instructions, the
//! read of the un-fixed address by indexed modes, the stack reads of `RTS`/`RTI`/`PLA`) and
//! the dummy write of read-modify-write instructions are all performed, so a machine can
//! clock its other chips once per call and see the same side effects as on hardware (for
//! example a read of an I/O register that clears an interrupt flag).
//!
//! RDY: before every read cycle the CPU calls [`Bus::stall`] with the address it is about to
//! read. Returning `true` means RDY was low for that cycle: the CPU stays halted for one
//! clock (the machine clocks its chips for it) and asks again. Write cycles never ask, as on
//! the NMOS chip, where RDY is ignored during writes; a machine emulating the VIC-II's BA
//! line therefore gets its three write cycles of grace for free. Stalled cycles count in
//! [`Cpu::cycles`].
//!
//! IRQ and NMI are pins on the bus: [`Bus::irq`] is the level of the IRQ line, [`Bus::nmi`]
//! the level of the NMI line (`true` = asserted, i.e. electrically low). The defaults are
//! "never asserted", which compiles away for a plain memory bus. The CPU asks for the levels
//! only between cycles: after a read, a write or a stall that returned `true`, and before a
//! write or before the `stall` question of a read, never between a `stall` that returned
//! `false` and the read that follows. A level that the machine changes while it handles
//! cycle *n* is therefore what the CPU sees from the end of cycle *n* on, whether the
//! machine does a cycle's work in `stall` or in `read`.
//!
//! The bus is a generic parameter, monomorphized into the CPU: there is no allocation,
//! boxing or dynamic dispatch per cycle. [`Cpu::step`] runs one instruction,
//! [`Cpu::run`] runs for a budget of cycles (the faster loop).
//!
//! # Timing model
//!
//! Interrupts are polled where the chip polls them: just before the last cycle of each
//! instruction (and again after each RDY stall of that cycle, as the stalled cycle
//! repeats), so the lines' levels at the end of the second-to-last cycle decide whether
//! the interrupt sequence follows the instruction. An interrupt asserted during the last
//! cycle is taken after the next instruction.
//!
//! Consequences that match the hardware:
//!
//! * `CLI`, `SEI` and `PLP` change the I flag after the poll, so the instruction after
//!   them still sees the old flag; `RTI` restores it before the poll.
//! * A taken branch that stays in its page polls only before its second cycle, so an
//!   interrupt arriving during its last two cycles waits for one more instruction. A taken
//!   branch that crosses a page polls again before its fourth cycle.
//! * NMI is edge triggered: the edge detector looks at the line at the end of every cycle
//!   (stalled ones included), so even a one-cycle pulse is latched until serviced. The BRK, IRQ
//!   and NMI sequences check for a latched NMI once more before their fifth cycle (the
//!   push of P); if one is pending, the vector is fetched from `$FFFA` instead (the NMI
//!   "hijack"), and the pushed B flag keeps the value of the original sequence.
//! * The interrupt sequences themselves do not poll: the first instruction of a handler
//!   always runs before another interrupt is taken.
//!
//! `JAM` opcodes halt the CPU until [`Cpu::reset`]; [`Cpu::jammed`] tells the host, and
//! [`Cpu::run`] returns [`Exit::Jammed`]. A jammed CPU keeps the bus busy: every further
//! cycle reads the address after the opcode again.
//!
//! # Example
//!
//! ```
//! use heirloom_6502::{Bus, Cpu};
//!
//! struct Ram([u8; 0x10000]);
//! impl Bus for Ram {
//!     fn read(&mut self, addr: u16) -> u8 { self.0[addr as usize] }
//!     fn write(&mut self, addr: u16, value: u8) { self.0[addr as usize] = value }
//! }
//!
//! let mut ram = Ram([0; 0x10000]);
//! ram.0[0x0200..0x0203].copy_from_slice(&[0xa9, 0x42, 0x00]); // LDA #$42; BRK
//! let mut cpu = Cpu::new();
//! cpu.pc = 0x0200;
//! assert_eq!(cpu.step(&mut ram), 2);
//! assert_eq!(cpu.a, 0x42);
//! ```

/// The machine side of the CPU: memory, I/O, and the RDY, IRQ and NMI pins.
///
/// Every [`read`](Bus::read) and [`write`](Bus::write) is one clock cycle.
pub trait Bus {
    /// One read cycle at `addr`; returns the value on the data bus.
    fn read(&mut self, addr: u16) -> u8;

    /// One write cycle of `value` at `addr`.
    fn write(&mut self, addr: u16, value: u8);

    /// Asked before every read cycle with the address about to be read. Return `true` when
    /// RDY is low: that clock is spent halted (clock the other chips for it) and the CPU asks
    /// again. Never asked before write cycles.
    #[inline(always)]
    fn stall(&mut self, addr: u16) -> bool {
        let _ = addr;
        false
    }

    /// Level of the IRQ line (`true` = asserted).
    #[inline(always)]
    fn irq(&mut self) -> bool {
        false
    }

    /// Level of the NMI line (`true` = asserted); the CPU reacts when it becomes asserted.
    #[inline(always)]
    fn nmi(&mut self) -> bool {
        false
    }
}

/// Carry flag.
pub const FLAG_C: u8 = 0x01;
/// Zero flag.
pub const FLAG_Z: u8 = 0x02;
/// Interrupt-disable flag.
pub const FLAG_I: u8 = 0x04;
/// Decimal flag.
pub const FLAG_D: u8 = 0x08;
/// Break flag (exists only in the copy of P pushed by `BRK`/`PHP`).
pub const FLAG_B: u8 = 0x10;
/// Unused bit, always 1.
pub const FLAG_U: u8 = 0x20;
/// Overflow flag.
pub const FLAG_V: u8 = 0x40;
/// Negative flag.
pub const FLAG_N: u8 = 0x80;

const VECTOR_NMI: u16 = 0xfffa;
const VECTOR_RESET: u16 = 0xfffc;
const VECTOR_IRQ: u16 = 0xfffe;

/// The value `ANE` ORs into A on most C64s (the "magic constant"), as Lorenz's `aneb`
/// expects.
pub const DEFAULT_ANE_MAGIC: u8 = 0xef;
/// The value `LXA` ORs into A on most C64s, as Lorenz's `lxab` expects (it fails with
/// `$EF`).
pub const DEFAULT_LXA_MAGIC: u8 = 0xee;

/// Why [`Cpu::run`] returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// The cycle budget was used up (possibly overshot by the last instruction).
    Budget,
    /// The CPU executed a `JAM` opcode (now, or earlier) and is halted until reset.
    Jammed {
        /// The `JAM` opcode.
        opcode: u8,
        /// The address the opcode was fetched from.
        pc: u16,
    },
}

/// The complete CPU: registers, interrupt latches, halted state and the cycle counter.
///
/// It is a plain `Clone` value with public fields, so a machine can save and restore it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cpu {
    /// Accumulator.
    pub a: u8,
    /// X index register.
    pub x: u8,
    /// Y index register.
    pub y: u8,
    /// Stack pointer (the stack is page 1).
    pub s: u8,
    /// Processor status. Bit 5 reads as 1 and bit 4 (B) as 0: they exist only on the stack.
    pub p: u8,
    /// Program counter.
    pub pc: u16,
    /// Clock cycles executed since creation, stalled (RDY) cycles included.
    pub cycles: u64,
    /// NMI line level seen at the end of the last cycle (for edge detection).
    pub nmi_level: bool,
    /// An NMI edge was seen and not yet serviced.
    pub nmi_latched: bool,
    /// The last poll decided that an interrupt sequence follows the current instruction.
    pub interrupt_due: bool,
    /// `Some(opcode, pc)` after a `JAM` opcode: the CPU is halted until reset.
    pub jam: Option<(u8, u16)>,
    /// The constant `ANE` ORs into A before the AND (chip dependent).
    pub ane_magic: u8,
    /// The constant `LXA` ORs into A before the AND (chip dependent).
    pub lxa_magic: u8,
}

impl Default for Cpu {
    fn default() -> Self {
        Self::new()
    }
}

impl Cpu {
    /// A CPU in its power-on state (registers zero, I set, S = $FD as after a reset from S
    /// = 0). Set `pc` directly or call [`Cpu::reset`] to fetch the reset vector.
    pub fn new() -> Self {
        Cpu {
            a: 0,
            x: 0,
            y: 0,
            s: 0xfd,
            p: FLAG_U | FLAG_I,
            pc: 0,
            cycles: 0,
            nmi_level: false,
            nmi_latched: false,
            interrupt_due: false,
            jam: None,
            ane_magic: DEFAULT_ANE_MAGIC,
            lxa_magic: DEFAULT_LXA_MAGIC,
        }
    }

    /// Whether a `JAM` opcode halted the CPU.
    pub fn jammed(&self) -> bool {
        self.jam.is_some()
    }

    /// The 7-cycle reset sequence: two reads at PC, three stack reads (S decrements
    /// without writing), then the vector at `$FFFC`. Sets I, clears pending interrupts and
    /// the jam.
    pub fn reset<B: Bus>(&mut self, bus: &mut B) {
        self.jam = None;
        self.interrupt_due = false;
        self.nmi_latched = false;
        self.read(bus, self.pc);
        self.read(bus, self.pc);
        for _ in 0..3 {
            self.read(bus, 0x0100 | self.s as u16);
            self.s = self.s.wrapping_sub(1);
        }
        self.p |= FLAG_I;
        let lo = self.read(bus, VECTOR_RESET);
        let hi = self.read(bus, VECTOR_RESET + 1);
        self.pc = u16::from_le_bytes([lo, hi]);
    }

    /// Runs until at least `budget` more cycles have passed (the last instruction may
    /// overshoot) or a `JAM` halts the CPU, in which case it returns right after the `JAM`.
    /// Called on a jammed CPU, it spends the whole budget halted.
    pub fn run<B: Bus>(&mut self, bus: &mut B, budget: u64) -> Exit {
        let end = self.cycles.saturating_add(budget);
        if let Some((opcode, pc)) = self.jam {
            while self.cycles < end {
                self.read(bus, self.pc);
            }
            return Exit::Jammed { opcode, pc };
        }
        while self.cycles < end {
            if self.interrupt_due || self.jam.is_some() {
                if let Some((opcode, pc)) = self.jam {
                    return Exit::Jammed { opcode, pc };
                }
                self.interrupt(bus, false);
            } else {
                self.execute(bus);
            }
        }
        match self.jam {
            Some((opcode, pc)) => Exit::Jammed { opcode, pc },
            None => Exit::Budget,
        }
    }

    /// Runs one instruction, or the interrupt sequence if one is due, and returns the number
    /// of cycles it took (stalls included). A jammed CPU spends one halted cycle.
    #[inline]
    pub fn step<B: Bus>(&mut self, bus: &mut B) -> u64 {
        let start = self.cycles;
        if self.interrupt_due || self.jam.is_some() {
            if self.jam.is_some() {
                self.read(bus, self.pc);
            } else {
                self.interrupt(bus, false);
            }
        } else {
            self.execute(bus);
        }
        self.cycles - start
    }

    // ---- bus cycles -------------------------------------------------------------------

    #[inline(always)]
    fn read<B: Bus>(&mut self, bus: &mut B, addr: u16) -> u8 {
        while bus.stall(addr) {
            self.cycles += 1;
            self.sample_nmi(bus);
        }
        self.cycles += 1;
        let value = bus.read(addr);
        self.sample_nmi(bus);
        value
    }

    /// The last cycle of an instruction, a read: poll interrupts, and again after every
    /// RDY stall, so the last poll sees the lines at the end of the cycle before the read.
    #[inline(always)]
    fn read_last<B: Bus>(&mut self, bus: &mut B, addr: u16) -> u8 {
        self.poll(bus);
        while bus.stall(addr) {
            self.cycles += 1;
            self.sample_nmi(bus);
            self.poll(bus);
        }
        self.cycles += 1;
        let value = bus.read(addr);
        self.sample_nmi(bus);
        value
    }

    #[inline(always)]
    fn write<B: Bus>(&mut self, bus: &mut B, addr: u16, value: u8) {
        self.cycles += 1;
        bus.write(addr, value);
        self.sample_nmi(bus);
    }

    /// The last cycle of an instruction, a write: poll interrupts, write.
    #[inline(always)]
    fn write_last<B: Bus>(&mut self, bus: &mut B, addr: u16, value: u8) {
        self.poll(bus);
        self.cycles += 1;
        bus.write(addr, value);
        self.sample_nmi(bus);
    }

    /// The NMI edge detector, run at the end of every cycle.
    #[inline(always)]
    fn sample_nmi<B: Bus>(&mut self, bus: &mut B) {
        let level = bus.nmi();
        if level != self.nmi_level {
            self.nmi_latched |= level;
            self.nmi_level = level;
        }
    }

    #[inline(always)]
    fn poll<B: Bus>(&mut self, bus: &mut B) {
        self.interrupt_due = self.nmi_latched || (self.p & FLAG_I == 0 && bus.irq());
    }

    #[inline(always)]
    fn fetch<B: Bus>(&mut self, bus: &mut B) -> u8 {
        let v = self.read(bus, self.pc);
        self.pc = self.pc.wrapping_add(1);
        v
    }

    #[inline(always)]
    fn fetch_last<B: Bus>(&mut self, bus: &mut B) -> u8 {
        let v = self.read_last(bus, self.pc);
        self.pc = self.pc.wrapping_add(1);
        v
    }

    #[inline(always)]
    fn push<B: Bus>(&mut self, bus: &mut B, value: u8) {
        self.write(bus, 0x0100 | self.s as u16, value);
        self.s = self.s.wrapping_sub(1);
    }

    // ---- effective addresses: every cycle except the final access -------------------

    #[inline(always)]
    fn ea_zp<B: Bus>(&mut self, bus: &mut B) -> u16 {
        self.fetch(bus) as u16
    }

    #[inline(always)]
    fn ea_zpi<B: Bus>(&mut self, bus: &mut B, index: u8) -> u16 {
        let base = self.fetch(bus);
        self.read(bus, base as u16);
        base.wrapping_add(index) as u16
    }

    #[inline(always)]
    fn ea_zpx<B: Bus>(&mut self, bus: &mut B) -> u16 {
        self.ea_zpi(bus, self.x)
    }

    #[inline(always)]
    fn ea_zpy<B: Bus>(&mut self, bus: &mut B) -> u16 {
        self.ea_zpi(bus, self.y)
    }

    #[inline(always)]
    fn ea_abs<B: Bus>(&mut self, bus: &mut B) -> u16 {
        let lo = self.fetch(bus);
        let hi = self.fetch(bus);
        u16::from_le_bytes([lo, hi])
    }

    /// Indexed: the dummy read of the un-fixed address happens on a page crossing, or
    /// always when `always` (writes and read-modify-writes).
    #[inline(always)]
    fn index<B: Bus>(&mut self, bus: &mut B, base: u16, index: u8, always: bool) -> u16 {
        let addr = base.wrapping_add(index as u16);
        if always || (addr ^ base) & 0xff00 != 0 {
            self.read(bus, (base & 0xff00) | (addr & 0x00ff));
        }
        addr
    }

    #[inline(always)]
    fn ea_abi<B: Bus>(&mut self, bus: &mut B, index: u8, always: bool) -> u16 {
        let base = self.ea_abs(bus);
        self.index(bus, base, index, always)
    }

    #[inline(always)]
    fn ea_abx<B: Bus>(&mut self, bus: &mut B) -> u16 {
        self.ea_abi(bus, self.x, false)
    }

    #[inline(always)]
    fn ea_aby<B: Bus>(&mut self, bus: &mut B) -> u16 {
        self.ea_abi(bus, self.y, false)
    }

    #[inline(always)]
    fn ea_abx_w<B: Bus>(&mut self, bus: &mut B) -> u16 {
        self.ea_abi(bus, self.x, true)
    }

    #[inline(always)]
    fn ea_aby_w<B: Bus>(&mut self, bus: &mut B) -> u16 {
        self.ea_abi(bus, self.y, true)
    }

    #[inline(always)]
    fn ea_izx<B: Bus>(&mut self, bus: &mut B) -> u16 {
        let zp = self.fetch(bus);
        self.read(bus, zp as u16);
        let ptr = zp.wrapping_add(self.x);
        let lo = self.read(bus, ptr as u16);
        let hi = self.read(bus, ptr.wrapping_add(1) as u16);
        u16::from_le_bytes([lo, hi])
    }

    #[inline(always)]
    fn pointer_zp<B: Bus>(&mut self, bus: &mut B) -> u16 {
        let zp = self.fetch(bus);
        let lo = self.read(bus, zp as u16);
        let hi = self.read(bus, zp.wrapping_add(1) as u16);
        u16::from_le_bytes([lo, hi])
    }

    #[inline(always)]
    fn ea_izy<B: Bus>(&mut self, bus: &mut B) -> u16 {
        let base = self.pointer_zp(bus);
        self.index(bus, base, self.y, false)
    }

    #[inline(always)]
    fn ea_izy_w<B: Bus>(&mut self, bus: &mut B) -> u16 {
        let base = self.pointer_zp(bus);
        self.index(bus, base, self.y, true)
    }

    // ---- operations -------------------------------------------------------------------

    #[inline(always)]
    fn set_nz(&mut self, v: u8) {
        self.p = (self.p & !(FLAG_N | FLAG_Z)) | (v & FLAG_N) | (((v == 0) as u8) << 1);
    }

    #[inline(always)]
    fn set_flag(&mut self, flag: u8, on: bool) {
        if on {
            self.p |= flag;
        } else {
            self.p &= !flag;
        }
    }

    #[inline(always)]
    fn carry(&self) -> u8 {
        self.p & FLAG_C
    }

    #[inline(always)]
    fn lda(&mut self, v: u8) {
        self.a = v;
        self.set_nz(v);
    }

    #[inline(always)]
    fn ldx(&mut self, v: u8) {
        self.x = v;
        self.set_nz(v);
    }

    #[inline(always)]
    fn ldy(&mut self, v: u8) {
        self.y = v;
        self.set_nz(v);
    }

    #[inline(always)]
    fn lax(&mut self, v: u8) {
        self.a = v;
        self.x = v;
        self.set_nz(v);
    }

    #[inline(always)]
    fn ora(&mut self, v: u8) {
        self.lda(self.a | v);
    }

    #[inline(always)]
    fn and(&mut self, v: u8) {
        self.lda(self.a & v);
    }

    #[inline(always)]
    fn eor(&mut self, v: u8) {
        self.lda(self.a ^ v);
    }

    #[inline(always)]
    fn nop(&mut self, _v: u8) {}

    #[inline(always)]
    fn bit(&mut self, v: u8) {
        self.p = (self.p & !(FLAG_N | FLAG_V | FLAG_Z))
            | (v & (FLAG_N | FLAG_V))
            | ((((self.a & v) == 0) as u8) << 1);
    }

    #[inline(always)]
    fn compare(&mut self, reg: u8, v: u8) {
        let r = reg.wrapping_sub(v);
        self.set_nz(r);
        self.set_flag(FLAG_C, reg >= v);
    }

    #[inline(always)]
    fn cmp(&mut self, v: u8) {
        self.compare(self.a, v);
    }

    #[inline(always)]
    fn cpx(&mut self, v: u8) {
        self.compare(self.x, v);
    }

    #[inline(always)]
    fn cpy(&mut self, v: u8) {
        self.compare(self.y, v);
    }

    #[inline(always)]
    fn adc(&mut self, v: u8) {
        if self.p & FLAG_D != 0 {
            self.adc_decimal(v);
        } else {
            let sum = self.a as u16 + v as u16 + self.carry() as u16;
            let r = sum as u8;
            self.set_flag(FLAG_V, (self.a ^ r) & (v ^ r) & 0x80 != 0);
            self.set_flag(FLAG_C, sum > 0xff);
            self.lda(r);
        }
    }

    /// NMOS decimal addition: Z from the binary sum, N and V from the intermediate result
    /// after the low-digit adjustment, C and A after the high-digit adjustment.
    fn adc_decimal(&mut self, v: u8) {
        let (a, b, c) = (self.a as u16, v as u16, self.carry() as u16);
        let binary = (a + b + c) as u8;
        let mut lo = (a & 0x0f) + (b & 0x0f) + c;
        if lo >= 0x0a {
            lo = ((lo + 0x06) & 0x0f) + 0x10;
        }
        let mut sum = (a & 0xf0) + (b & 0xf0) + lo;
        let n = sum as u8 & 0x80;
        let overflow = (a as u8 ^ sum as u8) & (b as u8 ^ sum as u8) & 0x80 != 0;
        if sum >= 0xa0 {
            sum += 0x60;
        }
        self.p = (self.p & !(FLAG_N | FLAG_Z | FLAG_V | FLAG_C))
            | n
            | (((binary == 0) as u8) << 1)
            | ((overflow as u8) << 6)
            | ((sum >= 0x100) as u8);
        self.a = sum as u8;
    }

    #[inline(always)]
    fn sbc(&mut self, v: u8) {
        let borrow = 1 - self.carry() as i16;
        let diff = self.a as i16 - v as i16 - borrow;
        let r = diff as u8;
        let overflow = (self.a ^ v) & (self.a ^ r) & 0x80 != 0;
        let result = if self.p & FLAG_D != 0 {
            let (a, b) = (self.a as i16, v as i16);
            let mut lo = (a & 0x0f) - (b & 0x0f) - borrow;
            if lo < 0 {
                lo = ((lo - 0x06) & 0x0f) - 0x10;
            }
            let mut d = (a & 0xf0) - (b & 0xf0) + lo;
            if d < 0 {
                d -= 0x60;
            }
            d as u8
        } else {
            r
        };
        self.set_nz(r);
        self.set_flag(FLAG_V, overflow);
        self.set_flag(FLAG_C, diff >= 0);
        self.a = result;
    }

    #[inline(always)]
    fn asl(&mut self, v: u8) -> u8 {
        self.set_flag(FLAG_C, v & 0x80 != 0);
        let r = v << 1;
        self.set_nz(r);
        r
    }

    #[inline(always)]
    fn lsr(&mut self, v: u8) -> u8 {
        self.set_flag(FLAG_C, v & 0x01 != 0);
        let r = v >> 1;
        self.set_nz(r);
        r
    }

    #[inline(always)]
    fn rol(&mut self, v: u8) -> u8 {
        let r = (v << 1) | self.carry();
        self.set_flag(FLAG_C, v & 0x80 != 0);
        self.set_nz(r);
        r
    }

    #[inline(always)]
    fn ror(&mut self, v: u8) -> u8 {
        let r = (v >> 1) | (self.carry() << 7);
        self.set_flag(FLAG_C, v & 0x01 != 0);
        self.set_nz(r);
        r
    }

    #[inline(always)]
    fn inc(&mut self, v: u8) -> u8 {
        let r = v.wrapping_add(1);
        self.set_nz(r);
        r
    }

    #[inline(always)]
    fn dec(&mut self, v: u8) -> u8 {
        let r = v.wrapping_sub(1);
        self.set_nz(r);
        r
    }

    #[inline(always)]
    fn slo(&mut self, v: u8) -> u8 {
        let r = self.asl(v);
        self.ora(r);
        r
    }

    #[inline(always)]
    fn rla(&mut self, v: u8) -> u8 {
        let r = self.rol(v);
        self.and(r);
        r
    }

    #[inline(always)]
    fn sre(&mut self, v: u8) -> u8 {
        let r = self.lsr(v);
        self.eor(r);
        r
    }

    #[inline(always)]
    fn rra(&mut self, v: u8) -> u8 {
        let r = self.ror(v);
        self.adc(r);
        r
    }

    #[inline(always)]
    fn dcp(&mut self, v: u8) -> u8 {
        let r = v.wrapping_sub(1);
        self.cmp(r);
        r
    }

    #[inline(always)]
    fn isc(&mut self, v: u8) -> u8 {
        let r = v.wrapping_add(1);
        self.sbc(r);
        r
    }

    fn anc(&mut self, v: u8) {
        self.and(v);
        self.set_flag(FLAG_C, self.a & 0x80 != 0);
    }

    fn alr(&mut self, v: u8) {
        let r = self.lsr(self.a & v);
        self.a = r;
    }

    fn arr(&mut self, v: u8) {
        let t = self.a & v;
        let r = (t >> 1) | (self.carry() << 7);
        self.set_nz(r);
        if self.p & FLAG_D == 0 {
            self.set_flag(FLAG_C, r & 0x40 != 0);
            self.set_flag(FLAG_V, ((r >> 6) ^ (r >> 5)) & 1 != 0);
            self.a = r;
        } else {
            self.set_flag(FLAG_V, (t ^ r) & 0x40 != 0);
            let mut a = r;
            if (t & 0x0f) + (t & 0x01) > 0x05 {
                a = (a & 0xf0) | (a.wrapping_add(0x06) & 0x0f);
            }
            let high_fix = (t as u16 & 0xf0) + (t as u16 & 0x10) > 0x50;
            self.set_flag(FLAG_C, high_fix);
            if high_fix {
                a = a.wrapping_add(0x60);
            }
            self.a = a;
        }
    }

    fn ane(&mut self, v: u8) {
        self.lda((self.a | self.ane_magic) & self.x & v);
    }

    fn lxa(&mut self, v: u8) {
        self.lax((self.a | self.lxa_magic) & v);
    }

    fn sbx(&mut self, v: u8) {
        let ax = self.a & self.x;
        self.set_flag(FLAG_C, ax >= v);
        self.ldx(ax.wrapping_sub(v));
    }

    fn las(&mut self, v: u8) {
        let r = v & self.s;
        self.s = r;
        self.lax(r);
    }

    // ---- instruction shapes -----------------------------------------------------------

    /// SHA/SHX/SHY/TAS store: `value & (H+1)` where H is the high byte of the base
    /// address; on a page crossing the stored value also replaces the high byte of the
    /// target address.
    #[inline(always)]
    fn store_high_and<B: Bus>(&mut self, bus: &mut B, base: u16, index: u8, value: u8) {
        let addr = self.index(bus, base, index, true);
        let v = value & ((base >> 8) as u8).wrapping_add(1);
        let target = if (addr ^ base) & 0xff00 != 0 {
            ((v as u16) << 8) | (addr & 0x00ff)
        } else {
            addr
        };
        self.write_last(bus, target, v);
    }

    #[inline(always)]
    fn branch<B: Bus>(&mut self, bus: &mut B, taken: bool) {
        let offset = self.fetch_last(bus) as i8;
        if taken {
            self.read(bus, self.pc);
            let target = self.pc.wrapping_add(offset as u16);
            if (target ^ self.pc) & 0xff00 != 0 {
                let wrong = (self.pc & 0xff00) | (target & 0x00ff);
                self.read_last(bus, wrong);
            }
            self.pc = target;
        }
    }

    /// The shared tail of BRK, IRQ and NMI: push PC and P, take the vector.
    #[inline(never)]
    fn interrupt<B: Bus>(&mut self, bus: &mut B, brk: bool) {
        if brk {
            self.fetch(bus);
        } else {
            self.read(bus, self.pc);
            self.read(bus, self.pc);
        }
        self.push(bus, (self.pc >> 8) as u8);
        self.push(bus, self.pc as u8);
        let vector = if self.nmi_latched {
            self.nmi_latched = false;
            VECTOR_NMI
        } else {
            VECTOR_IRQ
        };
        let flags = self.p | FLAG_U | if brk { FLAG_B } else { 0 };
        self.push(bus, flags);
        self.p |= FLAG_I;
        let lo = self.read(bus, vector);
        let hi = self.read(bus, vector + 1);
        self.pc = u16::from_le_bytes([lo, hi]);
        self.interrupt_due = false;
    }

    #[inline(always)]
    fn execute<B: Bus>(&mut self, bus: &mut B) {
        macro_rules! rd {
            (imm, $op:ident) => {{
                let v = self.fetch_last(bus);
                self.$op(v);
            }};
            ($ea:ident, $op:ident) => {{
                let addr = self.$ea(bus);
                let v = self.read_last(bus, addr);
                self.$op(v);
            }};
        }
        macro_rules! wr {
            ($ea:ident, $value:expr) => {{
                let addr = self.$ea(bus);
                let v = $value;
                self.write_last(bus, addr, v);
            }};
        }
        macro_rules! rmw {
            ($ea:ident, $op:ident) => {{
                let addr = self.$ea(bus);
                let v = self.read(bus, addr);
                self.write(bus, addr, v);
                let r = self.$op(v);
                self.write_last(bus, addr, r);
            }};
        }
        macro_rules! acc {
            ($op:ident) => {{
                self.read_last(bus, self.pc);
                self.a = self.$op(self.a);
            }};
        }
        macro_rules! implied {
            ($($body:tt)*) => {{
                self.read_last(bus, self.pc);
                $($body)*
            }};
        }

        let pc = self.pc;
        let opcode = self.fetch(bus);
        match opcode {
            // ---- loads, stores, transfers
            0xa9 => rd!(imm, lda),
            0xa5 => rd!(ea_zp, lda),
            0xb5 => rd!(ea_zpx, lda),
            0xad => rd!(ea_abs, lda),
            0xbd => rd!(ea_abx, lda),
            0xb9 => rd!(ea_aby, lda),
            0xa1 => rd!(ea_izx, lda),
            0xb1 => rd!(ea_izy, lda),
            0xa2 => rd!(imm, ldx),
            0xa6 => rd!(ea_zp, ldx),
            0xb6 => rd!(ea_zpy, ldx),
            0xae => rd!(ea_abs, ldx),
            0xbe => rd!(ea_aby, ldx),
            0xa0 => rd!(imm, ldy),
            0xa4 => rd!(ea_zp, ldy),
            0xb4 => rd!(ea_zpx, ldy),
            0xac => rd!(ea_abs, ldy),
            0xbc => rd!(ea_abx, ldy),
            0x85 => wr!(ea_zp, self.a),
            0x95 => wr!(ea_zpx, self.a),
            0x8d => wr!(ea_abs, self.a),
            0x9d => wr!(ea_abx_w, self.a),
            0x99 => wr!(ea_aby_w, self.a),
            0x81 => wr!(ea_izx, self.a),
            0x91 => wr!(ea_izy_w, self.a),
            0x86 => wr!(ea_zp, self.x),
            0x96 => wr!(ea_zpy, self.x),
            0x8e => wr!(ea_abs, self.x),
            0x84 => wr!(ea_zp, self.y),
            0x94 => wr!(ea_zpx, self.y),
            0x8c => wr!(ea_abs, self.y),
            0xaa => implied!(self.ldx(self.a)),
            0xa8 => implied!(self.ldy(self.a)),
            0x8a => implied!(self.lda(self.x)),
            0x98 => implied!(self.lda(self.y)),
            0xba => implied!(self.ldx(self.s)),
            0x9a => implied!(self.s = self.x),

            // ---- logic and arithmetic
            0x09 => rd!(imm, ora),
            0x05 => rd!(ea_zp, ora),
            0x15 => rd!(ea_zpx, ora),
            0x0d => rd!(ea_abs, ora),
            0x1d => rd!(ea_abx, ora),
            0x19 => rd!(ea_aby, ora),
            0x01 => rd!(ea_izx, ora),
            0x11 => rd!(ea_izy, ora),
            0x29 => rd!(imm, and),
            0x25 => rd!(ea_zp, and),
            0x35 => rd!(ea_zpx, and),
            0x2d => rd!(ea_abs, and),
            0x3d => rd!(ea_abx, and),
            0x39 => rd!(ea_aby, and),
            0x21 => rd!(ea_izx, and),
            0x31 => rd!(ea_izy, and),
            0x49 => rd!(imm, eor),
            0x45 => rd!(ea_zp, eor),
            0x55 => rd!(ea_zpx, eor),
            0x4d => rd!(ea_abs, eor),
            0x5d => rd!(ea_abx, eor),
            0x59 => rd!(ea_aby, eor),
            0x41 => rd!(ea_izx, eor),
            0x51 => rd!(ea_izy, eor),
            0x69 => rd!(imm, adc),
            0x65 => rd!(ea_zp, adc),
            0x75 => rd!(ea_zpx, adc),
            0x6d => rd!(ea_abs, adc),
            0x7d => rd!(ea_abx, adc),
            0x79 => rd!(ea_aby, adc),
            0x61 => rd!(ea_izx, adc),
            0x71 => rd!(ea_izy, adc),
            0xe9 | 0xeb => rd!(imm, sbc),
            0xe5 => rd!(ea_zp, sbc),
            0xf5 => rd!(ea_zpx, sbc),
            0xed => rd!(ea_abs, sbc),
            0xfd => rd!(ea_abx, sbc),
            0xf9 => rd!(ea_aby, sbc),
            0xe1 => rd!(ea_izx, sbc),
            0xf1 => rd!(ea_izy, sbc),
            0xc9 => rd!(imm, cmp),
            0xc5 => rd!(ea_zp, cmp),
            0xd5 => rd!(ea_zpx, cmp),
            0xcd => rd!(ea_abs, cmp),
            0xdd => rd!(ea_abx, cmp),
            0xd9 => rd!(ea_aby, cmp),
            0xc1 => rd!(ea_izx, cmp),
            0xd1 => rd!(ea_izy, cmp),
            0xe0 => rd!(imm, cpx),
            0xe4 => rd!(ea_zp, cpx),
            0xec => rd!(ea_abs, cpx),
            0xc0 => rd!(imm, cpy),
            0xc4 => rd!(ea_zp, cpy),
            0xcc => rd!(ea_abs, cpy),
            0x24 => rd!(ea_zp, bit),
            0x2c => rd!(ea_abs, bit),

            // ---- shifts, increments
            0x0a => acc!(asl),
            0x06 => rmw!(ea_zp, asl),
            0x16 => rmw!(ea_zpx, asl),
            0x0e => rmw!(ea_abs, asl),
            0x1e => rmw!(ea_abx_w, asl),
            0x4a => acc!(lsr),
            0x46 => rmw!(ea_zp, lsr),
            0x56 => rmw!(ea_zpx, lsr),
            0x4e => rmw!(ea_abs, lsr),
            0x5e => rmw!(ea_abx_w, lsr),
            0x2a => acc!(rol),
            0x26 => rmw!(ea_zp, rol),
            0x36 => rmw!(ea_zpx, rol),
            0x2e => rmw!(ea_abs, rol),
            0x3e => rmw!(ea_abx_w, rol),
            0x6a => acc!(ror),
            0x66 => rmw!(ea_zp, ror),
            0x76 => rmw!(ea_zpx, ror),
            0x6e => rmw!(ea_abs, ror),
            0x7e => rmw!(ea_abx_w, ror),
            0xe6 => rmw!(ea_zp, inc),
            0xf6 => rmw!(ea_zpx, inc),
            0xee => rmw!(ea_abs, inc),
            0xfe => rmw!(ea_abx_w, inc),
            0xc6 => rmw!(ea_zp, dec),
            0xd6 => rmw!(ea_zpx, dec),
            0xce => rmw!(ea_abs, dec),
            0xde => rmw!(ea_abx_w, dec),
            0xe8 => implied!(self.x = self.inc(self.x)),
            0xc8 => implied!(self.y = self.inc(self.y)),
            0xca => implied!(self.x = self.dec(self.x)),
            0x88 => implied!(self.y = self.dec(self.y)),

            // ---- flags
            0x18 => implied!(self.p &= !FLAG_C),
            0x38 => implied!(self.p |= FLAG_C),
            0x58 => implied!(self.p &= !FLAG_I),
            0x78 => implied!(self.p |= FLAG_I),
            0xd8 => implied!(self.p &= !FLAG_D),
            0xf8 => implied!(self.p |= FLAG_D),
            0xb8 => implied!(self.p &= !FLAG_V),

            // ---- stack
            0x48 => {
                self.read(bus, self.pc);
                self.poll(bus);
                self.push(bus, self.a);
            }
            0x08 => {
                self.read(bus, self.pc);
                self.poll(bus);
                self.push(bus, self.p | FLAG_B | FLAG_U);
            }
            0x68 => {
                self.read(bus, self.pc);
                self.read(bus, 0x0100 | self.s as u16);
                self.s = self.s.wrapping_add(1);
                let v = self.read_last(bus, 0x0100 | self.s as u16);
                self.lda(v);
            }
            0x28 => {
                self.read(bus, self.pc);
                self.read(bus, 0x0100 | self.s as u16);
                self.s = self.s.wrapping_add(1);
                let v = self.read_last(bus, 0x0100 | self.s as u16);
                self.p = (v & !FLAG_B) | FLAG_U;
            }

            // ---- jumps and calls
            0x4c => {
                let lo = self.fetch(bus);
                let hi = self.read_last(bus, self.pc);
                self.pc = u16::from_le_bytes([lo, hi]);
            }
            0x6c => {
                let ptr = self.ea_abs(bus);
                let lo = self.read(bus, ptr);
                let hi = self.read_last(bus, (ptr & 0xff00) | (ptr.wrapping_add(1) & 0x00ff));
                self.pc = u16::from_le_bytes([lo, hi]);
            }
            0x20 => {
                let lo = self.fetch(bus);
                self.read(bus, 0x0100 | self.s as u16);
                self.push(bus, (self.pc >> 8) as u8);
                self.push(bus, self.pc as u8);
                let hi = self.read_last(bus, self.pc);
                self.pc = u16::from_le_bytes([lo, hi]);
            }
            0x60 => {
                self.read(bus, self.pc);
                self.read(bus, 0x0100 | self.s as u16);
                self.s = self.s.wrapping_add(1);
                let lo = self.read(bus, 0x0100 | self.s as u16);
                self.s = self.s.wrapping_add(1);
                let hi = self.read(bus, 0x0100 | self.s as u16);
                let ret = u16::from_le_bytes([lo, hi]);
                self.read_last(bus, ret);
                self.pc = ret.wrapping_add(1);
            }
            0x40 => {
                self.read(bus, self.pc);
                self.read(bus, 0x0100 | self.s as u16);
                self.s = self.s.wrapping_add(1);
                let p = self.read(bus, 0x0100 | self.s as u16);
                self.p = (p & !FLAG_B) | FLAG_U;
                self.s = self.s.wrapping_add(1);
                let lo = self.read(bus, 0x0100 | self.s as u16);
                self.s = self.s.wrapping_add(1);
                let hi = self.read_last(bus, 0x0100 | self.s as u16);
                self.pc = u16::from_le_bytes([lo, hi]);
            }
            0x00 => self.interrupt(bus, true),

            // ---- branches
            0x10 => self.branch(bus, self.p & FLAG_N == 0),
            0x30 => self.branch(bus, self.p & FLAG_N != 0),
            0x50 => self.branch(bus, self.p & FLAG_V == 0),
            0x70 => self.branch(bus, self.p & FLAG_V != 0),
            0x90 => self.branch(bus, self.p & FLAG_C == 0),
            0xb0 => self.branch(bus, self.p & FLAG_C != 0),
            0xd0 => self.branch(bus, self.p & FLAG_Z == 0),
            0xf0 => self.branch(bus, self.p & FLAG_Z != 0),

            // ---- NOPs
            0xea | 0x1a | 0x3a | 0x5a | 0x7a | 0xda | 0xfa => implied!(),
            0x80 | 0x82 | 0x89 | 0xc2 | 0xe2 => rd!(imm, nop),
            0x04 | 0x44 | 0x64 => rd!(ea_zp, nop),
            0x14 | 0x34 | 0x54 | 0x74 | 0xd4 | 0xf4 => rd!(ea_zpx, nop),
            0x0c => rd!(ea_abs, nop),
            0x1c | 0x3c | 0x5c | 0x7c | 0xdc | 0xfc => rd!(ea_abx, nop),

            // ---- stable undocumented read-modify-write combinations
            0x07 => rmw!(ea_zp, slo),
            0x17 => rmw!(ea_zpx, slo),
            0x0f => rmw!(ea_abs, slo),
            0x1f => rmw!(ea_abx_w, slo),
            0x1b => rmw!(ea_aby_w, slo),
            0x03 => rmw!(ea_izx, slo),
            0x13 => rmw!(ea_izy_w, slo),
            0x27 => rmw!(ea_zp, rla),
            0x37 => rmw!(ea_zpx, rla),
            0x2f => rmw!(ea_abs, rla),
            0x3f => rmw!(ea_abx_w, rla),
            0x3b => rmw!(ea_aby_w, rla),
            0x23 => rmw!(ea_izx, rla),
            0x33 => rmw!(ea_izy_w, rla),
            0x47 => rmw!(ea_zp, sre),
            0x57 => rmw!(ea_zpx, sre),
            0x4f => rmw!(ea_abs, sre),
            0x5f => rmw!(ea_abx_w, sre),
            0x5b => rmw!(ea_aby_w, sre),
            0x43 => rmw!(ea_izx, sre),
            0x53 => rmw!(ea_izy_w, sre),
            0x67 => rmw!(ea_zp, rra),
            0x77 => rmw!(ea_zpx, rra),
            0x6f => rmw!(ea_abs, rra),
            0x7f => rmw!(ea_abx_w, rra),
            0x7b => rmw!(ea_aby_w, rra),
            0x63 => rmw!(ea_izx, rra),
            0x73 => rmw!(ea_izy_w, rra),
            0xc7 => rmw!(ea_zp, dcp),
            0xd7 => rmw!(ea_zpx, dcp),
            0xcf => rmw!(ea_abs, dcp),
            0xdf => rmw!(ea_abx_w, dcp),
            0xdb => rmw!(ea_aby_w, dcp),
            0xc3 => rmw!(ea_izx, dcp),
            0xd3 => rmw!(ea_izy_w, dcp),
            0xe7 => rmw!(ea_zp, isc),
            0xf7 => rmw!(ea_zpx, isc),
            0xef => rmw!(ea_abs, isc),
            0xff => rmw!(ea_abx_w, isc),
            0xfb => rmw!(ea_aby_w, isc),
            0xe3 => rmw!(ea_izx, isc),
            0xf3 => rmw!(ea_izy_w, isc),

            // ---- stable undocumented loads, stores and immediates
            0x87 => wr!(ea_zp, self.a & self.x),
            0x97 => wr!(ea_zpy, self.a & self.x),
            0x8f => wr!(ea_abs, self.a & self.x),
            0x83 => wr!(ea_izx, self.a & self.x),
            0xa7 => rd!(ea_zp, lax),
            0xb7 => rd!(ea_zpy, lax),
            0xaf => rd!(ea_abs, lax),
            0xbf => rd!(ea_aby, lax),
            0xa3 => rd!(ea_izx, lax),
            0xb3 => rd!(ea_izy, lax),
            0x0b | 0x2b => rd!(imm, anc),
            0x4b => rd!(imm, alr),
            0x6b => rd!(imm, arr),
            0xcb => rd!(imm, sbx),

            // ---- unstable ones
            0x8b => rd!(imm, ane),
            0xab => rd!(imm, lxa),
            0xbb => rd!(ea_aby, las),
            0x93 => {
                let base = self.pointer_zp(bus);
                self.store_high_and(bus, base, self.y, self.a & self.x);
            }
            0x9f => {
                let base = self.ea_abs(bus);
                self.store_high_and(bus, base, self.y, self.a & self.x);
            }
            0x9e => {
                let base = self.ea_abs(bus);
                self.store_high_and(bus, base, self.y, self.x);
            }
            0x9c => {
                let base = self.ea_abs(bus);
                self.store_high_and(bus, base, self.x, self.y);
            }
            0x9b => {
                let base = self.ea_abs(bus);
                self.s = self.a & self.x;
                self.store_high_and(bus, base, self.y, self.s);
            }

            // ---- JAM
            0x02 | 0x12 | 0x22 | 0x32 | 0x42 | 0x52 | 0x62 | 0x72 | 0x92 | 0xb2 | 0xd2 | 0xf2 => {
                self.read(bus, self.pc);
                self.jam = Some((opcode, pc));
            }
        }
    }
}
