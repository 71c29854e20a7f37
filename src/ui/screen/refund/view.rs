//! Layout of the refund screen: the sale and its lines on the left, the tender, the amount
//! and the buttons (or the terminal's status, or the refund receipt) on the right.

use super::{Found, LOOKUP_ID, Message, PIN_ID, State};
use crate::i18n::I18n;
use crate::sale::PaymentMethod;
use crate::ui::desk::Shop;
use crate::ui::theme;
use crate::ui::widget::{GateText, message_line, monospace_block, page, panel, pin_gate, screen_header, touch_button};
use iced::widget::{Column, Id, button, column, container, radio, row, scrollable, space, text, text_input};
use iced::{Center, Element, Fill, Length};

const RECEIPT_TEXT: f32 = 14.0;

impl State {
    pub fn view<'a>(&'a self, _shop: &'a Shop, i18n: &'a I18n) -> Element<'a, Message> {
        // While the slip step is up, Esc closes it; the screen is left from the sale.
        let back = (!self.is_working() && self.slip.is_none()).then_some(Message::Back);
        let header = screen_header(i18n.t("refund-title"), i18n.t("refund-back"), back);
        // The sale and its lines stay as chosen while the slip step is up.
        let open = self.slip.is_none();
        let lookup = text_input(&i18n.t("refund-lookup-hint"), &self.lookup)
            .id(Id::new(LOOKUP_ID))
            .on_input_maybe(open.then_some(Message::LookupChanged))
            .on_submit_maybe(open.then_some(Message::LookupSubmitted))
            .size(theme::TEXT)
            .padding(10);
        if let Some((pin, error)) = &self.gate {
            let words = GateText {
                why: i18n.t("refund-manager-needed"),
                placeholder: i18n.t("settings-pin-placeholder"),
                unlock: i18n.t("settings-unlock"),
            };
            let gate = pin_gate(PIN_ID, words, pin, error.as_deref(), Message::Pin, Message::SubmitPin);
            return page(header, message_line(None, None), vec![panel(gate, 1)]);
        }
        let left = match &self.found {
            Some(found) => self.lines(found, i18n),
            None => column![text(i18n.t("refund-how")).size(theme::TEXT)],
        };
        page(
            header,
            message_line(self.error.as_deref(), None),
            vec![
                panel(
                    column![lookup, scrollable(left).height(Fill)].spacing(theme::SPACING),
                    3,
                ),
                panel(self.side(i18n), 2),
            ],
        )
    }

    fn lines<'a>(&'a self, f: &'a Found, i18n: &'a I18n) -> Column<'a, Message> {
        let title = i18n.t_args(
            "refund-sale",
            &[
                ("number", format!("{:06}", f.sale.id)),
                ("day", f.sale.business_day.to_string()),
                ("total", f.sale.draft.total.display()),
            ],
        );
        let open = self.slip.is_none();
        let mut list = column![text(title).size(theme::LARGE)].spacing(theme::SPACING);
        for (i, l) in f.lines.iter().enumerate() {
            let left = i18n.t_args("refund-left", &[("left", l.left.to_string())]);
            let line = row![
                column![
                    text(l.name.clone()).size(theme::TEXT),
                    text(format!("{} · {left}", l.unit_price.display())).size(theme::SMALL),
                ]
                .width(Fill),
                button(text("-").size(theme::TEXT))
                    .style(button::secondary)
                    .on_press_maybe((open && l.chosen > 0).then_some(Message::Less(i))),
                text(l.chosen.to_string())
                    .size(theme::LARGE)
                    .width(Length::Fixed(48.0))
                    .center(),
                button(text("+").size(theme::TEXT))
                    .style(button::secondary)
                    .on_press_maybe((open && l.chosen < l.left).then_some(Message::More(i))),
            ]
            .spacing(theme::SPACING)
            .align_y(Center);
            list = list.push(line);
        }
        list.push(
            row![
                button(text(i18n.t("refund-all")).size(theme::TEXT))
                    .style(button::secondary)
                    .on_press_maybe(open.then_some(Message::All(true))),
                button(text(i18n.t("refund-none")).size(theme::TEXT))
                    .style(button::secondary)
                    .on_press_maybe(open.then_some(Message::All(false))),
            ]
            .spacing(theme::SPACING),
        )
    }

    fn side<'a>(&'a self, i18n: &'a I18n) -> Element<'a, Message> {
        if let Some(lines) = &self.working {
            let mut status = column![text(i18n.t("refund-terminal-working")).size(theme::LARGE)].spacing(6);
            for l in lines {
                status = status.push(text(l.clone()).size(theme::TEXT));
            }
            return status.into();
        }
        if let Some((refund, receipt)) = &self.done {
            return column![
                text(i18n.t_args("refund-done", &[("number", format!("{:06}", refund.id))])).size(theme::LARGE),
                text(i18n.t_args("refund-paid-back", &[("amount", (-refund.draft.total).display())]))
                    .size(theme::LARGE),
                container(scrollable(monospace_block(receipt, RECEIPT_TEXT)).height(Fill))
                    .style(theme::paper)
                    .padding(10)
                    .width(Fill)
                    .height(Fill),
                touch_button(i18n.t("refund-another"), Fill)
                    .style(button::primary)
                    .on_press(Message::Another),
            ]
            .spacing(theme::SPACING)
            .into();
        }
        let Some(f) = &self.found else {
            return space().into();
        };
        if let Some(step) = &self.slip {
            return super::standalone::slip_panel(step, i18n);
        }
        let mut methods = column![radio(
            i18n.t("tender-cash"),
            PaymentMethod::Cash,
            self.method,
            Message::Method
        )]
        .spacing(theme::SPACING);
        if f.by_card {
            methods = methods.push(radio(
                i18n.t("refund-to-card"),
                PaymentMethod::Card,
                self.method,
                Message::Method,
            ));
        }
        if f.by_manual_card {
            // Given back on the standalone device that took it; the till only records it.
            methods = methods.push(radio(
                i18n.t("refund-to-manual-card"),
                PaymentMethod::ManualCard,
                self.method,
                Message::Method,
            ));
        }
        let amount = self.amount.map(|a| a.display()).unwrap_or_else(|| "-".into());
        let mut side = column![
            text(i18n.t("refund-tender")).size(theme::TEXT),
            methods,
            text(i18n.t_args("refund-amount", &[("amount", amount)])).size(theme::LARGE),
            space().height(Fill),
            touch_button(i18n.t("refund-confirm"), Fill)
                .style(button::primary)
                .on_press_maybe(self.amount.is_some().then_some(Message::Refund)),
        ]
        .spacing(theme::SPACING);
        if f.by_card && f.untouched {
            side = side.push(
                touch_button(i18n.t("refund-void"), Fill)
                    .style(button::danger)
                    .on_press(Message::Void),
            );
        }
        side.into()
    }
}
