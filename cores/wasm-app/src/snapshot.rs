//! Making an app's whole state reachable for save states.
//!
//! A store gives the host an app's exported objects only. Before instantiation the module
//! is therefore extended, without touching its own code: its memory is exported (when it
//! is not already), every mutable global gets an export, and each such global gets a
//! one-instruction setter function (`local.get 0; global.set n`). A save state reads the
//! memory and the globals through these exports; restoring one writes them back into a
//! fresh instance of the same module. Tables are not saved: they are rebuilt from the
//! module's element segments, which holds for C programs (they never change their
//! function table) but not for modules that use `table.set` or `table.grow`.

use heirloom_wasm::exec::{Extern, FuncAddr, InstanceId, Store, Value};
use heirloom_wasm::{
    Export, ExportDesc, Expr, FuncType, Function, ImportDesc, Instr, Module, ValType,
    ValidatedModule,
};

const MEMORY_EXPORT: &str = "heirloom:memory";

/// A module extended for save states, and where to find what it added.
#[derive(Debug)]
pub struct Instrumented {
    /// The extended, validated module.
    pub module: ValidatedModule,
    /// The name memory 0 is exported under, when the module has a memory.
    pub memory_export: Option<String>,
    /// Each mutable global: its index, getter export and setter export.
    pub globals: Vec<GlobalSlot>,
}

/// A mutable global and the exports that reach it.
#[derive(Debug, Clone)]
pub struct GlobalSlot {
    /// The global's index in the module.
    pub index: u32,
    /// Its value type.
    pub ty: ValType,
    /// The export that reads it.
    pub getter: String,
    /// The exported function that writes it.
    pub setter: String,
}

/// Extends `module` (see the module documentation) and validates it.
pub fn instrument(mut module: Module) -> Result<Instrumented, heirloom_wasm::Error> {
    let imported_funcs = module
        .imports
        .iter()
        .filter(|i| matches!(i.desc, ImportDesc::Func(_)))
        .count() as u32;
    let imported_globals = module
        .imports
        .iter()
        .filter(|i| matches!(i.desc, ImportDesc::Global(_)))
        .count() as u32;
    let has_memory = !module.memories.is_empty()
        || module
            .imports
            .iter()
            .any(|i| matches!(i.desc, ImportDesc::Memory(_)));
    let memory_export = has_memory.then(|| {
        module
            .exports
            .iter()
            .find(|e| e.desc == ExportDesc::Memory(0))
            .map(|e| e.name.clone())
            .unwrap_or_else(|| {
                module
                    .exports
                    .push(export(MEMORY_EXPORT.into(), ExportDesc::Memory(0)));
                MEMORY_EXPORT.into()
            })
    });

    let mut globals = Vec::new();
    let wanted: Vec<(u32, ValType)> = module
        .globals
        .iter()
        .enumerate()
        .filter(|(_, g)| g.ty.mutable && (g.ty.val.is_num() || g.ty.val == ValType::V128))
        .map(|(i, g)| (imported_globals + i as u32, g.ty.val))
        .collect();
    for (index, ty) in wanted {
        let getter = format!("heirloom:global:{index}");
        let setter = format!("heirloom:set-global:{index}");
        module
            .exports
            .push(export(getter.clone(), ExportDesc::Global(index)));
        let type_index = module.types.len() as u32;
        module.types.push(FuncType {
            params: [ty].into(),
            results: [].into(),
        });
        let func_index = imported_funcs + module.functions.len() as u32;
        module.functions.push(Function {
            type_index,
            locals: Vec::new(),
            body: Expr {
                instrs: vec![Instr::LocalGet(0), Instr::GlobalSet(index), Instr::End],
                offsets: vec![0; 3],
            },
            offset: 0,
        });
        module
            .exports
            .push(export(setter.clone(), ExportDesc::Func(func_index)));
        globals.push(GlobalSlot {
            index,
            ty,
            getter,
            setter,
        });
    }
    Ok(Instrumented {
        module: module.validate()?,
        memory_export,
        globals,
    })
}

fn export(name: String, desc: ExportDesc) -> Export {
    Export {
        name,
        desc,
        offset: 0,
    }
}

/// Reads the values of `slots` in `instance`.
pub fn read_globals(store: &Store, instance: InstanceId, slots: &[GlobalSlot]) -> Vec<Value> {
    slots
        .iter()
        .map(|slot| match store.export(instance, &slot.getter) {
            Some(Extern::Global(g)) => store.global_value(g),
            _ => Value::default_of(slot.ty),
        })
        .collect()
}

/// The setter function of `slot` in `instance`.
pub fn setter(store: &Store, instance: InstanceId, slot: &GlobalSlot) -> Option<FuncAddr> {
    match store.export(instance, &slot.setter) {
        Some(Extern::Func(f)) => Some(f),
        _ => None,
    }
}

/// Encodes a global's value as its type's bits.
pub fn value_bits(value: Value) -> u128 {
    match value {
        Value::I32(v) => u128::from(v as u32),
        Value::I64(v) => u128::from(v as u64),
        Value::F32(v) => u128::from(v),
        Value::F64(v) => u128::from(v),
        Value::V128(v) => v,
        Value::FuncRef(_) | Value::ExternRef(_) => 0,
    }
}

/// Decodes bits written by [`value_bits`] as a value of `ty`.
pub fn value_from_bits(ty: ValType, bits: u128) -> Value {
    match ty {
        ValType::I32 => Value::I32(bits as u32 as i32),
        ValType::I64 => Value::I64(bits as u64 as i64),
        ValType::F32 => Value::F32(bits as u32),
        ValType::F64 => Value::F64(bits as u64),
        ValType::V128 => Value::V128(bits),
        ValType::FuncRef | ValType::ExternRef => Value::default_of(ty),
    }
}
