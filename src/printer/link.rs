//! The byte pipe to a receipt printer: raw ESC/POS out and, where the connection allows,
//! real-time status (DLE EOT) back. Layout and encoding happen elsewhere; a link only moves
//! bytes and says precisely how far it got when it fails.

mod file;
mod serial;
mod tcp;
#[cfg(feature = "usb")]
mod usb;

use std::io::{self, ErrorKind, Write};
use std::time::{Duration, Instant};

pub use file::OneWayLink;
pub use serial::SerialLink;
pub use tcp::TcpLink;
#[cfg(feature = "usb")]
pub use usb::UsbLink;

use super::spec::PrinterSpec;
use super::status::{self, PrinterStatus};

/// One open connection to a printer.
pub trait Link: Send {
    /// For logs and messages, e.g. "tcp:192.168.1.50:9100".
    fn describe(&self) -> String;
    /// Writes every byte or fails with how many went out.
    fn send(&mut self, bytes: &[u8]) -> Result<(), LinkError>;
    /// Asks DLE EOT 1..4; Ok(None) on one-way links (device, file), which cannot hear back.
    fn status(&mut self) -> Result<Option<PrinterStatus>, LinkError>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkOptions {
    /// TCP only: how long to wait for each address of the host to accept.
    pub connect_timeout: Duration,
    /// How long the printer may take nothing before a send gives up. Measured per write, so a
    /// slow printer that keeps taking bytes is never cut off.
    pub write_timeout: Duration,
    /// How long to wait for each status reply byte.
    pub status_timeout: Duration,
}

impl Default for LinkOptions {
    fn default() -> Self {
        LinkOptions {
            connect_timeout: Duration::from_secs(3),
            write_timeout: Duration::from_secs(10),
            status_timeout: Duration::from_secs(1),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// The port, device or file could not be opened, or the host name did not resolve.
    #[error("cannot open {target}: {reason}")]
    Open { target: String, reason: String },
    #[error("{target} refused the connection (wrong port, or raw TCP printing switched off on the printer?)")]
    Refused { target: String },
    #[error("no connection to {target} within {} ms (printer off, or not on this network?)", .timeout.as_millis())]
    ConnectTimeout { target: String, timeout: Duration },
    #[error("printer stopped reading after {sent} of {total} bytes (took nothing for {} ms)", .timeout.as_millis())]
    WriteTimeout {
        sent: usize,
        total: usize,
        timeout: Duration,
    },
    #[error("the connection to the printer closed after {sent} of {total} bytes")]
    ClosedDuringSend { sent: usize, total: usize },
    #[error("writing to the printer failed after {sent} of {total} bytes: {source}")]
    WriteFailed {
        sent: usize,
        total: usize,
        source: io::Error,
    },
    #[error("the connection to the printer closed")]
    Closed,
    #[error("no answer to status request DLE EOT {request} within {} ms (not an ESC/POS printer, or status replies switched off? for a printer that cannot answer, set [printer] status = false)", .timeout.as_millis())]
    NoAnswer { request: u8, timeout: Duration },
    #[error("the printer answered status request DLE EOT {request} with 0x{byte:02X}, which is not a status byte")]
    BadReply { request: u8, byte: u8 },
    #[error("{action}: {source}")]
    Io { action: &'static str, source: io::Error },
    /// The spec names a kind of link this build was made without (USB without `--features usb`).
    #[error("{reason}")]
    NotBuiltIn { reason: &'static str },
}

/// Why a `usb:` printer cannot be opened by a build without the `usb` feature.
pub const USB_NOT_BUILT_IN: &str =
    "USB printing is not built into this Tillguard; use device:/dev/usb/lp0 on Linux, or rebuild with --features usb";

/// Opens the link a spec names.
pub fn open(spec: &PrinterSpec, opts: &LinkOptions) -> Result<Box<dyn Link>, LinkError> {
    Ok(match spec {
        PrinterSpec::Serial { path, baud } => Box::new(SerialLink::open(path, *baud, opts)?),
        PrinterSpec::Tcp { host, port } => Box::new(TcpLink::connect(host, *port, opts)?),
        PrinterSpec::Usb { vendor, product } => open_usb(*vendor, *product, opts)?,
        PrinterSpec::Device { path } => Box::new(OneWayLink::device(path)?),
        PrinterSpec::File { path } => Box::new(OneWayLink::file(path)?),
    })
}

#[cfg(feature = "usb")]
fn open_usb(vendor: u16, product: u16, opts: &LinkOptions) -> Result<Box<dyn Link>, LinkError> {
    Ok(Box::new(UsbLink::open(vendor, product, opts)?))
}

#[cfg(not(feature = "usb"))]
fn open_usb(_vendor: u16, _product: u16, _opts: &LinkOptions) -> Result<Box<dyn Link>, LinkError> {
    Err(LinkError::NotBuiltIn {
        reason: USB_NOT_BUILT_IN,
    })
}

/// Per write() call, so byte counts in errors stay fine-grained and a serial write never
/// asks the driver for more than it can take within the timeout.
const CHUNK: usize = 64 * 1024;

/// std and the serial drivers refuse or misread a zero timeout.
fn at_least_1ms(d: Duration) -> Duration {
    d.max(Duration::from_millis(1))
}

/// Writes all of `bytes`, `chunk` at a time. `timeout` is only used for the message: the
/// writer itself must fail with WouldBlock/TimedOut when it took nothing for that long.
fn write_counted(w: &mut impl Write, bytes: &[u8], chunk: usize, timeout: Duration) -> Result<(), LinkError> {
    let total = bytes.len();
    let mut sent = 0;
    while let Some(rest) = bytes.get(sent..).filter(|r| !r.is_empty()) {
        let piece = rest.get(..chunk.max(1)).unwrap_or(rest);
        match w.write(piece) {
            Ok(0) => {
                return Err(LinkError::WriteFailed {
                    sent,
                    total,
                    source: ErrorKind::WriteZero.into(),
                });
            }
            Ok(n) => sent += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Err(LinkError::WriteTimeout { sent, total, timeout });
            }
            Err(e) if is_hangup(&e) => return Err(LinkError::ClosedDuringSend { sent, total }),
            Err(source) => return Err(LinkError::WriteFailed { sent, total, source }),
        }
    }
    Ok(())
}

fn is_hangup(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::BrokenPipe | ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::UnexpectedEof
    )
}

/// A read error during a status query.
fn read_error(e: io::Error) -> LinkError {
    if is_hangup(&e) {
        LinkError::Closed
    } else {
        LinkError::Io {
            action: "reading the printer's status",
            source: e,
        }
    }
}

/// What the status query needs from a two-way link.
trait Duplex {
    /// Drops whatever the printer sent before we ask, so an old reply is not taken as new.
    fn discard_input(&mut self) -> Result<(), LinkError>;
    fn write_request(&mut self, request: &[u8]) -> Result<(), LinkError>;
    /// One byte if it arrives within `wait`, else None.
    fn read_byte(&mut self, wait: Duration) -> Result<Option<u8>, LinkError>;
}

const XON: u8 = 0x11;
const XOFF: u8 = 0x13;

/// DLE EOT 1, 2, 3, 4, one reply byte each, combined.
fn query_status(link: &mut impl Duplex, timeout: Duration) -> Result<PrinterStatus, LinkError> {
    link.discard_input()?;
    let mut combined = PrinterStatus::default();
    for n in status::PRINTER..=status::PAPER_SENSOR {
        link.write_request(&status::request(n))?;
        let byte = read_reply(link, n, timeout)?;
        let part = status::parse(n, byte).map_err(|_| LinkError::BadReply { request: n, byte })?;
        combined = combined.merge(part);
    }
    Ok(combined)
}

/// Waits for the reply to DLE EOT `n`, passing over what a printer may send unasked at any
/// time: XON/XOFF and Automatic Status Back blocks (4 bytes, the first with bits 0,1,4,7 =
/// 0,0,1,0, which no DLE EOT reply has).
fn read_reply(link: &mut impl Duplex, n: u8, timeout: Duration) -> Result<u8, LinkError> {
    let deadline = Instant::now() + timeout;
    let mut asb_left = 0u8;
    loop {
        let wait = at_least_1ms(deadline.saturating_duration_since(Instant::now()));
        match link.read_byte(wait)? {
            Some(_) if asb_left > 0 => asb_left -= 1,
            Some(XON | XOFF) => {}
            Some(b) if b & 0b1001_0011 == 0b0001_0000 => asb_left = 3,
            Some(b) => return Ok(b),
            None => {}
        }
        if Instant::now() >= deadline {
            return Err(LinkError::NoAnswer { request: n, timeout });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_options() {
        let o = LinkOptions::default();
        assert_eq!(o.connect_timeout, Duration::from_secs(3));
        assert_eq!(o.write_timeout, Duration::from_secs(10));
        assert_eq!(o.status_timeout, Duration::from_secs(1));
    }

    #[test]
    fn messages_carry_the_numbers() {
        let e = LinkError::WriteTimeout {
            sent: 2048,
            total: 5120,
            timeout: Duration::from_millis(300),
        };
        assert_eq!(
            e.to_string(),
            "printer stopped reading after 2048 of 5120 bytes (took nothing for 300 ms)"
        );
        let e = LinkError::BadReply { request: 2, byte: 0x0F };
        assert!(e.to_string().contains("DLE EOT 2 with 0x0F"), "{e}");
    }

    #[cfg(not(feature = "usb"))]
    #[test]
    fn usb_without_the_feature_says_how_to_get_it() {
        let spec = PrinterSpec::parse("usb:0416:5011").unwrap();
        let err = match open(&spec, &LinkOptions::default()) {
            Err(e) => e,
            Ok(link) => panic!("opened {} without the usb feature", link.describe()),
        };
        assert!(matches!(err, LinkError::NotBuiltIn { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            "USB printing is not built into this Tillguard; use device:/dev/usb/lp0 on Linux, \
             or rebuild with --features usb"
        );
    }

    /// A writer that takes `accept` bytes, then fails with `then`.
    struct Stalls {
        accept: usize,
        then: ErrorKind,
    }

    impl Write for Stalls {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.accept == 0 {
                return Err(self.then.into());
            }
            let n = buf.len().min(self.accept).min(1000);
            self.accept -= n;
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn write_counted_reports_progress() {
        let t = Duration::from_millis(5);
        let job = vec![0u8; 5120];
        let mut w = Stalls {
            accept: 2048,
            then: ErrorKind::WouldBlock,
        };
        let err = write_counted(&mut w, &job, 512, t).unwrap_err();
        assert!(
            matches!(
                err,
                LinkError::WriteTimeout {
                    sent: 2048,
                    total: 5120,
                    ..
                }
            ),
            "{err:?}"
        );
        let mut w = Stalls {
            accept: 100,
            then: ErrorKind::BrokenPipe,
        };
        let err = write_counted(&mut w, &job, CHUNK, t).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the connection to the printer closed after 100 of 5120 bytes"
        );
        let mut w = Stalls {
            accept: 0,
            then: ErrorKind::PermissionDenied,
        };
        assert!(matches!(
            write_counted(&mut w, &job, CHUNK, t),
            Err(LinkError::WriteFailed { sent: 0, .. })
        ));
        let mut w = Stalls {
            accept: 5120,
            then: ErrorKind::Other,
        };
        assert!(write_counted(&mut w, &job, CHUNK, t).is_ok());
        assert!(write_counted(&mut w, &[], CHUNK, t).is_ok());
    }
}
