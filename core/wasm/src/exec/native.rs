//! The interface to compiling engines: how a [`Store`] hands a module to an [`Engine`]
//! that turns it into native code, and what that code may touch.
//!
//! The engine is a choice made when the store is created ([`Store::with_engine`]);
//! everything else (instantiation, imports, [`Store::invoke`], traps, fuel, deadlines,
//! interrupts, the call-depth limit, backtraces) works as with the interpreter.
//!
//! # Contract
//!
//! [`Engine::compile`] is called once per instantiation, after the instance's objects
//! exist, so the code can embed their addresses: [`InstanceEnv`] gives the store
//! address of every function (and the native entry of imported functions that are
//! compiled too), a stable pointer to the value of every global, the [`VmMemory`] view
//! of memory 0 and the store addresses of the tables.
//!
//! Compiled functions follow two calling conventions:
//!
//! * **direct**: `extern "C" fn(*mut VmContext, params...) -> results` with `i32`, `i64`,
//!   `f32` and `f64` as themselves, `v128` as a 128-bit vector and references as `i64`
//!   (null is `-1`, otherwise the store address of the function or the host reference,
//!   zero-extended);
//! * **array** ([`ArrayEntry`]): `extern "C" fn(*mut VmContext, *mut u128)`, reading the
//!   arguments from and writing the results to 16-byte slots (scalars in the low bits,
//!   the rest zero), as the store uses when it invokes a function.
//!
//! Compiled code never unwinds and never faults: it checks every access itself. A trap
//! is recorded in the [`VmContext`] (by [`trap`] or by a helper below) and every compiled
//! function returns as soon as it sees [`VmContext::trapped`] set after a call, recording
//! its frame with [`unwind`] for the backtrace. At entry a function checks the call depth
//! against [`VmContext::max_depth`] and the native stack pointer against
//! [`VmContext::stack_limit`] (raising [`TrapCode::StackExhausted`] without recording a
//! frame, as the interpreter does for a call it cannot make), then increments
//! [`VmContext::depth`], which it decrements again when it returns normally.
//!
//! Fuel is counted in [`VmContext::fuel`], the instructions left in the current slice:
//! when a straight-line run of instructions ends (before the branch, call or return that
//! ends it) code subtracts its instruction count and calls [`refuel`] when the count goes
//! negative, which hands out the next slice from the store's fuel and polls the interrupt
//! flag and the deadline, like the interpreter does every [`CHECK_INTERVAL`]
//! instructions. The store looks at the fuel, the flag and the deadline itself before
//! entering compiled code. A call that completes uses exactly the fuel it uses on the
//! interpreter.
//!
//! Memory 0 may move when it grows: code reloads [`VmMemory::base`] and [`VmMemory::len`]
//! after every call and `memory.grow`. Everything else (tables, segments, bulk memory,
//! calls through a table or to host functions) goes through the `extern "C"` helpers of
//! this module, which take the context first. Host functions run inside
//! [`std::panic::catch_unwind`]: a panic becomes [`Trap::Host`] and never unwinds
//! through native frames.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use super::{
    BacktraceFrame, CHECK_INTERVAL, FuncKind, InstanceId, NULL_REF, Slot, Store, Trap, Value,
    call_host, interp,
};
use crate::validate::ValidatedModule;

/// A compiling engine: turns the functions of one instance into native code.
pub trait Engine {
    /// A short name for messages ("cranelift").
    fn name(&self) -> &'static str;

    /// Compiles the defined functions of `module` for the instance described by `env`,
    /// or explains why it cannot (for example an unsupported instruction).
    fn compile(
        &self,
        module: &ValidatedModule,
        env: &InstanceEnv,
    ) -> Result<Box<dyn CompiledInstance>, String>;

    /// Runs `body` on a native stack deep enough for `max_depth` nested calls, passing
    /// the lowest stack address compiled code may grow down to (see
    /// [`VmContext::stack_limit`]).
    fn run_on_stack(&self, max_depth: usize, body: &mut dyn FnMut(usize));
}

/// The native code of one instance; the store keeps it alive as long as itself.
pub trait CompiledInstance {
    /// The array-convention entry of defined function `index` (imports not counted).
    fn array_entry(&self, index: u32) -> ArrayEntry;

    /// The direct-convention entry of defined function `index` (imports not counted).
    fn direct_entry(&self, index: u32) -> *const u8;
}

/// A compiled function called with its arguments and results in 16-byte slots.
pub type ArrayEntry = unsafe extern "C" fn(*mut VmContext, *mut u128);

/// One function of an instance as compiled code sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvFunc {
    /// Its address in the store.
    pub addr: u32,
    /// Its direct entry when it is compiled code (of any instance of the store).
    pub direct: Option<*const u8>,
}

/// What compiled code of one instance may refer to, by module index.
#[derive(Debug, Clone)]
pub struct InstanceEnv {
    /// The instance's handle in the store.
    pub instance: u32,
    /// Every function, imports first.
    pub funcs: Vec<EnvFunc>,
    /// Every global: where its value lives (a 16-byte slot, the value in the low bits).
    pub globals: Vec<*mut u128>,
    /// Memory 0: its store address and its view.
    pub memory: Option<(u32, *const VmMemory)>,
    /// Every table: its store address.
    pub tables: Vec<u32>,
}

/// Where a linear memory's bytes are now; updated whenever the memory grows.
#[repr(C)]
#[derive(Debug)]
pub struct VmMemory {
    /// Address of byte 0.
    pub base: *mut u8,
    /// Length in bytes.
    pub len: u64,
}

/// Why compiled code trapped, as passed to [`trap`].
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrapCode {
    /// [`Trap::Unreachable`].
    Unreachable = 1,
    /// [`Trap::MemoryOutOfBounds`].
    MemoryOutOfBounds = 2,
    /// [`Trap::TableOutOfBounds`].
    TableOutOfBounds = 3,
    /// [`Trap::IntegerDivideByZero`].
    IntegerDivideByZero = 4,
    /// [`Trap::IntegerOverflow`].
    IntegerOverflow = 5,
    /// [`Trap::InvalidConversion`].
    InvalidConversion = 6,
    /// [`Trap::StackExhausted`], raised by a function that cannot be entered.
    StackExhausted = 7,
}

/// The state of one run of compiled code, shared by every compiled function of a store.
/// The fields before `store` are read and written by compiled code at the offsets given
/// by the associated constants.
#[repr(C)]
#[derive(Debug)]
pub struct VmContext {
    /// Non-zero once a trap is pending.
    pub trapped: u32,
    /// Compiled functions active now.
    pub depth: u32,
    /// The call-depth limit ([`Config::max_call_depth`](super::Config::max_call_depth)).
    pub max_depth: u32,
    padding: u32,
    /// Instructions left in the current fuel slice; negative means [`refuel`] is due.
    pub fuel: i64,
    /// The lowest native stack address a function may be entered with.
    pub stack_limit: u64,
    store: *mut Store,
    /// Fuel not yet handed out in slices.
    reserve: u64,
    deadline: Option<Instant>,
    trap: Option<Trap>,
    /// The innermost recorded frame gets no instruction position.
    innermost_without_position: bool,
    backtrace: Vec<BacktraceFrame>,
}

impl VmContext {
    /// Offset of [`VmContext::trapped`] (`u32`).
    pub const TRAPPED: i32 = std::mem::offset_of!(VmContext, trapped) as i32;
    /// Offset of [`VmContext::depth`] (`u32`).
    pub const DEPTH: i32 = std::mem::offset_of!(VmContext, depth) as i32;
    /// Offset of [`VmContext::max_depth`] (`u32`).
    pub const MAX_DEPTH: i32 = std::mem::offset_of!(VmContext, max_depth) as i32;
    /// Offset of [`VmContext::fuel`] (`i64`).
    pub const FUEL: i32 = std::mem::offset_of!(VmContext, fuel) as i32;
    /// Offset of [`VmContext::stack_limit`] (`u64`).
    pub const STACK_LIMIT: i32 = std::mem::offset_of!(VmContext, stack_limit) as i32;

    pub(crate) fn new() -> Self {
        VmContext {
            trapped: 0,
            depth: 0,
            max_depth: 0,
            padding: 0,
            fuel: 0,
            stack_limit: 0,
            store: std::ptr::null_mut(),
            reserve: 0,
            deadline: None,
            trap: None,
            innermost_without_position: false,
            backtrace: Vec::new(),
        }
    }

    fn raise(&mut self, trap: Trap) {
        if self.trapped == 0 {
            self.trapped = 1;
            self.trap = Some(trap);
        }
    }

    fn record(&mut self, instance: u32, func_index: u32, instr: Option<u32>) {
        let instr = if self.innermost_without_position {
            self.innermost_without_position = false;
            None
        } else {
            instr
        };
        self.backtrace.push(BacktraceFrame {
            instance: InstanceId(instance),
            func_index,
            instr,
        });
    }

    /// The store of the run.
    ///
    /// # Safety
    ///
    /// Only while a run is active, from code the run called.
    unsafe fn store<'a>(&mut self) -> &'a mut Store {
        // SAFETY: `run` points `store` at the store that is running this context, which
        // is not otherwise used while compiled code runs.
        unsafe { &mut *self.store }
    }
}

impl VmMemory {
    pub(crate) fn of(bytes: &mut [u8]) -> Self {
        VmMemory {
            base: bytes.as_mut_ptr(),
            len: bytes.len() as u64,
        }
    }
}

/// Runs compiled function `func` (of `entry`) of `store` with `args`.
pub(crate) fn run(
    store: &mut Store,
    engine: &dyn Engine,
    entry: ArrayEntry,
    func: u32,
    args: &[Slot],
) -> Result<Vec<Slot>, Trap> {
    let results = store.funcs[func as usize].ty.results.len();
    let mut values: Vec<u128> = args.to_vec();
    values.resize(args.len().max(results), 0);
    let store_ptr: *mut Store = store;
    let vm: *mut VmContext = &mut *store.vm;
    {
        let v = &mut *store.vm;
        v.trapped = 0;
        v.depth = 0;
        v.max_depth = store.config.max_call_depth.min(u32::MAX as usize) as u32;
        v.fuel = 0;
        v.reserve = store.fuel.unwrap_or(u64::MAX);
        v.deadline = store.deadline;
        v.trap = None;
        v.innermost_without_position = false;
        v.backtrace.clear();
        v.store = store_ptr;
    }
    // Like the interpreter, look at the fuel, the interrupt flag and the deadline before
    // the first instruction.
    let first = if store.fuel == Some(0) {
        Some(Trap::OutOfFuel)
    } else if store.interrupt.load(Ordering::Relaxed) {
        Some(Trap::Interrupted)
    } else if store.deadline.is_some_and(|d| Instant::now() >= d) {
        Some(Trap::DeadlineExceeded)
    } else {
        None
    };
    if let Some(trap) = first {
        store.backtrace.clear();
        if let FuncKind::Wasm { instance, code } = &store.funcs[func as usize].kind {
            store.backtrace.push(BacktraceFrame {
                instance: InstanceId(*instance),
                func_index: code.index,
                instr: None,
            });
        }
        return Err(trap);
    }
    let max_depth = store.config.max_call_depth;
    engine.run_on_stack(max_depth, &mut |limit| {
        // SAFETY: `vm` lives in the store, which outlives the run; the compiled code and
        // the helpers are its only users while the entry runs.
        unsafe {
            (*vm).stack_limit = limit as u64;
            entry(vm, values.as_mut_ptr());
        }
    });
    let v = &mut *store.vm;
    v.store = std::ptr::null_mut();
    if store.fuel.is_some() {
        store.fuel = Some(v.reserve.saturating_add(v.fuel.max(0) as u64));
    }
    store.backtrace = std::mem::take(&mut v.backtrace);
    if v.trapped != 0 {
        return Err(v.trap.take().unwrap_or(Trap::Unreachable));
    }
    store.backtrace.clear();
    values.truncate(results);
    Ok(values)
}

/// Records a trap raised by the instruction compiled code was running in function
/// `func_index` of `instance`.
///
/// # Safety
///
/// `vm` must be the context of an active run.
pub unsafe extern "C" fn trap(vm: *mut VmContext, code: u32, instance: u32, func_index: u32) {
    // SAFETY: the caller passes the active context.
    let vm = unsafe { &mut *vm };
    let trap = match code {
        1 => Trap::Unreachable,
        2 => Trap::MemoryOutOfBounds,
        3 => Trap::TableOutOfBounds,
        4 => Trap::IntegerDivideByZero,
        5 => Trap::IntegerOverflow,
        6 => Trap::InvalidConversion,
        _ => Trap::StackExhausted,
    };
    if code == TrapCode::StackExhausted as u32 {
        // The function was not entered: its caller is the innermost frame, recorded
        // without a position, as the interpreter reports a call it could not make.
        vm.raise(trap);
        vm.innermost_without_position = true;
        return;
    }
    vm.raise(trap);
    vm.record(instance, func_index, None);
}

/// Records the frame of a function that returns because a call it made at instruction
/// `instr` trapped (`u32::MAX`: a helper called for the instruction itself trapped).
///
/// # Safety
///
/// `vm` must be the context of an active run.
pub unsafe extern "C" fn unwind(vm: *mut VmContext, instance: u32, func_index: u32, instr: u32) {
    // SAFETY: the caller passes the active context.
    let vm = unsafe { &mut *vm };
    vm.record(instance, func_index, (instr != u32::MAX).then_some(instr));
}

/// Hands out the next fuel slice when [`VmContext::fuel`] went negative; traps (returning
/// non-zero) when the fuel is gone, the store was interrupted or the deadline passed.
///
/// # Safety
///
/// `vm` must be the context of an active run.
pub unsafe extern "C" fn refuel(vm: *mut VmContext) -> u32 {
    // SAFETY: the caller passes the active context.
    let vm = unsafe { &mut *vm };
    // SAFETY: a run is active.
    let store = unsafe { vm.store() };
    let trap = if store.interrupt.load(Ordering::Relaxed) {
        Some(Trap::Interrupted)
    } else if vm.deadline.is_some_and(|d| Instant::now() >= d) {
        Some(Trap::DeadlineExceeded)
    } else {
        let needed = vm.fuel.unsigned_abs();
        if vm.reserve < needed {
            vm.reserve = 0;
            vm.fuel = 0;
            Some(Trap::OutOfFuel)
        } else {
            let slice = vm.reserve.min(CHECK_INTERVAL.max(needed));
            vm.reserve -= slice;
            vm.fuel += slice as i64;
            None
        }
    };
    match trap {
        Some(trap) => {
            vm.raise(trap);
            1
        }
        None => 0,
    }
}

/// Calls store function `func` for compiled code of `instance`, with arguments and
/// results in 16-byte slots at `values`; returns non-zero if it trapped. Host functions
/// run inside `catch_unwind`, so a panic becomes a trap.
///
/// # Safety
///
/// `vm` must be the context of an active run, `values` must hold
/// max(params, results) slots.
pub unsafe extern "C" fn call(
    vm: *mut VmContext,
    func: u32,
    instance: u32,
    values: *mut u128,
) -> u32 {
    // SAFETY: the caller passes the active context.
    let ctx = unsafe { &mut *vm };
    // SAFETY: a run is active.
    let store = unsafe { ctx.store() };
    let f = &store.funcs[func as usize];
    let ty = f.ty.clone();
    let n = ty.params.len().max(ty.results.len());
    // SAFETY: the caller provides `n` slots.
    let slots = unsafe { std::slice::from_raw_parts_mut(values, n) };
    if let Some(native) = f.native {
        // SAFETY: the entry belongs to the store, whose context is active.
        unsafe { (native.array)(vm, values) };
        return ctx.trapped;
    }
    let result = match &f.kind {
        FuncKind::Host(host) => {
            let host = host.clone();
            let args: Vec<Value> = ty
                .params
                .iter()
                .zip(slots.iter())
                .map(|(&t, &v)| Value::from_slot(t, v))
                .collect();
            let caller = Some(InstanceId(instance));
            match catch_unwind(AssertUnwindSafe(|| call_host(store, caller, &*host, &args))) {
                Ok(Ok(results)) if store.admits(&ty.results, &results) => {
                    Ok(results.iter().map(|r| r.to_slot()).collect())
                }
                Ok(Ok(results)) => Err(Trap::Host(format!(
                    "host function returned {results:?}, expected {ty}"
                ))),
                Ok(Err(trap)) => Err(trap),
                Err(panic) => Err(Trap::Host(format!(
                    "host function panicked: {}",
                    panic_message(&*panic)
                ))),
            }
        }
        FuncKind::Wasm { .. } => {
            // A function of an interpreted instance: run it on the interpreter with the
            // fuel left.
            store.fuel = Some(ctx.reserve.saturating_add(ctx.fuel.max(0) as u64));
            let args = slots[..ty.params.len()].to_vec();
            let result = interp::call(store, func, &args);
            ctx.reserve = store.fuel.unwrap_or(u64::MAX);
            ctx.fuel = 0;
            result
        }
    };
    match result {
        Ok(results) => {
            slots[..results.len()].copy_from_slice(&results);
            0
        }
        Err(trap) => {
            ctx.raise(trap);
            1
        }
    }
}

/// The message of a caught panic.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without message".to_string()
    }
}

/// Marks a [`indirect`] target that is not compiled code: the low 32 bits are the store
/// address of the function, to call with [`call`].
pub const STORE_CALL: u64 = 1 << 63;

/// `call_indirect` through table `table` (module index) of `instance` at `index` with
/// type `type_index`: the direct entry of the function when it is compiled code, or
/// [`STORE_CALL`] with its store address; 0 after raising the trap.
///
/// # Safety
///
/// `vm` must be the context of an active run.
pub unsafe extern "C" fn indirect(
    vm: *mut VmContext,
    instance: u32,
    table: u32,
    type_index: u32,
    index: u32,
) -> u64 {
    // SAFETY: the caller passes the active context.
    let vm = unsafe { &mut *vm };
    // SAFETY: a run is active.
    let store = unsafe { vm.store() };
    let inst = &store.instances[instance as usize];
    let t = &store.tables[inst.tables[table as usize] as usize];
    let result = match t.elems.get(index as usize) {
        None => Err(Trap::UndefinedElement),
        Some(&NULL_REF) => Err(Trap::UninitializedElement(index)),
        Some(&f) => {
            let expected = &inst.types[type_index as usize];
            let func = &store.funcs[f as usize];
            if Rc::ptr_eq(expected, &func.ty) || **expected == *func.ty {
                Ok(match func.native {
                    Some(native) => native.direct as u64,
                    None => STORE_CALL | f as u64,
                })
            } else {
                Err(Trap::IndirectCallTypeMismatch)
            }
        }
    };
    result.unwrap_or_else(|trap| {
        vm.raise(trap);
        0
    })
}

/// Runs `f` on the active store, raising its trap; returns its value, or `on_trap`.
///
/// # Safety
///
/// `vm` must be the context of an active run.
unsafe fn with_store<T>(
    vm: *mut VmContext,
    on_trap: T,
    f: impl FnOnce(&mut Store) -> Result<T, Trap>,
) -> T {
    // SAFETY: the caller passes the active context.
    let vm = unsafe { &mut *vm };
    // SAFETY: a run is active.
    let store = unsafe { vm.store() };
    match f(store) {
        Ok(v) => v,
        Err(trap) => {
            vm.raise(trap);
            on_trap
        }
    }
}

/// `memory.grow` of memory `mem` (store address) by `n` pages: the old size, or -1.
///
/// # Safety
///
/// `vm` must be the context of an active run.
pub unsafe extern "C" fn memory_grow(vm: *mut VmContext, mem: u32, n: u32) -> u32 {
    // SAFETY: forwarded.
    unsafe {
        with_store(vm, 0, |s| {
            let limit = s.config.max_memory_pages;
            Ok(s.mems[mem as usize].grow(n, limit).unwrap_or(u32::MAX))
        })
    }
}

/// `memory.init` of data segment `data` of `instance`; non-zero if it trapped.
///
/// # Safety
///
/// `vm` must be the context of an active run.
pub unsafe extern "C" fn memory_init(
    vm: *mut VmContext,
    instance: u32,
    data: u32,
    dst: u32,
    src: u32,
    n: u32,
) -> u32 {
    // SAFETY: forwarded.
    unsafe {
        with_store(vm, 1, |s| {
            interp::memory_init(s, instance, data, dst, src, n).map(|()| 0)
        })
    }
}

/// `data.drop` of data segment `data` of `instance`.
///
/// # Safety
///
/// `vm` must be the context of an active run.
pub unsafe extern "C" fn data_drop(vm: *mut VmContext, instance: u32, data: u32) {
    // SAFETY: forwarded.
    unsafe {
        with_store(vm, (), |s| {
            s.instances[instance as usize].datas[data as usize] = Rc::from(&[][..]);
            Ok(())
        })
    }
}

/// `memory.copy` within memory `mem` (store address); non-zero if it trapped.
///
/// # Safety
///
/// `vm` must be the context of an active run.
pub unsafe extern "C" fn memory_copy(
    vm: *mut VmContext,
    mem: u32,
    dst: u32,
    src: u32,
    n: u32,
) -> u32 {
    // SAFETY: forwarded.
    unsafe {
        with_store(vm, 1, |s| {
            let bytes = &mut s.mems[mem as usize].bytes;
            let from = interp::range(src, n, bytes.len(), Trap::MemoryOutOfBounds)?;
            let to = interp::range(dst, n, bytes.len(), Trap::MemoryOutOfBounds)?;
            bytes.copy_within(from, to.start);
            Ok(0)
        })
    }
}

/// `memory.fill` of memory `mem` (store address); non-zero if it trapped.
///
/// # Safety
///
/// `vm` must be the context of an active run.
pub unsafe extern "C" fn memory_fill(
    vm: *mut VmContext,
    mem: u32,
    dst: u32,
    value: u32,
    n: u32,
) -> u32 {
    // SAFETY: forwarded.
    unsafe {
        with_store(vm, 1, |s| {
            let bytes = &mut s.mems[mem as usize].bytes;
            let to = interp::range(dst, n, bytes.len(), Trap::MemoryOutOfBounds)?;
            bytes[to].fill(value as u8);
            Ok(0)
        })
    }
}

/// A reference slot as the `i64` compiled code uses.
fn ref_to_i64(slot: Slot) -> u64 {
    slot as u64
}

/// `table.get` of table `table` (store address): the reference (trap: -1, raised).
///
/// # Safety
///
/// `vm` must be the context of an active run.
pub unsafe extern "C" fn table_get(vm: *mut VmContext, table: u32, index: u32) -> u64 {
    // SAFETY: forwarded.
    unsafe {
        with_store(vm, u64::MAX, |s| {
            let t = &s.tables[table as usize];
            t.elems
                .get(index as usize)
                .map(|&r| ref_to_i64(r))
                .ok_or(Trap::TableOutOfBounds)
        })
    }
}

/// `table.set` of table `table` (store address); non-zero if it trapped.
///
/// # Safety
///
/// `vm` must be the context of an active run.
pub unsafe extern "C" fn table_set(vm: *mut VmContext, table: u32, index: u32, value: u64) -> u32 {
    // SAFETY: forwarded.
    unsafe {
        with_store(vm, 1, |s| {
            let t = &mut s.tables[table as usize];
            *t.elems
                .get_mut(index as usize)
                .ok_or(Trap::TableOutOfBounds)? = Slot::from(value);
            Ok(0)
        })
    }
}

/// `table.size` of table `table` (store address).
///
/// # Safety
///
/// `vm` must be the context of an active run.
pub unsafe extern "C" fn table_size(vm: *mut VmContext, table: u32) -> u32 {
    // SAFETY: forwarded.
    unsafe { with_store(vm, 0, |s| Ok(s.tables[table as usize].elems.len() as u32)) }
}

/// `table.grow` of table `table` (store address) by `n` with `init`: the old size, or -1.
///
/// # Safety
///
/// `vm` must be the context of an active run.
pub unsafe extern "C" fn table_grow(vm: *mut VmContext, table: u32, init: u64, n: u32) -> u32 {
    // SAFETY: forwarded.
    unsafe {
        with_store(vm, 0, |s| {
            let limit = s.config.max_table_elements;
            let t = &mut s.tables[table as usize];
            let old = t.elems.len() as u32;
            let max = t.ty.limits.max.unwrap_or(u32::MAX).min(limit);
            Ok(match old.checked_add(n).filter(|&new| new <= max) {
                Some(new) if t.elems.try_reserve(n as usize).is_ok() => {
                    t.elems.resize(new as usize, Slot::from(init));
                    old
                }
                _ => u32::MAX,
            })
        })
    }
}

/// `table.fill` of table `table` (store address); non-zero if it trapped.
///
/// # Safety
///
/// `vm` must be the context of an active run.
pub unsafe extern "C" fn table_fill(
    vm: *mut VmContext,
    table: u32,
    index: u32,
    value: u64,
    n: u32,
) -> u32 {
    // SAFETY: forwarded.
    unsafe {
        with_store(vm, 1, |s| {
            let t = &mut s.tables[table as usize];
            let r = interp::range(index, n, t.elems.len(), Trap::TableOutOfBounds)?;
            t.elems[r].fill(Slot::from(value));
            Ok(0)
        })
    }
}

/// `table.copy` between tables `dst_table` and `src_table` (store addresses); non-zero
/// if it trapped.
///
/// # Safety
///
/// `vm` must be the context of an active run.
pub unsafe extern "C" fn table_copy(
    vm: *mut VmContext,
    dst_table: u32,
    src_table: u32,
    dst: u32,
    src: u32,
    n: u32,
) -> u32 {
    // SAFETY: forwarded.
    unsafe {
        with_store(vm, 1, |s| {
            let (dt, st) = (dst_table as usize, src_table as usize);
            let from = interp::range(src, n, s.tables[st].elems.len(), Trap::TableOutOfBounds)?;
            let to = interp::range(dst, n, s.tables[dt].elems.len(), Trap::TableOutOfBounds)?;
            if dt == st {
                s.tables[dt].elems.copy_within(from, to.start);
            } else {
                let items: Vec<Slot> = s.tables[st].elems[from].to_vec();
                s.tables[dt].elems[to].copy_from_slice(&items);
            }
            Ok(0)
        })
    }
}

/// `table.init` of table `table` (module index) from element segment `elem` of
/// `instance`; non-zero if it trapped.
///
/// # Safety
///
/// `vm` must be the context of an active run.
pub unsafe extern "C" fn table_init(
    vm: *mut VmContext,
    instance: u32,
    table: u32,
    elem: u32,
    dst: u32,
    src: u32,
    n: u32,
) -> u32 {
    // SAFETY: forwarded.
    unsafe {
        with_store(vm, 1, |s| {
            interp::table_init(s, instance, table, elem, dst, src, n).map(|()| 0)
        })
    }
}

/// `elem.drop` of element segment `elem` of `instance`.
///
/// # Safety
///
/// `vm` must be the context of an active run.
pub unsafe extern "C" fn elem_drop(vm: *mut VmContext, instance: u32, elem: u32) {
    // SAFETY: forwarded.
    unsafe {
        with_store(vm, (), |s| {
            s.instances[instance as usize].elems[elem as usize] = Vec::new();
            Ok(())
        })
    }
}
