use super::SaleError;
use crate::money::Money;
use rust_decimal::Decimal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscountKind {
    /// A fixed amount off.
    Amount(Money),
    /// A percentage off (0 < p <= 100), rounded half-up to the minor unit.
    Percent(Decimal),
}

/// A discount with the reason the cashier gave (kept on the receipt and in reports).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discount {
    pub kind: DiscountKind,
    pub reason: String,
    /// The manager who approved it, when it was beyond what a cashier may give alone.
    pub approved_by: Option<String>,
}

impl Discount {
    pub fn amount(amount: Money, reason: &str) -> Result<Discount, SaleError> {
        if amount.is_negative() || amount.is_zero() {
            return Err(SaleError::Discount(format!(
                "discount {} must be above zero",
                amount.plain()
            )));
        }
        Ok(Discount {
            kind: DiscountKind::Amount(amount),
            reason: reason.trim().to_string(),
            approved_by: None,
        })
    }

    pub fn percent(percent: Decimal, reason: &str) -> Result<Discount, SaleError> {
        if percent <= Decimal::ZERO || percent > Decimal::from(100) {
            return Err(SaleError::Discount(format!(
                "discount {percent}% must be above 0 and at most 100"
            )));
        }
        Ok(Discount {
            kind: DiscountKind::Percent(percent),
            reason: reason.trim().to_string(),
            approved_by: None,
        })
    }

    /// The amount taken off `base`; refuses a fixed discount larger than the base.
    pub fn off(&self, base: Money) -> Result<Money, SaleError> {
        match self.kind {
            DiscountKind::Amount(amount) => {
                if amount.amount() > base.amount() {
                    Err(SaleError::Discount(format!(
                        "discount {} is more than the amount {}",
                        amount.plain(),
                        base.plain()
                    )))
                } else {
                    Ok(amount)
                }
            }
            DiscountKind::Percent(p) => Ok(base.scale(p / Decimal::from(100))),
        }
    }

    /// The reason as the ledger and the receipt keep it: the approving manager is named in
    /// it, since sale lines have no column of their own for that.
    pub fn recorded_reason(&self) -> String {
        match &self.approved_by {
            Some(name) => format!("{} (approved: {name})", self.reason),
            None => self.reason.clone(),
        }
    }

    pub fn describe(&self) -> String {
        match self.kind {
            DiscountKind::Amount(a) => a.plain(),
            DiscountKind::Percent(p) => format!("{}%", p.normalize()),
        }
    }
}
