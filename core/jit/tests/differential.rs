//! Differential testing: thousands of random valid modules from `wasm-smith` must behave
//! the same on the interpreter and on the Cranelift engine (see `differential_harness`).
//! `HEIRLOOM_DIFF_CASES` sets the number of modules; the `wasm_engines` fuzz target runs
//! the same comparison on fuzzer-chosen modules.

mod differential_harness;

use std::rc::Rc;

use arbitrary::Unstructured;
use differential_harness::{Counts, Rng, compare, smith_config};

#[test]
fn random_modules_behave_the_same_on_both_engines() {
    let cases: u64 = std::env::var("HEIRLOOM_DIFF_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let engine = Rc::new(heirloom_jit::Jit::new().expect("the host is supported"));
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut counts = Counts::default();
    let mut failures = Vec::new();
    for case in 0..cases {
        let len = 64 + (rng.next() % 4096) as usize;
        let data: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let mut u = Unstructured::new(&data);
        let Ok(module) = wasm_smith::Module::new(smith_config(), &mut u) else {
            continue;
        };
        let bytes = module.to_bytes();
        match compare(&bytes, &mut rng, &engine, &mut counts) {
            Ok(()) => {}
            Err(why) => {
                if failures.len() < 5 {
                    let path = std::env::temp_dir().join(format!("heirloom-diff-{case}.wasm"));
                    let _ = std::fs::write(&path, &bytes);
                    failures.push(format!("case {case} ({}): {why}", path.display()));
                } else {
                    failures.push(format!("case {case}: {why}"));
                }
            }
        }
    }
    println!(
        "{cases} random modules, {} instantiated, calls compared: {} returned, {} trapped",
        counts.instantiated, counts.returned, counts.trapped
    );
    assert!(
        failures.is_empty(),
        "{} of {cases} modules differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        counts.returned as u64 > cases / 2 && counts.trapped > 0,
        "too few calls compared: {counts:?}"
    );
}
