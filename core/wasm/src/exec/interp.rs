//! The execution engine: runs function bodies directly from their decoded instructions.
//!
//! Operands are untyped 128-bit slots on one stack shared by all frames; a frame's
//! locals sit at its base, its operands above them. Structured control costs nothing at
//! run time: `block`, `loop` and inner `end`s do nothing, and every branch, `if` and
//! `else` finds its continuation, the number of values it carries and the operand height
//! to move them to in the side table computed by validation. Calls push frames on an
//! explicit stack, so deep recursion ends in a trap, never a native stack overflow.

use std::rc::Rc;

use std::sync::atomic::Ordering;
use std::time::Instant;

use super::{
    BacktraceFrame, CHECK_INTERVAL, Code, FuncKind, InstanceId, NULL_REF, PAGE_SIZE, Slot, Store,
    Trap, Value, call_host, numeric, simd,
};
use crate::instructions::{Instr, MemArg};
use crate::ops::{LoadOp, StoreOp};
use crate::validate::{BranchTarget, RETURN};

struct Frame {
    code: Rc<Code>,
    instance: u32,
    pc: usize,
    /// Stack index of local 0.
    locals: usize,
    /// Stack index of the first operand (above the locals).
    base: usize,
    /// Number of results.
    arity: usize,
}

struct Machine {
    /// Instructions left before the next look at the interrupt flag and the deadline.
    fuel: u64,
    /// Fuel not yet handed to `fuel`; `u64::MAX` when unlimited.
    reserve: u64,
    /// When to stop.
    deadline: Option<Instant>,
    stack: Vec<Slot>,
    frames: Vec<Frame>,
    /// Whether a host function (not the innermost frame's own code) trapped.
    host_trapped: bool,
}

/// The effective address of an access of `width` bytes, checked against `len`.
fn address(base: Slot, arg: MemArg, width: usize, len: usize) -> Result<usize, Trap> {
    let ea = u64::from(base as u32) + u64::from(arg.offset);
    if ea + width as u64 > len as u64 {
        return Err(Trap::MemoryOutOfBounds);
    }
    Ok(ea as usize)
}

/// Checks that `[start, start + n)` lies within `len`.
pub(crate) fn range(
    start: u32,
    n: u32,
    len: usize,
    trap: Trap,
) -> Result<std::ops::Range<usize>, Trap> {
    let end = u64::from(start) + u64::from(n);
    if end > len as u64 {
        return Err(trap);
    }
    Ok(start as usize..end as usize)
}

/// Reads `width` bytes at the effective address, zero-extended.
pub(crate) fn read(bytes: &[u8], addr: Slot, arg: MemArg, width: usize) -> Result<u128, Trap> {
    let at = address(addr, arg, width, bytes.len())?;
    let mut raw = [0u8; 16];
    raw[..width].copy_from_slice(&bytes[at..at + width]);
    Ok(u128::from_le_bytes(raw))
}

/// Writes the low `width` bytes of `value` at the effective address.
pub(crate) fn write(
    bytes: &mut [u8],
    addr: Slot,
    arg: MemArg,
    width: usize,
    value: u128,
) -> Result<(), Trap> {
    let at = address(addr, arg, width, bytes.len())?;
    bytes[at..at + width].copy_from_slice(&value.to_le_bytes()[..width]);
    Ok(())
}

fn load(bytes: &[u8], op: LoadOp, addr: Slot, arg: MemArg) -> Result<Slot, Trap> {
    let v = read(bytes, addr, arg, op.width() as usize)?;
    Ok(match op {
        LoadOp::I32Load8S => Slot::from(i32::from(v as i8) as u32),
        LoadOp::I32Load16S => Slot::from(i32::from(v as i16) as u32),
        LoadOp::I64Load8S => Slot::from(i64::from(v as i8) as u64),
        LoadOp::I64Load16S => Slot::from(i64::from(v as i16) as u64),
        LoadOp::I64Load32S => Slot::from(i64::from(v as i32) as u64),
        LoadOp::I32Load
        | LoadOp::I64Load
        | LoadOp::F32Load
        | LoadOp::F64Load
        | LoadOp::I32Load8U
        | LoadOp::I32Load16U
        | LoadOp::I64Load8U
        | LoadOp::I64Load16U
        | LoadOp::I64Load32U
        | LoadOp::V128Load => v,
        _ => simd::extend_load(op, v),
    })
}

fn store(bytes: &mut [u8], op: StoreOp, addr: Slot, arg: MemArg, value: Slot) -> Result<(), Trap> {
    write(bytes, addr, arg, op.width() as usize, value)
}

/// `table.init`: copies `n` references of element segment `elem` from `src` to table
/// `table` at `dst`.
pub(crate) fn table_init(
    s: &mut Store,
    inst: u32,
    table: u32,
    elem: u32,
    dst: u32,
    src: u32,
    n: u32,
) -> Result<(), Trap> {
    let data = &s.instances[inst as usize];
    let seg = &data.elems[elem as usize];
    let t = &mut s.tables[data.tables[table as usize] as usize];
    let from = range(src, n, seg.len(), Trap::TableOutOfBounds)?;
    let to = range(dst, n, t.elems.len(), Trap::TableOutOfBounds)?;
    t.elems[to].copy_from_slice(&seg[from]);
    Ok(())
}

/// `memory.init`: copies `n` bytes of data segment `data` from `src` to memory 0 at `dst`.
pub(crate) fn memory_init(
    s: &mut Store,
    inst: u32,
    data: u32,
    dst: u32,
    src: u32,
    n: u32,
) -> Result<(), Trap> {
    let instance = &s.instances[inst as usize];
    let seg = &instance.datas[data as usize];
    let mem = &mut s.mems[instance.mems[0] as usize].bytes;
    let from = range(src, n, seg.len(), Trap::MemoryOutOfBounds)?;
    let to = range(dst, n, mem.len(), Trap::MemoryOutOfBounds)?;
    mem[to].copy_from_slice(&seg[from]);
    Ok(())
}

/// Calls store function `func` with argument slots; returns the result slots.
pub(crate) fn call(s: &mut Store, func: u32, args: &[Slot]) -> Result<Vec<Slot>, Trap> {
    // The first instruction looks at the interrupt flag and the deadline.
    let mut m = Machine {
        fuel: 0,
        reserve: s.fuel.unwrap_or(u64::MAX),
        deadline: s.deadline,
        stack: args.to_vec(),
        frames: Vec::new(),
        host_trapped: false,
    };
    let result = match m.enter(s, func) {
        Ok(true) => m.run(s),
        Ok(false) => Ok(()),
        Err(trap) => Err(trap),
    };
    if s.fuel.is_some() {
        s.fuel = Some(m.fuel + m.reserve);
    }
    s.backtrace.clear();
    if result.is_err() {
        let innermost = m.frames.len().saturating_sub(1);
        s.backtrace
            .extend(m.frames.iter().enumerate().rev().map(|(i, f)| {
                BacktraceFrame {
                    instance: InstanceId(f.instance),
                    func_index: f.code.index,
                    // A caller's saved position is just past its call instruction.
                    instr: (i != innermost || m.host_trapped)
                        .then(|| f.pc.saturating_sub(1) as u32),
                }
            }));
    }
    result.map(|()| m.stack)
}

impl Machine {
    /// The current slice of fuel is used up: traps if all fuel is gone or the run must
    /// stop, otherwise hands out the next slice.
    fn next_slice(&mut self, s: &Store) -> Result<(), Trap> {
        if self.reserve == 0 {
            return Err(Trap::OutOfFuel);
        }
        if s.interrupt.load(Ordering::Relaxed) {
            return Err(Trap::Interrupted);
        }
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(Trap::DeadlineExceeded);
        }
        self.fuel = self.reserve.min(CHECK_INTERVAL);
        self.reserve -= self.fuel;
        Ok(())
    }

    fn pop(&mut self) -> Slot {
        self.stack.pop().unwrap_or_default()
    }

    fn pop_u32(&mut self) -> u32 {
        self.pop() as u32
    }

    /// Calls `func` with its arguments on the stack: host functions run at once
    /// (returning `false`), module functions get a frame (returning `true`).
    fn enter(&mut self, s: &mut Store, func: u32) -> Result<bool, Trap> {
        let f = &s.funcs[func as usize];
        let params = f.ty.params.len();
        match &f.kind {
            FuncKind::Host(host) => {
                let host = host.clone();
                let ty = f.ty.clone();
                let base = self.stack.len() - params;
                let args: Vec<Value> = ty
                    .params
                    .iter()
                    .zip(&self.stack[base..])
                    .map(|(&t, &v)| Value::from_slot(t, v))
                    .collect();
                self.stack.truncate(base);
                let caller = self.frames.last().map(|f| InstanceId(f.instance));
                let results = call_host(s, caller, &*host, &args)
                    .inspect_err(|_| self.host_trapped = true)?;
                if !s.admits(&ty.results, &results) {
                    self.host_trapped = true;
                    return Err(Trap::Host(format!(
                        "host function returned {results:?}, expected {ty}"
                    )));
                }
                self.stack.extend(results.iter().map(|r| r.to_slot()));
                Ok(false)
            }
            FuncKind::Wasm { instance, code } => {
                if self.frames.len() >= s.config.max_call_depth
                    || self.stack.len() + code.local_count > s.config.max_stack_slots
                {
                    return Err(Trap::StackExhausted);
                }
                let locals = self.stack.len() - params;
                for &(count, init) in code.locals.iter() {
                    self.stack.resize(self.stack.len() + count as usize, init);
                }
                self.frames.push(Frame {
                    code: code.clone(),
                    instance: *instance,
                    pc: 0,
                    locals,
                    base: self.stack.len(),
                    arity: f.ty.results.len(),
                });
                Ok(true)
            }
        }
    }

    /// Takes a branch: moves the carried values down; `None` means a return.
    fn branch(&mut self, t: BranchTarget, base: usize) -> Option<usize> {
        if t.to == RETURN {
            return None;
        }
        let dst = base + t.height as usize;
        let src = self.stack.len() - t.keep as usize;
        if src != dst {
            self.stack.copy_within(src.., dst);
            self.stack.truncate(dst + t.keep as usize);
        }
        Some(t.to as usize)
    }

    /// Runs until the frame that was on top when called returns.
    fn run(&mut self, s: &mut Store) -> Result<(), Trap> {
        let stop = self.frames.len() - 1;
        'frames: loop {
            let Some(frame) = self.frames.last() else {
                return Ok(());
            };
            let code = frame.code.clone();
            let inst_id = frame.instance as usize;
            let locals = frame.locals;
            let base = frame.base;
            let mut pc = frame.pc;
            let mem = s.instances[inst_id].mems.first().map(|&m| m as usize);
            macro_rules! ret {
                () => {{
                    let frame = self.frames.pop().expect("a frame is running");
                    let src = self.stack.len() - frame.arity;
                    self.stack.copy_within(src.., frame.locals);
                    self.stack.truncate(frame.locals + frame.arity);
                    if self.frames.len() == stop {
                        return Ok(());
                    }
                    continue 'frames;
                }};
            }
            macro_rules! mem {
                () => {
                    s.mems[mem.unwrap_or_default()].bytes
                };
            }
            loop {
                let here = pc;
                if self.fuel == 0 {
                    self.next_slice(s)?;
                }
                self.fuel -= 1;
                let Some(instr) = code.instrs.get(pc) else {
                    ret!()
                };
                pc += 1;
                match instr {
                    Instr::Unreachable => return Err(Trap::Unreachable),
                    Instr::Nop => {}
                    // Blocks need no bookkeeping: branches carry their targets.
                    Instr::Block(_) | Instr::Loop(_) => {}
                    Instr::If(_) => {
                        if self.pop_u32() == 0 {
                            pc = code.side.at[here].to as usize;
                        }
                    }
                    // The then-arm finished: skip the else-arm.
                    Instr::Else => pc = code.side.at[here].to as usize,
                    Instr::End => {
                        if pc == code.instrs.len() {
                            ret!();
                        }
                    }
                    Instr::Br(_) => match self.branch(code.side.at[here], base) {
                        Some(to) => pc = to,
                        None => ret!(),
                    },
                    Instr::BrIf(_) => {
                        if self.pop_u32() != 0 {
                            match self.branch(code.side.at[here], base) {
                                Some(to) => pc = to,
                                None => ret!(),
                            }
                        }
                    }
                    Instr::BrTable { targets, .. } => {
                        let i = (self.pop_u32() as usize).min(targets.len());
                        let t = code.side.tables[code.side.at[here].to as usize + i];
                        match self.branch(t, base) {
                            Some(to) => pc = to,
                            None => ret!(),
                        }
                    }
                    Instr::Return => ret!(),
                    Instr::Call(f) => {
                        let func = s.instances[inst_id].funcs[*f as usize];
                        if let Some(frame) = self.frames.last_mut() {
                            frame.pc = pc;
                        }
                        if self.enter(s, func)? {
                            continue 'frames;
                        }
                    }
                    Instr::CallIndirect { type_index, table } => {
                        let inst = &s.instances[inst_id];
                        let t = &s.tables[inst.tables[*table as usize] as usize];
                        let i = self.pop_u32();
                        let func = *t.elems.get(i as usize).ok_or(Trap::UndefinedElement)?;
                        if func == NULL_REF {
                            return Err(Trap::UninitializedElement(i));
                        }
                        let func = func as u32;
                        let expected = &inst.types[*type_index as usize];
                        let actual = &s.funcs[func as usize].ty;
                        if !Rc::ptr_eq(expected, actual) && **expected != **actual {
                            return Err(Trap::IndirectCallTypeMismatch);
                        }
                        if let Some(frame) = self.frames.last_mut() {
                            frame.pc = pc;
                        }
                        if self.enter(s, func)? {
                            continue 'frames;
                        }
                    }
                    Instr::Drop => {
                        self.pop();
                    }
                    Instr::Select | Instr::SelectTyped(_) => {
                        let c = self.pop_u32();
                        let b = self.pop();
                        if c == 0
                            && let Some(top) = self.stack.last_mut()
                        {
                            *top = b;
                        }
                    }
                    Instr::LocalGet(x) => self.stack.push(self.stack[locals + *x as usize]),
                    Instr::LocalSet(x) => {
                        let v = self.pop();
                        self.stack[locals + *x as usize] = v;
                    }
                    Instr::LocalTee(x) => {
                        let v = self.stack.last().copied().unwrap_or_default();
                        self.stack[locals + *x as usize] = v;
                    }
                    Instr::GlobalGet(x) => {
                        let g = s.instances[inst_id].globals[*x as usize] as usize;
                        self.stack.push(*s.globals[g].value);
                    }
                    Instr::GlobalSet(x) => {
                        let g = s.instances[inst_id].globals[*x as usize] as usize;
                        *s.globals[g].value = self.pop();
                    }
                    Instr::TableGet(x) => {
                        let t = &s.tables[s.instances[inst_id].tables[*x as usize] as usize];
                        let i = self.pop_u32() as usize;
                        let v = *t.elems.get(i).ok_or(Trap::TableOutOfBounds)?;
                        self.stack.push(v);
                    }
                    Instr::TableSet(x) => {
                        let t = &mut s.tables[s.instances[inst_id].tables[*x as usize] as usize];
                        let v = self.pop();
                        let i = self.pop_u32() as usize;
                        *t.elems.get_mut(i).ok_or(Trap::TableOutOfBounds)? = v;
                    }
                    Instr::TableInit { elem, table } => {
                        let n = self.pop_u32();
                        let src = self.pop_u32();
                        let dst = self.pop_u32();
                        table_init(s, inst_id as u32, *table, *elem, dst, src, n)?;
                    }
                    Instr::ElemDrop(x) => s.instances[inst_id].elems[*x as usize] = Vec::new(),
                    Instr::TableCopy { dst, src } => {
                        let n = self.pop_u32();
                        let from = self.pop_u32();
                        let to = self.pop_u32();
                        let inst = &s.instances[inst_id];
                        let (dt, st) = (
                            inst.tables[*dst as usize] as usize,
                            inst.tables[*src as usize] as usize,
                        );
                        let from =
                            range(from, n, s.tables[st].elems.len(), Trap::TableOutOfBounds)?;
                        let to = range(to, n, s.tables[dt].elems.len(), Trap::TableOutOfBounds)?;
                        if dt == st {
                            s.tables[dt].elems.copy_within(from, to.start);
                        } else {
                            let items: Vec<Slot> = s.tables[st].elems[from].to_vec();
                            s.tables[dt].elems[to].copy_from_slice(&items);
                        }
                    }
                    Instr::TableGrow(x) => {
                        let limit = s.config.max_table_elements;
                        let t = &mut s.tables[s.instances[inst_id].tables[*x as usize] as usize];
                        let n = self.pop_u32();
                        let init = self.pop();
                        let old = t.elems.len() as u32;
                        let max = t.ty.limits.max.unwrap_or(u32::MAX).min(limit);
                        match old.checked_add(n).filter(|&new| new <= max) {
                            Some(new) if t.elems.try_reserve(n as usize).is_ok() => {
                                t.elems.resize(new as usize, init);
                                self.stack.push(Slot::from(old));
                            }
                            _ => self.stack.push(Slot::from(u32::MAX)),
                        }
                    }
                    Instr::TableSize(x) => {
                        let t = &s.tables[s.instances[inst_id].tables[*x as usize] as usize];
                        self.stack.push(t.elems.len() as Slot);
                    }
                    Instr::TableFill(x) => {
                        let t = &mut s.tables[s.instances[inst_id].tables[*x as usize] as usize];
                        let n = self.pop_u32();
                        let v = self.pop();
                        let i = self.pop_u32();
                        let r = range(i, n, t.elems.len(), Trap::TableOutOfBounds)?;
                        t.elems[r].fill(v);
                    }
                    Instr::Load(op, arg) => {
                        let addr = self.pop();
                        let v = load(&mem!(), *op, addr, *arg)?;
                        self.stack.push(v);
                    }
                    Instr::Store(op, arg) => {
                        let v = self.pop();
                        let addr = self.pop();
                        store(&mut mem!(), *op, addr, *arg, v)?;
                    }
                    Instr::MemorySize => self.stack.push((mem!().len() / PAGE_SIZE) as Slot),
                    Instr::MemoryGrow => {
                        let limit = s.config.max_memory_pages;
                        let n = self.pop_u32();
                        let old = s.mems[mem.unwrap_or_default()].grow(n, limit);
                        self.stack.push(Slot::from(old.unwrap_or(u32::MAX)));
                    }
                    Instr::MemoryInit(x) => {
                        let n = self.pop_u32();
                        let src = self.pop_u32();
                        let dst = self.pop_u32();
                        memory_init(s, inst_id as u32, *x, dst, src, n)?;
                    }
                    Instr::DataDrop(x) => {
                        s.instances[inst_id].datas[*x as usize] = Rc::from(&[][..])
                    }
                    Instr::MemoryCopy => {
                        let n = self.pop_u32();
                        let from = self.pop_u32();
                        let to = self.pop_u32();
                        let bytes = &mut mem!();
                        let from = range(from, n, bytes.len(), Trap::MemoryOutOfBounds)?;
                        let to = range(to, n, bytes.len(), Trap::MemoryOutOfBounds)?;
                        bytes.copy_within(from, to.start);
                    }
                    Instr::MemoryFill => {
                        let n = self.pop_u32();
                        let v = self.pop() as u8;
                        let to = self.pop_u32();
                        let bytes = &mut mem!();
                        let to = range(to, n, bytes.len(), Trap::MemoryOutOfBounds)?;
                        bytes[to].fill(v);
                    }
                    Instr::I32Const(v) => self.stack.push(Slot::from(*v as u32)),
                    Instr::I64Const(v) => self.stack.push(Slot::from(*v as u64)),
                    Instr::F32Const(v) => self.stack.push(Slot::from(*v)),
                    Instr::F64Const(v) => self.stack.push(Slot::from(*v)),
                    Instr::V128Const(v) => self.stack.push(Slot::from_le_bytes(*v)),
                    Instr::RefNull(_) => self.stack.push(NULL_REF),
                    Instr::RefIsNull => {
                        let v = self.pop();
                        self.stack.push(Slot::from(v == NULL_REF));
                    }
                    Instr::RefFunc(f) => self
                        .stack
                        .push(Slot::from(s.instances[inst_id].funcs[*f as usize])),
                    Instr::Numeric(op) => numeric::execute(*op, &mut self.stack)?,
                    Instr::Simd(op) => simd::execute(*op, &mut self.stack),
                    Instr::Lane(op, lane) => simd::lane(*op, *lane, &mut self.stack),
                    Instr::Shuffle(lanes) => {
                        let b = self.pop();
                        if let Some(a) = self.stack.last_mut() {
                            *a = simd::shuffle(*a, b, lanes);
                        }
                    }
                    Instr::LaneMem(op, arg, lane) => {
                        let v = self.pop();
                        let addr = self.pop();
                        let width = op.width() as usize;
                        let bits = width as u32 * 8;
                        let shift = u32::from(*lane) * bits;
                        let mask = (u128::MAX >> (128 - bits)) << shift;
                        if op.signature().1.is_empty() {
                            write(&mut mem!(), addr, *arg, width, v >> shift)?;
                        } else {
                            let x = read(&mem!(), addr, *arg, width)?;
                            self.stack.push((v & !mask) | (x << shift));
                        }
                    }
                }
            }
        }
    }
}
