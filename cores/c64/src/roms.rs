//! User-supplied ROM images: KERNAL, BASIC and the character ROM.
//!
//! With a complete set the machine runs Commodore's own code and no trap is active. The
//! images are found by file name in a folder or a zip archive: VICE's names
//! (`kernal-901227-03.bin`, `basic-901226-01.bin`, `chargen-906143-02.bin`), older VICE
//! names (`kernal`, `basic`, `chargen`) and plain ones (`kernal.bin`, `basic.rom`,
//! `char.bin`), in any letter case. Each must have its exact size.

use std::fmt;
use std::path::Path;

use heirloom_shell::{Media, MediaError};

/// One of the three ROMs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RomKind {
    /// The KERNAL, 8 KiB at $E000.
    Kernal,
    /// BASIC V2, 8 KiB at $A000.
    Basic,
    /// The character generator, 4 KiB.
    Chargen,
}

impl RomKind {
    /// Every kind, in the order they are reported.
    pub const ALL: [RomKind; 3] = [RomKind::Kernal, RomKind::Basic, RomKind::Chargen];

    /// The image's size in bytes.
    pub const fn size(self) -> usize {
        match self {
            Self::Kernal | Self::Basic => 8192,
            Self::Chargen => 4096,
        }
    }

    /// The file name VICE gives the image.
    pub const fn vice_name(self) -> &'static str {
        match self {
            Self::Kernal => "kernal-901227-03.bin",
            Self::Basic => "basic-901226-01.bin",
            Self::Chargen => "chargen-906143-02.bin",
        }
    }

    /// The kind a file name stands for, if any (see the module docs).
    pub fn from_file_name(path: &str) -> Option<Self> {
        let name = path
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(path)
            .to_ascii_lowercase();
        let prefixes = [
            ("kernal", Self::Kernal),
            ("basic", Self::Basic),
            ("chargen", Self::Chargen),
            ("char", Self::Chargen),
        ];
        prefixes.into_iter().find_map(|(prefix, kind)| {
            let rest = name.strip_prefix(prefix)?;
            let plain = rest.is_empty() || rest == ".bin" || rest == ".rom";
            let versioned = rest.starts_with('-') || rest.starts_with('.');
            (plain || versioned).then_some(kind)
        })
    }
}

impl fmt::Display for RomKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Kernal => "KERNAL ROM",
            Self::Basic => "BASIC ROM",
            Self::Chargen => "character ROM",
        })
    }
}

/// Why a ROM set could not be used.
#[derive(Debug, thiserror::Error)]
pub enum RomError {
    /// One image is missing.
    #[error("{source_name}: no {kind} ({} bytes, e.g. {})", kind.size(), kind.vice_name())]
    Missing {
        /// The folder or archive searched.
        source_name: String,
        /// The image not found.
        kind: RomKind,
    },
    /// An image has the wrong size.
    #[error("{file}: a {kind} is {} bytes, this file has {size}", kind.size())]
    WrongSize {
        /// The file.
        file: String,
        /// What its name says it is.
        kind: RomKind,
        /// Its size.
        size: u64,
    },
    /// Two files claim to be the same image.
    #[error("{source_name}: two files could be the {kind}: {first} and {second}")]
    Duplicate {
        /// The folder or archive searched.
        source_name: String,
        /// The image.
        kind: RomKind,
        /// One file.
        first: String,
        /// The other.
        second: String,
    },
    /// The folder could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The folder or file.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// The archive could not be read.
    #[error(transparent)]
    Archive(#[from] MediaError),
}

/// A complete set of the three ROM images, each of its exact size.
#[derive(Clone, PartialEq, Eq)]
pub struct RomSet {
    /// The KERNAL image.
    pub kernal: Vec<u8>,
    /// The BASIC image.
    pub basic: Vec<u8>,
    /// The character ROM image.
    pub chargen: Vec<u8>,
    /// Whether this is Heirloom's open ROM, whose traps into Rust the machine honours.
    /// User images never have traps.
    pub(crate) open: bool,
}

impl fmt::Debug for RomSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RomSet({})", self.describe().join(", "))
    }
}

impl RomSet {
    /// Picks the three images out of `files` (name and bytes), found in `source_name`.
    pub fn from_files(source_name: &str, files: &[Media]) -> Result<Self, RomError> {
        let mut found: [Option<&Media>; 3] = [None; 3];
        for file in files {
            let Some(kind) = RomKind::from_file_name(&file.name) else {
                continue;
            };
            if file.bytes.len() != kind.size() {
                return Err(RomError::WrongSize {
                    file: file.name.clone(),
                    kind,
                    size: file.bytes.len() as u64,
                });
            }
            let slot = &mut found[kind as usize];
            if let Some(first) = slot {
                return Err(RomError::Duplicate {
                    source_name: source_name.to_owned(),
                    kind,
                    first: first.name.clone(),
                    second: file.name.clone(),
                });
            }
            *slot = Some(file);
        }
        let take = |kind: RomKind| {
            found[kind as usize]
                .map(|file| file.bytes.clone())
                .ok_or_else(|| RomError::Missing {
                    source_name: source_name.to_owned(),
                    kind,
                })
        };
        Ok(Self {
            kernal: take(RomKind::Kernal)?,
            basic: take(RomKind::Basic)?,
            chargen: take(RomKind::Chargen)?,
            open: false,
        })
    }

    /// Reads the images from the files of folder `dir` (not its subfolders).
    pub fn from_dir(dir: &Path) -> Result<Self, RomError> {
        let io_error = |path: &Path, source| RomError::Io {
            path: path.display().to_string(),
            source,
        };
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(|err| io_error(dir, err))? {
            let path = entry.map_err(|err| io_error(dir, err))?.path();
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let Some(kind) = RomKind::from_file_name(&name) else {
                continue;
            };
            let size = std::fs::metadata(&path)
                .map_err(|err| io_error(&path, err))?
                .len();
            if !path.is_file() {
                continue;
            }
            if size != kind.size() as u64 {
                return Err(RomError::WrongSize {
                    file: path.display().to_string(),
                    kind,
                    size,
                });
            }
            let bytes = std::fs::read(&path).map_err(|err| io_error(&path, err))?;
            files.push(Media::new(path.display().to_string(), bytes));
        }
        files.sort_by(|a, b| a.name.cmp(&b.name));
        Self::from_files(&dir.display().to_string(), &files)
    }

    /// Reads the images from a zip archive.
    pub fn from_zip(archive: &Media) -> Result<Self, RomError> {
        Self::from_files(&archive.name, &archive.archive_members()?)
    }

    /// Heirloom's own ROM: BASIC, KERNAL and character set written for the project, used
    /// whenever no user images are given.
    pub fn open_rom() -> Self {
        crate::open_rom::rom_set()
    }

    /// Whether this is Heirloom's open ROM.
    pub fn is_open_rom(&self) -> bool {
        self.open
    }

    /// The image of `kind`.
    pub fn image(&self, kind: RomKind) -> &[u8] {
        match kind {
            RomKind::Kernal => &self.kernal,
            RomKind::Basic => &self.basic,
            RomKind::Chargen => &self.chargen,
        }
    }

    /// One line per image with its CRC-32, for `--verbose` (e.g. `KERNAL ROM crc32
    /// dbe3e7c7`).
    pub fn describe(&self) -> Vec<String> {
        RomKind::ALL
            .iter()
            .map(|&kind| format!("{kind} crc32 {:08x}", crc32fast::hash(self.image(kind))))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(kind: RomKind, fill: u8) -> Vec<u8> {
        vec![fill; kind.size()]
    }

    #[test]
    fn file_names_of_every_convention_are_recognised() {
        for (name, kind) in [
            ("kernal-901227-03.bin", Some(RomKind::Kernal)),
            ("roms/KERNAL", Some(RomKind::Kernal)),
            ("basic.rom", Some(RomKind::Basic)),
            ("basic-901226-01.bin", Some(RomKind::Basic)),
            ("chargen", Some(RomKind::Chargen)),
            ("char.bin", Some(RomKind::Chargen)),
            ("basics.txt", None),
            ("readme", None),
            ("characters.txt", None),
        ] {
            assert_eq!(RomKind::from_file_name(name), kind, "{name}");
        }
    }

    #[test]
    fn a_complete_set_is_assembled_and_described() {
        let files = [
            Media::new("kernal-901227-03.bin", image(RomKind::Kernal, 1)),
            Media::new("readme.txt", b"hello".to_vec()),
            Media::new("basic", image(RomKind::Basic, 2)),
            Media::new("chargen", image(RomKind::Chargen, 3)),
        ];
        let set = RomSet::from_files("roms", &files).unwrap();
        assert_eq!(set.kernal[0], 1);
        assert_eq!(set.basic[0], 2);
        assert_eq!(set.chargen.len(), 4096);
        let lines = set.describe();
        assert_eq!(lines.len(), 3);
        assert_eq!(
            lines[2],
            format!("character ROM crc32 {:08x}", crc32fast::hash(&[3; 4096]))
        );
    }

    #[test]
    fn wrong_sizes_missing_and_duplicate_images_are_named() {
        let short = [Media::new("kernal", vec![0; 8000])];
        assert_eq!(
            RomSet::from_files("roms", &short).unwrap_err().to_string(),
            "kernal: a KERNAL ROM is 8192 bytes, this file has 8000"
        );
        let missing = [
            Media::new("kernal", image(RomKind::Kernal, 0)),
            Media::new("basic", image(RomKind::Basic, 0)),
        ];
        assert_eq!(
            RomSet::from_files("roms", &missing)
                .unwrap_err()
                .to_string(),
            "roms: no character ROM (4096 bytes, e.g. chargen-906143-02.bin)"
        );
        let twice = [
            Media::new("char.bin", image(RomKind::Chargen, 0)),
            Media::new("chargen", image(RomKind::Chargen, 0)),
        ];
        assert!(
            RomSet::from_files("roms", &twice)
                .unwrap_err()
                .to_string()
                .contains("two files could be the character ROM")
        );
    }

    #[test]
    fn a_folder_of_images_loads_from_disk() {
        let dir = std::env::temp_dir().join(format!("heirloom-roms-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("kernal.bin"), image(RomKind::Kernal, 7)).unwrap();
        std::fs::write(dir.join("basic.bin"), image(RomKind::Basic, 8)).unwrap();
        std::fs::write(dir.join("chargen.bin"), image(RomKind::Chargen, 9)).unwrap();
        let set = RomSet::from_dir(&dir).unwrap();
        assert_eq!((set.kernal[0], set.basic[0], set.chargen[0]), (7, 8, 9));
        std::fs::write(dir.join("basic.bin"), [0; 10]).unwrap();
        assert!(
            RomSet::from_dir(&dir)
                .unwrap_err()
                .to_string()
                .ends_with("a BASIC ROM is 8192 bytes, this file has 10")
        );
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(RomSet::from_dir(&dir).is_err());
    }
}
