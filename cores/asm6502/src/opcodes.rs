//! The single NMOS 6502 opcode table: every byte value → mnemonic × addressing mode.
//!
//! Both the assembler (through [`encode`]) and the disassembler (through [`decode`]) use
//! this table, so the two can never disagree. Several undocumented opcodes duplicate an
//! encoding that already exists (the implied `nop`s, `sbc #` at `$eb`, the twelve `jam`s,
//! …). [`encode`] picks one *canonical* byte for each mnemonic × mode pair: the documented
//! opcode if there is one, otherwise the lowest byte value.

use std::fmt;

/// A 6502 addressing mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// No operand (`clc`).
    Implied,
    /// The accumulator (`asl` / `asl a`).
    Accumulator,
    /// An 8-bit constant (`lda #$01`).
    Immediate,
    /// A zero-page address (`lda $10`).
    ZeroPage,
    /// A zero-page address indexed by X (`lda $10,x`).
    ZeroPageX,
    /// A zero-page address indexed by Y (`ldx $10,y`).
    ZeroPageY,
    /// A 16-bit address (`lda $1234`).
    Absolute,
    /// A 16-bit address indexed by X (`lda $1234,x`).
    AbsoluteX,
    /// A 16-bit address indexed by Y (`lda $1234,y`).
    AbsoluteY,
    /// An indirect 16-bit pointer, `jmp` only (`jmp ($1234)`).
    Indirect,
    /// Zero-page pointer indexed by X before the fetch (`lda ($10,x)`).
    IndexedIndirect,
    /// Zero-page pointer indexed by Y after the fetch (`lda ($10),y`).
    IndirectIndexed,
    /// A signed 8-bit branch displacement (`bne label`).
    Relative,
}

impl Mode {
    /// Number of operand bytes following the opcode byte (0, 1 or 2).
    pub fn operand_len(self) -> u16 {
        match self {
            Mode::Implied | Mode::Accumulator => 0,
            Mode::Immediate
            | Mode::ZeroPage
            | Mode::ZeroPageX
            | Mode::ZeroPageY
            | Mode::IndexedIndirect
            | Mode::IndirectIndexed
            | Mode::Relative => 1,
            Mode::Absolute | Mode::AbsoluteX | Mode::AbsoluteY | Mode::Indirect => 2,
        }
    }

    /// Every addressing mode, in declaration order.
    pub const ALL: [Mode; 13] = [
        Mode::Implied,
        Mode::Accumulator,
        Mode::Immediate,
        Mode::ZeroPage,
        Mode::ZeroPageX,
        Mode::ZeroPageY,
        Mode::Absolute,
        Mode::AbsoluteX,
        Mode::AbsoluteY,
        Mode::Indirect,
        Mode::IndexedIndirect,
        Mode::IndirectIndexed,
        Mode::Relative,
    ];
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::Implied => "implied",
            Mode::Accumulator => "accumulator",
            Mode::Immediate => "immediate (#value)",
            Mode::ZeroPage => "zero-page",
            Mode::ZeroPageX => "zero-page,x",
            Mode::ZeroPageY => "zero-page,y",
            Mode::Absolute => "absolute",
            Mode::AbsoluteX => "absolute,x",
            Mode::AbsoluteY => "absolute,y",
            Mode::Indirect => "indirect (addr)",
            Mode::IndexedIndirect => "indexed indirect (zp,x)",
            Mode::IndirectIndexed => "indirect indexed (zp),y",
            Mode::Relative => "relative",
        })
    }
}

/// One entry of the opcode table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Opcode {
    /// Lowercase mnemonic (`"lda"`, `"slo"`, `"jam"`).
    pub mnemonic: &'static str,
    /// Addressing mode of the operand.
    pub mode: Mode,
    /// Whether the opcode is one of the 151 documented by MOS.
    pub documented: bool,
}

impl Opcode {
    /// Instruction length in bytes (opcode plus operand).
    pub fn size(&self) -> u16 {
        1 + self.mode.operand_len()
    }
}

const fn d(mnemonic: &'static str, mode: Mode) -> Opcode {
    Opcode {
        mnemonic,
        mode,
        documented: true,
    }
}

const fn u(mnemonic: &'static str, mode: Mode) -> Opcode {
    Opcode {
        mnemonic,
        mode,
        documented: false,
    }
}

use Mode::{
    Absolute as ABS, AbsoluteX as ABX, AbsoluteY as ABY, Accumulator as ACC, Immediate as IMM,
    Implied as IMP, IndexedIndirect as IZX, Indirect as IND, IndirectIndexed as IZY,
    Relative as REL, ZeroPage as ZP, ZeroPageX as ZPX, ZeroPageY as ZPY,
};

/// The table, indexed by opcode byte.
#[rustfmt::skip]
pub static OPCODES: [Opcode; 256] = [
    // $00
    d("brk", IMP), d("ora", IZX), u("jam", IMP), u("slo", IZX), u("nop", ZP),  d("ora", ZP),  d("asl", ZP),  u("slo", ZP),
    d("php", IMP), d("ora", IMM), d("asl", ACC), u("anc", IMM), u("nop", ABS), d("ora", ABS), d("asl", ABS), u("slo", ABS),
    // $10
    d("bpl", REL), d("ora", IZY), u("jam", IMP), u("slo", IZY), u("nop", ZPX), d("ora", ZPX), d("asl", ZPX), u("slo", ZPX),
    d("clc", IMP), d("ora", ABY), u("nop", IMP), u("slo", ABY), u("nop", ABX), d("ora", ABX), d("asl", ABX), u("slo", ABX),
    // $20
    d("jsr", ABS), d("and", IZX), u("jam", IMP), u("rla", IZX), d("bit", ZP),  d("and", ZP),  d("rol", ZP),  u("rla", ZP),
    d("plp", IMP), d("and", IMM), d("rol", ACC), u("anc", IMM), d("bit", ABS), d("and", ABS), d("rol", ABS), u("rla", ABS),
    // $30
    d("bmi", REL), d("and", IZY), u("jam", IMP), u("rla", IZY), u("nop", ZPX), d("and", ZPX), d("rol", ZPX), u("rla", ZPX),
    d("sec", IMP), d("and", ABY), u("nop", IMP), u("rla", ABY), u("nop", ABX), d("and", ABX), d("rol", ABX), u("rla", ABX),
    // $40
    d("rti", IMP), d("eor", IZX), u("jam", IMP), u("sre", IZX), u("nop", ZP),  d("eor", ZP),  d("lsr", ZP),  u("sre", ZP),
    d("pha", IMP), d("eor", IMM), d("lsr", ACC), u("alr", IMM), d("jmp", ABS), d("eor", ABS), d("lsr", ABS), u("sre", ABS),
    // $50
    d("bvc", REL), d("eor", IZY), u("jam", IMP), u("sre", IZY), u("nop", ZPX), d("eor", ZPX), d("lsr", ZPX), u("sre", ZPX),
    d("cli", IMP), d("eor", ABY), u("nop", IMP), u("sre", ABY), u("nop", ABX), d("eor", ABX), d("lsr", ABX), u("sre", ABX),
    // $60
    d("rts", IMP), d("adc", IZX), u("jam", IMP), u("rra", IZX), u("nop", ZP),  d("adc", ZP),  d("ror", ZP),  u("rra", ZP),
    d("pla", IMP), d("adc", IMM), d("ror", ACC), u("arr", IMM), d("jmp", IND), d("adc", ABS), d("ror", ABS), u("rra", ABS),
    // $70
    d("bvs", REL), d("adc", IZY), u("jam", IMP), u("rra", IZY), u("nop", ZPX), d("adc", ZPX), d("ror", ZPX), u("rra", ZPX),
    d("sei", IMP), d("adc", ABY), u("nop", IMP), u("rra", ABY), u("nop", ABX), d("adc", ABX), d("ror", ABX), u("rra", ABX),
    // $80
    u("nop", IMM), d("sta", IZX), u("nop", IMM), u("sax", IZX), d("sty", ZP),  d("sta", ZP),  d("stx", ZP),  u("sax", ZP),
    d("dey", IMP), u("nop", IMM), d("txa", IMP), u("ane", IMM), d("sty", ABS), d("sta", ABS), d("stx", ABS), u("sax", ABS),
    // $90
    d("bcc", REL), d("sta", IZY), u("jam", IMP), u("sha", IZY), d("sty", ZPX), d("sta", ZPX), d("stx", ZPY), u("sax", ZPY),
    d("tya", IMP), d("sta", ABY), d("txs", IMP), u("tas", ABY), u("shy", ABX), d("sta", ABX), u("shx", ABY), u("sha", ABY),
    // $a0
    d("ldy", IMM), d("lda", IZX), d("ldx", IMM), u("lax", IZX), d("ldy", ZP),  d("lda", ZP),  d("ldx", ZP),  u("lax", ZP),
    d("tay", IMP), d("lda", IMM), d("tax", IMP), u("lxa", IMM), d("ldy", ABS), d("lda", ABS), d("ldx", ABS), u("lax", ABS),
    // $b0
    d("bcs", REL), d("lda", IZY), u("jam", IMP), u("lax", IZY), d("ldy", ZPX), d("lda", ZPX), d("ldx", ZPY), u("lax", ZPY),
    d("clv", IMP), d("lda", ABY), d("tsx", IMP), u("las", ABY), d("ldy", ABX), d("lda", ABX), d("ldx", ABY), u("lax", ABY),
    // $c0
    d("cpy", IMM), d("cmp", IZX), u("nop", IMM), u("dcp", IZX), d("cpy", ZP),  d("cmp", ZP),  d("dec", ZP),  u("dcp", ZP),
    d("iny", IMP), d("cmp", IMM), d("dex", IMP), u("sbx", IMM), d("cpy", ABS), d("cmp", ABS), d("dec", ABS), u("dcp", ABS),
    // $d0
    d("bne", REL), d("cmp", IZY), u("jam", IMP), u("dcp", IZY), u("nop", ZPX), d("cmp", ZPX), d("dec", ZPX), u("dcp", ZPX),
    d("cld", IMP), d("cmp", ABY), u("nop", IMP), u("dcp", ABY), u("nop", ABX), d("cmp", ABX), d("dec", ABX), u("dcp", ABX),
    // $e0
    d("cpx", IMM), d("sbc", IZX), u("nop", IMM), u("isc", IZX), d("cpx", ZP),  d("sbc", ZP),  d("inc", ZP),  u("isc", ZP),
    d("inx", IMP), d("sbc", IMM), d("nop", IMP), u("sbc", IMM), d("cpx", ABS), d("sbc", ABS), d("inc", ABS), u("isc", ABS),
    // $f0
    d("beq", REL), d("sbc", IZY), u("jam", IMP), u("isc", IZY), u("nop", ZPX), d("sbc", ZPX), d("inc", ZPX), u("isc", ZPX),
    d("sed", IMP), d("sbc", ABY), u("nop", IMP), u("isc", ABY), u("nop", ABX), d("sbc", ABX), d("inc", ABX), u("isc", ABX),
];

/// Other names in common use for some undocumented opcodes, mapped to the names used here.
const ALIASES: [(&str, &str); 14] = [
    ("isb", "isc"),
    ("ins", "isc"),
    ("dcm", "dcp"),
    ("asr", "alr"),
    ("axs", "sbx"),
    ("lse", "sre"),
    ("aso", "slo"),
    ("axa", "sha"),
    ("ahx", "sha"),
    ("xaa", "ane"),
    ("shs", "tas"),
    ("lae", "las"),
    ("kil", "jam"),
    ("hlt", "jam"),
];

/// The table entry for an opcode byte.
pub fn decode(byte: u8) -> &'static Opcode {
    &OPCODES[usize::from(byte)]
}

/// The canonical mnemonic for `name` (case-insensitive, aliases resolved), or `None` if it
/// is not a 6502 mnemonic.
pub fn mnemonic(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let lower = ALIASES
        .iter()
        .find(|(alias, _)| *alias == lower)
        .map_or(lower.as_str(), |(_, real)| real);
    OPCODES
        .iter()
        .find(|op| op.mnemonic == lower)
        .map(|op| op.mnemonic)
}

/// The canonical opcode byte for `mnemonic` (as returned by [`mnemonic`]) in `mode`: the
/// documented opcode if one exists, otherwise the lowest byte value. `None` if the
/// instruction has no such addressing mode.
pub fn encode(mnemonic: &str, mode: Mode) -> Option<u8> {
    let mut best: Option<u8> = None;
    for (byte, op) in (0u8..=255).zip(OPCODES.iter()) {
        if op.mnemonic == mnemonic && op.mode == mode {
            match best {
                Some(b) if decode(b).documented || !op.documented => {}
                _ => best = Some(byte),
            }
        }
    }
    best
}

/// Whether the instruction `mnemonic` has the addressing mode `mode`.
pub fn has_mode(mnemonic: &str, mode: Mode) -> bool {
    encode(mnemonic, mode).is_some()
}

/// Whether `byte` is the canonical encoding of its mnemonic × mode (so assembling the
/// disassembled instruction gives this byte back).
pub fn is_canonical(byte: u8) -> bool {
    let op = decode(byte);
    encode(op.mnemonic, op.mode) == Some(byte)
}
