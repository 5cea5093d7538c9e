//! Loop apps: programs that keep their own main loop (`HEIRLOOM_LOOP` in `heirloom.h`),
//! transformed by Binaryen's Asyncify, suspended at every `present` and resumed there in
//! the next frame, on every engine.
//!
//! Golden files live in `roms-test/apps/golden`; rewrite them with
//! `HEIRLOOM_UPDATE_GOLDEN=1 cargo test -p heirloom-wasmapp --test loop_apps`.

mod common;

use common::{
    Build, check_golden_png, check_golden_text, compile_text, core_with, frequency, left, run,
    sample,
};
use heirloom_shell::{Core, InputState, Key, Media};
use heirloom_wasmapp::{Engine, WasmApp};

/// Snake's scripted input: wait on the title, start with Enter, then steer a square.
fn snake_script(frame: u64) -> InputState {
    let mut input = InputState::default();
    let key = match frame {
        40..44 => Some(Key::Enter),
        90..94 => Some(Key::ArrowUp),
        120..124 => Some(Key::ArrowLeft),
        150..154 => Some(Key::ArrowDown),
        190..194 => Some(Key::ArrowRight),
        _ => None,
    };
    if let Some(key) = key {
        input.keys.set(key, true);
    }
    input
}

fn hash_list(hashes: &[u64]) -> String {
    hashes.iter().map(|h| format!("{h:016x}\n")).collect()
}

#[test]
fn snake_runs_its_own_loop_the_same_on_every_engine_and_matches_its_golden_frames() {
    let Some(bytes) = sample("snake", Build::Loop, &[]) else {
        return;
    };
    let mut runs = Vec::new();
    for &engine in Engine::ALL {
        let mut core = core_with(engine, "snake.wasm", &bytes);
        assert_eq!(core.info().audio_sample_rate, 22050);
        let result = run(&mut core, 300, snake_script);
        assert!(core.fault().is_none(), "{engine:?}: {:?}", core.fault());
        assert!(core.is_running());
        assert_eq!((result.video.width(), result.video.height()), (128, 96));
        assert_eq!(
            result.audio.frames(),
            22050 * 5,
            "a frame of sound per frame"
        );
        check_golden_png("snake", &result.video);
        runs.push((engine, result.hashes));
    }
    let (first, reference) = &runs[0];
    for (engine, hashes) in &runs[1..] {
        assert_eq!(hashes, reference, "{engine:?} differs from {first:?}");
    }
    check_golden_text("snake.hashes", &hash_list(reference));
    let distinct: std::collections::HashSet<_> = reference.iter().collect();
    assert!(
        distinct.len() > 100,
        "only {} distinct frames",
        distinct.len()
    );
}

#[test]
fn a_crash_into_the_wall_buzzes_at_110_hz_and_escape_exits_with_the_best_score() {
    let Some(bytes) = sample("snake", Build::Loop, &[]) else {
        return;
    };
    for &engine in Engine::ALL {
        let mut core = core_with(engine, "snake.wasm", &bytes);
        // Start, then let the snake run right into the wall (15 moves of 4 frames).
        run(&mut core, 10, |frame| {
            let mut input = InputState::default();
            input.keys.set(Key::Space, frame < 2);
            input
        });
        let mut buzz = None;
        for frame in 0..120 {
            let step = run(&mut core, 1, |_| InputState::default());
            let samples = left(&step.audio.samples);
            if samples.iter().any(|&s| s != 0.0) {
                buzz.get_or_insert((frame, frequency(&samples, 22050)));
            }
        }
        let (at, hz) = buzz.expect("the crash is heard");
        // The title reads Space in frames 0 and 1, the round starts in frame 2, and the
        // 15th move (4 frames each) hits the wall: heard in frame 62, 52 of this loop.
        assert_eq!(at, 52, "{engine:?}: the crash came at frame {}", at + 10);
        assert!((hz - 110.0).abs() < 25.0, "{engine:?}: {hz} Hz");
        // Escape on "GAME OVER" is not read; on the title screen it quits.
        run(&mut core, 200, |_| InputState::default());
        assert!(core.is_running());
        run(&mut core, 2, |_| {
            let mut input = InputState::default();
            input.keys.set(Key::Escape, true);
            input
        });
        assert!(!core.is_running(), "{engine:?}");
        assert_eq!(core.exit_code(), Some(0), "no food eaten: best score 0");
    }
}

#[test]
fn a_state_saved_inside_the_loop_resumes_there_on_every_engine() {
    let Some(bytes) = sample("snake", Build::Loop, &[]) else {
        return;
    };
    let later = |frame| snake_script(frame + 150);
    let mut reference = None;
    for &engine in Engine::ALL {
        let mut core = core_with(engine, "snake.wasm", &bytes);
        run(&mut core, 150, snake_script);
        let state = core.save_state();
        let first = run(&mut core, 150, later).hashes;
        // A fresh core restored from the state, on each engine.
        for &other_engine in Engine::ALL {
            let mut other = core_with(other_engine, "snake.wasm", &bytes);
            other.load_state(&state).unwrap();
            let second = run(&mut other, 150, later).hashes;
            assert_eq!(
                first, second,
                "state of {engine:?} resumed on {other_engine:?}"
            );
        }
        assert_eq!(reference.get_or_insert(first.clone()), &first);
    }
}

/// A loop app whose frame `n` shows the grey level `n`, from nested loops and a recursion
/// that each present in the middle: the loops' locals survive every suspension.
const NESTED: &str = r#"
#define HEIRLOOM_LOOP
#include "heirloom.h"

static uint8_t pixel[1];
static uint8_t palette[256 * 4];

static void show(int level) {
    pixel[0] = (uint8_t)level;
    heirloom_present_indexed(pixel, 1, 1, 1, palette, 256);
}

static int descend(int depth, int level) {
    if (depth == 0) {
        show(level);
        return level + 1;
    }
    int next = descend(depth - 1, level);
    show(next);
    return next + 1;
}

int heirloom_main(void) {
    for (int i = 0; i < 256; i++) {
        palette[4 * i] = palette[4 * i + 1] = palette[4 * i + 2] = (uint8_t)i;
    }
    int level = 0;
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 4; j++) show(level++);
    }
    level = descend(DEPTH, level);
    heirloom_wait_frame();
    return level;
}
"#;

fn nested(depth: u32, stack: u32) -> Option<Vec<u8>> {
    let code = format!("#define DEPTH {depth}\n#define HEIRLOOM_LOOP_STACK {stack}\n{NESTED}");
    compile_text("nested", &code, Build::Loop)
}

#[test]
fn every_present_ends_a_frame_and_the_program_continues_after_it() {
    let depth = 40;
    let Some(bytes) = nested(depth, 16384) else {
        return;
    };
    let shown = 12 + depth as u64 + 1;
    for &engine in Engine::ALL {
        let mut core = core_with(engine, "nested.wasm", &bytes);
        for frame in 0..shown {
            let step = run(&mut core, 1, |_| InputState::default());
            assert_eq!(step.video.pixel(0, 0)[0] as u64, frame, "{engine:?}");
            assert!(core.is_running());
        }
        // heirloom_wait_frame: a frame without a new picture; then main returns.
        let waited = run(&mut core, 1, |_| InputState::default());
        assert_eq!(waited.video.pixel(0, 0)[0] as u64, shown - 1);
        assert!(core.is_running());
        run(&mut core, 1, |_| InputState::default());
        assert!(!core.is_running());
        assert_eq!(core.exit_code(), Some(shown as u8), "{engine:?}");
    }
}

#[test]
fn a_suspended_stack_larger_than_its_area_stops_the_app_with_a_message() {
    let Some(bytes) = nested(200, 256) else {
        return;
    };
    for &engine in Engine::ALL {
        let mut core = core_with(engine, "nested.wasm", &bytes);
        run(&mut core, 12, |_| InputState::default());
        assert!(core.fault().is_none(), "shallow frames fit");
        run(&mut core, 1, |_| InputState::default());
        let fault = core
            .fault()
            .expect("the deep suspension overflows the area");
        assert!(fault.starts_with("heirloom_frame stopped: "), "{fault}");
        assert!(fault.contains("unreachable"), "{fault}");
    }
}

#[test]
fn a_loop_app_not_transformed_by_asyncify_is_refused_naming_the_step() {
    let Some(bytes) = sample("snake", Build::Freestanding, &[]) else {
        return;
    };
    let mut core = WasmApp::with_engine(Engine::Interpreter);
    let error = core
        .load(Media {
            name: "snake.wasm".into(),
            bytes,
        })
        .unwrap_err()
        .to_string();
    assert!(error.contains("unknown import asyncify."), "{error}");
    assert!(error.contains("wasm-opt --asyncify"), "{error}");
}
