//! PA00P016 serial framing: `10 02 <APDU, every 10 doubled> 10 03 crc_lo crc_hi`.
//!
//! The CRC (CRC-16/KERMIT) covers the unstuffed APDU plus the ETX byte; the two CRC bytes
//! themselves are sent raw (not DLE-doubled), as every implementation we checked does.
//! Pure: no I/O, so the serial link and the tests share it.

pub const DLE: u8 = 0x10;
pub const STX: u8 = 0x02;
pub const ETX: u8 = 0x03;
/// Bare acknowledge / negative acknowledge bytes, sent unframed.
pub const ACK: u8 = 0x06;
pub const NAK: u8 = 0x15;

/// The longest APDU a frame can carry: `CLASS INSTR FF lo hi` plus 65535 data bytes.
/// Anything longer is line noise, so the decoder gives up instead of growing without bound.
pub const MAX_APDU_LEN: usize = 5 + 0xFFFF;

fn crc_update(mut crc: u16, byte: u8) -> u16 {
    crc ^= u16::from(byte);
    for _ in 0..8 {
        crc = if crc & 1 != 0 { (crc >> 1) ^ 0x8408 } else { crc >> 1 };
    }
    crc
}

/// CRC-16/KERMIT: polynomial 0x1021 reflected (0x8408), init 0, no final xor.
pub fn crc16_kermit(bytes: &[u8]) -> u16 {
    bytes.iter().fold(0, |crc, &b| crc_update(crc, b))
}

/// The CRC a frame carries: over the APDU followed by ETX.
fn frame_crc(apdu: &[u8]) -> u16 {
    crc_update(crc16_kermit(apdu), ETX)
}

/// Wraps an APDU in a serial frame.
pub fn encode_frame(apdu: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(apdu.len() + apdu.len() / 8 + 6);
    out.extend_from_slice(&[DLE, STX]);
    for &b in apdu {
        out.push(b);
        if b == DLE {
            out.push(DLE);
        }
    }
    out.extend_from_slice(&[DLE, ETX]);
    out.extend_from_slice(&frame_crc(apdu).to_le_bytes());
    out
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameEvent {
    /// A complete frame with a good CRC: the unstuffed APDU.
    Frame(Vec<u8>),
    /// A complete frame whose CRC does not match: the receiver answers NAK.
    BadCrc,
    /// A frame that cannot be valid (DLE followed by a byte other than 10/02/03, or longer
    /// than any APDU); also answered with NAK so the sender repeats it.
    Invalid,
    /// A byte outside any frame (noise, a stray ACK/NAK); ignored by the receiver.
    Garbage(u8),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Idle,
    /// Saw a DLE outside a frame: a frame starts if STX follows.
    IdleDle,
    Data,
    /// Saw a DLE inside a frame: DLE (doubled data), ETX (end) or STX (restart) follows.
    DataDle,
    CrcLow,
    CrcHigh(u8),
}

/// Incremental frame decoder: feed it bytes as they arrive, in any chunking.
#[derive(Debug, Clone)]
pub struct FrameDecoder {
    state: State,
    apdu: Vec<u8>,
}

impl Default for FrameDecoder {
    fn default() -> Self {
        FrameDecoder::new()
    }
}

impl FrameDecoder {
    pub fn new() -> FrameDecoder {
        FrameDecoder {
            state: State::Idle,
            apdu: Vec::new(),
        }
    }

    /// True between `10 02` and the last CRC byte. Outside a frame a bare 06/15 is an
    /// ACK/NAK; inside one it is data, which is why the serial link asks.
    pub fn in_frame(&self) -> bool {
        !matches!(self.state, State::Idle | State::IdleDle)
    }

    /// Drops a partial frame (after a T1 gap) and waits for the next `10 02`.
    pub fn reset(&mut self) {
        self.state = State::Idle;
        self.apdu.clear();
    }

    /// Feeds a chunk; returns the events it completes, in order.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<FrameEvent> {
        bytes.iter().filter_map(|&b| self.push(b)).collect()
    }

    /// Feeds one byte; returns the event it completes, if any.
    pub fn push(&mut self, byte: u8) -> Option<FrameEvent> {
        match self.state {
            State::Idle => {
                if byte == DLE {
                    self.state = State::IdleDle;
                    None
                } else {
                    Some(FrameEvent::Garbage(byte))
                }
            }
            State::IdleDle => match byte {
                STX => {
                    self.apdu.clear();
                    self.state = State::Data;
                    None
                }
                // `10 10 02` outside a frame: the second DLE may still start one.
                DLE => Some(FrameEvent::Garbage(DLE)),
                _ => {
                    self.state = State::Idle;
                    Some(FrameEvent::Garbage(byte))
                }
            },
            State::Data => {
                if byte == DLE {
                    self.state = State::DataDle;
                    None
                } else {
                    self.data(byte)
                }
            }
            State::DataDle => match byte {
                DLE => {
                    self.state = State::Data;
                    self.data(DLE)
                }
                ETX => {
                    self.state = State::CrcLow;
                    None
                }
                // A new start inside a frame: the sender began again; resync on it.
                STX => {
                    self.apdu.clear();
                    self.state = State::Data;
                    None
                }
                _ => {
                    self.reset();
                    Some(FrameEvent::Invalid)
                }
            },
            State::CrcLow => {
                self.state = State::CrcHigh(byte);
                None
            }
            State::CrcHigh(low) => {
                self.state = State::Idle;
                let apdu = std::mem::take(&mut self.apdu);
                if u16::from_le_bytes([low, byte]) == frame_crc(&apdu) {
                    Some(FrameEvent::Frame(apdu))
                } else {
                    Some(FrameEvent::BadCrc)
                }
            }
        }
    }

    fn data(&mut self, byte: u8) -> Option<FrameEvent> {
        if self.apdu.len() >= MAX_APDU_LEN {
            self.reset();
            return Some(FrameEvent::Invalid);
        }
        self.apdu.push(byte);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace()
            .map(|h| u8::from_str_radix(h, 16).unwrap())
            .collect()
    }

    /// (unstuffed APDU, frame) pairs verified in REFERENCE.md.
    const VERIFIED: [(&str, &str); 4] = [
        ("06 00 04 12 34 56 BA", "10 02 06 00 04 12 34 56 BA 10 03 74 31"),
        ("80 00 00", "10 02 80 00 00 10 03 F5 1F"),
        (
            "06 01 0C 04 00 00 00 00 10 00 49 09 78 06 00",
            "10 02 06 01 0C 04 00 00 00 00 10 10 00 49 09 78 06 00 10 03 76 08",
        ),
        ("06 50 03 12 34 56", "10 02 06 50 03 12 34 56 10 03 C4 AF"),
    ];

    #[test]
    fn crc_check_value() {
        assert_eq!(crc16_kermit(b"123456789"), 0x2189);
        assert_eq!(crc16_kermit(b""), 0);
    }

    #[test]
    fn encodes_the_verified_frames_byte_for_byte() {
        for (apdu, frame) in VERIFIED {
            assert_eq!(encode_frame(&hex(apdu)), hex(frame), "{apdu}");
        }
    }

    #[test]
    fn decodes_the_verified_frames_whole_and_byte_by_byte() {
        for (apdu, frame) in VERIFIED {
            let mut d = FrameDecoder::new();
            assert_eq!(d.feed(&hex(frame)), [FrameEvent::Frame(hex(apdu))]);
            let mut d = FrameDecoder::new();
            let mut events = Vec::new();
            for b in hex(frame) {
                events.extend(d.push(b));
            }
            assert_eq!(events, [FrameEvent::Frame(hex(apdu))]);
            assert!(!d.in_frame());
        }
    }

    #[test]
    fn doubled_dle_round_trips_including_a_dle_heavy_apdu() {
        let apdu = vec![0x10, 0x10, 0x02, 0x10, 0x03, 0x10];
        let frame = encode_frame(&apdu);
        assert_eq!(&frame[..4], &[0x10, 0x02, 0x10, 0x10]);
        assert_eq!(FrameDecoder::new().feed(&frame), [FrameEvent::Frame(apdu)]);
    }

    #[test]
    fn bad_crc_is_reported_and_the_next_frame_still_decodes() {
        let mut frame = hex(VERIFIED[1].1);
        if let Some(last) = frame.last_mut() {
            *last ^= 0xFF;
        }
        frame.extend(hex(VERIFIED[0].1));
        assert_eq!(
            FrameDecoder::new().feed(&frame),
            [FrameEvent::BadCrc, FrameEvent::Frame(hex(VERIFIED[0].0))]
        );
    }

    #[test]
    fn noise_between_frames_is_garbage_and_restart_resyncs() {
        let mut bytes = hex("FF 06 10 05 03");
        bytes.extend(hex(VERIFIED[1].1));
        // A frame cut short by a new 10 02: the decoder follows the new start.
        bytes.extend(hex("10 02 06 00 04"));
        bytes.extend(hex(VERIFIED[3].1));
        let events = FrameDecoder::new().feed(&bytes);
        let frames: Vec<_> = events.iter().filter(|e| matches!(e, FrameEvent::Frame(_))).collect();
        assert_eq!(
            frames,
            [
                &FrameEvent::Frame(hex(VERIFIED[1].0)),
                &FrameEvent::Frame(hex(VERIFIED[3].0))
            ]
        );
        assert_eq!(
            &events[..4],
            &[
                FrameEvent::Garbage(0xFF),
                FrameEvent::Garbage(0x06),
                FrameEvent::Garbage(0x05),
                FrameEvent::Garbage(0x03)
            ]
        );
    }

    #[test]
    fn dle_with_an_unexpected_byte_inside_a_frame_is_invalid() {
        let mut d = FrameDecoder::new();
        assert_eq!(d.feed(&hex("10 02 06 10 07")), [FrameEvent::Invalid]);
        assert!(!d.in_frame());
    }

    #[test]
    fn in_frame_and_reset() {
        let mut d = FrameDecoder::new();
        d.feed(&hex("10 02 06"));
        assert!(d.in_frame());
        d.reset();
        assert!(!d.in_frame());
        assert_eq!(d.feed(&hex(VERIFIED[1].1)), [FrameEvent::Frame(hex(VERIFIED[1].0))]);
    }

    #[test]
    fn an_endless_frame_is_cut_off() {
        let mut d = FrameDecoder::new();
        d.feed(&[DLE, STX]);
        let events = d.feed(&vec![0x41; MAX_APDU_LEN + 1]);
        assert_eq!(events, [FrameEvent::Invalid]);
        assert!(!d.in_frame());
    }
}
