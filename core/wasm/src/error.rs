//! Typed errors for decoding and validation.
//!
//! Every error names where it happened (a section or a module item), the byte offset in
//! the module binary, and the reason, e.g.
//! `code section at offset 0x2f: unexpected end of input` or
//! `function 3 at offset 0x45: type mismatch: expected i32, found f64`.

use std::fmt;

use crate::types::ValType;

/// The part of the binary being decoded when a [`DecodeError`] occurred.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionId {
    /// The 8-byte preamble (magic number and version).
    Header,
    /// A custom section (id 0).
    Custom,
    /// The type section (id 1).
    Type,
    /// The import section (id 2).
    Import,
    /// The function section (id 3).
    Function,
    /// The table section (id 4).
    Table,
    /// The memory section (id 5).
    Memory,
    /// The global section (id 6).
    Global,
    /// The export section (id 7).
    Export,
    /// The start section (id 8).
    Start,
    /// The element section (id 9).
    Element,
    /// The code section (id 10).
    Code,
    /// The data section (id 11).
    Data,
    /// The data count section (id 12).
    DataCount,
    /// The framing between sections (section ids and sizes).
    Module,
}

impl SectionId {
    /// The section for a binary section id, if it is one WebAssembly 2.0 defines.
    pub fn from_id(id: u8) -> Option<SectionId> {
        Some(match id {
            0 => SectionId::Custom,
            1 => SectionId::Type,
            2 => SectionId::Import,
            3 => SectionId::Function,
            4 => SectionId::Table,
            5 => SectionId::Memory,
            6 => SectionId::Global,
            7 => SectionId::Export,
            8 => SectionId::Start,
            9 => SectionId::Element,
            10 => SectionId::Code,
            11 => SectionId::Data,
            12 => SectionId::DataCount,
            _ => return None,
        })
    }

    /// The position of a non-custom section in the order the binary format requires.
    pub(crate) fn order(self) -> u8 {
        match self {
            SectionId::Header => 0,
            SectionId::Custom => 0,
            SectionId::Type => 1,
            SectionId::Import => 2,
            SectionId::Function => 3,
            SectionId::Table => 4,
            SectionId::Memory => 5,
            SectionId::Global => 6,
            SectionId::Export => 7,
            SectionId::Start => 8,
            SectionId::Element => 9,
            SectionId::DataCount => 10,
            SectionId::Code => 11,
            SectionId::Data => 12,
            SectionId::Module => 13,
        }
    }
}

impl fmt::Display for SectionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SectionId::Header => "module header",
            SectionId::Custom => "custom section",
            SectionId::Type => "type section",
            SectionId::Import => "import section",
            SectionId::Function => "function section",
            SectionId::Table => "table section",
            SectionId::Memory => "memory section",
            SectionId::Global => "global section",
            SectionId::Export => "export section",
            SectionId::Start => "start section",
            SectionId::Element => "element section",
            SectionId::Code => "code section",
            SectionId::Data => "data section",
            SectionId::DataCount => "data count section",
            SectionId::Module => "module",
        })
    }
}

/// Why a binary could not be decoded (the module is *malformed*).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeErrorKind {
    /// The input ended in the middle of a construct.
    #[error("unexpected end of input")]
    UnexpectedEnd,
    /// A section or function body ended in the middle of a construct.
    #[error("unexpected end of section or function")]
    UnexpectedEndOfSection,
    /// The first four bytes are not `\0asm`.
    #[error("magic header not detected")]
    BadMagic,
    /// The version field is not 1.
    #[error("unknown binary version {0:#x}")]
    BadVersion(u32),
    /// A LEB128 number uses more bytes than its type allows.
    #[error("integer representation too long")]
    LebTooLong,
    /// The unused bits of the last LEB128 byte are not zero (or not the sign extension).
    #[error("integer too large")]
    LebTooLarge,
    /// A name is not valid UTF-8.
    #[error("malformed UTF-8 encoding")]
    BadUtf8,
    /// A section id WebAssembly 2.0 does not define.
    #[error("malformed section id {0}")]
    BadSectionId(u8),
    /// A non-custom section after one that must follow it.
    #[error("unexpected content after last section: section out of order")]
    SectionOutOfOrder,
    /// A non-custom section appears twice.
    #[error("multiple {0}s")]
    DuplicateSection(SectionId),
    /// A section's content does not fill exactly its declared size.
    #[error("section size mismatch")]
    SectionSizeMismatch,
    /// A length runs past the end of its enclosing section or body.
    #[error("length out of bounds")]
    LengthOutOfBounds,
    /// A value type byte is not one of the seven value types.
    #[error("malformed value type {0:#04x}")]
    BadValType(u8),
    /// A reference type byte is not `funcref` or `externref`.
    #[error("malformed reference type {0:#04x}")]
    BadRefType(u8),
    /// A function type does not start with 0x60.
    #[error("malformed function type form {0:#04x}")]
    BadFuncTypeForm(u8),
    /// A global mutability byte other than 0 or 1.
    #[error("malformed mutability {0:#04x}")]
    BadMutability(u8),
    /// An import description kind other than 0–3.
    #[error("malformed import kind {0:#04x}")]
    BadImportKind(u8),
    /// An export description kind other than 0–3.
    #[error("malformed export kind {0:#04x}")]
    BadExportKind(u8),
    /// An element segment flags value above 7.
    #[error("malformed elements segment kind {0}")]
    BadElementKind(u32),
    /// An element kind byte other than 0x00 (funcref).
    #[error("malformed element kind {0:#04x}")]
    BadElemKind(u8),
    /// A data segment flags value above 2.
    #[error("malformed data segment kind {0}")]
    BadDataKind(u32),
    /// An opcode that does not exist.
    #[error("illegal opcode {0}")]
    IllegalOpcode(String),
    /// A memory argument whose alignment field is 32 or more (bit 6 would select a
    /// memory, which WebAssembly 2.0 does not have).
    #[error("malformed memop flags {0:#x}")]
    BadMemopFlags(u32),
    /// A reserved byte that must be zero is not.
    #[error("zero byte expected")]
    ZeroByteExpected,
    /// A function body or constant expression ends without its final `end`.
    #[error("unexpected end of section or function: END opcode expected")]
    EndExpected,
    /// An `else` outside an `if`, or a second `else` in one `if`.
    #[error("else without matching if")]
    MisplacedElse,
    /// A block type encoded as a negative type index.
    #[error("malformed block type")]
    BadBlockType,
    /// The function and code sections list different numbers of entries.
    #[error("function and code section have inconsistent lengths")]
    FunctionCodeMismatch,
    /// The data count section disagrees with the data section.
    #[error("data count and data section have inconsistent lengths")]
    DataCountMismatch,
    /// `memory.init` or `data.drop` used without a data count section.
    #[error("data count section required")]
    DataCountRequired,
    /// A function declares more than 2^32 - 1 locals.
    #[error("too many locals")]
    TooManyLocals,
}

/// A malformed module: where decoding failed and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{section} at offset {offset:#x}: {kind}")]
pub struct DecodeError {
    /// The section being decoded.
    pub section: SectionId,
    /// The byte offset in the module binary where the problem was found.
    pub offset: usize,
    /// The reason.
    pub kind: DecodeErrorKind,
}

/// The module item a [`ValidationError`] belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// Function type `n` of the type section.
    Type(u32),
    /// Import `n` (in import section order).
    Import(u32),
    /// Function `n` in the function index space (imports first).
    Function(u32),
    /// Table `n` in the table index space.
    Table(u32),
    /// Memory `n` in the memory index space.
    Memory(u32),
    /// Global `n` in the global index space.
    Global(u32),
    /// Export `n` (in export section order).
    Export(u32),
    /// The start function declaration.
    Start,
    /// Element segment `n`.
    Element(u32),
    /// Data segment `n`.
    Data(u32),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Type(n) => write!(f, "type {n}"),
            Location::Import(n) => write!(f, "import {n}"),
            Location::Function(n) => write!(f, "function {n}"),
            Location::Table(n) => write!(f, "table {n}"),
            Location::Memory(n) => write!(f, "memory {n}"),
            Location::Global(n) => write!(f, "global {n}"),
            Location::Export(n) => write!(f, "export {n}"),
            Location::Start => f.write_str("start function"),
            Location::Element(n) => write!(f, "element segment {n}"),
            Location::Data(n) => write!(f, "data segment {n}"),
        }
    }
}

/// An operand type as the validator sees it: a value type, or unknown (the polymorphic
/// stack after `unreachable`, `br`, …), or nothing at all (an empty operand stack).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operand {
    /// A known value type.
    Val(ValType),
    /// A value of any type (from an unreachable code path).
    Unknown,
    /// No operand: the stack of the current block is empty.
    Nothing,
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Val(t) => write!(f, "{t}"),
            Operand::Unknown => f.write_str("any"),
            Operand::Nothing => f.write_str("nothing"),
        }
    }
}

/// Why a decoded module is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationErrorKind {
    /// An operand has the wrong type, or is missing.
    #[error("type mismatch: expected {expected}, found {found}")]
    TypeMismatch {
        /// The type the instruction needs.
        expected: Operand,
        /// The type on the operand stack.
        found: Operand,
    },
    /// A block, function or expression ends with values left over.
    #[error("type mismatch: {0} unused value(s) left on the stack")]
    ValuesRemaining(usize),
    /// An operand that must be a reference (`ref.is_null`) is not.
    #[error("type mismatch: expected a reference, found {0}")]
    ExpectedReference(Operand),
    /// A body or expression whose blocks do not nest (only possible for a module built
    /// by hand rather than decoded): a missing final `end`, or instructions after it.
    #[error("unbalanced body: missing final end or instructions after it")]
    UnbalancedBody,
    /// An `else` that does not close the then-arm of an `if` (only possible for a module
    /// built by hand rather than decoded).
    #[error("else without matching if")]
    ElseWithoutIf,
    /// `select` without a type annotation applied to reference or vector operands.
    #[error("type mismatch: select without type needs numeric operands, found {0}")]
    SelectNeedsType(ValType),
    /// `select` with a type annotation of other than exactly one type.
    #[error("invalid result arity: select takes exactly one type, got {0}")]
    SelectArity(usize),
    /// A type index out of range.
    #[error("unknown type {0}")]
    UnknownType(u32),
    /// A function index out of range.
    #[error("unknown function {0}")]
    UnknownFunction(u32),
    /// A table index out of range.
    #[error("unknown table {0}")]
    UnknownTable(u32),
    /// A memory index out of range.
    #[error("unknown memory {0}")]
    UnknownMemory(u32),
    /// A global index out of range.
    #[error("unknown global {0}")]
    UnknownGlobal(u32),
    /// A local index out of range.
    #[error("unknown local {0}")]
    UnknownLocal(u32),
    /// A branch depth out of range.
    #[error("unknown label {0}")]
    UnknownLabel(u32),
    /// An element segment index out of range.
    #[error("unknown elem segment {0}")]
    UnknownElem(u32),
    /// A data segment index out of range.
    #[error("unknown data segment {0}")]
    UnknownData(u32),
    /// `global.set` on an immutable global.
    #[error("global is immutable: global {0}")]
    ImmutableGlobal(u32),
    /// A memory access whose alignment exceeds the natural alignment.
    #[error("alignment must not be larger than natural: 2^{align} > {natural} bytes")]
    AlignmentTooLarge {
        /// The alignment exponent in the instruction.
        align: u32,
        /// The access width in bytes.
        natural: u32,
    },
    /// A SIMD lane index out of range for the shape.
    #[error("invalid lane index {lane} (the shape has {lanes} lanes)")]
    InvalidLaneIndex {
        /// The lane index in the instruction.
        lane: u8,
        /// The number of lanes.
        lanes: u8,
    },
    /// The `br_table` targets disagree on their label arity.
    #[error("type mismatch: br_table targets have different arities ({0} and {1})")]
    BrTableArity(usize, usize),
    /// More than one memory is defined or imported.
    #[error("multiple memories")]
    MultipleMemories,
    /// A memory size beyond 65536 pages (4 GiB).
    #[error("memory size must be at most 65536 pages (4GiB)")]
    MemoryTooLarge,
    /// Limits whose minimum exceeds their maximum.
    #[error("size minimum must not be greater than maximum")]
    LimitsMinAboveMax,
    /// Two exports with the same name.
    #[error("duplicate export name {0:?}")]
    DuplicateExport(String),
    /// The start function does not have type [] -> [].
    #[error("start function must have type [] -> []")]
    StartFunctionType,
    /// A non-constant instruction in a constant expression, or a `global.get` of a
    /// mutable or non-imported global.
    #[error("constant expression required")]
    ConstantExpressionRequired,
    /// `ref.func` of a function not declared in an element segment, export or global.
    #[error("undeclared function reference {0}")]
    UndeclaredFunctionReference(u32),
    /// An element segment's type differs from its table's element type.
    #[error("type mismatch: element segment of {segment} for a table of {table}")]
    ElementTypeMismatch {
        /// The segment's reference type.
        segment: ValType,
        /// The table's reference type.
        table: ValType,
    },
}

/// An invalid module: which item, where in the binary, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location} at offset {offset:#x}: {kind}")]
pub struct ValidationError {
    /// The module item that is invalid.
    pub location: Location,
    /// The byte offset in the module binary (of the offending instruction where there is
    /// one).
    pub offset: usize,
    /// The reason.
    pub kind: ValidationErrorKind,
}

/// Either kind of failure of [`crate::Module::from_bytes`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The binary is malformed.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The module decoded but is invalid.
    #[error(transparent)]
    Validation(#[from] ValidationError),
}
