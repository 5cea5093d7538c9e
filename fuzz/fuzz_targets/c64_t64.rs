//! `.t64` parsing on arbitrary bytes: a tape or a typed error, never a panic; every
//! program read lies inside the archive and fits below $10000.
#![no_main]

use heirloom_c64::media::t64::Tape;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(tape) = Tape::parse(data) else {
        return;
    };
    for entry in &tape.entries {
        let program = &entry.program;
        assert!(!program.bytes.is_empty() && program.bytes.len() < data.len());
        assert!(usize::from(program.load_address) + program.bytes.len() <= 0x10000);
        let _ = tape.program(Some(&entry.name));
    }
    let _ = tape.program(None);
});
