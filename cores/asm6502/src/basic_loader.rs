//! The BASIC type-in loader: a Commodore BASIC V2 listing, as printed in magazines, that
//! POKEs a machine-code program into memory from DATA lines and starts it with SYS.
//!
//! The listing looks like this (for `lda #1 / sta $d020 / sta $d021 / rts` at 49152):
//!
//! ```text
//! 10 REM LOADER: 9 BYTES AT 49152, SYS 49152
//! 20 A=49152:N=9:L=1000
//! 30 C=8:IF N<8 THEN C=N
//! 40 S=0:FOR I=1 TO C:READ B:IF B<0 OR B>255 THEN 80
//! 50 S=S+B*I:POKE A,B:A=A+1:NEXT:READ K:IF K<>S THEN 80
//! 60 N=N-C:L=L+10:IF N>0 THEN 30
//! 70 PRINT "OK":SYS 49152:END
//! 80 PRINT "ERROR IN LINE";L:END
//! 1000 DATA 169,1,141,32,208,141,33,208,4503
//! 1010 DATA 96,96
//! ```
//!
//! Each DATA line holds up to [`BYTES_PER_LINE`] bytes followed by the line's
//! [`checksum`]: the sum of each byte times its position on the line (1 to 8), so a
//! mistyped *or* swapped byte is caught. A wrong line stops the loader with
//! `ERROR IN LINE 1010`. DATA lines start at [`FIRST_DATA_LINE`] and go up in tens.

use std::fmt;

use crate::assemble::Assembly;

/// Bytes per DATA line (before the checksum).
pub const BYTES_PER_LINE: usize = 8;

/// Line number of the first DATA line.
pub const FIRST_DATA_LINE: u32 = 1000;

/// Line-number step between DATA lines.
pub const DATA_LINE_STEP: u32 = 10;

/// The highest line number BASIC V2 accepts.
const MAX_LINE_NUMBER: u32 = 63999;

/// Start of the BASIC program text on a C64.
const BASIC_START: u32 = 0x0801;

/// Bytes of the simple variables the loader uses (A N L C S I B K, 7 bytes each).
const VARIABLE_BYTES: u32 = 8 * 7;

/// Why no loader can be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoaderError {
    /// The program has no bytes.
    Empty,
    /// More bytes than DATA line numbers up to 63999 can hold.
    TooLarge {
        /// The program's size.
        bytes: usize,
        /// The most the loader can carry.
        limit: usize,
    },
    /// The program would overwrite memory the loader needs while it runs.
    Overlap {
        /// First address of the program.
        start: u32,
        /// Last address of the program.
        end: u32,
        /// What it would overwrite.
        area: &'static str,
    },
}

impl fmt::Display for LoaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoaderError::Empty => f.write_str("the program is empty"),
            LoaderError::TooLarge { bytes, limit } => write!(
                f,
                "the program has {bytes} bytes; a type-in loader holds at most {limit}"
            ),
            LoaderError::Overlap { start, end, area } => write!(
                f,
                "the program (${start:04x}-${end:04x}) would overwrite {area} while the loader runs"
            ),
        }
    }
}

impl std::error::Error for LoaderError {}

/// The checksum of one DATA line: the sum of each byte times its position (from 1).
pub fn checksum(bytes: &[u8]) -> u32 {
    (1..)
        .zip(bytes)
        .map(|(position, &byte)| position * u32::from(byte))
        .sum()
}

/// Writes the type-in loader for `assembly`, which starts the program with `SYS entry`.
/// Lines end with `\n`; every line is at most 80 characters (one C64 logical line).
pub fn basic_loader(assembly: &Assembly, entry: u16) -> Result<String, LoaderError> {
    let bytes = &assembly.bytes;
    if bytes.is_empty() {
        return Err(LoaderError::Empty);
    }
    let limit =
        ((MAX_LINE_NUMBER - FIRST_DATA_LINE) / DATA_LINE_STEP + 1) as usize * BYTES_PER_LINE;
    if bytes.len() > limit {
        return Err(LoaderError::TooLarge {
            bytes: bytes.len(),
            limit,
        });
    }
    let start = u32::from(assembly.load_address);
    let end = start + u32::try_from(bytes.len()).unwrap_or(u32::MAX) - 1;
    let n = bytes.len();

    let mut lines = vec![
        format!("10 REM LOADER: {n} BYTES AT {start}, SYS {entry}"),
        format!("20 A={start}:N={n}:L={FIRST_DATA_LINE}"),
        format!("30 C={BYTES_PER_LINE}:IF N<{BYTES_PER_LINE} THEN C=N"),
        "40 S=0:FOR I=1 TO C:READ B:IF B<0 OR B>255 THEN 80".to_string(),
        "50 S=S+B*I:POKE A,B:A=A+1:NEXT:READ K:IF K<>S THEN 80".to_string(),
        format!("60 N=N-C:L=L+{DATA_LINE_STEP}:IF N>0 THEN 30"),
        format!("70 PRINT \"OK\":SYS {entry}:END"),
        "80 PRINT \"ERROR IN LINE\";L:END".to_string(),
    ];
    for (number, chunk) in (0..).zip(bytes.chunks(BYTES_PER_LINE)) {
        let values: Vec<String> = chunk.iter().map(u8::to_string).collect();
        lines.push(format!(
            "{} DATA {},{}",
            FIRST_DATA_LINE + number * DATA_LINE_STEP,
            values.join(","),
            checksum(chunk)
        ));
    }

    // The tokenized program is at most: per line a link (2), a line number (2), the
    // text after the number (keywords shrink to one byte) and a terminator (1); then the
    // end marker (2). The variables follow it.
    let program_bytes: u32 = lines
        .iter()
        .map(|line| {
            let text = line.split_once(' ').map_or("", |(_, rest)| rest);
            5 + u32::try_from(text.len()).unwrap_or(u32::MAX)
        })
        .sum::<u32>()
        + 2;
    let basic_end = BASIC_START + program_bytes + VARIABLE_BYTES;
    let protected: [(u32, u32, &'static str); 3] = [
        (
            0x0000,
            0x033b,
            "the zero page, stack and system area ($0000-$033b)",
        ),
        (
            0x0400,
            basic_end,
            "the screen or the loader's own BASIC text and variables",
        ),
        (0xd000, 0xdfff, "the I/O area ($d000-$dfff)"),
    ];
    for (low, high, area) in protected {
        if start <= high && end >= low {
            return Err(LoaderError::Overlap { start, end, area });
        }
    }

    let mut text = lines.join("\n");
    text.push('\n');
    Ok(text)
}
