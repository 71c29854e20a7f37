//! Feeds arbitrary bytes to the BMP field decoder (`terminal::zvt::bmp`): as a BMP sequence
//! (what follows the header of a Status-Information, Completion or command), as the BMP 60
//! end-of-day totals, and as terminal text (code page 437).
//!
//! Asserts: no panic; the fields found tile the input exactly (each starts where the last
//! ended, its data is the bytes at its offsets); an error names an offset inside the input;
//! a decoded Status-Information encodes to BMPs that decode again, to the same values (text
//! with a control byte, shown as U+FFFD, comes back as '?'), and encoding is then a fixed
//! point; totals re-encode to their exact bytes; text without control bytes re-encodes to
//! its exact bytes.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tillguard::terminal::zvt::apdu::DecodeError;
use tillguard::terminal::zvt::bmp::{
    TOTALS_LEN, decode_text, decode_totals, encode_status, encode_text, encode_totals, fields, parse_status,
};
use tillguard::terminal::zvt::messages::StatusInformation;

/// Where the data would sit behind a short APDU header, as the message decoders call it.
const BASE: usize = 3;

fuzz_target!(|bytes: &[u8]| {
    match fields(bytes, BASE) {
        Ok(found) => {
            let mut at = BASE;
            for f in &found {
                assert_eq!(f.offset, at, "BMP {:02X} does not start where the last ended", f.bmp);
                assert!(f.data_offset > f.offset);
                let start = f.data_offset - BASE;
                assert_eq!(bytes.get(start..start + f.data.len()), Some(f.data));
                at = f.data_offset + f.data.len();
            }
            assert_eq!(at, BASE + bytes.len(), "fields do not cover the input");
        }
        Err(e) => assert_offset_inside(&e, bytes.len()),
    }

    match parse_status(bytes, BASE) {
        Ok(info) => {
            let encoded = encode_status(&info);
            let again =
                parse_status(&encoded, BASE).unwrap_or_else(|e| panic!("{info:?} encodes to {encoded:02X?}: {e}"));
            assert_eq!(again, as_sent(&info), "status information changed on the way back");
            assert_eq!(encode_status(&again), encoded, "encoding is not a fixed point");
        }
        Err(e) => assert_offset_inside(&e, bytes.len()),
    }

    match decode_totals(bytes, BASE) {
        Ok(totals) => {
            assert_eq!(bytes.len(), TOTALS_LEN);
            assert_eq!(encode_totals(&totals), bytes);
        }
        Err(e) => assert_offset_inside(&e, bytes.len()),
    }

    let text = decode_text(bytes);
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "control character reached the text"
    );
    let clean = !bytes.iter().any(|&b| b < 0x20 && b != b'\n');
    if clean {
        assert_eq!(encode_text(&text), bytes);
    }
});

/// The Status-Information as the encoder sends it: U+FFFD (a control byte read) becomes '?'.
fn as_sent(info: &StatusInformation) -> StatusInformation {
    let fix = |t: &Option<String>| t.as_ref().map(|t| t.replace('\u{FFFD}', "?"));
    StatusInformation {
        vu_number: fix(&info.vu_number),
        additional_text: fix(&info.additional_text),
        card_name: fix(&info.card_name),
        ..info.clone()
    }
}

fn assert_offset_inside(e: &DecodeError, len: usize) {
    let offset = match e {
        DecodeError::Truncated { offset, .. }
        | DecodeError::BadBcd { offset, .. }
        | DecodeError::LengthOverrun { offset, .. }
        | DecodeError::BadLength { offset, .. }
        | DecodeError::UnknownBmp { offset, .. }
        | DecodeError::TrailingBytes { offset, .. }
        | DecodeError::Invalid { offset, .. } => *offset,
        DecodeError::NotA { .. } | DecodeError::MissingField { .. } => return,
    };
    assert!(
        (BASE..=BASE + len).contains(&offset),
        "error offset {offset} outside the input: {e}"
    );
}
