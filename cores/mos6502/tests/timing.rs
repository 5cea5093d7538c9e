//! Interrupt polling, NMI hijacking, RDY stalls, JAM and reset, checked cycle by cycle.

use heirloom_6502::{Bus, Cpu, Exit, FLAG_B, FLAG_C, FLAG_I, FLAG_U};
use std::ops::Range;

/// One logged clock cycle: `r`ead, `w`rite or `s`talled (RDY low), with its address and
/// data (0 for stalls).
type Cycle = (char, u16, u8);

/// RAM with scriptable pins. `clock` counts completed cycles; a line "asserted at k" is
/// seen by every poll made once k cycles have completed.
struct TestBus {
    mem: Vec<u8>,
    clock: u64,
    irq_at: Option<u64>,
    nmi_at: Option<u64>,
    nmi_until: u64,
    rdy_low: Range<u64>,
    log: Vec<Cycle>,
}

impl TestBus {
    fn new(code_at: u16, code: &[u8]) -> Self {
        let mut mem = vec![0xea; 0x10000]; // NOP everywhere
        mem[code_at as usize..code_at as usize + code.len()].copy_from_slice(code);
        mem[0x0100..0x0200].fill(0);
        // NMI -> $0500, RESET -> $0600, IRQ/BRK -> $0400.
        mem[0xfffa..].copy_from_slice(&[0x00, 0x05, 0x00, 0x06, 0x00, 0x04]);
        TestBus {
            mem,
            clock: 0,
            irq_at: None,
            nmi_at: None,
            nmi_until: u64::MAX,
            rdy_low: 0..0,
            log: Vec::new(),
        }
    }

    fn pushed_pc(&self, s: u8) -> u16 {
        let at = 0x0100 + s as usize;
        u16::from_le_bytes([self.mem[at + 2], self.mem[at + 3]])
    }

    fn pushed_p(&self, s: u8) -> u8 {
        self.mem[0x0100 + s as usize + 1]
    }
}

impl Bus for TestBus {
    fn read(&mut self, addr: u16) -> u8 {
        let value = self.mem[addr as usize];
        self.log.push(('r', addr, value));
        self.clock += 1;
        value
    }

    fn write(&mut self, addr: u16, value: u8) {
        self.mem[addr as usize] = value;
        self.log.push(('w', addr, value));
        self.clock += 1;
    }

    fn stall(&mut self, addr: u16) -> bool {
        if self.rdy_low.contains(&self.clock) {
            self.log.push(('s', addr, 0));
            self.clock += 1;
            true
        } else {
            false
        }
    }

    fn irq(&mut self) -> bool {
        self.irq_at.is_some_and(|at| self.clock >= at)
    }

    fn nmi(&mut self) -> bool {
        self.nmi_at.is_some_and(|at| self.clock >= at) && self.clock < self.nmi_until
    }
}

fn cpu_at(pc: u16, p: u8) -> Cpu {
    let mut cpu = Cpu::new();
    cpu.pc = pc;
    cpu.p = p | FLAG_U;
    cpu.s = 0xff;
    cpu
}

/// Steps until the CPU enters the handler at `handler`; returns the address pushed as
/// the return address.
fn return_address_of_interrupt(cpu: &mut Cpu, bus: &mut TestBus, handler: u16) -> u16 {
    for _ in 0..20 {
        cpu.step(bus);
        if cpu.pc == handler {
            return bus.pushed_pc(cpu.s);
        }
    }
    panic!("no interrupt taken (pc {:04x})", cpu.pc);
}

#[test]
fn irq_is_polled_before_the_last_cycle() {
    // LDA $0300 takes 4 cycles: the poll before cycle 4 sees the line after 3 cycles.
    for (asserted_at, returns_to) in [(2, 0x0203), (3, 0x0203), (4, 0x0204)] {
        let mut bus = TestBus::new(0x0200, &[0xad, 0x00, 0x03]);
        bus.irq_at = Some(asserted_at);
        let mut cpu = cpu_at(0x0200, 0);
        let ret = return_address_of_interrupt(&mut cpu, &mut bus, 0x0400);
        assert_eq!(ret, returns_to, "IRQ asserted after {asserted_at} cycles");
        assert_eq!(bus.pushed_p(cpu.s) & FLAG_B, 0, "IRQ pushes B clear");
        assert_ne!(cpu.p & FLAG_I, 0, "the sequence sets I");
    }
}

#[test]
fn irq_is_ignored_while_i_is_set_and_cli_acts_one_instruction_late() {
    let mut bus = TestBus::new(0x0200, &[0xea, 0xea, 0xea]);
    bus.irq_at = Some(0);
    let mut cpu = cpu_at(0x0200, FLAG_I);
    for _ in 0..3 {
        cpu.step(&mut bus);
    }
    assert_eq!(cpu.pc, 0x0203, "no IRQ while I is set");

    // CLI; NOP: the poll of CLI still sees I set, so the NOP runs first.
    let mut bus = TestBus::new(0x0200, &[0x58, 0xea, 0xea]);
    bus.irq_at = Some(0);
    let mut cpu = cpu_at(0x0200, FLAG_I);
    assert_eq!(
        return_address_of_interrupt(&mut cpu, &mut bus, 0x0400),
        0x0202
    );

    // SEI with the line already low: its poll sees I clear, so the IRQ follows SEI; the
    // pushed P has I set, as SEI completed first (Lorenz's suite documents the same).
    let mut bus = TestBus::new(0x0200, &[0x78, 0xea]);
    bus.irq_at = Some(0);
    let mut cpu = cpu_at(0x0200, 0);
    assert_eq!(
        return_address_of_interrupt(&mut cpu, &mut bus, 0x0400),
        0x0201
    );
    assert_ne!(bus.pushed_p(cpu.s) & FLAG_I, 0);
}

#[test]
fn taken_branch_without_page_crossing_delays_the_interrupt() {
    // BCC +0 at $0200 (taken, same page, 3 cycles): polled only before cycle 2.
    for (asserted_at, returns_to) in [(1, 0x0202), (2, 0x0203)] {
        let mut bus = TestBus::new(0x0200, &[0x90, 0x00]);
        bus.irq_at = Some(asserted_at);
        let mut cpu = cpu_at(0x0200, 0);
        let ret = return_address_of_interrupt(&mut cpu, &mut bus, 0x0400);
        assert_eq!(
            ret, returns_to,
            "same-page branch, IRQ after {asserted_at} cycles"
        );
    }
    // BCS +0 not taken (2 cycles): the normal rule, polled before cycle 2.
    for (asserted_at, returns_to) in [(1, 0x0202), (2, 0x0203)] {
        let mut bus = TestBus::new(0x0200, &[0xb0, 0x00]);
        bus.irq_at = Some(asserted_at);
        let mut cpu = cpu_at(0x0200, 0);
        let ret = return_address_of_interrupt(&mut cpu, &mut bus, 0x0400);
        assert_eq!(
            ret, returns_to,
            "branch not taken, IRQ after {asserted_at} cycles"
        );
    }
    // BCC at $02F0 to $0312 (taken, page crossed, 4 cycles): polled before cycle 4.
    for (asserted_at, returns_to) in [(2, 0x0312), (3, 0x0312), (4, 0x0313)] {
        let mut bus = TestBus::new(0x02f0, &[0x90, 0x20]);
        bus.irq_at = Some(asserted_at);
        let mut cpu = cpu_at(0x02f0, 0);
        let ret = return_address_of_interrupt(&mut cpu, &mut bus, 0x0400);
        assert_eq!(
            ret, returns_to,
            "page-crossing branch, IRQ after {asserted_at} cycles"
        );
    }
    // The same-page branch with the carry set is not taken: sanity check of the flag.
    let mut bus = TestBus::new(0x0200, &[0x90, 0x10]);
    let mut cpu = cpu_at(0x0200, FLAG_C);
    assert_eq!(cpu.step(&mut bus), 2);
    assert_eq!(cpu.pc, 0x0202);
}

#[test]
fn nmi_hijacks_brk_until_its_fifth_cycle() {
    // BRK: opcode, signature, push PCH, push PCL, push P, vector low, vector high.
    let mut bus = TestBus::new(0x0200, &[0x00, 0x00]);
    bus.nmi_at = Some(4);
    let mut cpu = cpu_at(0x0200, 0);
    assert_eq!(cpu.step(&mut bus), 7);
    assert_eq!(
        cpu.pc, 0x0500,
        "NMI seen before cycle 5 takes over the vector"
    );
    assert_eq!(bus.pushed_pc(cpu.s), 0x0202);
    assert_ne!(bus.pushed_p(cpu.s) & FLAG_B, 0, "the pushed B stays set");
    assert_eq!(&bus.log[5..], &[('r', 0xfffa, 0x00), ('r', 0xfffb, 0x05)]);
    // The NMI was consumed: the handler runs on.
    cpu.step(&mut bus);
    assert_eq!(cpu.pc, 0x0501);

    // One cycle later the BRK completes normally; the NMI follows the first handler
    // instruction.
    let mut bus = TestBus::new(0x0200, &[0x00, 0x00]);
    bus.nmi_at = Some(5);
    let mut cpu = cpu_at(0x0200, 0);
    cpu.step(&mut bus);
    assert_eq!(cpu.pc, 0x0400);
    assert_eq!(
        return_address_of_interrupt(&mut cpu, &mut bus, 0x0500),
        0x0401
    );
}

#[test]
fn nmi_hijacks_an_irq_sequence() {
    // IRQ taken after the NOP at $0200 (cycles 0-1); its sequence runs in cycles 2-8,
    // its P push is cycle 7 (after 6 completed cycles).
    let mut bus = TestBus::new(0x0200, &[0xea, 0xea]);
    bus.irq_at = Some(0);
    bus.nmi_at = Some(6);
    let mut cpu = cpu_at(0x0200, 0);
    cpu.step(&mut bus);
    cpu.step(&mut bus);
    assert_eq!(cpu.pc, 0x0500);
    assert_eq!(bus.pushed_pc(cpu.s), 0x0201);
    assert_eq!(
        bus.pushed_p(cpu.s) & FLAG_B,
        0,
        "an IRQ sequence pushes B clear"
    );
}

#[test]
fn nmi_is_edge_triggered() {
    let mut bus = TestBus::new(0x0200, &[0xea; 8]);
    bus.nmi_at = Some(0);
    let mut cpu = cpu_at(0x0200, FLAG_I);
    assert_eq!(
        return_address_of_interrupt(&mut cpu, &mut bus, 0x0500),
        0x0201
    );
    // The line stays asserted: no second NMI.
    for _ in 0..4 {
        cpu.step(&mut bus);
    }
    assert_eq!(cpu.pc, 0x0504);
}

#[test]
fn a_one_cycle_nmi_pulse_is_latched() {
    // The line is low only at the end of cycle 2 of LDA $0300, long before its poll.
    let mut bus = TestBus::new(0x0200, &[0xad, 0x00, 0x03]);
    bus.nmi_at = Some(2);
    bus.nmi_until = 3;
    let mut cpu = cpu_at(0x0200, FLAG_I);
    assert_eq!(
        return_address_of_interrupt(&mut cpu, &mut bus, 0x0500),
        0x0203
    );
}

#[test]
fn rdy_stalls_reads_but_not_writes() {
    // STA $0300; LDA $0300 with RDY low during cycles 3..6 (the STA's write cycle and the
    // next two cycles).
    let mut bus = TestBus::new(0x0200, &[0x8d, 0x00, 0x03, 0xad, 0x00, 0x03]);
    bus.rdy_low = 3..6;
    let mut cpu = cpu_at(0x0200, 0);
    cpu.a = 0x42;
    assert_eq!(cpu.step(&mut bus), 4);
    cpu.a = 0;
    assert_eq!(cpu.step(&mut bus), 6, "4 cycles plus 2 stalled");
    assert_eq!(cpu.a, 0x42);
    assert_eq!(cpu.cycles, 10);
    assert_eq!(
        bus.log,
        vec![
            ('r', 0x0200, 0x8d),
            ('r', 0x0201, 0x00),
            ('r', 0x0202, 0x03),
            ('w', 0x0300, 0x42), // RDY low, but a write completes
            ('s', 0x0203, 0),
            ('s', 0x0203, 0),
            ('r', 0x0203, 0xad),
            ('r', 0x0204, 0x00),
            ('r', 0x0205, 0x03),
            ('r', 0x0300, 0x42),
        ]
    );
}

#[test]
fn an_irq_during_a_stalled_last_cycle_is_taken_after_the_instruction() {
    // LDA $0300 with its last cycle stalled twice (cycles 3 and 4): the poll repeats with
    // the stalled cycle, so an IRQ asserted after 4 or 5 cycles still counts; one asserted
    // during the read itself does not.
    for (asserted_at, returns_to) in [(4, 0x0203), (5, 0x0203), (6, 0x0204)] {
        let mut bus = TestBus::new(0x0200, &[0xad, 0x00, 0x03]);
        bus.rdy_low = 3..5;
        bus.irq_at = Some(asserted_at);
        let mut cpu = cpu_at(0x0200, 0);
        let ret = return_address_of_interrupt(&mut cpu, &mut bus, 0x0400);
        assert_eq!(ret, returns_to, "IRQ asserted after {asserted_at} cycles");
        assert_eq!(bus.log[3..5], [('s', 0x0300, 0), ('s', 0x0300, 0)]);
    }
}

#[test]
fn rdy_stall_on_a_read_modify_write_holds_only_its_reads() {
    // INC $10 with RDY low from cycle 2: the data read stalls, the two writes do not.
    let mut bus = TestBus::new(0x0200, &[0xe6, 0x10]);
    bus.mem[0x10] = 7;
    bus.rdy_low = 2..4;
    let mut cpu = cpu_at(0x0200, 0);
    assert_eq!(cpu.step(&mut bus), 7);
    assert_eq!(
        bus.log,
        vec![
            ('r', 0x0200, 0xe6),
            ('r', 0x0201, 0x10),
            ('s', 0x0010, 0),
            ('s', 0x0010, 0),
            ('r', 0x0010, 7),
            ('w', 0x0010, 7),
            ('w', 0x0010, 8),
        ]
    );
}

#[test]
fn jam_halts_until_reset() {
    let mut bus = TestBus::new(0x0200, &[0xea, 0x02, 0xea]);
    let mut cpu = cpu_at(0x0200, 0);
    assert_eq!(
        cpu.run(&mut bus, 100),
        Exit::Jammed {
            opcode: 0x02,
            pc: 0x0201
        }
    );
    assert!(cpu.jammed());
    assert_eq!(cpu.cycles, 4);
    // Still halted: the cycles pass as reads, nothing else happens.
    let before = bus.log.len();
    assert!(matches!(cpu.run(&mut bus, 10), Exit::Jammed { .. }));
    assert_eq!(cpu.cycles, 14);
    assert!(
        bus.log[before..]
            .iter()
            .all(|&(kind, addr, _)| kind == 'r' && addr == 0x0202)
    );
    assert_eq!(cpu.pc, 0x0202);
    // IRQs do not wake it either.
    bus.irq_at = Some(0);
    cpu.step(&mut bus);
    assert!(cpu.jammed());

    // Reset: two reads at PC, three stack reads with S decrementing, the vector.
    bus.log.clear();
    let s = cpu.s;
    cpu.reset(&mut bus);
    assert!(!cpu.jammed());
    assert_eq!(cpu.pc, 0x0600);
    assert_eq!(cpu.s, s.wrapping_sub(3));
    assert_ne!(cpu.p & FLAG_I, 0);
    let stack = |k: u8| 0x0100 | s.wrapping_sub(k) as u16;
    let addresses: Vec<(char, u16)> = bus.log.iter().map(|&(k, a, _)| (k, a)).collect();
    assert_eq!(
        addresses,
        vec![
            ('r', 0x0202),
            ('r', 0x0202),
            ('r', stack(0)),
            ('r', stack(1)),
            ('r', stack(2)),
            ('r', 0xfffc),
            ('r', 0xfffd),
        ]
    );
    assert_eq!(cpu.run(&mut bus, 4), Exit::Budget);
}

#[test]
fn state_round_trips_through_clone() {
    let mut bus = TestBus::new(0x0200, &[0xa9, 0x12, 0xaa, 0xe8, 0xe8]);
    let mut cpu = cpu_at(0x0200, 0);
    cpu.step(&mut bus);
    let saved = cpu.clone();
    cpu.step(&mut bus);
    cpu.step(&mut bus);
    let after = cpu.clone();
    let mut restored = saved;
    restored.step(&mut bus);
    restored.step(&mut bus);
    assert_eq!(restored, after);
    assert_eq!(after.x, 0x13);
}
