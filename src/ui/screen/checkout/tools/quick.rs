//! The quick-key grid (`QuickGrid`, its tabs and keys), kept in step with the catalog.

use crate::catalog::{Catalog, Category};
use crate::money::Money;
use crate::till::Till;
use crate::ui::screen::checkout::State;

/// The quick-key grid as the view shows it (the view has no till to ask during a card
/// payment, so the checkout keeps this copy).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuickGrid {
    pub tabs: Vec<QuickTab>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickTab {
    /// `None`: products on the grid without a category.
    pub category: Option<Category>,
    pub keys: Vec<QuickButton>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickButton {
    pub sku: String,
    pub name_zh: String,
    pub name_en: String,
    pub price: Money,
}

impl QuickButton {
    pub fn name(&self, zh: bool) -> &str {
        crate::catalog::name_in(zh, &self.name_zh, &self.name_en)
    }
}

impl QuickGrid {
    pub fn from_catalog(catalog: &Catalog) -> QuickGrid {
        let tabs = catalog
            .quick_tabs()
            .iter()
            .map(|tab| QuickTab {
                category: tab.category.clone(),
                keys: catalog
                    .quick_keys(tab)
                    .map(|p| QuickButton {
                        sku: p.sku.clone(),
                        name_zh: p.name_zh.clone(),
                        name_en: p.name_en.clone(),
                        price: p.price,
                    })
                    .collect(),
            })
            .collect();
        QuickGrid { tabs }
    }
}

impl State {
    pub fn quick_grid(&self) -> &QuickGrid {
        &self.quick
    }

    pub fn quick_tab(&self) -> usize {
        self.quick_tab
    }

    /// The quick-key grid follows the catalog (an import may have changed it).
    pub(in crate::ui::screen::checkout) fn refresh_quick_keys(&mut self, till: &Till) {
        let grid = QuickGrid::from_catalog(till.catalog());
        if grid != self.quick {
            self.quick_tab = self.quick_tab.min(grid.tabs.len().saturating_sub(1));
            self.quick = grid;
        }
    }
}
