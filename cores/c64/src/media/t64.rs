//! The C64S tape archive (`.t64`): a 64-byte header, a directory of 32-byte entries, then
//! the files' bytes.
//!
//! Header: a free-form signature starting `C64` ($00–$1F), version ($20), directory
//! slots ($22, little-endian), used entries ($24), tape name ($28–$3F). Each entry: C64S
//! type ($00: 0 free, 1 normal file, 3 and up memory snapshots), 1541 file type ($01),
//! start and end address ($02, $04), offset of the data in the archive ($08, 32 bits),
//! file name ($10–$1F).
//!
//! Many archives in circulation were written by tools with bugs, and are read here as
//! VICE reads them: a slot or used-entry count of 0 is taken as 1; an end address of
//! $C3C6 (written by the CONV64 tool whatever the file) or one that claims more bytes
//! than the archive holds is recomputed from where the next file's data starts (entries
//! sorted by offset) or from the archive's size; a wrong 1541 file type is ignored.

use super::{PrgError, Program, petscii_name};

/// Length of the archive header.
const HEADER_LEN: usize = 0x40;
/// Length of one directory entry.
const ENTRY_LEN: usize = 0x20;
/// The end address CONV64 writes into every entry.
const CONV64_END: u16 = 0xc3c6;

/// One file of a tape archive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The file name, padding removed.
    pub name: String,
    /// The C64S entry type: 1 for a normal file, 3 and up for memory snapshots.
    pub entry_type: u8,
    /// The program, its length repaired as described in the [module docs](self).
    pub program: Program,
}

/// A tape archive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tape {
    /// The tape's name.
    pub name: String,
    /// The files, in directory order.
    pub entries: Vec<Entry>,
}

/// Why bytes are not a usable `.t64`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum T64Error {
    /// The signature does not start with `C64`.
    #[error("not a tape archive (no C64 signature)")]
    BadMagic,
    /// The archive ends inside the header or the directory.
    #[error("the archive ends at byte {len}, inside its {what}")]
    Truncated {
        /// Length of the archive.
        len: usize,
        /// What it ends inside.
        what: &'static str,
    },
    /// An entry's data starts outside the archive.
    #[error(
        "entry {index} ({name}) claims data at offset {offset}, past the archive's {len} bytes"
    )]
    DataOutside {
        /// The entry's position in the directory, from 0.
        index: usize,
        /// Its name.
        name: String,
        /// Where it claims its data is.
        offset: u32,
        /// Length of the archive.
        len: usize,
    },
    /// An entry's data starts inside the header or the directory.
    #[error(
        "entry {index} ({name}) claims data at offset {offset}, inside the header or directory"
    )]
    DataInDirectory {
        /// The entry's position in the directory, from 0.
        index: usize,
        /// Its name.
        name: String,
        /// Where it claims its data is.
        offset: u32,
    },
    /// An entry's program cannot be loaded.
    #[error("entry {index} ({name}): {source}")]
    BadProgram {
        /// The entry's position in the directory, from 0.
        index: usize,
        /// Its name.
        name: String,
        /// What is wrong.
        source: PrgError,
    },
    /// The directory holds no program.
    #[error("the archive holds no program")]
    Empty,
    /// No program of that name.
    #[error("the archive holds no program named {wanted} (it holds: {held})")]
    NoSuchEntry {
        /// The name asked for.
        wanted: String,
        /// The names it holds, comma separated.
        held: String,
    },
}

/// A directory entry as written, before repairs.
struct RawEntry {
    index: usize,
    entry_type: u8,
    start: u16,
    end: u16,
    offset: u32,
    name: String,
}

impl Tape {
    /// Reads a tape archive, repairing the header mistakes described in the
    /// [module docs](self).
    pub fn parse(bytes: &[u8]) -> Result<Self, T64Error> {
        if !bytes.starts_with(&b"C64"[..bytes.len().min(3)]) || bytes.is_empty() {
            return Err(T64Error::BadMagic);
        }
        if bytes.len() < HEADER_LEN {
            return Err(T64Error::Truncated {
                len: bytes.len(),
                what: "header",
            });
        }
        let word = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]);
        let slots = usize::from(word(0x22)).max(1);
        let used = usize::from(word(0x24)).max(1);
        // Archives with more used entries than slots trust the used count.
        let slots = slots.max(used);
        if bytes.len() < HEADER_LEN + ENTRY_LEN {
            return Err(T64Error::Truncated {
                len: bytes.len(),
                what: "directory",
            });
        }
        // The directory is read as far as the archive goes, and never into the files'
        // data: it ends at the first slot that would overlap the lowest data offset seen
        // (archives claiming thousands of slots exist).
        let mut raw = Vec::new();
        let mut data_start = bytes.len();
        let mut directory_end = HEADER_LEN;
        for index in 0..slots {
            let at = HEADER_LEN + index * ENTRY_LEN;
            if at + ENTRY_LEN > data_start {
                break;
            }
            directory_end = at + ENTRY_LEN;
            let entry = &bytes[at..at + ENTRY_LEN];
            if entry[0] == 0 {
                continue;
            }
            let offset = u32::from_le_bytes([entry[8], entry[9], entry[10], entry[11]]);
            data_start = data_start.min(offset as usize);
            raw.push(RawEntry {
                index,
                entry_type: entry[0],
                start: u16::from_le_bytes([entry[2], entry[3]]),
                end: u16::from_le_bytes([entry[4], entry[5]]),
                offset,
                name: petscii_name(&entry[0x10..0x20]),
            });
        }
        let mut offsets: Vec<u32> = raw.iter().map(|entry| entry.offset).collect();
        offsets.sort_unstable();
        let mut entries = Vec::with_capacity(raw.len());
        for entry in raw {
            let offset = entry.offset as usize;
            if offset < directory_end {
                return Err(T64Error::DataInDirectory {
                    index: entry.index,
                    name: entry.name,
                    offset: entry.offset,
                });
            }
            if offset >= bytes.len() {
                return Err(T64Error::DataOutside {
                    index: entry.index,
                    name: entry.name,
                    offset: entry.offset,
                    len: bytes.len(),
                });
            }
            // The bytes available: up to the next file's data, or the end of the archive.
            let next = offsets
                .iter()
                .find(|&&other| other > entry.offset)
                .map_or(bytes.len(), |&other| (other as usize).min(bytes.len()));
            let available = next - offset;
            let claimed = if entry.end > entry.start {
                usize::from(entry.end - entry.start)
            } else {
                // An end of 0 (or below the start) wraps: the file runs up to $FFFF.
                0x10000 - usize::from(entry.start)
            };
            let len = if entry.end == CONV64_END || claimed > available {
                available.min(0x10000 - usize::from(entry.start))
            } else {
                claimed
            };
            let program = Program::new(entry.start, bytes[offset..offset + len].to_vec()).map_err(
                |source| T64Error::BadProgram {
                    index: entry.index,
                    name: entry.name.clone(),
                    source,
                },
            )?;
            entries.push(Entry {
                name: entry.name,
                entry_type: entry.entry_type,
                program,
            });
        }
        Ok(Self {
            name: petscii_name(&bytes[0x28..0x40]),
            entries,
        })
    }

    /// The program to load: the entry named `name` (compared without case or padding),
    /// or, with no name, the first normal file.
    pub fn program(&self, name: Option<&str>) -> Result<&Entry, T64Error> {
        let mut programs = self.entries.iter().filter(|entry| entry.entry_type == 1);
        match name {
            None => programs.next().ok_or(T64Error::Empty),
            Some(wanted) => {
                let wanted_trimmed = wanted.trim_end();
                programs
                    .find(|entry| entry.name.eq_ignore_ascii_case(wanted_trimmed))
                    .ok_or_else(|| T64Error::NoSuchEntry {
                        wanted: wanted.to_owned(),
                        held: self
                            .entries
                            .iter()
                            .filter(|entry| entry.entry_type == 1)
                            .map(|entry| entry.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An archive of `files` (name, start, end as written, data).
    fn t64(slots: u16, used: u16, files: &[(&str, u16, u16, &[u8])]) -> Vec<u8> {
        let mut archive = b"C64S tape image file".to_vec();
        archive.resize(0x20, 0);
        archive.extend_from_slice(&[0x01, 0x01]);
        archive.extend_from_slice(&slots.to_le_bytes());
        archive.extend_from_slice(&used.to_le_bytes());
        archive.extend_from_slice(&[0, 0]);
        archive.extend_from_slice(b"TEST TAPE               ");
        let directory_slots = usize::from(slots).max(files.len());
        let mut offset = HEADER_LEN + directory_slots * ENTRY_LEN;
        let mut data = Vec::new();
        for (name, start, end, bytes) in files {
            let mut entry = vec![1, 0x82];
            entry.extend_from_slice(&start.to_le_bytes());
            entry.extend_from_slice(&end.to_le_bytes());
            entry.extend_from_slice(&[0, 0]);
            entry.extend_from_slice(&(offset as u32).to_le_bytes());
            entry.extend_from_slice(&[0; 4]);
            let mut padded = [0x20u8; 16];
            padded[..name.len()].copy_from_slice(name.as_bytes());
            entry.extend_from_slice(&padded);
            archive.extend_from_slice(&entry);
            data.extend_from_slice(bytes);
            offset += bytes.len();
        }
        archive.resize(HEADER_LEN + directory_slots * ENTRY_LEN, 0);
        archive.extend_from_slice(&data);
        archive
    }

    #[test]
    fn reads_entries_and_picks_by_name() {
        let archive = t64(
            2,
            2,
            &[
                ("FIRST", 0x0801, 0x0804, &[1, 2, 3]),
                ("SECOND", 0xc000, 0xc002, &[4, 5]),
            ],
        );
        let tape = Tape::parse(&archive).unwrap();
        assert_eq!(tape.name, "TEST TAPE");
        assert_eq!(tape.program(None).unwrap().name, "FIRST");
        let second = tape.program(Some("second")).unwrap();
        assert_eq!(second.program.load_address, 0xc000);
        assert_eq!(second.program.bytes, [4, 5]);
        assert!(matches!(
            tape.program(Some("THIRD")),
            Err(T64Error::NoSuchEntry { held, .. }) if held == "FIRST, SECOND"
        ));
    }

    #[test]
    fn repairs_conv64_end_addresses_and_zero_counts() {
        let archive = t64(0, 0, &[("GAME", 0x0801, CONV64_END, &[9, 8, 7, 6])]);
        let tape = Tape::parse(&archive).unwrap();
        let entry = tape.program(None).unwrap();
        assert_eq!(entry.program.bytes, [9, 8, 7, 6]);
        assert_eq!(entry.program.end_address(), 0x0805);
    }

    #[test]
    fn an_end_past_the_archive_is_cut_to_what_is_there() {
        let archive = t64(1, 1, &[("LONG", 0x1000, 0x2000, &[1, 2, 3])]);
        let entry = Tape::parse(&archive).unwrap().entries.remove(0);
        assert_eq!(entry.program.bytes, [1, 2, 3]);
        // A shorter claim than the data holds is believed.
        let archive = t64(1, 1, &[("SHORT", 0x1000, 0x1002, &[1, 2, 3])]);
        let entry = Tape::parse(&archive).unwrap().entries.remove(0);
        assert_eq!(entry.program.bytes, [1, 2]);
    }

    #[test]
    fn broken_archives_are_refused() {
        assert_eq!(Tape::parse(b""), Err(T64Error::BadMagic));
        assert_eq!(Tape::parse(b"XYZ tape"), Err(T64Error::BadMagic));
        assert!(matches!(
            Tape::parse(&b"C64S tape"[..]),
            Err(T64Error::Truncated { what: "header", .. })
        ));
        let mut archive = t64(1, 1, &[("GAME", 0x0801, 0x0803, &[1, 2])]);
        archive.truncate(HEADER_LEN + 4);
        assert!(matches!(
            Tape::parse(&archive),
            Err(T64Error::Truncated {
                what: "directory",
                ..
            })
        ));
        let mut archive = t64(1, 1, &[("GAME", 0x0801, 0x0803, &[1, 2])]);
        archive[0x48..0x4c].copy_from_slice(&0x1000_0000u32.to_le_bytes());
        assert!(matches!(
            Tape::parse(&archive),
            Err(T64Error::DataOutside { index: 0, .. })
        ));
        let mut archive = t64(1, 1, &[("GAME", 0x0801, 0x0803, &[1, 2])]);
        archive[0x48..0x4c].copy_from_slice(&0x20u32.to_le_bytes());
        assert!(matches!(
            Tape::parse(&archive),
            Err(T64Error::DataInDirectory { offset: 0x20, .. })
        ));
        // A slot count far beyond the directory is read up to where the data starts.
        let mut archive = t64(1, 1, &[("GAME", 0x0801, 0x0803, &[1, 2])]);
        archive[0x22..0x24].copy_from_slice(&0x5959u16.to_le_bytes());
        assert_eq!(Tape::parse(&archive).unwrap().entries.len(), 1);
        let empty = {
            let mut archive = t64(1, 1, &[("GAME", 0x0801, 0x0803, &[1, 2])]);
            archive[0x40] = 0;
            archive
        };
        assert_eq!(
            Tape::parse(&empty).unwrap().program(None),
            Err(T64Error::Empty)
        );
    }
}
