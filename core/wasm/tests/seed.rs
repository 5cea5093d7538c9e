//! The examples from the project's seed article, run the way its JavaScript runs them:
//! the 41-byte `add` module, its f32 twin, and a TA-Lib-style `TA_SMA` driven through
//! `malloc` and pointers into linear memory.

use std::cell::Cell;
use std::process::Command;
use std::rc::Rc;

use heirloom_wasm::exec::{Extern, InstanceId, Store, Value};
use heirloom_wasm::{FuncType, Linker, Module, ValType, ValidatedModule};
use wast::parser::{self, ParseBuffer};

/// `(module (func $add (param $a i32) (param $b i32) (result i32) local.get $a local.get $b
/// i32.add) (export "add" (func $add)))`, byte for byte as printed in the article.
const ADD: [u8; 41] = [
    0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0, 7, 7, 1, 3, 97, 100,
    100, 0, 0, 10, 9, 1, 7, 0, 32, 0, 32, 1, 106, 11,
];

fn func(store: &Store, instance: InstanceId, name: &str) -> heirloom_wasm::exec::FuncAddr {
    match store.export(instance, name) {
        Some(Extern::Func(f)) => f,
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn the_41_byte_add_module_adds() {
    let module = Module::from_bytes(&ADD).unwrap();
    let mut store = Store::default();
    let instance = store.instantiate(&module, &[]).unwrap();
    let add = func(&store, instance, "add");
    assert_eq!(
        store.invoke(add, &[Value::I32(3), Value::I32(5)]),
        Ok(vec![Value::I32(8)])
    );
    assert_eq!(
        store.invoke(add, &[Value::I32(i32::MAX), Value::I32(1)]),
        Ok(vec![Value::I32(i32::MIN)])
    );
}

#[test]
fn the_f32_variant_adds_floats() {
    // The same module with f32 (0x7d) parameters and result, and f32.add (0x92).
    let mut bytes = ADD;
    for at in [13, 14, 16] {
        assert_eq!(bytes[at], 0x7f);
        bytes[at] = 0x7d;
    }
    assert_eq!(bytes[39], 0x6a);
    bytes[39] = 0x92;
    let module = Module::from_bytes(&bytes).unwrap();
    let mut store = Store::default();
    let instance = store.instantiate(&module, &[]).unwrap();
    let add = func(&store, instance, "add");
    let result = store.invoke(
        add,
        &[Value::F32(3.25f32.to_bits()), Value::F32(5f32.to_bits())],
    );
    assert_eq!(result, Ok(vec![Value::F32(8.25f32.to_bits())]));
}

/// A module shaped like Emscripten's build of TA-Lib: it imports
/// `env.emscripten_resize_heap` (called by `malloc` when the heap needs more memory) and
/// exports `memory`, a bump `malloc` and `TA_SMA` with TA-Lib's signature and return codes.
const TA_LIB: &str = r#"
(module
  (import "env" "emscripten_resize_heap" (func $resize_heap (param i32) (result i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))

  ;; void *malloc(size_t n): 8-byte aligned bump allocation; 0 when memory runs out.
  (func $malloc (export "malloc") (param $n i32) (result i32)
    (local $p i32) (local $end i32)
    (local.set $p (global.get $heap))
    (local.set $end (i32.add (local.get $p)
      (i32.and (i32.add (local.get $n) (i32.const 7)) (i32.const -8))))
    (if (i32.gt_u (local.get $end) (i32.mul (memory.size) (i32.const 65536)))
      (then
        (if (i32.eqz (call $resize_heap (local.get $end)))
          (then (return (i32.const 0))))))
    (global.set $heap (local.get $end))
    (local.get $p))

  ;; TA_RetCode TA_SMA(int startIdx, int endIdx, const double inReal[],
  ;;   int optInTimePeriod, int *outBegIdx, int *outNBElement, double outReal[])
  (func (export "TA_SMA")
    (param $start i32) (param $end i32) (param $in i32) (param $period i32)
    (param $outBeg i32) (param $outNB i32) (param $out i32) (result i32)
    (local $lookback i32) (local $i i32) (local $trailing i32) (local $outIdx i32)
    (local $total f64) (local $tmp f64)
    (if (i32.lt_s (local.get $start) (i32.const 0))
      (then (return (i32.const 12))))                  ;; TA_OUT_OF_RANGE_START_INDEX
    (if (i32.or (i32.lt_s (local.get $end) (i32.const 0))
                (i32.lt_s (local.get $end) (local.get $start)))
      (then (return (i32.const 13))))                  ;; TA_OUT_OF_RANGE_END_INDEX
    (if (i32.or (i32.lt_s (local.get $period) (i32.const 2))
                (i32.gt_s (local.get $period) (i32.const 100000)))
      (then (return (i32.const 2))))                   ;; TA_BAD_PARAM
    (local.set $lookback (i32.sub (local.get $period) (i32.const 1)))
    (if (i32.lt_s (local.get $start) (local.get $lookback))
      (then (local.set $start (local.get $lookback))))
    (if (i32.gt_s (local.get $start) (local.get $end))
      (then
        (i32.store (local.get $outBeg) (i32.const 0))
        (i32.store (local.get $outNB) (i32.const 0))
        (return (i32.const 0))))
    (local.set $trailing (i32.sub (local.get $start) (local.get $lookback)))
    (local.set $i (local.get $trailing))
    (block $primed
      (loop $prime
        (br_if $primed (i32.ge_s (local.get $i) (local.get $start)))
        (local.set $total (f64.add (local.get $total)
          (f64.load (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 3))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $prime)))
    (loop $each
      (local.set $total (f64.add (local.get $total)
        (f64.load (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 3))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (local.set $tmp (local.get $total))
      (local.set $total (f64.sub (local.get $total)
        (f64.load (i32.add (local.get $in) (i32.shl (local.get $trailing) (i32.const 3))))))
      (local.set $trailing (i32.add (local.get $trailing) (i32.const 1)))
      (f64.store (i32.add (local.get $out) (i32.shl (local.get $outIdx) (i32.const 3)))
        (f64.div (local.get $tmp) (f64.convert_i32_s (local.get $period))))
      (local.set $outIdx (i32.add (local.get $outIdx) (i32.const 1)))
      (br_if $each (i32.le_s (local.get $i) (local.get $end))))
    (i32.store (local.get $outNB) (local.get $outIdx))
    (i32.store (local.get $outBeg) (local.get $start))
    (i32.const 0)))
"#;

fn wat(text: &str) -> ValidatedModule {
    let buf = ParseBuffer::new(text).expect("lexes");
    let mut module: wast::Wat<'_> = parser::parse(&buf).expect("parses");
    Module::from_bytes(&module.encode().expect("encodes")).expect("valid")
}

fn i32_of(result: Vec<Value>) -> i32 {
    match result[..] {
        [Value::I32(v)] => v,
        ref other => panic!("{other:?}"),
    }
}

#[test]
fn ta_sma_runs_like_the_javascript_drives_it() {
    drive_ta_sma(&wat(TA_LIB));
}

/// The C library in `roms-test/wasm/ta_sma.c`, compiled by clang for wasm32 (installed
/// by `cargo xtask setup`), driven the same way.
#[test]
fn ta_sma_built_from_c_by_clang_runs_the_same() {
    let clang = "clang-22";
    if Command::new(clang).arg("--version").output().is_err() {
        assert!(
            !heirloom_testkit::running_under_ci(),
            "{clang} is missing (cargo xtask setup installs it)"
        );
        eprintln!("SKIPPED: {clang} is not installed; run cargo xtask setup");
        return;
    }
    let source = heirloom_testkit::roms_test_dir().join("wasm/ta_sma.c");
    let output = std::env::temp_dir().join(format!("heirloom-ta-sma-{}.wasm", std::process::id()));
    let status = Command::new(clang)
        .args([
            "--target=wasm32-unknown-unknown",
            "-O2",
            "-nostdlib",
            "-Wl,--no-entry",
            "-o",
        ])
        .arg(&output)
        .arg(&source)
        .status()
        .unwrap();
    assert!(status.success(), "clang failed on {}", source.display());
    let bytes = std::fs::read(&output).unwrap();
    std::fs::remove_file(&output).unwrap();
    drive_ta_sma(&Module::from_bytes(&bytes).unwrap());
}

/// Runs TA_SMA the way the article's JavaScript does: `malloc` the buffers, write 16
/// doubles 0.5 … 15.5, period 2, read 15 outputs 1 … 15.
fn drive_ta_sma(module: &ValidatedModule) {
    let mut store = Store::default();
    let mut linker = Linker::new();
    // Emscripten's JavaScript grows the memory to hold the requested size.
    let resizes = Rc::new(Cell::new(0));
    let seen = resizes.clone();
    linker.func(
        &mut store,
        "env",
        "emscripten_resize_heap",
        FuncType {
            params: vec![ValType::I32].into(),
            results: vec![ValType::I32].into(),
        },
        move |caller, args| {
            seen.set(seen.get() + 1);
            let [Value::I32(wanted)] = args else {
                return Ok(vec![Value::I32(0)]);
            };
            let Some(Extern::Memory(m)) = caller.export("memory") else {
                return Ok(vec![Value::I32(0)]);
            };
            let have = caller.memory(m).len() as u64;
            let pages = (u64::from(*wanted as u32).saturating_sub(have)).div_ceil(65536) as u32;
            Ok(vec![Value::I32(i32::from(
                caller.grow_memory(m, pages).is_some(),
            ))])
        },
    );
    let talib = linker.instantiate(&mut store, module).unwrap();
    let malloc = func(&store, talib, "malloc");
    let sma = func(&store, talib, "TA_SMA");
    let Some(Extern::Memory(memory)) = store.export(talib, "memory") else {
        panic!("no memory")
    };
    let alloc = |store: &mut Store, n: i32| i32_of(store.invoke(malloc, &[Value::I32(n)]).unwrap());

    let num_elements = 16;
    let in_real = alloc(&mut store, 8 * num_elements);
    let out_beg_idx = alloc(&mut store, 4);
    let out_nb_element = alloc(&mut store, 4);
    let out_real = alloc(&mut store, 8 * num_elements);
    for n in 0..num_elements {
        let at = (in_real + 8 * n) as usize;
        store.memory_mut(memory)[at..at + 8].copy_from_slice(&(f64::from(n) + 0.5).to_le_bytes());
    }
    let args = [in_real, out_beg_idx, out_nb_element, out_real];
    let ret = store.invoke(
        sma,
        &[
            Value::I32(1),
            Value::I32(num_elements - 1),
            Value::I32(args[0]),
            Value::I32(2),
            Value::I32(args[1]),
            Value::I32(args[2]),
            Value::I32(args[3]),
        ],
    );
    assert_eq!(ret.map(i32_of), Ok(0), "TA_SUCCESS");
    let mem = store.memory(memory);
    let word = |at: i32| i32::from_le_bytes(mem[at as usize..at as usize + 4].try_into().unwrap());
    assert_eq!(word(out_beg_idx), 1);
    assert_eq!(word(out_nb_element), 15);
    let out: Vec<f64> = (0..num_elements - 1)
        .map(|n| {
            let at = (out_real + 8 * n) as usize;
            f64::from_le_bytes(mem[at..at + 8].try_into().unwrap())
        })
        .collect();
    let expected: Vec<f64> = (1..=15).map(f64::from).collect();
    assert_eq!(out, expected);
    assert_eq!(resizes.get(), 0, "16 doubles fit the first page");

    // Bad parameters give TA-Lib's codes.
    let bad_period = [1, 15, in_real, 1, out_beg_idx, out_nb_element, out_real].map(Value::I32);
    assert_eq!(store.invoke(sma, &bad_period).map(i32_of), Ok(2));
    // A large allocation goes through emscripten_resize_heap and the memory grows.
    let big = alloc(&mut store, 200_000);
    assert!(big > 0);
    assert_eq!(resizes.get(), 1);
    assert!(store.memory(memory).len() >= big as usize + 200_000);
}
