//! The interpreter's working state for one trap call: the machine, and where in the
//! text it reads. Everything that outlives the call is written back to C64 RAM.

use super::super::TrapContext;
use super::float;
use super::usr::Replay;

/// BASIC's errors, each printed as `?NAME  ERROR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Error {
    NextWithoutFor,
    Syntax,
    ReturnWithoutGosub,
    OutOfData,
    IllegalQuantity,
    Overflow,
    OutOfMemory,
    UndefinedStatement,
    BadSubscript,
    RedimensionedArray,
    DivisionByZero,
    IllegalDirect,
    TypeMismatch,
    StringTooLong,
    FormulaTooComplex,
    CantContinue,
    UndefinedFunction,
    TooManyFiles,
    FileOpen,
    FileNotOpen,
    FileNotFound,
    DeviceNotPresent,
    NotInputFile,
    NotOutputFile,
    MissingFileName,
    IllegalDeviceNumber,
    Load,
    Verify,
    FileData,
    /// Not an error: the statement stops to call a USR routine, and runs again after it.
    CallUsr,
}

impl Error {
    /// The name V2 prints between `?` and `  ERROR`.
    pub(super) fn name(self) -> &'static str {
        match self {
            Self::NextWithoutFor => "NEXT WITHOUT FOR",
            Self::Syntax => "SYNTAX",
            Self::ReturnWithoutGosub => "RETURN WITHOUT GOSUB",
            Self::OutOfData => "OUT OF DATA",
            Self::IllegalQuantity => "ILLEGAL QUANTITY",
            Self::Overflow => "OVERFLOW",
            Self::OutOfMemory => "OUT OF MEMORY",
            Self::UndefinedStatement => "UNDEF'D STATEMENT",
            Self::BadSubscript => "BAD SUBSCRIPT",
            Self::RedimensionedArray => "REDIM'D ARRAY",
            Self::DivisionByZero => "DIVISION BY ZERO",
            Self::IllegalDirect => "ILLEGAL DIRECT",
            Self::TypeMismatch => "TYPE MISMATCH",
            Self::StringTooLong => "STRING TOO LONG",
            Self::FormulaTooComplex => "FORMULA TOO COMPLEX",
            Self::CantContinue => "CAN'T CONTINUE",
            Self::UndefinedFunction => "UNDEF'D FUNCTION",
            Self::TooManyFiles => "TOO MANY FILES",
            Self::FileOpen => "FILE OPEN",
            Self::FileNotOpen => "FILE NOT OPEN",
            Self::FileNotFound => "FILE NOT FOUND",
            Self::DeviceNotPresent => "DEVICE NOT PRESENT",
            Self::NotInputFile => "NOT INPUT FILE",
            Self::NotOutputFile => "NOT OUTPUT FILE",
            Self::MissingFileName => "MISSING FILE NAME",
            Self::IllegalDeviceNumber => "ILLEGAL DEVICE NUMBER",
            Self::Load => "LOAD",
            Self::Verify => "VERIFY",
            Self::FileData => "FILE DATA",
            Self::CallUsr => "USR",
        }
    }
}

impl From<float::Overflow> for Error {
    fn from(_: float::Overflow) -> Self {
        Self::Overflow
    }
}

/// A BASIC result.
pub(super) type Result<T> = std::result::Result<T, Error>;

/// A value of an expression.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    /// A number, always one the 5-byte format holds.
    Number(f64),
    /// A string of PETSCII codes (at most 255).
    Text(Vec<u8>),
}

impl Value {
    /// The number, or `?TYPE MISMATCH`.
    pub(super) fn number(self) -> Result<f64> {
        match self {
            Self::Number(number) => Ok(number),
            Self::Text(_) => Err(Error::TypeMismatch),
        }
    }

    /// The string, or `?TYPE MISMATCH`.
    pub(super) fn text(self) -> Result<Vec<u8>> {
        match self {
            Self::Text(text) => Ok(text),
            Self::Number(_) => Err(Error::TypeMismatch),
        }
    }
}

/// The interpreter inside one trap call.
pub(super) struct Run<'a, 'b> {
    /// The machine.
    pub ctx: &'a mut TrapContext<'b>,
    /// The text being read (the value TXTPTR gets back when the call ends).
    pub pos: u16,
    /// How deeply expressions and functions are nested, against [`MAX_DEPTH`].
    pub depth: u16,
    /// The USR results of an earlier run of the statement (only while running one).
    pub replay: Option<Replay>,
    /// Temporary strings waiting to be used (a left operand, a function's first
    /// argument): V2 keeps them in its three descriptors at $19-$21.
    pub temps: u8,
    /// Whether the string value just evaluated is a temporary one (a literal or a
    /// string function's result) rather than a variable's.
    pub temporary: bool,
}

/// The most bytes or records any scan of memory visits, so that memory a program has
/// overwritten with nonsense cannot keep the interpreter in a loop.
pub(super) const SCAN_LIMIT: u32 = 0x10000;

/// The deepest expressions may nest (V2 runs out of stack about there).
pub(super) const MAX_DEPTH: u16 = 100;

impl<'a, 'b> Run<'a, 'b> {
    /// Starts reading at `pos`.
    pub(super) fn new(ctx: &'a mut TrapContext<'b>, pos: u16) -> Self {
        Self {
            ctx,
            pos,
            depth: 0,
            replay: None,
            temps: 0,
            temporary: false,
        }
    }

    /// The byte at `address`.
    pub(super) fn byte(&self, address: u16) -> u8 {
        self.ctx.ram(address)
    }

    /// The next byte that is not a space (not consumed).
    pub(super) fn peek(&mut self) -> u8 {
        for _ in 0..SCAN_LIMIT {
            if self.byte(self.pos) != b' ' {
                break;
            }
            self.pos = self.pos.wrapping_add(1);
        }
        self.byte(self.pos)
    }

    /// Consumes the next non-space byte.
    pub(super) fn advance(&mut self) {
        self.peek();
        self.pos = self.pos.wrapping_add(1);
    }

    /// Consumes `code` if it comes next.
    pub(super) fn eat(&mut self, code: u8) -> bool {
        if self.peek() == code {
            self.pos = self.pos.wrapping_add(1);
            true
        } else {
            false
        }
    }

    /// Consumes `code`, or fails with `?SYNTAX`.
    pub(super) fn expect(&mut self, code: u8) -> Result<()> {
        if self.eat(code) {
            Ok(())
        } else {
            Err(Error::Syntax)
        }
    }

    /// Whether the statement ends here (`:` or the end of the line).
    pub(super) fn at_end(&mut self) -> bool {
        matches!(self.peek(), 0 | b':')
    }

    /// Fails with `?SYNTAX` unless the statement ends here.
    pub(super) fn end_statement(&mut self) -> Result<()> {
        if self.at_end() {
            Ok(())
        } else {
            Err(Error::Syntax)
        }
    }

    /// Moves past the rest of the statement (quotes respected).
    pub(super) fn skip_statement(&mut self) {
        let mut quoted = false;
        for _ in 0..SCAN_LIMIT {
            match self.byte(self.pos) {
                0 => return,
                b':' if !quoted => return,
                b'"' => quoted = !quoted,
                _ => {}
            }
            self.pos = self.pos.wrapping_add(1);
        }
    }

    /// Moves to the zero that ends the line.
    pub(super) fn skip_line(&mut self) {
        for _ in 0..SCAN_LIMIT {
            if self.byte(self.pos) == 0 {
                break;
            }
            self.pos = self.pos.wrapping_add(1);
        }
    }

    /// Charges `cycles` of 6502 work.
    pub(super) fn charge(&mut self, cycles: u64) {
        self.ctx.charge(cycles);
    }
}
