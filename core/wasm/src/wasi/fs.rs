//! The pre-opened folder: resolving guest paths inside it without ever leaving it, and
//! describing host files in WASI terms.
//!
//! A guest path is resolved lexically first (`.` skipped, `..` pops one component and may
//! not go above the folder, absolute paths are refused), then against the file system:
//! the parent folder is canonicalized and must still lie inside the pre-opened folder,
//! and a final component that is a symbolic link is followed only when asked and only if
//! its target lies inside too. Escapes are refused with `ENOTCAPABLE`. The checks and the
//! later use of the path are separate system calls, so a host process that swaps folders
//! for links in between could race them; the guest alone cannot.

use std::io;
use std::path::{Path, PathBuf};

use super::errno;

/// WASI file types (`filetype`).
pub mod filetype {
    /// Neither a folder, a regular file nor a link.
    pub const UNKNOWN: u8 = 0;
    /// A character device (the standard streams).
    pub const CHARACTER_DEVICE: u8 = 2;
    /// A folder.
    pub const DIRECTORY: u8 = 3;
    /// A regular file.
    pub const REGULAR_FILE: u8 = 4;
    /// A symbolic link.
    pub const SYMBOLIC_LINK: u8 = 7;
}

/// The WASI error number for a host I/O error.
pub fn io_errno(e: &io::Error) -> u16 {
    use io::ErrorKind as K;
    match e.kind() {
        K::NotFound => errno::NOENT,
        K::PermissionDenied => errno::ACCES,
        K::AlreadyExists => errno::EXIST,
        K::InvalidInput | K::InvalidData => errno::INVAL,
        K::NotADirectory => errno::NOTDIR,
        K::IsADirectory => errno::ISDIR,
        K::DirectoryNotEmpty => errno::NOTEMPTY,
        K::Unsupported => errno::NOTSUP,
        K::InvalidFilename => errno::NAMETOOLONG,
        _ => errno::IO,
    }
}

/// Resolves the guest `path` lexically against `parts`, the components of the folder it
/// is relative to (counted from the pre-opened folder), and returns the components of
/// the result: `.` and empty components are skipped, `..` pops one component. An empty
/// path is `ENOENT`, a NUL byte `EINVAL`; an absolute path, or `..` above the pre-opened
/// folder, is `ENOTCAPABLE`. No file system is consulted.
pub fn resolve_lexically(mut parts: Vec<String>, path: &str) -> Result<Vec<String>, u16> {
    if path.is_empty() {
        return Err(errno::NOENT);
    }
    if path.contains('\0') {
        return Err(errno::INVAL);
    }
    if path.starts_with('/') {
        return Err(errno::NOTCAPABLE);
    }
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(errno::NOTCAPABLE);
                }
            }
            name => parts.push(name.to_owned()),
        }
    }
    Ok(parts)
}

/// Resolves `path`, relative to the folder `dir` (canonical, inside the canonical `root`),
/// to a host path inside `root`. With `follow`, a final symbolic link is replaced by its
/// (canonical) target; without, the link itself is named. Escapes are `ENOTCAPABLE`;
/// see the module notes.
pub fn resolve(root: &Path, dir: &Path, path: &str, follow: bool) -> Result<PathBuf, u16> {
    let inside = dir.strip_prefix(root).map_err(|_| errno::NOTCAPABLE)?;
    let parts: Vec<String> = inside
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let mut parts = resolve_lexically(parts, path)?;
    let Some(last) = parts.pop() else {
        return Ok(root.to_path_buf());
    };
    let mut parent = root.to_path_buf();
    parent.extend(&parts);
    let parent = parent.canonicalize().map_err(|e| io_errno(&e))?;
    if !parent.starts_with(root) {
        return Err(errno::NOTCAPABLE);
    }
    if !parent.is_dir() {
        return Err(errno::NOTDIR);
    }
    let candidate = parent.join(&last);
    match std::fs::symlink_metadata(&candidate) {
        Ok(meta) if meta.file_type().is_symlink() && follow => {
            // A dangling link is refused too: creating through it could land anywhere.
            let target = candidate.canonicalize().map_err(|_| errno::NOTCAPABLE)?;
            if target.starts_with(root) {
                Ok(target)
            } else {
                Err(errno::NOTCAPABLE)
            }
        }
        _ => Ok(candidate),
    }
}

/// The WASI file type of host metadata.
pub fn file_type(meta: &std::fs::Metadata) -> u8 {
    let t = meta.file_type();
    if t.is_dir() {
        filetype::DIRECTORY
    } else if t.is_file() {
        filetype::REGULAR_FILE
    } else if t.is_symlink() {
        filetype::SYMBOLIC_LINK
    } else {
        filetype::UNKNOWN
    }
}

/// A WASI `filestat` (64 bytes) for host metadata.
pub fn filestat(meta: &std::fs::Metadata) -> [u8; 64] {
    let mut out = [0u8; 64];
    let (dev, ino, nlink, atim, mtim, ctim) = unix_fields(meta);
    out[0..8].copy_from_slice(&dev.to_le_bytes());
    out[8..16].copy_from_slice(&ino.to_le_bytes());
    out[16] = file_type(meta);
    out[24..32].copy_from_slice(&nlink.to_le_bytes());
    out[32..40].copy_from_slice(&meta.len().to_le_bytes());
    out[40..48].copy_from_slice(&atim.to_le_bytes());
    out[48..56].copy_from_slice(&mtim.to_le_bytes());
    out[56..64].copy_from_slice(&ctim.to_le_bytes());
    out
}

#[cfg(unix)]
fn unix_fields(meta: &std::fs::Metadata) -> (u64, u64, u64, u64, u64, u64) {
    use std::os::unix::fs::MetadataExt;
    let ns = |s: i64, n: i64| {
        (s as u64)
            .wrapping_mul(1_000_000_000)
            .wrapping_add(n as u64)
    };
    (
        meta.dev(),
        meta.ino(),
        meta.nlink(),
        ns(meta.atime(), meta.atime_nsec()),
        ns(meta.mtime(), meta.mtime_nsec()),
        ns(meta.ctime(), meta.ctime_nsec()),
    )
}

#[cfg(not(unix))]
fn unix_fields(meta: &std::fs::Metadata) -> (u64, u64, u64, u64, u64, u64) {
    let ns = |t: io::Result<std::time::SystemTime>| {
        t.ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as u64)
    };
    (
        0,
        0,
        1,
        ns(meta.accessed()),
        ns(meta.modified()),
        ns(meta.modified()),
    )
}

/// The entries of a folder for `fd_readdir`: `.`, `..`, then the entries sorted by name,
/// each as (inode, file type, name).
pub fn list_dir(dir: &Path) -> Result<Vec<(u64, u8, Vec<u8>)>, u16> {
    let mut entries = vec![
        (0, filetype::DIRECTORY, b".".to_vec()),
        (0, filetype::DIRECTORY, b"..".to_vec()),
    ];
    let mut rest = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| io_errno(&e))? {
        let entry = entry.map_err(|e| io_errno(&e))?;
        let meta = entry.metadata().map_err(|e| io_errno(&e))?;
        let (_, ino, ..) = unix_fields(&meta);
        let name = entry
            .file_name()
            .to_string_lossy()
            .into_owned()
            .into_bytes();
        rest.push((ino, file_type(&meta), name));
    }
    rest.sort_by(|a, b| a.2.cmp(&b.2));
    entries.extend(rest);
    Ok(entries)
}
