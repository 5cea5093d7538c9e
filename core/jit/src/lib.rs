//! Heirloom's native code backend for WebAssembly, built on Cranelift.
//!
//! [`Jit`] is an [`Engine`] for [`heirloom_wasm::exec::Store`]: a store made with
//! [`Store::with_engine`] (or [`store`]) compiles the functions of every module it
//! instantiates to native code and runs them there. Instantiation, imports, invocation,
//! traps, fuel, deadlines, interrupts, the call-depth limit and backtraces work as with
//! the interpreter: the engine is a choice, not a different API.
//!
//! ```
//! use heirloom_wasm::Module;
//! use heirloom_wasm::exec::{Config, Extern, Value};
//! // (module (func (export "add") (param i32 i32) (result i32)
//! //   local.get 0 local.get 1 i32.add))
//! let bytes = [
//!     0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f,
//!     0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64,
//!     0x00, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b,
//! ];
//! let module = Module::from_bytes(&bytes).unwrap();
//! let mut store = heirloom_jit::store(Config::default()).unwrap();
//! let instance = store.instantiate(&module, &[]).unwrap();
//! let Some(Extern::Func(add)) = store.export(instance, "add") else { panic!("no add") };
//! assert_eq!(store.invoke(add, &[Value::I32(2), Value::I32(40)]), Ok(vec![Value::I32(42)]));
//! ```
//!
//! The whole WebAssembly 2.0 instruction set is compiled, vectors included. Every memory
//! access is checked against the memory's current length by explicit compare-and-branch
//! code (see the crate's README for why); traps, host calls and limits follow the
//! contract of [`heirloom_wasm::exec::native`]. Should code generation fail for a
//! function, instantiation fails with
//! [`InstantiationError::Compile`](heirloom_wasm::exec::InstantiationError::Compile).
//!
//! A module with enough code compiles on several threads ([`Jit::with_threads`]), and
//! compiled code can be kept in a folder for the next run ([`Jit::with_cache`]; off
//! unless asked for).

mod cache;
mod compile;
mod symbols;
mod translate;

use std::path::PathBuf;
use std::rc::Rc;

use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_jit::{JITBuilder, JITModule};
use heirloom_wasm::ValidatedModule;
use heirloom_wasm::exec::native::{ArrayEntry, CompiledInstance, Engine, InstanceEnv};
use heirloom_wasm::exec::{Config, Store};

pub use cache::CacheStats;
use cache::CodeCache;
use symbols::Symbols;

/// Why the compiler could not be set up for this machine.
#[derive(Debug, thiserror::Error)]
pub enum JitError {
    /// Cranelift does not support the host.
    #[error("the host is not supported by Cranelift: {0}")]
    UnsupportedHost(String),
    /// A code generator setting was refused.
    #[error("code generator setting refused: {0}")]
    Setting(String),
}

/// Native stack kept free below the deepest compiled frame for helpers and host
/// functions.
const RED_ZONE: usize = 1 << 20;

/// Native stack reserved per allowed nested call (the frames of typical functions are
/// far smaller; the stack check at every entry catches larger ones).
const FRAME_BYTES: usize = 512;

/// The Cranelift engine.
pub struct Jit {
    isa: OwnedTargetIsa,
    threads: usize,
    cache: Option<CodeCache>,
}

impl std::fmt::Debug for Jit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jit")
            .field("isa", &self.isa.name())
            .field("threads", &self.threads)
            .field("cache", &self.cache)
            .finish()
    }
}

impl Jit {
    /// An engine generating code for the host machine.
    pub fn new() -> Result<Jit, JitError> {
        let mut flags = settings::builder();
        let set = |flags: &mut settings::Builder, name: &str, value: &str| {
            flags
                .set(name, value)
                .map_err(|e| JitError::Setting(format!("{name}={value}: {e}")))
        };
        set(&mut flags, "opt_level", "speed")?;
        set(
            &mut flags,
            "enable_verifier",
            if cfg!(debug_assertions) {
                "true"
            } else {
                "false"
            },
        )?;
        set(&mut flags, "enable_multi_ret_implicit_sret", "true")?;
        set(&mut flags, "use_colocated_libcalls", "false")?;
        set(&mut flags, "is_pic", "false")?;
        let isa = cranelift_native::builder()
            .map_err(|e| JitError::UnsupportedHost(e.to_string()))?
            .finish(settings::Flags::new(flags))
            .map_err(|e| JitError::UnsupportedHost(e.to_string()))?;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        Ok(Jit {
            isa,
            threads,
            cache: None,
        })
    }

    /// Compiles a module's functions on at most `threads` threads (at least one). By
    /// default as many as the machine runs at once; small modules always compile on the
    /// calling thread.
    pub fn with_threads(mut self, threads: usize) -> Jit {
        self.threads = threads.max(1);
        self
    }

    /// Keeps compiled code in the folder `dir` and takes it from there when the same
    /// module is instantiated the same way again, in this process or a later one. The
    /// folder must be as trusted as the program: the code in it runs.
    pub fn with_cache(mut self, dir: impl Into<PathBuf>) -> Jit {
        self.cache = Some(CodeCache::new(dir.into()));
        self
    }

    /// How the code cache served so far (all zeros without a cache).
    pub fn cache_stats(&self) -> CacheStats {
        self.cache
            .as_ref()
            .map(CodeCache::stats)
            .unwrap_or_default()
    }

    /// Declares the instance's symbols in `jit`, compiles (or finds in the cache) the
    /// code of its functions and links it.
    fn generate(
        &self,
        jit: &mut JITModule,
        module: &ValidatedModule,
        env: &InstanceEnv,
    ) -> Result<Symbols, String> {
        let symbols = Symbols::declare(jit, module, env)?;
        let compile =
            || compile::compile_functions(&*self.isa, &symbols, module, env, self.threads);
        let code = match &self.cache {
            None => compile()?,
            Some(cache) => {
                let key = CodeCache::key(&*self.isa, module, env);
                match cache.load(&key, &symbols) {
                    Some(code) => code,
                    None => {
                        let code = compile()?;
                        cache.store(&key, &code);
                        code
                    }
                }
            }
        };
        compile::link(jit, &symbols, &code)?;
        Ok(symbols)
    }
}

/// A store whose module functions run as native code compiled by a new [`Jit`].
pub fn store(config: Config) -> Result<Store, JitError> {
    Ok(Store::with_engine(config, Rc::new(Jit::new()?)))
}

impl Engine for Jit {
    fn name(&self) -> &'static str {
        "cranelift"
    }

    fn compile(
        &self,
        module: &ValidatedModule,
        env: &InstanceEnv,
    ) -> Result<Box<dyn CompiledInstance>, String> {
        let mut builder =
            JITBuilder::with_isa(self.isa.clone(), cranelift_module::default_libcall_names());
        builder.symbols(symbols::addresses(env));
        let mut jit = JITModule::new(builder);
        match self.generate(&mut jit, module, env) {
            Ok(symbols) => {
                let direct = symbols
                    .direct
                    .iter()
                    .map(|&id| jit.get_finalized_function(id))
                    .collect();
                let array = symbols
                    .array
                    .iter()
                    .map(|&id| {
                        let p = jit.get_finalized_function(id);
                        // SAFETY: the function was compiled with the array signature.
                        unsafe { std::mem::transmute::<*const u8, ArrayEntry>(p) }
                    })
                    .collect();
                Ok(Box::new(Compiled {
                    jit: Some(jit),
                    direct,
                    array,
                }))
            }
            Err(e) => {
                // SAFETY: none of the module's code was handed out or run.
                unsafe { jit.free_memory() };
                Err(e)
            }
        }
    }

    fn run_on_stack(&self, max_depth: usize, body: &mut dyn FnMut(usize)) {
        let needed = max_depth
            .saturating_mul(FRAME_BYTES)
            .saturating_add(2 * RED_ZONE);
        let limit = || {
            let here = 0u8;
            let sp = &here as *const u8 as usize;
            let remaining = stacker::remaining_stack().unwrap_or(0);
            sp.saturating_sub(remaining).saturating_add(RED_ZONE)
        };
        match stacker::remaining_stack() {
            Some(remaining) if remaining >= needed => body(limit()),
            _ => stacker::grow(needed, || body(limit())),
        }
    }
}

/// The code of one instance.
struct Compiled {
    /// `None` only while dropping.
    jit: Option<JITModule>,
    direct: Vec<*const u8>,
    array: Vec<ArrayEntry>,
}

impl CompiledInstance for Compiled {
    fn array_entry(&self, index: u32) -> ArrayEntry {
        self.array[index as usize]
    }

    fn direct_entry(&self, index: u32) -> *const u8 {
        self.direct[index as usize]
    }
}

impl Drop for Compiled {
    fn drop(&mut self) {
        if let Some(jit) = self.jit.take() {
            // SAFETY: the store drops its compiled code last, when no run is active and
            // no other instance's code can call into it any more.
            unsafe { jit.free_memory() };
        }
    }
}
