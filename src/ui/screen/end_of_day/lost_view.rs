//! Layout of the lost batches: per batch what the acquirer will be asked for, the claim
//! list's buttons, what the last one did, and (on request) the claim lines themselves.

use super::lost::{ClaimNote, LostBatch};
use super::{Message, State};
use crate::i18n::I18n;
use crate::store::CardKind;
use crate::till::ClaimLine;
use crate::ui::theme;
use crate::ui::widget::touch_button;
use iced::widget::{Column, button, column, container, row, text};
use iced::{Element, Fill, Length};

impl State {
    /// `None` when no recent batch was lost (the section is not shown at all).
    pub(super) fn lost_section<'a>(&'a self, i18n: &'a I18n) -> Option<Element<'a, Message>> {
        if self.lost.is_empty() {
            return None;
        }
        let mut section = column![
            text(i18n.t("eod-lost-title")).size(theme::LARGE),
            text(i18n.t("eod-lost-hint")).size(theme::SMALL),
        ]
        .spacing(theme::SPACING);
        for batch in &self.lost {
            section = section.push(self.lost_block(batch, i18n));
        }
        Some(
            container(section)
                .style(theme::error_line)
                .padding(12)
                .width(Fill)
                .into(),
        )
    }

    fn lost_block<'a>(&'a self, batch: &'a LostBatch, i18n: &'a I18n) -> Element<'a, Message> {
        let heading = i18n.t_args(
            "eod-lost-line",
            &[
                ("id", batch.id.to_string()),
                ("terminal", batch.terminal.clone()),
                ("day", batch.first_day.to_string()),
                ("at", batch.lost_at.clone()),
            ],
        );
        let claims = i18n.t_args(
            "eod-lost-claims",
            &[
                ("count", batch.lines.len().to_string()),
                ("amount", batch.net.display()),
            ],
        );
        // While the terminal has the till, its messages wait; the buttons wait with them.
        let idle = !self.is_working();
        let open = self.claim_open == Some(batch.id);
        let show = if open { "eod-claim-hide" } else { "eod-claim-show" };
        let buttons = row![
            touch_button(i18n.t("eod-claim-print"), Length::Shrink)
                .style(button::primary)
                .on_press_maybe(idle.then_some(Message::PrintClaim(batch.id))),
            touch_button(i18n.t("eod-claim-export"), Length::Shrink)
                .style(button::secondary)
                .on_press_maybe(idle.then_some(Message::ExportClaim(batch.id))),
            touch_button(i18n.t(show), Length::Shrink)
                .style(button::text)
                .on_press_maybe((!batch.lines.is_empty()).then_some(Message::ShowClaim(batch.id))),
        ]
        .spacing(theme::SPACING)
        .wrap()
        .vertical_spacing(theme::SPACING);
        let mut block = column![text(heading).size(theme::TEXT), text(claims).size(theme::TEXT), buttons].spacing(6);
        if let Some((_, note)) = self.claim_note.as_ref().filter(|(id, _)| *id == batch.id) {
            block = block.push(note_line(note, i18n));
        }
        if open {
            block = block.push(claim_lines(&batch.lines, i18n));
        }
        container(block).style(theme::panel).padding(10).width(Fill).into()
    }
}

fn note_line<'a>(note: &ClaimNote, i18n: &I18n) -> Element<'a, Message> {
    let (words, failed) = match note {
        ClaimNote::Printing(_) => (i18n.t("eod-claim-printing"), false),
        ClaimNote::Printed => (i18n.t("eod-claim-printed"), false),
        ClaimNote::Exported(path) => (i18n.t_args("eod-claim-exported", &[("path", path.clone())]), false),
        ClaimNote::Failed(why) => (why.clone(), true),
    };
    let line = text(words).size(theme::SMALL);
    if failed {
        line.style(text::danger).into()
    } else {
        line.style(text::success).into()
    }
}

/// One row per claim line; a refund's amount is negative, as on the printed list.
fn claim_lines<'a>(lines: &'a [ClaimLine], i18n: &'a I18n) -> Element<'a, Message> {
    let mut list = Column::new().spacing(2);
    for l in lines {
        let amount = if l.kind == CardKind::Refund {
            -l.amount
        } else {
            l.amount
        };
        let number = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_else(|| "-".into());
        let card: Vec<&str> = [l.card_name.as_deref().or(l.card_type.as_deref()), l.pan.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        let words = i18n.t_args(
            "eod-claim-line",
            &[
                ("date", l.date.clone()),
                ("time", l.time.clone()),
                ("amount", amount.display()),
                ("trace", number(l.trace)),
                ("receipt", number(l.receipt_no)),
                ("card", card.join(" ")),
            ],
        );
        list = list.push(text(words).size(theme::SMALL));
    }
    container(list).style(theme::paper).padding(8).width(Fill).into()
}
