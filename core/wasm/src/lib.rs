//! Heirloom's WebAssembly module loader, validator, sandbox and interpreter (being built).
