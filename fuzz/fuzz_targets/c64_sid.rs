//! `.sid` parsing and the player driver's installation on arbitrary bytes: a tune or a
//! typed error, never a panic; an installation never writes past $FFFF.
#![no_main]

use heirloom_c64::media::sid::SidTune;
use heirloom_c64::media::sid::player;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(tune) = SidTune::parse(data) else {
        return;
    };
    assert!(tune.end_address() <= 0x10000);
    for song in [0, tune.start_song, tune.songs.saturating_add(1)] {
        let _ = tune.uses_cia_timer(song);
        if let Ok(installation) = player::install(&tune, song) {
            for (address, bytes) in &installation.blocks {
                assert!(usize::from(*address) + bytes.len() <= 0x10000);
            }
        }
    }
});
