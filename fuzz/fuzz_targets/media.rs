//! Media detection and zip unpacking on arbitrary bytes: never a panic, never more than
//! the size cap in memory.
#![no_main]

use heirloom_shell::Media;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for name in ["file.zip", "file.prg", "file.d64", "file"] {
        let media = Media::new(name, data.to_vec());
        let _ = media.kind();
        let _ = media.clone().unpack();
        let _ = media.archive_members();
    }
});
