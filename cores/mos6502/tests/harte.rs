//! Tom Harte's single-step tests (ProcessorTests 6502 v1, first 1,000 tests per opcode).

use heirloom_6502::{Bus, Cpu};

/// A flat 64 KiB memory that records every bus cycle.
struct RecordingRam {
    mem: Vec<u8>,
    cycles: Vec<(u16, u8, u8)>,
}

impl Bus for RecordingRam {
    fn read(&mut self, addr: u16) -> u8 {
        let value = self.mem[addr as usize];
        self.cycles.push((addr, value, b'r'));
        value
    }

    fn write(&mut self, addr: u16, value: u8) {
        self.mem[addr as usize] = value;
        self.cycles.push((addr, value, b'w'));
    }
}

struct State {
    pc: u16,
    s: u8,
    a: u8,
    x: u8,
    y: u8,
    p: u8,
    ram: Vec<(u16, u8)>,
}

struct Test {
    name: String,
    initial: State,
    fin: State,
    cycles: Vec<(u16, u8, u8)>,
}

struct Reader<'a> {
    data: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn u8(&mut self) -> u8 {
        let v = self.data[self.at];
        self.at += 1;
        v
    }

    fn u16(&mut self) -> u16 {
        let hi = self.u8();
        let lo = self.u8();
        u16::from_be_bytes([hi, lo])
    }

    fn state(&mut self) -> State {
        let pc = self.u16();
        let (s, a, x, y, p) = (self.u8(), self.u8(), self.u8(), self.u8(), self.u8());
        let n = self.u8();
        let ram = (0..n).map(|_| (self.u16(), self.u8())).collect();
        State {
            pc,
            s,
            a,
            x,
            y,
            p,
            ram,
        }
    }

    fn test(&mut self) -> Test {
        let name = &self.data[self.at..self.at + 10];
        self.at += 10;
        let end = name.iter().position(|&b| b == 0).unwrap_or(10);
        let name = String::from_utf8_lossy(&name[..end]).into_owned();
        let initial = self.state();
        let fin = self.state();
        let n = self.u8();
        let cycles = (0..n).map(|_| (self.u16(), self.u8(), self.u8())).collect();
        Test {
            name,
            initial,
            fin,
            cycles,
        }
    }
}

const JAMS: [u8; 12] = [
    0x02, 0x12, 0x22, 0x32, 0x42, 0x52, 0x62, 0x72, 0x92, 0xb2, 0xd2, 0xf2,
];

/// Whether the instruction's indexed address crosses a page (for the listed opcodes).
fn crosses_page(opcode: u8, t: &Test) -> bool {
    let byte = |addr: u16| {
        t.initial
            .ram
            .iter()
            .find(|&&(a, _)| a == addr)
            .map(|&(_, v)| v)
            .unwrap_or(0)
    };
    let pc = t.initial.pc;
    let (lo, index) = match opcode {
        // (zp),Y: the low byte of the pointer.
        0x93 => (byte(byte(pc.wrapping_add(1)) as u16), t.initial.y),
        0x9c | 0x1c | 0x3c | 0x5c | 0x7c | 0xdc | 0xfc => (byte(pc.wrapping_add(1)), t.initial.x),
        _ => (byte(pc.wrapping_add(1)), t.initial.y),
    };
    lo as u16 + index as u16 > 0xff
}

/// Tests skipped because the data disagrees with the chip or with the documented behaviour
/// this core implements; the reason is given per opcode.
fn skipped(opcode: u8, t: &Test) -> bool {
    match opcode {
        // Data defect (suites README): the absolute NOP lists 3 cycles; the chip takes 4.
        0x0c => true,
        // Data defect (suites README): the absolute,X NOPs lack the page-crossing cycle.
        0x1c | 0x3c | 0x5c | 0x7c | 0xdc | 0xfc => crosses_page(opcode, t),
        // SHA/SHX/SHY/TAS on a page crossing: the data stores `value & (final high + 1)` at
        // the fixed address; the C64 documentation describes `value & (base high + 1)`
        // stored where the value replaces the address's high byte, which is what this core
        // does (tests/undocumented.rs checks it). Same-page cases are compared.
        0x93 | 0x9b | 0x9c | 0x9e | 0x9f => crosses_page(opcode, t),
        _ => false,
    }
}

#[test]
fn harte_single_step() {
    let Some(dir) = heirloom_testkit::suite("harte-6502") else {
        return;
    };
    let mut bus = RecordingRam {
        mem: vec![0; 0x10000],
        cycles: Vec::with_capacity(16),
    };
    let mut failures = Vec::new();
    let (mut passed, mut skipped_count, mut jams) = (0usize, 0usize, 0usize);
    for opcode in 0..=255u8 {
        let path = dir.join(format!("{opcode:02x}.bin"));
        let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut reader = Reader { data: &data, at: 0 };
        let mut count = 0;
        while reader.at < data.len() {
            let t = reader.test();
            count += 1;
            let mut cpu = Cpu::new();
            // The data was generated with $EE as the ANE constant (and LXA's).
            cpu.ane_magic = 0xee;
            let i = &t.initial;
            (cpu.pc, cpu.s, cpu.a, cpu.x, cpu.y, cpu.p) = (i.pc, i.s, i.a, i.x, i.y, i.p);
            for &(addr, value) in &i.ram {
                bus.mem[addr as usize] = value;
            }
            bus.cycles.clear();
            cpu.step(&mut bus);
            if JAMS.contains(&opcode) {
                // No meaningful final state: the CPU must halt, and stay halted.
                cpu.step(&mut bus);
                if cpu.jammed() && cpu.jam == Some((opcode, i.pc)) && bus.cycles == t.cycles {
                    jams += 1;
                } else {
                    failures.push(format!("{}: did not jam as expected", t.name));
                }
            } else if skipped(opcode, &t) {
                skipped_count += 1;
            } else {
                let f = &t.fin;
                let mut problems = Vec::new();
                let got = (cpu.pc, cpu.s, cpu.a, cpu.x, cpu.y, cpu.p & 0xcf);
                let want = (f.pc, f.s, f.a, f.x, f.y, f.p & 0xcf);
                if got != want {
                    problems.push(format!("registers {got:02x?} want {want:02x?}"));
                }
                for &(addr, value) in &f.ram {
                    if bus.mem[addr as usize] != value {
                        problems.push(format!(
                            "ram[{addr:04x}]={:02x} want {value:02x}",
                            bus.mem[addr as usize]
                        ));
                    }
                }
                if bus.cycles != t.cycles {
                    problems.push(format!("cycles {:02x?} want {:02x?}", bus.cycles, t.cycles));
                }
                if problems.is_empty() {
                    passed += 1;
                } else {
                    failures.push(format!("{}: {}", t.name, problems.join("; ")));
                }
            }
            for &(addr, _) in i.ram.iter().chain(&t.fin.ram) {
                bus.mem[addr as usize] = 0;
            }
            for &(addr, _, _) in &t.cycles {
                bus.mem[addr as usize] = 0;
            }
            for &(addr, _, _) in &bus.cycles {
                bus.mem[addr as usize] = 0;
            }
        }
        assert_eq!(count, 1000, "{opcode:02x}.bin should hold 1,000 tests");
    }
    eprintln!(
        "harte-6502: {passed} passed, {jams} JAM tests halted, {skipped_count} skipped (see `skipped`), {} failed",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures, first ones:\n{}",
        failures.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
