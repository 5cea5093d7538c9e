//! WebAssembly modules: decode and validate arbitrary bytes; instantiate what validates
//! (with small limits) and run each exported function with zero arguments on a little
//! fuel. Everything must end in a value or an error, never a panic or a hang.
#![no_main]

use heirloom_wasm::exec::{Config, Extern, Store, Value};
use heirloom_wasm::{Module, ValType};
use libfuzzer_sys::fuzz_target;

fn zero(ty: ValType) -> Value {
    match ty {
        ValType::I32 => Value::I32(0),
        ValType::I64 => Value::I64(0),
        ValType::F32 => Value::F32(0),
        ValType::F64 => Value::F64(0),
        ValType::V128 => Value::V128(0),
        ValType::FuncRef => Value::FuncRef(None),
        ValType::ExternRef => Value::ExternRef(None),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(module) = Module::from_bytes(data) else { return };
    let config = Config { max_memory_pages: 64, max_table_elements: 10_000, ..Config::default() };
    let mut store = Store::new(config);
    let Ok(instance) = store.instantiate(&module, &[]) else { return };
    let names: Vec<String> = module.module().exports.iter().map(|export| export.name.clone()).collect();
    for name in names {
        if let Some(Extern::Func(func)) = store.export(instance, &name) {
            let args: Vec<Value> = store.func_type(func).params.iter().map(|&ty| zero(ty)).collect();
            store.set_fuel(Some(100_000));
            let _ = store.invoke(func, &args);
        }
    }
});
