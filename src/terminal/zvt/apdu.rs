//! The ZVT APDU: `CLASS INSTR LEN DATA`, LEN one byte (00..FE) or `FF lo hi` (16 bit, little
//! endian). Also the decode error every codec module reports, and the bounds-checked reader
//! they share, so no decoder indexes into bytes that came from outside.

/// Everything that can be wrong with bytes handed to the codec. Offsets count from the first
/// byte of the APDU as `Apdu::encode` lays it out (or of the buffer given to a stand-alone
/// decoder such as `decode_tlv`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("{what} is truncated at offset {offset}: {needed} more byte(s) needed")]
    Truncated {
        what: &'static str,
        offset: usize,
        needed: usize,
    },
    #[error("{what} at offset {offset} is not valid BCD")]
    BadBcd { what: &'static str, offset: usize },
    #[error("{what} at offset {offset} declares {declared} byte(s) but only {available} remain")]
    LengthOverrun {
        what: &'static str,
        offset: usize,
        declared: usize,
        available: usize,
    },
    #[error("{what} at offset {offset} has an invalid length prefix")]
    BadLength { what: &'static str, offset: usize },
    #[error("unknown BMP {bmp:02X} at offset {offset}: its length cannot be determined")]
    UnknownBmp { bmp: u8, offset: usize },
    #[error("{count} unexpected byte(s) after {what} at offset {offset}")]
    TrailingBytes {
        what: &'static str,
        offset: usize,
        count: usize,
    },
    #[error("expected {expected}, got {:02X} {:02X}", got[0], got[1])]
    NotA { expected: &'static str, got: [u8; 2] },
    #[error("{message} lacks its {what}")]
    MissingField { message: &'static str, what: &'static str },
    #[error("{what} at offset {offset}: {reason}")]
    Invalid {
        what: &'static str,
        offset: usize,
        reason: &'static str,
    },
}

/// Largest data length an APDU can carry (`FF FF FF`).
pub const MAX_DATA_LEN: usize = 0xFFFF;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Apdu {
    pub class: u8,
    pub instr: u8,
    pub data: Vec<u8>,
}

impl Apdu {
    pub fn new(class: u8, instr: u8, data: Vec<u8>) -> Apdu {
        Apdu { class, instr, data }
    }

    /// Bytes on the wire (before any DLE framing). Data beyond 65535 bytes cannot be expressed
    /// in ZVT; it is cut there (`try_encode` reports it instead).
    pub fn encode(&self) -> Vec<u8> {
        let data = self.data.get(..MAX_DATA_LEN).unwrap_or(&self.data);
        let mut out = Vec::with_capacity(data.len() + 5);
        out.push(self.class);
        out.push(self.instr);
        match u8::try_from(data.len()) {
            Ok(len) if len < 0xFF => out.push(len),
            _ => {
                // Fits: `data` was cut to MAX_DATA_LEN above.
                let len = u16::try_from(data.len()).unwrap_or(u16::MAX);
                out.push(0xFF);
                out.extend_from_slice(&len.to_le_bytes());
            }
        }
        out.extend_from_slice(data);
        out
    }

    /// Like `encode`, but refuses data longer than 65535 bytes instead of cutting it.
    pub fn try_encode(&self) -> Result<Vec<u8>, DecodeError> {
        if self.data.len() > MAX_DATA_LEN {
            return Err(DecodeError::Invalid {
                what: "APDU data",
                offset: 0,
                reason: "longer than 65535 bytes",
            });
        }
        Ok(self.encode())
    }

    /// Length of the header (class, instr and the 1- or 3-byte length) this APDU encodes with.
    pub fn header_len(&self) -> usize {
        if self.data.len() < 0xFF { 3 } else { 5 }
    }

    /// Reads one APDU from the start of `bytes`; returns it and the number of bytes it took.
    /// Bytes after it are left for the caller (a stream may hold the next APDU).
    pub fn decode(bytes: &[u8]) -> Result<(Apdu, usize), DecodeError> {
        let mut r = Reader::new(bytes, 0);
        let class = r.u8("APDU class")?;
        let instr = r.u8("APDU instruction")?;
        let short = r.u8("APDU length")?;
        let len = if short == 0xFF {
            let ext = r.take(2, "APDU extended length")?;
            usize::from(u16::from_le_bytes([byte(ext, 0), byte(ext, 1)]))
        } else {
            usize::from(short)
        };
        let data = r.take(len, "APDU data")?.to_vec();
        Ok((Apdu { class, instr, data }, r.consumed()))
    }

    /// Full length of the APDU whose first bytes are `prefix`, once enough of the header has
    /// arrived to know it (3 bytes, or 5 for an extended length); `None` until then.
    pub fn total_len(prefix: &[u8]) -> Option<usize> {
        match *prefix {
            [_, _, 0xFF, lo, hi, ..] => Some(5 + usize::from(u16::from_le_bytes([lo, hi]))),
            [_, _, 0xFF, ..] => None,
            [_, _, len, ..] => Some(3 + usize::from(len)),
            _ => None,
        }
    }
}

/// `bytes[i]`, or 0 when out of range (callers have checked the length already).
fn byte(bytes: &[u8], i: usize) -> u8 {
    bytes.get(i).copied().unwrap_or(0)
}

/// A cursor over untrusted bytes; every read is checked and errors carry the absolute offset
/// (`base` is where `bytes` starts inside the APDU).
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8], base: usize) -> Reader<'a> {
        Reader { bytes, pos: 0, base }
    }

    /// Absolute offset of the next byte.
    pub fn offset(&self) -> usize {
        self.base + self.pos
    }

    /// Bytes read so far.
    pub fn consumed(&self) -> usize {
        self.pos
    }

    pub fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    pub fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// The unread bytes, without consuming them.
    pub fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.pos..).unwrap_or(&[])
    }

    pub fn u8(&mut self, what: &'static str) -> Result<u8, DecodeError> {
        let b = self.peek().ok_or(DecodeError::Truncated {
            what,
            offset: self.offset(),
            needed: 1,
        })?;
        self.pos += 1;
        Ok(b)
    }

    pub fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], DecodeError> {
        let end = self.pos.checked_add(n);
        match end.and_then(|end| self.bytes.get(self.pos..end)) {
            Some(slice) => {
                self.pos += n;
                Ok(slice)
            }
            None => Err(DecodeError::Truncated {
                what,
                offset: self.offset(),
                needed: n.saturating_sub(self.remaining()),
            }),
        }
    }

    /// Like `take`, for a length read from the bytes themselves: reports the declared length
    /// against what is left, which says more than "truncated".
    pub fn take_declared(&mut self, n: usize, what: &'static str, declared_at: usize) -> Result<&'a [u8], DecodeError> {
        if n > self.remaining() {
            return Err(DecodeError::LengthOverrun {
                what,
                offset: declared_at,
                declared: n,
                available: self.remaining(),
            });
        }
        self.take(n, what)
    }

    /// Consumes everything left.
    pub fn take_rest(&mut self) -> &'a [u8] {
        let rest = self.rest();
        self.pos = self.bytes.len();
        rest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_length_round_trip() {
        let a = Apdu::new(0x06, 0x50, vec![0x12, 0x34, 0x56]);
        let bytes = a.encode();
        assert_eq!(bytes, [0x06, 0x50, 0x03, 0x12, 0x34, 0x56]);
        assert_eq!(Apdu::decode(&bytes), Ok((a, 6)));
        assert_eq!(Apdu::total_len(&bytes[..3]), Some(6));
    }

    #[test]
    fn extended_length_from_ff_up() {
        // 0xFE bytes still fit the short form; 0xFF needs FF lo hi.
        assert_eq!(
            Apdu::new(0x06, 0xD3, vec![0; 0xFE]).encode().get(..3),
            Some(&[0x06, 0xD3, 0xFE][..])
        );
        let a = Apdu::new(0x06, 0xD3, vec![0xAB; 0x0461]);
        let bytes = a.encode();
        assert_eq!(bytes.get(..5), Some(&[0x06, 0xD3, 0xFF, 0x61, 0x04][..]));
        assert_eq!(bytes.len(), 5 + 0x0461);
        assert_eq!(Apdu::total_len(&bytes[..4]), None);
        assert_eq!(Apdu::total_len(&bytes[..5]), Some(5 + 0x0461));
        assert_eq!(Apdu::decode(&bytes), Ok((a, 5 + 0x0461)));
    }

    #[test]
    fn extended_form_accepted_for_small_lengths() {
        let (a, used) = Apdu::decode(&[0x06, 0x0F, 0xFF, 0x01, 0x00, 0x42, 0x99]).unwrap();
        assert_eq!((a.data, used), (vec![0x42], 6));
    }

    #[test]
    fn over_long_length_is_truncated_error() {
        assert_eq!(
            Apdu::decode(&[0x04, 0x0F, 0x05, 0x27, 0x00]),
            Err(DecodeError::Truncated {
                what: "APDU data",
                offset: 3,
                needed: 3
            })
        );
        assert_eq!(
            Apdu::decode(&[0x06, 0xD3, 0xFF, 0x10]),
            Err(DecodeError::Truncated {
                what: "APDU extended length",
                offset: 3,
                needed: 1
            })
        );
        assert!(matches!(
            Apdu::decode(&[0x80]),
            Err(DecodeError::Truncated {
                what: "APDU instruction",
                ..
            })
        ));
        assert_eq!(Apdu::total_len(&[0x80, 0x00]), None);
    }

    #[test]
    fn decode_leaves_following_bytes() {
        let (a, used) = Apdu::decode(&[0x80, 0x00, 0x00, 0x04, 0xFF]).unwrap();
        assert_eq!((a, used), (Apdu::new(0x80, 0x00, vec![]), 3));
    }

    #[test]
    fn too_long_data_is_reported_by_try_encode() {
        let a = Apdu::new(0x06, 0xD3, vec![0; MAX_DATA_LEN + 1]);
        assert!(a.try_encode().is_err());
        assert_eq!(a.encode().len(), 5 + MAX_DATA_LEN);
    }
}
