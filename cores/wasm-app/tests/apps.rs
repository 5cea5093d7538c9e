//! The sample apps of `roms-test/apps`, built by clang and run headless on every engine:
//! golden screenshots, sound, frame hashes over 300 frames of scripted input, save
//! states and persistent data.
//!
//! Golden pictures and hashes live in `roms-test/apps/golden`; after an intended change,
//! rewrite them with `HEIRLOOM_UPDATE_GOLDEN=1 cargo test -p heirloom-wasmapp --test apps`
//! and look at the pictures before committing them.

mod common;

use common::{Build, check_golden_png, check_golden_text, core_with, frequency, left, run, sample};
use heirloom_shell::{Buttons, Core, InputState, Key, Media, Pointer};
use heirloom_wasmapp::{Engine, WasmApp};

/// The engines every app is checked on; a new engine is one more entry of `Engine::ALL`.
const ENGINES: &[Engine] = Engine::ALL;

/// Starcatch's scripted input: keys, then the gamepad, then the pointer.
fn starcatch_script(frame: u64) -> InputState {
    let mut input = InputState::default();
    match frame {
        0..60 => input.keys.set(Key::ArrowRight, true),
        60..120 => {
            input.keys.set(Key::ArrowLeft, true);
            input.keys.set(Key::Space, true);
        }
        120..180 => {
            input.gamepads[0].connected = true;
            input.gamepads[0].buttons = Buttons::RIGHT | Buttons::SOUTH;
        }
        180..240 => {
            input.pointer = Pointer {
                position: Some((40.0, 60.0)),
                buttons: 1,
                wheel: 0.0,
            };
        }
        _ => {}
    }
    if frame == 250 {
        input.text = "hi".into();
    }
    input
}

fn hash_list(hashes: &[u64]) -> String {
    hashes.iter().map(|h| format!("{h:016x}\n")).collect()
}

#[test]
fn starcatch_plays_the_same_on_every_engine_and_matches_its_golden_frames() {
    let Some(bytes) = sample("starcatch", Build::Freestanding, &[]) else {
        return;
    };
    let mut runs = Vec::new();
    for &engine in ENGINES {
        let mut core = core_with(engine, "starcatch.wasm", &bytes);
        assert_eq!(core.info().audio_sample_rate, 22050);
        let result = run(&mut core, 300, starcatch_script);
        assert!(core.fault().is_none(), "{:?}", core.fault());
        assert_eq!((result.video.width(), result.video.height()), (160, 120));
        assert_eq!(core.screen_text(), None, "the app draws its own picture");
        assert_eq!(
            core.log()[0].message,
            "starcatch ready",
            "heirloom_init logged"
        );
        check_golden_png("starcatch", &result.video);
        runs.push((engine, result.hashes));
    }
    let (first, reference) = &runs[0];
    for (engine, hashes) in &runs[1..] {
        assert_eq!(hashes, reference, "{engine:?} differs from {first:?}");
    }
    check_golden_text("starcatch.hashes", &hash_list(reference));
    // The frames change: the picture moves.
    let distinct: std::collections::HashSet<_> = reference.iter().collect();
    assert!(
        distinct.len() > 200,
        "only {} distinct frames",
        distinct.len()
    );
}

#[test]
fn starcatch_hums_at_440_hz_while_space_is_held_and_is_silent_otherwise() {
    let Some(bytes) = sample("starcatch", Build::Freestanding, &[]) else {
        return;
    };
    for &engine in ENGINES {
        let mut core = core_with(engine, "starcatch.wasm", &bytes);
        let quiet = run(&mut core, 10, |_| InputState::default());
        assert_eq!(quiet.audio.frames(), 3675, "22050 Hz × 10/60 s");
        assert!(quiet.audio.samples.iter().all(|&s| s == 0.0));
        let hum = run(&mut core, 45, |_| {
            let mut input = InputState::default();
            input.keys.set(Key::Space, true);
            input
        });
        let samples = left(&hum.audio.samples);
        assert!(samples.iter().any(|&s| s > 0.1), "the hum is audible");
        let hz = frequency(&samples, 22050);
        assert!((hz - 440.0).abs() < 4.0, "{hz} Hz");
        assert_eq!(hum.audio.samples, {
            let mut right = hum.audio.samples.clone();
            right.rotate_left(1);
            right.rotate_right(1);
            right
        });
    }
}

#[test]
fn a_catch_chimes_at_880_hz_and_a_miss_buzzes_at_220_hz() {
    let Some(bytes) = sample("starcatch", Build::Freestanding, &[]) else {
        return;
    };
    let mut core = core_with(Engine::Interpreter, "starcatch.wasm", &bytes);
    // Without input every star falls past the basket unless it lands in it: listen for
    // both sounds over a long run, one frame at a time.
    let mut seen = (false, false);
    for _ in 0..1200 {
        let frame = run(&mut core, 1, |_| InputState::default());
        let samples = left(&frame.audio.samples);
        if samples.iter().all(|&s| s == 0.0) {
            continue;
        }
        let hz = frequency(&samples, 22050);
        if (hz - 880.0).abs() < 90.0 {
            seen.0 = true;
        } else if (hz - 220.0).abs() < 70.0 {
            seen.1 = true;
        }
    }
    assert_eq!(seen, (true, true), "(catch chime, miss buzz)");
}

#[test]
fn a_save_state_replays_the_same_frames() {
    let Some(bytes) = sample("starcatch", Build::Freestanding, &[]) else {
        return;
    };
    for &engine in ENGINES {
        let mut core = core_with(engine, "starcatch.wasm", &bytes);
        run(&mut core, 100, starcatch_script);
        let state = core.save_state();
        let later = |frame| starcatch_script(frame + 100);
        let first = run(&mut core, 150, later);
        // A fresh core with the same app, restored from the state.
        let mut other = core_with(engine, "starcatch.wasm", &bytes);
        other.load_state(&state).unwrap();
        let second = run(&mut other, 150, later);
        assert_eq!(first.hashes, second.hashes);
        // The same core, rewound.
        core.load_state(&state).unwrap();
        let third = run(&mut core, 150, later);
        assert_eq!(first.hashes, third.hashes);
        // Saving twice in a row gives the same bytes: making a state changes nothing.
        assert_eq!(core.save_state(), core.save_state());
    }
}

#[test]
fn a_state_moves_to_another_build_of_the_app_through_its_portable_state() {
    let Some(v1) = sample("starcatch", Build::Freestanding, &[]) else {
        return;
    };
    let Some(v2) = sample("starcatch", Build::Freestanding, &["STARCATCH_LAYOUT=2"]) else {
        return;
    };
    assert_ne!(v1, v2);
    let mut old = core_with(Engine::Interpreter, "starcatch.wasm", &v1);
    run(&mut old, 200, starcatch_script);
    let state = old.save_state();
    let expected = run(&mut old, 60, |_| InputState::default());

    let mut new = core_with(Engine::Interpreter, "starcatch.wasm", &v2);
    new.load_state(&state).unwrap();
    let resumed = run(&mut new, 60, |_| InputState::default());
    // The game goes on exactly: same pictures (the basket, the stars, the score).
    assert!(resumed.video == expected.video);
    assert_eq!(resumed.hashes, expected.hashes);
}

#[test]
fn the_best_score_is_kept_in_persistent_data() {
    let Some(bytes) = sample("starcatch", Build::Freestanding, &[]) else {
        return;
    };
    let mut core = core_with(Engine::Interpreter, "starcatch.wasm", &bytes);
    assert_eq!(core.take_persistent_changes(), None);
    // Track each star with the pointer until one is caught.
    let mut saved = None;
    for frame in 0..2000 {
        run(&mut core, 1, |_| {
            let mut input = starcatch_script(frame % 300);
            input.keys = Default::default();
            input
        });
        if let Some(data) = core.take_persistent_changes() {
            saved = Some(data);
            break;
        }
    }
    let saved = saved.expect("a star was caught and the best score stored");
    let kv = heirloom_wasmapp::KvStore::from_bytes(&saved).unwrap();
    assert_eq!(kv.get(b"best"), Ok(&1i32.to_le_bytes()[..]));
    // A new run of the app reads it back and shows it.
    let mut next = core_with(Engine::Interpreter, "starcatch.wasm", &bytes);
    let before = run(&mut next, 1, |_| InputState::default()).video;
    let mut next = WasmApp::new();
    next.set_persistent_data(&saved).unwrap();
    next.load(Media {
        name: "starcatch.wasm".into(),
        bytes: bytes.clone(),
    })
    .unwrap();
    let after = run(&mut next, 1, |_| InputState::default()).video;
    // The data survives a reset, and goes with the app into its save states.
    next.reset(heirloom_shell::ResetKind::Hard);
    assert_eq!(next.persistent_data(), Some(saved.clone()));
    let again = run(&mut next, 1, |_| InputState::default()).video;
    assert!(again == after);
    assert!(before != after, "the best score is drawn");
}

fn factor_input(frame: u64) -> InputState {
    InputState {
        text: if frame == 0 {
            "360\n97\nbanana\n1000000007\nq\n12\n".into()
        } else {
            String::new()
        },
        ..Default::default()
    }
}

#[test]
fn factor_prints_to_the_console_and_exits_with_its_count() {
    let Some(bytes) = sample("factor", Build::Wasi, &[]) else {
        return;
    };
    for &engine in ENGINES {
        let mut core = core_with(engine, "factor.wasm", &bytes);
        let result = run(&mut core, 3, factor_input);
        assert_eq!(core.exit_code(), Some(3), "three numbers factored");
        let text = core.screen_text().unwrap();
        assert!(
            text.contains("Today is Saturday, 1 January 2000."),
            "{text}"
        );
        assert!(
            text.contains("> 360 = 2^3 * 3^2 * 5  (6 factors, sqrt 18.974, Collatz 19)"),
            "{text}"
        );
        assert!(
            text.contains("> 97 = 97  (prime, sqrt 9.849, Collatz 118)"),
            "{text}"
        );
        assert!(text.contains("? not a number: banana"), "{text}");
        assert!(text.contains("3 numbers factored. Bye."), "{text}");
        assert!(!text.contains("> 12"), "input after q is not read");
        check_golden_text("factor.txt", &format!("{text}\n"));
        check_golden_png("factor", &result.video);
        // The console is silent but keeps the sound flowing: 800 frames per frame at 48 kHz.
        assert_eq!(result.audio.frames(), 3 * 800);
        assert!(result.audio.samples.iter().all(|&s| s == 0.0));
        // A save state keeps the console.
        let state = core.save_state();
        let mut other = core_with(engine, "factor.wasm", &bytes);
        other.load_state(&state).unwrap();
        assert_eq!(other.screen_text().unwrap(), text);
        assert_eq!(other.exit_code(), Some(3));
    }
}

#[test]
fn numlib_loads_as_a_library_and_lists_its_functions() {
    let Some(bytes) = sample("numlib", Build::Freestanding, &[]) else {
        return;
    };
    for &engine in ENGINES {
        let mut core = core_with(engine, "numlib.wasm", &bytes);
        let result = run(&mut core, 2, |_| InputState::default());
        let text = core.screen_text().unwrap();
        assert!(text.contains("numlib.wasm is a library"), "{text}");
        assert!(
            text.contains("nl_sma (func (param i32 i32 i32 i32 i32 i32 i32) (result i32))"),
            "{text}"
        );
        assert!(
            !text.contains("heirloom:"),
            "the save-state exports are not listed"
        );
        assert_eq!(core.exit_code(), None);
        assert_eq!(result.audio.frames(), 1600);
        check_golden_png("numlib", &result.video);
    }
}

#[test]
fn the_picture_presented_while_initialising_sizes_the_screen_before_the_first_frame() {
    let Some(bytes) = sample("starcatch", Build::Freestanding, &[]) else {
        return;
    };
    let core = core_with(Engine::Interpreter, "starcatch.wasm", &bytes);
    let info = core.info();
    assert_eq!((info.video_width, info.video_height), (160, 120));
}

#[test]
fn bad_and_foreign_states_are_refused_and_change_nothing() {
    let Some(game) = sample("starcatch", Build::Freestanding, &[]) else {
        return;
    };
    let Some(lib) = sample("numlib", Build::Freestanding, &[]) else {
        return;
    };
    let mut core = core_with(Engine::Interpreter, "starcatch.wasm", &game);
    run(&mut core, 50, starcatch_script);
    let state = core.save_state();
    let library_state = core_with(Engine::Interpreter, "numlib.wasm", &lib).save_state();

    let mut empty = WasmApp::new();
    let err = empty.load_state(&state).unwrap_err().to_string();
    assert!(
        err.contains("the state is of the app `starcatch.wasm`: load it first"),
        "{err}"
    );

    let reference = {
        let mut copy = core_with(Engine::Interpreter, "starcatch.wasm", &game);
        copy.load_state(&state).unwrap();
        run(&mut copy, 20, |_| InputState::default()).hashes
    };
    let err = core.load_state(&library_state).unwrap_err().to_string();
    assert!(
        err.contains("made by another build of `numlib.wasm` and holds no portable app state"),
        "{err}"
    );
    assert!(core.load_state(&state[..state.len() - 1]).is_err());
    let mut damaged = state.clone();
    damaged[state.len() / 2] ^= 0x10;
    assert!(core.load_state(&damaged).is_err());
    // Nothing was changed by the refused states: the run goes on as from the state.
    assert_eq!(
        run(&mut core, 20, |_| InputState::default()).hashes,
        reference
    );
}

#[test]
fn damaged_payloads_inside_sound_framing_are_refused_without_panicking() {
    let Some(game) = sample("starcatch", Build::Freestanding, &[]) else {
        return;
    };
    let mut core = core_with(Engine::Interpreter, "starcatch.wasm", &game);
    run(&mut core, 30, |_| InputState::default());
    let state = core.save_state();
    let payload = heirloom_shell::state::decode(&state, "wasm-app", 1)
        .unwrap()
        .to_vec();
    let reframe = |bytes: &[u8]| {
        let mut writer = heirloom_shell::StateWriter::new("wasm-app", 1);
        writer.bytes(bytes);
        writer.finish()
    };
    let reference = core.save_state();
    let mut seed = 0x1234_5678_9abc_def0u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    // Cut anywhere, and bytes changed anywhere in the first 4 KiB (every field but the
    // bulk of the memory and the picture).
    for cut in (0..payload.len()).step_by(payload.len() / 97 + 1) {
        assert!(
            core.load_state(&reframe(&payload[..cut])).is_err(),
            "cut at {cut}"
        );
    }
    for _ in 0..300 {
        let mut damaged = payload.clone();
        let at = (next() as usize) % damaged.len().min(4096);
        damaged[at] = next() as u8;
        // A change may still make sense (a pixel, a counter); it must never panic.
        let _ = core.load_state(&reframe(&damaged));
    }
    core.load_state(&state).unwrap();
    assert_eq!(core.save_state(), reference);
}
