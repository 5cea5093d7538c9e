//! Helpers shared by the runtime's tests.

use heirloom_wasm::exec::{Extern, InstanceId, Store, Trap, Value};
use heirloom_wasm::{Module, ValidatedModule};
use wast::parser::{self, ParseBuffer};

/// A validated module from WebAssembly text.
pub fn wat(text: &str) -> ValidatedModule {
    let buf = ParseBuffer::new(text).expect("lexes");
    let mut module: wast::Wat<'_> = parser::parse(&buf).expect("parses");
    Module::from_bytes(&module.encode().expect("encodes")).expect("valid")
}

/// Calls the exported function `name` of `inst`.
pub fn call(
    store: &mut Store,
    inst: InstanceId,
    name: &str,
    args: &[Value],
) -> Result<Vec<Value>, Trap> {
    let Some(Extern::Func(f)) = store.export(inst, name) else {
        panic!("no function {name}")
    };
    store.invoke(f, args)
}
