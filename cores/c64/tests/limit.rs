//! The `limit-cycles` option (VICE's `-limitcycles`): the run stops once the machine has
//! run that many cycles since power-on, and stays stopped.

mod common;

use common::{prg, run_frames, test_roms};
use heirloom_c64::{C64, RomSet};
use heirloom_shell::{Core, InputState, Media, ResetKind, Stop};

/// Runs `frames` frames with no input.
fn run(c64: &mut C64, frames: usize) {
    run_frames(c64, frames, &InputState::default());
}

fn cycles(c64: &C64) -> u64 {
    c64.machine().board.cycles
}

/// More cycles than one instruction can take: 7, plus the VIC-II's DMA holding the CPU
/// (a bad line's 40 + 3, every sprite's 2 + the 3 of warning).
const ONE_INSTRUCTION: u64 = 7 + 43 + 8 * 2 + 3;

/// Cycles of one pass of [`COUNTER_LOOP`]: `INC zp` (5) and `JMP abs` (3).
const PASS: u64 = 8;

/// Counts passes in $02, forever.
const COUNTER_LOOP: &str = "
* = $1000
loop:   inc $02
        jmp loop
";

/// A machine just switched on, its CPU sent straight to [`COUNTER_LOOP`] with $02 = 0.
/// The CPU has interrupts masked after its reset, and the VIC-II's display is off at
/// power-on (no bad lines, no sprites), so every pass takes exactly [`PASS`] cycles.
fn counting_machine() -> C64 {
    let mut c64 = C64::new(test_roms());
    let program = prg(COUNTER_LOOP);
    c64.write_memory("ram", 0x1000, &program[2..]).unwrap();
    c64.write_memory("ram", 0x02, &[0]).unwrap();
    c64.machine_mut().cpu.pc = 0x1000;
    c64
}

fn passes(c64: &C64) -> u8 {
    let mut counter = [0];
    c64.read_memory("ram", 0x02, &mut counter).unwrap();
    counter[0]
}

#[test]
fn the_run_stops_exactly_at_the_limit_and_stays_stopped() {
    let mut c64 = counting_machine();
    let start = cycles(&c64);
    assert_eq!(start, 7, "the reset sequence");
    // Over four frames' worth, so the limit falls in the middle of a later frame.
    let wanted_passes = 10_000;
    let limit = start + wanted_passes * PASS;
    c64.set_option("limit-cycles", &limit.to_string()).unwrap();
    assert_eq!(c64.option("limit-cycles").unwrap(), limit.to_string());
    run(&mut c64, 10);
    assert_eq!(cycles(&c64), limit);
    assert_eq!(c64.machine().cpu.cycles, limit, "the CPU's clock agrees");
    assert_eq!(
        passes(&c64),
        (wanted_passes % 256) as u8,
        "not one pass more or less"
    );
    assert_eq!(c64.machine().cpu.pc, 0x1000, "between two passes");
    assert_eq!(c64.stopped(), Some(Stop::CycleLimit { cycles: limit }));
    assert_eq!(c64.exit_code(), None, "a limit is not the program's exit");

    run(&mut c64, 5);
    assert_eq!(cycles(&c64), limit, "a stopped machine runs nothing");
    assert_eq!(passes(&c64), (wanted_passes % 256) as u8);
    assert_eq!(c64.stopped(), Some(Stop::CycleLimit { cycles: limit }));
    c64.reset(ResetKind::Soft);
    assert!(
        c64.stopped().is_some(),
        "a soft reset does not restart the count"
    );

    // Lifting the limit lets the machine go on from where it stopped.
    c64.set_option("limit-cycles", "0").unwrap();
    assert_eq!(c64.stopped(), None);
    run(&mut c64, 1);
    assert!(cycles(&c64) > limit);
}

#[test]
fn an_instruction_under_way_at_the_limit_is_finished() {
    let wanted_passes = 1_000;
    let boundary = 7 + wanted_passes * PASS;
    // The limit falls one cycle into the next pass's INC (5 cycles): the INC finishes.
    let mut c64 = counting_machine();
    c64.set_option("limit-cycles", &(boundary + 1).to_string())
        .unwrap();
    run(&mut c64, 1);
    assert_eq!(cycles(&c64), boundary + 5);
    assert_eq!(passes(&c64), (wanted_passes + 1) as u8);
    assert_eq!(c64.machine().cpu.pc, 0x1002, "stopped before the JMP");
    assert_eq!(
        c64.stopped(),
        Some(Stop::CycleLimit {
            cycles: boundary + 1
        })
    );
    // One cycle into the JMP (3 cycles): the JMP finishes, no further INC starts.
    let mut c64 = counting_machine();
    c64.set_option("limit-cycles", &(boundary + 6).to_string())
        .unwrap();
    run(&mut c64, 1);
    assert_eq!(cycles(&c64), boundary + PASS);
    assert_eq!(passes(&c64), (wanted_passes + 1) as u8);
    assert_eq!(c64.machine().cpu.pc, 0x1000);
}

#[test]
fn a_program_that_exits_first_ends_with_its_own_code() {
    let limit = 2_000_000;
    let exits = prg("* = $c000\n jmp start\nstart: lda #42\n sta $d7ff\nloop: jmp loop\n");
    let loops = prg("* = $c000\n jmp start\nstart: inc $d020\n jmp start\n");
    let mut results = Vec::new();
    for program in [exits, loops] {
        let mut c64 = C64::new(test_roms());
        c64.set_option("debugcart", "on").unwrap();
        c64.set_option("limit-cycles", &limit.to_string()).unwrap();
        c64.load(Media::new("test.prg", program)).unwrap();
        run(&mut c64, 150);
        results.push((c64.stopped(), cycles(&c64)));
    }
    let (exit, exit_cycles) = results[0];
    assert_eq!(exit, Some(Stop::Exit(42)));
    assert!(exit_cycles < limit, "it exited before the limit");
    let (limited, limited_cycles) = results[1];
    assert_eq!(limited, Some(Stop::CycleLimit { cycles: limit }));
    assert!(
        (limit..limit + ONE_INSTRUCTION).contains(&limited_cycles),
        "{limited_cycles}"
    );
}

#[test]
fn limit_0_never_stops_and_bad_limits_are_refused() {
    let mut c64 = counting_machine();
    assert_eq!(c64.option("limit-cycles").unwrap(), "0", "the default");
    c64.set_option("limit-cycles", "100").unwrap();
    c64.set_option("limit-cycles", "0").unwrap();
    assert_eq!(c64.option("limit-cycles").unwrap(), "0");
    run(&mut c64, 120);
    assert_eq!(c64.stopped(), None);
    assert!(cycles(&c64) > 119 * 19_656, "{}", cycles(&c64));

    for bad in ["-1", "1e6", "2M", "", "18446744073709551616"] {
        let err = c64.set_option("limit-cycles", bad).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "option `limit-cycles` does not accept `{bad}` \
                 (accepted: a whole number from 0 to 18446744073709551615)"
            )
        );
    }
    assert_eq!(
        c64.option("limit-cycles").unwrap(),
        "0",
        "a refused value changes nothing"
    );
}

#[test]
fn a_hard_reset_restarts_the_count_under_the_same_limit() {
    let limit = 50_000;
    let mut c64 = counting_machine();
    c64.set_option("limit-cycles", &limit.to_string()).unwrap();
    run(&mut c64, 5);
    assert!(c64.stopped().is_some());
    c64.reset(ResetKind::Hard);
    assert_eq!(cycles(&c64), 7);
    assert_eq!(c64.stopped(), None);
    assert_eq!(c64.option("limit-cycles").unwrap(), limit.to_string());
    run(&mut c64, 5);
    assert_eq!(c64.stopped(), Some(Stop::CycleLimit { cycles: limit }));
    assert!((limit..limit + PASS).contains(&cycles(&c64)));
}

#[test]
fn a_loaded_state_keeps_the_limit_set_and_one_past_it_stays_stopped() {
    let mut c64 = counting_machine();
    run(&mut c64, 3);
    let saved_at = cycles(&c64);
    let state = c64.save_state();

    // A limit ahead of the state's clock: the run goes on to it.
    let mut other = C64::new(test_roms());
    let limit = saved_at + 800;
    other
        .set_option("limit-cycles", &limit.to_string())
        .unwrap();
    other.load_state(&state).unwrap();
    assert_eq!(other.option("limit-cycles").unwrap(), limit.to_string());
    let before = passes(&other);
    run(&mut other, 1);
    assert_eq!(other.stopped(), Some(Stop::CycleLimit { cycles: limit }));
    // Whether the state was saved before an INC or before a JMP, 800 cycles on is the end
    // of the 100th INC.
    assert_eq!(cycles(&other), limit);
    assert_eq!(passes(&other), before.wrapping_add(100));

    // A limit the state's clock is already past: stopped at once, nothing runs.
    let mut late = C64::new(test_roms());
    late.set_option("limit-cycles", "1000").unwrap();
    late.load_state(&state).unwrap();
    assert_eq!(late.stopped(), Some(Stop::CycleLimit { cycles: 1000 }));
    run(&mut late, 2);
    assert_eq!(cycles(&late), saved_at);
}

#[test]
fn the_open_rom_s_charged_routine_time_counts_as_real_cycles() {
    // Booting the open ROM runs traps whose time is charged and spent later; the limit
    // counts those cycles as they pass, as the chips see them.
    let mut free = C64::new(RomSet::open_rom());
    run(&mut free, 100);
    assert!(free.screen_text().unwrap().contains("READY."));
    let free_cycles = cycles(&free);

    for limit in [free_cycles / 7, free_cycles / 3, free_cycles / 2 + 1] {
        let mut c64 = C64::new(RomSet::open_rom());
        c64.set_option("limit-cycles", &limit.to_string()).unwrap();
        run(&mut c64, 100);
        let stopped_at = cycles(&c64);
        assert!(
            (limit..limit + ONE_INSTRUCTION).contains(&stopped_at),
            "limit {limit}: stopped at {stopped_at}"
        );
        assert_eq!(c64.machine().cpu.cycles, stopped_at);
        assert_eq!(c64.stopped(), Some(Stop::CycleLimit { cycles: limit }));
    }
}
