//! Numbers in BASIC V2's 5-byte Microsoft float format, and their text forms.
//!
//! A packed number is an exponent byte (bias 129 for a mantissa read as 1.m, 0 meaning
//! zero) and a 32-bit mantissa, most significant byte first, whose always-set top bit is
//! replaced by the sign. Arithmetic is done in `f64` and every result is rounded to that
//! 32-bit mantissa (half away from zero, as V2 rounds by its extra mantissa byte), so
//! results agree with a C64's except, rarely, in the last bit where V2's own 40-bit
//! intermediate arithmetic rounds differently; such a bit can show as a last printed
//! digit one off for long results of chained operations.

/// A number too large for the format (`?OVERFLOW  ERROR`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Overflow;

/// Splits a finite non-zero `x` into a mantissa in [0.5, 1) and a power of two.
fn split(x: f64) -> (f64, i32) {
    let bits = x.abs().to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32 - 1022;
    let mantissa = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (mantissa, exponent)
}

/// `x` rounded to the nearest number the 5-byte format holds; numbers too small for it
/// become zero.
pub(super) fn round(x: f64) -> Result<f64, Overflow> {
    if x == 0.0 {
        return Ok(0.0);
    }
    if !x.is_finite() {
        return Err(Overflow);
    }
    let (mantissa, mut exponent) = split(x);
    let mut bits = (mantissa * 4_294_967_296.0 + 0.5).floor();
    if bits >= 4_294_967_296.0 {
        bits /= 2.0;
        exponent += 1;
    }
    if exponent + 128 > 255 {
        return Err(Overflow);
    }
    if exponent + 128 < 1 {
        return Ok(0.0);
    }
    let magnitude = bits * 2f64.powi(exponent - 32);
    Ok(if x < 0.0 { -magnitude } else { magnitude })
}

/// Packs a number (already rounded by [`round`]) into its 5 bytes.
pub(super) fn pack(x: f64) -> [u8; 5] {
    if x == 0.0 {
        return [0; 5];
    }
    let (mantissa, exponent) = split(x);
    let bits = (mantissa * 4_294_967_296.0) as u32;
    let [m1, m2, m3, m4] = bits.to_be_bytes();
    let sign = if x < 0.0 { 0x80 } else { 0 };
    [(exponent + 128) as u8, (m1 & 0x7f) | sign, m2, m3, m4]
}

/// The number 5 packed bytes hold.
pub(super) fn unpack(bytes: [u8; 5]) -> f64 {
    if bytes[0] == 0 {
        return 0.0;
    }
    let bits = u32::from_be_bytes([bytes[1] | 0x80, bytes[2], bytes[3], bytes[4]]);
    let magnitude = f64::from(bits) * 2f64.powi(i32::from(bytes[0]) - 128 - 32);
    if bytes[1] & 0x80 != 0 {
        -magnitude
    } else {
        magnitude
    }
}

/// The text PRINT and STR$ give for a number: a space or `-`, then up to 9 significant
/// digits without a leading zero, in fixed form from 0.01 up to 999999999 and as
/// `1.2345E-03` beyond that range.
///
/// The digits come as V2's FOUT makes them: the number (times 10⁹ when below 1) is
/// brought between 99999999.90625 and 999999999.25 by tens, then rounded half up to
/// a whole number, so a tie such as 123456788.5 prints as 123456789.
pub(super) fn format(x: f64) -> String {
    if x == 0.0 {
        return " 0".to_owned();
    }
    let mut text = String::from(if x < 0.0 { "-" } else { " " });
    let mut value = x.abs();
    // |x| = value × 10^exponent throughout.
    let mut exponent: i32 = 0;
    if value < 1.0 {
        value *= 1e9;
        exponent = -9;
    }
    // Numbers of the 5-byte format need at most 48 steps.
    for _ in 0..100 {
        if value > 999_999_999.25 {
            value /= 10.0;
            exponent += 1;
        } else if value < 99_999_999.906_25 {
            value *= 10.0;
            exponent -= 1;
        } else {
            break;
        }
    }
    let whole = (value + 0.5).floor() as u32;
    let digits = whole.to_string();
    let digits = digits.trim_end_matches('0');
    // How many digits stand before the decimal point.
    let point = exponent + 9;
    if (-1..=9).contains(&point) {
        if point <= 0 {
            text.push('.');
            text.extend(std::iter::repeat_n('0', (-point) as usize));
            text.push_str(digits);
        } else {
            let point = point as usize;
            if digits.len() <= point {
                text.push_str(digits);
                text.extend(std::iter::repeat_n('0', point - digits.len()));
            } else {
                text.push_str(&digits[..point]);
                text.push('.');
                text.push_str(&digits[point..]);
            }
        }
    } else {
        text.push_str(&digits[..1]);
        if digits.len() > 1 {
            text.push('.');
            text.push_str(&digits[1..]);
        }
        let power = point - 1;
        let sign = if power < 0 { '-' } else { '+' };
        text.push_str(&format!("E{sign}{:02}", power.abs()));
    }
    text
}

/// Reads a number the way V2's FIN does: digits with an optional point, then an optional
/// `E` exponent with a sign (the sign may be the tokens for `+` and `-`); spaces are
/// skipped. Returns the number and how many bytes it took (0 when `text` does not start
/// with a number).
pub(super) fn parse(text: &[u8]) -> Result<(f64, usize), Overflow> {
    let mut literal = String::new();
    let mut at = 0;
    let mut seen_point = false;
    let mut seen_digit = false;
    let skip = |at: &mut usize| {
        while text.get(*at) == Some(&b' ') {
            *at += 1;
        }
    };
    let mut end = 0;
    loop {
        skip(&mut at);
        match text.get(at) {
            Some(&digit @ b'0'..=b'9') => {
                literal.push(char::from(digit));
                seen_digit = true;
            }
            Some(b'.') if !seen_point => {
                literal.push('.');
                seen_point = true;
            }
            _ => break,
        }
        at += 1;
        end = at;
    }
    if !seen_digit && !seen_point {
        return Ok((0.0, 0));
    }
    let mut value: f64 = format!("0{literal}").parse().unwrap_or(0.0);
    skip(&mut at);
    if text.get(at) == Some(&b'E') {
        at += 1;
        skip(&mut at);
        let mut negative = false;
        match text.get(at) {
            Some(b'-' | 0xab) => {
                negative = true;
                at += 1;
            }
            Some(b'+' | 0xaa) => at += 1,
            _ => {}
        }
        let mut power: i32 = 0;
        loop {
            skip(&mut at);
            match text.get(at) {
                Some(&digit @ b'0'..=b'9') => {
                    power = (power * 10 + i32::from(digit - b'0')).min(1000);
                    at += 1;
                }
                _ => break,
            }
        }
        end = at;
        if value != 0.0 {
            let power = if negative { -power } else { power };
            value = format!("{literal}e{power}")
                .parse()
                .unwrap_or(f64::INFINITY);
        }
    }
    Ok((round(value)?, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printed(x: f64) -> String {
        format(round(x).unwrap())
    }

    #[test]
    fn packs_as_v2_stores_numbers() {
        assert_eq!(pack(1.0), [0x81, 0, 0, 0, 0]);
        assert_eq!(pack(-1.0), [0x81, 0x80, 0, 0, 0]);
        assert_eq!(pack(10.0), [0x84, 0x20, 0, 0, 0]);
        assert_eq!(pack(0.5), [0x80, 0, 0, 0, 0]);
        // Pi as V2's PI constant holds it.
        let pi = round(std::f64::consts::PI).unwrap();
        assert_eq!(pack(pi), [0x82, 0x49, 0x0f, 0xda, 0xa2]);
        assert_eq!(unpack([0x82, 0x49, 0x0f, 0xda, 0xa2]), pi);
        assert_eq!(unpack(pack(-1234.5)), -1234.5);
        assert_eq!(unpack([0, 0x12, 0, 0, 0]), 0.0);
    }

    #[test]
    fn rounds_to_a_32_bit_mantissa_and_overflows_as_v2() {
        let third = round(1.0 / 3.0).unwrap();
        assert_eq!(pack(third), [0x7f, 0x2a, 0xaa, 0xaa, 0xab]);
        assert!(round(1.7e38).is_ok());
        assert_eq!(round(1.8e38), Err(Overflow));
        assert_eq!(round(1e-40), Ok(0.0));
    }

    #[test]
    fn prints_the_digits_a_c64_prints() {
        assert_eq!(printed(1.0 / 3.0), " .333333333");
        assert_eq!(printed(2.0 / 3.0), " .666666667");
        assert_eq!(printed(1e9), " 1E+09");
        assert_eq!(printed(123_456_789.0), " 123456789");
        assert_eq!(printed(0.01), " .01");
        assert_eq!(printed(0.001), " 1E-03");
        assert_eq!(printed(-5.0), "-5");
        assert_eq!(printed(2.5), " 2.5");
        assert_eq!(printed(0.0), " 0");
        assert_eq!(printed(0.0012345), " 1.2345E-03");
        assert_eq!(printed(1e10), " 1E+10");
        assert_eq!(printed(-0.5), "-.5");
        assert_eq!(printed(100.0), " 100");
        assert_eq!(printed(std::f64::consts::PI), " 3.14159265");
        assert_eq!(printed(1.7e38), " 1.7E+38");
        // Ties round up, as FOUT's added half does.
        assert_eq!(printed(123_456_788.5), " 123456789");
        assert_eq!(printed(1_234_567_885.0), " 1.23456789E+09");
        assert_eq!(printed(-0.015), "-.015");
        assert_eq!(printed(99_999_999.0), " 99999999");
    }

    #[test]
    fn parses_numbers_as_fin_does() {
        assert_eq!(parse(b"123:"), Ok((123.0, 3)));
        assert_eq!(parse(b"1 2.5X"), Ok((12.5, 5)));
        assert_eq!(parse(b".5"), Ok((0.5, 2)));
        assert_eq!(parse(b"1E3"), Ok((1000.0, 3)));
        assert_eq!(
            parse(&[b'1', b'E', 0xab, b'2']),
            Ok((round(0.01).unwrap(), 4))
        );
        assert_eq!(parse(b"X"), Ok((0.0, 0)));
        assert_eq!(parse(b"1E39"), Err(Overflow));
    }
}
