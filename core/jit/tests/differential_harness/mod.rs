//! The differential harness shared by the `differential` test and the `wasm_engines` fuzz
//! target: random valid modules from `wasm-smith` run on the interpreter and on the
//! Cranelift engine with the same arguments must give the same results, the same traps
//! with the same backtraces, the same fuel use, the same exported memories and globals.
//!
//! The generator canonicalizes NaNs (WebAssembly lets NaN payloads differ between
//! engines) and uses the 2.0 feature set. A call that runs out of fuel ends the
//! comparison of its module, since the engines charge fuel at different points within
//! straight-line code.

use std::rc::Rc;

use heirloom_wasm::exec::{Config, Extern, InstanceId, Store, Trap, Value};
use heirloom_wasm::{ExportDesc, ImportDesc, Module, ValType, ValidatedModule};

/// A small deterministic generator (xorshift64*).
pub struct Rng(pub u64);

impl Rng {
    /// The next number.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// What `wasm-smith` generates: the 2.0 feature set, small modules, NaNs canonicalized.
pub fn smith_config() -> wasm_smith::Config {
    wasm_smith::Config {
        relaxed_simd_enabled: false,
        exceptions_enabled: false,
        gc_enabled: false,
        threads_enabled: false,
        tail_call_enabled: false,
        memory64_enabled: false,
        extended_const_enabled: false,
        custom_page_sizes_enabled: false,
        wide_arithmetic_enabled: false,
        canonicalize_nans: true,
        export_everything: true,
        max_imports: 6,
        min_funcs: 1,
        max_funcs: 12,
        max_instructions: 200,
        max_memories: 1,
        max_memory32_bytes: 4 << 16,
        max_tables: 3,
        max_table_elements: 200,
        max_data_segments: 4,
        ..wasm_smith::Config::default()
    }
}

/// Limits shared by both engines.
fn limits() -> Config {
    Config {
        max_call_depth: 500,
        max_memory_pages: 16,
        ..Config::default()
    }
}

const FUEL: u64 = 200_000;

fn argument(rng: &mut Rng, ty: ValType) -> Value {
    let r = rng.next();
    let small = [0, 1, -1i64 as u64, 0x8000_0000, 0x7FFF_FFFF, 65536][(r >> 60) as usize % 6];
    let v = if r & 1 == 0 { small } else { r >> 8 };
    match ty {
        ValType::I32 => Value::I32(v as i32),
        ValType::I64 => Value::I64(v as i64),
        ValType::F32 => Value::F32(f32::from_bits(v as u32).to_bits()),
        ValType::F64 => Value::F64(v),
        ValType::FuncRef => Value::FuncRef(None),
        ValType::ExternRef => Value::ExternRef((r & 2 == 0).then_some(v as u32)),
        ValType::V128 => Value::V128(u128::from(v)),
    }
}

/// Everything observable after a step: exported memories and globals.
fn observe(store: &Store, inst: InstanceId, module: &Module) -> Vec<(String, Vec<u8>)> {
    let mut seen = Vec::new();
    for export in &module.exports {
        match (export.desc, store.export(inst, &export.name)) {
            (ExportDesc::Memory(_), Some(Extern::Memory(m))) => {
                seen.push((export.name.clone(), store.memory(m).to_vec()));
            }
            (ExportDesc::Global(_), Some(Extern::Global(g))) => {
                let text = format!("{:?}", store.global_value(g));
                seen.push((export.name.clone(), text.into_bytes()));
            }
            _ => {}
        }
    }
    seen
}

/// What was compared.
#[derive(Debug, Default)]
pub struct Counts {
    /// Modules both engines instantiated.
    pub instantiated: usize,
    /// Calls that returned (the same results on both).
    pub returned: usize,
    /// Calls that trapped (the same trap on both).
    pub trapped: usize,
}

/// A host function's deterministic results: derived from its arguments; an `i32`
/// argument of 13 makes it trap.
fn host_results(results: &[ValType], args: &[Value]) -> Result<Vec<Value>, Trap> {
    let mut h: u64 = 0x1234_5678;
    for a in args {
        let bits = match *a {
            Value::I32(13) => return Err(Trap::Host("unlucky".into())),
            Value::I32(v) => u64::from(v as u32),
            Value::I64(v) => v as u64,
            Value::F32(v) => u64::from(v),
            Value::F64(v) => v,
            _ => 1,
        };
        h = (h ^ bits).wrapping_mul(0x100_0000_01B3);
    }
    Ok(results
        .iter()
        .map(|&t| match t {
            ValType::I32 => Value::I32(h as i32 & 0xFFFF),
            ValType::I64 => Value::I64(h as i64),
            ValType::F32 => Value::F32((h as u32 & 0x3FFF_FFFF) | 0x3F80_0000),
            ValType::F64 => Value::F64(0x3FF0_0000_0000_0000 | (h >> 12)),
            other => Value::default_of(other),
        })
        .collect())
}

/// Definitions for the module's imports, made in `store` the same way on both engines.
fn imports(store: &mut Store, module: &Module) -> Vec<Extern> {
    module
        .imports
        .iter()
        .map(|import| match import.desc {
            ImportDesc::Func(t) => {
                let ty = module.types[t as usize].clone();
                let results = ty.results.clone();
                Extern::Func(store.host_func(ty, move |_, args| host_results(&results, args)))
            }
            ImportDesc::Table(t) => Extern::Table(store.new_table(t)),
            ImportDesc::Memory(m) => Extern::Memory(store.new_memory(m).expect("small memory")),
            ImportDesc::Global(g) => {
                Extern::Global(store.new_global(Value::default_of(g.val), g.mutable))
            }
        })
        .collect()
}

/// Runs one module on both engines; `Err` describes a difference.
pub fn compare(
    bytes: &[u8],
    rng: &mut Rng,
    engine: &Rc<heirloom_jit::Jit>,
    counts: &mut Counts,
) -> Result<(), String> {
    let module: ValidatedModule =
        Module::from_bytes(bytes).map_err(|e| format!("module rejected: {e}"))?;
    let mut interp = Store::new(limits());
    let mut jit = Store::with_engine(limits(), engine.clone());
    interp.set_fuel(Some(FUEL));
    jit.set_fuel(Some(FUEL));
    let ea = imports(&mut interp, module.module());
    let eb = imports(&mut jit, module.module());
    let a = interp.instantiate(&module, &ea);
    let b = jit.instantiate(&module, &eb);
    let (ia, ib) = match (a, b) {
        (Ok(ia), Ok(ib)) => (ia, ib),
        (Err(ea), Err(eb)) if ea == eb => return Ok(()),
        (Err(ea), _) if ea.to_string().contains("out of fuel") => return Ok(()),
        (a, b) => return Err(format!("instantiation: interpreter {a:?}, jit {b:?}")),
    };
    counts.instantiated += 1;
    let m = module.module();
    for export in &m.exports {
        let (Some(Extern::Func(fa)), Some(Extern::Func(fb))) = (
            interp.export(ia, &export.name),
            jit.export(ib, &export.name),
        ) else {
            continue;
        };
        let params = interp.func_type(fa).params.clone();
        for _ in 0..2 {
            let args: Vec<Value> = params.iter().map(|&t| argument(rng, t)).collect();
            interp.set_fuel(Some(FUEL));
            jit.set_fuel(Some(FUEL));
            let ra = interp.invoke(fa, &args);
            let rb = jit.invoke(fb, &args);
            if ra == Err(Trap::OutOfFuel) || rb == Err(Trap::OutOfFuel) {
                return Ok(());
            }
            if ra.is_ok() {
                counts.returned += 1;
            } else {
                counts.trapped += 1;
            }
            if ra != rb {
                return Err(format!(
                    "{}({args:?}): interpreter {ra:?}, jit {rb:?}",
                    export.name
                ));
            }
            if interp.last_backtrace() != jit.last_backtrace() {
                return Err(format!(
                    "{}({args:?}) trapped with backtraces: interpreter {:?}, jit {:?}",
                    export.name,
                    interp.last_backtrace(),
                    jit.last_backtrace()
                ));
            }
            if ra.is_ok() && interp.fuel() != jit.fuel() {
                return Err(format!(
                    "{}({args:?}): fuel left: interpreter {:?}, jit {:?}",
                    export.name,
                    interp.fuel(),
                    jit.fuel()
                ));
            }
            if observe(&interp, ia, m) != observe(&jit, ib, m) {
                return Err(format!("{}({args:?}): exported state differs", export.name));
            }
        }
    }
    Ok(())
}
