//! Apps and saves over real HTTPS: nothing without a session (traversal attempts
//! included), permissions, path traversal refused with a session, saves kept across
//! restarts, the page bundle with its headers.

mod common;

use common::*;

/// Every file route, with plain and hostile paths, in raw form (sent byte for byte).
const PROBES: &[(&str, &str)] = &[
    ("GET", "/"),
    ("GET", "/index.html"),
    ("GET", "/api/apps"),
    ("GET", "/api/session"),
    ("GET", "/apps/game.prg"),
    ("GET", "/api/saves/game.prg"),
    ("GET", "/api/saves/game.prg/slot1"),
    ("PUT", "/api/saves/game.prg/slot1"),
    ("DELETE", "/api/saves/game.prg/slot1"),
];

const TRAVERSALS: &[&str] = &[
    "../../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "%2e%2e/%2e%2e/etc/passwd",
    "%2E%2E%2F%2E%2E%2Faccounts.db",
    "%252e%252e/%252e%252e/accounts.db",
    "..%5c..%5caccounts.db",
    "..\\..\\accounts.db",
    "/etc/passwd",
    "%2fetc%2fpasswd",
    "C:%5cwindows%5cwin.ini",
    "game.prg%00.txt",
    ".%2e/accounts.db",
];

fn hostile_paths() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = PROBES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    for t in TRAVERSALS {
        out.push(("GET".into(), format!("/{t}")));
        out.push(("GET".into(), format!("/apps/{t}")));
        out.push(("GET".into(), format!("/api/saves/{t}")));
        out.push(("GET".into(), format!("/api/saves/game.prg/{t}")));
        out.push(("PUT".into(), format!("/api/saves/game.prg/{t}")));
        out.push(("DELETE".into(), format!("/api/saves/{t}/x")));
    }
    out
}

fn raw_request(
    method: &str,
    path: &str,
    port: u16,
    cookie: Option<&str>,
    csrf: Option<&str>,
) -> String {
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost:{port}\r\nOrigin: https://localhost:{port}\r\nConnection: close\r\n"
    );
    if let Some(c) = cookie {
        req.push_str(&format!("Cookie: __Host-session={c}\r\n"));
    }
    if let Some(t) = csrf {
        req.push_str(&format!("X-CSRF-Token: {t}\r\n"));
    }
    if method == "PUT" {
        req.push_str("Content-Length: 4\r\n\r\nEVIL");
    } else {
        req.push_str("\r\n");
    }
    req
}

fn library_with_game(dir: &std::path::Path) -> heirloom_server::Config {
    let config = config(dir);
    std::fs::create_dir_all(&config.library).unwrap();
    std::fs::write(config.library.join("game.prg"), [0x01, 0x08, 0xa9, 0x00]).unwrap();
    std::fs::write(config.library.join("secret.d64"), vec![0u8; 1000]).unwrap();
    std::fs::write(config.library.join("notes.txt"), b"not an app").unwrap();
    config
}

#[tokio::test]
async fn every_app_and_save_route_needs_a_session() {
    let dir = temp_dir("noauth");
    let running = start(library_with_game(&dir)).await;
    let port = running.addr.port();
    for (method, path) in hostile_paths() {
        let res = raw_https(
            running.addr,
            &running.cert_path,
            &raw_request(&method, &path, port, None, None),
        )
        .await;
        let status = status_of(&res);
        if method == "GET" && !path.starts_with("/api/") && !path.starts_with("/apps/") {
            assert_eq!(status, 303, "{method} {path}: {res}");
            assert!(
                res.to_ascii_lowercase().contains("location: /login"),
                "{res}"
            );
        } else {
            assert_eq!(status, 401, "{method} {path}: {res}");
        }
        assert!(
            !res.contains("root:") && !res.contains("SQLite"),
            "{path} leaked a file"
        );
    }
    // A forged session cookie is no better.
    let res = raw_https(
        running.addr,
        &running.cert_path,
        &raw_request(
            "GET",
            "/apps/game.prg",
            port,
            Some("00000000000000000000000000000000"),
            None,
        ),
    )
    .await;
    assert_eq!(status_of(&res), 401);
    running.shutdown().await;
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn traversal_is_refused_even_with_a_session() {
    let dir = temp_dir("traversal");
    std::fs::create_dir_all(dir.join("web/assets")).unwrap();
    let mut config = library_with_game(&dir);
    config.web_dir = dir.join("web");
    std::fs::write(
        dir.join("web/index.html"),
        "<!doctype html><title>c64</title>",
    )
    .unwrap();
    let (running, mut s, _) = signed_in_admin(config).await;
    let cookie = s.cookies["__Host-session"].clone();
    let csrf = s.csrf().await;
    let port = running.addr.port();
    for t in TRAVERSALS {
        for (method, path) in [
            ("GET", format!("/{t}")),
            ("GET", format!("/apps/{t}")),
            ("GET", format!("/api/saves/{t}")),
            ("GET", format!("/api/saves/game.prg/{t}")),
            ("PUT", format!("/api/saves/game.prg/{t}")),
            ("DELETE", format!("/api/saves/game.prg/{t}")),
        ] {
            let res = raw_https(
                running.addr,
                &running.cert_path,
                &raw_request(method, &path, port, Some(&cookie), Some(&csrf)),
            )
            .await;
            let status = status_of(&res);
            assert!(
                status == 400 || status == 404,
                "{method} {path} gave {status}: {res}"
            );
            assert!(
                !res.contains("root:") && !res.contains("SQLite format"),
                "{path} leaked a file"
            );
        }
    }
    // Nothing was written outside the save directory.
    assert!(!dir.join("EVIL").exists());
    let leaked: Vec<_> = walk(&dir)
        .into_iter()
        .filter(|p| std::fs::read(p).ok().as_deref() == Some(b"EVIL"))
        .collect();
    assert!(leaked.is_empty(), "{leaked:?}");
    running.shutdown().await;
    std::fs::remove_dir_all(dir).unwrap();
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[tokio::test]
async fn apps_follow_permissions_and_saves_survive_a_restart() {
    let dir = temp_dir("apps");
    let config = library_with_game(&dir);
    let (running, mut admin, _) = signed_in_admin(config.clone()).await;
    // The administrator sees every app (but not the non-app file).
    let apps: serde_json::Value = admin.get("/api/apps").await.json().await.unwrap();
    let ids: Vec<&str> = apps["apps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["game.prg", "secret.d64"]);
    let res = admin.get("/apps/game.prg").await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.bytes().await.unwrap().as_ref(),
        [0x01, 0x08, 0xa9, 0x00]
    );
    assert_eq!(admin.get("/apps/notes.txt").await.status(), 404);

    // A user granted only game.prg through a group.
    let csrf = admin.csrf().await;
    let page = admin
        .post_form(
            "/admin/users/add",
            &[("csrf", &csrf), ("name", "erin"), ("group", "kids")],
        )
        .await
        .text()
        .await
        .unwrap();
    admin
        .post_form(
            "/admin/grants/add",
            &[
                ("csrf", &csrf),
                ("subject", "group:kids"),
                ("app", "game.prg"),
            ],
        )
        .await;
    let link = between(&page, "https://", "<");
    let path = link[link.find("/enrol").unwrap()..].to_string();
    let mut erin = Session::new(&running);
    let (_, enrol) = erin.get_text(&path).await;
    let secret =
        heirloom_server::totp::base32_decode(&between(&enrol, "id=\"totp-secret\">", "<")).unwrap();
    let pw = "amber-falcon-stone-55";
    erin.post_form(
        "/enrol",
        &[
            ("token", &path[path.find('=').unwrap() + 1..]),
            ("password", pw),
            ("password2", pw),
            ("code", &code(&secret, -1)),
        ],
    )
    .await;
    assert_eq!(
        erin.login("erin", pw, &code(&secret, 0)).await.status(),
        303
    );
    let apps: serde_json::Value = erin.get("/api/apps").await.json().await.unwrap();
    assert_eq!(apps["apps"].as_array().unwrap().len(), 1);
    assert_eq!(erin.get("/apps/game.prg").await.status(), 200);
    assert_eq!(erin.get("/apps/secret.d64").await.status(), 403);
    let ecsrf = erin.csrf().await;
    // Administration is for administrators only.
    assert_eq!(erin.get("/admin").await.status(), 403);
    let res = erin
        .post_form("/admin/users/add", &[("csrf", &ecsrf), ("name", "mallory")])
        .await;
    assert_eq!(res.status(), 403);
    let res = erin
        .send(
            reqwest::Method::PUT,
            "/api/saves/secret.d64/x",
            b"no".to_vec(),
            Some(&ecsrf),
        )
        .await;
    assert_eq!(res.status(), 403);

    // Saves: put, list, get; per user.
    let state = (0..70_000u32)
        .map(|i| (i * 7 % 251) as u8)
        .collect::<Vec<u8>>();
    let res = erin
        .send(
            reqwest::Method::PUT,
            "/api/saves/game.prg/slot%201.state",
            state.clone(),
            Some(&ecsrf),
        )
        .await;
    assert_eq!(res.status(), 201);
    let listing: serde_json::Value = erin.get("/api/saves/game.prg").await.json().await.unwrap();
    assert_eq!(listing["saves"][0]["name"], "slot 1.state");
    assert_eq!(listing["saves"][0]["size"], 70_000);
    let acsrf = admin.csrf().await;
    assert_eq!(
        admin
            .get("/api/saves/game.prg/slot%201.state")
            .await
            .status(),
        404,
        "saves are per user"
    );
    let res = admin
        .send(
            reqwest::Method::PUT,
            "/api/saves/game.prg/disk.d64",
            vec![9; 10],
            Some(&acsrf),
        )
        .await;
    assert_eq!(res.status(), 201);
    let res = admin
        .send(
            reqwest::Method::DELETE,
            "/api/saves/game.prg/disk.d64",
            Vec::new(),
            Some(&acsrf),
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        admin.get("/api/saves/game.prg/disk.d64").await.status(),
        404
    );

    // Restart: the session and the save are still there.
    running.shutdown().await;
    let running = start(config).await;
    erin.base = base(running.addr);
    let res = erin.get("/api/saves/game.prg/slot%201.state").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert_eq!(res.bytes().await.unwrap().as_ref(), state.as_slice());
    running.shutdown().await;
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn page_bundle_is_served_with_types_and_cache_lifetimes() {
    let dir = temp_dir("bundle");
    let mut config = library_with_game(&dir);
    config.web_dir = dir.join("web");
    std::fs::create_dir_all(dir.join("web/assets")).unwrap();
    std::fs::write(
        dir.join("web/index.html"),
        "<!doctype html><script type=module src=/assets/index-Ab12cd34.js></script>",
    )
    .unwrap();
    std::fs::write(
        dir.join("web/assets/index-Ab12cd34.js"),
        "console.log('c64');\n".repeat(200),
    )
    .unwrap();
    std::fs::write(dir.join("web/assets/c64-9f8e7d6c.wasm"), b"\0asm\x01\0\0\0").unwrap();
    let (running, mut s, _) = signed_in_admin(config).await;
    let res = s.get("/").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "private, no-cache");
    assert!(res.text().await.unwrap().contains("index-Ab12cd34.js"));
    let res = s.get("/assets/c64-9f8e7d6c.wasm").await;
    assert_eq!(res.headers()["content-type"], "application/wasm");
    assert_eq!(
        res.headers()["cache-control"],
        "private, max-age=31536000, immutable"
    );
    // Compression when asked for.
    let res = s
        .http
        .get(format!("{}/assets/index-Ab12cd34.js", s.base))
        .header(
            "cookie",
            format!("__Host-session={}", s.cookies["__Host-session"]),
        )
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip");
    assert_eq!(
        res.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(s.get("/assets/missing.js").await.status(), 404);
    running.shutdown().await;
    std::fs::remove_dir_all(dir).unwrap();
}
