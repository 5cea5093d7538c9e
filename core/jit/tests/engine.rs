//! The Cranelift engine behind the store's API: host functions that grow memory, calls
//! through tables to host functions and across instances, fuel and backtraces as on the
//! interpreter, and vector code.

#[path = "../../wasm/tests/common/mod.rs"]
mod common;

use common::{call, wat};
use heirloom_wasm::exec::{Config, Extern, Store, Trap, Value};
use heirloom_wasm::{FuncType, Linker, ValType};

fn jit_store() -> Store {
    heirloom_jit::store(Config::default()).expect("the host is supported")
}

fn i32_to_i32() -> FuncType {
    FuncType {
        params: vec![ValType::I32].into(),
        results: vec![ValType::I32].into(),
    }
}

#[test]
fn the_store_names_its_engine() {
    assert_eq!(jit_store().engine_name(), "cranelift");
    assert_eq!(Store::default().engine_name(), "interpreter");
}

#[test]
fn memory_grown_by_a_host_function_is_seen_at_once() {
    let module = wat(r#"(module
        (import "env" "grow" (func $grow (param i32) (result i32)))
        (memory (export "memory") 1)
        (func (export "run") (result i32)
          (drop (call $grow (i32.const 2)))
          ;; The last word of the third page exists only after the host call.
          (i32.store (i32.const 196604) (i32.const 0x1234))
          (i32.add (memory.size) (i32.load (i32.const 196604)))))"#);
    let mut store = jit_store();
    let mut linker = Linker::new();
    linker.func(&mut store, "env", "grow", i32_to_i32(), |caller, args| {
        let Some(Extern::Memory(m)) = caller.export("memory") else {
            return Err(Trap::Host("no memory".into()));
        };
        let Value::I32(n) = args[0] else {
            return Err(Trap::Host("bad argument".into()));
        };
        let old = caller.grow_memory(m, n as u32).map_or(-1, |p| p as i32);
        Ok(vec![Value::I32(old)])
    });
    let inst = linker.instantiate(&mut store, &module).unwrap();
    assert_eq!(
        call(&mut store, inst, "run", &[]),
        Ok(vec![Value::I32(0x1237)])
    );
}

#[test]
fn tables_reach_host_functions_and_other_instances() {
    let lib = wat(r#"(module
        (func (export "twice") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2))))"#);
    let app = wat(r#"(module
        (import "env" "inc" (func $inc (param i32) (result i32)))
        (import "lib" "twice" (func $twice (param i32) (result i32)))
        (type $t (func (param i32) (result i32)))
        (table 3 funcref)
        (elem (i32.const 0) $inc $twice)
        (func (export "via") (param i32 i32) (result i32)
          (call_indirect (type $t) (local.get 1) (local.get 0)))
        (func (export "direct") (param i32) (result i32)
          (call $twice (call $inc (local.get 0)))))"#);
    let mut store = jit_store();
    let mut linker = Linker::new();
    let lib_inst = store.instantiate(&lib, &[]).unwrap();
    linker.define("lib", "twice", store.export(lib_inst, "twice").unwrap());
    linker.func(&mut store, "env", "inc", i32_to_i32(), |_, args| {
        let Value::I32(x) = args[0] else {
            return Err(Trap::Host("bad argument".into()));
        };
        Ok(vec![Value::I32(x + 1)])
    });
    let inst = linker.instantiate(&mut store, &app).unwrap();
    let via = |store: &mut Store, i: i32, x: i32| {
        call(store, inst, "via", &[Value::I32(i), Value::I32(x)])
    };
    assert_eq!(via(&mut store, 0, 41), Ok(vec![Value::I32(42)]));
    assert_eq!(via(&mut store, 1, 21), Ok(vec![Value::I32(42)]));
    assert_eq!(via(&mut store, 2, 0), Err(Trap::UninitializedElement(2)));
    assert_eq!(via(&mut store, 3, 0), Err(Trap::UndefinedElement));
    assert_eq!(
        call(&mut store, inst, "direct", &[Value::I32(20)]),
        Ok(vec![Value::I32(42)])
    );
}

const NESTED: &str = r#"(module
  (memory 1)
  (func $inner (param i32) (result i32)
    (i32.div_u (i32.const 100) (local.get 0)))
  (func $middle (param i32) (result i32)
    (local i32)
    (local.set 1 (i32.const 3))
    (loop $again
      (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
      (br_if $again (local.get 1)))
    (call $inner (local.get 0)))
  (func (export "outer") (param i32) (result i32)
    (i32.add (i32.const 1) (call $middle (local.get 0)))))"#;

#[test]
fn fuel_and_backtraces_match_the_interpreter() {
    let module = wat(NESTED);
    let mut engines = [Store::default(), jit_store()];
    let mut seen = Vec::new();
    for store in &mut engines {
        let inst = store.instantiate(&module, &[]).unwrap();
        store.set_fuel(Some(1000));
        let ok = call(store, inst, "outer", &[Value::I32(5)]);
        let fuel = store.fuel();
        let trap = call(store, inst, "outer", &[Value::I32(0)]);
        seen.push((ok, fuel, trap, store.last_backtrace().to_vec()));
    }
    assert_eq!(seen[0], seen[1]);
    let (ok, fuel, trap, trace) = &seen[1];
    assert_eq!(*ok, Ok(vec![Value::I32(21)]));
    assert!(fuel.is_some_and(|f| f < 1000 - 20));
    assert_eq!(*trap, Err(Trap::IntegerDivideByZero));
    let frames: Vec<(u32, Option<u32>)> = trace.iter().map(|f| (f.func_index, f.instr)).collect();
    assert_eq!(frames, [(0, None), (1, Some(11)), (2, Some(2))]);
}

#[test]
fn vector_code_runs_natively() {
    let module = wat(r#"(module
        (memory 1)
        (func (export "dot") (param i32 i32) (result i32)
          (v128.store (i32.const 16)
            (i32x4.dot_i16x8_s (i16x8.splat (local.get 0)) (i16x8.splat (local.get 1))))
          (i32x4.extract_lane 3 (v128.load (i32.const 16)))))"#);
    let mut store = jit_store();
    let inst = store.instantiate(&module, &[]).unwrap();
    assert_eq!(
        call(&mut store, inst, "dot", &[Value::I32(-3), Value::I32(7)]),
        Ok(vec![Value::I32(-42)])
    );
}
