//! The MOS 6526 CIA interface chip, cycle-exact (being built).
