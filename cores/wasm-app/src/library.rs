//! Libraries driven from the host: a module that exports functions and `malloc` rather
//! than a main loop, used the way a web page uses an Emscripten build: allocate buffers
//! in the module's memory, fill them, call, read the results back.

use heirloom_wasm::exec::Value;

use crate::app::{Engine, Instance, Limits, LoadError, Prepared, Stop};
use crate::host::{Clock, LogLine};

/// Why a library call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LibraryError {
    /// The library exports no function of that name.
    #[error("the library exports no function `{0}`")]
    NoFunction(String),
    /// The call was stopped (trap, budget, bad import use).
    #[error("{0}")]
    Stopped(String),
    /// The library called `exit`.
    #[error("the library exited with status {0}")]
    Exit(i32),
    /// An access outside the library's memory.
    #[error("{len} bytes at {address:#x} lie outside the library's memory ({size} bytes)")]
    OutOfRange {
        /// First address.
        address: u32,
        /// Bytes accessed.
        len: usize,
        /// Size of the memory.
        size: usize,
    },
    /// `malloc` returned null.
    #[error("malloc({0}) failed")]
    OutOfMemory(u32),
    /// A function returned something other than the one `i32` expected.
    #[error("`{0}` did not return one i32")]
    NotAnI32(String),
}

/// A loaded library (see the module documentation).
#[derive(Debug)]
pub struct Library {
    instance: Instance,
    limits: Limits,
}

impl Library {
    /// Loads a library on `engine`, linked to the same imports as apps (WASI, the
    /// Emscripten `env` functions, the Heirloom ABI), and runs its `_initialize` when it
    /// exports one.
    pub fn load(name: &str, bytes: &[u8], engine: Engine) -> Result<Self, LoadError> {
        let limits = Limits::default();
        let prepared = Prepared::new(bytes)?;
        let mut instance = Instance::new(prepared, engine, name, &limits, Clock::Frames)?;
        if let Some(initialize) = instance.any_func("_initialize") {
            instance
                .call(initialize, &[], "_initialize", &limits)
                .map_err(|stop| {
                    LoadError::Stopped(match stop {
                        Stop::Exit(code) => format!("_initialize exited with status {code}"),
                        Stop::Fault(message) => message,
                    })
                })?;
        }
        Ok(Self { instance, limits })
    }

    /// Calls the exported function `name` with `args`.
    pub fn call(&mut self, name: &str, args: &[Value]) -> Result<Vec<Value>, LibraryError> {
        let func = self
            .instance
            .any_func(name)
            .ok_or_else(|| LibraryError::NoFunction(name.to_owned()))?;
        self.instance
            .call(func, args, name, &self.limits)
            .map_err(|stop| match stop {
                Stop::Exit(code) => LibraryError::Exit(code),
                Stop::Fault(message) => LibraryError::Stopped(message),
            })
    }

    /// Calls `name` and returns its one `i32` result.
    pub fn call_i32(&mut self, name: &str, args: &[Value]) -> Result<i32, LibraryError> {
        match self.call(name, args)?[..] {
            [Value::I32(v)] => Ok(v),
            _ => Err(LibraryError::NotAnI32(name.to_owned())),
        }
    }

    /// Allocates `size` bytes with the library's own `malloc`.
    pub fn malloc(&mut self, size: u32) -> Result<u32, LibraryError> {
        match self.call_i32("malloc", &[Value::I32(size as i32)])? {
            0 => Err(LibraryError::OutOfMemory(size)),
            ptr => Ok(ptr as u32),
        }
    }

    /// Frees a block from [`malloc`](Self::malloc) with the library's `free`.
    pub fn free(&mut self, ptr: u32) -> Result<(), LibraryError> {
        self.call("free", &[Value::I32(ptr as i32)]).map(drop)
    }

    /// The library's memory.
    pub fn memory(&self) -> &[u8] {
        self.instance.memory_bytes()
    }

    /// The `len` bytes at `address`.
    pub fn read(&self, address: u32, len: usize) -> Result<&[u8], LibraryError> {
        let memory = self.memory();
        (address as usize)
            .checked_add(len)
            .and_then(|end| memory.get(address as usize..end))
            .ok_or(LibraryError::OutOfRange {
                address,
                len,
                size: memory.len(),
            })
    }

    /// Writes `bytes` at `address`.
    pub fn write(&mut self, address: u32, bytes: &[u8]) -> Result<(), LibraryError> {
        let size = self.memory().len();
        let out_of_range = LibraryError::OutOfRange {
            address,
            len: bytes.len(),
            size,
        };
        let memory = self.instance.memory().ok_or(out_of_range.clone())?;
        let end = (address as usize)
            .checked_add(bytes.len())
            .filter(|&end| end <= size)
            .ok_or(out_of_range)?;
        self.instance.store.memory_mut(memory)[address as usize..end].copy_from_slice(bytes);
        Ok(())
    }

    /// Writes `values` as little-endian doubles at `address`.
    pub fn write_f64s(&mut self, address: u32, values: &[f64]) -> Result<(), LibraryError> {
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.write(address, &bytes)
    }

    /// Reads `count` little-endian doubles at `address`.
    pub fn read_f64s(&self, address: u32, count: usize) -> Result<Vec<f64>, LibraryError> {
        let bytes = self.read(address, count.saturating_mul(8))?;
        Ok(bytes
            .chunks_exact(8)
            .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes")))
            .collect())
    }

    /// Reads the little-endian `i32` at `address`.
    pub fn read_i32(&self, address: u32) -> Result<i32, LibraryError> {
        let bytes = self.read(address, 4)?;
        Ok(i32::from_le_bytes(bytes.try_into().expect("4 bytes")))
    }

    /// What the library printed on standard output and error.
    pub fn output(&self) -> String {
        self.instance.host.borrow().console.text()
    }

    /// What the library logged.
    pub fn log(&self) -> Vec<LogLine> {
        self.instance.host.borrow().log.iter().cloned().collect()
    }
}
