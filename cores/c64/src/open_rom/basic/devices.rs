//! LOAD, SAVE, VERIFY, OPEN and CLOSE, through the KERNAL's jump table.
//!
//! The statement sets the KERNAL's file parameters (FNLEN $B7, LA $B8, SA $B9, FA $BA,
//! FNADR $BB) as SETNAM and SETLFS would, puts what the call is for in $0313, and sends the
//! CPU to a ROM routine that calls the KERNAL entry through V2's `JMP` at $54; when the
//! KERNAL returns, a trap reports its error (carry set, the code in A) as V2 does, or
//! finishes the statement (a loaded program is relinked; LOAD in a program runs it).

use super::super::TrapContext;
use super::interp::{Error, Result, Run};
use super::statements::{Flow, complete};
use super::{CURLIN, STACK_BASE, TXTPTR, TXTTAB, VARTAB, clear_variables};

/// V2's jump vector: a JMP opcode, then the address.
const JMPER: u16 = 0x54;
/// What the KERNAL call in progress is for.
const PENDING: u16 = 0x0313;
/// Calls the routine at JMPER, then traps back into BASIC.
pub(super) const KERNAL_CALL: u16 = 0xa7c3;

const FNLEN: u16 = 0xb7;
const LA: u16 = 0xb8;
const SA: u16 = 0xb9;
const FA: u16 = 0xba;
const FNADR: u16 = 0xbb;
const STATUS: u16 = 0x90;

const OPEN: u16 = 0xffc0;
const CLOSE: u16 = 0xffc3;
const LOAD: u16 = 0xffd5;
const SAVE: u16 = 0xffd8;

/// The call's purpose, kept in $0313.
const CHECK_ONLY: u8 = 1;
const LOADING: u8 = 2;
const VERIFYING: u8 = 3;

/// V2's error for a KERNAL error code.
pub(super) fn kernal_error(code: u8) -> Error {
    match code {
        1 => Error::TooManyFiles,
        2 => Error::FileOpen,
        3 => Error::FileNotOpen,
        4 => Error::FileNotFound,
        5 => Error::DeviceNotPresent,
        6 => Error::NotInputFile,
        7 => Error::NotOutputFile,
        8 => Error::MissingFileName,
        9 => Error::IllegalDeviceNumber,
        _ => Error::Load,
    }
}

/// The name of a file to open, load or save.
#[derive(Default)]
struct FileName {
    /// Its PETSCII bytes.
    bytes: Vec<u8>,
    /// Where those bytes stand in memory already (a string literal), if they do.
    in_text: Option<u16>,
}

impl Run<'_, '_> {
    /// `["name"[, device[, secondary]]]` for LOAD, SAVE and VERIFY.
    fn file_arguments(&mut self) -> Result<()> {
        let mut name = FileName::default();
        let (mut device, mut secondary) = (1, 0);
        if !self.at_end() {
            name = self.file_name()?;
            if self.eat(b',') {
                device = self.whole(0..=255)? as u8;
                if self.eat(b',') {
                    secondary = self.whole(0..=255)? as u8;
                }
            }
        }
        self.end_statement()?;
        self.set_file(0, device, secondary, &name)
    }

    /// A file name: a string expression, and where its bytes already lie when it is a
    /// literal alone.
    fn file_name(&mut self) -> Result<FileName> {
        let literal = (self.peek() == b'"').then(|| self.pos.wrapping_add(1));
        let bytes = self.expression()?.text()?;
        let in_text = literal.filter(|&start| {
            let end = start.wrapping_add(bytes.len() as u16);
            self.pos == end || (self.pos == end.wrapping_add(1) && self.byte(end) == b'"')
        });
        Ok(FileName { bytes, in_text })
    }

    /// SETLFS and SETNAM. As in V2, a literal name is handed to the KERNAL where it stands
    /// in the text (or the input buffer); any other name is put on the string heap. So a
    /// direct-mode LOAD of code above the BASIC area, which moves the variables' start
    /// past the heap, leaves the next `LOAD"NAME",8,1` working.
    fn set_file(&mut self, logical: u8, device: u8, secondary: u8, name: &FileName) -> Result<()> {
        let pointer = match name.in_text {
            Some(pointer) => pointer,
            None => self.allocate(&name.bytes)?,
        };
        self.ctx.set_ram(LA, logical);
        self.ctx.set_ram(FA, device);
        self.ctx.set_ram(SA, secondary);
        self.ctx.set_ram(FNLEN, name.bytes.len() as u8);
        self.ctx.set_ram_word(FNADR, pointer);
        Ok(())
    }

    /// Sends the CPU to the KERNAL routine at `routine` with A, X and Y.
    fn call_kernal(&mut self, routine: u16, purpose: u8, registers: [u8; 3]) -> Flow {
        self.ctx.set_ram(JMPER, 0x4c);
        self.ctx.set_ram_word(JMPER + 1, routine);
        self.ctx.set_ram(PENDING, purpose);
        [self.ctx.cpu.a, self.ctx.cpu.x, self.ctx.cpu.y] = registers;
        Flow::Jump(KERNAL_CALL)
    }

    /// LOAD or (with `verify`) VERIFY, to TXTTAB.
    pub(super) fn load_program(&mut self, verify: bool) -> Result<Flow> {
        self.file_arguments()?;
        let [low, high] = self.ctx.ram_word(TXTTAB).to_le_bytes();
        let purpose = if verify { VERIFYING } else { LOADING };
        Ok(self.call_kernal(LOAD, purpose, [u8::from(verify), low, high]))
    }

    /// SAVE: the program from TXTTAB to VARTAB.
    pub(super) fn save(&mut self) -> Result<Flow> {
        self.file_arguments()?;
        let [low, high] = self.ctx.ram_word(VARTAB).to_le_bytes();
        Ok(self.call_kernal(SAVE, CHECK_ONLY, [TXTTAB as u8, low, high]))
    }

    /// OPEN file[, device[, secondary[, "name"]]].
    pub(super) fn open(&mut self) -> Result<Flow> {
        let logical = self.whole(0..=255)? as u8;
        let (mut device, mut secondary, mut name) = (1, 0, FileName::default());
        if self.eat(b',') {
            device = self.whole(0..=255)? as u8;
            if self.eat(b',') {
                secondary = self.whole(0..=255)? as u8;
                if self.eat(b',') {
                    name = self.file_name()?;
                }
            }
        }
        self.end_statement()?;
        self.set_file(logical, device, secondary, &name)?;
        Ok(self.call_kernal(OPEN, CHECK_ONLY, [0, 0, 0]))
    }

    /// CLOSE file.
    pub(super) fn close(&mut self) -> Result<Flow> {
        let logical = self.whole(0..=255)? as u8;
        self.end_statement()?;
        Ok(self.call_kernal(CLOSE, CHECK_ONLY, [logical, 0, 0]))
    }

    /// After the KERNAL call: its error, or the end of the statement.
    fn kernal_returned(&mut self) -> Result<Flow> {
        let (carry, code) = (self.ctx.cpu.p & 1 != 0, self.ctx.cpu.a);
        let purpose = self.byte(PENDING);
        self.ctx.set_ram(PENDING, 0);
        if carry {
            return Err(kernal_error(code));
        }
        match purpose {
            LOADING => {
                // Anything but EOI in STATUS (a file cut short) is ?LOAD ERROR, as in V2.
                if self.byte(STATUS) & 0xbf != 0 {
                    return Err(Error::Load);
                }
                let end = u16::from_le_bytes([self.ctx.cpu.x, self.ctx.cpu.y]);
                self.relink();
                if self.byte(CURLIN + 1) == 0xff {
                    self.ctx.set_ram_word(VARTAB, end);
                    clear_variables(self.ctx);
                    return Ok(Flow::Ready);
                }
                // LOAD in a program runs the loaded one, keeping the variables; the stack
                // (FOR, GOSUB, a SYS's return) starts afresh, as in V2.
                self.pos = self.ctx.ram_word(TXTTAB).wrapping_sub(1);
                self.ctx.set_ram_word(CURLIN, 0);
                self.ctx.cpu.s = STACK_BASE;
                Ok(Flow::Next)
            }
            VERIFYING => {
                if self.byte(STATUS) & 0x10 != 0 {
                    return Err(Error::Verify);
                }
                if self.byte(CURLIN + 1) == 0xff {
                    self.print_text(b"\rOK");
                }
                Ok(Flow::Next)
            }
            _ => Ok(Flow::Next),
        }
    }

    /// Rewrites every line's link from where its text ends, as V2's LNKPRG does.
    fn relink(&mut self) {
        let mut line = self.ctx.ram_word(TXTTAB);
        for _ in 0..0x8000 {
            if self.byte(line.wrapping_add(1)) == 0 {
                return;
            }
            let mut end = line.wrapping_add(4);
            for _ in 0..255 {
                if self.byte(end) == 0 {
                    break;
                }
                end = end.wrapping_add(1);
            }
            let next = end.wrapping_add(1);
            self.ctx.set_ram_word(line, next);
            self.charge(30 * u64::from(next.wrapping_sub(line)));
            line = next;
        }
    }
}

/// The trap after the KERNAL call of LOAD, SAVE, VERIFY, OPEN or CLOSE.
pub(in super::super) fn kernal_return(ctx: &mut TrapContext<'_>) {
    let pos = ctx.ram_word(TXTPTR);
    let mut run = Run::new(ctx, pos);
    let result = run.kernal_returned();
    complete(run, result);
}

/// The trap after BASIC's LOAD entry at $E16F (which programs jump to with the file
/// parameters set and $0A = 0 to load, 1 to verify) called the KERNAL's LOAD: finishes
/// as the LOAD statement does.
pub(in super::super) fn load_entry(ctx: &mut TrapContext<'_>) {
    let purpose = if ctx.ram(0x0a) == 0 {
        LOADING
    } else {
        VERIFYING
    };
    ctx.set_ram(PENDING, purpose);
    kernal_return(ctx);
}
