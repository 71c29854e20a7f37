//! Valid EAN-13 codes for generated catalogs.

/// EAN-13 with a correct check digit for a running number.
pub fn ean13(n: u64) -> String {
    let body = format!("20{:010}", n);
    let sum: u32 = body
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}
