//! The interpreter through its public API: invocation, traps as values, resource limits,
//! host functions and linking.

mod common;

use std::cell::Cell;
use std::rc::Rc;

use common::{call, wat};
use heirloom_wasm::exec::{Config, Extern, InstantiationError, LinkError, Store, Trap, Value};
use heirloom_wasm::{FuncType, Limits, MemoryType, Module, ValType};

const ARITH: &str = r#"
(module
  (memory 1)
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
  (func (export "boom") unreachable)
  (func (export "peek") (param i32) (result i32) local.get 0 i32.load)
  (func (export "swap") (param i64 f64) (result f64 i64) local.get 1 local.get 0)
  (func (export "fac") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 1))
      (else (i64.mul (local.get 0) (call 5 (i64.sub (local.get 0) (i64.const 1)))))))
  (func (export "spin") (loop br 0))
  (func (export "lanes") (result v128)
    (i32x4.add (v128.const i32x4 1 2 3 4) (v128.const i32x4 10 20 30 40)))
)
"#;

#[test]
fn invokes_exports_and_returns_values() {
    let module = Module::from_bytes(&[
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f,
        0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00,
        0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b,
    ])
    .unwrap();
    let mut store = Store::default();
    let inst = store.instantiate(&module, &[]).unwrap();
    assert_eq!(
        call(&mut store, inst, "add", &[Value::I32(2), Value::I32(40)]),
        Ok(vec![Value::I32(42)])
    );
    assert_eq!(
        call(
            &mut store,
            inst,
            "add",
            &[Value::I32(i32::MAX), Value::I32(1)]
        ),
        Ok(vec![Value::I32(i32::MIN)])
    );
    // Arguments of the wrong type are refused, not misread.
    assert!(call(&mut store, inst, "add", &[Value::I64(2), Value::I32(40)]).is_err());

    let mut store = Store::default();
    let inst = store.instantiate(&wat(ARITH), &[]).unwrap();
    assert_eq!(
        call(
            &mut store,
            inst,
            "swap",
            &[Value::I64(-7), Value::F64(2.5f64.to_bits())]
        ),
        Ok(vec![Value::F64(2.5f64.to_bits()), Value::I64(-7)])
    );
    assert_eq!(
        call(&mut store, inst, "fac", &[Value::I64(20)]),
        Ok(vec![Value::I64(2_432_902_008_176_640_000)])
    );
    let lanes = 11u128 | 22 << 32 | 33 << 64 | 44 << 96;
    assert_eq!(
        call(&mut store, inst, "lanes", &[]),
        Ok(vec![Value::V128(lanes)])
    );
}

#[test]
fn traps_are_values_and_the_store_stays_usable() {
    let mut store = Store::default();
    let inst = store.instantiate(&wat(ARITH), &[]).unwrap();
    assert_eq!(
        call(&mut store, inst, "div", &[Value::I32(1), Value::I32(0)]),
        Err(Trap::IntegerDivideByZero)
    );
    assert_eq!(
        call(
            &mut store,
            inst,
            "div",
            &[Value::I32(i32::MIN), Value::I32(-1)]
        ),
        Err(Trap::IntegerOverflow)
    );
    assert_eq!(call(&mut store, inst, "boom", &[]), Err(Trap::Unreachable));
    assert_eq!(
        call(&mut store, inst, "peek", &[Value::I32(65533)]),
        Err(Trap::MemoryOutOfBounds)
    );
    assert_eq!(
        call(&mut store, inst, "peek", &[Value::I32(-1)]),
        Err(Trap::MemoryOutOfBounds)
    );
    assert_eq!(
        call(&mut store, inst, "peek", &[Value::I32(65532)]),
        Ok(vec![Value::I32(0)])
    );
    assert_eq!(
        call(&mut store, inst, "div", &[Value::I32(-9), Value::I32(2)]),
        Ok(vec![Value::I32(-4)])
    );
}

#[test]
fn call_depth_and_stack_are_limited() {
    let config = Config {
        max_call_depth: 100,
        ..Config::default()
    };
    let mut store = Store::new(config);
    let inst = store.instantiate(&wat(ARITH), &[]).unwrap();
    assert_eq!(
        call(&mut store, inst, "fac", &[Value::I64(98)]).map(|v| v.len()),
        Ok(1)
    );
    assert_eq!(
        call(&mut store, inst, "fac", &[Value::I64(100)]),
        Err(Trap::StackExhausted)
    );

    // 2^28 locals do not fit the operand stack: the call traps instead of allocating.
    let big = wat("(module (func (export \"f\") (local i64) (local i32 i32) (local i64)) )");
    let inst = store.instantiate(&big, &[]).unwrap();
    assert_eq!(call(&mut store, inst, "f", &[]), Ok(vec![]));
    let huge = Module::decode(&[
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03,
        0x02, 0x01, 0x00, 0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, 0x0a, 0x0a, 0x01, 0x08, 0x01,
        0x80, 0x80, 0x80, 0x80, 0x01, 0x7f, 0x0b,
    ])
    .unwrap()
    .validate()
    .unwrap();
    let inst = store.instantiate(&huge, &[]).unwrap();
    assert_eq!(call(&mut store, inst, "f", &[]), Err(Trap::StackExhausted));
}

#[test]
fn fuel_counts_instructions() {
    let mut store = Store::default();
    let inst = store.instantiate(&wat(ARITH), &[]).unwrap();
    store.set_fuel(Some(10));
    // local.get, local.get, i32.add, end.
    assert_eq!(
        call(&mut store, inst, "add", &[Value::I32(1), Value::I32(2)]),
        Ok(vec![Value::I32(3)])
    );
    assert_eq!(store.fuel(), Some(6));
    store.set_fuel(Some(10_000));
    assert_eq!(call(&mut store, inst, "spin", &[]), Err(Trap::OutOfFuel));
    assert_eq!(store.fuel(), Some(0));
    store.set_fuel(None);
    assert_eq!(
        call(&mut store, inst, "add", &[Value::I32(1), Value::I32(2)]),
        Ok(vec![Value::I32(3)])
    );
    assert_eq!(store.fuel(), None);
}

#[test]
fn host_functions_and_linking() {
    let module = wat(r#"(module
             (import "env" "double" (func $double (param i32) (result i32)))
             (import "env" "mem" (memory 1))
             (func (export "run") (param i32) (result i32)
               (i32.store (i32.const 8) (call $double (local.get 0)))
               (i32.load (i32.const 8))))"#);
    let mut store = Store::default();
    let calls = Rc::new(Cell::new(0));
    let seen = calls.clone();
    let i32_to_i32 = FuncType {
        params: vec![ValType::I32].into(),
        results: vec![ValType::I32].into(),
    };
    let double = store.host_func(i32_to_i32.clone(), move |_, args| {
        seen.set(seen.get() + 1);
        match args {
            [Value::I32(0)] => Err(Trap::Host("zero".into())),
            [Value::I32(x)] => Ok(vec![Value::I32(x * 2)]),
            _ => unreachable!("validated signature"),
        }
    });
    let mem = store
        .new_memory(MemoryType {
            limits: Limits { min: 1, max: None },
        })
        .unwrap();
    let inst = store
        .instantiate(&module, &[Extern::Func(double), Extern::Memory(mem)])
        .unwrap();
    assert_eq!(
        call(&mut store, inst, "run", &[Value::I32(21)]),
        Ok(vec![Value::I32(42)])
    );
    assert_eq!(&store.memory(mem)[8..12], &42i32.to_le_bytes());
    assert_eq!(
        call(&mut store, inst, "run", &[Value::I32(0)]),
        Err(Trap::Host("zero".into()))
    );
    assert_eq!(calls.get(), 2);

    // Wrong number, kind or type of imports.
    assert!(matches!(
        store.instantiate(&module, &[Extern::Func(double)]),
        Err(InstantiationError::Link(LinkError::ImportCount {
            expected: 2,
            given: 1
        }))
    ));
    assert!(matches!(
        store.instantiate(&module, &[Extern::Memory(mem), Extern::Func(double)]),
        Err(InstantiationError::Link(
            LinkError::IncompatibleImportType { .. }
        ))
    ));
    let nullary = store.host_func(FuncType::default(), |_, _| Ok(Vec::new()));
    assert!(matches!(
        store.instantiate(&module, &[Extern::Func(nullary), Extern::Memory(mem)]),
        Err(InstantiationError::Link(
            LinkError::IncompatibleImportType { .. }
        ))
    ));
    // A memory smaller than the import's minimum does not link.
    let wants_two = wat(r#"(module (import "env" "mem" (memory 2)))"#);
    assert!(matches!(
        store.instantiate(&wants_two, &[Extern::Memory(mem)]),
        Err(InstantiationError::Link(_))
    ));
}

#[test]
fn instantiation_initializes_and_can_trap() {
    let module = wat(r#"(module
             (memory (export "mem") 1)
             (global (export "g") (mut i32) (i32.const 7))
             (data (i32.const 100) "\01\02\03")
             (func $start (global.set 0 (i32.add (global.get 0) (i32.load8_u (i32.const 101)))))
             (start $start))"#);
    let mut store = Store::default();
    let inst = store.instantiate(&module, &[]).unwrap();
    let Some(Extern::Global(g)) = store.export(inst, "g") else {
        panic!("no global")
    };
    assert_eq!(store.global_value(g), Value::I32(9));
    let Some(Extern::Memory(m)) = store.export(inst, "mem") else {
        panic!("no memory")
    };
    assert_eq!(&store.memory(m)[99..104], &[0, 1, 2, 3, 0]);

    let out_of_bounds = wat(r#"(module (memory 1) (data (i32.const 65535) "ab"))"#);
    assert_eq!(
        store.instantiate(&out_of_bounds, &[]),
        Err(InstantiationError::Trap(Trap::MemoryOutOfBounds))
    );
}

#[test]
fn memory_is_limited_by_the_configuration() {
    let config = Config {
        max_memory_pages: 2,
        ..Config::default()
    };
    let mut store = Store::new(config);
    let grow = wat(
        r#"(module (memory 1) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
    );
    let inst = store.instantiate(&grow, &[]).unwrap();
    assert_eq!(
        call(&mut store, inst, "grow", &[Value::I32(1)]),
        Ok(vec![Value::I32(1)])
    );
    assert_eq!(
        call(&mut store, inst, "grow", &[Value::I32(1)]),
        Ok(vec![Value::I32(-1)])
    );
    assert_eq!(
        call(&mut store, inst, "grow", &[Value::I32(0)]),
        Ok(vec![Value::I32(2)])
    );
    let big = wat("(module (memory 3))");
    assert_eq!(
        store.instantiate(&big, &[]),
        Err(InstantiationError::MemoryLimit(3))
    );
}

#[test]
fn references_from_the_host_are_checked() {
    let module = wat(r#"(module
             (import "env" "get" (func $get (result funcref)))
             (table 1 funcref)
             (func (export "id") (param funcref) (result funcref) local.get 0)
             (func (export "store_and_call")
               (table.set (i32.const 0) (call $get))
               (call_indirect (i32.const 0))))"#);
    // An address from another, larger store dangles in this one.
    let mut other = Store::default();
    let dangling = (0..10)
        .map(|_| other.host_func(FuncType::default(), |_, _| Ok(Vec::new())))
        .last()
        .unwrap();
    let mut store = Store::default();
    let returns_funcref = FuncType {
        params: Box::new([]),
        results: vec![ValType::FuncRef].into(),
    };
    let bogus = store.host_func(returns_funcref, move |_, _| {
        Ok(vec![Value::FuncRef(Some(dangling))])
    });
    let inst = store.instantiate(&module, &[Extern::Func(bogus)]).unwrap();
    // A dangling reference from the host is a trap, not a crash later in call_indirect.
    assert!(matches!(
        call(&mut store, inst, "store_and_call", &[]),
        Err(Trap::Host(_))
    ));
    let Some(Extern::Func(id)) = store.export(inst, "id") else {
        panic!("no id")
    };
    assert_eq!(
        store.invoke(id, &[Value::FuncRef(Some(id))]),
        Ok(vec![Value::FuncRef(Some(id))])
    );
    assert!(matches!(
        store.invoke(id, &[Value::FuncRef(Some(dangling))]),
        Err(Trap::Host(_))
    ));
}

#[test]
fn tables_are_limited_by_the_configuration() {
    let config = Config {
        max_table_elements: 100,
        ..Config::default()
    };
    let mut store = Store::new(config);
    let grow = wat(r#"(module (table 10 externref)
             (func (export "grow") (param i32) (result i32) (table.grow (ref.null extern) (local.get 0))))"#);
    let inst = store.instantiate(&grow, &[]).unwrap();
    assert_eq!(
        call(&mut store, inst, "grow", &[Value::I32(90)]),
        Ok(vec![Value::I32(10)])
    );
    assert_eq!(
        call(&mut store, inst, "grow", &[Value::I32(1)]),
        Ok(vec![Value::I32(-1)])
    );
    // Far beyond any limit: refused without trying to allocate.
    assert_eq!(
        call(&mut store, inst, "grow", &[Value::I32(-2)]),
        Ok(vec![Value::I32(-1)])
    );
    let big = wat("(module (table 101 funcref))");
    assert_eq!(
        store.instantiate(&big, &[]),
        Err(InstantiationError::TableLimit(101))
    );
}

#[test]
fn host_functions_reach_the_callers_memory() {
    let module = wat(r#"(module
             (import "env" "print" (func $print (param i32 i32) (result i32)))
             (memory (export "memory") 1)
             (data (i32.const 16) "hello, host")
             (func (export "run") (result i32)
               (drop (call $print (i32.const 16) (i32.const 11)))
               (i32.load8_u (i32.const 16))))"#);
    let mut store = Store::default();
    let printed = Rc::new(std::cell::RefCell::new(String::new()));
    let sink = printed.clone();
    let ty = FuncType {
        params: vec![ValType::I32, ValType::I32].into(),
        results: vec![ValType::I32].into(),
    };
    let print = store.host_func(ty, move |caller, args| {
        let [Value::I32(ptr), Value::I32(len)] = *args else {
            unreachable!("validated signature")
        };
        let Some(Extern::Memory(mem)) = caller.export("memory") else {
            return Err(Trap::Host("no memory".into()));
        };
        let (start, end) = (ptr as usize, ptr as usize + len as usize);
        let text = caller
            .memory(mem)
            .get(start..end)
            .ok_or(Trap::MemoryOutOfBounds)?;
        sink.borrow_mut().push_str(&String::from_utf8_lossy(text));
        caller.memory_mut(mem)[start] = b'H';
        Ok(vec![Value::I32(len)])
    });
    let inst = store.instantiate(&module, &[Extern::Func(print)]).unwrap();
    assert_eq!(
        call(&mut store, inst, "run", &[]),
        Ok(vec![Value::I32(i32::from(b'H'))])
    );
    assert_eq!(printed.borrow().as_str(), "hello, host");
    // Invoked directly by the host there is no calling instance, hence no memory.
    assert_eq!(
        store.invoke(print, &[Value::I32(0), Value::I32(1)]),
        Err(Trap::Host("no memory".into()))
    );
}
