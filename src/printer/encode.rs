//! A laid-out document to ESC/POS bytes, through the `escpos` crate's command builder over
//! a capture driver. The bytes are produced whole before anything is sent, so a printer
//! that fails halfway gets the same job again on reprint.

use super::charset::{Chinese, CodePage, TextEncoder};
use super::doc::{Align, Block, Doc, Style};
use super::raster::Raster;
use escpos::driver::Driver;
use escpos::printer::Printer;
use escpos::utils::{JustifyMode, Protocol, QRCodeCorrectionLevel, QRCodeModel, QRCodeOption};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cut {
    Partial,
    Full,
    /// For printers without a cutter (tear bar).
    None,
}

/// How this printer wants its bytes (from `[printer]` in the config).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub cut: Cut,
    pub chinese: Chinese,
    pub code_page: CodePage,
    /// Blank lines fed before the cut, so the last line clears the cutter.
    pub feed_before_cut: u8,
    /// QR module size in dots (1..=16).
    pub qr_size: u8,
    /// The store logo, printed where a document has its logo block.
    pub logo: Option<Raster>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            cut: Cut::Partial,
            chinese: Chinese::Gbk,
            code_page: CodePage::Wpc1252,
            feed_before_cut: 4,
            qr_size: 6,
            logo: None,
        }
    }
}

/// ESC p 0 25 250: pulse drawer pin 2 for 50 ms, then wait 500 ms. Written raw because the
/// crate's drawer command leaves out the two timing bytes, which makes a printer swallow
/// the next two bytes of the job as timings.
pub const DRAWER_KICK: [u8; 5] = [0x1B, b'p', 0, 25, 250];

/// DLE DC4 1 0 1: the same pulse as a real-time command, which a printer carries out even
/// while it is offline for lack of paper (ESC p would wait in its buffer until paper is in).
pub const DRAWER_KICK_NOW: [u8; 5] = [0x10, 0x14, 1, 0, 1];

/// GS k 73: CODE128 with its length byte; "{B" selects code set B (printable ASCII).
fn code128(data: &str) -> Option<Vec<u8>> {
    let data: Vec<u8> = data
        .bytes()
        .filter(|b| (0x20..0x7F).contains(b) && *b != b'{')
        .collect();
    let len = u8::try_from(data.len() + 2).ok()?;
    let mut cmd = vec![0x1D, b'k', 73, len, b'{', b'B'];
    cmd.extend(data);
    Some(cmd)
}

#[derive(Debug)]
pub struct Encoded {
    pub bytes: Vec<u8>,
    /// Characters the printer cannot print, printed as '?'.
    pub replaced: usize,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot encode the printout: {0}")]
pub struct EncodeError(String);

impl From<escpos::errors::PrinterError> for EncodeError {
    fn from(e: escpos::errors::PrinterError) -> EncodeError {
        EncodeError(e.to_string())
    }
}

/// Collects what the command builder writes.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Driver for Capture {
    fn name(&self) -> String {
        "capture".into()
    }

    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.0
            .lock()
            .map_err(|_| escpos::errors::PrinterError::Io("capture buffer poisoned".into()))?
            .extend_from_slice(data);
        Ok(())
    }

    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }

    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

/// The whole job: init, the document, the drawer kick if asked, feed and cut.
pub fn encode(doc: &Doc, settings: &Settings, open_drawer: bool) -> Result<Encoded, EncodeError> {
    let capture = Capture::default();
    let mut p = Printer::new(capture.clone(), Protocol::default(), None);
    let mut text = TextEncoder::new(settings.chinese, settings.code_page);
    p.init()?;
    text.reset();
    if open_drawer {
        // First, so the drawer opens while the receipt prints.
        p.custom(&DRAWER_KICK)?;
    }
    let mut align = Align::Left;
    let mut style = Style::Normal;
    p.justify(JustifyMode::LEFT)?;
    for block in &doc.blocks {
        match block {
            Block::Line {
                text: line,
                align: a,
                style: s,
            } => {
                if *a != align {
                    p.justify(justify(*a))?;
                    align = *a;
                }
                if *s != style {
                    p.bold(*s != Style::Normal)?;
                    p.size(1, if *s == Style::Title { 2 } else { 1 })?;
                    style = *s;
                }
                let mut bytes = Vec::with_capacity(line.len());
                text.encode(line.trim_end(), &mut bytes);
                p.custom(&bytes)?;
                p.custom(b"\n")?;
            }
            Block::Qr(data) => {
                p.justify(JustifyMode::CENTER)?;
                let option = QRCodeOption::new(QRCodeModel::Model2, settings.qr_size, QRCodeCorrectionLevel::M);
                p.qrcode_option(data, option)?;
                p.justify(justify(align))?;
            }
            Block::Logo => {
                if let Some(logo) = &settings.logo {
                    p.justify(JustifyMode::CENTER)?;
                    p.custom(&logo.command())?;
                    p.justify(justify(align))?;
                }
            }
            Block::Code128(data) => {
                if let Some(cmd) = code128(data) {
                    p.justify(JustifyMode::CENTER)?;
                    p.custom(&cmd)?;
                    p.custom(b"\n")?;
                    p.justify(justify(align))?;
                }
            }
        }
    }
    if style != Style::Normal {
        p.bold(false)?;
        p.size(1, 1)?;
    }
    p.feeds(settings.feed_before_cut)?;
    match settings.cut {
        Cut::Partial => {
            p.partial_cut()?;
        }
        Cut::Full => {
            p.cut()?;
        }
        Cut::None => {}
    }
    p.print()?;
    let bytes = capture
        .0
        .lock()
        .map_err(|_| EncodeError("capture buffer poisoned".into()))?
        .clone();
    Ok(Encoded {
        bytes,
        replaced: text.replaced,
    })
}

fn justify(a: Align) -> JustifyMode {
    match a {
        Align::Left => JustifyMode::LEFT,
        Align::Center => JustifyMode::CENTER,
    }
}
