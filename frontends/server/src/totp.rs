//! Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP, HMAC-SHA-1, 6 digits,
//! 30-second steps) and the base32 encoding (RFC 4648) used to share their secrets.

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Length of a time step in seconds.
pub const STEP_SECONDS: u64 = 30;
/// Number of decimal digits in a code.
pub const DIGITS: u32 = 6;
/// Number of steps either side of the current one that are still accepted.
pub const WINDOW: u64 = 1;

const BASE32_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Encodes bytes as unpadded RFC 4648 base32 (upper case), as authenticator apps expect.
pub fn base32_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(5) * 8);
    let mut buffer: u32 = 0;
    let mut bits = 0u32;
    for &byte in data {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(
                BASE32_ALPHABET[((buffer >> bits) & 31) as usize],
            ));
        }
    }
    if bits > 0 {
        out.push(char::from(
            BASE32_ALPHABET[((buffer << (5 - bits)) & 31) as usize],
        ));
    }
    out
}

/// Decodes RFC 4648 base32, ignoring case, spaces and trailing padding.
/// Returns `None` for any character outside the alphabet.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let mut buffer: u32 = 0;
    let mut bits = 0u32;
    for c in text.trim_end_matches('=').chars() {
        if c == ' ' {
            continue;
        }
        let upper = c.to_ascii_uppercase();
        let value = BASE32_ALPHABET
            .iter()
            .position(|&a| char::from(a) == upper)? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// The RFC 4226 HOTP value of `secret` at `counter`, truncated to [`DIGITS`] digits.
pub fn hotp(secret: &[u8], counter: u64) -> u32 {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC accepts any key length");
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let binary = (u32::from(digest[offset] & 0x7f) << 24)
        | (u32::from(digest[offset + 1]) << 16)
        | (u32::from(digest[offset + 2]) << 8)
        | u32::from(digest[offset + 3]);
    binary % 10u32.pow(DIGITS)
}

/// The time step that contains `unix_seconds`.
pub fn step_at(unix_seconds: u64) -> u64 {
    unix_seconds / STEP_SECONDS
}

/// The six-digit code (zero padded) for `secret` at `unix_seconds`.
pub fn code_at(secret: &[u8], unix_seconds: u64) -> String {
    format!(
        "{:0width$}",
        hotp(secret, step_at(unix_seconds)),
        width = DIGITS as usize
    )
}

/// Checks `code` against the steps around `unix_seconds`, accepting only steps later than
/// `last_used_step` so that each code works once. Returns the matched step.
pub fn verify(secret: &[u8], code: &str, unix_seconds: u64, last_used_step: u64) -> Option<u64> {
    let code = code.trim();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_at(unix_seconds);
    let mut matched = None;
    for step in now.saturating_sub(WINDOW)..=now + WINDOW {
        let expected = format!("{:0width$}", hotp(secret, step), width = DIGITS as usize);
        // Compare every candidate in full so the time taken does not reveal which matched.
        if crate::crypto::constant_time_eq(expected.as_bytes(), code.as_bytes())
            && step > last_used_step
            && matched.is_none()
        {
            matched = Some(step);
        }
    }
    matched
}

/// The `otpauth://` URI that authenticator apps read from the enrolment QR code.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let enc = |s: &str| crate::crypto::percent_encode(s);
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={}&period={}",
        enc(issuer),
        enc(account),
        base32_encode(secret),
        enc(issuer),
        DIGITS,
        STEP_SECONDS
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (8-digit values; the 6-digit code is the low part).
    #[test]
    fn rfc6238_vectors() {
        let secret = b"12345678901234567890";
        let rows: [(u64, u32); 6] = [
            (59, 94287082),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ];
        for (time, eight) in rows {
            assert_eq!(hotp(secret, step_at(time)), eight % 1_000_000, "t={time}");
        }
        assert_eq!(code_at(secret, 1111111109), "081804");
    }

    /// RFC 4226 appendix D values for counters 0..=9.
    #[test]
    fn rfc4226_vectors() {
        let expected = [
            755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489,
        ];
        for (counter, value) in expected.iter().enumerate() {
            assert_eq!(hotp(b"12345678901234567890", counter as u64), *value);
        }
    }

    #[test]
    fn base32_round_trip_and_rfc4648_vectors() {
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_encode(b"f"), "MY");
        assert_eq!(base32_decode("MZXW6YTBOI======").unwrap(), b"foobar");
        assert_eq!(base32_decode("mzxw 6ytb oi").unwrap(), b"foobar");
        assert!(base32_decode("MZ1").is_none());
        let data: Vec<u8> = (0..=255).collect();
        assert_eq!(base32_decode(&base32_encode(&data)).unwrap(), data);
    }

    #[test]
    fn window_and_single_use() {
        let secret = b"12345678901234567890";
        let t = 1_700_000_000;
        let now = step_at(t);
        assert_eq!(verify(secret, &code_at(secret, t), t, 0), Some(now));
        assert_eq!(
            verify(secret, &code_at(secret, t - 30), t, 0),
            Some(now - 1)
        );
        assert_eq!(
            verify(secret, &code_at(secret, t + 30), t, 0),
            Some(now + 1)
        );
        assert_eq!(verify(secret, &code_at(secret, t - 60), t, 0), None);
        assert_eq!(verify(secret, &code_at(secret, t + 60), t, 0), None);
        // A step already used (or an earlier one) is refused.
        assert_eq!(verify(secret, &code_at(secret, t), t, now), None);
        assert_eq!(verify(secret, &code_at(secret, t - 30), t, now), None);
        assert_eq!(verify(secret, "12345", t, 0), None);
        assert_eq!(verify(secret, "abcdef", t, 0), None);
    }
}
