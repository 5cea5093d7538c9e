//! `.prg` and `.p00` parsing on arbitrary bytes: a program or a typed error, never a
//! panic; a parsed program always fits below $10000.
#![no_main]

use heirloom_c64::media::Program;
use heirloom_c64::media::p00::P00;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(program) = Program::from_prg(data) {
        assert!(usize::from(program.load_address) + program.bytes.len() <= 0x10000);
        assert_eq!(program.to_prg(), data);
    }
    if let Ok(file) = P00::parse(data) {
        assert_eq!(file.program.bytes.len() + 2 + 0x1a, data.len());
    }
});
