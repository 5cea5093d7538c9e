//! Server-rendered HTML pages. They carry no script at all (the CSP forbids inline
//! script); forms post back with a CSRF token in a hidden field.

use std::fmt::Write;

use crate::db::{AuditEntry, User};

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Wraps a body in the common document with the content-hashed stylesheet.
pub fn layout(style: &str, title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · Heirloom</title><link rel=\"stylesheet\" href=\"{}\"></head>\
         <body><h1>{}</h1>{}</body></html>\n",
        esc(title),
        esc(style),
        esc(title),
        body
    )
}

fn notice(error: Option<&str>, note: Option<&str>) -> String {
    let mut out = String::new();
    if let Some(e) = error {
        let _ = write!(out, "<p class=\"error\" role=\"alert\">{}</p>", esc(e));
    }
    if let Some(n) = note {
        let _ = write!(out, "<p class=\"note\">{}</p>", esc(n));
    }
    out
}

/// The sign-in form.
pub fn login(style: &str, csrf: &str, error: Option<&str>) -> String {
    let body = format!(
        "{}<form method=\"post\" action=\"/login\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <label>User name <input type=\"text\" name=\"username\" autocomplete=\"username\" required></label>\
         <label>Password <input type=\"password\" name=\"password\" autocomplete=\"current-password\" required></label>\
         <label>Authenticator code or recovery code <input type=\"text\" name=\"code\" autocomplete=\"one-time-code\" inputmode=\"numeric\" required></label>\
         <button type=\"submit\">Sign in</button></form>",
        notice(error, None),
        esc(csrf)
    );
    layout(style, "Sign in", &body)
}

/// The QR code of an `otpauth://` URI as inline SVG.
pub fn qr_svg(uri: &str) -> String {
    match qrcode::QrCode::new(uri.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(200, 200)
                .quiet_zone(true)
                .build();
            match svg.find("<svg") {
                Some(start) => svg[start..].to_string(),
                None => svg,
            }
        }
        Err(_) => String::from(
            "<p class=\"error\">The QR code could not be drawn; enter the key by hand.</p>",
        ),
    }
}

fn totp_block(uri: &str, secret: &str) -> String {
    format!(
        "<p>Scan this code with an authenticator app (TOTP, 30 s, 6 digits), or enter the key by hand.</p>\
         <div class=\"qr\">{}</div><p>Key: <span class=\"secret\" id=\"totp-secret\">{}</span></p>",
        qr_svg(uri),
        esc(secret)
    )
}

/// What an enrolment page asks for.
pub struct EnrolForm<'a> {
    /// The enrolment token (hidden field).
    pub token: &'a str,
    /// Ask for a user name (first administrator).
    pub ask_username: bool,
    /// Ask for a new password (twice).
    pub ask_new_password: bool,
    /// Ask for the current password (second-factor reset).
    pub ask_current_password: bool,
    /// The account the QR code is labelled with.
    pub account: &'a str,
    /// `otpauth://` URI of the pending secret.
    pub uri: &'a str,
    /// Base32 secret, shown for manual entry.
    pub secret: &'a str,
}

/// The enrolment page: password and second factor.
pub fn enrol(style: &str, form: &EnrolForm<'_>, error: Option<&str>) -> String {
    let mut fields = String::new();
    if form.ask_username {
        fields.push_str("<label>Administrator user name <input type=\"text\" name=\"username\" autocomplete=\"username\" required></label>");
    } else {
        let _ = write!(
            fields,
            "<p>Account: <strong>{}</strong></p>",
            esc(form.account)
        );
    }
    if form.ask_current_password {
        fields.push_str("<label>Current password <input type=\"password\" name=\"current_password\" autocomplete=\"current-password\" required></label>");
    }
    if form.ask_new_password {
        fields.push_str(
            "<label>New password (8 to 128 characters) <input type=\"password\" name=\"password\" autocomplete=\"new-password\" required></label>\
             <label>New password again <input type=\"password\" name=\"password2\" autocomplete=\"new-password\" required></label>",
        );
    }
    let body = format!(
        "{}<form method=\"post\" action=\"/enrol\"><input type=\"hidden\" name=\"token\" value=\"{}\">{}{}\
         <label>Code shown by the app <input type=\"text\" name=\"code\" autocomplete=\"one-time-code\" inputmode=\"numeric\" required></label>\
         <button type=\"submit\">Enrol</button></form>",
        notice(error, None),
        esc(form.token),
        fields,
        totp_block(form.uri, form.secret)
    );
    layout(style, "Enrol", &body)
}

/// Shows freshly made recovery codes once.
pub fn recovery_codes(style: &str, codes: &[String], next: &str) -> String {
    let mut list = String::from("<ul class=\"recovery\">");
    for code in codes {
        let _ = write!(list, "<li><code>{}</code></li>", esc(code));
    }
    list.push_str("</ul>");
    let body = format!(
        "<p class=\"note\">Done. Keep these one-time recovery codes somewhere safe: each can stand in for an authenticator code once. They are not shown again.</p>{list}<p><a href=\"{}\">Continue</a></p>",
        esc(next)
    );
    layout(style, "Recovery codes", &body)
}

/// A simple message page.
pub fn message(style: &str, title: &str, text: &str) -> String {
    layout(
        style,
        title,
        &format!("<p>{}</p><p><a href=\"/\">Home</a></p>", esc(text)),
    )
}

fn nav(user: &User, csrf: &str) -> String {
    let admin = if user.is_admin {
        "<a href=\"/admin\">Administration</a>"
    } else {
        ""
    };
    format!(
        "<nav><a href=\"/\">Apps</a><a href=\"/account\">Account</a>{admin}\
         <form class=\"inline\" method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><button type=\"submit\">Sign out</button></form></nav>",
        esc(csrf)
    )
}

/// The built-in home page shown while no page bundle is installed.
pub fn home(style: &str, user: &User, csrf: &str, apps: &[String]) -> String {
    let mut list = String::from("<ul>");
    for app in apps {
        let _ = write!(
            list,
            "<li><a href=\"/apps/{}\">{}</a></li>",
            esc(&crate::crypto::percent_encode(app)),
            esc(app)
        );
    }
    list.push_str("</ul>");
    if apps.is_empty() {
        list = "<p>No apps are available to you yet.</p>".into();
    }
    let body = format!(
        "{}<p>Signed in as <strong>{}</strong>. The browser page bundle is not installed on this server, so apps can only be downloaded here.</p>{list}",
        nav(user, csrf),
        esc(&user.name)
    );
    layout(style, "Heirloom", &body)
}

fn reauth_fields() -> &'static str {
    "<label>Current password <input type=\"password\" name=\"password\" autocomplete=\"current-password\" required></label>\
     <label>Current authenticator code <input type=\"text\" name=\"code\" autocomplete=\"one-time-code\" inputmode=\"numeric\" required></label>"
}

/// The account page: password, second factor, recovery codes, sessions.
pub fn account(
    style: &str,
    user: &User,
    csrf: &str,
    codes_left: i64,
    error: Option<&str>,
    note: Option<&str>,
) -> String {
    let c = esc(csrf);
    let r = reauth_fields();
    let body = format!(
        "{nav}{notice}<p>Signed in as <strong>{name}</strong>. Recovery codes left: {codes_left}.</p>\
         <form method=\"post\" action=\"/account/password\"><h2>Change password</h2><input type=\"hidden\" name=\"csrf\" value=\"{c}\">{r}\
         <label>New password <input type=\"password\" name=\"new_password\" autocomplete=\"new-password\" required></label>\
         <label>New password again <input type=\"password\" name=\"new_password2\" autocomplete=\"new-password\" required></label>\
         <button type=\"submit\">Change password</button></form>\
         <form method=\"post\" action=\"/account/totp\"><h2>Change second factor</h2><input type=\"hidden\" name=\"csrf\" value=\"{c}\">{r}\
         <button type=\"submit\">Enrol a new authenticator</button></form>\
         <form method=\"post\" action=\"/account/recovery\"><h2>New recovery codes</h2><input type=\"hidden\" name=\"csrf\" value=\"{c}\">{r}\
         <button type=\"submit\">Replace recovery codes</button></form>\
         <form method=\"post\" action=\"/logout-everywhere\"><h2>Sessions</h2><input type=\"hidden\" name=\"csrf\" value=\"{c}\">\
         <button type=\"submit\">Sign out everywhere</button></form>",
        nav = nav(user, csrf),
        notice = notice(error, note),
        name = esc(&user.name),
    );
    layout(style, "Account", &body)
}

/// Confirmation step of a second-factor change from the account page.
pub fn totp_confirm(
    style: &str,
    csrf: &str,
    uri: &str,
    secret: &str,
    error: Option<&str>,
) -> String {
    let body = format!(
        "{}{}<form method=\"post\" action=\"/account/totp/confirm\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <label>Code shown by the new app <input type=\"text\" name=\"code\" autocomplete=\"one-time-code\" inputmode=\"numeric\" required></label>\
         <button type=\"submit\">Confirm</button></form>",
        notice(error, None),
        totp_block(uri, secret),
        esc(csrf)
    );
    layout(style, "New authenticator", &body)
}

/// Facts about one user for the administration page.
pub struct UserLine {
    /// The user.
    pub user: User,
    /// Their groups.
    pub groups: Vec<String>,
}

fn small_form(action: &str, csrf: &str, name: &str, label: &str) -> String {
    format!(
        "<form class=\"inline\" method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <input type=\"hidden\" name=\"name\" value=\"{}\"><button type=\"submit\">{label}</button></form> ",
        esc(csrf),
        esc(name)
    )
}

/// Everything the administration page shows.
pub struct AdminView<'a> {
    /// The signed-in administrator.
    pub me: &'a User,
    /// CSRF token for the forms.
    pub csrf: &'a str,
    /// All users.
    pub users: &'a [UserLine],
    /// All grants as `(subject, app)`.
    pub grants: &'a [(String, String)],
    /// Recent audit entries.
    pub audit: &'a [AuditEntry],
    /// Success message.
    pub note: Option<&'a str>,
    /// Error message.
    pub error: Option<&'a str>,
}

/// The administration page: users, grants, audit log.
pub fn admin(style: &str, view: &AdminView<'_>) -> String {
    let AdminView {
        me,
        csrf,
        users,
        grants,
        audit,
        note,
        error,
    } = *view;
    let c = esc(csrf);
    let mut body = nav(me, csrf);
    body.push_str(&notice(error, note));
    body.push_str("<h2>Users</h2><table><tr><th>Name</th><th>Admin</th><th>Enrolled</th><th>Locked until</th><th>Groups</th><th></th></tr>");
    let now = crate::db::now();
    for line in users {
        let u = &line.user;
        let locked = if u.locked_until > now {
            format!("{}", u.locked_until)
        } else {
            String::new()
        };
        let enrolled = u.password_hash.is_some() && u.totp_secret.is_some();
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}{}{}</td></tr>",
            esc(&u.name),
            if u.is_admin { "yes" } else { "" },
            if enrolled { "yes" } else { "no" },
            locked,
            esc(&line.groups.join(", ")),
            small_form(
                "/admin/users/reset-mfa",
                csrf,
                &u.name,
                "Reset second factor"
            ),
            small_form("/admin/users/unlock", csrf, &u.name, "Unlock"),
            small_form("/admin/users/remove", csrf, &u.name, "Remove"),
        );
    }
    body.push_str("</table>");
    let _ = write!(
        body,
        "<form method=\"post\" action=\"/admin/users/add\"><h2>Add user</h2><input type=\"hidden\" name=\"csrf\" value=\"{c}\">\
         <label>User name <input type=\"text\" name=\"name\" required></label>\
         <label>Group (optional) <input type=\"text\" name=\"group\"></label>\
         <label><input type=\"checkbox\" name=\"admin\" value=\"1\"> Administrator</label>\
         <button type=\"submit\">Add and make an enrolment link</button></form>"
    );
    body.push_str("<h2>App permissions</h2><table><tr><th>Who</th><th>App</th><th></th></tr>");
    for (subject, app) in grants {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td><form class=\"inline\" method=\"post\" action=\"/admin/grants/remove\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{c}\"><input type=\"hidden\" name=\"subject\" value=\"{}\">\
             <input type=\"hidden\" name=\"app\" value=\"{}\"><button type=\"submit\">Revoke</button></form></td></tr>",
            esc(subject),
            esc(app),
            esc(subject),
            esc(app)
        );
    }
    body.push_str("</table>");
    let _ = write!(
        body,
        "<form method=\"post\" action=\"/admin/grants/add\"><input type=\"hidden\" name=\"csrf\" value=\"{c}\">\
         <label>Who (<code>user:NAME</code> or <code>group:NAME</code>) <input type=\"text\" name=\"subject\" required></label>\
         <label>App file name (<code>*</code> for all) <input type=\"text\" name=\"app\" required></label>\
         <button type=\"submit\">Grant</button></form>"
    );
    body.push_str("<h2>Audit log</h2><table><tr><th>Time (Unix)</th><th>Actor</th><th>Action</th><th>Target</th><th>Address</th><th>Detail</th></tr>");
    for e in audit {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            e.at,
            esc(&e.actor),
            esc(&e.action),
            esc(&e.target),
            esc(&e.ip),
            esc(&e.detail)
        );
    }
    body.push_str("</table>");
    layout(style, "Administration", &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_draws_qr_without_script() {
        assert_eq!(
            esc("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
        let svg = qr_svg("otpauth://totp/Heirloom:ann?secret=ABC");
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(!svg.contains("<script"));
        let page = login("/static/s.css", "tok", Some("<bad>"));
        assert!(page.contains("&lt;bad&gt;"));
        assert!(!page.contains("<script"));
    }
}
