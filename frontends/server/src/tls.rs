//! TLS: the user's certificate and key, or a self-signed certificate generated on first
//! start and kept in the data directory; rustls restricted to TLS 1.2 and 1.3.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};

use crate::ServerError;

/// File name of the generated certificate inside the data directory.
pub const GENERATED_CERT: &str = "tls-cert.pem";
/// File name of the generated key inside the data directory.
pub const GENERATED_KEY: &str = "tls-key.pem";

/// A certificate chain and key ready for rustls, plus facts to print.
pub struct Identity {
    /// Certificate chain, leaf first.
    pub chain: Vec<CertificateDer<'static>>,
    /// Private key.
    pub key: PrivateKeyDer<'static>,
    /// Path of the leaf certificate (PEM), for clients that must trust it.
    pub cert_path: PathBuf,
    /// Whether it was generated just now.
    pub generated: bool,
}

impl Identity {
    /// SHA-256 fingerprint of the leaf certificate as colon-separated upper-case hex.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.chain[0])
    }
}

/// SHA-256 fingerprint of a DER certificate, `AB:CD:...`.
pub fn fingerprint(cert: &CertificateDer<'_>) -> String {
    Sha256::digest(cert.as_ref())
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Loads a PEM certificate chain and key.
pub fn load(cert_path: &Path, key_path: &Path) -> Result<Identity, ServerError> {
    let cert_err = |reason: String| ServerError::Certificate {
        path: cert_path.to_path_buf(),
        reason,
    };
    let key_err = |reason: String| ServerError::Key {
        path: key_path.to_path_buf(),
        reason,
    };
    let cert_bytes = std::fs::read(cert_path).map_err(|e| cert_err(e.to_string()))?;
    let chain = rustls_pemfile::certs(&mut cert_bytes.as_slice())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| cert_err(format!("not valid PEM ({e})")))?;
    if chain.is_empty() {
        return Err(cert_err("no CERTIFICATE block found".into()));
    }
    let key_bytes = std::fs::read(key_path).map_err(|e| key_err(e.to_string()))?;
    let key = rustls_pemfile::private_key(&mut key_bytes.as_slice())
        .map_err(|e| key_err(format!("not valid PEM ({e})")))?
        .ok_or_else(|| key_err("no PRIVATE KEY block found".into()))?;
    Ok(Identity {
        chain,
        key,
        cert_path: cert_path.to_path_buf(),
        generated: false,
    })
}

/// Loads the generated certificate from `data_dir`, creating it on first use for
/// `localhost`, `127.0.0.1`, `::1` and the given extra host names or addresses.
pub fn load_or_generate(data_dir: &Path, extra_names: &[String]) -> Result<Identity, ServerError> {
    let cert_path = data_dir.join(GENERATED_CERT);
    let key_path = data_dir.join(GENERATED_KEY);
    if cert_path.exists() && key_path.exists() {
        return load(&cert_path, &key_path);
    }
    let mut names = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ];
    for name in extra_names {
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    let certified = rcgen::generate_simple_self_signed(names)
        .map_err(|e| ServerError::Tls(format!("cannot generate a certificate: {e}")))?;
    write_private(&key_path, certified.key_pair.serialize_pem().as_bytes())?;
    crate::storage::write_atomic(&cert_path, certified.cert.pem().as_bytes())
        .map_err(|e| ServerError::io(format!("cannot write {}", cert_path.display()), e))?;
    let mut identity = load(&cert_path, &key_path)?;
    identity.generated = true;
    Ok(identity)
}

fn write_private(path: &Path, data: &[u8]) -> Result<(), ServerError> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options
        .open(path)
        .map_err(|e| ServerError::io(format!("cannot write {}", path.display()), e))?;
    file.write_all(data)
        .and_then(|()| file.sync_all())
        .map_err(|e| ServerError::io(format!("cannot write {}", path.display()), e))
}

/// A rustls server configuration: `ring` provider, TLS 1.3 and 1.2 only, ALPN h2 and
/// http/1.1.
pub fn server_config(identity: Identity) -> Result<Arc<ServerConfig>, ServerError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| ServerError::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(identity.chain, identity.key)
        .map_err(|e| ServerError::Tls(format!("certificate and key do not fit together: {e}")))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_once_then_reloads_and_reports_bad_files() {
        let dir =
            std::env::temp_dir().join(format!("heirloom-tls-{}", crate::crypto::random_token()));
        std::fs::create_dir_all(&dir).unwrap();
        let first = load_or_generate(&dir, &[]).unwrap();
        assert!(first.generated);
        let print = first.fingerprint();
        assert_eq!(print.len(), 32 * 3 - 1);
        let second = load_or_generate(&dir, &[]).unwrap();
        assert!(!second.generated);
        assert_eq!(second.fingerprint(), print);
        server_config(second).unwrap();

        let missing = load(&dir.join("nope.pem"), &dir.join(GENERATED_KEY))
            .err()
            .unwrap();
        assert!(
            matches!(missing, ServerError::Certificate { .. }),
            "{missing}"
        );
        std::fs::write(dir.join("empty.pem"), "hello").unwrap();
        let empty = load(&dir.join("empty.pem"), &dir.join(GENERATED_KEY))
            .err()
            .unwrap();
        assert!(empty.to_string().contains("no CERTIFICATE"), "{empty}");
        let nokey = load(&dir.join(GENERATED_CERT), &dir.join(GENERATED_CERT))
            .err()
            .unwrap();
        assert!(matches!(nokey, ServerError::Key { .. }), "{nokey}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
