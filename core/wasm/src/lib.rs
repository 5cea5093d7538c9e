//! Heirloom's WebAssembly runtime (WebAssembly 2.0): module loader, validator and
//! interpreter.
//!
//! Running a module has three steps:
//!
//! 1. [`Module::decode`] parses the binary format into an owned [`Module`]: every section,
//!    every instruction of the 2.0 set (MVP, sign extension, non-trapping float-to-int,
//!    multi-value, bulk memory, reference types and SIMD) with its immediates. Malformed
//!    input gives a [`DecodeError`] naming the section, byte offset and reason; no input
//!    makes it panic.
//! 2. [`Module::validate`] checks the type system and returns a [`ValidatedModule`], or a
//!    [`ValidationError`] naming the item, byte offset and rule. [`Module::from_bytes`]
//!    does both steps.
//! 3. [`exec::Store::instantiate`] links a validated module to its imports and
//!    [`exec::Store::invoke`] runs its functions on the portable interpreter. Traps are
//!    values; memory and table accesses are bounds-checked; call depth, operand stack,
//!    memory size and executed instructions (fuel) are limited. A store made with
//!    [`exec::Store::with_engine`] runs module functions as native code compiled by an
//!    [`exec::native::Engine`] (such as the Cranelift engine of `heirloom-jit`) behind the
//!    same API.
//!
//! ```
//! use heirloom_wasm::Module;
//! use heirloom_wasm::exec::{Extern, Store, Value};
//! // (module (func (export "add") (param i32 i32) (result i32)
//! //   local.get 0 local.get 1 i32.add))
//! let bytes = [
//!     0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f,
//!     0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64,
//!     0x00, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b,
//! ];
//! let module = Module::from_bytes(&bytes).unwrap();
//! assert_eq!(module.module().exports[0].name, "add");
//!
//! let mut store = Store::default();
//! let instance = store.instantiate(&module, &[]).unwrap();
//! let Some(Extern::Func(add)) = store.export(instance, "add") else { panic!("no add") };
//! assert_eq!(store.invoke(add, &[Value::I32(2), Value::I32(40)]), Ok(vec![Value::I32(42)]));
//! ```

mod error;
pub mod exec;
mod instructions;
mod linker;
mod module;
mod ops;
mod reader;
mod types;
mod validate;
pub mod wasi;

pub use error::{
    DecodeError, DecodeErrorKind, Error, Location, Operand, SectionId, ValidationError,
    ValidationErrorKind,
};
pub use instructions::{Expr, Instr, MemArg};
pub use linker::{Linker, describe_func_type, describe_import};
pub use module::{
    CustomSection, DataMode, DataSegment, ElementItems, ElementMode, ElementSegment, Export,
    ExportDesc, Function, Global, Import, ImportDesc, LocalGroup, Memory, Module, Names, Table,
};
pub use ops::{LaneMemOp, LaneOp, LoadOp, NumOp, SimdOp, StoreOp};
pub use types::{BlockType, FuncType, GlobalType, Limits, MemoryType, RefType, TableType, ValType};
pub use validate::{MAX_PAGES, ValidatedModule};

impl Module {
    /// Decodes and validates a binary module.
    pub fn from_bytes(bytes: &[u8]) -> Result<ValidatedModule, Error> {
        Ok(Module::decode(bytes)?.validate()?)
    }
}
