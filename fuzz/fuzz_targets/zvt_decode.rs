//! The whole-message target: feeds arbitrary bytes to every ZVT message decoder at once, as
//! an APDU (`Apdu::decode`, then `PtMessage`, `EcrCommand`, the Status-Enquiry Completion and
//! the log's `describe`) and as the data of each message kind the codec reads.
//! The layers have targets of their own (zvt_frame, zvt_apdu, zvt_bmp, zvt_tlv); this one
//! checks that they compose.
//!
//! Asserts: no panic; a message that decodes (other than one passed through unread) encodes
//! to an APDU that decodes again, and an ECR command comes back equal (except the one
//! ambiguous Registration form noted below).
//! Run: `cargo +nightly fuzz run zvt_decode` (from the repository root).

#![no_main]

use libfuzzer_sys::fuzz_target;
use tillguard::terminal::zvt::apdu::Apdu;
use tillguard::terminal::zvt::describe::{describe, describe_text};
use tillguard::terminal::zvt::messages::{EcrCommand, PtMessage, completion_for_status_enquiry};

fuzz_target!(|bytes: &[u8]| {
    let _ = Apdu::total_len(bytes);
    let _ = describe(bytes);
    let _ = describe_text(bytes);
    if let Ok((apdu, _)) = Apdu::decode(bytes) {
        decode_all(&apdu);
        // Whatever decodes must encode again and decode to the same message.
        if let Ok(m) = PtMessage::from_apdu(&apdu) {
            let again = Apdu::decode(&m.to_apdu().encode()).map(|(a, _)| PtMessage::from_apdu(&a));
            if !matches!(m, PtMessage::Other(_)) {
                assert!(
                    matches!(again, Ok(Ok(_))),
                    "re-encoded {m:?} does not decode: {again:?}"
                );
            }
        }
        if let Ok(c) = EcrCommand::from_apdu(&apdu) {
            // A Registration with a service byte but no currency is ambiguous by design (the
            // bare currency has no BMP number; see `decode_registration`): it may come back
            // with `03 xx` read as currency 03xx.
            let ambiguous = matches!(
                c,
                EcrCommand::Registration {
                    currency: None,
                    service: Some(_),
                    ..
                }
            );
            let again = Apdu::decode(&c.to_apdu().encode()).map(|(a, _)| EcrCommand::from_apdu(&a));
            if !ambiguous {
                assert_eq!(again, Ok(Ok(c)));
            }
        }
    }
    // The same bytes as the data of each message kind the codec reads.
    let data = bytes.get(..0xFFFF).unwrap_or(bytes);
    for (class, instr) in [
        (0x04, 0x0F),
        (0x04, 0xFF),
        (0x06, 0x0F),
        (0x06, 0xD3),
        (0x06, 0x00),
        (0x06, 0x01),
        (0x06, 0x30),
    ] {
        let apdu = Apdu::new(class, instr, data.to_vec());
        decode_all(&apdu);
        let _ = describe(&apdu.encode());
    }
});

fn decode_all(apdu: &Apdu) {
    let _ = PtMessage::from_apdu(apdu);
    let _ = EcrCommand::from_apdu(apdu);
    let _ = completion_for_status_enquiry(apdu);
}
