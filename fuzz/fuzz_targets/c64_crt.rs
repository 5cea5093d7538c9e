//! `.crt` parsing and cartridge set-up on arbitrary bytes, then every register of the
//! cartridge poked: never a panic.
#![no_main]

use heirloom_c64::cartridge::Cartridge;
use heirloom_c64::media::crt::CrtImage;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(image) = CrtImage::parse(data) else {
        return;
    };
    let Ok(mut cartridge) = Cartridge::from_crt(&image) else {
        return;
    };
    for value in [0x00, 0x07, 0x3f, 0x80, 0xff] {
        for address in [0xde00, 0xde02, 0xde0f, 0xde3f, 0xdeff] {
            cartridge.write_io1(address, value);
            let _ = cartridge.read_io1(address);
            let _ = cartridge.read_roml(0x8000 | address);
            let _ = cartridge.read_romh(0xa000 | address);
            let _ = cartridge.read_romh(0xe000 | address);
            let romh = cartridge.romh_bank();
            assert!(romh.is_empty() || romh.len() == 0x2000);
        }
        cartridge.write_io2(0xdf00 | u16::from(value), value);
        let _ = cartridge.read_io2(0xdf00 | u16::from(value));
    }
    cartridge.reset();
});
