//! The window a damaged ledger opens instead of the till: what is wrong, the backups
//! (newest first), and one button that puts the chosen one in place. The damaged file is
//! kept aside, never deleted; an admin's PIN is asked only where the restore rules want one
//! (`till::restore`). After a restore the window closes and the till starts on the copy.

use crate::clock::Clock;
use crate::i18n::I18n;
use crate::till::Paths;
use crate::till::restore::{self, RestoreRequest};
use crate::ui::theme;
use crate::ui::widget::{message_line, touch_button};
use iced::widget::{Id, button, column, container, row, scrollable, text, text_input};
use iced::{Center, Element, Fill, Length, Task};
use std::sync::Arc;

pub const PIN_ID: &str = "restore-pin";

#[derive(Debug, Clone)]
pub enum Message {
    Choose(usize),
    Pin(String),
    Restore,
    /// Start the till on the restored ledger (or give up: the window closes either way).
    Close,
}

pub struct Restore {
    paths: Paths,
    clock: Arc<dyn Clock>,
    i18n: I18n,
    /// What is wrong with the ledger, as the start-up check said.
    problem: String,
    backups: Vec<crate::backup::BackupFile>,
    chosen: Option<usize>,
    pin: String,
    error: Option<String>,
    /// The restore is done: what happened.
    done: Option<String>,
}

impl Restore {
    pub fn new(paths: Paths, clock: Arc<dyn Clock>, i18n: I18n, problem: String) -> Restore {
        let (backups, error) = match restore::backups(&paths) {
            Ok(list) => (list, None),
            Err(e) => (Vec::new(), Some(e.to_string())),
        };
        Restore {
            paths,
            clock,
            i18n,
            problem,
            chosen: (!backups.is_empty()).then_some(0),
            backups,
            pin: String::new(),
            error,
            done: None,
        }
    }

    /// The restore went through: the caller starts the till.
    pub fn restored(&self) -> bool {
        self.done.is_some()
    }

    pub fn title(&self) -> String {
        self.i18n.t("restore-title")
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::Choose(i) if self.done.is_none() => {
                self.chosen = Some(i);
                self.error = None;
            }
            Message::Pin(pin) => {
                self.pin = pin
                    .chars()
                    .filter(char::is_ascii_digit)
                    .take(crate::users::PIN_MAX)
                    .collect();
            }
            Message::Restore if self.done.is_none() => self.restore(),
            Message::Close => return iced::exit(),
            _ => {}
        }
        Task::none()
    }

    fn restore(&mut self) {
        let Some(file) = self.chosen.and_then(|i| self.backups.get(i)).map(|b| b.path.clone()) else {
            self.error = Some(self.i18n.t("restore-choose"));
            return;
        };
        let pin = std::mem::take(&mut self.pin);
        let request = RestoreRequest {
            backup: &file,
            admin_pin: (!pin.is_empty()).then_some(pin.as_str()),
            by: None,
        };
        match restore::restore(&self.paths, self.clock.clone(), request) {
            Ok(done) => {
                let kept = done.kept_aside.map(|p| p.display().to_string()).unwrap_or_default();
                self.error = None;
                self.done = Some(
                    self.i18n
                        .t_args("restore-done", &[("file", file.display().to_string()), ("kept", kept)]),
                );
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        let i18n = &self.i18n;
        let mut page = column![
            text(i18n.t("restore-title")).size(theme::LARGE),
            text(i18n.t_args("restore-problem", &[("problem", self.problem.clone())])).size(theme::TEXT),
        ]
        .spacing(theme::SPACING)
        .padding(theme::SPACING * 2.0);
        if let Some(done) = &self.done {
            let start = touch_button(i18n.t("restore-start"), Length::Shrink)
                .style(button::success)
                .on_press(Message::Close);
            return container(page.push(text(done.clone()).size(theme::TEXT)).push(start)).into();
        }
        page = page.push(message_line(self.error.as_deref(), None));
        if self.backups.is_empty() {
            page = page.push(text(i18n.t("restore-none")).size(theme::TEXT));
        } else {
            page = page.push(text(i18n.t("restore-pick")).size(theme::TEXT));
            let mut list = column![].spacing(4);
            for (i, b) in self.backups.iter().enumerate() {
                let label = format!(
                    "{}  {}  {} KB  {}",
                    b.taken_at.strftime("%Y-%m-%d %H:%M:%S"),
                    b.reason.clone().unwrap_or_default(),
                    b.size / 1024,
                    b.file_name()
                );
                let style = if self.chosen == Some(i) {
                    button::primary
                } else {
                    button::secondary
                };
                list = list.push(
                    button(text(label).size(theme::TEXT))
                        .style(style)
                        .width(Fill)
                        .on_press(Message::Choose(i)),
                );
            }
            page = page.push(scrollable(list).height(Length::Fixed(260.0)));
            let pin = text_input(&i18n.t("restore-pin"), &self.pin)
                .id(Id::new(PIN_ID))
                .secure(true)
                .on_input(Message::Pin)
                .on_submit(Message::Restore)
                .padding(10)
                .width(Length::Fixed(260.0));
            page = page.push(text(i18n.t("restore-pin-when")).size(theme::SMALL)).push(
                row![
                    pin,
                    touch_button(i18n.t("restore-button"), Length::Shrink)
                        .style(button::danger)
                        .on_press(Message::Restore)
                ]
                .spacing(theme::SPACING)
                .align_y(Center),
            );
        }
        page = page.push(
            touch_button(i18n.t("restore-quit"), Length::Shrink)
                .style(button::secondary)
                .on_press(Message::Close),
        );
        container(page).width(Fill).into()
    }
}

/// Runs the restore window until it closes; true when a backup was put in place.
pub fn run(paths: Paths, clock: Arc<dyn Clock>, i18n: I18n, problem: String) -> anyhow::Result<bool> {
    let restored = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = restored.clone();
    let slot = std::sync::Mutex::new(Some(Restore::new(paths, clock, i18n, problem)));
    let boot = move || {
        let state = slot.lock().unwrap_or_else(|e| e.into_inner()).take();
        (state.expect("iced boots the application once"), Task::none())
    };
    let update = move |state: &mut Restore, message: Message| {
        let task = state.update(message);
        flag.store(state.restored(), std::sync::atomic::Ordering::SeqCst);
        task
    };
    iced::application(boot, update, Restore::view)
        .title(Restore::title)
        .settings(super::settings())
        .window(super::window::plain(iced::Size::new(900.0, 640.0)))
        .run()?;
    Ok(restored.load(std::sync::atomic::Ordering::SeqCst))
}
