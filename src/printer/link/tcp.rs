//! A network printer's raw port (9100): the stream carries ESC/POS out and status bytes back.

use std::io::{ErrorKind, Read};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use super::{CHUNK, Duplex, Link, LinkError, LinkOptions, at_least_1ms, query_status, read_error, write_counted};
use crate::printer::spec::PrinterSpec;
use crate::printer::status::PrinterStatus;

#[derive(Debug)]
pub struct TcpLink {
    stream: TcpStream,
    label: String,
    opts: LinkOptions,
}

impl TcpLink {
    /// Tries every address the host resolves to, each for `connect_timeout`.
    pub fn connect(host: &str, port: u16, opts: &LinkOptions) -> Result<TcpLink, LinkError> {
        let label = PrinterSpec::Tcp {
            host: host.to_string(),
            port,
        }
        .to_string();
        let target = match host.contains(':') {
            true => format!("printer at [{host}]:{port}"),
            false => format!("printer at {host}:{port}"),
        };
        let addrs: Vec<SocketAddr> = (host, port)
            .to_socket_addrs()
            .map_err(|e| LinkError::Open {
                target: target.clone(),
                reason: format!("cannot resolve '{host}': {e}"),
            })?
            .collect();
        let timeout = at_least_1ms(opts.connect_timeout);
        let mut last = None;
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, timeout) {
                Ok(stream) => return TcpLink::with_label(stream, label, opts),
                Err(e) => last = Some(e),
            }
        }
        Err(match last {
            None => LinkError::Open {
                target,
                reason: format!("'{host}' resolves to no address"),
            },
            Some(e) if e.kind() == ErrorKind::ConnectionRefused => LinkError::Refused { target },
            Some(e) if matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) => {
                LinkError::ConnectTimeout { target, timeout }
            }
            Some(e) => LinkError::Open {
                target,
                reason: e.to_string(),
            },
        })
    }

    /// Wraps a connected stream (tests, a printer simulator).
    pub fn from_stream(stream: TcpStream, opts: &LinkOptions) -> Result<TcpLink, LinkError> {
        let label = match stream.peer_addr() {
            Ok(peer) => format!("tcp:{peer}"),
            Err(_) => "tcp:(peer unknown)".to_string(),
        };
        TcpLink::with_label(stream, label, opts)
    }

    fn with_label(stream: TcpStream, label: String, opts: &LinkOptions) -> Result<TcpLink, LinkError> {
        // Status requests are 3 bytes and wait for an answer: send them at once. Best effort,
        // without it they are only slower.
        let _ = stream.set_nodelay(true);
        // Without a write timeout a printer that stops reading would hang the till.
        stream
            .set_write_timeout(Some(at_least_1ms(opts.write_timeout)))
            .map_err(|e| LinkError::Open {
                target: label.clone(),
                reason: format!("cannot set the write timeout: {e}"),
            })?;
        Ok(TcpLink {
            stream,
            label,
            opts: *opts,
        })
    }

    fn drain(&mut self) -> Result<(), LinkError> {
        let mut buf = [0u8; 512];
        // Bounded, so a printer that keeps talking cannot hold us here.
        for _ in 0..256 {
            match self.stream.read(&mut buf) {
                Ok(0) => return Err(LinkError::Closed),
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(read_error(e)),
            }
        }
        Ok(())
    }
}

impl Link for TcpLink {
    fn describe(&self) -> String {
        self.label.clone()
    }

    fn send(&mut self, bytes: &[u8]) -> Result<(), LinkError> {
        write_counted(&mut self.stream, bytes, CHUNK, self.opts.write_timeout)
    }

    fn status(&mut self) -> Result<Option<PrinterStatus>, LinkError> {
        query_status(self, self.opts.status_timeout).map(Some)
    }
}

impl Duplex for TcpLink {
    fn discard_input(&mut self) -> Result<(), LinkError> {
        let io = |source| LinkError::Io {
            action: "switching the printer connection's blocking mode",
            source,
        };
        self.stream.set_nonblocking(true).map_err(io)?;
        let drained = self.drain();
        // Restore blocking mode whatever the drain found: the write timeout relies on it.
        let restored = self.stream.set_nonblocking(false).map_err(io);
        drained.and(restored)
    }

    fn write_request(&mut self, request: &[u8]) -> Result<(), LinkError> {
        write_counted(&mut self.stream, request, CHUNK, self.opts.write_timeout)
    }

    fn read_byte(&mut self, wait: Duration) -> Result<Option<u8>, LinkError> {
        self.stream
            .set_read_timeout(Some(at_least_1ms(wait)))
            .map_err(|source| LinkError::Io {
                action: "setting the read timeout",
                source,
            })?;
        let mut byte = [0u8; 1];
        match self.stream.read(&mut byte) {
            Ok(0) => Err(LinkError::Closed),
            Ok(_) => Ok(Some(byte[0])),
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(read_error(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::net::TcpListener;
    use std::sync::mpsc;
    use std::thread::{self, JoinHandle};
    use std::time::Instant;

    use super::*;
    use crate::printer::link::open;

    fn opts() -> LinkOptions {
        LinkOptions {
            connect_timeout: Duration::from_secs(2),
            write_timeout: Duration::from_secs(2),
            status_timeout: Duration::from_millis(300),
        }
    }

    fn spec(port: u16) -> PrinterSpec {
        PrinterSpec::Tcp {
            host: "127.0.0.1".into(),
            port,
        }
    }

    /// A network printer: sends `greeting`, answers DLE EOT n with `replies[n - 1]` (empty =
    /// silence) and returns everything it received once the client hangs up.
    fn fake_printer(greeting: Vec<u8>, replies: [Vec<u8>; 4]) -> (u16, JoinHandle<Vec<u8>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let handle = thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            s.write_all(&greeting).unwrap();
            let mut got = Vec::new();
            let mut buf = [0u8; 4096];
            loop {
                let n = match s.read(&mut buf) {
                    Ok(0) | Err(_) => return got,
                    Ok(n) => n,
                };
                for &b in &buf[..n] {
                    got.push(b);
                    if let [.., 0x10, 0x04, k @ 1..=4] = got[..] {
                        let _ = s.write_all(&replies[usize::from(k) - 1]);
                    }
                }
            }
        });
        (port, handle)
    }

    fn requests() -> Vec<u8> {
        (1..=4).flat_map(|n| [0x10, 0x04, n]).collect()
    }

    #[test]
    fn sends_and_reads_status() {
        let (port, printer) = fake_printer(vec![], [vec![0x12], vec![0x12], vec![0x12], vec![0x12]]);
        let mut link = open(&spec(port), &opts()).unwrap();
        assert_eq!(link.describe(), format!("tcp:127.0.0.1:{port}"));
        let job = b"\x1b@Tillguard\n\x1dV\x00".to_vec();
        link.send(&job).unwrap();
        let status = link.status().unwrap().unwrap();
        assert_eq!(status, PrinterStatus::default());
        assert_eq!(status.problem(), None);
        drop(link);
        let got = printer.join().unwrap();
        assert_eq!(got, [job, requests()].concat());
    }

    #[test]
    fn reports_paper_out() {
        let (port, printer) = fake_printer(vec![], [vec![0x1A], vec![0x32], vec![0x12], vec![0x72]]);
        let mut link = open(&spec(port), &opts()).unwrap();
        let status = link.status().unwrap().unwrap();
        assert!(status.paper_out && status.offline && !status.cover_open);
        assert_eq!(status.problem(), Some("paper-out"));
        drop(link);
        printer.join().unwrap();
    }

    #[test]
    fn skips_stale_input_flow_control_and_asb() {
        // Junk before the query, then XOFF and an ASB block ahead of the first real reply.
        let (port, printer) = fake_printer(
            vec![0x00, 0xFF, 0x12],
            [
                vec![0x13, 0x10, 0x00, 0x00, 0x0F, 0x16],
                vec![0x12],
                vec![0x12],
                vec![0x11, 0x1E],
            ],
        );
        let mut link = open(&spec(port), &opts()).unwrap();
        thread::sleep(Duration::from_millis(200));
        let status = link.status().unwrap().unwrap();
        assert!(status.drawer_pin3_high && status.paper_near_end);
        assert_eq!(status.problem(), None);
        assert_eq!(status.warnings(), vec!["paper-near-end"]);
        drop(link);
        printer.join().unwrap();
    }

    #[test]
    fn a_printer_that_stops_reading_times_out_with_counts() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (done, wait) = mpsc::channel::<()>();
        let holder = thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            // Hold the connection open without reading until the test is over.
            let _ = wait.recv();
            drop(stream);
        });
        let opts = LinkOptions {
            write_timeout: Duration::from_millis(300),
            ..opts()
        };
        let mut link = open(&spec(port), &opts).unwrap();
        let job = vec![b'x'; 16 * 1024 * 1024];
        let started = Instant::now();
        let err = link.send(&job).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(20));
        let LinkError::WriteTimeout { sent, total, .. } = err else {
            panic!("expected a write timeout, got {err:?}");
        };
        assert!(sent > 0 && sent < total && total == job.len(), "{sent} of {total}");
        let message = err.to_string();
        assert!(
            message.contains(&format!("after {sent} of 16777216 bytes")),
            "{message}"
        );
        done.send(()).unwrap();
        holder.join().unwrap();
    }

    #[test]
    fn no_listener_is_refused() {
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        match open(&spec(port), &opts()) {
            Err(LinkError::Refused { target }) => assert_eq!(target, format!("printer at 127.0.0.1:{port}")),
            Err(e) => panic!("expected refused, got {e:?}"),
            Ok(_) => panic!("expected refused, but connected"),
        }
    }

    #[test]
    fn silence_is_no_answer() {
        let (port, printer) = fake_printer(vec![], Default::default());
        let mut link = open(&spec(port), &opts()).unwrap();
        let started = Instant::now();
        let err = link.status().unwrap_err();
        assert!(matches!(err, LinkError::NoAnswer { request: 1, .. }), "{err:?}");
        assert!(started.elapsed() >= Duration::from_millis(300));
        drop(link);
        printer.join().unwrap();
    }

    #[test]
    fn garbage_is_a_bad_reply() {
        let (port, printer) = fake_printer(vec![], [vec![0x12], vec![0x00], vec![], vec![]]);
        let mut link = open(&spec(port), &opts()).unwrap();
        let err = link.status().unwrap_err();
        assert!(matches!(err, LinkError::BadReply { request: 2, byte: 0x00 }), "{err:?}");
        drop(link);
        printer.join().unwrap();
    }

    #[test]
    fn a_closed_connection_is_reported() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let closer = thread::spawn(move || drop(listener.accept().unwrap()));
        let mut link = open(&spec(port), &opts()).unwrap();
        closer.join().unwrap();
        thread::sleep(Duration::from_millis(100));
        let err = link.status().unwrap_err();
        assert!(matches!(err, LinkError::Closed), "{err:?}");
    }
}
