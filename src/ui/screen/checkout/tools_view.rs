//! Layout of the checkout's tools: the quick-key grid with its category tabs, the Discount
//! and Park / Recall buttons, and the side panels (discount, manager PIN, parked sales).

use super::tools::{DISCOUNT_REASON_ID, DISCOUNT_VALUE_ID, PIN_ID, REASONS, TOOL_PANEL_ID};
use super::{DiscountForm, Message, Mode, Panel, RecallList, RemoveForm, State, ToolMessage};
use crate::i18n::I18n;
use crate::money::Money;
use crate::sale::Discount;
use crate::till::discount::DiscountTarget;
use crate::ui::desk::Shop;
use crate::ui::theme;
use crate::ui::widget::touch_button;
use iced::widget::{Column, Id, Row, button, column, container, row, scrollable, space, text, text_input};
use iced::{Center, Element, Fill, Length};

/// A quick key: wide enough for a short name, tall enough for name and price.
const KEY_WIDTH: f32 = 128.0;
const KEY_HEIGHT: f32 = 60.0;

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

    /// The category tabs and the keys of the chosen one; a tap adds one, as a scan does.
    pub(super) fn quick_keys<'a>(&'a self, i18n: &'a I18n) -> Element<'a, Message> {
        let grid = &self.quick;
        if grid.tabs.is_empty() {
            return space().into();
        }
        let zh = i18n.language().is_zh();
        let free = self.card.is_none();
        let chosen = self.quick_tab.min(grid.tabs.len() - 1);
        let mut page = Column::new().spacing(6);
        if grid.tabs.len() > 1 {
            let tabs = grid.tabs.iter().enumerate().map(|(i, tab)| {
                let label = match &tab.category {
                    Some(category) => category.name(zh).to_string(),
                    None => i18n.t("tools-tab-other"),
                };
                let style = if i == chosen {
                    button::primary
                } else {
                    button::secondary
                };
                container(
                    button(text(label).size(theme::TEXT))
                        .style(style)
                        .padding([8.0, 14.0])
                        .on_press(tool(ToolMessage::QuickTab(i))),
                )
                .id(Id::from(format!("quick-tab-{i}")))
                .into()
            });
            page = page.push(Row::with_children(tabs).spacing(6).wrap().vertical_spacing(6));
        }
        let keys = grid.tabs[chosen].keys.iter().map(|key| {
            let label = column![
                text(key.name(zh).to_string()).size(theme::SMALL + 2.0),
                text(key.price.display()).size(theme::SMALL),
            ]
            .spacing(2)
            .align_x(Center)
            .width(Fill);
            container(
                button(label)
                    .style(button::secondary)
                    .width(Length::Fixed(KEY_WIDTH))
                    .height(Length::Fixed(KEY_HEIGHT))
                    .padding([4.0, 6.0])
                    .on_press_maybe(free.then(|| tool(ToolMessage::QuickKey(key.sku.clone())))),
            )
            .id(Id::from(format!("quick-{}", key.sku)))
            .into()
        });
        page.push(Row::with_children(keys).spacing(6).wrap().vertical_spacing(6))
            .into()
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
            Panel::Recall(list) => recall_panel(list, shop, i18n),
        };
        container(body)
            .id(Id::new(TOOL_PANEL_ID))
            .style(theme::panel)
            .padding(theme::SPACING * 1.5)
            .height(Fill)
            .into()
    }

    fn target_text(&self, target: DiscountTarget, i18n: &I18n) -> String {
        let zh = i18n.language().is_zh();
        match target {
            DiscountTarget::Line(i) => {
                let name = self
                    .cart
                    .lines()
                    .get(i)
                    .map(|l| l.name(zh).to_string())
                    .unwrap_or_default();
                i18n.t_args("tools-target-line", &[("name", name)])
            }
            DiscountTarget::Sale => i18n.t("tools-target-sale"),
        }
    }

    fn discount_panel<'a>(&'a self, form: &'a DiscountForm, shop: &'a Shop, i18n: &'a I18n) -> Element<'a, Message> {
        let mut panel = column![
            text(i18n.t("tools-discount-title")).size(theme::LARGE),
            text(self.target_text(form.target, i18n)).size(theme::TEXT),
        ]
        .spacing(theme::SPACING);
        let current = match form.target {
            DiscountTarget::Line(i) => self.cart.lines().get(i).and_then(|l| l.discount.as_ref()),
            DiscountTarget::Sale => self.cart.sale_discount(),
        };
        if let Some(pin) = &form.pin {
            // The discount is set; only the manager's PIN is missing.
            panel = panel
                .push(text(format!("{}  {}", typed_value(form, shop), form.reason.trim())).size(theme::TEXT))
                .push(pin_block(pin, form.error.as_deref(), i18n));
            let buttons = row![
                touch_button(i18n.t("tools-approve"), Fill)
                    .style(button::primary)
                    .on_press(tool(ToolMessage::PinSubmitted)),
                touch_button(i18n.t("tools-cancel"), Fill)
                    .style(button::secondary)
                    .on_press(tool(ToolMessage::ClosePanel)),
            ]
            .spacing(theme::SPACING);
            return panel.push(space::vertical()).push(buttons).into();
        }
        if let Some(d) = current {
            panel = panel.push(
                text(i18n.t_args(
                    "tools-discount-current",
                    &[("discount", d.describe()), ("reason", d.reason.clone())],
                ))
                .size(theme::SMALL),
            );
        }
        // Two switches side by side: line or sale, percent or amount; the chosen side is
        // highlighted.
        let on_line = matches!(form.target, DiscountTarget::Line(_));
        let line_selected = self.selected.is_some_and(|i| i < self.cart.lines().len());
        let choice = |label: String, chosen: bool, message: Option<ToolMessage>| {
            let style = if chosen { button::primary } else { button::secondary };
            touch_button(label, Fill).style(style).on_press_maybe(message.map(tool))
        };
        let switches = row![
            choice(
                i18n.t("tools-target-line-button"),
                on_line,
                line_selected.then_some(ToolMessage::Target { sale: false })
            ),
            choice(
                i18n.t("tools-target-sale-button"),
                !on_line,
                Some(ToolMessage::Target { sale: true })
            ),
            choice(
                "%".to_string(),
                form.mode == Mode::Percent,
                Some(ToolMessage::Mode(Mode::Percent))
            ),
            choice(
                shop.currency.symbol.to_string(),
                form.mode == Mode::Amount,
                Some(ToolMessage::Mode(Mode::Amount))
            ),
        ]
        .spacing(6);
        let value = text_input(&i18n.t("tools-value-placeholder"), &form.value)
            .id(Id::new(DISCOUNT_VALUE_ID))
            .on_input(|t| tool(ToolMessage::ValueChanged(t)))
            .on_submit(tool(ToolMessage::ValueSubmitted))
            .size(theme::LARGE)
            .padding(8)
            .style(theme::scan_input);
        let reasons = (1..=REASONS).map(|n| {
            let label = format!("{n} {}", i18n.t(&format!("tools-reason-{n}")));
            button(text(label).size(theme::SMALL))
                .style(button::secondary)
                .padding([8.0, 10.0])
                .on_press(tool(ToolMessage::ReasonPicked(n)))
                .into()
        });
        let reason = text_input(&i18n.t("tools-reason-placeholder"), &form.reason)
            .id(Id::new(DISCOUNT_REASON_ID))
            .on_input(|t| tool(ToolMessage::ReasonChanged(t)))
            .on_submit(tool(ToolMessage::ReasonSubmitted))
            .size(theme::TEXT)
            .padding(8);
        let fields = column![
            switches,
            value,
            text(i18n.t("tools-reason-label")).size(theme::SMALL),
            Row::with_children(reasons).spacing(6).wrap().vertical_spacing(6),
            reason,
        ]
        .spacing(theme::SPACING);
        // The fields scroll if the window is short: the message and the buttons stay in view.
        panel = panel.push(scrollable(fields).height(Fill));
        panel = match &form.error {
            Some(error) => panel.push(text(error.as_str()).size(theme::TEXT).style(text::danger)),
            None => panel.push(text(i18n.t("tools-discount-help")).size(theme::SMALL)),
        };
        // Short labels: three buttons share the panel's width (the keys are in the help line).
        let mut buttons = row![
            touch_button(i18n.t("tools-apply"), Fill)
                .style(button::primary)
                .on_press(tool(ToolMessage::Apply))
        ]
        .spacing(theme::SPACING);
        if current.is_some() {
            buttons = buttons.push(
                touch_button(i18n.t("tools-remove-discount"), Fill)
                    .style(button::danger)
                    .on_press(tool(ToolMessage::RemoveDiscount)),
            );
        }
        buttons = buttons.push(
            touch_button(i18n.t("tools-close"), Fill)
                .style(button::secondary)
                .on_press(tool(ToolMessage::ClosePanel)),
        );
        panel.push(buttons).into()
    }

    fn remove_panel<'a>(&'a self, form: &'a RemoveForm, i18n: &'a I18n) -> Element<'a, Message> {
        let zh = i18n.language().is_zh();
        let line = self
            .cart
            .lines()
            .get(form.index)
            .map(|l| format!("{} × {}", l.name(zh), l.quantity))
            .unwrap_or_default();
        let buttons = row![
            touch_button(i18n.t("tools-approve"), Fill)
                .style(button::danger)
                .on_press(tool(ToolMessage::PinSubmitted)),
            touch_button(i18n.t("tools-cancel"), Fill)
                .style(button::secondary)
                .on_press(tool(ToolMessage::ClosePanel)),
        ]
        .spacing(theme::SPACING);
        column![
            text(i18n.t("tools-remove-title")).size(theme::LARGE),
            text(line).size(theme::TEXT),
            text(i18n.t("tools-remove-needs-manager")).size(theme::TEXT),
            pin_block(&form.pin, form.error.as_deref(), i18n),
            space::vertical(),
            buttons,
        ]
        .spacing(theme::SPACING)
        .into()
    }
}

/// The discount as typed, with its unit: a typed `%` wins over the mode.
fn typed_value(form: &DiscountForm, shop: &Shop) -> String {
    let value = form.value.trim();
    if value.ends_with('%') {
        value.to_string()
    } else {
        match form.mode {
            Mode::Percent => format!("{value}%"),
            Mode::Amount => format!("{}{value}", shop.currency.symbol),
        }
    }
}

/// The manager PIN field with its label and, inline, why the last PIN was refused.
fn pin_block<'a>(pin: &str, error: Option<&'a str>, i18n: &I18n) -> Element<'a, Message> {
    let field = text_input("••••", pin)
        .id(Id::new(PIN_ID))
        .secure(true)
        .on_input(|t| tool(ToolMessage::PinChanged(t)))
        .on_submit(tool(ToolMessage::PinSubmitted))
        .size(theme::LARGE)
        .padding(8)
        .style(theme::scan_input);
    let mut block = column![text(i18n.t("tools-pin-label")).size(theme::TEXT), field].spacing(6);
    if let Some(error) = error {
        block = block.push(text(error).size(theme::TEXT).style(text::danger));
    }
    block.into()
}

/// The parked sales, oldest first: a tap (or ↑ ↓ and Enter) recalls one.
fn recall_panel<'a>(list: &'a RecallList, shop: &'a Shop, i18n: &'a I18n) -> Element<'a, Message> {
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
