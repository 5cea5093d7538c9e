//! Raster timing: bad lines, BA/AEC, c-accesses, raster interrupts.

mod common;
use common::*;
use heirloom_vic2::{CYCLES_PER_FRAME, Vic};

/// Per cycle of `line` (index 1–63): BA low, AEC low, and whether a colour RAM read
/// (c-access) happened.
fn line_trace(vic: &mut Vic, mem: &mut Mem, line: u16) -> Vec<(u8, bool, bool, bool)> {
    let previous = if line == 0 { 311 } else { line - 1 };
    run_to(vic, mem, previous, 63);
    let mut trace = Vec::new();
    for _ in 0..63 {
        let reads = mem.colour_reads;
        vic.tick(mem);
        assert_eq!(vic.raster(), line);
        trace.push((
            vic.cycle(),
            vic.ba_low(),
            vic.aec_low(),
            mem.colour_reads > reads,
        ));
    }
    trace
}

fn cycles_where(
    trace: &[(u8, bool, bool, bool)],
    pick: impl Fn(&(u8, bool, bool, bool)) -> bool,
) -> Vec<u8> {
    trace.iter().filter(|t| pick(t)).map(|t| t.0).collect()
}

#[test]
fn bad_line_pulls_ba_low_in_cycles_12_to_54_and_fetches_in_15_to_54() {
    let (mut vic, mut mem) = text_setup();
    let trace = line_trace(&mut vic, &mut mem, 0x33);
    assert!(vic.bad_line());
    assert_eq!(cycles_where(&trace, |t| t.1), (12..=54).collect::<Vec<_>>());
    assert_eq!(cycles_where(&trace, |t| t.2), (15..=54).collect::<Vec<_>>());
    assert_eq!(cycles_where(&trace, |t| t.3), (15..=54).collect::<Vec<_>>());

    let trace = line_trace(&mut vic, &mut mem, 0x34);
    assert!(!vic.bad_line());
    assert!(cycles_where(&trace, |t| t.1 || t.2 || t.3).is_empty());
}

#[test]
fn bad_lines_follow_yscroll_and_need_den_in_line_0x30() {
    for yscroll in 0..8u8 {
        let (mut vic, mut mem) = text_setup();
        vic.write(0x11, 0x18 | yscroll);
        run_frame(&mut vic, &mut mem);
        let mut bad = Vec::new();
        for _ in 0..CYCLES_PER_FRAME {
            vic.tick(&mut mem);
            if vic.cycle() == 20 && vic.bad_line() {
                bad.push(vic.raster());
            }
        }
        let expected: Vec<u16> = (0x30..=0xf7)
            .filter(|l| l & 7 == u16::from(yscroll))
            .collect();
        assert_eq!(bad, expected, "yscroll {yscroll}");
        assert_eq!(bad.len(), 25);
    }

    // DEN off during the whole of line $30: no bad line in the frame, even when DEN is
    // switched on later.
    let (mut vic, mut mem) = text_setup();
    vic.write(0x11, 0x0b);
    run_to(&mut vic, &mut mem, 0x31, 1);
    vic.write(0x11, 0x1b);
    let mut any = false;
    for _ in 0..63 * 250 {
        vic.tick(&mut mem);
        any |= vic.bad_line() || vic.ba_low();
    }
    assert!(!any);

    // DEN set only in the last cycle of line $30 still counts.
    let (mut vic, mut mem) = text_setup();
    vic.write(0x11, 0x0b);
    run_to(&mut vic, &mut mem, 0x30, 62);
    vic.write(0x11, 0x1b);
    run_to(&mut vic, &mut mem, 0x33, 20);
    assert!(vic.bad_line());
}

#[test]
fn late_bad_line_reads_ff_in_the_first_three_cycles() {
    // Switching YSCROLL to match in cycle 29 makes a bad line from cycle 30: BA low from
    // 30, the CPU keeps the bus (AEC high) for 3 cycles, then c-accesses read memory.
    let (mut vic, mut mem) = text_setup();
    vic.write(0x11, 0x1c);
    run_to(&mut vic, &mut mem, 0x33, 29);
    assert!(!vic.ba_low());
    vic.write(0x11, 0x1b);
    let mut trace = Vec::new();
    for _ in 30..=63 {
        let reads = mem.colour_reads;
        vic.tick(&mut mem);
        trace.push((
            vic.cycle(),
            vic.ba_low(),
            vic.aec_low(),
            mem.colour_reads > reads,
        ));
    }
    assert_eq!(cycles_where(&trace, |t| t.1), (30..=54).collect::<Vec<_>>());
    assert_eq!(cycles_where(&trace, |t| t.2), (33..=54).collect::<Vec<_>>());
    assert_eq!(cycles_where(&trace, |t| t.3), (33..=54).collect::<Vec<_>>());
}

#[test]
fn raster_irq_fires_in_cycle_1_and_in_cycle_2_of_line_0() {
    for target in [0u16, 1, 100, 0x100, 311] {
        let mut vic = Vic::new();
        let mut mem = Mem::new();
        vic.write(0x12, target as u8);
        vic.write(0x11, ((target >> 1) & 0x80) as u8);
        vic.write(0x1a, 0x01);
        run_frame(&mut vic, &mut mem);
        vic.write(0x19, 0xff);
        let mut fired = None;
        for _ in 0..CYCLES_PER_FRAME {
            vic.tick(&mut mem);
            if vic.irq() {
                fired = Some((vic.raster(), vic.cycle()));
                break;
            }
        }
        let cycle = if target == 0 { 2 } else { 1 };
        assert_eq!(fired, Some((target, cycle)), "compare {target}");
    }
}

#[test]
fn raster_register_reads_311_in_cycle_1_of_line_0() {
    let mut vic = Vic::new();
    let mut mem = Mem::new();
    run_to(&mut vic, &mut mem, 0, 1);
    assert_eq!(vic.read(0x12), 311u16 as u8);
    assert_eq!(vic.read(0x11) & 0x80, 0x80);
    vic.tick(&mut mem);
    assert_eq!(vic.read(0x12), 0);
    assert_eq!(vic.read(0x11) & 0x80, 0);
    run_to(&mut vic, &mut mem, 0x123, 30);
    assert_eq!(vic.read(0x12), 0x23);
    assert_eq!(vic.read(0x11) & 0x80, 0x80);
}

#[test]
fn irq_register_semantics() {
    let mut vic = Vic::new();
    let mut mem = Mem::new();
    vic.write(0x12, 50);
    run_to(&mut vic, &mut mem, 50, 1);
    // Latched but not enabled: no IRQ output, bit 7 clear.
    assert_eq!(vic.read(0x19), 0x71);
    assert!(!vic.irq());
    vic.write(0x1a, 0xff);
    assert_eq!(vic.read(0x1a), 0xff);
    assert!(vic.irq());
    assert_eq!(vic.read(0x19), 0xf1);
    // Writing 0 acknowledges nothing; writing 1 clears.
    vic.write(0x19, 0x00);
    assert!(vic.irq());
    vic.write(0x19, 0x01);
    assert!(!vic.irq());
    assert_eq!(vic.read(0x19), 0x70);
    vic.write(0x1a, 0x00);
    assert_eq!(vic.read(0x1a), 0xf0);
    // Writing a compare equal to the current line raises it at once.
    run_to(&mut vic, &mut mem, 60, 20);
    vic.write(0x12, 60);
    assert_eq!(vic.read(0x19), 0x71);
}

#[test]
fn sprite_dma_steals_the_right_cycles() {
    // Sprite 0 at Y=100: DMA starts in cycle 55 of line 100, BA low 55–59.
    let (mut vic, mut mem) = text_setup();
    vic.write(0x11, 0x0b); // display off: no bad lines
    vic.write(0x15, 0x01);
    vic.write(0x01, 100);
    let trace = line_trace(&mut vic, &mut mem, 100);
    assert_eq!(cycles_where(&trace, |t| t.1), (55..=59).collect::<Vec<_>>());
    assert_eq!(cycles_where(&trace, |t| t.2), vec![58, 59]);
    let trace = line_trace(&mut vic, &mut mem, 101);
    assert_eq!(cycles_where(&trace, |t| t.1), (55..=59).collect::<Vec<_>>());

    // Sprite 7 at Y=100: its fetches are in cycles 9 and 10 of the following lines,
    // BA low 6–10.
    let (mut vic, mut mem) = text_setup();
    vic.write(0x11, 0x0b);
    vic.write(0x15, 0x80);
    vic.write(0x0f, 100);
    let trace = line_trace(&mut vic, &mut mem, 100);
    assert!(cycles_where(&trace, |t| t.1).is_empty());
    let trace = line_trace(&mut vic, &mut mem, 101);
    assert_eq!(cycles_where(&trace, |t| t.1), (6..=10).collect::<Vec<_>>());
    assert_eq!(cycles_where(&trace, |t| t.2), vec![9, 10]);
    // 21 lines of data: lines 101–121 fetch, line 122 does not.
    let trace = line_trace(&mut vic, &mut mem, 121);
    assert_eq!(cycles_where(&trace, |t| t.1), (6..=10).collect::<Vec<_>>());
    let trace = line_trace(&mut vic, &mut mem, 122);
    assert!(cycles_where(&trace, |t| t.1).is_empty());

    // Sprites 0 and 1 together: one BA window 55–61.
    let (mut vic, mut mem) = text_setup();
    vic.write(0x11, 0x0b);
    vic.write(0x15, 0x03);
    vic.write(0x01, 100);
    vic.write(0x03, 100);
    let trace = line_trace(&mut vic, &mut mem, 101);
    assert_eq!(cycles_where(&trace, |t| t.1), (55..=61).collect::<Vec<_>>());
}

#[test]
fn accesses_of_a_line_use_the_documented_addresses() {
    let (mut vic, mut mem) = text_setup();
    vic.write(0x15, 0x01);
    vic.write(0x01, 0x40);
    mem.bank[0x07f8] = 0x80; // sprite 0 pointer: data at $2000
    run_to(&mut vic, &mut mem, 0x40, 63);
    mem.log = true;
    run_to(&mut vic, &mut mem, 0x41, 63);
    let f = &mem.fetches;
    assert_eq!(f.len(), 65);
    // Cycles 1–10: pointers of sprites 3–7 ($07FB…$07FF), idle accesses between.
    assert_eq!(&f[0..4], &[0x07fb, 0x3fff, 0x07fc, 0x3fff]);
    assert_eq!(f[8], 0x07ff);
    // Cycles 11–15: refresh, counting down.
    assert_eq!(f[10] & 0xff00, 0x3f00);
    assert_eq!(f[11], f[10] - 1);
    assert_eq!(f[14], f[10] - 4);
    // Cycles 16–55: character data of row 6 of the second text line (character 0).
    assert!(f[15..55].iter().all(|&a| a == 0x1006));
    // Cycles 56, 57 idle; 58: pointer of sprite 0, then MC 3, 4, 5 of its data.
    assert_eq!(&f[55..57], &[0x3fff, 0x3fff]);
    assert_eq!(&f[57..61], &[0x07f8, 0x2003, 0x2004, 0x2005]);
    assert_eq!(&f[61..], &[0x07f9, 0x3fff, 0x07fa, 0x3fff]);
}
