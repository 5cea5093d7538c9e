//! BASIC V2: the cold start, the lines typed at `READY.`, and the interpreter.
//!
//! Programs live in C64 RAM in the BASIC V2 format: from `TXTTAB` ($2B), each line is a
//! link to the next line, a 16-bit line number, the tokenized text and a zero; a zero
//! link ends the program, and `VARTAB` ($2D) points just past it. Lines are tokenized
//! with V2's table ($80–$CB) and rules (nothing inside quotes, after `REM`, or inside
//! `DATA` is tokenized; a shifted last letter abbreviates a keyword; `?` is `PRINT`).
//!
//! Every piece of the interpreter's state lives in C64 RAM at V2's locations (see
//! [`statements`] for the run loop, [`memory`] for variables and strings, [`float`] for
//! numbers), so a saved machine state taken in the middle of a program resumes exactly.
//! LOAD, SAVE, VERIFY, OPEN and CLOSE call the KERNAL (see [`devices`]); PRINT# and CMD
//! send through CHKOUT and CHROUT, INPUT# and GET# read through CHKIN, CHRIN and GETIN.

mod devices;
mod expr;
mod float;
mod interp;
mod memory;
mod statements;
mod usr;

pub(super) use devices::{kernal_return, load_entry};
pub(super) use statements::{
    exec, get_file, get_key, input_file, input_line, print_file_return, sys_return,
};
pub(super) use usr::{fac_to_integer, integer_to_fac, no_routine, usr_return};

use super::TrapContext;
use super::editor::print;

const TXTTAB: u16 = 0x2b;
const VARTAB: u16 = 0x2d;
const ARYTAB: u16 = 0x2f;
const STREND: u16 = 0x31;
const FRETOP: u16 = 0x33;
const MEMSIZ: u16 = 0x37;
/// The current line number; $FF in the high byte in direct mode.
const CURLIN: u16 = 0x39;
/// Where CONT goes on: line number and text address (high byte 0: cannot continue).
const OLDLIN: u16 = 0x3b;
const OLDTXT: u16 = 0x3d;
/// The line of the DATA statement being read, and the read position.
const DATLIN: u16 = 0x3f;
const DATPTR: u16 = 0x41;
/// The first variable of the INPUT statement being answered.
const INPUT_START: u16 = 0x4b;
/// The text pointer: the next byte of the statement being run.
const TXTPTR: u16 = 0x7a;
const BUF: u16 = 0x0200;
/// BASIC's READY. entry.
const READY: u16 = 0xa474;
/// The run loop, whose trap runs one statement.
const RUN_LOOP: u16 = 0xa7ae;
/// Reads a line for INPUT, then its trap assigns it.
const INPUT_WAIT: u16 = 0xa7b1;
/// Calls GETIN for GET, then its trap assigns the key.
const GET_KEY: u16 = 0xa7b7;
/// Where a routine called by SYS returns to.
const SYS_RETURN: u16 = 0xa7bd;
/// Where $0311 points after a cold start.
const NO_USR_ROUTINE: u16 = 0xb248;
/// The stack pointer with no FOR or GOSUB frame.
const STACK_BASE: u8 = 0xfa;
/// π in program text, and as the screen editor reads it back from the screen.
const PI: u8 = 0xff;
/// The highest line number V2 accepts.
const MAX_LINE: u32 = 63_999;

/// The keywords, token $80 first.
const KEYWORDS: [&str; 76] = [
    "END", "FOR", "NEXT", "DATA", "INPUT#", "INPUT", "DIM", "READ", "LET", "GOTO", "RUN", "IF",
    "RESTORE", "GOSUB", "RETURN", "REM", "STOP", "ON", "WAIT", "LOAD", "SAVE", "VERIFY", "DEF",
    "POKE", "PRINT#", "PRINT", "CONT", "LIST", "CLR", "CMD", "SYS", "OPEN", "CLOSE", "GET", "NEW",
    "TAB(", "TO", "FN", "SPC(", "THEN", "NOT", "STEP", "+", "-", "*", "/", "^", "AND", "OR", ">",
    "=", "<", "SGN", "INT", "ABS", "USR", "FRE", "POS", "SQR", "RND", "LOG", "EXP", "COS", "SIN",
    "TAN", "ATN", "PEEK", "LEN", "STR$", "VAL", "ASC", "CHR$", "LEFT$", "RIGHT$", "MID$", "GO",
];

/// Token values.
mod token {
    pub const END: u8 = 0x80;
    pub const FOR: u8 = 0x81;
    pub const NEXT: u8 = 0x82;
    pub const DATA: u8 = 0x83;
    pub const INPUT_FILE: u8 = 0x84;
    pub const INPUT: u8 = 0x85;
    pub const DIM: u8 = 0x86;
    pub const READ: u8 = 0x87;
    pub const LET: u8 = 0x88;
    pub const GOTO: u8 = 0x89;
    pub const RUN: u8 = 0x8a;
    pub const IF: u8 = 0x8b;
    pub const RESTORE: u8 = 0x8c;
    pub const GOSUB: u8 = 0x8d;
    pub const RETURN: u8 = 0x8e;
    pub const REM: u8 = 0x8f;
    pub const STOP: u8 = 0x90;
    pub const ON: u8 = 0x91;
    pub const WAIT: u8 = 0x92;
    pub const LOAD: u8 = 0x93;
    pub const SAVE: u8 = 0x94;
    pub const VERIFY: u8 = 0x95;
    pub const DEF: u8 = 0x96;
    pub const POKE: u8 = 0x97;
    pub const PRINT_FILE: u8 = 0x98;
    pub const PRINT: u8 = 0x99;
    pub const CONT: u8 = 0x9a;
    pub const LIST: u8 = 0x9b;
    pub const CLR: u8 = 0x9c;
    pub const CMD: u8 = 0x9d;
    pub const SYS: u8 = 0x9e;
    pub const OPEN: u8 = 0x9f;
    pub const CLOSE: u8 = 0xa0;
    pub const GET: u8 = 0xa1;
    pub const NEW: u8 = 0xa2;
    pub const TAB: u8 = 0xa3;
    pub const TO: u8 = 0xa4;
    pub const FN: u8 = 0xa5;
    pub const SPC: u8 = 0xa6;
    pub const THEN: u8 = 0xa7;
    pub const NOT: u8 = 0xa8;
    pub const STEP: u8 = 0xa9;
    pub const PLUS: u8 = 0xaa;
    pub const MINUS: u8 = 0xab;
    pub const MULTIPLY: u8 = 0xac;
    pub const DIVIDE: u8 = 0xad;
    pub const POWER: u8 = 0xae;
    pub const AND: u8 = 0xaf;
    pub const OR: u8 = 0xb0;
    pub const GREATER: u8 = 0xb1;
    pub const EQUAL: u8 = 0xb2;
    pub const LESS: u8 = 0xb3;
    pub const SGN: u8 = 0xb4;
    pub const INT: u8 = 0xb5;
    pub const ABS: u8 = 0xb6;
    pub const USR: u8 = 0xb7;
    pub const FRE: u8 = 0xb8;
    pub const POS: u8 = 0xb9;
    pub const SQR: u8 = 0xba;
    pub const RND: u8 = 0xbb;
    pub const LOG: u8 = 0xbc;
    pub const EXP: u8 = 0xbd;
    pub const COS: u8 = 0xbe;
    pub const SIN: u8 = 0xbf;
    pub const TAN: u8 = 0xc0;
    pub const ATN: u8 = 0xc1;
    pub const PEEK: u8 = 0xc2;
    pub const LEN: u8 = 0xc3;
    pub const STR: u8 = 0xc4;
    pub const VAL: u8 = 0xc5;
    pub const ASC: u8 = 0xc6;
    pub const CHR: u8 = 0xc7;
    pub const LEFT: u8 = 0xc8;
    pub const RIGHT: u8 = 0xc9;
    pub const MID: u8 = 0xca;
    pub const GO: u8 = 0xcb;
}

fn print_text(ctx: &mut TrapContext<'_>, text: &[u8]) {
    for &code in text {
        print(ctx, code);
    }
}

/// The cold start: empty program, pointers, the banner.
pub(super) fn cold_start(ctx: &mut TrapContext<'_>) {
    ctx.set_ram_word(TXTTAB, 0x0801);
    ctx.set_ram_word(MEMSIZ, 0xa000);
    ctx.set_ram(0x0800, 0);
    ctx.set_ram(CURLIN + 1, 0xff);
    new_program(ctx);
    ctx.cpu.s = STACK_BASE;
    // USR's JMP, to the routine that reports ?ILLEGAL QUANTITY until a program sets it.
    ctx.set_ram(usr::USRPOK, 0x4c);
    ctx.set_ram_word(usr::USRPOK + 1, NO_USR_ROUTINE);
    let free = u32::from(ctx.ram_word(MEMSIZ)) - u32::from(ctx.ram_word(TXTTAB));
    print_text(ctx, b"\x93\r    **** HEIRLOOM OPEN ROM BASIC ****\r\r");
    print_text(
        ctx,
        format!(" 64K RAM SYSTEM  {free} BASIC BYTES FREE\r").as_bytes(),
    );
    ctx.charge(5_000);
}

/// The warm start (RUN/STOP with RESTORE): no FOR or GOSUB frames survive it.
pub(super) fn warm_start(ctx: &mut TrapContext<'_>) {
    ctx.cpu.s = STACK_BASE;
    ctx.set_ram(CURLIN + 1, 0xff);
}

/// NEW: an empty program and no variables.
fn new_program(ctx: &mut TrapContext<'_>) {
    let start = ctx.ram_word(TXTTAB);
    ctx.set_ram_word(start, 0);
    ctx.set_ram_word(VARTAB, start.wrapping_add(2));
    clear_variables(ctx);
}

/// CLR: forgets every variable and string, reads DATA from the start again, and
/// forgets where CONT would go on.
fn clear_variables(ctx: &mut TrapContext<'_>) {
    let end = ctx.ram_word(VARTAB);
    ctx.set_ram_word(ARYTAB, end);
    ctx.set_ram_word(STREND, end);
    let top = ctx.ram_word(MEMSIZ);
    ctx.set_ram_word(FRETOP, top);
    let start = ctx.ram_word(TXTTAB).wrapping_sub(1);
    ctx.set_ram_word(DATPTR, start);
    ctx.set_ram(OLDTXT + 1, 0);
}

/// A line typed at READY. (in the input buffer, zero terminated): stored when it starts
/// with a line number, else tokenized in place and run from the buffer in direct mode.
pub(super) fn enter_line(ctx: &mut TrapContext<'_>) {
    let typed: Vec<u8> = (BUF..BUF + 89)
        .map(|address| ctx.ram(address))
        .take_while(|&code| code != 0)
        .collect();
    let text = trim_leading_spaces(&typed);
    ctx.charge(2_000 + 100 * text.len() as u64);
    if text.is_empty() {
        return;
    }
    if text[0].is_ascii_digit() {
        let digits = text
            .iter()
            .take_while(|code| code.is_ascii_digit() || **code == b' ')
            .count();
        let number: u32 = text[..digits]
            .iter()
            .filter(|code| code.is_ascii_digit())
            .fold(0, |number, &digit| {
                (number * 10 + u32::from(digit - b'0')).min(MAX_LINE + 1)
            });
        if number > MAX_LINE {
            return report(ctx, "SYNTAX");
        }
        let body = crunch(trim_leading_spaces(&text[digits..]));
        if !store_line(ctx, number as u16, &body) {
            return report(ctx, "OUT OF MEMORY");
        }
        ctx.cpu.s = STACK_BASE;
        return;
    }
    let body = crunch(text);
    for (offset, &code) in body.iter().chain(&[0]).enumerate() {
        ctx.set_ram(BUF + offset as u16, code);
    }
    ctx.set_ram_word(TXTPTR, BUF);
    ctx.set_ram_word(CURLIN, 0xffff);
    ctx.cpu.pc = RUN_LOOP;
}

fn trim_leading_spaces(text: &[u8]) -> &[u8] {
    let spaces = text.iter().take_while(|&&code| code == b' ').count();
    &text[spaces..]
}

/// Prints `?NAME  ERROR` and goes back to READY.
fn report(ctx: &mut TrapContext<'_>, name: &str) {
    print_text(ctx, format!("\r?{name}  ERROR").as_bytes());
    ctx.cpu.pc = READY;
}

/// Tokenizes a line the way V2's CRUNCH does.
pub(super) fn crunch(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut quoted = false;
    let mut in_data = false;
    let mut at = 0;
    while at < text.len() {
        let code = text[at];
        if code == b'"' {
            quoted = !quoted;
        }
        if quoted
            || code == b' '
            || (b'0'..=b';').contains(&code)
            || code >= 0x80 && !is_shifted_letter(code)
        {
            if code == b':' && !quoted {
                in_data = false;
            }
            out.push(code);
            at = at.wrapping_add(1);
            continue;
        }
        if in_data {
            out.push(code);
            at = at.wrapping_add(1);
            continue;
        }
        if code == b'?' {
            out.push(token::PRINT);
            at = at.wrapping_add(1);
            continue;
        }
        match match_keyword(&text[at..]) {
            Some((token, length)) => {
                out.push(token);
                at += length;
                if token == token::REM {
                    out.extend_from_slice(&text[at..]);
                    break;
                }
                in_data = token == token::DATA;
            }
            None => {
                out.push(code);
                at = at.wrapping_add(1);
            }
        }
    }
    out
}

fn is_shifted_letter(code: u8) -> bool {
    (0xc1..=0xda).contains(&code)
}

/// The first keyword (in table order) that `text` starts with, spelled out or
/// abbreviated by shifting a letter; its token and the characters it took.
fn match_keyword(text: &[u8]) -> Option<(u8, usize)> {
    KEYWORDS.iter().enumerate().find_map(|(index, keyword)| {
        let keyword = keyword.as_bytes();
        for (offset, &expected) in keyword.iter().enumerate() {
            let typed = *text.get(offset)?;
            if typed == expected {
                continue;
            }
            // An abbreviation: a shifted letter stands for the rest of the keyword.
            if offset > 0 && is_shifted_letter(typed) && typed & 0x7f == expected {
                return Some((0x80 + index as u8, offset + 1));
            }
            return None;
        }
        Some((0x80 + index as u8, keyword.len()))
    })
}

/// Every line of the program: (address of the line, its number).
fn lines(ctx: &TrapContext<'_>) -> Vec<(u16, u16)> {
    let mut found = Vec::new();
    let mut address = ctx.ram_word(TXTTAB);
    while ctx.ram_word(address) != 0 && found.len() < 0x8000 {
        found.push((address, ctx.ram_word(address.wrapping_add(2))));
        address = ctx.ram_word(address);
    }
    found
}

/// The tokenized text of the line at `address` (at most 255 bytes, as V2 lines are).
fn line_text(ctx: &TrapContext<'_>, address: u16) -> Vec<u8> {
    (0..255u16)
        .map(|offset| ctx.ram(address.wrapping_add(4).wrapping_add(offset)))
        .take_while(|&code| code != 0)
        .collect()
}

/// Inserts, replaces or (with an empty body) deletes line `number`, then relinks the
/// program and clears the variables. False when the line does not fit in memory.
fn store_line(ctx: &mut TrapContext<'_>, number: u16, body: &[u8]) -> bool {
    let start = ctx.ram_word(TXTTAB);
    let mut program: Vec<(u16, Vec<u8>)> = lines(ctx)
        .into_iter()
        .map(|(address, line)| (line, line_text(ctx, address)))
        .filter(|(line, _)| *line != number)
        .collect();
    if !body.is_empty() {
        let position = program.partition_point(|(line, _)| *line < number);
        program.insert(position, (number, body.to_vec()));
    }
    let size: usize = program
        .iter()
        .map(|(_, text)| text.len() + 5)
        .sum::<usize>()
        + 2;
    if usize::from(start) + size >= usize::from(ctx.ram_word(MEMSIZ)) {
        return false;
    }
    let mut address = start;
    for (line, text) in &program {
        let next = address.wrapping_add(5) + text.len() as u16;
        ctx.set_ram_word(address, next);
        ctx.set_ram_word(address.wrapping_add(2), *line);
        for (offset, &code) in text.iter().enumerate() {
            ctx.set_ram(address.wrapping_add(4) + offset as u16, code);
        }
        ctx.set_ram(next.wrapping_sub(1), 0);
        address = next;
    }
    ctx.set_ram_word(address, 0);
    ctx.set_ram_word(VARTAB, address.wrapping_add(2));
    clear_variables(ctx);
    true
}

/// LIST [FROM][-[TO]]; false (a syntax error) for anything else after LIST.
fn list(ctx: &mut TrapContext<'_>, arguments: &[u8]) -> bool {
    let arguments: Vec<u8> = arguments
        .iter()
        .copied()
        .filter(|&code| code != b' ')
        .collect();
    let dashes = arguments
        .iter()
        .filter(|&&code| code == token::MINUS)
        .count();
    if dashes > 1
        || !arguments
            .iter()
            .all(|&code| code.is_ascii_digit() || code == token::MINUS)
    {
        return false;
    }
    let number = |digits: &[u8]| -> Option<u16> {
        (!digits.is_empty()).then(|| {
            digits
                .iter()
                .fold(0u32, |n, &d| (n * 10 + u32::from(d - b'0')).min(65_535)) as u16
        })
    };
    let (from, to) = match arguments.iter().position(|&code| code == token::MINUS) {
        Some(dash) => (
            number(&arguments[..dash]).unwrap_or(0),
            number(&arguments[dash + 1..]).unwrap_or(u16::MAX),
        ),
        None => match number(&arguments) {
            Some(line) => (line, line),
            None => (0, u16::MAX),
        },
    };
    // As V2 does: each line starts on a new line, and READY. follows the last directly.
    for (address, line) in lines(ctx)
        .into_iter()
        .filter(|&(_, line)| (from..=to).contains(&line))
    {
        print(ctx, b'\r');
        print_text(ctx, format!("{line} ").as_bytes());
        let text = line_text(ctx, address);
        let mut quoted = false;
        for code in text {
            if code == b'"' {
                quoted = !quoted;
            }
            match KEYWORDS.get(usize::from(code.wrapping_sub(0x80))) {
                Some(keyword) if code >= 0x80 && !quoted => print_text(ctx, keyword.as_bytes()),
                _ => print(ctx, code),
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rom_routines_are_where_the_interpreter_sends_the_cpu() {
        let sources = super::super::SOURCES;
        let mut loader = heirloom_asm6502::MemoryLoader::new();
        for (name, text) in sources {
            loader = loader.with(name, text);
        }
        let assembly = heirloom_asm6502::assemble(sources[0].0, sources[0].1, &loader).unwrap();
        for (label, address) in [
            ("ready", READY),
            ("run_loop", RUN_LOOP),
            ("input_wait", INPUT_WAIT),
            ("get_key", GET_KEY),
            ("sys_return", SYS_RETURN),
            ("usr_return", usr::USR_RETURN),
            ("usr_none", NO_USR_ROUTINE),
            ("facinx", 0xb1aa),
            ("givayf", 0xb391),
            ("kernal_call", devices::KERNAL_CALL),
            ("print_file", 0xa7c9),
            ("get_file", 0xa800),
            ("input_file", 0xa820),
        ] {
            assert_eq!(assembly.address_of(label), Some(address), "{label}");
        }
    }

    #[test]
    fn keywords_are_tokenized_as_v2_does() {
        assert_eq!(
            crunch(b"PRINT\"HI\":GOTO10"),
            [0x99, b'"', b'H', b'I', b'"', b':', 0x89, b'1', b'0']
        );
        assert_eq!(crunch(b"?A"), [0x99, b'A']);
        // pO: P and a shifted O abbreviate POKE.
        assert_eq!(
            crunch(&[b'P', 0xcf, b'5', b'3', b'2', b'8', b'0', b',', b'0']),
            [0x97, b'5', b'3', b'2', b'8', b'0', b',', b'0']
        );
        assert_eq!(
            crunch(b"REM PRINT"),
            [0x8f, b' ', b'P', b'R', b'I', b'N', b'T']
        );
        assert_eq!(
            crunch(b"DATA PRINT,1:PRINT"),
            [
                0x83, b' ', b'P', b'R', b'I', b'N', b'T', b',', b'1', b':', 0x99
            ]
        );
        assert_eq!(crunch(b"INPUT#1"), [0x84, b'1']);
        assert_eq!(crunch(&[b'?', 0xff, b'"', 0xff]), [0x99, 0xff, b'"', 0xff]);
        assert_eq!(crunch(b"IFA=1THEN"), [0x8b, b'A', 0xb2, b'1', 0xa7]);
    }
}
