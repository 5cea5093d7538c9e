//! WASI preview 1 through real modules: standard streams, arguments, the pre-opened
//! folder and its walls, `proc_exit`, and `ENOSYS` for calls that are not implemented.

use std::path::PathBuf;

use heirloom_wasm::exec::{Extern, InstanceId, Store, Trap, Value};
use heirloom_wasm::wasi::{Input, Wasi, WasiConfig, errno};
use heirloom_wasm::{Linker, Module, ValidatedModule};
use wast::parser::{self, ParseBuffer};

fn wat(text: &str) -> ValidatedModule {
    let buf = ParseBuffer::new(text).expect("lexes");
    let mut module: wast::Wat<'_> = parser::parse(&buf).expect("parses");
    Module::from_bytes(&module.encode().expect("encodes")).expect("valid")
}

/// A fresh folder for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("heirloom-wasi-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn start(module: &ValidatedModule, config: WasiConfig) -> (Store, Wasi, InstanceId) {
    let mut store = Store::default();
    let wasi = Wasi::new(config).unwrap();
    let mut linker = Linker::new();
    wasi.link(&mut store, &mut linker, module);
    let instance = linker.instantiate(&mut store, module).unwrap();
    (store, wasi, instance)
}

const HELLO: &str = r#"
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\08\00\00\00\06\00\00\00")
  (data (i32.const 8) "hello\n")
  (func (export "_start")
    (if (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16))
      (then unreachable))
    (if (i32.ne (i32.load (i32.const 16)) (i32.const 6)) (then unreachable))))
"#;

#[test]
fn hello_goes_to_captured_stdout() {
    let module = wat(HELLO);
    let (mut store, wasi, instance) = start(&module, WasiConfig::default());
    assert_eq!(wasi.run(&mut store, instance), Ok(0));
    assert_eq!(wasi.stdout(), b"hello\n");
    assert!(wasi.stderr().is_empty());
}

#[test]
fn proc_exit_is_an_exit_status_not_a_trap() {
    let module = wat(r#"
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\08\00\00\00\04\00\00\00")
  (data (i32.const 8) "bye\n")
  (func (export "_start")
    (drop (call $fd_write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 16)))
    (call $exit (i32.const 3))
    unreachable))
"#);
    let (mut store, wasi, instance) = start(&module, WasiConfig::default());
    assert_eq!(wasi.run(&mut store, instance), Ok(3));
    assert_eq!(wasi.stderr(), b"bye\n");
    // The run stopped inside `_start` (function 2, after the two imports), at its second
    // call: i32.const ×4, call, drop, i32.const, call.
    let trace = store.last_backtrace();
    assert_eq!(trace.len(), 1);
    assert_eq!((trace[0].func_index, trace[0].instr), (2, Some(7)));
    // A trap stays a trap.
    let trapping =
        wat(r#"(module (memory (export "memory") 1) (func (export "_start") unreachable))"#);
    let (mut store, wasi, instance) = start(&trapping, WasiConfig::default());
    assert_eq!(wasi.run(&mut store, instance), Err(Trap::Unreachable));
}

#[test]
fn arguments_environment_and_stdin_reach_the_program() {
    // Copies argv's strings, then environ's, then all of stdin to stdout.
    let module = wat(r#"
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $asz (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $aget (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $esz (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $eget (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func $out (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (if (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)) (then unreachable)))
  (func (export "_start")
    (if (call $asz (i32.const 16) (i32.const 20)) (then unreachable))
    (if (i32.ne (i32.load (i32.const 16)) (i32.const 2)) (then unreachable))
    (if (call $aget (i32.const 100) (i32.const 1000)) (then unreachable))
    ;; argv[1] points just past "prog\0"
    (if (i32.ne (i32.load (i32.const 104)) (i32.const 1005)) (then unreachable))
    (call $out (i32.const 1000) (i32.load (i32.const 20)))
    (if (call $esz (i32.const 16) (i32.const 20)) (then unreachable))
    (if (call $eget (i32.const 100) (i32.const 2000)) (then unreachable))
    (call $out (i32.const 2000) (i32.load (i32.const 20)))
    ;; stdin in 3-byte reads until end of file
    (i32.store (i32.const 24) (i32.const 3000))
    (i32.store (i32.const 28) (i32.const 3))
    (block $done
      (loop $more
        (if (call $read (i32.const 0) (i32.const 24) (i32.const 1) (i32.const 32))
          (then unreachable))
        (br_if $done (i32.eqz (i32.load (i32.const 32))))
        (call $out (i32.const 3000) (i32.load (i32.const 32)))
        (br $more)))))
"#);
    let config = WasiConfig {
        args: vec!["prog".into(), "one".into()],
        env: vec![("HOME".into(), "/".into())],
        stdin: Input::Bytes(b"typed input".to_vec()),
        ..WasiConfig::default()
    };
    let (mut store, wasi, instance) = start(&module, config);
    assert_eq!(wasi.run(&mut store, instance), Ok(0));
    assert_eq!(wasi.stdout(), b"prog\0one\0HOME=/\0typed input");
}

#[test]
fn reads_a_file_in_the_preopened_folder() {
    let dir = scratch("read");
    std::fs::create_dir(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub/greeting.txt"), "from the host\n").unwrap();
    // Finds the pre-opened folder's name, opens sub/greeting.txt and copies it to stdout.
    let module = wat(r#"
(module
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $prestat (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name"
    (func $prestat_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 500) "sub/greeting.txt")
  (func (export "_start")
    (local $fd i32)
    (if (call $prestat (i32.const 3) (i32.const 0)) (then unreachable))
    (if (i32.ne (call $prestat (i32.const 4) (i32.const 0)) (i32.const 8)) (then unreachable))
    (if (call $prestat_name (i32.const 3) (i32.const 600) (i32.load (i32.const 4)))
      (then unreachable))
    ;; the guest name, then a newline
    (i32.store (i32.const 16) (i32.const 600))
    (i32.store (i32.const 20) (i32.load (i32.const 4)))
    (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 40)))
    (if (call $open (i32.const 3) (i32.const 1) (i32.const 500) (i32.const 16)
          (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 32))
      (then unreachable))
    (local.set $fd (i32.load (i32.const 32)))
    (i32.store (i32.const 16) (i32.const 1000))
    (i32.store (i32.const 20) (i32.const 200))
    (if (call $read (local.get $fd) (i32.const 16) (i32.const 1) (i32.const 36))
      (then unreachable))
    (i32.store (i32.const 20) (i32.load (i32.const 36)))
    (if (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 40))
      (then unreachable))
    (if (call $close (local.get $fd)) (then unreachable))
    (if (i32.ne (call $close (local.get $fd)) (i32.const 8)) (then unreachable))))
"#);
    let config = WasiConfig {
        preopen: Some((dir.clone(), "/data".into())),
        ..WasiConfig::default()
    };
    let (mut store, wasi, instance) = start(&module, config);
    assert_eq!(wasi.run(&mut store, instance), Ok(0));
    assert_eq!(wasi.stdout(), b"/datafrom the host\n");
    std::fs::remove_dir_all(dir).unwrap();
}

/// Each wrapper `w_NAME` forwards its arguments to the WASI call `NAME` (host functions
/// need a calling instance to find the memory).
const CALLS: &[(&str, &str)] = &[
    ("path_open", "i32 i32 i32 i32 i32 i64 i64 i32 i32"),
    ("path_filestat_get", "i32 i32 i32 i32 i32"),
    ("fd_read", "i32 i32 i32 i32"),
    ("fd_write", "i32 i32 i32 i32"),
    ("fd_seek", "i32 i64 i32 i32"),
    ("fd_close", "i32"),
    ("fd_fdstat_get", "i32 i32"),
    ("fd_filestat_get", "i32 i32"),
    ("fd_readdir", "i32 i32 i32 i64 i32"),
    ("clock_time_get", "i32 i64 i32"),
    ("random_get", "i32 i32"),
    ("sock_accept", "i32 i32 i32"),
    ("path_create_directory", "i32 i32 i32"),
    ("path_unlink_file", "i32 i32 i32"),
    ("path_remove_directory", "i32 i32 i32"),
    ("path_rename", "i32 i32 i32 i32 i32 i32"),
    ("fd_pread", "i32 i32 i32 i64 i32"),
    ("fd_pwrite", "i32 i32 i32 i64 i32"),
    ("fd_filestat_set_size", "i32 i64"),
];

fn probe_module() -> ValidatedModule {
    let mut text = String::from("(module\n");
    for (name, params) in CALLS {
        text += &format!(
            "(import \"wasi_snapshot_preview1\" \"{name}\" (func ${name} (param {params}) (result i32)))\n"
        );
    }
    text += "(memory (export \"memory\") 1)\n";
    for (name, params) in CALLS {
        let gets: String = (0..params.split(' ').count())
            .map(|i| format!("local.get {i} "))
            .collect();
        text += &format!(
            "(func (export \"w_{name}\") (param {params}) (result i32) {gets} call ${name})\n"
        );
    }
    text.push(')');
    wat(&text)
}

struct Probe {
    store: Store,
    wasi: Wasi,
    instance: InstanceId,
}

const PATH: u32 = 4096;
const OUT: u32 = 8192;

impl Probe {
    fn new(config: WasiConfig) -> Probe {
        let (store, wasi, instance) = start(&probe_module(), config);
        Probe {
            store,
            wasi,
            instance,
        }
    }

    fn mem(&mut self) -> &mut [u8] {
        let Some(Extern::Memory(m)) = self.store.export(self.instance, "memory") else {
            panic!("no memory")
        };
        self.store.memory_mut(m)
    }

    fn call(&mut self, name: &str, args: &[Value]) -> u16 {
        let Some(Extern::Func(f)) = self.store.export(self.instance, &format!("w_{name}")) else {
            panic!("no wrapper for {name}")
        };
        match self.store.invoke(f, args).unwrap()[..] {
            [Value::I32(e)] => e as u16,
            ref other => panic!("{other:?}"),
        }
    }

    fn u32_at(&mut self, at: u32) -> u32 {
        let m = self.mem();
        u32::from_le_bytes(m[at as usize..at as usize + 4].try_into().unwrap())
    }

    /// `path_open` of `path` relative to `dir`; the new descriptor or the error number.
    fn open(&mut self, dir: u32, path: &str, follow: bool, oflags: i32) -> Result<u32, u16> {
        self.mem()[PATH as usize..PATH as usize + path.len()].copy_from_slice(path.as_bytes());
        let e = self.call(
            "path_open",
            &[
                Value::I32(dir as i32),
                Value::I32(i32::from(follow)),
                Value::I32(PATH as i32),
                Value::I32(path.len() as i32),
                Value::I32(oflags),
                Value::I64(2 | 64),
                Value::I64(0),
                Value::I32(0),
                Value::I32(OUT as i32),
            ],
        );
        if e == 0 { Ok(self.u32_at(OUT)) } else { Err(e) }
    }

    /// Writes `path` at `at`; its (pointer, length) arguments.
    fn path_at(&mut self, at: u32, path: &str) -> [Value; 2] {
        self.mem()[at as usize..at as usize + path.len()].copy_from_slice(path.as_bytes());
        [Value::I32(at as i32), Value::I32(path.len() as i32)]
    }

    /// A call taking (descriptor 3, path).
    fn on_path(&mut self, name: &str, path: &str) -> u16 {
        let [ptr, len] = self.path_at(PATH, path);
        self.call(name, &[Value::I32(3), ptr, len])
    }

    /// `path_rename` within the pre-opened folder.
    fn rename(&mut self, from: &str, to: &str) -> u16 {
        let [p1, l1] = self.path_at(PATH, from);
        let [p2, l2] = self.path_at(PATH + 512, to);
        self.call(
            "path_rename",
            &[Value::I32(3), p1, l1, Value::I32(3), p2, l2],
        )
    }

    /// `path_filestat_get`: the file type byte or the error number.
    fn stat(&mut self, path: &str, follow: bool) -> Result<u8, u16> {
        self.mem()[PATH as usize..PATH as usize + path.len()].copy_from_slice(path.as_bytes());
        let e = self.call(
            "path_filestat_get",
            &[
                Value::I32(3),
                Value::I32(i32::from(follow)),
                Value::I32(PATH as i32),
                Value::I32(path.len() as i32),
                Value::I32(OUT as i32),
            ],
        );
        if e == 0 {
            Ok(self.mem()[OUT as usize + 16])
        } else {
            Err(e)
        }
    }

    /// Reads up to 256 bytes from `fd`.
    fn read(&mut self, fd: u32) -> Vec<u8> {
        let m = self.mem();
        m[0..4].copy_from_slice(&1024u32.to_le_bytes());
        m[4..8].copy_from_slice(&256u32.to_le_bytes());
        let e = self.call(
            "fd_read",
            &[
                Value::I32(fd as i32),
                Value::I32(0),
                Value::I32(1),
                Value::I32(8),
            ],
        );
        assert_eq!(e, 0);
        let n = self.u32_at(8) as usize;
        self.mem()[1024..1024 + n].to_vec()
    }
}

/// A folder `outer` holding `secret` and the sandbox `outer/box`, with links out of it.
fn walled_garden(test: &str) -> (PathBuf, PathBuf) {
    let outer = scratch(test);
    let sandbox = outer.join("box");
    std::fs::create_dir_all(sandbox.join("sub")).unwrap();
    std::fs::write(outer.join("secret"), "outside").unwrap();
    std::fs::write(sandbox.join("inside.txt"), "inside").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink("../secret", sandbox.join("link_out")).unwrap();
        symlink("/etc/passwd", sandbox.join("abs_out")).unwrap();
        symlink("..", sandbox.join("dir_out")).unwrap();
        symlink("inside.txt", sandbox.join("link_in")).unwrap();
        symlink("nowhere", sandbox.join("dangling")).unwrap();
    }
    (outer, sandbox)
}

#[test]
fn the_preopened_folder_cannot_be_left() {
    let (outer, sandbox) = walled_garden("walls");
    let mut p = Probe::new(WasiConfig {
        preopen: Some((sandbox, ".".into())),
        ..WasiConfig::default()
    });
    assert_eq!(p.open(3, "../secret", true, 0), Err(errno::NOTCAPABLE));
    assert_eq!(
        p.open(3, "sub/../../secret", true, 0),
        Err(errno::NOTCAPABLE)
    );
    assert_eq!(p.open(3, "/etc/passwd", true, 0), Err(errno::NOTCAPABLE));
    assert_eq!(p.open(3, "missing.txt", true, 0), Err(errno::NOENT));
    assert_eq!(p.open(3, "inside.txt/x", true, 0), Err(errno::NOTDIR));
    assert_eq!(p.stat("../secret", true), Err(errno::NOTCAPABLE));
    // `..` inside the folder is fine.
    let fd = p.open(3, "sub/../inside.txt", true, 0).unwrap();
    assert_eq!(p.read(fd), b"inside");
    // A sub-folder descriptor cannot climb above the pre-opened folder either.
    let sub = p.open(3, "sub", true, 2).unwrap();
    let fd = p.open(sub, "../inside.txt", true, 0).unwrap();
    assert_eq!(p.read(fd), b"inside");
    assert_eq!(p.open(sub, "../../secret", true, 0), Err(errno::NOTCAPABLE));
    // Nothing was created outside.
    assert_eq!(std::fs::read(outer.join("secret")).unwrap(), b"outside");
    std::fs::remove_dir_all(outer).unwrap();
}

#[cfg(unix)]
#[test]
fn symbolic_links_out_of_the_folder_are_refused() {
    let (outer, sandbox) = walled_garden("links");
    let mut p = Probe::new(WasiConfig {
        preopen: Some((sandbox.clone(), ".".into())),
        ..WasiConfig::default()
    });
    assert_eq!(p.open(3, "link_out", true, 0), Err(errno::NOTCAPABLE));
    assert_eq!(p.open(3, "abs_out", true, 0), Err(errno::NOTCAPABLE));
    assert_eq!(p.open(3, "dir_out/secret", true, 0), Err(errno::NOTCAPABLE));
    assert_eq!(p.open(3, "dangling", true, 1), Err(errno::NOTCAPABLE));
    // Not following: opening the link itself is refused, as with O_NOFOLLOW.
    assert_eq!(p.open(3, "link_out", false, 0), Err(errno::LOOP));
    // The link itself may be looked at; what it points to may not.
    assert_eq!(p.stat("link_out", false), Ok(7));
    assert_eq!(p.stat("link_out", true), Err(errno::NOTCAPABLE));
    // A link that stays inside works.
    let fd = p.open(3, "link_in", true, 0).unwrap();
    assert_eq!(p.read(fd), b"inside");
    assert_eq!(p.stat("link_in", true), Ok(4));
    assert!(!outer.join("nowhere").exists() && !sandbox.join("nowhere").exists());
    std::fs::remove_dir_all(outer).unwrap();
}

#[test]
fn creates_writes_seeks_and_lists_files() {
    let dir = scratch("write");
    std::fs::write(dir.join("b.txt"), "bee").unwrap();
    let mut p = Probe::new(WasiConfig {
        preopen: Some((dir.clone(), ".".into())),
        ..WasiConfig::default()
    });
    // O_CREAT | O_EXCL
    let fd = p.open(3, "a.txt", true, 1 | 4).unwrap();
    assert_eq!(p.open(3, "a.txt", true, 1 | 4), Err(errno::EXIST));
    p.mem()[1024..1029].copy_from_slice(b"hello");
    let m = p.mem();
    m[0..4].copy_from_slice(&1024u32.to_le_bytes());
    m[4..8].copy_from_slice(&5u32.to_le_bytes());
    let args = [
        Value::I32(fd as i32),
        Value::I32(0),
        Value::I32(1),
        Value::I32(8),
    ];
    assert_eq!(p.call("fd_write", &args), 0);
    assert_eq!(p.u32_at(8), 5);
    // Seek back two bytes from the end, read the rest.
    let seek = [
        Value::I32(fd as i32),
        Value::I64(-2),
        Value::I32(2),
        Value::I32(16),
    ];
    assert_eq!(p.call("fd_seek", &seek), 0);
    assert_eq!(p.u32_at(16), 3);
    assert_eq!(p.read(fd), b"lo");
    // The standard streams cannot seek; unknown descriptors are bad.
    let seek = [Value::I32(1), Value::I64(0), Value::I32(0), Value::I32(16)];
    assert_eq!(p.call("fd_seek", &seek), errno::SPIPE);
    assert_eq!(p.call("fd_close", &[Value::I32(99)]), errno::BADF);
    // File type and size.
    assert_eq!(
        p.call("fd_filestat_get", &[Value::I32(fd as i32), Value::I32(64)]),
        0
    );
    assert_eq!(p.mem()[64 + 16], 4);
    assert_eq!(p.u32_at(64 + 32), 5);
    assert_eq!(p.call("fd_fdstat_get", &[Value::I32(3), Value::I32(64)]), 0);
    assert_eq!(p.mem()[64], 3);
    assert_eq!(p.call("fd_close", &[Value::I32(fd as i32)]), 0);
    assert_eq!(std::fs::read(dir.join("a.txt")).unwrap(), b"hello");

    // fd_readdir: ".", "..", "a.txt", "b.txt", each a 24-byte header and the name.
    let readdir = [
        Value::I32(3),
        Value::I32(2048),
        Value::I32(1024),
        Value::I64(0),
        Value::I32(16),
    ];
    assert_eq!(p.call("fd_readdir", &readdir), 0);
    let used = p.u32_at(16) as usize;
    let buf = p.mem()[2048..2048 + used].to_vec();
    let mut names = Vec::new();
    let mut at = 0;
    while at + 24 <= buf.len() {
        let len = u32::from_le_bytes(buf[at + 16..at + 20].try_into().unwrap()) as usize;
        names.push(String::from_utf8(buf[at + 24..at + 24 + len].to_vec()).unwrap());
        at += 24 + len;
    }
    assert_eq!(names, [".", "..", "a.txt", "b.txt"]);
    // A small buffer is filled completely, telling the guest there is more.
    let small = [
        Value::I32(3),
        Value::I32(2048),
        Value::I32(30),
        Value::I64(2),
        Value::I32(16),
    ];
    assert_eq!(p.call("fd_readdir", &small), 0);
    assert_eq!(p.u32_at(16), 30);
    assert_eq!(&p.mem()[2048 + 24..2048 + 29], b"a.txt");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn without_a_preopened_folder_paths_are_bad_descriptors() {
    let mut p = Probe::new(WasiConfig::default());
    assert_eq!(p.open(3, "x", true, 0), Err(errno::BADF));
    assert_eq!(p.open(1, "x", true, 0), Err(errno::NOTDIR));
}

#[test]
fn clocks_randomness_and_unimplemented_calls() {
    let mut p = Probe::new(WasiConfig::default());
    let args = [Value::I32(0), Value::I64(1), Value::I32(64)];
    assert_eq!(p.call("clock_time_get", &args), 0);
    let m = p.mem();
    let now = u64::from_le_bytes(m[64..72].try_into().unwrap());
    // After 2020-01-01 in nanoseconds.
    assert!(now > 1_577_836_800_000_000_000, "{now}");
    let bad = [Value::I32(9), Value::I64(1), Value::I32(64)];
    assert_eq!(p.call("clock_time_get", &bad), errno::INVAL);
    assert_eq!(p.call("random_get", &[Value::I32(128), Value::I32(64)]), 0);
    assert!(p.mem()[128..192].iter().any(|&b| b != 0));
    assert_eq!(
        p.call("random_get", &[Value::I32(65530), Value::I32(64)]),
        errno::FAULT
    );
    // Linked although not implemented: answers ENOSYS.
    let sock = [Value::I32(0), Value::I32(0), Value::I32(0)];
    assert_eq!(p.call("sock_accept", &sock), errno::NOSYS);
    assert!(p.wasi.stdout().is_empty());
}

#[test]
fn changes_the_folder_but_never_outside_it() {
    let (outer, sandbox) = walled_garden("change");
    let mut p = Probe::new(WasiConfig {
        preopen: Some((sandbox.clone(), ".".into())),
        ..WasiConfig::default()
    });
    assert_eq!(p.on_path("path_create_directory", "new"), 0);
    assert!(sandbox.join("new").is_dir());
    assert_eq!(p.on_path("path_create_directory", "new"), errno::EXIST);
    assert_eq!(
        p.on_path("path_create_directory", "../escape"),
        errno::NOTCAPABLE
    );
    assert!(!outer.join("escape").exists());
    assert_eq!(p.rename("inside.txt", "new/moved.txt"), 0);
    assert_eq!(
        std::fs::read(sandbox.join("new/moved.txt")).unwrap(),
        b"inside"
    );
    assert_eq!(p.rename("new/moved.txt", "../stolen"), errno::NOTCAPABLE);
    assert_eq!(p.rename("../secret", "mine"), errno::NOTCAPABLE);
    assert_eq!(p.on_path("path_unlink_file", "new"), errno::ISDIR);
    assert_eq!(p.on_path("path_remove_directory", "new"), errno::NOTEMPTY);
    assert_eq!(p.on_path("path_unlink_file", "new/moved.txt"), 0);
    assert_eq!(p.on_path("path_remove_directory", "new"), 0);
    assert!(!sandbox.join("new").exists());
    // The pre-opened folder itself stays.
    assert_eq!(p.on_path("path_remove_directory", "."), errno::PERM);
    assert_eq!(
        p.on_path("path_unlink_file", "../secret"),
        errno::NOTCAPABLE
    );
    #[cfg(unix)]
    {
        // Removing a link that points out removes the link, not its target.
        assert_eq!(p.on_path("path_unlink_file", "link_out"), 0);
        assert!(sandbox.join("link_out").symlink_metadata().is_err());
    }
    assert_eq!(std::fs::read(outer.join("secret")).unwrap(), b"outside");
    std::fs::remove_dir_all(outer).unwrap();
}

#[test]
fn positioned_reads_and_writes_keep_the_file_position() {
    let dir = scratch("pread");
    std::fs::write(dir.join("f.txt"), "0123456789").unwrap();
    let mut p = Probe::new(WasiConfig {
        preopen: Some((dir.clone(), ".".into())),
        ..WasiConfig::default()
    });
    let fd = p.open(3, "f.txt", true, 0).unwrap() as i32;
    p.mem()[1024..1026].copy_from_slice(b"ab");
    let m = p.mem();
    m[0..4].copy_from_slice(&1024u32.to_le_bytes());
    m[4..8].copy_from_slice(&2u32.to_le_bytes());
    let pwrite = [
        Value::I32(fd),
        Value::I32(0),
        Value::I32(1),
        Value::I64(4),
        Value::I32(8),
    ];
    assert_eq!(p.call("fd_pwrite", &pwrite), 0);
    assert_eq!(p.u32_at(8), 2);
    let m = p.mem();
    m[4..8].copy_from_slice(&3u32.to_le_bytes());
    let pread = [
        Value::I32(fd),
        Value::I32(0),
        Value::I32(1),
        Value::I64(3),
        Value::I32(8),
    ];
    assert_eq!(p.call("fd_pread", &pread), 0);
    assert_eq!(p.u32_at(8), 3);
    assert_eq!(&p.mem()[1024..1027], b"3ab");
    // The position is still at the start.
    assert_eq!(p.read(fd as u32), b"0123ab6789");
    assert_eq!(
        p.call("fd_filestat_set_size", &[Value::I32(fd), Value::I64(4)]),
        0
    );
    assert_eq!(std::fs::read(dir.join("f.txt")).unwrap(), b"0123");
    assert_eq!(
        p.call("fd_filestat_set_size", &[Value::I32(1), Value::I64(0)]),
        errno::SPIPE
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn one_call_moves_at_most_16_mib() {
    let mut p = Probe::new(WasiConfig::default());
    // 300 iovecs, each the whole 64 KiB memory: 18.75 MiB asked for.
    let m = p.mem();
    for i in 0..300 {
        m[i * 8..i * 8 + 4].copy_from_slice(&0u32.to_le_bytes());
        m[i * 8 + 4..i * 8 + 8].copy_from_slice(&65536u32.to_le_bytes());
    }
    let args = [
        Value::I32(1),
        Value::I32(0),
        Value::I32(300),
        Value::I32(4000),
    ];
    assert_eq!(p.call("fd_write", &args), 0);
    assert_eq!(p.u32_at(4000), 16 << 20);
    assert_eq!(p.wasi.stdout().len(), 16 << 20);
}
