//! Translation of validated function bodies to Cranelift IR.
//!
//! The operand stack exists only at compile time, as a vector of SSA values; locals are
//! Cranelift variables. A `block` or `if` gets a continuation block whose parameters are
//! its results, a `loop` a header block whose parameters are its parameters; a branch
//! jumps to one of them with the values it carries. Traps branch to cold blocks that
//! record the trap in the context and return. Code following an unconditional branch is
//! not translated (it cannot run), except for the structure of its blocks.

use std::collections::HashMap;

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    self, AbiParam, BlockArg, InstBuilder, JumpTableData, MemFlagsData, Signature, StackSlotData,
    StackSlotKind, Type, types,
};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use cranelift_module::{DataId, FuncId};
use heirloom_wasm::exec::native::{InstanceEnv, TrapCode, VmContext};

use crate::symbols::{Helper, Symbols};
use heirloom_wasm::{
    BlockType, FuncType, Instr, LaneMemOp, LaneOp, LoadOp, MemArg, NumOp, SimdOp, StoreOp, ValType,
    ValidatedModule,
};

/// The Cranelift type of a value type (vectors are `i8x16` between operations).
fn clif_type(ty: ValType) -> Type {
    match ty {
        ValType::I32 => types::I32,
        ValType::I64 | ValType::FuncRef | ValType::ExternRef => types::I64,
        ValType::F32 => types::F32,
        ValType::F64 => types::F64,
        ValType::V128 => V128,
    }
}

fn clif_types(tys: &[ValType]) -> Vec<Type> {
    tys.iter().map(|&t| clif_type(t)).collect()
}

const V128: Type = types::I8X16;

/// Flags for reinterpreting vectors: lane 0 is the least significant.
fn lanes_flags() -> MemFlagsData {
    MemFlagsData::new().with_endianness(ir::Endianness::Little)
}

/// The direct-convention signature of a function type.
pub(crate) fn direct_signature(ty: &FuncType, call_conv: CallConv) -> Signature {
    signature(call_conv, &clif_types(&ty.params), &clif_types(&ty.results))
}

/// The type of imported function `f`.
pub(crate) fn imported_type(module: &ValidatedModule, f: usize) -> &FuncType {
    let m = module.module();
    let t = m
        .imports
        .iter()
        .filter_map(|i| match i.desc {
            heirloom_wasm::ImportDesc::Func(t) => Some(t),
            _ => None,
        })
        .nth(f)
        .expect("validated import");
    &m.types[t as usize]
}

/// A signature taking the context and `params`, returning `returns`.
pub(crate) fn signature(call_conv: CallConv, params: &[Type], returns: &[Type]) -> Signature {
    let mut sig = Signature::new(call_conv);
    sig.params.push(AbiParam::new(types::I64));
    sig.params.extend(params.iter().map(|&t| AbiParam::new(t)));
    sig.returns
        .extend(returns.iter().map(|&t| AbiParam::new(t)));
    sig
}

/// The signature of an array entry: the context and a pointer to the argument slots.
pub(crate) fn array_signature(call_conv: CallConv) -> Signature {
    signature(call_conv, &[types::I64], &[])
}

/// Translates defined function `i` of `module` to IR in `func` (whose signature is set
/// here).
pub(crate) fn translate_function(
    func: &mut ir::Function,
    fctx: &mut FunctionBuilderContext,
    symbols: &Symbols,
    module: &ValidatedModule,
    env: &InstanceEnv,
    i: usize,
) -> Result<(), String> {
    let m = module.module();
    let f = &m.functions[i];
    let ty = &m.types[f.type_index as usize];
    func.signature = direct_signature(ty, symbols.call_conv);
    let b = FunctionBuilder::new(func, fctx);
    let mut t = Translator::new(b, symbols, module, env, (symbols.imported() + i) as u32);
    t.function(f, ty)?;
    t.b.seal_all_blocks();
    t.b.finalize(symbols.frontend);
    Ok(())
}

/// Loads argument `i` of an array call.
fn load_slot(b: &mut FunctionBuilder<'_>, ty: Type, ptr: ir::Value, i: usize) -> ir::Value {
    b.ins()
        .load(ty, MemFlagsData::trusted(), ptr, (i * 16) as i32)
}

/// Stores `v` as slot `i` of an array call: zero-extended to 128 bits.
fn store_slot(b: &mut FunctionBuilder<'_>, v: ir::Value, ptr: ir::Value, i: usize) {
    let ty = b.func.dfg.value_type(v);
    if ty.is_vector() {
        b.ins()
            .store(MemFlagsData::trusted(), v, ptr, (i * 16) as i32);
        return;
    }
    let wide = match ty {
        types::I32 => b.ins().uextend(types::I64, v),
        types::F32 => {
            let bits = b.ins().bitcast(types::I32, MemFlagsData::new(), v);
            b.ins().uextend(types::I64, bits)
        }
        types::F64 => b.ins().bitcast(types::I64, MemFlagsData::new(), v),
        _ => v,
    };
    let zero = b.ins().iconst(types::I64, 0);
    b.ins()
        .store(MemFlagsData::trusted(), wide, ptr, (i * 16) as i32);
    b.ins()
        .store(MemFlagsData::trusted(), zero, ptr, (i * 16 + 8) as i32);
}

/// Builds in `func` the array-convention wrapper of defined function `i`'s direct entry.
pub(crate) fn array_wrapper(
    func: &mut ir::Function,
    fctx: &mut FunctionBuilderContext,
    symbols: &Symbols,
    module: &ValidatedModule,
    i: usize,
) {
    let m = module.module();
    let ty = &m.types[m.functions[i].type_index as usize];
    func.signature = array_signature(symbols.call_conv);
    let mut b = FunctionBuilder::new(func, fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    let vm = b.block_params(entry)[0];
    let ptr = b.block_params(entry)[1];
    let mut args = vec![vm];
    for (i, t) in clif_types(&ty.params).into_iter().enumerate() {
        args.push(load_slot(&mut b, t, ptr, i));
    }
    let sig = direct_signature(ty, symbols.call_conv);
    let callee = import_function(b.func, symbols.direct[i], sig, true);
    let call = b.ins().call(callee, &args);
    let results = b.inst_results(call).to_vec();
    for (i, r) in results.into_iter().enumerate() {
        store_slot(&mut b, r, ptr, i);
    }
    b.ins().return_(&[]);
    b.seal_all_blocks();
    b.finalize(symbols.frontend);
}

/// Declares function `id` (of signature `sig`) in `func`; `colocated` when it is code
/// of the same module.
fn import_function(
    func: &mut ir::Function,
    id: FuncId,
    sig: Signature,
    colocated: bool,
) -> ir::FuncRef {
    let signature = func.import_signature(sig);
    let name = func.declare_imported_user_function(ir::UserExternalName {
        namespace: FUNCTION_NAMESPACE,
        index: id.as_u32(),
    });
    func.import_function(ir::ExtFuncData {
        name: ir::ExternalName::user(name),
        signature,
        colocated,
        patchable: false,
    })
}

/// Declares data object `id` in `func`: its address.
fn import_data(func: &mut ir::Function, id: DataId) -> ir::GlobalValue {
    let name = func.declare_imported_user_function(ir::UserExternalName {
        namespace: DATA_NAMESPACE,
        index: id.as_u32(),
    });
    func.create_global_value(ir::GlobalValueData::Symbol {
        name: ir::ExternalName::user(name),
        offset: ir::immediates::Imm64::new(0),
        colocated: false,
        tls: false,
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Block,
    Loop,
    If,
    Else,
}

/// A structured control frame.
struct Frame {
    kind: Kind,
    /// Where a branch to this label goes: the continuation, or a loop's header.
    target: ir::Block,
    /// The block after the construct (for loops: unused).
    end: ir::Block,
    /// The else arm of an `if` (entered when the condition is false).
    else_block: Option<ir::Block>,
    /// The parameters an `if` got, for its else arm.
    if_params: Vec<ir::Value>,
    params: Vec<Type>,
    results: Vec<Type>,
    /// Operand stack height below the parameters.
    height: usize,
    /// Whether anything branches to `end` (or falls into it).
    end_reached: bool,
    /// Whether the construct started in unreachable code (then it is not translated).
    dead: bool,
}

impl Frame {
    fn label_arity(&self) -> usize {
        if self.kind == Kind::Loop {
            self.params.len()
        } else {
            self.results.len()
        }
    }
}

const I32: Type = types::I32;
const I64: Type = types::I64;

/// The namespace of function names in [`ir::UserExternalName`]s (as cranelift-module
/// numbers them).
pub(crate) const FUNCTION_NAMESPACE: u32 = 0;

/// The namespace of data object names.
pub(crate) const DATA_NAMESPACE: u32 = 1;

struct Translator<'a, 'b> {
    b: FunctionBuilder<'b>,
    symbols: &'a Symbols,
    module: &'a ValidatedModule,
    env: &'a InstanceEnv,
    /// This function's index in its module.
    index: u32,
    imported: usize,
    vm: ir::Value,
    locals: Vec<Variable>,
    mem_base: Variable,
    mem_len: Variable,
    /// The fuel left, kept in a register between the points where others can see it
    /// (calls, helpers, returns), where it is written back to the context.
    fuel: Variable,
    stack: Vec<ir::Value>,
    frames: Vec<Frame>,
    reachable: bool,
    /// Instructions executed since fuel was last charged.
    pending: i64,
    results: Vec<Type>,
    trap_blocks: HashMap<u32, ir::Block>,
    helper_trap: Option<ir::Block>,
    unwind_blocks: Vec<(ir::Block, u32)>,
    callees: HashMap<u32, ir::FuncRef>,
    helpers: HashMap<Helper, ir::FuncRef>,
    globals: HashMap<u32, ir::GlobalValue>,
    memory_view: Option<ir::GlobalValue>,
    /// A scratch area for array calls, sized for the largest.
    call_area: Option<(ir::StackSlot, u32)>,
}

impl<'a, 'b> Translator<'a, 'b> {
    fn new(
        mut b: FunctionBuilder<'b>,
        symbols: &'a Symbols,
        module: &'a ValidatedModule,
        env: &'a InstanceEnv,
        index: u32,
    ) -> Self {
        let mem_base = b.declare_var(I64);
        let mem_len = b.declare_var(I64);
        let fuel = b.declare_var(I64);
        let vm_placeholder = ir::Value::from_u32(0);
        Translator {
            b,
            symbols,
            module,
            env,
            index,
            imported: symbols.imported(),
            vm: vm_placeholder,
            locals: Vec::new(),
            mem_base,
            mem_len,
            fuel,
            stack: Vec::new(),
            frames: Vec::new(),
            reachable: true,
            pending: 0,
            results: Vec::new(),
            trap_blocks: HashMap::new(),
            helper_trap: None,
            unwind_blocks: Vec::new(),
            callees: HashMap::new(),
            helpers: HashMap::new(),
            globals: HashMap::new(),
            memory_view: None,
            call_area: None,
        }
    }

    fn pop(&mut self) -> ir::Value {
        self.stack.pop().expect("validated operand stack")
    }

    fn pop2(&mut self) -> (ir::Value, ir::Value) {
        let y = self.pop();
        let x = self.pop();
        (x, y)
    }

    fn push(&mut self, v: ir::Value) {
        self.stack.push(v);
    }

    fn iconst(&mut self, ty: Type, v: i64) -> ir::Value {
        self.b.ins().iconst(ty, v)
    }

    /// Calls a helper with the context and `args`.
    fn helper(&mut self, h: Helper, args: &[ir::Value]) -> Option<ir::Value> {
        let callee = match self.helpers.get(&h) {
            Some(&c) => c,
            None => {
                let (params, returns) = h.signature();
                let sig = signature(self.symbols.call_conv, params, returns);
                let id = self.symbols.helpers[h as usize];
                let c = import_function(self.b.func, id, sig, false);
                self.helpers.insert(h, c);
                c
            }
        };
        let mut all = vec![self.vm];
        all.extend_from_slice(args);
        self.store_fuel();
        let call = self.b.ins().call(callee, &all);
        self.load_fuel();
        self.b.inst_results(call).first().copied()
    }

    /// The address of global `x`'s slot.
    fn global_slot(&mut self, x: u32) -> ir::Value {
        let gv = match self.globals.get(&x) {
            Some(&gv) => gv,
            None => {
                let gv = import_data(self.b.func, self.symbols.globals[x as usize]);
                self.globals.insert(x, gv);
                gv
            }
        };
        self.b.ins().symbol_value(I64, gv)
    }

    fn zeros(&mut self) -> Vec<ir::Value> {
        let results = self.results.clone();
        results.iter().map(|&t| self.zero(t)).collect()
    }

    fn zero(&mut self, t: Type) -> ir::Value {
        if t.is_vector() {
            return self.vconst(&[0; 16]);
        }
        match t {
            types::F32 => self.b.ins().f32const(0.0),
            types::F64 => self.b.ins().f64const(0.0),
            _ => self.b.ins().iconst(t, 0),
        }
    }

    /// The cold block raising trap `code` in this function (filled in at the end).
    fn trap_block(&mut self, code: TrapCode) -> ir::Block {
        let key = code as u32;
        if let Some(&b) = self.trap_blocks.get(&key) {
            return b;
        }
        let block = self.b.create_block();
        self.b.set_cold_block(block);
        self.trap_blocks.insert(key, block);
        block
    }

    /// The cold block returning after a helper raised a trap for the current
    /// instruction (`instr`: `u32::MAX`) or after a call at `instr` trapped (filled in at
    /// the end).
    fn unwind_block(&mut self, instr: u32) -> ir::Block {
        if instr == u32::MAX
            && let Some(b) = self.helper_trap
        {
            return b;
        }
        let block = self.b.create_block();
        self.b.set_cold_block(block);
        self.unwind_blocks.push((block, instr));
        if instr == u32::MAX {
            self.helper_trap = Some(block);
        }
        block
    }

    /// Fills in the trap and unwind blocks.
    fn emit_trap_blocks(&mut self) {
        let inst = i64::from(self.env.instance);
        let func = i64::from(self.index);
        let mut traps: Vec<(u32, ir::Block)> =
            self.trap_blocks.iter().map(|(&k, &b)| (k, b)).collect();
        traps.sort_by_key(|&(k, _)| k);
        for (code, block) in traps {
            self.b.switch_to_block(block);
            let c = self.iconst(I32, i64::from(code));
            let i = self.iconst(I32, inst);
            let f = self.iconst(I32, func);
            self.helper(Helper::Trap, &[c, i, f]);
            let zeros = self.zeros();
            self.b.ins().return_(&zeros);
        }
        for (block, instr) in std::mem::take(&mut self.unwind_blocks) {
            self.b.switch_to_block(block);
            let i = self.iconst(I32, inst);
            let f = self.iconst(I32, func);
            let at = self.iconst(I32, i64::from(instr as i32));
            self.helper(Helper::Unwind, &[i, f, at]);
            let zeros = self.zeros();
            self.b.ins().return_(&zeros);
        }
    }

    /// Branches to `trap` when `cond` is non-zero.
    fn trap_if(&mut self, cond: ir::Value, trap: ir::Block) {
        let next = self.b.create_block();
        self.b.ins().brif(cond, trap, &[], next, &[]);
        self.b.switch_to_block(next);
    }

    fn trap_if_code(&mut self, cond: ir::Value, code: TrapCode) {
        let block = self.trap_block(code);
        self.trap_if(cond, block);
    }

    /// Leaves when the context records a trap (after a helper or a call at `instr`).
    fn check_trapped(&mut self, instr: u32) {
        let flag = self
            .b
            .ins()
            .load(I32, MemFlagsData::trusted(), self.vm, VmContext::TRAPPED);
        let block = self.unwind_block(instr);
        self.trap_if(flag, block);
    }

    /// Charges the instructions run since the last charge.
    fn flush_fuel(&mut self) {
        if self.pending == 0 {
            return;
        }
        let n = std::mem::take(&mut self.pending);
        let fuel = self.b.use_var(self.fuel);
        let left = self.b.ins().iadd_imm_s(fuel, -n);
        self.b.def_var(self.fuel, left);
        let empty = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, left, 0);
        let refuel = self.b.create_block();
        let next = self.b.create_block();
        self.b.set_cold_block(refuel);
        self.b.ins().brif(empty, refuel, &[], next, &[]);
        self.b.switch_to_block(refuel);
        let trapped = self.helper(Helper::Refuel, &[]).expect("one result");
        let unwind = self.unwind_block(u32::MAX);
        self.b.ins().brif(trapped, unwind, &[], next, &[]);
        self.b.switch_to_block(next);
    }

    /// Takes the fuel left from the context (after anything that may have used some).
    fn load_fuel(&mut self) {
        let fuel = self
            .b
            .ins()
            .load(I64, MemFlagsData::trusted(), self.vm, VmContext::FUEL);
        self.b.def_var(self.fuel, fuel);
    }

    /// Writes the fuel left to the context (before anything that may use some or look).
    fn store_fuel(&mut self) {
        let fuel = self.b.use_var(self.fuel);
        self.b
            .ins()
            .store(MemFlagsData::trusted(), fuel, self.vm, VmContext::FUEL);
    }

    fn reload_memory(&mut self) {
        if let Some(id) = self.symbols.memory {
            let view = *self
                .memory_view
                .get_or_insert_with(|| import_data(self.b.func, id));
            let p = self.b.ins().symbol_value(I64, view);
            let base = self.b.ins().load(I64, MemFlagsData::trusted(), p, 0);
            let len = self.b.ins().load(I64, MemFlagsData::trusted(), p, 8);
            self.b.def_var(self.mem_base, base);
            self.b.def_var(self.mem_len, len);
        }
    }

    fn block_signature(&self, bt: BlockType) -> (Vec<Type>, Vec<Type>) {
        match bt {
            BlockType::Empty => (vec![], vec![]),
            BlockType::Value(t) => (vec![], clif_types(&[t])),
            BlockType::Func(i) => {
                let ty = &self.module.module().types[i as usize];
                (clif_types(&ty.params), clif_types(&ty.results))
            }
        }
    }

    fn block_with_params(&mut self, tys: &[Type]) -> ir::Block {
        let block = self.b.create_block();
        for &t in tys {
            self.b.append_block_param(block, t);
        }
        block
    }

    fn args(values: &[ir::Value]) -> Vec<BlockArg> {
        values.iter().map(|&v| BlockArg::from(v)).collect()
    }

    /// Jumps to the label `depth` levels out with the values it carries (the top of the
    /// stack, left in place).
    fn branch(&mut self, depth: u32) {
        let idx = self.frames.len() - 1 - depth as usize;
        let arity = self.frames[idx].label_arity();
        let values = self.stack[self.stack.len() - arity..].to_vec();
        let frame = &mut self.frames[idx];
        if frame.kind != Kind::Loop {
            frame.end_reached = true;
        }
        let target = frame.target;
        self.b.ins().jump(target, &Self::args(&values));
    }

    fn function(&mut self, f: &heirloom_wasm::Function, ty: &FuncType) -> Result<(), String> {
        let entry = self.b.create_block();
        self.b.append_block_params_for_function_params(entry);
        self.b.switch_to_block(entry);
        let params = self.b.block_params(entry).to_vec();
        self.vm = params[0];
        self.load_fuel();
        self.results = clif_types(&ty.results);

        // Entry: the call-depth limit and the native stack.
        let flags = MemFlagsData::trusted();
        let depth = self.b.ins().load(I32, flags, self.vm, VmContext::DEPTH);
        let max = self.b.ins().load(I32, flags, self.vm, VmContext::MAX_DEPTH);
        let too_deep = self
            .b
            .ins()
            .icmp(IntCC::UnsignedGreaterThanOrEqual, depth, max);
        let sp = self.b.ins().get_stack_pointer(I64);
        let limit = self
            .b
            .ins()
            .load(I64, flags, self.vm, VmContext::STACK_LIMIT);
        let low = self.b.ins().icmp(IntCC::UnsignedLessThan, sp, limit);
        let exhausted = self.b.ins().bor(too_deep, low);
        self.trap_if_code(exhausted, TrapCode::StackExhausted);
        let depth1 = self.b.ins().iadd_imm_s(depth, 1);
        self.b.ins().store(flags, depth1, self.vm, VmContext::DEPTH);

        for (i, &p) in params[1..].iter().enumerate() {
            let t = self.b.func.dfg.value_type(p);
            let var = self.b.declare_var(t);
            self.b.def_var(var, p);
            debug_assert_eq!(i, self.locals.len());
            self.locals.push(var);
        }
        for group in &f.locals {
            let t = clif_type(group.ty);
            for _ in 0..group.count {
                let var = self.b.declare_var(t);
                let init = match group.ty {
                    ValType::FuncRef | ValType::ExternRef => self.iconst(I64, -1),
                    _ => self.zero(t),
                };
                self.b.def_var(var, init);
                self.locals.push(var);
            }
        }
        self.reload_memory();

        let results = self.results.clone();
        let exit = self.block_with_params(&results);
        self.frames.push(Frame {
            kind: Kind::Block,
            target: exit,
            end: exit,
            else_block: None,
            if_params: Vec::new(),
            params: Vec::new(),
            results,
            height: 0,
            end_reached: false,
            dead: false,
        });
        for (at, instr) in f.body.instrs.iter().enumerate() {
            self.instr(instr, at as u32)?;
        }
        if !self.frames.is_empty() {
            return Err("function body without its final end".into());
        }
        self.emit_trap_blocks();
        Ok(())
    }

    fn load_op(&mut self, op: LoadOp, arg: MemArg) {
        let width = op.width();
        let addr = self.pop();
        let p = self.address(addr, arg, width);
        let f = MemFlagsData::new().with_notrap();
        let ins = self.b.ins();
        let v = match op {
            LoadOp::I32Load => ins.load(I32, f, p, 0),
            LoadOp::I64Load => ins.load(I64, f, p, 0),
            LoadOp::F32Load => ins.load(types::F32, f, p, 0),
            LoadOp::F64Load => ins.load(types::F64, f, p, 0),
            LoadOp::I32Load8S => ins.sload8(I32, f, p, 0),
            LoadOp::I32Load8U => ins.uload8(I32, f, p, 0),
            LoadOp::I32Load16S => ins.sload16(I32, f, p, 0),
            LoadOp::I32Load16U => ins.uload16(I32, f, p, 0),
            LoadOp::I64Load8S => ins.sload8(I64, f, p, 0),
            LoadOp::I64Load8U => ins.uload8(I64, f, p, 0),
            LoadOp::I64Load16S => ins.sload16(I64, f, p, 0),
            LoadOp::I64Load16U => ins.uload16(I64, f, p, 0),
            LoadOp::I64Load32S => ins.sload32(f, p, 0),
            LoadOp::I64Load32U => ins.uload32(f, p, 0),
            LoadOp::V128Load => ins.load(V128, f, p, 0),
            LoadOp::V128Load8Splat => {
                let x = ins.load(types::I8, f, p, 0);
                self.b.ins().splat(types::I8X16, x)
            }
            LoadOp::V128Load16Splat => {
                let x = ins.load(types::I16, f, p, 0);
                let v = self.b.ins().splat(types::I16X8, x);
                self.as_v128(v)
            }
            LoadOp::V128Load32Splat => {
                let x = ins.load(I32, f, p, 0);
                let v = self.b.ins().splat(types::I32X4, x);
                self.as_v128(v)
            }
            LoadOp::V128Load64Splat => {
                let x = ins.load(I64, f, p, 0);
                let v = self.b.ins().splat(types::I64X2, x);
                self.as_v128(v)
            }
            LoadOp::V128Load32Zero => {
                let x = ins.load(I32, f, p, 0);
                let v = self.b.ins().scalar_to_vector(types::I32X4, x);
                self.as_v128(v)
            }
            LoadOp::V128Load64Zero => {
                let x = ins.load(I64, f, p, 0);
                let v = self.b.ins().scalar_to_vector(types::I64X2, x);
                self.as_v128(v)
            }
            LoadOp::V128Load8x8S
            | LoadOp::V128Load8x8U
            | LoadOp::V128Load16x4S
            | LoadOp::V128Load16x4U
            | LoadOp::V128Load32x2S
            | LoadOp::V128Load32x2U => {
                let x = ins.load(I64, f, p, 0);
                let v = self.b.ins().scalar_to_vector(types::I64X2, x);
                let narrow = match op {
                    LoadOp::V128Load8x8S | LoadOp::V128Load8x8U => types::I8X16,
                    LoadOp::V128Load16x4S | LoadOp::V128Load16x4U => types::I16X8,
                    _ => types::I32X4,
                };
                let v = self.as_lanes(v, narrow);
                let wide = if matches!(
                    op,
                    LoadOp::V128Load8x8S | LoadOp::V128Load16x4S | LoadOp::V128Load32x2S
                ) {
                    self.b.ins().swiden_low(v)
                } else {
                    self.b.ins().uwiden_low(v)
                };
                self.as_v128(wide)
            }
        };
        self.push(v);
    }

    fn store_op(&mut self, op: StoreOp, arg: MemArg) {
        let v = self.pop();
        let addr = self.pop();
        let p = self.address(addr, arg, op.width());
        let f = MemFlagsData::new().with_notrap();
        let ins = self.b.ins();
        match op {
            StoreOp::I32Store | StoreOp::I64Store | StoreOp::F32Store | StoreOp::F64Store => {
                ins.store(f, v, p, 0)
            }
            StoreOp::I32Store8 | StoreOp::I64Store8 => ins.istore8(f, v, p, 0),
            StoreOp::I32Store16 | StoreOp::I64Store16 => ins.istore16(f, v, p, 0),
            StoreOp::I64Store32 => ins.istore32(f, v, p, 0),
            StoreOp::V128Store => ins.store(f, v, p, 0),
        };
    }

    /// The host address of an access of `width` bytes, after checking it lies within
    /// memory 0.
    fn address(&mut self, addr: ir::Value, arg: MemArg, width: u32) -> ir::Value {
        let ea = self.b.ins().uextend(I64, addr);
        let end = self
            .b
            .ins()
            .iadd_imm_s(ea, i64::from(arg.offset) + i64::from(width));
        let len = self.b.use_var(self.mem_len);
        let out = self.b.ins().icmp(IntCC::UnsignedGreaterThan, end, len);
        self.trap_if_code(out, TrapCode::MemoryOutOfBounds);
        let base = self.b.use_var(self.mem_base);
        let p = self.b.ins().iadd(base, ea);
        if arg.offset == 0 {
            p
        } else {
            self.b.ins().iadd_imm_s(p, i64::from(arg.offset))
        }
    }

    fn mem_addr(&self) -> i64 {
        self.env.memory.map_or(0, |(m, _)| i64::from(m))
    }

    fn call_area(&mut self, slots: u32) -> ir::Value {
        let need = slots.max(1);
        let slot = match self.call_area {
            Some((s, n)) if n >= need => s,
            _ => {
                let s = self.b.create_sized_stack_slot(StackSlotData::new(
                    StackSlotKind::ExplicitSlot,
                    need * 16,
                    4,
                ));
                self.call_area = Some((s, need));
                s
            }
        };
        self.b.ins().stack_addr(I64, slot, 0)
    }

    /// Calls store function `addr` (a value) of type `ty` through the array helper.
    fn call_through_store(&mut self, addr: ir::Value, ty: &FuncType, at: u32) {
        let params = clif_types(&ty.params);
        let results = clif_types(&ty.results);
        let n = params.len().max(results.len()) as u32;
        let area = self.call_area(n);
        let args = self.stack.split_off(self.stack.len() - params.len());
        for (i, a) in args.into_iter().enumerate() {
            store_slot(&mut self.b, a, area, i);
        }
        let inst = self.iconst(I32, i64::from(self.env.instance));
        let trapped = self
            .helper(Helper::Call, &[addr, inst, area])
            .expect("one result");
        let block = self.unwind_block(at);
        self.trap_if(trapped, block);
        for (i, t) in results.into_iter().enumerate() {
            let v = load_slot(&mut self.b, t, area, i);
            self.push(v);
        }
        self.reload_memory();
    }

    /// Calls the target [`native::indirect`] found: compiled code directly, anything
    /// else through the store.
    fn call_indirect(&mut self, target: ir::Value, ty: &FuncType, at: u32) {
        let results = clif_types(&ty.results);
        let height = self.stack.len() - ty.params.len();
        let args = self.stack[height..].to_vec();
        let merge = self.block_with_params(&results);
        let direct = self.b.create_block();
        let through_store = self.b.create_block();
        let is_store_call = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, target, 0);
        self.b
            .ins()
            .brif(is_store_call, through_store, &[], direct, &[]);

        self.b.switch_to_block(direct);
        let sig = direct_signature(ty, self.symbols.call_conv);
        let sig = self.b.import_signature(sig);
        let mut call_args = vec![self.vm];
        call_args.extend_from_slice(&args);
        self.store_fuel();
        let call = self.b.ins().call_indirect(sig, target, &call_args);
        self.load_fuel();
        let values = self.b.inst_results(call).to_vec();
        self.check_trapped(at);
        self.b.ins().jump(merge, &Self::args(&values));

        self.b.switch_to_block(through_store);
        let addr = self.b.ins().ireduce(I32, target);
        self.call_through_store(addr, ty, at);
        let values = self.stack.split_off(height);
        self.b.ins().jump(merge, &Self::args(&values));

        self.b.switch_to_block(merge);
        self.stack.extend(self.b.block_params(merge).to_vec());
        self.reload_memory();
    }

    fn call(&mut self, f: u32, at: u32) {
        let ty = self.func_type(f).clone();
        let nparams = ty.params.len();
        let env_func = self.env.funcs[f as usize];
        let call = if (f as usize) >= self.imported {
            let callee = match self.callees.get(&f) {
                Some(&c) => c,
                None => {
                    let id = self.symbols.direct[f as usize - self.imported];
                    let sig = direct_signature(&ty, self.symbols.call_conv);
                    let c = import_function(self.b.func, id, sig, true);
                    self.callees.insert(f, c);
                    c
                }
            };
            let mut args = vec![self.vm];
            args.extend(self.stack.drain(self.stack.len() - nparams..));
            self.store_fuel();
            self.b.ins().call(callee, &args)
        } else if let Some(id) = self.symbols.imported_direct[f as usize] {
            let callee = match self.callees.get(&f) {
                Some(&c) => c,
                None => {
                    let sig = direct_signature(&ty, self.symbols.call_conv);
                    let c = import_function(self.b.func, id, sig, false);
                    self.callees.insert(f, c);
                    c
                }
            };
            let mut args = vec![self.vm];
            args.extend(self.stack.drain(self.stack.len() - nparams..));
            self.store_fuel();
            self.b.ins().call(callee, &args)
        } else {
            let addr = self.iconst(I32, i64::from(env_func.addr));
            return self.call_through_store(addr, &ty, at);
        };
        self.load_fuel();
        let results = self.b.inst_results(call).to_vec();
        self.check_trapped(at);
        self.stack.extend(results);
        self.reload_memory();
    }

    fn func_type(&self, f: u32) -> &'a FuncType {
        if (f as usize) < self.imported {
            imported_type(self.module, f as usize)
        } else {
            let m = self.module.module();
            &m.types[m.functions[f as usize - self.imported].type_index as usize]
        }
    }

    fn instr(&mut self, instr: &Instr, at: u32) -> Result<(), String> {
        if !self.reachable {
            return self.unreachable_instr(instr);
        }
        self.pending += 1;
        match instr {
            Instr::Unreachable => {
                self.flush_fuel();
                let t = self.trap_block(TrapCode::Unreachable);
                self.b.ins().jump(t, &[]);
                self.reachable = false;
            }
            Instr::Nop => {}
            Instr::Block(bt) => {
                let (params, results) = self.block_signature(*bt);
                let end = self.block_with_params(&results);
                let height = self.stack.len() - params.len();
                self.frames.push(Frame {
                    kind: Kind::Block,
                    target: end,
                    end,
                    else_block: None,
                    if_params: Vec::new(),
                    params,
                    results,
                    height,
                    end_reached: false,
                    dead: false,
                });
            }
            Instr::Loop(bt) => {
                let (params, results) = self.block_signature(*bt);
                self.flush_fuel();
                let header = self.block_with_params(&params);
                let height = self.stack.len() - params.len();
                let values = self.stack.split_off(height);
                self.b.ins().jump(header, &Self::args(&values));
                self.b.switch_to_block(header);
                self.stack.extend(self.b.block_params(header).to_vec());
                self.frames.push(Frame {
                    kind: Kind::Loop,
                    target: header,
                    end: header,
                    else_block: None,
                    if_params: Vec::new(),
                    params,
                    results,
                    height,
                    end_reached: false,
                    dead: false,
                });
            }
            Instr::If(bt) => {
                let (params, results) = self.block_signature(*bt);
                let cond = self.pop();
                self.flush_fuel();
                let end = self.block_with_params(&results);
                let then_block = self.b.create_block();
                let else_block = self.b.create_block();
                self.b.ins().brif(cond, then_block, &[], else_block, &[]);
                self.b.switch_to_block(then_block);
                let height = self.stack.len() - params.len();
                let if_params = self.stack[height..].to_vec();
                self.frames.push(Frame {
                    kind: Kind::If,
                    target: end,
                    end,
                    else_block: Some(else_block),
                    if_params,
                    params,
                    results,
                    height,
                    end_reached: false,
                    dead: false,
                });
            }
            Instr::Else => {
                self.flush_fuel();
                let n = self.frames.len() - 1;
                let frame = &mut self.frames[n];
                let values = self.stack[self.stack.len() - frame.results.len()..].to_vec();
                frame.end_reached = true;
                let end = frame.end;
                self.b.ins().jump(end, &Self::args(&values));
                self.start_else();
            }
            Instr::End => {
                let frame = self.frames.last().expect("validated");
                if frame.kind == Kind::Loop {
                    // The loop's results are already on the stack.
                    self.frames.pop();
                    if self.frames.is_empty() {
                        return Err("loop closing the function".into());
                    }
                    return Ok(());
                }
                self.flush_fuel();
                let n = self.frames.len() - 1;
                let frame = &mut self.frames[n];
                let values = self.stack[self.stack.len() - frame.results.len()..].to_vec();
                frame.end_reached = true;
                let end = frame.end;
                self.b.ins().jump(end, &Self::args(&values));
                self.end_frame();
            }
            Instr::Br(d) => {
                self.flush_fuel();
                self.branch(*d);
                self.reachable = false;
            }
            Instr::BrIf(d) => {
                let cond = self.pop();
                self.flush_fuel();
                let taken = self.b.create_block();
                let next = self.b.create_block();
                self.b.ins().brif(cond, taken, &[], next, &[]);
                self.b.switch_to_block(taken);
                self.branch(*d);
                self.b.switch_to_block(next);
            }
            Instr::BrTable { targets, default } => {
                let index = self.pop();
                self.flush_fuel();
                let mut blocks: HashMap<u32, ir::Block> = HashMap::new();
                let mut calls = Vec::new();
                for &d in targets.iter().chain([default]) {
                    let block = *blocks.entry(d).or_insert_with(|| self.b.create_block());
                    calls.push(self.b.func.dfg.block_call(block, &[] as &[BlockArg]));
                }
                let def = calls.pop().expect("default target");
                let jt = self.b.create_jump_table(JumpTableData::new(def, &calls));
                self.b.ins().br_table(index, jt);
                let mut sorted: Vec<(u32, ir::Block)> = blocks.into_iter().collect();
                sorted.sort_by_key(|&(d, _)| d);
                for (d, block) in sorted {
                    self.b.switch_to_block(block);
                    self.branch(d);
                }
                self.reachable = false;
            }
            Instr::Return => {
                self.flush_fuel();
                self.branch(self.frames.len() as u32 - 1);
                self.reachable = false;
            }
            Instr::Call(f) => {
                self.flush_fuel();
                self.call(*f, at);
            }
            Instr::CallIndirect { type_index, table } => {
                let index = self.pop();
                self.flush_fuel();
                let inst = self.iconst(I32, i64::from(self.env.instance));
                let t = self.iconst(I32, i64::from(*table));
                let ty = self.iconst(I32, i64::from(*type_index));
                let target = self
                    .helper(Helper::Indirect, &[inst, t, ty, index])
                    .expect("one result");
                let failed = self.b.ins().icmp_imm_s(IntCC::Equal, target, 0);
                let block = self.unwind_block(u32::MAX);
                self.trap_if(failed, block);
                let fty = self.module.module().types[*type_index as usize].clone();
                self.call_indirect(target, &fty, at);
            }
            Instr::Drop => {
                self.pop();
            }
            Instr::Select | Instr::SelectTyped(_) => {
                let c = self.pop();
                let (x, y) = self.pop2();
                let v = self.b.ins().select(c, x, y);
                self.push(v);
            }
            Instr::LocalGet(x) => {
                let v = self.b.use_var(self.locals[*x as usize]);
                self.push(v);
            }
            Instr::LocalSet(x) => {
                let v = self.pop();
                self.b.def_var(self.locals[*x as usize], v);
            }
            Instr::LocalTee(x) => {
                let v = *self.stack.last().expect("validated");
                self.b.def_var(self.locals[*x as usize], v);
            }
            Instr::GlobalGet(x) => {
                let ty = self.module_global_type(*x);
                let p = self.global_slot(*x);
                let v = self.b.ins().load(ty, MemFlagsData::trusted(), p, 0);
                self.push(v);
            }
            Instr::GlobalSet(x) => {
                let v = self.pop();
                let p = self.global_slot(*x);
                self.b.ins().store(MemFlagsData::trusted(), v, p, 0);
            }
            Instr::TableGet(x) => {
                let i = self.pop();
                let t = self.iconst(I32, i64::from(self.env.tables[*x as usize]));
                let v = self.helper(Helper::TableGet, &[t, i]).expect("one result");
                self.check_trapped(u32::MAX);
                self.push(v);
            }
            Instr::TableSet(x) => {
                let v = self.pop();
                let i = self.pop();
                let t = self.iconst(I32, i64::from(self.env.tables[*x as usize]));
                self.helper_checked(Helper::TableSet, &[t, i, v]);
            }
            Instr::TableInit { elem, table } => {
                let n = self.pop();
                let (d, s) = self.pop2();
                let inst = self.iconst(I32, i64::from(self.env.instance));
                let t = self.iconst(I32, i64::from(*table));
                let e = self.iconst(I32, i64::from(*elem));
                self.helper_checked(Helper::TableInit, &[inst, t, e, d, s, n]);
            }
            Instr::ElemDrop(x) => {
                let inst = self.iconst(I32, i64::from(self.env.instance));
                let e = self.iconst(I32, i64::from(*x));
                self.helper(Helper::ElemDrop, &[inst, e]);
            }
            Instr::TableCopy { dst, src } => {
                let n = self.pop();
                let (d, s) = self.pop2();
                let dt = self.iconst(I32, i64::from(self.env.tables[*dst as usize]));
                let st = self.iconst(I32, i64::from(self.env.tables[*src as usize]));
                self.helper_checked(Helper::TableCopy, &[dt, st, d, s, n]);
            }
            Instr::TableGrow(x) => {
                let n = self.pop();
                let init = self.pop();
                let t = self.iconst(I32, i64::from(self.env.tables[*x as usize]));
                let v = self
                    .helper(Helper::TableGrow, &[t, init, n])
                    .expect("one result");
                self.push(v);
            }
            Instr::TableSize(x) => {
                let t = self.iconst(I32, i64::from(self.env.tables[*x as usize]));
                let v = self.helper(Helper::TableSize, &[t]).expect("one result");
                self.push(v);
            }
            Instr::TableFill(x) => {
                let n = self.pop();
                let v = self.pop();
                let i = self.pop();
                let t = self.iconst(I32, i64::from(self.env.tables[*x as usize]));
                self.helper_checked(Helper::TableFill, &[t, i, v, n]);
            }
            Instr::Load(op, arg) => self.load_op(*op, *arg),
            Instr::Store(op, arg) => self.store_op(*op, *arg),
            Instr::MemorySize => {
                let len = self.b.use_var(self.mem_len);
                let pages = self.b.ins().ushr_imm_u(len, 16);
                let v = self.b.ins().ireduce(I32, pages);
                self.push(v);
            }
            Instr::MemoryGrow => {
                let n = self.pop();
                let m = self.iconst(I32, self.mem_addr());
                let v = self
                    .helper(Helper::MemoryGrow, &[m, n])
                    .expect("one result");
                self.reload_memory();
                self.push(v);
            }
            Instr::MemoryInit(x) => {
                let n = self.pop();
                let (d, s) = self.pop2();
                let inst = self.iconst(I32, i64::from(self.env.instance));
                let data = self.iconst(I32, i64::from(*x));
                self.helper_checked(Helper::MemoryInit, &[inst, data, d, s, n]);
            }
            Instr::DataDrop(x) => {
                let inst = self.iconst(I32, i64::from(self.env.instance));
                let data = self.iconst(I32, i64::from(*x));
                self.helper(Helper::DataDrop, &[inst, data]);
            }
            Instr::MemoryCopy => {
                let n = self.pop();
                let (d, s) = self.pop2();
                let m = self.iconst(I32, self.mem_addr());
                self.helper_checked(Helper::MemoryCopy, &[m, d, s, n]);
            }
            Instr::MemoryFill => {
                let n = self.pop();
                let (d, v) = self.pop2();
                let m = self.iconst(I32, self.mem_addr());
                self.helper_checked(Helper::MemoryFill, &[m, d, v, n]);
            }
            Instr::I32Const(v) => {
                let v = self.iconst(I32, i64::from(*v));
                self.push(v);
            }
            Instr::I64Const(v) => {
                let v = self.iconst(I64, *v);
                self.push(v);
            }
            Instr::F32Const(bits) => {
                let v = self
                    .b
                    .ins()
                    .f32const(ir::immediates::Ieee32::with_bits(*bits));
                self.push(v);
            }
            Instr::F64Const(bits) => {
                let v = self
                    .b
                    .ins()
                    .f64const(ir::immediates::Ieee64::with_bits(*bits));
                self.push(v);
            }
            Instr::RefNull(_) => {
                let v = self.iconst(I64, -1);
                self.push(v);
            }
            Instr::RefIsNull => {
                let r = self.pop();
                let c = self.b.ins().icmp_imm_s(IntCC::Equal, r, -1);
                let v = self.b.ins().uextend(I32, c);
                self.push(v);
            }
            Instr::RefFunc(f) => {
                let v = self.iconst(I64, i64::from(self.env.funcs[*f as usize].addr));
                self.push(v);
            }
            Instr::Numeric(op) => self.numeric(*op),
            Instr::V128Const(bytes) => {
                let v = self.vconst(bytes);
                self.push(v);
            }
            Instr::Simd(op) => self.simd(*op),
            Instr::Lane(op, lane) => self.lane(*op, *lane),
            Instr::Shuffle(lanes) => {
                let (a, b) = self.pop2();
                let imm = self
                    .b
                    .func
                    .dfg
                    .immediates
                    .push(ir::ConstantData::from(lanes.to_vec()));
                let v = self.b.ins().shuffle(a, b, imm);
                self.push(v);
            }
            Instr::LaneMem(op, arg, lane) => self.lane_mem(*op, *arg, *lane),
        }
        Ok(())
    }

    /// Calls a helper that returns non-zero after raising a trap for this instruction.
    fn helper_checked(&mut self, h: Helper, args: &[ir::Value]) {
        let trapped = self.helper(h, args).expect("one result");
        let block = self.unwind_block(u32::MAX);
        self.trap_if(trapped, block);
    }

    fn module_global_type(&self, x: u32) -> Type {
        let m = self.module.module();
        let imported = m.imports.iter().filter_map(|i| match i.desc {
            heirloom_wasm::ImportDesc::Global(g) => Some(g.val),
            _ => None,
        });
        let n = imported.clone().count();
        let ty = if (x as usize) < n {
            imported.clone().nth(x as usize).expect("validated global")
        } else {
            m.globals[x as usize - n].ty.val
        };
        clif_type(ty)
    }

    /// Starts the else arm of the innermost `if`.
    fn start_else(&mut self) {
        let n = self.frames.len() - 1;
        let frame = &mut self.frames[n];
        frame.kind = Kind::Else;
        let else_block = frame.else_block.take().expect("an if");
        let height = frame.height;
        let params = frame.if_params.clone();
        self.stack.truncate(height);
        self.stack.extend(params);
        self.b.switch_to_block(else_block);
        self.reachable = true;
        self.pending = 0;
    }

    /// Closes the innermost block, if or else frame (its end already jumped to, if
    /// reachable) and continues after it.
    fn end_frame(&mut self) {
        let mut frame = self.frames.pop().expect("validated");
        if let Some(else_block) = frame.else_block.take() {
            // An if without else: the false condition passes the parameters through.
            self.b.switch_to_block(else_block);
            self.b.ins().jump(frame.end, &Self::args(&frame.if_params));
            frame.end_reached = true;
        }
        self.stack.truncate(frame.height);
        self.pending = 0;
        if frame.end_reached {
            self.b.switch_to_block(frame.end);
            if self.frames.is_empty() {
                // The function's end: return.
                let values = self.b.block_params(frame.end).to_vec();
                let flags = MemFlagsData::trusted();
                let depth = self.b.ins().load(I32, flags, self.vm, VmContext::DEPTH);
                let depth = self.b.ins().iadd_imm_s(depth, -1);
                self.b.ins().store(flags, depth, self.vm, VmContext::DEPTH);
                self.store_fuel();
                self.b.ins().return_(&values);
                self.reachable = false;
                return;
            }
            self.stack.extend(self.b.block_params(frame.end).to_vec());
            self.reachable = true;
        } else {
            self.reachable = false;
        }
    }

    /// Handles an instruction in unreachable code: only the block structure matters.
    fn unreachable_instr(&mut self, instr: &Instr) -> Result<(), String> {
        match instr {
            Instr::Block(_) | Instr::Loop(_) | Instr::If(_) => {
                let dummy = self.b.create_block();
                self.frames.push(Frame {
                    kind: Kind::Block,
                    target: dummy,
                    end: dummy,
                    else_block: None,
                    if_params: Vec::new(),
                    params: Vec::new(),
                    results: Vec::new(),
                    height: self.stack.len(),
                    end_reached: false,
                    dead: true,
                });
            }
            Instr::Else => {
                let frame = self.frames.last().expect("validated");
                if !frame.dead {
                    self.start_else();
                }
            }
            Instr::End => {
                let frame = self.frames.last().expect("validated");
                if frame.dead {
                    self.frames.pop();
                } else if frame.kind == Kind::Loop {
                    self.frames.pop();
                    if self.frames.is_empty() {
                        return Err("loop closing the function".into());
                    }
                } else {
                    self.end_frame();
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn numeric(&mut self, op: NumOp) {
        use NumOp::*;
        macro_rules! bin {
            ($m:ident) => {{
                let (x, y) = self.pop2();
                let v = self.b.ins().$m(x, y);
                self.push(v);
            }};
        }
        macro_rules! un {
            ($m:ident) => {{
                let x = self.pop();
                let v = self.b.ins().$m(x);
                self.push(v);
            }};
        }
        macro_rules! icmp {
            ($cc:expr) => {{
                let (x, y) = self.pop2();
                let c = self.b.ins().icmp($cc, x, y);
                let v = self.b.ins().uextend(I32, c);
                self.push(v);
            }};
        }
        macro_rules! fcmp {
            ($cc:expr) => {{
                let (x, y) = self.pop2();
                let c = self.b.ins().fcmp($cc, x, y);
                let v = self.b.ins().uextend(I32, c);
                self.push(v);
            }};
        }
        macro_rules! conv {
            ($m:ident, $t:expr) => {{
                let x = self.pop();
                let v = self.b.ins().$m($t, x);
                self.push(v);
            }};
        }
        match op {
            I32Eqz | I64Eqz => {
                let x = self.pop();
                let c = self.b.ins().icmp_imm_s(IntCC::Equal, x, 0);
                let v = self.b.ins().uextend(I32, c);
                self.push(v);
            }
            I32Eq | I64Eq => icmp!(IntCC::Equal),
            I32Ne | I64Ne => icmp!(IntCC::NotEqual),
            I32LtS | I64LtS => icmp!(IntCC::SignedLessThan),
            I32LtU | I64LtU => icmp!(IntCC::UnsignedLessThan),
            I32GtS | I64GtS => icmp!(IntCC::SignedGreaterThan),
            I32GtU | I64GtU => icmp!(IntCC::UnsignedGreaterThan),
            I32LeS | I64LeS => icmp!(IntCC::SignedLessThanOrEqual),
            I32LeU | I64LeU => icmp!(IntCC::UnsignedLessThanOrEqual),
            I32GeS | I64GeS => icmp!(IntCC::SignedGreaterThanOrEqual),
            I32GeU | I64GeU => icmp!(IntCC::UnsignedGreaterThanOrEqual),
            F32Eq | F64Eq => fcmp!(FloatCC::Equal),
            F32Ne | F64Ne => fcmp!(FloatCC::NotEqual),
            F32Lt | F64Lt => fcmp!(FloatCC::LessThan),
            F32Gt | F64Gt => fcmp!(FloatCC::GreaterThan),
            F32Le | F64Le => fcmp!(FloatCC::LessThanOrEqual),
            F32Ge | F64Ge => fcmp!(FloatCC::GreaterThanOrEqual),
            I32Clz | I64Clz => un!(clz),
            I32Ctz | I64Ctz => un!(ctz),
            I32Popcnt | I64Popcnt => un!(popcnt),
            I32Add | I64Add => bin!(iadd),
            I32Sub | I64Sub => bin!(isub),
            I32Mul | I64Mul => bin!(imul),
            I32DivS | I64DivS => self.div(true, false),
            I32DivU | I64DivU => self.div(false, false),
            I32RemS | I64RemS => self.div(true, true),
            I32RemU | I64RemU => self.div(false, true),
            I32And | I64And => bin!(band),
            I32Or | I64Or => bin!(bor),
            I32Xor | I64Xor => bin!(bxor),
            I32Shl | I64Shl => bin!(ishl),
            I32ShrS | I64ShrS => bin!(sshr),
            I32ShrU | I64ShrU => bin!(ushr),
            I32Rotl | I64Rotl => bin!(rotl),
            I32Rotr | I64Rotr => bin!(rotr),
            F32Abs | F64Abs => un!(fabs),
            F32Neg | F64Neg => un!(fneg),
            F32Ceil | F64Ceil => un!(ceil),
            F32Floor | F64Floor => un!(floor),
            F32Trunc | F64Trunc => un!(trunc),
            F32Nearest | F64Nearest => un!(nearest),
            F32Sqrt | F64Sqrt => un!(sqrt),
            F32Add | F64Add => bin!(fadd),
            F32Sub | F64Sub => bin!(fsub),
            F32Mul | F64Mul => bin!(fmul),
            F32Div | F64Div => bin!(fdiv),
            F32Min | F64Min => bin!(fmin),
            F32Max | F64Max => bin!(fmax),
            F32Copysign | F64Copysign => bin!(fcopysign),
            I32WrapI64 => conv!(ireduce, I32),
            I64ExtendI32S => conv!(sextend, I64),
            I64ExtendI32U => conv!(uextend, I64),
            I32TruncF32S => self.trunc(I32, true, -2147483904.0, 2147483648.0),
            I32TruncF32U => self.trunc(I32, false, -1.0, 4294967296.0),
            I32TruncF64S => self.trunc(I32, true, -2147483649.0, 2147483648.0),
            I32TruncF64U => self.trunc(I32, false, -1.0, 4294967296.0),
            I64TruncF32S => self.trunc(I64, true, -9223373136366403584.0, 9223372036854775808.0),
            I64TruncF32U => self.trunc(I64, false, -1.0, 18446744073709551616.0),
            I64TruncF64S => self.trunc(I64, true, -9223372036854777856.0, 9223372036854775808.0),
            I64TruncF64U => self.trunc(I64, false, -1.0, 18446744073709551616.0),
            F32ConvertI32S | F32ConvertI64S => conv!(fcvt_from_sint, types::F32),
            F32ConvertI32U | F32ConvertI64U => conv!(fcvt_from_uint, types::F32),
            F64ConvertI32S | F64ConvertI64S => conv!(fcvt_from_sint, types::F64),
            F64ConvertI32U | F64ConvertI64U => conv!(fcvt_from_uint, types::F64),
            F32DemoteF64 => conv!(fdemote, types::F32),
            F64PromoteF32 => conv!(fpromote, types::F64),
            I32ReinterpretF32 => self.bitcast(I32),
            I64ReinterpretF64 => self.bitcast(I64),
            F32ReinterpretI32 => self.bitcast(types::F32),
            F64ReinterpretI64 => self.bitcast(types::F64),
            I32Extend8S => self.extend_low(I32, types::I8),
            I32Extend16S => self.extend_low(I32, types::I16),
            I64Extend8S => self.extend_low(I64, types::I8),
            I64Extend16S => self.extend_low(I64, types::I16),
            I64Extend32S => self.extend_low(I64, I32),
            I32TruncSatF32S | I32TruncSatF64S => conv!(fcvt_to_sint_sat, I32),
            I32TruncSatF32U | I32TruncSatF64U => conv!(fcvt_to_uint_sat, I32),
            I64TruncSatF32S | I64TruncSatF64S => conv!(fcvt_to_sint_sat, I64),
            I64TruncSatF32U | I64TruncSatF64U => conv!(fcvt_to_uint_sat, I64),
        }
    }

    fn vconst(&mut self, bytes: &[u8; 16]) -> ir::Value {
        let c = self
            .b
            .func
            .dfg
            .constants
            .insert(ir::ConstantData::from(bytes.to_vec()));
        self.b.ins().vconst(V128, c)
    }

    /// `v` seen as a vector of type `ty`.
    fn as_lanes(&mut self, v: ir::Value, ty: Type) -> ir::Value {
        if self.b.func.dfg.value_type(v) == ty {
            v
        } else {
            self.b.ins().bitcast(ty, lanes_flags(), v)
        }
    }

    /// A vector back as `i8x16`.
    fn as_v128(&mut self, v: ir::Value) -> ir::Value {
        self.as_lanes(v, V128)
    }

    /// Pops a vector as lanes of `ty`.
    fn pop_lanes(&mut self, ty: Type) -> ir::Value {
        let v = self.pop();
        self.as_lanes(v, ty)
    }

    fn push_v128(&mut self, v: ir::Value) {
        let v = self.as_v128(v);
        self.push(v);
    }

    fn lane(&mut self, op: LaneOp, lane: u8) {
        use LaneOp::*;
        let ty = match op {
            I8x16ExtractLaneS | I8x16ExtractLaneU | I8x16ReplaceLane => types::I8X16,
            I16x8ExtractLaneS | I16x8ExtractLaneU | I16x8ReplaceLane => types::I16X8,
            I32x4ExtractLane | I32x4ReplaceLane => types::I32X4,
            I64x2ExtractLane | I64x2ReplaceLane => types::I64X2,
            F32x4ExtractLane | F32x4ReplaceLane => types::F32X4,
            F64x2ExtractLane | F64x2ReplaceLane => types::F64X2,
        };
        match op {
            I8x16ReplaceLane | I16x8ReplaceLane | I32x4ReplaceLane | I64x2ReplaceLane
            | F32x4ReplaceLane | F64x2ReplaceLane => {
                let mut x = self.pop();
                let v = self.pop_lanes(ty);
                if ty.lane_bits() < 32 {
                    x = self.b.ins().ireduce(ty.lane_type(), x);
                }
                let r = self.b.ins().insertlane(v, x, lane);
                self.push_v128(r);
            }
            _ => {
                let v = self.pop_lanes(ty);
                let x = self.b.ins().extractlane(v, lane);
                let x = match op {
                    I8x16ExtractLaneS | I16x8ExtractLaneS => self.b.ins().sextend(I32, x),
                    I8x16ExtractLaneU | I16x8ExtractLaneU => self.b.ins().uextend(I32, x),
                    _ => x,
                };
                self.push(x);
            }
        }
    }

    fn lane_mem(&mut self, op: LaneMemOp, arg: MemArg, lane: u8) {
        let width = op.width();
        let (ty, scalar) = match width {
            1 => (types::I8X16, types::I8),
            2 => (types::I16X8, types::I16),
            4 => (types::I32X4, I32),
            _ => (types::I64X2, I64),
        };
        let v = self.pop_lanes(ty);
        let addr = self.pop();
        let p = self.address(addr, arg, width);
        let f = MemFlagsData::new().with_notrap();
        if op.signature().1.is_empty() {
            let x = self.b.ins().extractlane(v, lane);
            self.b.ins().store(f, x, p, 0);
        } else {
            let x = self.b.ins().load(scalar, f, p, 0);
            let r = self.b.ins().insertlane(v, x, lane);
            self.push_v128(r);
        }
    }

    /// `i32x4.trunc_sat_f64x2_{s,u}_zero`: each lane converted as a scalar, into lanes 0
    /// and 1 of a zero vector.
    fn trunc_sat_f64x2_zero(&mut self, signed: bool) {
        let x = self.pop_lanes(types::F64X2);
        let mut v = self.zero(V128);
        v = self.as_lanes(v, types::I32X4);
        for lane in 0..2u8 {
            let f = self.b.ins().extractlane(x, lane);
            let i = if signed {
                self.b.ins().fcvt_to_sint_sat(I32, f)
            } else {
                self.b.ins().fcvt_to_uint_sat(I32, f)
            };
            v = self.b.ins().insertlane(v, i, lane);
        }
        self.push_v128(v);
    }

    fn simd(&mut self, op: SimdOp) {
        use SimdOp::*;
        use types::{F32X4, F64X2, I8X16, I16X8, I32X4, I64X2};
        macro_rules! bin {
            ($ty:expr, $m:ident) => {{
                let y = self.pop_lanes($ty);
                let x = self.pop_lanes($ty);
                let v = self.b.ins().$m(x, y);
                self.push_v128(v);
            }};
        }
        macro_rules! un {
            ($ty:expr, $m:ident) => {{
                let x = self.pop_lanes($ty);
                let v = self.b.ins().$m(x);
                self.push_v128(v);
            }};
        }
        macro_rules! icmp {
            ($ty:expr, $cc:ident) => {{
                let y = self.pop_lanes($ty);
                let x = self.pop_lanes($ty);
                let v = self.b.ins().icmp(IntCC::$cc, x, y);
                self.push_v128(v);
            }};
        }
        macro_rules! fcmp {
            ($ty:expr, $cc:ident) => {{
                let y = self.pop_lanes($ty);
                let x = self.pop_lanes($ty);
                let v = self.b.ins().fcmp(FloatCC::$cc, x, y);
                self.push_v128(v);
            }};
        }
        macro_rules! splat {
            ($ty:expr) => {{
                let mut x = self.pop();
                if $ty.lane_bits() < 32 {
                    x = self.b.ins().ireduce($ty.lane_type(), x);
                }
                let v = self.b.ins().splat($ty, x);
                self.push_v128(v);
            }};
        }
        macro_rules! shift {
            ($ty:expr, $m:ident) => {{
                let n = self.pop();
                let x = self.pop_lanes($ty);
                let v = self.b.ins().$m(x, n);
                self.push_v128(v);
            }};
        }
        macro_rules! reduce {
            ($ty:expr, $m:ident) => {{
                let x = self.pop_lanes($ty);
                let c = self.b.ins().$m(x);
                let v = self.b.ins().uextend(I32, c);
                self.push(v);
            }};
        }
        macro_rules! bitmask {
            ($ty:expr) => {{
                let x = self.pop_lanes($ty);
                let v = self.b.ins().vhigh_bits(I32, x);
                self.push(v);
            }};
        }
        macro_rules! widen {
            ($ty:expr, $m:ident) => {{
                let x = self.pop_lanes($ty);
                let v = self.b.ins().$m(x);
                self.push_v128(v);
            }};
        }
        macro_rules! extmul {
            ($ty:expr, $m:ident) => {{
                let y = self.pop_lanes($ty);
                let x = self.pop_lanes($ty);
                let x = self.b.ins().$m(x);
                let y = self.b.ins().$m(y);
                let v = self.b.ins().imul(x, y);
                self.push_v128(v);
            }};
        }
        macro_rules! extadd {
            ($ty:expr, $lo:ident, $hi:ident) => {{
                let x = self.pop_lanes($ty);
                let lo = self.b.ins().$lo(x);
                let hi = self.b.ins().$hi(x);
                let v = self.b.ins().iadd_pairwise(lo, hi);
                self.push_v128(v);
            }};
        }
        macro_rules! pminmax {
            ($ty:expr, $max:expr) => {{
                let b = self.pop_lanes($ty);
                let a = self.pop_lanes($ty);
                // pmin: b < a ? b : a; pmax: a < b ? b : a.
                let mask = if $max {
                    self.b.ins().fcmp(FloatCC::LessThan, a, b)
                } else {
                    self.b.ins().fcmp(FloatCC::LessThan, b, a)
                };
                let mask = self.as_lanes(mask, $ty);
                let v = self.b.ins().bitselect(mask, b, a);
                self.push_v128(v);
            }};
        }
        match op {
            I8x16Swizzle => bin!(I8X16, swizzle),
            I8x16Splat => splat!(I8X16),
            I16x8Splat => splat!(I16X8),
            I32x4Splat => splat!(I32X4),
            I64x2Splat => splat!(I64X2),
            F32x4Splat => {
                let x = self.pop();
                let v = self.b.ins().splat(F32X4, x);
                self.push_v128(v);
            }
            F64x2Splat => {
                let x = self.pop();
                let v = self.b.ins().splat(F64X2, x);
                self.push_v128(v);
            }
            I8x16Eq => icmp!(I8X16, Equal),
            I8x16Ne => icmp!(I8X16, NotEqual),
            I8x16LtS => icmp!(I8X16, SignedLessThan),
            I8x16LtU => icmp!(I8X16, UnsignedLessThan),
            I8x16GtS => icmp!(I8X16, SignedGreaterThan),
            I8x16GtU => icmp!(I8X16, UnsignedGreaterThan),
            I8x16LeS => icmp!(I8X16, SignedLessThanOrEqual),
            I8x16LeU => icmp!(I8X16, UnsignedLessThanOrEqual),
            I8x16GeS => icmp!(I8X16, SignedGreaterThanOrEqual),
            I8x16GeU => icmp!(I8X16, UnsignedGreaterThanOrEqual),
            I16x8Eq => icmp!(I16X8, Equal),
            I16x8Ne => icmp!(I16X8, NotEqual),
            I16x8LtS => icmp!(I16X8, SignedLessThan),
            I16x8LtU => icmp!(I16X8, UnsignedLessThan),
            I16x8GtS => icmp!(I16X8, SignedGreaterThan),
            I16x8GtU => icmp!(I16X8, UnsignedGreaterThan),
            I16x8LeS => icmp!(I16X8, SignedLessThanOrEqual),
            I16x8LeU => icmp!(I16X8, UnsignedLessThanOrEqual),
            I16x8GeS => icmp!(I16X8, SignedGreaterThanOrEqual),
            I16x8GeU => icmp!(I16X8, UnsignedGreaterThanOrEqual),
            I32x4Eq => icmp!(I32X4, Equal),
            I32x4Ne => icmp!(I32X4, NotEqual),
            I32x4LtS => icmp!(I32X4, SignedLessThan),
            I32x4LtU => icmp!(I32X4, UnsignedLessThan),
            I32x4GtS => icmp!(I32X4, SignedGreaterThan),
            I32x4GtU => icmp!(I32X4, UnsignedGreaterThan),
            I32x4LeS => icmp!(I32X4, SignedLessThanOrEqual),
            I32x4LeU => icmp!(I32X4, UnsignedLessThanOrEqual),
            I32x4GeS => icmp!(I32X4, SignedGreaterThanOrEqual),
            I32x4GeU => icmp!(I32X4, UnsignedGreaterThanOrEqual),
            I64x2Eq => icmp!(I64X2, Equal),
            I64x2Ne => icmp!(I64X2, NotEqual),
            I64x2LtS => icmp!(I64X2, SignedLessThan),
            I64x2GtS => icmp!(I64X2, SignedGreaterThan),
            I64x2LeS => icmp!(I64X2, SignedLessThanOrEqual),
            I64x2GeS => icmp!(I64X2, SignedGreaterThanOrEqual),
            F32x4Eq => fcmp!(F32X4, Equal),
            F32x4Ne => fcmp!(F32X4, NotEqual),
            F32x4Lt => fcmp!(F32X4, LessThan),
            F32x4Gt => fcmp!(F32X4, GreaterThan),
            F32x4Le => fcmp!(F32X4, LessThanOrEqual),
            F32x4Ge => fcmp!(F32X4, GreaterThanOrEqual),
            F64x2Eq => fcmp!(F64X2, Equal),
            F64x2Ne => fcmp!(F64X2, NotEqual),
            F64x2Lt => fcmp!(F64X2, LessThan),
            F64x2Gt => fcmp!(F64X2, GreaterThan),
            F64x2Le => fcmp!(F64X2, LessThanOrEqual),
            F64x2Ge => fcmp!(F64X2, GreaterThanOrEqual),
            V128Not => un!(I8X16, bnot),
            V128And => bin!(I8X16, band),
            V128AndNot => bin!(I8X16, band_not),
            V128Or => bin!(I8X16, bor),
            V128Xor => bin!(I8X16, bxor),
            V128Bitselect => {
                let c = self.pop();
                let (x, y) = self.pop2();
                let v = self.b.ins().bitselect(c, x, y);
                self.push(v);
            }
            V128AnyTrue => reduce!(I8X16, vany_true),
            I8x16AllTrue => reduce!(I8X16, vall_true),
            I16x8AllTrue => reduce!(I16X8, vall_true),
            I32x4AllTrue => reduce!(I32X4, vall_true),
            I64x2AllTrue => reduce!(I64X2, vall_true),
            I8x16Bitmask => bitmask!(I8X16),
            I16x8Bitmask => bitmask!(I16X8),
            I32x4Bitmask => bitmask!(I32X4),
            I64x2Bitmask => bitmask!(I64X2),
            F32x4DemoteF64x2Zero => un!(F64X2, fvdemote),
            F64x2PromoteLowF32x4 => un!(F32X4, fvpromote_low),
            I8x16Abs => un!(I8X16, iabs),
            I16x8Abs => un!(I16X8, iabs),
            I32x4Abs => un!(I32X4, iabs),
            I64x2Abs => un!(I64X2, iabs),
            I8x16Neg => un!(I8X16, ineg),
            I16x8Neg => un!(I16X8, ineg),
            I32x4Neg => un!(I32X4, ineg),
            I64x2Neg => un!(I64X2, ineg),
            I8x16Popcnt => un!(I8X16, popcnt),
            I8x16NarrowI16x8S => bin!(I16X8, snarrow),
            I8x16NarrowI16x8U => bin!(I16X8, unarrow),
            I16x8NarrowI32x4S => bin!(I32X4, snarrow),
            I16x8NarrowI32x4U => bin!(I32X4, unarrow),
            F32x4Ceil => un!(F32X4, ceil),
            F32x4Floor => un!(F32X4, floor),
            F32x4Trunc => un!(F32X4, trunc),
            F32x4Nearest => un!(F32X4, nearest),
            F64x2Ceil => un!(F64X2, ceil),
            F64x2Floor => un!(F64X2, floor),
            F64x2Trunc => un!(F64X2, trunc),
            F64x2Nearest => un!(F64X2, nearest),
            I8x16Shl => shift!(I8X16, ishl),
            I8x16ShrS => shift!(I8X16, sshr),
            I8x16ShrU => shift!(I8X16, ushr),
            I16x8Shl => shift!(I16X8, ishl),
            I16x8ShrS => shift!(I16X8, sshr),
            I16x8ShrU => shift!(I16X8, ushr),
            I32x4Shl => shift!(I32X4, ishl),
            I32x4ShrS => shift!(I32X4, sshr),
            I32x4ShrU => shift!(I32X4, ushr),
            I64x2Shl => shift!(I64X2, ishl),
            I64x2ShrS => shift!(I64X2, sshr),
            I64x2ShrU => shift!(I64X2, ushr),
            I8x16Add => bin!(I8X16, iadd),
            I8x16AddSatS => bin!(I8X16, sadd_sat),
            I8x16AddSatU => bin!(I8X16, uadd_sat),
            I8x16Sub => bin!(I8X16, isub),
            I8x16SubSatS => bin!(I8X16, ssub_sat),
            I8x16SubSatU => bin!(I8X16, usub_sat),
            I8x16MinS => bin!(I8X16, smin),
            I8x16MinU => bin!(I8X16, umin),
            I8x16MaxS => bin!(I8X16, smax),
            I8x16MaxU => bin!(I8X16, umax),
            I8x16AvgrU => bin!(I8X16, avg_round),
            I16x8Add => bin!(I16X8, iadd),
            I16x8AddSatS => bin!(I16X8, sadd_sat),
            I16x8AddSatU => bin!(I16X8, uadd_sat),
            I16x8Sub => bin!(I16X8, isub),
            I16x8SubSatS => bin!(I16X8, ssub_sat),
            I16x8SubSatU => bin!(I16X8, usub_sat),
            I16x8Mul => bin!(I16X8, imul),
            I16x8MinS => bin!(I16X8, smin),
            I16x8MinU => bin!(I16X8, umin),
            I16x8MaxS => bin!(I16X8, smax),
            I16x8MaxU => bin!(I16X8, umax),
            I16x8AvgrU => bin!(I16X8, avg_round),
            I16x8Q15MulrSatS => bin!(I16X8, sqmul_round_sat),
            I32x4Add => bin!(I32X4, iadd),
            I32x4Sub => bin!(I32X4, isub),
            I32x4Mul => bin!(I32X4, imul),
            I32x4MinS => bin!(I32X4, smin),
            I32x4MinU => bin!(I32X4, umin),
            I32x4MaxS => bin!(I32X4, smax),
            I32x4MaxU => bin!(I32X4, umax),
            I64x2Add => bin!(I64X2, iadd),
            I64x2Sub => bin!(I64X2, isub),
            I64x2Mul => bin!(I64X2, imul),
            I16x8ExtaddPairwiseI8x16S => extadd!(I8X16, swiden_low, swiden_high),
            I16x8ExtaddPairwiseI8x16U => extadd!(I8X16, uwiden_low, uwiden_high),
            I32x4ExtaddPairwiseI16x8S => extadd!(I16X8, swiden_low, swiden_high),
            I32x4ExtaddPairwiseI16x8U => extadd!(I16X8, uwiden_low, uwiden_high),
            I16x8ExtendLowI8x16S => widen!(I8X16, swiden_low),
            I16x8ExtendHighI8x16S => widen!(I8X16, swiden_high),
            I16x8ExtendLowI8x16U => widen!(I8X16, uwiden_low),
            I16x8ExtendHighI8x16U => widen!(I8X16, uwiden_high),
            I32x4ExtendLowI16x8S => widen!(I16X8, swiden_low),
            I32x4ExtendHighI16x8S => widen!(I16X8, swiden_high),
            I32x4ExtendLowI16x8U => widen!(I16X8, uwiden_low),
            I32x4ExtendHighI16x8U => widen!(I16X8, uwiden_high),
            I64x2ExtendLowI32x4S => widen!(I32X4, swiden_low),
            I64x2ExtendHighI32x4S => widen!(I32X4, swiden_high),
            I64x2ExtendLowI32x4U => widen!(I32X4, uwiden_low),
            I64x2ExtendHighI32x4U => widen!(I32X4, uwiden_high),
            I16x8ExtmulLowI8x16S => extmul!(I8X16, swiden_low),
            I16x8ExtmulHighI8x16S => extmul!(I8X16, swiden_high),
            I16x8ExtmulLowI8x16U => extmul!(I8X16, uwiden_low),
            I16x8ExtmulHighI8x16U => extmul!(I8X16, uwiden_high),
            I32x4ExtmulLowI16x8S => extmul!(I16X8, swiden_low),
            I32x4ExtmulHighI16x8S => extmul!(I16X8, swiden_high),
            I32x4ExtmulLowI16x8U => extmul!(I16X8, uwiden_low),
            I32x4ExtmulHighI16x8U => extmul!(I16X8, uwiden_high),
            I64x2ExtmulLowI32x4S => extmul!(I32X4, swiden_low),
            I64x2ExtmulHighI32x4S => extmul!(I32X4, swiden_high),
            I64x2ExtmulLowI32x4U => extmul!(I32X4, uwiden_low),
            I64x2ExtmulHighI32x4U => extmul!(I32X4, uwiden_high),
            I32x4DotI16x8S => {
                let y = self.pop_lanes(I16X8);
                let x = self.pop_lanes(I16X8);
                let xl = self.b.ins().swiden_low(x);
                let yl = self.b.ins().swiden_low(y);
                let xh = self.b.ins().swiden_high(x);
                let yh = self.b.ins().swiden_high(y);
                let lo = self.b.ins().imul(xl, yl);
                let hi = self.b.ins().imul(xh, yh);
                let v = self.b.ins().iadd_pairwise(lo, hi);
                self.push_v128(v);
            }
            F32x4Abs => un!(F32X4, fabs),
            F32x4Neg => un!(F32X4, fneg),
            F32x4Sqrt => un!(F32X4, sqrt),
            F32x4Add => bin!(F32X4, fadd),
            F32x4Sub => bin!(F32X4, fsub),
            F32x4Mul => bin!(F32X4, fmul),
            F32x4Div => bin!(F32X4, fdiv),
            F32x4Min => bin!(F32X4, fmin),
            F32x4Max => bin!(F32X4, fmax),
            F32x4Pmin => pminmax!(F32X4, false),
            F32x4Pmax => pminmax!(F32X4, true),
            F64x2Abs => un!(F64X2, fabs),
            F64x2Neg => un!(F64X2, fneg),
            F64x2Sqrt => un!(F64X2, sqrt),
            F64x2Add => bin!(F64X2, fadd),
            F64x2Sub => bin!(F64X2, fsub),
            F64x2Mul => bin!(F64X2, fmul),
            F64x2Div => bin!(F64X2, fdiv),
            F64x2Min => bin!(F64X2, fmin),
            F64x2Max => bin!(F64X2, fmax),
            F64x2Pmin => pminmax!(F64X2, false),
            F64x2Pmax => pminmax!(F64X2, true),
            I32x4TruncSatF32x4S => {
                let x = self.pop_lanes(F32X4);
                let v = self.b.ins().fcvt_to_sint_sat(I32X4, x);
                self.push_v128(v);
            }
            I32x4TruncSatF32x4U => {
                let x = self.pop_lanes(F32X4);
                let v = self.b.ins().fcvt_to_uint_sat(I32X4, x);
                self.push_v128(v);
            }
            F32x4ConvertI32x4S => {
                let x = self.pop_lanes(I32X4);
                let v = self.b.ins().fcvt_from_sint(F32X4, x);
                self.push_v128(v);
            }
            F32x4ConvertI32x4U => {
                let x = self.pop_lanes(I32X4);
                let v = self.b.ins().fcvt_from_uint(F32X4, x);
                self.push_v128(v);
            }
            I32x4TruncSatF64x2SZero => self.trunc_sat_f64x2_zero(true),
            I32x4TruncSatF64x2UZero => self.trunc_sat_f64x2_zero(false),
            F64x2ConvertLowI32x4S => {
                let x = self.pop_lanes(I32X4);
                let wide = self.b.ins().swiden_low(x);
                let v = self.b.ins().fcvt_from_sint(F64X2, wide);
                self.push_v128(v);
            }
            F64x2ConvertLowI32x4U => {
                let x = self.pop_lanes(I32X4);
                let wide = self.b.ins().uwiden_low(x);
                let v = self.b.ins().fcvt_from_uint(F64X2, wide);
                self.push_v128(v);
            }
        }
    }

    fn bitcast(&mut self, to: Type) {
        let x = self.pop();
        let v = self.b.ins().bitcast(to, MemFlagsData::new(), x);
        self.push(v);
    }

    fn extend_low(&mut self, ty: Type, low: Type) {
        let x = self.pop();
        let n = self.b.ins().ireduce(low, x);
        let v = self.b.ins().sextend(ty, n);
        self.push(v);
    }

    /// Integer division or remainder with the spec's traps.
    fn div(&mut self, signed: bool, rem: bool) {
        let (x, y) = self.pop2();
        let ty = self.b.func.dfg.value_type(x);
        let zero = self.b.ins().icmp_imm_s(IntCC::Equal, y, 0);
        self.trap_if_code(zero, TrapCode::IntegerDivideByZero);
        let v = match (signed, rem) {
            (false, false) => self.b.ins().udiv(x, y),
            (false, true) => self.b.ins().urem(x, y),
            (true, false) => {
                let min = if ty == I32 {
                    i64::from(i32::MIN)
                } else {
                    i64::MIN
                };
                let is_min = self.b.ins().icmp_imm_s(IntCC::Equal, x, min);
                let minus_one = self.b.ins().icmp_imm_s(IntCC::Equal, y, -1);
                let overflow = self.b.ins().band(is_min, minus_one);
                self.trap_if_code(overflow, TrapCode::IntegerOverflow);
                self.b.ins().sdiv(x, y)
            }
            (true, true) => {
                // x rem -1 is 0 (and must not fault for the minimum).
                let minus_one = self.b.ins().icmp_imm_s(IntCC::Equal, y, -1);
                let one = self.iconst(ty, 1);
                let d = self.b.ins().select(minus_one, one, y);
                self.b.ins().srem(x, d)
            }
        };
        self.push(v);
    }

    /// A trapping float-to-integer conversion: NaN and values outside `(lo, hi)` (after
    /// truncation) trap.
    fn trunc(&mut self, to: Type, signed: bool, lo: f64, hi: f64) {
        let x = self.pop();
        let fty = self.b.func.dfg.value_type(x);
        let nan = self.b.ins().fcmp(FloatCC::Unordered, x, x);
        self.trap_if_code(nan, TrapCode::InvalidConversion);
        let (lo, hi) = if fty == types::F32 {
            (
                self.b.ins().f32const(lo as f32),
                self.b.ins().f32const(hi as f32),
            )
        } else {
            (self.b.ins().f64const(lo), self.b.ins().f64const(hi))
        };
        let below = self.b.ins().fcmp(FloatCC::LessThanOrEqual, x, lo);
        let above = self.b.ins().fcmp(FloatCC::GreaterThanOrEqual, x, hi);
        let out = self.b.ins().bor(below, above);
        self.trap_if_code(out, TrapCode::IntegerOverflow);
        let v = if signed {
            self.b.ins().fcvt_to_sint_sat(to, x)
        } else {
            self.b.ins().fcvt_to_uint_sat(to, x)
        };
        self.push(v);
    }
}
