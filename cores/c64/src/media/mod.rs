//! The C64's program, tape, cartridge and tune formats: parsers that check every length
//! and address a file claims before anything is loaded, with a typed error for each way a
//! file can be wrong.
//!
//! - [`Program`]: a `.prg` (two bytes of load address, then the bytes);
//! - [`p00`]: the PC64 container around one program;
//! - [`t64`]: the C64S tape archive, with the repairs real-world files need;
//! - [`crt`]: cartridge images, turned into [`Cartridge`](crate::cartridge::Cartridge)s;
//! - [`sid`]: PSID and RSID tunes, played by a driver of Heirloom's own ([`sid::player`]).

pub mod crt;
pub mod p00;
pub mod sid;
pub mod t64;

/// A program as LOAD puts it into memory: a load address and the bytes that follow it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    /// Where the first byte goes.
    pub load_address: u16,
    /// The bytes, at most as many as fit between the load address and $FFFF.
    pub bytes: Vec<u8>,
}

/// Why bytes are not a loadable `.prg`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PrgError {
    /// Fewer than three bytes: no room for a load address and at least one byte.
    #[error("{0} bytes is too short for a program (two bytes of load address, then the program)")]
    TooShort(usize),
    /// The bytes run past $FFFF.
    #[error("{len} bytes at ${start:04x} run past the end of memory")]
    PastEndOfMemory {
        /// The load address.
        start: u16,
        /// How many bytes follow it.
        len: usize,
    },
}

impl Program {
    /// Reads a `.prg`: the little-endian load address, then the program.
    pub fn from_prg(prg: &[u8]) -> Result<Self, PrgError> {
        let [low, high, bytes @ ..] = prg else {
            return Err(PrgError::TooShort(prg.len()));
        };
        Self::new(u16::from_le_bytes([*low, *high]), bytes.to_vec())
    }

    /// A program of `bytes` loaded at `load_address`, checked to be non-empty and to fit
    /// below $10000.
    pub fn new(load_address: u16, bytes: Vec<u8>) -> Result<Self, PrgError> {
        if bytes.is_empty() {
            return Err(PrgError::TooShort(2));
        }
        if usize::from(load_address) + bytes.len() > 0x10000 {
            return Err(PrgError::PastEndOfMemory {
                start: load_address,
                len: bytes.len(),
            });
        }
        Ok(Self {
            load_address,
            bytes,
        })
    }

    /// The address after the last byte (as LOAD leaves it in $AE/$AF), wrapping to 0 for a
    /// program that ends at $FFFF.
    pub fn end_address(&self) -> u16 {
        (usize::from(self.load_address) + self.bytes.len()) as u16
    }

    /// The program as a `.prg` file.
    pub fn to_prg(&self) -> Vec<u8> {
        let mut prg = self.load_address.to_le_bytes().to_vec();
        prg.extend_from_slice(&self.bytes);
        prg
    }
}

/// A file name from a C64 directory (PETSCII, padded with spaces, $A0 or NULs) as text:
/// padding removed, letters and printable ASCII kept, anything else shown as `?`.
pub fn petscii_name(raw: &[u8]) -> String {
    let end = raw
        .iter()
        .rposition(|&b| !matches!(b, 0x00 | 0x20 | 0xa0))
        .map_or(0, |last| last + 1);
    raw[..end]
        .iter()
        .map(|&b| match b {
            0x20..=0x5f => char::from(b),
            0x61..=0x7a => char::from(b - 0x20),
            0xc1..=0xda => char::from(b - 0x80),
            _ => '?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prg_splits_into_address_and_bytes() {
        let program = Program::from_prg(&[0x01, 0x08, 1, 2, 3]).unwrap();
        assert_eq!(program.load_address, 0x0801);
        assert_eq!(program.bytes, [1, 2, 3]);
        assert_eq!(program.end_address(), 0x0804);
        assert_eq!(program.to_prg(), [0x01, 0x08, 1, 2, 3]);
    }

    #[test]
    fn short_and_overlong_programs_are_refused() {
        assert_eq!(Program::from_prg(&[1, 8]), Err(PrgError::TooShort(2)));
        assert_eq!(Program::from_prg(&[]), Err(PrgError::TooShort(0)));
        assert_eq!(
            Program::from_prg(&[0xff, 0xff, 1, 2]),
            Err(PrgError::PastEndOfMemory {
                start: 0xffff,
                len: 2
            })
        );
        assert_eq!(
            Program::from_prg(&[0xff, 0xff, 1]).unwrap().end_address(),
            0
        );
    }

    #[test]
    fn directory_names_lose_their_padding() {
        assert_eq!(petscii_name(b"GAME\xa0\xa0  "), "GAME");
        assert_eq!(petscii_name(b"hi there\0\0"), "HI THERE");
        assert_eq!(petscii_name(b"\xa0\xa0"), "");
    }
}
