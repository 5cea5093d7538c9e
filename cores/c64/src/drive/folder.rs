//! A host folder as a disk: each regular file is a file of the drive.
//!
//! Names map between ASCII and PETSCII the way the C64 shows them: host lower case
//! letters are the C64's unshifted letters ($41–$5A, shown as capitals in the default
//! character set), host capitals its shifted ones ($C1–$DA); digits, space and the
//! punctuation of $20–$3F are shared. A host file ending in `.prg`, `.seq` or `.usr` is a
//! file of that type (without the extension); any other is a PRG under its whole name.
//! Files written by the drive get the extension of their type.
//!
//! Nothing leaves the folder: a name with a path separator, `.` or `..`, a host name
//! starting with `.` (hidden), a character outside the mapping, or a link that resolves
//! outside the folder is refused (`33,SYNTAX ERROR` for new names; such host files are
//! not listed). Writes go to a temporary file that is synced, then renamed into place.

use std::fs;
use std::path::{Path, PathBuf};

use super::status::DosStatus;
use super::{DirEntry, Directory, FileType, write_atomically};

/// The blocks of a 1541 disk, from which the folder's listing counts its "free" blocks.
const DISK_BLOCKS: u16 = 664;
/// The disk ID a folder shows in its header.
const FOLDER_ID: [u8; 5] = [b'H', b'L', 0xa0, b'2', b'A'];

/// A host folder standing in for a disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Folder {
    /// The folder, as given.
    root: PathBuf,
}

/// A file of the folder as the drive sees it.
struct HostFile {
    name: Vec<u8>,
    kind: FileType,
    path: PathBuf,
    size: u64,
    locked: bool,
}

/// A host character as PETSCII, if it maps.
fn ascii_to_petscii(c: char) -> Option<u8> {
    match c {
        'a'..='z' => Some(c as u8 - 0x20),
        'A'..='Z' => Some(c as u8 + 0x80),
        ' '..='@' | '[' | ']' if c != '/' => Some(c as u8),
        _ => None,
    }
}

/// A PETSCII character of a new file's name as a host character, if it is allowed.
fn petscii_to_ascii(code: u8) -> Option<char> {
    match code {
        0x41..=0x5a => Some((code + 0x20) as char),
        0xc1..=0xda => Some((code - 0x80) as char),
        b'/' | b'*' | b'?' | b',' | b':' | b'=' | b'"' => None,
        0x20..=0x40 | b'[' | b']' => Some(code as char),
        _ => None,
    }
}

impl Folder {
    /// The folder at `root`, which must be a directory.
    pub fn open(root: &Path) -> std::io::Result<Self> {
        if !fs::metadata(root)?.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotADirectory,
                format!("{} is not a folder", root.display()),
            ));
        }
        Ok(Self {
            root: root.to_path_buf(),
        })
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// True if `path` (inside the folder) is a regular file, or a link to one that stays
    /// inside the folder.
    fn stays_inside(&self, path: &Path) -> bool {
        let Ok(meta) = fs::symlink_metadata(path) else {
            return false;
        };
        if meta.is_file() {
            return true;
        }
        if !meta.file_type().is_symlink() {
            return false;
        }
        match (fs::canonicalize(path), fs::canonicalize(&self.root)) {
            (Ok(target), Ok(root)) => target.starts_with(root) && target.is_file(),
            _ => false,
        }
    }

    /// The files the drive shows, sorted by host name.
    fn files(&self) -> Result<Vec<HostFile>, DosStatus> {
        let entries = fs::read_dir(&self.root).map_err(|_| DosStatus::new(74))?;
        let mut files: Vec<(String, HostFile)> = Vec::new();
        for entry in entries.flatten() {
            let Ok(host) = entry.file_name().into_string() else {
                continue;
            };
            if host.starts_with('.') {
                continue;
            }
            let path = entry.path();
            if !self.stays_inside(&path) {
                continue;
            }
            let lower = host.to_ascii_lowercase();
            let (stem, kind) = [
                (".prg", FileType::Prg),
                (".seq", FileType::Seq),
                (".usr", FileType::Usr),
            ]
            .into_iter()
            .find(|(ext, _)| lower.ends_with(ext) && lower.len() > ext.len())
            .map_or((host.as_str(), FileType::Prg), |(ext, kind)| {
                (&host[..host.len() - ext.len()], kind)
            });
            let Some(name) = stem
                .chars()
                .map(ascii_to_petscii)
                .collect::<Option<Vec<u8>>>()
            else {
                continue;
            };
            if name.is_empty() || name.len() > 16 {
                continue;
            }
            let Ok(meta) = fs::metadata(&path) else {
                continue;
            };
            files.push((
                host.clone(),
                HostFile {
                    name,
                    kind,
                    path,
                    size: meta.len(),
                    locked: meta.permissions().readonly(),
                },
            ));
        }
        files.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(files.into_iter().map(|(_, file)| file).collect())
    }

    /// The directory listing: the folder's name as the disk name.
    pub fn directory(&self) -> Directory {
        let mut name = [0xa0; 16];
        let title = fs::canonicalize(&self.root)
            .ok()
            .and_then(|path| path.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_default();
        for (slot, code) in name
            .iter_mut()
            .zip(title.chars().filter_map(ascii_to_petscii))
        {
            *slot = code;
        }
        let (entries, error) = match self.files() {
            Ok(files) => (
                files
                    .into_iter()
                    .map(|file| DirEntry {
                        name: file.name,
                        kind: file.kind,
                        closed: true,
                        locked: file.locked,
                        blocks: blocks_of(file.size),
                    })
                    .collect::<Vec<_>>(),
                None,
            ),
            Err(error) => (Vec::new(), Some(error)),
        };
        let used: u32 = entries.iter().map(|e| u32::from(e.blocks)).sum();
        Directory {
            name,
            id: FOLDER_ID,
            blocks_free: u32::from(DISK_BLOCKS).saturating_sub(used) as u16,
            entries,
            error,
        }
    }

    fn find(&self, name: &[u8]) -> Result<Option<HostFile>, DosStatus> {
        Ok(self.files()?.into_iter().find(|file| file.name == name))
    }

    /// The bytes of the file named `name`.
    pub fn read(&self, name: &[u8]) -> (Vec<u8>, Option<DosStatus>) {
        match self.find(name) {
            Ok(Some(file)) => match fs::read(&file.path) {
                Ok(data) => (data, None),
                Err(_) => (Vec::new(), Some(DosStatus::new(74))),
            },
            Ok(None) => (Vec::new(), Some(DosStatus::new(62))),
            Err(error) => (Vec::new(), Some(error)),
        }
    }

    /// The host path for a new file named `name` of `kind`, or `33,SYNTAX ERROR` if the
    /// name cannot stay inside the folder.
    fn new_path(&self, name: &[u8], kind: FileType) -> Result<PathBuf, DosStatus> {
        let host: String = name
            .iter()
            .map(|&code| petscii_to_ascii(code))
            .collect::<Option<String>>()
            .ok_or(DosStatus::new(33))?;
        if host.is_empty() || host.starts_with('.') || host.starts_with(' ') {
            return Err(DosStatus::new(33));
        }
        let extension = match kind {
            FileType::Seq => "seq",
            FileType::Usr => "usr",
            _ => "prg",
        };
        Ok(self.root.join(format!("{host}.{extension}")))
    }

    /// Writes the file `name`; with `replace` an existing file of that name goes.
    pub fn write(
        &mut self,
        name: &[u8],
        kind: FileType,
        data: &[u8],
        replace: bool,
    ) -> Result<(), DosStatus> {
        let path = self.new_path(name, kind)?;
        let existing = self.find(name)?;
        if existing.is_some() && !replace {
            return Err(DosStatus::new(63));
        }
        if let Ok(meta) = fs::symlink_metadata(&path)
            && !meta.is_file()
        {
            return Err(DosStatus::new(33));
        }
        write_atomically(&path, data).map_err(|error| io_status(&error))?;
        if let Some(old) = existing
            && old.path != path
        {
            fs::remove_file(&old.path).map_err(|error| io_status(&error))?;
        }
        Ok(())
    }

    /// Scratches the file named `name`: true if it went.
    pub fn scratch(&mut self, name: &[u8]) -> Result<bool, DosStatus> {
        match self.find(name)? {
            Some(file) if !file.locked => {
                fs::remove_file(&file.path).map_err(|error| io_status(&error))?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Renames `old` to `new`, keeping its type.
    pub fn rename(&mut self, old: &[u8], new: &[u8]) -> Result<(), DosStatus> {
        if self.find(new)?.is_some() {
            return Err(DosStatus::new(63));
        }
        let file = self.find(old)?.ok_or(DosStatus::new(62))?;
        let path = self.new_path(new, file.kind)?;
        if fs::symlink_metadata(&path).is_ok() {
            return Err(DosStatus::new(63));
        }
        fs::rename(&file.path, &path).map_err(|error| io_status(&error))
    }
}

/// Blocks a file of `size` bytes takes on a 1541 (254 data bytes a block, at least one).
fn blocks_of(size: u64) -> u16 {
    size.div_ceil(254).clamp(1, u64::from(u16::MAX)) as u16
}

/// The DOS status for a host I/O error: `26,WRITE PROTECT ON` where the host refuses to
/// write, `25,WRITE ERROR` otherwise.
pub(super) fn io_status(error: &std::io::Error) -> DosStatus {
    match error.kind() {
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
            DosStatus::new(26)
        }
        _ => DosStatus::new(25),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(path: &Path, data: &[u8]) {
        fs::write(path, data).unwrap();
    }

    fn scratch_dir(tag: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("heirloom-folder-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn names_map_between_ascii_and_petscii() {
        let dir = scratch_dir("names");
        put(&dir.join("hello"), b"12");
        put(&dir.join("Data.seq"), b"abc");
        put(&dir.join(".hidden"), b"x");
        put(&dir.join("caf\u{e9}"), b"x");
        let folder = Folder::open(&dir).unwrap();
        let listing = folder.directory();
        let names: Vec<(&[u8], FileType)> = listing
            .entries
            .iter()
            .map(|e| (e.name.as_slice(), e.kind))
            .collect();
        assert_eq!(
            names,
            [
                (&[0xc4, b'A', b'T', b'A'][..], FileType::Seq),
                (&b"HELLO"[..], FileType::Prg)
            ]
        );
        assert_eq!(folder.read(b"HELLO"), (b"12".to_vec(), None));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn names_that_would_leave_the_folder_are_refused() {
        let dir = scratch_dir("hostile");
        let mut folder = Folder::open(&dir).unwrap();
        for name in [&b"../ESCAPE"[..], b"/ETC/X", b"..", b"A/B", b"."] {
            assert_eq!(
                folder.write(name, FileType::Prg, b"x", true),
                Err(DosStatus::new(33)),
                "{name:?}"
            );
        }
        assert!(!dir.parent().unwrap().join("escape.prg").exists());
        #[cfg(unix)]
        {
            let outside = scratch_dir("outside");
            put(&outside.join("secret"), b"s");
            std::os::unix::fs::symlink(outside.join("secret"), dir.join("link")).unwrap();
            assert!(folder.directory().entries.is_empty());
            assert_eq!(folder.read(b"LINK").1, Some(DosStatus::new(62)));
            fs::remove_dir_all(&outside).unwrap();
        }
        fs::remove_dir_all(&dir).unwrap();
    }
}
