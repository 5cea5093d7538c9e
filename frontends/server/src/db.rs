//! The account database: SQLite in WAL mode with numbered schema migrations.
//!
//! Holds users (argon2id hashes, TOTP secrets, lockout state), recovery codes (hashed),
//! sessions (only a hash of the id is stored), enrolment tokens (hashed), groups, app
//! grants and the audit log.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, params};

use crate::ServerError;
use crate::crypto::{random_token, sha256_hex};

/// Schema migrations; entry `i` moves the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &["CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        password_hash TEXT,
        totp_secret TEXT,
        totp_last_step INTEGER NOT NULL DEFAULT 0,
        is_admin INTEGER NOT NULL DEFAULT 0,
        failed_count INTEGER NOT NULL DEFAULT 0,
        locked_until INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE recovery_codes (
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        code_hash TEXT NOT NULL,
        PRIMARY KEY (user_id, code_hash)
    );
    CREATE TABLE sessions (
        id_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        csrf TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        pending_totp TEXT
    );
    CREATE INDEX sessions_user ON sessions(user_id);
    CREATE TABLE enrol_tokens (
        token_hash TEXT PRIMARY KEY,
        user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
        purpose TEXT NOT NULL,
        pending_totp TEXT NOT NULL,
        expires_at INTEGER NOT NULL
    );
    CREATE TABLE group_members (
        group_name TEXT NOT NULL,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        PRIMARY KEY (group_name, user_id)
    );
    CREATE TABLE grants (
        subject TEXT NOT NULL,
        app TEXT NOT NULL,
        PRIMARY KEY (subject, app)
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor TEXT,
        action TEXT NOT NULL,
        target TEXT,
        ip TEXT,
        detail TEXT
    );"];

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A user row.
#[derive(Debug, Clone)]
pub struct User {
    /// Row id.
    pub id: i64,
    /// Login name.
    pub name: String,
    /// argon2id PHC hash, absent until the user has enrolled.
    pub password_hash: Option<String>,
    /// Base32 TOTP secret, absent until enrolled (or after a reset).
    pub totp_secret: Option<String>,
    /// Last TOTP step accepted (codes at or before it are refused).
    pub totp_last_step: i64,
    /// Whether the user administers the server.
    pub is_admin: bool,
    /// Consecutive failed logins.
    pub failed_count: i64,
    /// Unix time until which logins are refused.
    pub locked_until: i64,
}

/// A live session.
#[derive(Debug, Clone)]
pub struct SessionRow {
    /// SHA-256 of the cookie value.
    pub id_hash: String,
    /// Owner.
    pub user_id: i64,
    /// Per-session CSRF token.
    pub csrf: String,
    /// Creation time (absolute timeout).
    pub created_at: i64,
    /// Last request time (idle timeout).
    pub last_seen: i64,
    /// A TOTP secret being enrolled from the account page, not yet confirmed.
    pub pending_totp: Option<String>,
}

/// An enrolment token row.
#[derive(Debug, Clone)]
pub struct EnrolToken {
    /// SHA-256 of the token.
    pub token_hash: String,
    /// The user enrolling; `None` for the first-start administrator setup.
    pub user_id: Option<i64>,
    /// `setup`, `invite` or `mfa-reset`.
    pub purpose: String,
    /// Base32 TOTP secret offered on the enrolment page.
    pub pending_totp: String,
    /// Unix expiry time.
    pub expires_at: i64,
}

/// One audit log entry.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    /// Unix time.
    pub at: i64,
    /// Who acted (user name, `cli` or `-`).
    pub actor: String,
    /// What happened (`login`, `login-failed`, `lockout`, `user-add`, ...).
    pub action: String,
    /// Whom or what it concerned.
    pub target: String,
    /// Client address, when from the network.
    pub ip: String,
    /// Free text.
    pub detail: String,
}

/// Handle to the database, shared between request handlers.
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

fn is_locked(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

fn user_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    user_from_columns(row, 0)
}

/// A user from the [`USER_COLUMNS`] of a row, starting at column `first`.
fn user_from_columns(row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(first)?,
        name: row.get(first + 1)?,
        password_hash: row.get(first + 2)?,
        totp_secret: row.get(first + 3)?,
        totp_last_step: row.get(first + 4)?,
        is_admin: row.get(first + 5)?,
        failed_count: row.get(first + 6)?,
        locked_until: row.get(first + 7)?,
    })
}

fn session_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SessionRow> {
    Ok(SessionRow {
        id_hash: r.get(0)?,
        user_id: r.get(1)?,
        csrf: r.get(2)?,
        created_at: r.get(3)?,
        last_seen: r.get(4)?,
        pending_totp: r.get(5)?,
    })
}

const USER_COLUMNS: &str =
    "id, name, password_hash, totp_secret, totp_last_step, is_admin, failed_count, locked_until";

impl Db {
    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    /// A database held locked by another process gives [`ServerError::DatabaseLocked`].
    pub fn open(path: &Path) -> Result<Db, ServerError> {
        let locked = |e: rusqlite::Error| {
            if is_locked(&e) {
                ServerError::DatabaseLocked {
                    path: path.to_path_buf(),
                }
            } else {
                ServerError::Database(e)
            }
        };
        let conn = Connection::open(path).map_err(locked)?;
        // Password hashes and TOTP secrets: owner only (best effort, e.g. on odd file systems).
        let _ = crate::storage::restrict(path, 0o600);
        conn.busy_timeout(std::time::Duration::from_millis(1500))
            .map_err(locked)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(locked)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(ServerError::Invalid(format!(
                "database {} cannot use write-ahead logging (journal mode {mode})",
                path.display()
            )));
        }
        conn.execute_batch("PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;")
            .map_err(locked)?;
        let db = Db {
            conn: Arc::new(Mutex::new(conn)),
        };
        db.migrate().map_err(locked)?;
        Ok(db)
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn migrate(&self) -> rusqlite::Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")?;
        let current: Option<i64> = tx
            .query_row("SELECT version FROM schema_version", [], |r| r.get(0))
            .optional()?;
        let current = current.unwrap_or(0);
        if current == 0 {
            tx.execute("DELETE FROM schema_version", [])?;
            tx.execute("INSERT INTO schema_version (version) VALUES (0)", [])?;
        }
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            tx.execute_batch(sql)?;
            tx.execute("UPDATE schema_version SET version = ?1", [index as i64 + 1])?;
        }
        tx.commit()
    }

    /// The schema version after migrations.
    pub fn schema_version(&self) -> Result<i64, ServerError> {
        Ok(self
            .lock()
            .query_row("SELECT version FROM schema_version", [], |r| r.get(0))?)
    }

    /// Number of users with a password and a second factor (able to sign in).
    pub fn enrolled_admins(&self) -> Result<i64, ServerError> {
        Ok(self.lock().query_row(
            "SELECT COUNT(*) FROM users WHERE is_admin = 1 AND password_hash IS NOT NULL AND totp_secret IS NOT NULL",
            [],
            |r| r.get(0),
        )?)
    }

    /// Creates a user without credentials; they are set through an enrolment link.
    pub fn create_user(&self, name: &str, is_admin: bool) -> Result<i64, ServerError> {
        let conn = self.lock();
        conn.execute(
            "INSERT INTO users (name, is_admin, created_at) VALUES (?1, ?2, ?3)",
            params![name, is_admin, now()],
        )
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::ConstraintViolation) => {
                ServerError::Invalid(format!("a user named {name} already exists"))
            }
            _ => ServerError::Database(e),
        })?;
        Ok(conn.last_insert_rowid())
    }

    /// Looks a user up by name.
    pub fn user_by_name(&self, name: &str) -> Result<Option<User>, ServerError> {
        Ok(self
            .lock()
            .query_row(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE name = ?1"),
                [name],
                user_from_row,
            )
            .optional()?)
    }

    /// Looks a user up by id.
    pub fn user_by_id(&self, id: i64) -> Result<Option<User>, ServerError> {
        Ok(self
            .lock()
            .query_row(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"),
                [id],
                user_from_row,
            )
            .optional()?)
    }

    /// All users, ordered by name.
    pub fn users(&self) -> Result<Vec<User>, ServerError> {
        let conn = self.lock();
        let mut stmt = conn.prepare(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY name"))?;
        let rows = stmt.query_map([], user_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Deletes a user (their sessions, codes and memberships go with them).
    pub fn remove_user(&self, id: i64) -> Result<(), ServerError> {
        self.lock()
            .execute("DELETE FROM users WHERE id = ?1", [id])?;
        Ok(())
    }

    /// Stores a new password hash.
    pub fn set_password(&self, id: i64, hash: &str) -> Result<(), ServerError> {
        self.lock().execute(
            "UPDATE users SET password_hash = ?2 WHERE id = ?1",
            params![id, hash],
        )?;
        Ok(())
    }

    /// Stores (or with `None` clears) the TOTP secret and forgets the last used step.
    pub fn set_totp(
        &self,
        id: i64,
        secret: Option<&str>,
        last_step: i64,
    ) -> Result<(), ServerError> {
        self.lock().execute(
            "UPDATE users SET totp_secret = ?2, totp_last_step = ?3 WHERE id = ?1",
            params![id, secret, last_step],
        )?;
        Ok(())
    }

    /// Records `step` as used if it is later than the last used one; returns whether it was.
    /// The comparison happens inside SQLite so two racing requests cannot both win.
    pub fn consume_totp_step(&self, id: i64, step: i64) -> Result<bool, ServerError> {
        let changed = self.lock().execute(
            "UPDATE users SET totp_last_step = ?2 WHERE id = ?1 AND totp_last_step < ?2",
            params![id, step],
        )?;
        Ok(changed == 1)
    }

    /// Counts a failed login and, from `threshold` failures on, locks the account with a
    /// back-off that doubles with each further failure (capped at one hour).
    /// Returns the new lock end (0 if not locked).
    pub fn record_failure(
        &self,
        id: i64,
        threshold: i64,
        base_seconds: i64,
    ) -> Result<i64, ServerError> {
        let conn = self.lock();
        let failed: i64 = conn.query_row(
            "UPDATE users SET failed_count = failed_count + 1 WHERE id = ?1 RETURNING failed_count",
            [id],
            |r| r.get(0),
        )?;
        if failed < threshold {
            return Ok(0);
        }
        let exponent = (failed - threshold).min(16) as u32;
        let delay = base_seconds.saturating_mul(1i64 << exponent).min(3600);
        let until = now() + delay;
        conn.execute(
            "UPDATE users SET locked_until = ?2 WHERE id = ?1",
            params![id, until],
        )?;
        Ok(until)
    }

    /// Clears the failure count and lock after a successful login or an administrator unlock.
    pub fn reset_failures(&self, id: i64) -> Result<(), ServerError> {
        self.lock().execute(
            "UPDATE users SET failed_count = 0, locked_until = 0 WHERE id = ?1",
            [id],
        )?;
        Ok(())
    }

    /// Replaces a user's recovery codes with the given hashes.
    pub fn replace_recovery_codes(&self, id: i64, hashes: &[String]) -> Result<(), ServerError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM recovery_codes WHERE user_id = ?1", [id])?;
        for hash in hashes {
            tx.execute(
                "INSERT OR IGNORE INTO recovery_codes (user_id, code_hash) VALUES (?1, ?2)",
                params![id, hash],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Uses up a recovery code; returns whether it existed.
    pub fn use_recovery_code(&self, id: i64, hash: &str) -> Result<bool, ServerError> {
        let n = self.lock().execute(
            "DELETE FROM recovery_codes WHERE user_id = ?1 AND code_hash = ?2",
            params![id, hash],
        )?;
        Ok(n == 1)
    }

    /// Number of unused recovery codes.
    pub fn recovery_codes_left(&self, id: i64) -> Result<i64, ServerError> {
        Ok(self.lock().query_row(
            "SELECT COUNT(*) FROM recovery_codes WHERE user_id = ?1",
            [id],
            |r| r.get(0),
        )?)
    }

    /// Creates a session; returns the cookie value (only its hash is stored).
    pub fn create_session(&self, user_id: i64) -> Result<String, ServerError> {
        let token = random_token();
        let t = now();
        self.lock().execute(
            "INSERT INTO sessions (id_hash, user_id, csrf, created_at, last_seen) VALUES (?1, ?2, ?3, ?4, ?4)",
            params![sha256_hex(token.as_bytes()), user_id, random_token(), t],
        )?;
        Ok(token)
    }

    /// Finds a session by cookie value.
    pub fn session(&self, token: &str) -> Result<Option<SessionRow>, ServerError> {
        let id_hash = sha256_hex(token.as_bytes());
        Ok(self
            .lock()
            .prepare_cached(
                "SELECT id_hash, user_id, csrf, created_at, last_seen, pending_totp FROM sessions WHERE id_hash = ?1",
            )?
            .query_row([id_hash], session_from_row)
            .optional()?)
    }

    /// Finds a session by cookie value together with its user, in one query (a prepared
    /// statement kept by the connection): the check made on every signed-in request.
    pub fn session_with_user(
        &self,
        token: &str,
    ) -> Result<Option<(SessionRow, User)>, ServerError> {
        let id_hash = sha256_hex(token.as_bytes());
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "SELECT s.id_hash, s.user_id, s.csrf, s.created_at, s.last_seen, s.pending_totp, \
             u.id, u.name, u.password_hash, u.totp_secret, u.totp_last_step, u.is_admin, \
             u.failed_count, u.locked_until \
             FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?1",
        )?;
        Ok(stmt
            .query_row([id_hash], |r| {
                Ok((session_from_row(r)?, user_from_columns(r, 6)?))
            })
            .optional()?)
    }

    /// Marks a session as used now.
    pub fn touch_session(&self, id_hash: &str) -> Result<(), ServerError> {
        self.lock().execute(
            "UPDATE sessions SET last_seen = ?2 WHERE id_hash = ?1",
            params![id_hash, now()],
        )?;
        Ok(())
    }

    /// Stores or clears the TOTP secret being enrolled in a session.
    pub fn set_session_pending_totp(
        &self,
        id_hash: &str,
        secret: Option<&str>,
    ) -> Result<(), ServerError> {
        self.lock().execute(
            "UPDATE sessions SET pending_totp = ?2 WHERE id_hash = ?1",
            params![id_hash, secret],
        )?;
        Ok(())
    }

    /// Ends one session.
    pub fn delete_session(&self, id_hash: &str) -> Result<(), ServerError> {
        self.lock()
            .execute("DELETE FROM sessions WHERE id_hash = ?1", [id_hash])?;
        Ok(())
    }

    /// Ends every session of a user ("log out everywhere"); returns how many.
    pub fn delete_user_sessions(&self, user_id: i64) -> Result<usize, ServerError> {
        Ok(self
            .lock()
            .execute("DELETE FROM sessions WHERE user_id = ?1", [user_id])?)
    }

    /// Deletes sessions past their idle or absolute timeout.
    pub fn purge_sessions(&self, idle: i64, absolute: i64) -> Result<(), ServerError> {
        let t = now();
        self.lock().execute(
            "DELETE FROM sessions WHERE last_seen < ?1 OR created_at < ?2",
            params![t - idle, t - absolute],
        )?;
        Ok(())
    }

    /// Creates an enrolment token (replacing older ones of the same user and purpose) and
    /// returns its plain value.
    pub fn create_enrol_token(
        &self,
        user_id: Option<i64>,
        purpose: &str,
        lifetime_seconds: i64,
    ) -> Result<String, ServerError> {
        let token = random_token();
        let secret = crate::totp::base32_encode(&crate::crypto::random_bytes::<20>());
        let conn = self.lock();
        conn.execute(
            "DELETE FROM enrol_tokens WHERE purpose = ?1 AND user_id IS ?2",
            params![purpose, user_id],
        )?;
        conn.execute(
            "INSERT INTO enrol_tokens (token_hash, user_id, purpose, pending_totp, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![sha256_hex(token.as_bytes()), user_id, purpose, secret, now() + lifetime_seconds],
        )?;
        Ok(token)
    }

    /// Finds an unexpired enrolment token by its plain value.
    pub fn enrol_token(&self, token: &str) -> Result<Option<EnrolToken>, ServerError> {
        Ok(self
            .lock()
            .query_row(
                "SELECT token_hash, user_id, purpose, pending_totp, expires_at FROM enrol_tokens WHERE token_hash = ?1 AND expires_at > ?2",
                params![sha256_hex(token.as_bytes()), now()],
                |r| {
                    Ok(EnrolToken {
                        token_hash: r.get(0)?,
                        user_id: r.get(1)?,
                        purpose: r.get(2)?,
                        pending_totp: r.get(3)?,
                        expires_at: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    /// Uses up an enrolment token; returns whether it was still there.
    pub fn consume_enrol_token(&self, token_hash: &str) -> Result<bool, ServerError> {
        Ok(self.lock().execute(
            "DELETE FROM enrol_tokens WHERE token_hash = ?1",
            [token_hash],
        )? == 1)
    }

    /// Adds a user to a group.
    pub fn add_member(&self, group: &str, user_id: i64) -> Result<(), ServerError> {
        self.lock().execute(
            "INSERT OR IGNORE INTO group_members (group_name, user_id) VALUES (?1, ?2)",
            params![group, user_id],
        )?;
        Ok(())
    }

    /// The groups a user belongs to.
    pub fn groups_of(&self, user_id: i64) -> Result<Vec<String>, ServerError> {
        let conn = self.lock();
        let mut stmt = conn.prepare(
            "SELECT group_name FROM group_members WHERE user_id = ?1 ORDER BY group_name",
        )?;
        let rows = stmt.query_map([user_id], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Grants `subject` (`user:NAME` or `group:NAME`) the use of `app` (`*` for all).
    pub fn grant(&self, subject: &str, app: &str) -> Result<(), ServerError> {
        self.lock().execute(
            "INSERT OR IGNORE INTO grants (subject, app) VALUES (?1, ?2)",
            params![subject, app],
        )?;
        Ok(())
    }

    /// Withdraws a grant; returns whether it existed.
    pub fn revoke(&self, subject: &str, app: &str) -> Result<bool, ServerError> {
        Ok(self.lock().execute(
            "DELETE FROM grants WHERE subject = ?1 AND app = ?2",
            params![subject, app],
        )? == 1)
    }

    /// All grants as `(subject, app)`.
    pub fn grants(&self) -> Result<Vec<(String, String)>, ServerError> {
        let conn = self.lock();
        let mut stmt = conn.prepare("SELECT subject, app FROM grants ORDER BY subject, app")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Whether `user` may use `app`: administrators may use everything; others need a grant
    /// to themselves or one of their groups, for that app or for `*`.
    pub fn may_use(&self, user: &User, app: &str) -> Result<bool, ServerError> {
        if user.is_admin {
            return Ok(true);
        }
        let n: i64 = self.lock().query_row(
            "SELECT COUNT(*) FROM grants WHERE (app = ?2 OR app = '*') AND (subject = 'user:' || ?1
               OR subject IN (SELECT 'group:' || group_name FROM group_members WHERE user_id = ?3))",
            params![user.name, app, user.id],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }

    /// Appends to the audit log.
    pub fn audit(
        &self,
        actor: &str,
        action: &str,
        target: &str,
        ip: &str,
        detail: &str,
    ) -> Result<(), ServerError> {
        self.lock().execute(
            "INSERT INTO audit (at, actor, action, target, ip, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![now(), actor, action, target, ip, detail],
        )?;
        tracing::info!(actor, action, target, ip, detail, "audit");
        Ok(())
    }

    /// The most recent audit entries, newest first.
    pub fn recent_audit(&self, limit: i64) -> Result<Vec<AuditEntry>, ServerError> {
        let conn = self.lock();
        let mut stmt = conn.prepare(
            "SELECT at, COALESCE(actor,''), action, COALESCE(target,''), COALESCE(ip,''), COALESCE(detail,'')
             FROM audit ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |r| {
            Ok(AuditEntry {
                at: r.get(0)?,
                actor: r.get(1)?,
                action: r.get(2)?,
                target: r.get(3)?,
                ip: r.get(4)?,
                detail: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_db() -> (std::path::PathBuf, Db) {
        let dir = std::env::temp_dir().join(format!("heirloom-db-{}", random_token()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = Db::open(&dir.join("accounts.db")).unwrap();
        (dir, db)
    }

    #[test]
    fn migrations_are_idempotent() {
        let (dir, db) = temp_db();
        assert_eq!(db.schema_version().unwrap(), MIGRATIONS.len() as i64);
        drop(db);
        let again = Db::open(&dir.join("accounts.db")).unwrap();
        assert_eq!(again.schema_version().unwrap(), MIGRATIONS.len() as i64);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn lockout_backs_off_and_steps_are_single_use() {
        let (dir, db) = temp_db();
        let id = db.create_user("ann", false).unwrap();
        assert!(db.create_user("ann", false).is_err());
        for _ in 0..4 {
            assert_eq!(db.record_failure(id, 5, 30).unwrap(), 0);
        }
        let first = db.record_failure(id, 5, 30).unwrap();
        let second = db.record_failure(id, 5, 30).unwrap();
        assert!(first > now() && second - first >= 29, "{first} {second}");
        db.reset_failures(id).unwrap();
        assert_eq!(db.user_by_id(id).unwrap().unwrap().locked_until, 0);
        assert!(db.consume_totp_step(id, 10).unwrap());
        assert!(!db.consume_totp_step(id, 10).unwrap());
        assert!(!db.consume_totp_step(id, 9).unwrap());
        assert!(db.consume_totp_step(id, 11).unwrap());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn grants_via_user_and_group() {
        let (dir, db) = temp_db();
        let id = db.create_user("bob", false).unwrap();
        let bob = db.user_by_id(id).unwrap().unwrap();
        assert!(!db.may_use(&bob, "game.prg").unwrap());
        db.grant("user:bob", "game.prg").unwrap();
        assert!(db.may_use(&bob, "game.prg").unwrap());
        assert!(!db.may_use(&bob, "other.d64").unwrap());
        db.add_member("players", id).unwrap();
        db.grant("group:players", "*").unwrap();
        assert!(db.may_use(&bob, "other.d64").unwrap());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
