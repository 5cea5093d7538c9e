//! Everything compiled code refers to outside itself, by name.
//!
//! Code never embeds an address of the running process: the runtime helpers, the direct
//! entries of imported functions, the global slots and the memory view are symbols that
//! the linker resolves when the code is placed in memory. That keeps the code of a
//! module the same from one process to the next (what the on-disk cache relies on) and
//! lets the functions compile on several threads, none of which touches the module
//! being linked.

use cranelift_codegen::ir::Type;
use cranelift_codegen::ir::types::{I32, I64};
use cranelift_codegen::isa::{CallConv, TargetFrontendConfig};
use cranelift_jit::JITModule;
use cranelift_module::{DataId, FuncId, Linkage, Module as _};
use heirloom_wasm::ValidatedModule;
use heirloom_wasm::exec::native::{self, InstanceEnv};

use crate::compile::module_error;
use crate::translate::{array_signature, direct_signature};

/// The runtime functions of [`heirloom_wasm::exec::native`] that compiled code calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Helper {
    Trap,
    Unwind,
    Refuel,
    Call,
    Indirect,
    TableGet,
    TableSet,
    TableInit,
    ElemDrop,
    TableCopy,
    TableGrow,
    TableSize,
    TableFill,
    MemoryGrow,
    MemoryInit,
    DataDrop,
    MemoryCopy,
    MemoryFill,
}

impl Helper {
    /// Every helper, in declaration order (`helper as usize` indexes it).
    const ALL: [Helper; 18] = [
        Helper::Trap,
        Helper::Unwind,
        Helper::Refuel,
        Helper::Call,
        Helper::Indirect,
        Helper::TableGet,
        Helper::TableSet,
        Helper::TableInit,
        Helper::ElemDrop,
        Helper::TableCopy,
        Helper::TableGrow,
        Helper::TableSize,
        Helper::TableFill,
        Helper::MemoryGrow,
        Helper::MemoryInit,
        Helper::DataDrop,
        Helper::MemoryCopy,
        Helper::MemoryFill,
    ];

    /// Parameter types after the context, and result types.
    pub(crate) fn signature(self) -> (&'static [Type], &'static [Type]) {
        match self {
            Helper::Trap | Helper::Unwind => (&[I32, I32, I32], &[]),
            Helper::Refuel => (&[], &[I32]),
            Helper::Call => (&[I32, I32, I64], &[I32]),
            Helper::Indirect => (&[I32, I32, I32, I32], &[I64]),
            Helper::TableGet => (&[I32, I32], &[I64]),
            Helper::TableSet => (&[I32, I32, I64], &[I32]),
            Helper::TableInit => (&[I32, I32, I32, I32, I32, I32], &[I32]),
            Helper::ElemDrop | Helper::DataDrop => (&[I32, I32], &[]),
            Helper::TableCopy | Helper::MemoryInit => (&[I32, I32, I32, I32, I32], &[I32]),
            Helper::TableGrow => (&[I32, I64, I32], &[I32]),
            Helper::TableSize => (&[I32], &[I32]),
            Helper::TableFill => (&[I32, I32, I64, I32], &[I32]),
            Helper::MemoryGrow => (&[I32, I32], &[I32]),
            Helper::MemoryCopy | Helper::MemoryFill => (&[I32, I32, I32, I32], &[I32]),
        }
    }

    /// The symbol name and the address it resolves to.
    fn symbol(self) -> (&'static str, *const u8) {
        match self {
            Helper::Trap => ("heirloom_trap", native::trap as *const u8),
            Helper::Unwind => ("heirloom_unwind", native::unwind as *const u8),
            Helper::Refuel => ("heirloom_refuel", native::refuel as *const u8),
            Helper::Call => ("heirloom_call", native::call as *const u8),
            Helper::Indirect => ("heirloom_indirect", native::indirect as *const u8),
            Helper::TableGet => ("heirloom_table_get", native::table_get as *const u8),
            Helper::TableSet => ("heirloom_table_set", native::table_set as *const u8),
            Helper::TableInit => ("heirloom_table_init", native::table_init as *const u8),
            Helper::ElemDrop => ("heirloom_elem_drop", native::elem_drop as *const u8),
            Helper::TableCopy => ("heirloom_table_copy", native::table_copy as *const u8),
            Helper::TableGrow => ("heirloom_table_grow", native::table_grow as *const u8),
            Helper::TableSize => ("heirloom_table_size", native::table_size as *const u8),
            Helper::TableFill => ("heirloom_table_fill", native::table_fill as *const u8),
            Helper::MemoryGrow => ("heirloom_memory_grow", native::memory_grow as *const u8),
            Helper::MemoryInit => ("heirloom_memory_init", native::memory_init as *const u8),
            Helper::DataDrop => ("heirloom_data_drop", native::data_drop as *const u8),
            Helper::MemoryCopy => ("heirloom_memory_copy", native::memory_copy as *const u8),
            Helper::MemoryFill => ("heirloom_memory_fill", native::memory_fill as *const u8),
        }
    }
}

/// The symbol of imported function `f`'s direct entry.
fn import_name(f: usize) -> String {
    format!("import{f}")
}

/// The symbol of global `x`'s slot.
fn global_name(x: usize) -> String {
    format!("global{x}")
}

/// The symbol of memory 0's view.
const MEMORY: &str = "memory";

/// The addresses the symbols of an instance resolve to, for the linker.
pub(crate) fn addresses(env: &InstanceEnv) -> Vec<(String, *const u8)> {
    let helpers = Helper::ALL
        .iter()
        .map(|h| h.symbol())
        .map(|(name, addr)| (name.to_owned(), addr));
    let imports = env
        .funcs
        .iter()
        .enumerate()
        .filter_map(|(f, func)| Some((import_name(f), func.direct?)));
    let globals = env
        .globals
        .iter()
        .enumerate()
        .map(|(x, &slot)| (global_name(x), slot as *const u8));
    let memory = env
        .memory
        .map(|(_, view)| (MEMORY.to_owned(), view as *const u8));
    helpers
        .chain(imports)
        .chain(globals)
        .chain(memory)
        .collect()
}

/// The ids of an instance's symbols in the module being linked.
pub(crate) struct Symbols {
    /// The host's calling convention.
    pub(crate) call_conv: CallConv,
    /// What the IR builder needs to know of the target.
    pub(crate) frontend: TargetFrontendConfig,
    /// Direct entries of the defined functions.
    pub(crate) direct: Vec<FuncId>,
    /// Array entries of the defined functions.
    pub(crate) array: Vec<FuncId>,
    /// The helpers, in [`Helper`] order.
    pub(crate) helpers: Vec<FuncId>,
    /// Direct entries of imported functions that have one, by function index.
    pub(crate) imported_direct: Vec<Option<FuncId>>,
    /// Global slots.
    pub(crate) globals: Vec<DataId>,
    /// Memory 0's view.
    pub(crate) memory: Option<DataId>,
}

impl Symbols {
    /// How many of the instance's functions are imported (they come first).
    pub(crate) fn imported(&self) -> usize {
        self.imported_direct.len()
    }

    /// How many functions and data objects are declared (the bound of a valid id).
    pub(crate) fn declared(&self) -> (u32, u32) {
        let functions = self.direct.len()
            + self.array.len()
            + self.helpers.len()
            + self.imported_direct.iter().flatten().count();
        let data = self.globals.len() + usize::from(self.memory.is_some());
        (functions as u32, data as u32)
    }

    /// Declares every symbol of an instance in `jit`, always in the same order, so the
    /// same module and instance shape give the same ids.
    pub(crate) fn declare(
        jit: &mut JITModule,
        module: &ValidatedModule,
        env: &InstanceEnv,
    ) -> Result<Symbols, String> {
        let m = module.module();
        let call_conv = jit.isa().default_call_conv();
        let frontend = jit.isa().frontend_config();
        let imported = env.funcs.len() - m.functions.len();
        let mut direct = Vec::with_capacity(m.functions.len());
        let mut array = Vec::with_capacity(m.functions.len());
        for (i, f) in m.functions.iter().enumerate() {
            let sig = direct_signature(&m.types[f.type_index as usize], call_conv);
            direct.push(
                jit.declare_function(&format!("f{i}"), Linkage::Local, &sig)
                    .map_err(module_error)?,
            );
            let sig = array_signature(call_conv);
            array.push(
                jit.declare_function(&format!("a{i}"), Linkage::Local, &sig)
                    .map_err(module_error)?,
            );
        }
        let mut helpers = Vec::with_capacity(Helper::ALL.len());
        for h in Helper::ALL {
            let (params, returns) = h.signature();
            let sig = crate::translate::signature(call_conv, params, returns);
            helpers.push(
                jit.declare_function(h.symbol().0, Linkage::Import, &sig)
                    .map_err(module_error)?,
            );
        }
        let mut imported_direct = Vec::with_capacity(imported);
        for (f, func) in env.funcs[..imported].iter().enumerate() {
            let id = match func.direct {
                Some(_) => {
                    let ty = crate::translate::imported_type(module, f);
                    let sig = direct_signature(ty, call_conv);
                    Some(
                        jit.declare_function(&import_name(f), Linkage::Import, &sig)
                            .map_err(module_error)?,
                    )
                }
                None => None,
            };
            imported_direct.push(id);
        }
        let globals = (0..env.globals.len())
            .map(|x| {
                jit.declare_data(&global_name(x), Linkage::Import, true, false)
                    .map_err(module_error)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let memory = match env.memory {
            Some(_) => Some(
                jit.declare_data(MEMORY, Linkage::Import, false, false)
                    .map_err(module_error)?,
            ),
            None => None,
        };
        Ok(Symbols {
            call_conv,
            frontend,
            direct,
            array,
            helpers,
            imported_direct,
            globals,
            memory,
        })
    }
}
