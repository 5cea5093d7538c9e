//! The Cranelift engine against the interpreter on C programs compiled by clang at bench
//! time: the project's CPU-bound program (`roms-test/wasm/cpu_bound.c`) and the shared
//! moving-average benchmark (`sma.c`, in the `bench/` folder beside the conformance
//! suites). Compile time (decoding, validation and instantiation, which includes code
//! generation on the engine) and run time (one call of `run` on an instantiated module)
//! are measured separately. Both engines must compute the same result, which is printed
//! on a `workload` line together with the arguments and the source, so that
//! `cargo xtask bench wasm` can run the same workload on its peers (wasmtime, native
//! code) and check they agree. Also: instantiating a tiny module and calling it once.
//!
//! `cargo bench -p heirloom-jit --bench jit` (needs clang-22: `cargo xtask setup`).

use std::path::PathBuf;
use std::rc::Rc;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use heirloom_jit::Jit;
use heirloom_wasm::Module;
use heirloom_wasm::exec::{Config, Extern, FuncAddr, Store, Value};

/// One C program and the arguments its `run` export is benchmarked with.
struct Workload {
    /// The name in benchmark ids and on the `workload` line (the file's stem).
    name: &'static str,
    /// The C source, compiled to freestanding wasm at bench time.
    source: PathBuf,
    /// The arguments of `run`, sized so one run on the engine takes a fraction of a second.
    args: Vec<Value>,
}

/// The shared benchmark programs' folder: `bench/` beside the conformance suites'
/// folder (`$HEIRLOOM_SUITES`, by default `../shared/suites`). `None`, with a loud
/// `SKIPPED` line, when it is absent.
fn shared_bench_dir() -> Option<PathBuf> {
    let suites = heirloom_testkit::suites_root();
    let dir = suites.parent().map(|parent| parent.join("bench"));
    match dir {
        Some(dir) if dir.is_dir() => Some(dir),
        _ => {
            eprintln!(
                "SKIPPED: no shared benchmark folder `bench` beside {}; set HEIRLOOM_SUITES",
                suites.display()
            );
            None
        }
    }
}

/// The programs to measure: the project's own, and the shared ones when present.
fn workloads() -> Vec<Workload> {
    let mut workloads = vec![Workload {
        name: "cpu_bound",
        source: heirloom_testkit::roms_test_dir().join("wasm/cpu_bound.c"),
        // run(iterations): sieve, CRC-32, matrix product and sort, this many times.
        args: vec![Value::I32(300)],
    }];
    if let Some(dir) = shared_bench_dir() {
        workloads.push(Workload {
            name: "sma",
            source: dir.join("sma.c"),
            // run(n, period, iters): a million samples, periods 30 to 39.
            args: vec![Value::I32(1_000_000), Value::I32(30), Value::I32(10)],
        });
    }
    workloads
}

/// Decodes, validates and instantiates `bytes` in `store`: the `run` export.
fn load(store: &mut Store, bytes: &[u8]) -> FuncAddr {
    let module = Module::from_bytes(bytes).expect("the benchmark module validates");
    let instance = store.instantiate(&module, &[]).expect("no imports");
    let Some(Extern::Func(run)) = store.export(instance, "run") else {
        panic!("no run export")
    };
    run
}

/// Writes values the way every engine of `cargo xtask bench wasm` writes them: integers
/// as unsigned decimals (the C programs return unsigned checksums), floats with six
/// decimals, separated by commas.
fn describe(values: &[Value]) -> String {
    let text: Vec<String> = values
        .iter()
        .map(|value| match *value {
            Value::I32(v) => (v as u32).to_string(),
            Value::I64(v) => (v as u64).to_string(),
            Value::F32(bits) => format!("{:.6}", f32::from_bits(bits)),
            Value::F64(bits) => format!("{:.6}", f64::from_bits(bits)),
            ref other => format!("{other:?}"),
        })
        .collect();
    text.join(",")
}

/// Benchmarks one workload's compile and run times on both engines, after checking that
/// they agree and announcing the workload.
fn bench_workload(c: &mut Criterion, engines: &Engines, workload: &Workload) {
    let engine = &engines.default;
    let Some(bytes) = heirloom_testkit::freestanding_wasm(&workload.source) else {
        return;
    };
    let jit_store = || Store::with_engine(Config::default(), engine.clone());
    let args = &workload.args;

    let mut interp = Store::default();
    let interp_run = load(&mut interp, &bytes);
    let mut jit = jit_store();
    let jit_run = load(&mut jit, &bytes);
    let expected = jit.invoke(jit_run, args).expect("run returns");
    assert_eq!(
        interp.invoke(interp_run, args).expect("run returns"),
        expected,
        "both engines compute the same result"
    );
    println!(
        "workload {} run({}) = {} from {}",
        workload.name,
        describe(args),
        describe(&expected),
        workload.source.display()
    );

    let mut group = c.benchmark_group(format!("{} compile", workload.name));
    group.sample_size(10);
    group.bench_function("heirloom interpreter", |b| {
        b.iter(|| load(&mut Store::default(), &bytes))
    });
    group.bench_function("heirloom cranelift", |b| {
        b.iter(|| load(&mut jit_store(), &bytes))
    });
    for (name, engine) in [
        ("heirloom cranelift on one thread", &engines.one_thread),
        ("heirloom cranelift from its code cache", &engines.cached),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                load(
                    &mut Store::with_engine(Config::default(), engine.clone()),
                    &bytes,
                )
            })
        });
    }
    group.finish();

    // Each run takes long enough that every sample is a single call.
    let mut group = c.benchmark_group(format!("{} run", workload.name));
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    group.bench_function("heirloom interpreter", |b| {
        b.iter(|| interp.invoke(interp_run, args).expect("run returns"))
    });
    group.bench_function("heirloom cranelift", |b| {
        b.iter(|| jit.invoke(jit_run, args).expect("run returns"))
    });
    group.finish();
}

/// The JIT as used by default, and the variants whose compile times are compared with it.
struct Engines {
    /// Compiling on as many threads as the machine runs.
    default: Rc<Jit>,
    /// Compiling on the calling thread only.
    one_thread: Rc<Jit>,
    /// Taking the code from an on-disk cache (filled by the first compilation).
    cached: Rc<Jit>,
}

/// Every workload on both engines.
fn bench_programs(c: &mut Criterion) {
    let jit = || Jit::new().expect("the host is supported");
    let cache = std::env::temp_dir().join(format!("heirloom-bench-cache-{}", std::process::id()));
    let engines = Engines {
        default: Rc::new(jit()),
        one_thread: Rc::new(jit().with_threads(1)),
        cached: Rc::new(jit().with_cache(&cache)),
    };
    for workload in workloads() {
        bench_workload(c, &engines, &workload);
    }
    let _ = std::fs::remove_dir_all(&cache);
}

/// Instantiating a one-function module on a fresh store and calling it once.
fn bench_small_module(c: &mut Criterion) {
    // (module (func (export "add") (param i32 i32) (result i32)
    //   local.get 0 local.get 1 i32.add))
    let bytes = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f,
        0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00,
        0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b,
    ];
    let module = Module::from_bytes(&bytes).expect("valid");
    let engine = Rc::new(Jit::new().expect("the host is supported"));
    let args = [Value::I32(2), Value::I32(40)];
    let first_call = |mut store: Store| {
        let instance = store.instantiate(&module, &[]).expect("no imports");
        let Some(Extern::Func(add)) = store.export(instance, "add") else {
            panic!("no add export")
        };
        store.invoke(add, &args).expect("add returns")
    };
    let mut group = c.benchmark_group("small module instantiate and first call");
    group.bench_function("heirloom interpreter", |b| {
        b.iter(|| first_call(Store::default()))
    });
    group.bench_function("heirloom cranelift", |b| {
        b.iter(|| first_call(Store::with_engine(Config::default(), engine.clone())))
    });
    group.finish();
}

criterion_group!(benches, bench_programs, bench_small_module);
criterion_main!(benches);
