//! The Cranelift engine against the interpreter on the project's CPU-bound C program
//! (`roms-test/wasm/cpu_bound.c`, compiled by clang at bench time): compile time
//! (decoding, validation and instantiation, which includes code generation on the
//! engine) and run time (one call of `run` on an instantiated module) separately. Both
//! engines must compute the same checksum. Also: instantiating a tiny module and calling
//! it once.
//!
//! `cargo bench -p heirloom-jit --bench jit` (needs clang-22: `cargo xtask setup`).

use std::rc::Rc;

use criterion::{Criterion, criterion_group, criterion_main};
use heirloom_jit::Jit;
use heirloom_wasm::Module;
use heirloom_wasm::exec::{Config, Extern, FuncAddr, Store, Value};

/// Decodes, validates and instantiates `bytes` in `store`: the `run` export.
fn load(store: &mut Store, bytes: &[u8]) -> FuncAddr {
    let module = Module::from_bytes(bytes).expect("the benchmark module validates");
    let instance = store.instantiate(&module, &[]).expect("no imports");
    let Some(Extern::Func(run)) = store.export(instance, "run") else {
        panic!("no run export")
    };
    run
}

fn bench_cpu_bound(c: &mut Criterion) {
    let source = heirloom_testkit::roms_test_dir().join("wasm/cpu_bound.c");
    let Some(bytes) = heirloom_testkit::freestanding_wasm(&source) else {
        return;
    };
    let engine = Rc::new(Jit::new().expect("the host is supported"));
    let jit_store = || Store::with_engine(Config::default(), engine.clone());
    let args = [Value::I32(10)];

    let mut interp = Store::default();
    let interp_run = load(&mut interp, &bytes);
    let mut jit = jit_store();
    let jit_run = load(&mut jit, &bytes);
    assert_eq!(
        interp.invoke(interp_run, &args),
        jit.invoke(jit_run, &args),
        "both engines compute the same checksum"
    );

    let mut group = c.benchmark_group("cpu_bound compile");
    group.sample_size(10);
    group.bench_function("heirloom interpreter", |b| {
        b.iter(|| load(&mut Store::default(), &bytes))
    });
    group.bench_function("heirloom cranelift", |b| {
        b.iter(|| load(&mut jit_store(), &bytes))
    });
    group.finish();

    let mut group = c.benchmark_group("cpu_bound run");
    group.sample_size(10);
    group.bench_function("heirloom interpreter", |b| {
        b.iter(|| interp.invoke(interp_run, &args).expect("run returns"))
    });
    group.bench_function("heirloom cranelift", |b| {
        b.iter(|| jit.invoke(jit_run, &args).expect("run returns"))
    });
    group.finish();
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

criterion_group!(benches, bench_cpu_bound, bench_small_module);
criterion_main!(benches);
