//! Validation of constant expressions (global initializers, segment offsets and element
//! items).
//!
//! WebAssembly 2.0 allows only `t.const`, `ref.null`, `ref.func` and `global.get` of an
//! *imported immutable* global, and the expression must produce exactly one value of the
//! expected type.

use super::Context;
use crate::error::{Operand, ValidationErrorKind};
use crate::instructions::{Expr, Instr};
use crate::types::ValType;

/// Checks that `expr` is constant and produces one value of type `expected`. On failure
/// returns the offending instruction's byte offset and the reason.
pub(super) fn check(
    ctx: &Context<'_>,
    expr: &Expr,
    expected: ValType,
) -> Result<(), (usize, ValidationErrorKind)> {
    let mut stack: Vec<ValType> = Vec::new();
    let end = expr.offset_of(expr.instrs.len().saturating_sub(1));
    let Some((Instr::End, body)) = expr.instrs.split_last() else {
        return Err((end, ValidationErrorKind::UnbalancedBody));
    };
    for (i, instr) in body.iter().enumerate() {
        let at = expr.offset_of(i);
        let t = match *instr {
            Instr::I32Const(_) => ValType::I32,
            Instr::I64Const(_) => ValType::I64,
            Instr::F32Const(_) => ValType::F32,
            Instr::F64Const(_) => ValType::F64,
            Instr::V128Const(_) => ValType::V128,
            Instr::RefNull(t) => t.val_type(),
            Instr::RefFunc(f) => {
                if f as usize >= ctx.funcs.len() {
                    return Err((at, ValidationErrorKind::UnknownFunction(f)));
                }
                ValType::FuncRef
            }
            Instr::GlobalGet(g) => {
                // Only imported globals are visible to constant expressions.
                let Some(global) = ctx
                    .globals
                    .get(g as usize)
                    .filter(|_| (g as usize) < ctx.imported_globals)
                else {
                    return Err((at, ValidationErrorKind::UnknownGlobal(g)));
                };
                if global.mutable {
                    return Err((at, ValidationErrorKind::ConstantExpressionRequired));
                }
                global.val
            }
            _ => return Err((at, ValidationErrorKind::ConstantExpressionRequired)),
        };
        stack.push(t);
    }
    match stack.as_slice() {
        [t] if *t == expected => Ok(()),
        [t] => Err((
            end,
            ValidationErrorKind::TypeMismatch {
                expected: Operand::Val(expected),
                found: Operand::Val(*t),
            },
        )),
        [] => Err((
            end,
            ValidationErrorKind::TypeMismatch {
                expected: Operand::Val(expected),
                found: Operand::Nothing,
            },
        )),
        more => Err((end, ValidationErrorKind::ValuesRemaining(more.len() - 1))),
    }
}
