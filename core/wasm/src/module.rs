//! The decoded module and the section decoder.

use std::collections::BTreeMap;

use crate::error::{DecodeError, DecodeErrorKind, SectionId};
use crate::instructions::{Expr, Instr, ref_type, val_type};
use crate::reader::{DecodeResult, Reader};
use crate::types::{FuncType, GlobalType, Limits, MemoryType, RefType, TableType, ValType};

/// What an import provides.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ImportDesc {
    /// A function of the given type index.
    Func(u32),
    /// A table.
    Table(TableType),
    /// A memory.
    Memory(MemoryType),
    /// A global.
    Global(GlobalType),
}

/// One entry of the import section.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Import {
    /// The module name.
    pub module: String,
    /// The item name.
    pub name: String,
    /// What is imported.
    pub desc: ImportDesc,
    /// Byte offset of the entry in the binary.
    pub offset: usize,
}

/// The kind and index of an exported item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportDesc {
    /// A function index.
    Func(u32),
    /// A table index.
    Table(u32),
    /// A memory index.
    Memory(u32),
    /// A global index.
    Global(u32),
}

/// One entry of the export section.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Export {
    /// The export name.
    pub name: String,
    /// What is exported.
    pub desc: ExportDesc,
    /// Byte offset of the entry in the binary.
    pub offset: usize,
}

/// A run of locals of one type, as declared in a function body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LocalGroup {
    /// How many locals.
    pub count: u32,
    /// Their type.
    pub ty: ValType,
}

/// A function defined in the module (function section entry plus code section body).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Function {
    /// Index of the function's type in the type section.
    pub type_index: u32,
    /// The declared locals (parameters not included), run-length encoded as in the binary.
    pub locals: Vec<LocalGroup>,
    /// The body, ending with its final `end`.
    pub body: Expr,
    /// Byte offset of the code section entry.
    pub offset: usize,
}

impl Function {
    /// The number of declared locals (parameters not included).
    pub fn local_count(&self) -> u64 {
        self.locals.iter().map(|g| u64::from(g.count)).sum()
    }
}

/// A table defined in the module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Table {
    /// Its type.
    pub ty: TableType,
    /// Byte offset of the entry in the binary.
    pub offset: usize,
}

/// A memory defined in the module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Memory {
    /// Its type.
    pub ty: MemoryType,
    /// Byte offset of the entry in the binary.
    pub offset: usize,
}

/// A global defined in the module.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Global {
    /// Its type.
    pub ty: GlobalType,
    /// The constant initializer expression.
    pub init: Expr,
    /// Byte offset of the entry in the binary.
    pub offset: usize,
}

/// The initial contents of an element segment.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ElementItems {
    /// Function indices (the `elemkind` forms, always `funcref`).
    Functions(Vec<u32>),
    /// Constant expressions producing references.
    Exprs(Vec<Expr>),
}

impl ElementItems {
    /// Number of items.
    pub fn len(&self) -> usize {
        match self {
            ElementItems::Functions(f) => f.len(),
            ElementItems::Exprs(e) => e.len(),
        }
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// How an element segment is used.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ElementMode {
    /// Available to `table.init` only.
    Passive,
    /// Copied into a table at instantiation.
    Active {
        /// The table index.
        table: u32,
        /// Constant expression for the start index in the table.
        offset: Expr,
    },
    /// Only declares functions for `ref.func`; dropped at instantiation.
    Declarative,
}

/// One element segment.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ElementSegment {
    /// The reference type of the items.
    pub ty: RefType,
    /// The items.
    pub items: ElementItems,
    /// How the segment is used.
    pub mode: ElementMode,
    /// Byte offset of the entry in the binary.
    pub offset: usize,
}

/// How a data segment is used.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DataMode {
    /// Available to `memory.init` only.
    Passive,
    /// Copied into a memory at instantiation.
    Active {
        /// The memory index.
        memory: u32,
        /// Constant expression for the start address.
        offset: Expr,
    },
}

/// One data segment.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DataSegment {
    /// How the segment is used.
    pub mode: DataMode,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Byte offset of the entry in the binary.
    pub offset: usize,
}

/// A custom section, kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CustomSection {
    /// The section name.
    pub name: String,
    /// The payload after the name.
    pub data: Vec<u8>,
    /// Byte offset of the section id in the binary.
    pub offset: usize,
}

/// Debug names from the `name` custom section.
///
/// Custom sections never make a module malformed: a `name` section that fails to parse is
/// ignored as a whole and leaves these tables empty.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Names {
    /// The module name (subsection 0).
    pub module: Option<String>,
    /// Function names by function index (subsection 1).
    pub functions: BTreeMap<u32, String>,
    /// Local names by function index, then local index (subsection 2).
    pub locals: BTreeMap<u32, BTreeMap<u32, String>>,
}

/// A decoded (not yet validated) WebAssembly 2.0 module.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Module {
    /// The type section.
    pub types: Vec<FuncType>,
    /// The import section.
    pub imports: Vec<Import>,
    /// Functions defined in the module, in function index order after the imports.
    pub functions: Vec<Function>,
    /// Tables defined in the module.
    pub tables: Vec<Table>,
    /// Memories defined in the module.
    pub memories: Vec<Memory>,
    /// Globals defined in the module.
    pub globals: Vec<Global>,
    /// The export section.
    pub exports: Vec<Export>,
    /// The start function index, and the byte offset of the start section.
    pub start: Option<(u32, usize)>,
    /// The element section.
    pub elements: Vec<ElementSegment>,
    /// The data section.
    pub data: Vec<DataSegment>,
    /// The data count section, if present.
    pub data_count: Option<u32>,
    /// Every custom section, in order (including `name`).
    pub customs: Vec<CustomSection>,
    /// Debug names parsed from the `name` section.
    pub names: Names,
}

fn limits(r: &mut Reader<'_>) -> DecodeResult<Limits> {
    // The flag is a one-bit LEB128 number.
    let start = r.offset();
    let flag = r.u8()?;
    if flag & 0x80 != 0 {
        return Err(r.error_at(start, DecodeErrorKind::LebTooLong));
    }
    if flag > 1 {
        return Err(r.error_at(start, DecodeErrorKind::LebTooLarge));
    }
    let min = r.u32()?;
    let max = if flag == 1 { Some(r.u32()?) } else { None };
    Ok(Limits { min, max })
}

fn table_type(r: &mut Reader<'_>) -> DecodeResult<TableType> {
    let elem = ref_type(r)?;
    Ok(TableType {
        elem,
        limits: limits(r)?,
    })
}

fn global_type(r: &mut Reader<'_>) -> DecodeResult<GlobalType> {
    let val = val_type(r)?;
    let start = r.offset();
    let mutable = match r.u8()? {
        0 => false,
        1 => true,
        byte => return Err(r.error_at(start, DecodeErrorKind::BadMutability(byte))),
    };
    Ok(GlobalType { val, mutable })
}

fn func_type(r: &mut Reader<'_>) -> DecodeResult<FuncType> {
    // The form is a one-byte signed LEB128 number (-0x20).
    let start = r.offset();
    let form = r.u8()?;
    if form & 0x80 != 0 {
        return Err(r.error_at(start, DecodeErrorKind::LebTooLong));
    }
    if form != 0x60 {
        return Err(r.error_at(start, DecodeErrorKind::BadFuncTypeForm(form)));
    }
    let params = r.vec(val_type)?.into();
    let results = r.vec(val_type)?.into();
    Ok(FuncType { params, results })
}

fn func_indices(r: &mut Reader<'_>) -> DecodeResult<Vec<u32>> {
    r.vec(|r| r.u32())
}

fn elem_kind(r: &mut Reader<'_>) -> DecodeResult<RefType> {
    let start = r.offset();
    match r.u8()? {
        0x00 => Ok(RefType::FuncRef),
        byte => Err(r.error_at(start, DecodeErrorKind::BadElemKind(byte))),
    }
}

fn element_segment(r: &mut Reader<'_>) -> DecodeResult<ElementSegment> {
    let offset = r.offset();
    let flags = r.u32()?;
    let exprs = |r: &mut Reader<'_>| -> DecodeResult<ElementItems> {
        Ok(ElementItems::Exprs(r.vec(Expr::decode)?))
    };
    let (ty, items, mode) = match flags {
        0 => {
            let offset = Expr::decode(r)?;
            (
                RefType::FuncRef,
                ElementItems::Functions(func_indices(r)?),
                ElementMode::Active { table: 0, offset },
            )
        }
        1 => {
            let ty = elem_kind(r)?;
            (
                ty,
                ElementItems::Functions(func_indices(r)?),
                ElementMode::Passive,
            )
        }
        2 => {
            let table = r.u32()?;
            let offset = Expr::decode(r)?;
            let ty = elem_kind(r)?;
            (
                ty,
                ElementItems::Functions(func_indices(r)?),
                ElementMode::Active { table, offset },
            )
        }
        3 => {
            let ty = elem_kind(r)?;
            (
                ty,
                ElementItems::Functions(func_indices(r)?),
                ElementMode::Declarative,
            )
        }
        4 => {
            let offset = Expr::decode(r)?;
            (
                RefType::FuncRef,
                exprs(r)?,
                ElementMode::Active { table: 0, offset },
            )
        }
        5 => {
            let ty = ref_type(r)?;
            (ty, exprs(r)?, ElementMode::Passive)
        }
        6 => {
            let table = r.u32()?;
            let offset = Expr::decode(r)?;
            let ty = ref_type(r)?;
            (ty, exprs(r)?, ElementMode::Active { table, offset })
        }
        7 => {
            let ty = ref_type(r)?;
            (ty, exprs(r)?, ElementMode::Declarative)
        }
        _ => return Err(r.error_at(offset, DecodeErrorKind::BadElementKind(flags))),
    };
    Ok(ElementSegment {
        ty,
        items,
        mode,
        offset,
    })
}

fn data_segment(r: &mut Reader<'_>) -> DecodeResult<DataSegment> {
    let offset = r.offset();
    let flags = r.u32()?;
    let mode = match flags {
        0 => DataMode::Active {
            memory: 0,
            offset: Expr::decode(r)?,
        },
        1 => DataMode::Passive,
        2 => {
            let memory = r.u32()?;
            DataMode::Active {
                memory,
                offset: Expr::decode(r)?,
            }
        }
        _ => return Err(r.error_at(offset, DecodeErrorKind::BadDataKind(flags))),
    };
    let len = r.u32()? as usize;
    let bytes = r.bytes(len)?.to_vec();
    Ok(DataSegment {
        mode,
        bytes,
        offset,
    })
}

/// Parses the `name` section payload; `None` if it is malformed.
fn parse_names(data: &[u8]) -> Option<Names> {
    let mut r = Reader::new(data, SectionId::Custom);
    let mut names = Names::default();
    let name_map = |r: &mut Reader<'_>| -> DecodeResult<BTreeMap<u32, String>> {
        let n = r.count()?;
        let mut map = BTreeMap::new();
        for _ in 0..n {
            let index = r.u32()?;
            map.insert(index, r.name()?);
        }
        Ok(map)
    };
    while !r.is_empty() {
        let id = r.u8().ok()?;
        let size = r.u32().ok()? as usize;
        let mut sub = r.sub_reader(size, SectionId::Custom).ok()?;
        match id {
            0 => names.module = Some(sub.name().ok()?),
            1 => names.functions = name_map(&mut sub).ok()?,
            2 => {
                let n = sub.count().ok()?;
                for _ in 0..n {
                    let func = sub.u32().ok()?;
                    names.locals.insert(func, name_map(&mut sub).ok()?);
                }
            }
            // Other subsections (labels, types, …) are not part of 2.0's name section.
            _ => continue,
        }
        if !sub.is_empty() {
            return None;
        }
    }
    Some(names)
}

impl Module {
    /// Decodes a WebAssembly 2.0 binary module. Never panics, whatever the input.
    ///
    /// Checks everything the binary format requires (structure, LEB128 encodings, UTF-8
    /// names, section order and sizes, opcodes, block nesting, function/code counts, the
    /// data count rules) but not the type system: call [`Module::validate`] for that.
    pub fn decode(bytes: &[u8]) -> Result<Module, DecodeError> {
        let mut r = Reader::new(bytes, SectionId::Header);
        let magic = r.bytes(4)?;
        if magic != b"\0asm" {
            return Err(r.error_at(0, DecodeErrorKind::BadMagic));
        }
        let version = u32::from_le_bytes(r.array()?);
        if version != 1 {
            return Err(r.error_at(4, DecodeErrorKind::BadVersion(version)));
        }

        let mut module = Module::default();
        let mut function_types: Vec<u32> = Vec::new();
        let mut code_count: Option<usize> = None;
        let mut last_order = 0;
        while !r.is_empty() {
            r.set_section(SectionId::Module);
            let id_offset = r.offset();
            let id = r.u8()?;
            let section = SectionId::from_id(id)
                .ok_or_else(|| r.error_at(id_offset, DecodeErrorKind::BadSectionId(id)))?;
            r.set_section(section);
            let size = r.u32()? as usize;
            let mut s = r.sub_reader(size, section)?;
            if section != SectionId::Custom {
                if section.order() == last_order {
                    return Err(s.error_at(id_offset, DecodeErrorKind::DuplicateSection(section)));
                }
                if section.order() < last_order {
                    return Err(s.error_at(id_offset, DecodeErrorKind::SectionOutOfOrder));
                }
                last_order = section.order();
            }
            match section {
                SectionId::Custom => {
                    let name = s.name()?;
                    let data = s.bytes(s.remaining())?.to_vec();
                    if name == "name"
                        && let Some(names) = parse_names(&data)
                    {
                        module.names = names;
                    }
                    module.customs.push(CustomSection {
                        name,
                        data,
                        offset: id_offset,
                    });
                }
                SectionId::Type => {
                    module.types = s.vec(func_type)?;
                }
                SectionId::Import => {
                    let n = s.count()?;
                    for _ in 0..n {
                        let offset = s.offset();
                        let module_name = s.name()?;
                        let name = s.name()?;
                        let kind_offset = s.offset();
                        let desc = match s.u8()? {
                            0x00 => ImportDesc::Func(s.u32()?),
                            0x01 => ImportDesc::Table(table_type(&mut s)?),
                            0x02 => ImportDesc::Memory(MemoryType {
                                limits: limits(&mut s)?,
                            }),
                            0x03 => ImportDesc::Global(global_type(&mut s)?),
                            kind => {
                                return Err(
                                    s.error_at(kind_offset, DecodeErrorKind::BadImportKind(kind))
                                );
                            }
                        };
                        module.imports.push(Import {
                            module: module_name,
                            name,
                            desc,
                            offset,
                        });
                    }
                }
                SectionId::Function => {
                    function_types = s.vec(|s| s.u32())?;
                }
                SectionId::Table => {
                    module.tables = s.vec(|s| {
                        Ok(Table {
                            offset: s.offset(),
                            ty: table_type(s)?,
                        })
                    })?;
                }
                SectionId::Memory => {
                    module.memories = s.vec(|s| {
                        let offset = s.offset();
                        Ok(Memory {
                            ty: MemoryType { limits: limits(s)? },
                            offset,
                        })
                    })?;
                }
                SectionId::Global => {
                    let n = s.count()?;
                    for _ in 0..n {
                        let offset = s.offset();
                        let ty = global_type(&mut s)?;
                        let init = Expr::decode(&mut s)?;
                        module.globals.push(Global { ty, init, offset });
                    }
                }
                SectionId::Export => {
                    let n = s.count()?;
                    for _ in 0..n {
                        let offset = s.offset();
                        let name = s.name()?;
                        let kind_offset = s.offset();
                        let kind = s.u8()?;
                        let index = s.u32()?;
                        let desc = match kind {
                            0x00 => ExportDesc::Func(index),
                            0x01 => ExportDesc::Table(index),
                            0x02 => ExportDesc::Memory(index),
                            0x03 => ExportDesc::Global(index),
                            _ => {
                                return Err(
                                    s.error_at(kind_offset, DecodeErrorKind::BadExportKind(kind))
                                );
                            }
                        };
                        module.exports.push(Export { name, desc, offset });
                    }
                }
                SectionId::Start => module.start = Some((s.u32()?, id_offset)),
                SectionId::Element => {
                    module.elements = s.vec(element_segment)?;
                }
                SectionId::DataCount => module.data_count = Some(s.u32()?),
                SectionId::Code => {
                    let count_offset = s.offset();
                    let n = s.count()?;
                    if n != function_types.len() {
                        return Err(s.error_at(count_offset, DecodeErrorKind::FunctionCodeMismatch));
                    }
                    code_count = Some(n);
                    for &type_index in &function_types {
                        module.functions.push(code_entry(
                            &mut s,
                            type_index,
                            module.data_count.is_some(),
                        )?);
                    }
                }
                SectionId::Data => {
                    let count_offset = s.offset();
                    let n = s.count()?;
                    if module.data_count.is_some_and(|count| count as usize != n) {
                        return Err(s.error_at(count_offset, DecodeErrorKind::DataCountMismatch));
                    }
                    for _ in 0..n {
                        module.data.push(data_segment(&mut s)?);
                    }
                }
                SectionId::Header | SectionId::Module => unreachable!("not a section id"),
            }
            if !s.is_empty() {
                return Err(s.error(DecodeErrorKind::SectionSizeMismatch));
            }
        }
        r.set_section(SectionId::Module);
        if code_count.is_none() && !function_types.is_empty() {
            return Err(r.error(DecodeErrorKind::FunctionCodeMismatch));
        }
        if module.data_count.is_some_and(|count| count != 0) && module.data.is_empty() {
            return Err(r.error(DecodeErrorKind::DataCountMismatch));
        }
        Ok(module)
    }
}

/// Reads one code section entry.
fn code_entry(s: &mut Reader<'_>, type_index: u32, has_data_count: bool) -> DecodeResult<Function> {
    let offset = s.offset();
    let size = s.u32()? as usize;
    let mut b = s.sub_reader(size, SectionId::Code)?;
    let groups = b.count()?;
    let mut locals = Vec::with_capacity(groups.min(b.remaining()));
    let mut total: u64 = 0;
    for _ in 0..groups {
        let group_offset = b.offset();
        let count = b.u32()?;
        total += u64::from(count);
        if total > u64::from(u32::MAX) {
            return Err(b.error_at(group_offset, DecodeErrorKind::TooManyLocals));
        }
        locals.push(LocalGroup {
            count,
            ty: val_type(&mut b)?,
        });
    }
    let body = Expr::decode(&mut b)?;
    if !b.is_empty() {
        return Err(b.error(DecodeErrorKind::SectionSizeMismatch));
    }
    if !has_data_count
        && let Some(i) = body
            .instrs
            .iter()
            .position(|i| matches!(i, Instr::MemoryInit(_) | Instr::DataDrop(_)))
    {
        return Err(b.error_at(body.offset_of(i), DecodeErrorKind::DataCountRequired));
    }
    Ok(Function {
        type_index,
        locals,
        body,
        offset,
    })
}
