//! Load benchmark of the HTTPS server: 200 concurrent clients (each with its own TLS
//! keep-alive connection, opened before timing starts) fetching assets, then 200
//! concurrent sign-ins with password and TOTP (each timed from its POST).
//! Prints requests per second, p50/p99 latencies, the CPU time the whole process (server
//! and clients together) spent per request, which unlike latency does not depend on what
//! else the machine runs, and the load average before each scenario. Run with
//! `cargo bench -p heirloom-server --bench serve`.
//! Everything runs on the loopback interface and stops by itself.

use std::sync::Arc;
use std::time::{Duration, Instant};

use heirloom_server::{Config, crypto, db::Db, totp};

const CLIENTS: usize = 200;
const REQUESTS_PER_CLIENT: usize = 50;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

/// CPU time (user and system, all threads) this process has used, from `/proc/self/stat`
/// (in clock ticks of 1/100 s, Linux's fixed `USER_HZ`); `None` elsewhere.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// The 1-minute load average, from `/proc/loadavg`.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

fn report(name: &str, mut samples: Vec<Duration>, wall: Duration, cpu: Option<Duration>) {
    samples.sort();
    let cpu = cpu.map_or(String::new(), |c| {
        format!(
            "; CPU {:.0} us/request",
            c.as_secs_f64() * 1e6 / samples.len() as f64
        )
    });
    println!(
        "{name}: {} requests in {:.2} s ({:.0} req/s); p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms{cpu} (load average {})",
        samples.len(),
        wall.as_secs_f64(),
        samples.len() as f64 / wall.as_secs_f64(),
        percentile(&samples, 0.50).as_secs_f64() * 1e3,
        percentile(&samples, 0.99).as_secs_f64() * 1e3,
        samples.last().unwrap().as_secs_f64() * 1e3,
        load_average(),
    );
}

fn client(cert: &std::path::Path) -> reqwest::Client {
    let pem = std::fs::read(cert).unwrap();
    reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .tls_built_in_root_certs(false)
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(1)
        .build()
        .unwrap()
}

/// Runs `CLIENTS` tasks, each with its own connection, doing `per_client` timed GETs of
/// `path` after one untimed request that opens the connection (TLS handshake). All clients
/// start their timed requests together.
async fn load(
    base: &str,
    cert: &std::path::Path,
    path: &str,
    cookie: Option<String>,
    per_client: usize,
) -> (Vec<Duration>, Duration, Option<Duration>) {
    let barrier = Arc::new(tokio::sync::Barrier::new(CLIENTS + 1));
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let http = client(cert);
        let url = format!("{base}{path}");
        let cookie = cookie.clone();
        let barrier = barrier.clone();
        tasks.push(tokio::spawn(async move {
            let mut warm = http.get(&url);
            if let Some(c) = &cookie {
                warm = warm.header("cookie", c);
            }
            warm.send()
                .await
                .expect("request")
                .bytes()
                .await
                .expect("body");
            barrier.wait().await;
            let mut samples = Vec::with_capacity(per_client);
            for _ in 0..per_client {
                let t = Instant::now();
                let mut req = http.get(&url).header("accept-encoding", "gzip");
                if let Some(c) = &cookie {
                    req = req.header("cookie", c);
                }
                let res = req.send().await.expect("request");
                assert_eq!(res.status(), 200);
                res.bytes().await.expect("body");
                samples.push(t.elapsed());
            }
            samples
        }));
    }
    barrier.wait().await;
    let started = Instant::now();
    let cpu_before = cpu_time();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let cpu = cpu_time()
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    (all, started.elapsed(), cpu)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let dir = std::env::temp_dir().join(format!("heirloom-bench-{}", crypto::random_token()));
        std::fs::create_dir_all(dir.join("web/assets")).unwrap();
        std::fs::write(
            dir.join("web/index.html"),
            "<!doctype html><title>bench</title>",
        )
        .unwrap();
        let bundle: Vec<u8> = (0..256 * 1024).map(|i| (i % 251) as u8).collect();
        std::fs::write(dir.join("web/assets/c64-0123abcd.wasm"), &bundle).unwrap();
        let mut config = Config::new(&dir);
        config.listen = "127.0.0.1:0".parse().unwrap();
        config.web_dir = dir.join("web");
        let running = heirloom_server::start(config).await.unwrap();
        let base = format!("https://localhost:{}", running.addr.port());
        let cert = running.cert_path.clone();

        // Users with a known password and TOTP secret, written straight into the database.
        let db = Db::open(&dir.join("accounts.db")).unwrap();
        let password = "bench-otter-maple-47";
        let hash = crypto::hash_password(password);
        let mut secrets = Vec::new();
        for i in 0..CLIENTS {
            let id = db.create_user(&format!("user{i}"), true).unwrap();
            let secret = crypto::random_bytes::<20>();
            db.set_password(id, &hash).unwrap();
            db.set_totp(id, Some(&totp::base32_encode(&secret)), 0)
                .unwrap();
            secrets.push(secret);
        }

        // Public content-hashed stylesheet.
        let login_page = client(&cert)
            .get(format!("{base}/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let start = login_page.find("/static/style.").unwrap();
        let css = login_page[start..start + login_page[start..].find('"').unwrap()].to_string();
        let (samples, wall, cpu) = load(&base, &cert, &css, None, REQUESTS_PER_CLIENT).await;
        report(
            &format!("asset {css} (public), {CLIENTS} clients"),
            samples,
            wall,
            cpu,
        );

        // Sign-ins: each client loads the form and signs in as its own user.
        let started = Instant::now();
        let cpu_before = cpu_time();
        let mut tasks = Vec::new();
        for (i, secret) in secrets.into_iter().enumerate() {
            let http = client(&cert);
            let base = base.clone();
            tasks.push(tokio::spawn(async move {
                let res = http.get(format!("{base}/login")).send().await.unwrap();
                let cookie = res.headers()["set-cookie"]
                    .to_str()
                    .unwrap()
                    .split(';')
                    .next()
                    .unwrap()
                    .to_string();
                let page = res.text().await.unwrap();
                let from = page.find("name=\"csrf\" value=\"").unwrap() + 19;
                let csrf = page[from..from + 32].to_string();
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_secs();
                let code = totp::code_at(&secret, now);
                let t = Instant::now();
                let res = http
                    .post(format!("{base}/login"))
                    .header("origin", &base)
                    .header("cookie", cookie)
                    .form(&[
                        ("csrf", csrf.as_str()),
                        ("username", &format!("user{i}")),
                        ("password", password),
                        ("code", &code),
                    ])
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 303, "sign-in of user{i}");
                let session = res
                    .headers()
                    .get_all("set-cookie")
                    .iter()
                    .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
                    .find(|c| c.starts_with("__Host-session="))
                    .unwrap();
                (t.elapsed(), session)
            }));
        }
        let mut samples = Vec::new();
        let mut sessions = Vec::new();
        for t in tasks {
            let (d, s) = t.await.unwrap();
            samples.push(d);
            sessions.push(s);
        }
        report(
            &format!("sign-in (argon2id m=19 MiB t=2), {CLIENTS} clients"),
            samples,
            started.elapsed(),
            cpu_time()
                .zip(cpu_before)
                .map(|(after, before)| after - before),
        );

        // Signed-in asset from the page bundle (session checked on every request).
        let (samples, wall, cpu) = load(
            &base,
            &cert,
            "/assets/c64-0123abcd.wasm",
            Some(sessions[0].clone()),
            REQUESTS_PER_CLIENT / 5,
        )
        .await;
        report(
            &format!("asset 256 KiB .wasm (signed in), {CLIENTS} clients"),
            samples,
            wall,
            cpu,
        );

        running.shutdown().await;
        std::fs::remove_dir_all(dir).unwrap();
    });
}
