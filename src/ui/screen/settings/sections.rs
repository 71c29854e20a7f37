//! The sections of the settings form: Store, Sale, Terminal, Printer, Look & language,
//! Backups, Alerts. Each field is a label, its input, and under the input its error in red (or a
//! hint: the format, the default, "takes effect after restart").

use super::{AlertTest, Message, State, TEST_ALERT_ID, TEST_PRINTER_ID, TEST_TERMINAL_ID, Test, input_id};
use crate::alert::Channel;
use crate::config::edit::{Field, PRINTER_NONE, TERMINAL_NONE, TERMINAL_STANDALONE};
use crate::i18n::I18n;
use crate::ui::theme;
use crate::ui::widget::touch_button;
use iced::widget::{Column, Id, button, checkbox, column, container, pick_list, row, text, text_input};
use iced::{Center, Element, Fill, Length};
use std::fmt;

/// Width of the labels' column.
const LABEL: f32 = 230.0;

/// A pick list entry: the value the file takes, shown in the manager's language.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Choice {
    value: &'static str,
    label: String,
}

impl fmt::Display for Choice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

/// How a pick list names a value.
pub fn choice_label(field: Field, value: &str, i18n: &I18n) -> String {
    let id = match field {
        Field::TerminalKind => format!("settings-terminal-{value}"),
        Field::PrinterKind => format!("settings-printer-kind-{value}"),
        Field::Theme => format!("settings-theme-{value}"),
        Field::Language => format!("settings-language-{value}"),
        Field::PrinterCut => format!("settings-cut-{value}"),
        Field::PrinterChinese => format!("settings-chinese-{value}"),
        Field::PrinterCode => format!("settings-code-{value}"),
        Field::EmailSecurity => format!("settings-alerts-security-{value}"),
        Field::PrinterWidth => return format!("{value} mm"),
        _ => return value.to_string(),
    };
    i18n.t(&id)
}

fn section<'a>(title: String, rows: Vec<Element<'a, Message>>) -> Element<'a, Message> {
    let mut content = column![text(title).size(theme::LARGE)].spacing(theme::SPACING);
    for r in rows {
        content = content.push(r);
    }
    container(content)
        .style(theme::panel)
        .padding(theme::SPACING * 1.5)
        .width(Fill)
        .into()
}

/// What a test said so far, and its outcome (green lines, or the error in red).
fn test_lines<'a>(test: &'a Test, i18n: &'a I18n) -> Column<'a, Message> {
    let mut lines = column![].spacing(2);
    for line in &test.lines {
        lines = lines.push(text(line.as_str()).size(theme::SMALL));
    }
    if test.running {
        lines = lines.push(text(i18n.t("settings-test-running")).size(theme::SMALL));
    }
    match &test.result {
        Some(Ok(result)) => {
            for line in result {
                lines = lines.push(text(line.as_str()).size(theme::SMALL).style(text::success));
            }
        }
        Some(Err(e)) => lines = lines.push(text(e.as_str()).size(theme::SMALL).style(text::danger)),
        None => {}
    }
    lines
}

impl State {
    pub(super) fn sections<'a>(&'a self, i18n: &'a I18n) -> Column<'a, Message> {
        let rows = |fields: &[Field]| -> Vec<Element<'a, Message>> {
            fields
                .iter()
                .filter(|f| self.form.in_use(**f))
                .map(|f| self.field_row(*f, self.input(*f, i18n), i18n))
                .collect()
        };
        column![
            section(
                i18n.t("settings-section-store"),
                rows(&[
                    Field::StoreName,
                    Field::Address,
                    Field::TaxId,
                    Field::Currency,
                    Field::DayCutoff,
                    Field::TimeZone,
                ])
            ),
            section(
                i18n.t("settings-section-sale"),
                rows(&[Field::DiscountLimit, Field::RemoveLineNeedsManager])
            ),
            self.tax_section(i18n),
            self.terminal_section(i18n),
            self.printer_section(i18n),
            section(
                i18n.t("settings-section-look"),
                rows(&[Field::Language, Field::Theme, Field::LockMinutes, Field::Kiosk])
            ),
            section(i18n.t("settings-section-backup"), rows(&[Field::BackupFolder])),
            self.alerts_section(i18n),
        ]
        .spacing(theme::SPACING)
    }

    /// A label, the input, and under it the field's error or hint.
    fn field_row<'a>(&'a self, field: Field, input: Element<'a, Message>, i18n: &'a I18n) -> Element<'a, Message> {
        let mut right = column![input].spacing(2).width(Fill);
        if let Some(problem) = self.form.error(field) {
            right = right.push(text(problem.text(i18n)).size(theme::SMALL).style(text::danger));
        }
        if let Some(hint) = self.hint(field, i18n) {
            right = right.push(text(hint).size(theme::SMALL));
        }
        row![
            text(i18n.t(field.label_id()))
                .size(theme::TEXT)
                .width(Length::Fixed(LABEL)),
            right
        ]
        .spacing(theme::SPACING)
        .align_y(Center)
        .into()
    }

    fn hint(&self, field: Field, i18n: &I18n) -> Option<String> {
        let id = match field {
            Field::Currency => {
                if let Some(fixed) = self.form.currency_fixed() {
                    return Some(i18n.t_args("settings-currency-fixed", &[("currency", fixed.to_string())]));
                }
                "settings-after-restart"
            }
            Field::BackupFolder => {
                let default = crate::config::BackupConfig::default().folder_in(&self.data_dir);
                return Some(i18n.t_args("settings-backup-hint", &[("path", default.display().to_string())]));
            }
            Field::PrinterAddress => {
                let kind = self.form.get(Field::PrinterKind);
                return Some(i18n.t(&format!("settings-printer-example-{kind}")));
            }
            Field::TimeZone => "settings-time-zone-hint",
            Field::DayCutoff => "settings-day-cutoff-hint",
            Field::AutoClear => "settings-auto-clear-hint",
            Field::StandaloneName => "settings-standalone-name-hint",
            Field::LockMinutes => "settings-lock-minutes-hint",
            Field::DiscountLimit => "settings-discount-limit-hint",
            Field::PrinterLogo => "settings-printer-logo-hint",
            Field::AlertsOfflineMinutes => "settings-alerts-offline-minutes-hint",
            Field::WebhookUrl => "settings-alerts-webhook-url-hint",
            Field::WebhookTimeout => "settings-alerts-timeout-hint",
            Field::EmailServer => "settings-alerts-email-server-hint",
            Field::EmailPort => "settings-alerts-email-port-hint",
            Field::EmailPassword => "settings-alerts-email-password-hint",
            Field::EmailTo => "settings-alerts-email-to-hint",
            Field::EmailCaFile => "settings-alerts-email-ca-file-hint",
            f if f.needs_restart() => "settings-after-restart",
            _ => return None,
        };
        Some(i18n.t(id))
    }

    /// The field's input; a pick list or switch sits in a container with the field's id, so
    /// it can be found as a text input is.
    fn input<'a>(&'a self, field: Field, i18n: &'a I18n) -> Element<'a, Message> {
        let value = self.form.get(field);
        match field.choices() {
            Some(_) if field.is_switch() => {
                container(checkbox(value == "true").on_toggle(move |on| Message::Edit(field, on.to_string())))
                    .id(Id::new(input_id(field)))
                    .into()
            }
            Some(values) => {
                let options: Vec<Choice> = values
                    .iter()
                    .map(|v| Choice {
                        value: v,
                        label: choice_label(field, v, i18n),
                    })
                    .collect();
                let selected = options.iter().find(|c| c.value == value).cloned();
                container(
                    pick_list(options, selected, move |c: Choice| {
                        Message::Edit(field, c.value.to_string())
                    })
                    .text_size(theme::TEXT)
                    .padding(8)
                    .width(Length::Fixed(280.0)),
                )
                .id(Id::new(input_id(field)))
                .into()
            }
            None => text_input("", value)
                .id(Id::new(input_id(field)))
                .secure(field.is_secret())
                .on_input(move |text| Message::Edit(field, text))
                .size(theme::TEXT)
                .padding(8)
                .into(),
        }
    }

    fn terminal_section<'a>(&'a self, i18n: &'a I18n) -> Element<'a, Message> {
        let mut rows = Vec::new();
        for field in [
            Field::TerminalKind,
            Field::TerminalPort,
            Field::TerminalBaud,
            Field::TerminalHost,
            Field::TerminalTcpPort,
            Field::StandaloneName,
            Field::StandaloneAcquirer,
            Field::StandaloneTerminalId,
            Field::TerminalPassword,
            Field::AutoClear,
            Field::VoucherOnSlip,
        ] {
            if !self.form.in_use(field) {
                continue;
            }
            let input = match field {
                Field::TerminalPort => self.port_picker(i18n),
                _ => self.input(field, i18n),
            };
            rows.push(self.field_row(field, input, i18n));
        }
        let live = match &self.live_terminal {
            Some(spec) => spec.to_string(),
            None => choice_label(Field::TerminalKind, TERMINAL_NONE, i18n),
        };
        rows.push(
            text(i18n.t_args("settings-terminal-live", &[("terminal", live)]))
                .size(theme::SMALL)
                .into(),
        );
        // No cable to a standalone terminal, so nothing to test.
        if self.form.get(Field::TerminalKind) == TERMINAL_STANDALONE {
            rows.push(text(i18n.t("settings-standalone-note")).size(theme::SMALL).into());
        } else {
            rows.push(self.test_row(
                TEST_TERMINAL_ID,
                i18n.t("settings-test-terminal"),
                Message::TestTerminal,
                &self.terminal_test,
                i18n,
            ));
        }
        section(i18n.t("settings-section-terminal"), rows)
    }

    /// The detected serial ports to pick from, and the port as text (it may not be plugged in).
    fn port_picker<'a>(&'a self, i18n: &'a I18n) -> Element<'a, Message> {
        let value = self.form.get(Field::TerminalPort);
        let selected = self.ports.iter().find(|p| p.as_str() == value).cloned();
        let placeholder = if self.ports.is_empty() {
            i18n.t("settings-no-ports")
        } else {
            i18n.t("settings-detected-ports")
        };
        row![
            pick_list(self.ports.as_slice(), selected, |p| Message::Edit(
                Field::TerminalPort,
                p
            ))
            .placeholder(placeholder)
            .text_size(theme::TEXT)
            .padding(8)
            .width(Length::Fixed(220.0)),
            text_input("/dev/ttyUSB0, COM3", value)
                .id(Id::new(input_id(Field::TerminalPort)))
                .on_input(|text| Message::Edit(Field::TerminalPort, text))
                .size(theme::TEXT)
                .padding(8),
            button(text(i18n.t("settings-refresh-ports")).size(theme::SMALL))
                .style(button::secondary)
                .on_press(Message::RefreshPorts),
        ]
        .spacing(theme::SPACING)
        .align_y(Center)
        .into()
    }

    /// The catalog's tax rates, read only: a rate belongs to each product and comes with the
    /// catalog import, so the price list and its taxes change together.
    fn tax_section<'a>(&'a self, i18n: &'a I18n) -> Element<'a, Message> {
        let mut rows: Vec<Element<'a, Message>> = self
            .tax_rates
            .iter()
            .map(|(rate, count)| {
                text(i18n.t_args(
                    "settings-tax-rate",
                    &[("rate", rate.clone()), ("count", count.to_string())],
                ))
                .size(theme::TEXT)
                .into()
            })
            .collect();
        rows.push(text(i18n.t("settings-tax-note")).size(theme::SMALL).into());
        section(i18n.t("settings-section-tax"), rows)
    }

    fn printer_section<'a>(&'a self, i18n: &'a I18n) -> Element<'a, Message> {
        let mut rows: Vec<Element<'a, Message>> = [
            Field::PrinterKind,
            Field::PrinterAddress,
            Field::PrinterWidth,
            Field::PrinterCut,
            Field::PrinterChinese,
            Field::PrinterCodePage,
            Field::PrinterDrawer,
            Field::PrinterCode,
            Field::PrinterStatus,
            Field::PrinterFeed,
            Field::PrinterLogo,
        ]
        .into_iter()
        .filter(|f| self.form.in_use(*f))
        .map(|f| self.field_row(f, self.input(f, i18n), i18n))
        .collect();
        if self.form.get(Field::PrinterKind) != PRINTER_NONE {
            rows.push(self.test_row(
                TEST_PRINTER_ID,
                i18n.t("settings-test-printer"),
                Message::TestPrinter,
                &self.printer_test,
                i18n,
            ));
        }
        section(i18n.t("settings-section-printer"), rows)
    }

    fn test_row<'a>(
        &'a self,
        id: &'static str,
        label: String,
        message: Message,
        test: &'a Test,
        i18n: &'a I18n,
    ) -> Element<'a, Message> {
        let start = touch_button(label, Length::Fixed(LABEL))
            .style(button::secondary)
            .on_press_maybe((!test.running).then_some(message));
        row![container(start).id(Id::new(id)), test_lines(test, i18n).width(Fill)]
            .spacing(theme::SPACING)
            .align_y(Center)
            .into()
    }

    /// Desktop notifications, the offline limit, the webhook and the mail server; the mail
    /// server's settings show once it is named. "Send test alert" sends with the form's values.
    fn alerts_section<'a>(&'a self, i18n: &'a I18n) -> Element<'a, Message> {
        let mut rows: Vec<Element<'a, Message>> = [
            Field::AlertsDesktop,
            Field::AlertsOfflineMinutes,
            Field::WebhookUrl,
            Field::WebhookTimeout,
            Field::EmailServer,
            Field::EmailPort,
            Field::EmailSecurity,
            Field::EmailUsername,
            Field::EmailPassword,
            Field::EmailFrom,
            Field::EmailTo,
            Field::EmailCaFile,
        ]
        .into_iter()
        .filter(|f| self.form.in_use(*f))
        .map(|f| self.field_row(f, self.input(f, i18n), i18n))
        .collect();
        let start = touch_button(i18n.t("settings-test-alert"), Length::Fixed(LABEL))
            .style(button::secondary)
            .on_press_maybe(self.can_test_alert().then_some(Message::TestAlert));
        rows.push(
            row![
                container(start).id(Id::new(TEST_ALERT_ID)),
                self.alert_lines(&self.alert_test, i18n).width(Fill)
            ]
            .spacing(theme::SPACING)
            .align_y(Center)
            .into(),
        );
        section(i18n.t("settings-section-alerts"), rows)
    }

    /// Each channel's outcome: "sent" in green, or its error in red.
    fn alert_lines<'a>(&self, test: &'a AlertTest, i18n: &'a I18n) -> Column<'a, Message> {
        let mut lines = column![].spacing(2);
        if !self.alerts_configured() {
            lines = lines.push(text(i18n.t("settings-test-alert-none")).size(theme::SMALL));
        }
        if test.running {
            lines = lines.push(text(i18n.t("settings-test-alert-sending")).size(theme::SMALL));
        }
        for (channel, result) in &test.results {
            let channel = i18n.t(match channel {
                Channel::Webhook => "settings-alert-channel-webhook",
                Channel::Email => "settings-alert-channel-email",
            });
            lines = lines.push(match result {
                Ok(()) => text(i18n.t_args("settings-test-alert-sent", &[("channel", channel)]))
                    .size(theme::SMALL)
                    .style(text::success),
                Err(e) => text(i18n.t_args(
                    "settings-test-alert-failed",
                    &[("channel", channel), ("reason", e.clone())],
                ))
                .size(theme::SMALL)
                .style(text::danger),
            });
        }
        lines
    }
}
