//! Apps that misbehave are stopped with a clear message; the core keeps running frames
//! and takes the next app.

mod common;

use common::{Build, compile_text, run, sample};
use heirloom_shell::{Core, InputState, Media};
use heirloom_wasmapp::{Engine, WasmApp};

/// An app that draws a green square every frame and, from frame 3 on, does `mischief`.
fn app(mischief: &str) -> String {
    format!(
        r#"
#include "heirloom.h"
static uint32_t pixels[8 * 8];
static volatile int depth;
static volatile int spin = 1;
__attribute__((noinline)) static int recurse(int n) {{
    depth = n;
    if (depth < 0) return 0;
    return recurse(n + 1) + depth;
}}
__attribute__((import_module("env"), import_name("_abort_js"))) void abort_js(void);
HEIRLOOM_EXPORT(heirloom_frame) void heirloom_frame(void) {{
    heirloom_input in;
    heirloom_input_read(&in);
    for (int i = 0; i < 64; i++) pixels[i] = 0xff00ff00u;
    heirloom_present_rgba(pixels, 8, 8, 32);
    if (in.frame >= 3) {{ {mischief}; }}
    (void)recurse; (void)abort_js; (void)spin;
}}
"#
    )
}

fn load(core: &mut WasmApp, name: &str, bytes: &[u8]) {
    core.load(Media {
        name: name.into(),
        bytes: bytes.to_vec(),
    })
    .unwrap();
}

/// Runs the app with `mischief` until it is stopped, checks the message, then loads a
/// well-behaved app into the same core and runs it.
fn stopped_with(mischief: &str, options: &[(&str, &str)], expected: &[&str]) {
    let Some(bytes) = compile_text("mischief", &app(mischief), Build::Freestanding) else {
        return;
    };
    let Some(good) = sample("starcatch", Build::Freestanding, &[]) else {
        return;
    };
    for &engine in Engine::ALL {
        let mut core = WasmApp::with_engine(engine);
        for (key, value) in options {
            core.set_option(key, value).unwrap();
        }
        load(&mut core, "mischief.wasm", &bytes);
        let before = run(&mut core, 3, |_| InputState::default());
        assert!(core.fault().is_none());
        assert_eq!(before.video.pixel(0, 0), [0, 0xff, 0, 0xff]);
        // Frame 3 misbehaves: the call is stopped and run_frame returns.
        let stopped = run(&mut core, 2, |_| InputState::default());
        let fault = core.fault().expect("the app was stopped").to_owned();
        for part in expected {
            assert!(fault.contains(part), "`{part}` not in `{fault}`");
        }
        assert!(fault.starts_with("heirloom_frame stopped: "), "{fault}");
        let text = core.screen_text().expect("the message is on screen");
        assert!(text.contains("The app was stopped."), "{text}");
        assert!(text.contains(&fault[..fault.len().min(70)]), "{text}");
        assert_eq!(stopped.video.width(), 480, "the console shows the message");
        assert_eq!(stopped.audio.frames(), 1600, "the sound keeps flowing");
        assert!(!core.is_running());
        assert_eq!(core.exit_code(), None);
        // The next app runs in the same core.
        load(&mut core, "starcatch.wasm", &good);
        let after = run(&mut core, 30, |_| InputState::default());
        assert!(core.fault().is_none());
        assert!(core.is_running());
        assert_eq!((after.video.width(), after.video.height()), (160, 120));
    }
}

#[test]
fn an_endless_loop_runs_out_of_fuel() {
    stopped_with(
        "while (spin) {}",
        &[("fuel", "1M")],
        &["ran more than 1000000 instructions without returning (an endless loop?)"],
    );
}

#[test]
fn an_endless_loop_meets_the_deadline() {
    stopped_with(
        "while (spin) {}",
        &[("fuel", "10G"), ("deadline", "100ms")],
        &["ran past its deadline of 100ms"],
    );
}

#[test]
fn an_out_of_bounds_store_is_caught() {
    stopped_with(
        "*(volatile int *)0xfffffff0u = 1",
        &[],
        &["out-of-bounds memory access in heirloom_frame"],
    );
}

#[test]
fn a_huge_allocation_fails_and_using_it_is_caught() {
    // 60000 pages (3.7 GiB) is over the 256 MiB limit: memory.grow returns -1, and the
    // app writes where it believes the new memory starts.
    stopped_with(
        "int old = __builtin_wasm_memory_grow(0, 60000); \
         *(volatile int *)(unsigned)(old * 65536) = 1",
        &[],
        &["out-of-bounds memory access"],
    );
}

#[test]
fn runaway_recursion_exhausts_the_call_stack() {
    stopped_with(
        "recurse(0)",
        &[],
        &["call stack exhausted (runaway recursion?) in recurse"],
    );
}

#[test]
fn a_bad_pointer_passed_to_an_import_is_named() {
    stopped_with(
        "heirloom_present_rgba((const void *)0xffff0000u, 64, 64, 256)",
        &[],
        &["heirloom_present_rgba: 16384 bytes at 0xffff0000 lie outside the app's memory"],
    );
}

#[test]
fn abort_through_the_emscripten_import_is_reported() {
    stopped_with("abort_js()", &[], &["the app called abort()"]);
}

#[test]
fn a_module_too_large_for_the_memory_limit_is_refused_and_the_old_app_keeps_running() {
    let Some(good) = sample("starcatch", Build::Freestanding, &[]) else {
        return;
    };
    let Some(big) = compile_text(
        "big",
        "#include \"heirloom.h\"\n\
         static char arena[32 << 20];\n\
         HEIRLOOM_EXPORT(heirloom_frame) void heirloom_frame(void) {\n\
             heirloom_input in;\n\
             heirloom_input_read(&in);\n\
             arena[in.frame * 4096u % sizeof arena]++;\n\
         }\n",
        Build::Freestanding,
    ) else {
        return;
    };
    let mut core = WasmApp::new();
    core.set_option("memory", "16M").unwrap();
    load(&mut core, "starcatch.wasm", &good);
    let before = run(&mut core, 10, |_| InputState::default());
    let err = core
        .load(Media {
            name: "big.wasm".into(),
            bytes: big,
        })
        .unwrap_err();
    assert!(
        err.to_string()
            == "big.wasm: the module needs 513 pages (32 MiB) of memory, more than the limit \
                of 256 pages (16 MiB; option `memory`)",
        "{err}"
    );
    // The refused module changed nothing: the game goes on from where it was.
    let after = run(&mut core, 1, |_| InputState::default());
    assert!(core.is_running());
    assert_ne!(before.hashes.last(), after.hashes.last());
    assert_eq!((after.video.width(), after.video.height()), (160, 120));
}

#[test]
fn a_failing_init_is_a_load_error() {
    let Some(bytes) = compile_text(
        "badinit",
        "#include \"heirloom.h\"\n\
         HEIRLOOM_EXPORT(heirloom_init) int32_t heirloom_init(int32_t v) { (void)v; return 7; }\n\
         HEIRLOOM_EXPORT(heirloom_frame) void heirloom_frame(void) {}\n",
        Build::Freestanding,
    ) else {
        return;
    };
    let mut core = WasmApp::new();
    let err = core
        .load(Media {
            name: "badinit.wasm".into(),
            bytes,
        })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "badinit.wasm: heirloom_init refused to run (returned 7)"
    );
}

#[test]
fn an_unknown_import_is_named_at_load() {
    let Some(bytes) = compile_text(
        "newer",
        "#include \"heirloom.h\"\n\
         HEIRLOOM_IMPORT(teleport) void teleport(int);\n\
         HEIRLOOM_EXPORT(heirloom_frame) void heirloom_frame(void) { teleport(1); }\n",
        Build::Freestanding,
    ) else {
        return;
    };
    let mut core = WasmApp::new();
    let err = core
        .load(Media {
            name: "newer.wasm".into(),
            bytes,
        })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "newer.wasm: unknown import heirloom.teleport (func (param i32)) \
         (the app was built for a newer Heirloom ABI)"
    );
}

#[test]
fn a_wasi_program_in_an_endless_loop_keeps_its_output_and_shows_why_it_stopped() {
    let Some(bytes) = compile_text(
        "spinner",
        "#include <stdio.h>\n\
         static volatile int spin = 1;\n\
         int main(void) { printf(\"working...\\n\"); fflush(stdout); while (spin) {} return 0; }\n",
        Build::Wasi,
    ) else {
        return;
    };
    let mut core = WasmApp::new();
    core.set_option("fuel", "1M").unwrap();
    load(&mut core, "spinner.wasm", &bytes);
    run(&mut core, 2, |_| InputState::default());
    let text = core.screen_text().unwrap();
    assert!(text.starts_with("working...\n"), "{text}");
    assert!(
        text.contains("the program stopped: ran more than 1000000 instructions"),
        "{text}"
    );
    assert_eq!(core.exit_code(), None);
}
