/*
 * heirloom.h: the Heirloom wasm app ABI, version 1.
 *
 * An app is a WebAssembly module (wasm32) that draws into its own linear memory and
 * hands the picture to the host once per frame. The host (Heirloom's wasm-app core, or
 * a browser page using the same imports) calls the app's exports:
 *
 *   int32_t heirloom_init(int32_t host_abi_version)
 *       Called once, after instantiation (and after `_initialize` for WASI reactors),
 *       before the first frame. `host_abi_version` is the host's HEIRLOOM_ABI_VERSION;
 *       return 0 to run, anything else to refuse (for instance when the host is older
 *       than the version the app was built for). The audio rate is declared here.
 *
 *   void heirloom_frame(void)
 *       Called once per video frame (60 per second). Read the input, update, draw,
 *       call heirloom_present_*, push the frame's audio, then return. A frame that
 *       returns without presenting keeps the previous picture on screen.
 *
 *   void heirloom_save_state(void)          (optional)
 *   void heirloom_load_state(void)          (optional)
 *       Portable app states. A host save state always holds the whole linear memory,
 *       so these are not needed to resume the same build of an app. When present,
 *       heirloom_save_state is called while a state is made and writes a compact
 *       description of the app's state with heirloom_state_write; a state made by an
 *       earlier build of the app (whose memory layout no longer fits) is restored by
 *       starting the current build fresh (heirloom_init) and calling
 *       heirloom_load_state, which reads that description with heirloom_state_read.
 *
 * Versioning: imports are only ever added. An app built against version N runs on any
 * host of version >= N; a host refuses, at load time and naming it, an import it does
 * not know. Every import lives in the wasm import module "heirloom".
 *
 * Limits and failures: each call into the app runs with an instruction budget (and,
 * when the host asks for one, a wall-clock deadline). An app that exceeds it, traps
 * (out-of-bounds access, unreachable, stack exhaustion) or passes a bad pointer to an
 * import is stopped; the host shows why and keeps running. Pointers passed to imports
 * must lie inside linear memory; a bad one stops the app with a message naming the call.
 *
 * Determinism: heirloom_time_us counts emulated time (frame number x 1/60 s) unless the
 * user asks the host for wall-clock time, so a run with the same input gives the same
 * frames on every machine.
 *
 * Build (freestanding, no libc):
 *   clang --target=wasm32-unknown-unknown -O2 -nostdlib -Wl,--no-entry \
 *         -Wl,--export=heirloom_init -Wl,--export=heirloom_frame -o app.wasm app.c
 * or with wasi-libc (stdio goes to the host's log/console):
 *   clang --target=wasm32-wasi --sysroot=/usr -O2 -mexec-model=reactor -o app.wasm app.c
 * The HEIRLOOM_EXPORT macro below exports a function without linker flags.
 */
#ifndef HEIRLOOM_H
#define HEIRLOOM_H

#include <stdint.h>

#define HEIRLOOM_ABI_VERSION 1

#ifdef __cplusplus
extern "C" {
#endif

#define HEIRLOOM_IMPORT(name) __attribute__((import_module("heirloom"), import_name(#name)))
/* Marks a function definition as exported under its own name: HEIRLOOM_EXPORT(heirloom_frame). */
#define HEIRLOOM_EXPORT(name) __attribute__((export_name(#name)))

/* ---- Video --------------------------------------------------------------------------
 * The picture is any size from 1x1 to 4096x4096 pixels; the host shows whatever size was
 * presented last. `pitch` is the number of bytes from one row to the next (>= the bytes
 * of one row of pixels). The host copies the pixels during the call. */

/* In a loop app (HEIRLOOM_LOOP, at the end of this file) the imports get other C names
 * and heirloom_present_* become functions that present and then wait for the next frame. */
#ifdef HEIRLOOM_LOOP
#define HEIRLOOM_PRESENT_IMPORT(name) heirloom_loop_##name##_import
#else
#define HEIRLOOM_PRESENT_IMPORT(name) heirloom_##name
#endif

/* 4 bytes per pixel: red, green, blue, alpha (alpha is ignored: the picture is opaque). */
HEIRLOOM_IMPORT(present_rgba)
void HEIRLOOM_PRESENT_IMPORT(present_rgba)(const void *pixels, int32_t width, int32_t height,
                                           int32_t pitch);

/* 1 byte per pixel, an index into `palette`: `colors` entries (1..256) of 4 bytes each,
 * red, green, blue, and one unused byte. An index past the palette shows black. */
HEIRLOOM_IMPORT(present_indexed)
void HEIRLOOM_PRESENT_IMPORT(present_indexed)(const uint8_t *pixels, int32_t width,
                                              int32_t height, int32_t pitch,
                                              const uint8_t *palette, int32_t colors);

/* ---- Audio --------------------------------------------------------------------------
 * Interleaved stereo (left, right, left, ...). Declare the rate once, in heirloom_init
 * (default 48000 Hz); push about rate/60 sample frames per video frame. A frame whose
 * app pushes nothing plays silence. */

/* Declares the sample rate, 8000..192000 Hz. Returns 0, or -1 (rate out of range, or
 * called after heirloom_init). */
HEIRLOOM_IMPORT(audio_rate)
int32_t heirloom_audio_rate(int32_t hz);

/* Pushes `frames` stereo frames of floats in -1..1. Returns the frames accepted: at most
 * one second of sound is taken per video frame. */
HEIRLOOM_IMPORT(audio_push_f32)
int32_t heirloom_audio_push_f32(const float *samples, int32_t frames);

/* The same with signed 16-bit samples. */
HEIRLOOM_IMPORT(audio_push_i16)
int32_t heirloom_audio_push_i16(const int16_t *samples, int32_t frames);

/* ---- Input --------------------------------------------------------------------------
 * A snapshot taken at the start of the frame. */

typedef struct heirloom_gamepad {
    uint32_t connected;   /* 1 when a device is in this slot */
    uint32_t buttons;     /* HEIRLOOM_BUTTON_* bits */
    float axes[6];        /* HEIRLOOM_AXIS_*: sticks -1..1 (up/left negative), triggers 0..1 */
} heirloom_gamepad;       /* 32 bytes */

typedef struct heirloom_input {
    uint32_t frame;             /* 0 in the first frame, then +1 per frame */
    uint32_t keys[4];           /* bit (code % 32) of keys[code / 32]: HEIRLOOM_KEY_* held */
    uint32_t pointer_inside;    /* 1 when the pointer is over the picture */
    float pointer_x;            /* in picture pixels */
    float pointer_y;
    uint32_t pointer_buttons;   /* bit 0 primary, bit 1 secondary, bit 2 middle */
    float wheel;                /* notches since the previous frame, + away from the user */
    uint32_t text_len;          /* bytes of UTF-8 typed this frame: read with heirloom_text */
    heirloom_gamepad gamepads[4];
} heirloom_input;               /* 172 bytes */

/* Copies this frame's snapshot to `*out`. */
HEIRLOOM_IMPORT(input)
void heirloom_input_read(heirloom_input *out);

/* Copies up to `capacity` bytes of the UTF-8 text typed this frame (pasted text, an input
 * method, scripted typing) into `buffer`; returns the full length. */
HEIRLOOM_IMPORT(text)
int32_t heirloom_text(char *buffer, int32_t capacity);

static inline int heirloom_key_held(const heirloom_input *in, int code) {
    return code >= 0 && code < 128 && ((in->keys[code >> 5] >> (code & 31)) & 1);
}

/* Gamepad buttons, by position on a standard pad. */
#define HEIRLOOM_BUTTON_UP             (1u << 0)
#define HEIRLOOM_BUTTON_DOWN           (1u << 1)
#define HEIRLOOM_BUTTON_LEFT           (1u << 2)
#define HEIRLOOM_BUTTON_RIGHT          (1u << 3)
#define HEIRLOOM_BUTTON_SOUTH          (1u << 4) /* A / cross; a joystick's fire */
#define HEIRLOOM_BUTTON_EAST           (1u << 5)
#define HEIRLOOM_BUTTON_WEST           (1u << 6)
#define HEIRLOOM_BUTTON_NORTH          (1u << 7)
#define HEIRLOOM_BUTTON_LEFT_SHOULDER  (1u << 8)
#define HEIRLOOM_BUTTON_RIGHT_SHOULDER (1u << 9)
#define HEIRLOOM_BUTTON_SELECT         (1u << 10)
#define HEIRLOOM_BUTTON_START          (1u << 11)
#define HEIRLOOM_BUTTON_LEFT_STICK     (1u << 12)
#define HEIRLOOM_BUTTON_RIGHT_STICK    (1u << 13)
#define HEIRLOOM_BUTTON_MODE           (1u << 14)

#define HEIRLOOM_AXIS_LEFT_X        0
#define HEIRLOOM_AXIS_LEFT_Y        1
#define HEIRLOOM_AXIS_RIGHT_X       2
#define HEIRLOOM_AXIS_RIGHT_Y       3
#define HEIRLOOM_AXIS_LEFT_TRIGGER  4
#define HEIRLOOM_AXIS_RIGHT_TRIGGER 5

/* Keys by physical position on a PC keyboard, named as the W3C KeyboardEvent.code values
 * (US layout): HEIRLOOM_KEY_KeyZ is the key left of X whatever the layout prints on it. */
#define HEIRLOOM_KEY_Escape           0
#define HEIRLOOM_KEY_F1               1
#define HEIRLOOM_KEY_F2               2
#define HEIRLOOM_KEY_F3               3
#define HEIRLOOM_KEY_F4               4
#define HEIRLOOM_KEY_F5               5
#define HEIRLOOM_KEY_F6               6
#define HEIRLOOM_KEY_F7               7
#define HEIRLOOM_KEY_F8               8
#define HEIRLOOM_KEY_F9               9
#define HEIRLOOM_KEY_F10              10
#define HEIRLOOM_KEY_F11              11
#define HEIRLOOM_KEY_F12              12
#define HEIRLOOM_KEY_Backquote        13
#define HEIRLOOM_KEY_Digit1           14
#define HEIRLOOM_KEY_Digit2           15
#define HEIRLOOM_KEY_Digit3           16
#define HEIRLOOM_KEY_Digit4           17
#define HEIRLOOM_KEY_Digit5           18
#define HEIRLOOM_KEY_Digit6           19
#define HEIRLOOM_KEY_Digit7           20
#define HEIRLOOM_KEY_Digit8           21
#define HEIRLOOM_KEY_Digit9           22
#define HEIRLOOM_KEY_Digit0           23
#define HEIRLOOM_KEY_Minus            24
#define HEIRLOOM_KEY_Equal            25
#define HEIRLOOM_KEY_Backspace        26
#define HEIRLOOM_KEY_Tab              27
#define HEIRLOOM_KEY_KeyQ             28
#define HEIRLOOM_KEY_KeyW             29
#define HEIRLOOM_KEY_KeyE             30
#define HEIRLOOM_KEY_KeyR             31
#define HEIRLOOM_KEY_KeyT             32
#define HEIRLOOM_KEY_KeyY             33
#define HEIRLOOM_KEY_KeyU             34
#define HEIRLOOM_KEY_KeyI             35
#define HEIRLOOM_KEY_KeyO             36
#define HEIRLOOM_KEY_KeyP             37
#define HEIRLOOM_KEY_BracketLeft      38
#define HEIRLOOM_KEY_BracketRight     39
#define HEIRLOOM_KEY_Backslash        40
#define HEIRLOOM_KEY_CapsLock         41
#define HEIRLOOM_KEY_KeyA             42
#define HEIRLOOM_KEY_KeyS             43
#define HEIRLOOM_KEY_KeyD             44
#define HEIRLOOM_KEY_KeyF             45
#define HEIRLOOM_KEY_KeyG             46
#define HEIRLOOM_KEY_KeyH             47
#define HEIRLOOM_KEY_KeyJ             48
#define HEIRLOOM_KEY_KeyK             49
#define HEIRLOOM_KEY_KeyL             50
#define HEIRLOOM_KEY_Semicolon        51
#define HEIRLOOM_KEY_Quote            52
#define HEIRLOOM_KEY_Enter            53
#define HEIRLOOM_KEY_ShiftLeft        54
#define HEIRLOOM_KEY_IntlBackslash    55
#define HEIRLOOM_KEY_KeyZ             56
#define HEIRLOOM_KEY_KeyX             57
#define HEIRLOOM_KEY_KeyC             58
#define HEIRLOOM_KEY_KeyV             59
#define HEIRLOOM_KEY_KeyB             60
#define HEIRLOOM_KEY_KeyN             61
#define HEIRLOOM_KEY_KeyM             62
#define HEIRLOOM_KEY_Comma            63
#define HEIRLOOM_KEY_Period           64
#define HEIRLOOM_KEY_Slash            65
#define HEIRLOOM_KEY_ShiftRight       66
#define HEIRLOOM_KEY_ControlLeft      67
#define HEIRLOOM_KEY_MetaLeft         68
#define HEIRLOOM_KEY_AltLeft          69
#define HEIRLOOM_KEY_Space            70
#define HEIRLOOM_KEY_AltRight         71
#define HEIRLOOM_KEY_MetaRight        72
#define HEIRLOOM_KEY_ContextMenu      73
#define HEIRLOOM_KEY_ControlRight     74
#define HEIRLOOM_KEY_PrintScreen      75
#define HEIRLOOM_KEY_ScrollLock       76
#define HEIRLOOM_KEY_Pause            77
#define HEIRLOOM_KEY_Insert           78
#define HEIRLOOM_KEY_Home             79
#define HEIRLOOM_KEY_PageUp           80
#define HEIRLOOM_KEY_Delete           81
#define HEIRLOOM_KEY_End              82
#define HEIRLOOM_KEY_PageDown         83
#define HEIRLOOM_KEY_ArrowUp          84
#define HEIRLOOM_KEY_ArrowLeft        85
#define HEIRLOOM_KEY_ArrowDown        86
#define HEIRLOOM_KEY_ArrowRight       87
#define HEIRLOOM_KEY_NumLock          88
#define HEIRLOOM_KEY_NumpadDivide     89
#define HEIRLOOM_KEY_NumpadMultiply   90
#define HEIRLOOM_KEY_NumpadSubtract   91
#define HEIRLOOM_KEY_NumpadAdd        92
#define HEIRLOOM_KEY_NumpadEnter      93
#define HEIRLOOM_KEY_NumpadDecimal    94
#define HEIRLOOM_KEY_Numpad0          95
#define HEIRLOOM_KEY_Numpad1          96
#define HEIRLOOM_KEY_Numpad2          97
#define HEIRLOOM_KEY_Numpad3          98
#define HEIRLOOM_KEY_Numpad4          99
#define HEIRLOOM_KEY_Numpad5          100
#define HEIRLOOM_KEY_Numpad6          101
#define HEIRLOOM_KEY_Numpad7          102
#define HEIRLOOM_KEY_Numpad8          103
#define HEIRLOOM_KEY_Numpad9          104

/* ---- Time and log ---------------------------------------------------------------- */

/* Microseconds since the app started: emulated time (frame x 1/60 s, so it only moves
 * between frames) unless the host was asked for wall-clock time. */
HEIRLOOM_IMPORT(time_us)
int64_t heirloom_time_us(void);

#define HEIRLOOM_LOG_DEBUG 0
#define HEIRLOOM_LOG_INFO  1
#define HEIRLOOM_LOG_WARN  2
#define HEIRLOOM_LOG_ERROR 3

/* Logs `len` bytes of UTF-8 at `level` (HEIRLOOM_LOG_*). Messages are cut at 1024 bytes;
 * the host keeps the last 256. */
HEIRLOOM_IMPORT(log)
void heirloom_log(int32_t level, const char *message, int32_t len);

/* Ends the app with `status` (0 = success), like exit(). Does not return. */
HEIRLOOM_IMPORT(exit)
void heirloom_exit(int32_t status) __attribute__((noreturn));

/* ---- Persistent data --------------------------------------------------------------
 * A small key/value store private to the app: keys are 1..64 bytes, values up to
 * 16384 bytes, at most 64 KiB in all (keys and values). The host keeps it with the app's
 * save states and hands it to the frontend to keep on disk between runs. */

#define HEIRLOOM_KV_MISSING  (-1) /* no value under that key */
#define HEIRLOOM_KV_QUOTA    (-2) /* the store would grow past its quota */
#define HEIRLOOM_KV_BAD_KEY  (-3) /* empty or longer than 64 bytes */

/* Copies up to `capacity` bytes of the value under `key` into `buffer`; returns the
 * value's full length, or HEIRLOOM_KV_MISSING / HEIRLOOM_KV_BAD_KEY. */
HEIRLOOM_IMPORT(kv_get)
int32_t heirloom_kv_get(const char *key, int32_t key_len, void *buffer, int32_t capacity);

/* Stores `len` bytes under `key`; returns 0, HEIRLOOM_KV_QUOTA or HEIRLOOM_KV_BAD_KEY. */
HEIRLOOM_IMPORT(kv_set)
int32_t heirloom_kv_set(const char *key, int32_t key_len, const void *value, int32_t len);

/* Removes `key`; returns 0, HEIRLOOM_KV_MISSING or HEIRLOOM_KV_BAD_KEY. */
HEIRLOOM_IMPORT(kv_delete)
int32_t heirloom_kv_delete(const char *key, int32_t key_len);

/* ---- Portable states (inside heirloom_save_state / heirloom_load_state) ----------- */

/* Appends `len` bytes to the portable state being made (at most 1 MiB in all); returns
 * 0, or -1 outside heirloom_save_state or past the limit. */
HEIRLOOM_IMPORT(state_write)
int32_t heirloom_state_write(const void *data, int32_t len);

/* Copies up to `capacity` bytes of the portable state being restored, from where the
 * previous read stopped; returns the bytes copied (0 at its end), or -1 outside
 * heirloom_load_state. */
HEIRLOOM_IMPORT(state_read)
int32_t heirloom_state_read(void *buffer, int32_t capacity);

/* ---- Loop apps ---------------------------------------------------------------------
 * A program that keeps its own main loop instead of a frame callback. Define HEIRLOOM_LOOP
 * before including this header (in every file of the app) and write the program's main
 * as `int heirloom_main(void)`. Every heirloom_present_* call then ends the frame: the
 * program stops there and continues right after the call in the next frame, with its
 * whole call stack as it was; heirloom_wait_frame() does the same without a picture.
 * When heirloom_main returns, the app exits with its return value.
 *
 * This header provides heirloom_init and heirloom_frame for such an app. Define
 * HEIRLOOM_LOOP_AUDIO_RATE to the rate heirloom_init declares (the host's default rate
 * otherwise), and HEIRLOOM_LOOP_STACK to the bytes kept for the suspended call stack
 * (16 KiB unless defined: a few hundred bytes per nested call).
 *
 * Suspending needs the module transformed by Binaryen's Asyncify after linking, so that
 * its stack can be unwound and rewound:
 *   clang --target=wasm32-unknown-unknown -O2 -nostdlib -Wl,--no-entry -DHEIRLOOM_LOOP \
 *         -o app.wasm app.c
 *   wasm-opt --asyncify --pass-arg=asyncify-ignore-imports -O2 app.wasm -o app.wasm
 * The suspended stack lives in linear memory, so save states and every host (the
 * interpreter, the JIT, a browser) work unchanged. A module not transformed imports
 * asyncify.start_unwind and the host refuses it, naming that import. */
#ifdef HEIRLOOM_LOOP

#ifndef HEIRLOOM_LOOP_STACK
#define HEIRLOOM_LOOP_STACK 16384
#endif

/* Asyncify's own control functions; the wasm-opt pass replaces these imports. */
__attribute__((import_module("asyncify"), import_name("start_unwind")))
void heirloom_loop_start_unwind(void *area);
__attribute__((import_module("asyncify"), import_name("stop_unwind")))
void heirloom_loop_stop_unwind(void);
__attribute__((import_module("asyncify"), import_name("start_rewind")))
void heirloom_loop_start_rewind(void *area);
__attribute__((import_module("asyncify"), import_name("stop_rewind")))
void heirloom_loop_stop_rewind(void);

/* The program's main loop, written by the app. */
int heirloom_main(void);

/* Where the suspended call stack is kept: Asyncify's header (the next free byte, the end)
 * and the bytes themselves. */
typedef struct heirloom_loop_area {
    uint8_t *next;
    uint8_t *end;
    uint8_t stack[HEIRLOOM_LOOP_STACK];
} heirloom_loop_area;

/* Where the loop is between and inside frames. */
enum {
    HEIRLOOM_LOOP_RUNNING,    /* inside a frame, running the program */
    HEIRLOOM_LOOP_SUSPENDING, /* unwinding the stack at the end of a frame */
    HEIRLOOM_LOOP_SUSPENDED,  /* between frames */
    HEIRLOOM_LOOP_RESUMING    /* rewinding the stack at the start of a frame */
};

/* One copy of each across the app's files (weak definitions). */
__attribute__((weak)) heirloom_loop_area heirloom_loop_saved;
__attribute__((weak)) int32_t heirloom_loop_state;

/* Ends the current frame; the program continues after this call in the next frame. */
__attribute__((weak, noinline)) void heirloom_wait_frame(void) {
    if (heirloom_loop_state == HEIRLOOM_LOOP_RESUMING) {
        /* Rewinding arrived back here: the new frame starts. */
        heirloom_loop_state = HEIRLOOM_LOOP_RUNNING;
        heirloom_loop_stop_rewind();
        return;
    }
    heirloom_loop_state = HEIRLOOM_LOOP_SUSPENDING;
    heirloom_loop_saved.next = heirloom_loop_saved.stack;
    heirloom_loop_saved.end = heirloom_loop_saved.stack + HEIRLOOM_LOOP_STACK;
    heirloom_loop_start_unwind(&heirloom_loop_saved);
}

static inline void heirloom_present_rgba(const void *pixels, int32_t width, int32_t height,
                                         int32_t pitch) {
    heirloom_loop_present_rgba_import(pixels, width, height, pitch);
    heirloom_wait_frame();
}

static inline void heirloom_present_indexed(const uint8_t *pixels, int32_t width,
                                            int32_t height, int32_t pitch,
                                            const uint8_t *palette, int32_t colors) {
    heirloom_loop_present_indexed_import(pixels, width, height, pitch, palette, colors);
    heirloom_wait_frame();
}

HEIRLOOM_EXPORT(heirloom_init)
__attribute__((weak)) int32_t heirloom_init(int32_t host_version) {
    if (host_version < HEIRLOOM_ABI_VERSION) return 1;
#ifdef HEIRLOOM_LOOP_AUDIO_RATE
    if (heirloom_audio_rate(HEIRLOOM_LOOP_AUDIO_RATE) != 0) return 2;
#endif
    return 0;
}

HEIRLOOM_EXPORT(heirloom_frame)
__attribute__((weak)) void heirloom_frame(void) {
    if (heirloom_loop_state == HEIRLOOM_LOOP_SUSPENDED) {
        heirloom_loop_state = HEIRLOOM_LOOP_RESUMING;
        heirloom_loop_start_rewind(&heirloom_loop_saved);
    }
    int status = heirloom_main();
    if (heirloom_loop_state == HEIRLOOM_LOOP_SUSPENDING) {
        heirloom_loop_stop_unwind();
        heirloom_loop_state = HEIRLOOM_LOOP_SUSPENDED;
        return;
    }
    heirloom_exit(status);
}

#endif /* HEIRLOOM_LOOP */

#ifdef __cplusplus
}
#endif

#endif /* HEIRLOOM_H */
