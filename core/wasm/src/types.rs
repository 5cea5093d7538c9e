//! The WebAssembly 2.0 type grammar: value, reference, function, table, memory and global
//! types.

use std::fmt;

/// A value type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit IEEE 754 float.
    F32,
    /// 64-bit IEEE 754 float.
    F64,
    /// 128-bit vector.
    V128,
    /// Reference to a function.
    FuncRef,
    /// Opaque host reference.
    ExternRef,
}

impl ValType {
    /// Decodes a value type from its binary byte.
    pub fn from_byte(byte: u8) -> Option<ValType> {
        Some(match byte {
            0x7F => ValType::I32,
            0x7E => ValType::I64,
            0x7D => ValType::F32,
            0x7C => ValType::F64,
            0x7B => ValType::V128,
            0x70 => ValType::FuncRef,
            0x6F => ValType::ExternRef,
            _ => return None,
        })
    }

    /// Whether this is a number type (`i32`, `i64`, `f32`, `f64`).
    pub fn is_num(self) -> bool {
        matches!(
            self,
            ValType::I32 | ValType::I64 | ValType::F32 | ValType::F64
        )
    }

    /// Whether this is a reference type.
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::FuncRef | ValType::ExternRef)
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
        })
    }
}

/// A reference type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefType {
    /// Reference to a function.
    FuncRef,
    /// Opaque host reference.
    ExternRef,
}

impl RefType {
    /// Decodes a reference type from its binary byte.
    pub fn from_byte(byte: u8) -> Option<RefType> {
        match byte {
            0x70 => Some(RefType::FuncRef),
            0x6F => Some(RefType::ExternRef),
            _ => None,
        }
    }

    /// The value type of this reference type.
    pub fn val_type(self) -> ValType {
        match self {
            RefType::FuncRef => ValType::FuncRef,
            RefType::ExternRef => ValType::ExternRef,
        }
    }
}

impl fmt::Display for RefType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.val_type().fmt(f)
    }
}

/// A function type: parameter and result types.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct FuncType {
    /// Parameter types, in order.
    pub params: Box<[ValType]>,
    /// Result types, in order.
    pub results: Box<[ValType]>,
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |f: &mut fmt::Formatter<'_>, types: &[ValType]| -> fmt::Result {
            f.write_str("[")?;
            for (i, t) in types.iter().enumerate() {
                if i > 0 {
                    f.write_str(" ")?;
                }
                write!(f, "{t}")?;
            }
            f.write_str("]")
        };
        list(f, &self.params)?;
        f.write_str(" -> ")?;
        list(f, &self.results)
    }
}

/// Size limits of a table (in elements) or memory (in 64 KiB pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    /// Initial size.
    pub min: u32,
    /// Maximum size, if bounded.
    pub max: Option<u32>,
}

/// A table type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TableType {
    /// The type of the references the table holds.
    pub elem: RefType,
    /// Size limits in elements.
    pub limits: Limits,
}

/// A memory type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MemoryType {
    /// Size limits in 64 KiB pages.
    pub limits: Limits,
}

/// A global type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GlobalType {
    /// The type of the value.
    pub val: ValType,
    /// Whether `global.set` may change it.
    pub mutable: bool,
}

/// The type of a structured control instruction (`block`, `loop`, `if`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlockType {
    /// No parameters, no results.
    Empty,
    /// No parameters, one result.
    Value(ValType),
    /// Parameters and results of the function type with this index.
    Func(u32),
}
