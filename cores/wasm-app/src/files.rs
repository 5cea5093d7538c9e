//! The descriptors of a WASI program: its three standard streams and the one folder it
//! may use, pre-opened as descriptor 3 under the name `.`.
//!
//! The folder is either a host folder chosen by the frontend
//! ([`WasmApp::set_files_dir`](crate::WasmApp::set_files_dir)) or, without one, a folder
//! kept in memory for the app alone (its files vanish with the core). Guest paths are
//! resolved with the runtime's sandbox rules (`heirloom_wasm::wasi::fs`): absolute paths,
//! `..` above the folder and symbolic links pointing outside are refused with
//! `ENOTCAPABLE`. At most [`QUOTA`] bytes may be written in all (host folder) or held in
//! all (memory folder); beyond, writes and `fd_filestat_set_size` fail with `ENOSPC`.
//!
//! Descriptors are numbered like POSIX ones: a new descriptor takes the lowest free number,
//! so a program that closes its standard output and opens a file writes to that file.
//! `fd_renumber` moves a descriptor onto another open one (how wasi-libc's `freopen`
//! redirects a standard stream); the pre-opened folder can be neither moved nor replaced
//! (`ENOTSUP`), as wasi-libc keeps its own table of pre-opened folders.
//!
//! The in-memory folder is reproducible: inode numbers count up from 1 in creation order,
//! and time stamps follow the app's emulated wall clock (see [`Files::set_clock`]): a new
//! file or folder takes the current time for all three stamps; writing, truncating or
//! resizing a file sets its modification and change times; adding, removing or renaming
//! an entry sets them on the folder; reads leave the access time alone (as a `noatime`
//! mount does); `fd_filestat_set_times`/`path_filestat_set_times` set the access and
//! modification times and, as POSIX has it, the change time to now. The folder itself
//! starts with every stamp 0. It holds no links: `path_symlink` and `path_link` answer
//! `ENOTSUP`, and `path_readlink` `EINVAL` (no entry is a link).
//!
//! In a host folder, time stamps are the host file's, and set on it. Symbolic links may be
//! created only with a relative target that stays inside the folder when resolved
//! lexically from the link's own folder (otherwise `ENOTCAPABLE`), and `path_readlink`
//! shows only such targets (a link the host placed pointing elsewhere is `ENOTCAPABLE`, so
//! host path names stay private). Hard links join two names inside the folder. The
//! sandbox does not rest on these creation rules: a link is checked again each time it
//! is followed, so one moved by `path_rename` to where its target leads outside only
//! answers `ENOTCAPABLE`.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use heirloom_wasm::wasi::errno;
use heirloom_wasm::wasi::fs::{self as sandbox, filetype};

/// The descriptor of the pre-opened folder.
pub const PREOPEN_FD: u32 = 3;
/// The name the program sees the folder under: wasi-libc resolves relative paths such
/// as `scores.txt` against a pre-opened `.`, and finds no folder for absolute paths.
pub const PREOPEN_NAME: &str = ".";
/// Most bytes an app may write to a host folder, or keep in its memory folder.
pub const QUOTA: u64 = 64 << 20;
/// Most descriptors open at once, the standard streams and the pre-opened folder included.
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
    pub const PATH_LINK_SOURCE: u64 = 1 << 11;
    pub const PATH_LINK_TARGET: u64 = 1 << 12;
    pub const PATH_OPEN: u64 = 1 << 13;
    pub const FD_READDIR: u64 = 1 << 14;
    pub const PATH_READLINK: u64 = 1 << 15;
    pub const PATH_RENAME_SOURCE: u64 = 1 << 16;
    pub const PATH_RENAME_TARGET: u64 = 1 << 17;
    pub const PATH_FILESTAT_GET: u64 = 1 << 18;
    pub const PATH_FILESTAT_SET_TIMES: u64 = 1 << 20;
    pub const FD_FILESTAT_GET: u64 = 1 << 21;
    pub const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
    pub const FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
    pub const PATH_SYMLINK: u64 = 1 << 24;
    pub const PATH_REMOVE_DIRECTORY: u64 = 1 << 25;
    pub const PATH_UNLINK_FILE: u64 = 1 << 26;
    pub const FILE: u64 = FD_READ
        | FD_SEEK
        | FD_TELL
        | FD_WRITE
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_SIZE
        | FD_FILESTAT_SET_TIMES;
    pub const DIR: u64 = PATH_CREATE_DIRECTORY
        | PATH_CREATE_FILE
        | PATH_LINK_SOURCE
        | PATH_LINK_TARGET
        | PATH_OPEN
        | FD_READDIR
        | PATH_READLINK
        | PATH_RENAME_SOURCE
        | PATH_RENAME_TARGET
        | PATH_FILESTAT_GET
        | PATH_FILESTAT_SET_TIMES
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_TIMES
        | PATH_SYMLINK
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
    /// `fst_flags`: set the access time to the given value.
    pub const ATIM: u32 = 1;
    /// `fst_flags`: set the access time to now.
    pub const ATIM_NOW: u32 = 2;
    /// `fst_flags`: set the modification time to the given value.
    pub const MTIM: u32 = 4;
    /// `fst_flags`: set the modification time to now.
    pub const MTIM_NOW: u32 = 8;
}

/// A standard stream, as a descriptor may hold it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// Standard input: the text typed for the program.
    Input,
    /// Standard output.
    Output,
    /// Standard error.
    Error,
}

/// How an opened file may be used.
#[derive(Clone, Copy, Debug)]
struct Access {
    read: bool,
    write: bool,
    append: bool,
}

/// A file open for writing, where it lives.
enum Writable<'a> {
    /// A file of the host folder.
    Host(&'a mut File, Access),
    /// A file of the memory folder, with its position.
    Memory {
        fs: &'a mut MemFs,
        ino: u64,
        pos: &'a mut u64,
        access: Access,
    },
}

/// The file `fd` of `fds` if it is open for writing. A standard stream is `on_stream`, a
/// folder `EISDIR`, a file opened only for reading `EBADF`.
fn writable<'a>(
    fds: &'a mut BTreeMap<u32, Open>,
    backend: &'a mut Backend,
    fd: u32,
    on_stream: Errno,
) -> Result<Writable<'a>, Errno> {
    match (fds.get_mut(&fd).ok_or(errno::BADF)?, backend) {
        (Open::Stream(_), _) => Err(on_stream),
        (Open::HostDir(_) | Open::MemDir(_), _) => Err(errno::ISDIR),
        (Open::HostFile(_, access) | Open::MemFile { access, .. }, _) if !access.write => {
            Err(errno::BADF)
        }
        (Open::HostFile(file, access), _) => Ok(Writable::Host(file, *access)),
        (Open::MemFile { ino, pos, access }, Backend::Memory(fs)) => Ok(Writable::Memory {
            fs,
            ino: *ino,
            pos,
            access: *access,
        }),
        (Open::MemFile { .. }, Backend::Host(_)) => Err(errno::BADF),
    }
}

enum Open {
    /// A standard stream (descriptors 0 to 2 at the start).
    Stream(Stream),
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

/// The time stamps of an inode of the memory folder, in nanoseconds since the Unix epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Times {
    /// Last access.
    atim: u64,
    /// Last modification of the contents.
    mtim: u64,
    /// Last change of the contents or the status.
    ctim: u64,
}

/// A folder held in memory: inodes, the root being inode 1.
#[derive(Clone, Debug)]
struct MemFs {
    nodes: BTreeMap<u64, Node>,
    /// The time stamps of every inode in `nodes`.
    times: BTreeMap<u64, Times>,
    next: u64,
    /// Bytes held by all files.
    stored: u64,
    /// The app's wall clock now, stamped on what changes.
    clock: u64,
}

const ROOT: u64 = 1;

enum Backend {
    /// The canonical host folder.
    Host(PathBuf),
    Memory(MemFs),
}

/// The descriptors of one app: its standard streams, its folder and the files it opened.
pub struct Files {
    backend: Backend,
    fds: BTreeMap<u32, Open>,
    /// Whether descriptor [`PREOPEN_FD`] still holds the pre-opened folder.
    preopened: bool,
    /// Bytes written to the host folder so far.
    written: u64,
    /// The app's wall clock now (nanoseconds since the Unix epoch): what "now" means.
    clock: u64,
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

/// A `filestat` of the memory folder (device 0).
fn filestat(ino: u64, kind: u8, nlink: u64, size: u64, times: Times) -> [u8; 64] {
    let mut out = [0u8; 64];
    out[8..16].copy_from_slice(&ino.to_le_bytes());
    out[16] = kind;
    out[24..32].copy_from_slice(&nlink.to_le_bytes());
    out[32..40].copy_from_slice(&size.to_le_bytes());
    out[40..48].copy_from_slice(&times.atim.to_le_bytes());
    out[48..56].copy_from_slice(&times.mtim.to_le_bytes());
    out[56..64].copy_from_slice(&times.ctim.to_le_bytes());
    out
}

/// The access and modification times `fst_flags` asks for (`None`: leave it), with
/// `now` for the `*_NOW` bits. Both a time and its `NOW` bit, or an unknown bit, is
/// `EINVAL`.
fn chosen_times(
    fst_flags: u32,
    atim: u64,
    mtim: u64,
    now: u64,
) -> Result<(Option<u64>, Option<u64>), Errno> {
    use flags::{ATIM, ATIM_NOW, MTIM, MTIM_NOW};
    if fst_flags & !(ATIM | ATIM_NOW | MTIM | MTIM_NOW) != 0
        || fst_flags & (ATIM | ATIM_NOW) == ATIM | ATIM_NOW
        || fst_flags & (MTIM | MTIM_NOW) == MTIM | MTIM_NOW
    {
        return Err(errno::INVAL);
    }
    let pick = |given: u32, now_bit: u32, value: u64| {
        if fst_flags & now_bit != 0 {
            Some(now)
        } else if fst_flags & given != 0 {
            Some(value)
        } else {
            None
        }
    };
    Ok((pick(ATIM, ATIM_NOW, atim), pick(MTIM, MTIM_NOW, mtim)))
}

/// Sets the times of the open host file or folder `file`.
fn set_host_times(file: &File, atim: Option<u64>, mtim: Option<u64>) -> Result<(), Errno> {
    if atim.is_none() && mtim.is_none() {
        return Ok(());
    }
    let at = |ns: u64| SystemTime::UNIX_EPOCH + Duration::from_nanos(ns);
    let mut times = std::fs::FileTimes::new();
    if let Some(ns) = atim {
        times = times.set_accessed(at(ns));
    }
    if let Some(ns) = mtim {
        times = times.set_modified(at(ns));
    }
    file.set_times(times).map_err(|e| io_err(&e))
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
            times: BTreeMap::from([(ROOT, Times::default())]),
            next: ROOT + 1,
            stored: 0,
            clock: 0,
        }
    }

    /// Marks inode `ino` modified now (contents and status).
    fn touch(&mut self, ino: u64) {
        let clock = self.clock;
        if let Some(times) = self.times.get_mut(&ino) {
            times.mtim = clock;
            times.ctim = clock;
        }
    }

    /// Marks inode `ino`'s status changed now.
    fn changed(&mut self, ino: u64) {
        let clock = self.clock;
        if let Some(times) = self.times.get_mut(&ino) {
            times.ctim = clock;
        }
    }

    /// Forgets inode `ino`.
    fn remove(&mut self, ino: u64) {
        self.nodes.remove(&ino);
        self.times.remove(&ino);
    }

    /// Sets the access and modification times of inode `ino` (`None`: left as is) and,
    /// if either is set, its change time to now.
    fn set_times(&mut self, ino: u64, atim: Option<u64>, mtim: Option<u64>) -> Result<(), Errno> {
        let clock = self.clock;
        let times = self.times.get_mut(&ino).ok_or(errno::NOENT)?;
        if atim.is_none() && mtim.is_none() {
            return Ok(());
        }
        if let Some(at) = atim {
            times.atim = at;
        }
        if let Some(at) = mtim {
            times.mtim = at;
        }
        times.ctim = clock;
        Ok(())
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

    /// Adds `node` as `name` in folder `parent`, stamped now.
    fn add(&mut self, parent: u64, name: String, node: Node) -> Result<u64, Errno> {
        let ino = self.next;
        self.entries_mut(parent)?.insert(name, ino);
        self.next += 1;
        self.nodes.insert(ino, node);
        let now = self.clock;
        self.times.insert(
            ino,
            Times {
                atim: now,
                mtim: now,
                ctim: now,
            },
        );
        self.touch(parent);
        Ok(ino)
    }

    fn stat(&self, ino: u64) -> Result<[u8; 64], Errno> {
        let times = self.times.get(&ino).copied().unwrap_or_default();
        match self.nodes.get(&ino) {
            Some(Node::Dir { .. }) => Ok(filestat(ino, filetype::DIRECTORY, 1, 0, times)),
            Some(Node::File { data, linked }) => Ok(filestat(
                ino,
                filetype::REGULAR_FILE,
                u64::from(*linked),
                data.len() as u64,
                times,
            )),
            None => Err(errno::NOENT),
        }
    }

    /// Makes file `ino` `size` bytes long (cut, or grown with zeros within the quota).
    fn set_size(&mut self, ino: u64, size: u64) -> Result<(), Errno> {
        let stored = self.stored;
        let data = self.data_mut(ino)?;
        let len = data.len() as u64;
        if size > len && stored.saturating_add(size - len) > QUOTA {
            return Err(NOSPC);
        }
        data.resize(usize::try_from(size).map_err(|_| NOSPC)?, 0);
        self.stored = stored - len + size;
        self.touch(ino);
        Ok(())
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
        if bytes.is_empty() {
            return Ok(pos);
        }
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
        self.touch(ino);
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
            self.remove(ino);
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
            fds: BTreeMap::from([
                (0, Open::Stream(Stream::Input)),
                (1, Open::Stream(Stream::Output)),
                (2, Open::Stream(Stream::Error)),
                (PREOPEN_FD, root),
            ]),
            preopened: true,
            written: 0,
            clock: 0,
        }
    }

    /// Sets the app's wall clock (nanoseconds since the Unix epoch): the "now" of the
    /// calls that follow, for `*_NOW` time stamps and the memory folder's changes.
    pub fn set_clock(&mut self, now_ns: u64) {
        self.clock = now_ns;
        if let Backend::Memory(fs) = &mut self.backend {
            fs.clock = now_ns;
        }
    }

    /// The same folder with the standard streams and the pre-opened folder as at the
    /// start and every other descriptor closed: what a restarted app (reset, state
    /// loaded) finds.
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
        files.set_clock(self.clock);
        files
    }

    fn open(&self, fd: u32) -> Result<&Open, Errno> {
        self.fds.get(&fd).ok_or(errno::BADF)
    }

    /// The standard stream descriptor `fd` holds (`None` for a file or folder); `EBADF`
    /// if it is not open.
    pub fn stream(&self, fd: u32) -> Result<Option<Stream>, Errno> {
        match self.open(fd)? {
            Open::Stream(stream) => Ok(Some(*stream)),
            _ => Ok(None),
        }
    }

    fn is_preopen(&self, fd: u32) -> bool {
        fd == PREOPEN_FD && self.preopened
    }

    /// The name of the pre-opened folder `fd`.
    pub fn prestat_name(&self, fd: u32) -> Result<&'static str, Errno> {
        if self.is_preopen(fd) {
            Ok(PREOPEN_NAME)
        } else {
            Err(errno::BADF)
        }
    }

    /// `fd_fdstat_get`: the 24-byte `fdstat` of `fd`.
    pub fn fdstat(&self, fd: u32) -> Result<[u8; 24], Errno> {
        let (kind, append, base, inheriting) = match self.open(fd)? {
            Open::Stream(stream) => {
                let base = match stream {
                    Stream::Input => rights::FD_READ,
                    Stream::Output | Stream::Error => rights::FD_WRITE,
                };
                (filetype::CHARACTER_DEVICE, false, base, 0)
            }
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
                    base &= !(rights::FD_WRITE | rights::FD_FILESTAT_SET_SIZE);
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
            (Open::Stream(_), _) => {
                let mut stat = [0u8; 64];
                stat[16] = filetype::CHARACTER_DEVICE;
                Ok(stat)
            }
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

    /// Gives `open` the lowest free descriptor.
    fn insert(&mut self, open: Open) -> Result<u32, Errno> {
        if self.fds.len() >= MAX_OPEN {
            return Err(MFILE);
        }
        let free = (0..).find(|n| !self.fds.contains_key(n)).ok_or(MFILE)?;
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
                    fs.set_size(ino, 0)?;
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
        if fd == PREOPEN_FD {
            self.preopened = false;
        }
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
            (Open::Stream(_), _) => Err(errno::BADF),
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
        match writable(&mut self.fds, &mut self.backend, fd, errno::BADF)? {
            Writable::Host(file, access) => {
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
            Writable::Memory {
                fs,
                ino,
                pos,
                access,
            } => {
                let at = match (offset, access.append) {
                    (Some(at), _) => at,
                    (None, true) => fs.data_mut(ino)?.len() as u64,
                    (None, false) => *pos,
                };
                let end = fs.write_at(ino, at, bytes)?;
                if offset.is_none() {
                    *pos = end;
                }
                Ok(())
            }
        }
    }

    /// `fd_seek` (`fd_tell` is a seek by 0 from the current position): the new position.
    pub fn seek(&mut self, fd: u32, offset: i64, whence: u32) -> Result<u64, Errno> {
        let fs = match &mut self.backend {
            Backend::Memory(fs) => Some(fs),
            Backend::Host(_) => None,
        };
        match (self.fds.get_mut(&fd).ok_or(errno::BADF)?, fs) {
            (Open::Stream(_), _) => Err(errno::SPIPE),
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
        fs.touch(parent);
        fs.changed(ino);
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
        fs.remove(ino);
        fs.touch(parent);
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
                    fs.remove(old);
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
        fs.touch(from_dir);
        fs.touch(to_dir);
        fs.changed(ino);
        Ok(())
    }

    /// `fd_renumber`: descriptor `from` takes the place of the open descriptor `to` (which
    /// is closed) and `from` is closed. Either being the pre-opened folder is `ENOTSUP`.
    pub fn renumber(&mut self, from: u32, to: u32) -> Result<(), Errno> {
        self.open(from)?;
        self.open(to)?;
        if from == to {
            return Ok(());
        }
        if self.is_preopen(from) || self.is_preopen(to) {
            return Err(errno::NOTSUP);
        }
        let open = self.fds.remove(&from).ok_or(errno::BADF)?;
        let replaced = self.fds.insert(to, open);
        if let (Some(Open::MemFile { ino, .. }), Backend::Memory(fs)) =
            (replaced, &mut self.backend)
        {
            fs.collect(ino, &self.fds);
        }
        Ok(())
    }

    /// `fd_filestat_set_size` (`ftruncate`): cuts file `fd` to `size` bytes or grows it
    /// with zeros, within the quota (`ENOSPC`). A folder is `EISDIR`, a standard stream
    /// `EINVAL`, a file not open for writing `EBADF`.
    pub fn set_size(&mut self, fd: u32, size: u64) -> Result<(), Errno> {
        let written = self.written;
        match writable(&mut self.fds, &mut self.backend, fd, errno::INVAL)? {
            Writable::Host(file, _) => {
                let len = file.metadata().map_err(|e| io_err(&e))?.len();
                let growth = size.saturating_sub(len);
                if growth > 0 && (written.saturating_add(growth) > QUOTA || size > QUOTA) {
                    return Err(NOSPC);
                }
                file.set_len(size).map_err(|e| io_err(&e))?;
                self.written += growth;
                Ok(())
            }
            Writable::Memory { fs, ino, .. } => fs.set_size(ino, size),
        }
    }

    /// `fd_filestat_set_times` (`futimens`): sets the access and modification times of
    /// the file or folder `fd` as `fst_flags` asks (see [`flags::ATIM`] and the next).
    /// The standard streams have no time stamps (`ENOTSUP`).
    pub fn fd_set_times(
        &mut self,
        fd: u32,
        atim: u64,
        mtim: u64,
        fst_flags: u32,
    ) -> Result<(), Errno> {
        let (atim, mtim) = chosen_times(fst_flags, atim, mtim, self.clock)?;
        match (self.fds.get(&fd).ok_or(errno::BADF)?, &mut self.backend) {
            (Open::Stream(_), _) => Err(errno::NOTSUP),
            (Open::HostFile(file, _), _) => set_host_times(file, atim, mtim),
            (Open::HostDir(path), _) => {
                set_host_times(&File::open(path).map_err(|e| io_err(&e))?, atim, mtim)
            }
            (Open::MemDir(ino) | Open::MemFile { ino, .. }, Backend::Memory(fs)) => {
                fs.set_times(*ino, atim, mtim)
            }
            _ => Err(errno::BADF),
        }
    }

    /// `path_filestat_set_times` (`utimensat`): like
    /// [`fd_set_times`](Self::fd_set_times) for `path` relative to folder `fd`. In a
    /// host folder the times of a symbolic link itself (not followed) cannot be set
    /// (`ENOTSUP`).
    pub fn path_set_times(
        &mut self,
        fd: u32,
        path: &str,
        follow: bool,
        atim: u64,
        mtim: u64,
        fst_flags: u32,
    ) -> Result<(), Errno> {
        let (atim, mtim) = chosen_times(fst_flags, atim, mtim, self.clock)?;
        if let Ok((root, dir)) = self.host_dir(fd) {
            let host = sandbox::resolve(root, dir, path, follow)?;
            let meta = std::fs::symlink_metadata(&host).map_err(|e| io_err(&e))?;
            if meta.file_type().is_symlink() {
                return Err(errno::NOTSUP);
            }
            let file = File::open(&host).map_err(|e| io_err(&e))?;
            return set_host_times(&file, atim, mtim);
        }
        let (fs, dir) = self.mem_dir(fd)?;
        let (parent, name) = fs.locate(dir, path)?;
        let ino = fs.lookup(parent, name.as_deref())?.ok_or(errno::NOENT)?;
        fs.set_times(ino, atim, mtim)
    }

    /// `path_readlink`: the target of the symbolic link `path` relative to folder `fd`.
    /// Anything else is `EINVAL`; in a host folder, a link whose target is absolute or
    /// leads outside the folder is `ENOTCAPABLE`.
    pub fn readlink(&mut self, fd: u32, path: &str) -> Result<Vec<u8>, Errno> {
        if let Ok((root, dir)) = self.host_dir(fd) {
            let host = sandbox::resolve(root, dir, path, false)?;
            let meta = std::fs::symlink_metadata(&host).map_err(|e| io_err(&e))?;
            if !meta.file_type().is_symlink() {
                return Err(errno::INVAL);
            }
            let target = std::fs::read_link(&host).map_err(|e| io_err(&e))?;
            let target = target.to_str().ok_or(errno::NOTCAPABLE)?;
            check_link_target(root, &host, target)?;
            return Ok(target.as_bytes().to_vec());
        }
        let (fs, dir) = self.mem_dir(fd)?;
        let (parent, name) = fs.locate(dir, path)?;
        fs.lookup(parent, name.as_deref())?.ok_or(errno::NOENT)?;
        Err(errno::INVAL)
    }

    /// `path_symlink`: makes `path` (relative to folder `fd`) a symbolic link to
    /// `target`. In a host folder the target must be relative and stay inside the
    /// folder when resolved from the link's folder (`ENOTCAPABLE`); the memory folder
    /// holds no links (`ENOTSUP`).
    pub fn symlink(&mut self, target: &str, fd: u32, path: &str) -> Result<(), Errno> {
        if self.is_host() {
            let host = self.host_path_to_change(fd, path)?;
            let (root, _) = self.host_dir(fd)?;
            check_link_target(root, &host, target)?;
            return make_symlink(target, &host);
        }
        self.mem_path_to_change(fd, path)?;
        Err(errno::NOTSUP)
    }

    /// `path_link`: gives the file `old_path` (relative to folder `old_fd`, its final
    /// link followed with `follow`) the further name `new_path` (relative to `new_fd`).
    /// Folders cannot be linked (`EPERM`); the memory folder holds no links (`ENOTSUP`).
    pub fn link(
        &mut self,
        old_fd: u32,
        follow: bool,
        old_path: &str,
        new_fd: u32,
        new_path: &str,
    ) -> Result<(), Errno> {
        if self.is_host() {
            let (root, dir) = self.host_dir(old_fd)?;
            let from = sandbox::resolve(root, dir, old_path, follow)?;
            let meta = std::fs::symlink_metadata(&from).map_err(|e| io_err(&e))?;
            if meta.is_dir() {
                return Err(errno::PERM);
            }
            let to = self.host_path_to_change(new_fd, new_path)?;
            if meta.file_type().is_symlink() {
                // A second name for a link: its target must still stay inside from there.
                let target = std::fs::read_link(&from).map_err(|e| io_err(&e))?;
                let target = target.to_str().ok_or(errno::NOTCAPABLE)?;
                let (root, _) = self.host_dir(new_fd)?;
                check_link_target(root, &to, target)?;
            }
            return std::fs::hard_link(from, to).map_err(|e| io_err(&e));
        }
        self.mem_path_to_change(old_fd, old_path)?;
        self.mem_path_to_change(new_fd, new_path)?;
        Err(errno::NOTSUP)
    }
}

/// Checks that the link target `target` of the link at host path `link` (inside the
/// canonical `root`) is relative and, resolved lexically from the link's folder, stays
/// inside `root`.
fn check_link_target(root: &Path, link: &Path, target: &str) -> Result<(), Errno> {
    let folder = link
        .parent()
        .and_then(|p| p.strip_prefix(root).ok())
        .ok_or(errno::NOTCAPABLE)?;
    let parts = folder
        .components()
        .map(|c| c.as_os_str().to_str().map(str::to_owned))
        .collect::<Option<Vec<String>>>()
        .ok_or(errno::NOTCAPABLE)?;
    sandbox::resolve_lexically(parts, target).map(drop)
}

#[cfg(unix)]
fn make_symlink(target: &str, link: &Path) -> Result<(), Errno> {
    std::os::unix::fs::symlink(target, link).map_err(|e| io_err(&e))
}

/// Symbolic links are made only on Unix hosts.
#[cfg(not(unix))]
fn make_symlink(_: &str, _: &Path) -> Result<(), Errno> {
    Err(errno::NOTSUP)
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

    fn stored(files: &Files) -> u64 {
        let Backend::Memory(fs) = &files.backend else {
            unreachable!()
        };
        fs.stored
    }

    #[test]
    fn resizing_and_renumbering_keep_the_bytes_held_right() {
        let mut files = Files::memory();
        let a = create(&mut files, "a", b"12345");
        let b = create(&mut files, "b", b"xyz");
        assert_eq!(stored(&files), 8);
        files.set_size(a, 2).unwrap();
        assert_eq!(stored(&files), 5);
        files.set_size(a, 6).unwrap();
        assert_eq!(files.read(a, 10, Some(0)).unwrap(), b"12\0\0\0\0");
        assert_eq!(stored(&files), 9);
        assert_eq!(files.set_size(a, QUOTA), Err(NOSPC));
        assert_eq!(stored(&files), 9, "a refused resize holds nothing more");
        // b's only name goes, then its only descriptor is replaced: its bytes are freed.
        files.unlink(PREOPEN_FD, "b").unwrap();
        assert_eq!(stored(&files), 9);
        files.renumber(a, b).unwrap();
        assert_eq!(stored(&files), 6);
        assert_eq!(files.read(b, 10, Some(0)).unwrap(), b"12\0\0\0\0");
        assert_eq!(files.close(a), Err(errno::BADF));
        assert_eq!(files.renumber(b, PREOPEN_FD), Err(errno::NOTSUP));
        assert_eq!(files.renumber(PREOPEN_FD, 1), Err(errno::NOTSUP));
        assert_eq!(files.set_size(PREOPEN_FD, 0), Err(errno::ISDIR));
        // Renumbering onto standard output and closing standard input.
        files.renumber(b, 1).unwrap();
        assert_eq!(files.stream(1), Ok(None));
        assert_eq!(files.stream(2), Ok(Some(Stream::Error)));
        files.close(0).unwrap();
        assert_eq!(files.stream(0), Err(errno::BADF));
        let c = create(&mut files, "c", b"");
        assert_eq!(c, 0, "the lowest free descriptor");
        assert_eq!(files.prestat_name(PREOPEN_FD), Ok(PREOPEN_NAME));
        files.close(PREOPEN_FD).unwrap();
        let d = files.path_open(c, 0, "x", 0, READ, 0);
        assert_eq!(d, Err(errno::NOTDIR));
        assert_eq!(files.prestat_name(PREOPEN_FD), Err(errno::BADF));
    }

    #[test]
    fn memory_time_stamps_follow_the_clock() {
        let mut files = Files::memory();
        files.set_clock(100);
        let fd = create(&mut files, "f", b"");
        let times = |files: &Files, fd| {
            let stat = files.fd_filestat(fd).unwrap();
            let at = |i: usize| u64::from_le_bytes(stat[i..i + 8].try_into().unwrap());
            (at(40), at(48), at(56))
        };
        assert_eq!(times(&files, fd), (100, 100, 100));
        assert_eq!(
            times(&files, PREOPEN_FD),
            (0, 100, 100),
            "an entry was added"
        );
        files.set_clock(200);
        files.write(fd, b"", None).unwrap();
        assert_eq!(
            times(&files, fd),
            (100, 100, 100),
            "an empty write changes nothing"
        );
        files.write(fd, b"x", None).unwrap();
        assert_eq!(times(&files, fd), (100, 200, 200));
        files.set_clock(300);
        files
            .fd_set_times(fd, 7, 8, flags::ATIM | flags::MTIM_NOW)
            .unwrap();
        assert_eq!(times(&files, fd), (7, 300, 300));
        assert_eq!(
            files.fd_set_times(fd, 0, 0, flags::MTIM | flags::MTIM_NOW),
            Err(errno::INVAL)
        );
        files.set_clock(350);
        files.fd_set_times(fd, 0, 0, 0).unwrap();
        assert_eq!(
            times(&files, fd),
            (7, 300, 300),
            "nothing asked, nothing changed"
        );
        files.set_clock(400);
        files.rename(PREOPEN_FD, "f", PREOPEN_FD, "g").unwrap();
        assert_eq!(times(&files, fd), (7, 300, 400));
        assert_eq!(times(&files, PREOPEN_FD), (0, 400, 400));
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
        assert_eq!(
            restarted.fds.keys().copied().collect::<Vec<_>>(),
            [0, 1, 2, PREOPEN_FD],
            "only the standard streams and the pre-opened folder"
        );
    }
}
