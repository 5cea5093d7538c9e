//! The sandbox on the Cranelift engine: the interpreter's sandbox tests on stores that
//! compile every module, and a host function that panics becomes a trap.

#[path = "../../wasm/tests/common/mod.rs"]
mod common;
#[path = "../../wasm/tests/sandbox_cases/mod.rs"]
mod sandbox_cases;

use heirloom_wasm::exec::Store;

fn jit_store(config: Config) -> Store {
    heirloom_jit::store(config).expect("the host is supported")
}

sandbox_tests!(jit_store);

#[test]
fn a_panicking_host_function_traps_and_the_store_goes_on() {
    let _serial = serial();
    let module = wat(r#"(module
        (import "env" "boom" (func $boom (param i32) (result i32)))
        (memory (export "memory") 1)
        (func (export "run") (param i32) (result i32)
          (i32.store (i32.const 0) (i32.const 7))
          (i32.add (call $boom (local.get 0)) (i32.const 1))))"#);
    let mut store = jit_store(Config::default());
    let mut linker = Linker::new();
    linker.func(
        &mut store,
        "env",
        "boom",
        heirloom_wasm::FuncType {
            params: vec![heirloom_wasm::ValType::I32].into(),
            results: vec![heirloom_wasm::ValType::I32].into(),
        },
        |_, args| {
            if args[0] == Value::I32(0) {
                panic!("the host gave up");
            }
            Ok(vec![args[0]])
        },
    );
    let inst = linker.instantiate(&mut store, &module).unwrap();
    assert_eq!(
        call(&mut store, inst, "run", &[Value::I32(0)]),
        Err(Trap::Host(
            "host function panicked: the host gave up".to_string()
        ))
    );
    // The trap names the calling function at its call (instruction 4).
    let trace = store.last_backtrace();
    assert_eq!(trace.len(), 1);
    assert_eq!((trace[0].func_index, trace[0].instr), (1, Some(4)));
    // The store keeps working, memory writes before the panic stay.
    assert_eq!(
        call(&mut store, inst, "run", &[Value::I32(41)]),
        Ok(vec![Value::I32(42)])
    );
    let Some(Extern::Memory(m)) = store.export(inst, "memory") else {
        panic!("no memory")
    };
    assert_eq!(store.memory(m)[0], 7);
    assert!(store.last_backtrace().is_empty());
}
