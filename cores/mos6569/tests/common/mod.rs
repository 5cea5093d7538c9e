//! A fake C64 memory for the VIC and helpers to drive the chip like a machine would.
#![allow(dead_code)]

use heirloom_vic2::{FIRST_VISIBLE_LINE, SCREEN_WIDTH, Vic, VicMemory};

/// 16K of RAM as the VIC sees it, plus colour RAM and access counters.
pub struct Mem {
    pub bank: Vec<u8>,
    pub colour: [u8; 1024],
    pub colour_reads: u64,
    pub fetches: Vec<u16>,
    pub log: bool,
    pub cpu_data: u8,
}

impl Mem {
    pub fn new() -> Self {
        Self {
            bank: vec![0; 0x4000],
            colour: [0; 1024],
            colour_reads: 0,
            fetches: Vec::new(),
            log: false,
            cpu_data: 0xff,
        }
    }
}

impl VicMemory for Mem {
    fn fetch(&mut self, addr: u16) -> u8 {
        assert!(addr < 0x4000, "address {addr:#06x} outside the bank");
        if self.log {
            self.fetches.push(addr);
        }
        self.bank[usize::from(addr)]
    }

    fn color(&mut self, index: u16) -> u8 {
        self.colour_reads += 1;
        self.colour[usize::from(index)]
    }

    fn cpu_data(&mut self) -> u8 {
        self.cpu_data
    }
}

/// Ticks until the cycle last performed is `cycle` of `line`.
pub fn run_to(vic: &mut Vic, mem: &mut Mem, line: u16, cycle: u8) {
    for _ in 0..=63 * 312 {
        vic.tick(mem);
        if vic.raster() == line && vic.cycle() == cycle {
            return;
        }
    }
    panic!("never reached line {line} cycle {cycle}");
}

/// Ticks until a frame completes.
pub fn run_frame(vic: &mut Vic, mem: &mut Mem) {
    for _ in 0..=63 * 312 {
        if vic.tick(mem) {
            return;
        }
    }
    panic!("no frame completed");
}

/// The output pixel at sprite X coordinate `x` (−8 … 375) of raster `line`.
pub fn pixel(vic: &Vic, line: u16, x: i32) -> u8 {
    let row = usize::from(line - FIRST_VISIBLE_LINE);
    let column = usize::try_from(x + 8).expect("visible x");
    vic.framebuffer()[row * SCREEN_WIDTH + column]
}

/// The pixels of `line` at X coordinates `from .. from + len`.
pub fn pixels(vic: &Vic, line: u16, from: i32, len: usize) -> Vec<u8> {
    (0..len as i32)
        .map(|i| pixel(vic, line, from + i))
        .collect()
}

/// A chip and memory set up like the KERNAL leaves them: screen at `$0400`, characters at
/// `$1000`, display on with 25 rows, 40 columns, YSCROLL 3, border 14, background 6.
pub fn text_setup() -> (Vic, Mem) {
    let mut vic = Vic::new();
    let mem = Mem::new();
    vic.write(0x11, 0x1b);
    vic.write(0x16, 0x08);
    vic.write(0x18, 0x14);
    vic.write(0x20, 14);
    vic.write(0x21, 6);
    (vic, mem)
}
