//! Listening: the TLS accept loop, the plain-HTTP redirector, start-up checks and graceful
//! shutdown.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tower::Service;

use crate::cli::{DATABASE_FILE, SETUP_LINK_SECONDS};
use crate::config::{Config, ServeArgs};
use crate::db::Db;
use crate::web::{self, AppState};
use crate::{ServerError, tls};

/// Time allowed for a TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Time open connections get to finish after shutdown starts.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);
/// File that a running server holds locked inside its data directory.
pub const LOCK_FILE: &str = "server.lock";

/// A started server.
pub struct Running {
    /// The bound HTTPS address (useful with port 0).
    pub addr: SocketAddr,
    /// The bound plain-HTTP redirect address, if any.
    pub http_addr: Option<SocketAddr>,
    /// SHA-256 fingerprint of the certificate.
    pub fingerprint: String,
    /// Path of the certificate (PEM) clients can trust.
    pub cert_path: PathBuf,
    /// Whether the certificate was generated on this start.
    pub cert_generated: bool,
    /// One-time setup URL, when no administrator exists yet.
    pub setup_url: Option<String>,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Running {
    /// Stops accepting, lets open requests finish (up to a time limit) and returns.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

fn bind_error(addr: SocketAddr, e: std::io::Error) -> ServerError {
    if e.kind() == std::io::ErrorKind::AddrInUse {
        ServerError::PortInUse {
            addr: addr.to_string(),
        }
    } else {
        ServerError::Bind {
            addr: addr.to_string(),
            source: e,
        }
    }
}

fn lock_data_dir(data_dir: &Path) -> Result<std::fs::File, ServerError> {
    let path = data_dir.join(LOCK_FILE);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| ServerError::io(format!("cannot open {}", path.display()), e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(ServerError::DataDirInUse {
            path: data_dir.to_path_buf(),
        }),
        Err(std::fs::TryLockError::Error(e)) => Err(ServerError::io(
            format!("cannot lock {}", path.display()),
            e,
        )),
    }
}

/// Removes temporary files of save uploads interrupted by a crash.
fn clean_saves(data_dir: &Path) {
    let Ok(users) = std::fs::read_dir(data_dir.join("saves")) else {
        return;
    };
    for user in users.flatten() {
        if let Ok(apps) = std::fs::read_dir(user.path()) {
            for app in apps.flatten() {
                crate::storage::remove_stale_temps(&app.path());
            }
        }
    }
}

/// Starts the server inside the current Tokio runtime and returns once it listens.
pub async fn start(config: Config) -> Result<Running, ServerError> {
    crate::storage::create_private_dir(&config.data_dir).map_err(|e| {
        ServerError::io(
            format!("cannot create data directory {}", config.data_dir.display()),
            e,
        )
    })?;
    let lock = lock_data_dir(&config.data_dir)?;
    let db = Db::open(&config.data_dir.join(DATABASE_FILE))?;
    clean_saves(&config.data_dir);
    let identity = match &config.cert_and_key {
        Some((cert, key)) => tls::load(cert, key)?,
        None => {
            let mut extra = Vec::new();
            if !config.listen.ip().is_unspecified() {
                extra.push(config.listen.ip().to_string());
            }
            tls::load_or_generate(&config.data_dir, &extra)?
        }
    };
    let fingerprint = identity.fingerprint();
    let cert_path = identity.cert_path.clone();
    let cert_generated = identity.generated;
    let acceptor = TlsAcceptor::from(tls::server_config(identity)?);

    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|e| bind_error(config.listen, e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| ServerError::io("cannot read the bound address", e))?;
    let http_listener = match config.http_port {
        Some(port) => {
            let http_addr = SocketAddr::new(config.listen.ip(), port);
            Some(
                TcpListener::bind(http_addr)
                    .await
                    .map_err(|e| bind_error(http_addr, e))?,
            )
        }
        None => None,
    };
    let http_addr = match &http_listener {
        Some(l) => Some(
            l.local_addr()
                .map_err(|e| ServerError::io("cannot read the bound address", e))?,
        ),
        None => None,
    };

    let setup_url = if db.enrolled_admins()? == 0 {
        let token = db.create_enrol_token(None, "setup", SETUP_LINK_SECONDS)?;
        let host = if addr.ip().is_unspecified() {
            "localhost".to_string()
        } else if addr.is_ipv6() {
            format!("[{}]", addr.ip())
        } else {
            addr.ip().to_string()
        };
        Some(format!(
            "https://{host}:{}/enrol?token={token}",
            addr.port()
        ))
    } else {
        None
    };

    let state = Arc::new(AppState {
        db: db.clone(),
        config: config.clone(),
        limiter: Default::default(),
        style_href: web::style_href(),
        style: web::style(),
        assets: Default::default(),
        hashing: tokio::sync::Semaphore::new(
            std::thread::available_parallelism().map_or(2, |n| n.get()),
        ),
    });
    let app = web::router(state);
    let (shutdown, receiver) = watch::channel(false);
    let mut tasks = vec![tokio::spawn(accept_loop(
        listener,
        acceptor,
        app,
        receiver.clone(),
        lock,
    ))];
    if let Some(l) = http_listener {
        tasks.push(tokio::spawn(redirect_loop(
            l,
            addr.port(),
            receiver.clone(),
        )));
    }
    tasks.push(tokio::spawn(purge_loop(db, receiver)));
    Ok(Running {
        addr,
        http_addr,
        fingerprint,
        cert_path,
        cert_generated,
        setup_url,
        shutdown,
        tasks,
    })
}

async fn purge_loop(db: Db, mut stop: watch::Receiver<bool>) {
    loop {
        if let Err(e) = db.purge_sessions(web::IDLE_TIMEOUT, web::ABSOLUTE_TIMEOUT) {
            tracing::warn!(error = %e, "purging expired sessions failed");
        }
        tokio::select! {
            _ = stop.changed() => return,
            _ = tokio::time::sleep(Duration::from_secs(300)) => {}
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    app: Router,
    mut stop: watch::Receiver<bool>,
    _lock: std::fs::File,
) {
    let graceful = GracefulShutdown::new();
    loop {
        let (tcp, peer) = tokio::select! {
            _ = stop.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
        };
        let acceptor = acceptor.clone();
        let app = app.clone();
        let watcher = graceful.watcher();
        let mut stop_handshake = stop.clone();
        tokio::spawn(async move {
            let handshake = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp));
            let tls = tokio::select! {
                // A connection still shaking hands when shutdown starts is dropped.
                _ = stop_handshake.changed() => return,
                result = handshake => match result {
                    Ok(Ok(stream)) => stream,
                    Ok(Err(e)) => {
                        tracing::debug!(%peer, error = %e, "TLS handshake refused");
                        return;
                    }
                    Err(_) => return,
                },
            };
            let service = tower::service_fn(move |mut req: axum::http::Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                let mut app = app.clone();
                async move { app.call(req).await }
            });
            let builder = auto::Builder::new(TokioExecutor::new());
            let conn =
                builder.serve_connection(TokioIo::new(tls), TowerToHyperService::new(service));
            if let Err(e) = watcher.watch(conn).await {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("some connections did not finish in time");
    }
}

fn redirect_response(uri: &Uri, host: Option<&HeaderValue>, https_port: u16) -> Response {
    let host = host
        .and_then(|h| h.to_str().ok())
        .map(|h| {
            // Strip a port (keeping IPv6 brackets intact).
            match h.rfind(':') {
                Some(i) if !h[i..].contains(']') => h[..i].to_string(),
                _ => h.to_string(),
            }
        })
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.[]:".contains(&b))
        });
    let Some(host) = host else {
        return (StatusCode::BAD_REQUEST, "HTTPS only\n").into_response();
    };
    let port = if https_port == 443 {
        String::new()
    } else {
        format!(":{https_port}")
    };
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let location = format!("https://{host}{port}{path}");
    match HeaderValue::from_str(&location) {
        Ok(value) => (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, value)]).into_response(),
        Err(_) => (StatusCode::BAD_REQUEST, "HTTPS only\n").into_response(),
    }
}

async fn redirect_loop(listener: TcpListener, https_port: u16, mut stop: watch::Receiver<bool>) {
    let app = Router::new().fallback(move |uri: Uri, headers: axum::http::HeaderMap| async move {
        redirect_response(&uri, headers.get(header::HOST), https_port)
    });
    let stopped = async move {
        let _ = stop.changed().await;
    };
    if let Err(e) = axum::serve(listener, app)
        .with_graceful_shutdown(stopped)
        .await
    {
        tracing::warn!(error = %e, "redirect listener failed");
    }
}

async fn wait_for_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    {
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term => {},
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}

/// Runs the server until SIGINT or SIGTERM, printing its address, the certificate
/// fingerprint and (on first start) the one-time setup URL on standard output.
pub fn serve(args: ServeArgs) -> Result<(), ServerError> {
    let config = Config::from_args(args)?;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| ServerError::io("cannot start the async runtime", e))?;
    runtime.block_on(async move {
        let running = start(config.clone()).await?;
        println!("heirloom: listening on https://{}", running.addr);
        println!(
            "heirloom: certificate {}{} SHA-256 fingerprint {}",
            running.cert_path.display(),
            if running.cert_generated { " (generated)" } else { "" },
            running.fingerprint
        );
        if let Some(http) = running.http_addr {
            println!("heirloom: http://{http} redirects to HTTPS");
        }
        if !config.web_dir.join("index.html").is_file() {
            println!(
                "heirloom: no page bundle in {}; signed-in users get the built-in app list",
                config.web_dir.display()
            );
        }
        if let Some(url) = &running.setup_url {
            println!("heirloom: no administrator yet; open this one-time setup link within an hour: {url}");
        }
        tracing::info!(addr = %running.addr, "server started");
        wait_for_signal().await;
        tracing::info!("shutting down");
        running.shutdown().await;
        Ok(())
    })
}
