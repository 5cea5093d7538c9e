//! Numeric instructions on untyped operand slots.
//!
//! Integers are kept as their two's complement bits, floats as their IEEE 754 bits, so
//! NaN payloads survive moves, `abs`, `neg` and `copysign` exactly as the specification
//! requires.

use super::{Slot, Trap};
use crate::ops::NumOp;

fn f32v(x: u64) -> f32 {
    f32::from_bits(x as u32)
}

fn f64v(x: u64) -> f64 {
    f64::from_bits(x)
}

fn of32(x: f32) -> u64 {
    u64::from(x.to_bits())
}

fn of64(x: f64) -> u64 {
    x.to_bits()
}

fn oi32(x: i32) -> u64 {
    u64::from(x as u32)
}

fn i32v(x: u64) -> i32 {
    x as u32 as i32
}

fn b(x: bool) -> u64 {
    u64::from(x)
}

/// `fmin` with WebAssembly's rules: NaN if either operand is NaN, and -0 below +0.
macro_rules! float_min_max {
    ($name:ident, $t:ty, $pick:ident, $zero_bits:tt) => {
        pub(crate) fn $name(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                // Arithmetic NaN: quiet, propagating a payload.
                return a + b;
            }
            if a == 0.0 && b == 0.0 {
                return <$t>::from_bits(a.to_bits() $zero_bits b.to_bits());
            }
            a.$pick(b)
        }
    };
}

float_min_max!(fmin32, f32, min, |);
float_min_max!(fmax32, f32, max, &);
float_min_max!(fmin64, f64, min, |);
float_min_max!(fmax64, f64, max, &);

/// Applies a rounding function, quieting a signalling NaN as the hardware arithmetic
/// instructions do (software rounding would return it unchanged).
macro_rules! round {
    ($name:ident, $t:ty, $quiet:expr) => {
        pub(crate) fn $name(x: $t, f: fn($t) -> $t) -> $t {
            if x.is_nan() {
                <$t>::from_bits(x.to_bits() | $quiet)
            } else {
                f(x)
            }
        }
    };
}

round!(round32, f32, 0x0040_0000);
round!(round64, f64, 0x0008_0000_0000_0000);

/// Truncates `x` toward zero and checks that the result lies in `[lo, hi)`.
fn trunc(x: f64, lo: f64, hi: f64) -> Result<f64, Trap> {
    if x.is_nan() {
        return Err(Trap::InvalidConversion);
    }
    let t = x.trunc();
    if t < lo || t >= hi {
        return Err(Trap::IntegerOverflow);
    }
    Ok(t)
}

const I32_LO: f64 = -2147483648.0;
const I32_HI: f64 = 2147483648.0;
const U32_HI: f64 = 4294967296.0;
const I64_LO: f64 = -9223372036854775808.0;
const I64_HI: f64 = 9223372036854775808.0;
const U64_HI: f64 = 18446744073709551616.0;

/// Applies a unary operation to the low 64 bits of the top slot.
fn un(s: &mut [Slot], f: impl FnOnce(u64) -> u64) {
    if let Some(top) = s.last_mut() {
        *top = Slot::from(f(*top as u64));
    }
}

/// Applies a unary operation that may trap to the top slot.
fn un_t(s: &mut [Slot], f: impl FnOnce(u64) -> Result<u64, Trap>) -> Result<(), Trap> {
    if let Some(top) = s.last_mut() {
        *top = Slot::from(f(*top as u64)?);
    }
    Ok(())
}

/// Applies a binary operation to the two top slots.
fn bin(s: &mut Vec<Slot>, f: impl FnOnce(u64, u64) -> u64) {
    let y = s.pop().unwrap_or_default() as u64;
    un(s, |x| f(x, y));
}

/// Applies a binary operation that may trap to the two top slots.
fn bin_t(s: &mut Vec<Slot>, f: impl FnOnce(u64, u64) -> Result<u64, Trap>) -> Result<(), Trap> {
    let y = s.pop().unwrap_or_default() as u64;
    un_t(s, |x| f(x, y))
}

/// Executes a numeric instruction on the operand stack.
pub(crate) fn execute(op: NumOp, s: &mut Vec<Slot>) -> Result<(), Trap> {
    use NumOp::*;
    match op {
        I32Eqz => un(s, |a| b(a as u32 == 0)),
        I32Eq => bin(s, |x, y| b(x as u32 == y as u32)),
        I32Ne => bin(s, |x, y| b(x as u32 != y as u32)),
        I32LtS => bin(s, |x, y| b(i32v(x) < i32v(y))),
        I32LtU => bin(s, |x, y| b((x as u32) < y as u32)),
        I32GtS => bin(s, |x, y| b(i32v(x) > i32v(y))),
        I32GtU => bin(s, |x, y| b(x as u32 > y as u32)),
        I32LeS => bin(s, |x, y| b(i32v(x) <= i32v(y))),
        I32LeU => bin(s, |x, y| b(x as u32 <= y as u32)),
        I32GeS => bin(s, |x, y| b(i32v(x) >= i32v(y))),
        I32GeU => bin(s, |x, y| b(x as u32 >= y as u32)),
        I64Eqz => un(s, |a| b(a == 0)),
        I64Eq => bin(s, |x, y| b(x == y)),
        I64Ne => bin(s, |x, y| b(x != y)),
        I64LtS => bin(s, |x, y| b((x as i64) < y as i64)),
        I64LtU => bin(s, |x, y| b(x < y)),
        I64GtS => bin(s, |x, y| b(x as i64 > y as i64)),
        I64GtU => bin(s, |x, y| b(x > y)),
        I64LeS => bin(s, |x, y| b(x as i64 <= y as i64)),
        I64LeU => bin(s, |x, y| b(x <= y)),
        I64GeS => bin(s, |x, y| b(x as i64 >= y as i64)),
        I64GeU => bin(s, |x, y| b(x >= y)),
        F32Eq => bin(s, |x, y| b(f32v(x) == f32v(y))),
        F32Ne => bin(s, |x, y| b(f32v(x) != f32v(y))),
        F32Lt => bin(s, |x, y| b(f32v(x) < f32v(y))),
        F32Gt => bin(s, |x, y| b(f32v(x) > f32v(y))),
        F32Le => bin(s, |x, y| b(f32v(x) <= f32v(y))),
        F32Ge => bin(s, |x, y| b(f32v(x) >= f32v(y))),
        F64Eq => bin(s, |x, y| b(f64v(x) == f64v(y))),
        F64Ne => bin(s, |x, y| b(f64v(x) != f64v(y))),
        F64Lt => bin(s, |x, y| b(f64v(x) < f64v(y))),
        F64Gt => bin(s, |x, y| b(f64v(x) > f64v(y))),
        F64Le => bin(s, |x, y| b(f64v(x) <= f64v(y))),
        F64Ge => bin(s, |x, y| b(f64v(x) >= f64v(y))),
        I32Clz => un(s, |a| u64::from((a as u32).leading_zeros())),
        I32Ctz => un(s, |a| u64::from((a as u32).trailing_zeros())),
        I32Popcnt => un(s, |a| u64::from((a as u32).count_ones())),
        I32Add => bin(s, |x, y| u64::from((x as u32).wrapping_add(y as u32))),
        I32Sub => bin(s, |x, y| u64::from((x as u32).wrapping_sub(y as u32))),
        I32Mul => bin(s, |x, y| u64::from((x as u32).wrapping_mul(y as u32))),
        I32DivS => bin_t(s, |x, y| {
            let (x, y) = (i32v(x), i32v(y));
            match (x, y) {
                (_, 0) => Err(Trap::IntegerDivideByZero),
                (i32::MIN, -1) => Err(Trap::IntegerOverflow),
                _ => Ok(oi32(x / y)),
            }
        })?,
        I32DivU => bin_t(s, |x, y| match y as u32 {
            0 => Err(Trap::IntegerDivideByZero),
            d => Ok(u64::from(x as u32 / d)),
        })?,
        I32RemS => bin_t(s, |x, y| match i32v(y) {
            0 => Err(Trap::IntegerDivideByZero),
            d => Ok(oi32(i32v(x).wrapping_rem(d))),
        })?,
        I32RemU => bin_t(s, |x, y| match y as u32 {
            0 => Err(Trap::IntegerDivideByZero),
            d => Ok(u64::from(x as u32 % d)),
        })?,
        I32And => bin(s, |x, y| u64::from(x as u32 & y as u32)),
        I32Or => bin(s, |x, y| u64::from(x as u32 | y as u32)),
        I32Xor => bin(s, |x, y| u64::from(x as u32 ^ y as u32)),
        I32Shl => bin(s, |x, y| u64::from((x as u32).wrapping_shl(y as u32))),
        I32ShrS => bin(s, |x, y| oi32(i32v(x).wrapping_shr(y as u32))),
        I32ShrU => bin(s, |x, y| u64::from((x as u32).wrapping_shr(y as u32))),
        I32Rotl => bin(s, |x, y| u64::from((x as u32).rotate_left(y as u32))),
        I32Rotr => bin(s, |x, y| u64::from((x as u32).rotate_right(y as u32))),
        I64Clz => un(s, |a| u64::from(a.leading_zeros())),
        I64Ctz => un(s, |a| u64::from(a.trailing_zeros())),
        I64Popcnt => un(s, |a| u64::from(a.count_ones())),
        I64Add => bin(s, |x, y| x.wrapping_add(y)),
        I64Sub => bin(s, |x, y| x.wrapping_sub(y)),
        I64Mul => bin(s, |x, y| x.wrapping_mul(y)),
        I64DivS => bin_t(s, |x, y| match (x as i64, y as i64) {
            (_, 0) => Err(Trap::IntegerDivideByZero),
            (i64::MIN, -1) => Err(Trap::IntegerOverflow),
            (x, y) => Ok((x / y) as u64),
        })?,
        I64DivU => bin_t(s, |x, y| match y {
            0 => Err(Trap::IntegerDivideByZero),
            d => Ok(x / d),
        })?,
        I64RemS => bin_t(s, |x, y| match y as i64 {
            0 => Err(Trap::IntegerDivideByZero),
            d => Ok((x as i64).wrapping_rem(d) as u64),
        })?,
        I64RemU => bin_t(s, |x, y| match y {
            0 => Err(Trap::IntegerDivideByZero),
            d => Ok(x % d),
        })?,
        I64And => bin(s, |x, y| x & y),
        I64Or => bin(s, |x, y| x | y),
        I64Xor => bin(s, |x, y| x ^ y),
        I64Shl => bin(s, |x, y| x.wrapping_shl(y as u32)),
        I64ShrS => bin(s, |x, y| (x as i64).wrapping_shr(y as u32) as u64),
        I64ShrU => bin(s, |x, y| x.wrapping_shr(y as u32)),
        I64Rotl => bin(s, |x, y| x.rotate_left((y % 64) as u32)),
        I64Rotr => bin(s, |x, y| x.rotate_right((y % 64) as u32)),
        F32Abs => un(s, |a| a & 0x7FFF_FFFF),
        F32Neg => un(s, |a| (a ^ 0x8000_0000) & 0xFFFF_FFFF),
        F32Ceil => un(s, |a| of32(round32(f32v(a), f32::ceil))),
        F32Floor => un(s, |a| of32(round32(f32v(a), f32::floor))),
        F32Trunc => un(s, |a| of32(round32(f32v(a), f32::trunc))),
        F32Nearest => un(s, |a| of32(round32(f32v(a), f32::round_ties_even))),
        F32Sqrt => un(s, |a| of32(f32v(a).sqrt())),
        F32Add => bin(s, |x, y| of32(f32v(x) + f32v(y))),
        F32Sub => bin(s, |x, y| of32(f32v(x) - f32v(y))),
        F32Mul => bin(s, |x, y| of32(f32v(x) * f32v(y))),
        F32Div => bin(s, |x, y| of32(f32v(x) / f32v(y))),
        F32Min => bin(s, |x, y| of32(fmin32(f32v(x), f32v(y)))),
        F32Max => bin(s, |x, y| of32(fmax32(f32v(x), f32v(y)))),
        F32Copysign => bin(s, |x, y| (x & 0x7FFF_FFFF) | (y & 0x8000_0000)),
        F64Abs => un(s, |a| a & 0x7FFF_FFFF_FFFF_FFFF),
        F64Neg => un(s, |a| a ^ 0x8000_0000_0000_0000),
        F64Ceil => un(s, |a| of64(round64(f64v(a), f64::ceil))),
        F64Floor => un(s, |a| of64(round64(f64v(a), f64::floor))),
        F64Trunc => un(s, |a| of64(round64(f64v(a), f64::trunc))),
        F64Nearest => un(s, |a| of64(round64(f64v(a), f64::round_ties_even))),
        F64Sqrt => un(s, |a| of64(f64v(a).sqrt())),
        F64Add => bin(s, |x, y| of64(f64v(x) + f64v(y))),
        F64Sub => bin(s, |x, y| of64(f64v(x) - f64v(y))),
        F64Mul => bin(s, |x, y| of64(f64v(x) * f64v(y))),
        F64Div => bin(s, |x, y| of64(f64v(x) / f64v(y))),
        F64Min => bin(s, |x, y| of64(fmin64(f64v(x), f64v(y)))),
        F64Max => bin(s, |x, y| of64(fmax64(f64v(x), f64v(y)))),
        F64Copysign => bin(s, |x, y| {
            (x & 0x7FFF_FFFF_FFFF_FFFF) | (y & 0x8000_0000_0000_0000)
        }),
        I32WrapI64 => un(s, |a| a & 0xFFFF_FFFF),
        I32TruncF32S => un_t(s, |a| {
            Ok(oi32(trunc(f64::from(f32v(a)), I32_LO, I32_HI)? as i32))
        })?,
        I32TruncF32U => un_t(s, |a| {
            Ok(u64::from(trunc(f64::from(f32v(a)), 0.0, U32_HI)? as u32))
        })?,
        I32TruncF64S => un_t(s, |a| Ok(oi32(trunc(f64v(a), I32_LO, I32_HI)? as i32)))?,
        I32TruncF64U => un_t(s, |a| Ok(u64::from(trunc(f64v(a), 0.0, U32_HI)? as u32)))?,
        I64ExtendI32S => un(s, |a| i64::from(i32v(a)) as u64),
        I64ExtendI32U => un(s, |a| a & 0xFFFF_FFFF),
        I64TruncF32S => un_t(s, |a| {
            Ok(trunc(f64::from(f32v(a)), I64_LO, I64_HI)? as i64 as u64)
        })?,
        I64TruncF32U => un_t(s, |a| Ok(trunc(f64::from(f32v(a)), 0.0, U64_HI)? as u64))?,
        I64TruncF64S => un_t(s, |a| Ok(trunc(f64v(a), I64_LO, I64_HI)? as i64 as u64))?,
        I64TruncF64U => un_t(s, |a| Ok(trunc(f64v(a), 0.0, U64_HI)? as u64))?,
        F32ConvertI32S => un(s, |a| of32(i32v(a) as f32)),
        F32ConvertI32U => un(s, |a| of32(a as u32 as f32)),
        F32ConvertI64S => un(s, |a| of32(a as i64 as f32)),
        F32ConvertI64U => un(s, |a| of32(a as f32)),
        F32DemoteF64 => un(s, |a| of32(f64v(a) as f32)),
        F64ConvertI32S => un(s, |a| of64(f64::from(i32v(a)))),
        F64ConvertI32U => un(s, |a| of64(f64::from(a as u32))),
        F64ConvertI64S => un(s, |a| of64(a as i64 as f64)),
        F64ConvertI64U => un(s, |a| of64(a as f64)),
        F64PromoteF32 => un(s, |a| of64(f64::from(f32v(a)))),
        // Reinterpretations keep the bits as they are.
        I32ReinterpretF32 | I64ReinterpretF64 | F32ReinterpretI32 | F64ReinterpretI64 => {}
        I32Extend8S => un(s, |a| oi32(i32::from(a as i8))),
        I32Extend16S => un(s, |a| oi32(i32::from(a as i16))),
        I64Extend8S => un(s, |a| i64::from(a as i8) as u64),
        I64Extend16S => un(s, |a| i64::from(a as i16) as u64),
        I64Extend32S => un(s, |a| i64::from(a as i32) as u64),
        // Saturating conversions: Rust's `as` saturates and maps NaN to zero.
        I32TruncSatF32S => un(s, |a| oi32(f32v(a) as i32)),
        I32TruncSatF32U => un(s, |a| u64::from(f32v(a) as u32)),
        I32TruncSatF64S => un(s, |a| oi32(f64v(a) as i32)),
        I32TruncSatF64U => un(s, |a| u64::from(f64v(a) as u32)),
        I64TruncSatF32S => un(s, |a| f32v(a) as i64 as u64),
        I64TruncSatF32U => un(s, |a| f32v(a) as u64),
        I64TruncSatF64S => un(s, |a| f64v(a) as i64 as u64),
        I64TruncSatF64U => un(s, |a| f64v(a) as u64),
    }
    Ok(())
}
