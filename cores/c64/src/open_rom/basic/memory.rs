//! Variables, arrays and strings in C64 RAM, in V2's layouts.
//!
//! Simple variables take 7 bytes each from `VARTAB` to `ARYTAB`: two name bytes (bit 7
//! of each marks the type: neither for a float, both for an integer, the second for a
//! string, the first for a `DEF FN`), then 5 bytes of value (a packed float; an integer
//! high byte first; a string's length and address). Arrays follow up to `STREND`: the
//! name, the array's total size, the number of dimensions, each dimension's size (high
//! byte first, the last dimension first), then the elements with the first subscript
//! varying fastest (5, 2 or 3 bytes each). Strings are stored downwards from `MEMSIZ`;
//! `FRETOP` is the lowest, and a garbage collection compacts the live ones to the top.

use super::interp::{Error, Result, Run, SCAN_LIMIT, Value};
use super::{ARYTAB, FRETOP, MEMSIZ, STREND, VARTAB, float};

/// The type of a variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A 5-byte float.
    Float,
    /// A 16-bit integer (`%`).
    Integer,
    /// A string (`$`).
    Text,
}

impl Kind {
    /// Bytes an array element of this type takes.
    fn element_size(self) -> u16 {
        match self {
            Self::Float => 5,
            Self::Integer => 2,
            Self::Text => 3,
        }
    }

    /// The zero value.
    pub(super) fn zero(self) -> Value {
        match self {
            Self::Text => Value::Text(Vec::new()),
            _ => Value::Number(0.0),
        }
    }
}

/// A variable as written in the text: its name, and subscripts for an array element.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Var {
    /// The two name bytes with V2's type bits.
    pub name: [u8; 2],
    /// The type.
    pub kind: Kind,
    /// The subscripts of an array element.
    pub subscripts: Option<Vec<u16>>,
}

/// The two name bytes of a variable of `kind`.
pub(super) fn encode(first: u8, second: u8, kind: Kind) -> [u8; 2] {
    match kind {
        Kind::Float => [first, second],
        Kind::Integer => [first | 0x80, second | 0x80],
        Kind::Text => [first, second | 0x80],
    }
}

impl Run<'_, '_> {
    /// Reads a variable name: a letter, an optional letter or digit, any further letters
    /// and digits (ignored), and `$` or `%`.
    pub(super) fn name(&mut self) -> Result<(u8, u8, Kind)> {
        let first = self.peek();
        if !first.is_ascii_uppercase() {
            return Err(Error::Syntax);
        }
        self.advance();
        let mut second = 0;
        if self.peek().is_ascii_alphanumeric() {
            second = self.peek();
            for _ in 0..SCAN_LIMIT {
                if !self.peek().is_ascii_alphanumeric() {
                    break;
                }
                self.advance();
            }
        }
        let kind = if self.eat(b'$') {
            Kind::Text
        } else if self.eat(b'%') {
            Kind::Integer
        } else {
            Kind::Float
        };
        Ok((first, second, kind))
    }

    /// Reads a variable or array element reference.
    pub(super) fn var(&mut self) -> Result<Var> {
        let (first, second, kind) = self.name()?;
        let subscripts = if self.eat(b'(') {
            let mut subscripts = Vec::new();
            loop {
                let value = self.expression()?.number()?.floor();
                if !(0.0..32_768.0).contains(&value) {
                    return Err(Error::IllegalQuantity);
                }
                subscripts.push(value as u16);
                if !self.eat(b',') {
                    break;
                }
            }
            self.expect(b')')?;
            Some(subscripts)
        } else {
            None
        };
        Ok(Var {
            name: encode(first, second, kind),
            kind,
            subscripts,
        })
    }

    /// The value of a variable (zero for one never assigned; TI, TI$ and ST read the
    /// clock and the I/O status).
    pub(super) fn read_var(&mut self, var: &Var) -> Result<Value> {
        if var.subscripts.is_none() {
            match (var.name, var.kind) {
                ([b'T', b'I'], Kind::Float) => return Ok(Value::Number(f64::from(self.jiffies()))),
                ([b'T', 0xc9], Kind::Text) => {
                    let seconds = self.jiffies() / 60;
                    let text = format!(
                        "{:02}{:02}{:02}",
                        seconds / 3600 % 24,
                        seconds / 60 % 60,
                        seconds % 60
                    );
                    return Ok(Value::Text(text.into_bytes()));
                }
                ([b'S', b'T'], Kind::Float) => {
                    return Ok(Value::Number(f64::from(self.byte(0x90))));
                }
                _ => {}
            }
        }
        match self.address(var, false)? {
            Some(address) => Ok(self.load(address, var.kind)),
            None => Ok(var.kind.zero()),
        }
    }

    /// The jiffy clock at $A0-$A2.
    fn jiffies(&self) -> u32 {
        u32::from_be_bytes([0, self.byte(0xa0), self.byte(0xa1), self.byte(0xa2)])
    }

    /// Assigns `value` to a variable (creating it), as LET does.
    pub(super) fn assign(&mut self, var: &Var, value: Value) -> Result<()> {
        if var.subscripts.is_none() {
            if var.name == [b'T', 0xc9] && var.kind == Kind::Text {
                return self.set_clock(&value.text()?);
            }
            if var.name == [b'T', b'I'] || var.name == [b'S', b'T'] {
                return Err(Error::Syntax);
            }
        }
        let address = self.address(var, true)?.ok_or(Error::OutOfMemory)?;
        self.store(address, var.kind, value)
    }

    /// Points a string variable at `text`, which is already in memory at `pointer` (a
    /// literal in the program), instead of copying it to the string heap.
    pub(super) fn assign_literal(&mut self, var: &Var, pointer: u16, text: Vec<u8>) -> Result<()> {
        if var.subscripts.is_none() && var.name == [b'T', 0xc9] {
            return self.set_clock(&text);
        }
        let address = self.address(var, true)?.ok_or(Error::OutOfMemory)?;
        self.ctx.set_ram(address, text.len() as u8);
        self.ctx.set_ram_word(address.wrapping_add(1), pointer);
        Ok(())
    }

    /// TI$ = "HHMMSS".
    fn set_clock(&mut self, text: &[u8]) -> Result<()> {
        if text.len() != 6 || !text.iter().all(u8::is_ascii_digit) {
            return Err(Error::IllegalQuantity);
        }
        let field = |at: usize| u32::from((text[at] - b'0') * 10 + text[at.wrapping_add(1)] - b'0');
        let (hours, minutes, seconds) = (field(0), field(2), field(4));
        if hours > 23 || minutes > 59 || seconds > 59 {
            return Err(Error::IllegalQuantity);
        }
        let [_, high, middle, low] = (((hours * 60 + minutes) * 60 + seconds) * 60).to_be_bytes();
        self.ctx.set_ram(0xa0, high);
        self.ctx.set_ram(0xa1, middle);
        self.ctx.set_ram(0xa2, low);
        Ok(())
    }

    /// Where a variable's value is: a simple variable's 5 bytes or an array element.
    /// Arrays are dimensioned to 10 on first use; simple variables are created only when
    /// `create` is set.
    pub(super) fn address(&mut self, var: &Var, create: bool) -> Result<Option<u16>> {
        match &var.subscripts {
            None => Ok(match self.find_scalar(var.name) {
                Some(address) => Some(address.wrapping_add(2)),
                None if create => Some(self.create_scalar(var.name)? + 2),
                None => None,
            }),
            Some(subscripts) => {
                let array = match self.find_array(var.name) {
                    Some(array) => array,
                    None => self.create_array(var.name, var.kind, &vec![11; subscripts.len()])?,
                };
                self.element(array, var.kind, subscripts).map(Some)
            }
        }
    }

    /// The simple variable (or function) named `name`.
    pub(super) fn find_scalar(&mut self, name: [u8; 2]) -> Option<u16> {
        let (start, end) = (self.ctx.ram_word(VARTAB), self.ctx.ram_word(ARYTAB));
        let mut at = start;
        for _ in 0..SCAN_LIMIT {
            if at >= end {
                break;
            }
            self.charge(40);
            if [self.byte(at), self.byte(at.wrapping_add(1))] == name {
                return Some(at);
            }
            at = at.wrapping_add(7);
        }
        None
    }

    /// Makes room for bytes between STREND and FRETOP, collecting garbage if needed.
    fn room(&mut self, bytes: u32) -> Result<()> {
        let fits = |run: &Self| {
            u32::from(run.ctx.ram_word(STREND)) + bytes <= u32::from(run.ctx.ram_word(FRETOP))
        };
        if !fits(self) {
            self.collect_garbage();
        }
        if fits(self) {
            Ok(())
        } else {
            Err(Error::OutOfMemory)
        }
    }

    /// A new simple variable (value zero), made by moving the arrays up 7 bytes.
    pub(super) fn create_scalar(&mut self, name: [u8; 2]) -> Result<u16> {
        self.room(7)?;
        let (arrays, end) = (self.ctx.ram_word(ARYTAB), self.ctx.ram_word(STREND));
        for at in (arrays..end).rev() {
            let byte = self.byte(at);
            self.ctx.set_ram(at.wrapping_add(7), byte);
        }
        self.charge(200 + 20 * u64::from(end - arrays));
        self.ctx.set_ram(arrays, name[0]);
        self.ctx.set_ram(arrays.wrapping_add(1), name[1]);
        for offset in 2..7 {
            self.ctx.set_ram(arrays.wrapping_add(offset), 0);
        }
        self.ctx.set_ram_word(ARYTAB, arrays.wrapping_add(7));
        self.ctx.set_ram_word(STREND, end.wrapping_add(7));
        Ok(arrays)
    }

    /// The array named `name`.
    pub(super) fn find_array(&mut self, name: [u8; 2]) -> Option<u16> {
        let (mut at, end) = (self.ctx.ram_word(ARYTAB), self.ctx.ram_word(STREND));
        for _ in 0..SCAN_LIMIT {
            if at >= end {
                break;
            }
            self.charge(40);
            if [self.byte(at), self.byte(at.wrapping_add(1))] == name {
                return Some(at);
            }
            let size = self.ctx.ram_word(at.wrapping_add(2));
            if size == 0 {
                return None;
            }
            at = at.wrapping_add(size);
        }
        None
    }

    /// A new array with the given dimension sizes (subscript limit + 1), all zero.
    pub(super) fn create_array(&mut self, name: [u8; 2], kind: Kind, sizes: &[u16]) -> Result<u16> {
        let elements = sizes
            .iter()
            .try_fold(1u32, |count, &size| count.checked_mul(u32::from(size)))
            .ok_or(Error::OutOfMemory)?;
        let total = 5 + 2 * sizes.len() as u32 + elements * u32::from(kind.element_size());
        if total > 0xffff {
            return Err(Error::OutOfMemory);
        }
        self.room(total)?;
        let start = self.ctx.ram_word(STREND);
        self.ctx.set_ram(start, name[0]);
        self.ctx.set_ram(start.wrapping_add(1), name[1]);
        self.ctx.set_ram_word(start.wrapping_add(2), total as u16);
        self.ctx.set_ram(start.wrapping_add(4), sizes.len() as u8);
        for (index, &size) in sizes.iter().rev().enumerate() {
            let [high, low] = size.to_be_bytes();
            self.ctx
                .set_ram(start.wrapping_add(5) + 2 * index as u16, high);
            self.ctx
                .set_ram(start.wrapping_add(6) + 2 * index as u16, low);
        }
        for at in start.wrapping_add(5) + 2 * sizes.len() as u16..start.wrapping_add(total as u16) {
            self.ctx.set_ram(at, 0);
        }
        self.charge(300 + 10 * u64::from(total));
        self.ctx
            .set_ram_word(STREND, start.wrapping_add(total as u16));
        Ok(start)
    }

    /// The address of an element of `array`.
    fn element(&mut self, array: u16, kind: Kind, subscripts: &[u16]) -> Result<u16> {
        let count = usize::from(self.byte(array.wrapping_add(4)));
        if count != subscripts.len() {
            return Err(Error::BadSubscript);
        }
        let mut offset: u32 = 0;
        for (index, &subscript) in subscripts.iter().enumerate().rev() {
            // Stored last dimension first.
            let at = array.wrapping_add(5 + 2 * (count - 1 - index) as u16);
            let size = u16::from_be_bytes([self.byte(at), self.byte(at.wrapping_add(1))]);
            if subscript >= size {
                return Err(Error::BadSubscript);
            }
            offset = offset * u32::from(size) + u32::from(subscript);
        }
        self.charge(600 + 600 * count as u64);
        let first = u32::from(array) + 5 + 2 * count as u32;
        Ok((first + offset * u32::from(kind.element_size())) as u16)
    }

    /// The value stored at `address`.
    pub(super) fn load(&mut self, address: u16, kind: Kind) -> Value {
        match kind {
            Kind::Float => {
                let mut bytes = [0; 5];
                for (offset, byte) in bytes.iter_mut().enumerate() {
                    *byte = self.byte(address.wrapping_add(offset as u16));
                }
                Value::Number(float::unpack(bytes))
            }
            Kind::Integer => Value::Number(f64::from(i16::from_be_bytes([
                self.byte(address),
                self.byte(address.wrapping_add(1)),
            ]))),
            Kind::Text => {
                let length = self.byte(address);
                let pointer = self.ctx.ram_word(address.wrapping_add(1));
                self.charge(20 * u64::from(length));
                Value::Text(
                    (0..u16::from(length))
                        .map(|offset| self.byte(pointer.wrapping_add(offset)))
                        .collect(),
                )
            }
        }
    }

    /// Stores `value` at `address` as `kind`; a string is copied to the string heap.
    pub(super) fn store(&mut self, address: u16, kind: Kind, value: Value) -> Result<()> {
        match kind {
            Kind::Float => {
                let bytes = float::pack(value.number()?);
                for (offset, byte) in bytes.into_iter().enumerate() {
                    self.ctx.set_ram(address.wrapping_add(offset as u16), byte);
                }
            }
            Kind::Integer => {
                let [high, low] = to_integer(value.number()?)?.to_be_bytes();
                self.ctx.set_ram(address, high);
                self.ctx.set_ram(address.wrapping_add(1), low);
            }
            Kind::Text => {
                let text = value.text()?;
                let pointer = self.allocate(&text)?;
                self.ctx.set_ram(address, text.len() as u8);
                self.ctx.set_ram_word(address.wrapping_add(1), pointer);
            }
        }
        Ok(())
    }

    /// Copies a string to the string heap; its address.
    pub(super) fn allocate(&mut self, text: &[u8]) -> Result<u16> {
        if text.is_empty() {
            return Ok(0);
        }
        self.room(text.len() as u32)?;
        let pointer = self.ctx.ram_word(FRETOP) - text.len() as u16;
        for (offset, &byte) in text.iter().enumerate() {
            self.ctx.set_ram(pointer.wrapping_add(offset as u16), byte);
        }
        self.charge(100 + 20 * text.len() as u64);
        self.ctx.set_ram_word(FRETOP, pointer);
        Ok(pointer)
    }

    /// Every string descriptor in the variables and arrays.
    fn descriptors(&mut self) -> Vec<u16> {
        let mut found = Vec::new();
        let (start, arrays, end) = (
            self.ctx.ram_word(VARTAB),
            self.ctx.ram_word(ARYTAB),
            self.ctx.ram_word(STREND),
        );
        let mut at = start;
        while at < arrays && found.len() < SCAN_LIMIT as usize {
            if self.byte(at) & 0x80 == 0 && self.byte(at.wrapping_add(1)) & 0x80 != 0 {
                found.push(at.wrapping_add(2));
            }
            at = at.wrapping_add(7);
        }
        while at < end && found.len() < SCAN_LIMIT as usize {
            let size = self.ctx.ram_word(at.wrapping_add(2));
            if size == 0 || at.checked_add(size).is_none() {
                break;
            }
            if self.byte(at) & 0x80 == 0 && self.byte(at.wrapping_add(1)) & 0x80 != 0 {
                let first = at.wrapping_add(5 + 2 * u16::from(self.byte(at.wrapping_add(4))));
                found.extend((first..at.wrapping_add(size)).step_by(3));
            }
            at = at.wrapping_add(size);
        }
        found
    }

    /// Moves every live string to the top of memory, freeing the space of dead ones.
    pub(super) fn collect_garbage(&mut self) {
        let (bottom, top) = (self.ctx.ram_word(FRETOP), self.ctx.ram_word(MEMSIZ));
        let mut live: Vec<(u16, u16, u8)> = self
            .descriptors()
            .into_iter()
            .map(|at| (at, self.ctx.ram_word(at.wrapping_add(1)), self.byte(at)))
            .filter(|&(_, pointer, length)| length > 0 && (bottom..top).contains(&pointer))
            .collect();
        live.sort_by_key(|&(_, pointer, _)| std::cmp::Reverse(pointer));
        let mut free = top;
        for (descriptor, pointer, length) in live {
            let text: Vec<u8> = (0..u16::from(length))
                .map(|offset| self.byte(pointer.wrapping_add(offset)))
                .collect();
            free = free.wrapping_sub(u16::from(length));
            for (offset, &byte) in text.iter().enumerate() {
                self.ctx.set_ram(free.wrapping_add(offset as u16), byte);
            }
            self.ctx.set_ram_word(descriptor.wrapping_add(1), free);
            self.charge(500 + 30 * u64::from(length));
        }
        self.ctx.set_ram_word(FRETOP, free);
    }
}

/// A number as a 16-bit integer (rounded down), or `?ILLEGAL QUANTITY`.
pub(super) fn to_integer(number: f64) -> Result<i16> {
    let value = number.floor();
    if (-32_768.0..=32_767.0).contains(&value) {
        Ok(value as i16)
    } else {
        Err(Error::IllegalQuantity)
    }
}
