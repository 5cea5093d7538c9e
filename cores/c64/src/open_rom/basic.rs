//! BASIC: the cold start, and the lines typed at `READY.`.
//!
//! Programs live in C64 RAM in the BASIC V2 format: from `TXTTAB` ($2B), each line is a
//! link to the next line, a 16-bit line number, the tokenized text and a zero; a zero
//! link ends the program, and `VARTAB` ($2D) points just past it. Lines are tokenized
//! with V2's table ($80–$CB) and rules (nothing inside quotes, after `REM`, or inside
//! `DATA` is tokenized; a shifted last letter abbreviates a keyword; `?` is `PRINT`).
//!
//! This first part of the interpreter stores, replaces and deletes program lines, and
//! runs `LIST` and `NEW`; every other statement answers `?UNIMPLEMENTED  ERROR` until
//! the interpreter's statements land.

use super::TrapContext;
use super::editor::print;

const TXTTAB: u16 = 0x2b;
const VARTAB: u16 = 0x2d;
const ARYTAB: u16 = 0x2f;
const STREND: u16 = 0x31;
const FRETOP: u16 = 0x33;
const MEMSIZ: u16 = 0x37;
const BUF: u16 = 0x0200;
/// BASIC's READY. entry.
const READY: u16 = 0xa474;
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
const TOKEN_DATA: u8 = 0x83;
const TOKEN_REM: u8 = 0x8f;
const TOKEN_PRINT: u8 = 0x99;
const TOKEN_LIST: u8 = 0x9b;
const TOKEN_NEW: u8 = 0xa2;
const TOKEN_MINUS: u8 = 0xab;

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
    new_program(ctx);
    let free = u32::from(ctx.ram_word(MEMSIZ)) - u32::from(ctx.ram_word(TXTTAB));
    print_text(ctx, b"\x93\r    **** HEIRLOOM OPEN ROM BASIC ****\r\r");
    print_text(
        ctx,
        format!(" 64K RAM SYSTEM  {free} BASIC BYTES FREE\r").as_bytes(),
    );
    ctx.charge(5_000);
}

/// NEW: an empty program and no variables.
fn new_program(ctx: &mut TrapContext<'_>) {
    let start = ctx.ram_word(TXTTAB);
    ctx.set_ram_word(start, 0);
    ctx.set_ram_word(VARTAB, start + 2);
    clear_variables(ctx);
}

/// CLR: forgets every variable and string.
fn clear_variables(ctx: &mut TrapContext<'_>) {
    let end = ctx.ram_word(VARTAB);
    ctx.set_ram_word(ARYTAB, end);
    ctx.set_ram_word(STREND, end);
    let top = ctx.ram_word(MEMSIZ);
    ctx.set_ram_word(FRETOP, top);
}

/// A line typed at READY. (in the input buffer, zero terminated): stored when it starts
/// with a line number, executed otherwise.
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
        return;
    }
    let body = crunch(text);
    match body.first() {
        Some(&TOKEN_LIST) => list(ctx, &body[1..]),
        Some(&TOKEN_NEW) => new_program(ctx),
        Some(&token) if token >= 0x80 => return report(ctx, "UNIMPLEMENTED"),
        _ => return report(ctx, "SYNTAX"),
    }
    ctx.cpu.pc = READY;
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
            at += 1;
            continue;
        }
        if in_data {
            out.push(code);
            at += 1;
            continue;
        }
        if code == b'?' {
            out.push(TOKEN_PRINT);
            at += 1;
            continue;
        }
        match match_keyword(&text[at..]) {
            Some((token, length)) => {
                out.push(token);
                at += length;
                if token == TOKEN_REM {
                    out.extend_from_slice(&text[at..]);
                    break;
                }
                in_data = token == TOKEN_DATA;
            }
            None => {
                out.push(code);
                at += 1;
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
        found.push((address, ctx.ram_word(address + 2)));
        address = ctx.ram_word(address);
    }
    found
}

/// Inserts, replaces or (with an empty body) deletes line `number`, then relinks the
/// program and clears the variables. False when the line does not fit in memory.
fn store_line(ctx: &mut TrapContext<'_>, number: u16, body: &[u8]) -> bool {
    let start = ctx.ram_word(TXTTAB);
    let mut program: Vec<(u16, Vec<u8>)> = lines(ctx)
        .into_iter()
        .map(|(address, line)| {
            let text: Vec<u8> = (address + 4..)
                .map(|at| ctx.ram(at))
                .take_while(|&code| code != 0)
                .collect();
            (line, text)
        })
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
        let next = address + 5 + text.len() as u16;
        ctx.set_ram_word(address, next);
        ctx.set_ram_word(address + 2, *line);
        for (offset, &code) in text.iter().enumerate() {
            ctx.set_ram(address + 4 + offset as u16, code);
        }
        ctx.set_ram(next - 1, 0);
        address = next;
    }
    ctx.set_ram_word(address, 0);
    ctx.set_ram_word(VARTAB, address + 2);
    clear_variables(ctx);
    true
}

/// LIST [FROM][-[TO]].
fn list(ctx: &mut TrapContext<'_>, arguments: &[u8]) {
    let arguments: Vec<u8> = arguments
        .iter()
        .copied()
        .filter(|&code| code != b' ')
        .collect();
    let number = |digits: &[u8]| -> Option<u16> {
        (!digits.is_empty()).then(|| {
            digits
                .iter()
                .fold(0u32, |n, &d| (n * 10 + u32::from(d - b'0')).min(65_535)) as u16
        })
    };
    let (from, to) = match arguments.iter().position(|&code| code == TOKEN_MINUS) {
        Some(dash) => (
            number(&arguments[..dash]).unwrap_or(0),
            number(&arguments[dash + 1..]).unwrap_or(u16::MAX),
        ),
        None => match number(&arguments) {
            Some(line) => (line, line),
            None => (0, u16::MAX),
        },
    };
    print(ctx, b'\r');
    for (address, line) in lines(ctx)
        .into_iter()
        .filter(|&(_, line)| (from..=to).contains(&line))
    {
        print_text(ctx, format!("{line} ").as_bytes());
        let text: Vec<u8> = (address + 4..)
            .map(|at| ctx.ram(at))
            .take_while(|&code| code != 0)
            .collect();
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
        print(ctx, b'\r');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(crunch(b"IFA=1THEN"), [0x8b, b'A', 0xb2, b'1', 0xa7]);
    }
}
