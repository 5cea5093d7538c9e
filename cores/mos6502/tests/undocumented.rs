//! The unstable opcodes as the C64 community documents them, where neither Harte's data
//! nor Lorenz's suite pins the behaviour down: the `& (H+1)` stores on a page crossing,
//! and the default ANE/LXA constants.

use heirloom_6502::{Bus, Cpu, DEFAULT_ANE_MAGIC, DEFAULT_LXA_MAGIC};

struct Ram {
    mem: Vec<u8>,
    log: Vec<(char, u16, u8)>,
}

impl Bus for Ram {
    fn read(&mut self, addr: u16) -> u8 {
        let v = self.mem[addr as usize];
        self.log.push(('r', addr, v));
        v
    }

    fn write(&mut self, addr: u16, value: u8) {
        self.mem[addr as usize] = value;
        self.log.push(('w', addr, value));
    }
}

/// Runs one instruction at $0200; returns the CPU and the bus.
fn run(code: &[u8], setup: impl FnOnce(&mut Cpu, &mut Ram)) -> (Cpu, Ram) {
    let mut ram = Ram {
        mem: vec![0; 0x10000],
        log: Vec::new(),
    };
    ram.mem[0x0200..0x0200 + code.len()].copy_from_slice(code);
    let mut cpu = Cpu::new();
    cpu.pc = 0x0200;
    setup(&mut cpu, &mut ram);
    cpu.step(&mut ram);
    (cpu, ram)
}

#[test]
fn sha_absolute_y_same_page_stores_a_and_x_and_high_plus_one() {
    // SHA $1200,Y with Y=$10: stores A & X & $13 at $1210.
    let (_, ram) = run(&[0x9f, 0x00, 0x12], |cpu, _| {
        (cpu.a, cpu.x, cpu.y) = (0xf7, 0x3f, 0x10);
    });
    assert_eq!(ram.mem[0x1210], 0xf7 & 0x3f & 0x13);
    assert_eq!(
        ram.log[3],
        ('r', 0x1210, 0),
        "dummy read at the un-fixed address"
    );
    assert_eq!(ram.log.len(), 5);
}

#[test]
fn sha_absolute_y_page_crossing_replaces_the_high_byte() {
    // SHA $12F0,Y with Y=$20: value = $05 & $13 = $01, written to $0110 instead of $1310.
    let (_, ram) = run(&[0x9f, 0xf0, 0x12], |cpu, _| {
        (cpu.a, cpu.x, cpu.y) = (0x05, 0xff, 0x20);
    });
    assert_eq!(
        ram.log[3..],
        [('r', 0x1210, 0), ('w', 0x0110, 0x01)],
        "dummy read of the un-fixed address, then the corrupted target"
    );
    assert_eq!(ram.mem[0x1310], 0);
}

#[test]
fn sha_indirect_y_uses_the_pointer_high_byte() {
    // SHA ($40),Y with ($40) = $34F0, Y = $20: value = A & X & $35, page crossed.
    let (_, ram) = run(&[0x93, 0x40], |cpu, ram| {
        ram.mem[0x40] = 0xf0;
        ram.mem[0x41] = 0x34;
        (cpu.a, cpu.x, cpu.y) = (0xff, 0x2f, 0x20);
    });
    let value = 0x2f & 0x35;
    assert_eq!(ram.log.len(), 6);
    assert_eq!(ram.log[5], ('w', (value as u16) << 8 | 0x10, value));
}

#[test]
fn shx_shy_and_tas() {
    // SHX $2080,Y (Y=$10): X & $21.
    let (_, ram) = run(&[0x9e, 0x80, 0x20], |cpu, _| {
        (cpu.x, cpu.y) = (0xff, 0x10);
    });
    assert_eq!(ram.mem[0x2090], 0x21);
    // SHY $2080,X (X=$10): Y & $21.
    let (_, ram) = run(&[0x9c, 0x80, 0x20], |cpu, _| {
        (cpu.x, cpu.y) = (0x10, 0xee);
    });
    assert_eq!(ram.mem[0x2090], 0xee & 0x21);
    // TAS $2080,Y: S = A & X, stores S & $21.
    let (cpu, ram) = run(&[0x9b, 0x80, 0x20], |cpu, _| {
        (cpu.a, cpu.x, cpu.y) = (0xf3, 0x7e, 0x10);
    });
    assert_eq!(cpu.s, 0x72);
    assert_eq!(ram.mem[0x2090], 0x72 & 0x21);
}

#[test]
fn las_ands_memory_with_s_into_a_x_s() {
    let (cpu, _) = run(&[0xbb, 0x00, 0x30], |cpu, ram| {
        ram.mem[0x3005] = 0xb6;
        cpu.s = 0x9c;
        cpu.y = 0x05;
    });
    assert_eq!((cpu.a, cpu.x, cpu.s), (0x94, 0x94, 0x94));
    assert_ne!(cpu.p & 0x80, 0, "N from the result");
}

#[test]
fn ane_and_lxa_use_their_magic_constants() {
    assert_eq!((DEFAULT_ANE_MAGIC, DEFAULT_LXA_MAGIC), (0xef, 0xee));
    // ANE #$FF with A=$00, X=$FF: (A | $EF) & X & imm = $EF.
    let (cpu, _) = run(&[0x8b, 0xff], |cpu, _| {
        (cpu.a, cpu.x) = (0x00, 0xff);
    });
    assert_eq!(cpu.a, 0xef);
    // LXA #$FF with A=$00: A = X = (A | $EE) & imm = $EE.
    let (cpu, _) = run(&[0xab, 0xff], |cpu, _| {
        cpu.a = 0x00;
    });
    assert_eq!((cpu.a, cpu.x), (0xee, 0xee));
    // The constant is part of the state, so a machine can model another chip.
    let (cpu, _) = run(&[0x8b, 0xff], |cpu, _| {
        (cpu.a, cpu.x, cpu.ane_magic) = (0x00, 0xff, 0xff);
    });
    assert_eq!(cpu.a, 0xff);
}
