//! An ESC/POS decoder for tests, written from Epson's ESC/POS command reference and
//! independent of Tillguard's own encoder, so the tests catch the encoder's mistakes.
//!
//! [`decode`] turns the bytes sent to a printer into [`Token`]s; [`render`] plays the tokens
//! the way a printer in standard mode would and gives a [`Page`] of printed lines.
//!
//! Modelled printer state:
//! - Text is decoded with the active character set. In Chinese mode (after `FS &`, until
//!   `FS .`) bytes >= 0x81 start GB18030 sequences (two-byte GBK pairs and four-byte
//!   sequences); otherwise bytes >= 0x80 go through the single-byte code page selected by
//!   `ESC t n`: 0 = PC437, 2 = PC850, 16 = WPC1252, 19 = PC858. Any other page, and a byte
//!   a page does not define, decodes as U+FFFD.
//! - The decoder starts as a printer after `ESC @` with Chinese mode off, code page 0. Chinese-
//!   market printers usually power on in Chinese mode, so an encoder that prints code-page text
//!   must send `FS .` itself, and one that prints Chinese must send `FS &`.
//! - `ESC @` resets alignment, bold, size, line spacing, code page and the QR settings and data,
//!   clears the print buffer (unprinted text is lost), and leaves Chinese mode as it was (that is
//!   what Chinese-market printers do: Chinese mode is a memory-switch default that `ESC @` does
//!   not touch).
//! - `LF` prints the buffer and ends a line; `CR` is ignored. `ESC R` (international character
//!   set) is recognised but does not change the decoded text.
//! - Malformed or unknown ESC/GS/FS/DLE commands and stray control bytes are errors that name the
//!   offset and the bytes.

use std::fmt::Write as _;

const HT: u8 = 0x09;
const LF: u8 = 0x0A;
const FF: u8 = 0x0C;
const CR: u8 = 0x0D;
const DLE: u8 = 0x10;
const CAN: u8 = 0x18;
const ESC: u8 = 0x1B;
const FS: u8 = 0x1C;
const GS: u8 = 0x1D;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// QR error correction level (`GS ( k` function 169).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QrLevel {
    #[default]
    L,
    M,
    Q,
    H,
}

/// A QR code as printed by `GS ( k` function 181, with the settings in force at that moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrSymbol {
    pub data: Vec<u8>,
    /// 1 = model 1, 2 = model 2 (the printer's default), 3 = micro QR.
    pub model: u8,
    /// Module size in dots, 1..=16 (default 3).
    pub size: u8,
    pub level: QrLevel,
}

impl QrSymbol {
    /// The data as text (lossy UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// Printable characters, decoded with the active character set.
    Text(String),
    /// LF.
    Newline,
    /// ESC @.
    Init,
    /// ESC a n.
    Align(Align),
    /// ESC E n (only the lowest bit of n counts).
    Bold(bool),
    /// GS ! n: width and height multipliers, 1..=8.
    Size { width: u8, height: u8 },
    /// ESC d n: print and feed n lines.
    Feed(u8),
    /// GS V m / GS V m n (m in 0, 1, 48, 49, 65, 66), and the one-byte ESC i / ESC m (partial).
    Cut { partial: bool },
    /// GS ( k function 181 (print), with the data and settings stored before.
    Qr(QrSymbol),
    /// GS k: `system` is m as sent (0..=6 for the NUL-terminated form, 65..=79 for the length
    /// form; 73 = CODE128, whose data starts with the code set, e.g. "{B").
    Barcode { system: u8, data: Vec<u8> },
    /// ESC p m t1 t2 (times are t x 2 ms) and DLE DC4 1 m t (times are t x 100 ms).
    /// `pin` is the connector pin: 2 or 5.
    DrawerKick { pin: u8, on_ms: u16, off_ms: u16 },
    /// FS & (true) and FS . (false).
    ChineseMode(bool),
    /// ESC t n.
    CodePage(u8),
    /// DLE EOT n, n in 1..=4.
    StatusRequest(u8),
    /// ESC 2 (None: default spacing) and ESC 3 n.
    LineSpacing(Option<u8>),
    /// Any other recognised command; `name` is its usual spelling ("ESC !", "GS ( L",
    /// "GS v 0", "DLE DC4 8"...) and `params` every byte after the name.
    Other { name: String, params: Vec<u8> },
}

/// Decodes a byte stream sent to the printer, starting with Chinese mode off and code page 0.
pub fn decode(bytes: &[u8]) -> Result<Vec<Token>, String> {
    decode_with(bytes, false)
}

/// Decodes a byte stream, starting with Chinese mode as given (a Chinese-market printer that
/// powers on in Chinese mode: `decode_with(bytes, true)`).
pub fn decode_with(bytes: &[u8], chinese_mode: bool) -> Result<Vec<Token>, String> {
    let mut d = Decoder {
        bytes,
        pos: 0,
        tokens: Vec::new(),
        text: String::new(),
        chinese: chinese_mode,
        code_page: 0,
        qr: QrState::default(),
    };
    while d.pos < bytes.len() {
        d.step()?;
    }
    d.flush_text();
    Ok(d.tokens)
}

/// `render(&decode(bytes)?)`.
pub fn page(bytes: &[u8]) -> Result<Page, String> {
    Ok(render(&decode(bytes)?))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintedLine {
    pub text: String,
    pub align: Align,
    pub bold: bool,
    /// (width, height) multipliers.
    pub size: (u8, u8),
}

/// What came out of the printer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Page {
    /// Every printed line, including blank ones (an LF on an empty buffer, ESC d feeds).
    pub lines: Vec<PrintedLine>,
    pub cuts: usize,
    pub qr: Vec<QrSymbol>,
    /// (system, data) as in [`Token::Barcode`].
    pub barcodes: Vec<(u8, Vec<u8>)>,
    pub drawer_kicks: usize,
    pub status_requests: Vec<u8>,
    /// Text left in the print buffer at the end (sent without a final LF: not printed yet).
    pub pending: Option<PrintedLine>,
    /// Commands a printer ignores or that lose data: ESC a, GS V, GS k or a QR print while the
    /// buffer holds part of a line (standard mode executes them only at the beginning of a
    /// line), ESC @ discarding unprinted text. Such commands are not counted above.
    pub problems: Vec<String>,
}

impl Page {
    /// The printed lines joined with '\n'.
    pub fn text(&self) -> String {
        self.lines
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The first printed line containing `needle`.
    pub fn find(&self, needle: &str) -> Option<&PrintedLine> {
        self.lines.iter().find(|l| l.text.contains(needle))
    }
}

#[derive(Clone, Copy)]
struct Style {
    align: Align,
    bold: bool,
    size: (u8, u8),
}

impl Default for Style {
    fn default() -> Self {
        Style {
            align: Align::Left,
            bold: false,
            size: (1, 1),
        }
    }
}

impl Style {
    fn line(self) -> PrintedLine {
        PrintedLine {
            text: String::new(),
            align: self.align,
            bold: self.bold,
            size: self.size,
        }
    }
}

/// Plays the tokens like a printer in standard mode. A line takes the alignment, bold and
/// size in force when its first character went into the buffer.
pub fn render(tokens: &[Token]) -> Page {
    let mut page = Page::default();
    let mut style = Style::default();
    let mut current: Option<PrintedLine> = None;
    for token in tokens {
        match token {
            Token::Text(s) => current.get_or_insert_with(|| style.line()).text.push_str(s),
            Token::Newline => page.lines.push(current.take().unwrap_or_else(|| style.line())),
            Token::Feed(n) => {
                if *n == 0 {
                    page.lines.extend(current.take());
                }
                for _ in 0..*n {
                    page.lines.push(current.take().unwrap_or_else(|| style.line()));
                }
            }
            Token::Init => {
                if let Some(line) = current.take() {
                    page.problems
                        .push(format!("ESC @ discarded unprinted text {:?}", line.text));
                }
                style = Style::default();
            }
            Token::Align(a) => match &current {
                Some(line) => page
                    .problems
                    .push(format!("ESC a {a:?} ignored after {:?} (not at line start)", line.text)),
                None => style.align = *a,
            },
            Token::Bold(b) => style.bold = *b,
            Token::Size { width, height } => style.size = (*width, *height),
            Token::Cut { partial } => match &current {
                Some(line) => page
                    .problems
                    .push(format!("cut (partial: {partial}) ignored after {:?}", line.text)),
                None => page.cuts += 1,
            },
            Token::Qr(q) => match &current {
                Some(line) => page
                    .problems
                    .push(format!("QR {:?} ignored after {:?}", q.text(), line.text)),
                None => page.qr.push(q.clone()),
            },
            Token::Barcode { system, data } => match &current {
                Some(line) => page
                    .problems
                    .push(format!("barcode {system} ignored after {:?}", line.text)),
                None => page.barcodes.push((*system, data.clone())),
            },
            Token::DrawerKick { .. } => page.drawer_kicks += 1,
            Token::StatusRequest(n) => page.status_requests.push(*n),
            Token::Other { name, params } => match (name.as_str(), params.as_slice()) {
                // ESC ! n: bit 3 emphasized, bit 4 double height, bit 5 double width.
                ("ESC !", [n]) => {
                    style.bold = n & 0x08 != 0;
                    style.size = (if n & 0x20 != 0 { 2 } else { 1 }, if n & 0x10 != 0 { 2 } else { 1 });
                }
                // Print and feed n dots / print in page mode / form feed: the line ends.
                ("ESC J", _) | ("ESC K", _) | ("FF", _) | ("ESC FF", _) => page.lines.extend(current.take()),
                _ => {}
            },
            Token::ChineseMode(_) | Token::CodePage(_) | Token::LineSpacing(_) => {}
        }
    }
    page.pending = current;
    page
}

#[derive(Default)]
struct QrState {
    model: Option<u8>,
    size: Option<u8>,
    level: QrLevel,
    data: Option<Vec<u8>>,
}

struct Decoder<'a> {
    bytes: &'a [u8],
    pos: usize,
    tokens: Vec<Token>,
    text: String,
    chinese: bool,
    code_page: u8,
    qr: QrState,
}

/// "1B 28 6B ..." for the first bytes of a command, for error messages.
fn hex(bytes: &[u8]) -> String {
    let mut out = String::new();
    for (i, b) in bytes.iter().take(12).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{b:02X}");
    }
    if bytes.len() > 12 {
        out.push_str(" ...");
    }
    out
}

/// The usual spelling of a command byte: the ASCII character, or SP/FF/0xNN.
fn spell(b: u8) -> String {
    match b {
        b' ' => "SP".into(),
        FF => "FF".into(),
        0x04 => "EOT".into(),
        0x05 => "ENQ".into(),
        0x14 => "DC4".into(),
        0x21..=0x7E => (b as char).to_string(),
        _ => format!("0x{b:02X}"),
    }
}

impl<'a> Decoder<'a> {
    fn flush_text(&mut self) {
        if !self.text.is_empty() {
            self.tokens.push(Token::Text(std::mem::take(&mut self.text)));
        }
    }

    fn emit(&mut self, token: Token) {
        self.flush_text();
        self.tokens.push(token);
    }

    fn error(&self, start: usize, what: &str) -> String {
        let end = self.bytes.len().min(start + 16);
        format!("offset {start}: {what} [{}]", hex(&self.bytes[start..end]))
    }

    /// Takes `n` bytes of parameters for the command starting at `start`.
    fn take(&mut self, start: usize, n: usize, name: &str) -> Result<&'a [u8], String> {
        let available = self.bytes.len() - self.pos;
        if available < n {
            return Err(self.error(
                start,
                &format!(
                    "truncated {name}: needs {n} more byte(s) at offset {}, input has {available}",
                    self.pos
                ),
            ));
        }
        let out = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    fn byte(&mut self, start: usize, name: &str) -> Result<u8, String> {
        Ok(self.take(start, 1, name)?[0])
    }

    /// A command with `n` fixed parameter bytes, as an `Other` token.
    fn other(&mut self, start: usize, name: String, n: usize) -> Result<(), String> {
        let params = self.take(start, n, &name)?.to_vec();
        self.emit(Token::Other { name, params });
        Ok(())
    }

    /// `pL pH d1...dk` with k = pL + 256 pH; returns (all parameter bytes, data).
    fn with_length(&mut self, start: usize, name: &str) -> Result<(&'a [u8], &'a [u8]), String> {
        let from = self.pos;
        let p = self.take(start, 2, name)?;
        let k = p[0] as usize + 256 * p[1] as usize;
        let data = self.take(start, k, name)?;
        Ok((&self.bytes[from..self.pos], data))
    }

    fn step(&mut self) -> Result<(), String> {
        let start = self.pos;
        let b = self.bytes[start];
        match b {
            LF => {
                self.pos += 1;
                self.emit(Token::Newline);
            }
            CR => self.pos += 1,
            HT | FF | CAN => {
                self.pos += 1;
                let name = match b {
                    HT => "HT",
                    FF => "FF",
                    _ => "CAN",
                };
                self.emit(Token::Other {
                    name: name.into(),
                    params: Vec::new(),
                });
            }
            ESC => {
                self.pos += 1;
                let c = self.byte(start, "ESC")?;
                self.esc(start, c)?;
            }
            GS => {
                self.pos += 1;
                let c = self.byte(start, "GS")?;
                self.gs(start, c)?;
            }
            FS => {
                self.pos += 1;
                let c = self.byte(start, "FS")?;
                self.fs(start, c)?;
            }
            DLE => {
                self.pos += 1;
                let c = self.byte(start, "DLE")?;
                self.dle(start, c)?;
            }
            0x00..=0x1F => return Err(self.error(start, &format!("unexpected control byte 0x{b:02X}"))),
            _ => self.text_char(start)?,
        }
        Ok(())
    }

    fn text_char(&mut self, start: usize) -> Result<(), String> {
        let b = self.bytes[start];
        if b < 0x80 {
            self.pos += 1;
            self.text.push(if b == 0x7F {
                char::REPLACEMENT_CHARACTER
            } else {
                b as char
            });
            return Ok(());
        }
        if !self.chinese {
            self.pos += 1;
            self.text.push(single_byte(self.code_page, b));
            return Ok(());
        }
        if b == 0x80 || b == 0xFF {
            self.pos += 1;
            self.text.push(char::REPLACEMENT_CHARACTER);
            return Ok(());
        }
        // GB18030: lead 81..FE, then 40..7E/80..FE (two bytes) or 30..39 81..FE 30..39 (four).
        let rest = &self.bytes[start + 1..];
        let len = match rest.first() {
            None => return Err(self.error(start, "truncated GB18030 sequence: input ends after the lead byte")),
            Some(0x40..=0x7E | 0x80..=0xFE) => 2,
            Some(0x30..=0x39) => match rest.get(1..3) {
                Some([0x81..=0xFE, 0x30..=0x39]) => 4,
                Some(_) => return Err(self.error(start, "invalid four-byte GB18030 sequence")),
                None => return Err(self.error(start, "truncated four-byte GB18030 sequence")),
            },
            Some(t) => {
                return Err(self.error(start, &format!("invalid GB18030 second byte 0x{t:02X} in Chinese mode")));
            }
        };
        let seq = &self.bytes[start..start + len];
        match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(seq) {
            Some(s) => self.text.push_str(&s),
            None => self.text.push(char::REPLACEMENT_CHARACTER),
        }
        self.pos += len;
        Ok(())
    }

    fn esc(&mut self, start: usize, c: u8) -> Result<(), String> {
        let name = format!("ESC {}", spell(c));
        match c {
            b'@' => {
                self.code_page = 0;
                self.qr = QrState::default();
                self.emit(Token::Init);
            }
            b'a' => {
                let align = match self.byte(start, &name)? {
                    0 | 48 => Align::Left,
                    1 | 49 => Align::Center,
                    2 | 50 => Align::Right,
                    n => return Err(self.error(start, &format!("invalid alignment ESC a {n}"))),
                };
                self.emit(Token::Align(align));
            }
            b'E' => {
                let n = self.byte(start, &name)?;
                self.emit(Token::Bold(n & 1 == 1));
            }
            b't' => {
                let n = self.byte(start, &name)?;
                self.code_page = n;
                self.emit(Token::CodePage(n));
            }
            b'd' => {
                let n = self.byte(start, &name)?;
                self.emit(Token::Feed(n));
            }
            b'2' => self.emit(Token::LineSpacing(None)),
            b'3' => {
                let n = self.byte(start, &name)?;
                self.emit(Token::LineSpacing(Some(n)));
            }
            b'p' => {
                let p = self.take(start, 3, &name)?;
                let pin = match p[0] {
                    0 | 48 => 2,
                    1 | 49 => 5,
                    m => return Err(self.error(start, &format!("invalid drawer pin ESC p {m}"))),
                };
                self.emit(Token::DrawerKick {
                    pin,
                    on_ms: p[1] as u16 * 2,
                    off_ms: p[2] as u16 * 2,
                });
            }
            b'i' | b'm' => self.emit(Token::Cut { partial: true }),
            b'<' | b'L' | b'S' | FF => self.emit(Token::Other {
                name,
                params: Vec::new(),
            }),
            b' ' | b'!' | b'%' | b'-' | b'=' | b'?' | b'G' | b'J' | b'K' | b'M' | b'R' | b'T' | b'U' | b'V' | b'e'
            | b'r' | b'{' => self.other(start, name, 1)?,
            b'$' | b'\\' => self.other(start, name, 2)?,
            b'W' => self.other(start, name, 8)?,
            b'c' => {
                let f = self.byte(start, &name)?;
                if !matches!(f, b'3' | b'4' | b'5') {
                    return Err(self.error(start, &format!("unknown command ESC c 0x{f:02X}")));
                }
                self.other(start, format!("ESC c {}", f as char), 1)?;
            }
            b'D' => {
                // Horizontal tab positions: up to 32 values, then NUL.
                let rest = &self.bytes[self.pos..];
                let Some(end) = rest.iter().take(33).position(|&b| b == 0) else {
                    return Err(self.error(start, "ESC D without a NUL within 33 bytes (truncated?)"));
                };
                let params = rest[..end].to_vec();
                self.pos += end + 1;
                self.emit(Token::Other { name, params });
            }
            b'*' => {
                let from = self.pos;
                let p = self.take(start, 3, &name)?;
                let columns = p[1] as usize + 256 * p[2] as usize;
                let k = match p[0] {
                    0 | 1 => columns,
                    32 | 33 => 3 * columns,
                    m => return Err(self.error(start, &format!("invalid bit-image mode ESC * {m}"))),
                };
                self.take(start, k, &name)?;
                let params = self.bytes[from..self.pos].to_vec();
                self.emit(Token::Other { name, params });
            }
            b'&' => {
                // User-defined characters: y c1 c2 [x d1...d(y*x)] for each character c1..=c2.
                let from = self.pos;
                let p = self.take(start, 3, &name)?;
                let (y, c1, c2) = (p[0] as usize, p[1], p[2]);
                if c2 < c1 {
                    return Err(self.error(start, "ESC & with c2 < c1"));
                }
                for _ in c1..=c2 {
                    let x = self.byte(start, &name)? as usize;
                    self.take(start, y * x, &name)?;
                }
                let params = self.bytes[from..self.pos].to_vec();
                self.emit(Token::Other { name, params });
            }
            _ => return Err(self.error(start, &format!("unknown command {name}"))),
        }
        Ok(())
    }

    fn gs(&mut self, start: usize, c: u8) -> Result<(), String> {
        let name = format!("GS {}", spell(c));
        match c {
            b'!' => {
                let n = self.byte(start, &name)?;
                let (width, height) = ((n >> 4) + 1, (n & 0x0F) + 1);
                if width > 8 || height > 8 {
                    return Err(self.error(start, &format!("invalid character size GS ! 0x{n:02X}")));
                }
                self.emit(Token::Size { width, height });
            }
            b'V' => {
                let m = self.byte(start, &name)?;
                let partial = match m {
                    0 | 48 => false,
                    1 | 49 => true,
                    65 | 66 => {
                        self.byte(start, &name)?;
                        m == 66
                    }
                    _ => return Err(self.error(start, &format!("unsupported cut mode GS V {m}"))),
                };
                self.emit(Token::Cut { partial });
            }
            b'k' => self.barcode(start)?,
            b'(' => {
                let f = self.byte(start, &name)?;
                let name = format!("GS ( {}", spell(f));
                let (params, data) = self.with_length(start, &name)?;
                if f == b'k' {
                    self.gs_paren_k(start, params, data)?;
                } else {
                    self.emit(Token::Other {
                        name,
                        params: params.to_vec(),
                    });
                }
            }
            b'8' => {
                let f = self.byte(start, &name)?;
                if f != b'L' {
                    return Err(self.error(start, &format!("unknown command GS 8 0x{f:02X}")));
                }
                let from = self.pos;
                let p = self.take(start, 4, "GS 8 L")?;
                let k = u32::from_le_bytes([p[0], p[1], p[2], p[3]]) as usize;
                self.take(start, k, "GS 8 L")?;
                let params = self.bytes[from..self.pos].to_vec();
                self.emit(Token::Other {
                    name: "GS 8 L".into(),
                    params,
                });
            }
            b'v' => {
                let f = self.byte(start, &name)?;
                if f != b'0' {
                    return Err(self.error(start, &format!("unknown command GS v 0x{f:02X}")));
                }
                let from = self.pos;
                let p = self.take(start, 5, "GS v 0")?;
                let k = (p[1] as usize + 256 * p[2] as usize) * (p[3] as usize + 256 * p[4] as usize);
                self.take(start, k, "GS v 0")?;
                let params = self.bytes[from..self.pos].to_vec();
                self.emit(Token::Other {
                    name: "GS v 0".into(),
                    params,
                });
            }
            b'*' => {
                let from = self.pos;
                let p = self.take(start, 2, &name)?;
                self.take(start, p[0] as usize * p[1] as usize * 8, &name)?;
                let params = self.bytes[from..self.pos].to_vec();
                self.emit(Token::Other { name, params });
            }
            b':' => self.emit(Token::Other {
                name,
                params: Vec::new(),
            }),
            b'/' | b'B' | b'H' | b'I' | b'T' | b'a' | b'b' | b'f' | b'h' | b'r' | b'w' => self.other(start, name, 1)?,
            b'$' | b'L' | b'P' | b'W' | b'\\' => self.other(start, name, 2)?,
            b'^' => self.other(start, name, 3)?,
            _ => return Err(self.error(start, &format!("unknown command {name}"))),
        }
        Ok(())
    }

    fn barcode(&mut self, start: usize) -> Result<(), String> {
        let system = self.byte(start, "GS k")?;
        let data = match system {
            0..=6 => {
                let rest = &self.bytes[self.pos..];
                let Some(end) = rest.iter().position(|&b| b == 0) else {
                    return Err(self.error(start, &format!("truncated GS k {system}: no terminating NUL")));
                };
                self.pos += end + 1;
                rest[..end].to_vec()
            }
            65..=79 => {
                let n = self.byte(start, "GS k")? as usize;
                if n == 0 {
                    return Err(self.error(start, &format!("GS k {system} with no data")));
                }
                self.take(start, n, "GS k")?.to_vec()
            }
            _ => return Err(self.error(start, &format!("invalid barcode system GS k {system}"))),
        };
        self.emit(Token::Barcode { system, data });
        Ok(())
    }

    /// GS ( k pL pH cn fn ...: `data` is cn fn and the rest.
    fn gs_paren_k(&mut self, start: usize, params: &[u8], data: &[u8]) -> Result<(), String> {
        let other = || Token::Other {
            name: "GS ( k".into(),
            params: params.to_vec(),
        };
        let [cn, f, rest @ ..] = data else {
            return Err(self.error(start, "GS ( k with pL pH < 2"));
        };
        if *cn != 49 {
            // PDF417 (48), MaxiCode (50), GS1 DataBar (51), Composite (52), AztecCode (53)...
            self.emit(other());
            return Ok(());
        }
        match (f, rest) {
            (65, [n1, 0]) => {
                self.qr.model = Some(match n1 {
                    49 => 1,
                    50 => 2,
                    51 => 3,
                    _ => return Err(self.error(start, &format!("invalid QR model {n1}"))),
                });
            }
            (67, [n]) => {
                if !(1..=16).contains(n) {
                    return Err(self.error(start, &format!("invalid QR module size {n}")));
                }
                self.qr.size = Some(*n);
            }
            (69, [n]) => {
                self.qr.level = match n {
                    48 => QrLevel::L,
                    49 => QrLevel::M,
                    50 => QrLevel::Q,
                    51 => QrLevel::H,
                    _ => return Err(self.error(start, &format!("invalid QR error correction level {n}"))),
                };
            }
            (80, [48, d @ ..]) if !d.is_empty() => self.qr.data = Some(d.to_vec()),
            (81, [48]) => {
                let Some(data) = self.qr.data.clone() else {
                    return Err(self.error(start, "QR print (fn 81) with no stored data"));
                };
                let symbol = QrSymbol {
                    data,
                    model: self.qr.model.unwrap_or(2),
                    size: self.qr.size.unwrap_or(3),
                    level: self.qr.level,
                };
                self.emit(Token::Qr(symbol));
                return Ok(());
            }
            (82, [48]) => {}
            _ => return Err(self.error(start, &format!("malformed or unknown QR function GS ( k fn {f}"))),
        }
        self.emit(other());
        Ok(())
    }

    fn fs(&mut self, start: usize, c: u8) -> Result<(), String> {
        let name = format!("FS {}", spell(c));
        match c {
            b'&' => {
                self.chinese = true;
                self.emit(Token::ChineseMode(true));
            }
            b'.' => {
                self.chinese = false;
                self.emit(Token::ChineseMode(false));
            }
            b'!' | b'-' | b'C' | b'W' => self.other(start, name, 1)?,
            b'S' | b'p' | b'?' => self.other(start, name, 2)?,
            b'2' => self.other(start, name, 2 + 72)?,
            b'(' => {
                let f = self.byte(start, &name)?;
                let name = format!("FS ( {}", spell(f));
                let (params, _) = self.with_length(start, &name)?;
                self.emit(Token::Other {
                    name,
                    params: params.to_vec(),
                });
            }
            _ => return Err(self.error(start, &format!("unknown command {name}"))),
        }
        Ok(())
    }

    fn dle(&mut self, start: usize, c: u8) -> Result<(), String> {
        match c {
            0x04 => match self.byte(start, "DLE EOT")? {
                n @ 1..=4 => self.emit(Token::StatusRequest(n)),
                n @ (7 | 8) => {
                    let a = self.byte(start, "DLE EOT")?;
                    self.emit(Token::Other {
                        name: "DLE EOT".into(),
                        params: vec![n, a],
                    });
                }
                n => return Err(self.error(start, &format!("invalid status request DLE EOT {n}"))),
            },
            0x05 => self.other(start, "DLE ENQ".into(), 1)?,
            0x14 => match self.byte(start, "DLE DC4")? {
                1 => {
                    let p = self.take(start, 2, "DLE DC4 1")?;
                    let pin = match p[0] {
                        0 => 2,
                        1 => 5,
                        m => return Err(self.error(start, &format!("invalid drawer pin DLE DC4 1 {m}"))),
                    };
                    if !(1..=8).contains(&p[1]) {
                        return Err(self.error(start, &format!("invalid pulse time DLE DC4 1 {} {}", p[0], p[1])));
                    }
                    let ms = p[1] as u16 * 100;
                    self.emit(Token::DrawerKick {
                        pin,
                        on_ms: ms,
                        off_ms: ms,
                    });
                }
                2 => self.other(start, "DLE DC4 2".into(), 2)?,
                7 => self.other(start, "DLE DC4 7".into(), 1)?,
                8 => self.other(start, "DLE DC4 8".into(), 7)?,
                f => return Err(self.error(start, &format!("unknown command DLE DC4 {f}"))),
            },
            _ => return Err(self.error(start, &format!("unknown command DLE {}", spell(c)))),
        }
        Ok(())
    }
}

const PC437: &str = concat!(
    "ÇüéâäàåçêëèïîìÄÅ",
    "ÉæÆôöòûùÿÖÜ¢£¥₧ƒ",
    "áíóúñÑªº¿⌐¬½¼¡«»",
    "░▒▓│┤╡╢╖╕╣║╗╝╜╛┐",
    "└┴┬├─┼╞╟╚╔╩╦╠═╬╧",
    "╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀",
    "αßΓπΣσµτΦΘΩδ∞φε∩",
    "≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{a0}",
);

const PC850: &str = concat!(
    "ÇüéâäàåçêëèïîìÄÅ",
    "ÉæÆôöòûùÿÖÜø£Ø×ƒ",
    "áíóúñÑªº¿®¬½¼¡«»",
    "░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐",
    "└┴┬├─┼ãÃ╚╔╩╦╠═╬¤",
    "ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀",
    "ÓßÔÒõÕµþÞÚÛÙýÝ¯´",
    "\u{ad}±‗¾¶§÷¸°¨·¹³²■\u{a0}",
);

/// PC850 with the euro sign at 0xD5 (where PC850 has 'ı').
const PC858: &str = concat!(
    "ÇüéâäàåçêëèïîìÄÅ",
    "ÉæÆôöòûùÿÖÜø£Ø×ƒ",
    "áíóúñÑªº¿®¬½¼¡«»",
    "░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐",
    "└┴┬├─┼ãÃ╚╔╩╦╠═╬¤",
    "ðÐÊËÈ€ÍÎÏ┘┌█▄¦Ì▀",
    "ÓßÔÒõÕµþÞÚÛÙýÝ¯´",
    "\u{ad}±‗¾¶§÷¸°¨·¹³²■\u{a0}",
);

/// WPC1252 0x80..=0x9F; 0xA0..=0xFF are Latin-1. U+FFFD where Windows-1252 defines nothing.
const WPC1252_80: &str = concat!(
    "€\u{fffd}‚ƒ„…†‡ˆ‰Š‹Œ\u{fffd}Ž\u{fffd}",
    "\u{fffd}\u{2018}\u{2019}\u{201c}\u{201d}•–—˜™š›œ\u{fffd}žŸ",
);

/// The character a single-byte code page (`ESC t n`) prints for byte `b`; U+FFFD when the page
/// is not modelled or does not define `b`.
pub fn single_byte(code_page: u8, b: u8) -> char {
    if b < 0x80 {
        return if (0x20..0x7F).contains(&b) {
            b as char
        } else {
            char::REPLACEMENT_CHARACTER
        };
    }
    let i = (b - 0x80) as usize;
    let table = match code_page {
        0 => PC437,
        2 => PC850,
        19 => PC858,
        16 if b >= 0xA0 => return b as char,
        16 => WPC1252_80,
        _ => return char::REPLACEMENT_CHARACTER,
    };
    table.chars().nth(i).unwrap_or(char::REPLACEMENT_CHARACTER)
}
