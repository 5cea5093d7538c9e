//! The BASIC V2 programs of `roms-test/basic`: each listing is typed on the keyboard of a
//! freshly booted C64 on the open ROM, `RUN`, and what it prints is compared with its
//! `.out` file (the format is described in `roms-test/basic/README.md`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use heirloom_c64::drive::DriveBacking;
use heirloom_c64::{C64, RomSet};
use heirloom_shell::{AudioBuffer, Core, FrameIo, Framebuffer, InputState, Key};

/// How many programs the folder must hold at least.
const MINIMUM_PROGRAMS: usize = 150;
/// Frames a step (typing and running until `READY.`) may take at most.
const STEP_FRAMES: usize = 3_000;
/// The keyboard buffer's count of waiting keys.
const NDX: u32 = 0xc6;
/// The size of the keyboard buffer (`XMAX`).
const BUFFER_SIZE: usize = 10;
/// Ends a step's text when RUN/STOP is to be pressed after it (`#stop`).
const RUN_STOP: char = '\u{3}';
/// Frames the program runs before RUN/STOP goes down.
const BEFORE_STOP_FRAMES: usize = 30;
/// Frames RUN/STOP is held.
const STOP_FRAMES: usize = 5;

/// One program file: the listing, and what is typed after it.
struct Program {
    name: String,
    listing: String,
    /// Each step is typed at `READY.`: `RUN` first, then every `#then:` command, each
    /// with the `#input:`/`#keys:` text that follows it typed ahead.
    steps: Vec<String>,
    /// Whether a blank disk is in drive 8 (`#drive`).
    drive: bool,
    expected: String,
}

/// Turns a line of a `.bas` file into the characters typed for it: `{pi}` and `{pound}`
/// stand for the keys ASCII has no character for, `^` is the up-arrow key and `_` the
/// left-arrow key. Upper-case letters are refused: letters are written in lower case,
/// meaning the unshifted letter keys.
fn keys_of(line: &str) -> Result<String, String> {
    let mut keys = String::new();
    let mut rest = line;
    while let Some(character) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("{pi}") {
            keys.push('π');
            rest = after;
            continue;
        }
        if let Some(after) = rest.strip_prefix("{pound}") {
            keys.push('£');
            rest = after;
            continue;
        }
        match character {
            'A'..='Z' => return Err(format!("upper-case letter in {line:?}")),
            ' '..='@' | 'a'..='z' | '[' | ']' | '^' | '_' => keys.push(character),
            _ => return Err(format!("character {character:?} in {line:?}")),
        }
        rest = &rest[character.len_utf8()..];
    }
    Ok(keys)
}

/// Reads `NNN-topic.bas` and its `.out`.
fn read_program(path: &Path) -> Result<Program, String> {
    let name = path.file_stem().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
    let expected = std::fs::read_to_string(path.with_extension("out"))
        .map_err(|e| format!("{name}.out: {e}"))?;
    let (listing, steps, drive) = parse_listing(&text).map_err(|e| format!("{name}: {e}"))?;
    Ok(Program {
        name,
        listing,
        steps,
        drive,
        expected,
    })
}

/// The typed listing, the steps and the `#drive` flag of a `.bas` file's text.
fn parse_listing(text: &str) -> Result<(String, Vec<String>, bool), String> {
    let mut listing = String::new();
    let mut steps = vec!["run\n".to_owned()];
    let mut drive = false;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            continue;
        }
        let directive = |key: &str| {
            line.strip_prefix(key)
                .map(|rest| rest.strip_prefix(' ').unwrap_or(rest))
        };
        let step = steps.last_mut().unwrap();
        if step.ends_with(RUN_STOP) && !line.starts_with("#then:") {
            return Err(format!("{line:?} after #stop: only #then: may follow it"));
        }
        if let Some(command) = directive("#then:") {
            steps.push(format!("{}\n", keys_of(command)?));
        } else if let Some(input) = directive("#input:") {
            step.push_str(&keys_of(input)?);
            step.push('\n');
        } else if let Some(keys) = directive("#keys:") {
            step.push_str(&keys_of(keys)?);
        } else if line == "#drive" {
            drive = true;
        } else if line == "#stop" {
            step.push(RUN_STOP);
        } else if line.starts_with('#') {
            return Err(format!("unknown directive {line:?}"));
        } else if line.starts_with(|c: char| c.is_ascii_digit()) {
            if steps.len() > 1 || steps[0] != "run\n" {
                return Err(format!("program line after a directive: {line:?}"));
            }
            listing.push_str(&keys_of(line)?);
            listing.push('\n');
        } else {
            return Err(format!("neither a numbered line nor a directive: {line:?}"));
        }
    }
    Ok((listing, steps, drive))
}

/// A booted machine, and the frame buffers it runs with.
struct Machine {
    c64: C64,
    video: Framebuffer,
    audio: AudioBuffer,
}

impl Machine {
    /// Runs one frame, typing `text`.
    fn frame(&mut self, text: &str) {
        self.frame_with(text, false);
    }

    /// Runs one frame, typing `text`, with RUN/STOP (the key under Escape) held down
    /// when `stop`.
    fn frame_with(&mut self, text: &str, stop: bool) {
        let mut input = InputState {
            text: text.to_owned(),
            ..InputState::default()
        };
        input.keys.set(Key::Escape, stop);
        self.c64.run_frame(&mut FrameIo {
            input: &input,
            video: &mut self.video,
            audio: &mut self.audio,
        });
    }

    fn keys_waiting(&self) -> u8 {
        let mut count = [0u8];
        self.c64.read_memory("ram", NDX, &mut count).unwrap();
        count[0]
    }

    fn screen(&self) -> String {
        self.c64.screen_text().unwrap()
    }

    /// Types `text` at the keyboard as fast as the keyboard buffer takes it (a buffer's
    /// worth each frame it is empty), then runs until the screen ends in `READY.` with
    /// every key taken (a program line typed in stores silently: then until its keys are
    /// taken). Text ending in [`RUN_STOP`] has RUN/STOP pressed once it is typed and the
    /// program has run a while. False when that does not happen within [`STEP_FRAMES`].
    fn type_and_wait(&mut self, text: &str) -> bool {
        let program_line = text.starts_with(|c: char| c.is_ascii_digit());
        let (text, stop) = match text.strip_suffix(RUN_STOP) {
            Some(text) => (text, true),
            None => (text, false),
        };
        let mut queue: Vec<char> = text.chars().collect();
        queue.reverse();
        if stop {
            for _ in 0..STEP_FRAMES {
                self.feed(&mut queue);
                if queue.is_empty() && self.keys_waiting() == 0 {
                    break;
                }
            }
            for frame in 0..BEFORE_STOP_FRAMES + STOP_FRAMES {
                self.frame_with("", frame >= BEFORE_STOP_FRAMES);
            }
        }
        for _ in 0..STEP_FRAMES {
            self.feed(&mut queue);
            if queue.is_empty()
                && self.keys_waiting() == 0
                && (program_line || self.screen().trim_end().ends_with("\nREADY."))
            {
                return true;
            }
        }
        false
    }

    /// Runs a frame, typing the next keys of `queue` (kept reversed) when the keyboard
    /// buffer is empty.
    fn feed(&mut self, queue: &mut Vec<char>) {
        let mut chunk = String::new();
        if self.keys_waiting() == 0 {
            while chunk.chars().count() < BUFFER_SIZE {
                match queue.pop() {
                    Some(character) => chunk.push(character),
                    None => break,
                }
            }
        }
        self.frame(&chunk);
    }
}

/// Types and runs `program` on (a copy of) `booted`; the screen text between the `RUN`
/// line and the last `READY.`, or why there is none.
fn run_program(booted: &C64, program: &Program) -> Result<String, String> {
    let mut machine = Machine {
        c64: booted.clone(),
        video: Framebuffer::default(),
        audio: AudioBuffer::new(),
    };
    if program.drive {
        machine
            .c64
            .machine_mut()
            .attach_drive(8, DriveBacking::blank_image(b"BASIC TESTS", *b"01"))
            .map_err(|e| e.to_string())?;
    }
    // The listing, then a cleared screen so that the RUN line stays in sight.
    let typed = format!("{}print chr$(147)\n", program.listing);
    if !machine.type_and_wait(&typed) {
        return Err(format!("no READY. after typing:\n{}", machine.screen()));
    }
    for step in &program.steps {
        if !machine.type_and_wait(step) {
            return Err(format!("no READY. after {step:?}:\n{}", machine.screen()));
        }
    }
    let screen = machine.screen();
    let lines: Vec<&str> = screen.lines().collect();
    let run = lines
        .iter()
        .position(|&line| line == "RUN")
        .ok_or_else(|| format!("the RUN line scrolled away:\n{screen}"))?;
    let ready = lines
        .iter()
        .rposition(|&line| line == "READY.")
        .filter(|&ready| ready > run)
        .ok_or_else(|| format!("no READY. after the RUN line:\n{screen}"))?;
    Ok(lines[run + 1..ready]
        .iter()
        .map(|line| format!("{line}\n"))
        .collect())
}

/// The `.bas` files of `roms-test/basic`, sorted.
fn program_files() -> Vec<PathBuf> {
    let dir = heirloom_testkit::roms_test_dir().join("basic");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "bas"))
        .collect();
    files.sort();
    files
}

/// Expected and actual output side by side, line by line, marking the lines that differ.
fn diff(expected: &str, actual: &str) -> String {
    let expected: Vec<&str> = expected.split('\n').collect();
    let actual: Vec<&str> = actual.split('\n').collect();
    let mut text = String::new();
    for index in 0..expected.len().max(actual.len()) {
        let (want, got) = (expected.get(index), actual.get(index));
        if want == got {
            let _ = writeln!(text, "    {:?}", want.unwrap());
        } else {
            if let Some(want) = want {
                let _ = writeln!(text, "  - {want:?}");
            }
            if let Some(got) = got {
                let _ = writeln!(text, "  + {got:?}");
            }
        }
    }
    text
}

#[test]
fn every_program_prints_what_a_c64_prints() {
    let files = program_files();
    assert!(
        files.len() >= MINIMUM_PROGRAMS,
        "{} programs in roms-test/basic, {MINIMUM_PROGRAMS} wanted",
        files.len()
    );
    let programs: Vec<Program> = files
        .iter()
        .map(|path| read_program(path).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    let mut booted = Machine {
        c64: C64::new(RomSet::open_rom()),
        video: Framebuffer::default(),
        audio: AudioBuffer::new(),
    };
    for _ in 0..20 {
        booted.frame("");
    }
    assert!(
        booted.screen().trim_end().ends_with("\nREADY."),
        "not booted:\n{}",
        booted.screen()
    );
    let booted = booted.c64;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let chunk = programs.len().div_ceil(threads);
    let failures: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = programs
            .chunks(chunk)
            .map(|share| {
                let booted = &booted;
                scope.spawn(move || {
                    share
                        .iter()
                        .filter_map(|program| match run_program(booted, program) {
                            Ok(actual) if actual == program.expected => None,
                            Ok(actual) => Some(format!(
                                "{} (- expected, + actual):\n{}",
                                program.name,
                                diff(&program.expected, &actual)
                            )),
                            Err(reason) => Some(format!("{}: {reason}", program.name)),
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap())
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} programs differ:\n\n{}",
        failures.len(),
        programs.len(),
        failures.join("\n")
    );
}
