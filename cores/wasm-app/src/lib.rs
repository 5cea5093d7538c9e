//! A Heirloom core that runs legacy applications compiled to WebAssembly.
//!
//! [`WasmApp`] loads a `.wasm` module and runs it on the app shell, one video frame at a
//! time. Three kinds of module run:
//!
//! - **Apps** written against the Heirloom ABI (`include/heirloom.h`): they export
//!   `heirloom_frame`, which the core calls once per frame; the app reads its input,
//!   draws into its own memory and presents the picture, and pushes its sound.
//! - **WASI programs** (`_start`, built with wasi-libc or Emscripten): they run once, on
//!   the first frame, with the text typed in that frame as standard input; what they
//!   print is shown on a text console the core draws (and given by
//!   [`Core::screen_text`]); their exit status is [`Core::exit_code`].
//! - **Libraries** (functions only) have nothing to run: the core lists their functions on
//!   the console, and [`Library`] drives them from the host: `malloc`, fill, call, read
//!   back.
//!
//! Every module is linked to the Heirloom ABI, WASI preview 1 (reproducible: clocks follow
//! the frame counter, random numbers are a seeded sequence; files in one sandboxed
//! folder, see [`WasmApp::set_files_dir`]) and the `env`
//! functions standalone Emscripten builds import (`emscripten_resize_heap`,
//! `emscripten_memcpy_big`, `_emscripten_memcpy_js`, `emscripten_date_now`, `_abort_js`…).
//!
//! Each call into the module runs with an instruction budget (option `fuel`) and
//! optionally a deadline. An app that exceeds it, traps or misuses an import is stopped:
//! the screen shows why, [`run_frame`](Core::run_frame) returns normally, and another
//! app can be loaded into the same core.

mod abi;
mod app;
mod console;
mod files;
mod font;
mod host;
mod kv;
mod library;
mod snapshot;

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

use heirloom_shell::{
    Core, CoreError, CoreInfo, CoreOption, FrameIo, FrameRate, Framebuffer, Media, MediaKind,
    MemoryError, MemoryRegion, OptionError, OptionValue, OptionValues, ResetKind, StateError,
    StateReader, StateWriter,
};
use heirloom_wasm::exec::FuncAddr;
use heirloom_wasm::{ExportDesc, FuncType, ImportDesc, ValType, describe_func_type};

pub use abi::{ABI_VERSION, ImportError};
pub use app::{Engine, Limits, LoadError, fingerprint};
pub use console::{COLUMNS, ROWS};
pub use files::QUOTA as FILES_QUOTA;
pub use host::{Clock, LogLine};
pub use kv::{KvError, KvStore};
pub use library::{Library, LibraryError};

/// The values [`Library::call`] takes and returns.
pub use heirloom_wasm::exec::Value;

use app::{Instance, Prepared, Stop};
use console::{Console, Ink};
use files::Files;

/// The id written into this core's save states.
pub const CORE_ID: &str = "wasm-app";
/// The version of this core's save state format.
pub const STATE_VERSION: u32 = 1;
/// The id framing the host part inside this core's save states.
const HOST_STATE_ID: &str = "wasm-app-host";
/// Frames per second: apps are called at 60 Hz.
pub const FRAME_RATE: FrameRate = FrameRate::new(60, 1);

const OPTIONS: &[CoreOption] = &[
    CoreOption {
        key: "engine",
        description: "what runs the app's code (applies from the next load)",
        values: OptionValues::Choice(&[
            OptionValue {
                value: "interp",
                description: "Heirloom's portable interpreter",
            },
            OptionValue {
                value: "jit",
                description: "native code compiled by Cranelift",
            },
        ]),
        default: "interp",
    },
    CoreOption {
        key: "fuel",
        description: "instructions one frame (or a whole WASI program) may execute before it is stopped",
        values: OptionValues::Choice(&[
            OptionValue {
                value: "1M",
                description: "one million",
            },
            OptionValue {
                value: "10M",
                description: "ten million",
            },
            OptionValue {
                value: "100M",
                description: "a hundred million",
            },
            OptionValue {
                value: "1G",
                description: "a billion",
            },
            OptionValue {
                value: "10G",
                description: "ten billion",
            },
        ]),
        default: "100M",
    },
    CoreOption {
        key: "deadline",
        description: "wall-clock time one call may take before it is stopped (makes runs machine-dependent)",
        values: OptionValues::Choice(&[
            OptionValue {
                value: "off",
                description: "no deadline: only fuel stops an app",
            },
            OptionValue {
                value: "100ms",
                description: "a tenth of a second",
            },
            OptionValue {
                value: "1s",
                description: "one second",
            },
            OptionValue {
                value: "10s",
                description: "ten seconds",
            },
        ]),
        default: "off",
    },
    CoreOption {
        key: "clock",
        description: "where the app's time comes from (applies from the next load)",
        values: OptionValues::Choice(&[
            OptionValue {
                value: "frames",
                description: "the frame counter: runs are reproducible",
            },
            OptionValue {
                value: "host",
                description: "the host's clock",
            },
        ]),
        default: "frames",
    },
    CoreOption {
        key: "memory",
        description: "the most memory an app may use (applies from the next load)",
        values: OptionValues::Choice(&[
            OptionValue {
                value: "16M",
                description: "16 MiB",
            },
            OptionValue {
                value: "64M",
                description: "64 MiB",
            },
            OptionValue {
                value: "256M",
                description: "256 MiB",
            },
            OptionValue {
                value: "1G",
                description: "1 GiB",
            },
            OptionValue {
                value: "4G",
                description: "4 GiB, all a 32-bit module can address",
            },
        ]),
        default: "256M",
    },
];

/// The entry points of an app or program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A Heirloom ABI app.
    Frames {
        frame: FuncAddr,
        save: Option<FuncAddr>,
        load: Option<FuncAddr>,
    },
    /// A WASI program.
    Command { start: FuncAddr },
    /// A library: shown, not run (see [`Library`]).
    Library,
}

/// Where the loaded app is.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Status {
    /// Nothing loaded.
    Empty,
    /// Running (a program: not yet run).
    Running,
    /// Ended with this status.
    Exited(i32),
    /// Stopped by the core; the message says why.
    Faulted(String),
}

/// A loaded module.
struct Loaded {
    instance: Instance,
    kind: Kind,
    name: String,
}

/// The wasm app core: see the crate documentation.
pub struct WasmApp {
    engine: Engine,
    limits: Limits,
    clock: Clock,
    option_values: [&'static str; 5],
    /// The loaded app, in a cell so that making a save state can run its
    /// `heirloom_save_state`.
    app: Option<RefCell<Loaded>>,
    status: Status,
    /// The picture shown, kept between frames.
    screen: Framebuffer,
    /// The console shown when the app has no picture of its own.
    console: Console,
    regions: Vec<MemoryRegion>,
    /// Frames run since the core was made (for frames with no app).
    idle_frames: u64,
    /// Persistent data for the next app loaded.
    next_kv: Option<KvStore>,
    /// The host folder WASI programs get (canonical); `None` for a folder in memory.
    files_dir: Option<PathBuf>,
}

impl Default for WasmApp {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for WasmApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasmApp")
            .field("engine", &self.engine)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

fn entry_error(name: &'static str, expected: &'static str) -> LoadError {
    LoadError::ExportType { name, expected }
}

fn func_type(params: &[ValType], results: &[ValType]) -> FuncType {
    FuncType {
        params: params.into(),
        results: results.into(),
    }
}

impl WasmApp {
    /// A core with no app loaded, on the interpreter, with the default limits.
    pub fn new() -> Self {
        let mut console = Console::new();
        console.write(
            b"Heirloom wasm app core\n\nLoad a .wasm app or WASI program to run it.\n",
            Ink::Notice,
        );
        let mut screen = Framebuffer::new(console::WIDTH, console::HEIGHT);
        console.render(&mut screen);
        Self {
            engine: Engine::Interpreter,
            limits: Limits::default(),
            clock: Clock::Frames,
            option_values: std::array::from_fn(|i| OPTIONS[i].default),
            app: None,
            status: Status::Empty,
            screen,
            console,
            regions: Vec::new(),
            idle_frames: 0,
            next_kv: None,
            files_dir: None,
        }
    }

    /// A core whose apps run on `engine`.
    pub fn with_engine(engine: Engine) -> Self {
        let mut core = Self::new();
        core.engine = engine;
        core.option_values[0] = engine.name();
        core
    }

    /// The engine apps are loaded on.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The limits each call into the app runs with.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Changes the limits (the memory limit applies from the next load).
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    /// Why the app was stopped, when it was.
    pub fn fault(&self) -> Option<&str> {
        match &self.status {
            Status::Faulted(message) => Some(message),
            _ => None,
        }
    }

    /// Whether an app is loaded and still running.
    pub fn is_running(&self) -> bool {
        self.status == Status::Running
    }

    /// The last messages the app logged (through `heirloom_log`, or what an app with
    /// its own picture printed on standard output and error).
    pub fn log(&self) -> Vec<LogLine> {
        self.app.as_ref().map_or_else(Vec::new, |app| {
            app.borrow()
                .instance
                .host
                .borrow()
                .log
                .iter()
                .cloned()
                .collect()
        })
    }

    /// The loaded app's persistent data, for the frontend to keep (see
    /// [`KvStore::to_bytes`]).
    pub fn persistent_data(&self) -> Option<Vec<u8>> {
        let app = self.app.as_ref()?;
        let bytes = app.borrow().instance.host.borrow().kv.to_bytes();
        Some(bytes)
    }

    /// Whether the app changed its persistent data since the last call: the hook a
    /// frontend polls (once per frame, say) to write the data to disk.
    pub fn take_persistent_changes(&mut self) -> Option<Vec<u8>> {
        let app = self.app.as_mut()?.get_mut();
        let mut host = app.instance.host.borrow_mut();
        host.kv.take_changed().then(|| host.kv.to_bytes())
    }

    /// Gives the next app loaded the persistent data a frontend kept for it from an
    /// earlier run (apps read their data in `heirloom_init`, so call this before
    /// [`load`](Core::load)). The data goes to that one load only: each app's data is its
    /// own.
    pub fn set_persistent_data(&mut self, bytes: &[u8]) -> Result<(), KvError> {
        self.next_kv = Some(KvStore::from_bytes(bytes).ok_or(KvError::Quota)?);
        Ok(())
    }

    /// Adds bytes to the standard input of a WASI program that has not run yet.
    pub fn push_stdin(&mut self, bytes: &[u8]) {
        if let Some(app) = self.app.as_mut() {
            app.get_mut()
                .instance
                .host
                .borrow_mut()
                .stdin
                .extend(bytes.iter().copied());
        }
    }

    /// Gives the apps loaded from now on the host folder `dir` for their files (WASI
    /// descriptor 3, named `.`), or with `None` a fresh, empty folder in memory for each
    /// app (the default). Programs cannot leave the folder: absolute paths, `..` above it
    /// and symbolic links pointing outside fail with `ENOTCAPABLE`; at most
    /// [`FILES_QUOTA`] bytes may be written. Files are not part of save states: a state
    /// loaded, or a reset, finds the folder as it is, with the program's other
    /// descriptors closed. Fails when `dir` is not an existing folder.
    pub fn set_files_dir(&mut self, dir: Option<&Path>) -> std::io::Result<()> {
        self.files_dir = match dir {
            Some(dir) => {
                let dir = dir.canonicalize()?;
                if !dir.is_dir() {
                    return Err(std::io::Error::from(std::io::ErrorKind::NotADirectory));
                }
                Some(dir)
            }
            None => None,
        };
        Ok(())
    }

    /// The host folder set with [`set_files_dir`](Self::set_files_dir) (canonical).
    pub fn files_dir(&self) -> Option<&Path> {
        self.files_dir.as_deref()
    }

    /// A fresh folder for a newly loaded app.
    fn new_files(&self) -> Result<Files, LoadError> {
        match &self.files_dir {
            Some(dir) => Files::host(dir).map_err(|source| LoadError::Files {
                folder: dir.display().to_string(),
                reason: source.to_string(),
            }),
            None => Ok(Files::memory()),
        }
    }

    /// Loads a module from `bytes` (named `name` in messages), replacing the running app.
    /// On error the running app is left as it was.
    pub fn load_module(&mut self, name: &str, bytes: &[u8]) -> Result<(), LoadError> {
        let prepared = Prepared::new(bytes)?;
        let kv = self.next_kv.take().unwrap_or_default();
        let files = self.new_files()?;
        let loaded = self.start(prepared, name, kv, files)?;
        self.install(loaded);
        Ok(())
    }

    /// Instantiates and initialises an app with persistent data `kv` and folder `files`.
    fn start(
        &self,
        prepared: Rc<Prepared>,
        name: &str,
        kv: KvStore,
        files: Files,
    ) -> Result<Loaded, LoadError> {
        let mut instance = Instance::new(prepared, self.engine, name, &self.limits, self.clock)?;
        instance.host.borrow_mut().kv = kv;
        instance.host.borrow_mut().files = files;
        let void = func_type(&[], &[]);
        let frame = instance
            .func("heirloom_frame", &void)
            .map_err(|()| entry_error("heirloom_frame", "(func)"))?;
        let kind = match frame {
            Some(frame) => Kind::Frames {
                frame,
                save: instance
                    .func("heirloom_save_state", &void)
                    .map_err(|()| entry_error("heirloom_save_state", "(func)"))?,
                load: instance
                    .func("heirloom_load_state", &void)
                    .map_err(|()| entry_error("heirloom_load_state", "(func)"))?,
            },
            None => match instance
                .func("_start", &void)
                .map_err(|()| entry_error("_start", "(func)"))?
            {
                Some(start) => Kind::Command { start },
                None if library_exports(&instance.prepared).is_empty() => {
                    return Err(LoadError::NoEntry);
                }
                None => Kind::Library,
            },
        };
        if let Some(initialize) = instance
            .func("_initialize", &void)
            .map_err(|()| entry_error("_initialize", "(func)"))?
        {
            run_init(&mut instance, initialize, &[], "_initialize", &self.limits)?;
        }
        if matches!(kind, Kind::Frames { .. }) {
            instance.host.borrow_mut().stdout_to_console = false;
            let init_type = func_type(&[ValType::I32], &[ValType::I32]);
            if let Some(init) = instance
                .func("heirloom_init", &init_type)
                .map_err(|()| entry_error("heirloom_init", "(func (param i32) (result i32))"))?
            {
                instance.host.borrow_mut().in_init = true;
                let result = run_init(
                    &mut instance,
                    init,
                    &[Value::I32(ABI_VERSION)],
                    "heirloom_init",
                    &self.limits,
                );
                instance.host.borrow_mut().in_init = false;
                match result?.as_slice() {
                    [Value::I32(0)] => {}
                    [Value::I32(code)] => return Err(LoadError::Refused(*code)),
                    _ => return Err(LoadError::Refused(-1)),
                }
            }
        }
        Ok(Loaded {
            instance,
            kind,
            name: name.to_owned(),
        })
    }

    /// Makes `loaded` the running app.
    fn install(&mut self, loaded: Loaded) {
        self.console = Console::new();
        if loaded.kind == Kind::Library {
            let mut text = format!(
                "{} is a library, not a program.\nIt exports these functions for a host to call:\n\n",
                loaded.name
            );
            for (name, ty) in library_exports(&loaded.instance.prepared) {
                text.push_str(&format!("  {name} {ty}\n"));
            }
            text.push_str(
                "\nDrive it from the host: allocate with its malloc, fill, call, read back\n\
                 (heirloom_wasmapp::Library).\n",
            );
            self.console.write(text.as_bytes(), Ink::Notice);
        }
        // A picture presented by heirloom_init is shown from the start, so that a
        // frontend opens its window at the app's size.
        let first_picture = loaded.instance.host.borrow_mut().picture.take();
        self.app = Some(RefCell::new(loaded));
        self.status = Status::Running;
        match first_picture {
            Some(picture) => self.screen = framebuffer_of(&picture),
            None => {
                self.screen = Framebuffer::new(console::WIDTH, console::HEIGHT);
                self.console.render(&mut self.screen);
            }
        }
        self.update_regions();
    }

    fn update_regions(&mut self) {
        self.regions.clear();
        if let Some(app) = &self.app {
            let size = app.borrow().instance.memory_bytes().len();
            self.regions.push(MemoryRegion {
                name: "linear",
                size: u32::try_from(size).unwrap_or(u32::MAX),
                description: "the app's linear memory",
            });
        }
    }

    /// Shows the core's message for a stopped app.
    fn stop(&mut self, stop: Stop) {
        match stop {
            Stop::Exit(status) => {
                self.status = Status::Exited(status);
            }
            Stop::Fault(message) => {
                self.show_fault(&message);
                self.status = Status::Faulted(message);
            }
        }
    }

    fn show_fault(&mut self, message: &str) {
        let command = matches!(
            self.app.as_mut().map(|a| a.get_mut().kind),
            Some(Kind::Command { .. })
        );
        if !command {
            self.console = Console::new();
        }
        self.console.ensure_line_start();
        let text = format!("\nThe app was stopped.\n{message}\nLoad another app to go on.\n");
        self.console.write(text.as_bytes(), Ink::Notice);
        self.console.render(&mut self.screen);
    }

    fn run_app_frame(&mut self, io: &mut FrameIo<'_>) {
        let limits = self.limits;
        let Some(cell) = self.app.as_mut() else {
            return;
        };
        let app = cell.get_mut();
        let frame_number = app.instance.host.borrow().frame;
        let mut stop = None;
        let mut picture = None;
        if self.status == Status::Running {
            match app.kind {
                Kind::Frames { frame, .. } => {
                    {
                        let mut host = app.instance.host.borrow_mut();
                        host.set_input(io.input);
                        host.picture = None;
                        host.audio.clear();
                    }
                    if let Err(s) = app.instance.call(frame, &[], "heirloom_frame", &limits) {
                        stop = Some(s);
                    }
                    let mut host = app.instance.host.borrow_mut();
                    picture = host.picture.take();
                    if stop.is_none() && !host.audio.is_empty() {
                        io.audio.push(&host.audio);
                    }
                }
                Kind::Command { start } => {
                    {
                        let mut host = app.instance.host.borrow_mut();
                        host.set_input(io.input);
                        let typed = std::mem::take(&mut host.text);
                        host.stdin.extend(typed);
                    }
                    let result = app.instance.call(start, &[], "the program", &limits);
                    stop = Some(result.map_or_else(|s| s, |_| Stop::Exit(0)));
                    let host = app.instance.host.borrow();
                    self.console = host.console.clone();
                }
                Kind::Library => {}
            }
        }
        let pushed = app.instance.host.borrow().audio.len() / 2;
        let due = app.instance.host.borrow().frames_due(frame_number);
        let silent = self.status != Status::Running || stop.is_some() || pushed == 0;
        {
            let mut host = app.instance.host.borrow_mut();
            host.frame = host.frame.wrapping_add(1);
        }
        if let Some(picture) = picture {
            self.screen = framebuffer_of(&picture);
        } else if matches!(app.kind, Kind::Command { .. } | Kind::Library) {
            self.console.render(&mut self.screen);
        }
        if silent {
            io.audio.push(&vec![0.0; due * 2]);
        }
        if let Some(stop) = stop {
            self.stop(stop);
        }
        self.update_regions();
    }

    /// The save state payload, with the app's portable state when given.
    fn write_state(
        &self,
        loaded: Option<(&Loaded, &[u8], &[Value])>,
        portable: Option<&[u8]>,
    ) -> Vec<u8> {
        let mut out = StateWriter::new(CORE_ID, STATE_VERSION);
        match &self.status {
            Status::Empty => out.u8(0),
            Status::Running => out.u8(1),
            Status::Exited(code) => out.u8(2).u32(*code as u32),
            Status::Faulted(message) => out.u8(3).sized_bytes(message.as_bytes()),
        };
        out.u64(self.idle_frames);
        self.console.save(&mut out);
        out.u32(self.screen.width()).u32(self.screen.height());
        out.sized_bytes(&self.screen.to_packed_rgba());
        match loaded {
            None => {
                out.bool(false);
            }
            Some((app, memory, globals)) => {
                out.bool(true)
                    .u64(app.instance.prepared.hash)
                    .sized_bytes(app.name.as_bytes());
                let mut host_state = StateWriter::new(HOST_STATE_ID, STATE_VERSION);
                app.instance.host.borrow().save(&mut host_state);
                out.sized_bytes(&host_state.finish());
                out.sized_bytes(memory);
                out.u32(globals.len() as u32);
                for &value in globals {
                    let bits = snapshot::value_bits(value);
                    out.u64(bits as u64).u64((bits >> 64) as u64);
                }
                match portable {
                    Some(blob) => out.bool(true).sized_bytes(blob),
                    None => out.bool(false),
                };
            }
        }
        out.finish()
    }
}

/// The functions a module exports for a host (its own, not those added for save
/// states), with their types in text format.
fn library_exports(prepared: &Prepared) -> Vec<(String, String)> {
    let module = prepared.instrumented.module.module();
    let imported: Vec<u32> = module
        .imports
        .iter()
        .filter_map(|i| match i.desc {
            ImportDesc::Func(t) => Some(t),
            _ => None,
        })
        .collect();
    module
        .exports
        .iter()
        .filter(|e| !e.name.starts_with("heirloom:"))
        .filter_map(|e| match e.desc {
            ExportDesc::Func(index) => {
                let index = index as usize;
                let ty = match imported.get(index) {
                    Some(&t) => t,
                    None => module.functions.get(index - imported.len())?.type_index,
                };
                Some((
                    e.name.clone(),
                    describe_func_type(module.types.get(ty as usize)?),
                ))
            }
            _ => None,
        })
        .collect()
}

/// A presented picture as a framebuffer.
fn framebuffer_of(picture: &host::Picture) -> Framebuffer {
    let mut screen = Framebuffer::new(picture.width, picture.height);
    let row = picture.width as usize * 4;
    for y in 0..picture.height {
        screen
            .row_mut(y)
            .copy_from_slice(&picture.rgba[y as usize * row..][..row]);
    }
    screen
}

/// Runs an initialisation export; any stop is a load error.
fn run_init(
    instance: &mut Instance,
    func: FuncAddr,
    args: &[Value],
    what: &str,
    limits: &Limits,
) -> Result<Vec<Value>, LoadError> {
    instance
        .call(func, args, what, limits)
        .map_err(|stop| match stop {
            Stop::Exit(code) => LoadError::Stopped(format!("{what} exited with status {code}")),
            Stop::Fault(message) => LoadError::Stopped(message),
        })
}

/// A save state, parsed before anything is replaced.
struct ParsedState {
    status: Status,
    idle_frames: u64,
    console: Console,
    screen: Framebuffer,
    app: Option<AppState>,
}

struct AppState {
    hash: u64,
    name: String,
    host_state: Vec<u8>,
    memory: Vec<u8>,
    globals: Vec<u128>,
    portable: Option<Vec<u8>>,
}

fn parse_state(bytes: &[u8]) -> Result<ParsedState, StateError> {
    let bad = |what: String| StateError::Payload(what);
    let mut input = StateReader::open(bytes, CORE_ID, STATE_VERSION)?;
    let status = match input.u8()? {
        0 => Status::Empty,
        1 => Status::Running,
        2 => Status::Exited(input.u32()? as i32),
        3 => Status::Faulted(String::from_utf8_lossy(input.sized_bytes()?).into_owned()),
        other => return Err(bad(format!("unknown status {other}"))),
    };
    let idle_frames = input.u64()?;
    let console = Console::load(&mut input)?;
    let (width, height) = (input.u32()?, input.u32()?);
    let rgba = input.sized_bytes()?;
    if !(1..=4096).contains(&width)
        || !(1..=4096).contains(&height)
        || rgba.len() != width as usize * height as usize * 4
    {
        return Err(bad(format!(
            "a {width}x{height} picture of {} bytes",
            rgba.len()
        )));
    }
    let mut screen = Framebuffer::new(width, height);
    for y in 0..height {
        let row = width as usize * 4;
        screen
            .row_mut(y)
            .copy_from_slice(&rgba[y as usize * row..][..row]);
    }
    let app = if input.bool()? {
        let hash = input.u64()?;
        let name = String::from_utf8_lossy(input.sized_bytes()?).into_owned();
        // The host part is checked now and applied to the new instance later.
        let host_state = input.sized_bytes()?.to_vec();
        read_host(&host_state, &mut host::Host::new("", Clock::Frames, 0))?;
        let memory = input.sized_bytes()?.to_vec();
        let count = input.u32()?;
        let globals = (0..count)
            .map(|_| Ok(u128::from(input.u64()?) | u128::from(input.u64()?) << 64))
            .collect::<Result<Vec<_>, StateError>>()?;
        let portable = if input.bool()? {
            Some(input.sized_bytes()?.to_vec())
        } else {
            None
        };
        Some(AppState {
            hash,
            name,
            host_state,
            memory,
            globals,
            portable,
        })
    } else {
        None
    };
    input.finish()?;
    Ok(ParsedState {
        status,
        idle_frames,
        console,
        screen,
        app,
    })
}

/// Applies a framed host state (made by [`Host::save`](host::Host::save)) to `host`.
fn read_host(framed: &[u8], host: &mut host::Host) -> Result<(), StateError> {
    let mut reader = StateReader::open(framed, HOST_STATE_ID, STATE_VERSION)?;
    host.load(&mut reader)?;
    reader.finish()
}

impl Core for WasmApp {
    fn info(&self) -> CoreInfo {
        let audio_sample_rate = self.app.as_ref().map_or(host::DEFAULT_AUDIO_RATE, |app| {
            app.borrow().instance.host.borrow().audio_rate
        });
        CoreInfo {
            id: CORE_ID,
            name: "WebAssembly app",
            video_width: self.screen.width(),
            video_height: self.screen.height(),
            pixel_aspect: 1.0,
            frame_rate: FRAME_RATE,
            audio_sample_rate,
            audio_channels: 2,
        }
    }

    fn run_frame(&mut self, io: &mut FrameIo<'_>) {
        if self.app.is_some() {
            self.run_app_frame(io);
        } else {
            let due = host::frames_due(self.idle_frames, host::DEFAULT_AUDIO_RATE);
            io.audio.push(&vec![0.0; due * 2]);
            self.idle_frames = self.idle_frames.wrapping_add(1);
        }
        io.video.resize(self.screen.width(), self.screen.height());
        for y in 0..self.screen.height() {
            io.video.row_mut(y).copy_from_slice(self.screen.row(y));
        }
    }

    fn reset(&mut self, _kind: ResetKind) {
        let Some(cell) = self.app.as_mut() else {
            return;
        };
        let app = cell.get_mut();
        let prepared = app.instance.prepared.clone();
        let name = app.name.clone();
        let kv = app.instance.host.borrow().kv.clone();
        let files = app.instance.host.borrow().files.restarted();
        match self.start(prepared, &name, kv, files) {
            Ok(loaded) => self.install(loaded),
            Err(err) => self.stop(Stop::Fault(err.to_string())),
        }
    }

    fn load(&mut self, media: Media) -> Result<(), CoreError> {
        let kind = MediaKind::detect(&media.name, &media.bytes, media.bytes.len() as u64);
        if kind != Some(MediaKind::Wasm) {
            return Err(CoreError::Unsupported {
                name: media.name,
                kind: kind.unwrap_or(MediaKind::Prg),
            });
        }
        self.load_module(&media.name, &media.bytes)
            .map_err(|err| CoreError::Invalid {
                name: media.name.clone(),
                reason: err.to_string(),
            })
    }

    fn save_state(&self) -> Vec<u8> {
        let Some(cell) = &self.app else {
            return self.write_state(None, None);
        };
        let mut app = cell.borrow_mut();
        let memory = app.instance.memory_bytes().to_vec();
        let globals = app.instance.globals();
        let plain = self.write_state(Some((&app, &memory, &globals)), None);
        let Kind::Frames {
            save: Some(save), ..
        } = app.kind
        else {
            return plain;
        };
        if self.status != Status::Running {
            return plain;
        }
        // The app describes itself; then everything it changed doing so is put back.
        app.instance.host.borrow_mut().portable_out = Some(Vec::new());
        let result = app
            .instance
            .call(save, &[], "heirloom_save_state", &self.limits);
        let blob = app.instance.host.borrow_mut().portable_out.take();
        let restored = restore_into(&mut app.instance, &plain);
        debug_assert!(restored.is_ok(), "{restored:?}");
        match (result, blob) {
            (Ok(_), Some(blob)) => {
                drop(app);
                let app = cell.borrow();
                self.write_state(Some((&app, &memory, &globals)), Some(&blob))
            }
            _ => plain,
        }
    }

    fn load_state(&mut self, state: &[u8]) -> Result<(), StateError> {
        let parsed = parse_state(state)?;
        let Some(saved) = parsed.app else {
            self.app = None;
            self.status = parsed.status;
            self.idle_frames = parsed.idle_frames;
            self.console = parsed.console;
            self.screen = parsed.screen;
            self.update_regions();
            return Ok(());
        };
        let Some(cell) = self.app.as_mut() else {
            return Err(StateError::Payload(format!(
                "the state is of the app `{}`: load it first",
                saved.name
            )));
        };
        let current = cell.get_mut();
        let prepared = current.instance.prepared.clone();
        let name = current.name.clone();
        let loaded = if prepared.hash == saved.hash {
            let mut instance =
                Instance::new(prepared, self.engine, &name, &self.limits, self.clock)
                    .map_err(|err| StateError::Payload(err.to_string()))?;
            instance
                .restore(&saved.memory, &saved.globals)
                .map_err(StateError::Payload)?;
            read_host(&saved.host_state, &mut instance.host.borrow_mut())?;
            instance.host.borrow_mut().files = current.instance.host.borrow().files.restarted();
            Loaded {
                instance,
                kind: current.kind,
                name,
            }
        } else {
            let (Some(blob), Kind::Frames { load: Some(_), .. }) = (&saved.portable, current.kind)
            else {
                return Err(StateError::Payload(format!(
                    "the state was made by another build of `{}` and holds no portable app state",
                    saved.name
                )));
            };
            let mut old = host::Host::new("", Clock::Frames, 0);
            read_host(&saved.host_state, &mut old)?;
            let files = current.instance.host.borrow().files.restarted();
            let mut fresh = self
                .start(prepared, &name, old.kv, files)
                .map_err(|err| StateError::Payload(err.to_string()))?;
            let Kind::Frames {
                load: Some(load), ..
            } = fresh.kind
            else {
                return Err(StateError::Payload(
                    "the app lost heirloom_load_state".into(),
                ));
            };
            {
                let mut host = fresh.instance.host.borrow_mut();
                host.frame = old.frame;
                host.slept_ns = old.slept_ns;
                host.rng = old.rng;
                host.portable_in = Some((blob.clone(), 0));
            }
            let result = fresh
                .instance
                .call(load, &[], "heirloom_load_state", &self.limits);
            fresh.instance.host.borrow_mut().portable_in = None;
            result.map_err(|stop| {
                StateError::Payload(match stop {
                    Stop::Exit(code) => format!("heirloom_load_state exited with status {code}"),
                    Stop::Fault(message) => message,
                })
            })?;
            fresh
        };
        self.app = Some(RefCell::new(loaded));
        self.status = parsed.status;
        self.idle_frames = parsed.idle_frames;
        self.console = parsed.console;
        self.screen = parsed.screen;
        self.update_regions();
        Ok(())
    }

    fn memory_regions(&self) -> &[MemoryRegion] {
        &self.regions
    }

    fn read_memory(
        &self,
        region: &str,
        address: u32,
        buffer: &mut [u8],
    ) -> Result<(), MemoryError> {
        let found = self.regions.iter().find(|r| r.name == region);
        let (Some(found), Some(app)) = (found, &self.app) else {
            return Err(MemoryError::UnknownRegion(region.to_owned()));
        };
        let range = found.check(address, buffer.len())?;
        buffer.copy_from_slice(&app.borrow().instance.memory_bytes()[range]);
        Ok(())
    }

    fn write_memory(&mut self, region: &str, address: u32, data: &[u8]) -> Result<(), MemoryError> {
        let found = self.regions.iter().find(|r| r.name == region).copied();
        let (Some(found), Some(app)) = (found, self.app.as_mut()) else {
            return Err(MemoryError::UnknownRegion(region.to_owned()));
        };
        let range = found.check(address, data.len())?;
        let instance = &mut app.get_mut().instance;
        if let Some(memory) = instance.memory() {
            instance.store.memory_mut(memory)[range].copy_from_slice(data);
        }
        Ok(())
    }

    fn options(&self) -> &[CoreOption] {
        OPTIONS
    }

    fn option(&self, key: &str) -> Result<String, OptionError> {
        OPTIONS
            .iter()
            .position(|o| o.key == key)
            .map(|i| self.option_values[i].to_owned())
            .ok_or_else(|| OptionError::UnknownOption(key.to_owned()))
    }

    fn set_option(&mut self, key: &str, value: &str) -> Result<(), OptionError> {
        let index = OPTIONS
            .iter()
            .position(|o| o.key == key)
            .ok_or_else(|| OptionError::UnknownOption(key.to_owned()))?;
        let option = &OPTIONS[index];
        let value = option
            .find(value)
            .ok_or_else(|| OptionError::bad_value(option, value))?;
        let mega = |n: u64| n * 1_000_000;
        match (key, value) {
            ("engine", name) => {
                self.engine = Engine::from_name(name).unwrap_or_default();
            }
            ("fuel", amount) => {
                self.limits.fuel = match amount {
                    "1M" => mega(1),
                    "10M" => mega(10),
                    "100M" => mega(100),
                    "1G" => mega(1000),
                    _ => mega(10_000),
                };
            }
            ("deadline", time) => {
                self.limits.deadline = match time {
                    "off" => None,
                    "100ms" => Some(Duration::from_millis(100)),
                    "1s" => Some(Duration::from_secs(1)),
                    _ => Some(Duration::from_secs(10)),
                };
            }
            ("clock", source) => {
                self.clock = if source == "host" {
                    Clock::Host
                } else {
                    Clock::Frames
                };
            }
            (_, size) => {
                self.limits.memory_pages = match size {
                    "16M" => 256,
                    "64M" => 1024,
                    "256M" => 4096,
                    "1G" => 16384,
                    _ => 65536,
                };
            }
        }
        self.option_values[index] = value;
        Ok(())
    }

    fn exit_code(&self) -> Option<u8> {
        match self.status {
            Status::Exited(code) => Some(code as u8),
            _ => None,
        }
    }

    fn screen_text(&self) -> Option<String> {
        let own_picture = matches!(
            self.app.as_ref().map(|a| a.borrow().kind),
            Some(Kind::Frames { .. })
        );
        (!own_picture || self.fault().is_some()).then(|| self.console.text())
    }
}

/// Puts back into `instance` the memory, globals and host state of a state `bytes` made
/// from it.
fn restore_into(instance: &mut Instance, bytes: &[u8]) -> Result<(), StateError> {
    let parsed = parse_state(bytes)?;
    let saved = parsed
        .app
        .ok_or_else(|| StateError::Payload("no app in the state".into()))?;
    instance
        .restore(&saved.memory, &saved.globals)
        .map_err(StateError::Payload)?;
    read_host(&saved.host_state, &mut instance.host.borrow_mut())
}
