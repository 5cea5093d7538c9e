//! The `wasm` part: C programs on Heirloom's two engines, wasmtime and native code.
//!
//! 1. The criterion bench of heirloom-jit measures the JIT and the interpreter and prints
//!    a `workload` line per program: its name, the arguments of `run`, the result and the
//!    C source. Those lines are the single description of the workloads.
//! 2. The same sources, compiled to wasm with the flags the bench uses, run on wasmtime
//!    in the standalone `bench/wasm-peers` crate (kept out of the workspace and CI).
//! 3. The same sources, with a small driver per program from `bench/wasm-peers/native`,
//!    are built by clang -O2 and run natively.
//!
//! Every figure is the best of several runs (for Heirloom's engines: the fastest
//! criterion sample per iteration). All engines must return the same result.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use super::Bench;
use crate::{cargo, project_root};

/// The C compiler for both the wasm modules and the native builds.
const CLANG: &str = "clang-22";

/// How many times the peers compile and run each program; the best time counts.
const RUNS: u32 = 10;

/// The peers crate, relative to the project root.
const PEERS: &str = "bench/wasm-peers";

/// The criterion group of the small-module figure.
const SMALL_MODULE: &str = "small module instantiate and first call";

/// Heirloom's engines: their names in the criterion bench.
const HEIRLOOM_ENGINES: [&str; 2] = ["heirloom cranelift", "heirloom interpreter"];

/// One program as the criterion bench announced it.
#[derive(Debug, PartialEq)]
pub(super) struct Workload {
    /// The program's name (its source's stem).
    pub(super) name: String,
    /// The arguments of `run`, comma-separated.
    pub(super) args: String,
    /// The result of `run` on Heirloom's engines.
    pub(super) result: String,
    /// The C source.
    pub(super) source: PathBuf,
}

impl Workload {
    /// Reads `workload NAME run(ARGS) = RESULT from SOURCE`.
    pub(super) fn parse(line: &str) -> Option<Workload> {
        let rest = line.strip_prefix("workload ")?;
        let (name, rest) = rest.split_once(' ')?;
        let (args, rest) = rest.strip_prefix("run(")?.split_once(") = ")?;
        let (result, source) = rest.split_once(" from ")?;
        Some(Workload {
            name: name.to_owned(),
            args: args.to_owned(),
            result: result.to_owned(),
            source: PathBuf::from(source),
        })
    }
}

/// One engine's figures on one program.
#[derive(Debug, PartialEq)]
pub(super) struct Figures {
    /// Compile time in milliseconds.
    pub(super) compile_ms: f64,
    /// Run time in milliseconds.
    pub(super) run_ms: f64,
    /// The result, as written by the engine.
    pub(super) result: String,
}

/// A row of the report.
struct Row {
    /// The program.
    program: String,
    /// The engine.
    engine: String,
    /// What the engine measured.
    figures: Figures,
}

/// Runs the whole comparison and prints the table.
pub(super) fn run(bench: &Bench) -> Result<(), String> {
    let target = crate::test::cargo_target_dir();
    let criterion = target.join("criterion");
    let output = run_echoing(
        cargo()
            .args(["bench", "--package", bench.package, "--bench", bench.target])
            .env("CRITERION_HOME", &criterion),
    )?;
    let workloads: Vec<Workload> = output.lines().filter_map(Workload::parse).collect();
    if workloads.is_empty() {
        return Err(format!(
            "the {} bench ran no program ({CLANG} missing? `cargo xtask setup` installs it)",
            bench.package
        ));
    }

    let build = target.join("wasm-bench");
    std::fs::create_dir_all(&build)
        .map_err(|err| format!("cannot create {}: {err}", build.display()))?;
    let mut rows = Vec::new();
    for workload in &workloads {
        for engine in HEIRLOOM_ENGINES {
            let group = |what: &str| criterion.join(format!("{} {what}", workload.name));
            rows.push(Row {
                program: workload.name.clone(),
                engine: engine.to_owned(),
                figures: Figures {
                    compile_ms: best_sample_ms(&group("compile").join(engine))?,
                    run_ms: best_sample_ms(&group("run").join(engine))?,
                    result: workload.result.clone(),
                },
            });
        }
    }
    let wasmtime = wasmtime_version().map_or("wasmtime".to_owned(), |v| format!("wasmtime {v}"));
    for (workload, figures) in workloads.iter().zip(wasmtime_figures(&workloads, &build)?) {
        rows.push(Row {
            program: workload.name.clone(),
            engine: wasmtime.clone(),
            figures,
        });
    }
    for workload in &workloads {
        rows.push(Row {
            program: workload.name.clone(),
            engine: format!("native {CLANG} -O2"),
            figures: native_figures(workload, &build)?,
        });
    }
    // One block per program, the engines in the order above.
    rows.sort_by_key(|row| workloads.iter().position(|w| w.name == row.program));
    let small = criterion.join(SMALL_MODULE);
    let small_ms = [
        best_sample_ms(&small.join(HEIRLOOM_ENGINES[0]))?,
        best_sample_ms(&small.join(HEIRLOOM_ENGINES[1]))?,
    ];

    print_report(&workloads, &rows, small_ms, &wasmtime);
    check_agreement(&workloads, &rows)
}

/// Runs `command`, echoing its standard output as it comes, and returns that output.
fn run_echoing(command: &mut Command) -> Result<String, String> {
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot run {command:?}: {err}"))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut output = String::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|err| format!("reading the output of {command:?}: {err}"))?;
        println!("{line}");
        output.push_str(&line);
        output.push('\n');
    }
    let status = child
        .wait()
        .map_err(|err| format!("waiting for {command:?}: {err}"))?;
    if status.success() {
        Ok(output)
    } else {
        Err(format!("{command:?} failed with {status}"))
    }
}

/// The fastest time per iteration, in milliseconds, among the samples criterion
/// saved for one benchmark (`DIR/new/sample.json`).
fn best_sample_ms(dir: &Path) -> Result<f64, String> {
    let file = dir.join("new/sample.json");
    let text = std::fs::read_to_string(&file)
        .map_err(|err| format!("cannot read {}: {err}", file.display()))?;
    best_per_iteration_ns(&text)
        .map(|ns| ns / 1e6)
        .ok_or_else(|| format!("{} holds no samples", file.display()))
}

/// From criterion's saved samples (`{"iters":[…],"times":[…],…}`, times in
/// nanoseconds per sample): the fastest time per iteration.
pub(super) fn best_per_iteration_ns(json: &str) -> Option<f64> {
    let iters = json_numbers(json, "iters")?;
    let times = json_numbers(json, "times")?;
    if iters.len() != times.len() {
        return None;
    }
    iters
        .iter()
        .zip(&times)
        .filter(|&(&n, _)| n > 0.0)
        .map(|(n, t)| t / n)
        .min_by(f64::total_cmp)
}

/// The array of numbers under `key` in a flat JSON object.
fn json_numbers(json: &str, key: &str) -> Option<Vec<f64>> {
    let start = json.find(&format!("\"{key}\":["))? + key.len() + 4;
    let list = &json[start..start + json[start..].find(']')?];
    list.split(',')
        .map(|number| number.trim().parse().ok())
        .collect()
}

/// The wasmtime version the peers crate's lock file pins.
fn wasmtime_version() -> Option<String> {
    let lock = std::fs::read_to_string(project_root().join(PEERS).join("Cargo.lock")).ok()?;
    let rest = &lock[lock.find("name = \"wasmtime\"\nversion = \"")? + 29..];
    Some(rest[..rest.find('"')?].to_owned())
}

/// Compiles `source` to a freestanding wasm module at `-O2`, as the criterion bench
/// does.
fn compile_wasm(source: &Path, output: &Path) -> Result<(), String> {
    crate::run_command(
        Command::new(CLANG)
            .args([
                "--target=wasm32-unknown-unknown",
                "-O2",
                "-nostdlib",
                "-Wl,--no-entry",
                "-o",
            ])
            .arg(output)
            .arg(source),
    )
}

/// Every workload on wasmtime, through the peers crate, in workload order.
fn wasmtime_figures(workloads: &[Workload], build: &Path) -> Result<Vec<Figures>, String> {
    let mut jobs = Vec::new();
    for workload in workloads {
        let module = build.join(format!("{}.wasm", workload.name));
        compile_wasm(&workload.source, &module)?;
        jobs.push(format!("{}={}", module.display(), workload.args));
    }
    let manifest = format!("{PEERS}/Cargo.toml");
    let output = run_echoing(
        cargo()
            .args(["run", "--release", "--manifest-path", &manifest, "--"])
            .args(["--runs", &RUNS.to_string()])
            .args(&jobs),
    )?;
    workloads
        .iter()
        .map(|workload| {
            output
                .lines()
                .find_map(|line| {
                    let rest = line.strip_prefix("wasmtime ")?;
                    parse_figures(rest.strip_prefix(&workload.name)?.strip_prefix(' ')?)
                })
                .ok_or_else(|| format!("wasm-peers reported nothing on {}", workload.name))
        })
        .collect()
}

/// Reads `compile_ms=C run_ms=R result=V` (compile time optional: zero when absent).
pub(super) fn parse_figures(text: &str) -> Option<Figures> {
    let mut figures = Figures {
        compile_ms: 0.0,
        run_ms: f64::NAN,
        result: String::new(),
    };
    for field in text.split_whitespace() {
        match field.split_once('=')? {
            ("compile_ms", ms) => figures.compile_ms = ms.parse().ok()?,
            ("run_ms", ms) => figures.run_ms = ms.parse().ok()?,
            ("result", value) => figures.result = value.to_owned(),
            _ => return None,
        }
    }
    (!figures.run_ms.is_nan() && !figures.result.is_empty()).then_some(figures)
}

/// Builds `workload` natively with its driver (compile time: the whole clang -O2 build,
/// linking included) and runs it [`RUNS`] times; run time is the fastest call of
/// `run` as the driver times it, process start and exit left out.
fn native_figures(workload: &Workload, build: &Path) -> Result<Figures, String> {
    let driver = project_root()
        .join(PEERS)
        .join(format!("native/{}_main.c", workload.name));
    let binary = build.join(format!("{}-native", workload.name));
    let start = Instant::now();
    crate::run_command(
        Command::new(CLANG)
            .args(["-O2", "-Wno-unknown-attributes", "-o"])
            .arg(&binary)
            .arg(&driver)
            .arg(&workload.source),
    )?;
    let compile_ms = start.elapsed().as_secs_f64() * 1e3;
    let mut best: Option<Figures> = None;
    for _ in 0..RUNS {
        let output = Command::new(&binary)
            .args(workload.args.split(','))
            .output()
            .map_err(|err| format!("cannot run {}: {err}", binary.display()))?;
        let text = String::from_utf8_lossy(&output.stdout);
        let figures = parse_figures(text.trim())
            .filter(|_| output.status.success())
            .ok_or_else(|| format!("{} failed: {text}", binary.display()))?;
        if best.as_ref().is_none_or(|b| figures.run_ms < b.run_ms) {
            best = Some(figures);
        }
    }
    let best = best.ok_or("no native run")?;
    Ok(Figures { compile_ms, ..best })
}

/// Prints the side-by-side table and how the goals fare.
fn print_report(workloads: &[Workload], rows: &[Row], small_ms: [f64; 2], wasmtime: &str) {
    println!();
    println!("xtask: wasm engines, best of several runs (ms)");
    println!(
        "{:<10} {:<22} {:>12} {:>12} {:>12}",
        "program", "engine", "compile ms", "run ms", "run/native"
    );
    for row in rows {
        let native = native_run_ms(rows, &row.program);
        println!(
            "{:<10} {:<22} {:>12.3} {:>12.3} {:>11.2}x",
            row.program,
            row.engine,
            row.figures.compile_ms,
            row.figures.run_ms,
            row.figures.run_ms / native
        );
    }
    println!(
        "small module instantiate + first call: {} {:.4} ms, {} {:.4} ms",
        HEIRLOOM_ENGINES[0], small_ms[0], HEIRLOOM_ENGINES[1], small_ms[1]
    );
    println!(
        "compile: Heirloom decodes, validates and instantiates (code generation included); \
         {wasmtime} runs Module::new and instantiates as part of its run; \
         native is the clang -O2 build"
    );

    println!();
    println!("xtask: goals");
    let met = |ok: bool| if ok { "met" } else { "NOT met" };
    for workload in workloads {
        let figures = |engine: &str| {
            rows.iter()
                .find(|row| row.program == workload.name && row.engine.starts_with(engine))
                .map(|row| &row.figures)
        };
        let (Some(jit), Some(peer)) = (figures(HEIRLOOM_ENGINES[0]), figures("wasmtime")) else {
            continue;
        };
        println!(
            "{}: JIT run {:.3} ms <= wasmtime {:.3} ms: {}; JIT compile {:.3} ms <= half of \
             wasmtime {:.3} ms: {}",
            workload.name,
            jit.run_ms,
            peer.run_ms,
            met(jit.run_ms <= peer.run_ms),
            jit.compile_ms,
            peer.compile_ms,
            met(jit.compile_ms * 2.0 <= peer.compile_ms)
        );
    }
    println!(
        "small module instantiate + first call on the JIT {:.4} ms < 1 ms: {}",
        small_ms[0],
        met(small_ms[0] < 1.0)
    );
}

/// The native run time of `program` (NaN when there is none).
fn native_run_ms(rows: &[Row], program: &str) -> f64 {
    rows.iter()
        .find(|row| row.program == program && row.engine.starts_with("native"))
        .map_or(f64::NAN, |row| row.figures.run_ms)
}

/// Fails unless every engine returned the Heirloom engines' result on every program.
fn check_agreement(workloads: &[Workload], rows: &[Row]) -> Result<(), String> {
    let disagreements: Vec<String> = rows
        .iter()
        .filter_map(|row| {
            let workload = workloads.iter().find(|w| w.name == row.program)?;
            (row.figures.result != workload.result).then(|| {
                format!(
                    "{} on {} returned {}, Heirloom {}",
                    row.program, row.engine, row.figures.result, workload.result
                )
            })
        })
        .collect();
    if disagreements.is_empty() {
        println!("xtask: every engine returned the same result on every program");
        Ok(())
    } else {
        Err(format!(
            "the engines disagree: {}",
            disagreements.join("; ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn reads_workload_lines() {
        assert_eq!(
            Workload::parse("workload sma run(1000000,30,10) = 10001674.576425 from /b/sma.c"),
            Some(Workload {
                name: "sma".into(),
                args: "1000000,30,10".into(),
                result: "10001674.576425".into(),
                source: PathBuf::from("/b/sma.c"),
            })
        );
        assert_eq!(Workload::parse("sma compile/heirloom cranelift"), None);
        assert_eq!(Workload::parse("workload sma run(1) 5 from x.c"), None);
    }

    #[test]
    fn reads_engine_figures() {
        assert_eq!(
            parse_figures("compile_ms=35.125 run_ms=100.5 result=1055116723"),
            Some(Figures {
                compile_ms: 35.125,
                run_ms: 100.5,
                result: "1055116723".into(),
            })
        );
        assert_eq!(
            parse_figures("result=2.500000 run_ms=7"),
            Some(Figures {
                compile_ms: 0.0,
                run_ms: 7.0,
                result: "2.500000".into(),
            })
        );
        assert_eq!(parse_figures("run_ms=7"), None);
        assert_eq!(parse_figures("run_ms=fast result=1"), None);
    }

    #[test]
    fn picks_the_fastest_criterion_sample() {
        let json =
            r#"{"sampling_mode":"Linear","iters":[10.0,20.0,30.0],"times":[1000.0,1800.0,3300.0]}"#;
        assert_eq!(best_per_iteration_ns(json), Some(90.0));
        assert_eq!(best_per_iteration_ns(r#"{"iters":[1.0],"times":[]}"#), None);
        assert_eq!(best_per_iteration_ns(r#"{"times":[1.0]}"#), None);
    }
}
