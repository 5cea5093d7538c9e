//! `heirloom wasm` runs as a real process on modules written to a scratch folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("heirloom-wasm-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn heirloom(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heirloom"))
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Writes the module `wat` (text format) as `name` in `dir`.
fn module(dir: &Path, name: &str, wat: &str) -> String {
    let buf = wast::parser::ParseBuffer::new(wat).unwrap();
    let mut m: wast::Wat<'_> = wast::parser::parse(&buf).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, m.encode().unwrap()).unwrap();
    path.to_str().unwrap().to_owned()
}

/// The 41-byte module of the seed article: `add(i32, i32) -> i32`.
const ADD: [u8; 41] = [
    0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0, 7, 7, 1, 3, 97, 100,
    100, 0, 0, 10, 9, 1, 7, 0, 32, 0, 32, 1, 106, 11,
];

#[test]
fn invoke_prints_each_result_on_its_own_line() {
    let dir = scratch("invoke");
    let add = dir.join("add.wasm");
    std::fs::write(&add, ADD).unwrap();
    let add = add.to_str().unwrap();
    let out = heirloom(&["wasm", "run", add, "--invoke", "add", "3", "5"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "8\n");
    let out = heirloom(&["wasm", "run", add, "--invoke", "add", "3", "-10"]);
    assert_eq!(text(&out.stdout), "-7\n");

    let floats = module(
        &dir,
        "floats.wasm",
        r#"(module
          (func (export "add") (param f32 f32) (result f32) (f32.add (local.get 0) (local.get 1)))
          (func (export "pair") (param f64) (result f64 i64)
            (f64.div (local.get 0) (f64.const 3)) (i64.const -9000000000)))"#,
    );
    let out = heirloom(&["wasm", "run", &floats, "--invoke", "add", "3.25", "5"]);
    assert_eq!(text(&out.stdout), "8.25\n");
    let out = heirloom(&["wasm", "run", &floats, "--invoke", "pair", "1"]);
    let lines: Vec<String> = text(&out.stdout).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 2);
    // The float reads back to exactly the value computed.
    assert_eq!(lines[0].parse::<f64>().unwrap(), 1.0 / 3.0);
    assert_eq!(lines[1], "-9000000000");

    // Wrong arguments: one line, exit 1.
    let out = heirloom(&["wasm", "run", add, "--invoke", "add", "3"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr).lines().count(),
        1,
        "{}",
        text(&out.stderr)
    );
    let out = heirloom(&["wasm", "run", add, "--invoke", "sub", "3", "5"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("it exports: add"),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_malformed_module_is_one_line_and_exit_1() {
    let dir = scratch("malformed");
    let bad = dir.join("bad.wasm");
    std::fs::write(&bad, &ADD[..20]).unwrap();
    let bad = bad.to_str().unwrap();
    for sub in ["run", "validate", "inspect"] {
        let out = heirloom(&["wasm", sub, bad]);
        assert_eq!(out.status.code(), Some(1), "{sub}");
        let err = text(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{sub}: {err}");
        assert!(
            err.starts_with("heirloom: ") && err.contains("bad.wasm"),
            "{err}"
        );
        assert!(out.stdout.is_empty());
    }
    let good = dir.join("add.wasm");
    std::fs::write(&good, ADD).unwrap();
    let out = heirloom(&["wasm", "validate", good.to_str().unwrap()]);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), "valid\n");
    // Invalid (decodes, but i32.add on an f32): also one line.
    let invalid = dir.join("invalid.wasm");
    let mut bytes = ADD;
    bytes[13] = 0x7d;
    std::fs::write(&invalid, bytes).unwrap();
    let out = heirloom(&["wasm", "validate", invalid.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr).lines().count(), 1);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_trap_prints_its_code_and_backtrace_and_exits_1() {
    let dir = scratch("trap");
    let m = module(
        &dir,
        "trap.wasm",
        r#"(module
          (func $inner (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
          (func $outer (export "divide") (param i32) (result i32) (call $inner (local.get 0)))
          (func (export "spin") (loop br 0)))"#,
    );
    let out = heirloom(&["wasm", "run", &m, "--invoke", "divide", "0"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert!(lines[0].ends_with("trap: integer divide by zero"), "{err}");
    assert_eq!(lines[1], "wasm backtrace:");
    assert_eq!(lines[2], "  0: inner (func 0)");
    assert_eq!(lines[3], "  1: outer (func 1) at instruction 1");
    let out = heirloom(&["wasm", "run", &m, "--invoke", "divide", "2"]);
    assert_eq!(text(&out.stdout), "0\n");
    // Runaway code ends by fuel or deadline.
    let out = heirloom(&["wasm", "run", &m, "--invoke", "spin", "--fuel", "100000"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("trap: out of fuel"));
    let out = heirloom(&["wasm", "run", &m, "--invoke", "spin", "--timeout", "0.05"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("trap: deadline exceeded"));
    std::fs::remove_dir_all(dir).unwrap();
}

const HELLO: &str = r#"
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $argc (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\08\00\00\00\06\00\00\00")
  (data (i32.const 8) "hello\n")
  (func (export "_start")
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))
    ;; exits with the argument count when there are extra arguments
    (drop (call $argc (i32.const 20) (i32.const 24)))
    (if (i32.gt_u (i32.load (i32.const 20)) (i32.const 1))
      (then (call $exit (i32.load (i32.const 20)))))))
"#;

#[test]
fn a_wasi_program_prints_and_its_exit_status_is_kept() {
    let dir = scratch("wasi");
    let m = module(&dir, "hello.wasm", HELLO);
    let out = heirloom(&["wasm", "run", &m]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "hello\n");
    let out = heirloom(&["wasm", "run", &m, "--", "a", "b"]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(text(&out.stdout), "hello\n");
    // No _start: told to use --invoke.
    let add = dir.join("add.wasm");
    std::fs::write(&add, ADD).unwrap();
    let out = heirloom(&["wasm", "run", add.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("--invoke"),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_wasi_program_reads_only_its_folder() {
    let dir = scratch("dir");
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("in.txt"), "file text\n").unwrap();
    std::fs::write(dir.join("secret"), "no").unwrap();
    // Prints the file named by argv[1], or exits with path_open's error number.
    let m = module(
        &dir,
        "cat.wasm",
        r#"(module
          (import "wasi_snapshot_preview1" "args_sizes_get" (func $asz (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "args_get" (func $aget (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "path_open"
            (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (memory (export "memory") 1)
          (func (export "_start")
            (local $e i32)
            (drop (call $asz (i32.const 0) (i32.const 4)))
            (drop (call $aget (i32.const 100) (i32.const 1000)))
            ;; argv[1] runs from its pointer to the end of the argument buffer, minus its NUL
            (local.set $e (call $open (i32.const 3) (i32.const 1) (i32.load (i32.const 104))
              (i32.sub (i32.sub (i32.add (i32.const 1000) (i32.load (i32.const 4)))
                                (i32.load (i32.const 104))) (i32.const 1))
              (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 8)))
            (if (local.get $e) (then (call $exit (local.get $e))))
            (i32.store (i32.const 16) (i32.const 2000))
            (i32.store (i32.const 20) (i32.const 100))
            (drop (call $read (i32.load (i32.const 8)) (i32.const 16) (i32.const 1) (i32.const 24)))
            (i32.store (i32.const 20) (i32.load (i32.const 24)))
            (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))))"#,
    );
    let folder = format!("{}::/data", data.display());
    let out = heirloom(&["wasm", "run", &m, "--dir", &folder, "--", "in.txt"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "file text\n");
    // ENOTCAPABLE (76) for a way out, ENOENT (44) for a missing file.
    let out = heirloom(&["wasm", "run", &m, "--dir", &folder, "--", "../secret"]);
    assert_eq!(out.status.code(), Some(76));
    assert!(out.stdout.is_empty());
    let out = heirloom(&["wasm", "run", &m, "--dir", &folder, "--", "nothing.txt"]);
    assert_eq!(out.status.code(), Some(44));
    // No folder given: descriptor 3 does not exist (EBADF, 8).
    let out = heirloom(&["wasm", "run", &m, "--", "in.txt"]);
    assert_eq!(out.status.code(), Some(8));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_jit_cache_folder_serves_the_next_run() {
    let dir = scratch("jit-cache");
    let m = module(&dir, "hello.wasm", HELLO);
    let cache = dir.join("cache");
    let cache_arg = cache.display().to_string();
    for _ in 0..2 {
        let out = heirloom(&[
            "wasm",
            "run",
            &m,
            "--engine",
            "jit",
            "--jit-cache",
            &cache_arg,
            "--",
            "a",
            "b",
        ]);
        assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
        assert_eq!(text(&out.stdout), "hello\n");
        let files = std::fs::read_dir(&cache)
            .expect("the cache folder exists")
            .count();
        assert_eq!(files, 1, "one module, one file");
    }
    let out = heirloom(&["wasm", "run", &m, "--jit-cache", &cache_arg]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--jit-cache needs --engine jit"));
}

#[test]
fn the_jit_runs_what_the_interpreter_runs_and_inspect_lists_the_module() {
    let dir = scratch("inspect");
    let m = module(&dir, "hello.wasm", HELLO);
    let out = heirloom(&["wasm", "run", &m, "--engine", "jit", "--", "a", "b"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "hello\n");
    let trap = module(
        &dir,
        "trap.wasm",
        r#"(module
          (func $inner (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
          (func $outer (export "divide") (param i32) (result i32) (call $inner (local.get 0)))
          (func (export "spin") (loop br 0)))"#,
    );
    for engine in ["interp", "jit"] {
        let out = heirloom(&[
            "wasm", "run", &trap, "--engine", engine, "--invoke", "divide", "0",
        ]);
        assert_eq!(out.status.code(), Some(1));
        let err = text(&out.stderr);
        assert!(
            err.lines()
                .next()
                .unwrap()
                .ends_with("trap: integer divide by zero"),
            "{engine}: {err}"
        );
        assert!(err.contains("  0: inner (func 0)"), "{engine}: {err}");
        let out = heirloom(&[
            "wasm", "run", &trap, "--engine", engine, "--invoke", "divide", "2",
        ]);
        assert_eq!(text(&out.stdout), "0\n", "{engine}");
        let out = heirloom(&[
            "wasm", "run", &trap, "--engine", engine, "--invoke", "spin", "--fuel", "100000",
        ]);
        assert!(text(&out.stderr).contains("trap: out of fuel"), "{engine}");
    }

    let out = heirloom(&["wasm", "inspect", &m]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listing = text(&out.stdout);
    for line in [
        "imports:",
        "  wasi_snapshot_preview1.fd_write: (func (param i32 i32 i32 i32) (result i32))",
        "  wasi_snapshot_preview1.proc_exit: (func (param i32))",
        "exports:",
        "  memory: (memory 1)",
        "  _start: (func)",
        "sections:",
    ] {
        assert!(
            listing.lines().any(|l| l == line),
            "missing {line:?} in\n{listing}"
        );
    }
    assert!(
        listing
            .lines()
            .any(|l| l.starts_with("  data ") && l.ends_with(" bytes"))
    );

    // A missing import is named with the type the module expects.
    let needs = module(
        &dir,
        "needs.wasm",
        r#"(module (import "env" "emscripten_resize_heap" (func (param i32) (result i32)))
             (func (export "_start")))"#,
    );
    let out = heirloom(&["wasm", "run", &needs]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        format!(
            "heirloom: {needs}: unknown import env.emscripten_resize_heap: \
             expected (func (param i32) (result i32))\n"
        )
    );
    // A start function calling proc_exit ends the program with its status.
    let early = module(
        &dir,
        "early.wasm",
        r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
             (memory (export "memory") 1)
             (func $init (call $exit (i32.const 5)))
             (start $init)
             (func (export "_start") unreachable))"#,
    );
    let out = heirloom(&["wasm", "run", &early]);
    assert_eq!(out.status.code(), Some(5), "{}", text(&out.stderr));

    let out = heirloom(&["wasm", "--help"]);
    assert!(text(&out.stdout).contains("heirloom wasm run add.wasm --invoke add 3 5"));
    let out = heirloom(&["wasm", "run", &m, "--max-memory", "12 parsecs"]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(dir).unwrap();
}
