//! `heirloom headless` on wasm apps: the sample apps of `roms-test/apps`, built by clang,
//! run through the wasm-app core.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use heirloom_shell::{AudioBuffer, Core, FrameIo, Framebuffer, InputState, Media};
use heirloom_testkit::x11;

const CLANG: &str = "clang-22";

/// A scratch folder for one test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(test: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("heirloom-cli-app-{test}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Builds `roms-test/apps/<name>.c` into the scratch folder; `None` (after a SKIPPED line)
/// when clang is missing.
fn build(scratch: &Scratch, name: &str, wasi: bool) -> Option<PathBuf> {
    let source = heirloom_testkit::roms_test_dir().join(format!("apps/{name}.c"));
    build_source(scratch, &source, name, wasi)
}

/// Builds the C file `source` into `<name>.wasm` in the scratch folder; `None` (after a
/// SKIPPED line) when clang is missing.
fn build_source(scratch: &Scratch, source: &Path, name: &str, wasi: bool) -> Option<PathBuf> {
    if Command::new(CLANG).arg("--version").output().is_err() {
        assert!(
            !heirloom_testkit::running_under_ci(),
            "{CLANG} is missing (cargo xtask setup installs it)"
        );
        eprintln!("SKIPPED: {CLANG} is not installed; run cargo xtask setup");
        return None;
    }
    let include = heirloom_testkit::project_root().join("cores/wasm-app/include");
    let output = scratch.path(&format!("{name}.wasm"));
    let mut command = Command::new(CLANG);
    if wasi {
        command.args(["--target=wasm32-wasi", "--sysroot=/usr", "-Wno-deprecated"]);
    } else {
        command.args([
            "--target=wasm32-unknown-unknown",
            "-nostdlib",
            "-Wl,--no-entry",
        ]);
    }
    let status = command
        .args(["-O2", "-I"])
        .arg(include)
        .arg("-o")
        .arg(&output)
        .arg(source)
        .args(if wasi { &["-lm"][..] } else { &[][..] })
        .status()
        .unwrap();
    assert!(status.success(), "clang failed on {}", source.display());
    Some(output)
}

fn heirloom(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heirloom"))
        .args(args)
        .output()
        .unwrap()
}

fn path(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn golden(name: &str) -> PathBuf {
    heirloom_testkit::roms_test_dir().join(format!("apps/golden/{name}"))
}

#[test]
fn a_wasi_program_runs_headless_on_its_console() {
    let scratch = Scratch::new("factor");
    let Some(app) = build(&scratch, "factor", true) else {
        return;
    };
    let shot = scratch.path("factor.png");
    let output = heirloom(&[
        "headless",
        path(&app),
        "--type",
        "360\n97\nbanana\n1000000007\nq\n12\n",
        "--screenshot",
        path(&shot),
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(3),
        "the exit status is the count of numbers factored; stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let expected = std::fs::read_to_string(golden("factor.txt")).unwrap();
    assert_eq!(stdout, expected, "the console's text is printed");
    let picture = image::open(&shot).unwrap().to_rgba8();
    let reference = image::open(golden("factor.png")).unwrap().to_rgba8();
    assert!(picture == reference, "the screenshot is the golden console");
}

#[test]
fn a_wasi_program_keeps_its_files_in_the_folder_given() {
    let scratch = Scratch::new("files");
    let source = scratch.path("notes.c");
    std::fs::write(
        &source,
        r#"#include <stdio.h>
int main(void) {
    FILE *f = fopen("notes.txt", "a");
    if (!f) { puts("cannot write"); return 1; }
    fputs("one more line\n", f);
    fclose(f);
    f = fopen("notes.txt", "r");
    int lines = 0, c;
    while ((c = fgetc(f)) != EOF) lines += c == '\n';
    fclose(f);
    printf("%d lines\n", lines);
    return lines;
}
"#,
    )
    .unwrap();
    let Some(app) = build_source(&scratch, &source, "notes", true) else {
        return;
    };
    let folder = scratch.path("folder");
    std::fs::create_dir(&folder).unwrap();
    for run in 1..=2 {
        let output = heirloom(&["headless", path(&app), "--app-files", path(&folder)]);
        assert_eq!(
            output.status.code(),
            Some(run),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(String::from_utf8_lossy(&output.stdout).contains(&format!("{run} lines")));
    }
    let notes = std::fs::read_to_string(folder.join("notes.txt")).unwrap();
    assert_eq!(notes, "one more line\none more line\n");

    // Without a folder the program gets an empty one in memory each time.
    let output = heirloom(&["headless", path(&app)]);
    assert_eq!(output.status.code(), Some(1));
    let output = heirloom(&[
        "headless",
        path(&app),
        "--app-files",
        path(&scratch.path("none")),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--app-files"));
}

#[test]
fn an_app_runs_headless_with_its_picture_and_sound() {
    let scratch = Scratch::new("starcatch");
    let Some(app) = build(&scratch, "starcatch", false) else {
        return;
    };
    let (shot, sound) = (scratch.path("shot.png"), scratch.path("sound.wav"));
    let output = heirloom(&[
        "headless",
        path(&app),
        "--frames",
        "600",
        "--screenshot",
        path(&shot),
        "--audio",
        path(&sound),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stdout.is_empty(),
        "an app with its own picture has no text screen"
    );

    // The same 600 frames through the core in this process.
    let mut core = heirloom_wasmapp::WasmApp::new();
    core.load(Media {
        name: "starcatch.wasm".into(),
        bytes: std::fs::read(&app).unwrap(),
    })
    .unwrap();
    let mut video = Framebuffer::new(1, 1);
    let mut audio = AudioBuffer::new();
    for _ in 0..600 {
        core.run_frame(&mut FrameIo {
            input: &InputState::default(),
            video: &mut video,
            audio: &mut audio,
        });
    }
    let picture = image::open(&shot).unwrap().to_rgba8();
    assert_eq!((picture.width(), picture.height()), (160, 120));
    assert!(
        picture.as_raw() == &video.to_packed_rgba(),
        "the screenshot is the core's frame"
    );

    let wav = std::fs::read(&sound).unwrap();
    assert_eq!(&wav[0..4], b"RIFF");
    let rate = u32::from_le_bytes(wav[24..28].try_into().unwrap());
    assert_eq!(rate, 22_050, "the app's declared rate");
    let samples = &wav[44..];
    assert_eq!(
        samples.len(),
        600 * 22_050 / 60 * 4,
        "10 s of 16-bit stereo"
    );
    assert!(
        samples.iter().any(|&b| b != 0),
        "stars were caught or missed: not silent"
    );
}

#[test]
fn a_stopped_app_is_reported_on_screen_and_the_run_ends_normally() {
    let scratch = Scratch::new("spin");
    let source = scratch.path("spin.c");
    std::fs::write(
        &source,
        "static volatile int spin = 1;\n\
         __attribute__((export_name(\"heirloom_frame\"))) void heirloom_frame(void) { while (spin) {} }\n",
    )
    .unwrap();
    if Command::new(CLANG).arg("--version").output().is_err() {
        assert!(!heirloom_testkit::running_under_ci(), "{CLANG} is missing");
        eprintln!("SKIPPED: {CLANG} is not installed; run cargo xtask setup");
        return;
    }
    let app = scratch.path("spin.wasm");
    let status = Command::new(CLANG)
        .args([
            "--target=wasm32-unknown-unknown",
            "-O2",
            "-nostdlib",
            "-Wl,--no-entry",
            "-o",
        ])
        .arg(&app)
        .arg(&source)
        .status()
        .unwrap();
    assert!(status.success());
    let output = heirloom(&["headless", path(&app), "--frames", "3"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("The app was stopped."), "{stdout}");
    assert!(
        stdout.contains("heirloom_frame stopped: ran more than 100000000 instructions"),
        "{stdout}"
    );
}

#[test]
fn a_module_that_is_no_app_is_refused_in_one_line() {
    let scratch = Scratch::new("empty");
    let module = scratch.path("empty.wasm");
    std::fs::write(&module, b"\0asm\x01\0\0\0").unwrap();
    let output = heirloom(&["headless", path(&module)]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        "heirloom: empty.wasm: exports neither heirloom_frame (an app) nor _start (a WASI program)"
    );
}

#[test]
fn heirloom_run_shows_an_app_in_a_window() {
    if !x11::tools_present("the window test", &x11::WINDOW_TOOLS) {
        return;
    }
    let scratch = Scratch::new("window");
    let Some(app) = build(&scratch, "starcatch", false) else {
        return;
    };
    let (_xvfb, display) = x11::start_xvfb();
    let mut window = x11::Guard(
        Command::new(env!("CARGO_BIN_EXE_heirloom"))
            .args(["run", path(&app), "--mute"])
            .env("DISPLAY", &display)
            .env("HOME", &scratch.0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let limit = Duration::from_secs(60);
    let found = x11::find_window(&display, "^Heirloom - starcatch.wasm$", &mut window, limit);
    assert!(found.is_ok(), "no window: {found:?}");
    let started = Instant::now();
    let grass = [0x40, 0xb0, 0x50];
    let sky = [0x10, 0x10, 0x38];
    loop {
        assert!(
            started.elapsed() < limit,
            "the app's picture never appeared in a window"
        );
        std::thread::sleep(Duration::from_millis(500));
        let screen = x11::capture(&display, "root");
        let count = |rgb: [u8; 3]| screen.pixels().filter(|p| p.0 == rgb).count();
        // Drawn at twice its size: the grass line is 160 × 1 pixels of the app's picture.
        if count(grass) >= 160 * 2 * 2 && count(sky) > 1000 {
            break;
        }
    }
}

#[test]
fn an_app_state_saved_by_one_run_resumes_in_the_next() {
    let scratch = Scratch::new("state");
    let Some(app) = build(&scratch, "starcatch", false) else {
        return;
    };
    let (state, shot) = (scratch.path("game.state"), scratch.path("shot.png"));
    let first = heirloom(&[
        "headless",
        path(&app),
        "--frames",
        "100",
        "--state-out",
        path(&state),
    ]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let second = heirloom(&[
        "headless",
        path(&app),
        "--frames",
        "50",
        "--state-in",
        path(&state),
        "--screenshot",
        path(&shot),
    ]);
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );

    let mut core = heirloom_wasmapp::WasmApp::new();
    core.load(Media {
        name: "starcatch.wasm".into(),
        bytes: std::fs::read(&app).unwrap(),
    })
    .unwrap();
    let mut video = Framebuffer::new(1, 1);
    let mut audio = AudioBuffer::new();
    for _ in 0..150 {
        core.run_frame(&mut FrameIo {
            input: &InputState::default(),
            video: &mut video,
            audio: &mut audio,
        });
    }
    let picture = image::open(&shot).unwrap().to_rgba8();
    assert!(
        picture.as_raw() == &video.to_packed_rgba(),
        "100 frames, a state, then 50 more are 150 frames"
    );
}
