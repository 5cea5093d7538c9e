//! The virtual disk drive: a 1541-compatible DOS on devices 8–11 of the serial bus,
//! backed by a `.d64` image or a host folder.
//!
//! The drive is modelled at the level of the serial bus: the KERNAL's LISTEN, SECOND,
//! CIOUT and UNLSN send it file names, commands and data; TALK, TKSA, ACPTR and UNTLK read
//! data and the error channel back, with EOI on the last byte. Channels 0–14 are files
//! (0 reads and 1 writes PRG files, as LOAD and SAVE use them; 2–14 take
//! `name,type,mode`), channel 15 the command and error channel (see [`DosStatus`] and the
//! commands in `dos.rs`). `$` opens the directory: on channel 0 as the BASIC program a
//! 1541 sends for `LOAD"$",8`, on the others as the raw BAM and directory sectors.
//!
//! A file written through a channel is stored when the channel is closed; on an image the
//! change is made on a copy, written next to the image file, synced and renamed over it,
//! so a failure (disk full, the host refusing the write) leaves the image as it was.

mod d64;
mod dos;
mod folder;
mod status;

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use heirloom_shell::{StateError, StateReader, StateWriter};

pub use d64::ImageSizeError;
pub use status::{BANNER, DosStatus};

use d64::D64;
use folder::Folder;

/// Why a drive backing cannot be attached.
#[derive(Debug, thiserror::Error)]
pub enum DriveError {
    /// The image or folder cannot be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The image or folder.
        path: PathBuf,
        /// What the host said.
        source: io::Error,
    },
    /// The bytes are not a `.d64` image.
    #[error("{0}")]
    ImageSize(#[from] ImageSizeError),
    /// Drives are devices 8 to 11.
    #[error("device {0} is not a disk drive: drives are devices 8 to 11")]
    Device(u8),
}

/// A file's type, as the directory shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileType {
    /// Deleted (`DEL`).
    Del = 0,
    /// Sequential (`SEQ`).
    Seq = 1,
    /// Program (`PRG`).
    Prg = 2,
    /// User (`USR`).
    Usr = 3,
    /// Relative (`REL`), listed but not opened by this drive.
    Rel = 4,
}

impl FileType {
    /// The type in the low bits of a directory entry's type byte.
    fn from_bits(bits: u8) -> Self {
        match bits & 0x07 {
            1 => Self::Seq,
            2 => Self::Prg,
            3 => Self::Usr,
            4 => Self::Rel,
            _ => Self::Del,
        }
    }

    /// The three letters of the listing.
    fn label(self) -> &'static [u8; 3] {
        match self {
            Self::Del => b"DEL",
            Self::Seq => b"SEQ",
            Self::Prg => b"PRG",
            Self::Usr => b"USR",
            Self::Rel => b"REL",
        }
    }

    /// The type a letter of an OPEN name or directory filter stands for.
    fn from_letter(letter: u8) -> Option<Self> {
        match letter {
            b'S' => Some(Self::Seq),
            b'P' => Some(Self::Prg),
            b'U' => Some(Self::Usr),
            b'L' | b'R' => Some(Self::Rel),
            b'D' => Some(Self::Del),
            _ => None,
        }
    }
}

/// A file as the directory lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct DirEntry {
    /// PETSCII, without padding.
    name: Vec<u8>,
    kind: FileType,
    /// False for a file that was never closed (listed with `*`).
    closed: bool,
    /// Listed with `<`, not scratched.
    locked: bool,
    blocks: u16,
}

/// A directory: the header and the files.
#[derive(Clone, Debug)]
struct Directory {
    /// The disk name, padded with shifted spaces.
    name: [u8; 16],
    /// The disk ID, a shifted space and the DOS type (`2A`).
    id: [u8; 5],
    entries: Vec<DirEntry>,
    blocks_free: u16,
    /// The error that cut the directory short, if any.
    error: Option<DosStatus>,
}

/// True if `name` matches the DOS pattern `pattern` (`*` ends it and matches the rest,
/// `?` matches any one character).
fn matches(pattern: &[u8], name: &[u8]) -> bool {
    let mut name = name.iter();
    for &p in pattern {
        if p == b'*' {
            return true;
        }
        match name.next() {
            Some(&c) if p == b'?' || p == c => {}
            _ => return false,
        }
    }
    name.next().is_none()
}

/// The directory as the 1541 sends it for `$`: a BASIC program loaded at $0401 whose
/// lines are the header (line 0), one line per file (its blocks as the line number) and
/// `BLOCKS FREE.`.
fn listing(dir: &Directory, pattern: &[u8], filter: Option<FileType>) -> Vec<u8> {
    let unshift = |byte: u8| if byte == 0xa0 { b' ' } else { byte };
    let mut out = vec![0x01, 0x04];
    let mut line = |number: u16, text: &[u8]| {
        out.extend_from_slice(&[0x01, 0x01]);
        out.extend_from_slice(&number.to_le_bytes());
        out.extend_from_slice(text);
        out.push(0);
    };
    let mut header = vec![0x12, b'"'];
    header.extend(dir.name.iter().map(|&b| unshift(b)));
    header.extend_from_slice(b"\" ");
    header.extend(dir.id.iter().map(|&b| unshift(b)));
    line(0, &header);
    for entry in &dir.entries {
        if !matches(pattern, &entry.name) || filter.is_some_and(|kind| kind != entry.kind) {
            continue;
        }
        let lead = match entry.blocks {
            0..=9 => 3,
            10..=99 => 2,
            100..=999 => 1,
            _ => 0,
        };
        let mut text = vec![b' '; lead];
        text.push(b'"');
        text.extend_from_slice(&entry.name);
        text.push(b'"');
        text.resize(text.len() + 16 - entry.name.len().min(16), b' ');
        text.push(if entry.closed { b' ' } else { b'*' });
        text.extend_from_slice(entry.kind.label());
        text.push(if entry.locked { b'<' } else { b' ' });
        text.resize(27, b' ');
        line(entry.blocks, &text);
    }
    let mut free = b"BLOCKS FREE.".to_vec();
    free.resize(25, b' ');
    line(dir.blocks_free, &free);
    out.extend_from_slice(&[0, 0]);
    out
}

/// A directory as the raw sectors a 1541 keeps it in (the BAM sector, then 8 entries a
/// sector), for a backing that has no sectors of its own: the data bytes of each, as `$`
/// reads on a secondary address other than 0. Track and sector pointers are 0.
fn raw_directory(dir: &Directory) -> Vec<u8> {
    let mut bam = [0u8; 256];
    bam[..4].copy_from_slice(&[18, 1, b'A', 0]);
    bam[0x90..0xa0].copy_from_slice(&dir.name);
    bam[0xa0..0xab].fill(0xa0);
    bam[0xa2..0xa7].copy_from_slice(&dir.id);
    let mut out = bam[2..].to_vec();
    let sectors = dir.entries.len().div_ceil(8).max(1);
    for (index, chunk) in (0..sectors).map(|i| (i, dir.entries.iter().skip(i * 8).take(8))) {
        let mut sector = [0u8; 256];
        if index + 1 < sectors {
            sector[..2].copy_from_slice(&[18, 4 + index as u8]);
        } else {
            sector[1] = 0xff;
        }
        for (slot, entry) in chunk.enumerate() {
            let at = slot * 32;
            sector[at + 2] = entry.kind as u8
                | if entry.closed { 0x80 } else { 0 }
                | if entry.locked { 0x40 } else { 0 };
            sector[at + 5..at + 21].fill(0xa0);
            sector[at + 5..at + 5 + entry.name.len()].copy_from_slice(&entry.name);
            sector[at + 30..at + 32].copy_from_slice(&entry.blocks.to_le_bytes());
        }
        out.extend_from_slice(&sector[2..]);
    }
    out
}

/// Writes `data` to `path` atomically: into a temporary file beside it, synced, then
/// renamed over it. On failure `path` is untouched and the temporary file removed.
fn write_atomically(path: &Path, data: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
    let temp = dir.join(format!(".{}.heirloom-new", name.to_string_lossy()));
    let result = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&temp)?;
        file.write_all(data)?;
        file.sync_all()?;
        fs::rename(&temp, path)?;
        // The rename is durable once the folder is synced; not every host allows it.
        if let Ok(folder) = fs::File::open(&dir) {
            let _ = folder.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// What a drive reads and writes: a `.d64` image (kept in memory, and written back to its
/// file if it has one) or a host folder.
#[derive(Clone, Debug)]
pub struct DriveBacking {
    store: Store,
}

#[derive(Clone, Debug)]
enum Store {
    Image { image: D64, path: Option<PathBuf> },
    Folder(Folder),
}

impl DriveBacking {
    /// The `.d64` image at `path`; changes are written back to it atomically.
    pub fn open_image(path: impl AsRef<Path>) -> Result<Self, DriveError> {
        let path = path.as_ref();
        let bytes = fs::read(path).map_err(|source| DriveError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Self {
            store: Store::Image {
                image: D64::from_bytes(&bytes)?,
                path: Some(path.to_path_buf()),
            },
        })
    }

    /// A `.d64` image from its bytes, kept in memory only (see
    /// [`image_bytes`](Self::image_bytes)).
    pub fn image_from_bytes(bytes: &[u8]) -> Result<Self, DriveError> {
        Ok(Self {
            store: Store::Image {
                image: D64::from_bytes(bytes)?,
                path: None,
            },
        })
    }

    /// A freshly formatted 35-track disk in memory, named `name` (PETSCII) with `id`.
    pub fn blank_image(name: &[u8], id: [u8; 2]) -> Self {
        Self {
            store: Store::Image {
                image: D64::formatted(35, name, id),
                path: None,
            },
        }
    }

    /// The host folder at `path`.
    pub fn folder(path: impl AsRef<Path>) -> Result<Self, DriveError> {
        let path = path.as_ref();
        Ok(Self {
            store: Store::Folder(Folder::open(path).map_err(|source| DriveError::Io {
                path: path.to_path_buf(),
                source,
            })?),
        })
    }

    /// The image's current bytes (a `.d64` file), for an image backing.
    pub fn image_bytes(&self) -> Option<Vec<u8>> {
        match &self.store {
            Store::Image { image, .. } => Some(image.to_bytes()),
            Store::Folder(_) => None,
        }
    }

    /// The image file or folder behind the drive, if there is one.
    pub fn path(&self) -> Option<&Path> {
        match &self.store {
            Store::Image { path, .. } => path.as_deref(),
            Store::Folder(folder) => Some(folder.root()),
        }
    }

    fn directory(&self) -> Directory {
        match &self.store {
            Store::Image { image, .. } => image.directory(),
            Store::Folder(folder) => folder.directory(),
        }
    }

    fn raw_directory(&self) -> (Vec<u8>, Option<DosStatus>) {
        match &self.store {
            Store::Image { image, .. } => image.raw_directory(),
            Store::Folder(folder) => {
                let dir = folder.directory();
                (raw_directory(&dir), dir.error)
            }
        }
    }

    fn read(&self, name: &[u8]) -> (Vec<u8>, Option<DosStatus>) {
        match &self.store {
            Store::Image { image, .. } => image.read(name),
            Store::Folder(folder) => folder.read(name),
        }
    }

    /// Changes the image through a copy that replaces it only once written back.
    fn change_image<T>(
        image: &mut D64,
        path: Option<&Path>,
        change: impl FnOnce(&mut D64) -> Result<T, DosStatus>,
    ) -> Result<T, DosStatus> {
        let mut copy = image.clone();
        let value = change(&mut copy)?;
        if let Some(path) = path {
            write_atomically(path, &copy.to_bytes()).map_err(|error| folder::io_status(&error))?;
        }
        *image = copy;
        Ok(value)
    }

    fn write(
        &mut self,
        name: &[u8],
        kind: FileType,
        data: &[u8],
        replace: bool,
    ) -> Result<(), DosStatus> {
        match &mut self.store {
            Store::Image { image, path } => Self::change_image(image, path.as_deref(), |d64| {
                d64.write(name, kind, data, replace)
            }),
            Store::Folder(folder) => folder.write(name, kind, data, replace),
        }
    }

    fn scratch(&mut self, name: &[u8]) -> Result<bool, DosStatus> {
        match &mut self.store {
            Store::Image { image, path } => {
                Self::change_image(image, path.as_deref(), |d64| d64.scratch(name))
            }
            Store::Folder(folder) => folder.scratch(name),
        }
    }

    fn rename(&mut self, old: &[u8], new: &[u8]) -> Result<(), DosStatus> {
        match &mut self.store {
            Store::Image { image, path } => {
                Self::change_image(image, path.as_deref(), |d64| d64.rename(old, new))
            }
            Store::Folder(folder) => folder.rename(old, new),
        }
    }

    fn format(&mut self, name: &[u8], id: Option<[u8; 2]>) -> Result<(), DosStatus> {
        match &mut self.store {
            Store::Image { image, path } => Self::change_image(image, path.as_deref(), |d64| {
                d64.format(name, id);
                Ok(())
            }),
            // Formatting would delete the host's files: the folder is "write protected".
            Store::Folder(_) => Err(DosStatus::new(26)),
        }
    }

    fn validate(&mut self) -> Result<(), DosStatus> {
        match &mut self.store {
            Store::Image { image, path } => {
                Self::change_image(image, path.as_deref(), D64::validate)
            }
            Store::Folder(_) => Ok(()),
        }
    }
}

/// A channel of the drive.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum Channel {
    /// Nothing open (or the open failed): reading times out, writes are dropped.
    #[default]
    Closed,
    /// A file or directory being read; `complete` is false if an error cut it short
    /// (the reader then gets a timeout instead of EOI after the last byte).
    Read {
        data: Vec<u8>,
        pos: usize,
        complete: bool,
    },
    /// A file being written, stored when the channel closes.
    Write {
        name: Vec<u8>,
        kind: FileType,
        replace: bool,
        data: Vec<u8>,
    },
}

/// What the drive does with the bytes it is sent while listening.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum Receiving {
    #[default]
    Nothing,
    /// A file name for OPEN on the channel.
    Name(u8, Vec<u8>),
    /// Data for the channel (for 15: a command).
    Data(u8),
}

/// One drive: its backing, DOS status and channels.
#[derive(Clone, Debug)]
pub(crate) struct Drive {
    backing: DriveBacking,
    status: DosStatus,
    channels: [Channel; 16],
    receiving: Receiving,
    /// The command being sent to channel 15.
    command: Vec<u8>,
    /// The status line being read from channel 15, and how far.
    status_out: Option<(Vec<u8>, usize)>,
}

impl Drive {
    fn new(backing: DriveBacking) -> Self {
        Self {
            backing,
            status: DosStatus::POWER_ON,
            channels: Default::default(),
            receiving: Receiving::Nothing,
            command: Vec::new(),
            status_out: None,
        }
    }

    fn set_status(&mut self, status: DosStatus) {
        self.status = status;
        self.status_out = None;
    }

    /// Switched on (or reset by the bus): channels closed, status 73.
    fn reset(&mut self) {
        *self = Self::new(self.backing.clone());
    }

    /// The DOS status.
    pub(crate) fn status(&self) -> DosStatus {
        self.status
    }

    /// The disk in the drive, with the changes made so far.
    pub(crate) fn backing(&self) -> &DriveBacking {
        &self.backing
    }

    /// SECOND while listening: open ($F0), close ($E0) or data ($60) for a channel.
    fn second(&mut self, address: u8) {
        let channel = address & 0x0f;
        match address & 0xf0 {
            0xf0 => self.receiving = Receiving::Name(channel, Vec::new()),
            0xe0 => {
                self.receiving = Receiving::Nothing;
                self.close(channel);
            }
            0x60 => self.receiving = Receiving::Data(channel),
            _ => self.receiving = Receiving::Nothing,
        }
    }

    /// A byte sent while listening.
    fn receive(&mut self, byte: u8) {
        match &mut self.receiving {
            Receiving::Name(_, name) => name.push(byte),
            Receiving::Data(15) => self.command.push(byte),
            Receiving::Data(channel) => {
                if let Channel::Write { data, .. } = &mut self.channels[usize::from(*channel)] {
                    data.push(byte);
                }
            }
            Receiving::Nothing => {}
        }
    }

    /// UNLISTEN: a name received opens its file; a command received runs.
    fn unlisten(&mut self) {
        match std::mem::take(&mut self.receiving) {
            Receiving::Name(15, name) => self.command(&name),
            Receiving::Name(channel, name) => self.open(channel, &name),
            Receiving::Data(15) => {
                let command = std::mem::take(&mut self.command);
                if !command.is_empty() {
                    self.command(&command);
                }
            }
            _ => {}
        }
    }

    /// The next byte of `channel` for a talker, with EOI on the last; `None` is a
    /// timeout (nothing to send).
    fn send(&mut self, channel: u8) -> Option<(u8, bool)> {
        if channel == 15 {
            let (text, pos) = self.status_out.get_or_insert_with(|| {
                let mut text = self.status.text().into_bytes();
                text.push(0x0d);
                (text, 0)
            });
            let byte = text[*pos];
            *pos += 1;
            let last = *pos == text.len();
            if last {
                self.status = DosStatus::OK;
                self.status_out = None;
            }
            return Some((byte, last));
        }
        match &mut self.channels[usize::from(channel)] {
            Channel::Read {
                data,
                pos,
                complete,
            } if *pos < data.len() => {
                let byte = data[*pos];
                *pos += 1;
                Some((byte, *pos == data.len() && *complete))
            }
            _ => None,
        }
    }

    /// Splits an OPEN name: `[@][drive:]name[,type][,mode]`.
    fn parse_name(name: &[u8]) -> (bool, &[u8], Vec<&[u8]>) {
        let (replace, rest) = match name.strip_prefix(b"@") {
            Some(rest) => (true, rest),
            None => (false, name),
        };
        let rest = strip_drive(rest);
        let mut parts = rest.split(|&b| b == b',');
        let file = parts.next().unwrap_or_default();
        (replace, &file[..file.len().min(16)], parts.collect())
    }

    /// OPEN on a data channel.
    fn open(&mut self, channel: u8, name: &[u8]) {
        let slot = usize::from(channel);
        self.channels[slot] = Channel::Closed;
        if let Some(rest) = name.strip_prefix(b"$") {
            self.open_directory(slot, rest);
            return;
        }
        if name.first() == Some(&b'#') {
            // Direct-access buffers (block commands) are not offered.
            self.set_status(DosStatus::new(70));
            return;
        }
        let (replace, file, options) = Self::parse_name(name);
        let mut kind = None;
        let mut mode = match channel {
            1 => b'W',
            _ => b'R',
        };
        for option in options {
            match option.first().copied() {
                Some(letter @ (b'R' | b'W' | b'A' | b'M')) => mode = letter,
                Some(letter) => match FileType::from_letter(letter) {
                    Some(found) => kind = Some(found),
                    None => return self.set_status(DosStatus::new(30)),
                },
                None => {}
            }
        }
        if channel <= 1 {
            kind = Some(FileType::Prg);
        }
        if file.is_empty() {
            return self.set_status(DosStatus::new(34));
        }
        if kind == Some(FileType::Rel) {
            return self.set_status(DosStatus::new(64));
        }
        match mode {
            b'W' => self.open_write(slot, file, kind.unwrap_or(FileType::Seq), replace),
            b'A' => self.open_append(slot, file),
            _ => self.open_read(slot, file, kind, mode == b'M'),
        }
    }

    fn open_directory(&mut self, slot: usize, rest: &[u8]) {
        let rest = strip_drive(rest);
        let (pattern, filter) = match rest.iter().position(|&b| b == b'=') {
            Some(at) => (
                &rest[..at],
                rest.get(at + 1).and_then(|&l| FileType::from_letter(l)),
            ),
            None => (rest, None),
        };
        let pattern: &[u8] = if pattern.is_empty() || pattern == b"0" {
            b"*"
        } else {
            pattern
        };
        let (data, error) = if slot == 0 {
            let dir = self.backing.directory();
            (listing(&dir, pattern, filter), dir.error)
        } else {
            self.backing.raw_directory()
        };
        self.channels[slot] = Channel::Read {
            data,
            pos: 0,
            complete: error.is_none(),
        };
        self.set_status(error.unwrap_or(DosStatus::OK));
    }

    /// The first listed file matching `pattern` (and `kind`, if the pattern has
    /// wildcards), or the DOS error.
    fn find(&self, pattern: &[u8], kind: Option<FileType>) -> Result<DirEntry, DosStatus> {
        let dir = self.backing.directory();
        let wild = pattern.iter().any(|&b| b == b'*' || b == b'?');
        let found = dir.entries.into_iter().find(|entry| {
            entry.kind != FileType::Del
                && matches(pattern, &entry.name)
                && (!wild || kind.is_none_or(|kind| kind == entry.kind))
        });
        match found {
            Some(entry) if kind.is_some_and(|kind| kind != entry.kind) => Err(DosStatus::new(64)),
            Some(entry) => Ok(entry),
            None => Err(dir.error.unwrap_or(DosStatus::new(62))),
        }
    }

    fn open_read(&mut self, slot: usize, pattern: &[u8], kind: Option<FileType>, modify: bool) {
        let entry = match self.find(pattern, kind) {
            Ok(entry) => entry,
            Err(status) => return self.set_status(status),
        };
        if !entry.closed && !modify {
            return self.set_status(DosStatus::new(60));
        }
        let (mut data, error) = self.backing.read(&entry.name);
        if data.is_empty() && error.is_none() {
            // An empty file reads as a lone carriage return, as on a 1541.
            data.push(0x0d);
        }
        self.channels[slot] = Channel::Read {
            data,
            pos: 0,
            complete: error.is_none(),
        };
        self.set_status(error.unwrap_or(DosStatus::OK));
    }

    fn open_write(&mut self, slot: usize, name: &[u8], kind: FileType, replace: bool) {
        if name.iter().any(|&b| b == b'*' || b == b'?') {
            return self.set_status(DosStatus::new(33));
        }
        let dir = self.backing.directory();
        if !replace && dir.entries.iter().any(|entry| entry.name == name) {
            return self.set_status(DosStatus::new(63));
        }
        self.channels[slot] = Channel::Write {
            name: name.to_vec(),
            kind,
            replace,
            data: Vec::new(),
        };
        self.set_status(DosStatus::OK);
    }

    fn open_append(&mut self, slot: usize, name: &[u8]) {
        let entry = match self.find(name, None) {
            Ok(entry) if entry.name == name => entry,
            Ok(_) => return self.set_status(DosStatus::new(62)),
            Err(status) => return self.set_status(status),
        };
        let (data, error) = self.backing.read(&entry.name);
        if let Some(error) = error {
            return self.set_status(error);
        }
        self.channels[slot] = Channel::Write {
            name: entry.name,
            kind: entry.kind,
            replace: true,
            data,
        };
        self.set_status(DosStatus::OK);
    }

    /// CLOSE: a file being written is stored; closing channel 15 closes them all.
    fn close(&mut self, channel: u8) {
        if channel == 15 {
            for channel in 0..15 {
                self.close(channel);
            }
            return;
        }
        if let Channel::Write {
            name,
            kind,
            replace,
            data,
        } = std::mem::take(&mut self.channels[usize::from(channel)])
        {
            let result = self.backing.write(&name, kind, &data, replace);
            self.set_status(result.err().unwrap_or(DosStatus::OK));
        }
    }
}

/// A name without its drive prefix (`0:NAME` → `NAME`, `:NAME` → `NAME`).
fn strip_drive(name: &[u8]) -> &[u8] {
    match name.iter().position(|&b| b == b':') {
        Some(at) if name[..at].iter().all(u8::is_ascii_digit) => &name[at + 1..],
        _ => name,
    }
}

/// The serial bus as the KERNAL sees it: drives 8–11 and who is listening or talking.
#[derive(Clone, Debug, Default)]
pub(crate) struct Drives {
    units: [Option<Drive>; 4],
    /// The drive listening, by unit index.
    listener: Option<usize>,
    /// The drive talking and the channel it talks from.
    talker: Option<(usize, u8)>,
}

/// The unit index of a device number.
fn unit(device: u8) -> Option<usize> {
    matches!(device, 8..=11).then(|| usize::from(device - 8))
}

impl Drives {
    /// Attaches `backing` to `device`, switching that drive on.
    pub(crate) fn attach(&mut self, device: u8, backing: DriveBacking) -> Result<(), DriveError> {
        let unit = unit(device).ok_or(DriveError::Device(device))?;
        self.units[unit] = Some(Drive::new(backing));
        Ok(())
    }

    /// Detaches the backing of `device`; the device is then absent.
    pub(crate) fn detach(&mut self, device: u8) -> Option<DriveBacking> {
        let unit = unit(device)?;
        if self.listener == Some(unit) {
            self.listener = None;
        }
        if self.talker.is_some_and(|(talker, _)| talker == unit) {
            self.talker = None;
        }
        self.units[unit].take().map(|drive| drive.backing)
    }

    /// The drive at `device`, if one is attached.
    pub(crate) fn drive(&self, device: u8) -> Option<&Drive> {
        self.units[unit(device)?].as_ref()
    }

    /// The bus's reset line: every drive resets.
    pub(crate) fn reset(&mut self) {
        self.listener = None;
        self.talker = None;
        for drive in self.units.iter_mut().flatten() {
            drive.reset();
        }
    }

    /// LISTEN: true if the device answered.
    pub(crate) fn listen(&mut self, device: u8) -> bool {
        self.talker = None;
        self.listener = unit(device).filter(|&unit| self.units[unit].is_some());
        self.listener.is_some()
    }

    /// SECOND: the listener's secondary address.
    pub(crate) fn second(&mut self, address: u8) {
        if let Some(drive) = self.listener.and_then(|unit| self.units[unit].as_mut()) {
            drive.second(address);
        }
    }

    /// CIOUT: a byte to the listener; false if nobody listens.
    pub(crate) fn ciout(&mut self, byte: u8) -> bool {
        match self.listener.and_then(|unit| self.units[unit].as_mut()) {
            Some(drive) => {
                drive.receive(byte);
                true
            }
            None => false,
        }
    }

    /// UNLSN.
    pub(crate) fn unlisten(&mut self) {
        if let Some(drive) = self
            .listener
            .take()
            .and_then(|unit| self.units[unit].as_mut())
        {
            drive.unlisten();
        }
    }

    /// TALK: true if the device answered.
    pub(crate) fn talk(&mut self, device: u8) -> bool {
        self.listener = None;
        self.talker = unit(device)
            .filter(|&unit| self.units[unit].is_some())
            .map(|unit| (unit, 0));
        self.talker.is_some()
    }

    /// TKSA: the channel the talker sends from.
    pub(crate) fn tksa(&mut self, address: u8) {
        if let Some((_, channel)) = &mut self.talker {
            *channel = address & 0x0f;
        }
    }

    /// ACPTR: the talker's next byte with EOI, or `None` for a timeout.
    pub(crate) fn acptr(&mut self) -> Option<(u8, bool)> {
        let (unit, channel) = self.talker?;
        self.units[unit].as_mut()?.send(channel)
    }

    /// UNTLK.
    pub(crate) fn untalk(&mut self) {
        self.talker = None;
    }

    /// Appends the drives' DOS state (status and channels; not the backings) to `out`.
    pub(crate) fn save(&self, out: &mut StateWriter) {
        for unit in &self.units {
            let Some(drive) = unit else {
                out.bool(false);
                continue;
            };
            out.bool(true)
                .u8(drive.status.code)
                .u8(drive.status.track)
                .u8(drive.status.sector);
            for channel in &drive.channels {
                match channel {
                    Channel::Closed => out.u8(0),
                    Channel::Read {
                        data,
                        pos,
                        complete,
                    } => out.u8(1).sized_bytes(data).u32(*pos as u32).bool(*complete),
                    Channel::Write {
                        name,
                        kind,
                        replace,
                        data,
                    } => out
                        .u8(2)
                        .sized_bytes(name)
                        .u8(*kind as u8)
                        .bool(*replace)
                        .sized_bytes(data),
                };
            }
            match &drive.receiving {
                Receiving::Nothing => out.u8(0).u8(0).sized_bytes(&[]),
                Receiving::Name(channel, name) => out.u8(1).u8(*channel).sized_bytes(name),
                Receiving::Data(channel) => out.u8(2).u8(*channel).sized_bytes(&[]),
            };
            out.sized_bytes(&drive.command);
            match &drive.status_out {
                Some((text, pos)) => out.bool(true).sized_bytes(text).u32(*pos as u32),
                None => out.bool(false),
            };
        }
        let encode = |unit: Option<usize>| unit.map_or(0xff, |unit| unit as u8);
        out.u8(encode(self.listener))
            .u8(encode(self.talker.map(|(unit, _)| unit)))
            .u8(self.talker.map_or(0, |(_, channel)| channel));
    }

    /// Reads the DOS state written by [`save`](Self::save) onto the drives attached now;
    /// a drive saved without a backing attached now (or the other way round) is skipped.
    pub(crate) fn load(&mut self, input: &mut StateReader<'_>) -> Result<(), StateError> {
        let bad = |what: &str| StateError::Payload(format!("drive state: {what}"));
        for unit in &mut self.units {
            if !input.bool()? {
                if let Some(drive) = unit {
                    drive.reset();
                }
                continue;
            }
            let status = DosStatus::at(input.u8()?, input.u8()?, input.u8()?);
            let mut channels: [Channel; 16] = Default::default();
            for channel in &mut channels {
                *channel = match input.u8()? {
                    0 => Channel::Closed,
                    1 => {
                        let data = input.sized_bytes()?.to_vec();
                        let pos = input.u32()? as usize;
                        if pos > data.len() {
                            return Err(bad("read position past the data"));
                        }
                        Channel::Read {
                            data,
                            pos,
                            complete: input.bool()?,
                        }
                    }
                    2 => Channel::Write {
                        name: input.sized_bytes()?.to_vec(),
                        kind: FileType::from_bits(input.u8()?),
                        replace: input.bool()?,
                        data: input.sized_bytes()?.to_vec(),
                    },
                    _ => return Err(bad("channel kind")),
                };
            }
            let (kind, channel, name) = (input.u8()?, input.u8()?, input.sized_bytes()?.to_vec());
            let receiving = match kind {
                0 => Receiving::Nothing,
                1 => Receiving::Name(channel & 0x0f, name),
                2 => Receiving::Data(channel & 0x0f),
                _ => return Err(bad("listener state")),
            };
            let command = input.sized_bytes()?.to_vec();
            let status_out = if input.bool()? {
                let text = input.sized_bytes()?.to_vec();
                let pos = input.u32()? as usize;
                if pos >= text.len() {
                    return Err(bad("status position past the line"));
                }
                Some((text, pos))
            } else {
                None
            };
            if let Some(drive) = unit {
                drive.status = status;
                drive.channels = channels;
                drive.receiving = receiving;
                drive.command = command;
                drive.status_out = status_out;
            }
        }
        let decode = |byte: u8| (byte < 4).then_some(usize::from(byte));
        let (listener, talker, channel) = (input.u8()?, input.u8()?, input.u8()?);
        self.listener = decode(listener).filter(|&unit| self.units[unit].is_some());
        self.talker = decode(talker)
            .filter(|&unit| self.units[unit].is_some())
            .map(|unit| (unit, channel & 0x0f));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_as_on_a_1541() {
        assert!(matches(b"*", b"ANY"));
        assert!(matches(b"A*", b"ABC"));
        assert!(matches(b"A?C", b"ABC"));
        assert!(!matches(b"A?C", b"ABCD"));
        assert!(!matches(b"AB", b"ABC"));
        assert!(matches(b"ABC", b"ABC"));
        assert!(!matches(b"B*", b"ABC"));
    }

    #[test]
    fn the_listing_is_the_1541s_basic_program() {
        let mut backing = DriveBacking::blank_image(b"MY DISK", *b"42");
        backing
            .write(b"HELLO", FileType::Prg, &[0; 300], false)
            .unwrap();
        let bytes = listing(&backing.directory(), b"*", None);
        let mut expected = vec![0x01, 0x04, 0x01, 0x01, 0, 0, 0x12];
        expected.extend_from_slice(b"\"MY DISK         \" 42 2A\0");
        expected.extend_from_slice(&[0x01, 0x01, 2, 0]);
        let file_line = b"   \"HELLO\"            PRG  \0";
        // With its link and line number, each file's line is 32 bytes, as the 1541 sends.
        assert_eq!(4 + file_line.len(), 32);
        expected.extend_from_slice(file_line);
        expected.extend_from_slice(&[0x01, 0x01, 0x96, 0x02]);
        expected.extend_from_slice(b"BLOCKS FREE.             \0\0\0");
        assert_eq!(bytes, expected);
    }

    #[test]
    fn the_raw_directory_is_the_same_from_an_image_and_a_folder() {
        let mut backing = DriveBacking::blank_image(b"RAW", *b"07");
        backing
            .write(b"AB", FileType::Seq, &[1; 600], false)
            .unwrap();
        let (from_image, error) = backing.raw_directory();
        assert_eq!(error, None);
        assert_eq!(from_image.len(), 2 * 254);
        let from_listing = raw_directory(&backing.directory());
        // The BAM's name and ID, and the entry's type, name and blocks agree; only the
        // free-block map and the file's track and sector differ.
        assert_eq!(from_image[0x8e..0xa9], from_listing[0x8e..0xa9]);
        assert_eq!(&from_image[0x8e..0x91], b"RAW");
        let entry = 254;
        assert_eq!(from_image[entry], 0x81);
        assert_eq!(from_image[entry..entry + 1], from_listing[entry..entry + 1]);
        assert_eq!(
            from_image[entry + 3..entry + 30],
            from_listing[entry + 3..entry + 30]
        );
    }

    #[test]
    fn channel_15_reads_the_status_then_ok() {
        let mut drives = Drives::default();
        drives
            .attach(8, DriveBacking::blank_image(b"D", *b"01"))
            .unwrap();
        let read_status = |drives: &mut Drives| {
            assert!(drives.talk(8));
            drives.tksa(0x6f);
            let mut text = Vec::new();
            while let Some((byte, eoi)) = drives.acptr() {
                text.push(byte);
                if eoi {
                    break;
                }
            }
            drives.untalk();
            String::from_utf8(text).unwrap()
        };
        assert_eq!(read_status(&mut drives), format!("73,{BANNER},00,00\r"));
        assert_eq!(read_status(&mut drives), "00, OK,00,00\r");
        // OPEN 2,8,2,"NOPE" fails with 62.
        assert!(drives.listen(8));
        drives.second(0xf2);
        for &b in b"NOPE" {
            drives.ciout(b);
        }
        drives.unlisten();
        assert_eq!(read_status(&mut drives), "62,FILE NOT FOUND,00,00\r");
        assert!(!drives.listen(9));
    }
}
