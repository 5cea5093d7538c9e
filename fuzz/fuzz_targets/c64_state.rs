//! C64 save states: arbitrary payloads in a well-formed frame (so the fuzzer reaches the
//! machine's own parsing), loaded into a running machine. Loading must refuse or accept,
//! never panic, and a refused state must leave the machine as it was.
#![no_main]

use std::sync::OnceLock;

use heirloom_c64::shell::{CORE_ID, STATE_VERSION};
use heirloom_c64::{C64, RomSet};
use heirloom_shell::Core;
use heirloom_shell::state;
use libfuzzer_sys::fuzz_target;

fn machine() -> &'static C64 {
    static MACHINE: OnceLock<C64> = OnceLock::new();
    MACHINE.get_or_init(|| C64::new(RomSet::open_rom()))
}

fuzz_target!(|data: &[u8]| {
    let mut c64 = machine().clone();
    let before = c64.save_state();
    let framed = state::encode(CORE_ID, STATE_VERSION, data);
    if c64.load_state(&framed).is_err() {
        assert!(c64.save_state() == before, "a refused state changed the machine");
    }
    let _ = c64.load_state(data);
});
