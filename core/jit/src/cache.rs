//! The on-disk cache of compiled code.
//!
//! One file per module and instance shape, named by the SHA-256 of everything its code
//! depends on: this compiler's source and Cranelift's version, the target and its
//! settings, the decoded module, and the store indices the code embeds (instance,
//! functions, tables, memory). Addresses of the running process are not in the code (see
//! [`crate::symbols`]), so a file written by one process serves the next.
//!
//! Files are written whole to a temporary name and renamed into place. A file that does
//! not read back exactly (truncated, corrupted, written for other code) is a miss: the
//! module is compiled again and the file replaced. The cache folder must be as trusted
//! as the program itself, since the code in it runs.

use std::fs;
use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use cranelift_codegen::binemit::Reloc;
use cranelift_codegen::ir::LibCall;
use cranelift_codegen::isa::TargetIsa;
use heirloom_wasm::ValidatedModule;
use heirloom_wasm::exec::native::InstanceEnv;
use sha2::{Digest, Sha256};

use crate::compile::{Code, CompiledFunction, Relocation, Target};
use crate::symbols::Symbols;

/// The first bytes of a cache file.
const MAGIC: &[u8; 8] = b"HLJITC\x00\x01";

/// The relocation kinds a cache file can hold, by their number in the file.
const RELOC_KINDS: [Reloc; 17] = [
    Reloc::Abs4,
    Reloc::Abs8,
    Reloc::X86PCRel4,
    Reloc::X86CallPCRel4,
    Reloc::X86CallPLTRel4,
    Reloc::X86GOTPCRel4,
    Reloc::Arm64Call,
    Reloc::Aarch64AdrGotPage21,
    Reloc::Aarch64AdrPrelPgHi21,
    Reloc::Aarch64AddAbsLo12Nc,
    Reloc::Aarch64Ld64GotLo12Nc,
    Reloc::RiscvCallPlt,
    Reloc::RiscvPCRelLo12I,
    Reloc::RiscvGotHi20,
    Reloc::RiscvPCRelHi20,
    Reloc::S390xPCRel32Dbl,
    Reloc::S390xPLTRel32Dbl,
];

/// How the cache served the modules compiled so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Modules whose code came from the cache.
    pub hits: u64,
    /// Modules compiled because the cache had no usable file for them.
    pub misses: u64,
    /// Files written.
    pub writes: u64,
    /// Files that could not be written (the code was used all the same).
    pub write_failures: u64,
}

/// A folder of compiled code.
#[derive(Debug)]
pub(crate) struct CodeCache {
    dir: PathBuf,
    hits: AtomicU64,
    misses: AtomicU64,
    writes: AtomicU64,
    write_failures: AtomicU64,
}

/// The name of one module's code in the cache.
pub(crate) struct Key([u8; 32]);

impl CodeCache {
    /// A cache in `dir` (created when first written).
    pub(crate) fn new(dir: PathBuf) -> CodeCache {
        CodeCache {
            dir,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            writes: AtomicU64::new(0),
            write_failures: AtomicU64::new(0),
        }
    }

    /// The counts so far.
    pub(crate) fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            writes: self.writes.load(Ordering::Relaxed),
            write_failures: self.write_failures.load(Ordering::Relaxed),
        }
    }

    /// The key of `module`'s code for an instance with environment `env`.
    pub(crate) fn key(isa: &dyn TargetIsa, module: &ValidatedModule, env: &InstanceEnv) -> Key {
        let mut digest = Sha256Hasher(Sha256::new());
        MAGIC.hash(&mut digest);
        env!("HEIRLOOM_JIT_SOURCE_HASH").hash(&mut digest);
        cranelift_jit::VERSION.hash(&mut digest);
        isa.triple().to_string().hash(&mut digest);
        isa.flags().to_string().hash(&mut digest);
        for flag in isa.isa_flags() {
            flag.to_string().hash(&mut digest);
        }
        module.module().hash(&mut digest);
        env.instance.hash(&mut digest);
        for func in &env.funcs {
            (func.addr, func.direct.is_some()).hash(&mut digest);
        }
        env.globals.len().hash(&mut digest);
        env.memory.map(|(addr, _)| addr).hash(&mut digest);
        env.tables.hash(&mut digest);
        Key(digest.0.finalize().into())
    }

    fn path(&self, key: &Key) -> PathBuf {
        let name: String = key.0.iter().map(|b| format!("{b:02x}")).collect();
        self.dir.join(format!("{name}.code"))
    }

    /// The code stored under `key`, if a file holds valid code for `symbols`.
    pub(crate) fn load(&self, key: &Key, symbols: &Symbols) -> Option<Vec<CompiledFunction>> {
        let found = fs::read(self.path(key))
            .ok()
            .and_then(|file| decode(&file, key, symbols));
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Stores `code` under `key`. Code the file format cannot hold is not stored.
    pub(crate) fn store(&self, key: &Key, code: &[CompiledFunction]) {
        let Some(file) = encode(key, code) else {
            return;
        };
        let counter = match write_atomically(&self.dir, &self.path(key), &file) {
            Ok(()) => &self.writes,
            Err(_) => &self.write_failures,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// Writes `bytes` to a new file in `dir`, then renames it to `path`.
fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    let temporary = path.with_extension(format!("tmp{}", std::process::id()));
    let written = fs::write(&temporary, bytes).and_then(|()| fs::rename(&temporary, path));
    if written.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    written
}

/// Feeds [`Hash`] data into SHA-256.
struct Sha256Hasher(Sha256);

impl Hasher for Sha256Hasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        let digest = self.0.clone().finalize();
        u64::from_le_bytes(digest[..8].try_into().expect("8 bytes"))
    }
}

/// The file for `code`: magic, payload length, payload, SHA-256 of the payload.
fn encode(key: &Key, code: &[CompiledFunction]) -> Option<Vec<u8>> {
    let mut payload = key.0.to_vec();
    put_u32(&mut payload, u32::try_from(code.len()).ok()?);
    for function in code {
        encode_code(&mut payload, &function.direct)?;
        encode_code(&mut payload, &function.array)?;
    }
    let mut file = MAGIC.to_vec();
    file.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    file.extend_from_slice(&payload);
    file.extend_from_slice(&Sha256::digest(&payload));
    Some(file)
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn encode_code(out: &mut Vec<u8>, code: &Code) -> Option<()> {
    out.extend_from_slice(&code.alignment.to_le_bytes());
    put_u32(out, u32::try_from(code.bytes.len()).ok()?);
    out.extend_from_slice(&code.bytes);
    put_u32(out, u32::try_from(code.relocs.len()).ok()?);
    for r in &code.relocs {
        put_u32(out, r.offset);
        out.push(RELOC_KINDS.iter().position(|&k| k == r.kind)? as u8);
        let (tag, value) = match r.target {
            Target::Function(f) => (0, f),
            Target::Data(d) => (1, d),
            Target::LibCall(call) => (
                2,
                LibCall::all_libcalls().iter().position(|&c| c == call)? as u32,
            ),
            Target::Own(offset) => (3, offset),
        };
        out.push(tag);
        put_u32(out, value);
        out.extend_from_slice(&r.addend.to_le_bytes());
    }
    Some(())
}

/// The code in `file`, if it is whole, was written under `key`, and fits `symbols`.
fn decode(file: &[u8], key: &Key, symbols: &Symbols) -> Option<Vec<CompiledFunction>> {
    let mut reader = Reader(file);
    if reader.take(MAGIC.len())? != MAGIC {
        return None;
    }
    let length = usize::try_from(reader.u64()?).ok()?;
    let payload = reader.take(length)?;
    if reader.take(32)? != Sha256::digest(payload).as_slice() || !reader.0.is_empty() {
        return None;
    }
    let mut reader = Reader(payload);
    if reader.take(32)? != key.0 {
        return None;
    }
    let count = reader.u32()? as usize;
    if count != symbols.direct.len() {
        return None;
    }
    let mut code = Vec::with_capacity(count);
    for _ in 0..count {
        let direct = reader.code(symbols)?;
        let array = reader.code(symbols)?;
        code.push(CompiledFunction { direct, array });
    }
    reader.0.is_empty().then_some(code)
}

/// Reads a cache file front to back.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.0.len() {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    /// One piece of code whose references all stay inside it and `symbols`.
    fn code(&mut self, symbols: &Symbols) -> Option<Code> {
        let alignment = self.u64()?;
        if !alignment.is_power_of_two() || alignment > 4096 {
            return None;
        }
        let length = self.u32()? as usize;
        let bytes = self.take(length)?.to_vec();
        let count = self.u32()? as usize;
        let (functions, data) = symbols.declared();
        let mut relocs = Vec::with_capacity(count.min(length));
        for _ in 0..count {
            let offset = self.u32()?;
            let kind = *RELOC_KINDS.get(usize::from(self.u8()?))?;
            let tag = self.u8()?;
            let value = self.u32()?;
            let target = match tag {
                0 if value < functions => Target::Function(value),
                1 if value < data => Target::Data(value),
                2 => Target::LibCall(*LibCall::all_libcalls().get(value as usize)?),
                3 if (value as usize) < length => Target::Own(value),
                _ => return None,
            };
            let addend = self.u64()? as i64;
            let width = if kind == Reloc::Abs8 { 8 } else { 4 };
            if offset as usize + width > length {
                return None;
            }
            relocs.push(Relocation {
                offset,
                kind,
                target,
                addend,
            });
        }
        Some(Code {
            alignment,
            bytes,
            relocs,
        })
    }
}
