//! The interpreter against `wasmi` (the peer) on C programs compiled by clang at bench
//! time: the moving-average benchmark `../shared/bench/sma.c`, and the project's own
//! CPU-bound mix `roms-test/wasm/cpu_bound.c`. Both engines run the same module in the
//! same process; the results must agree.
//!
//! `cargo bench -p heirloom-wasm --bench interp` (needs clang-22: `cargo xtask setup`).

use criterion::{Criterion, criterion_group, criterion_main};
use heirloom_wasm::Module;
use heirloom_wasm::exec::{Extern, Store, Value};

/// Runs `run(args)` on Heirloom's interpreter.
fn heirloom_run(bytes: &[u8], args: &[Value]) -> Value {
    let module = Module::from_bytes(bytes).expect("the benchmark module validates");
    let mut store = Store::default();
    let instance = store.instantiate(&module, &[]).expect("no imports");
    let Some(Extern::Func(run)) = store.export(instance, "run") else {
        panic!("no run export")
    };
    store.invoke(run, args).expect("run returns")[0]
}

fn bench_sma(c: &mut Criterion) {
    let source = heirloom_testkit::project_root().join("../shared/bench/sma.c");
    let Some(bytes) = heirloom_testkit::freestanding_wasm(&source) else {
        return;
    };
    // 1,000,000 doubles, period 30, 4 passes.
    let (n, period, passes) = (1_000_000, 30, 4);
    let engine = wasmi::Engine::default();
    let module = wasmi::Module::new(&engine, &bytes[..]).expect("wasmi accepts the module");
    let wasmi_run = |store: &mut wasmi::Store<()>| {
        let instance = wasmi::Linker::<()>::new(&engine)
            .instantiate_and_start(&mut *store, &module)
            .unwrap();
        let run = instance
            .get_typed_func::<(i32, i32, i32), f64>(&*store, "run")
            .unwrap();
        run.call(store, (n, period, passes)).unwrap()
    };
    let ours = heirloom_run(
        &bytes,
        &[Value::I32(n), Value::I32(period), Value::I32(passes)],
    );
    let theirs = wasmi_run(&mut wasmi::Store::new(&engine, ()));
    assert_eq!(
        ours,
        Value::F64(theirs.to_bits()),
        "both engines compute the same checksum"
    );

    let mut group = c.benchmark_group("sma");
    group.sample_size(10);
    group.bench_function("heirloom interpreter", |b| {
        b.iter(|| {
            heirloom_run(
                &bytes,
                &[Value::I32(n), Value::I32(period), Value::I32(passes)],
            )
        })
    });
    group.bench_function("wasmi 2.0", |b| {
        b.iter(|| wasmi_run(&mut wasmi::Store::new(&engine, ())))
    });
    group.finish();
}

fn bench_cpu_bound(c: &mut Criterion) {
    let source = heirloom_testkit::roms_test_dir().join("wasm/cpu_bound.c");
    let Some(bytes) = heirloom_testkit::freestanding_wasm(&source) else {
        return;
    };
    let iterations = 10;
    let engine = wasmi::Engine::default();
    let module = wasmi::Module::new(&engine, &bytes[..]).expect("wasmi accepts the module");
    let wasmi_run = |store: &mut wasmi::Store<()>| {
        let instance = wasmi::Linker::<()>::new(&engine)
            .instantiate_and_start(&mut *store, &module)
            .unwrap();
        let run = instance.get_typed_func::<i32, i32>(&*store, "run").unwrap();
        run.call(store, iterations).unwrap()
    };
    let ours = heirloom_run(&bytes, &[Value::I32(iterations)]);
    assert_eq!(
        ours,
        Value::I32(wasmi_run(&mut wasmi::Store::new(&engine, ()))),
        "same checksum"
    );

    let mut group = c.benchmark_group("cpu_bound");
    group.sample_size(10);
    group.bench_function("heirloom interpreter", |b| {
        b.iter(|| heirloom_run(&bytes, &[Value::I32(iterations)]))
    });
    group.bench_function("wasmi 2.0", |b| {
        b.iter(|| wasmi_run(&mut wasmi::Store::new(&engine, ())))
    });
    group.finish();
}

criterion_group!(benches, bench_sma, bench_cpu_bound);
criterion_main!(benches);
