//! `[sale]`: what a cashier may do alone at the checkout; beyond it a manager approves.

use rust_decimal::Decimal;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SaleSection {
    cashier_discount_limit_percent: Option<Decimal>,
    remove_line_needs_manager: Option<bool>,
}

/// A cashier's discount limit when the config says nothing.
pub const DEFAULT_DISCOUNT_LIMIT_PERCENT: u32 = 10;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleRules {
    /// The largest discount (percent of what it is taken off) a cashier gives without a
    /// manager; 0 = every discount needs a manager.
    pub cashier_discount_limit_percent: Decimal,
    /// Removing a scanned line needs a manager.
    pub remove_line_needs_manager: bool,
}

impl Default for SaleRules {
    fn default() -> SaleRules {
        SaleRules {
            cashier_discount_limit_percent: Decimal::from(DEFAULT_DISCOUNT_LIMIT_PERCENT),
            remove_line_needs_manager: false,
        }
    }
}

impl SaleSection {
    pub(super) fn check(self) -> Result<SaleRules, String> {
        let defaults = SaleRules::default();
        let limit = match self.cashier_discount_limit_percent {
            None => defaults.cashier_discount_limit_percent,
            Some(p) if p >= Decimal::ZERO && p <= Decimal::ONE_HUNDRED => p,
            Some(p) => {
                return Err(format!(
                    "[sale] cashier_discount_limit_percent: {p} is not between 0 and 100"
                ));
            }
        };
        Ok(SaleRules {
            cashier_discount_limit_percent: limit,
            remove_line_needs_manager: self.remove_line_needs_manager.unwrap_or(false),
        })
    }
}
