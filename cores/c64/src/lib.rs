//! A PAL Commodore 64 for Heirloom's app shell (being built): the 6510 with its I/O port,
//! the PLA's memory map, the VIC-II and two CIAs clocked on every CPU cycle, the keyboard
//! matrix, Heirloom's own open ROM or user-supplied ROMs, and save states of the whole
//! machine.

pub mod board;
pub mod cartridge;
pub mod cpu_port;
pub mod drive;
pub mod keyboard;
pub mod machine;
pub mod media;
mod open_rom;
pub mod pla;
pub mod ports;
pub mod roms;
pub mod screen_text;
pub mod shell;
pub mod typing;

pub use machine::Machine;
pub use roms::{RomError, RomKind, RomSet};
pub use shell::C64;
