//! The chip wired to the 6502 core the way a C64 wires it: BA into RDY, IRQ into IRQ,
//! registers at `$D000`–`$D3FF`.

use heirloom_6502::{Bus, Cpu};
use heirloom_vic2::{Vic, VicMemory};

struct Bank<'a>(&'a [u8; 0x10000]);

impl VicMemory for Bank<'_> {
    fn fetch(&mut self, addr: u16) -> u8 {
        self.0[usize::from(addr & 0x3fff)]
    }
    fn color(&mut self, _index: u16) -> u8 {
        1
    }
}

struct Machine {
    ram: Box<[u8; 0x10000]>,
    vic: Vic,
    /// The chips were already clocked for the coming access (by `stall`).
    clocked: bool,
    /// Stalled CPU cycles per raster line.
    stalls: Vec<u32>,
}

impl Machine {
    fn new(program: &[u8]) -> Self {
        let mut ram = Box::new([0u8; 0x10000]);
        ram[0x0200..0x0200 + program.len()].copy_from_slice(program);
        Self {
            ram,
            vic: Vic::new(),
            clocked: false,
            stalls: vec![0; 312],
        }
    }

    fn clock(&mut self) {
        self.vic.tick(&mut Bank(&self.ram));
    }
}

impl Bus for Machine {
    fn read(&mut self, addr: u16) -> u8 {
        if !std::mem::take(&mut self.clocked) {
            self.clock();
        }
        match addr {
            0xd000..=0xd3ff => self.vic.read(addr as u8),
            _ => self.ram[usize::from(addr)],
        }
    }

    fn write(&mut self, addr: u16, value: u8) {
        self.clock();
        match addr {
            0xd000..=0xd3ff => self.vic.write(addr as u8, value),
            _ => self.ram[usize::from(addr)] = value,
        }
    }

    fn stall(&mut self, _addr: u16) -> bool {
        self.clock();
        if self.vic.ba_low() {
            self.stalls[usize::from(self.vic.raster())] += 1;
            true
        } else {
            self.clocked = true;
            false
        }
    }

    fn irq(&mut self) -> bool {
        self.vic.irq()
    }
}

#[test]
fn reads_stall_for_the_whole_ba_window() {
    // NOP; JMP $0200 — every cycle is a read, so the CPU stalls in every BA-low cycle.
    let mut m = Machine::new(&[0xea, 0x4c, 0x00, 0x02]);
    m.vic.write(0x11, 0x1b);
    m.vic.write(0x15, 0x81);
    m.vic.write(0x01, 100);
    m.vic.write(0x0f, 100);
    let mut cpu = Cpu::new();
    cpu.pc = 0x0200;
    cpu.run(&mut m, 63 * 312 - 10);
    assert_eq!(m.stalls[0x33], 43);
    assert_eq!(m.stalls[0x34], 0);
    assert_eq!(m.stalls[0xf3], 43);
    assert_eq!(m.stalls[0xfb], 0);
    // Line 100: sprite 0's DMA starts (cycles 55–59). Lines 101–120: sprite 7 (6–10) and
    // sprite 0 (cycles 6–10 and 55–59); line $6B is also a bad line: 5 + 43 + 5.
    assert_eq!(m.stalls[100], 5);
    assert_eq!(m.stalls[101], 10);
    assert_eq!(m.stalls[0x6b], 53);
    assert_eq!(m.stalls[121], 5);
    assert_eq!(m.stalls[122], 0);
}

#[test]
fn raster_interrupt_reaches_the_cpu_once_per_frame() {
    // Main: CLI; loop: JMP loop. Handler at $0300: LDA #1; STA $D019; INC $10; RTI.
    let mut m = Machine::new(&[0x58, 0x4c, 0x01, 0x02]);
    m.ram[0x0300..0x0309].copy_from_slice(&[0xa9, 0x01, 0x8d, 0x19, 0xd0, 0xe6, 0x10, 0x40, 0]);
    m.ram[0xfffe] = 0x00;
    m.ram[0xffff] = 0x03;
    m.vic.write(0x12, 100);
    m.vic.write(0x1a, 0x01);
    let mut cpu = Cpu::new();
    cpu.pc = 0x0200;
    cpu.s = 0xff;
    cpu.p = 0x24;
    cpu.run(&mut m, 5 * 63 * 312);
    assert_eq!(m.ram[0x10], 5);
    assert!(!m.vic.irq());
}
