//! Layout of the parked-sales list the cashier recalls a sale from.

use super::tool;
use crate::i18n::I18n;
use crate::ui::desk::Shop;
use crate::ui::screen::checkout::{Message, RecallList, ToolMessage};
use crate::ui::theme;
use crate::ui::widget::touch_button;
use iced::widget::{Column, Id, button, column, container, scrollable, text};
use iced::{Element, Fill};

/// The parked sales, oldest first: a tap (or ↑ ↓ and Enter) recalls one.
pub(super) fn recall_panel<'a>(list: &'a RecallList, shop: &'a Shop, i18n: &'a I18n) -> Element<'a, Message> {
    let mut rows = Column::new().spacing(6);
    for (i, row) in list.rows.iter().enumerate() {
        let at = row
            .parked_at
            .to_zoned(shop.time_zone.clone())
            .strftime("%m-%d %H:%M")
            .to_string();
        let label = column![
            text(i18n.t_args(
                "tools-recall-row",
                &[
                    ("number", row.id.to_string()),
                    ("at", at),
                    ("by", row.parked_by.clone())
                ],
            ))
            .size(theme::TEXT),
            text(i18n.t_args(
                "tools-recall-row-summary",
                &[
                    ("lines", row.lines.to_string()),
                    ("items", row.items.to_string()),
                    ("total", row.total.display())
                ],
            ))
            .size(theme::SMALL),
        ]
        .spacing(2);
        let style = if i == list.selected {
            button::primary
        } else {
            button::secondary
        };
        rows = rows.push(
            container(
                button(label)
                    .style(style)
                    .width(Fill)
                    .padding([6.0, 12.0])
                    .on_press(tool(ToolMessage::Recall(row.id))),
            )
            .id(Id::from(format!("parked-{}", row.id))),
        );
    }
    column![
        text(i18n.t("tools-recall-title")).size(theme::LARGE),
        scrollable(rows).height(Fill),
        text(i18n.t("tools-recall-help")).size(theme::SMALL),
        touch_button(i18n.t("tools-cancel"), Fill)
            .style(button::secondary)
            .on_press(tool(ToolMessage::ClosePanel)),
    ]
    .spacing(theme::SPACING)
    .into()
}
