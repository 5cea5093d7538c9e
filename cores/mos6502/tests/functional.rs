//! Klaus Dormann's functional test and Bruce Clark's decimal-mode test.

use heirloom_6502::{Bus, Cpu};

struct Ram(Vec<u8>);

impl Bus for Ram {
    #[inline(always)]
    fn read(&mut self, addr: u16) -> u8 {
        self.0[addr as usize]
    }

    #[inline(always)]
    fn write(&mut self, addr: u16, value: u8) {
        self.0[addr as usize] = value;
    }
}

/// Runs until the CPU is caught in a one-instruction loop (`JMP *` or a branch to itself);
/// returns the loop's address and the cycles counted up to its first execution.
fn run_to_trap(cpu: &mut Cpu, ram: &mut Ram, limit: u64) -> (u16, u64) {
    loop {
        let pc = cpu.pc;
        let before = cpu.cycles;
        cpu.step(ram);
        assert!(!cpu.jammed(), "JAM at {pc:04x}");
        if cpu.pc == pc {
            return (pc, before);
        }
        assert!(
            cpu.cycles < limit,
            "no trap after {limit} cycles (pc {:04x})",
            cpu.pc
        );
    }
}

#[test]
fn klaus_dormann_functional_test() {
    let Some(dir) = heirloom_testkit::suite("klaus-dormann") else {
        return;
    };
    let image = std::fs::read(dir.join("6502_functional_test.bin")).unwrap();
    assert_eq!(image.len(), 0x10000);
    let mut ram = Ram(image);
    let mut cpu = Cpu::new();
    cpu.pc = 0x0400;
    let (pc, cycles) = run_to_trap(&mut cpu, &mut ram, 200_000_000);
    eprintln!("klaus-dormann: trapped at ${pc:04x} after {cycles} cycles");
    assert_eq!(
        pc, 0x3469,
        "failing check: look up ${pc:04x} in the listing"
    );
    assert_eq!(cycles, 96_241_364);
}

#[test]
fn bruce_clark_decimal_test() {
    let Some(dir) = heirloom_testkit::suite("bclark-decimal") else {
        return;
    };
    let prg = std::fs::read(dir.join("decimalmode.prg")).unwrap();
    let mut ram = Ram(vec![0; 0x10000]);
    ram.0[0x0801..0x0801 + prg.len() - 2].copy_from_slice(&prg[2..]);
    // Sentinel: the program must overwrite it.
    ram.0[0xd7ff] = 0xff;
    let mut cpu = Cpu::new();
    cpu.pc = 0x080d;
    // The program stores its result at $D7FF and then returns with RTS to an empty
    // stack: stop at the result.
    let mut steps = 0u64;
    while ram.0[0xd7ff] == 0xff {
        cpu.step(&mut ram);
        steps += 1;
        assert!(!cpu.jammed(), "JAM at {:04x}", cpu.pc);
        assert!(cpu.cycles < 200_000_000, "no result after 200 M cycles");
    }
    eprintln!(
        "bclark-decimal: result {} after {} cycles",
        ram.0[0xd7ff], cpu.cycles
    );
    assert!(steps > 0);
    assert_eq!(ram.0[0xd7ff], 0, "decimal mode test failed");
}
