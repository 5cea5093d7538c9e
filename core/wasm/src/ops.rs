//! Opcode tables: every instruction without structured immediates, with its binary opcode,
//! text name and operand signature. One table drives both the decoder and the validator.

use std::fmt;

use crate::types::ValType;

/// Defines an opcode enum with `from_code`, `code`, `name` and `signature`, and optionally
/// one extra per-opcode property.
macro_rules! op_table {
    (
        $(#[$meta:meta])*
        enum $name:ident { extra: $ety:ty, $efn:ident, $edoc:literal };
        $( $variant:ident $text:literal = $code:literal, $extra:literal : [$($p:ident)*] -> [$($r:ident)*] ; )*
    ) => {
        op_table! {
            $(#[$meta])*
            enum $name;
            $( $variant $text = $code : [$($p)*] -> [$($r)*]; )*
        }

        impl $name {
            #[doc = $edoc]
            pub fn $efn(self) -> $ety {
                match self {
                    $( Self::$variant => $extra, )*
                }
            }
        }
    };
    (
        $(#[$meta:meta])*
        enum $name:ident;
        $( $variant:ident $text:literal = $code:literal : [$($p:ident)*] -> [$($r:ident)*] ; )*
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $(
                #[doc = concat!("`", $text, "`")]
                $variant,
            )*
        }

        impl $name {
            /// The operation with this (sub)opcode, if there is one.
            pub fn from_code(code: u32) -> Option<Self> {
                match code {
                    $( $code => Some(Self::$variant), )*
                    _ => None,
                }
            }

            /// The (sub)opcode of this operation.
            pub fn code(self) -> u32 {
                match self {
                    $( Self::$variant => $code, )*
                }
            }

            /// The text-format name of this operation.
            pub fn name(self) -> &'static str {
                match self {
                    $( Self::$variant => $text, )*
                }
            }

            /// Operand types popped and result types pushed, in stack order.
            pub fn signature(self) -> (&'static [ValType], &'static [ValType]) {
                match self {
                    $( Self::$variant => (&[$(ValType::$p),*], &[$(ValType::$r),*]), )*
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

op_table! {
    /// Numeric operations without immediates: the one-byte opcodes 0x45–0xC4 (including
    /// sign extension) and the saturating float-to-int conversions (`0xFC` 0–7, coded here
    /// as `0xFC00 | sub-opcode`).
    enum NumOp;
    I32Eqz "i32.eqz" = 0x45: [I32] -> [I32];
    I32Eq "i32.eq" = 0x46: [I32 I32] -> [I32];
    I32Ne "i32.ne" = 0x47: [I32 I32] -> [I32];
    I32LtS "i32.lt_s" = 0x48: [I32 I32] -> [I32];
    I32LtU "i32.lt_u" = 0x49: [I32 I32] -> [I32];
    I32GtS "i32.gt_s" = 0x4A: [I32 I32] -> [I32];
    I32GtU "i32.gt_u" = 0x4B: [I32 I32] -> [I32];
    I32LeS "i32.le_s" = 0x4C: [I32 I32] -> [I32];
    I32LeU "i32.le_u" = 0x4D: [I32 I32] -> [I32];
    I32GeS "i32.ge_s" = 0x4E: [I32 I32] -> [I32];
    I32GeU "i32.ge_u" = 0x4F: [I32 I32] -> [I32];
    I64Eqz "i64.eqz" = 0x50: [I64] -> [I32];
    I64Eq "i64.eq" = 0x51: [I64 I64] -> [I32];
    I64Ne "i64.ne" = 0x52: [I64 I64] -> [I32];
    I64LtS "i64.lt_s" = 0x53: [I64 I64] -> [I32];
    I64LtU "i64.lt_u" = 0x54: [I64 I64] -> [I32];
    I64GtS "i64.gt_s" = 0x55: [I64 I64] -> [I32];
    I64GtU "i64.gt_u" = 0x56: [I64 I64] -> [I32];
    I64LeS "i64.le_s" = 0x57: [I64 I64] -> [I32];
    I64LeU "i64.le_u" = 0x58: [I64 I64] -> [I32];
    I64GeS "i64.ge_s" = 0x59: [I64 I64] -> [I32];
    I64GeU "i64.ge_u" = 0x5A: [I64 I64] -> [I32];
    F32Eq "f32.eq" = 0x5B: [F32 F32] -> [I32];
    F32Ne "f32.ne" = 0x5C: [F32 F32] -> [I32];
    F32Lt "f32.lt" = 0x5D: [F32 F32] -> [I32];
    F32Gt "f32.gt" = 0x5E: [F32 F32] -> [I32];
    F32Le "f32.le" = 0x5F: [F32 F32] -> [I32];
    F32Ge "f32.ge" = 0x60: [F32 F32] -> [I32];
    F64Eq "f64.eq" = 0x61: [F64 F64] -> [I32];
    F64Ne "f64.ne" = 0x62: [F64 F64] -> [I32];
    F64Lt "f64.lt" = 0x63: [F64 F64] -> [I32];
    F64Gt "f64.gt" = 0x64: [F64 F64] -> [I32];
    F64Le "f64.le" = 0x65: [F64 F64] -> [I32];
    F64Ge "f64.ge" = 0x66: [F64 F64] -> [I32];
    I32Clz "i32.clz" = 0x67: [I32] -> [I32];
    I32Ctz "i32.ctz" = 0x68: [I32] -> [I32];
    I32Popcnt "i32.popcnt" = 0x69: [I32] -> [I32];
    I32Add "i32.add" = 0x6A: [I32 I32] -> [I32];
    I32Sub "i32.sub" = 0x6B: [I32 I32] -> [I32];
    I32Mul "i32.mul" = 0x6C: [I32 I32] -> [I32];
    I32DivS "i32.div_s" = 0x6D: [I32 I32] -> [I32];
    I32DivU "i32.div_u" = 0x6E: [I32 I32] -> [I32];
    I32RemS "i32.rem_s" = 0x6F: [I32 I32] -> [I32];
    I32RemU "i32.rem_u" = 0x70: [I32 I32] -> [I32];
    I32And "i32.and" = 0x71: [I32 I32] -> [I32];
    I32Or "i32.or" = 0x72: [I32 I32] -> [I32];
    I32Xor "i32.xor" = 0x73: [I32 I32] -> [I32];
    I32Shl "i32.shl" = 0x74: [I32 I32] -> [I32];
    I32ShrS "i32.shr_s" = 0x75: [I32 I32] -> [I32];
    I32ShrU "i32.shr_u" = 0x76: [I32 I32] -> [I32];
    I32Rotl "i32.rotl" = 0x77: [I32 I32] -> [I32];
    I32Rotr "i32.rotr" = 0x78: [I32 I32] -> [I32];
    I64Clz "i64.clz" = 0x79: [I64] -> [I64];
    I64Ctz "i64.ctz" = 0x7A: [I64] -> [I64];
    I64Popcnt "i64.popcnt" = 0x7B: [I64] -> [I64];
    I64Add "i64.add" = 0x7C: [I64 I64] -> [I64];
    I64Sub "i64.sub" = 0x7D: [I64 I64] -> [I64];
    I64Mul "i64.mul" = 0x7E: [I64 I64] -> [I64];
    I64DivS "i64.div_s" = 0x7F: [I64 I64] -> [I64];
    I64DivU "i64.div_u" = 0x80: [I64 I64] -> [I64];
    I64RemS "i64.rem_s" = 0x81: [I64 I64] -> [I64];
    I64RemU "i64.rem_u" = 0x82: [I64 I64] -> [I64];
    I64And "i64.and" = 0x83: [I64 I64] -> [I64];
    I64Or "i64.or" = 0x84: [I64 I64] -> [I64];
    I64Xor "i64.xor" = 0x85: [I64 I64] -> [I64];
    I64Shl "i64.shl" = 0x86: [I64 I64] -> [I64];
    I64ShrS "i64.shr_s" = 0x87: [I64 I64] -> [I64];
    I64ShrU "i64.shr_u" = 0x88: [I64 I64] -> [I64];
    I64Rotl "i64.rotl" = 0x89: [I64 I64] -> [I64];
    I64Rotr "i64.rotr" = 0x8A: [I64 I64] -> [I64];
    F32Abs "f32.abs" = 0x8B: [F32] -> [F32];
    F32Neg "f32.neg" = 0x8C: [F32] -> [F32];
    F32Ceil "f32.ceil" = 0x8D: [F32] -> [F32];
    F32Floor "f32.floor" = 0x8E: [F32] -> [F32];
    F32Trunc "f32.trunc" = 0x8F: [F32] -> [F32];
    F32Nearest "f32.nearest" = 0x90: [F32] -> [F32];
    F32Sqrt "f32.sqrt" = 0x91: [F32] -> [F32];
    F32Add "f32.add" = 0x92: [F32 F32] -> [F32];
    F32Sub "f32.sub" = 0x93: [F32 F32] -> [F32];
    F32Mul "f32.mul" = 0x94: [F32 F32] -> [F32];
    F32Div "f32.div" = 0x95: [F32 F32] -> [F32];
    F32Min "f32.min" = 0x96: [F32 F32] -> [F32];
    F32Max "f32.max" = 0x97: [F32 F32] -> [F32];
    F32Copysign "f32.copysign" = 0x98: [F32 F32] -> [F32];
    F64Abs "f64.abs" = 0x99: [F64] -> [F64];
    F64Neg "f64.neg" = 0x9A: [F64] -> [F64];
    F64Ceil "f64.ceil" = 0x9B: [F64] -> [F64];
    F64Floor "f64.floor" = 0x9C: [F64] -> [F64];
    F64Trunc "f64.trunc" = 0x9D: [F64] -> [F64];
    F64Nearest "f64.nearest" = 0x9E: [F64] -> [F64];
    F64Sqrt "f64.sqrt" = 0x9F: [F64] -> [F64];
    F64Add "f64.add" = 0xA0: [F64 F64] -> [F64];
    F64Sub "f64.sub" = 0xA1: [F64 F64] -> [F64];
    F64Mul "f64.mul" = 0xA2: [F64 F64] -> [F64];
    F64Div "f64.div" = 0xA3: [F64 F64] -> [F64];
    F64Min "f64.min" = 0xA4: [F64 F64] -> [F64];
    F64Max "f64.max" = 0xA5: [F64 F64] -> [F64];
    F64Copysign "f64.copysign" = 0xA6: [F64 F64] -> [F64];
    I32WrapI64 "i32.wrap_i64" = 0xA7: [I64] -> [I32];
    I32TruncF32S "i32.trunc_f32_s" = 0xA8: [F32] -> [I32];
    I32TruncF32U "i32.trunc_f32_u" = 0xA9: [F32] -> [I32];
    I32TruncF64S "i32.trunc_f64_s" = 0xAA: [F64] -> [I32];
    I32TruncF64U "i32.trunc_f64_u" = 0xAB: [F64] -> [I32];
    I64ExtendI32S "i64.extend_i32_s" = 0xAC: [I32] -> [I64];
    I64ExtendI32U "i64.extend_i32_u" = 0xAD: [I32] -> [I64];
    I64TruncF32S "i64.trunc_f32_s" = 0xAE: [F32] -> [I64];
    I64TruncF32U "i64.trunc_f32_u" = 0xAF: [F32] -> [I64];
    I64TruncF64S "i64.trunc_f64_s" = 0xB0: [F64] -> [I64];
    I64TruncF64U "i64.trunc_f64_u" = 0xB1: [F64] -> [I64];
    F32ConvertI32S "f32.convert_i32_s" = 0xB2: [I32] -> [F32];
    F32ConvertI32U "f32.convert_i32_u" = 0xB3: [I32] -> [F32];
    F32ConvertI64S "f32.convert_i64_s" = 0xB4: [I64] -> [F32];
    F32ConvertI64U "f32.convert_i64_u" = 0xB5: [I64] -> [F32];
    F32DemoteF64 "f32.demote_f64" = 0xB6: [F64] -> [F32];
    F64ConvertI32S "f64.convert_i32_s" = 0xB7: [I32] -> [F64];
    F64ConvertI32U "f64.convert_i32_u" = 0xB8: [I32] -> [F64];
    F64ConvertI64S "f64.convert_i64_s" = 0xB9: [I64] -> [F64];
    F64ConvertI64U "f64.convert_i64_u" = 0xBA: [I64] -> [F64];
    F64PromoteF32 "f64.promote_f32" = 0xBB: [F32] -> [F64];
    I32ReinterpretF32 "i32.reinterpret_f32" = 0xBC: [F32] -> [I32];
    I64ReinterpretF64 "i64.reinterpret_f64" = 0xBD: [F64] -> [I64];
    F32ReinterpretI32 "f32.reinterpret_i32" = 0xBE: [I32] -> [F32];
    F64ReinterpretI64 "f64.reinterpret_i64" = 0xBF: [I64] -> [F64];
    I32Extend8S "i32.extend8_s" = 0xC0: [I32] -> [I32];
    I32Extend16S "i32.extend16_s" = 0xC1: [I32] -> [I32];
    I64Extend8S "i64.extend8_s" = 0xC2: [I64] -> [I64];
    I64Extend16S "i64.extend16_s" = 0xC3: [I64] -> [I64];
    I64Extend32S "i64.extend32_s" = 0xC4: [I64] -> [I64];
    I32TruncSatF32S "i32.trunc_sat_f32_s" = 0xFC00: [F32] -> [I32];
    I32TruncSatF32U "i32.trunc_sat_f32_u" = 0xFC01: [F32] -> [I32];
    I32TruncSatF64S "i32.trunc_sat_f64_s" = 0xFC02: [F64] -> [I32];
    I32TruncSatF64U "i32.trunc_sat_f64_u" = 0xFC03: [F64] -> [I32];
    I64TruncSatF32S "i64.trunc_sat_f32_s" = 0xFC04: [F32] -> [I64];
    I64TruncSatF32U "i64.trunc_sat_f32_u" = 0xFC05: [F32] -> [I64];
    I64TruncSatF64S "i64.trunc_sat_f64_s" = 0xFC06: [F64] -> [I64];
    I64TruncSatF64U "i64.trunc_sat_f64_u" = 0xFC07: [F64] -> [I64];
}

op_table! {
    /// Memory loads: scalar loads (0x28–0x35) and the vector loads without a lane
    /// (`0xFD` sub-opcodes 0–10, 92, 93, coded here as `0xFD00 | sub-opcode`).
    enum LoadOp { extra: u32, width, "Bytes accessed; the natural alignment." };
    I32Load "i32.load" = 0x28, 4: [I32] -> [I32];
    I64Load "i64.load" = 0x29, 8: [I32] -> [I64];
    F32Load "f32.load" = 0x2A, 4: [I32] -> [F32];
    F64Load "f64.load" = 0x2B, 8: [I32] -> [F64];
    I32Load8S "i32.load8_s" = 0x2C, 1: [I32] -> [I32];
    I32Load8U "i32.load8_u" = 0x2D, 1: [I32] -> [I32];
    I32Load16S "i32.load16_s" = 0x2E, 2: [I32] -> [I32];
    I32Load16U "i32.load16_u" = 0x2F, 2: [I32] -> [I32];
    I64Load8S "i64.load8_s" = 0x30, 1: [I32] -> [I64];
    I64Load8U "i64.load8_u" = 0x31, 1: [I32] -> [I64];
    I64Load16S "i64.load16_s" = 0x32, 2: [I32] -> [I64];
    I64Load16U "i64.load16_u" = 0x33, 2: [I32] -> [I64];
    I64Load32S "i64.load32_s" = 0x34, 4: [I32] -> [I64];
    I64Load32U "i64.load32_u" = 0x35, 4: [I32] -> [I64];
    V128Load "v128.load" = 0xFD00, 16: [I32] -> [V128];
    V128Load8x8S "v128.load8x8_s" = 0xFD01, 8: [I32] -> [V128];
    V128Load8x8U "v128.load8x8_u" = 0xFD02, 8: [I32] -> [V128];
    V128Load16x4S "v128.load16x4_s" = 0xFD03, 8: [I32] -> [V128];
    V128Load16x4U "v128.load16x4_u" = 0xFD04, 8: [I32] -> [V128];
    V128Load32x2S "v128.load32x2_s" = 0xFD05, 8: [I32] -> [V128];
    V128Load32x2U "v128.load32x2_u" = 0xFD06, 8: [I32] -> [V128];
    V128Load8Splat "v128.load8_splat" = 0xFD07, 1: [I32] -> [V128];
    V128Load16Splat "v128.load16_splat" = 0xFD08, 2: [I32] -> [V128];
    V128Load32Splat "v128.load32_splat" = 0xFD09, 4: [I32] -> [V128];
    V128Load64Splat "v128.load64_splat" = 0xFD0A, 8: [I32] -> [V128];
    V128Load32Zero "v128.load32_zero" = 0xFD5C, 4: [I32] -> [V128];
    V128Load64Zero "v128.load64_zero" = 0xFD5D, 8: [I32] -> [V128];
}

op_table! {
    /// Memory stores: scalar stores (0x36–0x3E) and `v128.store` (`0xFD` sub-opcode 11,
    /// coded here as `0xFD0B`).
    enum StoreOp { extra: u32, width, "Bytes accessed; the natural alignment." };
    I32Store "i32.store" = 0x36, 4: [I32 I32] -> [];
    I64Store "i64.store" = 0x37, 8: [I32 I64] -> [];
    F32Store "f32.store" = 0x38, 4: [I32 F32] -> [];
    F64Store "f64.store" = 0x39, 8: [I32 F64] -> [];
    I32Store8 "i32.store8" = 0x3A, 1: [I32 I32] -> [];
    I32Store16 "i32.store16" = 0x3B, 2: [I32 I32] -> [];
    I64Store8 "i64.store8" = 0x3C, 1: [I32 I64] -> [];
    I64Store16 "i64.store16" = 0x3D, 2: [I32 I64] -> [];
    I64Store32 "i64.store32" = 0x3E, 4: [I32 I64] -> [];
    V128Store "v128.store" = 0xFD0B, 16: [I32 V128] -> [];
}

op_table! {
    /// Vector loads and stores of one lane (`0xFD` sub-opcodes 84–91).
    enum LaneMemOp { extra: u32, width, "Bytes accessed; the natural alignment (the lane count is 16 / width)." };
    V128Load8Lane "v128.load8_lane" = 0x54, 1: [I32 V128] -> [V128];
    V128Load16Lane "v128.load16_lane" = 0x55, 2: [I32 V128] -> [V128];
    V128Load32Lane "v128.load32_lane" = 0x56, 4: [I32 V128] -> [V128];
    V128Load64Lane "v128.load64_lane" = 0x57, 8: [I32 V128] -> [V128];
    V128Store8Lane "v128.store8_lane" = 0x58, 1: [I32 V128] -> [];
    V128Store16Lane "v128.store16_lane" = 0x59, 2: [I32 V128] -> [];
    V128Store32Lane "v128.store32_lane" = 0x5A, 4: [I32 V128] -> [];
    V128Store64Lane "v128.store64_lane" = 0x5B, 8: [I32 V128] -> [];
}

op_table! {
    /// Vector lane extraction and replacement (`0xFD` sub-opcodes 21–34).
    enum LaneOp { extra: u8, lanes, "Number of lanes of the shape; lane immediates must be below it." };
    I8x16ExtractLaneS "i8x16.extract_lane_s" = 0x15, 16: [V128] -> [I32];
    I8x16ExtractLaneU "i8x16.extract_lane_u" = 0x16, 16: [V128] -> [I32];
    I8x16ReplaceLane "i8x16.replace_lane" = 0x17, 16: [V128 I32] -> [V128];
    I16x8ExtractLaneS "i16x8.extract_lane_s" = 0x18, 8: [V128] -> [I32];
    I16x8ExtractLaneU "i16x8.extract_lane_u" = 0x19, 8: [V128] -> [I32];
    I16x8ReplaceLane "i16x8.replace_lane" = 0x1A, 8: [V128 I32] -> [V128];
    I32x4ExtractLane "i32x4.extract_lane" = 0x1B, 4: [V128] -> [I32];
    I32x4ReplaceLane "i32x4.replace_lane" = 0x1C, 4: [V128 I32] -> [V128];
    I64x2ExtractLane "i64x2.extract_lane" = 0x1D, 2: [V128] -> [I64];
    I64x2ReplaceLane "i64x2.replace_lane" = 0x1E, 2: [V128 I64] -> [V128];
    F32x4ExtractLane "f32x4.extract_lane" = 0x1F, 4: [V128] -> [F32];
    F32x4ReplaceLane "f32x4.replace_lane" = 0x20, 4: [V128 F32] -> [V128];
    F64x2ExtractLane "f64x2.extract_lane" = 0x21, 2: [V128] -> [F64];
    F64x2ReplaceLane "f64x2.replace_lane" = 0x22, 2: [V128 F64] -> [V128];
}

op_table! {
    /// Vector operations without immediates (`0xFD` prefix; the code is the sub-opcode).
    enum SimdOp;
    I8x16Swizzle "i8x16.swizzle" = 0x0E: [V128 V128] -> [V128];
    I8x16Splat "i8x16.splat" = 0x0F: [I32] -> [V128];
    I16x8Splat "i16x8.splat" = 0x10: [I32] -> [V128];
    I32x4Splat "i32x4.splat" = 0x11: [I32] -> [V128];
    I64x2Splat "i64x2.splat" = 0x12: [I64] -> [V128];
    F32x4Splat "f32x4.splat" = 0x13: [F32] -> [V128];
    F64x2Splat "f64x2.splat" = 0x14: [F64] -> [V128];
    I8x16Eq "i8x16.eq" = 0x23: [V128 V128] -> [V128];
    I8x16Ne "i8x16.ne" = 0x24: [V128 V128] -> [V128];
    I8x16LtS "i8x16.lt_s" = 0x25: [V128 V128] -> [V128];
    I8x16LtU "i8x16.lt_u" = 0x26: [V128 V128] -> [V128];
    I8x16GtS "i8x16.gt_s" = 0x27: [V128 V128] -> [V128];
    I8x16GtU "i8x16.gt_u" = 0x28: [V128 V128] -> [V128];
    I8x16LeS "i8x16.le_s" = 0x29: [V128 V128] -> [V128];
    I8x16LeU "i8x16.le_u" = 0x2A: [V128 V128] -> [V128];
    I8x16GeS "i8x16.ge_s" = 0x2B: [V128 V128] -> [V128];
    I8x16GeU "i8x16.ge_u" = 0x2C: [V128 V128] -> [V128];
    I16x8Eq "i16x8.eq" = 0x2D: [V128 V128] -> [V128];
    I16x8Ne "i16x8.ne" = 0x2E: [V128 V128] -> [V128];
    I16x8LtS "i16x8.lt_s" = 0x2F: [V128 V128] -> [V128];
    I16x8LtU "i16x8.lt_u" = 0x30: [V128 V128] -> [V128];
    I16x8GtS "i16x8.gt_s" = 0x31: [V128 V128] -> [V128];
    I16x8GtU "i16x8.gt_u" = 0x32: [V128 V128] -> [V128];
    I16x8LeS "i16x8.le_s" = 0x33: [V128 V128] -> [V128];
    I16x8LeU "i16x8.le_u" = 0x34: [V128 V128] -> [V128];
    I16x8GeS "i16x8.ge_s" = 0x35: [V128 V128] -> [V128];
    I16x8GeU "i16x8.ge_u" = 0x36: [V128 V128] -> [V128];
    I32x4Eq "i32x4.eq" = 0x37: [V128 V128] -> [V128];
    I32x4Ne "i32x4.ne" = 0x38: [V128 V128] -> [V128];
    I32x4LtS "i32x4.lt_s" = 0x39: [V128 V128] -> [V128];
    I32x4LtU "i32x4.lt_u" = 0x3A: [V128 V128] -> [V128];
    I32x4GtS "i32x4.gt_s" = 0x3B: [V128 V128] -> [V128];
    I32x4GtU "i32x4.gt_u" = 0x3C: [V128 V128] -> [V128];
    I32x4LeS "i32x4.le_s" = 0x3D: [V128 V128] -> [V128];
    I32x4LeU "i32x4.le_u" = 0x3E: [V128 V128] -> [V128];
    I32x4GeS "i32x4.ge_s" = 0x3F: [V128 V128] -> [V128];
    I32x4GeU "i32x4.ge_u" = 0x40: [V128 V128] -> [V128];
    F32x4Eq "f32x4.eq" = 0x41: [V128 V128] -> [V128];
    F32x4Ne "f32x4.ne" = 0x42: [V128 V128] -> [V128];
    F32x4Lt "f32x4.lt" = 0x43: [V128 V128] -> [V128];
    F32x4Gt "f32x4.gt" = 0x44: [V128 V128] -> [V128];
    F32x4Le "f32x4.le" = 0x45: [V128 V128] -> [V128];
    F32x4Ge "f32x4.ge" = 0x46: [V128 V128] -> [V128];
    F64x2Eq "f64x2.eq" = 0x47: [V128 V128] -> [V128];
    F64x2Ne "f64x2.ne" = 0x48: [V128 V128] -> [V128];
    F64x2Lt "f64x2.lt" = 0x49: [V128 V128] -> [V128];
    F64x2Gt "f64x2.gt" = 0x4A: [V128 V128] -> [V128];
    F64x2Le "f64x2.le" = 0x4B: [V128 V128] -> [V128];
    F64x2Ge "f64x2.ge" = 0x4C: [V128 V128] -> [V128];
    V128Not "v128.not" = 0x4D: [V128] -> [V128];
    V128And "v128.and" = 0x4E: [V128 V128] -> [V128];
    V128AndNot "v128.andnot" = 0x4F: [V128 V128] -> [V128];
    V128Or "v128.or" = 0x50: [V128 V128] -> [V128];
    V128Xor "v128.xor" = 0x51: [V128 V128] -> [V128];
    V128Bitselect "v128.bitselect" = 0x52: [V128 V128 V128] -> [V128];
    V128AnyTrue "v128.any_true" = 0x53: [V128] -> [I32];
    F32x4DemoteF64x2Zero "f32x4.demote_f64x2_zero" = 0x5E: [V128] -> [V128];
    F64x2PromoteLowF32x4 "f64x2.promote_low_f32x4" = 0x5F: [V128] -> [V128];
    I8x16Abs "i8x16.abs" = 0x60: [V128] -> [V128];
    I8x16Neg "i8x16.neg" = 0x61: [V128] -> [V128];
    I8x16Popcnt "i8x16.popcnt" = 0x62: [V128] -> [V128];
    I8x16AllTrue "i8x16.all_true" = 0x63: [V128] -> [I32];
    I8x16Bitmask "i8x16.bitmask" = 0x64: [V128] -> [I32];
    I8x16NarrowI16x8S "i8x16.narrow_i16x8_s" = 0x65: [V128 V128] -> [V128];
    I8x16NarrowI16x8U "i8x16.narrow_i16x8_u" = 0x66: [V128 V128] -> [V128];
    F32x4Ceil "f32x4.ceil" = 0x67: [V128] -> [V128];
    F32x4Floor "f32x4.floor" = 0x68: [V128] -> [V128];
    F32x4Trunc "f32x4.trunc" = 0x69: [V128] -> [V128];
    F32x4Nearest "f32x4.nearest" = 0x6A: [V128] -> [V128];
    I8x16Shl "i8x16.shl" = 0x6B: [V128 I32] -> [V128];
    I8x16ShrS "i8x16.shr_s" = 0x6C: [V128 I32] -> [V128];
    I8x16ShrU "i8x16.shr_u" = 0x6D: [V128 I32] -> [V128];
    I8x16Add "i8x16.add" = 0x6E: [V128 V128] -> [V128];
    I8x16AddSatS "i8x16.add_sat_s" = 0x6F: [V128 V128] -> [V128];
    I8x16AddSatU "i8x16.add_sat_u" = 0x70: [V128 V128] -> [V128];
    I8x16Sub "i8x16.sub" = 0x71: [V128 V128] -> [V128];
    I8x16SubSatS "i8x16.sub_sat_s" = 0x72: [V128 V128] -> [V128];
    I8x16SubSatU "i8x16.sub_sat_u" = 0x73: [V128 V128] -> [V128];
    F64x2Ceil "f64x2.ceil" = 0x74: [V128] -> [V128];
    F64x2Floor "f64x2.floor" = 0x75: [V128] -> [V128];
    I8x16MinS "i8x16.min_s" = 0x76: [V128 V128] -> [V128];
    I8x16MinU "i8x16.min_u" = 0x77: [V128 V128] -> [V128];
    I8x16MaxS "i8x16.max_s" = 0x78: [V128 V128] -> [V128];
    I8x16MaxU "i8x16.max_u" = 0x79: [V128 V128] -> [V128];
    F64x2Trunc "f64x2.trunc" = 0x7A: [V128] -> [V128];
    I8x16AvgrU "i8x16.avgr_u" = 0x7B: [V128 V128] -> [V128];
    I16x8ExtaddPairwiseI8x16S "i16x8.extadd_pairwise_i8x16_s" = 0x7C: [V128] -> [V128];
    I16x8ExtaddPairwiseI8x16U "i16x8.extadd_pairwise_i8x16_u" = 0x7D: [V128] -> [V128];
    I32x4ExtaddPairwiseI16x8S "i32x4.extadd_pairwise_i16x8_s" = 0x7E: [V128] -> [V128];
    I32x4ExtaddPairwiseI16x8U "i32x4.extadd_pairwise_i16x8_u" = 0x7F: [V128] -> [V128];
    I16x8Abs "i16x8.abs" = 0x80: [V128] -> [V128];
    I16x8Neg "i16x8.neg" = 0x81: [V128] -> [V128];
    I16x8Q15MulrSatS "i16x8.q15mulr_sat_s" = 0x82: [V128 V128] -> [V128];
    I16x8AllTrue "i16x8.all_true" = 0x83: [V128] -> [I32];
    I16x8Bitmask "i16x8.bitmask" = 0x84: [V128] -> [I32];
    I16x8NarrowI32x4S "i16x8.narrow_i32x4_s" = 0x85: [V128 V128] -> [V128];
    I16x8NarrowI32x4U "i16x8.narrow_i32x4_u" = 0x86: [V128 V128] -> [V128];
    I16x8ExtendLowI8x16S "i16x8.extend_low_i8x16_s" = 0x87: [V128] -> [V128];
    I16x8ExtendHighI8x16S "i16x8.extend_high_i8x16_s" = 0x88: [V128] -> [V128];
    I16x8ExtendLowI8x16U "i16x8.extend_low_i8x16_u" = 0x89: [V128] -> [V128];
    I16x8ExtendHighI8x16U "i16x8.extend_high_i8x16_u" = 0x8A: [V128] -> [V128];
    I16x8Shl "i16x8.shl" = 0x8B: [V128 I32] -> [V128];
    I16x8ShrS "i16x8.shr_s" = 0x8C: [V128 I32] -> [V128];
    I16x8ShrU "i16x8.shr_u" = 0x8D: [V128 I32] -> [V128];
    I16x8Add "i16x8.add" = 0x8E: [V128 V128] -> [V128];
    I16x8AddSatS "i16x8.add_sat_s" = 0x8F: [V128 V128] -> [V128];
    I16x8AddSatU "i16x8.add_sat_u" = 0x90: [V128 V128] -> [V128];
    I16x8Sub "i16x8.sub" = 0x91: [V128 V128] -> [V128];
    I16x8SubSatS "i16x8.sub_sat_s" = 0x92: [V128 V128] -> [V128];
    I16x8SubSatU "i16x8.sub_sat_u" = 0x93: [V128 V128] -> [V128];
    F64x2Nearest "f64x2.nearest" = 0x94: [V128] -> [V128];
    I16x8Mul "i16x8.mul" = 0x95: [V128 V128] -> [V128];
    I16x8MinS "i16x8.min_s" = 0x96: [V128 V128] -> [V128];
    I16x8MinU "i16x8.min_u" = 0x97: [V128 V128] -> [V128];
    I16x8MaxS "i16x8.max_s" = 0x98: [V128 V128] -> [V128];
    I16x8MaxU "i16x8.max_u" = 0x99: [V128 V128] -> [V128];
    I16x8AvgrU "i16x8.avgr_u" = 0x9B: [V128 V128] -> [V128];
    I16x8ExtmulLowI8x16S "i16x8.extmul_low_i8x16_s" = 0x9C: [V128 V128] -> [V128];
    I16x8ExtmulHighI8x16S "i16x8.extmul_high_i8x16_s" = 0x9D: [V128 V128] -> [V128];
    I16x8ExtmulLowI8x16U "i16x8.extmul_low_i8x16_u" = 0x9E: [V128 V128] -> [V128];
    I16x8ExtmulHighI8x16U "i16x8.extmul_high_i8x16_u" = 0x9F: [V128 V128] -> [V128];
    I32x4Abs "i32x4.abs" = 0xA0: [V128] -> [V128];
    I32x4Neg "i32x4.neg" = 0xA1: [V128] -> [V128];
    I32x4AllTrue "i32x4.all_true" = 0xA3: [V128] -> [I32];
    I32x4Bitmask "i32x4.bitmask" = 0xA4: [V128] -> [I32];
    I32x4ExtendLowI16x8S "i32x4.extend_low_i16x8_s" = 0xA7: [V128] -> [V128];
    I32x4ExtendHighI16x8S "i32x4.extend_high_i16x8_s" = 0xA8: [V128] -> [V128];
    I32x4ExtendLowI16x8U "i32x4.extend_low_i16x8_u" = 0xA9: [V128] -> [V128];
    I32x4ExtendHighI16x8U "i32x4.extend_high_i16x8_u" = 0xAA: [V128] -> [V128];
    I32x4Shl "i32x4.shl" = 0xAB: [V128 I32] -> [V128];
    I32x4ShrS "i32x4.shr_s" = 0xAC: [V128 I32] -> [V128];
    I32x4ShrU "i32x4.shr_u" = 0xAD: [V128 I32] -> [V128];
    I32x4Add "i32x4.add" = 0xAE: [V128 V128] -> [V128];
    I32x4Sub "i32x4.sub" = 0xB1: [V128 V128] -> [V128];
    I32x4Mul "i32x4.mul" = 0xB5: [V128 V128] -> [V128];
    I32x4MinS "i32x4.min_s" = 0xB6: [V128 V128] -> [V128];
    I32x4MinU "i32x4.min_u" = 0xB7: [V128 V128] -> [V128];
    I32x4MaxS "i32x4.max_s" = 0xB8: [V128 V128] -> [V128];
    I32x4MaxU "i32x4.max_u" = 0xB9: [V128 V128] -> [V128];
    I32x4DotI16x8S "i32x4.dot_i16x8_s" = 0xBA: [V128 V128] -> [V128];
    I32x4ExtmulLowI16x8S "i32x4.extmul_low_i16x8_s" = 0xBC: [V128 V128] -> [V128];
    I32x4ExtmulHighI16x8S "i32x4.extmul_high_i16x8_s" = 0xBD: [V128 V128] -> [V128];
    I32x4ExtmulLowI16x8U "i32x4.extmul_low_i16x8_u" = 0xBE: [V128 V128] -> [V128];
    I32x4ExtmulHighI16x8U "i32x4.extmul_high_i16x8_u" = 0xBF: [V128 V128] -> [V128];
    I64x2Abs "i64x2.abs" = 0xC0: [V128] -> [V128];
    I64x2Neg "i64x2.neg" = 0xC1: [V128] -> [V128];
    I64x2AllTrue "i64x2.all_true" = 0xC3: [V128] -> [I32];
    I64x2Bitmask "i64x2.bitmask" = 0xC4: [V128] -> [I32];
    I64x2ExtendLowI32x4S "i64x2.extend_low_i32x4_s" = 0xC7: [V128] -> [V128];
    I64x2ExtendHighI32x4S "i64x2.extend_high_i32x4_s" = 0xC8: [V128] -> [V128];
    I64x2ExtendLowI32x4U "i64x2.extend_low_i32x4_u" = 0xC9: [V128] -> [V128];
    I64x2ExtendHighI32x4U "i64x2.extend_high_i32x4_u" = 0xCA: [V128] -> [V128];
    I64x2Shl "i64x2.shl" = 0xCB: [V128 I32] -> [V128];
    I64x2ShrS "i64x2.shr_s" = 0xCC: [V128 I32] -> [V128];
    I64x2ShrU "i64x2.shr_u" = 0xCD: [V128 I32] -> [V128];
    I64x2Add "i64x2.add" = 0xCE: [V128 V128] -> [V128];
    I64x2Sub "i64x2.sub" = 0xD1: [V128 V128] -> [V128];
    I64x2Mul "i64x2.mul" = 0xD5: [V128 V128] -> [V128];
    I64x2Eq "i64x2.eq" = 0xD6: [V128 V128] -> [V128];
    I64x2Ne "i64x2.ne" = 0xD7: [V128 V128] -> [V128];
    I64x2LtS "i64x2.lt_s" = 0xD8: [V128 V128] -> [V128];
    I64x2GtS "i64x2.gt_s" = 0xD9: [V128 V128] -> [V128];
    I64x2LeS "i64x2.le_s" = 0xDA: [V128 V128] -> [V128];
    I64x2GeS "i64x2.ge_s" = 0xDB: [V128 V128] -> [V128];
    I64x2ExtmulLowI32x4S "i64x2.extmul_low_i32x4_s" = 0xDC: [V128 V128] -> [V128];
    I64x2ExtmulHighI32x4S "i64x2.extmul_high_i32x4_s" = 0xDD: [V128 V128] -> [V128];
    I64x2ExtmulLowI32x4U "i64x2.extmul_low_i32x4_u" = 0xDE: [V128 V128] -> [V128];
    I64x2ExtmulHighI32x4U "i64x2.extmul_high_i32x4_u" = 0xDF: [V128 V128] -> [V128];
    F32x4Abs "f32x4.abs" = 0xE0: [V128] -> [V128];
    F32x4Neg "f32x4.neg" = 0xE1: [V128] -> [V128];
    F32x4Sqrt "f32x4.sqrt" = 0xE3: [V128] -> [V128];
    F32x4Add "f32x4.add" = 0xE4: [V128 V128] -> [V128];
    F32x4Sub "f32x4.sub" = 0xE5: [V128 V128] -> [V128];
    F32x4Mul "f32x4.mul" = 0xE6: [V128 V128] -> [V128];
    F32x4Div "f32x4.div" = 0xE7: [V128 V128] -> [V128];
    F32x4Min "f32x4.min" = 0xE8: [V128 V128] -> [V128];
    F32x4Max "f32x4.max" = 0xE9: [V128 V128] -> [V128];
    F32x4Pmin "f32x4.pmin" = 0xEA: [V128 V128] -> [V128];
    F32x4Pmax "f32x4.pmax" = 0xEB: [V128 V128] -> [V128];
    F64x2Abs "f64x2.abs" = 0xEC: [V128] -> [V128];
    F64x2Neg "f64x2.neg" = 0xED: [V128] -> [V128];
    F64x2Sqrt "f64x2.sqrt" = 0xEF: [V128] -> [V128];
    F64x2Add "f64x2.add" = 0xF0: [V128 V128] -> [V128];
    F64x2Sub "f64x2.sub" = 0xF1: [V128 V128] -> [V128];
    F64x2Mul "f64x2.mul" = 0xF2: [V128 V128] -> [V128];
    F64x2Div "f64x2.div" = 0xF3: [V128 V128] -> [V128];
    F64x2Min "f64x2.min" = 0xF4: [V128 V128] -> [V128];
    F64x2Max "f64x2.max" = 0xF5: [V128 V128] -> [V128];
    F64x2Pmin "f64x2.pmin" = 0xF6: [V128 V128] -> [V128];
    F64x2Pmax "f64x2.pmax" = 0xF7: [V128 V128] -> [V128];
    I32x4TruncSatF32x4S "i32x4.trunc_sat_f32x4_s" = 0xF8: [V128] -> [V128];
    I32x4TruncSatF32x4U "i32x4.trunc_sat_f32x4_u" = 0xF9: [V128] -> [V128];
    F32x4ConvertI32x4S "f32x4.convert_i32x4_s" = 0xFA: [V128] -> [V128];
    F32x4ConvertI32x4U "f32x4.convert_i32x4_u" = 0xFB: [V128] -> [V128];
    I32x4TruncSatF64x2SZero "i32x4.trunc_sat_f64x2_s_zero" = 0xFC: [V128] -> [V128];
    I32x4TruncSatF64x2UZero "i32x4.trunc_sat_f64x2_u_zero" = 0xFD: [V128] -> [V128];
    F64x2ConvertLowI32x4S "f64x2.convert_low_i32x4_s" = 0xFE: [V128] -> [V128];
    F64x2ConvertLowI32x4U "f64x2.convert_low_i32x4_u" = 0xFF: [V128] -> [V128];
}
