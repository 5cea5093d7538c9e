//! Heirloom's open ROM: the C64's BASIC and KERNAL written for this project, so the
//! machine boots without Commodore's ROM images.
//!
//! The 6502 side (`rom/*.s`, assembled by Heirloom's own assembler the first time the ROM
//! is needed) holds the reset and interrupt paths, the KERNAL jump table and the RAM
//! vectors at their C64 addresses. The heavy parts run in Rust: at each `trap_` label of
//! the source the machine calls the matching handler here, then executes the instruction
//! at the label. Traps fire only while this ROM is banked in at that address, never for
//! code in RAM, and each one charges the cycles the work would take on a C64.

mod basic;
#[cfg(test)]
mod charset;
mod editor;
mod files;
mod scnkey;
pub(crate) mod tape;

use std::sync::OnceLock;

use heirloom_6502::Cpu;
use heirloom_asm6502::{Assembly, MemoryLoader, assemble};

use crate::board::Board;
use crate::drive::Drives;
use crate::roms::RomSet;

/// The character ROM, built from `rom/charset.txt` by the build script.
const CHARGEN: &[u8; 4096] = include_bytes!(concat!(env!("OUT_DIR"), "/chargen.bin"));

/// The ROM sources, by the names `rom.s` includes them under.
const SOURCES: [(&str, &str); 3] = [
    ("rom.s", include_str!("../../rom/rom.s")),
    ("basic.s", include_str!("../../rom/basic.s")),
    ("kernal.s", include_str!("../../rom/kernal.s")),
];

/// What a trap handler works with: the CPU's registers and everything on its bus.
pub(crate) struct TrapContext<'a> {
    /// The CPU, whose registers carry the routine's arguments and results.
    pub cpu: &'a mut Cpu,
    /// Memory and chips.
    pub board: &'a mut Board,
    /// The disk drives on the serial bus.
    pub drives: &'a mut Drives,
    /// The datasette on device 1.
    pub datasette: &'a mut tape::Datasette,
    /// Cycles the work is charged, as the 6502 code it stands for would take.
    pub cycles: u64,
}

impl TrapContext<'_> {
    /// A byte of RAM.
    pub fn ram(&self, address: u16) -> u8 {
        self.board.ram[usize::from(address)]
    }

    /// Writes a byte of RAM.
    pub fn set_ram(&mut self, address: u16, value: u8) {
        self.board.ram[usize::from(address)] = value;
    }

    /// A little-endian pointer in RAM.
    pub fn ram_word(&self, address: u16) -> u16 {
        u16::from_le_bytes([self.ram(address), self.ram(address.wrapping_add(1))])
    }

    /// Writes a little-endian pointer into RAM.
    pub fn set_ram_word(&mut self, address: u16, value: u16) {
        let [low, high] = value.to_le_bytes();
        self.set_ram(address, low);
        self.set_ram(address.wrapping_add(1), high);
    }

    /// Charges `cycles` of 6502 work.
    pub fn charge(&mut self, cycles: u64) {
        self.cycles += cycles;
    }
}

/// A trap handler.
pub(crate) type TrapHandler = fn(&mut TrapContext<'_>);

/// Every trap label of the sources with its handler.
const HANDLERS: &[(&str, TrapHandler)] = &[
    ("trap_basic_cold", basic::cold_start),
    ("trap_basic_line", basic::enter_line),
    ("trap_basic_warm", basic::warm_start),
    ("trap_basic_exec", basic::exec),
    ("trap_basic_input", basic::input_line),
    ("trap_basic_get", basic::get_key),
    ("trap_basic_sys", basic::sys_return),
    ("trap_basic_usr", basic::usr_return),
    ("trap_basic_usr_none", basic::no_routine),
    ("trap_basic_facinx", basic::fac_to_integer),
    ("trap_basic_givayf", basic::integer_to_fac),
    ("trap_basic_kernal", basic::kernal_return),
    ("trap_basic_print_file", basic::print_file_return),
    ("trap_basic_get_file", basic::get_file),
    ("trap_basic_input_file", basic::input_file),
    ("trap_cint", editor::cint),
    ("trap_plot_set", editor::plot_set),
    ("trap_blink", editor::blink),
    ("trap_scnkey", scnkey::scnkey),
    ("trap_input_start", editor::input_start),
    ("trap_edit_key", editor::edit_key),
    ("trap_line_char", editor::line_char),
    ("trap_chrout", editor::chrout),
    ("trap_basic_load", basic::load_entry),
    ("trap_open", files::open),
    ("trap_close", files::close),
    ("trap_chkin", files::chkin),
    ("trap_chkout", files::chkout),
    ("trap_clrchn", files::clrchn),
    ("trap_chrin_file", files::chrin_file),
    ("trap_getin_file", files::chrin_file),
    ("trap_chrout_file", files::chrout_file),
    ("trap_load", files::load),
    ("trap_save", files::save),
    ("trap_listen", files::bus_listen),
    ("trap_talk", files::bus_talk),
    ("trap_second", files::bus_second),
    ("trap_tksa", files::bus_tksa),
    ("trap_ciout", files::bus_ciout),
    ("trap_acptr", files::bus_acptr),
    ("trap_untlk", files::bus_untalk),
    ("trap_unlsn", files::bus_unlisten),
];

/// The assembled ROM and its trap table.
struct OpenRom {
    images: RomSet,
    /// Trap addresses, sorted, with their handlers.
    traps: Vec<(u16, TrapHandler)>,
}

fn open_rom() -> &'static OpenRom {
    static ROM: OnceLock<OpenRom> = OnceLock::new();
    ROM.get_or_init(build)
}

fn build() -> OpenRom {
    let mut loader = MemoryLoader::new();
    for (name, text) in SOURCES {
        loader = loader.with(name, text);
    }
    let assembly = assemble(SOURCES[0].0, SOURCES[0].1, &loader)
        .unwrap_or_else(|errors| panic!("the open ROM does not assemble:\n{errors}"));
    OpenRom {
        images: images(&assembly),
        traps: traps(&assembly),
    }
}

/// Splits the assembled $A000–$FFFF into the BASIC and KERNAL images.
fn images(assembly: &Assembly) -> RomSet {
    assert_eq!(
        assembly.load_address, 0xa000,
        "the open ROM starts at $A000"
    );
    assert_eq!(assembly.bytes.len(), 0x6000, "the open ROM ends at $FFFF");
    let (basic, rest) = assembly.bytes.split_at(0x2000);
    let (between, kernal) = rest.split_at(0x2000);
    assert!(
        between.iter().all(|&byte| byte == 0),
        "the open ROM puts code at $C000-$DFFF"
    );
    RomSet {
        kernal: kernal.to_vec(),
        basic: basic.to_vec(),
        chargen: CHARGEN.to_vec(),
        open: true,
    }
}

fn traps(assembly: &Assembly) -> Vec<(u16, TrapHandler)> {
    let mut traps: Vec<(u16, TrapHandler)> = HANDLERS
        .iter()
        .map(|&(label, handler)| {
            let address = assembly
                .address_of(label)
                .unwrap_or_else(|| panic!("the open ROM has no label {label}"));
            (address, handler)
        })
        .collect();
    for name in assembly
        .symbols
        .keys()
        .filter(|name| name.starts_with("trap_"))
    {
        assert!(
            HANDLERS.iter().any(|(label, _)| label == name),
            "no handler for {name}"
        );
    }
    traps.sort_by_key(|&(address, _)| address);
    traps
}

/// Heirloom's open ROM as a ROM set.
pub fn rom_set() -> RomSet {
    open_rom().images.clone()
}

/// The trap handler at `address` of the open ROM, if any.
pub(crate) fn trap_at(address: u16) -> Option<TrapHandler> {
    let traps = &open_rom().traps;
    traps
        .binary_search_by_key(&address, |&(trap, _)| trap)
        .ok()
        .map(|index| traps[index].1)
}

/// PETSCII to screen code, as the screen editor stores characters.
pub(crate) fn petscii_to_screen(code: u8) -> u8 {
    match code {
        0x20..=0x3f => code,
        0x40..=0x5f => code - 0x40,
        0x60..=0x7f => code - 0x20,
        0xa0..=0xbf => code - 0x40,
        0xc0..=0xfe => code - 0x80,
        0xff => 0x5e,
        _ => code,
    }
}

/// Screen code (reverse bit ignored) to PETSCII, as the screen editor reads lines back
/// (π, screen code $5E, reads back as $FF).
pub(crate) fn screen_to_petscii(code: u8) -> u8 {
    match code & 0x7f {
        0x5e => 0xff,
        code @ 0x00..=0x1f => code + 0x40,
        code @ 0x20..=0x3f => code,
        code @ 0x40..=0x5f => code + 0x80,
        code => code + 0x40,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rom_assembles_with_every_trap_in_place() {
        let rom = open_rom();
        assert_eq!(rom.traps.len(), HANDLERS.len());
        let kernal = &rom.images.kernal;
        let vector = |at: usize| u16::from_le_bytes([kernal[at - 0xe000], kernal[at + 1 - 0xe000]]);
        assert_eq!(vector(0xfffc), 0xfce2, "reset at its C64 address");
        assert_eq!(vector(0xfffe), 0xff48, "IRQ at its C64 address");
        assert_eq!(kernal[0xffd2 - 0xe000], 0x6c, "CHROUT is JMP ($0326)");
        assert!(trap_at(0xe000).is_none());
    }

    #[test]
    fn petscii_and_screen_codes_convert_both_ways() {
        for petscii in (0x20..=0x7f).chain(0xa0..=0xbf).chain(0xc0..=0xdf) {
            let screen = petscii_to_screen(petscii);
            let back = screen_to_petscii(screen);
            // $60-$7F and $C0-$DF show the same characters; reading back gives $C0-$DF, and
            // π ($7E, $DE) reads back as $FF.
            let expected = match petscii {
                0x7e | 0xde => 0xff,
                0x60..=0x7f => petscii + 0x60,
                _ => petscii,
            };
            assert_eq!(back, expected, "{petscii:#x} -> {screen:#x}");
        }
        assert_eq!(petscii_to_screen(b'A'), 1);
        assert_eq!(petscii_to_screen(b'@'), 0);
    }
}
