//! Helpers shared by the wasm-app core's tests: building the sample apps with clang,
//! running a core frame by frame with scripted input, and golden files.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use heirloom_shell::{AudioBuffer, Core, FrameIo, Framebuffer, InputState};

/// The C compiler the tests build apps with (installed by `cargo xtask setup`).
pub const CLANG: &str = "clang-22";

/// How a C source is built.
#[derive(Clone, Copy, Debug)]
pub enum Build {
    /// Freestanding wasm32 without libc, no entry point (Heirloom ABI apps, libraries).
    Freestanding,
    /// A WASI command with wasi-libc.
    Wasi,
    /// A WASI reactor with wasi-libc (no `main`; `_initialize` runs its constructors).
    WasiReactor,
    /// A freestanding loop app (`HEIRLOOM_LOOP`), transformed by `wasm-opt --asyncify`.
    Loop,
}

/// The folder of the sample apps.
pub fn apps_dir() -> PathBuf {
    heirloom_testkit::roms_test_dir().join("apps")
}

/// Whether clang is installed; prints a loud SKIPPED line (and panics under `CI=true`)
/// when it is not.
pub fn have_clang() -> bool {
    if Command::new(CLANG).arg("--version").output().is_ok() {
        return true;
    }
    assert!(
        !heirloom_testkit::running_under_ci(),
        "{CLANG} is missing (cargo xtask setup installs it)"
    );
    eprintln!("SKIPPED: {CLANG} is not installed; run cargo xtask setup");
    false
}

/// A number no other build of this test process uses, for scratch file names.
fn next_build() -> usize {
    static BUILDS: AtomicUsize = AtomicUsize::new(0);
    BUILDS.fetch_add(1, Ordering::Relaxed)
}

/// Compiles C `source` (a file) to wasm32 with `defines`; `None` (after a SKIPPED line)
/// when clang is missing.
pub fn compile_file(source: &Path, build: Build, defines: &[&str]) -> Option<Vec<u8>> {
    if !have_clang() {
        return None;
    }
    let include = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("include");
    let stem = source.file_stem().unwrap().to_string_lossy().into_owned();
    let output = std::env::temp_dir().join(format!(
        "heirloom-wasmapp-{stem}-{}-{}.wasm",
        std::process::id(),
        next_build()
    ));
    let mut command = Command::new(CLANG);
    match build {
        Build::Freestanding | Build::Loop => command.args([
            "--target=wasm32-unknown-unknown",
            "-nostdlib",
            "-Wl,--no-entry",
        ]),
        Build::Wasi => command.args(["--target=wasm32-wasi", "--sysroot=/usr", "-Wno-deprecated"]),
        Build::WasiReactor => command.args([
            "--target=wasm32-wasi",
            "--sysroot=/usr",
            "-Wno-deprecated",
            "-mexec-model=reactor",
        ]),
    };
    command
        .args(["-O2", "-Wall", "-Werror", "-I"])
        .arg(&include)
        .args(defines.iter().map(|d| format!("-D{d}")))
        .arg("-o")
        .arg(&output)
        .arg(source);
    if matches!(build, Build::Wasi | Build::WasiReactor) {
        command.arg("-lm");
    }
    let result = command.output().unwrap();
    assert!(
        result.status.success(),
        "clang failed on {}: {}",
        source.display(),
        String::from_utf8_lossy(&result.stderr)
    );
    if matches!(build, Build::Loop) {
        asyncify(&output)?;
    }
    let bytes = std::fs::read(&output).unwrap();
    std::fs::remove_file(&output).unwrap();
    Some(bytes)
}

/// Transforms the module at `path` in place with Binaryen's Asyncify, as `heirloom.h`
/// tells loop apps to; `None` (after a SKIPPED line) when wasm-opt is not installed.
fn asyncify(path: &Path) -> Option<()> {
    let wasm_opt = heirloom_testkit::wasm_opt()?;
    let result = Command::new(wasm_opt)
        .args(["--asyncify", "--pass-arg=asyncify-ignore-imports", "-O2"])
        .arg(path)
        .arg("-o")
        .arg(path)
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "wasm-opt failed on {}: {}",
        path.display(),
        String::from_utf8_lossy(&result.stderr)
    );
    Some(())
}

/// Compiles C `code` given as text.
pub fn compile_text(name: &str, code: &str, build: Build) -> Option<Vec<u8>> {
    let dir = std::env::temp_dir().join(format!(
        "heirloom-wasmapp-src-{}-{}",
        std::process::id(),
        next_build()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let source = dir.join(format!("{name}.c"));
    std::fs::write(&source, code).unwrap();
    let bytes = compile_file(&source, build, &[]);
    std::fs::remove_dir_all(&dir).unwrap();
    bytes
}

/// Compiles the sample app `roms-test/apps/<name>.c`.
pub fn sample(name: &str, build: Build, defines: &[&str]) -> Option<Vec<u8>> {
    compile_file(&apps_dir().join(format!("{name}.c")), build, defines)
}

/// A 64-bit FNV-1a hash.
pub fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// What a run produced.
pub struct Run {
    /// Hash of each frame's picture and sound.
    pub hashes: Vec<u64>,
    /// The last picture.
    pub video: Framebuffer,
    /// Every sample of the run.
    pub audio: AudioBuffer,
}

/// Runs `core` for `frames` frames, taking each frame's input from `script`.
pub fn run(core: &mut dyn Core, frames: u64, script: impl Fn(u64) -> InputState) -> Run {
    let mut video = Framebuffer::new(1, 1);
    let mut audio = AudioBuffer::new();
    let mut hashes = Vec::new();
    for frame in 0..frames {
        let input = script(frame);
        let before = audio.samples.len();
        core.run_frame(&mut FrameIo {
            input: &input,
            video: &mut video,
            audio: &mut audio,
        });
        let sound: Vec<u8> = audio.samples[before..]
            .iter()
            .flat_map(|s| s.to_le_bytes())
            .collect();
        hashes.push(fnv(&video.to_packed_rgba()) ^ fnv(&sound).rotate_left(1));
    }
    Run {
        hashes,
        video,
        audio,
    }
}

fn golden_path(file: &str) -> PathBuf {
    apps_dir().join("golden").join(file)
}

/// Compares `video` with the golden PNG `name`, pixel for pixel (or rewrites it).
pub fn check_golden_png(name: &str, video: &Framebuffer) {
    heirloom_testkit::golden::assert_png(&golden_path(&format!("{name}.png")), video);
}

/// Compares `text` with the golden text file `file` (or rewrites it).
pub fn check_golden_text(file: &str, text: &str) {
    heirloom_testkit::golden::assert_text(&golden_path(file), text);
}

/// The dominant frequency of a mono signal, from its rising zero crossings.
pub fn frequency(samples: &[f32], rate: u32) -> f64 {
    let crossings = samples
        .windows(2)
        .filter(|w| w[0] <= 0.0 && w[1] > 0.0)
        .count();
    crossings as f64 * f64::from(rate) / samples.len() as f64
}

/// The left channel of interleaved stereo samples.
pub fn left(samples: &[f32]) -> Vec<f32> {
    samples.iter().step_by(2).copied().collect()
}

/// A core on `engine` with the app `bytes` (file name `name`) loaded.
pub fn core_with(
    engine: heirloom_wasmapp::Engine,
    name: &str,
    bytes: &[u8],
) -> heirloom_wasmapp::WasmApp {
    let mut core = heirloom_wasmapp::WasmApp::with_engine(engine);
    core.load(heirloom_shell::Media {
        name: name.into(),
        bytes: bytes.to_vec(),
    })
    .unwrap();
    core
}
