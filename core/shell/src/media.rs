//! Files handed to a core: format detection and `.zip` unpacking.
//!
//! # Detection
//! A file's [`MediaKind`] is decided by its content first (magic numbers, and the exact
//! sizes of disk images), then by its extension; a `.prg` has no magic and is known by
//! its extension alone.
//!
//! # Zip archives
//! [`Media::unpack`] picks the member to load from a `.zip` by this rule:
//! 1. members that are folders, hidden files (a name part starting with `.`), macOS
//!    metadata (`__MACOSX/`) or whose names are absolute or climb out with `..` are ignored;
//! 2. of the rest, the *loadable* members are those whose kind is known and is not itself
//!    an archive;
//! 3. exactly one loadable member is loaded; none is an error naming what the archive
//!    holds; two or more is [`MediaError::Ambiguous`], listing them so the caller can ask
//!    the user and call [`Media::unpack_member`].
//!
//! Members are never written to disk, and no member larger than [`MAX_MEDIA_BYTES`] is
//! unpacked, whatever its header claims (zip bombs end in an error, not in memory
//! exhaustion).

use std::fmt;
use std::io::Read;
use std::path::Path;

/// The largest file or archive member Heirloom reads: 256 MiB.
pub const MAX_MEDIA_BYTES: u64 = 256 << 20;

/// Bytes of a file's start that detection looks at.
const HEAD_LEN: usize = 64;

/// A file handed to a core: its name (for messages and extension-based detection) and
/// its bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Media {
    /// The file name, without folders (e.g. `game.prg`); inside an archive, the member's
    /// path.
    pub name: String,
    /// The file's contents.
    pub bytes: Vec<u8>,
}

impl fmt::Debug for Media {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Media({:?}, {} bytes)", self.name, self.bytes.len())
    }
}

/// What kind of file a [`Media`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MediaKind {
    /// A C64 program: two bytes of load address, then the bytes to load (`.prg`).
    Prg,
    /// A C64 program in a PC64 container (`.p00`, `.p01`, …), magic `C64File`.
    P00,
    /// A C64 tape archive (`.t64`), magic `C64` … `tape`.
    T64,
    /// A 1541 disk image (`.d64`), 35 or 40 tracks, with or without error bytes.
    D64,
    /// A 1541 GCR disk image (`.g64`), magic `GCR-1541`.
    G64,
    /// A C64 cartridge image (`.crt`), magic `C64 CARTRIDGE`.
    Crt,
    /// A C64 tune (`.sid`), magic `PSID` or `RSID`.
    Sid,
    /// A WebAssembly module (`.wasm`), magic `\0asm`.
    Wasm,
    /// A zip archive (`.zip`), magic `PK`.
    Zip,
}

impl MediaKind {
    /// The usual file extension, without the dot.
    pub const fn extension(self) -> &'static str {
        match self {
            Self::Prg => "prg",
            Self::P00 => "p00",
            Self::T64 => "t64",
            Self::D64 => "d64",
            Self::G64 => "g64",
            Self::Crt => "crt",
            Self::Sid => "sid",
            Self::Wasm => "wasm",
            Self::Zip => "zip",
        }
    }

    /// Detects a file's kind from its name, its first bytes (`head`, at least the first 64
    /// when the file is that long) and its full size.
    pub fn detect(name: &str, head: &[u8], size: u64) -> Option<Self> {
        Self::from_content(head, size).or_else(|| Self::from_extension(name))
    }

    fn from_content(head: &[u8], size: u64) -> Option<Self> {
        const D64_SIZES: [u64; 4] = [174_848, 175_531, 196_608, 197_376];
        let kind = if head.starts_with(b"\0asm") {
            Self::Wasm
        } else if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
            Self::Zip
        } else if head.starts_with(b"C64 CARTRIDGE") {
            Self::Crt
        } else if head.starts_with(b"PSID") || head.starts_with(b"RSID") {
            Self::Sid
        } else if head.starts_with(b"C64File\0") {
            Self::P00
        } else if head.starts_with(b"GCR-1541") {
            Self::G64
        } else if head.starts_with(b"C64") && is_tape_signature(head) {
            Self::T64
        } else if D64_SIZES.contains(&size) {
            Self::D64
        } else {
            return None;
        };
        Some(kind)
    }

    fn from_extension(name: &str) -> Option<Self> {
        let extension = Path::new(name).extension()?.to_str()?.to_ascii_lowercase();
        let kind = match extension.as_str() {
            "prg" => Self::Prg,
            "t64" => Self::T64,
            "d64" => Self::D64,
            "g64" => Self::G64,
            "crt" => Self::Crt,
            "sid" => Self::Sid,
            "wasm" => Self::Wasm,
            "zip" => Self::Zip,
            pc64 if pc64.len() == 3
                && pc64.starts_with('p')
                && pc64[1..].bytes().all(|b| b.is_ascii_digit()) =>
            {
                Self::P00
            }
            _ => return None,
        };
        Some(kind)
    }
}

/// T64 files start with a free-form "C64…tape…" signature in their first 32 bytes.
fn is_tape_signature(head: &[u8]) -> bool {
    let signature = &head[..head.len().min(32)];
    signature
        .windows(4)
        .any(|w| w.eq_ignore_ascii_case(b"tape"))
}

impl fmt::Display for MediaKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let description = match self {
            Self::Prg => "a C64 program (.prg)",
            Self::P00 => "a PC64 program (.p00)",
            Self::T64 => "a tape archive (.t64)",
            Self::D64 => "a 1541 disk image (.d64)",
            Self::G64 => "a 1541 GCR disk image (.g64)",
            Self::Crt => "a cartridge image (.crt)",
            Self::Sid => "a SID tune (.sid)",
            Self::Wasm => "a WebAssembly module (.wasm)",
            Self::Zip => "a zip archive",
        };
        f.write_str(description)
    }
}

/// Why media could not be read or unpacked.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// The file could not be read.
    #[error("cannot read {name}: {source}")]
    Io {
        /// The file.
        name: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// The file or member is larger than Heirloom reads.
    #[error("{name}: {size} bytes is more than the {MAX_MEDIA_BYTES} bytes Heirloom reads")]
    TooLarge {
        /// The file or member.
        name: String,
        /// Its size, or a lower bound of it.
        size: u64,
    },
    /// The kind of the file is not recognised.
    #[error(
        "{name}: unrecognised file format (not a .prg, .p00, .t64, .d64, .g64, .crt, .sid, .wasm or .zip)"
    )]
    Unrecognised {
        /// The file.
        name: String,
    },
    /// The archive is damaged or uses a feature that cannot be read.
    #[error("{name}: not a readable zip archive: {reason}")]
    BadArchive {
        /// The archive.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// Nothing in the archive can be loaded.
    #[error("{archive}: nothing in it can be loaded (it holds: {members})")]
    NothingLoadable {
        /// The archive.
        archive: String,
        /// The members considered, comma separated (or `nothing`).
        members: String,
    },
    /// Several members could be loaded; the caller must choose one.
    #[error("{archive}: holds several loadable files ({}); choose one", candidates.join(", "))]
    Ambiguous {
        /// The archive.
        archive: String,
        /// The loadable members, in archive order.
        candidates: Vec<String>,
    },
    /// The member asked for is not in the archive, or is not loadable.
    #[error("{archive}: has no loadable member named {member}")]
    NoSuchMember {
        /// The archive.
        archive: String,
        /// The member asked for.
        member: String,
    },
}

impl Media {
    /// Media from a name and bytes already in memory.
    pub fn new(name: impl Into<String>, bytes: Vec<u8>) -> Self {
        Self {
            name: name.into(),
            bytes,
        }
    }

    /// Reads a file, refusing files larger than [`MAX_MEDIA_BYTES`].
    pub fn from_path(path: &Path) -> Result<Self, MediaError> {
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |file| file.to_string_lossy().into_owned(),
        );
        let io_error = |source| MediaError::Io {
            name: path.display().to_string(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io_error)?;
        let bytes = read_capped(file).map_err(|err| match err {
            Capped::TooLarge(size) => MediaError::TooLarge {
                name: name.clone(),
                size,
            },
            Capped::Io(source) => io_error(source),
        })?;
        Ok(Self { name, bytes })
    }

    /// The detected kind, if the file is of a kind Heirloom knows.
    pub fn kind(&self) -> Option<MediaKind> {
        let head = &self.bytes[..self.bytes.len().min(HEAD_LEN)];
        MediaKind::detect(&self.name, head, self.bytes.len() as u64)
    }

    /// The media to hand to a core: itself when it is not an archive, otherwise the member
    /// the documented rule (see the [module docs](self)) picks.
    ///
    /// Fails with [`MediaError::Unrecognised`] when the file is of no known kind.
    pub fn unpack(self) -> Result<(Media, MediaKind), MediaError> {
        match self.kind() {
            None => Err(MediaError::Unrecognised { name: self.name }),
            Some(MediaKind::Zip) => {
                let mut archive = Archive::open(&self)?;
                let candidates = archive.loadable_members()?;
                match candidates.as_slice() {
                    [] => Err(MediaError::NothingLoadable {
                        archive: self.name.clone(),
                        members: archive.member_list()?,
                    }),
                    [only] => archive.extract(only),
                    _ => Err(MediaError::Ambiguous {
                        archive: self.name.clone(),
                        candidates,
                    }),
                }
            }
            Some(kind) => Ok((self, kind)),
        }
    }

    /// Every member of a zip archive that the selection rule looks at (see the
    /// [module docs](self)), unpacked whatever its kind: for callers that want files the
    /// rule does not load, such as a set of ROM images. Together they may not exceed
    /// [`MAX_MEDIA_BYTES`].
    pub fn archive_members(&self) -> Result<Vec<Media>, MediaError> {
        let mut archive = Archive::open(self)?;
        let mut members = Vec::new();
        let mut total = 0u64;
        for name in archive.member_names()? {
            let member = archive.extract_any(&name)?;
            total += member.bytes.len() as u64;
            if total > MAX_MEDIA_BYTES {
                return Err(MediaError::TooLarge {
                    name: self.name.clone(),
                    size: total,
                });
            }
            members.push(member);
        }
        Ok(members)
    }

    /// The archive member named `member`, which must be loadable by the rule of
    /// [`unpack`](Media::unpack).
    pub fn unpack_member(self, member: &str) -> Result<(Media, MediaKind), MediaError> {
        let mut archive = Archive::open(&self)?;
        if archive
            .loadable_members()?
            .iter()
            .any(|name| name == member)
        {
            archive.extract(member)
        } else {
            Err(MediaError::NoSuchMember {
                archive: self.name.clone(),
                member: member.to_owned(),
            })
        }
    }
}

/// A zip archive being looked into.
struct Archive<'a> {
    name: &'a str,
    zip: zip::ZipArchive<std::io::Cursor<&'a [u8]>>,
}

impl<'a> Archive<'a> {
    fn open(media: &'a Media) -> Result<Self, MediaError> {
        let zip = zip::ZipArchive::new(std::io::Cursor::new(media.bytes.as_slice()))
            .map_err(|err| bad_archive(&media.name, err))?;
        Ok(Self {
            name: &media.name,
            zip,
        })
    }

    /// Names of the members the selection rule looks at, in archive order.
    fn member_names(&mut self) -> Result<Vec<String>, MediaError> {
        let mut names = Vec::new();
        for index in 0..self.zip.len() {
            let file = self
                .zip
                .by_index_raw(index)
                .map_err(|err| bad_archive(self.name, err))?;
            let name = file.name().map_err(|err| bad_archive(self.name, err))?;
            if is_considered(&name) {
                names.push(name.into_owned());
            }
        }
        Ok(names)
    }

    fn member_list(&mut self) -> Result<String, MediaError> {
        let names = self.member_names()?;
        Ok(if names.is_empty() {
            "nothing".to_owned()
        } else {
            names.join(", ")
        })
    }

    /// Names of the loadable members, in archive order.
    fn loadable_members(&mut self) -> Result<Vec<String>, MediaError> {
        let mut loadable = Vec::new();
        for name in self.member_names()? {
            let mut file = self
                .zip
                .by_name(&name)
                .map_err(|err| bad_archive(self.name, err))?;
            let size = file.size();
            let mut head = Vec::with_capacity(HEAD_LEN);
            (&mut file)
                .take(HEAD_LEN as u64)
                .read_to_end(&mut head)
                .map_err(|err| bad_archive(self.name, err))?;
            if !matches!(
                MediaKind::detect(&name, &head, size),
                Some(MediaKind::Zip) | None
            ) {
                loadable.push(name);
            }
        }
        Ok(loadable)
    }

    fn extract(&mut self, member: &str) -> Result<(Media, MediaKind), MediaError> {
        let media = self.extract_any(member)?;
        let kind = media.kind().ok_or_else(|| MediaError::Unrecognised {
            name: format!("{}:{member}", self.name),
        })?;
        Ok((media, kind))
    }

    /// Unpacks `member` whatever its kind, refusing more than [`MAX_MEDIA_BYTES`].
    fn extract_any(&mut self, member: &str) -> Result<Media, MediaError> {
        let file = self
            .zip
            .by_name(member)
            .map_err(|err| bad_archive(self.name, err))?;
        let bytes = read_capped(file).map_err(|err| match err {
            Capped::TooLarge(size) => MediaError::TooLarge {
                name: format!("{}:{member}", self.name),
                size,
            },
            Capped::Io(err) => bad_archive(self.name, err),
        })?;
        Ok(Media::new(member, bytes))
    }
}

fn bad_archive(name: &str, reason: impl fmt::Display) -> MediaError {
    MediaError::BadArchive {
        name: name.to_owned(),
        reason: reason.to_string(),
    }
}

/// Whether the selection rule looks at a member at all.
fn is_considered(name: &str) -> bool {
    let is_folder = name.ends_with('/');
    let is_hostile = name.starts_with('/')
        || name.starts_with('\\')
        || name.contains(':')
        || name.split(['/', '\\']).any(|part| part == "..");
    let is_hidden = name
        .split('/')
        .any(|part| part.starts_with('.') || part == "__MACOSX");
    !(is_folder || is_hostile || is_hidden)
}

enum Capped {
    TooLarge(u64),
    Io(std::io::Error),
}

/// Reads at most [`MAX_MEDIA_BYTES`] from `reader`, failing rather than reading more.
fn read_capped(reader: impl Read) -> Result<Vec<u8>, Capped> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_MEDIA_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(Capped::Io)?;
    if bytes.len() as u64 > MAX_MEDIA_BYTES {
        return Err(Capped::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_wins_over_extension() {
        let wasm = Media::new("program.prg", b"\0asm\x01\0\0\0".to_vec());
        assert_eq!(wasm.kind(), Some(MediaKind::Wasm));
        let crt = Media::new("x.bin", b"C64 CARTRIDGE   \0\0\0\x40".to_vec());
        assert_eq!(crt.kind(), Some(MediaKind::Crt));
        let tape = Media::new("x", b"C64S tape image file\0\0\0".to_vec());
        assert_eq!(tape.kind(), Some(MediaKind::T64));
        let disk = Media::new("DISK", vec![0; 174_848]);
        assert_eq!(disk.kind(), Some(MediaKind::D64));
    }

    #[test]
    fn extension_decides_when_content_cannot() {
        assert_eq!(
            Media::new("GAME.PRG", vec![1, 8, 0]).kind(),
            Some(MediaKind::Prg)
        );
        assert_eq!(Media::new("game.p07", vec![]).kind(), Some(MediaKind::P00));
        assert_eq!(Media::new("notes.txt", b"hello".to_vec()).kind(), None);
        assert_eq!(Media::new("noextension", vec![1, 8]).kind(), None);
    }

    #[test]
    fn hostile_and_hidden_members_are_ignored() {
        for name in [
            "/etc/passwd.prg",
            "../up.prg",
            "a/../../b.prg",
            "C:x.prg",
            ".hidden.prg",
            "__MACOSX/._game.prg",
            "folder/",
        ] {
            assert!(!is_considered(name), "{name}");
        }
        assert!(is_considered("games/frogger.prg"));
    }
}
