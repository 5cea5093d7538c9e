//! Turns one line's tokens into a statement: an optional label, then an instruction, a
//! directive, a constant or an origin.

use crate::error::ErrorKind;
use crate::expr::{Cursor, ExprAt, ParseError, parse_expr};
use crate::lexer::{Tok, Token};
use crate::opcodes;

/// A label defined on a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Label {
    /// As written (local labels keep their `.` / `@` prefix).
    pub name: String,
    pub col: u32,
}

/// The operand of an instruction, by shape (the addressing mode is chosen later).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Operand {
    /// Nothing.
    None,
    /// `a`.
    Accumulator,
    /// `#expr`.
    Immediate(ExprAt),
    /// `expr`: zero page, absolute or a branch target.
    Direct(ExprAt),
    /// `expr,x`.
    DirectX(ExprAt),
    /// `expr,y`.
    DirectY(ExprAt),
    /// `(expr)`.
    Indirect(ExprAt),
    /// `(expr,x)`.
    IndexedIndirect(ExprAt),
    /// `(expr),y`.
    IndirectIndexed(ExprAt),
}

impl Operand {
    /// The expression, if any.
    pub fn expr(&self) -> Option<&ExprAt> {
        match self {
            Operand::None | Operand::Accumulator => None,
            Operand::Immediate(e)
            | Operand::Direct(e)
            | Operand::DirectX(e)
            | Operand::DirectY(e)
            | Operand::Indirect(e)
            | Operand::IndexedIndirect(e)
            | Operand::IndirectIndexed(e) => Some(e),
        }
    }
}

/// A forced operand size (`a:` absolute, `z:` zero page), as in `lda a:$0012`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Force {
    Absolute,
    ZeroPage,
}

/// An instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Instr {
    pub mnemonic: &'static str,
    pub col: u32,
    /// Where the operand starts (the column after the line for no operand).
    pub operand_col: u32,
    pub operand: Operand,
    pub force: Option<Force>,
}

/// Which data directive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DataKind {
    /// `.byte`: expressions are bytes, strings are ASCII.
    Byte,
    /// `.word`: 16-bit little-endian values.
    Word,
    /// `.petscii`: like `.byte`, strings converted to PETSCII.
    Petscii,
}

/// One item of a data directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum DataItem {
    Expr(ExprAt),
    Str(Vec<u8>, u32),
}

/// What a line does besides defining its label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Body {
    /// Nothing (blank, comment, or label only).
    Empty,
    /// A 6502 instruction.
    Instr(Instr),
    /// `.byte` / `.word` / `.text` / `.petscii`.
    Data(DataKind, Vec<DataItem>),
    /// `.fill count [, value]`.
    Fill(ExprAt, Option<ExprAt>),
    /// `name = expr` / `name .equ expr`.
    Constant(Label, ExprAt),
    /// `* = expr` / `.org expr`.
    Origin(ExprAt),
    /// `.include "file"`: the name and its column.
    Include(String, u32),
}

/// The directives and what they do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Directive {
    Data(DataKind),
    Fill,
    Org,
    Include,
    Equ,
}

fn directive(name: &str) -> Option<Directive> {
    Some(match name.to_ascii_lowercase().as_str() {
        ".byte" | ".byt" | ".db" | ".text" | ".ascii" => Directive::Data(DataKind::Byte),
        ".word" | ".dw" | ".addr" => Directive::Data(DataKind::Word),
        ".petscii" | ".pet" => Directive::Data(DataKind::Petscii),
        ".fill" | ".res" => Directive::Fill,
        ".org" => Directive::Org,
        ".include" => Directive::Include,
        ".equ" => Directive::Equ,
        _ => return None,
    })
}

fn ident(token: Option<&Token>) -> Option<&str> {
    match token {
        Some(Token {
            tok: Tok::Ident(name),
            ..
        }) => Some(name),
        _ => None,
    }
}

/// Parses one line. The label (if any) is returned even when the rest fails, so a typo in
/// an instruction does not also make every use of the label "undefined".
pub(crate) fn parse_line(
    tokens: &[Token],
    end_col: u32,
) -> (Option<Label>, Result<Body, ParseError>) {
    let mut cur = Cursor::new(tokens, end_col);

    // `name = expr` and `name .equ expr`.
    if let Some(name) = ident(cur.peek()) {
        let second_is_equ = cur.peek2().is_some_and(|t| {
            t.is('=') || ident(Some(t)).is_some_and(|n| n.eq_ignore_ascii_case(".equ"))
        });
        if second_is_equ && (!name.starts_with('.') || directive(name).is_none()) {
            let label = Label {
                name: name.to_string(),
                col: cur.col(),
            };
            cur.next_token();
            cur.next_token();
            return (
                None,
                finish(&mut cur, |cur| Ok(Body::Constant(label, parse_expr(cur)?))),
            );
        }
    }

    let label = parse_label(&mut cur);
    (label, parse_body(&mut cur))
}

/// A label: `name:` anywhere, a bare `@name` anywhere, or a bare `name` starting in
/// column 1 that is not a mnemonic.
fn parse_label(cur: &mut Cursor<'_>) -> Option<Label> {
    let first = cur.peek()?;
    let name = ident(Some(first))?;
    let col = first.col;
    if cur.peek2().is_some_and(|t| t.is(':')) {
        cur.next_token();
        cur.next_token();
        return Some(Label {
            name: name.to_string(),
            col,
        });
    }
    let bare = name.starts_with('@')
        || (col == 1 && !name.starts_with('.') && opcodes::mnemonic(name).is_none());
    if bare {
        cur.next_token();
        return Some(Label {
            name: name.to_string(),
            col,
        });
    }
    None
}

/// Runs `parse` and then requires the end of the line.
fn finish(
    cur: &mut Cursor<'_>,
    parse: impl FnOnce(&mut Cursor<'_>) -> Result<Body, ParseError>,
) -> Result<Body, ParseError> {
    let body = parse(cur)?;
    if !cur.at_end() {
        return Err(cur.expected("end of line"));
    }
    Ok(body)
}

fn parse_body(cur: &mut Cursor<'_>) -> Result<Body, ParseError> {
    let Some(first) = cur.peek() else {
        return Ok(Body::Empty);
    };
    if first.is('*') {
        cur.next_token();
        if !cur.eat('=') {
            return Err(cur.expected("`=` after `*`"));
        }
        return finish(cur, |cur| Ok(Body::Origin(parse_expr(cur)?)));
    }
    let Some(name) = ident(Some(first)) else {
        return Err(cur.expected("a label, mnemonic or directive"));
    };
    let col = first.col;
    cur.next_token();
    if name.starts_with('.') {
        let Some(dir) = directive(name) else {
            return Err((col, ErrorKind::UnknownDirective(name.to_string())));
        };
        return finish(cur, |cur| parse_directive(cur, dir, name, col));
    }
    let Some(mnemonic) = opcodes::mnemonic(name) else {
        return Err((col, ErrorKind::UnknownMnemonic(name.to_string())));
    };
    finish(cur, |cur| {
        let operand_col = cur.col();
        let (force, operand) = parse_operand(cur)?;
        Ok(Body::Instr(Instr {
            mnemonic,
            col,
            operand_col,
            operand,
            force,
        }))
    })
}

fn parse_directive(
    cur: &mut Cursor<'_>,
    dir: Directive,
    name: &str,
    col: u32,
) -> Result<Body, ParseError> {
    match dir {
        Directive::Data(kind) => {
            let mut items = Vec::new();
            loop {
                match cur.peek() {
                    Some(Token {
                        tok: Tok::Str(bytes),
                        col,
                    }) => {
                        if kind == DataKind::Word {
                            return Err((
                                *col,
                                ErrorKind::Syntax("`.word` takes values, not strings".into()),
                            ));
                        }
                        cur.next_token();
                        items.push(DataItem::Str(bytes.clone(), *col));
                    }
                    _ => items.push(DataItem::Expr(parse_expr(cur)?)),
                }
                if !cur.eat(',') {
                    return Ok(Body::Data(kind, items));
                }
            }
        }
        Directive::Fill => {
            let count = parse_expr(cur)?;
            let value = if cur.eat(',') {
                Some(parse_expr(cur)?)
            } else {
                None
            };
            Ok(Body::Fill(count, value))
        }
        Directive::Org => Ok(Body::Origin(parse_expr(cur)?)),
        Directive::Include => match cur.next_token() {
            Some(Token {
                tok: Tok::Str(bytes),
                col,
            }) => Ok(Body::Include(
                String::from_utf8_lossy(bytes).into_owned(),
                *col,
            )),
            _ => Err((
                col,
                ErrorKind::Syntax("`.include` needs a file name in double quotes".into()),
            )),
        },
        Directive::Equ => Err((
            col,
            ErrorKind::Syntax(format!("`{name}` must follow a name: `name {name} value`")),
        )),
    }
}

/// Which index register follows a `,`.
fn index_register(cur: &mut Cursor<'_>) -> Result<char, ParseError> {
    match ident(cur.peek()).map(str::to_ascii_lowercase).as_deref() {
        Some("x") => {
            cur.next_token();
            Ok('x')
        }
        Some("y") => {
            cur.next_token();
            Ok('y')
        }
        _ => Err(cur.expected("index register `x` or `y`")),
    }
}

fn parse_operand(cur: &mut Cursor<'_>) -> Result<(Option<Force>, Operand), ParseError> {
    if cur.at_end() {
        return Ok((None, Operand::None));
    }
    if cur.eat('#') {
        return Ok((None, Operand::Immediate(parse_expr(cur)?)));
    }
    // `a` alone is always the accumulator (an instruction without that mode reports it).
    if let Some(name) = ident(cur.peek())
        && name.eq_ignore_ascii_case("a")
        && cur.peek2().is_none()
    {
        cur.next_token();
        return Ok((None, Operand::Accumulator));
    }
    // `a:` / `z:` force the operand size.
    let mut force = None;
    if let Some(name) = ident(cur.peek())
        && cur.peek2().is_some_and(|t| t.is(':'))
    {
        force = match name.to_ascii_lowercase().as_str() {
            "a" => Some(Force::Absolute),
            "z" => Some(Force::ZeroPage),
            _ => return Err(cur.expected("`a:` or `z:` size prefix")),
        };
        cur.next_token();
        cur.next_token();
    }
    if cur.peek().is_some_and(|t| t.is('(')) {
        let start = cur.position();
        cur.next_token();
        let inner = parse_expr(cur)?;
        if cur.eat(',') {
            let col = cur.col();
            if index_register(cur)? != 'x' {
                return Err((
                    col,
                    ErrorKind::Syntax("only `x` can index inside `( , )`: `(zp,x)`".into()),
                ));
            }
            if !cur.eat(')') {
                return Err(cur.expected("`)`"));
            }
            return Ok((force, Operand::IndexedIndirect(inner)));
        }
        if !cur.eat(')') {
            return Err(cur.expected("`)`"));
        }
        if cur.at_end() {
            return Ok((force, Operand::Indirect(inner)));
        }
        if cur.eat(',') {
            let col = cur.col();
            if index_register(cur)? != 'y' {
                return Err((
                    col,
                    ErrorKind::Syntax("only `y` can index after `( )`: `(zp),y`".into()),
                ));
            }
            return Ok((force, Operand::IndirectIndexed(inner)));
        }
        // Parentheses for grouping, like `(base+2)*4`: parse again as a whole expression.
        cur.reset(start);
    }
    let expr = parse_expr(cur)?;
    if cur.eat(',') {
        return Ok(match index_register(cur)? {
            'x' => (force, Operand::DirectX(expr)),
            _ => (force, Operand::DirectY(expr)),
        });
    }
    Ok((force, Operand::Direct(expr)))
}
