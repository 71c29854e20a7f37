//! Parking a sale and recalling one (F3): the parked list (`RecallList`) and the recall report.

use super::{Panel, tool_error};
use crate::i18n::I18n;
use crate::store::ParkedRow;
use crate::till::Till;
use crate::till::discount::ToolError;
use crate::till::park::Recalled;
use crate::ui::screen::checkout::{Field, State};

#[derive(Debug)]
pub struct RecallList {
    pub rows: Vec<ParkedRow>,
    pub selected: usize,
}

impl State {
    /// F3: parks the open sale; with an empty cart, lists the parked ones (F3 again closes).
    pub(in crate::ui::screen::checkout) fn park_key(&mut self, till: &mut Till, i18n: &I18n) {
        if matches!(self.panel, Some(Panel::Recall(_))) {
            self.close_panel();
            return;
        }
        if !self.cart.is_empty() {
            self.park(till, i18n);
            return;
        }
        match till.parked_sales() {
            Ok(rows) if rows.is_empty() => {
                self.notice = Some(i18n.t("tools-recall-none"));
                self.error = None;
            }
            Ok(rows) => {
                if self.completed.is_some() && !self.unprinted {
                    self.new_sale();
                }
                self.panel = Some(Panel::Recall(RecallList { rows, selected: 0 }));
                self.search = None;
                self.error = None;
                self.focus = Field::Scan;
            }
            Err(e) => self.error = Some(tool_error(i18n, &e)),
        }
    }

    fn park(&mut self, till: &mut Till, i18n: &I18n) {
        let total = self.cart.totals().map(|t| t.total.display()).unwrap_or_default();
        let lines = self.cart.lines().len();
        match till.park(&self.cart) {
            Ok(id) => {
                // The counter is clear for the next customer, as after a sale.
                self.new_sale();
                self.notice = Some(i18n.t_args(
                    "tools-parked",
                    &[
                        ("number", id.to_string()),
                        ("lines", lines.to_string()),
                        ("total", total),
                    ],
                ));
            }
            Err(e) => self.error = Some(tool_error(i18n, &e)),
        }
    }

    /// Enter with the parked list open and nothing typed: recall the highlighted one.
    pub(in crate::ui::screen::checkout) fn recall_selected(&mut self, till: &mut Till, i18n: &I18n) -> bool {
        let Some(Panel::Recall(list)) = &self.panel else {
            return false;
        };
        let Some(row) = list.rows.get(list.selected) else {
            return false;
        };
        let id = row.id;
        self.recall(till, i18n, id);
        true
    }

    /// ↑ / ↓ in the parked list. `false` when no list is open.
    pub(in crate::ui::screen::checkout) fn step_recall_list(&mut self, delta: isize) -> bool {
        let Some(Panel::Recall(list)) = &mut self.panel else {
            return false;
        };
        let last = list.rows.len().saturating_sub(1);
        list.selected = list.selected.saturating_add_signed(delta).min(last);
        true
    }

    pub(super) fn recall(&mut self, till: &mut Till, i18n: &I18n, id: i64) {
        if !self.cart.is_empty() {
            self.error = Some(tool_error(i18n, &ToolError::CartOpen));
            return;
        }
        if self.completed.is_some() {
            // The finished sale's panel would start a new sale (and empty the recalled cart)
            // at the next scan; it goes first, once its receipt is on its way.
            if self.unprinted {
                self.error = Some(tool_error(i18n, &ToolError::CartOpen));
                return;
            }
            self.new_sale();
        }
        match till.recall(&mut self.cart, id) {
            Ok(recalled) => {
                self.close_panel();
                self.selected = self.cart.lines().len().checked_sub(1);
                self.search = None;
                let (notice, problems) = recall_report(i18n, &self.cart, &recalled);
                self.notice = Some(notice);
                self.error = problems;
            }
            Err(e) => {
                self.error = Some(tool_error(i18n, &e));
                // The list may be out of date (recalled elsewhere): read it again.
                if let Some(Panel::Recall(list)) = &mut self.panel
                    && let Ok(rows) = till.parked_sales()
                {
                    list.selected = list.selected.min(rows.len().saturating_sub(1));
                    list.rows = rows;
                }
            }
        }
    }
}

/// What the cashier reads after a recall: the notice, and (red) what did not come back as
/// it was parked.
fn recall_report(i18n: &I18n, cart: &crate::sale::Cart, recalled: &Recalled) -> (String, Option<String>) {
    let zh = i18n.language().is_zh();
    let notice = i18n.t_args(
        "tools-recalled",
        &[
            ("number", recalled.id.to_string()),
            ("lines", cart.lines().len().to_string()),
        ],
    );
    let mut problems = Vec::new();
    for m in &recalled.missing {
        let key = if m.inactive {
            "tools-recall-inactive"
        } else {
            "tools-recall-gone"
        };
        problems.push(i18n.t_args(
            key,
            &[
                ("name", m.name(zh).to_string()),
                ("sku", m.sku.clone()),
                ("quantity", m.quantity.to_string()),
            ],
        ));
    }
    for r in &recalled.repriced {
        let name = cart
            .lines()
            .get(r.index)
            .map(|l| l.name(zh).to_string())
            .unwrap_or_default();
        problems.push(i18n.t_args(
            "tools-recall-repriced",
            &[("name", name), ("was", r.was.display()), ("now", r.now.display())],
        ));
    }
    for d in &recalled.dropped_discounts {
        let what = match d {
            Some(sku) => cart
                .lines()
                .iter()
                .find(|l| &l.sku == sku)
                .map(|l| l.name(zh).to_string())
                .unwrap_or_else(|| sku.clone()),
            None => i18n.t("tools-target-sale"),
        };
        problems.push(i18n.t_args("tools-recall-discount-dropped", &[("what", what)]));
    }
    if problems.is_empty() {
        (notice, None)
    } else {
        let joined = problems.join(i18n.t("tools-list-separator").as_str());
        (notice.clone(), Some(format!("{notice} {joined}")))
    }
}
