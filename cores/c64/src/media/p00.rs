//! PC64's `.p00` container: a 26-byte header, then a `.prg`.
//!
//! | offset | size | contents                                           |
//! |--------|------|----------------------------------------------------|
//! | $00    | 8    | `C64File` and a NUL                                |
//! | $08    | 17   | the C64 file name, PETSCII, NUL padded             |
//! | $19    | 1    | REL record size (0 for programs)                   |
//! | $1A    | …    | the file: load address, then the program           |

use super::{PrgError, Program, petscii_name};

/// The magic a `.p00` starts with.
pub const MAGIC: &[u8; 8] = b"C64File\0";

/// Length of the header before the program.
pub const HEADER_LEN: usize = 0x1a;

/// A `.p00` file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct P00 {
    /// The C64 file name the container keeps.
    pub name: String,
    /// The program.
    pub program: Program,
}

/// Why bytes are not a loadable `.p00`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum P00Error {
    /// The file does not start with `C64File`.
    #[error("not a PC64 file (no C64File magic)")]
    BadMagic,
    /// The file ends inside the header.
    #[error("{0} bytes is too short for the 26-byte PC64 header")]
    Truncated(usize),
    /// A relative file: data records, not a program.
    #[error("a relative (REL) file with {0}-byte records is data, not a program")]
    Relative(u8),
    /// The program after the header is not a loadable `.prg`.
    #[error("the program inside: {0}")]
    Program(#[from] PrgError),
}

impl P00 {
    /// Reads a `.p00` file.
    pub fn parse(bytes: &[u8]) -> Result<Self, P00Error> {
        if !bytes.starts_with(&MAGIC[..bytes.len().min(MAGIC.len())]) || bytes.is_empty() {
            return Err(P00Error::BadMagic);
        }
        if bytes.len() < HEADER_LEN {
            return Err(P00Error::Truncated(bytes.len()));
        }
        if bytes[0x19] != 0 {
            return Err(P00Error::Relative(bytes[0x19]));
        }
        Ok(Self {
            name: petscii_name(&bytes[0x08..0x18]),
            program: Program::from_prg(&bytes[HEADER_LEN..])?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p00(name: &[u8], prg: &[u8]) -> Vec<u8> {
        let mut file = MAGIC.to_vec();
        let mut field = [0u8; 17];
        field[..name.len()].copy_from_slice(name);
        file.extend_from_slice(&field);
        file.push(0);
        file.extend_from_slice(prg);
        file
    }

    #[test]
    fn reads_name_and_program() {
        let file = p00(b"HELLO", &[0x00, 0xc0, 0x60]);
        let parsed = P00::parse(&file).unwrap();
        assert_eq!(parsed.name, "HELLO");
        assert_eq!(parsed.program.load_address, 0xc000);
        assert_eq!(parsed.program.bytes, [0x60]);
    }

    #[test]
    fn bad_files_are_refused() {
        assert_eq!(P00::parse(b"C64Fil"), Err(P00Error::Truncated(6)));
        assert_eq!(P00::parse(b"C64Filx\0"), Err(P00Error::BadMagic));
        assert_eq!(P00::parse(b""), Err(P00Error::BadMagic));
        let header_only = p00(b"X", &[]);
        assert_eq!(
            P00::parse(&header_only),
            Err(P00Error::Program(PrgError::TooShort(0)))
        );
        let mut relative = p00(b"X", &[1, 8, 0]);
        relative[0x19] = 30;
        assert_eq!(P00::parse(&relative), Err(P00Error::Relative(30)));
    }
}
