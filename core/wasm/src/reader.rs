//! A bounds-checked cursor over the module binary, with LEB128 decoding.
//!
//! Offsets are always absolute positions in the whole module binary, so errors point at
//! the right byte whatever nested section or body is being read.

use crate::error::{DecodeError, DecodeErrorKind, SectionId};

/// Result type of the decoder.
pub(crate) type DecodeResult<T> = Result<T, DecodeError>;

/// A cursor over `data[pos..end]`.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    end: usize,
    section: SectionId,
    /// Whether this reader covers a section or body rather than the whole input.
    nested: bool,
}

impl<'a> Reader<'a> {
    /// A reader over the whole of `data`.
    pub(crate) fn new(data: &'a [u8], section: SectionId) -> Self {
        Reader {
            data,
            pos: 0,
            end: data.len(),
            section,
            nested: false,
        }
    }

    /// The current absolute offset.
    pub(crate) fn offset(&self) -> usize {
        self.pos
    }

    /// Whether every byte has been consumed.
    pub(crate) fn is_empty(&self) -> bool {
        self.pos >= self.end
    }

    /// Bytes left before the end of this reader.
    pub(crate) fn remaining(&self) -> usize {
        self.end - self.pos
    }

    /// The section named in errors from now on.
    pub(crate) fn set_section(&mut self, section: SectionId) {
        self.section = section;
    }

    /// An error at the current offset.
    pub(crate) fn error(&self, kind: DecodeErrorKind) -> DecodeError {
        self.error_at(self.pos, kind)
    }

    /// The error for reading past the end of this reader: the end of the input, or the
    /// end of the enclosing section or function body.
    fn end_error(&self) -> DecodeError {
        let kind = if self.nested {
            DecodeErrorKind::UnexpectedEndOfSection
        } else {
            DecodeErrorKind::UnexpectedEnd
        };
        self.error(kind)
    }

    /// An error at `offset`.
    pub(crate) fn error_at(&self, offset: usize, kind: DecodeErrorKind) -> DecodeError {
        DecodeError {
            section: self.section,
            offset,
            kind,
        }
    }

    /// Splits off a reader over the next `len` bytes and skips them here. A length past
    /// the end of this reader is `length out of bounds`.
    pub(crate) fn sub_reader(
        &mut self,
        len: usize,
        section: SectionId,
    ) -> DecodeResult<Reader<'a>> {
        if len > self.remaining() {
            return Err(self.error(DecodeErrorKind::LengthOutOfBounds));
        }
        let sub = Reader {
            data: self.data,
            pos: self.pos,
            end: self.pos + len,
            section,
            nested: true,
        };
        self.pos += len;
        Ok(sub)
    }

    /// Reads one byte.
    pub(crate) fn u8(&mut self) -> DecodeResult<u8> {
        if self.pos >= self.end {
            return Err(self.end_error());
        }
        let byte = self.data[self.pos];
        self.pos += 1;
        Ok(byte)
    }

    /// The next byte, without consuming it.
    pub(crate) fn peek(&self) -> DecodeResult<u8> {
        if self.pos >= self.end {
            return Err(self.end_error());
        }
        Ok(self.data[self.pos])
    }

    /// Reads `len` raw bytes.
    pub(crate) fn bytes(&mut self, len: usize) -> DecodeResult<&'a [u8]> {
        if len > self.remaining() {
            return Err(self.end_error());
        }
        let bytes = &self.data[self.pos..self.pos + len];
        self.pos += len;
        Ok(bytes)
    }

    /// Reads a fixed-size array of raw bytes.
    pub(crate) fn array<const N: usize>(&mut self) -> DecodeResult<[u8; N]> {
        let bytes = self.bytes(N)?;
        let mut out = [0; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    /// Reads an unsigned LEB128 number of at most `bits` bits.
    fn uleb(&mut self, bits: u32) -> DecodeResult<u64> {
        let max_bytes = bits.div_ceil(7);
        let mut result: u64 = 0;
        for i in 0..max_bytes {
            let byte = self.u8()?;
            let payload = u64::from(byte & 0x7F);
            if i == max_bytes - 1 {
                if byte & 0x80 != 0 {
                    return Err(self.error_at(self.pos - 1, DecodeErrorKind::LebTooLong));
                }
                let used = bits - 7 * i;
                if used < 7 && payload >> used != 0 {
                    return Err(self.error_at(self.pos - 1, DecodeErrorKind::LebTooLarge));
                }
            }
            result |= payload << (7 * i);
            if byte & 0x80 == 0 {
                break;
            }
        }
        Ok(result)
    }

    /// Reads a signed LEB128 number of at most `bits` bits.
    fn sleb(&mut self, bits: u32) -> DecodeResult<i64> {
        let max_bytes = bits.div_ceil(7);
        let mut result: i64 = 0;
        let mut shift = 0;
        for i in 0..max_bytes {
            let byte = self.u8()?;
            let payload = i64::from(byte & 0x7F);
            if i == max_bytes - 1 {
                if byte & 0x80 != 0 {
                    return Err(self.error_at(self.pos - 1, DecodeErrorKind::LebTooLong));
                }
                // The bits above the value's width must all repeat its sign bit.
                let used = bits - 7 * i;
                if used < 7 {
                    let sign = (payload >> (used - 1)) & 1;
                    let unused = payload >> used;
                    let expected = if sign == 1 { (1 << (7 - used)) - 1 } else { 0 };
                    if unused != expected {
                        return Err(self.error_at(self.pos - 1, DecodeErrorKind::LebTooLarge));
                    }
                }
            }
            result |= payload << shift;
            shift += 7;
            if byte & 0x80 == 0 {
                if shift < 64 && byte & 0x40 != 0 {
                    result |= -1i64 << shift;
                }
                break;
            }
        }
        Ok(result)
    }

    /// Reads an unsigned 32-bit LEB128 number.
    pub(crate) fn u32(&mut self) -> DecodeResult<u32> {
        // At most 32 significant bits are accepted by `uleb(32)`.
        self.uleb(32).map(|v| v as u32)
    }

    /// Reads a signed 32-bit LEB128 number.
    pub(crate) fn s32(&mut self) -> DecodeResult<i32> {
        self.sleb(32).map(|v| v as i32)
    }

    /// Reads a signed 33-bit LEB128 number (block types).
    pub(crate) fn s33(&mut self) -> DecodeResult<i64> {
        self.sleb(33)
    }

    /// Reads a signed 64-bit LEB128 number.
    pub(crate) fn s64(&mut self) -> DecodeResult<i64> {
        self.sleb(64)
    }

    /// Reads a vector length.
    pub(crate) fn count(&mut self) -> DecodeResult<usize> {
        Ok(self.u32()? as usize)
    }

    /// Reads a vector: a length, then that many items. Every item takes at least one
    /// byte, so the preallocation is capped by the bytes left: garbage lengths never cause
    /// huge allocations.
    pub(crate) fn vec<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> DecodeResult<T>,
    ) -> DecodeResult<Vec<T>> {
        let n = self.count()?;
        let mut out = Vec::with_capacity(n.min(self.remaining()));
        for _ in 0..n {
            out.push(item(self)?);
        }
        Ok(out)
    }

    /// Reads a length-prefixed UTF-8 name.
    pub(crate) fn name(&mut self) -> DecodeResult<String> {
        let start = self.pos;
        let len = self.u32()? as usize;
        if len > self.remaining() {
            return Err(self.error(DecodeErrorKind::LengthOutOfBounds));
        }
        let bytes = self.bytes(len)?;
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_owned()),
            Err(_) => Err(self.error_at(start, DecodeErrorKind::BadUtf8)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(bytes: &[u8]) -> Reader<'_> {
        Reader::new(bytes, SectionId::Code)
    }

    fn kind<T: std::fmt::Debug>(r: DecodeResult<T>) -> DecodeErrorKind {
        r.unwrap_err().kind
    }

    #[test]
    fn unsigned_values() {
        assert_eq!(reader(&[0x00]).u32().unwrap(), 0);
        assert_eq!(reader(&[0x7F]).u32().unwrap(), 127);
        assert_eq!(reader(&[0x80, 0x01]).u32().unwrap(), 128);
        assert_eq!(reader(&[0xE5, 0x8E, 0x26]).u32().unwrap(), 624_485);
        assert_eq!(
            reader(&[0xFF, 0xFF, 0xFF, 0xFF, 0x0F]).u32().unwrap(),
            u32::MAX
        );
        // Overlong but within five bytes is fine.
        assert_eq!(reader(&[0x80, 0x80, 0x80, 0x80, 0x00]).u32().unwrap(), 0);
    }

    #[test]
    fn unsigned_edge_cases() {
        assert_eq!(
            kind(reader(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).u32()),
            DecodeErrorKind::LebTooLong
        );
        assert_eq!(
            kind(reader(&[0xFF, 0xFF, 0xFF, 0xFF, 0x1F]).u32()),
            DecodeErrorKind::LebTooLarge
        );
        assert_eq!(
            kind(reader(&[0x80, 0x80, 0x80, 0x80, 0x70]).u32()),
            DecodeErrorKind::LebTooLarge
        );
        assert_eq!(
            kind(reader(&[0x80, 0x80]).u32()),
            DecodeErrorKind::UnexpectedEnd
        );
        assert_eq!(kind(reader(&[]).u32()), DecodeErrorKind::UnexpectedEnd);
    }

    #[test]
    fn signed_values() {
        assert_eq!(reader(&[0x7F]).s32().unwrap(), -1);
        assert_eq!(reader(&[0x3F]).s32().unwrap(), 63);
        assert_eq!(reader(&[0x40]).s32().unwrap(), -64);
        assert_eq!(reader(&[0xC0, 0xBB, 0x78]).s32().unwrap(), -123_456);
        assert_eq!(
            reader(&[0x80, 0x80, 0x80, 0x80, 0x78]).s32().unwrap(),
            i32::MIN
        );
        assert_eq!(
            reader(&[0xFF, 0xFF, 0xFF, 0xFF, 0x07]).s32().unwrap(),
            i32::MAX
        );
        assert_eq!(reader(&[0xFF, 0xFF, 0xFF, 0xFF, 0x7F]).s32().unwrap(), -1);
        let min64 = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F];
        assert_eq!(reader(&min64).s64().unwrap(), i64::MIN);
        let max64 = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00];
        assert_eq!(reader(&max64).s64().unwrap(), i64::MAX);
        assert_eq!(reader(&[0x7F]).s33().unwrap(), -1);
        assert_eq!(
            reader(&[0xFF, 0xFF, 0xFF, 0xFF, 0x0F]).s33().unwrap(),
            0xFFFF_FFFF
        );
    }

    #[test]
    fn signed_edge_cases() {
        // Unused bits of the last byte must be the sign extension.
        assert_eq!(
            kind(reader(&[0xFF, 0xFF, 0xFF, 0xFF, 0x0F]).s32()),
            DecodeErrorKind::LebTooLarge
        );
        assert_eq!(
            kind(reader(&[0x80, 0x80, 0x80, 0x80, 0x70]).s32()),
            DecodeErrorKind::LebTooLarge
        );
        assert_eq!(
            kind(reader(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).s32()),
            DecodeErrorKind::LebTooLong
        );
        let bad64 = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01];
        assert_eq!(kind(reader(&bad64).s64()), DecodeErrorKind::LebTooLarge);
        let long64 = [
            0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00,
        ];
        assert_eq!(kind(reader(&long64).s64()), DecodeErrorKind::LebTooLong);
    }

    #[test]
    fn names_are_utf8() {
        assert_eq!(reader(&[3, b'a', b'd', b'd']).name().unwrap(), "add");
        assert_eq!(
            kind(reader(&[2, 0xC0, 0x80]).name()),
            DecodeErrorKind::BadUtf8
        );
        assert_eq!(
            kind(reader(&[4, b'a']).name()),
            DecodeErrorKind::LengthOutOfBounds
        );
    }

    #[test]
    fn huge_vectors_fail_without_allocating() {
        let mut r = reader(&[0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0]);
        assert_eq!(kind(r.vec(|r| r.u8())), DecodeErrorKind::UnexpectedEnd);
        assert_eq!(reader(&[2, 7, 9]).vec(|r| r.u8()).unwrap(), vec![7, 9]);
    }

    #[test]
    fn end_of_section_differs_from_end_of_input() {
        let data = [3, 1, 2, 3];
        let mut outer = reader(&data);
        let mut section = outer.sub_reader(2, SectionId::Type).unwrap();
        assert_eq!(section.bytes(2).unwrap(), &[3, 1]);
        assert_eq!(kind(section.u8()), DecodeErrorKind::UnexpectedEndOfSection);
        assert_eq!(outer.bytes(2).unwrap(), &[2, 3]);
        assert_eq!(kind(outer.u8()), DecodeErrorKind::UnexpectedEnd);
        assert_eq!(
            kind(outer.sub_reader(1, SectionId::Type)),
            DecodeErrorKind::LengthOutOfBounds
        );
    }
}
