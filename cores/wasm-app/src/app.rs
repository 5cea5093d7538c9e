//! One instantiated module with its host state: loading, calling with limits, and
//! snapshots of its memory and globals.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::rc::Rc;
use std::time::{Duration, Instant};

use heirloom_wasm::exec::{
    Config, Extern, FuncAddr, InstanceId, InstantiationError, MemAddr, PAGE_SIZE, Store, Trap,
    Value,
};
use heirloom_wasm::{FuncType, Module};

use crate::abi::{self, ImportError};
use crate::host::{Clock, Host};
use crate::snapshot::{self, GlobalSlot, Instrumented};

/// The engine that runs an app's code: the one place where a compiling engine plugs in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Engine {
    /// Heirloom's portable interpreter.
    #[default]
    Interpreter,
    /// Native code compiled by Cranelift (`heirloom-jit`).
    Jit,
}

impl Engine {
    /// Every engine in this build.
    pub const ALL: &'static [Engine] = &[Engine::Interpreter, Engine::Jit];

    /// The engine's name as the `engine` option writes it.
    pub const fn name(self) -> &'static str {
        match self {
            Engine::Interpreter => "interp",
            Engine::Jit => "jit",
        }
    }

    /// The engine called `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|e| e.name() == name)
    }

    /// A store whose code runs on this engine.
    fn store(self, config: Config) -> Result<Store, LoadError> {
        match self {
            Engine::Interpreter => Ok(Store::new(config)),
            Engine::Jit => {
                heirloom_jit::store(config).map_err(|err| LoadError::Engine(err.to_string()))
            }
        }
    }
}

/// What one call into an app may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Instructions one call may execute.
    pub fuel: u64,
    /// Wall-clock time one call may take (`None`: no deadline). A deadline makes a run
    /// depend on the machine's speed; fuel alone keeps it reproducible.
    pub deadline: Option<Duration>,
    /// Pages (64 KiB) the app's memory may grow to.
    pub memory_pages: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            fuel: 100_000_000,
            deadline: None,
            memory_pages: 4096,
        }
    }
}

/// Why a module could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// The bytes are not a valid module.
    #[error("not a valid WebAssembly module: {0}")]
    Module(#[from] heirloom_wasm::Error),
    /// An import cannot be provided.
    #[error(transparent)]
    Import(#[from] ImportError),
    /// Instantiation failed (memory over the limit, a trapping start function).
    #[error("cannot start the module: {0}")]
    Instantiate(#[from] InstantiationError),
    /// The module's memory is larger than the limit.
    #[error(
        "the module needs {wanted} pages ({} MiB) of memory, more than the limit of {limit} pages ({} MiB; option `memory`)",
        u64::from(*wanted) * 64 / 1024,
        u64::from(*limit) * 64 / 1024
    )]
    MemoryLimit {
        /// Pages the module asks for.
        wanted: u32,
        /// Pages allowed.
        limit: u32,
    },
    /// The engine cannot run on this machine.
    #[error("the engine does not start: {0}")]
    Engine(String),
    /// The module is neither an app nor a program.
    #[error("exports neither heirloom_frame (an app) nor _start (a WASI program)")]
    NoEntry,
    /// An entry point has the wrong type.
    #[error("export {name} must be {expected}")]
    ExportType {
        /// The export.
        name: &'static str,
        /// Its required type, in text format.
        expected: &'static str,
    },
    /// `heirloom_init` returned non-zero.
    #[error("heirloom_init refused to run (returned {0})")]
    Refused(i32),
    /// Initialisation was stopped (a trap, an exhausted budget, an exit).
    #[error("{0}")]
    Stopped(String),
    /// The host folder for the app's files cannot be opened.
    #[error("{folder}: cannot open the app's folder: {reason}")]
    Files {
        /// The host folder.
        folder: String,
        /// What the system said.
        reason: String,
    },
}

/// How a call into the app ended, when it did not return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// The app asked to end with this status.
    Exit(i32),
    /// The app was stopped; the message says why and where.
    Fault(String),
}

/// A stable 64-bit fingerprint of a module's bytes (FNV-1a).
pub fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A decoded, extended module ready to be instantiated any number of times.
#[derive(Debug)]
pub struct Prepared {
    /// The module with its save-state exports.
    pub instrumented: Instrumented,
    /// Function names from the `name` section, for messages.
    pub names: BTreeMap<u32, String>,
    /// Fingerprint of the original bytes.
    pub hash: u64,
}

impl Prepared {
    /// Decodes, extends and validates `bytes`.
    pub fn new(bytes: &[u8]) -> Result<Rc<Self>, LoadError> {
        let module = Module::decode(bytes).map_err(heirloom_wasm::Error::from)?;
        let names = module.names.functions.clone();
        Ok(Rc::new(Self {
            instrumented: snapshot::instrument(module)?,
            names,
            hash: fingerprint(bytes),
        }))
    }
}

/// An instantiated module and its host state.
pub struct Instance {
    /// The module it was made from.
    pub prepared: Rc<Prepared>,
    /// The engine's store.
    pub store: Store,
    /// The instance in the store.
    pub id: InstanceId,
    /// The state its imports share.
    pub host: Rc<RefCell<Host>>,
}

impl std::fmt::Debug for Instance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Instance")
            .field("hash", &self.prepared.hash)
            .finish_non_exhaustive()
    }
}

impl Instance {
    /// Instantiates `prepared` on `engine`, linked to a fresh host state.
    pub fn new(
        prepared: Rc<Prepared>,
        engine: Engine,
        name: &str,
        limits: &Limits,
        clock: Clock,
    ) -> Result<Self, LoadError> {
        let pages = limits.memory_pages.clamp(1, heirloom_wasm::MAX_PAGES);
        let mut store = engine.store(Config {
            max_memory_pages: pages,
            ..Config::default()
        })?;
        let host = Rc::new(RefCell::new(Host::new(
            name,
            clock,
            pages as u64 * PAGE_SIZE as u64,
        )));
        host.borrow_mut().memory_export = prepared
            .instrumented
            .memory_export
            .clone()
            .unwrap_or_default();
        let module = &prepared.instrumented.module;
        let imports = abi::link(&mut store, module.module(), &host, pages)?;
        store.set_fuel(Some(limits.fuel));
        let id = store
            .instantiate(module, &imports)
            .map_err(|err| match err {
                InstantiationError::MemoryLimit(wanted) => LoadError::MemoryLimit {
                    wanted,
                    limit: pages,
                },
                other => LoadError::Instantiate(other),
            })?;
        Ok(Self {
            prepared,
            store,
            id,
            host,
        })
    }

    /// The exported function `name`, if it has type `ty`; `Err` when it exists with
    /// another type.
    pub fn func(&self, name: &str, ty: &FuncType) -> Result<Option<FuncAddr>, ()> {
        match self.store.export(self.id, name) {
            Some(Extern::Func(f)) if self.store.func_type(f) == ty => Ok(Some(f)),
            Some(_) => Err(()),
            None => Ok(None),
        }
    }

    /// The exported function `name` of any type.
    pub fn any_func(&self, name: &str) -> Option<FuncAddr> {
        match self.store.export(self.id, name) {
            Some(Extern::Func(f)) => Some(f),
            _ => None,
        }
    }

    /// The app's memory.
    pub fn memory(&self) -> Option<MemAddr> {
        let name = self.prepared.instrumented.memory_export.as_deref()?;
        match self.store.export(self.id, name) {
            Some(Extern::Memory(m)) => Some(m),
            _ => None,
        }
    }

    /// The bytes of the app's memory (empty when it has none).
    pub fn memory_bytes(&self) -> &[u8] {
        self.memory().map_or(&[], |m| self.store.memory(m))
    }

    /// Calls `func` within `limits`. `what` names the call in messages.
    pub fn call(
        &mut self,
        func: FuncAddr,
        args: &[Value],
        what: &str,
        limits: &Limits,
    ) -> Result<Vec<Value>, Stop> {
        self.store.set_fuel(Some(limits.fuel));
        self.store
            .set_deadline(limits.deadline.map(|d| Instant::now() + d));
        let store = &mut self.store;
        let result = panic::catch_unwind(AssertUnwindSafe(|| store.invoke(func, args)));
        self.store.set_deadline(None);
        match result {
            Ok(Ok(values)) => Ok(values),
            Ok(Err(Trap::Exit(status))) => Err(Stop::Exit(status)),
            Ok(Err(trap)) => Err(Stop::Fault(self.describe(what, &trap, limits))),
            Err(payload) => {
                let reason = payload
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "no message".into());
                Err(Stop::Fault(format!(
                    "{what} stopped: a host function failed inside the core ({reason})"
                )))
            }
        }
    }

    /// A message for people: which call stopped, why, and in which function.
    fn describe(&self, what: &str, trap: &Trap, limits: &Limits) -> String {
        let reason = match trap {
            Trap::OutOfFuel => format!(
                "ran more than {} instructions without returning (an endless loop?)",
                limits.fuel
            ),
            Trap::DeadlineExceeded => format!(
                "ran past its deadline of {:?} (an endless loop?)",
                limits.deadline.unwrap_or_default()
            ),
            Trap::Interrupted => "interrupted by the host".into(),
            Trap::MemoryOutOfBounds => "out-of-bounds memory access".into(),
            Trap::StackExhausted => "call stack exhausted (runaway recursion?)".into(),
            Trap::Unreachable => "reached `unreachable` (the app aborted)".into(),
            Trap::Host(message) => message.clone(),
            other => other.to_string(),
        };
        let place = self.store.last_backtrace().first().map(|frame| {
            match self.prepared.names.get(&frame.func_index) {
                Some(name) => format!(" in {name} (function {})", frame.func_index),
                None => format!(" in function {}", frame.func_index),
            }
        });
        format!("{what} stopped: {reason}{}", place.unwrap_or_default())
    }

    /// The values of the module's mutable globals, in slot order.
    pub fn globals(&self) -> Vec<Value> {
        snapshot::read_globals(&self.store, self.id, self.slots())
    }

    fn slots(&self) -> &[GlobalSlot] {
        &self.prepared.instrumented.globals
    }

    /// Puts back memory contents and global values taken from an instance of the same
    /// module.
    pub fn restore(&mut self, memory: &[u8], globals: &[u128]) -> Result<(), String> {
        if let Some(addr) = self.memory() {
            let have = self.store.memory(addr).len();
            if memory.len() < have || !memory.len().is_multiple_of(PAGE_SIZE) {
                return Err(format!(
                    "memory of {} bytes does not fit the app's {have}",
                    memory.len()
                ));
            }
            let pages = ((memory.len() - have) / PAGE_SIZE) as u32;
            if pages > 0 && self.store.grow_memory(addr, pages).is_none() {
                return Err(format!(
                    "memory of {} bytes is over this core's limit",
                    memory.len()
                ));
            }
            self.store.memory_mut(addr).copy_from_slice(memory);
        } else if !memory.is_empty() {
            return Err("memory for an app without one".into());
        }
        let slots = self.slots().to_vec();
        if slots.len() != globals.len() {
            return Err(format!(
                "{} globals for an app with {}",
                globals.len(),
                slots.len()
            ));
        }
        for (slot, &bits) in slots.iter().zip(globals) {
            let setter = snapshot::setter(&self.store, self.id, slot)
                .ok_or_else(|| format!("global {} cannot be set", slot.index))?;
            let value = snapshot::value_from_bits(slot.ty, bits);
            self.store.set_fuel(Some(16));
            self.store
                .invoke(setter, &[value])
                .map_err(|trap| format!("global {}: {trap}", slot.index))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module whose `run` calls the host function `test.boom`.
    fn module() -> Vec<u8> {
        let text = r#"(module
            (import "test" "boom" (func $boom))
            (memory (export "memory") 1)
            (func (export "run") (call $boom)))"#;
        let buf = wast::parser::ParseBuffer::new(text).unwrap();
        let mut wat: wast::Wat<'_> = wast::parser::parse(&buf).unwrap();
        wat.encode().unwrap()
    }

    #[test]
    fn a_host_function_that_panics_stops_the_call_with_a_message() {
        let prepared = Prepared::new(&module()).unwrap();
        let mut store = Store::default();
        let boom = store.host_func(
            FuncType {
                params: [].into(),
                results: [].into(),
            },
            |_, _| panic!("the sound card caught fire"),
        );
        let id = store
            .instantiate(&prepared.instrumented.module, &[Extern::Func(boom)])
            .unwrap();
        let host = Rc::new(RefCell::new(Host::new("boom", Clock::Frames, 1 << 16)));
        let mut instance = Instance {
            prepared,
            store,
            id,
            host,
        };
        let run = instance.any_func("run").unwrap();
        let stop = instance
            .call(run, &[], "heirloom_frame", &Limits::default())
            .unwrap_err();
        assert_eq!(
            stop,
            Stop::Fault(
                "heirloom_frame stopped: a host function failed inside the core \
                 (the sound card caught fire)"
                    .into()
            )
        );
        // The store is still usable for reading memory after the failed call.
        assert_eq!(instance.memory_bytes().len(), 65536);
    }
}
