//! BASIC runs at the speed of a real C64: published benchmarks typed into the open ROM,
//! timed in emulated machine cycles, each within ±30% of the real machine's time.
//!
//! The Rugg/Feldman benchmarks BM1-BM8 (Kilobaud, June 1977; BM8 added by John Coll in
//! Personal Computer World, February 1978), listings as in Wikipedia's article
//! "Rugg/Feldman benchmarks". BM1-BM7 reference times: that article's results table,
//! Commodore 64 row (1.2, 9.3, 17.6, 19.5, 21.0, 29.5 and 47.5 s). BM8 (100 passes, as
//! PCW ran it): 12.43 s, measured on a PAL C64 (BASIC 2.0 at 0.985 MHz) in a published
//! comparison table of the PCW benchmarks whose C64 column gives 1.35, 9.48, 18.02,
//! 19.88, 21.47, 31.98 and 50.50 s for BM1-BM7, within 3-8% of the row above.
//!
//! Loops, GOSUB, IF, DEF FN, maths, strings and arrays: bench64 by Stewart Russell
//! (github.com/scruss/bench64, 2020), whose tests each run 60 s on an NTSC C64; the
//! pass counts in its listing's DATA line are the reference. Each test here runs a tenth
//! of them, in bench64's own statements, with its variables made in the same order; the
//! same cycles on the PAL clock give the expected seconds.
//!
//! No published C64 time for a PRINT-heavy program was found, so none is checked.

use heirloom_c64::C64;
use heirloom_shell::Core;

mod typing;

use typing::{booted, direct, frames, output_after, session};

/// Cycles a PAL C64 runs in a second.
const PAL_HZ: f64 = 985_248.0;
/// Cycles in a PAL frame.
const FRAME_CYCLES: f64 = 19_656.0;
/// How far a measured time may be from the real machine's.
const TOLERANCE: f64 = 0.30;

/// A benchmark: its name, its listing, the seconds a C64 takes, and what `PRINT K`
/// shows after it (the loop really ran its course).
struct Benchmark {
    name: &'static str,
    listing: &'static str,
    seconds: f64,
    k: &'static str,
}

/// BM1-BM8 (the lines between the start and end markers) and a C64's times.
const BENCHMARKS: &[Benchmark] = &[
    Benchmark {
        name: "BM1",
        listing: "20 FOR K=1 TO 1000\n40 NEXT K\n",
        seconds: 1.2,
        k: " 1001\n\n",
    },
    Benchmark {
        name: "BM2",
        listing: "20 K=0\n30 K=K+1\n50 IF K<1000 THEN 30\n",
        seconds: 9.3,
        k: " 1000\n\n",
    },
    Benchmark {
        name: "BM3",
        listing: "20 K=0\n30 K=K+1\n40 A=K/K*K+K-K\n50 IF K<1000 THEN 30\n",
        seconds: 17.6,
        k: " 1000\n\n",
    },
    Benchmark {
        name: "BM4",
        listing: "20 K=0\n30 K=K+1\n40 A=K/2*3+4-5\n50 IF K<1000 THEN 30\n",
        seconds: 19.5,
        k: " 1000\n\n",
    },
    Benchmark {
        name: "BM5",
        listing: "20 K=0\n30 K=K+1\n40 A=K/2*3+4-5\n45 GOSUB 700\n\
                  50 IF K<1000 THEN 30\n60 GOTO 800\n700 RETURN\n",
        seconds: 21.0,
        k: " 1000\n\n",
    },
    Benchmark {
        name: "BM6",
        listing: "20 K=0\n25 DIM M(5)\n30 K=K+1\n40 A=K/2*3+4-5\n45 GOSUB 700\n\
                  46 FOR L=1 TO 5\n48 NEXT L\n50 IF K<1000 THEN 30\n60 GOTO 800\n\
                  700 RETURN\n",
        seconds: 29.5,
        k: " 1000\n\n",
    },
    Benchmark {
        name: "BM7",
        listing: "20 K=0\n25 DIM M(5)\n30 K=K+1\n40 A=K/2*3+4-5\n45 GOSUB 700\n\
                  46 FOR L=1 TO 5\n47 M(L)=A\n48 NEXT L\n50 IF K<1000 THEN 30\n\
                  60 GOTO 800\n700 RETURN\n",
        seconds: 47.5,
        k: " 1000\n\n",
    },
    Benchmark {
        name: "BM8",
        listing: "20 K=0\n30 K=K+1\n40 A=K^2\n45 B=LOG(K)\n46 C=SIN(K)\n\
                  50 IF K<100 THEN 30\n",
        seconds: 12.43,
        k: " 100\n\n",
    },
];

/// Types `program` (which prints `START` when it starts timing and `DONE` when it ends)
/// into a fresh machine, runs it, and counts the machine cycles from `START` appearing
/// to `DONE` appearing: seconds of emulated time. Checks that the program printed
/// nothing else and that `PRINT check` then shows `expected` (the loop ran its course).
fn measure(name: &str, program: &str, check: &str, expected: &str) -> f64 {
    let (seconds, mut c64) = run_timed(name, program);
    let command = format!("PRINT {check}");
    assert_eq!(direct(&mut c64, &command), expected, "{name}");
    seconds
}

/// Types and runs `program` as [`measure`] does: the seconds from `START` to `DONE`, and
/// the machine at `READY.` after it.
fn run_timed(name: &str, program: &str) -> (f64, C64) {
    let mut c64 = booted();
    frames(&mut c64, 10 + 4 * program.chars().count(), program);
    frames(&mut c64, 1, "RUN\n");
    let mut started = None;
    for _ in 0..(200.0 * PAL_HZ / FRAME_CYCLES) as usize {
        let screen = c64.screen_text().unwrap_or_default();
        let now = c64.machine().board.cycles;
        if started.is_none() && screen.contains("\nSTART\n") {
            started = Some(now);
        }
        if screen.contains("\nDONE\n") {
            let start = started.unwrap_or(now);
            let screen = session(&mut c64, "", 500);
            assert_eq!(output_after(&screen, "RUN"), "START\nDONE\n\n", "{name}");
            return ((now - start) as f64 / PAL_HZ, c64);
        }
        frames(&mut c64, 1, "");
    }
    panic!(
        "{name}: no DONE within 200 s:\n{}",
        c64.screen_text().unwrap_or_default()
    );
}

/// The routines the open ROM's traps stand for run with interrupts enabled, as on a
/// C64: the jiffy clock keeps counting while BASIC computes, though a transcendental
/// function takes several jiffies.
#[test]
fn the_jiffy_clock_keeps_time_while_basic_computes() {
    let program = "10 T=TI:PRINT \"START\"\n\
                   20 FOR I=1 TO 30:A=SIN(I)+TAN(I)+I^1.5:NEXT\n\
                   30 PRINT \"DONE\":T=TI-T\n";
    let (seconds, mut c64) = run_timed("jiffies", program);
    let jiffies: f64 = direct(&mut c64, "PRINT T")
        .trim()
        .parse()
        .expect("a number");
    // The CIA timer's jiffy: 1/60 s of the PAL clock. Printing START and DONE and the
    // frame in which each shows cost a few jiffies either way.
    let expected = seconds * 60.0;
    assert!(
        expected > 60.0 && (jiffies - expected).abs() <= 4.0,
        "TI counted {jiffies} jiffies in {seconds:.2} s ({expected:.1} expected)"
    );
}

/// Compares measured seconds with the real machine's; fails listing every case when
/// any is off by more than [`TOLERANCE`].
fn compare(results: &[(&str, f64, f64)]) {
    let mut report = String::new();
    let mut failed = false;
    for &(name, seconds, measured) in results {
        let ratio = measured / seconds;
        let ok = (1.0 - TOLERANCE..=1.0 + TOLERANCE).contains(&ratio);
        failed |= !ok;
        report += &format!(
            "{name:8} C64 {seconds:6.2} s  measured {measured:6.2} s  ratio {ratio:.2}{}\n",
            if ok { "" } else { "  OUT OF RANGE" }
        );
    }
    println!("{report}");
    assert!(!failed, "outside ±30% of a C64:\n{report}");
}

#[test]
fn rugg_feldman_benchmarks_run_at_a_c64s_speed() {
    let results: Vec<_> = BENCHMARKS
        .iter()
        .map(|benchmark| {
            let program = format!(
                "5 PRINT \"ST\"+\"ART\"\n{}800 PRINT \"DO\"+\"NE\"\n",
                benchmark.listing
            );
            let measured = measure(benchmark.name, &program, "K", benchmark.k);
            (benchmark.name, benchmark.seconds, measured)
        })
        .collect();
    compare(&results);
}

/// The NTSC C64's clock, which bench64's reference figures were timed on.
const NTSC_HZ: f64 = 1_022_727.0;

/// bench64's set-up: its variables made in the order its own listing makes them, so
/// that finding them costs what it costs there, and the subroutine at line 40.
const BENCH64_SETUP: &str = "\
1 GOTO 100
40 RETURN
100 DIM K(8),R(8):I=0:DEF FNM(X)=2+X-INT(X/10)*10
110 DEF FNR(X)=INT(0.5+X):DEF FNP(X)=FNR(10*X)/10:B=1
120 Q$=\"ABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890\":DIM S(12)
130 FOR I=1 TO 12:S(I)=I:NEXT I:X=1:Y=1:T=0
140 PRINT \"ST\"+\"ART\"
";

/// bench64's tests: the name, the loop, and how many passes a NTSC C64 makes in 60 s
/// (the counts in the listing's DATA line). Each runs a tenth of that here.
const BENCH64: &[(&str, &str, u32)] = &[
    ("FOR", "150 FOR I=1 TO N\n160 NEXT I\n", 40_468),
    (
        "GOTO",
        "150 FOR I=1 TO N\n160 GOTO 170\n170 NEXT I\n",
        26_522,
    ),
    (
        "GOSUB",
        "150 FOR I=1 TO N\n160 GOSUB 40\n170 NEXT I\n",
        21_046,
    ),
    ("IF", "150 FOR I=1 TO N\n160 IF I>0 THEN NEXT I\n", 14_568),
    ("FN", "150 FOR I=1 TO N\n160 X=FNM(I)\n170 NEXT I\n", 3_642),
    (
        "MATHS",
        "150 FOR I=1 TO N\n160 Y=(TAN(ATN(SQR(Y*Y)))+1)/Y\n170 NEXT I\n",
        383,
    ),
    (
        "STRING",
        "150 FOR I=1 TO N\n160 Q$=RIGHT$(Q$,35)+LEFT$(Q$,1)\n170 NEXT I\n",
        4_933,
    ),
    (
        "ARRAY",
        "150 FOR I=1 TO N\n160 X=FNM(I)\n170 S(X)=(S(X-1)+S(X)+S(X+1))/3\n180 NEXT I\n",
        1_675,
    ),
];

#[test]
fn bench64_loops_strings_and_maths_run_at_a_c64s_speed() {
    let results: Vec<_> = BENCH64
        .iter()
        .map(|&(name, body, count)| {
            let passes = count / 10;
            let body = body.replace("TO N", &format!("TO {passes}"));
            let program = format!("{BENCH64_SETUP}{body}900 PRINT \"DO\"+\"NE\"\n");
            let expected = format!(" {}\n\n", passes + 1);
            let measured = measure(name, &program, "I", &expected);
            // The same cycles on the PAL clock.
            let seconds = 60.0 * f64::from(passes) / f64::from(count) * NTSC_HZ / PAL_HZ;
            (name, seconds, measured)
        })
        .collect();
    compare(&results);
}
