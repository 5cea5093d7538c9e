//! The statements, run one per call of the run loop's trap.
//!
//! The run loop (`run_loop` in basic.s, at V2's NEWSTT address $A7AE) is a 6502 loop
//! whose trap runs the statement at TXTPTR ($7A) and leaves TXTPTR after it, so the
//! machine's interrupts, keyboard and frames keep going between statements. TXTPTR
//! points at the next byte to read; CURLIN ($39) holds the line number, with $FF in its
//! high byte in direct mode. A zero ends a line; in a program the next line's link and
//! number follow it (so a jump to a line sets TXTPTR to the zero just before it).
//!
//! FOR and GOSUB keep their frames on the 6502 stack in page 1, as V2 does, between
//! the stack pointer and $01FA: a FOR frame is 18 bytes (the FOR token, the loop
//! variable's address, STEP packed, the sign of STEP, the limit packed, the line number
//! and the text address to loop to), a GOSUB frame 5 (the GOSUB token, the line number
//! and the text address to return to). A statement calling USR leaves a USR frame on top
//! while the routine runs (see [`usr`](super::usr)).
//!
//! Statements that wait or call out leave the trap for 6502 code in basic.s that comes
//! back through a trap of its own: INPUT reads a line with CHRIN, GET takes a key with
//! GETIN, SYS pushes a return and jumps, PRINT# and CMD send their output (collected in
//! the cassette buffer) through CHKOUT and CHROUT, INPUT# and GET# read through CHKIN.
//! While INPUT# or GET# runs, CHANNL ($13) holds the file, as in V2; after CMD it holds
//! the file PRINT sends to.
//!
//! Every call charges a base cost and each part of the work what the ROM routine doing it
//! would take (an operand 300 cycles, a digit of a number in the text 700, a float
//! multiply 1900, a SIN 30000, a printed character 200, a line searched 40, …), so
//! programs run at roughly a C64's speed: `tests/basic_speed.rs` holds the Rugg/Feldman
//! benchmarks and bench64's loop, GOSUB, maths, string and array tests within 20% of
//! the published C64 times.

use super::super::TrapContext;
use super::super::editor::print;
use super::interp::{Error, Result, Run, SCAN_LIMIT, Value};
use super::memory::Kind;
use super::{
    CURLIN, DATLIN, DATPTR, GET_KEY, INPUT_START, INPUT_WAIT, OLDLIN, OLDTXT, READY, RUN_LOOP,
    STACK_BASE, SYS_RETURN, TXTPTR, TXTTAB, clear_variables, float, list, new_program, token,
};
use super::{devices, usr};

/// Cycles every statement costs before its own work: fetching it and dispatching.
const STATEMENT_CYCLES: u64 = 280;
/// Cycles per byte of text a statement reads.
const TEXT_CYCLES: u64 = 30;
/// The file CMD sends PRINT's output to (0: the screen).
const CHANNL: u16 = 0x13;
/// PRINT#'s bytes on their way to the KERNAL: the length, then the bytes.
const FILE_BUFFER: u16 = 0x033c;
const FILE_BUFFER_SIZE: usize = 190;
/// CHKOUT, CHROUT for each byte in the buffer, CLRCHN, then PRINT#'s trap.
const PRINT_FILE: u16 = 0xa7c9;
/// CHKIN, GETIN, CLRCHN, then GET#'s trap.
const GET_FILE: u16 = 0xa800;
/// CHKIN, CHRIN up to RETURN into $0200, CLRCHN, then INPUT#'s trap.
const INPUT_FILE: u16 = 0xa820;
/// The lowest the stack may go with FOR and GOSUB frames.
const STACK_LIMIT: u8 = 0x40;
const FOR_FRAME: u8 = 18;
const GOSUB_FRAME: u8 = 5;

/// What happens after a statement.
pub(super) enum Flow {
    /// The run loop goes on with the next statement.
    Next,
    /// Back to READY.
    Ready,
    /// The CPU continues in 6502 code at this address, which comes back through a trap.
    Jump(u16),
}

/// The run loop's trap: stops at RUN/STOP, else runs one statement.
pub(in super::super) fn exec(ctx: &mut TrapContext<'_>) {
    let pos = ctx.ram_word(TXTPTR);
    if ctx.ram(0x91) == 0x7f {
        ctx.set_ram(0xc6, 0);
        let mut run = Run::new(ctx, pos);
        run.save_continue();
        run.print_text(b"\rBREAK");
        run.print_line_number();
        return complete(run, Ok(Flow::Ready));
    }
    let replay = usr::take_frame(ctx, pos);
    let mut run = Run::new(ctx, pos);
    run.replay = Some(replay);
    run.charge(STATEMENT_CYCLES);
    let result = run.step();
    complete(run, result)
}

/// Reports `error` as a statement failing at TXTPTR would.
pub(super) fn fail(ctx: &mut TrapContext<'_>, error: Error) {
    let pos = ctx.ram_word(TXTPTR);
    complete(Run::new(ctx, pos), Err(error));
}

/// PRINT#'s trap, after CHKOUT, CHROUT and CLRCHN: the KERNAL's error, if any.
pub(in super::super) fn print_file_return(ctx: &mut TrapContext<'_>) {
    let pos = ctx.ram_word(TXTPTR);
    let result = if ctx.cpu.p & 1 != 0 {
        Err(devices::kernal_error(ctx.cpu.a))
    } else {
        Ok(Flow::Next)
    };
    complete(Run::new(ctx, pos), result);
}

/// GET's trap, after the KERNAL's GETIN returned a key in A.
pub(in super::super) fn get_key(ctx: &mut TrapContext<'_>) {
    let key = ctx.cpu.a;
    let pos = ctx.ram_word(TXTPTR);
    let mut run = Run::new(ctx, pos);
    let result = run.got_key(key, false);
    complete(run, result)
}

/// GET#'s trap, after CHKIN, GETIN and CLRCHN: the byte in A, or the KERNAL's error.
pub(in super::super) fn get_file(ctx: &mut TrapContext<'_>) {
    let (failed, key) = (ctx.cpu.p & 1 != 0, ctx.cpu.a);
    let pos = ctx.ram_word(TXTPTR);
    let mut run = Run::new(ctx, pos);
    let result = if failed {
        Err(devices::kernal_error(key))
    } else {
        run.got_key(key, true)
    };
    complete(run, result)
}

/// INPUT's trap, after a line was read into the buffer at $0200.
pub(in super::super) fn input_line(ctx: &mut TrapContext<'_>) {
    let pos = ctx.ram_word(TXTPTR);
    let mut run = Run::new(ctx, pos);
    run.charge(STATEMENT_CYCLES);
    let result = run.take_input(false);
    complete(run, result)
}

/// INPUT#'s trap, after a line was read from the file into $0200 (or CHKIN failed).
pub(in super::super) fn input_file(ctx: &mut TrapContext<'_>) {
    let (failed, code) = (ctx.cpu.p & 1 != 0, ctx.cpu.a);
    let pos = ctx.ram_word(TXTPTR);
    let mut run = Run::new(ctx, pos);
    run.charge(STATEMENT_CYCLES);
    let result = if failed {
        Err(devices::kernal_error(code))
    } else {
        run.take_input(true)
    };
    complete(run, result)
}

/// SYS's return: the routine's RTS came here; keeps its registers as SYS does.
pub(in super::super) fn sys_return(ctx: &mut TrapContext<'_>) {
    let (a, x, y, p) = (ctx.cpu.a, ctx.cpu.x, ctx.cpu.y, ctx.cpu.p);
    ctx.set_ram(0x030c, a);
    ctx.set_ram(0x030d, x);
    ctx.set_ram(0x030e, y);
    ctx.set_ram(0x030f, p);
    ctx.cpu.pc = RUN_LOOP;
}

/// Ends a trap's work: TXTPTR and the CPU go where `result` says, or the error is
/// reported and BASIC goes back to READY.
pub(super) fn complete(mut run: Run<'_, '_>, result: Result<Flow>) {
    // Text read forwards, up to the end of the line: a jump (GOTO or RETURN to a later
    // line) reads none of the text it passes, and its own search is charged where it
    // happens.
    let start = run.ctx.ram_word(TXTPTR);
    let used = if run.pos > start {
        (start..run.pos)
            .take(255)
            .take_while(|&at| run.byte(at) != 0)
            .count() as u64
    } else {
        0
    };
    run.charge(TEXT_CYCLES * used);
    let result = match result {
        Err(Error::CallUsr) => {
            let results = run.replay.take().unwrap_or_default().results;
            match usr::call(run.ctx, start, &results) {
                Ok(()) => return,
                Err(error) => Err(error),
            }
        }
        other => other,
    };
    match result {
        Ok(Flow::Next) => {
            run.ctx.set_ram_word(TXTPTR, run.pos);
            run.ctx.cpu.pc = RUN_LOOP;
        }
        Ok(Flow::Jump(address)) => {
            run.ctx.set_ram_word(TXTPTR, run.pos);
            run.ctx.cpu.pc = address;
        }
        Ok(Flow::Ready) => {
            run.ctx.set_ram_word(TXTPTR, run.pos);
            run.ctx.set_ram(CURLIN + 1, 0xff);
            run.ctx.cpu.pc = READY;
        }
        Err(error) => {
            run.replay = None;
            run.ctx.set_ram(CHANNL, 0);
            run.print_text(format!("\r?{}  ERROR", error.name()).as_bytes());
            run.print_line_number();
            run.ctx.set_ram(OLDTXT + 1, 0);
            run.ctx.set_ram(CURLIN + 1, 0xff);
            run.ctx.cpu.s = STACK_BASE;
            run.ctx.cpu.pc = READY;
        }
    }
}

impl Run<'_, '_> {
    /// Prints through the screen editor (nothing while replaying for USR).
    pub(super) fn print_text(&mut self, text: &[u8]) {
        if self
            .replay
            .as_ref()
            .is_some_and(|replay| replay.replaying())
        {
            return;
        }
        for &code in text {
            print(self.ctx, code);
        }
        self.charge(200 * text.len() as u64);
    }

    /// ` IN line` in program mode.
    fn print_line_number(&mut self) {
        if !self.direct() {
            let line = self.ctx.ram_word(CURLIN);
            self.print_text(format!(" IN {line}").as_bytes());
        }
    }

    fn direct(&self) -> bool {
        self.byte(CURLIN + 1) == 0xff
    }

    /// Remembers where CONT goes on (program mode only).
    fn save_continue(&mut self) {
        if !self.direct() {
            let line = self.ctx.ram_word(CURLIN);
            self.ctx.set_ram_word(OLDLIN, line);
            self.ctx.set_ram_word(OLDTXT, self.pos);
        }
    }

    fn step(&mut self) -> Result<Flow> {
        match self.peek() {
            0 => {
                if self.direct() {
                    return Ok(Flow::Ready);
                }
                if self.ctx.ram_word(self.pos.wrapping_add(1)) == 0 {
                    self.ctx.set_ram(OLDTXT + 1, 0);
                    return Ok(Flow::Ready);
                }
                let line = self.ctx.ram_word(self.pos.wrapping_add(3));
                self.ctx.set_ram_word(CURLIN, line);
                self.pos = self.pos.wrapping_add(5);
                Ok(Flow::Next)
            }
            b':' => {
                self.advance();
                self.statement()
            }
            _ => self.statement(),
        }
    }

    fn done(&mut self) -> Result<Flow> {
        self.end_statement()?;
        Ok(Flow::Next)
    }

    fn statement(&mut self) -> Result<Flow> {
        let start = self.pos;
        let code = self.peek();
        if matches!(code, 0 | b':') {
            return Ok(Flow::Next);
        }
        if code.is_ascii_uppercase() {
            self.let_statement()?;
            return self.done();
        }
        self.advance();
        match code {
            token::END => {
                self.save_continue();
                self.end_statement()?;
                Ok(Flow::Ready)
            }
            token::STOP => {
                self.end_statement()?;
                self.save_continue();
                self.print_text(b"\rBREAK");
                self.print_line_number();
                Ok(Flow::Ready)
            }
            token::FOR => self.for_statement(),
            token::NEXT => self.next(),
            token::DATA => {
                self.skip_statement();
                Ok(Flow::Next)
            }
            token::REM => {
                self.skip_line();
                Ok(Flow::Next)
            }
            token::DIM => self.dim(),
            token::READ => self.read(),
            token::LET => {
                self.let_statement()?;
                self.done()
            }
            token::GOTO => self.goto(),
            token::GO => {
                self.expect(token::TO)?;
                self.goto()
            }
            token::GOSUB => self.gosub(),
            token::RETURN => self.return_statement(),
            token::RUN => self.run_statement(),
            token::IF => self.if_statement(),
            token::ON => self.on(),
            token::RESTORE => {
                let start = self.ctx.ram_word(TXTTAB).wrapping_sub(1);
                self.ctx.set_ram_word(DATPTR, start);
                self.done()
            }
            token::WAIT => self.wait(start),
            token::DEF => self.def(),
            token::POKE => {
                let address = self.whole(0..=65_535)? as u16;
                self.expect(b',')?;
                let value = self.whole(0..=255)? as u8;
                self.ctx.board.cpu_write(address, value);
                self.done()
            }
            token::PRINT => {
                let channel = self.byte(CHANNL);
                self.print_statement((channel != 0).then_some(channel))
            }
            token::CONT => {
                self.end_statement()?;
                if self.byte(OLDTXT + 1) == 0 {
                    return Err(Error::CantContinue);
                }
                self.pos = self.ctx.ram_word(OLDTXT);
                let line = self.ctx.ram_word(OLDLIN);
                self.ctx.set_ram_word(CURLIN, line);
                Ok(Flow::Next)
            }
            token::LIST => {
                let from = self.pos;
                self.skip_statement();
                let arguments: Vec<u8> = (from..self.pos).map(|at| self.byte(at)).collect();
                if list(self.ctx, &arguments) {
                    Ok(Flow::Ready)
                } else {
                    Err(Error::Syntax)
                }
            }
            token::CLR => {
                self.end_statement()?;
                self.clear();
                Ok(Flow::Next)
            }
            token::NEW => {
                self.end_statement()?;
                new_program(self.ctx);
                self.ctx.cpu.s = STACK_BASE;
                Ok(Flow::Ready)
            }
            token::SYS => self.sys(),
            token::GET => {
                self.illegal_direct()?;
                let file = self.file_number()?;
                let variables = self.pos;
                self.var()?;
                self.pos = variables;
                Ok(Flow::Jump(if file { GET_FILE } else { GET_KEY }))
            }
            token::INPUT => self.input(),
            token::LOAD => self.load_program(false),
            token::VERIFY => self.load_program(true),
            token::SAVE => self.save(),
            token::OPEN => self.open(),
            token::CLOSE => self.close(),
            token::PRINT_FILE => self.print_file(false),
            token::CMD => self.print_file(true),
            token::INPUT_FILE => {
                self.illegal_direct()?;
                let channel = self.whole(0..=255)? as u8;
                self.expect(b',')?;
                self.ctx.set_ram(CHANNL, channel);
                self.ctx.cpu.x = channel;
                self.ctx.set_ram_word(INPUT_START, self.pos);
                self.var()?;
                self.pos = self.ctx.ram_word(INPUT_START);
                Ok(Flow::Jump(INPUT_FILE))
            }
            _ => Err(Error::Syntax),
        }
    }

    fn illegal_direct(&self) -> Result<()> {
        if self.direct() {
            Err(Error::IllegalDirect)
        } else {
            Ok(())
        }
    }

    /// CLR: no variables, no frames, DATA from the start.
    fn clear(&mut self) {
        clear_variables(self.ctx);
        self.ctx.cpu.s = STACK_BASE;
    }

    /// `var = expression` (LET's body).
    fn let_statement(&mut self) -> Result<()> {
        let var = self.var()?;
        self.expect(token::EQUAL)?;
        let special = var.subscripts.is_none()
            && matches!(var.name, [b'T', 0xc9] | [b'T', b'I'] | [b'S', b'T']);
        if !special {
            // V2 finds (or makes) the variable before it evaluates the expression, so
            // `A=FRE(0)` counts A's own 7 bytes.
            self.address(&var, true)?.ok_or(Error::OutOfMemory)?;
        }
        if var.kind == Kind::Text && !self.direct() && self.peek() == b'"' {
            // A lone literal in the program: the variable points at it, as in V2.
            let before = self.pos;
            let start = before.wrapping_add(1);
            let text: Vec<u8> = (0..255)
                .map(|offset| self.byte(start.wrapping_add(offset)))
                .take_while(|&code| code != b'"' && code != 0)
                .collect();
            self.pos = start.wrapping_add(text.len() as u16);
            self.eat(b'"');
            if self.at_end() {
                return self.assign_literal(&var, start, text);
            }
            self.pos = before;
        }
        let value = self.expression()?;
        self.assign(&var, value)
    }

    /// A line number as GOTO reads it: decimal digits (none is 0), at most 63999.
    fn line_number(&mut self) -> Result<u16> {
        let mut number: u32 = 0;
        for _ in 0..SCAN_LIMIT {
            if !self.peek().is_ascii_digit() {
                break;
            }
            number = number * 10 + u32::from(self.peek() - b'0');
            if number > 63_999 {
                return Err(Error::Syntax);
            }
            self.advance();
        }
        Ok(number as u16)
    }

    /// Continues at line `number`.
    fn jump(&mut self, number: u16) -> Result<Flow> {
        let mut address = self.ctx.ram_word(TXTTAB);
        for _ in 0..SCAN_LIMIT {
            self.charge(40);
            if self.ctx.ram_word(address) == 0 {
                break;
            }
            if self.ctx.ram_word(address.wrapping_add(2)) == number {
                self.ctx.set_ram_word(CURLIN, number);
                self.pos = address.wrapping_sub(1);
                return Ok(Flow::Next);
            }
            address = self.ctx.ram_word(address);
        }
        Err(Error::UndefinedStatement)
    }

    fn goto(&mut self) -> Result<Flow> {
        let line = self.line_number()?;
        self.jump(line)
    }

    fn run_statement(&mut self) -> Result<Flow> {
        let line = if self.at_end() {
            None
        } else {
            Some(self.line_number()?)
        };
        self.end_statement()?;
        self.clear();
        // RUN turns the KERNAL's messages off (SETMSG 0), as V2 does: a running program's
        // LOAD does not print SEARCHING FOR and LOADING.
        self.ctx.set_ram(0x9d, 0);
        match line {
            Some(line) => self.jump(line),
            None => {
                self.pos = self.ctx.ram_word(TXTTAB).wrapping_sub(1);
                self.ctx.set_ram_word(CURLIN, 0);
                Ok(Flow::Next)
            }
        }
    }

    /// Reserves `size` bytes of stack for a frame; the address of its first byte.
    fn push_frame(&mut self, size: u8) -> Result<u16> {
        let s = self.ctx.cpu.s;
        if s < STACK_LIMIT + size {
            return Err(Error::OutOfMemory);
        }
        self.ctx.cpu.s = s - size;
        Ok(0x0100 + u16::from(s - size) + 1)
    }

    /// The frames on the stack, innermost first: (address, token).
    fn frames(&self) -> Vec<(u16, u8)> {
        let mut found = Vec::new();
        let mut at = 0x0100 + u16::from(self.ctx.cpu.s) + 1;
        while at <= 0x0100 + u16::from(STACK_BASE) {
            let code = self.byte(at);
            let size = match code {
                token::FOR => FOR_FRAME,
                token::GOSUB => GOSUB_FRAME,
                _ => break,
            };
            found.push((at, code));
            at = at.wrapping_add(u16::from(size));
        }
        found
    }

    /// Drops every frame above the one at `frame`, and that one too when `including`.
    fn pop_to(&mut self, frame: u16, including: bool) {
        let size = if including {
            match self.byte(frame) {
                token::FOR => FOR_FRAME,
                _ => GOSUB_FRAME,
            }
        } else {
            0
        };
        self.ctx.cpu.s = (frame.wrapping_add(u16::from(size)) - 0x0101) as u8;
    }

    /// Writes where the program is (line number, then text address) at `at`.
    fn save_position(&mut self, at: u16) {
        let line = self.ctx.ram_word(CURLIN);
        self.ctx.set_ram_word(at, line);
        self.ctx.set_ram_word(at.wrapping_add(2), self.pos);
    }

    /// Continues where a frame's position (at `at`) says.
    fn restore_position(&mut self, at: u16) {
        let line = self.ctx.ram_word(at);
        self.ctx.set_ram_word(CURLIN, line);
        self.pos = self.ctx.ram_word(at.wrapping_add(2));
    }

    fn gosub(&mut self) -> Result<Flow> {
        let line = self.line_number()?;
        self.push_gosub()?;
        self.jump(line)
    }

    fn push_gosub(&mut self) -> Result<()> {
        let frame = self.push_frame(GOSUB_FRAME)?;
        self.ctx.set_ram(frame, token::GOSUB);
        self.save_position(frame.wrapping_add(1));
        Ok(())
    }

    fn return_statement(&mut self) -> Result<Flow> {
        let frame = self
            .frames()
            .into_iter()
            .find(|&(_, code)| code == token::GOSUB)
            .ok_or(Error::ReturnWithoutGosub)?
            .0;
        self.pop_to(frame, true);
        self.restore_position(frame.wrapping_add(1));
        Ok(Flow::Next)
    }

    /// The address of a simple float variable's value, for FOR and NEXT.
    fn loop_variable(&mut self, create: bool) -> Result<Option<u16>> {
        let var = self.var()?;
        if var.kind != Kind::Float || var.subscripts.is_some() {
            return Err(if var.kind == Kind::Text {
                Error::TypeMismatch
            } else {
                Error::Syntax
            });
        }
        self.address(&var, create)
    }

    fn for_statement(&mut self) -> Result<Flow> {
        let variable = self.loop_variable(true)?.ok_or(Error::OutOfMemory)?;
        self.expect(token::EQUAL)?;
        let start = self.number()?;
        self.store(variable, Kind::Float, Value::Number(start))?;
        self.expect(token::TO)?;
        let limit = self.number()?;
        let step = if self.eat(token::STEP) {
            self.number()?
        } else {
            1.0
        };
        self.end_statement()?;
        // As V2's search, only the FOR frames above the innermost GOSUB count: a loop on
        // the same variable outside a subroutine is left alone.
        let existing = self
            .frames()
            .into_iter()
            .take_while(|&(_, code)| code == token::FOR)
            .find(|&(at, _)| self.ctx.ram_word(at.wrapping_add(1)) == variable);
        if let Some((frame, _)) = existing {
            self.pop_to(frame, true);
        }
        let frame = self.push_frame(FOR_FRAME)?;
        self.ctx.set_ram(frame, token::FOR);
        self.ctx.set_ram_word(frame.wrapping_add(1), variable);
        for (offset, byte) in float::pack(step).into_iter().enumerate() {
            self.ctx
                .set_ram(frame.wrapping_add(3) + offset as u16, byte);
        }
        self.ctx.set_ram(frame.wrapping_add(8), sign(step) as u8);
        for (offset, byte) in float::pack(limit).into_iter().enumerate() {
            self.ctx
                .set_ram(frame.wrapping_add(9) + offset as u16, byte);
        }
        self.save_position(frame.wrapping_add(14));
        self.charge(500);
        Ok(Flow::Next)
    }

    fn packed(&self, at: u16) -> f64 {
        let mut bytes = [0; 5];
        for (offset, byte) in bytes.iter_mut().enumerate() {
            *byte = self.byte(at.wrapping_add(offset as u16));
        }
        float::unpack(bytes)
    }

    fn next(&mut self) -> Result<Flow> {
        loop {
            let variable = if self.at_end() {
                None
            } else {
                Some(self.loop_variable(false)?.ok_or(Error::NextWithoutFor)?)
            };
            let frame = self
                .frames()
                .into_iter()
                .take_while(|&(_, code)| code == token::FOR)
                .find(|&(at, _)| {
                    variable.is_none_or(|address| self.ctx.ram_word(at.wrapping_add(1)) == address)
                })
                .ok_or(Error::NextWithoutFor)?
                .0;
            self.pop_to(frame, false);
            let address = self.ctx.ram_word(frame.wrapping_add(1));
            let step = self.packed(frame.wrapping_add(3));
            let limit = self.packed(frame.wrapping_add(9));
            let value = float::round(self.packed(address) + step)?;
            self.store(address, Kind::Float, Value::Number(value))?;
            self.charge(600);
            if sign(value - limit) != self.byte(frame.wrapping_add(8)) as i8 {
                self.restore_position(frame.wrapping_add(14));
                return Ok(Flow::Next);
            }
            self.pop_to(frame, true);
            if !self.eat(b',') {
                return self.done();
            }
        }
    }

    fn if_statement(&mut self) -> Result<Flow> {
        let condition = match self.expression()? {
            Value::Number(number) => number != 0.0,
            Value::Text(text) => !text.is_empty(),
        };
        if self.eat(token::GOTO) {
            if !condition {
                self.skip_line();
                return Ok(Flow::Next);
            }
            return self.goto();
        }
        self.expect(token::THEN)?;
        if !condition {
            self.skip_line();
            return Ok(Flow::Next);
        }
        if self.peek().is_ascii_digit() {
            return self.goto();
        }
        self.statement()
    }

    fn on(&mut self) -> Result<Flow> {
        let index = self.whole(0..=255)?;
        let gosub = match self.peek() {
            token::GOTO => false,
            token::GOSUB => true,
            _ => return Err(Error::Syntax),
        };
        self.advance();
        let mut lines = vec![self.line_number()?];
        while self.eat(b',') {
            lines.push(self.line_number()?);
        }
        self.end_statement()?;
        let Some(&line) = usize::try_from(index - 1)
            .ok()
            .and_then(|index| lines.get(index))
        else {
            return Ok(Flow::Next);
        };
        if gosub {
            self.push_gosub()?;
        }
        self.jump(line)
    }

    fn wait(&mut self, start: u16) -> Result<Flow> {
        let address = self.whole(0..=65_535)? as u16;
        self.expect(b',')?;
        let mask = self.whole(0..=255)? as u8;
        let invert = if self.eat(b',') {
            self.whole(0..=255)? as u8
        } else {
            0
        };
        self.end_statement()?;
        if (self.ctx.board.cpu_read(address) ^ invert) & mask == 0 {
            // Not yet: the run loop comes back to this WAIT.
            self.pos = start;
        }
        Ok(Flow::Next)
    }

    /// DIM name(limits)[, …]: each array sized once (`?REDIM'D ARRAY` after).
    fn dim(&mut self) -> Result<Flow> {
        loop {
            let var = self.var()?;
            match &var.subscripts {
                Some(limits) => {
                    if self.find_array(var.name).is_some() {
                        return Err(Error::RedimensionedArray);
                    }
                    let sizes: Vec<u16> = limits.iter().map(|&limit| limit + 1).collect();
                    self.create_array(var.name, var.kind, &sizes)?;
                }
                None => {
                    self.address(&var, true)?;
                }
            }
            if !self.eat(b',') {
                return self.done();
            }
        }
    }

    fn def(&mut self) -> Result<Flow> {
        self.illegal_direct()?;
        self.expect(token::FN)?;
        let (first, second, kind) = self.name()?;
        if kind != Kind::Float {
            return Err(Error::Syntax);
        }
        self.expect(b'(')?;
        let parameter = self.loop_variable(true)?.ok_or(Error::OutOfMemory)?;
        self.expect(b')')?;
        self.expect(token::EQUAL)?;
        let body = self.pos;
        self.skip_statement();
        let name = [first | 0x80, second];
        let record = match self.find_scalar(name) {
            Some(record) => record,
            None => self.create_scalar(name)?,
        };
        self.ctx.set_ram_word(record.wrapping_add(2), body);
        self.ctx.set_ram_word(record.wrapping_add(4), parameter);
        self.ctx.set_ram(record.wrapping_add(6), 0);
        Ok(Flow::Next)
    }

    /// PRINT's items, to the screen or (`channel`) collected for a file; the end of the
    /// statement without `;`, `,`, TAB( or SPC( ends the line.
    fn print_statement(&mut self, channel: Option<u8>) -> Result<Flow> {
        let mut file = channel.map(|_| Vec::new());
        loop {
            if self.at_end() {
                self.out(&mut file, b"\r");
                if channel.is_some_and(|channel| channel >= 128) {
                    self.out(&mut file, b"\n");
                }
                break;
            }
            match self.peek() {
                b';' => self.advance(),
                b',' => {
                    self.advance();
                    let column = self.byte(0xd3);
                    self.gap(&mut file, 10 - column % 10);
                }
                code @ (token::TAB | token::SPC) => {
                    self.advance();
                    let count = self.whole(0..=255)? as u8;
                    self.expect(b')')?;
                    let count = if code == token::TAB {
                        count.saturating_sub(self.byte(0xd3))
                    } else {
                        count
                    };
                    self.gap(&mut file, count);
                }
                _ => {
                    match self.expression()? {
                        Value::Number(number) => {
                            self.charge(3_000);
                            let text = float::format(number) + " ";
                            self.out(&mut file, text.as_bytes());
                        }
                        Value::Text(text) => self.out(&mut file, &text),
                    }
                    continue;
                }
            }
            if self.at_end() {
                break;
            }
        }
        match (channel, file) {
            (Some(channel), Some(bytes)) => self.send(channel, &bytes),
            _ => Ok(Flow::Next),
        }
    }

    /// Output of PRINT: to the screen, or collected for a file.
    fn out(&mut self, file: &mut Option<Vec<u8>>, bytes: &[u8]) {
        match file {
            Some(collected) => collected.extend_from_slice(bytes),
            None => self.print_text(bytes),
        }
    }

    /// `count` steps right: cursor moves on the screen, spaces in a file.
    fn gap(&mut self, file: &mut Option<Vec<u8>>, count: u8) {
        let code = if file.is_some() { b' ' } else { 0x1d };
        self.out(file, &vec![code; usize::from(count)]);
    }

    /// Sends PRINT#'s bytes to file `channel` through CHKOUT and CHROUT: they wait in the
    /// cassette buffer (length at $033C), so one statement sends at most 190 bytes.
    fn send(&mut self, channel: u8, bytes: &[u8]) -> Result<Flow> {
        if bytes.len() > FILE_BUFFER_SIZE {
            return Err(Error::StringTooLong);
        }
        self.ctx.set_ram(FILE_BUFFER, bytes.len() as u8);
        for (offset, &byte) in bytes.iter().enumerate() {
            self.ctx.set_ram(FILE_BUFFER + 1 + offset as u16, byte);
        }
        self.ctx.cpu.x = channel;
        Ok(Flow::Jump(PRINT_FILE))
    }

    /// PRINT# file[, items] and CMD file[, items] (which keeps sending PRINT's output
    /// to the file).
    fn print_file(&mut self, command: bool) -> Result<Flow> {
        let channel = self.whole(0..=255)? as u8;
        if !self.at_end() {
            self.expect(b',')?;
        }
        // CMD keeps sending to the file; PRINT# ends a CMD.
        self.ctx.set_ram(CHANNL, if command { channel } else { 0 });
        self.print_statement(Some(channel))
    }

    fn sys(&mut self) -> Result<Flow> {
        let address = self.whole(0..=65_535)? as u16;
        self.end_statement()?;
        let frame = self.push_frame(2)?;
        self.ctx.set_ram_word(frame, SYS_RETURN - 1);
        self.ctx.cpu.a = self.byte(0x030c);
        self.ctx.cpu.x = self.byte(0x030d);
        self.ctx.cpu.y = self.byte(0x030e);
        self.ctx.cpu.p = self.byte(0x030f) | 0x20;
        Ok(Flow::Jump(address))
    }

    /// GET var[, var…] with a key from GETIN (0 when none was waiting).
    /// `#file,` after GET: the file becomes the input channel (CHANNL and X).
    fn file_number(&mut self) -> Result<bool> {
        if !self.eat(b'#') {
            return Ok(false);
        }
        let channel = self.whole(0..=255)? as u8;
        self.expect(b',')?;
        self.ctx.set_ram(CHANNL, channel);
        self.ctx.cpu.x = channel;
        Ok(true)
    }

    /// GET var[, var…] (GET# when `file`) with the byte GETIN gave.
    fn got_key(&mut self, key: u8, file: bool) -> Result<Flow> {
        let var = self.var()?;
        let value = match var.kind {
            Kind::Text if key == 0 => Value::Text(Vec::new()),
            Kind::Text => Value::Text(vec![key]),
            _ if key.is_ascii_digit() => Value::Number(f64::from(key - b'0')),
            // What V2's number reader takes as zero on its own.
            _ if matches!(key, 0 | b' ' | b'.' | b'+' | b'-') => Value::Number(0.0),
            _ => {
                // V2 makes the line look like direct mode first: no "IN line".
                self.ctx.set_ram_word(CURLIN, 0xff40);
                return Err(Error::Syntax);
            }
        };
        self.assign(&var, value)?;
        self.charge(300);
        if self.eat(b',') {
            let next = self.pos;
            self.var()?;
            self.pos = next;
            if file {
                self.ctx.cpu.x = self.byte(CHANNL);
                return Ok(Flow::Jump(GET_FILE));
            }
            return Ok(Flow::Jump(GET_KEY));
        }
        if file {
            self.ctx.set_ram(CHANNL, 0);
        }
        self.done()
    }

    fn input(&mut self) -> Result<Flow> {
        self.illegal_direct()?;
        if self.peek() == b'"' {
            // The prompt is a literal only (V2 reads it as one, then wants the `;`).
            self.advance();
            let start = self.pos;
            let prompt: Vec<u8> = (0..255)
                .map(|offset| self.byte(start.wrapping_add(offset)))
                .take_while(|&code| code != b'"' && code != 0)
                .collect();
            self.pos = start.wrapping_add(prompt.len() as u16);
            self.eat(b'"');
            self.expect(b';')?;
            self.print_text(&prompt);
        }
        self.ctx.set_ram_word(INPUT_START, self.pos);
        self.var()?;
        self.pos = self.ctx.ram_word(INPUT_START);
        self.print_text(b"? ");
        Ok(Flow::Jump(INPUT_WAIT))
    }

    /// Assigns the typed fields to INPUT's variables, from the one at TXTPTR on.
    /// From a file (INPUT#) a bad number is `?FILE DATA`, more lines are read without
    /// prompts, and extra fields are dropped silently.
    fn take_input(&mut self, file: bool) -> Result<Flow> {
        let buffer: Vec<u8> = (0x0200..0x0259)
            .map(|at| self.byte(at))
            .take_while(|&code| code != 0)
            .collect();
        if !file && buffer.is_empty() && self.pos == self.ctx.ram_word(INPUT_START) {
            // RETURN alone keeps the variables as they were.
            self.skip_statement();
            return Ok(Flow::Next);
        }
        let mut at = 0;
        loop {
            let var_at = self.pos;
            let var = self.var()?;
            if at > buffer.len() {
                self.pos = var_at;
                if file {
                    self.ctx.cpu.x = self.byte(CHANNL);
                    return Ok(Flow::Jump(INPUT_FILE));
                }
                self.print_text(b"?? ");
                return Ok(Flow::Jump(INPUT_WAIT));
            }
            let (field, _, length) = field(&buffer[at..], true);
            at += length + 1;
            let value = match var.kind {
                Kind::Text => Value::Text(field),
                _ => match signed_number(&field)? {
                    Some(number) => Value::Number(number),
                    None if file => return Err(Error::FileData),
                    None => {
                        self.print_text(b"?REDO FROM START\r? ");
                        self.pos = self.ctx.ram_word(INPUT_START);
                        return Ok(Flow::Jump(INPUT_WAIT));
                    }
                },
            };
            self.assign(&var, value)?;
            if !self.eat(b',') {
                break;
            }
        }
        if file {
            self.ctx.set_ram(CHANNL, 0);
        } else if at <= buffer.len() {
            self.print_text(b"?EXTRA IGNORED\r");
        }
        self.done()
    }

    /// READ var[, var…] from the DATA statements.
    fn read(&mut self) -> Result<Flow> {
        loop {
            let var = self.var()?;
            let (text, address) = self.data_item()?;
            let value = match var.kind {
                Kind::Text => {
                    // The variable points at the item in the DATA statement, as in V2.
                    self.assign_literal(&var, address, text)?;
                    if !self.eat(b',') {
                        return self.done();
                    }
                    continue;
                }
                _ => match signed_number(&text) {
                    Ok(Some(number)) => Value::Number(number),
                    _ => {
                        // The error names the DATA line.
                        let line = self.ctx.ram_word(DATLIN);
                        self.ctx.set_ram_word(CURLIN, line);
                        return Err(Error::Syntax);
                    }
                },
            };
            self.assign(&var, value)?;
            if !self.eat(b',') {
                return self.done();
            }
        }
    }

    /// The next DATA item and its address; DATPTR moves past it.
    fn data_item(&mut self) -> Result<(Vec<u8>, u16)> {
        let mut at = self.ctx.ram_word(DATPTR);
        if self.byte(at) == b',' {
            at = at.wrapping_add(1);
        } else {
            at = self.find_data(at)?;
        }
        let text: Vec<u8> = (0..255)
            .map(|offset| self.byte(at.wrapping_add(offset)))
            .collect();
        let (item, start, length) = field(&text, false);
        self.charge(100 + 40 * length as u64);
        self.ctx
            .set_ram_word(DATPTR, at.wrapping_add(length as u16));
        Ok((item, at.wrapping_add(start as u16)))
    }

    /// From the end of a statement, the first item of the next DATA statement.
    fn find_data(&mut self, mut at: u16) -> Result<u16> {
        for _ in 0..SCAN_LIMIT {
            match self.byte(at) {
                0 => {
                    if self.ctx.ram_word(at.wrapping_add(1)) == 0 {
                        return Err(Error::OutOfData);
                    }
                    let line = self.ctx.ram_word(at.wrapping_add(3));
                    self.ctx.set_ram_word(DATLIN, line);
                    at = at.wrapping_add(5);
                }
                b':' => at = at.wrapping_add(1),
                _ => {}
            }
            for _ in 0..SCAN_LIMIT {
                if self.byte(at) != b' ' {
                    break;
                }
                at = at.wrapping_add(1);
            }
            self.charge(60);
            match self.byte(at) {
                token::DATA => return Ok(at.wrapping_add(1)),
                token::REM => {
                    for _ in 0..SCAN_LIMIT {
                        if self.byte(at) == 0 {
                            break;
                        }
                        at = at.wrapping_add(1);
                    }
                }
                _ => {
                    let mut quoted = false;
                    for _ in 0..SCAN_LIMIT {
                        match self.byte(at) {
                            0 => break,
                            b':' if !quoted => break,
                            b'"' => quoted = !quoted,
                            _ => {}
                        }
                        at = at.wrapping_add(1);
                    }
                }
            }
        }
        Err(Error::OutOfData)
    }
}

/// The sign of a number as -1, 0 or 1.
fn sign(number: f64) -> i8 {
    if number > 0.0 {
        1
    } else if number < 0.0 {
        -1
    } else {
        0
    }
}

/// A DATA item or typed INPUT field at the start of `text`: leading spaces skipped, a
/// quoted string up to its closing quote, else everything up to `,`, `:` or the end.
/// Returns the item, where it starts, and the bytes taken up to the delimiter (not
/// including it).
fn field(text: &[u8], input: bool) -> (Vec<u8>, usize, usize) {
    let end_of = |code: u8| matches!(code, 0 | b',' | b':');
    let mut at = text.iter().take_while(|&&code| code == b' ').count();
    if text.get(at) == Some(&b'"') {
        let start = at.wrapping_add(1);
        let close = text[start..]
            .iter()
            .position(|&code| code == b'"' || code == 0)
            .map_or(text.len(), |offset| start.wrapping_add(offset));
        let item = text[start..close].to_vec();
        at = close + usize::from(text.get(close) == Some(&b'"'));
        while at < text.len() && !end_of(text[at]) {
            at = at.wrapping_add(1);
        }
        return (item, start, at);
    }
    let start = at;
    while at < text.len() && !end_of(text[at]) {
        at = at.wrapping_add(1);
    }
    let mut item = text[start..at].to_vec();
    if input {
        while item.last() == Some(&b' ') {
            item.pop();
        }
    }
    (item, start, at)
}

/// A whole field read as a number (an optional sign, then FIN's syntax); `None` when the
/// field holds anything else. An empty field is 0.
fn signed_number(text: &[u8]) -> Result<Option<f64>> {
    let start = text.iter().take_while(|&&code| code == b' ').count();
    let text = &text[start..];
    let (sign, digits) = match text.first() {
        Some(b'-') => (-1.0, &text[1..]),
        Some(b'+') => (1.0, &text[1..]),
        _ => (1.0, text),
    };
    let (value, length) = float::parse(digits)?;
    let rest = &digits[length..];
    if rest.iter().all(|&code| code == b' ') && (length > 0 || digits.iter().all(|&c| c == b' ')) {
        Ok(Some(sign * value))
    } else {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_split_as_v2_reads_them() {
        assert_eq!(field(b" 12 ,3", true), (b"12".to_vec(), 1, 4));
        assert_eq!(field(b"\"A,B\" ,C", false), (b"A,B".to_vec(), 1, 6));
        assert_eq!(field(b"HELLO:X", false), (b"HELLO".to_vec(), 0, 5));
        assert_eq!(field(b"", false), (Vec::new(), 0, 0));
    }

    #[test]
    fn whole_fields_are_numbers_or_not() {
        assert_eq!(signed_number(b" -12.5"), Ok(Some(-12.5)));
        assert_eq!(signed_number(b""), Ok(Some(0.0)));
        assert_eq!(signed_number(b"1E2"), Ok(Some(100.0)));
        assert_eq!(signed_number(b"12A"), Ok(None));
        assert_eq!(signed_number(b"ABC"), Ok(None));
    }
}
