//! Whole-chip behaviour through the public API, with cycle numbers derived from the data
//! sheet and the timing tables of Lorenz's test suite (see `tests/lorenz.rs`).
//!
//! Cycle convention: a write in cycle 0, then `tick` for cycle 1, 2, …; a peek after the
//! n-th tick is what a read in cycle n returns.

use heirloom_cia::{Cia, Model, icr, reg};

fn run(cia: &mut Cia, cycles: usize) {
    for _ in 0..cycles {
        cia.tick();
    }
}

fn set_latch(cia: &mut Cia, lo_reg: u8, value: u16) {
    cia.write(lo_reg, value as u8);
    cia.write(lo_reg + 1, (value >> 8) as u8);
}

fn timer_a(cia: &Cia) -> u16 {
    u16::from(cia.peek(reg::TA_LO)) | (u16::from(cia.peek(reg::TA_HI)) << 8)
}

fn timer_b(cia: &Cia) -> u16 {
    u16::from(cia.peek(reg::TB_LO)) | (u16::from(cia.peek(reg::TB_HI)) << 8)
}

/// Cycles (after the start write in cycle 0) in which timer A's flag appears.
fn timer_a_underflows(cia: &mut Cia, cycles: usize) -> Vec<usize> {
    (1..=cycles)
        .filter(|_| {
            cia.tick();
            cia.read(reg::ICR) & icr::TA != 0
        })
        .collect()
}

/// A chip whose timer A latch is `latch`, already loaded into the stopped counter.
fn with_timer_a(model: Model, latch: u16) -> Cia {
    let mut cia = Cia::new(model);
    set_latch(&mut cia, reg::TA_LO, latch);
    // A high-byte write loads a stopped counter two cycles later (Lorenz LOADTH).
    run(&mut cia, 2);
    assert_eq!(timer_a(&cia), latch);
    cia
}

#[test]
fn reset_state_matches_the_data_sheet() {
    let cia = Cia::new(Model::Mos6526);
    // "The timer latches [are set] to all ones", ports are inputs (read high through the
    // pull-ups), control registers and the interrupt mask are clear.
    assert_eq!(timer_a(&cia), 0xFFFF);
    assert_eq!(timer_b(&cia), 0xFFFF);
    assert_eq!(cia.peek(reg::PRA), 0xFF);
    assert_eq!(cia.peek(reg::PRB), 0xFF);
    assert_eq!(cia.peek(reg::CRA), 0);
    assert_eq!(cia.peek(reg::ICR), 0);
    assert!(!cia.irq());
    assert!(cia.cnt_output() && cia.sp_output() && cia.pc());
}

#[test]
fn start_write_counts_from_the_third_cycle() {
    // CIA1TB123, 00 -> 01: keep, keep, count, count. Latch 100, no force load.
    let mut cia = with_timer_a(Model::Mos6526, 100);
    cia.write(reg::CRA, 0x01);
    let read: Vec<u16> = (0..5)
        .map(|_| {
            cia.tick();
            timer_a(&cia)
        })
        .collect();
    assert_eq!(read, [100, 100, 99, 98, 97]);
}

#[test]
fn continuous_mode_underflows_every_latch_plus_one_cycles() {
    // Started without force load with the counter at 10: decrements in cycles 3..=12, the
    // tenth reaching 0 is the underflow (cycle 2 + latch); then every latch + 1 cycles
    // (the reload drops one decrement, Lorenz CIA1TAB).
    let mut cia = with_timer_a(Model::Mos6526, 10);
    cia.write(reg::CRA, 0x01);
    assert_eq!(timer_a_underflows(&mut cia, 50), [12, 23, 34, 45]);
}

#[test]
fn force_load_restarts_from_the_latch() {
    // Force load in cycle 0 lands in cycle 2 and drops cycle 3's decrement, so the first
    // underflow of a latch-10 timer is in cycle 3 + 10.
    let mut cia = with_timer_a(Model::Mos6526, 10);
    cia.write(reg::CRA, 0x01);
    run(&mut cia, 7);
    assert_eq!(timer_a(&cia), 5);
    cia.write(reg::CRA, 0x11);
    run(&mut cia, 1);
    assert_eq!(timer_a(&cia), 4, "cycle 1 still counts");
    run(&mut cia, 1);
    assert_eq!(timer_a(&cia), 10, "cycle 2 loads");
    assert_eq!(timer_a_underflows(&mut cia, 30), [11, 22]);
}

#[test]
fn one_shot_underflows_once_and_stops_at_the_latch() {
    let mut cia = with_timer_a(Model::Mos6526, 10);
    cia.write(reg::CRA, 0x09);
    assert_eq!(timer_a_underflows(&mut cia, 100), [12]);
    assert_eq!(cia.peek(reg::CRA), 0x08);
    assert_eq!(timer_a(&cia), 10);
    // Restarting runs it once more from the latch.
    cia.write(reg::CRA, 0x09);
    assert_eq!(timer_a_underflows(&mut cia, 100), [12]);
}

#[test]
fn timer_b_counts_timer_a_underflows() {
    let mut cia = with_timer_a(Model::Mos6526, 4);
    set_latch(&mut cia, reg::TB_LO, 3);
    run(&mut cia, 2);
    cia.write(reg::ICR, 0x80 | icr::TB);
    cia.write(reg::CRB, 0x41);
    cia.write(reg::CRA, 0x01);
    // Timer A underflows in cycles 6, 11, 16, 21 (2 + latch, then every 5). Timer B
    // decrements two cycles after each (8: 2, 13: 1, 18: 0) and underflows one cycle after
    // the fourth, which finds it at 0: cycle 22, flag then; the IRQ pin follows in 23 on
    // the old chip.
    let mut tb = Vec::new();
    let mut flag_at = None;
    let mut irq_at = None;
    for cycle in 1..=30 {
        cia.tick();
        tb.push(timer_b(&cia));
        if cia.peek(reg::ICR) & icr::TB != 0 {
            flag_at.get_or_insert(cycle);
        }
        if cia.irq() {
            irq_at.get_or_insert(cycle);
        }
    }
    assert_eq!(tb[7 - 1], 3);
    assert_eq!(tb[8 - 1], 2);
    assert_eq!(tb[13 - 1], 1);
    assert_eq!(tb[18 - 1], 0);
    assert_eq!(tb[21 - 1], 0);
    assert_eq!(tb[22 - 1], 3);
    assert_eq!(flag_at, Some(22));
    assert_eq!(irq_at, Some(23));
}

#[test]
fn timer_b_counts_cnt_rising_edges() {
    let mut cia = Cia::new(Model::Mos6526);
    set_latch(&mut cia, reg::TB_LO, 50);
    run(&mut cia, 2);
    cia.write(reg::CRB, 0x21);
    run(&mut cia, 5);
    for _ in 0..7 {
        cia.set_cnt(false);
        run(&mut cia, 3);
        cia.set_cnt(true);
        run(&mut cia, 3);
    }
    assert_eq!(timer_b(&cia), 50 - 7);
}

#[test]
fn irq_line_timing_old_and_new_models() {
    // Underflow at cycle 2 + latch (counter preloaded, started without force load).
    for (model, irq_delay) in [(Model::Mos6526, 1), (Model::Mos6526A, 0)] {
        let mut cia = with_timer_a(model, 8);
        cia.write(reg::ICR, 0x81);
        cia.write(reg::CRA, 0x01);
        let mut flag_at = None;
        let mut irq_at = None;
        for cycle in 1..=20 {
            cia.tick();
            if cia.peek(reg::ICR) & icr::TA != 0 {
                flag_at.get_or_insert(cycle);
            }
            if cia.irq() {
                irq_at.get_or_insert(cycle);
                assert_eq!(cia.peek(reg::ICR) & icr::IR, icr::IR);
            }
        }
        assert_eq!(flag_at, Some(10), "{model:?}");
        assert_eq!(irq_at, Some(10 + irq_delay), "{model:?}");
        assert_eq!(cia.read(reg::ICR), 0x81, "{model:?}");
        assert!(
            cia.irq(),
            "the pin is released at the end of the reading cycle"
        );
        cia.tick();
        assert!(!cia.irq(), "reading ICR acknowledges");
        assert_eq!(cia.read(reg::ICR), 0x00, "and clears");
    }
}

#[test]
fn new_model_delays_the_interrupt_after_an_icr_read() {
    // 6526A: an ICR read in the cycle before the underflow delays the interrupt by one.
    let mut cia = with_timer_a(Model::Mos6526A, 8);
    cia.write(reg::ICR, 0x81);
    cia.write(reg::CRA, 0x01);
    run(&mut cia, 9);
    assert_eq!(cia.read(reg::ICR), 0);
    cia.tick();
    assert!(!cia.irq());
    assert_eq!(cia.peek(reg::ICR), icr::TA);
    cia.tick();
    assert!(cia.irq());
}

#[test]
fn old_model_timer_b_bug_loses_the_flag_not_the_interrupt() {
    // Timer B preloaded with 8 and started in cycle 0 underflows in cycle 10.
    for (model, value) in [
        (Model::Mos6526, icr::IR),
        (Model::Mos6526A, icr::IR | icr::TB),
    ] {
        let mut cia = Cia::new(model);
        set_latch(&mut cia, reg::TB_LO, 8);
        run(&mut cia, 2);
        cia.write(reg::ICR, 0x80 | icr::TB);
        cia.write(reg::CRB, 0x01);
        run(&mut cia, 9);
        assert_eq!(
            cia.read(reg::ICR),
            0,
            "read in the cycle before the underflow"
        );
        run(&mut cia, 3);
        assert!(cia.irq(), "{model:?}");
        assert_eq!(cia.read(reg::ICR), value, "{model:?}");
    }
}

#[test]
fn icr_mask_set_and_clear() {
    let mut cia = Cia::new(Model::Mos6526);
    cia.write(reg::ICR, 0x80 | icr::TA | icr::ALARM | icr::FLAG);
    cia.write(reg::ICR, icr::ALARM);
    // Only TA and FLAG are enabled now: a FLAG edge interrupts, an alarm does not.
    cia.write(reg::CRB, 0x80);
    cia.write(reg::TOD_TENTHS, 0x01);
    cia.write(reg::TOD_HOURS, 0x01);
    cia.write(reg::CRB, 0x00);
    cia.write(reg::TOD_HOURS, 0x01);
    cia.write(reg::TOD_TENTHS, 0x01); // time equals alarm: the alarm flag is raised
    run(&mut cia, 5);
    assert_eq!(cia.peek(reg::ICR), icr::ALARM);
    assert!(!cia.irq());
    assert_eq!(cia.read(reg::ICR), icr::ALARM);

    cia.set_flag(false);
    cia.set_flag(true);
    cia.tick();
    assert_eq!(
        cia.peek(reg::ICR),
        icr::FLAG,
        "FLAG's falling edge flags in the next cycle"
    );
    cia.tick();
    assert!(
        cia.irq(),
        "enabled: the old chip interrupts one cycle later"
    );
    assert_eq!(cia.read(reg::ICR), icr::IR | icr::FLAG);

    // A rising edge alone does nothing.
    cia.set_flag(false);
    cia.tick();
    cia.read(reg::ICR);
    cia.set_flag(true);
    run(&mut cia, 3);
    assert_eq!(cia.peek(reg::ICR), 0);
}

#[test]
fn pb6_pulse_lasts_exactly_the_underflow_cycle() {
    // Continuous, latch 3 started in cycle 0: underflows in cycles 5, 9, 13 (2 + latch,
    // then every latch + 1). PB6 replaces the port bit even though DDRB says input.
    let mut cia = with_timer_a(Model::Mos6526, 3);
    cia.write(reg::CRA, 0x03);
    let high: Vec<usize> = (1..=14)
        .filter(|_| {
            cia.tick();
            cia.port_b_output() & 0x40 != 0
        })
        .collect();
    assert_eq!(high, [5, 9, 13]);
}

#[test]
fn pb7_toggle_flips_on_each_timer_b_underflow() {
    let mut cia = Cia::new(Model::Mos6526);
    set_latch(&mut cia, reg::TB_LO, 3);
    run(&mut cia, 2);
    cia.write(reg::DDRB, 0xFF);
    cia.write(reg::PRB, 0x00);
    cia.write(reg::CRB, 0x07);
    assert_eq!(
        cia.port_b_output(),
        0x80,
        "the start write sets the toggle line"
    );
    let levels: Vec<u8> = (1..=14)
        .map(|_| {
            cia.tick();
            cia.port_b_output() >> 7
        })
        .collect();
    // Underflows in cycles 5, 9, 13.
    assert_eq!(levels, [1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0]);
    // Switching the output off gives PB7 back to the port register.
    cia.write(reg::CRB, 0x05);
    assert_eq!(cia.port_b_output(), 0x00);
}

#[test]
fn port_output_is_register_or_not_direction_and_reads_the_pins() {
    let mut cia = Cia::new(Model::Mos6526);
    cia.write(reg::PRA, 0b0101_0101);
    cia.write(reg::DDRA, 0b0000_1111);
    assert_eq!(cia.port_a_output(), 0b1111_0101);
    assert_eq!(cia.peek(reg::PRA), 0b1111_0101);
    cia.set_port_a_input(0b0111_1111);
    assert_eq!(
        cia.read(reg::PRA),
        0b0111_0101,
        "an outside device pulls PA7 low"
    );
    assert_eq!(cia.peek(reg::DDRA), 0b0000_1111);
    cia.write(reg::DDRB, 0xFF);
    cia.write(reg::PRB, 0x3C);
    assert_eq!(cia.port_b_output(), 0x3C);
    assert_eq!(cia.port_b_direction(), 0xFF);
}

/// A C64 keyboard: `keys[column]` has bit `row` set for each key held down. Port A drives
/// the columns, port B reads the rows; a held key connects its column and row line, so a
/// low on either side pulls the other low (wired-AND).
fn apply_keyboard(cia: &mut Cia, keys: &[u8; 8]) {
    let columns_out = cia.port_a_output();
    let rows_out = cia.port_b_output();
    let mut rows = 0xFF;
    let mut columns = 0xFF;
    for (column, &held) in keys.iter().enumerate() {
        if columns_out & (1 << column) == 0 {
            rows &= !held;
        }
        if held & !rows_out != 0 {
            columns &= !(1 << column);
        }
    }
    cia.set_port_a_input(columns);
    cia.set_port_b_input(rows);
}

#[test]
fn keyboard_matrix_scan_finds_the_held_keys() {
    let mut keys = [0u8; 8];
    keys[0] |= 1 << 1; // RETURN is column 0, row 1
    keys[1] |= 1 << 7; // LEFT SHIFT is column 1, row 7
    keys[7] |= 1 << 4; // SPACE is column 7, row 4
    let mut cia = Cia::new(Model::Mos6526);
    cia.write(reg::DDRA, 0xFF);
    cia.write(reg::DDRB, 0x00);

    // The KERNAL's first check: all columns low, any row low means a key is down.
    cia.write(reg::PRA, 0x00);
    apply_keyboard(&mut cia, &keys);
    assert_eq!(cia.read(reg::PRB), !((1 << 1) | (1 << 7) | (1 << 4)));

    let mut found = [0u8; 8];
    for (column, slot) in found.iter_mut().enumerate() {
        cia.write(reg::PRA, !(1 << column));
        apply_keyboard(&mut cia, &keys);
        *slot = !cia.read(reg::PRB);
    }
    assert_eq!(found, keys);

    // Scanning the other way (rows driven, columns read) sees the same keys.
    cia.write(reg::DDRA, 0x00);
    cia.write(reg::DDRB, 0xFF);
    cia.write(reg::PRB, !(1 << 4));
    apply_keyboard(&mut cia, &keys);
    assert_eq!(cia.read(reg::PRA), !(1 << 7));
}

#[test]
fn serial_output_sends_a_byte_and_flags_it() {
    // Timer A latch 4 (underflow every 5 cycles), serial output, continuous.
    let mut cia = with_timer_a(Model::Mos6526, 4);
    cia.write(reg::ICR, 0x80 | icr::SP);
    cia.write(reg::CRA, 0x41);
    cia.write(reg::SDR, 0xC5);
    // Underflows in cycles 6, 11, 16, … (2 + latch, then every 5); the first takes the
    // byte. CNT toggles two cycles after each of 16 underflows (8 … 83); the flag is
    // raised two cycles after the fifteenth toggle: 6 + 14 * 5 + 2 + 2 = 80.
    let mut received = 0u16;
    let mut bits = 0;
    let mut cnt_before = cia.cnt_output();
    let mut flag_at = None;
    for cycle in 1..=100 {
        cia.tick();
        let cnt = cia.cnt_output();
        if cnt && !cnt_before {
            received = (received << 1) | u16::from(cia.sp_output());
            bits += 1;
        }
        cnt_before = cnt;
        if cia.peek(reg::ICR) & icr::SP != 0 {
            flag_at.get_or_insert(cycle);
        }
    }
    assert_eq!(bits, 8);
    assert_eq!(received, 0xC5);
    assert_eq!(flag_at, Some(80));
    assert!(cia.irq());
}

#[test]
fn serial_input_shifts_on_cnt_rising_edges() {
    let mut cia = Cia::new(Model::Mos6526);
    cia.write(reg::ICR, 0x80 | icr::SP);
    let byte = 0x3Au8;
    for bit in (0..8).rev() {
        cia.set_sp(byte & (1 << bit) != 0);
        cia.set_cnt(false);
        run(&mut cia, 2);
        assert_eq!(cia.peek(reg::ICR) & icr::SP, 0);
        cia.set_cnt(true);
        cia.tick();
    }
    assert_eq!(cia.peek(reg::ICR) & icr::SP, icr::SP);
    assert_eq!(cia.read(reg::SDR), byte);
}

#[test]
fn tod_counts_power_line_ticks_through_the_registers() {
    let mut cia = Cia::new(Model::Mos6526);
    cia.write(reg::CRA, 0x80); // 50 Hz
    cia.write(reg::TOD_HOURS, 0x11);
    cia.write(reg::TOD_MINUTES, 0x59);
    cia.write(reg::TOD_SECONDS, 0x59);
    cia.write(reg::TOD_TENTHS, 0x00);
    // 9 tenths at 5 ticks each, then one more tenth: 11:59:59.9 AM -> 12:00:00.0 PM.
    for _ in 0..45 {
        cia.tod_tick();
    }
    assert_eq!(cia.read(reg::TOD_HOURS), 0x11);
    assert_eq!(cia.read(reg::TOD_MINUTES), 0x59);
    assert_eq!(cia.read(reg::TOD_SECONDS), 0x59);
    assert_eq!(cia.read(reg::TOD_TENTHS), 0x09);
    for _ in 0..5 {
        cia.tod_tick();
    }
    assert_eq!(cia.read(reg::TOD_HOURS), 0x92);
    assert_eq!(cia.read(reg::TOD_TENTHS), 0x00);

    // Reading hours latches: the clock runs on, the reads stay consistent.
    assert_eq!(cia.read(reg::TOD_HOURS), 0x92);
    for _ in 0..10 {
        cia.tod_tick();
    }
    assert_eq!(cia.read(reg::TOD_SECONDS), 0x00);
    assert_eq!(cia.read(reg::TOD_TENTHS), 0x00);
    assert_eq!(cia.read(reg::TOD_TENTHS), 0x02, "released");

    // Writing hours stops the clock until tenths are written.
    cia.write(reg::TOD_HOURS, 0x01);
    for _ in 0..50 {
        cia.tod_tick();
    }
    assert_eq!(cia.read(reg::TOD_HOURS), 0x01);
    assert_eq!(cia.read(reg::TOD_TENTHS), 0x02);
    cia.write(reg::TOD_TENTHS, 0x05);
    for _ in 0..5 {
        cia.tod_tick();
    }
    assert_eq!(cia.read(reg::TOD_TENTHS), 0x06);
}

#[test]
fn tod_at_sixty_hz_needs_six_ticks_per_tenth() {
    let mut cia = Cia::new(Model::Mos6526);
    cia.write(reg::TOD_HOURS, 0x01);
    cia.write(reg::TOD_TENTHS, 0x00);
    for _ in 0..60 {
        cia.tod_tick();
    }
    assert_eq!(cia.read(reg::TOD_SECONDS), 0x01);
    assert_eq!(cia.read(reg::TOD_TENTHS), 0x00);
}

#[test]
fn tod_alarm_raises_the_interrupt() {
    let mut cia = Cia::new(Model::Mos6526);
    cia.write(reg::CRA, 0x80);
    cia.write(reg::ICR, 0x80 | icr::ALARM);
    cia.write(reg::CRB, 0x80);
    // Seconds first: alarm hours 1 with seconds 0 would equal the reset time 1:00:00.0
    // and match at once.
    cia.write(reg::TOD_SECONDS, 0x01);
    cia.write(reg::TOD_HOURS, 0x01);
    cia.write(reg::TOD_MINUTES, 0x00);
    cia.write(reg::TOD_TENTHS, 0x00);
    cia.write(reg::CRB, 0x00);
    assert_eq!(
        cia.read(reg::TOD_SECONDS),
        0x00,
        "alarm writes leave the time alone"
    );
    cia.read(reg::TOD_TENTHS);
    cia.write(reg::TOD_HOURS, 0x01);
    cia.write(reg::TOD_TENTHS, 0x00);
    // One second at 50 Hz is 50 ticks; the 50th makes the time equal to the alarm.
    for _ in 0..49 {
        cia.tod_tick();
        cia.tick();
    }
    run(&mut cia, 5);
    assert!(!cia.irq());
    cia.tod_tick();
    cia.tick();
    assert_eq!(cia.peek(reg::ICR), icr::ALARM);
    cia.tick();
    assert!(cia.irq());
}

#[test]
fn writing_12_to_hours_flips_pm() {
    let mut cia = Cia::new(Model::Mos6526);
    cia.write(reg::TOD_HOURS, 0x12);
    assert_eq!(cia.read(reg::TOD_HOURS), 0x92);
    cia.read(reg::TOD_TENTHS);
    cia.write(reg::TOD_HOURS, 0x92);
    assert_eq!(cia.read(reg::TOD_HOURS), 0x12);
}

#[test]
fn pc_goes_low_for_one_cycle_after_a_port_b_access() {
    let mut cia = Cia::new(Model::Mos6526);
    cia.read(reg::PRB);
    assert!(cia.pc());
    cia.tick();
    assert!(!cia.pc());
    cia.tick();
    assert!(cia.pc());
    cia.read(reg::PRA);
    cia.tick();
    assert!(cia.pc(), "port A accesses do not pulse PC");
}

#[test]
fn reset_keeps_pins_and_model_and_clears_registers() {
    let mut cia = Cia::new(Model::Mos6526A);
    cia.write(reg::DDRA, 0xFF);
    cia.write(reg::CRA, 0x01);
    cia.set_port_b_input(0x0F);
    run(&mut cia, 10);
    cia.reset();
    assert_eq!(cia.model(), Model::Mos6526A);
    assert_eq!(cia.peek(reg::DDRA), 0);
    assert_eq!(cia.peek(reg::CRA), 0);
    assert_eq!(timer_a(&cia), 0xFFFF);
    assert_eq!(cia.peek(reg::PRB), 0x0F);
}

#[test]
fn enabling_a_set_flag_interrupts_after_the_model_delay() {
    // A mask write in cycle 0 acts from tick 1 like a fresh interrupt condition: the
    // 6526A asserts in cycle 1, the 6526 one cycle later (its usual delay).
    for (model, at) in [(Model::Mos6526A, 1), (Model::Mos6526, 2)] {
        let mut cia = Cia::new(model);
        cia.set_flag(false);
        run(&mut cia, 3);
        assert_eq!(cia.peek(reg::ICR), icr::FLAG);
        cia.write(reg::ICR, 0x80 | icr::FLAG);
        let first = (1..=5).find(|_| {
            cia.tick();
            cia.irq()
        });
        assert_eq!(first, Some(at), "{model:?}");
    }
}

#[test]
fn timer_a_counts_cnt_edges_and_flags_its_underflow() {
    // CNT mode: each rising edge is one count, through the same pipeline as φ2 counts:
    // the underflow check one cycle after the edge is seen, the decrement two cycles
    // after. As timer B in Lorenz's CIA1TAB table, the counter reaches 0 without an
    // underflow and sits there until the next count, whose check then underflows.
    let mut cia = with_timer_a(Model::Mos6526, 3);
    cia.write(reg::CRA, 0x21);
    run(&mut cia, 4);
    for edge in 1..=4u16 {
        cia.set_cnt(false);
        cia.tick();
        cia.set_cnt(true);
        cia.tick(); // edge seen
        cia.tick(); // underflow check
        if edge < 4 {
            assert_eq!(timer_a(&cia), 3 - (edge - 1));
            cia.tick(); // decrement
            assert_eq!(timer_a(&cia), 3 - edge);
            assert_eq!(cia.peek(reg::ICR), 0);
        } else {
            assert_eq!(cia.peek(reg::ICR), icr::TA, "the check finds 0");
            assert_eq!(timer_a(&cia), 3, "reloaded");
            cia.tick();
            assert_eq!(timer_a(&cia), 3, "the reload drops the decrement");
        }
    }
}
