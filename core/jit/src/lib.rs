//! Heirloom's native code backend for WebAssembly, built on Cranelift.
