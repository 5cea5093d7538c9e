//! 128-bit vector instructions on operand slots (lane 0 in the least significant bits).

use std::array::from_fn;

use super::Slot;
use super::numeric::{fmax32, fmax64, fmin32, fmin64, round32, round64};
use crate::ops::{LaneOp, LoadOp, SimdOp};

/// Defines the conversions between a vector and its lanes of one shape.
macro_rules! shape {
    ($to:ident, $from:ident, $t:ty, $n:literal) => {
        fn $to(v: u128) -> [$t; $n] {
            const W: usize = 16 / $n;
            let b = v.to_le_bytes();
            from_fn(|i| {
                let mut lane = [0u8; W];
                lane.copy_from_slice(&b[i * W..(i + 1) * W]);
                <$t>::from_le_bytes(lane)
            })
        }

        fn $from(lanes: [$t; $n]) -> u128 {
            const W: usize = 16 / $n;
            let mut b = [0u8; 16];
            for (i, lane) in lanes.iter().enumerate() {
                b[i * W..(i + 1) * W].copy_from_slice(&lane.to_le_bytes());
            }
            u128::from_le_bytes(b)
        }
    };
}

shape!(i8s, from_i8s, i8, 16);
shape!(u8s, from_u8s, u8, 16);
shape!(i16s, from_i16s, i16, 8);
shape!(u16s, from_u16s, u16, 8);
shape!(i32s, from_i32s, i32, 4);
shape!(u32s, from_u32s, u32, 4);
shape!(i64s, from_i64s, i64, 2);
shape!(u64s, from_u64s, u64, 2);
shape!(f32s, from_f32s, f32, 4);
shape!(f64s, from_f64s, f64, 2);

/// Lane-wise unary operation.
fn map<T: Copy, U, const N: usize>(
    v: u128,
    to: fn(u128) -> [T; N],
    from: fn([U; N]) -> u128,
    f: impl Fn(T) -> U,
) -> u128 {
    from(to(v).map(f))
}

/// Lane-wise binary operation.
fn zip<T: Copy, U, const N: usize>(
    a: u128,
    b: u128,
    to: fn(u128) -> [T; N],
    from: fn([U; N]) -> u128,
    f: impl Fn(T, T) -> U,
) -> u128 {
    let (x, y) = (to(a), to(b));
    from(from_fn(|i| f(x[i], y[i])))
}

/// Lane-wise comparison: all ones where `f` holds.
fn cmp<T: Copy, const N: usize>(
    a: u128,
    b: u128,
    to: fn(u128) -> [T; N],
    f: impl Fn(T, T) -> bool,
) -> u128 {
    let (x, y) = (to(a), to(b));
    let width = 128 / N;
    let ones = u128::MAX >> (128 - width);
    (0..N)
        .filter(|&i| f(x[i], y[i]))
        .fold(0, |acc, i| acc | ones << (i * width))
}

/// Sign bits of every lane, lane 0 in bit 0.
fn bitmask<T: Copy, const N: usize>(
    v: u128,
    to: fn(u128) -> [T; N],
    negative: impl Fn(T) -> bool,
) -> u128 {
    to(v)
        .iter()
        .enumerate()
        .filter(|(_, x)| negative(**x))
        .fold(0, |acc, (i, _)| acc | 1 << i)
}

/// Whether every lane is non-zero.
fn all_true<T: Copy + Default + PartialEq, const N: usize>(
    v: u128,
    to: fn(u128) -> [T; N],
) -> u128 {
    u128::from(to(v).iter().all(|x| *x != T::default()))
}

/// Concatenates lanes of `a` then `b`, converting each.
fn narrow<T: Copy, U, const N: usize, const M: usize>(
    a: u128,
    b: u128,
    to: fn(u128) -> [T; N],
    from: fn([U; M]) -> u128,
    f: impl Fn(T) -> U,
) -> u128 {
    let (x, y) = (to(a), to(b));
    from(from_fn(|i| if i < N { f(x[i]) } else { f(y[i - N]) }))
}

/// Widens the low (`high == false`) or high half of the lanes.
fn widen<T: Copy, U, const N: usize, const M: usize>(
    v: u128,
    high: bool,
    to: fn(u128) -> [T; N],
    from: fn([U; M]) -> u128,
    f: impl Fn(T) -> U,
) -> u128 {
    let x = to(v);
    let base = if high { M } else { 0 };
    from(from_fn(|i| f(x[base + i])))
}

/// Multiplies the widened low or high halves lane-wise.
fn extmul<T: Copy, U: std::ops::Mul<Output = U>, const N: usize, const M: usize>(
    a: u128,
    b: u128,
    high: bool,
    to: fn(u128) -> [T; N],
    from: fn([U; M]) -> u128,
    f: impl Fn(T) -> U,
) -> u128 {
    let (x, y) = (to(a), to(b));
    let base = if high { M } else { 0 };
    from(from_fn(|i| f(x[base + i]) * f(y[base + i])))
}

/// Adds adjacent pairs of widened lanes.
fn pairwise<T: Copy, U: std::ops::Add<Output = U>, const N: usize, const M: usize>(
    v: u128,
    to: fn(u128) -> [T; N],
    from: fn([U; M]) -> u128,
    f: impl Fn(T) -> U,
) -> u128 {
    let x = to(v);
    from(from_fn(|i| f(x[2 * i]) + f(x[2 * i + 1])))
}

fn pmin<T: PartialOrd>(a: T, b: T) -> T {
    if b < a { b } else { a }
}

fn pmax<T: PartialOrd>(a: T, b: T) -> T {
    if a < b { b } else { a }
}

/// Finishes a vector load that widens, splats or zero-fills (`raw` holds the bytes read,
/// zero-extended).
pub(crate) fn extend_load(op: LoadOp, raw: u128) -> Slot {
    let half = raw as u64;
    match op {
        LoadOp::V128Load8x8S => from_i16s(from_fn(|i| i16::from((half >> (8 * i)) as i8))),
        LoadOp::V128Load8x8U => from_u16s(from_fn(|i| u16::from((half >> (8 * i)) as u8))),
        LoadOp::V128Load16x4S => from_i32s(from_fn(|i| i32::from((half >> (16 * i)) as i16))),
        LoadOp::V128Load16x4U => from_u32s(from_fn(|i| u32::from((half >> (16 * i)) as u16))),
        LoadOp::V128Load32x2S => from_i64s(from_fn(|i| i64::from((half >> (32 * i)) as i32))),
        LoadOp::V128Load32x2U => from_u64s(from_fn(|i| u64::from((half >> (32 * i)) as u32))),
        LoadOp::V128Load8Splat => from_u8s([raw as u8; 16]),
        LoadOp::V128Load16Splat => from_u16s([raw as u16; 8]),
        LoadOp::V128Load32Splat => from_u32s([raw as u32; 4]),
        LoadOp::V128Load64Splat => from_u64s([raw as u64; 2]),
        // Scalar loads, `v128.load` and the zero-filling loads use the bytes as read.
        _ => raw,
    }
}

/// `i8x16.shuffle`: lane `i` of the result is byte `lanes[i]` of `a` ++ `b`.
pub(crate) fn shuffle(a: Slot, b: Slot, lanes: &[u8; 16]) -> Slot {
    let (x, y) = (u8s(a), u8s(b));
    from_u8s(from_fn(|i| {
        let l = lanes[i] as usize;
        if l < 16 { x[l] } else { y[l & 15] }
    }))
}

/// Lane extraction and replacement.
pub(crate) fn lane(op: LaneOp, lane: u8, s: &mut Vec<Slot>) {
    let l = lane as usize;
    let replace = op.signature().0.len() == 2;
    let x = if replace {
        s.pop().unwrap_or_default()
    } else {
        0
    };
    let Some(top) = s.last_mut() else { return };
    let v = *top;
    *top = match op {
        LaneOp::I8x16ExtractLaneS => Slot::from(i32::from(i8s(v)[l]) as u32),
        LaneOp::I8x16ExtractLaneU => Slot::from(u8s(v)[l]),
        LaneOp::I16x8ExtractLaneS => Slot::from(i32::from(i16s(v)[l]) as u32),
        LaneOp::I16x8ExtractLaneU => Slot::from(u16s(v)[l]),
        LaneOp::I32x4ExtractLane | LaneOp::F32x4ExtractLane => Slot::from(u32s(v)[l]),
        LaneOp::I64x2ExtractLane | LaneOp::F64x2ExtractLane => Slot::from(u64s(v)[l]),
        LaneOp::I8x16ReplaceLane => {
            let mut lanes = u8s(v);
            lanes[l] = x as u8;
            from_u8s(lanes)
        }
        LaneOp::I16x8ReplaceLane => {
            let mut lanes = u16s(v);
            lanes[l] = x as u16;
            from_u16s(lanes)
        }
        LaneOp::I32x4ReplaceLane | LaneOp::F32x4ReplaceLane => {
            let mut lanes = u32s(v);
            lanes[l] = x as u32;
            from_u32s(lanes)
        }
        LaneOp::I64x2ReplaceLane | LaneOp::F64x2ReplaceLane => {
            let mut lanes = u64s(v);
            lanes[l] = x as u64;
            from_u64s(lanes)
        }
    };
}

fn sat_i8(x: i16) -> i8 {
    x.clamp(i16::from(i8::MIN), i16::from(i8::MAX)) as i8
}

fn sat_u8(x: i16) -> u8 {
    x.clamp(0, 255) as u8
}

fn sat_i16(x: i32) -> i16 {
    x.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16
}

fn sat_u16(x: i32) -> u16 {
    x.clamp(0, 65535) as u16
}

/// Executes a vector instruction without immediates.
pub(crate) fn execute(op: SimdOp, s: &mut Vec<Slot>) {
    use SimdOp::*;
    let (params, _) = op.signature();
    let c = if params.len() == 3 {
        s.pop().unwrap_or_default()
    } else {
        0
    };
    let b = if params.len() >= 2 {
        s.pop().unwrap_or_default()
    } else {
        0
    };
    let Some(top) = s.last_mut() else { return };
    let a = *top;
    // Shift counts are taken modulo the lane width by `wrapping_shl`/`wrapping_shr`.
    let n = b as u32;
    *top = match op {
        I8x16Swizzle => {
            let (x, idx) = (u8s(a), u8s(b));
            from_u8s(from_fn(|i| x.get(idx[i] as usize).copied().unwrap_or(0)))
        }
        I8x16Splat => from_u8s([a as u8; 16]),
        I16x8Splat => from_u16s([a as u16; 8]),
        I32x4Splat | F32x4Splat => from_u32s([a as u32; 4]),
        I64x2Splat | F64x2Splat => from_u64s([a as u64; 2]),
        I8x16Eq => cmp(a, b, u8s, |x, y| x == y),
        I8x16Ne => cmp(a, b, u8s, |x, y| x != y),
        I8x16LtS => cmp(a, b, i8s, |x, y| x < y),
        I8x16LtU => cmp(a, b, u8s, |x, y| x < y),
        I8x16GtS => cmp(a, b, i8s, |x, y| x > y),
        I8x16GtU => cmp(a, b, u8s, |x, y| x > y),
        I8x16LeS => cmp(a, b, i8s, |x, y| x <= y),
        I8x16LeU => cmp(a, b, u8s, |x, y| x <= y),
        I8x16GeS => cmp(a, b, i8s, |x, y| x >= y),
        I8x16GeU => cmp(a, b, u8s, |x, y| x >= y),
        I16x8Eq => cmp(a, b, u16s, |x, y| x == y),
        I16x8Ne => cmp(a, b, u16s, |x, y| x != y),
        I16x8LtS => cmp(a, b, i16s, |x, y| x < y),
        I16x8LtU => cmp(a, b, u16s, |x, y| x < y),
        I16x8GtS => cmp(a, b, i16s, |x, y| x > y),
        I16x8GtU => cmp(a, b, u16s, |x, y| x > y),
        I16x8LeS => cmp(a, b, i16s, |x, y| x <= y),
        I16x8LeU => cmp(a, b, u16s, |x, y| x <= y),
        I16x8GeS => cmp(a, b, i16s, |x, y| x >= y),
        I16x8GeU => cmp(a, b, u16s, |x, y| x >= y),
        I32x4Eq => cmp(a, b, u32s, |x, y| x == y),
        I32x4Ne => cmp(a, b, u32s, |x, y| x != y),
        I32x4LtS => cmp(a, b, i32s, |x, y| x < y),
        I32x4LtU => cmp(a, b, u32s, |x, y| x < y),
        I32x4GtS => cmp(a, b, i32s, |x, y| x > y),
        I32x4GtU => cmp(a, b, u32s, |x, y| x > y),
        I32x4LeS => cmp(a, b, i32s, |x, y| x <= y),
        I32x4LeU => cmp(a, b, u32s, |x, y| x <= y),
        I32x4GeS => cmp(a, b, i32s, |x, y| x >= y),
        I32x4GeU => cmp(a, b, u32s, |x, y| x >= y),
        I64x2Eq => cmp(a, b, u64s, |x, y| x == y),
        I64x2Ne => cmp(a, b, u64s, |x, y| x != y),
        I64x2LtS => cmp(a, b, i64s, |x, y| x < y),
        I64x2GtS => cmp(a, b, i64s, |x, y| x > y),
        I64x2LeS => cmp(a, b, i64s, |x, y| x <= y),
        I64x2GeS => cmp(a, b, i64s, |x, y| x >= y),
        F32x4Eq => cmp(a, b, f32s, |x, y| x == y),
        F32x4Ne => cmp(a, b, f32s, |x, y| x != y),
        F32x4Lt => cmp(a, b, f32s, |x, y| x < y),
        F32x4Gt => cmp(a, b, f32s, |x, y| x > y),
        F32x4Le => cmp(a, b, f32s, |x, y| x <= y),
        F32x4Ge => cmp(a, b, f32s, |x, y| x >= y),
        F64x2Eq => cmp(a, b, f64s, |x, y| x == y),
        F64x2Ne => cmp(a, b, f64s, |x, y| x != y),
        F64x2Lt => cmp(a, b, f64s, |x, y| x < y),
        F64x2Gt => cmp(a, b, f64s, |x, y| x > y),
        F64x2Le => cmp(a, b, f64s, |x, y| x <= y),
        F64x2Ge => cmp(a, b, f64s, |x, y| x >= y),
        V128Not => !a,
        V128And => a & b,
        V128AndNot => a & !b,
        V128Or => a | b,
        V128Xor => a ^ b,
        V128Bitselect => (a & c) | (b & !c),
        V128AnyTrue => u128::from(a != 0),
        F32x4DemoteF64x2Zero => {
            let x = f64s(a);
            from_f32s([x[0] as f32, x[1] as f32, 0.0, 0.0])
        }
        F64x2PromoteLowF32x4 => {
            let x = f32s(a);
            from_f64s([f64::from(x[0]), f64::from(x[1])])
        }
        I8x16Abs => map(a, i8s, from_i8s, i8::wrapping_abs),
        I8x16Neg => map(a, i8s, from_i8s, i8::wrapping_neg),
        I8x16Popcnt => map(a, u8s, from_u8s, |x| x.count_ones() as u8),
        I8x16AllTrue => all_true(a, u8s),
        I8x16Bitmask => bitmask(a, i8s, |x| x < 0),
        I8x16NarrowI16x8S => narrow(a, b, i16s, from_i8s, sat_i8),
        I8x16NarrowI16x8U => narrow(a, b, i16s, from_u8s, sat_u8),
        F32x4Ceil => map(a, f32s, from_f32s, |x| round32(x, f32::ceil)),
        F32x4Floor => map(a, f32s, from_f32s, |x| round32(x, f32::floor)),
        F32x4Trunc => map(a, f32s, from_f32s, |x| round32(x, f32::trunc)),
        F32x4Nearest => map(a, f32s, from_f32s, |x| round32(x, f32::round_ties_even)),
        I8x16Shl => map(a, u8s, from_u8s, |x| x.wrapping_shl(n)),
        I8x16ShrS => map(a, i8s, from_i8s, |x| x.wrapping_shr(n)),
        I8x16ShrU => map(a, u8s, from_u8s, |x| x.wrapping_shr(n)),
        I8x16Add => zip(a, b, u8s, from_u8s, u8::wrapping_add),
        I8x16AddSatS => zip(a, b, i8s, from_i8s, i8::saturating_add),
        I8x16AddSatU => zip(a, b, u8s, from_u8s, u8::saturating_add),
        I8x16Sub => zip(a, b, u8s, from_u8s, u8::wrapping_sub),
        I8x16SubSatS => zip(a, b, i8s, from_i8s, i8::saturating_sub),
        I8x16SubSatU => zip(a, b, u8s, from_u8s, u8::saturating_sub),
        F64x2Ceil => map(a, f64s, from_f64s, |x| round64(x, f64::ceil)),
        F64x2Floor => map(a, f64s, from_f64s, |x| round64(x, f64::floor)),
        I8x16MinS => zip(a, b, i8s, from_i8s, i8::min),
        I8x16MinU => zip(a, b, u8s, from_u8s, u8::min),
        I8x16MaxS => zip(a, b, i8s, from_i8s, i8::max),
        I8x16MaxU => zip(a, b, u8s, from_u8s, u8::max),
        F64x2Trunc => map(a, f64s, from_f64s, |x| round64(x, f64::trunc)),
        I8x16AvgrU => zip(a, b, u8s, from_u8s, |x, y| {
            ((u16::from(x) + u16::from(y) + 1) >> 1) as u8
        }),
        I16x8ExtaddPairwiseI8x16S => pairwise(a, i8s, from_i16s, i16::from),
        I16x8ExtaddPairwiseI8x16U => pairwise(a, u8s, from_u16s, u16::from),
        I32x4ExtaddPairwiseI16x8S => pairwise(a, i16s, from_i32s, i32::from),
        I32x4ExtaddPairwiseI16x8U => pairwise(a, u16s, from_u32s, u32::from),
        I16x8Abs => map(a, i16s, from_i16s, i16::wrapping_abs),
        I16x8Neg => map(a, i16s, from_i16s, i16::wrapping_neg),
        I16x8Q15MulrSatS => zip(a, b, i16s, from_i16s, |x, y| {
            sat_i16((i32::from(x) * i32::from(y) + 0x4000) >> 15)
        }),
        I16x8AllTrue => all_true(a, u16s),
        I16x8Bitmask => bitmask(a, i16s, |x| x < 0),
        I16x8NarrowI32x4S => narrow(a, b, i32s, from_i16s, sat_i16),
        I16x8NarrowI32x4U => narrow(a, b, i32s, from_u16s, sat_u16),
        I16x8ExtendLowI8x16S => widen(a, false, i8s, from_i16s, i16::from),
        I16x8ExtendHighI8x16S => widen(a, true, i8s, from_i16s, i16::from),
        I16x8ExtendLowI8x16U => widen(a, false, u8s, from_u16s, u16::from),
        I16x8ExtendHighI8x16U => widen(a, true, u8s, from_u16s, u16::from),
        I16x8Shl => map(a, u16s, from_u16s, |x| x.wrapping_shl(n)),
        I16x8ShrS => map(a, i16s, from_i16s, |x| x.wrapping_shr(n)),
        I16x8ShrU => map(a, u16s, from_u16s, |x| x.wrapping_shr(n)),
        I16x8Add => zip(a, b, u16s, from_u16s, u16::wrapping_add),
        I16x8AddSatS => zip(a, b, i16s, from_i16s, i16::saturating_add),
        I16x8AddSatU => zip(a, b, u16s, from_u16s, u16::saturating_add),
        I16x8Sub => zip(a, b, u16s, from_u16s, u16::wrapping_sub),
        I16x8SubSatS => zip(a, b, i16s, from_i16s, i16::saturating_sub),
        I16x8SubSatU => zip(a, b, u16s, from_u16s, u16::saturating_sub),
        F64x2Nearest => map(a, f64s, from_f64s, |x| round64(x, f64::round_ties_even)),
        I16x8Mul => zip(a, b, u16s, from_u16s, u16::wrapping_mul),
        I16x8MinS => zip(a, b, i16s, from_i16s, i16::min),
        I16x8MinU => zip(a, b, u16s, from_u16s, u16::min),
        I16x8MaxS => zip(a, b, i16s, from_i16s, i16::max),
        I16x8MaxU => zip(a, b, u16s, from_u16s, u16::max),
        I16x8AvgrU => zip(a, b, u16s, from_u16s, |x, y| {
            ((u32::from(x) + u32::from(y) + 1) >> 1) as u16
        }),
        I16x8ExtmulLowI8x16S => extmul(a, b, false, i8s, from_i16s, i16::from),
        I16x8ExtmulHighI8x16S => extmul(a, b, true, i8s, from_i16s, i16::from),
        I16x8ExtmulLowI8x16U => extmul(a, b, false, u8s, from_u16s, u16::from),
        I16x8ExtmulHighI8x16U => extmul(a, b, true, u8s, from_u16s, u16::from),
        I32x4Abs => map(a, i32s, from_i32s, i32::wrapping_abs),
        I32x4Neg => map(a, i32s, from_i32s, i32::wrapping_neg),
        I32x4AllTrue => all_true(a, u32s),
        I32x4Bitmask => bitmask(a, i32s, |x| x < 0),
        I32x4ExtendLowI16x8S => widen(a, false, i16s, from_i32s, i32::from),
        I32x4ExtendHighI16x8S => widen(a, true, i16s, from_i32s, i32::from),
        I32x4ExtendLowI16x8U => widen(a, false, u16s, from_u32s, u32::from),
        I32x4ExtendHighI16x8U => widen(a, true, u16s, from_u32s, u32::from),
        I32x4Shl => map(a, u32s, from_u32s, |x| x.wrapping_shl(n)),
        I32x4ShrS => map(a, i32s, from_i32s, |x| x.wrapping_shr(n)),
        I32x4ShrU => map(a, u32s, from_u32s, |x| x.wrapping_shr(n)),
        I32x4Add => zip(a, b, u32s, from_u32s, u32::wrapping_add),
        I32x4Sub => zip(a, b, u32s, from_u32s, u32::wrapping_sub),
        I32x4Mul => zip(a, b, u32s, from_u32s, u32::wrapping_mul),
        I32x4MinS => zip(a, b, i32s, from_i32s, i32::min),
        I32x4MinU => zip(a, b, u32s, from_u32s, u32::min),
        I32x4MaxS => zip(a, b, i32s, from_i32s, i32::max),
        I32x4MaxU => zip(a, b, u32s, from_u32s, u32::max),
        I32x4DotI16x8S => {
            let (x, y) = (i16s(a), i16s(b));
            from_i32s(from_fn(|i| {
                let lo = i32::from(x[2 * i]) * i32::from(y[2 * i]);
                let hi = i32::from(x[2 * i + 1]) * i32::from(y[2 * i + 1]);
                lo.wrapping_add(hi)
            }))
        }
        I32x4ExtmulLowI16x8S => extmul(a, b, false, i16s, from_i32s, i32::from),
        I32x4ExtmulHighI16x8S => extmul(a, b, true, i16s, from_i32s, i32::from),
        I32x4ExtmulLowI16x8U => extmul(a, b, false, u16s, from_u32s, u32::from),
        I32x4ExtmulHighI16x8U => extmul(a, b, true, u16s, from_u32s, u32::from),
        I64x2Abs => map(a, i64s, from_i64s, i64::wrapping_abs),
        I64x2Neg => map(a, i64s, from_i64s, i64::wrapping_neg),
        I64x2AllTrue => all_true(a, u64s),
        I64x2Bitmask => bitmask(a, i64s, |x| x < 0),
        I64x2ExtendLowI32x4S => widen(a, false, i32s, from_i64s, i64::from),
        I64x2ExtendHighI32x4S => widen(a, true, i32s, from_i64s, i64::from),
        I64x2ExtendLowI32x4U => widen(a, false, u32s, from_u64s, u64::from),
        I64x2ExtendHighI32x4U => widen(a, true, u32s, from_u64s, u64::from),
        I64x2Shl => map(a, u64s, from_u64s, |x| x.wrapping_shl(n)),
        I64x2ShrS => map(a, i64s, from_i64s, |x| x.wrapping_shr(n)),
        I64x2ShrU => map(a, u64s, from_u64s, |x| x.wrapping_shr(n)),
        I64x2Add => zip(a, b, u64s, from_u64s, u64::wrapping_add),
        I64x2Sub => zip(a, b, u64s, from_u64s, u64::wrapping_sub),
        I64x2Mul => zip(a, b, u64s, from_u64s, u64::wrapping_mul),
        I64x2ExtmulLowI32x4S => extmul(a, b, false, i32s, from_i64s, i64::from),
        I64x2ExtmulHighI32x4S => extmul(a, b, true, i32s, from_i64s, i64::from),
        I64x2ExtmulLowI32x4U => extmul(a, b, false, u32s, from_u64s, u64::from),
        I64x2ExtmulHighI32x4U => extmul(a, b, true, u32s, from_u64s, u64::from),
        F32x4Abs => a & !(0x8000_0000u128 * 0x0000_0001_0000_0001_0000_0001_0000_0001),
        F32x4Neg => a ^ (0x8000_0000u128 * 0x0000_0001_0000_0001_0000_0001_0000_0001),
        F32x4Sqrt => map(a, f32s, from_f32s, f32::sqrt),
        F32x4Add => zip(a, b, f32s, from_f32s, |x, y| x + y),
        F32x4Sub => zip(a, b, f32s, from_f32s, |x, y| x - y),
        F32x4Mul => zip(a, b, f32s, from_f32s, |x, y| x * y),
        F32x4Div => zip(a, b, f32s, from_f32s, |x, y| x / y),
        F32x4Min => zip(a, b, f32s, from_f32s, fmin32),
        F32x4Max => zip(a, b, f32s, from_f32s, fmax32),
        F32x4Pmin => zip(a, b, f32s, from_f32s, pmin),
        F32x4Pmax => zip(a, b, f32s, from_f32s, pmax),
        F64x2Abs => a & !(0x8000_0000_0000_0000u128 * 0x0000_0000_0000_0001_0000_0000_0000_0001),
        F64x2Neg => a ^ (0x8000_0000_0000_0000u128 * 0x0000_0000_0000_0001_0000_0000_0000_0001),
        F64x2Sqrt => map(a, f64s, from_f64s, f64::sqrt),
        F64x2Add => zip(a, b, f64s, from_f64s, |x, y| x + y),
        F64x2Sub => zip(a, b, f64s, from_f64s, |x, y| x - y),
        F64x2Mul => zip(a, b, f64s, from_f64s, |x, y| x * y),
        F64x2Div => zip(a, b, f64s, from_f64s, |x, y| x / y),
        F64x2Min => zip(a, b, f64s, from_f64s, fmin64),
        F64x2Max => zip(a, b, f64s, from_f64s, fmax64),
        F64x2Pmin => zip(a, b, f64s, from_f64s, pmin),
        F64x2Pmax => zip(a, b, f64s, from_f64s, pmax),
        // Rust's float-to-int `as` saturates and maps NaN to zero, as these require.
        I32x4TruncSatF32x4S => map(a, f32s, from_i32s, |x| x as i32),
        I32x4TruncSatF32x4U => map(a, f32s, from_u32s, |x| x as u32),
        F32x4ConvertI32x4S => map(a, i32s, from_f32s, |x| x as f32),
        F32x4ConvertI32x4U => map(a, u32s, from_f32s, |x| x as f32),
        I32x4TruncSatF64x2SZero => {
            let x = f64s(a);
            from_i32s([x[0] as i32, x[1] as i32, 0, 0])
        }
        I32x4TruncSatF64x2UZero => {
            let x = f64s(a);
            from_u32s([x[0] as u32, x[1] as u32, 0, 0])
        }
        F64x2ConvertLowI32x4S => {
            let x = i32s(a);
            from_f64s([f64::from(x[0]), f64::from(x[1])])
        }
        F64x2ConvertLowI32x4U => {
            let x = u32s(a);
            from_f64s([f64::from(x[0]), f64::from(x[1])])
        }
    };
}
