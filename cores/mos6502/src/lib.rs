//! A cycle-exact NMOS 6502 generic over its bus (being built).
