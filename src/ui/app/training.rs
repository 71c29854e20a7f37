//! Training mode in the window: a manager's switch reopens the desk on the training till
//! (`till::training`: its own ledger under `training/`, the built-in simulated terminal) and
//! a second switch returns to the real one. The real desk is parked meanwhile, untouched and
//! still connected, and its guard is still asked: what it demands shows in the training
//! banner, and it still stops the window from closing. Training does not start while the
//! real guard demands action now (a day change, a batch at its clear time, a payment in doubt).

use super::{App, GuardView, Message, Screen, Step};
use crate::permission::Action;
use crate::settlement::guard::Verdict;
use crate::terminal::spec::TerminalSpec;
use crate::till::Till;
use crate::ui::banner::why_text;
use crate::ui::desk::{Desk, Shop, TerminalSetup};
use crate::ui::screen::{checkout, login};
use crate::ui::theme;
use iced::widget::{button, center, column, container, opaque, row, space, stack, text, text_input};
use iced::{Center, Color, Element, Fill, Task, Theme};

/// The training banner's id, for tests and for reading it on screen.
pub const TRAINING_BANNER_ID: &str = "training-banner";
/// The manager PIN field of the training switch.
pub const TRAINING_PIN_ID: &str = "training-pin";

#[derive(Debug, Clone)]
pub enum TrainingMessage {
    /// The switch: into training on the real till, out of it on the training till.
    Toggle,
    Pin(String),
    Submit,
    Cancel,
    /// `tillguard --training` opened the window: switch without a PIN (the command line chose).
    Start,
    /// The refusal notice was read.
    Dismiss,
}

/// What the app keeps for training mode.
#[derive(Default)]
pub struct Training {
    /// The real desk while the training one is at work.
    parked: Option<Parked>,
    /// The manager PIN prompt of the switch.
    gate: Option<String>,
    gate_error: Option<String>,
    /// Why the switch did not happen.
    notice: Option<String>,
    /// What the real till's guard demands while training runs.
    real_alarm: Option<String>,
}

struct Parked {
    desk: Desk,
    shop: Shop,
    checkout: checkout::State,
}

impl App {
    /// The window is on the training till.
    pub fn is_training(&self) -> bool {
        self.training.parked.is_some()
    }

    /// Starts the window in training mode (`tillguard --training`); waits for the desk if the
    /// terminal has it (start-up recovery).
    pub fn start_in_training(&mut self) {
        if self.desk.is_none() {
            self.waiting.push(Message::Training(TrainingMessage::Start));
        } else {
            self.switch_training();
        }
    }

    pub(super) fn training_message(&mut self, message: TrainingMessage) -> Step {
        let by_hand = !matches!(message, TrainingMessage::Start | TrainingMessage::Dismiss);
        if by_hand && self.lock.is_some() {
            // Locked meanwhile: nobody is at the switch any more.
            self.training.gate = None;
            return Task::none().into();
        }
        match message {
            TrainingMessage::Toggle => return self.training_requested(),
            TrainingMessage::Pin(pin) => {
                if self.training.gate.is_some() {
                    self.training.gate = Some(pin);
                }
            }
            TrainingMessage::Submit => self.training_pin_submitted(),
            TrainingMessage::Cancel => {
                self.training.gate = None;
                self.training.gate_error = None;
            }
            TrainingMessage::Start => self.switch_training(),
            TrainingMessage::Dismiss => self.training.notice = None,
        }
        Task::none().into()
    }

    /// The switch pressed: a manager logged in switches at once, anyone else is asked for a
    /// manager's PIN. Only between customers, never while the terminal has the till; into
    /// training from the checkout, out of it from any screen.
    fn training_requested(&mut self) -> Step {
        self.training.notice = None;
        let from_here = self.is_training() || matches!(self.screen, Screen::Checkout);
        if self.lock.is_some() || self.desk.is_none() || !from_here {
            return Task::none().into();
        }
        if !self.checkout.is_idle() {
            self.checkout.finish_sale_first(&self.i18n);
            return Task::none().into();
        }
        let Some(desk) = self.desk.as_mut() else {
            return Task::none().into();
        };
        if desk.till.may(Action::Training) {
            match desk.till.permit(Action::Training, None) {
                Ok(_) => self.switch_training(),
                Err(e) => self.training.notice = Some(e.to_string()),
            }
            return Task::none().into();
        }
        self.training.gate = Some(String::new());
        self.training.gate_error = None;
        iced::widget::operation::focus(iced::widget::Id::new(TRAINING_PIN_ID)).into()
    }

    fn training_pin_submitted(&mut self) {
        let (Some(pin), Some(desk)) = (self.training.gate.take(), self.desk.as_mut()) else {
            return;
        };
        match desk.till.approve(Action::Training, &pin) {
            Ok(_) => {
                self.training.gate_error = None;
                self.switch_training();
            }
            Err(e) => {
                // The prompt stays, emptied, with the reason (wrong PIN, approvals locked).
                self.training.gate = Some(String::new());
                self.training.gate_error = Some(self.i18n.t_args("training-wrong-pin", &[("reason", e.to_string())]));
            }
        }
    }

    fn switch_training(&mut self) {
        if self.is_training() {
            self.leave_training();
        } else if let Err(notice) = self.enter_training() {
            self.training.notice = Some(notice);
        }
    }

    fn enter_training(&mut self) -> Result<(), String> {
        let Some(desk) = self.desk.as_mut() else {
            return Ok(());
        };
        let failed = |reason: String| self.i18n.t_args("training-failed", &[("reason", reason)]);
        match desk.till.training_refused() {
            Ok(None) => {}
            Ok(Some(why)) => {
                return Err(self
                    .i18n
                    .t_args("training-refused", &[("why", why_text(why, &self.i18n))]));
            }
            Err(e) => return Err(failed(e.to_string())),
        }
        let paths = desk
            .till
            .paths()
            .ok_or_else(|| failed(self.i18n.t("training-no-folder")))?;
        let mut till = Till::open_training(
            &paths,
            self.lessons.begin(desk.till.clock(), &paths.training().data_dir),
        )
        .map_err(|e| failed(e.to_string()))?;
        let who = self.who.as_ref().and_then(|w| till.same_operator(w).ok().flatten());
        till.set_operator(who.clone());
        till.follow_printer(&desk.till);
        let actor = desk.till.cashier();
        if let Err(e) = desk.till.audit(
            &actor,
            "training.entered",
            &paths.training().data_dir.display().to_string(),
        ) {
            tracing::warn!("training start not audited: {e}");
        }
        let setup = TerminalSetup {
            spec: Some(TerminalSpec::Simulator),
            data_dir: paths.training().data_dir,
            think_time: desk.setup().think_time,
        };
        let training = Desk::new(till, setup);
        self.swap_desk(training, who);
        Ok(())
    }

    fn leave_training(&mut self) {
        let (Some(parked), Some(mut training)) = (self.training.parked.take(), self.desk.take()) else {
            return;
        };
        let actor = training.till.cashier();
        if let Err(e) = training.till.audit(&actor, "training.left", "back to the real till") {
            tracing::warn!("training end not audited: {e}");
        }
        let Parked {
            mut desk,
            shop,
            checkout,
        } = parked;
        let who = self
            .who
            .as_ref()
            .and_then(|w| desk.till.same_operator(w).ok().flatten());
        desk.till.set_operator(who.clone());
        self.desk = Some(desk);
        self.shop = shop;
        self.checkout = checkout;
        self.training.real_alarm = None;
        self.settle_in(who);
        // The training desk (and its simulated terminal) closes here.
        drop(training);
    }

    /// Puts the training desk at work and parks the real one.
    fn swap_desk(&mut self, training: Desk, who: Option<crate::users::Operator>) {
        let Some(real) = self.desk.take() else {
            return;
        };
        let shop = std::mem::replace(&mut self.shop, training.shop());
        let checkout = std::mem::replace(&mut self.checkout, checkout::State::new(&training.till));
        self.training.parked = Some(Parked {
            desk: real,
            shop,
            checkout,
        });
        self.desk = Some(training);
        self.settle_in(who);
    }

    /// After a swap: the same person logged in (or the login screen of the new till), the
    /// checkout up, the guard and the print strip as the new till sees them.
    fn settle_in(&mut self, who: Option<crate::users::Operator>) {
        self.screen = Screen::Checkout;
        self.guard = GuardView {
            verdict: Verdict::Clear,
            batches: Vec::new(),
        };
        let locked = self.lock.is_some();
        self.who = if locked { None } else { who };
        if let Some(desk) = self.desk.as_ref()
            && (locked || self.who.is_none())
        {
            // A login screen lists the users of the till it logs into.
            self.lock = Some(login::State::new(&desk.till, None, &self.i18n));
        }
        self.refresh_guard(true);
        self.refresh_print_backlog();
    }

    /// Asked every second while training: what the real till's guard demands.
    pub(super) fn watch_real_till(&mut self) {
        let Some(parked) = self.training.parked.as_mut() else {
            return;
        };
        self.training.real_alarm = match parked.desk.till.guard(false) {
            Ok(Verdict::MustSettle { why, .. }) => Some(
                self.i18n
                    .t_args("training-real-alarm", &[("why", why_text(why, &self.i18n))]),
            ),
            _ => None,
        };
    }

    /// A close request while training: the training guard answers first (the quit dialog on
    /// the training till); if it lets go, the real till's guard decides, and a real batch that
    /// holds the window brings the real till back with its quit dialog. `None`: carry on with
    /// the usual close on the desk there is now.
    pub(super) fn close_while_training(&mut self) -> Option<Task<Message>> {
        self.training.parked.as_ref()?;
        let desk = self.desk.as_mut()?;
        if desk.till.guard(true).is_ok_and(|v| !v.allows_quit()) {
            return None;
        }
        let parked = self.training.parked.as_mut()?;
        match parked.desk.till.guard(true) {
            Ok(v) if !v.allows_quit() => {
                self.leave_training();
                None
            }
            _ => Some(iced::exit()),
        }
    }
}

impl App {
    /// The training banner (full width, on every screen, both languages), or the strip saying
    /// why training did not start.
    pub(super) fn training_strip(&self) -> Option<Element<'_, Message>> {
        if self.is_training() {
            let mut words = column![text(self.i18n.t("training-banner")).size(theme::LARGE)];
            if let Some(alarm) = &self.training.real_alarm {
                words = words.push(text(alarm.clone()).size(theme::TEXT));
            }
            let mut strip = row![words, space::horizontal()].spacing(theme::SPACING).align_y(Center);
            if self.lock.is_none() {
                strip = strip.push(
                    button(text(self.i18n.t("training-leave")).size(theme::TEXT))
                        .style(button::secondary)
                        .on_press(Message::Training(TrainingMessage::Toggle)),
                );
            }
            let banner = container(strip)
                .id(iced::widget::Id::new(TRAINING_BANNER_ID))
                .style(training_style)
                .padding([6.0, 12.0])
                .width(Fill);
            return Some(banner.into());
        }
        let notice = self.training.notice.as_ref()?;
        let strip = row![
            text(notice.clone()).size(theme::TEXT).width(Fill),
            button(text(self.i18n.t("training-ok")).size(theme::TEXT))
                .style(button::secondary)
                .on_press(Message::Training(TrainingMessage::Dismiss)),
        ]
        .spacing(theme::SPACING)
        .align_y(Center);
        Some(
            container(strip)
                .style(theme::error_line)
                .padding([6.0, 12.0])
                .width(Fill)
                .into(),
        )
    }

    /// The switch beside the operator bar, on the real till's checkout.
    pub(super) fn training_button(&self, on_checkout: bool) -> Option<Element<'_, Message>> {
        if self.is_training() || !on_checkout {
            return None;
        }
        let switch = button(text(self.i18n.t("training-enter")).size(theme::TEXT))
            .style(button::secondary)
            .on_press(Message::Training(TrainingMessage::Toggle));
        Some(switch.into())
    }

    /// The manager PIN prompt over the page, while it is open.
    pub(super) fn training_gate<'a>(&'a self, page: Element<'a, Message>) -> Element<'a, Message> {
        let Some(pin) = &self.training.gate else {
            return page;
        };
        let title = match self.is_training() {
            true => "training-pin-title-leave",
            false => "training-pin-title-enter",
        };
        let field = text_input(&self.i18n.t("training-pin"), pin)
            .id(iced::widget::Id::new(TRAINING_PIN_ID))
            .secure(true)
            .size(theme::TEXT)
            .on_input(|p| Message::Training(TrainingMessage::Pin(p)))
            .on_submit(Message::Training(TrainingMessage::Submit));
        let buttons = row![
            button(text(self.i18n.t("training-ok")).size(theme::TEXT))
                .style(button::primary)
                .on_press(Message::Training(TrainingMessage::Submit)),
            button(text(self.i18n.t("training-cancel")).size(theme::TEXT))
                .style(button::secondary)
                .on_press(Message::Training(TrainingMessage::Cancel)),
        ]
        .spacing(theme::SPACING);
        let mut card = column![text(self.i18n.t(title)).size(theme::LARGE), field].spacing(theme::SPACING);
        if let Some(error) = &self.training.gate_error {
            card = card.push(text(error.clone()).size(theme::TEXT));
        }
        let card = container(card.push(buttons))
            .style(theme::panel)
            .padding(theme::SPACING * 2.0)
            .max_width(520);
        let shade = container(center(card)).style(|_: &Theme| container::Style {
            background: Some(Color::from_rgba(0.0, 0.0, 0.0, 0.45).into()),
            ..container::Style::default()
        });
        stack![page, opaque(shade)].into()
    }
}

/// Strong magenta on white: a colour no other strip of the till uses, in both themes.
fn training_style(_: &Theme) -> container::Style {
    container::Style {
        background: Some(Color::from_rgb8(0xB0, 0x00, 0x6E).into()),
        text_color: Some(Color::WHITE),
        ..container::Style::default()
    }
}
