//! WASI preview 1 (`wasi_snapshot_preview1`): the system interface C programs compiled
//! with wasi-libc expect, in the subset a sandboxed run needs.
//!
//! Implemented: `args_*`, `environ_*`, `clock_res_get`, `clock_time_get`, `random_get`,
//! `sched_yield`, `proc_exit`, `fd_write`/`fd_read` on standard streams and files,
//! `fd_seek`, `fd_tell`, `fd_close`, `fd_fdstat_get`, `fd_prestat_get`,
//! `fd_prestat_dir_name`, `fd_filestat_get`, `fd_filestat_set_size`, `fd_readdir`,
//! `fd_pread`, `fd_pwrite`, `fd_sync`, `fd_datasync`, `path_open`, `path_filestat_get`,
//! `path_create_directory`, `path_unlink_file`, `path_remove_directory` and
//! `path_rename`. Every other `wasi_snapshot_preview1` import of a module is linked
//! to a function that returns `ENOSYS` (52), so unusual programs still instantiate.
//!
//! File access is limited to one pre-opened host folder (descriptor 3), which the guest
//! cannot leave: `..` above it, absolute paths and symbolic links pointing outside are
//! refused with `ENOTCAPABLE` (76); see the `fs` module notes. Standard output and error
//! are captured into buffers or passed to the host's streams ([`Output`]).
//!
//! `proc_exit` ends the run with [`Trap::Exit`], which [`Wasi::run`] turns into the
//! program's exit status rather than an error.
//!
//! ```
//! use heirloom_wasm::{Linker, Module};
//! use heirloom_wasm::exec::Store;
//! use heirloom_wasm::wasi::{Wasi, WasiConfig};
//! // (module (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
//! //   (memory (export "memory") 1)
//! //   (func (export "_start") i32.const 7 call 0))
//! let bytes = [
//!     0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 2, 96, 1, 127, 0, 96, 0, 0, 2, 36, 1, 22, 119, 97,
//!     115, 105, 95, 115, 110, 97, 112, 115, 104, 111, 116, 95, 112, 114, 101, 118, 105, 101,
//!     119, 49, 9, 112, 114, 111, 99, 95, 101, 120, 105, 116, 0, 0, 3, 2, 1, 1, 5, 3, 1, 0, 1,
//!     7, 19, 2, 6, 109, 101, 109, 111, 114, 121, 2, 0, 6, 95, 115, 116, 97, 114, 116, 0, 1,
//!     10, 8, 1, 6, 0, 65, 7, 16, 0, 11,
//! ];
//! let module = Module::from_bytes(&bytes).unwrap();
//! let mut store = Store::default();
//! let wasi = Wasi::new(WasiConfig::default()).unwrap();
//! let mut linker = Linker::new();
//! wasi.link(&mut store, &mut linker, &module);
//! let instance = linker.instantiate(&mut store, &module).unwrap();
//! assert_eq!(wasi.run(&mut store, instance), Ok(7));
//! ```

pub mod fs;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::exec::{Caller, Extern, InstanceId, Store, Trap, Value};
use crate::linker::Linker;
use crate::module::ImportDesc;
use crate::types::{FuncType, ValType};
use crate::validate::ValidatedModule;

use fs::filetype;

/// The import module name of WASI preview 1.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// WASI preview 1 error numbers (`errno`), as returned to the guest.
pub mod errno {
    /// No error.
    pub const SUCCESS: u16 = 0;
    /// Argument list too long.
    pub const TOOBIG: u16 = 1;
    /// Permission denied.
    pub const ACCES: u16 = 2;
    /// Bad file descriptor.
    pub const BADF: u16 = 8;
    /// File exists.
    pub const EXIST: u16 = 20;
    /// Bad address (a pointer outside the memory).
    pub const FAULT: u16 = 21;
    /// Invalid argument.
    pub const INVAL: u16 = 28;
    /// I/O error.
    pub const IO: u16 = 29;
    /// Is a directory.
    pub const ISDIR: u16 = 31;
    /// Too many levels of symbolic links.
    pub const LOOP: u16 = 32;
    /// Filename too long.
    pub const NAMETOOLONG: u16 = 37;
    /// No such file or directory.
    pub const NOENT: u16 = 44;
    /// Function not supported.
    pub const NOSYS: u16 = 52;
    /// Not a directory.
    pub const NOTDIR: u16 = 54;
    /// Directory not empty.
    pub const NOTEMPTY: u16 = 55;
    /// Not supported.
    pub const NOTSUP: u16 = 58;
    /// Operation not permitted.
    pub const PERM: u16 = 63;
    /// Invalid seek.
    pub const SPIPE: u16 = 70;
    /// Capabilities insufficient (the path leaves the pre-opened folder).
    pub const NOTCAPABLE: u16 = 76;
}

/// Rights bits used by this implementation (`rights`).
mod rights {
    pub const FD_READ: u64 = 1 << 1;
    pub const FD_SEEK: u64 = 1 << 2;
    pub const FD_WRITE: u64 = 1 << 6;
    pub const FD_TELL: u64 = 1 << 5;
    pub const PATH_OPEN: u64 = 1 << 13;
    pub const FD_READDIR: u64 = 1 << 14;
    pub const PATH_FILESTAT_GET: u64 = 1 << 18;
    pub const FD_FILESTAT_GET: u64 = 1 << 21;
    pub const FILE: u64 = FD_READ | FD_SEEK | FD_WRITE | FD_TELL | FD_FILESTAT_GET;
    pub const DIR: u64 = PATH_OPEN | FD_READDIR | PATH_FILESTAT_GET | FD_FILESTAT_GET;
}

/// Where a guest output stream goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Output {
    /// Kept in a buffer, read back with [`Wasi::stdout`] / [`Wasi::stderr`].
    #[default]
    Capture,
    /// Written through to the host's own stream of the same name.
    Inherit,
}

/// Where the guest's standard input comes from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Input {
    /// Nothing: reads see end of file.
    #[default]
    Empty,
    /// These bytes, then end of file.
    Bytes(Vec<u8>),
    /// The host's standard input.
    Inherit,
}

/// What a WASI program sees of the world.
#[derive(Debug, Clone, Default)]
pub struct WasiConfig {
    /// Command-line arguments, the program name first.
    pub args: Vec<String>,
    /// Environment variables.
    pub env: Vec<(String, String)>,
    /// Standard input.
    pub stdin: Input,
    /// Standard output.
    pub stdout: Output,
    /// Standard error.
    pub stderr: Output,
    /// The one host folder the program may use, and the name it sees it under (for
    /// example `.` or `/data`); descriptor 3.
    pub preopen: Option<(PathBuf, String)>,
}

/// Why a WASI context could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum WasiError {
    /// The folder to pre-open is unusable.
    #[error("{folder}: cannot pre-open: {source}")]
    Preopen {
        /// The host folder.
        folder: String,
        /// What the system said.
        source: io::Error,
    },
}

enum Sink {
    Capture(Vec<u8>),
    Inherit,
}

enum Fd {
    Stdin,
    Stdout,
    Stderr,
    /// A folder inside the pre-opened one (canonical host path).
    Dir {
        host: PathBuf,
        preopen: bool,
    },
    File {
        file: File,
        append: bool,
    },
}

struct State {
    args: Vec<Vec<u8>>,
    env: Vec<Vec<u8>>,
    stdin: Input,
    stdout: Sink,
    stderr: Sink,
    fds: BTreeMap<u32, Fd>,
    /// The pre-opened folder (canonical) and its guest name.
    root: Option<(PathBuf, String)>,
    /// Bytes of `Input::Bytes` already read.
    stdin_pos: usize,
    start: Instant,
}

/// A WASI preview 1 context: the program's arguments, environment, streams and open
/// files. Link it into a module with [`Wasi::link`], run it with [`Wasi::run`].
#[derive(Clone)]
pub struct Wasi {
    state: Rc<RefCell<State>>,
}

impl std::fmt::Debug for Wasi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wasi").finish_non_exhaustive()
    }
}

fn nul_terminated(s: &str) -> Vec<u8> {
    let mut v = s.as_bytes().to_vec();
    v.push(0);
    v
}

fn sink(o: Output) -> Sink {
    match o {
        Output::Capture => Sink::Capture(Vec::new()),
        Output::Inherit => Sink::Inherit,
    }
}

impl Wasi {
    /// A context from `config`; fails if the folder to pre-open cannot be opened.
    pub fn new(config: WasiConfig) -> Result<Wasi, WasiError> {
        let mut fds = BTreeMap::new();
        fds.insert(0, Fd::Stdin);
        fds.insert(1, Fd::Stdout);
        fds.insert(2, Fd::Stderr);
        let root = match config.preopen {
            Some((host, guest)) => {
                let err = |source| WasiError::Preopen {
                    folder: host.display().to_string(),
                    source,
                };
                let canonical = host.canonicalize().map_err(err)?;
                if !canonical.is_dir() {
                    return Err(err(io::Error::from(io::ErrorKind::NotADirectory)));
                }
                fds.insert(
                    3,
                    Fd::Dir {
                        host: canonical.clone(),
                        preopen: true,
                    },
                );
                Some((canonical, guest))
            }
            None => None,
        };
        let state = State {
            args: config.args.iter().map(|a| nul_terminated(a)).collect(),
            env: config
                .env
                .iter()
                .map(|(k, v)| nul_terminated(&format!("{k}={v}")))
                .collect(),
            stdin: config.stdin,
            stdout: sink(config.stdout),
            stderr: sink(config.stderr),
            fds,
            root,
            stdin_pos: 0,
            start: Instant::now(),
        };
        Ok(Wasi {
            state: Rc::new(RefCell::new(state)),
        })
    }

    /// The captured standard output so far (empty when passed to the host).
    pub fn stdout(&self) -> Vec<u8> {
        match &self.state.borrow().stdout {
            Sink::Capture(b) => b.clone(),
            Sink::Inherit => Vec::new(),
        }
    }

    /// The captured standard error so far (empty when passed to the host).
    pub fn stderr(&self) -> Vec<u8> {
        match &self.state.borrow().stderr {
            Sink::Capture(b) => b.clone(),
            Sink::Inherit => Vec::new(),
        }
    }

    /// Defines the WASI functions in `linker` (adding host functions to `store`): every
    /// implemented one, and for each other `wasi_snapshot_preview1` import of `module` a
    /// function of the imported type that returns `ENOSYS`.
    pub fn link(&self, store: &mut Store, linker: &mut Linker, module: &ValidatedModule) {
        use ValType::I32;
        for &(name, params, call) in SYSCALLS {
            let state = self.state.clone();
            let ty = FuncType {
                params: params.into(),
                results: [I32].into(),
            };
            linker.func(store, MODULE, name, ty, move |caller, args| {
                let mut state = state.borrow_mut();
                let code = match memory(caller) {
                    Ok(mem) => match call(&mut state, mem, &Args(args)) {
                        Ok(()) => errno::SUCCESS,
                        Err(Errno(code)) => code,
                    },
                    Err(trap) => return Err(trap),
                };
                Ok(vec![Value::I32(i32::from(code))])
            });
        }
        let exit = FuncType {
            params: [I32].into(),
            results: [].into(),
        };
        linker.func(store, MODULE, "proc_exit", exit, |_, args| match args {
            [Value::I32(code)] => Err(Trap::Exit(*code)),
            _ => Err(Trap::Host("proc_exit: bad arguments".into())),
        });
        let m = module.module();
        for import in &m.imports {
            if import.module != MODULE || linker.get(MODULE, &import.name).is_some() {
                continue;
            }
            let ImportDesc::Func(t) = import.desc else {
                continue;
            };
            let Some(ty) = m.types.get(t as usize) else {
                continue;
            };
            let results: Vec<Value> = ty
                .results
                .iter()
                .map(|&t| match t {
                    I32 => Value::I32(i32::from(errno::NOSYS)),
                    t => Value::default_of(t),
                })
                .collect();
            linker.func(store, MODULE, &import.name, ty.clone(), move |_, _| {
                Ok(results.clone())
            });
        }
    }

    /// Runs the program's `_start` export: its exit status is 0 when `_start` returns,
    /// or the status given to `proc_exit`. Any other trap comes back as the error.
    pub fn run(&self, store: &mut Store, instance: InstanceId) -> Result<i32, Trap> {
        let Some(Extern::Func(start)) = store.export(instance, "_start") else {
            return Err(Trap::Host("the module exports no `_start` function".into()));
        };
        let result = store.invoke(start, &[]);
        self.flush();
        match result {
            Ok(_) => Ok(0),
            Err(Trap::Exit(code)) => Ok(code),
            Err(trap) => Err(trap),
        }
    }

    fn flush(&self) {
        let _ = io::stdout().flush();
        let _ = io::stderr().flush();
    }
}

/// A failed call: the error number for the guest.
struct Errno(u16);

impl From<u16> for Errno {
    fn from(code: u16) -> Self {
        Errno(code)
    }
}

type Result2 = Result<(), Errno>;

/// The arguments of a call, typed by the function's signature.
struct Args<'a>(&'a [Value]);

impl Args<'_> {
    fn u32(&self, i: usize) -> u32 {
        match self.0.get(i) {
            Some(Value::I32(v)) => *v as u32,
            _ => 0,
        }
    }

    fn u64(&self, i: usize) -> u64 {
        match self.0.get(i) {
            Some(Value::I64(v)) => *v as u64,
            _ => 0,
        }
    }
}

fn memory<'a>(caller: &'a mut Caller<'_>) -> Result<&'a mut [u8], Trap> {
    match caller.export("memory") {
        Some(Extern::Memory(m)) => Ok(caller.memory_mut(m)),
        _ => Err(Trap::Host(
            "a WASI function was called by a module without an exported `memory`".into(),
        )),
    }
}

fn span(mem: &[u8], ptr: u32, len: u32) -> Result<std::ops::Range<usize>, Errno> {
    let end = u64::from(ptr) + u64::from(len);
    if end > mem.len() as u64 {
        return Err(errno::FAULT.into());
    }
    Ok(ptr as usize..end as usize)
}

fn get(mem: &[u8], ptr: u32, len: u32) -> Result<&[u8], Errno> {
    Ok(&mem[span(mem, ptr, len)?])
}

fn put(mem: &mut [u8], ptr: u32, bytes: &[u8]) -> Result2 {
    let r = span(mem, ptr, bytes.len() as u32)?;
    mem[r].copy_from_slice(bytes);
    Ok(())
}

fn get_u32(mem: &[u8], ptr: u32) -> Result<u32, Errno> {
    let b = get(mem, ptr, 4)?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn put_u32(mem: &mut [u8], ptr: u32, v: u32) -> Result2 {
    put(mem, ptr, &v.to_le_bytes())
}

fn put_u64(mem: &mut [u8], ptr: u32, v: u64) -> Result2 {
    put(mem, ptr, &v.to_le_bytes())
}

fn get_str(mem: &[u8], ptr: u32, len: u32) -> Result<String, Errno> {
    String::from_utf8(get(mem, ptr, len)?.to_vec()).map_err(|_| errno::INVAL.into())
}

/// The most bytes one read or write call moves (a short transfer, as POSIX allows), so
/// that no guest can make the host allocate more than this for one call.
const MAX_TRANSFER: u32 = 16 << 20;

/// The (buffer, length) pairs of an iovec array, trimmed to [`MAX_TRANSFER`] bytes in all
/// (the entries past that are not looked at).
fn iovecs(mem: &[u8], ptr: u32, count: u32) -> Result<Vec<(u32, u32)>, Errno> {
    let mut budget = MAX_TRANSFER;
    let mut out = Vec::new();
    for i in 0..count {
        if budget == 0 && !out.is_empty() {
            break;
        }
        let at = ptr
            .checked_add(i.checked_mul(8).ok_or(errno::FAULT)?)
            .ok_or(errno::FAULT)?;
        let buf = get_u32(mem, at)?;
        let len = get_u32(mem, at.checked_add(4).ok_or(errno::FAULT)?)?;
        span(mem, buf, len)?;
        let len = len.min(budget);
        budget -= len;
        out.push((buf, len));
    }
    Ok(out)
}

fn io_err(e: &io::Error) -> Errno {
    Errno(fs::io_errno(e))
}

type Syscall = fn(&mut State, &mut [u8], &Args) -> Result2;

const I: ValType = ValType::I32;
const L: ValType = ValType::I64;

/// The implemented calls (all return an `errno`), with their parameter types.
const SYSCALLS: &[(&str, &[ValType], Syscall)] = &[
    ("args_sizes_get", &[I, I], args_sizes_get),
    ("args_get", &[I, I], args_get),
    ("environ_sizes_get", &[I, I], environ_sizes_get),
    ("environ_get", &[I, I], environ_get),
    ("clock_res_get", &[I, I], clock_res_get),
    ("clock_time_get", &[I, L, I], clock_time_get),
    ("random_get", &[I, I], random_get),
    ("sched_yield", &[], sched_yield),
    ("fd_write", &[I, I, I, I], fd_write),
    ("fd_read", &[I, I, I, I], fd_read),
    ("fd_seek", &[I, L, I, I], fd_seek),
    ("fd_tell", &[I, I], fd_tell),
    ("fd_close", &[I], fd_close),
    ("fd_fdstat_get", &[I, I], fd_fdstat_get),
    ("fd_prestat_get", &[I, I], fd_prestat_get),
    ("fd_prestat_dir_name", &[I, I, I], fd_prestat_dir_name),
    ("fd_filestat_get", &[I, I], fd_filestat_get),
    ("fd_readdir", &[I, I, I, L, I], fd_readdir),
    ("path_open", &[I, I, I, I, I, L, L, I, I], path_open),
    ("path_filestat_get", &[I, I, I, I, I], path_filestat_get),
    ("path_create_directory", &[I, I, I], path_create_directory),
    ("path_unlink_file", &[I, I, I], path_unlink_file),
    ("path_remove_directory", &[I, I, I], path_remove_directory),
    ("path_rename", &[I, I, I, I, I, I], path_rename),
    ("fd_pread", &[I, I, I, L, I], fd_pread),
    ("fd_pwrite", &[I, I, I, L, I], fd_pwrite),
    ("fd_sync", &[I], fd_sync),
    ("fd_datasync", &[I], fd_datasync),
    ("fd_filestat_set_size", &[I, L], fd_filestat_set_size),
];

fn sizes(list: &[Vec<u8>], mem: &mut [u8], a: &Args) -> Result2 {
    put_u32(mem, a.u32(0), list.len() as u32)?;
    put_u32(
        mem,
        a.u32(1),
        list.iter().map(Vec::len).sum::<usize>() as u32,
    )
}

fn strings(list: &[Vec<u8>], mem: &mut [u8], a: &Args) -> Result2 {
    let (mut ptrs, mut buf) = (a.u32(0), a.u32(1));
    for s in list {
        put_u32(mem, ptrs, buf)?;
        put(mem, buf, s)?;
        ptrs = ptrs.wrapping_add(4);
        buf = buf.wrapping_add(s.len() as u32);
    }
    Ok(())
}

fn args_sizes_get(s: &mut State, mem: &mut [u8], a: &Args) -> Result2 {
    sizes(&s.args, mem, a)
}

fn args_get(s: &mut State, mem: &mut [u8], a: &Args) -> Result2 {
    strings(&s.args, mem, a)
}

fn environ_sizes_get(s: &mut State, mem: &mut [u8], a: &Args) -> Result2 {
    sizes(&s.env, mem, a)
}

fn environ_get(s: &mut State, mem: &mut [u8], a: &Args) -> Result2 {
    strings(&s.env, mem, a)
}

/// Clock ids: realtime, monotonic, process and thread CPU time (both measured as time
/// since the context was made).
fn clock_ns(s: &State, id: u32) -> Result<u64, Errno> {
    match id {
        0 => Ok(SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)),
        1..=3 => Ok(s.start.elapsed().as_nanos() as u64),
        _ => Err(errno::INVAL.into()),
    }
}

fn clock_res_get(s: &mut State, mem: &mut [u8], a: &Args) -> Result2 {
    clock_ns(s, a.u32(0))?;
    put_u64(mem, a.u32(1), 1_000)
}

fn clock_time_get(s: &mut State, mem: &mut [u8], a: &Args) -> Result2 {
    let t = clock_ns(s, a.u32(0))?;
    put_u64(mem, a.u32(2), t)
}

fn random_get(_: &mut State, mem: &mut [u8], a: &Args) -> Result2 {
    let r = span(mem, a.u32(0), a.u32(1))?;
    getrandom::fill(&mut mem[r]).map_err(|_| errno::IO.into())
}

fn sched_yield(_: &mut State, _: &mut [u8], _: &Args) -> Result2 {
    Ok(())
}

fn fd_write(s: &mut State, mem: &mut [u8], a: &Args) -> Result2 {
    let bufs = iovecs(mem, a.u32(1), a.u32(2))?;
    let mut data = Vec::new();
    for (buf, len) in bufs {
        data.extend_from_slice(get(mem, buf, len)?);
    }
    let written = match s.fds.get_mut(&a.u32(0)) {
        Some(Fd::Stdout) => write_sink(&mut s.stdout, &data, true)?,
        Some(Fd::Stderr) => write_sink(&mut s.stderr, &data, false)?,
        Some(Fd::File { file, append }) => {
            if *append {
                file.seek(SeekFrom::End(0)).map_err(|e| io_err(&e))?;
            }
            file.write_all(&data).map_err(|e| io_err(&e))?;
            data.len()
        }
        Some(Fd::Dir { .. }) => return Err(errno::ISDIR.into()),
        Some(Fd::Stdin) => return Err(errno::BADF.into()),
        None => return Err(errno::BADF.into()),
    };
    put_u32(mem, a.u32(3), written as u32)
}

fn write_sink(sink: &mut Sink, data: &[u8], stdout: bool) -> Result<usize, Errno> {
    match sink {
        Sink::Capture(buf) => buf.extend_from_slice(data),
        Sink::Inherit if stdout => io::stdout().write_all(data).map_err(|e| io_err(&e))?,
        Sink::Inherit => io::stderr().write_all(data).map_err(|e| io_err(&e))?,
    }
    Ok(data.len())
}

fn fd_read(s: &mut State, mem: &mut [u8], a: &Args) -> Result2 {
    let bufs = iovecs(mem, a.u32(1), a.u32(2))?;
    let total: usize = bufs.iter().map(|&(_, len)| len as usize).sum();
    let mut data = vec![0; total];
    let n = match s.fds.get_mut(&a.u32(0)) {
        Some(Fd::Stdin) => match &s.stdin {
            Input::Empty => 0,
            Input::Bytes(bytes) => {
                let rest = &bytes[s.stdin_pos.min(bytes.len())..];
                let n = rest.len().min(total);
                data[..n].copy_from_slice(&rest[..n]);
                s.stdin_pos += n;
                n
            }
            Input::Inherit => io::stdin().read(&mut data).map_err(|e| io_err(&e))?,
        },
        Some(Fd::File { file, .. }) => read_full(file, &mut data)?,
        Some(Fd::Dir { .. }) => return Err(errno::ISDIR.into()),
        _ => return Err(errno::BADF.into()),
    };
    let mut left = &data[..n];
    for (buf, len) in bufs {
        let take = left.len().min(len as usize);
        put(mem, buf, &left[..take])?;
        left = &left[take..];
    }
    put_u32(mem, a.u32(3), n as u32)
}

/// Reads until `buf` is full or the file ends.
fn read_full(file: &mut File, buf: &mut [u8]) -> Result<usize, Errno> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io_err(&e)),
        }
    }
    Ok(n)
}

fn file(s: &mut State, fd: u32) -> Result<&mut File, Errno> {
    match s.fds.get_mut(&fd) {
        Some(Fd::File { file, .. }) => Ok(file),
        Some(Fd::Stdin | Fd::Stdout | Fd::Stderr) => Err(errno::SPIPE.into()),
        Some(Fd::Dir { .. }) => Err(errno::ISDIR.into()),
        None => Err(errno::BADF.into()),
    }
}

fn fd_seek(s: &mut State, mem: &mut [u8], a: &Args) -> Result2 {
    let offset = a.u64(1) as i64;
    let whence = match a.u32(2) {
        0 => SeekFrom::Start(u64::try_from(offset).map_err(|_| errno::INVAL)?),
        1 => SeekFrom::Current(offset),
        2 => SeekFrom::End(offset),
        _ => return Err(errno::INVAL.into()),
    };
    let pos = file(s, a.u32(0))?.seek(whence).map_err(|e| io_err(&e))?;
    put_u64(mem, a.u32(3), pos)
}

fn fd_tell(s: &mut State, mem: &mut [u8], a: &Args) -> Result2 {
    let pos = file(s, a.u32(0))?
        .stream_position()
        .map_err(|e| io_err(&e))?;
    put_u64(mem, a.u32(1), pos)
}

fn fd_close(s: &mut State, _: &mut [u8], a: &Args) -> Result2 {
    s.fds
        .remove(&a.u32(0))
        .map(drop)
        .ok_or_else(|| errno::BADF.into())
}

fn fd_fdstat_get(s: &mut State, mem: &mut [u8], a: &Args) -> Result2 {
    let (kind, flags, base, inheriting) = match s.fds.get(&a.u32(0)) {
        Some(Fd::Stdin) => (filetype::CHARACTER_DEVICE, 0u16, rights::FD_READ, 0),
        Some(Fd::Stdout | Fd::Stderr) => (filetype::CHARACTER_DEVICE, 0, rights::FD_WRITE, 0),
        Some(Fd::Dir { .. }) => (
            filetype::DIRECTORY,
            0,
            rights::DIR,
            rights::DIR | rights::FILE,
        ),
        Some(Fd::File { append, .. }) => {
            (filetype::REGULAR_FILE, u16::from(*append), rights::FILE, 0)
        }
        None => return Err(errno::BADF.into()),
    };
    let mut out = [0u8; 24];
    out[0] = kind;
    out[2..4].copy_from_slice(&flags.to_le_bytes());
    out[8..16].copy_from_slice(&base.to_le_bytes());
    out[16..24].copy_from_slice(&inheriting.to_le_bytes());
    put(mem, a.u32(1), &out)
}

fn preopen_name(s: &State, fd: u32) -> Result<&str, Errno> {
    match (s.fds.get(&fd), &s.root) {
        (Some(Fd::Dir { preopen: true, .. }), Some((_, guest))) => Ok(guest),
        _ => Err(errno::BADF.into()),
    }
}

fn fd_prestat_get(s: &mut State, mem: &mut [u8], a: &Args) -> Result2 {
    let len = preopen_name(s, a.u32(0))?.len() as u32;
    let mut out = [0u8; 8];
    out[4..8].copy_from_slice(&len.to_le_bytes());
    put(mem, a.u32(1), &out)
}

fn fd_prestat_dir_name(s: &mut State, mem: &mut [u8], a: &Args) -> Result2 {
    let name = preopen_name(s, a.u32(0))?.as_bytes();
    if (a.u32(2) as usize) < name.len() {
        return Err(errno::NAMETOOLONG.into());
    }
    put(mem, a.u32(1), name)
}

fn fd_filestat_get(s: &mut State, mem: &mut [u8], a: &Args) -> Result2 {
    let stat = match s.fds.get(&a.u32(0)) {
        Some(Fd::File { file, .. }) => fs::filestat(&file.metadata().map_err(|e| io_err(&e))?),
        Some(Fd::Dir { host, .. }) => {
            fs::filestat(&std::fs::metadata(host).map_err(|e| io_err(&e))?)
        }
        Some(Fd::Stdin | Fd::Stdout | Fd::Stderr) => {
            let mut out = [0u8; 64];
            out[16] = filetype::CHARACTER_DEVICE;
            out
        }
        None => return Err(errno::BADF.into()),
    };
    put(mem, a.u32(1), &stat)
}

/// The pre-opened folder and the folder behind `fd`.
fn dir_of(s: &State, fd: u32) -> Result<(PathBuf, PathBuf), Errno> {
    match (s.fds.get(&fd), &s.root) {
        (Some(Fd::Dir { host, .. }), Some((root, _))) => Ok((root.clone(), host.clone())),
        (Some(_), _) => Err(errno::NOTDIR.into()),
        (None, _) => Err(errno::BADF.into()),
    }
}

fn fd_readdir(s: &mut State, mem: &mut [u8], a: &Args) -> Result2 {
    let (_, dir) = dir_of(s, a.u32(0))?;
    let (buf, buf_len, cookie) = (a.u32(1), a.u32(2), a.u64(3));
    span(mem, buf, buf_len)?;
    let entries = fs::list_dir(&dir)?;
    let mut out = Vec::new();
    for (i, (ino, kind, name)) in entries
        .iter()
        .enumerate()
        .skip(cookie.min(u64::from(u32::MAX)) as usize)
    {
        if out.len() >= buf_len as usize {
            break;
        }
        let mut head = [0u8; 24];
        head[0..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
        head[8..16].copy_from_slice(&ino.to_le_bytes());
        head[16..20].copy_from_slice(&(name.len() as u32).to_le_bytes());
        head[20] = *kind;
        out.extend_from_slice(&head);
        out.extend_from_slice(name);
    }
    // A full buffer tells the guest to call again from the last complete entry.
    out.truncate(buf_len as usize);
    put(mem, buf, &out)?;
    put_u32(mem, a.u32(4), out.len() as u32)
}

const LOOKUP_SYMLINK_FOLLOW: u32 = 1;
const O_CREAT: u32 = 1;
const O_DIRECTORY: u32 = 2;
const O_EXCL: u32 = 4;
const O_TRUNC: u32 = 8;
const FDFLAG_APPEND: u32 = 1;

fn path_open(s: &mut State, mem: &mut [u8], a: &Args) -> Result2 {
    let (root, dir) = dir_of(s, a.u32(0))?;
    let follow = a.u32(1) & LOOKUP_SYMLINK_FOLLOW != 0;
    let path = get_str(mem, a.u32(2), a.u32(3))?;
    let oflags = a.u32(4);
    let base = a.u64(5);
    let fdflags = a.u32(7);
    let host = fs::resolve(&root, &dir, &path, follow)?;
    let meta = std::fs::symlink_metadata(&host);
    if let Ok(m) = &meta
        && m.file_type().is_symlink()
    {
        return Err(errno::LOOP.into());
    }
    let is_dir = meta.as_ref().is_ok_and(|m| m.is_dir());
    if oflags & O_DIRECTORY != 0 || (is_dir && oflags & (O_CREAT | O_TRUNC) == 0) {
        match &meta {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(errno::NOTDIR.into()),
            Err(e) => return Err(io_err(e)),
        }
        let fd = insert_fd(
            s,
            Fd::Dir {
                host,
                preopen: false,
            },
        )?;
        return put_u32(mem, a.u32(8), fd);
    }
    if is_dir {
        return Err(errno::ISDIR.into());
    }
    let append = fdflags & FDFLAG_APPEND != 0;
    let write = base & rights::FD_WRITE != 0 || append || oflags & (O_CREAT | O_TRUNC) != 0;
    let read = base & rights::FD_READ != 0 || !write;
    let mut options = OpenOptions::new();
    options.read(read).write(write);
    if oflags & O_CREAT != 0 {
        if oflags & O_EXCL != 0 {
            options.create_new(true);
        } else {
            options.create(true);
        }
    }
    if oflags & O_TRUNC != 0 {
        options.truncate(true);
    }
    let file = options.open(&host).map_err(|e| io_err(&e))?;
    let fd = insert_fd(s, Fd::File { file, append })?;
    put_u32(mem, a.u32(8), fd)
}

fn insert_fd(s: &mut State, fd: Fd) -> Result<u32, Errno> {
    let free = (3..=u32::MAX)
        .find(|n| !s.fds.contains_key(n))
        .ok_or(Errno(errno::NOTSUP))?;
    s.fds.insert(free, fd);
    Ok(free)
}

fn path_filestat_get(s: &mut State, mem: &mut [u8], a: &Args) -> Result2 {
    let (root, dir) = dir_of(s, a.u32(0))?;
    let follow = a.u32(1) & LOOKUP_SYMLINK_FOLLOW != 0;
    let path = get_str(mem, a.u32(2), a.u32(3))?;
    let host = fs::resolve(&root, &dir, &path, follow)?;
    let meta = std::fs::symlink_metadata(&host).map_err(|e| io_err(&e))?;
    put(mem, a.u32(4), &fs::filestat(&meta))
}

/// Resolves the path argument at `a[at..at + 2]` relative to descriptor `a[fd]`, without
/// following a final link, for a call that changes the folder: the pre-opened folder
/// itself may not be removed or renamed.
fn path_to_change(s: &State, mem: &[u8], a: &Args, fd: usize, at: usize) -> Result<PathBuf, Errno> {
    let (root, dir) = dir_of(s, a.u32(fd))?;
    let path = get_str(mem, a.u32(at), a.u32(at + 1))?;
    let host = fs::resolve(&root, &dir, &path, false)?;
    if host == root {
        return Err(errno::PERM.into());
    }
    Ok(host)
}

fn path_create_directory(s: &mut State, mem: &mut [u8], a: &Args) -> Result2 {
    let host = path_to_change(s, mem, a, 0, 1)?;
    std::fs::create_dir(host).map_err(|e| io_err(&e))
}

fn path_unlink_file(s: &mut State, mem: &mut [u8], a: &Args) -> Result2 {
    let host = path_to_change(s, mem, a, 0, 1)?;
    let meta = std::fs::symlink_metadata(&host).map_err(|e| io_err(&e))?;
    if meta.is_dir() {
        return Err(errno::ISDIR.into());
    }
    std::fs::remove_file(host).map_err(|e| io_err(&e))
}

fn path_remove_directory(s: &mut State, mem: &mut [u8], a: &Args) -> Result2 {
    let host = path_to_change(s, mem, a, 0, 1)?;
    let meta = std::fs::symlink_metadata(&host).map_err(|e| io_err(&e))?;
    if !meta.is_dir() {
        return Err(errno::NOTDIR.into());
    }
    std::fs::remove_dir(host).map_err(|e| io_err(&e))
}

fn path_rename(s: &mut State, mem: &mut [u8], a: &Args) -> Result2 {
    let from = path_to_change(s, mem, a, 0, 1)?;
    let to = path_to_change(s, mem, a, 3, 4)?;
    std::fs::rename(from, to).map_err(|e| io_err(&e))
}

/// Runs `f` on the file at `offset`, then puts the file position back.
fn at_offset<T>(
    s: &mut State,
    fd: u32,
    offset: u64,
    f: impl FnOnce(&mut File) -> Result<T, Errno>,
) -> Result<T, Errno> {
    let file = file(s, fd)?;
    let pos = file.stream_position().map_err(|e| io_err(&e))?;
    file.seek(SeekFrom::Start(offset)).map_err(|e| io_err(&e))?;
    let result = f(file);
    file.seek(SeekFrom::Start(pos)).map_err(|e| io_err(&e))?;
    result
}

fn fd_pread(s: &mut State, mem: &mut [u8], a: &Args) -> Result2 {
    let bufs = iovecs(mem, a.u32(1), a.u32(2))?;
    let total: usize = bufs.iter().map(|&(_, len)| len as usize).sum();
    let mut data = vec![0; total];
    let n = at_offset(s, a.u32(0), a.u64(3), |file| read_full(file, &mut data))?;
    let mut left = &data[..n];
    for (buf, len) in bufs {
        let take = left.len().min(len as usize);
        put(mem, buf, &left[..take])?;
        left = &left[take..];
    }
    put_u32(mem, a.u32(4), n as u32)
}

fn fd_pwrite(s: &mut State, mem: &mut [u8], a: &Args) -> Result2 {
    let bufs = iovecs(mem, a.u32(1), a.u32(2))?;
    let mut data = Vec::new();
    for (buf, len) in bufs {
        data.extend_from_slice(get(mem, buf, len)?);
    }
    at_offset(s, a.u32(0), a.u64(3), |file| {
        file.write_all(&data).map_err(|e| io_err(&e))
    })?;
    put_u32(mem, a.u32(4), data.len() as u32)
}

fn fd_sync(s: &mut State, _: &mut [u8], a: &Args) -> Result2 {
    file(s, a.u32(0))?.sync_all().map_err(|e| io_err(&e))
}

fn fd_datasync(s: &mut State, _: &mut [u8], a: &Args) -> Result2 {
    file(s, a.u32(0))?.sync_data().map_err(|e| io_err(&e))
}

fn fd_filestat_set_size(s: &mut State, _: &mut [u8], a: &Args) -> Result2 {
    file(s, a.u32(0))?.set_len(a.u64(1)).map_err(|e| io_err(&e))
}
