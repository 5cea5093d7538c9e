//! Assembly errors: what went wrong and where (file, line, column).

use std::fmt;

/// A position in a source file. Lines and columns count from 1; columns count characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file name as given to the assembler or returned by the [`crate::SourceLoader`].
    pub file: String,
    /// Line number, from 1.
    pub line: u32,
    /// Column (character) number, from 1.
    pub column: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// What went wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The line does not follow the syntax (the text says what was expected).
    Syntax(String),
    /// The word in instruction position is not a 6502 mnemonic.
    UnknownMnemonic(String),
    /// A `.name` directive the assembler does not know.
    UnknownDirective(String),
    /// A symbol used but never defined.
    UndefinedSymbol(String),
    /// A label or constant defined twice.
    DuplicateSymbol {
        /// The symbol.
        name: String,
        /// Where it was first defined.
        previous: Location,
    },
    /// A branch whose target is further than a signed byte reaches.
    BranchOutOfRange {
        /// Target minus the address of the next instruction.
        distance: i64,
    },
    /// The instruction has no such addressing mode.
    BadAddressingMode {
        /// The mnemonic.
        mnemonic: String,
        /// The addressing mode the operand asked for.
        mode: String,
    },
    /// A value that does not fit where it is used.
    ValueOutOfRange {
        /// The value.
        value: i64,
        /// What it had to fit, e.g. `"a byte"`.
        target: &'static str,
    },
    /// Division by zero in an expression.
    DivisionByZero,
    /// An expression result too large to compute.
    ArithmeticOverflow,
    /// The value must be known when the line is first seen (no forward references).
    NeedsKnownValue(&'static str),
    /// Code, data or a label before any `* =` origin.
    NoOrigin,
    /// Code or data past address `$ffff`.
    AddressOverflow,
    /// Two parts of the program write the same address.
    Overlap {
        /// The first address written twice.
        address: u16,
    },
    /// An `.include` that (directly or indirectly) includes itself.
    IncludeCycle(String),
    /// An `.include` the loader could not provide.
    IncludeFailed {
        /// The requested name.
        name: String,
        /// The loader's reason.
        reason: String,
    },
    /// Includes nested deeper than the assembler allows.
    IncludeTooDeep,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Syntax(text) => write!(f, "syntax error: {text}"),
            ErrorKind::UnknownMnemonic(name) => write!(f, "unknown mnemonic `{name}`"),
            ErrorKind::UnknownDirective(name) => write!(f, "unknown directive `{name}`"),
            ErrorKind::UndefinedSymbol(name) => write!(f, "undefined symbol `{name}`"),
            ErrorKind::DuplicateSymbol { name, previous } => {
                write!(f, "duplicate symbol `{name}` (first defined at {previous})")
            }
            ErrorKind::BranchOutOfRange { distance } => {
                if *distance >= 0 {
                    write!(
                        f,
                        "branch target out of range: {distance} bytes forward (maximum 127)"
                    )
                } else {
                    write!(
                        f,
                        "branch target out of range: {} bytes back (maximum 128)",
                        -distance
                    )
                }
            }
            ErrorKind::BadAddressingMode { mnemonic, mode } => {
                write!(f, "`{mnemonic}` has no {mode} addressing mode")
            }
            ErrorKind::ValueOutOfRange { value, target } => {
                write!(f, "value {value} (${value:x}) does not fit {target}")
            }
            ErrorKind::DivisionByZero => f.write_str("division by zero"),
            ErrorKind::ArithmeticOverflow => f.write_str("arithmetic overflow in expression"),
            ErrorKind::NeedsKnownValue(what) => write!(
                f,
                "{what} must be known when first seen (no forward references)"
            ),
            ErrorKind::NoOrigin => {
                f.write_str("no origin set: put `* = address` before the first code or label")
            }
            ErrorKind::AddressOverflow => f.write_str("code or data runs past address $ffff"),
            ErrorKind::Overlap { address } => {
                write!(f, "address ${address:04x} is written twice")
            }
            ErrorKind::IncludeCycle(name) => write!(f, "`{name}` includes itself"),
            ErrorKind::IncludeFailed { name, reason } => {
                write!(f, "cannot include `{name}`: {reason}")
            }
            ErrorKind::IncludeTooDeep => f.write_str("includes nested too deeply"),
        }
    }
}

/// One error with its location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// Where.
    pub location: Location,
    /// What.
    pub kind: ErrorKind,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.kind)
    }
}

impl std::error::Error for Error {}

/// Every error found in one assembly, in source order. Never empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Errors(pub Vec<Error>);

impl Errors {
    /// The errors, in source order.
    pub fn iter(&self) -> std::slice::Iter<'_, Error> {
        self.0.iter()
    }

    /// Number of errors.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no errors (never true for a returned `Errors`).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

impl<'a> IntoIterator for &'a Errors {
    type Item = &'a Error;
    type IntoIter = std::slice::Iter<'a, Error>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}
