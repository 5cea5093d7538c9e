//! The expression evaluator: V2's operators with V2's precedence (`^`, unary `-`,
//! `*` `/`, `+` `-`, relations, `NOT`, `AND`, `OR`; all left-associative), and the
//! functions. SQR, LOG, EXP, SIN, COS, TAN, ATN and `^` are computed exactly and rounded
//! to the 5-byte format, where V2 evaluates polynomial series: their last printed digit
//! can differ from a C64's, and results that should be zero but are not on a C64 (such
//! as `SIN(π)`'s tiny remainder) come out differently small. RND's sequence is not V2's.

use super::float::{self, round};
use super::interp::{Error, MAX_DEPTH, Result, Run, Value};
use super::memory::{Kind, to_integer};
use super::token;

/// Precedence of unary minus and NOT.
const NEGATE: u8 = 125;
const NOT: u8 = 90;

/// A binary operator.
#[derive(Debug, Clone, Copy)]
enum Operator {
    Power,
    Multiply,
    Divide,
    Add,
    Subtract,
    /// A relation: bit 0 less, bit 1 equal, bit 2 greater.
    Compare(u8),
    And,
    Or,
}

impl Operator {
    fn precedence(self) -> u8 {
        match self {
            Self::Power => 127,
            Self::Multiply | Self::Divide => 123,
            Self::Add | Self::Subtract => 121,
            Self::Compare(_) => 100,
            Self::And => 80,
            Self::Or => 70,
        }
    }
}

/// Rounds an arithmetic result to the 5-byte format.
fn number(value: f64) -> Result<Value> {
    Ok(Value::Number(round(value)?))
}

fn truth(condition: bool) -> Value {
    Value::Number(if condition { -1.0 } else { 0.0 })
}

impl Run<'_, '_> {
    /// Evaluates an expression.
    pub(super) fn expression(&mut self) -> Result<Value> {
        self.binary(0)
    }

    /// Evaluates a numeric expression.
    pub(super) fn number(&mut self) -> Result<f64> {
        self.expression()?.number()
    }

    /// Evaluates a numeric expression that must be a whole number in `range`
    /// (after rounding down), or `?ILLEGAL QUANTITY`.
    pub(super) fn whole(&mut self, range: std::ops::RangeInclusive<i64>) -> Result<i64> {
        let value = self.number()?.floor();
        if value >= *range.start() as f64 && value <= *range.end() as f64 {
            Ok(value as i64)
        } else {
            Err(Error::IllegalQuantity)
        }
    }

    fn binary(&mut self, above: u8) -> Result<Value> {
        if self.depth >= MAX_DEPTH {
            return Err(Error::OutOfMemory);
        }
        self.depth += 1;
        let result = self.binary_inner(above);
        self.depth -= 1;
        result
    }

    fn binary_inner(&mut self, above: u8) -> Result<Value> {
        let pending = self.temps;
        let result = self.operations(above);
        self.temps = pending;
        result
    }

    /// A temporary string: ?FORMULA TOO COMPLEX when V2's three descriptors for them
    /// are all taken by strings still waiting to be used.
    fn new_temporary(&mut self) -> Result<()> {
        if self.temps >= 3 {
            return Err(Error::FormulaTooComplex);
        }
        self.temporary = true;
        Ok(())
    }

    fn operations(&mut self, above: u8) -> Result<Value> {
        let mut left = self.unary()?;
        loop {
            let before = self.pos;
            let Some(operator) = self.operator() else {
                break;
            };
            if operator.precedence() <= above {
                self.pos = before;
                break;
            }
            // A temporary left operand holds its descriptor while the right one is
            // evaluated.
            let waiting = matches!(left, Value::Text(_)) && self.temporary;
            self.temps += u8::from(waiting);
            let right = self.binary(operator.precedence())?;
            self.temps -= u8::from(waiting);
            left = self.apply(operator, left, right)?;
        }
        Ok(left)
    }

    fn operator(&mut self) -> Option<Operator> {
        let operator = match self.peek() {
            token::POWER => Operator::Power,
            token::MULTIPLY => Operator::Multiply,
            token::DIVIDE => Operator::Divide,
            token::PLUS => Operator::Add,
            token::MINUS => Operator::Subtract,
            token::AND => Operator::And,
            token::OR => Operator::Or,
            token::GREATER | token::EQUAL | token::LESS => {
                let mut relation = 0;
                loop {
                    let bit = match self.peek() {
                        token::LESS => 1,
                        token::EQUAL => 2,
                        token::GREATER => 4,
                        _ => break,
                    };
                    relation |= bit;
                    self.advance();
                }
                return Some(Operator::Compare(relation));
            }
            _ => return None,
        };
        self.advance();
        Some(operator)
    }

    fn apply(&mut self, operator: Operator, left: Value, right: Value) -> Result<Value> {
        match (operator, left, right) {
            (Operator::Add, Value::Text(mut left), Value::Text(right)) => {
                if left.len() + right.len() > 255 {
                    return Err(Error::StringTooLong);
                }
                self.charge(300 + 20 * (left.len() + right.len()) as u64);
                left.extend_from_slice(&right);
                self.new_temporary()?;
                Ok(Value::Text(left))
            }
            (Operator::Compare(relation), Value::Text(left), Value::Text(right)) => {
                self.charge(200 + 30 * left.len().min(right.len()) as u64);
                Ok(truth(relation & ordering_bit(left.cmp(&right)) != 0))
            }
            (operator, Value::Number(left), Value::Number(right)) => {
                self.arithmetic(operator, left, right)
            }
            _ => Err(Error::TypeMismatch),
        }
    }

    fn arithmetic(&mut self, operator: Operator, left: f64, right: f64) -> Result<Value> {
        match operator {
            Operator::Add => {
                self.charge(500);
                number(left + right)
            }
            Operator::Subtract => {
                self.charge(520);
                number(left - right)
            }
            Operator::Multiply => {
                self.charge(1_900);
                number(left * right)
            }
            Operator::Divide => {
                self.charge(2_600);
                if right == 0.0 {
                    return Err(Error::DivisionByZero);
                }
                number(left / right)
            }
            Operator::Power => {
                self.charge(56_000);
                power(left, right)
            }
            Operator::Compare(relation) => {
                self.charge(700);
                let ordering = left
                    .partial_cmp(&right)
                    .unwrap_or(std::cmp::Ordering::Equal);
                Ok(truth(relation & ordering_bit(ordering) != 0))
            }
            Operator::And | Operator::Or => {
                self.charge(300);
                let (left, right) = (to_integer(left)?, to_integer(right)?);
                let result = if matches!(operator, Operator::And) {
                    left & right
                } else {
                    left | right
                };
                Ok(Value::Number(f64::from(result)))
            }
        }
    }

    fn unary(&mut self) -> Result<Value> {
        match self.peek() {
            token::MINUS => {
                self.advance();
                let value = self.binary(NEGATE)?.number()?;
                Ok(Value::Number(-value))
            }
            token::PLUS => {
                self.advance();
                self.unary()
            }
            token::NOT => {
                self.advance();
                let value = to_integer(self.binary(NOT)?.number()?)?;
                Ok(Value::Number(f64::from(!value)))
            }
            _ => self.atom(),
        }
    }

    fn atom(&mut self) -> Result<Value> {
        self.charge(300);
        let code = self.peek();
        match code {
            b'0'..=b'9' | b'.' => {
                let text: Vec<u8> = (0..40)
                    .map(|offset| self.byte(self.pos.wrapping_add(offset)))
                    .collect();
                let (value, length) = float::parse(&text)?;
                self.pos = self.pos.wrapping_add(length as u16);
                self.charge(700 * length as u64);
                Ok(Value::Number(value))
            }
            b'"' => {
                self.advance();
                let mut text = Vec::new();
                while text.len() <= 255 {
                    match self.byte(self.pos) {
                        0 => break,
                        b'"' => {
                            self.pos = self.pos.wrapping_add(1);
                            break;
                        }
                        code => {
                            text.push(code);
                            self.pos = self.pos.wrapping_add(1);
                        }
                    }
                }
                if text.len() > 255 {
                    return Err(Error::StringTooLong);
                }
                self.new_temporary()?;
                Ok(Value::Text(text))
            }
            b'(' => {
                self.advance();
                let value = self.expression()?;
                self.expect(b')')?;
                Ok(value)
            }
            b'A'..=b'Z' => {
                let var = self.var()?;
                let value = self.read_var(&var)?;
                // A variable's string is its own; TI$ is made up as a temporary one.
                self.temporary = false;
                if var.subscripts.is_none() && var.name == [b'T', 0xc9] {
                    self.new_temporary()?;
                }
                Ok(value)
            }
            super::PI => {
                self.advance();
                number(std::f64::consts::PI)
            }
            token::FN => {
                self.advance();
                self.call_function()
            }
            token::SGN..=token::MID => {
                self.advance();
                self.function(code)
            }
            _ => Err(Error::Syntax),
        }
    }

    /// `(expression)` as a function's single argument.
    fn argument(&mut self) -> Result<Value> {
        self.expect(b'(')?;
        let value = self.expression()?;
        self.expect(b')')?;
        Ok(value)
    }

    fn function(&mut self, code: u8) -> Result<Value> {
        match code {
            token::LEFT | token::RIGHT | token::MID => return self.substring(code),
            token::USR => {
                let argument = self.argument()?.number()?;
                return Ok(Value::Number(self.usr(argument)?));
            }
            _ => {}
        }
        let argument = self.argument()?;
        match code {
            token::STR => {
                self.charge(3_000);
                let text = float::format(argument.number()?).into_bytes();
                self.new_temporary()?;
                Ok(Value::Text(text))
            }
            token::LEN => Ok(Value::Number(argument.text()?.len() as f64)),
            token::ASC => match argument.text()?.first() {
                Some(&code) => Ok(Value::Number(f64::from(code))),
                None => Err(Error::IllegalQuantity),
            },
            token::VAL => {
                let text = argument.text()?;
                let start = text.iter().take_while(|&&code| code == b' ').count();
                let text = &text[start..];
                let (sign, digits) = match text.first() {
                    Some(b'-') => (-1.0, &text[1..]),
                    Some(b'+') => (1.0, &text[1..]),
                    _ => (1.0, text),
                };
                self.charge(200 + 150 * digits.len() as u64);
                Ok(Value::Number(sign * float::parse(digits)?.0))
            }
            token::CHR => {
                let value = argument.number()?.floor();
                if !(0.0..=255.0).contains(&value) {
                    return Err(Error::IllegalQuantity);
                }
                self.new_temporary()?;
                Ok(Value::Text(vec![value as u8]))
            }
            token::FRE => {
                self.collect_garbage();
                let free = self.ctx.ram_word(super::FRETOP) - self.ctx.ram_word(super::STREND);
                Ok(Value::Number(f64::from(free as i16)))
            }
            token::POS => Ok(Value::Number(f64::from(self.byte(0xd3)))),
            _ => self.numeric_function(code, argument.number()?),
        }
    }

    fn numeric_function(&mut self, code: u8, x: f64) -> Result<Value> {
        let (cycles, result) = match code {
            token::SGN => (100, x.signum() * f64::from(u8::from(x != 0.0))),
            token::INT => (300, x.floor()),
            token::ABS => (50, x.abs()),
            token::SQR => {
                if x < 0.0 {
                    return Err(Error::IllegalQuantity);
                }
                (56_000, x.sqrt())
            }
            token::RND => (1_500, self.random(x)),
            token::LOG => {
                if x <= 0.0 {
                    return Err(Error::IllegalQuantity);
                }
                (25_000, x.ln())
            }
            token::EXP => (28_000, x.exp()),
            token::COS => (30_500, x.cos()),
            token::SIN => (30_000, x.sin()),
            token::TAN => (62_000, x.tan()),
            token::ATN => (33_000, x.atan()),
            token::PEEK => {
                if !(0.0..65_536.0).contains(&x.floor()) {
                    return Err(Error::IllegalQuantity);
                }
                (100, f64::from(self.ctx.board.cpu_read(x.floor() as u16)))
            }
            _ => return Err(Error::Syntax),
        };
        self.charge(cycles);
        number(result)
    }

    /// LEFT$(s, n), RIGHT$(s, n), MID$(s, start[, n]).
    fn substring(&mut self, code: u8) -> Result<Value> {
        self.expect(b'(')?;
        let text = self.expression()?;
        let waiting = matches!(text, Value::Text(_)) && self.temporary;
        let text = text.text()?;
        let pending = self.temps;
        self.temps += u8::from(waiting);
        let result = self.substring_of(code, text);
        self.temps = pending;
        let text = result?;
        self.new_temporary()?;
        Ok(Value::Text(text))
    }

    /// The rest of [`substring`](Self::substring) from the comma after the string.
    fn substring_of(&mut self, code: u8, text: Vec<u8>) -> Result<Vec<u8>> {
        self.expect(b',')?;
        let first = self.whole(0..=255)? as usize;
        let text = match code {
            token::LEFT => text[..first.min(text.len())].to_vec(),
            token::RIGHT => text[text.len() - first.min(text.len())..].to_vec(),
            _ => {
                if first == 0 {
                    return Err(Error::IllegalQuantity);
                }
                let length = if self.eat(b',') {
                    self.whole(0..=255)? as usize
                } else {
                    255
                };
                let start = (first - 1).min(text.len());
                text[start..(start + length).min(text.len())].to_vec()
            }
        };
        self.expect(b')')?;
        self.charge(400 + 20 * text.len() as u64);
        Ok(text)
    }

    /// RND: a generator kept as a 32-bit state in RNDX ($8B-$8F). A negative argument
    /// seeds it, zero draws from the CIA 1 timers, a positive one steps it. (The
    /// sequence is this interpreter's own, not V2's.)
    fn random(&mut self, x: f64) -> f64 {
        let mut state = u32::from_be_bytes([
            self.byte(0x8c),
            self.byte(0x8d),
            self.byte(0x8e),
            self.byte(0x8f),
        ]);
        if x < 0.0 {
            state = u32::from_be_bytes(float::pack(x)[1..].try_into().unwrap_or([0; 4]))
                ^ u32::from(float::pack(x)[0]).rotate_left(24);
        } else if x == 0.0 {
            let timer = (0xdc04..0xdc08).map(|at| self.ctx.board.cpu_read(at));
            state = timer.fold(state, |state, byte| state.rotate_left(8) ^ u32::from(byte));
        }
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let bytes = state.to_be_bytes();
        self.ctx.set_ram(0x8b, 0x80);
        for (offset, byte) in bytes.into_iter().enumerate() {
            self.ctx.set_ram(0x8c + offset as u16, byte);
        }
        f64::from(state) / 4_294_967_296.0
    }

    /// FN name(argument): evaluates the body stored by DEF FN with the parameter
    /// variable set to the argument, restoring the parameter after.
    fn call_function(&mut self) -> Result<Value> {
        let (first, second, kind) = self.name()?;
        if kind != Kind::Float {
            return Err(Error::TypeMismatch);
        }
        let argument = self.argument()?.number()?;
        let record = self
            .find_scalar([first | 0x80, second])
            .ok_or(Error::UndefinedFunction)?;
        let body = self.ctx.ram_word(record.wrapping_add(2));
        let parameter = self.ctx.ram_word(record.wrapping_add(4));
        let saved: Vec<u8> = (0..5)
            .map(|offset| self.byte(parameter.wrapping_add(offset)))
            .collect();
        self.store(parameter, Kind::Float, Value::Number(argument))?;
        let resume = self.pos;
        self.pos = body;
        let result = self.expression();
        self.pos = resume;
        for (offset, byte) in saved.into_iter().enumerate() {
            self.ctx
                .set_ram(parameter.wrapping_add(offset as u16), byte);
        }
        self.charge(500);
        Ok(Value::Number(result?.number()?))
    }
}

/// The relation bit an ordering answers.
fn ordering_bit(ordering: std::cmp::Ordering) -> u8 {
    match ordering {
        std::cmp::Ordering::Less => 1,
        std::cmp::Ordering::Equal => 2,
        std::cmp::Ordering::Greater => 4,
    }
}

/// `base ^ exponent`: a negative base needs a whole exponent; 0 to a negative power is
/// a division by zero.
fn power(base: f64, exponent: f64) -> Result<Value> {
    if base < 0.0 && exponent.fract() != 0.0 {
        return Err(Error::IllegalQuantity);
    }
    if base == 0.0 && exponent < 0.0 {
        return Err(Error::DivisionByZero);
    }
    number(base.powf(exponent))
}
