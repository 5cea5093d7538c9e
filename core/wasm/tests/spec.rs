//! The WebAssembly 2.0 specification test suite (WebAssembly/testsuite) on the
//! interpreter, one test per script (the runner is shared with the compiling engines).

mod spec_runner;

use std::path::Path;

use heirloom_wasm::exec::Store;

/// Every script of the suite must have a test below.
#[test]
fn every_script_is_listed() {
    let Some(dir) = heirloom_testkit::suite("wasm-spec-2.0") else {
        return;
    };
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("suite folder is readable")
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| Path::new(name).extension().is_some_and(|ext| ext == "wast"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = SCRIPTS.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

macro_rules! scripts {
    ($($test:ident => $file:literal,)*) => {
        const SCRIPTS: &[&str] = &[$($file),*];
        $(
            #[test]
            fn $test() {
                spec_runner::run_script($file, Store::default);
            }
        )*
    };
}

with_scripts!(scripts);
