//! The project's own 6502 test programs, `roms-test/6502/*.s`, assembled by
//! `heirloom-asm6502` when the tests run and checked against the expectations written in
//! each program.
//!
//! # Directives
//!
//! A directive is a comment line of the form `; keyword: ...` (the `;` may be indented).
//! Numbers are `$hex`, `%binary` or decimal. An *address* is a number or a label of the
//! program. A *cycle number* `k` names the clock cycle that starts once `k` cycles have
//! completed, counting from 0 when the program starts (RDY stalls included), so
//! "cycle 0" is the first opcode fetch.
//!
//! Setup (the CPU starts as [`Cpu::new`] leaves it, S = `$FD`, P = `$24`, at the label
//! `start`, with 64 KiB of RAM holding the program and zero elsewhere):
//!
//! * `; irq: from=K [until=M]` — the IRQ line is asserted while the number of completed
//!   cycles is in `K..M` (no `until`: for ever), so an instruction whose interrupt poll
//!   comes after `K` completed cycles sees it. Several lines add several windows.
//! * `; nmi: from=K [until=M]` — the same for the NMI line (the CPU reacts to the edge).
//! * `; rdy: from=K until=M` — RDY is low during cycles `K..M`: a read in one of them
//!   waits; writes go ahead (the NMOS chip ignores RDY during writes).
//! * `; limit: N` — the run fails if `done` is not reached within `N` cycles (default
//!   100000).
//!
//! Expectations, checked when the CPU is about to start the instruction at the label
//! `done` (with no interrupt due):
//!
//! * `; expect: a=V x=V y=V s=V p=V pc=ADDR cycles=N flags=NvZc` — any subset, space
//!   separated. `cycles` is the cycle number at which `done` is reached. `flags` names
//!   flags from `NVDIZC`: upper case must be set, lower case must be clear, others are not
//!   checked.
//! * `; expect: mem ADDR = B B ...` — memory from `ADDR` on holds these bytes.
//! * `; expect: writes ADDR = B[@K] B[@K] ...` — the complete list of the values written
//!   to `ADDR` during the run, in order, each optionally with the cycle number of the write
//!   cycle. An empty list means "never written". Dummy writes of read-modify-write
//!   instructions count as writes.
//! * `; expect: reach LABEL = K K ...` — the cycle numbers of every start of an
//!   instruction at `LABEL` (an interrupt handler's first instruction, a return point,
//!   a loop head...), in order. An empty list means "never executed".
//!
//! Every mismatch is reported with the program's name and the line of its expectation.

use heirloom_6502::{Bus, Cpu};
use heirloom_asm6502::{Assembly, FsLoader, MemoryLoader, SourceLoader, assemble};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::PathBuf;

/// Cycles a program may run before it counts as hung.
const DEFAULT_LIMIT: u64 = 100_000;

/// A value that may be a number or a label.
#[derive(Clone, Debug)]
enum Value {
    Number(u32),
    Label(String),
}

/// One register or flag check of an `expect:` line.
#[derive(Clone, Copy, Debug)]
enum Register {
    A,
    X,
    Y,
    S,
    P,
    Pc,
}

/// One checkable claim of a program.
#[derive(Clone, Debug)]
enum Check {
    Register(Register, Value),
    Cycles(u64),
    Flags {
        mask: u8,
        set: u8,
    },
    Mem {
        addr: Value,
        bytes: Vec<u8>,
    },
    Writes {
        addr: Value,
        writes: Vec<(u8, Option<u64>)>,
    },
    Reach {
        label: String,
        cycles: Vec<u64>,
    },
}

/// The directives of one program, each with its 1-based source line.
#[derive(Debug, Default)]
struct Directives {
    irq: Vec<Range<u64>>,
    nmi: Vec<Range<u64>>,
    rdy: Vec<Range<u64>>,
    limit: Option<u64>,
    checks: Vec<(usize, Check)>,
}

fn parse_number(text: &str) -> Result<u32, String> {
    let parsed = if let Some(hex) = text.strip_prefix('$') {
        u32::from_str_radix(hex, 16)
    } else if let Some(bin) = text.strip_prefix('%') {
        u32::from_str_radix(bin, 2)
    } else {
        text.parse()
    };
    parsed.map_err(|_| format!("bad number `{text}`"))
}

fn parse_byte(text: &str) -> Result<u8, String> {
    u8::try_from(parse_number(text)?).map_err(|_| format!("`{text}` is not a byte"))
}

fn parse_value(text: &str) -> Result<Value, String> {
    match text.chars().next() {
        Some('$' | '%' | '0'..='9') => parse_number(text).map(Value::Number),
        Some(c) if c.is_alphabetic() || c == '_' || c == '.' || c == '@' => {
            Ok(Value::Label(text.to_string()))
        }
        _ => Err(format!("bad value `{text}`")),
    }
}

/// Parses `from=K [until=M]` into a cycle range.
fn parse_window(body: &str) -> Result<Range<u64>, String> {
    let (mut from, mut until) = (None, u64::MAX);
    for item in body.split_whitespace() {
        match item.split_once('=') {
            Some(("from", v)) => from = Some(u64::from(parse_number(v)?)),
            Some(("until", v)) => until = u64::from(parse_number(v)?),
            _ => return Err(format!("expected `from=K` or `until=M`, found `{item}`")),
        }
    }
    let from = from.ok_or("missing `from=`")?;
    if until <= from {
        return Err("empty window: `until` must be after `from`".to_string());
    }
    Ok(from..until)
}

fn parse_flags(spec: &str) -> Result<(u8, u8), String> {
    let (mut mask, mut set) = (0, 0);
    for c in spec.chars() {
        let bit = match c.to_ascii_uppercase() {
            'N' => 0x80,
            'V' => 0x40,
            'D' => 0x08,
            'I' => 0x04,
            'Z' => 0x02,
            'C' => 0x01,
            _ => return Err(format!("unknown flag `{c}` (use NVDIZC)")),
        };
        mask |= bit;
        if c.is_ascii_uppercase() {
            set |= bit;
        }
    }
    Ok((mask, set))
}

/// Parses `ADDR = item item ...` with `item` parsed by `item`.
fn parse_list<T>(
    body: &str,
    item: impl Fn(&str) -> Result<T, String>,
) -> Result<(String, Vec<T>), String> {
    let (head, list) = body.split_once('=').ok_or("expected `... = ...`")?;
    let head = head.trim();
    if head.is_empty() || head.contains(char::is_whitespace) {
        return Err(format!(
            "expected one address or label before `=`, found `{head}`"
        ));
    }
    let items = list
        .split_whitespace()
        .map(item)
        .collect::<Result<_, _>>()?;
    Ok((head.to_string(), items))
}

fn parse_expect(body: &str) -> Result<Vec<Check>, String> {
    let (word, rest) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
    match word {
        "mem" => {
            let (addr, bytes) = parse_list(rest, parse_byte)?;
            if bytes.is_empty() {
                return Err("`mem` needs at least one byte".to_string());
            }
            Ok(vec![Check::Mem {
                addr: parse_value(&addr)?,
                bytes,
            }])
        }
        "writes" => {
            let (addr, writes) = parse_list(rest, |item| match item.split_once('@') {
                Some((value, cycle)) => {
                    Ok((parse_byte(value)?, Some(u64::from(parse_number(cycle)?))))
                }
                None => Ok((parse_byte(item)?, None)),
            })?;
            Ok(vec![Check::Writes {
                addr: parse_value(&addr)?,
                writes,
            }])
        }
        "reach" => {
            let (label, cycles) = parse_list(rest, |c| parse_number(c).map(u64::from))?;
            Ok(vec![Check::Reach { label, cycles }])
        }
        _ => body
            .split_whitespace()
            .map(|item| {
                let (key, value) = item
                    .split_once('=')
                    .ok_or_else(|| format!("expected `key=value`, found `{item}`"))?;
                let register = |r| parse_value(value).map(|v| Check::Register(r, v));
                match key {
                    "a" => register(Register::A),
                    "x" => register(Register::X),
                    "y" => register(Register::Y),
                    "s" => register(Register::S),
                    "p" => register(Register::P),
                    "pc" => register(Register::Pc),
                    "cycles" => Ok(Check::Cycles(u64::from(parse_number(value)?))),
                    "flags" => parse_flags(value).map(|(mask, set)| Check::Flags { mask, set }),
                    _ => Err(format!("unknown expectation `{key}`")),
                }
            })
            .collect(),
    }
}

/// Reads every directive of a program; errors carry their line number.
fn parse_directives(source: &str) -> Result<Directives, Vec<String>> {
    let mut directives = Directives::default();
    let mut errors = Vec::new();
    for (index, line) in source.lines().enumerate() {
        let line_no = index + 1;
        let Some(comment) = line.trim_start().strip_prefix(';') else {
            continue;
        };
        let Some((keyword, body)) = comment.trim().split_once(':') else {
            continue;
        };
        let body = body.trim();
        let result = match keyword {
            "expect" => parse_expect(body).map(|checks| {
                directives
                    .checks
                    .extend(checks.into_iter().map(|c| (line_no, c)));
            }),
            "irq" => parse_window(body).map(|w| directives.irq.push(w)),
            "nmi" => parse_window(body).map(|w| directives.nmi.push(w)),
            "rdy" => parse_window(body).map(|w| directives.rdy.push(w)),
            "limit" => parse_number(body).map(|n| directives.limit = Some(u64::from(n))),
            _ => Ok(()),
        };
        if let Err(e) = result {
            errors.push(format!("line {line_no}: {e}"));
        }
    }
    if errors.is_empty() {
        Ok(directives)
    } else {
        Err(errors)
    }
}

/// 64 KiB of RAM with scheduled IRQ, NMI and RDY lines and a log of every write.
struct RecordingBus {
    mem: Vec<u8>,
    /// Completed cycles, stalls included.
    clock: u64,
    irq: Vec<Range<u64>>,
    nmi: Vec<Range<u64>>,
    rdy_low: Vec<Range<u64>>,
    /// `(address, value, cycle number)` of every write cycle.
    writes: Vec<(u16, u8, u64)>,
}

impl Bus for RecordingBus {
    fn read(&mut self, addr: u16) -> u8 {
        self.clock += 1;
        self.mem[addr as usize]
    }

    fn write(&mut self, addr: u16, value: u8) {
        self.writes.push((addr, value, self.clock));
        self.mem[addr as usize] = value;
        self.clock += 1;
    }

    fn stall(&mut self, _addr: u16) -> bool {
        let low = self.rdy_low.iter().any(|w| w.contains(&self.clock));
        if low {
            self.clock += 1;
        }
        low
    }

    fn irq(&mut self) -> bool {
        self.irq.iter().any(|w| w.contains(&self.clock))
    }

    fn nmi(&mut self) -> bool {
        self.nmi.iter().any(|w| w.contains(&self.clock))
    }
}

/// Resolves a value against the program's symbols.
fn resolve(program: &Assembly, value: &Value) -> Result<u32, String> {
    match value {
        Value::Number(n) => Ok(*n),
        Value::Label(name) => program
            .address_of(name)
            .map(u32::from)
            .ok_or_else(|| format!("unknown label `{name}`")),
    }
}

fn resolve_address(program: &Assembly, value: &Value) -> Result<u16, String> {
    let n = resolve(program, value)?;
    u16::try_from(n).map_err(|_| format!("address ${n:x} is out of range"))
}

fn format_writes(writes: &[(u8, Option<u64>)]) -> String {
    let items: Vec<String> = writes
        .iter()
        .map(|(v, cycle)| match cycle {
            Some(c) => format!("${v:02x}@{c}"),
            None => format!("${v:02x}"),
        })
        .collect();
    format!("[{}]", items.join(" "))
}

/// Assembles, runs and checks one program; returns every failure.
fn run_source(name: &str, text: &str, loader: &dyn SourceLoader) -> Result<(), Vec<String>> {
    let program = assemble(name, text, loader)
        .map_err(|errors| vec![format!("does not assemble:\n{errors}")])?;
    let directives = parse_directives(text)?;

    let mut failures = Vec::new();
    let mut fail = |line: usize, message: String| failures.push(format!("line {line}: {message}"));
    let (Some(start), Some(done)) = (program.address_of("start"), program.address_of("done"))
    else {
        return Err(vec![
            "the labels `start` and `done` are required".to_string(),
        ]);
    };

    let mut mem = vec![0; 0x10000];
    let load = program.load_address as usize;
    let Some(image) = mem.get_mut(load..load + program.bytes.len()) else {
        return Err(vec!["the program runs past $FFFF".to_string()]);
    };
    image.copy_from_slice(&program.bytes);
    let mut bus = RecordingBus {
        mem,
        clock: 0,
        irq: directives.irq.clone(),
        nmi: directives.nmi.clone(),
        rdy_low: directives.rdy.clone(),
        writes: Vec::new(),
    };

    // The instruction starts to record: address -> cycle numbers.
    let mut reached: HashMap<u16, Vec<u64>> = HashMap::new();
    for (line, check) in &directives.checks {
        if let Check::Reach { label, .. } = check {
            match program.address_of(label) {
                Some(addr) => {
                    reached.insert(addr, Vec::new());
                }
                None => fail(*line, format!("unknown label `{label}`")),
            }
        }
    }

    let mut cpu = Cpu::new();
    cpu.pc = start;
    let limit = directives.limit.unwrap_or(DEFAULT_LIMIT);
    loop {
        if !cpu.interrupt_due && !cpu.jammed() {
            if let Some(starts) = reached.get_mut(&cpu.pc) {
                starts.push(cpu.cycles);
            }
            if cpu.pc == done {
                break;
            }
        }
        if let Some((opcode, pc)) = cpu.jam {
            failures.push(format!("the CPU jammed on ${opcode:02x} at ${pc:04x}"));
            return Err(failures);
        }
        if cpu.cycles >= limit {
            failures.push(format!(
                "`done` not reached within {limit} cycles (pc ${:04x})",
                cpu.pc
            ));
            return Err(failures);
        }
        cpu.step(&mut bus);
    }

    for (line, check) in &directives.checks {
        let line = *line;
        match check {
            Check::Register(register, value) => {
                let expected = match resolve(&program, value) {
                    Ok(v) => v,
                    Err(e) => {
                        fail(line, e);
                        continue;
                    }
                };
                let (name, actual, width) = match register {
                    Register::A => ("a", u32::from(cpu.a), 2),
                    Register::X => ("x", u32::from(cpu.x), 2),
                    Register::Y => ("y", u32::from(cpu.y), 2),
                    Register::S => ("s", u32::from(cpu.s), 2),
                    Register::P => ("p", u32::from(cpu.p), 2),
                    Register::Pc => ("pc", u32::from(cpu.pc), 4),
                };
                if actual != expected {
                    fail(
                        line,
                        format!("{name}: expected ${expected:0width$x}, got ${actual:0width$x}"),
                    );
                }
            }
            Check::Cycles(expected) => {
                if cpu.cycles != *expected {
                    fail(
                        line,
                        format!("cycles: expected {expected}, got {}", cpu.cycles),
                    );
                }
            }
            Check::Flags { mask, set } => {
                if cpu.p & mask != *set {
                    fail(
                        line,
                        format!(
                            "flags: expected {set:08b} under mask {mask:08b}, p is {:08b}",
                            cpu.p
                        ),
                    );
                }
            }
            Check::Mem { addr, bytes } => match resolve_address(&program, addr) {
                Ok(at) => {
                    for (offset, expected) in bytes.iter().enumerate() {
                        let a = at.wrapping_add(offset as u16);
                        let actual = bus.mem[a as usize];
                        if actual != *expected {
                            fail(
                                line,
                                format!(
                                    "mem ${a:04x}: expected ${expected:02x}, got ${actual:02x}"
                                ),
                            );
                        }
                    }
                }
                Err(e) => fail(line, e),
            },
            Check::Writes { addr, writes } => match resolve_address(&program, addr) {
                Ok(at) => {
                    let actual: Vec<(u8, u64)> = bus
                        .writes
                        .iter()
                        .filter(|w| w.0 == at)
                        .map(|w| (w.1, w.2))
                        .collect();
                    let matches = actual.len() == writes.len()
                        && actual
                            .iter()
                            .zip(writes)
                            .all(|(&(v, c), &(ev, ec))| v == ev && ec.is_none_or(|ec| ec == c));
                    if !matches {
                        let shown: Vec<(u8, Option<u64>)> =
                            actual.iter().map(|&(v, c)| (v, Some(c))).collect();
                        fail(
                            line,
                            format!(
                                "writes to ${at:04x}: expected {}, got {}",
                                format_writes(writes),
                                format_writes(&shown)
                            ),
                        );
                    }
                }
                Err(e) => fail(line, e),
            },
            Check::Reach { label, cycles } => {
                let Some(actual) = program.address_of(label).and_then(|a| reached.get(&a)) else {
                    continue; // already reported as an unknown label
                };
                if actual != cycles {
                    fail(
                        line,
                        format!("reach {label}: expected at cycles {cycles:?}, got {actual:?}"),
                    );
                }
            }
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures)
    }
}

fn programs_dir() -> PathBuf {
    heirloom_testkit::roms_test_dir().join("6502")
}

/// Runs `roms-test/6502/<name>.s` and panics with all of its failures.
fn check(name: &str) {
    let path = programs_dir().join(format!("{name}.s"));
    let result = match FsLoader::read_main(&path) {
        Ok(source) => run_source(&source.name, &source.text, &FsLoader),
        Err(e) => Err(vec![format!("cannot read: {e}")]),
    };
    if let Err(failures) = result {
        let mut report = format!("{name}.s: {} failure(s)", failures.len());
        for f in &failures {
            let _ = write!(report, "\n  {name}.s: {f}");
        }
        panic!("{report}");
    }
}

macro_rules! programs {
    ($($name:ident),* $(,)?) => {
        /// Every program in `roms-test/6502`, by file stem.
        const PROGRAMS: &[&str] = &[$(stringify!($name)),*];
        $(
            #[test]
            fn $name() {
                check(stringify!($name));
            }
        )*
    };
}

programs! {
    addressing,
    alu,
    rmw,
    branches,
    stack,
    transfers,
    decimal,
    undocumented,
    copy_loop,
    irq,
    irq_branch,
    irq_cli,
    irq_plp_rti,
    nmi,
    brk_nmi,
    rdy,
}

#[test]
fn every_program_in_the_folder_is_listed() {
    let mut found: Vec<String> = std::fs::read_dir(programs_dir())
        .expect("roms-test/6502 exists")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            (path.extension()? == "s").then(|| path.file_stem()?.to_str().map(str::to_string))?
        })
        .collect();
    found.sort();
    let mut listed: Vec<&str> = PROGRAMS.to_vec();
    listed.sort();
    assert_eq!(
        found, listed,
        "roms-test/6502/*.s and the `programs!` list differ"
    );
}

#[test]
fn directives_parse_and_errors_name_their_line() {
    let directives =
        parse_directives("; expect: a=$01 flags=Zc\n; expect: writes $0300 = $01@3 $02\n")
            .expect("valid directives");
    assert_eq!(directives.checks.len(), 3);
    assert!(matches!(
        directives.checks[0],
        (1, Check::Register(Register::A, _))
    ));
    assert!(matches!(
        directives.checks[1],
        (
            1,
            Check::Flags {
                mask: 0x03,
                set: 0x02
            }
        )
    ));
    assert!(
        matches!(&directives.checks[2], (2, Check::Writes { writes, .. })
        if writes == &[(1, Some(3)), (2, None)])
    );
    let errors = parse_directives("nop\n; irq: from=5 until=5\n; expect: q=1\n").unwrap_err();
    assert_eq!(errors.len(), 2);
    assert!(errors[0].starts_with("line 2:") && errors[1].starts_with("line 3:"));
}

#[test]
fn wrong_expectations_are_all_reported() {
    // LDA #$42; STA $0300 takes 2 + 4 cycles; every claim below except `x` is false.
    let source = "\
; expect: a=$41 x=$00 cycles=7
; expect: writes $0300 = $42@6
; expect: reach never =
; expect: mem $0300 = $43
* = $0200
start:  lda #$42
        sta $0300
done:   jmp done
never:  jmp never
";
    let failures = run_source("wrong.s", source, &MemoryLoader::new()).unwrap_err();
    assert_eq!(failures.len(), 4, "{failures:?}");
    assert!(failures[0].starts_with("line 1: a: expected $41, got $42"));
    assert!(failures[1].starts_with("line 1: cycles: expected 7, got 6"));
    assert!(failures[2].starts_with("line 2: writes to $0300"));
    assert!(failures[3].starts_with("line 4: mem $0300"));
    let fixed = source
        .replace("a=$41", "a=$42")
        .replace("cycles=7", "cycles=6")
        .replace("$42@6", "$42@5")
        .replace("= $43", "= $42");
    assert_eq!(run_source("fixed.s", &fixed, &MemoryLoader::new()), Ok(()));
}
