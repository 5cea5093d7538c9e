//! The MOS 6569 VIC-II video chip (PAL), cycle-exact (being built).
