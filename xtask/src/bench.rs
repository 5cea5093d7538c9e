//! `cargo xtask bench [PART]`: the benchmarks, each side by side with its peer in one run.
//! Benchmarks measure; tests never time anything.

use crate::cargo;

/// A benchmark and the cargo command that runs it.
struct Bench {
    /// The name given on the command line.
    part: &'static str,
    /// What it measures, for the heading.
    what: &'static str,
    /// The package holding the criterion bench.
    package: &'static str,
    /// The bench target in that package.
    target: &'static str,
}

/// Every benchmark, in the order `cargo xtask bench` runs them.
const BENCHES: &[Bench] = &[
    Bench {
        part: "cpu",
        what: "the 6502 on Klaus Dormann's functional test, against the mos6502 crate",
        package: "heirloom-6502",
        target: "klaus",
    },
    Bench {
        part: "machine",
        what: "the whole C64, frames per second and times real time",
        package: "heirloom-c64",
        target: "machine",
    },
    Bench {
        part: "interp",
        what: "the wasm interpreter against wasmi on C programs built by clang",
        package: "heirloom-wasm",
        target: "interp",
    },
    Bench {
        part: "wasm",
        what: "compile and run time: the JIT, the interpreter, wasmtime and native code",
        package: "heirloom-jit",
        target: "jit",
    },
    Bench {
        part: "serve",
        what: "the HTTPS server: assets and sign-ins with 200 concurrent clients, p50/p99",
        package: "heirloom-server",
        target: "serve",
    },
];

/// Runs the benchmark named `part`, or every one without a name.
pub fn run(part: Option<&str>) -> Result<(), String> {
    let chosen: Vec<&Bench> = BENCHES
        .iter()
        .filter(|bench| part.is_none_or(|p| p == bench.part))
        .collect();
    if chosen.is_empty() {
        let parts: Vec<&str> = BENCHES.iter().map(|b| b.part).collect();
        return Err(format!(
            "no benchmark `{}`; choose one of {}",
            part.unwrap_or_default(),
            parts.join(", ")
        ));
    }
    for bench in chosen {
        println!("xtask: bench {}: {}", bench.part, bench.what);
        if bench.part == "wasm" {
            wasm::run(bench)?;
        } else {
            crate::run_command(cargo().args([
                "bench",
                "--package",
                bench.package,
                "--bench",
                bench.target,
            ]))?;
        }
    }
    Ok(())
}

mod wasm;
