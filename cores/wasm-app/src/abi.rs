//! The imports an app is linked with: the `heirloom` ABI (see `include/heirloom.h`), WASI
//! preview 1 and the `env` functions of standalone Emscripten builds.
//!
//! WASI is implemented here rather than taken from the runtime because an app must be
//! reproducible and sandboxed: its clocks follow the frame counter, `random_get` is a
//! seeded sequence, standard output goes to the console or the log, standard input is
//! the text typed for it, and its files live in one sandboxed folder (see the `files`
//! module). Calls this implementation does not offer return `ENOSYS` (52).

use std::cell::RefCell;
use std::rc::Rc;

use heirloom_wasm::exec::{Caller, Extern, MemAddr, Store, Trap, Value};
use heirloom_wasm::{FuncType, ImportDesc, Module, ValType, describe_func_type};

use crate::files::Stream;
use crate::host::{Host, INPUT_SIZE, PORTABLE_STATE_LIMIT, Picture};
use crate::kv::KvError;

/// The import module name of the Heirloom ABI.
pub const HEIRLOOM: &str = "heirloom";
/// The import module name of WASI preview 1.
pub const WASI: &str = "wasi_snapshot_preview1";
/// The import module name of Emscripten's JavaScript library functions.
pub const ENV: &str = "env";
/// The import module of Binaryen's Asyncify control functions, which `wasm-opt --asyncify`
/// replaces: a module that still imports them is a loop app built but not transformed.
pub const ASYNCIFY: &str = "asyncify";
/// The ABI version this host implements (`HEIRLOOM_ABI_VERSION` in `heirloom.h`).
pub const ABI_VERSION: i32 = 1;
/// Lowest audio rate an app may declare.
pub const MIN_AUDIO_RATE: u32 = 8_000;
/// Highest audio rate an app may declare.
pub const MAX_AUDIO_RATE: u32 = 192_000;
/// Largest picture side.
pub const MAX_SIDE: i32 = 4096;

/// An import that works on the host and the calling instance, and gives its results.
type RawFn = fn(&mut Host, &mut Caller<'_>, &[Value]) -> Result<Vec<Value>, Trap>;
/// A WASI call: works on the app's memory and answers an errno (0 for success).
type WasiFn = fn(&mut Host, &mut [u8], &[Value]) -> Result<(), i32>;

/// What an import does.
#[derive(Clone, Copy)]
enum Handler {
    /// Works on the host and the calling instance, and gives the import's results.
    Raw(RawFn),
    /// A WASI call: works on the app's memory and answers an errno (0 for success).
    Wasi(WasiFn),
}

use ValType::{F64, I32, I64};

/// One import the host offers: where, its type, and what it does.
struct Def {
    module: &'static str,
    name: &'static str,
    params: &'static [ValType],
    results: &'static [ValType],
    handler: Handler,
}

const fn def(
    module: &'static str,
    name: &'static str,
    params: &'static [ValType],
    results: &'static [ValType],
    handler: RawFn,
) -> Def {
    Def {
        module,
        name,
        params,
        results,
        handler: Handler::Raw(handler),
    }
}

/// A WASI call, which answers an errno: every one returns a single i32.
const fn wasi_def(
    module: &'static str,
    name: &'static str,
    params: &'static [ValType],
    results: &'static [ValType],
    handler: WasiFn,
) -> Def {
    Def {
        module,
        name,
        params,
        results,
        handler: Handler::Wasi(handler),
    }
}

/// Every import the host offers. A name listed twice accepts both types (Emscripten
/// changed some signatures between releases).
const DEFS: &[Def] = &[
    def(HEIRLOOM, "present_rgba", &[I32; 4], &[], present_rgba),
    def(HEIRLOOM, "present_indexed", &[I32; 6], &[], present_indexed),
    def(HEIRLOOM, "audio_rate", &[I32], &[I32], audio_rate),
    def(
        HEIRLOOM,
        "audio_push_f32",
        &[I32; 2],
        &[I32],
        audio_push_f32,
    ),
    def(
        HEIRLOOM,
        "audio_push_i16",
        &[I32; 2],
        &[I32],
        audio_push_i16,
    ),
    def(HEIRLOOM, "input", &[I32], &[], input),
    def(HEIRLOOM, "text", &[I32; 2], &[I32], text),
    def(HEIRLOOM, "time_us", &[], &[I64], time_us),
    def(HEIRLOOM, "log", &[I32; 3], &[], log),
    def(HEIRLOOM, "exit", &[I32], &[], exit),
    def(HEIRLOOM, "kv_get", &[I32; 4], &[I32], kv_get),
    def(HEIRLOOM, "kv_set", &[I32; 4], &[I32], kv_set),
    def(HEIRLOOM, "kv_delete", &[I32; 2], &[I32], kv_delete),
    def(HEIRLOOM, "state_write", &[I32; 2], &[I32], state_write),
    def(HEIRLOOM, "state_read", &[I32; 2], &[I32], state_read),
    wasi_def(WASI, "args_sizes_get", &[I32; 2], &[I32], args_sizes_get),
    wasi_def(WASI, "args_get", &[I32; 2], &[I32], args_get),
    wasi_def(
        WASI,
        "environ_sizes_get",
        &[I32; 2],
        &[I32],
        environ_sizes_get,
    ),
    wasi_def(WASI, "environ_get", &[I32; 2], &[I32], environ_get),
    wasi_def(WASI, "clock_res_get", &[I32; 2], &[I32], clock_res_get),
    wasi_def(
        WASI,
        "clock_time_get",
        &[I32, I64, I32],
        &[I32],
        clock_time_get,
    ),
    wasi_def(WASI, "random_get", &[I32; 2], &[I32], random_get),
    def(WASI, "sched_yield", &[], &[I32], sched_yield),
    def(WASI, "proc_exit", &[I32], &[], exit),
    wasi_def(WASI, "fd_write", &[I32; 4], &[I32], fd_write),
    wasi_def(WASI, "fd_read", &[I32; 4], &[I32], fd_read),
    wasi_def(WASI, "fd_fdstat_get", &[I32; 2], &[I32], fd_fdstat_get),
    wasi_def(WASI, "fd_filestat_get", &[I32; 2], &[I32], fd_filestat_get),
    wasi_def(
        WASI,
        "fd_filestat_set_size",
        &[I32, I64],
        &[I32],
        fd_filestat_set_size,
    ),
    wasi_def(
        WASI,
        "fd_filestat_set_times",
        &[I32, I64, I64, I32],
        &[I32],
        fd_filestat_set_times,
    ),
    wasi_def(WASI, "fd_renumber", &[I32; 2], &[I32], fd_renumber),
    wasi_def(WASI, "fd_prestat_get", &[I32; 2], &[I32], fd_prestat_get),
    wasi_def(
        WASI,
        "fd_prestat_dir_name",
        &[I32; 3],
        &[I32],
        fd_prestat_dir_name,
    ),
    def(WASI, "fd_close", &[I32], &[I32], fd_close),
    wasi_def(WASI, "fd_seek", &[I32, I64, I32, I32], &[I32], fd_seek),
    wasi_def(WASI, "fd_tell", &[I32; 2], &[I32], fd_tell),
    wasi_def(
        WASI,
        "fd_pread",
        &[I32, I32, I32, I64, I32],
        &[I32],
        fd_pread,
    ),
    wasi_def(
        WASI,
        "fd_pwrite",
        &[I32, I32, I32, I64, I32],
        &[I32],
        fd_pwrite,
    ),
    wasi_def(
        WASI,
        "fd_readdir",
        &[I32, I32, I32, I64, I32],
        &[I32],
        fd_readdir,
    ),
    wasi_def(
        WASI,
        "path_open",
        &[I32, I32, I32, I32, I32, I64, I64, I32, I32],
        &[I32],
        path_open,
    ),
    wasi_def(
        WASI,
        "path_filestat_get",
        &[I32; 5],
        &[I32],
        path_filestat_get,
    ),
    wasi_def(
        WASI,
        "path_create_directory",
        &[I32; 3],
        &[I32],
        path_create_directory,
    ),
    wasi_def(
        WASI,
        "path_unlink_file",
        &[I32; 3],
        &[I32],
        path_unlink_file,
    ),
    wasi_def(
        WASI,
        "path_remove_directory",
        &[I32; 3],
        &[I32],
        path_remove_directory,
    ),
    wasi_def(WASI, "path_rename", &[I32; 6], &[I32], path_rename),
    wasi_def(
        WASI,
        "path_filestat_set_times",
        &[I32, I32, I32, I32, I64, I64, I32],
        &[I32],
        path_filestat_set_times,
    ),
    wasi_def(WASI, "path_readlink", &[I32; 6], &[I32], path_readlink),
    wasi_def(WASI, "path_symlink", &[I32; 5], &[I32], path_symlink),
    wasi_def(WASI, "path_link", &[I32; 7], &[I32], path_link),
    wasi_def(WASI, "poll_oneoff", &[I32; 4], &[I32], poll_oneoff),
    def(ENV, "emscripten_resize_heap", &[I32], &[I32], resize_heap),
    def(
        ENV,
        "emscripten_memcpy_big",
        &[I32; 3],
        &[I32],
        memcpy_returning,
    ),
    def(ENV, "emscripten_memcpy_big", &[I32; 3], &[], memcpy),
    def(ENV, "_emscripten_memcpy_js", &[I32; 3], &[], memcpy),
    def(ENV, "emscripten_date_now", &[], &[F64], date_now),
    def(ENV, "emscripten_get_now", &[], &[F64], get_now),
    def(ENV, "_emscripten_get_now_is_monotonic", &[], &[I32], one),
    def(ENV, "emscripten_get_heap_max", &[], &[I32], heap_max),
    def(ENV, "emscripten_notify_memory_growth", &[I32], &[], nothing),
    def(ENV, "_abort_js", &[], &[], abort),
    def(ENV, "abort", &[], &[], abort),
    def(ENV, "exit", &[I32], &[], exit),
    def(ENV, "setTempRet0", &[I32], &[], set_temp_ret0),
    def(ENV, "getTempRet0", &[], &[I32], get_temp_ret0),
    def(ENV, "emscripten_console_log", &[I32], &[], console_log),
    def(ENV, "emscripten_console_warn", &[I32], &[], console_warn),
    def(ENV, "emscripten_console_error", &[I32], &[], console_error),
];

/// Why a module's imports could not be provided.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The host does not offer this import.
    #[error("unknown import {module}.{name} {ty}{hint}")]
    Unknown {
        /// Import module name.
        module: String,
        /// Import item name.
        name: String,
        /// What the module expects, in text format.
        ty: String,
        /// A note on what this may mean.
        hint: &'static str,
    },
    /// The host offers the import with another type.
    #[error("import {module}.{name} is declared as {found}; the host provides {expected}")]
    WrongType {
        /// Import module name.
        module: String,
        /// Import item name.
        name: String,
        /// The type the module declares.
        found: String,
        /// The type the host provides.
        expected: String,
    },
}

/// Makes host objects for every import of `module`, in import order.
pub fn link(
    store: &mut Store,
    module: &Module,
    host: &Rc<RefCell<Host>>,
    max_pages: u32,
) -> Result<Vec<Extern>, ImportError> {
    let mut externs = Vec::with_capacity(module.imports.len());
    for import in &module.imports {
        let unknown = |ty: String| {
            let hint = match import.module.as_str() {
                HEIRLOOM => " (the app was built for a newer Heirloom ABI)",
                ENV => {
                    " (an Emscripten function this host does not offer; build with -sSTANDALONE_WASM)"
                }
                ASYNCIFY => {
                    " (a loop app not yet transformed: run wasm-opt --asyncify on it, see heirloom.h)"
                }
                _ => "",
            };
            ImportError::Unknown {
                module: import.module.clone(),
                name: import.name.clone(),
                ty,
                hint,
            }
        };
        let ext = match &import.desc {
            ImportDesc::Func(index) => {
                let ty = module.types[*index as usize].clone();
                let candidates: Vec<&Def> = DEFS
                    .iter()
                    .filter(|d| d.module == import.module && d.name == import.name)
                    .collect();
                let matching = candidates
                    .iter()
                    .find(|d| *d.params == *ty.params && *d.results == *ty.results);
                let handler = match (matching, candidates.first(), import.module.as_str()) {
                    (Some(d), _, _) => d.handler,
                    (None, Some(d), _) => {
                        return Err(ImportError::WrongType {
                            module: import.module.clone(),
                            name: import.name.clone(),
                            found: describe_func_type(&ty),
                            expected: describe_func_type(&FuncType {
                                params: d.params.into(),
                                results: d.results.into(),
                            }),
                        });
                    }
                    (None, None, WASI) => Handler::Raw(not_supported),
                    (None, None, _) => return Err(unknown(describe_func_type(&ty))),
                };
                let results = ty.results.clone();
                let host = host.clone();
                Extern::Func(store.host_func(ty, move |caller, args| {
                    let mut host = host.borrow_mut();
                    let out = match handler {
                        Handler::Raw(run) => run(&mut host, caller, args)?,
                        Handler::Wasi(run) => {
                            wasi(&mut host, caller, |host, mem| run(host, mem, args))?
                        }
                    };
                    // `not_supported` answers for calls of any type.
                    if out.len() == results.len() {
                        Ok(out)
                    } else {
                        Ok(results.iter().map(|&t| Value::default_of(t)).collect())
                    }
                }))
            }
            ImportDesc::Memory(ty) if import.module == ENV && import.name == "memory" => {
                let mut ty = *ty;
                ty.limits.max = Some(ty.limits.max.unwrap_or(max_pages).min(max_pages));
                let memory = store
                    .new_memory(ty)
                    .map_err(|_| unknown(format!("(memory {})", ty.limits.min)))?;
                Extern::Memory(memory)
            }
            ImportDesc::Table(ty) if import.module == ENV => Extern::Table(store.new_table(*ty)),
            ImportDesc::Memory(_) => return Err(unknown("(memory)".into())),
            ImportDesc::Table(_) => return Err(unknown("(table)".into())),
            ImportDesc::Global(g) => return Err(unknown(format!("(global {})", g.val))),
        };
        externs.push(ext);
    }
    Ok(externs)
}

// ---- helpers -------------------------------------------------------------------------

fn arg(args: &[Value], n: usize) -> u32 {
    match args.get(n) {
        Some(Value::I32(v)) => *v as u32,
        _ => 0,
    }
}

fn arg64(args: &[Value], n: usize) -> u64 {
    match args.get(n) {
        Some(Value::I64(v)) => *v as u64,
        _ => 0,
    }
}

fn memory(host: &Host, caller: &Caller<'_>) -> Result<MemAddr, Trap> {
    match caller.export(&host.memory_export) {
        Some(Extern::Memory(m)) => Ok(m),
        _ => Err(Trap::Host("the app has no linear memory".into())),
    }
}

/// The byte range `ptr .. ptr + len` of a memory of `size` bytes, or a trap naming `what`.
fn span(size: usize, ptr: u32, len: u64, what: &str) -> Result<std::ops::Range<usize>, Trap> {
    let start = ptr as usize;
    match usize::try_from(len)
        .ok()
        .and_then(|len| start.checked_add(len))
    {
        Some(end) if end <= size => Ok(start..end),
        _ => Err(Trap::Host(format!(
            "{what}: {len} bytes at {ptr:#x} lie outside the app's memory ({size} bytes)"
        ))),
    }
}

fn ok(value: i32) -> Result<Vec<Value>, Trap> {
    Ok(vec![Value::I32(value)])
}

const NONE: Result<Vec<Value>, Trap> = Ok(Vec::new());

// ---- heirloom ------------------------------------------------------------------------

/// Checks a picture's size and returns (width, height, bytes spanned from `pixels`).
fn picture_span(
    width: i32,
    height: i32,
    pitch: i32,
    bytes_per_pixel: i32,
    what: &str,
) -> Result<(u32, u32, u64), Trap> {
    if !(1..=MAX_SIDE).contains(&width) || !(1..=MAX_SIDE).contains(&height) {
        return Err(Trap::Host(format!(
            "{what}: a {width}x{height} picture (sides must be 1..{MAX_SIDE})"
        )));
    }
    let row = width * bytes_per_pixel;
    if pitch < row {
        return Err(Trap::Host(format!(
            "{what}: pitch {pitch} is shorter than a row of {row} bytes"
        )));
    }
    let spanned = pitch as u64 * (height as u64 - 1) + row as u64;
    Ok((width as u32, height as u32, spanned))
}

fn present_rgba(
    host: &mut Host,
    caller: &mut Caller<'_>,
    args: &[Value],
) -> Result<Vec<Value>, Trap> {
    let what = "heirloom_present_rgba";
    let (pixels, pitch) = (arg(args, 0), arg(args, 3) as i32);
    let (width, height, spanned) =
        picture_span(arg(args, 1) as i32, arg(args, 2) as i32, pitch, 4, what)?;
    let mem = caller.memory(memory(host, caller)?);
    let range = span(mem.len(), pixels, spanned, what)?;
    let source = &mem[range];
    let mut rgba = Vec::with_capacity(width as usize * height as usize * 4);
    for y in 0..height as usize {
        let row = &source[y * pitch as usize..][..width as usize * 4];
        for pixel in row.chunks_exact(4) {
            rgba.extend_from_slice(&[pixel[0], pixel[1], pixel[2], 0xff]);
        }
    }
    host.picture = Some(Picture {
        width,
        height,
        rgba,
    });
    NONE
}

fn present_indexed(
    host: &mut Host,
    caller: &mut Caller<'_>,
    args: &[Value],
) -> Result<Vec<Value>, Trap> {
    let what = "heirloom_present_indexed";
    let (pixels, pitch) = (arg(args, 0), arg(args, 3) as i32);
    let (palette, colors) = (arg(args, 4), arg(args, 5) as i32);
    let (width, height, spanned) =
        picture_span(arg(args, 1) as i32, arg(args, 2) as i32, pitch, 1, what)?;
    if !(1..=256).contains(&colors) {
        return Err(Trap::Host(format!(
            "{what}: a palette of {colors} colours (1..256)"
        )));
    }
    let mem = caller.memory(memory(host, caller)?);
    let source = &mem[span(mem.len(), pixels, spanned, what)?];
    let palette = &mem[span(mem.len(), palette, colors as u64 * 4, what)?];
    let mut rgba = Vec::with_capacity(width as usize * height as usize * 4);
    for y in 0..height as usize {
        for &index in &source[y * pitch as usize..][..width as usize] {
            let at = usize::from(index) * 4;
            match palette.get(at..at + 3) {
                Some(rgb) => rgba.extend_from_slice(rgb),
                None => rgba.extend_from_slice(&[0, 0, 0]),
            }
            rgba.push(0xff);
        }
    }
    host.picture = Some(Picture {
        width,
        height,
        rgba,
    });
    NONE
}

fn audio_rate(host: &mut Host, _: &mut Caller<'_>, args: &[Value]) -> Result<Vec<Value>, Trap> {
    let hz = arg(args, 0);
    if !host.in_init || !(MIN_AUDIO_RATE..=MAX_AUDIO_RATE).contains(&hz) {
        return ok(-1);
    }
    host.audio_rate = hz;
    ok(0)
}

/// Accepts up to `frames` stereo frames from the app's memory, converting each sample
/// with `convert`; at most one second of sound per video frame.
fn push_audio(
    host: &mut Host,
    caller: &mut Caller<'_>,
    args: &[Value],
    bytes_per_sample: usize,
    convert: fn(&[u8]) -> f32,
    what: &str,
) -> Result<Vec<Value>, Trap> {
    let (samples, frames) = (arg(args, 0), arg(args, 1) as i32);
    let room = (host.audio_rate as usize).saturating_sub(host.audio.len() / 2);
    let frames = (frames.max(0) as usize).min(room);
    let mem = caller.memory(memory(host, caller)?);
    let range = span(
        mem.len(),
        samples,
        (frames * 2 * bytes_per_sample) as u64,
        what,
    )?;
    for sample in mem[range].chunks_exact(bytes_per_sample) {
        let value = convert(sample);
        host.audio.push(if value.is_finite() {
            value.clamp(-1.0, 1.0)
        } else {
            0.0
        });
    }
    ok(frames as i32)
}

fn audio_push_f32(
    host: &mut Host,
    caller: &mut Caller<'_>,
    args: &[Value],
) -> Result<Vec<Value>, Trap> {
    push_audio(
        host,
        caller,
        args,
        4,
        |b| f32::from_le_bytes(b.try_into().expect("4 bytes")),
        "heirloom_audio_push_f32",
    )
}

fn audio_push_i16(
    host: &mut Host,
    caller: &mut Caller<'_>,
    args: &[Value],
) -> Result<Vec<Value>, Trap> {
    push_audio(
        host,
        caller,
        args,
        2,
        |b| f32::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0,
        "heirloom_audio_push_i16",
    )
}

fn input(host: &mut Host, caller: &mut Caller<'_>, args: &[Value]) -> Result<Vec<Value>, Trap> {
    let addr = memory(host, caller)?;
    let mem = caller.memory_mut(addr);
    let range = span(
        mem.len(),
        arg(args, 0),
        INPUT_SIZE as u64,
        "heirloom_input_read",
    )?;
    mem[range].copy_from_slice(&host.input);
    NONE
}

fn text(host: &mut Host, caller: &mut Caller<'_>, args: &[Value]) -> Result<Vec<Value>, Trap> {
    let addr = memory(host, caller)?;
    let mem = caller.memory_mut(addr);
    let capacity = (arg(args, 1) as i32).max(0) as usize;
    let n = host.text.len().min(capacity);
    let range = span(mem.len(), arg(args, 0), n as u64, "heirloom_text")?;
    mem[range].copy_from_slice(&host.text[..n]);
    ok(host.text.len() as i32)
}

fn time_us(host: &mut Host, _: &mut Caller<'_>, _: &[Value]) -> Result<Vec<Value>, Trap> {
    Ok(vec![Value::I64((host.now_ns() / 1000) as i64)])
}

fn log(host: &mut Host, caller: &mut Caller<'_>, args: &[Value]) -> Result<Vec<Value>, Trap> {
    let mem = caller.memory(memory(host, caller)?);
    let len = u64::from(arg(args, 2)).min(crate::host::LOG_MESSAGE as u64);
    let range = span(mem.len(), arg(args, 1), len, "heirloom_log")?;
    let message = mem[range].to_vec();
    host.log_message(arg(args, 0) as i32, &message);
    NONE
}

fn exit(_: &mut Host, _: &mut Caller<'_>, args: &[Value]) -> Result<Vec<Value>, Trap> {
    Err(Trap::Exit(arg(args, 0) as i32))
}

fn kv_key(host: &Host, caller: &Caller<'_>, args: &[Value], what: &str) -> Result<Vec<u8>, Trap> {
    let mem = caller.memory(memory(host, caller)?);
    let len = u64::from(arg(args, 1)).min(crate::kv::MAX_KEY as u64 + 1);
    Ok(mem[span(mem.len(), arg(args, 0), len, what)?].to_vec())
}

fn kv_get(host: &mut Host, caller: &mut Caller<'_>, args: &[Value]) -> Result<Vec<Value>, Trap> {
    let what = "heirloom_kv_get";
    let key = kv_key(host, caller, args, what)?;
    let value = match host.kv.get(&key) {
        Ok(value) => value,
        Err(err) => return ok(err as i32),
    };
    let addr = memory(host, caller)?;
    let mem = caller.memory_mut(addr);
    let n = value.len().min((arg(args, 3) as i32).max(0) as usize);
    let range = span(mem.len(), arg(args, 2), n as u64, what)?;
    mem[range].copy_from_slice(&value[..n]);
    ok(value.len() as i32)
}

fn kv_set(host: &mut Host, caller: &mut Caller<'_>, args: &[Value]) -> Result<Vec<Value>, Trap> {
    let what = "heirloom_kv_set";
    let key = kv_key(host, caller, args, what)?;
    let mem = caller.memory(memory(host, caller)?);
    let len = u64::from(arg(args, 3)).min(crate::kv::MAX_VALUE as u64 + 1);
    let value = mem[span(mem.len(), arg(args, 2), len, what)?].to_vec();
    ok(match host.kv.set(&key, &value) {
        Ok(()) => 0,
        Err(err) => err as i32,
    })
}

fn kv_delete(host: &mut Host, caller: &mut Caller<'_>, args: &[Value]) -> Result<Vec<Value>, Trap> {
    let key = kv_key(host, caller, args, "heirloom_kv_delete")?;
    ok(match host.kv.delete(&key) {
        Ok(()) => 0,
        Err(err @ (KvError::Missing | KvError::BadKey | KvError::Quota)) => err as i32,
    })
}

fn state_write(
    host: &mut Host,
    caller: &mut Caller<'_>,
    args: &[Value],
) -> Result<Vec<Value>, Trap> {
    let mem = caller.memory(memory(host, caller)?);
    let range = span(
        mem.len(),
        arg(args, 0),
        u64::from(arg(args, 1)),
        "heirloom_state_write",
    )?;
    match &mut host.portable_out {
        Some(out) if out.len() + range.len() <= PORTABLE_STATE_LIMIT => {
            out.extend_from_slice(&mem[range]);
            ok(0)
        }
        _ => ok(-1),
    }
}

fn state_read(
    host: &mut Host,
    caller: &mut Caller<'_>,
    args: &[Value],
) -> Result<Vec<Value>, Trap> {
    let addr = memory(host, caller)?;
    let Some((data, at)) = &mut host.portable_in else {
        return ok(-1);
    };
    let mem = caller.memory_mut(addr);
    let n = (data.len() - *at).min((arg(args, 1) as i32).max(0) as usize);
    let range = span(mem.len(), arg(args, 0), n as u64, "heirloom_state_read")?;
    mem[range].copy_from_slice(&data[*at..*at + n]);
    *at += n;
    ok(n as i32)
}

// ---- WASI preview 1 ------------------------------------------------------------------

mod errno {
    pub const SUCCESS: i32 = 0;
    pub const BADF: i32 = 8;
    pub const FAULT: i32 = 21;
    pub const ILSEQ: i32 = 25;
    pub const INVAL: i32 = 28;
    pub const NOSYS: i32 = 52;
    pub const SPIPE: i32 = 70;
}

/// Runs a WASI call body: a pointer outside memory is `EFAULT`, as POSIX has it. The
/// files see the app's wall clock as it is at the call.
fn wasi(
    host: &mut Host,
    caller: &mut Caller<'_>,
    body: impl FnOnce(&mut Host, &mut [u8]) -> Result<(), i32>,
) -> Result<Vec<Value>, Trap> {
    let now = host.wall_ns();
    host.files.set_clock(now);
    let addr = memory(host, caller)?;
    let mem = caller.memory_mut(addr);
    ok(match body(host, mem) {
        Ok(()) => errno::SUCCESS,
        Err(code) => code,
    })
}

fn put(mem: &mut [u8], ptr: u32, bytes: &[u8]) -> Result<(), i32> {
    let start = ptr as usize;
    let end = start.checked_add(bytes.len()).ok_or(errno::FAULT)?;
    mem.get_mut(start..end)
        .ok_or(errno::FAULT)?
        .copy_from_slice(bytes);
    Ok(())
}

fn get(mem: &[u8], ptr: u32, len: usize) -> Result<&[u8], i32> {
    let start = ptr as usize;
    mem.get(start..start.checked_add(len).ok_or(errno::FAULT)?)
        .ok_or(errno::FAULT)
}

fn get_u32(mem: &[u8], ptr: u32) -> Result<u32, i32> {
    Ok(u32::from_le_bytes(
        get(mem, ptr, 4)?.try_into().expect("4 bytes"),
    ))
}

fn get_u64(mem: &[u8], ptr: u32) -> Result<u64, i32> {
    Ok(u64::from_le_bytes(
        get(mem, ptr, 8)?.try_into().expect("8 bytes"),
    ))
}

/// The (pointer, length) pairs of an iovec array, at most 16 MiB in all.
fn iovecs(mem: &[u8], ptr: u32, count: u32) -> Result<Vec<(u32, u32)>, i32> {
    let mut budget = 16u32 << 20;
    let mut out = Vec::new();
    for i in 0..count.min(1024) {
        let at = ptr.checked_add(i * 8).ok_or(errno::FAULT)?;
        let buf = get_u32(mem, at)?;
        let len = get_u32(mem, at.checked_add(4).ok_or(errno::FAULT)?)?.min(budget);
        get(mem, buf, len as usize)?;
        budget -= len;
        out.push((buf, len));
    }
    Ok(out)
}

fn args_sizes_get(host: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    put(mem, arg(args, 0), &(host.args.len() as u32).to_le_bytes())?;
    let bytes: usize = host.args.iter().map(Vec::len).sum();
    put(mem, arg(args, 1), &(bytes as u32).to_le_bytes())
}

fn args_get(host: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    let (mut pointers, mut buffer) = (arg(args, 0), arg(args, 1));
    for text in &host.args {
        put(mem, pointers, &buffer.to_le_bytes())?;
        put(mem, buffer, text)?;
        pointers = pointers.wrapping_add(4);
        buffer = buffer.wrapping_add(text.len() as u32);
    }
    Ok(())
}

fn environ_sizes_get(_: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    put(mem, arg(args, 0), &0u32.to_le_bytes())?;
    put(mem, arg(args, 1), &0u32.to_le_bytes())
}

fn environ_get(_: &mut Host, _: &mut [u8], _: &[Value]) -> Result<(), i32> {
    Ok(())
}

/// Clocks: 0 realtime, 1 monotonic, 2 process and 3 thread CPU time.
fn clock_ns(host: &Host, id: u32) -> Result<u64, i32> {
    match id {
        0 => Ok(host.wall_ns()),
        1..=3 => Ok(host.now_ns()),
        _ => Err(errno::INVAL),
    }
}

fn clock_res_get(host: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    clock_ns(host, arg(args, 0))?;
    put(mem, arg(args, 1), &1000u64.to_le_bytes())
}

fn clock_time_get(host: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    let now = clock_ns(host, arg(args, 0))?;
    put(mem, arg(args, 2), &now.to_le_bytes())
}

fn random_get(host: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    let (ptr, len) = (arg(args, 0), arg(args, 1) as usize);
    get(mem, ptr, len)?;
    let mut bytes = Vec::with_capacity(len + 8);
    while bytes.len() < len {
        bytes.extend_from_slice(&host.next_random().to_le_bytes());
    }
    put(mem, ptr, &bytes[..len])
}

fn sched_yield(_: &mut Host, _: &mut Caller<'_>, _: &[Value]) -> Result<Vec<Value>, Trap> {
    ok(errno::SUCCESS)
}

/// The standard stream descriptor `fd` holds, `None` for a file or folder.
fn stream(host: &Host, fd: u32) -> Result<Option<Stream>, i32> {
    host.files.stream(fd).map_err(i32::from)
}

fn fd_write(host: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    let fd = arg(args, 0);
    let stream = match stream(host, fd)? {
        Some(Stream::Output) => 0,
        Some(Stream::Error) => 1,
        Some(Stream::Input) => return Err(errno::BADF),
        None => {
            let data = gather(mem, arg(args, 1), arg(args, 2))?;
            host.files.write(fd, &data, None).map_err(i32::from)?;
            return put(mem, arg(args, 3), &(data.len() as u32).to_le_bytes());
        }
    };
    let mut written = 0u32;
    for (buf, len) in iovecs(mem, arg(args, 1), arg(args, 2))? {
        host.print(stream, get(mem, buf, len as usize)?);
        written += len;
    }
    put(mem, arg(args, 3), &written.to_le_bytes())
}

fn fd_read(host: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    match stream(host, arg(args, 0))? {
        Some(Stream::Input) => {}
        Some(Stream::Output | Stream::Error) => return Err(errno::BADF),
        None => return scatter_read(host, mem, args, None),
    }
    let mut read = 0u32;
    for (buf, len) in iovecs(mem, arg(args, 1), arg(args, 2))? {
        let n = (len as usize).min(host.stdin.len());
        let bytes: Vec<u8> = host.stdin.drain(..n).collect();
        put(mem, buf, &bytes)?;
        read += n as u32;
        if n < len as usize {
            break;
        }
    }
    put(mem, arg(args, 3), &read.to_le_bytes())
}

fn fd_fdstat_get(host: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    let stat = host.files.fdstat(arg(args, 0)).map_err(i32::from)?;
    put(mem, arg(args, 1), &stat)
}

fn fd_filestat_get(host: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    let stat = host.files.fd_filestat(arg(args, 0)).map_err(i32::from)?;
    put(mem, arg(args, 1), &stat)
}

fn fd_filestat_set_size(host: &mut Host, _: &mut [u8], args: &[Value]) -> Result<(), i32> {
    host.files
        .set_size(arg(args, 0), arg64(args, 1))
        .map_err(i32::from)
}

fn fd_filestat_set_times(host: &mut Host, _: &mut [u8], args: &[Value]) -> Result<(), i32> {
    host.files
        .fd_set_times(arg(args, 0), arg64(args, 1), arg64(args, 2), arg(args, 3))
        .map_err(i32::from)
}

fn fd_renumber(host: &mut Host, _: &mut [u8], args: &[Value]) -> Result<(), i32> {
    host.files
        .renumber(arg(args, 0), arg(args, 1))
        .map_err(i32::from)
}

fn fd_close(host: &mut Host, _: &mut Caller<'_>, args: &[Value]) -> Result<Vec<Value>, Trap> {
    ok(match host.files.close(arg(args, 0)) {
        Ok(()) => errno::SUCCESS,
        Err(code) => i32::from(code),
    })
}

fn fd_seek(host: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    let fd = arg(args, 0);
    let pos = host
        .files
        .seek(fd, arg64(args, 1) as i64, arg(args, 2))
        .map_err(i32::from)?;
    put(mem, arg(args, 3), &pos.to_le_bytes())
}

fn fd_tell(host: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    let pos = host.files.seek(arg(args, 0), 0, 1).map_err(i32::from)?;
    put(mem, arg(args, 1), &pos.to_le_bytes())
}

/// The bytes of an iovec array, in order.
fn gather(mem: &[u8], ptr: u32, count: u32) -> Result<Vec<u8>, i32> {
    let mut data = Vec::new();
    for (buf, len) in iovecs(mem, ptr, count)? {
        data.extend_from_slice(get(mem, buf, len as usize)?);
    }
    Ok(data)
}

/// `fd_read` / `fd_pread` on a file: reads into the iovecs at `args[1..3]`, writes the
/// count to the pointer after the offset.
fn scatter_read(
    host: &mut Host,
    mem: &mut [u8],
    args: &[Value],
    offset: Option<u64>,
) -> Result<(), i32> {
    let bufs = iovecs(mem, arg(args, 1), arg(args, 2))?;
    let total: usize = bufs.iter().map(|&(_, len)| len as usize).sum();
    let data = host
        .files
        .read(arg(args, 0), total, offset)
        .map_err(i32::from)?;
    let mut left = data.as_slice();
    for (buf, len) in bufs {
        let take = left.len().min(len as usize);
        put(mem, buf, &left[..take])?;
        left = &left[take..];
    }
    let count_at = if offset.is_some() { 4 } else { 3 };
    put(mem, arg(args, count_at), &(data.len() as u32).to_le_bytes())
}

fn fd_pread(host: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    if stream(host, arg(args, 0))?.is_some() {
        return Err(errno::SPIPE);
    }
    scatter_read(host, mem, args, Some(arg64(args, 3)))
}

fn fd_pwrite(host: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    let fd = arg(args, 0);
    if stream(host, fd)?.is_some() {
        return Err(errno::SPIPE);
    }
    let data = gather(mem, arg(args, 1), arg(args, 2))?;
    host.files
        .write(fd, &data, Some(arg64(args, 3)))
        .map_err(i32::from)?;
    put(mem, arg(args, 4), &(data.len() as u32).to_le_bytes())
}

fn fd_prestat_get(host: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    let name = host.files.prestat_name(arg(args, 0)).map_err(i32::from)?;
    let mut prestat = [0u8; 8]; // tag 0: a folder
    prestat[4..8].copy_from_slice(&(name.len() as u32).to_le_bytes());
    put(mem, arg(args, 1), &prestat)
}

fn fd_prestat_dir_name(host: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    let name = host.files.prestat_name(arg(args, 0)).map_err(i32::from)?;
    if (arg(args, 2) as usize) < name.len() {
        return Err(i32::from(heirloom_wasm::wasi::errno::NAMETOOLONG));
    }
    put(mem, arg(args, 1), name.as_bytes())
}

fn fd_readdir(host: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    let (buf, room) = (arg(args, 1), arg(args, 2));
    get(mem, buf, room as usize)?;
    let out = host
        .files
        .readdir(arg(args, 0), arg64(args, 3), room as usize)
        .map_err(i32::from)?;
    put(mem, buf, &out)?;
    put(mem, arg(args, 4), &(out.len() as u32).to_le_bytes())
}

/// The path argument at `args[at..at + 2]` (pointer, length).
fn path_arg(mem: &[u8], args: &[Value], at: usize) -> Result<String, i32> {
    let bytes = get(mem, arg(args, at), arg(args, at + 1) as usize)?;
    String::from_utf8(bytes.to_vec()).map_err(|_| errno::ILSEQ)
}

fn path_open(host: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    let path = path_arg(mem, args, 2)?;
    // The result pointer is checked first so that a bad one opens nothing.
    get(mem, arg(args, 8), 4)?;
    let fd = host
        .files
        .path_open(
            arg(args, 0),
            arg(args, 1),
            &path,
            arg(args, 4),
            arg64(args, 5),
            arg(args, 7),
        )
        .map_err(i32::from)?;
    put(mem, arg(args, 8), &fd.to_le_bytes())
}

fn path_filestat_get(host: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    let path = path_arg(mem, args, 2)?;
    let follow = arg(args, 1) & crate::files::flags::SYMLINK_FOLLOW != 0;
    let stat = host
        .files
        .path_filestat(arg(args, 0), &path, follow)
        .map_err(i32::from)?;
    put(mem, arg(args, 4), &stat)
}

fn path_create_directory(host: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    let path = path_arg(mem, args, 1)?;
    host.files
        .create_dir(arg(args, 0), &path)
        .map_err(i32::from)
}

fn path_unlink_file(host: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    let path = path_arg(mem, args, 1)?;
    host.files.unlink(arg(args, 0), &path).map_err(i32::from)
}

fn path_remove_directory(host: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    let path = path_arg(mem, args, 1)?;
    host.files
        .remove_dir(arg(args, 0), &path)
        .map_err(i32::from)
}

fn path_rename(host: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    let from = path_arg(mem, args, 1)?;
    let to = path_arg(mem, args, 4)?;
    host.files
        .rename(arg(args, 0), &from, arg(args, 3), &to)
        .map_err(i32::from)
}

fn path_filestat_set_times(host: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    let path = path_arg(mem, args, 2)?;
    let follow = arg(args, 1) & crate::files::flags::SYMLINK_FOLLOW != 0;
    host.files
        .path_set_times(
            arg(args, 0),
            &path,
            follow,
            arg64(args, 4),
            arg64(args, 5),
            arg(args, 6),
        )
        .map_err(i32::from)
}

/// Writes as much of the link's target as fits the buffer, and how much that was.
fn path_readlink(host: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    let path = path_arg(mem, args, 1)?;
    let (buf, room) = (arg(args, 3), arg(args, 4) as usize);
    get(mem, buf, room)?;
    get(mem, arg(args, 5), 4)?;
    let target = host
        .files
        .readlink(arg(args, 0), &path)
        .map_err(i32::from)?;
    let n = target.len().min(room);
    put(mem, buf, &target[..n])?;
    put(mem, arg(args, 5), &(n as u32).to_le_bytes())
}

fn path_symlink(host: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    let target = path_arg(mem, args, 0)?;
    let path = path_arg(mem, args, 3)?;
    host.files
        .symlink(&target, arg(args, 2), &path)
        .map_err(i32::from)
}

fn path_link(host: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    let from = path_arg(mem, args, 2)?;
    let to = path_arg(mem, args, 5)?;
    let follow = arg(args, 1) & crate::files::flags::SYMLINK_FOLLOW != 0;
    host.files
        .link(arg(args, 0), follow, &from, arg(args, 4), &to)
        .map_err(i32::from)
}

/// Waits for clock and standard-input events. Standard input is always ready (reads
/// return what was typed, then end of file); a clock wait advances the emulated time to
/// the earliest timeout instead of blocking.
fn poll_oneoff(host: &mut Host, mem: &mut [u8], args: &[Value]) -> Result<(), i32> {
    let (subs, events, count) = (arg(args, 0), arg(args, 1), arg(args, 2));
    if count == 0 {
        return Err(errno::INVAL);
    }
    let now = host.now_ns();
    let mut ready = Vec::new();
    let mut earliest: Option<(u64, Vec<u64>)> = None;
    for i in 0..count.min(4096) {
        let at = subs.checked_add(i * 48).ok_or(errno::FAULT)?;
        let field = |offset: u32| at.checked_add(offset).ok_or(errno::FAULT);
        let userdata = get_u64(mem, at)?;
        match get(mem, field(8)?, 1)?[0] {
            0 => {
                let id = get_u32(mem, field(16)?)?;
                let timeout = get_u64(mem, field(24)?)?;
                let absolute = get_u32(mem, field(40)?)? & 1 != 0;
                let start = clock_ns(host, id)?;
                let wait = if absolute {
                    timeout.saturating_sub(start)
                } else {
                    timeout
                };
                match &mut earliest {
                    Some((best, users)) if *best == wait => users.push(userdata),
                    Some((best, _)) if *best < wait => {}
                    _ => earliest = Some((wait, vec![userdata])),
                }
            }
            // Standard input holds what was typed; files are always ready.
            1 => {
                let (error, bytes) = match host.files.stream(get_u32(mem, field(16)?)?) {
                    Ok(Some(Stream::Input)) => (0, host.stdin.len() as u64),
                    Ok(None) => (0, 0),
                    _ => (errno::BADF as u16, 0),
                };
                ready.push((userdata, error, 1u8, bytes));
            }
            2 => {
                let error = match host.files.stream(get_u32(mem, field(16)?)?) {
                    Ok(Some(Stream::Output | Stream::Error) | None) => 0,
                    _ => errno::BADF as u16,
                };
                ready.push((userdata, error, 2u8, 0));
            }
            _ => return Err(errno::INVAL),
        }
    }
    if ready.is_empty()
        && let Some((wait, users)) = earliest
    {
        host.slept_ns = host.slept_ns.saturating_add(wait);
        debug_assert!(host.now_ns() >= now);
        ready.extend(users.into_iter().map(|u| (u, 0, 0u8, 0)));
    }
    for (i, (userdata, error, kind, bytes)) in ready.iter().enumerate() {
        let mut event = [0u8; 32];
        event[0..8].copy_from_slice(&userdata.to_le_bytes());
        event[8..10].copy_from_slice(&error.to_le_bytes());
        event[10] = *kind;
        event[16..24].copy_from_slice(&bytes.to_le_bytes());
        put(mem, events.wrapping_add(i as u32 * 32), &event)?;
    }
    put(mem, arg(args, 3), &(ready.len() as u32).to_le_bytes())
}

fn not_supported(_: &mut Host, _: &mut Caller<'_>, _: &[Value]) -> Result<Vec<Value>, Trap> {
    ok(errno::NOSYS)
}

// ---- Emscripten env ------------------------------------------------------------------

/// Grows the memory to hold at least the requested number of bytes (what Emscripten's
/// `sbrk` asks for when the heap is full); 1 on success, 0 when the limit forbids it.
fn resize_heap(
    host: &mut Host,
    caller: &mut Caller<'_>,
    args: &[Value],
) -> Result<Vec<Value>, Trap> {
    let wanted = u64::from(arg(args, 0));
    let addr = memory(host, caller)?;
    let have = caller.memory(addr).len() as u64;
    if wanted <= have {
        return ok(1);
    }
    if wanted > host.max_memory_bytes {
        return ok(0);
    }
    let pages = (wanted - have).div_ceil(65536) as u32;
    ok(i32::from(caller.grow_memory(addr, pages).is_some()))
}

fn copy(host: &Host, caller: &mut Caller<'_>, args: &[Value]) -> Result<(), Trap> {
    let (dest, src, len) = (arg(args, 0), arg(args, 1), u64::from(arg(args, 2)));
    let addr = memory(host, caller)?;
    let mem = caller.memory_mut(addr);
    let what = "emscripten_memcpy";
    let from = span(mem.len(), src, len, what)?;
    span(mem.len(), dest, len, what)?;
    mem.copy_within(from, dest as usize);
    Ok(())
}

fn memcpy(host: &mut Host, caller: &mut Caller<'_>, args: &[Value]) -> Result<Vec<Value>, Trap> {
    copy(host, caller, args)?;
    NONE
}

fn memcpy_returning(
    host: &mut Host,
    caller: &mut Caller<'_>,
    args: &[Value],
) -> Result<Vec<Value>, Trap> {
    copy(host, caller, args)?;
    ok(arg(args, 0) as i32)
}

fn date_now(host: &mut Host, _: &mut Caller<'_>, _: &[Value]) -> Result<Vec<Value>, Trap> {
    Ok(vec![Value::F64((host.wall_ns() as f64 / 1e6).to_bits())])
}

fn get_now(host: &mut Host, _: &mut Caller<'_>, _: &[Value]) -> Result<Vec<Value>, Trap> {
    Ok(vec![Value::F64((host.now_ns() as f64 / 1e6).to_bits())])
}

fn one(_: &mut Host, _: &mut Caller<'_>, _: &[Value]) -> Result<Vec<Value>, Trap> {
    ok(1)
}

fn heap_max(host: &mut Host, _: &mut Caller<'_>, _: &[Value]) -> Result<Vec<Value>, Trap> {
    ok(host.max_memory_bytes.min(u64::from(u32::MAX) - 65535) as u32 as i32)
}

fn nothing(_: &mut Host, _: &mut Caller<'_>, _: &[Value]) -> Result<Vec<Value>, Trap> {
    NONE
}

fn abort(_: &mut Host, _: &mut Caller<'_>, _: &[Value]) -> Result<Vec<Value>, Trap> {
    Err(Trap::Host("the app called abort()".into()))
}

fn set_temp_ret0(host: &mut Host, _: &mut Caller<'_>, args: &[Value]) -> Result<Vec<Value>, Trap> {
    host.temp_ret0 = arg(args, 0) as i32;
    NONE
}

fn get_temp_ret0(host: &mut Host, _: &mut Caller<'_>, _: &[Value]) -> Result<Vec<Value>, Trap> {
    ok(host.temp_ret0)
}

/// Logs a NUL-terminated string (at most [`LOG_MESSAGE`](crate::host::LOG_MESSAGE) bytes).
fn console_message(
    host: &mut Host,
    caller: &Caller<'_>,
    args: &[Value],
    level: i32,
) -> Result<Vec<Value>, Trap> {
    let mem = caller.memory(memory(host, caller)?);
    let start = arg(args, 0) as usize;
    let tail = mem.get(start..).ok_or_else(|| {
        Trap::Host(format!(
            "emscripten_console: string at {start:#x} lies outside memory"
        ))
    })?;
    let tail = &tail[..tail.len().min(crate::host::LOG_MESSAGE)];
    let end = tail.iter().position(|&b| b == 0).unwrap_or(tail.len());
    let message = tail[..end].to_vec();
    host.log_message(level, &message);
    NONE
}

fn console_log(
    host: &mut Host,
    caller: &mut Caller<'_>,
    args: &[Value],
) -> Result<Vec<Value>, Trap> {
    console_message(host, caller, args, 1)
}

fn console_warn(
    host: &mut Host,
    caller: &mut Caller<'_>,
    args: &[Value],
) -> Result<Vec<Value>, Trap> {
    console_message(host, caller, args, 2)
}

fn console_error(
    host: &mut Host,
    caller: &mut Caller<'_>,
    args: &[Value],
) -> Result<Vec<Value>, Trap> {
    console_message(host, caller, args, 3)
}
