//! Machine code for a module's functions: generated on several threads where that pays,
//! then placed in executable memory and linked.
//!
//! Each defined function gives two pieces of code, its direct entry and its array entry
//! (see [`heirloom_wasm::exec::native`]). A piece of code is its bytes and the places
//! where the linker writes the address of a symbol ([`Symbols`]); it holds nothing of
//! the running process, so it can also come from the on-disk cache.

use std::cmp::Reverse;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use cranelift_codegen::binemit::Reloc;
use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::ir::{self, ExternalName, LibCall};
use cranelift_codegen::isa::TargetIsa;
use cranelift_codegen::{Context, FinalizedMachReloc, FinalizedRelocTarget};
use cranelift_frontend::FunctionBuilderContext;
use cranelift_jit::JITModule;
use cranelift_module::{FuncId, Module as _, ModuleError, ModuleReloc, ModuleRelocTarget};
use heirloom_wasm::ValidatedModule;
use heirloom_wasm::exec::native::InstanceEnv;

use crate::symbols::Symbols;
use crate::translate::{self, DATA_NAMESPACE, FUNCTION_NAMESPACE};

/// Below this many instructions in all, a module compiles on the calling thread:
/// starting threads would cost more than it saves.
const PARALLEL_MIN_INSTRUCTIONS: usize = 4_000;

/// The machine code of one function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Code {
    /// The alignment the code needs, in bytes.
    pub(crate) alignment: u64,
    /// The instructions.
    pub(crate) bytes: Vec<u8>,
    /// Where symbol addresses go.
    pub(crate) relocs: Vec<Relocation>,
}

/// A place in [`Code`] that refers to a symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Relocation {
    /// Offset in the code.
    pub(crate) offset: u32,
    /// How the address is written.
    pub(crate) kind: Reloc,
    /// What it refers to.
    pub(crate) target: Target,
    /// Added to the target's address.
    pub(crate) addend: i64,
}

/// What a [`Relocation`] refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// A declared function, by id.
    Function(u32),
    /// A declared data object, by id.
    Data(u32),
    /// A routine of the host's runtime library.
    LibCall(LibCall),
    /// An offset in the same code.
    Own(u32),
}

/// The code of one defined function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CompiledFunction {
    /// The direct entry.
    pub(crate) direct: Code,
    /// The array entry.
    pub(crate) array: Code,
}

/// What every compilation thread shares.
struct Job<'a> {
    isa: &'a dyn TargetIsa,
    symbols: &'a Symbols,
    module: &'a ValidatedModule,
    env: SharedEnv<'a>,
}

/// The instance's environment, shared by the compilation threads.
struct SharedEnv<'a>(&'a InstanceEnv);

// SAFETY: translation reads only the environment's store indices and whether its
// pointers are set; it never dereferences them, and nothing writes the environment while
// the module compiles.
unsafe impl Sync for SharedEnv<'_> {}

/// Compiles every defined function of `module` with at most `threads` threads.
pub(crate) fn compile_functions(
    isa: &dyn TargetIsa,
    symbols: &Symbols,
    module: &ValidatedModule,
    env: &InstanceEnv,
    threads: usize,
) -> Result<Vec<CompiledFunction>, String> {
    let job = Job {
        isa,
        symbols,
        module,
        env: SharedEnv(env),
    };
    let functions = &module.module().functions;
    let size: usize = functions.iter().map(|f| f.body.instrs.len()).sum();
    let threads = threads.min(functions.len());
    if threads <= 1 || size < PARALLEL_MIN_INSTRUCTIONS {
        let mut worker = Worker::default();
        return (0..functions.len())
            .map(|i| worker.compile(&job, i))
            .collect();
    }

    // The biggest functions first, so that no thread is left with a big one at the end.
    let mut order: Vec<usize> = (0..functions.len()).collect();
    order.sort_by_key(|&i| Reverse(functions[i].body.instrs.len()));
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let finished = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut worker = Worker::default();
                    let mut done = Vec::new();
                    while !failed.load(Ordering::Relaxed) {
                        let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) else {
                            break;
                        };
                        let result = worker.compile(&job, i);
                        failed.fetch_or(result.is_err(), Ordering::Relaxed);
                        done.push((i, result));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join())
            .collect::<Vec<_>>()
    });

    let mut compiled: Vec<Option<CompiledFunction>> = (0..functions.len()).map(|_| None).collect();
    let mut first_error: Option<(usize, String)> = None;
    for done in finished {
        let done = done.map_err(|_| "code generation failed: the code generator panicked")?;
        for (i, result) in done {
            match result {
                Ok(code) => compiled[i] = Some(code),
                Err(e) if first_error.as_ref().is_none_or(|(j, _)| i < *j) => {
                    first_error = Some((i, e));
                }
                Err(_) => {}
            }
        }
    }
    if let Some((_, e)) = first_error {
        return Err(e);
    }
    Ok(compiled
        .into_iter()
        .map(|code| code.expect("every function was compiled"))
        .collect())
}

/// One thread's reusable compilation state.
struct Worker {
    ctx: Context,
    builder: FunctionBuilderContext,
    ctrl_plane: ControlPlane,
}

impl Default for Worker {
    fn default() -> Worker {
        Worker {
            ctx: Context::new(),
            builder: FunctionBuilderContext::new(),
            ctrl_plane: ControlPlane::default(),
        }
    }
}

impl Worker {
    /// Compiles defined function `i`: both its entries.
    fn compile(&mut self, job: &Job<'_>, i: usize) -> Result<CompiledFunction, String> {
        let index = job.symbols.imported() + i;
        let failed = |e: String| format!("function {index}: code generation failed: {e}");
        translate::translate_function(
            &mut self.ctx.func,
            &mut self.builder,
            job.symbols,
            job.module,
            job.env.0,
            i,
        )?;
        let direct = self.emit(job.isa).map_err(failed)?;
        translate::array_wrapper(
            &mut self.ctx.func,
            &mut self.builder,
            job.symbols,
            job.module,
            i,
        );
        let array = self.emit(job.isa).map_err(failed)?;
        Ok(CompiledFunction { direct, array })
    }

    /// Generates the code of the function in the context, and clears the context.
    fn emit(&mut self, isa: &dyn TargetIsa) -> Result<Code, String> {
        if let Err(e) = self.ctx.compile(isa, &mut self.ctrl_plane) {
            let message = e.inner.to_string();
            self.ctx.clear();
            return Err(message);
        }
        let compiled = self.ctx.compiled_code().expect("just compiled");
        let code = Code {
            alignment: u64::from(compiled.buffer.alignment),
            bytes: compiled.code_buffer().to_vec(),
            relocs: compiled
                .buffer
                .relocs()
                .iter()
                .map(|r| relocation(r, &self.ctx.func))
                .collect::<Result<_, _>>()?,
        };
        self.ctx.clear();
        Ok(code)
    }
}

/// The relocation `r` of `func`'s code, its target by id.
fn relocation(r: &FinalizedMachReloc, func: &ir::Function) -> Result<Relocation, String> {
    let target = match &r.target {
        FinalizedRelocTarget::ExternalName(ExternalName::User(name)) => {
            let name = &func.params.user_named_funcs()[*name];
            match name.namespace {
                FUNCTION_NAMESPACE => Target::Function(name.index),
                DATA_NAMESPACE => Target::Data(name.index),
                n => return Err(format!("reference to a name in namespace {n}")),
            }
        }
        FinalizedRelocTarget::ExternalName(ExternalName::LibCall(call)) => Target::LibCall(*call),
        FinalizedRelocTarget::ExternalName(other) => {
            return Err(format!("reference to an unexpected symbol {other:?}"));
        }
        FinalizedRelocTarget::Func(offset) => Target::Own(*offset),
    };
    Ok(Relocation {
        offset: r.offset,
        kind: r.kind,
        target,
        addend: r.addend,
    })
}

/// The message for a failure of the module being linked.
pub(crate) fn module_error(e: ModuleError) -> String {
    format!("code generation failed: {e}")
}

/// Places every function's code in `jit` and resolves every symbol.
pub(crate) fn link(
    jit: &mut JITModule,
    symbols: &Symbols,
    code: &[CompiledFunction],
) -> Result<(), String> {
    for (i, function) in code.iter().enumerate() {
        define(jit, symbols.direct[i], &function.direct)?;
        define(jit, symbols.array[i], &function.array)?;
    }
    jit.finalize_definitions().map_err(module_error)
}

fn define(jit: &mut JITModule, id: FuncId, code: &Code) -> Result<(), String> {
    let relocs: Vec<ModuleReloc> = code
        .relocs
        .iter()
        .map(|r| ModuleReloc {
            offset: r.offset,
            kind: r.kind,
            name: match r.target {
                Target::Function(f) => ModuleRelocTarget::user(FUNCTION_NAMESPACE, f),
                Target::Data(d) => ModuleRelocTarget::user(DATA_NAMESPACE, d),
                Target::LibCall(call) => ModuleRelocTarget::LibCall(call),
                Target::Own(offset) => ModuleRelocTarget::FunctionOffset(id, offset),
            },
            addend: r.addend,
        })
        .collect();
    jit.define_function_bytes(id, code.alignment, &code.bytes, &relocs)
        .map_err(module_error)
}
