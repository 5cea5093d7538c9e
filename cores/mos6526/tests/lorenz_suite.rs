//! Runs the CIA programs of Wolfgang Lorenz's test suite 2.15 on a minimal board: the
//! cycle-exact 6502, 64 KiB of RAM, two CIAs (old 6526, as on the machine the suite was
//! measured on) at `$DC00`/`$DD00`, and just enough of the rest of a C64 for these
//! programs:
//!
//! * a raster counter at `$D011`/`$D012` (PAL: 63 cycles a line, 312 lines). The programs
//!   start each measurement at the top of the frame, in the border, where a real VIC-II
//!   with sprites off takes no cycles from the CPU, so leaving out its bus steals does not
//!   change their timing;
//! * stand-ins for the KERNAL entry points they call: the IRQ and NMI entries and exits
//!   (dispatching through the `$0314`/`$0318` vectors like the real ones), RESTOR
//!   (`$FD15`) and IOINIT (`$FDA3`, reduced to the CIA set-up);
//! * traps: CHROUT (`$FFD2`) collects the report, LOAD (`$E16F`, reached to chain to the
//!   next program) means the program passed, GETIN (`$FFE4`, reached to wait for a key
//!   after a failure report) means it failed.
//!
//! Each bus cycle clocks both CIAs, then performs the access (the chip's documented
//! contract), so these programs check the whole timing chain: CPU cycles, register side
//! effects, the interrupt outputs on IRQ and NMI.

use std::path::Path;

use heirloom_6502::{Bus, Cpu};
use heirloom_asm6502::{MemoryLoader, assemble};
use heirloom_cia::{Cia, Model};

/// The CIA programs of the suite (its documentation lists what each checks).
const PROGRAMS: [&str; 18] = [
    "cia1tb123",
    "cia2tb123",
    "cia1pb6",
    "cia1pb7",
    "cia2pb6",
    "cia2pb7",
    "cia1tab",
    "loadth",
    "cnto2",
    "icr01",
    "imr",
    "flipos",
    "oneshot",
    "cntdef",
    "cia1ta",
    "cia1tb",
    "cia2ta",
    "cia2tb",
];

/// PAL: φ2 cycles per raster line and lines per frame.
const CYCLES_PER_LINE: u64 = 63;
const LINES: u64 = 312;
/// φ2 cycles per 50 Hz power-line period on a PAL C64 (985 248 Hz / 50).
const CYCLES_PER_TOD_TICK: u64 = 19_705;
/// More than the slowest program needs (about 29 million cycles).
const CYCLE_LIMIT: u64 = 100_000_000;

/// The KERNAL stand-ins, each assembled at its own address.
const KERNAL: &[&str] = &[
    // IRQ/BRK entry: save the registers, dispatch through ($0314) or ($0316).
    "* = $ff48
        pha
        txa
        pha
        tya
        pha
        tsx
        lda $0104,x
        and #$10
        beq irq
        jmp ($0316)
irq:    jmp ($0314)",
    // NMI entry and the default handler (acknowledges CIA 2), and its exit.
    "* = $fe43
        sei
        jmp ($0318)
        pha
        txa
        pha
        tya
        pha
        lda $dd0d
        jmp $febc",
    "* = $febc
        pla
        tay
        pla
        tax
        pla
        rti",
    // The default IRQ handler (acknowledges CIA 1) and the common IRQ exit.
    "* = $ea31
        lda $dc0d
        jmp $ea81",
    "* = $ea81
        pla
        tay
        pla
        tax
        pla
        rti",
    // RESTOR: the default vectors.
    "* = $fd15
        lda #$31
        sta $0314
        lda #$ea
        sta $0315
        lda #$81
        sta $0316
        lda #$ea
        sta $0317
        lda #$47
        sta $0318
        lda #$fe
        sta $0319
        rts",
    // IOINIT, CIA part: interrupts off and acknowledged, timers stopped in one-shot mode,
    // ports as the KERNAL sets them.
    "* = $fda3
        lda #$7f
        sta $dc0d
        sta $dd0d
        sta $dc00
        lda #$08
        sta $dc0e
        sta $dd0e
        sta $dc0f
        sta $dd0f
        ldx #$00
        stx $dc03
        stx $dd03
        dex
        stx $dc02
        lda #$07
        sta $dd00
        lda #$3f
        sta $dd02
        lda $dc0d
        lda $dd0d
        rts",
    // CHROUT is trapped before it runs; the RTS returns to the caller.
    "* = $ffd2
        rts",
    "* = $fffa
        .word $fe43, $0000, $ff48",
];

struct Board {
    ram: Vec<u8>,
    cia1: Cia,
    cia2: Cia,
    cycle: u64,
}

impl Board {
    fn clock(&mut self) {
        self.cycle += 1;
        self.cia1.tick();
        self.cia2.tick();
        if self.cycle.is_multiple_of(CYCLES_PER_TOD_TICK) {
            self.cia1.tod_tick();
            self.cia2.tod_tick();
        }
    }

    fn raster_line(&self) -> u64 {
        (self.cycle / CYCLES_PER_LINE) % LINES
    }
}

impl Bus for Board {
    fn read(&mut self, addr: u16) -> u8 {
        self.clock();
        match addr {
            0xd011 => (self.ram[0xd011] & 0x7f) | (((self.raster_line() >> 8) as u8) << 7),
            0xd012 => self.raster_line() as u8,
            0xdc00..=0xdcff => self.cia1.read(addr as u8),
            0xdd00..=0xddff => self.cia2.read(addr as u8),
            _ => self.ram[usize::from(addr)],
        }
    }

    fn write(&mut self, addr: u16, value: u8) {
        self.clock();
        match addr {
            0xdc00..=0xdcff => self.cia1.write(addr as u8, value),
            0xdd00..=0xddff => self.cia2.write(addr as u8, value),
            _ => self.ram[usize::from(addr)] = value,
        }
    }

    fn irq(&mut self) -> bool {
        self.cia1.irq()
    }

    fn nmi(&mut self) -> bool {
        self.cia2.irq()
    }
}

/// Runs one program; `Err` carries its report.
fn run(dir: &Path, name: &str) -> Result<(), String> {
    let program = std::fs::read(dir.join("bin").join(name)).map_err(|e| e.to_string())?;
    let mut ram = vec![0u8; 0x10000];
    // A `.prg`: load address $0801, then the program.
    ram[0x0801..0x0801 + program.len() - 2].copy_from_slice(&program[2..]);
    for source in KERNAL {
        let part = assemble("kernal.s", source, &MemoryLoader::new())
            .unwrap_or_else(|errors| panic!("{errors}"));
        let at = usize::from(part.load_address);
        ram[at..at + part.bytes.len()].copy_from_slice(&part.bytes);
    }
    // The vectors RESTOR would set.
    ram[0x0314..0x031a].copy_from_slice(&[0x31, 0xea, 0x81, 0xea, 0x47, 0xfe]);

    let mut board = Board {
        ram,
        cia1: Cia::new(Model::Mos6526),
        cia2: Cia::new(Model::Mos6526),
        cycle: 0,
    };
    let mut cpu = Cpu::new();
    // The BASIC line is `POKE 780,0:SYS 2073`.
    cpu.pc = 0x0819;
    cpu.s = 0xf6;
    let mut report = String::new();
    loop {
        match cpu.pc {
            0xffd2 => report.push(match cpu.a {
                13 => '\n',
                c @ 0x20..=0x5f => char::from(c),
                _ => '.',
            }),
            0xe16f => return Ok(()),
            0xffe4 => return Err(report),
            _ => {}
        }
        if cpu.jammed() || board.cycle > CYCLE_LIMIT {
            return Err(format!("{report}\n(stuck at ${:04x})", cpu.pc));
        }
        cpu.step(&mut board);
    }
}

#[test]
fn lorenz_cia_programs_pass() {
    let Some(dir) = heirloom_testkit::suite("lorenz-2.15") else {
        return;
    };
    let failures: Vec<String> = PROGRAMS
        .iter()
        .filter_map(|name| {
            run(&dir, name)
                .err()
                .map(|report| format!("{name}:\n{report}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        PROGRAMS.len(),
        failures.join("\n\n")
    );
}
