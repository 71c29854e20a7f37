//! One-way links: a printer device file or share, and a plain file the bytes are appended to.

use std::fs::{File, OpenOptions};
use std::io;
use std::time::Duration;

use super::{CHUNK, Link, LinkError, write_counted};
use crate::printer::spec::PrinterSpec;
use crate::printer::status::PrinterStatus;

/// Writes to a file cannot time out; this only fills the unused field of a timeout error.
const NO_TIMEOUT: Duration = Duration::ZERO;

/// A printer device (/dev/usb/lp0), a Windows printer share (\\host\printer), or a plain
/// file the jobs are appended to: written to, never read from.
#[derive(Debug)]
pub struct OneWayLink {
    file: File,
    label: String,
}

impl OneWayLink {
    /// Opens a device for writing without creating: a missing device must be an error, not
    /// a new file.
    pub fn device(path: &str) -> Result<OneWayLink, LinkError> {
        let file = OpenOptions::new().write(true).open(path).map_err(|e| LinkError::Open {
            target: format!("printer device {path}"),
            reason: device_reason(&e),
        })?;
        Ok(OneWayLink {
            file,
            label: PrinterSpec::Device { path: path.to_string() }.to_string(),
        })
    }

    /// Opens (creating) a file to append jobs to.
    pub fn file(path: &str) -> Result<OneWayLink, LinkError> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| LinkError::Open {
                target: format!("file {path}"),
                reason: e.to_string(),
            })?;
        Ok(OneWayLink {
            file,
            label: PrinterSpec::File { path: path.to_string() }.to_string(),
        })
    }
}

fn device_reason(e: &io::Error) -> String {
    if cfg!(unix) && e.kind() == io::ErrorKind::PermissionDenied {
        format!("{e} (is this user in the 'lp' group?)")
    } else {
        e.to_string()
    }
}

impl Link for OneWayLink {
    fn describe(&self) -> String {
        self.label.clone()
    }

    fn send(&mut self, bytes: &[u8]) -> Result<(), LinkError> {
        write_counted(&mut self.file, bytes, CHUNK, NO_TIMEOUT)
    }

    fn status(&mut self) -> Result<Option<PrinterStatus>, LinkError> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::printer::link::{LinkOptions, open};

    #[test]
    fn file_link_appends_jobs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("receipts.bin").to_string_lossy().into_owned();
        let spec = PrinterSpec::File { path: path.clone() };
        let mut link = open(&spec, &LinkOptions::default()).unwrap();
        assert_eq!(link.describe(), format!("file:{path}"));
        link.send(b"\x1b@one\n").unwrap();
        link.send(b"two\n").unwrap();
        assert_eq!(link.status().unwrap(), None);
        drop(link);
        let mut again = open(&spec, &LinkOptions::default()).unwrap();
        again.send(b"three\n").unwrap();
        drop(again);
        assert_eq!(std::fs::read(&path).unwrap(), b"\x1b@one\ntwo\nthree\n");
    }

    #[test]
    fn file_in_a_missing_folder_is_an_open_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/dir/r.bin").to_string_lossy().into_owned();
        let err = OneWayLink::file(&path).unwrap_err();
        assert!(matches!(err, LinkError::Open { .. }), "{err:?}");
        assert!(err.to_string().contains(&path), "{err}");
    }

    #[test]
    fn device_is_never_created() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lp0").to_string_lossy().into_owned();
        let spec = PrinterSpec::Device { path: path.clone() };
        let err = open(&spec, &LinkOptions::default()).err().unwrap();
        assert!(
            err.to_string()
                .starts_with(&format!("cannot open printer device {path}: ")),
            "{err}"
        );
        assert!(!std::path::Path::new(&path).exists());
    }

    #[test]
    fn device_link_writes_one_way() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lp0").to_string_lossy().into_owned();
        std::fs::write(&path, b"").unwrap();
        let mut link = OneWayLink::device(&path).unwrap();
        assert_eq!(link.describe(), format!("device:{path}"));
        link.send(b"\x1b@hello\n").unwrap();
        assert_eq!(link.status().unwrap(), None);
        drop(link);
        assert_eq!(std::fs::read(&path).unwrap(), b"\x1b@hello\n");
    }
}
