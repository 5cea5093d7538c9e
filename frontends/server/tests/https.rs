//! Transport and operations: TLS versions, certificates, headers, redirects, health,
//! start-up errors, and curl as an independent client.

mod common;

use std::time::Duration;

use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A ClientHello offering only `version` (0x0301 = TLS 1.0, 0x0302 = TLS 1.1) and no
/// supported_versions extension, as those clients sent. Apart from the version it offers
/// what the server accepts (ECDHE with AES-GCM, P-256 signatures), so the version is the
/// only reason to refuse it; the same hello with 0x0303 is answered with a ServerHello.
fn legacy_client_hello(version: u16) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&version.to_be_bytes());
    body.extend_from_slice(&[0x5a; 32]); // random
    body.push(0); // session id
    let suites: [u16; 8] = [
        0xc02b, 0xc02f, 0xcca9, 0xcca8, 0xc013, 0xc014, 0xc009, 0x002f,
    ];
    body.extend_from_slice(&((suites.len() * 2) as u16).to_be_bytes());
    for s in suites {
        body.extend_from_slice(&s.to_be_bytes());
    }
    body.extend_from_slice(&[1, 0]); // compression: null
    let mut ext = Vec::new();
    // server_name: localhost
    let host = b"localhost";
    ext.extend_from_slice(&[0x00, 0x00]);
    ext.extend_from_slice(&((host.len() + 5) as u16).to_be_bytes());
    ext.extend_from_slice(&((host.len() + 3) as u16).to_be_bytes());
    ext.push(0);
    ext.extend_from_slice(&(host.len() as u16).to_be_bytes());
    ext.extend_from_slice(host);
    // supported_groups: x25519, secp256r1
    ext.extend_from_slice(&[0x00, 0x0a, 0x00, 0x06, 0x00, 0x04, 0x00, 0x1d, 0x00, 0x17]);
    // ec_point_formats: uncompressed
    ext.extend_from_slice(&[0x00, 0x0b, 0x00, 0x02, 0x01, 0x00]);
    // signature_algorithms: ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256, rsa_pkcs1_sha256
    ext.extend_from_slice(&[
        0x00, 0x0d, 0x00, 0x08, 0x00, 0x06, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01,
    ]);
    body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    body.extend_from_slice(&ext);
    let mut handshake = vec![0x01];
    handshake.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    handshake.extend_from_slice(&body);
    let mut record = vec![0x16, 0x03, 0x01];
    record.extend_from_slice(&(handshake.len() as u16).to_be_bytes());
    record.extend_from_slice(&handshake);
    record
}

#[tokio::test]
async fn tls_1_0_and_1_1_handshakes_are_refused() {
    let dir = temp_dir("legacy-tls");
    let running = start(config(&dir)).await;
    for (version, name) in [(0x0301u16, "TLS 1.0"), (0x0302, "TLS 1.1")] {
        let mut tcp = tokio::net::TcpStream::connect(running.addr).await.unwrap();
        tcp.write_all(&legacy_client_hello(version)).await.unwrap();
        let mut reply = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(10), tcp.read_to_end(&mut reply)).await;
        assert!(
            reply.first() != Some(&0x16),
            "{name}: the server answered with a handshake record {reply:02x?}"
        );
        if !reply.is_empty() {
            // alert record: type 21, then level fatal (2) and protocol_version (70)
            assert_eq!(reply[0], 0x15, "{name}: {reply:02x?}");
            assert_eq!(&reply[5..7], &[2, 70], "{name}: {reply:02x?}");
        }
    }
    // Sanity: the same bytes with version 1.2 do get a ServerHello, so the refusal above is
    // about the version and not a malformed hello.
    let mut tcp = tokio::net::TcpStream::connect(running.addr).await.unwrap();
    tcp.write_all(&legacy_client_hello(0x0303)).await.unwrap();
    let mut head = [0u8; 6];
    tokio::time::timeout(Duration::from_secs(10), tcp.read_exact(&mut head))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        head[0], 0x16,
        "TLS 1.2 hello is answered with a handshake record"
    );
    assert_eq!(head[5], 0x02, "and that record is a ServerHello");
    running.shutdown().await;
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn tls_1_2_and_1_3_clients_connect_and_headers_are_set() {
    let dir = temp_dir("headers");
    let running = start(config(&dir)).await;
    let pem = std::fs::read(&running.cert_path).unwrap();
    for max in [
        reqwest::tls::Version::TLS_1_2,
        reqwest::tls::Version::TLS_1_3,
    ] {
        let client = reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
            .tls_built_in_root_certs(false)
            .max_tls_version(max)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let res = client
            .get(format!("{}/healthz", base(running.addr)))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let h = res.headers().clone();
        let json: serde_json::Value = res.json().await.unwrap();
        assert_eq!(json["status"], "ok");
        assert_eq!(
            h["strict-transport-security"],
            "max-age=63072000; includeSubDomains"
        );
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
            "{csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "same-origin");
        assert_eq!(h["cross-origin-opener-policy"], "same-origin");
        assert_eq!(h["cross-origin-embedder-policy"], "require-corp");
    }
    // The sign-in page: no script, a content-hashed stylesheet with a long lifetime.
    let mut s = Session::new(&running);
    let (status, page) = s.get_text("/login").await;
    assert_eq!(status, 200);
    assert!(!page.contains("<script"));
    let css = between(&page, "rel=\"stylesheet\" href=\"", "\"");
    assert!(
        css.starts_with("/static/style.") && css.len() > "/static/style..css".len() + 8,
        "{css}"
    );
    let res = s.get(&css).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(s.get("/static/style.css").await.status(), 404);
    running.shutdown().await;
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn plain_http_only_redirects() {
    let dir = temp_dir("redirect");
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let http_port = probe.local_addr().unwrap().port();
    drop(probe);
    let mut config = config(&dir);
    config.http_port = Some(http_port);
    let running = start(config).await;
    let mut tcp = tokio::net::TcpStream::connect(("127.0.0.1", http_port))
        .await
        .unwrap();
    tcp.write_all(format!("GET /apps/game.prg?x=1 HTTP/1.1\r\nHost: localhost:{http_port}\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut reply = String::new();
    tcp.read_to_string(&mut reply).await.unwrap();
    assert!(reply.starts_with("HTTP/1.1 308"), "{reply}");
    let expected = format!(
        "location: https://localhost:{}/apps/game.prg?x=1",
        running.addr.port()
    );
    assert!(reply.to_ascii_lowercase().contains(&expected), "{reply}");
    running.shutdown().await;
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn startup_errors_are_clear() {
    let dir = temp_dir("errors");
    let running = start(config(&dir)).await;
    // Same data directory while running.
    let err = heirloom_server::start(config(&dir)).await.err().unwrap();
    assert!(
        err.to_string().contains("in use by another running server"),
        "{err}"
    );
    // Busy port.
    let other = temp_dir("errors-port");
    let mut busy = config(&other);
    busy.listen = running.addr;
    let err = heirloom_server::start(busy).await.err().unwrap();
    assert_eq!(
        err.to_string(),
        format!(
            "address {} is already in use (is another server running?)",
            running.addr
        )
    );
    // Unreadable certificate.
    let mut bad = config(&other);
    bad.cert_and_key = Some((
        other.join("missing-cert.pem"),
        other.join("missing-key.pem"),
    ));
    let err = heirloom_server::start(bad).await.err().unwrap();
    let text = err.to_string();
    assert!(
        text.starts_with("cannot read certificate") && text.contains("missing-cert.pem"),
        "{text}"
    );
    assert!(!text.contains('\n'));
    running.shutdown().await;
    // A user certificate and key (here the generated pair) are used as given.
    let third = temp_dir("errors-given");
    let mut given = config(&third);
    given.cert_and_key = Some((dir.join("tls-cert.pem"), dir.join("tls-key.pem")));
    let again = heirloom_server::start(given).await.unwrap();
    assert!(!again.cert_generated);
    assert!(!third.join("tls-cert.pem").exists());
    assert_eq!(again.cert_path, dir.join("tls-cert.pem"));
    again.shutdown().await;
    std::fs::remove_dir_all(third).unwrap();
    std::fs::remove_dir_all(dir).unwrap();
    std::fs::remove_dir_all(other).unwrap();
}

#[tokio::test]
async fn a_locked_database_is_reported() {
    let dir = temp_dir("dblock");
    let db_path = dir.join("accounts.db");
    heirloom_server::db::Db::open(&db_path).unwrap();
    let holder = rusqlite::Connection::open(&db_path).unwrap();
    holder
        .execute_batch("PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE;")
        .unwrap();
    let err = heirloom_server::start(config(&dir)).await.err().unwrap();
    assert_eq!(
        err.to_string(),
        format!(
            "database {} is locked by another process",
            db_path.display()
        )
    );
    drop(holder);
    std::fs::remove_dir_all(dir).unwrap();
}

fn curl_available() -> bool {
    let ok = std::process::Command::new("curl")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("SKIPPED: curl is not installed; the curl checks did not run");
    }
    ok
}

#[tokio::test]
async fn curl_talks_to_the_server() {
    if !curl_available() {
        return;
    }
    let dir = temp_dir("curl");
    let running = start(config(&dir)).await;
    let url = format!("{}/healthz", base(running.addr));
    let resolve = format!("localhost:{}:127.0.0.1", running.addr.port());
    let cert = running.cert_path.to_str().unwrap().to_string();
    let run = |args: Vec<String>| {
        tokio::task::spawn_blocking(move || {
            std::process::Command::new("curl")
                .args(args)
                .output()
                .unwrap()
        })
    };
    let out = run(vec![
        "-sS".into(),
        "-i".into(),
        "--cacert".into(),
        cert.clone(),
        "--resolve".into(),
        resolve.clone(),
        url.clone(),
    ])
    .await
    .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_ascii_lowercase();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains(" 200") && text.contains("\"status\":\"ok\""),
        "{text}"
    );
    assert!(text.contains("strict-transport-security"), "{text}");
    // Without trusting the certificate curl refuses the connection.
    let out = run(vec![
        "-sS".into(),
        "--resolve".into(),
        resolve.clone(),
        url.clone(),
    ])
    .await
    .unwrap();
    assert!(!out.status.success());
    // TLS 1.1 at most: no connection.
    let out = run(vec![
        "-sS".into(),
        "--cacert".into(),
        cert.clone(),
        "--resolve".into(),
        resolve.clone(),
        "--tlsv1.0".into(),
        "--tls-max".into(),
        "1.1".into(),
        url.clone(),
    ])
    .await
    .unwrap();
    assert!(!out.status.success(), "TLS 1.1 connection succeeded");
    // Traversal without a session, sent as-is.
    let traversal = format!("{}/apps/..%2f..%2faccounts.db", base(running.addr));
    let out = run(vec![
        "-sS".into(),
        "--path-as-is".into(),
        "-o".into(),
        "/dev/null".into(),
        "-w".into(),
        "%{http_code}".into(),
        "--cacert".into(),
        cert,
        "--resolve".into(),
        resolve,
        traversal,
    ])
    .await
    .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "401");
    running.shutdown().await;
    std::fs::remove_dir_all(dir).unwrap();
}
