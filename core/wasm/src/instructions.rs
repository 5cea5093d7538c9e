//! The owned instruction representation and its decoder.
//!
//! A function body is a flat `Vec<Instr>` in binary order: structured control
//! instructions (`block`, `loop`, `if`, `else`, `end`) stay as markers, each with its
//! immediates decoded. The decoder checks that the markers nest properly, so that every
//! consumer (validator, interpreter, compiler) can rely on well-formed nesting.

use crate::error::DecodeErrorKind;
use crate::ops::{LaneMemOp, LaneOp, LoadOp, NumOp, SimdOp, StoreOp};
use crate::reader::{DecodeResult, Reader};
use crate::types::{BlockType, RefType, ValType};

/// The immediate of a memory access: alignment exponent and constant offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MemArg {
    /// The alignment hint as a power of two (`2^align` bytes).
    pub align: u32,
    /// The constant added to the dynamic address.
    pub offset: u32,
}

/// One instruction with its immediates.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Instr {
    /// `unreachable`: traps.
    Unreachable,
    /// `nop`.
    Nop,
    /// `block bt`: starts a block whose label is at its `end`.
    Block(BlockType),
    /// `loop bt`: starts a block whose label is at its start.
    Loop(BlockType),
    /// `if bt`: pops an i32 and enters the then-arm or the else-arm.
    If(BlockType),
    /// `else`: separates the arms of an `if`.
    Else,
    /// `end`: closes a block, or the function body / expression.
    End,
    /// `br l`.
    Br(u32),
    /// `br_if l`.
    BrIf(u32),
    /// `br_table l* l_default`.
    BrTable {
        /// Labels indexed by the operand.
        targets: Box<[u32]>,
        /// Label taken when the operand is out of range.
        default: u32,
    },
    /// `return`.
    Return,
    /// `call f`.
    Call(u32),
    /// `call_indirect table (type t)`.
    CallIndirect {
        /// The expected function type index.
        type_index: u32,
        /// The table holding the callee.
        table: u32,
    },
    /// `drop`.
    Drop,
    /// `select` without a type annotation (numeric and vector operands only).
    Select,
    /// `select t*`: the typed form (valid only with exactly one type).
    SelectTyped(Box<[ValType]>),
    /// `local.get x`.
    LocalGet(u32),
    /// `local.set x`.
    LocalSet(u32),
    /// `local.tee x`.
    LocalTee(u32),
    /// `global.get x`.
    GlobalGet(u32),
    /// `global.set x`.
    GlobalSet(u32),
    /// `table.get x`.
    TableGet(u32),
    /// `table.set x`.
    TableSet(u32),
    /// `table.init x y`: copies from element segment `elem` into table `table`.
    TableInit {
        /// Source element segment.
        elem: u32,
        /// Destination table.
        table: u32,
    },
    /// `elem.drop x`.
    ElemDrop(u32),
    /// `table.copy x y`.
    TableCopy {
        /// Destination table.
        dst: u32,
        /// Source table.
        src: u32,
    },
    /// `table.grow x`.
    TableGrow(u32),
    /// `table.size x`.
    TableSize(u32),
    /// `table.fill x`.
    TableFill(u32),
    /// A memory load (scalar or vector).
    Load(LoadOp, MemArg),
    /// A memory store (scalar or vector).
    Store(StoreOp, MemArg),
    /// A vector load or store of one lane.
    LaneMem(LaneMemOp, MemArg, u8),
    /// `memory.size`.
    MemorySize,
    /// `memory.grow`.
    MemoryGrow,
    /// `memory.init x`: copies from data segment `x` into memory 0.
    MemoryInit(u32),
    /// `data.drop x`.
    DataDrop(u32),
    /// `memory.copy`.
    MemoryCopy,
    /// `memory.fill`.
    MemoryFill,
    /// `i32.const`.
    I32Const(i32),
    /// `i64.const`.
    I64Const(i64),
    /// `f32.const`, as raw IEEE 754 bits (NaN payloads are preserved).
    F32Const(u32),
    /// `f64.const`, as raw IEEE 754 bits (NaN payloads are preserved).
    F64Const(u64),
    /// `v128.const`, as 16 little-endian bytes.
    V128Const([u8; 16]),
    /// `ref.null t`.
    RefNull(RefType),
    /// `ref.is_null`.
    RefIsNull,
    /// `ref.func f`.
    RefFunc(u32),
    /// A numeric operation without immediates.
    Numeric(NumOp),
    /// A vector operation without immediates.
    Simd(SimdOp),
    /// A vector lane extraction or replacement with its lane index.
    Lane(LaneOp, u8),
    /// `i8x16.shuffle` with its 16 lane indices.
    Shuffle([u8; 16]),
}

/// Reads one block type.
fn block_type(r: &mut Reader<'_>) -> DecodeResult<BlockType> {
    let byte = r.peek()?;
    if byte == 0x40 {
        r.u8()?;
        return Ok(BlockType::Empty);
    }
    if let Some(t) = ValType::from_byte(byte) {
        r.u8()?;
        return Ok(BlockType::Value(t));
    }
    let start = r.offset();
    let index = r.s33()?;
    if index < 0 {
        return Err(r.error_at(start, DecodeErrorKind::BadBlockType));
    }
    // A non-negative s33 fits in 32 bits.
    Ok(BlockType::Func(index as u32))
}

/// Reads a memory argument.
fn memarg(r: &mut Reader<'_>) -> DecodeResult<MemArg> {
    let start = r.offset();
    let align = r.u32()?;
    if align >= 32 {
        return Err(r.error_at(start, DecodeErrorKind::BadMemopFlags(align)));
    }
    let offset = r.u32()?;
    Ok(MemArg { align, offset })
}

/// Reads a reserved byte that must be zero.
fn zero_byte(r: &mut Reader<'_>) -> DecodeResult<()> {
    let start = r.offset();
    if r.u8()? != 0 {
        return Err(r.error_at(start, DecodeErrorKind::ZeroByteExpected));
    }
    Ok(())
}

/// Reads a reference type byte.
pub(crate) fn ref_type(r: &mut Reader<'_>) -> DecodeResult<RefType> {
    let start = r.offset();
    let byte = r.u8()?;
    RefType::from_byte(byte).ok_or_else(|| r.error_at(start, DecodeErrorKind::BadRefType(byte)))
}

/// Reads a value type byte.
pub(crate) fn val_type(r: &mut Reader<'_>) -> DecodeResult<ValType> {
    let start = r.offset();
    let byte = r.u8()?;
    ValType::from_byte(byte).ok_or_else(|| r.error_at(start, DecodeErrorKind::BadValType(byte)))
}

/// Reads one instruction.
fn instr(r: &mut Reader<'_>) -> DecodeResult<Instr> {
    let start = r.offset();
    let opcode = r.u8()?;
    let illegal =
        |r: &Reader<'_>, name: String| r.error_at(start, DecodeErrorKind::IllegalOpcode(name));
    Ok(match opcode {
        0x00 => Instr::Unreachable,
        0x01 => Instr::Nop,
        0x02 => Instr::Block(block_type(r)?),
        0x03 => Instr::Loop(block_type(r)?),
        0x04 => Instr::If(block_type(r)?),
        0x05 => Instr::Else,
        0x0B => Instr::End,
        0x0C => Instr::Br(r.u32()?),
        0x0D => Instr::BrIf(r.u32()?),
        0x0E => {
            let targets = r.vec(|r| r.u32())?;
            Instr::BrTable {
                targets: targets.into(),
                default: r.u32()?,
            }
        }
        0x0F => Instr::Return,
        0x10 => Instr::Call(r.u32()?),
        0x11 => {
            let type_index = r.u32()?;
            let table = r.u32()?;
            Instr::CallIndirect { type_index, table }
        }
        0x1A => Instr::Drop,
        0x1B => Instr::Select,
        0x1C => Instr::SelectTyped(r.vec(val_type)?.into()),
        0x20 => Instr::LocalGet(r.u32()?),
        0x21 => Instr::LocalSet(r.u32()?),
        0x22 => Instr::LocalTee(r.u32()?),
        0x23 => Instr::GlobalGet(r.u32()?),
        0x24 => Instr::GlobalSet(r.u32()?),
        0x25 => Instr::TableGet(r.u32()?),
        0x26 => Instr::TableSet(r.u32()?),
        0x28..=0x35 => {
            let op = LoadOp::from_code(u32::from(opcode))
                .ok_or_else(|| illegal(r, format!("{opcode:#04x}")))?;
            Instr::Load(op, memarg(r)?)
        }
        0x36..=0x3E => {
            let op = StoreOp::from_code(u32::from(opcode))
                .ok_or_else(|| illegal(r, format!("{opcode:#04x}")))?;
            Instr::Store(op, memarg(r)?)
        }
        0x3F => {
            zero_byte(r)?;
            Instr::MemorySize
        }
        0x40 => {
            zero_byte(r)?;
            Instr::MemoryGrow
        }
        0x41 => Instr::I32Const(r.s32()?),
        0x42 => Instr::I64Const(r.s64()?),
        0x43 => Instr::F32Const(u32::from_le_bytes(r.array()?)),
        0x44 => Instr::F64Const(u64::from_le_bytes(r.array()?)),
        0x45..=0xC4 => Instr::Numeric(
            NumOp::from_code(u32::from(opcode))
                .ok_or_else(|| illegal(r, format!("{opcode:#04x}")))?,
        ),
        0xD0 => Instr::RefNull(ref_type(r)?),
        0xD1 => Instr::RefIsNull,
        0xD2 => Instr::RefFunc(r.u32()?),
        0xFC => {
            let sub = r.u32()?;
            match sub {
                0..=7 => Instr::Numeric(
                    NumOp::from_code(0xFC00 | sub)
                        .ok_or_else(|| illegal(r, format!("0xfc {sub}")))?,
                ),
                8 => {
                    let data = r.u32()?;
                    zero_byte(r)?;
                    Instr::MemoryInit(data)
                }
                9 => Instr::DataDrop(r.u32()?),
                10 => {
                    zero_byte(r)?;
                    zero_byte(r)?;
                    Instr::MemoryCopy
                }
                11 => {
                    zero_byte(r)?;
                    Instr::MemoryFill
                }
                12 => {
                    let elem = r.u32()?;
                    let table = r.u32()?;
                    Instr::TableInit { elem, table }
                }
                13 => Instr::ElemDrop(r.u32()?),
                14 => {
                    let dst = r.u32()?;
                    let src = r.u32()?;
                    Instr::TableCopy { dst, src }
                }
                15 => Instr::TableGrow(r.u32()?),
                16 => Instr::TableSize(r.u32()?),
                17 => Instr::TableFill(r.u32()?),
                _ => return Err(illegal(r, format!("0xfc {sub}"))),
            }
        }
        0xFD => {
            let sub = r.u32()?;
            match sub {
                0x0C => Instr::V128Const(r.array()?),
                0x0D => Instr::Shuffle(r.array()?),
                0x15..=0x22 => {
                    let op =
                        LaneOp::from_code(sub).ok_or_else(|| illegal(r, format!("0xfd {sub}")))?;
                    Instr::Lane(op, r.u8()?)
                }
                0x54..=0x5B => {
                    let op = LaneMemOp::from_code(sub)
                        .ok_or_else(|| illegal(r, format!("0xfd {sub}")))?;
                    let arg = memarg(r)?;
                    Instr::LaneMem(op, arg, r.u8()?)
                }
                _ => {
                    if let Some(op) = LoadOp::from_code(0xFD00 | sub).filter(|_| sub <= 0xFF) {
                        Instr::Load(op, memarg(r)?)
                    } else if let Some(op) =
                        StoreOp::from_code(0xFD00 | sub).filter(|_| sub <= 0xFF)
                    {
                        Instr::Store(op, memarg(r)?)
                    } else {
                        Instr::Simd(
                            SimdOp::from_code(sub)
                                .ok_or_else(|| illegal(r, format!("0xfd {sub}")))?,
                        )
                    }
                }
            }
        }
        _ => return Err(illegal(r, format!("{opcode:#04x}"))),
    })
}

/// A decoded expression: its instructions, ending with the final `end`, and the absolute
/// byte offset of each instruction.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Expr {
    /// The instructions, the last one being the `end` that closes the expression.
    pub instrs: Vec<Instr>,
    /// `offsets[i]` is the offset of `instrs[i]` in the module binary.
    pub offsets: Vec<u32>,
}

impl Expr {
    /// Reads instructions up to and including the `end` that closes the expression,
    /// checking that `block`/`loop`/`if`/`else`/`end` nest properly.
    pub(crate) fn decode(r: &mut Reader<'_>) -> DecodeResult<Expr> {
        // One entry per open block: whether it is an `if` still waiting for its `else`.
        let mut open: Vec<bool> = Vec::new();
        let mut expr = Expr::default();
        loop {
            let start = r.offset();
            if r.is_empty() {
                return Err(r.error(DecodeErrorKind::EndExpected));
            }
            let instr = instr(r)?;
            match &instr {
                Instr::Block(_) | Instr::Loop(_) => open.push(false),
                Instr::If(_) => open.push(true),
                Instr::Else => match open.last_mut() {
                    Some(awaiting_else @ true) => *awaiting_else = false,
                    _ => return Err(r.error_at(start, DecodeErrorKind::MisplacedElse)),
                },
                _ => {}
            }
            let is_end = instr == Instr::End;
            expr.instrs.push(instr);
            // Module binaries are far below 4 GiB; offsets past that saturate.
            expr.offsets.push(u32::try_from(start).unwrap_or(u32::MAX));
            if is_end && open.pop().is_none() {
                return Ok(expr);
            }
        }
    }

    /// The byte offset of instruction `index` (or of the expression's end).
    pub fn offset_of(&self, index: usize) -> usize {
        self.offsets
            .get(index)
            .or(self.offsets.last())
            .copied()
            .unwrap_or(0) as usize
    }
}
