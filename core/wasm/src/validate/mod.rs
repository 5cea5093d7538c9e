//! Module validation: the WebAssembly 2.0 type system.
//!
//! Module-level rules live here; function bodies are checked by [`func`] with the
//! algorithm of the specification's validation appendix, constant expressions by
//! [`const_expr`].

mod const_expr;
mod func;

pub(crate) use func::{BranchTarget, RETURN, SideTable};

use std::collections::HashSet;

use crate::error::{Location, ValidationError, ValidationErrorKind};
use crate::instructions::{Expr, Instr};
use crate::module::{DataMode, ElementItems, ElementMode, ExportDesc, ImportDesc, Module};
use crate::types::{FuncType, GlobalType, Limits, RefType, TableType, ValType};

/// Largest memory size in 64 KiB pages (4 GiB).
pub const MAX_PAGES: u32 = 65536;

/// A module that passed validation. Only a validated module may be instantiated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidatedModule {
    module: Module,
    /// Branch side tables of the defined functions, in order.
    pub(crate) side_tables: Vec<SideTable>,
}

impl ValidatedModule {
    /// The validated module.
    pub fn module(&self) -> &Module {
        &self.module
    }

    /// Gives back the module.
    pub fn into_module(self) -> Module {
        self.module
    }
}

/// Everything the type rules look up: the index spaces with imports first.
pub(crate) struct Context<'m> {
    pub(crate) types: &'m [FuncType],
    /// Type index of every function.
    pub(crate) funcs: Vec<u32>,
    pub(crate) tables: Vec<TableType>,
    pub(crate) memories: usize,
    pub(crate) globals: Vec<GlobalType>,
    /// How many of `globals` are imported (the only ones constant expressions may read).
    pub(crate) imported_globals: usize,
    /// Reference type of every element segment.
    pub(crate) elems: Vec<RefType>,
    /// The number of data segments, as declared by the data count section.
    pub(crate) data_count: Option<u32>,
    /// Functions that `ref.func` may name inside function bodies.
    pub(crate) refs: HashSet<u32>,
}

fn fail(location: Location, offset: usize, kind: ValidationErrorKind) -> ValidationError {
    ValidationError {
        location,
        offset,
        kind,
    }
}

fn check_limits(limits: Limits, bound: Option<u32>) -> Result<(), ValidationErrorKind> {
    if let Some(bound) = bound
        && (limits.min > bound || limits.max.is_some_and(|max| max > bound))
    {
        return Err(ValidationErrorKind::MemoryTooLarge);
    }
    if limits.max.is_some_and(|max| max < limits.min) {
        return Err(ValidationErrorKind::LimitsMinAboveMax);
    }
    Ok(())
}

/// Adds the functions named by `ref.func` in `expr` to `refs`.
fn collect_refs(expr: &Expr, refs: &mut HashSet<u32>) {
    for instr in &expr.instrs {
        if let Instr::RefFunc(f) = instr {
            refs.insert(*f);
        }
    }
}

impl Module {
    /// Validates the module against the WebAssembly 2.0 type system.
    ///
    /// Errors name the item (function, global, segment, …), the byte offset of the
    /// offending instruction or entry, and the rule broken.
    pub fn validate(self) -> Result<ValidatedModule, ValidationError> {
        let side_tables = self.check()?;
        Ok(ValidatedModule {
            module: self,
            side_tables,
        })
    }

    fn check(&self) -> Result<Vec<SideTable>, ValidationError> {
        let mut ctx = Context {
            types: &self.types,
            funcs: Vec::new(),
            tables: Vec::new(),
            memories: 0,
            globals: Vec::new(),
            imported_globals: 0,
            elems: self.elements.iter().map(|e| e.ty).collect(),
            data_count: self.data_count,
            refs: HashSet::new(),
        };

        for (i, import) in self.imports.iter().enumerate() {
            let at = |kind| fail(Location::Import(i as u32), import.offset, kind);
            match &import.desc {
                ImportDesc::Func(t) => {
                    if *t as usize >= self.types.len() {
                        return Err(at(ValidationErrorKind::UnknownType(*t)));
                    }
                    ctx.funcs.push(*t);
                }
                ImportDesc::Table(t) => {
                    check_limits(t.limits, None).map_err(at)?;
                    ctx.tables.push(*t);
                }
                ImportDesc::Memory(m) => {
                    check_limits(m.limits, Some(MAX_PAGES)).map_err(at)?;
                    if ctx.memories == 1 {
                        return Err(at(ValidationErrorKind::MultipleMemories));
                    }
                    ctx.memories += 1;
                }
                ImportDesc::Global(g) => ctx.globals.push(*g),
            }
        }
        ctx.imported_globals = ctx.globals.len();
        let imported_funcs = ctx.funcs.len();

        for (i, f) in self.functions.iter().enumerate() {
            if f.type_index as usize >= self.types.len() {
                let index = (imported_funcs + i) as u32;
                return Err(fail(
                    Location::Function(index),
                    f.offset,
                    ValidationErrorKind::UnknownType(f.type_index),
                ));
            }
            ctx.funcs.push(f.type_index);
        }
        for t in &self.tables {
            let index = ctx.tables.len() as u32;
            check_limits(t.ty.limits, None)
                .map_err(|kind| fail(Location::Table(index), t.offset, kind))?;
            ctx.tables.push(t.ty);
        }
        for m in &self.memories {
            let index = ctx.memories as u32;
            let at = |kind| fail(Location::Memory(index), m.offset, kind);
            check_limits(m.ty.limits, Some(MAX_PAGES)).map_err(at)?;
            if ctx.memories == 1 {
                return Err(at(ValidationErrorKind::MultipleMemories));
            }
            ctx.memories += 1;
        }

        // C.refs: every function index named outside function bodies and the start section.
        for g in &self.globals {
            collect_refs(&g.init, &mut ctx.refs);
        }
        for e in &self.elements {
            match &e.items {
                ElementItems::Functions(fs) => ctx.refs.extend(fs.iter().copied()),
                ElementItems::Exprs(es) => es.iter().for_each(|x| collect_refs(x, &mut ctx.refs)),
            }
        }
        for x in &self.exports {
            if let ExportDesc::Func(f) = x.desc {
                ctx.refs.insert(f);
            }
        }

        // Globals see only the imported globals.
        for (i, g) in self.globals.iter().enumerate() {
            let index = (ctx.imported_globals + i) as u32;
            const_expr::check(&ctx, &g.init, g.ty.val)
                .map_err(|(offset, kind)| fail(Location::Global(index), offset, kind))?;
        }
        ctx.globals.extend(self.globals.iter().map(|g| g.ty));

        let mut names = HashSet::new();
        for (i, x) in self.exports.iter().enumerate() {
            let at = |kind| fail(Location::Export(i as u32), x.offset, kind);
            match x.desc {
                ExportDesc::Func(f) if f as usize >= ctx.funcs.len() => {
                    return Err(at(ValidationErrorKind::UnknownFunction(f)));
                }
                ExportDesc::Table(t) if t as usize >= ctx.tables.len() => {
                    return Err(at(ValidationErrorKind::UnknownTable(t)));
                }
                ExportDesc::Memory(m) if m as usize >= ctx.memories => {
                    return Err(at(ValidationErrorKind::UnknownMemory(m)));
                }
                ExportDesc::Global(g) if g as usize >= ctx.globals.len() => {
                    return Err(at(ValidationErrorKind::UnknownGlobal(g)));
                }
                _ => {}
            }
            if !names.insert(x.name.as_str()) {
                return Err(at(ValidationErrorKind::DuplicateExport(x.name.clone())));
            }
        }

        if let Some((f, offset)) = self.start {
            let Some(&t) = ctx.funcs.get(f as usize) else {
                return Err(fail(
                    Location::Start,
                    offset,
                    ValidationErrorKind::UnknownFunction(f),
                ));
            };
            let ty = &self.types[t as usize];
            if !ty.params.is_empty() || !ty.results.is_empty() {
                return Err(fail(
                    Location::Start,
                    offset,
                    ValidationErrorKind::StartFunctionType,
                ));
            }
        }

        for (i, e) in self.elements.iter().enumerate() {
            let at = |(offset, kind)| fail(Location::Element(i as u32), offset, kind);
            match &e.items {
                ElementItems::Functions(fs) => {
                    if let Some(&f) = fs.iter().find(|&&f| f as usize >= ctx.funcs.len()) {
                        return Err(at((e.offset, ValidationErrorKind::UnknownFunction(f))));
                    }
                }
                ElementItems::Exprs(es) => {
                    for x in es {
                        const_expr::check(&ctx, x, e.ty.val_type()).map_err(at)?;
                    }
                }
            }
            if let ElementMode::Active { table, offset } = &e.mode {
                let Some(t) = ctx.tables.get(*table as usize) else {
                    return Err(at((e.offset, ValidationErrorKind::UnknownTable(*table))));
                };
                if t.elem != e.ty {
                    return Err(at((
                        e.offset,
                        ValidationErrorKind::ElementTypeMismatch {
                            segment: e.ty.val_type(),
                            table: t.elem.val_type(),
                        },
                    )));
                }
                const_expr::check(&ctx, offset, ValType::I32).map_err(at)?;
            }
        }

        for (i, d) in self.data.iter().enumerate() {
            if let DataMode::Active { memory, offset } = &d.mode {
                let at = |(offset, kind)| fail(Location::Data(i as u32), offset, kind);
                if *memory as usize >= ctx.memories {
                    return Err(at((d.offset, ValidationErrorKind::UnknownMemory(*memory))));
                }
                const_expr::check(&ctx, offset, ValType::I32).map_err(at)?;
            }
        }

        let mut side_tables = Vec::with_capacity(self.functions.len());
        for (i, f) in self.functions.iter().enumerate() {
            let index = (imported_funcs + i) as u32;
            side_tables.push(
                func::check(&ctx, f)
                    .map_err(|(offset, kind)| fail(Location::Function(index), offset, kind))?,
            );
        }
        Ok(side_tables)
    }
}
