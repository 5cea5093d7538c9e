//! Linking imports by name: a [`Linker`] holds named definitions (host functions, WASI,
//! exports of other instances) and hands each module the ones its imports ask for.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::exec::{Caller, Extern, InstanceId, InstantiationError, LinkError, Store, Trap, Value};
use crate::module::ImportDesc;
use crate::types::{FuncType, Limits, ValType};
use crate::validate::ValidatedModule;

/// Named definitions for imports, as `module.name` → object of a [`Store`].
#[derive(Debug, Default, Clone)]
pub struct Linker {
    defs: HashMap<(String, String), Extern>,
}

impl Linker {
    /// An empty linker.
    pub fn new() -> Self {
        Linker::default()
    }

    /// Defines `module.name` (replacing an earlier definition).
    pub fn define(&mut self, module: &str, name: &str, ext: Extern) {
        self.defs.insert((module.to_owned(), name.to_owned()), ext);
    }

    /// Adds a host function to `store` and defines it as `module.name`.
    pub fn func(
        &mut self,
        store: &mut Store,
        module: &str,
        name: &str,
        ty: FuncType,
        f: impl Fn(&mut Caller<'_>, &[Value]) -> Result<Vec<Value>, Trap> + 'static,
    ) {
        let addr = store.host_func(ty, f);
        self.define(module, name, Extern::Func(addr));
    }

    /// The definition of `module.name`, if any.
    pub fn get(&self, module: &str, name: &str) -> Option<Extern> {
        self.defs
            .get(&(module.to_owned(), name.to_owned()))
            .copied()
    }

    /// The definitions for the imports of `module`, in import order. Fails on the first
    /// import without a definition, naming it and the type it expects.
    pub fn resolve(&self, module: &ValidatedModule) -> Result<Vec<Extern>, LinkError> {
        let m = module.module();
        m.imports
            .iter()
            .map(|import| {
                self.get(&import.module, &import.name)
                    .ok_or_else(|| LinkError::UnknownImport {
                        module: import.module.clone(),
                        name: import.name.clone(),
                        expected: describe_import(&import.desc, &m.types),
                    })
            })
            .collect()
    }

    /// Resolves the imports of `module` and instantiates it in `store`.
    pub fn instantiate(
        &self,
        store: &mut Store,
        module: &ValidatedModule,
    ) -> Result<InstanceId, InstantiationError> {
        let imports = self.resolve(module)?;
        store.instantiate(module, &imports)
    }
}

/// An import's expected kind and type in WebAssembly text format, e.g.
/// `(func (param i32) (result i32))` or `(memory 1 16)`.
pub fn describe_import(desc: &ImportDesc, types: &[FuncType]) -> String {
    match desc {
        ImportDesc::Func(t) => match types.get(*t as usize) {
            Some(ty) => describe_func_type(ty),
            None => format!("(func (type {t}))"),
        },
        ImportDesc::Table(t) => format!("(table {} {})", limits(t.limits), t.elem),
        ImportDesc::Memory(m) => format!("(memory {})", limits(m.limits)),
        ImportDesc::Global(g) if g.mutable => format!("(global (mut {}))", g.val),
        ImportDesc::Global(g) => format!("(global {})", g.val),
    }
}

/// A function type in text format: `(func (param i32 i32) (result i32))`.
pub fn describe_func_type(ty: &FuncType) -> String {
    let mut text = String::from("(func");
    let mut list = |keyword: &str, types: &[ValType]| {
        if !types.is_empty() {
            let _ = write!(text, " ({keyword}");
            for t in types {
                let _ = write!(text, " {t}");
            }
            text.push(')');
        }
    };
    list("param", &ty.params);
    list("result", &ty.results);
    text.push(')');
    text
}

fn limits(l: Limits) -> String {
    match l.max {
        Some(max) => format!("{} {max}", l.min),
        None => l.min.to_string(),
    }
}
