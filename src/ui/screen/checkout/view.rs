//! Layout of the checkout screen: header, message line, cart on the left, totals and
//! tender (or the finished sale's receipt) on the right, key help at the bottom.

use super::{
    CASH_ID, CardPayment, CashState, Completed, Field, Message, Print, RECEIPT_ID, REPRINT_ID, SCAN_ID, Search, State,
    cash_state,
};
use crate::i18n::I18n;
use crate::money::Money;
use crate::sale::{Discount, Totals};
use crate::ui::desk::Shop;
use crate::ui::theme;
use crate::ui::widget::{amount_row, monospace_block_within, touch_button};
use iced::widget::{Column, Id, button, column, container, row, rule, scrollable, space, text, text_input};
use iced::{Center, Element, Fill, FillPortion, Length};

/// Width of the right-hand totals / receipt column.
const SIDE_WIDTH: f32 = 400.0;
const REMOVE_WIDTH: f32 = 80.0;
/// Receipt preview text size: 32 columns of 58 mm paper fit the side column.
const RECEIPT_TEXT: f32 = 14.0;

impl State {
    pub fn view<'a>(&'a self, shop: &'a Shop, i18n: &'a I18n) -> Element<'a, Message> {
        let side: Element<'a, Message> = match (&self.card, &self.panel, &self.completed) {
            (Some(card), _, _) => card_panel(card, i18n),
            (None, Some(panel), _) => self.tool_panel(panel, shop, i18n),
            (None, None, Some(done)) => completed_panel(done, i18n),
            (None, None, None) => self
                .manual_panel(i18n)
                .or_else(|| self.standalone_panel(i18n))
                .unwrap_or_else(|| tender_panel(self, shop, i18n)),
        };
        let body = row![
            container(self.cart_panel(i18n)).width(Fill).height(Fill),
            container(side).width(Length::Fixed(SIDE_WIDTH)).height(Fill),
        ]
        .spacing(theme::SPACING * 1.5)
        .height(Fill);
        let mut page = Column::new().spacing(theme::SPACING).padding(theme::SPACING * 1.5);
        page = page.push(self.header(shop, i18n));
        page.push(crate::ui::widget::message_line(
            self.error.as_deref(),
            self.notice.as_deref(),
        ))
        .push(body)
        .push(text(format!("{} · {}", i18n.t("ui-keys"), i18n.t("tools-keys"))).size(theme::SMALL))
        .into()
    }

    fn header<'a>(&'a self, shop: &'a Shop, i18n: &'a I18n) -> Element<'a, Message> {
        let mut header = row![text(i18n.t("app-title")).size(theme::LARGE)]
            .spacing(theme::SPACING * 2.0)
            .align_y(Center);
        match &self.status {
            Ok(status) => {
                header = header
                    .push(
                        text(i18n.t_args("ui-business-day", &[("day", status.business_day.to_string())]))
                            .size(theme::TEXT),
                    )
                    .push(
                        text(i18n.t_args(
                            "ui-sales-today",
                            &[
                                ("count", status.sales_count.to_string()),
                                ("total", status.sales_total.display()),
                            ],
                        ))
                        .size(theme::TEXT),
                    );
                if !status.day_open {
                    header = header.push(badge(i18n.t("ui-day-closed"), theme::error_line));
                }
                for (key, doubt) in [
                    ("ui-card-doubt-badge", &status.card_in_doubt),
                    ("ui-card-no-sale-badge", &status.card_without_sale),
                ] {
                    if doubt.count > 0 {
                        let args = [("count", doubt.count.to_string()), ("amount", doubt.amount.display())];
                        header = header.push(badge(i18n.t_args(key, &args), theme::error_line));
                    }
                }
            }
            Err(reason) => {
                header = header.push(
                    container(text(
                        i18n.t_args("ui-status-unavailable", &[("reason", reason.clone())]),
                    ))
                    .style(theme::error_line)
                    .padding([4.0, 8.0]),
                );
            }
        }
        header = header.push(space::horizontal());
        if let Some(seen) = &self.terminal {
            let style = if seen.ready {
                theme::notice_line
            } else {
                theme::error_line
            };
            header = header.push(badge(seen.text.clone(), style));
        }
        if shop.demo {
            header = header.push(badge(i18n.t("ui-demo-badge"), theme::demo_badge));
        }
        header = header.push(
            button(text(i18n.t("ui-other-language")).size(theme::TEXT))
                .style(button::secondary)
                .on_press(Message::ToggleLanguage),
        );
        header.into()
    }

    fn cart_panel<'a>(&'a self, i18n: &'a I18n) -> Element<'a, Message> {
        let epoch = self.scan.epoch();
        let scan = text_input(&i18n.t("ui-scan-placeholder"), self.scan.text())
            .id(Id::new(SCAN_ID))
            .on_input(move |value| Message::ScanChanged(epoch, value))
            .on_submit(Message::ScanSubmitted(epoch))
            .size(theme::LARGE)
            .padding(10)
            .style(theme::scan_input);
        let label = row![
            text(i18n.t("ui-scan-label")).size(theme::TEXT),
            space::horizontal(),
            self.tool_buttons(i18n)
        ]
        .spacing(theme::SPACING)
        .align_y(Center);
        let mut panel = column![label, scan].spacing(theme::SPACING);
        // The search offers products to add; so does the quick-key grid, which it replaces.
        match &self.search {
            Some(search) => panel = panel.push(search_results(search, i18n)),
            None => panel = panel.push(self.quick_keys(i18n)),
        }
        panel = panel.push(rule::horizontal(1)).push(self.cart_lines(i18n));
        panel.height(Fill).into()
    }

    fn cart_lines<'a>(&'a self, i18n: &'a I18n) -> Element<'a, Message> {
        let zh = i18n.language().is_zh();
        let priced = match self.cart.priced_lines() {
            Ok(lines) => lines,
            // Totals only fail on a discount that no longer fits; the cart refuses those.
            Err(e) => return text(e.to_string()).into(),
        };
        if priced.is_empty() {
            return text(i18n.t("ui-cart-empty")).size(theme::TEXT).into();
        }
        let heading = row![
            text(i18n.t("ui-col-item")).width(FillPortion(5)),
            text(i18n.t("ui-col-qty")).width(Length::Fixed(150.0)),
            text(i18n.t("ui-col-price")).width(FillPortion(2)),
            text(i18n.t("ui-col-total")).width(FillPortion(2)),
            space::horizontal().width(Length::Fixed(REMOVE_WIDTH)),
        ]
        .spacing(theme::SPACING)
        .padding([0.0, 6.0]);
        // The cart being paid for by card stays as it is until the terminal is done.
        let editable = self.card.is_none();
        let mut lines = Column::new().spacing(4);
        for (index, (line, total)) in priced.into_iter().enumerate() {
            let quantity = row![
                container(touch_button("-", theme::TOUCH).on_press_maybe(editable.then_some(Message::Decrease(index))))
                    .id(Id::from(format!("line-{index}-minus"))),
                text(line.quantity.to_string())
                    .size(theme::TEXT)
                    .width(Length::Fixed(40.0))
                    .align_x(Center),
                container(touch_button("+", theme::TOUCH).on_press_maybe(editable.then_some(Message::Increase(index))))
                    .id(Id::from(format!("line-{index}-plus"))),
            ]
            .align_y(Center)
            .width(Length::Fixed(150.0));
            let mut label = Column::new().push(text(line.name(zh).to_string()).size(theme::TEXT));
            if let Some(discount) = &line.discount {
                label = label.push(self.discount_label(discount, total.line_discount, i18n));
            }
            let name = button(label)
                .style(button::text)
                .on_press(Message::Select(index))
                .width(FillPortion(5));
            let content = row![
                name,
                quantity,
                text(line.unit_price.display()).size(theme::TEXT).width(FillPortion(2)),
                // Before the sale discount's share: that one shows once, in the totals.
                text((total.gross - total.line_discount).display())
                    .size(theme::TEXT)
                    .width(FillPortion(2)),
                container(
                    touch_button(i18n.t("ui-remove"), REMOVE_WIDTH)
                        .style(button::danger)
                        .on_press_maybe(editable.then_some(Message::Remove(index)))
                )
                .id(Id::from(format!("line-{index}-remove"))),
            ]
            .spacing(theme::SPACING)
            .align_y(Center);
            let mut line_box = container(content).padding([2.0, 6.0]).width(Fill);
            if self.selected == Some(index) {
                line_box = line_box.style(theme::selected_line);
            }
            lines = lines.push(line_box);
        }
        column![heading, scrollable(lines).height(Fill)]
            .spacing(6)
            .height(Fill)
            .into()
    }
}

fn badge<'a>(label: String, style: fn(&iced::Theme) -> container::Style) -> Element<'a, Message> {
    container(text(label).size(theme::TEXT))
        .style(style)
        .padding([6.0, 14.0])
        .into()
}

fn search_results<'a>(search: &'a Search, i18n: &'a I18n) -> Element<'a, Message> {
    let buttons = search.found.iter().map(|found| {
        touch_button(found.label.as_str(), Length::Shrink)
            .style(button::secondary)
            .on_press(Message::Pick(found.sku.clone()))
            .into()
    });
    column![
        text(i18n.t_args("ui-search-title", &[("query", search.query.clone())])).size(theme::TEXT),
        iced::widget::Row::with_children(buttons)
            .spacing(theme::SPACING)
            .wrap()
            .vertical_spacing(theme::SPACING),
    ]
    .spacing(theme::SPACING)
    .into()
}

fn tender_panel<'a>(state: &'a State, shop: &'a Shop, i18n: &'a I18n) -> Element<'a, Message> {
    let currency = shop.currency;
    let totals = state.cart.totals().unwrap_or_else(|_| empty_totals(currency));
    let mut panel = totals_rows(&totals, state.cart.sale_discount(), i18n);
    let cash = text_input(&i18n.t("ui-cash-placeholder"), &state.cash)
        .id(Id::new(CASH_ID))
        .on_input(Message::CashChanged)
        .on_submit(Message::CashSubmitted)
        .size(theme::LARGE)
        .padding(10);
    let cash = if state.focus == Field::Cash {
        cash.style(theme::scan_input)
    } else {
        cash
    };
    panel = panel
        .push(rule::horizontal(1))
        .push(text(i18n.t("ui-cash-label")).size(theme::TEXT))
        .push(cash);
    if !state.cart.is_empty() {
        let mut quick = row![
            touch_button(i18n.t("ui-exact"), Length::Shrink)
                .style(button::secondary)
                .on_press(Message::QuickCash(totals.total))
        ]
        .spacing(6);
        for amount in super::quick_amounts(totals.total) {
            quick = quick.push(
                touch_button(amount.display(), Length::Shrink)
                    .style(button::secondary)
                    .on_press(Message::QuickCash(amount)),
            );
        }
        panel = panel.push(quick.wrap().vertical_spacing(6));
    }
    match cash_state(&state.cash, totals.total, currency) {
        CashState::Exact => {}
        CashState::Change(change) => panel = panel.push(change_text(change, i18n)),
        CashState::Short(amount) => {
            panel = panel.push(text(i18n.t_args("ui-cash-short", &[("amount", amount.display())])).size(theme::LARGE))
        }
        CashState::Invalid(reason) => panel = panel.push(text(reason).size(theme::TEXT).style(text::danger)),
    }
    let ready = !state.cart.is_empty();
    let pay = touch_button(i18n.t("ui-pay"), Fill)
        .style(button::success)
        .on_press_maybe(ready.then_some(Message::Pay));
    let mut buttons = row![pay].spacing(theme::SPACING);
    // A standalone terminal takes cards too; its button opens the slip form.
    if shop.card || state.standalone_terminal.is_some() {
        buttons = buttons.push(
            touch_button(i18n.t("ui-pay-card"), Fill)
                .style(button::primary)
                .on_press_maybe(ready.then_some(Message::PayCard)),
        );
    }
    panel = panel.push(space::vertical()).push(buttons);
    container(panel.spacing(theme::SPACING))
        .style(theme::panel)
        .padding(theme::SPACING * 1.5)
        .height(Fill)
        .into()
}

/// The card payment under way: the amount, the terminal's live status, Cancel.
fn card_panel<'a>(card: &'a CardPayment, i18n: &'a I18n) -> Element<'a, Message> {
    let language = i18n.language();
    let mut steps = Column::new().spacing(4);
    // Earlier statuses, faded, so the cashier sees the terminal is moving along.
    let earlier = card.history.len().saturating_sub(1);
    for code in card.history.iter().take(earlier) {
        let line = crate::terminal::zvt::codes::intermediate_text(*code, language);
        steps = steps.push(text(format!("√ {line}")).size(theme::SMALL));
    }
    let cancel = touch_button(i18n.t("ui-card-cancel"), Fill)
        .style(button::danger)
        .on_press_maybe(card.can_cancel().then_some(Message::CancelCard));
    let panel = column![
        text(i18n.t("ui-card-title")).size(theme::LARGE),
        text(card.card_amount.display()).size(theme::HUGE),
        rule::horizontal(1),
        steps,
        container(text(card.status_text(i18n)).size(theme::LARGE))
            .id(Id::new(super::CARD_STATUS_ID))
            .style(theme::notice_line)
            .padding([12.0, 12.0])
            .width(Fill),
        space::vertical(),
        text(i18n.t("ui-card-wait")).size(theme::SMALL),
        cancel,
    ]
    .spacing(theme::SPACING);
    container(panel)
        .style(theme::panel)
        .padding(theme::SPACING * 1.5)
        .height(Fill)
        .into()
}

/// Subtotal (before any discount), line discounts, the sale discount, then the total: each
/// figure is the one above it less the ones between.
fn totals_rows<'a>(totals: &Totals, sale_discount: Option<&Discount>, i18n: &I18n) -> Column<'a, Message> {
    let mut rows = column![amount_row(
        i18n.t("ui-subtotal"),
        (totals.subtotal + totals.line_discounts).display(),
        theme::TEXT
    )];
    if !totals.line_discounts.is_zero() {
        rows = rows.push(amount_row(
            i18n.t("tools-line-discounts"),
            (-totals.line_discounts).display(),
            theme::TEXT,
        ));
    }
    if let Some(discount) = sale_discount {
        let label = i18n.t_args(
            "tools-sale-discount-row",
            &[("discount", discount.describe()), ("reason", discount.reason.clone())],
        );
        rows = rows.push(amount_row(label, (-totals.sale_discount).display(), theme::TEXT));
    }
    for tax in &totals.taxes {
        let label = i18n.t_args("ui-tax-included", &[("rate", tax.rate.to_string())]);
        rows = rows.push(amount_row(label, tax.tax.display(), theme::SMALL));
    }
    // One text node for label and amount: the figure the customer hears must not wrap apart.
    rows.push(text(format!("{} {}", i18n.t("ui-total"), totals.total.display())).size(theme::HUGE))
        .spacing(6)
}

fn change_text<'a>(change: Money, i18n: &I18n) -> Element<'a, Message> {
    text(format!("{} {}", i18n.t("ui-change"), change.display()))
        .size(theme::HUGE)
        .into()
}

fn completed_panel<'a>(done: &'a Completed, i18n: &'a I18n) -> Element<'a, Message> {
    let number = format!("{:06}", done.sale.id);
    // The side panel less its padding, the paper's and the scroll bar's.
    let paper = SIDE_WIDTH - theme::SPACING * 3.0 - 20.0 - 12.0;
    let receipt = container(scrollable(monospace_block_within(&done.receipt, RECEIPT_TEXT, paper)).height(Fill))
        .id(Id::new(RECEIPT_ID))
        .style(theme::paper)
        .padding(10)
        .width(Fill)
        .height(Fill);
    let panel = column![
        text(i18n.t_args("ui-sale-done", &[("number", number)])).size(theme::LARGE),
        text(format!("{} {}", i18n.t("ui-total"), done.sale.draft.total.display())).size(theme::TEXT),
        change_text(done.sale.draft.change(), i18n),
        text(i18n.t("ui-receipt-title")).size(theme::TEXT),
        receipt,
        print_line(&done.print, i18n),
        touch_button(i18n.t("ui-new-sale"), Fill)
            .style(button::primary)
            .on_press(Message::NewSale),
    ]
    .spacing(theme::SPACING);
    container(panel)
        .style(theme::panel)
        .padding(theme::SPACING * 1.5)
        .height(Fill)
        .into()
}

/// What the printer did with the receipt, and the reprint button once there is a job.
fn print_line<'a>(print: &Print, i18n: &I18n) -> Element<'a, Message> {
    let (words, failed) = match print {
        Print::None => return space().into(),
        Print::Sending(_) => (i18n.t("ui-print-sending"), false),
        Print::Printed(_) => (i18n.t("ui-print-done"), false),
        Print::Failed { job, error } => (
            i18n.t_args(
                "ui-print-failed",
                &[("job", job.to_string()), ("reason", error.clone())],
            ),
            true,
        ),
    };
    let words = text(words).size(theme::TEXT).width(Fill);
    let words = if failed { words.style(text::danger) } else { words };
    let reprint = button(text(i18n.t("ui-print-reprint")).size(theme::TEXT))
        .style(button::secondary)
        .on_press_maybe((!matches!(print, Print::Sending(_))).then_some(Message::Reprint));
    container(row![words, reprint].spacing(theme::SPACING).align_y(Center))
        .id(Id::new(REPRINT_ID))
        .into()
}

fn empty_totals(currency: crate::money::Currency) -> Totals {
    let zero = Money::zero(currency);
    Totals {
        lines: Vec::new(),
        subtotal: zero,
        line_discounts: zero,
        sale_discount: zero,
        total: zero,
        taxes: Vec::new(),
        tax_total: zero,
        net_total: zero,
    }
}
