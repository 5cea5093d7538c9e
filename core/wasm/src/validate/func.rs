//! Function body validation: the operand stack / control stack algorithm of the
//! specification's validation appendix.
//!
//! The operand stack holds known types or `Unknown` (a value produced by an unreachable
//! code path, which matches any type). Each control frame records its label types, the
//! operand stack height at entry and whether the rest of the block is unreachable.

use super::Context;
use crate::error::{Operand, ValidationErrorKind};
use crate::instructions::{Instr, MemArg};
use crate::module::Function;
use crate::types::{BlockType, ValType};

type Check<T> = Result<T, ValidationErrorKind>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FrameKind {
    Function,
    Block,
    Loop,
    If,
    Else,
}

/// Marks a branch that leaves the function (to the body's own label).
pub(crate) const RETURN: u32 = u32::MAX;

/// Where a taken branch goes, computed during validation for the interpreter: keep the
/// top `keep` operands, move them down to operand height `height` (relative to the
/// function's operand base), and continue at instruction `to` (or return).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct BranchTarget {
    pub(crate) to: u32,
    pub(crate) keep: u32,
    pub(crate) height: u32,
}

/// Branch information for one function body.
///
/// `at[pc]` describes the instruction at `pc`: for `br`/`br_if` its target; for `if`
/// where the else-arm (or the end) starts; for `else` where the `if` ends; for
/// `br_table`, `to` is the index in `tables` of its targets (default last).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct SideTable {
    pub(crate) at: Vec<BranchTarget>,
    pub(crate) tables: Vec<BranchTarget>,
}

/// A side table entry whose continuation is known only at the block's `end`.
#[derive(Debug, Clone, Copy)]
enum Site {
    At(usize),
    Table(usize),
}

impl SideTable {
    fn entry(&mut self, site: Site) -> &mut BranchTarget {
        match site {
            Site::At(i) => &mut self.at[i],
            Site::Table(i) => &mut self.tables[i],
        }
    }
}

#[derive(Debug)]
struct Frame {
    kind: FrameKind,
    start: Vec<ValType>,
    end: Vec<ValType>,
    height: usize,
    unreachable: bool,
    /// Index of the instruction that opened the frame.
    pc: usize,
    /// Branches to patch with the continuation after the frame's `end`.
    patches: Vec<Site>,
}

impl Frame {
    /// The types a branch to this frame's label carries.
    fn label_types(&self) -> &[ValType] {
        if self.kind == FrameKind::Loop {
            &self.start
        } else {
            &self.end
        }
    }
}

struct Validator<'c, 'm> {
    ctx: &'c Context<'m>,
    /// Locals (parameters first) as runs: (index one past the run, type).
    locals: Vec<(u64, ValType)>,
    /// `None` is the unknown type.
    vals: Vec<Option<ValType>>,
    ctrls: Vec<Frame>,
    /// Index of the instruction being checked.
    pc: usize,
    side: SideTable,
}

fn mismatch(expected: ValType, found: Option<ValType>) -> ValidationErrorKind {
    ValidationErrorKind::TypeMismatch {
        expected: Operand::Val(expected),
        found: found.map_or(Operand::Unknown, Operand::Val),
    }
}

impl Validator<'_, '_> {
    fn frame(&self) -> &Frame {
        // The function frame stays until the final `end`, which is the last instruction.
        self.ctrls
            .last()
            .expect("control stack is never empty inside a body")
    }

    fn push(&mut self, t: ValType) {
        self.vals.push(Some(t));
    }

    fn push_all(&mut self, types: &[ValType]) {
        self.vals.extend(types.iter().map(|&t| Some(t)));
    }

    /// Pops any operand; `expected` only shapes the error message.
    fn pop_operand(&mut self, expected: Operand) -> Check<Option<ValType>> {
        let frame = self.frame();
        if self.vals.len() == frame.height {
            if frame.unreachable {
                return Ok(None);
            }
            return Err(ValidationErrorKind::TypeMismatch {
                expected,
                found: Operand::Nothing,
            });
        }
        Ok(self.vals.pop().flatten())
    }

    fn pop(&mut self) -> Check<Option<ValType>> {
        self.pop_operand(Operand::Unknown)
    }

    fn pop_expect(&mut self, t: ValType) -> Check<Option<ValType>> {
        let actual = self.pop_operand(Operand::Val(t))?;
        match actual {
            Some(a) if a != t => Err(mismatch(t, Some(a))),
            _ => Ok(actual),
        }
    }

    fn pop_all(&mut self, types: &[ValType]) -> Check<Vec<Option<ValType>>> {
        let mut popped = vec![None; types.len()];
        for (slot, &t) in popped.iter_mut().zip(types).rev() {
            *slot = self.pop_expect(t)?;
        }
        Ok(popped)
    }

    fn push_ctrl(&mut self, kind: FrameKind, start: Vec<ValType>, end: Vec<ValType>) {
        let height = self.vals.len();
        self.push_all(&start);
        self.ctrls.push(Frame {
            kind,
            start,
            end,
            height,
            unreachable: false,
            pc: self.pc,
            patches: Vec::new(),
        });
    }

    fn pop_ctrl(&mut self) -> Check<Frame> {
        let end = self.frame().end.clone();
        self.pop_all(&end)?;
        let frame = self.frame();
        if self.vals.len() != frame.height {
            return Err(ValidationErrorKind::ValuesRemaining(
                self.vals.len() - frame.height,
            ));
        }
        Ok(self.ctrls.pop().expect("checked above"))
    }

    fn unreachable(&mut self) {
        let frame = self
            .ctrls
            .last_mut()
            .expect("control stack is never empty inside a body");
        self.vals.truncate(frame.height);
        frame.unreachable = true;
    }

    fn label(&self, depth: u32) -> Check<&Frame> {
        let n = self.ctrls.len();
        if depth as usize >= n {
            return Err(ValidationErrorKind::UnknownLabel(depth));
        }
        Ok(&self.ctrls[n - 1 - depth as usize])
    }

    fn label_types(&self, depth: u32) -> Check<Vec<ValType>> {
        Ok(self.label(depth)?.label_types().to_vec())
    }

    fn block_signature(&self, bt: BlockType) -> Check<(Vec<ValType>, Vec<ValType>)> {
        Ok(match bt {
            BlockType::Empty => (Vec::new(), Vec::new()),
            BlockType::Value(t) => (Vec::new(), vec![t]),
            BlockType::Func(index) => {
                let ty = self
                    .ctx
                    .types
                    .get(index as usize)
                    .ok_or(ValidationErrorKind::UnknownType(index))?;
                (ty.params.to_vec(), ty.results.to_vec())
            }
        })
    }

    fn local(&self, index: u32) -> Check<ValType> {
        let i = self
            .locals
            .partition_point(|&(end, _)| end <= u64::from(index));
        self.locals
            .get(i)
            .map(|&(_, t)| t)
            .ok_or(ValidationErrorKind::UnknownLocal(index))
    }

    fn global(&self, index: u32) -> Check<crate::types::GlobalType> {
        self.ctx
            .globals
            .get(index as usize)
            .copied()
            .ok_or(ValidationErrorKind::UnknownGlobal(index))
    }

    fn table(&self, index: u32) -> Check<ValType> {
        self.ctx
            .tables
            .get(index as usize)
            .map(|t| t.elem.val_type())
            .ok_or(ValidationErrorKind::UnknownTable(index))
    }

    fn elem(&self, index: u32) -> Check<ValType> {
        self.ctx
            .elems
            .get(index as usize)
            .map(|t| t.val_type())
            .ok_or(ValidationErrorKind::UnknownElem(index))
    }

    fn memory(&self) -> Check<()> {
        if self.ctx.memories == 0 {
            return Err(ValidationErrorKind::UnknownMemory(0));
        }
        Ok(())
    }

    fn data(&self, index: u32) -> Check<()> {
        if self.ctx.data_count.is_none_or(|count| index >= count) {
            return Err(ValidationErrorKind::UnknownData(index));
        }
        Ok(())
    }

    fn mem_access(&self, arg: MemArg, width: u32) -> Check<()> {
        self.memory()?;
        if arg.align >= 32 || 1u32 << arg.align > width {
            return Err(ValidationErrorKind::AlignmentTooLarge {
                align: arg.align,
                natural: width,
            });
        }
        Ok(())
    }

    fn apply(&mut self, (params, results): (&[ValType], &[ValType])) -> Check<()> {
        self.pop_all(params)?;
        self.push_all(results);
        Ok(())
    }

    /// Records in `site` where a branch to label `depth` (already checked) goes.
    fn branch_target(&mut self, depth: u32, site: Site) {
        let idx = self.ctrls.len() - 1 - depth as usize;
        let frame = &mut self.ctrls[idx];
        let to = match frame.kind {
            FrameKind::Loop => frame.pc as u32 + 1,
            FrameKind::Function => RETURN,
            FrameKind::Block | FrameKind::If | FrameKind::Else => {
                frame.patches.push(site);
                0
            }
        };
        let target = BranchTarget {
            to,
            keep: frame.label_types().len() as u32,
            height: frame.height as u32,
        };
        *self.side.entry(site) = target;
    }

    fn instr(&mut self, instr: &Instr) -> Check<()> {
        let pc = self.pc;
        use ValType::{FuncRef, I32, V128};
        match instr {
            Instr::Unreachable => self.unreachable(),
            Instr::Nop => {}
            Instr::Block(bt) | Instr::Loop(bt) => {
                let (params, results) = self.block_signature(*bt)?;
                self.pop_all(&params)?;
                let kind = if matches!(instr, Instr::Loop(_)) {
                    FrameKind::Loop
                } else {
                    FrameKind::Block
                };
                self.push_ctrl(kind, params, results);
            }
            Instr::If(bt) => {
                let (params, results) = self.block_signature(*bt)?;
                self.pop_expect(I32)?;
                self.pop_all(&params)?;
                self.push_ctrl(FrameKind::If, params, results);
            }
            Instr::Else => {
                if self.frame().kind != FrameKind::If {
                    return Err(ValidationErrorKind::ElseWithoutIf);
                }
                let frame = self.pop_ctrl()?;
                // A false condition starts the else-arm.
                self.side.at[frame.pc].to = pc as u32 + 1;
                self.push_ctrl(FrameKind::Else, frame.start, frame.end);
                let arm = self.ctrls.last_mut().expect("just pushed");
                arm.patches = frame.patches;
                // The end of the then-arm jumps over the else-arm.
                arm.patches.push(Site::At(pc));
            }
            Instr::End => {
                let frame = self.pop_ctrl()?;
                if frame.kind == FrameKind::If {
                    // An `if` without `else` passes its parameters through the empty arm.
                    self.push_ctrl(FrameKind::Else, frame.start.clone(), frame.end.clone());
                    self.pop_ctrl()?;
                    self.side.at[frame.pc].to = pc as u32 + 1;
                }
                for &site in &frame.patches {
                    self.side.entry(site).to = pc as u32 + 1;
                }
                if frame.kind != FrameKind::Function {
                    self.push_all(&frame.end);
                }
            }
            Instr::Br(l) => {
                let types = self.label_types(*l)?;
                self.pop_all(&types)?;
                self.branch_target(*l, Site::At(pc));
                self.unreachable();
            }
            Instr::BrIf(l) => {
                self.pop_expect(I32)?;
                let types = self.label_types(*l)?;
                self.pop_all(&types)?;
                self.branch_target(*l, Site::At(pc));
                self.push_all(&types);
            }
            Instr::BrTable { targets, default } => {
                self.pop_expect(I32)?;
                let arity = self.label(*default)?.label_types().len();
                self.side.at[pc].to = self.side.tables.len() as u32;
                for &target in targets.iter().chain([default]) {
                    let types = self.label_types(target)?;
                    if types.len() != arity {
                        return Err(ValidationErrorKind::BrTableArity(arity, types.len()));
                    }
                    let popped = self.pop_all(&types)?;
                    self.vals.extend(popped);
                    self.side.tables.push(BranchTarget::default());
                    let site = Site::Table(self.side.tables.len() - 1);
                    self.branch_target(target, site);
                }
                let types = self.label_types(*default)?;
                self.pop_all(&types)?;
                self.unreachable();
            }
            Instr::Return => {
                let types = self.ctrls[0].end.clone();
                self.pop_all(&types)?;
                self.unreachable();
            }
            Instr::Call(f) => {
                let t = *self
                    .ctx
                    .funcs
                    .get(*f as usize)
                    .ok_or(ValidationErrorKind::UnknownFunction(*f))?;
                let ty = &self.ctx.types[t as usize];
                self.apply((&ty.params, &ty.results))?;
            }
            Instr::CallIndirect { type_index, table } => {
                let elem = self.table(*table)?;
                if elem != FuncRef {
                    return Err(mismatch(FuncRef, Some(elem)));
                }
                let ctx = self.ctx;
                let ty = ctx
                    .types
                    .get(*type_index as usize)
                    .ok_or(ValidationErrorKind::UnknownType(*type_index))?;
                self.pop_expect(I32)?;
                self.apply((&ty.params, &ty.results))?;
            }
            Instr::Drop => {
                self.pop()?;
            }
            Instr::Select => {
                self.pop_expect(I32)?;
                let t1 = self.pop()?;
                let t2 = self.pop_operand(t1.map_or(Operand::Unknown, Operand::Val))?;
                for t in [t1, t2].into_iter().flatten() {
                    if !(t.is_num() || t == V128) {
                        return Err(ValidationErrorKind::SelectNeedsType(t));
                    }
                }
                if let (Some(a), Some(b)) = (t1, t2)
                    && a != b
                {
                    return Err(mismatch(a, Some(b)));
                }
                self.vals.push(t1.or(t2));
            }
            Instr::SelectTyped(types) => {
                let [t] = **types else {
                    return Err(ValidationErrorKind::SelectArity(types.len()));
                };
                self.pop_expect(I32)?;
                self.pop_expect(t)?;
                self.pop_expect(t)?;
                self.push(t);
            }
            Instr::LocalGet(x) => {
                let t = self.local(*x)?;
                self.push(t);
            }
            Instr::LocalSet(x) => {
                let t = self.local(*x)?;
                self.pop_expect(t)?;
            }
            Instr::LocalTee(x) => {
                let t = self.local(*x)?;
                self.pop_expect(t)?;
                self.push(t);
            }
            Instr::GlobalGet(x) => {
                let g = self.global(*x)?;
                self.push(g.val);
            }
            Instr::GlobalSet(x) => {
                let g = self.global(*x)?;
                if !g.mutable {
                    return Err(ValidationErrorKind::ImmutableGlobal(*x));
                }
                self.pop_expect(g.val)?;
            }
            Instr::TableGet(x) => {
                let t = self.table(*x)?;
                self.apply((&[I32], &[t]))?;
            }
            Instr::TableSet(x) => {
                let t = self.table(*x)?;
                self.apply((&[I32, t], &[]))?;
            }
            Instr::TableInit { elem, table } => {
                let t = self.table(*table)?;
                let e = self.elem(*elem)?;
                if t != e {
                    return Err(mismatch(t, Some(e)));
                }
                self.apply((&[I32, I32, I32], &[]))?;
            }
            Instr::ElemDrop(x) => {
                self.elem(*x)?;
            }
            Instr::TableCopy { dst, src } => {
                let d = self.table(*dst)?;
                let s = self.table(*src)?;
                if d != s {
                    return Err(mismatch(d, Some(s)));
                }
                self.apply((&[I32, I32, I32], &[]))?;
            }
            Instr::TableGrow(x) => {
                let t = self.table(*x)?;
                self.apply((&[t, I32], &[I32]))?;
            }
            Instr::TableSize(x) => {
                self.table(*x)?;
                self.push(I32);
            }
            Instr::TableFill(x) => {
                let t = self.table(*x)?;
                self.apply((&[I32, t, I32], &[]))?;
            }
            Instr::Load(op, arg) => {
                self.mem_access(*arg, op.width())?;
                self.apply(op.signature())?;
            }
            Instr::Store(op, arg) => {
                self.mem_access(*arg, op.width())?;
                self.apply(op.signature())?;
            }
            Instr::LaneMem(op, arg, lane) => {
                self.mem_access(*arg, op.width())?;
                let lanes = (16 / op.width()) as u8;
                if *lane >= lanes {
                    return Err(ValidationErrorKind::InvalidLaneIndex { lane: *lane, lanes });
                }
                self.apply(op.signature())?;
            }
            Instr::MemorySize => {
                self.memory()?;
                self.push(I32);
            }
            Instr::MemoryGrow => {
                self.memory()?;
                self.apply((&[I32], &[I32]))?;
            }
            Instr::MemoryInit(x) => {
                self.memory()?;
                self.data(*x)?;
                self.apply((&[I32, I32, I32], &[]))?;
            }
            Instr::DataDrop(x) => self.data(*x)?,
            Instr::MemoryCopy | Instr::MemoryFill => {
                self.memory()?;
                self.apply((&[I32, I32, I32], &[]))?;
            }
            Instr::I32Const(_) => self.push(I32),
            Instr::I64Const(_) => self.push(ValType::I64),
            Instr::F32Const(_) => self.push(ValType::F32),
            Instr::F64Const(_) => self.push(ValType::F64),
            Instr::V128Const(_) => self.push(V128),
            Instr::RefNull(t) => self.push(t.val_type()),
            Instr::RefIsNull => {
                let t = self.pop_operand(Operand::Unknown)?;
                if let Some(t) = t.filter(|t| !t.is_ref()) {
                    return Err(ValidationErrorKind::ExpectedReference(Operand::Val(t)));
                }
                self.push(I32);
            }
            Instr::RefFunc(f) => {
                if *f as usize >= self.ctx.funcs.len() {
                    return Err(ValidationErrorKind::UnknownFunction(*f));
                }
                if !self.ctx.refs.contains(f) {
                    return Err(ValidationErrorKind::UndeclaredFunctionReference(*f));
                }
                self.push(FuncRef);
            }
            Instr::Numeric(op) => self.apply(op.signature())?,
            Instr::Simd(op) => self.apply(op.signature())?,
            Instr::Lane(op, lane) => {
                if *lane >= op.lanes() {
                    return Err(ValidationErrorKind::InvalidLaneIndex {
                        lane: *lane,
                        lanes: op.lanes(),
                    });
                }
                self.apply(op.signature())?;
            }
            Instr::Shuffle(lanes) => {
                if let Some(&lane) = lanes.iter().find(|&&l| l >= 32) {
                    return Err(ValidationErrorKind::InvalidLaneIndex { lane, lanes: 32 });
                }
                self.apply((&[V128, V128], &[V128]))?;
            }
        }
        Ok(())
    }
}

/// Validates one function body and computes its branch side table. On failure returns
/// the byte offset of the offending instruction and the reason.
pub(super) fn check(
    ctx: &Context<'_>,
    f: &Function,
) -> Result<SideTable, (usize, ValidationErrorKind)> {
    let ty = &ctx.types[f.type_index as usize];
    let mut locals = Vec::with_capacity(ty.params.len() + f.locals.len());
    let mut end = 0u64;
    for &t in ty.params.iter() {
        end += 1;
        locals.push((end, t));
    }
    for group in &f.locals {
        if group.count > 0 {
            end += u64::from(group.count);
            locals.push((end, group.ty));
        }
    }
    let mut v = Validator {
        ctx,
        locals,
        vals: Vec::new(),
        ctrls: Vec::new(),
        pc: 0,
        side: SideTable {
            at: vec![BranchTarget::default(); f.body.instrs.len()],
            tables: Vec::new(),
        },
    };
    v.push_ctrl(FrameKind::Function, Vec::new(), ty.results.to_vec());
    for (i, instr) in f.body.instrs.iter().enumerate() {
        if v.ctrls.is_empty() {
            return Err((f.body.offset_of(i), ValidationErrorKind::UnbalancedBody));
        }
        v.pc = i;
        v.instr(instr).map_err(|kind| (f.body.offset_of(i), kind))?;
    }
    if !v.ctrls.is_empty() {
        return Err((
            f.body.offset_of(f.body.instrs.len()),
            ValidationErrorKind::UnbalancedBody,
        ));
    }
    Ok(v.side)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::module::Module;

    fn side_table(text: &str) -> SideTable {
        let buf = wast::parser::ParseBuffer::new(text).unwrap();
        let mut wat: wast::Wat<'_> = wast::parser::parse(&buf).unwrap();
        let module = Module::decode(&wat.encode().unwrap()).unwrap();
        module.validate().unwrap().side_tables.remove(0)
    }

    fn target(to: u32, keep: u32, height: u32) -> BranchTarget {
        BranchTarget { to, keep, height }
    }

    #[test]
    fn branches_know_where_they_go() {
        // 0 i32.const 7, 1 block (result i32), 2 i32.const 1, 3 local.get 0, 4 br_if 0,
        // 5 drop, 6 i32.const 2, 7 end, 8 drop, 9 loop, 10 br 0, 11 end, 12 end.
        let side = side_table(
            "(module (func (param i32) (result i32)
               i32.const 7
               (block (result i32) i32.const 1 local.get 0 br_if 0 drop i32.const 2)
               drop
               (loop br 0)))",
        );
        assert_eq!(side.at[4], target(8, 1, 1));
        assert_eq!(side.at[10], target(10, 0, 1));
    }

    #[test]
    fn if_else_and_tables() {
        // 0 block (result i32), 1 local.get 0, 2 if (result i32), 3 i32.const 1, 4 else,
        // 5 i32.const 2, 6 end, 7 local.get 0, 8 br_table 0 1 0, 9 end, 10 end.
        let side = side_table(
            "(module (func (param i32) (result i32)
               (block (result i32)
                 (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2)))
                 local.get 0
                 br_table 0 1 0)))",
        );
        assert_eq!(side.at[2].to, 5, "a false condition starts the else-arm");
        assert_eq!(side.at[4].to, 7, "the then-arm jumps past the end");
        assert_eq!(side.at[8].to, 0, "br_table targets start at index 0");
        assert_eq!(
            side.tables,
            vec![target(10, 1, 0), target(RETURN, 1, 0), target(10, 1, 0)]
        );
    }
}
