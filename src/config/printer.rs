//! `[printer]`: where receipts go and what the printer understands.

use crate::printer::charset::{Chinese, CodePage};
use crate::printer::encode::{Cut, Settings};
use crate::printer::layout::SaleCode;
use crate::printer::raster::{from_png, paper_dots};
use crate::printer::spec::PrinterSpec;
use crate::printer::text::{WIDTH_58MM, WIDTH_80MM};
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PrinterSection {
    connection: Option<String>,
    width: Option<u32>,
    cut: Option<String>,
    chinese: Option<String>,
    code_page: Option<String>,
    drawer: Option<bool>,
    code: Option<String>,
    status: Option<bool>,
    feed: Option<u8>,
    logo: Option<String>,
}

/// The checked printer configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterConfig {
    /// `None`: no printer (receipts on screen and, in demo mode, in the preview folder).
    pub connection: Option<PrinterSpec>,
    /// Characters per line: 32 on 58 mm paper, 48 on 80 mm.
    pub cols: usize,
    pub settings: Settings,
    /// Kick the cash drawer (wired to the printer) on sales with cash.
    pub drawer: bool,
    pub sale_code: SaleCode,
    /// Ask the printer's status before and after each job (two-way links only).
    pub status: bool,
    /// The logo PNG as written in the file (relative to the config file's folder); loaded
    /// into `settings.logo` by `Config::load`.
    pub logo_file: Option<String>,
}

impl Default for PrinterConfig {
    fn default() -> PrinterConfig {
        PrinterConfig {
            connection: None,
            cols: WIDTH_58MM,
            settings: Settings::default(),
            drawer: true,
            sale_code: SaleCode::Qr,
            status: true,
            logo_file: None,
        }
    }
}

// The words each key takes, shared with the settings form (which writes them back).
pub(super) const CUTS: &[(&str, Cut)] = &[("partial", Cut::Partial), ("full", Cut::Full), ("none", Cut::None)];
pub(super) const CHINESE: &[(&str, Chinese)] = &[
    ("gbk", Chinese::Gbk),
    ("gb18030", Chinese::Gb18030),
    ("none", Chinese::Off),
];
pub(super) const CODE_PAGES: &[(&str, CodePage)] = &[("wpc1252", CodePage::Wpc1252), ("ascii", CodePage::Ascii)];
pub(super) const SALE_CODES: &[(&str, SaleCode)] = &[
    ("qr", SaleCode::Qr),
    ("code128", SaleCode::Code128),
    ("none", SaleCode::None),
];
/// Paper widths in mm and the characters per line each gives.
pub(super) const WIDTHS: &[(u32, usize)] = &[(58, WIDTH_58MM), (80, WIDTH_80MM)];
/// The most lines `feed` may ask for before the cut.
pub(super) const MAX_FEED: u8 = 20;

/// The word for `value` in `options` (the first, if the list should lack it).
pub(super) fn name_of<T: PartialEq>(options: &[(&'static str, T)], value: &T) -> &'static str {
    options
        .iter()
        .find(|(_, v)| v == value)
        .or(options.first())
        .map_or("", |(name, _)| name)
}

fn choice<T: Copy>(key: &str, value: Option<String>, options: &[(&str, T)], default: T) -> Result<T, String> {
    let Some(value) = value else { return Ok(default) };
    let wanted = value.trim().to_ascii_lowercase();
    options
        .iter()
        .find(|(name, _)| *name == wanted)
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
            format!("[printer] {key}: '{value}' is not one of {}", names.join(", "))
        })
}

impl PrinterSection {
    pub(super) fn check(self) -> Result<PrinterConfig, String> {
        let d = PrinterConfig::default();
        let connection = self
            .connection
            .map(|c| PrinterSpec::parse(&c).map_err(|e| format!("[printer] connection: {e}")))
            .transpose()?;
        let cols = match self.width {
            None | Some(58) => WIDTH_58MM,
            Some(80) => WIDTH_80MM,
            Some(w) => return Err(format!("[printer] width: {w} is not 58 or 80 (paper width in mm)")),
        };
        let cut = choice("cut", self.cut, CUTS, d.settings.cut)?;
        let chinese = choice("chinese", self.chinese, CHINESE, d.settings.chinese)?;
        let code_page = choice("code_page", self.code_page, CODE_PAGES, d.settings.code_page)?;
        let sale_code = choice("code", self.code, SALE_CODES, d.sale_code)?;
        let feed_before_cut = match self.feed {
            None => d.settings.feed_before_cut,
            Some(n) if n <= MAX_FEED => n,
            Some(n) => return Err(format!("[printer] feed: {n} lines is more than {MAX_FEED}")),
        };
        Ok(PrinterConfig {
            connection,
            cols,
            settings: Settings {
                cut,
                chinese,
                code_page,
                feed_before_cut,
                ..d.settings
            },
            drawer: self.drawer.unwrap_or(d.drawer),
            sale_code,
            status: self.status.unwrap_or(d.status),
            logo_file: self.logo.filter(|l| !l.trim().is_empty()),
        })
    }
}

impl PrinterConfig {
    /// Reads and converts the logo file, relative to `folder` (the config file's).
    pub(super) fn load_logo(&mut self, folder: &Path) -> Result<(), String> {
        let Some(name) = &self.logo_file else { return Ok(()) };
        let path = folder.join(name);
        let bytes = std::fs::read(&path).map_err(|e| format!("[printer] logo: cannot read {}: {e}", path.display()))?;
        let raster =
            from_png(&bytes, paper_dots(self.cols)).map_err(|e| format!("[printer] logo: {}: {e}", path.display()))?;
        self.settings.logo = Some(raster);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::Config;
    use super::*;

    #[test]
    fn printer_section_is_checked_key_by_key() {
        let c = Config::parse(
            "[printer]\nconnection = \"tcp:10.0.0.9\"\nwidth = 80\ncut = \"full\"\nchinese = \"gb18030\"\ndrawer = false\ncode = \"code128\"\n",
        )
        .expect("valid");
        let p = &c.printer;
        assert_eq!(
            p.connection.as_ref().map(|s| s.to_string()).as_deref(),
            Some("tcp:10.0.0.9:9100")
        );
        assert_eq!(
            (p.cols, p.settings.cut, p.settings.chinese),
            (48, Cut::Full, Chinese::Gb18030)
        );
        assert_eq!((p.drawer, p.sale_code), (false, SaleCode::Code128));
        for (text, key) in [
            ("width = 76", "width"),
            ("cut = \"half\"", "cut"),
            ("chinese = \"big5\"", "chinese"),
            ("connection = \"lpt:1\"", "connection"),
            ("feed = 99", "feed"),
            ("port = 1", "port"),
        ] {
            let e = Config::parse(&format!("[printer]\n{text}\n")).expect_err(text);
            assert!(e.contains(key), "{text}: {e}");
        }
        assert_eq!(Config::parse("").expect("empty").printer, PrinterConfig::default());
    }
}
