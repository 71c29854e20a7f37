//! Packed BCD as ZVT uses it: two decimal digits per byte, most significant first (amount 6
//! bytes, trace 3, receipt 2, date and time), and the `Fx Fy` / `Fx Fy Fz` length prefixes of
//! LLVAR and LLLVAR fields, whose digits sit in the low nibbles under an F.

use super::apdu::DecodeError;

/// Amount (BMP 04): 6 bytes = 12 digits of minor units.
pub const AMOUNT_LEN: usize = 6;
pub const TRACE_LEN: usize = 3;
pub const RECEIPT_LEN: usize = 2;
pub const PASSWORD_LEN: usize = 3;
pub const CURRENCY_LEN: usize = 2;
pub const TERMINAL_ID_LEN: usize = 4;

/// The digits of `bytes`, e.g. `12 34` -> "1234"; any nibble above 9 is an error.
pub fn digits(bytes: &[u8], what: &'static str, offset: usize) -> Result<String, DecodeError> {
    let mut out = String::with_capacity(bytes.len() * 2);
    for (i, &b) in bytes.iter().enumerate() {
        for nibble in [b >> 4, b & 0x0F] {
            let digit = char::from_digit(u32::from(nibble), 10).ok_or(DecodeError::BadBcd {
                what,
                offset: offset + i,
            })?;
            out.push(digit);
        }
    }
    Ok(out)
}

/// The number in `bytes` (at most 19 digits, so it fits a u64).
pub fn number(bytes: &[u8], what: &'static str, offset: usize) -> Result<u64, DecodeError> {
    if bytes.len() > 9 {
        return Err(DecodeError::Invalid {
            what,
            offset,
            reason: "BCD number longer than 18 digits",
        });
    }
    let mut value: u64 = 0;
    for (i, &b) in bytes.iter().enumerate() {
        for nibble in [b >> 4, b & 0x0F] {
            if nibble > 9 {
                return Err(DecodeError::BadBcd {
                    what,
                    offset: offset + i,
                });
            }
            value = value * 10 + u64::from(nibble);
        }
    }
    Ok(value)
}

/// Like `number`, for fields of at most 4 bytes (8 digits), which always fit a u32.
pub fn number_u32(bytes: &[u8], what: &'static str, offset: usize) -> Result<u32, DecodeError> {
    let n = number(bytes, what, offset)?;
    u32::try_from(n).map_err(|_| DecodeError::Invalid {
        what,
        offset,
        reason: "number does not fit 32 bits",
    })
}

/// Largest value `len` BCD bytes hold (10^(2*len) - 1).
pub fn max_value(len: usize) -> u64 {
    let digits = u32::try_from(len.saturating_mul(2)).unwrap_or(u32::MAX).min(19);
    10u64.saturating_pow(digits).saturating_sub(1)
}

/// `value` as `len` BCD bytes, or `None` when it has more digits than fit.
pub fn encode(value: u64, len: usize) -> Option<Vec<u8>> {
    if len < 10 && value > max_value(len) {
        return None;
    }
    let mut out = vec![0u8; len];
    let mut rest = value;
    for slot in out.iter_mut().rev() {
        let lo = (rest % 10) as u8;
        rest /= 10;
        let hi = (rest % 10) as u8;
        rest /= 10;
        *slot = (hi << 4) | lo;
    }
    Some(out)
}

/// `value` as `len` BCD bytes, capped at the largest value that fits. The message encoders use
/// this because they cannot fail; values from Tillguard never come near the caps (amounts are
/// limited far below 12 digits by `money::MAX_INPUT_AMOUNT`).
pub fn encode_capped(value: u64, len: usize) -> Vec<u8> {
    encode(value.min(max_value(len)), len).unwrap_or_else(|| vec![0x99; len])
}

/// Digits given as text (e.g. "0405"), two per byte; `None` if a character is not a digit or
/// the count is odd.
pub fn encode_digits(text: &str) -> Option<Vec<u8>> {
    let nibbles: Vec<u8> = text
        .chars()
        .map(|c| c.to_digit(10).map(|d| d as u8))
        .collect::<Option<_>>()?;
    if !nibbles.len().is_multiple_of(2) {
        return None;
    }
    Some(
        nibbles
            .chunks(2)
            .map(|p| (p.first().copied().unwrap_or(0) << 4) | p.get(1).copied().unwrap_or(0))
            .collect(),
    )
}

/// BMP 0C: `HH MM SS` -> "HH:MM:SS".
pub fn decode_time(bytes: &[u8], offset: usize) -> Result<String, DecodeError> {
    let d = digits(bytes, "time (BMP 0C)", offset)?;
    Ok(format!("{}:{}:{}", part(&d, 0..2), part(&d, 2..4), part(&d, 4..6)))
}

/// BMP 0D: `MM DD` -> "MM-DD".
pub fn decode_date(bytes: &[u8], offset: usize) -> Result<String, DecodeError> {
    let d = digits(bytes, "date (BMP 0D)", offset)?;
    Ok(format!("{}-{}", part(&d, 0..2), part(&d, 2..4)))
}

/// BMP AA: `YY MM DD` -> "20YY-MM-DD".
pub fn decode_date_full(bytes: &[u8], offset: usize) -> Result<String, DecodeError> {
    let d = digits(bytes, "date (BMP AA)", offset)?;
    Ok(format!("20{}-{}-{}", part(&d, 0..2), part(&d, 2..4), part(&d, 4..6)))
}

fn part(s: &str, range: std::ops::Range<usize>) -> &str {
    s.get(range).unwrap_or("")
}

/// "HH:MM:SS" -> 3 bytes; `None` unless it is exactly that shape.
pub fn encode_time(text: &str) -> Option<Vec<u8>> {
    shaped(text, "dd:dd:dd")
}

/// "MM-DD" -> 2 bytes.
pub fn encode_date(text: &str) -> Option<Vec<u8>> {
    shaped(text, "dd-dd")
}

/// "YYYY-MM-DD" -> `YY MM DD` (the century is dropped, as ZVT carries two year digits).
pub fn encode_date_full(text: &str) -> Option<Vec<u8>> {
    shaped(text, "dddd-dd-dd").and_then(|b| b.get(1..).map(<[u8]>::to_vec))
}

/// The digits of `text` if it matches `pattern` ('d' = digit, anything else literal).
fn shaped(text: &str, pattern: &str) -> Option<Vec<u8>> {
    if text.len() != pattern.len() {
        return None;
    }
    let mut digits = String::new();
    for (c, p) in text.chars().zip(pattern.chars()) {
        match p {
            'd' if c.is_ascii_digit() => digits.push(c),
            'd' => return None,
            _ if c == p => {}
            _ => return None,
        }
    }
    encode_digits(&digits)
}

/// Reads an LLVAR (`Fx Fy`, 2 digits) or LLLVAR (`Fx Fy Fz`, 3 digits) length prefix of
/// `prefix_len` bytes at `offset`; every high nibble must be F and every low nibble a digit.
pub fn var_length(prefix: &[u8], what: &'static str, offset: usize) -> Result<usize, DecodeError> {
    let mut len = 0usize;
    for &b in prefix {
        if b >> 4 != 0x0F || b & 0x0F > 9 {
            return Err(DecodeError::BadLength { what, offset });
        }
        len = len * 10 + usize::from(b & 0x0F);
    }
    Ok(len)
}

/// The `Fx Fy` (digits = 2) or `Fx Fy Fz` (digits = 3) prefix for `len`; `None` if it has
/// more digits than that.
pub fn var_prefix(len: usize, digits: u32) -> Option<Vec<u8>> {
    if len >= 10usize.pow(digits) {
        return None;
    }
    let mut out = Vec::new();
    for i in (0..digits).rev() {
        out.push(0xF0 | ((len / 10usize.pow(i)) % 10) as u8);
    }
    Some(out)
}

/// PAN digits (BMP 22): nibbles 0-9 are digits, E is a masked digit ('*'), F pads an odd
/// count at the end, A-D (not used by terminals) are kept as hex letters.
pub fn decode_pan(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        for nibble in [b >> 4, b & 0x0F] {
            match nibble {
                0x0F => {}
                0x0E => out.push('*'),
                n => out.push(char::from_digit(u32::from(n), 16).unwrap_or('?').to_ascii_uppercase()),
            }
        }
    }
    out
}

/// The inverse of `decode_pan`: '*' becomes E, an odd count gets a trailing F. Characters that
/// are neither digits nor A-D are sent masked (E), never dropped, so the length stays right.
pub fn encode_pan(pan: &str) -> Vec<u8> {
    let mut nibbles: Vec<u8> = pan
        .chars()
        .map(|c| match c.to_digit(16) {
            Some(d) if d <= 0x0D => d as u8,
            _ => 0x0E,
        })
        .collect();
    if !nibbles.len().is_multiple_of(2) {
        nibbles.push(0x0F);
    }
    nibbles
        .chunks(2)
        .map(|p| (p.first().copied().unwrap_or(0) << 4) | p.get(1).copied().unwrap_or(0))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amount_trace_receipt() {
        assert_eq!(encode(958, AMOUNT_LEN), Some(vec![0, 0, 0, 0, 0x09, 0x58]));
        assert_eq!(number(&[0, 0, 0, 0, 0x09, 0x58], "amount", 0), Ok(958));
        assert_eq!(encode(975, TRACE_LEN), Some(vec![0x00, 0x09, 0x75]));
        assert_eq!(encode(231, RECEIPT_LEN), Some(vec![0x02, 0x31]));
        assert_eq!(encode(10_000, RECEIPT_LEN), None);
        assert_eq!(encode(999_999_999_999, AMOUNT_LEN), Some(vec![0x99; 6]));
        assert_eq!(encode_capped(u64::MAX, AMOUNT_LEN), vec![0x99; 6]);
        assert_eq!(number_u32(&[0x52, 0x52, 0x35, 0x35], "tid", 0), Ok(52_523_535));
    }

    #[test]
    fn bad_nibble_names_field_and_offset() {
        assert_eq!(
            number(&[0x12, 0x3A], "trace", 7),
            Err(DecodeError::BadBcd {
                what: "trace",
                offset: 8
            })
        );
        assert_eq!(
            digits(&[0xF1], "date", 2),
            Err(DecodeError::BadBcd {
                what: "date",
                offset: 2
            })
        );
        assert!(number(&[0; 10], "x", 0).is_err());
    }

    #[test]
    fn date_and_time() {
        assert_eq!(decode_time(&[0x22, 0x55, 0x58], 0).as_deref(), Ok("22:55:58"));
        assert_eq!(decode_date(&[0x04, 0x05], 0).as_deref(), Ok("04-05"));
        assert_eq!(decode_date_full(&[0x23, 0x04, 0x05], 0).as_deref(), Ok("2023-04-05"));
        assert_eq!(encode_time("22:55:58"), Some(vec![0x22, 0x55, 0x58]));
        assert_eq!(encode_date("04-05"), Some(vec![0x04, 0x05]));
        assert_eq!(encode_date_full("2023-04-05"), Some(vec![0x23, 0x04, 0x05]));
        assert_eq!(encode_time("22:55"), None);
        assert_eq!(encode_time("2a:55:58"), None);
        assert_eq!(encode_digits("2405"), Some(vec![0x24, 0x05]));
        assert_eq!(encode_digits("240"), None);
    }

    #[test]
    fn llvar_and_lllvar_prefixes() {
        assert_eq!(var_length(&[0xF0, 0xF8], "PAN", 0), Ok(8));
        assert_eq!(var_length(&[0xF0, 0xF5, 0xF3], "totals", 0), Ok(53));
        assert_eq!(
            var_length(&[0xF0, 0x08], "PAN", 4),
            Err(DecodeError::BadLength { what: "PAN", offset: 4 })
        );
        assert_eq!(
            var_length(&[0xFA, 0xF0], "PAN", 4),
            Err(DecodeError::BadLength { what: "PAN", offset: 4 })
        );
        assert_eq!(var_prefix(8, 2), Some(vec![0xF0, 0xF8]));
        assert_eq!(var_prefix(53, 3), Some(vec![0xF0, 0xF5, 0xF3]));
        assert_eq!(var_prefix(100, 2), None);
    }

    #[test]
    fn masked_pan() {
        let bytes = [0x55, 0x98, 0x83, 0xEE, 0xEE, 0xEE, 0x80, 0x74];
        assert_eq!(decode_pan(&bytes), "559883******8074");
        assert_eq!(encode_pan("559883******8074"), bytes);
        assert_eq!(decode_pan(&[0x12, 0x3F]), "123");
        assert_eq!(encode_pan("123"), vec![0x12, 0x3F]);
    }
}
