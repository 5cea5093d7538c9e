//! `heirloom headless` running the C64 as a real process, on the stand-in test KERNAL
//! from `roms-test/c64` (Heirloom's own open ROM is not built yet).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use heirloom_asm6502::{FsLoader, MemoryLoader, assemble};

/// A scratch folder with a ROM set (`roms/`), removed when dropped.
struct Setup(PathBuf);

impl Setup {
    fn new(test: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("heirloom-c64-{test}-{}", std::process::id()));
        let roms = dir.join("roms");
        std::fs::create_dir_all(&roms).unwrap();
        let path = heirloom_testkit::roms_test_dir().join("c64/test-kernal.s");
        let source = FsLoader::read_main(&path).unwrap();
        let kernal = assemble(&source.name, &source.text, &FsLoader).unwrap();
        std::fs::write(roms.join("kernal"), kernal.bytes).unwrap();
        std::fs::write(roms.join("basic"), vec![0; 8192]).unwrap();
        std::fs::write(roms.join("chargen"), vec![0x55; 4096]).unwrap();
        Self(dir)
    }

    fn roms(&self) -> String {
        self.0.join("roms").display().to_string()
    }

    fn program(&self, name: &str, source: &str) -> String {
        let prg = assemble(name, source, &MemoryLoader::new())
            .unwrap()
            .to_prg();
        let path = self.0.join(name);
        std::fs::write(&path, prg).unwrap();
        path.display().to_string()
    }

    /// Runs `heirloom headless PROGRAM --rom-dir ROMS EXTRA…`.
    fn headless(&self, program: &str, extra: &[&str]) -> Output {
        let roms = self.roms();
        let mut args = vec!["headless", program, "--rom-dir", &roms];
        args.extend_from_slice(extra);
        heirloom(&args)
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for Setup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn heirloom(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heirloom"))
        .args(args)
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const IDLE: &str = "* = $c000\n jmp loop\nloop: jmp loop\n";

#[test]
fn the_debug_cartridge_sets_the_exit_status() {
    let setup = Setup::new("debugcart");
    let program = setup.program(
        "exit.prg",
        "* = $c000\n jmp start\nstart: lda #42\n sta $d7ff\nloop: jmp loop\n",
    );
    let output = setup.headless(&program, &["--debugcart", "--quiet"]);
    assert_eq!(output.status.code(), Some(42), "{}", stderr(&output));
}

#[test]
fn the_cycle_limit_stops_a_program_that_never_exits() {
    let setup = Setup::new("limit");
    let endless = setup.program("endless.prg", IDLE);
    let args = ["--debugcart", "--limit-cycles", "2000000", "--quiet"];
    let output = setup.headless(&endless, &args);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert_eq!(message, "heirloom: cycle limit of 2000000 reached\n");

    // The limit ends the run long before the 10 seconds (about 10 million cycles) run
    // by default: the state saved at the end is at the limit.
    let state = setup.path("limit.state");
    let output = setup.headless(&endless, &[&args[..], &["--state-out", &state]].concat());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let resumed = setup.headless(
        &endless,
        &["--state-in", &state, "--limit-cycles", "2000001", "-q"],
    );
    assert_eq!(
        resumed.status.code(),
        Some(1),
        "the state is at the old limit, at most an instruction from the new one: {}",
        stderr(&resumed)
    );
    let later = setup.headless(
        &endless,
        &[
            "--state-in",
            &state,
            "--limit-cycles",
            "3000000",
            "--frames",
            "10",
            "-q",
        ],
    );
    assert_eq!(
        later.status.code(),
        Some(0),
        "ten frames stay under the limit: {}",
        stderr(&later)
    );

    let exits = setup.program(
        "exits.prg",
        "* = $c000\n jmp start\nstart: lda #0\n sta $d7ff\nloop: jmp loop\n",
    );
    let output = setup.headless(&exits, &args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stderr.is_empty(), "{}", stderr(&output));

    let output = setup.headless(&endless, &["--limit-cycles", "lots"]);
    assert_eq!(output.status.code(), Some(2), "a usage error");
}

#[test]
fn until_text_stops_on_the_screen_and_prints_it() {
    let setup = Setup::new("until");
    let program = setup.program("idle.prg", IDLE);
    let output = setup.headless(&program, &["--until-text", "READY."]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(screen.starts_with("READY.\n"), "{screen:?}");
    assert_eq!(screen.lines().count(), 25);

    let output = setup.headless(&program, &["--until-text", "NEVER", "--frames", "20", "-q"]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
}

#[test]
fn screenshots_and_states_are_written_and_read() {
    let setup = Setup::new("files");
    let program = setup.program("idle.prg", IDLE);
    let (shot, state) = (setup.path("shot.png"), setup.path("run.state"));
    let output = setup.headless(
        &program,
        &[
            "--frames",
            "30",
            "--screenshot",
            &shot,
            "--state-out",
            &state,
            "-q",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&png[12..16], b"IHDR");
    assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 384);
    assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 272);

    let output = setup.headless(&program, &["--state-in", &state, "--frames", "5"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("READY."));
}

#[test]
fn a_state_from_another_core_is_refused_by_name() {
    let setup = Setup::new("foreign");
    let program = setup.program("idle.prg", IDLE);
    let foreign = setup.path("other.state");
    std::fs::write(
        &foreign,
        heirloom_shell::StateWriter::new("wasm-app", 1)
            .u32(7)
            .finish(),
    )
    .unwrap();
    let output = setup.headless(&program, &["--state-in", &foreign]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        message.contains("other.state: save state is for the `wasm-app` core, not `c64`"),
        "{message}"
    );
}

#[test]
fn roms_of_the_wrong_size_are_explained() {
    let setup = Setup::new("roms");
    let program = setup.program("idle.prg", IDLE);
    std::fs::write(Path::new(&setup.roms()).join("basic"), [0; 100]).unwrap();
    let output = setup.headless(&program, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("a BASIC ROM is 8192 bytes, this file has 100"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_open_rom_boots_to_ready_when_no_roms_are_given() {
    let setup = Setup::new("open");
    let program = setup.program("idle.prg", IDLE);
    let output = heirloom(&[
        "headless",
        &program,
        "--until-text",
        "READY.",
        "--frames",
        "50",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(screen.contains("38911 BASIC BYTES FREE"), "{screen}");
}
