//! Path checks for every route that maps a URL onto a file.
//!
//! The raw (still percent-encoded) remainder of the URL path is decoded once and must then
//! consist of plain names. Anything that could climb out of the served directory is
//! refused: `.` and `..` segments in any encoding (`..`, `%2e%2e`, `%252e%252e`), an
//! encoded percent sign at all (double encoding), absolute paths, empty segments,
//! backslashes, colons (drive letters), NUL and other control characters.

/// Why a path was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PathRejection {
    /// The path is empty or has an empty segment (`a//b`, leading `/`).
    #[error("empty path segment")]
    Empty,
    /// A percent escape is malformed or the decoded text is not UTF-8.
    #[error("malformed percent encoding")]
    BadEncoding,
    /// The path contains an encoded `%` (double encoding).
    #[error("double percent encoding")]
    DoubleEncoding,
    /// A segment is `.` or `..`, or starts with a dot.
    #[error("dot segment")]
    DotSegment,
    /// A backslash, colon, NUL or other control character.
    #[error("forbidden character")]
    ForbiddenCharacter,
    /// Too many segments, or a segment longer than 255 bytes.
    #[error("path too long")]
    TooLong,
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes `%XX` escapes once.
pub fn percent_decode(raw: &str) -> Result<String, PathRejection> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hi = bytes.get(i + 1).copied().and_then(hex_value);
            let lo = bytes.get(i + 2).copied().and_then(hex_value);
            match (hi, lo) {
                (Some(h), Some(l)) => out.push(h * 16 + l),
                _ => return Err(PathRejection::BadEncoding),
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| PathRejection::BadEncoding)
}

/// Checks one decoded name: no dot start, no separators or control characters.
pub fn check_name(name: &str) -> Result<(), PathRejection> {
    if name.is_empty() {
        return Err(PathRejection::Empty);
    }
    if name.len() > 255 {
        return Err(PathRejection::TooLong);
    }
    if name.starts_with('.') {
        return Err(PathRejection::DotSegment);
    }
    if name.chars().any(|c| {
        c.is_control()
            || matches!(
                c,
                '/' | '\\' | ':' | '%' | '*' | '?' | '"' | '<' | '>' | '|'
            )
    }) {
        return Err(PathRejection::ForbiddenCharacter);
    }
    Ok(())
}

/// Splits a raw URL path remainder (after the route prefix, without leading `/`) into at
/// most `max_segments` safe, decoded names.
pub fn safe_segments(raw: &str, max_segments: usize) -> Result<Vec<String>, PathRejection> {
    if raw.is_empty() {
        return Err(PathRejection::Empty);
    }
    let lower = raw.to_ascii_lowercase();
    if lower.contains("%25") {
        return Err(PathRejection::DoubleEncoding);
    }
    if raw.contains('\\') || lower.contains("%5c") || lower.contains("%00") {
        return Err(PathRejection::ForbiddenCharacter);
    }
    let decoded = percent_decode(raw)?;
    if decoded.starts_with('/') {
        return Err(PathRejection::Empty);
    }
    let segments: Vec<&str> = decoded.split('/').collect();
    if segments.len() > max_segments {
        return Err(PathRejection::TooLong);
    }
    for segment in &segments {
        if *segment == "." || *segment == ".." {
            return Err(PathRejection::DotSegment);
        }
        check_name(segment)?;
    }
    Ok(segments.into_iter().map(str::to_string).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_names() {
        assert_eq!(safe_segments("game.prg", 1).unwrap(), vec!["game.prg"]);
        assert_eq!(
            safe_segments("game.prg/slot%201.sav", 2).unwrap(),
            vec!["game.prg", "slot 1.sav"]
        );
        assert_eq!(
            safe_segments("assets/index-Ab12cd34.js", 4).unwrap().len(),
            2
        );
    }

    #[test]
    fn refuses_every_traversal_form() {
        let attacks = [
            "..",
            "../etc/passwd",
            "a/../../etc/passwd",
            "%2e%2e/etc/passwd",
            "%2E%2E%2Fetc%2Fpasswd",
            ".%2e/x",
            "%252e%252e/x",
            "%25252e%25252e/x",
            "/etc/passwd",
            "%2fetc%2fpasswd",
            "..%5c..%5cwindows",
            "..\\..\\windows",
            "C:%5cwindows",
            "C:/windows",
            "a%00.prg",
            "a//b",
            ".hidden",
            "./a",
            "a/.",
            "%",
            "%zz",
            "%c0%ae%c0%ae/x",
            "",
        ];
        for attack in attacks {
            assert!(safe_segments(attack, 4).is_err(), "{attack} was accepted");
        }
        assert_eq!(safe_segments("a/b/c", 2), Err(PathRejection::TooLong));
    }
}
