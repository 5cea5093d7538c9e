//! Accounts over real HTTPS: first-start setup, sign-in with password and TOTP, replay,
//! lockout, CSRF, cookie flags, re-authentication, recovery codes, administration.

mod common;

use common::*;

#[tokio::test]
async fn setup_link_then_login_with_password_and_totp() {
    let dir = temp_dir("login");
    settle_step(12.0).await;
    let running = start(config(&dir)).await;
    let setup = running
        .setup_url
        .clone()
        .expect("first start prints a setup link");
    assert!(setup.contains("/enrol?token="), "{setup}");
    assert_eq!(running.fingerprint.len(), 95);

    // Nothing but the setup link creates the first account: no default password works.
    let mut s = Session::new(&running);
    let res = s.login("admin", "admin", "000000").await;
    assert_eq!(res.status(), 401);

    let secret = setup_admin(&mut s, &setup).await;
    // The setup link works once.
    let path = &setup[setup.find("/enrol").unwrap()..];
    let (status, _) = s.get_text(path).await;
    assert_eq!(status, 404);

    // A correct password with a wrong code is refused.
    let res = s.login(ADMIN, ADMIN_PASSWORD, "123456").await;
    assert_eq!(res.status(), 401);
    assert!(!s.cookies.contains_key("__Host-session"));

    let res = s.login(ADMIN, ADMIN_PASSWORD, &code(&secret, 0)).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/");
    let (status, page) = s.get_text("/").await;
    assert_eq!(status, 200);
    assert!(page.contains(ADMIN), "{page}");

    // The server restarted keeps the account and does not offer setup again.
    running.shutdown().await;
    let again = start(config(&dir)).await;
    assert!(again.setup_url.is_none());
    again.shutdown().await;
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn replayed_totp_code_is_refused() {
    let dir = temp_dir("replay");
    let (running, mut s, secret) = signed_in_admin(config(&dir)).await;
    // The code of the current step was just used by signed_in_admin.
    let mut other = Session::new(&running);
    let res = other.login(ADMIN, ADMIN_PASSWORD, &code(&secret, 0)).await;
    assert_eq!(res.status(), 401, "a used code is refused");
    // So is the previous step's, which was used for enrolment.
    let res = other.login(ADMIN, ADMIN_PASSWORD, &code(&secret, -1)).await;
    assert_eq!(res.status(), 401);
    // The next step's code is fresh and accepted, once.
    let res = other.login(ADMIN, ADMIN_PASSWORD, &code(&secret, 1)).await;
    assert_eq!(res.status(), 303);
    let mut third = Session::new(&running);
    let res = third.login(ADMIN, ADMIN_PASSWORD, &code(&secret, 1)).await;
    assert_eq!(res.status(), 401);
    // The failed replays are in the audit log.
    let (_, admin) = s.get_text("/admin").await;
    assert!(admin.contains("login-failed-code"), "{admin}");
    running.shutdown().await;
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn wrong_passwords_lock_the_account() {
    let dir = temp_dir("lockout");
    let (running, mut admin, secret) = signed_in_admin(config(&dir)).await;
    let mut s = Session::new(&running);
    for _ in 0..5 {
        let res = s.login(ADMIN, "wrong-password-1", &code(&secret, 1)).await;
        assert_eq!(res.status(), 401);
    }
    // Now even the right password and a fresh code are refused.
    let res = s.login(ADMIN, ADMIN_PASSWORD, &code(&secret, 1)).await;
    assert_eq!(res.status(), 429);
    let body = res.text().await.unwrap();
    assert!(body.contains("locked"), "{body}");
    assert!(!s.cookies.contains_key("__Host-session"));
    // The already signed-in session still works and the audit log shows the lockout.
    let (status, page) = admin.get_text("/admin").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("lockout") && page.contains("login-locked"),
        "{page}"
    );
    running.shutdown().await;
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn many_failures_from_one_address_are_throttled() {
    let dir = temp_dir("throttle");
    let running = start(config(&dir)).await;
    let mut s = Session::new(&running);
    let mut throttled = false;
    for i in 0..12 {
        let res = s
            .login(&format!("nobody{i}"), "wrong-password-1", "123456")
            .await;
        if res.status() == 429 {
            assert!(res.headers().contains_key("retry-after"));
            throttled = true;
            break;
        }
        assert_eq!(res.status(), 401);
    }
    assert!(throttled, "the address was never throttled");
    running.shutdown().await;
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn state_changes_need_origin_and_token() {
    let dir = temp_dir("csrf");
    let (running, mut s, _) = signed_in_admin(config(&dir)).await;
    let csrf = s.csrf().await;
    let form = [
        ("csrf", csrf.as_str()),
        ("name", "eve"),
        ("group", ""),
        ("admin", ""),
    ];
    // No Origin header.
    let res = s.post_form_with("/admin/users/add", &form, None).await;
    assert_eq!(res.status(), 403);
    // A foreign Origin.
    let res = s
        .post_form_with("/admin/users/add", &form, Some("https://evil.example"))
        .await;
    assert_eq!(res.status(), 403);
    // Right Origin, no token or a wrong one.
    let res = s
        .post_form(
            "/admin/users/add",
            &[("name", "eve"), ("group", ""), ("admin", "")],
        )
        .await;
    assert_eq!(res.status(), 403);
    let res = s
        .post_form(
            "/admin/users/add",
            &[
                ("csrf", "0123456789abcdef0123456789abcdef"),
                ("name", "eve"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
    // API requests: header token required too.
    let res = s
        .send(
            reqwest::Method::PUT,
            "/api/saves/game.prg/a.sav",
            b"x".to_vec(),
            None,
        )
        .await;
    assert_eq!(res.status(), 403);
    // The sign-in form needs its own token too.
    let mut fresh = Session::new(&running);
    let res = fresh
        .post_form(
            "/login",
            &[
                ("username", ADMIN),
                ("password", ADMIN_PASSWORD),
                ("code", "123456"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
    // None of these created the user; with Origin and token it works.
    let res = s.post_form("/admin/users/add", &form).await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    assert!(page.contains("/enrol?token="), "{page}");
    let (_, admin) = s.get_text("/admin").await;
    assert_eq!(admin.matches("<tr><td>eve</td>").count(), 1);
    assert!(admin.contains("csrf-refused"));
    running.shutdown().await;
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn session_cookie_flags_and_logout() {
    let dir = temp_dir("cookies");
    settle_step(12.0).await;
    let running = start(config(&dir)).await;
    let mut s = Session::new(&running);
    let secret = setup_admin(&mut s, running.setup_url.as_deref().unwrap()).await;
    let (_, page) = s.get_text("/login").await;
    let csrf = between(&page, "name=\"csrf\" value=\"", "\"");
    let res = s
        .post_form(
            "/login",
            &[
                ("csrf", &csrf),
                ("username", ADMIN),
                ("password", ADMIN_PASSWORD),
                ("code", &code(&secret, 0)),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("__Host-session="))
        .expect("session cookie set");
    for flag in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(
            cookie.split("; ").any(|p| p == flag),
            "{flag} missing in {cookie}"
        );
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
    let id = between(&cookie, "__Host-session=", ";");
    assert_eq!(id.len(), 32, "128-bit id in hex");
    // The id is renewed at each sign-in.
    let mut second = Session::new(&running);
    second.login(ADMIN, ADMIN_PASSWORD, &code(&secret, 1)).await;
    assert_ne!(second.cookies["__Host-session"], id);

    // Log out everywhere ends both sessions.
    let csrf = s.csrf().await;
    let res = s.post_form("/logout-everywhere", &[("csrf", &csrf)]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(s.get("/api/session").await.status(), 401);
    assert_eq!(second.get("/api/session").await.status(), 401);
    // A stale cookie value is useless.
    let mut stale = Session::new(&running);
    stale.cookies.insert("__Host-session".into(), id);
    assert_eq!(stale.get("/api/apps").await.status(), 401);
    running.shutdown().await;
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn password_change_needs_reauthentication_and_recovery_codes_work_once() {
    let dir = temp_dir("reauth");
    settle_step(12.0).await;
    let running = start(config(&dir)).await;
    let mut s = Session::new(&running);
    // Complete setup by hand to keep the recovery codes.
    let setup = running.setup_url.clone().unwrap();
    let (_, page) = s.get_text(&setup[setup.find("/enrol").unwrap()..]).await;
    let secret =
        heirloom_server::totp::base32_decode(&between(&page, "id=\"totp-secret\">", "<")).unwrap();
    let token = between(&page, "name=\"token\" value=\"", "\"");
    // Weak and common passwords are refused at enrolment.
    for weak in ["short", "password123"] {
        let res = s
            .post_form(
                "/enrol",
                &[
                    ("token", &token),
                    ("username", ADMIN),
                    ("password", weak),
                    ("password2", weak),
                    ("code", &code(&secret, -1)),
                ],
            )
            .await;
        assert_eq!(res.status(), 400);
    }
    let res = s
        .post_form(
            "/enrol",
            &[
                ("token", &token),
                ("username", ADMIN),
                ("password", ADMIN_PASSWORD),
                ("password2", ADMIN_PASSWORD),
                ("code", &code(&secret, -1)),
            ],
        )
        .await;
    let codes = recovery_codes(&res.text().await.unwrap());
    assert_eq!(codes.len(), 10);

    // Sign in with a recovery code instead of TOTP; the code then no longer works.
    assert_eq!(
        s.login(ADMIN, ADMIN_PASSWORD, &codes[0]).await.status(),
        303
    );
    let mut other = Session::new(&running);
    assert_eq!(
        other.login(ADMIN, ADMIN_PASSWORD, &codes[0]).await.status(),
        401
    );

    // Changing the password without a valid second factor fails.
    let csrf = s.csrf().await;
    let new_password = "quiet-heron-river-83";
    let res = s
        .post_form(
            "/account/password",
            &[
                ("csrf", &csrf),
                ("password", ADMIN_PASSWORD),
                ("code", "000000"),
                ("new_password", new_password),
                ("new_password2", new_password),
            ],
        )
        .await;
    assert_eq!(res.status(), 401);
    let res = s
        .post_form(
            "/account/password",
            &[
                ("csrf", &csrf),
                ("password", ADMIN_PASSWORD),
                ("code", &code(&secret, 0)),
                ("new_password", new_password),
                ("new_password2", new_password),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    // The old password no longer signs in; the new one does.
    let mut t = Session::new(&running);
    assert_eq!(
        t.login(ADMIN, ADMIN_PASSWORD, &codes[1]).await.status(),
        401
    );
    assert_eq!(t.login(ADMIN, new_password, &codes[1]).await.status(), 303);
    running.shutdown().await;
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn second_factor_reset_never_bypasses_the_second_factor() {
    let dir = temp_dir("mfa-reset");
    let (running, mut admin, _) = signed_in_admin(config(&dir)).await;
    let csrf = admin.csrf().await;
    // Invite a user and let them enrol.
    let res = admin
        .post_form(
            "/admin/users/add",
            &[("csrf", &csrf), ("name", "carol"), ("group", "players")],
        )
        .await;
    let page = res.text().await.unwrap();
    let link = between(&page, "https://", "<");
    let path = link[link.find("/enrol").unwrap()..].to_string();
    let mut carol = Session::new(&running);
    let (_, enrol) = carol.get_text(&path).await;
    let secret =
        heirloom_server::totp::base32_decode(&between(&enrol, "id=\"totp-secret\">", "<")).unwrap();
    let password = "purple-canyon-lamp-12";
    let res = carol
        .post_form(
            "/enrol",
            &[
                ("token", &path[path.find('=').unwrap() + 1..]),
                ("password", password),
                ("password2", password),
                ("code", &code(&secret, -1)),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        carol
            .login("carol", password, &code(&secret, 0))
            .await
            .status(),
        303
    );

    // The administrator resets carol's second factor: her sessions end and her password
    // alone does not sign her in.
    let res = admin
        .post_form(
            "/admin/users/reset-mfa",
            &[("csrf", &csrf), ("name", "carol")],
        )
        .await;
    let page = res.text().await.unwrap();
    assert_eq!(carol.get("/api/session").await.status(), 401);
    let mut retry = Session::new(&running);
    assert_eq!(retry.login("carol", password, "").await.status(), 401);
    assert_eq!(
        retry
            .login("carol", password, &code(&secret, 1))
            .await
            .status(),
        401
    );
    // The reset link asks for her current password before enrolling a new factor.
    let link = between(&page, "https://", "<");
    let path = link[link.find("/enrol").unwrap()..].to_string();
    let token = path[path.find('=').unwrap() + 1..].to_string();
    let (_, enrol) = retry.get_text(&path).await;
    assert!(enrol.contains("current_password"));
    let new_secret =
        heirloom_server::totp::base32_decode(&between(&enrol, "id=\"totp-secret\">", "<")).unwrap();
    let res = retry
        .post_form(
            "/enrol",
            &[
                ("token", &token),
                ("current_password", "not-her-password"),
                ("code", &code(&new_secret, 0)),
            ],
        )
        .await;
    assert_eq!(res.status(), 400);
    let res = retry
        .post_form(
            "/enrol",
            &[
                ("token", &token),
                ("current_password", password),
                ("code", &code(&new_secret, 0)),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        retry
            .login("carol", password, &code(&new_secret, 1))
            .await
            .status(),
        303
    );
    running.shutdown().await;
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn user_commands_manage_accounts() {
    let dir = temp_dir("cli");
    use heirloom_server::{UserCommand, user};
    user(UserCommand::Add {
        name: "dave".into(),
        admin: false,
        groups: vec!["team".into()],
        data_dir: dir.clone(),
    })
    .unwrap();
    assert!(
        user(UserCommand::Add {
            name: "dave".into(),
            admin: false,
            groups: vec![],
            data_dir: dir.clone()
        })
        .is_err()
    );
    assert!(
        user(UserCommand::Add {
            name: "../x".into(),
            admin: false,
            groups: vec![],
            data_dir: dir.clone()
        })
        .is_err()
    );
    user(UserCommand::Grant {
        subject: "group:team".into(),
        app: "game.prg".into(),
        data_dir: dir.clone(),
    })
    .unwrap();
    user(UserCommand::List {
        data_dir: dir.clone(),
    })
    .unwrap();
    user(UserCommand::ResetMfa {
        name: "dave".into(),
        data_dir: dir.clone(),
    })
    .unwrap();
    user(UserCommand::Revoke {
        subject: "group:team".into(),
        app: "game.prg".into(),
        data_dir: dir.clone(),
    })
    .unwrap();
    assert!(
        user(UserCommand::Revoke {
            subject: "group:team".into(),
            app: "game.prg".into(),
            data_dir: dir.clone()
        })
        .is_err()
    );
    user(UserCommand::Remove {
        name: "dave".into(),
        data_dir: dir.clone(),
    })
    .unwrap();
    let err = user(UserCommand::Remove {
        name: "dave".into(),
        data_dir: dir.clone(),
    })
    .unwrap_err();
    assert_eq!(err.to_string(), "no user named dave");
    let db = heirloom_server::db::Db::open(&dir.join("accounts.db")).unwrap();
    let actions: Vec<String> = db
        .recent_audit(10)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        [
            "user-remove",
            "revoke",
            "revoke",
            "mfa-reset",
            "grant",
            "user-add"
        ]
    );
    std::fs::remove_dir_all(dir).unwrap();
}
