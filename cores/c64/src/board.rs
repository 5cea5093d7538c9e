//! Everything on the 6510's bus: RAM, ROMs, colour RAM, the I/O port, the PLA, the VIC-II
//! and the two CIAs, clocked once per CPU cycle.
//!
//! Each bus access of the CPU is one cycle. The cycle begins by clocking the chips (the
//! VIC-II first, which decides BA and does its own memory accesses, then both CIAs); then
//! the CPU's read or write takes place. Before a read the CPU asks [`Bus::stall`]: that
//! clocks the chips for the coming cycle and answers whether the VIC-II holds BA low, in
//! which case the cycle is spent halted; otherwise the read that follows uses that same
//! cycle.

use heirloom_6502::Bus;
use heirloom_cia::Cia;
use heirloom_sid::Sid;
use heirloom_vic2::{CLOCK_HZ, Vic, VicMemory};

use crate::cartridge::Cartridge;
use crate::cpu_port::CpuPort;
use crate::keyboard::KeyMatrix;
use crate::pla::{self, BankingLines, CpuMap, Region, VicRegion};
use crate::ports::{self, PotLine};
use crate::roms::RomSet;

/// Power-line frequency feeding both CIAs' TOD pins on a PAL machine.
const TOD_HZ: u64 = 50;

/// The SID's POT measuring period in cycles: it latches POTX/POTY once per period.
pub const POT_PERIOD: u64 = 512;

/// The debug cartridge register (as in VICE): a write ends the run with the value as its
/// exit status.
pub const DEBUG_CART_ADDRESS: u16 = 0xd7ff;

/// The machine without its CPU.
#[derive(Clone)]
pub struct Board {
    /// The 64 KiB of RAM.
    pub ram: Box<[u8; 0x10000]>,
    /// Colour RAM: 1024 nibbles, kept in the low 4 bits.
    pub color_ram: Box<[u8; 0x400]>,
    /// The ROM images in use.
    pub roms: RomSet,
    /// The 6510's I/O port.
    pub port: CpuPort,
    /// The CPU's current memory map, derived from the port and the cartridge lines.
    map: CpuMap,
    /// The video chip.
    pub vic: Vic,
    /// CIA 1: keyboard, joysticks, IRQ.
    pub cia1: Cia,
    /// CIA 2: VIC bank, serial bus, NMI.
    pub cia2: Cia,
    /// The sound chip.
    pub sid: Sid,
    /// Whether the SID is emulated. Off (as VICE's "sound off"), it is not clocked: its
    /// registers still take writes, but it makes no sound and its oscillator and envelope
    /// read-back stand still; the machine runs faster.
    pub sound: bool,
    /// The keys held down.
    pub keys: KeyMatrix,
    /// Joystick lines pulled low, port 1 (on CIA 1 port B) and port 2 (on port A):
    /// bits up, down, left, right, fire.
    pub joysticks: [u8; 2],
    /// The POTX and POTY lines of control ports 1 and 2, as their devices present them
    /// (see [`ports`]); the SID latches the selected port's every
    /// [`POT_PERIOD`] cycles.
    pub pots: [[PotLine; 2]; 2],
    /// RESTORE held (pulls NMI).
    pub restore: bool,
    /// Cycles since power-on.
    pub cycles: u64,
    /// `cycles × 50` modulo the clock rate: where the power line's wave is.
    tod_phase: u64,
    /// `stall` already clocked the chips for the cycle the next read belongs to.
    cycle_begun: bool,
    /// The VIC-II finished a frame since this was last cleared.
    pub frame_complete: bool,
    /// Whether writes to [`DEBUG_CART_ADDRESS`] end the run.
    pub debug_cart: bool,
    /// The value written to the debug cartridge, once written.
    pub exit_code: Option<u8>,
    /// The cartridge in the expansion port.
    cartridge: Option<Cartridge>,
    /// The cartridge's EXROM and GAME lines (high = `true`; both high with none).
    cartridge_lines: (bool, bool),
}

impl Board {
    /// A board with `roms`, every chip in its power-on state, RAM in the pattern a real
    /// C64's RAM powers up with (alternating runs of $00 and $FF).
    pub fn new(roms: RomSet) -> Self {
        let mut ram = Box::new([0u8; 0x10000]);
        for (address, byte) in ram.iter_mut().enumerate() {
            *byte = if address & 0x40 == 0 { 0x00 } else { 0xff };
        }
        let mut board = Self {
            ram,
            color_ram: Box::new([0; 0x400]),
            roms,
            port: CpuPort::new(),
            map: pla::CPU_MAPS[31],
            vic: Vic::new(),
            cia1: Cia::new(heirloom_cia::Model::default()),
            cia2: Cia::new(heirloom_cia::Model::default()),
            sid: Sid::new(heirloom_sid::Model::default()),
            sound: true,
            keys: KeyMatrix::new(),
            joysticks: [0; 2],
            pots: [[PotLine::Open; 2]; 2],
            restore: false,
            cycles: 0,
            tod_phase: 0,
            cycle_begun: false,
            frame_complete: false,
            debug_cart: false,
            exit_code: None,
            cartridge: None,
            cartridge_lines: (true, true),
        };
        board.update_map();
        board
    }

    /// The banking lines as the PLA sees them (with no cartridge GAME and EXROM are
    /// pulled high).
    pub fn banking_lines(&self) -> BankingLines {
        let pins = self.port.pins();
        let (exrom, game) = self.cartridge_lines;
        BankingLines {
            loram: pins & 1 != 0,
            hiram: pins & 2 != 0,
            charen: pins & 4 != 0,
            game,
            exrom,
        }
    }

    /// The cartridge in the expansion port.
    pub fn cartridge(&self) -> Option<&Cartridge> {
        self.cartridge.as_ref()
    }

    /// Plugs `cartridge` in (replacing any other) as it is, registers included; the
    /// memory map follows its lines at once.
    pub fn attach_cartridge(&mut self, cartridge: Cartridge) {
        self.cartridge = Some(cartridge);
        self.cartridge_lines_changed();
    }

    /// Pulls the cartridge out.
    pub fn detach_cartridge(&mut self) -> Option<Cartridge> {
        let cartridge = self.cartridge.take();
        self.cartridge_lines_changed();
        cartridge
    }

    /// The reset line reaching the expansion port: the cartridge's registers return to
    /// their power-on state.
    pub fn reset_cartridge(&mut self) {
        if let Some(cartridge) = &mut self.cartridge {
            cartridge.reset();
        }
        self.cartridge_lines_changed();
    }

    /// Follows a change of the cartridge's GAME and EXROM lines into the memory map.
    fn cartridge_lines_changed(&mut self) {
        let lines = self
            .cartridge
            .as_ref()
            .map_or((true, true), Cartridge::lines);
        if lines != self.cartridge_lines {
            self.cartridge_lines = lines;
            self.update_map();
        }
    }

    fn update_map(&mut self) {
        self.map = pla::CPU_MAPS[self.banking_lines().mode()];
    }

    /// The VIC-II's 16 KiB bank (0–3), chosen by CIA 2's PA0–PA1, inverted.
    pub fn vic_bank(&self) -> u8 {
        3 - (self.cia2.port_a_output() & 3)
    }

    /// Starts a new cycle: clocks the VIC-II, both CIAs and the TOD pins. Called with no
    /// CPU access to follow, it is a cycle in which the CPU is busy inside itself (as when
    /// a trap into Rust stands in for ROM code).
    pub(crate) fn begin_cycle(&mut self) {
        self.cycles += 1;
        let (exrom, game) = self.cartridge_lines;
        let ultimax = exrom && !game;
        let mut view = VicView {
            ram: &self.ram,
            chargen: &self.roms.chargen,
            color_ram: &self.color_ram,
            romh: match (&self.cartridge, ultimax) {
                (Some(cartridge), true) => cartridge.romh_bank(),
                _ => &[],
            },
            bank: self.vic_bank(),
            ultimax,
        };
        if self.vic.tick(&mut view) {
            self.frame_complete = true;
        }
        self.cia1.tick();
        self.cia2.tick();
        if self.sound {
            self.sid.tick();
        }
        if self.cycles.is_multiple_of(POT_PERIOD) {
            self.latch_pots();
        }
        // The power line's 50 Hz: a TOD pulse whenever cycles × 50 passes a multiple of
        // the clock rate.
        self.tod_phase += TOD_HZ;
        if self.tod_phase >= u64::from(CLOCK_HZ) {
            self.tod_phase -= u64::from(CLOCK_HZ);
            self.cia1.tod_tick();
            self.cia2.tod_tick();
        }
    }

    /// Works out the keyboard and joystick lines on CIA 1's ports, and the light pen line
    /// (joystick 1's fire, PB4), from the levels both sides drive.
    fn update_cia1_inputs(&mut self) {
        let [port1, port2] = self.joysticks;
        let (port_a, port_b) = self.keys.lines(
            self.cia1.port_a_output(),
            self.cia1.port_b_output(),
            port2,
            port1,
        );
        self.cia1.set_port_a_input(port_a);
        self.cia1.set_port_b_input(port_b);
        self.vic.set_light_pen(port_b & 0x10 == 0);
    }

    /// The end of the SID's POT measuring period: POTX and POTY take the values of the
    /// port CIA 1's PA6/PA7 pins select now (see [`ports`]). The pins are current: CIA 1's
    /// inputs are worked out again whenever its outputs or the keys change.
    fn latch_pots(&mut self) {
        let [x, y] = ports::selected_pots(self.cia1.port_a_pins(), self.pots);
        self.sid.set_pots(x.value(), y.value());
    }

    /// Recomputes what follows from the saved state (the memory map) after a load.
    pub fn restore_derived_state(&mut self) {
        self.cartridge_lines = self
            .cartridge
            .as_ref()
            .map_or((true, true), Cartridge::lines);
        self.update_map();
        self.tod_phase = self.cycles * TOD_HZ % u64::from(CLOCK_HZ);
    }

    /// Applies the input lines that changed between frames.
    pub fn refresh_inputs(&mut self) {
        self.update_cia1_inputs();
    }

    /// What answers the CPU at `address` now.
    pub fn region(&self, address: u16) -> Region {
        self.map[usize::from(address >> 12)]
    }

    /// What the CPU reads at `address`, with the side effects of a real read (but no clock
    /// cycle: that is the caller's business).
    pub(crate) fn cpu_read(&mut self, address: u16) -> u8 {
        if address < 2 {
            return self.port.read(address, self.cycles);
        }
        let index = usize::from(address);
        match self.map[index >> 12] {
            Region::Ram => self.ram[index],
            Region::Basic => self.roms.basic[index - 0xa000],
            Region::Kernal => self.roms.kernal[index - 0xe000],
            Region::CharRom => self.roms.chargen[index - 0xd000],
            Region::Io => self.io_read(address),
            Region::RomL => self
                .cartridge
                .as_ref()
                .and_then(|cartridge| cartridge.read_roml(address))
                .unwrap_or_else(|| self.vic.bus_data()),
            Region::RomH => self
                .cartridge
                .as_ref()
                .and_then(|cartridge| cartridge.read_romh(address))
                .unwrap_or_else(|| self.vic.bus_data()),
            Region::Open => self.vic.bus_data(),
        }
    }

    fn io_read(&mut self, address: u16) -> u8 {
        match address {
            0xd000..=0xd3ff => self.vic.read((address & 0x3f) as u8),
            0xd800..=0xdbff => {
                self.color_ram[usize::from(address & 0x3ff)] | (self.vic.bus_data() & 0xf0)
            }
            0xdc00..=0xdcff => {
                self.update_cia1_inputs();
                self.cia1.read((address & 0xf) as u8)
            }
            0xdd00..=0xddff => self.cia2.read((address & 0xf) as u8),
            0xd400..=0xd7ff => self.sid.read((address & 0x1f) as u8),
            // The expansion port's I/O areas: what the cartridge drives, else open bus.
            0xde00..=0xdeff => {
                let value = self
                    .cartridge
                    .as_mut()
                    .and_then(|cartridge| cartridge.read_io1(address));
                self.cartridge_lines_changed();
                value.unwrap_or_else(|| self.vic.bus_data())
            }
            _ => self
                .cartridge
                .as_ref()
                .and_then(|cartridge| cartridge.read_io2(address))
                .unwrap_or_else(|| self.vic.bus_data()),
        }
    }

    /// A write by the CPU to `address` (no clock cycle: that is the caller's business).
    pub(crate) fn cpu_write(&mut self, address: u16, value: u8) {
        let index = usize::from(address);
        if address < 2 {
            self.port.write(address, value, self.cycles);
            // The RAM below the port is written too, with what the VIC-II left on the bus.
            self.ram[index] = self.vic.bus_data();
            self.update_map();
            return;
        }
        match self.map[index >> 12] {
            Region::Io => self.io_write(address, value),
            // In Ultimax mode no RAM answers at the cartridge's addresses (its flash,
            // emulated read-only, sees the write); otherwise writes there reach the RAM
            // below.
            Region::Open => {}
            Region::RomL | Region::RomH if self.banking_lines().ultimax() => {}
            _ => self.ram[index] = value,
        }
    }

    fn io_write(&mut self, address: u16, value: u8) {
        match address {
            0xd000..=0xd3ff => self.vic.write((address & 0x3f) as u8, value),
            DEBUG_CART_ADDRESS if self.debug_cart => {
                self.exit_code.get_or_insert(value);
            }
            0xd800..=0xdbff => self.color_ram[usize::from(address & 0x3ff)] = value & 0x0f,
            0xdc00..=0xdcff => {
                self.cia1.write((address & 0xf) as u8, value);
                self.update_cia1_inputs();
            }
            0xdd00..=0xddff => self.cia2.write((address & 0xf) as u8, value),
            0xd400..=0xd7ff => self.sid.write((address & 0x1f) as u8, value),
            0xde00..=0xdeff => {
                if let Some(cartridge) = &mut self.cartridge {
                    cartridge.write_io1(address, value);
                }
                self.cartridge_lines_changed();
            }
            _ => {
                if let Some(cartridge) = &mut self.cartridge {
                    cartridge.write_io2(address, value);
                }
            }
        }
    }
}

impl Bus for Board {
    #[inline]
    fn read(&mut self, address: u16) -> u8 {
        if !std::mem::take(&mut self.cycle_begun) {
            self.begin_cycle();
        }
        self.cpu_read(address)
    }

    #[inline]
    fn write(&mut self, address: u16, value: u8) {
        self.begin_cycle();
        self.cpu_write(address, value);
    }

    #[inline]
    fn stall(&mut self, _address: u16) -> bool {
        self.begin_cycle();
        let halted = self.vic.ba_low();
        self.cycle_begun = !halted;
        halted
    }

    #[inline]
    fn irq(&mut self) -> bool {
        self.vic.irq() || self.cia1.irq()
    }

    #[inline]
    fn nmi(&mut self) -> bool {
        self.cia2.irq() || self.restore
    }
}

/// The VIC-II's view of memory: its 16 KiB bank of RAM, the character ROM in banks 0 and
/// 2 (or the cartridge's ROMH in Ultimax mode), and the colour RAM on its own four data
/// lines.
struct VicView<'a> {
    ram: &'a [u8; 0x10000],
    chargen: &'a [u8],
    color_ram: &'a [u8; 0x400],
    /// The current ROMH bank in Ultimax mode (empty otherwise).
    romh: &'a [u8],
    bank: u8,
    ultimax: bool,
}

impl VicMemory for VicView<'_> {
    #[inline]
    fn fetch(&mut self, address: u16) -> u8 {
        let address = address & 0x3fff;
        match pla::vic_region(self.bank, address, self.ultimax) {
            VicRegion::CharRom => self.chargen[usize::from(address & 0x0fff)],
            // $3000–$3FFF of every bank is the upper 4 KiB of ROMH ($F000–$FFFF).
            VicRegion::RomH if !self.romh.is_empty() => {
                self.romh[0x1000 | usize::from(address & 0x0fff)]
            }
            VicRegion::Ram | VicRegion::RomH => {
                self.ram[usize::from(self.bank) << 14 | usize::from(address)]
            }
        }
    }

    #[inline]
    fn color(&mut self, index: u16) -> u8 {
        self.color_ram[usize::from(index & 0x3ff)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::crt::{Chip, CrtImage};

    fn ultimax() -> Cartridge {
        let image = CrtImage {
            hardware: 0,
            exrom: true,
            game: false,
            revision: 0,
            name: "U".into(),
            chips: vec![
                Chip {
                    chip_type: 0,
                    bank: 0,
                    load_address: 0x8000,
                    data: vec![0x11; 0x2000],
                },
                Chip {
                    chip_type: 0,
                    bank: 0,
                    load_address: 0xe000,
                    data: (0..0x2000).map(|i| (i >> 8) as u8).collect(),
                },
            ],
        };
        Cartridge::from_crt(&image).unwrap()
    }

    #[test]
    fn an_ultimax_cartridge_takes_over_the_map_until_pulled_out() {
        let mut board = Board::new(RomSet::open_rom());
        board.attach_cartridge(ultimax());
        assert_eq!(board.region(0xe000), Region::RomH);
        assert_eq!(board.cpu_read(0xe123), 0x01);
        assert_eq!(board.cpu_read(0x8000), 0x11);
        // Writes to the cartridge's areas reach no RAM; the low 4 KiB are still RAM.
        board.ram[0x8000] = 0x55;
        board.cpu_write(0x8000, 0x66);
        assert_eq!(board.ram[0x8000], 0x55);
        board.cpu_write(0x0400, 0x77);
        assert_eq!(board.cpu_read(0x0400), 0x77);
        assert_eq!(board.region(0x4000), Region::Open);
        // The VIC-II sees ROMH's upper half at $3000–$3FFF of its bank.
        let mut view = VicView {
            ram: &board.ram,
            chargen: &board.roms.chargen,
            color_ram: &board.color_ram,
            romh: board.cartridge().unwrap().romh_bank(),
            bank: 0,
            ultimax: true,
        };
        assert_eq!(view.fetch(0x3456), 0x14);
        board.detach_cartridge();
        assert_eq!(board.region(0xe000), Region::Kernal);
        assert_eq!(board.region(0x8000), Region::Ram);
    }
}
