//! Account administration shared by the `user` command line and the admin pages.

use std::path::{Path, PathBuf};

use crate::ServerError;
use crate::db::Db;

/// Lifetime of the first-start setup link.
pub const SETUP_LINK_SECONDS: i64 = 60 * 60;
/// Lifetime of invitation and second-factor reset links.
pub const ENROL_LINK_SECONDS: i64 = 72 * 60 * 60;
/// File name of the account database inside the data directory.
pub const DATABASE_FILE: &str = "accounts.db";

/// `heirloom user ...`: manage accounts on the command line.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum UserCommand {
    /// Add a user; prints a one-time enrolment link where they set a password and enrol a
    /// second factor.
    Add {
        /// Login name (letters, digits, `.`, `_`, `-`; at most 32).
        name: String,
        /// Make the user an administrator.
        #[arg(long)]
        admin: bool,
        /// Put the user in these groups (repeatable).
        #[arg(long = "group")]
        groups: Vec<String>,
        /// Data directory of the server.
        #[arg(long, env = "HEIRLOOM_DATA_DIR", default_value = crate::config::DEFAULT_DATA_DIR)]
        data_dir: PathBuf,
    },
    /// List users.
    List {
        /// Data directory of the server.
        #[arg(long, env = "HEIRLOOM_DATA_DIR", default_value = crate::config::DEFAULT_DATA_DIR)]
        data_dir: PathBuf,
    },
    /// Remove a user and end their sessions.
    Remove {
        /// Login name.
        name: String,
        /// Data directory of the server.
        #[arg(long, env = "HEIRLOOM_DATA_DIR", default_value = crate::config::DEFAULT_DATA_DIR)]
        data_dir: PathBuf,
    },
    /// Set a user's password, read as one line from standard input; ends their sessions.
    /// The second factor stays as it is.
    Passwd {
        /// Login name.
        name: String,
        /// Data directory of the server.
        #[arg(long, env = "HEIRLOOM_DATA_DIR", default_value = crate::config::DEFAULT_DATA_DIR)]
        data_dir: PathBuf,
    },
    /// Remove a user's second factor and recovery codes and print a one-time link where
    /// they enrol a new one (after giving their password).
    ResetMfa {
        /// Login name.
        name: String,
        /// Data directory of the server.
        #[arg(long, env = "HEIRLOOM_DATA_DIR", default_value = crate::config::DEFAULT_DATA_DIR)]
        data_dir: PathBuf,
    },
    /// Allow `user:NAME` or `group:NAME` to use an app of the library (`*` for all).
    Grant {
        /// `user:NAME` or `group:NAME`.
        subject: String,
        /// App file name in the library, or `*`.
        app: String,
        /// Data directory of the server.
        #[arg(long, env = "HEIRLOOM_DATA_DIR", default_value = crate::config::DEFAULT_DATA_DIR)]
        data_dir: PathBuf,
    },
    /// Withdraw a permission given with `grant`.
    Revoke {
        /// `user:NAME` or `group:NAME`.
        subject: String,
        /// App file name, or `*`.
        app: String,
        /// Data directory of the server.
        #[arg(long, env = "HEIRLOOM_DATA_DIR", default_value = crate::config::DEFAULT_DATA_DIR)]
        data_dir: PathBuf,
    },
}

fn open_db(data_dir: &Path) -> Result<Db, ServerError> {
    crate::storage::create_private_dir(data_dir)
        .map_err(|e| ServerError::io(format!("cannot create {}", data_dir.display()), e))?;
    Db::open(&data_dir.join(DATABASE_FILE))
}

/// Runs a `user` subcommand, printing its result on standard output.
pub fn user(cmd: UserCommand) -> Result<(), ServerError> {
    match cmd {
        UserCommand::Add {
            name,
            admin,
            groups,
            data_dir,
        } => {
            let db = open_db(&data_dir)?;
            let token = add_user(&db, &name, admin, &groups, "cli", "")?;
            println!(
                "added {name}; enrolment link (valid 72 hours, use once): https://<server>/enrol?token={token}"
            );
        }
        UserCommand::List { data_dir } => {
            let db = open_db(&data_dir)?;
            let now = crate::db::now();
            println!(
                "{:<24} {:<6} {:<9} {:<7} groups",
                "name", "admin", "enrolled", "locked"
            );
            for u in db.users()? {
                let groups = db.groups_of(u.id)?.join(",");
                println!(
                    "{:<24} {:<6} {:<9} {:<7} {}",
                    u.name,
                    if u.is_admin { "yes" } else { "no" },
                    if u.password_hash.is_some() && u.totp_secret.is_some() {
                        "yes"
                    } else {
                        "no"
                    },
                    if u.locked_until > now { "yes" } else { "no" },
                    groups
                );
            }
        }
        UserCommand::Remove { name, data_dir } => {
            let db = open_db(&data_dir)?;
            remove_user(&db, &name, "cli", "")?;
            println!("removed {name}");
        }
        UserCommand::Passwd { name, data_dir } => {
            let db = open_db(&data_dir)?;
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .map_err(|e| ServerError::io("cannot read the password from standard input", e))?;
            let password = line.trim_end_matches(['\r', '\n']);
            set_password(&db, &name, password, "cli", "")?;
            println!("password of {name} changed; their sessions were ended");
        }
        UserCommand::ResetMfa { name, data_dir } => {
            let db = open_db(&data_dir)?;
            let token = reset_mfa(&db, &name, "cli", "")?;
            println!(
                "second factor of {name} removed; enrolment link (valid 72 hours, use once): https://<server>/enrol?token={token}"
            );
        }
        UserCommand::Grant {
            subject,
            app,
            data_dir,
        } => {
            let db = open_db(&data_dir)?;
            grant(&db, &subject, &app, "cli", "")?;
            println!("granted {app} to {subject}");
        }
        UserCommand::Revoke {
            subject,
            app,
            data_dir,
        } => {
            let db = open_db(&data_dir)?;
            if !revoke(&db, &subject, &app, "cli", "")? {
                return Err(ServerError::Invalid(format!(
                    "{subject} had no grant for {app}"
                )));
            }
            println!("revoked {app} from {subject}");
        }
    }
    Ok(())
}

/// Checks a login or group name: 1 to 32 of letters, digits, `.`, `_`, `-`, not starting
/// with a dot.
pub fn check_user_name(name: &str) -> Result<(), ServerError> {
    let ok = !name.is_empty()
        && name.len() <= 32
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(ServerError::Invalid(format!(
            "{name:?} is not a valid name (1 to 32 letters, digits, '.', '_' or '-')"
        )))
    }
}

fn find(db: &Db, name: &str) -> Result<crate::db::User, ServerError> {
    db.user_by_name(name)?
        .ok_or_else(|| ServerError::Invalid(format!("no user named {name}")))
}

/// Adds a user without credentials and returns their enrolment token.
pub fn add_user(
    db: &Db,
    name: &str,
    admin: bool,
    groups: &[String],
    actor: &str,
    ip: &str,
) -> Result<String, ServerError> {
    check_user_name(name)?;
    for group in groups {
        check_user_name(group)?;
    }
    let id = db.create_user(name, admin)?;
    for group in groups {
        db.add_member(group, id)?;
    }
    let token = db.create_enrol_token(Some(id), "invite", ENROL_LINK_SECONDS)?;
    db.audit(
        actor,
        "user-add",
        name,
        ip,
        if admin { "admin" } else { "" },
    )?;
    Ok(token)
}

/// Removes a user.
pub fn remove_user(db: &Db, name: &str, actor: &str, ip: &str) -> Result<(), ServerError> {
    let user = find(db, name)?;
    db.remove_user(user.id)?;
    db.audit(actor, "user-remove", name, ip, "")
}

/// Sets a password after checking the policy, and ends the user's sessions.
pub fn set_password(
    db: &Db,
    name: &str,
    password: &str,
    actor: &str,
    ip: &str,
) -> Result<(), ServerError> {
    let user = find(db, name)?;
    crate::crypto::check_password(name, password)
        .map_err(|e| ServerError::Invalid(e.to_string()))?;
    db.set_password(user.id, &crate::crypto::hash_password(password))?;
    db.delete_user_sessions(user.id)?;
    db.reset_failures(user.id)?;
    db.audit(actor, "password-set", name, ip, "")
}

/// Removes a user's second factor, recovery codes and sessions; returns the enrolment
/// token with which they enrol a new one (their password is asked for there).
pub fn reset_mfa(db: &Db, name: &str, actor: &str, ip: &str) -> Result<String, ServerError> {
    let user = find(db, name)?;
    db.set_totp(user.id, None, 0)?;
    db.replace_recovery_codes(user.id, &[])?;
    db.delete_user_sessions(user.id)?;
    // A user who never set a password enrols both, as after an invitation.
    let purpose = if user.password_hash.is_some() {
        "mfa-reset"
    } else {
        "invite"
    };
    let token = db.create_enrol_token(Some(user.id), purpose, ENROL_LINK_SECONDS)?;
    db.audit(actor, "mfa-reset", name, ip, "")?;
    Ok(token)
}

/// Lifts a lockout.
pub fn unlock(db: &Db, name: &str, actor: &str, ip: &str) -> Result<(), ServerError> {
    let user = find(db, name)?;
    db.reset_failures(user.id)?;
    db.audit(actor, "unlock", name, ip, "")
}

fn check_subject(subject: &str) -> Result<(), ServerError> {
    match subject.split_once(':') {
        Some(("user" | "group", name)) => check_user_name(name),
        _ => Err(ServerError::Invalid(format!(
            "{subject:?}: expected user:NAME or group:NAME"
        ))),
    }
}

/// Grants an app to a user or group.
pub fn grant(db: &Db, subject: &str, app: &str, actor: &str, ip: &str) -> Result<(), ServerError> {
    check_subject(subject)?;
    if app != "*" {
        crate::paths::check_name(app).map_err(|e| ServerError::Invalid(format!("{app:?}: {e}")))?;
    }
    db.grant(subject, app)?;
    db.audit(actor, "grant", subject, ip, app)
}

/// Withdraws a grant; returns whether it existed.
pub fn revoke(
    db: &Db,
    subject: &str,
    app: &str,
    actor: &str,
    ip: &str,
) -> Result<bool, ServerError> {
    let existed = db.revoke(subject, app)?;
    db.audit(actor, "revoke", subject, ip, app)?;
    Ok(existed)
}
