//! The training lessons panel beside the checkout: the lesson list, then the running lesson's
//! numbered steps with its buttons (switch the simulated terminal off and on, move to the next
//! business day), Check and Stop, and the result: passed, or what is still missing. Checks
//! read the training ledger since the lesson started (`Till::lesson_facts`); the panel only
//! ever runs on a training till.

use crate::clock::Clock;
use crate::i18n::I18n;
use crate::terminal::connect::SIMULATOR_STATE;
use crate::terminal::simulator::power;
use crate::till::Till;
use crate::training::lessons::Action;
use crate::training::{LessonId, LessonResult, TrainingClock};
use crate::ui::{theme, widget};
use iced::widget::{button, column, container, row, scrollable, text};
use iced::{Element, Fill, Length};
use jiff::Timestamp;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The panel's container, for tests and for screens that place it.
pub const LESSONS_ID: &str = "training-lessons";
/// How wide the panel stands beside the checkout.
pub const WIDTH: f32 = 260.0;

#[derive(Debug, Clone)]
pub enum Message {
    Start(LessonId),
    Check,
    Stop,
    Act(Action),
}

/// The running lesson.
#[derive(Debug, Clone)]
struct Running {
    id: LessonId,
    since: Timestamp,
    result: Option<LessonResult>,
}

#[derive(Default)]
pub struct State {
    /// The training till's clock, which the day-change lesson moves.
    clock: Option<Arc<TrainingClock>>,
    /// The training desk's simulated terminal (its state file: its identity).
    simulator: Option<PathBuf>,
    running: Option<Running>,
    /// What the last action did, or why it could not.
    notice: Option<String>,
    error: Option<String>,
}

impl State {
    /// Readies the panel for a training till about to open on `training_dir` and returns the
    /// clock to open it with: `real` plus an offset the lessons may move.
    pub fn begin(&mut self, real: Arc<dyn Clock>, training_dir: &Path) -> Arc<dyn Clock> {
        let clock = Arc::new(TrainingClock::new(real));
        let simulator = training_dir.join(SIMULATOR_STATE);
        // A terminal a lesson left switched off in an earlier training run answers again.
        power::set_answering(&simulator, true);
        *self = State {
            clock: Some(clock.clone()),
            simulator: Some(simulator),
            ..State::default()
        };
        clock
    }

    /// The lesson under way, if any.
    pub fn running(&self) -> Option<LessonId> {
        self.running.as_ref().map(|r| r.id)
    }

    /// The last check's result of the running lesson.
    pub fn result(&self) -> Option<&LessonResult> {
        self.running.as_ref().and_then(|r| r.result.as_ref())
    }

    /// `till` is `None` while it is with the terminal.
    pub fn update(&mut self, message: Message, till: Option<&Till>, i18n: &I18n) {
        self.notice = None;
        self.error = None;
        if till.is_some_and(|t| !t.is_training()) {
            self.error = Some(i18n.t("lessons-only-training"));
            return;
        }
        match message {
            Message::Start(id) => {
                let Some(till) = till else {
                    self.error = Some(i18n.t("lessons-busy"));
                    return;
                };
                self.switch_terminal(true);
                self.running = Some(Running {
                    id,
                    since: till.now(),
                    result: None,
                });
            }
            Message::Check => {
                let (Some(running), Some(till)) = (self.running.as_mut(), till) else {
                    self.error = Some(i18n.t("lessons-busy"));
                    return;
                };
                match till.lesson_facts(running.since) {
                    Ok(facts) => running.result = Some(running.id.check(&facts)),
                    Err(e) => self.error = Some(i18n.t_args("lessons-error", &[("reason", e.to_string())])),
                }
            }
            Message::Stop => {
                self.switch_terminal(true);
                self.running = None;
            }
            Message::Act(action) => self.act(action, till, i18n),
        }
    }

    fn act(&mut self, action: Action, till: Option<&Till>, i18n: &I18n) {
        match action {
            Action::TerminalOff | Action::TerminalOn => {
                let on = action == Action::TerminalOn;
                if !self.switch_terminal(on) {
                    self.error = Some(i18n.t("lessons-no-rig"));
                    return;
                }
                let done = if on {
                    "lesson-done-terminal-on"
                } else {
                    "lesson-done-terminal-off"
                };
                self.notice = Some(i18n.t(done));
            }
            Action::NextBusinessDay => {
                let (Some(clock), Some(till)) = (self.clock.as_ref(), till) else {
                    self.error = Some(i18n.t(if till.is_none() {
                        "lessons-busy"
                    } else {
                        "lessons-no-rig"
                    }));
                    return;
                };
                match till.time_to_next_business_day() {
                    Ok(by) => {
                        clock.shift(by);
                        let at = till.now().to_zoned(till.config().time_zone.clone());
                        let at = at.strftime("%Y-%m-%d %H:%M").to_string();
                        self.notice = Some(i18n.t_args("lesson-done-next-day", &[("at", at)]));
                    }
                    Err(e) => self.error = Some(i18n.t_args("lessons-error", &[("reason", e.to_string())])),
                }
            }
        }
    }

    /// Switches the training desk's simulated terminal; false if there is none.
    fn switch_terminal(&self, on: bool) -> bool {
        match &self.simulator {
            Some(state) => {
                power::set_answering(state, on);
                true
            }
            None => false,
        }
    }

    /// What the last check said, in words: "Passed" or "Not yet: ...".
    pub fn result_text(&self, i18n: &I18n) -> Option<String> {
        let result = self.result()?;
        if result.passed {
            return Some(i18n.t("lessons-passed"));
        }
        let missing: Vec<String> = result.missing.iter().map(|m| i18n.t(m.key())).collect();
        Some(i18n.t_args("lessons-not-yet", &[("missing", missing.join("; "))]))
    }

    pub fn view(&self, i18n: &I18n) -> Element<'_, Message> {
        let mut body = column![text(i18n.t("lessons-title")).size(theme::LARGE)].spacing(theme::SPACING);
        match &self.running {
            None => {
                body = body.push(text(i18n.t("lessons-pick")).size(theme::TEXT));
                for id in LessonId::ALL {
                    let title = i18n.t(&id.lesson().title_key());
                    body = body.push(
                        button(text(title).size(theme::TEXT))
                            .style(button::secondary)
                            .width(Fill)
                            .on_press(Message::Start(id)),
                    );
                }
            }
            Some(running) => {
                let lesson = running.id.lesson();
                let title = i18n.t(&lesson.title_key());
                body = body.push(text(i18n.t_args("lessons-running", &[("title", title)])).size(theme::TEXT));
                for (n, key) in lesson.step_keys().iter().enumerate() {
                    body = body.push(text(format!("{}. {}", n + 1, i18n.t(key))).size(theme::SMALL));
                }
                for action in lesson.actions {
                    body = body.push(
                        button(text(i18n.t(action.key())).size(theme::TEXT))
                            .style(button::secondary)
                            .width(Fill)
                            .on_press(Message::Act(*action)),
                    );
                }
                body = body.push(
                    row![
                        widget::touch_button(i18n.t("lessons-check"), Length::Fill).on_press(Message::Check),
                        widget::touch_button(i18n.t("lessons-stop"), Length::Fill)
                            .style(button::secondary)
                            .on_press(Message::Stop),
                    ]
                    .spacing(theme::SPACING),
                );
                if let Some(words) = self.result_text(i18n) {
                    let passed = self.result().is_some_and(|r| r.passed);
                    let line = text(words).size(theme::TEXT);
                    body = body.push(if passed {
                        line.style(text::success)
                    } else {
                        line.style(text::danger)
                    });
                }
            }
        }
        body = body.push(widget::message_line(self.error.as_deref(), self.notice.as_deref()));
        // Scrolls within the checkout's height: long steps never push the tender off screen.
        container(scrollable(body).height(Fill))
            .id(iced::widget::Id::new(LESSONS_ID))
            .style(theme::panel)
            .padding(theme::SPACING)
            .width(Length::Fixed(WIDTH))
            .height(Fill)
            .into()
    }
}
