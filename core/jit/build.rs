//! Fingerprints the compiler's source, so that the on-disk code cache never serves code
//! that an earlier version of the compiler generated.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

/// The files whose content decides the generated code.
const SOURCES: &[&str] = &["src", "../wasm/src/exec/native.rs", "Cargo.toml"];

fn main() {
    let mut hasher = DefaultHasher::new();
    for source in SOURCES {
        println!("cargo:rerun-if-changed={source}");
        hash_tree(Path::new(source), &mut hasher);
    }
    println!(
        "cargo:rustc-env=HEIRLOOM_JIT_SOURCE_HASH={:016x}",
        hasher.finish()
    );
}

/// Hashes the names and contents of `path` and, for a folder, of everything in it.
fn hash_tree(path: &Path, hasher: &mut DefaultHasher) {
    path.to_string_lossy().hash(hasher);
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .expect("the source folder is readable")
            .map(|entry| entry.expect("the source folder is readable").path())
            .collect();
        entries.sort();
        for entry in entries {
            hash_tree(&entry, hasher);
        }
    } else {
        std::fs::read(path)
            .expect("the source file is readable")
            .hash(hasher);
    }
}
