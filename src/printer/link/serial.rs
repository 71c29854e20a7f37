//! A printer on an RS-232 or USB-serial port: 8N1, no flow control.

use std::io::{ErrorKind, Read};
use std::time::Duration;

use serialport::{ClearBuffer, DataBits, FlowControl, Parity, SerialPort, StopBits};

use super::{Duplex, Link, LinkError, LinkOptions, at_least_1ms, query_status, read_error, write_counted};
use crate::printer::spec::PrinterSpec;
use crate::printer::status::PrinterStatus;

/// Per write(): a tty reports "writable" once its queue is nearly empty, and a write larger
/// than the room left would block past the timeout.
const SERIAL_CHUNK: usize = 256;

pub struct SerialLink {
    port: Box<dyn SerialPort>,
    label: String,
    opts: LinkOptions,
}

impl std::fmt::Debug for SerialLink {
    // The boxed port has no Debug; the label names it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SerialLink")
            .field("port", &self.label)
            .field("opts", &self.opts)
            .finish_non_exhaustive()
    }
}

impl SerialLink {
    pub fn open(path: &str, baud: u32, opts: &LinkOptions) -> Result<SerialLink, LinkError> {
        let port = serialport::new(path, baud)
            .data_bits(DataBits::Eight)
            .parity(Parity::None)
            .stop_bits(StopBits::One)
            .flow_control(FlowControl::None)
            .timeout(at_least_1ms(opts.write_timeout))
            .open()
            .map_err(|e| LinkError::Open {
                target: format!("serial port {path}"),
                reason: format!("{}; {}", e.description, port_list()),
            })?;
        let label = PrinterSpec::Serial {
            path: path.to_string(),
            baud,
        }
        .to_string();
        Ok(SerialLink::from_port(port, label, opts))
    }

    /// Wraps an open port, e.g. one end of `TTYPort::pair()`.
    pub fn from_port(port: Box<dyn SerialPort>, label: impl Into<String>, opts: &LinkOptions) -> SerialLink {
        SerialLink {
            port,
            label: label.into(),
            opts: *opts,
        }
    }

    fn set_timeout(&mut self, timeout: Duration) -> Result<(), LinkError> {
        self.port.set_timeout(at_least_1ms(timeout)).map_err(|e| LinkError::Io {
            action: "setting the serial port timeout",
            source: e.into(),
        })
    }
}

/// For the open error: the port may simply be named differently on this computer.
fn port_list() -> String {
    let mut names: Vec<String> = serialport::available_ports()
        .map(|ports| ports.into_iter().map(|p| p.port_name).collect())
        .unwrap_or_default();
    names.sort();
    names.dedup();
    if names.is_empty() {
        "no serial ports found on this computer".to_string()
    } else {
        format!("serial ports here: {}", names.join(", "))
    }
}

impl Link for SerialLink {
    fn describe(&self) -> String {
        self.label.clone()
    }

    fn send(&mut self, bytes: &[u8]) -> Result<(), LinkError> {
        // One timeout serves reads and writes on a serial port; set the one this needs.
        self.set_timeout(self.opts.write_timeout)?;
        // No flush(): tcdrain has no timeout and would hang on a printer that stopped reading.
        write_counted(&mut self.port, bytes, SERIAL_CHUNK, self.opts.write_timeout)
    }

    fn status(&mut self) -> Result<Option<PrinterStatus>, LinkError> {
        query_status(self, self.opts.status_timeout).map(Some)
    }
}

impl Duplex for SerialLink {
    fn discard_input(&mut self) -> Result<(), LinkError> {
        self.port.clear(ClearBuffer::Input).map_err(|e| LinkError::Io {
            action: "clearing the serial input buffer",
            source: e.into(),
        })
    }

    fn write_request(&mut self, request: &[u8]) -> Result<(), LinkError> {
        self.set_timeout(self.opts.write_timeout)?;
        write_counted(&mut self.port, request, SERIAL_CHUNK, self.opts.write_timeout)
    }

    fn read_byte(&mut self, wait: Duration) -> Result<Option<u8>, LinkError> {
        self.set_timeout(wait)?;
        let mut byte = [0u8; 1];
        match self.port.read(&mut byte) {
            Ok(1) => Ok(Some(byte[0])),
            // Nothing came within the timeout; the caller's deadline decides what that means.
            Ok(_) => Ok(None),
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::TimedOut | ErrorKind::WouldBlock | ErrorKind::Interrupted
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(read_error(e)),
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::io::Write;
    use std::sync::mpsc;
    use std::thread::{self, JoinHandle};
    use std::time::Instant;

    use serialport::TTYPort;

    use super::*;

    fn opts() -> LinkOptions {
        LinkOptions {
            connect_timeout: Duration::from_secs(1),
            write_timeout: Duration::from_secs(2),
            status_timeout: Duration::from_millis(300),
        }
    }

    /// The link on the pty's slave side (a tty like a real port), the master for the test.
    fn pty() -> (SerialLink, TTYPort) {
        let (master, slave) = TTYPort::pair().unwrap();
        (SerialLink::from_port(Box::new(slave), "pty", &opts()), master)
    }

    /// Reads from the master until `want` bytes arrived or 10 s passed.
    fn collect(mut master: TTYPort, want: usize) -> JoinHandle<Vec<u8>> {
        thread::spawn(move || {
            master.set_timeout(Duration::from_millis(50)).unwrap();
            let deadline = Instant::now() + Duration::from_secs(10);
            let mut got = Vec::new();
            let mut buf = [0u8; 4096];
            while got.len() < want && Instant::now() < deadline {
                match master.read(&mut buf) {
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                    // No data yet.
                    Err(e) if e.kind() == ErrorKind::TimedOut => {}
                    Err(e) => panic!("reading the pty: {e}"),
                }
            }
            got
        })
    }

    #[test]
    fn sends_every_byte() {
        let (mut link, master) = pty();
        assert_eq!(link.describe(), "pty");
        let job: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
        let reader = collect(master, job.len());
        link.send(&job).unwrap();
        assert_eq!(reader.join().unwrap(), job);
    }

    #[test]
    fn status_round_trip() {
        let (mut link, mut master) = pty();
        // Stale bytes waiting on the line must not be taken for replies.
        master.write_all(&[0x12, 0x12]).unwrap();
        thread::sleep(Duration::from_millis(100));
        let (stop, stopped) = mpsc::channel::<()>();
        let printer = thread::spawn(move || {
            master.set_timeout(Duration::from_millis(20)).unwrap();
            let mut got = Vec::new();
            let mut buf = [0u8; 16];
            while stopped.try_recv().is_err() {
                let n = match master.read(&mut buf) {
                    Ok(n) => n,
                    Err(e) if e.kind() == ErrorKind::TimedOut => continue,
                    Err(e) => panic!("reading the pty: {e}"),
                };
                for &b in &buf[..n] {
                    got.push(b);
                    match got[..] {
                        [.., 0x10, 0x04, 1] => master.write_all(&[0x16]).unwrap(),
                        [.., 0x10, 0x04, 4] => master.write_all(&[0x1E]).unwrap(),
                        [.., 0x10, 0x04, 2 | 3] => master.write_all(&[0x12]).unwrap(),
                        _ => {}
                    }
                }
            }
            got
        });
        let status = link.status().unwrap().unwrap();
        assert!(status.drawer_pin3_high && status.paper_near_end);
        assert_eq!(status.problem(), None);
        stop.send(()).unwrap();
        let got = printer.join().unwrap();
        assert_eq!(got, (1..=4).flat_map(|n| [0x10, 0x04, n]).collect::<Vec<u8>>());
    }

    #[test]
    fn silence_is_no_answer() {
        let (mut link, master) = pty();
        let err = link.status().unwrap_err();
        assert!(matches!(err, LinkError::NoAnswer { request: 1, .. }), "{err:?}");
        drop(master);
    }

    #[test]
    fn nobody_reading_times_out_with_counts() {
        let (master, slave) = TTYPort::pair().unwrap();
        let opts = LinkOptions {
            write_timeout: Duration::from_millis(200),
            ..opts()
        };
        let mut link = SerialLink::from_port(Box::new(slave), "pty", &opts);
        let job = vec![b'x'; 1024 * 1024];
        let err = link.send(&job).unwrap_err();
        let LinkError::WriteTimeout { sent, total, .. } = err else {
            panic!("expected a write timeout, got {err:?}");
        };
        assert!(sent < total && total == job.len(), "{sent} of {total}");
        assert!(err.to_string().contains("stopped reading"), "{err}");
        drop(master);
    }

    #[test]
    fn a_missing_port_names_itself() {
        let err = SerialLink::open("/dev/tillguard-no-such-tty", 9600, &opts()).unwrap_err();
        let message = err.to_string();
        assert!(
            message.starts_with("cannot open serial port /dev/tillguard-no-such-tty: "),
            "{message}"
        );
    }
}
