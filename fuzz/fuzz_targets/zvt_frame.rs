//! Feeds arbitrary bytes to the serial link's frame layer (`10 02 <APDU, 10 doubled> 10 03 CRC`,
//! `terminal::zvt::frame`), as a line would deliver them.
//!
//! Asserts: no panic; the events do not depend on how the bytes are chunked (whole, one by
//! one, or split where the input says); every frame the decoder reports is exactly what
//! `encode_frame` makes of its APDU and ends the bytes read so far, so the decoder accepts
//! nothing the encoder would not send; no APDU is longer than `MAX_APDU_LEN`; and the input
//! itself, framed as an APDU, decodes back to itself (encode then decode is the identity).

#![no_main]

use libfuzzer_sys::fuzz_target;
use tillguard::terminal::zvt::frame::{FrameDecoder, FrameEvent, MAX_APDU_LEN, encode_frame};

fuzz_target!(|bytes: &[u8]| {
    // Byte by byte, checking each frame against the bytes that ended it.
    let mut decoder = FrameDecoder::new();
    let mut events = Vec::new();
    for (i, &b) in bytes.iter().enumerate() {
        let Some(event) = decoder.push(b) else { continue };
        if let FrameEvent::Frame(apdu) = &event {
            assert!(apdu.len() <= MAX_APDU_LEN, "frame of {} bytes", apdu.len());
            let frame = encode_frame(apdu);
            assert!(
                bytes[..=i].ends_with(&frame),
                "frame {apdu:02X?} is not the encoding of the bytes it came from"
            );
        }
        events.push(event);
    }
    let in_frame = decoder.in_frame();

    // The same bytes whole, and in chunks whose sizes the input's own bytes pick.
    assert_eq!(
        FrameDecoder::new().feed(bytes),
        events,
        "whole feed differs from byte by byte"
    );
    let mut chunked = FrameDecoder::new();
    let mut chunk_events = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let size = usize::from(rest[0] % 7) + 1;
        let (chunk, tail) = rest.split_at(size.min(rest.len()));
        chunk_events.extend(chunked.feed(chunk));
        rest = tail;
    }
    assert_eq!(chunk_events, events, "chunked feed differs from byte by byte");
    assert_eq!(chunked.in_frame(), in_frame);

    // A reset always leaves the decoder outside a frame, ready for the next one.
    decoder.reset();
    assert!(!decoder.in_frame());

    // Round trip: the input as an APDU, framed, decodes to exactly that APDU (after any
    // partial frame the decoder was left in, too: a new `10 02` restarts it).
    if bytes.len() <= MAX_APDU_LEN {
        let frame = encode_frame(bytes);
        assert_eq!(FrameDecoder::new().feed(&frame), [FrameEvent::Frame(bytes.to_vec())]);
        let mut d = FrameDecoder::new();
        d.feed(&[0x10, 0x02, 0x41]);
        assert_eq!(d.feed(&frame), [FrameEvent::Frame(bytes.to_vec())]);
        assert!(!d.in_frame());
    }
});
