//! Small cryptographic helpers: random tokens, hashing of secrets, the password policy and
//! argon2id password hashes.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest, Sha256};

/// argon2id memory cost in KiB (19 MiB, the OWASP minimum for argon2id with t = 2).
pub const ARGON2_MEMORY_KIB: u32 = 19 * 1024;
/// argon2id iteration count.
pub const ARGON2_ITERATIONS: u32 = 2;
/// Shortest accepted password, in characters.
pub const PASSWORD_MIN_CHARS: usize = 8;
/// Longest accepted password, in characters.
pub const PASSWORD_MAX_CHARS: usize = 128;

/// Commonly used passwords (and simple patterns of them) that are refused outright.
const COMMON_PASSWORDS: &str = include_str!("common-passwords.txt");

/// Fills a buffer with bytes from the operating system's secure random source.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).expect("the operating system's random source is available");
    buf
}

/// A fresh 128-bit random token, hex encoded (32 characters).
pub fn random_token() -> String {
    hex(&random_bytes::<16>())
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hex SHA-256 of `data`; used to store tokens whose plain value must not be kept.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// Compares two byte strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Percent-encodes everything except RFC 3986 unreserved characters.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Why a password was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    /// Fewer than [`PASSWORD_MIN_CHARS`] characters.
    #[error("the password must have at least {PASSWORD_MIN_CHARS} characters")]
    TooShort,
    /// More than [`PASSWORD_MAX_CHARS`] characters.
    #[error("the password may have at most {PASSWORD_MAX_CHARS} characters")]
    TooLong,
    /// Found in the list of common passwords, or equal to the user name.
    #[error("this password is too common or too easy to guess")]
    Common,
}

/// Applies the password policy: length limits and the common-password list.
pub fn check_password(user: &str, password: &str) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if chars > PASSWORD_MAX_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    let lower = password.to_lowercase();
    if lower == user.to_lowercase()
        || COMMON_PASSWORDS
            .lines()
            .map(str::trim)
            .any(|common| !common.is_empty() && common == lower)
    {
        return Err(PasswordProblem::Common);
    }
    Ok(())
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(ARGON2_MEMORY_KIB, ARGON2_ITERATIONS, 1, None)
        .expect("argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password with argon2id and a random salt (PHC string format).
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::encode_b64(&random_bytes::<16>()).expect("16-byte salt encodes");
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing of a bounded password succeeds")
        .to_string()
}

/// Verifies a password against a stored PHC hash; a malformed hash never verifies.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash of a password that never matches, used to spend the same time on unknown users.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&random_token()))
}

/// A fresh one-time recovery code: 80 random bits as four groups of base32.
pub fn recovery_code() -> String {
    let raw = crate::totp::base32_encode(&random_bytes::<10>());
    format!(
        "{}-{}-{}-{}",
        &raw[0..4],
        &raw[4..8],
        &raw[8..12],
        &raw[12..16]
    )
}

/// The stored form of a recovery code: SHA-256 of its normalised text (upper case, no
/// separators). Codes carry 80 random bits, so a fast hash is enough.
pub fn recovery_code_hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    sha256_hex(normal.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_policy() {
        assert_eq!(
            check_password("ann", "short"),
            Err(PasswordProblem::TooShort)
        );
        assert_eq!(
            check_password("ann", "password"),
            Err(PasswordProblem::Common)
        );
        assert_eq!(
            check_password("ann", "Password1"),
            Err(PasswordProblem::Common)
        );
        assert_eq!(
            check_password("annabelle", "AnnaBelle"),
            Err(PasswordProblem::Common)
        );
        assert_eq!(
            check_password("ann", &"x".repeat(129)),
            Err(PasswordProblem::TooLong)
        );
        assert!(check_password("ann", &"é".repeat(64)).is_ok());
        assert!(check_password("ann", "correct horse battery").is_ok());
    }

    #[test]
    fn argon2_round_trip_with_required_cost() {
        let hash = hash_password("correct horse battery");
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterz", &hash));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn recovery_codes_normalise() {
        let code = recovery_code();
        assert_eq!(code.len(), 19);
        assert_eq!(
            recovery_code_hash(&code),
            recovery_code_hash(&code.to_lowercase().replace('-', " "))
        );
    }

    #[test]
    fn helpers() {
        assert_eq!(hex(&[0, 0xab]), "00ab");
        assert_eq!(random_token().len(), 32);
        assert_ne!(random_token(), random_token());
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert_eq!(percent_encode("a b:c"), "a%20b%3Ac");
    }
}
