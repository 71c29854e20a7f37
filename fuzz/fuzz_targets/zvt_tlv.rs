//! Feeds arbitrary bytes to the TLV decoder of BMP 06 (`terminal::zvt::tlv`: BER tags and
//! lengths, constructed values nested at most `MAX_DEPTH` deep), and reads the print-text
//! lines out of what it decodes as a Print Text Block would.
//!
//! Asserts: no panic; an error names an offset inside the input; nesting never goes past the
//! limit; a decoded container encodes to bytes that decode to the same items, never longer
//! than the input, and equal to the input whenever it is as long (the encoder only ever
//! shortens a length written in a longer form than needed); every length the encoder writes
//! reads back as itself.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tillguard::terminal::zvt::apdu::{DecodeError, Reader};
use tillguard::terminal::zvt::messages::text_block_lines;
use tillguard::terminal::zvt::tlv::{
    MAX_DEPTH, Tlv, TlvValue, ber_length, decode_tlv, encode_tlv, find_all, read_ber_length,
};

fuzz_target!(|bytes: &[u8]| {
    match decode_tlv(bytes) {
        Ok(items) => {
            assert!(depth(&items) <= MAX_DEPTH + 1, "nested deeper than the limit");
            let encoded = encode_tlv(&items);
            assert_eq!(
                decode_tlv(&encoded).as_ref(),
                Ok(&items),
                "re-encoded container reads differently"
            );
            assert!(encoded.len() <= bytes.len(), "encoding grew the container");
            if encoded.len() == bytes.len() {
                assert_eq!(encoded, bytes, "canonical container does not re-encode to its bytes");
            }
            let _ = text_block_lines(&items);
            for tag in [0x07, 0x25, 0x1F07] {
                assert!(find_all(&items, tag).iter().all(|t| t.tag == tag));
            }
        }
        Err(e) => {
            let offset = match e {
                DecodeError::Truncated { offset, .. }
                | DecodeError::LengthOverrun { offset, .. }
                | DecodeError::BadLength { offset, .. }
                | DecodeError::Invalid { offset, .. } => offset,
                other => panic!("TLV decoder gave an error it has no reason for: {other:?}"),
            };
            assert!(
                offset <= bytes.len(),
                "error offset {offset} outside {} bytes",
                bytes.len()
            );
        }
    }

    // The input's first bytes as a BER length, and the encoder's form of it read back.
    if let Ok(len) = read_ber_length(&mut Reader::new(bytes, 0), "fuzz length") {
        let written = ber_length(len);
        assert_eq!(read_ber_length(&mut Reader::new(&written, 0), "fuzz length"), Ok(len));
    }
});

fn depth(items: &[Tlv]) -> usize {
    items
        .iter()
        .map(|t| match &t.value {
            TlvValue::Primitive(_) => 1,
            TlvValue::Constructed(children) => 1 + depth(children),
        })
        .max()
        .unwrap_or(0)
}
