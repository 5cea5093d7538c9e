//! The disassembler: bytes → lines the assembler accepts back.
//!
//! Output syntax: lower-case mnemonics, `$` hex operands, branch targets as absolute
//! addresses. Absolute operands below `$100` are written `a:$0012` when the instruction
//! also has a zero-page form, so they reassemble to the same bytes. Opcodes that are a
//! second encoding of an instruction the assembler encodes differently (e.g. the implied
//! `nop` at `$1a`, `sbc #` at `$eb`, the `jam`s other than `$02`) and instructions cut
//! off by the end of the input are written as `.byte` with the instruction in a comment.

use std::fmt;

use crate::opcodes::{self, Mode, Opcode};

/// One disassembled instruction (or leftover byte).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisasmLine {
    /// Address of the first byte.
    pub address: u16,
    /// The instruction's bytes (opcode and operand).
    pub bytes: Vec<u8>,
    /// The decoded opcode; `None` for an instruction cut off by the end of the input.
    pub opcode: Option<&'static Opcode>,
    /// The operand value: the address for memory modes (the branch target for branches),
    /// the constant for immediates, `None` without an operand.
    pub operand: Option<u16>,
    /// The line in assembler syntax, e.g. `lda #$01` or `bne $c00a`.
    pub text: String,
}

impl fmt::Display for DisasmLine {
    /// `c000  a9 01     lda #$01`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex: Vec<String> = self.bytes.iter().map(|b| format!("{b:02x}")).collect();
        write!(
            f,
            "{:04x}  {:<9} {}",
            self.address,
            hex.join(" "),
            self.text
        )
    }
}

/// Formats the operand of `op` with value `value` (already resolved for branches).
fn operand_text(op: &Opcode, value: u16) -> String {
    let zp_alias = |zp_mode| {
        if value <= 0xff && opcodes::has_mode(op.mnemonic, zp_mode) {
            "a:"
        } else {
            ""
        }
    };
    match op.mode {
        Mode::Implied => String::new(),
        Mode::Accumulator => "a".to_string(),
        Mode::Immediate => format!("#${value:02x}"),
        Mode::ZeroPage => format!("${value:02x}"),
        Mode::ZeroPageX => format!("${value:02x},x"),
        Mode::ZeroPageY => format!("${value:02x},y"),
        Mode::Absolute => format!("{}${value:04x}", zp_alias(Mode::ZeroPage)),
        Mode::AbsoluteX => format!("{}${value:04x},x", zp_alias(Mode::ZeroPageX)),
        Mode::AbsoluteY => format!("{}${value:04x},y", zp_alias(Mode::ZeroPageY)),
        Mode::Indirect => format!("(${value:04x})"),
        Mode::IndexedIndirect => format!("(${value:02x},x)"),
        Mode::IndirectIndexed => format!("(${value:02x}),y"),
        Mode::Relative => format!("${value:04x}"),
    }
}

fn byte_directive(bytes: &[u8]) -> String {
    let list: Vec<String> = bytes.iter().map(|b| format!("${b:02x}")).collect();
    format!(".byte {}", list.join(", "))
}

/// Disassembles `bytes` as if loaded at `start`. Addresses wrap past `$ffff`.
pub fn disassemble(bytes: &[u8], start: u16) -> Vec<DisasmLine> {
    let mut lines = Vec::new();
    let mut offset = 0usize;
    while offset < bytes.len() {
        let address = start.wrapping_add((offset & 0xffff) as u16);
        let op = opcodes::decode(bytes[offset]);
        let len = usize::from(op.size());
        if offset + len > bytes.len() {
            let rest = bytes[offset..].to_vec();
            lines.push(DisasmLine {
                address,
                text: format!("{} ; truncated {}", byte_directive(&rest), op.mnemonic),
                bytes: rest,
                opcode: None,
                operand: None,
            });
            break;
        }
        let raw = &bytes[offset..offset + len];
        let operand = match op.mode {
            Mode::Implied | Mode::Accumulator => None,
            Mode::Relative => {
                let displacement = i16::from(raw[1] as i8);
                Some(address.wrapping_add(2).wrapping_add_signed(displacement))
            }
            _ if len == 2 => Some(u16::from(raw[1])),
            _ => Some(u16::from_le_bytes([raw[1], raw[2]])),
        };
        let instruction = match (operand, op.mode) {
            (Some(value), _) => format!("{} {}", op.mnemonic, operand_text(op, value)),
            (None, Mode::Accumulator) => format!("{} a", op.mnemonic),
            (None, _) => op.mnemonic.to_string(),
        };
        let text = if opcodes::is_canonical(raw[0]) {
            instruction
        } else {
            format!("{} ; {instruction}", byte_directive(raw))
        };
        lines.push(DisasmLine {
            address,
            bytes: raw.to_vec(),
            opcode: Some(op),
            operand,
            text,
        });
        offset += len;
    }
    lines
}

/// A complete source text that assembles back to `bytes` at `start`: a `* = $xxxx` line
/// followed by one instruction per line.
pub fn disassemble_to_source(bytes: &[u8], start: u16) -> String {
    let mut source = format!("* = ${start:04x}\n");
    for line in disassemble(bytes, start) {
        source.push_str("        ");
        source.push_str(&line.text);
        source.push('\n');
    }
    source
}
