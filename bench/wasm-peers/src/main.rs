//! The peer engine of `cargo xtask bench wasm`: wasmtime's compile and run times on the
//! modules Heirloom's engines are measured on.
//!
//! `wasm-peers [--runs N] FILE.wasm[=ARG,ARG...]...`
//!
//! For each module it calls the `run` export with the given arguments (parsed by the
//! export's parameter types) and prints one line:
//!
//! `wasmtime NAME compile_ms=C run_ms=R result=V`
//!
//! where NAME is the file's stem, C is the best time of `Module::new` (decoding,
//! validation and code generation), R is the best time of instantiating on a fresh store
//! and calling `run` once, each over N runs (default 5), and V is the result, written as
//! the Heirloom bench writes it (integers as unsigned decimals, floats with six decimals)
//! so the results of every engine can be compared.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use wasmtime::{Engine, Instance, Module, Store, Val, ValType};

/// How the program is called.
const USAGE: &str = "usage: wasm-peers [--runs N] FILE.wasm[=ARG,ARG...]...";

/// One module to measure and the arguments of its `run` export, as written.
struct Job {
    /// The compiled module.
    path: PathBuf,
    /// The arguments, still text: their types come from the export.
    args: Vec<String>,
}

/// What one module measured.
struct Measurement {
    /// The fastest `Module::new`.
    compile: Duration,
    /// The fastest instantiation plus call of `run`.
    run: Duration,
    /// The result of `run`, written for comparison.
    result: String,
}

fn main() -> ExitCode {
    match parse_command_line(std::env::args().skip(1)) {
        Ok((runs, jobs)) => {
            let engine = Engine::default();
            for job in &jobs {
                match measure(&engine, job, runs) {
                    Ok(measured) => println!(
                        "wasmtime {} compile_ms={:.3} run_ms={:.3} result={}",
                        name(&job.path),
                        millis(measured.compile),
                        millis(measured.run),
                        measured.result
                    ),
                    Err(err) => {
                        eprintln!("wasm-peers: {}: {err:#}", job.path.display());
                        return ExitCode::FAILURE;
                    }
                }
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("wasm-peers: {err:#}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Reads `[--runs N] FILE.wasm[=ARG,ARG...]...`: the number of runs and the jobs.
fn parse_command_line(args: impl Iterator<Item = String>) -> Result<(u32, Vec<Job>)> {
    let mut runs = 5;
    let mut jobs = Vec::new();
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        if arg == "--runs" {
            let count = args.next().context("--runs needs a number")?;
            runs = count
                .parse()
                .ok()
                .filter(|&n| n > 0)
                .with_context(|| format!("--runs {count}: not a positive number"))?;
            continue;
        }
        let (path, list) = arg.rsplit_once('=').unwrap_or((&arg, ""));
        let args = list
            .split(',')
            .filter(|text| !text.is_empty())
            .map(str::to_owned)
            .collect();
        jobs.push(Job {
            path: PathBuf::from(path),
            args,
        });
    }
    if jobs.is_empty() {
        bail!("no module given");
    }
    Ok((runs, jobs))
}

/// Compiles `job`'s module `runs` times and runs it `runs` times on fresh stores,
/// keeping the fastest of each; every run must return the same result.
fn measure(engine: &Engine, job: &Job, runs: u32) -> Result<Measurement> {
    let bytes = std::fs::read(&job.path).context("cannot read the module")?;
    let mut best_compile = Duration::MAX;
    let mut module = None;
    for _ in 0..runs {
        let start = Instant::now();
        let compiled = Module::new(engine, &bytes)?;
        best_compile = best_compile.min(start.elapsed());
        module = Some(compiled);
    }
    let module = module.context("no run")?;

    let mut best_run = Duration::MAX;
    let mut result: Option<String> = None;
    for _ in 0..runs {
        let (elapsed, values) = run_once(engine, &module, &job.args)?;
        best_run = best_run.min(elapsed);
        let text = describe(&values)?;
        if let Some(previous) = &result
            && *previous != text
        {
            bail!("run returned {previous}, then {text}");
        }
        result = Some(text);
    }
    Ok(Measurement {
        compile: best_compile,
        run: best_run,
        result: result.context("no run")?,
    })
}

/// Instantiates `module` on a fresh store and calls `run` with `args`: the time both
/// took and the results.
fn run_once(engine: &Engine, module: &Module, args: &[String]) -> Result<(Duration, Vec<Val>)> {
    let start = Instant::now();
    let mut store = Store::new(engine, ());
    let instance = Instance::new(&mut store, module, &[])?;
    let run = instance
        .get_func(&mut store, "run")
        .context("the module exports no function `run`")?;
    let ty = run.ty(&store);
    let params: Vec<ValType> = ty.params().collect();
    if params.len() != args.len() {
        bail!("run takes {} arguments, {} given", params.len(), args.len());
    }
    let params = params
        .iter()
        .zip(args)
        .map(|(ty, text)| parse_value(ty, text))
        .collect::<Result<Vec<Val>>>()?;
    let mut results = vec![Val::I32(0); ty.results().len()];
    run.call(&mut store, &params, &mut results)?;
    Ok((start.elapsed(), results))
}

/// Reads `text` as a value of type `ty`.
fn parse_value(ty: &ValType, text: &str) -> Result<Val> {
    let bad = || format!("argument `{text}` is not a {ty}");
    Ok(match ty {
        ValType::I32 => Val::I32(
            text.parse::<i32>()
                .or_else(|_| text.parse::<u32>().map(|v| v as i32))
                .with_context(bad)?,
        ),
        ValType::I64 => Val::I64(text.parse().with_context(bad)?),
        ValType::F32 => Val::F32(text.parse::<f32>().with_context(bad)?.to_bits()),
        ValType::F64 => Val::F64(text.parse::<f64>().with_context(bad)?.to_bits()),
        _ => bail!("run takes a {ty}, which the benchmark cannot pass"),
    })
}

/// Writes results as every engine of the benchmark does: integers as unsigned
/// decimals, floats with six decimals, separated by commas.
fn describe(values: &[Val]) -> Result<String> {
    let text = values
        .iter()
        .map(|value| {
            Ok(match *value {
                Val::I32(v) => (v as u32).to_string(),
                Val::I64(v) => (v as u64).to_string(),
                Val::F32(bits) => format!("{:.6}", f32::from_bits(bits)),
                Val::F64(bits) => format!("{:.6}", f64::from_bits(bits)),
                _ => bail!("run returned a value the benchmark cannot compare"),
            })
        })
        .collect::<Result<Vec<String>>>()?;
    Ok(text.join(","))
}

/// The module's name in the report: its file's stem.
fn name(path: &Path) -> String {
    path.file_stem().map_or_else(
        || path.display().to_string(),
        |stem| stem.to_string_lossy().into_owned(),
    )
}

/// A duration in milliseconds.
fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}
