//! The root of the GUI: owns the desk (till and terminal), the translations and the guard's
//! latest verdict, and routes messages to the checkout or the end-of-day screen. While a
//! terminal exchange runs, the desk is on a worker thread and messages that need it wait in
//! a queue. Tests drive `App` through `step` and `view` exactly like iced does, running the
//! step's job themselves.

pub mod audit_check;
mod guard;
mod health;
mod incidents_screen;
mod incidents_watch;
mod lessons;
mod lock;
mod look;
mod notes;
mod print;
mod routes;
mod settings_screen;
pub mod training;

use super::banner;
use super::desk::{self, Desk, Shop, TerminalSetup};
use super::inhibitor::Inhibitor;
use super::job::Job;
use super::keys;
use super::screen::{checkout, end_of_day, incidents, login, refund, reports, settings, users};
use crate::i18n::I18n;
use crate::settlement::batch::BatchView;
use crate::settlement::guard::Verdict;
use crate::till::Till;
use iced::time::{Duration, every};
use iced::widget::column;
use iced::{Element, Subscription, Task, event};

/// How often the header's day figures are re-read (the business day turns at the cutoff).
const STATUS_REFRESH: Duration = Duration::from_secs(30);
/// How often an idle till asks the terminal for its status (ZVT asks about once a minute;
/// timed events such as an automatic end-of-day reach the ECR this way).
const TERMINAL_POLL: Duration = Duration::from_secs(60);
/// How often the guard is asked: a day change or a deferral running out is acted on within
/// this time.
const GUARD_TICK: Duration = Duration::from_secs(1);

#[derive(Debug, Clone)]
pub enum Message {
    Checkout(checkout::Message),
    EndOfDay(end_of_day::Message),
    Refund(refund::Message),
    Reports(reports::Message),
    Incidents(incidents::Message),
    /// From a job that has the desk.
    Desk(desk::Event),
    /// Time for the idle Status Enquiry.
    PollTerminal,
    /// The window's close button, Alt+F4, Ctrl+Q, or the window manager asking.
    CloseRequested,
    GuardTick,
    /// The window's raw id (its HWND on Windows), for the shutdown block.
    WindowRaw(u64),
    OpenEndOfDay,
    /// The incidents screen (from the checkout).
    OpenIncidents,
    Quit(QuitChoice),
    /// A print job's outcome (Err: why it did not print; the job stays queued).
    Printed(i64, Result<(), String>),
    /// Send every printout still waiting.
    ResendPrints,
    /// The login screen (while locked).
    Login(login::Message),
    Users(users::Message),
    /// Lock the till (F7, Ctrl+L, the Lock button).
    Lock,
    OpenUsers,
    Settings(settings::Message),
    /// The start-up check of the ledger's pages and audit chain.
    LedgerChecked(audit_check::StartCheck),
    /// The training-mode switch and its manager PIN (app/training.rs).
    Training(training::TrainingMessage),
    /// The training lessons panel (app/lessons.rs).
    Lessons(super::screen::lessons::Message),
    /// The idle printer's status (Err: why it is not ready).
    PrinterChecked(Result<(), String>),
}

/// The quit dialog's buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuitChoice {
    SettleNow,
    Defer,
    Stay,
}

/// Which screen is up. The checkout's state lives on under the end-of-day screen, so an
/// open cart survives a look at the batch.
pub enum Screen {
    Checkout,
    EndOfDay(Box<end_of_day::State>),
    Refund(Box<refund::State>),
    Reports(Box<reports::State>),
    Users(Box<users::State>),
    Settings(Box<settings::State>),
    Incidents(Box<incidents::State>),
}

/// What one message leads to: a task for iced, and maybe work for a worker thread.
pub struct Step {
    pub task: Task<Message>,
    pub job: Option<Job<Message>>,
}

impl Step {
    /// What iced runs: the task, and the job started on its own thread.
    pub fn into_task(self) -> Task<Message> {
        match self.job {
            Some(job) => Task::batch([self.task, job.spawn()]),
            None => self.task,
        }
    }
}

impl From<Task<Message>> for Step {
    fn from(task: Task<Message>) -> Step {
        Step { task, job: None }
    }
}

/// The guard's latest word and the batches it judged.
pub struct GuardView {
    pub verdict: Verdict,
    pub batches: Vec<BatchView>,
}

pub struct App {
    /// `None` while lent to a job.
    desk: Option<Desk>,
    shop: Shop,
    i18n: I18n,
    checkout: checkout::State,
    screen: Screen,
    guard: GuardView,
    /// The quit dialog, with the verdict that refused quitting.
    quit: Option<Verdict>,
    /// Messages that need the desk, in arrival order, replayed when it is back.
    waiting: Vec<Message>,
    /// Holds off OS shutdown while a batch holds card payments (not started in tests).
    inhibitor: Inhibitor,
    /// Printouts waiting for the printer, and the last reason one failed.
    print_backlog: Option<(usize, String)>,
    /// The login screen while nobody is logged in; the screens under it are kept (app/lock.rs).
    lock: Option<login::State>,
    /// Who is logged in (also known while the till is with the terminal).
    who: Option<crate::users::Operator>,
    /// The last keyboard or pointer input, by the till's clock (the idle lock).
    last_input: jiff::Timestamp,
    clock: std::sync::Arc<dyn crate::clock::Clock>,
    /// The start-up check found the audit chain broken (shown to managers).
    audit_alarm: Option<String>,
    /// The start-up check found pages of the ledger damaged: the till stops (why).
    ledger_damaged: Option<String>,
    /// Desktop notifications (app/notes.rs), and which clear-time reminders went out.
    notifier: Box<dyn crate::platform::notify::Notifier>,
    reminders: notes::Reminders,
    /// Training mode: the real desk parked while the training one works (app/training.rs).
    training: training::Training,
    /// The training lessons beside the checkout (app/lessons.rs).
    lessons: super::screen::lessons::State,
    /// The terminal's and the printer's health (app/health.rs).
    health: crate::health::Health,
    device_watch: health::Watch,
    /// Devices offline for longer than the limit, and devices back after that, for incidents.
    pending_offline: Vec<crate::health::Offline>,
    pending_back: Vec<crate::health::Back>,
    /// What the banner says about open incidents (app/incidents_screen.rs).
    open_incidents: incidents_screen::OpenIncidents,
    /// Sends the alert queue to the webhook and the mail server (app/incidents_watch.rs).
    alert_sender: Option<incidents_watch::Sender>,
}

impl App {
    /// The app on its first screen, and the task that puts the keyboard in the barcode field
    /// (and checks unfinished card payments with the terminal, see `boot`).
    pub fn new(till: Till, terminal: TerminalSetup) -> (App, Task<Message>) {
        let (app, step) = App::boot(till, terminal);
        // Windows attaches the shutdown block to the window itself.
        let window = iced::window::oldest()
            .and_then(iced::window::raw_id::<Message>)
            .map(Message::WindowRaw);
        (app, Task::batch([step.into_task(), window]))
    }

    /// As `new`, with the start-up job handed back (tests run it themselves). Card payments
    /// an earlier run left pending or in doubt are checked with the terminal before anything
    /// else is asked of it: the terminal can only repeat its last transaction. A batch an
    /// earlier day left unsettled opens the end-of-day screen before any sale.
    pub fn boot(till: Till, terminal: TerminalSetup) -> (App, Step) {
        let i18n = I18n::new(till.language());
        let checkout = checkout::State::new(&till);
        // The till starts locked: somebody logs in first.
        let lock = login::State::new(&till, None, &i18n);
        let focus = lock.focus();
        let clock = till.clock();
        let audit = audit_check::job(till.store().path().to_path_buf(), till.currency());
        let unfinished = till
            .status()
            .is_ok_and(|s| s.card_in_doubt.count > 0 || s.card_without_sale.count > 0);
        let notifier = notes::notifier_for(&till);
        let desk = Desk::new(till, terminal);
        let shop = desk.shop();
        let mut app = App {
            shop,
            desk: Some(desk),
            i18n,
            checkout,
            screen: Screen::Checkout,
            guard: GuardView {
                verdict: Verdict::Clear,
                batches: Vec::new(),
            },
            quit: None,
            waiting: Vec::new(),
            inhibitor: Inhibitor::default(),
            print_backlog: None,
            lock: Some(lock),
            who: None,
            last_input: clock.now(),
            clock,
            audit_alarm: None,
            ledger_damaged: None,
            notifier,
            reminders: notes::Reminders::default(),
            training: training::Training::default(),
            lessons: Default::default(),
            health: crate::health::Health::default(),
            device_watch: health::Watch::default(),
            pending_offline: Vec::new(),
            pending_back: Vec::new(),
            open_incidents: Default::default(),
            alert_sender: None,
        };
        app.refresh_print_backlog();
        app.refresh_incidents();
        let job = if unfinished && app.shop.card {
            app.desk.take().map(|desk| desk.recover().map(Message::Desk))
        } else {
            app.refresh_guard(true);
            None
        };
        let task = match audit {
            Some(check) => Task::batch([focus, check.spawn()]),
            None => focus,
        };
        (app, Step { task, job })
    }

    /// Starts holding off OS shutdown whenever the guard says a batch holds payments.
    pub fn hold_off_shutdown(&mut self, mut inhibitor: Inhibitor) {
        inhibitor.follow(&self.guard.verdict, &self.guard.batches);
        self.inhibitor = inhibitor;
    }

    /// The till, unless it is with the terminal right now.
    pub fn till(&self) -> Option<&Till> {
        self.desk.as_ref().map(|d| &d.till)
    }

    pub fn i18n(&self) -> &I18n {
        &self.i18n
    }

    pub fn checkout(&self) -> &checkout::State {
        &self.checkout
    }

    pub fn screen(&self) -> &Screen {
        &self.screen
    }

    pub fn guard(&self) -> &GuardView {
        &self.guard
    }

    /// The quit dialog is up, showing why quitting was refused.
    pub fn quit_dialog(&self) -> Option<&Verdict> {
        self.quit.as_ref()
    }

    pub fn title(&self) -> String {
        self.i18n.t("app-title")
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        self.step(message).into_task()
    }

    pub fn step(&mut self, message: Message) -> Step {
        let step = self.route(message);
        match self.print_new_jobs() {
            None => step,
            Some(print) => match step.job {
                None => Step {
                    task: step.task,
                    job: Some(print),
                },
                Some(job) => Step {
                    task: Task::batch([step.task, print.spawn()]),
                    job: Some(job),
                },
            },
        }
    }

    fn route(&mut self, message: Message) -> Step {
        if self.ledger_damaged.is_some() {
            // Nothing more goes into a damaged ledger; the window only closes.
            return match message {
                Message::CloseRequested | Message::Quit(_) => iced::exit().into(),
                _ => Task::none().into(),
            };
        }
        self.note_input(&message);
        if self.hidden_by_lock(&message) {
            return Task::none().into();
        }
        match message {
            Message::Checkout(message) => self.checkout_message(message),
            Message::EndOfDay(message) => self.end_of_day_message(message),
            Message::Refund(message) => self.refund_message(message),
            Message::Reports(message) => self.reports_message(message),
            Message::Incidents(message) => self.incidents_message(message),
            Message::Desk(event) => self.desk_event(event).into(),
            Message::PollTerminal => self.poll_terminal(),
            Message::CloseRequested => self.close_requested().into(),
            Message::GuardTick => {
                self.refresh_guard(false);
                self.watch_real_till();
                let probe = self.watch_devices();
                self.lock_if_idle().also(probe)
            }
            Message::WindowRaw(raw) => {
                self.inhibitor.attach_window(raw);
                Task::none().into()
            }
            Message::OpenEndOfDay => self.open_end_of_day(None).into(),
            Message::OpenIncidents => self.open_incidents_screen(false),
            Message::Quit(choice) => self.quit_choice(choice),
            Message::Printed(job, result) => {
                self.printed(job, result);
                Task::none().into()
            }
            Message::ResendPrints => self.resend_backlog(),
            Message::Login(message) => self.login_message(message),
            Message::Users(message) => self.users_message(message),
            Message::Lock => self.lock_till(None),
            Message::OpenUsers => self.open_users(),
            Message::Settings(message) => self.settings_message(message),
            Message::LedgerChecked(result) => {
                self.ledger_checked(result);
                Task::none().into()
            }
            Message::Training(message) => self.training_message(message),
            Message::Lessons(message) => self.lessons_message(message),
            Message::PrinterChecked(result) => {
                self.printer_checked(result);
                Task::none().into()
            }
        }
    }

    /// Printouts waiting for the printer, and the last reason one failed.
    pub fn print_backlog(&self) -> Option<&(usize, String)> {
        self.print_backlog.as_ref()
    }

    pub fn view(&self) -> Element<'_, Message> {
        if let Some(damaged) = self.damaged_view() {
            return damaged;
        }
        let (level, words) = banner::describe(
            &self.guard.verdict,
            &self.guard.batches,
            self.shop.currency,
            &self.shop.time_zone,
            &self.i18n,
            matches!(&self.screen, Screen::EndOfDay(s) if s.slip.is_some()),
        );
        let on_checkout = matches!(self.screen, Screen::Checkout) && self.lock.is_none();
        let banner = banner::view(level, words, &self.i18n, on_checkout.then_some(Message::OpenEndOfDay));
        let banner = self.with_operator(banner, on_checkout);
        let screen = match (&self.lock, &self.screen) {
            // Locked: the login screen over whatever screen is kept underneath.
            (Some(lock), _) => lock.view(self.shop.demo, &self.i18n).map(Message::Login),
            (None, Screen::Checkout) => {
                self.lessons_beside(self.checkout.view(&self.shop, &self.i18n).map(Message::Checkout))
            }
            (None, Screen::EndOfDay(state)) => state.view(&self.shop, &self.i18n).map(Message::EndOfDay),
            (None, Screen::Refund(state)) => state.view(&self.shop, &self.i18n).map(Message::Refund),
            (None, Screen::Reports(state)) => state.view(&self.shop, &self.i18n).map(Message::Reports),
            (None, Screen::Users(state)) => state.view(&self.i18n).map(Message::Users),
            (None, Screen::Settings(state)) => state.view(&self.shop, &self.i18n).map(Message::Settings),
            (None, Screen::Incidents(state)) => state.view(&self.shop, &self.i18n).map(Message::Incidents),
        };
        let backlog = self
            .print_backlog
            .as_ref()
            .map(|(count, reason)| super::banner::print_backlog(*count, reason, &self.i18n, Message::ResendPrints));
        let page: Element<'_, Message> = column![self.training_strip(), banner]
            .push(self.incidents_line())
            .push(self.audit_alarm_view())
            .push(backlog)
            .push(screen)
            .push(self.health_section())
            .into();
        let page = self.training_gate(page);
        match &self.quit {
            Some(verdict) => super::quit::dialog(page, verdict, &self.i18n),
            None => page,
        }
    }

    pub fn subscription(&self) -> Subscription<Message> {
        let input = event::listen_with(keys::classify).map(|input| Message::Checkout(checkout::Message::Input(input)));
        let tick = every(STATUS_REFRESH).map(|_| Message::Checkout(checkout::Message::Tick));
        let guard = every(GUARD_TICK).map(|_| Message::GuardTick);
        let close = iced::window::close_requests().map(|_| Message::CloseRequested);
        let mut subscriptions = vec![input, tick, guard, close];
        if self.shop.card {
            subscriptions.push(every(TERMINAL_POLL).map(|_| Message::PollTerminal));
        }
        Subscription::batch(subscriptions)
    }
}
