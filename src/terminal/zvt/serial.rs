//! ZVT over RS-232 (PA00P016): DLE/STX framing, CRC, ACK/NAK, T1/T2 and repeats.
//!
//! The port is read with a short timeout and the protocol waits are built from that loop, so
//! one thread can watch T1 (inter-byte gap), T2 (answer wait) and the caller's timeout.

use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::thread::sleep;
use std::time::{Duration, Instant};

use serialport::{DataBits, FlowControl, Parity, SerialPort, StopBits};

use super::frame::{ACK, FrameDecoder, FrameEvent, NAK, encode_frame};
use super::link::{Faults, Link, LinkError, Timing};
use super::ports::available_ports;

/// One read of the port waits at most this long; the longer protocol waits loop over it.
const POLL: Duration = Duration::from_millis(20);

pub struct SerialLink {
    port: Box<dyn SerialPort>,
    label: String,
    timing: Timing,
    faults: Faults,
    decoder: FrameDecoder,
    /// Frames (or errors) that arrived while `send` waited for its ACK, e.g. the peer's reply
    /// right behind the 06 in the same read; `receive` handles them before reading more.
    backlog: VecDeque<FrameEvent>,
    /// When the latest byte of the frame in progress arrived, for T1.
    last_byte: Instant,
}

impl std::fmt::Debug for SerialLink {
    // The boxed port has no Debug; the label names it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SerialLink")
            .field("port", &self.label)
            .field("timing", &self.timing)
            .finish_non_exhaustive()
    }
}

enum Answer {
    Ack,
    Nak,
    Timeout,
}

impl SerialLink {
    /// Opens a real port: 8 data bits, no parity, 2 stop bits, no flow control.
    pub fn open(path: &str, baud: u32) -> Result<SerialLink, LinkError> {
        let port = serialport::new(path, baud)
            .data_bits(DataBits::Eight)
            .parity(Parity::None)
            .stop_bits(StopBits::Two)
            .flow_control(FlowControl::None)
            .timeout(POLL)
            .open()
            .map_err(|e| LinkError::PortOpen {
                port: path.to_string(),
                reason: e.description,
                available: available_ports(),
            })?;
        // Bytes left over from before we opened belong to nobody; failing to drop them is harmless.
        let _ = port.clear(serialport::ClearBuffer::Input);
        Ok(SerialLink::with_label(port, format!("serial {path} @ {baud}")))
    }

    /// Wraps an already open port, e.g. one end of `TTYPort::pair()`.
    pub fn from_port(mut port: Box<dyn SerialPort>, name: String) -> SerialLink {
        // Setting a timeout only stores a value on POSIX; if a driver refuses, its own timeout
        // still bounds each read and the loops below still work.
        let _ = port.set_timeout(POLL);
        SerialLink::with_label(port, format!("serial {name}"))
    }

    fn with_label(port: Box<dyn SerialPort>, label: String) -> SerialLink {
        SerialLink {
            port,
            label,
            timing: Timing::default(),
            faults: Faults::default(),
            decoder: FrameDecoder::new(),
            backlog: VecDeque::new(),
            last_byte: Instant::now(),
        }
    }

    pub fn with_timing(mut self, timing: Timing) -> SerialLink {
        self.timing = timing;
        self
    }

    pub fn with_faults(mut self, faults: Faults) -> SerialLink {
        self.faults = faults;
        self
    }

    fn io(&self, action: &'static str, error: std::io::Error) -> LinkError {
        match error.kind() {
            ErrorKind::BrokenPipe | ErrorKind::ConnectionReset | ErrorKind::UnexpectedEof => LinkError::Closed,
            _ => LinkError::Io {
                link: self.label.clone(),
                action,
                error,
            },
        }
    }

    /// Reads what is there within `POLL`; 0 means nothing arrived yet.
    fn read_some(&mut self, buf: &mut [u8]) -> Result<usize, LinkError> {
        match self.port.read(buf) {
            // A tty in raw mode only reads 0 bytes when the other end hung up.
            Ok(0) => Err(LinkError::Closed),
            Ok(n) => Ok(n),
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::TimedOut | ErrorKind::WouldBlock | ErrorKind::Interrupted
                ) =>
            {
                Ok(0)
            }
            Err(e) => Err(self.io("reading", e)),
        }
    }

    /// Writes everything; a full output buffer (nobody reading) is waited out for up to T2.
    fn write_all(&mut self, mut bytes: &[u8]) -> Result<(), LinkError> {
        let deadline = Instant::now() + self.timing.t2;
        while !bytes.is_empty() {
            match self.port.write(bytes) {
                Ok(0) => return Err(LinkError::Closed),
                Ok(n) => bytes = bytes.get(n..).unwrap_or_default(),
                Err(e)
                    if matches!(
                        e.kind(),
                        ErrorKind::TimedOut | ErrorKind::WouldBlock | ErrorKind::Interrupted
                    ) =>
                {
                    if Instant::now() >= deadline {
                        return Err(self.io("writing (the other side is not reading)", e));
                    }
                }
                Err(e) => return Err(self.io("writing", e)),
            }
        }
        Ok(())
    }

    fn write_frame(&mut self, frame: &[u8], byte_delay: Option<Duration>) -> Result<(), LinkError> {
        let Some(delay) = byte_delay else {
            return self.write_all(frame);
        };
        for (i, b) in frame.iter().enumerate() {
            if i > 0 {
                sleep(delay);
            }
            self.write_all(std::slice::from_ref(b))?;
        }
        Ok(())
    }

    /// Waits up to T2 for a bare ACK/NAK. Anything else that arrives is fed to the decoder
    /// and kept for `receive`, so a reply that follows the ACK closely is not lost.
    fn wait_answer(&mut self) -> Result<Answer, LinkError> {
        let deadline = Instant::now() + self.timing.t2;
        let mut buf = [0u8; 256];
        loop {
            let n = self.read_some(&mut buf)?;
            let chunk = buf.get(..n).unwrap_or_default();
            for (i, &b) in chunk.iter().enumerate() {
                // 06/15 inside a frame are data; only outside one are they an answer.
                if !self.decoder.in_frame() && (b == ACK || b == NAK) {
                    self.feed(chunk.get(i + 1..).unwrap_or_default());
                    return Ok(if b == ACK { Answer::Ack } else { Answer::Nak });
                }
                self.feed(std::slice::from_ref(&b));
            }
            if Instant::now() >= deadline {
                return Ok(Answer::Timeout);
            }
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        self.last_byte = Instant::now();
        for &b in bytes {
            if let Some(event) = self.decoder.push(b) {
                self.backlog.push_back(event);
            }
        }
    }

    /// Answers one decoded event; returns the APDU to deliver, if any.
    fn handle(&mut self, event: FrameEvent) -> Result<Option<Vec<u8>>, LinkError> {
        match event {
            FrameEvent::Frame(apdu) => {
                if self.faults.skip_ack_once {
                    self.faults.skip_ack_once = false;
                    tracing::debug!(link = %self.label, "fault: frame not acknowledged and dropped");
                    return Ok(None);
                }
                self.write_all(&[ACK])?;
                Ok(Some(apdu))
            }
            FrameEvent::BadCrc | FrameEvent::Invalid => {
                tracing::debug!(link = %self.label, ?event, "NAK");
                self.write_all(&[NAK])?;
                Ok(None)
            }
            FrameEvent::Garbage(_) => Ok(None),
        }
    }

    /// The `silent` fault: swallow input until the timeout, answer nothing.
    fn play_dead(&mut self, timeout: Duration) -> Result<Option<Vec<u8>>, LinkError> {
        let deadline = Instant::now() + timeout;
        self.backlog.clear();
        let mut buf = [0u8; 256];
        while Instant::now() < deadline {
            self.read_some(&mut buf)?;
        }
        Ok(None)
    }
}

impl Link for SerialLink {
    fn send(&mut self, apdu: &[u8]) -> Result<(), LinkError> {
        if self.faults.silent {
            return Ok(());
        }
        let frame = encode_frame(apdu);
        let attempts = self.timing.repeats.saturating_add(1);
        for attempt in 1..=attempts {
            let first = attempt == 1;
            if first && self.faults.corrupt_crc_once {
                self.faults.corrupt_crc_once = false;
                let mut bad = frame.clone();
                if let Some(crc_high) = bad.last_mut() {
                    *crc_high ^= 0xFF;
                }
                self.write_frame(&bad, None)?;
            } else {
                self.write_frame(&frame, if first { self.faults.byte_delay } else { None })?;
            }
            match self.wait_answer()? {
                Answer::Ack => return Ok(()),
                Answer::Nak => tracing::debug!(link = %self.label, attempt, "NAK, repeating"),
                Answer::Timeout => tracing::debug!(link = %self.label, attempt, "no answer within T2, repeating"),
            }
        }
        Err(LinkError::NoAck {
            link: self.label.clone(),
            attempts,
        })
    }

    fn receive(&mut self, timeout: Duration) -> Result<Option<Vec<u8>>, LinkError> {
        if self.faults.silent {
            return self.play_dead(timeout);
        }
        let deadline = Instant::now() + timeout;
        let mut buf = [0u8; 256];
        loop {
            while let Some(event) = self.backlog.pop_front() {
                if let Some(apdu) = self.handle(event)? {
                    return Ok(Some(apdu));
                }
            }
            let n = self.read_some(&mut buf)?;
            if n > 0 {
                self.feed(buf.get(..n).unwrap_or_default());
            } else if self.decoder.in_frame() && self.last_byte.elapsed() > self.timing.t1 {
                // Only a read that found nothing proves a gap, so buffered bytes never trip T1.
                tracing::debug!(link = %self.label, "T1 gap inside a frame, NAK");
                self.decoder.reset();
                self.write_all(&[NAK])?;
            }
            // A frame already under way may finish after the deadline: T1 bounds it.
            if self.backlog.is_empty() && !self.decoder.in_frame() && Instant::now() >= deadline {
                return Ok(None);
            }
        }
    }

    fn describe(&self) -> String {
        self.label.clone()
    }
}
