//! Configuration: command-line flags, `HEIRLOOM_*` environment variables and an optional
//! TOML file, in that order of precedence, then built-in defaults.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::ServerError;

/// Default HTTPS listening address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8443";
/// Default data directory.
pub const DEFAULT_DATA_DIR: &str = "heirloom-data";
/// Default directory of the browser page bundle.
pub const DEFAULT_WEB_DIR: &str = "web/dist";

/// Options of `heirloom serve`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ServeArgs {
    /// TOML configuration file with the same keys as the flags (`listen`, `data-dir`,
    /// `library`, `cert`, `key`, `http-port`, `web-dir`).
    #[arg(long, env = "HEIRLOOM_CONFIG")]
    pub config: Option<PathBuf>,
    /// HTTPS address to listen on (port 0 picks a free port) [default: 127.0.0.1:8443].
    #[arg(long, env = "HEIRLOOM_LISTEN")]
    pub listen: Option<String>,
    /// Directory for the database, the generated certificate and saves [default: heirloom-data].
    #[arg(long, env = "HEIRLOOM_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Directory of apps (C64 media and wasm apps) [default: DATA_DIR/library].
    #[arg(long, env = "HEIRLOOM_LIBRARY")]
    pub library: Option<PathBuf>,
    /// Certificate chain (PEM); without it a self-signed certificate is generated.
    #[arg(long, env = "HEIRLOOM_CERT", requires = "key")]
    pub cert: Option<PathBuf>,
    /// Private key (PEM) of the certificate.
    #[arg(long, env = "HEIRLOOM_KEY", requires = "cert")]
    pub key: Option<PathBuf>,
    /// Also listen for plain HTTP on this port, only to redirect to HTTPS.
    #[arg(long, env = "HEIRLOOM_HTTP_PORT")]
    pub http_port: Option<u16>,
    /// Directory of the browser page bundle served to signed-in users [default: web/dist].
    #[arg(long, env = "HEIRLOOM_WEB_DIR")]
    pub web_dir: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FileConfig {
    listen: Option<String>,
    data_dir: Option<PathBuf>,
    library: Option<PathBuf>,
    cert: Option<PathBuf>,
    key: Option<PathBuf>,
    http_port: Option<u16>,
    web_dir: Option<PathBuf>,
}

/// The resolved configuration the server runs with.
#[derive(Debug, Clone)]
pub struct Config {
    /// HTTPS listening address.
    pub listen: SocketAddr,
    /// Data directory.
    pub data_dir: PathBuf,
    /// Library of apps.
    pub library: PathBuf,
    /// User certificate and key, or `None` for the generated self-signed one.
    pub cert_and_key: Option<(PathBuf, PathBuf)>,
    /// Plain-HTTP redirect port.
    pub http_port: Option<u16>,
    /// Page bundle directory.
    pub web_dir: PathBuf,
}

impl Config {
    /// A configuration with defaults for everything but the data directory; the library is
    /// `data_dir/library`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Config {
        let data_dir = data_dir.into();
        Config {
            listen: DEFAULT_LISTEN.parse().expect("default address parses"),
            library: data_dir.join("library"),
            data_dir,
            cert_and_key: None,
            http_port: None,
            web_dir: PathBuf::from(DEFAULT_WEB_DIR),
        }
    }

    /// Resolves flags and environment (already merged by clap), then the file, then defaults.
    pub fn from_args(args: ServeArgs) -> Result<Config, ServerError> {
        let file = match &args.config {
            Some(path) => read_file(path)?,
            None => FileConfig::default(),
        };
        let listen_text = args
            .listen
            .or(file.listen)
            .unwrap_or_else(|| DEFAULT_LISTEN.to_string());
        let listen = parse_listen(&listen_text)?;
        let data_dir = args
            .data_dir
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let library = args
            .library
            .or(file.library)
            .unwrap_or_else(|| data_dir.join("library"));
        let cert = args.cert.or(file.cert);
        let key = args.key.or(file.key);
        let cert_and_key = match (cert, key) {
            (Some(c), Some(k)) => Some((c, k)),
            (None, None) => None,
            _ => {
                return Err(ServerError::Invalid(
                    "--cert and --key must be given together".into(),
                ));
            }
        };
        Ok(Config {
            listen,
            data_dir,
            library,
            cert_and_key,
            http_port: args.http_port.or(file.http_port),
            web_dir: args
                .web_dir
                .or(file.web_dir)
                .unwrap_or_else(|| PathBuf::from(DEFAULT_WEB_DIR)),
        })
    }
}

fn parse_listen(text: &str) -> Result<SocketAddr, ServerError> {
    use std::net::ToSocketAddrs;
    text.to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .ok_or_else(|| ServerError::Invalid(format!("--listen {text}: not a host:port address")))
}

fn read_file(path: &Path) -> Result<FileConfig, ServerError> {
    let text = std::fs::read_to_string(path).map_err(|e| ServerError::Config {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    toml::from_str(&text).map_err(|e| ServerError::Config {
        path: path.to_path_buf(),
        reason: e.message().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_file_and_defaults_fill_in() {
        let dir =
            std::env::temp_dir().join(format!("heirloom-cfg-{}", crate::crypto::random_token()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("server.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:9000\"\ndata-dir = \"/srv/h\"\nhttp-port = 8080\n",
        )
        .unwrap();
        let args = ServeArgs {
            config: Some(file.clone()),
            listen: Some("127.0.0.1:9443".into()),
            ..ServeArgs::default()
        };
        let config = Config::from_args(args).unwrap();
        assert_eq!(config.listen.port(), 9443);
        assert_eq!(config.data_dir, PathBuf::from("/srv/h"));
        assert_eq!(config.library, PathBuf::from("/srv/h/library"));
        assert_eq!(config.http_port, Some(8080));
        assert_eq!(config.web_dir, PathBuf::from(DEFAULT_WEB_DIR));

        std::fs::write(&file, "lisen = \"x\"\n").unwrap();
        let err = Config::from_args(ServeArgs {
            config: Some(file),
            ..ServeArgs::default()
        })
        .unwrap_err();
        assert!(err.to_string().contains("lisen"), "{err}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
