//! The TLV container of BMP 06 (PA00P015 chapter 9): BER-style tags and lengths.
//! Tags: one byte, or when its low five bits are all set (`1F`) further bytes follow while
//! bit 8 is set (`1F 07`, `1F 81 01`); bit 6 of the first byte marks a constructed value that
//! holds more TLV. Lengths: `00..7F`, `81 xx`, `82 hi lo`.

use super::apdu::{DecodeError, Reader};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tlv {
    /// The tag bytes read big-endian, e.g. `1F 07` -> 0x1F07.
    pub tag: u32,
    pub value: TlvValue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlvValue {
    Primitive(Vec<u8>),
    Constructed(Vec<Tlv>),
}

/// ZVT tags the codec reads.
pub mod tags {
    /// A text line of a print text block.
    pub const TEXT_LINE: u32 = 0x07;
    /// The print-texts container of a print text block.
    pub const PRINT_TEXTS: u32 = 0x25;
    /// Receipt type of a print text block (1 merchant, 2 customer, 3 administration).
    pub const RECEIPT_TYPE: u32 = 0x1F07;
}

/// Constructed containers nest at most this deep; deeper input is refused rather than
/// recursed into (a 64 KiB message could otherwise nest thousands of levels).
pub const MAX_DEPTH: usize = 16;

impl Tlv {
    pub fn primitive(tag: u32, value: Vec<u8>) -> Tlv {
        Tlv {
            tag,
            value: TlvValue::Primitive(value),
        }
    }

    pub fn constructed(tag: u32, children: Vec<Tlv>) -> Tlv {
        Tlv {
            tag,
            value: TlvValue::Constructed(children),
        }
    }

    /// The tag as hex, e.g. "1F07".
    pub fn tag_hex(&self) -> String {
        hex::encode_upper(tag_bytes(self.tag))
    }

    pub fn primitive_value(&self) -> Option<&[u8]> {
        match &self.value {
            TlvValue::Primitive(v) => Some(v),
            TlvValue::Constructed(_) => None,
        }
    }
}

/// Every item with `tag` in `items` and below, depth first, in the order they appear.
pub fn find_all(items: &[Tlv], tag: u32) -> Vec<&Tlv> {
    let mut out = Vec::new();
    collect(items, tag, &mut out);
    out
}

fn collect<'a>(items: &'a [Tlv], tag: u32, out: &mut Vec<&'a Tlv>) {
    for item in items {
        if item.tag == tag {
            out.push(item);
        }
        if let TlvValue::Constructed(children) = &item.value {
            collect(children, tag, out);
        }
    }
}

/// Decodes a TLV sequence that fills `bytes` exactly; offsets in errors count from its start.
pub fn decode_tlv(bytes: &[u8]) -> Result<Vec<Tlv>, DecodeError> {
    decode_tlv_at(bytes, 0)
}

/// As `decode_tlv`, for a container starting at absolute offset `base`.
pub fn decode_tlv_at(bytes: &[u8], base: usize) -> Result<Vec<Tlv>, DecodeError> {
    decode_level(bytes, base, 0)
}

fn decode_level(bytes: &[u8], base: usize, depth: usize) -> Result<Vec<Tlv>, DecodeError> {
    if depth > MAX_DEPTH {
        return Err(DecodeError::Invalid {
            what: "TLV container",
            offset: base,
            reason: "nested too deep",
        });
    }
    let mut r = Reader::new(bytes, base);
    let mut items = Vec::new();
    while !r.is_empty() {
        let (tag, constructed) = read_tag(&mut r)?;
        let len_at = r.offset();
        let len = read_ber_length(&mut r, "TLV length")?;
        let value_at = r.offset();
        let value = r.take_declared(len, "TLV value", len_at)?;
        let value = if constructed {
            TlvValue::Constructed(decode_level(value, value_at, depth + 1)?)
        } else {
            TlvValue::Primitive(value.to_vec())
        };
        items.push(Tlv { tag, value });
    }
    Ok(items)
}

/// Reads a tag; returns it and whether its value is constructed.
fn read_tag(r: &mut Reader<'_>) -> Result<(u32, bool), DecodeError> {
    let at = r.offset();
    let first = r.u8("TLV tag")?;
    let constructed = first & 0x20 != 0;
    let mut tag = u32::from(first);
    if first & 0x1F == 0x1F {
        // Subsequent bytes while bit 8 is set; the last one has it clear. Four bytes in all
        // is the most a u32 holds (ZVT uses two).
        let mut count = 1;
        loop {
            let b = r.u8("TLV tag")?;
            count += 1;
            if count > 4 {
                return Err(DecodeError::Invalid {
                    what: "TLV tag",
                    offset: at,
                    reason: "longer than 4 bytes",
                });
            }
            tag = (tag << 8) | u32::from(b);
            if b & 0x80 == 0 {
                break;
            }
        }
    }
    Ok((tag, constructed))
}

/// Reads a BER length: `00..7F`, `81 xx` or `82 hi lo`. The indefinite form (`80`) and
/// longer forms do not occur in ZVT and are refused.
pub fn read_ber_length(r: &mut Reader<'_>, what: &'static str) -> Result<usize, DecodeError> {
    let at = r.offset();
    match r.u8(what)? {
        n @ 0x00..=0x7F => Ok(usize::from(n)),
        0x81 => Ok(usize::from(r.u8(what)?)),
        0x82 => {
            let b = r.take(2, what)?;
            Ok(usize::from(u16::from_be_bytes([
                b.first().copied().unwrap_or(0),
                b.get(1).copied().unwrap_or(0),
            ])))
        }
        _ => Err(DecodeError::BadLength { what, offset: at }),
    }
}

/// The shortest BER length for `len`; lengths above 65535 are capped there (no APDU can
/// carry more).
pub fn ber_length(len: usize) -> Vec<u8> {
    match len {
        0..=0x7F => vec![len as u8],
        0x80..=0xFF => vec![0x81, len as u8],
        _ => {
            let n = u16::try_from(len).unwrap_or(u16::MAX);
            let [hi, lo] = n.to_be_bytes();
            vec![0x82, hi, lo]
        }
    }
}

/// The tag's bytes without leading zero bytes (tag 0 is the single byte 00).
fn tag_bytes(tag: u32) -> Vec<u8> {
    let bytes = tag.to_be_bytes();
    let skip = bytes.iter().take(3).take_while(|&&b| b == 0).count();
    bytes.get(skip..).map(<[u8]>::to_vec).unwrap_or_default()
}

pub fn encode_tlv(items: &[Tlv]) -> Vec<u8> {
    let mut out = Vec::new();
    for item in items {
        out.extend(tag_bytes(item.tag));
        let value = match &item.value {
            TlvValue::Primitive(v) => v.clone(),
            TlvValue::Constructed(children) => encode_tlv(children),
        };
        out.extend(ber_length(value.len()));
        out.extend(value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_81_and_82_lengths() {
        let long = vec![0x41; 0x90];
        let longer = vec![0x42; 0x0123];
        let mut bytes = vec![0x07, 0x02, 0x41, 0x42, 0x07, 0x81, 0x90];
        bytes.extend(&long);
        bytes.extend([0x07, 0x82, 0x01, 0x23]);
        bytes.extend(&longer);
        let items = decode_tlv(&bytes).unwrap();
        assert_eq!(
            items,
            vec![
                Tlv::primitive(7, vec![0x41, 0x42]),
                Tlv::primitive(7, long),
                Tlv::primitive(7, longer)
            ]
        );
        assert_eq!(encode_tlv(&items), bytes);
    }

    #[test]
    fn two_byte_and_multi_byte_tags() {
        // 1F 07 01 02: receipt type 2. 1F 81 01 00: a three-byte tag (bit 8 of 81 continues).
        let bytes = [0x1F, 0x07, 0x01, 0x02, 0x1F, 0x81, 0x01, 0x00];
        let items = decode_tlv(&bytes).unwrap();
        assert_eq!(
            items,
            vec![Tlv::primitive(0x1F07, vec![2]), Tlv::primitive(0x1F_8101, vec![])]
        );
        assert_eq!(items.first().map(Tlv::tag_hex).as_deref(), Some("1F07"));
        assert_eq!(encode_tlv(&items), bytes);
        assert!(matches!(
            decode_tlv(&[0x1F, 0x81, 0x82, 0x83, 0x04, 0x00]),
            Err(DecodeError::Invalid {
                what: "TLV tag",
                offset: 0,
                ..
            })
        ));
        assert!(matches!(
            decode_tlv(&[0x1F]),
            Err(DecodeError::Truncated {
                what: "TLV tag",
                offset: 1,
                ..
            })
        ));
    }

    #[test]
    fn constructed_vs_primitive() {
        // 25 (bit 6 set) holds TLV; 07 does not.
        let bytes = [0x25, 0x06, 0x07, 0x01, 0x41, 0x07, 0x01, 0x42];
        let items = decode_tlv(&bytes).unwrap();
        assert_eq!(
            items,
            vec![Tlv::constructed(
                0x25,
                vec![Tlv::primitive(7, vec![0x41]), Tlv::primitive(7, vec![0x42])]
            )]
        );
        assert_eq!(find_all(&items, tags::TEXT_LINE).len(), 2);
        assert_eq!(encode_tlv(&items), bytes);
    }

    #[test]
    fn bad_lengths() {
        assert_eq!(
            decode_tlv(&[0x07, 0x05, 0x41]),
            Err(DecodeError::LengthOverrun {
                what: "TLV value",
                offset: 1,
                declared: 5,
                available: 1
            })
        );
        assert_eq!(
            decode_tlv(&[0x07, 0x80]),
            Err(DecodeError::BadLength {
                what: "TLV length",
                offset: 1
            })
        );
        assert_eq!(
            decode_tlv(&[0x07, 0x83, 0, 0, 1]),
            Err(DecodeError::BadLength {
                what: "TLV length",
                offset: 1
            })
        );
        assert!(matches!(
            decode_tlv(&[0x07, 0x82, 0x01]),
            Err(DecodeError::Truncated { .. })
        ));
        // Errors inside a container carry absolute offsets.
        assert_eq!(
            decode_tlv(&[0x25, 0x02, 0x07, 0x09]),
            Err(DecodeError::LengthOverrun {
                what: "TLV value",
                offset: 3,
                declared: 9,
                available: 0
            })
        );
    }

    #[test]
    fn deep_nesting_is_refused_not_recursed() {
        let mut bytes = Vec::new();
        for _ in 0..2000 {
            let mut outer = vec![0x25];
            outer.extend(ber_length(bytes.len()));
            outer.extend(bytes);
            bytes = outer;
        }
        assert!(matches!(
            decode_tlv(&bytes),
            Err(DecodeError::Invalid {
                reason: "nested too deep",
                ..
            })
        ));
    }

    #[test]
    fn ber_length_forms() {
        assert_eq!(ber_length(0x7F), vec![0x7F]);
        assert_eq!(ber_length(0x80), vec![0x81, 0x80]);
        assert_eq!(ber_length(0x045D), vec![0x82, 0x04, 0x5D]);
    }
}
