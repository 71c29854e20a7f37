//! The root of the GUI: owns the desk (till and terminal) and the translations and routes
//! messages to the current screen. While a terminal exchange runs, the desk is on a worker
//! thread and messages that need it wait in a queue. Tests drive `App` through `step` and
//! `view` exactly like iced does, running the step's job themselves.

use super::desk::{self, Desk, Outcome, Shop, TerminalSetup};
use super::job::Job;
use super::keys::{self, Input, Shortcut};
use super::screen::checkout;
use crate::i18n::I18n;
use crate::till::Till;
use iced::time::{Duration, every};
use iced::{Element, Subscription, Task, event};

/// How often the header's day figures are re-read (the business day turns at the cutoff).
const STATUS_REFRESH: Duration = Duration::from_secs(30);
/// How often an idle till asks the terminal for its status (ZVT asks about once a minute;
/// timed events such as an automatic end-of-day reach the ECR this way).
const TERMINAL_POLL: Duration = Duration::from_secs(60);

#[derive(Debug, Clone)]
pub enum Message {
    Checkout(checkout::Message),
    /// From a job that has the desk.
    Desk(desk::Event),
    /// Time for the idle Status Enquiry.
    PollTerminal,
    /// The window's close button, Alt+F4, or the window manager asking.
    CloseRequested,
}

pub enum Screen {
    Checkout(checkout::State),
}

/// What one message leads to: a task for iced, and maybe work for a worker thread.
pub struct Step {
    pub task: Task<Message>,
    pub job: Option<Job<Message>>,
}

impl From<Task<Message>> for Step {
    fn from(task: Task<Message>) -> Step {
        Step { task, job: None }
    }
}

pub struct App {
    /// `None` while lent to a job.
    desk: Option<Desk>,
    shop: Shop,
    i18n: I18n,
    screen: Screen,
    /// Messages that need the desk, in arrival order, replayed when it is back.
    waiting: Vec<Message>,
}

impl App {
    /// The app on its first screen, and the task that puts the keyboard in the barcode field
    /// (and checks unfinished card payments with the terminal, see `boot`).
    pub fn new(till: Till, terminal: TerminalSetup) -> (App, Task<Message>) {
        let (app, step) = App::boot(till, terminal);
        let task = match step.job {
            Some(job) => Task::batch([step.task, job.spawn()]),
            None => step.task,
        };
        (app, task)
    }

    /// As `new`, with the start-up job handed back (tests run it themselves). Card payments
    /// an earlier run left pending or in doubt are checked with the terminal before anything
    /// else is asked of it: the terminal can only repeat its last transaction.
    pub fn boot(till: Till, terminal: TerminalSetup) -> (App, Step) {
        let i18n = I18n::new(till.language());
        let state = checkout::State::new(&till);
        let focus = state.refocus().map(Message::Checkout);
        let unfinished = till
            .status()
            .is_ok_and(|s| s.card_in_doubt.count > 0 || s.card_without_sale.count > 0);
        let desk = Desk::new(till, terminal);
        let shop = desk.shop();
        let (desk, job) = if unfinished && shop.card {
            (None, Some(desk.recover().map(Message::Desk)))
        } else {
            (Some(desk), None)
        };
        let app = App {
            shop,
            desk,
            i18n,
            screen: Screen::Checkout(state),
            waiting: Vec::new(),
        };
        (app, Step { task: focus, job })
    }

    /// The till, unless it is with the terminal right now.
    pub fn till(&self) -> Option<&Till> {
        self.desk.as_ref().map(|d| &d.till)
    }

    pub fn i18n(&self) -> &I18n {
        &self.i18n
    }

    pub fn screen(&self) -> &Screen {
        &self.screen
    }

    pub fn title(&self) -> String {
        self.i18n.t("app-title")
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        let step = self.step(message);
        match step.job {
            Some(job) => Task::batch([step.task, job.spawn()]),
            None => step.task,
        }
    }

    pub fn step(&mut self, message: Message) -> Step {
        match message {
            Message::Checkout(message) => self.checkout(message),
            Message::Desk(event) => self.desk_event(event).into(),
            Message::PollTerminal => self.poll_terminal(),
            Message::CloseRequested => self.close_requested().into(),
        }
    }

    /// Quitting while the terminal has the till would leave the payment for recovery to
    /// sort out: the window stays until the terminal is done.
    fn close_requested(&mut self) -> Task<Message> {
        if self.desk.is_some() {
            return iced::exit();
        }
        let Screen::Checkout(state) = &mut self.screen;
        state.close_refused(&self.i18n);
        Task::none()
    }

    fn poll_terminal(&mut self) -> Step {
        let Screen::Checkout(state) = &self.screen;
        // Never in the cashier's way: only between customers, and never twice at once.
        if !self.shop.card || !state.is_idle() {
            return Task::none().into();
        }
        let job = self.desk.take().map(|desk| desk.poll().map(Message::Desk));
        Step {
            task: Task::none(),
            job,
        }
    }

    fn checkout(&mut self, message: checkout::Message) -> Step {
        let Screen::Checkout(state) = &mut self.screen;
        let Some(desk) = self.desk.as_mut() else {
            return match state.update_without_till(message) {
                checkout::WhilePaying::Done(task) => task.map(Message::Checkout).into(),
                checkout::WhilePaying::Later(message) => {
                    self.waiting.push(Message::Checkout(message));
                    Task::none().into()
                }
            };
        };
        if matches!(
            message,
            checkout::Message::PayCard | checkout::Message::Input(Input::Shortcut(Shortcut::PayCard))
        ) {
            let refocus = state.refocus().map(Message::Checkout);
            let Some((cart, tender, cancel)) = state.card_request(&desk.till, &self.shop, &self.i18n) else {
                return refocus.into();
            };
            // The desk leaves here and comes back in the job's last message.
            let job = self
                .desk
                .take()
                .map(|desk| desk.pay_card(cart, tender, cancel).map(Message::Desk));
            return Step { task: refocus, job };
        }
        state
            .update(&mut desk.till, &self.i18n, message)
            .map(Message::Checkout)
            .into()
    }

    fn desk_event(&mut self, event: desk::Event) -> Task<Message> {
        let Screen::Checkout(state) = &mut self.screen;
        match event {
            desk::Event::Progress(progress) => {
                state.card_progress(progress);
                Task::none()
            }
            desk::Event::Returned(parcel) => {
                let Some((desk, outcome)) = parcel.take() else {
                    return Task::none();
                };
                match outcome {
                    Outcome::Paid(result) => state.card_finished(&desk.till, &self.i18n, *result),
                    Outcome::Polled(result) => state.terminal_polled(&desk.till, &self.i18n, &result),
                    Outcome::Recovered(result) => state.recovered(&desk.till, &self.i18n, result),
                }
                // A card payment first checks what became of earlier unfinished ones.
                let mut desk = desk;
                if let Some(report) = desk.till.take_recovery()
                    && state.error().is_none()
                {
                    state.recovered(&desk.till, &self.i18n, Ok(report));
                }
                let refocus = state.refocus().map(Message::Checkout);
                self.desk = Some(desk);
                // What the cashier did meanwhile (a scan) happens now, in order.
                let waiting = std::mem::take(&mut self.waiting);
                let mut tasks = vec![refocus];
                for message in waiting {
                    tasks.push(self.update(message));
                }
                Task::batch(tasks)
            }
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        match &self.screen {
            Screen::Checkout(state) => state.view(&self.shop, &self.i18n).map(Message::Checkout),
        }
    }

    pub fn subscription(&self) -> Subscription<Message> {
        let input = event::listen_with(keys::classify).map(|input| Message::Checkout(checkout::Message::Input(input)));
        let tick = every(STATUS_REFRESH).map(|_| Message::Checkout(checkout::Message::Tick));
        let close = iced::window::close_requests().map(|_| Message::CloseRequested);
        let mut subscriptions = vec![input, tick, close];
        if self.shop.card {
            subscriptions.push(every(TERMINAL_POLL).map(|_| Message::PollTerminal));
        }
        Subscription::batch(subscriptions)
    }
}
