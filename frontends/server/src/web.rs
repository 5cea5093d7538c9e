//! The HTTPS application: routing, sessions, CSRF, security headers and the handlers for
//! sign-in, enrolment, account and admin pages, apps, saves and the page bundle.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, DefaultBodyLimit, Extension, Form, Path, Query, Request, State};
use axum::http::{
    Extensions, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, Version, header,
};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};

use crate::assets::{Asset, AssetCache, Encoded, Negotiated};
use crate::config::Config;
use crate::db::{Db, SessionRow, User, now};
use crate::paths::safe_segments;
use crate::ratelimit::IpLimiter;
use crate::{ServerError, cli, crypto, pages, totp};

/// Name of the session cookie (the `__Host-` prefix pins it to this host, `Secure`, `/`).
pub const SESSION_COOKIE: &str = "__Host-session";
/// Name of the cookie that carries the sign-in form's CSRF token before a session exists.
pub const LOGIN_COOKIE: &str = "__Host-login";
/// Sessions end after this long without a request.
pub const IDLE_TIMEOUT: i64 = 30 * 60;
/// Sessions end this long after sign-in, however active.
pub const ABSOLUTE_TIMEOUT: i64 = 12 * 60 * 60;
/// Consecutive failures after which an account is locked.
pub const LOCK_THRESHOLD: i64 = 5;
/// First lockout length in seconds; doubles with each further failure.
pub const LOCK_BASE_SECONDS: i64 = 30;
/// Largest accepted save.
pub const SAVE_LIMIT: usize = 32 * 1024 * 1024;
/// Largest accepted form.
const FORM_LIMIT: usize = 64 * 1024;
/// Number of recovery codes issued at a time.
pub const RECOVERY_CODES: usize = 10;
/// File extensions of library entries that are served as apps.
pub const APP_EXTENSIONS: &[&str] = &["prg", "d64", "t64", "crt", "sid", "zip", "wasm", "rom"];
/// The Content-Security-Policy sent with every response.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
    img-src 'self' data: blob:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; \
    base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const STYLE: &str = include_str!("style.css");

/// Shared state of the handlers.
pub struct AppState {
    /// Accounts.
    pub db: Db,
    /// Configuration.
    pub config: Config,
    /// Per-address throttling.
    pub limiter: IpLimiter,
    /// URL of the content-hashed stylesheet.
    pub style_href: String,
    /// The stylesheet with its encodings.
    pub style: Encoded,
    /// The page bundle's files in memory.
    pub assets: AssetCache,
    /// Bounds concurrent argon2 computations (19 MiB each) to the number of cores, so a
    /// burst of sign-ins queues instead of exhausting memory.
    pub hashing: tokio::sync::Semaphore,
}

type St = Arc<AppState>;

/// The signed-in user and their session, put into request extensions by the guard.
#[derive(Clone)]
struct Ctx {
    user: User,
    session: SessionRow,
}

/// An internal failure; logged, answered with 500.
struct Fail(ServerError);

impl From<ServerError> for Fail {
    fn from(e: ServerError) -> Fail {
        Fail(e)
    }
}

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        tracing::error!(error = %self.0, "request failed");
        (StatusCode::INTERNAL_SERVER_ERROR, "internal error\n").into_response()
    }
}

type Res = Result<Response, Fail>;

/// Builds the application with all layers.
pub fn router(state: St) -> Router {
    Router::new()
        .route("/healthz", get(health))
        .route("/static/{file}", get(static_file))
        .route("/login", get(login_page).post(login_post))
        .route("/enrol", get(enrol_page).post(enrol_post))
        .route("/logout", post(logout))
        .route("/logout-everywhere", post(logout_everywhere))
        .route("/account", get(account_page))
        .route("/account/password", post(account_password))
        .route("/account/totp", post(account_totp))
        .route("/account/totp/confirm", post(account_totp_confirm))
        .route("/account/recovery", post(account_recovery))
        .route("/admin", get(admin_page))
        .route("/admin/{area}/{op}", post(admin_post))
        .route("/api/session", get(api_session))
        .route("/api/apps", get(api_apps))
        .route("/apps/{*rest}", get(app_file))
        .route(
            "/api/saves/{*rest}",
            get(save_get).put(save_put).delete(save_delete),
        )
        .fallback(web_file)
        .layer(from_fn_with_state(state.clone(), guard))
        .layer(DefaultBodyLimit::max(SAVE_LIMIT))
        .layer(
            CompressionLayer::new()
                .gzip(true)
                .br(true)
                .compress_when(DefaultPredicate::new().and(not_negotiated)),
        )
        .layer(from_fn(security_headers))
        .with_state(state)
}

/// The stylesheet URL for its content hash.
pub fn style_href() -> String {
    format!(
        "/static/style.{}.css",
        &crypto::sha256_hex(STYLE.as_bytes())[..12]
    )
}

/// The stylesheet with its encodings, made once at start.
pub fn style() -> Encoded {
    Encoded::new(
        "text/css; charset=utf-8",
        Bytes::from_static(STYLE.as_bytes()),
    )
}

/// Whether the compression layer may compress a response: not when its coding was already
/// negotiated (the stylesheet and the page bundle carry their encodings made once).
fn not_negotiated(_: StatusCode, _: Version, _: &HeaderMap, extensions: &Extensions) -> bool {
    extensions.get::<Negotiated>().is_none()
}

// ---------------------------------------------------------------- middleware

/// Adds the security headers and logs each request (method, path without the query,
/// status, duration).
async fn security_headers(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let started = std::time::Instant::now();
    let mut res = next.run(req).await;
    tracing::info!(
        %method,
        path = %path,
        status = res.status().as_u16(),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    let h = res.headers_mut();
    let defaults: [(HeaderName, &str); 10] = [
        (
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        ),
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        // Not `no-referrer`: under it browsers send `Origin: null` with the page's own
        // form posts, which the Origin check would then refuse.
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("cross-origin-embedder-policy"),
            "require-corp",
        ),
        (
            HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ),
        (header::CACHE_CONTROL, "no-store"),
    ];
    for (name, value) in defaults {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    }
    res
}

fn is_public(path: &str) -> bool {
    matches!(path, "/login" | "/enrol" | "/healthz") || path.starts_with("/static/")
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/apps/") || path == "/apps"
}

/// The value of cookie `name`, if sent.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn host_of(req_headers: &HeaderMap, uri: &Uri) -> Option<String> {
    req_headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| uri.authority().map(|a| a.to_string()))
}

/// Whether the request's `Origin` names this very server.
fn origin_ok(headers: &HeaderMap, uri: &Uri) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    host_of(headers, uri)
        .is_some_and(|host| origin.eq_ignore_ascii_case(&format!("https://{host}")))
}

fn client_ip(req: &Request) -> IpAddr {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]))
}

fn current_session(db: &Db, headers: &HeaderMap) -> Result<Option<Ctx>, ServerError> {
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    if token.len() != 32 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    // Sessions reference their user (deleted with it), so a session without a user row
    // does not exist.
    let Some((session, user)) = db.session_with_user(&token)? else {
        return Ok(None);
    };
    let t = now();
    if t - session.last_seen > IDLE_TIMEOUT || t - session.created_at > ABSOLUTE_TIMEOUT {
        db.delete_session(&session.id_hash)?;
        return Ok(None);
    }
    if user.password_hash.is_none() || user.totp_secret.is_none() {
        return Ok(None);
    }
    if t - session.last_seen >= 60 {
        db.touch_session(&session.id_hash)?;
    }
    Ok(Some(Ctx { user, session }))
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

use axum::Json;

/// Whether a request loads a page the user sees (rather than a favicon, an image or a
/// script), so that sending it to the sign-in page makes sense. Only those are redirected:
/// a subresource following the redirect would fetch a second sign-in page, whose cookie
/// would no longer match the form the user is filling in.
fn is_navigation(headers: &HeaderMap) -> bool {
    match headers.get("sec-fetch-mode").and_then(|v| v.to_str().ok()) {
        Some(mode) => mode == "navigate",
        None => headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|accept| accept.contains("text/html")),
    }
}

/// Authentication, Origin and CSRF checks, in that order, for every request.
async fn guard(State(st): State<St>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let public = is_public(&path);
    let changes_state = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let mut req = req;
    let mut ctx = None;
    if !public {
        match current_session(&st.db, req.headers()) {
            Ok(Some(c)) => ctx = Some(c),
            Ok(None) => {
                return if is_api(&path) || changes_state || !is_navigation(req.headers()) {
                    refuse(StatusCode::UNAUTHORIZED, "sign in required")
                } else {
                    (StatusCode::SEE_OTHER, [(header::LOCATION, "/login")]).into_response()
                };
            }
            Err(e) => return Fail(e).into_response(),
        }
    }
    if changes_state {
        if !origin_ok(req.headers(), req.uri()) {
            let ip = client_ip(&req).to_string();
            let actor = ctx
                .as_ref()
                .map(|c| c.user.name.clone())
                .unwrap_or_default();
            let _ = st.db.audit(
                &actor,
                "csrf-refused",
                &path,
                &ip,
                "missing or foreign Origin",
            );
            return refuse(StatusCode::FORBIDDEN, "cross-origin request refused");
        }
        if let Some(c) = &ctx {
            let header_token = req
                .headers()
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let token = match header_token {
                Some(t) => Some(t),
                None if is_form(req.headers()) => {
                    let (parts, body) = req.into_parts();
                    let bytes = match axum::body::to_bytes(body, FORM_LIMIT).await {
                        Ok(b) => b,
                        Err(_) => return refuse(StatusCode::PAYLOAD_TOO_LARGE, "form too large"),
                    };
                    let found = form_urlencoded::parse(&bytes)
                        .find(|(k, _)| k == "csrf")
                        .map(|(_, v)| v.into_owned());
                    req = Request::from_parts(parts, Body::from(bytes));
                    found
                }
                None => None,
            };
            if !token
                .is_some_and(|t| crypto::constant_time_eq(t.as_bytes(), c.session.csrf.as_bytes()))
            {
                let ip = client_ip(&req).to_string();
                let _ = st.db.audit(
                    &c.user.name,
                    "csrf-refused",
                    &path,
                    &ip,
                    "missing or wrong token",
                );
                return refuse(StatusCode::FORBIDDEN, "missing or wrong CSRF token");
            }
        }
    }
    if let Some(c) = ctx {
        req.extensions_mut().insert(c);
    }
    next.run(req).await
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

// ---------------------------------------------------------------- helpers

fn html(status: StatusCode, body: String) -> Response {
    (status, Html(body)).into_response()
}

fn session_cookie(token: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={ABSOLUTE_TIMEOUT}"
    ))
    .expect("hex token is a valid header value")
}

fn clear_cookie(name: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{name}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0"
    ))
    .expect("cookie name is a valid header value")
}

async fn password_matches(st: &AppState, password: String, hash: Option<String>) -> bool {
    let Ok(_permit) = st.hashing.acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || match hash {
        Some(h) => crypto::verify_password(&password, &h),
        None => {
            crypto::verify_password(&password, crypto::dummy_hash());
            false
        }
    })
    .await
    .unwrap_or(false)
}

async fn hash_password(st: &AppState, password: String) -> Result<String, Fail> {
    let _permit = st
        .hashing
        .acquire()
        .await
        .map_err(|e| Fail(ServerError::Invalid(format!("hashing unavailable: {e}"))))?;
    tokio::task::spawn_blocking(move || crypto::hash_password(&password))
        .await
        .map_err(|e| Fail(ServerError::Invalid(format!("hashing task failed: {e}"))))
}

/// Checks a TOTP code (each step once) or a recovery code (each once).
fn second_factor(db: &Db, user: &User, code: &str) -> Result<Option<&'static str>, ServerError> {
    let code = code.trim();
    if code.len() == totp::DIGITS as usize {
        let Some(secret) = user.totp_secret.as_deref().and_then(totp::base32_decode) else {
            return Ok(None);
        };
        let last = u64::try_from(user.totp_last_step).unwrap_or(0);
        if let Some(step) = totp::verify(&secret, code, now() as u64, last)
            && db.consume_totp_step(user.id, step as i64)?
        {
            return Ok(Some("totp"));
        }
        return Ok(None);
    }
    if code.len() >= 16 && db.use_recovery_code(user.id, &crypto::recovery_code_hash(code))? {
        return Ok(Some("recovery code"));
    }
    Ok(None)
}

/// Counts a failed password or code for an account; audits a lockout.
fn account_failure(st: &AppState, user: &User, ip: &str, action: &str) -> Result<(), ServerError> {
    st.db.audit(&user.name, action, &user.name, ip, "")?;
    let until = st
        .db
        .record_failure(user.id, LOCK_THRESHOLD, LOCK_BASE_SECONDS)?;
    if until > 0 {
        st.db.audit(
            "-",
            "lockout",
            &user.name,
            ip,
            &format!("locked until {until}"),
        )?;
    }
    Ok(())
}

fn new_recovery_codes(db: &Db, user_id: i64) -> Result<Vec<String>, ServerError> {
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| crypto::recovery_code())
        .collect();
    let hashes: Vec<String> = codes
        .iter()
        .map(|c| crypto::recovery_code_hash(c))
        .collect();
    db.replace_recovery_codes(user_id, &hashes)?;
    Ok(codes)
}

fn content_type(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Whether a file name carries a content hash (`name-Ab12Cd34.js`, `name.0123abcd.wasm`):
/// its last dash- or dot-separated part before the extension has at least 8 characters
/// of letters, digits or `_`, including a digit.
pub fn is_content_hashed(name: &str) -> bool {
    let Some((stem, _)) = name.rsplit_once('.') else {
        return false;
    };
    let part = stem.rsplit(['-', '.']).next().unwrap_or("");
    part.len() >= 8
        && part != stem
        && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && part.bytes().any(|b| b.is_ascii_digit())
}

fn file_response(name: &str, data: Vec<u8>, cache: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type(name)),
            (header::CACHE_CONTROL, cache),
        ],
        data,
    )
        .into_response()
}

fn bad_path(e: crate::paths::PathRejection) -> Response {
    refuse(StatusCode::BAD_REQUEST, &format!("invalid path: {e}"))
}

// ---------------------------------------------------------------- public routes

async fn health(State(st): State<St>) -> Response {
    match st.db.schema_version() {
        Ok(v) => Json(json!({ "status": "ok", "schema": v })).into_response(),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "error", "error": e.to_string() })),
        )
            .into_response(),
    }
}

async fn static_file(
    State(st): State<St>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    if format!("/static/{file}") == st.style_href {
        st.style
            .respond(&headers, "public, max-age=31536000, immutable")
    } else {
        (StatusCode::NOT_FOUND, "not found\n").into_response()
    }
}

async fn login_page(State(st): State<St>) -> Response {
    let token = crypto::random_token();
    let mut res = html(StatusCode::OK, pages::login(&st.style_href, &token, None));
    res.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&format!(
            "{LOGIN_COOKIE}={token}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=3600"
        ))
        .expect("hex token is a valid header value"),
    );
    res
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

async fn login_post(
    State(st): State<St>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Res {
    let style = &st.style_href;
    let ip = peer.ip();
    let ip_text = ip.to_string();
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !crypto::constant_time_eq(expected.as_bytes(), form.csrf.as_bytes()) {
        st.db.audit(
            "",
            "csrf-refused",
            "/login",
            &ip_text,
            "missing or wrong token",
        )?;
        return Ok(refuse(
            StatusCode::FORBIDDEN,
            "missing or wrong CSRF token; reload the sign-in page",
        ));
    }
    let again = |status: StatusCode, message: &str| {
        html(status, pages::login(style, &form.csrf, Some(message)))
    };
    if let Err(wait) = st.limiter.check(ip) {
        st.db.audit(
            &form.username,
            "login-throttled",
            &form.username,
            &ip_text,
            "",
        )?;
        let mut res = again(
            StatusCode::TOO_MANY_REQUESTS,
            &format!(
                "Too many failed attempts from your address; try again in {} seconds.",
                wait.as_secs() + 1
            ),
        );
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(wait.as_secs() + 1));
        return Ok(res);
    }
    let wrong = "The user name, password or code is wrong.";
    let user = if form.username.len() <= 64 {
        st.db.user_by_name(&form.username)?
    } else {
        None
    };
    let Some(user) = user else {
        password_matches(&st, form.password.clone(), None).await;
        st.limiter.failure(ip);
        st.db.audit(
            &form.username,
            "login-failed",
            &form.username,
            &ip_text,
            "unknown user",
        )?;
        return Ok(again(StatusCode::UNAUTHORIZED, wrong));
    };
    if user.locked_until > now() {
        st.limiter.failure(ip);
        st.db
            .audit(&user.name, "login-locked", &user.name, &ip_text, "")?;
        return Ok(again(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many failed attempts: this account is locked for a while.",
        ));
    }
    let password_ok = form.password.chars().count() <= crypto::PASSWORD_MAX_CHARS
        && password_matches(&st, form.password.clone(), user.password_hash.clone()).await;
    let factor = if password_ok {
        second_factor(&st.db, &user, &form.code)?
    } else {
        None
    };
    let Some(factor) = factor else {
        st.limiter.failure(ip);
        let action = if password_ok {
            "login-failed-code"
        } else {
            "login-failed"
        };
        account_failure(&st, &user, &ip_text, action)?;
        return Ok(again(StatusCode::UNAUTHORIZED, wrong));
    };
    st.limiter.success(ip);
    st.db.reset_failures(user.id)?;
    if let Some(old) = cookie(&headers, SESSION_COOKIE)
        && let Some(session) = st.db.session(&old)?
    {
        st.db.delete_session(&session.id_hash)?;
    }
    let token = st.db.create_session(user.id)?;
    st.db
        .audit(&user.name, "login", &user.name, &ip_text, factor)?;
    let mut res = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
    res.headers_mut()
        .append(header::SET_COOKIE, session_cookie(&token));
    res.headers_mut()
        .append(header::SET_COOKIE, clear_cookie(LOGIN_COOKIE));
    Ok(res)
}

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

fn invalid_link(style: &str) -> Response {
    html(
        StatusCode::NOT_FOUND,
        pages::message(
            style,
            "Link not valid",
            "This enrolment link is invalid, already used or expired.",
        ),
    )
}

struct EnrolContext {
    token: crate::db::EnrolToken,
    user: Option<User>,
}

fn enrol_context(db: &Db, token: &str) -> Result<Option<EnrolContext>, ServerError> {
    if token.len() != 32 {
        return Ok(None);
    }
    let Some(token) = db.enrol_token(token)? else {
        return Ok(None);
    };
    let user = match token.user_id {
        Some(id) => match db.user_by_id(id)? {
            Some(u) => Some(u),
            None => return Ok(None),
        },
        None => None,
    };
    Ok(Some(EnrolContext { token, user }))
}

fn enrol_form_page(
    style: &str,
    plain_token: &str,
    ctx: &EnrolContext,
    error: Option<&str>,
) -> String {
    let account = ctx
        .user
        .as_ref()
        .map(|u| u.name.as_str())
        .unwrap_or("administrator");
    let secret = totp::base32_decode(&ctx.token.pending_totp).unwrap_or_default();
    let uri = totp::otpauth_uri("Heirloom", account, &secret);
    pages::enrol(
        style,
        &pages::EnrolForm {
            token: plain_token,
            ask_username: ctx.token.purpose == "setup",
            ask_new_password: ctx.token.purpose != "mfa-reset",
            ask_current_password: ctx.token.purpose == "mfa-reset",
            account,
            uri: &uri,
            secret: &ctx.token.pending_totp,
        },
        error,
    )
}

async fn enrol_page(State(st): State<St>, Query(q): Query<TokenQuery>) -> Res {
    match enrol_context(&st.db, &q.token)? {
        Some(ctx) => Ok(html(
            StatusCode::OK,
            enrol_form_page(&st.style_href, &q.token, &ctx, None),
        )),
        None => Ok(invalid_link(&st.style_href)),
    }
}

#[derive(Deserialize)]
struct EnrolData {
    #[serde(default)]
    token: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password2: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    code: String,
}

async fn enrol_post(
    State(st): State<St>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<EnrolData>,
) -> Res {
    let style = &st.style_href;
    let ip = peer.ip();
    let ip_text = ip.to_string();
    if st.limiter.check(ip).is_err() {
        return Ok(html(
            StatusCode::TOO_MANY_REQUESTS,
            pages::message(
                style,
                "Slow down",
                "Too many failed attempts from your address; try again later.",
            ),
        ));
    }
    let Some(ctx) = enrol_context(&st.db, &form.token)? else {
        st.limiter.failure(ip);
        return Ok(invalid_link(style));
    };
    let again = |message: &str| {
        html(
            StatusCode::BAD_REQUEST,
            enrol_form_page(style, &form.token, &ctx, Some(message)),
        )
    };
    let purpose = ctx.token.purpose.as_str();
    let name = match (&ctx.user, purpose) {
        (None, "setup") => {
            if let Err(e) = cli::check_user_name(&form.username) {
                return Ok(again(&e.to_string()));
            }
            if st.db.user_by_name(&form.username)?.is_some() {
                return Ok(again("That user name is taken."));
            }
            form.username.clone()
        }
        (Some(u), _) => u.name.clone(),
        (None, _) => return Ok(invalid_link(style)),
    };
    if purpose == "mfa-reset" {
        let user = ctx
            .user
            .as_ref()
            .expect("mfa-reset tokens belong to a user");
        if user.locked_until > now() {
            return Ok(again(
                "Too many failed attempts: this account is locked for a while.",
            ));
        }
        if !password_matches(
            &st,
            form.current_password.clone(),
            user.password_hash.clone(),
        )
        .await
        {
            st.limiter.failure(ip);
            account_failure(&st, user, &ip_text, "enrol-failed")?;
            return Ok(again("The current password is wrong."));
        }
    } else {
        if let Err(problem) = crypto::check_password(&name, &form.password) {
            return Ok(again(&problem.to_string()));
        }
        if form.password != form.password2 {
            return Ok(again("The two passwords differ."));
        }
    }
    let secret = totp::base32_decode(&ctx.token.pending_totp).unwrap_or_default();
    let Some(step) = totp::verify(&secret, &form.code, now() as u64, 0) else {
        st.limiter.failure(ip);
        return Ok(again(
            "The code is wrong; check the app's clock and try the next code.",
        ));
    };
    let new_hash = if purpose == "mfa-reset" {
        None
    } else {
        Some(hash_password(&st, form.password.clone()).await?)
    };
    if !st.db.consume_enrol_token(&ctx.token.token_hash)? {
        return Ok(invalid_link(style));
    }
    let user_id = match &ctx.user {
        Some(u) => u.id,
        None => st.db.create_user(&name, true)?,
    };
    if let Some(hash) = new_hash {
        st.db.set_password(user_id, &hash)?;
    }
    st.db
        .set_totp(user_id, Some(&ctx.token.pending_totp), step as i64)?;
    st.db.reset_failures(user_id)?;
    let codes = new_recovery_codes(&st.db, user_id)?;
    st.db.audit(&name, "enrol", &name, &ip_text, purpose)?;
    st.limiter.success(ip);
    Ok(html(
        StatusCode::OK,
        pages::recovery_codes(style, &codes, "/login"),
    ))
}

// ---------------------------------------------------------------- session routes

async fn logout(
    State(st): State<St>,
    Extension(ctx): Extension<Ctx>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
) -> Res {
    st.db.delete_session(&ctx.session.id_hash)?;
    st.db.audit(
        &ctx.user.name,
        "logout",
        &ctx.user.name,
        &peer.ip().to_string(),
        "",
    )?;
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, "/login"),
            (
                header::SET_COOKIE,
                clear_cookie(SESSION_COOKIE).to_str().unwrap_or(""),
            ),
        ],
    )
        .into_response())
}

async fn logout_everywhere(
    State(st): State<St>,
    Extension(ctx): Extension<Ctx>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
) -> Res {
    let n = st.db.delete_user_sessions(ctx.user.id)?;
    st.db.audit(
        &ctx.user.name,
        "logout-everywhere",
        &ctx.user.name,
        &peer.ip().to_string(),
        &format!("{n} sessions"),
    )?;
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, "/login"),
            (
                header::SET_COOKIE,
                clear_cookie(SESSION_COOKIE).to_str().unwrap_or(""),
            ),
        ],
    )
        .into_response())
}

async fn account_page(State(st): State<St>, Extension(ctx): Extension<Ctx>) -> Res {
    let left = st.db.recovery_codes_left(ctx.user.id)?;
    Ok(html(
        StatusCode::OK,
        pages::account(
            &st.style_href,
            &ctx.user,
            &ctx.session.csrf,
            left,
            None,
            None,
        ),
    ))
}

#[derive(Deserialize)]
struct ReauthForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password2: String,
}

/// Re-authentication for sensitive changes: password and a fresh second-factor code.
async fn reauth(
    st: &AppState,
    ctx: &Ctx,
    ip: &str,
    password: &str,
    code: &str,
) -> Result<Result<(), &'static str>, Fail> {
    let Some(user) = st.db.user_by_id(ctx.user.id)? else {
        return Ok(Err("The account no longer exists."));
    };
    if user.locked_until > now() {
        return Ok(Err(
            "Too many failed attempts: this account is locked for a while.",
        ));
    }
    let ok = password_matches(st, password.to_string(), user.password_hash.clone()).await
        && second_factor(&st.db, &user, code)?.is_some();
    if ok {
        st.db.reset_failures(user.id)?;
        Ok(Ok(()))
    } else {
        account_failure(st, &user, ip, "reauth-failed")?;
        Ok(Err("The password or code is wrong."))
    }
}

/// Ends every session of the user and opens a fresh one for this client.
fn renew_session(st: &AppState, user: &User) -> Result<(String, SessionRow), ServerError> {
    st.db.delete_user_sessions(user.id)?;
    let token = st.db.create_session(user.id)?;
    let row = st
        .db
        .session(&token)?
        .ok_or_else(|| ServerError::Invalid("session vanished".into()))?;
    Ok((token, row))
}

async fn account_password(
    State(st): State<St>,
    Extension(ctx): Extension<Ctx>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<ReauthForm>,
) -> Res {
    let ip = peer.ip().to_string();
    let style = &st.style_href;
    let left = st.db.recovery_codes_left(ctx.user.id)?;
    let fail = |status, msg: &str| {
        html(
            status,
            pages::account(style, &ctx.user, &ctx.session.csrf, left, Some(msg), None),
        )
    };
    if let Err(msg) = reauth(&st, &ctx, &ip, &form.password, &form.code).await? {
        return Ok(fail(StatusCode::UNAUTHORIZED, msg));
    }
    if let Err(problem) = crypto::check_password(&ctx.user.name, &form.new_password) {
        return Ok(fail(StatusCode::BAD_REQUEST, &problem.to_string()));
    }
    if form.new_password != form.new_password2 {
        return Ok(fail(StatusCode::BAD_REQUEST, "The two passwords differ."));
    }
    let hash = hash_password(&st, form.new_password.clone()).await?;
    st.db.set_password(ctx.user.id, &hash)?;
    let (token, row) = renew_session(&st, &ctx.user)?;
    st.db
        .audit(&ctx.user.name, "password-changed", &ctx.user.name, &ip, "")?;
    let mut res = html(
        StatusCode::OK,
        pages::account(
            style,
            &ctx.user,
            &row.csrf,
            left,
            None,
            Some("Password changed; every other session was signed out."),
        ),
    );
    res.headers_mut()
        .append(header::SET_COOKIE, session_cookie(&token));
    Ok(res)
}

async fn account_totp(
    State(st): State<St>,
    Extension(ctx): Extension<Ctx>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<ReauthForm>,
) -> Res {
    let ip = peer.ip().to_string();
    let style = &st.style_href;
    if let Err(msg) = reauth(&st, &ctx, &ip, &form.password, &form.code).await? {
        let left = st.db.recovery_codes_left(ctx.user.id)?;
        return Ok(html(
            StatusCode::UNAUTHORIZED,
            pages::account(style, &ctx.user, &ctx.session.csrf, left, Some(msg), None),
        ));
    }
    let secret = crypto::random_bytes::<20>();
    let b32 = totp::base32_encode(&secret);
    st.db
        .set_session_pending_totp(&ctx.session.id_hash, Some(&b32))?;
    let uri = totp::otpauth_uri("Heirloom", &ctx.user.name, &secret);
    Ok(html(
        StatusCode::OK,
        pages::totp_confirm(style, &ctx.session.csrf, &uri, &b32, None),
    ))
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    code: String,
}

async fn account_totp_confirm(
    State(st): State<St>,
    Extension(ctx): Extension<Ctx>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<CodeForm>,
) -> Res {
    let style = &st.style_href;
    let Some(b32) = ctx.session.pending_totp.clone() else {
        return Ok((StatusCode::SEE_OTHER, [(header::LOCATION, "/account")]).into_response());
    };
    let secret = totp::base32_decode(&b32).unwrap_or_default();
    let Some(step) = totp::verify(&secret, &form.code, now() as u64, 0) else {
        let uri = totp::otpauth_uri("Heirloom", &ctx.user.name, &secret);
        return Ok(html(
            StatusCode::BAD_REQUEST,
            pages::totp_confirm(
                style,
                &ctx.session.csrf,
                &uri,
                &b32,
                Some("The code is wrong."),
            ),
        ));
    };
    st.db.set_totp(ctx.user.id, Some(&b32), step as i64)?;
    let codes = new_recovery_codes(&st.db, ctx.user.id)?;
    let (token, _) = renew_session(&st, &ctx.user)?;
    st.db.audit(
        &ctx.user.name,
        "totp-changed",
        &ctx.user.name,
        &peer.ip().to_string(),
        "",
    )?;
    let mut res = html(
        StatusCode::OK,
        pages::recovery_codes(style, &codes, "/account"),
    );
    res.headers_mut()
        .append(header::SET_COOKIE, session_cookie(&token));
    Ok(res)
}

async fn account_recovery(
    State(st): State<St>,
    Extension(ctx): Extension<Ctx>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<ReauthForm>,
) -> Res {
    let ip = peer.ip().to_string();
    let style = &st.style_href;
    if let Err(msg) = reauth(&st, &ctx, &ip, &form.password, &form.code).await? {
        let left = st.db.recovery_codes_left(ctx.user.id)?;
        return Ok(html(
            StatusCode::UNAUTHORIZED,
            pages::account(style, &ctx.user, &ctx.session.csrf, left, Some(msg), None),
        ));
    }
    let codes = new_recovery_codes(&st.db, ctx.user.id)?;
    st.db.audit(
        &ctx.user.name,
        "recovery-codes-replaced",
        &ctx.user.name,
        &ip,
        "",
    )?;
    Ok(html(
        StatusCode::OK,
        pages::recovery_codes(style, &codes, "/account"),
    ))
}

// ---------------------------------------------------------------- administration

fn admin_view(
    st: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    note: Option<&str>,
    error: Option<&str>,
) -> Res {
    let users = st
        .db
        .users()?
        .into_iter()
        .map(|user| {
            let groups = st.db.groups_of(user.id)?;
            Ok(pages::UserLine { user, groups })
        })
        .collect::<Result<Vec<_>, ServerError>>()?;
    let grants = st.db.grants()?;
    let audit = st.db.recent_audit(200)?;
    let view = pages::AdminView {
        me: &ctx.user,
        csrf: &ctx.session.csrf,
        users: &users,
        grants: &grants,
        audit: &audit,
        note,
        error,
    };
    Ok(html(status, pages::admin(&st.style_href, &view)))
}

fn forbidden() -> Response {
    refuse(StatusCode::FORBIDDEN, "administrators only")
}

async fn admin_page(State(st): State<St>, Extension(ctx): Extension<Ctx>) -> Res {
    if !ctx.user.is_admin {
        return Ok(forbidden());
    }
    admin_view(&st, &ctx, StatusCode::OK, None, None)
}

#[derive(Deserialize)]
struct AdminForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    admin: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    app: String,
}

async fn admin_post(
    State(st): State<St>,
    Extension(ctx): Extension<Ctx>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path((area, op)): Path<(String, String)>,
    headers: HeaderMap,
    uri: Uri,
    Form(form): Form<AdminForm>,
) -> Res {
    if !ctx.user.is_admin {
        return Ok(forbidden());
    }
    let ip = peer.ip().to_string();
    let actor = ctx.user.name.as_str();
    let host = host_of(&headers, &uri).unwrap_or_else(|| "<server>".into());
    let link = |token: String| format!("https://{host}/enrol?token={token}");
    let outcome: Result<String, ServerError> = match (area.as_str(), op.as_str()) {
        ("users", "add") => {
            let groups: Vec<String> = if form.group.trim().is_empty() {
                Vec::new()
            } else {
                vec![form.group.trim().to_string()]
            };
            cli::add_user(&st.db, form.name.trim(), !form.admin.is_empty(), &groups, actor, &ip)
                .map(|t| format!("Added {}. Enrolment link (valid 72 hours, use once): {}", form.name.trim(), link(t)))
        }
        ("users", "remove") if form.name == ctx.user.name => {
            Err(ServerError::Invalid("You cannot remove yourself.".into()))
        }
        ("users", "remove") => cli::remove_user(&st.db, &form.name, actor, &ip).map(|()| format!("Removed {}.", form.name)),
        ("users", "reset-mfa") => cli::reset_mfa(&st.db, &form.name, actor, &ip).map(|t| {
            format!(
                "Second factor of {} removed; they enrol a new one (after giving their password) at: {}",
                form.name,
                link(t)
            )
        }),
        ("users", "unlock") => cli::unlock(&st.db, &form.name, actor, &ip).map(|()| format!("Unlocked {}.", form.name)),
        ("grants", "add") => cli::grant(&st.db, form.subject.trim(), form.app.trim(), actor, &ip)
            .map(|()| format!("Granted {} to {}.", form.app.trim(), form.subject.trim())),
        ("grants", "remove") => cli::revoke(&st.db, &form.subject, &form.app, actor, &ip)
            .map(|_| format!("Revoked {} from {}.", form.app, form.subject)),
        _ => return Ok((StatusCode::NOT_FOUND, "not found\n").into_response()),
    };
    match outcome {
        Ok(note) => admin_view(&st, &ctx, StatusCode::OK, Some(&note), None),
        Err(ServerError::Invalid(msg)) => {
            admin_view(&st, &ctx, StatusCode::BAD_REQUEST, None, Some(&msg))
        }
        Err(e) => Err(Fail(e)),
    }
}

// ---------------------------------------------------------------- apps and saves

async fn api_session(Extension(ctx): Extension<Ctx>) -> Response {
    Json(json!({ "user": ctx.user.name, "admin": ctx.user.is_admin, "csrf": ctx.session.csrf }))
        .into_response()
}

/// Library entries (file names) the user may use, sorted.
fn allowed_apps(st: &AppState, user: &User) -> Result<Vec<(String, u64)>, ServerError> {
    let mut apps = Vec::new();
    let Ok(entries) = std::fs::read_dir(&st.config.library) else {
        return Ok(apps);
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() || crate::paths::check_name(&name).is_err() || !is_app_name(&name) {
            continue;
        }
        if st.db.may_use(user, &name)? {
            apps.push((name, meta.len()));
        }
    }
    apps.sort();
    Ok(apps)
}

fn is_app_name(name: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| APP_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

async fn api_apps(State(st): State<St>, Extension(ctx): Extension<Ctx>) -> Res {
    let apps: Vec<_> = allowed_apps(&st, &ctx.user)?
        .into_iter()
        .map(|(name, size)| {
            let kind = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
            json!({ "id": name, "kind": kind, "size": size, "url": format!("/apps/{}", crypto::percent_encode(&name)) })
        })
        .collect();
    Ok(Json(json!({ "apps": apps })).into_response())
}

async fn app_file(State(st): State<St>, Extension(ctx): Extension<Ctx>, uri: Uri) -> Res {
    let raw = uri.path().strip_prefix("/apps/").unwrap_or("");
    let name = match safe_segments(raw, 1) {
        Ok(mut s) => s.remove(0),
        Err(e) => return Ok(bad_path(e)),
    };
    if !is_app_name(&name) {
        return Ok(refuse(StatusCode::NOT_FOUND, "no such app"));
    }
    if !st.db.may_use(&ctx.user, &name)? {
        return Ok(refuse(StatusCode::FORBIDDEN, "you may not use this app"));
    }
    match tokio::fs::read(st.config.library.join(&name)).await {
        Ok(data) => Ok(file_response(&name, data, "private, no-cache")),
        Err(_) => Ok(refuse(StatusCode::NOT_FOUND, "no such app")),
    }
}

/// Resolves `/api/saves/APP[/NAME]` for a user, checking names and permission.
fn save_target(
    st: &AppState,
    ctx: &Ctx,
    uri: &Uri,
) -> Result<Result<(PathBuf, Option<String>), Response>, ServerError> {
    let raw = uri.path().strip_prefix("/api/saves/").unwrap_or("");
    let raw = raw.strip_suffix('/').unwrap_or(raw);
    let segments = match safe_segments(raw, 2) {
        Ok(s) => s,
        Err(e) => return Ok(Err(bad_path(e))),
    };
    let app = &segments[0];
    if !st.db.may_use(&ctx.user, app)? {
        return Ok(Err(refuse(
            StatusCode::FORBIDDEN,
            "you may not use this app",
        )));
    }
    let dir = st
        .config
        .data_dir
        .join("saves")
        .join(ctx.user.id.to_string())
        .join(app);
    Ok(Ok((dir, segments.get(1).cloned())))
}

async fn save_get(State(st): State<St>, Extension(ctx): Extension<Ctx>, uri: Uri) -> Res {
    let (dir, name) = match save_target(&st, &ctx, &uri)? {
        Ok(t) => t,
        Err(res) => return Ok(res),
    };
    match name {
        Some(name) => match tokio::fs::read(dir.join(&name)).await {
            Ok(data) => Ok(file_response("save.bin", data, "no-store")),
            Err(_) => Ok(refuse(StatusCode::NOT_FOUND, "no such save")),
        },
        None => {
            let mut saves = Vec::new();
            if let Ok(entries) = std::fs::read_dir(&dir) {
                for entry in entries.flatten() {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    if name.starts_with(crate::storage::TEMP_PREFIX) {
                        continue;
                    }
                    if let Ok(meta) = entry.metadata()
                        && meta.is_file()
                    {
                        let modified = meta
                            .modified()
                            .ok()
                            .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
                            .map(|d| d.as_secs())
                            .unwrap_or(0);
                        saves.push(
                            json!({ "name": name, "size": meta.len(), "modified": modified }),
                        );
                    }
                }
            }
            saves.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
            Ok(Json(json!({ "saves": saves })).into_response())
        }
    }
}

async fn save_put(
    State(st): State<St>,
    Extension(ctx): Extension<Ctx>,
    uri: Uri,
    body: Bytes,
) -> Res {
    let (dir, name) = match save_target(&st, &ctx, &uri)? {
        Ok(t) => t,
        Err(res) => return Ok(res),
    };
    let Some(name) = name else {
        return Ok(refuse(
            StatusCode::METHOD_NOT_ALLOWED,
            "name the save: /api/saves/APP/NAME",
        ));
    };
    let size = body.len();
    let written = tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        std::fs::create_dir_all(&dir)?;
        crate::storage::write_atomic(&dir.join(&name), &body)
    })
    .await;
    match written {
        Ok(Ok(())) => Ok((StatusCode::CREATED, Json(json!({ "saved": size }))).into_response()),
        Ok(Err(e)) => Err(Fail(ServerError::io("cannot write a save", e))),
        Err(e) => Err(Fail(ServerError::Invalid(format!("save task failed: {e}")))),
    }
}

async fn save_delete(State(st): State<St>, Extension(ctx): Extension<Ctx>, uri: Uri) -> Res {
    let (dir, name) = match save_target(&st, &ctx, &uri)? {
        Ok(t) => t,
        Err(res) => return Ok(res),
    };
    let Some(name) = name else {
        return Ok(refuse(
            StatusCode::METHOD_NOT_ALLOWED,
            "name the save: /api/saves/APP/NAME",
        ));
    };
    match std::fs::remove_file(dir.join(&name)) {
        Ok(()) => {
            crate::storage::sync_dir(&dir)
                .map_err(|e| ServerError::io("cannot sync the save directory", e))?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        Err(_) => Ok(refuse(StatusCode::NOT_FOUND, "no such save")),
    }
}

// ---------------------------------------------------------------- page bundle

async fn web_file(
    State(st): State<St>,
    Extension(ctx): Extension<Ctx>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Res {
    if method != Method::GET && method != Method::HEAD {
        return Ok(refuse(StatusCode::METHOD_NOT_ALLOWED, "method not allowed"));
    }
    let raw = uri.path().strip_prefix('/').unwrap_or("");
    let web_dir = &st.config.web_dir;
    if !web_dir.join("index.html").is_file() {
        if raw.is_empty() {
            let apps: Vec<String> = allowed_apps(&st, &ctx.user)?
                .into_iter()
                .map(|(n, _)| n)
                .collect();
            return Ok(html(
                StatusCode::OK,
                pages::home(&st.style_href, &ctx.user, &ctx.session.csrf, &apps),
            ));
        }
        return Ok((StatusCode::NOT_FOUND, "not found\n").into_response());
    }
    let segments = if raw.is_empty() {
        vec!["index.html".to_string()]
    } else {
        match safe_segments(raw, 16) {
            Ok(s) => s,
            Err(e) => return Ok(bad_path(e)),
        }
    };
    let name = segments.last().cloned().unwrap_or_default();
    let path = segments.iter().fold(web_dir.clone(), |p, s| p.join(s));
    let cache = if is_content_hashed(&name) {
        "private, max-age=31536000, immutable"
    } else {
        "private, no-cache"
    };
    match st.assets.get(&path, content_type(&name)).await {
        Some(Asset::Cached(file)) => Ok(file.respond(&headers, cache)),
        Some(Asset::Uncached(data)) => Ok(file_response(&name, data, cache)),
        None => Ok((StatusCode::NOT_FOUND, "not found\n").into_response()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_hash_detection() {
        assert!(is_content_hashed("index-Bx9aZ12q.js"));
        assert!(is_content_hashed("c64.0123abcd.wasm"));
        assert!(!is_content_hashed("index.html"));
        assert!(!is_content_hashed("favicon.ico"));
        assert!(!is_content_hashed("main-abcdefgh.js"));
        assert!(!is_content_hashed("12345678.js"));
    }

    #[test]
    fn cookie_parsing() {
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; __Host-session=abc"),
        );
        h.append(header::COOKIE, HeaderValue::from_static("b=2"));
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "b").as_deref(), Some("2"));
        assert_eq!(cookie(&h, "c"), None);
    }

    #[test]
    fn sessions_end_after_idle_and_absolute_timeouts() {
        let dir = std::env::temp_dir().join(format!("heirloom-web-{}", crypto::random_token()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("accounts.db");
        let db = Db::open(&path).unwrap();
        let id = db.create_user("ann", false).unwrap();
        db.set_password(id, "$argon2id$placeholder").unwrap();
        db.set_totp(id, Some("GEZDGNBV"), 0).unwrap();
        let raw = rusqlite::Connection::open(&path).unwrap();
        let headers = |token: &str| {
            let mut h = HeaderMap::new();
            h.insert(
                header::COOKIE,
                HeaderValue::from_str(&format!("{SESSION_COOKIE}={token}")).unwrap(),
            );
            h
        };
        let fresh = db.create_session(id).unwrap();
        assert!(current_session(&db, &headers(&fresh)).unwrap().is_some());
        // Idle too long.
        raw.execute(
            "UPDATE sessions SET last_seen = last_seen - ?1",
            [IDLE_TIMEOUT + 1],
        )
        .unwrap();
        assert!(current_session(&db, &headers(&fresh)).unwrap().is_none());
        assert!(
            db.session(&fresh).unwrap().is_none(),
            "expired session is deleted"
        );
        // Active, but past the absolute lifetime.
        let old = db.create_session(id).unwrap();
        raw.execute(
            "UPDATE sessions SET created_at = created_at - ?1",
            [ABSOLUTE_TIMEOUT + 1],
        )
        .unwrap();
        assert!(current_session(&db, &headers(&old)).unwrap().is_none());
        // A user whose second factor was reset has no valid session.
        let third = db.create_session(id).unwrap();
        db.set_totp(id, None, 0).unwrap();
        assert!(current_session(&db, &headers(&third)).unwrap().is_none());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn wasm_type() {
        assert_eq!(content_type("app.WASM"), "application/wasm");
        assert_eq!(content_type("game.prg"), "application/octet-stream");
    }
}
