//! Shared helpers of the integration tests: starting servers, HTTPS clients that trust the
//! generated certificate, a cookie-keeping session, raw TLS requests and TOTP codes.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use heirloom_server::{Config, Running, totp};
use reqwest::header::{HeaderMap, HeaderValue};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A fresh empty directory under the system temp dir.
pub fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "heirloom-test-{tag}-{}",
        heirloom_server::crypto::random_token()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A configuration on an ephemeral loopback port, without a page bundle.
pub fn config(dir: &Path) -> Config {
    let mut config = Config::new(dir);
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.web_dir = dir.join("no-web-bundle");
    config
}

/// Starts a server in this process.
pub async fn start(config: Config) -> Running {
    heirloom_server::start(config).await.expect("server starts")
}

/// `https://localhost:PORT` for a bound address.
pub fn base(addr: SocketAddr) -> String {
    format!("https://localhost:{}", addr.port())
}

/// A reqwest client that trusts only the server's certificate and never follows redirects.
pub fn client(cert_path: &Path) -> reqwest::Client {
    let pem = std::fs::read(cert_path).unwrap();
    reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .tls_built_in_root_certs(false)
        .https_only(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A browser-like session: keeps cookies and sends the Origin header on state changes.
pub struct Session {
    /// The HTTP client.
    pub http: reqwest::Client,
    /// `https://localhost:PORT`.
    pub base: String,
    /// Cookies by name.
    pub cookies: HashMap<String, String>,
}

impl Session {
    pub fn new(running: &Running) -> Session {
        Session {
            http: client(&running.cert_path),
            base: base(running.addr),
            cookies: HashMap::new(),
        }
    }

    fn cookie_header(&self) -> Option<HeaderValue> {
        if self.cookies.is_empty() {
            return None;
        }
        let text = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        Some(HeaderValue::from_str(&text).unwrap())
    }

    /// Absorbs Set-Cookie headers (a `Max-Age=0` cookie is removed).
    pub fn absorb(&mut self, headers: &HeaderMap) {
        for value in headers.get_all(reqwest::header::SET_COOKIE) {
            let text = value.to_str().unwrap();
            let first = text.split(';').next().unwrap();
            let (name, val) = first.split_once('=').unwrap();
            if text.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_string(), val.to_string());
            }
        }
    }

    pub fn origin(&self) -> String {
        self.base.clone()
    }

    pub async fn get(&mut self, path: &str) -> reqwest::Response {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(c) = self.cookie_header() {
            req = req.header(reqwest::header::COOKIE, c);
        }
        let res = req.send().await.unwrap();
        self.absorb(res.headers());
        res
    }

    pub async fn get_text(&mut self, path: &str) -> (u16, String) {
        let res = self.get(path).await;
        let status = res.status().as_u16();
        (status, res.text().await.unwrap())
    }

    /// POSTs a form with the Origin header set to this server.
    pub async fn post_form(&mut self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.post_form_with(path, form, Some(&self.origin())).await
    }

    pub async fn post_form_with(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        origin: Option<&str>,
    ) -> reqwest::Response {
        let mut req = self.http.post(format!("{}{path}", self.base)).form(form);
        if let Some(c) = self.cookie_header() {
            req = req.header(reqwest::header::COOKIE, c);
        }
        if let Some(o) = origin {
            req = req.header(reqwest::header::ORIGIN, o);
        }
        let res = req.send().await.unwrap();
        self.absorb(res.headers());
        res
    }

    /// Sends a request with body, Origin and X-CSRF-Token set.
    pub async fn send(
        &mut self,
        method: reqwest::Method,
        path: &str,
        body: Vec<u8>,
        csrf: Option<&str>,
    ) -> reqwest::Response {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header(reqwest::header::ORIGIN, self.origin())
            .body(body);
        if let Some(c) = self.cookie_header() {
            req = req.header(reqwest::header::COOKIE, c);
        }
        if let Some(t) = csrf {
            req = req.header("x-csrf-token", t);
        }
        let res = req.send().await.unwrap();
        self.absorb(res.headers());
        res
    }

    /// The CSRF token of the current session from `/api/session`.
    pub async fn csrf(&mut self) -> String {
        let res = self.get("/api/session").await;
        assert_eq!(res.status(), 200);
        let json: serde_json::Value = res.json().await.unwrap();
        json["csrf"].as_str().unwrap().to_string()
    }

    /// Loads the sign-in page (for its CSRF cookie) and signs in.
    pub async fn login(&mut self, user: &str, password: &str, code: &str) -> reqwest::Response {
        let (status, page) = self.get_text("/login").await;
        assert_eq!(status, 200);
        let csrf = between(&page, "name=\"csrf\" value=\"", "\"");
        self.post_form(
            "/login",
            &[
                ("csrf", &csrf),
                ("username", user),
                ("password", password),
                ("code", code),
            ],
        )
        .await
    }
}

/// The text between `start` and the next `end`.
pub fn between(text: &str, start: &str, end: &str) -> String {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not in {text}"))
        + start.len();
    let len = text[from..].find(end).unwrap();
    text[from..from + len].to_string()
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

/// Waits, if needed, until at least `seconds` remain in the current TOTP step, so that a
/// short sequence of codes computed now stays valid. (Not a timing assertion.)
pub async fn settle_step(seconds: f64) {
    let into = unix_now() % 30.0;
    if 30.0 - into < seconds {
        tokio::time::sleep(Duration::from_secs_f64(30.0 - into + 0.2)).await;
    }
}

/// The TOTP code `delta` steps from now.
pub fn code(secret: &[u8], delta: i64) -> String {
    let t = unix_now() as i64 + delta * 30;
    totp::code_at(secret, t as u64)
}

/// The administrator's name and password used by the tests.
pub const ADMIN: &str = "root-admin";
pub const ADMIN_PASSWORD: &str = "tidy-otter-maple-47";

/// Completes first-start setup through the setup link; returns the TOTP secret.
/// Uses the code of the previous step, leaving the current and next one for sign-ins.
pub async fn setup_admin(session: &mut Session, setup_url: &str) -> Vec<u8> {
    let path = &setup_url[setup_url.find("/enrol").unwrap()..];
    let (status, page) = session.get_text(path).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<svg"), "enrolment page shows a QR code");
    let secret_text = between(&page, "id=\"totp-secret\">", "<");
    let secret = totp::base32_decode(&secret_text).unwrap();
    let token = between(&page, "name=\"token\" value=\"", "\"");
    let c = code(&secret, -1);
    let res = session
        .post_form(
            "/enrol",
            &[
                ("token", &token),
                ("username", ADMIN),
                ("password", ADMIN_PASSWORD),
                ("password2", ADMIN_PASSWORD),
                ("code", &c),
            ],
        )
        .await;
    let status = res.status();
    let body = res.text().await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Recovery codes"), "{body}");
    secret
}

/// Recovery codes listed on a recovery-codes page.
pub fn recovery_codes(page: &str) -> Vec<String> {
    page.split("<li><code>")
        .skip(1)
        .map(|s| s[..s.find("</code>").unwrap()].to_string())
        .collect()
}

/// Starts a server, sets up the administrator and signs in. Returns the server, the
/// signed-in session and the TOTP secret.
pub async fn signed_in_admin(config: Config) -> (Running, Session, Vec<u8>) {
    settle_step(12.0).await;
    let running = start(config).await;
    let mut session = Session::new(&running);
    let secret = setup_admin(&mut session, running.setup_url.as_deref().unwrap()).await;
    let res = session
        .login(ADMIN, ADMIN_PASSWORD, &code(&secret, 0))
        .await;
    assert_eq!(res.status(), 303, "sign-in succeeds");
    (running, session, secret)
}

/// Sends raw bytes of an HTTP/1.1 request over TLS and returns the whole response text.
pub async fn raw_https(addr: SocketAddr, cert_path: &Path, request: &str) -> String {
    let mut roots = rustls::RootCertStore::empty();
    let pem = std::fs::read(cert_path).unwrap();
    for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let mut tls = connector.connect(name, tcp).await.unwrap();
    tls.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(20), tls.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

/// The status code of a raw HTTP response.
pub fn status_of(response: &str) -> u16 {
    response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {response:?}"))
}
