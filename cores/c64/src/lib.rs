//! A PAL Commodore 64 for Heirloom's app shell (being built): the memory map and its PLA,
//! the 6510's I/O port, and the keyboard.

pub mod cpu_port;
pub mod keyboard;
pub mod pla;
pub mod roms;
pub mod screen_text;
