//! ESC/POS real-time status: the printer answers `DLE EOT n` (10 04 n, n = 1..4) with one byte,
//! even while offline or busy, which is what makes it usable before and after a job.
//!
//! Bits per the Epson ESC/POS command reference for DLE EOT. Every reply has bit 0 = 0,
//! bit 1 = 1, bit 4 = 1 and bit 7 = 0, so 0x12 is "nothing to report" for every n.

/// DLE EOT: real-time status transmission.
pub const DLE: u8 = 0x10;
pub const EOT: u8 = 0x04;

/// Status kinds: printer, offline cause, error cause, roll paper sensor.
pub const PRINTER: u8 = 1;
pub const OFFLINE_CAUSE: u8 = 2;
pub const ERROR_CAUSE: u8 = 3;
pub const PAPER_SENSOR: u8 = 4;

const FIXED_MASK: u8 = 0b1001_0011;
const FIXED_VALUE: u8 = 0b0001_0010;

/// The request for status `n` (1..=4).
pub fn request(n: u8) -> [u8; 3] {
    [DLE, EOT, n]
}

/// What the printer reported. From one reply only that reply's fields are filled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PrinterStatus {
    /// n=1 bit 3.
    pub offline: bool,
    /// n=2 bit 2.
    pub cover_open: bool,
    /// n=2 bit 5 (printing stopped by paper end) or n=4 bits 5-6 (paper end sensor).
    pub paper_out: bool,
    /// n=4 bits 2-3 (near-end sensor).
    pub paper_near_end: bool,
    /// n=2 bit 3: paper is being fed with the FEED button.
    pub feed_button: bool,
    /// n=2 bit 6, or n=3 bit 3 (autocutter), bit 5 (unrecoverable), bit 6 (auto-recoverable).
    pub error: bool,
    /// n=1 bit 2: level of the drawer kick connector pin 3 (the drawer-open switch on most drawers).
    pub drawer_pin3_high: bool,
}

fn bit(byte: u8, n: u8) -> bool {
    byte & (1 << n) != 0
}

/// Decodes the reply `byte` to `DLE EOT n`.
pub fn parse(n: u8, byte: u8) -> Result<PrinterStatus, String> {
    if !(PRINTER..=PAPER_SENSOR).contains(&n) {
        return Err(format!("status kind {n} does not exist (DLE EOT n takes 1 to 4)"));
    }
    if byte & FIXED_MASK != FIXED_VALUE {
        return Err(format!("0x{byte:02X} is not a status reply (to DLE EOT {n})"));
    }
    let mut s = PrinterStatus::default();
    match n {
        PRINTER => {
            s.drawer_pin3_high = bit(byte, 2);
            s.offline = bit(byte, 3);
        }
        OFFLINE_CAUSE => {
            s.cover_open = bit(byte, 2);
            s.feed_button = bit(byte, 3);
            s.paper_out = bit(byte, 5);
            s.error = bit(byte, 6);
        }
        ERROR_CAUSE => {
            // Bit 2 differs between models (recoverable / mechanical error), so it is not read.
            s.error = bit(byte, 3) || bit(byte, 5) || bit(byte, 6);
        }
        _ => {
            // Each sensor uses a pair of bits (both set = yes); either one counts, to err on the
            // side of reporting paper trouble.
            s.paper_near_end = byte & 0b0000_1100 != 0;
            s.paper_out = byte & 0b0110_0000 != 0;
        }
    }
    Ok(s)
}

impl PrinterStatus {
    /// Combines the replies to DLE EOT 1, 2, 3 and 4, in that order.
    pub fn from_replies(replies: &[u8; 4]) -> Result<PrinterStatus, String> {
        let mut status = PrinterStatus::default();
        for (n, &byte) in (PRINTER..=PAPER_SENSOR).zip(replies) {
            status = status.merge(parse(n, byte)?);
        }
        Ok(status)
    }

    /// Both reports together: a condition either one saw is set.
    pub fn merge(self, other: PrinterStatus) -> PrinterStatus {
        PrinterStatus {
            offline: self.offline || other.offline,
            cover_open: self.cover_open || other.cover_open,
            paper_out: self.paper_out || other.paper_out,
            paper_near_end: self.paper_near_end || other.paper_near_end,
            feed_button: self.feed_button || other.feed_button,
            error: self.error || other.error,
            drawer_pin3_high: self.drawer_pin3_high || other.drawer_pin3_high,
        }
    }

    /// What keeps the printer from printing, as a stable key for messages and JSON:
    /// "paper-out", "cover-open", "error" or "offline"; None when it can print.
    /// The causes come first because each of them also makes the printer offline.
    pub fn problem(&self) -> Option<&'static str> {
        if self.paper_out {
            Some("paper-out")
        } else if self.cover_open {
            Some("cover-open")
        } else if self.error {
            Some("error")
        } else if self.offline {
            Some("offline")
        } else {
            None
        }
    }

    /// Conditions worth telling someone that do not stop printing: "paper-near-end".
    pub fn warnings(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.paper_near_end {
            out.push("paper-near-end");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_is_dle_eot_n() {
        assert_eq!(request(1), [0x10, 0x04, 0x01]);
        assert_eq!(request(4), [0x10, 0x04, 0x04]);
    }

    #[test]
    fn all_fine_is_0x12_for_every_kind() {
        for n in 1..=4 {
            assert_eq!(parse(n, 0x12), Ok(PrinterStatus::default()), "n={n}");
        }
        let s = PrinterStatus::from_replies(&[0x12; 4]).unwrap();
        assert_eq!(s, PrinterStatus::default());
        assert_eq!(s.problem(), None);
        assert!(s.warnings().is_empty());
    }

    #[test]
    fn printer_status_bits() {
        // 0x16: drawer pin 3 high, online.
        let s = parse(1, 0x16).unwrap();
        assert!(s.drawer_pin3_high && !s.offline);
        // 0x1A: offline, pin 3 low.
        let s = parse(1, 0x1A).unwrap();
        assert!(s.offline && !s.drawer_pin3_high);
        assert_eq!(s.problem(), Some("offline"));
    }

    #[test]
    fn offline_cause_bits() {
        assert!(parse(2, 0x16).unwrap().cover_open);
        assert!(parse(2, 0x1A).unwrap().feed_button);
        assert!(parse(2, 0x32).unwrap().paper_out);
        assert!(parse(2, 0x52).unwrap().error);
        let all = parse(2, 0x7E).unwrap();
        assert!(all.cover_open && all.feed_button && all.paper_out && all.error);
        assert!(!all.offline && !all.drawer_pin3_high);
    }

    #[test]
    fn error_cause_bits() {
        for byte in [0x1A, 0x32, 0x52] {
            assert!(parse(3, byte).unwrap().error, "0x{byte:02X}");
        }
        // Bit 2 is model-specific and not read.
        assert!(!parse(3, 0x16).unwrap().error);
    }

    #[test]
    fn paper_sensor_bits() {
        let near = parse(4, 0x1E).unwrap();
        assert!(near.paper_near_end && !near.paper_out);
        assert_eq!(near.problem(), None);
        assert_eq!(near.warnings(), vec!["paper-near-end"]);
        let out = parse(4, 0x72).unwrap();
        assert!(out.paper_out && !out.paper_near_end);
        // Typical paper end: both sensors set.
        let both = parse(4, 0x7E).unwrap();
        assert!(both.paper_out && both.paper_near_end);
        // One bit of a pair is enough.
        assert!(parse(4, 0x32).unwrap().paper_out);
        assert!(parse(4, 0x16).unwrap().paper_near_end);
    }

    #[test]
    fn fixed_bits_are_checked() {
        for byte in [0x00, 0x10, 0x02, 0x13, 0x11, 0x92, 0xFF, 0x03] {
            for n in 1..=4 {
                let err = parse(n, byte).unwrap_err();
                assert!(err.contains("not a status reply"), "{err}");
            }
        }
    }

    #[test]
    fn unknown_kind_is_an_error() {
        assert!(parse(0, 0x12).is_err());
        assert!(parse(5, 0x12).is_err());
        assert!(PrinterStatus::from_replies(&[0x12, 0x12, 0x12, 0x00]).is_err());
    }

    #[test]
    fn replies_combine_and_causes_come_before_offline() {
        // Paper end as a TM printer reports it: offline, stopped by paper end, sensor says no paper.
        let s = PrinterStatus::from_replies(&[0x1A, 0x32, 0x12, 0x7E]).unwrap();
        assert!(s.offline && s.paper_out && s.paper_near_end && !s.error);
        assert_eq!(s.problem(), Some("paper-out"));
        // Cover open.
        let s = PrinterStatus::from_replies(&[0x1A, 0x16, 0x12, 0x12]).unwrap();
        assert_eq!(s.problem(), Some("cover-open"));
        // Autocutter error.
        let s = PrinterStatus::from_replies(&[0x1A, 0x52, 0x1A, 0x12]).unwrap();
        assert_eq!(s.problem(), Some("error"));
        // Drawer open does not stop printing.
        let s = PrinterStatus::from_replies(&[0x16, 0x12, 0x12, 0x12]).unwrap();
        assert!(s.drawer_pin3_high);
        assert_eq!(s.problem(), None);
    }
}
