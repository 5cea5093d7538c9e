//! Expressions: parsing from tokens and evaluation.
//!
//! Grammar (loosest first):
//!
//! ```text
//! expr    := '<' expr | '>' expr | sum          low / high byte of everything after
//! sum     := product (('+' | '-') product)*
//! product := unary (('*' | '/') unary)*
//! unary   := '-' unary | '<' unary | '>' unary | primary
//! primary := number | 'c' | symbol | '*' | '(' expr ')'
//! ```
//!
//! A `*` where an operand is expected is the current address; between operands it
//! multiplies.

use crate::error::ErrorKind;
use crate::lexer::{Tok, Token};

/// A binary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
}

/// An expression tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Expr {
    /// A literal.
    Num(i64),
    /// The address of the current line (`*`).
    Pc,
    /// A symbol as written (local names keep their `.` / `@` prefix) and its column.
    Sym(String, u32),
    /// Negation.
    Neg(Box<Expr>),
    /// Low byte (`<`).
    Lo(Box<Expr>),
    /// High byte (`>`).
    Hi(Box<Expr>),
    /// A binary operation; the column is the operator's (for division by zero).
    Bin(BinOp, Box<Expr>, Box<Expr>, u32),
}

/// An expression and the column where it starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ExprAt {
    pub expr: Expr,
    pub col: u32,
}

/// Why an evaluation produced no value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum EvalError {
    /// A symbol is not (yet) defined: its name and column.
    Unknown(String, u32),
    /// A real error at a column.
    Fatal(u32, ErrorKind),
}

/// A parse failure: the column and what went wrong.
pub(crate) type ParseError = (u32, ErrorKind);

/// A cursor over a line's tokens.
pub(crate) struct Cursor<'a> {
    tokens: &'a [Token],
    pos: usize,
    /// Binary operators parsed so far on this line (bounded, so evaluating and dropping
    /// the tree cannot overflow the stack).
    operators: u32,
    /// Column just past the last token, for "expected … at end of line" errors.
    end_col: u32,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `tokens`; `end_col` is the column after the line's text.
    pub fn new(tokens: &'a [Token], end_col: u32) -> Self {
        Cursor {
            tokens,
            pos: 0,
            operators: 0,
            end_col,
        }
    }

    /// The next token, if any, without consuming it.
    pub fn peek(&self) -> Option<&'a Token> {
        self.tokens.get(self.pos)
    }

    /// The token after the next one.
    pub fn peek2(&self) -> Option<&'a Token> {
        self.tokens.get(self.pos + 1)
    }

    /// Consumes and returns the next token.
    pub fn next_token(&mut self) -> Option<&'a Token> {
        let token = self.tokens.get(self.pos);
        if token.is_some() {
            self.pos += 1;
        }
        token
    }

    /// Whether all tokens are consumed.
    pub fn at_end(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    /// The current position, to [`Cursor::reset`] to later.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Goes back to a position from [`Cursor::position`].
    pub fn reset(&mut self, pos: usize) {
        self.pos = pos;
    }

    /// The column of the next token, or the end of the line.
    pub fn col(&self) -> u32 {
        self.peek().map_or(self.end_col, |t| t.col)
    }

    /// Consumes the punctuation `c` if it is next.
    pub fn eat(&mut self, c: char) -> bool {
        if self.peek().is_some_and(|t| t.is(c)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// An error "expected `what`, found …" at the next token.
    pub fn expected(&self, what: &str) -> ParseError {
        let found = self
            .peek()
            .map_or_else(|| "end of line".to_string(), Token::describe);
        (
            self.col(),
            ErrorKind::Syntax(format!("expected {what}, found {found}")),
        )
    }
}

/// Nesting limit for parentheses and unary operators, so hostile input cannot overflow
/// the stack.
const MAX_DEPTH: u32 = 64;

/// Limit on binary operators in one line, for the same reason.
const MAX_OPERATORS: u32 = 1000;

/// Counts one more binary operator at the cursor.
fn count_operator(cur: &mut Cursor<'_>) -> Result<(), ParseError> {
    cur.operators += 1;
    if cur.operators > MAX_OPERATORS {
        Err((
            cur.col(),
            ErrorKind::Syntax("too many operators in one line".into()),
        ))
    } else {
        Ok(())
    }
}

/// Parses an expression at the cursor.
pub(crate) fn parse_expr(cur: &mut Cursor<'_>) -> Result<ExprAt, ParseError> {
    let col = cur.col();
    let expr = expr(cur, 0)?;
    Ok(ExprAt { expr, col })
}

fn too_deep(cur: &Cursor<'_>, depth: u32) -> Result<(), ParseError> {
    if depth > MAX_DEPTH {
        Err((
            cur.col(),
            ErrorKind::Syntax("expression nested too deeply".into()),
        ))
    } else {
        Ok(())
    }
}

fn expr(cur: &mut Cursor<'_>, depth: u32) -> Result<Expr, ParseError> {
    too_deep(cur, depth)?;
    if cur.eat('<') {
        return Ok(Expr::Lo(Box::new(expr(cur, depth + 1)?)));
    }
    if cur.eat('>') {
        return Ok(Expr::Hi(Box::new(expr(cur, depth + 1)?)));
    }
    sum(cur, depth)
}

fn sum(cur: &mut Cursor<'_>, depth: u32) -> Result<Expr, ParseError> {
    let mut left = product(cur, depth)?;
    loop {
        let op = match cur.peek() {
            Some(t) if t.is('+') => BinOp::Add,
            Some(t) if t.is('-') => BinOp::Sub,
            _ => return Ok(left),
        };
        let col = cur.col();
        count_operator(cur)?;
        cur.next_token();
        let right = product(cur, depth)?;
        left = Expr::Bin(op, Box::new(left), Box::new(right), col);
    }
}

fn product(cur: &mut Cursor<'_>, depth: u32) -> Result<Expr, ParseError> {
    let mut left = unary(cur, depth)?;
    loop {
        let op = match cur.peek() {
            Some(t) if t.is('*') => BinOp::Mul,
            Some(t) if t.is('/') => BinOp::Div,
            _ => return Ok(left),
        };
        let col = cur.col();
        count_operator(cur)?;
        cur.next_token();
        let right = unary(cur, depth)?;
        left = Expr::Bin(op, Box::new(left), Box::new(right), col);
    }
}

fn unary(cur: &mut Cursor<'_>, depth: u32) -> Result<Expr, ParseError> {
    too_deep(cur, depth)?;
    if cur.eat('-') {
        return Ok(Expr::Neg(Box::new(unary(cur, depth + 1)?)));
    }
    if cur.eat('<') {
        return Ok(Expr::Lo(Box::new(unary(cur, depth + 1)?)));
    }
    if cur.eat('>') {
        return Ok(Expr::Hi(Box::new(unary(cur, depth + 1)?)));
    }
    primary(cur, depth)
}

fn primary(cur: &mut Cursor<'_>, depth: u32) -> Result<Expr, ParseError> {
    let Some(token) = cur.peek() else {
        return Err(cur.expected("a value"));
    };
    match &token.tok {
        Tok::Num(n) => {
            cur.next_token();
            Ok(Expr::Num(*n))
        }
        Tok::Ident(name) => {
            cur.next_token();
            Ok(Expr::Sym(name.clone(), token.col))
        }
        Tok::Punct('*') => {
            cur.next_token();
            Ok(Expr::Pc)
        }
        Tok::Punct('(') => {
            cur.next_token();
            let inner = expr(cur, depth + 1)?;
            if !cur.eat(')') {
                return Err(cur.expected("`)`"));
            }
            Ok(inner)
        }
        _ => Err(cur.expected("a value")),
    }
}

impl Expr {
    /// Evaluates the expression. `lookup` returns a symbol's value (it resolves local
    /// names itself); `pc` is the current address.
    pub fn eval(&self, lookup: &dyn Fn(&str) -> Option<i64>, pc: i64) -> Result<i64, EvalError> {
        let overflow = |col| EvalError::Fatal(col, ErrorKind::ArithmeticOverflow);
        match self {
            Expr::Num(n) => Ok(*n),
            Expr::Pc => Ok(pc),
            Expr::Sym(name, col) => {
                lookup(name).ok_or_else(|| EvalError::Unknown(name.clone(), *col))
            }
            Expr::Neg(e) => e.eval(lookup, pc)?.checked_neg().ok_or(overflow(0)),
            Expr::Lo(e) => Ok(e.eval(lookup, pc)? & 0xff),
            Expr::Hi(e) => Ok((e.eval(lookup, pc)? >> 8) & 0xff),
            Expr::Bin(op, a, b, col) => {
                let a = a.eval(lookup, pc)?;
                let b = b.eval(lookup, pc)?;
                let result = match op {
                    BinOp::Add => a.checked_add(b),
                    BinOp::Sub => a.checked_sub(b),
                    BinOp::Mul => a.checked_mul(b),
                    BinOp::Div => {
                        if b == 0 {
                            return Err(EvalError::Fatal(*col, ErrorKind::DivisionByZero));
                        }
                        a.checked_div(b)
                    }
                };
                result.ok_or(overflow(*col))
            }
        }
    }
}
