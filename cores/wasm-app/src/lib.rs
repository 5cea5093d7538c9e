//! A Heirloom core that runs legacy applications compiled to WebAssembly.
