//! The two-pass assembler.
//!
//! 1. **Read**: every line of the main file and, recursively, of its includes is lexed
//!    and parsed into one flat list of statements.
//! 2. **Pass 1** walks the list, assigns every statement its address and size and defines
//!    labels. An operand's size is fixed here: zero page only when the value is already
//!    known and fits a byte; a forward reference is always absolute. Constants whose value
//!    depends on later labels are resolved right after this pass.
//! 3. **Pass 2** walks the list again with every symbol known and emits the bytes, using
//!    exactly the sizes chosen in pass 1, so addresses cannot drift between passes.
//!
//! Errors from all stages are collected and returned together, in source order.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use crate::error::{Error, ErrorKind, Errors, Location};
use crate::expr::{EvalError, ExprAt};
use crate::lexer::lex_line;
use crate::loader::SourceLoader;
use crate::opcodes::{self, Mode};
use crate::parser::{Body, DataItem, DataKind, Force, Instr, Label, Operand, parse_line};

/// How deeply `.include`s may nest.
const MAX_INCLUDE_DEPTH: usize = 32;

/// Whether a symbol is an address label or a `=` / `.equ` constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    /// A label: the address of the line that defines it.
    Label,
    /// A constant defined with `=` or `.equ`.
    Constant,
}

/// A defined symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Symbol {
    /// Its value (an address for labels; any integer for constants).
    pub value: i64,
    /// Label or constant.
    pub kind: SymbolKind,
}

/// A successfully assembled program: one contiguous block of memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assembly {
    /// Address of the first byte (the lowest address written).
    pub load_address: u16,
    /// The bytes from `load_address` on. Gaps between separately placed parts (several
    /// `* =`) are filled with zero.
    pub bytes: Vec<u8>,
    /// Every symbol. Local labels appear as `global.local` (e.g. `main.loop`, whether
    /// written `.loop` or `@loop`).
    pub symbols: BTreeMap<String, Symbol>,
}

impl Assembly {
    /// The value of a symbol, if defined.
    pub fn symbol(&self, name: &str) -> Option<i64> {
        self.symbols.get(name).map(|s| s.value)
    }

    /// The value of a symbol as an address (e.g. an entry point), if it is defined and
    /// in `0..=$ffff`.
    pub fn address_of(&self, name: &str) -> Option<u16> {
        self.symbol(name).and_then(|v| u16::try_from(v).ok())
    }

    /// The program as a Commodore `.prg` file: the load address (little-endian) followed
    /// by the bytes.
    pub fn to_prg(&self) -> Vec<u8> {
        let mut prg = Vec::with_capacity(self.bytes.len() + 2);
        prg.extend_from_slice(&self.load_address.to_le_bytes());
        prg.extend_from_slice(&self.bytes);
        prg
    }

    /// Writes [`Assembly::to_prg`] to `out`.
    pub fn write_prg(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(&self.to_prg())
    }
}

/// Assembles `source_text` (named `source_name` in errors and as the base for includes),
/// loading `.include`d files through `loader`.
pub fn assemble(
    source_name: &str,
    source_text: &str,
    loader: &dyn SourceLoader,
) -> Result<Assembly, Errors> {
    let mut asm = Assembler {
        loader,
        files: Vec::new(),
        lines: Vec::new(),
        errors: Vec::new(),
        seq: 0,
        symbols: HashMap::new(),
        layout: Vec::new(),
    };
    let mut stack = Vec::new();
    asm.read_file(source_name, source_text, &mut stack);
    asm.pass1();
    asm.resolve_constants();
    let image = asm.pass2();
    asm.finish(image)
}

/// A parsed statement and where it came from.
struct Line {
    file: usize,
    line: u32,
    /// Reading order of the physical line (errors are sorted by it).
    seq: usize,
    label: Option<Label>,
    body: Body,
}

/// Where pass 1 placed a statement.
struct Layout {
    pc: u32,
    size: u32,
    mode: Option<Mode>,
    /// The global label in force (for local names).
    scope: String,
}

struct SymDef {
    value: Option<i64>,
    /// The defining statement.
    idx: usize,
    kind: SymbolKind,
    location: Location,
}

struct Assembler<'a> {
    loader: &'a dyn SourceLoader,
    files: Vec<String>,
    lines: Vec<Line>,
    /// Errors with their sort key (reading order, column).
    errors: Vec<((usize, u32), Error)>,
    seq: usize,
    symbols: HashMap<String, SymDef>,
    layout: Vec<Layout>,
}

fn is_local(name: &str) -> bool {
    name.starts_with('.') || name.starts_with('@')
}

/// The symbol-table key for `name` written under the global label `scope`.
fn qualify(scope: &str, name: &str) -> String {
    if is_local(name) {
        format!("{scope}.{}", &name[1..])
    } else {
        name.to_string()
    }
}

/// Converts an ASCII byte to PETSCII (upper case/graphics set as typed): lower-case letters
/// become the unshifted letters `$41-$5a`, upper-case letters the shifted `$c1-$da`;
/// everything else is unchanged.
fn petscii(byte: u8) -> u8 {
    match byte {
        b'a'..=b'z' => byte - 0x20,
        b'A'..=b'Z' => byte + 0x80,
        _ => byte,
    }
}

/// Result of an evaluation in pass 1: a value, or not known yet.
fn known(result: Result<i64, EvalError>) -> Option<i64> {
    result.ok()
}

impl Assembler<'_> {
    fn location(&self, file: usize, line: u32, col: u32) -> Location {
        Location {
            file: self.files.get(file).cloned().unwrap_or_default(),
            line,
            column: col,
        }
    }

    fn error_at(&mut self, seq: usize, file: usize, line: u32, col: u32, kind: ErrorKind) {
        let location = self.location(file, line, col);
        self.errors.push(((seq, col), Error { location, kind }));
    }

    /// Reports an error on statement `idx`.
    fn error(&mut self, idx: usize, col: u32, kind: ErrorKind) {
        let (seq, file, line) = {
            let l = &self.lines[idx];
            (l.seq, l.file, l.line)
        };
        self.error_at(seq, file, line, col, kind);
    }

    fn read_file(&mut self, name: &str, text: &str, stack: &mut Vec<String>) {
        let file = self.files.len();
        self.files.push(name.to_string());
        stack.push(name.to_string());
        for (i, raw) in text.split('\n').enumerate() {
            let raw = raw.strip_suffix('\r').unwrap_or(raw);
            let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let seq = self.seq;
            self.seq += 1;
            let end_col = u32::try_from(raw.chars().count() + 1).unwrap_or(u32::MAX);
            let tokens = match lex_line(raw) {
                Ok(tokens) => tokens,
                Err((col, kind)) => {
                    self.error_at(seq, file, line, col, kind);
                    continue;
                }
            };
            let (label, body) = parse_line(&tokens, end_col);
            let body = match body {
                Ok(Body::Include(requested, col)) => {
                    if label.is_some() {
                        self.lines.push(Line {
                            file,
                            line,
                            seq,
                            label,
                            body: Body::Empty,
                        });
                    }
                    self.include(name, &requested, stack, (seq, file, line, col));
                    continue;
                }
                Ok(body) => body,
                Err((col, kind)) => {
                    self.error_at(seq, file, line, col, kind);
                    Body::Empty
                }
            };
            if label.is_some() || body != Body::Empty {
                self.lines.push(Line {
                    file,
                    line,
                    seq,
                    label,
                    body,
                });
            }
        }
        stack.pop();
    }

    fn include(
        &mut self,
        from: &str,
        requested: &str,
        stack: &mut Vec<String>,
        (seq, file, line, col): (usize, usize, u32, u32),
    ) {
        if stack.len() >= MAX_INCLUDE_DEPTH {
            self.error_at(seq, file, line, col, ErrorKind::IncludeTooDeep);
            return;
        }
        match self.loader.load(from, requested) {
            Err(reason) => self.error_at(
                seq,
                file,
                line,
                col,
                ErrorKind::IncludeFailed {
                    name: requested.to_string(),
                    reason,
                },
            ),
            Ok(source) if stack.contains(&source.name) => {
                self.error_at(seq, file, line, col, ErrorKind::IncludeCycle(source.name));
            }
            Ok(source) => self.read_file(&source.name, &source.text, stack),
        }
    }

    fn lookup(&self, scope: &str, name: &str) -> Option<i64> {
        self.symbols
            .get(&qualify(scope, name))
            .and_then(|d| d.value)
    }

    fn eval(&self, expr: &ExprAt, scope: &str, pc: u32) -> Result<i64, EvalError> {
        expr.expr
            .eval(&|name| self.lookup(scope, name), i64::from(pc))
    }

    fn define(
        &mut self,
        idx: usize,
        scope: &str,
        label: &Label,
        value: Option<i64>,
        kind: SymbolKind,
    ) {
        let key = qualify(scope, &label.name);
        let (file, line) = (self.lines[idx].file, self.lines[idx].line);
        if let Some(previous) = self.symbols.get(&key) {
            let previous = previous.location.clone();
            self.error(
                idx,
                label.col,
                ErrorKind::DuplicateSymbol {
                    name: key,
                    previous,
                },
            );
            return;
        }
        let location = self.location(file, line, label.col);
        self.symbols.insert(
            key,
            SymDef {
                value,
                idx,
                kind,
                location,
            },
        );
    }

    fn pass1(&mut self) {
        let mut pc: Option<u32> = None;
        let mut no_origin_reported = false;
        let mut scope = String::new();
        for idx in 0..self.lines.len() {
            let label = self.lines[idx].label.clone();
            let body = std::mem::replace(&mut self.lines[idx].body, Body::Empty);

            if let Body::Origin(expr) = &body {
                match self.eval(expr, &scope, pc.unwrap_or(0)) {
                    Ok(value) if (0..=0xffff).contains(&value) => {
                        pc = u32::try_from(value).ok();
                    }
                    Ok(value) => self.error(
                        idx,
                        expr.col,
                        ErrorKind::ValueOutOfRange {
                            value,
                            target: "an address",
                        },
                    ),
                    Err(EvalError::Unknown(..)) => {
                        self.error(idx, expr.col, ErrorKind::NeedsKnownValue("the origin"));
                    }
                    Err(EvalError::Fatal(col, kind)) => self.error(idx, col.max(expr.col), kind),
                }
                // After a bad origin, carry on from 0 rather than report "no origin".
                if pc.is_none() {
                    pc = Some(0);
                }
            }

            let needs_pc = label.is_some()
                || matches!(body, Body::Instr(_) | Body::Fill(..))
                || matches!(&body, Body::Data(_, items) if !items.is_empty());
            if needs_pc && pc.is_none() {
                if !no_origin_reported {
                    let col = label.as_ref().map_or(1, |l| l.col);
                    self.error(idx, col, ErrorKind::NoOrigin);
                    no_origin_reported = true;
                }
                pc = Some(0);
            }
            let here = pc.unwrap_or(0);

            if let Some(label) = &label {
                if !is_local(&label.name) {
                    scope.clone_from(&label.name);
                }
                self.define(idx, &scope, label, Some(i64::from(here)), SymbolKind::Label);
            }

            let (size, mode) = match &body {
                Body::Instr(instr) => match self.select_mode(instr, &scope, here) {
                    Ok(mode) => (1 + u32::from(mode.operand_len()), Some(mode)),
                    Err((col, kind)) => {
                        self.error(idx, col, kind);
                        (0, None)
                    }
                },
                Body::Data(kind, items) => {
                    let size = items
                        .iter()
                        .map(|item| match (item, kind) {
                            (DataItem::Str(bytes, _), _) => bytes.len(),
                            (DataItem::Expr(_), DataKind::Word) => 2,
                            (DataItem::Expr(_), _) => 1,
                        })
                        .sum::<usize>();
                    (u32::try_from(size).unwrap_or(u32::MAX), None)
                }
                Body::Fill(count, _) => match self.eval(count, &scope, here) {
                    Ok(n) if (0..=0x10000).contains(&n) => (u32::try_from(n).unwrap_or(0), None),
                    Ok(n) => {
                        self.error(
                            idx,
                            count.col,
                            ErrorKind::ValueOutOfRange {
                                value: n,
                                target: "a fill count (0 to 65536)",
                            },
                        );
                        (0, None)
                    }
                    Err(EvalError::Unknown(..)) => {
                        self.error(idx, count.col, ErrorKind::NeedsKnownValue("a fill count"));
                        (0, None)
                    }
                    Err(EvalError::Fatal(col, kind)) => {
                        self.error(idx, col.max(count.col), kind);
                        (0, None)
                    }
                },
                Body::Constant(name, expr) => {
                    let value = known(self.eval(expr, &scope, here));
                    self.define(idx, &scope, name, value, SymbolKind::Constant);
                    (0, None)
                }
                Body::Empty | Body::Origin(_) | Body::Include(..) => (0, None),
            };

            self.lines[idx].body = body;
            self.layout.push(Layout {
                pc: here,
                size,
                mode,
                scope: scope.clone(),
            });
            if let Some(p) = pc {
                pc = Some(p.saturating_add(size).min(0x2_0000));
            }
        }
    }

    /// Chooses the addressing mode from the operand's shape and, for zero page versus
    /// absolute, from its value if already known.
    fn select_mode(&self, instr: &Instr, scope: &str, pc: u32) -> Result<Mode, (u32, ErrorKind)> {
        let m = instr.mnemonic;
        let has = |mode| opcodes::has_mode(m, mode);
        let operand_col = instr.operand_col;
        let bad = |mode: &str| {
            (
                operand_col,
                ErrorKind::BadAddressingMode {
                    mnemonic: m.to_string(),
                    mode: mode.to_string(),
                },
            )
        };
        let value = instr
            .operand
            .expr()
            .and_then(|e| known(self.eval(e, scope, pc)));
        let sized = |zp: Mode, abs: Mode| -> Result<Mode, (u32, ErrorKind)> {
            match instr.force {
                Some(Force::Absolute) if has(abs) => Ok(abs),
                Some(Force::Absolute) => Err(bad(&abs.to_string())),
                Some(Force::ZeroPage) if has(zp) => Ok(zp),
                Some(Force::ZeroPage) => Err(bad(&zp.to_string())),
                None => {
                    let fits_zp = value.is_some_and(|v| (0..=0xff).contains(&v));
                    if has(zp) && (fits_zp || !has(abs)) {
                        Ok(zp)
                    } else if has(abs) {
                        Ok(abs)
                    } else {
                        Err(bad(&abs.to_string()))
                    }
                }
            }
        };
        let single = |mode: Mode| {
            if instr.force.is_some() {
                Err((
                    instr.col,
                    ErrorKind::Syntax(
                        "`a:` / `z:` only apply to zero-page or absolute operands".into(),
                    ),
                ))
            } else if has(mode) {
                Ok(mode)
            } else {
                Err(bad(&mode.to_string()))
            }
        };
        match &instr.operand {
            Operand::None => {
                if has(Mode::Implied) {
                    Ok(Mode::Implied)
                } else if has(Mode::Accumulator) {
                    Ok(Mode::Accumulator)
                } else {
                    Err((
                        instr.col,
                        ErrorKind::Syntax(format!("`{m}` needs an operand")),
                    ))
                }
            }
            Operand::Accumulator => single(Mode::Accumulator),
            Operand::Immediate(_) => single(Mode::Immediate),
            Operand::Direct(_) if has(Mode::Relative) => single(Mode::Relative),
            Operand::Direct(_) => sized(Mode::ZeroPage, Mode::Absolute),
            Operand::DirectX(_) => sized(Mode::ZeroPageX, Mode::AbsoluteX),
            Operand::DirectY(_) => sized(Mode::ZeroPageY, Mode::AbsoluteY),
            Operand::Indirect(_) => single(Mode::Indirect),
            Operand::IndexedIndirect(_) => single(Mode::IndexedIndirect),
            Operand::IndirectIndexed(_) => single(Mode::IndirectIndexed),
        }
    }

    /// Resolves constants that refer to symbols defined after them.
    fn resolve_constants(&mut self) {
        loop {
            let mut progress = false;
            for idx in 0..self.lines.len() {
                let Body::Constant(label, expr) = &self.lines[idx].body else {
                    continue;
                };
                let layout = &self.layout[idx];
                let key = qualify(&layout.scope, &label.name);
                if self.symbols.get(&key).is_none_or(|d| d.value.is_some()) {
                    continue;
                }
                // Only the first definition of a duplicated name owns the symbol.
                if self.symbols.get(&key).map(|d| d.idx) != Some(idx) {
                    continue;
                }
                if let Ok(value) = self.eval(expr, &layout.scope, layout.pc) {
                    if let Some(def) = self.symbols.get_mut(&key) {
                        def.value = Some(value);
                    }
                    progress = true;
                }
            }
            if !progress {
                return;
            }
        }
    }

    /// Evaluates with every symbol known, reporting failures.
    fn value(&mut self, idx: usize, expr: &ExprAt) -> Option<i64> {
        let layout = &self.layout[idx];
        match self.eval(expr, &layout.scope, layout.pc) {
            Ok(value) => Some(value),
            Err(EvalError::Unknown(name, col)) => {
                self.error(idx, col, ErrorKind::UndefinedSymbol(name));
                None
            }
            Err(EvalError::Fatal(col, kind)) => {
                self.error(idx, col.max(expr.col), kind);
                None
            }
        }
    }

    /// Checks that `value` lies in `range`, reporting it otherwise.
    fn fit(
        &mut self,
        idx: usize,
        col: u32,
        value: i64,
        range: std::ops::RangeInclusive<i64>,
        target: &'static str,
    ) -> Option<i64> {
        if range.contains(&value) {
            Some(value)
        } else {
            self.error(idx, col, ErrorKind::ValueOutOfRange { value, target });
            None
        }
    }

    fn pass2(&mut self) -> Vec<Option<u8>> {
        let mut memory: Vec<Option<u8>> = vec![None; 0x10000];
        let mut overflow_reported = false;
        for idx in 0..self.lines.len() {
            let body = std::mem::replace(&mut self.lines[idx].body, Body::Empty);
            let bytes = match &body {
                Body::Instr(instr) => self.emit_instr(idx, instr),
                Body::Data(kind, items) => self.emit_data(idx, *kind, items),
                Body::Fill(_, value) => {
                    let fill = value
                        .as_ref()
                        .and_then(|v| {
                            let n = self.value(idx, v)?;
                            self.fit(idx, v.col, n, -128..=255, "a byte")
                        })
                        .unwrap_or(0);
                    vec![(fill & 0xff) as u8; self.layout[idx].size as usize]
                }
                Body::Constant(_, expr) => {
                    self.value(idx, expr);
                    Vec::new()
                }
                Body::Empty | Body::Origin(_) | Body::Include(..) => Vec::new(),
            };
            self.lines[idx].body = body;
            let start = self.layout[idx].pc as usize;
            if bytes.is_empty() {
                continue;
            }
            if start + bytes.len() > 0x10000 {
                if !overflow_reported {
                    self.error(idx, 1, ErrorKind::AddressOverflow);
                    overflow_reported = true;
                }
                continue;
            }
            let mut overlap = None;
            for (offset, byte) in bytes.iter().enumerate() {
                let slot = &mut memory[start + offset];
                if slot.is_some() && overlap.is_none() {
                    overlap = Some(start + offset);
                }
                *slot = Some(*byte);
            }
            if let Some(address) = overlap {
                self.error(
                    idx,
                    1,
                    ErrorKind::Overlap {
                        address: u16::try_from(address).unwrap_or(u16::MAX),
                    },
                );
            }
        }
        memory
    }

    fn emit_instr(&mut self, idx: usize, instr: &Instr) -> Vec<u8> {
        let Some(mode) = self.layout[idx].mode else {
            return Vec::new();
        };
        let Some(opcode) = opcodes::encode(instr.mnemonic, mode) else {
            return Vec::new();
        };
        let mut bytes = vec![opcode];
        let Some(expr) = instr.operand.expr() else {
            return bytes;
        };
        let value = self.value(idx, expr);
        let col = expr.col;
        let pc = i64::from(self.layout[idx].pc);
        match mode {
            Mode::Implied | Mode::Accumulator => {}
            Mode::Immediate => {
                let v = value.and_then(|v| self.fit(idx, col, v, -128..=255, "a byte"));
                bytes.push((v.unwrap_or(0) & 0xff) as u8);
            }
            Mode::ZeroPage
            | Mode::ZeroPageX
            | Mode::ZeroPageY
            | Mode::IndexedIndirect
            | Mode::IndirectIndexed => {
                let v = value.and_then(|v| self.fit(idx, col, v, 0..=0xff, "zero page ($00-$ff)"));
                bytes.push((v.unwrap_or(0) & 0xff) as u8);
            }
            Mode::Absolute | Mode::AbsoluteX | Mode::AbsoluteY | Mode::Indirect => {
                let v = value.and_then(|v| self.fit(idx, col, v, 0..=0xffff, "an address"));
                bytes.extend_from_slice(&((v.unwrap_or(0) & 0xffff) as u16).to_le_bytes());
            }
            Mode::Relative => {
                let target = value.and_then(|v| self.fit(idx, col, v, 0..=0xffff, "an address"));
                let offset = target.and_then(|target| {
                    let distance = target - (pc + 2);
                    // Branches wrap around the 64K address space.
                    let wrapped = (distance + 0x8000).rem_euclid(0x10000) - 0x8000;
                    if (-128..=127).contains(&distance) {
                        Some(distance)
                    } else if (-128..=127).contains(&wrapped) {
                        Some(wrapped)
                    } else {
                        self.error(idx, col, ErrorKind::BranchOutOfRange { distance });
                        None
                    }
                });
                bytes.push((offset.unwrap_or(0) & 0xff) as u8);
            }
        }
        bytes
    }

    fn emit_data(&mut self, idx: usize, kind: DataKind, items: &[DataItem]) -> Vec<u8> {
        let mut bytes = Vec::new();
        for item in items {
            match item {
                DataItem::Str(text, _) => match kind {
                    DataKind::Petscii => bytes.extend(text.iter().map(|&b| petscii(b))),
                    DataKind::Byte | DataKind::Word => bytes.extend_from_slice(text),
                },
                DataItem::Expr(expr) => {
                    let value = self.value(idx, expr);
                    if kind == DataKind::Word {
                        let v = value
                            .and_then(|v| self.fit(idx, expr.col, v, -0x8000..=0xffff, "16 bits"));
                        bytes.extend_from_slice(&((v.unwrap_or(0) & 0xffff) as u16).to_le_bytes());
                    } else {
                        let v =
                            value.and_then(|v| self.fit(idx, expr.col, v, -128..=255, "a byte"));
                        bytes.push((v.unwrap_or(0) & 0xff) as u8);
                    }
                }
            }
        }
        bytes
    }

    fn finish(mut self, memory: Vec<Option<u8>>) -> Result<Assembly, Errors> {
        if !self.errors.is_empty() {
            self.errors.sort_by_key(|(key, _)| *key);
            self.errors.dedup_by(|a, b| a.1 == b.1);
            return Err(Errors(self.errors.into_iter().map(|(_, e)| e).collect()));
        }
        let first = memory.iter().position(Option::is_some);
        let last = memory.iter().rposition(Option::is_some);
        let (load_address, bytes) = match (first, last) {
            (Some(first), Some(last)) => (
                u16::try_from(first).unwrap_or(0),
                memory[first..=last]
                    .iter()
                    .map(|b| b.unwrap_or(0))
                    .collect(),
            ),
            _ => (0, Vec::new()),
        };
        let symbols = self
            .symbols
            .into_iter()
            .filter_map(|(name, def)| {
                def.value.map(|value| {
                    (
                        name,
                        Symbol {
                            value,
                            kind: def.kind,
                        },
                    )
                })
            })
            .collect();
        Ok(Assembly {
            load_address,
            bytes,
            symbols,
        })
    }
}
