//! USR: calling 6502 code from the middle of an expression without blocking in Rust.
//!
//! The argument goes into FAC1 ($61-$66, V2's unpacked form) and the CPU jumps to the
//! `JMP` at $0310 with a return into BASIC's ROM pushed, as V2 does. Since the statement's
//! evaluation cannot be held open across the call, a USR frame on the stack (the USR
//! token, the statement's text address, the number of results, then each result packed)
//! records the results; when the routine returns, the statement runs again from its start
//! and takes each earlier USR's result from the frame instead of calling again, printing
//! nothing until it is past the last of them. What a statement does before its last USR
//! besides printing (an assignment, RND) is done again by that replay.
//!
//! The ROM routines USR code calls to convert FAC1 are here too: $B1AA (FAC1 to a 16-bit
//! integer in A high, Y low) and $B391 (A high, Y low to FAC1); $B248, where $0311 points
//! after a cold start, reports `?ILLEGAL QUANTITY`.

use super::super::TrapContext;
use super::interp::{Error, Result, Run};
use super::memory::to_integer;
use super::{RUN_LOOP, STACK_BASE, TXTPTR, float, token};

/// FAC1: exponent, 4 mantissa bytes (top bit set), sign.
const FAC: u16 = 0x61;
/// V2's USR jump: a JMP whose address is at $0311.
pub(super) const USRPOK: u16 = 0x0310;
/// Where a USR routine returns to.
pub(super) const USR_RETURN: u16 = 0xa7c0;
/// The bytes of a USR frame before its results.
const HEADER: u16 = 4;

/// The results of the USR calls a statement already made, for its replay.
#[derive(Debug, Default)]
pub(super) struct Replay {
    /// Each call's result, in the order the statement makes them.
    pub results: Vec<f64>,
    /// How many of them the replay has used.
    pub used: usize,
}

impl Replay {
    /// Whether the statement is still before its last USR call that already returned.
    pub(super) fn replaying(&self) -> bool {
        self.used < self.results.len()
    }
}

/// Writes a number into FAC1.
fn set_fac(ctx: &mut TrapContext<'_>, number: f64) {
    let packed = float::pack(number);
    ctx.set_ram(FAC, packed[0]);
    ctx.set_ram(FAC + 1, packed[1] | 0x80);
    for offset in 2..5 {
        ctx.set_ram(FAC + offset, packed[usize::from(offset)]);
    }
    ctx.set_ram(FAC + 5, if packed[1] & 0x80 != 0 { 0xff } else { 0 });
    ctx.set_ram(0x70, 0);
}

/// The number in FAC1.
fn fac(ctx: &TrapContext<'_>) -> f64 {
    let sign = ctx.ram(FAC + 5) & 0x80;
    float::unpack([
        ctx.ram(FAC),
        (ctx.ram(FAC + 1) & 0x7f) | sign,
        ctx.ram(FAC + 2),
        ctx.ram(FAC + 3),
        ctx.ram(FAC + 4),
    ])
}

/// Takes the USR frame off the top of the stack; its results when it belongs to the
/// statement at `start`.
pub(super) fn take_frame(ctx: &mut TrapContext<'_>, start: u16) -> Replay {
    let top = 0x0100 + u16::from(ctx.cpu.s) + 1;
    if ctx.cpu.s >= STACK_BASE || ctx.ram(top) != token::USR {
        return Replay::default();
    }
    let count = u16::from(ctx.ram(top + 3));
    let size = HEADER + 5 * count;
    ctx.cpu.s = ctx
        .cpu
        .s
        .saturating_add(size.min(255) as u8)
        .min(STACK_BASE);
    if ctx.ram_word(top + 1) != start {
        return Replay::default();
    }
    let results = (0..count)
        .map(|index| {
            let at = top + HEADER + 5 * index;
            let bytes = [0, 1, 2, 3, 4].map(|offset| ctx.ram(at.wrapping_add(offset)));
            float::unpack(bytes)
        })
        .collect();
    Replay { results, used: 0 }
}

/// Pushes a USR frame holding `results` for the statement at `start`.
fn push_frame(ctx: &mut TrapContext<'_>, start: u16, results: &[f64]) -> Result<()> {
    let size = HEADER + 5 * results.len() as u16;
    if results.len() > 30 || u16::from(ctx.cpu.s) < 0x40 + size + 2 {
        return Err(Error::OutOfMemory);
    }
    ctx.cpu.s -= size as u8;
    let top = 0x0100 + u16::from(ctx.cpu.s) + 1;
    ctx.set_ram(top, token::USR);
    ctx.set_ram_word(top + 1, start);
    ctx.set_ram(top + 3, results.len() as u8);
    for (index, &result) in results.iter().enumerate() {
        for (offset, byte) in float::pack(result).into_iter().enumerate() {
            ctx.set_ram(top + HEADER + 5 * index as u16 + offset as u16, byte);
        }
    }
    Ok(())
}

impl Run<'_, '_> {
    /// USR(x): the result of this call from an earlier run of the statement, or the
    /// call itself (FAC1 set, `Error::CallUsr` unwinding the statement).
    pub(super) fn usr(&mut self, argument: f64) -> Result<f64> {
        let Some(replay) = self.replay.as_mut() else {
            return Err(Error::IllegalQuantity);
        };
        if let Some(&result) = replay.results.get(replay.used) {
            replay.used += 1;
            return Ok(result);
        }
        set_fac(self.ctx, argument);
        Err(Error::CallUsr)
    }
}

/// Enters the USR routine for the statement at `start` after `results` earlier calls:
/// the frame, the return address, and the CPU at $0310.
pub(super) fn call(ctx: &mut TrapContext<'_>, start: u16, results: &[f64]) -> Result<()> {
    push_frame(ctx, start, results)?;
    let [low, high] = (USR_RETURN - 1).to_le_bytes();
    let s = ctx.cpu.s;
    ctx.set_ram(0x0100 + u16::from(s), high);
    ctx.set_ram(0x0100 + u16::from(s.wrapping_sub(1)), low);
    ctx.cpu.s = s.wrapping_sub(2);
    ctx.set_ram_word(TXTPTR, start);
    ctx.cpu.pc = USRPOK;
    Ok(())
}

/// The USR routine returned: its FAC1 joins the frame's results, and the statement runs
/// again.
pub(in super::super) fn usr_return(ctx: &mut TrapContext<'_>) {
    let start = ctx.ram_word(TXTPTR);
    let mut replay = take_frame(ctx, start);
    let result = float::round(fac(ctx)).map_err(Error::from);
    let outcome = result.and_then(|result| {
        replay.results.push(result);
        push_frame(ctx, start, &replay.results)
    });
    match outcome {
        Ok(()) => ctx.cpu.pc = RUN_LOOP,
        Err(error) => super::statements::fail(ctx, error),
    }
}

/// $B1AA: FAC1 as a 16-bit integer in A (high) and Y (low), also in $64/$65.
pub(in super::super) fn fac_to_integer(ctx: &mut TrapContext<'_>) {
    match to_integer(fac(ctx)) {
        Ok(value) => {
            let [high, low] = value.to_be_bytes();
            ctx.set_ram(FAC + 3, high);
            ctx.set_ram(FAC + 4, low);
            ctx.cpu.a = high;
            ctx.cpu.y = low;
            ctx.charge(200);
        }
        Err(error) => super::statements::fail(ctx, error),
    }
}

/// $B391: the 16-bit integer in A (high) and Y (low) into FAC1.
pub(in super::super) fn integer_to_fac(ctx: &mut TrapContext<'_>) {
    let value = i16::from_be_bytes([ctx.cpu.a, ctx.cpu.y]);
    set_fac(ctx, f64::from(value));
    ctx.charge(200);
}

/// $B248: USR with no routine set up.
pub(in super::super) fn no_routine(ctx: &mut TrapContext<'_>) {
    super::statements::fail(ctx, Error::IllegalQuantity);
}
