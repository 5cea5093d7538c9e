//! Libraries driven from the host the seed's way (malloc, fill, call, read back), and the
//! Emscripten `env` and WASI imports they and apps are linked with.

mod common;

use common::{Build, compile_file, sample};
use heirloom_wasm::exec::Value;
use heirloom_wasmapp::{Engine, Library, LibraryError};
use wast::parser::{self, ParseBuffer};

fn wat(text: &str) -> Vec<u8> {
    let buf = ParseBuffer::new(text).expect("lexes");
    let mut module: wast::Wat<'_> = parser::parse(&buf).expect("parses");
    module.encode().expect("encodes")
}

fn i32s(values: &[i32]) -> Vec<Value> {
    values.iter().map(|&v| Value::I32(v)).collect()
}

#[test]
fn numlib_computes_averages_statistics_and_a_regression_from_host_buffers() {
    let Some(bytes) = sample("numlib", Build::Freestanding, &[]) else {
        return;
    };
    for &engine in Engine::ALL {
        let mut lib = Library::load("numlib.wasm", &bytes, engine).unwrap();
        let n = 16;
        let input = lib.malloc(8 * n).unwrap();
        let begin = lib.malloc(4).unwrap();
        let count = lib.malloc(4).unwrap();
        let output = lib.malloc(8 * n).unwrap();
        let prices: Vec<f64> = (0..n).map(|i| f64::from(i) + 0.5).collect();
        lib.write_f64s(input, &prices).unwrap();

        let args = |period| {
            i32s(&[
                1,
                n as i32 - 1,
                input as i32,
                period,
                begin as i32,
                count as i32,
                output as i32,
            ])
        };
        assert_eq!(lib.call_i32("nl_sma", &args(2)).unwrap(), 0);
        assert_eq!(lib.read_i32(begin).unwrap(), 1);
        assert_eq!(lib.read_i32(count).unwrap(), 15);
        let expected: Vec<f64> = (1..=15).map(f64::from).collect();
        assert_eq!(lib.read_f64s(output, 15).unwrap(), expected);
        assert_eq!(lib.call_i32("nl_sma", &args(1)).unwrap(), 2, "bad period");

        // EMA over a constant series stays at the constant; over a step it moves toward it.
        lib.write_f64s(input, &[4.0; 16]).unwrap();
        assert_eq!(lib.call_i32("nl_ema", &args(3)).unwrap(), 0);
        let produced = lib.read_i32(count).unwrap() as usize;
        assert_eq!(produced, 14);
        assert!(
            lib.read_f64s(output, produced)
                .unwrap()
                .iter()
                .all(|&v| v == 4.0)
        );

        // Mean and standard deviation of 2, 4, 4, 4, 5, 5, 7, 9: 5 and 2.
        let data = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        lib.write_f64s(input, &data).unwrap();
        assert_eq!(
            lib.call_i32("nl_stats", &i32s(&[input as i32, 8, output as i32]))
                .unwrap(),
            0
        );
        assert_eq!(lib.read_f64s(output, 2).unwrap(), vec![5.0, 2.0]);

        // y = 3x - 1 through five points.
        let xs = lib.malloc(40).unwrap();
        let ys = lib.malloc(40).unwrap();
        lib.write_f64s(xs, &[0.0, 1.0, 2.0, 3.0, 4.0]).unwrap();
        lib.write_f64s(ys, &[-1.0, 2.0, 5.0, 8.0, 11.0]).unwrap();
        let fit = i32s(&[xs as i32, ys as i32, 5, output as i32]);
        assert_eq!(lib.call_i32("nl_linreg", &fit).unwrap(), 0);
        assert_eq!(lib.read_f64s(output, 2).unwrap(), vec![3.0, -1.0]);

        // Freed blocks are reused; a large block grows the memory through
        // emscripten_resize_heap.
        lib.free(xs).unwrap();
        assert_eq!(lib.malloc(40).unwrap(), xs);
        let before = lib.memory().len();
        let big = lib.malloc(1 << 20).unwrap();
        assert!(lib.memory().len() >= before + (1 << 20));
        lib.write(big + (1 << 20) - 4, &[1, 2, 3, 4]).unwrap();
        // Past the core's memory limit, malloc returns null.
        assert_eq!(
            lib.malloc(0x7000_0000),
            Err(LibraryError::OutOfMemory(0x7000_0000))
        );
        // Freeing the same block twice is detected and reported through _abort_js.
        lib.free(ys).unwrap();
        let err = lib.free(ys).unwrap_err().to_string();
        assert!(
            err.starts_with("free stopped: the app called abort() in free"),
            "{err}"
        );
        // The library's clock is the emulated one: the Unix time of 2000-01-01.
        let now = lib.call("nl_now_ms", &[]).unwrap();
        assert_eq!(now, vec![Value::F64(946_684_800_000f64.to_bits())]);
        // Reads outside the memory are errors, not panics.
        assert!(matches!(
            lib.read(u32::MAX - 2, 8),
            Err(LibraryError::OutOfRange { .. })
        ));
        assert_eq!(
            lib.call("no_such", &[]),
            Err(LibraryError::NoFunction("no_such".into()))
        );
    }
}

#[test]
fn the_seed_ta_sma_library_runs_without_hand_written_imports() {
    let source = heirloom_testkit::roms_test_dir().join("wasm/ta_sma.c");
    let Some(bytes) = compile_file(&source, Build::Freestanding, &[]) else {
        return;
    };
    let mut lib = Library::load("ta_sma.wasm", &bytes, Engine::Interpreter).unwrap();
    let n = 16;
    let in_real = lib.malloc(8 * n).unwrap();
    let out_beg = lib.malloc(4).unwrap();
    let out_nb = lib.malloc(4).unwrap();
    let out_real = lib.malloc(8 * n).unwrap();
    let prices: Vec<f64> = (0..n).map(|i| f64::from(i) + 0.5).collect();
    lib.write_f64s(in_real, &prices).unwrap();
    let args = i32s(&[
        1,
        n as i32 - 1,
        in_real as i32,
        2,
        out_beg as i32,
        out_nb as i32,
        out_real as i32,
    ]);
    assert_eq!(lib.call_i32("TA_SMA", &args).unwrap(), 0);
    assert_eq!(lib.read_i32(out_nb).unwrap(), 15);
    let expected: Vec<f64> = (1..=15).map(f64::from).collect();
    assert_eq!(lib.read_f64s(out_real, 15).unwrap(), expected);
    // A large block makes malloc call emscripten_resize_heap, which grows the memory.
    let pages_before = lib.memory().len() / 65536;
    let big = lib.malloc(200_000).unwrap();
    assert!(lib.memory().len() / 65536 > pages_before);
    assert!(lib.memory().len() >= big as usize + 200_000);
}

#[test]
fn emscripten_env_imports_do_their_jobs() {
    let bytes = wat(r#"
(module
  (import "env" "emscripten_memcpy_big" (func $big (param i32 i32 i32) (result i32)))
  (import "env" "_emscripten_memcpy_js" (func $js (param i32 i32 i32)))
  (import "env" "emscripten_date_now" (func $date (result f64)))
  (import "env" "emscripten_get_now" (func $now (result f64)))
  (import "env" "emscripten_resize_heap" (func $resize (param i32) (result i32)))
  (import "env" "emscripten_get_heap_max" (func $max (result i32)))
  (import "env" "setTempRet0" (func $set (param i32)))
  (import "env" "getTempRet0" (func $get (result i32)))
  (import "env" "emscripten_console_log" (func $log (param i32)))
  (import "env" "emscripten_notify_memory_growth" (func $grown (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello, world\00")
  (func (export "copy_big") (result i32) (call $big (i32.const 100) (i32.const 16) (i32.const 5)))
  (func (export "copy_js") (call $js (i32.const 200) (i32.const 23) (i32.const 5)))
  (func (export "copy_out") (call $js (i32.const 65530) (i32.const 16) (i32.const 10)))
  (func (export "date") (result f64) (call $date))
  (func (export "now") (result f64) (call $now))
  (func (export "resize") (param i32) (result i32) (call $resize (local.get 0)))
  (func (export "max") (result i32) (call $max))
  (func (export "temp") (result i32) (call $set (i32.const -7)) (call $get))
  (func (export "log") (call $log (i32.const 16)) (call $grown (i32.const 0))))
"#);
    let mut lib = Library::load("env.wasm", &bytes, Engine::Interpreter).unwrap();
    assert_eq!(lib.call_i32("copy_big", &[]).unwrap(), 100);
    assert_eq!(lib.read(100, 5).unwrap(), b"hello");
    lib.call("copy_js", &[]).unwrap();
    assert_eq!(lib.read(200, 5).unwrap(), b"world");
    assert_eq!(
        lib.call("copy_out", &[]),
        Err(LibraryError::Stopped(
            "copy_out stopped: emscripten_memcpy: 10 bytes at 0xfffa lie outside the app's \
             memory (65536 bytes) in function 12"
                .into()
        ))
    );
    assert_eq!(
        lib.call("date", &[]).unwrap(),
        vec![Value::F64(946_684_800_000f64.to_bits())]
    );
    assert_eq!(
        lib.call("now", &[]).unwrap(),
        vec![Value::F64(0f64.to_bits())]
    );
    assert_eq!(lib.call_i32("resize", &i32s(&[300_000])).unwrap(), 1);
    assert_eq!(lib.memory().len(), 5 * 65536, "grown to hold 300 000 bytes");
    assert_eq!(
        lib.call_i32("resize", &i32s(&[1000])).unwrap(),
        1,
        "already big enough"
    );
    assert_eq!(lib.call_i32("max", &[]).unwrap(), 256 << 20);
    assert_eq!(
        lib.call_i32("resize", &i32s(&[(256 << 20) + 1])).unwrap(),
        0,
        "over the limit"
    );
    assert_eq!(lib.call_i32("temp", &[]).unwrap(), -7);
    lib.call("log", &[]).unwrap();
    assert_eq!(lib.log()[0].message, "hello, world");
}

#[test]
fn wasi_clocks_random_and_streams_are_reproducible_and_sandboxed() {
    let bytes = wat(r#"
(module
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $prestat (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "out\0a")
  (func (export "clock") (param i32) (result i32) (call $clock (local.get 0) (i64.const 1) (i32.const 0)))
  (func (export "random") (result i32) (call $random (i32.const 8) (i32.const 16)))
  (func (export "write") (param i32) (result i32)
    (i32.store (i32.const 32) (i32.const 64))
    (i32.store (i32.const 36) (i32.const 4))
    (call $write (local.get 0) (i32.const 32) (i32.const 1) (i32.const 40)))
  (func (export "sleep") (result i32)
    ;; one relative clock subscription of 2.5 s on the monotonic clock
    (i64.store (i32.const 128) (i64.const 99))
    (i32.store8 (i32.const 136) (i32.const 0))
    (i32.store (i32.const 144) (i32.const 1))
    (i64.store (i32.const 152) (i64.const 2500000000))
    (call $poll (i32.const 128) (i32.const 256) (i32.const 1) (i32.const 48)))
  (func (export "open") (result i32)
    (call $open (i32.const 3) (i32.const 0) (i32.const 64) (i32.const 3) (i32.const 0)
      (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 48)))
  (func (export "prestat") (result i32) (call $prestat (i32.const 3) (i32.const 48))))
"#);
    let mut lib = Library::load("wasi.wasm", &bytes, Engine::Interpreter).unwrap();
    let read_u64 =
        |lib: &Library, at| u64::from_le_bytes(lib.read(at, 8).unwrap().try_into().unwrap());
    assert_eq!(lib.call_i32("clock", &i32s(&[0])).unwrap(), 0);
    assert_eq!(
        read_u64(&lib, 0),
        946_684_800_000_000_000,
        "realtime starts at 2000-01-01"
    );
    assert_eq!(lib.call_i32("clock", &i32s(&[1])).unwrap(), 0);
    assert_eq!(read_u64(&lib, 0), 0, "monotonic starts at zero");
    assert_eq!(lib.call_i32("clock", &i32s(&[9])).unwrap(), 28, "EINVAL");
    // Sleeping advances the emulated clock instead of blocking.
    assert_eq!(lib.call_i32("sleep", &[]).unwrap(), 0);
    assert_eq!(lib.read_i32(48).unwrap(), 1, "one event");
    assert_eq!(read_u64(&lib, 256), 99, "its userdata");
    lib.call_i32("clock", &i32s(&[1])).unwrap();
    assert_eq!(read_u64(&lib, 0), 2_500_000_000);
    // The random sequence is the same in every run.
    lib.call_i32("random", &[]).unwrap();
    let first = lib.read(8, 16).unwrap().to_vec();
    let mut again = Library::load("wasi.wasm", &bytes, Engine::Interpreter).unwrap();
    again.call_i32("random", &[]).unwrap();
    assert_eq!(again.read(8, 16).unwrap(), first);
    assert!(first.iter().any(|&b| b != 0));
    // Output goes to the console; files go to the app's own folder in memory.
    assert_eq!(lib.call_i32("write", &i32s(&[1])).unwrap(), 0);
    assert_eq!(lib.call_i32("write", &i32s(&[2])).unwrap(), 0);
    assert_eq!(lib.read_i32(40).unwrap(), 4);
    assert!(lib.output().starts_with("out\nout\n"));
    assert_eq!(lib.call_i32("write", &i32s(&[5])).unwrap(), 8, "EBADF");
    assert_eq!(
        lib.call_i32("prestat", &[]).unwrap(),
        0,
        "a pre-opened folder"
    );
    assert_eq!(lib.read_i32(48).unwrap(), 0, "tag: a folder");
    assert_eq!(lib.read_i32(52).unwrap(), 1, "named `.`");
    assert_eq!(
        lib.call_i32("open", &[]).unwrap(),
        44,
        "ENOENT: the folder starts empty"
    );
}
