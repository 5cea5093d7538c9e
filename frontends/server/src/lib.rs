//! Heirloom's HTTPS server: any app behind a login with a second factor.
//!
//! The server speaks HTTPS only (TLS 1.2 and 1.3 via rustls with the `ring` provider),
//! keeps accounts in an embedded SQLite database (argon2id passwords, RFC 6238 TOTP,
//! recovery codes, sessions, audit log) and serves a library of apps and per-user saves to
//! signed-in users. [`serve`] runs it from [`ServeArgs`]; [`user`] administers accounts
//! from the command line. [`start`] runs it inside an existing Tokio runtime and reports
//! the bound address, which the integration tests use.
//!
//! # HTTP interface
//!
//! Public (no session): `GET /login` and `POST /login` (form `csrf`, `username`,
//! `password`, `code`: a TOTP code or a recovery code), `GET|POST /enrol?token=...`
//! (first-start setup, invitations and second-factor resets), `GET /healthz`, and the
//! content-hashed stylesheet under `/static/`.
//!
//! Signed in (cookie `__Host-session`; otherwise 401 under `/api/` and `/apps/`, a
//! redirect to `/login` for pages):
//!
//! | route | purpose |
//! | --- | --- |
//! | `GET /api/session` | `{"user", "admin", "csrf"}`: the CSRF token for API calls |
//! | `GET /api/apps` | `{"apps": [{"id", "kind", "size", "url"}]}` the user may use |
//! | `GET /apps/NAME` | an app file from the library (`.wasm` as `application/wasm`) |
//! | `GET /api/saves/APP` | `{"saves": [{"name", "size", "modified"}]}` |
//! | `GET\|PUT\|DELETE /api/saves/APP/NAME` | one save (raw bytes), written atomically |
//! | `GET /...` | the page bundle (`--web-dir`, kept in memory with brotli and gzip encodings made once per file), or a built-in app list without one |
//! | `/account`, `/admin` | server-rendered account and administration pages |
//!
//! Every request that changes state needs an `Origin` header naming this server and the
//! session's CSRF token, in the `X-CSRF-Token` header or a `csrf` form field.

mod assets;
mod cli;
mod config;
pub mod crypto;
pub mod db;
mod pages;
pub mod paths;
mod ratelimit;
mod server;
pub mod storage;
pub mod tls;
pub mod totp;
mod web;

use std::path::PathBuf;

pub use cli::{UserCommand, user};
pub use config::{Config, ServeArgs};
pub use server::{Running, serve, start};

/// Everything that can stop the server or a `user` command.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The listening address is taken by another program.
    #[error("address {addr} is already in use (is another server running?)")]
    PortInUse {
        /// The address asked for.
        addr: String,
    },
    /// Binding the listening socket failed for another reason.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The certificate file is missing, unreadable or holds no certificate.
    #[error("cannot read certificate {}: {reason}", path.display())]
    Certificate {
        /// The certificate file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// The private key file is missing, unreadable or holds no key.
    #[error("cannot read private key {}: {reason}", path.display())]
    Key {
        /// The key file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// rustls refused the certificate and key (for example, they do not match).
    #[error("TLS setup failed: {0}")]
    Tls(String),
    /// Another process holds the account database locked.
    #[error("database {} is locked by another process", path.display())]
    DatabaseLocked {
        /// The database file.
        path: PathBuf,
    },
    /// Another server already uses this data directory.
    #[error("data directory {} is in use by another running server", path.display())]
    DataDirInUse {
        /// The data directory.
        path: PathBuf,
    },
    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    /// A file system operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The configuration file could not be read or parsed.
    #[error("configuration file {}: {reason}", path.display())]
    Config {
        /// The configuration file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// A request that cannot be carried out (unknown user, weak password, ...).
    #[error("{0}")]
    Invalid(String),
}

impl ServerError {
    /// Wraps an I/O error with what was being done.
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> ServerError {
        ServerError::Io {
            context: context.into(),
            source,
        }
    }
}
