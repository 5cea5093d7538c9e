//! The sandbox tests, shared by the test files of every engine: bad accesses trap, memory
//! stays within its limit, runaway code is stopped by fuel, a deadline or an interrupt,
//! deep recursion never touches the host stack, large memories cost nothing until used,
//! and missing imports are named.

/// Defines the sandbox tests on stores made by `$new_store` (a `fn(Config) -> Store`).
/// The including file provides the module `common` of the runtime's tests.
#[macro_export]
macro_rules! sandbox_tests {
    ($new_store:path) => {
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::{call, wat};
use heirloom_wasm::Linker;
use heirloom_wasm::exec::{Config, Extern, InstantiationError, Trap, Value};

/// The tests measure the process's resident size: they run one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

const MEMORY: &str = r#"
(module
  (memory (export "memory") 1 8)
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "load_far") (param i32) (result i32) (i32.load offset=0xffffffff (local.get 0)))
  (func (export "store") (param i32) (i64.store (local.get 0) (i64.const -1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size)))
"#;

#[test]
fn out_of_bounds_accesses_trap() {
    let _serial = serial();
    let mut store = $new_store(Config::default());
    let inst = store.instantiate(&wat(MEMORY), &[]).unwrap();
    assert_eq!(
        call(&mut store, inst, "load", &[Value::I32(65532)]),
        Ok(vec![Value::I32(0)])
    );
    for at in [65533, 65536, -1] {
        assert_eq!(
            call(&mut store, inst, "load", &[Value::I32(at)]),
            Err(Trap::MemoryOutOfBounds)
        );
    }
    assert_eq!(
        call(&mut store, inst, "load_far", &[Value::I32(1)]),
        Err(Trap::MemoryOutOfBounds)
    );
    assert_eq!(
        call(&mut store, inst, "store", &[Value::I32(65528)]),
        Ok(vec![])
    );
    assert_eq!(
        call(&mut store, inst, "store", &[Value::I32(65529)]),
        Err(Trap::MemoryOutOfBounds)
    );
    // The failed store wrote nothing.
    let Some(Extern::Memory(m)) = store.export(inst, "memory") else {
        panic!()
    };
    assert_eq!(&store.memory(m)[65528..], &[0xff; 8]);
}

#[test]
fn memory_grow_past_the_store_limit_fails() {
    let _serial = serial();
    let mut store = $new_store(Config {
        max_memory_pages: 4,
        ..Config::default()
    });
    let inst = store.instantiate(&wat(MEMORY), &[]).unwrap();
    assert_eq!(
        call(&mut store, inst, "grow", &[Value::I32(2)]),
        Ok(vec![Value::I32(1)])
    );
    assert_eq!(
        call(&mut store, inst, "grow", &[Value::I32(2)]),
        Ok(vec![Value::I32(-1)])
    );
    assert_eq!(
        call(&mut store, inst, "grow", &[Value::I32(1)]),
        Ok(vec![Value::I32(3)])
    );
    assert_eq!(
        call(&mut store, inst, "grow", &[Value::I32(1)]),
        Ok(vec![Value::I32(-1)])
    );
    assert_eq!(call(&mut store, inst, "size", &[]), Ok(vec![Value::I32(4)]));
    // The module's own maximum (8) binds too, under a larger store limit.
    let mut store = $new_store(Config::default());
    let inst = store.instantiate(&wat(MEMORY), &[]).unwrap();
    assert_eq!(
        call(&mut store, inst, "grow", &[Value::I32(8)]),
        Ok(vec![Value::I32(-1)])
    );
    assert_eq!(
        call(&mut store, inst, "grow", &[Value::I32(7)]),
        Ok(vec![Value::I32(1)])
    );
    // A module asking for more than the limit does not instantiate.
    let mut small = $new_store(Config {
        max_memory_pages: 4,
        ..Config::default()
    });
    assert_eq!(
        small
            .instantiate(&wat("(module (memory 5))"), &[])
            .map(|_| ()),
        Err(InstantiationError::MemoryLimit(5))
    );
}

const SPIN: &str = r#"
(module
  (func (export "spin") (loop br 0))
  (func $rec (export "rec") (call $rec2))
  (func $rec2 (block (loop (call $rec) (br 1))))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
"#;

#[test]
fn an_infinite_loop_runs_out_of_fuel() {
    let _serial = serial();
    let mut store = $new_store(Config::default());
    let inst = store.instantiate(&wat(SPIN), &[]).unwrap();
    store.set_fuel(Some(1_000_000));
    assert_eq!(call(&mut store, inst, "spin", &[]), Err(Trap::OutOfFuel));
    assert_eq!(store.fuel(), Some(0));
    store.set_fuel(Some(10));
    assert_eq!(
        call(&mut store, inst, "add", &[Value::I32(1), Value::I32(2)]),
        Ok(vec![Value::I32(3)])
    );
    assert_eq!(store.fuel(), Some(6));
}

#[test]
fn an_infinite_loop_stops_at_the_deadline() {
    let _serial = serial();
    let mut store = $new_store(Config::default());
    let inst = store.instantiate(&wat(SPIN), &[]).unwrap();
    store.set_deadline(Some(Instant::now() + Duration::from_millis(50)));
    assert_eq!(
        call(&mut store, inst, "spin", &[]),
        Err(Trap::DeadlineExceeded)
    );
    // A passed deadline stops even a short call at once; removing it lets calls run.
    assert_eq!(
        call(&mut store, inst, "add", &[Value::I32(1), Value::I32(2)]),
        Err(Trap::DeadlineExceeded)
    );
    store.set_deadline(None);
    assert_eq!(
        call(&mut store, inst, "add", &[Value::I32(1), Value::I32(2)]),
        Ok(vec![Value::I32(3)])
    );
    // Fuel still counts under a deadline, and a far deadline leaves results alone.
    store.set_deadline(Some(Instant::now() + Duration::from_secs(3600)));
    store.set_fuel(Some(100_000));
    assert_eq!(call(&mut store, inst, "spin", &[]), Err(Trap::OutOfFuel));
    store.set_fuel(Some(10));
    assert_eq!(
        call(&mut store, inst, "add", &[Value::I32(1), Value::I32(2)]),
        Ok(vec![Value::I32(3)])
    );
    assert_eq!(store.fuel(), Some(6));
}

#[test]
fn an_infinite_loop_is_interrupted_from_another_thread() {
    let _serial = serial();
    let mut store = $new_store(Config::default());
    let inst = store.instantiate(&wat(SPIN), &[]).unwrap();
    let handle = store.interrupt_handle();
    let remote = handle.clone();
    let stopper = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        remote.interrupt();
    });
    assert_eq!(call(&mut store, inst, "spin", &[]), Err(Trap::Interrupted));
    stopper.join().unwrap();
    // Calls recursing forever through a loop are stopped the same way.
    assert!(handle.is_interrupted());
    assert_eq!(call(&mut store, inst, "rec", &[]), Err(Trap::Interrupted));
    handle.clear();
    assert_eq!(
        call(&mut store, inst, "add", &[Value::I32(1), Value::I32(2)]),
        Ok(vec![Value::I32(3)])
    );
}

const DOWN: &str = r#"
(module
  (func $down (export "down") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1))))))))
"#;

/// Runs `f` on a thread with a normal 2 MiB stack.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn deep_recursion_traps_cleanly_without_using_the_host_stack() {
    let _serial = serial();
    on_small_stack(|| {
        let module = wat(DOWN);
        let mut store = $new_store(Config::default());
        let inst = store.instantiate(&module, &[]).unwrap();
        assert_eq!(
            call(&mut store, inst, "down", &[Value::I32(1_000_000)]),
            Err(Trap::StackExhausted)
        );
        // The backtrace holds every active call, innermost first; the callers are at
        // their `call`, instruction 9 of the body (local.get, i32.eqz, if, i32.const,
        // else, i32.const, local.get, i32.const, i32.sub, call).
        let trace = store.last_backtrace();
        assert_eq!(trace.len(), Config::default().max_call_depth);
        assert_eq!(trace[0].instr, None);
        assert!(
            trace[1..]
                .iter()
                .all(|f| f.func_index == 0 && f.instr == Some(9))
        );
        // With room for it, a recursion far deeper than a 2 MiB native stack could hold
        // completes.
        let mut store = $new_store(Config {
            max_call_depth: 300_000,
            max_stack_slots: 1 << 22,
            ..Config::default()
        });
        let inst = store.instantiate(&module, &[]).unwrap();
        assert_eq!(
            call(&mut store, inst, "down", &[Value::I32(250_000)]),
            Ok(vec![Value::I32(250_000)])
        );
        assert!(store.last_backtrace().is_empty());
    });
}

/// The process's resident size in bytes.
fn resident() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

#[cfg(target_os = "linux")]
#[test]
fn a_large_memory_costs_nothing_until_touched() {
    let _serial = serial();
    const MIB: u64 = 1 << 20;
    let module = wat(r#"(module (memory (export "memory") 2560)
        (func (export "poke") (param i32) (i32.store8 (local.get 0) (i32.const 1))))"#);
    let before = resident();
    let mut store = $new_store(Config::default());
    let inst = store.instantiate(&module, &[]).unwrap();
    let Some(Extern::Memory(m)) = store.export(inst, "memory") else {
        panic!()
    };
    assert_eq!(store.memory(m).len() as u64, 160 * MIB);
    // Touch the first and the last page.
    call(&mut store, inst, "poke", &[Value::I32(0)]).unwrap();
    call(
        &mut store,
        inst,
        "poke",
        &[Value::I32((160 * MIB - 1) as i32)],
    )
    .unwrap();
    let grown = resident().saturating_sub(before);
    assert!(
        grown < 16 * MIB,
        "resident size grew by {} MiB",
        grown / MIB
    );
    assert_eq!(store.memory(m)[(160 * MIB - 1) as usize], 1);
}

#[test]
fn an_unknown_import_is_named_with_its_expected_type() {
    let _serial = serial();
    let module = wat(r#"(module
        (import "env" "emscripten_resize_heap" (func (param i32) (result i32)))
        (import "env" "memory" (memory 256 256))
        (import "env" "__stack_pointer" (global (mut i32))))"#);
    let mut store = $new_store(Config::default());
    let mut linker = Linker::new();
    let err = linker.instantiate(&mut store, &module).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown import env.emscripten_resize_heap: expected (func (param i32) (result i32))"
    );
    linker.func(
        &mut store,
        "env",
        "emscripten_resize_heap",
        heirloom_wasm::FuncType {
            params: vec![heirloom_wasm::ValType::I32].into(),
            results: vec![heirloom_wasm::ValType::I32].into(),
        },
        |_, _| Ok(vec![Value::I32(0)]),
    );
    let err = linker.instantiate(&mut store, &module).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown import env.memory: expected (memory 256 256)"
    );
    let mem = store
        .new_memory(heirloom_wasm::MemoryType {
            limits: heirloom_wasm::Limits {
                min: 256,
                max: Some(256),
            },
        })
        .unwrap();
    linker.define("env", "memory", Extern::Memory(mem));
    let err = linker.instantiate(&mut store, &module).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown import env.__stack_pointer: expected (global (mut i32))"
    );
    let sp = store.new_global(Value::I32(1024), true);
    linker.define("env", "__stack_pointer", Extern::Global(sp));
    assert!(linker.instantiate(&mut store, &module).is_ok());
}

    };
}
