//! The C header against the host: key codes, button bits, the input snapshot's layout,
//! and what an app sees through each import.

mod common;

use std::collections::BTreeMap;

use common::{Build, compile_text, run};
use heirloom_shell::{Axis, Buttons, Core, InputState, Key, Media, Pointer};
use heirloom_wasmapp::{ABI_VERSION, WasmApp};

fn header() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/heirloom.h")).unwrap()
}

/// The `#define NAME value` lines of the header whose name starts with `prefix`.
fn defines(prefix: &str) -> BTreeMap<String, String> {
    header()
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            (words.next() == Some("#define")).then_some(())?;
            let name = words.next()?.strip_prefix(prefix)?.to_owned();
            let value = words.collect::<Vec<_>>().join(" ");
            let value = value
                .split("/*")
                .next()
                .unwrap_or_default()
                .trim()
                .to_owned();
            Some((name, value))
        })
        .collect()
}

#[test]
fn the_header_names_every_key_with_the_code_the_core_sends() {
    let keys = defines("HEIRLOOM_KEY_");
    assert_eq!(keys.len(), Key::ALL.len(), "one define per key");
    for &key in Key::ALL {
        let value = keys
            .get(key.code())
            .unwrap_or_else(|| panic!("no HEIRLOOM_KEY_{}", key.code()));
        assert_eq!(value.parse::<u32>().unwrap(), key as u32, "{}", key.code());
    }
    assert!(Key::ALL.len() <= 128, "the snapshot holds 128 key bits");
}

#[test]
fn the_header_has_the_host_abi_version_and_the_button_bits() {
    assert_eq!(
        defines("HEIRLOOM_").get("ABI_VERSION").map(String::as_str),
        Some(ABI_VERSION.to_string().as_str())
    );
    let buttons = defines("HEIRLOOM_BUTTON_");
    let expected = [
        ("UP", Buttons::UP),
        ("DOWN", Buttons::DOWN),
        ("LEFT", Buttons::LEFT),
        ("RIGHT", Buttons::RIGHT),
        ("SOUTH", Buttons::SOUTH),
        ("EAST", Buttons::EAST),
        ("WEST", Buttons::WEST),
        ("NORTH", Buttons::NORTH),
        ("LEFT_SHOULDER", Buttons::LEFT_SHOULDER),
        ("RIGHT_SHOULDER", Buttons::RIGHT_SHOULDER),
        ("SELECT", Buttons::SELECT),
        ("START", Buttons::START),
        ("LEFT_STICK", Buttons::LEFT_STICK),
        ("RIGHT_STICK", Buttons::RIGHT_STICK),
        ("MODE", Buttons::MODE),
    ];
    assert_eq!(buttons.len(), expected.len());
    for (name, bits) in expected {
        let shift: u32 = buttons[name]
            .trim_start_matches("(1u << ")
            .trim_end_matches(')')
            .parse()
            .unwrap();
        assert_eq!(1 << shift, bits.bits(), "{name}");
    }
    let axes = defines("HEIRLOOM_AXIS_");
    for (name, axis) in [
        ("LEFT_X", Axis::LeftX),
        ("LEFT_Y", Axis::LeftY),
        ("RIGHT_X", Axis::RightX),
        ("RIGHT_Y", Axis::RightY),
        ("LEFT_TRIGGER", Axis::LeftTrigger),
        ("RIGHT_TRIGGER", Axis::RightTrigger),
    ] {
        assert_eq!(axes[name], (axis as usize).to_string(), "{name}");
    }
}

/// Each frame: the input snapshot, the typed text and the time, shown as a 256×1
/// picture whose grey levels are the bytes; and a constant tone.
const ECHO: &str = r#"
#include <stddef.h>
#include "heirloom.h"
_Static_assert(sizeof(heirloom_input) == 172, "snapshot size");
_Static_assert(offsetof(heirloom_input, keys) == 4, "keys");
_Static_assert(offsetof(heirloom_input, pointer_x) == 24, "pointer");
_Static_assert(offsetof(heirloom_input, text_len) == 40, "text length");
_Static_assert(offsetof(heirloom_input, gamepads) == 44, "gamepads");
_Static_assert(sizeof(heirloom_gamepad) == 32, "gamepad size");
static uint8_t line[256];
static uint8_t palette[256 * 4];
static float samples[2 * 800];
HEIRLOOM_EXPORT(heirloom_init) int32_t heirloom_init(int32_t host) {
    for (int i = 0; i < 256; i++) palette[4 * i] = palette[4 * i + 1] = palette[4 * i + 2] = (uint8_t)i;
    return host >= HEIRLOOM_ABI_VERSION ? 0 : 1;
}
HEIRLOOM_EXPORT(heirloom_frame) void heirloom_frame(void) {
    heirloom_input in;
    heirloom_input_read(&in);
    __builtin_memcpy(line, &in, sizeof in);
    int32_t n = heirloom_text((char *)line + 176, 60);
    __builtin_memcpy(line + 172, &n, 4);
    int64_t t = heirloom_time_us();
    __builtin_memcpy(line + 240, &t, 8);
    int32_t late = heirloom_audio_rate(44100);
    __builtin_memcpy(line + 248, &late, 4);
    heirloom_present_indexed(line, 256, 1, 256, palette, 256);
    for (int i = 0; i < 800; i++) {
        samples[2 * i] = 0.25f;
        samples[2 * i + 1] = -0.25f;
    }
    heirloom_audio_push_f32(samples, 800);
}
"#;

#[test]
fn an_app_sees_its_input_text_and_time_exactly() {
    let Some(bytes) = compile_text("echo", ECHO, Build::Freestanding) else {
        return;
    };
    let mut core = WasmApp::new();
    core.load(Media {
        name: "echo.wasm".into(),
        bytes,
    })
    .unwrap();
    assert_eq!(core.info().audio_sample_rate, 48_000, "no rate declared");
    let script = |frame: u64| {
        let mut input = InputState::default();
        if frame == 4 {
            input.keys.set(Key::KeyA, true);
            input.keys.set(Key::ArrowUp, true);
            input.keys.set(Key::Numpad9, true);
            input.text = "héllo".into();
            input.pointer = Pointer {
                position: Some((12.5, 7.25)),
                buttons: 5,
                wheel: -1.0,
            };
            input.gamepads[2].connected = true;
            input.gamepads[2].buttons = Buttons::START | Buttons::UP;
            input.gamepads[2].axes[Axis::LeftX as usize] = 0.5;
            input.gamepads[2].axes[Axis::RightTrigger as usize] = 1.0;
        }
        input
    };
    let result = run(&mut core, 5, script);
    assert_eq!((result.video.width(), result.video.height()), (256, 1));
    let bytes: Vec<u8> = (0..256).map(|x| result.video.pixel(x, 0)[0]).collect();
    let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    let float = |at: usize| f32::from_bits(word(at));
    assert_eq!(word(0), 4, "frame number");
    let keys: u128 = (0..4)
        .map(|i| u128::from(word(4 + 4 * i)) << (32 * i))
        .sum();
    let expected: u128 = [Key::KeyA, Key::ArrowUp, Key::Numpad9]
        .iter()
        .map(|&k| 1u128 << (k as u32))
        .sum();
    assert_eq!(keys, expected);
    assert_eq!(word(20), 1, "pointer inside");
    assert_eq!((float(24), float(28)), (12.5, 7.25));
    assert_eq!(word(32), 5);
    assert_eq!(float(36), -1.0);
    assert_eq!(word(40), 6, "text bytes");
    let pad = 44 + 2 * 32;
    assert_eq!(word(pad), 1);
    assert_eq!(word(pad + 4), (Buttons::START | Buttons::UP).bits());
    assert_eq!(float(pad + 8), 0.5);
    assert_eq!(float(pad + 8 + 4 * 5), 1.0);
    assert_eq!(word(44), 0, "pad 0 not connected");
    assert_eq!(word(172), 6, "heirloom_text returns the length");
    assert_eq!(&bytes[176..182], "héllo".as_bytes());
    let micros = u64::from_le_bytes(bytes[240..248].try_into().unwrap());
    assert_eq!(micros, 4 * 1_000_000 / 60, "emulated time of frame 4");
    assert_eq!(
        word(248) as i32,
        -1,
        "the rate is declared in heirloom_init only"
    );
    // The sound comes through as pushed: 800 stereo frames per frame.
    assert_eq!(result.audio.frames(), 5 * 800);
    assert!(
        result
            .audio
            .samples
            .chunks(2)
            .all(|pair| pair == [0.25, -0.25])
    );
    // The app's memory is a region a debugger can read and write.
    let region = core.memory_regions()[0];
    assert_eq!(region.name, "linear");
    let mut probe = [0u8; 4];
    core.write_memory("linear", 1024, &[1, 2, 3, 4]).unwrap();
    core.read_memory("linear", 1024, &mut probe).unwrap();
    assert_eq!(probe, [1, 2, 3, 4]);
    assert!(
        core.read_memory("linear", region.size - 2, &mut probe)
            .is_err()
    );
}

#[test]
fn rgba_pictures_keep_their_pitch_and_persistent_data_round_trips() {
    let Some(bytes) = compile_text(
        "rgba",
        r#"
#include "heirloom.h"
static uint8_t pixels[3 * 40];
HEIRLOOM_EXPORT(heirloom_frame) void heirloom_frame(void) {
    for (int y = 0; y < 3; y++)
        for (int x = 0; x < 8; x++) {
            uint8_t *p = pixels + y * 40 + x * 4;
            p[0] = (uint8_t)(x * 30); p[1] = (uint8_t)(y * 100); p[2] = 7; p[3] = 0;
        }
    int32_t visits = 0;
    heirloom_kv_get("visits", 6, &visits, 4);
    visits++;
    heirloom_kv_set("visits", 6, &visits, 4);
    pixels[39] = (uint8_t)visits;  /* outside the 8 pixels of row 0: must not show */
    heirloom_present_rgba(pixels, 8, 3, 40);
    if (heirloom_kv_set("", 0, 0, 0) != HEIRLOOM_KV_BAD_KEY) heirloom_exit(9);
    if (heirloom_kv_delete("none", 4) != HEIRLOOM_KV_MISSING) heirloom_exit(10);
    if (visits == 3) heirloom_exit(42);
}
"#,
        Build::Freestanding,
    ) else {
        return;
    };
    let mut core = WasmApp::new();
    core.load(Media {
        name: "rgba.wasm".into(),
        bytes,
    })
    .unwrap();
    let result = run(&mut core, 2, |_| InputState::default());
    assert_eq!((result.video.width(), result.video.height()), (8, 3));
    assert_eq!(
        result.video.pixel(7, 2),
        [210, 200, 7, 0xff],
        "opaque, pitch honoured"
    );
    assert_eq!(result.video.pixel(0, 1), [0, 100, 7, 0xff]);
    assert_eq!(core.exit_code(), None);
    run(&mut core, 1, |_| InputState::default());
    assert_eq!(core.exit_code(), Some(42), "heirloom_exit ends the app");
    let data = heirloom_wasmapp::KvStore::from_bytes(&core.persistent_data().unwrap()).unwrap();
    assert_eq!(data.get(b"visits"), Ok(&3i32.to_le_bytes()[..]));
    // An exited app stays on its last picture; frames go on.
    let after = run(&mut core, 2, |_| InputState::default());
    assert_eq!(after.video, result.video);
}

#[test]
fn an_app_built_with_wasi_libc_logs_what_it_prints() {
    let Some(bytes) = compile_text(
        "reactor",
        r#"
#include <stdio.h>
#include <stdlib.h>
#include "heirloom.h"
static uint32_t *pixels;
static int ready;
__attribute__((constructor)) static void setup(void) { ready = 42; }
HEIRLOOM_EXPORT(heirloom_init) int32_t heirloom_init(int32_t host) {
    pixels = calloc(4, sizeof *pixels);
    printf("init: constructor says %d, host ABI %d\n", ready, (int)host);
    return pixels ? 0 : 1;
}
HEIRLOOM_EXPORT(heirloom_frame) void heirloom_frame(void) {
    heirloom_input in;
    heirloom_input_read(&in);
    pixels[0] = 0xff0000ffu;
    heirloom_present_rgba(pixels, 2, 2, 8);
    fprintf(stderr, "frame %u\n", (unsigned)in.frame);
}
"#,
        Build::WasiReactor,
    ) else {
        return;
    };
    let mut core = WasmApp::new();
    core.load(Media {
        name: "reactor.wasm".into(),
        bytes,
    })
    .unwrap();
    let result = run(&mut core, 2, |_| InputState::default());
    assert_eq!(result.video.pixel(0, 0), [0xff, 0, 0, 0xff]);
    let log: Vec<(i32, String)> = core
        .log()
        .into_iter()
        .map(|line| (line.level, line.message))
        .collect();
    assert_eq!(
        log,
        [
            (1, "init: constructor says 42, host ABI 1".to_owned()),
            (2, "frame 0".to_owned()),
            (2, "frame 1".to_owned()),
        ]
    );
    assert_eq!(core.screen_text(), None);
}

#[test]
fn options_list_their_values_and_refuse_others() {
    let mut core = WasmApp::new();
    let keys: Vec<&str> = core.options().iter().map(|o| o.key).collect();
    assert_eq!(keys, ["engine", "fuel", "deadline", "clock", "memory"]);
    for option in core.options() {
        assert_eq!(core.option(option.key).unwrap(), option.default);
    }
    core.set_option("fuel", "10M").unwrap();
    assert_eq!(core.option("fuel").unwrap(), "10M");
    assert_eq!(core.limits().fuel, 10_000_000);
    core.set_option("memory", "4G").unwrap();
    assert_eq!(core.limits().memory_pages, 65_536);
    let err = core.set_option("fuel", "5").unwrap_err().to_string();
    assert_eq!(
        err,
        "option `fuel` does not accept `5` (accepted: 1M, 10M, 100M, 1G, 10G)"
    );
    assert!(core.set_option("turbo", "on").is_err());
    assert!(core.option("turbo").is_err());
    assert_eq!(core.engine().name(), "interp");
}
