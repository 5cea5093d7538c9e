//! The CIA timing tables of Wolfgang Lorenz's C64 test suite 2.15 (its documentation,
//! `Test_Suite_2_15.txt`), reproduced on the bare chip.
//!
//! Cycle convention (see the crate docs): the chip ticks, then the cycle's bus access
//! happens, so a write "in cycle 0" is followed by `tick` for cycle 1 and a read after
//! that tick is the read "1 cycle after the write", the suite's "cycle 1".

use heirloom_cia::{Cia, Model, icr, reg};

/// Sets a timer's latch through its low and high registers.
fn set_latch(cia: &mut Cia, lo_reg: u8, value: u16) {
    cia.write(lo_reg, value as u8);
    cia.write(lo_reg + 1, (value >> 8) as u8);
}

fn timer_b(cia: &Cia) -> u16 {
    u16::from(cia.peek(reg::TB_LO)) | (u16::from(cia.peek(reg::TB_HI)) << 8)
}

fn timer_a(cia: &Cia) -> u16 {
    u16::from(cia.peek(reg::TA_LO)) | (u16::from(cia.peek(reg::TA_HI)) << 8)
}

fn run(cia: &mut Cia, cycles: usize) {
    for _ in 0..cycles {
        cia.tick();
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Step {
    Keep,
    Count,
    Load,
}

/// `CIA1TB123`: timer B 1–3 (and 4) cycles after writing CRB.
#[test]
fn timer_b_one_to_three_cycles_after_writing_crb() {
    use Step::*;
    // (#1, #2, sequence) straight from the table: #1 and #2 are the values written to CRB,
    // bits 4 (force load) and 0 (start).
    let table = [
        (0x00, 0x01, [Keep, Keep, Count, Count]),
        (0x00, 0x10, [Keep, Load, Keep, Keep]),
        (0x00, 0x11, [Keep, Load, Keep, Count]),
        (0x01, 0x11, [Count, Load, Keep, Count]),
        (0x01, 0x10, [Count, Load, Keep, Keep]),
        (0x01, 0x00, [Count, Count, Keep, Keep]),
    ];
    const LATCH: u16 = 0x4000;
    for (first, second, expected) in table {
        let mut cia = Cia::new(Model::Mos6526);
        set_latch(&mut cia, reg::TB_LO, LATCH);
        cia.write(reg::CRB, 0x01);
        // Run away from the latch value so a load is visible, then settle in mode #1.
        run(&mut cia, 100);
        cia.write(reg::CRB, first);
        run(&mut cia, 10);

        cia.write(reg::CRB, second);
        let mut previous = timer_b(&cia);
        let mut seen = Vec::new();
        for _ in 0..4 {
            cia.tick();
            let now = timer_b(&cia);
            seen.push(if now == LATCH && previous != LATCH {
                Load
            } else if now == previous {
                Keep
            } else {
                assert_eq!(now, previous - 1, "{first:02x}->{second:02x}");
                Count
            });
            previous = now;
        }
        assert_eq!(seen, expected, "CRB {first:02x} -> {second:02x}");
    }
}

/// `CIA1TAB`: both latches 2, timer A counts φ2 with a PB6 pulse, timer B counts timer A
/// underflows with a PB7 toggle, IMR $02.
#[test]
fn cascaded_timers_pb_and_icr_table() {
    let ta = [
        0x01, 0x02, 0x02, 0x01, 0x02, 0x02, 0x01, 0x02, 0x02, 0x01, 0x02, 0x02,
    ];
    let tb = [
        0x02, 0x02, 0x02, 0x01, 0x01, 0x01, 0x00, 0x00, 0x02, 0x02, 0x02, 0x02,
    ];
    let pb = [
        0x80, 0xC0, 0x80, 0x80, 0xC0, 0x80, 0x80, 0xC0, 0x00, 0x00, 0x40, 0x00,
    ];
    let flags = [
        0x00, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x03, 0x83, 0x83, 0x83,
    ];

    let mut cia = Cia::new(Model::Mos6526);
    set_latch(&mut cia, reg::TA_LO, 2);
    set_latch(&mut cia, reg::TB_LO, 2);
    // Let the latch-high writes load both stopped counters.
    run(&mut cia, 3);
    cia.write(reg::ICR, 0x80 | icr::TB);
    // Cycle 0: start both with a force load. CRB: count TA underflows (bits 6-5 = 10),
    // PB7 toggle (bits 2, 1), start. CRA: PB6 pulse (bit 1), start.
    cia.write(reg::CRB, 0x57);
    cia.write(reg::CRA, 0x13);
    // The load lands in cycle 2, cycle 3's decrement is dropped, so timer A reads 1 in
    // cycle 4: the table's first column.
    run(&mut cia, 4);
    for column in 0..12 {
        assert_eq!(cia.peek(reg::TA_LO), ta[column], "TA column {}", column + 1);
        assert_eq!(cia.peek(reg::TB_LO), tb[column], "TB column {}", column + 1);
        assert_eq!(
            cia.peek(reg::PRB) & 0xC0,
            pb[column],
            "PB column {}",
            column + 1
        );
        assert_eq!(
            cia.peek(reg::ICR),
            flags[column],
            "ICR column {}",
            column + 1
        );
        cia.tick();
    }
}

/// A chip with timer A (latch `latch`) started by a CRA write with force load in cycle 0
/// and its interrupt enabled. Underflows happen in cycle `3 + latch` and every
/// `latch + 1` cycles after (the load in cycle 2 drops the decrement of cycle 3).
fn timer_a_started(model: Model, latch: u16, cra: u8) -> Cia {
    let mut cia = Cia::new(model);
    set_latch(&mut cia, reg::TA_LO, latch);
    run(&mut cia, 3);
    cia.write(reg::ICR, 0x80 | icr::TA);
    cia.write(reg::CRA, cra | 0x10);
    cia
}

/// `ICR01`: reads ICR around an underflow at `t` and checks whether the interrupt follows.
#[test]
fn icr_read_around_an_underflow() {
    const LATCH: u16 = 20;
    let t = 3 + usize::from(LATCH);
    // (offset from t, value read, interrupt afterwards)
    for (offset, read, interrupt) in [(-1isize, 0x00, true), (0, 0x01, false), (1, 0x81, true)] {
        let mut cia = timer_a_started(Model::Mos6526, LATCH, 0x01);
        let at = t.checked_add_signed(offset).unwrap();
        run(&mut cia, at);
        assert_eq!(cia.read(reg::ICR), read, "read at t{offset:+}");
        let mut seen = offset == 1;
        for _ in 0..3 {
            cia.tick();
            seen |= cia.irq();
        }
        assert_eq!(seen, interrupt, "interrupt after a read at t{offset:+}");
    }
}

/// `IMR`: enabling a flag that is already set interrupts; disabling it again does not
/// withdraw the interrupt; only reading ICR does.
#[test]
fn imr_enables_a_pending_flag_and_never_withdraws() {
    for model in [Model::Mos6526, Model::Mos6526A] {
        let mut cia = timer_a_started(model, 5, 0x09);
        cia.write(reg::ICR, icr::TA); // disable again
        run(&mut cia, 20);
        assert_eq!(cia.peek(reg::ICR), icr::TA);
        assert!(!cia.irq());
        cia.write(reg::ICR, 0x80 | icr::TA);
        run(&mut cia, 2);
        assert!(cia.irq(), "{model:?}");
        cia.write(reg::ICR, icr::TA);
        run(&mut cia, 5);
        assert!(
            cia.irq(),
            "{model:?}: clearing the mask keeps the interrupt"
        );
        assert_eq!(cia.read(reg::ICR), 0x80 | icr::TA);
        cia.tick();
        assert!(!cia.irq());
    }
}

/// `FLIPOS`: setting and clearing the one-shot bit around an underflow at `t`. Set must
/// take effect at `t - 1`, clear at `t - 2`.
#[test]
fn flip_one_shot_around_an_underflow() {
    const LATCH: u16 = 10;
    let t = 3 + usize::from(LATCH);
    // (write cycle relative to t, one-shot before, timer stops at t)
    let cases = [
        (-2isize, false, true), // set at t-2: stop
        (-1, false, true),      // set at t-1: stop
        (0, false, false),      // set at t: count
        (-2, true, false),      // clear at t-2: count
        (-1, true, true),       // clear at t-1: stop
        (0, true, true),        // clear at t: stop
    ];
    for (offset, one_shot_before, stops) in cases {
        let before = if one_shot_before { 0x09 } else { 0x01 };
        let after = before ^ 0x08;
        let mut cia = timer_a_started(Model::Mos6526, LATCH, before);
        let write_at = t.checked_add_signed(offset).unwrap();
        run(&mut cia, write_at);
        if write_at < t {
            cia.write(reg::CRA, after);
            run(&mut cia, t - write_at);
        }
        // Cycle t: the underflow has happened; a write in this cycle comes after it.
        assert_eq!(cia.peek(reg::ICR) & icr::TA, icr::TA, "underflow at t");
        let stopped = cia.peek(reg::CRA) & 1 == 0;
        assert_eq!(stopped, stops, "write {after:02x} at t{offset:+}");
        // A stopped timer stays at its reloaded latch value, a running one counts on.
        run(&mut cia, 3);
        let counting = timer_a(&cia) != LATCH;
        assert_eq!(counting, !stops, "write {after:02x} at t{offset:+}");
    }
}

/// `ONESHOT`: CRA read in one-shot mode with an underflow at `t`: $09 at `t - 1`, $08 at
/// `t`.
#[test]
fn one_shot_clears_the_start_bit_in_the_underflow_cycle() {
    const LATCH: u16 = 6;
    let t = 3 + usize::from(LATCH);
    let mut cia = timer_a_started(Model::Mos6526, LATCH, 0x09);
    run(&mut cia, t - 1);
    assert_eq!(cia.read(reg::CRA), 0x09);
    cia.tick();
    assert_eq!(cia.read(reg::CRA), 0x08);
    assert_eq!(timer_a(&cia), LATCH, "reloaded and stopped");
}

/// `LOADTH`: writing the latch high byte loads the counter only while it is stopped; the
/// low byte never does.
#[test]
fn latch_high_byte_loads_only_a_stopped_counter() {
    // Stopped, high byte: load (through the load pipeline: visible 2 cycles later).
    let mut cia = Cia::new(Model::Mos6526);
    cia.write(reg::TA_LO, 0x34);
    run(&mut cia, 5);
    assert_eq!(timer_a(&cia), 0xFFFF, "low byte, stopped: no load");
    cia.write(reg::TA_HI, 0x12);
    run(&mut cia, 2);
    assert_eq!(timer_a(&cia), 0x1234);

    // Running: neither byte loads.
    cia.write(reg::CRA, 0x01);
    run(&mut cia, 50);
    let before = timer_a(&cia);
    cia.write(reg::TA_HI, 0x7F);
    cia.write(reg::TA_LO, 0x00);
    run(&mut cia, 3);
    assert_eq!(timer_a(&cia), before - 3);
}

/// `CNTO2`: switching the timer input between φ2 and CNT takes two cycles.
#[test]
fn switching_between_phi2_and_cnt_takes_two_cycles() {
    let mut cia = Cia::new(Model::Mos6526);
    set_latch(&mut cia, reg::TA_LO, 0x1000);
    cia.write(reg::CRA, 0x11);
    run(&mut cia, 20);
    // φ2 → CNT (no CNT edges arrive): two more decrements, then none.
    let start = timer_a(&cia);
    cia.write(reg::CRA, 0x21);
    let values: Vec<u16> = (0..5)
        .map(|_| {
            cia.tick();
            start - timer_a(&cia)
        })
        .collect();
    assert_eq!(values, [1, 2, 2, 2, 2]);
    // CNT → φ2: the first decrement in cycle 3.
    let start = timer_a(&cia);
    cia.write(reg::CRA, 0x01);
    let values: Vec<u16> = (0..5)
        .map(|_| {
            cia.tick();
            start - timer_a(&cia)
        })
        .collect();
    assert_eq!(values, [0, 0, 1, 2, 3]);
}

/// `CNTDEF`: CNT is high by default, so timer B in "timer A underflows while CNT is high"
/// mode (CRB $61) counts.
#[test]
fn cnt_is_high_by_default() {
    let mut cia = Cia::new(Model::Mos6526);
    set_latch(&mut cia, reg::TA_LO, 9);
    set_latch(&mut cia, reg::TB_LO, 100);
    run(&mut cia, 3);
    cia.write(reg::CRB, 0x61);
    cia.write(reg::CRA, 0x11);
    // Timer A underflows in cycles 12, 22, 32, … (3 + latch, then every latch + 1).
    run(&mut cia, 3 + 9 + 10 * 9 + 2);
    assert_eq!(timer_b(&cia), 100 - 10);

    // Holding CNT low stops it.
    cia.set_cnt(false);
    run(&mut cia, 100);
    assert_eq!(timer_b(&cia), 100 - 10);
}

/// `CIA1PB6`/`CIA1PB7`: with the timer output enabled, PB6/PB7 read 0 in pulse mode and
/// 1 in toggle mode right after the write, whatever came before; the toggle line goes to
/// 0 at the first underflow and only a rising start bit sets it again.
#[test]
fn pb6_pb7_levels_after_control_writes() {
    for (cr_reg, bit) in [(reg::CRA, 0x40u8), (reg::CRB, 0x80)] {
        for old in 0..8u8 {
            for new in 0..32u8 {
                let new = new & 0x17;
                if new & 0x02 == 0 {
                    continue; // PBxOut clear: the pin is not the timer's
                }
                let mut cia = Cia::new(Model::Mos6526);
                cia.write(cr_reg, 0x08 | old);
                cia.tick();
                cia.write(cr_reg, 0x08 | new);
                let level = cia.peek(reg::PRB) & bit != 0;
                assert_eq!(level, new & 0x04 != 0, "{cr_reg:x}: {old:02x} -> {new:02x}");
            }
        }

        let lo = if cr_reg == reg::CRA {
            reg::TA_LO
        } else {
            reg::TB_LO
        };
        let mut cia = Cia::new(Model::Mos6526);
        set_latch(&mut cia, lo, 5);
        run(&mut cia, 3);
        cia.write(cr_reg, 0x0F); // one-shot, toggle, PB on, start
        run(&mut cia, 20);
        assert_eq!(cia.peek(reg::PRB) & bit, 0, "toggled to 0 by the underflow");
        cia.write(cr_reg, 0x06);
        cia.write(lo, 9);
        cia.write(lo + 1, 0);
        cia.tick();
        assert_eq!(cia.peek(reg::PRB) & bit, 0, "other writes leave it at 0");
        cia.write(cr_reg, 0x07);
        assert_eq!(cia.peek(reg::PRB) & bit, bit, "a rising start bit sets it");
    }
}
