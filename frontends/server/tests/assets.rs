//! The page bundle and the stylesheet served from memory over real HTTPS: every encoding
//! decodes to the bytes on disk, with `Content-Encoding`, `Vary` and `Content-Length`
//! right; HEAD gives the headers alone; a file changed on disk is served new; the sign-in
//! is still checked on every request.

mod common;

use std::io::Read;

use common::*;

const SCRIPT: &str = "/assets/app-Ab12cd34.js";

fn script_text(word: &str, lines: usize) -> Vec<u8> {
    (0..lines)
        .map(|i| format!("export const {word}{i} = {i} * 7; // heirloom\n"))
        .collect::<String>()
        .into_bytes()
}

fn decode(encoding: Option<&str>, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match encoding {
        Some("br") => {
            brotli::Decompressor::new(body, 4096)
                .read_to_end(&mut out)
                .unwrap();
        }
        Some("gzip") => {
            flate2::read::GzDecoder::new(body)
                .read_to_end(&mut out)
                .unwrap();
        }
        None => out.extend_from_slice(body),
        Some(other) => panic!("unexpected content coding {other}"),
    }
    out
}

struct Fetched {
    status: u16,
    encoding: Option<String>,
    vary: Option<String>,
    length: Option<usize>,
    body: Vec<u8>,
}

async fn fetch(
    s: &Session,
    method: reqwest::Method,
    path: &str,
    accept_encoding: Option<&str>,
) -> Fetched {
    let mut req = s.http.request(method, format!("{}{path}", s.base));
    if let Some(session) = s.cookies.get("__Host-session") {
        req = req.header("cookie", format!("__Host-session={session}"));
    }
    if let Some(a) = accept_encoding {
        req = req.header("accept-encoding", a);
    }
    let res = req.send().await.unwrap();
    let header = |name: &str| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    Fetched {
        status: res.status().as_u16(),
        encoding: header("content-encoding"),
        vary: header("vary"),
        length: header("content-length").map(|v| v.parse().unwrap()),
        body: res.bytes().await.unwrap().to_vec(),
    }
}

#[tokio::test]
async fn page_files_decode_to_the_disk_bytes_in_every_encoding() {
    let dir = temp_dir("assets");
    let mut config = config(&dir);
    config.web_dir = dir.join("web");
    std::fs::create_dir_all(dir.join("web/assets")).unwrap();
    std::fs::write(
        dir.join("web/index.html"),
        "<!doctype html><title>t</title>",
    )
    .unwrap();
    let script = script_text("a", 400);
    std::fs::write(dir.join("web/assets/app-Ab12cd34.js"), &script).unwrap();
    let png: Vec<u8> = (0..3000u32).map(|i| (i * 31 % 256) as u8).collect();
    std::fs::write(dir.join("web/assets/logo.png"), &png).unwrap();
    let (running, s, _) = signed_in_admin(config).await;

    let cases: &[(Option<&str>, Option<&str>)] = &[
        (Some("br"), Some("br")),
        (Some("gzip"), Some("gzip")),
        (Some("gzip, deflate, br"), Some("br")),
        (Some("br;q=0.5, gzip"), Some("gzip")),
        (Some("identity"), None),
        (Some("deflate"), None),
        (None, None),
    ];
    let mut brotli_length = 0;
    for &(accept, expected) in cases {
        // Twice: the first fills the cache, the second comes from it.
        for _ in 0..2 {
            let f = fetch(&s, reqwest::Method::GET, SCRIPT, accept).await;
            assert_eq!(f.status, 200, "{accept:?}");
            assert_eq!(f.encoding.as_deref(), expected, "{accept:?}");
            assert_eq!(f.vary.as_deref(), Some("accept-encoding"), "{accept:?}");
            assert_eq!(f.length, Some(f.body.len()), "{accept:?}");
            assert_eq!(decode(expected, &f.body), script, "{accept:?}");
            if expected.is_some() {
                assert!(f.body.len() < script.len() / 4, "{accept:?} compresses");
            }
            if expected == Some("br") {
                brotli_length = f.body.len();
            }
        }
    }
    // Nothing acceptable.
    let f = fetch(&s, reqwest::Method::GET, SCRIPT, Some("identity;q=0, zstd")).await;
    assert_eq!(f.status, 406);

    // HEAD: the same headers, no body.
    let f = fetch(&s, reqwest::Method::HEAD, SCRIPT, Some("br")).await;
    assert_eq!(f.status, 200);
    assert_eq!(f.encoding.as_deref(), Some("br"));
    assert_eq!(f.vary.as_deref(), Some("accept-encoding"));
    assert_eq!(f.length, Some(brotli_length));
    assert!(f.body.is_empty());
    let f = fetch(&s, reqwest::Method::HEAD, SCRIPT, None).await;
    assert_eq!(f.length, Some(script.len()));
    assert!(f.body.is_empty());

    // An image is already compressed: sent as it is, whatever the client accepts.
    let f = fetch(
        &s,
        reqwest::Method::GET,
        "/assets/logo.png",
        Some("gzip, br"),
    )
    .await;
    assert_eq!(f.status, 200);
    assert_eq!(f.encoding, None);
    assert_eq!(f.length, Some(png.len()));
    assert_eq!(f.body, png);

    // The public stylesheet: encoded once, decodes to the unencoded response.
    let style = fetch(&s, reqwest::Method::GET, "/login", None).await;
    let page = String::from_utf8(style.body).unwrap();
    let href = between(&page, "href=\"/static/", "\"");
    let css_path = format!("/static/{href}");
    let plain = fetch(&s, reqwest::Method::GET, &css_path, None).await;
    assert_eq!(plain.status, 200);
    assert!(!plain.body.is_empty());
    for coding in ["br", "gzip"] {
        let f = fetch(&s, reqwest::Method::GET, &css_path, Some(coding)).await;
        assert_eq!(f.encoding.as_deref(), Some(coding));
        assert_eq!(f.vary.as_deref(), Some("accept-encoding"));
        assert_eq!(decode(Some(coding), &f.body), plain.body);
    }

    running.shutdown().await;
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_file_changed_on_disk_is_served_new() {
    let dir = temp_dir("assets-change");
    let mut config = config(&dir);
    config.web_dir = dir.join("web");
    std::fs::create_dir_all(dir.join("web/assets")).unwrap();
    std::fs::write(
        dir.join("web/index.html"),
        "<!doctype html><title>t</title>",
    )
    .unwrap();
    let file = dir.join("web/assets/app-Ab12cd34.js");
    std::fs::write(&file, script_text("a", 300)).unwrap();
    let (running, s, _) = signed_in_admin(config).await;
    for accept in [Some("br"), Some("gzip"), None] {
        let f = fetch(&s, reqwest::Method::GET, SCRIPT, accept).await;
        assert_eq!(
            decode(f.encoding.as_deref(), &f.body),
            script_text("a", 300)
        );
    }
    // Rewritten in place with another length.
    std::fs::write(&file, script_text("b", 350)).unwrap();
    for accept in [Some("br"), Some("gzip"), None] {
        let f = fetch(&s, reqwest::Method::GET, SCRIPT, accept).await;
        assert_eq!(f.length, Some(f.body.len()));
        assert_eq!(
            decode(f.encoding.as_deref(), &f.body),
            script_text("b", 350)
        );
    }
    // Replaced by renaming another file over it, same length.
    let next = dir.join("web/assets/next.tmp");
    std::fs::write(&next, script_text("c", 350)).unwrap();
    std::fs::rename(&next, &file).unwrap();
    for accept in [Some("br"), Some("gzip"), None] {
        let f = fetch(&s, reqwest::Method::GET, SCRIPT, accept).await;
        assert_eq!(
            decode(f.encoding.as_deref(), &f.body),
            script_text("c", 350)
        );
    }
    // Removed.
    std::fs::remove_file(&file).unwrap();
    assert_eq!(
        fetch(&s, reqwest::Method::GET, SCRIPT, Some("br"))
            .await
            .status,
        404
    );
    running.shutdown().await;
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn cached_files_still_need_a_live_session() {
    let dir = temp_dir("assets-auth");
    let mut config = config(&dir);
    config.web_dir = dir.join("web");
    std::fs::create_dir_all(dir.join("web/assets")).unwrap();
    std::fs::write(
        dir.join("web/index.html"),
        "<!doctype html><title>t</title>",
    )
    .unwrap();
    std::fs::write(
        dir.join("web/assets/app-Ab12cd34.js"),
        script_text("a", 300),
    )
    .unwrap();
    let (running, mut s, _) = signed_in_admin(config).await;
    // Cached now.
    let f = fetch(&s, reqwest::Method::GET, SCRIPT, Some("br")).await;
    assert_eq!(f.status, 200);

    // No session: refused (a script is not a page, so 401 rather than a redirect), and
    // a page load is sent to the sign-in page.
    let anonymous = Session::new(&running);
    for accept in [Some("br"), Some("gzip"), None] {
        let f = fetch(&anonymous, reqwest::Method::GET, SCRIPT, accept).await;
        assert_eq!(f.status, 401, "{accept:?}");
        assert!(!String::from_utf8_lossy(&f.body).contains("heirloom"));
        let f = fetch(&anonymous, reqwest::Method::HEAD, SCRIPT, accept).await;
        assert_eq!(f.status, 401, "{accept:?}");
    }
    let res = anonymous
        .http
        .get(format!("{}/index.html", anonymous.base))
        .header("accept", "text/html")
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/login");

    // Signing out takes effect on the very next request.
    let csrf = s.csrf().await;
    let session_cookie = s.cookies["__Host-session"].clone();
    let res = s.post_form("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(res.status(), 303);
    s.cookies
        .insert("__Host-session".to_string(), session_cookie);
    let f = fetch(&s, reqwest::Method::GET, SCRIPT, Some("br")).await;
    assert_eq!(f.status, 401);
    running.shutdown().await;
    std::fs::remove_dir_all(dir).unwrap();
}
