//! The ZVT master-rights state machine (PA00P015 chapter 2): the ECR sends a command and
//! waits T3 for 80 00 / 84 xx; from then on the PT is master until Completion (06 0F) or
//! Abort (06 1E), and every PT message is answered with 80 00 00. A Status-Information
//! (04 0F) is handed to the caller *before* it is acknowledged, because the PT books the
//! payment on that acknowledgement: the caller journals it durably first.

use super::zvt::apdu::Apdu;
use super::zvt::link::{Link, LinkError};
use super::zvt::messages::{Completion, EcrCommand, PtMessage, StatusInformation};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// What the session tells its caller while the terminal works.
pub trait Observer {
    /// An intermediate status (04 FF): "insert card", "enter PIN", "waiting for host"...
    fn intermediate(&mut self, _code: u8) {}
    /// A Status-Information, before it is acknowledged. Returning an error withholds the
    /// acknowledgement (the PT then does not book the payment) and ends the exchange.
    fn status_information(&mut self, info: &StatusInformation) -> Result<(), String>;
    /// A receipt line the terminal asks the ECR to print.
    fn print_line(&mut self, _line: &str) {}
}

/// An observer that accepts everything (status queries, tests).
pub struct Accept;

impl Observer for Accept {
    fn status_information(&mut self, _info: &StatusInformation) -> Result<(), String> {
        Ok(())
    }
}

#[derive(Debug, Clone, Copy)]
pub struct SessionTiming {
    /// Wait for 80 00 / 84 xx after a command.
    pub t3: Duration,
    /// Wait for the end of the exchange; restarted by every 04 FF and 04 0F.
    pub t4: Duration,
    /// How often a busy terminal (84 9C) is asked again before giving up.
    pub busy_retries: u32,
}

impl Default for SessionTiming {
    fn default() -> Self {
        SessionTiming {
            t3: Duration::from_secs(5),
            t4: Duration::from_secs(180),
            busy_retries: 3,
        }
    }
}

/// Everything the terminal said during one command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exchange {
    /// Every acknowledged 04 0F, in order (an end-of-day may arrive inside any sequence).
    pub status: Vec<StatusInformation>,
    pub completion: Option<Completion>,
    /// The Completion's raw APDU: its layout depends on the command (e.g. Status Enquiry).
    pub completion_raw: Option<Vec<u8>>,
    /// The result code of an Abort (06 1E).
    pub aborted: Option<u8>,
    pub intermediates: Vec<u8>,
    pub print_lines: Vec<String>,
    /// The ECR sent 06 B0 because the cashier cancelled.
    pub cancel_sent: bool,
}

impl Exchange {
    /// The last Status-Information, which carries the transaction's result.
    pub fn last_status(&self) -> Option<&StatusInformation> {
        self.status.last()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Link(#[from] LinkError),
    #[error("the terminal did not answer the command within {0:?}")]
    NoAnswer(Duration),
    #[error("the terminal refused the command (84 {code:02X})")]
    Refused { code: u8 },
    #[error("the terminal stopped talking in the middle of the exchange (no message for {waited:?})")]
    Stalled { waited: Duration, exchange: Box<Exchange> },
    #[error("the terminal sent a message that cannot be read: {reason}")]
    Garbled { reason: String, exchange: Box<Exchange> },
    #[error("the result could not be recorded, so it was not acknowledged: {reason}")]
    NotJournaled { reason: String, exchange: Box<Exchange> },
    /// The result was handed to the observer but sending its acknowledgement failed: the PT
    /// books on that acknowledgement, so whether it booked is unknown.
    #[error("the terminal's result was stored, but its acknowledgement may not have reached the terminal: {error}")]
    Unacknowledged { error: LinkError, exchange: Box<Exchange> },
}

impl SessionError {
    /// What was received before things went wrong (to judge whether a payment is in doubt).
    pub fn partial(&self) -> Option<&Exchange> {
        match self {
            SessionError::Stalled { exchange, .. }
            | SessionError::Garbled { exchange, .. }
            | SessionError::NotJournaled { exchange, .. }
            | SessionError::Unacknowledged { exchange, .. } => Some(exchange),
            _ => None,
        }
    }
}

pub struct Session {
    link: Box<dyn Link>,
    timing: SessionTiming,
}

const ACK: [u8; 3] = [0x80, 0x00, 0x00];

impl Session {
    pub fn new(link: Box<dyn Link>) -> Session {
        Session {
            link,
            timing: SessionTiming::default(),
        }
    }

    pub fn with_timing(mut self, timing: SessionTiming) -> Session {
        self.timing = timing;
        self
    }

    pub fn describe(&self) -> String {
        self.link.describe()
    }

    /// Runs one command to its end. `cancel` asks for an Abort (06 B0) while the PT is master.
    pub fn run(
        &mut self,
        command: &EcrCommand,
        observer: &mut dyn Observer,
        cancel: &AtomicBool,
    ) -> Result<Exchange, SessionError> {
        let apdu = command.to_apdu().encode();
        self.send_command(&apdu)?;
        if matches!(command, EcrCommand::LogOff | EcrCommand::Abort) {
            // Commands answered by 80 00 alone: the ECR stays master.
            return Ok(Exchange::default());
        }
        let mut exchange = Exchange::default();
        let mut deadline = Instant::now() + self.timing.t4;
        loop {
            if cancel.load(Ordering::SeqCst) && !exchange.cancel_sent && exchange.status.is_empty() {
                // 06 B0 is the one command the ECR may send while the PT is master.
                self.link.send(&EcrCommand::Abort.to_apdu().encode())?;
                exchange.cancel_sent = true;
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(SessionError::Stalled {
                    waited: self.timing.t4,
                    exchange: Box::new(exchange),
                });
            }
            // Poll in short slices so a cancel request is noticed promptly.
            let slice = (deadline - now).min(Duration::from_millis(200));
            let Some(bytes) = self.link.receive(slice)? else {
                continue;
            };
            let decoded = Apdu::decode(&bytes).map_err(|e| e.to_string()).and_then(|(apdu, _)| {
                match PtMessage::from_apdu(&apdu) {
                    Ok(m) => Ok(m),
                    // A Completion's layout depends on the command; the caller reads the raw bytes.
                    Err(_) if (apdu.class, apdu.instr) == (0x06, 0x0F) => {
                        Ok(PtMessage::Completion(Completion::default()))
                    }
                    Err(e) => Err(e.to_string()),
                }
            });
            let message = match decoded {
                Ok(m) => m,
                Err(reason) => {
                    // Still answer, so the PT is not left hanging; the caller decides what it means.
                    self.link.send(&ACK)?;
                    return Err(SessionError::Garbled {
                        reason,
                        exchange: Box::new(exchange),
                    });
                }
            };
            match message {
                PtMessage::IntermediateStatus { code, timeout_minutes } => {
                    observer.intermediate(code);
                    exchange.intermediates.push(code);
                    self.link.send(&ACK)?;
                    let extra = timeout_minutes.map(|m| Duration::from_secs(u64::from(m) * 60));
                    deadline = Instant::now() + extra.unwrap_or(self.timing.t4).max(self.timing.t4);
                }
                PtMessage::StatusInformation(info) => {
                    if let Err(reason) = observer.status_information(&info) {
                        exchange.status.push(info);
                        return Err(SessionError::NotJournaled {
                            reason,
                            exchange: Box::new(exchange),
                        });
                    }
                    exchange.status.push(info);
                    if let Err(error) = self.link.send(&ACK) {
                        return Err(SessionError::Unacknowledged {
                            error,
                            exchange: Box::new(exchange),
                        });
                    }
                    deadline = Instant::now() + self.timing.t4;
                }
                PtMessage::PrintLine { text, .. } => {
                    observer.print_line(&text);
                    exchange.print_lines.push(text);
                    self.link.send(&ACK)?;
                }
                PtMessage::PrintTextBlock { lines } => {
                    for line in &lines {
                        observer.print_line(line);
                    }
                    exchange.print_lines.extend(lines);
                    self.link.send(&ACK)?;
                }
                PtMessage::Completion(c) => {
                    self.link.send(&ACK)?;
                    exchange.completion = Some(c);
                    exchange.completion_raw = Some(bytes);
                    return Ok(exchange);
                }
                PtMessage::Abort { result_code } => {
                    self.link.send(&ACK)?;
                    exchange.aborted = Some(result_code);
                    return Ok(exchange);
                }
                // A stray 80 00 (e.g. the answer to our 06 B0) needs no answer.
                PtMessage::Ack | PtMessage::Nak { .. } => {}
                PtMessage::Other(_) => self.link.send(&ACK)?,
            }
        }
    }

    /// Sends the command and waits T3 for 80 00; a busy terminal (84 9C) is asked again.
    fn send_command(&mut self, apdu: &[u8]) -> Result<(), SessionError> {
        let mut busy = 0;
        loop {
            self.link.send(apdu)?;
            let deadline = Instant::now() + self.timing.t3;
            let reply = loop {
                let now = Instant::now();
                if now >= deadline {
                    return Err(SessionError::NoAnswer(self.timing.t3));
                }
                if let Some(bytes) = self.link.receive(deadline - now)? {
                    break bytes;
                }
            };
            match reply.as_slice() {
                [0x80, 0x00, ..] | [0x84, 0x00, ..] => return Ok(()),
                [0x84, 0x9C, ..] if busy < self.timing.busy_retries => {
                    busy += 1;
                    std::thread::sleep(Duration::from_secs(2));
                }
                [0x84, code, ..] => return Err(SessionError::Refused { code: *code }),
                _ => {
                    // Anything else before 80 00 breaks the protocol; treat as a refusal naming it.
                    return Err(SessionError::Refused {
                        code: reply.get(1).copied().unwrap_or(0xFF),
                    });
                }
            }
        }
    }
}
