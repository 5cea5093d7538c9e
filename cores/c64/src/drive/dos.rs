//! The commands of the command channel (15), as a 1541 takes them:
//!
//! - `I[0]` initialize: `00, OK`.
//! - `V[0]` validate: the BAM rebuilt from the directory, unclosed files dropped.
//! - `N[0]:name,id` new (format; without `,id` only the directory is cleared).
//! - `S[0]:pattern[,pattern…]` scratch: `01, FILES SCRATCHED,nn,00`.
//! - `R[0]:new=old` rename; `C[0]:new=old[,old…]` copy (and concatenate).
//! - `UJ`, `U:`, `UI` reset the drive: `73,<banner>`.
//!
//! Anything else is `31,SYNTAX ERROR`. A trailing carriage return (PRINT# sends one) is
//! ignored.

use super::status::DosStatus;
use super::{Drive, FileType, matches, strip_drive};

/// The part of a command after its colon, or `None` if it has none.
fn argument(command: &[u8]) -> Option<&[u8]> {
    let at = command.iter().position(|&b| b == b':')?;
    Some(&command[at + 1..])
}

/// `new=old…` split at the `=`, each side without drive prefixes.
fn assignment(text: &[u8]) -> Option<(&[u8], Vec<&[u8]>)> {
    let at = text.iter().position(|&b| b == b'=')?;
    let sources = text[at + 1..]
        .split(|&b| b == b',')
        .map(strip_drive)
        .collect();
    Some((strip_drive(&text[..at]), sources))
}

impl Drive {
    /// Runs a command sent to channel 15 and sets the status it leaves.
    pub(super) fn command(&mut self, command: &[u8]) {
        let end = command
            .iter()
            .rposition(|&b| b != 0x0d && b != 0x0a)
            .map_or(0, |last| last + 1);
        let command = &command[..end];
        let Some(&letter) = command.first() else {
            return;
        };
        let status = match letter {
            b'I' => Ok(DosStatus::OK),
            b'V' => self.backing.validate().map(|()| DosStatus::OK),
            b'N' => self.new_disk(command),
            b'S' => self.scratch(command),
            b'R' => self.rename(command),
            b'C' => self.copy(command),
            b'U' if matches!(command.get(1), Some(b'J' | b':' | b'I') | None) => {
                self.reset();
                return;
            }
            _ => Err(DosStatus::new(31)),
        };
        self.set_status(status.unwrap_or_else(|status| status));
    }

    fn new_disk(&mut self, command: &[u8]) -> Result<DosStatus, DosStatus> {
        let text = argument(command).ok_or(DosStatus::new(34))?;
        let mut parts = text.splitn(2, |&b| b == b',');
        let name = parts.next().unwrap_or_default();
        let id = match parts.next() {
            Some(&[a, b, ..]) => Some([a, b]),
            Some(_) => return Err(DosStatus::new(30)),
            None => None,
        };
        self.backing.format(name, id)?;
        Ok(DosStatus::OK)
    }

    fn scratch(&mut self, command: &[u8]) -> Result<DosStatus, DosStatus> {
        let text = argument(command).ok_or(DosStatus::new(34))?;
        let mut count: u8 = 0;
        for pattern in text.split(|&b| b == b',').map(strip_drive) {
            let names: Vec<Vec<u8>> = self
                .backing
                .directory()
                .entries
                .into_iter()
                .filter(|entry| matches(pattern, &entry.name))
                .map(|entry| entry.name)
                .collect();
            for name in names {
                if self.backing.scratch(&name)? {
                    count = count.saturating_add(1);
                }
            }
        }
        Ok(DosStatus::at(1, count, 0))
    }

    fn rename(&mut self, command: &[u8]) -> Result<DosStatus, DosStatus> {
        let text = argument(command).ok_or(DosStatus::new(34))?;
        let (new, old) = assignment(text).ok_or(DosStatus::new(30))?;
        let [old] = old.as_slice() else {
            return Err(DosStatus::new(30));
        };
        if new.is_empty() || new.iter().any(|&b| b == b'*' || b == b'?') {
            return Err(DosStatus::new(33));
        }
        self.backing.rename(old, &new[..new.len().min(16)])?;
        Ok(DosStatus::OK)
    }

    fn copy(&mut self, command: &[u8]) -> Result<DosStatus, DosStatus> {
        let text = argument(command).ok_or(DosStatus::new(34))?;
        let (new, sources) = assignment(text).ok_or(DosStatus::new(30))?;
        if new.is_empty() || new.iter().any(|&b| b == b'*' || b == b'?') {
            return Err(DosStatus::new(33));
        }
        let mut data = Vec::new();
        let mut kind = None;
        for source in sources {
            let entry = self.find(source, None)?;
            let (bytes, error) = self.backing.read(&entry.name);
            if let Some(error) = error {
                return Err(error);
            }
            kind.get_or_insert(entry.kind);
            data.extend_from_slice(&bytes);
        }
        let kind = kind.unwrap_or(FileType::Seq);
        self.backing
            .write(&new[..new.len().min(16)], kind, &data, false)?;
        Ok(DosStatus::OK)
    }
}

#[cfg(test)]
mod tests {
    use super::super::DriveBacking;
    use super::*;

    fn drive() -> Drive {
        let mut backing = DriveBacking::blank_image(b"D", *b"01");
        backing.write(b"ONE", FileType::Prg, b"1", false).unwrap();
        backing.write(b"TWO", FileType::Seq, b"22", false).unwrap();
        Drive::new(backing)
    }

    fn names(drive: &Drive) -> Vec<Vec<u8>> {
        drive
            .backing
            .directory()
            .entries
            .into_iter()
            .map(|e| e.name)
            .collect()
    }

    #[test]
    fn commands_change_the_disk_and_set_the_status() {
        let mut drive = drive();
        drive.command(b"C0:THREE=ONE,TWO\r");
        assert_eq!(drive.status(), DosStatus::OK);
        assert_eq!(drive.backing.read(b"THREE").0, b"122");
        drive.command(b"R:FOUR=THREE");
        assert_eq!(drive.status(), DosStatus::OK);
        drive.command(b"R:FOUR=ONE");
        assert_eq!(drive.status(), DosStatus::new(63));
        drive.command(b"R:FIVE=NONE");
        assert_eq!(drive.status(), DosStatus::new(62));
        drive.command(b"S0:T*,FOUR");
        assert_eq!(drive.status(), DosStatus::at(1, 2, 0));
        assert_eq!(names(&drive), [b"ONE".to_vec()]);
        drive.command(b"V");
        assert_eq!(drive.status(), DosStatus::OK);
        assert_eq!(drive.backing.directory().blocks_free, 663);
        drive.command(b"N:FRESH,99");
        assert!(names(&drive).is_empty());
        assert_eq!(&drive.backing.directory().id[..2], b"99");
        drive.command(b"XYZ");
        assert_eq!(drive.status(), DosStatus::new(31));
        drive.command(b"UJ");
        assert_eq!(drive.status(), DosStatus::POWER_ON);
    }
}
