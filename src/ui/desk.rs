//! The till and its card terminal. For a terminal exchange the whole desk is lent to a
//! worker thread (the window keeps drawing the terminal's live status) and comes back in
//! the job's last message; the UI never holds a reference into it meanwhile.

use super::job::{Job, Parcel};
use crate::clock::SystemClock;
use crate::money::Currency;
use crate::sale::{Cart, RefundRequest, SaleRecord};
use crate::terminal::check::CheckReport;
use crate::terminal::connect::{ConnectError, Connected, connect_paced};
use crate::terminal::spec::TerminalSpec;
use crate::terminal::{CardTerminal, TerminalInfo};
use crate::till::card::{CardProgress, CardTender};
use crate::till::recover::RecoveryReport;
use crate::till::{Settlement, Till, TillError};
use crate::users::Operator;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

/// How the GUI reaches its card terminal.
#[derive(Debug, Clone)]
pub struct TerminalSetup {
    /// `--terminal`, else the config file's; `None` = no card payments.
    pub spec: Option<TerminalSpec>,
    /// Where a simulated terminal keeps its batch.
    pub data_dir: PathBuf,
    /// The simulated terminal's pause per step (so the demo shows each status).
    pub think_time: Duration,
}

/// What the screens show about the shop; kept by the app, so it is there while the desk is lent.
#[derive(Debug, Clone)]
pub struct Shop {
    pub demo: bool,
    pub currency: Currency,
    /// A card terminal is configured.
    pub card: bool,
    pub time_zone: jiff::tz::TimeZone,
    /// Light or dark, as configured.
    pub look: crate::config::ThemeChoice,
}

pub struct Desk {
    pub till: Till,
    terminal: Option<Connected>,
    setup: TerminalSetup,
}

/// What a job did with the desk.
pub enum Outcome {
    Paid(Box<Result<SaleRecord, TillError>>),
    /// The idle Status Enquiry.
    Polled(Result<TerminalInfo, TillError>),
    /// Card transactions left unfinished by an earlier run, checked with the terminal.
    Recovered(Result<RecoveryReport, TillError>),
    /// End-of-day on the terminal, reconciled with the ledger.
    Settled(Box<Result<Settlement, TillError>>),
    /// A card refund or a void through the terminal: the refund record committed.
    Refunded(Box<Result<SaleRecord, TillError>>),
    /// The settings screen's "Test connection" on the connected terminal.
    Checked(Result<CheckReport, TillError>),
}

/// Messages a desk job sends: live progress, then the desk itself with the outcome.
#[derive(Debug, Clone)]
pub enum Event {
    Progress(CardProgress),
    Returned(Parcel<(Desk, Outcome)>),
}

impl Desk {
    pub fn new(till: Till, setup: TerminalSetup) -> Desk {
        Desk {
            till,
            terminal: None,
            setup,
        }
    }

    /// How the terminal is reached for this run.
    pub fn setup(&self) -> &TerminalSetup {
        &self.setup
    }

    pub fn shop(&self) -> Shop {
        Shop {
            demo: self.till.is_demo(),
            currency: self.till.currency(),
            card: self.setup.spec.is_some(),
            time_zone: self.till.config().time_zone.clone(),
            look: self.till.config().ui.theme,
        }
    }

    /// Runs `f` with the till and the terminal, connecting first if need be. A link that
    /// failed is dropped so the next use connects afresh (a replugged cable, a restarted PT).
    fn with_terminal<R>(
        &mut self,
        f: impl FnOnce(&mut Till, &mut dyn CardTerminal) -> Result<R, TillError>,
    ) -> Result<R, TillError> {
        let connected = match self.terminal.take() {
            Some(c) => c,
            None => connect_paced(
                self.setup.spec.as_ref(),
                self.till.config(),
                &self.setup.data_dir,
                Arc::new(SystemClock),
                self.setup.think_time,
            )
            .map_err(unreachable)?,
        };
        let mut connected = connected;
        let result = f(&mut self.till, connected.terminal.as_mut());
        let link_failed = matches!(&result, Err(TillError::Card { .. } | TillError::Terminal(_)));
        if !link_failed {
            self.terminal = Some(connected);
        }
        result
    }

    /// A card payment on a worker thread: progress as it happens, then the desk comes back.
    pub fn pay_card(mut self, cart: Cart, tender: CardTender, cancel: Arc<AtomicBool>) -> Job<Event> {
        Job::new(move |send: &mut dyn FnMut(Event)| {
            let result = self.with_terminal(|till, terminal| {
                till.pay_card(&cart, tender, terminal, &cancel, &mut |p| send(Event::Progress(p)))
            });
            send(Event::Returned(Parcel::new((self, Outcome::Paid(Box::new(result))))));
        })
    }
}

impl Desk {
    /// The idle Status Enquiry on a worker thread (a timed automatic end-of-day arrives in it).
    pub fn poll(mut self) -> Job<Event> {
        Job::new(move |send: &mut dyn FnMut(Event)| {
            let result = self.with_terminal(|till, terminal| till.poll_terminal(terminal));
            send(Event::Returned(Parcel::new((self, Outcome::Polled(result)))));
        })
    }

    /// `tillguard terminal check` (registration, status) on a worker thread, over the desk's
    /// own connection: the settings screen's test of the terminal the till is connected to.
    pub fn check_terminal(mut self) -> Job<Event> {
        Job::new(move |send: &mut dyn FnMut(Event)| {
            let result =
                self.with_terminal(|till, terminal| till.check_terminal(terminal, &mut |p| send(Event::Progress(p))));
            send(Event::Returned(Parcel::new((self, Outcome::Checked(result)))));
        })
    }

    /// Settlement on a worker thread: turnover totals, end-of-day, reconciliation.
    pub fn settle(mut self) -> Job<Event> {
        Job::new(move |send: &mut dyn FnMut(Event)| {
            let result = self.with_terminal(|till, terminal| till.settle(terminal, &mut |p| send(Event::Progress(p))));
            send(Event::Returned(Parcel::new((self, Outcome::Settled(Box::new(result))))));
        })
    }

    /// Start-up recovery on a worker thread: asks the terminal what became of unfinished
    /// card transactions and commits journaled sales the terminal approved.
    pub fn recover(mut self) -> Job<Event> {
        Job::new(move |send: &mut dyn FnMut(Event)| {
            let result =
                self.with_terminal(|till, terminal| till.recover_cards(terminal, &mut |p| send(Event::Progress(p))));
            send(Event::Returned(Parcel::new((self, Outcome::Recovered(result)))));
        })
    }
}

impl Desk {
    /// Money back to the card through the terminal (Refund 06 31), on a worker thread.
    pub fn refund_card(mut self, sale: i64, request: RefundRequest, approval: Option<Operator>) -> Job<Event> {
        Job::new(move |send: &mut dyn FnMut(Event)| {
            let cancel = AtomicBool::new(false);
            let result = self.with_terminal(|till, terminal| {
                till.refund_card(sale, &request, approval.as_ref(), terminal, &cancel, &mut |p| {
                    send(Event::Progress(p))
                })
            });
            send(Event::Returned(Parcel::new((
                self,
                Outcome::Refunded(Box::new(result)),
            ))));
        })
    }

    /// A card sale of today voided: the terminal reverses its payment (06 30).
    pub fn void_card(mut self, sale: i64, approval: Option<Operator>) -> Job<Event> {
        Job::new(move |send: &mut dyn FnMut(Event)| {
            let cancel = AtomicBool::new(false);
            let result = self.with_terminal(|till, terminal| {
                till.void_card(sale, approval.as_ref(), terminal, &cancel, &mut |p| {
                    send(Event::Progress(p))
                })
            });
            send(Event::Returned(Parcel::new((
                self,
                Outcome::Refunded(Box::new(result)),
            ))));
        })
    }
}

/// Not connected at all: nothing reached the terminal, so nothing is in doubt.
fn unreachable(e: ConnectError) -> TillError {
    TillError::TerminalUnreachable(e.to_string())
}
