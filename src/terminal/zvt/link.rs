//! The byte pipe between ECR and PT: one APDU in, one APDU out. The session and the simulator
//! work on raw APDU bytes and do not care whether a serial line or TCP carries them.

use std::time::Duration;

/// One connection to a terminal (or, for the simulator, to a cash register).
pub trait Link: Send {
    /// Sends one APDU. Serial: frame it, wait for ACK (06) up to T2, resend on NAK/timeout,
    /// at most `Timing::repeats` repeats, then `LinkError::NoAck`. TCP: write the raw APDU.
    fn send(&mut self, apdu: &[u8]) -> Result<(), LinkError>;
    /// Receives one APDU, waiting at most `timeout` for it to start; Ok(None) on timeout.
    /// Serial: assemble a frame (T1 gap -> NAK and discard), check the CRC (bad -> NAK), ACK
    /// good frames before returning them. TCP: read the APDU header, then exactly its length.
    fn receive(&mut self, timeout: Duration) -> Result<Option<Vec<u8>>, LinkError>;
    /// Human description for errors and logs, e.g. "serial /dev/ttyUSB0 @ 9600".
    fn describe(&self) -> String;
}

#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("{link}: {action} failed: {error}")]
    Io {
        link: String,
        action: &'static str,
        error: std::io::Error,
    },
    #[error("{link}: no acknowledgement after {attempts} attempts (every copy was refused or went unanswered)")]
    NoAck { link: String, attempts: u32 },
    #[error("the connection was closed by the other side")]
    Closed,
    /// An APDU started but did not finish (TCP): the peer closed or stalled in the middle.
    #[error("{link}: APDU cut off after {got} of {expected} bytes: {why}")]
    Incomplete {
        link: String,
        got: usize,
        expected: usize,
        why: &'static str,
    },
    #[error("cannot open serial port {port}: {reason}; ports on this computer: {}", port_list(.available))]
    PortOpen {
        port: String,
        reason: String,
        available: Vec<String>,
    },
    #[error("cannot connect to {addr}: {reason}")]
    Connect { addr: String, reason: String },
}

fn port_list(ports: &[String]) -> String {
    if ports.is_empty() {
        "none found".to_string()
    } else {
        ports.join(", ")
    }
}

/// PA00P016 timers. Tests shorten them; real terminals expect the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// Longest gap between two bytes of one frame before the receiver NAKs it.
    pub t1: Duration,
    /// How long a sender waits for ACK/NAK before repeating the frame.
    pub t2: Duration,
    /// Repeats after the first attempt (NAK or T2 each use one).
    pub repeats: u32,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            t1: Duration::from_millis(200),
            t2: Duration::from_secs(5),
            repeats: 2,
        }
    }
}

/// Fault injection on a serial link, for the simulator side and tests. The `_once` flags are
/// cleared by the link when they fire.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    /// The next frame sent goes out with a wrong CRC (its repeat is correct).
    pub corrupt_crc_once: bool,
    /// Sleep this long between the bytes of the first copy of every frame sent; beyond the
    /// peer's T1 that copy is NAKed and the repeat (sent at full speed) gets through.
    pub byte_delay: Option<Duration>,
    /// Do not ACK the next good frame received, and drop it: the peer repeats it after T2 and
    /// the repeat is ACKed and delivered. `receive` delivers exactly the frames it ACKs.
    pub skip_ack_once: bool,
    /// A dead peer: `receive` reads and discards everything without answering and returns
    /// Ok(None) at its timeout; `send` writes nothing and returns Ok.
    pub silent: bool,
}
