//! The two engines side by side: `wasm-smith` turns the fuzzer's bytes into a valid
//! module, which must behave the same on the interpreter and on the Cranelift engine
//! (results, traps, backtraces, fuel, exported state). The comparison is the
//! `differential` test's own harness; a difference panics with its description.
#![no_main]

#[path = "../../core/jit/tests/differential_harness/mod.rs"]
mod differential_harness;

use std::rc::Rc;

use arbitrary::Unstructured;
use differential_harness::{Counts, Rng, compare, smith_config};
use libfuzzer_sys::fuzz_target;

thread_local! {
    static ENGINE: Rc<heirloom_jit::Jit> =
        Rc::new(heirloom_jit::Jit::new().expect("the host is supported"));
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(module) = wasm_smith::Module::new(smith_config(), &mut u) else {
        return;
    };
    let bytes = module.to_bytes();
    // Arguments come from the same bytes, so a crash replays exactly.
    let seed = data.iter().fold(0x9E37_79B9_7F4A_7C15_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let mut rng = Rng(seed | 1);
    ENGINE.with(|engine| {
        if let Err(why) = compare(&bytes, &mut rng, engine, &mut Counts::default()) {
            panic!("the engines differ: {why}");
        }
    });
});
