//! BMP fields (PA00P015 chapter 13): a one-byte field number followed by data whose length
//! the number fixes, or an LLVAR / LLLVAR prefix gives, or (BMP 06) a BER length. A decoder
//! must know every BMP's length to step over it, so the table below lists all of chapter 13;
//! a BMP outside it stops decoding with `DecodeError::UnknownBmp`.
//! Also: text fields in code page 437, and the end-of-day totals of BMP 60.

use super::apdu::{DecodeError, Reader};
use super::bcd;
use super::messages::{CardScheme, CardTotal, EodTotals, StatusInformation};
use super::tlv::{self, Tlv};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Fixed(usize),
    /// `Fx Fy` then up to 99 bytes.
    LlVar,
    /// `Fx Fy Fz` then up to 999 bytes.
    LllVar,
    /// BER length then a TLV container (BMP 06 only).
    Tlv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BmpInfo {
    pub bmp: u8,
    pub name: &'static str,
    pub format: Format,
}

const fn fixed(bmp: u8, name: &'static str, len: usize) -> BmpInfo {
    BmpInfo {
        bmp,
        name,
        format: Format::Fixed(len),
    }
}
const fn llvar(bmp: u8, name: &'static str) -> BmpInfo {
    BmpInfo {
        bmp,
        name,
        format: Format::LlVar,
    }
}
const fn lllvar(bmp: u8, name: &'static str) -> BmpInfo {
    BmpInfo {
        bmp,
        name,
        format: Format::LllVar,
    }
}

/// PA00P015 chapter 13, all BMPs with their lengths.
pub const TABLE: &[BmpInfo] = &[
    fixed(0x01, "timeout", 1),
    fixed(0x02, "max_status_infos", 1),
    fixed(0x03, "service_byte", 1),
    fixed(0x04, "amount", 6),
    fixed(0x05, "pump_no", 1),
    BmpInfo {
        bmp: 0x06,
        name: "tlv",
        format: Format::Tlv,
    },
    fixed(0x0B, "trace", 3),
    fixed(0x0C, "time", 3),
    fixed(0x0D, "date", 2),
    fixed(0x0E, "expiry", 2),
    fixed(0x17, "card_sequence", 2),
    fixed(0x19, "payment_type", 1),
    llvar(0x22, "pan"),
    llvar(0x23, "track_2"),
    lllvar(0x24, "track_3"),
    fixed(0x27, "result_code", 1),
    fixed(0x29, "terminal_id", 4),
    fixed(0x2A, "vu_number", 15),
    llvar(0x2D, "track_1"),
    lllvar(0x2E, "sync_chip_data"),
    fixed(0x37, "original_trace", 3),
    fixed(0x3A, "cvv", 2),
    fixed(0x3B, "aid", 8),
    lllvar(0x3C, "additional_text"),
    fixed(0x3D, "password", 3),
    fixed(0x49, "currency", 2),
    lllvar(0x60, "totals"),
    fixed(0x87, "receipt_no", 2),
    fixed(0x88, "turnover_no", 3),
    fixed(0x8A, "card_type", 1),
    llvar(0x8B, "card_name"),
    fixed(0x8C, "network_card_type", 1),
    lllvar(0x92, "offline_chip_data"),
    lllvar(0x9A, "geldkarte_record"),
    fixed(0xA0, "result_code_as", 1),
    llvar(0xA7, "chip_data"),
    fixed(0xAA, "date_full", 3),
    lllvar(0xAF, "ef_info"),
    fixed(0xBA, "aid_parameter", 5),
    fixed(0xD0, "algorithm_key", 1),
    llvar(0xD1, "card_offset"),
    fixed(0xD2, "direction", 1),
    fixed(0xD3, "key_position", 1),
    fixed(0xE0, "input_min_length", 1),
    llvar(0xE1, "text2_line1"),
    llvar(0xE2, "text2_line2"),
    llvar(0xE3, "text2_line3"),
    llvar(0xE4, "text2_line4"),
    llvar(0xE5, "text2_line5"),
    llvar(0xE6, "text2_line6"),
    llvar(0xE7, "text2_line7"),
    llvar(0xE8, "text2_line8"),
    fixed(0xE9, "input_max_length", 1),
    fixed(0xEA, "input_echo", 1),
    fixed(0xEB, "mac", 8),
    fixed(0xF0, "display_duration", 1),
    llvar(0xF1, "text1_line1"),
    llvar(0xF2, "text1_line2"),
    llvar(0xF3, "text1_line3"),
    llvar(0xF4, "text1_line4"),
    llvar(0xF5, "text1_line5"),
    llvar(0xF6, "text1_line6"),
    llvar(0xF7, "text1_line7"),
    llvar(0xF8, "text1_line8"),
    fixed(0xF9, "beeps", 1),
    fixed(0xFA, "status", 1),
    fixed(0xFB, "ok_required", 1),
    fixed(0xFC, "dialog_control", 1),
];

pub fn info(bmp: u8) -> Option<&'static BmpInfo> {
    TABLE.iter().find(|i| i.bmp == bmp)
}

/// One BMP as found in a message: its number, where it starts, and its data (without the
/// number and length prefix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field<'a> {
    pub bmp: u8,
    /// Absolute offset of the BMP number.
    pub offset: usize,
    /// Absolute offset of the first data byte.
    pub data_offset: usize,
    pub data: &'a [u8],
}

/// Reads the next BMP.
pub fn read_field<'a>(r: &mut Reader<'a>) -> Result<Field<'a>, DecodeError> {
    let offset = r.offset();
    let bmp = r.u8("BMP number")?;
    let info = info(bmp).ok_or(DecodeError::UnknownBmp { bmp, offset })?;
    let what = info.name;
    let data = match info.format {
        Format::Fixed(n) => r.take(n, what)?,
        Format::LlVar | Format::LllVar => {
            let digits = if info.format == Format::LlVar { 2 } else { 3 };
            let at = r.offset();
            let len = bcd::var_length(r.take(digits, what)?, what, at)?;
            r.take_declared(len, what, at)?
        }
        Format::Tlv => {
            let at = r.offset();
            let len = tlv::read_ber_length(r, "BMP 06 length")?;
            r.take_declared(len, "BMP 06 TLV container", at)?
        }
    };
    Ok(Field {
        bmp,
        offset,
        data_offset: r.offset() - data.len(),
        data,
    })
}

/// All BMPs in `bytes`, which start at absolute offset `base`.
pub fn fields(bytes: &[u8], base: usize) -> Result<Vec<Field<'_>>, DecodeError> {
    let mut r = Reader::new(bytes, base);
    let mut out = Vec::new();
    while !r.is_empty() {
        out.push(read_field(&mut r)?);
    }
    Ok(out)
}

/// Reads a BMP sequence into a Status-Information. BMPs it has no field for are stepped over;
/// a repeated BMP keeps its last value.
pub fn parse_status(bytes: &[u8], base: usize) -> Result<StatusInformation, DecodeError> {
    let mut info = StatusInformation::default();
    for field in fields(bytes, base)? {
        apply(&mut info, &field)?;
    }
    Ok(info)
}

/// Stores `field` in `info` if it is one of its fields; returns whether it was.
pub fn apply(info: &mut StatusInformation, f: &Field<'_>) -> Result<bool, DecodeError> {
    let (d, at) = (f.data, f.data_offset);
    match f.bmp {
        0x27 => info.result_code = d.first().copied(),
        0x04 => info.amount_minor = Some(bcd::number(d, "amount (BMP 04)", at)?),
        0x0B => info.trace = Some(bcd::number_u32(d, "trace (BMP 0B)", at)?),
        0x37 => info.original_trace = Some(bcd::number_u32(d, "original trace (BMP 37)", at)?),
        0x0C => info.time = Some(bcd::decode_time(d, at)?),
        0x0D => info.date = Some(bcd::decode_date(d, at)?),
        0x0E => info.expiry = Some(bcd::digits(d, "expiry (BMP 0E)", at)?),
        0x17 => info.card_sequence = Some(bcd::number_u32(d, "card sequence (BMP 17)", at)?),
        0x19 => info.payment_type = d.first().copied(),
        0x22 => info.pan = Some(bcd::decode_pan(d)),
        0x29 => info.terminal_id = Some(bcd::number_u32(d, "terminal id (BMP 29)", at)?),
        0x2A => info.vu_number = Some(decode_text(d).trim().to_string()),
        0x3B => info.aid = Some(decode_aid(d)),
        0x3C => info.additional_text = Some(decode_text(d)),
        0x49 => info.currency = Some(currency(d, at)?),
        0x60 => info.totals = Some(decode_totals(d, at)?),
        0x87 => info.receipt_no = Some(bcd::number_u32(d, "receipt number (BMP 87)", at)?),
        0x88 => info.turnover_no = Some(bcd::number_u32(d, "turnover number (BMP 88)", at)?),
        0x8A => info.card_type = d.first().copied(),
        0x8B => info.card_name = Some(decode_text(d)),
        0x8C => info.network_card_type = d.first().copied(),
        0xAA => info.date_full = Some(bcd::decode_date_full(d, at)?),
        0x06 => info.tlv = tlv::decode_tlv_at(d, at)?,
        _ => return Ok(false),
    }
    Ok(true)
}

/// A currency code (BMP 49, or the bare 2 bytes of a Registration).
pub fn currency(bytes: &[u8], at: usize) -> Result<u16, DecodeError> {
    let n = bcd::number(bytes, "currency", at)?;
    // Two BCD bytes hold at most 9999.
    Ok(u16::try_from(n).unwrap_or(u16::MAX))
}

/// The Status-Information as BMPs, in the order of PA00P015's 04 0F table. A date or time
/// string not in its documented shape is left out (the encoder cannot fail).
pub fn encode_status(info: &StatusInformation) -> Vec<u8> {
    let mut out = Vec::new();
    let mut put = |field: Option<Vec<u8>>| out.extend(field.unwrap_or_default());
    put(info.result_code.map(result_code));
    put(info.amount_minor.map(amount));
    put(info.trace.map(trace));
    put(info.original_trace.map(original_trace));
    put(info.time.as_deref().and_then(time));
    put(info.date.as_deref().and_then(date));
    put(info.expiry.as_deref().and_then(expiry));
    put(info.card_sequence.map(card_sequence));
    put(info.payment_type.map(payment_type));
    put(info.pan.as_deref().map(pan));
    put(info.terminal_id.map(terminal_id));
    put(info.vu_number.as_deref().map(vu_number));
    put(info.aid.as_deref().map(aid));
    put(info.additional_text.as_deref().map(additional_text));
    put(info.currency.map(currency_bmp));
    put(info.totals.as_ref().map(totals));
    put(info.receipt_no.map(receipt_no));
    put(info.turnover_no.map(turnover_no));
    put(info.card_type.map(card_type));
    put(info.card_name.as_deref().map(card_name));
    put(info.network_card_type.map(network_card_type));
    put(info.date_full.as_deref().and_then(date_full));
    if !info.tlv.is_empty() {
        put(Some(tlv_container(&info.tlv)));
    }
    out
}

// Encoders: each returns the BMP number followed by its data. Numbers beyond the field's
// digits are capped (see `bcd::encode_capped`); text beyond an LLVAR/LLLVAR maximum is cut.

fn with(bmp: u8, data: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 1);
    out.push(bmp);
    out.extend(data);
    out
}

fn var(bmp: u8, digits: u32, mut data: Vec<u8>) -> Vec<u8> {
    let max = 10usize.pow(digits) - 1;
    data.truncate(max);
    let mut out = vec![bmp];
    out.extend(bcd::var_prefix(data.len(), digits).unwrap_or_default());
    out.extend(data);
    out
}

pub fn service_byte(b: u8) -> Vec<u8> {
    vec![0x03, b]
}
pub fn amount(minor: u64) -> Vec<u8> {
    with(0x04, bcd::encode_capped(minor, bcd::AMOUNT_LEN))
}
pub fn trace(n: u32) -> Vec<u8> {
    with(0x0B, bcd::encode_capped(u64::from(n), bcd::TRACE_LEN))
}
pub fn time(hh_mm_ss: &str) -> Option<Vec<u8>> {
    bcd::encode_time(hh_mm_ss).map(|d| with(0x0C, d))
}
pub fn date(mm_dd: &str) -> Option<Vec<u8>> {
    bcd::encode_date(mm_dd).map(|d| with(0x0D, d))
}
pub fn expiry(yymm: &str) -> Option<Vec<u8>> {
    bcd::encode_digits(yymm).filter(|d| d.len() == 2).map(|d| with(0x0E, d))
}
pub fn card_sequence(n: u32) -> Vec<u8> {
    with(0x17, bcd::encode_capped(u64::from(n), 2))
}
pub fn payment_type(b: u8) -> Vec<u8> {
    vec![0x19, b]
}
pub fn pan(digits: &str) -> Vec<u8> {
    var(0x22, 2, bcd::encode_pan(digits))
}
pub fn result_code(rc: u8) -> Vec<u8> {
    vec![0x27, rc]
}
pub fn terminal_id(tid: u32) -> Vec<u8> {
    with(0x29, bcd::encode_capped(u64::from(tid), bcd::TERMINAL_ID_LEN))
}
/// 15 characters, space padded.
pub fn vu_number(text: &str) -> Vec<u8> {
    let mut data = encode_text(text);
    data.resize(15, b' ');
    with(0x2A, data)
}
pub fn original_trace(n: u32) -> Vec<u8> {
    with(0x37, bcd::encode_capped(u64::from(n), bcd::TRACE_LEN))
}
/// 8 bytes: 16 hex digits are sent as the bytes they spell, anything else as text padded
/// with NUL (the form `decode_aid` gives back).
pub fn aid(value: &str) -> Vec<u8> {
    let data = match hex::decode(value) {
        Ok(bytes) if value.len() == 16 => bytes,
        _ => {
            let mut text = encode_text(value);
            text.resize(8, 0);
            text
        }
    };
    with(0x3B, data)
}
pub fn additional_text(text: &str) -> Vec<u8> {
    var(0x3C, 3, encode_text(text))
}
pub fn currency_bmp(code: u16) -> Vec<u8> {
    with(0x49, bcd::encode_capped(u64::from(code), bcd::CURRENCY_LEN))
}
pub fn totals(t: &EodTotals) -> Vec<u8> {
    var(0x60, 3, encode_totals(t))
}
pub fn receipt_no(n: u32) -> Vec<u8> {
    with(0x87, bcd::encode_capped(u64::from(n), bcd::RECEIPT_LEN))
}
pub fn turnover_no(n: u32) -> Vec<u8> {
    with(0x88, bcd::encode_capped(u64::from(n), 3))
}
pub fn card_type(b: u8) -> Vec<u8> {
    vec![0x8A, b]
}
pub fn card_name(text: &str) -> Vec<u8> {
    var(0x8B, 2, encode_text(text))
}
pub fn network_card_type(b: u8) -> Vec<u8> {
    vec![0x8C, b]
}
pub fn date_full(yyyy_mm_dd: &str) -> Option<Vec<u8>> {
    bcd::encode_date_full(yyyy_mm_dd).map(|d| with(0xAA, d))
}
pub fn tlv_container(items: &[Tlv]) -> Vec<u8> {
    let body = tlv::encode_tlv(items);
    let mut out = vec![0x06];
    out.extend(tlv::ber_length(body.len()));
    out.extend(body);
    out
}

/// BMP 3B as read: text when the bytes (less trailing NULs) are printable ASCII, else hex.
pub fn decode_aid(bytes: &[u8]) -> String {
    let text = trim_nul(bytes);
    if text.iter().all(|b| (0x20..=0x7E).contains(b)) {
        text.iter().map(|&b| char::from(b)).collect()
    } else {
        hex::encode_upper(bytes)
    }
}

fn trim_nul(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    bytes.get(..end).unwrap_or(&[])
}

// ---- End-of-day totals (BMP 60) ------------------------------------------------------------

/// Receipt range (2 + 2 BCD) then seven (count 1 byte binary, total 6 BCD) groups.
pub const TOTALS_LEN: usize = 4 + 7 * 7;

pub fn decode_totals(bytes: &[u8], at: usize) -> Result<EodTotals, DecodeError> {
    let mut r = Reader::new(bytes, at);
    let start_at = r.offset();
    let receipt_start = bcd::number_u32(
        r.take(2, "totals receipt start (BMP 60)")?,
        "totals receipt start (BMP 60)",
        start_at,
    )?;
    let end_at = r.offset();
    let receipt_end = bcd::number_u32(
        r.take(2, "totals receipt end (BMP 60)")?,
        "totals receipt end (BMP 60)",
        end_at,
    )?;
    let mut per_card = Vec::with_capacity(CardScheme::ALL.len());
    for card in CardScheme::ALL {
        let count = r.u8("totals count (BMP 60)")?;
        let amount_at = r.offset();
        let amount_minor = bcd::number(
            r.take(6, "totals amount (BMP 60)")?,
            "totals amount (BMP 60)",
            amount_at,
        )?;
        per_card.push(CardTotal {
            card,
            count,
            amount_minor,
        });
    }
    if !r.is_empty() {
        return Err(DecodeError::TrailingBytes {
            what: "totals (BMP 60)",
            offset: r.offset(),
            count: r.remaining(),
        });
    }
    Ok(EodTotals {
        receipt_start,
        receipt_end,
        per_card,
    })
}

/// All seven schemes in their fixed order; a scheme missing from `per_card` is sent as zero.
pub fn encode_totals(t: &EodTotals) -> Vec<u8> {
    let mut out = Vec::with_capacity(TOTALS_LEN);
    out.extend(bcd::encode_capped(u64::from(t.receipt_start), 2));
    out.extend(bcd::encode_capped(u64::from(t.receipt_end), 2));
    for card in CardScheme::ALL {
        let entry = t.per_card.iter().find(|c| c.card == card);
        out.push(entry.map_or(0, |c| c.count));
        out.extend(bcd::encode_capped(entry.map_or(0, |c| c.amount_minor), 6));
    }
    out
}

// ---- Text (code page 437) ------------------------------------------------------------------

/// Code page 437, bytes 80..FF.
const CP437_HIGH: [char; 128] = [
    'Ç', 'ü', 'é', 'â', 'ä', 'à', 'å', 'ç', 'ê', 'ë', 'è', 'ï', 'î', 'ì', 'Ä', 'Å', //
    'É', 'æ', 'Æ', 'ô', 'ö', 'ò', 'û', 'ù', 'ÿ', 'Ö', 'Ü', '¢', '£', '¥', '₧', 'ƒ', //
    'á', 'í', 'ó', 'ú', 'ñ', 'Ñ', 'ª', 'º', '¿', '⌐', '¬', '½', '¼', '¡', '«', '»', //
    '░', '▒', '▓', '│', '┤', '╡', '╢', '╖', '╕', '╣', '║', '╗', '╝', '╜', '╛', '┐', //
    '└', '┴', '┬', '├', '─', '┼', '╞', '╟', '╚', '╔', '╩', '╦', '╠', '═', '╬', '╧', //
    '╨', '╤', '╥', '╙', '╘', '╒', '╓', '╫', '╪', '┘', '┌', '█', '▄', '▌', '▐', '▀', //
    'α', 'ß', 'Γ', 'π', 'Σ', 'σ', 'µ', 'τ', 'Φ', 'Θ', 'Ω', 'δ', '∞', 'φ', 'ε', '∩', //
    '≡', '±', '≥', '≤', '⌠', '⌡', '÷', '≈', '°', '∙', '·', '√', 'ⁿ', '²', '■', '\u{A0}',
];

/// Text from the terminal: printable ASCII as is, 80..FF through code page 437, line feed
/// kept, NUL padding at the end dropped, any other control byte shown as U+FFFD (so a
/// receipt or log never receives terminal control sequences from outside).
pub fn decode_text(bytes: &[u8]) -> String {
    trim_nul(bytes)
        .iter()
        .map(|&b| match b {
            0x20..=0x7E | b'\n' => char::from(b),
            0x7F => '⌂',
            0x80..=0xFF => CP437_HIGH.get(usize::from(b - 0x80)).copied().unwrap_or('\u{FFFD}'),
            _ => '\u{FFFD}',
        })
        .collect()
}

/// Text to the terminal in code page 437; characters it lacks become '?'.
pub fn encode_text(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            ' '..='~' | '\n' => c as u8,
            '⌂' => 0x7F,
            _ => CP437_HIGH.iter().position(|&h| h == c).map_or(b'?', |i| 0x80 + i as u8),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_bmp_without_knowable_length_is_an_error() {
        // 27 00, then 5F: not in chapter 13, so where it ends is unknowable.
        assert_eq!(
            parse_status(&[0x27, 0x00, 0x5F, 0x01], 3),
            Err(DecodeError::UnknownBmp { bmp: 0x5F, offset: 5 })
        );
    }

    #[test]
    fn known_bmps_without_a_field_are_stepped_over() {
        // A0 (result code AS, 1 byte), 23 (track 2, LLVAR), BA (5 bytes), then 27 00.
        let bytes = [
            0xA0, 0x05, 0x23, 0xF0, 0xF2, 0x12, 0x34, 0xBA, 1, 2, 3, 4, 5, 0x27, 0x00,
        ];
        let info = parse_status(&bytes, 0).unwrap();
        assert_eq!(
            info,
            StatusInformation {
                result_code: Some(0),
                ..Default::default()
            }
        );
    }

    #[test]
    fn field_errors_name_bmp_and_offset() {
        assert_eq!(
            parse_status(&[0x04, 0, 0, 0, 0, 0x0A, 0], 3),
            Err(DecodeError::BadBcd {
                what: "amount (BMP 04)",
                offset: 8
            })
        );
        assert_eq!(
            parse_status(&[0x22, 0xF0, 0xF9, 0x12], 3),
            Err(DecodeError::LengthOverrun {
                what: "pan",
                offset: 4,
                declared: 9,
                available: 1
            })
        );
        assert_eq!(
            parse_status(&[0x8B, 0x01, 0x41], 3),
            Err(DecodeError::BadLength {
                what: "card_name",
                offset: 4
            })
        );
        assert_eq!(
            parse_status(&[0x0B, 0x00], 3),
            Err(DecodeError::Truncated {
                what: "trace",
                offset: 4,
                needed: 2
            })
        );
    }

    #[test]
    fn encoders_for_the_simulator() {
        assert_eq!(amount(958), [0x04, 0, 0, 0, 0, 0x09, 0x58]);
        assert_eq!(trace(982), [0x0B, 0x00, 0x09, 0x82]);
        assert_eq!(time("22:55:58"), Some(vec![0x0C, 0x22, 0x55, 0x58]));
        assert_eq!(date("04-05"), Some(vec![0x0D, 0x04, 0x05]));
        assert_eq!(expiry("2405"), Some(vec![0x0E, 0x24, 0x05]));
        assert_eq!(expiry("24051"), None);
        assert_eq!(payment_type(0x60), [0x19, 0x60]);
        assert_eq!(
            pan("559883******8074"),
            [0x22, 0xF0, 0xF8, 0x55, 0x98, 0x83, 0xEE, 0xEE, 0xEE, 0x80, 0x74]
        );
        assert_eq!(result_code(0x6C), [0x27, 0x6C]);
        assert_eq!(terminal_id(52_523_535), [0x29, 0x52, 0x52, 0x35, 0x35]);
        assert_eq!(currency_bmp(978), [0x49, 0x09, 0x78]);
        assert_eq!(receipt_no(231), [0x87, 0x02, 0x31]);
        assert_eq!(turnover_no(331), [0x88, 0x00, 0x03, 0x31]);
        assert_eq!(card_type(6), [0x8A, 0x06]);
        assert_eq!(card_name("VISA"), [0x8B, 0xF0, 0xF4, b'V', b'I', b'S', b'A']);
        assert_eq!(additional_text("ok"), [0x3C, 0xF0, 0xF0, 0xF2, b'o', b'k']);
        assert_eq!(aid("750071"), [0x3B, b'7', b'5', b'0', b'0', b'7', b'1', 0, 0]);
        assert_eq!(decode_aid(&[b'7', b'5', b'0', b'0', b'7', b'1', 0, 0]), "750071");
        assert_eq!(decode_aid(&[0xA0, 0, 0, 0, 0x04, 0x10, 0x10, 0]), "A000000004101000");
        assert_eq!(aid("A000000004101000"), [0x3B, 0xA0, 0, 0, 0, 0x04, 0x10, 0x10, 0]);
        assert_eq!(vu_number("80401192").len(), 16);
        assert_eq!(date_full("2023-04-05"), Some(vec![0xAA, 0x23, 0x04, 0x05]));
    }

    #[test]
    fn totals_layout() {
        let t = EodTotals {
            receipt_start: 233,
            receipt_end: 234,
            per_card: vec![CardTotal {
                card: CardScheme::Mastercard,
                count: 2,
                amount_minor: 958,
            }],
        };
        let bytes = encode_totals(&t);
        assert_eq!(bytes.len(), TOTALS_LEN);
        assert_eq!(bytes.get(..4), Some(&[0x02, 0x33, 0x02, 0x34][..]));
        // Third group (Eurocard/Mastercard) starts at 4 + 2 * 7.
        assert_eq!(bytes.get(18..25), Some(&[0x02, 0, 0, 0, 0, 0x09, 0x58][..]));
        let back = decode_totals(&bytes, 0).unwrap();
        assert_eq!(back.per_card.len(), 7);
        assert_eq!(
            back.per_card.get(2),
            Some(&CardTotal {
                card: CardScheme::Mastercard,
                count: 2,
                amount_minor: 958
            })
        );
        assert!(matches!(
            decode_totals(&bytes[..30], 0),
            Err(DecodeError::Truncated { .. })
        ));
        let mut long = bytes.clone();
        long.push(0);
        assert!(matches!(
            decode_totals(&long, 0),
            Err(DecodeError::TrailingBytes {
                offset: 53,
                count: 1,
                ..
            })
        ));
    }

    #[test]
    fn cp437_umlauts() {
        // 84 ä, 94 ö, 81 ü, 8E Ä, 99 Ö, 9A Ü, E1 ß, 82 é.
        let bytes = [0x84, 0x94, 0x81, 0x8E, 0x99, 0x9A, 0xE1, 0x82];
        assert_eq!(decode_text(&bytes), "äöüÄÖÜßé");
        assert_eq!(encode_text("äöüÄÖÜßé"), bytes);
        assert_eq!(decode_text(b"Gr\x81\xE1e\0\0"), "Grüße");
        assert_eq!(decode_text(&[0x1B, b'[', b'2', b'J']), "\u{FFFD}[2J");
        assert_eq!(encode_text("价"), b"?");
        // Every byte decodes to something, and every high byte comes back.
        for b in 0x80..=0xFFu8 {
            assert_eq!(encode_text(&decode_text(&[b])), [b]);
        }
    }
}
