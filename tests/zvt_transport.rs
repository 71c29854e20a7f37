//! ZVT transports end to end: SerialLink over a pseudo-terminal pair (both ends a link, or one
//! end raw so the test sees every byte on the wire), TcpLink over loopback.
//! Timers are shortened (T1 50 ms, T2 300 ms); measured times are printed with --nocapture.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use tillguard::terminal::zvt::link::{Link, LinkError};
use tillguard::terminal::zvt::tcp::TcpLink;

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|h| u8::from_str_radix(h, 16).unwrap())
        .collect()
}

/// An extended-length APDU (FF lo hi) with 300 data bytes, many of them 0x10.
fn big_apdu() -> Vec<u8> {
    let mut apdu = hex("06 D3 FF 2C 01");
    apdu.extend((0..300u32).map(|i| if i % 7 == 0 { 0x10 } else { (i % 256) as u8 }));
    apdu
}

fn samples() -> Vec<Vec<u8>> {
    vec![
        hex("80 00 00"),
        // Authorization 10.00 EUR: a 0x10 byte in the data.
        hex("06 01 0C 04 00 00 00 00 10 00 49 09 78 06 00"),
        big_apdu(),
    ]
}

#[cfg(unix)]
mod serial {
    use super::*;
    use serialport::{SerialPort, TTYPort};
    use std::collections::VecDeque;
    use tillguard::terminal::zvt::frame::{ACK, FrameDecoder, FrameEvent, NAK, encode_frame};
    use tillguard::terminal::zvt::link::{Faults, Timing};
    use tillguard::terminal::zvt::serial::SerialLink;

    const T1: Duration = Duration::from_millis(50);
    const T2: Duration = Duration::from_millis(300);

    fn timing() -> Timing {
        Timing {
            t1: T1,
            t2: T2,
            repeats: 2,
        }
    }

    fn wrap(port: TTYPort, name: &str, faults: Faults) -> SerialLink {
        SerialLink::from_port(Box::new(port), name.to_string())
            .with_timing(timing())
            .with_faults(faults)
    }

    fn links(a: Faults, b: Faults) -> (SerialLink, SerialLink) {
        let (master, slave) = TTYPort::pair().unwrap();
        (wrap(master, "pty master", a), wrap(slave, "pty slave", b))
    }

    fn link_and_raw(faults: Faults) -> (SerialLink, Raw) {
        let (master, mut slave) = TTYPort::pair().unwrap();
        slave.set_timeout(Duration::from_millis(5)).unwrap();
        (
            wrap(master, "pty master", faults),
            Raw {
                port: slave,
                decoder: FrameDecoder::new(),
                seen: VecDeque::new(),
            },
        )
    }

    /// What the raw end saw on the wire.
    #[derive(Debug, Clone, PartialEq)]
    enum Seen {
        Ack,
        Nak,
        Frame(Vec<u8>),
        BadCrc,
        Other(u8),
    }

    /// The far end of the pty driven by hand: writes exact bytes, reports every byte it reads.
    struct Raw {
        port: TTYPort,
        decoder: FrameDecoder,
        seen: VecDeque<Seen>,
    }

    impl Raw {
        fn write(&mut self, bytes: &[u8]) {
            self.port.write_all(bytes).unwrap();
        }

        fn next(&mut self, within: Duration) -> Option<Seen> {
            let deadline = Instant::now() + within;
            loop {
                if let Some(seen) = self.seen.pop_front() {
                    return Some(seen);
                }
                if Instant::now() >= deadline {
                    return None;
                }
                let mut buf = [0u8; 512];
                let n = match self.port.read(&mut buf) {
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::TimedOut => 0,
                    Err(e) => panic!("raw end: {e}"),
                };
                for &b in &buf[..n] {
                    if !self.decoder.in_frame() && (b == ACK || b == NAK) {
                        self.seen.push_back(if b == ACK { Seen::Ack } else { Seen::Nak });
                        continue;
                    }
                    match self.decoder.push(b) {
                        Some(FrameEvent::Frame(apdu)) => self.seen.push_back(Seen::Frame(apdu)),
                        Some(FrameEvent::BadCrc) => self.seen.push_back(Seen::BadCrc),
                        Some(FrameEvent::Garbage(b)) => self.seen.push_back(Seen::Other(b)),
                        Some(FrameEvent::Invalid) => panic!("invalid frame on the wire"),
                        None => {}
                    }
                }
            }
        }

        /// Everything seen during `span`.
        fn collect(&mut self, span: Duration) -> Vec<Seen> {
            let deadline = Instant::now() + span;
            let mut all = Vec::new();
            while let Some(seen) = self.next(deadline.saturating_duration_since(Instant::now())) {
                all.push(seen);
            }
            all
        }
    }

    /// Sends `apdus` from one link while the other receives them in a thread; checks each
    /// arrives exactly once (nothing more within 2 x T2, when a repeat would have shown).
    fn deliver(mut from: SerialLink, mut to: SerialLink, apdus: &[Vec<u8>]) -> (SerialLink, SerialLink, Duration) {
        let n = apdus.len();
        let receiver = thread::spawn(move || {
            let got: Vec<Vec<u8>> = (0..n)
                .map(|_| to.receive(Duration::from_secs(5)).unwrap().expect("an APDU"))
                .collect();
            assert_eq!(to.receive(2 * T2).unwrap(), None, "delivered more than once");
            (to, got)
        });
        let start = Instant::now();
        for apdu in apdus {
            from.send(apdu).unwrap();
        }
        let elapsed = start.elapsed();
        let (to, got) = receiver.join().unwrap();
        assert_eq!(got, apdus);
        (from, to, elapsed)
    }

    fn send_in_thread(mut link: SerialLink, apdu: Vec<u8>) -> thread::JoinHandle<(SerialLink, Result<(), LinkError>)> {
        thread::spawn(move || {
            let result = link.send(&apdu);
            (link, result)
        })
    }

    type Received = (SerialLink, Result<Option<Vec<u8>>, LinkError>);

    fn receive_in_thread(mut link: SerialLink, timeout: Duration) -> thread::JoinHandle<Received> {
        thread::spawn(move || {
            let result = link.receive(timeout);
            (link, result)
        })
    }

    #[test]
    fn round_trip_both_ways_with_dle_bytes_and_extended_length() {
        let (a, b) = links(Faults::default(), Faults::default());
        let (a, b, _) = deliver(a, b, &samples());
        deliver(b, a, &samples());
    }

    #[test]
    fn the_wire_carries_the_reference_frame_and_an_ack_completes_the_send() {
        let (link, mut raw) = link_and_raw(Faults::default());
        let apdu = hex("06 01 0C 04 00 00 00 00 10 00 49 09 78 06 00");
        let sender = send_in_thread(link, apdu.clone());
        let mut bytes = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(2);
        while bytes.len() < 22 && Instant::now() < deadline {
            let mut buf = [0u8; 64];
            match raw.port.read(&mut buf) {
                Ok(n) => bytes.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(
            bytes,
            hex("10 02 06 01 0C 04 00 00 00 00 10 10 00 49 09 78 06 00 10 03 76 08")
        );
        raw.write(&[ACK]);
        let (_, result) = sender.join().unwrap();
        result.unwrap();
    }

    #[test]
    fn corrupted_crc_is_naked_resent_and_delivered_once() {
        let apdu = hex("06 00 04 12 34 56 BA");
        // Sender side: the first copy has a bad CRC; a NAK brings a good repeat.
        let corrupt = Faults {
            corrupt_crc_once: true,
            ..Faults::default()
        };
        let (link, mut raw) = link_and_raw(corrupt.clone());
        let sender = send_in_thread(link, apdu.clone());
        assert_eq!(raw.next(T2), Some(Seen::BadCrc));
        raw.write(&[NAK]);
        assert_eq!(raw.next(T2), Some(Seen::Frame(apdu.clone())));
        raw.write(&[ACK]);
        let (link, result) = sender.join().unwrap();
        result.unwrap();
        // The fault fired once: the next frame is clean.
        let sender = send_in_thread(link, apdu.clone());
        assert_eq!(raw.next(T2), Some(Seen::Frame(apdu.clone())));
        raw.write(&[ACK]);
        sender.join().unwrap().1.unwrap();

        // Receiver side: a bad CRC is NAKed, the good repeat ACKed and delivered.
        let (link, mut raw) = link_and_raw(Faults::default());
        let receiver = receive_in_thread(link, Duration::from_secs(2));
        let mut bad = encode_frame(&apdu);
        *bad.last_mut().unwrap() ^= 0x01;
        raw.write(&bad);
        assert_eq!(raw.next(T2), Some(Seen::Nak));
        raw.write(&encode_frame(&apdu));
        assert_eq!(raw.next(T2), Some(Seen::Ack));
        let (mut link, result) = receiver.join().unwrap();
        assert_eq!(result.unwrap(), Some(apdu.clone()));
        assert_eq!(link.receive(T2).unwrap(), None);

        // Both ends real links.
        let (a, b) = links(corrupt, Faults::default());
        let (_, _, took) = deliver(a, b, &samples());
        eprintln!("corrupt CRC: 3 APDUs delivered in {took:?}");
    }

    #[test]
    fn slow_bytes_beyond_t1_are_naked_and_the_repeat_is_delivered() {
        let apdu = hex("06 00 04 12 34 56 BA");
        let frame = encode_frame(&apdu);
        let (link, mut raw) = link_and_raw(Faults::default());
        let receiver = receive_in_thread(link, Duration::from_secs(2));
        raw.write(&frame[..6]);
        let stalled = Instant::now();
        assert_eq!(raw.next(4 * T1), Some(Seen::Nak));
        let nak_after = stalled.elapsed();
        eprintln!("T1 = {T1:?}: NAK {nak_after:?} after the last byte");
        // Upper bounds are loose: other builds share this machine.
        assert!(
            nak_after >= T1 && nak_after < T1 + Duration::from_millis(250),
            "{nak_after:?}"
        );
        // The rest of the broken copy is noise now; the full repeat is accepted.
        raw.write(&frame[6..]);
        raw.write(&frame);
        assert_eq!(raw.next(T2), Some(Seen::Ack));
        assert_eq!(raw.next(T2), None, "one answer per frame");
        let (_, result) = receiver.join().unwrap();
        assert_eq!(result.unwrap(), Some(apdu));

        // Both ends real links: the first copy of each frame crawls at 2 x T1 per byte.
        let slow = Faults {
            byte_delay: Some(2 * T1),
            ..Faults::default()
        };
        let (a, b) = links(slow, Faults::default());
        let (_, _, took) = deliver(a, b, &[hex("80 00 00"), hex("06 50 03 12 34 56")]);
        eprintln!("byte delay {:?}: 2 APDUs delivered in {took:?}", 2 * T1);
    }

    #[test]
    fn a_missing_ack_brings_a_repeat_after_t2_and_one_delivery() {
        let apdu = hex("06 50 03 12 34 56");
        let (link, mut raw) = link_and_raw(Faults::default());
        let sender = send_in_thread(link, apdu.clone());
        assert_eq!(raw.next(T2), Some(Seen::Frame(apdu.clone())));
        let first = Instant::now();
        assert_eq!(raw.next(2 * T2), Some(Seen::Frame(apdu.clone())));
        let gap = first.elapsed();
        eprintln!("T2 = {T2:?}: repeat {gap:?} after the first copy");
        assert!(
            gap >= T2 - Duration::from_millis(10) && gap < T2 + Duration::from_millis(250),
            "{gap:?}"
        );
        raw.write(&[ACK]);
        sender.join().unwrap().1.unwrap();

        let skip = Faults {
            skip_ack_once: true,
            ..Faults::default()
        };
        let (a, b) = links(Faults::default(), skip);
        let (_, _, took) = deliver(a, b, &[apdu.clone(), hex("80 00 00")]);
        eprintln!("skip ACK once: 2 APDUs delivered in {took:?}");
        assert!(took >= T2, "{took:?}");
    }

    #[test]
    fn a_silent_peer_gives_no_ack_after_one_plus_repeats_attempts() {
        let apdu = hex("06 00 04 12 34 56 BA");
        let (mut link, mut raw) = link_and_raw(Faults::default());
        let sender = thread::spawn(move || {
            let start = Instant::now();
            let result = link.send(&hex("06 00 04 12 34 56 BA"));
            (link, result, start.elapsed())
        });
        let seen = raw.collect(4 * T2);
        let (link, result, took) = sender.join().unwrap();
        eprintln!("silent peer: NoAck after {took:?} (3 x T2 = {:?})", 3 * T2);
        assert_eq!(seen, vec![Seen::Frame(apdu.clone()); 3]);
        match result {
            Err(LinkError::NoAck { attempts, ref link }) => {
                assert_eq!(attempts, 3);
                assert_eq!(link, "serial pty master");
            }
            other => panic!("{other:?}"),
        }
        assert!(took >= 3 * T2 && took < 3 * T2 + Duration::from_millis(300), "{took:?}");
        let message = result.unwrap_err().to_string();
        assert!(
            message.contains("serial pty master") && message.contains('3'),
            "{message}"
        );
        drop(link);

        // The `silent` fault plays the dead peer.
        let (mut a, b) = links(
            Faults::default(),
            Faults {
                silent: true,
                ..Faults::default()
            },
        );
        let receiver = receive_in_thread(b, 4 * T2);
        assert!(matches!(a.send(&apdu), Err(LinkError::NoAck { attempts: 3, .. })));
        assert_eq!(receiver.join().unwrap().1.unwrap(), None);
    }

    #[test]
    fn garbage_before_a_frame_is_ignored() {
        let apdu = hex("80 00 00");
        let (link, mut raw) = link_and_raw(Faults::default());
        let receiver = receive_in_thread(link, Duration::from_secs(2));
        let mut bytes = hex("FF 00 06 15 10 05 03 41 10");
        bytes.extend(encode_frame(&apdu));
        raw.write(&bytes);
        assert_eq!(raw.next(T2), Some(Seen::Ack));
        let (_link, result) = receiver.join().unwrap();
        assert_eq!(result.unwrap(), Some(apdu));
        assert_eq!(raw.next(T2), None, "the noise got no answer");
    }

    #[test]
    fn half_a_frame_then_silence_is_naked_and_receive_times_out() {
        let (link, mut raw) = link_and_raw(Faults::default());
        let start = Instant::now();
        let receiver = receive_in_thread(link, Duration::from_millis(400));
        raw.write(&hex("10 02 06 00 04 12"));
        assert_eq!(raw.next(T2), Some(Seen::Nak));
        assert_eq!(receiver.join().unwrap().1.unwrap(), None);
        let took = start.elapsed();
        assert!(
            took >= Duration::from_millis(400) && took < Duration::from_millis(800),
            "{took:?}"
        );
    }

    #[test]
    fn a_reply_right_behind_the_ack_is_kept_for_receive() {
        let command = hex("06 00 04 12 34 56 BA");
        let reply = hex("80 00 00");
        let (link, mut raw) = link_and_raw(Faults::default());
        let sender = send_in_thread(link, command.clone());
        assert_eq!(raw.next(T2), Some(Seen::Frame(command)));
        let mut burst = vec![ACK];
        burst.extend(encode_frame(&reply));
        raw.write(&burst);
        let (mut link, result) = sender.join().unwrap();
        result.unwrap();
        assert_eq!(link.receive(T2).unwrap(), Some(reply));
        assert_eq!(raw.next(T2), Some(Seen::Ack));
    }

    #[test]
    fn a_hung_up_peer_is_closed() {
        let (master, slave) = TTYPort::pair().unwrap();
        let mut link = wrap(slave, "pty slave", Faults::default());
        drop(master);
        assert!(matches!(link.receive(T2), Err(LinkError::Closed)), "slave side");

        let (master, slave) = TTYPort::pair().unwrap();
        let mut link = wrap(master, "pty master", Faults::default());
        drop(slave);
        let result = link.receive(T2);
        assert!(matches!(result, Err(LinkError::Closed)), "master side: {result:?}");
    }

    #[test]
    fn opening_a_missing_port_names_it_and_lists_the_ports() {
        let path = "/dev/tillguard-no-such-port";
        match SerialLink::open(path, 9600) {
            Err(e @ LinkError::PortOpen { .. }) => {
                let message = e.to_string();
                assert!(message.contains(path), "{message}");
                assert!(message.contains("ports on this computer"), "{message}");
            }
            Err(other) => panic!("{other:?}"),
            Ok(_) => panic!("{path} opened"),
        }
    }
}

// ---- TCP ----

fn tcp_pair() -> (TcpLink, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let link = TcpLink::connect(&addr.to_string(), Duration::from_secs(1)).unwrap();
    let (peer, _) = listener.accept().unwrap();
    assert_eq!(link.describe(), format!("tcp {addr}"));
    (link, peer)
}

#[test]
fn tcp_round_trip_both_ways_with_extended_length() {
    let (mut link, peer) = tcp_pair();
    let mut far = TcpLink::from_stream(peer);
    for apdu in samples() {
        link.send(&apdu).unwrap();
        assert_eq!(far.receive(Duration::from_secs(1)).unwrap(), Some(apdu.clone()));
        far.send(&apdu).unwrap();
        assert_eq!(link.receive(Duration::from_secs(1)).unwrap(), Some(apdu));
    }
}

#[test]
fn tcp_splits_back_to_back_apdus_and_raw_bytes_go_unframed() {
    let (mut link, mut peer) = tcp_pair();
    let mut stream = Vec::new();
    for apdu in samples() {
        stream.extend(apdu);
    }
    peer.write_all(&stream).unwrap();
    for apdu in samples() {
        assert_eq!(link.receive(Duration::from_secs(1)).unwrap(), Some(apdu));
    }
    link.send(&hex("80 00 00")).unwrap();
    let mut got = [0u8; 3];
    peer.read_exact(&mut got).unwrap();
    assert_eq!(got.to_vec(), hex("80 00 00"));
}

#[test]
fn tcp_receive_times_out_with_none() {
    let (mut link, _peer) = tcp_pair();
    let start = Instant::now();
    assert_eq!(link.receive(Duration::from_millis(100)).unwrap(), None);
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(100) && took < Duration::from_millis(500),
        "{took:?}"
    );
}

#[test]
fn tcp_peer_closing_mid_apdu_is_an_error() {
    for (partial, got, expected) in [("06 01 0C 04 00", 5, 15), ("06 D3 FF 2C", 4, 5)] {
        let (mut link, mut peer) = tcp_pair();
        peer.write_all(&hex(partial)).unwrap();
        drop(peer);
        let error = link.receive(Duration::from_secs(1)).unwrap_err();
        assert!(
            matches!(error, LinkError::Incomplete { got: g, expected: x, .. } if (g, x) == (got, expected)),
            "{partial}: {error:?}"
        );
        let message = error.to_string();
        assert!(
            message.contains("tcp 127.0.0.1:") && message.contains("closed"),
            "{message}"
        );
    }
    let (mut link, peer) = tcp_pair();
    drop(peer);
    assert!(matches!(link.receive(Duration::from_secs(1)), Err(LinkError::Closed)));
}

#[test]
fn tcp_connect_failure_names_the_address_and_the_default_port() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    match TcpLink::connect(&addr.to_string(), Duration::from_millis(500)) {
        Err(e @ LinkError::Connect { .. }) => assert!(e.to_string().contains(&addr.to_string()), "{e}"),
        other => panic!("{:?}", other.map(|l| l.describe())),
    }
    // No port given: ZVT's 20007 (nothing listens there on a test machine, usually).
    match TcpLink::connect("127.0.0.1", Duration::from_millis(500)) {
        Err(e) => assert!(e.to_string().contains("127.0.0.1:20007"), "{e}"),
        Ok(link) => assert_eq!(link.describe(), "tcp 127.0.0.1:20007"),
    }
}
