//! Where messages go: the checkout, the end-of-day screen, and the desk coming back from a
//! job with its outcome.

use super::{App, Message, QuitChoice, Screen, Step};
use crate::ui::desk::{self, Outcome};
use crate::ui::keys::{Input, Shortcut};
use crate::ui::screen::{checkout, end_of_day, incidents, refund, reports, settings, users};
use iced::Task;

impl App {
    pub(super) fn checkout_message(&mut self, message: checkout::Message) -> Step {
        if self.quit.is_some() {
            // The quit dialog answers to the keyboard too: Enter settles, Esc stays.
            return match message {
                checkout::Message::ScanSubmitted(_) | checkout::Message::Input(Input::StrayEnter) => {
                    self.quit_choice(QuitChoice::SettleNow)
                }
                checkout::Message::Input(Input::Shortcut(Shortcut::Escape)) => self.quit_choice(QuitChoice::Stay),
                _ => Task::none().into(),
            };
        }
        if self.lock.is_some() {
            return self.locked_input(message);
        }
        match &message {
            checkout::Message::Reprint => return self.reprint(),
            checkout::Message::ToggleLanguage => {
                self.toggle_language();
                return self.checkout.refocus().map(Message::Checkout).into();
            }
            checkout::Message::Input(Input::Shortcut(Shortcut::Quit)) => return self.close_requested().into(),
            checkout::Message::Input(Input::Shortcut(Shortcut::EndOfDay)) => {
                return self.open_end_of_day(None).into();
            }
            checkout::Message::Input(Input::Shortcut(Shortcut::Refund)) => return self.open_refund(),
            checkout::Message::Input(Input::Shortcut(Shortcut::Reports)) => return self.open_reports(),
            checkout::Message::Input(Input::Shortcut(Shortcut::Lock)) => return self.lock_till(None),
            checkout::Message::Input(Input::Shortcut(Shortcut::Settings)) => return self.open_settings(),
            checkout::Message::Input(Input::Shortcut(Shortcut::Incidents)) => return self.shortcut_to_incidents(),
            _ => {}
        }
        // The other screens' fields take their keys themselves; Esc goes back.
        let escape = matches!(message, checkout::Message::Input(Input::Shortcut(Shortcut::Escape)));
        match self.screen {
            Screen::Refund(_) if escape => return self.refund_message(refund::Message::Back),
            Screen::Reports(_) if escape => return self.reports_message(reports::Message::Back),
            Screen::Users(_) if escape => return self.users_message(users::Message::Back),
            Screen::Settings(_) if escape => return self.settings_message(settings::Message::Back),
            Screen::Incidents(_) if escape => return self.incidents_message(incidents::Message::Back),
            Screen::Refund(_) | Screen::Reports(_) | Screen::Users(_) | Screen::Settings(_) | Screen::Incidents(_) => {
                return Task::none().into();
            }
            _ => {}
        }
        if let Screen::EndOfDay(_) = self.screen {
            // Keys typed on the end-of-day screen belong to its fields; Esc goes back.
            return match message {
                checkout::Message::Input(Input::Shortcut(Shortcut::Escape)) => {
                    self.end_of_day_message(end_of_day::Message::Back)
                }
                _ => Task::none().into(),
            };
        }
        let state = &mut self.checkout;
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
            // The focus after the request: a standalone terminal's form takes the keyboard.
            let request = state.card_request(&desk.till, &self.shop, &self.i18n);
            let refocus = state.refocus().map(Message::Checkout);
            let Some((cart, tender, cancel)) = request else {
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

    pub(super) fn end_of_day_message(&mut self, message: end_of_day::Message) -> Step {
        let Screen::EndOfDay(state) = &mut self.screen else {
            return Task::none().into();
        };
        let Some(desk) = self.desk.as_mut() else {
            // The terminal has the till; this screen waits for it.
            return Task::none().into();
        };
        let request = state.update(&mut desk.till, &self.i18n, message);
        let mut task = Task::none();
        let job = match request {
            end_of_day::Request::None => None,
            end_of_day::Request::Focus(id) => {
                task = iced::widget::operation::focus(iced::widget::Id::new(id));
                None
            }
            end_of_day::Request::Incidents => return self.open_incidents_screen(true),
            end_of_day::Request::Back => {
                self.screen = Screen::Checkout;
                return self.checkout.refocus().map(Message::Checkout).into();
            }
            end_of_day::Request::Settle => self.desk.take().map(|d| d.settle().map(Message::Desk)),
            end_of_day::Request::CheckTerminal => self.desk.take().map(|d| d.recover().map(Message::Desk)),
            end_of_day::Request::Print(id) => {
                // A claim list still waiting is not among the till's new jobs: send it too, once.
                let mut jobs = desk.till.take_new_print_jobs();
                if !jobs.contains(&id) {
                    jobs.push(id);
                }
                self.send_prints(jobs)
            }
        };
        // Deferring or acknowledging changes what the guard says.
        self.refresh_guard(false);
        Step { task, job }
    }

    /// The refund screen, from the checkout between customers.
    /// Chinese <-> English on screen, now; receipts and reports keep the configured language.
    pub(super) fn toggle_language(&mut self) {
        let other = match self.i18n.language() {
            crate::config::Language::Zh => crate::config::Language::En,
            crate::config::Language::En => crate::config::Language::Zh,
        };
        self.i18n = crate::i18n::I18n::new(other);
    }

    /// Whether the checkout may give way to another screen: only between customers. A key
    /// pressed mid-sale says why nothing opened.
    pub(super) fn may_leave_checkout(&mut self) -> bool {
        if !matches!(self.screen, Screen::Checkout) || self.desk.is_none() {
            return false;
        }
        if !self.checkout.is_idle() {
            self.checkout.finish_sale_first(&self.i18n);
            return false;
        }
        true
    }

    pub(super) fn open_refund(&mut self) -> Step {
        if !self.may_leave_checkout() {
            return Task::none().into();
        }
        let Some(desk) = self.desk.as_ref() else {
            return Task::none().into();
        };
        let state = refund::State::new(&desk.till);
        let field = if state.gate.is_some() {
            refund::PIN_ID
        } else {
            refund::LOOKUP_ID
        };
        self.screen = Screen::Refund(Box::new(state));
        iced::widget::operation::focus(iced::widget::Id::new(field)).into()
    }

    pub(super) fn refund_message(&mut self, message: refund::Message) -> Step {
        let Screen::Refund(state) = &mut self.screen else {
            return Task::none().into();
        };
        let Some(desk) = self.desk.as_mut() else {
            return Task::none().into();
        };
        let job = match state.update(&mut desk.till, &self.i18n, message) {
            refund::Request::None => None,
            refund::Request::Back => {
                self.screen = Screen::Checkout;
                return self.checkout.refocus().map(Message::Checkout).into();
            }
            refund::Request::RefundCard {
                sale,
                request,
                approval,
            } => self
                .desk
                .take()
                .map(|d| d.refund_card(sale, request, approval).map(Message::Desk)),
            refund::Request::Void { sale, approval } => {
                self.desk.take().map(|d| d.void_card(sale, approval).map(Message::Desk))
            }
            refund::Request::Focus(id) => return iced::widget::operation::focus(iced::widget::Id::new(id)).into(),
        };
        Step {
            task: Task::none(),
            job,
        }
    }

    /// The reports screen, from the checkout between customers.
    pub(super) fn open_reports(&mut self) -> Step {
        if !self.may_leave_checkout() {
            return Task::none().into();
        }
        let Some(desk) = self.desk.as_ref() else {
            return Task::none().into();
        };
        self.screen = Screen::Reports(Box::new(reports::State::new(&desk.till, &self.i18n)));
        Task::none().into()
    }

    pub(super) fn reports_message(&mut self, message: reports::Message) -> Step {
        let Screen::Reports(state) = &mut self.screen else {
            return Task::none().into();
        };
        let Some(desk) = self.desk.as_mut() else {
            return Task::none().into();
        };
        match state.update(&mut desk.till, &self.i18n, message) {
            reports::Request::None => Task::none().into(),
            reports::Request::Back => {
                self.screen = Screen::Checkout;
                self.checkout.refocus().map(Message::Checkout).into()
            }
            reports::Request::Send(mut jobs) => {
                // A job just queued is also among the till's new ones: send it once.
                jobs.extend(desk.till.take_new_print_jobs());
                jobs.sort_unstable();
                jobs.dedup();
                Step {
                    task: Task::none(),
                    job: self.send_prints(jobs),
                }
            }
        }
    }

    pub(super) fn poll_terminal(&mut self) -> Step {
        // Never in the cashier's way: only between customers, and never twice at once.
        if !self.shop.card || !self.checkout.is_idle() || !matches!(self.screen, Screen::Checkout) {
            return Task::none().into();
        }
        let job = self.desk.take().map(|desk| desk.poll().map(Message::Desk));
        Step {
            task: Task::none(),
            job,
        }
    }

    pub(super) fn desk_event(&mut self, event: desk::Event) -> Task<Message> {
        match event {
            desk::Event::Progress(progress) => {
                match &mut self.screen {
                    Screen::EndOfDay(state) => state.progress(progress, &self.i18n),
                    Screen::Refund(state) => state.progress(progress, &self.i18n),
                    Screen::Settings(state) => state.progress(progress, &self.i18n),
                    Screen::Reports(_) | Screen::Users(_) | Screen::Incidents(_) => {}
                    Screen::Checkout => self.checkout.card_progress(progress),
                }
                Task::none()
            }
            desk::Event::Returned(parcel) => {
                let Some((mut desk, outcome)) = parcel.take() else {
                    return Task::none();
                };
                self.terminal_outcome(&outcome);
                let i18n = &self.i18n;
                let checkout = &mut self.checkout;
                match (outcome, &mut self.screen) {
                    (Outcome::Paid(result), _) => checkout.card_finished(&desk.till, i18n, *result),
                    (Outcome::Polled(result), _) => checkout.terminal_polled(&desk.till, i18n, &result),
                    (Outcome::Recovered(result), Screen::EndOfDay(state)) => {
                        let text = match &result {
                            Ok(report) => checkout::recovery_text(report, i18n),
                            Err(e) => Err(i18n.t_args("ui-recovery-failed", &[("reason", e.to_string())])),
                        };
                        state.checked(&mut desk.till, text);
                    }
                    (Outcome::Recovered(result), _) => checkout.recovered(&desk.till, i18n, result),
                    (Outcome::Settled(result), Screen::EndOfDay(state)) => {
                        if let Ok(s) = result.as_ref()
                            && let Err(e) = desk.till.queue_if_printing(|t| t.queue_settlement(s).map(|_| ()))
                        {
                            tracing::warn!("settlement report not queued: {e}");
                        }
                        state.settled(&mut desk.till, i18n, *result)
                    }
                    (Outcome::Refunded(result), Screen::Refund(state)) => state.finished(&mut desk.till, i18n, *result),
                    (Outcome::Checked(result), Screen::Settings(state)) => state.desk_checked(result, i18n),
                    // The screen was left meanwhile (it cannot be while the terminal works).
                    (Outcome::Settled(_) | Outcome::Refunded(_) | Outcome::Checked(_), _) => {}
                }
                // A card payment first checks what became of earlier unfinished ones.
                if let Some(report) = desk.till.take_recovery()
                    && self.checkout.error().is_none()
                {
                    self.checkout.recovered(&desk.till, &self.i18n, Ok(report));
                }
                let refocus = self.checkout.refocus().map(Message::Checkout);
                self.desk = Some(desk);
                self.refresh_guard(false);
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
}
