//! Where `.include` finds its files.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A source file provided by a [`SourceLoader`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// The file's name as it should appear in error messages. Two includes that reach the
    /// same file must get the same name: include cycles are detected by name.
    pub name: String,
    /// The file's text.
    pub text: String,
}

/// Provides the files named by `.include`.
pub trait SourceLoader {
    /// Loads `requested` (the string in `.include "…"`), included from the file named
    /// `from` (a [`Source::name`] or the main file's name). Returns the reason on failure.
    fn load(&self, from: &str, requested: &str) -> Result<Source, String>;
}

/// Files held in memory, looked up by exact name. Useful for tests and for callers that
/// want no file-system access; an empty one refuses every include.
#[derive(Clone, Debug, Default)]
pub struct MemoryLoader {
    files: HashMap<String, String>,
}

impl MemoryLoader {
    /// An empty loader.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a file.
    pub fn with(mut self, name: impl Into<String>, text: impl Into<String>) -> Self {
        self.files.insert(name.into(), text.into());
        self
    }
}

impl SourceLoader for MemoryLoader {
    fn load(&self, _from: &str, requested: &str) -> Result<Source, String> {
        self.files
            .get(requested)
            .map(|text| Source {
                name: requested.to_string(),
                text: text.clone(),
            })
            .ok_or_else(|| "no such file".to_string())
    }
}

/// Files on disk. A relative include is resolved against the directory of the including
/// file.
#[derive(Clone, Copy, Debug, Default)]
pub struct FsLoader;

impl FsLoader {
    /// Reads the main source file, for passing to [`crate::assemble`] with its path as
    /// the source name.
    pub fn read_main(path: &Path) -> Result<Source, String> {
        let text = std::fs::read(path).map_err(|e| e.to_string())?;
        Ok(Source {
            name: path.display().to_string(),
            text: String::from_utf8_lossy(&text).into_owned(),
        })
    }
}

impl SourceLoader for FsLoader {
    fn load(&self, from: &str, requested: &str) -> Result<Source, String> {
        let requested_path = Path::new(requested);
        let path: PathBuf = if requested_path.is_absolute() {
            requested_path.to_path_buf()
        } else {
            Path::new(from)
                .parent()
                .unwrap_or(Path::new(""))
                .join(requested_path)
        };
        let mut source = Self::read_main(&path)?;
        // The same file reached by different relative paths must have the same name.
        if let Ok(canonical) = path.canonicalize() {
            source.name = canonical.display().to_string();
        }
        Ok(source)
    }
}
