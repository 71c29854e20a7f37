//! Text to printer bytes. ASCII prints in any mode; other characters go through the
//! single-byte code page when it has them, else through Chinese mode (GBK, or GB18030's
//! four-byte sequences when the printer has that font); anything else becomes a visible
//! '?' and is counted, never dropped.

use encoding_rs::{Encoder, EncoderResult, Encoding, GB18030, GBK, WINDOWS_1252};
use serde::{Deserialize, Serialize};

/// What the printer's Chinese mode (FS &) understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Chinese {
    /// Two-byte GBK: the font of nearly every printer sold in China.
    Gbk,
    /// GBK plus GB18030's four-byte sequences (printers with the full GB18030 font).
    Gb18030,
    /// No Chinese font: CJK characters are replaced.
    Off,
}

/// The single-byte page (ESC t n) for accented Latin text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodePage {
    /// ASCII only; other characters go to Chinese mode or are replaced.
    Ascii,
    /// Windows-1252 (ESC t 16): Western European letters, the euro and pound signs.
    Wpc1252,
}

impl CodePage {
    fn table(self) -> Option<(&'static Encoding, u8)> {
        match self {
            CodePage::Ascii => None,
            CodePage::Wpc1252 => Some((WINDOWS_1252, 16)),
        }
    }
}

const FS_CHINESE_ON: [u8; 2] = [0x1C, b'&'];
const FS_CHINESE_OFF: [u8; 2] = [0x1C, b'.'];
const ESC_CODE_PAGE: [u8; 2] = [0x1B, b't'];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Unknown,
    Chinese,
    SingleByte,
}

/// Encodes text runs, switching the printer's mode only when a character needs it.
pub struct TextEncoder {
    chinese: Chinese,
    page: CodePage,
    mode: Mode,
    page_selected: bool,
    /// Characters that could not be printed and were replaced by '?'.
    pub replaced: usize,
}

impl TextEncoder {
    pub fn new(chinese: Chinese, page: CodePage) -> TextEncoder {
        TextEncoder {
            chinese,
            page,
            mode: Mode::Unknown,
            page_selected: false,
            replaced: 0,
        }
    }

    /// After ESC @ the printer's code page is back to its default.
    pub fn reset(&mut self) {
        self.page_selected = false;
    }

    pub fn encode(&mut self, text: &str, out: &mut Vec<u8>) {
        for c in text.chars() {
            if c.is_ascii() && !c.is_ascii_control() {
                out.push(c as u8);
            } else if !self.try_chinese_first(c, out) && !self.try_single(c, out) && !self.try_chinese(c, out) {
                self.replaced += 1;
                out.push(b'?');
            }
        }
    }

    /// Already in Chinese mode: stay there for punctuation and symbols the font has (no
    /// switching back and forth around a '·'); accented Latin letters still take the
    /// single-byte page, whose glyphs are the Western ones.
    fn try_chinese_first(&mut self, c: char, out: &mut Vec<u8>) -> bool {
        let latin_letter = c.is_alphabetic() && u32::from(c) < 0x2E80;
        self.mode == Mode::Chinese && !latin_letter && self.try_chinese(c, out)
    }

    fn try_single(&mut self, c: char, out: &mut Vec<u8>) -> bool {
        let Some((encoding, n)) = self.page.table() else {
            return false;
        };
        let Some(bytes) = encode_char(encoding.new_encoder(), c) else {
            return false;
        };
        if bytes.len() != 1 {
            return false;
        }
        if self.mode != Mode::SingleByte {
            out.extend_from_slice(&FS_CHINESE_OFF);
            self.mode = Mode::SingleByte;
        }
        if !self.page_selected {
            out.extend_from_slice(&ESC_CODE_PAGE);
            out.push(n);
            self.page_selected = true;
        }
        out.extend_from_slice(&bytes);
        true
    }

    fn try_chinese(&mut self, c: char, out: &mut Vec<u8>) -> bool {
        let bytes = match self.chinese {
            Chinese::Off => None,
            // GBK's encoder leaves out the four-byte forms; the euro sign's single 0x80 is
            // not in printers' fonts either.
            Chinese::Gbk => encode_char(GBK.new_encoder(), c).filter(|b| b.len() == 2),
            Chinese::Gb18030 => encode_char(GB18030.new_encoder(), c).filter(|b| b.len() >= 2),
        };
        let Some(bytes) = bytes else {
            return false;
        };
        if self.mode != Mode::Chinese {
            out.extend_from_slice(&FS_CHINESE_ON);
            self.mode = Mode::Chinese;
        }
        out.extend_from_slice(&bytes);
        true
    }
}

/// One character through an encoder; `None` when the encoding has no such character.
fn encode_char(mut encoder: Encoder, c: char) -> Option<Vec<u8>> {
    let mut buf = [0u8; 4];
    let text = c.encode_utf8(&mut buf);
    let mut out = [0u8; 8];
    let (result, _, written) = encoder.encode_from_utf8_without_replacement(text, &mut out, true);
    match result {
        EncoderResult::InputEmpty => Some(out[..written].to_vec()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(chinese: Chinese, page: CodePage, text: &str) -> (Vec<u8>, usize) {
        let mut e = TextEncoder::new(chinese, page);
        let mut out = Vec::new();
        e.encode(text, &mut out);
        (out, e.replaced)
    }

    #[test]
    fn chinese_goes_through_fs_and_gbk() {
        let (bytes, replaced) = enc(Chinese::Gbk, CodePage::Wpc1252, "合计 12.00");
        assert_eq!(bytes, [&[0x1C, b'&', 0xBA, 0xCF, 0xBC, 0xC6][..], b" 12.00"].concat());
        assert_eq!(replaced, 0);
    }

    #[test]
    fn latin_uses_the_single_byte_page_once() {
        let (bytes, _) = enc(Chinese::Gbk, CodePage::Wpc1252, "Café €5 é");
        assert_eq!(
            bytes,
            [
                &b"Caf"[..],
                &[0x1C, b'.', 0x1B, b't', 16, 0xE9],
                b" ",
                &[0x80],
                b"5 ",
                &[0xE9]
            ]
            .concat()
        );
    }

    #[test]
    fn unprintable_characters_become_visible_question_marks() {
        // An emoji has no GBK form; with a GB18030 font it is a four-byte sequence.
        let (bytes, replaced) = enc(Chinese::Gbk, CodePage::Ascii, "茶🍵");
        assert_eq!(bytes, [0x1C, b'&', 0xB2, 0xE8, b'?']);
        assert_eq!(replaced, 1);
        let (bytes, replaced) = enc(Chinese::Gb18030, CodePage::Ascii, "🍵");
        assert_eq!((bytes.len(), replaced), (6, 0));
        let (bytes, replaced) = enc(Chinese::Off, CodePage::Ascii, "茶\u{7}");
        assert_eq!((bytes, replaced), (b"??".to_vec(), 2));
    }

    #[test]
    fn stays_in_chinese_mode_for_characters_both_pages_have() {
        // '·' exists in GBK and in Windows-1252: inside Chinese text it stays GBK.
        let (bytes, _) = enc(Chinese::Gbk, CodePage::Wpc1252, "可乐·大");
        assert!(!bytes.windows(2).any(|w| w == [0x1C, b'.']), "{bytes:02X?}");
        // 'é' is in GBK too (pinyin), but a Latin letter takes the Western page.
        let (bytes, _) = enc(Chinese::Gbk, CodePage::Wpc1252, "咖啡 Café");
        assert!(
            bytes.ends_with(&[b'f', 0x1C, b'.', 0x1B, b't', 16, 0xE9]),
            "{bytes:02X?}"
        );
    }
}
