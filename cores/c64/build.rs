//! Builds the open ROM's character set from its text art (`rom/charset.txt`) at compile
//! time, into `chargen.bin` in the build's output folder.

#[path = "src/open_rom/charset.rs"]
mod charset;

fn main() {
    println!("cargo::rerun-if-changed=rom/charset.txt");
    println!("cargo::rerun-if-changed=src/open_rom/charset.rs");
    let out_dir = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    let path = std::path::Path::new(&out_dir).join("chargen.bin");
    std::fs::write(&path, charset::chargen()).expect("the build folder is writable");
}
