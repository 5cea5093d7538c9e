//! The whole machine: the 6510 on its [`Board`].

use heirloom_6502::{Bus, Cpu, FLAG_I};
use heirloom_shell::{Framebuffer, StateError, StateReader, StateWriter, Stop};
use heirloom_vic2::{Palette, SCREEN_HEIGHT, SCREEN_WIDTH};

use crate::board::Board;
use crate::cpu_port::CpuPort;
use crate::drive::{DosStatus, DriveBacking, DriveError, Drives};
use crate::media::t64::Tape;
use crate::open_rom::tape::Datasette;
use crate::open_rom::{self, TrapContext};
use crate::pla::Region;
use crate::roms::RomSet;
use crate::screen_text::screen_to_text;

/// The constant this C64's 6510 ORs into A in the unstable `ANE` and `LXA` opcodes.
pub const C64_MAGIC: u8 = 0xee;

/// A PAL C64: CPU, memory and chips, stepped one video frame at a time.
#[derive(Clone)]
pub struct Machine {
    /// The 6510's processor core.
    pub cpu: Cpu,
    /// Everything on its bus.
    pub board: Board,
    /// The disk drives on the serial bus (devices 8–11).
    drives: Drives,
    /// The datasette on the cassette port (device 1).
    pub(crate) datasette: Datasette,
    /// Cycles the open ROM's traps charged and the machine has still to spend, innermost
    /// last: each with the address the CPU continues at once they are spent.
    trap_debts: Vec<TrapDebt>,
    /// The machine cycle count at which the run stops (see
    /// [`set_cycle_limit`](Self::set_cycle_limit)); a run setting, not machine state.
    cycle_limit: Option<u64>,
}

/// Time a trap charged for the 6502 routine it stands for, still to run out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct TrapDebt {
    /// Where the CPU continues after the routine.
    pc: u16,
    /// Cycles left.
    cycles: u64,
}

/// How many unfinished trap debts are kept (an interrupt handler that never returns to
/// the routine it interrupted abandons that routine's debt).
const MAX_TRAP_DEBTS: usize = 8;

impl Machine {
    /// A machine with `roms`, switched on: the CPU has run its reset sequence.
    pub fn new(roms: RomSet) -> Self {
        let mut cpu = Cpu::new();
        // The unstable ANE's "magic" ORed into A varies from chip to chip; Lorenz's trap
        // tests, recorded on a real C64, need $EE, like LXA.
        cpu.ane_magic = C64_MAGIC;
        cpu.lxa_magic = C64_MAGIC;
        let mut machine = Self {
            cpu,
            board: Board::new(roms),
            drives: Drives::default(),
            datasette: Datasette::default(),
            trap_debts: Vec::new(),
            cycle_limit: None,
        };
        machine.cpu.reset(&mut machine.board);
        machine
    }

    /// Presses the reset button. The reset line reaches the CPU, its I/O port and both
    /// CIAs; RAM, colour RAM and the VIC-II (which has no reset pin) keep their state.
    pub fn soft_reset(&mut self) {
        self.board.cia1.reset();
        self.board.cia2.reset();
        self.board.port = CpuPort::new();
        self.board.restore_derived_state();
        self.board.exit_code = None;
        self.trap_debts.clear();
        self.cpu.reset(&mut self.board);
        // The serial bus's reset line resets the drives too.
        self.drives.reset();
    }

    /// Switches the power off and on. The drives keep their disks and start afresh; the
    /// datasette keeps its tape where it is. The cycle count starts again from zero, under
    /// the same cycle limit.
    pub fn hard_reset(&mut self) {
        let (debug_cart, sound) = (self.board.debug_cart, self.board.sound);
        let cycle_limit = self.cycle_limit;
        let mut drives = std::mem::take(&mut self.drives);
        drives.reset();
        let datasette = std::mem::take(&mut self.datasette);
        *self = Self::new(self.board.roms.clone());
        self.board.debug_cart = debug_cart;
        self.board.sound = sound;
        self.drives = drives;
        self.datasette = datasette;
        self.cycle_limit = cycle_limit;
    }

    /// Stops the run once `limit` machine cycles have passed since power-on (the last
    /// hard reset), as VICE's `-limitcycles` does; `None` runs without limit.
    ///
    /// The count is [`Board::cycles`]: every cycle the chips are clocked, the cycles the
    /// open ROM's traps charge included as they are spent. The machine stops at the first
    /// point at or after `limit` where it can: inside the time a trap charged (exactly at
    /// `limit`) or between two instructions. An instruction is never cut short (the CPU
    /// holds no state between its cycles): one under way when the count reaches `limit`
    /// is finished, as is the one that runs at once when a trap's time runs out, so the
    /// count ends at `limit` or at most one instruction past it. From then on
    /// [`run_frame`](Self::run_frame) runs nothing (a soft reset does not restart the
    /// count; a hard reset does).
    ///
    /// The limit is a setting of the run, not part of save states: a state loaded keeps
    /// the limit set, and since the state carries the machine's own count, a state saved
    /// at or past the limit loads stopped and runs no further cycle.
    pub fn set_cycle_limit(&mut self, limit: Option<u64>) {
        self.cycle_limit = limit;
    }

    /// The cycle limit set with [`set_cycle_limit`](Self::set_cycle_limit).
    pub fn cycle_limit(&self) -> Option<u64> {
        self.cycle_limit
    }

    /// Why the machine has stopped, once it has: the debug cartridge's exit code (which
    /// wins when both happen in one instruction), or the cycle limit reached.
    pub fn stopped(&self) -> Option<Stop> {
        if let Some(code) = self.board.exit_code {
            return Some(Stop::Exit(code));
        }
        self.cycle_limit
            .filter(|&limit| self.board.cycles >= limit)
            .map(|cycles| Stop::CycleLimit { cycles })
    }

    /// Attaches `backing` (a `.d64` image or a host folder) to disk drive `device`
    /// (8–11), switching the drive on: its status is `73,<banner>` and no file is open.
    /// A drive already there is replaced. Without a backing a device is absent, and the
    /// KERNAL answers "device not present" as on a C64 with nothing on its serial bus.
    pub fn attach_drive(&mut self, device: u8, backing: DriveBacking) -> Result<(), DriveError> {
        self.drives.attach(device, backing)
    }

    /// Detaches the drive at `device`, returning its backing (with the changes made to an
    /// in-memory image), if one was attached. Files still open on it are dropped.
    pub fn detach_drive(&mut self, device: u8) -> Option<DriveBacking> {
        self.drives.detach(device)
    }

    /// The disk in the drive at `device` (an in-memory image with the changes made so
    /// far), if one is attached.
    pub fn drive_backing(&self, device: u8) -> Option<&DriveBacking> {
        self.drives.drive(device).map(|drive| drive.backing())
    }

    /// Puts `tape` into the datasette on device 1, rewound, with its keys up: the open
    /// ROM's LOAD and VERIFY from device 1 read it (the first asks to press PLAY). A tape
    /// already there is replaced. Without a tape, device 1 is "device not present".
    pub fn attach_tape(&mut self, tape: Tape) {
        self.datasette.insert(tape);
    }

    /// Takes the tape out of the datasette, if there is one.
    pub fn detach_tape(&mut self) -> Option<Tape> {
        self.datasette.eject()
    }

    /// The DOS status of the drive at `device` (what channel 15 would read), if one is
    /// attached.
    pub fn drive_status(&self, device: u8) -> Option<DosStatus> {
        self.drives.drive(device).map(|drive| drive.status())
    }

    /// Runs until the VIC-II completes a frame (the instruction under way when it does is
    /// finished), or until the machine [stops](Self::stopped): a program writes the debug
    /// cartridge's exit code or the cycle limit is reached. A stopped machine runs nothing.
    pub fn run_frame(&mut self) {
        self.board.refresh_inputs();
        self.board.frame_complete = false;
        let limit = self.cycle_limit.unwrap_or(u64::MAX);
        while !self.board.frame_complete
            && self.board.exit_code.is_none()
            && self.board.cycles < limit
        {
            self.step();
        }
    }

    /// Runs one instruction (or interrupt sequence), after the open ROM's trap at the
    /// program counter if there is one; returns the cycles it took.
    pub fn step(&mut self) -> u64 {
        let start = self.cpu.cycles;
        if !self.pay_trap_debt() {
            let charged = self.board.roms.is_open_rom() && self.run_trap();
            if !charged {
                self.cpu.step(&mut self.board);
            }
        }
        self.cpu.cycles - start
    }

    /// Spends the cycles the innermost trap charged, when the CPU is where that routine
    /// continues, until they run out (then the instruction there runs at once, as it
    /// would after the routine), the frame ends, the cycle limit is reached, or an
    /// interrupt comes due. The routine a trap stands for runs with interrupts enabled on
    /// a C64, so an interrupt is taken in its middle (the CPU pushes the address it
    /// continues at) and the rest is spent when the handler returns. Whether anything was
    /// spent.
    fn pay_trap_debt(&mut self) -> bool {
        let limit = self.cycle_limit.unwrap_or(u64::MAX);
        let Some(debt) = self.trap_debts.last_mut() else {
            return false;
        };
        if debt.pc != self.cpu.pc || self.cpu.interrupt_due {
            return false;
        }
        while debt.cycles > 0 {
            self.board.begin_cycle();
            self.cpu.cycles += 1;
            debt.cycles -= 1;
            if debt.cycles > 0 && self.cpu.p & FLAG_I == 0 && self.board.irq() {
                self.cpu.interrupt_due = true;
                break;
            }
            if self.board.frame_complete || self.board.cycles >= limit {
                break;
            }
        }
        if debt.cycles == 0 {
            self.trap_debts.pop();
            self.cpu.step(&mut self.board);
        }
        true
    }

    /// Runs the open ROM's trap at the CPU's program counter, if one is there and the ROM
    /// is banked in at that address, and records the cycles it charged as a debt that
    /// [`pay_trap_debt`](Self::pay_trap_debt) spends before the instruction at the trap's
    /// label (or wherever the trap sends the CPU) runs. Whether it charged any.
    fn run_trap(&mut self) -> bool {
        let pc = self.cpu.pc;
        if pc < 0xa000 || self.cpu.interrupt_due || self.cpu.jammed() {
            return false;
        }
        if !matches!(self.board.region(pc), Region::Basic | Region::Kernal) {
            return false;
        }
        let Some(handler) = open_rom::trap_at(pc) else {
            return false;
        };

        let mut context = TrapContext {
            cpu: &mut self.cpu,
            board: &mut self.board,
            drives: &mut self.drives,
            datasette: &mut self.datasette,
            cycles: 0,
        };
        handler(&mut context);
        let cycles = context.cycles;
        if cycles > 0 {
            if self.trap_debts.len() == MAX_TRAP_DEBTS {
                self.trap_debts.remove(0);
            }
            self.trap_debts.push(TrapDebt {
                pc: self.cpu.pc,
                cycles,
            });
        }
        cycles > 0
    }

    /// Draws the last frame into `video` (resized to [`frame_size`](Self::frame_size))
    /// with `palette`.
    pub fn draw_frame(&self, palette: Palette, video: &mut Framebuffer) {
        let (width, height) = Self::frame_size();
        video.resize(width, height);
        let indexes = self.board.vic.framebuffer().chunks_exact(width as usize);
        for (y, row) in indexes.enumerate() {
            palette.to_rgba(row, video.row_mut(y as u32));
        }
    }

    /// The size of a frame in pixels.
    pub const fn frame_size() -> (u32, u32) {
        (SCREEN_WIDTH as u32, SCREEN_HEIGHT as u32)
    }

    /// The 40×25 text screen the VIC-II shows, read from its video matrix (see
    /// [`screen_to_text`]).
    pub fn screen_text(&self) -> String {
        let d018 = self.board.vic.peek(0x18);
        let matrix_base = usize::from(self.board.vic_bank()) << 14 | usize::from(d018 >> 4) << 10;
        let matrix: Vec<u8> = (0..1000)
            .map(|i| self.board.ram[(matrix_base + i) & 0xffff])
            .collect();
        screen_to_text(&matrix, d018 & 0x02 != 0)
    }

    /// Appends the machine's whole state (CPU, RAM, colour RAM, port, chips, input lines,
    /// counters) to `out`.
    pub fn save(&self, out: &mut StateWriter) {
        let cpu = &self.cpu;
        out.u8(cpu.a)
            .u8(cpu.x)
            .u8(cpu.y)
            .u8(cpu.s)
            .u8(cpu.p)
            .u16(cpu.pc)
            .u64(cpu.cycles);
        out.bool(cpu.nmi_level)
            .bool(cpu.nmi_latched)
            .bool(cpu.interrupt_due);
        match cpu.jam {
            Some((opcode, pc)) => out.bool(true).u8(opcode).u16(pc),
            None => out.bool(false).u8(0).u16(0),
        };
        out.u8(cpu.ane_magic).u8(cpu.lxa_magic);

        let board = &self.board;
        for image in [&board.roms.kernal, &board.roms.basic, &board.roms.chargen] {
            out.u32(crc32fast::hash(image));
        }
        out.bytes(&board.ram[..]).bytes(&board.color_ram[..]);
        board.port.save(out);
        board.vic.save(out);
        board.cia1.save(out);
        board.cia2.save(out);
        board.sid.save(out);
        out.u64(board.cycles)
            .bool(board.frame_complete)
            .bool(board.debug_cart);
        self.drives.save(out);
        out.u8(self.trap_debts.len() as u8);
        for debt in &self.trap_debts {
            out.u16(debt.pc).u64(debt.cycles);
        }
    }

    /// Reads a machine written by [`save`](Self::save) into a new machine with the same
    /// ROMs, drive backings and datasette as `self` (the disks and the tape are media, not
    /// state: the drives' status and open files are restored onto them, the tape stays as
    /// it is) and cycle limit as `self`; `self` is not touched.
    pub fn load(&self, input: &mut StateReader<'_>) -> Result<Self, StateError> {
        let mut cpu = Cpu::new();
        (cpu.a, cpu.x, cpu.y, cpu.s, cpu.p) = (
            input.u8()?,
            input.u8()?,
            input.u8()?,
            input.u8()?,
            input.u8()?,
        );
        cpu.pc = input.u16()?;
        cpu.cycles = input.u64()?;
        (cpu.nmi_level, cpu.nmi_latched, cpu.interrupt_due) =
            (input.bool()?, input.bool()?, input.bool()?);
        let (jammed, opcode, pc) = (input.bool()?, input.u8()?, input.u16()?);
        cpu.jam = jammed.then_some((opcode, pc));
        (cpu.ane_magic, cpu.lxa_magic) = (input.u8()?, input.u8()?);

        let mut board = Board::new(self.board.roms.clone());
        // Whether sound is on is the user's choice, not the machine's state.
        board.sound = self.board.sound;
        for image in [&board.roms.kernal, &board.roms.basic, &board.roms.chargen] {
            if input.u32()? != crc32fast::hash(image) {
                return Err(StateError::Payload(
                    "the state was made with other ROM images".into(),
                ));
            }
        }
        input.read_into(&mut board.ram[..])?;
        input.read_into(&mut board.color_ram[..])?;
        board.port = CpuPort::load(input)?;
        board.vic = heirloom_vic2::Vic::load(input)?;
        board.cia1 = heirloom_cia::Cia::load(input)?;
        board.cia2 = heirloom_cia::Cia::load(input)?;
        board.sid = heirloom_sid::Sid::load(input)?;
        board.cycles = input.u64()?;
        board.frame_complete = input.bool()?;
        board.debug_cart = input.bool()?;
        board.restore_derived_state();
        let mut drives = self.drives.clone();
        drives.load(input)?;
        let count = usize::from(input.u8()?);
        if count > MAX_TRAP_DEBTS {
            return Err(StateError::Payload(format!(
                "{count} unfinished ROM routines (at most {MAX_TRAP_DEBTS})"
            )));
        }
        let trap_debts = (0..count)
            .map(|_| {
                Ok(TrapDebt {
                    pc: input.u16()?,
                    cycles: input.u64()?,
                })
            })
            .collect::<Result<_, StateError>>()?;
        Ok(Self {
            cpu,
            board,
            drives,
            datasette: self.datasette.clone(),
            trap_debts,
            cycle_limit: self.cycle_limit,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_stops_the_machine_inside_a_routine_s_charged_time_to_the_cycle() {
        let mut machine = Machine::new(RomSet::open_rom());
        // Boot until a trap has charged time that the CPU is about to spend.
        let mut steps = 0;
        let left = loop {
            machine.step();
            steps += 1;
            assert!(steps < 5_000_000, "no trap charged any time");
            if let Some(debt) = machine.trap_debts.last()
                && debt.pc == machine.cpu.pc
                && debt.cycles > 10
                && !machine.cpu.interrupt_due
            {
                break debt.cycles;
            }
        };
        let limit = machine.board.cycles + 3;
        machine.set_cycle_limit(Some(limit));
        machine.run_frame();
        assert_eq!(machine.board.cycles, limit);
        assert_eq!(machine.cpu.cycles, limit);
        assert_eq!(machine.trap_debts.last().map(|d| d.cycles), Some(left - 3));
        assert_eq!(machine.stopped(), Some(Stop::CycleLimit { cycles: limit }));
    }
}
