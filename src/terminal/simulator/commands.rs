//! The ECR commands the simulated terminal understands, and the PT messages each one gets
//! (the protocol choices are listed in mod.rs). Pure: no I/O besides the state file.

use super::batch::{Kind, Settlement, Transaction};
use super::{
    IS_AUTO_END_OF_DAY, IS_DECLINED, IS_INSERT_CARD, IS_PIN, IS_PLEASE_WAIT, IS_WAITING_FOR_HOST, MAX_AMOUNT_MINOR,
    NAK_NOT_SUPPORTED, PIN_ABOVE_MINOR, Pending, RC_ALREADY_REVERSED, RC_AMOUNT_TOO_SMALL, RC_DECLINED,
    RC_END_OF_DAY_NOT_POSSIBLE, RC_MAX_AMOUNT_EXCEEDED, RC_NOTHING_TO_REPEAT, RC_REVERSAL_NOT_POSSIBLE,
    RC_SYSTEM_ERROR, RC_WRONG_CURRENCY, RC_WRONG_PASSWORD, Simulator, cards, pt,
};
use crate::terminal::zvt::messages::{EcrCommand, PtMessage};

impl Simulator {
    fn wants_intermediate(&self) -> bool {
        self.state.ecr_config & pt::CFG_INTERMEDIATE_STATUS != 0
    }

    fn intermediate(&self, codes: &[u8]) -> Vec<PtMessage> {
        if !self.wants_intermediate() {
            return Vec::new();
        }
        codes
            .iter()
            .map(|&code| PtMessage::IntermediateStatus {
                code,
                timeout_minutes: None,
            })
            .collect()
    }

    fn abort(result_code: u8) -> Vec<PtMessage> {
        vec![PtMessage::Ack, PtMessage::Abort { result_code }]
    }

    fn check_password(&self, password: u32) -> Result<(), Vec<PtMessage>> {
        if password == self.config.password {
            Ok(())
        } else {
            Err(Self::abort(RC_WRONG_PASSWORD))
        }
    }

    fn check_currency(&self, currency: Option<u16>) -> Result<(), Vec<PtMessage>> {
        match currency {
            Some(c) if c != self.config.currency => Err(Self::abort(RC_WRONG_CURRENCY)),
            _ => Ok(()),
        }
    }

    fn check_amount(amount_minor: u64) -> Result<(), Vec<PtMessage>> {
        match amount_minor {
            0 => Err(Self::abort(RC_AMOUNT_TOO_SMALL)),
            a if a > MAX_AMOUNT_MINOR => Err(Self::abort(RC_MAX_AMOUNT_EXCEEDED)),
            _ => Ok(()),
        }
    }

    /// Writes the used-up numbers; if that fails the terminal refuses rather than hand out a
    /// number it might hand out again after a restart.
    fn save_numbers(&self) -> Result<(), Vec<PtMessage>> {
        self.save().map_err(|e| {
            tracing::error!(error = %e, "simulated terminal cannot write its state");
            Self::abort(RC_SYSTEM_ERROR)
        })
    }

    /// Handles one ECR command and returns the PT messages to send in order, the first being
    /// Ack or Nak. A result still waiting for its acknowledgement is dropped first.
    pub fn handle(&mut self, cmd: &EcrCommand) -> Vec<PtMessage> {
        self.abandon();
        if let Err(e) = self.tick() {
            tracing::error!(error = %e, "simulated terminal: auto-clear failed");
        }
        let replies = match cmd {
            EcrCommand::Registration {
                password,
                config,
                currency,
                ..
            } => self.registration(*password, *config, *currency),
            EcrCommand::Authorization {
                amount_minor, currency, ..
            } => self
                .check_currency(*currency)
                .and_then(|()| self.transaction(Kind::Payment, *amount_minor)),
            EcrCommand::Refund {
                password,
                amount_minor,
                currency,
            } => self
                .check_password(*password)
                .and_then(|()| self.check_currency(*currency))
                .and_then(|()| self.transaction(Kind::Refund, *amount_minor)),
            EcrCommand::Reversal {
                password,
                receipt_no,
                amount_minor,
                currency,
            } => self
                .check_password(*password)
                .and_then(|()| self.check_currency(*currency))
                .and_then(|()| self.reversal(*receipt_no, *amount_minor)),
            EcrCommand::EndOfDay { password } => self.check_password(*password).and_then(|()| self.end_of_day()),
            EcrCommand::SendTurnoverTotals { password } => {
                self.check_password(*password).map(|()| self.turnover_totals())
            }
            EcrCommand::RepeatReceipt { password } => self.check_password(*password).map(|()| self.repeat_receipt()),
            EcrCommand::StatusEnquiry { password, .. } => match password {
                Some(p) => self.check_password(*p).map(|()| self.status_enquiry()),
                None => Ok(self.status_enquiry()),
            },
            EcrCommand::LogOff => Ok(vec![PtMessage::Ack]),
            // Nothing is running when a command arrives (serve handles 06 B0 inside a sequence).
            EcrCommand::Abort | EcrCommand::Other(_) => Ok(vec![PtMessage::Nak {
                code: NAK_NOT_SUPPORTED,
            }]),
        };
        replies.unwrap_or_else(|refusal| refusal)
    }

    fn registration(
        &mut self,
        password: u32,
        config: u8,
        currency: Option<u16>,
    ) -> Result<Vec<PtMessage>, Vec<PtMessage>> {
        self.check_password(password)?;
        self.check_currency(currency)?;
        if self.state.ecr_config != config {
            self.state.ecr_config = config;
            self.save_numbers()?;
        }
        let completion = pt::registration_completion(self.config.terminal_id, self.config.currency);
        Ok(vec![PtMessage::Ack, PtMessage::Completion(completion)])
    }

    fn transaction(&mut self, kind: Kind, amount_minor: u64) -> Result<Vec<PtMessage>, Vec<PtMessage>> {
        Self::check_amount(amount_minor)?;
        let trace = self.state.counters.take_trace();
        let mut steps = vec![IS_INSERT_CARD];
        if kind == Kind::Payment && amount_minor > PIN_ABOVE_MINOR {
            steps.push(IS_PIN);
        }
        steps.push(IS_WAITING_FOR_HOST);
        if cards::declined(amount_minor, self.config.faults.decline_cents) {
            self.save_numbers()?;
            let mut replies = vec![PtMessage::Ack];
            replies.extend(self.intermediate(&steps));
            replies.extend(self.intermediate(&[IS_DECLINED]));
            replies.push(PtMessage::Abort {
                result_code: RC_DECLINED,
            });
            return Ok(replies);
        }
        let tx = Transaction {
            kind,
            trace,
            receipt_no: self.state.counters.take_receipt(),
            turnover_no: self.state.counters.take_turnover(),
            amount_minor,
            currency: self.config.currency,
            card: cards::card_for_trace(trace),
            auth_code: cards::auth_code(trace),
            time: self.clock.now(),
            reversed: false,
            original_trace: None,
            original_receipt: None,
        };
        self.save_numbers()?;
        Ok(self.result_sequence(&steps, Pending::Book(tx)))
    }

    fn reversal(&mut self, receipt_no: u32, amount_minor: Option<u64>) -> Result<Vec<PtMessage>, Vec<PtMessage>> {
        let original = match self.state.batch.find_receipt(receipt_no) {
            Some(t) if t.kind == Kind::Payment && t.reversed => return Err(Self::abort(RC_ALREADY_REVERSED)),
            Some(t) if t.kind == Kind::Payment && amount_minor.is_none_or(|a| a == t.amount_minor) => t.clone(),
            _ => return Err(Self::abort(RC_REVERSAL_NOT_POSSIBLE)),
        };
        let trace = self.state.counters.take_trace();
        let tx = Transaction {
            kind: Kind::Reversal,
            trace,
            receipt_no: self.state.counters.take_receipt(),
            turnover_no: self.state.counters.take_turnover(),
            amount_minor: original.amount_minor,
            currency: original.currency,
            card: original.card.clone(),
            auth_code: cards::auth_code(trace),
            time: self.clock.now(),
            reversed: false,
            original_trace: Some(original.trace),
            original_receipt: Some(original.receipt_no),
        };
        self.save_numbers()?;
        Ok(self.result_sequence(&[IS_INSERT_CARD, IS_WAITING_FOR_HOST], Pending::Reverse(tx)))
    }

    /// 80 00, intermediate statuses, 04 0F, the receipt, 06 0F; the change waits for the ack.
    fn result_sequence(&mut self, steps: &[u8], pending: Pending) -> Vec<PtMessage> {
        let mut replies = vec![PtMessage::Ack];
        replies.extend(self.intermediate(steps));
        if let Pending::Book(tx) | Pending::Reverse(tx) = &pending {
            replies.push(PtMessage::StatusInformation(pt::transaction_status(
                tx,
                self.config.terminal_id,
                &self.config.time_zone,
            )));
            let lines = pt::receipt_lines(tx, self.config.terminal_id, &self.config.time_zone, false);
            replies.extend(self.receipt(lines, pt::CFG_ECR_PRINTS_PAYMENT));
        }
        replies.push(PtMessage::Completion(Default::default()));
        self.pending = Some(pending);
        replies
    }

    fn receipt(&self, lines: Vec<String>, bit: u8) -> Vec<PtMessage> {
        pt::print_messages(lines, self.state.ecr_config, self.state.ecr_config & bit != 0)
    }

    fn end_of_day(&mut self) -> Result<Vec<PtMessage>, Vec<PtMessage>> {
        let mut replies = vec![PtMessage::Ack];
        replies.extend(self.intermediate(&[IS_PLEASE_WAIT]));
        if self.config.faults.end_of_day_fails {
            replies.push(PtMessage::Abort {
                result_code: RC_END_OF_DAY_NOT_POSSIBLE,
            });
            return Ok(replies);
        }
        let trace = self.state.counters.take_trace();
        self.save_numbers()?;
        let now = self.clock.now();
        let totals = self.state.batch.totals();
        let tz = &self.config.time_zone;
        replies.push(PtMessage::StatusInformation(pt::totals_status(
            &totals,
            Some(trace),
            now,
            tz,
        )));
        replies.extend(self.receipt(
            pt::totals_lines(&totals, self.config.currency, now, tz, true),
            pt::CFG_ECR_PRINTS_ADMIN,
        ));
        replies.push(PtMessage::Completion(Default::default()));
        self.pending = Some(Pending::Settle(Settlement { at: now, trace, totals }));
        Ok(replies)
    }

    fn turnover_totals(&self) -> Vec<PtMessage> {
        let now = self.clock.now();
        let totals = self.state.batch.totals();
        let tz = &self.config.time_zone;
        let mut replies = vec![
            PtMessage::Ack,
            PtMessage::StatusInformation(pt::totals_status(&totals, None, now, tz)),
        ];
        replies.extend(self.receipt(
            pt::totals_lines(&totals, self.config.currency, now, tz, false),
            pt::CFG_ECR_PRINTS_ADMIN,
        ));
        replies.push(PtMessage::Completion(Default::default()));
        replies
    }

    fn repeat_receipt(&self) -> Vec<PtMessage> {
        let Some(last) = &self.state.last else {
            return Self::abort(RC_NOTHING_TO_REPEAT);
        };
        let (tid, tz) = (self.config.terminal_id, &self.config.time_zone);
        let mut replies = vec![
            PtMessage::Ack,
            PtMessage::StatusInformation(pt::transaction_status(last, tid, tz)),
        ];
        replies.extend(self.receipt(pt::receipt_lines(last, tid, tz, true), pt::CFG_ECR_PRINTS_PAYMENT));
        replies.push(PtMessage::Completion(Default::default()));
        replies
    }

    fn status_enquiry(&mut self) -> Vec<PtMessage> {
        let mut replies = vec![PtMessage::Ack];
        if let Some(settlement) = &self.state.unreported_settlement {
            // A timed event runs inside the Status Enquiry, as on real terminals.
            replies.extend(self.intermediate(&[IS_AUTO_END_OF_DAY]));
            let tz = &self.config.time_zone;
            let status = pt::totals_status(&settlement.totals, Some(settlement.trace), settlement.at, tz);
            replies.push(PtMessage::StatusInformation(status));
            self.pending = Some(Pending::Reported);
        }
        replies.push(PtMessage::Completion(pt::status_enquiry_completion(0x00)));
        replies
    }
}
