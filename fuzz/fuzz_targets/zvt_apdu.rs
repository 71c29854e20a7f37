//! Feeds arbitrary bytes to the APDU header codec (`CLASS INSTR LEN DATA`, LEN one byte or
//! `FF lo hi`; `terminal::zvt::apdu`) as a stream of APDUs, the way a TCP link splits them.
//!
//! Asserts: no panic; `total_len` agrees with what `decode` consumes; a decoded APDU encodes
//! back to the very bytes it came from, except that the extended length form of a short APDU
//! comes back in the short form (the one difference the encoder may make); encode then
//! decode is the identity; and a truncated stream is refused rather than read past its end.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tillguard::terminal::zvt::apdu::{Apdu, DecodeError};

fuzz_target!(|bytes: &[u8]| {
    let mut rest = bytes;
    // Each APDU consumes at least its 3-byte header, so this ends.
    while !rest.is_empty() {
        let total = Apdu::total_len(rest);
        match Apdu::decode(rest) {
            Ok((apdu, used)) => {
                assert!(used >= 3 && used <= rest.len());
                assert_eq!(total, Some(used), "total_len disagrees with decode");
                assert_eq!(used, header_len_of(rest) + apdu.data.len());
                let encoded = apdu.encode();
                let original = &rest[..used];
                if original[2] == 0xFF && apdu.data.len() < 0xFF {
                    // `FF lo hi` for a length that fits one byte: re-encoded in the short form.
                    assert_eq!(encoded[..2], original[..2]);
                    assert_eq!(usize::from(encoded[2]), apdu.data.len());
                    assert_eq!(encoded[3..], original[5..]);
                } else {
                    assert_eq!(encoded, original, "APDU does not re-encode to its bytes");
                }
                assert_eq!(apdu.try_encode().as_ref(), Ok(&encoded));
                assert_eq!(Apdu::decode(&encoded), Ok((apdu, encoded.len())));
                rest = &rest[used..];
            }
            Err(e) => {
                // Only a short buffer fails here: any header with its data present decodes.
                assert!(matches!(e, DecodeError::Truncated { .. }), "{e:?}");
                if let Some(total) = total {
                    assert!(total > rest.len(), "total_len {total} fits but decode failed: {e}");
                }
                break;
            }
        }
    }
});

fn header_len_of(bytes: &[u8]) -> usize {
    if bytes.get(2) == Some(&0xFF) { 5 } else { 3 }
}
