//! A USB printer claimed by vendor and product id, through the escpos crate's pure-Rust
//! `NativeUsbDriver` (nusb: usbfs on Linux, WinUSB on Windows, IOKit on macOS; no libusb).
//!
//! That driver fixes its own timeout for every USB transfer (5 s in escpos 0.20) and reports
//! errors as text, so this link cannot apply `LinkOptions::write_timeout` itself, cannot notice
//! a silent printer sooner than that timeout, and tells timeouts and unplugging apart by the
//! driver's words. Every write call waits until the printer took the whole chunk, so a failed
//! send counts exactly the chunks that went out.

use std::collections::VecDeque;
use std::io::{self, ErrorKind, Write};
use std::time::Duration;

use escpos::driver::{Driver, NativeUsbDriver};
use escpos::errors::PrinterError;

use super::{Duplex, Link, LinkError, LinkOptions, query_status, read_error, write_counted};
use crate::printer::spec::PrinterSpec;
use crate::printer::status::PrinterStatus;

/// How long escpos 0.20's `NativeUsbDriver` waits for each USB transfer, in both directions
/// (`DEFAULT_TIMEOUT_SECONDS` in its io/driver.rs; it cannot be set from outside).
pub const NATIVE_DRIVER_TIMEOUT: Duration = Duration::from_secs(5);

/// Per driver write. Small enough that the count in a failed send's error means something,
/// large enough that the driver's per-call setup does not slow a logo down.
const USB_CHUNK: usize = 4096;

/// One driver read returns a whole USB transfer (up to its short packet) and drops what does not
/// fit here; a status reply with some ASB blocks ahead of it is a few bytes.
const READ_BUF: usize = 1024;

pub struct UsbLink {
    driver: Box<dyn Driver + Send>,
    label: String,
    opts: LinkOptions,
    /// The driver's own fixed wait per transfer; it bounds how soon silence can be noticed.
    driver_timeout: Duration,
    /// Bytes a read brought beyond the one asked for: one USB packet can carry several.
    unread: VecDeque<u8>,
}

impl std::fmt::Debug for UsbLink {
    // The boxed driver has no Debug; the label names it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UsbLink")
            .field("printer", &self.label)
            .field("opts", &self.opts)
            .field("driver_timeout", &self.driver_timeout)
            .finish_non_exhaustive()
    }
}

impl UsbLink {
    /// Claims the first USB device with these ids (on Linux detaching the `usblp` kernel driver,
    /// which nusb re-attaches when the link is dropped).
    pub fn open(vendor: u16, product: u16, opts: &LinkOptions) -> Result<UsbLink, LinkError> {
        let driver = NativeUsbDriver::open(vendor, product).map_err(|e| LinkError::Open {
            target: format!("USB printer {vendor:04x}:{product:04x}"),
            reason: open_reason(&driver_message(&e)),
        })?;
        let label = PrinterSpec::Usb { vendor, product }.to_string();
        Ok(UsbLink::from_driver(driver, label, NATIVE_DRIVER_TIMEOUT, opts))
    }

    /// Wraps an open driver (tests, another transport). `driver_timeout` is how long each of
    /// its reads and writes waits before it gives up.
    pub fn from_driver(
        driver: impl Driver + Send + 'static,
        label: impl Into<String>,
        driver_timeout: Duration,
        opts: &LinkOptions,
    ) -> UsbLink {
        UsbLink {
            driver: Box::new(driver),
            label: label.into(),
            opts: *opts,
            driver_timeout,
            unread: VecDeque::new(),
        }
    }

    fn write_all(&mut self, bytes: &[u8]) -> Result<(), LinkError> {
        // The driver, not the options, decides when a stalled write gives up: name its timeout.
        write_counted(&mut DriverWriter(&*self.driver), bytes, USB_CHUNK, self.driver_timeout)
    }
}

/// The driver's text without its "IO error: " prefix.
fn driver_message(e: &PrinterError) -> String {
    match e {
        PrinterError::Io(m) | PrinterError::Input(m) | PrinterError::InvalidResponse(m) => m.clone(),
    }
}

/// Adds what to do to the driver's and nusb's words for the common failures.
fn open_reason(message: &str) -> String {
    let lower = message.to_ascii_lowercase();
    if lower.contains("device not found") {
        "no USB device with these ids is connected (printer off or unplugged? lsusb, or the \
         hardware ids in the Windows Device Manager, show the ids)"
            .to_string()
    } else if lower.contains("endpoints") {
        format!("{message} (USB links need a two-way printer; use device:/dev/usb/lp0 on Linux instead)")
    } else if lower.contains("permission denied") {
        format!("{message} (this user needs write access to the printer under /dev/bus/usb, e.g. from a udev rule)")
    } else if lower.contains("busy") {
        format!("{message} (another program, or another Tillguard, has the printer open)")
    } else if cfg!(windows) && lower.contains("driver") {
        format!("{message} (USB links need the WinUSB driver for the printer, e.g. installed with Zadig)")
    } else {
        message.to_string()
    }
}

/// The driver's error as an io::Error of the kind `write_counted` and `read_error` sort by.
fn io_error(e: &PrinterError) -> io::Error {
    let message = driver_message(e);
    let lower = message.to_ascii_lowercase();
    // nusb's words: "write timeout", "timeout waiting for read", "device disconnected"; the
    // kernel's "No such device" when the printer went away between transfers.
    let kind = if lower.contains("timeout") || lower.contains("timed out") {
        ErrorKind::TimedOut
    } else if lower.contains("disconnected") || lower.contains("no such device") {
        ErrorKind::ConnectionAborted
    } else {
        ErrorKind::Other
    };
    io::Error::new(kind, message)
}

/// One `write` is one driver call: all of `buf` went out, or none is counted.
struct DriverWriter<'a>(&'a (dyn Driver + Send));

impl Write for DriverWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf).map(|()| buf.len()).map_err(|e| io_error(&e))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(|e| io_error(&e))
    }
}

impl Link for UsbLink {
    fn describe(&self) -> String {
        self.label.clone()
    }

    fn send(&mut self, bytes: &[u8]) -> Result<(), LinkError> {
        self.write_all(bytes)
    }

    fn status(&mut self) -> Result<Option<PrinterStatus>, LinkError> {
        // Each read waits the driver's timeout whatever we ask, so a silent printer cannot be
        // noticed sooner; saying so keeps NoAnswer's "within N ms" true.
        let timeout = self.opts.status_timeout.max(self.driver_timeout);
        query_status(self, timeout).map(Some)
    }
}

impl Duplex for UsbLink {
    fn discard_input(&mut self) -> Result<(), LinkError> {
        // Only what was already read: the driver cannot poll without waiting its full timeout.
        // USB keeps nothing on the host unasked, so older bytes are only ones the printer still
        // holds (a reply that came after its request timed out).
        self.unread.clear();
        Ok(())
    }

    fn write_request(&mut self, request: &[u8]) -> Result<(), LinkError> {
        self.write_all(request)
    }

    fn read_byte(&mut self, _wait: Duration) -> Result<Option<u8>, LinkError> {
        if let Some(byte) = self.unread.pop_front() {
            return Ok(Some(byte));
        }
        let mut buf = [0u8; READ_BUF];
        match self.driver.read(&mut buf) {
            Ok(n) => {
                self.unread.extend(buf.iter().take(n));
                Ok(self.unread.pop_front())
            }
            Err(e) => match io_error(&e) {
                e if e.kind() == ErrorKind::TimedOut => Ok(None),
                e => Err(read_error(e)),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::thread;
    use std::time::Instant;

    use super::*;
    use crate::printer::link::open;

    fn opts() -> LinkOptions {
        LinkOptions {
            connect_timeout: Duration::from_secs(1),
            write_timeout: Duration::from_secs(2),
            status_timeout: Duration::from_millis(200),
        }
    }

    /// What the fake printer saw and will say.
    #[derive(Default)]
    struct State {
        /// Every driver write, as it came.
        writes: Vec<Vec<u8>>,
        /// Bytes it takes before `fail` (None: all).
        accept: Option<usize>,
        fail: &'static str,
        /// The packet answering DLE EOT n is `replies[n - 1]` (empty = silence).
        replies: [Vec<u8>; 4],
        /// Packets waiting to be read.
        packets: Vec<Vec<u8>>,
        /// Set after the next read: the printer was unplugged.
        unplugged: bool,
    }

    /// A USB printer behind escpos's Driver trait: it fails the way NativeUsbDriver does, with
    /// nusb's words in a PrinterError::Io.
    #[derive(Clone, Default)]
    struct FakeUsb(Arc<Mutex<State>>);

    impl Driver for FakeUsb {
        fn name(&self) -> String {
            "fake USB".to_string()
        }

        fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
            let mut s = self.0.lock().unwrap();
            if let Some(left) = s.accept {
                if left < data.len() {
                    return Err(PrinterError::Io(s.fail.to_string()));
                }
                s.accept = Some(left - data.len());
            }
            s.writes.push(data.to_vec());
            if let [.., 0x10, 0x04, n @ 1..=4] = *data {
                let reply = s.replies[usize::from(n) - 1].clone();
                if !reply.is_empty() {
                    s.packets.push(reply);
                }
            }
            Ok(())
        }

        fn read(&self, buf: &mut [u8]) -> escpos::errors::Result<usize> {
            let mut s = self.0.lock().unwrap();
            if s.unplugged {
                return Err(PrinterError::Io("device disconnected".to_string()));
            }
            if s.packets.is_empty() {
                drop(s);
                thread::sleep(Duration::from_millis(5));
                return Err(PrinterError::Io("timeout waiting for read".to_string()));
            }
            let packet = s.packets.remove(0);
            let n = packet.len().min(buf.len());
            buf[..n].copy_from_slice(&packet[..n]);
            Ok(n)
        }

        fn flush(&self) -> escpos::errors::Result<()> {
            Ok(())
        }
    }

    fn link(fake: &FakeUsb) -> UsbLink {
        UsbLink::from_driver(fake.clone(), "usb:0416:5011", Duration::ZERO, &opts())
    }

    fn printer(replies: [Vec<u8>; 4]) -> FakeUsb {
        FakeUsb(Arc::new(Mutex::new(State {
            replies,
            ..State::default()
        })))
    }

    fn requests() -> Vec<Vec<u8>> {
        (1..=4).map(|n| vec![0x10, 0x04, n]).collect()
    }

    #[test]
    fn sends_in_chunks_and_reads_status() {
        let fake = printer([vec![0x12], vec![0x12], vec![0x12], vec![0x12]]);
        let mut link = link(&fake);
        assert_eq!(link.describe(), "usb:0416:5011");
        let job: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        link.send(&job).unwrap();
        link.send(&[]).unwrap();
        let status = link.status().unwrap().unwrap();
        assert_eq!(status, PrinterStatus::default());
        let writes = fake.0.lock().unwrap().writes.clone();
        let sizes: Vec<usize> = writes.iter().map(Vec::len).collect();
        assert_eq!(sizes, [4096, 4096, 1808, 3, 3, 3, 3]);
        assert_eq!(writes[..3].concat(), job);
        assert_eq!(writes[3..], requests()[..]);
    }

    #[test]
    fn one_packet_with_flow_control_and_asb_ahead_of_the_reply() {
        let fake = printer([
            vec![0x13, 0x10, 0x00, 0x00, 0x0F, 0x16],
            vec![0x12],
            vec![0x12],
            vec![0x11, 0x1E],
        ]);
        let status = link(&fake).status().unwrap().unwrap();
        assert!(status.drawer_pin3_high && status.paper_near_end);
        assert_eq!(status.problem(), None);
    }

    #[test]
    fn paper_out() {
        let fake = printer([vec![0x1A], vec![0x32], vec![0x12], vec![0x72]]);
        let status = link(&fake).status().unwrap().unwrap();
        assert_eq!(status.problem(), Some("paper-out"));
    }

    #[test]
    fn silence_is_no_answer_after_the_longer_timeout() {
        let fake = printer(Default::default());
        let started = Instant::now();
        let err = link(&fake).status().unwrap_err();
        assert!(
            matches!(err, LinkError::NoAnswer { request: 1, timeout } if timeout == Duration::from_millis(200)),
            "{err:?}"
        );
        assert!(started.elapsed() >= Duration::from_millis(200));
        // A driver that waits longer than the options ask is what the message names.
        let mut slow = UsbLink::from_driver(fake, "usb:0416:5011", Duration::from_millis(300), &opts());
        let err = slow.status().unwrap_err();
        assert!(err.to_string().contains("within 300 ms"), "{err}");
    }

    #[test]
    fn garbage_is_a_bad_reply() {
        let fake = printer([vec![0x12], vec![0x00], vec![], vec![]]);
        let err = link(&fake).status().unwrap_err();
        assert!(matches!(err, LinkError::BadReply { request: 2, byte: 0x00 }), "{err:?}");
    }

    fn stalls_after(accept: usize, fail: &'static str) -> FakeUsb {
        FakeUsb(Arc::new(Mutex::new(State {
            accept: Some(accept),
            fail,
            ..State::default()
        })))
    }

    #[test]
    fn a_stalled_send_counts_the_chunks_that_went() {
        let fake = stalls_after(9000, "write timeout");
        let mut link = UsbLink::from_driver(fake, "usb:0416:5011", NATIVE_DRIVER_TIMEOUT, &opts());
        let err = link.send(&[b'x'; 20_000]).unwrap_err();
        assert!(
            matches!(
                err,
                LinkError::WriteTimeout {
                    sent: 8192,
                    total: 20_000,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "printer stopped reading after 8192 of 20000 bytes (took nothing for 5000 ms)"
        );
    }

    #[test]
    fn unplugging_is_reported() {
        let err = link(&stalls_after(4096, "device disconnected"))
            .send(&[0; 5000])
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "the connection to the printer closed after 4096 of 5000 bytes"
        );
        let err = link(&stalls_after(0, "endpoint stalled")).send(&[0; 10]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "writing to the printer failed after 0 of 10 bytes: endpoint stalled"
        );
        let fake = printer(Default::default());
        fake.0.lock().unwrap().unplugged = true;
        let err = link(&fake).status().unwrap_err();
        assert!(matches!(err, LinkError::Closed), "{err:?}");
    }

    #[test]
    fn open_reasons_say_what_to_do() {
        assert!(open_reason("USB device not found").contains("no USB device with these ids"));
        assert!(open_reason("permission denied (Permission denied (os error 13))").contains("udev"));
        assert!(open_reason("interface is busy (os error 16)").contains("another program"));
        assert!(open_reason("no suitable input or output endpoints found for USB device").contains("device:"));
        assert_eq!(open_reason("something else"), "something else");
    }

    #[test]
    fn a_missing_printer_names_itself() {
        // No device has these ids; on a machine without USB access nusb fails to list instead.
        let spec = PrinterSpec::Usb {
            vendor: 0xfffe,
            product: 0xfffd,
        };
        match open(&spec, &opts()) {
            Err(LinkError::Open { target, reason }) => {
                assert_eq!(target, "USB printer fffe:fffd");
                assert!(!reason.is_empty());
            }
            Err(e) => panic!("expected an open error, got {e:?}"),
            Ok(link) => panic!("opened {}", link.describe()),
        }
    }
}
