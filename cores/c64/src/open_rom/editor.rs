//! The screen editor: the KERNAL's text output (CHROUT to the screen), its line input
//! (CHRIN from the keyboard), the cursor and its blink, all on the C64's own variables.
//!
//! The screen is 25 rows of 40 characters at page `HIBASE`, with colour RAM beside it. A
//! *logical line* is one row or two linked rows (80 characters): the link table at $D9
//! marks with bit 7 the rows that start a logical line. The cursor is `TBLX` (physical
//! row) and `PNTR` (column within the logical line); `PNT` and `USER` point at the
//! logical line's first character and colour, `LNMX` is its last column.

use super::{TrapContext, petscii_to_screen, screen_to_petscii};

const INDX: u16 = 0xc8;
const LXSP_ROW: u16 = 0xc9;
const LXSP_COLUMN: u16 = 0xca;
const RVS: u16 = 0xc7;
const NDX: u16 = 0xc6;
const BLNSW: u16 = 0xcc;
const BLNCT: u16 = 0xcd;
const GDBLN: u16 = 0xce;
const BLNON: u16 = 0xcf;
const CRSW: u16 = 0xd0;
const PNT: u16 = 0xd1;
const PNTR: u16 = 0xd3;
const QTSW: u16 = 0xd4;
const LNMX: u16 = 0xd5;
const TBLX: u16 = 0xd6;
const INSRT: u16 = 0xd8;
const LDTB1: u16 = 0xd9;
const USER: u16 = 0xf3;
const KEYD: u16 = 0x0277;
const COLOR: u16 = 0x0286;
const GDCOL: u16 = 0x0287;
const HIBASE: u16 = 0x0288;
const XMAX: u16 = 0x0289;
const RPTFLG: u16 = 0x028a;
const KOUNT: u16 = 0x028b;
const DELAY: u16 = 0x028c;
const MODE: u16 = 0x0291;

const ROWS: u8 = 25;
const COLUMNS: u8 = 40;
const SPACE: u8 = 0x20;
/// Jiffies between two phases of the cursor blink.
const BLINK_JIFFIES: u8 = 20;
const COLOUR_RAM: u16 = 0xd800;

/// The PETSCII colour codes, by colour index.
const COLOUR_CODES: [u8; 16] = [
    0x90, 0x05, 0x1c, 0x9f, 0x9c, 0x1e, 0x1f, 0x9e, 0x81, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b,
];

/// The screen editor's view of the machine.
struct Screen<'c, 'a> {
    ctx: &'c mut TrapContext<'a>,
}

impl Screen<'_, '_> {
    fn var(&self, address: u16) -> u8 {
        self.ctx.ram(address)
    }

    fn set(&mut self, address: u16, value: u8) {
        self.ctx.set_ram(address, value);
    }

    fn cell(&self, row: u8, column: u8) -> u16 {
        u16::from(self.var(HIBASE)) << 8 | (u16::from(row) * 40 + u16::from(column))
    }

    fn colour_cell(row: u8, column: u8) -> usize {
        usize::from(row) * 40 + usize::from(column)
    }

    fn put(&mut self, row: u8, column: u8, code: u8, colour: u8) {
        let cell = self.cell(row, column);
        self.set(cell, code);
        self.ctx.board.color_ram[Self::colour_cell(row, column)] = colour & 0x0f;
    }

    fn get(&self, row: u8, column: u8) -> (u8, u8) {
        (
            self.var(self.cell(row, column)),
            self.ctx.board.color_ram[Self::colour_cell(row, column)],
        )
    }

    fn is_line_start(&self, row: u8) -> bool {
        self.var(LDTB1 + u16::from(row)) & 0x80 != 0
    }

    fn set_line_start(&mut self, row: u8, start: bool) {
        let page = self.var(HIBASE) + ((u16::from(row) * 40) >> 8) as u8;
        self.set(LDTB1 + u16::from(row), page | if start { 0x80 } else { 0 });
    }

    fn start_row(&self, row: u8) -> u8 {
        if row == 0 || self.is_line_start(row) {
            row
        } else {
            row - 1
        }
    }

    fn line_rows(&self, start: u8) -> u8 {
        if start + 1 < ROWS && !self.is_line_start(start + 1) {
            2
        } else {
            1
        }
    }

    /// The cursor as (physical row, column within that row).
    fn cursor(&self) -> (u8, u8) {
        (self.var(TBLX), self.var(PNTR) % COLUMNS)
    }

    /// Moves the cursor and points the logical-line variables at its line.
    fn set_cursor(&mut self, row: u8, column: u8) {
        let start = self.start_row(row);
        self.set(TBLX, row);
        self.set(PNTR, (row - start) * COLUMNS + column);
        self.set(LNMX, self.line_rows(start) * COLUMNS - 1);
        let first = self.cell(start, 0);
        self.ctx.set_ram_word(PNT, first);
        self.ctx
            .set_ram_word(USER, COLOUR_RAM + u16::from(start) * 40);
    }

    /// The character and colour at column `index` of the logical line starting at `start`.
    fn logical(&self, start: u8, index: u8) -> (u8, u8) {
        self.get(start + index / COLUMNS, index % COLUMNS)
    }

    fn put_logical(&mut self, start: u8, index: u8, code: u8, colour: u8) {
        self.put(start + index / COLUMNS, index % COLUMNS, code, colour);
    }

    fn clear_row(&mut self, row: u8) {
        let colour = self.var(COLOR);
        for column in 0..COLUMNS {
            self.put(row, column, SPACE, colour);
        }
        self.set_line_start(row, true);
    }

    fn clear_screen(&mut self) {
        for row in 0..ROWS {
            self.clear_row(row);
        }
        self.set_cursor(0, 0);
        self.ctx.charge(10_000);
    }

    fn copy_row(&mut self, from: u8, to: u8) {
        for column in 0..COLUMNS {
            let (code, colour) = self.get(from, column);
            self.put(to, column, code, colour);
        }
        let start = self.is_line_start(from);
        self.set_line_start(to, start);
    }

    /// Scrolls the whole screen up a row.
    fn scroll_up(&mut self) {
        for row in 1..ROWS {
            self.copy_row(row, row - 1);
        }
        self.clear_row(ROWS - 1);
        self.set_line_start(0, true);
        let row = self.var(TBLX).saturating_sub(1);
        self.set(TBLX, row);
        let input_row = self.var(LXSP_ROW);
        self.set(LXSP_ROW, input_row.wrapping_sub(1));
        self.ctx.charge(20_000);
    }

    /// Opens a blank row at `row` that continues the logical line above it.
    fn open_continuation(&mut self, row: u8) {
        for from in (row..ROWS - 1).rev() {
            self.copy_row(from, from + 1);
        }
        self.clear_row(row);
        self.set_line_start(row, false);
        self.ctx.charge(10_000);
    }

    /// RETURN: the first column of the next logical line.
    fn new_line(&mut self) {
        let start = self.start_row(self.var(TBLX));
        let mut next = start + self.line_rows(start);
        if next == ROWS {
            self.scroll_up();
            next = ROWS - 1;
        }
        self.set_cursor(next, 0);
        self.set(QTSW, 0);
        self.set(RVS, 0);
        self.set(INSRT, 0);
    }

    /// Moves past a character just written, turning a full row into a two-row logical
    /// line when there is room.
    fn advance(&mut self) {
        let (row, column) = self.cursor();
        if column + 1 < COLUMNS {
            self.set_cursor(row, column + 1);
            return;
        }
        let start = self.start_row(row);
        match (row == start, self.line_rows(start)) {
            (true, 2) => self.set_cursor(row + 1, 0),
            (true, _) => {
                let mut row = row;
                if row == ROWS - 1 {
                    self.scroll_up();
                    row -= 1;
                }
                self.open_continuation(row + 1);
                self.set_cursor(row + 1, 0);
            }
            _ => self.new_line(),
        }
    }

    fn cursor_right(&mut self) {
        let (row, column) = self.cursor();
        if column + 1 < COLUMNS {
            self.set_cursor(row, column + 1);
        } else if row + 1 < ROWS {
            self.set_cursor(row + 1, 0);
        } else {
            self.scroll_up();
            self.set_cursor(ROWS - 1, 0);
        }
    }

    fn cursor_left(&mut self) {
        match self.cursor() {
            (row, column) if column > 0 => self.set_cursor(row, column - 1),
            (row, _) if row > 0 => self.set_cursor(row - 1, COLUMNS - 1),
            _ => {}
        }
    }

    fn cursor_down(&mut self) {
        let (row, column) = self.cursor();
        if row + 1 < ROWS {
            self.set_cursor(row + 1, column);
        } else {
            self.scroll_up();
            self.set_cursor(ROWS - 1, column);
        }
    }

    fn cursor_up(&mut self) {
        let (row, column) = self.cursor();
        if row > 0 {
            self.set_cursor(row - 1, column);
        }
    }

    /// INST/DEL: removes the character left of the cursor, closing the gap.
    fn delete(&mut self) {
        let index = self.var(PNTR);
        if index == 0 {
            return;
        }
        let start = self.start_row(self.var(TBLX));
        let last = self.var(LNMX);
        for at in index..=last {
            let (code, colour) = self.logical(start, at);
            self.put_logical(start, at - 1, code, colour);
        }
        let colour = self.var(COLOR);
        self.put_logical(start, last, SPACE, colour);
        self.cursor_left();
    }

    /// SHIFT+INST/DEL: opens a space at the cursor.
    fn insert(&mut self) {
        let start = self.start_row(self.var(TBLX));
        let index = self.var(PNTR);
        let last = self.var(LNMX);
        if self.logical(start, last).0 != SPACE {
            return;
        }
        for at in (index..last).rev() {
            let (code, colour) = self.logical(start, at);
            self.put_logical(start, at + 1, code, colour);
        }
        let colour = self.var(COLOR);
        self.put_logical(start, index, SPACE, colour);
        let pending = self.var(INSRT);
        self.set(INSRT, pending.saturating_add(1));
    }

    /// Writes a character at the cursor and moves on.
    fn write(&mut self, code: u8) {
        let reverse = if self.var(RVS) != 0 { 0x80 } else { 0 };
        let (row, column) = self.cursor();
        let colour = self.var(COLOR);
        self.put(row, column, code | reverse, colour);
        let pending = self.var(INSRT);
        if pending > 0 {
            self.set(INSRT, pending - 1);
        }
        self.advance();
    }

    fn set_case(&mut self, lower: bool) {
        let d018 = self.ctx.board.vic.peek(0x18);
        let value = if lower { d018 | 0x02 } else { d018 & !0x02 };
        self.ctx.board.vic.write(0x18, value);
    }

    /// Prints a PETSCII character the way the C64's screen editor does.
    fn print(&mut self, code: u8) {
        let control = code < 0x20 || (0x80..0xa0).contains(&code);
        let quoted = self.var(QTSW) != 0 || self.var(INSRT) != 0;
        let literal = quoted
            && control
            && !matches!(code, 0x0d | 0x8d)
            && (code != 0x14 || self.var(INSRT) != 0);
        if literal {
            // Control codes in quotes show as reversed symbols.
            let shown = if code < 0x20 {
                code | 0x80
            } else {
                (code - 0x40) | 0x80
            };
            self.write(shown);
            return;
        }
        match code {
            0x0d | 0x8d => self.new_line(),
            0x11 => self.cursor_down(),
            0x91 => self.cursor_up(),
            0x1d => self.cursor_right(),
            0x9d => self.cursor_left(),
            0x13 => self.set_cursor(0, 0),
            0x93 => self.clear_screen(),
            0x14 => self.delete(),
            0x94 => self.insert(),
            0x12 => self.set(RVS, 1),
            0x92 => self.set(RVS, 0),
            0x0e => self.set_case(true),
            0x8e => self.set_case(false),
            0x08 => self.set(MODE, 0x80),
            0x09 => self.set(MODE, 0),
            _ if control => {
                if let Some(colour) = COLOUR_CODES.iter().position(|&c| c == code) {
                    self.set(COLOR, colour as u8);
                }
            }
            _ => {
                if code == b'"' {
                    let quote = self.var(QTSW);
                    self.set(QTSW, quote ^ 1);
                }
                self.write(petscii_to_screen(code));
            }
        }
    }

    /// Puts the character under a blinking cursor back as it was.
    fn unblink(&mut self) {
        if self.var(BLNON) != 0 {
            let (row, column) = self.cursor();
            let (code, colour) = (self.var(GDBLN), self.var(GDCOL));
            self.put(row, column, code, colour);
            self.set(BLNON, 0);
        }
    }
}

/// CINT's second half: the editor's variables and a clear screen.
pub(super) fn cint(ctx: &mut TrapContext<'_>) {
    let mut screen = Screen { ctx };
    for (address, value) in [
        (COLOR, 14),
        (XMAX, 10),
        (RPTFLG, 0),
        (KOUNT, 4),
        (DELAY, 16),
        (MODE, 0),
        (QTSW, 0),
        (RVS, 0),
        (INSRT, 0),
        (CRSW, 0),
        (BLNSW, 1),
        (BLNCT, BLINK_JIFFIES),
        (BLNON, 0),
        (NDX, 0),
    ] {
        screen.set(address, value);
    }
    screen.clear_screen();
}

/// PLOT with carry clear: moves the cursor to row X, column Y.
pub(super) fn plot_set(ctx: &mut TrapContext<'_>) {
    let (row, column) = (ctx.cpu.x.min(ROWS - 1), ctx.cpu.y.min(COLUMNS - 1));
    Screen { ctx }.set_cursor(row, column);
}

/// The cursor blink, from the 60 Hz interrupt.
pub(super) fn blink(ctx: &mut TrapContext<'_>) {
    let mut screen = Screen { ctx };
    if screen.var(BLNSW) != 0 {
        return;
    }
    let count = screen.var(BLNCT).saturating_sub(1);
    if count > 0 {
        screen.set(BLNCT, count);
        return;
    }
    screen.set(BLNCT, BLINK_JIFFIES);
    let (row, column) = screen.cursor();
    if screen.var(BLNON) == 0 {
        let (code, colour) = screen.get(row, column);
        screen.set(GDBLN, code);
        screen.set(GDCOL, colour);
        let cursor_colour = screen.var(COLOR);
        screen.put(row, column, code ^ 0x80, cursor_colour);
        screen.set(BLNON, 1);
    } else {
        screen.unblink();
    }
    screen.ctx.charge(60);
}

/// CHROUT to the screen: prints A.
pub(super) fn chrout(ctx: &mut TrapContext<'_>) {
    let code = ctx.cpu.a;
    ctx.charge(100);
    print(ctx, code);
}

/// CHRIN is about to wait for a line: remember where the input starts, so that a prompt
/// printed before it is not read back as input.
pub(super) fn input_start(ctx: &mut TrapContext<'_>) {
    let (row, column) = (ctx.ram(TBLX), ctx.ram(PNTR));
    ctx.set_ram(LXSP_ROW, row);
    ctx.set_ram(LXSP_COLUMN, column);
}

/// Takes one key from the keyboard buffer and edits the screen with it. RETURN ends the
/// input: CHRIN then returns the logical line's characters one by one.
pub(super) fn edit_key(ctx: &mut TrapContext<'_>) {
    let mut screen = Screen { ctx };
    screen.unblink();
    let count = screen.var(NDX);
    if count == 0 {
        return;
    }
    let key = screen.var(KEYD);
    for index in 1..count {
        let next = screen.var(KEYD + u16::from(index));
        screen.set(KEYD + u16::from(index) - 1, next);
    }
    screen.set(NDX, count - 1);
    screen.ctx.charge(150);
    if key != 0x0d {
        screen.print(key);
        return;
    }
    let start = screen.start_row(screen.var(TBLX));
    let length = screen.line_rows(start) * COLUMNS;
    let input_row = screen.var(LXSP_ROW);
    let from = if input_row < ROWS && screen.start_row(input_row) == start {
        screen.var(LXSP_COLUMN) + (input_row - start) * COLUMNS
    } else {
        0
    };
    let end = (from..length)
        .rev()
        .find(|&at| screen.logical(start, at).0 & 0x7f != SPACE)
        .map_or(from, |at| at + 1);
    screen.set(INDX, end);
    screen.set(QTSW, 0);
    screen.set(CRSW, 1);
    screen.set_cursor(start + from / COLUMNS, from % COLUMNS);
}

/// The next character of the line being read, or RETURN (and a new line) at its end.
pub(super) fn line_char(ctx: &mut TrapContext<'_>) {
    let mut screen = Screen { ctx };
    let index = screen.var(PNTR);
    let start = screen.start_row(screen.var(TBLX));
    screen.ctx.charge(40);
    if index < screen.var(INDX) {
        let code = screen_to_petscii(screen.logical(start, index).0);
        screen.ctx.cpu.a = code;
        let next = index + 1;
        if next <= screen.var(LNMX) {
            screen.set_cursor(start + next / COLUMNS, next % COLUMNS);
        } else {
            screen.set(PNTR, next);
        }
        return;
    }
    screen.set(CRSW, 0);
    screen.new_line();
    screen.ctx.cpu.a = 0x0d;
}

/// Prints a PETSCII character through the screen editor, as CHROUT does.
pub(super) fn print(ctx: &mut TrapContext<'_>, code: u8) {
    Screen { ctx }.print(code);
}
