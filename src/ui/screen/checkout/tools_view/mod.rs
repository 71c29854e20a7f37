//! Layout of the checkout's tools: the quick-key grid with its category tabs, the Discount
//! and Park / Recall buttons, and the side panels (discount, manager PIN, parked sales).

mod approval;
mod discount;
mod park;
mod quick;

use super::tools::TOOL_PANEL_ID;
use super::{Message, Panel, State, ToolMessage};
use crate::i18n::I18n;
use crate::money::Money;
use crate::sale::Discount;
use crate::ui::desk::Shop;
use crate::ui::theme;
use crate::ui::widget::touch_button;
use iced::widget::{Id, button, container, row, text};
use iced::{Element, Fill, Length};

fn tool(message: ToolMessage) -> Message {
    Message::Tool(message)
}

impl State {
    /// Discount (F5) and Park / Recall (F3), beside the barcode field's label.
    pub(super) fn tool_buttons<'a>(&'a self, i18n: &'a I18n) -> Element<'a, Message> {
        // Nothing changes the cart the terminal is being paid for.
        let free = self.card.is_none();
        let discount = touch_button(i18n.t("tools-discount-button"), Length::Shrink)
            .style(button::secondary)
            .on_press_maybe((free && !self.cart.is_empty()).then_some(tool(ToolMessage::OpenDiscount)));
        let park_label = if self.cart.is_empty() {
            i18n.t("tools-recall-button")
        } else {
            i18n.t("tools-park-button")
        };
        let park = touch_button(park_label, Length::Shrink)
            .style(button::secondary)
            .on_press_maybe(free.then_some(tool(ToolMessage::Park)));
        row![discount, park].spacing(theme::SPACING).into()
    }

    /// Under a discounted line's name: what is off, why, and who approved it.
    pub(super) fn discount_label<'a>(&self, discount: &Discount, off: Money, i18n: &I18n) -> Element<'a, Message> {
        let mut words = i18n.t_args(
            "tools-line-discount",
            &[
                ("discount", discount.describe()),
                ("amount", (-off).display()),
                ("reason", discount.reason.clone()),
            ],
        );
        if let Some(manager) = &discount.approved_by {
            words.push(' ');
            words.push_str(&i18n.t_args("tools-approved-by", &[("manager", manager.clone())]));
        }
        text(words).size(theme::SMALL).style(text::success).into()
    }

    pub(super) fn tool_panel<'a>(&'a self, panel: &'a Panel, shop: &'a Shop, i18n: &'a I18n) -> Element<'a, Message> {
        let body = match panel {
            Panel::Discount(form) => self.discount_panel(form, shop, i18n),
            Panel::Remove(form) => self.remove_panel(form, i18n),
            Panel::Recall(list) => park::recall_panel(list, shop, i18n),
        };
        container(body)
            .id(Id::new(TOOL_PANEL_ID))
            .style(theme::panel)
            .padding(theme::SPACING * 1.5)
            .height(Fill)
            .into()
    }
}
