//! The ZVT messages Tillguard speaks, both directions (the simulator encodes what the driver
//! decodes and the other way round): ECR commands (PA00P015 chapter 2) and PT messages
//! (chapter 3: status, print, completion, abort).

use super::apdu::{Apdu, DecodeError, Reader};
use super::bcd;
use super::bmp::{self, Field};
use super::tlv::{self, Tlv, TlvValue};

/// Class and instruction bytes of the messages below.
pub mod ci {
    pub const REGISTRATION: (u8, u8) = (0x06, 0x00);
    pub const AUTHORIZATION: (u8, u8) = (0x06, 0x01);
    pub const LOG_OFF: (u8, u8) = (0x06, 0x02);
    pub const COMPLETION: (u8, u8) = (0x06, 0x0F);
    pub const SEND_TURNOVER_TOTALS: (u8, u8) = (0x06, 0x10);
    pub const ABORT: (u8, u8) = (0x06, 0x1E);
    pub const REPEAT_RECEIPT: (u8, u8) = (0x06, 0x20);
    pub const REVERSAL: (u8, u8) = (0x06, 0x30);
    pub const REFUND: (u8, u8) = (0x06, 0x31);
    pub const END_OF_DAY: (u8, u8) = (0x06, 0x50);
    pub const ABORT_REQUEST: (u8, u8) = (0x06, 0xB0);
    pub const PRINT_LINE: (u8, u8) = (0x06, 0xD1);
    pub const PRINT_TEXT_BLOCK: (u8, u8) = (0x06, 0xD3);
    pub const STATUS_ENQUIRY: (u8, u8) = (0x05, 0x01);
    pub const STATUS_INFORMATION: (u8, u8) = (0x04, 0x0F);
    pub const INTERMEDIATE_STATUS: (u8, u8) = (0x04, 0xFF);
    pub const ACK: (u8, u8) = (0x80, 0x00);
    pub const NAK_CLASS: u8 = 0x84;
}

/// Commands from the cash register (ECR) to the terminal (PT).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EcrCommand {
    /// 06 00 `<pwd><config>[<currency>][03 <service>]`
    Registration {
        password: u32,
        config: u8,
        currency: Option<u16>,
        service: Option<u8>,
    },
    /// 06 01 `04 <amount> [49 <currency>] [19 <payment type>] 06 00`
    Authorization {
        amount_minor: u64,
        currency: Option<u16>,
        payment_type: Option<u8>,
    },
    /// 06 30 `<pwd> 87 <receipt> [04 <amount>] [49 <currency>]`
    Reversal {
        password: u32,
        receipt_no: u32,
        amount_minor: Option<u64>,
        currency: Option<u16>,
    },
    /// 06 31 `<pwd> 04 <amount> [49 <currency>]`
    Refund {
        password: u32,
        amount_minor: u64,
        currency: Option<u16>,
    },
    /// 06 50 `<pwd>`
    EndOfDay { password: u32 },
    /// 06 10 `<pwd>`
    SendTurnoverTotals { password: u32 },
    /// 06 20 `<pwd>`
    RepeatReceipt { password: u32 },
    /// 05 01 `[<pwd> [03 <service>]]`; a service byte is only sent with a password.
    StatusEnquiry { password: Option<u32>, service: Option<u8> },
    /// 06 02
    LogOff,
    /// 06 B0
    Abort,
    /// Anything else (e.g. 06 25), passed through unread.
    Other(Apdu),
}

/// Messages from the terminal (PT) to the cash register (ECR).
// Unboxed on purpose: the shared contract matches on `StatusInformation(info)` directly, and a
// session holds a handful of these at a time, so the size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PtMessage {
    /// 80 00 00, and 84 00 which the spec also counts as positive.
    Ack,
    /// 84 xx, xx != 00 (9C = repeat in 2 s, 83 = not supported).
    Nak {
        code: u8,
    },
    /// 04 FF `<code> [<timeout minutes, BCD>] [06 TLV]`
    IntermediateStatus {
        code: u8,
        timeout_minutes: Option<u8>,
    },
    /// 04 0F BMPs
    StatusInformation(StatusInformation),
    /// 06 D1 `<attribute> <text>`
    PrintLine {
        attribute: u8,
        text: String,
    },
    /// 06 D3 `06 <TLV>`: the text lines (tag 07) of its print-texts container (tag 25).
    PrintTextBlock {
        lines: Vec<String>,
    },
    /// 06 0F
    Completion(Completion),
    /// 06 1E `<result code>`
    Abort {
        result_code: u8,
    },
    Other(Apdu),
}

/// The fields of a Status-Information (04 0F), each from its BMP.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusInformation {
    /// BMP 27
    pub result_code: Option<u8>,
    /// BMP 04
    pub amount_minor: Option<u64>,
    /// BMP 0B
    pub trace: Option<u32>,
    /// BMP 37
    pub original_trace: Option<u32>,
    /// BMP 0C as "HH:MM:SS"
    pub time: Option<String>,
    /// BMP 0D as "MM-DD"
    pub date: Option<String>,
    /// BMP 0E as "YYMM"
    pub expiry: Option<String>,
    /// BMP 17
    pub card_sequence: Option<u32>,
    /// BMP 19
    pub payment_type: Option<u8>,
    /// BMP 22, masked digits shown as '*'
    pub pan: Option<String>,
    /// BMP 29
    pub terminal_id: Option<u32>,
    /// BMP 2A (trimmed)
    pub vu_number: Option<String>,
    /// BMP 3B: text when printable, else hex
    pub aid: Option<String>,
    /// BMP 3C
    pub additional_text: Option<String>,
    /// BMP 49
    pub currency: Option<u16>,
    /// BMP 60
    pub totals: Option<EodTotals>,
    /// BMP 87
    pub receipt_no: Option<u32>,
    /// BMP 88
    pub turnover_no: Option<u32>,
    /// BMP 8A
    pub card_type: Option<u8>,
    /// BMP 8B
    pub card_name: Option<String>,
    /// BMP 8C
    pub network_card_type: Option<u8>,
    /// BMP AA as "20YY-MM-DD"
    pub date_full: Option<String>,
    /// BMP 06 contents
    pub tlv: Vec<Tlv>,
}

/// BMP 60: the end-of-day totals per card scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EodTotals {
    pub receipt_start: u32,
    pub receipt_end: u32,
    pub per_card: Vec<CardTotal>,
}

impl EodTotals {
    pub fn count(&self) -> u32 {
        self.per_card.iter().map(|c| u32::from(c.count)).sum()
    }

    pub fn amount_minor(&self) -> u64 {
        self.per_card
            .iter()
            .map(|c| c.amount_minor)
            .fold(0, u64::saturating_add)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardTotal {
    pub card: CardScheme,
    pub count: u8,
    pub amount_minor: u64,
}

/// The seven groups of BMP 60, in their order there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CardScheme {
    Girocard,
    Jcb,
    Mastercard,
    Amex,
    Visa,
    Diners,
    Other,
}

impl CardScheme {
    pub const ALL: [CardScheme; 7] = [
        CardScheme::Girocard,
        CardScheme::Jcb,
        CardScheme::Mastercard,
        CardScheme::Amex,
        CardScheme::Visa,
        CardScheme::Diners,
        CardScheme::Other,
    ];

    pub fn name(&self) -> &'static str {
        match self {
            CardScheme::Girocard => "girocard",
            CardScheme::Jcb => "jcb",
            CardScheme::Mastercard => "mastercard",
            CardScheme::Amex => "amex",
            CardScheme::Visa => "visa",
            CardScheme::Diners => "diners",
            CardScheme::Other => "other",
        }
    }
}

/// Completion (06 0F). To a Registration it carries `[19 status][29 TID][49 currency][06 TLV]`;
/// to a Status Enquiry `<LLLVAR software version> <terminal status> [29 TID] [06 TLV]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Completion {
    pub status_byte: Option<u8>,
    pub terminal_id: Option<u32>,
    pub currency: Option<u16>,
    pub sw_version: Option<String>,
    pub terminal_status: Option<u8>,
    pub tlv: Vec<Tlv>,
}

impl Completion {
    /// Whether this is the Status-Enquiry form (it has a software version or terminal status).
    pub fn is_status_enquiry_form(&self) -> bool {
        self.sw_version.is_some() || self.terminal_status.is_some()
    }
}

// ---- ECR commands -------------------------------------------------------------------------

impl EcrCommand {
    pub fn to_apdu(&self) -> Apdu {
        let mut d = Vec::new();
        let (class, instr) = match self {
            EcrCommand::Registration {
                password: pwd,
                config,
                currency,
                service,
            } => {
                d.extend(password_bytes(*pwd));
                d.push(*config);
                if let Some(c) = currency {
                    // Bare 2 BCD bytes here, not BMP 49 (PA00P015 2.1).
                    d.extend(bcd::encode_capped(u64::from(*c), bcd::CURRENCY_LEN));
                }
                if let Some(s) = service {
                    d.extend(bmp::service_byte(*s));
                }
                ci::REGISTRATION
            }
            EcrCommand::Authorization {
                amount_minor,
                currency,
                payment_type,
            } => {
                d.extend(bmp::amount(*amount_minor));
                d.extend(currency.map(bmp::currency_bmp).unwrap_or_default());
                d.extend(payment_type.map(bmp::payment_type).unwrap_or_default());
                // An empty TLV container, as in the verified frame of REFERENCE.md: it tells
                // the PT the ECR understands TLV.
                d.extend([0x06, 0x00]);
                ci::AUTHORIZATION
            }
            EcrCommand::Reversal {
                password: pwd,
                receipt_no,
                amount_minor,
                currency,
            } => {
                d.extend(password_bytes(*pwd));
                d.extend(bmp::receipt_no(*receipt_no));
                d.extend(amount_minor.map(bmp::amount).unwrap_or_default());
                d.extend(currency.map(bmp::currency_bmp).unwrap_or_default());
                ci::REVERSAL
            }
            EcrCommand::Refund {
                password: pwd,
                amount_minor,
                currency,
            } => {
                d.extend(password_bytes(*pwd));
                d.extend(bmp::amount(*amount_minor));
                d.extend(currency.map(bmp::currency_bmp).unwrap_or_default());
                ci::REFUND
            }
            EcrCommand::EndOfDay { password: pwd } => {
                d.extend(password_bytes(*pwd));
                ci::END_OF_DAY
            }
            EcrCommand::SendTurnoverTotals { password: pwd } => {
                d.extend(password_bytes(*pwd));
                ci::SEND_TURNOVER_TOTALS
            }
            EcrCommand::RepeatReceipt { password: pwd } => {
                d.extend(password_bytes(*pwd));
                ci::REPEAT_RECEIPT
            }
            EcrCommand::StatusEnquiry { password: pwd, service } => {
                if let Some(p) = pwd {
                    d.extend(password_bytes(*p));
                    d.extend(service.map(bmp::service_byte).unwrap_or_default());
                }
                ci::STATUS_ENQUIRY
            }
            EcrCommand::LogOff => ci::LOG_OFF,
            EcrCommand::Abort => ci::ABORT_REQUEST,
            EcrCommand::Other(a) => return a.clone(),
        };
        Apdu::new(class, instr, d)
    }

    pub fn from_apdu(a: &Apdu) -> Result<EcrCommand, DecodeError> {
        let mut r = Reader::new(&a.data, a.header_len());
        Ok(match (a.class, a.instr) {
            ci::REGISTRATION => decode_registration(&mut r)?,
            ci::AUTHORIZATION => {
                let (mut amount, mut currency, mut payment_type) = (None, None, None);
                for f in bmp::fields(r.rest(), r.offset())? {
                    match f.bmp {
                        0x04 => amount = Some(amount_of(&f)?),
                        0x49 => currency = Some(bmp::currency(f.data, f.data_offset)?),
                        0x19 => payment_type = f.data.first().copied(),
                        _ => {}
                    }
                }
                let amount_minor = amount.ok_or(DecodeError::MissingField {
                    message: "authorization",
                    what: "amount (BMP 04)",
                })?;
                EcrCommand::Authorization {
                    amount_minor,
                    currency,
                    payment_type,
                }
            }
            ci::REVERSAL => {
                let password = read_password(&mut r)?;
                let (mut receipt, mut amount_minor, mut currency) = (None, None, None);
                for f in bmp::fields(r.rest(), r.offset())? {
                    match f.bmp {
                        0x87 => receipt = Some(bcd::number_u32(f.data, "receipt number (BMP 87)", f.data_offset)?),
                        0x04 => amount_minor = Some(amount_of(&f)?),
                        0x49 => currency = Some(bmp::currency(f.data, f.data_offset)?),
                        _ => {}
                    }
                }
                let receipt_no = receipt.ok_or(DecodeError::MissingField {
                    message: "reversal",
                    what: "receipt number (BMP 87)",
                })?;
                EcrCommand::Reversal {
                    password,
                    receipt_no,
                    amount_minor,
                    currency,
                }
            }
            ci::REFUND => {
                let password = read_password(&mut r)?;
                let (mut amount, mut currency) = (None, None);
                for f in bmp::fields(r.rest(), r.offset())? {
                    match f.bmp {
                        0x04 => amount = Some(amount_of(&f)?),
                        0x49 => currency = Some(bmp::currency(f.data, f.data_offset)?),
                        _ => {}
                    }
                }
                let amount_minor = amount.ok_or(DecodeError::MissingField {
                    message: "refund",
                    what: "amount (BMP 04)",
                })?;
                EcrCommand::Refund {
                    password,
                    amount_minor,
                    currency,
                }
            }
            ci::END_OF_DAY => EcrCommand::EndOfDay {
                password: password_then_fields(&mut r)?,
            },
            ci::SEND_TURNOVER_TOTALS => EcrCommand::SendTurnoverTotals {
                password: password_then_fields(&mut r)?,
            },
            ci::REPEAT_RECEIPT => EcrCommand::RepeatReceipt {
                password: password_then_fields(&mut r)?,
            },
            ci::STATUS_ENQUIRY => {
                if r.is_empty() {
                    EcrCommand::StatusEnquiry {
                        password: None,
                        service: None,
                    }
                } else {
                    let password = read_password(&mut r)?;
                    let service = service_of(&bmp::fields(r.rest(), r.offset())?);
                    EcrCommand::StatusEnquiry {
                        password: Some(password),
                        service,
                    }
                }
            }
            ci::LOG_OFF => {
                bmp::fields(r.rest(), r.offset())?;
                EcrCommand::LogOff
            }
            ci::ABORT_REQUEST => {
                bmp::fields(r.rest(), r.offset())?;
                EcrCommand::Abort
            }
            _ => EcrCommand::Other(a.clone()),
        })
    }
}

/// Registration: `<pwd 3 BCD><config>[<currency 2 BCD>][03 <service>][06 <TLV>]`. The bare
/// currency has no BMP number, so when the bytes after the config byte read both ways (a
/// currency 03xx such as HKD 0344 looks like a service byte) the currency reading wins: a
/// currency always comes first and our own ECR always sends one.
fn decode_registration(r: &mut Reader<'_>) -> Result<EcrCommand, DecodeError> {
    let password = read_password(r)?;
    let config = r.u8("registration config byte")?;
    let (rest, at) = (r.rest(), r.offset());
    let with_currency = rest.get(..2).zip(rest.get(2..)).and_then(|(cur, tail)| {
        let currency = bmp::currency(cur, at).ok()?;
        let fields = bmp::fields(tail, at + 2).ok()?;
        Some((Some(currency), fields))
    });
    let (currency, fields) = match with_currency {
        Some(found) => found,
        None => (None, bmp::fields(rest, at)?),
    };
    Ok(EcrCommand::Registration {
        password,
        config,
        currency,
        service: service_of(&fields),
    })
}

fn service_of(fields: &[Field<'_>]) -> Option<u8> {
    fields
        .iter()
        .rev()
        .find(|f| f.bmp == 0x03)
        .and_then(|f| f.data.first().copied())
}

fn amount_of(f: &Field<'_>) -> Result<u64, DecodeError> {
    bcd::number(f.data, "amount (BMP 04)", f.data_offset)
}

fn password_bytes(password: u32) -> Vec<u8> {
    bcd::encode_capped(u64::from(password), bcd::PASSWORD_LEN)
}

fn read_password(r: &mut Reader<'_>) -> Result<u32, DecodeError> {
    let at = r.offset();
    bcd::number_u32(r.take(bcd::PASSWORD_LEN, "password")?, "password", at)
}

/// A password followed by optional BMPs (e.g. a TLV container) the command does not need;
/// they are still checked, so malformed bytes are reported.
fn password_then_fields(r: &mut Reader<'_>) -> Result<u32, DecodeError> {
    let password = read_password(r)?;
    bmp::fields(r.rest(), r.offset())?;
    Ok(password)
}

// ---- PT messages --------------------------------------------------------------------------

impl PtMessage {
    pub fn to_apdu(&self) -> Apdu {
        match self {
            PtMessage::Ack => Apdu::new(0x80, 0x00, vec![]),
            PtMessage::Nak { code } => Apdu::new(ci::NAK_CLASS, *code, vec![]),
            PtMessage::IntermediateStatus { code, timeout_minutes } => {
                let mut d = vec![*code];
                d.extend(
                    timeout_minutes
                        .map(|m| bcd::encode_capped(u64::from(m), 1))
                        .unwrap_or_default(),
                );
                apdu(ci::INTERMEDIATE_STATUS, d)
            }
            PtMessage::StatusInformation(info) => apdu(ci::STATUS_INFORMATION, bmp::encode_status(info)),
            PtMessage::PrintLine { attribute, text } => {
                let mut d = vec![*attribute];
                d.extend(bmp::encode_text(text));
                apdu(ci::PRINT_LINE, d)
            }
            PtMessage::PrintTextBlock { lines } => {
                let lines = lines
                    .iter()
                    .map(|l| Tlv::primitive(tlv::tags::TEXT_LINE, bmp::encode_text(l)))
                    .collect();
                apdu(
                    ci::PRINT_TEXT_BLOCK,
                    bmp::tlv_container(&[Tlv::constructed(tlv::tags::PRINT_TEXTS, lines)]),
                )
            }
            PtMessage::Completion(c) => apdu(ci::COMPLETION, encode_completion(c)),
            PtMessage::Abort { result_code } => apdu(ci::ABORT, vec![*result_code]),
            PtMessage::Other(a) => a.clone(),
        }
    }

    pub fn from_apdu(a: &Apdu) -> Result<PtMessage, DecodeError> {
        let base = a.header_len();
        let mut r = Reader::new(&a.data, base);
        Ok(match (a.class, a.instr) {
            (0x80, _) | (ci::NAK_CLASS, 0x00) => PtMessage::Ack,
            (ci::NAK_CLASS, code) => PtMessage::Nak { code },
            ci::INTERMEDIATE_STATUS => decode_intermediate(&mut r)?,
            ci::STATUS_INFORMATION => PtMessage::StatusInformation(bmp::parse_status(&a.data, base)?),
            ci::PRINT_LINE => {
                let attribute = r.u8("print line attribute")?;
                PtMessage::PrintLine {
                    attribute,
                    text: bmp::decode_text(r.rest()),
                }
            }
            ci::PRINT_TEXT_BLOCK => PtMessage::PrintTextBlock {
                lines: text_block_lines(&print_text_block_tlv(a)?),
            },
            ci::COMPLETION => PtMessage::Completion(decode_completion(&a.data, base)?),
            ci::ABORT => {
                let result_code = r.u8("abort result code")?;
                // What may follow (e.g. a TLV container) is checked but not needed.
                bmp::fields(r.rest(), r.offset())?;
                PtMessage::Abort { result_code }
            }
            _ => PtMessage::Other(a.clone()),
        })
    }
}

fn apdu((class, instr): (u8, u8), data: Vec<u8>) -> Apdu {
    Apdu::new(class, instr, data)
}

/// `<code> [<timeout>] [06 <TLV>]`: a byte after the code is the timeout unless it starts a
/// TLV container that fills the rest.
fn decode_intermediate(r: &mut Reader<'_>) -> Result<PtMessage, DecodeError> {
    let code = r.u8("intermediate status code")?;
    let tlv_follows = r.peek() == Some(0x06) && r.remaining() > 1 && bmp::fields(r.rest(), r.offset()).is_ok();
    let timeout_minutes = if r.is_empty() || tlv_follows {
        None
    } else {
        // BCD minutes per the spec; a byte that is not BCD is taken as binary minutes rather
        // than refusing the message, since the timeout only lengthens the ECR's wait.
        let b = r.u8("intermediate status timeout")?;
        Some(bcd::number(&[b], "intermediate status timeout", 0).map_or(b, |n| u8::try_from(n).unwrap_or(b)))
    };
    bmp::fields(r.rest(), r.offset())?;
    Ok(PtMessage::IntermediateStatus { code, timeout_minutes })
}

/// The TLV container (BMP 06) of a Print Text Block; other BMPs in it are stepped over.
pub fn print_text_block_tlv(a: &Apdu) -> Result<Vec<Tlv>, DecodeError> {
    let mut items = Vec::new();
    for f in bmp::fields(&a.data, a.header_len())? {
        if f.bmp == 0x06 {
            items.extend(tlv::decode_tlv_at(f.data, f.data_offset)?);
        }
    }
    Ok(items)
}

/// Text lines (tag 07) wherever they sit in the container, in order; an empty tag 07 is an
/// empty line.
pub fn text_block_lines(items: &[Tlv]) -> Vec<String> {
    tlv::find_all(items, tlv::tags::TEXT_LINE)
        .into_iter()
        .filter_map(|t| match &t.value {
            TlvValue::Primitive(v) => Some(bmp::decode_text(v)),
            TlvValue::Constructed(_) => None,
        })
        .collect()
}

fn encode_completion(c: &Completion) -> Vec<u8> {
    let mut d = Vec::new();
    if c.is_status_enquiry_form() {
        let mut sw = bmp::encode_text(c.sw_version.as_deref().unwrap_or(""));
        sw.truncate(999);
        d.extend(bcd::var_prefix(sw.len(), 3).unwrap_or_default());
        d.extend(sw);
        // A status byte is needed before any BMP; 00 (ready) stands in when none is set.
        if c.terminal_status.is_some() || c.terminal_id.is_some() || c.currency.is_some() || !c.tlv.is_empty() {
            d.push(c.terminal_status.unwrap_or(0x00));
        }
    } else {
        d.extend(c.status_byte.map(bmp::payment_type).unwrap_or_default());
    }
    d.extend(c.terminal_id.map(bmp::terminal_id).unwrap_or_default());
    d.extend(c.currency.map(bmp::currency_bmp).unwrap_or_default());
    if !c.tlv.is_empty() {
        d.extend(bmp::tlv_container(&c.tlv));
    }
    d
}

/// A Completion in whichever form its bytes have: the Status-Enquiry form starts with an
/// LLLVAR prefix (`Fx`) or a terminal status byte, the Registration form with a BMP. A first
/// byte `Fx` is read the Status-Enquiry way (no BMP a Completion carries starts with F).
fn decode_completion(data: &[u8], base: usize) -> Result<Completion, DecodeError> {
    match data.first() {
        Some(b) if b >> 4 == 0x0F => decode_enquiry_completion(data, base),
        _ => {
            let mut c = Completion::default();
            completion_fields(&mut c, &bmp::fields(data, base)?)?;
            Ok(c)
        }
    }
}

fn completion_fields(c: &mut Completion, fields: &[Field<'_>]) -> Result<(), DecodeError> {
    for f in fields {
        match f.bmp {
            0x19 => c.status_byte = f.data.first().copied(),
            0x29 => c.terminal_id = Some(bcd::number_u32(f.data, "terminal id (BMP 29)", f.data_offset)?),
            0x49 => c.currency = Some(bmp::currency(f.data, f.data_offset)?),
            0x06 => c.tlv = tlv::decode_tlv_at(f.data, f.data_offset)?,
            _ => {}
        }
    }
    Ok(())
}

/// `[<LLLVAR sw version>] [<terminal status> [BMPs]]`. The version is optional and its
/// prefix `Fx Fy Fz` can look like a status byte F0..FF (F0 = reconciliation required, the
/// status Tillguard most needs to see), so a leading `Fx` is tried as a version first and, if
/// that does not read to the end, as the status.
fn decode_enquiry_completion(data: &[u8], base: usize) -> Result<Completion, DecodeError> {
    let with_version = || -> Result<Completion, DecodeError> {
        let mut r = Reader::new(data, base);
        let at = r.offset();
        let len = bcd::var_length(r.take(3, "software version")?, "software version", at)?;
        let sw = bmp::decode_text(r.take_declared(len, "software version", at)?);
        let mut c = status_and_fields(&mut r)?;
        c.sw_version = Some(sw.trim().to_string()).filter(|s| !s.is_empty());
        Ok(c)
    };
    match data.first() {
        Some(b) if b >> 4 == 0x0F => {
            with_version().or_else(|e| status_and_fields(&mut Reader::new(data, base)).map_err(|_| e))
        }
        _ => status_and_fields(&mut Reader::new(data, base)),
    }
}

fn status_and_fields(r: &mut Reader<'_>) -> Result<Completion, DecodeError> {
    let mut c = Completion::default();
    if !r.is_empty() {
        c.terminal_status = Some(r.u8("terminal status")?);
    }
    completion_fields(&mut c, &bmp::fields(r.rest(), r.offset())?)?;
    Ok(c)
}

/// Reads a Completion as the answer to a Status Enquiry (05 01). Falls back to the
/// Registration form when the bytes are that instead.
pub fn completion_for_status_enquiry(a: &Apdu) -> Result<Completion, DecodeError> {
    if (a.class, a.instr) != ci::COMPLETION {
        return Err(DecodeError::NotA {
            expected: "completion (06 0F)",
            got: [a.class, a.instr],
        });
    }
    let base = a.header_len();
    decode_enquiry_completion(&a.data, base).or_else(|e| decode_completion(&a.data, base).map_err(|_| e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn round_trip_pt(m: &PtMessage) -> PtMessage {
        let bytes = m.to_apdu().encode();
        let (a, used) = Apdu::decode(&bytes).unwrap();
        assert_eq!(used, bytes.len());
        PtMessage::from_apdu(&a).unwrap()
    }

    #[test]
    fn ack_and_nak() {
        assert_eq!(PtMessage::from_apdu(&Apdu::new(0x80, 0, vec![])), Ok(PtMessage::Ack));
        assert_eq!(PtMessage::from_apdu(&Apdu::new(0x84, 0, vec![])), Ok(PtMessage::Ack));
        assert_eq!(
            PtMessage::from_apdu(&Apdu::new(0x84, 0x9C, vec![])),
            Ok(PtMessage::Nak { code: 0x9C })
        );
        assert_eq!(PtMessage::Nak { code: 0x83 }.to_apdu().encode(), [0x84, 0x83, 0x00]);
        assert_eq!(PtMessage::Ack.to_apdu().encode(), [0x80, 0x00, 0x00]);
    }

    #[test]
    fn intermediate_status_forms() {
        let a = |d: Vec<u8>| Apdu::new(0x04, 0xFF, d);
        assert_eq!(
            PtMessage::from_apdu(&a(vec![0x17])),
            Ok(PtMessage::IntermediateStatus {
                code: 0x17,
                timeout_minutes: None
            })
        );
        assert_eq!(
            PtMessage::from_apdu(&a(vec![0x0A, 0x15])),
            Ok(PtMessage::IntermediateStatus {
                code: 0x0A,
                timeout_minutes: Some(15)
            })
        );
        // 06 alone after the code is a timeout of 6 minutes; 06 00 is an empty TLV container.
        assert_eq!(
            PtMessage::from_apdu(&a(vec![0x0A, 0x06])),
            Ok(PtMessage::IntermediateStatus {
                code: 0x0A,
                timeout_minutes: Some(6)
            })
        );
        assert_eq!(
            PtMessage::from_apdu(&a(vec![0x0A, 0x06, 0x00])),
            Ok(PtMessage::IntermediateStatus {
                code: 0x0A,
                timeout_minutes: None
            })
        );
        assert_eq!(
            PtMessage::from_apdu(&a(vec![0x0A, 0x02, 0x06, 0x00])),
            Ok(PtMessage::IntermediateStatus {
                code: 0x0A,
                timeout_minutes: Some(2)
            })
        );
        assert_eq!(
            PtMessage::from_apdu(&a(vec![0x0A, 0x1F])),
            Ok(PtMessage::IntermediateStatus {
                code: 0x0A,
                timeout_minutes: Some(0x1F)
            })
        );
        assert!(matches!(
            PtMessage::from_apdu(&a(vec![])),
            Err(DecodeError::Truncated { .. })
        ));
    }

    #[test]
    fn abort_needs_its_result_code() {
        assert_eq!(
            PtMessage::from_apdu(&Apdu::new(0x06, 0x1E, vec![0x6C])),
            Ok(PtMessage::Abort { result_code: 0x6C })
        );
        assert_eq!(
            PtMessage::from_apdu(&Apdu::new(0x06, 0x1E, vec![])),
            Err(DecodeError::Truncated {
                what: "abort result code",
                offset: 3,
                needed: 1
            })
        );
        assert_eq!(
            PtMessage::Abort { result_code: 0x6C }.to_apdu().encode(),
            [0x06, 0x1E, 0x01, 0x6C]
        );
    }

    #[test]
    fn print_line_cp437() {
        let a = Apdu::new(0x06, 0xD1, vec![0x80, b'G', 0x81, b'l', b't', b'i', b'g']);
        assert_eq!(
            PtMessage::from_apdu(&a),
            Ok(PtMessage::PrintLine {
                attribute: 0x80,
                text: "Gültig".into()
            })
        );
        assert_eq!(
            PtMessage::PrintLine {
                attribute: 0x80,
                text: "Gültig".into()
            }
            .to_apdu(),
            a
        );
    }

    #[test]
    fn print_text_block_round_trip() {
        let m = PtMessage::PrintTextBlock {
            lines: vec!["  ** Kundenbeleg **".into(), String::new(), "Betrag: 9,58 €".into()],
        };
        // '€' is not in code page 437: it comes back as '?'.
        let expected = PtMessage::PrintTextBlock {
            lines: vec!["  ** Kundenbeleg **".into(), String::new(), "Betrag: 9,58 ?".into()],
        };
        assert_eq!(round_trip_pt(&m), expected);
    }

    #[test]
    fn completion_forms() {
        let reg = Completion {
            status_byte: Some(0x10),
            terminal_id: Some(52_523_535),
            currency: Some(978),
            ..Default::default()
        };
        assert_eq!(
            PtMessage::Completion(reg.clone()).to_apdu().encode(),
            [
                0x06, 0x0F, 0x0A, 0x19, 0x10, 0x29, 0x52, 0x52, 0x35, 0x35, 0x49, 0x09, 0x78
            ]
        );
        assert_eq!(
            round_trip_pt(&PtMessage::Completion(reg)),
            PtMessage::Completion(Completion {
                status_byte: Some(0x10),
                terminal_id: Some(52_523_535),
                currency: Some(978),
                ..Default::default()
            })
        );
        let enq = Completion {
            sw_version: Some("GT-1.2".into()),
            terminal_status: Some(0xF0),
            ..Default::default()
        };
        let bytes = PtMessage::Completion(enq.clone()).to_apdu().encode();
        assert_eq!(bytes.get(..6), Some(&[0x06, 0x0F, 0x0A, 0xF0, 0xF0, 0xF6][..]));
        assert_eq!(
            round_trip_pt(&PtMessage::Completion(enq.clone())),
            PtMessage::Completion(enq.clone())
        );
        let (a, _) = Apdu::decode(&bytes).unwrap();
        assert_eq!(completion_for_status_enquiry(&a), Ok(enq));
        // A status byte alone (no version) and a registration-form answer both read.
        let bare = Apdu::new(0x06, 0x0F, vec![0x51]);
        assert_eq!(
            completion_for_status_enquiry(&bare).map(|c| c.terminal_status),
            Ok(Some(0x51))
        );
        // F0 (reconciliation required) alone looks like the start of an LLLVAR; it still reads.
        let f0 = Apdu::new(0x06, 0x0F, vec![0xF0]);
        let f0_status = Completion {
            terminal_status: Some(0xF0),
            ..Default::default()
        };
        assert_eq!(completion_for_status_enquiry(&f0), Ok(f0_status.clone()));
        assert_eq!(PtMessage::from_apdu(&f0), Ok(PtMessage::Completion(f0_status)));
        let f0_tlv = Apdu::new(0x06, 0x0F, vec![0xF0, 0x06, 0x00]);
        assert_eq!(
            completion_for_status_enquiry(&f0_tlv).map(|c| c.terminal_status),
            Ok(Some(0xF0))
        );
        let reg_form = Apdu::new(0x06, 0x0F, vec![0x19, 0x00, 0x29, 0x12, 0x34, 0x56, 0x78]);
        assert_eq!(
            completion_for_status_enquiry(&reg_form).map(|c| c.terminal_id),
            Ok(Some(12_345_678))
        );
        assert!(matches!(
            completion_for_status_enquiry(&Apdu::new(0x04, 0x0F, vec![])),
            Err(DecodeError::NotA { got: [0x04, 0x0F], .. })
        ));
    }

    #[test]
    fn registration_currency_ambiguity() {
        // HKD (0344) without a service byte reads as a currency, not as 03 44.
        let a = Apdu::new(0x06, 0x00, vec![0x12, 0x34, 0x56, 0xBA, 0x03, 0x44]);
        assert_eq!(
            EcrCommand::from_apdu(&a),
            Ok(EcrCommand::Registration {
                password: 123_456,
                config: 0xBA,
                currency: Some(344),
                service: None
            })
        );
        // A service byte that is not BCD cannot be a currency.
        let a = Apdu::new(0x06, 0x00, vec![0x12, 0x34, 0x56, 0xBA, 0x03, 0x0A]);
        assert_eq!(
            EcrCommand::from_apdu(&a),
            Ok(EcrCommand::Registration {
                password: 123_456,
                config: 0xBA,
                currency: None,
                service: Some(0x0A)
            })
        );
        let a = Apdu::new(0x06, 0x00, vec![0x12, 0x34, 0x56, 0xBA, 0x01, 0x56, 0x03, 0x01]);
        assert_eq!(
            EcrCommand::from_apdu(&a),
            Ok(EcrCommand::Registration {
                password: 123_456,
                config: 0xBA,
                currency: Some(156),
                service: Some(1)
            })
        );
        assert!(matches!(
            EcrCommand::from_apdu(&Apdu::new(0x06, 0x00, vec![0x12, 0x34])),
            Err(DecodeError::Truncated {
                what: "password",
                offset: 3,
                needed: 1
            })
        ));
    }

    #[test]
    fn commands_missing_required_fields() {
        assert_eq!(
            EcrCommand::from_apdu(&Apdu::new(0x06, 0x01, vec![0x49, 0x09, 0x78])),
            Err(DecodeError::MissingField {
                message: "authorization",
                what: "amount (BMP 04)"
            })
        );
        assert!(matches!(
            EcrCommand::from_apdu(&Apdu::new(0x06, 0x30, vec![0x12, 0x34, 0x56])),
            Err(DecodeError::MissingField {
                message: "reversal",
                ..
            })
        ));
        assert_eq!(
            EcrCommand::from_apdu(&Apdu::new(0x06, 0x25, vec![1, 2])),
            Ok(EcrCommand::Other(Apdu::new(0x06, 0x25, vec![1, 2])))
        );
    }

    #[test]
    fn status_enquiry_and_short_commands() {
        assert_eq!(
            EcrCommand::StatusEnquiry {
                password: None,
                service: None
            }
            .to_apdu()
            .encode(),
            [0x05, 0x01, 0x00]
        );
        assert_eq!(EcrCommand::LogOff.to_apdu().encode(), [0x06, 0x02, 0x00]);
        assert_eq!(EcrCommand::Abort.to_apdu().encode(), [0x06, 0xB0, 0x00]);
        assert_eq!(
            EcrCommand::Reversal {
                password: 123_456,
                receipt_no: 231,
                amount_minor: None,
                currency: None
            }
            .to_apdu()
            .encode(),
            [0x06, 0x30, 0x06, 0x12, 0x34, 0x56, 0x87, 0x02, 0x31]
        );
    }

    // ---- Round trips of generated values ----------------------------------------------

    fn digits_text(n: usize) -> impl Strategy<Value = String> {
        proptest::collection::vec(0u8..10, n).prop_map(|d| d.iter().map(|x| char::from(b'0' + x)).collect())
    }

    fn two(max: u32) -> impl Strategy<Value = String> {
        (0..=max).prop_map(|n| format!("{n:02}"))
    }

    /// Text made of characters code page 437 has (ASCII letters, digits, umlauts).
    fn cp437_text(max: usize) -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                proptest::char::range('a', 'z'),
                proptest::char::range('A', 'Z'),
                proptest::char::range('0', '9'),
                Just(' '),
                Just('ä'),
                Just('Ö'),
                Just('ß'),
                Just('é'),
            ],
            0..max,
        )
        .prop_map(|c| c.into_iter().collect())
    }

    fn tag() -> impl Strategy<Value = (u32, bool)> {
        prop_oneof![
            // One-byte tags that are not the 1F escape; bit 6 says constructed.
            (0u32..=0xFF)
                .prop_filter("not 1F", |t| t & 0x1F != 0x1F)
                .prop_map(|t| (t, t & 0x20 != 0)),
            (0u32..0x80).prop_map(|b| (0x1F00 | b, false)),
            (0x80u32..0x100, 0u32..0x80).prop_map(|(b, c)| (0x3F_0000 | (b << 8) | c, true)),
        ]
    }

    fn tlv_items() -> impl Strategy<Value = Vec<Tlv>> {
        let leaf = (tag(), proptest::collection::vec(any::<u8>(), 0..40)).prop_map(|((t, _), v)| {
            // Keep the constructed bit clear for primitives so decoding sees the same form.
            let t = if t <= 0xFF {
                t & !0x20
            } else if t > 0xFFFF {
                t & !0x20_0000
            } else {
                t
            };
            Tlv::primitive(t, v)
        });
        let tree = leaf.prop_recursive(3, 24, 4, |inner| {
            (proptest::collection::vec(inner, 0..4)).prop_map(|children| Tlv::constructed(0x25, children))
        });
        proptest::collection::vec(tree, 0..4)
    }

    fn totals() -> impl Strategy<Value = EodTotals> {
        (
            0u32..=9999,
            0u32..=9999,
            proptest::collection::vec((any::<u8>(), 0u64..=999_999_999_999), 7),
        )
            .prop_map(|(s, e, groups)| EodTotals {
                receipt_start: s,
                receipt_end: e,
                per_card: CardScheme::ALL
                    .iter()
                    .zip(groups)
                    .map(|(&card, (count, amount_minor))| CardTotal {
                        card,
                        count,
                        amount_minor,
                    })
                    .collect(),
            })
    }

    prop_compose! {
        fn status_information()(
            result_code in proptest::option::of(any::<u8>()),
            amount_minor in proptest::option::of(0u64..=999_999_999_999),
            trace in proptest::option::of(0u32..=999_999),
            original_trace in proptest::option::of(0u32..=999_999),
            time in proptest::option::of((two(23), two(59), two(59)).prop_map(|(h, m, s)| format!("{h}:{m}:{s}"))),
            date in proptest::option::of((two(12), two(31)).prop_map(|(m, d)| format!("{m}-{d}"))),
            expiry in proptest::option::of(digits_text(4)),
            card_sequence in proptest::option::of(0u32..=9999),
            payment_type in proptest::option::of(any::<u8>()),
            pan in proptest::option::of("[0-9*]{0,19}"),
            terminal_id in proptest::option::of(0u32..=99_999_999),
            vu_number in proptest::option::of("[A-Z0-9]{0,15}"),
            aid in proptest::option::of("[A-Z0-9]{1,8}"),
            additional_text in proptest::option::of(cp437_text(300)),
            currency in proptest::option::of(0u16..=9999),
            totals in proptest::option::of(totals()),
            receipt_no in proptest::option::of(0u32..=9999),
            turnover_no in proptest::option::of(0u32..=999_999),
            card_type in proptest::option::of(any::<u8>()),
            card_name in proptest::option::of(cp437_text(99)),
            network_card_type in proptest::option::of(any::<u8>()),
            date_full in proptest::option::of((two(99), two(12), two(31)).prop_map(|(y, m, d)| format!("20{y}-{m}-{d}"))),
            tlv in tlv_items(),
        ) -> StatusInformation {
            StatusInformation {
                result_code, amount_minor, trace, original_trace, time, date, expiry, card_sequence,
                payment_type, pan, terminal_id, vu_number, aid, additional_text, currency, totals,
                receipt_no, turnover_no, card_type, card_name, network_card_type, date_full, tlv,
            }
        }
    }

    fn ecr_command() -> impl Strategy<Value = EcrCommand> {
        let pwd = 0u32..=999_999;
        let amount = 0u64..=999_999_999_999;
        let cur = 0u16..=9999;
        prop_oneof![
            // A service byte is generated only with a currency: alone it can read as one
            // (see `decode_registration`).
            (
                pwd.clone(),
                any::<u8>(),
                proptest::option::of((cur.clone(), proptest::option::of(any::<u8>())))
            )
                .prop_map(|(password, config, cs)| EcrCommand::Registration {
                    password,
                    config,
                    currency: cs.map(|c| c.0),
                    service: cs.and_then(|c| c.1),
                }),
            (
                amount.clone(),
                proptest::option::of(cur.clone()),
                proptest::option::of(any::<u8>())
            )
                .prop_map(|(amount_minor, currency, payment_type)| EcrCommand::Authorization {
                    amount_minor,
                    currency,
                    payment_type
                }),
            (
                pwd.clone(),
                0u32..=9999,
                proptest::option::of(amount.clone()),
                proptest::option::of(cur.clone())
            )
                .prop_map(|(password, receipt_no, amount_minor, currency)| EcrCommand::Reversal {
                    password,
                    receipt_no,
                    amount_minor,
                    currency
                }),
            (pwd.clone(), amount, proptest::option::of(cur)).prop_map(|(password, amount_minor, currency)| {
                EcrCommand::Refund {
                    password,
                    amount_minor,
                    currency,
                }
            }),
            pwd.clone().prop_map(|password| EcrCommand::EndOfDay { password }),
            pwd.clone()
                .prop_map(|password| EcrCommand::SendTurnoverTotals { password }),
            pwd.clone().prop_map(|password| EcrCommand::RepeatReceipt { password }),
            proptest::option::of((pwd, proptest::option::of(any::<u8>()))).prop_map(|p| EcrCommand::StatusEnquiry {
                password: p.map(|p| p.0),
                service: p.and_then(|p| p.1),
            }),
            Just(EcrCommand::LogOff),
            Just(EcrCommand::Abort),
        ]
    }

    proptest! {
        #[test]
        fn ecr_commands_round_trip(cmd in ecr_command()) {
            let bytes = cmd.to_apdu().encode();
            let (a, used) = Apdu::decode(&bytes).unwrap();
            prop_assert_eq!(used, bytes.len());
            prop_assert_eq!(EcrCommand::from_apdu(&a), Ok(cmd));
        }

        #[test]
        fn status_information_round_trips(info in status_information()) {
            let m = PtMessage::StatusInformation(info);
            let bytes = m.to_apdu().encode();
            let (a, _) = Apdu::decode(&bytes).unwrap();
            prop_assert_eq!(PtMessage::from_apdu(&a), Ok(m));
        }

        #[test]
        fn pt_messages_round_trip(
            code in any::<u8>(),
            timeout in proptest::option::of(0u8..=99),
            text in cp437_text(200),
            lines in proptest::collection::vec(cp437_text(60), 0..40),
            tid in proptest::option::of(0u32..=99_999_999),
            sw in proptest::option::of("[A-Z0-9.-]{1,40}"),
        ) {
            for m in [
                PtMessage::IntermediateStatus { code, timeout_minutes: timeout },
                PtMessage::Abort { result_code: code },
                PtMessage::PrintLine { attribute: code, text: text.clone() },
                PtMessage::PrintTextBlock { lines: lines.clone() },
                PtMessage::Completion(Completion { status_byte: Some(code), terminal_id: tid, ..Default::default() }),
                PtMessage::Completion(Completion { sw_version: sw.clone(), terminal_status: Some(code), terminal_id: tid, ..Default::default() }),
            ] {
                let bytes = m.to_apdu().encode();
                let (a, _) = Apdu::decode(&bytes).unwrap();
                prop_assert_eq!(PtMessage::from_apdu(&a), Ok(m));
            }
        }
    }
}
