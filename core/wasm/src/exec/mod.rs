//! The portable interpreter: a store of runtime objects, instantiation with imports, and
//! an engine that executes validated function bodies.
//!
//! Everything a module can touch lives in a [`Store`]: functions, tables, memories,
//! globals and segments, addressed by index. Instantiating a module allocates its objects
//! in the store and links its imports to objects already there (from other instances or
//! made by the host). Traps come back as [`Trap`] values; memory and table accesses are
//! bounds-checked; call depth, operand stack, memory and table sizes are limited
//! ([`Config`]), and so is the number of instructions executed ([`Store::set_fuel`]).
//!
//! The engine runs the whole WebAssembly 2.0 instruction set, vectors included. Operand
//! slots are 128 bits wide so that a vector fits one slot like any scalar.
//!
//! # Stopping a run from outside
//!
//! Besides fuel, a run can be bounded by a deadline ([`Store::set_deadline`]) and stopped
//! from another thread through an [`InterruptHandle`] ([`Store::interrupt_handle`]). Both
//! are polled, never signalled: the engine looks at the interrupt flag and the clock
//! before the first instruction of every call made with [`Store::invoke`] and then after
//! every [`CHECK_INTERVAL`] executed instructions. Every loop iteration and every function
//! call executes instructions, so a spinning loop or a runaway recursion always notices
//! within that many instructions; a host function that blocks is not interrupted. The
//! run then ends in [`Trap::Interrupted`] or [`Trap::DeadlineExceeded`], a trap like any
//! other (the store stays usable). The interrupt flag stays set, so later calls trap at
//! once, until [`InterruptHandle::clear`]; the deadline stays until it is replaced. A
//! compiling engine gives the same guarantee by checking at function entries and loop
//! back edges.

mod interp;
pub mod native;
mod numeric;
mod simd;

use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::instructions::Instr;
use crate::module::{DataMode, ElementItems, ElementMode, ExportDesc, ImportDesc};
use crate::types::{FuncType, GlobalType, Limits, MemoryType, TableType, ValType};
use crate::validate::{MAX_PAGES, SideTable, ValidatedModule};

/// Bytes in one memory page.
pub const PAGE_SIZE: usize = 65536;

/// How many instructions may run between two looks at the interrupt flag and the
/// deadline (see the module documentation).
pub const CHECK_INTERVAL: u64 = 4096;

/// The encoding of a null reference in an operand slot.
pub(crate) const NULL_REF: Slot = u64::MAX as Slot;

/// An untyped operand: wide enough for a 128-bit vector; scalars use the low bits.
pub(crate) type Slot = u128;

/// Address of a function in a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FuncAddr(pub(crate) u32);

/// Address of a table in a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TableAddr(pub(crate) u32);

/// Address of a memory in a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MemAddr(pub(crate) u32);

/// Address of a global in a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GlobalAddr(pub(crate) u32);

/// Handle of an instantiated module in a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InstanceId(pub(crate) u32);

/// A runtime value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Value {
    /// A 32-bit integer.
    I32(i32),
    /// A 64-bit integer.
    I64(i64),
    /// A 32-bit float as raw bits (NaN payloads are kept exactly).
    F32(u32),
    /// A 64-bit float as raw bits (NaN payloads are kept exactly).
    F64(u64),
    /// A function reference, or null.
    FuncRef(Option<FuncAddr>),
    /// A host reference, or null.
    ExternRef(Option<u32>),
    /// A 128-bit vector, lane 0 in the least significant bits.
    V128(u128),
}

impl Value {
    /// The value's type.
    pub fn ty(&self) -> ValType {
        match self {
            Value::I32(_) => ValType::I32,
            Value::I64(_) => ValType::I64,
            Value::F32(_) => ValType::F32,
            Value::F64(_) => ValType::F64,
            Value::FuncRef(_) => ValType::FuncRef,
            Value::ExternRef(_) => ValType::ExternRef,
            Value::V128(_) => ValType::V128,
        }
    }

    /// The default (zero or null) value of a type.
    pub fn default_of(ty: ValType) -> Value {
        match ty {
            ValType::I32 => Value::I32(0),
            ValType::I64 => Value::I64(0),
            ValType::F32 => Value::F32(0),
            ValType::F64 => Value::F64(0),
            ValType::FuncRef => Value::FuncRef(None),
            ValType::ExternRef => Value::ExternRef(None),
            ValType::V128 => Value::V128(0),
        }
    }

    /// The value as an untyped operand slot.
    pub(crate) fn to_slot(self) -> Slot {
        match self {
            Value::I32(v) => Slot::from(v as u32),
            Value::I64(v) => Slot::from(v as u64),
            Value::F32(v) => Slot::from(v),
            Value::F64(v) => Slot::from(v),
            Value::FuncRef(r) => r.map_or(NULL_REF, |a| Slot::from(a.0)),
            Value::ExternRef(r) => r.map_or(NULL_REF, Slot::from),
            Value::V128(v) => v,
        }
    }

    /// Reads an untyped operand slot as a value of type `ty`.
    pub(crate) fn from_slot(ty: ValType, slot: Slot) -> Value {
        let reference = |slot: Slot| (slot != NULL_REF).then_some(slot as u32);
        match ty {
            ValType::I32 => Value::I32(slot as u32 as i32),
            ValType::I64 => Value::I64(slot as u64 as i64),
            ValType::F32 => Value::F32(slot as u32),
            ValType::F64 => Value::F64(slot as u64),
            ValType::FuncRef => Value::FuncRef(reference(slot).map(FuncAddr)),
            ValType::ExternRef => Value::ExternRef(reference(slot)),
            ValType::V128 => Value::V128(slot),
        }
    }
}

/// Why execution stopped abnormally.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Trap {
    /// `unreachable` was executed.
    #[error("unreachable executed")]
    Unreachable,
    /// A memory access outside the memory.
    #[error("out of bounds memory access")]
    MemoryOutOfBounds,
    /// A table access outside the table.
    #[error("out of bounds table access")]
    TableOutOfBounds,
    /// `call_indirect` with an index outside the table.
    #[error("undefined element")]
    UndefinedElement,
    /// `call_indirect` on a null table entry (at this index).
    #[error("uninitialized element {0}")]
    UninitializedElement(u32),
    /// `call_indirect` on a function of another type.
    #[error("indirect call type mismatch")]
    IndirectCallTypeMismatch,
    /// Integer division or remainder by zero.
    #[error("integer divide by zero")]
    IntegerDivideByZero,
    /// Signed division overflow, or a float-to-int conversion out of range.
    #[error("integer overflow")]
    IntegerOverflow,
    /// A float-to-int conversion of NaN.
    #[error("invalid conversion to integer")]
    InvalidConversion,
    /// The call depth or operand stack limit was reached.
    #[error("call stack exhausted")]
    StackExhausted,
    /// The fuel given with [`Store::set_fuel`] ran out.
    #[error("out of fuel")]
    OutOfFuel,
    /// An [`InterruptHandle`] of the store was triggered.
    #[error("interrupted")]
    Interrupted,
    /// The deadline given with [`Store::set_deadline`] passed.
    #[error("deadline exceeded")]
    DeadlineExceeded,
    /// Not an error: the program asked to end with this exit status (WASI `proc_exit`).
    /// The run stops here; runners report it as the program's exit status.
    #[error("exit with status {0}")]
    Exit(i32),
    /// A host function failed.
    #[error("host function error: {0}")]
    Host(String),
}

/// A clonable, thread-safe switch that stops the runs of one [`Store`] (see the module
/// documentation for when the engine notices).
#[derive(Debug, Clone)]
pub struct InterruptHandle(Arc<AtomicBool>);

impl InterruptHandle {
    /// Asks the store to stop: its running call (and every later one, until
    /// [`InterruptHandle::clear`]) traps with [`Trap::Interrupted`].
    pub fn interrupt(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Lowers the switch so that calls run again.
    pub fn clear(&self) {
        self.0.store(false, Ordering::Relaxed);
    }

    /// Whether the switch is up.
    pub fn is_interrupted(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// One active call at the moment of a trap, as recorded by [`Store::last_backtrace`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BacktraceFrame {
    /// The instance the function belongs to.
    pub instance: InstanceId,
    /// The function's index in its module (imports counted first).
    pub func_index: u32,
    /// The index in the function body of the call instruction the frame is in: for a
    /// caller, and for the innermost frame when a host function it called trapped.
    /// `None` for an innermost frame whose own instruction trapped.
    pub instr: Option<u32>,
}

/// Limits on execution resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Maximum number of nested calls.
    pub max_call_depth: usize,
    /// Maximum number of operand stack slots (locals included).
    pub max_stack_slots: usize,
    /// Maximum size of any memory in pages (at most 65536).
    pub max_memory_pages: u32,
    /// Maximum number of elements of any table created or grown by a module.
    pub max_table_elements: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_call_depth: 10_000,
            max_stack_slots: 1 << 20,
            max_memory_pages: MAX_PAGES,
            max_table_elements: 10_000_000,
        }
    }
}

/// An object that can be imported or exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Extern {
    /// A function.
    Func(FuncAddr),
    /// A table.
    Table(TableAddr),
    /// A memory.
    Memory(MemAddr),
    /// A global.
    Global(GlobalAddr),
}

/// Why imports could not be linked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// The number of imports given differs from the module's import count.
    #[error("the module has {expected} imports, {given} given")]
    ImportCount {
        /// Imports the module declares.
        expected: usize,
        /// Imports supplied.
        given: usize,
    },
    /// No definition was given for an import (by name, through a
    /// [`Linker`](crate::Linker)).
    #[error("unknown import {module}.{name}: expected {expected}")]
    UnknownImport {
        /// The import's module name.
        module: String,
        /// The import's item name.
        name: String,
        /// What the module expects, in text format: `(func (param i32) (result i32))`.
        expected: String,
    },
    /// An import is of the wrong kind or type.
    #[error("incompatible import type for {module}.{name}")]
    IncompatibleImportType {
        /// The import's module name.
        module: String,
        /// The import's item name.
        name: String,
    },
}

/// Why instantiation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstantiationError {
    /// The imports do not match.
    #[error(transparent)]
    Link(#[from] LinkError),
    /// A segment initialization or the start function trapped.
    #[error(transparent)]
    Trap(#[from] Trap),
    /// The store's engine could not compile the module.
    #[error("the {engine} engine cannot compile the module: {reason}")]
    Compile {
        /// The engine's name.
        engine: &'static str,
        /// Why.
        reason: String,
    },
    /// A memory could not be allocated within the configured limit.
    #[error("memory of {0} pages exceeds the configured limit")]
    MemoryLimit(u32),
    /// A table is larger than the configured limit.
    #[error("table of {0} elements exceeds the configured limit")]
    TableLimit(u32),
}

/// A host function: receives the caller's context and the arguments, returns the
/// results or a trap.
pub type HostFunc = dyn Fn(&mut Caller<'_>, &[Value]) -> Result<Vec<Value>, Trap>;

/// What a host function may reach while it runs: the calling instance's exports and the
/// store's memories and globals (for example to read a string the module passed as a
/// pointer and length). It cannot call back into WebAssembly.
pub struct Caller<'a> {
    store: &'a mut Store,
    instance: Option<InstanceId>,
}

impl Caller<'_> {
    /// The instance whose code made the call; `None` when the host invoked the function
    /// directly.
    pub fn instance(&self) -> Option<InstanceId> {
        self.instance
    }

    /// An export of the calling instance, by name.
    pub fn export(&self, name: &str) -> Option<Extern> {
        self.instance.and_then(|id| self.store.export(id, name))
    }

    /// The bytes of a memory.
    pub fn memory(&self, mem: MemAddr) -> &[u8] {
        self.store.memory(mem)
    }

    /// The bytes of a memory, writable.
    pub fn memory_mut(&mut self, mem: MemAddr) -> &mut [u8] {
        self.store.memory_mut(mem)
    }

    /// The current value of a global.
    pub fn global_value(&self, global: GlobalAddr) -> Value {
        self.store.global_value(global)
    }

    /// Grows a memory like `memory.grow` (see [`Store::grow_memory`]).
    pub fn grow_memory(&mut self, mem: MemAddr, pages: u32) -> Option<u32> {
        self.store.grow_memory(mem, pages)
    }
}

/// Calls a host function for `caller`.
pub(crate) fn call_host(
    store: &mut Store,
    instance: Option<InstanceId>,
    f: &HostFunc,
    args: &[Value],
) -> Result<Vec<Value>, Trap> {
    f(&mut Caller { store, instance }, args)
}

/// The executable form of a module function.
#[derive(Debug)]
pub(crate) struct Code {
    pub(crate) instrs: Box<[Instr]>,
    /// Branch targets computed by validation.
    pub(crate) side: SideTable,
    /// Declared locals (parameters excluded) with their default slot values.
    pub(crate) locals: Box<[(u32, Slot)]>,
    pub(crate) local_count: usize,
    /// The function's index in its module.
    pub(crate) index: u32,
}

pub(crate) enum FuncKind {
    Wasm { instance: u32, code: Rc<Code> },
    Host(Rc<HostFunc>),
}

pub(crate) struct FuncInst {
    pub(crate) ty: Rc<FuncType>,
    pub(crate) kind: FuncKind,
    /// The compiled code of a module function of a store with an engine.
    pub(crate) native: Option<NativeFunc>,
}

/// The entries of a compiled function.
#[derive(Clone, Copy)]
pub(crate) struct NativeFunc {
    pub(crate) array: native::ArrayEntry,
    pub(crate) direct: *const u8,
}

pub(crate) struct TableInst {
    pub(crate) ty: TableType,
    pub(crate) elems: Vec<Slot>,
}

pub(crate) struct MemInst {
    pub(crate) max: Option<u32>,
    pub(crate) bytes: Vec<u8>,
    /// Where compiled code finds the bytes (boxed: its address never changes).
    pub(crate) view: Box<native::VmMemory>,
}

impl MemInst {
    /// Grows the memory by `n` pages within its maximum and `limit`; the old size in
    /// pages, or `None` if it cannot grow.
    pub(crate) fn grow(&mut self, n: u32, limit: u32) -> Option<u32> {
        let old = (self.bytes.len() / PAGE_SIZE) as u32;
        let max = self.max.unwrap_or(u32::MAX).min(limit);
        let new = old.checked_add(n).filter(|&new| new <= max)?;
        self.bytes.try_reserve_exact(n as usize * PAGE_SIZE).ok()?;
        self.bytes.resize(new as usize * PAGE_SIZE, 0);
        *self.view = native::VmMemory::of(&mut self.bytes);
        Some(old)
    }
}

pub(crate) struct GlobalInst {
    pub(crate) ty: GlobalType,
    /// Boxed: compiled code keeps its address.
    pub(crate) value: Box<Slot>,
}

pub(crate) struct InstanceData {
    pub(crate) types: Vec<Rc<FuncType>>,
    pub(crate) funcs: Vec<u32>,
    pub(crate) tables: Vec<u32>,
    pub(crate) mems: Vec<u32>,
    pub(crate) globals: Vec<u32>,
    /// Element segments (references; emptied by `elem.drop`).
    pub(crate) elems: Vec<Vec<Slot>>,
    /// Data segments (emptied by `data.drop`).
    pub(crate) datas: Vec<Rc<[u8]>>,
    pub(crate) exports: HashMap<String, Extern>,
}

/// All runtime objects, and the engine that runs them: the interpreter, or a compiling
/// [`native::Engine`] chosen with [`Store::with_engine`].
pub struct Store {
    pub(crate) config: Config,
    /// Instructions left to execute; `None` is unlimited.
    pub(crate) fuel: Option<u64>,
    /// When runs must stop.
    pub(crate) deadline: Option<Instant>,
    /// Raised by an [`InterruptHandle`].
    pub(crate) interrupt: Arc<AtomicBool>,
    /// The active calls when the last trap happened, innermost first.
    pub(crate) backtrace: Vec<BacktraceFrame>,
    pub(crate) funcs: Vec<FuncInst>,
    pub(crate) tables: Vec<TableInst>,
    pub(crate) mems: Vec<MemInst>,
    pub(crate) globals: Vec<GlobalInst>,
    pub(crate) instances: Vec<InstanceData>,
    /// The compiling engine, if any (`None`: the interpreter runs every function).
    pub(crate) engine: Option<Rc<dyn native::Engine>>,
    /// The state compiled code runs with.
    pub(crate) vm: Box<native::VmContext>,
    /// The code of compiled instances, kept alive with the store.
    pub(crate) compiled: Vec<Box<dyn native::CompiledInstance>>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("funcs", &self.funcs.len())
            .field("tables", &self.tables.len())
            .field("mems", &self.mems.len())
            .field("globals", &self.globals.len())
            .field("instances", &self.instances.len())
            .finish()
    }
}

impl Default for Store {
    fn default() -> Self {
        Store::new(Config::default())
    }
}

/// A zero-filled buffer of `len` bytes, or `None` if it cannot be allocated. The memory
/// comes zeroed from the allocator (fresh pages from the system for large sizes), so a
/// large memory costs nothing until it is touched.
fn zeroed(len: usize) -> Option<Vec<u8>> {
    if len == 0 {
        return Some(Vec::new());
    }
    let layout = std::alloc::Layout::array::<u8>(len).ok()?;
    // SAFETY: the layout has a non-zero size.
    let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
    if ptr.is_null() {
        return None;
    }
    // SAFETY: `ptr` comes from the global allocator with the layout of `len` bytes
    // (alignment 1), and all `len` bytes are initialized (to zero).
    Some(unsafe { Vec::from_raw_parts(ptr, len, len) })
}

/// Whether `limits` (of an object) satisfy `wanted` (of an import).
fn limits_match(actual: Limits, wanted: Limits) -> bool {
    actual.min >= wanted.min
        && match wanted.max {
            None => true,
            Some(w) => actual.max.is_some_and(|a| a <= w),
        }
}

impl Store {
    /// An empty store with the given limits.
    pub fn new(config: Config) -> Self {
        Store {
            config,
            fuel: None,
            deadline: None,
            interrupt: Arc::new(AtomicBool::new(false)),
            backtrace: Vec::new(),
            funcs: Vec::new(),
            tables: Vec::new(),
            mems: Vec::new(),
            globals: Vec::new(),
            instances: Vec::new(),
            engine: None,
            vm: Box::new(native::VmContext::new()),
            compiled: Vec::new(),
        }
    }

    /// An empty store with the given limits whose module functions are compiled by
    /// `engine` when instantiated, and run as native code. Everything else works as
    /// with [`Store::new`] (see [`native`]).
    pub fn with_engine(config: Config, engine: Rc<dyn native::Engine>) -> Self {
        Store {
            engine: Some(engine),
            ..Store::new(config)
        }
    }

    /// The name of the engine running module functions: `"interpreter"` or the name of
    /// the compiling engine.
    pub fn engine_name(&self) -> &'static str {
        self.engine.as_ref().map_or("interpreter", |e| e.name())
    }

    /// Adds a host function of type `ty`.
    pub fn host_func(
        &mut self,
        ty: FuncType,
        f: impl Fn(&mut Caller<'_>, &[Value]) -> Result<Vec<Value>, Trap> + 'static,
    ) -> FuncAddr {
        self.funcs.push(FuncInst {
            ty: Rc::new(ty),
            kind: FuncKind::Host(Rc::new(f)),
            native: None,
        });
        FuncAddr(self.funcs.len() as u32 - 1)
    }

    /// Adds a table of null references.
    pub fn new_table(&mut self, ty: TableType) -> TableAddr {
        let elems = vec![NULL_REF; ty.limits.min as usize];
        self.tables.push(TableInst { ty, elems });
        TableAddr(self.tables.len() as u32 - 1)
    }

    /// Adds a zero-filled memory.
    pub fn new_memory(&mut self, ty: MemoryType) -> Result<MemAddr, InstantiationError> {
        let mem = self.alloc_memory(ty)?;
        self.mems.push(mem);
        Ok(MemAddr(self.mems.len() as u32 - 1))
    }

    /// Adds a global holding `value`, of the value's type.
    pub fn new_global(&mut self, value: Value, mutable: bool) -> GlobalAddr {
        self.globals.push(GlobalInst {
            ty: GlobalType {
                val: value.ty(),
                mutable,
            },
            value: Box::new(value.to_slot()),
        });
        GlobalAddr(self.globals.len() as u32 - 1)
    }

    fn alloc_memory(&self, ty: MemoryType) -> Result<MemInst, InstantiationError> {
        let pages = ty.limits.min;
        if pages > self.config.max_memory_pages {
            return Err(InstantiationError::MemoryLimit(pages));
        }
        let mut bytes =
            zeroed(pages as usize * PAGE_SIZE).ok_or(InstantiationError::MemoryLimit(pages))?;
        let view = Box::new(native::VmMemory::of(&mut bytes));
        Ok(MemInst {
            max: ty.limits.max,
            bytes,
            view,
        })
    }

    /// Limits execution to `fuel` more instructions (`None`: unlimited). Running out
    /// traps with [`Trap::OutOfFuel`]; a trapped or finished call leaves the remainder.
    pub fn set_fuel(&mut self, fuel: Option<u64>) {
        self.fuel = fuel;
    }

    /// The fuel left (`None`: unlimited).
    pub fn fuel(&self) -> Option<u64> {
        self.fuel
    }

    /// Makes runs trap with [`Trap::DeadlineExceeded`] once `deadline` has passed
    /// (`None`: no deadline). See the module documentation for when this is noticed.
    pub fn set_deadline(&mut self, deadline: Option<Instant>) {
        self.deadline = deadline;
    }

    /// The deadline, if any.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// A handle that another thread can use to stop this store's runs.
    pub fn interrupt_handle(&self) -> InterruptHandle {
        InterruptHandle(self.interrupt.clone())
    }

    /// The WebAssembly functions that were active when the last call made with
    /// [`Store::invoke`] trapped, innermost first (empty if it did not trap in
    /// WebAssembly code).
    pub fn last_backtrace(&self) -> &[BacktraceFrame] {
        &self.backtrace
    }

    /// Whether `values` have the types `types` and name only functions of this store.
    pub(crate) fn admits(&self, types: &[ValType], values: &[Value]) -> bool {
        values.len() == types.len()
            && values.iter().zip(types).all(|(v, &t)| {
                v.ty() == t
                    && match v {
                        Value::FuncRef(Some(f)) => (f.0 as usize) < self.funcs.len(),
                        _ => true,
                    }
            })
    }

    /// The type of a function.
    pub fn func_type(&self, func: FuncAddr) -> &FuncType {
        &self.funcs[func.0 as usize].ty
    }

    /// The current value of a global.
    pub fn global_value(&self, global: GlobalAddr) -> Value {
        let g = &self.globals[global.0 as usize];
        Value::from_slot(g.ty.val, *g.value)
    }

    /// The bytes of a memory.
    pub fn memory(&self, mem: MemAddr) -> &[u8] {
        &self.mems[mem.0 as usize].bytes
    }

    /// The bytes of a memory, writable.
    pub fn memory_mut(&mut self, mem: MemAddr) -> &mut [u8] {
        &mut self.mems[mem.0 as usize].bytes
    }

    /// Grows a memory by `pages` like `memory.grow`, within its maximum and the
    /// configured limit: the old size in pages, or `None` (and no change) if it cannot.
    pub fn grow_memory(&mut self, mem: MemAddr, pages: u32) -> Option<u32> {
        let limit = self.config.max_memory_pages;
        self.mems[mem.0 as usize].grow(pages, limit)
    }

    /// An export of an instance, by name.
    ///
    /// # Panics
    ///
    /// If `instance` comes from another store.
    pub fn export(&self, instance: InstanceId, name: &str) -> Option<Extern> {
        self.instances[instance.0 as usize]
            .exports
            .get(name)
            .copied()
    }

    fn extern_matches(&self, ext: Extern, desc: &ImportDesc, types: &[FuncType]) -> bool {
        match (ext, desc) {
            (Extern::Func(f), ImportDesc::Func(t)) => {
                *self.funcs[f.0 as usize].ty == types[*t as usize]
            }
            (Extern::Table(t), ImportDesc::Table(want)) => {
                let table = &self.tables[t.0 as usize];
                let actual = Limits {
                    min: table.elems.len() as u32,
                    max: table.ty.limits.max,
                };
                table.ty.elem == want.elem && limits_match(actual, want.limits)
            }
            (Extern::Memory(m), ImportDesc::Memory(want)) => {
                let mem = &self.mems[m.0 as usize];
                let actual = Limits {
                    min: (mem.bytes.len() / PAGE_SIZE) as u32,
                    max: mem.max,
                };
                limits_match(actual, want.limits)
            }
            (Extern::Global(g), ImportDesc::Global(want)) => self.globals[g.0 as usize].ty == *want,
            _ => false,
        }
    }

    /// Instantiates a validated module with `imports` given in the module's import order:
    /// links the imports, allocates the module's objects, initializes tables and memories
    /// from the active segments and runs the start function.
    ///
    /// As in WebAssembly 2.0, a trap during segment initialization leaves the writes made
    /// before it in place (imported tables and memories may have changed).
    ///
    /// # Panics
    ///
    /// If an import comes from another store.
    pub fn instantiate(
        &mut self,
        validated: &ValidatedModule,
        imports: &[Extern],
    ) -> Result<InstanceId, InstantiationError> {
        let module = validated.module();
        if imports.len() != module.imports.len() {
            return Err(LinkError::ImportCount {
                expected: module.imports.len(),
                given: imports.len(),
            }
            .into());
        }
        for (import, &ext) in module.imports.iter().zip(imports) {
            if !self.extern_matches(ext, &import.desc, &module.types) {
                return Err(LinkError::IncompatibleImportType {
                    module: import.module.clone(),
                    name: import.name.clone(),
                }
                .into());
            }
        }

        let id = self.instances.len() as u32;
        let mut inst = InstanceData {
            types: module.types.iter().cloned().map(Rc::new).collect(),
            funcs: Vec::new(),
            tables: Vec::new(),
            mems: Vec::new(),
            globals: Vec::new(),
            elems: Vec::new(),
            datas: Vec::new(),
            exports: HashMap::new(),
        };
        for &ext in imports {
            match ext {
                Extern::Func(f) => inst.funcs.push(f.0),
                Extern::Table(t) => inst.tables.push(t.0),
                Extern::Memory(m) => inst.mems.push(m.0),
                Extern::Global(g) => inst.globals.push(g.0),
            }
        }
        if let Some(t) = module
            .tables
            .iter()
            .find(|t| t.ty.limits.min > self.config.max_table_elements)
        {
            return Err(InstantiationError::TableLimit(t.ty.limits.min));
        }
        // Allocate memories first: the only step that can fail for lack of resources.
        let mut new_mems = Vec::with_capacity(module.memories.len());
        for m in &module.memories {
            new_mems.push(self.alloc_memory(m.ty)?);
        }
        let imported_funcs = inst.funcs.len() as u32;
        for (i, (f, side)) in module
            .functions
            .iter()
            .zip(&validated.side_tables)
            .enumerate()
        {
            let instrs: Box<[Instr]> = f.body.instrs.clone().into_boxed_slice();
            let locals = f
                .locals
                .iter()
                .filter(|g| g.count > 0)
                .map(|g| (g.count, Value::default_of(g.ty).to_slot()))
                .collect();
            let code = Code {
                instrs,
                side: side.clone(),
                locals,
                local_count: f.local_count() as usize,
                index: imported_funcs + i as u32,
            };
            self.funcs.push(FuncInst {
                ty: inst.types[f.type_index as usize].clone(),
                kind: FuncKind::Wasm {
                    instance: id,
                    code: Rc::new(code),
                },
                native: None,
            });
            inst.funcs.push(self.funcs.len() as u32 - 1);
        }
        for t in &module.tables {
            let elems = vec![NULL_REF; t.ty.limits.min as usize];
            self.tables.push(TableInst { ty: t.ty, elems });
            inst.tables.push(self.tables.len() as u32 - 1);
        }
        for m in new_mems {
            self.mems.push(m);
            inst.mems.push(self.mems.len() as u32 - 1);
        }
        // Global initializers see the imported globals and every function.
        for g in &module.globals {
            let value = self.eval_const(&inst, &g.init.instrs);
            self.globals.push(GlobalInst {
                ty: g.ty,
                value: Box::new(value),
            });
            inst.globals.push(self.globals.len() as u32 - 1);
        }
        for e in &module.elements {
            let refs = match &e.items {
                ElementItems::Functions(fs) => fs
                    .iter()
                    .map(|&f| Slot::from(inst.funcs[f as usize]))
                    .collect(),
                ElementItems::Exprs(es) => es
                    .iter()
                    .map(|x| self.eval_const(&inst, &x.instrs))
                    .collect(),
            };
            inst.elems.push(refs);
        }
        inst.datas = module
            .data
            .iter()
            .map(|d| Rc::from(d.bytes.as_slice()))
            .collect();
        for x in &module.exports {
            let ext = match x.desc {
                ExportDesc::Func(i) => Extern::Func(FuncAddr(inst.funcs[i as usize])),
                ExportDesc::Table(i) => Extern::Table(TableAddr(inst.tables[i as usize])),
                ExportDesc::Memory(i) => Extern::Memory(MemAddr(inst.mems[i as usize])),
                ExportDesc::Global(i) => Extern::Global(GlobalAddr(inst.globals[i as usize])),
            };
            inst.exports.insert(x.name.clone(), ext);
        }
        self.instances.push(inst);
        let instance = InstanceId(id);
        if let Some(engine) = self.engine.clone() {
            self.compile(&*engine, validated, id)?;
        }

        for (i, e) in module.elements.iter().enumerate() {
            match &e.mode {
                ElementMode::Active { table, offset } => {
                    let start =
                        self.eval_const(&self.instances[id as usize], &offset.instrs) as u32;
                    let n = e.items.len() as u32;
                    interp::table_init(self, id, *table, i as u32, start, 0, n)?;
                    self.instances[id as usize].elems[i].clear();
                }
                ElementMode::Declarative => self.instances[id as usize].elems[i].clear(),
                ElementMode::Passive => {}
            }
        }
        for (i, d) in module.data.iter().enumerate() {
            if let DataMode::Active { offset, .. } = &d.mode {
                let start = self.eval_const(&self.instances[id as usize], &offset.instrs) as u32;
                interp::memory_init(self, id, i as u32, start, 0, d.bytes.len() as u32)?;
                self.instances[id as usize].datas[i] = Rc::from(&[][..]);
            }
        }
        if let Some((start, _)) = module.start {
            let func = FuncAddr(self.instances[id as usize].funcs[start as usize]);
            self.invoke(func, &[])?;
        }
        Ok(instance)
    }

    /// Compiles the functions of instance `id` with `engine` and attaches the code.
    fn compile(
        &mut self,
        engine: &dyn native::Engine,
        validated: &ValidatedModule,
        id: u32,
    ) -> Result<(), InstantiationError> {
        let inst = &self.instances[id as usize];
        let env = native::InstanceEnv {
            instance: id,
            funcs: inst
                .funcs
                .iter()
                .map(|&f| native::EnvFunc {
                    addr: f,
                    direct: self.funcs[f as usize].native.map(|n| n.direct),
                })
                .collect(),
            globals: inst
                .globals
                .iter()
                .map(|&g| &mut *self.globals[g as usize].value as *mut Slot)
                .collect(),
            memory: inst
                .mems
                .first()
                .map(|&m| (m, &*self.mems[m as usize].view as *const native::VmMemory)),
            tables: inst.tables.clone(),
        };
        let code =
            engine
                .compile(validated, &env)
                .map_err(|reason| InstantiationError::Compile {
                    engine: engine.name(),
                    reason,
                })?;
        let first_defined =
            self.instances[id as usize].funcs.len() - validated.module().functions.len();
        for i in 0..validated.module().functions.len() {
            let f = self.instances[id as usize].funcs[first_defined + i] as usize;
            self.funcs[f].native = Some(NativeFunc {
                array: code.array_entry(i as u32),
                direct: code.direct_entry(i as u32),
            });
        }
        self.compiled.push(code);
        Ok(())
    }

    /// Evaluates a validated constant expression.
    fn eval_const(&self, inst: &InstanceData, instrs: &[Instr]) -> Slot {
        let mut value = 0;
        for instr in instrs {
            value = match *instr {
                Instr::I32Const(v) => Slot::from(v as u32),
                Instr::I64Const(v) => Slot::from(v as u64),
                Instr::F32Const(v) => Slot::from(v),
                Instr::F64Const(v) => Slot::from(v),
                Instr::V128Const(v) => Slot::from_le_bytes(v),
                Instr::RefNull(_) => NULL_REF,
                Instr::RefFunc(f) => Slot::from(inst.funcs[f as usize]),
                Instr::GlobalGet(g) => *self.globals[inst.globals[g as usize] as usize].value,
                _ => value,
            };
        }
        value
    }

    /// Calls a function with `args` and returns its results. Arguments of the wrong
    /// number or types are refused with [`Trap::Host`].
    ///
    /// # Panics
    ///
    /// If `func` comes from another store.
    pub fn invoke(&mut self, func: FuncAddr, args: &[Value]) -> Result<Vec<Value>, Trap> {
        let ty = self.funcs[func.0 as usize].ty.clone();
        if !self.admits(&ty.params, args) {
            return Err(Trap::Host(format!(
                "arguments do not match the function type {ty}"
            )));
        }
        let slots: Vec<Slot> = args.iter().map(|a| a.to_slot()).collect();
        let results = match (self.funcs[func.0 as usize].native, self.engine.clone()) {
            (Some(code), Some(engine)) => native::run(self, &*engine, code.array, func.0, &slots)?,
            _ => interp::call(self, func.0, &slots)?,
        };
        Ok(ty
            .results
            .iter()
            .zip(results)
            .map(|(&t, slot)| Value::from_slot(t, slot))
            .collect())
    }
}
