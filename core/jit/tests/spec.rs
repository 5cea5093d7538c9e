//! The WebAssembly 2.0 specification test suite on the Cranelift engine: the runner of the
//! interpreter's suite, every script, with stores that compile every module.

#[path = "../../wasm/tests/spec_runner/mod.rs"]
mod spec_runner;

use heirloom_wasm::exec::{Config, Store};

fn jit_store() -> Store {
    heirloom_jit::store(Config::default()).expect("the host is supported")
}

fn run(file: &str) {
    spec_runner::run_script(file, jit_store);
}

macro_rules! scripts {
    ($($test:ident => $file:literal,)*) => {
        $(
            #[test]
            fn $test() {
                run($file);
            }
        )*
    };
}

with_scripts!(scripts);
