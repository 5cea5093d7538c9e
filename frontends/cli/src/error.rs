//! The errors the command reports, each as one line for people.

use std::path::Path;

use heirloom_c64::RomError;
use heirloom_shell::{CoreError, MediaError, MediaKind, OptionError, StateError};

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The media could not be read or unpacked.
    #[error(transparent)]
    Media(#[from] MediaError),
    /// A zip archive holds several loadable files and none was chosen.
    #[error(
        "{archive}: holds several loadable files ({candidates}); choose one with --member NAME"
    )]
    ChooseMember {
        /// The archive.
        archive: String,
        /// The loadable members, comma separated.
        candidates: String,
    },
    /// No core in this build runs the media.
    #[error("{name}: no core in this build runs {kind}")]
    NoCore {
        /// The media's file name.
        name: String,
        /// What the media was detected as.
        kind: MediaKind,
    },
    /// The user's ROM images cannot be used.
    #[error(transparent)]
    Roms(#[from] RomError),
    /// A core option was refused.
    #[error(transparent)]
    Option(#[from] OptionError),
    /// The core refused the media.
    #[error(transparent)]
    Core(#[from] CoreError),
    /// The gamepad mapping file cannot be used.
    #[error(transparent)]
    PadMappings(#[from] heirloom_sdl::MappingError),
    /// The server could not start or stopped, or an account command failed.
    #[error(transparent)]
    Server(#[from] heirloom_server::ServerError),
    /// A save state could not be used.
    #[error("{file}: {source}")]
    State {
        /// The state file.
        file: String,
        /// Why it was refused.
        source: StateError,
    },
    /// A file could not be read or written.
    #[error("{file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// An input file is not what the command needs.
    #[error("{file}: {reason}")]
    Input {
        /// The file.
        file: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Assembly failed; the errors were printed one per line before this summary.
    #[error("assembly failed with {errors} error(s)")]
    Assembly {
        /// How many errors were printed.
        errors: usize,
    },
    /// Arguments that clap accepted but that make no sense together or with the input.
    #[error("{0}")]
    Usage(String),
    /// A WebAssembly module is malformed or invalid.
    #[error("{file}: {source}")]
    WasmModule {
        /// The module file.
        file: String,
        /// What is wrong with it.
        source: heirloom_wasm::Error,
    },
    /// A WebAssembly module could not be instantiated (missing import, memory limit).
    #[error("{file}: {source}")]
    WasmInstantiate {
        /// The module file.
        file: String,
        /// Why it failed.
        source: heirloom_wasm::exec::InstantiationError,
    },
    /// The WASI context could not be set up (the folder given with --dir).
    #[error(transparent)]
    Wasi(#[from] heirloom_wasm::wasi::WasiError),
    /// A picture could not be encoded.
    #[error("{file}: cannot write the picture: {reason}")]
    Image {
        /// The picture file.
        file: String,
        /// What went wrong.
        reason: String,
    },
}

impl CliError {
    /// An I/O error about `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            file: path.display().to_string(),
            source,
        }
    }
}
