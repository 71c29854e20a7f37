//! ZVT over TCP (PA00P016 section 4): raw APDUs back to back, no framing, CRC or ACK.
//! The stream is cut into APDUs by their own length field.

use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::link::{Link, LinkError};

pub const DEFAULT_TCP_PORT: u16 = 20007;

/// Once an APDU has started, the rest must follow within this long; a peer that stalls
/// mid-APDU is as broken as one that hangs up (PA00P016 allows T2 = 5 s for an answer).
const STALL: Duration = Duration::from_secs(5);

#[derive(Debug)]
pub struct TcpLink {
    stream: TcpStream,
    label: String,
}

/// Adds the ZVT port to an address without one: "10.0.0.5", "pt.local", "::1", "[::1]".
fn with_default_port(addr: &str) -> String {
    if addr.parse::<SocketAddr>().is_ok() {
        return addr.to_string();
    }
    if let Ok(ip) = addr.parse::<IpAddr>() {
        return SocketAddr::new(ip, DEFAULT_TCP_PORT).to_string();
    }
    match addr.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') && port.parse::<u16>().is_ok() => addr.to_string(),
        _ => format!("{addr}:{DEFAULT_TCP_PORT}"),
    }
}

impl TcpLink {
    /// Connects to a terminal; `addr` may omit the port (20007).
    pub fn connect(addr: &str, timeout: Duration) -> Result<TcpLink, LinkError> {
        let target = with_default_port(addr);
        let fail = |reason: String| LinkError::Connect {
            addr: target.clone(),
            reason,
        };
        let candidates: Vec<SocketAddr> = target.to_socket_addrs().map_err(|e| fail(e.to_string()))?.collect();
        let mut last = "the name resolves to no address".to_string();
        for candidate in candidates {
            match TcpStream::connect_timeout(&candidate, timeout) {
                Ok(stream) => return Ok(TcpLink::labelled(stream, format!("tcp {target}"))),
                Err(e) => last = e.to_string(),
            }
        }
        Err(fail(last))
    }

    /// Wraps an accepted or connected stream (the simulator's listener, tests).
    pub fn from_stream(stream: TcpStream) -> TcpLink {
        let label = match stream.peer_addr() {
            Ok(peer) => format!("tcp {peer}"),
            Err(_) => "tcp (peer unknown)".to_string(),
        };
        TcpLink::labelled(stream, label)
    }

    fn labelled(stream: TcpStream, label: String) -> TcpLink {
        // APDUs are small and answered one by one: send each at once. A write that cannot
        // finish (peer not reading) must fail rather than hang the till. Both are best effort:
        // without them the link still works, only slower or less guarded.
        let _ = stream.set_nodelay(true);
        let _ = stream.set_write_timeout(Some(STALL));
        TcpLink { stream, label }
    }

    fn io(&self, action: &'static str, error: std::io::Error) -> LinkError {
        match error.kind() {
            ErrorKind::BrokenPipe | ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted => LinkError::Closed,
            _ => LinkError::Io {
                link: self.label.clone(),
                action,
                error,
            },
        }
    }

    /// Fills `buf[*got..]`, waiting until `deadline`. Returns false if nothing at all arrived
    /// by then; an end of stream is `Closed` before the first byte, `Incomplete` after it.
    fn fill(&mut self, buf: &mut [u8], got: &mut usize, deadline: Instant) -> Result<bool, LinkError> {
        while *got < buf.len() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return if *got > 0 {
                    Err(self.cut(*got, buf.len(), "nothing more for 5 s"))
                } else {
                    Ok(false)
                };
            }
            // std refuses a zero read timeout, so the last moment gets a 1 ms wait.
            if let Err(e) = self.stream.set_read_timeout(Some(left.max(Duration::from_millis(1)))) {
                return Err(self.io("setting the read timeout", e));
            }
            let Some(rest) = buf.get_mut(*got..) else { break };
            match self.stream.read(rest) {
                Ok(0) if *got > 0 => return Err(self.cut(*got, buf.len(), "the connection closed")),
                Ok(0) => return Err(LinkError::Closed),
                Ok(n) => *got += n,
                Err(e)
                    if matches!(
                        e.kind(),
                        ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
                    ) => {}
                Err(e) => return Err(self.io("reading", e)),
            }
        }
        Ok(true)
    }

    fn cut(&self, got: usize, expected: usize, why: &'static str) -> LinkError {
        LinkError::Incomplete {
            link: self.label.clone(),
            got,
            expected,
            why,
        }
    }
}

impl Link for TcpLink {
    fn send(&mut self, apdu: &[u8]) -> Result<(), LinkError> {
        self.stream.write_all(apdu).map_err(|e| self.io("writing", e))
    }

    fn receive(&mut self, timeout: Duration) -> Result<Option<Vec<u8>>, LinkError> {
        // CLASS INSTR LEN, and if LEN is FF two more bytes: the 16-bit length, low byte first.
        let mut apdu = vec![0u8; 1];
        let mut got = 0;
        if !self.fill(&mut apdu, &mut got, Instant::now() + timeout)? {
            return Ok(None);
        }
        apdu.resize(3, 0);
        self.fill(&mut apdu, &mut got, Instant::now() + STALL)?;
        let body = match apdu.get(2) {
            Some(&0xFF) => {
                apdu.resize(5, 0);
                self.fill(&mut apdu, &mut got, Instant::now() + STALL)?;
                usize::from(u16::from_le_bytes([
                    apdu.get(3).copied().unwrap_or(0),
                    apdu.get(4).copied().unwrap_or(0),
                ]))
            }
            Some(&len) => usize::from(len),
            None => 0,
        };
        apdu.resize(apdu.len() + body, 0);
        self.fill(&mut apdu, &mut got, Instant::now() + STALL)?;
        Ok(Some(apdu))
    }

    fn describe(&self) -> String {
        self.label.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::with_default_port;

    #[test]
    fn default_port_is_added_only_when_missing() {
        assert_eq!(with_default_port("10.0.0.5"), "10.0.0.5:20007");
        assert_eq!(with_default_port("10.0.0.5:4000"), "10.0.0.5:4000");
        assert_eq!(with_default_port("pt.local"), "pt.local:20007");
        assert_eq!(with_default_port("pt.local:4000"), "pt.local:4000");
        assert_eq!(with_default_port("::1"), "[::1]:20007");
        assert_eq!(with_default_port("[::1]:4000"), "[::1]:4000");
    }
}
