//! Layout of the quick-key grid: the category tabs and the keys of the chosen one.

use super::tool;
use crate::i18n::I18n;
use crate::ui::screen::checkout::{Message, State, ToolMessage};
use crate::ui::theme;
use iced::widget::{Column, Id, Row, button, column, container, space, text};
use iced::{Center, Element, Fill, Length};

/// A quick key: wide enough for a short name, tall enough for name and price.
const KEY_WIDTH: f32 = 128.0;
const KEY_HEIGHT: f32 = 60.0;

impl State {
    /// The category tabs and the keys of the chosen one; a tap adds one, as a scan does.
    pub(in crate::ui::screen::checkout) fn quick_keys<'a>(&'a self, i18n: &'a I18n) -> Element<'a, Message> {
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
}
