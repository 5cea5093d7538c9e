//! Wolfgang Lorenz's C64 test suite 2.15, CPU part: the 222 programs from `start` to
//! `sbcb(eb)`, run on 64 KiB of RAM with the KERNAL/BASIC entry points they use trapped.

use heirloom_6502::{Bus, Cpu, FLAG_N, FLAG_Z};
use std::path::Path;

/// RAM, the KERNAL ROM area (reads see it while the CPU port's HIRAM bit is set, writes
/// always reach the RAM below), and the one piece of the VIC-II the tests look at: a raster
/// counter (some unstable opcodes are only executed while the beam is in the lower border).
struct C64Ram {
    mem: Vec<u8>,
    kernal: Vec<u8>,
    clock: u64,
}

impl C64Ram {
    fn raster(&self) -> u16 {
        ((self.clock / 63) % 312) as u16
    }
}

impl Bus for C64Ram {
    #[inline]
    fn read(&mut self, addr: u16) -> u8 {
        self.clock += 1;
        match addr {
            0xd011 => (self.mem[0xd011] & 0x7f) | (((self.raster() >> 8) as u8) << 7),
            0xd012 => self.raster() as u8,
            0xe000.. if self.mem[0x0001] & 0x02 != 0 => self.kernal[addr as usize - 0xe000],
            _ => self.mem[addr as usize],
        }
    }

    #[inline]
    fn write(&mut self, addr: u16, value: u8) {
        self.clock += 1;
        self.mem[addr as usize] = value;
    }
}

const CHROUT: u16 = 0xffd2;
const GETIN: u16 = 0xffe4;
const LOAD: u16 = 0xe16f;
const READY: u16 = 0xa474;
/// Where the test programs start once BASIC has run their `POKE 2,0: SYS 2070` line.
const ENTRY: u16 = 0x0816;
const FIRST: &str = "start";
const LAST: &str = "sbcb(eb)";

/// The file holding the program called `name` (names are PETSCII, files lower case).
fn file_name(name: &str) -> String {
    match name {
        "start" => "_start".to_owned(),
        _ => name.replace('(', "_").replace(')', ""),
    }
}

/// PETSCII (lower/upper case set) to ASCII for the collected output.
fn petscii_to_ascii(c: u8) -> Option<char> {
    match c {
        0x0d => Some('\n'),
        0x41..=0x5a => Some((c + 0x20) as char),
        0xc1..=0xda => Some((c - 0x80) as char),
        0x20..=0x40 | 0x5b..=0x5f => Some(c as char),
        _ => None,
    }
}

struct Harness {
    cpu: Cpu,
    bus: C64Ram,
    dir: std::path::PathBuf,
}

impl Harness {
    fn new(dir: &Path) -> Self {
        let mut mem = vec![0u8; 0x10000];
        // CPU port as the KERNAL leaves it.
        mem[0x0000] = 0x2f;
        mem[0x0001] = 0x37;
        // The RAM vectors the KERNAL sets up: IRQ and BRK to the exit, NMI to RTI.
        mem[0x0314..0x0318].copy_from_slice(&[0x31, 0xea, 0x31, 0xea]);
        mem[0x0318..0x031a].copy_from_slice(&[0x81, 0xea]);
        // From here on `mem` is the KERNAL image ($E000-$FFFF used).
        // KERNAL IRQ/BRK entry at $FF48: save registers, dispatch on B through $0316/$0314.
        let irq_entry = [
            0x48, 0x8a, 0x48, 0x98, 0x48, 0xba, 0xbd, 0x04, 0x01, 0x29, 0x10, 0xf0, 0x03, 0x6c,
            0x16, 0x03, 0x6c, 0x14, 0x03,
        ];
        mem[0xff48..0xff48 + irq_entry.len()].copy_from_slice(&irq_entry);
        // The KERNAL's interrupt exit: $EA31 -> $EA81 (restore registers, RTI).
        mem[0xea31..0xea34].copy_from_slice(&[0x4c, 0x81, 0xea]);
        mem[0xea81..0xea87].copy_from_slice(&[0x68, 0xa8, 0x68, 0xaa, 0x68, 0x40]);
        // Hardware vectors: NMI to the interrupt exit's RTI, IRQ/BRK to $FF48.
        mem[0xfffa..0x10000].copy_from_slice(&[0x86, 0xea, 0x00, 0x00, 0x48, 0xff]);
        // Trapped entry points return with RTS.
        mem[CHROUT as usize] = 0x60;
        mem[GETIN as usize] = 0x60;
        let kernal = mem[0xe000..].to_vec();
        Harness {
            cpu: Cpu::new(),
            bus: C64Ram {
                mem,
                kernal,
                clock: 0,
            },
            dir: dir.to_owned(),
        }
    }

    /// BASIC's LOAD and RUN of the program `name`: load it at its address and enter it as
    /// its `SYS` line would, with a return address to READY on the stack.
    fn load(&mut self, name: &str) {
        let path = self.dir.join("bin").join(file_name(name));
        let prg = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let start = u16::from_le_bytes([prg[0], prg[1]]) as usize;
        self.bus.mem[start..start + prg.len() - 2].copy_from_slice(&prg[2..]);
        // Line 8 of every program: POKE 2,0 (0 = run the whole chain), then SYS 2070.
        self.bus.mem[0x0002] = 0;
        let ret = READY - 1;
        self.bus.mem[0x01fd] = (ret >> 8) as u8;
        self.bus.mem[0x01fc] = ret as u8;
        self.cpu.s = 0xfb;
        self.cpu.pc = ENTRY;
    }

    fn requested_name(&self) -> String {
        let len = self.bus.mem[0xb7] as usize;
        let ptr = u16::from_le_bytes([self.bus.mem[0xbb], self.bus.mem[0xbc]]) as usize;
        self.bus.mem[ptr..ptr + len]
            .iter()
            .map(|&c| petscii_to_ascii(c).unwrap_or('?'))
            .collect()
    }
}

#[derive(Default)]
struct Outcome {
    name: String,
    output: String,
    waited_for_key: bool,
}

#[test]
fn lorenz_cpu_programs() {
    let Some(dir) = heirloom_testkit::suite("lorenz-2.15") else {
        return;
    };
    let mut h = Harness::new(&dir);
    let mut results: Vec<Outcome> = Vec::new();
    h.load(FIRST);
    results.push(Outcome {
        name: FIRST.to_owned(),
        ..Outcome::default()
    });
    // A generous per-program limit, so that a core bug that loops cannot hang the test.
    const LIMIT: u64 = 400_000_000;
    let mut started = h.cpu.cycles;
    loop {
        let current = results.last_mut().expect("a program is running");
        match h.cpu.pc {
            CHROUT => {
                if let Some(c) = petscii_to_ascii(h.cpu.a) {
                    current.output.push(c);
                }
            }
            GETIN => {
                // Waiting for a key means the program found an error; answer with a space
                // so it continues.
                current.waited_for_key = true;
                h.cpu.a = 0x20;
                h.cpu.p &= !(FLAG_N | FLAG_Z);
            }
            LOAD => {
                if current.name == LAST {
                    assert_eq!(h.requested_name(), "trap1", "the program after {LAST}");
                    break;
                }
                let next = h.requested_name();
                h.load(&next);
                results.push(Outcome {
                    name: next,
                    ..Outcome::default()
                });
                started = h.cpu.cycles;
                continue;
            }
            READY => panic!("{} returned to BASIC", current.name),
            _ => {}
        }
        h.cpu.step(&mut h.bus);
        assert!(
            !h.cpu.jammed(),
            "{} jammed at {:04x}",
            current.name,
            h.cpu.pc
        );
        assert!(
            h.cpu.cycles - started <= LIMIT,
            "{} exceeded {LIMIT} cycles; output:\n{}",
            current.name,
            current.output
        );
    }
    let passed: Vec<&Outcome> = results
        .iter()
        .filter(|r| !r.waited_for_key && r.output.contains("- ok"))
        .collect();
    let failed: Vec<&Outcome> = results
        .iter()
        .filter(|r| r.waited_for_key || !r.output.contains("- ok"))
        .collect();
    eprintln!(
        "lorenz-2.15 (cpu): {} of {} programs passed",
        passed.len(),
        results.len()
    );
    for f in &failed {
        eprintln!("FAILED {}:\n{}", f.name, f.output);
    }
    assert!(
        failed.is_empty(),
        "failed: {:?}",
        failed.iter().map(|f| &f.name).collect::<Vec<_>>()
    );
    assert_eq!(results.len(), 222, "programs run");
}
