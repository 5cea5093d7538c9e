//! The one folder a WASI program may use, pre-opened as descriptor 3 under the name `.`.
//!
//! The folder is either a host folder chosen by the frontend
//! ([`WasmApp::set_files_dir`](crate::WasmApp::set_files_dir)) or, without one, a folder
//! kept in memory for the app alone (its files vanish with the core). Guest paths are
//! resolved with the runtime's sandbox rules (`heirloom_wasm::wasi::fs`): absolute paths,
//! `..` above the folder and symbolic links pointing outside are refused with
//! `ENOTCAPABLE`. At most [`QUOTA`] bytes may be written in all (host folder) or held in
//! all (memory folder); beyond, writes fail with `ENOSPC`.
//!
//! The in-memory folder is reproducible: inode numbers count up from 1 in creation order
//! and every time stamp is 0.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use heirloom_wasm::wasi::errno;
use heirloom_wasm::wasi::fs::{self as sandbox, filetype};

/// The descriptor of the pre-opened folder.
pub const PREOPEN_FD: u32 = 3;
/// The name the program sees the folder under: wasi-libc resolves relative paths such
/// as `scores.txt` against a pre-opened `.`, and finds no folder for absolute paths.
pub const PREOPEN_NAME: &str = ".";
/// Most bytes an app may write to a host folder, or keep in its memory folder.
pub const QUOTA: u64 = 64 << 20;
/// Most descriptors open at once (besides the standard streams).
const MAX_OPEN: usize = 1024;
/// WASI `ENOSPC`.
const NOSPC: u16 = 51;
/// WASI `EMFILE`.
const MFILE: u16 = 33;

/// WASI errors are 16-bit numbers.
pub type Errno = u16;

/// Rights bits reported by `fd_fdstat_get` (`rights`).
mod rights {
    pub const FD_READ: u64 = 1 << 1;
    pub const FD_SEEK: u64 = 1 << 2;
    pub const FD_TELL: u64 = 1 << 5;
    pub const FD_WRITE: u64 = 1 << 6;
    pub const PATH_CREATE_DIRECTORY: u64 = 1 << 9;
    pub const PATH_CREATE_FILE: u64 = 1 << 10;
    pub const PATH_OPEN: u64 = 1 << 13;
    pub const FD_READDIR: u64 = 1 << 14;
    pub const PATH_RENAME_SOURCE: u64 = 1 << 16;
    pub const PATH_RENAME_TARGET: u64 = 1 << 17;
    pub const PATH_FILESTAT_GET: u64 = 1 << 18;
    pub const FD_FILESTAT_GET: u64 = 1 << 21;
    pub const PATH_REMOVE_DIRECTORY: u64 = 1 << 25;
    pub const PATH_UNLINK_FILE: u64 = 1 << 26;
    pub const FILE: u64 = FD_READ | FD_SEEK | FD_TELL | FD_WRITE | FD_FILESTAT_GET;
    pub const DIR: u64 = PATH_CREATE_DIRECTORY
        | PATH_CREATE_FILE
        | PATH_OPEN
        | FD_READDIR
        | PATH_RENAME_SOURCE
        | PATH_RENAME_TARGET
        | PATH_FILESTAT_GET
        | FD_FILESTAT_GET
        | PATH_REMOVE_DIRECTORY
        | PATH_UNLINK_FILE;
}

/// `path_open` flags (`oflags`, `lookupflags`, `fdflags`).
pub mod flags {
    /// Follow a final symbolic link.
    pub const SYMLINK_FOLLOW: u32 = 1;
    /// Create the file if missing.
    pub const CREAT: u32 = 1;
    /// Fail unless the path is a folder.
    pub const DIRECTORY: u32 = 2;
    /// With `CREAT`: fail if the file exists.
    pub const EXCL: u32 = 4;
    /// Truncate the file to length 0.
    pub const TRUNC: u32 = 8;
    /// Every write goes to the end of the file.
    pub const APPEND: u32 = 1;
}

/// How an opened file may be used.
#[derive(Clone, Copy, Debug)]
struct Access {
    read: bool,
    write: bool,
    append: bool,
}

enum Open {
    /// A host folder (canonical, inside the root).
    HostDir(PathBuf),
    HostFile(File, Access),
    /// A folder of the memory folder, by inode.
    MemDir(u64),
    MemFile {
        ino: u64,
        pos: u64,
        access: Access,
    },
}

#[derive(Clone, Debug)]
enum Node {
    Dir {
        parent: u64,
        entries: BTreeMap<String, u64>,
    },
    File {
        data: Vec<u8>,
        /// Whether a folder still names it (an unlinked file lives while open).
        linked: bool,
    },
}

/// A folder held in memory: inodes, the root being inode 1.
#[derive(Clone, Debug)]
struct MemFs {
    nodes: BTreeMap<u64, Node>,
    next: u64,
    /// Bytes held by all files.
    stored: u64,
}

const ROOT: u64 = 1;

enum Backend {
    /// The canonical host folder.
    Host(PathBuf),
    Memory(MemFs),
}

/// The files of one app: its folder and the descriptors it opened (3 and up).
pub struct Files {
    backend: Backend,
    fds: BTreeMap<u32, Open>,
    /// Bytes written to the host folder so far.
    written: u64,
}

impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let folder = match &self.backend {
            Backend::Host(root) => root.display().to_string(),
            Backend::Memory(_) => "(memory)".into(),
        };
        f.debug_struct("Files")
            .field("folder", &folder)
            .field("open", &self.fds.len())
            .finish_non_exhaustive()
    }
}

impl Default for Files {
    fn default() -> Self {
        Self::memory()
    }
}

/// A host I/O error as a WASI error.
fn io_err(e: &io::Error) -> Errno {
    sandbox::io_errno(e)
}

/// A `filestat` of the memory folder: device 0, every time stamp 0.
fn filestat(ino: u64, kind: u8, nlink: u64, size: u64) -> [u8; 64] {
    let mut out = [0u8; 64];
    out[8..16].copy_from_slice(&ino.to_le_bytes());
    out[16] = kind;
    out[24..32].copy_from_slice(&nlink.to_le_bytes());
    out[32..40].copy_from_slice(&size.to_le_bytes());
    out
}

impl MemFs {
    fn new() -> Self {
        let mut nodes = BTreeMap::new();
        nodes.insert(
            ROOT,
            Node::Dir {
                parent: ROOT,
                entries: BTreeMap::new(),
            },
        );
        Self {
            nodes,
            next: ROOT + 1,
            stored: 0,
        }
    }

    /// The entries of folder `ino`.
    fn entries(&self, ino: u64) -> Result<&BTreeMap<String, u64>, Errno> {
        match self.nodes.get(&ino) {
            Some(Node::Dir { entries, .. }) => Ok(entries),
            Some(Node::File { .. }) => Err(errno::NOTDIR),
            None => Err(errno::NOENT),
        }
    }

    fn entries_mut(&mut self, ino: u64) -> Result<&mut BTreeMap<String, u64>, Errno> {
        match self.nodes.get_mut(&ino) {
            Some(Node::Dir { entries, .. }) => Ok(entries),
            Some(Node::File { .. }) => Err(errno::NOTDIR),
            None => Err(errno::NOENT),
        }
    }

    /// The components of folder `ino`'s path, from the root.
    fn path_of(&self, mut ino: u64) -> Result<Vec<String>, Errno> {
        let mut parts = Vec::new();
        while ino != ROOT {
            let Some(Node::Dir { parent, .. }) = self.nodes.get(&ino) else {
                return Err(errno::NOENT);
            };
            let name = self
                .entries(*parent)?
                .iter()
                .find(|&(_, &child)| child == ino)
                .map(|(name, _)| name.clone())
                .ok_or(errno::NOENT)?;
            parts.push(name);
            ino = *parent;
        }
        parts.reverse();
        Ok(parts)
    }

    /// Resolves `path` relative to folder `dir`: the folder holding the result and the
    /// final name (`None` for the root itself).
    fn locate(&self, dir: u64, path: &str) -> Result<(u64, Option<String>), Errno> {
        let mut parts = sandbox::resolve_lexically(self.path_of(dir)?, path)?;
        let last = parts.pop();
        let mut at = ROOT;
        for part in &parts {
            at = *self.entries(at)?.get(part).ok_or(errno::NOENT)?;
        }
        self.entries(at)?;
        Ok((at, last))
    }

    /// The inode `name` names in folder `parent` (the root for `None`).
    fn lookup(&self, parent: u64, name: Option<&str>) -> Result<Option<u64>, Errno> {
        match name {
            None => Ok(Some(ROOT)),
            Some(name) => Ok(self.entries(parent)?.get(name).copied()),
        }
    }

    fn add(&mut self, parent: u64, name: String, node: Node) -> Result<u64, Errno> {
        let ino = self.next;
        self.entries_mut(parent)?.insert(name, ino);
        self.next += 1;
        self.nodes.insert(ino, node);
        Ok(ino)
    }

    fn stat(&self, ino: u64) -> Result<[u8; 64], Errno> {
        match self.nodes.get(&ino) {
            Some(Node::Dir { .. }) => Ok(filestat(ino, filetype::DIRECTORY, 1, 0)),
            Some(Node::File { data, linked }) => Ok(filestat(
                ino,
                filetype::REGULAR_FILE,
                u64::from(*linked),
                data.len() as u64,
            )),
            None => Err(errno::NOENT),
        }
    }

    fn data_mut(&mut self, ino: u64) -> Result<&mut Vec<u8>, Errno> {
        match self.nodes.get_mut(&ino) {
            Some(Node::File { data, .. }) => Ok(data),
            Some(Node::Dir { .. }) => Err(errno::ISDIR),
            None => Err(errno::BADF),
        }
    }

    /// Writes `bytes` at `pos` of file `ino` within the quota; returns the end position.
    fn write_at(&mut self, ino: u64, pos: u64, bytes: &[u8]) -> Result<u64, Errno> {
        let stored = self.stored;
        let data = self.data_mut(ino)?;
        let end = pos.checked_add(bytes.len() as u64).ok_or(errno::INVAL)?;
        let growth = end.saturating_sub(data.len() as u64);
        if stored.saturating_add(growth) > QUOTA {
            return Err(NOSPC);
        }
        if growth > 0 {
            data.resize(end as usize, 0);
        }
        data[pos as usize..end as usize].copy_from_slice(bytes);
        self.stored += growth;
        Ok(end)
    }

    fn read_at(&mut self, ino: u64, pos: u64, len: usize) -> Result<Vec<u8>, Errno> {
        let data = self.data_mut(ino)?;
        let start = (pos.min(data.len() as u64)) as usize;
        let end = start + len.min(data.len() - start);
        Ok(data[start..end].to_vec())
    }

    /// Drops file `ino` if no folder names it and `open` does not hold it.
    fn collect(&mut self, ino: u64, open: &BTreeMap<u32, Open>) {
        let held = open
            .values()
            .any(|o| matches!(o, Open::MemFile { ino: i, .. } if *i == ino));
        if let Some(Node::File {
            linked: false,
            data,
        }) = self.nodes.get(&ino)
            && !held
        {
            self.stored -= data.len() as u64;
            self.nodes.remove(&ino);
        }
    }

    /// Whether folder `ino` is `ancestor` or lies inside it.
    fn inside(&self, mut ino: u64, ancestor: u64) -> bool {
        loop {
            if ino == ancestor {
                return true;
            }
            match self.nodes.get(&ino) {
                Some(Node::Dir { parent, .. }) if ino != ROOT => ino = *parent,
                _ => return false,
            }
        }
    }
}

impl Files {
    /// Files kept in memory, starting empty.
    pub fn memory() -> Self {
        Self::with_backend(Backend::Memory(MemFs::new()))
    }

    /// Files in the host folder `dir`, which must exist.
    pub fn host(dir: &Path) -> io::Result<Self> {
        let root = dir.canonicalize()?;
        if !root.is_dir() {
            return Err(io::Error::from(io::ErrorKind::NotADirectory));
        }
        Ok(Self::with_backend(Backend::Host(root)))
    }

    fn with_backend(backend: Backend) -> Self {
        let root = match &backend {
            Backend::Host(root) => Open::HostDir(root.clone()),
            Backend::Memory(_) => Open::MemDir(ROOT),
        };
        Self {
            backend,
            fds: BTreeMap::from([(PREOPEN_FD, root)]),
            written: 0,
        }
    }

    /// The same folder with every descriptor but the pre-opened one closed: what a
    /// restarted app (reset, state loaded) finds.
    pub fn restarted(&self) -> Self {
        let backend = match &self.backend {
            Backend::Host(root) => Backend::Host(root.clone()),
            Backend::Memory(fs) => {
                let mut fs = fs.clone();
                let unlinked: Vec<u64> = fs
                    .nodes
                    .iter()
                    .filter(|(_, n)| matches!(n, Node::File { linked: false, .. }))
                    .map(|(&ino, _)| ino)
                    .collect();
                for ino in unlinked {
                    fs.collect(ino, &BTreeMap::new());
                }
                Backend::Memory(fs)
            }
        };
        let mut files = Self::with_backend(backend);
        files.written = self.written;
        files
    }

    fn open(&self, fd: u32) -> Result<&Open, Errno> {
        self.fds.get(&fd).ok_or(errno::BADF)
    }

    /// The name of the pre-opened folder `fd`.
    pub fn prestat_name(&self, fd: u32) -> Result<&'static str, Errno> {
        match self.fds.get(&fd) {
            Some(Open::HostDir(_) | Open::MemDir(_)) if fd == PREOPEN_FD => Ok(PREOPEN_NAME),
            _ => Err(errno::BADF),
        }
    }

    /// `fd_fdstat_get`: the 24-byte `fdstat` of `fd`.
    pub fn fdstat(&self, fd: u32) -> Result<[u8; 24], Errno> {
        let (kind, append, base, inheriting) = match self.open(fd)? {
            Open::HostDir(_) | Open::MemDir(_) => (
                filetype::DIRECTORY,
                false,
                rights::DIR,
                rights::DIR | rights::FILE,
            ),
            Open::HostFile(_, access) | Open::MemFile { access, .. } => {
                let mut base = rights::FILE;
                if !access.read {
                    base &= !rights::FD_READ;
                }
                if !access.write {
                    base &= !rights::FD_WRITE;
                }
                (filetype::REGULAR_FILE, access.append, base, 0)
            }
        };
        let mut out = [0u8; 24];
        out[0] = kind;
        out[2] = u8::from(append);
        out[8..16].copy_from_slice(&base.to_le_bytes());
        out[16..24].copy_from_slice(&inheriting.to_le_bytes());
        Ok(out)
    }

    /// `fd_filestat_get`.
    pub fn fd_filestat(&self, fd: u32) -> Result<[u8; 64], Errno> {
        match (self.open(fd)?, &self.backend) {
            (Open::HostDir(path), _) => Ok(sandbox::filestat(
                &std::fs::metadata(path).map_err(|e| io_err(&e))?,
            )),
            (Open::HostFile(file, _), _) => {
                Ok(sandbox::filestat(&file.metadata().map_err(|e| io_err(&e))?))
            }
            (Open::MemDir(ino) | Open::MemFile { ino, .. }, Backend::Memory(fs)) => fs.stat(*ino),
            _ => Err(errno::BADF),
        }
    }

    /// The host root and the host folder behind `fd`.
    fn host_dir(&self, fd: u32) -> Result<(&Path, &Path), Errno> {
        match (self.open(fd)?, &self.backend) {
            (Open::HostDir(dir), Backend::Host(root)) => Ok((root, dir)),
            _ => Err(errno::NOTDIR),
        }
    }

    /// The memory folder and the folder inode behind `fd`.
    fn mem_dir(&mut self, fd: u32) -> Result<(&mut MemFs, u64), Errno> {
        let ino = match self.open(fd)? {
            Open::MemDir(ino) => *ino,
            _ => return Err(errno::NOTDIR),
        };
        match &mut self.backend {
            Backend::Memory(fs) => Ok((fs, ino)),
            Backend::Host(_) => Err(errno::NOTDIR),
        }
    }

    /// `path_filestat_get`.
    pub fn path_filestat(&mut self, fd: u32, path: &str, follow: bool) -> Result<[u8; 64], Errno> {
        if let Ok((root, dir)) = self.host_dir(fd) {
            let host = sandbox::resolve(root, dir, path, follow)?;
            let meta = std::fs::symlink_metadata(&host).map_err(|e| io_err(&e))?;
            return Ok(sandbox::filestat(&meta));
        }
        let (fs, dir) = self.mem_dir(fd)?;
        let (parent, name) = fs.locate(dir, path)?;
        let ino = fs.lookup(parent, name.as_deref())?.ok_or(errno::NOENT)?;
        fs.stat(ino)
    }

    fn insert(&mut self, open: Open) -> Result<u32, Errno> {
        if self.fds.len() >= MAX_OPEN {
            return Err(MFILE);
        }
        let free = (PREOPEN_FD..)
            .find(|n| !self.fds.contains_key(n))
            .ok_or(MFILE)?;
        self.fds.insert(free, open);
        Ok(free)
    }

    /// `path_open`: opens `path` relative to folder `fd` and returns the new descriptor.
    pub fn path_open(
        &mut self,
        fd: u32,
        lookup: u32,
        path: &str,
        oflags: u32,
        rights_base: u64,
        fdflags: u32,
    ) -> Result<u32, Errno> {
        let follow = lookup & flags::SYMLINK_FOLLOW != 0;
        let append = fdflags & flags::APPEND != 0;
        let write = rights_base & rights::FD_WRITE != 0
            || append
            || oflags & (flags::CREAT | flags::TRUNC) != 0;
        let access = Access {
            read: rights_base & rights::FD_READ != 0 || !write,
            write,
            append,
        };
        let wants_dir = oflags & flags::DIRECTORY != 0;
        let changes = oflags & (flags::CREAT | flags::TRUNC) != 0;
        if let Ok((root, dir)) = self.host_dir(fd) {
            let host = sandbox::resolve(root, dir, path, follow)?;
            let meta = std::fs::symlink_metadata(&host);
            if let Ok(m) = &meta
                && m.file_type().is_symlink()
            {
                return Err(errno::LOOP);
            }
            let is_dir = meta.as_ref().is_ok_and(|m| m.is_dir());
            if wants_dir || (is_dir && !changes) {
                match &meta {
                    Ok(m) if m.is_dir() => {}
                    Ok(_) => return Err(errno::NOTDIR),
                    Err(e) => return Err(io_err(e)),
                }
                return self.insert(Open::HostDir(host));
            }
            if is_dir {
                return Err(errno::ISDIR);
            }
            let mut options = OpenOptions::new();
            options.read(access.read).write(access.write);
            if oflags & flags::CREAT != 0 {
                if oflags & flags::EXCL != 0 {
                    options.create_new(true);
                } else {
                    options.create(true);
                }
            }
            options.truncate(oflags & flags::TRUNC != 0);
            let file = options.open(&host).map_err(|e| io_err(&e))?;
            return self.insert(Open::HostFile(file, access));
        }
        let (fs, dir) = self.mem_dir(fd)?;
        let (parent, name) = fs.locate(dir, path)?;
        let existing = fs.lookup(parent, name.as_deref())?;
        let node = existing.and_then(|ino| fs.nodes.get(&ino));
        let is_dir = matches!(node, Some(Node::Dir { .. }));
        if wants_dir || (is_dir && !changes) {
            return match (existing, is_dir) {
                (Some(ino), true) => self.insert(Open::MemDir(ino)),
                (Some(_), false) => Err(errno::NOTDIR),
                (None, _) => Err(errno::NOENT),
            };
        }
        if is_dir {
            return Err(errno::ISDIR);
        }
        let ino = match (existing, name) {
            (Some(_), _) if oflags & flags::CREAT != 0 && oflags & flags::EXCL != 0 => {
                return Err(errno::EXIST);
            }
            (Some(ino), _) => {
                if oflags & flags::TRUNC != 0 {
                    let data = fs.data_mut(ino)?;
                    let len = data.len() as u64;
                    data.clear();
                    fs.stored -= len;
                }
                ino
            }
            (None, Some(name)) if oflags & flags::CREAT != 0 => fs.add(
                parent,
                name,
                Node::File {
                    data: Vec::new(),
                    linked: true,
                },
            )?,
            (None, _) => return Err(errno::NOENT),
        };
        self.insert(Open::MemFile {
            ino,
            pos: 0,
            access,
        })
    }

    /// `fd_close`.
    pub fn close(&mut self, fd: u32) -> Result<(), Errno> {
        let open = self.fds.remove(&fd).ok_or(errno::BADF)?;
        if let (Open::MemFile { ino, .. }, Backend::Memory(fs)) = (open, &mut self.backend) {
            fs.collect(ino, &self.fds);
        }
        Ok(())
    }

    /// `fd_read` (`offset` `None`) or `fd_pread`: up to `len` bytes.
    pub fn read(&mut self, fd: u32, len: usize, offset: Option<u64>) -> Result<Vec<u8>, Errno> {
        let fs = match &mut self.backend {
            Backend::Memory(fs) => Some(fs),
            Backend::Host(_) => None,
        };
        match (self.fds.get_mut(&fd).ok_or(errno::BADF)?, fs) {
            (Open::HostDir(_) | Open::MemDir(_), _) => Err(errno::ISDIR),
            (Open::HostFile(_, access) | Open::MemFile { access, .. }, _) if !access.read => {
                Err(errno::BADF)
            }
            (Open::HostFile(file, _), _) => {
                let mut buf = vec![0; len];
                let n = match offset {
                    None => read_full(file, &mut buf)?,
                    Some(at) => at_offset(file, at, |file| read_full(file, &mut buf))?,
                };
                buf.truncate(n);
                Ok(buf)
            }
            (Open::MemFile { ino, pos, .. }, Some(fs)) => {
                let bytes = fs.read_at(*ino, offset.unwrap_or(*pos), len)?;
                if offset.is_none() {
                    *pos += bytes.len() as u64;
                }
                Ok(bytes)
            }
            (Open::MemFile { .. }, None) => Err(errno::BADF),
        }
    }

    /// `fd_write` (`offset` `None`) or `fd_pwrite`: all of `bytes`, within the quota.
    pub fn write(&mut self, fd: u32, bytes: &[u8], offset: Option<u64>) -> Result<(), Errno> {
        let written = self.written;
        let fs = match &mut self.backend {
            Backend::Memory(fs) => Some(fs),
            Backend::Host(_) => None,
        };
        match (self.fds.get_mut(&fd).ok_or(errno::BADF)?, fs) {
            (Open::HostDir(_) | Open::MemDir(_), _) => Err(errno::ISDIR),
            (Open::HostFile(_, access) | Open::MemFile { access, .. }, _) if !access.write => {
                Err(errno::BADF)
            }
            (Open::HostFile(file, access), _) => {
                let len = bytes.len() as u64;
                let at = match (offset, access.append) {
                    (Some(at), _) => at,
                    (None, true) => file.seek(SeekFrom::End(0)).map_err(|e| io_err(&e))?,
                    (None, false) => file.stream_position().map_err(|e| io_err(&e))?,
                };
                // Counting the end too keeps a far seek from making a huge sparse file.
                if written + len > QUOTA || at.saturating_add(len) > QUOTA {
                    return Err(NOSPC);
                }
                match offset {
                    None => file.write_all(bytes).map_err(|e| io_err(&e))?,
                    Some(at) => at_offset(file, at, |file| {
                        file.write_all(bytes).map_err(|e| io_err(&e))
                    })?,
                }
                self.written += len;
                Ok(())
            }
            (Open::MemFile { ino, pos, access }, Some(fs)) => {
                let at = match (offset, access.append) {
                    (Some(at), _) => at,
                    (None, true) => fs.data_mut(*ino)?.len() as u64,
                    (None, false) => *pos,
                };
                let end = fs.write_at(*ino, at, bytes)?;
                if offset.is_none() {
                    *pos = end;
                }
                Ok(())
            }
            (Open::MemFile { .. }, None) => Err(errno::BADF),
        }
    }

    /// `fd_seek` (`fd_tell` is a seek by 0 from the current position): the new position.
    pub fn seek(&mut self, fd: u32, offset: i64, whence: u32) -> Result<u64, Errno> {
        let fs = match &mut self.backend {
            Backend::Memory(fs) => Some(fs),
            Backend::Host(_) => None,
        };
        match (self.fds.get_mut(&fd).ok_or(errno::BADF)?, fs) {
            (Open::HostDir(_) | Open::MemDir(_), _) => Err(errno::ISDIR),
            (Open::HostFile(file, _), _) => {
                let from = match whence {
                    0 => SeekFrom::Start(u64::try_from(offset).map_err(|_| errno::INVAL)?),
                    1 => SeekFrom::Current(offset),
                    2 => SeekFrom::End(offset),
                    _ => return Err(errno::INVAL),
                };
                file.seek(from).map_err(|e| io_err(&e))
            }
            (Open::MemFile { ino, pos, .. }, Some(fs)) => {
                let base = match whence {
                    0 => 0,
                    1 => *pos,
                    2 => fs.data_mut(*ino)?.len() as u64,
                    _ => return Err(errno::INVAL),
                };
                let to = i128::from(base) + i128::from(offset);
                *pos = u64::try_from(to).map_err(|_| errno::INVAL)?;
                Ok(*pos)
            }
            (Open::MemFile { .. }, None) => Err(errno::BADF),
        }
    }

    /// `fd_readdir`: the `dirent` records of folder `fd` from entry `cookie`, cut to
    /// `room` bytes (a full buffer tells the program to call again).
    pub fn readdir(&mut self, fd: u32, cookie: u64, room: usize) -> Result<Vec<u8>, Errno> {
        let entries = if let Ok((_, dir)) = self.host_dir(fd) {
            sandbox::list_dir(dir)?
        } else {
            let (fs, dir) = self.mem_dir(fd)?;
            let parent = match fs.nodes.get(&dir) {
                Some(Node::Dir { parent, .. }) => *parent,
                _ => return Err(errno::NOENT),
            };
            let mut list = vec![
                (dir, filetype::DIRECTORY, b".".to_vec()),
                (parent, filetype::DIRECTORY, b"..".to_vec()),
            ];
            for (name, &ino) in fs.entries(dir)? {
                let kind = match fs.nodes.get(&ino) {
                    Some(Node::Dir { .. }) => filetype::DIRECTORY,
                    _ => filetype::REGULAR_FILE,
                };
                list.push((ino, kind, name.as_bytes().to_vec()));
            }
            list
        };
        let mut out = Vec::new();
        let skip = cookie.min(entries.len() as u64) as usize;
        for (i, (ino, kind, name)) in entries.iter().enumerate().skip(skip) {
            if out.len() >= room {
                break;
            }
            let mut head = [0u8; 24];
            head[0..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
            head[8..16].copy_from_slice(&ino.to_le_bytes());
            head[16..20].copy_from_slice(&(name.len() as u32).to_le_bytes());
            head[20] = *kind;
            out.extend_from_slice(&head);
            out.extend_from_slice(name);
        }
        out.truncate(room);
        Ok(out)
    }

    /// Resolves `path` in host folder `fd` for a call that changes the folder, without
    /// following a final link: the pre-opened folder itself may not be changed.
    fn host_path_to_change(&self, fd: u32, path: &str) -> Result<PathBuf, Errno> {
        let (root, dir) = self.host_dir(fd)?;
        let host = sandbox::resolve(root, dir, path, false)?;
        if host == root {
            return Err(errno::PERM);
        }
        Ok(host)
    }

    /// Like [`host_path_to_change`](Self::host_path_to_change) for the memory folder:
    /// the folder and the name in it.
    fn mem_path_to_change(&mut self, fd: u32, path: &str) -> Result<(u64, String), Errno> {
        let (fs, dir) = self.mem_dir(fd)?;
        match fs.locate(dir, path)? {
            (parent, Some(name)) => Ok((parent, name)),
            (_, None) => Err(errno::PERM),
        }
    }

    fn is_host(&self) -> bool {
        matches!(self.backend, Backend::Host(_))
    }

    fn fs(&mut self) -> Result<&mut MemFs, Errno> {
        match &mut self.backend {
            Backend::Memory(fs) => Ok(fs),
            Backend::Host(_) => Err(errno::NOTDIR),
        }
    }

    /// `path_create_directory`.
    pub fn create_dir(&mut self, fd: u32, path: &str) -> Result<(), Errno> {
        if self.is_host() {
            let host = self.host_path_to_change(fd, path)?;
            return std::fs::create_dir(host).map_err(|e| io_err(&e));
        }
        let (parent, name) = self.mem_path_to_change(fd, path)?;
        let fs = self.fs()?;
        if fs.entries(parent)?.contains_key(&name) {
            return Err(errno::EXIST);
        }
        fs.add(
            parent,
            name,
            Node::Dir {
                parent,
                entries: BTreeMap::new(),
            },
        )
        .map(drop)
    }

    /// `path_unlink_file`.
    pub fn unlink(&mut self, fd: u32, path: &str) -> Result<(), Errno> {
        if self.is_host() {
            let host = self.host_path_to_change(fd, path)?;
            let meta = std::fs::symlink_metadata(&host).map_err(|e| io_err(&e))?;
            if meta.is_dir() {
                return Err(errno::ISDIR);
            }
            return std::fs::remove_file(host).map_err(|e| io_err(&e));
        }
        let (parent, name) = self.mem_path_to_change(fd, path)?;
        let Self { backend, fds, .. } = self;
        let Backend::Memory(fs) = backend else {
            return Err(errno::NOTDIR);
        };
        let ino = *fs.entries(parent)?.get(&name).ok_or(errno::NOENT)?;
        match fs.nodes.get_mut(&ino) {
            Some(Node::File { linked, .. }) => *linked = false,
            _ => return Err(errno::ISDIR),
        }
        fs.entries_mut(parent)?.remove(&name);
        fs.collect(ino, fds);
        Ok(())
    }

    /// `path_remove_directory`.
    pub fn remove_dir(&mut self, fd: u32, path: &str) -> Result<(), Errno> {
        if self.is_host() {
            let host = self.host_path_to_change(fd, path)?;
            let meta = std::fs::symlink_metadata(&host).map_err(|e| io_err(&e))?;
            if !meta.is_dir() {
                return Err(errno::NOTDIR);
            }
            return std::fs::remove_dir(host).map_err(|e| io_err(&e));
        }
        let (parent, name) = self.mem_path_to_change(fd, path)?;
        let fs = self.fs()?;
        let ino = *fs.entries(parent)?.get(&name).ok_or(errno::NOENT)?;
        if !fs.entries(ino)?.is_empty() {
            return Err(errno::NOTEMPTY);
        }
        fs.entries_mut(parent)?.remove(&name);
        fs.nodes.remove(&ino);
        Ok(())
    }

    /// `path_rename`: `from` relative to folder `fd` becomes `to` relative to `to_fd`.
    pub fn rename(&mut self, fd: u32, from: &str, to_fd: u32, to: &str) -> Result<(), Errno> {
        if self.is_host() {
            let from = self.host_path_to_change(fd, from)?;
            let to = self.host_path_to_change(to_fd, to)?;
            return std::fs::rename(from, to).map_err(|e| io_err(&e));
        }
        let (from_dir, from_name) = self.mem_path_to_change(fd, from)?;
        let (to_dir, to_name) = self.mem_path_to_change(to_fd, to)?;
        let Self { backend, fds, .. } = self;
        let Backend::Memory(fs) = backend else {
            return Err(errno::NOTDIR);
        };
        let ino = *fs.entries(from_dir)?.get(&from_name).ok_or(errno::NOENT)?;
        let moving_dir = matches!(fs.nodes.get(&ino), Some(Node::Dir { .. }));
        if moving_dir && fs.inside(to_dir, ino) {
            return Err(errno::INVAL);
        }
        if let Some(&old) = fs.entries(to_dir)?.get(&to_name) {
            if old == ino {
                return Ok(());
            }
            match (moving_dir, fs.nodes.get(&old)) {
                (true, Some(Node::Dir { entries, .. })) if entries.is_empty() => {
                    fs.nodes.remove(&old);
                }
                (true, Some(Node::Dir { .. })) => return Err(errno::NOTEMPTY),
                (true, _) => return Err(errno::NOTDIR),
                (false, Some(Node::Dir { .. })) => return Err(errno::ISDIR),
                (false, _) => {
                    if let Some(Node::File { linked, .. }) = fs.nodes.get_mut(&old) {
                        *linked = false;
                    }
                    fs.collect(old, fds);
                }
            }
        }
        fs.entries_mut(from_dir)?.remove(&from_name);
        fs.entries_mut(to_dir)?.insert(to_name, ino);
        if let Some(Node::Dir { parent, .. }) = fs.nodes.get_mut(&ino) {
            *parent = to_dir;
        }
        Ok(())
    }
}

/// Reads until `buf` is full or the file ends.
fn read_full(file: &mut File, buf: &mut [u8]) -> Result<usize, Errno> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io_err(&e)),
        }
    }
    Ok(n)
}

/// Runs `f` on `file` at `offset`, then puts the file position back.
fn at_offset<T>(
    file: &mut File,
    offset: u64,
    f: impl FnOnce(&mut File) -> Result<T, Errno>,
) -> Result<T, Errno> {
    let pos = file.stream_position().map_err(|e| io_err(&e))?;
    file.seek(SeekFrom::Start(offset)).map_err(|e| io_err(&e))?;
    let result = f(file);
    file.seek(SeekFrom::Start(pos)).map_err(|e| io_err(&e))?;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    const READ: u64 = rights::FD_READ;
    const WRITE: u64 = rights::FD_WRITE;

    fn create(files: &mut Files, path: &str, bytes: &[u8]) -> u32 {
        create_in(files, PREOPEN_FD, path, bytes)
    }

    fn create_in(files: &mut Files, dir: u32, path: &str, bytes: &[u8]) -> u32 {
        let fd = files
            .path_open(dir, 0, path, flags::CREAT | flags::TRUNC, READ | WRITE, 0)
            .unwrap();
        files.write(fd, bytes, None).unwrap();
        fd
    }

    fn names(files: &mut Files, dir: u32) -> Vec<(String, u8)> {
        let out = files.readdir(dir, 0, 4096).unwrap();
        let mut names = Vec::new();
        let mut at = 0;
        while at + 24 <= out.len() {
            let len = u32::from_le_bytes(out[at + 16..at + 20].try_into().unwrap()) as usize;
            let name = String::from_utf8(out[at + 24..at + 24 + len].to_vec()).unwrap();
            names.push((name, out[at + 20]));
            at += 24 + len;
        }
        names
    }

    #[test]
    fn an_unlinked_file_stays_readable_while_open_and_its_bytes_are_freed_on_close() {
        let mut files = Files::memory();
        let fd = create(&mut files, "tmp.txt", b"scratch");
        files.unlink(PREOPEN_FD, "tmp.txt").unwrap();
        assert_eq!(
            files.path_filestat(PREOPEN_FD, "tmp.txt", false),
            Err(errno::NOENT)
        );
        assert_eq!(files.seek(fd, 0, 0), Ok(0));
        assert_eq!(files.read(fd, 100, None).unwrap(), b"scratch");
        let stat = files.fd_filestat(fd).unwrap();
        assert_eq!(stat[24], 0, "no links left");
        let Backend::Memory(fs) = &files.backend else {
            unreachable!()
        };
        assert_eq!(fs.stored, 7);
        files.close(fd).unwrap();
        let Backend::Memory(fs) = &files.backend else {
            unreachable!()
        };
        assert_eq!(fs.stored, 0);
        assert_eq!(fs.nodes.len(), 1, "only the root is left");
    }

    #[test]
    fn folders_move_with_their_open_descriptors_and_cannot_move_into_themselves() {
        let mut files = Files::memory();
        files.create_dir(PREOPEN_FD, "a").unwrap();
        files.create_dir(PREOPEN_FD, "a/b").unwrap();
        let b = files
            .path_open(PREOPEN_FD, 0, "a/b", flags::DIRECTORY, 0, 0)
            .unwrap();
        assert_eq!(
            files.rename(PREOPEN_FD, "a", PREOPEN_FD, "a/b/c"),
            Err(errno::INVAL)
        );
        files.rename(PREOPEN_FD, "a", PREOPEN_FD, "z").unwrap();
        // `b` is now z/b: `..` from it is z, and two levels up is the folder itself.
        assert_eq!(
            files.path_open(PREOPEN_FD, 0, "../note", flags::CREAT, WRITE, 0),
            Err(errno::NOTCAPABLE)
        );
        let fd = create_in(&mut files, b, "../note", b"hi");
        files.close(fd).unwrap();
        assert!(files.path_filestat(PREOPEN_FD, "z/note", false).is_ok());
        let fd = files.path_open(b, 0, "../../z/note", 0, READ, 0).unwrap();
        assert_eq!(files.read(fd, 10, None).unwrap(), b"hi");
        assert_eq!(
            files.path_open(b, 0, "../../..", flags::DIRECTORY, 0, 0),
            Err(errno::NOTCAPABLE)
        );
        assert_eq!(
            names(&mut files, PREOPEN_FD),
            [
                (".".into(), filetype::DIRECTORY),
                ("..".into(), filetype::DIRECTORY),
                ("z".into(), filetype::DIRECTORY)
            ]
        );
        assert_eq!(files.remove_dir(PREOPEN_FD, "z"), Err(errno::NOTEMPTY));
        assert_eq!(files.remove_dir(PREOPEN_FD, "."), Err(errno::PERM));
        assert_eq!(files.unlink(PREOPEN_FD, "z"), Err(errno::ISDIR));
    }

    #[test]
    fn access_modes_and_flags_are_kept() {
        let mut files = Files::memory();
        let fd = create(&mut files, "log", b"one\n");
        files.close(fd).unwrap();
        assert_eq!(
            files.path_open(PREOPEN_FD, 0, "log", flags::CREAT | flags::EXCL, WRITE, 0),
            Err(errno::EXIST)
        );
        let ro = files.path_open(PREOPEN_FD, 0, "log", 0, READ, 0).unwrap();
        assert_eq!(files.write(ro, b"x", None), Err(errno::BADF));
        let app = files
            .path_open(PREOPEN_FD, 0, "log", 0, WRITE, flags::APPEND)
            .unwrap();
        assert_eq!(files.read(app, 4, None), Err(errno::BADF));
        files.write(app, b"two\n", None).unwrap();
        assert_eq!(files.read(ro, 100, Some(0)).unwrap(), b"one\ntwo\n");
        assert_eq!(files.seek(ro, 0, 1), Ok(0), "pread keeps the position");
        assert_eq!(files.seek(ro, -1, 0), Err(errno::INVAL));
        assert_eq!(files.fdstat(app).unwrap()[2], 1, "append flag");
        assert_eq!(
            files.path_open(PREOPEN_FD, 0, "log", flags::DIRECTORY, 0, 0),
            Err(errno::NOTDIR)
        );
        assert_eq!(
            files.path_open(PREOPEN_FD, 0, "/log", 0, READ, 0),
            Err(errno::NOTCAPABLE)
        );
        assert_eq!(files.close(99), Err(errno::BADF));
        let restarted = files.restarted();
        assert_eq!(restarted.fds.len(), 1, "only the pre-opened folder");
    }
}
