//! Which core runs which media.
//!
//! Cores know nothing of the command; the command knows cores only here, as
//! `Box<dyn Core>` behind the shell's contract.

use heirloom_shell::{Core, MediaKind};

/// Makes a fresh core able to run media of `kind`, if this build has one.
///
/// Heirloom's machine cores plug in here as they are built: C64 programs, disks,
/// cartridges and tunes go to the C64; WebAssembly modules to the wasm-app core.
pub fn core_for(kind: MediaKind) -> Option<Box<dyn Core>> {
    let _ = kind;
    None
}
